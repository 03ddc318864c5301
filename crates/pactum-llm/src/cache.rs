//! The replay cache: each answer stored under its request's hash, so a run
//! replays offline byte for byte.
//!
//! Rules: one file per request, `DIR/HASH.json`, holding the request body
//! (for a reader to see what was asked; a replay does not read it, so a
//! published cache may set it to `null`), the answer's raw content (and
//! refusal and finish reason) and its token usage — or, where the endpoint
//! failed the request after every retry, that failure (its kind and
//! message), so a replay fails where the run failed and asks nothing; a
//! file is written whole (to a temporary name, then
//! renamed), so a crash leaves no half file; a file that does not read is
//! an error naming it, never a silent miss.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Failure, LlmError};

/// One stored exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The request body.
    pub request: Value,
    /// The answer's content, as the model wrote it.
    pub content: String,
    /// The model's refusal, if it refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Why the answer ended (`stop`, `length`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Tokens the exchange used (prompt and answer).
    pub tokens: u64,
    /// The endpoint's failure, where it gave no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Recorded>,
}

/// A failure kept in place of an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Recorded {
    /// Its kind.
    pub kind: Failure,
    /// Its message, as first given.
    pub message: String,
}

fn file(dir: &Path, hash: &str) -> PathBuf {
    dir.join(format!("{hash}.json"))
}

/// The stored exchange for `hash`, if any.
pub(crate) fn read(dir: &Path, hash: &str) -> Result<Option<Entry>, LlmError> {
    let path = file(dir, hash);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(LlmError::Cache {
                path,
                reason: e.to_string(),
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| LlmError::Cache {
            path,
            reason: format!("not a stored answer: {e}"),
        })
}

/// Stores `entry` under `hash`.
pub(crate) fn write(dir: &Path, hash: &str, entry: &Entry) -> Result<(), LlmError> {
    let path = file(dir, hash);
    let fail = |e: std::io::Error| LlmError::Cache {
        path: path.clone(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let text = serde_json::to_string_pretty(entry).map_err(|e| LlmError::Cache {
        path: path.clone(),
        reason: e.to_string(),
    })? + "\n";
    let tmp = dir.join(format!(".{hash}.tmp"));
    std::fs::write(&tmp, text).map_err(fail)?;
    std::fs::rename(&tmp, &path).map_err(fail)
}
