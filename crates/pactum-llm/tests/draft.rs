//! Drafting against a loopback stand-in endpoint with scripted answers: a
//! good draft; quotes that are not in the article (dropped and flagged); a
//! draft the validator refuses, repaired once; one still refused after the
//! repair (its parts commented out); answers that are not JSON; an
//! endpoint that never answers or is not there.

use std::time::Duration;

use pactum_llm::draft::{DraftError, DraftOptions, draft};
use pactum_llm::stand_in::{Reply, StandIn};
use pactum_llm::{Client, Config, LlmError};
use serde_json::{Value, json};

const ARTICLE: &str = "Northland and Southland met in Geneva for talks on water. The talks were hosted by Switzerland, with Foreign Minister Anna Berg presiding.
Northland demands a full share of the river's water. Southland refuses any deal that gives up its dam.
Both sides discussed the dam's future: it could be kept, shared or removed.";

/// A stand-in answering the requests in order (the last reply repeats).
fn stand_in(replies: Vec<Reply>) -> StandIn {
    StandIn::replying(replies)
}

fn client(url: &str) -> Client {
    Client::new(
        Config::new(url, "stand-in")
            .unwrap()
            .with_timeout(Duration::from_secs(1))
            .unwrap()
            .with_retries(0)
            .unwrap(),
    )
}

fn options() -> DraftOptions {
    DraftOptions {
        article_name: "water.txt".into(),
        ..DraftOptions::default()
    }
}

fn parties() -> Value {
    json!({"title": "Water talks", "parties": [
        {"name": "Northland", "role": "negotiator", "people": [], "source": "Northland and Southland met in Geneva for talks on water."},
        {"name": "Southland", "role": "negotiator", "people": [], "source": "Northland and Southland met in Geneva"},
        {"name": "Switzerland", "role": "mediator", "people": ["Anna Berg"], "source": "The talks were hosted by Switzerland"},
    ]})
}

fn issues() -> Value {
    json!({"issues": [
        {"name": "water", "source": "talks on water", "options": [
            {"name": "full-share", "source": "a full share of the river's water"},
            {"name": "half-share", "source": "talks on water"}]},
        {"name": "dam", "source": "Both sides discussed the dam's future", "options": [
            {"name": "kept", "source": "it could be kept"},
            {"name": "shared", "source": "shared"},
            {"name": "removed", "source": "removed"}]},
    ]})
}

fn stances() -> Value {
    json!({
        "positions": [{"party": "Northland", "issue": "water", "position": "a full share", "source": "Northland demands a full share of the river's water."}],
        "red_lines": [{"party": "Southland", "issue": "dam", "options": ["removed"], "source": "Southland refuses any deal that gives up its dam."}],
    })
}

fn estimate(water_weight: f64) -> Value {
    json!({"reservation": 0.3, "weights": {"water": water_weight, "dam": 0.3},
           "values": {"water": {"full-share": 1.0, "half-share": 0.4}, "dam": {"kept": 0.2, "shared": 0.6, "removed": 1.0}}})
}

fn c(v: Value) -> Reply {
    Reply::Content(v.to_string())
}

fn good() -> Vec<Reply> {
    vec![
        c(parties()),
        c(issues()),
        c(stances()),
        c(estimate(0.7)),
        c(estimate(0.6)),
    ]
}

/// The whole draft as a repair returns it, Southland's water weight given.
fn whole(southland_water: f64) -> Value {
    let est = |party: &str, w: f64| {
        json!({"party": party, "reservation": 0.3, "issues": [
            {"issue": "water", "weight": w, "values": [{"option": "full-share", "value": 1.0}, {"option": "half-share", "value": 0.4}]},
            {"issue": "dam", "weight": 0.3, "values": [{"option": "kept", "value": 0.2}, {"option": "shared", "value": 0.6}, {"option": "removed", "value": 1.0}]},
        ]})
    };
    json!({
        "title": "Water talks",
        "parties": parties()["parties"],
        "issues": issues()["issues"],
        "positions": stances()["positions"],
        "red_lines": stances()["red_lines"],
        "estimates": [est("Northland", 0.7), est("Southland", southland_water)],
    })
}

