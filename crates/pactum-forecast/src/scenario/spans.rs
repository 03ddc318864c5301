//! Where each value of a TOML or JSON text sits: byte ranges by field path, line numbers,
//! and a best-effort field path for text that does not parse.
//!
//! Rules: paths are keys and array indices from the document's root; lines are 1-based; a
//! JSON key given twice inside `forecast` is recorded (JSON parsers keep the last one).

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Best-effort field path of the key at `offset` of a TOML text that does not parse: the
/// nearest table header above it plus the key on its line.
pub(super) fn field_at(text: &str, offset: usize) -> String {
    let line = line_of(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let Some(cur) = lines.get(line.saturating_sub(1)).map(|l| l.trim()) else {
        return "forecast".into();
    };
    let header = |l: &str| {
        l.trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    if cur.starts_with('[') {
        return header(cur);
    }
    let key = cur.split('=').next().unwrap_or("").trim();
    let table = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(header);
    match table {
        Some(t) if !key.is_empty() => format!("{t}.{key}"),
        Some(t) => t,
        None if !key.is_empty() => key.to_string(),
        None => "forecast".into(),
    }
}

/// Byte offset of a 1-based line and column.
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

// ------------------------------------------------------------------ where values sit

/// One step of a path into the document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
}

pub(super) fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `base` followed by `more`.
pub(super) fn at(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    base.iter().chain(more).cloned().collect()
}

/// `forecast.issues[0].actors.A`.
pub(super) fn display_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The byte range of every value of a document, by path, so that the checks below, written
/// once over the typed section, can give the line of what they reject in either format.
#[derive(Debug, Default)]
pub(super) struct Spans {
    values: HashMap<Vec<Seg>, Range<usize>>,
    /// Offsets where lines start.
    lines: Vec<usize>,
    /// The first key of the forecast section given twice in one JSON object (TOML rejects
    /// these when parsing; JSON parsers keep the last one).
    pub(super) duplicate: Option<(Vec<Seg>, Range<usize>)>,
}

impl Spans {
    fn new(text: &str) -> Self {
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Spans {
            values: HashMap::new(),
            lines,
            duplicate: None,
        }
    }

    /// The spans of a TOML document; `None` when it does not parse.
    pub(super) fn toml(text: &str) -> Option<Self> {
        fn walk(spans: &mut Spans, path: &mut Vec<Seg>, v: &toml::Spanned<DeValue<'_>>) {
            spans.values.insert(path.clone(), v.span());
            match v.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        path.push(Seg::Key(k.get_ref().to_string()));
                        walk(spans, path, v);
                        path.pop();
                    }
                }
                DeValue::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        path.push(Seg::Index(i));
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
            path.push(Seg::Key(k.get_ref().to_string()));
            walk(&mut spans, &mut path, v);
            path.pop();
        }
        Some(spans)
    }

    /// The spans of a JSON document, as far as it is well formed.
    pub(super) fn json(text: &str) -> Self {
        let mut scan = JsonScan {
            text,
            pos: 0,
            spans: Spans::new(text),
        };
        let mut path = Vec::new();
        let _ = scan.value(&mut path);
        scan.spans
    }

    /// 1-based line of the value at `path`.
    pub(super) fn line(&self, path: &[Seg]) -> Option<usize> {
        let start = self.values.get(path)?.start;
        Some(self.lines.partition_point(|&l| l <= start))
    }

    /// The path of the innermost value around `offset`.
    pub(super) fn path_at(&self, offset: usize) -> Option<String> {
        self.values
            .iter()
            .filter(|(_, r)| r.start <= offset && offset <= r.end)
            .max_by_key(|(p, r)| (p.len(), std::cmp::Reverse(r.start)))
            .map(|(p, _)| display_path(p))
            .filter(|p| !p.is_empty())
    }
}

/// Records where each value of a JSON text starts and ends. It follows the grammar loosely
/// (the text has been, or is being, parsed by `serde_json`) and stops at the first thing it
/// does not understand.
pub(super) struct JsonScan<'a> {
    text: &'a str,
    pos: usize,
    spans: Spans,
}

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == b).then(|| self.pos += 1)
    }

    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => break,
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }

    fn value(&mut self, path: &mut Vec<Seg>) -> Option<()> {
        self.skip_ws();
        let start = self.pos;
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        if self.peek()? != b'"' {
                            return None;
                        }
                        let kstart = self.pos;
                        let k = self.string()?;
                        path.push(Seg::Key(k));
                        if self.spans.duplicate.is_none()
                            && path.first() == Some(&key("forecast"))
                            && self.spans.values.contains_key(path.as_slice())
                        {
                            self.spans.duplicate = Some((path.clone(), kstart..self.pos));
                        }
                        self.eat(b':')?;
                        self.value(path)?;
                        path.pop();
                        self.skip_ws();
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    let mut i = 0;
                    loop {
                        path.push(Seg::Index(i));
                        self.value(path)?;
                        path.pop();
                        i += 1;
                        self.skip_ws();
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
            }
            b'"' => {
                self.string()?;
            }
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
            }
        }
        if !path.is_empty() {
            self.spans.values.insert(path.clone(), start..self.pos);
        }
        Some(())
    }
}
