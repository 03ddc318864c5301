//! `pactum forecast`: where does a multi-actor negotiation end up? Runs the models of
//! `pactum-forecast` on a scenario's `[forecast]` section, a one-dimensional case CSV or a KTAB
//! CSV, optionally with Monte Carlo uncertainty, and back-tests models on issues with known
//! outcomes (`pactum forecast backtest`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pactum_forecast::backtest::{BacktestOptions, BacktestReport, backtest_file};
use pactum_forecast::input::Input;
use pactum_forecast::montecarlo::{MAX_DRAWS, McOptions, Spread};
use pactum_forecast::uncertainty::Uncertainty;
use pactum_forecast::{Anchor, ModelKind, Options, Round, report};
use plotters::prelude::*;
use serde::Serialize;

/// A forecasting model, by the name the CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Model {
    /// Capability × salience weighted mean (the baseline every model must beat).
    #[value(alias = "weighted_mean")]
    Mean,
    /// Capability × salience weighted median.
    #[value(alias = "weighted_median")]
    Median,
    /// Condorcet winner among the actors' positions.
    #[value(alias = "condorcet_winner")]
    Condorcet,
    /// Asymmetric Nash bargaining solution (disagreement utility 0).
    #[value(alias = "nash_bargaining")]
    Nash,
    /// KTAB's Spatial Model of Politics (dynamic; probabilities of the final positions).
    #[value(alias = "ktab")]
    Smp,
    /// Bueno de Mesquita's expected-utility model, Scholz reconstruction (dynamic).
    Bdm,
}

impl Model {
    const ALL: [Model; 6] = [
        Model::Mean,
        Model::Median,
        Model::Condorcet,
        Model::Nash,
        Model::Smp,
        Model::Bdm,
    ];

    fn kind(self) -> ModelKind {
        match self {
            Model::Mean => ModelKind::WeightedMean,
            Model::Median => ModelKind::WeightedMedian,
            Model::Condorcet => ModelKind::CondorcetWinner,
            Model::Nash => ModelKind::NashBargaining,
            Model::Smp => ModelKind::Smp,
            Model::Bdm => ModelKind::Bdm,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Model::Mean => "mean",
            Model::Median => "median",
            Model::Condorcet => "condorcet",
            Model::Nash => "nash",
            Model::Smp => "smp",
            Model::Bdm => "bdm",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Model::Mean => "capability × salience weighted mean (one shot)",
            Model::Median => "capability × salience weighted median (one shot)",
            Model::Condorcet => "Condorcet winner among the positions (one shot)",
            Model::Nash => "asymmetric Nash bargaining solution (one shot)",
            Model::Smp => {
                "KTAB spatial model of politics; forecast = probability-weighted final position"
            }
            Model::Bdm => {
                "BDM expected-utility model (Scholz reconstruction); forecast = median voter \
                 position after the last round"
            }
        }
    }
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<ForecastCommand>,
    /// A .toml or .json scenario with a forecast section, a 1-D case CSV
    /// (actor,capability,position,salience) or a KTAB CSV.
    #[arg(required = true, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Model to run.
    #[arg(long, value_enum, default_value_t = Model::Smp)]
    model: Model,
    /// Print the forecast as JSON.
    #[arg(long)]
    json: bool,
    /// Draw each actor's trajectory over the rounds, with the forecast marked, to an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Only these issues (or dimensions), comma-separated.
    #[arg(long = "issue", value_delimiter = ',', value_name = "NAME")]
    issues: Vec<String>,
    /// Perturb the inputs N times and report the forecast's distribution.
    #[arg(long, value_name = "N")]
    monte_carlo: Option<usize>,
    /// Seed of the Monte Carlo draws (same seed, same output).
    #[arg(long, default_value_t = 42, requires = "monte_carlo")]
    seed: u64,
    /// Monte Carlo: capability ± this fraction for actors without a range in the input
    /// [default: the file's `uncertainty`, else 0.2].
    #[arg(long, value_name = "FRACTION", requires = "monte_carlo")]
    spread_capability: Option<f64>,
    /// Monte Carlo: position ± this many points for actors without a range in the input
    /// [default: the file's `uncertainty`, else 5% of the scale].
    #[arg(long, value_name = "POINTS", requires = "monte_carlo")]
    spread_position: Option<f64>,
    /// Monte Carlo: salience ± this many points for actors without a range in the input
    /// [default: the file's `uncertainty`, else 10].
    #[arg(long, value_name = "POINTS", requires = "monte_carlo")]
    spread_salience: Option<f64>,
}

