//! How far each single-text mediator gets with sincere voters: the
//! packages mediator, the draft-and-vote cycle of one-issue changes and
//! hill-climbing, each given 30 drafts, on the four examples and on GENIUS
//! scenarios of two and three parties.
//!
//! Rules: every seat votes with `vote_by_utility` (accept a draft at least
//! as good as the standing one, and acceptable); a final draft is
//! Pareto-efficient when its utilities lie within 1e-9 of a point of the
//! exact rational frontier of `pactum-core`'s analysis; it is rational
//! when every party may accept it. The GENIUS scenarios are read from
//! `../shared/scenarios/genius` beside the repository (or the folder given as the first
//! argument) and skipped with a message when absent; a multilateral
//! domain seats its first three profiles. Seed 0 throughout (only
//! hill-climbing draws). Prints a Markdown table and a summary.
//!
//! Run: `cargo run --release -p pactum-sim --example single_text_study`

use std::path::{Path, PathBuf};
use std::time::Instant;

use pactum_sim::metrics::Metrics;
use pactum_sim::negotiator::Response;
use pactum_sim::{Config, Deadline, Mediator, NegotiationResult, Prepared, ProtocolKind};

/// Drafts each mediator may propose.
const DRAFTS: usize = 30;
/// Utilities this close to a frontier point are on it.
const ON_FRONTIER: f64 = 1e-9;

const MEDIATORS: [Mediator; 3] = [
    Mediator::Packages,
    Mediator::DraftAndVote,
    Mediator::HillClimbing,
];

/// Two-party GENIUS domains (ANAC 2010–2013).
const BILATERAL: &[&str] = &[
    "anac/y2010/EnglandZimbabwe",
    "anac/y2010/ItexvsCypress",
    "anac/y2010/Travel",
    "anac/y2011/Amsterdam",
    "anac/y2011/Camera",
    "anac/y2011/Car",
    "anac/y2011/Energy",
    "anac/y2011/Grocery",
    "anac/y2011/IS_BT_Acquisition",
    "anac/y2011/Laptop",
    "anac/y2011/NiceOrDie",
    "anac/y2012/BarbecueA",
    "anac/y2012/FitnessA",
    "anac/y2012/FlightBookingA",
    "anac/y2013/Coffee",
    "anac/y2013/DogChoosing",
    "anac/y2013/Icecream",
    "anac/y2013/Kitchen",
    "anac/y2013/Lunch",
    "anac/y2013/Outfit",
    "anac/y2013/SmartPhone",
    "misc/Laptop",
];

/// Multilateral GENIUS domains (ANAC 2015–2016), three profiles seated.
const MULTILATERAL: &[&str] = &[
    "anac/y2015/group1-university",
    "anac/y2015/group12-symposium",
    "anac/y2015/group2-new_sporthal",
    "anac/y2015/group3-bank_robbery",
    "anac/y2015/group5-car_domain",
    "anac/y2015/group7-movie",
    "anac/y2015/group9-killer_robot",
    "anac/y2016/AgentHp2",
    "anac/y2016/Caduceus",
    "anac/y2016/Farma",
    "anac/y2016/Terra",
];

/// One mediator's run on one scenario.
struct Row {
    proposed: usize,
    adopted: usize,
    efficient: bool,
    rational: bool,
    nash: Option<f64>,
}

fn run(p: &Prepared, metrics: &Metrics, mediator: Mediator) -> Result<Row, String> {
    let config = Config {
        protocol: ProtocolKind::SingleText(mediator),
        deadline: Deadline::steps(DRAFTS),
        seed: 0,
        record: true,
    };
    let strategies = vec!["boulware"; p.prefs.len()];
    let r: NegotiationResult =
        pactum_sim::negotiate(p, &strategies, &config).map_err(|e| e.to_string())?;
    let adopted = r
        .trace
        .events
        .iter()
        .filter(|e| {
            e.responses.len() == p.prefs.len()
                && e.responses.iter().all(|(_, x)| *x == Response::Accept)
        })
        .count();
    let rational = r
        .agreement
        .is_some_and(|a| p.prefs.iter().all(|q| q.is_rational(a)));
    let efficient = r.agreement.is_some()
        && metrics
            .to_frontier(&r.utilities)
            .is_some_and(|d| d <= ON_FRONTIER);
    Ok(Row {
        proposed: r.trace.events.len(),
        adopted,
        efficient,
        rational,
        nash: r.agreement.and(metrics.to_nash(&r.utilities)),
    })
}

