//! Human-readable output of an analysis: the text report and the SVG plot
//! (drawn by [`crate::space_plot`]).
//!
//! The report's rules: table columns stay distinct however alike the
//! parties' names (see [`column_headers`]); fair packages that coincide are
//! printed once, naming every concept that picks them; each party's weights
//! are shown as written; a count agrees with its noun (`1 outcome`).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use pactum_core::Scenario;
use pactum_core::analysis::{Analysis, NamedOutcome, Package, utility_cloud_marked};
use pactum_core::solutions::Concept;

use crate::space_plot::{self, Mark, Space};

/// A count and its noun: `1 outcome`, `2,250 outcomes`.
pub fn count(n: u128, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A package as one line: `price = 2; colour = "blue"`.
pub fn package_line(p: &Package) -> String {
    named_line(p.iter().map(|(k, v)| (k.as_str(), v)))
}

/// [`package_line`] of an analysis's package.
fn outcome_line(p: &NamedOutcome) -> String {
    named_line(p.iter())
}

/// "issue = value; …" of each issue's name and value.
fn named_line<K: std::fmt::Display, V: std::fmt::Display>(
    pairs: impl Iterator<Item = (K, V)>,
) -> String {
    pairs
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "Alice 0.7500, Bob 0.2500": each name with its utility, to four decimals.
pub fn utilities_line(names: &[String], u: &[f64]) -> String {
    names
        .iter()
        .zip(u)
        .map(|(n, u)| format!("{n} {u:.4}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plain-text report of `pactum analyze`.
pub fn text(scenario: &Scenario, a: &Analysis, overrides: &[String], show: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Scenario: {}", a.scenario);
    if let Some(d) = &scenario.description() {
        let _ = writeln!(s, "  {}", d.trim());
    }
    for o in overrides {
        let _ = writeln!(s, "  what-if: {o}");
    }
    let _ = writeln!(
        s,
        "\nOutcome space: {}, {}",
        count(a.issues.len() as u128, "issue", "issues"),
        count(a.outcome_count, "outcome", "outcomes")
    );
    for i in &a.issues {
        let values = match &i.values {
            Some(v) if i.kind == "discrete" => v
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" | "),
            _ => format!("{} … {}", i.min.unwrap_or(0.0), i.max.unwrap_or(0.0)),
        };
        let _ = writeln!(
            s,
            "  {:<24} {:>8} ({}): {values}",
            i.name,
            i.kind,
            count(i.cardinality as u128, "value", "values")
        );
    }
    let _ = writeln!(s, "\nParties");
    for p in &a.parties {
        let mut line = format!("  {:<16} {}", p.name, p.role);
        if let Some(r) = &p.representative {
            let _ = write!(line, " — {r}");
        }
        if let (Some(lo), Some(hi)) = (p.min_utility, p.max_utility) {
            let _ = write!(line, "; utility {lo:.4} … {hi:.4}");
        }
        match p.reservation_value {
            Some(r) => {
                let _ = write!(line, "; reservation value {r}");
            }
            None if p.min_utility.is_some() => line.push_str("; no reservation value"),
            None => {}
        }
        if let Some(d) = p.discount_factor
            && d < 1.0
        {
            let _ = write!(line, "; discount factor {d}");
        }
        let _ = writeln!(s, "{line}");
        if let Some(weights) = &p.weights {
            let list: Vec<String> = weights
                .iter()
                .map(|(issue, w)| format!("{issue} {}", short_number(*w)))
                .collect();
            let sum: f64 = weights.values().sum();
            let note = if (sum - 1.0).abs() > 1e-9 {
                format!(" (sum {})", short_number(sum))
            } else {
                String::new()
            };
            let _ = writeln!(s, "  {:<16}   weights: {}{note}", "", list.join(", "));
        }
        for r in &p.red_lines {
            let _ = writeln!(s, "  {:<16}   red line: {r}", "");
        }
    }

    let z = &a.zopa;
    let _ = writeln!(s, "\nZone of possible agreement");
    if z.empty {
        let _ = writeln!(s, "  EMPTY: no outcome is acceptable to every negotiator.");
    } else {
        let _ = writeln!(
            s,
            "  {}{} of {} ({:.4}%) {} at least as good as no deal for every negotiator",
            if z.exact { "" } else { "about " },
            thousands(z.count),
            count(a.outcome_count, "outcome", "outcomes"),
            100.0 * z.fraction,
            if z.count == 1 { "is" } else { "are" }
        );
    }
    for n in &z.notes {
        let _ = writeln!(s, "  - {n}");
    }

    let names = &a.negotiators;
    let _ = writeln!(
        s,
        "\nPareto frontier: {} ({}) [{}]",
        count(a.frontier.len() as u128, "point", "points"),
        count(a.frontier_outcome_count, "outcome", "outcomes"),
        a.method
    );
    if !a.frontier.is_empty() {
        let (headers, legend) = column_headers(names, 10);
        if legend {
            for (h, n) in headers.iter().zip(names) {
                let _ = writeln!(s, "  {h} = {n}");
            }
        }
        let mut header = format!("  {:>4}", "#");
        for h in &headers {
            let _ = write!(header, " {h:>10}");
        }
        let _ = writeln!(s, "{header}  package");
        let limit = if show == 0 {
            a.frontier.len()
        } else {
            show.min(a.frontier.len())
        };
        for (i, f) in a.frontier.iter().take(limit).enumerate() {
            let mut row = format!("  {:>4}", i + 1);
            for u in &f.utilities {
                let _ = write!(row, " {u:>10.4}");
            }
            let ties = if f.outcome_count > 1 {
                format!(" (+{} tied)", thousands(f.outcome_count - 1))
            } else {
                String::new()
            };
            let _ = writeln!(s, "{row}  {}{ties}", outcome_line(&f.outcome));
        }
        if limit < a.frontier.len() {
            let _ = writeln!(
                s,
                "  … {} more (use --show 0 or --json for all)",
                a.frontier.len() - limit
            );
        }
    }

    let _ = writeln!(s, "\nFair packages");
    // Concepts that pick the same frontier point are printed together, once.
    let mut groups: Vec<(Option<usize>, Vec<Concept>)> = Vec::new();
    for c in Concept::ALL {
        let key = a.solutions.get(c).map(|sol| sol.frontier_index);
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(c),
            None => groups.push((key, vec![c])),
        }
    }
    for (_, concepts) in &groups {
        let title = concept_list(concepts);
        let Some(sol) = a.solutions.get(concepts[0]) else {
            let _ = writeln!(
                s,
                "  {title}: none (the zone of possible agreement is empty)"
            );
            continue;
        };
        let coincide = if concepts.len() > 1 { " coincide" } else { "" };
        let _ = writeln!(
            s,
            "  {title}{coincide} (frontier #{}): {}",
            sol.frontier_index + 1,
            utilities_line(names, &sol.utilities)
        );
        for (issue, value) in sol.outcome.iter() {
            let _ = writeln!(s, "      {issue} = {value}");
        }
        let ties = |c: Concept| -> Vec<String> {
            a.solutions.get(c).map_or(Vec::new(), |sol| {
                sol.ties
                    .iter()
                    .map(|t| format!("#{}", t.frontier_index + 1))
                    .collect()
            })
        };
        let first = ties(concepts[0]);
        if concepts.iter().all(|&c| ties(c) == first) {
            if !first.is_empty() {
                let _ = writeln!(s, "      tied with frontier {}", first.join(", "));
            }
        } else {
            for &c in concepts {
                let t = ties(c);
                if !t.is_empty() {
                    let _ = writeln!(s, "      {} tied with frontier {}", c.name(), t.join(", "));
                }
            }
        }
    }
    s
}

/// A number with at most four decimals and no trailing zeros: `0.85`, not
/// `0.8500000000000001`.
fn short_number(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// "A", "A and B", "A, B and C".
fn concept_list(concepts: &[Concept]) -> String {
    let names: Vec<&str> = concepts.iter().map(|c| c.name()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Column headers of at most `width` characters, distinct whenever the
/// names are: the names themselves when they fit; else names shortened at
/// the end, or else in the middle (keeping a distinguishing suffix, e.g.
/// `Unive…til1`); else `P1`, `P2`, … — then the second value is `true` and
/// the caller prints a legend.
pub fn column_headers(names: &[String], width: usize) -> (Vec<String>, bool) {
    let distinct = |h: &[String]| {
        let mut seen = std::collections::HashSet::new();
        h.iter().all(|x| seen.insert(x.as_str()))
    };
    let shorten = |name: &str, suffix: usize| -> String {
        let chars: Vec<char> = name.chars().collect();
        if chars.len() <= width {
            return name.to_string();
        }
        let prefix = width - 1 - suffix;
        let mut h: String = chars[..prefix].iter().collect();
        h.push('…');
        h.extend(&chars[chars.len() - suffix..]);
        h
    };
    if width >= 2 {
        // Cut at the end first, then with ever-longer kept suffixes, the
        // balanced cut tried first.
        let balanced = (width - 1) / 2;
        let mut suffixes = vec![0, balanced];
        suffixes.extend((1..width - 1).filter(|&k| k != balanced));
        for suffix in suffixes {
            let headers: Vec<String> = names.iter().map(|n| shorten(n, suffix)).collect();
            if distinct(&headers) {
                return (headers, false);
            }
        }
    }
    ((1..=names.len()).map(|i| format!("P{i}")).collect(), true)
}

/// The lines about GENIUS's frontier (`pareto.xml`) beside Pactum's.
pub fn reference_text(c: &pactum_core::io::FrontierComparison, negotiators: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nGENIUS's frontier ({}): {} points",
        c.file,
        c.points.len()
    );
    for ((p, near), d) in c.points.iter().zip(&c.nearest).zip(&c.differences) {
        let beside = match (near, d) {
            (Some(q), Some(d)) => format!(
                "   Pactum's nearest: {} (difference {d:.6})",
                utilities_line(negotiators, q)
            ),
            _ => "   not compared: below a reservation value, or no Pactum frontier point"
                .to_string(),
        };
        let _ = writeln!(out, "  {}{beside}", utilities_line(negotiators, p));
    }
    let rational = c.points.len() - c.below_reservation;
    let _ = write!(
        out,
        "compared with Pactum's frontier: {} of the {rational} points above every reservation value agree (within {:e}), {} {}",
        c.agreeing,
        c.tolerance,
        c.differing,
        if c.differing == 1 {
            "differs"
        } else {
            "differ"
        },
    );
    let _ = write!(
        out,
        " (largest difference {:.6}); Pactum's points missing from GENIUS's list: {}",
        c.largest_difference, c.pactum_only
    );
    if c.below_reservation > 0 {
        let _ = write!(
            out,
            "; points below a reservation value, not expected on Pactum's frontier of rational outcomes: {}",
            c.below_reservation
        );
    }
    out.push('\n');
    out
}

/// Draws the utility space to `path` (see [`crate::space_plot`]): the pair
/// `pair` (indices into the negotiator list) large and, with three or more
/// negotiators, every pair; the outcomes (or a seeded sample), the frontier,
/// the reservation values and the fair packages.
pub fn plot(scenario: &Scenario, a: &Analysis, pair: (usize, usize), path: &Path) -> Result<()> {
    let space = space_of(a, format!("{} — utility space", a.scenario));
    let svg = space_plot::render(
        &space,
        pair,
        |p, n| utility_cloud_marked(scenario, p, n, 1),
        None,
    );
    std::fs::write(path, svg)?;
    Ok(())
}

/// What a utility-space picture of the analysis shows: the negotiators,
/// their reservation values, the frontier and the fair packages (no offers).
pub fn space_of(a: &Analysis, title: String) -> Space {
    let mark = |outcome: &NamedOutcome, utilities: &[f64]| Mark {
        utilities: utilities.to_vec(),
        label: outcome_line(outcome),
    };
    Space {
        title,
        negotiators: a.negotiators.clone(),
        reservations: a
            .negotiators
            .iter()
            .map(|n| {
                a.parties
                    .iter()
                    .find(|p| &p.name == n)
                    .and_then(|p| p.reservation_value)
            })
            .collect(),
        frontier: a
            .frontier
            .iter()
            .map(|f| mark(&f.outcome, &f.utilities))
            .collect(),
        fair: Concept::ALL
            .into_iter()
            .filter_map(|c| {
                a.solutions
                    .get(c)
                    .map(|s| (c, mark(&s.outcome, &s.utilities)))
            })
            .collect(),
        paths: Vec::new(),
        agreement: None,
        outcome_count: a.outcome_count,
        outcome_count_text: thousands(a.outcome_count),
    }
}

#[cfg(test)]
mod tests {
    use super::column_headers;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn short_names_are_kept() {
        let n = names(&["A", "Buyer", "Seller 2"]);
        assert_eq!(column_headers(&n, 10), (n.clone(), false));
    }

    #[test]
    fn names_distinct_after_a_cut_at_the_end_are_cut_there() {
        let n = names(&["Netherlands", "Germany", "Switzerland"]);
        assert_eq!(
            column_headers(&n, 10).0,
            names(&["Netherlan…", "Germany", "Switzerla…"])
        );
    }

    #[test]
    fn names_sharing_a_long_prefix_keep_their_suffix() {
        let n: Vec<String> = (1..=9).map(|i| format!("University_util{i}")).collect();
        let (h, legend) = column_headers(&n, 10);
        assert!(!legend);
        assert_eq!(h[0], "Unive…til1");
        assert_eq!(h[8], "Unive…til9");
        let long = names(&["Party of the first part", "Party of the second part"]);
        let (h, _) = column_headers(&long, 10);
        assert_ne!(h[0], h[1]);
        assert!(h.iter().all(|x| x.chars().count() <= 10), "{h:?}");
    }

    #[test]
    fn names_that_no_cut_tells_apart_are_numbered() {
        let n = names(&["xAAAAAAAAAAAAAAAAAAAy", "xAAAAAAAAAAAAAAAAAAAAy"]);
        assert_eq!(column_headers(&n, 10), (names(&["P1", "P2"]), true));
    }
}
