//! `llm` bots in live sessions, against loopback stand-in chat endpoints:
//! a person plays the car purchase against an `llm` dealer over HTTP (the
//! dealer answers each move with words, which the record keeps, the
//! messages list shows and the stream's `move` events carry, as they carry
//! the person's, and the export verifies); a model that has not
//! answered yet holds up neither the person's answer nor another session's
//! moves; a time limit passing while the model is asked ends the session
//! as usual; a turn left by a stopped server is taken up when it starts
//! again, with no client around; a server without a model refuses `llm`
//! seats.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use pactum_llm::stand_in::{Reply, StandIn, last_question};
use pactum_server::{LanguageModel, VerifyOptions, router, verify_file};
use serde_json::{Value, json};

const CAR_PURCHASE: &str = include_str!("../../../examples/car-purchase.toml");

/// The words the stand-ins offer with.
const OFFER_WORDS: &str = "How about this package?";

/// A stand-in endpoint: accepts whatever it may accept, else offers its
/// first candidate, with words each time (`offer_words` with an offer).
/// Before answering a request it reports it on `asked` and waits for a word
/// on `release` (if given). Returns its URL.
fn stand_in(
    asked: Option<tokio::sync::mpsc::UnboundedSender<()>>,
    release: Option<std::sync::mpsc::Receiver<()>>,
    offer_words: &'static str,
) -> String {
    let s = StandIn::start(move |_, request| {
        if let Some(asked) = &asked {
            let _ = asked.send(());
        }
        if let Some(release) = &release
            && release.recv().is_err()
        {
            return Reply::Close;
        }
        let content = if last_question(request).contains("you may accept it") {
            json!({"move": "accept", "candidate": 0, "message": "Agreed, thank you."})
        } else {
            json!({"move": "offer", "candidate": 1, "message": offer_words})
        };
        Reply::Content(content.to_string())
    });
    s.url().to_string()
}

/// A server on an in-memory SQLite database whose `llm` bots play through
/// the endpoint at `url`.
async fn server_with_model(url: &str) -> Router {
    let config = pactum_llm::Config::new(url, "stand-in").unwrap();
    let model = LanguageModel::new(config, "boulware").unwrap();
    router(sqlite().await.with_language_model(model))
}

/// A car purchase with the buyer a person and the dealer an `llm` bot:
/// (session id, admin token, buyer's token).
async fn car_purchase_with_llm_dealer(app: &Router, extra: Value) -> (String, String, String) {
    let mut request = json!({
        "scenario_toml": CAR_PURCHASE,
        "protocol": "alternating_offers",
        "deadline_rounds": 10,
        "bots": {"Dealer": "llm"},
    });
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    let created = create_session(app, request).await;
    assert_eq!(created["invitations"][0]["party"], "Buyer");
    assert_eq!(created["invitations"][1]["bot"], "llm");
    let s = |v: &Value| v.as_str().unwrap().to_string();
    (
        s(&created["session_id"]),
        s(&created["admin_token"]),
        s(&created["invitations"][0]["token"]),
    )
}

fn car(price: u32, warranty: u32, colour: &str, delivery: u32) -> Value {
    json!({"kind": "offer", "offer": {
        "price": price, "warranty": warranty, "colour": colour, "delivery": delivery}})
}

/// The next `move` (or end) event on the stream, skipping the others.
async fn next_move_event(stream: &mut Body, buf: &mut String) -> (String, Value) {
    loop {
        let (name, data) = next_event(stream, buf).await.expect("the stream is open");
        if ["move", "agreement", "ended"].contains(&name.as_str()) {
            return (name, data);
        }
    }
}

#[tokio::test]
async fn an_llm_dealer_answers_a_person_over_http_with_words_the_record_keeps() {
    dealer_answers_a_person(sqlite().await).await;
}

#[tokio::test]
async fn an_llm_dealer_answers_a_person_on_postgresql() {
    let Some(url) = postgres_url("an_llm_dealer_answers_a_person_on_postgresql").await else {
        return;
    };
    dealer_answers_a_person(pactum_server::connect(&url).await.unwrap()).await;
    drop_database(&url).await;
}

