//! The language model flags of `pactum negotiate` and `pactum tournament`
//! (`--llm-url`, `--llm-model`, `--llm-format`, `--llm-cache`, `--llm-fallback`) and the
//! simulator's builder made from them.
//!
//! Rules: the model is set up only when a strategy is `llm`; the flags win
//! over the environment (`PACTUM_LLM_URL`, `PACTUM_LLM_MODEL`,
//! `PACTUM_LLM_FORMAT`; the key only
//! from `PACTUM_LLM_API_KEY`); `llm` without an endpoint is an error naming
//! the flags, never a panic; the run's seed is sent to the endpoint.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use pactum_llm::{Client, Config, ResponseFormat};
use pactum_sim::negotiator::llm::LlmModel;
use pactum_sim::negotiator::{Builder, LLM};

#[derive(clap::Args, Clone, Default)]
pub struct LlmArgs {
    /// The `llm` strategy's chat-completions endpoint, e.g.
    /// http://127.0.0.1:8080/v1 (default: PACTUM_LLM_URL).
    #[arg(long, value_name = "URL")]
    pub llm_url: Option<String>,
    /// The `llm` strategy's model (default: PACTUM_LLM_MODEL).
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,
    /// How the answer's JSON schema is sent: json_schema (OpenAI, llama.cpp's
    /// server, Ollama, vLLM) or json_object (llama-cpp-python's server)
    /// (default: PACTUM_LLM_FORMAT, else json_schema).
    #[arg(long, value_name = "FORMAT")]
    pub llm_format: Option<String>,
    /// Keep the model's answers in DIR and answer from it when the same
    /// question comes again (a rerun is then identical, offline).
    #[arg(long, value_name = "DIR")]
    pub llm_cache: Option<PathBuf>,
    /// The classic strategy that makes the `llm` strategy's move when the
    /// model gives no usable answer twice in a turn.
    #[arg(long, value_name = "NAME", default_value = "boulware")]
    pub llm_fallback: String,
}

impl LlmArgs {
    /// The builder seating `strategies`: with the model when one is `llm`.
    pub fn builder<S: AsRef<str>>(&self, strategies: &[S], seed: u64) -> Result<Builder> {
        if !strategies.iter().any(|s| s.as_ref() == LLM) {
            return Ok(Builder::default());
        }
        let mut config = Config::from_env(self.llm_url.as_deref(), self.llm_model.as_deref())
            .context("the llm strategy needs a language model")?;
        if let Some(format) = &self.llm_format {
            config = config.with_format(ResponseFormat::parse(format).context("--llm-format")?);
        }
        let config = config
            .with_cache(self.llm_cache.clone())
            .with_seed(Some(seed));
        let model = LlmModel::new(Arc::new(Client::new(config)), self.llm_fallback.trim())
            .context("--llm-fallback")?;
        Ok(Builder::with_model(Arc::new(model)))
    }
}
