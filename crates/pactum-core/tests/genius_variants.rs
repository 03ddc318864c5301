//! Golden tests for the variants of the GENIUS format that GENIUS (or
//! NegMAS's GENIUS reader) opens: a `utility_space` with no `<objective>`,
//! integer evaluators written with `parameter0`/`parameter1`, integer issues
//! evaluated item by item, item costs, issues without `index`, upper-case
//! `.XML` names, a lone `.xml` file, and GENIUS's precomputed frontier
//! (`pareto.xml`) read and compared with Pactum's. Each folder is written
//! here, by hand, into a temporary directory.

use std::path::Path;

use pactum_core::analysis::{AnalysisOptions, analyze};
use pactum_core::io::{FRONTIER_TOLERANCE, Loaded, load};
use pactum_core::model::Scenario;

const CLOSE: f64 = 1e-12;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn load_files(files: &[(&str, &str)]) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    load(dir.path(), None).unwrap_or_else(|e| panic!("{e}"))
}

fn utility(s: &Scenario, party: &str, outcome: &[u32]) -> f64 {
    let p = s.party_index(party).expect("party");
    s.parties()[p]
        .preferences
        .as_ref()
        .expect("preferences")
        .utility
        .utility(s.issues(), outcome)
}

/// Two discrete issues, with and without an `<objective>` around them.
fn fruit_domain(objective: bool) -> String {
    let issues = r#"
    <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Fruit">
      <item index="1" value="apple"/>
      <item index="2" value="pear"/>
      <item index="3" value="plum"/>
    </issue>
    <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Size">
      <item index="1" value="small"/>
      <item index="2" value="large"/>
    </issue>"#;
    if objective {
        format!(
            r#"<negotiation_template><utility_space number_of_issues="2">
  <objective index="0" etype="objective" type="objective" name="Fruit">{issues}
  </objective></utility_space></negotiation_template>"#
        )
    } else {
        format!(
            r#"<negotiation_template><utility_space>{issues}</utility_space></negotiation_template>"#
        )
    }
}

/// A profile over the fruit domain: evaluations (apple, pear, plum),
/// (small, large) and the two weights.
fn fruit_profile(objective: bool, fruit: [u32; 3], size: [u32; 2], w: [f64; 2]) -> String {
    let body = format!(
        r#"
    <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Fruit">
      <item index="1" value="apple" evaluation="{}"/>
      <item index="2" value="pear" evaluation="{}"/>
      <item index="3" value="plum" evaluation="{}"/>
    </issue>
    <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Size">
      <item index="1" value="small" evaluation="{}"/>
      <item index="2" value="large" evaluation="{}"/>
    </issue>
    <weight index="1" value="{}"/>
    <weight index="2" value="{}"/>"#,
        fruit[0], fruit[1], fruit[2], size[0], size[1], w[0], w[1]
    );
    if objective {
        format!(
            r#"<utility_space><objective index="0" name="Fruit">{body}
  </objective><reservation value="0.2"/></utility_space>"#
        )
    } else {
        format!(r#"<utility_space>{body}<reservation value="0.2"/></utility_space>"#)
    }
}

fn all_outcomes() -> Vec<[u32; 2]> {
    (0..3).flat_map(|a| (0..2).map(move |b| [a, b])).collect()
}

#[test]
fn weights_and_issues_directly_under_utility_space() {
    let nested = load_files(&[
        ("fruit.xml", &fruit_domain(true)),
        ("a.xml", &fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3])),
        ("b.xml", &fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6])),
    ]);
    let flat = load_files(&[
        ("fruit.xml", &fruit_domain(false)),
        (
            "a.xml",
            &fruit_profile(false, [1, 2, 4], [1, 3], [0.7, 0.3]),
        ),
        (
            "b.xml",
            &fruit_profile(false, [4, 2, 1], [3, 1], [0.4, 0.6]),
        ),
    ]);
    assert!(
        flat.warnings.is_empty(),
        "unexpected warnings: {:?}",
        flat.warnings
    );
    for o in all_outcomes() {
        for party in ["a", "b"] {
            let (n, f) = (
                utility(&nested.scenario, party, &o),
                utility(&flat.scenario, party, &o),
            );
            assert_eq!(n.to_bits(), f.to_bits(), "{party} {o:?}");
        }
    }
    // a: plum (4/4 = 1) large (3/3 = 1) → 0.7 + 0.3.
    assert!((utility(&flat.scenario, "a", &[2, 1]) - 1.0).abs() < CLOSE);
    // a: pear small → 0.7·0.5 + 0.3·(1/3).
    let want = 0.7 * 0.5 + 0.3 / 3.0;
    assert!((utility(&flat.scenario, "a", &[1, 0]) - want).abs() < CLOSE);
    let a = &flat.scenario.parties()[0].preferences.as_ref().unwrap();
    assert_eq!(a.reservation_value, Some(0.2));
}

