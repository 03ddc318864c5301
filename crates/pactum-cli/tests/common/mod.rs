//! Helpers shared by the CLI's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

pub mod server;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `pactum` binary under test.
pub fn pactum() -> Command {
    Command::cargo_bin("pactum").unwrap()
}

/// A path relative to the repository root.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: impl AsRef<Path>, name: &str, text: &str) -> PathBuf {
    let path = dir.as_ref().join(name);
    std::fs::write(&path, text).unwrap();
    path
}
