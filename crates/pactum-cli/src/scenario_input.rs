//! The scenario every scenario command reads (`analyze`, `validate`,
//! `convert`): the file or folder and, for a GENIUS/GeniusWeb folder, the
//! profiles to seat; its loading; and the loader's warnings.
//!
//! Rules: warnings go to stderr, one `warning: ...` line each, before the
//! command's own output; loading errors are the library's, unchanged.

use std::path::PathBuf;

use anyhow::Result;
use pactum_core::Loaded;

#[derive(clap::Args)]
pub struct ScenarioArgs {
    /// A native .toml/.json file, or a folder of GENIUS XML or GeniusWeb JSON files.
    pub scenario: PathBuf,
    /// Profiles of a GENIUS/GeniusWeb folder to seat (file stems, comma-separated); default: all.
    #[arg(long, value_delimiter = ',')]
    pub profiles: Option<Vec<String>>,
}

/// Loads the scenario the arguments name.
pub fn load(args: &ScenarioArgs) -> Result<Loaded> {
    let loaded = pactum_core::io::load(&args.scenario, args.profiles.as_deref())?;
    Ok(loaded)
}

/// Prints each warning to stderr.
pub fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
