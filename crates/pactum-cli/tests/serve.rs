//! The real `pactum serve` process: moves acknowledged before a SIGKILL are
//! all there after a restart on the same database (a SQLite file, or
//! PostgreSQL when `PACTUM_TEST_POSTGRES` names one), the exported record
//! verifies with `pactum verify` (and fails it once tampered with), two
//! processes on one PostgreSQL database stream each other's moves, and the
//! server's log never shows a token or a party's preferences; the
//! limits are set by flags; the `--llm-*` flags give `llm` bots a model.

mod common;

use common::server::{Server, http};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SCENARIO: &str = r#"
name = "Durable deal"

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

struct Session {
    id: String,
    admin: String,
    tokens: [String; 2],
}

fn create(addr: &str) -> Session {
    let (status, body) = http(
        addr,
        "POST",
        "/sessions",
        None,
        Some(&json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 10000})),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    Session {
        id: body["session_id"].as_str().unwrap().into(),
        admin: body["admin_token"].as_str().unwrap().into(),
        tokens: [0, 1].map(|i| body["invitations"][i]["token"].as_str().unwrap().into()),
    }
}

/// The session's record, as its convener gets it.
fn record_of(addr: &str, s: &Session) -> Value {
    let path = format!("/sessions/{}/record", s.id);
    let (status, record) = http(addr, "GET", &path, Some(&s.admin), None).unwrap();
    assert_eq!(status, 200, "{record}");
    record
}

/// Offers `moves` (Alice the even ones, Bob the odd), each acknowledged.
fn exchange_offers(addr: &str, s: &Session, moves: std::ops::Range<u64>) {
    for n in moves {
        let (status, r) = http(
            addr,
            "POST",
            &format!("/sessions/{}/moves", s.id),
            Some(&s.tokens[(n % 2) as usize]),
            Some(&json!({"kind": "offer", "offer": offer(n)})),
        )
        .unwrap();
        assert_eq!(status, 200, "{r}");
    }
}

fn offer(n: u64) -> Value {
    json!({"price": 1 + n % 50, "colour": if n.is_multiple_of(3) { "red" } else { "blue" }})
}

#[test]
fn acknowledged_moves_survive_sigkill_and_the_record_verifies_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    acknowledged_moves_survive_sigkill(dir.path().join("pactum.db").as_os_str(), dir.path());
}

/// The same on PostgreSQL (the database named by `PACTUM_TEST_POSTGRES`;
/// the test touches only the session it creates).
#[test]
fn acknowledged_moves_survive_sigkill_and_the_record_verifies_on_postgres() {
    let Ok(url) = std::env::var("PACTUM_TEST_POSTGRES") else {
        eprintln!("skipped on PostgreSQL: set PACTUM_TEST_POSTGRES to a postgres:// URL");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    acknowledged_moves_survive_sigkill(url.as_ref(), dir.path());
}

/// Kills a server with SIGKILL while moves stream in, restarts it on the
/// same database, and checks that every acknowledged move is there, the
/// session goes on, and the exported record (written to `dir`) verifies.
fn acknowledged_moves_survive_sigkill(db: &std::ffi::OsStr, dir: &Path) {
    let server = Server::start(db);
    let session = Arc::new(create(&server.addr));

    // Stream moves (Alice and Bob alternate offers) and note every
    // acknowledgement; the server is killed while this is going on.
    let acked: Arc<Mutex<Vec<(u64, Value)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let streamer = {
        let (addr, session, acked, stop) = (
            server.addr.clone(),
            session.clone(),
            acked.clone(),
            stop.clone(),
        );
        std::thread::spawn(move || {
            let path = format!("/sessions/{}/moves", session.id);
            for n in 0u64.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let package = offer(n);
                let body = json!({"kind": "offer", "offer": package});
                match http(
                    &addr,
                    "POST",
                    &path,
                    Some(&session.tokens[(n % 2) as usize]),
                    Some(&body),
                ) {
                    Ok((200, r)) => acked
                        .lock()
                        .unwrap()
                        .push((r["seq"].as_u64().unwrap(), package)),
                    Ok((status, r)) => panic!("move {n}: {status} {r}"),
                    Err(_) => break, // the server is gone
                }
            }
        })
    };
    let t0 = Instant::now();
    while acked.lock().unwrap().len() < 150 {
        assert!(t0.elapsed() < Duration::from_secs(60), "moves too slow");
        std::thread::sleep(Duration::from_millis(2));
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    streamer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 150);

    let server = Server::start(db);
    let record = record_of(&server.addr, &session);
    let events = record["events"].as_array().unwrap();
    for (seq, package) in &acked {
        let event = &events[*seq as usize]["event"];
        assert_eq!(event["type"], "move");
        assert_eq!(&event["offer"], package, "move {seq}");
    }
    // At most the one unacknowledged in-flight move beyond them.
    let last_acked = acked.iter().map(|(s, _)| *s).max().unwrap();
    assert!(events.len() as u64 <= last_acked + 2);

    // The session goes on where it stopped.
    let n = events.len() as u64 - 1;
    let (status, r) = http(
        &server.addr,
        "POST",
        &format!("/sessions/{}/moves", session.id),
        Some(&session.tokens[(n % 2) as usize]),
        Some(&json!({"kind": "offer", "offer": offer(n)})),
    )
    .unwrap();
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["seq"], n + 1);

    // The exported record verifies offline.
    let record = record_of(&server.addr, &session);
    let file = dir.join("record.json");
    std::fs::write(&file, record.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .arg("verify")
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("hash chain intact"), "{stdout}");
}

