//! The `llm` strategy: a language model at the table, kept inside the
//! engine's exact numbers.
//!
//! Each turn the model is shown its own preferences (issues, weights and
//! option values, reservation value, red lines), the latest offers with its
//! own utility of each, the time left, the offer on the table, and a short
//! list of candidate packages with its exact utility of each; it answers
//! with a structured move: `{"move": "offer"|"accept"|"reject"|"end",
//! "candidate": k, "message": "…"}` (`candidate` numbers a listed package
//! for an offer, 0 otherwise).
//!
//! Rules kept here:
//! * the candidates are rational outcomes (at least the reservation value,
//!   no red line crossed) ranked by own utility around a time-based
//!   aspiration, a(t) = 1 − t² scaled to the party's utility range as the
//!   time-based strategies do: the model chooses among them, it never
//!   invents a package;
//! * guards, checked before a move is made: no acceptance of a package
//!   below the reservation value or across a red line, no offer that is not
//!   a listed candidate, no move the protocol does not allow now (accept or
//!   reject with no offer on the table);
//! * an unusable answer (an [`LlmError`], an unknown move or candidate, a
//!   guard violated) goes back to the model once, with the reason; if the
//!   second answer is unusable too, the fallback strategy makes the move
//!   for that turn and the move's [`Note`] says why;
//! * a message is plain text (control characters become spaces) of at most
//!   500 characters; each is checked with [`leakage::leaks`] against the
//!   party's own reservation value, weights and red lines, and what it
//!   leaks is noted with it;
//! * the model decides only in alternating offers; in the single text it
//!   votes by utility, as the classic strategies do;
//! * every request to the model goes through the [`LlmModel`]'s
//!   [`Waiting`] when the caller gave one, so a caller whose thread holds a
//!   lock while negotiators move (an interpreter's) can let it go while
//!   the answer is awaited; the request and its answer are the same either
//!   way.
//!
//! The prompts are functions of the negotiation's state alone (no clock
//! reading under a deadline in rounds), so with a replay cache a rerun asks
//! the same questions and gets the same answers.

use std::fmt::Write as _;
use std::sync::Arc;

use pactum_core::{Scenario, UtilityFunction};
use pactum_llm::leakage::{self, Leak, Private};
use pactum_llm::{Answer, Client, LlmError, Message, Schema};
use serde_json::{Value, json};

use super::time_based::target;
use super::{
    Negotiator, Note, Now, Response, STRATEGIES, SeatInfo, classic_names, vote_by_utility,
};
use crate::error::SimError;
use crate::prefs::{PartyPrefs, Prepared};
use crate::space::{OutcomeId, SimSpace};

/// Candidates listed each turn (at most).
pub const CANDIDATES: usize = 6;
/// Offers of the history shown each turn (the latest).
pub const HISTORY: usize = 6;
/// The longest message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;
/// Option values listed per issue in the preferences (at most).
const VALUES_SHOWN: usize = 13;

/// How the thread asking the model waits for its answer. A caller whose
/// thread holds a lock while negotiators move (an embedding interpreter's
/// global lock, say) implements it to let the lock go around the request,
/// so that other threads — an endpoint served in the same process among
/// them — run meanwhile.
pub trait Waiting: Send + Sync + std::fmt::Debug {
    /// Runs `request` (one request to the model, with its retries) once,
    /// on this thread, and returns when it has.
    fn wait(&self, request: &mut (dyn FnMut() + Send));
}

/// The language model the `llm` strategy plays through, and the classic
/// strategy that stands in when the model's answers are unusable. Shared
/// by every seat (and every negotiation of a tournament).
#[derive(Debug)]
pub struct LlmModel {
    client: Arc<Client>,
    fallback: String,
    waiting: Option<Arc<dyn Waiting>>,
}

impl LlmModel {
    /// The model behind `client`, with `fallback` (a classic strategy's
    /// name) standing in.
    pub fn new(client: Arc<Client>, fallback: &str) -> Result<Self, SimError> {
        if !STRATEGIES.iter().any(|s| s.0 == fallback) {
            return Err(SimError::BadFallback {
                name: fallback.to_string(),
                available: classic_names(),
            });
        }
        Ok(LlmModel {
            client,
            fallback: fallback.to_string(),
            waiting: None,
        })
    }

