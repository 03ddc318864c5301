//! What reading a file gives ([`Read`]) and where a field sits in the file
//! being read, for error messages.
//!
//! Rules: every error names the file; the line is given when the field can
//! be found in the text (TOML or JSON), the field path always; paths read
//! `decision_makers[1].preferences[0]`.

use std::path::{Path, PathBuf};

use pactum_core::source::{Segment, Spans, display_path};

use crate::error::{ModelError, ReadError};
use crate::model::Conflict;

/// A conflict read from a file.
#[derive(Debug, Clone)]
pub struct Read {
    /// The validated model.
    pub conflict: Conflict,
    /// The status quo's code, when the file gives one.
    pub status_quo: Option<u64>,
    /// Parts of the file read but not analysed, by field name.
    pub not_analysed: Vec<String>,
}

/// A field path under construction.
pub fn key(k: &str) -> Segment {
    Segment::Key(k.to_string())
}

/// An array index in a field path.
pub fn idx(i: usize) -> Segment {
    Segment::Index(i)
}

/// The file being read and where its values sit.
pub struct Place {
    file: PathBuf,
    spans: Spans,
    prefix: Vec<Segment>,
}

impl Place {
    /// `text` of `file`, read as TOML (`toml = true`) or JSON, whose conflict
    /// lies under `prefix`.
    pub fn new(file: &Path, text: &str, toml: bool, prefix: Vec<Segment>) -> Self {
        let spans = if toml {
            Spans::toml(text).unwrap_or_default()
        } else {
            Spans::json(text)
        };
        Place {
            file: file.to_path_buf(),
            spans,
            prefix,
        }
    }

    fn full(&self, path: &[Segment]) -> Vec<Segment> {
        self.prefix.iter().chain(path).cloned().collect()
    }

    /// The line of the nearest enclosing value of `path` that is found.
    fn line(&self, path: &[Segment]) -> Option<usize> {
        let full = self.full(path);
        (1..=full.len())
            .rev()
            .find_map(|n| self.spans.line(&full[..n]))
    }

    /// An error about the field at `path`.
    pub fn field(&self, path: &[Segment], message: impl Into<String>) -> ReadError {
        ReadError::Field {
            file: self.file.clone(),
            line: self.line(path),
            field: display_path(&self.full(path)),
            message: message.into(),
        }
    }

    /// A model rule broken by the field at `path`.
    pub fn model(&self, path: &[Segment], source: ModelError) -> ReadError {
        ReadError::Model {
            file: self.file.clone(),
            line: self.line(path),
            field: display_path(&self.full(path)),
            source: Box::new(source),
        }
    }
}
