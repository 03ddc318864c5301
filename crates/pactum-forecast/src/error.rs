//! Typed errors. Input errors name the file, the line (1-based, header = line 1) and the field,
//! so that a user can fix a case file without reading code.
//!
//! Rules: an error caused by an underlying error (I/O, CSV, TOML, JSON) keeps it as its
//! [`source`](std::error::Error::source), and its own message names only the place, so a
//! reader printing the chain (`place: cause`) sees each part once; no message names a
//! command-line flag.

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
    /// The place `field` of `file`, at `line` when known.
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

/// A TOML syntax or type error. Shows the parser's message without its excerpt of the text:
/// the enclosing [`ForecastError::Toml`] gives the file, line and field.
#[derive(Debug)]
pub struct TomlSyntax(pub(crate) Box<toml::de::Error>);

impl TomlSyntax {
    /// The parser's error.
    pub fn inner(&self) -> &toml::de::Error {
        &self.0
    }
}

impl fmt::Display for TomlSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.message().trim_end())
    }
}

impl std::error::Error for TomlSyntax {}

/// A JSON syntax or type error. Shows the parser's message without its trailing position:
/// the enclosing [`ForecastError::Json`] gives the file, line and field.
#[derive(Debug)]
pub struct JsonSyntax(pub(crate) serde_json::Error);

impl JsonSyntax {
    /// The parser's error.
    pub fn inner(&self) -> &serde_json::Error {
        &self.0
    }
}

impl fmt::Display for JsonSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        f.write_str(message.strip_suffix(&position).unwrap_or(&message))
    }
}

impl std::error::Error for JsonSyntax {}

/// "2 actors", "1 actor row".
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn too_few(file: &str, line: Option<usize>, count: usize) -> String {
    match line {
        Some(l) => format!(
            "{file}:{l}: field `actor`: {}; at least two are needed",
            counted(count, "actor row", "actor rows")
        ),
        None => format!(
            "{file}: {}; at least two are needed",
            counted(count, "actor", "actors")
        ),
    }
}

