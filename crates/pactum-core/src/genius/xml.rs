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
//!
//! A direct scan reads the plain XML GENIUS writes (tags, attributes with
//! plain values, comments, the declaration, text without references) and
//! hands anything else, every malformed text included, to quick-xml: both
//! give the same tree, and errors always come from quick-xml.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{Error, Location, Result};
use crate::source::LineIndex;

/// Deeper nesting than this is rejected: no GENIUS file comes close, and it
/// keeps the recursive walks (and dropping the tree) off the stack limit.
pub(super) const MAX_DEPTH: usize = 200;

/// A parsed XML element and the line its start tag is on. Names, keys and
/// values borrow from the text where it holds them as they are (everything
/// the direct scan reads); only quick-xml's normalised values are owned.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Element<'a> {
    name: Cow<'a, str>,
    /// Every attribute's key and (normalised) value, in document order.
    attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub(super) children: Vec<Element<'a>>,
    pub(super) line: usize,
}

impl Element<'_> {
    /// The element's name.
    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// The value of the first attribute named `key`.
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    pub(super) fn child(&self, name: &str) -> Option<&Self> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses `text` into a tree. `Ok(None)` when the text holds no element at
/// all (some GENIUS folders keep plain-text notes under a `.xml` name).
pub(super) fn parse_xml<'a>(file: &str, text: &'a str) -> Result<Option<Element<'a>>> {
    match scan(text) {
        Some(tree) => Ok(tree),
        None => parse_events(file, text),
    }
}

/// [`parse_xml`] through quick-xml's events: any text, errors included.
fn parse_events<'a>(file: &str, text: &'a str) -> Result<Option<Element<'a>>> {
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

/// Bytes that may stand in a name read by [`scan`]: ASCII letters and
/// digits, `_-.:`.
const NAME: u8 = 1;
/// The whitespace XML (and quick-xml) skips between attributes.
const SPACE: u8 = 2;
/// Bytes that end or stop the scan of an attribute value: the quotes and
/// what quick-xml would replace or might read otherwise.
const VALUE_STOP: u8 = 4;
/// Bytes that end or stop the scan of text.
const TEXT_STOP: u8 = 8;

/// The classes above of every byte.
static CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':') {
            class[b] |= NAME;
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            class[b] |= SPACE;
        }
        if matches!(c, b'"' | b'\'' | b'<' | b'>' | b'&' | b'\t' | b'\r' | b'\n') {
            class[b] |= VALUE_STOP;
        }
        if matches!(c, b'<' | b'&') {
            class[b] |= TEXT_STOP;
        }
        b += 1;
    }
    class
};

/// The first offset at or after `from` whose byte is (`is`) or is not of
/// `class`; the length of `b` when there is none.
fn skip(b: &[u8], from: usize, class: u8, is: bool) -> usize {
    b.get(from..).map_or(b.len(), |rest| {
        rest.iter()
            .position(|&c| (CLASS[c as usize] & class != 0) == is)
            .map_or(b.len(), |p| from + p)
    })
}

/// The end of the name starting at `from` (`from` itself when there is none).
fn name_end(b: &[u8], from: usize) -> usize {
    skip(b, from, NAME, false)
}

/// The end of the whitespace starting at `from`.
fn space_end(b: &[u8], from: usize) -> usize {
    skip(b, from, SPACE, false)
}

