//! A loose scan of a JSON text recording where each value starts and ends.
//!
//! Rules: it follows the grammar loosely (the text has been, or is being,
//! parsed by `serde_json`) and stops at the first thing it does not
//! understand, keeping what it has recorded so far; a key met twice in one
//! object is recorded as a duplicate.

use std::collections::HashMap;
use std::ops::Range;

use super::path::Segment;

/// Byte ranges by path.
type Ranges = HashMap<Vec<Segment>, Range<usize>>;

/// Keys met twice in one object, each with the range of its second
/// occurrence, in the order met.
type Duplicates = Vec<(Vec<Segment>, Range<usize>)>;

/// Records where each value of a JSON text starts and ends.
pub(super) struct JsonScan<'a> {
    text: &'a str,
    pos: usize,
    values: Ranges,
    duplicates: Duplicates,
}

impl<'a> JsonScan<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        JsonScan {
            text,
            pos: 0,
            values: HashMap::new(),
            duplicates: Vec::new(),
        }
    }

    /// The range of every value scanned, by path, and the keys met twice
    /// in one object (with the range of the second), in the order met.
    pub(super) fn into_ranges(self) -> (Ranges, Duplicates) {
        (self.values, self.duplicates)
    }

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

    pub(super) fn value(&mut self, path: &mut Vec<Segment>) -> Option<()> {
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
                        path.push(Segment::Key(k));
                        if self.values.contains_key(path.as_slice()) {
                            self.duplicates.push((path.clone(), kstart..self.pos));
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
                        path.push(Segment::Index(i));
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
            self.values.insert(path.clone(), start..self.pos);
        }
        Some(())
    }
}
