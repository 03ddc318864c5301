//! What `pactum conflict` found, handed to the presenters, and the words
//! for its parts: a step reads "Russia takes 'Ceasefire now' → state 12",
//! ids are the states' ids (indices + 1), lists are comma-separated.

use pactum_conflict::read::Read;
use pactum_conflict::{
    Analysis, Coalition, CoalitionStability, Concept, Sanctions, StatusQuoPaths, Step, Why,
};

/// Everything the command computed.
pub struct Found<'a> {
    /// The file read.
    pub read: &'a Read,
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The status quo (index): the one given on the command line, else the
    /// file's.
    pub status_quo: Option<usize>,
    /// Why the asked state is or is not stable, per asked DM.
    pub why: Vec<Why>,
    /// What the DMs reach from the status quo.
    pub paths: Option<StatusQuoPaths>,
    /// Limited-move stability: the horizon and, per DM and state index,
    /// whether the state is L_h stable.
    pub limited: Option<(usize, Vec<Vec<bool>>)>,
    /// The coalitions asked for and the stability they give.
    pub coalitions: Option<(Vec<Coalition>, CoalitionStability)>,
}

impl Found<'_> {
    /// The name of DM `dm`.
    pub fn dm(&self, dm: usize) -> &str {
        &self.read.conflict.decision_makers()[dm].name
    }

    /// "Ukraine + United States".
    pub fn coalition(&self, c: &Coalition) -> String {
        c.members()
            .iter()
            .map(|&m| self.dm(m))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The name of option `k`.
    pub fn option(&self, k: usize) -> &str {
        &self.read.conflict.options()[k].name
    }

    /// "Russia takes 'A' and 'B' and withdraws 'C'".
    pub fn action(&self, step: &Step) -> String {
        let quoted = |taken: bool| -> Vec<String> {
            step.changes
                .iter()
                .filter(|c| c.taken == taken)
                .map(|c| format!("'{}'", self.option(c.option)))
                .collect()
        };
        let mut parts = Vec::new();
        for (taken, verb) in [(true, "takes"), (false, "withdraws")] {
            let names = quoted(taken);
            if !names.is_empty() {
                parts.push(format!("{verb} {}", and_list(&names)));
            }
        }
        format!("{} {}", self.dm(step.dm), parts.join(" and "))
    }

    /// "In state 6 these options are taken: 'A', 'B'." (or none).
    pub fn taken(&self, state: usize) -> String {
        let a = self.analysis;
        let names: Vec<String> = (0..self.read.conflict.options().len())
            .filter(|&k| a.states.taken(state, k))
            .map(|k| format!("'{}'", self.option(k)))
            .collect();
        if names.is_empty() {
            format!("In state {} no option is taken.", state + 1)
        } else {
            format!(
                "In state {} these options are taken: {}.",
                state + 1,
                names.join(", ")
            )
        }
    }

    /// "Russia takes 'A' → state 12".
    pub fn step(&self, step: &Step) -> String {
        format!("{} → state {}", self.action(step), step.to + 1)
    }
}

/// "a", "a and b", "a, b and c".
pub fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// State ids (indices + 1), comma-separated, or "none".
pub fn ids(states: &[usize]) -> String {
    if states.is_empty() {
        return "none".into();
    }
    states
        .iter()
        .map(|s| (s + 1).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Concept labels, comma-separated, or "none".
pub fn labels(concepts: &[Concept]) -> String {
    if concepts.is_empty() {
        return "none".into();
    }
    concepts
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sanctions mode in words.
pub fn sanctions_words(s: Sanctions) -> &'static str {
    match s {
        Sanctions::Sequences => "legal sequences of the opponents' moves",
        Sanctions::Single => "one opponent's single move",
    }
}

/// The sanctions mode's JSON name.
pub fn sanctions_name(s: Sanctions) -> &'static str {
    match s {
        Sanctions::Sequences => "sequences",
        Sanctions::Single => "single",
    }
}
