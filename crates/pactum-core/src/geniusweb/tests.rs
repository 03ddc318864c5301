//! GeniusWeb reading and writing against the test data, the shared
//! scenarios (when present) and GeniusWeb's own rules.

use std::path::{Path, PathBuf};

use super::load::classify;
use super::weights::*;
use super::write::*;
use super::*;
use crate::error::Error;
use crate::folder::files_with_extension;
use crate::model::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/geniusweb");
const GENIUS_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");
const SHARED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/scenarios/genius"
);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12
}

fn utility(s: &Scenario, party: &str, outcome: &[u32]) -> f64 {
    let p = s.party_index(party).expect("party");
    s.parties[p]
        .preferences
        .as_ref()
        .unwrap()
        .utility
        .utility(&s.issues, outcome)
}

/// Whether decimal texts like "0.125" sum to exactly 1, digit by digit.
fn decimal_sum_is_one(texts: &[String]) -> bool {
    let places = texts
        .iter()
        .map(|t| t.split_once('.').map_or(0, |(_, f)| f.len()))
        .max()
        .unwrap_or(0);
    let mut digits = vec![0u32; places];
    let mut int = 0u32;
    for t in texts {
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        int += i.parse::<u32>().unwrap();
        for (d, c) in f.chars().enumerate() {
            digits[d] += c.to_digit(10).unwrap();
        }
    }
    for d in (0..places).rev() {
        let carry = digits[d] / 10;
        digits[d] %= 10;
        if d == 0 {
            int += carry;
        } else {
            digits[d - 1] += carry;
        }
    }
    int == 1 && digits.iter().all(|&d| d == 0)
}

fn assert_unit(texts: &[String]) {
    assert!(decimal_sum_is_one(texts), "{texts:?}");
    let mut sum = 0.0;
    for t in texts {
        sum += t.parse::<f64>().unwrap();
    }
    assert_eq!(sum, 1.0, "{texts:?}");
}

