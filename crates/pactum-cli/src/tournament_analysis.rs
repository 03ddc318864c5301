//! `pactum tournament --analysis` and `pactum tournament analyze DIR`: the
//! statistics of pactum-sim's `tournament::analysis`, presented — written to
//! `analysis.json` (the library's document as is), `analysis.md` (a
//! readable report, also printed) and `payoff.svg` (the payoff table as a
//! heat map).
//!
//! Rules: the files depend only on the rows (no clock, fixed decimals), so
//! the same results folder gives the same bytes; the report states the
//! measure, the interval method and the test it used.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use pactum_sim::tournament::analysis::{Analysis, Estimate, Options, analyze, read_folder};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The scoring measure of the analysis (command-line names).
#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum MeasureArg {
    /// Each seat's utility of the result.
    #[default]
    Utility,
    /// Utility minus the seat's utility of no agreement.
    Advantage,
    /// The discounted utility (tournaments with discounting).
    DiscountedUtility,
}

impl MeasureArg {
    fn measure(self) -> pactum_sim::tournament::analysis::Measure {
        use pactum_sim::tournament::analysis::Measure;
        match self {
            MeasureArg::Utility => Measure::Utility,
            MeasureArg::Advantage => Measure::Advantage,
            MeasureArg::DiscountedUtility => Measure::DiscountedUtility,
        }
    }
}

/// Analyses the results folder `dir` by `measure`, writes the three files
/// into `out` and returns the readable report.
pub fn analyze_folder(dir: &Path, out: &Path, measure: MeasureArg) -> Result<String> {
    let (manifest, rows) = read_folder(dir)?;
    let options = Options::new(measure.measure(), 0.95, 0.05, 1e-3)?;
    let analysis = analyze(&manifest.strategies, &rows, &options)
        .with_context(|| format!("analysing {}", dir.display()))?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = serde_json::to_string_pretty(&analysis)? + "\n";
    let path = out.join("analysis.json");
    std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?;
    let text = report(&analysis);
    let path = out.join("analysis.md");
    std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    heat_map(&out.join("payoff.svg"), &analysis)?;
    Ok(text)
}

fn num(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.4}"))
}

fn p_value(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(p) if p != 0.0 && p < 1e-3 => format!("{p:.2e}"),
        Some(p) => format!("{p:.4}"),
    }
}

fn interval(e: &Estimate) -> String {
    match (e.low, e.high) {
        (Some(l), Some(h)) => format!("[{l:.4}, {h:.4}]"),
        _ => "—".into(),
    }
}

/// The readable report (Markdown).
pub fn report(a: &Analysis) -> String {
    let pct = 100.0 * a.confidence;
    let mut s = String::new();
    let _ = writeln!(s, "# Tournament analysis\n");
    let _ = writeln!(
        s,
        "Measure: **{}**, over {} negotiations of {} strategies. \
         Intervals: {pct}%, {}. Test: {}, at α = {}.\n",
        a.measure,
        a.negotiations,
        a.strategies.len(),
        a.interval,
        a.test,
        a.alpha
    );
    let _ = writeln!(
        s,
        "## Payoff table\n\nMean {} of the row strategy against the column strategy, \
         its {pct}% interval and the number of scores (figure: `payoff.svg`).\n",
        a.measure
    );
    let _ = writeln!(s, "| strategy | {} |", a.strategies.join(" | "));
    let _ = writeln!(s, "|---|{}", "---:|".repeat(a.strategies.len()));
    for (name, row) in a.strategies.iter().zip(&a.payoff) {
        let cells: Vec<String> = row
            .iter()
            .map(|e| match e.mean {
                None => "—".into(),
                Some(_) => format!("{} {} n={}", num(e.mean), interval(e), e.n),
            })
            .collect();
        let _ = writeln!(s, "| {name} | {} |", cells.join(" | "));
    }
    let _ = writeln!(
        s,
        "\n## Ranking by mean score\n\n| rank | strategy | mean | {pct}% interval | seats |\n|---:|---|---:|---|---:|"
    );
    for p in &a.rankings.mean {
        let e = &a.scores[a
            .strategies
            .iter()
            .position(|x| *x == p.strategy)
            .unwrap_or(0)]
        .estimate;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            p.rank,
            p.strategy,
            num(e.mean),
            interval(e),
            e.n
        );
    }
    let _ = writeln!(
        s,
        "\n## Pairwise tests\n\n| a | b | U | z | p | p (Holm) | p (BH) | significant (Holm, BH) |\n|---|---|---:|---:|---:|---:|---:|---|"
    );
    for t in &a.tests {
        let yes = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {}, {} |",
            t.a,
            t.b,
            t.u.map_or("—".into(), |u| format!("{u}")),
            num(t.z),
            p_value(t.p),
            p_value(t.p_holm),
            p_value(t.p_bh),
            yes(t.significant_holm),
            yes(t.significant_bh)
        );
    }
    let index = |name: &str| a.strategies.iter().position(|x| x == name).unwrap_or(0);
    let _ = writeln!(
        s,
        "\n## Ranking by Nash averaging\n\nThe maximum-entropy Nash equilibrium of the zero-sum \
         game on P − Pᵀ (share) and each strategy's skill against it (0 in its support, \
         negative outside).\n\n| rank | strategy | share | skill |\n|---:|---|---:|---:|"
    );
    for p in &a.rankings.nash_averaging {
        let i = index(&p.strategy);
        let _ = writeln!(
            s,
            "| {} | {} | {:.4} | {:.4} |",
            p.rank, p.strategy, a.nash_averaging.mix[i], a.nash_averaging.skill[i]
        );
    }
    let _ = writeln!(
        s,
        "\n## Ranking by regret\n\nBest response's score minus the strategy's own, against \
         the uniform mix of the strategies (ranked) and against the Nash-averaging mix.\n\n\
         | rank | strategy | regret (uniform) | regret (Nash mix) |\n|---:|---|---:|---:|"
    );
    for p in &a.rankings.regret {
        let i = index(&p.strategy);
        let _ = writeln!(
            s,
            "| {} | {} | {:.4} | {:.4} |",
            p.rank, p.strategy, a.regret.uniform[i], a.regret.nash[i]
        );
    }
    let r = &a.replicator;
    let _ = writeln!(
        s,
        "\n## Replicator dynamics\n\nFrom the uniform population, {} steps ({}). \
         Survivors (share above {}): {}.\n\n| strategy | final share |\n|---|---:|",
        r.steps,
        if r.converged {
            "converged"
        } else {
            "stopped at the step limit"
        },
        r.threshold,
        if r.survivors.is_empty() {
            "none".to_string()
        } else {
            r.survivors.join(", ")
        }
    );
    for (name, share) in a.strategies.iter().zip(&r.shares) {
        let _ = writeln!(s, "| {name} | {share:.4} |");
    }
    s
}

