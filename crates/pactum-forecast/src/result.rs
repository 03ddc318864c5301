//! The serialisable result every model returns, so callers (CLI, back-tests) need not know
//! which model produced it.
//!
//! Rules: a [`Round`] holds one value per actor, in actor order, and shares its case's actor
//! names (kept once, with their sorted order computed once) with every other round of the
//! case. A round reads and serialises as a map keyed by actor name: keys in sorted order, one
//! entry per distinct name, and where several actors share a name the last one's value (what a
//! map built by inserting the actors in order keeps). Two rounds are equal when those entries
//! are.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A case's actor names, in actor order, with the order a [`Round`] lists them in.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ActorNames {
    /// The names, in actor order.
    names: Vec<String>,
    /// Indices into `names`, by name ascending; one per distinct name (the last actor holding
    /// it).
    sorted: Vec<usize>,
}

impl ActorNames {
    /// `names`, in actor order, to share among the rounds built on them.
    pub(crate) fn new(names: Vec<String>) -> Arc<Self> {
        let mut sorted: Vec<usize> = (0..names.len()).collect();
        // By name; among equal names the later actor first, so that deduplication keeps it.
        sorted.sort_unstable_by(|&a, &b| names[a].cmp(&names[b]).then(b.cmp(&a)));
        sorted.dedup_by(|a, b| names[*a] == names[*b]);
        Arc::new(Self { names, sorted })
    }
}

/// Positions (or probabilities) of every actor at one round, read by actor name.
///
/// Serialised as a JSON object keyed by actor name, keys sorted; an actor name held by several
/// actors appears once, with the last such actor's value.
#[derive(Clone)]
pub struct Round {
    names: Arc<ActorNames>,
    /// One value per name of `names`, in actor order.
    values: Vec<f64>,
}

impl Round {
    /// The round of `values`, one per actor of `names` in actor order; a missing value is
    /// left out of the round, an extra one ignored.
    pub(crate) fn new(names: &Arc<ActorNames>, mut values: Vec<f64>) -> Self {
        values.truncate(names.names.len());
        Self {
            names: Arc::clone(names),
            values,
        }
    }

    /// The value of the actor named `actor` (the last of that name), if the round has one.
    pub fn get(&self, actor: &str) -> Option<f64> {
        let names = &self.names.names;
        let at = self
            .names
            .sorted
            .binary_search_by(|&i| names[i].as_str().cmp(actor))
            .ok()?;
        self.values.get(self.names.sorted[at]).copied()
    }

    /// `(actor name, value)` pairs, by name ascending, one per distinct name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> + '_ {
        self.names
            .sorted
            .iter()
            .filter_map(|&i| Some((self.names.names[i].as_str(), *self.values.get(i)?)))
    }

    /// The values, in the order of [`iter`](Self::iter).
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// How many entries the round has (distinct actor names with a value).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the round has no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq for Round {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl fmt::Debug for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Round {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Round {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RoundVisitor;
        impl<'de> Visitor<'de> for RoundVisitor {
            type Value = Round;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from actor names to numbers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Round, A::Error> {
                // Later entries of a repeated name replace earlier ones, as in any map.
                let mut entries = BTreeMap::new();
                while let Some((name, value)) = access.next_entry::<String, f64>()? {
                    entries.insert(name, value);
                }
                let (names, values): (Vec<String>, Vec<f64>) = entries.into_iter().unzip();
                Ok(Round::new(&ActorNames::new(names), values))
            }
        }
        deserializer.deserialize_map(RoundVisitor)
    }
}

/// Forecast for one issue dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionForecast {
    /// Dimension name (the input column for multi-dimensional cases).
    pub dimension: String,
    /// The model's point forecast, in the case's units.
    pub forecast: f64,
    /// Positions by round; the first entry holds the initial positions. One-shot models give
    /// only the initial positions.
    pub rounds: Vec<Round>,
    /// Per round, the probability the model gives each actor's position, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<Round>>,
    /// Model-specific scalar outputs (e.g. `mean`, `median`, `prob_weighted`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub summary: BTreeMap<String, f64>,
}

/// A model's forecast for one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The model's name.
    pub model: String,
    /// The case's name.
    pub case: String,
    /// One forecast per issue dimension.
    pub dimensions: Vec<DimensionForecast>,
    /// What the model did that a reader should know (fallbacks, aborted runs, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Forecast {
    /// Point forecast of the first dimension (the only one of a 1-D case).
    pub fn value(&self) -> f64 {
        self.dimensions[0].forecast
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map today's readers expect: built by inserting every actor in order.
    fn oracle(names: &[String], values: &[f64]) -> BTreeMap<String, f64> {
        names.iter().cloned().zip(values.iter().copied()).collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// A seeded stream of small numbers (a linear congruential generator).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn a_round_reads_and_serialises_as_the_map_of_its_actors() {
        let mut rng = Lcg(7);
        let pool = ["b", "a", "é", "A", "a b", "\"q\"", "z", ""];
        for _ in 0..300 {
            let n = 1 + rng.below(7) as usize;
            let ns: Vec<String> = (0..n)
                .map(|_| pool[rng.below(pool.len() as u64) as usize].to_string())
                .collect();
            let vs: Vec<f64> = (0..n).map(|_| rng.below(1000) as f64 / 7.0).collect();
            let want = oracle(&ns, &vs);
            let round = Round::new(&ActorNames::new(ns.clone()), vs.clone());
            assert_eq!(
                serde_json::to_string_pretty(&round).unwrap(),
                serde_json::to_string_pretty(&want).unwrap(),
                "{ns:?}"
            );
            assert_eq!(round.len(), want.len());
            for (i, name) in ns.iter().enumerate() {
                assert_eq!(round.get(name), want.get(name).copied(), "{ns:?} {i}");
            }
            assert_eq!(round.get("missing"), None);
            assert!(round.values().eq(want.values().copied()));
        }
    }

    #[test]
    fn the_last_actor_of_a_repeated_name_is_kept() {
        let ns = names(&["B", "A", "B"]);
        let round = Round::new(&ActorNames::new(ns.clone()), vec![1.0, 2.0, 3.0]);
        assert_eq!(round.iter().collect::<Vec<_>>(), [("A", 2.0), ("B", 3.0)]);
        assert_eq!(
            serde_json::to_string(&round).unwrap(),
            r#"{"A":2.0,"B":3.0}"#
        );
    }

    #[test]
    fn a_round_survives_a_json_round_trip() {
        let ns = names(&["Zed", "Amy", "Kim"]);
        let round = Round::new(&ActorNames::new(ns.clone()), vec![0.5, 10.0, 99.25]);
        let json = serde_json::to_string(&round).unwrap();
        let back: Round = serde_json::from_str(&json).unwrap();
        assert_eq!(back, round);
        assert_eq!(back.get("Kim"), Some(99.25));
        assert!(serde_json::from_str::<Round>(r#"{"A":"x"}"#).is_err());
        assert!(serde_json::from_str::<Round>("[1]").is_err());
    }

    #[test]
    fn missing_values_are_left_out() {
        let ns = names(&["A", "B"]);
        let round = Round::new(&ActorNames::new(ns.clone()), vec![1.0]);
        assert_eq!(round.get("B"), None);
        assert_eq!(round.len(), 1);
        assert_eq!(serde_json::to_string(&round).unwrap(), r#"{"A":1.0}"#);
    }
}
