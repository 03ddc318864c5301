//! Outcomes found by search, for spaces too large to enumerate (the ANAC
//! 2014 nonlinear domains hold 10^10 and 10^30 outcomes).
//!
//! A [`Landscape`] is one party's utility compiled for fast evaluation, and
//! three searches over it. What is exact and what is heuristic:
//!
//! * **exact**: [`Landscape::utility`] is the model's utility of an outcome,
//!   bit for bit (the same sums in the same order as
//!   [`UtilityFunction::utility`]); every utility this module reports is
//!   that value, never an estimate;
//! * **heuristic**: [`Landscape::best`] (the highest utility found),
//!   [`Landscape::lowest`] (the lowest found), [`Landscape::in_band`] (an
//!   outcome whose utility lies in a band) and [`Landscape::levels`] (one
//!   outcome per utility level, from the best found down to the lowest
//!   found). They are seeded local searches — steepest-ascent hill climbing
//!   over single issue-value changes, with random moves across plateaus
//!   and restarts from the centres of the utility's hyper-rectangles — so
//!   they may miss the true optimum or a band that holds outcomes. A
//!   search that fails says so (`None`), it never returns an outcome
//!   outside the band asked for.
//!
//! Rules kept here: the same seed gives the same outcomes (a ChaCha8
//! generator, no clock, no threads); the work is bounded (a fixed number of
//! starts, steps and plateau moves per search, whatever the space's size);
//! red lines are not searched around (a caller filters what crosses them);
//! an issue with more values than [`MAX_VALUES`] is refused with a typed
//! [`SearchError`] before anything of its size is allocated.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Scenario, UtilityFunction};

/// Most values an issue may have for a search (each search step looks at
/// every value of every issue).
pub const MAX_VALUES: u64 = 100_000;

/// Plateau moves a search makes without improving before it gives up.
const PLATEAU_MOVES: usize = 64;

/// Starts a band search takes from the centres of boxes, at most.
pub const MAX_STARTS: usize = 16;

/// Starts from boxes of each band searched by [`Landscape::levels`].
pub const LEVEL_STARTS: usize = 2;

/// Improving steps a search makes at most from one start.
const MAX_STEPS: usize = 400;

/// Why a party's utility cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The party has no preferences.
    #[error("party #{party} has no preferences to search")]
    NoPreferences {
        /// The party (0-based).
        party: usize,
    },
    /// An issue with too many values for a search step.
    #[error(
        "issue `{issue}` has {values} values; a search handles at most {limit} values per issue"
    )]
    IssueTooLarge {
        /// The issue's name.
        issue: String,
        /// Its number of values.
        values: u64,
        /// [`MAX_VALUES`].
        limit: u64,
    },
}

/// An outcome and its (exact) utility.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The value index of each issue.
    pub outcome: Vec<u32>,
    /// Its utility for the landscape's party.
    pub utility: f64,
}

/// A hyper-rectangle with its bounds as allowed value indices.
#[derive(Debug, Clone)]
struct Box_ {
    /// `(issue, allowed[k])` for each bounded issue.
    bounds: Vec<(usize, Vec<bool>)>,
    utility: f64,
    /// The middle allowed value of each bounded issue (none allowed: no
    /// centre).
    centre: Option<Vec<(usize, u32)>>,
}

#[derive(Debug, Clone)]
enum Kind {
    /// `table[i][k]`: weight × value of value k of issue i.
    Additive(Vec<Vec<f64>>),
    /// The boxes and the normaliser.
    Rectangles(Vec<Box_>, f64),
}

/// One party's utility, compiled for search.
#[derive(Debug, Clone)]
pub struct Landscape {
    cards: Vec<u32>,
    kind: Kind,
}

