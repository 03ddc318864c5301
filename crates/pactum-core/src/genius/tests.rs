//! The GENIUS readers and writer against hand-computed utilities, the
//! shared GENIUS scenarios (when present) and mangled input.

use std::path::{Path, PathBuf};

use super::xml::{Element, parse_xml};
use super::*;
use crate::error::Error;
use crate::model::*;

const SHARED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/scenarios/genius"
);
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(SHARED);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: shared GENIUS scenarios not found at {SHARED}");
        None
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12
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

/// Leaf folders holding .xml files.
fn scenario_folders(root: &Path) -> Vec<PathBuf> {
    let mut stack = vec![root.to_path_buf()];
    let mut out = Vec::new();
    while let Some(d) = stack.pop() {
        let mut has_xml = false;
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "xml") {
                has_xml = true;
            }
        }
        if has_xml {
            out.push(d);
        }
    }
    out.sort();
    out
}

/// Deterministic sample of outcomes: all of them for small spaces.
fn sample_outcomes(issues: &[Issue], n: usize, seed: u64) -> Vec<Vec<u32>> {
    let total = issues
        .iter()
        .fold(1u128, |a, i| a.saturating_mul(i.cardinality() as u128));
    if total <= 20_000 {
        return crate::test_support::all_outcomes(issues);
    }
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            issues
                .iter()
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 33) % i.cardinality()) as u32
                })
                .collect()
        })
        .collect()
}

#[test]
fn golden_additive_profiles() {
    let l = load_folder(&Path::new(DATA).join("golden-additive"), None).unwrap();
    let s = &l.scenario;
    assert_eq!(s.name(), "golden-additive");
    let names: Vec<&str> = s.parties().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["buyer", "seller"]);
    // The <item>s inside the similarity block are not values.
    assert_eq!(
        s.issues()[0].kind,
        IssueKind::Discrete {
            options: vec!["red".into(), "green".into(), "blue".into()]
        }
    );
    assert_eq!(s.issues()[1].kind, IssueKind::Integer { min: 1, max: 5 });
    assert_eq!(
        s.issues()[2].kind,
        IssueKind::Real {
            min: 10.0,
            max: 20.0,
            levels: DEFAULT_REAL_LEVELS
        }
    );
    assert!(l.warnings.iter().any(|w| w.contains("legacy")));
    assert!(l.warnings.iter().any(|w| w.contains("<agent>")));

    let buyer = s.parties()[0].preferences.as_ref().unwrap();
    assert_eq!(buyer.discount_factor, Some(0.9));
    assert_eq!(buyer.reservation_value, Some(0.3));
    let seller = s.parties()[1].preferences.as_ref().unwrap();
    assert_eq!(seller.discount_factor, None);
    assert_eq!(seller.reservation_value, None);
    // Weights as written, not renormalised (the seller's sum to 0.8).
    assert_eq!(
        seller.utility.as_additive().unwrap().weights,
        [0.2, 0.2, 0.4]
    );

    // Colour: red 0, green 1, blue 2; Quantity x → x − 1; Price x → x − 10.
    // buyer: Colour 2/8, 4/8, 8/8 (the "purple" 100 does not count);
    // Quantity clamp01(0.25·(x − 1)); Price clamp01(2 − 0.1·x).
    assert!(close(
        utility(s, "buyer", &[2, 2, 5]),
        0.5 * 1.0 + 0.3 * 0.5 + 0.2 * 0.5
    ));
    assert!(close(
        utility(s, "buyer", &[0, 4, 0]),
        0.5 * 0.25 + 0.3 * 1.0 + 0.2 * 1.0
    ));
    assert!(close(utility(s, "buyer", &[1, 0, 10]), 0.5 * 0.5));
    // seller: Colour 10/10, 5/10, 0; Quantity clamp01(1.1 − 0.2·(x − 1));
    // Price triangular 10 → 15 → 20.
    assert!(close(
        utility(s, "seller", &[2, 2, 5]),
        0.2 * 0.7 + 0.4 * 1.0
    ));
    assert!(close(
        utility(s, "seller", &[0, 0, 2]),
        0.2 + 0.2 * 1.0 + 0.4 * 0.4
    ));
    assert!(close(
        utility(s, "seller", &[1, 1, 8]),
        0.2 * 0.5 + 0.2 * 0.9 + 0.4 * 0.4
    ));
    assert!(close(utility(s, "seller", &[0, 4, 10]), 0.2 + 0.2 * 0.3));
}

