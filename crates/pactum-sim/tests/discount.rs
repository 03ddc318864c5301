//! Discounting as GENIUS defines it: a party with discount factor d values a
//! result reached at relative time t at u·d^t, its reservation value
//! included; negotiators decide on undiscounted utilities, so discounting
//! changes the score of a negotiation, never its moves. Switched off, results
//! and tournament files are exactly those of the undiscounted scenario.

mod common;

use common::files;
use pactum_sim::tournament::{Tournament, merge};
use pactum_sim::{Config, End, Prepared, negotiate};

/// Five prices; A values them 0, .25, .5, .75, 1 and B the reverse; each
/// party's `discount_factor` and reservation value as given.
fn line(discounts: [Option<f64>; 2], reservations: [Option<f64>; 2]) -> Prepared {
    let extra = |d: Option<f64>, r: Option<f64>| {
        let mut s = String::new();
        if let Some(d) = d {
            s += &format!("discount_factor = {d}\n");
        }
        if let Some(r) = r {
            s += &format!("reservation = {r}\n");
        }
        s
    };
    let text = format!(
        r#"
name = "line"
[[issues]]
name = "price"
options = ["p0", "p1", "p2", "p3", "p4"]

[[parties]]
name = "A"
{}weights = {{ price = 1.0 }}
values.price = {{ p0 = 0.0, p1 = 0.25, p2 = 0.5, p3 = 0.75, p4 = 1.0 }}

[[parties]]
name = "B"
{}weights = {{ price = 1.0 }}
values.price = {{ p0 = 1.0, p1 = 0.75, p2 = 0.5, p3 = 0.25, p4 = 0.0 }}
"#,
        extra(discounts[0], reservations[0]),
        extra(discounts[1], reservations[1])
    );
    Prepared::new(
        pactum_core::native::from_toml("line.toml", &text)
            .unwrap()
            .scenario,
    )
    .unwrap()
}

#[test]
fn an_agreement_is_worth_u_times_d_to_the_t() {
    let steps = 20;
    let p = line([Some(0.5), Some(0.75)], [None, None]);
    let r = negotiate(&p, &["conceder", "conceder"], &Config::sao(steps, 7)).unwrap();
    let a = r.agreement.expect("an agreement");
    assert_eq!(r.end, End::Agreement { outcome: a });
    let d = r.discounted.as_ref().expect("discounted");
    // The agreement came in round r.steps − 1 (from 0), at relative time
    // r.steps / (steps + 1).
    assert_eq!(d.time, r.steps as f64 / (steps + 1) as f64);
    assert!(d.time > 0.0 && d.time < 1.0);
    assert_eq!(r.utilities, p.utilities(a));
    for (i, f) in [0.5_f64, 0.75].into_iter().enumerate() {
        assert_eq!(
            d.utilities[i].to_bits(),
            (r.utilities[i] * f.powf(d.time)).to_bits()
        );
        assert!(d.utilities[i] < r.utilities[i]);
    }
}

#[test]
fn without_agreement_the_reservation_value_is_discounted_at_the_deadline() {
    let p = line([Some(0.5), None], [Some(0.4), Some(0.3)]);
    let r = negotiate(&p, &["hardliner", "hardliner"], &Config::sao(10, 1)).unwrap();
    assert_eq!(r.end, End::Deadline);
    assert_eq!(r.agreement, None);
    assert_eq!(r.utilities, vec![0.4, 0.3]);
    let d = r.discounted.as_ref().expect("discounted");
    assert_eq!(d.time, 1.0);
    // A: 0.4·0.5¹; B has no discount factor.
    assert_eq!(d.utilities, vec![0.4 * 0.5, 0.3]);
}