const INTEGER_DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="Job">
  <issue index="1" name="Days" type="integer" etype="integer" vtype="integer" lowerbound="10" upperbound="20"/>
  <issue index="2" name="Car" type="discrete">
    <item index="1" value="no"/><item index="2" value="yes"/>
  </issue>
</objective></utility_space></negotiation_template>"#;

fn integer_profile(days: &str) -> String {
    format!(
        r#"<utility_space><objective index="0" name="Job">
  <issue index="1" name="Days" type="integer" etype="integer" vtype="integer" lowerbound="10" upperbound="20">{days}</issue>
  <issue index="2" name="Car" type="discrete">
    <item index="1" value="no" evaluation="0"/><item index="2" value="yes" evaluation="1"/>
  </issue>
  <weight index="1" value="1"/><weight index="2" value="0"/>
</objective></utility_space>"#
    )
}

/// `ftype="linear"` with `parameter0` (offset) and `parameter1` (slope) on
/// the value itself, cut to [0, 1]: here 0.1·x − 1.5.
#[test]
fn integer_evaluator_with_parameter0_and_parameter1() {
    let evaluator = r#"<evaluator ftype="linear" parameter0="-1.5" parameter1="0.1"/>"#;
    let loaded = load_files(&[
        ("job.xml", INTEGER_DOMAIN),
        ("a.xml", &integer_profile(evaluator)),
        (
            "b.xml",
            &integer_profile(r#"<evaluator ftype="linear" slope="0.1" offset="0"/>"#),
        ),
    ]);
    let s = &loaded.scenario;
    for (k, want) in [(0, 0.0), (5, 0.0), (6, 0.1), (10, 0.5)] {
        let u = utility(s, "a", &[k, 0]);
        assert!((u - want).abs() < CLOSE, "Days = {}: {u} ≠ {want}", 10 + k);
    }
    // The slope/offset spelling is measured from the lower bound: 0.1·(x − 10).
    assert!((utility(s, "b", &[10, 0]) - 1.0).abs() < CLOSE);
    assert!((utility(s, "b", &[3, 0]) - 0.3).abs() < CLOSE);
}

/// NegMAS writes integer issues as value tables; their evaluations are
/// taken as written, and a value left out is interpolated (and reported).
#[test]
fn integer_issue_evaluated_item_by_item() {
    let items: String = (10..=20)
        .filter(|x| *x != 15)
        .map(|x| {
            format!(
                r#"<item index="{}" value="{x}" evaluation="{}"/>"#,
                x - 9,
                f64::from(x - 10) / 10.0
            )
        })
        .collect();
    let loaded = load_files(&[
        ("job.xml", INTEGER_DOMAIN),
        ("a.xml", &integer_profile(&items)),
        ("b.xml", &integer_profile(&items)),
    ]);
    for k in 0..=10 {
        let u = utility(&loaded.scenario, "a", &[k, 0]);
        assert!((u - f64::from(k) / 10.0).abs() < CLOSE, "k = {k}: {u}");
    }
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("10 of its 11 values are evaluated")),
        "{:?}",
        loaded.warnings
    );
}

