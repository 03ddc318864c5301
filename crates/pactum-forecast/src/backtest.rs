//! Back-testing (placeholder).
