//! Tests of a simulation's export and of a record read back as a script.

use pactum_protocol::partial_rounds;
use pactum_sim::End;
use pactum_sim::runner::{Config, Mediator, NegotiationResult, ProtocolKind, negotiate};
use pactum_sim::trace::{Move, Step};
use pactum_sim::{Deadline, Prepared};

use super::*;
use crate::mediation::Export;
use crate::verify::{Inputs, ScenarioSource, Status, verify};

const TEXT: &str = include_str!("../../../../examples/car-purchase.toml");

fn simulated(
    protocol: ProtocolKind,
    strategies: &[&str],
    seed: u64,
) -> (Prepared, NegotiationResult) {
    let loaded = pactum_core::native::from_toml("car.toml", TEXT).unwrap();
    let p = Prepared::new(loaded.scenario).unwrap();
    let config = Config {
        protocol,
        deadline: Deadline::steps(30),
        seed,
        record: true,
    };
    let r = negotiate(&p, strategies, &config).unwrap();
    (p, r)
}

/// The export of `r` (played under `protocol`, 30 rounds), or why it has none.
fn try_export(
    p: &Prepared,
    r: &NegotiationResult,
    protocol: ProtocolKind,
    seed: u64,
) -> Result<Export, SimulationError> {
    export_simulation(&Simulation {
        session_id: "sim",
        scenario_text: TEXT,
        scenario: &p.scenario,
        space: &p.space,
        protocol,
        deadline_rounds: 30,
        deadline_seconds: None,
        seed,
        result: r,
    })
}

fn export(p: &Prepared, r: &NegotiationResult, protocol: ProtocolKind, seed: u64) -> Export {
    try_export(p, r, protocol, seed).unwrap()
}

fn without_ids(steps: &[Step]) -> Vec<Step> {
    let mut steps = steps.to_vec();
    for s in &mut steps {
        if let Move::Partial(
            partial_rounds::Move::Propose { id, .. } | partial_rounds::Move::Accept { id },
        ) = &mut s.mv
        {
            *id = 0;
        }
    }
    steps
}

#[test]
fn a_simulation_exports_as_a_record_that_verifies_and_reads_back() {
    for (protocol, strategies) in [
        (ProtocolKind::Sao, ["boulware", "conceder"]),
        (ProtocolKind::Sao, ["random", "hardliner"]),
        (
            ProtocolKind::SingleText(Mediator::DraftAndVote),
            ["random", "linear"],
        ),
        (
            ProtocolKind::SingleText(Mediator::Veto),
            ["random", "linear"],
        ),
        (
            ProtocolKind::SingleText(Mediator::HillClimbing),
            ["conceder", "random"],
        ),
        (
            ProtocolKind::SingleText(Mediator::Packages),
            ["linear", "conceder"],
        ),
        (ProtocolKind::PartialRounds, ["random", "conceder"]),
    ] {
        for seed in 0..3 {
            let (p, r) = simulated(protocol, &strategies, seed);
            let e = export(&p, &r, protocol, seed);
            let report = verify(
                &e.record,
                &Inputs {
                    scenario: Some((&e.scenario_toml, ScenarioSource::Export)),
                    ..Default::default()
                },
            );
            assert!(
                report.verified,
                "{protocol:?} {seed}: {:?}",
                report.problems()
            );
            assert_eq!(
                report.check("protocol replay").unwrap().status,
                Status::Passed
            );
            let (_, run) = script_of(&e.record, &p).unwrap();
            // Proposal ids become the offers' sequence numbers.
            assert_eq!(without_ids(&run.steps), without_ids(&r.trace.moves));
            assert_eq!(
                run.agreement,
                r.agreement.map(|a| p.package(a)),
                "{protocol:?} {seed}"
            );
            // Same seed, same bytes.
            assert_eq!(
                serde_json::to_string(&e).unwrap(),
                serde_json::to_string(&export(&p, &r, protocol, seed)).unwrap()
            );
        }
    }
}

#[test]
fn a_negotiation_ended_on_a_refused_move_has_no_record_form() {
    let (p, mut r) = simulated(ProtocolKind::Sao, &["boulware", "conceder"], 0);
    r.end = End::Invalid {
        seat: 1,
        reason: "out of turn".into(),
    };
    let e = try_export(&p, &r, ProtocolKind::Sao, 0);
    assert!(matches!(e, Err(SimulationError::Invalid { seat: 1, .. })));
}

