//! What the differential tests (`tests/differential*.rs`) share: a seeded
//! stream of draws, a random small scenario, and the last of the three
//! paths — the session's export replayed by `pactum verify`.

use std::path::Path;

use axum::Router;
use axum::http::StatusCode;
use pactum_protocol::derive_seed;
use pactum_server::{Status, VerifyOptions, verify_file};

use super::call;

/// A deterministic stream of draws from a seed (the engine's seed mixing).
pub struct Draws {
    seed: u64,
    n: u64,
}

impl Draws {
    /// The stream of `seed`.
    pub fn new(seed: u64) -> Self {
        Draws { seed, n: 0 }
    }

    /// The next draw in `0..k`.
    pub fn below(&mut self, k: usize) -> usize {
        self.n += 1;
        (derive_seed(self.seed, self.n) % k as u64) as usize
    }
}

/// Two small issues.
pub const ISSUES: [(&str, &[&str]); 2] = [("a", &["x", "y", "z"]), ("b", &["p", "q"])];
/// The negotiators' names, in seat order.
pub const NAMES: [&str; 3] = ["P0", "P1", "P2"];

/// A random scenario over [`ISSUES`] of `parties` negotiators, as TOML:
/// random weights, reservation values and value tables.
pub fn scenario_toml(d: &mut Draws, parties: usize) -> String {
    let mut t = String::from("name = \"diff\"\n");
    for (name, options) in ISSUES {
        let opts: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
        t += &format!(
            "[[issues]]\nname = \"{name}\"\noptions = [{}]\n",
            opts.join(", ")
        );
    }
    for name in &NAMES[..parties] {
        let w = [0.25, 0.5, 0.75][d.below(3)];
        let reservation = [0.0, 0.2, 0.4, 0.6][d.below(4)];
        t += &format!(
            "[[parties]]\nname = \"{name}\"\nrole = \"negotiator\"\nreservation = {reservation}\nweights = {{ a = {w}, b = {} }}\n",
            1.0 - w
        );
        for (issue, options) in ISSUES {
            let vals: Vec<String> = options
                .iter()
                .map(|o| format!("{o} = {}", [0.0, 0.5, 1.0][d.below(3)]))
                .collect();
            t += &format!("values.{issue} = {{ {} }}\n", vals.join(", "));
        }
    }
    t
}

/// The third path: session `id`'s export, written under `dir` as
/// `name`, replays under `pactum verify`.
pub async fn export_replays(app: &Router, id: &str, admin: &str, dir: &Path, name: &str) {
    let (status, export, text) = call(
        app,
        "GET",
        &format!("/sessions/{id}/export"),
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let file = dir.join(name);
    std::fs::write(&file, export.to_string()).unwrap();
    let report = verify_file(&file, &VerifyOptions::default()).unwrap().1;
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::Passed, "{name}: {report:#?}");
}
