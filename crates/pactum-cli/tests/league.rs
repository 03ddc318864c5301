//! `pactum tournament --league anl2024|anl2026`: generated scenarios and
//! results byte-identical for a seed, each side's reservation value only in
//! its own party of the written scenario, the scores and the summary
//! recomputed from the rows, the `llm` strategy seated through the
//! `--llm-*` flags (against a loopback stand-in endpoint, its cache
//! replaying a league offline), an interrupted league resumed from its
//! partial file, a league played in 2 and 3 shards merged into the files of
//! the whole league byte for byte, and the refusals.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::pactum;
use pactum_llm::stand_in::{Reply, StandIn, last_question};

fn run(league: &str, out: &Path) -> assert_cmd::assert::Assert {
    run_with(league, out, &[])
}

/// [`run`] with more flags.
fn run_with(league: &str, out: &Path, more: &[&str]) -> assert_cmd::assert::Assert {
    pactum()
        .args(["tournament", "--league", league])
        .args(more)
        .args([
            "--strategies",
            "boulware,nash-seeker,conceder",
            "--league-scenarios",
            "4",
            "--league-outcomes",
            "30-60",
            "--league-steps",
            "20-200",
            "--reps",
            "2",
            "--seed",
            "11",
            "--out",
        ])
        .arg(out)
        .assert()
}

fn rows(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("negotiations.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for d in [dir.to_path_buf(), dir.join("scenarios")] {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                v.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn same_seed_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run("anl2026", &a)
        .success()
        .stdout(predicate::str::contains("concealment"));
    run("anl2026", &b).success();
    let strip = |v: Vec<(String, Vec<u8>)>, d: &Path| {
        v.into_iter()
            .map(|(p, b)| (p.replace(&d.display().to_string(), ""), b))
            .collect::<Vec<_>>()
    };
    let fa = strip(files(&a), &a);
    // league.json, negotiations.{csv,jsonl}, summary.csv and 4 scenarios.
    assert_eq!(
        fa.len(),
        4 + 4,
        "{:?}",
        fa.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(fa, strip(files(&b), &b));
}

#[test]
fn reservation_values_are_each_sides_own_and_scores_follow_from_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("l");
    run("anl2026", &out).success();
    let rows = rows(&out);
    // 3 strategies with self-play: 9 ordered pairs × 2 repetitions × 4 scenarios.
    assert_eq!(rows.len(), 9 * 2 * 4);
    for r in &rows {
        let label = r["scenario"].as_str().unwrap();
        let toml =
            std::fs::read_to_string(out.join("scenarios").join(format!("{label}.toml"))).unwrap();
        // Each party block holds one reservation value: its own.
        let parties: Vec<&str> = toml.split("[[parties]]").skip(1).collect();
        assert_eq!(parties.len(), 2);
        for (side, block) in ["a", "b"].iter().zip(&parties) {
            let written: Vec<f64> = block
                .lines()
                .filter_map(|l| l.strip_prefix("reservation = "))
                .map(|v| v.parse().unwrap())
                .collect();
            assert_eq!(
                written,
                [r[format!("reservation_{side}")].as_f64().unwrap()]
            );
        }
        for side in ["a", "b"] {
            let f = |k: &str| r[format!("{k}_{side}")].as_f64();
            let (u, res, best) = (
                f("utility").unwrap(),
                f("reservation").unwrap(),
                f("best").unwrap(),
            );
            let agreement = r["agreement"].as_bool().unwrap();
            let adv = if agreement && best > res {
                (u - res) / (best - res)
            } else {
                0.0
            };
            assert_eq!(f("advantage").unwrap(), adv);
            let conceal = f("tau").map_or(1.0, |t| ((1.0 - t) / 2.0).clamp(0.0, 1.0));
            assert_eq!(f("concealment").unwrap(), conceal);
            assert_eq!(f("score").unwrap(), adv + conceal);
        }
    }
    // The summary: each strategy's mean over the seats it held.
    let head: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("league.json")).unwrap()).unwrap();
    for s in head["summary"].as_array().unwrap() {
        let name = s["strategy"].as_str().unwrap();
        let (mut n, mut adv, mut score) = (0.0, 0.0, 0.0);
        for r in &rows {
            for side in ["a", "b"] {
                if r[format!("strategy_{side}")] == name {
                    n += 1.0;
                    adv += r[format!("advantage_{side}")].as_f64().unwrap();
                    score += r[format!("score_{side}")].as_f64().unwrap();
                }
            }
        }
        assert_eq!(s["negotiations"].as_f64().unwrap(), n);
        assert!((s["mean_advantage"].as_f64().unwrap() - adv / n).abs() < 1e-12);
        assert!((s["mean_score"].as_f64().unwrap() - score / n).abs() < 1e-12);
    }
}

