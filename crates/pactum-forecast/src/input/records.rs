//! CSV records with their line numbers, and the cell parsing every CSV reader shares.
//!
//! Rules: fields are trimmed; blank lines are skipped; every record keeps its 1-based line
//! (header = line 1); a number must parse and be finite; column names match case-insensitively.
//! Plain text (no quote, no carriage return, no byte-order mark: each line a record, each
//! comma a field boundary) is split directly; anything else goes through the CSV parser. Both
//! give the same records for plain text.

use crate::error::{ForecastError, Location, Result};

/// One non-blank CSV record: its 1-based line and its trimmed fields.
pub(crate) type Record = (usize, Vec<String>);

/// All records of `text` with their 1-based line numbers; blank lines are skipped.
pub(crate) fn records(text: &str, file: &str) -> Result<Vec<Record>> {
    if is_plain(text) {
        Ok(plain_records(text))
    } else {
        parsed_records(text, file)
    }
}

/// Whether every line of `text` is a record and every comma a field boundary: no quote, no
/// carriage return (the only line end is `\n`) and no byte-order mark.
fn is_plain(text: &str) -> bool {
    !text.starts_with('\u{feff}') && !text.bytes().any(|b| b == b'"' || b == b'\r')
}

/// The records of plain text, split at line ends and commas (no parser to build: that is
/// most of the cost of reading a small file).
fn plain_records(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    // The parser numbers a record by the line its reading started on: the line after the
    // previous record, empty lines before the record included.
    let mut start = 1;
    for (i, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split(',').map(|f| f.trim().to_string()).collect();
        if !fields.iter().all(|f| f.is_empty()) {
            out.push((start, fields));
        }
        start = i + 2;
    }
    out
}

/// The records of any CSV text, through the CSV parser.
fn parsed_records(text: &str, file: &str) -> Result<Vec<Record>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ForecastError::Csv {
            loc: Location::new(file, e.position().map(|p| p.line() as usize), "<record>"),
            source: e,
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        out.push((line, fields));
    }
    Ok(out)
}

/// A finite number, or [`ForecastError::NotANumber`] at the place `loc` gives (built only
/// for the error).
pub(crate) fn number(raw: &str, loc: impl FnOnce() -> Location) -> Result<f64> {
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| ForecastError::NotANumber {
            loc: loc(),
            value: raw.to_string(),
        })
}

/// The column names of a header record.
pub(crate) struct Columns<'a> {
    pub(crate) names: &'a [String],
}

impl Columns<'_> {
    /// Index of the column `name` (case-insensitive).
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    /// Index of the column `name`, or an error at the header line.
    pub(crate) fn require(&self, name: &str, file: &str, line: usize) -> Result<usize> {
        self.find(name).ok_or_else(|| ForecastError::MissingColumn {
            loc: Location::new(file, Some(line), name),
            column: name.to_string(),
        })
    }
}

/// The field at `idx`, or `""` when the record is shorter.
pub(crate) fn field(fields: &[String], idx: usize) -> &str {
    fields.get(idx).map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_skipped_and_lines_kept() {
        let r = records("a, b\n , \nc,d\n", "f").unwrap();
        assert_eq!(
            r,
            [
                (1, vec!["a".into(), "b".into()]),
                (3, vec!["c".into(), "d".into()])
            ]
        );
    }

    #[test]
    fn plain_text_is_split_as_the_parser_splits_it() {
        // Pieces that matter: separators, blank and space-only lines, Unicode spaces that
        // trimming removes, text that must stay.
        let pieces = [
            "a", "é", "x y", " ", "\t", "\u{a0}", "\u{2003}", ",", ",", "\n", "\n", "\n\n", "1.5",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..3000 {
            let len = next(40);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            assert!(is_plain(&text));
            assert_eq!(
                plain_records(&text),
                parsed_records(&text, "f").unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn quotes_carriage_returns_and_marks_go_to_the_parser() {
        for text in ["\"a,b\",c\n", "a,b\r\nc,d\r\n", "\u{feff}a,b\n"] {
            assert!(!is_plain(text), "{text:?}");
        }
        let r = records("\"a, b\",c\n\nd\r\ne\n", "f").unwrap();
        assert_eq!(r[0], (1, vec!["a, b".to_string(), "c".to_string()]));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn numbers_must_be_finite() {
        let loc = || Location::new("f", Some(2), "x");
        assert_eq!(number("1.5", loc).unwrap(), 1.5);
        assert!(number("inf", loc).is_err());
        assert!(number("NaN", loc).is_err());
        assert!(number("", loc).is_err());
    }
}
