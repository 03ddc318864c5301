//! The client: one request, its attempts, its answer checked.
//!
//! Rules: an answer is `choices[0].message` of a chat completion; a
//! `refusal` is [`LlmError::Refused`], a `finish_reason` of `length`
//! [`LlmError::Truncated`], content that is not JSON [`LlmError::NotJson`],
//! JSON that breaks the schema [`LlmError::Schema`] (every violation named
//! by its place); only transient failures are retried, after 0.2 s, 0.4 s,
//! … (at most 3.2 s); an answer's body is read up to 4 MiB; the tokens an
//! exchange used (the endpoint's `usage.total_tokens`, else a quarter of
//! the characters sent and received) count against the budget, cached
//! ones too, so a replay spends as the run did; a request is refused once
//! the tokens used reach the budget; with a cache, a request the endpoint
//! failed after every retry is recorded as failed and fails again, word for
//! word, without asking (in the run and in its replays alike). The client
//! is shared by threads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::cache::{self, Entry, Recorded};
use crate::config::Config;
use crate::error::{LlmError, clip};
use crate::request::{Message, Schema, body, hash};

/// The largest answer body read.
const MAX_BODY: u64 = 4 << 20;

/// A checked answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The answer's JSON, valid under the schema asked for.
    pub value: Value,
    /// The content as the model wrote it.
    pub content: String,
    /// Tokens the exchange used.
    pub tokens: u64,
    /// Whether it came from the replay cache.
    pub cached: bool,
}

/// Tokens spent and allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Tokens used so far.
    pub used: u64,
    /// The budget.
    pub budget: u64,
}

/// A client of one model at one endpoint.
#[derive(Debug)]
pub struct Client {
    config: Config,
    agent: ureq::Agent,
    used: AtomicU64,
}

