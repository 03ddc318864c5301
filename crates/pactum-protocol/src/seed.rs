//! Seed mixing: independent, reproducible seeds for each seat and each
//! mediator from one negotiation seed (SplitMix64). The same seed and stream
//! always give the same derived seed, on every platform.

/// SplitMix64 of `seed` and `stream`: the seed of one stream (a seat, a
/// mediator, a phase) of a negotiation seeded with `seed`.
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_and_repeat() {
        assert_eq!(derive_seed(7, 1), derive_seed(7, 1));
        assert_ne!(derive_seed(7, 1), derive_seed(7, 2));
        assert_ne!(derive_seed(7, 1), derive_seed(8, 1));
        // Pinned: results in the wild depend on these values.
        assert_eq!(derive_seed(0, 0), 0xe220_a839_7b1d_cdaf);
    }
}
