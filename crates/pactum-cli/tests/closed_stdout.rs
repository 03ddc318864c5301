//! A closed standard output (a reader that went away, as `pactum … | head -c 100` leaves it)
//! ends every subcommand quietly: killed by SIGPIPE, as conventional tools are, or a clean
//! exit; never a panic or an error message.
#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

mod common;
use common::{repo, write};

/// Runs `pactum ARGS…` with stdout a pipe whose reading end is already closed, and checks
/// that it ended quietly.
fn ends_quietly(args: &[&str]) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_pactum"))
        .args(args)
        .current_dir(repo(""))
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    assert!(
        out.status.success() || out.status.signal() == Some(libc::SIGPIPE),
        "{args:?}: {:?} {stderr}",
        out.status
    );
}

/// A case large enough that its JSON document spans many writes.
fn big_case(dir: &tempfile::TempDir) -> String {
    let mut text = String::from("actor,capability,position,salience\n");
    for i in 0..40 {
        text += &format!("Actor {i},{},{},{}\n", 10 + i, (i * 37) % 101, 20 + i);
    }
    write(dir, "big.csv", &text).display().to_string()
}

#[test]
fn forecast_json_and_text_end_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let case = big_case(&dir);
    ends_quietly(&["forecast", &case, "--model", "smp", "--json"]);
    ends_quietly(&["forecast", &case, "--model", "smp"]);
    ends_quietly(&["forecast", &case, "--model", "bdm", "--json"]);
}

#[test]
fn other_subcommands_end_quietly() {
    ends_quietly(&["analyze", "examples/istanbul-2025.toml"]);
    ends_quietly(&["analyze", "examples/istanbul-2025.toml", "--json"]);
    ends_quietly(&["validate", "examples/istanbul-2025.toml"]);
    ends_quietly(&["--help"]);
    ends_quietly(&["forecast", "--help"]);
}