#[test]
fn every_mediator_has_a_record_form_that_re_runs_move_for_move() {
    for mediator in Mediator::ALL {
        let protocol = ProtocolKind::SingleText(mediator);
        for seed in 0..2 {
            let (p, r) = simulated(protocol, &["random", "linear"], seed);
            let e = export(&p, &r, protocol, seed);
            let (_, run) = script_of(&e.record, &p).unwrap();
            assert_eq!(run.protocol, protocol);
            let again = pactum_sim::script::replay(
                &p,
                run.protocol,
                Deadline::steps(30),
                run.mediator_seed,
                &run.steps,
            )
            .unwrap();
            assert_eq!(again.unplayed, 0, "{mediator:?} {seed}");
            assert_eq!(again.result.agreement, r.agreement, "{mediator:?} {seed}");
            assert_eq!(again.result.trace.moves, r.trace.moves);
            let created = &e.record.events[0].event;
            let draws = matches!(mediator, Mediator::Veto | Mediator::HillClimbing);
            assert_eq!(created.get("mediator_seed").is_some(), draws, "{created}");
            assert_eq!(
                created.get("mediator").is_some(),
                mediator != Mediator::DraftAndVote
            );
        }
    }
}

/// A clock that moves on by 7 ms each time it is read.
#[derive(Debug, Default)]
struct Ticking(std::sync::atomic::AtomicU64);

impl pactum_sim::session::TimeSource for Ticking {
    fn elapsed(&self) -> std::time::Duration {
        let reads = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::time::Duration::from_millis(7 * reads)
    }
}

#[test]
fn a_simulation_the_time_limit_ended_exports_its_expiry_and_re_runs_on_its_clock() {
    for (protocol, strategies) in [
        (ProtocolKind::Sao, ["hardliner", "hardliner"]),
        (
            ProtocolKind::SingleText(Mediator::Veto),
            ["hardliner", "hardliner"],
        ),
        (ProtocolKind::PartialRounds, ["hardliner", "hardliner"]),
    ] {
        let loaded = pactum_core::native::from_toml("car.toml", TEXT).unwrap();
        let p = Prepared::new(loaded.scenario).unwrap();
        let deadline = Deadline {
            steps: Some(1_000),
            time_limit: Some(std::time::Duration::from_secs(1)),
        };
        let config = Config {
            protocol,
            deadline,
            seed: 4,
            record: true,
        };
        let r = pactum_sim::runner::negotiate_on(
            &p,
            &strategies,
            &config,
            std::sync::Arc::new(Ticking::default()),
        )
        .unwrap();
        let times = &r.trace.times;
        assert_eq!(times.moves.len(), r.trace.moves.len(), "{protocol:?}");
        assert!(!times.moves.is_empty(), "{protocol:?}");
        let expired = times.expired.expect("the time limit ended it");
        assert!(expired >= std::time::Duration::from_secs(1));
        assert!(times.moves.iter().all(|t| t.as_secs() < 1));
        assert!(times.moves.windows(2).all(|w| w[0] <= w[1]));

        let e = export_simulation(&Simulation {
            session_id: "sim",
            scenario_text: TEXT,
            scenario: &p.scenario,
            space: &p.space,
            protocol,
            deadline_rounds: 1_000,
            deadline_seconds: Some(1),
            seed: 4,
            result: &r,
        })
        .unwrap();
        let events: Vec<&serde_json::Value> = e.record.events.iter().map(|x| &x.event).collect();
        assert_eq!(events[0]["deadline_seconds"], 1, "{protocol:?}");
        let expiry = events
            .iter()
            .position(|ev| ev["type"] == "expired")
            .unwrap_or_else(|| panic!("{protocol:?}: no expiry in {events:?}"));
        assert!(events[expiry]["at_ms"].as_i64().unwrap() >= 1_000);
        // The end the expiry brings: no agreement, or the draft that stood.
        let end = events[expiry + 1];
        assert!(
            end["reason"] == "time limit reached" || end["type"] == "agreement",
            "{protocol:?}: {end}"
        );
        let report = verify(
            &e.record,
            &Inputs {
                scenario: Some((&e.scenario_toml, ScenarioSource::Export)),
                ..Default::default()
            },
        );
        assert!(report.verified, "{protocol:?}: {:?}", report.problems());
        // Read back, it re-runs on the recorded clock to the same end.
        let (_, run) = script_of(&e.record, &p).unwrap();
        assert_eq!(run.deadline_seconds, Some(1));
        let again = pactum_sim::script::replay_timed(
            &p,
            run.protocol,
            deadline,
            run.mediator_seed,
            &run.steps,
            run.times.clone(),
        )
        .unwrap();
        assert_eq!(again.unplayed, 0, "{protocol:?}");
        assert_eq!(again.result.agreement, r.agreement, "{protocol:?}");
        assert_eq!(again.result.end, r.end, "{protocol:?}");
    }
}

#[test]
fn a_time_limit_without_move_times_or_out_of_range_is_refused() {
    let (p, r) = simulated(ProtocolKind::Sao, &["boulware", "conceder"], 0);
    let with = |secs| {
        export_simulation(&Simulation {
            session_id: "sim",
            scenario_text: TEXT,
            scenario: &p.scenario,
            space: &p.space,
            protocol: ProtocolKind::Sao,
            deadline_rounds: 30,
            deadline_seconds: Some(secs),
            seed: 0,
            result: &r,
        })
    };
    assert!(matches!(with(5), Err(SimulationError::Untimed { .. })));
    assert!(matches!(with(0), Err(SimulationError::TimeLimit(_))));
}
