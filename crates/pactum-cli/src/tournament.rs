//! `pactum tournament`: every assignment of strategies to the seats of
//! every scenario (for two negotiators: every pair, both role orders),
//! repeated, in parallel — with shards for cluster array jobs, `merge` to
//! combine them, resumption of interrupted runs, and the statistics of the
//! results (`--analysis`, or `analyze` on a finished folder).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::report::count;
use crate::tournament_analysis::{MeasureArg, analyze_folder};
use pactum_sim::Prepared;
use pactum_sim::SimError;
use pactum_sim::tournament::{Progress, SummaryRow, Tournament, in_shard, merge};

/// The library's error in this command's words (its flags).
fn flagged(e: SimError) -> anyhow::Error {
    match e {
        SimError::NoRepetitions => anyhow::anyhow!("--reps must be at least 1"),
        SimError::TooFewStrategies => {
            anyhow::anyhow!("a tournament needs at least two strategies (or --self-play)")
        }
        SimError::NotEnoughStrategies {
            scenario,
            negotiators: n,
        } => anyhow::anyhow!(
            "{scenario}: {n} negotiators need at least {n} different strategies (or --self-play)"
        ),
        SimError::BadShard { shard, of } => {
            anyhow::anyhow!("--shard {shard}/{of}: give i/n with 1 ≤ i ≤ n")
        }
        SimError::OtherTournament { folder } => anyhow::anyhow!(
            "{} holds another tournament (its manifest.json differs); use a new --out folder",
            folder.display()
        ),
        e => e.into(),
    }
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Sub>,
    /// Scenarios: native .toml/.json files or GENIUS/GeniusWeb folders (two or more negotiators each).
    #[arg(long, num_args = 1.., required_unless_present = "league")]
    pub scenarios: Vec<PathBuf>,
    /// Strategies, comma-separated (listed below).
    #[arg(long, value_delimiter = ',', required = true)]
    pub strategies: Vec<String>,
    /// Deadline in rounds.
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    /// Repetitions of each pairing (each assignment of strategies to seats); default 1, with --league the league's.
    #[arg(long)]
    pub reps: Option<usize>,
    /// Seed of the random strategies (each negotiation derives its own from it).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Let a strategy hold several seats of a negotiation (with two negotiators: also pair each strategy with itself).
    #[arg(long)]
    pub self_play: bool,
    /// Play only slice i of n (i from 1), e.g. 3/10, for cluster array jobs.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Output folder (an interrupted run in it is resumed).
    #[arg(long, required = true)]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Discounting of results: `scenario` applies each party's discount
    /// factor (rows then carry `time` and discounted utilities at the end);
    /// `none` switches it off.
    #[arg(long, value_enum, default_value_t = crate::negotiate::DiscountArg::Scenario)]
    pub discount: crate::negotiate::DiscountArg,
    #[command(flatten)]
    pub llm: crate::negotiate::LlmArgs,
    /// After the run, analyse the results: payoff table with confidence intervals, pairwise tests, rankings, replicator dynamics (analysis.json, analysis.md, payoff.svg in --out).
    #[arg(long)]
    pub analysis: bool,
    /// What scores a seat in the analysis.
    #[arg(long, value_enum, default_value_t = MeasureArg::Utility, requires = "analysis")]
    pub measure: MeasureArg,
    /// Play a league's settings on scenarios generated from --seed, scored as the league scores (docs/tournaments.md#leagues).
    #[arg(long, value_parser = ["anl2024", "anl2026"], conflicts_with_all = ["scenarios", "analysis", "steps"])]
    pub league: Option<String>,
    /// With --league: generate this many scenarios (the league's: 50).
    #[arg(long, requires = "league")]
    pub league_scenarios: Option<usize>,
    /// With --league: outcomes of a one-issue scenario, LOW-HIGH (the league's: 900-1100).
    #[arg(long, value_name = "LOW-HIGH", requires = "league")]
    pub league_outcomes: Option<String>,
    /// With --league: deadlines in rounds, LOW-HIGH, one drawn per scenario (the league's: 10-10000).
    #[arg(long, value_name = "LOW-HIGH", requires = "league")]
    pub league_steps: Option<String>,
}

#[derive(clap::Subcommand)]
pub enum Sub {
    /// Combine shard folders into the results of one whole run.
    Merge(MergeArgs),
    /// Analyse a finished results folder (writes analysis.json, analysis.md and payoff.svg).
    #[command(visible_alias = "analyse")]
    Analyze(AnalyzeArgs),
}

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// A folder written by `pactum tournament` (or `merge`).
    pub dir: PathBuf,
    /// What scores a seat.
    #[arg(long, value_enum, default_value_t = MeasureArg::Utility)]
    pub measure: MeasureArg,
    /// Where to write the analysis files (default: the folder itself).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// Folders written by `pactum tournament --shard i/n` (a tournament's or a league's).
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let parsed = s
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((i, n)) if i >= 1 && i <= n => Ok((i, n)),
        _ => bail!("--shard {s:?}: expected I/N with 1 ≤ I ≤ N, e.g. 3/10"),
    }
}

