//! Words with moves: the short plain-text messages a negotiator may send
//! with a move (an offer's rationale, "our red line on territory") and the
//! mediator may post on its own, kept in the hash-chained record.
//!
//! Rules kept here: a message is plain text of at most
//! [`MAX_MESSAGE_CHARS`] characters, with no control character other than
//! a line break; an empty or blank message on a move is no message; every
//! refusal names the field. The text is stored as given and escaped
//! wherever it is shown (the pages insert it as text, never as markup).

/// The longest message, in characters (Unicode scalar values).
pub const MAX_MESSAGE_CHARS: usize = 500;

/// Why a message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Longer than [`MAX_MESSAGE_CHARS`].
    #[error("{field}: a message has at most {MAX_MESSAGE_CHARS} characters, this one has {chars}")]
    TooLong {
        /// The request field.
        field: &'static str,
        /// Its length in characters.
        chars: usize,
    },
    /// Holds a control character (other than a line break).
    #[error(
        "{field}: a message is plain text; character {position} is the control character U+{code:04X}"
    )]
    Control {
        /// The request field.
        field: &'static str,
        /// Its position, from 1.
        position: usize,
        /// Its code point.
        code: u32,
    },
    /// Empty or blank where words are required.
    #[error("{field}: the message is empty")]
    Empty {
        /// The request field.
        field: &'static str,
    },
}

/// Checks the message of request field `field`: `Ok(None)` for none, or an
/// empty or blank one.
pub fn check_message(
    field: &'static str,
    message: Option<&str>,
) -> Result<Option<String>, MessageError> {
    let Some(text) = message else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(MessageError::TooLong { field, chars });
    }
    if let Some((i, c)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && *c != '\n')
    {
        return Err(MessageError::Control {
            field,
            position: i + 1,
            code: c as u32,
        });
    }
    Ok(Some(text.to_string()))
}

/// [`check_message`] for a message that must have words.
pub fn required_message(field: &'static str, message: &str) -> Result<String, MessageError> {
    check_message(field, Some(message))?.ok_or(MessageError::Empty { field })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_control_characters_are_refused_naming_the_field() {
        assert_eq!(check_message("message", None), Ok(None));
        assert_eq!(check_message("message", Some("  ")), Ok(None));
        assert_eq!(
            check_message("message", Some("our red line\non territory")),
            Ok(Some("our red line\non territory".into()))
        );
        let long = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(
            check_message("message", Some(&long)),
            Ok(Some(long.clone()))
        );
        let e = check_message("message", Some(&(long + "x"))).unwrap_err();
        assert!(e.to_string().starts_with("message: "), "{e}");
        assert_eq!(
            check_message("message", Some("a\u{7}b")),
            Err(MessageError::Control {
                field: "message",
                position: 2,
                code: 7
            })
        );
        assert!(check_message("message", Some("tab\there")).is_err());
        assert_eq!(
            required_message("message", " "),
            Err(MessageError::Empty { field: "message" })
        );
    }
}
