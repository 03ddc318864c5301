//! The text reports of `pactum forecast`: a forecast with each actor's
//! positions by round, a Monte Carlo distribution per issue, a back-test's
//! scores per model (and per issue).
//!
//! Rules: numbers are shown with two decimals, anything not finite as `—`;
//! anchors as written (whole numbers without decimals); the input's own
//! notes are quoted under the heading; a back-test's failures are listed as
//! notes after the tables.

use std::fmt::Write as _;

use pactum_forecast::Anchor;
use pactum_forecast::backtest::BacktestReport;
use pactum_forecast::montecarlo::{McOptions, Spread};

use super::json::{McReport, ModelScore, Report};
use super::model::Model;

fn fmt_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "—".into()
    }
}

fn header_text(s: &mut String, file: &str, name: &str, notes: Option<&str>) {
    let _ = writeln!(s, "Forecast: {name} ({file})");
    if let Some(n) = notes {
        for line in n.trim().lines() {
            let _ = writeln!(s, "  {}", line.trim_end());
        }
    }
}

fn anchors_text(s: &mut String, anchors: &[Anchor], status_quo: Option<f64>) {
    for a in anchors {
        let _ = writeln!(s, "  {:>6} = {}", fmt_anchor(a.value), a.label);
    }
    if let Some(sq) = status_quo {
        let _ = writeln!(s, "  status quo {}", fmt_num(sq));
    }
}

