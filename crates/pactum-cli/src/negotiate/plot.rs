//! `--plot`: the SVG picture of one negotiation — each party's offers over
//! time, and the offers in the utility space of the first two negotiators
//! with the frontier, the Nash point and the agreement.

use anyhow::Result;
use pactum_sim::metrics::Metrics;
use pactum_sim::negotiator::Response;
use pactum_sim::{NegotiationResult, Prepared};
use plotters::prelude::*;

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
];

/// Left: each party's offers over time (its own utility, solid; the other
/// party's, dots, when there are two). Right: the offers in the utility
/// space of the first two negotiators, with the frontier, the Nash point and
/// the agreement.
pub fn plot(
    p: &Prepared,
    r: &NegotiationResult,
    strategies: &[&str],
    m: &Metrics,
    path: &std::path::Path,
) -> Result<()> {
    let names = p.names();
    let root = SVGBackend::new(path, (1400, 650)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(700);
    let seats = names.len();
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for pr in &p.prefs {
        lo = lo.min(pr.worst);
        hi = hi.max(pr.best);
    }
    let pad = 0.02 * (hi - lo);

    let mut chart = ChartBuilder::on(&left)
        .caption(
            format!("{} — offers over time", p.scenario.name()),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..1.0, lo - pad..hi + pad)?;
    chart
        .configure_mesh()
        .x_desc("relative time")
        .y_desc("utility")
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    for seat in 0..seats {
        let color = COLORS[seat % COLORS.len()];
        let own: Vec<(f64, f64)> = r
            .trace
            .events
            .iter()
            .filter(|e| e.proposer == Some(seat))
            .map(|e| (e.time, p.prefs[seat].utility(e.offer)))
            .collect();
        chart
            .draw_series(LineSeries::new(own.clone(), color.stroke_width(2)))?
            .label(format!(
                "{} ({}): own utility of its offers",
                names[seat], strategies[seat]
            ))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        if seats == 2 {
            let other = 1 - seat;
            let theirs: Vec<(f64, f64)> = r
                .trace
                .events
                .iter()
                .filter(|e| e.proposer == Some(seat))
                .map(|e| (e.time, p.prefs[other].utility(e.offer)))
                .collect();
            chart
                .draw_series(
                    theirs
                        .iter()
                        .map(|&q| Circle::new(q, 2, color.mix(0.6).filled())),
                )?
                .label(format!(
                    "{}'s offers: utility to {}",
                    names[seat], names[other]
                ))
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, color.mix(0.6).filled()));
        }
    }
    let mediated: Vec<(f64, f64)> = r
        .trace
        .events
        .iter()
        .filter(|e| e.proposer.is_none() && e.responses.iter().all(|x| x.1 == Response::Accept))
        .flat_map(|e| (0..seats).map(move |s| (e.time, s, e.offer)))
        .map(|(t, s, o)| (t, p.prefs[s].utility(o)))
        .collect();
    if !mediated.is_empty() {
        chart
            .draw_series(
                mediated
                    .iter()
                    .map(|&q| Cross::new(q, 4, BLACK.stroke_width(1))),
            )?
            .label("drafts accepted by all (utility to each party)")
            .legend(|(x, y)| Cross::new((x + 10, y), 4, BLACK.stroke_width(1)));
    }
    crate::report::draw_legend(&mut chart)?;

    // Utility space of the first two negotiators.
    let (x0, x1) = (p.prefs[0].worst.min(0.0), p.prefs[0].best.max(1.0));
    let (y0, y1) = (p.prefs[1].worst.min(0.0), p.prefs[1].best.max(1.0));
    let mut chart = ChartBuilder::on(&right)
        .caption("offers in the utility space", ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(x0 - 0.02..x1 + 0.02, y0 - 0.02..y1 + 0.02)?;
    chart
        .configure_mesh()
        .x_desc(format!("utility of {}", names[0]))
        .y_desc(format!("utility of {}", names[1]))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let mut front: Vec<(f64, f64)> = m.frontier.iter().map(|f| (f[0], f[1])).collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    if seats == 2 {
        chart.draw_series(LineSeries::new(front.clone(), BLACK.stroke_width(1)))?;
    }
    chart
        .draw_series(front.iter().map(|&q| Circle::new(q, 3, BLACK.filled())))?
        .label(if seats == 2 {
            "Pareto frontier"
        } else {
            "Pareto frontier (projected)"
        })
        .legend(|(x, y)| Circle::new((x + 10, y), 3, BLACK.filled()));
    for seat in 0..seats {
        let color = COLORS[seat % COLORS.len()];
        let pts: Vec<(f64, f64)> = r
            .trace
            .events
            .iter()
            .filter(|e| e.proposer == Some(seat))
            .map(|e| (p.prefs[0].utility(e.offer), p.prefs[1].utility(e.offer)))
            .collect();
        chart
            .draw_series(
                pts.iter()
                    .map(|&q| Circle::new(q, 4, color.mix(0.7).filled())),
            )?
            .label(format!("offers of {}", names[seat]))
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
    }
    if let Some(n) = &m.nash {
        let q = (n[0], n[1]);
        chart
            .draw_series(std::iter::once(Cross::new(
                q,
                10,
                RGBColor(214, 39, 40).stroke_width(3),
            )))?
            .label("Nash point")
            .legend(|(x, y)| Cross::new((x + 10, y), 6, RGBColor(214, 39, 40).stroke_width(3)));
    }
    if let Some(a) = r.agreement {
        let q = (p.prefs[0].utility(a), p.prefs[1].utility(a));
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                q,
                10,
                RGBColor(255, 127, 14).filled(),
            )))?
            .label(format!("agreement (round {})", r.steps))
            .legend(|(x, y)| TriangleMarker::new((x + 10, y), 6, RGBColor(255, 127, 14).filled()));
    }
    crate::report::draw_legend(&mut chart)?;
    root.present()?;
    Ok(())
}
