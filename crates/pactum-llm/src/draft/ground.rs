//! Grounding a draft: every quote the model gave is looked up in the
//! article, never trusted.
//!
//! Rules: a source is kept only when [`find_quote`] finds it (whitespace
//! aside), with its line; otherwise the quote is dropped and the item
//! flagged. Parties, issues and options are kept when flagged (the file
//! marks them), since the scenario needs them; positions and red lines,
//! which attribute a claim to a party, are dropped with their quote, as are
//! positions, red lines and estimates naming no drafted party, and repeats
//! of a position or red line already kept. A person is
//! kept only when the article names them. Names are trimmed; parties match
//! by name whatever the case.

use crate::grounding::find_quote;

use super::content::{
    Content, Estimate, IssueItem, OptionItem, PartyItem, PositionItem, RedLineItem,
};
use super::report::{Dropped, Flag};

/// Where an item's quote stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Found in the article, at this line.
    Found {
        /// The quote.
        quote: String,
        /// Its line, from 1.
        line: usize,
    },
    /// Not in the article: dropped (the item is flagged).
    Missing {
        /// The quote the model gave.
        quote: String,
    },
}

impl Source {
    fn of(article: &str, quote: &str) -> Source {
        let quote = quote.trim().to_string();
        match find_quote(article, &quote) {
            Some(found) => Source::Found {
                quote,
                line: found.line,
            },
            None => Source::Missing { quote },
        }
    }

    /// Whether the quote was found.
    pub fn found(&self) -> bool {
        matches!(self, Source::Found { .. })
    }
}

/// An option and its source.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundedOption {
    /// The option.
    pub item: OptionItem,
    /// Its source.
    pub source: Source,
}

/// An issue, its source and its options.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundedIssue {
    /// The issue (its `options` field is not used: see `options`).
    pub item: IssueItem,
    /// Its source.
    pub source: Source,
    /// Its options with their sources.
    pub options: Vec<GroundedOption>,
}

/// A stated claim kept with the line its source is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    /// The claim.
    pub item: T,
    /// Its quote.
    pub quote: String,
    /// The quote's line.
    pub line: usize,
}

/// A party with its grounded parts.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundedParty {
    /// The party.
    pub item: PartyItem,
    /// Its source.
    pub source: Source,
    /// The people the article names.
    pub people: Vec<String>,
    /// People named by the model but not by the article.
    pub unnamed_people: Vec<String>,
    /// Its stated positions.
    pub positions: Vec<Sourced<PositionItem>>,
    /// Its red lines.
    pub red_lines: Vec<Sourced<RedLineItem>>,
    /// Its preference estimate, if one was made.
    pub estimate: Option<Estimate>,
}

/// A draft with every quote checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Grounded {
    /// The title.
    pub title: String,
    /// The parties.
    pub parties: Vec<GroundedParty>,
    /// The issues.
    pub issues: Vec<GroundedIssue>,
    /// Items whose quote is not in the article.
    pub flagged: Vec<Flag>,
    /// Claims left out.
    pub dropped: Vec<Dropped>,
}

fn flag(flags: &mut Vec<Flag>, item: String, source: &Source) {
    if let Source::Missing { quote } = source {
        flags.push(Flag {
            item,
            quote: quote.clone(),
        });
    }
}

/// The drafted party named `name` (case and surrounding spaces aside).
fn find(parties: &[GroundedParty], name: &str) -> Option<usize> {
    parties
        .iter()
        .position(|p| p.item.name.to_lowercase() == name.trim().to_lowercase())
}

/// A party's stance on an issue as the model stated it: a position or a
/// red line.
trait Stance: Clone + PartialEq {
    /// The party it is of.
    fn party(&self) -> &str;
    /// The issue it is on.
    fn issue(&self) -> &str;
    /// The sentence the model quoted for it.
    fn source(&self) -> &str;
}

impl Stance for PositionItem {
    fn party(&self) -> &str {
        &self.party
    }
    fn issue(&self) -> &str {
        &self.issue
    }
    fn source(&self) -> &str {
        &self.source
    }
}

impl Stance for RedLineItem {
    fn party(&self) -> &str {
        &self.party
    }
    fn issue(&self) -> &str {
        &self.issue
    }
    fn source(&self) -> &str {
        &self.source
    }
}

/// Keeps each stance of `stances` (`kind` names them in the report) with
/// its drafted party, in the list `kept` picks: dropped when it names no
/// drafted party, flagged and dropped when its quote is not in the article,
/// dropped when it repeats one kept.
fn ground_stances<T: Stance>(
    article: &str,
    kind: &str,
    stances: &[T],
    parties: &mut [GroundedParty],
    kept: fn(&mut GroundedParty) -> &mut Vec<Sourced<T>>,
    flagged: &mut Vec<Flag>,
    dropped: &mut Vec<Dropped>,
) {
    for stance in stances {
        let what = format!("{kind} of {:?} on {:?}", stance.party(), stance.issue());
        match (
            find(parties, stance.party()),
            Source::of(article, stance.source()),
        ) {
            (None, _) => dropped.push(Dropped {
                item: what,
                reason: "it names no drafted party".into(),
            }),
            (Some(_), Source::Missing { quote }) => {
                flagged.push(Flag {
                    item: what.clone(),
                    quote,
                });
                dropped.push(Dropped {
                    item: what,
                    reason: "its quote is not in the article".into(),
                });
            }
            (Some(p), Source::Found { .. })
                if kept(&mut parties[p]).iter().any(|k| k.item == *stance) =>
            {
                dropped.push(Dropped {
                    item: what,
                    reason: "a repeat".into(),
                })
            }
            (Some(p), Source::Found { quote, line }) => kept(&mut parties[p]).push(Sourced {
                item: stance.clone(),
                quote,
                line,
            }),
        }
    }
}

