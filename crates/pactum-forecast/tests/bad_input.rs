//! Malformed cases are rejected with errors that name file, line and field.

use pactum_forecast::ForecastError;
use pactum_forecast::input::{parse_backtest_csv, parse_case_csv, parse_ktab_csv};

const HEADER: &str = "actor,capability,position,salience\n";

fn err(text: &str) -> ForecastError {
    parse_case_csv(text, "case.csv").unwrap_err()
}

#[test]
fn negative_capability() {
    let e = err(&format!("{HEADER}A,10,20,50\nB,-1,30,50\n"));
    assert!(matches!(e, ForecastError::NegativeCapability { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("case.csv:3") && msg.contains("capability"),
        "{msg}"
    );
}

#[test]
fn salience_out_of_range() {
    for bad in ["101", "-5"] {
        let e = err(&format!("{HEADER}A,10,20,50\nB,1,30,{bad}\n"));
        assert!(matches!(e, ForecastError::SalienceOutOfRange { .. }), "{e}");
        assert!(
            e.to_string().contains("case.csv:3: field `salience`"),
            "{e}"
        );
    }
}

#[test]
fn actor_without_position() {
    let e = err(&format!("{HEADER}A,10,20,50\nB,1,,50\n"));
    assert!(matches!(e, ForecastError::MissingPosition { .. }), "{e}");
    assert!(
        e.to_string().contains("case.csv:3: field `position`"),
        "{e}"
    );
    let k = "s,d,2,2,\nActor,Desc,Power,P1,S1,P2,S2,\nA,x,10,1,2,3,4,\nB,y,10,1,2,,4,\n";
    let e = parse_ktab_csv(k, "k.csv").unwrap_err();
    assert!(e.to_string().contains("k.csv:4: field `P2`"), "{e}");
}

#[test]
fn fewer_than_two_actors() {
    let e = err(&format!("{HEADER}A,10,20,50\n"));
    assert!(
        matches!(e, ForecastError::TooFewActors { count: 1, .. }),
        "{e}"
    );
    let e = err(HEADER);
    assert!(
        matches!(e, ForecastError::TooFewActors { count: 0, .. }),
        "{e}"
    );
}

#[test]
fn not_a_number_and_missing_column() {
    let e = err(&format!("{HEADER}A,ten,20,50\nB,1,2,3\n"));
    assert!(matches!(e, ForecastError::NotANumber { .. }), "{e}");
    assert!(
        e.to_string().contains("case.csv:2: field `capability`"),
        "{e}"
    );
    let e = err("actor,capability,salience\nA,1,2\nB,1,2\n");
    assert!(e.to_string().contains("`position`"), "{e}");
}

#[test]
fn ktab_actor_count_mismatch() {
    let k = "s,d,3,1,\nActor,Desc,Power,P1,S1,\nA,x,10,1,2,\nB,y,10,1,2,\n";
    let e = parse_ktab_csv(k, "k.csv").unwrap_err();
    assert!(e.to_string().contains("numActors"), "{e}");
}

#[test]
fn backtest_inconsistent_outcome_and_grouping() {
    let h = "issue,actor,capability,position,salience,outcome\n";
    let ok = format!("{h}i1,A,1,0,50,10\ni2,A,1,5,50,7\ni1,B,1,100,50,10\ni2,B,2,9,50,7\n");
    let cases = parse_backtest_csv(&ok, "bt.csv").unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "i1");
    assert_eq!(cases[0].outcome, Some(vec![10.0]));
    assert_eq!(cases[1].actors.len(), 2);
    let bad = format!("{h}i1,A,1,0,50,10\ni1,B,1,100,50,11\n");
    let e = parse_backtest_csv(&bad, "bt.csv").unwrap_err();
    assert!(e.to_string().contains("bt.csv:3: field `outcome`"), "{e}");
}

/// A position of 1e308 passed as finite and made every model print `NaN`.
#[test]
fn absurd_positions_and_capabilities_are_refused() {
    let e = err(&format!("{HEADER}A,10,20,50\nB,1,1e308,50\n"));
    let msg = e.to_string();
    assert!(
        msg.starts_with("case.csv:3: field `position`: position 1e308 is too large"),
        "{msg}"
    );
    let e = err(&format!("{HEADER}A,1e300,20,50\nB,1,30,50\n"));
    assert!(
        e.to_string()
            .starts_with("case.csv:2: field `capability`: capability 1e300 is too large"),
        "{e}"
    );
    // At the bounds, the forecast is a number.
    let case = parse_case_csv(
        &format!("{HEADER}A,1e9,-1e9,50\nB,1e9,1e9,50\nC,1,0,100\n"),
        "case.csv",
    )
    .unwrap();
    for kind in pactum_forecast::ModelKind::ALL {
        let f = pactum_forecast::run(kind, &case, &pactum_forecast::Options::default()).unwrap();
        assert!(
            f.dimensions.iter().all(|d| d.forecast.is_finite()),
            "{kind:?}"
        );
    }
}

#[test]
fn absurd_outcomes_and_status_quo_are_refused() {
    let text =
        "issue,actor,capability,position,salience,outcome\nx,A,1,0,50,1e300\nx,B,1,100,50,1e300\n";
    let e = parse_backtest_csv(text, "bt.csv").unwrap_err();
    assert!(e.to_string().contains("outcome 1e300 is too large"), "{e}");
    let e = err("actor,capability,position,salience,status_quo\nA,1,0,50,1e300\nB,1,10,50,\n");
    assert!(
        e.to_string().contains("status quo 1e300 is too large"),
        "{e}"
    );
}