impl Landscape {
    /// Compiles the utility of party `party` of `scenario`.
    pub fn new(scenario: &Scenario, party: usize) -> Result<Self, SearchError> {
        let prefs = scenario
            .parties()
            .get(party)
            .and_then(|p| p.preferences.as_ref())
            .ok_or(SearchError::NoPreferences { party })?;
        let issues = scenario.issues();
        for issue in issues {
            if issue.cardinality() > MAX_VALUES {
                return Err(SearchError::IssueTooLarge {
                    issue: issue.name.clone(),
                    values: issue.cardinality(),
                    limit: MAX_VALUES,
                });
            }
        }
        let cards: Vec<u32> = issues.iter().map(|i| i.cardinality() as u32).collect();
        let kind = match &prefs.utility {
            UtilityFunction::Additive(a) => Kind::Additive(
                issues
                    .iter()
                    .enumerate()
                    .map(|(i, issue)| {
                        (0..cards[i])
                            .map(|k| a.weights[i] * a.values[i].eval(issue, k))
                            .collect()
                    })
                    .collect(),
            ),
            UtilityFunction::HyperRectangles(h) => Kind::Rectangles(
                h.rectangles
                    .iter()
                    .map(|r| {
                        let bounds: Vec<(usize, Vec<bool>)> = r
                            .bounds
                            .iter()
                            .map(|&(i, lo, hi)| {
                                let allowed = (0..cards[i])
                                    .map(|k| {
                                        let x = issues[i].numeric(k);
                                        x >= lo && x <= hi
                                    })
                                    .collect();
                                (i, allowed)
                            })
                            .collect();
                        let centre = bounds
                            .iter()
                            .map(|(i, allowed)| {
                                let ks: Vec<u32> = (0..allowed.len() as u32)
                                    .filter(|&k| allowed[k as usize])
                                    .collect();
                                ks.get(ks.len() / 2).map(|&k| (*i, k))
                            })
                            .collect();
                        Box_ {
                            bounds,
                            utility: r.utility,
                            centre,
                        }
                    })
                    .collect(),
                h.normalizer,
            ),
        };
        Ok(Landscape { cards, kind })
    }

    /// Number of values of each issue.
    pub fn cards(&self) -> &[u32] {
        &self.cards
    }

    /// The party's utility of `outcome` (one value index per issue, each in
    /// range): exactly the model's.
    pub fn utility(&self, outcome: &[u32]) -> f64 {
        match &self.kind {
            Kind::Additive(table) => {
                let mut u = 0.0;
                for (i, &k) in outcome.iter().enumerate() {
                    u += table[i][k as usize];
                }
                u
            }
            Kind::Rectangles(boxes, normalizer) => {
                let mut sum = 0.0;
                for b in boxes {
                    if b.bounds.iter().all(|(i, a)| a[outcome[*i] as usize]) {
                        sum += b.utility;
                    }
                }
                (sum / normalizer).min(1.0)
            }
        }
    }

    /// Bounds on the utility: no outcome is above the first or below the
    /// second (each issue's best and worst contribution summed; every box
    /// adding or taking utility counted).
    fn bounds(&self) -> (f64, f64) {
        match &self.kind {
            Kind::Additive(table) => {
                let (mut hi, mut lo) = (0.0, 0.0);
                for col in table {
                    hi += col.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    lo += col.iter().cloned().fold(f64::INFINITY, f64::min);
                }
                (hi, lo)
            }
            Kind::Rectangles(boxes, normalizer) => {
                let plus: f64 = boxes.iter().map(|b| b.utility.max(0.0)).sum();
                let minus: f64 = boxes.iter().map(|b| b.utility.min(0.0)).sum();
                ((plus / normalizer).min(1.0), (minus / normalizer).min(1.0))
            }
        }
    }

    /// Where searches start: the centre of every box adding utility (when
    /// `rising`; taking it otherwise; its bounded issues at their middle
    /// allowed value, the others drawn), or, for an additive utility, each
    /// issue at its best (worst) value; then one outcome drawn uniformly.
    fn starts(&self, rng: &mut ChaCha8Rng, rising: bool) -> Vec<Vec<u32>> {
        let mut starts = Vec::new();
        match &self.kind {
            Kind::Additive(table) => {
                let pick = |col: &Vec<f64>| {
                    let mut best = 0;
                    for (k, v) in col.iter().enumerate() {
                        let better = if rising {
                            *v > col[best]
                        } else {
                            *v < col[best]
                        };
                        if better {
                            best = k;
                        }
                    }
                    best as u32
                };
                starts.push(table.iter().map(pick).collect());
            }
            Kind::Rectangles(boxes, _) => {
                for b in boxes {
                    if (b.utility > 0.0) != rising {
                        continue;
                    }
                    if let Some(centre) = &b.centre {
                        let mut o = self.draw(rng);
                        for &(i, k) in centre {
                            o[i] = k;
                        }
                        starts.push(o);
                    }
                }
            }
        }
        starts.push(self.draw(rng));
        starts
    }

