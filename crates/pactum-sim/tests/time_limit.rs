//! Wall-clock deadlines: a time limit in seconds instead of (or besides) a
//! number of rounds. The clock is injected (a `ManualClock` that negotiators
//! advance as they act), so the tests are deterministic; one test uses the
//! real clock with a limit so small that only the deadline can end it.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{line, three_way};
use pactum_sim::negotiator::{self, Negotiator, Now, Response, SeatInfo};
use pactum_sim::runner::run;
use pactum_sim::session::{Clock, Session};
use pactum_sim::{
    Config, Deadline, End, ManualClock, OutcomeId, Prepared, negotiate, negotiate_on,
};

/// A built-in strategy whose every offer takes `tick` of the clock; records
/// the relative time it was shown when proposing.
struct Ticking {
    inner: Box<dyn Negotiator>,
    clock: ManualClock,
    tick: Duration,
    times: Arc<Mutex<Vec<f64>>>,
}

impl Negotiator for Ticking {
    fn respond(&mut self, now: &Now, offer: OutcomeId, proposer: usize) -> Response {
        self.inner.respond(now, offer, proposer)
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        self.times.lock().unwrap().push(now.time);
        self.clock.advance(self.tick);
        self.inner.propose(now)
    }

    fn on_offer(&mut self, now: &Now, offer: OutcomeId, proposer: usize) {
        self.inner.on_offer(now, offer, proposer);
    }

    fn vote(&mut self, now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        self.inner.vote(now, current, proposal)
    }
}

fn seat(p: &Prepared, s: usize) -> SeatInfo {
    SeatInfo {
        seat: s,
        parties: p.prefs.len(),
        prefs: p.prefs[s].clone(),
        space: p.space.clone(),
        seed: 1,
    }
}

/// Two hardliners on opposite ends of the line (they never agree), each offer
/// taking one second, under `deadline`.
fn hardliners_on_a_clock(deadline: Deadline) -> (pactum_sim::NegotiationResult, Vec<f64>) {
    let p = line([None, None]);
    let clock = ManualClock::new();
    let times = Arc::new(Mutex::new(Vec::new()));
    let negotiators: Vec<Box<dyn Negotiator>> = (0..2)
        .map(|s| {
            Box::new(Ticking {
                inner: negotiator::build("hardliner", &seat(&p, s)).unwrap(),
                clock: clock.clone(),
                tick: Duration::from_secs(1),
                times: times.clone(),
            }) as Box<dyn Negotiator>
        })
        .collect();
    let mut session = Session::with_clock(
        p.space.clone(),
        p.prefs.clone(),
        negotiators,
        Clock::with_source(deadline, Arc::new(clock)),
        true,
    );
    let r = run(&mut session, pactum_sim::ProtocolKind::Sao, 0);
    let times = times.lock().unwrap().clone();
    (r, times)
}

fn seconds(s: u64) -> Deadline {
    Deadline {
        steps: None,
        time_limit: Some(Duration::from_secs(s)),
    }
}

#[test]
fn a_time_limit_ends_the_negotiation_between_rounds() {
    // Two offers (two seconds) a round: 10 s are up after round 4.
    let (r, times) = hardliners_on_a_clock(seconds(10));
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.agreement, None);
    assert_eq!(r.steps, 5);
    assert_eq!(r.trace.events.len(), 10);
    // Each offer is shown the share of the limit used when it is asked for.
    let want: Vec<f64> = (0..10).map(|k| k as f64 / 10.0).collect();
    assert_eq!(times, want);
    // The disagreement utilities (no reservation values: worst utilities).
    assert_eq!(r.utilities, vec![0.0, 0.0]);
}

#[test]
fn a_time_limit_ends_the_negotiation_within_a_round() {
    // 9 s: round 4's first offer uses the last second, so the second seat
    // may not answer it.
    let (r, times) = hardliners_on_a_clock(seconds(9));
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.agreement, None);
    assert_eq!(r.steps, 5);
    assert_eq!(r.trace.events.len(), 9);
    assert_eq!(times.len(), 9);
    assert_eq!(r.trace.events.last().unwrap().proposer, Some(0));
}

