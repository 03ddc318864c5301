//! KTAB SMP against KTAB's 2017 reference logs and the smpc default runs in `expected/`.

mod common;

use common::*;
use pactum_forecast::Scale;
use pactum_forecast::input::{read_case_csv, read_ktab_csv};
use pactum_forecast::smp::{SmpParams, SmpRun, run_smp};

/// First (turn, what) mismatch, if any. Positions: `pos_tol` in case units.
fn compare(
    run: &SmpRun,
    pos: &dyn Fn(&str, usize, usize) -> f64,
    prob: &dyn Fn(&str, usize) -> f64,
    n_states: usize,
    pos_tol: f64,
    prob_tol: f64,
) -> Vec<String> {
    let mut errs = Vec::new();
    if run.states.len() != n_states {
        errs.push(format!(
            "states: got {}, expected {n_states}",
            run.states.len()
        ));
    }
    for (t, st) in run.states.iter().enumerate().take(n_states) {
        for (i, name) in run.actors.iter().enumerate() {
            for d in 0..run.dimensions.len() {
                let w = pos(name, d, t);
                let g = st.positions[i][d];
                if (g - w).abs() > pos_tol {
                    errs.push(format!("turn {t} {name} dim {d}: pos {g} vs {w}"));
                }
            }
            let w = prob(name, t);
            let g = st.position_probs[i];
            if (g - w).abs() > prob_tol {
                errs.push(format!("turn {t} {name}: prob {g:.6} vs {w}"));
            }
        }
        if !errs.is_empty() {
            break;
        }
    }
    errs
}

fn reference_log(case_file: &str, exp_file: &str) {
    let (Some(path), Some(exp)) = (case_path(case_file), expected(exp_file)) else {
        return;
    };
    let case = read_ktab_csv(&path).unwrap();
    let run = run_smp(&case, &SmpParams::default()).unwrap();
    let n_states = exp["n_states"].as_u64().unwrap() as usize;
    let dims: Vec<String> = case.issues.iter().map(|i| i.name.clone()).collect();
    let pos = |a: &str, d: usize, t: usize| f(&exp["positions_by_turn_0_100_1dp"][a][&dims[d]][t]);
    let prob = |a: &str, t: usize| f(&exp["position_win_prob_by_turn"][a][t]);
    // The log prints positions with one decimal: allow rounding (0.05) plus 0.005.
    let errs = compare(&run, &pos, &prob, n_states, 0.0501, 5e-5 + 1e-9);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let ratios = exp["stop_ratio_by_step"].as_array().unwrap();
    assert_eq!(run.stop_ratios.len(), ratios.len());
    for (g, w) in run.stop_ratios.iter().zip(ratios) {
        assert_close(*g, f(w), 5e-5 + 1e-9, "stop ratio");
    }
}

#[test]
fn ktab_reference_dummy_3dim() {
    reference_log(
        "ktab_dummyData_3Dim_input.csv",
        "ktab_dummyData_3Dim__ktab_2017_reference_log.json",
    );
}

#[test]
fn ktab_reference_soe_pol_comp() {
    reference_log(
        "ktab_SOE_Pol_Comp_input.csv",
        "ktab_SOE_Pol_Comp__ktab_2017_reference_log.json",
    );
}

/// Final distinct positions: the files label a KTAB position group by one of its members (not
/// always the group's first member, and occasionally two members of one group), so each
/// listed entry must match one of our groups within the grouping radius (1e-3 on [0,1] = 0.1
/// on 0-100) with the same probability, and vice versa. The exact members are checked turn by
/// turn above.
fn check_final(run: &SmpRun, fin: &serde_json::Value, unit: f64) {
    let fin: Vec<(f64, f64)> = fin
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (f(&w[0]), f(&w[1])))
        .collect();
    for (x, p) in &run.final_positions {
        assert!(
            fin.iter()
                .any(|(y, q)| (x[0] - y).abs() <= 0.1 * unit && (p - q).abs() <= 5e-5 + 1e-9),
            "final position {} ({p}) not listed",
            x[0]
        );
    }
    for (y, q) in &fin {
        assert!(
            run.final_positions
                .iter()
                .any(|(x, p)| (x[0] - y).abs() <= 0.1 * unit && (p - q).abs() <= 5e-5 + 1e-9),
            "listed final position {y} ({q}) unexplained"
        );
    }
}

