//! Positions in the text of a scenario file, shared by every format reader:
//! byte offsets to lines and columns, and the field path of each value of a
//! TOML or JSON document (see [`Spans`]), so that a check written once over
//! a parsed document can still name the line of what it rejects.
//!
//! Rules: lines and columns are 1-based, a column counts bytes from the
//! start of its line (as the TOML and JSON parsers count them), and a line
//! ends after its `\n`; an offset past the end of the text is taken as the
//! end; a field path reads `a.b[2].c`.

mod json_scan;
mod path;
mod spans;

pub use path::{Segment, display_path};
pub use spans::{Spans, toml_key_at};

/// Where each line of a text starts, to turn many byte offsets into lines
/// and columns.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The 1-based line and column of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.line(offset);
        (line, offset - self.starts[line - 1] + 1)
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset.min(self.len))
    }
}

/// The 1-based line and column of byte `offset` of `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(offset)
}

/// The 1-based line of byte `offset` of `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The byte offset of a 1-based `line` and `column` of `text` (the end of
/// the text when they lie beyond it).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// A JSON parser's message without the position it appends (" at line L
/// column C"), for an error that states the position itself.
pub fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_bytes() {
        let text = "ab\ncé\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(2), (1, 3)); // the '\n' ends line 1
        assert_eq!(index.line_col(3), (2, 1));
        assert_eq!(index.line_col(6), (2, 4)); // 'é' is two bytes
        assert_eq!(index.line_col(7), (3, 1));
        assert_eq!(index.line_col(8), (4, 1));
        assert_eq!(index.line_col(99), (4, 2)); // past the end: the end
        for offset in 0..=text.len() + 2 {
            assert_eq!(line_col(text, offset), index.line_col(offset));
            assert_eq!(line_of(text, offset), index.line(offset));
            let (line, col) = index.line_col(offset);
            assert_eq!(offset_of(text, line, col), offset.min(text.len()));
        }
    }

    #[test]
    fn json_messages_lose_their_position() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": ]").unwrap_err();
        assert_eq!(json_message(&e), "expected value");
        assert!(e.to_string().ends_with("at line 2 column 8"));
    }
}