/// The first three profile stems of a GENIUS folder (files other than the
/// domain, in name order).
fn three_profiles(dir: &Path) -> Result<Vec<String>, String> {
    let mut stems = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if text.contains("<utility_space")
            && !text.contains("<negotiation_template")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            stems.push(stem.to_string());
        }
    }
    stems.truncate(3);
    Ok(stems)
}

fn load(path: &Path, profiles: Option<&[String]>) -> Result<Prepared, String> {
    let loaded = pactum_core::io::load(path, profiles).map_err(|e| e.to_string())?;
    Prepared::new(loaded.scenario)
        .map(Prepared::without_discount)
        .map_err(|e| e.to_string())
}

fn cell(r: &Result<Row, String>) -> String {
    match r {
        Ok(r) => format!(
            "{}/{} | {} | {}",
            r.adopted,
            r.proposed,
            match (r.efficient, r.rational) {
                (true, true) => "yes",
                (false, true) => "rational only",
                (true, false) => "efficient only",
                (false, false) => "no",
            },
            r.nash.map_or("–".to_string(), |d| format!("{d:.3}"))
        ),
        Err(e) => format!("error: {e} | | "),
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let genius = std::env::args()
        .nth(1)
        .map_or_else(|| root.join("../shared/scenarios/genius"), PathBuf::from);
    let mut scenarios: Vec<(String, Result<Prepared, String>)> = Vec::new();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    // Negotiation scenarios only (a `*-conflict.toml` is a conflict model).
    examples.retain(|p| {
        p.extension().is_some_and(|e| e == "toml")
            && !p.to_string_lossy().ends_with("-conflict.toml")
    });
    examples.sort();
    for path in examples {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        scenarios.push((name, load(&path, None)));
    }
    if genius.is_dir() {
        for name in BILATERAL {
            scenarios.push((name.to_string(), load(&genius.join(name), None)));
        }
        for name in MULTILATERAL {
            let dir = genius.join(name);
            let prepared = three_profiles(&dir).and_then(|stems| load(&dir, Some(&stems)));
            scenarios.push((format!("{name} (3 profiles)"), prepared));
        }
    } else {
        eprintln!(
            "GENIUS scenarios not found at {}: only the examples are run",
            genius.display()
        );
    }
    println!(
        "| scenario | parties | outcomes | rational for all | packages: adopted/drafts | efficient & rational | to Nash | draft-and-vote: adopted/drafts | efficient & rational | to Nash | hill-climbing: adopted/drafts | efficient & rational | to Nash |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut totals = [(0usize, 0usize, 0usize); 3];
    let mut no_zopa: Vec<&str> = Vec::new();
    let started = Instant::now();
    for (name, prepared) in &scenarios {
        let p = match prepared {
            Ok(p) => p,
            Err(e) => {
                eprintln!("skipped {name}: {e}");
                continue;
            }
        };
        let metrics = Metrics::new(p);
        if let Some(note) = &metrics.note {
            eprintln!("skipped {name}: no exact frontier ({note})");
            continue;
        }
        let zopa = (0..p.space.len() as u32)
            .filter(|&o| p.prefs.iter().all(|q| q.is_rational(o)))
            .count();
        let rows: Vec<Result<Row, String>> =
            MEDIATORS.iter().map(|&m| run(p, &metrics, m)).collect();
        if zopa == 0 {
            // No package is rational for everyone: no agreement is right.
            no_zopa.push(name.as_str());
        }
        for (t, r) in totals.iter_mut().zip(&rows).filter(|_| zopa > 0) {
            t.0 += 1;
            if let Ok(r) = r {
                t.1 += usize::from(r.efficient && r.rational);
                t.2 += r.proposed;
            }
        }
        println!(
            "| {name} | {} | {} | {zopa} | {} | {} | {} |",
            p.prefs.len(),
            p.space.len(),
            cell(&rows[0]),
            cell(&rows[1]),
            cell(&rows[2])
        );
    }
    println!();
    if !no_zopa.is_empty() {
        println!(
            "Without a package rational for everyone (not counted below; no agreement is right): {}",
            no_zopa.join(", ")
        );
        println!();
    }
    for (m, (runs, good, drafts)) in MEDIATORS.iter().zip(totals) {
        println!(
            "- {}: efficient and rational in {good} of {runs} runs ({:.1} %), {:.1} drafts on average",
            m.name(),
            100.0 * good as f64 / runs.max(1) as f64,
            drafts as f64 / runs.max(1) as f64
        );
    }
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
}
