//! Scenarios uploaded as a zipped GENIUS folder (`scenario_zip_base64`):
//! loaded, stored as native TOML, and unsafe or oversized archives refused.

mod common;

use std::io::Write;

use axum::Router;
use axum::http::StatusCode;
use base64::Engine;
use common::call;
use pactum_server::{Db, router};
use serde_json::{Value, json};

const DOMAIN: &str = r#"<negotiation_template number_of_sessions="1">
  <utility_space number_of_issues="2">
    <objective index="0" etype="objective" type="objective" description="" name="Holiday">
      <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Place">
        <item index="1" value="beach"/>
        <item index="2" value="city"/>
      </issue>
      <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Days">
        <item index="1" value="short"/>
        <item index="2" value="long"/>
      </issue>
    </objective>
  </utility_space>
</negotiation_template>
"#;

fn profile(beach: u32, city: u32, short: u32, long: u32, w_place: f64) -> String {
    format!(
        r#"<utility_space number_of_issues="2">
  <objective index="0" etype="objective" type="objective" description="" name="Holiday">
    <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Place">
      <item index="1" value="beach" evaluation="{beach}"/>
      <item index="2" value="city" evaluation="{city}"/>
    </issue>
    <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Days">
      <item index="1" value="short" evaluation="{short}"/>
      <item index="2" value="long" evaluation="{long}"/>
    </issue>
    <weight index="1" value="{w_place}"/>
    <weight index="2" value="{}"/>
  </objective>
  <reservation value="0.25"/>
</utility_space>
"#,
        1.0 - w_place
    )
}

/// A zip of `(name, contents)` entries, base64.
fn zip_b64(files: &[(&str, Vec<u8>)]) -> String {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn holiday() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("holiday/holiday-domain.xml", DOMAIN.as_bytes().to_vec()),
        ("holiday/ann.xml", profile(2, 1, 1, 2, 0.6).into_bytes()),
        ("holiday/ben.xml", profile(1, 2, 2, 1, 0.3).into_bytes()),
        ("holiday/README.txt", b"not a scenario file".to_vec()),
        ("__MACOSX/holiday/._ann.xml", b"\0\0junk".to_vec()),
    ]
}

async fn post(
    app: &Router,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    let method = if body.is_some() { "POST" } else { "GET" };
    call(app, method, uri, token, body).await
}

async fn create_zip(app: &Router, zip: String) -> (StatusCode, Value, String) {
    post(
        app,
        "/sessions",
        None,
        Some(json!({"scenario_zip_base64": zip, "protocol": "alternating_offers", "deadline_rounds": 5})),
    )
    .await
}