    /// The same model, each request made through `waiting`.
    pub fn with_waiting(mut self, waiting: Arc<dyn Waiting>) -> Self {
        self.waiting = Some(waiting);
        self
    }

    /// Asks the model for an answer to `messages` following `schema`
    /// (through the [`Waiting`], if any).
    pub fn complete(&self, messages: &[Message], schema: &Schema) -> Result<Answer, LlmError> {
        let Some(waiting) = &self.waiting else {
            return self.client.complete(messages, schema);
        };
        let mut answer = None;
        waiting.wait(&mut || answer = Some(self.client.complete(messages, schema)));
        answer.unwrap_or_else(|| {
            Err(LlmError::Config(
                "the request was never made: the caller's waiting returned without running it"
                    .into(),
            ))
        })
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The fallback strategy's name.
    pub fn fallback(&self) -> &str {
        &self.fallback
    }
}

/// The JSON schema of a move.
pub fn move_schema() -> Schema {
    Schema {
        name: "negotiation_move".into(),
        schema: json!({
            "type": "object",
            "properties": {
                "move": {"type": "string", "enum": ["offer", "accept", "reject", "end"]},
                "candidate": {"type": "integer"},
                "message": {"type": "string", "maxLength": 400},
            },
            "required": ["move", "candidate", "message"],
            "additionalProperties": false,
        }),
    }
}

/// What the model chose, once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Offer(OutcomeId),
    Accept,
    Reject,
    End,
}

/// A negotiator whose moves a language model chooses.
pub struct Llm {
    seat: usize,
    prefs: Arc<PartyPrefs>,
    scenario: Arc<Scenario>,
    space: Arc<SimSpace>,
    names: Vec<String>,
    model: Arc<LlmModel>,
    fallback: Box<dyn Negotiator>,
    instructions: String,
    private: Private,
    /// Offers seen and made: round, proposer, package.
    history: Vec<(usize, usize, OutcomeId)>,
    /// The counter-offer chosen while answering (asked for next).
    pending: Option<OutcomeId>,
    /// Whether the fallback answered this turn (so it proposes too).
    fallback_turn: bool,
    note: Option<Note>,
}

impl Llm {
    /// The `llm` negotiator in `seat` of `prepared`.
    pub fn new(
        seat: &SeatInfo,
        prepared: &Prepared,
        model: Arc<LlmModel>,
    ) -> Result<Self, SimError> {
        let whole = seat.space.issues() == prepared.scenario.issues().len()
            && seat
                .space
                .cards()
                .iter()
                .zip(prepared.scenario.issues())
                .all(|(&c, i)| u64::from(c) == i.cardinality());
        if !whole || seat.seat >= prepared.prefs.len() {
            return Err(SimError::Invalid(
                "the llm strategy plays whole scenarios: its seat is not one of this scenario's"
                    .into(),
            ));
        }
        let fallback = super::build(model.fallback(), seat)?;
        let scenario = prepared.scenario.clone();
        let party = &scenario.parties()[seat.prefs.party];
        let private = private_of(&scenario, seat.prefs.party, seat.prefs.reservation);
        let instructions = instructions(&scenario, &seat.prefs, party.name.as_str());
        Ok(Llm {
            seat: seat.seat,
            prefs: seat.prefs.clone(),
            space: seat.space.clone(),
            names: prepared.names(),
            scenario,
            model,
            fallback,
            instructions,
            private,
            history: Vec::new(),
            pending: None,
            fallback_turn: false,
            note: None,
        })
    }

    /// The package as `issue=value, …`.
    fn package(&self, id: OutcomeId) -> String {
        describe(&self.scenario, &self.space, id)
    }

    /// The candidates at relative time `t`, best for the party first.
    fn candidates(&self, t: f64) -> Vec<OutcomeId> {
        candidates(&self.prefs, t)
    }