#[derive(Subcommand)]
enum ForecastCommand {
    /// Score models on issues with known outcomes.
    Backtest(BacktestArgs),
}

#[derive(clap::Args)]
struct BacktestArgs {
    /// Long CSV: issue,actor,capability,position,salience,outcome (optional status_quo).
    #[arg(value_name = "FILE.csv")]
    file: PathBuf,
    /// Models to score, comma-separated [default: all].
    #[arg(long, value_enum, value_delimiter = ',')]
    model: Vec<Model>,
    /// Print the scores and every prediction as JSON.
    #[arg(long)]
    json: bool,
    /// Also list every issue's predictions in the text report.
    #[arg(long)]
    per_issue: bool,
}

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

fn progress(len: usize, what: &str) -> ProgressBar {
    // Drawn on stderr, and only when stderr is a terminal.
    let pb = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

// ------------------------------------------------------------------ forecast

#[derive(Serialize)]
struct FinalPosition {
    position: f64,
    probability: f64,
    actors: Vec<String>,
}

#[derive(Serialize)]
struct IssueReport {
    issue: String,
    forecast: f64,
    /// The capability × salience weighted mean, for comparison.
    weighted_mean: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_quo: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    anchors: Vec<Anchor>,
    /// Positions by round (actor → position); the first entry holds the initial positions.
    rounds: Vec<Round>,
    /// Per round, the probability of each actor's position (SMP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    probabilities: Option<Vec<Round>>,
    /// The distinct final positions with their probabilities and holders (SMP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    final_positions: Option<Vec<FinalPosition>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    summary: BTreeMap<String, f64>,
    #[serde(skip)]
    actors: Vec<String>,
    #[serde(skip)]
    scale: (f64, f64),
}

#[derive(Serialize)]
struct Report {
    file: String,
    case: String,
    model: &'static str,
    /// The input's own notes (e.g. that its numbers are illustrative).
    #[serde(skip_serializing_if = "Option::is_none")]
    source_notes: Option<String>,
    issues: Vec<IssueReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

impl From<report::IssueForecast> for IssueReport {
    fn from(i: report::IssueForecast) -> Self {
        IssueReport {
            issue: i.issue,
            forecast: i.forecast,
            weighted_mean: i.weighted_mean,
            status_quo: i.status_quo,
            outcome: i.outcome,
            anchors: i.anchors,
            rounds: i.rounds,
            probabilities: i.probabilities,
            final_positions: i.final_positions.map(|fp| {
                fp.into_iter()
                    .map(|p| FinalPosition {
                        position: p.position,
                        probability: p.probability,
                        actors: p.actors,
                    })
                    .collect()
            }),
            summary: i.summary,
            actors: i.actors,
            scale: i.scale,
        }
    }
}

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
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", forecast_text(&report, args.model));
    }
    Ok(())
}

fn fmt_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "—".into()
    }
}

fn header_text(s: &mut String, file: &str, name: &str, notes: Option<&str>) {
    let _ = writeln!(s, "Forecast: {name} ({file})");
    if let Some(n) = notes {
        for line in n.trim().lines() {
            let _ = writeln!(s, "  {}", line.trim_end());
        }
    }
}

fn anchors_text(s: &mut String, anchors: &[Anchor], status_quo: Option<f64>) {
    for a in anchors {
        let _ = writeln!(s, "  {:>6} = {}", fmt_anchor(a.value), a.label);
    }
    if let Some(sq) = status_quo {
        let _ = writeln!(s, "  status quo {}", fmt_num(sq));
    }
}