fn verify(path: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pactum"))
        .arg("verify")
        .arg(path)
        .output()
        .unwrap()
}

#[test]
fn verify_accepts_an_intact_record_and_rejects_a_tampered_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path().join("pactum.db"));
    let s = create(&server.addr);
    let moves = format!("/sessions/{}/moves", s.id);
    let (status, _) = http(
        &server.addr,
        "POST",
        &moves,
        Some(&s.tokens[0]),
        Some(&json!({"kind": "offer", "offer": offer(4)})),
    )
    .unwrap();
    assert_eq!(status, 200);
    let (status, _) = http(
        &server.addr,
        "POST",
        &moves,
        Some(&s.tokens[1]),
        Some(&json!({"kind": "accept"})),
    )
    .unwrap();
    assert_eq!(status, 200);
    let record = record_of(&server.addr, &s);

    let good = dir.path().join("good.json");
    std::fs::write(&good, record.to_string()).unwrap();
    let out = verify(&good);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&s.id));

    let mut tampered = record.clone();
    tampered["events"][1]["event"]["offer"]["price"] = json!(49);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, tampered.to_string()).unwrap();
    let out = verify(&bad);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not verify"), "{stderr}");
    assert!(stderr.contains("altered"), "{stderr}");

    let mut dropped = record.clone();
    dropped["events"].as_array_mut().unwrap().remove(1);
    std::fs::write(&bad, dropped.to_string()).unwrap();
    assert_eq!(verify(&bad).status.code(), Some(1));

    std::fs::write(&bad, "not json").unwrap();
    let out = verify(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a record"));
}