/// A person plays the car purchase over HTTP against an `llm` dealer on
/// the database `db`.
async fn dealer_answers_a_person(db: pactum_server::Db) {
    let (asked_tx, mut asked) = tokio::sync::mpsc::unbounded_channel();
    let url = stand_in(Some(asked_tx), None, OFFER_WORDS);
    let config = pactum_llm::Config::new(&url, "stand-in").unwrap();
    let app = router(db.with_language_model(LanguageModel::new(config, "boulware").unwrap()));
    let (id, admin, buyer) = car_purchase_with_llm_dealer(&app, json!({})).await;
    let mut stream = open_stream(&app, &id, &buyer, None).await;
    let mut buf = String::new();

    // An offer below the dealer's reservation value, with words to escape:
    // the model offers its first candidate instead.
    let words = "Is \"20,000\" <b>fair</b>?\nI think so.";
    let mut offer = car(20000, 3, "black", 1);
    offer["message"] = json!(words);
    let (status, answer, text) = post_move(&app, &id, &buyer, offer).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(answer["bot_moves"], json!([]), "the llm bot moves later");
    let (name, mine) = next_move_event(&mut stream, &mut buf).await;
    assert_eq!((name.as_str(), &mine["party"]), ("move", &json!("Buyer")));
    // The person's words travel with the move, as sent (JSON-escaped on
    // the wire, the same text once parsed).
    assert_eq!(mine["message"], words);
    let (name, theirs) = next_move_event(&mut stream, &mut buf).await;
    assert_eq!(name, "move");
    assert_eq!(theirs["party"], "Dealer");
    assert_eq!(theirs["kind"], "offer");
    assert!(theirs["offer"]["price"].as_f64().unwrap() >= 19000.0);
    assert_eq!(theirs["message"], OFFER_WORDS);

    // An offer the dealer may accept, without words: the model accepts it.
    let (status, _, text) = post_move(&app, &id, &buyer, car(21000, 1, "black", 4)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (name, mine) = next_move_event(&mut stream, &mut buf).await;
    assert_eq!((name.as_str(), &mine["party"]), ("move", &json!("Buyer")));
    assert!(mine.get("message").is_none(), "{mine}");
    let mut last = next_move_event(&mut stream, &mut buf).await;
    while last.0 == "move" {
        assert_eq!(last.1["party"], "Dealer");
        assert_eq!(last.1["kind"], "accept");
        assert_eq!(last.1["message"], "Agreed, thank you.");
        last = next_move_event(&mut stream, &mut buf).await;
    }
    assert_eq!(last.0, "agreement", "{:?}", last.1);
    assert_eq!(last.1["offer"]["price"], json!(21000.0));

    // The words are the record's and the messages list shows them.
    assert_eq!(
        words_of(&app, &id, &buyer).await,
        [
            ("Buyer".into(), "offer".into(), words.into()),
            ("Dealer".into(), "offer".into(), OFFER_WORDS.into()),
            (
                "Dealer".into(),
                "accept".into(),
                "Agreed, thank you.".into()
            ),
        ]
    );
    let record = record_text(&app, &id, &admin).await;
    assert!(
        record.contains("\"message\":\"Agreed, thank you.\""),
        "{record}"
    );
    // One question per move: rebuilt for its second move, the bot was not
    // asked about its first again.
    let mut questions = 0;
    while asked.try_recv().is_ok() {
        questions += 1;
    }
    assert_eq!(questions, 2);

    // The export verifies offline, as `pactum verify` checks it.
    let (status, export, text) = call(
        &app,
        "GET",
        &format!("/sessions/{id}/export"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let (_, report) = verify_file(&file, &VerifyOptions::default()).unwrap();
    assert!(report.verified, "{:?}", report.problems());
}

#[tokio::test]
async fn a_model_yet_to_answer_holds_up_no_other_move() {
    let (asked_tx, mut asked) = tokio::sync::mpsc::unbounded_channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let app = server_with_model(&stand_in(Some(asked_tx), Some(release_rx), OFFER_WORDS)).await;
    let (id, admin, buyer) = car_purchase_with_llm_dealer(&app, json!({})).await;
    let other = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 10}),
    )
    .await;

    // The person's move is answered while the model is still asked.
    let (status, _, text) = post_move(&app, &id, &buyer, car(20000, 3, "black", 1)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    asked.recv().await.expect("the model is asked");

    // Another session's moves go through meanwhile, and this session's
    // record and state can be read. (Were they held up until the model
    // answers, they would never complete: the stand-in answers only once
    // released below; the timeout turns that hang into a failure.)
    let meanwhile = async {
        let (status, _, text) = post_move(&app, &other.id, &other.alice, offer(3, "red")).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let (status, answer, text) = post_move(&app, &other.id, &other.bob, offer(2, "blue")).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(answer["status"], "open");
        let (status, _, text) = post_move(&app, &id, &buyer, car(20000, 3, "black", 1)).await;
        assert_eq!(status, StatusCode::CONFLICT, "not the buyer's turn: {text}");
        record_text(&app, &id, &admin).await
    };
    let record = tokio::time::timeout(std::time::Duration::from_secs(60), meanwhile)
        .await
        .expect("other moves complete while the model is asked");
    assert!(!record.contains("\"party\":\"Dealer\""), "{record}");

    // Once the model answers, the dealer's move comes.
    let mut stream = open_stream(&app, &id, &buyer, None).await;
    let mut buf = String::new();
    release.send(()).unwrap();
    loop {
        let (name, data) = next_move_event(&mut stream, &mut buf).await;
        assert_eq!(name, "move");
        if data["party"] == "Dealer" {
            assert_eq!(data["kind"], "offer");
            break;
        }
    }
}

#[tokio::test]
async fn the_time_limit_ends_a_session_while_its_model_is_asked() {
    let (asked_tx, mut asked) = tokio::sync::mpsc::unbounded_channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let app = server_with_model(&stand_in(Some(asked_tx), Some(release_rx), OFFER_WORDS)).await;
    let (id, admin, buyer) =
        car_purchase_with_llm_dealer(&app, json!({"deadline_seconds": 1})).await;
    let (status, _, text) = post_move(&app, &id, &buyer, car(20000, 3, "black", 1)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    asked.recv().await.expect("the model is asked");

    // The limit passes while the model is asked; a move finds it so.
    let mut stream = open_stream(&app, &id, &buyer, None).await;
    let mut buf = String::new();
    let mut refused = false;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let (status, _, text) = post_move(&app, &id, &buyer, car(20000, 3, "black", 1)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        if text.contains("time limit passed") {
            let (name, data) = next_move_event(&mut stream, &mut buf).await;
            if name == "ended" {
                assert_eq!(data["reason"], "time limit reached");
                refused = true;
                break;
            }
        }
    }
    assert!(refused, "the time limit never ended the session");

    let record = record_text(&app, &id, &admin).await;
    assert!(!record.contains("\"party\":\"Dealer\""), "{record}");
    release.send(()).unwrap();
}

/// The `message`s of the session's record, in order: (party, kind, words).
async fn words_of(app: &Router, id: &str, token: &str) -> Vec<(String, String, String)> {
    let (status, words, text) = call(
        app,
        "GET",
        &format!("/sessions/{id}/messages"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    words["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (s("party"), s("kind"), s("message"))
        })
        .collect()
}

/// Waits for the next request a stand-in reports; fails rather than hangs
/// when none comes.
async fn next_ask(asked: &mut tokio::sync::mpsc::UnboundedReceiver<()>, what: &str) {
    tokio::time::timeout(std::time::Duration::from_secs(60), asked.recv())
        .await
        .unwrap_or_else(|_| panic!("{what}"))
        .expect("the stand-in runs");
}

#[tokio::test]
async fn another_server_takes_up_the_turn_and_an_overtaken_decision_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pactum.db");
    two_servers(db.to_str().unwrap()).await;
}

#[tokio::test]
async fn two_servers_share_an_llm_bot_on_postgresql() {
    let Some(url) = postgres_url("two_servers_share_an_llm_bot_on_postgresql").await else {
        return;
    };
    two_servers(&url).await;
    drop_database(&url).await;
}

/// Two servers on the database `db`: the second takes up a turn the first
/// was deciding, and the first's overtaken decision is made again.
async fn two_servers(db: &str) {
    let model = |url: &str| {
        LanguageModel::new(
            pactum_llm::Config::new(url, "stand-in").unwrap(),
            "boulware",
        )
        .unwrap()
    };
    // The first server's model answers only when released.
    let (asked_tx, mut asked_first) = tokio::sync::mpsc::unbounded_channel();
    let (release_first, release_rx) = std::sync::mpsc::channel::<()>();
    let first = router(
        pactum_server::connect(db)
            .await
            .unwrap()
            .with_language_model(model(&stand_in(Some(asked_tx), Some(release_rx), "first"))),
    );
    let (id, admin, buyer) = car_purchase_with_llm_dealer(&first, json!({})).await;
    let below = car(20000, 3, "black", 1);
    let (status, _, text) = post_move(&first, &id, &buyer, below.clone()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    next_ask(&mut asked_first, "the first server asks its model").await;
    let buyers_move = record_of(&first, &id, &admin)
        .await
        .events
        .last()
        .unwrap()
        .seq;

    // A second server on the same database, told of nothing, takes the
    // turn up — at its start, or when the buyer's stream opens, whichever
    // comes first (its model answers once at once, then only when
    // released). The stream resumes after the buyer's move, so it shows
    // the dealer's either way.
    let (asked_tx, mut asked_second) = tokio::sync::mpsc::unbounded_channel();
    let (release_second, release_rx) = std::sync::mpsc::channel::<()>();
    release_second.send(()).unwrap();
    let second = router(
        pactum_server::connect(db)
            .await
            .unwrap()
            .with_language_model(model(&stand_in(Some(asked_tx), Some(release_rx), "second"))),
    );
    let after = buyers_move.to_string();
    let mut stream = open_stream(&second, &id, &buyer, Some(&after)).await;
    let mut buf = String::new();
    loop {
        let (name, data) = next_move_event(&mut stream, &mut buf).await;
        assert_eq!(name, "move");
        if data["party"] == "Dealer" {
            break;
        }
    }
    assert_eq!(
        words_of(&second, &id, &buyer).await,
        [("Dealer".into(), "offer".into(), "second".into())]
    );

    // The buyer moves again: the dealer's turn again, the second server's
    // model asked (and held).
    let (status, _, text) = post_move(&second, &id, &buyer, below).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    next_ask(&mut asked_second, "the second server asks its model again").await;

    // The first server's answer now comes, to a question about moves that
    // are no longer the session's: it is dropped, and the model asked again.
    release_first.send(()).unwrap();
    next_ask(
        &mut asked_first,
        "the overtaken decision was not made again",
    )
    .await;
    assert_eq!(
        words_of(&first, &id, &buyer).await.len(),
        1,
        "nothing committed"
    );
    // Its new decision is committed (by the first server, whose commits
    // the second server's streams do not hear of on SQLite: the record
    // tells).
    release_first.send(()).unwrap();
    let mut said = Vec::new();
    for _ in 0..600 {
        said = words_of(&second, &id, &buyer).await;
        if said.len() > 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        said,
        [
            ("Dealer".into(), "offer".into(), "second".into()),
            ("Dealer".into(), "offer".into(), "first".into()),
        ]
    );
    drop(release_second);
    drop(release_first);
}

#[tokio::test]
async fn a_restarted_server_takes_up_the_llm_bots_turn_without_any_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pactum.db");
    let db = db.to_str().unwrap();
    let model = |url: &str| {
        let config = pactum_llm::Config::new(url, "stand-in")
            .unwrap()
            .with_retries(0)
            .unwrap();
        LanguageModel::new(config, "boulware").unwrap()
    };
    // The first server asks its model, which has not answered when the
    // server stops.
    let (asked_tx, mut asked_first) = tokio::sync::mpsc::unbounded_channel();
    let (release_first, release_rx) = std::sync::mpsc::channel::<()>();
    let first = router(
        pactum_server::connect(db)
            .await
            .unwrap()
            .with_language_model(model(&stand_in(Some(asked_tx), Some(release_rx), "first"))),
    );
    let (id, admin, buyer) = car_purchase_with_llm_dealer(&first, json!({})).await;
    let (status, _, text) = post_move(&first, &id, &buyer, car(20000, 3, "black", 1)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    next_ask(&mut asked_first, "the first server asks its model").await;
    drop(first);

    // The server starts again on the same database: no stream opens, no
    // one moves, and the dealer moves all the same.
    let (asked_tx, mut asked_again) = tokio::sync::mpsc::unbounded_channel();
    let again = router(
        pactum_server::connect(db)
            .await
            .unwrap()
            .with_language_model(model(&stand_in(Some(asked_tx), None, "again"))),
    );
    next_ask(&mut asked_again, "the restarted server takes the turn up").await;
    let mut said = Vec::new();
    for _ in 0..600 {
        said = words_of(&again, &id, &buyer).await;
        if !said.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(said, [("Dealer".into(), "offer".into(), "again".into())]);
    // Asked once: the turn is the buyer's now.
    assert!(asked_again.try_recv().is_err());
    let record = record_text(&again, &id, &admin).await;
    assert_eq!(
        record.matches("\"party\":\"Dealer\"").count(),
        1,
        "{record}"
    );

    // Started once more, the server finds no llm turn to take up.
    let (asked_tx, mut asked_third) = tokio::sync::mpsc::unbounded_channel();
    let third = router(
        pactum_server::connect(db)
            .await
            .unwrap()
            .with_language_model(model(&stand_in(Some(asked_tx), None, "third"))),
    );
    // A move through it shows its start-up scan is over (it ran before
    // this request could, or found the buyer's turn): the buyer's next
    // offer gives the dealer the turn, asked once, by this server.
    let (status, _, text) = post_move(&third, &id, &buyer, car(20000, 3, "black", 2)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    next_ask(&mut asked_third, "the third server asks its model").await;
    let mut said = Vec::new();
    for _ in 0..600 {
        said = words_of(&third, &id, &buyer).await;
        if said.len() > 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        said,
        [
            ("Dealer".into(), "offer".into(), "again".into()),
            ("Dealer".into(), "offer".into(), "third".into()),
        ]
    );
    assert!(asked_third.try_recv().is_err(), "asked once");
    // The first server's question fails now; its fallback's decision is
    // about moves no longer the session's (the overtaken case of
    // `two_servers`).
    drop(release_first);
}

#[tokio::test]
async fn a_server_without_a_model_refuses_llm_seats() {
    let app = router(sqlite().await);
    let (status, body, text) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({
            "scenario_toml": CAR_PURCHASE,
            "protocol": "alternating_offers",
            "deadline_rounds": 10,
            "bots": {"Dealer": "llm"},
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("this server has no language model configured"),
        "{text}"
    );
}