/// The payoff table as a heat map: one square per cell, shaded from the
/// lowest mean (light) to the highest (dark blue), its mean written in it;
/// an empty cell is grey with a dash.
fn heat_map(path: &Path, a: &Analysis) -> Result<()> {
    const CELL: i32 = 90;
    const LEFT: i32 = 170;
    const TOP: i32 = 110;
    let k = a.strategies.len() as i32;
    let size = ((LEFT + CELL * k + 40) as u32, (TOP + CELL * k + 60) as u32);
    let means: Vec<f64> = a.payoff.iter().flatten().filter_map(|e| e.mean).collect();
    let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    let title = format!(
        "Payoff table: mean {} of the row strategy against the column strategy",
        a.measure
    );
    let centre = Pos::new(HPos::Center, VPos::Center);
    root.draw(&Text::new(
        title,
        (10, 20),
        ("sans-serif", 16).into_font().color(&BLACK),
    ))?;
    root.draw(&Text::new(
        format!("light {lo:.4} … dark {hi:.4}"),
        (10, 44),
        ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
    ))?;
    for (j, name) in a.strategies.iter().enumerate() {
        let x = LEFT + CELL * j as i32 + CELL / 2;
        root.draw(&Text::new(
            name.clone(),
            (x, TOP - 16),
            ("sans-serif", 13).into_font().color(&BLACK).pos(centre),
        ))?;
    }
    for (i, (name, row)) in a.strategies.iter().zip(&a.payoff).enumerate() {
        let y0 = TOP + CELL * i as i32;
        root.draw(&Text::new(
            name.clone(),
            (LEFT - 10, y0 + CELL / 2),
            ("sans-serif", 13)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        for (j, e) in row.iter().enumerate() {
            let x0 = LEFT + CELL * j as i32;
            let (fill, label, ink) = match e.mean {
                None => (RGBColor(215, 215, 215), "—".to_string(), BLACK),
                Some(m) => {
                    let t = if hi > lo { (m - lo) / (hi - lo) } else { 0.5 };
                    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
                    let fill = RGBColor(mix(235.0, 8.0), mix(244.0, 48.0), mix(250.0, 107.0));
                    let ink = if t > 0.55 { WHITE } else { BLACK };
                    (fill, format!("{m:.3}"), ink)
                }
            };
            root.draw(&Rectangle::new(
                [(x0, y0), (x0 + CELL, y0 + CELL)],
                fill.filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x0, y0), (x0 + CELL, y0 + CELL)],
                WHITE.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                label,
                (x0 + CELL / 2, y0 + CELL / 2),
                ("sans-serif", 15).into_font().color(&ink).pos(centre),
            ))?;
        }
    }
    root.draw(&Text::new(
        "rows: strategy scored; columns: its opponent",
        (LEFT, TOP + CELL * k + 30),
        ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
    ))?;
    root.present()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
