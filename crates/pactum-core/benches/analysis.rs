//! `cargo bench -p pactum-core --bench analysis`: the exact analysis on the
//! built-in examples, on real GENIUS domains (when ../shared is present) and
//! on a synthetic 10^30-outcome additive space; and, for ANAC 2012 EnergyA
//! (390,625 outcomes), the other in-process steps of `pactum analyze
//! --json`: reading the GENIUS folder and building the JSON report.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pactum_core::analysis::{AnalysisDocument, AnalysisOptions, analyze};
use pactum_core::*;

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn synthetic(issues: usize, values: i64) -> Scenario {
    let party = |name: &str, slope: f64, offset: f64, skew: f64| Party {
        name: name.into(),
        role: Role::Negotiator,
        representative: None,
        notes: None,
        preferences: Some(Preferences {
            utility: UtilityFunction::Additive(AdditiveUtility {
                // Unequal weights give a frontier with many distinct points.
                weights: (0..issues)
                    .map(|i| (1.0 + skew * i as f64) / issues as f64)
                    .collect(),
                values: vec![ValueFunction::Linear { slope, offset }; issues],
            }),
            reservation_value: Some(0.2),
            discount_factor: None,
            red_lines: vec![],
        }),
    };
    Scenario::new(pactum_core::ScenarioParts {
        name: format!("synthetic {issues}x{values}"),
        description: None,
        notes: None,
        issues: (0..issues)
            .map(|i| Issue {
                name: format!("x{i}"),
                kind: IssueKind::Integer {
                    min: 0,
                    max: values - 1,
                },
                notes: None,
            })
            .collect(),
        parties: vec![
            party("a", 1.0 / (values - 1) as f64, 0.0, 0.013),
            party("b", -1.0 / (values - 1) as f64, 1.0, -0.007),
        ],
    })
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let opts = AnalysisOptions::default();
    let mut cases: Vec<(String, Scenario)> = vec![(
        "istanbul-2025".into(),
        io::load(&repo("examples/istanbul-2025.toml"), None)
            .unwrap()
            .scenario,
    )];
    let shared = repo("../shared/scenarios/genius");
    for rel in ["misc/AMPOvsCity", "anac/y2012/EnergyA", "anac/y2010/Travel"] {
        match io::load(&shared.join(rel), None) {
            Ok(l) => cases.push((rel.to_string(), l.scenario)),
            Err(e) => eprintln!("skipping {rel}: {e}"),
        }
    }
    cases.push(("synthetic-30x10 (10^30 outcomes)".into(), synthetic(30, 10)));
    let mut group = c.benchmark_group("analyze");
    group.sample_size(20);
    for (name, scenario) in &cases {
        group.bench_function(name, |b| b.iter(|| analyze(scenario, &opts).unwrap()));
    }
    group.finish();

    let energy = shared.join("anac/y2012/EnergyA");
    if !energy.is_dir() {
        eprintln!("skipping the EnergyA steps: {} not found", energy.display());
        return;
    }
    let loaded = io::load(&energy, None).unwrap();
    let analysis = analyze(&loaded.scenario, &opts).unwrap();
    let mut group = c.benchmark_group("analyze-steps/anac/y2012/EnergyA");
    group.bench_function("read", |b| b.iter(|| io::load(&energy, None).unwrap()));
    group.bench_function("json", |b| {
        b.iter(|| {
            let doc = AnalysisDocument::new(&analysis, loaded.reference_frontier.as_ref());
            serde_json::to_string_pretty(&doc).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
