//! Named, seedable random streams. Results depend only on the scenario's seed.
//!
//! - Visitors: replication `r`, chunk `c` (a fixed block of [`super::CHUNK_VISITORS`]
//!   visitors) draws from `Xoshiro256PlusPlus::seed_from_u64(mix(seed, 1, r, c))`.
//! - Uncertain inputs: input with stream id `s` (a hash of its field path) draws its
//!   replication-`r` value from `Xoshiro256PlusPlus::seed_from_u64(mix(seed, 2, r, s))`.
//! - Shoppers: each shopper with a cart draws one 64-bit key from the chunk stream.
//!   Their cart, membership and spend come from their own stream [`shopper_rng`]
//!   (seeded by `splitmix64(key + 4 * GOLDEN)`); the uniform for decision `d`
//!   (checkout, tier top-up, slot `j` ...) is `splitmix64(key + (d + 1) * GOLDEN)`.
//!   Every strategy uses the same uniform for the same decision (common random
//!   numbers), however many decisions it makes.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream.
pub type StreamRng = Xoshiro256PlusPlus;

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function: a bijective 64-bit mixer.
#[inline]
pub fn splitmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn mix(seed: u64, domain: u64, a: u64, b: u64) -> u64 {
    let mut h = splitmix64(seed ^ GOLDEN);
    for x in [domain, a, b] {
        h = splitmix64(h ^ x.wrapping_mul(GOLDEN));
    }
    h
}

/// The stream of chunk `chunk` of replication `rep`.
pub fn chunk_rng(seed: u64, rep: u32, chunk: u64) -> StreamRng {
    StreamRng::seed_from_u64(mix(seed, 1, u64::from(rep), chunk))
}

/// The stream of one uncertain input in replication `rep`.
pub fn input_rng(seed: u64, rep: u32, stream: u64) -> StreamRng {
    StreamRng::seed_from_u64(mix(seed, 2, u64::from(rep), stream))
}

/// Decision ids for [`decision_uniform`].
pub mod decision {
    /// Checkout completion.
    pub const CHECKOUT: u64 = 0;
    /// Tier-prompt top-up.
    pub const TIER: u64 = 1;
    /// Whether a shopper who cannot complete under a strategy is sampled for that
    /// strategy's shown and accepted counts.
    pub const SAMPLE: u64 = 2;
    /// The seed of the shopper's own stream (cart size, items, membership, spend).
    pub const SHOPPER_STREAM: u64 = 3;
    /// Whether the shopper's order may show confirmation-page offers (MODEL.md
    /// rule 17): the same under every strategy.
    pub const ELIGIBLE: u64 = 4;
    /// Whether the shopper tops up for free shipping when prompted (MODEL.md rule 22).
    pub const SHIP: u64 = 5;
    /// Pre-checkout slot `j` is `PRE + j`.
    pub const PRE: u64 = 16;
    /// Post-checkout offer `j` is `POST + j`.
    pub const POST: u64 = 48;
}

/// The stream of the shopper with key `key`: it draws the cart, membership and spend.
/// Each shopper has its own, so skipping one changes nobody else's draws.
#[inline]
pub fn shopper_rng(key: u64) -> StreamRng {
    StreamRng::seed_from_u64(splitmix64(key.wrapping_add((decision::SHOPPER_STREAM + 1).wrapping_mul(GOLDEN))))
}

/// The uniform in [0, 1) for decision `d` of the shopper with key `key`.
#[inline]
pub fn decision_uniform(key: u64, d: u64) -> f64 {
    (splitmix64(key.wrapping_add((d + 1).wrapping_mul(GOLDEN))) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_distinct_and_reproducible() {
        let a = chunk_rng(7, 0, 0).next_u64();
        assert_eq!(a, chunk_rng(7, 0, 0).next_u64());
        assert_ne!(a, chunk_rng(7, 0, 1).next_u64());
        assert_ne!(a, chunk_rng(7, 1, 0).next_u64());
        assert_ne!(a, chunk_rng(8, 0, 0).next_u64());
        assert_ne!(a, input_rng(7, 0, 0).next_u64());
    }

    #[test]
    fn decision_uniforms_are_uniform() {
        let n = 200_000u64;
        let mut sum = 0.0;
        let mut below = 0;
        for k in 0..n {
            let u = decision_uniform(splitmix64(k), decision::CHECKOUT);
            assert!((0.0..1.0).contains(&u));
            sum += u;
            below += usize::from(u < 0.1);
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.003);
        assert!((below as f64 / n as f64 - 0.1).abs() < 0.003);
        // Different decisions of one shopper are not the same number.
        assert_ne!(decision_uniform(1, decision::PRE), decision_uniform(1, decision::PRE + 1));
    }
}