/// The server's most verbose log (every crate at `trace`, and the access
/// log) shows the requests, but never a token or a party's preferences.
#[test]
fn no_token_or_preference_reaches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path().join("pactum.db"),
        &["--access-log"],
        &[("RUST_LOG", "trace")],
    );
    let addr = server.addr.clone();
    let s = create(&addr);
    let at = |path: &str| format!("/sessions/{}{path}", s.id);
    // Alice's own preferences, with six-digit numbers found nowhere else
    // (timings in the log must not match them by chance: a number is only
    // found where no digit stands right before or after it).
    let prefs = json!({
        "weights": {"price": 0.617311, "colour": 0.382689},
        "values": {
            "price": {"type": "linear", "slope": 0.019137, "offset": 0.044729},
            "colour": {"red": 0.913647, "blue": 0.086353}
        },
        "reservation_value": 0.271973
    });
    let (status, body) = http(
        &addr,
        "PUT",
        &at("/me/preferences"),
        Some(&s.tokens[0]),
        Some(&prefs),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let salt = body["salt"].as_str().unwrap().to_string();
    let calls: [(&str, String, Option<&str>, Option<Value>); 9] = [
        ("GET", at("/me"), Some(&s.tokens[0]), None),
        (
            "POST",
            at("/moves"),
            Some(&s.tokens[0]),
            // A package above Alice's reservation value (price 49, red).
            Some(json!({"kind": "offer", "offer": offer(48)})),
        ),
        (
            "POST",
            at("/moves"),
            Some(&s.tokens[1]),
            Some(json!({"kind": "offer", "offer": offer(8)})),
        ),
        ("POST", at("/suggestions"), Some(&s.tokens[0]), None),
        ("GET", at("/offers"), Some(&s.tokens[0]), None),
        // Refused: the other party's preferences, a forged token.
        (
            "PUT",
            at("/me/preferences"),
            Some(&s.tokens[1]),
            Some(json!({"weights": {"price": 0.7}})),
        ),
        ("GET", at("/me"), Some("forged-0123456789abcdef"), None),
        (
            "POST",
            at("/moves"),
            Some(&s.tokens[0]),
            Some(json!({"kind": "accept"})),
        ),
        ("GET", at("/export"), Some(&s.admin), None),
    ];
    for (method, path, token, body) in &calls {
        http(&addr, method, path, *token, body.as_ref()).unwrap();
    }
    let log = server.stop();
    // The log is really on, down to the access lines.
    assert!(log.contains("pactum_server::access"), "{log}");
    assert!(
        log.contains("route=\"/sessions/{id}/moves\" status=200"),
        "{log}"
    );
    assert!(log.contains("status=401"), "{log}");
    let mut secrets = vec![s.admin.clone(), salt, "forged-0123456789abcdef".into()];
    secrets.extend(s.tokens.iter().cloned());
    secrets.extend(
        [
            "0.617311", "0.382689", "0.019137", "0.044729", "0.913647", "0.086353", "0.271973",
        ]
        .map(String::from),
    );
    let found = |secret: &str| {
        if secret.parse::<f64>().is_err() {
            return log.contains(secret);
        }
        log.match_indices(secret).any(|(i, _)| {
            let before = log[..i].chars().next_back();
            let after = log[i + secret.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_ascii_digit())
        })
    };
    for secret in &secrets {
        assert!(!found(secret.as_str()), "{secret} reached the log:\n{log}");
    }
}

/// Opens a session's event stream over a raw connection: the connection,
/// what has been read so far, and where the body starts in it.
fn open_events(addr: &str, id: &str, token: &str) -> (TcpStream, Vec<u8>, usize) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /sessions/{id}/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    (stream, raw, head_end)
}

