//! Offline verification checks what it says and says what it checked: a
//! genuine export with a whole-number real agreement verifies; an edited
//! scenario, a changed session id, a changed offer or an inserted move
//! (hashes recomputed) fail; a certificate computed from edited preferences
//! is "not checked" until the party's exported preferences open their
//! commitment (a wrong salt fails); a signing key exposes a re-hashed
//! forgery; every protocol's export replays.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{TEST_DEAL, call, create_test_deal, offer, post_move, sqlite};
use pactum_server::router;
use pactum_server::testing::chain_hash;
use pactum_server::{Status, VerifyOptions, VerifyReport, verify_file};
use serde_json::{Value, json};

const CAR_PURCHASE: &str = include_str!("../../../examples/car-purchase.toml");

/// Writes `value` to a file in `dir` and verifies it with `options`.
fn verify_value(dir: &std::path::Path, value: &Value, options: &VerifyOptions) -> VerifyReport {
    let file = dir.join("record.json");
    std::fs::write(&file, value.to_string()).unwrap();
    verify_file(&file, options).unwrap().1
}

fn check_status(report: &VerifyReport, check: &str) -> Status {
    report
        .check(check)
        .unwrap_or_else(|| panic!("no check {check:?}: {report:?}"))
        .status
}

/// Recomputes the seqs, links and hashes of `record` (a record's JSON) from
/// event `from` on, as a forger would.
fn rechain(record: &mut Value, from: usize) {
    let events = record["events"].as_array_mut().unwrap();
    for i in from..events.len() {
        let prev = if i == 0 {
            pactum_server::testing::GENESIS_HASH.to_string()
        } else {
            events[i - 1]["hash"].as_str().unwrap().to_string()
        };
        events[i]["seq"] = json!(i);
        events[i]["prev_hash"] = json!(prev);
        events[i]["hash"] = json!(chain_hash(&prev, &events[i]["event"]));
    }
}