/// GENIUS's value of the golden nonlinear profile, written out by hand.
fn grid_utility(a: u32, b: u32) -> f64 {
    let mut sum: f64 = 3.0; // utility 1 × weight 3, no bounds
    if a <= 2 && b <= 2 {
        sum += 6.0;
    }
    if a >= 2 {
        sum += 5.0; // EXCLUDES a ∈ [0, 1]
    }
    if b >= 3 {
        sum += 0.5 * 4.0; // nested ufun of weight 0.5
    }
    (sum / 10.0).min(1.0)
}

#[test]
fn golden_nonlinear_profile() {
    let l = load_folder(&Path::new(DATA).join("golden-nonlinear"), None).unwrap();
    let s = &l.scenario;
    let prefs = s.parties()[0].preferences.as_ref().unwrap();
    assert_eq!(prefs.discount_factor, Some(0.5));
    assert_eq!(prefs.reservation_value, Some(0.2));
    assert!(matches!(prefs.utility, UtilityFunction::HyperRectangles(_)));
    assert!(close(utility(s, "boxes", &[0, 0, 0]), 0.9));
    assert!(close(utility(s, "boxes", &[2, 2, 1]), 1.0)); // 14/10, cut at 1
    assert!(close(utility(s, "boxes", &[2, 3, 0]), 1.0));
    assert!(close(utility(s, "boxes", &[1, 3, 0]), 0.5));
    assert!(close(utility(s, "boxes", &[3, 0, 1]), 0.8));
    for a in 0..5 {
        for b in 0..5 {
            for c in 0..2 {
                assert!(
                    close(utility(s, "boxes", &[a, b, c]), grid_utility(a, b)),
                    "({a}, {b}, {c})"
                );
            }
        }
    }
}

fn same_utilities(a: &Scenario, b: &Scenario, samples: usize) {
    assert_eq!(a.issues(), b.issues(), "issues differ");
    assert_eq!(a.parties().len(), b.parties().len());
    for p in a.parties() {
        let q = b.party_index(&p.name).expect("party kept");
        let (pa, pb) = (
            p.preferences.as_ref().unwrap(),
            b.parties()[q].preferences.as_ref().unwrap(),
        );
        assert_eq!(pa.reservation_value, pb.reservation_value);
        assert_eq!(pa.discount_factor, pb.discount_factor);
        for o in sample_outcomes(a.issues(), samples, 7) {
            let (ua, ub) = (
                pa.utility.utility(a.issues(), &o),
                pb.utility.utility(b.issues(), &o),
            );
            assert!(close(ua, ub), "{}: {o:?}: {ua} vs {ub}", p.name);
        }
    }
}

fn round_trip(dir: &Path) {
    let first = load_folder(dir, None).unwrap().scenario;
    let tmp = tempfile::tempdir().unwrap();
    save_folder(&first, tmp.path()).unwrap();
    let second = load_folder(tmp.path(), None).unwrap().scenario;
    same_utilities(&first, &second, 300);
    // Once more: the written form is stable.
    let tmp2 = tempfile::tempdir().unwrap();
    save_folder(&second, tmp2.path()).unwrap();
    let third = load_folder(tmp2.path(), None).unwrap().scenario;
    assert_eq!(second.issues(), third.issues());
    same_utilities(&second, &third, 300);
}

#[test]
fn golden_round_trips() {
    round_trip(&Path::new(DATA).join("golden-additive"));
    round_trip(&Path::new(DATA).join("golden-nonlinear"));
}

#[test]
fn shared_round_trips() {
    let Some(root) = shared() else { return };
    for dir in &scenario_folders(&root) {
        if dir.ends_with("LaptopConv") || dir.to_string_lossy().contains("30issues") {
            continue;
        }
        round_trip(dir);
    }
}

