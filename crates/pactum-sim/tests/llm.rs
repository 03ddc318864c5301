//! The `llm` strategy against a loopback stand-in endpoint scripted per
//! test: a valid offer, an acceptance, an unknown candidate then a valid
//! retry, two unusable answers (the fallback makes the move, noted), an
//! acceptance below the reservation value (refused by the guard), a
//! timeout and malformed answers (fallback), the replay cache (identical
//! documents offline), leakage flagged, and the tournament's counts.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pactum_llm::stand_in::{Reply, StandIn};
use pactum_llm::{Client, Config as LlmConfig};
use pactum_sim::document::negotiation_doc;
use pactum_sim::metrics::Metrics;
use pactum_sim::negotiator::llm::LlmModel;
use pactum_sim::negotiator::{Builder, LLM};
use pactum_sim::runner::negotiate_built;
use pactum_sim::tournament::Tournament;
use pactum_sim::{Config, End, NegotiationResult, Prepared, SimError, WallClock};
use serde_json::{Value, json};

fn stand_in(script: impl FnMut(usize, &Value) -> Reply + Send + 'static) -> StandIn {
    StandIn::start(script)
}

/// A move as the model writes it.
fn answer(mv: &str, candidate: i64, message: &str) -> Reply {
    Reply::Content(json!({"move": mv, "candidate": candidate, "message": message}).to_string())
}

/// The last user message of a request (the turn's question or the retry).
fn question(request: &Value) -> String {
    request["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string()
}

fn car() -> Prepared {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/car-purchase.toml");
    Prepared::new(pactum_core::io::load(&path, None).unwrap().scenario).unwrap()
}

fn builder(url: &str, cache: Option<&Path>) -> Builder {
    let config = LlmConfig::new(url, "stand-in")
        .unwrap()
        .with_timeout(Duration::from_secs(1))
        .unwrap()
        .with_retries(0)
        .unwrap()
        .with_cache(cache.map(Path::to_path_buf));
    let model = LlmModel::new(Arc::new(Client::new(config)), "boulware").unwrap();
    Builder::with_model(Arc::new(model))
}

fn play(p: &Prepared, b: &Builder, strategies: &[&str], steps: usize) -> NegotiationResult {
    let config = Config {
        record: true,
        ..Config::sao(steps, 1)
    };
    negotiate_built(p, strategies, b, &config, Arc::new(WallClock::start())).unwrap()
}

fn doc(p: &Prepared, strategies: &[&str], r: &NegotiationResult, steps: usize) -> Value {
    let config = Config {
        record: true,
        ..Config::sao(steps, 1)
    };
    serde_json::to_value(negotiation_doc(p, strategies, &config, r, &Metrics::new(p))).unwrap()
}

/// Offers candidate 1 with a message, or accepts when the offer on the
/// table may be accepted.
fn sensible(_: usize, request: &Value) -> Reply {
    if question(request).contains("you may accept it") {
        answer("accept", 0, "We have a deal.")
    } else {
        answer("offer", 1, "This is a fair package for both of us.")
    }
}

#[test]
fn a_valid_offer_is_played_and_its_message_is_in_the_trace() {
    let p = car();
    let s = stand_in(sensible);
    let r = play(&p, &builder(s.url(), None), &[LLM, "boulware"], 20);
    let d = doc(&p, &[LLM, "boulware"], &r, 20);
    let first = &d["trace"][0];
    assert_eq!(first["proposer"], "Buyer");
    assert_eq!(first["message"], "This is a fair package for both of us.");
    assert!(first.get("leaked").is_none() && first.get("fallback").is_none());
    // Every offer the model made is rational for it.
    for e in d["trace"].as_array().unwrap() {
        if e["proposer"] == "Buyer" {
            assert!(e["utilities"][0].as_f64().unwrap() >= 0.45, "{e}");
        }
    }
    // The request asks for the move schema and shows the preferences.
    let requests = s.requests();
    let body = &requests[0];
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "negotiation_move"
    );
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("You negotiate for Buyer"), "{system}");
    assert!(system.contains("price (weight 0.55)"), "{system}");
    assert!(system.contains("delivery = 8 or 9"), "{system}");
    let q = question(body);
    assert!(q.contains("Candidates you may offer:\n1. "), "{q}");
    assert!(q.contains("Moves allowed now: offer, end."), "{q}");
    // The boulware dealer never concedes enough in 20 rounds with this
    // buyer, or it does and the buyer accepts: either way a proper end.
    assert!(
        matches!(r.end, End::Agreement { .. } | End::Deadline),
        "{:?}",
        r.end
    );
    // A classic negotiation's document has no notes at all.
    let classic = play(&p, &Builder::default(), &["boulware", "conceder"], 20);
    let text = doc(&p, &["boulware", "conceder"], &classic, 20).to_string();
    for field in ["message", "leaked", "fallback"] {
        assert!(!text.contains(field), "{field}");
    }
}

