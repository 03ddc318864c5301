//! Typed errors. Every error names where the problem is: the file, and the
//! line, element or field inside it, so a user can go straight to it.

use std::fmt;

use thiserror::Error;

/// A scenario breaks one of the model's invariants.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// An element, key or field path, e.g. `parties[1].weights.territory`.
    pub field: Option<String>,
}

impl Location {
    pub fn line(line: usize, column: Option<usize>) -> Self {
        Location {
            line: Some(line),
            column,
            field: None,
        }
    }
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
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: cannot write")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}{location}: {message}")]
    Format {
        file: String,
        location: Location,
        message: String,
    },
    #[error("{file}: {error}")]
    Model { file: String, error: ModelError },
    #[error("{0}")]
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

pub type Result<T, E = Error> = std::result::Result<T, E>;
