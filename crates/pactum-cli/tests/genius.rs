//! `pactum analyze` on GENIUS folders: GENIUS's precomputed frontier
//! (`pareto.xml`) shown beside Pactum's and compared, in text and JSON; a
//! lone GENIUS file refused with the folder to pass.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{pactum, write};

const DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="Deal">
  <issue index="1" name="Price" type="discrete"><item index="1" value="low"/><item index="2" value="high"/></issue>
  <issue index="2" name="Term" type="discrete"><item index="1" value="short"/><item index="2" value="long"/></issue>
</objective></utility_space></negotiation_template>"#;

/// Buyer: low price 1, high 0; short term 1, long 0; weights 0.6/0.4.
const BUYER: &str = r#"<utility_space><objective index="0" name="Deal">
  <issue index="1" name="Price"><item index="1" value="low" evaluation="1"/><item index="2" value="high" evaluation="0"/></issue>
  <issue index="2" name="Term"><item index="1" value="short" evaluation="1"/><item index="2" value="long" evaluation="0"/></issue>
  <weight index="1" value="0.6"/><weight index="2" value="0.4"/>
</objective></utility_space>"#;

/// Seller: the opposite values, weights 0.3/0.7.
const SELLER: &str = r#"<utility_space><objective index="0" name="Deal">
  <issue index="1" name="Price"><item index="1" value="low" evaluation="0"/><item index="2" value="high" evaluation="1"/></issue>
  <issue index="2" name="Term"><item index="1" value="short" evaluation="0"/><item index="2" value="long" evaluation="1"/></issue>
  <weight index="1" value="0.3"/><weight index="2" value="0.7"/>
</objective></utility_space>"#;

// The frontier: (low, short) 1/0, (low, long) 0.6/0.7, (high, long) 0/1;
// (high, short) 0.4/0.3 is dominated by (low, long). The last point is off
// by 0.05.
const PARETO: &str = "\n1.0, 0.0\n0.6, 0.7\n0.0, 1.05\n";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "deal.xml", DOMAIN);
    write(&dir, "buyer.xml", BUYER);
    write(&dir, "seller.xml", SELLER);
    write(&dir, "pareto.xml", PARETO);
    dir
}

#[test]
fn analyze_shows_and_compares_genius_frontier() {
    let dir = folder();
    let out = pactum()
        .arg("analyze")
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("no XML element").not());
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("GENIUS's frontier ("), "{text}");
    assert!(text.contains("pareto.xml): 3 points"), "{text}");
    assert!(
        text.contains("2 of the 3 points above every reservation value agree (within 1e-6)"),
        "{text}"
    );
    assert!(
        text.contains(
            "1 differs (largest difference 0.050000); Pactum's points missing from GENIUS's list: 1"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  buyer 0.0000, seller 1.0500   Pactum's nearest: buyer 0.0000, seller 1.0000 (difference 0.050000)"
        ),
        "{text}"
    );

    let out = pactum()
        .arg("analyze")
        .arg(dir.path())
        .arg("--json")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // After the analysis's own fields, in their order.
    assert!(text.starts_with("{\n  \"scenario\": "), "{text}");
    assert!(text.contains("\n  \"reference_frontier\": {"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let r = &v["reference_frontier"];
    assert_eq!(r["points"].as_array().unwrap().len(), 3, "{r}");
    assert_eq!(r["agreeing"], 2);
    assert_eq!(r["differing"], 1);
    assert_eq!(r["pactum_only"], 1);
    assert_eq!(r["below_reservation"], 0);
    assert_eq!(r["nearest"][1], serde_json::json!([0.6, 0.7]));
    assert!((r["differences"][2].as_f64().unwrap() - 0.05).abs() < 1e-9);
    assert!((r["largest_difference"].as_f64().unwrap() - 0.05).abs() < 1e-9);
}

#[test]
fn analyze_without_pareto_xml_has_no_reference_field() {
    let dir = folder();
    std::fs::remove_file(dir.path().join("pareto.xml")).unwrap();
    let out = pactum()
        .arg("analyze")
        .arg(dir.path())
        .arg("--json")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v.get("reference_frontier").is_none());
    // The analysis's own field order is kept (scenario first, not sorted).
    assert!(text.starts_with("{\n  \"scenario\": "), "{text}");
}

#[test]
fn a_lone_genius_file_asks_for_its_folder() {
    let dir = folder();
    pactum()
        .arg("analyze")
        .arg(dir.path().join("buyer.xml"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "pass the folder {} instead",
            dir.path().display()
        )));
}

/// Asked to enumerate ANAC 2014's 10^10-outcome domain, Pactum refuses;
/// it still says that GENIUS's frontier was read and why it is not compared.
#[test]
fn a_refused_analysis_still_mentions_genius_frontier() {
    let root = match std::env::var_os("PACTUM_GENIUS_SCENARIOS") {
        Some(p) => std::path::PathBuf::from(p),
        None => common::repo("../shared/scenarios/genius"),
    };
    let folder = root.join("anac/y2014/10issues");
    if !folder.is_dir() {
        eprintln!("skipping: {} is absent", folder.display());
        return;
    }
    pactum()
        .arg("analyze")
        .arg(&folder)
        .arg("--enumerate")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "lists GENIUS's frontier (10 points), but Pactum's own frontier cannot be computed",
        ))
        .stderr(predicate::str::contains("no XML element").not());
}
