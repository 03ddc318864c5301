//! The checker's typed errors: a source file that cannot be read, or a
//! module declaration whose file is not where Rust would look for it. Each
//! names the file (and the declaring file and module) it is about.

use std::path::PathBuf;

/// Why a crate's module tree could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LayersError {
    /// A source file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A `mod name;` declaration names a module with no file.
    #[error("{}: module `{module}` has no file (looked for {})", declared_in.display(), candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(" and "))]
    MissingModule {
        /// The file declaring it.
        declared_in: PathBuf,
        /// The module's name.
        module: String,
        /// The files looked for.
        candidates: Vec<PathBuf>,
    },
    /// A crate directory has neither `src/lib.rs` nor `src/main.rs`.
    #[error("{}: no src/lib.rs or src/main.rs", dir.display())]
    NoRoot {
        /// The crate directory.
        dir: PathBuf,
    },
}
