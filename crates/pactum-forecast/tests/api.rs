//! The `run` entry point and the serialisable result.

mod common;

use pactum_forecast::input::{parse_case_csv, read_ktab_csv};
use pactum_forecast::{ModelKind, Options, run};

#[test]
fn binary_issue_runs_with_a_note() {
    // Every position at 0 or 100: KTAB aborts; this port returns a result and says why.
    let text =
        "actor,capability,position,salience\nA,100,0,80\nB,60,100,60\nC,40,100,90\nD,30,0,50\n";
    let case = parse_case_csv(text, "binary.csv").unwrap();
    let f = run(ModelKind::Smp, &case, &Options::default()).unwrap();
    assert!(
        f.notes.iter().any(|n| n.contains("two ends")),
        "{:?}",
        f.notes
    );
    let v = f.value();
    assert!((0.0..=100.0).contains(&v));
}

#[test]
fn multi_dimensional_result_names_dimensions() {
    let Some(path) = common::case_path("ktab_dummyData_3Dim_input.csv") else {
        return;
    };
    let case = read_ktab_csv(&path).unwrap();
    for m in ModelKind::ALL {
        let f = run(m, &case, &Options::default()).unwrap();
        let dims: Vec<&str> = f.dimensions.iter().map(|d| d.dimension.as_str()).collect();
        assert_eq!(dims, ["Pstn1", "Pstn2", "Pstn3"], "{m:?}");
        assert_eq!(f.dimensions[0].rounds[0].get("SActor-00"), Some(75.79));
    }
    let k = run(ModelKind::Smp, &case, &Options::default()).unwrap();
    assert_eq!(k.dimensions[0].rounds.len(), 11);
    assert_eq!(k.dimensions[0].probabilities.as_ref().unwrap().len(), 11);
}

#[test]
fn forecast_serialises() {
    let text = "actor,capability,position,salience\nA,100,0,80\nB,60,40,60\nC,40,70,90\n";
    let case = parse_case_csv(text, "s.csv").unwrap();
    for m in ModelKind::ALL {
        let f = run(m, &case, &Options::default()).unwrap();
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["model"], m.name());
        assert!(json["dimensions"][0]["forecast"].is_number());
        assert!(json["dimensions"][0]["rounds"][0]["A"].is_number());
        let back: pactum_forecast::Forecast = serde_json::from_value(json).unwrap();
        assert_eq!(back, f);
        assert_eq!(m.name().parse::<ModelKind>().unwrap(), m);
    }
    let opts: Options =
        serde_json::from_str(&serde_json::to_string(&Options::default()).unwrap()).unwrap();
    assert_eq!(opts, Options::default());
}
