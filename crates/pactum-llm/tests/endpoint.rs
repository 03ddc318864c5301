//! The client against a loopback stand-in endpoint: a good answer, the
//! replay cache (answered offline, byte for byte), retries of transient
//! failures (and none of the others), timeouts, an endpoint that never
//! answers, malformed bodies, refusals, answers cut off, content that is
//! not JSON or breaks the schema, and the token budget.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use pactum_llm::{ApiKey, Client, Config, LlmError, Message, Schema};
use serde_json::{Value, json};

/// What the stand-in does with each request, in order (the last repeats).
#[derive(Clone)]
enum Reply {
    /// 200 with a chat completion of this content (and token count).
    Content(&'static str, u64),
    /// A status and a body.
    Raw(u16, &'static str),
    /// Never answers (holds the connection open).
    Silent,
}

struct StandIn {
    url: String,
    requests: Arc<Mutex<Vec<(String, Value)>>>,
}

fn read_request(stream: &mut TcpStream) -> Option<(String, Value)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut auth = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if lower.starts_with("authorization:") {
            auth = line["authorization:".len()..].trim().to_string();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((auth, serde_json::from_slice(&body).ok()?))
}

fn completion(content: &str, tokens: u64) -> String {
    json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": tokens / 2, "completion_tokens": tokens - tokens / 2, "total_tokens": tokens},
    })
    .to_string()
}

