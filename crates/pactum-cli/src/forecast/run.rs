//! `pactum forecast` run: the input read (and narrowed to `--issue`), the
//! library's forecast, Monte Carlo run or back-test, and the result shown
//! as text, JSON or a plot.
//!
//! Rules: the library checks every value; this file names the flag a
//! refusal came from (`--monte-carlo`, `--spread-*`); progress bars go to
//! stderr, and only when it is a terminal.

use std::io::{BufWriter, Write};

use anyhow::{Context, Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use pactum_forecast::backtest::{BacktestOptions, backtest_file};
use pactum_forecast::input::Input;
use pactum_forecast::mc_request::McRequest;
use pactum_forecast::uncertainty::Uncertainty;
use pactum_forecast::{ForecastError, Options, report};
use serde::Serialize;

use super::args::{Args, BacktestArgs, ForecastCommand};
use super::json::{IssueReport, McInfo, McIssue, McReport, ModelScore, Report, score};
use super::model::Model;
use super::plot::{Panel, plot};
use super::text::{backtest_text, forecast_text, monte_carlo_text};

/// Runs the forecast, Monte Carlo run or back-test the arguments ask for.
pub fn run(args: Args) -> Result<()> {
    if let Some(ForecastCommand::Backtest(b)) = args.command {
        return run_backtest(b);
    }
    let path = args.file.as_deref().context("missing FILE")?;
    let mut input = Input::read(path)?;
    if !args.issues.is_empty() {
        input.select_issues(&args.issues).context("--issue")?;
    }
    match args.monte_carlo {
        Some(draws) => run_monte_carlo(&args, &input, draws),
        None => run_forecast(&args, &input),
    }
}

/// Writes `document` to stdout as pretty-printed JSON and a newline, straight through a
/// buffer (no copy of the whole document in memory).
fn print_json(document: &impl Serialize) -> Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, document)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// A progress bar of `len` steps, labelled `what`.
fn progress(len: usize, what: &str) -> ProgressBar {
    // Drawn on stderr, and only when stderr is a terminal.
    let pb = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

/// One forecast of every issue.
fn run_forecast(args: &Args, input: &Input) -> Result<()> {
    let opts = Options::default();
    let f = report::forecast_input(input, args.model.kind(), &opts)?;
    let report = Report {
        file: input.file().to_string(),
        case: input.name().to_string(),
        model: args.model.name(),
        source_notes: input.notes().map(str::to_string),
        issues: f.issues.into_iter().map(IssueReport::from).collect(),
        notes: f.notes,
    };
    if let Some(path) = &args.plot {
        let panels: Vec<Panel> = report
            .issues
            .iter()
            .map(|i| Panel {
                title: i.issue.clone(),
                actors: &i.actors,
                rounds: &i.rounds,
                forecast: i.forecast,
                band: None,
                status_quo: i.status_quo,
                scale: i.scale,
            })
            .collect();
        let title = format!("{} — {} forecast", input.name(), args.model.name());
        plot(path, &title, &panels)
            .with_context(|| format!("cannot write plot {}", path.display()))?;
    }
    if args.json {
        print_json(&report)?;
    } else {
        print!("{}", forecast_text(&report, args.model));
    }
    Ok(())
}

/// The forecast's distribution over `draws` perturbed inputs.
fn run_monte_carlo(args: &Args, input: &Input, draws: usize) -> Result<()> {
    let request = McRequest {
        draws,
        seed: args.seed,
        spreads: Uncertainty {
            capability: args.spread_capability,
            position: args.spread_position,
            salience: args.spread_salience,
        },
    };
    // The file's spreads, overridden by the flags.
    let base = request.options(input.uncertainty()).map_err(flag_error)?;
    let opts = Options::default();
    // One step per draw, over every case.
    let pb = progress(0, "Monte Carlo");
    let issues = report::monte_carlo_input(
        input,
        args.model.kind(),
        &opts,
        &base,
        &|_: usize, total: usize| {
            pb.set_length(total as u64);
            pb.inc(1);
        },
    );
    pb.finish_and_clear();
    let issues: Vec<McIssue> = issues?.into_iter().map(McIssue::from).collect();
    let report = McReport {
        file: input.file().to_string(),
        case: input.name().to_string(),
        model: args.model.name(),
        monte_carlo: McInfo {
            draws,
            seed: args.seed,
        },
        source_notes: input.notes().map(str::to_string),
        issues,
    };
    if let Some(path) = &args.plot {
        let trajectories = report::forecast_input(input, args.model.kind(), &opts)?.issues;
        let panels: Vec<Panel> = trajectories
            .iter()
            .zip(&report.issues)
            .map(|(t, m)| Panel {
                title: t.issue.clone(),
                actors: &t.actors,
                rounds: &t.rounds,
                forecast: m.median,
                band: Some((m.p10, m.p90)),
                status_quo: t.status_quo,
                scale: t.scale,
            })
            .collect();
        let title = format!(
            "{} — {} forecast, {draws} Monte Carlo draws",
            input.name(),
            args.model.name()
        );
        plot(path, &title, &panels)
            .with_context(|| format!("cannot write plot {}", path.display()))?;
    }
    if args.json {
        print_json(&report)?;
        return Ok(());
    }
    print!(
        "{}",
        monte_carlo_text(&report, args.model, &base, input.has_ranges())
    );
    Ok(())
}

/// Scores the models on the issues with known outcomes.
fn run_backtest(args: BacktestArgs) -> Result<()> {
    let file = args.file.display().to_string();
    let mut models = if args.model.is_empty() {
        Model::ALL.to_vec()
    } else {
        args.model.clone()
    };
    models.dedup();
    let opts = BacktestOptions {
        models: models.iter().map(|m| m.kind()).collect(),
        ..BacktestOptions::default()
    };
    let pb = progress(0, "back-testing");
    let report = backtest_file(&args.file, &opts, &|_: usize, total: usize| {
        pb.set_length(total as u64);
        pb.inc(1);
    });
    pb.finish_and_clear();
    let report = report?;
    let scores: Vec<ModelScore> = models.iter().map(|&m| score(m, &report)).collect();
    if args.json {
        print_json(&scores)?;
        return Ok(());
    }
    print!(
        "{}",
        backtest_text(&file, &report, &models, &scores, args.per_issue)
    );
    Ok(())
}

/// A refusal of the Monte Carlo request, in this command's words (its flags).
fn flag_error(e: ForecastError) -> anyhow::Error {
    match e {
        ForecastError::NoDraws => anyhow!("--monte-carlo needs at least one draw"),
        ForecastError::TooManyDraws { draws, limit } => anyhow!(
            "--monte-carlo {draws}: at most {limit} draws are run (every draw's forecast is kept in memory)"
        ),
        ForecastError::BadSpread { input, value } => {
            anyhow!("--spread-{input}: {value} must be a non-negative number")
        }
        e => e.into(),
    }
}
