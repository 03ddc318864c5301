//! Typed errors. Input errors name the file, the line (1-based, header = line 1) and the field,
//! so that a user can fix a case file without reading code.

use std::fmt;

/// Where in an input something went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name (or a label such as `<memory>` for in-memory cases).
    pub file: String,
    /// 1-based line number, when known.
    pub line: Option<usize>,
    /// Column / field name.
    pub field: String,
}

impl Location {
    pub fn new(file: impl Into<String>, line: Option<usize>, field: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            field: field.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: field `{}`", self.file, l, self.field),
            None => write!(f, "{}: field `{}`", self.file, self.field),
        }
    }
}

/// Every error this crate returns.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error("{loc}: negative capability {value}")]
    NegativeCapability { loc: Location, value: f64 },
    #[error("{loc}: salience {value} outside 0-100")]
    SalienceOutOfRange { loc: Location, value: f64 },
    #[error("{loc}: actor `{actor}` has no position")]
    MissingPosition { loc: Location, actor: String },
    #[error("{loc}: value `{value}` is not a finite number")]
    NotANumber { loc: Location, value: String },
    #[error(
        "{file}: {count} actor{}; at least two are needed",
        if *count == 1 { "" } else { "s" }
    )]
    TooFewActors { file: String, count: usize },
    #[error("{loc}: {message}")]
    Format { loc: Location, message: String },
    /// The operating system's error is the source, not part of the message.
    #[error("{file}: cannot read")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{model}: {message}")]
    Model {
        model: &'static str,
        message: String,
    },
    /// The input is not a regular file, or is too large to read.
    #[error(transparent)]
    Input(#[from] pactum_core::fsutil::InputFileError),
    /// More Monte Carlo draws than [`crate::montecarlo::MAX_DRAWS`].
    #[error(
        "{draws} Monte Carlo draws requested; at most {limit} are run (each draw's forecast is kept)"
    )]
    TooManyDraws { draws: usize, limit: usize },
}

/// Crate-wide result alias.
pub type Result<T, E = ForecastError> = std::result::Result<T, E>;
