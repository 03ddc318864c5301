//! `pactum draft ARTICLE --out SCENARIO.toml`: a scenario drafted from a
//! news article by a language model, with a report on stderr.
//!
//! Rules: the endpoint and model come from the flags, else from
//! `PACTUM_LLM_URL` / `PACTUM_LLM_MODEL` (the key from
//! `PACTUM_LLM_API_KEY`), else — for a replay — from the `endpoint.json`
//! a recording left in the `--llm-cache` folder; the command exits 0 when
//! it wrote the file, whatever the draft's flags, and fails with the reason
//! on bad input (no article, an unreachable endpoint, a model that names no
//! party or issue) without writing anything.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use pactum_llm::draft::{DraftOptions, Report, draft};
use pactum_llm::{Client, Config, ResponseFormat};
use serde::{Deserialize, Serialize};

/// Arguments of `pactum draft`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The article (plain text).
    pub article: PathBuf,
    /// Where to write the drafted scenario (native TOML).
    #[arg(long, value_name = "SCENARIO.toml")]
    pub out: PathBuf,
    /// The chat-completions endpoint (e.g. http://127.0.0.1:8080/v1); else
    /// PACTUM_LLM_URL.
    #[arg(long, value_name = "URL")]
    pub llm_url: Option<String>,
    /// The model's name; else PACTUM_LLM_MODEL.
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,
    /// A replay cache folder: answers are stored there and a cached request
    /// is answered offline.
    #[arg(long, value_name = "DIR")]
    pub llm_cache: Option<PathBuf>,
    /// How the JSON schema is sent: json_schema (OpenAI, llama.cpp's
    /// server, Ollama, vLLM) or json_object (llama-cpp-python's server);
    /// else PACTUM_LLM_FORMAT, else json_schema.
    #[arg(long, value_name = "FORMAT")]
    pub llm_format: Option<String>,
    /// Let the model quote any words of the article as a source, not only
    /// whole sentences (better for large models; small ones invent
    /// quotes). Quotes are checked against the article either way.
    #[arg(long)]
    pub free_quotes: bool,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub llm_timeout: u64,
}

/// The endpoint a cache was recorded with, so that it replays without one.
#[derive(Debug, Serialize, Deserialize)]
struct Recorded {
    url: String,
    model: String,
    format: String,
}

const RECORDED: &str = "endpoint.json";

/// The longest answer: a list of six issues with four quoted options each
/// fits, and so does a 4,096-token context with the article's piece.
const ANSWER_TOKENS: u32 = 2_048;

fn env_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

fn recorded(dir: &Path) -> Option<Recorded> {
    let text = std::fs::read_to_string(dir.join(RECORDED)).ok()?;
    serde_json::from_str(&text).ok()
}

fn config(args: &Args) -> Result<Config> {
    let mut url = args.llm_url.clone();
    let mut model = args.llm_model.clone();
    let mut format = args.llm_format.clone();
    if let Some(r) = args.llm_cache.as_deref().and_then(recorded) {
        if url.is_none() && !env_set(pactum_llm::URL_VAR) {
            url = Some(r.url);
        }
        if model.is_none() && !env_set(pactum_llm::MODEL_VAR) {
            model = Some(r.model);
        }
        if format.is_none() && !env_set(pactum_llm::FORMAT_VAR) {
            format = Some(r.format);
        }
    }
    let mut config = Config::from_env(url.as_deref(), model.as_deref())?
        .with_timeout(Duration::from_secs(args.llm_timeout))?
        .with_max_tokens(ANSWER_TOKENS)?
        .with_cache(args.llm_cache.clone())
        .with_seed(Some(0));
    if let Some(f) = &format {
        config = config.with_format(ResponseFormat::parse(f)?);
    }
    Ok(config)
}

fn format_name(f: ResponseFormat) -> &'static str {
    match f {
        ResponseFormat::JsonSchema => "json_schema",
        ResponseFormat::JsonObject => "json_object",
    }
}