#[test]
fn an_acceptable_offer_is_accepted_with_the_message_on_the_answer() {
    let p = car();
    let s = stand_in(sensible);
    // The conceding buyer opens; the model, as the dealer, accepts as soon
    // as it may.
    let r = play(&p, &builder(s.url(), None), &["conceder", LLM], 30);
    let d = doc(&p, &["conceder", LLM], &r, 30);
    assert!(matches!(r.end, End::Agreement { .. }), "{:?}", r.end);
    let last = d["trace"].as_array().unwrap().last().unwrap();
    let answer = last["responses"].as_array().unwrap().last().unwrap();
    assert_eq!(answer["party"], "Dealer");
    assert_eq!(answer["response"], "accept");
    assert_eq!(answer["message"], "We have a deal.");
    assert!(r.utilities[1] >= 0.40);
}

#[test]
fn an_unknown_candidate_is_sent_back_once_and_the_retry_is_played() {
    let p = car();
    let s = stand_in(|k, request| {
        if k == 0 {
            answer("offer", 42, "Take it.")
        } else {
            assert!(question(request).contains("candidate 42 is not one of the listed numbers"));
            answer("end", 0, "Goodbye.")
        }
    });
    let r = play(&p, &builder(s.url(), None), &[LLM, "boulware"], 10);
    assert_eq!(r.end, End::Ended { seat: 0 });
    let requests = s.requests();
    assert_eq!(requests.len(), 2);
    // The retry carries the first answer and the reason.
    let roles: Vec<&str> = requests[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    let d = doc(&p, &[LLM, "boulware"], &r, 10);
    assert_eq!(d["end"]["kind"], "ended");
    assert_eq!(d["end"]["message"], "Goodbye.");
}

#[test]
fn two_unusable_answers_let_the_fallback_move_and_the_trace_says_why() {
    let p = car();
    // First turn: a move that does not exist, then an acceptance with
    // nothing on the table. Later turns: sensible.
    let s = stand_in(|k, request| match k {
        0 => Reply::Content(r#"{"move": "surrender", "candidate": 0, "message": "x"}"#.into()),
        1 => answer("accept", 0, "ok"),
        _ => sensible(k, request),
    });
    let r = play(&p, &builder(s.url(), None), &[LLM, "boulware"], 10);
    let d = doc(&p, &[LLM, "boulware"], &r, 10);
    let first = &d["trace"][0];
    let why = first["fallback"].as_str().unwrap();
    assert!(why.starts_with("boulware made this move"), "{why}");
    assert!(why.contains("no offer on the table to accept"), "{why}");
    assert!(first.get("message").is_none());
    // Boulware's opening: the buyer's best package.
    assert!(first["utilities"][0].as_f64().unwrap() >= p.prefs[0].best - 1e-3);
    // The next turn is the model's again.
    let second = d["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["step"] == 1 && e["proposer"] == "Buyer")
        .unwrap();
    assert!(second.get("fallback").is_none());
    assert_eq!(second["message"], "This is a fair package for both of us.");
}

#[test]
fn an_acceptance_below_the_reservation_value_is_refused_by_the_guard() {
    let p = car();
    let s = stand_in(|_, request| {
        let q = question(request);
        if q.contains("That answer cannot be used") {
            assert!(q.contains("below your reservation value 0.45"), "{q}");
            answer("offer", 1, "Let us try this.")
        } else if q.contains("On the table") {
            answer("accept", 0, "Fine.")
        } else {
            answer("offer", 1, "Opening.")
        }
    });
    // The hardliner dealer only ever offers its best package, worth less
    // than the buyer's reservation value: every acceptance is refused.
    let r = play(&p, &builder(s.url(), None), &[LLM, "hardliner"], 5);
    assert_eq!(r.agreement, None);
    assert_eq!(r.end, End::Deadline);
    let d = doc(&p, &[LLM, "hardliner"], &r, 5);
    for e in d["trace"].as_array().unwrap() {
        for a in e["responses"].as_array().unwrap() {
            assert_ne!(a["response"], "accept", "{e}");
        }
        if e["proposer"] == "Buyer" {
            // The model's counter-offer follows each refusal.
            assert!(e["utilities"][0].as_f64().unwrap() >= 0.45);
            assert_eq!(
                e["message"],
                if e["step"] == 0 {
                    "Opening."
                } else {
                    "Let us try this."
                }
            );
        }
    }
    assert!(s.requests().len() >= 8);
}

#[test]
fn a_timeout_or_malformed_answers_fall_back() {
    let p = car();
    let s = stand_in(|k, request| match k {
        0 | 1 => Reply::Silent,
        2 => Reply::Raw(200, "<html>not a completion</html>".into()),
        3 => Reply::Content("I offer the first one.".into()),
        _ => sensible(k, request),
    });
    let r = play(&p, &builder(s.url(), None), &[LLM, "boulware"], 4);
    let d = doc(&p, &[LLM, "boulware"], &r, 4);
    let buyer: Vec<&Value> = d["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["proposer"] == "Buyer")
        .collect();
    let why = buyer[0]["fallback"].as_str().unwrap();
    assert!(why.contains("no answer within 1 s"), "{why}");
    let why = buyer[1]["fallback"].as_str().unwrap();
    assert!(why.contains("not JSON"), "{why}");
    assert!(buyer[2].get("fallback").is_none());
    assert!(!matches!(r.end, End::Invalid { .. }));
}

#[test]
fn a_cached_run_replays_offline_to_the_same_document() {
    let p = car();
    let dir = tempfile::tempdir().unwrap();
    let s = stand_in(sensible);
    let first = play(
        &p,
        &builder(s.url(), Some(dir.path())),
        &[LLM, "boulware"],
        12,
    );
    let asked = s.requests().len();
    assert!(asked > 0);
    // Nobody listens there: every answer must come from the cache.
    let again = play(
        &p,
        &builder("http://127.0.0.1:9/v1", Some(dir.path())),
        &[LLM, "boulware"],
        12,
    );
    let a = serde_json::to_string_pretty(&doc(&p, &[LLM, "boulware"], &first, 12)).unwrap();
    let b = serde_json::to_string_pretty(&doc(&p, &[LLM, "boulware"], &again, 12)).unwrap();
    assert_eq!(a, b);
    assert!(!a.contains("fallback"));
}

#[test]
fn a_message_stating_private_values_is_flagged() {
    let p = car();
    let s = stand_in(|_, _| {
        answer(
            "offer",
            1,
            "I cannot go below 0.45, and delivery in 8 weeks is a red line.",
        )
    });
    let r = play(&p, &builder(s.url(), None), &[LLM, "boulware"], 3);
    let d = doc(&p, &[LLM, "boulware"], &r, 3);
    let leaked: Vec<&str> = d["trace"][0]["leaked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        leaked.contains(&"reservation value (\"0.45\")"),
        "{leaked:?}"
    );
    assert!(
        leaked.iter().any(|l| l.starts_with("red line on delivery")),
        "{leaked:?}"
    );
    let w = r.trace.words[0];
    assert!(w.sent >= 2 && w.flagged == w.sent, "{w:?}");
}

#[test]
fn llm_without_a_model_is_an_error_and_a_tournament_counts_messages() {
    let p = car();
    let config = Config::sao(5, 1);
    let e = negotiate_built(
        &p,
        &[LLM, "boulware"],
        &Builder::default(),
        &config,
        Arc::new(WallClock::start()),
    )
    .unwrap_err();
    assert!(matches!(e, SimError::NoModel), "{e}");
    let s = stand_in(|k, request| {
        if k % 2 == 0 {
            answer("offer", 1, "Our weight on price is 55%.")
        } else {
            sensible(k, request)
        }
    });
    let t = Tournament::new(
        vec![("car".into(), p)],
        vec![LLM.into(), "boulware".into()],
        6,
        1,
        1,
        false,
    )
    .unwrap();
    assert!(matches!(t.play(&t.jobs()[0]), Err(SimError::NoModel)));
    let t = t.with_builder(builder(s.url(), None)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let summary = t.run(dir.path(), None, 1, &|_| {}).unwrap();
    let llm = &summary[0];
    let sent = llm.messages.unwrap();
    assert!(sent > 0);
    let rate = llm.leakage_rate.unwrap();
    assert!(rate > 0.0 && rate < 1.0, "{rate}");
    assert_eq!(summary[1].messages, Some(0));
    assert_eq!(summary[1].leakage_rate, Some(0.0));
    let csv = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",messages,leakage_rate"),
        "{csv}"
    );
    let rows = std::fs::read_to_string(dir.path().join("negotiations.csv")).unwrap();
    assert!(
        rows.lines()
            .next()
            .unwrap()
            .ends_with(",messages_a,flagged_a,messages_b,flagged_b"),
        "{rows}"
    );
}

/// Counts the requests it lets through; `run: false` never runs them.
#[derive(Debug)]
struct Counting {
    run: bool,
    waits: std::sync::atomic::AtomicUsize,
}

impl pactum_sim::negotiator::llm::Waiting for Counting {
    fn wait(&self, request: &mut (dyn FnMut() + Send)) {
        self.waits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.run {
            request();
        }
    }
}

fn waiting_builder(url: &str, waiting: Arc<Counting>) -> Builder {
    let config = LlmConfig::new(url, "stand-in")
        .unwrap()
        .with_timeout(Duration::from_secs(1))
        .unwrap()
        .with_retries(0)
        .unwrap();
    let model = LlmModel::new(Arc::new(Client::new(config)), "boulware")
        .unwrap()
        .with_waiting(waiting);
    Builder::with_model(Arc::new(model))
}

#[test]
fn every_request_goes_through_the_callers_waiting_and_plays_the_same() {
    let p = car();
    let plain = stand_in(sensible);
    let r = play(&p, &builder(plain.url(), None), &[LLM, "boulware"], 12);
    let through = stand_in(sensible);
    let waiting = Arc::new(Counting {
        run: true,
        waits: Default::default(),
    });
    let b = waiting_builder(through.url(), waiting.clone());
    let w = play(&p, &b, &[LLM, "boulware"], 12);
    assert_eq!(
        doc(&p, &[LLM, "boulware"], &r, 12),
        doc(&p, &[LLM, "boulware"], &w, 12)
    );
    let asked = through.requests().len();
    assert!(asked > 0);
    assert_eq!(
        waiting.waits.load(std::sync::atomic::Ordering::SeqCst),
        asked
    );
    assert_eq!(plain.requests(), through.requests());
}

#[test]
fn a_waiting_that_never_runs_the_request_leaves_the_move_to_the_fallback() {
    let p = car();
    let s = stand_in(sensible);
    let waiting = Arc::new(Counting {
        run: false,
        waits: Default::default(),
    });
    let r = play(
        &p,
        &waiting_builder(s.url(), waiting),
        &[LLM, "boulware"],
        6,
    );
    let d = doc(&p, &[LLM, "boulware"], &r, 6);
    let first = &d["trace"][0];
    let why = first["fallback"].as_str().unwrap();
    assert!(why.contains("never made"), "{why}");
    assert!(s.requests().is_empty());
}
