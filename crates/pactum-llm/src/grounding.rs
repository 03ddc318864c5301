//! Grounding: whether a quote a model gives as the source of a claim
//! really is in the article.
//!
//! Rules: a quote is found when it occurs in the article with every run of
//! whitespace (spaces, tabs, line breaks) read as one space and the ends
//! trimmed — nothing else is forgiven (case, punctuation and typographic
//! quotes must match); an empty quote is never found; the place returned
//! is the byte offset in the article where the match starts, and its line
//! (from 1), so a report can cite it.

/// Where a quote was found in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the match's first character in the article.
    pub offset: usize,
    /// Its line, from 1.
    pub line: usize,
}

/// `text` with whitespace runs as single spaces, and for each byte of the
/// result the offset of the character it came from.
fn squeeze(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut pending: Option<usize> = None;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if pending.is_none() && !out.is_empty() {
                pending = Some(at);
            }
            continue;
        }
        if let Some(space) = pending.take() {
            out.push(' ');
            from.push(space);
        }
        let start = out.len();
        out.push(c);
        from.extend(std::iter::repeat_n(at, out.len() - start));
    }
    (out, from)
}

/// Where `quote` occurs in `article` (whitespace aside), if it does.
pub fn find_quote(article: &str, quote: &str) -> Option<Found> {
    let (needle, _) = squeeze(quote);
    if needle.is_empty() {
        return None;
    }
    let (hay, from) = squeeze(article);
    let at = hay.find(&needle)?;
    let offset = from[at];
    let line = article[..offset].matches('\n').count() + 1;
    Some(Found { offset, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "Talks in Istanbul.\nThe two sides agreed to\n  exchange 1,000 prisoners each.\n\nNo ceasefire was agreed.";

    #[test]
    fn a_quote_is_found_whitespace_aside_and_placed() {
        let f = find_quote(ARTICLE, "agreed to exchange 1,000 prisoners").unwrap();
        assert_eq!(&ARTICLE[f.offset..f.offset + 6], "agreed");
        assert_eq!(f.line, 2);
        let f = find_quote(ARTICLE, "  No   ceasefire\twas agreed. ").unwrap();
        assert_eq!(f.line, 5);
        assert_eq!(
            find_quote(ARTICLE, "Talks").unwrap(),
            Found { offset: 0, line: 1 }
        );
    }

    #[test]
    fn anything_but_whitespace_must_match() {
        for quote in [
            "agreed to exchange 1000 prisoners",
            "no ceasefire was agreed",
            "A ceasefire was agreed",
            "",
            "   ",
            "prisoners each. No ceasefire was agreed. Then",
        ] {
            assert_eq!(find_quote(ARTICLE, quote), None, "{quote:?}");
        }
        // Across a paragraph break, as the reader sees it.
        assert!(find_quote(ARTICLE, "each. No ceasefire").is_some());
    }
}
