//! Fitting a long article into a small model's context: the article cut
//! into pieces of at most a given number of characters.
//!
//! Rules: pieces follow line breaks where they can, else sentence ends
//! (`. `), else character boundaries; no text is lost or repeated (the
//! pieces, joined, are the article, blank pieces left out); an empty or
//! blank article has no pieces; a limit of 0 is read as 1.

/// The article in pieces of at most `max_chars` characters.
pub fn chunks(article: &str, max_chars: usize) -> Vec<&str> {
    let max = max_chars.max(1);
    let mut out = Vec::new();
    if article.trim().is_empty() {
        return out;
    }
    let mut rest = article;
    while !rest.is_empty() {
        if rest.chars().count() <= max {
            out.push(rest);
            break;
        }
        // The byte offset just past `max` characters.
        let limit = rest
            .char_indices()
            .nth(max)
            .map_or(rest.len(), |(at, _)| at);
        let window = &rest[..limit];
        let cut = window
            .rfind('\n')
            .map(|at| at + 1)
            .or_else(|| window.rfind(". ").map(|at| at + 2))
            .filter(|&at| at > 0)
            .unwrap_or(limit);
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.retain(|piece| !piece.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_follow_lines_then_sentences_and_lose_nothing() {
        let article = "First line here.\nSecond line. It goes on.\nThird.";
        let pieces = chunks(article, 30);
        assert_eq!(pieces.concat(), article);
        assert!(pieces.iter().all(|p| p.chars().count() <= 30));
        assert_eq!(pieces[0], "First line here.\n");
        let long = "One sentence. Another sentence. A third one.";
        let pieces = chunks(long, 20);
        assert_eq!(pieces.concat(), long);
        assert_eq!(pieces[0], "One sentence. ");
        let word = "ééééééééééé";
        let pieces = chunks(word, 4);
        assert_eq!(pieces.concat(), word);
        assert!(pieces.iter().all(|p| p.chars().count() <= 4));
        assert!(chunks("  \n ", 10).is_empty());
        assert_eq!(chunks("short", 100), vec!["short"]);
    }
}
