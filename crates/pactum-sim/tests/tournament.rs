//! Tournaments: the pairings, the summary, and byte-identical results
//! whatever the number of threads or shards, and after an interruption.

mod common;

use common::{files, line};
use pactum_sim::tournament::{Tournament, merge};

fn tournament(strategies: &[&str], steps: usize, reps: usize, self_play: bool) -> Tournament {
    let scenarios = vec![
        ("line".to_string(), line([None, None])),
        ("line-rv".to_string(), line([Some(0.3), Some(0.4)])),
    ];
    Tournament::new(
        scenarios,
        strategies.iter().map(|s| s.to_string()).collect(),
        steps,
        reps,
        42,
        self_play,
    )
    .unwrap()
}

#[test]
fn pairings_cover_both_role_orders() {
    let t = tournament(&["boulware", "conceder", "micro"], 10, 2, false);
    // 3 pairs × 2 orders × 2 repetitions × 2 scenarios.
    assert_eq!(t.manifest.negotiations, 24);
    let jobs = t.jobs();
    assert_eq!((jobs[0].first, jobs[0].second, jobs[0].rep), (0, 1, 0));
    assert_eq!((jobs[1].first, jobs[1].second, jobs[1].rep), (0, 1, 1));
    assert_eq!((jobs[2].first, jobs[2].second), (1, 0));
    let t = tournament(&["boulware", "conceder", "micro"], 10, 2, true);
    // Plus 3 self-pairings × 2 repetitions × 2 scenarios.
    assert_eq!(t.manifest.negotiations, 36);
}

#[test]
fn summary_by_hand() {
    // Boulware vs Conceder on the line, 4 rounds: p3 (A 0.75, B 0.25) with
    // Boulware as A; mirrored (p1) with Boulware as B.
    let t = Tournament::new(
        vec![("line".to_string(), line([None, None]))],
        vec!["boulware".into(), "conceder".into()],
        4,
        1,
        0,
        false,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let summary = t.run(dir.path(), None, 1, &|_| {}).unwrap();
    let b = &summary[0];
    assert_eq!(
        (b.strategy.as_str(), b.negotiations, b.agreements),
        ("boulware", 2, 2)
    );
    assert_eq!(b.agreement_rate, 1.0);
    assert_eq!(b.mean_utility, 0.75);
    assert_eq!(b.mean_advantage, 0.75);
    assert_eq!(b.mean_welfare, 1.0);
    assert_eq!(b.mean_distance_frontier, Some(0.0));
    assert!((b.mean_distance_nash.unwrap() - 0.125f64.sqrt()).abs() < 1e-12);
    let c = &summary[1];
    assert_eq!((c.strategy.as_str(), c.mean_utility), ("conceder", 0.25));
    let csv = std::fs::read_to_string(dir.path().join("negotiations.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[1],
        "0,line,0,boulware,conceder,A,B,true,price=p3,4,agreement,0.75,0.25,0.0,0.0,1.0,0.0,0.3535533905932738"
    );
    assert!(
        lines[2].starts_with("1,line,0,conceder,boulware,A,B,true,price=p1,4,agreement,0.25,0.75,")
    );
}

#[test]
fn same_seed_same_bytes_whatever_the_threads_and_shards() {
    let strategies = ["boulware", "random", "micro", "nash-seeker", "tit-for-tat"];
    let t = tournament(&strategies, 30, 3, true);
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    t.run(one.path(), None, 1, &|_| {}).unwrap();
    t.run(two.path(), None, 2, &|_| {}).unwrap();
    let reference = files(one.path());
    assert_eq!(reference.len(), 5);
    assert_eq!(files(two.path()), reference);

    let shards: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (i, d) in shards.iter().enumerate() {
        t.run(d.path(), Some((i + 1, 3)), 2, &|_| {}).unwrap();
    }
    let shard_rows = std::fs::read_to_string(shards[1].path().join("negotiations.jsonl")).unwrap();
    assert_eq!(
        shard_rows.lines().count() as u64,
        t.manifest.negotiations / 3
    );
    let merged = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = shards.iter().map(|d| d.path().to_path_buf()).collect();
    merge(&dirs, merged.path()).unwrap();
    assert_eq!(files(merged.path()), reference);

    // A missing shard is an error, not a silent partial summary.
    let err = merge(&dirs[..2], tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(err.to_string().contains("missing shards?"), "{err}");
}

#[test]
fn an_interrupted_run_resumes() {
    let t = tournament(&["boulware", "conceder", "random"], 20, 2, false);
    let full = tempfile::tempdir().unwrap();
    t.run(full.path(), None, 2, &|_| {}).unwrap();
    let reference = files(full.path());

    // Leave half the rows (the first one altered, to see that it is reused,
    // not replayed) and a torn line, as a killed run would.
    let rows = std::fs::read_to_string(full.path().join("negotiations.jsonl")).unwrap();
    let kept: Vec<&str> = rows.lines().take(6).collect();
    let altered = kept[0]
        .replace("\"rep\":0", "\"rep\":0,\"x\":1")
        .replace("\"steps\":", "\"steps\":1000");
    let mut partial = altered.clone() + "\n";
    for l in &kept[1..] {
        partial += l;
        partial += "\n";
    }
    partial += &rows.lines().nth(7).unwrap()[..20];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("negotiations.jsonl.partial"), partial).unwrap();
    std::fs::copy(
        full.path().join("manifest.json"),
        dir.path().join("manifest.json"),
    )
    .unwrap();
    t.run(dir.path(), None, 2, &|_| {}).unwrap();
    assert!(!dir.path().join("negotiations.jsonl.partial").exists());
    let resumed = std::fs::read_to_string(dir.path().join("negotiations.jsonl")).unwrap();
    assert!(
        resumed.lines().next().unwrap().contains("\"steps\":1000"),
        "row 0 was reused"
    );
    // Everything else is as in an uninterrupted run.
    assert_eq!(
        resumed.lines().skip(1).collect::<Vec<_>>(),
        rows.lines().skip(1).collect::<Vec<_>>()
    );
    let _ = reference;

    // Another tournament in the same folder is refused.
    let other = tournament(&["boulware", "conceder"], 20, 2, false);
    let err = other.run(dir.path(), None, 1, &|_| {}).unwrap_err();
    assert!(
        err.to_string().contains("holds another tournament"),
        "{err}"
    );
}

#[test]
fn bad_tournaments_are_errors() {
    let scen = || vec![("line".to_string(), line([None, None]))];
    let err = |s: &[&str], steps, reps| {
        Tournament::new(
            scen(),
            s.iter().map(|x| x.to_string()).collect(),
            steps,
            reps,
            0,
            false,
        )
        .err()
        .unwrap()
        .to_string()
    };
    assert!(err(&["boulware", "bogus"], 10, 1).starts_with("unknown strategy \"bogus\""));
    assert_eq!(
        err(&["boulware", "conceder"], 0, 1),
        "the deadline must allow at least one round: 0 rounds"
    );
    assert_eq!(
        err(&["boulware", "conceder"], 10, 0),
        "the number of repetitions must be at least 1"
    );
    assert_eq!(
        err(&["boulware"], 10, 1),
        "a tournament needs at least two strategies, or self-play"
    );
    let t = Tournament::new(
        scen(),
        vec!["boulware".into(), "conceder".into()],
        5,
        1,
        0,
        false,
    )
    .unwrap();
    let e = t
        .run(
            tempfile::tempdir().unwrap().path(),
            Some((4, 3)),
            1,
            &|_| {},
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "shard 4/3: give i/n with 1 ≤ i ≤ n");
}