#[test]
fn anl2024_scores_advantage_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("l");
    run("anl2024", &out)
        .success()
        .stdout(predicate::str::contains("advantage"))
        .stdout(predicate::str::contains("concealment").not());
    assert!(rows(&out).iter().all(|r| r["concealment_a"].is_null()));
}

#[test]
fn refusals() {
    let tmp = tempfile::tempdir().unwrap();
    pactum()
        .args([
            "tournament",
            "--league",
            "anl2025",
            "--strategies",
            "boulware,linear",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .failure();
    pactum()
        .args([
            "tournament",
            "--league",
            "anl2024",
            "--strategies",
            "boulware,linear",
        ])
        .args(["--league-outcomes", "abc", "--out"])
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("--league-outcomes"));
    pactum()
        .args([
            "tournament",
            "--strategies",
            "boulware,linear",
            "--league-scenarios",
            "3",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .failure();
    // A league draws its own deadlines: --steps is refused, not ignored.
    pactum()
        .args(["tournament", "--league", "anl2024", "--steps", "50"])
        .args(["--strategies", "boulware,linear", "--out"])
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("--steps"));
}

/// A stand-in endpoint that accepts whatever it may accept and otherwise
/// offers its first candidate.
fn stand_in() -> StandIn {
    StandIn::start(|_, request| {
        let content = if last_question(request).contains("you may accept it") {
            serde_json::json!({"move": "accept", "candidate": 0, "message": "Agreed."})
        } else {
            serde_json::json!({"move": "offer", "candidate": 1, "message": "This one?"})
        };
        Reply::Content(content.to_string())
    })
}

#[test]
fn llm_plays_a_league_through_the_llm_flags_and_its_cache_replays_it() {
    let endpoint = stand_in();
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let league = |url: &str, out: &Path| {
        pactum()
            .args(["tournament", "--league", "anl2026"])
            .args(["--strategies", "llm,boulware"])
            .args(["--league-scenarios", "2", "--league-outcomes", "20-40"])
            .args(["--league-steps", "10-20", "--reps", "1", "--seed", "5"])
            .args(["--llm-url", url, "--llm-model", "stand-in", "--llm-cache"])
            .arg(&cache)
            .env_remove("PACTUM_LLM_URL")
            .env_remove("PACTUM_LLM_MODEL")
            .env_remove("PACTUM_LLM_API_KEY")
            .arg("--out")
            .arg(out)
            .assert()
    };
    let first = tmp.path().join("first");
    league(endpoint.url(), &first).success();
    assert!(!endpoint.requests().is_empty());
    let rows = rows(&first);
    // 2 strategies with self-play: 4 ordered pairs × 2 scenarios.
    assert_eq!(rows.len(), 4 * 2);
    let llm_seats = rows
        .iter()
        .flat_map(|r| [&r["strategy_a"], &r["strategy_b"]])
        .filter(|s| *s == "llm")
        .count();
    assert_eq!(llm_seats, 4 * 2);
    assert!(rows.iter().all(|r| r["end"] != "invalid"), "{rows:?}");
    // Offline (nobody listens there), from the cache: the same files.
    let again = tmp.path().join("again");
    league("http://127.0.0.1:9/v1", &again).success();
    for f in ["negotiations.jsonl", "league.json"] {
        assert_eq!(
            std::fs::read(first.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap()
        );
    }
    // Without an endpoint the flags are named.
    pactum()
        .args(["tournament", "--league", "anl2024"])
        .args(["--strategies", "llm,boulware", "--out"])
        .arg(tmp.path().join("none"))
        .env_remove("PACTUM_LLM_URL")
        .env_remove("PACTUM_LLM_MODEL")
        .assert()
        .failure()
        .stderr(predicate::str::contains("language model"));
}

/// The partial file of `dir`'s finished league cut after `rows` rows and
/// part of the next, as an interrupted run leaves it.
fn partial(dir: &Path, rows: usize) -> String {
    let head: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("league.json")).unwrap()).unwrap();
    let mut named = serde_json::Map::new();
    for key in ["league", "settings", "seed", "strategies", "negotiations"] {
        named.insert(key.into(), head[key].clone());
    }
    let lines: Vec<String> = std::fs::read_to_string(dir.join("negotiations.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut text = Value::Object(named).to_string() + "\n";
    for l in &lines[..rows] {
        text += l;
        text.push('\n');
    }
    text += &lines[rows][..30];
    text
}

#[test]
fn an_interrupted_league_resumes_from_its_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    run("anl2026", &whole).success();
    // Resumed after 40 rows: the same files as one run, the partial gone.
    let resumed = tmp.path().join("resumed");
    std::fs::create_dir_all(&resumed).unwrap();
    std::fs::write(
        resumed.join("negotiations.jsonl.partial"),
        partial(&whole, 40),
    )
    .unwrap();
    run("anl2026", &resumed).success();
    let strip = |d: &Path| {
        files(d)
            .into_iter()
            .map(|(p, b)| (p.replace(&d.display().to_string(), ""), b))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&whole), strip(&resumed));
    assert!(!resumed.join("negotiations.jsonl.partial").exists());
    // The rows kept are not played again: a row marked in the partial file
    // comes out as marked.
    let marked = tmp.path().join("marked");
    std::fs::create_dir_all(&marked).unwrap();
    let text = partial(&whole, 40).replacen("\"rep\":0", "\"rep\":7", 1);
    std::fs::write(marked.join("negotiations.jsonl.partial"), text).unwrap();
    run("anl2026", &marked).success();
    let rows = rows(&marked);
    assert_eq!(rows[0]["rep"], 7);
    assert_eq!(rows[1..], self::rows(&whole)[1..]);
    // Another league's partial file is refused.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("negotiations.jsonl.partial"),
        partial(&whole, 3).replacen("\"seed\":11", "\"seed\":12", 1),
    )
    .unwrap();
    run("anl2026", &other)
        .failure()
        .stderr(predicate::str::contains("another league"));
}

