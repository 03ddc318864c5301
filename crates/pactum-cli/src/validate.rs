//! `pactum validate`: whether a scenario loads, with its size (issues,
//! parties, negotiators, outcomes) and the loader's warnings.
//!
//! Rules: a scenario without negotiators is valid but warned about; one
//! valid as a model but beyond the analysis budget fails, saying so.

use anyhow::{Result, bail};
use pactum_core::Loaded;
use pactum_core::analysis::{AnalysisOptions, check_budget};

use crate::report;
use crate::scenario_input::{ScenarioArgs, load, print_warnings};

/// Checks the scenario and prints its size.
pub fn run(args: ScenarioArgs) -> Result<()> {
    let Loaded {
        scenario, warnings, ..
    } = load(&args)?;
    print_warnings(&warnings);
    let negotiators = scenario.negotiators().len();
    println!(
        "{}: valid — {}, {} ({}), {}{}",
        args.scenario.display(),
        report::count(scenario.issues().len() as u128, "issue", "issues"),
        report::count(scenario.parties().len() as u128, "party", "parties"),
        report::count(negotiators as u128, "negotiator", "negotiators"),
        report::count(scenario.outcome_count(), "outcome", "outcomes"),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(
                ", {}",
                report::count(warnings.len() as u128, "warning", "warnings")
            )
        }
    );
    if negotiators == 0 {
        eprintln!("warning: no party has role = \"negotiator\"; there is nothing to analyse");
    }
    // Valid as a model, but `analyze` would refuse it: say so, and fail.
    if let Err(e) = check_budget(&scenario, &AnalysisOptions::default())
        && e.is_over_budget()
    {
        bail!(
            "{} is valid as a model but cannot be analysed within the analysis budget: {e}",
            args.scenario.display()
        );
    }
    Ok(())
}
