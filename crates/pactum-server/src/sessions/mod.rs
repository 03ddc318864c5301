//! The sessions service: load a session, apply a move through its
//! protocol's state machine, commit it to the store and publish it to the
//! subscribers.

pub(crate) mod partial;
pub(crate) mod replay;
pub(crate) mod single_text;
