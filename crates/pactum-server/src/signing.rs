//! The server's signature of a record's head (`pactum serve --signing-key`).
//!
//! A hash chain shows that no event was changed *unless the hashes were
//! recomputed*: whoever holds a record can rewrite an event and re-chain
//! every hash after it. A server started with an Ed25519 signing key signs
//! the head of every record and export it serves: the message is
//! `"pactum record head v1\n" || session id || "\n" || head seq || "\n" ||
//! head hash` (seq in decimal, hash in hex). `pactum verify --public-key`
//! then detects a re-hashed forgery (its head differs) and a record cut short
//! (its head is not the signed one), as long as the key is the server's.
//!
//! Key files: the secret key is either 64 hex digits (the 32-byte Ed25519
//! seed, as `pactum keygen` writes it) or a PKCS#8 PEM file
//! (`openssl genpkey -algorithm ed25519 -out key.pem`); the public key is 64
//! hex digits (as `GET /signing-key` and exports show it) or a PEM
//! SubjectPublicKeyInfo (`openssl pkey -in key.pem -pubout`).

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The only signature algorithm.
pub(crate) const ED25519: &str = "ed25519";

/// A signature of a record's head, carried in exported records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HeadSignature {
    /// Always "ed25519".
    pub algorithm: String,
    /// The server's public key (hex, 32 bytes).
    pub public_key: String,
    /// Sequence number of the signed head (the record's last event).
    pub seq: u64,
    /// Hash of the signed head.
    pub hash: String,
    /// The signature (hex, 64 bytes).
    pub signature: String,
}

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The key file.
        path: PathBuf,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The file holds no key of the expected kind.
    #[error("{path}: not an Ed25519 {what} (expected 64 hex digits or a PEM file: {reason})")]
    Format {
        /// The key file.
        path: PathBuf,
        /// "signing key" or "public key".
        what: &'static str,
        /// What the decoder said.
        reason: String,
    },
}

/// Why a record's head signature does not stand.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignatureError {
    /// An algorithm other than Ed25519.
    #[error("unknown signature algorithm {0:?}")]
    Algorithm(String),
    /// The signature is of another head than the record's.
    #[error(
        "the signed head is event {signed_seq} ({signed_hash}), but the record ends at event {seq} ({hash})"
    )]
    OtherHead {
        /// The signed head's sequence number.
        signed_seq: u64,
        /// The signed head's hash.
        signed_hash: String,
        /// The record's head sequence number.
        seq: u64,
        /// The record's head hash.
        hash: String,
    },
    /// The signature is not 64 bytes of hex.
    #[error("the signature is not 64 bytes of hex")]
    Malformed,
    /// The signature is not the key's of this head.
    #[error("the signature does not match the record's head")]
    Mismatch(#[source] ed25519_dalek::SignatureError),
}

/// Why a hex public key is not one.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HexKeyError {
    /// Not hex.
    #[error(transparent)]
    Hex(#[from] hex::FromHexError),
    /// Hex, but not 32 bytes.
    #[error("not 32 bytes")]
    Length,
    /// 32 bytes that are no Ed25519 public key.
    #[error(transparent)]
    Key(ed25519_dalek::SignatureError),
}

/// The message signed for a head.
fn message(session_id: &str, seq: u64, hash: &str) -> Vec<u8> {
    format!("pactum record head v1\n{session_id}\n{seq}\n{hash}").into_bytes()
}

/// Signs the head (`seq`, `hash`) of session `session_id`'s record.
pub fn sign_head(key: &SigningKey, session_id: &str, seq: u64, hash: &str) -> HeadSignature {
    HeadSignature {
        algorithm: ED25519.into(),
        public_key: hex::encode(key.verifying_key().to_bytes()),
        seq,
        hash: hash.into(),
        signature: hex::encode(key.sign(&message(session_id, seq, hash)).to_bytes()),
    }
}

