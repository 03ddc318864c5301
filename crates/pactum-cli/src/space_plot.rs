//! The utility-space SVG of `analyze --plot` and `negotiate --plot`, written
//! by hand so that every mark carries an id or a class (and a `<title>` a
//! viewer shows on hover).
//!
//! Rules: the chosen pair (`--axes A,B`, default the first two negotiators)
//! is drawn large; with three or more negotiators every pair also gets a
//! panel of its own (`pair-I-J`, I < J). Each panel has the outcome cloud
//! (outcomes crossing a red line apart), both reservation lines, the zone of
//! possible agreement of the two shaded (both at least their reservation
//! values), the frontier (of all negotiators, projected onto the two axes),
//! the four fair packages each with its own mark (a note says which
//! coincide), every party's offers as a path in time order and the
//! agreement. Same input, same bytes: numbers are printed with fixed
//! decimals, clouds are enumerated or drawn from a fixed seed, nothing reads
//! the clock.

use std::fmt::Write as _;

use pactum_core::solutions::Concept;

/// A point of the space: every negotiator's utility, and what to show on hover.
pub struct Mark {
    /// Utilities in the negotiators' order.
    pub utilities: Vec<f64>,
    /// The package, as text.
    pub label: String,
}

/// One party's offers in the order made.
pub struct OfferPath {
    /// Who made them.
    pub party: String,
    /// The offers.
    pub offers: Vec<Mark>,
}

/// What a utility-space picture shows.
pub struct Space {
    /// The picture's title.
    pub title: String,
    /// The negotiators, in scenario order.
    pub negotiators: Vec<String>,
    /// Each negotiator's reservation value, if any.
    pub reservations: Vec<Option<f64>>,
    /// The Pareto frontier of all negotiators.
    pub frontier: Vec<Mark>,
    /// The fair packages there are (the zone of possible agreement may be empty).
    pub fair: Vec<(Concept, Mark)>,
    /// Every party's offers (empty for `analyze`).
    pub paths: Vec<OfferPath>,
    /// The agreement, if one was reached.
    pub agreement: Option<Mark>,
    /// How many outcomes the scenario has.
    pub outcome_count: u128,
    /// That count as the report writes it (`2,304`).
    pub outcome_count_text: String,
}

/// Outcomes drawn in the large panel, and in each small one.
pub const MAIN_CLOUD: usize = 20_000;
/// Outcomes drawn in each panel of the all-pairs view.
pub const PANEL_CLOUD: usize = 2_000;

/// The parties' colours, in seat order.
pub const COLORS: [&str; 6] = [
    "#1f77b4", "#d62728", "#e377c2", "#8c564b", "#bcbd22", "#17becf",
];
const WIDTH: f64 = 1000.0;

/// Each fair package's mark: id suffix, colour, shape.
fn fair_style(c: Concept) -> (&'static str, &'static str, &'static str) {
    match c {
        Concept::Nash => ("nash", "#1d2330", "square"),
        Concept::KalaiSmorodinsky => ("kalai-smorodinsky", "#7a3db8", "diamond"),
        Concept::Egalitarian => ("egalitarian", "#0f7f86", "triangle"),
        Concept::Utilitarian => ("utilitarian", "#c25a00", "down"),
    }
}

/// Text with `&`, `<`, `>` and `"` escaped for XML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A shape centred at (x, y) of half-size r, as a path.
fn shape(kind: &str, x: f64, y: f64, r: f64) -> String {
    let pts: Vec<(f64, f64)> = match kind {
        "square" => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
        "diamond" => vec![
            (0.0, -1.3 * r),
            (1.3 * r, 0.0),
            (0.0, 1.3 * r),
            (-1.3 * r, 0.0),
        ],
        "triangle" => vec![(0.0, -1.2 * r), (1.2 * r, r), (-1.2 * r, r)],
        "down" => vec![(0.0, 1.2 * r), (1.2 * r, -r), (-1.2 * r, -r)],
        _ => (0..10)
            .map(|k| {
                let a = std::f64::consts::PI / 5.0 * k as f64 - std::f64::consts::FRAC_PI_2;
                let d = if k % 2 == 1 { 0.45 * r } else { 1.5 * r };
                (d * a.cos(), d * a.sin())
            })
            .collect(),
    };
    let mut d = String::new();
    for (k, (dx, dy)) in pts.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.2},{:.2}",
            if k == 0 { "M" } else { "L" },
            x + dx,
            y + dy
        );
    }
    d.push('Z');
    d
}

