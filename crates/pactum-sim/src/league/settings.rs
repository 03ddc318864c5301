//! A league's settings: which league ([`League`]) and the numbers it fixes
//! ([`Settings`]). Rules: the defaults are the league's own (ANL 2024's
//! `anl2024_tournament`: 50 scenarios of 900–1100 outcomes, deadlines of
//! 10–10 000 rounds, 5 repetitions, self-play, the 2024 mix of shapes);
//! a caller may change them, through checked setters only (at most
//! [`MAX_SCENARIOS`] scenarios of at most 100 000 outcomes), so a
//! [`Settings`] always describes a league that can be played.

use serde::Serialize;

use crate::error::SimError;

/// The most scenarios a league generates (they are all held before play).
pub const MAX_SCENARIOS: usize = 10_000;

/// A league whose rules Pactum follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum League {
    /// ANL 2024: scored by advantage.
    Anl2024,
    /// ANL 2026: ANL 2024's setting, scored by advantage and concealment.
    Anl2026,
}

impl League {
    /// Its name (`anl2024`, `anl2026`).
    pub fn name(self) -> &'static str {
        match self {
            League::Anl2024 => "anl2024",
            League::Anl2026 => "anl2026",
        }
    }

    /// The league of a name.
    pub fn parse(name: &str) -> Result<Self, SimError> {
        match name {
            "anl2024" => Ok(League::Anl2024),
            "anl2026" => Ok(League::Anl2026),
            _ => Err(SimError::Invalid(format!(
                "unknown league {name:?}; leagues: anl2024, anl2026"
            ))),
        }
    }

    /// Whether its score rewards concealment.
    pub fn scores_concealment(self) -> bool {
        self == League::Anl2026
    }

    /// Its default settings.
    pub fn settings(self) -> Settings {
        Settings {
            league: self,
            scenarios: 50,
            outcomes: (900, 1100),
            steps: (10, 10_000),
            reps: 5,
            self_play: true,
            shares: [0.05, 0.20, 0.05],
        }
    }
}

/// A league's numbers. Fields are read through methods and changed through
/// checked setters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    league: League,
    scenarios: usize,
    outcomes: (usize, usize),
    steps: (usize, usize),
    reps: usize,
    self_play: bool,
    /// Shares of zero-sum, pies and monotonic scenarios (the rest general).
    shares: [f64; 3],
}

impl Settings {
    /// The league.
    pub fn league(&self) -> League {
        self.league
    }
    /// Scenarios generated.
    pub fn scenarios(&self) -> usize {
        self.scenarios
    }
    /// Outcomes of a one-issue scenario: drawn uniformly in this range.
    pub fn outcomes(&self) -> (usize, usize) {
        self.outcomes
    }
    /// Deadline in rounds: drawn per scenario in this range (uniform in
    /// the logarithm when the range spans a factor of 10 or more).
    pub fn steps(&self) -> (usize, usize) {
        self.steps
    }
    /// Repetitions of each pairing.
    pub fn reps(&self) -> usize {
        self.reps
    }
    /// Whether a strategy also meets itself.
    pub fn self_play(&self) -> bool {
        self.self_play
    }
    /// Shares of zero-sum, pies and monotonic scenarios; the rest are
    /// general.
    pub fn shares(&self) -> [f64; 3] {
        self.shares
    }

    /// With `n` scenarios (1 to [`MAX_SCENARIOS`]: they are generated and
    /// held before play starts).
    pub fn with_scenarios(mut self, n: usize) -> Result<Self, SimError> {
        if n == 0 {
            return Err(SimError::Invalid(
                "a league needs at least one scenario".into(),
            ));
        }
        if n > MAX_SCENARIOS {
            return Err(SimError::Invalid(format!(
                "{n} scenarios: a league generates at most {MAX_SCENARIOS}"
            )));
        }
        self.scenarios = n;
        Ok(self)
    }

    /// With one-issue scenarios of `lo`–`hi` outcomes (3 ≤ lo ≤ hi ≤ 100 000).
    pub fn with_outcomes(mut self, lo: usize, hi: usize) -> Result<Self, SimError> {
        if lo < 3 || lo > hi || hi > 100_000 {
            return Err(SimError::Invalid(format!(
                "outcomes {lo}–{hi}: give 3 ≤ low ≤ high ≤ 100000"
            )));
        }
        self.outcomes = (lo, hi);
        Ok(self)
    }

    /// With deadlines of `lo`–`hi` rounds (1 ≤ lo ≤ hi).
    pub fn with_steps(mut self, lo: usize, hi: usize) -> Result<Self, SimError> {
        if lo == 0 || lo > hi {
            return Err(SimError::Invalid(format!(
                "rounds {lo}–{hi}: give 1 ≤ low ≤ high"
            )));
        }
        self.steps = (lo, hi);
        Ok(self)
    }

    /// With `n` repetitions (at least 1).
    pub fn with_reps(mut self, n: usize) -> Result<Self, SimError> {
        if n == 0 {
            return Err(SimError::NoRepetitions);
        }
        self.reps = n;
        Ok(self)
    }

    /// With or without self-play.
    pub fn with_self_play(mut self, self_play: bool) -> Self {
        self.self_play = self_play;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_checks() {
        for l in [League::Anl2024, League::Anl2026] {
            assert_eq!(League::parse(l.name()).unwrap(), l);
        }
        assert!(League::parse("anl2025").is_err());
        let s = League::Anl2024.settings();
        assert!(s.clone().with_scenarios(0).is_err());
        assert!(s.clone().with_scenarios(MAX_SCENARIOS + 1).is_err());
        assert_eq!(
            s.clone().with_scenarios(MAX_SCENARIOS).unwrap().scenarios(),
            MAX_SCENARIOS
        );
        assert!(s.clone().with_outcomes(2, 5).is_err());
        assert!(s.clone().with_outcomes(6, 5).is_err());
        assert!(s.clone().with_steps(0, 5).is_err());
        assert!(s.clone().with_reps(0).is_err());
        assert_eq!(s.with_outcomes(3, 3).unwrap().outcomes(), (3, 3));
    }
}
