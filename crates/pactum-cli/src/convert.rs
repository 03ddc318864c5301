//! `pactum convert`: a scenario written in another format (native TOML or
//! JSON, a GENIUS XML or GeniusWeb JSON folder).
//!
//! Rules: never replaces a file or writes into a folder holding files
//! without `--force`, checked before anything is read; what the target
//! format cannot hold is warned about, naming it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;

use crate::scenario_input::{ScenarioArgs, load, print_warnings};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Genius,
    Geniusweb,
    Toml,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Target format.
    #[arg(long)]
    to: Format,
    /// Output: a file for toml/json, a folder for genius/geniusweb.
    out: PathBuf,
    /// Replace an existing output file, or write into a folder that already
    /// holds files (files of the same names are replaced).
    #[arg(long)]
    force: bool,
}

/// Refuses to overwrite what is at `out` unless `--force` is given: an
/// existing file, or a folder that is not empty.
fn check_overwrite(out: &Path, to: Format, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let folder_target = matches!(to, Format::Genius | Format::Geniusweb);
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    if folder_target && meta.is_dir() {
        let mut entries = std::fs::read_dir(out)
            .with_context(|| format!("cannot read the folder {}", out.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is a folder that already holds files; pass --force to write into it \
                 (files of the same names are replaced)",
                out.display()
            );
        }
        return Ok(());
    }
    let what = if meta.is_dir() { "a folder" } else { "a file" };
    bail!(
        "{} already exists ({what}); pass --force to replace it",
        out.display()
    )
}

/// Converts the scenario and writes it.
pub fn run(args: Args) -> Result<()> {
    check_overwrite(&args.out, args.to, args.force)?;
    let loaded = load(&args.input)?;
    print_warnings(&loaded.warnings);
    let out: &Path = &args.out;
    let lost = match args.to {
        Format::Toml => write_file(out, &pactum_core::native::loaded_to_toml(&loaded)?)?,
        Format::Json => write_file(out, &pactum_core::native::loaded_to_json(&loaded)?)?,
        Format::Genius => pactum_core::genius::save_folder(&loaded.scenario, out)?,
        Format::Geniusweb => pactum_core::geniusweb::save_folder(&loaded.scenario, out)?,
    };
    print_warnings(&lost);
    if loaded.forecast.is_some() && matches!(args.to, Format::Genius | Format::Geniusweb) {
        eprintln!(
            "warning: the forecast section of {} is not converted: GENIUS and GeniusWeb \
             files cannot hold it (convert to toml or json to keep it)",
            args.input.scenario.display()
        );
    }
    println!("wrote {}", out.display());
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<Vec<String>> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Vec::new())
}