#[test]
fn golden_folder() {
    let l = load(&Path::new(DATA).join("golden"), None).unwrap();
    let s = &l.scenario;
    assert_eq!(s.name, "fruitdeal");
    assert_eq!(
        s.issues.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["fruit", "boxes", "price"]
    );
    assert_eq!(s.issues[1].kind, IssueKind::Integer { min: 1, max: 5 });
    assert_eq!(
        s.issues[2].kind,
        IssueKind::Real {
            min: 0.5,
            max: 1.5,
            levels: 5
        }
    );
    assert_eq!(s.parties[0].name, "buyer");
    // fruit: apple 0, banana 1, cherry 2; boxes x → x − 1; price x → (x − 0.5)/0.25.
    assert!(close(utility(s, "buyer", &[1, 4, 0]), 1.0));
    assert!(close(
        utility(s, "seller", &[1, 4, 0]),
        0.25 * 0.4 + 0.25 * 0.2
    ));
    assert!(close(
        utility(s, "buyer", &[2, 1, 3]),
        0.5 * 0.6 + 0.2 * 0.25 + 0.3 * 0.25
    ));
    assert!(close(
        utility(s, "seller", &[2, 1, 3]),
        0.25 * (1.0 - 0.8 * 0.25) + 0.5 * 0.75
    ));
    // Reservation bid (apple, 3, 1.0): 0.5·0.2 + 0.2·0.5 + 0.3·0.5
    let rv = s.parties[0]
        .preferences
        .as_ref()
        .unwrap()
        .reservation_value
        .unwrap();
    assert!(close(rv, 0.35));
    assert_eq!(
        s.parties[1].preferences.as_ref().unwrap().reservation_value,
        None
    );
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

#[test]
fn single_profile_file_uses_its_domain() {
    let l = load(&Path::new(DATA).join("golden/seller.json"), None).unwrap();
    let s = &l.scenario;
    assert_eq!(s.parties.len(), 1);
    // The embedded domain lists price first.
    assert_eq!(s.issues[0].name, "price");
    assert!(close(
        utility(s, "seller", &[3, 1, 2]),
        0.5 * 0.75 + 0.25 * 0.4 + 0.25 * 0.6
    ));
}

fn same_utilities(a: &Scenario, b: &Scenario, scale: f64) {
    for p in &a.parties {
        let q = b.party_index(&p.name).expect("party kept");
        let (pa, pb) = (
            p.preferences.as_ref().unwrap(),
            b.parties[q].preferences.as_ref().unwrap(),
        );
        for o in crate::test_support::all_outcomes(&a.issues) {
            let ua = pa.utility.utility(&a.issues, &o) / scale;
            let ub = pb.utility.utility(&b.issues, &o);
            assert!(close(ua, ub), "{}: {o:?}: {ua} vs {ub}", p.name);
        }
        match (pa.reservation_value, pb.reservation_value) {
            (Some(x), Some(y)) => assert!(close(x / scale, y)),
            (x, y) => assert_eq!(x, y),
        }
    }
}

#[test]
fn golden_round_trip() {
    let first = load(&Path::new(DATA).join("golden"), None)
        .unwrap()
        .scenario;
    let tmp = tempfile::tempdir().unwrap();
    let w = save_folder(&first, tmp.path()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let second = load(tmp.path(), None).unwrap().scenario;
    assert_eq!(first.issues, second.issues);
    same_utilities(&first, &second, 1.0);
    let tmp2 = tempfile::tempdir().unwrap();
    save_folder(&second, tmp2.path()).unwrap();
    let third = load(tmp2.path(), None).unwrap().scenario;
    assert_eq!(second.issues, third.issues);
    same_utilities(&second, &third, 1.0);
}

#[test]
fn weights_sum_to_exactly_one() {
    let cases: Vec<Vec<f64>> = vec![
        vec![1.0, 1.0, 1.0],
        vec![0.1, 0.2, 0.7],
        vec![0.06, 0.16, 0.04, 0.32, 0.24, 0.18],
        vec![0.4452125771655631, 0.37808251708013424, 0.1767567099260568],
        vec![1e-20, 1.0, 1.0],
        vec![0.0, 1.0, 0.0],
        vec![0.2, 0.2, 0.4],
        vec![3.0, 7.0],
        (1..=50).map(|i| (i as f64).sqrt()).collect(),
        (1..=13).map(|i| 1.0 / i as f64).collect(),
    ];
    for w in &cases {
        let t = unit_weights(w);
        assert_eq!(t.len(), w.len());
        assert_unit(&t);
        let total: f64 = w.iter().sum();
        for (x, t) in w.iter().zip(&t) {
            assert!(
                (x / total - t.parse::<f64>().unwrap()).abs() < 1e-14,
                "{w:?} {t:?}"
            );
        }
    }
    assert_eq!(unit_weights(&[0.5, 0.5]), ["0.5", "0.5"]);
    assert_eq!(unit_weights(&[0.5, 0.3, 0.2]), ["0.5", "0.3", "0.2"]);
    assert_eq!(unit_weights(&[0.2, 0.2, 0.4]), ["0.25", "0.25", "0.5"]);
    assert_eq!(unit_weights(&[2.0]), ["1"]);
}

#[test]
fn genius_scenario_to_geniusweb() {
    let s = crate::genius::load_folder(&Path::new(GENIUS_DATA).join("golden-additive"), None)
        .unwrap()
        .scenario;
    let tmp = tempfile::tempdir().unwrap();
    let w = save_folder(&s, tmp.path()).unwrap();
    let all = w.join("\n");
    // The seller's weights sum to 0.8; its triangular price and clamped
    // quantity are not linear, so those issues become value lists.
    assert!(all.contains("sum to 0.8"), "{all}");
    assert!(
        all.contains("\"Price\"") && all.contains("\"Quantity\""),
        "{all}"
    );
    assert!(all.contains("discount factor"), "{all}");
    let back = load(tmp.path(), None).unwrap();
    let b = &back.scenario;
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    for p in &b.parties {
        let a = p
            .preferences
            .as_ref()
            .unwrap()
            .utility
            .as_additive()
            .unwrap();
        let sum: f64 = a.weights.iter().sum();
        assert_eq!(sum, 1.0);
    }
    for o in crate::test_support::all_outcomes(&s.issues) {
        assert!(close(utility(&s, "buyer", &o), utility(b, "buyer", &o)));
        assert!(close(
            utility(&s, "seller", &o) / 0.8,
            utility(b, "seller", &o)
        ));
    }
    // The buyer's reservation value 0.3 became a bid with that utility.
    let rv = b.parties[0]
        .preferences
        .as_ref()
        .unwrap()
        .reservation_value
        .unwrap();
    assert!(close(rv, 0.3));
    // The text is what GeniusWeb reads: weights as decimals summing to 1.
    for party in ["buyer", "seller"] {
        let text = std::fs::read_to_string(tmp.path().join(format!("{party}.json"))).unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("\"issueWeights\""))
            .unwrap();
        let inner = &line[line.find("{").unwrap() + 1..line.rfind("}").unwrap()];
        let texts: Vec<String> = inner
            .split(", ")
            .map(|pair| pair.rsplit(": ").next().unwrap().to_string())
            .collect();
        assert_eq!(texts.len(), 3, "{line}");
        assert_unit(&texts);
    }
}

#[test]
fn shared_genius_scenarios_to_geniusweb() {
    let root = PathBuf::from(SHARED);
    if !root.is_dir() {
        eprintln!("skipping: shared GENIUS scenarios not found at {SHARED}");
        return;
    }
    for dir in [
        "misc/Laptop",
        "anac/y2012/CarA",
        "anac/y2015/group1-university",
        "misc/fuzzyagent",
    ] {
        let s = crate::genius::load_folder(&root.join(dir), None)
            .unwrap()
            .scenario;
        let tmp = tempfile::tempdir().unwrap();
        save_folder(&s, tmp.path()).unwrap();
        let b = load(tmp.path(), None).unwrap().scenario;
        for p in &s.parties {
            let a = p
                .preferences
                .as_ref()
                .unwrap()
                .utility
                .as_additive()
                .unwrap();
            let scale: f64 = a.weights.iter().sum();
            let q = b.party_index(&p.name).unwrap();
            let bw: f64 = b.parties[q]
                .preferences
                .as_ref()
                .unwrap()
                .utility
                .as_additive()
                .unwrap()
                .weights
                .iter()
                .sum();
            assert_eq!(bw, 1.0, "{dir}");
            for o in crate::test_support::all_outcomes(&s.issues)
                .into_iter()
                .step_by(7)
            {
                let (x, y) = (utility(&s, &p.name, &o) / scale, utility(&b, &p.name, &o));
                assert!(close(x, y), "{dir} {}: {o:?} {x} {y}", p.name);
            }
        }
    }
    // Nonlinear profiles have no GeniusWeb form.
    let nl = crate::genius::load_folder(&root.join("anac/y2014/10issues"), None)
        .unwrap()
        .scenario;
    let e = save_folder(&nl, tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e}");
}

fn with_profile(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(DATA).join("golden");
    for f in ["fruitdeal.json", "seller.json"] {
        std::fs::copy(src.join(f), tmp.path().join(f)).unwrap();
    }
    let buyer = std::fs::read_to_string(src.join("buyer.json")).unwrap();
    std::fs::write(tmp.path().join("buyer.json"), edit(&buyer)).unwrap();
    tmp
}

#[test]
fn bad_input_is_reported() {
    let e = load(Path::new("/no/such/folder"), None).unwrap_err();
    assert!(matches!(e, Error::Io { .. } | Error::Input(_)), "{e}");
    assert!(e.to_string().contains("/no/such/folder"), "{e}");

    let tmp = with_profile(|t| t.replace("\"fruit\": 0.5,", "\"fruit\": 0.5"));
    let e = load(tmp.path(), None).unwrap_err();
    match &e {
        Error::Format { location, .. } => assert_eq!(location.line, Some(12), "{e}"),
        other => panic!("{other}"),
    }

    let tmp = with_profile(|t| t.replace("\"lowValue\": 1,", "\"lowValue\": 2,"));
    let e = load(tmp.path(), None).unwrap_err().to_string();
    assert!(
        e.contains("from 2 to 5") && e.contains("from 1 to 5"),
        "{e}"
    );

    let tmp = with_profile(|t| t.replace("\"fruit\": 0.5, ", ""));
    let e = load(tmp.path(), None).unwrap_err().to_string();
    assert!(e.contains("\"fruit\" has no weight"), "{e}");

    let tmp = with_profile(|t| t.replace("\"boxes\": 0.2", "\"boxes\": -0.2"));
    let e = load(tmp.path(), None).unwrap_err().to_string();
    assert!(e.contains("negative"), "{e}");

    let tmp = with_profile(|t| t.replace("\"banana\": 1, ", ""));
    let e = load(tmp.path(), None).unwrap_err().to_string();
    assert!(e.contains("\"banana\" has no utility"), "{e}");

    let tmp = with_profile(|t| t.replace("\"boxes\": 3", "\"boxes\": 9"));
    let e = load(tmp.path(), None).unwrap_err().to_string();
    assert!(e.contains("reservationBid"), "{e}");

    let tmp = with_profile(|t| t.replace("LinearAdditiveUtilitySpace", "DefaultPartialOrdering"));
    let e = load(tmp.path(), None).unwrap_err().to_string();
    assert!(e.contains("DefaultPartialOrdering"), "{e}");
    // ... unless the other profiles are chosen.
    let l = load(tmp.path(), Some(&["seller".to_string()])).unwrap();
    assert_eq!(l.scenario.parties.len(), 1);
    let e = load(tmp.path(), Some(&["nobody".to_string()]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("available profiles: buyer, seller"), "{e}");
}

#[test]
fn texts_in_memory_load_like_the_folder() {
    let dir = Path::new(DATA).join("golden");
    let from_disk = load(&dir, None).unwrap();
    let mut files = Vec::new();
    for f in files_with_extension(&dir, "json").unwrap() {
        let text = std::fs::read_to_string(&f).unwrap();
        files.push((f.display().to_string(), text));
    }
    let label = dir.display().to_string();
    let in_memory = from_texts(&label, true, &files, None).unwrap();
    assert_eq!(from_disk.scenario, in_memory.scenario);
    assert_eq!(from_disk.warnings, in_memory.warnings);

    // A single profile uses its embedded domain, named after the file
    // when the domain has no name.
    let profile = files
        .iter()
        .find(|(f, _)| f.ends_with("buyer.json"))
        .unwrap();
    let one = from_texts(&profile.0, false, std::slice::from_ref(profile), None).unwrap();
    assert_eq!(one.scenario.parties.len(), 1);
    assert_eq!(one.scenario.parties[0].name, "buyer");
    assert!(one.warnings.is_empty(), "{:?}", one.warnings);
}

#[test]
fn numeric_issues_geniusweb_cannot_range() {
    let mut s = load(&Path::new(DATA).join("golden"), None)
        .unwrap()
        .scenario;
    let price = s.issue_index("price").unwrap();
    for p in &mut s.parties {
        p.preferences.as_mut().unwrap().reservation_value = None;
    }
    // One value: no number range has it, so it is listed, with a note.
    s.issues[price].kind = IssueKind::Real {
        min: 0.5,
        max: 0.5,
        levels: 1,
    };
    let tmp = tempfile::tempdir().unwrap();
    let notes = save_folder(&s, tmp.path()).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("\"price\"") && n.contains("single value")),
        "{notes:?}"
    );
    let back = load(tmp.path(), None).unwrap().scenario;
    assert_eq!(
        back.issues[price].kind,
        IssueKind::Discrete {
            options: vec!["0.5".into()]
        }
    );
    same_utilities(&s, &back, 1.0);
    // Several levels on one point: the listed values would repeat, which
    // no GeniusWeb value set allows.
    s.issues[price].kind = IssueKind::Real {
        min: 0.5,
        max: 0.5,
        levels: 3,
    };
    let e = write_domain(&s).unwrap_err().to_string();
    assert!(
        e.contains("\"price\"") && e.contains("more than once"),
        "{e}"
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_json_never_panics(text in "\\PC{0,200}") {
        let _ = classify("x.json", &text);
    }
}