pub fn run(args: Args) -> Result<()> {
    if let Some(Sub::Merge(m)) = args.command {
        if m.shards
            .first()
            .is_some_and(|d| d.join("league.json").exists())
        {
            let result = pactum_sim::league::merge(&m.shards, &m.out)?;
            println!(
                "merged {} of {} into {}: {}",
                count(m.shards.len() as u128, "shard folder", "shard folders"),
                result.settings.league().name(),
                m.out.display(),
                count(result.rows.len() as u128, "negotiation", "negotiations"),
            );
            print!("{}", crate::league::table(&result.summary));
            return Ok(());
        }
        let summary = merge(&m.shards, &m.out)?;
        println!(
            "merged {} into {}",
            count(m.shards.len() as u128, "shard folder", "shard folders"),
            m.out.display()
        );
        print!("{}", table(&summary));
        return Ok(());
    }
    if let Some(Sub::Analyze(a)) = args.command {
        let out = a.out.as_ref().unwrap_or(&a.dir);
        print!("{}", analyze_folder(&a.dir, out, a.measure)?);
        return Ok(());
    }
    if let Some(name) = &args.league {
        let out = args.out.as_deref().expect("required by clap");
        let shard = args.shard.as_deref().map(parse_shard).transpose()?;
        let request = crate::league::Request {
            name,
            strategies: &args.strategies,
            seed: args.seed,
            reps: args.reps,
            scenarios: args.league_scenarios,
            outcomes: args.league_outcomes.as_deref(),
            steps: args.league_steps.as_deref(),
            threads: args.jobs,
            llm: &args.llm,
            quiet: args.quiet,
            shard,
        };
        return crate::league::run(&request, out);
    }
    if args.analysis && args.shard.is_some() {
        bail!(
            "--analysis needs the whole tournament: run `pactum tournament analyze` on the merged folder"
        );
    }
    let out = args.out.expect("required by clap");
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let mut scenarios = Vec::with_capacity(args.scenarios.len());
    for path in &args.scenarios {
        // The error names the file already.
        let loaded = pactum_core::io::load(path, None)?;
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
        let prepared = Prepared::new(loaded.scenario)
            .with_context(|| format!("scenario {}", path.display()))?;
        let prepared = crate::negotiate::apply_discount(prepared, args.discount);
        scenarios.push((path.display().to_string(), prepared));
    }
    let strategies: Vec<String> = args
        .strategies
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let builder = args.llm.builder(&strategies, args.seed)?;
    let t = Tournament::new(
        scenarios,
        strategies,
        args.steps,
        args.reps.unwrap_or(1),
        args.seed,
        args.self_play,
    )
    .and_then(|t| t.with_builder(builder))
    .map_err(flagged)?;
    let total = t.manifest.negotiations;
    let summary = if args.quiet {
        t.run(&out, shard, args.jobs, &|_| {})
    } else {
        let bar = crate::progress::bar();
        let summary = t.run(&out, shard, args.jobs, &|p: Progress| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        });
        bar.finish_and_clear();
        summary
    }
    .map_err(flagged)?;
    let mine = match shard {
        Some((i, n)) => format!(
            " (shard {i}/{n}: {})",
            (0..total).filter(|&k| in_shard(shard, k)).count()
        ),
        None => String::new(),
    };
    println!(
        "{} × {} × {}: {}{mine}, results in {}",
        count(
            t.manifest.strategies.len() as u128,
            "strategy",
            "strategies"
        ),
        count(t.manifest.scenarios.len() as u128, "scenario", "scenarios"),
        count(t.manifest.reps as u128, "repetition", "repetitions"),
        count(u128::from(total), "negotiation", "negotiations"),
        out.display()
    );
    print!("{}", table(&summary));
    if args.analysis {
        println!();
        print!("{}", analyze_folder(&out, &out, args.measure)?);
    }
    Ok(())
}

fn opt(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.4}"))
}

/// The summary as a text table (with a `discounted` column when the
/// tournament discounts, and `messages` and `leaked` columns when a
/// strategy talks).
pub fn table(rows: &[SummaryRow]) -> String {
    let discounted = rows.iter().any(|r| r.mean_discounted_utility.is_some());
    let talk = rows.iter().any(|r| r.leakage_rate.is_some());
    let mut s = format!(
        "{:<16} {:>6} {:>9} {:>8} {:>9} {:>8} {:>11} {:>8}",
        "strategy",
        "seats",
        "agreement",
        "utility",
        "advantage",
        "welfare",
        "d(frontier)",
        "d(Nash)"
    );
    if discounted {
        let _ = write!(s, " {:>10}", "discounted");
    }
    if talk {
        let _ = write!(s, " {:>8} {:>7}", "messages", "leaked");
    }
    s.push('\n');
    for r in rows {
        let _ = write!(
            s,
            "{:<16} {:>6} {:>8.1}% {:>8.4} {:>9.4} {:>8.4} {:>11} {:>8}",
            r.strategy,
            r.negotiations,
            100.0 * r.agreement_rate,
            r.mean_utility,
            r.mean_advantage,
            r.mean_welfare,
            opt(r.mean_distance_frontier),
            opt(r.mean_distance_nash)
        );
        if discounted {
            let _ = write!(s, " {:>10}", opt(r.mean_discounted_utility));
        }
        if talk {
            let _ = write!(
                s,
                " {:>8} {:>6.1}%",
                r.messages.unwrap_or(0),
                100.0 * r.leakage_rate.unwrap_or(0.0)
            );
        }
        s.push('\n');
    }
    s
}
