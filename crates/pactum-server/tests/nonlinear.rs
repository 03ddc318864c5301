//! A live session on an ANAC 2014 nonlinear domain (10^30 outcomes, too
//! many to enumerate): the session is accepted, a bot plays from outcomes
//! found by search and answers every package a person offers, and the
//! suggestions rest on the exact frontier that the hyper-rectangle branch
//! and bound finds without enumerating: each improves the standing offer
//! for both sides, by their exact utilities. Skipped when the shared
//! scenarios are absent.

mod common;

use std::path::Path;

use axum::http::StatusCode;
use common::{call, create_session, post_move};
use pactum_server::{Db, Record, router, script_of, verify_record};
use pactum_sim::script::replay;
use pactum_sim::{Deadline, Prepared};
use serde_json::{Map, Value, json};

fn scenario_toml() -> Option<(String, pactum_core::Scenario)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/scenarios/genius/anac/y2014/30issues");
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return None;
    }
    let scenario = pactum_core::io::load(&path, None).unwrap().scenario;
    Some((pactum_core::native::to_toml(&scenario).unwrap(), scenario))
}

/// Every issue at value `k`, except issue `i` at `j`.
fn package(scenario: &pactum_core::Scenario, k: i64, i: usize, j: i64) -> Value {
    let mut m = Map::new();
    for (n, issue) in scenario.issues().iter().enumerate() {
        m.insert(issue.name.clone(), json!(if n == i { j } else { k }));
    }
    Value::Object(m)
}

/// A package's utility for `party`, from the model.
fn utility(scenario: &pactum_core::Scenario, party: usize, offer: &Value) -> f64 {
    let outcome: Vec<u32> = scenario
        .issues()
        .iter()
        .map(|issue| {
            let v = offer[&issue.name].as_i64().unwrap();
            issue
                .index_of(&pactum_core::Value::Integer(v))
                .expect("a value of the issue")
        })
        .collect();
    let prefs = scenario.parties()[party].preferences.as_ref().unwrap();
    prefs.utility.utility(scenario.issues(), &outcome)
}

async fn a_bot_plays_a_session_on_a_searched_space(db: Db) {
    let Some((toml, scenario)) = scenario_toml() else {
        return;
    };
    let app = router(db);
    let created = create_session(
        &app,
        json!({"scenario_toml": toml, "protocol": "alternating_offers",
               "deadline_rounds": 12, "bots": {"profile-2": "boulware"}}),
    )
    .await;
    let id = created["session_id"].as_str().unwrap();
    let admin = created["admin_token"].as_str().unwrap();
    let person = created["invitations"][0]["token"].as_str().unwrap();
    let mut bot_offers = Vec::new();
    for round in 0..6 {
        let offer = package(&scenario, round % 10, round as usize, 9);
        let (status, r, text) =
            post_move(&app, id, person, json!({"kind": "offer", "offer": offer})).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let bot = &r["bot_moves"][0];
        assert_eq!(bot["party"], "profile-2", "{text}");
        if bot["kind"] == "accept" {
            break;
        }
        assert_eq!(bot["kind"], "offer", "{text}");
        bot_offers.push(bot["offer"].clone());
    }
    assert!(!bot_offers.is_empty());
    // Boulware concedes slowly from the best its search found: its offers'
    // utilities (exact) never rise and start high.
    let us: Vec<f64> = bot_offers
        .iter()
        .map(|o| utility(&scenario, 1, o))
        .collect();
    assert!(us[0] > 0.5, "{us:?}");
    assert!(us.windows(2).all(|w| w[1] <= w[0]), "{us:?}");

    // Suggestions rest on the exact frontier, found without enumerating.
    let (status, r, text) = call(
        &app,
        "POST",
        &format!("/sessions/{id}/suggestions"),
        Some(person),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let standing = bot_offers.last().unwrap();
    let (s0, s1) = (
        utility(&scenario, 0, standing),
        utility(&scenario, 1, standing),
    );
    assert_eq!(r["standing_offer_utility"].as_f64(), Some(s0), "{text}");
    let improving = r["improving"].as_array().unwrap();
    assert!(!improving.is_empty(), "{text}");
    for s in improving {
        let (u0, u1) = (
            utility(&scenario, 0, &s["offer"]),
            utility(&scenario, 1, &s["offer"]),
        );
        assert_eq!(s["my_utility"].as_f64(), Some(u0), "{text}");
        assert!(u0 >= s0 - 1e-9 && u1 >= s1 - 1e-9, "{text}");
        assert!(u0 > s0 + 1e-9 || u1 > s1 + 1e-9, "{text}");
    }
    assert!(!text.contains("profile-"), "names no party: {text}");

    // The person takes the bot's standing offer.
    let (status, r, text) = post_move(&app, id, person, json!({"kind": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(r["status"], "agreement", "{text}");

    let (status, _, text) = call(
        &app,
        "GET",
        &format!("/sessions/{id}/record"),
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    verify_record(&serde_json::from_str(&text).unwrap()).unwrap();

    // The record re-runs in the simulator: the person's packages, which no
    // search of the bot's found, are numbered before the script is read,
    // and the engine reaches the recorded agreement again.
    let record: Record = serde_json::from_str(&text).unwrap();
    let prepared = Prepared::new(scenario.clone()).unwrap();
    let (grown, run) = script_of(&record, &prepared).unwrap();
    assert!(grown.space.len() > prepared.space.len());
    assert_eq!(run.steps.len(), 2 * bot_offers.len() + 1);
    let again = replay(
        &grown,
        run.protocol,
        Deadline::steps(run.deadline_rounds as usize),
        run.mediator_seed,
        &run.steps,
    )
    .unwrap();
    let agreement = again.result.agreement.map(|a| grown.package(a));
    assert!(agreement.is_some());
    assert!(run.agrees_with(agreement.as_ref()));
    // Read again on the grown space, nothing more is numbered and the
    // steps are the same.
    let (twice, again) = script_of(&record, &grown).unwrap();
    assert_eq!(twice.space.len(), grown.space.len());
    assert_eq!(again.steps, run.steps);
}

on_both_backends!(a_bot_plays_a_session_on_a_searched_space);