fn fmt_anchor(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

pub(super) fn forecast_text(r: &Report, model: Model) -> String {
    let mut s = String::new();
    header_text(&mut s, &r.file, &r.case, r.source_notes.as_deref());
    let _ = writeln!(s, "Model: {} — {}", model.name(), model.describe());
    for i in &r.issues {
        let _ = writeln!(s, "\n{}", i.issue);
        anchors_text(&mut s, &i.anchors, i.status_quo);
        let mut line = format!("  forecast {}", fmt_num(i.forecast));
        let mut extra = Vec::new();
        if model != Model::Mean {
            extra.push(format!("weighted mean {}", fmt_num(i.weighted_mean)));
        }
        for (k, v) in &i.summary {
            let shown = match k.as_str() {
                "prob_weighted" => continue,
                "turns" | "rounds" => format!("{k} {v}"),
                _ => format!("{} {}", k.replace('_', " "), fmt_num(*v)),
            };
            extra.push(shown);
        }
        if let Some(o) = i.outcome {
            extra.push(format!("observed outcome {}", fmt_num(o)));
        }
        if !extra.is_empty() {
            let _ = write!(line, "   ({})", extra.join("; "));
        }
        let _ = writeln!(s, "{line}");
        let width = i
            .actors
            .iter()
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        if i.rounds.len() == 1 {
            let _ = writeln!(s, "  positions");
        } else {
            let _ = writeln!(s, "  positions by round (0 = initial)");
        }
        let mut head = format!("    {:<width$}", "actor");
        if i.rounds.len() == 1 {
            let _ = write!(head, " {:>8}", "position");
        } else {
            for t in 0..i.rounds.len() {
                let _ = write!(head, " {t:>7}");
            }
        }
        let _ = writeln!(s, "{}", head.trim_end());
        for a in &i.actors {
            let mut row = format!("    {a:<width$}");
            let w = if i.rounds.len() == 1 { 8 } else { 7 };
            for r in &i.rounds {
                let _ = write!(row, " {:>w$}", r.get(a).map_or("—".into(), fmt_num));
            }
            let _ = writeln!(s, "{row}");
        }
        if let Some(fp) = &i.final_positions {
            let _ = writeln!(s, "  final positions and their probabilities");
            for p in fp {
                let _ = writeln!(
                    s,
                    "    {:>7}  p = {:.3}  {}",
                    fmt_num(p.position),
                    p.probability,
                    p.actors.join(", ")
                );
            }
        }
    }
    for n in &r.notes {
        let _ = writeln!(s, "\nnote: {n}");
    }
    s
}

fn spread_text(s: &Spread, unit: &str) -> String {
    match s {
        Spread::None => "unchanged".into(),
        Spread::Relative(f) => format!("±{}%", f * 100.0),
        Spread::Absolute(a) => format!("±{a}{unit}"),
        Spread::ShareOfRange(f) => {
            format!("±{}% of the scale (or of the positions' range)", f * 100.0)
        }
        Spread::PerActor(_) => "per-actor ranges".into(),
    }
}

/// The Monte Carlo report: the heading, the spreads drawn with (`ranges`:
/// whether the input gives ranges of its own), and each issue's
/// distribution.
pub(super) fn monte_carlo_text(
    r: &McReport,
    model: Model,
    base: &McOptions,
    ranges: bool,
) -> String {
    let mut s = String::new();
    header_text(&mut s, &r.file, &r.case, r.source_notes.as_deref());
    let _ = writeln!(s, "Model: {} — {}", model.name(), model.describe());
    let _ = writeln!(
        s,
        "Monte Carlo: {} draws, seed {}; capability {}, position {}, salience {}{}",
        r.monte_carlo.draws,
        r.monte_carlo.seed,
        spread_text(&base.capability, ""),
        spread_text(&base.position, " points"),
        spread_text(&base.salience, " points"),
        if ranges {
            "; the input's ranges where it gives them"
        } else {
            ""
        }
    );
    let width = r
        .issues
        .iter()
        .map(|i| i.issue.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        s,
        "\n  {:<width$} {:>8} {:>8} {:>18} {:>8}",
        "issue", "base", "median", "10th–90th pct", "failed"
    );
    for i in &r.issues {
        let _ = writeln!(
            s,
            "  {:<width$} {:>8} {:>8} {:>18} {:>8}",
            i.issue,
            fmt_num(i.base),
            fmt_num(i.median),
            format!("{} – {}", fmt_num(i.p10), fmt_num(i.p90)),
            i.failures
        );
    }
    s
}

/// The back-test report of `file`: one row per model scored, then (with
/// `per_issue`) each issue's predictions by model, then the failures.
pub(super) fn backtest_text(
    file: &str,
    report: &BacktestReport,
    models: &[Model],
    scores: &[ModelScore],
    per_issue: bool,
) -> String {
    let issues = &report.issues;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Back-test: {file} ({} issues with known outcomes)",
        issues.len()
    );
    let _ = writeln!(
        s,
        "\n  {:<10} {:>7} {:>7} {:>8} {:>10} {:>10}",
        "model", "issues", "failed", "MAE", "median AE", "within 10"
    );
    for m in scores {
        let _ = writeln!(
            s,
            "  {:<10} {:>7} {:>7} {:>8} {:>10} {:>10}",
            m.model,
            m.issues,
            m.failures,
            fmt_num(m.mae),
            fmt_num(m.median_ae),
            if m.within_10.is_finite() {
                format!("{:.1}%", 100.0 * m.within_10)
            } else {
                "—".into()
            }
        );
    }
    let _ = writeln!(
        s,
        "\nMAE = mean absolute error; within 10 = share of issues forecast within 10 points.\n\
         Trust a model only where it beats the weighted mean (`mean`)."
    );
    if per_issue {
        let width = issues
            .iter()
            .map(|i| i.issue.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        let mut head = format!("\n  {:<width$} {:>8}", "issue", "outcome");
        for m in models {
            let _ = write!(head, " {:>9}", m.name());
        }
        let _ = writeln!(s, "{head}");
        for i in issues {
            let mut row = format!("  {:<width$} {:>8}", i.issue, fmt_num(i.outcome));
            for m in models {
                let v = i
                    .predictions
                    .get(m.kind().name())
                    .map_or("failed".into(), |v| fmt_num(*v));
                let _ = write!(row, " {v:>9}");
            }
            let _ = writeln!(s, "{row}");
        }
    }
    for m in scores {
        for e in &m.errors {
            let _ = writeln!(s, "note: {} failed on {}: {}", m.model, e.issue, e.error);
        }
    }
    s
}