#[test]
fn rounds_and_time_limit_whichever_comes_first() {
    let both = |steps, secs| Deadline {
        steps: Some(steps),
        time_limit: Some(Duration::from_secs(secs)),
    };
    // Rounds first: 3 rounds, 100 s.
    let (r, times) = hardliners_on_a_clock(both(3, 100));
    assert_eq!(
        (r.end.clone(), r.steps, r.trace.events.len()),
        (End::Deadline, 3, 6)
    );
    // Relative time is the larger of the two: rounds, (s + 1)/(N + 1).
    assert_eq!(times[0], 0.25);
    assert_eq!(times[5], 0.75);
    // Time first: 100 rounds, 4 s.
    let (r, times) = hardliners_on_a_clock(both(100, 4));
    assert_eq!(
        (r.end, r.steps, r.trace.events.len()),
        (End::Deadline, 2, 4)
    );
    // Clock: 3 s of 4 used before the fourth offer.
    assert_eq!(times[3], 0.75);
}

#[test]
fn a_tiny_wall_clock_limit_ends_with_a_deadline() {
    // Hardliners on opposite ends never agree: only the clock ends this.
    let p = line([None, None]);
    let config = Config {
        deadline: Deadline {
            steps: None,
            time_limit: Some(Duration::from_millis(1)),
        },
        ..Config::sao(1, 0)
    };
    let r = negotiate(&p, &["hardliner", "hardliner"], &config).unwrap();
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.agreement, None);
    assert!(r.steps >= 1);
}

#[test]
fn a_deadline_in_rounds_never_reads_the_clock() {
    // The same negotiations, byte for byte, on the real clock and on one
    // that says a day has passed.
    let cases: [(Prepared, &[&str]); 4] = [
        (line([None, None]), &["boulware", "conceder"]),
        (line([Some(0.3), Some(0.2)]), &["micro", "tit-for-tat"]),
        (line([None, None]), &["random", "genius-linear"]),
        (three_way(), &["conceder", "linear", "nash-seeker"]),
    ];
    for (p, strategies) in &cases {
        let config = Config {
            record: true,
            ..Config::sao(20, 42)
        };
        let late = ManualClock::new();
        late.advance(Duration::from_secs(86_400));
        let real = negotiate(p, strategies, &config).unwrap();
        let moved = negotiate_on(p, strategies, &config, Arc::new(late)).unwrap();
        assert_eq!(
            serde_json::to_string(&real).unwrap(),
            serde_json::to_string(&moved).unwrap(),
            "{strategies:?}"
        );
        // A time limit that has not started to run changes nothing either:
        // relative time is the larger of the two clocks.
        let with_limit = Config {
            deadline: Deadline {
                steps: Some(20),
                time_limit: Some(Duration::from_secs(3_600)),
            },
            ..config
        };
        let stopped =
            negotiate_on(p, strategies, &with_limit, Arc::new(ManualClock::new())).unwrap();
        assert_eq!(
            serde_json::to_string(&real).unwrap(),
            serde_json::to_string(&stopped).unwrap(),
            "{strategies:?} with an unused time limit"
        );
    }
}

#[test]
fn the_clock_shows_the_share_of_the_time_limit_used() {
    let clock = ManualClock::new();
    let c = Clock::with_source(seconds(10), Arc::new(clock.clone()));
    assert_eq!(c.time(0), 0.0);
    clock.advance(Duration::from_secs(5));
    assert_eq!(c.time(0), 0.5);
    assert!(!c.expired(1_000_000), "no limit in rounds");
    clock.advance(Duration::from_secs(5));
    assert_eq!(c.time(0), 1.0);
    assert!(c.expired(0));
    clock.advance(Duration::from_secs(5));
    assert_eq!(c.time(0), 1.0, "capped at 1");
}
