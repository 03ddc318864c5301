//! Readers of the case files the forecasting models read, and of a whole forecasting input.
//!
//! * 1-D case CSV ([`parse_case_csv`]): `actor,capability,position,salience` (columns in any
//!   order, optional `status_quo`; salience 0-100), optional Monte Carlo range columns.
//! * KTAB's multi-dimensional CSV ([`parse_ktab_csv`]): line 1
//!   `name,description,numActors,numDims,`, line 2 `Actor,Description,Influence,Pos1,Sal1,...`,
//!   one line per actor.
//! * Back-test long CSV ([`parse_backtest_csv`]): `issue,actor,capability,position,salience,
//!   outcome`, optional `status_quo`; one [`Case`] per issue, in order of first appearance.
//! * A whole input ([`Input::read`]): a scenario's `[forecast]` section or one of the CSVs
//!   above, told apart by the file's extension and header.
//!
//! Rules: every parser validates what it builds, so errors point at file, line and field;
//! files are read through [`pactum_core::fsutil`] (regular files of at most 64 MiB).

mod backtest_csv;
mod case_csv;
mod ktab_csv;
mod load;
mod records;

use std::path::Path;

pub use backtest_csv::parse_backtest_csv;
pub use case_csv::{parse_case_csv, parse_case_csv_with_ranges};
pub use ktab_csv::parse_ktab_csv;
pub use load::{Input, InputCase};

use crate::error::{ForecastError, Location, Result};
use crate::model::{Actor, Case};
use records::{Record, field, number};

/// A regular file of at most 64 MiB (never a FIFO or a device: see
/// [`pactum_core::fsutil`]).
fn read(path: &Path) -> Result<String> {
    Ok(pactum_core::fsutil::read_text(path)?)
}

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

/// The file's base name without a `.csv` suffix.
fn case_name(file: &str) -> String {
    let base = Path::new(file)
        .file_name()
        .map_or(file.to_string(), |f| f.to_string_lossy().into_owned());
    base.strip_suffix(".csv").unwrap_or(&base).to_string()
}

/// A "fewer than two actors" error of a CSV case, placed at the last record (the header's
/// line when there are no actors).
fn place_too_few(e: ForecastError, recs: &[Record]) -> ForecastError {
    match e {
        ForecastError::TooFewActors { file, count, .. } => ForecastError::TooFewActors {
            file,
            line: Some(recs.last().map_or(1, |r| r.0)),
            count,
        },
        e => e,
    }
}

/// One actor row of a 1-D or long CSV; `cols` are the actor, capability, position and
/// salience columns.
fn actor_row(
    fields: &[String],
    line: usize,
    file: &str,
    cols: (usize, usize, usize, usize),
) -> Result<Actor> {
    let (ia, ic, ip, is) = cols;
    let name = field(fields, ia).to_string();
    if name.is_empty() {
        return Err(ForecastError::Format {
            loc: Location::new(file, Some(line), "actor"),
            message: "empty actor name".into(),
        });
    }
    let capability = number(field(fields, ic), || {
        Location::new(file, Some(line), "capability")
    })?;
    let raw_pos = field(fields, ip);
    if raw_pos.is_empty() {
        return Err(ForecastError::MissingPosition {
            loc: Location::new(file, Some(line), "position"),
            actor: name,
        });
    }
    let position = number(raw_pos, || Location::new(file, Some(line), "position"))?;
    let salience = number(field(fields, is), || {
        Location::new(file, Some(line), "salience")
    })?;
    let mut a = Actor::new(name, capability, position, salience);
    a.line = Some(line);
    Ok(a)
}

/// Reads a 1-D case CSV from disk.
pub fn read_case_csv(path: impl AsRef<Path>) -> Result<Case> {
    let path = path.as_ref();
    parse_case_csv(&read(path)?, &file_label(path))
}

/// Reads a KTAB CSV from disk.
pub fn read_ktab_csv(path: impl AsRef<Path>) -> Result<Case> {
    let path = path.as_ref();
    parse_ktab_csv(&read(path)?, &file_label(path))
}

/// Reads a back-test long CSV from disk.
pub fn read_backtest_csv(path: impl AsRef<Path>) -> Result<Vec<Case>> {
    let path = path.as_ref();
    parse_backtest_csv(&read(path)?, &file_label(path))
}
