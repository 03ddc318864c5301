//! Reading a native scenario file's text into its typed `forecast` section, in either form.
//!
//! Rules: both forms deserialise into the one typed section of `pactum_core::native`; a
//! syntax or type error names the file, the line and the field path, and keeps the parser's
//! error as its source; a JSON key given twice in the section is an error (TOML parsers
//! reject it themselves).

use std::path::Path;

use pactum_core::native::ForecastFile;
use serde::Deserialize;

use super::spans::{Spans, display_path, field_at, key, line_of, offset_of};
use crate::error::{ForecastError, JsonSyntax, Location, Result, TomlSyntax};

/// The format a scenario file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// JSON for a `.json` file, TOML otherwise.
    pub fn of_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// The parts of a native scenario file this module reads: the same typed section
/// (`pactum_core::native::ForecastFile`) whichever format it is written in.
#[derive(Deserialize)]
pub(super) struct RawDoc {
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) parties: Vec<RawParty>,
    #[serde(default)]
    pub(super) forecast: Option<ForecastFile>,
}

/// Only the name matters here; the rest of a party belongs to the negotiation model.
#[derive(Deserialize)]
pub(super) struct RawParty {
    pub(super) name: String,
}

/// Deserialises the document, naming the file, line and field of a syntax or type error.
pub(super) fn deserialize(text: &str, file: &str, format: Format) -> Result<(RawDoc, Spans)> {
    match format {
        Format::Toml => {
            let raw: RawDoc = toml::from_str(text).map_err(|e| {
                let (line, field) = match e.span() {
                    // A type error in a well-formed file: the path of the value it is about.
                    Some(s) => (
                        Some(line_of(text, s.start)),
                        Spans::toml(text)
                            .and_then(|spans| spans.path_at(s.start))
                            .unwrap_or_else(|| field_at(text, s.start)),
                    ),
                    None => (None, "forecast".into()),
                };
                ForecastError::Toml {
                    loc: Location::new(file, line, field),
                    source: TomlSyntax(Box::new(e)),
                }
            })?;
            let spans = Spans::toml(text).unwrap_or_default();
            Ok((raw, spans))
        }
        Format::Json => {
            let raw: RawDoc = serde_json::from_str(text).map_err(|e| {
                let offset = offset_of(text, e.line(), e.column());
                let field = Spans::json(text)
                    .path_at(offset)
                    .unwrap_or_else(|| "forecast".into());
                ForecastError::Json {
                    loc: Location::new(file, (e.line() > 0).then_some(e.line()), field),
                    source: JsonSyntax(e),
                }
            })?;
            let spans = Spans::json(text);
            // The first key of the forecast section given twice in one object (TOML rejects
            // these when parsing; JSON parsers keep the last one).
            let duplicate = spans
                .duplicates()
                .iter()
                .find(|(path, _)| path.first() == Some(&key("forecast")));
            if let Some((path, span)) = duplicate {
                return Err(ForecastError::Format {
                    loc: Location::new(file, Some(line_of(text, span.start)), display_path(path)),
                    message: "this key is given twice".into(),
                });
            }
            Ok((raw, spans))
        }
    }
}
