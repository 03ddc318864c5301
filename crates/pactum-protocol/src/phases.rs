//! Phased sessions.
