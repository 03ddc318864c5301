//! Free-form rounds with partial agreements.
