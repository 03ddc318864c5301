//! Simulations as records and records as simulations: `pactum negotiate
//! --record` writes an export that `pactum verify` accepts (and rejects once
//! one byte of a move is changed), the same seed writes the same bytes; a
//! live session played on a real `pactum serve` and exported re-runs with
//! `pactum replay` to the same agreement and utilities; and simulate →
//! export → replay gives the simulator's own result, for several seeds,
//! strategies and protocols.

mod common;

use std::path::Path;

use common::server::{self, Server};
use common::{pactum, repo};
use serde_json::{Value, json};

const CAR: &str = "examples/car-purchase.toml";

/// `pactum negotiate SCENARIO --json --record FILE ARGS…`: the JSON result.
fn negotiate_recorded(scenario: &str, record: &Path, args: &[&str]) -> Value {
    let out = pactum()
        .arg("negotiate")
        .arg(repo(scenario))
        .arg("--json")
        .arg("--record")
        .arg(record)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `pactum replay FILE --json`: whether it succeeded and the document.
fn replay(record: &Path) -> (bool, Value) {
    let out = pactum()
        .arg("replay")
        .arg(record)
        .arg("--json")
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success(), doc)
}

#[test]
fn a_recorded_simulation_verifies_and_one_changed_byte_of_a_move_fails_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim.json");
    negotiate_recorded(
        CAR,
        &file,
        &["--parties", "boulware,conceder", "--seed", "7"],
    );
    pactum()
        .arg("verify")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("protocol replay: passed"))
        .stdout(predicates::str::contains("certificate: passed"));
    // With the scenario file itself given: its hash is the recorded one.
    pactum()
        .arg("verify")
        .arg(&file)
        .arg("--scenario")
        .arg(repo(CAR))
        .assert()
        .success();

    // Same seed, same bytes.
    let again = dir.path().join("again.json");
    negotiate_recorded(
        CAR,
        &again,
        &["--parties", "boulware,conceder", "--seed", "7"],
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // One byte of the first move changed: "Buyer" → "Buyes".
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("\"type\": \"move\"").unwrap();
    let party = at + text[at..].find("\"party\": \"Buyer\"").unwrap() + "\"party\": \"Buye".len();
    let mut bytes = text.into_bytes();
    assert_eq!(bytes[party], b'r');
    bytes[party] = b's';
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, bytes).unwrap();
    pactum()
        .arg("verify")
        .arg(&tampered)
        .assert()
        .failure()
        .stdout(predicates::str::contains("hash chain: FAILED"));
}

#[test]
fn what_a_record_cannot_hold_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim.json");
    for args in [
        &["--time-limit", "0.5"][..],
        &["--time-limit", "5000000000"][..],
        &["--phases", "2"][..],
    ] {
        pactum()
            .arg("negotiate")
            .arg(repo(CAR))
            .args(["--parties", "linear,linear", "--record"])
            .arg(&file)
            .args(args)
            .assert()
            .failure();
    }
    assert!(!file.exists());
}

#[test]
fn a_simulation_under_a_time_limit_records_its_move_times_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("timed.json");
    let doc = negotiate_recorded(
        CAR,
        &file,
        &[
            "--parties",
            "boulware,conceder",
            "--steps",
            "40",
            "--time-limit",
            "60",
        ],
    );
    let export: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let events = export["record"]["events"].as_array().unwrap();
    assert_eq!(events[0]["event"]["deadline_seconds"], 60);
    let times: Vec<i64> = events
        .iter()
        .filter(|e| e["event"]["type"] == "move")
        .map(|e| e["event"]["at_ms"].as_i64().unwrap())
        .collect();
    assert!(!times.is_empty());
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(times.iter().all(|&t| (0..60_000).contains(&t)));
    pactum()
        .arg("verify")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("protocol replay: passed"));
    let (ok, replayed) = replay(&file);
    assert!(ok, "{replayed}");
    assert_eq!(replayed["agreement"], doc["agreement"]);
}

