//! Tests of a simulation's export and of a record read back as a script.

use pactum_protocol::partial_rounds;
use pactum_sim::End;
use pactum_sim::runner::{Config, Mediator, NegotiationResult, ProtocolKind, negotiate};
use pactum_sim::trace::{Move, Step};
use pactum_sim::{Deadline, Prepared};

use super::*;
use crate::mediation::Export;
use crate::verify::{Inputs, ScenarioSource, Status, verify};

const TEXT: &str = include_str!("../../../../examples/car-purchase.toml");

fn simulated(
    protocol: ProtocolKind,
    strategies: &[&str],
    seed: u64,
) -> (Prepared, NegotiationResult) {
    let loaded = pactum_core::native::from_toml("car.toml", TEXT).unwrap();
    let p = Prepared::new(loaded.scenario).unwrap();
    let config = Config {
        protocol,
        deadline: Deadline::steps(30),
        seed,
        record: true,
    };
    let r = negotiate(&p, strategies, &config).unwrap();
    (p, r)
}

/// The export of `r` (played under `protocol`, 30 rounds), or why it has none.
fn try_export(
    p: &Prepared,
    r: &NegotiationResult,
    protocol: ProtocolKind,
) -> Result<Export, SimulationError> {
    export_simulation(&Simulation {
        session_id: "sim",
        scenario_text: TEXT,
        scenario: &p.scenario,
        space: &p.space,
        protocol,
        deadline_rounds: 30,
        result: r,
    })
}

fn export(p: &Prepared, r: &NegotiationResult, protocol: ProtocolKind) -> Export {
    try_export(p, r, protocol).unwrap()
}

fn without_ids(steps: &[Step]) -> Vec<Step> {
    let mut steps = steps.to_vec();
    for s in &mut steps {
        if let Move::Partial(
            partial_rounds::Move::Propose { id, .. } | partial_rounds::Move::Accept { id },
        ) = &mut s.mv
        {
            *id = 0;
        }
    }
    steps
}

#[test]
fn a_simulation_exports_as_a_record_that_verifies_and_reads_back() {
    for (protocol, strategies) in [
        (ProtocolKind::Sao, ["boulware", "conceder"]),
        (ProtocolKind::Sao, ["random", "hardliner"]),
        (
            ProtocolKind::SingleText(Mediator::DraftAndVote),
            ["random", "linear"],
        ),
        (ProtocolKind::PartialRounds, ["random", "conceder"]),
    ] {
        for seed in 0..3 {
            let (p, r) = simulated(protocol, &strategies, seed);
            let e = export(&p, &r, protocol);
            let report = verify(
                &e.record,
                &Inputs {
                    scenario: Some((&e.scenario_toml, ScenarioSource::Export)),
                    ..Default::default()
                },
            );
            assert!(
                report.verified,
                "{protocol:?} {seed}: {:?}",
                report.problems()
            );
            assert_eq!(
                report.check("protocol replay").unwrap().status,
                Status::Passed
            );
            let run = script_of(&e.record, &p.scenario, &p.space).unwrap();
            // Proposal ids become the offers' sequence numbers.
            assert_eq!(without_ids(&run.steps), without_ids(&r.trace.moves));
            assert_eq!(run.agreement, r.agreement.map(|a| p.package(a)));
            // Same seed, same bytes.
            assert_eq!(
                serde_json::to_string(&e).unwrap(),
                serde_json::to_string(&export(&p, &r, protocol)).unwrap()
            );
        }
    }
}

#[test]
fn a_negotiation_ended_on_a_refused_move_has_no_record_form() {
    let (p, mut r) = simulated(ProtocolKind::Sao, &["boulware", "conceder"], 0);
    r.end = End::Invalid {
        seat: 1,
        reason: "out of turn".into(),
    };
    let e = try_export(&p, &r, ProtocolKind::Sao);
    assert!(matches!(e, Err(SimulationError::Invalid { seat: 1, .. })));
}

#[test]
fn only_the_draft_and_vote_mediator_has_a_record_form() {
    let protocol = ProtocolKind::SingleText(Mediator::Veto);
    let (p, r) = simulated(protocol, &["random", "linear"], 0);
    let e = try_export(&p, &r, protocol);
    assert!(matches!(e, Err(SimulationError::Mediator(Mediator::Veto))));
}
