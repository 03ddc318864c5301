//! The back-test long CSV: `issue,actor,capability,position,salience,outcome`, optional
//! `status_quo`; one [`Case`] per issue, in order of first appearance.
//!
//! Rules: every row names its issue; an issue has one outcome (two different ones are an
//! error at the row that differs); an issue with fewer than two actors is an error at its
//! first row; every error names the file, the line and the column.

use super::actor_row;
use super::records::{Columns, field, number, records};
use crate::error::{ForecastError, Location, Result};
use crate::model::Case;

/// Parses the back-test long CSV into one case per issue (order of first appearance).
pub fn parse_backtest_csv(text: &str, file: &str) -> Result<Vec<Case>> {
    let recs = records(text, file)?;
    let Some((hline, header)) = recs.first() else {
        return Ok(Vec::new());
    };
    let cols = Columns { names: header };
    let iissue = cols.require("issue", file, *hline)?;
    let idx = (
        cols.require("actor", file, *hline)?,
        cols.require("capability", file, *hline)?,
        cols.require("position", file, *hline)?,
        cols.require("salience", file, *hline)?,
    );
    let iout = cols.require("outcome", file, *hline)?;
    let isq = cols.find("status_quo");
    // Each case with the line of its first row.
    let mut cases: Vec<(Case, usize)> = Vec::new();
    for (line, f) in &recs[1..] {
        let line = *line;
        let issue = field(f, iissue).to_string();
        if issue.is_empty() {
            return Err(ForecastError::Format {
                loc: Location::new(file, Some(line), "issue"),
                message: "empty issue id".into(),
            });
        }
        let outcome = number(field(f, iout), || {
            Location::new(file, Some(line), "outcome")
        })?;
        let sq = match isq.map(|i| field(f, i)).filter(|s| !s.is_empty()) {
            Some(raw) => Some(number(raw, || {
                Location::new(file, Some(line), "status_quo")
            })?),
            None => None,
        };
        let actor = actor_row(f, line, file, idx)?;
        let pos = match cases.iter().position(|(c, _)| c.name == issue) {
            Some(p) => p,
            None => {
                let mut c = Case::one_dim(issue.clone(), Vec::new());
                c.source = Some(file.to_string());
                c.outcome = Some(vec![outcome]);
                cases.push((c, line));
                cases.len() - 1
            }
        };
        let case = &mut cases[pos].0;
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
    for (c, first) in &cases {
        c.validate().map_err(|e| match e {
            ForecastError::TooFewActors { count, .. } => ForecastError::TooFewActorsOnIssue {
                loc: Location::new(file, Some(*first), "issue"),
                issue: c.name.clone(),
                count,
            },
            e => e,
        })?;
    }
    Ok(cases.into_iter().map(|(c, _)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "issue,actor,capability,position,salience,outcome\n";

    #[test]
    fn an_issue_with_one_actor_is_an_error_at_its_first_row() {
        let text = format!("{H}i1,A,1,0,50,10\ni2,A,1,5,50,7\ni1,B,1,100,50,10\n");
        let e = parse_backtest_csv(&text, "bt.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bt.csv:3: field `issue`: issue `i2` has 1 actor; at least two are needed"
        );
    }
}
