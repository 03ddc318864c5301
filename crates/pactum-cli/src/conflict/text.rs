//! The readable report of `pactum conflict`: states as option tables, the
//! preference rankings, the stability table, the equilibria, then (when
//! asked) why a state is or is not stable for each DM, and what the DMs can
//! reach from the status quo with the shortest paths in words.
//!
//! Rules: states appear by id; a sanction is worded step by step, ending
//! with the state it reaches; at most [`MAX_PATHS`] paths are listed per
//! kind of step, nearest equilibrium first (the JSON output has all).

use pactum_conflict::why::DETERRING;
use pactum_conflict::{
    Coalition, CoalitionConcept, CoalitionStability, Concept, Direction, Reached, Sanctions,
    StatusQuoPaths, Why,
};

use super::view::{Found, and_list, ids, labels, sanctions_words};

/// The most shortest paths listed per kind of step.
pub const MAX_PATHS: usize = 20;

/// The readable report.
pub fn text(f: &Found) -> String {
    let (c, a) = (&f.read.conflict, f.analysis);
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
        sanctions_words(a.sanctions)
    ));
    if let Some(q) = f.status_quo {
        out.push_str(&format!("status quo: state {}\n", q + 1));
    }
    let label = c
        .options()
        .iter()
        .map(|o| o.name.chars().count() + 3)
        .chain(dms.iter().map(|d| d.name.chars().count() + 1))
        .max()
        .unwrap_or(0)
        .max(10);
    let header = |out: &mut String, head: &str| {
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
    header(&mut out, "state");
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
    header(&mut out, "");
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
        let eq = a.stability.equilibria(concept);
        out.push_str(&format!("  {:<8} {}\n", concept.label(), ids(&eq)));
    }
    if let Some((h, stable)) = &f.limited {
        limited(&mut out, f, *h, stable);
    }
    if let Some((groups, stability)) = &f.coalitions {
        coalitions(&mut out, f, groups, stability);
    }
    for w in &f.why {
        why(&mut out, f, w);
    }
    if let Some(p) = &f.paths {
        from_status_quo(&mut out, f, p);
    }
    out
}

/// The L_h section: each DM's stable states and the L_h equilibria.
fn limited(out: &mut String, f: &Found, h: usize, stable: &[Vec<bool>]) {
    out.push_str(&format!(
        "\nLimited-move stability L_{h} (each looks {h} move{} ahead)\n",
        if h == 1 { "" } else { "s" }
    ));
    let states = |row: &[bool]| -> Vec<usize> { (0..row.len()).filter(|&s| row[s]).collect() };
    for (dm, row) in stable.iter().enumerate() {
        out.push_str(&format!("  {:<16} {}\n", f.dm(dm), ids(&states(row))));
    }
    let count = stable.first().map_or(0, Vec::len);
    let eq: Vec<usize> = (0..count)
        .filter(|&s| stable.iter().all(|r| r[s]))
        .collect();
    out.push_str(&format!("  {:<16} {}\n", "equilibria", ids(&eq)));
}

/// The coalitions section: per concept each DM's stable states and the
/// equilibria.
fn coalitions(out: &mut String, f: &Found, groups: &[Coalition], s: &CoalitionStability) {
    let names: Vec<String> = groups.iter().map(|g| f.coalition(g)).collect();
    out.push_str(&format!("\nCoalitions ({})\n", names.join("; ")));
    for concept in CoalitionConcept::ALL {
        out.push_str(&format!("  {}\n", concept.label()));
        for dm in 0..f.read.conflict.decision_makers().len() {
            out.push_str(&format!(
                "    {:<16} {}\n",
                f.dm(dm),
                ids(&s.stable_states(concept, dm))
            ));
        }
        out.push_str(&format!(
            "    {:<16} {}\n",
            "equilibria",
            ids(&s.equilibria(concept))
        ));
    }
}

