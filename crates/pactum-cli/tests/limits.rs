//! Absurd inputs get a sentence and a non-zero exit, never an abort, a hang
//! or a huge allocation: issues too large to analyse, issues too large to
//! index, numbers too large to sum, FIFOs, devices and multi-gigabyte files
//! given as scenarios or forecast inputs, and absurd Monte Carlo counts.

use std::path::Path;
use std::time::Duration;

mod common;
use common::{pactum, write};

/// Runs `pactum ARGS…` (at most 30 s) and returns its stderr, asserting a
/// plain failure: exit status 1, not a signal (an abort is 134) or success.
fn fails(args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let out = pactum()
        .args(args.iter().map(|a| a.as_ref()))
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{:?}: {stderr}", out.status);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Two parties over one issue `price`, declared by `issue`.
fn price(issue: &str, weight: &str) -> String {
    format!(
        r#"
name = "price"
[[issues]]
name = "price"
{issue}
[[parties]]
name = "Buyer"
weights = {{ price = {weight} }}
values.price = {{ type = "linear", slope = -1e-9, offset = 1.0 }}
[[parties]]
name = "Seller"
weights = {{ price = 1.0 }}
values.price = {{ type = "linear", slope = 1e-9, offset = 0.0 }}
"#
    )
}

const HUGE_INTEGER: &str = "type = \"integer\"\nmin = 0\nmax = 4294967294";
const HUGE_REAL: &str = "type = \"real\"\nmin = 0.0\nmax = 1.0\nlevels = 4294967301";

#[test]
fn analyze_refuses_an_issue_beyond_the_budget_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "s.toml", &price(HUGE_INTEGER, "1.0"));
    let err = fails(&[&"analyze", &path]);
    assert!(
        err.contains(
            "issue `price` has 4294967295 values; the analysis handles at most 1000000 values per issue"
        ),
        "{err}"
    );
    assert!(err.contains("cannot analyse"), "{err}");
}

#[test]
fn validate_says_valid_but_beyond_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "s.toml", &price(HUGE_INTEGER, "1.0"));
    let err = fails(&[&"validate", &path]);
    assert!(
        err.contains("is valid as a model but cannot be analysed within the analysis budget"),
        "{err}"
    );
    assert!(err.contains("4294967295 values"), "{err}");
}

#[test]
fn an_issue_too_large_to_index_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "s.toml", &price(HUGE_REAL, "1.0"));
    for command in ["validate", "analyze"] {
        let err = fails(&[&command, &path]);
        assert!(
            err.contains(
                "issues[0] (price).levels: 4294967301 levels; an issue has at most 4294967295 values"
            ),
            "{err}"
        );
    }
}

#[test]
fn absurd_numbers_are_refused_where_they_enter() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "s.toml",
        &price("type = \"integer\"\nmin = 0\nmax = 10", "1e308"),
    );
    let err = fails(&[&"analyze", &"--json", &path]);
    assert!(
        err.contains("parties[0] (Buyer).weights.price: weight 1e308 is too large"),
        "{err}"
    );
    let fine = write(
        &dir,
        "t.toml",
        &price("type = \"integer\"\nmin = 0\nmax = 10", "1.0"),
    );
    let err = fails(&[&"analyze", &fine, &"--set", &"Buyer.reservation=1e308"]);
    assert!(err.contains("reservation value 1e308"), "{err}");
}

/// A FIFO with no writer: opening it would block for ever.
fn fifo(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let path = dir.join(name);
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if made.is_ok_and(|s| s.success()) {
        Some(path)
    } else {
        eprintln!("skipping the FIFO cases: mkfifo is unavailable");
        None
    }
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let Some(scenario) = fifo(dir.path(), "s.toml") else {
        return;
    };
    for command in ["analyze", "validate"] {
        let err = fails(&[&command, &scenario]);
        assert!(
            err.contains("s.toml: is a FIFO (named pipe), not a regular file or a folder"),
            "{err}"
        );
    }
    let Some(case) = fifo(dir.path(), "case.csv") else {
        return;
    };
    let err = fails(&[&"forecast", &case]);
    assert!(err.contains("case.csv: is a FIFO (named pipe)"), "{err}");
    let err = fails(&[&"forecast", &"backtest", &case]);
    assert!(err.contains("case.csv: is a FIFO (named pipe)"), "{err}");
}

#[test]
fn a_device_is_refused_without_reading_it() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("skipping: no /dev/zero");
        return;
    }
    for args in [
        &["analyze", "/dev/zero"][..],
        &["validate", "/dev/zero"],
        &["forecast", "/dev/zero"],
    ] {
        let args: Vec<&dyn AsRef<std::ffi::OsStr>> = args
            .iter()
            .map(|a| a as &dyn AsRef<std::ffi::OsStr>)
            .collect();
        let err = fails(&args);
        assert!(
            err.contains("/dev/zero: is a character device, not a regular file or a folder"),
            "{err}"
        );
    }
}

#[test]
fn a_multi_gigabyte_file_is_refused_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["big.toml", "big.csv"] {
        let path = dir.path().join(name);
        // Sparse: 5 GiB of size on no disk space.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(5 << 30)
            .unwrap();
        let command = if name.ends_with(".csv") {
            "forecast"
        } else {
            "analyze"
        };
        let err = fails(&[&command, &path]);
        assert!(
            err.contains(&format!(
                "{name}: is 5368709120 bytes; input files are read up to 67108864 bytes (64 MiB)"
            )),
            "{err}"
        );
    }
}

#[test]
fn a_forecast_position_of_1e308_is_refused_naming_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let case = write(
        &dir,
        "case.csv",
        "actor,capability,position,salience\nA,10,0,50\nB,20,1e308,50\nC,30,40,80\n",
    );
    let err = fails(&[&"forecast", &case]);
    assert!(err.contains("case.csv:3: field `position`"), "{err}");
    assert!(err.contains("position 1e308 is too large"), "{err}");
    let case = write(
        &dir,
        "cap.csv",
        "actor,capability,position,salience\nA,1e308,0,50\nB,20,100,50\n",
    );
    let err = fails(&[&"forecast", &case]);
    assert!(err.contains("cap.csv:2: field `capability`"), "{err}");
}

#[test]
fn an_absurd_monte_carlo_count_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let case = write(
        &dir,
        "case.csv",
        "actor,capability,position,salience\nA,10,0,50\nB,20,100,50\nC,30,40,80\n",
    );
    let err = fails(&[&"forecast", &case, &"--monte-carlo", &"1000000000"]);
    assert!(
        err.contains("--monte-carlo 1000000000: at most 1000000 draws are run"),
        "{err}"
    );
}
