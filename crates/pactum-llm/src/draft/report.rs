//! What a draft reports: what was kept, flagged, dropped and left out, and
//! what the model cost.
//!
//! Rules: every entry names the item it is about in words a reader can find
//! in the file (`party "Russia"`, `red line of "Russia" on "territory"`);
//! nothing here is computed, only recorded.

/// An item whose quote is not in the article (the quote was dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The item.
    pub item: String,
    /// The quote the model gave.
    pub quote: String,
}

/// A claim left out of the draft before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The claim.
    pub item: String,
    /// Why.
    pub reason: String,
}

/// A part the scenario validator refused, written commented out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The part.
    pub item: String,
    /// The validator's error.
    pub error: String,
}

/// A step whose answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    /// The step.
    pub step: String,
    /// Why.
    pub error: String,
}

/// What a draft did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Parties written (not commented out).
    pub parties: Vec<String>,
    /// Issues written (not commented out).
    pub issues: Vec<String>,
    /// Positions kept.
    pub positions: usize,
    /// Red lines written (not commented out).
    pub red_lines: usize,
    /// Negotiators written with a preference estimate.
    pub estimates: usize,
    /// Items whose quote is not in the article.
    pub flagged: Vec<Flag>,
    /// Claims left out before validation.
    pub dropped: Vec<Dropped>,
    /// The validator's errors sent back to the model (empty when the
    /// first draft passed).
    pub sent_back: Vec<String>,
    /// Whether the repaired draft was kept (it had at least as many parts
    /// accepted as the first).
    pub repair_used: bool,
    /// Why the repair gave nothing usable, if it failed.
    pub repair_failed: Option<String>,
    /// Parts still refused after the repair, commented out in the file.
    pub left_out: Vec<LeftOut>,
    /// Steps whose answers could not be used.
    pub failed_steps: Vec<StepFailure>,
    /// Whether the written file loads as a scenario.
    pub loads: bool,
    /// Requests asked.
    pub requests: usize,
    /// Of those, answered from the replay cache.
    pub cached: usize,
    /// Tokens used.
    pub tokens: u64,
    /// Pieces the article was cut into.
    pub chunks: usize,
}
