//! `pactum forecast --plot`: each actor's position over the rounds, one
//! panel per issue, with the forecast marked.
//!
//! Rules: the forecast is a dashed red line with a cross at the last round
//! (no actor's line is red), the status quo dashed grey, a Monte Carlo run's
//! 10th–90th percentile band shaded; every panel has its legend at its right.

use std::path::Path;

use anyhow::Result;
use pactum_forecast::Round;
use plotters::prelude::*;

pub(super) struct Panel<'a> {
    pub(super) title: String,
    pub(super) actors: &'a [String],
    pub(super) rounds: &'a [Round],
    pub(super) forecast: f64,
    /// 10th–90th percentile band of a Monte Carlo run.
    pub(super) band: Option<(f64, f64)>,
    pub(super) status_quo: Option<f64>,
    pub(super) scale: (f64, f64),
}

/// Distinguishable line colours (no red: red marks the forecast).
const COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(31, 46, 94),
];

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

/// One panel per issue: each actor's position over the rounds, the forecast as a dashed red
/// line with a cross at the last round, the status quo dashed grey, and a Monte Carlo band
/// when there is one. The legend sits to the right of each panel.
pub(super) fn plot(path: &Path, title: &str, panels: &[Panel]) -> Result<()> {
    const LEGEND: u32 = 230;
    let n = panels.len().max(1);
    let cols = if n == 1 { 1 } else { 2 };
    let rows = n.div_ceil(cols);
    let size = (if cols == 1 { 1000 } else { 1800 }, 50 + 420 * rows as u32);
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 24))?;
    let red = RGBColor(214, 39, 40);
    let grey = RGBColor(90, 90, 90);
    for (p, cell) in panels.iter().zip(root.split_evenly((rows, cols))) {
        let (w, _) = cell.dim_in_pixel();
        let (area, legend) = cell.split_horizontally(w.saturating_sub(LEGEND));
        let last = p.rounds.len().saturating_sub(1).max(1) as f64;
        let (lo, hi) = p.scale;
        let pad = (hi - lo) * 0.04;
        let mut chart = ChartBuilder::on(&area)
            .caption(&p.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(35)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.05..last + 0.05, lo - pad..hi + pad)?;
        let x_fmt = |x: &f64| format!("{x:.0}");
        let y_fmt = |y: &f64| {
            if (hi - lo) >= 20.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        };
        chart
            .configure_mesh()
            .x_desc("round")
            .y_desc("position")
            .x_labels((last as usize + 1).min(12))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let mut entries: Vec<(String, ShapeStyle)> = Vec::new();
        if let Some((a, b)) = p.band {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, a), (last, b)],
                red.mix(0.12).filled(),
            )))?;
            entries.push((
                format!("10th–90th pct {a:.1}–{b:.1}"),
                red.mix(0.25).stroke_width(8),
            ));
        }
        if let Some(sq) = p.status_quo {
            chart.draw_series(DashedLineSeries::new(
                vec![(0.0, sq), (last, sq)],
                6,
                4,
                grey.stroke_width(1),
            ))?;
            entries.push((format!("status quo {sq:.1}"), grey.stroke_width(1)));
        }
        for (i, a) in p.actors.iter().enumerate() {
            let c = color(i);
            let pts: Vec<(f64, f64)> = p
                .rounds
                .iter()
                .enumerate()
                .filter_map(|(t, r)| r.get(a).map(|y| (t as f64, y)))
                .collect();
            chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?;
            chart.draw_series(pts.into_iter().map(|q| Circle::new(q, 3, c.filled())))?;
            entries.push((a.clone(), c.stroke_width(2)));
        }
        let f = p.forecast;
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, f), (last, f)],
            10,
            5,
            red.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(Cross::new(
            (last, f),
            9,
            red.stroke_width(3),
        )))?;
        let what = if p.band.is_some() {
            "median forecast"
        } else {
            "forecast"
        };
        entries.push((format!("{what} {f:.1}"), red.stroke_width(3)));
        let font = ("sans-serif", 13).into_font();
        for (k, (label, style)) in entries.iter().enumerate() {
            let y = 50 + 20 * k as i32;
            legend.draw(&PathElement::new(vec![(6, y), (28, y)], *style))?;
            legend.draw(&Text::new(label.clone(), (34, y - 7), font.clone()))?;
        }
    }
    root.present()?;
    Ok(())
}
