//! The JSON document of `pactum conflict`: states, stability per concept
//! and DM, equilibria, and the keys `why` (per asked DM: the improvements
//! and the sanction deterring each per concept) and `status_quo_paths`
//! (reachable states and equilibria and the shortest paths, by moves and by
//! improvements), `limited` (L_h for `--horizon`) and `coalitions` (for
//! `--coalition`), null when not asked for.
//!
//! Rules: states appear by id (index + 1), DMs and options by name; a key
//! that was not asked for is an empty list (`why`) or null
//! (`status_quo_paths` without a status quo). docs/conflict.md documents
//! the shapes.

use pactum_conflict::why::DETERRING;
use pactum_conflict::{
    Coalition, CoalitionConcept, CoalitionStability, Concept, Direction, Reached, Sanction,
    StatusQuoPaths, Step, Why,
};
use serde_json::{Map, Value, json};

use super::view::{Found, sanctions_name};

/// The JSON document: states, stability per concept and DM, equilibria.
pub fn document(f: &Found) -> Value {
    let (read, a) = (f.read, f.analysis);
    let c = &read.conflict;
    let n = c.options().len();
    let states: Vec<Value> = a
        .states
        .codes()
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            json!({
                "id": i + 1,
                "code": code,
                "options": (0..n).map(|k| code >> k & 1).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut stability = Map::new();
    let mut equilibria = Map::new();
    for concept in Concept::ALL {
        let per_dm: Map<String, Value> = c
            .decision_makers()
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), json!(a.stable_ids(concept, i))))
            .collect();
        stability.insert(concept.key().into(), Value::Object(per_dm));
        equilibria.insert(concept.key().into(), json!(a.equilibria(concept)));
    }
    let options: Vec<Value> = c
        .options()
        .iter()
        .enumerate()
        .map(|(k, o)| {
            json!({
                "name": o.name,
                "decision_maker": c.decision_makers()[c.controller(k)].name,
                "direction": direction_name(o.direction),
            })
        })
        .collect();
    json!({
        "name": c.name(),
        "sanctions": sanctions_name(a.sanctions),
        "options": options,
        "decision_makers": c.decision_makers().iter().map(|d| &d.name).collect::<Vec<_>>(),
        "states": states,
        "status_quo": f.status_quo.map(|i| i + 1),
        "stability": stability,
        "equilibria": equilibria,
        "not_analysed": read.not_analysed,
        "why": f.why.iter().map(|w| why(f, w)).collect::<Vec<_>>(),
        "status_quo_paths": f.paths.as_ref().map(|p| paths(f, p)),
        "limited": f.limited.as_ref().map(|(h, stable)| limited(f, *h, stable)),
        "coalitions": f.coalitions.as_ref().map(|(g, s)| coalitions(f, g, s)),
    })
}

/// `{"horizon", "stable": {DM: ids}, "equilibria": ids}`.
fn limited(f: &Found, h: usize, stable: &[Vec<bool>]) -> Value {
    let ids = |keep: &dyn Fn(usize) -> bool, n: usize| -> Vec<usize> {
        (0..n).filter(|&s| keep(s)).map(|s| s + 1).collect()
    };
    let n = stable.first().map_or(0, Vec::len);
    let per_dm: Map<String, Value> = stable
        .iter()
        .enumerate()
        .map(|(dm, row)| (f.dm(dm).to_string(), json!(ids(&|s| row[s], n))))
        .collect();
    json!({
        "horizon": h,
        "stable": per_dm,
        "equilibria": ids(&|s| stable.iter().all(|r| r[s]), n),
    })
}

/// `{"coalitions": [[names]], "stability": {cnash|cgmr|cseq: {DM: ids}},
/// "equilibria": {cnash|cgmr|cseq: ids}}`.
fn coalitions(f: &Found, groups: &[Coalition], s: &CoalitionStability) -> Value {
    let plus1 = |v: Vec<usize>| v.into_iter().map(|x| x + 1).collect::<Vec<_>>();
    let mut stability = Map::new();
    let mut equilibria = Map::new();
    for concept in CoalitionConcept::ALL {
        let per_dm: Map<String, Value> = (0..f.read.conflict.decision_makers().len())
            .map(|dm| {
                (
                    f.dm(dm).to_string(),
                    json!(plus1(s.stable_states(concept, dm))),
                )
            })
            .collect();
        stability.insert(concept.key().into(), Value::Object(per_dm));
        equilibria.insert(concept.key().into(), json!(plus1(s.equilibria(concept))));
    }
    json!({
        "coalitions": groups
            .iter()
            .map(|g| g.members().iter().map(|&m| f.dm(m)).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        "stability": stability,
        "equilibria": equilibria,
    })
}

fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Both => "both",
        Direction::Forward => "forward",
        Direction::Backward => "backward",
    }
}

/// `{"decision_maker", "from", "to", "changes": [{"option", "taken"}]}`.
fn step(f: &Found, s: &Step) -> Value {
    json!({
        "decision_maker": f.dm(s.dm),
        "from": s.from + 1,
        "to": s.to + 1,
        "changes": s.changes.iter().map(|c| json!({
            "option": f.option(c.option),
            "taken": c.taken,
        })).collect::<Vec<_>>(),
    })
}

fn sanction(f: &Found, x: &Sanction) -> Value {
    json!({
        "kind": if x.simultaneous { "simultaneous" } else { "sequence" },
        "steps": x.steps.iter().map(|s| step(f, s)).collect::<Vec<_>>(),
        "end": x.end + 1,
    })
}

fn why(f: &Found, w: &Why) -> Value {
    let stable: Map<String, Value> = Concept::ALL
        .into_iter()
        .map(|c| (c.key().to_string(), json!(w.stable(c))))
        .collect();
    let improvements: Vec<Value> = w
        .improvements
        .iter()
        .map(|m| {
            let sanctions: Map<String, Value> = DETERRING
                .into_iter()
                .map(|c| {
                    let v = m.sanction(c).map_or(Value::Null, |x| sanction(f, x));
                    (c.key().to_string(), v)
                })
                .collect();
            json!({"move": step(f, &m.step), "sanctions": sanctions})
        })
        .collect();
    json!({
        "state": w.state + 1,
        "decision_maker": f.dm(w.dm),
        "stable": stable,
        "improvements": improvements,
    })
}

fn reached(f: &Found, r: &Reached) -> Value {
    let equilibria: Map<String, Value> = Concept::ALL
        .into_iter()
        .map(|c| {
            let ids: Vec<usize> = r.equilibria_under(c).iter().map(|s| s + 1).collect();
            (c.key().to_string(), json!(ids))
        })
        .collect();
    let paths: Vec<Value> = r
        .equilibria
        .iter()
        .map(|e| {
            json!({
                "to": e.state + 1,
                "concepts": e.concepts.iter().map(|c| c.key()).collect::<Vec<_>>(),
                "steps": e.steps.iter().map(|s| step(f, s)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "reachable": r.reach.reachable().iter().map(|s| s + 1).collect::<Vec<_>>(),
        "equilibria": equilibria,
        "paths": paths,
    })
}

fn paths(f: &Found, p: &StatusQuoPaths) -> Value {
    json!({
        "status_quo": p.status_quo + 1,
        "moves": reached(f, &p.by_moves),
        "improvements": reached(f, &p.by_improvements),
    })
}
