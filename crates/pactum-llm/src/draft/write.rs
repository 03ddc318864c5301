//! The draft written as a native TOML scenario, each part either written
//! or commented out.
//!
//! Rules: every string is escaped (basic TOML strings, control characters
//! as `\uXXXX`), every key quoted; numbers the validator must judge are
//! written as they are (`nan` when the model gave none); a part the plan
//! leaves out is written with every line commented and the validator's
//! error above it; a negotiator's weights and values for an issue that is
//! left out are commented too. Sources go in `notes` (kept by every
//! command) as `source (line N): "quote"`; a flagged item says `FLAGGED`
//! with the quote that is not in the article; preference estimates are
//! marked `ESTIMATE` in the notes and in a comment above them; the people
//! go in `representative`.

use super::ground::{Grounded, GroundedIssue, GroundedParty, Source};

/// Whether a part is written or commented out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Written.
    Kept,
    /// Commented out, with the validator's error.
    LeftOut(String),
}

/// Which parts are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// By issue.
    pub issues: Vec<Fate>,
    /// By party.
    pub parties: Vec<Fate>,
    /// By party, by red line.
    pub red_lines: Vec<Vec<Fate>>,
}

impl Plan {
    /// Every part left out with `why`.
    pub fn none(g: &Grounded, why: &str) -> Plan {
        Plan {
            issues: vec![Fate::LeftOut(why.into()); g.issues.len()],
            parties: vec![Fate::LeftOut(why.into()); g.parties.len()],
            red_lines: g
                .parties
                .iter()
                .map(|p| vec![Fate::LeftOut(why.into()); p.red_lines.len()])
                .collect(),
        }
    }
}

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The model's name.
    pub model: String,
    /// The article's name (a file name).
    pub article: String,
}

/// `s` as a TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `v` as a TOML number.
fn number(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v:?}")
    }
}

fn source_note(source: &Source) -> String {
    match source {
        Source::Found { quote, line } => format!("source (line {line}): {}", quote_text(quote)),
        Source::Missing { quote } => format!(
            "FLAGGED: no source; the quote the model gave is not in the article: {}",
            quote_text(quote)
        ),
    }
}

