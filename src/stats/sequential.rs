//! Always-valid intervals for a test that is looked at every day: an asymptotic
//! confidence sequence, which covers the true value at every look at once with
//! probability at least 1 - alpha, so stopping the day it excludes zero keeps the
//! false-positive rate at alpha.
//!
//! The boundary is Robbins' normal mixture, in the asymptotic form of Waudby-Smith,
//! Arbour, Sinha, Kennedy and Ramdas, "Time-uniform central limit theory and
//! asymptotic confidence sequences" (Annals of Statistics, 2024), the form Eppo's and
//! Statsig's sequential tests use; with a known variance it is the mixture sequential
//! probability ratio test of Johari, Koomen, Pekelis and Walsh, "Always valid
//! inference: continuous monitoring of A/B tests" (Operations Research 70(3), 2022).
//! For an estimator with standard error `se` after `n` units (visitors), the
//! half-width is
//!
//! ```text
//! se x sqrt( 2 (n rho^2 + 1) / (n rho^2) x ln( sqrt(n rho^2 + 1) / alpha ) ),
//! ```
//!
//! with `rho` chosen before the test so that the sequence is tightest at the planned
//! number of units `m`: `rho^2 = (2 ln(1 / alpha) + ln(1 + 2 ln(1 / alpha))) / m`
//! (the paper's choice). At the planned size it is about 1.55 times the fixed-horizon
//! interval at 95%; that is the price of looking every day.

/// `rho^2` of the sequence tightest at `planned` units, at level `alpha`.
pub fn tuning(planned: f64, alpha: f64) -> f64 {
    let l = 2.0 * (1.0 / alpha).ln();
    (l + (1.0 + l).ln()) / planned.max(1.0)
}

/// The half-width of the always-valid interval of an estimator with standard error
/// `se` after `n` units, for the sequence tuned by [`tuning`] (`rho2`), at level
/// `alpha` (two-sided).
pub fn half_width(se: f64, n: f64, rho2: f64, alpha: f64) -> f64 {
    let v = n.max(1.0) * rho2;
    se * (2.0 * (v + 1.0) / v * ((v + 1.0).sqrt() / alpha).ln()).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At the planned size the interval is about 1.55 times the fixed one at 95%, and
    /// wider everywhere else: the sequence is tightest where it was tuned.
    #[test]
    fn the_sequence_is_tightest_at_the_planned_size() {
        let (m, alpha) = (10_000.0, 0.05);
        let rho2 = tuning(m, alpha);
        // se shrinks as 1 / sqrt(n): compare the multiplier of 1 / sqrt(n).
        let at = |n: f64| half_width(1.0 / n.sqrt(), n, rho2, alpha) * n.sqrt();
        let z = crate::stats::normal_quantile(0.975);
        assert!((at(m) / z - 1.55).abs() < 0.02, "{}", at(m) / z);
        for n in [100.0, 1_000.0, 5_000.0, 20_000.0, 1e5, 1e6] {
            assert!(at(n) > at(m) - 0.005, "{n}: {} vs {}", at(n), at(m));
        }
    }

    /// A standard normal random walk looked at after every step stays inside the
    /// sequence with probability at least 1 - alpha; the fixed interval, looked at as
    /// often, does not.
    #[test]
    fn a_random_walk_looked_at_every_step_crosses_at_most_alpha_of_the_time() {
        use rand::{RngExt, SeedableRng};
        let (steps, walks, alpha) = (200usize, 2_000, 0.05);
        let rho2 = tuning(steps as f64, alpha);
        let z = crate::stats::normal_quantile(1.0 - alpha / 2.0);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let normal = rand_distr::StandardNormal;
        let (mut sequential, mut fixed) = (0, 0);
        for _ in 0..walks {
            let mut s = 0.0;
            let (mut crossed, mut peeked) = (false, false);
            for n in 1..=steps {
                let x: f64 = rng.sample(normal);
                s += x;
                let (mean, se) = (s / n as f64, 1.0 / (n as f64).sqrt());
                crossed |= mean.abs() > half_width(se, n as f64, rho2, alpha);
                peeked |= mean.abs() > z * se;
            }
            sequential += usize::from(crossed);
            fixed += usize::from(peeked);
        }
        let (s, f) = (sequential as f64 / walks as f64, fixed as f64 / walks as f64);
        assert!(s <= alpha, "always-valid: {s}");
        assert!(f > 3.0 * alpha, "fixed intervals looked at every step: {f}");
    }
}
