//! The order of a tournament's negotiations: which strategies take the
//! seats of a scenario, in which order ([`assignments`]). Rules: every
//! ordered choice of n strategies appears once (with repeats only under
//! self-play), grouped by the multiset of strategies seated, multisets in
//! lexicographic order, each followed by its distinct orderings in
//! lexicographic order; the numbering of negotiations rests on this order.
//! Shard i of n (i from 1) holds the negotiations whose number is i − 1
//! modulo n ([`in_shard`]), for tournaments and leagues alike, and a shard
//! outside 1 ≤ i ≤ n is refused ([`check_shard`]).

use crate::error::SimError;

/// Checks a shard `(i, n)`: 1 ≤ i ≤ n, else [`SimError::BadShard`]; no
/// shard (the whole run) is always fine.
pub fn check_shard(shard: Option<(usize, usize)>) -> Result<(), SimError> {
    match shard {
        Some((i, n)) if n == 0 || i == 0 || i > n => Err(SimError::BadShard { shard: i, of: n }),
        _ => Ok(()),
    }
}

/// Whether negotiation number `id` belongs to `shard` (`(i, n)`, checked by
/// [`check_shard`]): the negotiations whose number is i − 1 modulo n; with
/// no shard, every negotiation does.
pub fn in_shard(shard: Option<(usize, usize)>, id: u64) -> bool {
    shard.is_none_or(|(i, n)| n > 0 && id % n as u64 == (i as u64).wrapping_sub(1))
}

/// Every assignment of `k` strategies to `n` seats, in tournament order:
/// multisets of strategy indices in lexicographic order (with distinct
/// members only, unless `self_play`), each followed by its distinct
/// orderings in lexicographic order.
pub fn assignments(k: usize, n: usize, self_play: bool) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    if n == 0 || k == 0 || (!self_play && n > k) {
        return out;
    }
    // Non-decreasing (strictly increasing without self-play) index tuples.
    let step = usize::from(!self_play);
    let mut set: Vec<usize> = (0..n).map(|i| i * step).collect();
    loop {
        let mut seats = set.clone();
        loop {
            out.push(seats.clone());
            if !next_permutation(&mut seats) {
                break;
            }
        }
        // Next multiset: raise the last position that can still grow.
        let Some(i) = (0..n).rev().find(|&i| set[i] + (n - 1 - i) * step < k - 1) else {
            break;
        };
        set[i] += 1;
        for j in i + 1..n {
            set[j] = set[j - 1] + step;
        }
    }
    out
}

/// The next distinct permutation in lexicographic order; false (leaving
/// `v` unchanged) after the last one.
fn next_permutation(v: &mut [usize]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        return false;
    };
    let j = (i..v.len())
        .rev()
        .find(|&j| v[j] > v[i - 1])
        .expect("v[i] > v[i - 1]");
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_negotiations_between_them() {
        for n in 1..5usize {
            for id in 0..20u64 {
                let holders: Vec<usize> = (1..=n).filter(|&i| in_shard(Some((i, n)), id)).collect();
                assert_eq!(holders.len(), 1, "negotiation {id} of {n} shards");
                assert!(in_shard(None, id));
            }
            assert!(check_shard(Some((n, n))).is_ok());
        }
        for bad in [(0, 3), (4, 3), (1, 0)] {
            assert!(matches!(
                check_shard(Some(bad)),
                Err(SimError::BadShard { .. })
            ));
        }
        assert!(check_shard(None).is_ok());
    }

    /// The bilateral order as it has always been enumerated.
    fn pairs(k: usize, self_play: bool) -> Vec<Vec<usize>> {
        let mut v = Vec::new();
        for i in 0..k {
            for j in i..k {
                if i == j {
                    if self_play {
                        v.push(vec![i, i]);
                    }
                } else {
                    v.push(vec![i, j]);
                    v.push(vec![j, i]);
                }
            }
        }
        v
    }

    #[test]
    fn two_seats_keep_the_bilateral_order() {
        for k in 0..7 {
            for self_play in [false, true] {
                assert_eq!(assignments(k, 2, self_play), pairs(k, self_play), "{k}");
            }
        }
    }

    #[test]
    fn three_seats() {
        assert_eq!(
            assignments(3, 3, false),
            [
                [0, 1, 2],
                [0, 2, 1],
                [1, 0, 2],
                [1, 2, 0],
                [2, 0, 1],
                [2, 1, 0]
            ]
        );
        assert_eq!(
            assignments(2, 3, true),
            [
                [0, 0, 0],
                [0, 0, 1],
                [0, 1, 0],
                [1, 0, 0],
                [0, 1, 1],
                [1, 0, 1],
                [1, 1, 0],
                [1, 1, 1]
            ]
        );
        assert!(assignments(2, 3, false).is_empty());
        // Groups of four strategies: every ordered choice, each once.
        for (self_play, count) in [(false, 4 * 3 * 2), (true, 4 * 4 * 4)] {
            let a = assignments(4, 3, self_play);
            assert_eq!(a.len(), count);
            let distinct: std::collections::BTreeSet<_> = a.iter().collect();
            assert_eq!(distinct.len(), count);
            // Grouped by strategy set, sets in lexicographic order.
            let sets: Vec<Vec<usize>> = a
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s.sort();
                    s
                })
                .collect();
            assert!(sets.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn permutations_of_a_multiset() {
        let mut v = vec![0, 1, 1];
        let mut all = vec![v.clone()];
        while next_permutation(&mut v) {
            all.push(v.clone());
        }
        assert_eq!(all, [[0, 1, 1], [1, 0, 1], [1, 1, 0]]);
        assert_eq!(v, [1, 1, 0]);
    }
}
