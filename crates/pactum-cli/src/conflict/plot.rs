//! `--plot FILE.svg`: the graph of states. Nodes are states labelled by id,
//! laid out in columns by the number of options taken (ascending id down
//! each column); edges are the DMs' unilateral moves, one colour per DM
//! (an arrowhead at each end a move goes to); the equilibria under the
//! chosen concept have a double ring; the status quo is filled black; the
//! shortest paths from the status quo to the reachable equilibria are laid
//! under the edges in broad bands (improvements yellow, moves grey).
//!
//! Rules: at most [`MAX_DRAWN`] states are drawn; a larger model is drawn
//! reduced to the status quo, the equilibria and the states on the paths
//! between them (a note says so), and refused when even that is too many.
//! The same input writes the same bytes. Every node has an id
//! (`state-12`), a class (`state`, `equilibrium`, `status-quo`) and a hover
//! title naming the options taken and the concepts it is an equilibrium
//! under.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Result, bail};
use pactum_conflict::{Concept, Reached};

use super::view::{Found, labels};

/// The most states a plot draws.
pub const MAX_DRAWN: usize = 256;

const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999",
];
const R: f64 = 11.0;
const COL_W: f64 = 120.0;
const ROW_H: f64 = 34.0;
const MARGIN: f64 = 40.0;
const LINE: f64 = 18.0;

