//! A stand-in chat-completions endpoint on the loopback, for the tests of
//! every crate that talks to a language model (feature `stand-in`; never in
//! a shipped build).
//!
//! Rules kept here: it listens on `127.0.0.1` at a port the system picks;
//! it answers one request per connection, in arrival order, with what the
//! caller's script returns for that request (numbered from 0): a chat
//! completion with the given content, a raw status and body, or no answer at
//! all (the connection held open for 20 s, for timeouts, or closed at
//! once); it keeps every
//! request's JSON body, in order, for the test to inspect. A request it
//! cannot read (no body, not JSON) is dropped unanswered and not kept.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

/// What the stand-in answers to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A chat completion (status 200) whose message has this content.
    Content(String),
    /// A raw status and body.
    Raw(u16, String),
    /// No answer: the connection is held open, then closed after 20 s.
    Silent,
    /// No answer: the connection is closed at once.
    Close,
}

/// A running stand-in endpoint (its thread lives as long as the process).
#[derive(Debug, Clone)]
pub struct StandIn {
    url: String,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl StandIn {
    /// Starts a stand-in answering request `k` with `script(k, body)`.
    ///
    /// # Panics
    /// When no loopback port can be bound (a test's environment is broken).
    pub fn start(mut script: impl FnMut(usize, &Value) -> Reply + Send + 'static) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!(
            "http://{}/v1",
            listener.local_addr().expect("the bound address")
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(request) = read_request(&mut stream) else {
                    continue;
                };
                let k = {
                    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                    seen.push(request.clone());
                    seen.len() - 1
                };
                let (status, body) = match script(k, &request) {
                    Reply::Content(content) => (200, completion(&content)),
                    Reply::Raw(status, body) => (status, body),
                    Reply::Silent => {
                        thread::spawn(move || {
                            thread::sleep(Duration::from_secs(20));
                            drop(stream);
                        });
                        continue;
                    }
                    Reply::Close => continue,
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

    /// A stand-in answering its requests with `replies` in order; the last
    /// one repeats.
    ///
    /// # Panics
    /// When `replies` is empty.
    pub fn replying(replies: Vec<Reply>) -> StandIn {
        assert!(!replies.is_empty(), "a stand-in needs at least one reply");
        StandIn::start(move |k, _| replies[k.min(replies.len() - 1)].clone())
    }

    /// Its base URL (`http://127.0.0.1:PORT/v1`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The JSON bodies of the requests it has read so far, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The text of a request's last message (the question a caller asked).
pub fn last_question(request: &Value) -> &str {
    request["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
}

/// A chat completion's body whose one choice has `content`.
fn completion(content: &str) -> String {
    json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"total_tokens": 100},
    })
    .to_string()
}

/// The JSON body of one HTTP request read off `stream`.
fn read_request(stream: &mut TcpStream) -> Option<Value> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end().to_ascii_lowercase();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
    }
    if length > 16 << 20 {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Client, Config, Message, Schema};

    #[test]
    fn it_answers_by_the_script_and_keeps_the_requests() {
        let s = StandIn::replying(vec![
            Reply::Content(r#"{"a": 1}"#.into()),
            Reply::Raw(400, "{}".into()),
        ]);
        let client = Client::new(Config::new(s.url(), "m").unwrap().with_retries(0).unwrap());
        let schema = Schema {
            name: "x".into(),
            schema: json!({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}),
        };
        let first = client.complete(&[Message::user("one")], &schema).unwrap();
        assert_eq!(first.value["a"], 1);
        assert!(client.complete(&[Message::user("two")], &schema).is_err());
        assert!(client.complete(&[Message::user("three")], &schema).is_err());
        let seen = s.requests();
        assert_eq!(seen.len(), 3);
        assert_eq!(last_question(&seen[1]), "two");
    }
}