#[test]
fn a_good_draft_is_written_sourced_and_loads() {
    let s = stand_in(good());
    let d = draft(&client(s.url()), ARTICLE, &options()).unwrap();
    let r = &d.report;
    assert!(r.loads, "{}", d.toml);
    assert_eq!(r.parties, ["Northland", "Southland", "Switzerland"]);
    assert_eq!(r.issues, ["water", "dam"]);
    assert_eq!((r.positions, r.red_lines, r.estimates), (1, 1, 2));
    assert!(r.flagged.is_empty() && r.dropped.is_empty() && r.sent_back.is_empty());
    assert_eq!(r.requests, 5);
    let loaded = pactum_core::native::from_toml("draft", &d.toml).unwrap();
    assert_eq!(loaded.scenario.negotiators().len(), 2);
    assert!(d.toml.contains("representative = \"Anna Berg\""));
    assert!(d.toml.contains(
        "source (line 2): \u{201c}Southland refuses any deal that gives up its dam.\u{201d}"
    ));
    assert!(d.toml.contains("ESTIMATE"));
    // The requests carried the schemas, the article and, for the
    // estimates, the names drafted before.
    let requests = s.requests();
    assert_eq!(
        requests[0]["response_format"]["json_schema"]["name"],
        "draft_parties"
    );
    assert!(
        requests[0]["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("Anna Berg presiding")
    );
    let estimate = requests[3]["response_format"]["json_schema"]["schema"].to_string();
    assert!(estimate.contains("full-share") && estimate.contains("removed"));
}

#[test]
fn quotes_not_in_the_article_are_dropped_and_flagged() {
    let mut p = parties();
    p["parties"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Eastland", "role": "observer", "people": ["Max Ode"], "source": "Eastland joined the talks."}));
    let mut st = stances();
    st["positions"].as_array_mut().unwrap().push(json!({"party": "Southland", "issue": "water", "position": "no share", "source": "Southland will never share water."}));
    let s = stand_in(vec![
        c(p),
        c(issues()),
        c(st),
        c(estimate(0.7)),
        c(estimate(0.6)),
    ]);
    let d = draft(&client(s.url()), ARTICLE, &options()).unwrap();
    let r = &d.report;
    assert!(r.loads);
    let quotes: Vec<&str> = r.flagged.iter().map(|f| f.quote.as_str()).collect();
    assert!(quotes.contains(&"Eastland joined the talks."), "{quotes:?}");
    assert!(quotes.contains(&"Southland will never share water."));
    assert!(quotes.contains(&"Max Ode"));
    assert_eq!(r.positions, 1, "the unsourced position is dropped");
    assert!(
        r.dropped
            .iter()
            .any(|x| x.item.contains("Southland") && x.reason.contains("not in the article"))
    );
    assert!(d.toml.contains("FLAGGED: no source; the quote the model gave is not in the article: \u{201c}Eastland joined the talks.\u{201d}"));
    assert!(!d.toml.contains("representative = \"Max Ode\""));
    // Every quote written as a source is in the article.
    for line in d.toml.lines().filter(|l| l.contains("source (line")) {
        for piece in line.split("source (line ").skip(1) {
            let quote = piece
                .split('\u{201c}')
                .nth(1)
                .unwrap()
                .split('\u{201d}')
                .next()
                .unwrap();
            assert!(
                pactum_llm::grounding::find_quote(ARTICLE, quote).is_some(),
                "{quote}"
            );
        }
    }
}

#[test]
fn a_refused_draft_goes_back_once_and_the_repair_is_kept() {
    let mut replies = good();
    replies[2] = c(json!({"positions": [], "red_lines": replies_red_lines()}));
    replies.push(c(whole(0.6)));
    let s = stand_in(replies);
    let d = draft(&client(s.url()), ARTICLE, &options()).unwrap();
    let r = &d.report;
    assert_eq!(r.sent_back.len(), 1, "{:?}", r.sent_back);
    assert!(r.sent_back[0].contains("red line of \"Northland\" on \"dam\""));
    assert!(r.repair_used && r.left_out.is_empty() && r.loads);
    assert_eq!((r.parties.len(), r.red_lines), (3, 1));
    assert_eq!(r.requests, 6);
    let requests = s.requests();
    let repair = requests[5]["messages"][1]["content"].as_str().unwrap();
    assert!(repair.contains("THE SCENARIO VALIDATOR REFUSED") && repair.contains("full-share"));
    assert_eq!(
        requests[5]["response_format"]["json_schema"]["name"],
        "draft_scenario"
    );
}

#[test]
fn what_the_repair_does_not_fix_is_commented_out_and_reported() {
    let mut replies = good();
    replies[2] = c(json!({"positions": [], "red_lines": replies_red_lines()}));
    // A weight off the grid 0, 0.1, …, 1 breaks the estimate's schema,
    // twice: Southland has no estimate.
    replies[4] = c(estimate(-0.5));
    replies.insert(5, c(estimate(-0.5)));
    let mut repaired = whole(0.6);
    repaired["red_lines"] = replies_red_lines();
    repaired["estimates"].as_array_mut().unwrap().truncate(1);
    replies.push(c(repaired));
    let s = stand_in(replies);
    let d = draft(&client(s.url()), ARTICLE, &options()).unwrap();
    let r = &d.report;
    assert!(r.loads, "{}", d.toml);
    assert_eq!(r.requests, 7);
    assert!(r.failed_steps[0].error.contains("breaks the schema"));
    assert_eq!(r.parties, ["Northland", "Switzerland"]);
    let items: Vec<&str> = r.left_out.iter().map(|l| l.item.as_str()).collect();
    assert_eq!(
        items,
        [
            "red line of \"Northland\" on \"dam\"",
            "party \"Southland\""
        ]
    );
    assert!(
        r.left_out[1].error.contains("needs preferences"),
        "{}",
        r.left_out[1].error
    );
    assert!(
        d.toml
            .contains("# LEFT OUT (the scenario validator refused it)")
    );
    assert!(d.toml.contains("# name = \"Southland\""));
    assert!(d.toml.contains("# values = [\"full-share\"]"));
    let loaded = pactum_core::native::from_toml("draft", &d.toml).unwrap();
    assert_eq!(loaded.scenario.parties().len(), 2);
}

fn replies_red_lines() -> Value {
    json!([
        {"party": "Southland", "issue": "dam", "options": ["removed"], "source": "Southland refuses any deal that gives up its dam."},
        {"party": "Northland", "issue": "dam", "options": ["full-share"], "source": "Northland demands a full share of the river's water."}])
}

#[test]
fn an_answer_that_is_not_json_is_asked_again_then_fails_its_step() {
    let mut replies = good();
    replies.insert(0, Reply::Content("{\"title\": \"Water".into()));
    let s = stand_in(replies);
    let d = draft(&client(s.url()), ARTICLE, &options()).unwrap();
    assert!(d.report.loads);
    assert_eq!(d.report.requests, 6);
    let requests = s.requests();
    let again = requests[1]["messages"][2]["content"].as_str().unwrap();
    assert!(again.contains("could not be used") && again.contains("not JSON"));
    drop(requests);

    let s = stand_in(vec![Reply::Content("I cannot answer in JSON.".into())]);
    let e = draft(&client(s.url()), ARTICLE, &options()).unwrap_err();
    assert!(
        matches!(
            &e,
            DraftError::Step {
                error: LlmError::NotJson { .. },
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("parties"));
    assert_eq!(s.requests().len(), 2);

    // Not JSON for one estimate: the draft goes on, the negotiator without
    // preferences is commented out, the repair cannot fix it either.
    let mut replies = good();
    replies[4] = Reply::Content("oops".into());
    replies.insert(5, Reply::Content("oops".into()));
    replies.push(Reply::Content("oops".into()));
    let s = stand_in(replies);
    let d = draft(&client(s.url()), ARTICLE, &options()).unwrap();
    assert_eq!(d.report.failed_steps.len(), 1);
    assert!(d.report.failed_steps[0].step.contains("Southland"));
    assert!(d.report.repair_failed.is_some());
    assert!(
        d.report
            .left_out
            .iter()
            .any(|l| l.item == "party \"Southland\"")
    );
    assert!(d.report.loads);
}

#[test]
fn an_endpoint_that_never_answers_or_is_not_there_ends_the_draft() {
    let s = stand_in(vec![Reply::Silent]);
    let e = draft(&client(s.url()), ARTICLE, &options()).unwrap_err();
    assert!(
        matches!(
            &e,
            DraftError::Step {
                error: LlmError::Timeout { .. },
                ..
            }
        ),
        "{e}"
    );
    let s = stand_in(vec![c(parties()), c(issues()), Reply::Silent]);
    let e = draft(&client(s.url()), ARTICLE, &options()).unwrap_err();
    assert!(e.to_string().contains("positions"), "{e}");
    let e = draft(&client("http://127.0.0.1:9/v1"), ARTICLE, &options()).unwrap_err();
    assert!(
        matches!(
            &e,
            DraftError::Step {
                error: LlmError::Transport { .. },
                ..
            }
        ),
        "{e}"
    );
    let e = draft(&client("http://127.0.0.1:9/v1"), " \n ", &options()).unwrap_err();
    assert!(matches!(e, DraftError::EmptyArticle));
}

#[test]
fn a_long_article_is_asked_in_pieces_and_merged() {
    let long = format!(
        "{ARTICLE}\n{}",
        "Filler sentence about the weather. ".repeat(10)
    );
    let s = stand_in(vec![
        c(parties()),
        c(
            json!({"title": "", "parties": [{"name": "northland", "role": "negotiator", "people": ["Anna Berg"], "source": "Filler sentence"}]}),
        ),
        c(issues()),
        c(
            json!({"issues": [{"name": "water", "source": "Filler", "options": [{"name": "none", "source": "Filler"}, {"name": "half-share", "source": "x"}]}]}),
        ),
        c(stances()),
        c(json!({"positions": [], "red_lines": []})),
        c(with_none(estimate(0.7))),
        c(with_none(estimate(0.6))),
    ]);
    let opts = DraftOptions {
        chunk_chars: 500,
        ..options()
    };
    let d = draft(&client(s.url()), &long, &opts).unwrap();
    assert_eq!(d.report.chunks, 2);
    assert_eq!(d.report.parties.len(), 3, "northland is Northland");
    assert!(
        d.toml
            .contains("options = [\"full-share\", \"half-share\", \"none\"]"),
        "{}",
        d.toml
    );
}

fn with_none(mut estimate: Value) -> Value {
    estimate["values"]["water"]["none"] = json!(0.0);
    estimate
}

#[test]
fn with_whole_sentences_a_source_must_be_one_of_the_articles_sentences() {
    let sentence = |p: &str| {
        ARTICLE
            .split_inclusive(['.', '\n'])
            .map(str::trim)
            .find(|s| s.contains(p))
            .unwrap()
            .to_string()
    };
    let opts = DraftOptions {
        whole_sentences: true,
        ..options()
    };
    // A phrase is not a sentence: the answer breaks the schema, twice.
    let s = stand_in(vec![c(parties())]);
    let e = draft(&client(s.url()), ARTICLE, &opts).unwrap_err();
    assert!(
        matches!(
            &e,
            DraftError::Step {
                error: LlmError::Schema { .. },
                ..
            }
        ),
        "{e}"
    );
    let requests = s.requests();
    let sources = &requests[0]["response_format"]["json_schema"]["schema"]["properties"]["parties"]
        ["items"]["properties"]["source"]["enum"];
    assert_eq!(sources.as_array().map(Vec::len), Some(5), "{sources}");
    assert_eq!(sources[0], sentence("Northland and Southland met"));
    drop(requests);
    // Whole sentences pass.
    let mut p = parties();
    for party in p["parties"].as_array_mut().unwrap() {
        let src = party["source"].as_str().unwrap().to_string();
        party["source"] = json!(sentence(&src));
    }
    let mut i = issues();
    for issue in i["issues"].as_array_mut().unwrap() {
        let src = issue["source"].as_str().unwrap().to_string();
        issue["source"] = json!(sentence(&src));
        for o in issue["options"].as_array_mut().unwrap() {
            let src = o["source"].as_str().unwrap().to_string();
            o["source"] = json!(sentence(&src));
        }
    }
    let s = stand_in(vec![
        c(p),
        c(i),
        c(stances()),
        c(estimate(0.7)),
        c(estimate(0.6)),
    ]);
    let d = draft(&client(s.url()), ARTICLE, &opts).unwrap();
    assert!(
        d.report.loads && d.report.flagged.is_empty(),
        "{:?}",
        d.report
    );
}