/// Every file under `dir` (and `scenarios/`), by path relative to `dir`.
fn relative_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let root = dir.display().to_string();
    files(dir)
        .into_iter()
        .map(|(p, b)| (p.replace(&root, ""), b))
        .collect()
}

#[test]
fn shards_merge_into_the_files_of_the_whole_league() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    run("anl2026", &whole)
        .success()
        .stdout(predicate::str::contains("72 negotiations, results"));
    let want = relative_files(&whole);
    assert_eq!(want.len(), 4 + 4);
    for n in [2usize, 3] {
        let mut dirs = Vec::new();
        for i in 1..=n {
            let dir = tmp.path().join(format!("{n}-{i}"));
            let shard = format!("{i}/{n}");
            run_with("anl2026", &dir, &["--shard", &shard, "--quiet"])
                .success()
                .stdout(predicate::str::contains(format!(
                    "72 negotiations (shard {i}/{n}: {})",
                    (0..72).filter(|k| k % n == i - 1).count()
                )));
            let shard_rows = rows(&dir);
            assert!(
                shard_rows
                    .iter()
                    .all(|r| r["id"].as_u64().unwrap() % n as u64 == (i - 1) as u64)
            );
            dirs.push(dir);
        }
        let merged = tmp.path().join(format!("merged-{n}"));
        pactum()
            .args(["tournament", "merge"])
            .args(&dirs)
            .arg("--out")
            .arg(&merged)
            .assert()
            .success()
            .stdout(
                predicate::str::contains("of anl2026").and(predicate::str::contains("concealment")),
            );
        let got = relative_files(&merged);
        assert_eq!(got.len(), want.len());
        for ((gp, gb), (wp, wb)) in got.iter().zip(&want) {
            assert_eq!(gp, wp);
            assert!(gb == wb, "{gp} differs from the whole league's");
        }
    }
    // Shards of another seed, or too few shards, are refused.
    let other = tmp.path().join("other");
    pactum()
        .args(["tournament", "--league", "anl2026", "--shard", "2/2"])
        .args(["--strategies", "boulware,nash-seeker,conceder"])
        .args(["--league-scenarios", "4", "--league-outcomes", "30-60"])
        .args(["--league-steps", "20-200", "--reps", "2", "--seed", "12"])
        .args(["--quiet", "--out"])
        .arg(&other)
        .assert()
        .success();
    pactum()
        .args(["tournament", "merge"])
        .arg(tmp.path().join("2-1"))
        .arg(&other)
        .arg("--out")
        .arg(tmp.path().join("bad"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("another league"));
    pactum()
        .args(["tournament", "merge"])
        .arg(tmp.path().join("3-1"))
        .arg(tmp.path().join("3-3"))
        .arg("--out")
        .arg(tmp.path().join("bad"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing shards"));
}