#[test]
fn simulate_export_replay_gives_the_simulators_own_result() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str])] = &[
        (CAR, &["--parties", "boulware,conceder"]),
        (CAR, &["--parties", "random,linear"]),
        (CAR, &["--parties", "hardliner,hardliner", "--steps", "12"]),
        (CAR, &["--parties", "random,tit-for-tat", "--steps", "40"]),
        (
            CAR,
            &[
                "--parties",
                "random,conceder",
                "--protocol",
                "single-text",
                "--mediator",
                "draft-and-vote",
            ],
        ),
        (
            CAR,
            &[
                "--parties",
                "random,linear",
                "--protocol",
                "single-text",
                "--mediator",
                "veto",
            ],
        ),
        (
            CAR,
            &[
                "--parties",
                "conceder,random",
                "--protocol",
                "single-text",
                "--mediator",
                "hill-climbing",
            ],
        ),
        (
            CAR,
            &[
                "--parties",
                "linear,conceder",
                "--protocol",
                "single-text",
                "--mediator",
                "packages",
            ],
        ),
        (
            "examples/istanbul-2025.toml",
            &[
                "--parties",
                "linear,linear",
                "--protocol",
                "single-text",
                "--mediator",
                "packages",
            ],
        ),
        (
            CAR,
            &[
                "--parties",
                "random,boulware",
                "--protocol",
                "partial-rounds",
            ],
        ),
        (
            "examples/three-party-water.toml",
            &["--parties", "random,conceder,linear", "--steps", "30"],
        ),
    ];
    for (scenario, args) in cases {
        for seed in ["0", "1", "5"] {
            let file = dir.path().join("sim.json");
            let mut all = args.to_vec();
            all.extend(["--seed", seed]);
            let sim = negotiate_recorded(scenario, &file, &all);
            let (same, doc) = replay(&file);
            let what = format!("{scenario} {all:?}: {doc:#}");
            assert!(same, "{what}");
            assert_eq!(doc["same_as_record"], true, "{what}");
            assert_eq!(doc["verified"], true, "{what}");
            assert_eq!(doc["unplayed"], 0, "{what}");
            assert_eq!(doc["agreement"], sim["agreement"], "{what}");
            assert_eq!(doc["rounds"], sim["steps"], "{what}");
            let utilities: Vec<&Value> = doc["utilities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| &u["utility"])
                .collect();
            let expected: Vec<&Value> = sim["utilities"].as_array().unwrap().iter().collect();
            assert_eq!(utilities, expected, "{what}");
        }
    }
}

const SCENARIO: &str = r#"
name = "Live deal"

[[issues]]
name = "price"
type = "integer"
min = 1
max = 50

[[issues]]
name = "colour"
options = ["red", "blue"]

[[parties]]
name = "Alice"
weights = { price = 0.8, colour = 0.2 }
values.price = { type = "linear", slope = 0.02, offset = 0.0 }
values.colour = { red = 1.0, blue = 0.0 }

[[parties]]
name = "Bob"
weights = { price = 0.5, colour = 0.5 }
values.price = { type = "linear", slope = -0.02, offset = 1.0 }
values.colour = { red = 0.0, blue = 1.0 }
"#;

/// One HTTP/1.1 request to the server; the request itself must succeed.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    server::http(addr, method, path, token, body).expect("an HTTP request")
}

