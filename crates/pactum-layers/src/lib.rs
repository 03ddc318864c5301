//! The workspace's module rule, checked over its sources: in every crate,
//! modules import only downward, and no two modules import each other,
//! directly or in a circle. A module is a file; a module stands, towards
//! the rest of its crate, for itself and everything beneath it, so a circle
//! is one among the children of one module (the crate root's included);
//! imports between a module and its own descendants (a parent declaring,
//! re-exporting and using its parts, a part using what its parent defines)
//! are the usual pattern and no circle. Test code (`#[cfg(test)]`) is left
//! out: it may reach anywhere.
//!
//! The layers: [`lexer`] (text → tokens) → [`items`] (tokens → what a file
//! declares, uses and names) → [`tree`] (a crate's files from its root) →
//! [`graph`] (which module imports which) → [`circles`](mod@circles) (the rule). The
//! workspace-wide test is `tests/no_circles.rs`; crates with a stricter
//! layering (pactum-server) check it over [`graph::imports`].

#![warn(missing_docs)]

pub mod circles;
pub mod error;
pub mod graph;
pub mod items;
pub mod lexer;
pub mod tree;

use std::path::{Path, PathBuf};

pub use circles::{Circle, circles};
pub use error::LayersError;
pub use graph::{Imports, imports};
pub use tree::{CrateTree, ModulePath, display};

/// The root files of the crate in `dir`: `src/lib.rs`, `src/main.rs` and
/// each `src/bin/*.rs`, those that exist, each the root of its own tree.
pub fn roots(dir: &Path) -> Result<Vec<PathBuf>, LayersError> {
    let src = dir.join("src");
    let mut out: Vec<PathBuf> = ["lib.rs", "main.rs"]
        .iter()
        .map(|f| src.join(f))
        .filter(|f| f.is_file())
        .collect();
    if let Ok(entries) = std::fs::read_dir(src.join("bin")) {
        let mut bins: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        bins.sort();
        out.extend(bins);
    }
    if out.is_empty() {
        return Err(LayersError::NoRoot {
            dir: dir.to_path_buf(),
        });
    }
    Ok(out)
}

/// The module trees of the crate in `dir`, one per root file, read from
/// disk.
pub fn read_crate(dir: &Path) -> Result<Vec<CrateTree>, LayersError> {
    roots(dir)?
        .iter()
        .map(|root| CrateTree::load(root, &mut |p| std::fs::read_to_string(p)))
        .collect()
}
