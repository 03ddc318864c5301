//! `--plot`: the SVG picture of one negotiation, drawn by
//! [`crate::space_plot`] — the offers in the utility space of the pair
//! `--axes` names (default the first two negotiators) with the outcomes,
//! reservation lines, zone of possible agreement, frontier, fair packages,
//! every party's offers as a path in time order and the agreement; with
//! three or more negotiators every pair too; and below, each party's own
//! utility of its offers over time.
//!
//! Rules: a party's path holds its own offers in the order made; the
//! single-text mediator's drafts that every party accepted form one path of
//! their own; same negotiation, same bytes.

use std::fmt::Write as _;

use anyhow::Result;
use pactum_core::analysis::{AnalysisOptions, analyze, utility_cloud_marked};
use pactum_sim::negotiator::Response;
use pactum_sim::{NegotiationResult, OutcomeId, Prepared};

use crate::report;
use crate::space_plot::{self, COLORS, Frame, Mark, OfferPath, Space, esc};

/// A line of the time panel: one party's own utility of its offers.
struct Series {
    name: String,
    points: Vec<(f64, f64)>,
}

/// Height of the time panel.
const TIME_HEIGHT: f64 = 300.0;

/// Writes the picture of the negotiation `r` to `path`; `pair` indexes the
/// negotiators drawn large.
pub fn plot(
    p: &Prepared,
    r: &NegotiationResult,
    strategies: &[&str],
    pair: (usize, usize),
    path: &std::path::Path,
) -> Result<()> {
    let names = p.names();
    let title = format!("{} — offers in the utility space", p.scenario.name());
    let mut space = match analyze(&p.scenario, &AnalysisOptions::default()) {
        Ok(a) if a.negotiators == names => report::space_of(&a, title),
        // Too large to analyse: the offers and reservation lines only.
        _ => Space {
            title,
            negotiators: names.clone(),
            reservations: p.prefs.iter().map(|pr| pr.reservation).collect(),
            frontier: Vec::new(),
            fair: Vec::new(),
            paths: Vec::new(),
            agreement: None,
            outcome_count: p.scenario.outcome_count(),
            outcome_count_text: report::thousands(p.scenario.outcome_count()),
        },
    };
    let mark = |o: OutcomeId| Mark {
        utilities: p.utilities(o),
        label: report::package_line(&p.package(o)),
    };
    let seats = names.len();
    let events = &r.trace.events;
    for seat in 0..seats {
        space.paths.push(OfferPath {
            party: format!("{} ({})", names[seat], strategies[seat]),
            offers: events
                .iter()
                .filter(|e| e.proposer == Some(seat))
                .map(|e| mark(e.offer))
                .collect(),
        });
    }
    let accepted: Vec<Mark> = events
        .iter()
        .filter(|e| e.proposer.is_none() && e.responses.iter().all(|x| x.1 == Response::Accept))
        .map(|e| mark(e.offer))
        .collect();
    if !accepted.is_empty() {
        space.paths.push(OfferPath {
            party: "the mediator (drafts accepted by all)".into(),
            offers: accepted,
        });
    }
    space.agreement = r.agreement.map(mark);
    let series: Vec<Series> = (0..seats)
        .map(|seat| Series {
            name: format!("{} ({})", names[seat], strategies[seat]),
            points: events
                .iter()
                .filter(|e| e.proposer == Some(seat))
                .map(|e| (e.time, p.prefs[seat].utility(e.offer)))
                .collect(),
        })
        .collect();
    let draw = |out: &mut String, top: f64| time_panel(out, &series, top);
    let svg = space_plot::render(
        &space,
        pair,
        |q, n| utility_cloud_marked(&p.scenario, q, n, 1),
        Some((TIME_HEIGHT, &draw)),
    );
    std::fs::write(path, svg)?;
    Ok(())
}

/// The time panel: each party's own utility of its offers over relative time.
fn time_panel(out: &mut String, series: &[Series], top: f64) {
    let height = TIME_HEIGHT;
    let (lo, hi) = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold((0.0f64, 1.0f64), |(lo, hi), u| (lo.min(u), hi.max(u)));
    let f = Frame {
        x: 70.0,
        y: top + 30.0,
        w: 600.0,
        h: height - 80.0,
        range: [(0.0, 1.0), (lo, hi)],
    };
    let _ = writeln!(out, r#"<g id="time" class="panel time">"#);
    let _ = writeln!(
        out,
        r#"<text x="20" y="{:.2}" font-size="16" font-weight="600">offers over time: each party's own utility of its offers</text>"#,
        top + 18.0
    );
    let _ = writeln!(
        out,
        r##"<rect class="frame" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="#ffffff" stroke="#b7bec9"/>"##,
        f.x, f.y, f.w, f.h
    );
    for k in 0..=4 {
        let g = k as f64 / 4.0;
        let _ = writeln!(
            out,
            r##"<text class="tick" x="{:.2}" y="{:.2}" font-size="12" text-anchor="middle" fill="#5b6472">{g:.2}</text>"##,
            f.px(g),
            f.y + f.h + 15.0
        );
        let u = lo + g * (hi - lo);
        let _ = writeln!(
            out,
            r##"<text class="tick" x="{:.2}" y="{:.2}" font-size="12" text-anchor="end" fill="#5b6472">{u:.2}</text>"##,
            f.x - 4.0,
            f.py(u) + 4.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text class="axis-name" x="{:.2}" y="{:.2}" font-size="13" text-anchor="middle">relative time</text>"#,
        f.x + f.w / 2.0,
        f.y + f.h + 34.0
    );
    for (k, s) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let points: Vec<String> = s
            .points
            .iter()
            .map(|&(t, u)| format!("{:.2},{:.2}", f.px(t), f.py(u)))
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline class="own-utility" points="{}" fill="none" stroke="{color}" stroke-width="2"><title>{}</title></polyline>"#,
            points.join(" "),
            esc(&s.name)
        );
        let ly = f.y + 10.0 + 22.0 * k as f64;
        let _ = writeln!(
            out,
            r#"<line x1="700" x2="720" y1="{ly:.2}" y2="{ly:.2}" stroke="{color}" stroke-width="2"/><text x="728" y="{:.2}" font-size="13">{}</text>"#,
            ly + 4.0,
            esc(&s.name)
        );
    }
    let _ = writeln!(out, "</g>");
}
