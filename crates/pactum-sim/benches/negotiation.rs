//! `cargo bench -p pactum-sim`: one Boulware-vs-Conceder negotiation of
//! 1,000 rounds on ANAC 2012 CarA (from ../shared/scenarios/genius beside
//! the repository, or $PACTUM_GENIUS_ROOT; the car-purchase example when
//! that is not there), and a small tournament on one thread.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use pactum_sim::tournament::Tournament;
use pactum_sim::{Config, Prepared, negotiate};

fn scenario(rel: &str) -> (String, Prepared) {
    let root = std::env::var_os("PACTUM_GENIUS_ROOT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios/genius"),
        PathBuf::from,
    );
    let path = root.join(rel);
    let loaded = pactum_core::io::load(&path, None).or_else(|_| {
        let example =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/car-purchase.toml");
        pactum_core::io::load(&example, None)
    });
    let scenario = loaded.expect("a scenario to benchmark").scenario;
    (
        scenario.name().to_string(),
        Prepared::new(scenario).unwrap(),
    )
}

fn bench(c: &mut Criterion) {
    let (name, p) = scenario("anac/y2012/CarA");
    let config = Config::sao(1000, 0);
    c.bench_function(&format!("boulware vs conceder, 1000 rounds, {name}"), |b| {
        b.iter(|| negotiate(&p, &["boulware", "conceder"], &config).unwrap())
    });
    let t = Tournament::new(
        vec![(name.clone(), p.clone())],
        ["boulware", "conceder", "linear", "micro"]
            .map(String::from)
            .to_vec(),
        100,
        2,
        0,
        false,
    )
    .unwrap();
    let jobs = t.jobs();
    c.bench_function(
        &format!("tournament, 4 strategies x 2 reps, {name}, one thread"),
        |b| {
            b.iter(|| {
                jobs.iter()
                    .map(|j| t.play(j).unwrap().utilities[0])
                    .sum::<f64>()
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