#[test]
fn shared_conformance() {
    let Some(root) = shared() else { return };
    let folders = scenario_folders(&root);
    assert!(folders.len() >= 120, "{} folders", folders.len());
    for dir in &folders {
        let result = load_folder(dir, None);
        if dir.ends_with("misc/LaptopConv") {
            let e = result.expect_err("LaptopConv must be rejected").to_string();
            assert!(e.contains("Laptop-C-prof2.xml"), "{e}");
            assert!(e.contains("issue \"0\""), "{e}");
            continue;
        }
        let l = result.unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(!l.scenario.parties().is_empty());
    }

    // misc/Laptop, by hand: evaluations divided by each issue's largest.
    let l = load_folder(&root.join("misc/Laptop"), None)
        .unwrap()
        .scenario;
    assert_eq!(l.outcome_count(), 27);
    // prof1: (Dell, 60 Gb, 19'' LCD) = w1·12/30 + w2·30/30 + w3·30/30
    let u = utility(&l, "Laptop-C-prof1", &[0, 0, 0]);
    assert!(close(
        u,
        0.4452125771655631 * (12.0 / 30.0) + 0.37808251708013424 + 0.1767567099260568
    ));
    assert!(close(u, 0.7329242578724163));
    // prof2: (HP, 120 Gb, 20'' LCD) = w1·20/30 + w2·9/30 + w3·2/3
    let u = utility(&l, "Laptop-C-prof2", &[2, 2, 1]);
    assert!(close(
        u,
        0.37808251708013424 * (20.0 / 30.0)
            + 0.1767567099260568 * (9.0 / 30.0)
            + 0.4452125771655631 * (2.0 / 3.0)
    ));

    let ampo = load_folder(&root.join("misc/AMPOvsCity"), None)
        .unwrap()
        .scenario;
    assert_eq!(ampo.issues().len(), 10);
    assert_eq!(ampo.outcome_count(), 1_944_000);

    let car = load_folder(&root.join("anac/y2012/CarA"), None)
        .unwrap()
        .scenario;
    assert_eq!(car.issues().len(), 6);
    assert_eq!(car.outcome_count(), 15_625);
    // Legacy similarity blocks hold a sixth "unspecified" item: not a value.
    assert!(car.issues().iter().all(|i| i.cardinality() == 5));

    let uni_dir = root.join("anac/y2015/group1-university");
    let uni = load_folder(&uni_dir, None).unwrap().scenario;
    assert_eq!(uni.parties().len(), 9);
    assert_eq!(uni.parties()[0].name, "University_util1");
    let pick = [
        "University_util7".to_string(),
        "University_util2".to_string(),
    ];
    let two = load_folder(&uni_dir, Some(&pick)).unwrap().scenario;
    let names: Vec<&str> = two.parties().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["University_util7", "University_util2"]);
    let e = load_folder(&uni_dir, Some(&["Nope".to_string()]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"Nope\"") && e.contains("University_util9"),
        "{e}"
    );

    // The real issue of misc/fuzzyagent: clamp01(p1·x + p0).
    let fuzzy = load_folder(&root.join("misc/fuzzyagent"), None)
        .unwrap()
        .scenario;
    let x = fuzzy.issues()[0].numeric(5); // 25
    assert!(close(x, 25.0));
    let seller = utility(&fuzzy, "seller_utility", &[5]);
    assert!(close(
        seller,
        (0.03333333 * 25.0 - 0.3333333f64).clamp(0.0, 1.0)
    ));
    let buyer = utility(&fuzzy, "buyer_utility", &[0]); // x = 10: 1.0000000003 → 1
    assert!(close(buyer, 1.0));
}

/// GENIUS's nonlinear utility straight from the XML (issues are
/// integer, values `min + k`).
fn genius_nonlinear_reference(root: &Element, issues: &[Issue], outcome: &[u32]) -> f64 {
    let objective = root.child("objective").unwrap();
    let utility = objective.child("utility").unwrap();
    let max: f64 = utility.attr("maxutility").unwrap().parse().unwrap();
    fn ufun_sum(u: &Element, issues: &[Issue], outcome: &[u32]) -> f64 {
        let mut sum = 0.0;
        for c in &u.children {
            if c.name() == "hyperRectangle" {
                let util: f64 = c.attr("utility").unwrap().parse().unwrap();
                let weight: f64 = c.attr("weight").map_or(1.0, |w| w.parse().unwrap());
                let inside = |b: &Element| {
                    let i: usize = b.attr("index").unwrap().parse::<usize>().unwrap() - 1;
                    let x = issues[i].numeric(outcome[i]);
                    let lo: f64 = b.attr("min").unwrap().parse().unwrap();
                    let hi: f64 = b.attr("max").unwrap().parse().unwrap();
                    x >= lo && x <= hi
                };
                let ex: Vec<&Element> = c
                    .children
                    .iter()
                    .filter(|b| b.name() == "EXCLUDES")
                    .collect();
                let counts = if ex.is_empty() {
                    c.children
                        .iter()
                        .filter(|b| b.name() == "INCLUDES")
                        .all(inside)
                } else {
                    !ex.iter().all(|b| inside(b))
                };
                if counts {
                    sum += util * weight;
                }
            } else if c.name() == "ufun" {
                let w: f64 = c.attr("weight").map_or(1.0, |w| w.parse().unwrap());
                sum += w * ufun_sum(c, issues, outcome);
            }
        }
        sum
    }
    (ufun_sum(utility.child("ufun").unwrap(), issues, outcome) / max).min(1.0)
}

