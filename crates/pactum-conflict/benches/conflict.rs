//! Criterion timing of the full analysis (states, moves, every stability
//! concept) of seeded random conflicts with 8, 12 and 16 options and four
//! DMs, under both sanction rules: one bench group per size.

#[path = "support/model.rs"]
mod model;

use criterion::{Criterion, criterion_group, criterion_main};
use pactum_conflict::{Sanctions, analyse};

fn sizes(c: &mut Criterion) {
    for options in [8, 12, 16] {
        let conflict = model::random_conflict(options, 13);
        let mut group = c.benchmark_group(format!("analyse_{options}_options"));
        if options >= 16 {
            group.sample_size(10);
        }
        for sanctions in [Sanctions::Sequences, Sanctions::Single] {
            group.bench_function(format!("{sanctions:?}"), |b| {
                b.iter(|| analyse(&conflict, sanctions))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, sizes);
criterion_main!(benches);