fn fmt_anchor(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn forecast_text(r: &Report, model: Model) -> String {
    let mut s = String::new();
    header_text(&mut s, &r.file, &r.case, r.source_notes.as_deref());
    let _ = writeln!(s, "Model: {} — {}", model.name(), model.describe());
    for i in &r.issues {
        let _ = writeln!(s, "\n{}", i.issue);
        anchors_text(&mut s, &i.anchors, i.status_quo);
        let mut line = format!("  forecast {}", fmt_num(i.forecast));
        let mut extra = Vec::new();
        if model != Model::Mean {
            extra.push(format!("weighted mean {}", fmt_num(i.weighted_mean)));
        }
        for (k, v) in &i.summary {
            let shown = match k.as_str() {
                "prob_weighted" => continue,
                "turns" | "rounds" => format!("{k} {v}"),
                _ => format!("{} {}", k.replace('_', " "), fmt_num(*v)),
            };
            extra.push(shown);
        }
        if let Some(o) = i.outcome {
            extra.push(format!("observed outcome {}", fmt_num(o)));
        }
        if !extra.is_empty() {
            let _ = write!(line, "   ({})", extra.join("; "));
        }
        let _ = writeln!(s, "{line}");
        let width = i
            .actors
            .iter()
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        if i.rounds.len() == 1 {
            let _ = writeln!(s, "  positions");
        } else {
            let _ = writeln!(s, "  positions by round (0 = initial)");
        }
        let mut head = format!("    {:<width$}", "actor");
        if i.rounds.len() == 1 {
            let _ = write!(head, " {:>8}", "position");
        } else {
            for t in 0..i.rounds.len() {
                let _ = write!(head, " {t:>7}");
            }
        }
        let _ = writeln!(s, "{}", head.trim_end());
        for a in &i.actors {
            let mut row = format!("    {a:<width$}");
            let w = if i.rounds.len() == 1 { 8 } else { 7 };
            for r in &i.rounds {
                let _ = write!(row, " {:>w$}", r.get(a).map_or("—".into(), |v| fmt_num(*v)));
            }
            let _ = writeln!(s, "{row}");
        }
        if let Some(fp) = &i.final_positions {
            let _ = writeln!(s, "  final positions and their probabilities");
            for p in fp {
                let _ = writeln!(
                    s,
                    "    {:>7}  p = {:.3}  {}",
                    fmt_num(p.position),
                    p.probability,
                    p.actors.join(", ")
                );
            }
        }
    }
    for n in &r.notes {
        let _ = writeln!(s, "\nnote: {n}");
    }
    s
}

// ------------------------------------------------------------------ Monte Carlo

#[derive(Serialize)]
struct McIssue {
    issue: String,
    /// Forecast on the unperturbed inputs.
    base: f64,
    median: f64,
    p10: f64,
    p90: f64,
    mean: f64,
    /// Draws where the model failed (left out of the distribution).
    failures: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_quo: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    anchors: Vec<Anchor>,
}

impl From<report::IssueMonteCarlo> for McIssue {
    fn from(i: report::IssueMonteCarlo) -> Self {
        McIssue {
            issue: i.issue,
            base: i.base,
            median: i.median,
            p10: i.p10,
            p90: i.p90,
            mean: i.mean,
            failures: i.failures,
            status_quo: i.status_quo,
            anchors: i.anchors,
        }
    }
}

#[derive(Serialize)]
struct McInfo {
    draws: usize,
    seed: u64,
}

#[derive(Serialize)]
struct McReport {
    file: String,
    case: String,
    model: &'static str,
    monte_carlo: McInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_notes: Option<String>,
    issues: Vec<McIssue>,
}

fn spread_text(s: &Spread, unit: &str) -> String {
    match s {
        Spread::None => "unchanged".into(),
        Spread::Relative(f) => format!("±{}%", f * 100.0),
        Spread::Absolute(a) => format!("±{a}{unit}"),
        Spread::ShareOfRange(f) => {
            format!("±{}% of the scale (or of the positions' range)", f * 100.0)
        }
        Spread::PerActor(_) => "per-actor ranges".into(),
    }
}

fn run_monte_carlo(args: &Args, input: &Input, draws: usize) -> Result<()> {
    if draws == 0 {
        bail!("--monte-carlo needs at least one draw");
    }
    if draws > MAX_DRAWS {
        bail!(
            "--monte-carlo {draws}: at most {MAX_DRAWS} draws are run (every draw's forecast is kept in memory)"
        );
    }
    for (flag, v) in [
        ("--spread-capability", args.spread_capability),
        ("--spread-position", args.spread_position),
        ("--spread-salience", args.spread_salience),
    ] {
        if let Some(v) = v
            && (!v.is_finite() || v < 0.0)
        {
            bail!("{flag}: {v} must be a non-negative number");
        }
    }
    let mut base = McOptions {
        draws,
        seed: args.seed,
        ..McOptions::default()
    };
    // The file's spreads, overridden by the flags.
    input.uncertainty().apply(&mut base);
    let flags = Uncertainty {
        capability: args.spread_capability,
        position: args.spread_position,
        salience: args.spread_salience,
    };
    flags.apply(&mut base);
    let opts = Options::default();
    let pb = progress(input.cases().len(), "Monte Carlo");
    let issues = report::monte_carlo_input(
        input,
        args.model.kind(),
        &opts,
        &base,
        &|_: usize, _: usize| pb.inc(1),
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
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let mut s = String::new();
    header_text(
        &mut s,
        &report.file,
        &report.case,
        report.source_notes.as_deref(),
    );
    let _ = writeln!(
        s,
        "Model: {} — {}",
        args.model.name(),
        args.model.describe()
    );
    let ranges = input.has_ranges();
    let _ = writeln!(
        s,
        "Monte Carlo: {draws} draws, seed {}; capability {}, position {}, salience {}{}",
        args.seed,
        spread_text(&base.capability, ""),
        spread_text(&base.position, " points"),
        spread_text(&base.salience, " points"),
        if ranges {
            "; the input's ranges where it gives them"
        } else {
            ""
        }
    );
    let width = report
        .issues
        .iter()
        .map(|i| i.issue.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        s,
        "\n  {:<width$} {:>8} {:>8} {:>18} {:>8}",
        "issue", "base", "median", "10th–90th pct", "failed"
    );
    for i in &report.issues {
        let _ = writeln!(
            s,
            "  {:<width$} {:>8} {:>8} {:>18} {:>8}",
            i.issue,
            fmt_num(i.base),
            fmt_num(i.median),
            format!("{} – {}", fmt_num(i.p10), fmt_num(i.p90)),
            i.failures
        );
    }
    print!("{s}");
    Ok(())
}

// ------------------------------------------------------------------ back-testing

#[derive(Serialize)]
struct Prediction {
    issue: String,
    outcome: f64,
    forecast: f64,
    abs_error: f64,
}

#[derive(Serialize)]
struct Failure {
    issue: String,
    error: String,
}

#[derive(Serialize)]
struct ModelScore {
    model: &'static str,
    /// Issues scored (where the model ran).
    issues: usize,
    failures: usize,
    mae: f64,
    median_ae: f64,
    /// Share of scored issues with |forecast − outcome| ≤ 10.
    within_10: f64,
    predictions: Vec<Prediction>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Failure>,
}

/// The CLI's view of one model's back-test scores, with its predictions and failures.
fn score(model: Model, report: &BacktestReport) -> ModelScore {
    let kind = model.kind();
    let lib = report.score(kind);
    ModelScore {
        model: model.name(),
        issues: lib.map_or(0, |s| s.n),
        failures: lib.map_or(0, |s| s.failures),
        mae: lib.map_or(f64::NAN, |s| s.mean_abs_error),
        median_ae: lib.map_or(f64::NAN, |s| s.median_abs_error),
        within_10: lib.map_or(f64::NAN, |s| s.hit_share),
        predictions: report
            .predictions(kind)
            .into_iter()
            .map(|p| Prediction {
                issue: p.issue,
                outcome: p.outcome,
                forecast: p.forecast,
                abs_error: p.abs_error,
            })
            .collect(),
        errors: report
            .failures(kind)
            .into_iter()
            .map(|f| Failure {
                issue: f.issue,
                error: f.error,
            })
            .collect(),
    }
}

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
    let issues = &report.issues;
    let scores: Vec<ModelScore> = models.iter().map(|&m| score(m, &report)).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(());
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Back-test: {file} ({} issues with known outcomes)",
        issues.len()
    );
    let _ = writeln!(
        s,
        "\n  {:<10} {:>7} {:>7} {:>8} {:>10} {:>10}",
        "model", "issues", "failed", "MAE", "median AE", "within 10"
    );
    for m in &scores {
        let _ = writeln!(
            s,
            "  {:<10} {:>7} {:>7} {:>8} {:>10} {:>10}",
            m.model,
            m.issues,
            m.failures,
            fmt_num(m.mae),
            fmt_num(m.median_ae),
            if m.within_10.is_finite() {
                format!("{:.1}%", 100.0 * m.within_10)
            } else {
                "—".into()
            }
        );
    }
    let _ = writeln!(
        s,
        "\nMAE = mean absolute error; within 10 = share of issues forecast within 10 points.\n\
         Trust a model only where it beats the weighted mean (`mean`)."
    );
    if args.per_issue {
        let width = issues
            .iter()
            .map(|i| i.issue.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        let mut head = format!("\n  {:<width$} {:>8}", "issue", "outcome");
        for m in &models {
            let _ = write!(head, " {:>9}", m.name());
        }
        let _ = writeln!(s, "{head}");
        for i in issues {
            let mut row = format!("  {:<width$} {:>8}", i.issue, fmt_num(i.outcome));
            for m in &models {
                let v = i
                    .predictions
                    .get(m.kind().name())
                    .map_or("failed".into(), |v| fmt_num(*v));
                let _ = write!(row, " {v:>9}");
            }
            let _ = writeln!(s, "{row}");
        }
    }
    for m in &scores {
        for e in &m.errors {
            let _ = writeln!(s, "note: {} failed on {}: {}", m.model, e.issue, e.error);
        }
    }
    print!("{s}");
    Ok(())
}

// ------------------------------------------------------------------ plot

struct Panel<'a> {
    title: String,
    actors: &'a [String],
    rounds: &'a [Round],
    forecast: f64,
    /// 10th–90th percentile band of a Monte Carlo run.
    band: Option<(f64, f64)>,
    status_quo: Option<f64>,
    scale: (f64, f64),
}

