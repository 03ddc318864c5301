//! The `llm` strategy from Python: `pactum.negotiate(..., llm={"url": ...,
//! "model": ..., "format": ..., "cache": ..., "fallback": ...})` describes the language
//! model it plays through.
//!
//! Rules: the model is set up only when a seat plays `llm`; `url` and
//! `model` win over `PACTUM_LLM_URL` and `PACTUM_LLM_MODEL` (the key comes
//! from `PACTUM_LLM_API_KEY` only); `format` is how the answer's schema is
//! sent (`json_schema` or `json_object`, else `PACTUM_LLM_FORMAT`); `cache` is a folder (str or path);
//! `fallback` a classic strategy (default `boulware`); an unknown key, or
//! `llm` without an endpoint, is a `ValueError`. Where the negotiation
//! plays on a thread holding the GIL (beside Python negotiators), every
//! request to the model is made with the GIL released ([`ReleaseGil`]), so
//! other Python threads run meanwhile — an endpoint served by this very
//! interpreter among them.

use std::path::PathBuf;
use std::sync::Arc;

use pactum_llm::{Client, Config, ResponseFormat};
use pactum_sim::negotiator::llm::{LlmModel, Waiting};
use pactum_sim::negotiator::{Builder, LLM};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::value_error;

/// The keys `llm=` takes.
const KEYS: [&str; 5] = ["url", "model", "format", "cache", "fallback"];

/// Makes each request to the model with the GIL released: the thread
/// attaches (a no-op where it already holds the GIL, as a negotiation
/// beside Python negotiators does) and detaches around the request.
#[derive(Debug)]
pub struct ReleaseGil;

impl Waiting for ReleaseGil {
    fn wait(&self, request: &mut (dyn FnMut() + Send)) {
        Python::attach(|py| py.detach(request));
    }
}

/// The builder for seats named `names`, with the model `llm` describes
/// when one of them is `llm`; `seed` is sent to the endpoint. `holding_gil`:
/// the negotiations play on a thread that holds the GIL (beside Python
/// negotiators), so each request releases it ([`ReleaseGil`]).
pub fn builder(
    llm: Option<&Bound<'_, PyDict>>,
    names: &[&str],
    seed: u64,
    holding_gil: bool,
) -> PyResult<Builder> {
    if let Some(d) = llm {
        for key in d.keys() {
            let key: String = key.extract()?;
            if !KEYS.contains(&key.as_str()) {
                return Err(value_error(format!(
                    "llm: unknown key {key:?}; expected {}",
                    KEYS.join(", ")
                )));
            }
        }
    }
    if !names.contains(&LLM) {
        return Ok(Builder::default());
    }
    let text = |key: &str| -> PyResult<Option<String>> {
        match llm {
            Some(d) => d.get_item(key)?.map(|v| v.extract::<String>()).transpose(),
            None => Ok(None),
        }
    };
    let cache: Option<PathBuf> = match llm {
        Some(d) => d.get_item("cache")?.map(|v| v.extract()).transpose()?,
        None => None,
    };
    let mut config = Config::from_env(text("url")?.as_deref(), text("model")?.as_deref())
        .map_err(|e| {
            value_error(format!(
                "the llm strategy needs a language model: {e} (or give llm={{\"url\": ..., \"model\": ...}})"
            ))
        })?;
    if let Some(format) = text("format")? {
        let format =
            ResponseFormat::parse(&format).map_err(|e| value_error(format!("llm: {e}")))?;
        config = config.with_format(format);
    }
    let config = config.with_cache(cache).with_seed(Some(seed));
    let fallback = text("fallback")?.unwrap_or_else(|| "boulware".into());
    let mut model = LlmModel::new(Arc::new(Client::new(config)), fallback.trim())
        .map_err(|e| value_error(format!("llm: {e}")))?;
    if holding_gil {
        model = model.with_waiting(Arc::new(ReleaseGil));
    }
    Ok(Builder::with_model(Arc::new(model)))
}