/// `content` with every quote looked up in `article`.
pub fn ground(article: &str, content: &Content) -> Grounded {
    let mut flagged = Vec::new();
    let mut dropped = Vec::new();
    let mut parties: Vec<GroundedParty> = Vec::new();
    for p in &content.parties {
        let mut item = p.clone();
        item.name = p.name.trim().to_string();
        item.role = p.role.trim().to_lowercase();
        let source = Source::of(article, &p.source);
        flag(&mut flagged, format!("party {:?}", item.name), &source);
        let (people, unnamed): (Vec<String>, Vec<String>) = p
            .people
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .partition(|n| find_quote(article, n).is_some());
        for person in &unnamed {
            flagged.push(Flag {
                item: format!("person {person:?} of party {:?}", item.name),
                quote: person.clone(),
            });
        }
        parties.push(GroundedParty {
            item,
            source,
            people,
            unnamed_people: unnamed,
            positions: Vec::new(),
            red_lines: Vec::new(),
            estimate: None,
        });
    }
    let mut issues = Vec::new();
    for i in &content.issues {
        let mut item = i.clone();
        item.name = i.name.trim().to_string();
        let source = Source::of(article, &i.source);
        flag(&mut flagged, format!("issue {:?}", item.name), &source);
        let mut options = Vec::new();
        for o in &i.options {
            let mut option = o.clone();
            option.name = o.name.trim().to_string();
            let source = Source::of(article, &o.source);
            flag(
                &mut flagged,
                format!("option {:?} of issue {:?}", option.name, item.name),
                &source,
            );
            options.push(GroundedOption {
                item: option,
                source,
            });
        }
        issues.push(GroundedIssue {
            item,
            source,
            options,
        });
    }
    ground_stances(
        article,
        "position",
        &content.positions,
        &mut parties,
        |p| &mut p.positions,
        &mut flagged,
        &mut dropped,
    );
    ground_stances(
        article,
        "red line",
        &content.red_lines,
        &mut parties,
        |p| &mut p.red_lines,
        &mut flagged,
        &mut dropped,
    );
    for e in &content.estimates {
        match find(&parties, &e.party) {
            Some(p) if parties[p].estimate.is_none() => parties[p].estimate = Some(e.clone()),
            Some(_) => dropped.push(Dropped {
                item: format!("second preference estimate of {:?}", e.party),
                reason: "a party has one estimate".into(),
            }),
            None => dropped.push(Dropped {
                item: format!("preference estimate of {:?}", e.party),
                reason: "it names no drafted party".into(),
            }),
        }
    }
    Grounded {
        title: content.title.trim().to_string(),
        parties,
        issues,
        flagged,
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str =
        "Alpha and Beta met in Gamma.\nAlpha wants  a ceasefire now. Ann Lee leads Alpha.";

    fn party(name: &str, source: &str) -> PartyItem {
        PartyItem {
            name: name.into(),
            role: "negotiator".into(),
            people: vec!["Ann Lee".into(), "Bob Ray".into()],
            source: source.into(),
        }
    }

    #[test]
    fn quotes_are_checked_and_unsourced_claims_dropped() {
        let content = Content {
            title: "T".into(),
            parties: vec![
                party(" Alpha ", "Alpha and Beta met in Gamma."),
                party("Delta", "Delta walked out."),
            ],
            issues: vec![IssueItem {
                name: "ceasefire".into(),
                source: "Alpha wants a ceasefire now.".into(),
                options: vec![
                    OptionItem {
                        name: "now".into(),
                        source: "ceasefire now".into(),
                    },
                    OptionItem {
                        name: "never".into(),
                        source: "never".into(),
                    },
                ],
            }],
            positions: vec![
                PositionItem {
                    party: "alpha".into(),
                    issue: "ceasefire".into(),
                    position: "now".into(),
                    source: "Alpha wants a\nceasefire now.".into(),
                },
                PositionItem {
                    party: "Alpha".into(),
                    issue: "ceasefire".into(),
                    position: "never".into(),
                    source: "Alpha refuses any ceasefire.".into(),
                },
                PositionItem {
                    party: "alpha".into(),
                    issue: "ceasefire".into(),
                    position: "now".into(),
                    source: "Alpha wants a\nceasefire now.".into(),
                },
                PositionItem {
                    party: "Omega".into(),
                    issue: "ceasefire".into(),
                    position: "x".into(),
                    source: "Alpha and Beta met in Gamma.".into(),
                },
            ],
            red_lines: vec![],
            estimates: vec![],
        };
        let g = ground(ARTICLE, &content);
        assert_eq!(g.parties[0].item.name, "Alpha");
        assert_eq!(g.parties[0].people, vec!["Ann Lee"]);
        assert_eq!(g.parties[0].unnamed_people, vec!["Bob Ray"]);
        assert!(g.parties[0].source.found());
        assert!(!g.parties[1].source.found());
        assert!(g.issues[0].options[0].source.found());
        assert!(!g.issues[0].options[1].source.found());
        assert_eq!(g.parties[0].positions.len(), 1);
        assert_eq!(g.parties[0].positions[0].line, 2);
        assert_eq!(g.dropped.len(), 3, "{:?}", g.dropped);
        assert!(g.dropped.iter().any(|d| d.reason == "a repeat"));
        let flagged: Vec<&str> = g.flagged.iter().map(|f| f.quote.as_str()).collect();
        assert!(flagged.contains(&"Delta walked out."));
        assert!(flagged.contains(&"Alpha refuses any ceasefire."));
        assert!(flagged.contains(&"never"));
        assert!(flagged.contains(&"Bob Ray"));
    }
}