fn quote_text(q: &str) -> String {
    format!(
        "\u{201c}{}\u{201d}",
        q.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// Appends `block`, commented out with `why` when the part is left out.
fn push_block(out: &mut String, block: &str, fate: &Fate) {
    match fate {
        Fate::Kept => out.push_str(block),
        Fate::LeftOut(why) => {
            out.push_str(&format!(
                "# LEFT OUT (the scenario validator refused it): {}\n",
                one_line(why)
            ));
            for line in block.lines() {
                out.push_str("# ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn issue_block(issue: &GroundedIssue) -> String {
    let mut notes = vec![source_note(&issue.source)];
    for o in &issue.options {
        notes.push(format!(
            "option {}: {}",
            o.item.name,
            source_note(&o.source)
        ));
    }
    let options: Vec<String> = issue.options.iter().map(|o| quote(&o.item.name)).collect();
    let mut b = String::new();
    if !issue.source.found() {
        b.push_str("# FLAGGED: this issue's quote is not in the article\n");
    }
    b.push_str("[[issues]]\n");
    b.push_str(&format!("name = {}\n", quote(&issue.item.name)));
    b.push_str(&format!("options = [{}]\n", options.join(", ")));
    b.push_str(&format!("notes = {}\n", quote(&notes.join("\n"))));
    b
}

fn party_block(party: &GroundedParty, kept_issues: &[&str], fates: &[Fate], model: &str) -> String {
    let mut notes = vec![source_note(&party.source)];
    if !party.unnamed_people.is_empty() {
        notes.push(format!(
            "FLAGGED: people the model named who are not in the article (left out): {}",
            party.unnamed_people.join("; ")
        ));
    }
    for pos in &party.positions {
        notes.push(format!(
            "position on {}: {} — source (line {}): {}",
            pos.item.issue,
            one_line(&pos.item.position),
            pos.line,
            quote_text(&pos.quote)
        ));
    }
    if party.estimate.is_some() {
        notes.push(format!(
            "ESTIMATE: the reservation value, weights and values are the language model {model}'s estimates, not stated in the article"
        ));
    }
    let mut b = String::new();
    if !party.source.found() {
        b.push_str("# FLAGGED: this party's quote is not in the article\n");
    }
    b.push_str("[[parties]]\n");
    b.push_str(&format!("name = {}\n", quote(&party.item.name)));
    b.push_str(&format!("role = {}\n", quote(&party.item.role)));
    if !party.people.is_empty() {
        b.push_str(&format!(
            "representative = {}\n",
            quote(&party.people.join("; "))
        ));
    }
    b.push_str(&format!("notes = {}\n", quote(&notes.join("\n"))));
    if let Some(e) = &party.estimate {
        b.push_str("# ESTIMATE (not in the article): reservation value, weights and values\n");
        b.push_str(&format!("reservation = {}\n", number(e.reservation)));
        for i in &e.issues {
            let off = if kept_issues.contains(&i.issue.trim()) {
                ""
            } else {
                "# (issue left out) "
            };
            b.push_str(&format!(
                "{off}weights.{} = {}\n",
                quote(i.issue.trim()),
                number(i.weight)
            ));
        }
        for i in &e.issues {
            let off = if kept_issues.contains(&i.issue.trim()) {
                ""
            } else {
                "# (issue left out) "
            };
            let table: Vec<String> = i
                .values
                .iter()
                .map(|v| format!("{} = {}", quote(v.option.trim()), number(v.value)))
                .collect();
            b.push_str(&format!(
                "{off}values.{} = {{ {} }}\n",
                quote(i.issue.trim()),
                table.join(", ")
            ));
        }
    }
    for (red, fate) in party.red_lines.iter().zip(fates) {
        let values: Vec<String> = red.item.options.iter().map(|o| quote(o.trim())).collect();
        let mut r = String::from("[[parties.red_lines]]\n");
        r.push_str(&format!("issue = {}\n", quote(red.item.issue.trim())));
        r.push_str(&format!("values = [{}]\n", values.join(", ")));
        r.push_str(&format!(
            "notes = {}\n",
            quote(&format!(
                "source (line {}): {}",
                red.line,
                quote_text(&red.quote)
            ))
        ));
        push_block(&mut b, &r, fate);
    }
    b
}

/// The scenario text of `g` under `plan`; with `probe`, an observer of that
/// name is added (to check issues before any party is).
pub fn render(g: &Grounded, plan: &Plan, header: &Header, probe: Option<&str>) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Drafted by `pactum draft` from {} with the language model {}.\n",
        one_line(&header.article),
        one_line(&header.model)
    ));
    out.push_str(
        "# A DRAFT TO REVIEW: every source quote below was checked against the article;\n\
         # weights, values and reservation values are the model's ESTIMATES.\n",
    );
    for f in &g.flagged {
        out.push_str(&format!(
            "# FLAGGED: {}: quote not in the article: {}\n",
            one_line(&f.item),
            quote_text(&f.quote)
        ));
    }
    for d in &g.dropped {
        out.push_str(&format!(
            "# DROPPED: {}: {}\n",
            one_line(&d.item),
            one_line(&d.reason)
        ));
    }
    let title = if g.title.is_empty() {
        format!("Draft from {}", header.article)
    } else {
        g.title.clone()
    };
    out.push_str(&format!("\nname = {}\n", quote(&title)));
    out.push_str(&format!(
        "description = {}\n",
        quote(&format!(
            "Drafted from the article {} by the language model {}.",
            header.article, header.model
        ))
    ));
    out.push_str(&format!(
        "notes = {}\n",
        quote(
            "DRAFT. Parties, issues, options, positions and red lines carry the sentence of the \
             article they come from (source); items marked FLAGGED have none. Every weight, \
             value and reservation value is an ESTIMATE by a language model, not a statement \
             of the article."
        )
    ));
    out.push_str("\n# ---------------------------------------------------------------- issues\n\n");
    let mut kept_issues = Vec::new();
    for (issue, fate) in g.issues.iter().zip(&plan.issues) {
        push_block(&mut out, &issue_block(issue), fate);
        out.push('\n');
        if *fate == Fate::Kept {
            kept_issues.push(issue.item.name.as_str());
        }
    }
    out.push_str("# ---------------------------------------------------------------- parties\n\n");
    for ((party, fate), reds) in g.parties.iter().zip(&plan.parties).zip(&plan.red_lines) {
        push_block(
            &mut out,
            &party_block(party, &kept_issues, reds, &header.model),
            fate,
        );
        out.push('\n');
    }
    if let Some(name) = probe {
        out.push_str(&format!(
            "[[parties]]\nname = {}\nrole = \"observer\"\n",
            quote(name)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_numbers_are_toml() {
        assert_eq!(
            quote("a \"b\" \\ c\nd\u{7}"),
            "\"a \\\"b\\\" \\\\ c\\nd\\u0007\""
        );
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1.0), "1.0");
        assert_eq!(number(f64::NAN), "nan");
        let v: toml::Value = toml::from_str(&format!("x = {}", quote("é \"\u{1}\" \\"))).unwrap();
        assert_eq!(v["x"].as_str(), Some("é \"\u{1}\" \\"));
    }
}
