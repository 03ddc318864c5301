//! Where the language model is and how it may be used: the endpoint, the
//! model, the key, the timeout, the retries, the answer's token limit, the
//! token budget and the replay cache.
//!
//! Rules: the endpoint is an `http://` or `https://` URL (a base such as
//! `http://127.0.0.1:8080/v1`, or the full `…/chat/completions`); the
//! model is named; a timeout is 1 s to 10 min, retries 0 to 5, an answer's
//! token limit 1 to 32,768, a budget at least one answer's limit; the flags
//! win over the environment (`PACTUM_LLM_URL`, `PACTUM_LLM_MODEL`,
//! `PACTUM_LLM_FORMAT`), the key comes from `PACTUM_LLM_API_KEY` only and is
//! never shown; the schema is sent as OpenAI's `json_schema` response format
//! unless `json_object` (the form llama-cpp-python's server reads) is asked
//! for.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::LlmError;

/// An API key: sent as a bearer token, never shown (`Debug` prints
/// `ApiKey(…)`).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key (an empty one is no key).
    pub fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into();
        (!key.trim().is_empty()).then(|| ApiKey(key.trim().to_string()))
    }

    /// The key, for the request's header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

/// How the JSON schema of an answer is sent to the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    /// `{"type": "json_schema", "json_schema": {"name", "strict", "schema"}}`:
    /// OpenAI's form, read by llama.cpp's own server, Ollama, vLLM.
    #[default]
    JsonSchema,
    /// `{"type": "json_object", "schema": …}`: the form llama-cpp-python's
    /// server reads (it refuses the other).
    JsonObject,
}

impl ResponseFormat {
    /// The format named `name` (`json_schema` or `json_object`, `-` for `_`
    /// allowed).
    pub fn parse(name: &str) -> Result<Self, LlmError> {
        match name.trim().replace('-', "_").as_str() {
            "json_schema" => Ok(ResponseFormat::JsonSchema),
            "json_object" => Ok(ResponseFormat::JsonObject),
            other => Err(LlmError::Config(format!(
                "unknown response format {other:?} (json_schema or json_object)"
            ))),
        }
    }
}

/// How to reach a model and what it may cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    endpoint: String,
    model: String,
    api_key: Option<ApiKey>,
    timeout: Duration,
    retries: u32,
    max_tokens: u32,
    budget: u64,
    cache: Option<PathBuf>,
    seed: Option<u64>,
    format: ResponseFormat,
}

/// The environment variable naming the endpoint.
pub const URL_VAR: &str = "PACTUM_LLM_URL";
/// The environment variable naming the model.
pub const MODEL_VAR: &str = "PACTUM_LLM_MODEL";
/// The environment variable holding the API key.
pub const KEY_VAR: &str = "PACTUM_LLM_API_KEY";
/// The environment variable naming the response format (`json_schema` or
/// `json_object`).
pub const FORMAT_VAR: &str = "PACTUM_LLM_FORMAT";

