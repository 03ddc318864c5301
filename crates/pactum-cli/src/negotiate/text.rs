//! The plain-text report of one negotiation: scenario, protocol, parties,
//! how it ended, the utilities (discounted beside them when discounting
//! applies) and the distances to the Pareto frontier and the Nash point, or
//! why there are none. Utilities are shown to four decimals.

use std::fmt::Write as _;

use pactum_sim::metrics::Metrics;
use pactum_sim::{Config, End, Mediator, NegotiationResult, Prepared, ProtocolKind};

use crate::report::count;

pub(super) fn protocol_name(config: &Config) -> &'static str {
    match config.protocol {
        ProtocolKind::Sao => "sao",
        ProtocolKind::SingleText(Mediator::Veto) => "single-text (veto mediator)",
        ProtocolKind::SingleText(Mediator::HillClimbing) => "single-text (hill-climbing mediator)",
        ProtocolKind::SingleText(Mediator::DraftAndVote) => "single-text (draft-and-vote mediator)",
        ProtocolKind::SingleText(Mediator::Packages) => "single-text (packages mediator)",
        ProtocolKind::PartialRounds => "partial-rounds",
    }
}

pub(super) fn utilities_line(names: &[String], u: &[f64]) -> String {
    names
        .iter()
        .zip(u)
        .map(|(n, u)| format!("{n} {u:.4}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plain-text report.
pub fn text(
    p: &Prepared,
    strategies: &[&str],
    config: &Config,
    r: &NegotiationResult,
    m: &Metrics,
) -> String {
    let names = p.names();
    let mut s = String::new();
    let steps = config.deadline.steps.unwrap_or(0);
    let _ = writeln!(
        s,
        "Scenario: {} — {}, {}, seed {}",
        p.scenario.name(),
        protocol_name(config),
        count(steps as u128, "round", "rounds"),
        config.seed
    );
    let _ = writeln!(s, "Parties: {}", seated(&names, strategies));
    let agreement = |s: &mut String, a| {
        let _ = writeln!(s, "\nAgreement in round {} of {steps}:", r.steps);
        for (issue, value) in p.package(a) {
            let _ = writeln!(s, "    {issue} = {value}");
        }
    };
    match &r.end {
        End::Agreement { outcome } => agreement(&mut s, *outcome),
        // In the single text the last draft everyone accepted stands.
        End::Deadline => match r.agreement {
            Some(a) => agreement(&mut s, a),
            None => {
                let _ = writeln!(
                    s,
                    "\nNo agreement: the deadline passed after {}.",
                    count(r.steps as u128, "round", "rounds")
                );
            }
        },
        End::Ended { seat } => {
            let _ = writeln!(
                s,
                "\nNo agreement: {} ended the negotiation in round {}.",
                names[*seat], r.steps
            );
        }
        End::Invalid { seat, reason } => {
            let _ = writeln!(
                s,
                "\nNo agreement: {} made an invalid move in round {}: {reason}",
                names[*seat], r.steps
            );
        }
        End::Deserted => {
            let _ = writeln!(
                s,
                "\nNo agreement: too few parties stayed (round {}).",
                r.steps
            );
        }
    }
    let _ = writeln!(
        s,
        "  utilities: {}{}",
        utilities_line(&names, &r.utilities),
        if r.agreement.is_none() {
            " (reservation values; worst utility where there is none)"
        } else {
            ""
        }
    );
    if let Some(d) = &r.discounted {
        let _ = writeln!(
            s,
            "  discounted (time {:.4}): {}",
            d.time,
            utilities_line(&names, &d.utilities)
        );
    }
    match (m.to_frontier(&r.utilities), m.to_nash(&r.utilities)) {
        (Some(f), n) => {
            let _ = writeln!(s, "  distance to the Pareto frontier: {f:.4}");
            match (n, &m.nash) {
                (Some(n), Some(nash)) => {
                    let _ = writeln!(
                        s,
                        "  distance to the Nash point: {n:.4} (Nash: {})",
                        utilities_line(&names, nash)
                    );
                }
                _ => {
                    let _ = writeln!(s, "  distance to the Nash point: none (no Nash point)");
                }
            }
        }
        (None, _) => {
            let why = m
                .note
                .clone()
                .unwrap_or_else(|| "the zone of possible agreement is empty".into());
            let _ = writeln!(
                s,
                "  no distances to the frontier and the Nash point: {why}"
            );
        }
    }
    s
}

/// "Alice (boulware), Bob (conceder)": each party with its strategy.
pub(super) fn seated(names: &[String], strategies: &[&str]) -> String {
    let seated: Vec<String> = names
        .iter()
        .zip(strategies)
        .map(|(n, st)| format!("{n} ({st})"))
        .collect();
    seated.join(", ")
}