    /// The turn's question.
    fn prompt(
        &self,
        now: &Now,
        standing: Option<(OutcomeId, usize)>,
        candidates: &[OutcomeId],
    ) -> String {
        let p = &self.prefs;
        let mut out = String::new();
        match now.n_steps {
            Some(n) => {
                let _ = writeln!(
                    out,
                    "Round {} of {n} ({:.0}% of the time used).",
                    now.step + 1,
                    now.time * 100.0
                );
            }
            None => {
                let _ = writeln!(out, "{:.0}% of the time used.", now.time * 100.0);
            }
        }
        if self.history.is_empty() {
            out.push_str("No offers yet.\n");
        } else {
            out.push_str("Latest offers (oldest first):\n");
            let from = self.history.len().saturating_sub(HISTORY);
            for &(step, who, id) in &self.history[from..] {
                let by = if who == self.seat {
                    "you".to_string()
                } else {
                    self.names
                        .get(who)
                        .cloned()
                        .unwrap_or_else(|| format!("seat {who}"))
                };
                let _ = writeln!(
                    out,
                    "- round {}, {by}: {} (your utility {:.3})",
                    step + 1,
                    self.package(id),
                    p.utility(id)
                );
            }
        }
        match standing {
            Some((offer, who)) => {
                let by = self
                    .names
                    .get(who)
                    .cloned()
                    .unwrap_or_else(|| format!("seat {who}"));
                let _ = write!(
                    out,
                    "On the table: {by}'s offer {} — your utility {:.3}",
                    self.package(offer),
                    p.utility(offer)
                );
                match refusal(p, offer, &self.scenario, &self.space) {
                    Some(why) => {
                        let _ = writeln!(out, "; you may not accept it ({why}).");
                    }
                    None => out.push_str("; you may accept it.\n"),
                }
            }
            None => out.push_str("Nothing is on the table.\n"),
        }
        if candidates.is_empty() {
            out.push_str("No package is worth your reservation value: you cannot offer.\n");
        } else {
            out.push_str("Candidates you may offer:\n");
            for (k, &id) in candidates.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{}. {} (your utility {:.3})",
                    k + 1,
                    self.package(id),
                    p.utility(id)
                );
            }
        }
        let _ = writeln!(
            out,
            "Moves allowed now: {}.",
            allowed(standing.is_some()).join(", ")
        );
        out.push_str(
            "Answer with JSON only: {\"move\": ..., \"candidate\": the number of the candidate you offer (0 otherwise), \"message\": one or two sentences to the other side}.",
        );
        out
    }

    /// The model's answer, checked against the guards.
    fn check(
        &self,
        answer: &Value,
        standing: Option<(OutcomeId, usize)>,
        candidates: &[OutcomeId],
    ) -> Result<Decision, String> {
        let mv = answer.get("move").and_then(Value::as_str).unwrap_or("");
        let open = standing.is_some();
        let decision = match mv {
            "offer" => {
                let k = answer.get("candidate").and_then(Value::as_i64).unwrap_or(0);
                if candidates.is_empty() {
                    return Err("no package may be offered now: accept, reject or end".into());
                }
                let Some(&id) = usize::try_from(k)
                    .ok()
                    .and_then(|k| k.checked_sub(1))
                    .and_then(|k| candidates.get(k))
                else {
                    return Err(format!(
                        "candidate {k} is not one of the listed numbers 1 to {}",
                        candidates.len()
                    ));
                };
                Decision::Offer(id)
            }
            "accept" if !open => return Err("there is no offer on the table to accept".into()),
            "reject" if !open => return Err("there is no offer on the table to reject".into()),
            "accept" => Decision::Accept,
            "reject" => Decision::Reject,
            "end" => Decision::End,
            other => return Err(format!("{other:?} is not a move")),
        };
        // The guards: nothing below the reservation value or across a red line.
        let at_stake = match decision {
            Decision::Offer(id) => Some(id),
            Decision::Accept => standing.map(|s| s.0),
            _ => None,
        };
        if let Some(id) = at_stake
            && let Some(why) = refusal(&self.prefs, id, &self.scenario, &self.space)
        {
            let verb = if decision == Decision::Accept {
                "accepting"
            } else {
                "offering"
            };
            return Err(format!("{verb} {} is not allowed: {why}", self.package(id)));
        }
        Ok(decision)
    }

    /// Asks the model (a second time with the reason when the first answer
    /// is unusable): the decision and its message, or why there is none.
    fn ask(
        &self,
        now: &Now,
        standing: Option<(OutcomeId, usize)>,
    ) -> Result<(Decision, Option<String>), String> {
        let candidates = self.candidates(now.time);
        let mut messages = vec![
            Message::system(self.instructions.clone()),
            Message::user(self.prompt(now, standing, &candidates)),
        ];
        let schema = move_schema();
        let mut reason = String::new();
        for attempt in 0..2 {
            let (why, said) = match self.model.complete(&messages, &schema) {
                Ok(answer) => match self.check(&answer.value, standing, &candidates) {
                    Ok(d) => {
                        let message = answer.value.get("message").and_then(Value::as_str);
                        return Ok((d, message.and_then(clean)));
                    }
                    Err(why) => (why, answer.content),
                },
                Err(e) => {
                    let said = match &e {
                        LlmError::Schema { answer, .. } => answer.to_string(),
                        LlmError::NotJson { content, .. } => content.clone(),
                        _ => String::new(),
                    };
                    (e.to_string(), said)
                }
            };
            reason = why;
            if attempt == 0 {
                if !said.is_empty() {
                    messages.push(Message::assistant(said));
                }
                messages.push(Message::user(format!(
                    "That answer cannot be used: {reason}. Answer again with one of the moves allowed now ({}), in the same JSON form.",
                    allowed(standing.is_some()).join(", ")
                )));
            }
        }
        Err(reason)
    }

    /// Notes `message` (with what it leaks) for the move being made.
    fn said(&mut self, message: Option<String>) {
        let leaks = message
            .as_deref()
            .map(|m| {
                leakage::leaks(m, &self.private)
                    .iter()
                    .map(leak_text)
                    .collect()
            })
            .unwrap_or_default();
        self.note = Some(Note {
            message,
            leaks,
            fallback: None,
        });
    }

    /// Notes that the fallback strategy makes this move, and why.
    fn fell_back(&mut self, reason: String) {
        self.note = Some(Note {
            message: None,
            leaks: Vec::new(),
            fallback: Some(format!(
                "{} made this move: the model gave no usable answer twice ({reason})",
                self.model.fallback()
            )),
        });
    }
}

