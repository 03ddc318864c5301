//! Why a language model gave no usable answer.
//!
//! Rules: each variant says what failed and where (the endpoint's status,
//! the part of the answer that was wrong); the API key never appears in a
//! message.

use std::path::PathBuf;

/// Why a request gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The configuration cannot be used.
    #[error("language model configuration: {0}")]
    Config(String),
    /// No endpoint answered in time (after every retry).
    #[error("{url}: no answer within {seconds} s (tried {attempts} times)")]
    Timeout {
        /// The endpoint.
        url: String,
        /// The timeout of each attempt.
        seconds: u64,
        /// Attempts made.
        attempts: u32,
    },
    /// The endpoint could not be reached (after every retry).
    #[error("{url}: {reason} (tried {attempts} times)")]
    Transport {
        /// The endpoint.
        url: String,
        /// What failed.
        reason: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The endpoint answered with an error status.
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        /// The endpoint.
        url: String,
        /// The status.
        status: u16,
        /// The start of the answer's body.
        body: String,
    },
    /// The endpoint's answer is not a chat completion.
    #[error("the answer is not a chat completion: {0}")]
    Malformed(String),
    /// The model refused to answer.
    #[error("the model refused: {0}")]
    Refused(String),
    /// The answer was cut off (its token limit reached).
    #[error("the answer was cut off at the token limit ({max_tokens} tokens)")]
    Truncated {
        /// The limit.
        max_tokens: u32,
    },
    /// The answer's content is not JSON.
    #[error("the answer is not JSON ({reason}): {content}")]
    NotJson {
        /// Why it does not parse.
        reason: String,
        /// The start of the content.
        content: String,
    },
    /// The answer's JSON breaks the schema asked for.
    #[error("the answer breaks the schema {schema:?}: {reasons}")]
    Schema {
        /// The schema's name.
        schema: String,
        /// What is wrong, each with its place in the answer.
        reasons: String,
        /// The answer.
        answer: serde_json::Value,
    },
    /// The token budget is spent.
    #[error("the token budget of {budget} tokens is spent ({used} used)")]
    Budget {
        /// The budget.
        budget: u64,
        /// Tokens used so far.
        used: u64,
    },
    /// The endpoint failed this request when it was first asked, as the
    /// replay cache recorded: the failure given again, word for word.
    #[error("{message}")]
    Recorded {
        /// What kind of failure it was.
        kind: Failure,
        /// The failure's message as first given.
        message: String,
    },
    /// The replay cache cannot be read or written.
    #[error("replay cache {path}: {reason}")]
    Cache {
        /// The file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
}

/// The kinds of endpoint failure the replay cache records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// [`LlmError::Timeout`].
    Timeout,
    /// [`LlmError::Transport`].
    Transport,
    /// [`LlmError::Status`].
    Status,
    /// [`LlmError::Malformed`].
    Malformed,
}

impl LlmError {
    /// The endpoint failure this error is (or records), if it is one.
    pub fn failure(&self) -> Option<Failure> {
        match self {
            LlmError::Timeout { .. } => Some(Failure::Timeout),
            LlmError::Transport { .. } => Some(Failure::Transport),
            LlmError::Status { .. } => Some(Failure::Status),
            LlmError::Malformed(_) => Some(Failure::Malformed),
            LlmError::Recorded { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Whether trying the same request again may succeed (a timeout, a
    /// transport failure, 429 or a 5xx status).
    pub fn is_transient(&self) -> bool {
        match self {
            LlmError::Timeout { .. } | LlmError::Transport { .. } => true,
            LlmError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// The first `n` characters of `text` (for messages).
pub(crate) fn clip(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