/// What the endpoint said, before it is checked.
struct Said {
    content: String,
    refusal: Option<String>,
    finish_reason: Option<String>,
    tokens: u64,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout()))
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            config,
            agent,
            used: AtomicU64::new(0),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Tokens spent and allowed.
    pub fn usage(&self) -> Usage {
        Usage {
            used: self.used.load(Ordering::SeqCst),
            budget: self.config.budget(),
        }
    }

    /// Asks the model for an answer to `messages` following `schema`.
    pub fn complete(&self, messages: &[Message], schema: &Schema) -> Result<Answer, LlmError> {
        let validator = jsonschema::validator_for(&schema.schema).map_err(|e| {
            LlmError::Config(format!(
                "the schema {:?} is not a JSON schema: {e}",
                schema.name
            ))
        })?;
        let c = &self.config;
        let request = body(
            c.model(),
            messages,
            schema,
            c.max_tokens(),
            c.seed(),
            c.format(),
        );
        let key = hash(&request);
        let cached = match c.cache() {
            Some(dir) => cache::read(dir, &key)?,
            None => None,
        };
        let (said, from_cache) = match cached {
            Some(Entry {
                failure: Some(f), ..
            }) => {
                return Err(LlmError::Recorded {
                    kind: f.kind,
                    message: f.message,
                });
            }
            Some(e) => (
                Said {
                    content: e.content,
                    refusal: e.refusal,
                    finish_reason: e.finish_reason,
                    tokens: e.tokens,
                },
                true,
            ),
            None => {
                let usage = self.usage();
                if usage.used >= usage.budget {
                    return Err(LlmError::Budget {
                        budget: usage.budget,
                        used: usage.used,
                    });
                }
                let sent = self.send(&request);
                if let Some(dir) = c.cache() {
                    let entry = match &sent {
                        Ok(said) => Entry {
                            request: request.clone(),
                            content: said.content.clone(),
                            refusal: said.refusal.clone(),
                            finish_reason: said.finish_reason.clone(),
                            tokens: said.tokens,
                            failure: None,
                        },
                        Err(e) => Entry {
                            request: request.clone(),
                            content: String::new(),
                            refusal: None,
                            finish_reason: None,
                            tokens: 0,
                            failure: e.failure().map(|kind| Recorded {
                                kind,
                                message: e.to_string(),
                            }),
                        },
                    };
                    if sent.is_ok() || entry.failure.is_some() {
                        cache::write(dir, &key, &entry)?;
                    }
                }
                (sent?, false)
            }
        };
        self.used.fetch_add(said.tokens, Ordering::SeqCst);
        if let Some(why) = said.refusal {
            return Err(LlmError::Refused(why));
        }
        if said.finish_reason.as_deref() == Some("length") {
            return Err(LlmError::Truncated {
                max_tokens: c.max_tokens(),
            });
        }
        let value: Value =
            serde_json::from_str(said.content.trim()).map_err(|e| LlmError::NotJson {
                reason: e.to_string(),
                content: clip(&said.content, 200),
            })?;
        let reasons: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
            .collect();
        if !reasons.is_empty() {
            return Err(LlmError::Schema {
                schema: schema.name.clone(),
                reasons: reasons.join("; "),
                answer: value,
            });
        }
        Ok(Answer {
            value,
            content: said.content,
            tokens: said.tokens,
            cached: from_cache,
        })
    }

    /// Sends `request`, retrying transient failures.
    fn send(&self, request: &Value) -> Result<Said, LlmError> {
        let text = request.to_string();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match self.attempt(&text, attempt) {
                Err(e) if e.is_transient() && attempt <= self.config.retries() => {
                    let wait = 200u64 << (attempt - 1).min(4);
                    std::thread::sleep(Duration::from_millis(wait));
                }
                other => return other.and_then(|answer| said(&answer, text.len())),
            }
        }
    }

    /// One attempt: the answer's body (2xx) or why there is none.
    fn attempt(&self, text: &str, attempts: u32) -> Result<String, LlmError> {
        let url = self.config.endpoint();
        let mut req = self
            .agent
            .post(url)
            .header("content-type", "application/json");
        if let Some(key) = self.config.api_key() {
            req = req.header("authorization", &format!("Bearer {}", key.expose()));
        }
        let failed = |e: ureq::Error| match e {
            ureq::Error::Timeout(_) => LlmError::Timeout {
                url: url.to_string(),
                seconds: self.config.timeout().as_secs(),
                attempts,
            },
            e => LlmError::Transport {
                url: url.to_string(),
                reason: e.to_string(),
                attempts,
            },
        };
        let mut resp = req.send(text.as_bytes()).map_err(failed)?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(failed)?;
        if !(200..300).contains(&status) {
            return Err(LlmError::Status {
                url: url.to_string(),
                status,
                body: clip(&body, 300),
            });
        }
        Ok(body)
    }
}

/// The parts of a chat completion's body that matter (`sent`: the
/// request's length, for estimating tokens when the endpoint reports none).
fn said(body: &str, sent: usize) -> Result<Said, LlmError> {
    let v: Value = serde_json::from_str(body)
        .map_err(|e| LlmError::Malformed(format!("{e}: {}", clip(body, 200))))?;
    let choice = v
        .get("choices")
        .and_then(|c| c.get(0))
        .ok_or_else(|| LlmError::Malformed(format!("no choices: {}", clip(body, 200))))?;
    let message = choice
        .get("message")
        .ok_or_else(|| LlmError::Malformed("the choice has no message".into()))?;
    let refusal = message
        .get("refusal")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let content = match message.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None if refusal.is_some() => String::new(),
        _ => {
            return Err(LlmError::Malformed(
                "the message has no text content".into(),
            ));
        }
    };
    let tokens = v
        .get("usage")
        .and_then(|u| u.get("total_tokens"))
        .and_then(Value::as_u64)
        .unwrap_or(((sent + content.len()) / 4) as u64);
    Ok(Said {
        content,
        refusal,
        finish_reason: choice
            .get("finish_reason")
            .and_then(Value::as_str)
            .map(str::to_string),
        tokens,
    })
}
