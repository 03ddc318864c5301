//! Resumption: a league played into a folder keeps its rows in
//! [`PARTIAL`] as they come in. Rules: the file's first line names the
//! league (name, settings, seed, strategies, number of negotiations, and
//! the shard when there is one) and a folder holding another league's (or
//! another shard's) partial file is refused; rows already in the file are
//! kept and never played again; a line cut short by an interruption is
//! dropped and its negotiation played again; the rows returned are the
//! same as a run in one go, whoever plays the negotiations still to play
//! ([`Plan::run_into`] in parallel, or the caller through [`Partial`]).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::plan::Plan;
use super::rows::LeagueRow;
use crate::error::SimError;
use crate::negotiator;
use crate::tournament::{Progress, in_shard};

/// The file in the output folder that keeps a running league's rows.
pub const PARTIAL: &str = "negotiations.jsonl.partial";

/// A league's partial file, open for appending: the rows it already held
/// (kept, never played again) and the negotiations still to play. Rows
/// played are handed to [`Partial::keep`] as they come in, and
/// [`Partial::close`] returns every row in number order.
pub struct Partial {
    path: PathBuf,
    kept: BTreeMap<u64, LeagueRow>,
    todo: Vec<u64>,
    writer: Mutex<BufWriter<File>>,
}

impl Partial {
    /// The negotiations still to play (of the plan's shard, if any), in
    /// number order.
    pub fn todo(&self) -> &[u64] {
        &self.todo
    }

    /// How many rows the file already held.
    pub fn kept(&self) -> usize {
        self.kept.len()
    }

    /// Appends a finished row to the file (flushed now and then, and at
    /// [`Partial::close`]); safe to call from several threads.
    pub fn keep(&self, row: &LeagueRow) -> Result<(), SimError> {
        let line = serde_json::to_string(row).map_err(|source| SimError::Json {
            path: self.path.clone(),
            line: None,
            source,
        })? + "\n";
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(line.as_bytes())
            .map_err(SimError::io(&self.path))?;
        if row.id.is_multiple_of(64) {
            w.flush().map_err(SimError::io(&self.path))?;
        }
        Ok(())
    }

    /// Flushes the file and returns the rows it held with `played` (the
    /// rows of [`Partial::todo`]), in number order.
    pub fn close(self, played: Vec<LeagueRow>) -> Result<Vec<LeagueRow>, SimError> {
        let Partial {
            path,
            mut kept,
            writer,
            ..
        } = self;
        writer
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .flush()
            .map_err(SimError::io(&path))?;
        for row in played {
            kept.insert(row.id, row);
        }
        Ok(kept.into_values().collect())
    }
}

impl Plan {
    /// Opens `out`'s [`PARTIAL`] file (creating the folder and the file,
    /// whose first line names the league: its name, settings, seed,
    /// strategies, number of negotiations and shard, if any), keeping the
    /// rows already in it (a last line cut short is dropped, its
    /// negotiation played again). A partial file of another league (or
    /// shard) is refused ([`SimError::OtherLeague`]).
    pub fn open_partial(&self, out: &Path) -> Result<Partial, SimError> {
        std::fs::create_dir_all(out).map_err(SimError::io(out))?;
        let partial = out.join(PARTIAL);
        let mut head = serde_json::json!({
            "league": self.settings.league().name(),
            "settings": &self.settings,
            "seed": self.seed,
            "strategies": &self.strategies,
            "negotiations": self.negotiations(),
        });
        if let Some(shard) = self.shard {
            head["shard"] = serde_json::json!(shard);
        }
        let mut kept: BTreeMap<u64, LeagueRow> = BTreeMap::new();
        let text = match std::fs::read_to_string(&partial) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(SimError::io(&partial)(e)),
        };
        let mut lines = text.lines();
        let resumed = match lines.next().map(serde_json::from_str::<serde_json::Value>) {
            Some(Ok(old)) if old != head => {
                return Err(SimError::OtherLeague {
                    folder: out.to_path_buf(),
                });
            }
            Some(Ok(_)) => true,
            // No file, or a first line cut short: start afresh.
            _ => false,
        };
        if resumed {
            for line in lines {
                // A line cut short by an interruption is played again.
                if let Ok(row) = serde_json::from_str::<LeagueRow>(line)
                    && (row.id as usize) < self.negotiations()
                    && in_shard(self.shard, row.id)
                {
                    kept.insert(row.id, row);
                }
            }
        } else {
            std::fs::write(&partial, head.to_string() + "\n").map_err(SimError::io(&partial))?;
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&partial)
            .map_err(SimError::io(&partial))?;
        let mut writer = BufWriter::new(file);
        if !text.is_empty() && resumed && !text.ends_with('\n') {
            // Whatever was cut short stays on its own line.
            writer.write_all(b"\n").map_err(SimError::io(&partial))?;
        }
        let todo: Vec<u64> = self
            .mine()
            .into_iter()
            .filter(|id| !kept.contains_key(id))
            .collect();
        Ok(Partial {
            path: partial,
            kept,
            todo,
            writer: Mutex::new(writer),
        })
    }

    /// [`Plan::run`] keeping each finished row in `out`'s [`PARTIAL`] file
    /// as it comes in ([`Plan::open_partial`]), so that a run interrupted
    /// there resumes: the rows already in the file are kept and only the
    /// others are played; `progress` starts from the rows kept.
    /// [`super::write`] removes the file once the league's files are
    /// written.
    pub fn run_into(
        &self,
        out: &Path,
        builder: &negotiator::Builder,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<LeagueRow>, SimError> {
        for s in &self.strategies {
            builder.check(s)?;
        }
        let partial = self.open_partial(out)?;
        let played = self.play_ids(
            partial.todo(),
            partial.kept() as u64,
            builder,
            threads,
            progress,
            &|row| partial.keep(row),
        )?;
        partial.close(played)
    }
}
