//! How Jupyter shows an analysis: a table of the fair packages and an
//! inline SVG of the utility space (the frontier of the first two
//! negotiators, the fair packages marked), without any plotting library.
//!
//! Rules: every text from the scenario is HTML-escaped; the plot's axes
//! run from 0 to the largest utility shown (at least 1), so plots of
//! normalised scenarios compare at a glance; the same analysis gives the
//! same bytes.

use std::fmt::Write as _;

/// One fair package in the table.
pub struct Row<'a> {
    /// The solution concept's key.
    pub concept: &'a str,
    /// "issue = value, …".
    pub package: String,
    /// In negotiator order.
    pub utilities: Vec<f64>,
}

/// What is shown.
pub struct Picture<'a> {
    /// The scenario's name.
    pub name: &'a str,
    /// One line on the zone of possible agreement.
    pub zopa: &'a str,
    /// Negotiator names.
    pub negotiators: &'a [String],
    /// Frontier utilities, points × negotiators.
    pub frontier: &'a [Vec<f64>],
    /// Each solution concept's utilities.
    pub solutions: &'a [(&'static str, Vec<f64>)],
    /// The table's rows.
    pub rows: &'a [Row<'a>],
}

/// `text` with HTML's special characters escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const COLOURS: [(&str, &str); 4] = [
    ("nash", "#d62728"),
    ("kalai_smorodinsky", "#2ca02c"),
    ("egalitarian", "#9467bd"),
    ("utilitarian", "#ff7f0e"),
];

fn colour(concept: &str) -> &'static str {
    COLOURS
        .iter()
        .find(|c| c.0 == concept)
        .map_or("#000000", |c| c.1)
}

/// The utility space of the first two negotiators as SVG (empty with fewer than two).
pub fn svg(p: &Picture<'_>) -> String {
    if p.negotiators.len() < 2 {
        return String::new();
    }
    let (w, h, m) = (360.0, 300.0, 40.0);
    let top = p
        .frontier
        .iter()
        .chain(p.solutions.iter().map(|s| &s.1))
        .flat_map(|u| u.iter().take(2).copied())
        .filter(|u| u.is_finite())
        .fold(1.0_f64, f64::max);
    let x = |u: f64| m + (w - 2.0 * m) * u / top;
    let y = |u: f64| h - m - (h - 2.0 * m) * u / top;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        s,
        r##"<rect x="{m}" y="{m}" width="{}" height="{}" fill="none" stroke="#888"/>"##,
        w - 2.0 * m,
        h - 2.0 * m
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        w / 2.0,
        h - 8.0,
        escape(&p.negotiators[0])
    );
    let _ = write!(
        s,
        r#"<text x="12" y="{}" text-anchor="middle" transform="rotate(-90 12 {})">{}</text>"#,
        h / 2.0,
        h / 2.0,
        escape(&p.negotiators[1])
    );
    for (v, anchor) in [(0.0, "0"), (top, "top")] {
        let label = if anchor == "0" {
            "0".to_string()
        } else {
            format!("{top:.2}")
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{label}</text>"#,
            x(v),
            h - m + 14.0
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{label}</text>"#,
            m - 4.0,
            y(v) + 4.0
        );
    }
    let mut points: Vec<(f64, f64)> = p.frontier.iter().map(|u| (u[0], u[1])).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|&(a, b)| format!("{:.1},{:.1}", x(a), y(b)))
            .collect();
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="#1f77b4" stroke-width="1"/>"##,
            path.join(" ")
        );
    }
    for &(a, b) in &points {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="#1f77b4"/>"##,
            x(a),
            y(b)
        );
    }
    for (k, (concept, u)) in p.solutions.iter().enumerate() {
        let c = colour(concept);
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{c}"><title>{concept}</title></rect>"#,
            x(u[0]) - 3.5,
            y(u[1]) - 3.5
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" fill="{c}">{concept}</text>"#,
            w - m - 110.0,
            m + 14.0 + 13.0 * k as f64
        );
    }
    s.push_str("</svg>");
    s
}

/// The table and the plot, as one HTML fragment.
pub fn html(p: &Picture<'_>) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<div><strong>{}</strong><br/>{}<br/>{} frontier points<table><thead><tr><th>solution</th><th>package</th>",
        escape(p.name),
        escape(p.zopa),
        p.frontier.len()
    );
    for n in p.negotiators {
        let _ = write!(s, "<th>{}</th>", escape(n));
    }
    s.push_str("</tr></thead><tbody>");
    for r in p.rows {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td>",
            escape(r.concept),
            escape(&r.package)
        );
        for u in &r.utilities {
            let _ = write!(s, "<td>{u:.4}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s.push_str(&svg(p));
    s.push_str("</div>");
    s
}