fn smpc_default(case_file: &str, exp_file: &str) {
    let (Some(path), Some(exp)) = (case_path(case_file), expected(exp_file)) else {
        return;
    };
    let case = read_case_csv(&path).unwrap();
    let scale = Scale {
        lo: f(&exp["scale"]["lo"]),
        hi: f(&exp["scale"]["hi"]),
    };
    let p = SmpParams {
        scale: Some(vec![scale]),
        ..SmpParams::default()
    };
    let run = run_smp(&case, &p).unwrap();
    let n_states = exp["n_states"].as_u64().unwrap() as usize;
    let unit = (scale.hi - scale.lo) / 100.0;
    let pos = |a: &str, _d: usize, t: usize| f(&exp["positions_by_turn"][a][t]);
    let prob = |a: &str, t: usize| f(&exp["position_win_prob_by_turn"][a][t]);
    let errs = compare(
        &run,
        &pos,
        &prob,
        n_states,
        0.005 * unit + 1e-9,
        5e-5 + 1e-9,
    );
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    check_final(&run, &exp["final_unique_positions_with_prob"], unit);
    assert_close(
        run.prob_weighted[0],
        f(&exp["final_prob_weighted_position"]),
        0.05 * unit, // group labels differ by up to 0.1 (see check_final)
        "prob-weighted final position",
    );
    assert_close(
        run.most_probable[0],
        f(&exp["final_most_probable_position"]),
        0.1 * unit, // group label, see check_final
        "most probable final position",
    );
}

#[test]
fn ktab_smpc_emission() {
    smpc_default(
        "bdm1994_emission_standards.csv",
        "bdm1994_emission__ktab_smpc_default.json",
    );
}

#[test]
fn ktab_smpc_greece() {
    smpc_default(
        "greece2015_debt_blog.csv",
        "greece2015_debt_blog__ktab_smpc_default.json",
    );
}

#[test]
fn ktab_smpc_china_policy() {
    smpc_default(
        "efird2016_china_policy_space.csv",
        "efird2016_china_policy_space__ktab_smpc_default.json",
    );
}

#[test]
fn ktab_smpc_china_competitive() {
    smpc_default(
        "efird2016_china_competitive_space.csv",
        "efird2016_china_competitive_space__ktab_smpc_default.json",
    );
}

#[test]
fn ktab_ukraine_illustrative() {
    let Some(exp) = expected("ukraine_istanbul_2025__illustrative.json") else {
        return;
    };
    for (issue, v) in exp["issues"].as_object().unwrap() {
        let Some(path) = case_path(&format!("ukraine_istanbul_2025/{issue}.csv")) else {
            return;
        };
        let case = read_case_csv(&path).unwrap();
        let run = run_smp(&case, &SmpParams::default()).unwrap();
        let k = &v["ktab"];
        let steps = k["n_steps"].as_u64().unwrap() as usize;
        assert_eq!(run.states.len(), steps + 1, "{issue}: steps");
        for (i, name) in run.actors.iter().enumerate() {
            let traj = k["positions_by_turn"][name].as_array().unwrap();
            assert_eq!(traj.len(), run.states.len());
            for (t, w) in traj.iter().enumerate() {
                let g = run.states[t].positions[i][0];
                assert_close(g, f(w), 0.005 + 1e-9, &format!("{issue} turn {t} {name}"));
            }
        }
        check_final(&run, &k["final_unique_positions_with_prob"], 1.0);
        assert_close(
            run.prob_weighted[0],
            f(&k["final_prob_weighted_position"]),
            0.05,
            &format!("{issue}: prob-weighted"),
        );
        assert_close(
            run.most_probable[0],
            f(&k["final_most_probable_position"]),
            0.1,
            &format!("{issue}: most probable"),
        );
    }
}
