//! A tournament's files: reading and writing its manifest, rows and
//! summaries ([`write_results`]), and putting shards back together
//! ([`merge`]). Every I/O error names its file.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::rows::{
    BilateralRow, Layout, Manifest, Row, SummaryRow, seat_header, seat_record, summarize,
};
use crate::error::SimError;

/// Writes `v` as pretty JSON and a newline.
pub(super) fn write_json<T: Serialize>(path: &Path, v: &T) -> Result<(), SimError> {
    let text = serde_json::to_string_pretty(v).map_err(|source| SimError::Json {
        path: path.to_path_buf(),
        line: None,
        source,
    })?;
    write_text(path, &(text + "\n"))
}

pub(super) fn write_text(path: &Path, text: &str) -> Result<(), SimError> {
    fs::write(path, text).map_err(SimError::io(path))
}

pub(super) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SimError> {
    let text = fs::read_to_string(path).map_err(SimError::io(path))?;
    serde_json::from_str(&text).map_err(|source| SimError::Json {
        path: path.to_path_buf(),
        line: None,
        source,
    })
}

/// Rows of a JSON Lines file; with `lenient`, a torn last line (an
/// interrupted write) is ignored.
pub(super) fn read_rows(path: &Path, layout: Layout, lenient: bool) -> Result<Vec<Row>, SimError> {
    let file = File::open(path).map_err(SimError::io(path))?;
    let mut rows = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(SimError::io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        match layout.parse(&line) {
            Ok(r) => rows.push(r),
            Err(_) if lenient => continue,
            Err(source) => {
                return Err(SimError::Json {
                    path: path.to_path_buf(),
                    line: Some(n + 1),
                    source,
                });
            }
        }
    }
    Ok(rows)
}

/// Writes the result files for `rows` (sorted by id) and returns the summary.
pub fn write_results(
    out: &Path,
    manifest: &Manifest,
    rows: &[Row],
) -> Result<Vec<SummaryRow>, SimError> {
    let layout = Layout::of(manifest);
    let mut jsonl = String::new();
    for r in rows {
        jsonl += &(layout.json(r)? + "\n");
    }
    write_text(&out.join("negotiations.jsonl"), &jsonl)?;
    let path = out.join("negotiations.csv");
    match layout {
        Layout::Bilateral => {
            let mut w = csv::Writer::from_path(&path).map_err(SimError::csv(&path))?;
            for r in rows {
                w.serialize(BilateralRow::of(r)?)
                    .map_err(SimError::csv(&path))?;
            }
            w.flush().map_err(SimError::io(&path))?;
        }
        Layout::Seats(n) => {
            let talk = rows.iter().any(|r| r.words.is_some());
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_path(&path)
                .map_err(SimError::csv(&path))?;
            w.write_record(seat_header(n, manifest.discount, talk))
                .map_err(SimError::csv(&path))?;
            for r in rows {
                w.serialize(seat_record(r, n, manifest.discount, talk))
                    .map_err(SimError::csv(&path))?;
            }
            w.flush().map_err(SimError::io(&path))?;
        }
    }
    let summary = summarize(&manifest.strategies, rows);
    let path = out.join("summary.csv");
    let mut w = csv::Writer::from_path(&path).map_err(SimError::csv(&path))?;
    for r in &summary {
        w.serialize(r).map_err(SimError::csv(&path))?;
    }
    w.flush().map_err(SimError::io(&path))?;
    write_json(&out.join("summary.json"), &summary)?;
    Ok(summary)
}

/// Combines shard folders into `out`, as one run of the whole tournament
/// would have written it.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<Vec<SummaryRow>, SimError> {
    let Some(first) = shards.first() else {
        return Err(SimError::Invalid(
            "merge needs at least one shard folder".into(),
        ));
    };
    let base: Manifest = read_json(&first.join("manifest.json"))?;
    let mut rows: BTreeMap<u64, Row> = BTreeMap::new();
    for dir in shards {
        let m: Manifest = read_json(&dir.join("manifest.json"))?;
        let unsharded = |m: &Manifest| Manifest {
            shard: None,
            ..m.clone()
        };
        if unsharded(&m) != unsharded(&base) {
            return Err(SimError::Invalid(format!(
                "{} is a shard of another tournament than {}",
                dir.display(),
                first.display()
            )));
        }
        let file = dir.join("negotiations.jsonl");
        if !file.exists() {
            return Err(SimError::Invalid(format!(
                "{}: no negotiations.jsonl (is this shard finished?)",
                dir.display()
            )));
        }
        for r in read_rows(&file, Layout::of(&base), false)? {
            rows.insert(r.id, r);
        }
    }
    if rows.len() as u64 != base.negotiations {
        return Err(SimError::Invalid(format!(
            "the shards hold {} of the tournament's {} negotiations; missing shards?",
            rows.len(),
            base.negotiations
        )));
    }
    fs::create_dir_all(out).map_err(SimError::io(out))?;
    let manifest = Manifest {
        shard: None,
        ..base
    };
    write_json(&out.join("manifest.json"), &manifest)?;
    let rows: Vec<Row> = rows.into_values().collect();
    write_results(out, &manifest, &rows)
}