#[test]
fn anac2014_matches_genius_reference() {
    let Some(root) = shared() else { return };
    for set in [
        "10issues",
        "10issuesDiscounted",
        "10issuesDiscountedwithRV",
        "10issueswithRV",
    ] {
        let dir = root.join("anac/y2014").join(set);
        let l = load_folder(&dir, None).unwrap();
        let s = &l.scenario;
        for p in s.parties() {
            let xml = std::fs::read_to_string(dir.join(format!("{}.xml", p.name))).unwrap();
            let root = parse_xml("ref", &xml).unwrap().unwrap();
            let UtilityFunction::HyperRectangles(h) = &p.preferences.as_ref().unwrap().utility
            else {
                panic!("nonlinear expected")
            };
            // Random outcomes, plus one corner of every correcting box.
            let mut outcomes = sample_outcomes(s.issues(), 3000, 11);
            for r in h
                .rectangles
                .iter()
                .filter(|r| r.bounds.len() > 1 && r.utility < 0.0)
            {
                let mut o = vec![0u32; s.issues().len()];
                for &(i, lo, _) in &r.bounds {
                    o[i] = s.issues()[i].index_of(&Value::Integer(lo as i64)).unwrap();
                }
                outcomes.push(o);
            }
            for o in outcomes {
                let ours = p
                    .preferences
                    .as_ref()
                    .unwrap()
                    .utility
                    .utility(s.issues(), &o);
                let theirs = genius_nonlinear_reference(&root, s.issues(), &o);
                assert!(
                    close(ours, theirs),
                    "{set}/{}: {o:?}: {ours} vs {theirs}",
                    p.name
                );
            }
        }
    }
}

#[test]
fn parse_profile_matches_issues_by_name() {
    let dir = Path::new(DATA).join("golden-additive");
    let domain = std::fs::read_to_string(dir.join("fruit-domain.xml")).unwrap();
    let issues = parse_domain("fruit-domain.xml", &domain).unwrap();
    assert_eq!(issues.len(), 3);
    let xml = std::fs::read_to_string(dir.join("buyer.xml")).unwrap();
    let (prefs, warnings) = parse_profile("buyer.xml", &xml, &issues).unwrap();
    assert!(warnings.iter().all(|w| w.starts_with("buyer.xml: ")));
    assert!(close(prefs.utility.utility(&issues, &[2, 2, 5]), 0.75));
}

const DOMAIN: &str = r#"<negotiation_template>
<utility_space>
<objective index="0" name="t">
<issue index="1" name="x" type="discrete"><item value="a"/><item value="b"/></issue>
<issue index="2" name="y" type="integer" lowerbound="0" upperbound="3"/>
</objective>
</utility_space>
</negotiation_template>"#;

fn profile(weight1: &str, extra: &str) -> String {
    format!(
        r#"<utility_space>
<objective index="0" name="t">
<issue index="1" name="x"><item value="a" evaluation="1"/><item value="b" evaluation="2"/></issue>
<issue index="2" name="y" lowerbound="0" upperbound="3"><evaluator ftype="linear" slope="0.5" offset="0"/></issue>
<weight index="1" value="{weight1}"/>
<weight index="2" value="0.5"/>
{extra}
</objective>
</utility_space>"#
    )
}

fn issues() -> Vec<Issue> {
    parse_domain("d.xml", DOMAIN).unwrap()
}

