//! The built-in example scenarios in `examples/` parse, have the expected
//! shape, and evaluate hand-computed packages to the expected utilities.

use pactum_core::native::{from_json, from_toml, to_json, to_toml};
use pactum_core::{Loaded, Outcome, Role, Scenario};

const ISTANBUL: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/istanbul-2025.toml"
));
const LABOUR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/labour-contract.toml"
));
const CAR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/car-purchase.toml"
));
const WATER: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/three-party-water.toml"
));

fn load(file: &str, text: &str) -> Scenario {
    let Loaded {
        scenario, warnings, ..
    } = from_toml(file, text).unwrap_or_else(|e| panic!("{file} does not parse: {e}"));
    assert!(
        warnings.is_empty(),
        "{file}: unexpected warnings {warnings:?}"
    );
    scenario
}

/// Checks the counts of issues, parties, negotiators and outcomes.
fn assert_shape(s: &Scenario, issues: usize, parties: usize, negotiators: usize, outcomes: u128) {
    assert_eq!(s.issues().len(), issues, "{}: issues", s.name());
    assert_eq!(s.parties().len(), parties, "{}: parties", s.name());
    assert_eq!(
        s.negotiators().len(),
        negotiators,
        "{}: negotiators",
        s.name()
    );
    assert_eq!(s.outcome_count(), outcomes, "{}: outcomes", s.name());
}

/// The outcome given as `(issue, value)` pairs, one per issue in any order.
fn outcome(s: &Scenario, values: &[(&str, &str)]) -> Outcome {
    assert_eq!(values.len(), s.issues().len(), "give one value per issue");
    let mut o = vec![u32::MAX; s.issues().len()];
    for (issue, value) in values {
        let i = s
            .issue_index(issue)
            .unwrap_or_else(|| panic!("no issue {issue}"));
        o[i] = s.issues()[i]
            .parse_value(value)
            .unwrap_or_else(|| panic!("{value} is not a value of {issue}"));
    }
    o
}

fn utility(s: &Scenario, party: &str, o: &[u32]) -> f64 {
    let p = &s.parties()[s.party_index(party).expect("party")];
    p.preferences
        .as_ref()
        .expect("preferences")
        .utility
        .utility(s.issues(), o)
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "{what}: got {actual}, expected {expected}"
    );
}

/// Every outcome, by mixed-radix counting.
fn all_outcomes(s: &Scenario) -> Vec<Outcome> {
    let cards: Vec<u32> = s.issues().iter().map(|i| i.cardinality() as u32).collect();
    let mut out = Vec::new();
    let mut o = vec![0u32; cards.len()];
    loop {
        out.push(o.clone());
        let mut i = cards.len();
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            o[i] += 1;
            if o[i] < cards[i] {
                break;
            }
            o[i] = 0;
        }
    }
}

/// Outcomes that cross no negotiator's red line and give every negotiator at
/// least its reservation value.
fn zopa(s: &Scenario) -> Vec<Outcome> {
    let prefs: Vec<_> = s
        .negotiators()
        .into_iter()
        .map(|p| s.parties()[p].preferences.as_ref().unwrap())
        .collect();
    all_outcomes(s)
        .into_iter()
        .filter(|o| {
            prefs.iter().all(|p| {
                !p.crosses_red_line(o)
                    && p.utility.utility(s.issues(), o) >= p.reservation_value.unwrap_or(0.0)
            })
        })
        .collect()
}

#[test]
fn every_file_in_examples_parses() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("examples/ exists") {
        let path = entry.unwrap().path();
        let file = path.display().to_string();
        // Graph-model conflict files (`pactum conflict`) are not scenarios.
        if path.to_string_lossy().ends_with("-conflict.toml") {
            continue;
        }
        let parse = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => from_toml,
            Some("json") => from_json,
            _ => continue,
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let s = parse(&file, &text)
            .unwrap_or_else(|e| panic!("{file} does not parse: {e}"))
            .scenario;
        assert!(s.notes().is_some(), "{file}: every example has notes");
        seen += 1;
    }
    assert!(seen >= 4, "found only {seen} examples");
}

