//! Runs `pactum conflict`: reads the file, analyses it, answers `--why`,
//! the status-quo analysis, limited-move stability (`--horizon`) and the
//! coalitions' stability (`--coalition`), and prints the report or the
//! JSON document and writes the plot.
//!
//! Rules: a state id, DM name, status quo, horizon or coalition the model
//! does not have (or L_h with other than two DMs) is refused naming the
//! flag; parts of a file read but not
//! analysed are named on standard error; the status quo given on the
//! command line overrides the file's.

use anyhow::{Context, Result};
use pactum_conflict::read::read_file;
use pactum_conflict::{
    Coalition, analyse, coalition_stability, dm_index, limited_move_stable, status_quo_paths, why,
};

use super::args::Args;
use super::view::Found;
use super::{json, plot, text};

/// Reads, analyses and prints the conflict.
pub fn run(args: Args) -> Result<()> {
    let read = read_file(&args.file)?;
    for part in &read.not_analysed {
        let hint = if part == "coalitions" {
            " (name them with --coalition A,B for coalitional stability)"
        } else {
            ""
        };
        eprintln!(
            "warning: {}: `{part}` is read but not analysed{hint}",
            args.file.display()
        );
    }
    let conflict = &read.conflict;
    let analysis = analyse(conflict, args.sanctions.sanctions());
    let status_quo = match args.status_quo {
        Some(id) => Some(
            analysis
                .state_index(id)
                .with_context(|| format!("--status-quo {id}"))?,
        ),
        None => read
            .status_quo
            .and_then(|code| analysis.states.index_of(code)),
    };
    let mut answers = Vec::new();
    if let Some(id) = args.why {
        let state = analysis
            .state_index(id)
            .with_context(|| format!("--why {id}"))?;
        let dms = match &args.dm {
            Some(name) => vec![dm_index(conflict, name).with_context(|| format!("--dm {name:?}"))?],
            None => (0..conflict.decision_makers().len()).collect(),
        };
        for dm in dms {
            answers.push(why(conflict, &analysis, state, dm)?);
        }
    }
    let paths = status_quo
        .map(|q| status_quo_paths(&analysis, q))
        .transpose()?;
    let limited = args
        .horizon
        .map(|h| {
            limited_move_stable(conflict, &analysis.states, &analysis.moves, h)
                .map(|stable| (h, stable))
                .with_context(|| format!("--horizon {h}"))
        })
        .transpose()?;
    let coalitions = if args.coalition.is_empty() {
        None
    } else {
        let groups = args
            .coalition
            .iter()
            .map(|spec| {
                let names: Vec<&str> = spec.split(',').map(str::trim).collect();
                Coalition::from_names(conflict, &names)
                    .with_context(|| format!("--coalition {spec:?}"))
            })
            .collect::<Result<Vec<_>>>()?;
        let stability = coalition_stability(
            conflict,
            &analysis.states,
            &analysis.moves,
            &groups,
            analysis.sanctions,
        );
        Some((groups, stability))
    };
    let found = Found {
        read: &read,
        analysis: &analysis,
        status_quo,
        why: answers,
        paths,
        limited,
        coalitions,
    };
    if let Some(path) = &args.plot {
        let drawing = plot::svg(&found, args.plot_concept.concept())?;
        for note in &drawing.notes {
            eprintln!("note: {}: {note}", path.display());
        }
        std::fs::write(path, drawing.svg)
            .with_context(|| format!("cannot write the plot to {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json::document(&found))?);
    } else {
        print!("{}", text::text(&found));
    }
    Ok(())
}
