//! `pactum tournament --league anl2024|anl2026`: a league's settings
//! (scenarios generated from the seed, private reservation values, the
//! league's deadlines and repetitions) played by the named strategies and
//! scored as the league scores; the `llm` strategy plays through the model
//! the `--llm-*` flags describe, as in a tournament; a progress bar unless
//! `--quiet`; the files go to `--out` (an interrupted run there resumes),
//! the summary to the terminal; with `--shard i/n` only that shard's
//! negotiations are played (`pactum tournament merge` joins the shards).
//! Only the flags' parsing and the presentation live here.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};

use crate::report::count;
use pactum_sim::league::{self, League, LeagueSummary};
use pactum_sim::tournament::Progress;

/// What the command line asked of a league.
pub struct Request<'a> {
    /// `anl2024` or `anl2026`.
    pub name: &'a str,
    /// Strategy names.
    pub strategies: &'a [String],
    /// The seed.
    pub seed: u64,
    /// `--reps`, if given.
    pub reps: Option<usize>,
    /// `--league-scenarios`, if given.
    pub scenarios: Option<usize>,
    /// `--league-outcomes`, if given.
    pub outcomes: Option<&'a str>,
    /// `--league-steps`, if given.
    pub steps: Option<&'a str>,
    /// Threads (0: all cores).
    pub threads: usize,
    /// The `llm` strategy's model flags.
    pub llm: &'a crate::negotiate::LlmArgs,
    /// No progress bar.
    pub quiet: bool,
    /// `--shard i/n`, if given.
    pub shard: Option<(usize, usize)>,
}

fn range(flag: &str, text: &str) -> Result<(usize, usize)> {
    let parsed = text
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
        .or_else(|| text.trim().parse().ok().map(|n| (n, n)));
    match parsed {
        Some(r) => Ok(r),
        None => bail!("{flag} {text:?}: expected LOW-HIGH or one number, e.g. 900-1100"),
    }
}

/// Runs the league into `out` and prints its summary.
pub fn run(r: &Request, out: &Path) -> Result<()> {
    let league_kind = League::parse(r.name)?;
    let mut settings = league_kind.settings();
    if let Some(n) = r.scenarios {
        settings = settings.with_scenarios(n)?;
    }
    if let Some(t) = r.outcomes {
        let (lo, hi) = range("--league-outcomes", t)?;
        settings = settings.with_outcomes(lo, hi)?;
    }
    if let Some(t) = r.steps {
        let (lo, hi) = range("--league-steps", t)?;
        settings = settings.with_steps(lo, hi)?;
    }
    if let Some(n) = r.reps {
        if n == 0 {
            bail!("--reps must be at least 1");
        }
        settings = settings.with_reps(n)?;
    }
    let strategies: Vec<String> = r.strategies.iter().map(|s| s.trim().to_string()).collect();
    let builder = r.llm.builder(&strategies, r.seed)?;
    let generated = league::generate::generate(&settings, r.seed)?;
    let plan = league::Plan::new(&settings, generated, strategies, r.seed, &|_| false)?
        .with_shard(r.shard)?;
    let whole = plan.negotiations();
    let rows = if r.quiet {
        plan.run_into(out, &builder, r.threads, &|_| {})
    } else {
        let bar = crate::progress::bar();
        let rows = plan.run_into(out, &builder, r.threads, &|p: Progress| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        });
        bar.finish_and_clear();
        rows
    }?;
    let (result, generated) = plan.finish(rows);
    league::write(out, &result, Some(&generated))?;
    let mine = match r.shard {
        Some((i, n)) => format!(" (shard {i}/{n}: {})", result.rows.len()),
        None => String::new(),
    };
    println!(
        "{}: {} × {} × {}: {}{mine}, results in {}",
        league_kind.name(),
        count(result.strategies.len() as u128, "strategy", "strategies"),
        count(
            result.scenarios.len() as u128,
            "generated scenario",
            "generated scenarios"
        ),
        count(settings.reps() as u128, "repetition", "repetitions"),
        count(whole as u128, "negotiation", "negotiations"),
        out.display()
    );
    print!("{}", table(&result.summary));
    Ok(())
}

/// The league's summary as a text table (concealment and score columns
/// for `anl2026`).
pub fn table(rows: &[LeagueSummary]) -> String {
    let concealment = rows.iter().any(|r| r.mean_score.is_some());
    let mut s = format!(
        "{:<16} {:>6} {:>9} {:>9}",
        "strategy", "seats", "agreement", "advantage"
    );
    if concealment {
        let _ = write!(s, " {:>11} {:>8}", "concealment", "score");
    }
    s.push('\n');
    for r in rows {
        let rate = if r.negotiations == 0 {
            0.0
        } else {
            r.agreements as f64 / r.negotiations as f64
        };
        let _ = write!(
            s,
            "{:<16} {:>6} {:>8.1}% {:>9.4}",
            r.strategy,
            r.negotiations,
            100.0 * rate,
            r.mean_advantage
        );
        if concealment {
            let _ = write!(
                s,
                " {:>11.4} {:>8.4}",
                r.mean_concealment.unwrap_or(0.0),
                r.mean_score.unwrap_or(0.0)
            );
        }
        s.push('\n');
    }
    s
}