    /// An outcome drawn uniformly, issue by issue.
    fn draw(&self, rng: &mut ChaCha8Rng) -> Vec<u32> {
        self.cards.iter().map(|&c| rng.random_range(0..c)).collect()
    }

    /// Local search from `start` minimising `cost` (≥ 0; 0 stops the
    /// search): steepest descent over single value changes, ties among the
    /// best neighbours broken at random, random equal-cost moves across
    /// plateaus (at most [`PLATEAU_MOVES`] in a row).
    fn descend(
        &self,
        start: Vec<u32>,
        rng: &mut ChaCha8Rng,
        cost: impl Fn(f64) -> f64,
    ) -> (Vec<u32>, f64) {
        let mut x = start;
        let mut u = self.utility(&x);
        let mut c = cost(u);
        let mut plateau = 0;
        let mut ties: Vec<(usize, u32, f64)> = Vec::new();
        let mut level: Vec<(usize, u32, f64)> = Vec::new();
        for _ in 0..MAX_STEPS + PLATEAU_MOVES {
            if c <= 0.0 {
                break;
            }
            let mut best_c = c;
            ties.clear();
            level.clear();
            for i in 0..x.len() {
                let old = x[i];
                for k in 0..self.cards[i] {
                    if k == old {
                        continue;
                    }
                    x[i] = k;
                    let v = self.utility(&x);
                    let cv = cost(v);
                    if cv < best_c {
                        best_c = cv;
                        ties.clear();
                        ties.push((i, k, v));
                    } else if cv == best_c && cv < c {
                        ties.push((i, k, v));
                    } else if cv == c {
                        level.push((i, k, v));
                    }
                }
                x[i] = old;
            }
            if !ties.is_empty() {
                let (i, k, v) = ties[rng.random_range(0..ties.len())];
                x[i] = k;
                u = v;
                c = best_c;
                plateau = 0;
            } else if plateau < PLATEAU_MOVES && !level.is_empty() {
                let (i, k, v) = level[rng.random_range(0..level.len())];
                x[i] = k;
                u = v;
                plateau += 1;
            } else {
                break;
            }
        }
        (x, u)
    }

    /// The highest utility found (heuristic): a climb from every start,
    /// the best kept (the first found among equals).
    pub fn best(&self, seed: u64) -> Found {
        self.extreme(seed, true)
    }

    /// The lowest utility found (heuristic), as [`best`](Self::best).
    pub fn lowest(&self, seed: u64) -> Found {
        self.extreme(seed, false)
    }

    fn extreme(&self, seed: u64, rising: bool) -> Found {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (top, bottom) = self.bounds();
        let mut found: Option<Found> = None;
        for start in self.starts(&mut rng, rising) {
            let (x, u) = self.descend(start, &mut rng, |u| {
                if rising {
                    (top - u).max(0.0)
                } else {
                    (u - bottom).max(0.0)
                }
            });
            let better = match &found {
                None => true,
                Some(f) => {
                    if rising {
                        u > f.utility
                    } else {
                        u < f.utility
                    }
                }
            };
            if better {
                found = Some(Found {
                    outcome: x,
                    utility: u,
                });
            }
        }
        found.expect("a search has at least one start")
    }

    /// An outcome whose utility lies in `[low, high]` (heuristic), searched
    /// from `from`, then from the centres of the boxes (at most
    /// [`MAX_STARTS`] of them, drawn), then from an outcome drawn
    /// uniformly; `None` when the search finds none.
    pub fn in_band(&self, low: f64, high: f64, from: &[u32], seed: u64) -> Option<Found> {
        self.in_band_from(low, high, from, seed, MAX_STARTS)
    }

