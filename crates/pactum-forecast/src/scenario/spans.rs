//! Where each value of a TOML or JSON text sits, from `pactum_core::source` (byte ranges by
//! field path, line numbers, a best-effort field path for text that does not parse), and the
//! path helpers the checks use.
//!
//! Rules: paths are keys and array indices from the document's root; lines are 1-based; a
//! field path that cannot be found is reported as `forecast`, the section this crate reads.

pub(super) use pactum_core::source::{
    Segment as Seg, Spans, display_path, line_of, offset_of, toml_key_at,
};

/// Best-effort field path of the key at `offset` of a TOML text that does not parse: the
/// nearest table header above it plus the key on its line.
pub(super) fn field_at(text: &str, offset: usize) -> String {
    toml_key_at(text, offset).unwrap_or_else(|| "forecast".into())
}

pub(super) fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `base` followed by `more`.
pub(super) fn at(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    base.iter().chain(more).cloned().collect()
}