/// Every error this crate returns.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    /// A capability below zero.
    #[error("{loc}: negative capability {value}")]
    NegativeCapability {
        /// Where the value is.
        loc: Location,
        /// The value given.
        value: f64,
    },
    /// A salience outside 0-100 (or not a number).
    #[error("{loc}: salience {value} outside 0-100")]
    SalienceOutOfRange {
        /// Where the value is.
        loc: Location,
        /// The value given.
        value: f64,
    },
    /// An actor without a position on some dimension.
    #[error("{loc}: actor `{actor}` has no position")]
    MissingPosition {
        /// Where the position is missing.
        loc: Location,
        /// The actor's name.
        actor: String,
    },
    /// A cell or value that is not a finite number.
    #[error("{loc}: value `{value}` is not a finite number")]
    NotANumber {
        /// Where the value is.
        loc: Location,
        /// The text or value given.
        value: String,
    },
    /// Fewer than two actors in a case. A CSV reader gives the line of the last actor row
    /// (the header's when there is none); an in-memory case has no line.
    #[error("{}", too_few(file, *line, *count))]
    TooFewActors {
        /// The case's file.
        file: String,
        /// The line of the last actor row, for a CSV file.
        line: Option<usize>,
        /// Actors found.
        count: usize,
    },
    /// An issue of a back-test file with fewer than two actors (at its first row).
    #[error(
        "{loc}: issue `{issue}` has {}; at least two are needed",
        counted(*count, "actor", "actors")
    )]
    TooFewActorsOnIssue {
        /// The issue's first row.
        loc: Location,
        /// The issue id.
        issue: String,
        /// Actors found.
        count: usize,
    },
    /// A CSV header without a required column.
    #[error("{loc}: missing column `{column}` in header")]
    MissingColumn {
        /// The header line.
        loc: Location,
        /// The column required.
        column: String,
    },
    /// Input that is well formed but wrong (a value, a range, a name, a missing section).
    #[error("{loc}: {message}")]
    Format {
        /// Where the problem is.
        loc: Location,
        /// What is wrong, for a reader of the input.
        message: String,
    },
    /// A CSV record the reader cannot parse.
    #[error("{loc}")]
    Csv {
        /// Where the record is.
        loc: Location,
        /// The CSV reader's error.
        #[source]
        source: csv::Error,
    },
    /// A TOML scenario that does not parse, or has a value of the wrong type.
    #[error("{loc}")]
    Toml {
        /// Where the problem is.
        loc: Location,
        /// The parser's error.
        #[source]
        source: TomlSyntax,
    },
    /// A JSON scenario that does not parse, or has a value of the wrong type.
    #[error("{loc}")]
    Json {
        /// Where the problem is.
        loc: Location,
        /// The parser's error.
        #[source]
        source: JsonSyntax,
    },
    /// A model that cannot run on its input.
    #[error("{model}: {message}")]
    Model {
        /// The model's name.
        model: &'static str,
        /// Why it cannot run.
        message: String,
    },
    /// A model name that no model has.
    #[error("run: unknown model `{0}`")]
    UnknownModel(String),
    /// An issue (or dimension) asked for by name that the input does not have.
    #[error("no issue named {wanted:?} in {file} (issues: {})", known.join(", "))]
    UnknownIssue {
        /// The input file.
        file: String,
        /// The name asked for.
        wanted: String,
        /// The issues the input has, in order.
        known: Vec<String>,
    },
    /// A back-test without issues.
    #[error("{file}: no issues to back-test")]
    NoIssues {
        /// The input file.
        file: String,
    },
    /// The input is not a regular file, is too large to read, or cannot be read.
    #[error(transparent)]
    Input(#[from] pactum_core::fsutil::InputFileError),
    /// More Monte Carlo draws than [`crate::montecarlo::MAX_DRAWS`].
    #[error(
        "{draws} Monte Carlo draws requested; at most {limit} are run (each draw's forecast is kept)"
    )]
    TooManyDraws {
        /// Draws asked for.
        draws: usize,
        /// The limit.
        limit: usize,
    },
    /// A Monte Carlo run of no draws.
    #[error("a Monte Carlo run needs at least one draw")]
    NoDraws,
    /// A Monte Carlo spread that is negative, infinite or not a number.
    #[error("the {input} spread of a Monte Carlo run must be a non-negative number, not {value}")]
    BadSpread {
        /// What the spread perturbs: `capability`, `position` or `salience`.
        input: &'static str,
        /// The spread asked for.
        value: f64,
    },
}

/// Crate-wide result alias.
pub type Result<T, E = ForecastError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// `place: cause`, as a reader printing the chain sees it.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut s = e.to_string();
        let mut cur = e.source();
        while let Some(c) = cur {
            s.push_str(": ");
            s.push_str(&c.to_string());
            cur = c.source();
        }
        s
    }

    #[test]
    fn parser_errors_are_sources_and_printed_once() {
        let source = toml::from_str::<toml::Table>("x = ").unwrap_err();
        let e = ForecastError::Toml {
            loc: Location::new("a.toml", Some(1), "x"),
            source: TomlSyntax(Box::new(source)),
        };
        assert_eq!(e.to_string(), "a.toml:1: field `x`");
        let full = chain(&e);
        assert!(full.starts_with("a.toml:1: field `x`: "), "{full}");
        assert_eq!(full.matches("a.toml").count(), 1, "{full}");
        let source = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let e = ForecastError::Json {
            loc: Location::new("a.json", Some(1), "forecast"),
            source: JsonSyntax(source),
        };
        assert!(!chain(&e).contains("column"), "{}", chain(&e));
    }

    #[test]
    fn too_few_actors_names_the_row_when_known() {
        let e = ForecastError::TooFewActors {
            file: "c.csv".into(),
            line: Some(2),
            count: 1,
        };
        assert_eq!(
            e.to_string(),
            "c.csv:2: field `actor`: 1 actor row; at least two are needed"
        );
        let e = ForecastError::TooFewActors {
            file: "<memory>".into(),
            line: None,
            count: 0,
        };
        assert_eq!(e.to_string(), "<memory>: 0 actors; at least two are needed");
    }
}