/// The "Why" section for one DM at one state.
fn why(out: &mut String, f: &Found, w: &Why) {
    let (me, s) = (f.dm(w.dm), w.state + 1);
    out.push_str(&format!("\nWhy state {s} is or is not stable for {me}\n"));
    out.push_str(&format!("  {}\n", f.taken(w.state)));
    if w.improvements.is_empty() {
        out.push_str(&format!(
            "  {me} has no improvement from state {s}: stable under every concept.\n"
        ));
        return;
    }
    let targets: Vec<usize> = w.improvements.iter().map(|m| m.step.to).collect();
    out.push_str(&format!(
        "  {me} can improve from state {s} to state {}: not Nash stable.\n",
        ids(&targets)
    ));
    let single = w.sanctions == Sanctions::Single;
    for m in &w.improvements {
        let to = m.step.to + 1;
        out.push_str(&format!(
            "  Improvement to state {to}: {}\n",
            f.action(&m.step)
        ));
        for concept in DETERRING {
            let line = match m.sanction(concept) {
                Some(x) => {
                    let how = if x.simultaneous {
                        let acts: Vec<String> = x.steps.iter().map(|st| f.action(st)).collect();
                        format!("at once, {} → state {}", and_list(&acts), x.end + 1)
                    } else {
                        let acts: Vec<String> = x.steps.iter().map(|st| f.step(st)).collect();
                        acts.join(", then ")
                    };
                    let end = x.end + 1;
                    let tail = if concept == Concept::Smr {
                        format!(
                            "; {me} does not prefer state {end} to state {s}, nor can it move from there to a state it does"
                        )
                    } else {
                        format!("; {me} does not prefer state {end} to state {s}")
                    };
                    format!("deterred: {how}{tail}")
                }
                None => {
                    let what: &str = match (concept, single) {
                        (Concept::Sim, true) => "no single opponent's move made at the same time",
                        (Concept::Sim, false) => {
                            "no set of the opponents' moves made at the same time"
                        }
                        (Concept::Seq, true) => "no opponent's single improvement",
                        (Concept::Seq, false) => "no sequence of the opponents' improvements",
                        (_, true) => "no opponent's single move",
                        (_, false) => "no sequence of the opponents' moves",
                    };
                    let cond = if concept == Concept::Smr {
                        format!(
                            "a state {me} does not prefer to state {s} and cannot leave for one it does"
                        )
                    } else {
                        format!("a state {me} does not prefer to state {s}")
                    };
                    format!("not deterred: {what} ends in {cond}")
                }
            };
            out.push_str(&format!("    {:<4} {line}\n", concept.label()));
        }
    }
    let (yes, no): (Vec<Concept>, Vec<Concept>) =
        Concept::ALL.into_iter().partition(|&c| w.stable(c));
    out.push_str(&format!(
        "  Stable for {me} under: {}; not under: {}\n",
        labels(&yes),
        labels(&no)
    ));
}

/// The "From the status quo" section.
fn from_status_quo(out: &mut String, f: &Found, p: &StatusQuoPaths) {
    let q = p.status_quo;
    out.push_str(&format!("\nFrom the status quo (state {})\n", q + 1));
    out.push_str(&format!("  {}\n", f.taken(q)));
    let here: Vec<Concept> = Concept::ALL
        .into_iter()
        .filter(|&c| f.analysis.stability.equilibria(c).contains(&q))
        .collect();
    if here.is_empty() {
        out.push_str("  The status quo is an equilibrium under no concept.\n");
    } else {
        out.push_str(&format!(
            "  The status quo is an equilibrium under: {}\n",
            labels(&here)
        ));
    }
    for (what, reached) in [
        ("unilateral moves", &p.by_moves),
        ("unilateral improvements", &p.by_improvements),
    ] {
        reached_section(out, f, what, reached);
    }
}

fn reached_section(out: &mut String, f: &Found, what: &str, r: &Reached) {
    let count = r.reach.reachable().len();
    out.push_str(&format!(
        "  By {what}: {count} of {} states reachable\n    reachable equilibria:\n",
        f.analysis.states.len()
    ));
    for concept in Concept::ALL {
        out.push_str(&format!(
            "      {:<8} {}\n",
            concept.label(),
            ids(&r.equilibria_under(concept))
        ));
    }
    // Nearest first, then by state id.
    let mut nearest: Vec<_> = r.equilibria.iter().collect();
    nearest.sort_by_key(|e| (e.steps.len(), e.state));
    for e in nearest.into_iter().take(MAX_PATHS) {
        let n = e.steps.len();
        let moves = match n {
            0 => "the status quo itself".to_string(),
            1 => "1 move".to_string(),
            _ => format!("{n} moves"),
        };
        out.push_str(&format!(
            "    to state {} ({}), {moves}\n",
            e.state + 1,
            labels(&e.concepts)
        ));
        for (k, st) in e.steps.iter().enumerate() {
            out.push_str(&format!("      {}. {}\n", k + 1, f.step(st)));
        }
    }
    if r.equilibria.len() > MAX_PATHS {
        out.push_str(&format!(
            "    … and {} more reachable equilibria (all are in the JSON output)\n",
            r.equilibria.len() - MAX_PATHS
        ));
    }
}