    /// [`in_band`](Self::in_band) with at most `boxes` starts from boxes.
    fn in_band_from(
        &self,
        low: f64,
        high: f64,
        from: &[u32],
        seed: u64,
        boxes_tried: usize,
    ) -> Option<Found> {
        if low.is_nan() || high.is_nan() || low > high || from.len() != self.cards.len() {
            return None;
        }
        if from.iter().zip(&self.cards).any(|(k, c)| k >= c) {
            return None;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let cost = |u: f64| (low - u).max(0.0) + (u - high).max(0.0);
        let mut starts = vec![from.to_vec()];
        if let Kind::Rectangles(boxes, _) = &self.kind {
            let mut order: Vec<usize> = (0..boxes.len()).collect();
            for k in (1..order.len()).rev() {
                order.swap(k, rng.random_range(0..=k));
            }
            for &b in order.iter().take(boxes_tried) {
                if let Some(centre) = &boxes[b].centre {
                    let mut o = self.draw(&mut rng);
                    for &(i, k) in centre {
                        o[i] = k;
                    }
                    starts.push(o);
                }
            }
        }
        starts.push(self.draw(&mut rng));
        for start in starts {
            if let Some(f) = self.try_band(start, &mut rng, cost) {
                return Some(f);
            }
        }
        None
    }

    /// One band search from `start`.
    fn try_band(
        &self,
        start: Vec<u32>,
        rng: &mut ChaCha8Rng,
        cost: impl Fn(f64) -> f64,
    ) -> Option<Found> {
        let (x, u) = self.descend(start, rng, &cost);
        (cost(u) <= 0.0).then_some(Found {
            outcome: x,
            utility: u,
        })
    }

    /// About `count` outcomes spread over the utilities found, best first:
    /// the best found, then for each of `count` equal bands between the
    /// best and the lowest found an outcome in the band if the search finds
    /// one, each band searched from the outcome found for the band above.
    /// Outcomes are distinct; utilities descend. Each band is searched
    /// from at most [`LEVEL_STARTS`] boxes besides the outcome above.
    pub fn levels(&self, seed: u64, count: usize) -> Vec<Found> {
        let best = self.best(seed);
        let low = self.lowest(seed ^ 0x9e37_79b9_7f4a_7c15);
        let mut out = vec![best.clone()];
        if count == 0 || low.utility >= best.utility {
            return out;
        }
        let step = (best.utility - low.utility) / count as f64;
        let mut from = best.outcome.clone();
        for k in 1..=count {
            let high = best.utility - (k - 1) as f64 * step;
            let lo = if k == count {
                low.utility
            } else {
                best.utility - k as f64 * step
            };
            let sub = seed
                .wrapping_add(k as u64)
                .wrapping_mul(0x2545_f491_4f6c_dd1d);
            if let Some(f) = self.in_band_from(lo, high, &from, sub, LEVEL_STARTS) {
                from = f.outcome.clone();
                let last = out.last().expect("starts with the best");
                if f.outcome != last.outcome && f.utility <= last.utility {
                    out.push(f);
                }
            }
        }
        if out.last().is_some_and(|f| f.utility > low.utility) {
            out.push(low);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::load;
    use crate::model::{HyperRectangle, HyperRectangleUtility, Issue, IssueKind, Party, Role};
    use crate::model::{Preferences, ScenarioParts};

    fn rectangles(cards: &[u32], boxes: Vec<HyperRectangle>) -> Scenario {
        let issues: Vec<Issue> = cards
            .iter()
            .enumerate()
            .map(|(i, &c)| Issue {
                name: format!("i{i}"),
                kind: IssueKind::Integer {
                    min: 0,
                    max: i64::from(c) - 1,
                },
                notes: None,
            })
            .collect();
        let party = |name: &str| Party {
            name: name.into(),
            role: Role::Negotiator,
            representative: None,
            notes: None,
            preferences: Some(Preferences {
                utility: UtilityFunction::HyperRectangles(HyperRectangleUtility {
                    rectangles: boxes.clone(),
                    normalizer: 10.0,
                }),
                reservation_value: None,
                discount_factor: None,
                red_lines: Vec::new(),
            }),
        };
        Scenario::new(ScenarioParts {
            name: "boxes".into(),
            issues,
            description: None,
            notes: None,
            parties: vec![party("A"), party("B")],
        })
        .unwrap()
    }

    fn boxes() -> Vec<HyperRectangle> {
        vec![
            HyperRectangle {
                bounds: vec![(0, 2.0, 4.0), (1, 1.0, 1.0)],
                utility: 4.0,
            },
            HyperRectangle {
                bounds: vec![(1, 0.0, 2.0), (2, 3.0, 5.0)],
                utility: 3.0,
            },
            HyperRectangle {
                bounds: vec![(2, 0.0, 0.0)],
                utility: 2.0,
            },
            HyperRectangle {
                bounds: vec![(0, 5.0, 5.0)],
                utility: -1.0,
            },
        ]
    }

    fn every(cards: &[u32]) -> Vec<Vec<u32>> {
        let mut all = vec![Vec::new()];
        for &c in cards {
            all = all
                .into_iter()
                .flat_map(|o| {
                    (0..c).map(move |k| {
                        let mut o = o.clone();
                        o.push(k);
                        o
                    })
                })
                .collect();
        }
        all
    }

    #[test]
    fn utility_is_the_models_bit_for_bit() {
        let cards = [6, 4, 6];
        let s = rectangles(&cards, boxes());
        let l = Landscape::new(&s, 0).unwrap();
        let f = &s.parties()[0].preferences.as_ref().unwrap().utility;
        for o in every(&cards) {
            assert_eq!(l.utility(&o).to_bits(), f.utility(s.issues(), &o).to_bits());
        }
    }

    #[test]
    fn best_and_lowest_match_brute_force_on_a_small_space() {
        let cards = [6, 4, 6];
        let s = rectangles(&cards, boxes());
        let l = Landscape::new(&s, 0).unwrap();
        let all: Vec<f64> = every(&cards).iter().map(|o| l.utility(o)).collect();
        let max = all.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let min = all.iter().cloned().fold(f64::INFINITY, f64::min);
        for seed in 0..5 {
            assert_eq!(l.best(seed).utility, max);
            assert_eq!(l.lowest(seed).utility, min);
        }
    }

    #[test]
    fn levels_descend_are_distinct_and_exact() {
        let cards = [6, 4, 6];
        let s = rectangles(&cards, boxes());
        let l = Landscape::new(&s, 0).unwrap();
        let levels = l.levels(7, 10);
        assert!(levels.len() >= 3, "{levels:?}");
        for w in levels.windows(2) {
            assert!(w[0].utility >= w[1].utility);
            assert_ne!(w[0].outcome, w[1].outcome);
        }
        for f in &levels {
            assert_eq!(f.utility, l.utility(&f.outcome));
        }
        assert_eq!(levels, l.levels(7, 10));
    }

    proptest::proptest! {
        /// A band search returns an outcome in the band or nothing; on a
        /// small space it finds one whenever brute force does.
        #[test]
        fn in_band_is_in_the_band(low in -0.2f64..0.9, width in 0.0f64..0.4, seed in 0u64..1000) {
            let cards = [6, 4, 6];
            let s = rectangles(&cards, boxes());
            let l = Landscape::new(&s, 0).unwrap();
            let high = low + width;
            let exists = every(&cards).iter().any(|o| {
                let u = l.utility(o);
                u >= low && u <= high
            });
            match l.in_band(low, high, &[0, 0, 0], seed) {
                Some(f) => {
                    proptest::prop_assert!(f.utility >= low && f.utility <= high);
                    proptest::prop_assert_eq!(f.utility, l.utility(&f.outcome));
                }
                None => proptest::prop_assert!(!exists, "missed a band that holds outcomes"),
            }
        }
    }

    #[test]
    fn an_additive_utility_is_searched_exactly_too() {
        let loaded = load(
            std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../examples/istanbul-2025.toml"
            )),
            None,
        )
        .unwrap();
        let s = loaded.scenario;
        let f = &s.parties()[0].preferences.as_ref().unwrap().utility;
        let l = Landscape::new(&s, 0).unwrap();
        let cards: Vec<u32> = l.cards().to_vec();
        let mut max = f64::NEG_INFINITY;
        for o in every(&cards) {
            let u = f.utility(s.issues(), &o);
            assert_eq!(l.utility(&o).to_bits(), u.to_bits());
            max = max.max(u);
        }
        assert_eq!(l.best(1).utility, max);
    }

    #[test]
    fn bad_input_is_refused_not_panicked_on() {
        let s = rectangles(&[3, 3], Vec::new());
        let l = Landscape::new(&s, 0).unwrap();
        assert_eq!(l.in_band(0.5, 0.1, &[0, 0], 1), None);
        assert_eq!(l.in_band(0.0, 1.0, &[0], 1), None);
        assert_eq!(l.in_band(0.0, 1.0, &[0, 7], 1), None);
        assert_eq!(l.in_band(f64::NAN, 1.0, &[0, 0], 1), None);
        assert!(matches!(
            Landscape::new(&s, 9),
            Err(SearchError::NoPreferences { party: 9 })
        ));
    }
}
