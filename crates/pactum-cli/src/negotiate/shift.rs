//! `--shift PHASE:PARTY.reservation=X`: parsing one (the phase within the
//! session, the party a negotiator, only reservation values shifting).

use anyhow::Result;
use pactum_sim::Prepared;
use pactum_sim::phases::Shift;

/// Parses `PHASE:PARTY.reservation=X`; the part after the colon is a
/// `--set` override (`pactum_core::overrides::Override`, which checks it),
/// restricted to reservation values, the only thing a session can change
/// between phases.
pub(super) fn parse_shift(spec: &str, p: &Prepared, phases: usize) -> Result<Shift> {
    let bad = |msg: String| anyhow::anyhow!("--shift {spec:?}: {msg}");
    let (phase, change) = spec
        .split_once(':')
        .ok_or_else(|| bad("expected PHASE:PARTY.reservation=X".into()))?;
    let phase: usize = phase
        .trim()
        .parse()
        .map_err(|_| bad(format!("phase {:?} is not a number", phase.trim())))?;
    if phase == 0 || phase > phases {
        return Err(bad(format!(
            "phase {phase} is out of range (the session has {phases} phase{}, numbered from 1)",
            if phases == 1 { "" } else { "s" }
        )));
    }
    let (key, _) = change
        .split_once('=')
        .ok_or_else(|| bad("expected PHASE:PARTY.reservation=X".into()))?;
    let party = key.trim().strip_suffix(".reservation").ok_or_else(|| {
        bad(format!(
            "only reservation values can shift between phases: expected PARTY.reservation=X, got {:?}",
            key.trim()
        ))
    })?;
    let names = p.names();
    let seat = names.iter().position(|n| n == party).ok_or_else(|| {
        let what = if p.scenario.party_index(party).is_some() {
            format!("{party:?} is not a negotiator")
        } else {
            format!("unknown party {party:?}")
        };
        bad(format!("{what} (negotiators: {})", names.join(", ")))
    })?;
    let parsed = pactum_core::overrides::Override::parse(&p.scenario, change.trim())
        .map_err(|e| bad(e.reason.to_string()))?;
    if parsed.party() != p.negotiators[seat] {
        return Err(bad(format!("ambiguous party name {:?}", key.trim())));
    }
    let value = parsed.value();
    Ok(Shift { phase, seat, value })
}
