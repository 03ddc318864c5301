//! Grounding on the seed article (`../shared/seed/istanbul-talks-article.txt`,
//! skipped with a message where it is absent): its own sentences are found
//! whatever their line breaks and spacing, on the line they are on; a
//! sentence with one word changed, or with typographic quotes straightened,
//! is not.

use pactum_llm::grounding::find_quote;

fn article() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/seed/istanbul-talks-article.txt"
    );
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipped: the seed article is not at {path}");
            None
        }
    }
}

#[test]
fn the_articles_own_sentences_are_found_and_changed_ones_are_not() {
    let Some(text) = article() else { return };
    let quote = "facilitated by Turkish Foreign Minister Hakan Fidan";
    let found = find_quote(&text, quote).expect("a sentence of the article");
    assert_eq!(&text[found.offset..found.offset + quote.len()], quote);
    let line = text.lines().nth(found.line - 1).unwrap();
    assert!(line.contains(quote));
    // Re-flowed across lines, spaces doubled: still the article's words.
    assert!(
        find_quote(
            &text,
            "facilitated  by\nTurkish Foreign\n Minister Hakan Fidan"
        )
        .is_some()
    );
    // One word changed, or the typographic apostrophe straightened: not found.
    assert!(find_quote(&text, "facilitated by Turkish Prime Minister Hakan Fidan").is_none());
    assert!(text.contains("Europe’s most deadly conflict"));
    assert!(find_quote(&text, "Europe's most deadly conflict").is_none());
}