/// The body of a chunked HTTP response as far as it has arrived (`raw`
/// starts after the headers); a chunk not yet complete is left out.
fn dechunk(mut raw: &[u8]) -> String {
    let mut body = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let Ok(size) = usize::from_str_radix(String::from_utf8_lossy(&raw[..eol]).trim(), 16)
        else {
            break;
        };
        let rest = &raw[eol + 2..];
        if size == 0 || rest.len() < size + 2 {
            break;
        }
        body.extend_from_slice(&rest[..size]);
        raw = &rest[size + 2..];
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Two `pactum serve` processes on one PostgreSQL database, as behind a
/// load balancer: a party subscribed through one sees, in order, every move
/// made through the other, with only its own utility of each.
#[test]
fn two_server_processes_on_postgres_stream_each_others_moves() {
    let Ok(url) = std::env::var("PACTUM_TEST_POSTGRES") else {
        eprintln!("skipped on PostgreSQL: set PACTUM_TEST_POSTGRES to a postgres:// URL");
        return;
    };
    let (a, b) = (Server::start(&url), Server::start(&url));
    let s = create(&a.addr);

    // Alice subscribes through A.
    let (mut stream, mut raw, head_end) = open_events(&a.addr, &s.id, &s.tokens[0]);
    let mut buf = [0u8; 4096];

    // Six offers, all made through B.
    exchange_offers(&b.addr, &s, 0..6);
    let events = |body: &str| -> Vec<Value> {
        body.lines()
            .filter_map(|l| serde_json::from_str(l.strip_prefix("data: ")?).ok())
            .collect()
    };
    let mut body = String::new();
    while events(&body).len() < 6 {
        let n = stream
            .read(&mut buf)
            .expect("events from the other process");
        assert!(n > 0, "stream closed: {body}");
        raw.extend_from_slice(&buf[..n]);
        body = dechunk(&raw[head_end..]);
    }
    assert_eq!(body.matches("event: move\n").count(), 6, "{body}");
    // The same offers, in order, with Alice's own utility of each, as she
    // sees them through B.
    let (status, offers) = http(
        &b.addr,
        "GET",
        &format!("/sessions/{}/offers", s.id),
        Some(&s.tokens[0]),
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{offers}");
    let offers = offers.as_array().expect("a list of offers");
    let streamed = events(&body);
    assert_eq!(streamed.len(), offers.len(), "{body}");
    for (e, o) in streamed.iter().zip(offers) {
        for field in ["seq", "round", "party", "offer", "my_utility"] {
            assert_eq!(e[field], o[field], "{field}: {e} / {o}");
        }
    }
    let seqs: Vec<u64> = streamed
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
}

/// SIGTERM: the server ends its live event streams (a client sees the
/// stream close, not a broken connection), exits with success, and a
/// restarted server has every acknowledged move.
#[test]
fn sigterm_ends_the_streams_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pactum.db");
    let server = Server::start(&db);
    let s = create(&server.addr);
    let (mut stream, mut raw, head_end) = open_events(&server.addr, &s.id, &s.tokens[1]);
    exchange_offers(&server.addr, &s, 0..2);
    let mut buf = [0u8; 4096];
    while dechunk(&raw[head_end..]).matches("event: move").count() < 2 {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed early");
        raw.extend_from_slice(&buf[..n]);
    }

    let (status, log) = server.terminate();
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("shutting down"), "{log}");
    // The stream was ended properly: the last chunk, then the end.
    loop {
        let n = stream.read(&mut buf).expect("the stream ends, not hangs");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    assert!(
        raw.ends_with(b"0\r\n\r\n"),
        "{}",
        String::from_utf8_lossy(&raw)
    );

    let server = Server::start(&db);
    let record = record_of(&server.addr, &s);
    let moves = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["type"] == "move")
        .count();
    assert_eq!(moves, 2, "{record}");
}

/// The limits are `serve` flags: `--sessions-per-minute 2` lets a client
/// create two sessions, then answers 429 with `Retry-After`; nonsense
/// values are refused before the server starts.
#[test]
fn serve_flags_set_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path().join("limits.db"),
        &["--sessions-per-minute", "2", "--header-timeout", "2.5"],
        &[],
    );
    create(&server.addr);
    create(&server.addr);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body =
        json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 10})
            .to_string();
    write!(
        stream,
        "POST /sessions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("\r\nretry-after: "),
        "{answer}"
    );
    drop(server);

    for (flag, value) in [
        ("--header-timeout", "0"),
        ("--analysis-timeout", "nan"),
        ("--max-connections", "0"),
        ("--analysis-workers", "none"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_pactum"))
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("never.db"))
            .args([flag, value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
    }
    assert!(!dir.path().join("never.db").exists());
}

/// `llm` bots take a seat only on a server started with a language model
/// (`--llm-url`, `--llm-model`, `--llm-format`): without one the session is
/// refused with 422 naming the missing model; a fallback that cannot stand
/// in for the model stops the server at start with a message naming the
/// flag.
#[test]
fn llm_bots_need_a_server_started_with_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let body = json!({
        "scenario_toml": SCENARIO,
        "protocol": "alternating_offers",
        "deadline_rounds": 10,
        "bots": {"Bob": "llm"},
    });

    let plain = Server::start(dir.path().join("plain.db"));
    let (status, refused) = plain.http("POST", "/sessions", None, Some(&body));
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.to_string().contains("no language model configured"),
        "{refused}"
    );
    plain.stop();

    let model = [
        "--llm-url",
        "http://127.0.0.1:9/v1",
        "--llm-model",
        "stand-in",
        "--llm-format",
        "json_object",
    ];
    let with_model = Server::start_with(dir.path().join("model.db"), &model, &[]);
    let (status, created) = with_model.http("POST", "/sessions", None, Some(&body));
    assert_eq!(status, 201, "{created}");
    with_model.stop();

    let out = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("bad.db"))
        .args(model)
        .args(["--llm-fallback", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--llm-fallback"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("bad.db"))
        .args(["--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m"])
        .args(["--llm-format", "yaml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--llm-format"), "{err}");
}
