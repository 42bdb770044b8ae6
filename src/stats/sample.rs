//! Descriptive statistics of a sample, in one place: means, variances, quantiles, rank
//! correlation and the Kolmogorov-Smirnov distance. [`Sample`] carries its invariants
//! (finite values, at least one, sorted), as criterion's `Sample` does, so the
//! functions on it need no guards; the free functions take what callers have.

use statrs::statistics::{Data, OrderStatistics, RankTieBreaker, Statistics};

/// Why values do not make a [`Sample`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    /// No values.
    #[error("no values")]
    Empty,
    /// A value is infinite or not a number.
    #[error("a value is not a finite number")]
    NotFinite,
}

/// A sample of finite values, at least one, kept sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample(Vec<f64>);

impl Sample {
    /// The sample of `values`, or why they are none.
    pub fn new(mut values: Vec<f64>) -> Result<Self, SampleError> {
        if values.is_empty() {
            return Err(SampleError::Empty);
        }
        if !values.iter().all(|v| v.is_finite()) {
            return Err(SampleError::NotFinite);
        }
        values.sort_by(f64::total_cmp);
        Ok(Self(values))
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never: a sample has at least one value (for clippy's `len` convention).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values, ascending.
    pub fn sorted(&self) -> &[f64] {
        &self.0
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.0.iter().sum::<f64>() / self.0.len() as f64
    }

    /// The sample variance (divisor n - 1); `None` for one value.
    pub fn variance(&self) -> Option<f64> {
        variance(&self.0)
    }

    /// The standard error of the mean; `None` for one value.
    pub fn std_err(&self) -> Option<f64> {
        self.variance().map(|v| (v / self.0.len() as f64).sqrt())
    }

    /// The `p`-quantile ([`quantile_sorted`]).
    pub fn quantile(&self, p: f64) -> f64 {
        quantile_sorted(&self.0, p)
    }
}

/// The mean of `v`; `None` when empty.
pub fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The mean of the values that are defined; `None` when none is.
pub fn mean_defined(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.into_iter().flatten().collect();
    mean(&v)
}

/// The sample variance of `v` (divisor n - 1); `None` for fewer than two values.
pub fn variance(v: &[f64]) -> Option<f64> {
    let n = v.len();
    let m = mean(v)?;
    (n >= 2).then(|| v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64)
}

/// The `p`-quantile of ascending values, linear between order statistics (the "type
/// 7" definition, numpy's default); NaN when empty.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        1 => sorted[0],
        _ => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Spearman's rank correlation (average ranks for ties); `None` for fewer than three
/// pairs, unequal lengths, a value that is not finite, or a constant side.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 || !x.iter().chain(y).all(|v| v.is_finite()) {
        return None;
    }
    let rx = Data::new(x.to_vec()).ranks(RankTieBreaker::Average);
    let ry = Data::new(y.to_vec()).ranks(RankTieBreaker::Average);
    let (sx, sy) = ((&rx).std_dev(), (&ry).std_dev());
    let r = (&rx).covariance(&ry) / (sx * sy);
    r.is_finite().then_some(r.clamp(-1.0, 1.0))
}

/// The two-sample Kolmogorov-Smirnov distance of ascending samples: the largest gap
/// between their empirical distribution functions; NaN when either is empty.
pub fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_keeps_its_invariants_and_agrees_with_closed_forms() {
        assert_eq!(Sample::new(vec![]), Err(SampleError::Empty));
        assert_eq!(Sample::new(vec![1.0, f64::NAN]), Err(SampleError::NotFinite));
        let s = Sample::new(vec![4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!(s.sorted(), &[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.mean(), 3.0);
        assert_eq!(s.variance(), Some(2.5));
        assert!((s.std_err().unwrap() - (0.5f64).sqrt()).abs() < 1e-15);
        assert_eq!(s.quantile(0.5), 3.0);
        assert!((s.quantile(0.05) - 1.2).abs() < 1e-12);
        assert!((s.quantile(0.95) - 4.8).abs() < 1e-12);
        assert_eq!(Sample::new(vec![7.0]).unwrap().variance(), None);
        assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
        assert!(quantile_sorted(&[], 0.3).is_nan());
        assert_eq!(mean_defined([Some(1.0), None, Some(3.0)]), Some(2.0));
        assert_eq!(mean_defined([None]), None);
    }

    #[test]
    fn rank_correlation_and_ks_distance() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&x, &[2.0, 4.0, 6.0, 8.0, 100.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        let tied = spearman(&x, &[1.0, 2.0, 2.0, 4.0, 5.0]).unwrap();
        assert!(tied > 0.97 && tied < 1.0, "ties share their average rank: {tied}");
        assert_eq!(spearman(&x, &[1.0, 1.0, 1.0, 1.0, 1.0]), None, "a constant side has no ranks to correlate");
        assert_eq!(spearman(&x[..2], &x[..2]), None);
        assert_eq!(ks_distance(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        assert!((ks_distance(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0]) - 0.5).abs() < 1e-15);
        assert!(ks_distance(&[], &[1.0]).is_nan());
    }
}
