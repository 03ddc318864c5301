//! The `llm` strategy at the command line: `pactum negotiate … --parties
//! llm,boulware --llm-url … --json` against a loopback stand-in endpoint
//! (every move legal, messages present, a record that verifies and carries
//! them, a cached rerun identical offline), `llm` without an endpoint
//! refused with the flags named, the tournament's leakage column, and —
//! when `PACTUM_LLM_TEST_URL` names a real endpoint — a real model playing
//! the car purchase validly.

mod common;

use common::{pactum, repo};
use pactum_llm::stand_in::{Reply, StandIn, last_question};
use serde_json::{Value, json};

const CAR: &str = "examples/car-purchase.toml";

/// A stand-in endpoint that accepts whatever it may accept and otherwise
/// offers its first candidate, with a message each time. Its URL.
fn stand_in() -> String {
    let s = StandIn::start(|_, request| {
        let content = if last_question(request).contains("you may accept it") {
            json!({"move": "accept", "candidate": 0, "message": "Agreed, thank you."})
        } else {
            json!({"move": "offer", "candidate": 1, "message": "How about this package?"})
        };
        Reply::Content(content.to_string())
    });
    s.url().to_string()
}

fn negotiate(args: &[&str]) -> (bool, String, String) {
    let out = pactum()
        .arg("negotiate")
        .arg(repo(CAR))
        .arg("--json")
        .args(args)
        .env_remove("PACTUM_LLM_URL")
        .env_remove("PACTUM_LLM_MODEL")
        .env_remove("PACTUM_LLM_API_KEY")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every move of the document is one the parties may make: offers at or
/// above the offerer's reservation value, acceptances too, and a proper end.
fn assert_legal(doc: &Value) {
    let rv: Vec<f64> = doc["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reservation_value"].as_f64().unwrap_or(f64::NEG_INFINITY))
        .collect();
    let names: Vec<&str> = doc["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let seat = |name: &Value| names.iter().position(|n| name == n).unwrap();
    for e in doc["trace"].as_array().unwrap() {
        let u = e["utilities"].as_array().unwrap();
        let s = seat(&e["proposer"]);
        assert!(
            u[s].as_f64().unwrap() >= rv[s],
            "offer below its reservation value: {e}"
        );
        for a in e["responses"].as_array().unwrap() {
            if a["response"] == "accept" {
                let s = seat(&a["party"]);
                assert!(u[s].as_f64().unwrap() >= rv[s], "{e}");
            }
        }
    }
    let end = doc["end"]["kind"].as_str().unwrap();
    assert!(
        ["agreement", "deadline", "ended"].contains(&end),
        "{}",
        doc["end"]
    );
}

#[test]
fn llm_plays_the_car_purchase_against_a_stand_in_with_messages() {
    let url = stand_in();
    let (ok, out, err) = negotiate(&[
        "--strategies",
        "llm,boulware",
        "--llm-url",
        &url,
        "--llm-model",
        "stand-in",
        "--steps",
        "30",
    ]);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["parties"][0]["strategy"], "llm");
    assert_legal(&doc);
    let buyer_offers: Vec<&Value> = doc["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["proposer"] == "Buyer")
        .collect();
    assert!(!buyer_offers.is_empty());
    for e in buyer_offers {
        assert_eq!(e["message"], "How about this package?", "{e}");
    }
}

#[test]
fn the_record_carries_the_messages_and_verifies_and_a_cached_rerun_is_identical() {
    let url = stand_in();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let record = dir.path().join("sim.json");
    let run = |url: &str, record: &std::path::Path| {
        negotiate(&[
            "--parties",
            "llm,conceder",
            "--llm-url",
            url,
            "--llm-model",
            "stand-in",
            "--llm-cache",
            cache.to_str().unwrap(),
            "--steps",
            "20",
            "--record",
            record.to_str().unwrap(),
        ])
    };
    let (ok, first, err) = run(&url, &record);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(text.contains("How about this package?"), "{text}");
    pactum().arg("verify").arg(&record).assert().success();
    // Offline (nobody listens there), from the cache: the same bytes.
    let again_record = dir.path().join("again.json");
    let (ok, again, err) = run("http://127.0.0.1:9/v1", &again_record);
    assert!(ok, "{err}");
    assert_eq!(first, again);
    assert_eq!(text, std::fs::read_to_string(&again_record).unwrap());
}

#[test]
fn llm_without_an_endpoint_is_refused_naming_the_flags() {
    let (ok, _, err) = negotiate(&["--parties", "llm,boulware"]);
    assert!(!ok);
    assert!(
        err.contains("the llm strategy needs a language model"),
        "{err}"
    );
    assert!(
        err.contains("--llm-url") && err.contains("PACTUM_LLM_URL"),
        "{err}"
    );
    let (ok, _, err) = negotiate(&[
        "--parties",
        "llm,boulware",
        "--llm-url",
        "http://127.0.0.1:9/v1",
        "--llm-model",
        "m",
        "--llm-fallback",
        "llm",
    ]);
    assert!(!ok);
    assert!(
        err.contains("cannot stand in for the llm strategy"),
        "{err}"
    );
    let (ok, _, err) = negotiate(&[
        "--parties",
        "llm,boulware",
        "--protocol",
        "single-text",
        "--llm-url",
        "http://127.0.0.1:9/v1",
        "--llm-model",
        "m",
    ]);
    assert!(!ok);
    assert!(err.contains("stacked alternating offers only"), "{err}");
    // Classic strategies need no endpoint and print no notes.
    let (ok, out, err) = negotiate(&["--parties", "boulware,conceder"]);
    assert!(ok, "{err}");
    assert!(!out.contains("\"message\"") && !out.contains("\"fallback\""));
}

#[test]
fn a_tournament_reports_the_leakage_rate() {
    let url = stand_in();
    let dir = tempfile::tempdir().unwrap();
    let out = pactum()
        .arg("tournament")
        .arg("--scenarios")
        .arg(repo(CAR))
        .args([
            "--strategies",
            "llm,boulware",
            "--steps",
            "10",
            "--quiet",
            "--jobs",
            "1",
        ])
        .args(["--llm-url", &url, "--llm-model", "stand-in"])
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("messages") && text.contains("leaked"),
        "{text}"
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let llm = &summary[0];
    assert_eq!(llm["strategy"], "llm");
    assert!(llm["messages"].as_u64().unwrap() > 0);
    assert_eq!(llm["leakage_rate"], json!(0.0));
}

/// A real model (the CI starts one and sets `PACTUM_LLM_TEST_URL` and
/// `PACTUM_LLM_TEST_MODEL`): validity, not wisdom.
#[test]
fn a_real_model_plays_the_car_purchase_validly() {
    let Ok(url) = std::env::var("PACTUM_LLM_TEST_URL") else {
        eprintln!("skipped: PACTUM_LLM_TEST_URL is not set (no real model to play)");
        return;
    };
    let model = std::env::var("PACTUM_LLM_TEST_MODEL").unwrap_or_else(|_| "local".into());
    let format = std::env::var("PACTUM_LLM_TEST_FORMAT").unwrap_or_else(|_| "json_schema".into());
    let (ok, out, err) = negotiate(&[
        "--parties",
        "llm,boulware",
        "--llm-url",
        &url,
        "--llm-model",
        &model,
        "--llm-format",
        &format,
        "--steps",
        "6",
    ]);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_legal(&doc);
    assert_eq!(doc["parties"][0]["strategy"], "llm");
    let buyer: Vec<&Value> = doc["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["proposer"] == "Buyer")
        .collect();
    let fallbacks = buyer.iter().filter(|e| e.get("fallback").is_some()).count();
    eprintln!(
        "the model made {} of the buyer's {} offers itself",
        buyer.len() - fallbacks,
        buyer.len()
    );
    // The endpoint understood the requests: the model, not only the
    // fallback, made moves (its answers are schema-constrained).
    assert!(
        fallbacks < buyer.len(),
        "every buyer move was the fallback's: {out}"
    );
}