async fn genius_folder_zip_becomes_a_session(db: Db) {
    let app = router(db);
    let (status, b, text) = create_zip(&app, zip_b64(&holiday())).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let parties: Vec<&str> = b["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["ann", "ben"]);
    let id = b["session_id"].as_str().unwrap();
    // Ann's own preferences, read from her GENIUS profile (evaluations
    // normalised by the largest: beach 1, city 0.5).
    let ann = b["invitations"][0]["token"].as_str().unwrap();
    let (status, me, text) = post(&app, &format!("/sessions/{id}/me"), Some(ann), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(me["preferences"]["issues"][0]["issue"], "Place");
    assert_eq!(me["preferences"]["issues"][0]["weight"], 0.6);
    assert_eq!(me["preferences"]["issues"][0]["values"][0]["utility"], 1.0);
    assert_eq!(me["preferences"]["issues"][0]["values"][1]["utility"], 0.5);
    assert_eq!(me["preferences"]["reservation_value"], 0.25);
    // Stored as native TOML, which the export (once finished) carries.
    let (status, _, text) = post(
        &app,
        &format!("/sessions/{id}/moves"),
        Some(ann),
        Some(json!({"kind": "end"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let admin = b["admin_token"].as_str().unwrap();
    let (_, export, _) = post(&app, &format!("/sessions/{id}/export"), Some(admin), None).await;
    let toml = export["scenario_toml"].as_str().unwrap_or_default();
    let loaded = pactum_core::native::from_toml("stored", toml).unwrap();
    assert_eq!(loaded.scenario.issues().len(), 2);
    assert_eq!(loaded.scenario.parties()[1].name, "ben");
}

async fn unsafe_or_bad_archives_are_refused(db: Db) {
    let app = router(db);
    let refused = |files: Vec<(&'static str, Vec<u8>)>, want: &'static str| (zip_b64(&files), want);
    let mut dup = holiday();
    dup.push(("other/ann.xml", profile(1, 1, 1, 1, 0.5).into_bytes()));
    let mut traversal = holiday();
    traversal.push(("../../evil.xml", DOMAIN.as_bytes().to_vec()));
    let mut absolute = holiday();
    absolute.push(("/etc/evil.xml", DOMAIN.as_bytes().to_vec()));
    let mut bomb = holiday();
    bomb.push(("holiday/huge.xml", vec![b' '; 9 * 1024 * 1024]));
    let cases = vec![
        refused(traversal, "leaves the archive"),
        refused(absolute, "leaves the archive"),
        refused(dup, "two files named"),
        refused(bomb, "unpack to more than"),
        refused(
            vec![("notes.txt", b"hello".to_vec())],
            "no .xml or .json files",
        ),
        refused(
            vec![("holiday-domain.xml", DOMAIN.as_bytes().to_vec())],
            "scenario_zip_base64",
        ),
        ("not base64!".to_string(), "not base64"),
        (
            base64::engine::general_purpose::STANDARD.encode(b"PK but not a zip"),
            "not a zip",
        ),
    ];
    for (zip, want) in cases {
        assert!(zip.len() < 200 * 1024, "{want}: test archive too large");
        let (status, b, text) = create_zip(&app, zip).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{want}: {text}");
        let err = b["error"].as_str().unwrap();
        assert!(err.contains(want), "{want}: {err}");
        assert!(!err.contains("/tmp/"), "temporary path leaked: {err}");
    }
    // Exactly one of the two scenario fields.
    let (status, _, _) = post(
        &app,
        "/sessions",
        None,
        Some(json!({"scenario_toml": "name = \"x\"", "scenario_zip_base64": zip_b64(&holiday()), "protocol": "alternating_offers", "deadline_rounds": 5})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = post(
        &app,
        "/sessions",
        None,
        Some(json!({"protocol": "alternating_offers", "deadline_rounds": 5})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The GeniusWeb folder of pactum-core's tests (a domain and two profiles).
async fn geniusweb_folder_zip_becomes_a_session(db: Db) {
    let app = router(db);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pactum-core/tests/data/geniusweb/golden");
    let files: Vec<(&str, Vec<u8>)> = ["fruitdeal.json", "buyer.json", "seller.json"]
        .into_iter()
        .map(|f| (f, std::fs::read(dir.join(f)).unwrap()))
        .collect();
    let (status, b, text) = create_zip(&app, zip_b64(&files)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(b["invitations"].as_array().unwrap().len(), 2, "{text}");
}

/// Upper-case `.XML` names (as archives made on some systems carry them)
/// are read like lower-case ones.
async fn upper_case_xml_names_are_read(db: Db) {
    let app = router(db);
    let files = vec![
        ("HOLIDAY/HOLIDAY-DOMAIN.XML", DOMAIN.as_bytes().to_vec()),
        ("HOLIDAY/ANN.XML", profile(2, 1, 1, 2, 0.6).into_bytes()),
        ("HOLIDAY/Ben.Xml", profile(1, 2, 2, 1, 0.3).into_bytes()),
    ];
    let (status, b, text) = create_zip(&app, zip_b64(&files)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let parties: Vec<&str> = b["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["ANN", "Ben"]);
}

on_both_backends!(
    upper_case_xml_names_are_read,
    genius_folder_zip_becomes_a_session,
    geniusweb_folder_zip_becomes_a_session,
    unsafe_or_bad_archives_are_refused,
);
