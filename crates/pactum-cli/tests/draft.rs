//! `pactum draft` at the command line: against a loopback stand-in
//! endpoint (a draft written, validated and replayed offline from its
//! cache; bad input refused), the README's example replayed offline from
//! the committed cache, and — when `PACTUM_LLM_TEST_URL` names a real
//! local model (scripts/test.sh starts one) — a real draft of the seed
//! article.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread;

use common::{pactum, repo, write};
use pactum_llm::grounding::find_quote;
use serde_json::{Value, json};

const ARTICLE: &str = "Northland and Southland met in Geneva for talks on water. The talks were hosted by Switzerland, with Foreign Minister Anna Berg presiding.
Northland demands a full share of the river's water. Southland refuses any deal that gives up its dam.
Both sides discussed the dam's future: it could be kept, shared or removed.";

/// A stand-in answering requests with `replies` in order (the last repeats).
fn stand_in(replies: Vec<Value>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    thread::spawn(move || {
        for (k, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end().to_ascii_lowercase();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let content = replies[k.min(replies.len() - 1)].to_string();
            let body = json!({
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"total_tokens": 50},
            })
            .to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn answers() -> Vec<Value> {
    let estimate = |w: f64, d: f64| {
        json!({"reservation": 0.3, "weights": {"water": w, "dam": d},
               "values": {"water": {"full-share": 1.0, "half-share": 0.4}, "dam": {"kept": 0.2, "shared": 0.6, "removed": 1.0}}})
    };
    vec![
        json!({"title": "Water talks", "parties": [
            {"name": "Northland", "role": "negotiator", "people": [], "source": "Northland and Southland met in Geneva for talks on water."},
            {"name": "Southland", "role": "negotiator", "people": [], "source": "Northland and Southland met in Geneva"},
            {"name": "Switzerland", "role": "mediator", "people": ["Anna Berg"], "source": "The talks were hosted by Switzerland"},
            {"name": "Eastland", "role": "observer", "people": [], "source": "Eastland watched closely."}]}),
        json!({"issues": [
            {"name": "water", "source": "talks on water", "options": [
                {"name": "full-share", "source": "a full share of the river's water"},
                {"name": "half-share", "source": "talks on water"}]},
            {"name": "dam", "source": "Both sides discussed the dam's future", "options": [
                {"name": "kept", "source": "it could be kept"},
                {"name": "shared", "source": "shared"},
                {"name": "removed", "source": "removed"}]}]}),
        json!({"positions": [{"party": "Northland", "issue": "water", "position": "a full share", "source": "Northland demands a full share of the river's water."}],
               "red_lines": [{"party": "Southland", "issue": "dam", "options": ["removed"], "source": "Southland refuses any deal that gives up its dam."}]}),
        estimate(0.7, 0.3),
        estimate(0.4, 0.6),
    ]
}

/// Every `source (line N): “quote”` of `toml` is in `article`, on line N.
fn sources_are_in(article: &str, toml: &str) -> usize {
    let mut seen = 0;
    for piece in toml.split("source (line ").skip(1) {
        let (line, rest) = piece.split_once("): \u{201c}").unwrap();
        let quote = rest.split('\u{201d}').next().unwrap();
        let found =
            find_quote(article, quote).unwrap_or_else(|| panic!("not in the article: {quote}"));
        assert_eq!(found.line.to_string(), line, "{quote}");
        seen += 1;
    }
    seen
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_draft_is_written_validated_and_replayed_offline_from_its_cache() {
    let dir = tempfile::tempdir().unwrap();
    let article = write(&dir, "water.txt", ARTICLE);
    let cache = dir.path().join("cache");
    let first = dir.path().join("first.toml");
    let url = stand_in(answers());
    let out = pactum()
        .env_remove("PACTUM_LLM_URL")
        .env_remove("PACTUM_LLM_MODEL")
        .env_remove("PACTUM_LLM_FORMAT")
        .args([
            "draft",
            article.to_str().unwrap(),
            "--out",
            first.to_str().unwrap(),
        ])
        .args([
            "--llm-url",
            &url,
            "--llm-model",
            "stand-in",
            "--free-quotes",
        ])
        .args(["--llm-cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("4 parties (Northland, Southland, Switzerland, Eastland)"),
        "{err}"
    );
    assert!(err.contains("2 issues (water, dam)"), "{err}");
    assert!(
        err.contains("party \"Eastland\": \u{201c}Eastland watched closely.\u{201d}"),
        "{err}"
    );
    assert!(err.contains("the file loads as a scenario"), "{err}");
    assert!(err.contains("5 requests (0 from the cache)"), "{err}");
    let toml = std::fs::read_to_string(&first).unwrap();
    assert!(sources_are_in(ARTICLE, &toml) >= 8);
    pactum()
        .args(["validate", first.to_str().unwrap()])
        .assert()
        .success();
    pactum()
        .args(["analyze", first.to_str().unwrap()])
        .assert()
        .success();

    // Offline: no endpoint given or reachable, the cache answers every
    // request with the model it was recorded with.
    let again = dir.path().join("again.toml");
    let out = pactum()
        .env_remove("PACTUM_LLM_URL")
        .env_remove("PACTUM_LLM_MODEL")
        .env_remove("PACTUM_LLM_FORMAT")
        .args([
            "draft",
            article.to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
        ])
        .args(["--llm-cache", cache.to_str().unwrap(), "--free-quotes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("5 requests (5 from the cache)"));
    assert_eq!(std::fs::read_to_string(&again).unwrap(), toml);
}

#[test]
fn bad_input_fails_with_a_clear_message_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let article = write(&dir, "water.txt", ARTICLE);
    let empty = write(&dir, "empty.txt", " \n");
    let out_path = dir.path().join("out.toml");
    let out = out_path.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "draft",
                "missing.txt",
                "--out",
                out,
                "--llm-url",
                "http://127.0.0.1:9/v1",
                "--llm-model",
                "m",
            ],
            "cannot read the article missing.txt",
        ),
        (
            vec![
                "draft",
                empty.to_str().unwrap(),
                "--out",
                out,
                "--llm-url",
                "http://127.0.0.1:9/v1",
                "--llm-model",
                "m",
            ],
            "is empty",
        ),
        (
            vec![
                "draft",
                article.to_str().unwrap(),
                "--out",
                out,
                "--llm-url",
                "http://127.0.0.1:9/v1",
                "--llm-model",
                "m",
            ],
            "Connection refused",
        ),
        (
            vec!["draft", article.to_str().unwrap(), "--out", out],
            "give --llm-url or set PACTUM_LLM_URL",
        ),
        (
            vec![
                "draft",
                article.to_str().unwrap(),
                "--out",
                out,
                "--llm-url",
                "http://x/v1",
                "--llm-model",
                "m",
                "--llm-format",
                "yaml",
            ],
            "unknown response format",
        ),
    ];
    for (args, message) in cases {
        let o = pactum()
            .env_remove("PACTUM_LLM_URL")
            .env_remove("PACTUM_LLM_MODEL")
            .env_remove("PACTUM_LLM_FORMAT")
            .args(&args)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{args:?}");
        assert!(
            stderr_of(&o).contains(message),
            "{args:?}: {}",
            stderr_of(&o)
        );
        assert!(!out_path.exists());
    }
    // A model that names no party.
    let url = stand_in(vec![json!({"title": "", "parties": []})]);
    let o = pactum()
        .args([
            "draft",
            article.to_str().unwrap(),
            "--out",
            out,
            "--llm-url",
            &url,
            "--llm-model",
            "m",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr_of(&o).contains("named no party"),
        "{}",
        stderr_of(&o)
    );
    assert!(!out_path.exists());
}

fn seed_article() -> Option<String> {
    let path = repo("../shared/seed/istanbul-talks-article.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipped: {} is absent", path.display());
            None
        }
    }
}

/// The file written loads, or the report says which parts are commented out.
fn check_written(article: &str, out: &Path, err: &str) {
    let toml = std::fs::read_to_string(out).unwrap();
    sources_are_in(article, &toml);
    let validated = pactum()
        .args(["validate", out.to_str().unwrap()])
        .output()
        .unwrap();
    if err.contains("the file loads as a scenario") {
        assert!(validated.status.success(), "{}", stderr_of(&validated));
    } else {
        assert!(err.contains("does not load"), "{err}");
    }
    if err.contains("left out (commented out") {
        assert!(toml.contains("# LEFT OUT (the scenario validator refused it)"));
    }
}

#[test]
fn the_readme_example_replays_offline_from_the_committed_cache() {
    let Some(article) = seed_article() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("istanbul-draft.toml");
    // As in the README, from the repository's root, with no endpoint.
    let o = pactum()
        .current_dir(repo(""))
        .env_remove("PACTUM_LLM_URL")
        .env_remove("PACTUM_LLM_MODEL")
        .env_remove("PACTUM_LLM_FORMAT")
        .args([
            "draft",
            "../shared/seed/istanbul-talks-article.txt",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--llm-cache", "examples/llm-cache/draft"])
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert!(o.status.success(), "{err}");
    let requests: String = err
        .split(" requests (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_default()
        .to_string();
    assert!(
        err.contains(&format!("({requests} from the cache)")) && !requests.is_empty(),
        "every request answered from the cache: {err}"
    );
    check_written(&article, &out, &err);
}

#[test]
fn a_real_model_drafts_the_seed_article() {
    let Ok(url) = std::env::var("PACTUM_LLM_TEST_URL") else {
        eprintln!("skipped: PACTUM_LLM_TEST_URL is not set (scripts/test.sh starts a local model)");
        return;
    };
    let Some(article) = seed_article() else {
        return;
    };
    let model = std::env::var("PACTUM_LLM_TEST_MODEL").unwrap_or_else(|_| "local".into());
    let format = std::env::var("PACTUM_LLM_TEST_FORMAT").unwrap_or_else(|_| "json_schema".into());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("istanbul-draft.toml");
    let o = pactum()
        .current_dir(repo(""))
        .args([
            "draft",
            "../shared/seed/istanbul-talks-article.txt",
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--llm-url",
            &url,
            "--llm-model",
            &model,
            "--llm-format",
            &format,
        ])
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert!(o.status.success(), "{err}");
    eprintln!("{err}");
    check_written(&article, &out, &err);
}
