//! The league's scenario generator: bilateral scenarios of named opposition
//! shapes, drawn from a seed, with each side's private reservation value.
//!
//! Rules kept:
//!
//! * the same seed and settings give the same scenarios, byte for byte
//!   (every draw comes from one ChaCha8 stream per scenario, seeded from
//!   the league seed and the scenario's number);
//! * every utility lies in [0, 1], and each side's best outcome is worth 1
//!   to it and its worst 0 (except the multi-issue pies, whose value
//!   tables span [0, 1] issue by issue);
//! * a reservation value is drawn uniformly in [0, u_N − 0.001), where u_N
//!   is the side's utility of the scenario's Nash point (the outcome
//!   maximising the product of both utilities), so that some outcome is
//!   rational for both (ANL's rule); it is written into the side's own
//!   party only, so a negotiator sees its own and never the other's.
//!
//! Shapes ([`Shape`]): `zero-sum` (one issue; u_a + u_b = 1 on every
//! outcome), `monotonic` (one issue; every outcome on the Pareto frontier),
//! `general` (one issue; a frontier of 0.5 %–25 % of the outcomes, at
//! least 3, the
//! others dominated), `pies` (three issues of 9–11 shares each, additive,
//! one side's value rising with its share, the other's falling). The
//! frontier of `monotonic` and `general` is a concave-or-convex curve
//! (one time in four) or a piecewise-linear line of 2–5 segments.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::settings::Settings;
use crate::error::SimError;
use crate::prefs::Prepared;
use crate::runner::derive_seed;

/// Margin kept between a reservation value and the Nash point's utility.
pub const NASH_MARGIN: f64 = 0.001;

/// A scenario's opposition shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// One issue, u_a + u_b = 1: what one side gains the other loses.
    ZeroSum,
    /// One issue, every outcome Pareto-optimal (each side's utility a
    /// monotonic function of the other's).
    Monotonic,
    /// One issue, a small Pareto frontier, every other outcome dominated.
    General,
    /// Three issues ("pies"), each split in 9–11 shares, additive utilities.
    Pies,
}

impl Shape {
    /// The shape's name (as in scenario labels).
    pub fn name(self) -> &'static str {
        match self {
            Shape::ZeroSum => "zero-sum",
            Shape::Monotonic => "monotonic",
            Shape::General => "general",
            Shape::Pies => "pies",
        }
    }
}

/// One generated scenario.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Its label: `<league>-<number>-<shape>`.
    pub label: String,
    /// Its shape.
    pub shape: Shape,
    /// Outcomes.
    pub outcomes: usize,
    /// Deadline in rounds drawn for it.
    pub steps: usize,
    /// Each side's reservation value.
    pub reservations: [f64; 2],
    /// The scenario in the native TOML format.
    pub toml: String,
    /// The scenario, prepared for negotiations.
    pub prepared: Prepared,
}

/// The league's scenarios for `seed`.
pub fn generate(settings: &Settings, seed: u64) -> Result<Vec<Generated>, SimError> {
    (0..settings.scenarios())
        .map(|i| generate_one(settings, seed, i))
        .collect()
}

