//! Rust source text as a flat list of tokens, with comments, raw, byte and
//! character literals and numbers left out: what remains is exactly what can
//! name a module (identifiers, `::`, the punctuation that delimits items and
//! use trees, and plain strings for `#[path = "…"]`). A string's text is one
//! token, never identifiers. A lifetime is kept apart from a character
//! literal, so `'a` never opens a literal.

/// One token of a source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// An identifier or keyword (`r#` of a raw identifier removed).
    Ident(String),
    /// The path separator `::`.
    PathSep,
    /// A plain string literal's text, escapes left as written.
    Str(String),
    /// Any other punctuation character.
    Punct(char),
}

impl Token {
    /// Whether the token is the identifier or keyword `word`.
    pub fn is_ident(&self, word: &str) -> bool {
        matches!(self, Token::Ident(w) if w == word)
    }

    /// Whether the token is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        matches!(self, Token::Punct(p) if *p == c)
    }
}

/// The tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i);
        } else if c == '"' {
            let end = skip_string(&chars, i + 1);
            let last = end.saturating_sub(1).max(i + 1);
            out.push(Token::Str(chars[i + 1..last].iter().collect()));
            i = end;
        } else if let Some(end) = raw_or_byte_literal(&chars, i) {
            i = end;
        } else if c == '\'' {
            i = char_or_lifetime(&chars, i, &mut out);
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let mut word: String = chars[start..i].iter().collect();
            if word == "r" && chars.get(i) == Some(&'#') {
                // A raw identifier `r#name`.
                let from = i + 1;
                i = from;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                word = chars[from..i].iter().collect();
            }
            out.push(Token::Ident(word));
        } else if c == ':' && next == Some(':') {
            out.push(Token::PathSep);
            i += 2;
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

/// The index after a (nested) block comment opening at `i`.
fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// The index after a string whose contents start at `i` (escapes honoured).
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The index after a raw string (`r"…"`, `r#"…"#`), a byte string or byte
/// character (`b"…"`, `br"…"`, `b'…'`) or a C string starting at `i`, if
/// one starts there.
fn raw_or_byte_literal(chars: &[char], i: usize) -> Option<usize> {
    // Only at the start of a word: `for"` is not a literal prefix.
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if matches!(chars[j], 'b' | 'c') {
        j += 1;
        if chars.get(j) == Some(&'\'') && chars[i] == 'b' {
            let mut k = j + 1;
            while k < chars.len() {
                match chars[k] {
                    '\\' => k += 2,
                    '\'' => return Some(k + 1),
                    _ => k += 1,
                }
            }
            return Some(k);
        }
        if chars.get(j) == Some(&'"') {
            return Some(skip_string(chars, j + 1));
        }
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(j)
}

/// Skips a character literal at `i` or pushes the lifetime found there;
/// returns the index after it.
fn char_or_lifetime(chars: &[char], i: usize, out: &mut Vec<Token>) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        let mut k = i + 2;
        while k < chars.len() && chars[k] != '\'' {
            k += 1;
        }
        return k + 1;
    }
    if chars.get(i + 2) == Some(&'\'') {
        return i + 3;
    }
    out.push(Token::Punct('\''));
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .filter_map(|t| match t {
                Token::Ident(w) => Some(w),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn comments_and_literals_name_nothing() {
        let text = r###"
            // crate::a
            /* crate::b /* nested crate::c */ still crate::d */
            let s = "crate::e \" crate::f";
            let r = r#"crate::g " crate::h"#;
            let b = b"crate::i";
            let c = '"';
            let e = '\'';
            fn f<'a>(x: &'a str) {}
            keep
        "###;
        assert_eq!(
            idents(text),
            [
                "let", "s", "let", "r", "let", "b", "let", "c", "let", "e", "fn", "f", "a", "x",
                "a", "str", "keep"
            ]
        );
    }

    #[test]
    fn path_separators_are_one_token() {
        assert_eq!(
            tokens("crate::a::B"),
            [
                Token::Ident("crate".into()),
                Token::PathSep,
                Token::Ident("a".into()),
                Token::PathSep,
                Token::Ident("B".into()),
            ]
        );
    }
}
