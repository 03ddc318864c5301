//! Helpers shared by the unit tests of several modules.

use crate::model::{
    AdditiveUtility, Issue, Party, Preferences, Role, UtilityFunction, ValueFunction,
};

/// Every outcome of the space, as value indices, last issue fastest.
pub(crate) fn all_outcomes(issues: &[Issue]) -> Vec<Vec<u32>> {
    let mut all = vec![Vec::new()];
    for issue in issues {
        all = all
            .into_iter()
            .flat_map(|o: Vec<u32>| {
                (0..issue.cardinality() as u32).map(move |k| {
                    let mut o = o.clone();
                    o.push(k);
                    o
                })
            })
            .collect();
    }
    all
}

/// A negotiator with additive preferences: `weights` and `values` one per
/// issue, and its reservation value.
pub(crate) fn additive_negotiator(
    name: &str,
    weights: Vec<f64>,
    values: Vec<ValueFunction>,
    reservation_value: Option<f64>,
) -> Party {
    Party {
        name: name.into(),
        role: Role::Negotiator,
        representative: None,
        notes: None,
        preferences: Some(Preferences {
            utility: UtilityFunction::Additive(AdditiveUtility { weights, values }),
            reservation_value,
            discount_factor: None,
            red_lines: vec![],
        }),
    }
}