#[test]
fn istanbul_2025() {
    let s = load("istanbul-2025.toml", ISTANBUL);
    // 3 · 3 · 3 · 3 · 5 · 3 · 3 · 2
    assert_shape(&s, 8, 8, 2, 7_290);
    let role = |name: &str| s.parties()[s.party_index(name).unwrap()].role;
    assert_eq!(role("Ukraine"), Role::Negotiator);
    assert_eq!(role("Russia"), Role::Negotiator);
    assert_eq!(role("Turkey"), Role::Mediator);
    for observer in [
        "United States",
        "United Kingdom",
        "Germany",
        "Italy",
        "NATO",
    ] {
        assert_eq!(role(observer), Role::Observer, "{observer}");
    }
    let rep = |name: &str| {
        s.parties()[s.party_index(name).unwrap()]
            .representative
            .clone()
            .unwrap()
    };
    assert!(rep("Ukraine").contains("Rustem Umerov"));
    assert!(rep("Russia").contains("Vladimir Medinsky"));
    assert!(rep("Turkey").contains("Hakan Fidan"));
    assert!(s.notes().unwrap().contains("ILLUSTRATIVE"));

    for name in ["Ukraine", "Russia"] {
        let p = s.parties()[s.party_index(name).unwrap()]
            .preferences
            .as_ref()
            .unwrap();
        let w: f64 = p.utility.as_additive().unwrap().weights.iter().sum();
        assert_close(w, 1.0, &format!("{name} weights"));
        assert!(!p.red_lines.is_empty(), "{name} has a red line");
    }

    // Neutrality for guarantees: the Nash-bargaining package of the zone.
    let deal = outcome(
        &s,
        &[
            ("ceasefire", "unconditional-now"),
            ("prisoners", "all-for-all"),
            ("children", "full-return"),
            ("nato_accession", "renounced"),
            ("territory", "recognise-current-line"),
            ("military_limits", "moderate-caps"),
            ("security_guarantees", "nato-style"),
            ("leaders_meeting", "yes"),
        ],
    );
    // .14 + .10 + .10 + 0 + .22·.1 + .12·.4 + .16 + .06
    assert_close(utility(&s, "Ukraine", &deal), 0.63, "Ukraine, deal");
    // .08·.2 + .05·.7 + .03·.3 + .22 + .28·.9 + .18·.6 + 0 + 0
    assert_close(utility(&s, "Russia", &deal), 0.64, "Russia, deal");

    // Each side's ideal package crosses the other's red line.
    let ukraine_best = outcome(
        &s,
        &[
            ("ceasefire", "unconditional-now"),
            ("prisoners", "all-for-all"),
            ("children", "full-return"),
            ("nato_accession", "open"),
            ("territory", "full-restoration"),
            ("military_limits", "none"),
            ("security_guarantees", "nato-style"),
            ("leaders_meeting", "yes"),
        ],
    );
    assert_close(utility(&s, "Ukraine", &ukraine_best), 1.0, "Ukraine, best");
    // .08·.2 + .05·.7 + .03·.3
    assert_close(
        utility(&s, "Russia", &ukraine_best),
        0.06,
        "Russia, Ukraine's best",
    );
    let russia = s.parties()[s.party_index("Russia").unwrap()]
        .preferences
        .as_ref()
        .unwrap();
    assert!(russia.crosses_red_line(&ukraine_best));

    let russia_best = outcome(
        &s,
        &[
            ("ceasefire", "conditional"),
            ("prisoners", "large-exchange"),
            ("children", "none"),
            ("nato_accession", "renounced"),
            ("territory", "cede-beyond-current-line"),
            ("military_limits", "strict-caps"),
            ("security_guarantees", "none"),
            ("leaders_meeting", "no"),
        ],
    );
    assert_close(utility(&s, "Russia", &russia_best), 1.0, "Russia, best");
    // .14·.5 + .10·.6
    assert_close(
        utility(&s, "Ukraine", &russia_best),
        0.13,
        "Ukraine, Russia's best",
    );
    let ukraine = s.parties()[s.party_index("Ukraine").unwrap()]
        .preferences
        .as_ref()
        .unwrap();
    assert!(ukraine.crosses_red_line(&russia_best));
    assert_eq!(ukraine.reservation_value, Some(0.55));
    assert_eq!(russia.reservation_value, Some(0.58));

    // The zone of possible agreement is non-empty but small, and contains
    // the package above.
    let z = zopa(&s);
    assert_eq!(z.len(), 35);
    assert!(z.contains(&deal));
    let territory = s.issue_index("territory").unwrap();
    let nato = s.issue_index("nato_accession").unwrap();
    for o in &z {
        let t = s.issues()[territory].value(o[territory]).to_string();
        assert!(
            t == "freeze-current-line" || t == "recognise-current-line",
            "{t}"
        );
        assert_ne!(s.issues()[nato].value(o[nato]).to_string(), "open");
    }
}

