//! The one-dimensional case CSV: `actor,capability,position,salience` (columns in any order,
//! optional `status_quo`), with optional Monte Carlo range columns
//! `capability_min`/`capability_max`, `position_min`/`position_max`,
//! `salience_min`/`salience_max`.
//!
//! Rules: every error names the file, the line and the column; a range needs both its columns,
//! is `[low, high]`, stays within the allowed values (capability ≥ 0, salience 0-100) and
//! contains the actor's value; an empty pair of range cells means no range; fewer than two
//! actors is an error at the last actor row.

use std::collections::BTreeMap;

use super::records::{Columns, Record, field, number, records};
use super::{actor_row, case_name, place_too_few};
use crate::error::{ForecastError, Location, Result};
use crate::model::Case;
use crate::uncertainty::Ranges;

/// Parses a 1-D case (`actor,capability,position,salience`, optional `status_quo`); range
/// columns are not read.
pub fn parse_case_csv(text: &str, file: &str) -> Result<Case> {
    parse(text, file).map(|(case, _)| case)
}

/// Parses a 1-D case and the Monte Carlo ranges its range columns give.
pub fn parse_case_csv_with_ranges(text: &str, file: &str) -> Result<(Case, Ranges)> {
    let (case, recs) = parse(text, file)?;
    let ranges = ranges(&recs, file, &case)?;
    Ok((case, ranges))
}

/// The case and the records it was read from.
fn parse(text: &str, file: &str) -> Result<(Case, Vec<Record>)> {
    let recs = records(text, file)?;
    let Some((hline, header)) = recs.first() else {
        return Err(ForecastError::TooFewActors {
            file: file.to_string(),
            line: Some(1),
            count: 0,
        });
    };
    let cols = Columns { names: header };
    let idx = (
        cols.require("actor", file, *hline)?,
        cols.require("capability", file, *hline)?,
        cols.require("position", file, *hline)?,
        cols.require("salience", file, *hline)?,
    );
    let isq = cols.find("status_quo");
    let mut case = Case::one_dim(case_name(file), Vec::new());
    case.source = Some(file.to_string());
    for (line, fields) in &recs[1..] {
        case.actors.push(actor_row(fields, *line, file, idx)?);
        if let Some(i) = isq {
            let raw = field(fields, i);
            if !raw.is_empty() {
                case.issues[0].status_quo = Some(number(raw, || {
                    Location::new(file, Some(*line), "status_quo")
                })?);
            }
        }
    }
    case.validate().map_err(|e| place_too_few(e, &recs))?;
    Ok((case, recs))
}

/// The range columns of one kind, or `None` when the header has neither.
fn range_columns(
    cols: &Columns<'_>,
    kind: &str,
    file: &str,
    hline: usize,
) -> Result<Option<(usize, usize)>> {
    let (lo_name, hi_name) = (format!("{kind}_min"), format!("{kind}_max"));
    match (cols.find(&lo_name), cols.find(&hi_name)) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (Some(_), None) | (None, Some(_)) => Err(ForecastError::Format {
            loc: Location::new(file, Some(hline), format!("{kind}_min/{kind}_max")),
            message: format!("a range needs both columns `{lo_name}` and `{hi_name}`"),
        }),
    }
}

/// What is wrong with the range `[lo, hi]` for `value`, if anything.
fn range_problem(kind: &str, lo: f64, hi: f64, value: f64) -> Option<String> {
    let bounds = match kind {
        "capability" => (0.0, f64::INFINITY),
        "salience" => (0.0, 100.0),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    };
    if lo > hi {
        Some(format!("range [{lo}, {hi}] must be [low, high]"))
    } else if lo < bounds.0 || hi > bounds.1 {
        Some(format!(
            "range [{lo}, {hi}] goes outside the allowed values"
        ))
    } else if value < lo || value > hi {
        Some(format!(
            "range [{lo}, {hi}] does not contain the {kind} {value}"
        ))
    } else {
        None
    }
}

/// Monte Carlo ranges of the range columns (empty cells: no range).
fn ranges(recs: &[Record], file: &str, case: &Case) -> Result<Ranges> {
    let mut ranges = Ranges::none(case.actors.len());
    let Some((hline, header)) = recs.first() else {
        return Ok(ranges);
    };
    let cols = Columns { names: header };
    let rows: BTreeMap<usize, &Vec<String>> = recs[1..].iter().map(|(l, f)| (*l, f)).collect();
    for kind in ["capability", "position", "salience"] {
        let Some((lo_col, hi_col)) = range_columns(&cols, kind, file, *hline)? else {
            continue;
        };
        let (lo_name, hi_name) = (format!("{kind}_min"), format!("{kind}_max"));
        for (i, a) in case.actors.iter().enumerate() {
            let Some(line) = a.line else { continue };
            let Some(f) = rows.get(&line) else { continue };
            let (raw_lo, raw_hi) = (field(f, lo_col), field(f, hi_col));
            if raw_lo.is_empty() && raw_hi.is_empty() {
                continue;
            }
            let lo = number(raw_lo, || Location::new(file, Some(line), lo_name.as_str()))?;
            let hi = number(raw_hi, || Location::new(file, Some(line), hi_name.as_str()))?;
            let value = match kind {
                "capability" => a.capability,
                "position" => a.positions[0],
                _ => a.saliences[0],
            };
            if let Some(message) = range_problem(kind, lo, hi, value) {
                return Err(ForecastError::Format {
                    loc: Location::new(file, Some(line), lo_name.clone()),
                    message,
                });
            }
            let slot = match kind {
                "capability" => &mut ranges.capability,
                "position" => &mut ranges.position,
                _ => &mut ranges.salience,
            };
            slot[i] = Some((lo, hi));
        }
    }
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "actor,capability,position,salience,position_min,position_max\n";

    #[test]
    fn range_columns_give_per_actor_ranges() {
        let text = format!("{HEADER}A,10,20,50,10,30\nB,5,80,50,,\n");
        let (case, r) = parse_case_csv_with_ranges(&text, "c.csv").unwrap();
        assert_eq!(case.actors.len(), 2);
        assert_eq!(r.position, [Some((10.0, 30.0)), None]);
        assert_eq!(r.capability, [None, None]);
    }

    #[test]
    fn a_range_must_contain_the_value_and_have_both_columns() {
        let text = format!("{HEADER}A,10,20,50,30,40\nB,5,80,50,,\n");
        let e = parse_case_csv_with_ranges(&text, "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:2: field `position_min`: range [30, 40] does not contain the position 20"
        );
        let e = parse_case_csv_with_ranges(
            "actor,capability,position,salience,salience_min\nA,1,2,3,1\nB,1,2,3,1\n",
            "c.csv",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.csv:1: field `salience_min/salience_max`")
        );
    }

    #[test]
    fn too_few_actors_names_the_last_row() {
        let e = parse_case_csv(&format!("{HEADER}A,10,20,50,,\n"), "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv:2: field `actor`: 1 actor row; at least two are needed"
        );
    }
}
