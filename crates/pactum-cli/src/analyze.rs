//! `pactum analyze`: a scenario's zone of possible agreement, Pareto
//! frontier and fair packages, as text, JSON (`--json`) or an SVG of the
//! utility space (`--plot`: the pair `--axes` names, or the first two, and
//! every pair with three or more negotiators), with what-if overrides
//! (`--set`).
//!
//! Rules: overrides apply in the order given, and an override that names
//! nothing in the scenario fails naming its `--set`; GENIUS's own frontier,
//! when the folder has one, is compared only with the scenario unchanged;
//! `--timings` goes to stderr, never into the report; a frontier found by
//! the hyper-rectangle search says whether it is proven exact.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use pactum_core::analysis::{AnalysisDocument, AnalysisOptions, Method, analyze};
use pactum_core::{Loaded, Scenario};

use crate::report;
use crate::scenario_input::{ScenarioArgs, load, print_warnings};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
    /// Draw the utility space of two negotiators to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// The two negotiators the plot shows large (names, comma-separated);
    /// default: the first two. With three or more negotiators the plot also
    /// shows every pair.
    #[arg(
        long,
        alias = "plot-parties",
        value_delimiter = ',',
        value_name = "A,B"
    )]
    axes: Option<Vec<String>>,
    /// What-if override, e.g. "Ukraine.reservation=0.45" or "Russia.weight.territory=0.5" (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
    /// Visit every outcome instead of the additive fold (slow; for checking).
    #[arg(long)]
    enumerate: bool,
    /// Frontier points listed in the text report (0 = all).
    #[arg(long, default_value_t = 20)]
    show: usize,
    /// Print how long loading and the analysis took, to stderr.
    #[arg(long)]
    timings: bool,
}

/// Analyses the scenario and prints the report.
pub fn run(args: Args) -> Result<()> {
    let started = std::time::Instant::now();
    let Loaded {
        mut scenario,
        warnings,
        reference_frontier,
        ..
    } = load(&args.input)?;
    let loaded = started.elapsed();
    print_warnings(&warnings);
    for spec in &args.overrides {
        // The library quotes the override; the flag it came from is ours to name.
        pactum_core::overrides::apply(&mut scenario, spec)
            .map_err(|e| anyhow::anyhow!("--set {e}"))?;
    }
    let reference_frontier = match reference_frontier {
        Some(r) if !args.overrides.is_empty() => {
            eprintln!(
                "warning: {}: GENIUS's frontier not compared: --set changed the scenario it was computed for",
                r.file
            );
            None
        }
        r => r,
    };
    let opts = AnalysisOptions {
        method: if args.enumerate {
            Method::Enumerate
        } else {
            Method::Auto
        },
        ..Default::default()
    };
    let analysis_started = std::time::Instant::now();
    let analysis = match analyze(&scenario, &opts) {
        Ok(a) => a,
        Err(e) => {
            if let Some(r) = &reference_frontier {
                eprintln!(
                    "note: {} lists GENIUS's frontier ({} points), but Pactum's own frontier cannot be computed to compare it",
                    r.file,
                    r.points.len()
                );
            }
            return Err(anyhow::Error::from(e)
                .context(format!("cannot analyse {}", args.input.scenario.display())));
        }
    };
    // The analysis, then GENIUS's frontier compared with it when the folder
    // has one: the `--json` document, whose comparison the text shows too.
    let doc = AnalysisDocument::new(&analysis, reference_frontier.as_ref());
    if args.timings {
        eprintln!(
            "timings: load {:.3} ms, analysis {:.3} ms",
            loaded.as_secs_f64() * 1e3,
            analysis_started.elapsed().as_secs_f64() * 1e3
        );
    }
    print_warnings(&analysis.warnings);
    if args.axes.is_some() && args.plot.is_none() {
        bail!("--axes chooses the pair --plot draws large: give --plot FILE.svg too");
    }
    if let Some(path) = &args.plot {
        let pair = plot_pair(&scenario, args.axes.as_deref())?;
        report::plot(&scenario, &analysis, pair, path)
            .with_context(|| format!("cannot write plot {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!(
            "{}",
            report::text(&scenario, &analysis, &args.overrides, args.show)
        );
        if let Some(search) = &analysis.frontier_search {
            print!("{}", search_text(search));
        }
        if let Some(c) = &doc.reference_frontier {
            print!("{}", report::reference_text(c, &analysis.negotiators));
            let rational = c.points.len() - c.below_reservation;
            println!(
                "GENIUS's points above every reservation value weakly dominated by Pactum's frontier: {} of {rational} ({} strictly)",
                c.weakly_dominated, c.strictly_dominated
            );
        }
    }
    Ok(())
}

/// How the hyper-rectangle search ended, for the text report.
fn search_text(search: &pactum_core::analysis::SearchReport) -> String {
    let mut out = String::from("\nFrontier search (hyper-rectangle utilities): ");
    if search.exact {
        out.push_str(&format!("proven exact, {} nodes", search.nodes));
    } else {
        out.push_str(&format!(
            "NOT proven exact: {}; the best frontier found is shown; outcomes not searched could lie up to {:.6} beyond it ({} optimistic points not excluded)",
            search.stopped.as_deref().unwrap_or("stopped"),
            search.gap,
            search.open.len()
        ));
    }
    out.push_str(if search.ties_counted {
        ".\n  Each point shows one outcome reaching it; its count is every outcome tied at it.\n"
    } else {
        ".\n  Each point shows one outcome reaching it; tied outcomes are not counted.\n"
    });
    out
}

/// Indices (into the negotiator list) of the two parties to plot large
/// (`--axes`): named ones, or the first two.
pub fn plot_pair(scenario: &Scenario, names: Option<&[String]>) -> Result<(usize, usize)> {
    let negotiators = scenario.negotiators();
    let find = |name: &str| -> Result<usize> {
        negotiators
            .iter()
            .position(|&p| scenario.parties()[p].name == name)
            .with_context(|| {
                let names: Vec<&str> = negotiators
                    .iter()
                    .map(|&p| scenario.parties()[p].name.as_str())
                    .collect();
                format!(
                    "--axes: no negotiator named {name:?} (negotiators: {})",
                    names.join(", ")
                )
            })
    };
    match names {
        Some([a, b]) if a == b => bail!("--axes names {a:?} twice: name two different negotiators"),
        Some([a, b]) => Ok((find(a)?, find(b)?)),
        Some(_) => bail!("--axes takes exactly two names, e.g. --axes A,B"),
        None if negotiators.len() >= 2 => Ok((0, 1)),
        None => bail!("--plot needs at least two negotiators"),
    }
}
