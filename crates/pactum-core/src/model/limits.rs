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

/// A number refused by [`check_magnitude`]; `what` names it ("weight",
/// "reservation value").
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MagnitudeError {
    /// The number is NaN or infinite.
    #[error("{what} {value} is not a finite number")]
    NotFinite {
        /// What the number is.
        what: String,
        /// The number.
        value: f64,
    },
    /// The number is larger in magnitude than its limit.
    #[error("{what} {} is too large: at most {limit:e} in magnitude is accepted", short_number(*.value))]
    TooLarge {
        /// What the number is.
        what: String,
        /// The number.
        value: f64,
        /// The largest magnitude accepted.
        limit: f64,
    },
}

/// `Ok` when `x` is a finite number of magnitude at most `limit`; `what`
/// names the number in the error ("weight", "reservation value").
pub fn check_magnitude(what: &str, x: f64, limit: f64) -> Result<(), MagnitudeError> {
    if !x.is_finite() {
        Err(MagnitudeError::NotFinite {
            what: what.to_string(),
            value: x,
        })
    } else if x.abs() > limit {
        Err(MagnitudeError::TooLarge {
            what: what.to_string(),
            value: x,
            limit,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_accepted_when_finite_and_within_its_limit() {
        assert_eq!(check_magnitude("weight", 1e9, MAX_MAGNITUDE), Ok(()));
        assert_eq!(check_magnitude("weight", -1e9, MAX_MAGNITUDE), Ok(()));
        let nan = check_magnitude("weight", f64::NAN, MAX_MAGNITUDE).unwrap_err();
        assert!(matches!(nan, MagnitudeError::NotFinite { .. }));
        assert_eq!(nan.to_string(), "weight NaN is not a finite number");
        let big = check_magnitude("value", 1e308, MAX_MAGNITUDE).unwrap_err();
        assert_eq!(
            big,
            MagnitudeError::TooLarge {
                what: "value".into(),
                value: 1e308,
                limit: MAX_MAGNITUDE
            }
        );
        assert_eq!(
            big.to_string(),
            "value 1e308 is too large: at most 1e9 in magnitude is accepted"
        );
    }
}
