//! MiCRO concedes one outcome per round, and only while its opponent has
//! made as many distinct offers as it has: MiCRO against MiCRO agrees once
//! the two walks down their rankings meet, within as many rounds as a
//! party has rational outcomes, whatever the deadline beyond that. A
//! deadline of fewer rounds (the default 100 on a scenario of thousands of
//! outcomes) ends without agreement; that is the strategy, not a fault.

use std::path::Path;

use pactum_sim::{Config, End, Prepared, negotiate};

fn example(name: &str) -> Prepared {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    Prepared::new(pactum_core::io::load(&path, None).unwrap().scenario).unwrap()
}

#[test]
fn micro_against_itself_agrees_within_as_many_rounds_as_there_are_rational_outcomes() {
    for name in [
        "car-purchase.toml",
        "labour-contract.toml",
        "istanbul-2025.toml",
        "three-party-water.toml",
    ] {
        let p = example(name);
        let n = p.prefs.len();
        let rational = p.prefs.iter().map(|pr| pr.sorted.len()).max().unwrap();
        let micro = vec!["micro"; n];
        let long = negotiate(&p, &micro, &Config::sao(10 * rational, 0)).unwrap();
        let round = long.steps;
        println!(
            "{name}: {n} negotiators, {rational} rational outcomes, agreement in round {round}"
        );
        assert!(long.agreement.is_some(), "{name}: {:?}", long.end);
        assert!(round <= rational, "{name}: round {round} of {rational}");
        // The deadline does not change MiCRO's moves: the same agreement
        // in the same round with just enough rounds, none with one fewer.
        let just = negotiate(&p, &micro, &Config::sao(round, 0)).unwrap();
        assert_eq!(
            (just.agreement, just.steps),
            (long.agreement, round),
            "{name}"
        );
        let short = negotiate(&p, &micro, &Config::sao(round - 1, 0)).unwrap();
        assert_eq!(short.agreement, None, "{name}");
        assert!(matches!(short.end, End::Deadline), "{name}");
    }
    // At the CLI's default of 100 rounds, no agreement on these scenarios.
    let p = example("car-purchase.toml");
    let r = negotiate(&p, &["micro", "micro"], &Config::sao(100, 0)).unwrap();
    assert_eq!(r.agreement, None);
}
