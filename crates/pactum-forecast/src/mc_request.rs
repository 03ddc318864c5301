//! A caller's request for a Monte Carlo run — draws, seed and spreads —
//! checked and combined with the input's own uncertainty into the
//! [`McOptions`] of the run.
//!
//! Rules: a run has at least one draw and at most
//! [`MAX_DRAWS`](crate::montecarlo::MAX_DRAWS); every spread asked for is a
//! finite number of at least 0, checked in the order capability, position,
//! salience; the spreads start from the defaults of [`McOptions`], then the
//! input's `uncertainty`, then the request's spreads, each later one
//! replacing the earlier where it is given. Actors' own ranges are applied
//! later, per case ([`crate::uncertainty::Ranges::mc_options`]).

use crate::error::{ForecastError, Result};
use crate::montecarlo::{MAX_DRAWS, McOptions};
use crate::uncertainty::Uncertainty;

/// What a caller asks of a Monte Carlo run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct McRequest {
    /// Number of perturbed runs.
    pub draws: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Spreads for actors without a range, overriding the input's.
    pub spreads: Uncertainty,
}

impl McRequest {
    /// The run's options: the request checked, and its spreads laid over
    /// `input`'s (the input's `uncertainty`) and the defaults.
    pub fn options(&self, input: &Uncertainty) -> Result<McOptions> {
        if self.draws == 0 {
            return Err(ForecastError::NoDraws);
        }
        if self.draws > MAX_DRAWS {
            return Err(ForecastError::TooManyDraws {
                draws: self.draws,
                limit: MAX_DRAWS,
            });
        }
        let s = &self.spreads;
        for (input, value) in [
            ("capability", s.capability),
            ("position", s.position),
            ("salience", s.salience),
        ] {
            if let Some(value) = value
                && (!value.is_finite() || value < 0.0)
            {
                return Err(ForecastError::BadSpread { input, value });
            }
        }
        let mut options = McOptions {
            draws: self.draws,
            seed: self.seed,
            ..McOptions::default()
        };
        input.apply(&mut options);
        self.spreads.apply(&mut options);
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::Spread;

    fn request(draws: usize, spreads: Uncertainty) -> McRequest {
        McRequest {
            draws,
            seed: 7,
            spreads,
        }
    }

    #[test]
    fn the_request_overrides_the_input_which_overrides_the_defaults() {
        let input = Uncertainty {
            capability: Some(0.3),
            position: Some(4.0),
            salience: None,
        };
        let asked = Uncertainty {
            position: Some(2.0),
            ..Uncertainty::default()
        };
        let o = request(50, asked).options(&input).unwrap();
        assert_eq!((o.draws, o.seed), (50, 7));
        assert_eq!(o.capability, Spread::Relative(0.3));
        assert_eq!(o.position, Spread::Absolute(2.0));
        assert_eq!(o.salience, McOptions::default().salience);
        let plain = request(1, Uncertainty::default())
            .options(&Uncertainty::default())
            .unwrap();
        assert_eq!(
            plain,
            McOptions {
                draws: 1,
                seed: 7,
                ..McOptions::default()
            }
        );
    }

    #[test]
    fn draws_must_be_between_one_and_the_limit() {
        let none = Uncertainty::default();
        assert!(matches!(
            request(0, none).options(&none),
            Err(ForecastError::NoDraws)
        ));
        assert!(matches!(
            request(MAX_DRAWS + 1, none).options(&none),
            Err(ForecastError::TooManyDraws { draws, limit: MAX_DRAWS }) if draws == MAX_DRAWS + 1
        ));
        assert!(request(MAX_DRAWS, none).options(&none).is_ok());
    }

    #[test]
    fn a_negative_or_non_finite_spread_is_refused_naming_its_input() {
        let none = Uncertainty::default();
        for (spreads, name) in [
            (
                Uncertainty {
                    capability: Some(-0.5),
                    position: Some(-1.0),
                    salience: None,
                },
                "capability",
            ),
            (
                Uncertainty {
                    position: Some(f64::NAN),
                    ..none
                },
                "position",
            ),
            (
                Uncertainty {
                    salience: Some(f64::INFINITY),
                    ..none
                },
                "salience",
            ),
        ] {
            match request(5, spreads).options(&none) {
                Err(ForecastError::BadSpread { input, .. }) => assert_eq!(input, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        let zero = Uncertainty {
            capability: Some(0.0),
            ..none
        };
        assert_eq!(
            request(5, zero).options(&none).unwrap().capability,
            Spread::Relative(0.0)
        );
    }
}
