//! Running `pactum negotiate`: checks the arguments (strategies known,
//! `--steps` and `--phases` at least 1, `--time-limit` positive and finite,
//! no `--plot` or `--time-limit` in a multi-round session, no single text
//! in phases), then plays one negotiation or a phased session and prints
//! the text or JSON view of it. It is the only part that prints.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use pactum_sim::document::negotiation_doc;
use pactum_sim::document::phased::{phased_doc, shifted};
use pactum_sim::metrics::Metrics;
use pactum_sim::phases::{plan_phases, run_phased};
use pactum_sim::runner::negotiate_built;
use pactum_sim::session::Deadline;
use pactum_sim::{Config, Mediator, Prepared, ProtocolKind, WallClock};

use super::args::{Args, MediatorArg, ProtocolArg, apply_discount};
use super::plot::plot;
use super::session_text::session_text;
use super::shift::parse_shift;
use super::text::text;

pub fn run(args: Args) -> Result<()> {
    super::simrecord::check(&args)?;
    let loaded = pactum_core::io::load(&args.scenario, args.profiles.as_deref())?;
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let prepared = apply_discount(Prepared::new(loaded.scenario)?, args.discount);
    let strategies: Vec<&str> = args.parties.iter().map(|s| s.trim()).collect();
    for s in &strategies {
        pactum_sim::negotiator::check(s)?;
    }
    let talks = strategies.contains(&pactum_sim::negotiator::LLM);
    if args.steps == 0 {
        bail!("--steps must be at least 1");
    }
    if args.axes.is_some() && args.plot.is_none() {
        bail!("--axes chooses the pair --plot draws large: give --plot FILE.svg too");
    }
    // The plot's pair, checked before the negotiation runs.
    let pair = match &args.plot {
        Some(_) => Some(crate::analyze::plot_pair(
            &prepared.scenario,
            args.axes.as_deref(),
        )?),
        None => None,
    };
    let protocol = match args.protocol {
        ProtocolArg::Sao => ProtocolKind::Sao,
        ProtocolArg::SingleText => ProtocolKind::SingleText(match args.mediator {
            MediatorArg::Veto => Mediator::Veto,
            MediatorArg::HillClimbing => Mediator::HillClimbing,
            MediatorArg::DraftAndVote => Mediator::DraftAndVote,
            MediatorArg::Packages => Mediator::Packages,
        }),
        ProtocolArg::PartialRounds => ProtocolKind::PartialRounds,
        ProtocolArg::Phased if talks => {
            bail!("the llm strategy plays single negotiations, not phased sessions")
        }
        ProtocolArg::Phased => return run_session(&args, &prepared, &strategies),
    };
    if talks && protocol != ProtocolKind::Sao {
        bail!("the llm strategy plays stacked alternating offers only (--protocol sao)");
    }
    if args.phases.is_some() || !args.shifts.is_empty() {
        if talks {
            bail!(
                "the llm strategy plays single negotiations, not phased sessions (--phases, --shift)"
            );
        }
        if prepared.discounted() {
            eprintln!(
                "warning: discount factors are not applied to multi-round sessions; their utilities are undiscounted"
            );
        }
        return run_session(&args, &prepared, &strategies);
    }
    let time_limit = match args.time_limit {
        Some(s) if !(s > 0.0 && s.is_finite()) => {
            bail!("--time-limit must be a positive number of seconds")
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let config = Config {
        protocol,
        deadline: Deadline {
            steps: Some(args.steps),
            time_limit,
        },
        seed: args.seed,
        record: true,
    };
    let builder = args.llm.builder(&strategies, args.seed)?;
    let result = negotiate_built(
        &prepared,
        &strategies,
        &builder,
        &config,
        std::sync::Arc::new(WallClock::start()),
    )?;
    if let Some(path) = &args.record {
        super::simrecord::write(path, &args, &prepared, &config, &result)?;
    }
    let metrics = Metrics::new(&prepared);
    if let (Some(path), Some(pair)) = (&args.plot, pair) {
        plot(&prepared, &result, &strategies, pair, path)
            .with_context(|| format!("cannot write plot {}", path.display()))?;
    }
    if args.json {
        let doc = negotiation_doc(&prepared, &strategies, &config, &result, &metrics);
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!(
            "{}",
            text(&prepared, &strategies, &config, &result, &metrics)
        );
    }
    Ok(())
}

fn run_session(args: &Args, prepared: &Prepared, strategies: &[&str]) -> Result<()> {
    if args.protocol == ProtocolArg::SingleText {
        bail!(
            "--phases and --shift need --protocol sao or phased (a multi-round session plays alternating offers)"
        );
    }
    if args.time_limit.is_some() {
        bail!("--time-limit is not supported in a multi-round session");
    }
    if args.plot.is_some() {
        bail!("--plot is not supported in a multi-round session");
    }
    let count = args.phases.unwrap_or(1);
    if count == 0 {
        bail!("--phases must be at least 1");
    }
    let shifts = args
        .shifts
        .iter()
        .map(|spec| parse_shift(spec, prepared, count))
        .collect::<Result<Vec<_>>>()?;
    let phases = plan_phases(prepared, count, args.steps, &shifts)
        .map_err(|e| anyhow::anyhow!("--shift: {e}"))?;
    let partial = args.protocol == ProtocolArg::Phased;
    let session = run_phased(prepared, strategies, &phases, partial, args.seed)?;
    let view = shifted(prepared, &session);
    if args.json {
        let doc = phased_doc(prepared, strategies, &phases, partial, args.seed, &session);
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!(
            "{}",
            session_text(prepared, strategies, args, partial, &session, &view)
        );
    }
    Ok(())
}