/// The offset of the first `needle` in `b` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Reads `text` directly when it is plain XML: the tree [`parse_events`]
/// gives, or `None` for anything else (a byte-order mark, references,
/// normalised or unusual attribute values, a DOCTYPE or CDATA, names with
/// other than ASCII letters, digits, `_-.:`, any error), which is then
/// left to [`parse_events`].
fn scan(text: &str) -> Option<Option<Element<'_>>> {
    let b = text.as_bytes();
    if text.starts_with('\u{feff}') {
        return None;
    }
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut lines = LineCounter {
        text: b,
        counted: 0,
        line: 1,
    };
    let mut i = 0;
    loop {
        // Text, ignored; a reference in it is left to quick-xml.
        i = skip(b, i, TEXT_STOP, true);
        if i == b.len() {
            break;
        }
        if b[i] == b'&' {
            return None;
        }
        let pos = i;
        match *b.get(i + 1)? {
            b'?' => {
                // The declaration or a processing instruction.
                if !b.get(i + 2)?.is_ascii_alphabetic() {
                    return None;
                }
                i = find(b, i + 2, b"?>")? + 2;
            }
            b'!' => {
                // A comment holding no `--`; anything else goes to quick-xml.
                if !b[i..].starts_with(b"<!--") || b.get(i + 4) == Some(&b'-') {
                    return None;
                }
                let end = find(b, i + 4, b"--")?;
                if b.get(end + 2) != Some(&b'>') {
                    return None;
                }
                i = end + 3;
            }
            b'/' => {
                // quick-xml drops spaces after the name of an end tag.
                let name_to = name_end(b, i + 2);
                let end = space_end(b, name_to);
                if name_to == i + 2 || b.get(end) != Some(&b'>') {
                    return None;
                }
                let el = stack.pop()?;
                if el.name.as_bytes() != &b[i + 2..name_to] {
                    return None;
                }
                attach(&mut stack, &mut root, el).ok()?;
                i = end + 1;
            }
            _ => {
                let name_to = name_end(b, i + 1);
                if name_to == i + 1 {
                    return None;
                }
                // Every key and value, borrowed from the text.
                let mut attrs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
                let mut j = name_to;
                let empty = loop {
                    let spaced_to = space_end(b, j);
                    let spaced = spaced_to > j;
                    j = spaced_to;
                    match *b.get(j)? {
                        b'>' => break false,
                        b'/' if b.get(j + 1) == Some(&b'>') => break true,
                        _ if !spaced => return None,
                        _ => {}
                    }
                    let key_to = name_end(b, j);
                    if key_to == j {
                        return None;
                    }
                    let key = j..key_to;
                    j = key_to;
                    j = space_end(b, j);
                    if b.get(j) != Some(&b'=') {
                        return None;
                    }
                    j += 1;
                    j = space_end(b, j);
                    let quote = *b.get(j)?;
                    if quote != b'"' && quote != b'\'' {
                        return None;
                    }
                    let value_from = j + 1;
                    let mut k = value_from;
                    loop {
                        k = skip(b, k, VALUE_STOP, true);
                        match *b.get(k)? {
                            c if c == quote => break,
                            b'"' | b'\'' => k += 1,
                            _ => return None,
                        }
                    }
                    // A repeated key is an error: quick-xml reports it.
                    let key = &text[key];
                    if attrs.iter().any(|(other, _)| other == key) {
                        return None;
                    }
                    attrs.push((Cow::Borrowed(key), Cow::Borrowed(&text[value_from..k])));
                    j = k + 1;
                };
                let el = Element {
                    name: Cow::Borrowed(&text[i + 1..name_to]),
                    attrs,
                    children: Vec::new(),
                    line: lines.line_at(pos),
                };
                if empty {
                    attach(&mut stack, &mut root, el).ok()?;
                    i = j + 2;
                } else {
                    if stack.len() >= MAX_DEPTH {
                        return None;
                    }
                    stack.push(el);
                    i = j + 1;
                }
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    Some(root)
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

pub(super) fn attach<'a>(
    stack: &mut [Element<'a>],
    root: &mut Option<Element<'a>>,
    el: Element<'a>,
) -> std::result::Result<(), SecondRoot> {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(el);
    } else if let Some(first) = root {
        return Err(SecondRoot {
            second: el.name.into_owned(),
            first: first.name.to_string(),
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
pub(super) fn element(file: &str, line: usize, e: &BytesStart) -> Result<Element<'static>> {
    let name = e.name().as_ref().to_string();
    let mut attrs = Vec::with_capacity(4);
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
        attrs.push((
            Cow::Owned(a.key.as_ref().to_string()),
            Cow::Owned(value.into_owned()),
        ));
    }
    Ok(Element {
        name: Cow::Owned(name),
        attrs,
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
        el.name(),
        el.line
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

    /// A GENIUS-like text with every construct the scan reads.
    const PLAIN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a note -->\n\
        <utility_space number_of_issues='2'>\n  <objective index=\"0\" name=\"E\">\n\
        <weight index=\"1\" value=\"0.5\"/>\n    <issue index = \"1\" name=\"a b\"\r\n\
        type=\"discrete\"><item index=\"1\" value=\"x\" evaluation=\"1\"></item>\n\
        <item index=\"2\" value=\"y\" /></issue >\n  </objective>\n</utility_space>\n\
        trailing text > ]]> <?pi data?>\n";

    fn both(text: &str) -> (Option<Option<Element<'_>>>, Result<Option<Element<'_>>>) {
        (scan(text), parse_events("t", text))
    }

    #[test]
    fn the_scan_gives_the_tree_of_the_events() {
        for text in [
            PLAIN,
            "",
            "no element here",
            "<a/>",
            "<a></a>",
            "<a >\n<b\tc=\"\"/>\n<b c='\"'/></a>",
            "<?xml version=\"1.0\"?><!-- --><x:y-z._1 k=\"v\"/>",
        ] {
            let (scanned, events) = both(text);
            assert_eq!(scanned, Some(events.unwrap()), "{text:?}");
        }
    }

    #[test]
    fn the_scan_leaves_everything_else_to_quick_xml() {
        for text in [
            "\u{feff}<a/>",
            "<a b=\"x &amp; y\"/>",
            "<a b=\"x\ny\"/>",
            "<a>&lt;</a>",
            "<a b=\"1\" b=\"2\"/>",
            "<a b=\"1\"c=\"2\"/>",
            "<a b=1/>",
            "<a></b>",
            "</a>",
            "<a>",
            "<a/><b/>",
            "<!DOCTYPE a><a/>",
            "<a><![CDATA[x]]></a>",
            "<!-- a -- b --><a/>",
            "<!--->--><a/>",
            "<a></a\n><é/>",
            "<a b=\"<\"/>",
            "< a/>",
            "<a",
        ] {
            assert_eq!(scan(text), None, "{text:?}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(scan(&deep), None);
    }

    /// Random edits of a plain text: whenever the scan reads one, quick-xml
    /// reads it too, to the same tree.
    #[test]
    fn the_scan_agrees_with_the_events_on_edited_texts() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
        let pieces = [
            "<", ">", "/", "=", "\"", "'", " ", "\n", "&", "!", "?", "-", "a", "<a>", "</a>",
            "<!--", "-->", "<?x", "?>", "/>", "é",
        ];
        let (mut read, mut left) = (0, 0);
        for _ in 0..20_000 {
            let mut text = PLAIN.to_string();
            for _ in 0..rng.random_range(1..4) {
                let mut at = rng.random_range(0..=text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.random_bool(0.5) {
                    text.insert_str(at, pieces[rng.random_range(0..pieces.len())]);
                } else {
                    let mut to = (at + rng.random_range(1..4)).min(text.len());
                    while !text.is_char_boundary(to) {
                        to += 1;
                    }
                    text.replace_range(at..to, "");
                }
            }
            match both(&text) {
                (Some(tree), events) => {
                    read += 1;
                    assert_eq!(Some(tree), events.ok(), "{text:?}");
                }
                (None, _) => left += 1,
            }
        }
        // Both branches are exercised.
        assert!(read > 1000 && left > 1000, "read {read}, left {left}");
    }

    /// Every GENIUS file of the shared scenarios is read by the scan, to the
    /// tree quick-xml gives.
    #[test]
    fn the_scan_reads_every_shared_genius_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/scenarios/genius");
        if !root.is_dir() {
            eprintln!("skipped: {} is absent", root.display());
            return;
        }
        let mut dirs = vec![root];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
                    && path.file_stem().is_some_and(|s| s != "pareto")
                {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    let (scanned, events) = both(&text);
                    if let Ok(tree) = events {
                        files += 1;
                        assert_eq!(scanned, Some(tree), "{}", path.display());
                    }
                }
            }
        }
        assert!(files > 0);
    }
}
