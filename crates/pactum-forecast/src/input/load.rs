//! A whole forecasting input: the cases one file holds, with the Monte Carlo ranges it gives
//! and the issues a report covers.
//!
//! Rules: a `.toml` or `.json` file (any letter case) is a scenario with a `[forecast]`
//! section; otherwise the first non-blank line decides: `issue` and `outcome` columns make a
//! back-test file (every issue forecast on its own, named after the issue), `actor` and
//! `capability` columns a 1-D case CSV (its only issue named after the case), anything else
//! a KTAB CSV. Selecting issues keeps input order and refuses a name the input lacks.

use std::path::Path;

use super::{parse_backtest_csv, parse_case_csv_with_ranges, parse_ktab_csv};
use crate::error::{ForecastError, Result};
use crate::model::Case;
use crate::scenario;
use crate::uncertainty::{Ranges, Uncertainty};

/// One case of an [`Input`], with the Monte Carlo ranges its input gives and the dimensions a
/// report covers.
#[derive(Debug, Clone, PartialEq)]
pub struct InputCase {
    case: Case,
    ranges: Ranges,
    dims: Vec<usize>,
}

impl InputCase {
    /// `case` with every dimension reported.
    fn new(case: Case, ranges: Ranges) -> Self {
        let dims = (0..case.n_dims()).collect();
        Self { case, ranges, dims }
    }

    /// The case.
    pub fn case(&self) -> &Case {
        &self.case
    }

    /// Per-actor Monte Carlo ranges given by the input.
    pub fn ranges(&self) -> &Ranges {
        &self.ranges
    }

    /// Indices of the dimensions to report, ascending (all unless [`Input::select_issues`]
    /// picked some; never empty).
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// The names of the dimensions to report.
    fn issue_names(&self) -> impl Iterator<Item = &str> {
        self.dims.iter().map(|&d| self.case.issues[d].name.as_str())
    }
}

/// Everything one input file asks to forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    file: String,
    name: String,
    notes: Option<String>,
    uncertainty: Uncertainty,
    cases: Vec<InputCase>,
}

impl Input {
    /// Reads a scenario (`.toml`/`.json`), a 1-D case CSV, a back-test CSV or a KTAB CSV.
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("toml") || ext.eq_ignore_ascii_case("json") {
            let s = scenario::read_scenario(path)?;
            return Ok(Input {
                file,
                name: s.name,
                notes: s.notes,
                uncertainty: s.uncertainty,
                cases: s
                    .issues
                    .into_iter()
                    .map(|i| InputCase::new(i.case, i.ranges))
                    .collect(),
            });
        }
        let text = super::read(path)?;
        Self::from_csv(&text, file)
    }

    /// An input from the text of a CSV file named `file`.
    pub fn from_csv(text: &str, file: String) -> Result<Self> {
        let header: Vec<String> = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .split(',')
            .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        let has = |c: &str| header.iter().any(|h| h == c);
        let mut cases = Vec::new();
        let name;
        if has("issue") && has("outcome") {
            // A back-test file: forecast every issue (the outcome is shown next to it).
            name = file_stem(&file);
            for mut c in parse_backtest_csv(text, &file)? {
                c.issues[0].name = c.name.clone();
                let n = c.actors.len();
                cases.push(InputCase::new(c, Ranges::none(n)));
            }
        } else if has("actor") && has("capability") {
            let (mut c, ranges) = parse_case_csv_with_ranges(text, &file)?;
            c.issues[0].name = c.name.clone();
            name = c.name.clone();
            cases.push(InputCase::new(c, ranges));
        } else {
            let c = parse_ktab_csv(text, &file)?;
            name = c.name.clone();
            let n = c.actors.len();
            cases.push(InputCase::new(c, Ranges::none(n)));
        }
        Ok(Input {
            file,
            name,
            notes: None,
            uncertainty: Uncertainty::default(),
            cases,
        })
    }

    /// The file, as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The scenario's or the case's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The input's own notes (e.g. that its numbers are illustrative).
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// File-wide default Monte Carlo spreads.
    pub fn uncertainty(&self) -> &Uncertainty {
        &self.uncertainty
    }

    /// The cases to run, in input order.
    pub fn cases(&self) -> &[InputCase] {
        &self.cases
    }

    /// Whether the input gives a Monte Carlo range for any actor.
    pub fn has_ranges(&self) -> bool {
        self.cases.iter().any(|c| c.ranges.any())
    }

    /// Every issue (or dimension) name, in input order.
    pub fn issue_names(&self) -> Vec<String> {
        self.cases
            .iter()
            .flat_map(|c| c.issue_names().map(str::to_string))
            .collect()
    }

    /// Keeps only the issues (or dimensions) named in `wanted`; a name the input lacks is an
    /// error naming the issues it has.
    pub fn select_issues(&mut self, wanted: &[String]) -> Result<()> {
        let known = self.issue_names();
        if let Some(w) = wanted.iter().find(|w| !known.contains(w)) {
            return Err(ForecastError::UnknownIssue {
                file: self.file.clone(),
                wanted: w.clone(),
                known,
            });
        }
        for c in &mut self.cases {
            let case = &c.case;
            c.dims
                .retain(|&d| wanted.iter().any(|w| *w == case.issues[d].name));
        }
        self.cases.retain(|c| !c.dims.is_empty());
        Ok(())
    }
}

fn file_stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map_or(file.to_string(), |s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_decides_the_format() {
        let bt = "issue,actor,capability,position,salience,outcome\n\
                  i1,A,1,0,50,10\ni1,B,1,100,50,10\ni2,A,1,5,50,7\ni2,B,2,9,50,7\n";
        let i = Input::from_csv(bt, "d/bt.csv".into()).unwrap();
        assert_eq!(i.name(), "bt");
        assert_eq!(i.issue_names(), ["i1", "i2"]);
        let case = "actor,capability,position,salience\nA,1,0,50\nB,1,10,50\n";
        let i = Input::from_csv(case, "d/c.csv".into()).unwrap();
        assert_eq!(i.issue_names(), ["c"]);
        let k = "s,d,2,2,\nActor,Desc,Power,P1,S1,P2,S2,\nA,x,10,1,2,3,4,\nB,y,10,5,6,7,8,\n";
        let i = Input::from_csv(k, "k.csv".into()).unwrap();
        assert_eq!(i.name(), "s");
        assert_eq!(i.issue_names(), ["P1", "P2"]);
    }

    #[test]
    fn selecting_issues_keeps_order_and_refuses_unknown_names() {
        let k = "s,d,2,2,\nActor,Desc,Power,P1,S1,P2,S2,\nA,x,10,1,2,3,4,\nB,y,10,5,6,7,8,\n";
        let mut i = Input::from_csv(k, "k.csv".into()).unwrap();
        let e = i.select_issues(&["P3".into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no issue named \"P3\" in k.csv (issues: P1, P2)"
        );
        i.select_issues(&["P2".into()]).unwrap();
        assert_eq!(i.issue_names(), ["P2"]);
        assert_eq!(i.cases()[0].dims(), [1]);
    }
}