#[test]
fn a_live_session_exported_replays_to_the_same_agreement_and_utilities() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path().join("pactum.db"));
    let addr = server.addr.as_str();
    let (status, created) = http(
        addr,
        "POST",
        "/sessions",
        None,
        Some(
            &json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 20}),
        ),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["session_id"].as_str().unwrap();
    let admin = created["admin_token"].as_str().unwrap();
    let token = |i: usize| created["invitations"][i]["token"].as_str().unwrap();
    let moves = [
        (
            0,
            json!({"kind": "offer", "offer": {"price": 45, "colour": "red"}}),
        ),
        (
            1,
            json!({"kind": "offer", "offer": {"price": 10, "colour": "blue"}}),
        ),
        (
            0,
            json!({"kind": "offer", "offer": {"price": 35, "colour": "blue"}}),
        ),
        (
            1,
            json!({"kind": "offer", "offer": {"price": 25, "colour": "blue"}}),
        ),
        (
            0,
            json!({"kind": "offer", "offer": {"price": 30, "colour": "blue"}}),
        ),
        (1, json!({"kind": "accept"})),
    ];
    for (seat, mv) in &moves {
        let (status, r) = http(
            addr,
            "POST",
            &format!("/sessions/{id}/moves"),
            Some(token(*seat)),
            Some(mv),
        );
        assert_eq!(status, 200, "{mv}: {r}");
    }
    let (status, export) = http(
        addr,
        "GET",
        &format!("/sessions/{id}/export"),
        Some(admin),
        None,
    );
    assert_eq!(status, 200, "{export}");
    let file = dir.path().join("live.json");
    std::fs::write(&file, export.to_string()).unwrap();

    let (same, doc) = replay(&file);
    assert!(same, "{doc:#}");
    assert_eq!(doc["verified"], true, "{doc:#}");
    assert_eq!(doc["moves"], 6);
    assert_eq!(doc["unplayed"], 0);
    assert_eq!(doc["agreement"], json!({"price": 30, "colour": "blue"}));
    assert_eq!(
        doc["recorded_agreement"],
        json!({"price": 30, "colour": "blue"})
    );
    // Linear values count from the issue's minimum (1): Alice
    // 0.8·(0.02·29) + 0.2·0, Bob 0.5·(1 − 0.02·29) + 0.5·1.
    let u: Vec<f64> = doc["utilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["utility"].as_f64().unwrap())
        .collect();
    assert!(
        (u[0] - 0.464).abs() < 1e-9 && (u[1] - 0.71).abs() < 1e-9,
        "{u:?}"
    );
    assert_eq!(doc["rounds"], 3);

    // The bare record needs the scenario; given it, the same result.
    let (status, record) = http(
        addr,
        "GET",
        &format!("/sessions/{id}/record"),
        Some(admin),
        None,
    );
    assert_eq!(status, 200);
    let bare = dir.path().join("record.json");
    std::fs::write(&bare, record.to_string()).unwrap();
    pactum().arg("replay").arg(&bare).assert().failure();
    let scenario = common::write(dir.path(), "live.toml", SCENARIO);
    pactum()
        .arg("replay")
        .arg(&bare)
        .arg("--scenario")
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicates::str::contains("same result as the record"));
}

#[test]
fn a_live_session_with_a_bare_rejection_that_ran_out_of_time_replays_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path().join("pactum.db"));
    let addr = server.addr.as_str();
    let (status, created) = http(
        addr,
        "POST",
        "/sessions",
        None,
        Some(&json!({
            "scenario_toml": SCENARIO,
            "protocol": "alternating_offers",
            "deadline_rounds": 20,
            "deadline_seconds": 1
        })),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["session_id"].as_str().unwrap();
    let admin = created["admin_token"].as_str().unwrap();
    let token = |i: usize| created["invitations"][i]["token"].as_str().unwrap();
    let mv = |seat: usize, body: Value| {
        http(
            addr,
            "POST",
            &format!("/sessions/{id}/moves"),
            Some(token(seat)),
            Some(&body),
        )
    };
    let offer = json!({"kind": "offer", "offer": {"price": 45, "colour": "red"}});
    assert_eq!(mv(0, offer.clone()).0, 200);
    // A rejection without a counter-offer: the offer stands, and its
    // proposer moves next.
    assert_eq!(mv(1, json!({"kind": "reject"})).0, 200);
    std::thread::sleep(std::time::Duration::from_millis(1200));
    // The first move after the limit finds the time up.
    let (status, late) = mv(0, offer);
    assert_eq!(status, 409, "{late}");
    let (status, export) = http(
        addr,
        "GET",
        &format!("/sessions/{id}/export"),
        Some(admin),
        None,
    );
    assert_eq!(status, 200, "{export}");
    let file = dir.path().join("expired.json");
    std::fs::write(&file, export.to_string()).unwrap();

    let (same, doc) = replay(&file);
    assert!(same, "{doc:#}");
    assert_eq!(doc["verified"], true, "{doc:#}");
    assert_eq!(
        (doc["moves"].as_u64(), doc["unplayed"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(doc["agreement"], Value::Null);
    assert!(doc["end"].as_str().unwrap().contains("deadline"), "{doc:#}");
}