/// The moves allowed with or without an offer on the table.
fn allowed(open: bool) -> Vec<&'static str> {
    if open {
        vec!["offer", "accept", "reject", "end"]
    } else {
        vec!["offer", "end"]
    }
}

/// Why `prefs`'s party may not accept or offer `id`, if it may not.
fn refusal(
    prefs: &PartyPrefs,
    id: OutcomeId,
    scenario: &Scenario,
    space: &SimSpace,
) -> Option<String> {
    if prefs.forbids(id) {
        return Some(format!(
            "it crosses one of your red lines ({})",
            describe(scenario, space, id)
        ));
    }
    match prefs.reservation {
        Some(r) if prefs.utility(id) < r => Some(format!(
            "your utility {:.3} is below your reservation value {r}",
            prefs.utility(id)
        )),
        _ => None,
    }
}

/// The candidates at relative time `t`: up to [`CANDIDATES`] rational
/// outcomes around the rank of the aspiration's target (two just below it,
/// the rest at or above it), best for the party first.
pub fn candidates(prefs: &PartyPrefs, t: f64) -> Vec<OutcomeId> {
    let n = prefs.sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let t = t.clamp(0.0, 1.0);
    let tau = target(prefs, 1.0 - t * t);
    let r = prefs.rank_at_least(tau).min(n - 1);
    let start = r.saturating_sub(2).min(n.saturating_sub(CANDIDATES));
    let end = (start + CANDIDATES).min(n);
    prefs.sorted[start..end].iter().rev().copied().collect()
}

