//! `pactum conflict`: the graph-model analysis of a conflict file — its
//! feasible states as option tables, each DM's preference ranking, the
//! stability of every state for every DM under Nash, GMR, SMR, SEQ, SIM and
//! SEQ+SIM, and the equilibria; or the same as JSON.
//!
//! Rules: states are numbered as GMCR+ numbers them (ascending code, from
//! 1); `--sanctions single` lets a sanction be only one opponent's single
//! move (GMCR+'s results), the default allows legal sequences of the
//! opponents' moves; parts of a file read but not analysed are named on
//! standard error.

use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;
use pactum_conflict::read::{Read, read_file};
use pactum_conflict::{Analysis, Concept, Direction, Sanctions, analyse};
use serde_json::{Map, Value, json};

/// Which sanctions the opponents may use.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SanctionsArg {
    /// Legal sequences of the opponents' moves (the published definitions).
    Sequences,
    /// One opponent's single move (as GMCR+ computes).
    Single,
}

#[derive(clap::Args)]
pub struct Args {
    /// The conflict: a native TOML/JSON file (or a scenario file with a
    /// `[conflict]` section) or a GMCR+ `.gmcr` file.
    file: PathBuf,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
    /// Which sanctions deter a move.
    #[arg(long, value_enum, default_value = "sequences")]
    sanctions: SanctionsArg,
}

/// Reads, analyses and prints the conflict.
pub fn run(args: Args) -> Result<()> {
    let read = read_file(&args.file)?;
    let sanctions = match args.sanctions {
        SanctionsArg::Sequences => Sanctions::Sequences,
        SanctionsArg::Single => Sanctions::Single,
    };
    for part in &read.not_analysed {
        eprintln!(
            "warning: {}: `{part}` is read but not analysed",
            args.file.display()
        );
    }
    let analysis = analyse(&read.conflict, sanctions);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&document(&read, &analysis))?
        );
    } else {
        print!("{}", text(&read, &analysis));
    }
    Ok(())
}

fn sanctions_name(s: Sanctions) -> &'static str {
    match s {
        Sanctions::Sequences => "sequences",
        Sanctions::Single => "single",
    }
}

/// The JSON document: states, stability per concept and DM, equilibria.
fn document(read: &Read, a: &Analysis) -> Value {
    let c = &read.conflict;
    let n = c.options().len();
    let states: Vec<Value> = a
        .states
        .codes()
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            json!({
                "id": i + 1,
                "code": code,
                "options": (0..n).map(|k| code >> k & 1).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut stability = Map::new();
    let mut equilibria = Map::new();
    for concept in Concept::ALL {
        let per_dm: Map<String, Value> = c
            .decision_makers()
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), json!(a.stable_ids(concept, i))))
            .collect();
        stability.insert(concept.key().into(), Value::Object(per_dm));
        equilibria.insert(concept.key().into(), json!(a.equilibria(concept)));
    }
    let options: Vec<Value> = c
        .options()
        .iter()
        .enumerate()
        .map(|(k, o)| {
            json!({
                "name": o.name,
                "decision_maker": c.decision_makers()[c.controller(k)].name,
                "direction": direction_name(o.direction),
            })
        })
        .collect();
    json!({
        "name": c.name(),
        "sanctions": sanctions_name(a.sanctions),
        "options": options,
        "decision_makers": c.decision_makers().iter().map(|d| &d.name).collect::<Vec<_>>(),
        "states": states,
        "status_quo": read.status_quo.and_then(|code| a.states.index_of(code)).map(|i| i + 1),
        "stability": stability,
        "equilibria": equilibria,
        "not_analysed": read.not_analysed,
    })
}

fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Both => "both",
        Direction::Forward => "forward",
        Direction::Backward => "backward",
    }
}

/// The readable report.
fn text(read: &Read, a: &Analysis) -> String {
    let c = &read.conflict;
    let dms = c.decision_makers();
    let count = a.states.len();
    let cell = count.to_string().len().max(1) + 1;
    let mut out = String::new();
    let title = if c.name().is_empty() {
        "conflict"
    } else {
        c.name()
    };
    out.push_str(&format!(
        "{title}: {} decision makers, {} options, {} feasible states; sanctions: {}\n",
        dms.len(),
        c.options().len(),
        count,
        match a.sanctions {
            Sanctions::Sequences => "legal sequences of the opponents' moves",
            Sanctions::Single => "one opponent's single move",
        }
    ));
    if let Some(id) = read.status_quo.and_then(|code| a.states.index_of(code)) {
        out.push_str(&format!("status quo: state {}\n", id + 1));
    }
    let label = c
        .options()
        .iter()
        .map(|o| o.name.chars().count() + 3)
        .chain(dms.iter().map(|d| d.name.chars().count() + 1))
        .max()
        .unwrap_or(0)
        .max(10);
    let ids = |out: &mut String, head: &str| {
        out.push_str(&format!("{head:<label$}"));
        for id in 1..=count {
            out.push_str(&format!("{id:>cell$}"));
        }
        out.push('\n');
    };
    out.push_str("\nStates (Y = option taken)\n");
    for d in dms {
        out.push_str(&format!("{}\n", d.name));
        for &k in &d.options {
            let o = &c.options()[k];
            let mark = match o.direction {
                Direction::Both => "",
                Direction::Forward => " (can only be taken)",
                Direction::Backward => " (can only be withdrawn)",
            };
            out.push_str(&format!("  {:<w$}", o.name, w = label - 2));
            for s in 0..count {
                let yn = if a.states.taken(s, k) { "Y" } else { "N" };
                out.push_str(&format!("{yn:>cell$}"));
            }
            out.push_str(mark);
            out.push('\n');
        }
    }
    ids(&mut out, "state");
    out.push_str("\nPreferences (most preferred first, [tied])\n");
    for (i, d) in dms.iter().enumerate() {
        let groups: Vec<String> = a
            .states
            .ranking(i)
            .iter()
            .map(|g| {
                let v: Vec<String> = g.iter().map(|s| (s + 1).to_string()).collect();
                if v.len() == 1 {
                    v[0].clone()
                } else {
                    format!("[{}]", v.join(" "))
                }
            })
            .collect();
        out.push_str(&format!("  {}: {}\n", d.name, groups.join(" ")));
    }
    out.push_str("\nStability (✓ = stable for the decision maker)\n");
    ids(&mut out, "");
    for (i, d) in dms.iter().enumerate() {
        out.push_str(&format!("{}\n", d.name));
        for concept in Concept::ALL {
            out.push_str(&format!("  {:<w$}", concept.label(), w = label - 2));
            for s in 0..count {
                let mark = if a.stability.is_stable(concept, i, s) {
                    "✓"
                } else {
                    "·"
                };
                out.push_str(&format!("{mark:>cell$}"));
            }
            out.push('\n');
        }
    }
    out.push_str("\nEquilibria (stable for every decision maker)\n");
    for concept in Concept::ALL {
        let eq = a.equilibria(concept);
        let list = if eq.is_empty() {
            "none".to_string()
        } else {
            eq.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("  {:<8} {list}\n", concept.label()));
    }
    out
}