/// Item costs (GENIUS keeps them apart from utility) are reported, not used.
#[test]
fn item_costs_are_reported_and_ignored() {
    let with_cost = fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3]).replace(
        r#"value="apple" evaluation="1""#,
        r#"value="apple" evaluation="1" cost="9""#,
    );
    let loaded = load_files(&[
        ("fruit.xml", &fruit_domain(true)),
        ("a.xml", &with_cost),
        ("b.xml", &fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6])),
    ]);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("a.xml") && w.contains("ignored the `cost` of 1 value(s)")),
        "{:?}",
        loaded.warnings
    );
    let want = 0.7 * 0.25 + 0.3 / 3.0;
    assert!((utility(&loaded.scenario, "a", &[0, 0]) - want).abs() < CLOSE);
}

/// Issues without `index`: the domain numbers them by position (and says
/// so), a profile's issues are matched by name.
#[test]
fn issues_without_index() {
    let domain = fruit_domain(true).replace(r#"<issue index="2" "#, "<issue ");
    let profile = fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3])
        .replace(r#"<issue index="1" "#, "<issue ");
    let loaded = load_files(&[
        ("fruit.xml", &domain),
        ("a.xml", &profile),
        ("b.xml", &fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6])),
    ]);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("issue \"Size\"") && w.contains("has no index; numbered 2")),
        "{:?}",
        loaded.warnings
    );
    assert!((utility(&loaded.scenario, "a", &[2, 1]) - 1.0).abs() < CLOSE);
    assert!((utility(&loaded.scenario, "b", &[0, 0]) - 1.0).abs() < CLOSE);
}

#[test]
fn upper_case_xml_names_are_read() {
    let loaded = load_files(&[
        ("FRUIT.XML", &fruit_domain(true)),
        ("A.XML", &fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3])),
        ("b.Xml", &fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6])),
    ]);
    let names: Vec<&str> = loaded
        .scenario
        .parties()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["A", "b"]);
}

#[test]
fn a_lone_xml_file_asks_for_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("fruit.xml", &fruit_domain(true)),
            ("a.XML", &fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3])),
        ],
    );
    for file in ["fruit.xml", "a.XML"] {
        let e = load(&dir.path().join(file), None).unwrap_err().to_string();
        let folder = dir.path().display().to_string();
        assert!(
            e.contains(&format!("pass the folder {folder} instead")) && e.contains(file),
            "{e}"
        );
    }
}

/// The exact frontier of the fruit scenario (a: [1,2,4]/[1,3] weights
/// 0.7/0.3; b: [4,2,1]/[3,1] weights 0.4/0.6), found by hand.
fn fruit_frontier() -> Vec<(f64, f64)> {
    let a = |f: usize, s: usize| 0.7 * [0.25, 0.5, 1.0][f] + 0.3 * [1.0 / 3.0, 1.0][s];
    let b = |f: usize, s: usize| 0.4 * [1.0, 0.5, 0.25][f] + 0.6 * [1.0, 1.0 / 3.0][s];
    let points: Vec<(f64, f64)> = (0..3)
        .flat_map(|f| (0..2).map(move |s| (a(f, s), b(f, s))))
        .collect();
    let mut front: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| {
            !points
                .iter()
                .any(|q| q.0 >= p.0 && q.1 >= p.1 && (q.0 > p.0 || q.1 > p.1))
        })
        .collect();
    front.sort_by(|x, y| y.0.total_cmp(&x.0));
    front
}

fn pareto_text(points: &[(f64, f64)]) -> String {
    let mut s = String::from("\n");
    for (a, b) in points {
        // Single precision, as GENIUS writes it.
        s.push_str(&format!("{}, {}\n", *a as f32, *b as f32));
    }
    s
}

