//! The plain-text report of a phased session: per phase the reservation
//! values (shifted ones with their previous value), what was carried in,
//! settled and left open, and how it ended; then the agreement or its lack.

use std::fmt::Write as _;

use pactum_core::analysis::Package;
use pactum_sim::document::phased::settled_package;
use pactum_sim::phases::PhasedResult;
use pactum_sim::{End, NegotiationResult, Prepared};

use super::args::Args;
use super::text::seated;
use crate::report::{count, utilities_line};

fn package_line(pkg: &Package) -> String {
    if pkg.is_empty() {
        return "none".into();
    }
    pkg.iter()
        .map(|(i, v)| format!("{i} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn reservation_text(r: Option<f64>) -> String {
    r.map_or_else(|| "none".into(), |r| format!("{r:.4}"))
}

fn end_text(names: &[String], r: &NegotiationResult) -> String {
    match (&r.end, r.agreement) {
        (End::Agreement { .. }, _) | (End::Deadline, Some(_)) => {
            format!("agreement in round {}", r.steps)
        }
        (End::Deadline, None) => {
            format!(
                "no agreement: the deadline passed after {}",
                count(r.steps as u128, "round", "rounds")
            )
        }
        (End::Ended { seat }, _) => format!(
            "no agreement: {} ended the phase in round {}",
            names[*seat], r.steps
        ),
        (End::Invalid { seat, reason }, _) => format!(
            "no agreement: {} made an invalid move in round {}: {reason}",
            names[*seat], r.steps
        ),
        (End::Deserted, _) => format!("no agreement: too few parties stayed (round {})", r.steps),
    }
}

pub(super) fn session_text(
    p: &Prepared,
    strategies: &[&str],
    args: &Args,
    partial: bool,
    s: &PhasedResult,
    v: &[Vec<usize>],
) -> String {
    let names = p.names();
    let mut out = String::new();
    let phases = args.phases.unwrap_or(1);
    let _ = writeln!(
        out,
        "Scenario: {} — {}, {} of up to {}, seed {}",
        p.scenario.name(),
        if partial {
            "alternating offers with partial agreements"
        } else {
            "alternating offers"
        },
        count(phases as u128, "phase", "phases"),
        count(args.steps as u128, "round", "rounds"),
        args.seed
    );
    let _ = writeln!(out, "Parties: {}", seated(&names, strategies));
    let mut previous: Vec<Option<f64>> = p.prefs.iter().map(|pr| pr.reservation).collect();
    for (k, phase) in s.phases.iter().enumerate() {
        let reservations: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(seat, n)| {
                let r = phase.reservations[seat];
                if v[k].contains(&seat) {
                    format!(
                        "{n} {} (shifted from {})",
                        reservation_text(r),
                        reservation_text(previous[seat])
                    )
                } else {
                    format!("{n} {}", reservation_text(r))
                }
            })
            .collect();
        previous = phase.reservations.clone();
        let _ = writeln!(out, "\nPhase {} of {phases}:", k + 1);
        let _ = writeln!(out, "  reservation values: {}", reservations.join(", "));
        if partial && k > 0 {
            let _ = writeln!(
                out,
                "  carried in: {}",
                package_line(&settled_package(p, &phase.issues.carried_in))
            );
        }
        let _ = writeln!(out, "  {}", end_text(&names, &phase.result));
        if partial || phase.result.agreement.is_some() {
            let _ = writeln!(
                out,
                "  settled: {}",
                package_line(&settled_package(p, &phase.issues.settled))
            );
            let open: Vec<&str> = phase
                .issues
                .open
                .iter()
                .map(|&i| p.scenario.issues()[i].name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  open: {}",
                if open.is_empty() {
                    "none".into()
                } else {
                    open.join(", ")
                }
            );
        }
    }
    match s.agreement {
        Some(a) => {
            let last = s.phases.last().expect("at least one phase");
            let _ = writeln!(
                out,
                "\nAgreement in phase {}, round {}:",
                s.phases.len(),
                last.result.steps
            );
            for (issue, value) in p.package(a) {
                let _ = writeln!(out, "    {issue} = {value}");
            }
            let _ = writeln!(out, "  utilities: {}", utilities_line(&names, &s.utilities));
        }
        None => {
            let _ = writeln!(
                out,
                "\nNo agreement after {} phase{}.",
                s.phases.len(),
                if s.phases.len() == 1 { "" } else { "s" }
            );
            let _ = writeln!(
                out,
                "  utilities: {} (reservation values of the last phase; worst utility where there is none)",
                utilities_line(&names, &s.utilities)
            );
        }
    }
    out
}