#[test]
fn malformed_xml_reports_the_line() {
    let xml =
        "<negotiation_template>\n<utility_space>\n<objective>\n<issue name=\"x\">\n</objective>\n";
    let e = parse_domain("bad.xml", xml).unwrap_err();
    match &e {
        Error::Format { file, location, .. } => {
            assert_eq!(file, "bad.xml");
            assert_eq!(location.line, Some(5), "{e}");
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().starts_with("bad.xml:5:"), "{e}");
    // Unclosed at the end of the file.
    let e = parse_domain("cut.xml", "<negotiation_template>\n<utility_space>\n").unwrap_err();
    assert!(e.to_string().contains("never closed"), "{e}");
    // Broken attribute.
    let e = parse_domain("attr.xml", "<a>\n\n<b x=\"1\" x=\"2\"/></a>").unwrap_err();
    assert!(e.to_string().starts_with("attr.xml:3"), "{e}");
}

#[test]
fn bad_weights_are_rejected() {
    let issues = issues();
    assert!(parse_profile("p.xml", &profile("0.5", ""), &issues).is_ok());
    for bad in ["NaN", "-0.2", "abc", "inf"] {
        let e = parse_profile("p.xml", &profile(bad, ""), &issues).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("p.xml:5: <weight>"), "{bad}: {text}");
    }
    let e = parse_profile(
        "p.xml",
        &profile("0.5", r#"<weight index="9" value="0.1"/>"#),
        &issues,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("index 9"), "{e}");
}

#[test]
fn unknown_issues_are_rejected() {
    let issues = issues();
    let extra = r#"<issue index="3" name="z"><item value="a" evaluation="1"/></issue>"#;
    let e = parse_profile("p.xml", &profile("0.5", extra), &issues)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"z\"") && e.contains("not in the domain"),
        "{e}"
    );
    // Missing evaluation of a domain value.
    let xml = profile("0.5", "").replace(r#"<item value="b" evaluation="2"/>"#, "");
    let e = parse_profile("p.xml", &xml, &issues)
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"b\"") && e.contains("no evaluation"), "{e}");
    // Missing attribute.
    let xml = profile("0.5", "").replace(r#" slope="0.5""#, "");
    let e = parse_profile("p.xml", &xml, &issues)
        .unwrap_err()
        .to_string();
    assert!(e.contains("<evaluator>") && e.contains("`slope`"), "{e}");
}

#[test]
fn missing_files_are_io_errors() {
    let e = load_folder(Path::new("/no/such/folder"), None).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(empty.path()).unwrap();
    let e = load_folder(empty.path(), None).unwrap_err().to_string();
    assert!(e.contains("no GENIUS domain"), "{e}");
    std::fs::write(empty.path().join("d.xml"), DOMAIN).unwrap();
    let e = load_folder(empty.path(), None).unwrap_err().to_string();
    assert!(e.contains("no GENIUS profile"), "{e}");
    std::fs::write(empty.path().join("p.xml"), profile("0.5", "")).unwrap();
    std::fs::write(empty.path().join("notes.xml"), "just text\n").unwrap();
    let l = load_folder(empty.path(), None).unwrap();
    assert!(l.warnings.iter().any(|w| w.contains("notes.xml")));
    assert!(close(utility(&l.scenario, "p", &[1, 3]), 0.5 + 0.5));
}

#[test]
fn export_warns_about_what_genius_cannot_hold() {
    let mut s = load_folder(&Path::new(DATA).join("golden-additive"), None)
        .unwrap()
        .scenario
        .into_parts();
    s.notes = Some("context".into());
    s.parties[0]
        .preferences
        .as_mut()
        .unwrap()
        .red_lines
        .push(RedLine {
            issue: 0,
            values: vec![0],
            notes: None,
        });
    s.parties.push(Party {
        name: "host".into(),
        role: Role::Mediator,
        representative: None,
        notes: None,
        preferences: None,
    });
    // A value function GENIUS has no integer evaluator for.
    if let UtilityFunction::Additive(a) = &mut s.parties[1].preferences.as_mut().unwrap().utility {
        a.values[1] = ValueFunction::PiecewiseLinear {
            points: vec![(1.0, 0.0), (3.0, 1.0), (5.0, 0.0)],
        };
    }
    let s = Scenario::new(s).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let w = save_folder(&s, tmp.path()).unwrap();
    let all = w.join("\n");
    for needle in ["notes", "red line", "\"host\"", "Quantity", "discrete"] {
        assert!(all.contains(needle), "{needle}: {all}");
    }
    let back = load_folder(tmp.path(), None).unwrap().scenario;
    assert!(matches!(back.issues()[1].kind, IssueKind::Discrete { .. }));
    // Utilities survive the change of issue kind.
    for o in sample_outcomes(s.issues(), 0, 1) {
        for p in ["buyer", "seller"] {
            assert!(
                close(utility(&s, p, &o), utility(&back, p, &o)),
                "{p} {o:?}"
            );
        }
    }
}

