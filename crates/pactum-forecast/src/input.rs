//! Parsers for the case formats the forecasting models read.
//!
//! * 1-D case CSV: `actor,capability,position,salience` (columns in any order, optional
//!   `status_quo`; salience 0-100).
//! * KTAB's multi-dimensional CSV: line 1 `name,description,numActors,numDims,`, line 2
//!   `Actor,Description,Influence,Pos1,Sal1,...`, one line per actor.
//! * Back-test long CSV: `issue,actor,capability,position,salience,outcome`, optional
//!   `status_quo`; one [`Case`] per issue, in order of first appearance.
//!
//! Every parser validates what it builds, so errors point at file, line and field.

use std::path::Path;

use crate::error::{ForecastError, Location, Result};
use crate::model::{Actor, Case, Issue};

/// A regular file of at most 64 MiB (never a FIFO or a device: see
/// [`pactum_core::fsutil`]).
fn read(path: &Path) -> Result<String> {
    Ok(pactum_core::fsutil::read_text(path)?)
}

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

fn case_name(file: &str) -> String {
    let base = Path::new(file)
        .file_name()
        .map_or(file.to_string(), |f| f.to_string_lossy().into_owned());
    base.strip_suffix(".csv").unwrap_or(&base).to_string()
}

/// All records with their 1-based line numbers; blank lines are skipped.
fn records(text: &str, file: &str) -> Result<Vec<(usize, Vec<String>)>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ForecastError::Format {
            loc: Location::new(file, e.position().map(|p| p.line() as usize), "<record>"),
            message: e.to_string(),
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

fn number(raw: &str, loc: Location) -> Result<f64> {
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or(ForecastError::NotANumber {
            loc,
            value: raw.to_string(),
        })
}

struct Columns {
    names: Vec<String>,
}

impl Columns {
    fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }
    fn require(&self, name: &str, file: &str, line: usize) -> Result<usize> {
        self.find(name).ok_or_else(|| ForecastError::Format {
            loc: Location::new(file, Some(line), name),
            message: format!("missing column `{name}` in header"),
        })
    }
}

fn field(fields: &[String], idx: usize) -> &str {
    fields.get(idx).map_or("", String::as_str)
}

/// One actor row of a 1-D or long CSV.
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
    let capability = number(
        field(fields, ic),
        Location::new(file, Some(line), "capability"),
    )?;
    let raw_pos = field(fields, ip);
    if raw_pos.is_empty() {
        return Err(ForecastError::MissingPosition {
            loc: Location::new(file, Some(line), "position"),
            actor: name,
        });
    }
    let position = number(raw_pos, Location::new(file, Some(line), "position"))?;
    let salience = number(
        field(fields, is),
        Location::new(file, Some(line), "salience"),
    )?;
    let mut a = Actor::new(name, capability, position, salience);
    a.line = Some(line);
    Ok(a)
}

/// Parses a 1-D case (`actor,capability,position,salience`, optional `status_quo`).
pub fn parse_case_csv(text: &str, file: &str) -> Result<Case> {
    let recs = records(text, file)?;
    let Some((hline, header)) = recs.first() else {
        return Err(ForecastError::TooFewActors {
            file: file.to_string(),
            count: 0,
        });
    };
    let cols = Columns {
        names: header.clone(),
    };
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
                case.issues[0].status_quo =
                    Some(number(raw, Location::new(file, Some(*line), "status_quo"))?);
            }
        }
    }
    case.validate()?;
    Ok(case)
}

/// Reads a 1-D case CSV from disk.
pub fn read_case_csv(path: impl AsRef<Path>) -> Result<Case> {
    let path = path.as_ref();
    parse_case_csv(&read(path)?, &file_label(path))
}

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
    let n_actors = number(field(first, 2), Location::new(file, Some(*l1), "numActors"))? as usize;
    let n_dims = number(field(first, 3), Location::new(file, Some(*l1), "numDims"))? as usize;
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
        let line = *line;
        let aname = field(f, 0).to_string();
        let cap_col = header[2].as_str();
        let capability = number(field(f, 2), Location::new(file, Some(line), cap_col))?;
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
            positions.push(number(raw, Location::new(file, Some(line), pcol.as_str()))?);
            saliences.push(number(
                field(f, 4 + 2 * d),
                Location::new(file, Some(line), scol.as_str()),
            )?);
        }
        actors.push(Actor {
            name: aname,
            capability,
            positions,
            saliences,
            line: Some(line),
        });
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
    case.validate()?;
    Ok(case)
}

/// Reads a KTAB CSV from disk.
pub fn read_ktab_csv(path: impl AsRef<Path>) -> Result<Case> {
    let path = path.as_ref();
    parse_ktab_csv(&read(path)?, &file_label(path))
}

/// Parses the back-test long CSV into one case per issue (order of first appearance).
pub fn parse_backtest_csv(text: &str, file: &str) -> Result<Vec<Case>> {
    let recs = records(text, file)?;
    let Some((hline, header)) = recs.first() else {
        return Ok(Vec::new());
    };
    let cols = Columns {
        names: header.clone(),
    };
    let iissue = cols.require("issue", file, *hline)?;
    let idx = (
        cols.require("actor", file, *hline)?,
        cols.require("capability", file, *hline)?,
        cols.require("position", file, *hline)?,
        cols.require("salience", file, *hline)?,
    );
    let iout = cols.require("outcome", file, *hline)?;
    let isq = cols.find("status_quo");
    let mut cases: Vec<Case> = Vec::new();
    for (line, f) in &recs[1..] {
        let line = *line;
        let issue = field(f, iissue).to_string();
        if issue.is_empty() {
            return Err(ForecastError::Format {
                loc: Location::new(file, Some(line), "issue"),
                message: "empty issue id".into(),
            });
        }
        let outcome = number(field(f, iout), Location::new(file, Some(line), "outcome"))?;
        let sq = match isq.map(|i| field(f, i)).filter(|s| !s.is_empty()) {
            Some(raw) => Some(number(raw, Location::new(file, Some(line), "status_quo"))?),
            None => None,
        };
        let actor = actor_row(f, line, file, idx)?;
        let pos = match cases.iter().position(|c| c.name == issue) {
            Some(p) => p,
            None => {
                let mut c = Case::one_dim(issue.clone(), Vec::new());
                c.source = Some(file.to_string());
                c.outcome = Some(vec![outcome]);
                cases.push(c);
                cases.len() - 1
            }
        };
        let case = &mut cases[pos];
        if case
            .outcome
            .as_ref()
            .is_some_and(|o| (o[0] - outcome).abs() > 1e-12)
        {
            return Err(ForecastError::Format {
                loc: Location::new(file, Some(line), "outcome"),
                message: format!("issue `{issue}` has two different outcomes"),
            });
        }
        if let Some(sq) = sq {
            case.issues[0].status_quo = Some(sq);
        }
        case.actors.push(actor);
    }
    for c in &cases {
        c.validate()?;
    }
    Ok(cases)
}

/// Reads a back-test long CSV from disk.
pub fn read_backtest_csv(path: impl AsRef<Path>) -> Result<Vec<Case>> {
    let path = path.as_ref();
    parse_backtest_csv(&read(path)?, &file_label(path))
}
