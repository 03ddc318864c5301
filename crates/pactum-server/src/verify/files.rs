//! Reading what `pactum verify` is given: a record or an export (which
//! carries its scenario), a scenario, parties' preference exports and the
//! server's public key.
//!
//! Rules kept: only regular files of at most [`MAX_FILE_BYTES`] are read
//! (never a FIFO or a device); a scenario given by the caller is checked in
//! place of an export's own; an error only when a file cannot be read or
//! parsed — everything else is a check of the report.

use std::path::{Path, PathBuf};

use crate::mediation::Export;
use crate::preferences::PreferencesExport;
use crate::record::Record;
use crate::signing::read_public_key;

use super::checks::verify;
use super::report::{Inputs, ScenarioSource, VerifyReport};

/// The files `pactum verify` reads besides the record.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The session's scenario (`--scenario`); an export carries its own.
    pub scenario: Option<PathBuf>,
    /// Parties' preference exports (`--preferences`).
    pub preferences: Vec<PathBuf>,
    /// The server's public key (`--public-key`).
    pub public_key: Option<PathBuf>,
}

/// Why verification could not start (a file unreadable or malformed).
#[derive(Debug, thiserror::Error)]
pub enum VerifyFileError {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The record file does not parse as a record or an export.
    #[error("{path}: not a record ({reason})")]
    NotARecord {
        /// The file.
        path: PathBuf,
        /// What parsing it said.
        reason: String,
    },
    /// A preferences file is not a party's preferences export.
    #[error(
        "{path}: not a party's preferences export (GET /sessions/{{id}}/preferences/export): {reason}"
    )]
    NotPreferences {
        /// The file.
        path: PathBuf,
        /// What parsing it said.
        reason: String,
    },
    /// The public key file could not be used.
    #[error(transparent)]
    Key(#[from] crate::signing::KeyError),
}

/// Largest file `verify` reads (a record of the longest session the server
/// allows is far smaller).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads a regular file of at most [`MAX_FILE_BYTES`] (never a FIFO or a
/// device, which could block or never end).
fn read(path: &Path) -> Result<String, VerifyFileError> {
    let error = |source| VerifyFileError::Read {
        path: path.into(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(error)?;
    if !meta.is_file() {
        return Err(error(std::io::Error::other("not a regular file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(error(std::io::Error::other(format!(
            "{} bytes; larger than any record ({MAX_FILE_BYTES} bytes at most)",
            meta.len()
        ))));
    }
    std::fs::read_to_string(path).map_err(error)
}

/// Reads a record (`GET /sessions/{id}/record`) or an export
/// (`GET /sessions/{id}/export`, which carries its scenario), and the files
/// of `options`, and verifies the record. Returns the record and the
/// report; an error only when a file cannot be read or parsed.
pub fn verify_file(
    path: &Path,
    options: &VerifyOptions,
) -> Result<(Record, VerifyReport), VerifyFileError> {
    let not_a_record = |reason: String| VerifyFileError::NotARecord {
        path: path.into(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_str(&read(path)?).map_err(|e| not_a_record(e.to_string()))?;
    let (record, embedded) = if value.get("record").is_some() {
        let export: Export =
            serde_json::from_value(value).map_err(|e| not_a_record(e.to_string()))?;
        (export.record, Some(export.scenario_toml))
    } else {
        let record: Record =
            serde_json::from_value(value).map_err(|e| not_a_record(e.to_string()))?;
        (record, None)
    };
    let given = options.scenario.as_deref().map(read).transpose()?;
    let mut preferences = Vec::new();
    for p in &options.preferences {
        let export: PreferencesExport =
            serde_json::from_str(&read(p)?).map_err(|e| VerifyFileError::NotPreferences {
                path: p.clone(),
                reason: e.to_string(),
            })?;
        preferences.push(export);
    }
    let public_key = options
        .public_key
        .as_deref()
        .map(read_public_key)
        .transpose()?;
    let scenario = match (&given, &embedded) {
        (Some(text), _) => Some((text.as_str(), ScenarioSource::Given)),
        (None, Some(text)) => Some((text.as_str(), ScenarioSource::Export)),
        (None, None) => None,
    };
    let report = verify(
        &record,
        &Inputs {
            scenario,
            preferences: &preferences,
            public_key: public_key.as_ref(),
        },
    );
    Ok((record, report))
}
