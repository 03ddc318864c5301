//! Monte Carlo (placeholder).
