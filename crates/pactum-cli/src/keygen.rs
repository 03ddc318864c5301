//! `pactum keygen`: a fresh Ed25519 signing key for `pactum serve
//! --signing-key`, and its public key.
//!
//! Rules: never overwrites a file (neither the key nor FILE.pub); the
//! secret key's file is created readable by its owner only.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the secret key (64 hex digits, readable by its
    /// owner only); the public key is written to FILE.pub.
    out: PathBuf,
}

/// Writes a fresh signing key to `out` (owner-only) and its public key to
/// `out.pub`; refuses to overwrite either.
pub fn run(args: Args) -> Result<()> {
    let out: &Path = &args.out;
    let public = PathBuf::from(format!("{}.pub", out.display()));
    for p in [out, public.as_path()] {
        if p.exists() {
            bail!("{}: already exists; not overwriting a key", p.display());
        }
    }
    let key = pactum_server::generate_signing_key();
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    let mut f = file
        .open(out)
        .with_context(|| format!("creating {}", out.display()))?;
    let hex_of = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    std::io::Write::write_all(&mut f, format!("{}\n", hex_of(&key.to_bytes())).as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    let public_hex = hex_of(&key.verifying_key().to_bytes());
    std::fs::write(&public, format!("{public_hex}\n"))
        .with_context(|| format!("writing {}", public.display()))?;
    println!("signing key: {} (keep it secret)", out.display());
    println!("public key:  {} ({public_hex})", public.display());
    Ok(())
}
