//! The tamper-evident record of a session.
//!
//! Every event of a session is appended to a log whose entries are chained by
//! hash: `hash = sha256(prev_hash || canonical JSON of the event)`, the first
//! entry chaining from 32 zero bytes. The canonical form depends on values
//! only (keys sorted, numbers by value: `19000.0` and `19000` are the same
//! number), so a record still verifies after a JSON tool or a browser has
//! parsed and re-written it. An exported [`Record`] can therefore be
//! checked offline by [`verify_record`]: changing, inserting, dropping or
//! reordering any event breaks the chain. (Cutting events off the *end* of a
//! record cannot be detected from the record alone; compare its head hash
//! with one obtained independently.)

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// The hash the first event chains from (hex of 32 zero bytes).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the log: the event and its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordEntry {
    /// Position in the log, from 0.
    pub seq: u64,
    /// The event itself (hashed in canonical form).
    #[schema(value_type = Object)]
    pub event: Json,
    /// Hash of the entry before (all zeros for the first).
    pub prev_hash: String,
    /// SHA-256 (hex) of `prev_hash` and the event's canonical JSON.
    pub hash: String,
}

/// A session's whole log, as exported by `GET /sessions/{id}/record`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Record {
    /// The session the log is of.
    pub session_id: String,
    /// The entries, in order.
    pub events: Vec<RecordEntry>,
    /// The server's signature of the log's head, when the server has a
    /// signing key (see `crate::signing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::signing::HeadSignature>,
}

/// Why a record failed verification.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    /// The record has no entries.
    #[error("the record has no events")]
    Empty,
    /// An entry's sequence number is out of order.
    #[error("event {index}: sequence number {found}, expected {expected}")]
    Sequence {
        /// Position of the entry in the record.
        index: usize,
        /// The number it should have.
        expected: u64,
        /// The number it has.
        found: u64,
    },
    /// An entry's `prev_hash` is not the previous entry's hash.
    #[error("event {seq}: prev_hash does not match the hash of the event before it")]
    BrokenLink {
        /// The entry's sequence number.
        seq: u64,
    },
    /// An entry's hash is not the hash of its content.
    #[error("event {seq}: hash does not match its content (the event was altered)")]
    HashMismatch {
        /// The entry's sequence number.
        seq: u64,
    },
}

/// Writes `value` as canonical JSON: object keys sorted, no whitespace,
/// strings as serde_json writes them, integers in decimal and other numbers
/// as the shortest decimal that reads back as the same `f64`, without an
/// exponent or a trailing `.0` (so `19000.0` is written `19000`, `1e-7`
/// `0.0000001`).
pub(crate) fn canonical_json(value: &Json) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out, true);
    out
}

/// The canonical form of records written before numbers were canonical by
/// value: numbers as serde_json writes them (`19000.0` stays `19000.0`).
/// Their hashes still verify.
fn canonical_json_as_written(value: &Json) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out, false);
    out
}