/// A drawing and what the reader should know about it.
pub struct Drawing {
    /// The SVG document.
    pub svg: String,
    /// Notes for standard error (e.g. that the graph was reduced).
    pub notes: Vec<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The directed edges of the shortest paths to the reachable equilibria
/// under `concept`, and the states on them.
fn path_edges(r: &Reached, concept: Concept) -> BTreeSet<(usize, usize)> {
    r.equilibria
        .iter()
        .filter(|e| e.concepts.contains(&concept))
        .flat_map(|e| e.steps.iter().map(|s| (s.from, s.to)))
        .collect()
}

/// Draws the graph of states of `f` with the equilibria under `concept`.
pub fn svg(f: &Found, concept: Concept) -> Result<Drawing> {
    let a = f.analysis;
    let c = &f.read.conflict;
    let n = a.states.len();
    let equilibria: BTreeSet<usize> = a.stability.equilibria(concept).into_iter().collect();
    let (improving, moving) = match &f.paths {
        Some(p) => (
            path_edges(&p.by_improvements, concept),
            path_edges(&p.by_moves, concept),
        ),
        None => Default::default(),
    };
    let mut notes = Vec::new();
    let drawn: Vec<usize> = if n <= MAX_DRAWN {
        (0..n).collect()
    } else {
        let mut keep: BTreeSet<usize> = equilibria.clone();
        keep.extend(f.status_quo);
        keep.extend(improving.iter().chain(&moving).flat_map(|&(x, y)| [x, y]));
        if keep.len() > MAX_DRAWN {
            bail!(
                "cannot plot: the model has {n} states and even its {} equilibria, the status \
                 quo and the states on the paths between them number {}; at most {MAX_DRAWN} \
                 can be drawn legibly (try another --plot-concept)",
                concept.label(),
                keep.len()
            );
        }
        notes.push(format!(
            "the model has {n} states, more than {MAX_DRAWN}: only the {} equilibria, the status \
             quo and the states on the shortest paths between them are drawn ({} states)",
            concept.label(),
            keep.len()
        ));
        keep.into_iter().collect()
    };
    // Columns by the number of options taken; empty columns are skipped.
    let mut columns: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for &s in &drawn {
        columns
            .entry(a.states.codes()[s].count_ones())
            .or_default()
            .push(s);
    }
    let rows = columns.values().map(Vec::len).max().unwrap_or(1);
    let dms = c.decision_makers();
    let legend_h = LINE * (dms.len() + 5) as f64;
    let top = MARGIN + legend_h + LINE * 2.0;
    let width = (MARGIN * 2.0 + COL_W * columns.len().max(1) as f64).max(640.0);
    let height = top + ROW_H * rows as f64 + MARGIN;
    let mut at: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for (col, (_, states)) in columns.iter().enumerate() {
        let offset = (rows - states.len()) as f64 * ROW_H / 2.0;
        for (row, &s) in states.iter().enumerate() {
            let x = MARGIN + COL_W * (col as f64 + 0.5);
            let y = top + offset + ROW_H * (row as f64 + 0.5);
            at.insert(s, (x, y));
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    out.push_str("<defs>\n");
    for i in 0..dms.len() {
        let colour = COLOURS[i % COLOURS.len()];
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>"#
        );
    }
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    let title = if c.name().is_empty() {
        "conflict"
    } else {
        c.name()
    };
    let _ = writeln!(
        out,
        r#"<text x="{MARGIN}" y="{:.1}" font-size="15" font-weight="bold">{}: graph of states</text>"#,
        MARGIN - 12.0,
        esc(title)
    );
    legend(&mut out, f, concept, &notes);
    for (col, (taken, _)) in columns.iter().enumerate() {
        let x = MARGIN + COL_W * (col as f64 + 0.5);
        let _ = writeln!(
            out,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#555">{taken} taken</text>"##,
            top - 8.0
        );
    }
    // Each pair of states joined by a DM's moves, with the directions moved.
    let mut edges: BTreeMap<(usize, usize), (usize, bool, bool)> = BTreeMap::new();
    for &s in &drawn {
        for dm in 0..dms.len() {
            for &t in a.moves.moves(dm, s) {
                if at.contains_key(&t) {
                    let e = edges
                        .entry((s.min(t), s.max(t)))
                        .or_insert((dm, false, false));
                    if s < t {
                        e.1 = true;
                    } else {
                        e.2 = true;
                    }
                }
            }
        }
    }
    let geometry = |x: usize, y: usize| curve(at[&x], at[&y]);
    for (set, colour, class) in [
        (&moving, "#d0d0d0", "path-moves"),
        (&improving, "#ffd740", "path-improvements"),
    ] {
        for &(x, y) in set.iter() {
            if at.contains_key(&x) && at.contains_key(&y) {
                let _ = writeln!(
                    out,
                    r#"<path class="{class}" d="{}" fill="none" stroke="{colour}" stroke-width="9" stroke-linecap="round"/>"#,
                    geometry(x, y)
                );
            }
        }
    }
    for (&(x, y), &(dm, forward, back)) in &edges {
        let colour = COLOURS[dm % COLOURS.len()];
        let mut marks = String::new();
        if forward {
            let _ = write!(marks, r#" marker-end="url(#arrow-{dm})""#);
        }
        if back {
            let _ = write!(marks, r#" marker-start="url(#arrow-{dm})""#);
        }
        let _ = writeln!(
            out,
            r#"<path class="move dm-{dm}" d="{}" fill="none" stroke="{colour}" stroke-width="1.2" stroke-opacity="0.8"{marks}><title>{}: state {} – state {}</title></path>"#,
            geometry(x, y),
            esc(&dms[dm].name),
            x + 1,
            y + 1
        );
    }
    // Each concept's equilibria once, for the nodes' titles.
    let all: Vec<(Concept, BTreeSet<usize>)> = Concept::ALL
        .into_iter()
        .map(|k| (k, a.stability.equilibria(k).into_iter().collect()))
        .collect();
    for (&s, &(x, y)) in &at {
        let under: Vec<Concept> = all
            .iter()
            .filter(|(_, eq)| eq.contains(&s))
            .map(|&(k, _)| k)
            .collect();
        node(&mut out, f, s, (x, y), equilibria.contains(&s), &under);
    }
    out.push_str("</svg>\n");
    Ok(Drawing { svg: out, notes })
}

/// A gently curved path from `p` to `q`, its ends kept off the nodes.
fn curve(p: (f64, f64), q: (f64, f64)) -> String {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    // Bend to the left of the direction of travel (from the lower id).
    let bend = if dx.abs() < 1.0 { 0.35 } else { 0.12 };
    let cx = (p.0 + q.0) / 2.0 - dy * bend;
    let cy = (p.1 + q.1) / 2.0 + dx * bend;
    let trim = |from: (f64, f64)| {
        let (ux, uy) = (cx - from.0, cy - from.1);
        let l = (ux * ux + uy * uy).sqrt().max(1.0);
        let k = (R + 2.0) / l;
        (from.0 + ux * k, from.1 + uy * k)
    };
    let (a, b) = (trim(p), trim(q));
    format!(
        "M{:.1},{:.1} Q{cx:.1},{cy:.1} {:.1},{:.1}",
        a.0, a.1, b.0, b.1
    )
}

fn node(
    out: &mut String,
    f: &Found,
    s: usize,
    (x, y): (f64, f64),
    equilibrium: bool,
    under: &[Concept],
) {
    let a = f.analysis;
    let sq = f.status_quo == Some(s);
    let mut class = String::from("state");
    if equilibrium {
        class.push_str(" equilibrium");
    }
    if sq {
        class.push_str(" status-quo");
    }
    let taken: Vec<&str> = (0..f.read.conflict.options().len())
        .filter(|&k| a.states.taken(s, k))
        .map(|k| f.option(k))
        .collect();
    let title = format!(
        "state {}{}: taken: {}; equilibrium under: {}",
        s + 1,
        if sq { " (status quo)" } else { "" },
        if taken.is_empty() {
            "none".to_string()
        } else {
            taken.join(", ")
        },
        labels(under)
    );
    let _ = writeln!(
        out,
        r#"<g id="state-{}" class="{class}"><title>{}</title>"#,
        s + 1,
        esc(&title)
    );
    if equilibrium {
        let _ = writeln!(
            out,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="white" stroke="#222" stroke-width="1.5"/>"##,
            R + 4.0
        );
    }
    let (fill, ink) = if sq {
        ("#222", "white")
    } else {
        ("white", "#222")
    };
    let _ = writeln!(
        out,
        r##"<circle cx="{x:.1}" cy="{y:.1}" r="{R:.1}" fill="{fill}" stroke="#222" stroke-width="1.5"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="{ink}">{}</text></g>"#,
        y + 3.5,
        s + 1
    );
}

/// A legend line's mark, drawn at a given height.
type Mark = Box<dyn Fn(f64) -> String>;

fn legend(out: &mut String, f: &Found, concept: Concept, notes: &[String]) {
    let x = MARGIN;
    let centre = x + 13.0;
    // Each line: its mark (drawn at height y) and its words.
    let mut lines: Vec<(Mark, String)> = Vec::new();
    for (i, d) in f.read.conflict.decision_makers().iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        lines.push((
            Box::new(move |y| {
                format!(
                    r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2" marker-end="url(#arrow-{i})"/>"#,
                    x + 26.0
                )
            }),
            format!("{}'s unilateral moves", d.name),
        ));
    }
    lines.push((
        Box::new(move |y| {
            format!(
                r##"<circle cx="{centre:.1}" cy="{y:.1}" r="5" fill="none" stroke="#222"/><circle cx="{centre:.1}" cy="{y:.1}" r="8" fill="none" stroke="#222"/>"##
            )
        }),
        format!("double ring: an equilibrium under {}", concept.label()),
    ));
    lines.push((
        Box::new(move |y| {
            format!(r##"<circle cx="{centre:.1}" cy="{y:.1}" r="6" fill="#222" stroke="#222"/>"##)
        }),
        match f.status_quo {
            Some(q) => format!("the status quo (state {})", q + 1),
            None => "the status quo (none given)".into(),
        },
    ));
    for (colour, words) in [
        ("#ffd740", "by unilateral improvements"),
        ("#d0d0d0", "by unilateral moves"),
    ] {
        lines.push((
            Box::new(move |y| {
                format!(
                    r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="9" stroke-linecap="round"/>"#,
                    x + 26.0
                )
            }),
            format!(
                "shortest paths from the status quo to the reachable {} equilibria, {words}",
                concept.label()
            ),
        ));
    }
    for note in notes {
        lines.push((Box::new(|_| String::new()), format!("Note: {note}")));
    }
    for (k, (mark, words)) in lines.iter().enumerate() {
        let y = MARGIN + 8.0 + LINE * k as f64;
        let _ = writeln!(
            out,
            r#"<g class="legend">{}<text x="{:.1}" y="{:.1}">{}</text></g>"#,
            mark(y),
            x + 34.0,
            y + 4.0,
            esc(words)
        );
    }
}
