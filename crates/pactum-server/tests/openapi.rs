//! The OpenAPI document says what the server does: every security scheme an
//! operation names is defined (bearer tokens: a negotiator's party token, a
//! mediator's or observer's viewer token, the convener's admin token), each
//! operation accepts exactly the kinds of token it lists, and the vote reply
//! carries the `seq` every other move's reply has, in the document and in
//! the answer.

mod common;

use std::collections::BTreeSet;

use axum::Router;
use axum::http::StatusCode;
use common::{Tokens, call, create_mediated, record_of, subscribe};
use pactum_server::router;
use serde_json::{Value, json};

const SCENARIO: &str = mediated_deal!("Documented deal");

async fn document(app: &Router) -> Value {
    let (status, doc, text) = call(app, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    doc
}

/// Every (path, method, operation) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((path.clone(), method.to_uppercase(), op.clone()));
        }
    }
    out
}

/// The schemes an operation (or the document) requires, any of them.
fn schemes_of(security: &Value) -> BTreeSet<String> {
    security
        .as_array()
        .map(|alternatives| {
            alternatives
                .iter()
                .flat_map(|a| a.as_object().unwrap().keys().cloned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_security_scheme_named_is_defined_as_a_bearer_token() {
    let app = router(common::sqlite().await);
    let doc = document(&app).await;
    let defined = &doc["components"]["securitySchemes"];
    let mut named = schemes_of(&doc["security"]);
    for (path, method, op) in operations(&doc) {
        let schemes = schemes_of(&op["security"]);
        for s in &schemes {
            assert!(
                defined[s].is_object(),
                "{method} {path} names the undefined security scheme {s:?}"
            );
        }
        named.extend(schemes);
    }
    assert_eq!(
        named,
        BTreeSet::from(
            [
                "admin_token",
                "mediator_token",
                "party_token",
                "viewer_token"
            ]
            .map(String::from)
        )
    );
    for s in &named {
        let scheme = &defined[s];
        assert_eq!(scheme["type"], "http", "{s}");
        assert_eq!(
            scheme["scheme"].as_str().unwrap().to_lowercase(),
            "bearer",
            "{s}"
        );
        assert!(
            scheme["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{s} has no description"
        );
    }
}

/// Whether a schema (following `$ref`s and `allOf`) requires `field`.
fn requires(doc: &Value, schema: &Value, field: &str) -> bool {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return requires(doc, &doc["components"]["schemas"][name], field);
    }
    let here = schema["required"]
        .as_array()
        .is_some_and(|r| r.iter().any(|f| f == field))
        && schema["properties"][field].is_object();
    here || schema["allOf"]
        .as_array()
        .is_some_and(|parts| parts.iter().any(|p| requires(doc, p, field)))
}

fn reply_schema(doc: &Value, path: &str, method: &str) -> Value {
    doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"].clone()
}

#[tokio::test]
async fn the_vote_reply_has_a_seq_like_every_move() {
    let app = router(common::sqlite().await);
    let doc = document(&app).await;
    let vote = reply_schema(&doc, "/sessions/{id}/votes", "post");
    let mv = reply_schema(&doc, "/sessions/{id}/moves", "post");
    assert!(requires(&doc, &mv, "seq"), "{mv}");
    assert!(
        requires(&doc, &vote, "seq"),
        "the vote reply lacks seq: {vote}"
    );

    // And the answer has it: the seq of the vote in the record (which
    // shows a proposal's votes once everyone has voted on it).
    let (t, _) = create_mediated(&app, SCENARIO, "single_text", 10).await;
    let votes = format!("/sessions/{}/votes", t.id);
    let mut cast = Vec::new();
    for (who, token) in [("Alice", &t.alice), ("Bob", &t.bob)] {
        let (status, reply, text) = call(
            &app,
            "POST",
            &votes,
            Some(token),
            Some(json!({"accept": true})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let seq = reply["seq"]
            .as_u64()
            .unwrap_or_else(|| panic!("no seq: {text}"));
        cast.push((who, seq));
    }
    let record = record_of(&app, &t.id, &t.admin).await;
    for (who, seq) in cast {
        let entry = record.events.iter().find(|e| e.seq == seq).unwrap();
        assert_eq!(entry.event["type"], "vote", "{:?}", entry.event);
        assert_eq!(entry.event["party"], who, "{:?}", entry.event);
    }
}

/// The status of `method path` by `token` (an event stream is only opened).
async fn status_of(app: &Router, method: &str, path: &str, token: &str, id: &str) -> StatusCode {
    if path == "/sessions/{id}/events" {
        return subscribe(app, id, Some(token)).await.0;
    }
    let uri = path.replace("{id}", id);
    let body = matches!(method, "POST" | "PUT").then(|| json!({}));
    call(app, method, &uri, Some(token), body).await.0
}

#[tokio::test]
async fn each_operation_accepts_exactly_the_tokens_it_lists() {
    let app = router(common::sqlite().await);
    let doc = document(&app).await;
    let (t, _): (Tokens, _) = create_mediated(&app, SCENARIO, "alternating_offers", 10).await;
    let kinds = [
        ("party_token", "a negotiator", t.alice.clone()),
        ("viewer_token", "the mediator", t.mira.clone()),
        ("viewer_token", "an observer", t.otto.clone()),
        ("admin_token", "the convener", t.admin.clone()),
    ];
    let mut checked = 0;
    for (path, method, op) in operations(&doc) {
        let listed = schemes_of(&op["security"]);
        if listed.is_empty() {
            continue;
        }
        for (scheme, who, token) in &kinds {
            let status = status_of(&app, &method, &path, token, &t.id).await;
            let let_in = !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
            // The mediator's viewer token is also the mediator_token.
            let holds = listed.contains(*scheme)
                || (*who == "the mediator" && listed.contains("mediator_token"));
            assert_eq!(
                let_in, holds,
                "{method} {path} lists {listed:?}; {who}'s {scheme} got {status}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 4 * 12, "only {checked} checks");
}

/// Every operation that runs a heavy analysis (suggestions, the mediator's
/// utility space, the agreement certificate, and the export that closes the
/// record with it) documents the server's analysis limits: 422 when the
/// work does not fit the budget or its deadline, 503 when every analysis
/// worker is busy.
#[tokio::test]
async fn operations_that_analyse_document_the_analysis_limits() {
    let app = router(common::sqlite().await);
    let doc = document(&app).await;
    for (path, method) in [
        ("/sessions/{id}/suggestions", "post"),
        ("/sessions/{id}/mediator", "get"),
        ("/sessions/{id}/certificate", "get"),
        ("/sessions/{id}/export", "get"),
    ] {
        let responses = &doc["paths"][path][method]["responses"];
        for status in ["422", "503"] {
            assert!(
                responses.get(status).is_some(),
                "{method} {path} does not document {status}: {responses}"
            );
        }
    }
}
