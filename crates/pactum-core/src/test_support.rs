//! Helpers shared by the unit tests of several modules.

use crate::model::Issue;

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
