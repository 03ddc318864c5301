//! The exact frontier of the ANAC 2014 nonlinear domains
//! (`../shared/scenarios/genius/anac/y2014`, integer issues, hyper-rectangle
//! utilities, 10^10 and 10^30 outcomes) against GENIUS's `pareto.xml`:
//! every GENIUS point meeting the reservation values is weakly dominated
//! by a point of Pactum's frontier, and every frontier point's outcome,
//! evaluated afresh from the profile XML (read here, not by the GENIUS
//! reader), gives the utilities reported. Skips with a message when the
//! shared folder is absent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pactum_core::analysis::{AnalysisOptions, analyze};
use pactum_core::io::load;
use rand::{RngExt, SeedableRng};

const DOMAINS: [&str; 8] = [
    "10issues",
    "10issuesDiscounted",
    "10issuesDiscountedwithRV",
    "10issueswithRV",
    "30issues",
    "30issuesDiscounted",
    "30issuesDiscountedwithRV",
    "30issueswithRV",
];

fn root() -> Option<PathBuf> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios/genius/anac/y2014");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipped: {} is absent", root.display());
        None
    }
}

/// The value of attribute `name` in the tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// A rectangle's bounds: issue name, lowest and highest value.
type Bounds = Vec<(String, i64, i64)>;

/// A profile read straight from its XML: the rectangles (utility, bounds)
/// and `maxutility`.
struct Profile {
    rectangles: Vec<(f64, Bounds)>,
    max_utility: f64,
}

fn read_profile(path: &Path) -> Profile {
    let text = std::fs::read_to_string(path).unwrap();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut rectangles = Vec::new();
    let mut max_utility = None;
    for tag in text.split('<').map(|t| t.split('>').next().unwrap_or("")) {
        if tag.starts_with("issue ") {
            names.insert(
                attr(tag, "index").unwrap().to_string(),
                attr(tag, "name").unwrap().to_string(),
            );
        } else if tag.starts_with("utility ") {
            max_utility = attr(tag, "maxutility").map(|m| m.parse::<f64>().unwrap());
        } else if tag.starts_with("hyperRectangle") {
            let u: f64 = attr(tag, "utility").unwrap().parse().unwrap();
            rectangles.push((u, Vec::new()));
        } else if tag.starts_with("INCLUDES ") {
            let name = names[attr(tag, "index").unwrap()].clone();
            let lo = attr(tag, "min").unwrap().parse().unwrap();
            let hi = attr(tag, "max").unwrap().parse().unwrap();
            rectangles.last_mut().unwrap().1.push((name, lo, hi));
        } else {
            assert!(!tag.starts_with("EXCLUDES"), "{}", path.display());
        }
    }
    Profile {
        rectangles,
        max_utility: max_utility.unwrap(),
    }
}

impl Profile {
    fn utility(&self, outcome: &HashMap<String, i64>) -> f64 {
        let sum: f64 = self
            .rectangles
            .iter()
            .filter(|(_, bounds)| {
                bounds
                    .iter()
                    .all(|(name, lo, hi)| (*lo..=*hi).contains(&outcome[name]))
            })
            .map(|(u, _)| u)
            .sum();
        (sum / self.max_utility).min(1.0)
    }
}

