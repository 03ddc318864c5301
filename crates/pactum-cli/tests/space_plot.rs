//! The utility-space SVG of `analyze --plot` and `negotiate --plot`: with
//! three negotiators one panel per pair beside the chosen pair (`--axes`,
//! default the first two), each with its marks (reservation lines, zone of
//! possible agreement, frontier, the four fair packages, offer paths, the
//! agreement), found by element id and class; the same input writes the
//! same bytes; bad `--axes` are refused naming the flag.

mod common;

use common::{pactum, repo};
use predicates::prelude::*;

fn water() -> String {
    repo("examples/three-party-water.toml")
        .to_string_lossy()
        .into_owned()
}

/// Runs `pactum ARGS --plot FILE` and returns the SVG's text.
fn svg(args: &[&str], dir: &tempfile::TempDir, name: &str) -> String {
    let path = dir.path().join(name);
    pactum()
        .args(args)
        .arg("--plot")
        .arg(&path)
        .assert()
        .success();
    std::fs::read_to_string(&path).unwrap()
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
fn three_negotiators_get_one_panel_per_pair_with_every_mark() {
    let dir = tempfile::tempdir().unwrap();
    let text = svg(&["analyze", &water()], &dir, "a.svg");
    assert!(text.starts_with("<svg"));
    assert!(text.contains(r#"<g id="main" class="panel main" data-pair="Upstream|Midstream">"#));
    for (pair, names) in [
        ("pair-0-1", "Upstream|Midstream"),
        ("pair-0-2", "Upstream|Downstream"),
        ("pair-1-2", "Midstream|Downstream"),
    ] {
        assert!(
            text.contains(&format!(
                r#"<g id="{pair}" class="panel pair" data-pair="{names}">"#
            )),
            "{pair} missing"
        );
    }
    assert_eq!(
        count(&text, r#"class="panel "#),
        4,
        "the chosen pair and three panels"
    );
    for panel in ["main", "pair-0-1", "pair-0-2", "pair-1-2"] {
        for mark in [
            "zopa",
            "reservation-x",
            "reservation-y",
            "frontier",
            "nash",
            "kalai-smorodinsky",
            "egalitarian",
            "utilitarian",
        ] {
            assert_eq!(
                count(&text, &format!(r#"id="{panel}-{mark}""#)),
                1,
                "{panel}-{mark}"
            );
        }
    }
    // The four fair packages are marked distinctly, each naming its package on hover.
    for class in [
        "fair-nash",
        "fair-kalai-smorodinsky",
        "fair-egalitarian",
        "fair-utilitarian",
    ] {
        assert_eq!(
            count(&text, &format!(r#"class="fair {class}""#)),
            4,
            "{class}"
        );
    }
    assert!(text.contains("<title>Nash bargaining solution: downstream_share = "));
    // Every outcome of the 2,304 in the chosen pair's cloud.
    let main = &text[..text.find(r#"<g id="legend""#).unwrap()];
    assert_eq!(count(main, r#"<circle class="outcome"#), 2304);
    // analyze has no offers and no agreement.
    assert_eq!(count(&text, r#"class="offer""#), 0);
    assert!(!text.contains(r#"class="agreement""#));
}

#[test]
fn axes_choose_the_pair_drawn_large() {
    let dir = tempfile::tempdir().unwrap();
    let text = svg(
        &["analyze", &water(), "--axes", "Downstream,Upstream"],
        &dir,
        "a.svg",
    );
    assert!(text.contains(r#"<g id="main" class="panel main" data-pair="Downstream|Upstream">"#));
    assert!(text.contains("utility of Downstream"));
    // The old flag's name still works.
    let old = svg(
        &["analyze", &water(), "--plot-parties", "Downstream,Upstream"],
        &dir,
        "b.svg",
    );
    assert_eq!(old, text);
}

#[test]
fn two_negotiators_have_no_all_pairs_view() {
    let dir = tempfile::tempdir().unwrap();
    let car = repo("examples/car-purchase.toml");
    let text = svg(&["analyze", car.to_str().unwrap()], &dir, "a.svg");
    assert!(text.contains(r#"<g id="main" class="panel main""#));
    assert!(!text.contains("pair-0-1"));
    assert!(!text.contains("every pair of negotiators"));
}

#[test]
fn the_same_input_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = svg(&["analyze", &water()], &dir, "a.svg");
    let b = svg(&["analyze", &water()], &dir, "b.svg");
    assert_eq!(a, b);
    let run = [
        "negotiate",
        &water(),
        "--parties",
        "boulware,conceder,linear",
        "--seed",
        "4",
    ];
    let a = svg(&run, &dir, "n1.svg");
    let b = svg(&run, &dir, "n2.svg");
    assert_eq!(a, b);
}

#[test]
fn negotiate_draws_every_partys_offer_path_and_the_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let text = svg(
        &[
            "negotiate",
            &water(),
            "--parties",
            "boulware,conceder,linear",
            "--axes",
            "Midstream,Downstream",
        ],
        &dir,
        "n.svg",
    );
    assert!(text.contains(r#"<g id="main" class="panel main" data-pair="Midstream|Downstream">"#));
    for panel in ["main", "pair-0-1", "pair-0-2", "pair-1-2"] {
        for (k, party) in [
            "Upstream (boulware)",
            "Midstream (conceder)",
            "Downstream (linear)",
        ]
        .iter()
        .enumerate()
        {
            let group =
                format!(r#"<g id="{panel}-offers-{k}" class="offers" data-party="{party}">"#);
            assert!(text.contains(&group), "{group}");
        }
        assert_eq!(
            count(&text, &format!(r#"id="{panel}-agreement""#)),
            1,
            "{panel}"
        );
        assert_eq!(count(&text, &format!(r#"id="{panel}-nash""#)), 1, "{panel}");
    }
    // Paths in time order: one polyline per party and panel.
    assert_eq!(count(&text, r#"<polyline class="offer-path""#), 12);
    assert!(text.contains(r#"<g id="time" class="panel time">"#));
    assert_eq!(count(&text, r#"<polyline class="own-utility""#), 3);
}

#[test]
fn bad_axes_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.svg");
    let out = out.to_str().unwrap();
    for (args, message) in [
        (
            vec!["analyze", "W", "--plot", out, "--axes", "Upstream,Nobody"],
            "--axes: no negotiator named \"Nobody\"",
        ),
        (
            vec!["analyze", "W", "--plot", out, "--axes", "Upstream"],
            "--axes takes exactly two names",
        ),
        (
            vec!["analyze", "W", "--plot", out, "--axes", "Upstream,Upstream"],
            "names \"Upstream\" twice",
        ),
        (
            vec!["analyze", "W", "--axes", "Upstream,Midstream"],
            "give --plot FILE.svg too",
        ),
        (
            vec![
                "negotiate",
                "W",
                "--parties",
                "linear,linear,linear",
                "--plot",
                out,
                "--axes",
                "A,B",
            ],
            "--axes: no negotiator named \"A\"",
        ),
    ] {
        let w = water();
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "W" { w.as_str() } else { a })
            .collect();
        pactum()
            .args(&args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(message));
    }
    assert!(!std::path::Path::new(out).exists(), "nothing written");
}
