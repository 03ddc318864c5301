//! Field paths into a TOML or JSON document: the keys and array indices
//! leading to a value from the document's root, and how a path reads
//! (`a.b[2].c`).

/// One step of a path into a document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A key of a table (object).
    Key(String),
    /// A position in an array, from 0.
    Index(usize),
}

/// A path as text: `forecast.issues[0].actors.A`.
pub fn display_path(path: &[Segment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) if s.is_empty() => s.push_str(k),
            Segment::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}
