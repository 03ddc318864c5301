//! Checking a draft with the scenario validator, part by part.
//!
//! Rules: the text checked is the text written (rendered, then read by
//! pactum-core's TOML reader, which runs every scenario check); parts are
//! added one at a time in file order — issues (beside a stand-in observer,
//! since a scenario needs a party), then each party with its red lines,
//! then, if that fails, the party without them and its red lines one by
//! one — and a part whose addition the validator refuses is left out with
//! the validator's error. The result is the largest set so built, so the
//! written file loads whenever one party passes.

use pactum_core::native::from_toml;

use super::ground::Grounded;
use super::report::LeftOut;
use super::write::{Fate, Header, Plan, render};

/// The validator's error for `text`, if it refuses it.
pub fn refuse(text: &str) -> Option<String> {
    from_toml("draft", text).err().map(|e| e.to_string())
}

fn probe_name(g: &Grounded) -> String {
    let mut name = "stand-in observer".to_string();
    while g.parties.iter().any(|p| p.item.name == name) {
        name.push('\'');
    }
    name
}

/// The parts of `g` the validator accepts, and those it refuses.
pub fn settle(g: &Grounded, header: &Header) -> (Plan, Vec<LeftOut>) {
    let mut plan = Plan::none(g, "not checked");
    let probe = probe_name(g);
    let check = |plan: &Plan| refuse(&render(g, plan, header, Some(&probe)));
    for i in 0..g.issues.len() {
        plan.issues[i] = Fate::Kept;
        if let Some(e) = check(&plan) {
            plan.issues[i] = Fate::LeftOut(e);
        }
    }
    for p in 0..g.parties.len() {
        plan.parties[p] = Fate::Kept;
        let reds = g.parties[p].red_lines.len();
        plan.red_lines[p] = vec![Fate::Kept; reds];
        let Some(with_all) = check(&plan) else {
            continue;
        };
        plan.red_lines[p] = vec![Fate::LeftOut("not checked".into()); reds];
        match check(&plan) {
            Some(e) => {
                plan.parties[p] = Fate::LeftOut(if reds == 0 { with_all } else { e });
                plan.red_lines[p] = vec![Fate::LeftOut("its party is left out".into()); reds];
            }
            None => {
                for r in 0..reds {
                    plan.red_lines[p][r] = Fate::Kept;
                    if let Some(e) = check(&plan) {
                        plan.red_lines[p][r] = Fate::LeftOut(e);
                    }
                }
            }
        }
    }
    let mut left_out = Vec::new();
    for (issue, fate) in g.issues.iter().zip(&plan.issues) {
        if let Fate::LeftOut(e) = fate {
            left_out.push(LeftOut {
                item: format!("issue {:?}", issue.item.name),
                error: e.clone(),
            });
        }
    }
    for ((party, fate), reds) in g.parties.iter().zip(&plan.parties).zip(&plan.red_lines) {
        if let Fate::LeftOut(e) = fate {
            left_out.push(LeftOut {
                item: format!("party {:?}", party.item.name),
                error: e.clone(),
            });
            continue;
        }
        for (red, fate) in party.red_lines.iter().zip(reds) {
            if let Fate::LeftOut(e) = fate {
                left_out.push(LeftOut {
                    item: format!("red line of {:?} on {:?}", party.item.name, red.item.issue),
                    error: e.clone(),
                });
            }
        }
    }
    (plan, left_out)
}