#[test]
fn pareto_xml_is_read_and_compared() {
    let front = fruit_frontier();
    assert!(front.len() >= 3, "{front:?}");
    let files = |pareto: String| {
        vec![
            ("fruit.xml".to_string(), fruit_domain(true)),
            (
                "a.xml".to_string(),
                fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3]),
            ),
            (
                "b.xml".to_string(),
                fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6]),
            ),
            ("pareto.xml".to_string(), pareto),
        ]
    };
    let compare = |pareto: String| {
        let f = files(pareto);
        let refs: Vec<(&str, &str)> = f.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let loaded = load_files(&refs);
        assert!(
            !loaded.warnings.iter().any(|w| w.contains("pareto")),
            "{:?}",
            loaded.warnings
        );
        let reference = loaded.reference_frontier.clone().expect("pareto.xml read");
        let a = analyze(&loaded.scenario, &AnalysisOptions::default()).unwrap();
        let ours: Vec<Vec<f64>> = a.frontier.iter().map(|e| e.utilities.clone()).collect();
        let reservations: Vec<f64> = a
            .parties
            .iter()
            .map(|p| p.reservation_value.unwrap_or(f64::NEG_INFINITY))
            .collect();
        reference.compare(&ours, &reservations)
    };

    // GENIUS's frontier as GENIUS would write it: every point agrees.
    let c = compare(pareto_text(&front));
    assert_eq!(c.points.len(), front.len());
    assert_eq!(
        (c.agreeing, c.differing, c.pactum_only, c.below_reservation),
        (front.len(), 0, 0, 0),
        "{c:?}"
    );
    assert!(c.largest_difference <= FRONTIER_TOLERANCE, "{c:?}");

    // One point moved by 0.01 and one below a's reservation value (0.2):
    // the first differs by 0.01, the second is not expected on Pactum's
    // rational frontier, and the moved point's original is Pactum's alone.
    let mut moved = front.clone();
    moved[0].1 += 0.01;
    moved.push((0.1, 1.0));
    let c = compare(pareto_text(&moved));
    assert_eq!(
        (c.agreeing, c.differing, c.pactum_only, c.below_reservation),
        (front.len() - 1, 1, 1, 1),
        "{c:?}"
    );
    assert!((c.largest_difference - 0.01).abs() < 1e-6, "{c:?}");
    // Beside each point, Pactum's nearest: the moved one's original, and
    // none for the point below a reservation value.
    let first = c.nearest[0].as_ref().unwrap();
    assert!((first[1] - front[0].1).abs() < 1e-6, "{c:?}");
    assert!((c.differences[0].unwrap() - 0.01).abs() < 1e-6, "{c:?}");
    assert_eq!(
        (c.nearest.last(), c.differences.last()),
        (Some(&None), Some(&None))
    );
}

#[test]
fn a_malformed_or_mismatched_pareto_xml_is_reported() {
    let base = [
        ("fruit.xml", fruit_domain(true)),
        ("a.xml", fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3])),
        ("b.xml", fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6])),
    ];
    for (pareto, expect) in [
        ("\n0.5, x\n", "GENIUS frontier not read: line 2"),
        (
            "\n0.5, 0.4, 0.3\n",
            "GENIUS frontier not used: it lists 3 utilities",
        ),
        ("\n", "GENIUS frontier not read: no points"),
    ] {
        let mut files: Vec<(&str, &str)> = base.iter().map(|(n, t)| (*n, t.as_str())).collect();
        files.push(("pareto.xml", pareto));
        let loaded = load_files(&files);
        assert!(loaded.reference_frontier.is_none());
        assert!(
            loaded.warnings.iter().any(|w| w.contains(expect)),
            "{expect}: {:?}",
            loaded.warnings
        );
    }
}