fn stand_in(replies: Vec<Reply>) -> StandIn {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    thread::spawn(move || {
        for (k, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let Some(request) = read_request(&mut stream) else {
                continue;
            };
            seen.lock().unwrap().push(request);
            let reply = replies[k.min(replies.len() - 1)].clone();
            let (status, body) = match reply {
                Reply::Content(c, t) => (200, completion(c, t)),
                Reply::Raw(s, b) => (s, b.to_string()),
                Reply::Silent => {
                    thread::spawn(move || {
                        thread::sleep(Duration::from_secs(30));
                        drop(stream);
                    });
                    continue;
                }
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    StandIn { url, requests }
}

fn schema() -> Schema {
    Schema {
        name: "move".into(),
        schema: json!({
            "type": "object",
            "properties": {"move": {"enum": ["offer", "accept", "reject", "end"]}, "utility": {"type": "number"}},
            "required": ["move"],
            "additionalProperties": false,
        }),
    }
}

fn client(url: &str) -> Client {
    Client::new(
        Config::new(url, "stand-in")
            .unwrap()
            .with_timeout(Duration::from_secs(1))
            .unwrap()
            .with_retries(2)
            .unwrap(),
    )
}

fn ask(c: &Client) -> Result<pactum_llm::Answer, LlmError> {
    c.complete(
        &[
            Message::system("You negotiate."),
            Message::user("Your move?"),
        ],
        &schema(),
    )
}

#[test]
fn a_valid_answer_is_returned_and_the_request_asks_for_the_schema() {
    let s = stand_in(vec![Reply::Content(r#"{"move": "accept"}"#, 40)]);
    let c = Client::new(
        Config::new(&s.url, "stand-in")
            .unwrap()
            .with_api_key(ApiKey::new("sk-test")),
    );
    let a = ask(&c).unwrap();
    assert_eq!(a.value, json!({"move": "accept"}));
    assert!(!a.cached && a.tokens == 40);
    assert_eq!(c.usage().used, 40);
    let requests = s.requests.lock().unwrap();
    let (auth, body) = &requests[0];
    assert_eq!(auth, "Bearer sk-test");
    assert_eq!(body["model"], "stand-in");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["schema"],
        schema().schema
    );
    assert_eq!(body["messages"][0]["role"], "system");
}

#[test]
fn a_cached_answer_replays_offline_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let s = stand_in(vec![Reply::Content(
        r#"{"move":"offer", "utility": 0.75}"#,
        30,
    )]);
    let cached = |url: &str| {
        Client::new(
            Config::new(url, "stand-in")
                .unwrap()
                .with_cache(Some(dir.path().to_path_buf())),
        )
    };
    let first = ask(&cached(&s.url)).unwrap();
    assert!(!first.cached);
    // The endpoint is gone: the same request is answered from the file.
    let offline = cached("http://127.0.0.1:9/v1");
    let again = ask(&offline).unwrap();
    assert!(again.cached);
    assert_eq!(again.content, first.content);
    assert_eq!(again.value, first.value);
    assert_eq!(offline.usage().used, 30, "a replay spends as the run did");
    assert_eq!(s.requests.lock().unwrap().len(), 1);
    // Another request is not in the cache: the network is tried and fails.
    let other = offline.complete(&[Message::user("Other?")], &schema());
    assert!(
        matches!(other, Err(LlmError::Transport { .. })),
        "{other:?}"
    );
}

#[test]
fn a_failed_request_is_recorded_and_fails_again_word_for_word_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let s = stand_in(vec![
        Reply::Raw(404, "no such model"),
        Reply::Content(r#"{"move": "end"}"#, 10),
    ]);
    let cached = |url: &str| {
        Client::new(
            Config::new(url, "stand-in")
                .unwrap()
                .with_retries(0)
                .unwrap()
                .with_cache(Some(dir.path().to_path_buf())),
        )
    };
    let first = ask(&cached(&s.url)).unwrap_err();
    assert!(
        matches!(first, LlmError::Status { status: 404, .. }),
        "{first:?}"
    );
    // The endpoint would answer now, but the run asked this once and was
    // failed: the same request fails again, as recorded, without asking.
    let again = ask(&cached(&s.url)).unwrap_err();
    assert_eq!(again.to_string(), first.to_string());
    assert_eq!(again.failure(), Some(pactum_llm::Failure::Status));
    assert_eq!(s.requests.lock().unwrap().len(), 1);
    // Offline, too.
    let offline = ask(&cached("http://127.0.0.1:9/v1")).unwrap_err();
    assert_eq!(offline.to_string(), first.to_string());
    // Without a cache nothing is recorded: the endpoint is asked again.
    let fresh = Client::new(Config::new(&s.url, "stand-in").unwrap());
    assert_eq!(ask(&fresh).unwrap().value["move"], "end");
    assert_eq!(s.requests.lock().unwrap().len(), 2);
}

#[test]
fn transient_failures_are_retried_and_others_are_not() {
    let s = stand_in(vec![
        Reply::Raw(503, "busy"),
        Reply::Raw(429, "slow down"),
        Reply::Content(r#"{"move": "end"}"#, 10),
    ]);
    assert_eq!(ask(&client(&s.url)).unwrap().value["move"], "end");
    assert_eq!(s.requests.lock().unwrap().len(), 3);

    let s = stand_in(vec![Reply::Raw(400, r#"{"error": "bad model"}"#)]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::Status { status: 400, .. }), "{e}");
    assert!(e.to_string().contains("bad model"));
    assert_eq!(s.requests.lock().unwrap().len(), 1);

    let s = stand_in(vec![Reply::Raw(500, "down")]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::Status { status: 500, .. }));
    assert_eq!(s.requests.lock().unwrap().len(), 3, "1 attempt + 2 retries");
}

#[test]
fn an_endpoint_that_never_answers_times_out_after_its_retries() {
    let s = stand_in(vec![Reply::Silent]);
    let c = Client::new(
        Config::new(&s.url, "stand-in")
            .unwrap()
            .with_timeout(Duration::from_secs(1))
            .unwrap()
            .with_retries(1)
            .unwrap(),
    );
    let e = ask(&c).unwrap_err();
    assert!(matches!(e, LlmError::Timeout { attempts: 2, .. }), "{e:?}");
    let nobody = client("http://127.0.0.1:9/v1");
    assert!(matches!(
        ask(&nobody),
        Err(LlmError::Transport { attempts: 3, .. })
    ));
}

#[test]
fn malformed_refused_cut_off_and_invalid_answers_are_typed_errors() {
    type Expected = fn(&LlmError) -> bool;
    let cases: Vec<(Reply, Expected)> = vec![
        (Reply::Raw(200, "<html>not json</html>"), |e| {
            matches!(e, LlmError::Malformed(_))
        }),
        (Reply::Raw(200, r#"{"choices": []}"#), |e| {
            matches!(e, LlmError::Malformed(_))
        }),
        (
            Reply::Raw(
                200,
                r#"{"choices": [{"message": {"content": null, "refusal": "I cannot help with that"}, "finish_reason": "stop"}]}"#,
            ),
            |e| matches!(e, LlmError::Refused(r) if r.contains("cannot")),
        ),
        (
            Reply::Raw(
                200,
                r#"{"choices": [{"message": {"content": "{\"move\": \"acc"}, "finish_reason": "length"}]}"#,
            ),
            |e| matches!(e, LlmError::Truncated { .. }),
        ),
        (Reply::Content("I accept your offer.", 5), |e| {
            matches!(e, LlmError::NotJson { .. })
        }),
        (
            Reply::Content(r#"{"move": "surrender", "extra": 1}"#, 5),
            |e| matches!(e, LlmError::Schema { reasons, .. } if reasons.contains("/move") && reasons.contains("extra")),
        ),
    ];
    for (reply, expected) in cases {
        let s = stand_in(vec![reply]);
        let e = ask(&client(&s.url)).unwrap_err();
        assert!(expected(&e), "{e:?}");
        assert_eq!(s.requests.lock().unwrap().len(), 1, "not retried: {e}");
    }
}

#[test]
fn the_budget_stops_requests_once_spent() {
    let s = stand_in(vec![Reply::Content(r#"{"move": "reject"}"#, 700)]);
    let c = Client::new(
        Config::new(&s.url, "stand-in")
            .unwrap()
            .with_max_tokens(100)
            .unwrap()
            .with_budget(1_000)
            .unwrap(),
    );
    ask(&c).unwrap();
    ask(&c).unwrap();
    let e = ask(&c).unwrap_err();
    assert!(
        matches!(
            e,
            LlmError::Budget {
                budget: 1_000,
                used: 1_400
            }
        ),
        "{e}"
    );
    assert_eq!(s.requests.lock().unwrap().len(), 2);
}

#[test]
fn a_bad_schema_is_a_configuration_error() {
    let c = client("http://127.0.0.1:9/v1");
    let bad = Schema {
        name: "bad".into(),
        schema: json!({"type": 12}),
    };
    let e = c.complete(&[Message::user("?")], &bad).unwrap_err();
    assert!(matches!(e, LlmError::Config(_)), "{e}");
}
