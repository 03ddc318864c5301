//! A small XML tree with line numbers, and the helpers the GENIUS readers
//! use on it.
//!
//! Rules: every element remembers the line of its start tag, so each error
//! names the file, the line and the element; attribute values are
//! normalised as XML 1.0 says; nesting deeper than [`MAX_DEPTH`] is refused
//! (the walks over the tree are recursive); a text with no element at all
//! parses to `None` rather than an error; numbers are read as Java's
//! `Double.valueOf` (which GENIUS uses) reads them, a `d`/`f` suffix
//! included, and must be finite.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{Error, Location, Result};
use crate::source::LineIndex;

/// Deeper nesting than this is rejected: no GENIUS file comes close, and it
/// keeps the recursive walks (and dropping the tree) off the stack limit.
pub(super) const MAX_DEPTH: usize = 200;

/// A parsed XML element and the line its start tag is on.
#[derive(Debug, Clone)]
pub(super) struct Element {
    pub(super) name: String,
    /// Every attribute's key and (normalised) value, one after another in
    /// document order: two allocations per element rather than two per
    /// attribute.
    attr_text: String,
    /// Per attribute, where its key and its value end in `attr_text`.
    attr_ends: Vec<(usize, usize)>,
    pub(super) children: Vec<Element>,
    pub(super) line: usize,
}

impl Element {
    /// The value of the first attribute named `key`.
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        let mut start = 0;
        for &(key_end, value_end) in &self.attr_ends {
            if &self.attr_text[start..key_end] == key {
                return Some(&self.attr_text[key_end..value_end]);
            }
            start = value_end;
        }
        None
    }

    pub(super) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses `text` into a tree. `Ok(None)` when the text holds no element at
/// all (some GENIUS folders keep plain-text notes under a `.xml` name).
pub(super) fn parse_xml(file: &str, text: &str) -> Result<Option<Element>> {
    // Errors index the lines; elements count them as the reader advances.
    let malformed = |pos: usize, message: String| {
        let (line, col) = LineIndex::new(text).line_col(pos);
        Error::format(
            file,
            Location::line(line, Some(col)),
            format!("malformed XML: {message}"),
        )
    };
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut lines = LineCounter {
        text: text.as_bytes(),
        counted: 0,
        line: 1,
    };
    loop {
        let pos = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(malformed(reader.error_position() as usize, e.to_string())),
        };
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(pos, "elements nested too deeply".into()));
                }
                stack.push(element(file, lines.line_at(pos), &e)?);
            }
            Event::Empty(e) => {
                let el = element(file, lines.line_at(pos), &e)?;
                attach(&mut stack, &mut root, el).map_err(|m| malformed(pos, m.to_string()))?;
            }
            Event::End(_) => {
                if let Some(el) = stack.pop() {
                    attach(&mut stack, &mut root, el).map_err(|m| malformed(pos, m.to_string()))?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(malformed(
            text.len(),
            format!(
                "<{}> (line {}) is never closed before the end of the file",
                open.name, open.line
            ),
        ));
    }
    Ok(root)
}

/// A second root element, after the first.
#[derive(Debug)]
pub(super) struct SecondRoot {
    second: String,
    first: String,
}

impl std::fmt::Display for SecondRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "second root element <{}> after <{}>",
            self.second, self.first
        )
    }
}

pub(super) fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    el: Element,
) -> std::result::Result<(), SecondRoot> {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(el);
    } else if let Some(first) = root {
        return Err(SecondRoot {
            second: el.name,
            first: first.name.clone(),
        });
    } else {
        *root = Some(el);
    }
    Ok(())
}

/// The 1-based line of a byte offset, counting newlines from the last
/// offset asked for (offsets come in increasing order; an earlier one is
/// counted from the start): the line `LineIndex` gives.
struct LineCounter<'a> {
    text: &'a [u8],
    /// Newlines before this offset are counted in `line`.
    counted: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos < self.counted {
            (self.counted, self.line) = (0, 1);
        }
        let newlines = self.text[self.counted..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines;
        self.counted = pos;
        self.line
    }
}

