//! Issues: their kinds, their values, and the grid a real issue is
//! enumerated on.
//!
//! Rules: an outcome indexes each issue's values with a `u32`, in the
//! issue's order (options as listed, integers ascending, a real issue's
//! evenly spaced levels with both ends included); a number within
//! [`GRID_TOLERANCE`] of a grid point is that point, found without scanning
//! the grid.

use serde::{Deserialize, Serialize};

use super::limits::{GRID_TOLERANCE, MAX_ISSUE_VALUES};

/// One dimension of a deal, e.g. "ceasefire" or "price".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// The issue's name, unique in the scenario.
    pub name: String,
    /// Its values.
    pub kind: IssueKind,
    /// Free text about the issue.
    pub notes: Option<String>,
}

/// The values an issue can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum IssueKind {
    /// A finite list of named options.
    Discrete {
        /// The options, in order.
        options: Vec<String>,
    },
    /// Every integer in `min..=max`.
    Integer {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// The real interval `[min, max]`. Analysis and enumeration use `levels`
    /// evenly spaced points (both ends included).
    Real {
        /// The lower bound.
        min: f64,
        /// The upper bound.
        max: f64,
        /// How many evenly spaced grid points stand for the range.
        levels: usize,
    },
}

/// One concrete value of an issue, as shown to people and written to files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A value of an integer issue.
    Integer(i64),
    /// A value of a real issue.
    Real(f64),
    /// An option of a discrete issue.
    Text(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Integer(v) => write!(f, "{v}"),
            Value::Real(v) => write!(f, "{v}"),
            Value::Text(v) => f.write_str(v),
        }
    }
}

/// An outcome (a complete package): for each issue, the index of its value.
///
/// Index `k` of a discrete issue is its `k`-th option, of an integer issue the
/// integer `min + k`, of a real issue the `k`-th grid point.
pub type Outcome = Vec<u32>;

impl Issue {
    /// Number of values (grid points for a real issue).
    pub fn cardinality(&self) -> u64 {
        match &self.kind {
            IssueKind::Discrete { options } => options.len() as u64,
            IssueKind::Integer { min, max } => (*max as i128 - *min as i128 + 1).max(0) as u64,
            IssueKind::Real { levels, .. } => *levels as u64,
        }
    }

    /// The value at index `k` (which must be below [`Issue::cardinality`]).
    pub fn value(&self, k: u32) -> Value {
        match &self.kind {
            IssueKind::Discrete { options } => Value::Text(options[k as usize].clone()),
            IssueKind::Integer { min, .. } => Value::Integer(min + k as i64),
            IssueKind::Real { .. } => Value::Real(self.numeric(k)),
        }
    }

    /// The numeric value at index `k` of a numeric issue; the index itself
    /// for a discrete one.
    pub fn numeric(&self, k: u32) -> f64 {
        match &self.kind {
            IssueKind::Discrete { .. } => k as f64,
            IssueKind::Integer { min, .. } => (*min + k as i64) as f64,
            IssueKind::Real { min, max, levels } => {
                if *levels <= 1 {
                    *min
                } else if k as usize + 1 == *levels {
                    *max
                } else {
                    min + (max - min) * k as f64 / (*levels - 1) as f64
                }
            }
        }
    }

    /// The index of `value` on this issue, if it is one of its values.
    pub fn index_of(&self, value: &Value) -> Option<u32> {
        match (&self.kind, value) {
            (IssueKind::Discrete { options }, Value::Text(s)) => {
                options.iter().position(|o| o == s).map(|k| k as u32)
            }
            (IssueKind::Integer { min, max }, Value::Integer(v)) if v >= min && v <= max => {
                Some((v - min) as u32)
            }
            (IssueKind::Integer { min, max }, Value::Real(v))
                if v.fract() == 0.0 && *v >= *min as f64 && *v <= *max as f64 =>
            {
                Some((*v as i64 - min) as u32)
            }
            (IssueKind::Real { levels, .. }, Value::Real(_) | Value::Integer(_)) => {
                let x = match value {
                    Value::Real(x) => *x,
                    Value::Integer(i) => *i as f64,
                    Value::Text(_) => return None,
                };
                self.grid_index(*levels, x)
            }
            (IssueKind::Discrete { options }, Value::Integer(i)) => {
                let s = i.to_string();
                options.iter().position(|o| *o == s).map(|k| k as u32)
            }
            _ => None,
        }
    }

