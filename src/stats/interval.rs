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

/// Newcombe's hybrid score interval (1998, method 10) for the difference of two proportions measured on the
/// same `n = a + b + c + d` units: `(a + b) / n - (a + c) / n`, where `a` counts units
/// with both events, `b` only the first, `c` only the second, `d` neither. It is built
/// from the two margins' Wilson intervals and their correlation, so that it keeps a
/// width where the Wald interval on the discordant counts collapses to a point (no
/// discordant unit: `b = c = 0`).
pub fn newcombe_paired(a: f64, b: f64, c: f64, d: f64, z: f64) -> (f64, f64) {
    let n = a + b + c + d;
    if n <= 0.0 {
        return (-1.0, 1.0);
    }
    let (p1, p2) = ((a + b) / n, (a + c) / n);
    let (l1, u1) = wilson(a + b, n, z);
    let (l2, u2) = wilson(a + c, n, z);
    let denominator = ((a + b) * (c + d) * (a + c) * (b + d)).sqrt();
    let phi = if denominator > 0.0 { (a * d - b * c) / denominator } else { 0.0 };
    let delta = p1 - p2;
    let (dl1, du1, dl2, du2) = (p1 - l1, u1 - p1, p2 - l2, u2 - p2);
    let lower = (dl1 * dl1 - 2.0 * phi * dl1 * du2 + du2 * du2).max(0.0).sqrt();
    let upper = (du1 * du1 - 2.0 * phi * du1 * dl2 + dl2 * dl2).max(0.0).sqrt();
    ((delta - lower).max(-1.0), (delta + upper).min(1.0))
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
    /// Variance added per unit the lift moves by more of these orders.
    fn slope(&self) -> f64 {
        if self.count > 0.0 && self.effect > 0.0 { self.variance / self.effect } else { 0.0 }
    }
}

/// A 95% interval for a lift whose variance `se^2` includes a few discrete events:
/// `lost` (the holdout's orders the strategy loses, which lower the lift) and `gained`
/// (orders only the strategy has, and rare additions such as tier top-ups, which raise
/// it). As in Wilson's interval, the bound on each side uses the variance the data
/// would have there rather than at the estimate: a lift lower than measured means more
/// lost orders, and their count is Poisson-like, so the variance grows with it; a
/// higher lift, more gained events. A side with no such events keeps the normal
/// half-width. A short holdout of cart suggestions with a dozen lost orders is the case
/// it is for: a replication that happens to lose fewer has both a higher lift and a
/// smaller standard error, and the normal interval then misses above the truth.
pub fn discordant_lift(value: f64, se: f64, z: f64, lost: Discordant, gained: Discordant) -> (f64, f64) {
    let v = se * se;
    // delta^2 = z^2 (v + delta c): the half-width with c more variance per unit.
    let half = |c: f64| (z * z * c + (z.powi(4) * c * c + 4.0 * z * z * v).sqrt()) / 2.0;
    (value - half(lost.slope()), value + half(gained.slope()))
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
        // Lost orders: the bound below is farther and solves its equation; the one
        // above stays normal.
        let lost = Discordant { count: 12.0, effect: 0.004, variance: 0.004 * 0.004 * 1.5 };
        let (lo, hi) = discordant_lift(0.01, 0.02, Z95, lost, none);
        let down = 0.01 - lo;
        assert!(down > Z95 * 0.02 && (hi - 0.01 - Z95 * 0.02).abs() < 1e-15, "{down}");
        let c = lost.variance / lost.effect;
        assert!((down * down - Z95 * Z95 * (0.0004 + down * c)).abs() < 1e-12);
        // Gained events mirror it.
        let (lo2, hi2) = discordant_lift(0.01, 0.02, Z95, none, lost);
        assert!(((hi2 - 0.01) - down).abs() < 1e-12 && ((0.01 - lo2) - Z95 * 0.02).abs() < 1e-15);
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
    fn newcombe_paired_matches_his_worked_examples() {
        // (a, b, c, d) = (36, 12, 2, 0), worked by hand: p1 = 0.96 with Wilson
        // 0.8654-0.9890, p2 = 0.76 with Wilson 0.6259-0.8570, phi = -24 / sqrt(48 x 2
        // x 38 x 12) = -0.1147; lower 0.2 - sqrt(0.0946^2 + 2 x 0.1147 x 0.0946 x
        // 0.0970 + 0.0970^2) = 0.0570, upper 0.2 + sqrt(0.0290^2 + 2 x 0.1147 x 0.0290
        // x 0.1341 + 0.1341^2) = 0.3404.
        let (l, u) = newcombe_paired(36.0, 12.0, 2.0, 0.0, Z95);
        assert!((l - 0.0570).abs() < 2e-4 && (u - 0.3404).abs() < 2e-4, "{l} {u}");
        // No discordant unit: the interval keeps a width around 0.
        let (l, u) = newcombe_paired(600.0, 0.0, 0.0, 19_400.0, Z95);
        assert!(l < 0.0 && u > 0.0 && u - l > 1e-5, "{l} {u}");
        // Symmetric in the two margins.
        let (l1, u1) = newcombe_paired(50.0, 7.0, 3.0, 940.0, Z95);
        let (l2, u2) = newcombe_paired(50.0, 3.0, 7.0, 940.0, Z95);
        assert!((l1 + u2).abs() < 1e-12 && (u1 + l2).abs() < 1e-12);
    }
}