/// Groups of fair packages with the same utilities, in concept order.
pub fn coinciding(fair: &[(Concept, Mark)]) -> Vec<Vec<Concept>> {
    let mut groups: Vec<(Vec<f64>, Vec<Concept>)> = Vec::new();
    for (c, m) in fair {
        let same = |u: &Vec<f64>| {
            u.len() == m.utilities.len()
                && u.iter()
                    .zip(&m.utilities)
                    .all(|(a, b)| (a - b).abs() < 1e-9)
        };
        match groups.iter_mut().find(|g| same(&g.0)) {
            Some(g) => g.1.push(*c),
            None => groups.push((m.utilities.clone(), vec![*c])),
        }
    }
    groups
        .into_iter()
        .filter(|g| g.1.len() > 1)
        .map(|g| g.1)
        .collect()
}

/// `text` in lines of at most `width` characters, cut between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A panel's frame on the page and its axes' ranges.
pub struct Frame {
    /// Left edge of the plotting area.
    pub x: f64,
    /// Top edge of the plotting area.
    pub y: f64,
    /// Width of the plotting area.
    pub w: f64,
    /// Height of the plotting area.
    pub h: f64,
    /// The utilities (or times) at the left and right, bottom and top.
    pub range: [(f64, f64); 2],
}

impl Frame {
    /// The page's x of value `u` on the horizontal axis.
    pub fn px(&self, u: f64) -> f64 {
        let (lo, hi) = self.range[0];
        self.x + (u - lo) / (hi - lo) * self.w
    }
    /// The page's y of value `u` on the vertical axis.
    pub fn py(&self, u: f64) -> f64 {
        let (lo, hi) = self.range[1];
        self.y + self.h - (u - lo) / (hi - lo) * self.h
    }
}

