//! How a negotiation ends, and the events a move brings about.
//!
//! Rules kept here: an agreement names its outcome and the seats it binds
//! (those that had not left); every other end has no agreement, except a
//! deadline in the single text, where the last draft everyone accepted
//! stands. A move causes a handful of events at most, held inline
//! ([`Events`]) so that applying a move allocates nothing.

use serde::{Deserialize, Serialize};

use crate::limits::Seat;

/// An agreement: the outcome and the seats it binds, in seat order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement<O> {
    /// The agreed outcome.
    pub outcome: O,
    /// The seats bound by it (every seat that had not left).
    pub seats: Vec<Seat>,
}

/// How a negotiation ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum End<O> {
    /// Every remaining seat accepted the outcome.
    Agreement(Agreement<O>),
    /// The deadline passed; in the single text the last draft everyone
    /// accepted stands (`agreement`), elsewhere there is none.
    Deadline {
        /// The draft that stands, if any.
        agreement: Option<Agreement<O>>,
    },
    /// A seat ended the negotiation.
    EndedBy {
        /// Who ended it.
        seat: Seat,
    },
    /// Seats left until fewer than two remained.
    Deserted,
}

impl<O> End<O> {
    /// The agreement this end carries, if any.
    pub fn agreement(&self) -> Option<&Agreement<O>> {
        match self {
            End::Agreement(a) => Some(a),
            End::Deadline { agreement } => agreement.as_ref(),
            End::EndedBy { .. } | End::Deserted => None,
        }
    }
}

/// Most events one move causes (the move itself, a settlement, a
/// resolution, the next proposal or the end).
pub const MAX_EVENTS: usize = 4;

/// The events one move caused, in order (at most [`MAX_EVENTS`], inline).
#[derive(Debug, Clone, PartialEq)]
pub struct Events<E> {
    items: [Option<E>; MAX_EVENTS],
    len: usize,
}

impl<E> Default for Events<E> {
    #[inline]
    fn default() -> Self {
        Events {
            items: [None, None, None, None],
            len: 0,
        }
    }
}

impl<E> Events<E> {
    /// No event.
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// One event.
    #[inline]
    pub fn one(e: E) -> Self {
        let mut events = Self::new();
        events.push(e);
        events
    }

    /// Adds an event. The protocols cause at most [`MAX_EVENTS`] per move
    /// (a test of each protocol pins it).
    #[inline]
    pub(crate) fn push(&mut self, e: E) {
        debug_assert!(
            self.len < MAX_EVENTS,
            "a move causes at most {MAX_EVENTS} events"
        );
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = Some(e);
            self.len += 1;
        }
    }

    /// Number of events.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The events, in order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.items[..self.len].iter().flatten()
    }

    /// The last event, if any.
    #[inline]
    pub fn last(&self) -> Option<&E> {
        self.len.checked_sub(1).and_then(|i| self.items[i].as_ref())
    }

    /// The events as a vector.
    pub fn into_vec(self) -> Vec<E> {
        self.into_iter().collect()
    }
}

impl<E> IntoIterator for Events<E> {
    type Item = E;
    type IntoIter = std::iter::Flatten<std::array::IntoIter<Option<E>, MAX_EVENTS>>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter().flatten()
    }
}

impl<E: Serialize> Serialize for Events<E> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_their_order() {
        let mut e = Events::new();
        assert!(e.is_empty());
        e.push(1);
        e.push(2);
        assert_eq!(e.len(), 2);
        assert_eq!(e.last(), Some(&2));
        assert_eq!(e.iter().copied().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(e.clone().into_vec(), vec![1, 2]);
    }

    #[test]
    fn only_agreements_and_single_text_deadlines_carry_one() {
        let a = Agreement {
            outcome: 3u32,
            seats: vec![0, 2],
        };
        assert_eq!(End::Agreement(a.clone()).agreement(), Some(&a));
        assert_eq!(
            End::Deadline {
                agreement: Some(a.clone())
            }
            .agreement(),
            Some(&a)
        );
        assert_eq!(End::<u32>::Deserted.agreement(), None);
        assert_eq!(End::<u32>::EndedBy { seat: 1 }.agreement(), None);
    }
}