/// The outcome as `issue=value, …`.
fn describe(scenario: &Scenario, space: &SimSpace, id: OutcomeId) -> String {
    scenario
        .describe(&space.decode(id))
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A message as kept: control characters as spaces, trimmed, at most
/// [`MAX_MESSAGE_CHARS`] characters; none when empty.
fn clean(message: &str) -> Option<String> {
    let text: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A leak, in words.
fn leak_text(leak: &Leak) -> String {
    match leak {
        Leak::ReservationValue { text } => format!("reservation value ({text:?})"),
        Leak::Weight { issue, text } => format!("weight of {issue} ({text:?})"),
        Leak::RedLine { issue, value } => format!("red line on {issue} ({value})"),
    }
}

/// What party `party` keeps private: its reservation value, its weights
/// (additive utilities) and its red lines.
fn private_of(scenario: &Scenario, party: usize, reservation: Option<f64>) -> Private {
    let Some(prefs) = scenario.parties()[party].preferences.as_ref() else {
        return Private::default();
    };
    let issues = scenario.issues();
    let weights = match &prefs.utility {
        UtilityFunction::Additive(a) => issues
            .iter()
            .zip(&a.weights)
            .map(|(i, &w)| (i.name.clone(), w))
            .collect(),
        UtilityFunction::HyperRectangles(_) => Vec::new(),
    };
    let red_lines = prefs
        .red_lines
        .iter()
        .flat_map(|r| {
            let issue = &issues[r.issue];
            r.values
                .iter()
                .map(move |&k| (issue.name.clone(), issue.value(k).to_string()))
        })
        .collect();
    Private {
        reservation_value: reservation,
        weights,
        red_lines,
    }
}

/// The standing instructions: who the model negotiates for, its
/// preferences, its limits and the answer's form.
fn instructions(scenario: &Scenario, prefs: &PartyPrefs, name: &str) -> String {
    let mut out = format!("You negotiate for {name} in \"{}\"", scenario.name());
    match scenario.description() {
        Some(d) if !d.trim().is_empty() => {
            let _ = write!(out, ": {}", d.trim());
        }
        _ => out.push('.'),
    }
    out.push_str(
        "\nYour preferences are private: never state your reservation value, your weights or your red lines in a message.\n",
    );
    let issues = scenario.issues();
    let party = scenario.parties()[prefs.party].preferences.as_ref();
    match party.map(|p| &p.utility) {
        Some(UtilityFunction::Additive(a)) => {
            out.push_str("Your utility of a package (0 worst, 1 best) is the weighted sum of the values of its options:\n");
            for ((issue, &w), f) in issues.iter().zip(&a.weights).zip(&a.values) {
                let n = issue.cardinality() as u32;
                let shown: Vec<u32> = if n as usize <= VALUES_SHOWN {
                    (0..n).collect()
                } else {
                    (0..VALUES_SHOWN as u32)
                        .map(|k| k * (n - 1) / (VALUES_SHOWN as u32 - 1))
                        .collect()
                };
                let values = shown
                    .iter()
                    .map(|&k| format!("{} → {:.2}", issue.value(k), f.eval(issue, k)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(out, "- {} (weight {w:.2}): {values}", issue.name);
            }
        }
        _ => out.push_str(
            "Your utility of a package (0 worst, 1 best) depends on combinations of options; judge by the utilities shown with each package.\n",
        ),
    }
    match prefs.reservation {
        Some(r) => {
            let _ = writeln!(
                out,
                "Your reservation value is {r}: no agreement gives you that much, so never accept or offer a package worth less."
            );
        }
        None => out.push_str(
            "You have no reservation value: no agreement gives you your worst utility.\n",
        ),
    }
    if let Some(p) = party
        && !p.red_lines.is_empty()
    {
        out.push_str("Your red lines (never acceptable):");
        for r in &p.red_lines {
            let issue = &issues[r.issue];
            let values = r
                .values
                .iter()
                .map(|&k| issue.value(k).to_string())
                .collect::<Vec<_>>()
                .join(" or ");
            let _ = write!(out, " {} = {values};", issue.name);
        }
        out.push('\n');
    }
    out.push_str(
        "Each turn you see the latest offers, the offer on the table, and a few candidate packages with your exact utility of each. Choose one move: offer a listed candidate (by its number), accept the offer on the table, reject it without a counter-offer, or end the negotiation without agreement. Answer with a JSON object: {\"move\": \"offer\"|\"accept\"|\"reject\"|\"end\", \"candidate\": number, \"message\": text}.",
    );
    out
}

impl Negotiator for Llm {
    fn respond(&mut self, now: &Now, offer: OutcomeId, proposer: usize) -> Response {
        self.pending = None;
        self.fallback_turn = false;
        self.note = None;
        match self.ask(now, Some((offer, proposer))) {
            Ok((decision, message)) => {
                self.said(message);
                match decision {
                    Decision::Accept => Response::Accept,
                    Decision::Offer(id) => {
                        self.pending = Some(id);
                        Response::Reject
                    }
                    Decision::Reject => Response::RejectWithoutOffer,
                    Decision::End => Response::End,
                }
            }
            Err(reason) => {
                self.fell_back(reason);
                let r = self.fallback.respond(now, offer, proposer);
                self.fallback_turn = r == Response::Reject;
                r
            }
        }
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        let offer = if let Some(id) = self.pending.take() {
            Some(id)
        } else if std::mem::take(&mut self.fallback_turn) {
            self.fallback.propose(now)
        } else {
            self.note = None;
            match self.ask(now, None) {
                Ok((decision, message)) => {
                    self.said(message);
                    match decision {
                        Decision::Offer(id) => Some(id),
                        _ => None,
                    }
                }
                Err(reason) => {
                    self.fell_back(reason);
                    self.fallback.propose(now)
                }
            }
        };
        if let Some(id) = offer {
            self.history.push((now.step, self.seat, id));
        }
        offer
    }

    fn on_offer(&mut self, now: &Now, offer: OutcomeId, proposer: usize) {
        self.history.push((now.step, proposer, offer));
        self.fallback.on_offer(now, offer, proposer);
    }

    fn vote(&mut self, _now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        vote_by_utility(&self.prefs, current, proposal)
    }

    fn take_note(&mut self) -> Option<Note> {
        self.note.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(utils: &[f64], rv: Option<f64>) -> PartyPrefs {
        PartyPrefs::from_table(0, "A".into(), utils.to_vec(), Vec::new(), rv)
    }

    #[test]
    fn candidates_are_rational_near_the_aspiration_best_first() {
        let utils: Vec<f64> = (0..20).map(|k| f64::from(k) / 19.0).collect();
        let p = table(&utils, Some(0.3));
        // At the start: the six best.
        assert_eq!(candidates(&p, 0.0), vec![19, 18, 17, 16, 15, 14]);
        // At the end the target is the reservation value: nothing below it.
        let late = candidates(&p, 1.0);
        assert_eq!(late.len(), CANDIDATES);
        assert!(late.iter().all(|&id| p.utility(id) >= 0.3), "{late:?}");
        assert_eq!(*late.last().unwrap(), 6, "the lowest rational outcome");
        // Halfway: around 1 − 0.25 of the range above the reservation value.
        let mid = candidates(&p, 0.5);
        let tau = target(&p, 0.75);
        assert_eq!(mid.iter().filter(|&&id| p.utility(id) < tau).count(), 2);
        // Nothing rational: no candidates.
        assert!(candidates(&table(&[0.1, 0.2], Some(0.5)), 0.3).is_empty());
    }

    #[test]
    fn messages_are_plain_text_of_bounded_length() {
        assert_eq!(clean("  Hello\u{7}there\n "), Some("Hello there".into()));
        assert_eq!(clean(" \t "), None);
        assert_eq!(clean(&"x".repeat(900)).unwrap().chars().count(), 500);
    }

    #[test]
    fn only_a_classic_strategy_may_stand_in() {
        let client = Arc::new(Client::new(
            pactum_llm::Config::new("http://127.0.0.1:9/v1", "m").unwrap(),
        ));
        assert!(LlmModel::new(client.clone(), "boulware").is_ok());
        for bad in ["llm", "nobody"] {
            assert!(matches!(
                LlmModel::new(client.clone(), bad),
                Err(SimError::BadFallback { .. })
            ));
        }
    }
}
