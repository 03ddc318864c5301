//! The signature check: the server's Ed25519 signature of the record's head
//! ([`crate::signing`]).
//!
//! Rules kept: a signature is checked against a public key given to the
//! verifier; one checked only against the key the record itself carries
//! proves nothing and is reported as not checked; a public key given for an
//! unsigned record, or one that is not the signer's, fails.

use ed25519_dalek::VerifyingKey;

use crate::record::Record;
use crate::signing::{public_key_from_hex, verify_head};

use super::report::{Check, Status};

pub(super) fn signature_check(record: &Record, trusted: Option<&VerifyingKey>) -> Check {
    const NAME: &str = "signature";
    let requested = trusted.is_some();
    let Some(sig) = &record.signature else {
        return match trusted {
            None => Check::new(
                NAME,
                Status::NotChecked,
                "the record is not signed; a server started with --signing-key signs the records it serves, and --public-key FILE checks them",
            ),
            Some(_) => Check::new(
                NAME,
                Status::Failed,
                "--public-key was given but the record carries no signature (was it stripped?)",
            ),
        }
        .requested(requested);
    };
    let Some(last) = record.events.last() else {
        return Check::new(NAME, Status::Failed, "a signature of an empty record");
    };
    let key = match trusted {
        Some(k) => {
            if hex::encode(k.to_bytes()) != sig.public_key {
                return Check::new(
                    NAME,
                    Status::Failed,
                    format!(
                        "the record is signed by key {}, not by the public key given",
                        sig.public_key
                    ),
                )
                .requested(true);
            }
            *k
        }
        None => match public_key_from_hex(&sig.public_key) {
            Ok(k) => k,
            Err(e) => {
                return Check::new(
                    NAME,
                    Status::Failed,
                    format!("the record's public key is malformed: {e}"),
                );
            }
        },
    };
    match verify_head(&key, sig, &record.session_id, last.seq, &last.hash) {
        Err(e) => Check::new(NAME, Status::Failed, e.to_string()).requested(requested),
        Ok(()) if requested => Check::new(
            NAME,
            Status::Passed,
            format!(
                "the head (event {}) is signed by the public key given",
                last.seq
            ),
        )
        .requested(true),
        Ok(()) => Check::new(
            NAME,
            Status::NotChecked,
            format!(
                "the head is signed by the key the record itself carries ({}), which anyone rewriting the record could replace; give --public-key FILE with the server's key (GET /signing-key) to check it",
                sig.public_key
            ),
        ),
    }
}