async fn get(app: &Router, path: &str, token: &str) -> Value {
    let (status, body, text) = call(app, "GET", path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    body
}

/// Alice offers (1, red), Bob (3, blue), Alice accepts: agreement on
/// (3, blue). Returns the session and its export.
async fn agreed_test_deal(app: &Router) -> (common::Session, Value) {
    let s = create_test_deal(
        app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    for (token, mv) in [
        (&s.alice, offer(1, "red")),
        (&s.bob, offer(3, "blue")),
        (&s.alice, json!({"kind": "accept"})),
    ] {
        let (status, _, text) = post_move(app, &s.id, token, mv).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let export = get(app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    (s, export)
}

#[tokio::test]
async fn a_whole_number_real_agreement_verifies() {
    let app = router(sqlite().await);
    let created = common::create_session(
        &app,
        json!({"scenario_toml": CAR_PURCHASE, "protocol": "alternating_offers", "deadline_rounds": 10}),
    )
    .await;
    let id = created["session_id"].as_str().unwrap();
    let token = |i: usize| created["invitations"][i]["token"].as_str().unwrap();
    let package = json!({"price": 21500.0, "warranty": 2, "colour": "black", "delivery": 4});
    let (status, _, text) = post_move(
        &app,
        id,
        token(0),
        json!({"kind": "offer", "offer": package}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, r, text) = post_move(&app, id, token(1), json!({"kind": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(r["status"], "agreement");
    let export = get(
        &app,
        &format!("/sessions/{id}/export"),
        created["admin_token"].as_str().unwrap(),
    )
    .await;

    let dir = tempfile::tempdir().unwrap();
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert!(report.verified, "{report:#?}");
    for check in [
        "hash chain",
        "session id",
        "scenario hash",
        "protocol replay",
        "certificate",
    ] {
        assert_eq!(
            check_status(&report, check),
            Status::Passed,
            "{check}: {report:#?}"
        );
    }
    // The library's all-or-nothing entry point agrees.
    pactum_server::verify_record_file(&dir.path().join("record.json")).unwrap();
}

#[tokio::test]
async fn edited_preferences_leave_the_certificate_unchecked_until_opened() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    let edit = json!({
        "weights": {"price": 0.6173, "colour": 0.3827},
        "values": {
            "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
            "colour": {"red": 0.9137, "blue": 0.0863}
        },
        "reservation_value": 0.0419
    });
    let path = format!("/sessions/{}/me/preferences", s.id);
    let (status, _, text) = call(&app, "PUT", &path, Some(&s.alice), Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    for (token, mv) in [
        (&s.alice, offer(3, "blue")),
        (&s.bob, json!({"kind": "accept"})),
    ] {
        let (status, _, text) = post_move(&app, &s.id, token, mv).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, TEST_DEAL).unwrap();

    // Asked to check against the scenario, the certificate cannot be
    // recomputed: not checked, and so not verified.
    let with_scenario = VerifyOptions {
        scenario: Some(scenario.clone()),
        ..Default::default()
    };
    let report = verify_value(dir.path(), &export, &with_scenario);
    assert_eq!(
        check_status(&report, "certificate"),
        Status::NotChecked,
        "{report:#?}"
    );
    assert!(!report.verified, "{report:#?}");
    let problems = report.problems().join("\n");
    assert!(
        problems.contains("Alice") && problems.contains("--preferences"),
        "{problems}"
    );
    assert_eq!(
        check_status(&report, "preferences commitments"),
        Status::NotChecked
    );
    let err =
        pactum_server::verify_record_file_with(&dir.path().join("record.json"), Some(&scenario))
            .unwrap_err();
    assert!(format!("{err:#}").contains("certificate"), "{err:#}");
    // Without a scenario asked for, the export verifies, saying what it
    // could not check.
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert!(report.verified, "{report:#?}");
    assert_eq!(check_status(&report, "certificate"), Status::NotChecked);

    // Alice exports her own preferences with their salt; only she can.
    let export_path = format!("/sessions/{}/preferences/export", s.id);
    let (status_admin, _, _) = call(&app, "GET", &export_path, Some(&s.admin), None).await;
    assert_eq!(status_admin, StatusCode::FORBIDDEN);
    let bobs = get(&app, &export_path, &s.bob).await;
    assert_eq!(bobs["openings"], json!([]));
    let alices = get(&app, &export_path, &s.alice).await;
    assert_eq!(alices["party"], "Alice");
    let opening = dir.path().join("alice.json");
    std::fs::write(&opening, alices.to_string()).unwrap();
    let opened = VerifyOptions {
        scenario: Some(scenario.clone()),
        preferences: vec![opening.clone()],
        ..Default::default()
    };
    let report = verify_value(dir.path(), &export, &opened);
    assert!(report.verified, "{report:#?}");
    assert_eq!(
        check_status(&report, "preferences commitments"),
        Status::Passed
    );
    assert_eq!(check_status(&report, "certificate"), Status::Passed);

    // A wrong salt opens nothing.
    let mut wrong = alices.clone();
    wrong["openings"][0]["salt"] = json!("00".repeat(16));
    std::fs::write(&opening, wrong.to_string()).unwrap();
    let report = verify_value(dir.path(), &export, &opened);
    assert!(!report.verified);
    assert_eq!(
        check_status(&report, "preferences commitments"),
        Status::Failed
    );
    // Nor do other preferences under the right salt.
    let mut other = alices.clone();
    other["openings"][0]["preferences"]["reservation_value"] = json!(0.5);
    std::fs::write(&opening, other.to_string()).unwrap();
    let report = verify_value(dir.path(), &export, &opened);
    assert_eq!(
        check_status(&report, "preferences commitments"),
        Status::Failed
    );
}

#[tokio::test]
async fn an_edited_or_replaced_scenario_in_an_ended_export_fails() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    for (token, mv) in [
        (&s.alice, offer(1, "red")),
        (&s.bob, json!({"kind": "end"})),
    ] {
        let (status, _, text) = post_move(&app, &s.id, token, mv).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    let dir = tempfile::tempdir().unwrap();
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert!(report.verified, "{report:#?}");
    assert_eq!(check_status(&report, "scenario hash"), Status::Passed);

    let mut edited = export.clone();
    edited["scenario_toml"] = json!(TEST_DEAL.replace("0.877", "0.876"));
    let report = verify_value(dir.path(), &edited, &VerifyOptions::default());
    assert!(!report.verified);
    assert_eq!(check_status(&report, "scenario hash"), Status::Failed);
    let err = pactum_server::verify_record_file(&dir.path().join("record.json")).unwrap_err();
    assert!(format!("{err:#}").contains("SHA-256"), "{err:#}");

    let mut replaced = export.clone();
    replaced["scenario_toml"] = json!(CAR_PURCHASE);
    let report = verify_value(dir.path(), &replaced, &VerifyOptions::default());
    assert_eq!(check_status(&report, "scenario hash"), Status::Failed);
    assert!(!report.verified);
}

#[tokio::test]
async fn a_changed_session_id_fails() {
    let app = router(sqlite().await);
    let (_, export) = agreed_test_deal(&app).await;
    let mut changed = export.clone();
    changed["record"]["session_id"] = json!("0".repeat(32));
    let dir = tempfile::tempdir().unwrap();
    let report = verify_value(dir.path(), &changed, &VerifyOptions::default());
    assert!(!report.verified);
    assert_eq!(check_status(&report, "session id"), Status::Failed);
    assert_eq!(check_status(&report, "hash chain"), Status::Passed);
}

#[tokio::test]
async fn a_changed_offer_with_hashes_recomputed_fails_the_replay() {
    let app = router(sqlite().await);
    let (_, export) = agreed_test_deal(&app).await;
    let dir = tempfile::tempdir().unwrap();
    assert!(verify_value(dir.path(), &export, &VerifyOptions::default()).verified);
    // Bob's accepted offer (event 2) now says price 2; the agreement and the
    // certificate still say 3.
    let mut forged = export.clone();
    let events = &mut forged["record"]["events"];
    assert_eq!(events[2]["event"]["party"], "Bob");
    events[2]["event"]["offer"]["price"] = json!(2);
    rechain(&mut forged["record"], 2);
    let report = verify_value(dir.path(), &forged, &VerifyOptions::default());
    assert_eq!(check_status(&report, "hash chain"), Status::Passed);
    assert_eq!(
        check_status(&report, "protocol replay"),
        Status::Failed,
        "{report:#?}"
    );
    assert!(!report.verified);
    // So too without the scenario (a bare record).
    let report = verify_value(dir.path(), &forged["record"], &VerifyOptions::default());
    assert_eq!(
        check_status(&report, "protocol replay"),
        Status::Failed,
        "{report:#?}"
    );
    // An offer of a value the issue does not have.
    let mut off = export.clone();
    off["record"]["events"][1]["event"]["offer"]["colour"] = json!("green");
    rechain(&mut off["record"], 1);
    let report = verify_value(dir.path(), &off, &VerifyOptions::default());
    assert_eq!(
        check_status(&report, "protocol replay"),
        Status::Failed,
        "{report:#?}"
    );
}

#[tokio::test]
async fn an_inserted_out_of_turn_move_fails_the_replay() {
    let app = router(sqlite().await);
    let (_, export) = agreed_test_deal(&app).await;
    let mut forged = export.clone();
    let events = forged["record"]["events"].as_array_mut().unwrap();
    // A second offer by Alice right after her first, before Bob's turn.
    let mut extra = events[1].clone();
    extra["event"]["offer"] = json!({"price": 2, "colour": "red"});
    events.insert(2, extra);
    rechain(&mut forged["record"], 2);
    let dir = tempfile::tempdir().unwrap();
    let report = verify_value(dir.path(), &forged, &VerifyOptions::default());
    assert_eq!(check_status(&report, "hash chain"), Status::Passed);
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::Failed);
    assert!(replay.detail.contains("out of turn"), "{}", replay.detail);
    assert!(!report.verified);
}

#[tokio::test]
async fn preferences_edited_after_an_explicit_lock_fail_the_replay() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    common::lock_preferences(&app, &s.id, &s.alice).await;
    for (token, mv) in [
        (&s.alice, offer(1, "red")),
        (&s.bob, offer(3, "blue")),
        (&s.alice, json!({"kind": "accept"})),
    ] {
        let (status, _, text) = post_move(&app, &s.id, token, mv).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    let dir = tempfile::tempdir().unwrap();
    // The genuine record, lock included, replays.
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert_eq!(
        check_status(&report, "protocol replay"),
        Status::Passed,
        "{report:#?}"
    );

    // A forger slips a preferences edit in after Alice's lock and re-hashes.
    let mut forged = export.clone();
    let events = forged["record"]["events"].as_array_mut().unwrap();
    let lock = events
        .iter()
        .position(|e| e["event"]["type"] == "preferences_locked")
        .expect("the explicit lock is recorded");
    let edit = json!({
        "seq": 0, "prev_hash": "", "hash": "",
        "event": {"type": "preferences", "party": "Alice", "commitment": "00", "at_ms": 0},
    });
    events.insert(lock + 1, edit);
    rechain(&mut forged["record"], lock + 1);
    let report = verify_value(dir.path(), &forged, &VerifyOptions::default());
    assert_eq!(check_status(&report, "hash chain"), Status::Passed);
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::Failed, "{report:#?}");
    assert!(replay.detail.contains("after locking"), "{}", replay.detail);
}

#[tokio::test]
async fn a_signing_key_exposes_a_rehashed_forgery() {
    let key = pactum_server::generate_signing_key();
    let public_hex = hex::encode(key.verifying_key().to_bytes());
    let app = router(sqlite().await.with_signing_key(key));
    let served = get(&app, "/signing-key", "").await;
    assert_eq!(served["public_key"], public_hex);
    let (s, export) = agreed_test_deal(&app).await;
    assert_eq!(export["record"]["signature"]["public_key"], public_hex);
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("server.pub");
    std::fs::write(&public, &public_hex).unwrap();
    let trusted = VerifyOptions {
        public_key: Some(public.clone()),
        ..Default::default()
    };
    let report = verify_value(dir.path(), &export, &trusted);
    assert!(report.verified, "{report:#?}");
    assert_eq!(check_status(&report, "signature"), Status::Passed);
    // The record alone, as GET /record serves it, is signed too.
    let record = get(&app, &format!("/sessions/{}/record", s.id), &s.admin).await;
    assert!(verify_value(dir.path(), &record, &trusted).verified);

    // Alice's first offer rewritten and every hash recomputed: the chain
    // and the replay hold (the offer was not the one agreed), the signature
    // does not.
    let mut forged = export.clone();
    forged["record"]["events"][1]["event"]["offer"]["price"] = json!(2);
    rechain(&mut forged["record"], 1);
    let report = verify_value(dir.path(), &forged, &trusted);
    assert_eq!(check_status(&report, "hash chain"), Status::Passed);
    assert_eq!(check_status(&report, "protocol replay"), Status::Passed);
    assert_eq!(check_status(&report, "signature"), Status::Failed);
    assert!(!report.verified);
    // Without a key to trust, the signature the record carries still fails
    // a forged head, and an intact one is "not checked", never "passed".
    let report = verify_value(dir.path(), &forged, &VerifyOptions::default());
    assert_eq!(check_status(&report, "signature"), Status::Failed);
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert_eq!(check_status(&report, "signature"), Status::NotChecked);
    assert!(report.verified);

    // Stripped, or signed again with the forger's own key: refused.
    let mut stripped = forged.clone();
    stripped["record"]
        .as_object_mut()
        .unwrap()
        .remove("signature");
    let report = verify_value(dir.path(), &stripped, &trusted);
    assert_eq!(check_status(&report, "signature"), Status::Failed);
    let forger = pactum_server::generate_signing_key();
    let head = forged["record"]["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let resigned = pactum_server::testing::sign_head(
        &forger,
        &s.id,
        head["seq"].as_u64().unwrap(),
        head["hash"].as_str().unwrap(),
    );
    let mut resigned_forgery = forged.clone();
    resigned_forgery["record"]["signature"] = serde_json::to_value(&resigned).unwrap();
    let report = verify_value(dir.path(), &resigned_forgery, &trusted);
    assert_eq!(check_status(&report, "signature"), Status::Failed);
    assert!(!report.verified);
    // A record cut short is no longer the signed head.
    let mut cut = export.clone();
    cut["record"]["events"].as_array_mut().unwrap().pop();
    let report = verify_value(dir.path(), &cut, &trusted);
    assert_eq!(check_status(&report, "signature"), Status::Failed);
}

#[tokio::test]
async fn a_server_without_a_key_serves_none() {
    let app = router(sqlite().await);
    let (status, _, _) = call(&app, "GET", "/signing-key", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn partial_rounds_exports_replay_and_a_forged_settlement_fails() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "partial_rounds", "deadline_rounds": 3}),
    )
    .await;
    let (status, r, text) = post_move(
        &app,
        &s.id,
        &s.alice,
        json!({"kind": "offer", "offer": {"price": 2}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let p1 = r["seq"].as_u64().unwrap();
    let (status, _, text) = post_move(
        &app,
        &s.id,
        &s.bob,
        json!({"kind": "accept", "proposal": p1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, r, text) = post_move(
        &app,
        &s.id,
        &s.bob,
        json!({"kind": "offer", "offer": {"colour": "blue"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let p2 = r["seq"].as_u64().unwrap();
    let (status, r, text) = post_move(
        &app,
        &s.id,
        &s.alice,
        json!({"kind": "accept", "proposal": p2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(r["status"], "agreement");
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    let dir = tempfile::tempdir().unwrap();
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert!(report.verified, "{report:#?}");
    assert_eq!(check_status(&report, "protocol replay"), Status::Passed);

    // The settlement of price rewritten to 3 (and re-chained).
    let mut forged = export.clone();
    let events = forged["record"]["events"].as_array_mut().unwrap();
    let at = events
        .iter()
        .position(|e| e["event"]["type"] == "settled")
        .unwrap();
    events[at]["event"]["issues"]["price"] = json!(3);
    rechain(&mut forged["record"], at);
    let report = verify_value(dir.path(), &forged, &VerifyOptions::default());
    assert_eq!(check_status(&report, "protocol replay"), Status::Failed);
    // A bare record of this protocol cannot be replayed without its
    // scenario: said so, not passed.
    let report = verify_value(dir.path(), &export["record"], &VerifyOptions::default());
    assert_eq!(check_status(&report, "protocol replay"), Status::NotChecked);
    assert!(report.verified);
}

#[tokio::test]
async fn single_text_exports_replay_and_a_dropped_vote_fails() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "single_text", "deadline_rounds": 3}),
    )
    .await;
    // Bob vetoes the first change (price 1: below his reservation value),
    // then both accept price 3 and blue: the agreement.
    for (token, accept) in [
        (&s.alice, true),
        (&s.bob, false),
        (&s.alice, true),
        (&s.bob, true),
        (&s.alice, true),
        (&s.bob, true),
    ] {
        let (status, _, text) = call(
            &app,
            "POST",
            &format!("/sessions/{}/votes", s.id),
            Some(token),
            Some(json!({ "accept": accept })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    let dir = tempfile::tempdir().unwrap();
    let report = verify_value(dir.path(), &export, &VerifyOptions::default());
    assert!(report.verified, "{report:#?}");
    assert_eq!(check_status(&report, "protocol replay"), Status::Passed);
    assert_eq!(check_status(&report, "certificate"), Status::Passed);

    // Bob's vote dropped and the chain recomputed: the agreement no longer
    // follows from the votes.
    let mut forged = export.clone();
    let events = forged["record"]["events"].as_array_mut().unwrap();
    let bob = events
        .iter()
        .position(|e| e["event"]["type"] == "vote" && e["event"]["party"] == "Bob")
        .unwrap();
    events.remove(bob);
    rechain(&mut forged["record"], bob);
    let report = verify_value(dir.path(), &forged, &VerifyOptions::default());
    assert_eq!(check_status(&report, "hash chain"), Status::Passed);
    assert_eq!(check_status(&report, "protocol replay"), Status::Failed);
}
