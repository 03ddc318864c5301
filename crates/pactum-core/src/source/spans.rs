//! Field paths and where each value of a TOML or JSON document sits.
//!
//! Rules: a path is the keys and array indices leading to a value from the
//! document's root; every value with a non-empty path gets its byte range;
//! the innermost value around an offset names it; a key given twice in one
//! JSON object (which JSON parsers accept, keeping the last) is recorded,
//! in the order met.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::LineIndex;
use super::json_scan::JsonScan;
use super::path::{Segment, display_path};

/// A best guess at the field path of the key at `offset` of a TOML text
/// that does not parse: the nearest table header above it, then the key on
/// its line. `None` when there is neither.
pub fn toml_key_at(text: &str, offset: usize) -> Option<String> {
    let line = super::line_of(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let cur = lines.get(line.saturating_sub(1)).map(|l| l.trim())?;
    let header = |l: &str| {
        l.trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    if cur.starts_with('[') {
        return Some(header(cur));
    }
    let key = cur.split('=').next().unwrap_or("").trim();
    let table = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(header);
    match table {
        Some(t) if !key.is_empty() => Some(format!("{t}.{key}")),
        Some(t) => Some(t),
        None if !key.is_empty() => Some(key.to_string()),
        None => None,
    }
}

/// The byte range of every value of a document, by path, so that checks
/// written once over the parsed document can give the line of what they
/// reject, whichever format it was written in.
#[derive(Debug, Default)]
pub struct Spans {
    values: HashMap<Vec<Segment>, Range<usize>>,
    lines: LineIndex,
    /// Keys given twice in one JSON object, with the range of the second.
    duplicates: Vec<(Vec<Segment>, Range<usize>)>,
}

impl Spans {
    fn new(text: &str) -> Self {
        Spans {
            values: HashMap::new(),
            lines: LineIndex::new(text),
            duplicates: Vec::new(),
        }
    }

    /// The spans of a TOML document; `None` when it does not parse.
    pub fn toml(text: &str) -> Option<Self> {
        fn walk(spans: &mut Spans, path: &mut Vec<Segment>, v: &toml::Spanned<DeValue<'_>>) {
            spans.values.insert(path.clone(), v.span());
            match v.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        path.push(Segment::Key(k.get_ref().to_string()));
                        walk(spans, path, v);
                        path.pop();
                    }
                }
                DeValue::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        path.push(Segment::Index(i));
                        walk(spans, path, v);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
        let root = DeTable::parse(text).ok()?;
        let mut spans = Spans::new(text);
        let mut path = Vec::new();
        for (k, v) in root.get_ref().iter() {
            path.push(Segment::Key(k.get_ref().to_string()));
            walk(&mut spans, &mut path, v);
            path.pop();
        }
        Some(spans)
    }

    /// The spans of a JSON document, as far as it is well formed.
    pub fn json(text: &str) -> Self {
        let mut scan = JsonScan::new(text);
        let mut path = Vec::new();
        let _ = scan.value(&mut path);
        let (values, duplicates) = scan.into_ranges();
        Spans {
            values,
            duplicates,
            ..Spans::new(text)
        }
    }

    /// The byte range of the value at `path`.
    pub fn span(&self, path: &[Segment]) -> Option<Range<usize>> {
        self.values.get(path).cloned()
    }

    /// The 1-based line of the value at `path`.
    pub fn line(&self, path: &[Segment]) -> Option<usize> {
        Some(self.lines.line(self.values.get(path)?.start))
    }

    /// The path of the innermost value around `offset`.
    pub fn path_at(&self, offset: usize) -> Option<String> {
        self.values
            .iter()
            .filter(|(_, r)| r.start <= offset && offset <= r.end)
            .max_by_key(|(p, r)| (p.len(), std::cmp::Reverse(r.start)))
            .map(|(p, _)| display_path(p))
            .filter(|p| !p.is_empty())
    }

    /// Keys given twice in one JSON object, in the order met, each with the
    /// byte range of its second occurrence (always empty for TOML, whose
    /// parser refuses them).
    pub fn duplicates(&self) -> &[(Vec<Segment>, Range<usize>)] {
        &self.duplicates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn toml_and_json_give_the_same_paths_and_lines() {
        let toml =
            "name = \"x\"\n[[parties]]\nname = \"a\"\n[[parties]]\nname = \"b\"\nw = { c = 1 }\n";
        let json = "{\n\"name\": \"x\",\n\"parties\": [\n{\"name\": \"a\"},\n{\"name\": \"b\",\n\"w\": {\"c\": 1}}]}";
        let t = Spans::toml(toml).unwrap();
        let j = Spans::json(json);
        let w = [key("parties"), Segment::Index(1), key("w"), key("c")];
        assert_eq!(t.line(&w), Some(6));
        assert_eq!(j.line(&w), Some(6));
        assert_eq!(display_path(&w), "parties[1].w.c");
        let offset = toml.find("1 }").unwrap();
        assert_eq!(t.path_at(offset).as_deref(), Some("parties[1].w.c"));
        let offset = json.find("1}").unwrap();
        assert_eq!(j.path_at(offset).as_deref(), Some("parties[1].w.c"));
        assert!(Spans::toml("a = ").is_none());
    }

    #[test]
    fn json_duplicates_are_recorded_in_order() {
        let j = Spans::json("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}, \"a\": 3}");
        let paths: Vec<String> = j
            .duplicates()
            .iter()
            .map(|(p, _)| display_path(p))
            .collect();
        assert_eq!(paths, ["b.c", "a"]);
    }

    #[test]
    fn broken_toml_keys_are_guessed_from_the_header_above() {
        let text = "[forecast]\nnotes = \n[[forecast.actors]]\nname = = \"x\"\n";
        let at = text.find("= \"x\"").unwrap();
        assert_eq!(
            toml_key_at(text, at).as_deref(),
            Some("forecast.actors.name")
        );
        assert_eq!(toml_key_at("[a.b]\n", 1).as_deref(), Some("a.b"));
        assert_eq!(toml_key_at("", 0), None);
    }
}
