//! Tests of the checks, each pinning one rule of the verification.

use std::path::Path;

use super::*;
use crate::record::Record;
use crate::record::{GENESIS_HASH, RecordEntry, chain_hash};
use serde_json::json;

fn record_of(events: Vec<serde_json::Value>) -> Record {
    let mut prev = GENESIS_HASH.to_string();
    let mut entries = Vec::new();
    for (seq, event) in events.into_iter().enumerate() {
        let hash = chain_hash(&prev, &event);
        entries.push(RecordEntry {
            seq: seq as u64,
            event,
            prev_hash: prev,
            hash: hash.clone(),
        });
        prev = hash;
    }
    Record {
        session_id: "s".into(),
        events: entries,
        signature: None,
    }
}

#[test]
fn a_record_without_a_scenario_hash_checks_no_scenario() {
    let record = record_of(vec![json!({
        "type": "created", "session_id": "s", "protocol": "alternating_offers",
        "deadline_rounds": 3, "negotiators": ["A", "B"], "at_ms": 0
    })]);
    let given = Inputs {
        scenario: Some(("name = \"x\"", ScenarioSource::Given)),
        ..Default::default()
    };
    let report = verify(&record, &given);
    let check = report.check("scenario hash").unwrap();
    assert_eq!(check.status, Status::NotChecked);
    assert!(check.detail.contains("predates"), "{}", check.detail);
    // Asked for and not run: not verified.
    assert!(!report.verified);
    assert!(verify(&record, &Inputs::default()).verified);
}

#[test]
fn moves_replay_without_the_scenario_and_a_missing_end_fails() {
    let created = json!({
        "type": "created", "session_id": "s", "protocol": "alternating_offers",
        "deadline_rounds": 1, "negotiators": ["A", "B"], "scenario_sha256": "00", "at_ms": 0
    });
    let offer = json!({"type": "move", "party": "A", "kind": "offer",
        "offer": {"price": 2}, "round": 0, "at_ms": 1});
    let reject = json!({"type": "move", "party": "B", "kind": "reject", "round": 0, "at_ms": 2});
    let ended = json!({"type": "ended", "reason": "deadline reached", "round": 0});
    let whole = record_of(vec![created.clone(), offer.clone(), reject.clone(), ended]);
    let report = verify(&whole, &Inputs::default());
    assert!(report.verified, "{report:#?}");
    assert_eq!(
        report.check("protocol replay").unwrap().status,
        Status::Passed
    );
    // The deadline's end cut off (and the chain intact).
    let cut = record_of(vec![created, offer, reject]);
    let report = verify(&cut, &Inputs::default());
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::Failed);
    assert!(
        replay.detail.contains("deadline reached"),
        "{}",
        replay.detail
    );
}

#[test]
fn an_expiry_replays_at_its_recorded_time_and_no_move_follows_the_limit() {
    let created = json!({
        "type": "created", "session_id": "s", "protocol": "alternating_offers",
        "deadline_rounds": 5, "negotiators": ["A", "B"], "scenario_sha256": "00",
        "at_ms": 1000, "deadline_seconds": 2
    });
    let offer = |at_ms: i64| {
        json!({"type": "move", "party": "A", "kind": "offer",
            "offer": {"price": 2}, "round": 0, "at_ms": at_ms})
    };
    let expired = |at_ms: i64| json!({"type": "expired", "round": 0, "at_ms": at_ms});
    let ended = json!({"type": "ended", "reason": "time limit reached", "round": 0});
    let replay = |events: Vec<serde_json::Value>| {
        let report = verify(&record_of(events), &Inputs::default());
        report.check("protocol replay").unwrap().clone()
    };
    let whole = replay(vec![
        created.clone(),
        offer(2999),
        expired(3000),
        ended.clone(),
    ]);
    assert_eq!(whole.status, Status::Passed, "{}", whole.detail);
    // An expiry before the limit, a move after it, the end left out.
    let early = replay(vec![created.clone(), offer(1500), expired(2999), ended]);
    assert_eq!(early.status, Status::Failed);
    assert!(early.detail.contains("does not imply"), "{}", early.detail);
    let late = replay(vec![created.clone(), offer(3000)]);
    assert_eq!(late.status, Status::Failed);
    assert!(
        late.detail.contains("after the session's time limit"),
        "{}",
        late.detail
    );
    let cut = replay(vec![created, expired(3000)]);
    assert_eq!(cut.status, Status::Failed);
    assert!(cut.detail.contains("time limit reached"), "{}", cut.detail);
}

#[test]
fn an_absurd_deadline_fails_the_replay_rather_than_overflowing() {
    let record = record_of(vec![
        json!({
            "type": "created", "session_id": "s", "protocol": "alternating_offers",
            "deadline_rounds": u64::MAX, "negotiators": ["A", "B"],
            "scenario_sha256": "00", "at_ms": 0
        }),
        json!({"type": "move", "party": "A", "kind": "offer",
            "offer": {"price": 2}, "round": 0, "at_ms": 1}),
    ]);
    let report = verify(&record, &Inputs::default());
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::Failed);
    assert!(replay.detail.contains("deadline"), "{}", replay.detail);
}

#[test]
fn only_regular_files_are_read() {
    let err = verify_file(Path::new("/dev/null"), &VerifyOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
}