#[test]
fn writers_produce_genius_files() {
    let s = load_folder(&Path::new(DATA).join("golden-additive"), None)
        .unwrap()
        .scenario;
    let d = write_domain(&s).unwrap();
    assert!(d.contains("<negotiation_template>"));
    assert_eq!(parse_domain("d.xml", &d).unwrap(), s.issues());
    let p = write_profile(&s, 0).unwrap();
    assert!(
        p.contains(r#"<evaluator ftype="linear" parameter0="2" parameter1="-0.1"/>"#),
        "{p}"
    );
    assert!(
        p.contains(r#"<evaluator ftype="linear" slope="0.25" offset="0"/>"#),
        "{p}"
    );
    let (prefs, _) = parse_profile("p.xml", &p, s.issues()).unwrap();
    assert!(close(prefs.utility.utility(s.issues(), &[0, 4, 0]), 0.625));
    assert!(write_profile(&s, 7).is_err());
}

proptest::proptest! {
    #[test]
    fn arbitrary_input_never_panics(text in "\\PC{0,300}") {
        let _ = parse_domain("x.xml", &text);
        let _ = parse_profile("x.xml", &text, &issues());
    }

    #[test]
    fn mangled_profiles_never_panic(cut in 0usize..600, junk in "[<>/=\" a-z0-9.-]{0,12}") {
        let xml = profile("0.5", "");
        let cut = cut.min(xml.len());
        let cut = (0..=cut).rev().find(|&c| xml.is_char_boundary(c)).unwrap_or(0);
        let mangled = format!("{}{junk}{}", &xml[..cut], &xml[cut..]);
        let _ = parse_profile("x.xml", &mangled, &issues());
    }
}

/// The table of issue `x` read from items listing the values in `items`.
fn table_of(issues: &[Issue], items: &str) -> (Vec<f64>, Vec<String>) {
    let xml = profile("0.5", "").replace(
        r#"<item value="a" evaluation="1"/><item value="b" evaluation="2"/>"#,
        items,
    );
    let (prefs, warnings) = parse_profile("p.xml", &xml, issues).unwrap();
    match prefs.utility {
        UtilityFunction::Additive(a) => match &a.values[0] {
            ValueFunction::Table(t) => (t.clone(), warnings),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn discrete_evaluations_are_matched_by_value_the_last_one_counting() {
    let issues = issues();
    // Out of the domain's order, one value twice, one not in the domain.
    let (table, warnings) = table_of(
        &issues,
        r#"<item value="b" evaluation="4"/><item value="a" evaluation="1"/><item value="z" evaluation="8"/><item value="a" evaluation="2"/>"#,
    );
    assert_eq!(table, vec![0.25, 0.5]);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("1 value(s) evaluated twice"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(r#"values ["z"] are not in the domain"#))
    );
    let e = parse_profile(
        "p.xml",
        &profile("0.5", "").replace(r#"<item value="b" evaluation="2"/>"#, ""),
        &issues,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains(r#"value "b" of issue "x" has no evaluation"#),
        "{e}"
    );
    // A value listed twice among the options has one evaluation.
    let mut twice = issues.clone();
    twice[0].kind = IssueKind::Discrete {
        options: vec!["a".into(), "b".into(), "a".into()],
    };
    let (table, warnings) = table_of(
        &twice,
        r#"<item value="a" evaluation="1"/><item value="b" evaluation="4"/><item value="a" evaluation="2"/>"#,
    );
    assert_eq!(table, vec![0.5, 1.0, 0.5]);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("1 value(s) evaluated twice"))
    );
}
