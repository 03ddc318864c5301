//! Drafting a scenario from a news article with a language model.
//!
//! The model is asked in steps, each answer constrained by a JSON schema:
//! the parties (with roles and the people named for them), the issues and
//! their options, the parties' stated positions and red lines, then one
//! preference estimate per negotiator. A long article is cut into pieces
//! that fit a small model's context; the first three steps run on each
//! piece and their answers are merged by name.
//!
//! Rules kept here:
//! * grounding is checked, never trusted ([`ground`](self)): a quote that
//!   is not in the article (whitespace aside) is dropped and its item
//!   flagged, in the report and in the file;
//! * the draft is checked by the scenario validator on the very text that
//!   is written; if parts are refused, the errors go back to the model
//!   once, and of the first draft and the repaired one the one with more
//!   parts accepted is kept (the repaired one on a tie); what is still
//!   refused is written commented out, with the validator's error, and
//!   reported;
//! * weights, values and reservation values are the model's estimates and
//!   are marked as such;
//! * an answer the model gets wrong twice (not JSON, off the schema, cut
//!   off, refused) fails its step: no parties or no issues end the draft
//!   with an error, a failed positions step or estimate is reported and
//!   the draft goes on; an endpoint that cannot be reached ends it;
//! * nothing is printed: the text and a [`Report`] are returned.
//!
//! Modules, each importing only those listed before it: `report`, `chunk`,
//! `content`, `ground`, `write`, `check`, `ask`.

mod ask;
mod check;
mod chunk;
mod content;
mod ground;
mod report;
mod write;

pub use report::{Dropped, Flag, LeftOut, Report, StepFailure};

use crate::client::Client;
use crate::error::{Failure, LlmError};

use ask::{Asker, is_answer_error};
use content::{
    Content, IssueItem, IssuesAnswer, PartiesAnswer, PartyItem, StancesAnswer, estimate_from,
};
use ground::{Grounded, ground};
use write::{Fate, Header, Plan, render};

/// How a draft is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftOptions {
    /// The longest piece of article sent at once, in characters (at least
    /// 500).
    pub chunk_chars: usize,
    /// The article's name, written in the file's header.
    pub article_name: String,
    /// Whether every source must be one of the article's sentences (an
    /// `enum` in the schema, which keeps a small model from inventing
    /// them), rather than any text (a phrase may then be quoted).
    pub whole_sentences: bool,
}

impl Default for DraftOptions {
    fn default() -> Self {
        DraftOptions {
            chunk_chars: 6_000,
            article_name: "an article".into(),
            whole_sentences: false,
        }
    }
}

/// A drafted scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The scenario, native TOML, with refused parts commented out.
    pub toml: String,
    /// What was kept, flagged, dropped and left out.
    pub report: Report,
}

/// Why no draft was written.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The article has no text.
    #[error("the article is empty")]
    EmptyArticle,
    /// A step the draft cannot do without failed.
    #[error("{step}: {error}")]
    Step {
        /// The step.
        step: String,
        /// The model's failure.
        error: LlmError,
    },
    /// The model named nothing of a kind the draft needs.
    #[error("the language model named no {0} in the article")]
    Nothing(&'static str),
}

/// Failures that end a draft whatever the step: the endpoint, the
/// configuration, the budget or the cache.
fn ends_draft(e: &LlmError) -> bool {
    !is_answer_error(e) && !matches!(e.failure(), Some(Failure::Status | Failure::Malformed))
}