#[test]
fn discounting_changes_the_score_not_the_moves() {
    let discounted = line([Some(0.5), Some(0.9)], [Some(0.2), None]);
    let plain = line([None, None], [Some(0.2), None]);
    let off = discounted.clone().without_discount();
    assert!(discounted.discounted() && !off.discounted() && !plain.discounted());
    for strategies in [
        ["boulware", "conceder"],
        ["micro", "tit-for-tat"],
        ["random", "nash-seeker"],
    ] {
        let mut config = Config::sao(30, 3);
        config.record = true;
        let a = negotiate(&discounted, &strategies, &config).unwrap();
        let b = negotiate(&plain, &strategies, &config).unwrap();
        let c = negotiate(&off, &strategies, &config).unwrap();
        assert_eq!(a.trace, b.trace, "{strategies:?}");
        assert_eq!(a.utilities, b.utilities);
        assert!(a.discounted.is_some());
        assert_eq!(b.discounted, None);
        // Switched off: the undiscounted scenario's result, field for field.
        assert_eq!(c, b);
    }
    // A discount factor of 1 (GENIUS's "no discounting") discounts nothing.
    assert!(!line([Some(1.0), None], [None, None]).discounted());
}

fn tournament(p: Prepared) -> Tournament {
    Tournament::new(
        vec![("line".to_string(), p)],
        ["boulware", "conceder", "random"]
            .map(String::from)
            .to_vec(),
        15,
        2,
        9,
        false,
    )
    .unwrap()
}

#[test]
fn tournament_rows_carry_discounted_utilities_at_the_end() {
    let t = tournament(line([Some(0.5), Some(0.75)], [Some(0.1), None]));
    assert!(t.manifest.discount);
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    t.run(one.path(), None, 1, &|_| {}).unwrap();
    t.run(two.path(), Some((1, 1)), 2, &|_| {}).unwrap();
    let csv = std::fs::read_to_string(one.path().join("negotiations.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(",distance_nash,time,discounted_utility_a,discounted_utility_b"),
        "{header}"
    );
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(one.path().join("negotiations.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(rows.len(), 12);
    for r in &rows {
        let t = r["time"].as_f64().unwrap();
        for (side, d) in [("a", 0.5_f64), ("b", 0.75)] {
            let u = r[format!("utility_{side}")].as_f64().unwrap();
            let du = r[format!("discounted_utility_{side}")].as_f64().unwrap();
            assert_eq!(du.to_bits(), (u * d.powf(t)).to_bits(), "{r}");
        }
    }
    let summary = std::fs::read_to_string(one.path().join("summary.json")).unwrap();
    assert!(summary.contains("mean_discounted_utility"), "{summary}");
    // Byte-identical whatever the threads (the manifest differs in its shard only).
    let mut a = files(one.path());
    let mut b = files(two.path());
    a.retain(|(n, _)| n != "manifest.json");
    b.retain(|(n, _)| n != "manifest.json");
    assert_eq!(a, b);
    // … and the shards merged (rows read back from JSON Lines keep every
    // bit: discounted utilities use all 17 digits).
    let shards: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    for (i, d) in shards.iter().enumerate() {
        t.run(d.path(), Some((i + 1, 2)), 1, &|_| {}).unwrap();
    }
    let merged = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = shards.iter().map(|d| d.path().to_path_buf()).collect();
    merge(&dirs, merged.path()).unwrap();
    for ((n, a), (m, b)) in files(merged.path()).iter().zip(&files(one.path())) {
        assert_eq!(n, m);
        assert!(
            a == b,
            "{n} differs after merging:\n{}\n---\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

#[test]
fn a_tournament_with_discounting_off_is_the_undiscounted_one() {
    let off = tournament(line([Some(0.5), Some(0.75)], [Some(0.1), None]).without_discount());
    let plain = tournament(line([None, None], [Some(0.1), None]));
    assert!(!off.manifest.discount);
    let (x, y) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    off.run(x.path(), None, 2, &|_| {}).unwrap();
    plain.run(y.path(), None, 1, &|_| {}).unwrap();
    assert_eq!(files(x.path()), files(y.path()));
    let csv = std::fs::read_to_string(x.path().join("negotiations.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",distance_nash"));
}