fn generate_one(settings: &Settings, seed: u64, index: usize) -> Result<Generated, SimError> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, index as u64 + 1));
    let shares = settings.shares();
    let r: f64 = rng.random();
    let shape = if r < shares[0] {
        Shape::ZeroSum
    } else if r < shares[0] + shares[1] {
        Shape::Pies
    } else if r < shares[0] + shares[1] + shares[2] {
        Shape::Monotonic
    } else {
        Shape::General
    };
    let (lo, hi) = settings.outcomes();
    let n = rng.random_range(lo..=hi);
    let (slo, shi) = settings.steps();
    let steps = log_uniform(&mut rng, slo, shi);
    let label = format!("{}-{:03}-{}", settings.league().name(), index, shape.name());
    let (issues, tables, weights) = match shape {
        Shape::ZeroSum => single(zero_sum(n)),
        Shape::Monotonic => single(frontier(&mut rng, n)),
        Shape::General => {
            let fraction = 0.005 + rng.random::<f64>() * (0.25 - 0.005);
            // At least one frontier point inside, so both sides can gain.
            let k = ((fraction * n as f64).round() as usize).clamp(3, n);
            let mut points = frontier(&mut rng, k);
            dominated(&mut rng, &mut points, n - k);
            shuffle(&mut rng, &mut points);
            single(points)
        }
        Shape::Pies => pies(&mut rng),
    };
    let utilities = |side: usize, id: &[usize]| -> f64 {
        id.iter()
            .enumerate()
            .map(|(i, &k)| weights[side][i] * tables[side][i][k])
            .sum()
    };
    // The Nash point over every outcome (utilities from 0).
    let cards: Vec<usize> = issues.iter().map(|i| i.len()).collect();
    let mut nash = (f64::NEG_INFINITY, [0.0, 0.0]);
    let mut id = vec![0usize; cards.len()];
    loop {
        let u = [utilities(0, &id), utilities(1, &id)];
        if u[0] * u[1] > nash.0 {
            nash = (u[0] * u[1], u);
        }
        if !next(&mut id, &cards) {
            break;
        }
    }
    let reservations = [0, 1].map(|s| {
        let top = (nash.1[s] - NASH_MARGIN).max(0.0);
        rng.random::<f64>() * top
    });
    let toml = write_toml(&label, shape, &issues, &tables, &weights, &reservations);
    let scenario = pactum_core::native::from_toml(&format!("{label}.toml"), &toml)
        .map_err(|e| SimError::Invalid(format!("{label}: generated scenario refused: {e}")))?
        .scenario;
    Ok(Generated {
        outcomes: cards.iter().product(),
        prepared: Prepared::new(scenario)?,
        label,
        shape,
        steps,
        reservations,
        toml,
    })
}

/// Issue option names, per-side value tables, per-side issue weights.
type Tables = (Vec<Vec<String>>, [Vec<Vec<f64>>; 2], [Vec<f64>; 2]);

/// One issue whose options are the outcomes, valued by the points.
fn single(points: Vec<(f64, f64)>) -> Tables {
    let names = (0..points.len()).map(|k| format!("o{k}")).collect();
    let a = points.iter().map(|p| p.0).collect();
    let b = points.iter().map(|p| p.1).collect();
    (vec![names], [vec![a], vec![b]], [vec![1.0], vec![1.0]])
}

/// n outcomes with u_a = k/(n−1), u_b = 1 − u_a.
fn zero_sum(n: usize) -> Vec<(f64, f64)> {
    let d = (n - 1).max(1) as f64;
    (0..n)
        .map(|k| {
            let a = k as f64 / d;
            (a, 1.0 - a)
        })
        .collect()
}

/// n points on a decreasing frontier from (0, 1) to (1, 0), in order of
/// rising u_a: a curve (1 − x^p)^(1/p) one time in four, otherwise a
/// piecewise-linear line of 2–5 segments.
fn frontier(rng: &mut ChaCha8Rng, n: usize) -> Vec<(f64, f64)> {
    let mut xs: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
    xs.sort_by(f64::total_cmp);
    if n >= 2 {
        xs[0] = 0.0;
        xs[n - 1] = 1.0;
    }
    let f: Box<dyn Fn(f64) -> f64> = if rng.random::<f64>() < 0.25 {
        // p in [1/3, 3]: convex below 1, concave above.
        let p = 3f64.powf(rng.random::<f64>() * 2.0 - 1.0);
        Box::new(move |x: f64| (1.0 - x.powf(p)).max(0.0).powf(1.0 / p))
    } else {
        let segments = rng.random_range(2..=5usize);
        let mut bx: Vec<f64> = (0..segments - 1).map(|_| rng.random::<f64>()).collect();
        let mut by: Vec<f64> = (0..segments - 1).map(|_| rng.random::<f64>()).collect();
        bx.sort_by(f64::total_cmp);
        by.sort_by(|a, b| b.total_cmp(a));
        let mut px = vec![0.0];
        px.extend(bx);
        px.push(1.0);
        let mut py = vec![1.0];
        py.extend(by);
        py.push(0.0);
        Box::new(move |x: f64| {
            let j = px
                .windows(2)
                .position(|w| x <= w[1])
                .unwrap_or(px.len() - 2);
            let (x0, x1, y0, y1) = (px[j], px[j + 1], py[j], py[j + 1]);
            if x1 > x0 {
                y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            } else {
                y1
            }
        })
    };
    xs.into_iter().map(|x| (x, f(x).clamp(0.0, 1.0))).collect()
}