impl Config {
    /// The model `model` at `url`, with the defaults: 60 s timeout, 2
    /// retries, 1,024 tokens per answer, a budget of 200,000 tokens, no key,
    /// no cache.
    pub fn new(url: &str, model: &str) -> Result<Self, LlmError> {
        let url = url.trim().trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(LlmError::Config(format!(
                "the endpoint {url:?} is not an http:// or https:// URL"
            )));
        }
        if model.trim().is_empty() {
            return Err(LlmError::Config("no model named".into()));
        }
        let endpoint = if url.ends_with("/chat/completions") {
            url.to_string()
        } else {
            format!("{url}/chat/completions")
        };
        Ok(Config {
            endpoint,
            model: model.trim().to_string(),
            api_key: None,
            timeout: Duration::from_secs(60),
            retries: 2,
            max_tokens: 1024,
            budget: 200_000,
            cache: None,
            seed: None,
            format: ResponseFormat::JsonSchema,
        })
    }

    /// The endpoint and model from the flags, else from the environment
    /// (`PACTUM_LLM_URL`, `PACTUM_LLM_MODEL`); the key from
    /// `PACTUM_LLM_API_KEY`.
    pub fn from_env(url: Option<&str>, model: Option<&str>) -> Result<Self, LlmError> {
        Self::from_lookup(url, model, |name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] reading variables through `var`.
    pub fn from_lookup(
        url: Option<&str>,
        model: Option<&str>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LlmError> {
        let url = url
            .map(str::to_string)
            .or_else(|| var(URL_VAR))
            .ok_or_else(|| {
                LlmError::Config(format!("no endpoint: give --llm-url or set {URL_VAR}"))
            })?;
        let model = model
            .map(str::to_string)
            .or_else(|| var(MODEL_VAR))
            .ok_or_else(|| {
                LlmError::Config(format!("no model: give --llm-model or set {MODEL_VAR}"))
            })?;
        let mut config = Config::new(&url, &model)?;
        config.api_key = var(KEY_VAR).and_then(ApiKey::new);
        if let Some(format) = var(FORMAT_VAR).filter(|f| !f.trim().is_empty()) {
            config.format = ResponseFormat::parse(&format)?;
        }
        Ok(config)
    }

    /// With an API key (sent as a bearer token).
    pub fn with_api_key(mut self, key: Option<ApiKey>) -> Self {
        self.api_key = key;
        self
    }

    /// With a timeout per attempt (1 s to 10 min).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, LlmError> {
        if !(Duration::from_secs(1)..=Duration::from_secs(600)).contains(&timeout) {
            return Err(LlmError::Config(format!(
                "a timeout of {:?} (1 s to 600 s)",
                timeout
            )));
        }
        self.timeout = timeout;
        Ok(self)
    }

    /// With `retries` more attempts after a transient failure (0 to 5).
    pub fn with_retries(mut self, retries: u32) -> Result<Self, LlmError> {
        if retries > 5 {
            return Err(LlmError::Config(format!("{retries} retries (0 to 5)")));
        }
        self.retries = retries;
        Ok(self)
    }

    /// With a limit on each answer's tokens (1 to 32,768).
    pub fn with_max_tokens(mut self, max_tokens: u32) -> Result<Self, LlmError> {
        if !(1..=32_768).contains(&max_tokens) {
            return Err(LlmError::Config(format!(
                "{max_tokens} tokens per answer (1 to 32768)"
            )));
        }
        self.max_tokens = max_tokens;
        Ok(self)
    }

    /// With a budget of tokens for the whole client (at least one answer's
    /// limit).
    pub fn with_budget(mut self, budget: u64) -> Result<Self, LlmError> {
        if budget < u64::from(self.max_tokens) {
            return Err(LlmError::Config(format!(
                "a budget of {budget} tokens is less than one answer's {} tokens",
                self.max_tokens
            )));
        }
        self.budget = budget;
        Ok(self)
    }

    /// With a replay cache in `dir` (created when first written).
    pub fn with_cache(mut self, dir: Option<PathBuf>) -> Self {
        self.cache = dir;
        self
    }

    /// With a sampling seed sent to the endpoint (where it honours one).
    pub fn with_seed(mut self, seed: Option<u64>) -> Self {
        self.seed = seed;
        self
    }

    /// With the response format the schema is sent in.
    pub fn with_format(mut self, format: ResponseFormat) -> Self {
        self.format = format;
        self
    }

    /// The response format the schema is sent in.
    pub fn format(&self) -> ResponseFormat {
        self.format
    }

    /// The chat-completions URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The model's name.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The key, if any.
    pub(crate) fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// The timeout of each attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Retries after a transient failure.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The token limit of each answer.
    pub fn max_tokens(&self) -> u32 {
        self.max_tokens
    }

    /// The token budget.
    pub fn budget(&self) -> u64 {
        self.budget
    }

    /// The replay cache's directory, if any.
    pub fn cache(&self) -> Option<&PathBuf> {
        self.cache.as_ref()
    }

    /// The sampling seed, if any.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_a_url_and_the_chat_path_is_added_once() {
        let c = Config::new("http://127.0.0.1:8080/v1/", "m").unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:8080/v1/chat/completions");
        let c = Config::new("https://x.test/v1/chat/completions", "m").unwrap();
        assert_eq!(c.endpoint(), "https://x.test/v1/chat/completions");
        assert!(Config::new("127.0.0.1:8080", "m").is_err());
        assert!(Config::new("http://x", " ").is_err());
    }

    #[test]
    fn flags_win_over_the_environment_and_the_key_is_never_shown() {
        let env = |name: &str| match name {
            URL_VAR => Some("http://env/v1".to_string()),
            MODEL_VAR => Some("env-model".to_string()),
            KEY_VAR => Some("sk-secret-123".to_string()),
            _ => None,
        };
        let c = Config::from_lookup(None, Some("flag-model"), env).unwrap();
        assert_eq!(c.endpoint(), "http://env/v1/chat/completions");
        assert_eq!(c.model(), "flag-model");
        assert_eq!(c.api_key().unwrap().expose(), "sk-secret-123");
        assert!(!format!("{c:?}").contains("secret"));
        assert_eq!(c.format(), ResponseFormat::JsonSchema);
        let object = Config::from_lookup(None, None, |name| match name {
            FORMAT_VAR => Some("json-object".to_string()),
            other => env(other),
        })
        .unwrap();
        assert_eq!(object.format(), ResponseFormat::JsonObject);
        let bad = Config::from_lookup(None, None, |name| match name {
            FORMAT_VAR => Some("yaml".to_string()),
            other => env(other),
        });
        assert!(bad.is_err());
        let none = Config::from_lookup(None, None, |_| None).unwrap_err();
        assert!(none.to_string().contains(URL_VAR));
    }

    #[test]
    fn absurd_limits_are_refused() {
        let c = Config::new("http://x", "m").unwrap();
        assert!(c.clone().with_timeout(Duration::ZERO).is_err());
        assert!(c.clone().with_timeout(Duration::from_secs(3600)).is_err());
        assert!(c.clone().with_retries(6).is_err());
        assert!(c.clone().with_max_tokens(0).is_err());
        assert!(c.clone().with_budget(10).is_err());
        assert_eq!(c.with_budget(5_000).unwrap().budget(), 5_000);
    }
}
