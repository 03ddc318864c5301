//! BDM/Scholz runs on the emission-standards case against the port outputs in `expected/`.

mod common;

use common::*;
use pactum_forecast::bdm::{BdmParams, BdmRun, MoveKind, StopRule, run_bdm};
use pactum_forecast::input::read_case_csv;

fn emission_run(p: &BdmParams) -> Option<BdmRun> {
    let path = case_path("bdm1994_emission_standards.csv")?;
    let case = read_case_csv(&path).unwrap();
    Some(run_bdm(&case, 0, p).unwrap())
}

fn kind_word(k: MoveKind) -> &'static str {
    match k {
        MoveKind::Confrontation => "loses confrontation to",
        MoveKind::Compromise => "compromises with",
        MoveKind::Capitulation => "capitulates to",
    }
}

/// Compares rounds (positions, median, mean, and the logged moves) to 1e-6.
fn compare_rounds(run: &BdmRun, exp: &serde_json::Value, check_r: bool) {
    let rounds = exp["rounds"].as_array().unwrap();
    assert!(run.rounds.len() >= rounds.len());
    for (got, want) in run.rounds.iter().zip(rounds) {
        let rn = got.round;
        assert_close(
            got.median,
            f(&want["median"]),
            1e-6,
            &format!("round {rn} median"),
        );
        assert_close(
            got.mean,
            f(&want["mean"]),
            1e-6,
            &format!("round {rn} mean"),
        );
        for (i, name) in run.actors.iter().enumerate() {
            let w = f(&want["positions"][name]);
            assert_close(got.positions[i], w, 1e-6, &format!("round {rn} {name}"));
            if check_r {
                let wr = f(&want["risk_exponent_r"][name]);
                assert_close(
                    got.risk_exponents[i],
                    wr,
                    1e-6,
                    &format!("round {rn} r {name}"),
                );
            }
        }
        // Moves are logged as "A kind B", "\ta vs b", "\tnew_pos = x".
        let lines: Vec<&str> = want["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            lines.len(),
            3 * got.moves.len(),
            "round {rn} number of moves"
        );
        for (m, chunk) in got.moves.iter().zip(lines.chunks(3)) {
            assert_eq!(
                chunk[0],
                format!("{} {} {}", m.actor, kind_word(m.kind), m.other),
                "round {rn}"
            );
            let (a, b) = chunk[1].trim().split_once(" vs ").unwrap();
            assert_close(m.eu, a.parse().unwrap(), 1e-6, "eu");
            assert_close(m.other_eu, b.parse().unwrap(), 1e-6, "other eu");
            let np: f64 = chunk[2]
                .trim()
                .trim_start_matches("new_pos = ")
                .parse()
                .unwrap();
            assert_close(m.new_position, np, 1e-6, "new_pos");
        }
    }
}

#[test]
fn jmckib_scholz_replication() {
    let Some(exp) = expected("bdm1994_emission__jmckib_scholz_port.json") else {
        return;
    };
    let Some(run) = emission_run(&BdmParams::default()) else {
        return;
    };
    assert_eq!(run.rounds.len(), 10);
    assert_close(
        run.initial_median,
        f(&exp["round0"]["median"]),
        1e-9,
        "round0 median",
    );
    assert_close(
        run.initial_mean,
        f(&exp["round0"]["mean"]),
        1e-9,
        "round0 mean",
    );
    compare_rounds(&run, &exp, true);
}

#[test]
fn scholz_table2_truncated_medians() {
    // Scholz et al. Table 2 (Q = 1): 7 of 8 medians agree after truncation to one decimal.
    let Some(run) = emission_run(&BdmParams::default()) else {
        return;
    };
    let published = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6];
    let hits = published
        .iter()
        .zip(&run.rounds)
        .filter(|(p, r)| ((r.median * 10.0).trunc() / 10.0 - **p).abs() < 1e-9)
        .count();
    assert_eq!(hits, 7);
    let means = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6];
    for (m, r) in means.iter().zip(&run.rounds) {
        let t = (r.mean * 10.0).trunc() / 10.0;
        let rd = (r.mean * 10.0).round() / 10.0;
        assert!(
            (t - m).abs() < 1e-9 || (rd - m).abs() < 1e-9,
            "mean {}",
            r.mean
        );
    }
}

#[test]
fn jmckib_with_eq31_probability() {
    let Some(exp) = expected("bdm1994_emission__jmckib_variant_eq31_prob.json") else {
        return;
    };
    let p = BdmParams {
        stop: StopRule::Rounds(3),
        ..BdmParams::jmckib_eq31()
    };
    let Some(run) = emission_run(&p) else {
        return;
    };
    compare_rounds(&run, &exp, false);
    // Round 4 would divide by zero in the port: every actor sits at 7.
    let long = emission_run(&BdmParams::jmckib_eq31()).unwrap();
    assert!(
        long.notes
            .iter()
            .any(|n| n.contains("one position") || n.contains("security"))
    );
    assert_close(long.forecast(), 7.0, 1e-12, "collapsed forecast");
}

#[test]
fn dmasad_port() {
    let Some(exp) = expected("bdm1994_emission__dmasad_port.json") else {
        return;
    };
    assert_eq!(f(&exp["Q"]), 1.0);
    let rounds = exp["rounds"].as_array().unwrap();
    let p = BdmParams {
        stop: StopRule::Rounds(rounds.len()),
        ..BdmParams::dmasad()
    };
    let Some(run) = emission_run(&p) else {
        return;
    };
    assert_close(
        run.initial_mean,
        f(&exp["round0"]["mean"]),
        1e-9,
        "round0 mean",
    );
    assert_close(
        run.initial_median,
        f(&exp["round0"]["vote_median"]),
        1e-9,
        "round0 median",
    );
    assert_eq!(run.rounds.len(), rounds.len());
    for (got, want) in run.rounds.iter().zip(rounds) {
        let rn = got.round;
        assert_close(
            got.mean,
            f(&want["mean"]),
            1e-6,
            &format!("round {rn} mean"),
        );
        assert_close(
            got.median,
            f(&want["vote_median"]),
            1e-6,
            &format!("round {rn} median"),
        );
        for (i, name) in run.actors.iter().enumerate() {
            let w = f(&want["positions"][name]);
            assert_close(got.positions[i], w, 1e-6, &format!("round {rn} {name}"));
            let wr = f(&want["r"][name]);
            assert_close(
                got.risk_exponents[i],
                wr,
                1e-6,
                &format!("round {rn} r {name}"),
            );
        }
        let moves: Vec<String> = got
            .moves
            .iter()
            .map(|m| format!("{} {} {}", m.actor, kind_word(m.kind), m.other))
            .collect();
        let want_moves: Vec<&str> = want["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(moves, want_moves, "round {rn} moves");
    }
}