    /// The first grid point of a real issue within [`GRID_TOLERANCE`] of `x`,
    /// found by bisection rather than by trying every point: the grid rises
    /// with the index, so the first point not below `x` by more than the
    /// tolerance is the
    /// only candidate; it and its neighbours (rounding can make neighbouring
    /// points equal) are checked against the tolerance. The same answer as
    /// trying every point in order, in O(log levels).
    fn grid_index(&self, levels: usize, x: f64) -> Option<u32> {
        if !x.is_finite() || levels == 0 || levels as u64 > MAX_ISSUE_VALUES {
            return None;
        }
        let (mut lo, mut hi) = (0u64, levels as u64);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // Compared as the tolerance check computes it (`x − tolerance`
            // can round to `x`).
            if self.numeric(mid as u32) - x < -GRID_TOLERANCE {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo.saturating_sub(1)..(lo + 2).min(levels as u64))
            .find(|&k| (self.numeric(k as u32) - x).abs() <= GRID_TOLERANCE)
            .map(|k| k as u32)
    }

    /// The index of a value written as text (an option name or a number).
    pub fn parse_value(&self, text: &str) -> Option<u32> {
        match &self.kind {
            IssueKind::Discrete { options } => {
                options.iter().position(|o| o == text).map(|k| k as u32)
            }
            IssueKind::Integer { .. } => text
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|v| self.index_of(&Value::Integer(v))),
            IssueKind::Real { .. } => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|v| self.index_of(&Value::Real(v))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn real(min: f64, max: f64, levels: usize) -> Issue {
        Issue {
            name: "x".into(),
            kind: IssueKind::Real { min, max, levels },
            notes: None,
        }
    }

    /// The definition `index_of` must agree with: the first grid point
    /// within the tolerance, trying every point.
    fn scan(issue: &Issue, x: f64) -> Option<u32> {
        (0..issue.cardinality() as u32).find(|&k| (issue.numeric(k) - x).abs() <= GRID_TOLERANCE)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn grid_lookup_equals_the_scan(
            min in -1e6f64..1e6,
            span in prop_oneof![Just(0.0), 1e-12f64..1e-8, 1e-6f64..1e3],
            levels in 1usize..60,
            pick in 0usize..60,
            offset in prop_oneof![
                Just(0.0),
                -2e-9f64..2e-9,
                -1.0f64..1.0,
                Just(f64::NAN),
                Just(f64::INFINITY),
            ],
        ) {
            let issue = real(min, min + span, levels);
            let x = issue.numeric((pick % levels) as u32) + offset;
            prop_assert_eq!(issue.index_of(&Value::Real(x)), scan(&issue, x));
        }
    }

    #[test]
    fn grid_lookup_on_a_huge_grid_is_immediate() {
        // 4,294,967,295 points on [0, 1e9]: the scan visited all of them for
        // a value between two points.
        let issue = real(0.0, 1e9, u32::MAX as usize);
        let started = std::time::Instant::now();
        assert_eq!(issue.index_of(&Value::Real(0.1)), None);
        let k = 1_234_567_890;
        assert_eq!(issue.index_of(&Value::Real(issue.numeric(k))), Some(k));
        assert_eq!(issue.index_of(&Value::Real(1e9)), Some(u32::MAX - 1));
        assert_eq!(issue.index_of(&Value::Integer(-1)), None);
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }
}