#[test]
fn the_exact_frontier_dominates_geniuss_and_its_outcomes_evaluate_from_the_xml() {
    let Some(root) = root() else { return };
    for domain in DOMAINS {
        let folder = root.join(domain);
        let loaded = load(&folder, None).unwrap();
        let s = &loaded.scenario;
        let started = std::time::Instant::now();
        let a = analyze(s, &AnalysisOptions::default()).unwrap();
        let took = started.elapsed();
        assert_eq!(a.method, "hyper-rectangle search", "{domain}");
        let search = a.frontier_search.as_ref().unwrap();
        assert!(search.exact, "{domain}: {search:?}");
        assert_eq!(search.gap, 0.0, "{domain}");
        // The outcomes tied at each point are counted on the 10-issue
        // domains; on the 30-issue ones the count runs out of nodes, which
        // is the one warning.
        let ten = domain.starts_with("10");
        assert_eq!(search.ties_counted, ten, "{domain}");
        if ten {
            assert!(a.warnings.is_empty(), "{domain}: {:?}", a.warnings);
            assert!(a.frontier.iter().all(|p| p.outcome_count >= 1));
        } else {
            assert_eq!(a.warnings.len(), 1, "{domain}: {:?}", a.warnings);
            assert!(a.warnings[0].contains("counts only the outcome it carries"));
            assert!(a.frontier.iter().all(|p| p.outcome_count == 1));
        }
        // Every frontier point's outcome, evaluated from the XML.
        let profiles: Vec<Profile> = ["profile-1.xml", "profile-2.xml"]
            .iter()
            .map(|f| read_profile(&folder.join(f)))
            .collect();
        let reservations: Vec<f64> = a
            .parties
            .iter()
            .map(|p| p.reservation_value.unwrap_or(f64::NEG_INFINITY))
            .collect();
        for e in &a.frontier {
            let outcome: HashMap<String, i64> = e
                .outcome
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string().parse().unwrap()))
                .collect();
            assert_eq!(outcome.len(), s.issues().len());
            let u: Vec<f64> = profiles.iter().map(|p| p.utility(&outcome)).collect();
            assert_eq!(u, e.utilities, "{domain}: {outcome:?}");
            assert!(u.iter().zip(&reservations).all(|(u, r)| u >= r), "{domain}");
        }
        // No frontier point dominates another.
        for p in &a.frontier {
            assert!(
                !a.frontier.iter().any(|q| q.utilities != p.utilities
                    && q.utilities.iter().zip(&p.utilities).all(|(x, y)| x >= y)),
                "{domain}"
            );
        }
        // No seeded random outcome meeting the reservation values lies
        // beyond the frontier.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
        let ufuns: Vec<_> = s
            .parties()
            .iter()
            .map(|p| &p.preferences.as_ref().unwrap().utility)
            .collect();
        for _ in 0..20_000 {
            let o: Vec<u32> = s
                .issues()
                .iter()
                .map(|i| rng.random_range(0..i.cardinality() as u32))
                .collect();
            let u: Vec<f64> = ufuns.iter().map(|f| f.utility(s.issues(), &o)).collect();
            if u.iter().zip(&reservations).any(|(u, r)| u < r) {
                continue;
            }
            assert!(
                a.frontier
                    .iter()
                    .any(|e| e.utilities.iter().zip(&u).all(|(x, y)| x >= y)),
                "{domain}: {o:?} with {u:?} lies beyond the frontier"
            );
        }
        // GENIUS's rational points are weakly dominated (within its single
        // precision), some strictly.
        let reference = loaded.reference_frontier.as_ref().unwrap();
        let tolerance = pactum_core::io::FRONTIER_TOLERANCE;
        let (mut rational, mut strictly) = (0, 0);
        for g in &reference.points {
            if g.iter().zip(&reservations).any(|(u, r)| *u < r - tolerance) {
                continue;
            }
            rational += 1;
            let by = a
                .frontier
                .iter()
                .find(|e| e.utilities.iter().zip(g).all(|(x, y)| *x >= y - tolerance))
                .unwrap_or_else(|| panic!("{domain}: GENIUS's {g:?} is not dominated"));
            if by.utilities.iter().zip(g).any(|(x, y)| *x > y + tolerance) {
                strictly += 1;
            }
        }
        assert!(rational > 0, "{domain}");
        eprintln!(
            "{domain}: {} frontier points in {took:?} ({} nodes); GENIUS {} points, {rational} rational, {strictly} strictly dominated; zone {} ({})",
            a.frontier.len(),
            search.nodes,
            reference.points.len(),
            a.zopa.count,
            if a.zopa.exact { "exact" } else { "estimated" },
        );
    }
}

/// Cancelled (or past its deadline), the search stops at its next poll
/// and reports the best frontier found and the gap left, not an error.
#[test]
fn a_cancelled_search_reports_the_best_found_and_the_gap() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use pactum_core::analysis::Budget;
    use pactum_core::frontier::{FrontierOptions, Problem, rectangle_frontier};

    let Some(root) = root() else { return };
    let loaded = load(&root.join("30issues"), None).unwrap();
    let problem = Problem::negotiators(&loaded.scenario);
    let budget = Budget {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..Default::default()
    };
    let f = rectangle_frontier(&problem, FrontierOptions::default(), &budget).unwrap();
    let report = &f.report;
    assert!(!report.exact);
    assert_eq!(
        report.stopped.as_deref(),
        Some("the analysis was cancelled")
    );
    // Polled every 4,096 nodes: it stopped at the first poll.
    assert_eq!(report.nodes, 4096);
    assert!(!report.open.is_empty() && report.gap > 0.0, "{report:?}");
    // The points found are real: their outcomes give their utilities.
    let s = &loaded.scenario;
    for p in &f.points {
        let u: Vec<f64> = problem
            .utility_functions()
            .iter()
            .map(|uf| uf.utility(s.issues(), &p.outcomes[0]))
            .collect();
        assert_eq!(u, p.utilities);
    }
}
