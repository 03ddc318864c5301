//! A hash chain of events under construction, as a simulation's export
//! writes it.
//!
//! Rules: each event is chained to the one before, starting from the
//! genesis hash, by the same hash the live record uses; an entry's sequence
//! number is its position; the last agreement pushed is remembered, with
//! its round, for the certificate that closes the record.

use pactum_core::analysis::Package;

use crate::event::Event;
use crate::record::{GENESIS_HASH, RecordEntry, chain_hash};

/// Appends events to a hash chain.
pub(super) struct Chain {
    /// The entries so far.
    pub(super) entries: Vec<RecordEntry>,
    prev: String,
    /// The last agreement pushed, with its round.
    pub(super) agreed: Option<(Package, u64)>,
}

impl Chain {
    /// An empty chain, from the genesis hash.
    pub(super) fn new() -> Self {
        Chain {
            entries: Vec::new(),
            prev: GENESIS_HASH.to_string(),
            agreed: None,
        }
    }

    /// Appends `event`, chained to the entry before.
    pub(super) fn push(&mut self, event: &Event) {
        if let Event::Agreement { offer, round } = event {
            self.agreed = Some((offer.clone(), *round));
        }
        let event = serde_json::to_value(event).expect("events serialize");
        let hash = chain_hash(&self.prev, &event);
        self.entries.push(RecordEntry {
            seq: self.entries.len() as u64,
            event,
            prev_hash: std::mem::replace(&mut self.prev, hash.clone()),
            hash,
        });
    }

    /// The sequence number the next entry gets.
    pub(super) fn next_seq(&self) -> u64 {
        self.entries.len() as u64
    }
}