fn step_error(step: &str, error: LlmError) -> DraftError {
    DraftError::Step {
        step: format!("drafting the {step}"),
        error,
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn merge_parties(into: &mut Vec<PartyItem>, found: Vec<PartyItem>) {
    for mut p in found {
        p.name = p.name.trim().to_string();
        if p.name.is_empty() {
            continue;
        }
        match into.iter_mut().find(|q| same(&q.name, &p.name)) {
            Some(q) => {
                for person in p.people {
                    if !q.people.contains(&person) {
                        q.people.push(person);
                    }
                }
            }
            None => into.push(p),
        }
    }
}

fn merge_issues(into: &mut Vec<IssueItem>, found: Vec<IssueItem>) {
    for mut i in found {
        i.name = i.name.trim().to_string();
        for o in &mut i.options {
            o.name = o.name.trim().to_string();
        }
        if i.name.is_empty() {
            continue;
        }
        match into.iter_mut().find(|j| same(&j.name, &i.name)) {
            Some(j) => {
                for o in i.options {
                    if !j.options.iter().any(|p| p.name == o.name) {
                        j.options.push(o);
                    }
                }
            }
            None => into.push(i),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    step: &str,
    v: serde_json::Value,
) -> Result<T, DraftError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        step_error(
            step,
            LlmError::Schema {
                schema: step.into(),
                reasons: e.to_string(),
                answer: v,
            },
        )
    })
}

/// How many parts a plan writes.
fn kept(plan: &Plan) -> usize {
    plan.issues
        .iter()
        .chain(&plan.parties)
        .chain(plan.red_lines.iter().flatten())
        .filter(|f| **f == Fate::Kept)
        .count()
}

/// Drafts a scenario from `article` with the model behind `client`.
pub fn draft(client: &Client, article: &str, options: &DraftOptions) -> Result<Draft, DraftError> {
    let pieces = chunk::chunks(article, options.chunk_chars.max(500));
    if pieces.is_empty() {
        return Err(DraftError::EmptyArticle);
    }
    let mut asker = Asker::new(client);
    let mut report = Report {
        chunks: pieces.len(),
        ..Report::default()
    };
    let mut content = Content::default();

    let source = |piece: &str| {
        let list = content::sentences(piece);
        content::source_schema(options.whole_sentences.then_some(list.as_slice()))
    };
    for piece in &pieces {
        let v = asker
            .ask(
                ask::parties_task(piece),
                &content::parties_schema(&source(piece)),
            )
            .map_err(|e| step_error("parties", e))?;
        let answer: PartiesAnswer = parse("parties", v)?;
        if content.title.trim().is_empty() {
            content.title = answer.title.trim().to_string();
        }
        merge_parties(&mut content.parties, answer.parties);
    }
    if content.parties.is_empty() {
        return Err(DraftError::Nothing("party"));
    }
    let party_names: Vec<String> = content.parties.iter().map(|p| p.name.clone()).collect();

    for piece in &pieces {
        let v = asker
            .ask(
                ask::issues_task(piece, &party_names),
                &content::issues_schema(&source(piece)),
            )
            .map_err(|e| step_error("issues", e))?;
        let answer: IssuesAnswer = parse("issues", v)?;
        merge_issues(&mut content.issues, answer.issues);
    }
    if content.issues.is_empty() {
        return Err(DraftError::Nothing("issue"));
    }
    let issues: Vec<(String, Vec<String>)> = content
        .issues
        .iter()
        .map(|i| {
            (
                i.name.clone(),
                i.options.iter().map(|o| o.name.clone()).collect(),
            )
        })
        .collect();
    let issue_names: Vec<String> = issues.iter().map(|(i, _)| i.clone()).collect();
    let option_names: Vec<String> = issues.iter().flat_map(|(_, o)| o.clone()).collect();

    for (k, piece) in pieces.iter().enumerate() {
        let stances =
            content::stances_schema(&party_names, &issue_names, &option_names, &source(piece));
        let task = ask::stances_task(piece, &party_names, &issues);
        match asker.ask(task, &stances) {
            Ok(v) => match serde_json::from_value::<StancesAnswer>(v) {
                Ok(a) => {
                    content.positions.extend(a.positions);
                    content.red_lines.extend(a.red_lines);
                }
                Err(e) => report.failed_steps.push(StepFailure {
                    step: format!("positions and red lines (piece {})", k + 1),
                    error: e.to_string(),
                }),
            },
            Err(e) if ends_draft(&e) => return Err(step_error("positions and red lines", e)),
            Err(e) => report.failed_steps.push(StepFailure {
                step: format!("positions and red lines (piece {})", k + 1),
                error: e.to_string(),
            }),
        }
    }

    let schema = content::estimate_schema(&issues);
    for party in content.parties.clone() {
        if !same(&party.role, "negotiator") {
            continue;
        }
        let mut stated: Vec<String> = content
            .positions
            .iter()
            .filter(|p| same(&p.party, &party.name))
            .map(|p| format!("on {}: {}", p.issue, p.position))
            .collect();
        stated.extend(
            content
                .red_lines
                .iter()
                .filter(|r| same(&r.party, &party.name))
                .map(|r| format!("refuses on {}: {}", r.issue, r.options.join(", "))),
        );
        let task = ask::estimate_task(pieces[0], &party.name, &issues, &stated);
        match asker.ask(task, &schema) {
            Ok(v) => content
                .estimates
                .push(estimate_from(&party.name, &issues, &v)),
            Err(e) if ends_draft(&e) => return Err(step_error("preference estimates", e)),
            Err(e) => report.failed_steps.push(StepFailure {
                step: format!("preference estimate of {:?}", party.name),
                error: e.to_string(),
            }),
        }
    }

    let header = Header {
        model: client.config().model().to_string(),
        article: options.article_name.clone(),
    };
    let first = ground(article, &content);
    let (mut plan, mut left_out) = check::settle(&first, &header);
    let mut chosen: Grounded = first;
    if !left_out.is_empty() {
        report.sent_back = left_out
            .iter()
            .map(|l| format!("{}: {}", l.item, l.error))
            .collect();
        let draft_json = serde_json::to_string(&content).unwrap_or_default();
        let task = ask::repair_task(pieces[0], &draft_json, &report.sent_back);
        match asker.ask(task, &content::content_schema(&source(pieces[0]))) {
            Ok(v) => match serde_json::from_value::<Content>(v) {
                Ok(repaired) => {
                    let second = ground(article, &repaired);
                    let (plan2, left2) = check::settle(&second, &header);
                    if kept(&plan2) >= kept(&plan) {
                        chosen = second;
                        plan = plan2;
                        left_out = left2;
                        report.repair_used = true;
                    }
                }
                Err(e) => report.repair_failed = Some(e.to_string()),
            },
            Err(e) if ends_draft(&e) => return Err(step_error("repair", e)),
            Err(e) => report.repair_failed = Some(e.to_string()),
        }
    }

    let toml = render(&chosen, &plan, &header, None);
    report.loads = check::refuse(&toml).is_none();
    for (issue, fate) in chosen.issues.iter().zip(&plan.issues) {
        if *fate == Fate::Kept {
            report.issues.push(issue.item.name.clone());
        }
    }
    for ((party, fate), reds) in chosen
        .parties
        .iter()
        .zip(&plan.parties)
        .zip(&plan.red_lines)
    {
        if *fate == Fate::Kept {
            report.parties.push(party.item.name.clone());
            report.positions += party.positions.len();
            report.red_lines += reds.iter().filter(|f| **f == Fate::Kept).count();
            report.estimates += usize::from(party.estimate.is_some());
        }
    }
    report.flagged = chosen.flagged;
    report.dropped = chosen.dropped;
    report.left_out = left_out;
    report.requests = asker.requests;
    report.cached = asker.cached;
    report.tokens = client.usage().used;
    Ok(Draft { toml, report })
}