/// Distinguishable line colours (no red: red marks the forecast).
const COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(31, 46, 94),
];

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

/// One panel per issue: each actor's position over the rounds, the forecast as a dashed red
/// line with a cross at the last round, the status quo dashed grey, and a Monte Carlo band
/// when there is one. The legend sits to the right of each panel.
fn plot(path: &Path, title: &str, panels: &[Panel]) -> Result<()> {
    const LEGEND: u32 = 230;
    let n = panels.len().max(1);
    let cols = if n == 1 { 1 } else { 2 };
    let rows = n.div_ceil(cols);
    let size = (if cols == 1 { 1000 } else { 1800 }, 50 + 420 * rows as u32);
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 24))?;
    let red = RGBColor(214, 39, 40);
    let grey = RGBColor(90, 90, 90);
    for (p, cell) in panels.iter().zip(root.split_evenly((rows, cols))) {
        let (w, _) = cell.dim_in_pixel();
        let (area, legend) = cell.split_horizontally(w.saturating_sub(LEGEND));
        let last = p.rounds.len().saturating_sub(1).max(1) as f64;
        let (lo, hi) = p.scale;
        let pad = (hi - lo) * 0.04;
        let mut chart = ChartBuilder::on(&area)
            .caption(&p.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(35)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.05..last + 0.05, lo - pad..hi + pad)?;
        let x_fmt = |x: &f64| format!("{x:.0}");
        let y_fmt = |y: &f64| {
            if (hi - lo) >= 20.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        };
        chart
            .configure_mesh()
            .x_desc("round")
            .y_desc("position")
            .x_labels((last as usize + 1).min(12))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let mut entries: Vec<(String, ShapeStyle)> = Vec::new();
        if let Some((a, b)) = p.band {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, a), (last, b)],
                red.mix(0.12).filled(),
            )))?;
            entries.push((
                format!("10th–90th pct {a:.1}–{b:.1}"),
                red.mix(0.25).stroke_width(8),
            ));
        }
        if let Some(sq) = p.status_quo {
            chart.draw_series(DashedLineSeries::new(
                vec![(0.0, sq), (last, sq)],
                6,
                4,
                grey.stroke_width(1),
            ))?;
            entries.push((format!("status quo {sq:.1}"), grey.stroke_width(1)));
        }
        for (i, a) in p.actors.iter().enumerate() {
            let c = color(i);
            let pts: Vec<(f64, f64)> = p
                .rounds
                .iter()
                .enumerate()
                .filter_map(|(t, r)| r.get(a).map(|&y| (t as f64, y)))
                .collect();
            chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?;
            chart.draw_series(pts.into_iter().map(|q| Circle::new(q, 3, c.filled())))?;
            entries.push((a.clone(), c.stroke_width(2)));
        }
        let f = p.forecast;
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, f), (last, f)],
            10,
            5,
            red.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(Cross::new(
            (last, f),
            9,
            red.stroke_width(3),
        )))?;
        let what = if p.band.is_some() {
            "median forecast"
        } else {
            "forecast"
        };
        entries.push((format!("{what} {f:.1}"), red.stroke_width(3)));
        let font = ("sans-serif", 13).into_font();
        for (k, (label, style)) in entries.iter().enumerate() {
            let y = 50 + 20 * k as i32;
            legend.draw(&PathElement::new(vec![(6, y), (28, y)], *style))?;
            legend.draw(&Text::new(label.clone(), (34, y - 7), font.clone()))?;
        }
    }
    root.present()?;
    Ok(())
}