fn scenarios_root() -> Option<std::path::PathBuf> {
    let root = match std::env::var_os("PACTUM_GENIUS_SCENARIOS") {
        Some(p) => std::path::PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios/genius"),
    };
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!(
            "skipping: no GENIUS scenarios at {} (set PACTUM_GENIUS_SCENARIOS to their folder)",
            root.display()
        );
        None
    }
}

/// Every folder below `root` holding a `pareto.xml`.
fn pareto_folders(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("pareto.xml"))
            {
                out.push(dir.clone());
            }
        }
    }
    out.sort();
    out
}

/// Each party's best utility found by seeded iterated local search: from a
/// few random starts, climb one issue at a time while it helps, then kick
/// three random issues and climb again, keeping the result when it is no
/// worse.
fn best_by_ascent(s: &Scenario, party: usize, seed: u64) -> f64 {
    use rand::{RngExt, SeedableRng};
    let u = |o: &[u32]| {
        s.parties()[party]
            .preferences
            .as_ref()
            .unwrap()
            .utility
            .utility(s.issues(), o)
    };
    let climb = |o: &mut Vec<u32>| -> f64 {
        let mut here = u(o);
        loop {
            let mut improved = false;
            for i in 0..o.len() {
                let mut best_k = o[i];
                for k in 0..s.issues()[i].cardinality() as u32 {
                    o[i] = k;
                    let v = u(o);
                    if v > here {
                        here = v;
                        best_k = k;
                        improved = true;
                    }
                }
                o[i] = best_k;
            }
            if !improved {
                return here;
            }
        }
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut best = f64::NEG_INFINITY;
    for _ in 0..12 {
        if best >= 1.0 {
            break;
        }
        let mut o: Vec<u32> = s
            .issues()
            .iter()
            .map(|i| rng.random_range(0..i.cardinality()) as u32)
            .collect();
        let mut here = climb(&mut o);
        for _ in 0..80 {
            if here >= 1.0 {
                break;
            }
            let mut kicked = o.clone();
            for _ in 0..3 {
                let i = rng.random_range(0..kicked.len());
                kicked[i] = rng.random_range(0..s.issues()[i].cardinality()) as u32;
            }
            let v = climb(&mut kicked);
            if v >= here {
                here = v;
                o = kicked;
            }
        }
        best = best.max(here);
    }
    best
}

/// Conformance with every `pareto.xml` of the shared test bed. What agrees:
/// where Pactum's exact analysis runs, GENIUS's rational frontier points are
/// weakly dominated by Pactum's frontier within [`FRONTIER_TOLERANCE`], and
/// those not on it are strictly dominated. Every folder of the test bed
/// with a `pareto.xml` is an ANAC 2014 nonlinear domain of 10^10 or 10^30
/// outcomes, analysed by the hyper-rectangle search
/// (`anac2014_frontier.rs` checks it further); where the analysis is
/// refused the check is that GENIUS's list is a frontier (two utilities per point on GENIUS's
/// [0, 1] scale, no point dominating another, each party reaching 1) and
/// that Pactum's utilities are on GENIUS's scale: seeded local search on
/// Pactum's evaluation finds, for each party, an outcome worth exactly
/// GENIUS's 1 to it, and none of 20,000 seeded random outcomes beats a
/// GENIUS frontier point for both parties.
#[test]
fn shared_pareto_files_agree_with_pactum() {
    use rand::{RngExt, SeedableRng};
    let Some(root) = scenarios_root() else { return };
    let folders = pareto_folders(&root);
    assert!(
        !folders.is_empty(),
        "no pareto.xml under {}",
        root.display()
    );
    let (mut exact, mut sampled) = (0, 0);
    for folder in &folders {
        let name = folder.display();
        let loaded = load(folder, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !loaded.warnings.iter().any(|w| w.contains("pareto")),
            "{name}: {:?}",
            loaded.warnings
        );
        let reference = loaded.reference_frontier.as_ref().expect("read");
        let points = &reference.points;
        assert!(points.len() >= 2, "{name}");
        for p in points {
            assert_eq!(p.len(), 2, "{name}: {p:?}");
            assert!(p.iter().all(|u| (0.0..=1.0).contains(u)), "{name}: {p:?}");
            assert!(
                !points
                    .iter()
                    .any(|q| q[0] >= p[0] && q[1] >= p[1] && (q[0] > p[0] || q[1] > p[1])),
                "{name}: {p:?} is dominated in GENIUS's own list"
            );
        }
        for k in 0..2 {
            assert!(
                points.iter().any(|p| p[k] == 1.0),
                "{name}: party {k} never reaches 1"
            );
        }
        let s = &loaded.scenario;
        match analyze(s, &AnalysisOptions::default()) {
            Ok(a) => {
                let ours: Vec<Vec<f64>> = a.frontier.iter().map(|e| e.utilities.clone()).collect();
                let reservations: Vec<f64> = a
                    .parties
                    .iter()
                    .map(|p| p.reservation_value.unwrap_or(f64::NEG_INFINITY))
                    .collect();
                let c = reference.compare(&ours, &reservations);
                // Exact frontiers weakly dominate GENIUS's approximations;
                // where GENIUS is exact too, they agree.
                let rational = points.len() - c.below_reservation;
                assert_eq!(c.weakly_dominated, rational, "{name}: {c:?}");
                assert_eq!(c.differing, c.strictly_dominated, "{name}: {c:?}");
                exact += 1;
            }
            Err(_) => {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
                for _ in 0..20_000 {
                    let o: Vec<u32> = s
                        .issues()
                        .iter()
                        .map(|i| rng.random_range(0..i.cardinality()) as u32)
                        .collect();
                    let u: Vec<f64> = s
                        .parties()
                        .iter()
                        .map(|p| {
                            p.preferences
                                .as_ref()
                                .unwrap()
                                .utility
                                .utility(s.issues(), &o)
                        })
                        .collect();
                    assert!(u.iter().all(|x| (0.0..=1.0).contains(x)), "{name}: {u:?}");
                    assert!(
                        !points.iter().any(|p| u[0] > p[0] + FRONTIER_TOLERANCE
                            && u[1] > p[1] + FRONTIER_TOLERANCE),
                        "{name}: outcome {o:?} with utilities {u:?} beats GENIUS's frontier"
                    );
                }
                // GENIUS's list has each party at 1; local search on
                // Pactum's utilities finds an outcome worth exactly 1 to
                // each party too (and none above: the cut at 1).
                for party in 0..2 {
                    let best = best_by_ascent(s, party, 11);
                    assert_eq!(best, 1.0, "{name}: party {party}'s best utility");
                }
                sampled += 1;
            }
        }
    }
    eprintln!(
        "{} pareto.xml files: {exact} compared exactly, {sampled} beyond exact analysis checked by sampling",
        folders.len()
    );
}

/// A FIFO among a folder's files is never opened (reading one with no
/// writer would block for ever): it is not taken for a GENIUS file.
#[test]
fn a_fifo_among_a_folders_files_is_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("fruit.xml", &fruit_domain(true)),
            ("a.xml", &fruit_profile(true, [1, 2, 4], [1, 3], [0.7, 0.3])),
            ("c.xml", &fruit_profile(true, [4, 2, 1], [3, 1], [0.4, 0.6])),
        ],
    );
    let fifo = dir.path().join("b.xml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is unavailable");
        return;
    }
    let folder = dir.path().to_path_buf();
    let (sent, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sent.send(load(&folder, None).map_err(|e| e.to_string()));
    });
    let loaded = answer
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("loading a folder with a FIFO in it blocked")
        .unwrap_or_else(|e| panic!("{e}"));
    let parties: Vec<&str> = loaded
        .scenario
        .parties()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(parties, ["a", "c"]);
}
