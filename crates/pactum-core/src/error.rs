//! Typed errors. Every error names where the problem is: the file, and the
//! line, element or field inside it, so a user can go straight to it.

use std::fmt;

use thiserror::Error;

/// A scenario breaks one of the model's invariants.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    #[error("{field}: {message}")]
    /// A value breaks an invariant.
    Invalid {
        /// The field path of the value (`parties[1].weights.territory`).
        field: String,
        /// The invariant broken.
        message: String,
    },
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// The 1-based column, when known.
    pub column: Option<usize>,
    /// An element, key or field path, e.g. `parties[1].weights.territory`.
    pub field: Option<String>,
}

impl Location {
    /// A line and maybe a column.
    pub fn line(line: usize, column: Option<usize>) -> Self {
        Location {
            line: Some(line),
            column,
            field: None,
        }
    }
    /// A field path alone.
    pub fn field(field: impl Into<String>) -> Self {
        Location {
            field: Some(field.into()),
            ..Default::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        Ok(())
    }
}

/// Reading, parsing or writing a scenario failed.
///
/// A message never repeats its source: `Io` keeps the operating system's
/// error as its [`std::error::Error::source`] (print the chain, e.g. with
/// anyhow's `{:#}`), `Model` states the invariant broken in its own message.
#[derive(Debug, Error)]
pub enum Error {
    #[error("{file}: cannot read")]
    /// A file or folder could not be read.
    Io {
        /// The file or folder.
        file: String,
        #[source]
        /// The operating system's error.
        source: std::io::Error,
    },
    #[error("{file}: cannot write")]
    /// A file or folder could not be written.
    Write {
        /// The file or folder.
        file: String,
        #[source]
        /// The operating system's error.
        source: std::io::Error,
    },
    #[error("{file}{location}: {message}")]
    /// A file is malformed, or holds something the format does not allow.
    Format {
        /// The file.
        file: String,
        /// Where in the file.
        location: Location,
        /// What is wrong there.
        message: String,
    },
    #[error("{file}: {error}")]
    /// A file's scenario breaks one of the model's invariants.
    Model {
        /// The file.
        file: String,
        /// The invariant broken.
        error: ModelError,
    },
    #[error("{0}")]
    /// A request the formats cannot meet (a lone GENIUS file, a profile a format cannot hold…), said in full.
    Unsupported(String),
    /// A scenario could not be written as TOML or JSON.
    #[error("cannot write {format}")]
    Serialize {
        /// "TOML" or "JSON".
        format: &'static str,
        /// The serialiser's error.
        #[source]
        source: SerializeError,
    },
    /// The input is not a regular file or folder, or is too large.
    #[error(transparent)]
    Input(#[from] crate::fsutil::InputFileError),
}

impl Error {
    /// A [`Error::Format`] error.
    pub fn format(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Error::Format {
            file: file.into(),
            location,
            message: message.into(),
        }
    }
}

/// The error of the TOML or the JSON serialiser.
#[derive(Debug, Error)]
pub enum SerializeError {
    /// From the TOML serialiser.
    #[error(transparent)]
    Toml(#[from] toml::ser::Error),
    /// From the JSON serialiser.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// A result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
