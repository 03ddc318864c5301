//! `pactum verify` on exports of a real `pactum serve`: every check is
//! printed with its result (text and `--json`); a whole-number real
//! agreement verifies; a check asked for and not run fails the exit code;
//! `--preferences` opens a party's commitments; `pactum keygen` and
//! `serve --signing-key` make a re-hashed forgery fail `--public-key`.

mod common;

use common::server::Server;
use common::{pactum, repo, write};
use serde_json::{Value, json};

/// A session of `scenario`: its id, the admin token and the negotiators'.
fn create(server: &Server, scenario: &str) -> (String, String, Vec<String>) {
    let (status, body) = server.http(
        "POST",
        "/sessions",
        None,
        Some(&json!({"scenario_toml": scenario, "protocol": "alternating_offers", "deadline_rounds": 10})),
    );
    assert_eq!(status, 201, "{body}");
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let tokens = body["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| s(&i["token"]))
        .collect();
    (s(&body["session_id"]), s(&body["admin_token"]), tokens)
}

fn moves(server: &Server, id: &str, tokens: &[String], moves: &[(usize, Value)]) {
    for (who, mv) in moves {
        let (status, body) = server.http(
            "POST",
            &format!("/sessions/{id}/moves"),
            Some(&tokens[*who]),
            Some(mv),
        );
        assert_eq!(status, 200, "{body}");
    }
}

fn get(server: &Server, path: &str, token: &str) -> Value {
    let (status, body) = server.http("GET", path, Some(token), None);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[test]
fn a_whole_number_real_agreement_exported_by_a_signing_server_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("server.key");
    pactum()
        .arg("keygen")
        .arg(&key)
        .assert()
        .success()
        .stdout(predicates::str::contains("server.key.pub"));
    // No key is ever overwritten.
    pactum().arg("keygen").arg(&key).assert().failure();
    let public = dir.path().join("server.key.pub");

    let server = Server::start_with(
        dir.path().join("pactum.db"),
        &["--signing-key", key.to_str().unwrap()],
        &[],
    );
    let served = get(&server, "/signing-key", "");
    assert_eq!(
        served["public_key"].as_str().unwrap(),
        std::fs::read_to_string(&public).unwrap().trim()
    );
    let scenario = std::fs::read_to_string(repo("examples/car-purchase.toml")).unwrap();
    let (id, admin, tokens) = create(&server, &scenario);
    let package = json!({"price": 21500.0, "warranty": 2, "colour": "black", "delivery": 4});
    moves(
        &server,
        &id,
        &tokens,
        &[
            (0, json!({"kind": "offer", "offer": package})),
            (1, json!({"kind": "accept"})),
        ],
    );
    let export = get(&server, &format!("/sessions/{id}/export"), &admin);
    let file = write(dir.path(), "export.json", &export.to_string());

    let out = pactum()
        .arg("verify")
        .arg(&file)
        .arg("--public-key")
        .arg(&public)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "hash chain: passed: hash chain intact",
        "session id: passed",
        "signature: passed",
        "scenario hash: passed",
        "protocol replay: passed",
        "preferences commitments: passed",
        "certificate: passed: agreement certificate verified",
        "verified: all 7 checks passed",
    ] {
        assert!(stdout.contains(line), "{line:?} missing:\n{stdout}");
    }
    // The same checks as JSON.
    let out = pactum()
        .args(["verify", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verified"], true);
    let checks: Vec<(&str, &str)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("hash chain", "passed"),
            ("session id", "passed"),
            ("signature", "not_checked"),
            ("scenario hash", "passed"),
            ("protocol replay", "passed"),
            ("preferences commitments", "passed"),
            ("certificate", "passed"),
        ]
    );

    // The buyer's offer rewritten to another price and every hash
    // recomputed: the signature gives it away.
    let mut forged = export.clone();
    forged["record"]["events"][1]["event"]["offer"]["price"] = json!(21000.0);
    let events = forged["record"]["events"].as_array_mut().unwrap();
    for i in 1..events.len() {
        let prev = events[i - 1]["hash"].as_str().unwrap().to_string();
        events[i]["prev_hash"] = json!(prev);
        events[i]["hash"] = json!(pactum_server::testing::chain_hash(
            &prev,
            &events[i]["event"]
        ));
    }
    let forged_file = write(dir.path(), "forged.json", &forged.to_string());
    let out = pactum()
        .arg("verify")
        .arg(&forged_file)
        .arg("--public-key")
        .arg(&public)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("hash chain: passed"), "{stdout}");
    assert!(stdout.contains("signature: FAILED"), "{stdout}");
    assert!(!stdout.contains("verified: every check"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not verify"));
}

#[test]
fn a_skipped_check_that_was_asked_for_fails_and_preferences_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path().join("pactum.db"));
    let scenario_text = std::fs::read_to_string(repo("examples/car-purchase.toml")).unwrap();
    let scenario = write(dir.path(), "car.toml", &scenario_text);
    let (id, admin, tokens) = create(&server, &scenario_text);
    // The buyer rewrites its own preferences before moving.
    let prefs = json!({
        "weights": {"price": 0.5, "warranty": 0.2, "colour": 0.1, "delivery": 0.2},
        "values": {
            "price": {"type": "linear", "slope": -0.00002, "offset": 1.0},
            "warranty": {"type": "linear", "slope": 0.3, "offset": 0.1},
            "colour": {"black": 1.0, "silver": 0.5, "red": 0.8, "white": 0.2},
            "delivery": {"type": "linear", "slope": -0.1, "offset": 1.0}
        },
        "reservation_value": 0.3
    });
    let (status, body) = server.http(
        "PUT",
        &format!("/sessions/{id}/me/preferences"),
        Some(&tokens[0]),
        Some(&prefs),
    );
    assert_eq!(status, 200, "{body}");
    // A package above both parties' reservation values.
    let package = json!({"price": 21500.0, "warranty": 2, "colour": "black", "delivery": 3});
    moves(
        &server,
        &id,
        &tokens,
        &[
            (0, json!({"kind": "offer", "offer": package})),
            (1, json!({"kind": "accept"})),
        ],
    );
    let export = get(&server, &format!("/sessions/{id}/export"), &admin);
    let file = write(dir.path(), "export.json", &export.to_string());

    // --scenario asks for the certificate to be recomputed; it cannot be.
    let out = pactum()
        .arg("verify")
        .arg(&file)
        .arg("--scenario")
        .arg(&scenario)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("certificate: not checked (asked for):"),
        "{stdout}"
    );
    assert!(stdout.contains("--preferences FILE"), "{stdout}");
    assert!(
        !stdout.contains("agreement certificate verified"),
        "{stdout}"
    );

    // The buyer's own export opens its commitment.
    let opening = get(
        &server,
        &format!("/sessions/{id}/preferences/export"),
        &tokens[0],
    );
    let opening_file = write(dir.path(), "buyer.json", &opening.to_string());
    let out = pactum()
        .arg("verify")
        .arg(&file)
        .arg("--scenario")
        .arg(&scenario)
        .arg("--preferences")
        .arg(&opening_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("preferences commitments: passed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("agreement certificate verified"),
        "{stdout}"
    );

    // A wrong salt fails.
    let mut wrong = opening.clone();
    wrong["openings"][0]["salt"] = json!("ab".repeat(16));
    let wrong_file = write(dir.path(), "wrong.json", &wrong.to_string());
    let out = pactum()
        .arg("verify")
        .arg(&file)
        .arg("--preferences")
        .arg(&wrong_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("preferences commitments: FAILED"));
}