/// Checks `sig` as a signature by `key` of the head (`seq`, `hash`) of
/// session `session_id`'s record.
pub(crate) fn verify_head(
    key: &VerifyingKey,
    sig: &HeadSignature,
    session_id: &str,
    seq: u64,
    hash: &str,
) -> Result<(), SignatureError> {
    if sig.algorithm != ED25519 {
        return Err(SignatureError::Algorithm(sig.algorithm.clone()));
    }
    if sig.seq != seq || sig.hash != hash {
        return Err(SignatureError::OtherHead {
            signed_seq: sig.seq,
            signed_hash: sig.hash.clone(),
            seq,
            hash: hash.into(),
        });
    }
    let bytes: [u8; 64] = hex::decode(&sig.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::Malformed)?;
    key.verify(
        &message(session_id, seq, hash),
        &Signature::from_bytes(&bytes),
    )
    .map_err(SignatureError::Mismatch)
}

/// A public key written as 64 hex digits.
pub(crate) fn public_key_from_hex(text: &str) -> Result<VerifyingKey, HexKeyError> {
    let bytes: [u8; 32] = hex::decode(text.trim())?
        .try_into()
        .map_err(|_| HexKeyError::Length)?;
    VerifyingKey::from_bytes(&bytes).map_err(HexKeyError::Key)
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.into(),
        source,
    })
}

/// Reads a signing key file (hex seed or PKCS#8 PEM).
pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let text = read(path)?;
    let format = |reason: String| KeyError::Format {
        path: path.into(),
        what: "signing key",
        reason,
    };
    if text.contains("-----BEGIN") {
        return SigningKey::from_pkcs8_pem(&text).map_err(|e| format(e.to_string()));
    }
    let seed: [u8; 32] = hex::decode(text.trim())
        .map_err(|e| format(e.to_string()))?
        .try_into()
        .map_err(|_| format("not 32 bytes".into()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key file (hex or PEM SubjectPublicKeyInfo).
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = read(path)?;
    let format = |reason: String| KeyError::Format {
        path: path.into(),
        what: "public key",
        reason,
    };
    if text.contains("-----BEGIN") {
        return VerifyingKey::from_public_key_pem(&text).map_err(|e| format(e.to_string()));
    }
    public_key_from_hex(&text).map_err(|e| format(e.to_string()))
}

/// A fresh signing key (from the operating system's random source).
pub fn generate() -> SigningKey {
    SigningKey::from_bytes(&rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_head_verifies_and_nothing_else_does() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let sig = sign_head(&key, "s", 4, "ab");
        let public = key.verifying_key();
        assert!(verify_head(&public, &sig, "s", 4, "ab").is_ok());
        assert!(verify_head(&public, &sig, "s", 4, "ac").is_err());
        assert!(verify_head(&public, &sig, "t", 4, "ab").is_err());
        let mut moved = sig.clone();
        moved.hash = "ac".into();
        assert!(verify_head(&public, &moved, "s", 4, "ac").is_err());
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert!(verify_head(&other, &sig, "s", 4, "ab").is_err());
        assert_eq!(
            public_key_from_hex(&sig.public_key).unwrap(),
            key.verifying_key()
        );
    }

    #[test]
    fn key_files_in_hex_and_pem() {
        let dir = tempfile::tempdir().unwrap();
        let hex_file = dir.path().join("key.hex");
        std::fs::write(&hex_file, format!("{}\n", hex::encode([7u8; 32]))).unwrap();
        let key = read_signing_key(&hex_file).unwrap();
        assert_eq!(key.to_bytes(), [7; 32]);
        // RFC 8410's example private key.
        let pem = dir.path().join("key.pem");
        std::fs::write(
            &pem,
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        read_signing_key(&pem).unwrap();
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "zz").unwrap();
        let err = read_signing_key(&bad).unwrap_err().to_string();
        assert!(err.contains("not an Ed25519 signing key"), "{err}");
        let public = dir.path().join("key.pub");
        std::fs::write(&public, hex::encode(key.verifying_key().to_bytes())).unwrap();
        assert_eq!(read_public_key(&public).unwrap(), key.verifying_key());
    }
}