/// The element of a start tag on line `line`.
pub(super) fn element(file: &str, line: usize, e: &BytesStart) -> Result<Element> {
    let name = e.name().as_ref().to_string();
    // Keys and values take no more room than the tag's text.
    let mut attr_text = String::with_capacity(e.len());
    let mut attr_ends = Vec::with_capacity(4);
    for a in e.attributes() {
        let bad = |m: String| {
            Error::format(
                file,
                Location::line(line, None),
                format!("malformed XML: <{name}>: {m}"),
            )
        };
        let a = a.map_err(|err| bad(err.to_string()))?;
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| bad(err.to_string()))?;
        attr_text.push_str(a.key.as_ref());
        let key_end = attr_text.len();
        attr_text.push_str(&value);
        attr_ends.push((key_end, attr_text.len()));
    }
    Ok(Element {
        name,
        attr_text,
        attr_ends,
        children: Vec::new(),
        line,
    })
}

/// A format error pointing at an element.
pub(super) fn at(file: &str, el: &Element, message: impl Into<String>) -> Error {
    Error::format(
        file,
        Location {
            line: Some(el.line),
            column: None,
            field: Some(format!("<{}>", el.name)),
        },
        message,
    )
}

pub(super) fn req<'a>(file: &str, el: &'a Element, key: &str) -> Result<&'a str> {
    el.attr(key)
        .ok_or_else(|| at(file, el, format!("missing attribute `{key}`")))
}

pub(super) fn parse_f64(file: &str, el: &Element, key: &str, text: &str) -> Result<f64> {
    let t = text.trim();
    // Java's Double.valueOf, which GENIUS uses, accepts a d/f suffix.
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            at(
                file,
                el,
                format!("attribute `{key}` = {text:?} is not a finite number"),
            )
        })
}

pub(super) fn req_f64(file: &str, el: &Element, key: &str) -> Result<f64> {
    parse_f64(file, el, key, req(file, el, key)?)
}

pub(super) fn parse_i64(file: &str, el: &Element, key: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Ok(v);
    }
    match t.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Ok(v as i64),
        _ => Err(at(
            file,
            el,
            format!("attribute `{key}` = {text:?} is not an integer"),
        )),
    }
}

pub(super) fn req_i64(file: &str, el: &Element, key: &str) -> Result<i64> {
    parse_i64(file, el, key, req(file, el, key)?)
}

/// Warnings of one file, each prefixed with the file's label.
pub(super) struct Notes<'a> {
    pub(super) file: &'a str,
    pub(super) out: &'a mut Vec<String>,
}

impl Notes<'_> {
    pub(super) fn push(&mut self, message: impl std::fmt::Display) {
        self.out.push(format!("{}: {message}", self.file));
    }
}

pub(super) fn ignored(notes: &mut Notes, el: &Element, parent: &str) {
    notes.push(format!(
        "ignored unknown element <{}> in <{parent}> (line {})",
        el.name, el.line
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_lines_are_the_indexed_ones() {
        let text = "a\nbb\n\nccc\r\nd\n";
        let index = LineIndex::new(text);
        let mut counter = LineCounter {
            text: text.as_bytes(),
            counted: 0,
            line: 1,
        };
        // Increasing offsets, one past the end, then an earlier one again.
        for pos in (0..=text.len() + 1).chain([3, 0, 9]) {
            assert_eq!(counter.line_at(pos), index.line(pos), "offset {pos}");
        }
    }

    #[test]
    fn attributes_are_found_by_key_first_one_first() {
        let root = parse_xml("t", "<r a=\"1\" bb=\"x &amp; y\" c=\"\"/>")
            .unwrap()
            .unwrap();
        assert_eq!(root.attr("a"), Some("1"));
        assert_eq!(root.attr("bb"), Some("x & y"));
        assert_eq!(root.attr("c"), Some(""));
        assert_eq!(root.attr("b"), None);
        assert_eq!(root.attr("abb"), None);
    }
}
