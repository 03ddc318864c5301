//! What the differential tests (`tests/differential*.rs`) share: a seeded
//! stream of draws, a random small scenario, a random game's session
//! created through the API, the session's export replayed by `pactum
//! verify`, and the engine's end as the simulator's runner states it.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::StatusCode;
use pactum_protocol::derive_seed;
use pactum_server::{Status, VerifyOptions, verify_file};

use pactum_core::Scenario;
use serde_json::{Value, json};

use super::{call, create_session, record_text};

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
    scenario_toml_over(d, parties, &ISSUES, [0.25, 0.5, 0.75], |w| {
        format!("a = {w}, b = {}", 1.0 - w)
    })
}

/// A random scenario over `issues` of `parties` negotiators, as TOML: each
/// negotiator's weight of the first issue drawn from `first_weights`
/// (`weights` writes the whole table from it), then its reservation value
/// and value tables.
pub fn scenario_toml_over(
    d: &mut Draws,
    parties: usize,
    issues: &[(&str, &[&str])],
    first_weights: [f64; 3],
    weights: impl Fn(f64) -> String,
) -> String {
    let mut t = String::from("name = \"diff\"\n");
    for (name, options) in issues {
        let opts: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
        t += &format!(
            "[[issues]]\nname = \"{name}\"\noptions = [{}]\n",
            opts.join(", ")
        );
    }
    for name in &NAMES[..parties] {
        let w = first_weights[d.below(3)];
        let reservation = [0.0, 0.2, 0.4, 0.6][d.below(4)];
        t += &format!(
            "[[parties]]\nname = \"{name}\"\nrole = \"negotiator\"\nreservation = {reservation}\nweights = {{ {} }}\n",
            weights(w)
        );
        for (issue, options) in issues {
            let vals: Vec<String> = options
                .iter()
                .map(|o| format!("{o} = {}", [0.0, 0.5, 1.0][d.below(3)]))
                .collect();
            t += &format!("values.{issue} = {{ {} }}\n", vals.join(", "));
        }
    }
    t
}

/// A session of a differential test, created through the API.
pub struct Game {
    /// How many negotiators it has.
    pub parties: usize,
    /// Its deadline in rounds.
    pub deadline: usize,
    /// Its scenario, as created.
    pub scenario: Scenario,
    /// The session id.
    pub id: String,
    /// The convener's admin token.
    pub admin: String,
    /// Each negotiator's token, in seat order.
    pub tokens: Vec<String>,
}

/// Draws a game (2 or 3 negotiators, a deadline of 2 to 4 rounds, the
/// scenario `scenario` writes from the draws) and creates its session under
/// `protocol`.
pub async fn start_game(
    app: &Router,
    d: &mut Draws,
    seed: u64,
    protocol: &str,
    scenario: impl FnOnce(&mut Draws, usize) -> String,
) -> Game {
    start_game_with(app, d, seed, json!({ "protocol": protocol }), scenario).await
}

/// [`start_game`] with the request's other fields (`protocol`, and any
/// option such as a single text's `mediator`) in `request`.
pub async fn start_game_with(
    app: &Router,
    d: &mut Draws,
    seed: u64,
    mut request: Value,
    scenario: impl FnOnce(&mut Draws, usize) -> String,
) -> Game {
    let parties = 2 + d.below(2);
    let deadline = 2 + d.below(3);
    let toml = scenario(d, parties);
    let sc = pactum_core::native::from_toml("diff", &toml)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{toml}"))
        .scenario;
    request["scenario_toml"] = json!(toml);
    request["deadline_rounds"] = json!(deadline);
    let created = create_session(app, request).await;
    let text = |v: &Value| v.as_str().unwrap().to_string();
    Game {
        parties,
        deadline,
        scenario: sc,
        id: text(&created["session_id"]),
        admin: text(&created["admin_token"]),
        tokens: (0..parties)
            .map(|s| text(&created["invitations"][s]["token"]))
            .collect(),
    }
}

/// Session `id`'s record, as its convener reads it.
pub async fn read_record(app: &Router, id: &str, admin: &str) -> Value {
    serde_json::from_str(&record_text(app, id, admin).await).unwrap()
}

/// A session's export that `pactum verify` replayed.
pub struct Replayed {
    /// The file it was written to.
    pub file: PathBuf,
    /// The export.
    pub export: Value,
    /// What the passing protocol replay check says.
    pub detail: String,
}

/// The third path: session `id`'s export, written under `dir` as
/// `name`, replays under `pactum verify`.
pub async fn export_replays(
    app: &Router,
    id: &str,
    admin: &str,
    dir: &Path,
    name: &str,
) -> Replayed {
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
    Replayed {
        file,
        export,
        detail: replay.detail.clone(),
    }
}

/// The engine's `end` as the simulator's runner states it (outcomes as ids
/// of the simulator's `space`).
pub fn runner_end(
    end: &pactum_protocol::End<Vec<u32>>,
    space: &pactum_sim::SimSpace,
) -> pactum_sim::End {
    use pactum_protocol::End;
    match end {
        End::Agreement(a) => pactum_sim::End::Agreement {
            outcome: space.encode(&a.outcome).unwrap(),
        },
        End::EndedBy { seat } => pactum_sim::End::Ended { seat: *seat },
        End::Deserted => pactum_sim::End::Deserted,
        End::Deadline { .. } => pactum_sim::End::Deadline,
    }
}