#[test]
fn labour_contract() {
    let s = load("labour-contract.toml", LABOUR);
    // 9 · 6 · 3 · 3 · 2
    assert_shape(&s, 5, 3, 2, 972);
    assert_eq!(s.parties()[2].role, Role::Mediator);
    let o = outcome(
        &s,
        &[
            ("pay_rise", "4"),
            ("holidays", "27"),
            ("pension", "plus-1pct"),
            ("working_hours", "38h"),
            ("job_security", "no-layoffs-3y"),
        ],
    );
    // .4·(4/8) + .1·(2·.2) + .15·.6 + .2·.7 + .15·1
    assert_close(utility(&s, "Union", &o), 0.62, "Union");
    // .45·(1 − 4/8) + .1·(1 − 2·.2) + .15·.5 + .2·.5 + .1·.3
    assert_close(utility(&s, "Employer", &o), 0.49, "Employer");
    // The linear value functions clamp at the ends of the range.
    let max = outcome(
        &s,
        &[
            ("pay_rise", "8"),
            ("holidays", "30"),
            ("pension", "plus-2pct"),
            ("working_hours", "36h"),
            ("job_security", "no-layoffs-3y"),
        ],
    );
    assert_close(utility(&s, "Union", &max), 1.0, "Union, best");
    // Only job security (.1·.3) is left for the employer.
    assert_close(
        utility(&s, "Employer", &max),
        0.03,
        "Employer, Union's best",
    );
    let union = s.parties()[0].preferences.as_ref().unwrap();
    let low = outcome(
        &s,
        &[
            ("pay_rise", "1"),
            ("holidays", "25"),
            ("pension", "unchanged"),
            ("working_hours", "40h"),
            ("job_security", "none"),
        ],
    );
    assert!(union.crosses_red_line(&low));
    assert!(!union.crosses_red_line(&o));
    assert!(!zopa(&s).is_empty());
}

#[test]
fn car_purchase() {
    let s = load("car-purchase.toml", CAR);
    // 13 · 4 · 4 · 9
    assert_shape(&s, 4, 3, 2, 1_872);
    assert_eq!(s.parties()[2].role, Role::Observer);
    assert!(s.parties()[2].preferences.is_none());
    let o = outcome(
        &s,
        &[
            ("price", "21000"),
            ("warranty", "1"),
            ("colour", "black"),
            ("delivery", "4"),
        ],
    );
    // .55·.55 + .15·(1/3) + .10·1 + .20·(1 − 3/8)
    assert_close(utility(&s, "Buyer", &o), 0.5775, "Buyer");
    // .60·.4 + .20·.75 + .05·.5 + .15·1 (triangular peak at 4)
    assert_close(utility(&s, "Dealer", &o), 0.565, "Dealer");
    let o = outcome(
        &s,
        &[
            ("price", "19500"),
            ("warranty", "3"),
            ("colour", "white"),
            ("delivery", "8"),
        ],
    );
    // .55·.85 + .15·1 + .10·.2 + .20·(1 − 7/8)
    assert_close(utility(&s, "Buyer", &o), 0.6625, "Buyer, second package");
    // .60·.15 + .20·.25 + .05·.5 + .15·(4/8)
    assert_close(utility(&s, "Dealer", &o), 0.24, "Dealer, second package");
    let buyer = s.parties()[0].preferences.as_ref().unwrap();
    assert!(
        buyer.crosses_red_line(&o),
        "8 weeks is too late for the buyer"
    );
    let dealer = s.parties()[1].preferences.as_ref().unwrap();
    let cheap = outcome(
        &s,
        &[
            ("price", "18500"),
            ("warranty", "0"),
            ("colour", "silver"),
            ("delivery", "4"),
        ],
    );
    assert!(dealer.crosses_red_line(&cheap));
    assert!(!zopa(&s).is_empty());
}

#[test]
fn three_party_water() {
    let s = load("three-party-water.toml", WATER);
    // 16 · 8 · 3 · 3 · 2
    assert_shape(&s, 5, 4, 3, 2_304);
    let o = outcome(
        &s,
        &[
            ("downstream_share", "50"),
            ("filling_years", "6"),
            ("drought_rule", "proportional-cuts"),
            ("commission", "advisory"),
            ("power_price", "discounted"),
        ],
    );
    // .25·(1 − 10/15) + .35·(1 − 3/7) + .15·.6 + .10·1 + .15·.3
    assert_close(
        utility(&s, "Upstream", &o),
        0.25 / 3.0 + 0.2 + 0.09 + 0.1 + 0.045,
        "Upstream",
    );
    // constant 1, triangular peak at 6 years, and the rest at 1
    assert_close(utility(&s, "Midstream", &o), 1.0, "Midstream");
    // .40·(10/15) + .25·(3/7) + .20·.5 + .10·.4 + .05·1
    assert_close(
        utility(&s, "Downstream", &o),
        0.4 * 2.0 / 3.0 + 0.25 * 3.0 / 7.0 + 0.1 + 0.04 + 0.05,
        "Downstream",
    );
    assert!(!zopa(&s).is_empty());
}

#[test]
fn examples_round_trip_through_toml_and_json() {
    for (file, text) in [
        ("istanbul-2025.toml", ISTANBUL),
        ("labour-contract.toml", LABOUR),
        ("car-purchase.toml", CAR),
        ("three-party-water.toml", WATER),
    ] {
        let s = load(file, text);
        let json = to_json(&s).unwrap();
        assert_eq!(from_json("out.json", &json).unwrap().scenario, s, "{file}");
        let toml = to_toml(&s).unwrap();
        assert_eq!(from_toml("out.toml", &toml).unwrap().scenario, s, "{file}");
    }
}
