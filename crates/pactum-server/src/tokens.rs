//! Bearer tokens: how seats and the session admin prove who they are.
//!
//! A token is 256 random bits in hex, handed out once when a session is
//! created. The server keeps only its SHA-256 hash, so a copy of the database
//! does not let anyone act as a party.

use sha2::{Digest, Sha256};

/// A fresh 256-bit token, hex-encoded (64 characters).
pub(crate) fn generate() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The hex SHA-256 of a token, as stored.
pub(crate) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_distinct_and_hashed() {
        let (a, b) = (super::generate(), super::generate());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(super::hash(&a).len(), 64);
        assert_ne!(super::hash(&a), a);
    }
}
