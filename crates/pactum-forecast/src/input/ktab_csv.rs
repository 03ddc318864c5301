//! KTAB's multi-dimensional CSV: line 1 `name,description,numActors,numDims,`, line 2
//! `Actor,Description,Influence,Pos1,Sal1,...`, one line per actor.
//!
//! Rules: dimension names are the position column headers; the header must have
//! `3 + 2 × numDims` columns; the number of actor lines must equal `numActors`; every error
//! names the file, the line and the column; fewer than two actors is an error at the last row.

use super::records::{field, number, records};
use super::{case_name, place_too_few};
use crate::error::{ForecastError, Location, Result};
use crate::model::{Actor, Case, Issue};

/// Parses KTAB's multi-dimensional CSV. Dimension names are the position column headers.
pub fn parse_ktab_csv(text: &str, file: &str) -> Result<Case> {
    let recs = records(text, file)?;
    if recs.len() < 2 {
        return Err(ForecastError::Format {
            loc: Location::new(file, Some(recs.len() + 1), "header"),
            message: "KTAB CSV needs a scenario line and a column header line".into(),
        });
    }
    let (l1, first) = &recs[0];
    let name = field(first, 0).to_string();
    let n_actors = number(field(first, 2), || {
        Location::new(file, Some(*l1), "numActors")
    })? as usize;
    let n_dims = number(field(first, 3), || {
        Location::new(file, Some(*l1), "numDims")
    })? as usize;
    let (l2, header) = &recs[1];
    if n_dims == 0 || header.len() < 3 + 2 * n_dims {
        return Err(ForecastError::Format {
            loc: Location::new(file, Some(*l2), "header"),
            message: format!("expected 3 + 2x{n_dims} columns"),
        });
    }
    let issues: Vec<Issue> = (0..n_dims)
        .map(|d| Issue::new(header[3 + 2 * d].clone()))
        .collect();
    let mut actors = Vec::new();
    for (line, f) in &recs[2..] {
        actors.push(actor(f, *line, file, header, n_dims)?);
    }
    if actors.len() != n_actors {
        return Err(ForecastError::Format {
            loc: Location::new(file, Some(*l1), "numActors"),
            message: format!("header says {n_actors} actors, file has {}", actors.len()),
        });
    }
    let case = Case {
        name: if name.is_empty() {
            case_name(file)
        } else {
            name
        },
        source: Some(file.to_string()),
        issues,
        actors,
        outcome: None,
    };
    case.validate().map_err(|e| place_too_few(e, &recs))?;
    Ok(case)
}

/// One actor line: name, capability, then a position and a salience per dimension.
fn actor(f: &[String], line: usize, file: &str, header: &[String], n_dims: usize) -> Result<Actor> {
    let aname = field(f, 0).to_string();
    let cap_col = header[2].as_str();
    let capability = number(field(f, 2), || Location::new(file, Some(line), cap_col))?;
    let mut positions = Vec::with_capacity(n_dims);
    let mut saliences = Vec::with_capacity(n_dims);
    for d in 0..n_dims {
        let pcol = &header[3 + 2 * d];
        let scol = &header[4 + 2 * d];
        let raw = field(f, 3 + 2 * d);
        if raw.is_empty() {
            return Err(ForecastError::MissingPosition {
                loc: Location::new(file, Some(line), pcol.as_str()),
                actor: aname,
            });
        }
        positions.push(number(raw, || {
            Location::new(file, Some(line), pcol.as_str())
        })?);
        saliences.push(number(field(f, 4 + 2 * d), || {
            Location::new(file, Some(line), scol.as_str())
        })?);
    }
    Ok(Actor {
        name: aname,
        capability,
        positions,
        saliences,
        line: Some(line),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_are_named_after_the_position_columns() {
        let k = "s,d,2,2,\nActor,Desc,Power,P1,S1,P2,S2,\nA,x,10,1,2,3,4,\nB,y,10,5,6,7,8,\n";
        let c = parse_ktab_csv(k, "k.csv").unwrap();
        assert_eq!(c.issues[1].name, "P2");
        assert_eq!(c.positions(1), [3.0, 7.0]);
    }

    #[test]
    fn one_actor_is_an_error_at_its_row() {
        let k = "s,d,1,1,\nActor,Desc,Power,P1,S1,\nA,x,10,1,2,\n";
        let e = parse_ktab_csv(k, "k.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.csv:3: field `actor`: 1 actor row; at least two are needed"
        );
    }
}
