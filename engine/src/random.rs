//! Replayable random choices on top of a ChaCha stream.
//!
//! Form assembly and option order must be reproducible years later from the stored seed
//! (invariant 4). `rand`'s own `shuffle` may change its algorithm between versions, so the two
//! primitives we rely on are written here and frozen: Lemire's unbiased bounded integer and the
//! Fisher–Yates shuffle (Knuth, 1997, *TAOCP* vol. 2, algorithm P).

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The attempt's random stream: ChaCha20 seeded from the stored 64-bit seed.
pub fn attempt_rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// The stream for the option order of the item at `position` (1-based) in an adaptive
/// attempt: its own ChaCha stream of the attempt's seed (stream 0 is item selection), so each
/// item's option order is reproducible without replaying the items before it.
pub fn option_rng(seed: u64, position: u64) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(position);
    rng
}

/// A uniform integer in `0..n` without modulo bias (Lemire, 2019, "Fast random integer
/// generation in an interval", ACM TOMACS 29(1)). Returns 0 when `n` is 0.
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    let mut low = m as u32;
    if low < n {
        let threshold = n.wrapping_neg() % n;
        while low < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
            low = m as u32;
        }
    }
    (m >> 32) as u32
}

/// A uniform number in `[0, 1)`: the top 53 bits of one 64-bit draw, scaled by 2⁻⁵³.
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw by Box–Muller from two [`unit`] draws (the second variate is
/// discarded, so each draw takes exactly two numbers from the stream and is easy to replay).
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let (u1, u2) = (unit(rng).max(f64::MIN_POSITIVE), unit(rng));
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Shuffles `items` in place with Fisher–Yates, drawing from `rng`.
pub fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let bound = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let j = below(rng, bound) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_shuffle() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        shuffle(&mut a, &mut attempt_rng(7));
        shuffle(&mut b, &mut attempt_rng(7));
        assert_eq!(a, b);
        let mut c: Vec<u32> = (0..50).collect();
        shuffle(&mut c, &mut attempt_rng(8));
        assert_ne!(a, c, "different seeds should give different orders");
    }

    #[test]
    fn a_shuffle_is_a_permutation() {
        let mut a: Vec<u32> = (0..200).collect();
        shuffle(&mut a, &mut attempt_rng(1));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn below_is_roughly_uniform() {
        let mut rng = attempt_rng(42);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[below(&mut rng, 3) as usize] += 1;
        }
        for c in counts {
            assert!((9_400..10_600).contains(&c), "counts {counts:?}");
        }
    }

    #[test]
    fn the_chacha_stream_is_frozen() {
        // A replay years from now must see the same first draws for the same seed.
        let mut rng = attempt_rng(2026);
        let first: Vec<u32> = (0..4).map(|_| below(&mut rng, 1000)).collect();
        let mut again = attempt_rng(2026);
        let second: Vec<u32> = (0..4).map(|_| below(&mut again, 1000)).collect();
        assert_eq!(first, second);
    }
}
