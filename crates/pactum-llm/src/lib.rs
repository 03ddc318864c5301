//! A client for chat-completion endpoints that speak the OpenAI protocol
//! (llama.cpp's server, Ollama, vLLM, LM Studio and hosted services), for
//! the parts of Pactum where a language model sits at the table or drafts
//! a scenario.
//!
//! Rules kept here:
//! * every answer is a JSON value checked against the JSON schema the
//!   caller asked for ([`Client::complete`]); an answer that is not JSON,
//!   breaks the schema, is cut off or is a refusal is a typed error, never
//!   a guess;
//! * each request has a timeout; transport failures, 429 and 5xx answers
//!   are retried a bounded number of times, nothing else is;
//! * a token budget caps what one client may spend; a request that would
//!   start past it is refused before it is sent;
//! * with a cache directory, each answer is stored under the SHA-256 of
//!   its request (model, messages, schema, settings — never the key), and a
//!   cached request is answered from the file without the network, so a run
//!   replays offline byte for byte;
//! * the API key is never logged, printed or stored: [`Config`]'s `Debug`
//!   hides it and it is not part of the request's hash.
//!
//! Beside the client, two checks on what a model writes, pure functions of
//! text: [`grounding`] (is a quoted source really in the article?) and
//! [`leakage`] (does a negotiator's message state its reservation value, a
//! weight or a red line?).
//!
//! On top of both, [`draft`]: a scenario drafted from a news article, in
//! schema-constrained steps, its quotes grounded and its parts checked by
//! pactum-core's scenario validator.
//!
//! Modules, each importing only those listed before it: `error`, `config`,
//! `request` (the request body and its hash), `cache`, `client`;
//! `grounding` and `leakage` import nothing; `draft` imports the client,
//! `grounding` and pactum-core; `stand_in` (feature `stand-in`: a
//! loopback stand-in endpoint for tests) imports nothing.

#![warn(missing_docs)]

mod cache;
mod client;
mod config;
pub mod draft;
mod error;
pub mod grounding;
pub mod leakage;
mod request;
#[cfg(any(test, feature = "stand-in"))]
pub mod stand_in;

pub use client::{Answer, Client, Usage};
pub use config::{ApiKey, Config, FORMAT_VAR, KEY_VAR, MODEL_VAR, ResponseFormat, URL_VAR};
pub use error::{Failure, LlmError};
pub use request::{Message, Role, Schema};