/// Adds `extra` outcomes each dominated by a frontier point: one or both
/// utilities lowered by a uniform fraction.
fn dominated(rng: &mut ChaCha8Rng, points: &mut Vec<(f64, f64)>, extra: usize) {
    let k = points.len();
    for _ in 0..extra {
        let (a, b) = points[rng.random_range(0..k)];
        let which = rng.random_range(0..3u8);
        let lower = |rng: &mut ChaCha8Rng, u: f64| u * (1.0 - rng.random::<f64>());
        let p = match which {
            0 => (lower(rng, a), b),
            1 => (a, lower(rng, b)),
            _ => {
                let a = lower(rng, a);
                (a, lower(rng, b))
            }
        };
        points.push(p);
    }
}

/// Three issues of 9–11 shares; side a's value rises with its share, side
/// b's falls; weights uniform on the simplex.
fn pies(rng: &mut ChaCha8Rng) -> Tables {
    let mut names = Vec::new();
    let mut tables: [Vec<Vec<f64>>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..3 {
        let m = rng.random_range(9..=11usize);
        names.push((0..m).map(|k| format!("s{k}")).collect());
        for (side, table) in tables.iter_mut().enumerate() {
            let mut v: Vec<f64> = (0..m).map(|_| rng.random::<f64>()).collect();
            v.sort_by(f64::total_cmp);
            let (lo, hi) = (v[0], v[m - 1]);
            let mut v: Vec<f64> = v
                .iter()
                .map(|x| if hi > lo { (x - lo) / (hi - lo) } else { 0.0 })
                .collect();
            if side == 1 {
                v.reverse();
            }
            table.push(v);
        }
    }
    let weights = [0, 1].map(|_| {
        let raw: Vec<f64> = (0..3)
            .map(|_| -rng.random::<f64>().max(1e-12).ln())
            .collect();
        let total: f64 = raw.iter().sum();
        raw.iter().map(|w| w / total).collect::<Vec<f64>>()
    });
    (names, tables, weights)
}

/// Fisher–Yates.
fn shuffle(rng: &mut ChaCha8Rng, v: &mut [(f64, f64)]) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// An integer in [lo, hi], uniform in its logarithm when hi/lo ≥ 10
/// (NegMAS's rule for ranges of rounds), uniform otherwise.
fn log_uniform(rng: &mut ChaCha8Rng, lo: usize, hi: usize) -> usize {
    if lo >= hi {
        return lo;
    }
    if lo > 0 && hi / lo >= 10 {
        let (l0, l1) = ((lo as f64).ln(), (hi as f64).ln());
        let x = (l0 + rng.random::<f64>() * (l1 - l0)).exp().round() as usize;
        x.clamp(lo, hi)
    } else {
        rng.random_range(lo..=hi)
    }
}

/// The next outcome in enumeration order (last issue fastest); false after
/// the last.
fn next(id: &mut [usize], cards: &[usize]) -> bool {
    for i in (0..id.len()).rev() {
        id[i] += 1;
        if id[i] < cards[i] {
            return true;
        }
        id[i] = 0;
    }
    false
}

fn write_toml(
    label: &str,
    shape: Shape,
    issues: &[Vec<String>],
    tables: &[Vec<Vec<f64>>; 2],
    weights: &[Vec<f64>; 2],
    reservations: &[f64; 2],
) -> String {
    use std::fmt::Write as _;
    let issue_name = |i: usize| {
        if issues.len() == 1 {
            "outcome".to_string()
        } else {
            format!("pie{}", i + 1)
        }
    };
    let mut t = String::new();
    let _ = writeln!(t, "name = \"{label}\"");
    let _ = writeln!(
        t,
        "description = \"Generated {} scenario ({} outcomes); reservation values drawn from the seed.\"",
        shape.name(),
        issues.iter().map(|i| i.len()).product::<usize>()
    );
    for (i, options) in issues.iter().enumerate() {
        let _ = writeln!(t, "\n[[issues]]\nname = \"{}\"", issue_name(i));
        let list: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
        let _ = writeln!(t, "options = [{}]", list.join(", "));
    }
    for side in 0..2 {
        let name = ["First", "Second"][side];
        let _ = writeln!(
            t,
            "\n[[parties]]\nname = \"{name}\"\nrole = \"negotiator\"\nreservation = {:?}",
            reservations[side]
        );
        let w: Vec<String> = (0..issues.len())
            .map(|i| format!("{} = {:?}", issue_name(i), weights[side][i]))
            .collect();
        let _ = writeln!(t, "weights = {{ {} }}", w.join(", "));
        for (i, options) in issues.iter().enumerate() {
            let v: Vec<String> = options
                .iter()
                .zip(&tables[side][i])
                .map(|(o, u)| format!("{o} = {u:?}"))
                .collect();
            let _ = writeln!(t, "values.{} = {{ {} }}", issue_name(i), v.join(", "));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::super::settings::League;
    use super::*;

    fn small(league: League) -> Settings {
        league
            .settings()
            .with_scenarios(12)
            .unwrap()
            .with_outcomes(20, 40)
            .unwrap()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_scenarios() {
        let s = small(League::Anl2024);
        let a = generate(&s, 7).unwrap();
        let b = generate(&s, 7).unwrap();
        let c = generate(&s, 8).unwrap();
        let texts = |g: &[Generated]| g.iter().map(|x| x.toml.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&a), texts(&b));
        assert_ne!(texts(&a), texts(&c));
    }

    #[test]
    fn reservations_leave_a_rational_outcome_and_utilities_stay_in_range() {
        let s = small(League::Anl2024).with_scenarios(40).unwrap();
        let all = generate(&s, 3).unwrap();
        for g in &all {
            let p = &g.prepared;
            assert_eq!(p.prefs.len(), 2);
            for (side, prefs) in p.prefs.iter().enumerate() {
                assert_eq!(prefs.reservation, Some(g.reservations[side]));
                assert!(prefs.utils.iter().all(|u| (0.0..=1.0 + 1e-12).contains(u)));
                assert!(g.reservations[side] >= 0.0);
            }
            // Some outcome beats both reservation values.
            let both = (0..p.space.len() as u32).any(|o| {
                p.prefs[0].utility(o) > g.reservations[0]
                    && p.prefs[1].utility(o) > g.reservations[1]
            });
            assert!(both, "{}", g.label);
            assert_eq!(g.outcomes, p.space.len());
            if g.shape != Shape::Pies {
                assert!((20..=40).contains(&g.outcomes), "{}", g.label);
            }
        }
        // Several shapes appear among 40 draws.
        let shapes: std::collections::BTreeSet<&str> = all.iter().map(|g| g.shape.name()).collect();
        assert!(shapes.len() >= 3, "{shapes:?}");
    }

    #[test]
    fn shapes_keep_their_definitions() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let z = zero_sum(11);
        assert!(z.iter().all(|(a, b)| (a + b - 1.0).abs() < 1e-12));
        // A frontier: u_a rising, u_b falling, so nothing dominates anything.
        for _ in 0..20 {
            let f = frontier(&mut rng, 30);
            assert_eq!((f[0].0, f[29].0), (0.0, 1.0));
            assert!(f.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 >= w[1].1));
            let mut g = f.clone();
            dominated(&mut rng, &mut g, 50);
            for p in &g[30..] {
                assert!(f.iter().any(|q| q.0 >= p.0 && q.1 >= p.1));
            }
        }
        let (names, tables, weights) = pies(&mut rng);
        assert_eq!(names.len(), 3);
        for (a, b) in tables[0].iter().zip(&tables[1]) {
            assert!(a.windows(2).all(|w| w[0] <= w[1]));
            assert!(b.windows(2).all(|w| w[0] >= w[1]));
        }
        for w in &weights {
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn log_uniform_stays_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for _ in 0..1000 {
            let x = log_uniform(&mut rng, 10, 10_000);
            assert!((10..=10_000).contains(&x));
        }
        assert_eq!(log_uniform(&mut rng, 5, 5), 5);
    }
}
