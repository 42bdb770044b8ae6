//! Confidence intervals that stay valid with few or no events, for one replication's
//! rates and paired differences (docs/model.md, "Intervals within a replication").

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's score interval for a proportion `k / n` (`n > 0`): valid with no events
/// (`[0, z^2 / (n + z^2)]` at `k = 0`), unlike the Wald interval, which is `[0, 0]`
/// there. `n` may be an effective (non-integer) sample size.
pub fn wilson(k: f64, n: f64, z: f64) -> (f64, f64) {
    if n <= 0.0 || !n.is_finite() {
        return (0.0, 1.0);
    }
    let p = (k / n).clamp(0.0, 1.0);
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The two-sided 95% quantile of Student's t with `df` degrees of freedom (`df >= 1`;
/// the normal's beyond 10^6).
pub fn t95(df: f64) -> f64 {
    if df.is_nan() || df >= 1e6 {
        return Z95;
    }
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df.max(1.0)).map_or(Z95, |t| t.inverse_cdf(0.975))
}

/// The effective number of terms of a sum of independent terms with sum of squares
/// `s2` and sum of fourth powers `s4` (Satterthwaite): `s2^2 / s4`, the number of
/// equal terms with the same spread. A few large terms give a small number, and a
/// normal interval on the sum then covers less than it claims.
pub fn effective_terms(s2: f64, s4: f64) -> f64 {
    if s4 > 0.0 && s2 > 0.0 { s2 * s2 / s4 } else { f64::INFINITY }
}

/// Orders one strategy has and the other lacks (discordant orders), as they move a
/// lift: `count` of them seen, each moving the lift by `effect` on average and adding
/// `variance` to the lift's variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Discordant {
    /// Orders seen.
    pub count: f64,
    /// Mean change of the lift per order (positive).
    pub effect: f64,
    /// Variance each order adds to the lift (its value squared, scaled).
    pub variance: f64,
}

impl Discordant {
    /// Variance the lift gains per unit it moves towards more of these events, when
    /// it has variance `v`: a deviation d of the lift means, on average, count x
    /// effect / v x d more of them (the regression of their count on the lift; the
    /// rest of a deviation is the other visitors' noise, which does not grow), each
    /// adding `variance`.
    fn slope(&self, v: f64) -> f64 {
        if self.count > 0.0 && self.effect > 0.0 && v > 0.0 {
            self.count * self.effect * self.variance / v
        } else {
            0.0
        }
    }

    /// What the lift's variance loses per unit it moves away from these events (there
    /// are fewer of them there), where `other` events, moving it the other way, are
    /// none: with a few rare events of both kinds the two narrowings compound and the
    /// interval covered 94% where it should 95%; it then keeps the normal width on
    /// that side (conservative).
    fn slope_away(&self, v: f64, other: &Discordant) -> f64 {
        if other.count > 0.0 { 0.0 } else { self.slope(v) }
    }
}

/// A 95% interval for a lift whose variance `se^2` includes a few discrete events:
/// `lost` (the holdout's orders the strategy loses, which lower the lift) and `gained`
/// (orders only the strategy has, and rare additions such as tier top-ups, which raise
/// it). As in Wilson's interval, the bound on each side uses the variance the data
/// would have there rather than at the estimate: a lift lower than measured means more
/// lost orders (as many as their count's regression on the lift says), and their count
/// is Poisson-like, so the variance grows with it; a higher lift, more gained events.
/// Where only one kind occurs, the other side narrows by the same rule (fewer of them
/// there); with both, neither narrows. A short holdout of cart suggestions with a
/// dozen lost orders is the case it is for: a replication that happens to lose fewer
/// has both a higher lift and a smaller standard error, and the normal interval then
/// misses above the truth.
pub fn discordant_lift(value: f64, se: f64, z: f64, lost: Discordant, gained: Discordant) -> (f64, f64) {
    let v = se * se;
    // delta^2 = z^2 (v + delta c): the half-width with c more variance per unit.
    // Each side's variance moves with both kinds: a lower lift means more lost orders
    // and fewer gained events (the latter only where no lost orders occur at all:
    // [`Discordant::slope_away`]).
    let half = |c: f64| (z * z * c + (z.powi(4) * c * c + 4.0 * z * z * v).sqrt()) / 2.0;
    (
        value - half(lost.slope(v) - gained.slope_away(v, &lost)),
        value + half(gained.slope(v) - lost.slope_away(v, &gained)),
    )
}