/// Draws one pair's panel with id `id`.
fn panel(
    out: &mut String,
    id: &str,
    space: &Space,
    (i, j): (usize, usize),
    cloud: &[(f64, f64, bool)],
    (left, top, width, height): (f64, f64, f64, f64),
    large: bool,
) {
    let names = &space.negotiators;
    let (ml, mb, mt, mr) = if large {
        (56.0, 44.0, 10.0, 12.0)
    } else {
        (36.0, 32.0, 8.0, 8.0)
    };
    let mut range = [(0.0f64, 1.0f64), (0.0f64, 1.0f64)];
    let mut see = |u: &[f64]| {
        range[0] = (range[0].0.min(u[0]), range[0].1.max(u[0]));
        range[1] = (range[1].0.min(u[1]), range[1].1.max(u[1]));
    };
    for &(x, y, _) in cloud {
        see(&[x, y]);
    }
    for m in &space.frontier {
        see(&[m.utilities[i], m.utilities[j]]);
    }
    for r in &mut range {
        let pad = 0.02 * (r.1 - r.0);
        *r = (r.0 - pad, r.1 + pad);
    }
    let f = Frame {
        x: left + ml,
        y: top + mt,
        w: width - ml - mr,
        h: height - mt - mb,
        range,
    };
    let _ = writeln!(
        out,
        r#"<g id="{id}" class="panel{}" data-pair="{}|{}">"#,
        if large { " main" } else { " pair" },
        esc(&names[i]),
        esc(&names[j])
    );
    let _ = writeln!(
        out,
        r##"<rect class="frame" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="#ffffff" stroke="#b7bec9"/>"##,
        f.x, f.y, f.w, f.h
    );
    // The zone of possible agreement of the two.
    let rx = space.reservations[i]
        .unwrap_or(f.range[0].0)
        .max(f.range[0].0);
    let ry = space.reservations[j]
        .unwrap_or(f.range[1].0)
        .max(f.range[1].0);
    if rx < f.range[0].1 && ry < f.range[1].1 {
        let _ = writeln!(
            out,
            r##"<rect id="{id}-zopa" class="zopa" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="#e3f4ea"><title>zone of possible agreement of {} and {}: both at least their reservation values</title></rect>"##,
            f.px(rx),
            f.y,
            f.x + f.w - f.px(rx),
            f.py(ry) - f.y,
            esc(&names[i]),
            esc(&names[j])
        );
    }
    // Ticks and axis names.
    let font = if large { 12 } else { 10 };
    for k in 0..=4 {
        let g = k as f64 / 4.0;
        if !large && k % 2 == 1 {
            continue;
        }
        let _ = writeln!(
            out,
            r##"<text class="tick" x="{:.2}" y="{:.2}" font-size="{font}" text-anchor="middle" fill="#5b6472">{g:.2}</text>"##,
            f.px(g),
            f.y + f.h + font as f64 + 3.0
        );
        let _ = writeln!(
            out,
            r##"<text class="tick" x="{:.2}" y="{:.2}" font-size="{font}" text-anchor="end" fill="#5b6472">{g:.2}</text>"##,
            f.x - 4.0,
            f.py(g) + 4.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text class="axis-name" x="{:.2}" y="{:.2}" font-size="{}" text-anchor="middle">utility of {}</text>"#,
        f.x + f.w / 2.0,
        top + height - 4.0,
        font + 1,
        esc(&names[i])
    );
    let (ax, ay) = (left + font as f64, f.y + f.h / 2.0);
    let _ = writeln!(
        out,
        r#"<text class="axis-name" x="{ax:.2}" y="{ay:.2}" font-size="{}" text-anchor="middle" transform="rotate(-90 {ax:.2} {ay:.2})">utility of {}</text>"#,
        font + 1,
        esc(&names[j])
    );
    // The cloud.
    let r = if large { 1.8 } else { 1.2 };
    let _ = writeln!(out, r#"<g class="cloud">"#);
    for &(x, y, barred) in cloud {
        let _ = writeln!(
            out,
            r##"<circle class="{}" cx="{:.2}" cy="{:.2}" r="{r}" fill="{}" fill-opacity="0.5"/>"##,
            if barred { "outcome barred" } else { "outcome" },
            f.px(x),
            f.py(y),
            if barred { "#d0d0d0" } else { "#96aac8" }
        );
    }
    let _ = writeln!(out, "</g>");
    // Reservation lines.
    if let Some(v) = space.reservations[i] {
        let _ = writeln!(
            out,
            r##"<line id="{id}-reservation-x" class="reservation" x1="{x:.2}" x2="{x:.2}" y1="{:.2}" y2="{:.2}" stroke="#b42323" stroke-dasharray="5 3"><title>reservation value of {}: {v}</title></line>"##,
            f.y,
            f.y + f.h,
            esc(&names[i]),
            x = f.px(v)
        );
    }
    if let Some(v) = space.reservations[j] {
        let _ = writeln!(
            out,
            r##"<line id="{id}-reservation-y" class="reservation" x1="{:.2}" x2="{:.2}" y1="{y:.2}" y2="{y:.2}" stroke="#b42323" stroke-dasharray="5 3"><title>reservation value of {}: {v}</title></line>"##,
            f.x,
            f.x + f.w,
            esc(&names[j]),
            y = f.py(v)
        );
    }
    // The frontier: the line joins the points no other beats on both axes.
    let mut pts: Vec<(f64, f64)> = space
        .frontier
        .iter()
        .map(|m| (m.utilities[i], m.utilities[j]))
        .collect();
    pts.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut line = Vec::new();
    let mut best = f64::NEG_INFINITY;
    for p in pts {
        if p.1 > best + 1e-12 {
            line.push(p);
            best = p.1;
        }
    }
    line.reverse();
    if line.len() > 1 {
        let points: Vec<String> = line
            .iter()
            .map(|&(x, y)| format!("{:.2},{:.2}", f.px(x), f.py(y)))
            .collect();
        let _ = writeln!(
            out,
            r##"<polyline id="{id}-frontier" class="frontier" points="{}" fill="none" stroke="#16794a" stroke-width="2"/>"##,
            points.join(" ")
        );
    }
    let _ = writeln!(out, r#"<g class="frontier-points">"#);
    for m in &space.frontier {
        let _ = writeln!(
            out,
            r##"<circle class="frontier-point" cx="{:.2}" cy="{:.2}" r="{}" fill="#16794a"><title>frontier: {}</title></circle>"##,
            f.px(m.utilities[i]),
            f.py(m.utilities[j]),
            if large { 3 } else { 2 },
            esc(&m.label)
        );
    }
    let _ = writeln!(out, "</g>");
    // Offers as paths in time order.
    for (k, path) in space.paths.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let points: Vec<String> = path
            .offers
            .iter()
            .map(|m| format!("{:.2},{:.2}", f.px(m.utilities[i]), f.py(m.utilities[j])))
            .collect();
        let _ = writeln!(
            out,
            r#"<g id="{id}-offers-{k}" class="offers" data-party="{}">"#,
            esc(&path.party)
        );
        if points.len() > 1 {
            let _ = writeln!(
                out,
                r#"<polyline class="offer-path" points="{}" fill="none" stroke="{color}" stroke-opacity="0.6" stroke-width="1.5"/>"#,
                points.join(" ")
            );
        }
        for (n, m) in path.offers.iter().enumerate() {
            let _ = writeln!(
                out,
                r##"<circle class="offer" cx="{:.2}" cy="{:.2}" r="{}" fill="{color}" stroke="#ffffff"><title>offer {} of {}: {}</title></circle>"##,
                f.px(m.utilities[i]),
                f.py(m.utilities[j]),
                if large { 4 } else { 3 },
                n + 1,
                esc(&path.party),
                esc(&m.label)
            );
        }
        let _ = writeln!(out, "</g>");
    }
    // The fair packages and the agreement.
    let size = if large { 6.0 } else { 4.5 };
    for (c, m) in &space.fair {
        let (key, color, kind) = fair_style(*c);
        let _ = writeln!(
            out,
            r##"<path id="{id}-{key}" class="fair fair-{key}" d="{}" fill="{color}" stroke="#ffffff"><title>{}: {}</title></path>"##,
            shape(kind, f.px(m.utilities[i]), f.py(m.utilities[j]), size),
            c.name(),
            esc(&m.label)
        );
    }
    if let Some(m) = &space.agreement {
        let _ = writeln!(
            out,
            r##"<path id="{id}-agreement" class="agreement" d="{}" fill="#f2b01e" stroke="#1d2330"><title>agreement: {}</title></path>"##,
            shape("star", f.px(m.utilities[i]), f.py(m.utilities[j]), size),
            esc(&m.label)
        );
    }
    let _ = writeln!(out, "</g>");
}

/// A legend entry's mark: what it stands for, at (x, y) its middle left.
enum Key {
    Dot(&'static str),
    Zone,
    Line(&'static str, &'static str),
    Shape(&'static str, &'static str),
}

impl Key {
    fn svg(&self, x: f64, y: f64) -> String {
        match self {
            Key::Dot(c) => format!(
                r#"<circle cx="{:.2}" cy="{y:.2}" r="4" fill="{c}"/>"#,
                x + 8.0
            ),
            Key::Zone => format!(
                r##"<rect x="{x:.2}" y="{:.2}" width="16" height="10" fill="#e3f4ea" stroke="#16794a"/>"##,
                y - 5.0
            ),
            Key::Line(c, dash) => format!(
                r#"<line x1="{x:.2}" x2="{:.2}" y1="{y:.2}" y2="{y:.2}" stroke="{c}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                x + 16.0
            ),
            Key::Shape(kind, c) => format!(
                r##"<path d="{}" fill="{c}" stroke="#1d2330" stroke-width="0.5"/>"##,
                shape(kind, x + 8.0, y, 5.0)
            ),
        }
    }
}

/// The legend beside the large panel, from (x, y).
fn legend(out: &mut String, space: &Space, cloud_note: &str, x: f64, y: f64) {
    let mut keys: Vec<(Key, String)> = vec![
        (Key::Dot("#96aac8"), cloud_note.to_string()),
        (Key::Zone, "zone of possible agreement of the two".into()),
        (Key::Line("#b42323", "5 3"), "reservation values".into()),
        (
            Key::Line("#16794a", "none"),
            if space.negotiators.len() > 2 {
                "Pareto frontier (of all, projected)".into()
            } else {
                "Pareto frontier".into()
            },
        ),
    ];
    for (c, _) in &space.fair {
        let (_, color, kind) = fair_style(*c);
        keys.push((Key::Shape(kind, color), c.name().to_string()));
    }
    for (k, p) in space.paths.iter().enumerate() {
        keys.push((
            Key::Dot(COLORS[k % COLORS.len()]),
            format!("offers of {} in order", p.party),
        ));
    }
    if space.agreement.is_some() {
        keys.push((Key::Shape("star", "#f2b01e"), "agreement".into()));
    }
    let _ = writeln!(out, r#"<g id="legend" class="legend" font-size="13">"#);
    let mut at = y;
    for (key, text) in &keys {
        let _ = writeln!(
            out,
            r#"{}<text x="{:.2}" y="{:.2}">{}</text>"#,
            key.svg(x, at),
            x + 24.0,
            at + 4.0,
            esc(text)
        );
        at += 22.0;
    }
    for group in coinciding(&space.fair) {
        let names: Vec<&str> = group.iter().map(|c| c.name()).collect();
        let note = format!("{} coincide (the same package)", names.join(", "));
        let _ = write!(out, r#"<text class="coincide" font-size="12">"#);
        for line in wrap(&note, 44) {
            at += 16.0;
            let _ = write!(
                out,
                r#"<tspan x="{x:.2}" y="{at:.2}">{}</tspan>"#,
                esc(&line)
            );
        }
        let _ = writeln!(out, "</text>");
    }
    let _ = writeln!(out, "</g>");
}

/// A section drawn under the large panel: its height, and what draws it
/// from a given top.
pub type Below<'a> = (f64, &'a dyn Fn(&mut String, f64));

/// The whole picture: the title, the chosen pair large with the legend, the
/// section `below` when given, and every pair's panel with three or more
/// negotiators. `cloud(pair, n)` gives up to `n` outcomes' utilities to the
/// pair (each marked when it crosses a red line).
pub fn render(
    space: &Space,
    pair: (usize, usize),
    cloud: impl Fn((usize, usize), usize) -> Vec<(f64, f64, bool)>,
    below: Option<Below>,
) -> String {
    let n = space.negotiators.len();
    let pairs: Vec<(usize, usize)> = if n > 2 {
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    } else {
        Vec::new()
    };
    const COLS: usize = 3;
    const PANEL: (f64, f64) = (WIDTH / COLS as f64, 300.0);
    let rows = pairs.len().div_ceil(COLS);
    let main_top = 40.0;
    let main_height = 600.0;
    let below_height = below.map_or(0.0, |b| b.0);
    let pairs_top = main_top + main_height + below_height + 10.0;
    let height = pairs_top
        + if rows > 0 {
            30.0 + rows as f64 * PANEL.1
        } else {
            0.0
        };
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">"#
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/><text id="title" x="20" y="26" font-size="20" font-weight="600">{}</text>"##,
        esc(&space.title)
    );
    let main_cloud = cloud(pair, MAIN_CLOUD);
    panel(
        &mut out,
        "main",
        space,
        pair,
        &main_cloud,
        (0.0, main_top, 640.0, main_height),
        true,
    );
    let note = if space.outcome_count > MAIN_CLOUD as u128 {
        format!(
            "a sample of {} of the {} outcomes",
            main_cloud.len(),
            space.outcome_count_text
        )
    } else {
        format!("every outcome ({})", space.outcome_count_text)
    };
    legend(&mut out, space, &note, 660.0, main_top + 20.0);
    if let Some((_, draw)) = below {
        draw(&mut out, main_top + main_height);
    }
    if !pairs.is_empty() {
        let _ = writeln!(
            out,
            r#"<text id="pairs-title" x="20" y="{:.2}" font-size="16" font-weight="600">every pair of negotiators</text>"#,
            pairs_top + 20.0
        );
        for (k, &(a, b)) in pairs.iter().enumerate() {
            let (col, row) = (k % COLS, k / COLS);
            let panel_cloud = cloud((a, b), PANEL_CLOUD);
            panel(
                &mut out,
                &format!("pair-{a}-{b}"),
                space,
                (a, b),
                &panel_cloud,
                (
                    col as f64 * PANEL.0,
                    pairs_top + 30.0 + row as f64 * PANEL.1,
                    PANEL.0,
                    PANEL.1,
                ),
                false,
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(u: &[f64]) -> Mark {
        Mark {
            utilities: u.to_vec(),
            label: "x = 1".into(),
        }
    }

    #[test]
    fn fair_packages_with_the_same_utilities_coincide() {
        let fair = vec![
            (Concept::Nash, mark(&[0.5, 0.5])),
            (Concept::KalaiSmorodinsky, mark(&[0.5, 0.5])),
            (Concept::Egalitarian, mark(&[0.4, 0.6])),
            (Concept::Utilitarian, mark(&[0.4, 0.6 + 1e-12])),
        ];
        assert_eq!(
            coinciding(&fair),
            vec![
                vec![Concept::Nash, Concept::KalaiSmorodinsky],
                vec![Concept::Egalitarian, Concept::Utilitarian]
            ]
        );
    }

    #[test]
    fn names_are_escaped() {
        let space = Space {
            title: "A & B <test>".into(),
            negotiators: vec!["A\"1".into(), "B".into()],
            reservations: vec![Some(0.2), None],
            frontier: vec![mark(&[1.0, 0.0]), mark(&[0.0, 1.0])],
            fair: vec![(Concept::Nash, mark(&[0.5, 0.5]))],
            paths: Vec::new(),
            agreement: None,
            outcome_count: 2,
            outcome_count_text: "2".into(),
        };
        let svg = render(&space, (0, 1), |_, _| vec![(1.0, 0.0, false)], None);
        assert!(svg.contains("A &amp; B &lt;test&gt;"));
        assert!(svg.contains(r#"data-pair="A&quot;1|B""#));
        assert!(svg.contains(r#"id="main-reservation-x""#));
        assert!(!svg.contains(r#"id="main-reservation-y""#));
        assert!(
            !svg.contains("pair-0-1"),
            "two negotiators: no all-pairs view"
        );
    }
}
