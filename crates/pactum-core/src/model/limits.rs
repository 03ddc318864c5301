//! The bounds every scenario keeps, and the check of one number against
//! them.
//!
//! Rules: a number is accepted when it is finite and at most its limit in
//! magnitude ([`MAX_MAGNITUDE`] for weights, values and utilities,
//! [`MAX_COORDINATE`] for real bounds and the points value functions are
//! defined at), so every utility is a finite sum; a refusal says which
//! number and why, with large numbers written short (`1e308`).

/// Most values an issue may have: outcomes index values with a `u32`
/// ([`Outcome`]). How many values an analysis handles is a separate, much
/// smaller limit (`analysis::Budget`).
pub const MAX_ISSUE_VALUES: u64 = u32::MAX as u64;

/// Largest magnitude of a weight, a value (of a table, a function or a
/// hyper-rectangle), a reservation value or a utility a scenario may hold.
/// With [`MAX_COORDINATE`], it keeps every utility a finite number: a sum
/// over issues of weight × value is at most issues × 10^18.
pub const MAX_MAGNITUDE: f64 = 1e9;

/// Largest magnitude of a real issue's bounds and of the points where a
/// value function is defined (piecewise-linear x, triangular corners).
pub const MAX_COORDINATE: f64 = 1e15;

/// `Err` with a sentence unless `x` is a finite number of magnitude at most
/// `limit`; `what` names the number ("weight", "reservation value").
pub fn check_magnitude(what: &str, x: f64, limit: f64) -> Result<(), String> {
    if !x.is_finite() {
        Err(format!("{what} {x} is not a finite number"))
    } else if x.abs() > limit {
        Err(format!(
            "{what} {} is too large: at most {limit:e} in magnitude is accepted",
            short_number(x)
        ))
    } else {
        Ok(())
    }
}

/// A number as people write it: `1e308`, not 309 digits.
pub(super) fn short_number(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// How far a number may be from a real issue's grid point and still be
/// that value (offers, red lines).
pub const GRID_TOLERANCE: f64 = 1e-9;

/// Default number of grid points used to enumerate a real-valued issue.
pub const DEFAULT_REAL_LEVELS: usize = 11;
