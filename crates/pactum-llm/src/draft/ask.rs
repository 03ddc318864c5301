//! The questions of a draft, one schema-constrained request each: the
//! parties, the issues and options, the positions and red lines, one
//! preference estimate per negotiator, and the repair.
//!
//! Rules: the article is given as it is (a piece of it when long), never
//! its file name, so a replay does not depend on where the file lies;
//! every answer is checked against its schema by the client; an answer
//! that is not JSON, breaks the schema, is cut off or refused is asked for
//! once more with the reason, then the failure is returned; every request
//! is counted, cached ones too.

use serde_json::Value;

use crate::client::Client;
use crate::error::LlmError;
use crate::request::{Message, Schema};

/// What the model is told at every step.
const SYSTEM: &str = "You turn a news article about a negotiation into a structured draft. \
Answer only with JSON that follows the schema. Use only what the article says. Every \"source\" \
must be copied word for word from the article: a sentence of it or a phrase of a sentence, \
never a link or a summary.";

/// A client with a count of the requests asked.
pub struct Asker<'a> {
    client: &'a Client,
    /// Requests asked.
    pub requests: usize,
    /// Of those, answered from the cache.
    pub cached: usize,
}

/// Whether asking again with the reason may help (the answer was there but
/// unusable).
pub fn is_answer_error(e: &LlmError) -> bool {
    matches!(
        e,
        LlmError::NotJson { .. }
            | LlmError::Schema { .. }
            | LlmError::Truncated { .. }
            | LlmError::Refused(_)
    )
}

impl<'a> Asker<'a> {
    /// An asker over `client`.
    pub fn new(client: &'a Client) -> Self {
        Asker {
            client,
            requests: 0,
            cached: 0,
        }
    }

    fn once(&mut self, messages: &[Message], schema: &Schema) -> Result<Value, LlmError> {
        self.requests += 1;
        let answer = self.client.complete(messages, schema)?;
        if answer.cached {
            self.cached += 1;
        }
        Ok(answer.value)
    }

    /// The answer to `task`, asked once more with the reason if unusable.
    pub fn ask(&mut self, task: String, schema: &Schema) -> Result<Value, LlmError> {
        let mut messages = vec![Message::system(SYSTEM), Message::user(task)];
        match self.once(&messages, schema) {
            Err(e) if is_answer_error(&e) => {
                messages.push(Message::user(format!(
                    "That answer could not be used: {e}. Answer again with JSON that follows \
                     the schema exactly."
                )));
                self.once(&messages, schema)
            }
            other => other,
        }
    }
}

/// Step 1: the title and parties named in `piece`.
pub fn parties_task(piece: &str) -> String {
    format!(
        "ARTICLE:\n{piece}\n\nTASK: Give a short title for the negotiation, and list its \
         parties: the countries, organisations or groups involved (not single people). For each \
         party give its name as the article writes it (never a role word); its role: \
         \"negotiator\" (at the table; a deal needs its consent), \"mediator\" (hosts or \
         facilitates the talks) or \"observer\" (has a stake but is not at the table); the \
         people the article names for it; and the sentence of the article that shows its part."
    )
}

/// Step 2: the issues and options in `piece`.
pub fn issues_task(piece: &str, parties: &[String]) -> String {
    format!(
        "ARTICLE:\n{piece}\n\nPARTIES: {}\n\nTASK: List the issues the negotiators must settle \
         for a deal. For each issue give a short lowercase name, the sentence of the article \
         that raises it, and 2 to 5 options (possible outcomes, short lowercase names with \
         hyphens), each with the words of the article it comes from.",
        parties.join(", ")
    )
}

/// The issues and their options, as one line each.
pub fn issue_lines(issues: &[(String, Vec<String>)]) -> String {
    issues
        .iter()
        .map(|(i, o)| format!("- {i}: {}", o.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Step 3: positions and red lines in `piece`.
pub fn stances_task(piece: &str, parties: &[String], issues: &[(String, Vec<String>)]) -> String {
    format!(
        "ARTICLE:\n{piece}\n\nPARTIES: {}\n\nISSUES AND OPTIONS:\n{}\n\nTASK: List each party's \
         stated positions on these issues (the party, the issue, the position in a few words, \
         and the sentence of the article stating it), and its red lines: options of an issue a \
         negotiator says it will not accept, with the sentence stating it. Leave out anything \
         the article does not state.",
        parties.join(", "),
        issue_lines(issues)
    )
}

/// Step 4: one negotiator's preference estimate.
pub fn estimate_task(
    piece: &str,
    party: &str,
    issues: &[(String, Vec<String>)],
    stated: &[String],
) -> String {
    let stated = if stated.is_empty() {
        "- nothing stated".to_string()
    } else {
        stated
            .iter()
            .map(|s| format!("- {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "ARTICLE:\n{piece}\n\nNEGOTIATOR: {party}\n\nISSUES AND OPTIONS:\n{}\n\nWHAT THE ARTICLE \
         STATES FOR {party}:\n{stated}\n\nTASK: Estimate {party}'s preferences. For each issue a \
         weight: its importance to {party}, from 0 to 1, the weights adding up to 1. For each \
         option a value: 0 for the worst option for {party}, 1 for the best. A reservation \
         value from 0 to 1: how good no agreement at all is for {party}, on the same scale.",
        issue_lines(issues)
    )
}

/// The repair: the draft and the validator's errors.
pub fn repair_task(piece: &str, draft: &str, errors: &[String]) -> String {
    format!(
        "ARTICLE:\n{piece}\n\nYOUR DRAFT:\n{draft}\n\nTHE SCENARIO VALIDATOR REFUSED:\n{}\n\n\
         TASK: Return the whole draft, corrected so that the validator accepts every part: \
         unique non-empty names, every red line and estimate naming an issue and options of \
         the draft, every negotiator with an estimate covering every issue and option, weights \
         and values between 0 and 1. Keep every source copied word for word from the article.",
        errors
            .iter()
            .map(|e| format!("- {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}