fn write_canonical(value: &Json, out: &mut String, numbers_by_value: bool) {
    match value {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (n, k) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out, numbers_by_value);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (n, v) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_canonical(v, out, numbers_by_value);
            }
            out.push(']');
        }
        Json::Number(n) if numbers_by_value && !(n.is_i64() || n.is_u64()) => {
            // Rust's `f64` display: shortest round-trip digits, no exponent.
            let x = n.as_f64().unwrap_or_default();
            out.push_str(&if x == 0.0 { "0".into() } else { x.to_string() });
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `sha256(prev_hash || canonical JSON of event)`, hex; `prev_hash` is hex
/// and enters the hash as its raw bytes (a malformed one as its text).
pub fn chain_hash(prev_hash: &str, event: &Json) -> String {
    hash_of(prev_hash, &canonical_json(event))
}

fn hash_of(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    match hex::decode(prev_hash) {
        Ok(bytes) => h.update(&bytes),
        Err(_) => h.update(prev_hash.as_bytes()),
    }
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// Checks that the events are numbered 0, 1, 2, …, that each chains from the
/// hash of the one before (the first from [`GENESIS_HASH`]) and that each
/// hash matches its event.
pub fn verify_record(record: &Record) -> Result<(), VerifyError> {
    if record.events.is_empty() {
        return Err(VerifyError::Empty);
    }
    let mut prev = GENESIS_HASH.to_string();
    for (index, entry) in record.events.iter().enumerate() {
        if entry.seq != index as u64 {
            return Err(VerifyError::Sequence {
                index,
                expected: index as u64,
                found: entry.seq,
            });
        }
        if entry.prev_hash != prev {
            return Err(VerifyError::BrokenLink { seq: entry.seq });
        }
        let hashed = |canonical: String| hash_of(&entry.prev_hash, &canonical) == entry.hash;
        if !hashed(canonical_json(&entry.event)) && !hashed(canonical_json_as_written(&entry.event))
        {
            return Err(VerifyError::HashMismatch { seq: entry.seq });
        }
        prev = entry.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> Record {
        let mut events = Vec::new();
        let mut prev = GENESIS_HASH.to_string();
        for (seq, e) in [
            json!({"type": "created", "b": 1, "a": [1, 2]}),
            json!({"type": "move", "kind": "offer"}),
        ]
        .into_iter()
        .enumerate()
        {
            let hash = chain_hash(&prev, &e);
            events.push(RecordEntry {
                seq: seq as u64,
                event: e,
                prev_hash: prev,
                hash: hash.clone(),
            });
            prev = hash;
        }
        Record {
            session_id: "s".into(),
            events,
            signature: None,
        }
    }

    #[test]
    fn canonical_form_sorts_keys_at_every_depth() {
        let v = json!({"b": {"y": 1, "x": [true, null]}, "a": "é\""});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":"é\"","b":{"x":[true,null],"y":1}}"#
        );
    }

    #[test]
    fn canonical_numbers_depend_on_the_value_only() {
        let written = json!({"price": 19000.0, "u": 0.1, "tiny": 1e-7, "n": 19000, "z": -0.0});
        assert_eq!(
            canonical_json(&written),
            r#"{"n":19000,"price":19000,"tiny":0.0000001,"u":0.1,"z":0}"#
        );
        // As a browser or jq writes it back.
        let rewritten: Json =
            serde_json::from_str(r#"{"price":19000,"u":0.1,"tiny":1e-7,"n":19000,"z":0}"#).unwrap();
        assert_eq!(canonical_json(&rewritten), canonical_json(&written));
    }

    #[test]
    fn a_record_rewritten_by_another_json_tool_still_verifies() {
        let mut r = record();
        let offer = json!({"type": "move", "offer": {"price": 19000.0, "u": 0.25}});
        let prev = r.events[1].hash.clone();
        r.events.push(RecordEntry {
            seq: 2,
            hash: chain_hash(&prev, &offer),
            event: offer,
            prev_hash: prev,
        });
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains("19000.0"), "{text}");
        let rewritten: Record = serde_json::from_str(&text.replace("19000.0", "19000")).unwrap();
        assert_eq!(verify_record(&rewritten), Ok(()));
        // But not once a value changed.
        let changed: Record = serde_json::from_str(&text.replace("19000.0", "19001")).unwrap();
        assert_eq!(
            verify_record(&changed),
            Err(VerifyError::HashMismatch { seq: 2 })
        );
    }

    #[test]
    fn records_hashed_as_written_still_verify() {
        // An entry hashed over serde_json's own writing of its numbers.
        let event = json!({"type": "move", "offer": {"price": 19000.0}});
        let hash = hash_of(GENESIS_HASH, &canonical_json_as_written(&event));
        assert_ne!(hash, chain_hash(GENESIS_HASH, &event));
        let r = Record {
            session_id: "s".into(),
            events: vec![RecordEntry {
                seq: 0,
                event,
                prev_hash: GENESIS_HASH.into(),
                hash,
            }],
            signature: None,
        };
        assert_eq!(verify_record(&r), Ok(()));
    }

    #[test]
    fn intact_record_verifies_and_tampering_is_detected() {
        let r = record();
        assert_eq!(verify_record(&r), Ok(()));

        let mut changed = r.clone();
        changed.events[0].event["b"] = json!(2);
        assert_eq!(
            verify_record(&changed),
            Err(VerifyError::HashMismatch { seq: 0 })
        );

        let mut dropped = r.clone();
        dropped.events.remove(0);
        assert!(verify_record(&dropped).is_err());

        let mut relinked = r.clone();
        relinked.events[1].prev_hash = GENESIS_HASH.into();
        assert_eq!(
            verify_record(&relinked),
            Err(VerifyError::BrokenLink { seq: 1 })
        );

        assert_eq!(
            verify_record(&Record {
                session_id: "s".into(),
                events: vec![],
                signature: None,
            }),
            Err(VerifyError::Empty)
        );
    }
}
