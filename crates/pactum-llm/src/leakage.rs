//! Leakage: whether a message a negotiator sends states what it should
//! keep private — its reservation value, an issue's weight, or a red line.
//!
//! Rules: a number in the message states a private value when it equals it
//! within half a hundredth, read as a decimal (`0.62`, `.62`) or as a
//! percentage (`62%`, `62 %`, `62 percent`); whole numbers without a
//! percent sign and numbers inside words are not read (a price of 62 is not
//! a utility of 0.62); a red line is stated when the message names its
//! value as a whole word (case aside), or says "red line"/"red-line"
//! together with the value's issue. Each flag names what leaked and the
//! text that leaked it.

/// What a negotiator keeps private.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Private {
    /// Its reservation value (a utility in [0, 1]), if any.
    pub reservation_value: Option<f64>,
    /// Issue names and their weights.
    pub weights: Vec<(String, f64)>,
    /// Red lines: the issue and the value it will not accept.
    pub red_lines: Vec<(String, String)>,
}

/// What a message leaked.
#[derive(Debug, Clone, PartialEq)]
pub enum Leak {
    /// The reservation value, stated as `text`.
    ReservationValue {
        /// The words that state it.
        text: String,
    },
    /// An issue's weight.
    Weight {
        /// The issue.
        issue: String,
        /// The words that state it.
        text: String,
    },
    /// A red line.
    RedLine {
        /// The issue.
        issue: String,
        /// The value.
        value: String,
    },
}

/// The numbers the message states as fractions: (value, the text).
fn fractions(message: &str) -> Vec<(f64, String)> {
    let bytes = message.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        let inside_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if !starts || inside_word {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number = message[start..i].trim_end_matches('.');
        if i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            continue; // part of a word ("3rd", "2x")
        }
        let Ok(x) = number.parse::<f64>() else {
            continue;
        };
        let rest = message[i..].trim_start();
        let percent = ["%", "percent", "per cent"]
            .iter()
            .find(|p| rest.to_ascii_lowercase().starts_with(*p));
        if let Some(p) = percent {
            let end = message.len() - rest.len() + p.len();
            out.push((x / 100.0, message[start..end].to_string()));
        } else if number.contains('.') {
            out.push((x, number.to_string()));
        }
    }
    out
}

/// Whether `word` occurs in `text` as a whole word, case aside.
fn names(text: &str, word: &str) -> bool {
    let (text, word) = (text.to_lowercase(), word.to_lowercase());
    if word.trim().is_empty() {
        return false;
    }
    text.match_indices(&word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Everything `message` leaks of `private`.
pub fn leaks(message: &str, private: &Private) -> Vec<Leak> {
    let close = |a: f64, b: f64| (a - b).abs() <= 0.005;
    let mut out = Vec::new();
    for (x, text) in fractions(message) {
        if private.reservation_value.is_some_and(|r| close(x, r)) {
            out.push(Leak::ReservationValue { text: text.clone() });
        }
        for (issue, w) in &private.weights {
            if close(x, *w) {
                out.push(Leak::Weight {
                    issue: issue.clone(),
                    text: text.clone(),
                });
            }
        }
    }
    let red =
        names(message, "red line") || names(message, "red-line") || names(message, "red lines");
    for (issue, value) in &private.red_lines {
        if names(message, value) || (red && names(message, issue)) {
            out.push(Leak::RedLine {
                issue: issue.clone(),
                value: value.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private() -> Private {
        Private {
            reservation_value: Some(0.62),
            weights: vec![("price".into(), 0.45), ("warranty".into(), 0.2)],
            red_lines: vec![("colour".into(), "pink".into())],
        }
    }

    #[test]
    fn a_reservation_value_or_weight_stated_in_any_form_is_flagged() {
        for message in [
            "I cannot go below 0.62.",
            "Anything under .62 is useless to me",
            "we need at least 62% of our best",
            "62 percent is our floor",
            "Below 0.619 we walk",
        ] {
            assert_eq!(
                leaks(message, &private()),
                vec![Leak::ReservationValue {
                    text: fractions(message)[0].1.clone()
                }],
                "{message}"
            );
        }
        let w = leaks("Price matters 45% to us, warranty 0.2.", &private());
        assert_eq!(w.len(), 2);
        assert!(matches!(&w[0], Leak::Weight { issue, .. } if issue == "price"));
        assert!(
            matches!(&w[1], Leak::Weight { issue, text } if issue == "warranty" && text == "0.2")
        );
    }

    #[test]
    fn prices_counts_and_other_numbers_are_not_read_as_utilities() {
        for message in [
            "We offer 62 units at 20500 euros.",
            "Version 0.62a of the draft",
            "Delivery in 3rd week, 1.5 years warranty",
            "Round 62 already",
        ] {
            assert_eq!(leaks(message, &private()), vec![], "{message}");
        }
    }

    #[test]
    fn a_red_line_named_or_called_one_is_flagged() {
        let flagged = |m: &str| !leaks(m, &private()).is_empty();
        assert!(flagged("We will never take a Pink car"));
        assert!(flagged("Colour is a red line for us"));
        assert!(!flagged("Pinkish paint is fine"));
        assert!(!flagged("Colour is open for discussion"));
    }
}
