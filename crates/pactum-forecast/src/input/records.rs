//! CSV records with their line numbers, and the cell parsing every CSV reader shares.
//!
//! Rules: fields are trimmed; blank lines are skipped; every record keeps its 1-based line
//! (header = line 1); a number must parse and be finite; column names match case-insensitively.

use crate::error::{ForecastError, Location, Result};

/// One non-blank CSV record: its 1-based line and its trimmed fields.
pub(crate) type Record = (usize, Vec<String>);

/// All records of `text` with their 1-based line numbers; blank lines are skipped.
pub(crate) fn records(text: &str, file: &str) -> Result<Vec<Record>> {
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

/// A finite number, or [`ForecastError::NotANumber`] at `loc`.
pub(crate) fn number(raw: &str, loc: Location) -> Result<f64> {
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or(ForecastError::NotANumber {
            loc,
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
    fn numbers_must_be_finite() {
        let loc = || Location::new("f", Some(2), "x");
        assert_eq!(number("1.5", loc()).unwrap(), 1.5);
        assert!(number("inf", loc()).is_err());
        assert!(number("NaN", loc()).is_err());
        assert!(number("", loc()).is_err());
    }
}