/// Drafts the scenario, writes it and reports.
pub fn run(args: Args) -> Result<()> {
    let article = std::fs::read_to_string(&args.article)
        .with_context(|| format!("cannot read the article {}", args.article.display()))?;
    if article.trim().is_empty() {
        bail!("the article {} is empty", args.article.display());
    }
    let config = config(&args)?;
    let client = Client::new(config.clone());
    let options = DraftOptions {
        article_name: args.article.file_name().map_or_else(
            || "the article".into(),
            |n| n.to_string_lossy().into_owned(),
        ),
        whole_sentences: !args.free_quotes,
        ..DraftOptions::default()
    };
    let drafted = draft(&client, &article, &options)
        .with_context(|| format!("no draft of {}", args.article.display()))?;
    std::fs::write(&args.out, &drafted.toml)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let r = &drafted.report;
    if let Some(dir) = &args.llm_cache
        && r.cached < r.requests
    {
        let rec = Recorded {
            url: config.endpoint().to_string(),
            model: config.model().to_string(),
            format: format_name(config.format()).into(),
        };
        let text = serde_json::to_string_pretty(&rec)? + "\n";
        std::fs::write(dir.join(RECORDED), text)
            .with_context(|| format!("cannot write {}", dir.join(RECORDED).display()))?;
    }
    eprint!("{}", present(&args.out, r, config.model()));
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report, for people.
fn present(out: &Path, r: &Report, model: &str) -> String {
    let mut s = format!(
        "wrote {}: {} ({}), {} ({}), {}, {}, {}\n",
        out.display(),
        plural(r.parties.len(), "party", "parties"),
        r.parties.join(", "),
        plural(r.issues.len(), "issue", "issues"),
        r.issues.join(", "),
        plural(r.positions, "position", "positions"),
        plural(r.red_lines, "red line", "red lines"),
        plural(
            r.estimates,
            "preference estimate (an ESTIMATE, not in the article)",
            "preference estimates (ESTIMATES, not in the article)"
        ),
    );
    if !r.flagged.is_empty() {
        s.push_str(
            "flagged (the quote is not in the article; dropped, marked FLAGGED in the file):\n",
        );
        for f in &r.flagged {
            s.push_str(&format!("  {}: \u{201c}{}\u{201d}\n", f.item, f.quote));
        }
    }
    if !r.dropped.is_empty() {
        s.push_str("dropped:\n");
        for d in &r.dropped {
            s.push_str(&format!("  {}: {}\n", d.item, d.reason));
        }
    }
    if !r.sent_back.is_empty() {
        s.push_str(&format!(
            "sent back to the model once: {}; {}\n",
            plural(r.sent_back.len(), "validator error", "validator errors"),
            match (&r.repair_failed, r.repair_used) {
                (Some(e), _) => format!("the repair failed ({e})"),
                (None, true) => "the repaired draft is kept".into(),
                (None, false) =>
                    "the first draft is kept (the repair had fewer parts accepted)".into(),
            }
        ));
    }
    if !r.left_out.is_empty() {
        s.push_str("left out (commented out in the file, refused by the scenario validator):\n");
        for l in &r.left_out {
            s.push_str(&format!("  {}: {}\n", l.item, l.error));
        }
    }
    for f in &r.failed_steps {
        s.push_str(&format!("step failed: {}: {}\n", f.step, f.error));
    }
    if r.loads {
        s.push_str("the file loads as a scenario (pactum validate, analyze)\n");
    } else {
        s.push_str(
            "warning: the file does not load as a scenario: no party passed the validator\n",
        );
    }
    s.push_str(&format!(
        "model {model}: {} ({} from the cache), {}, article in {}\n",
        plural(r.requests, "request", "requests"),
        r.cached,
        plural(r.tokens as usize, "token", "tokens"),
        plural(r.chunks, "piece", "pieces"),
    ));
    s
}