/// A 95%-type interval (two-sided level 1 - `alpha`) for the expectation of a sum of
/// a Poisson number of events of varying size, from the observed sum, the sum of the
/// sizes' squares and their mean: Fay and Feuer's (1997) gamma interval, with
/// Tiwari et al.'s (2006) mean size for the unseen next event. A few events of very
/// different sizes (a tier prompt's handful of top-ups) make the normal interval miss
/// below; this one holds its level there and tends to it as events grow.
pub fn weighted_poisson(sum: f64, sum_sq: f64, mean_size: f64, alpha: f64) -> (f64, f64) {
    use statrs::distribution::{ContinuousCDF, Gamma};
    let quantile = |y: f64, v: f64, p: f64| Gamma::new(y * y / v, y / v).map_or(f64::NAN, |g| g.inverse_cdf(p));
    let lo = if sum > 0.0 && sum_sq > 0.0 { quantile(sum, sum_sq, alpha / 2.0) } else { 0.0 };
    let (y, v) = (sum + mean_size, sum_sq + mean_size * mean_size);
    let hi = if y > 0.0 && v > 0.0 { quantile(y, v, 1.0 - alpha / 2.0) } else { 0.0 };
    (lo, hi)
}

/// The mid-p exact interval for the mean of a Poisson count `k` at two-sided level
/// 1 - `alpha` (Lancaster 1961): the means at which half the probability of `k` plus
/// that of the counts beyond it, on each side, is `alpha` / 2. Unlike the exact
/// (Garwood) interval it is not conservative by construction: its coverage is close
/// to the nominal level on average over the mean, as a few events need.
pub fn poisson_mid_p(k: u64, alpha: f64) -> (f64, f64) {
    use statrs::distribution::{Discrete, DiscreteCDF, Poisson};
    let tail = |lambda: f64, upper: bool| -> f64 {
        let Ok(p) = Poisson::new(lambda.max(1e-300)) else { return 0.0 };
        let at = 0.5 * p.pmf(k);
        if upper { p.sf(k) + at } else { k.checked_sub(1).map_or(0.0, |j| p.cdf(j)) + at }
    };
    // The tail above k grows with the mean, the tail below falls; bisection on each.
    let solve = |upper: bool| {
        let (mut lo, mut hi) = (0.0f64, (k as f64 + 10.0) * 4.0 + 50.0);
        // 64 halvings of at most a few hundred: far below a count's resolution.
        for _ in 0..64 {
            let mid = 0.5 * (lo + hi);
            let t = tail(mid, upper);
            if (t < alpha / 2.0) == upper {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    (if k == 0 { 0.0 } else { solve(true) }, solve(false))
}

/// Tango's (1998) score interval for the difference of two proportions measured on
/// the same `n = a + b + c + d` units, `(a + b) / n - (a + c) / n = (b - c) / n`: the
/// differences `delta` whose score statistic (b - c - n delta) / sqrt(n (2 p + delta
/// (1 - delta))), p the constrained maximum-likelihood estimate of the probability of
/// the second discordant cell, lies within `z`. It rests on the discordant counts
/// alone, keeps a width when they are zero, and holds close to its nominal level where
/// they are few (Tango 1998, Newcombe 1998's comparison), where Newcombe's hybrid
/// interval, built from the margins, is several times too wide.
pub fn tango_paired(b: f64, c: f64, n: f64, z: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (-1.0, 1.0);
    }
    let score = |delta: f64| -> f64 {
        let w = -b - c + (2.0 * n - b + c) * delta;
        let p = ((w * w + 8.0 * n * c * delta * (1.0 - delta)).max(0.0).sqrt() - w) / (4.0 * n);
        let var = n * (2.0 * p + delta * (1.0 - delta));
        let top = b - c - n * delta;
        if var > 0.0 {
            top / var.sqrt()
        } else if top == 0.0 {
            0.0
        } else {
            top.signum() * f64::INFINITY
        }
    };
    let estimate = (b - c) / n;
    // The score falls as delta rises; each bound by bisection within [-1, 1].
    let solve = |from: f64, to: f64, target: f64| {
        let (mut lo, mut hi) = (from, to);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if (score(mid) > target) == (from < to) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    (solve(estimate, -1.0, z).min(estimate), solve(estimate, 1.0, -z).max(estimate))
}

/// Pools two kinds of events that move a lift the same way into one.
pub fn pooled(a: Discordant, b: Discordant) -> Discordant {
    let count = a.count + b.count;
    if count <= 0.0 {
        return Discordant { count: 0.0, effect: 0.0, variance: 0.0 };
    }
    Discordant {
        count,
        effect: (a.count * a.effect + b.count * b.effect) / count,
        variance: (a.count * a.variance + b.count * b.variance) / count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_and_effective_terms() {
        assert!((t95(1.0) - 12.706).abs() < 1e-3);
        assert!((t95(10.0) - 2.228).abs() < 1e-3);
        assert_eq!(t95(f64::INFINITY), Z95);
        // Ten equal terms count as ten; one dominant term as about one.
        assert!((effective_terms(10.0, 10.0) - 10.0).abs() < 1e-12);
        assert!(effective_terms(100.0 + 9.0, 10_000.0 + 9.0) < 1.2);
    }

    #[test]
    fn discordant_lift_bounds() {
        let none = Discordant { count: 0.0, effect: 0.0, variance: 0.0 };
        // No discrete event: the normal interval.
        assert_eq!(discordant_lift(0.1, 0.02, Z95, none, none), (0.1 - Z95 * 0.02, 0.1 + Z95 * 0.02));
        // Lost orders alone: the bound below is farther and solves its equation with c
        // = count x effect / se^2 x variance (their regression on the lift times each
        // one's variance); the bound above is nearer, by the same rule with -c (fewer
        // of them there).
        let lost = Discordant { count: 12.0, effect: 0.004, variance: 0.004 * 0.004 * 1.5 };
        let v = 0.02f64 * 0.02;
        let c = lost.count * lost.effect * lost.variance / v;
        let (lo, hi) = discordant_lift(0.01, 0.02, Z95, lost, none);
        let (down, up) = (0.01 - lo, hi - 0.01);
        assert!(down > Z95 * 0.02 && up < Z95 * 0.02, "{down} {up}");
        assert!((down * down - Z95 * Z95 * (v + down * c)).abs() < 1e-12);
        assert!((up * up - Z95 * Z95 * (v - up * c)).abs() < 1e-12);
        // Gained events mirror it.
        let (lo2, hi2) = discordant_lift(0.01, 0.02, Z95, none, lost);
        assert!(((hi2 - 0.01) - down).abs() < 1e-12 && ((0.01 - lo2) - up).abs() < 1e-12);
        // Both kinds: each side widens for its own, and neither narrows.
        let (lo3, hi3) = discordant_lift(0.01, 0.02, Z95, lost, lost);
        assert!(((0.01 - lo3) - down).abs() < 1e-12 && ((hi3 - 0.01) - down).abs() < 1e-12);
        // Pooling weighs by count.
        let p = pooled(lost, Discordant { count: 4.0, effect: 0.008, variance: 0.0 });
        assert_eq!(p.count, 16.0);
        assert!((p.effect - (12.0 * 0.004 + 4.0 * 0.008) / 16.0).abs() < 1e-15);
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998, single proportion) table values: 81/263 -> 0.2553-0.3662;
        // 0/20 -> 0-0.1611; 1/29 -> 0.0061-0.1718.
        let close = |(l, u): (f64, f64), (el, eu): (f64, f64)| (l - el).abs() < 5e-4 && (u - eu).abs() < 5e-4;
        assert!(close(wilson(81.0, 263.0, Z95), (0.2553, 0.3662)), "{:?}", wilson(81.0, 263.0, Z95));
        assert!(close(wilson(0.0, 20.0, Z95), (0.0, 0.1611)), "{:?}", wilson(0.0, 20.0, Z95));
        assert!(close(wilson(1.0, 29.0, Z95), (0.0061, 0.1718)), "{:?}", wilson(1.0, 29.0, Z95));
    }

    #[test]
    fn a_weighted_poisson_of_equal_sizes_is_garwoods_exact_interval() {
        // Five events of size 1: Garwood's exact 95% interval for a count of 5 is
        // 1.6235 to 11.6683 (published tables); sizes of 3 scale it by 3.
        let (lo, hi) = weighted_poisson(5.0, 5.0, 1.0, 0.05);
        assert!((lo - 1.6235).abs() < 1e-3 && (hi - 11.6683).abs() < 1e-3, "{lo} {hi}");
        let (lo3, hi3) = weighted_poisson(15.0, 45.0, 3.0, 0.05);
        assert!((lo3 - 3.0 * lo).abs() < 1e-6 * lo3 && (hi3 - 3.0 * hi).abs() < 1e-6 * hi3, "{lo3} {hi3}");
        // Nothing seen: no lower end, an upper end of one unseen event's worth.
        let (lo0, hi0) = weighted_poisson(0.0, 0.0, 2.0, 0.05);
        assert_eq!(lo0, 0.0);
        assert!((hi0 - 2.0 * 3.6889).abs() < 1e-3, "{hi0}");
    }

    #[test]
    fn mid_p_poisson_matches_published_values() {
        // Mid-p 95% limits computed from the definition by summing the Poisson terms
        // (an independent check of the bisection on statrs's distribution): k = 0: 0
        // to -ln 0.05 = 2.9957; k = 1: 0.0500 to 4.9319; k = 4: 1.2709 to 9.6484;
        // k = 10: 5.0795 to 17.8249.
        let close = |(l, u): (f64, f64), (el, eu): (f64, f64)| (l - el).abs() < 1e-3 && (u - eu).abs() < 1e-3;
        for (k, want) in [(0, (0.0, 2.9957)), (1, (0.0500, 4.9319)), (4, (1.2709, 9.6484)), (10, (5.0795, 17.8249))] {
            assert!(close(poisson_mid_p(k, 0.05), want), "{k}: {:?}", poisson_mid_p(k, 0.05));
        }
    }

    #[test]
    fn tango_matches_its_definition_and_keeps_a_width() {
        // Newcombe's example (a = 36, b = 12, c = 2, d = 0): the score at each bound is
        // z (its restricted MLE checked against a numerical one: 0.0611 to 0.3447).
        let (l, u) = tango_paired(12.0, 2.0, 50.0, Z95);
        assert!((l - 0.0611).abs() < 2e-4 && (u - 0.3447).abs() < 2e-4, "{l} {u}");
        // McNemar's at zero: the bounds are where the score equals z.
        let (l, u) = tango_paired(0.0, 0.0, 20_000.0, Z95);
        assert!(l < 0.0 && u > 0.0 && (l + u).abs() < 1e-12, "{l} {u}");
        // A few units in one cell: the bound on that side is the Poisson score bound of
        // the count (3 + 1.92 + 1.96 sqrt(3.96) = 8.82), divided by n; on the other it
        // allows the second cell some units too.
        let (l, u) = tango_paired(3.0, 0.0, 20_000.0, Z95);
        assert!((u * 20_000.0 - 8.819).abs() < 0.01 && (l * 20_000.0 + 0.841).abs() < 0.01, "{l} {u}");
    }
}
