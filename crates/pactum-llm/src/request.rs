//! What is asked of the model: the messages, the JSON schema its answer
//! must follow, the settings — and the request's hash, the key of the
//! replay cache.
//!
//! Rules: the request body is the OpenAI chat-completions form with
//! `response_format` `json_schema` (strict), or `json_object` with the
//! schema beside it, and temperature 0; the hash is
//! the SHA-256 of the body written canonically (object keys sorted at
//! every level, no spaces), whatever order the caller's schema or
//! serde_json's features give, so the same request has the same hash in
//! every build; the key is not part of the body.

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::ResponseFormat;

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions.
    System,
    /// The user's (here: Pactum's) turn.
    User,
    /// The model's earlier answer.
    Assistant,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// What is said.
    pub content: String,
}

impl Message {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }

    /// An assistant message (the model's earlier answer).
    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// The JSON schema an answer must follow, with a name for the endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// A short name (letters, digits, `_` and `-`).
    pub name: String,
    /// The JSON schema.
    pub schema: Value,
}

/// The body of a request for `messages`, answered after `schema`.
pub(crate) fn body(
    model: &str,
    messages: &[Message],
    schema: &Schema,
    max_tokens: u32,
    seed: Option<u64>,
    format: ResponseFormat,
) -> Value {
    let response_format = match format {
        ResponseFormat::JsonSchema => json!({
            "type": "json_schema",
            "json_schema": {"name": schema.name, "strict": true, "schema": schema.schema},
        }),
        ResponseFormat::JsonObject => json!({"type": "json_object", "schema": schema.schema}),
    };
    let mut body = json!({
        "model": model,
        "messages": messages,
        "temperature": 0,
        "max_tokens": max_tokens,
        "response_format": response_format,
    });
    if let Some(seed) = seed {
        body["seed"] = json!(seed);
    }
    body
}

/// `value` written canonically: keys sorted at every level, no spaces.
pub(crate) fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (k, key) in keys.into_iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The request's hash: SHA-256 of its canonical body, in hex.
pub(crate) fn hash(body: &Value) -> String {
    hex::encode(Sha256::digest(canonical(body).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(value: Value) -> Schema {
        Schema {
            name: "move".into(),
            schema: value,
        }
    }

    #[test]
    fn the_hash_ignores_key_order_and_changes_with_any_part_of_the_request() {
        let m = [Message::system("be brief"), Message::user("offer?")];
        let a = body(
            "m",
            &m,
            &schema(json!({"type": "object", "required": ["x"]})),
            64,
            None,
            ResponseFormat::JsonSchema,
        );
        let reordered: Value =
            serde_json::from_str(r#"{"required": ["x"], "type": "object"}"#).unwrap();
        let b = body(
            "m",
            &m,
            &schema(reordered),
            64,
            None,
            ResponseFormat::JsonSchema,
        );
        assert_eq!(hash(&a), hash(&b));
        assert_eq!(
            canonical(&json!({"b": 1, "a": [true, null]})),
            r#"{"a":[true,null],"b":1}"#
        );
        let other_model = body(
            "n",
            &m,
            &schema(json!({"type": "object"})),
            64,
            None,
            ResponseFormat::JsonSchema,
        );
        let other_seed = body(
            "m",
            &m,
            &schema(json!({"type": "object"})),
            64,
            Some(1),
            ResponseFormat::JsonSchema,
        );
        let base = body(
            "m",
            &m,
            &schema(json!({"type": "object"})),
            64,
            None,
            ResponseFormat::JsonSchema,
        );
        assert_ne!(hash(&base), hash(&other_model));
        assert_ne!(hash(&base), hash(&other_seed));
        assert_eq!(base["response_format"]["json_schema"]["strict"], true);
        assert_eq!(base["messages"][1]["role"], "user");
        let object = body(
            "m",
            &m,
            &schema(json!({"type": "object"})),
            64,
            None,
            ResponseFormat::JsonObject,
        );
        assert_ne!(hash(&base), hash(&object));
        assert_eq!(object["response_format"]["type"], "json_object");
        assert_eq!(object["response_format"]["schema"]["type"], "object");
    }
}
