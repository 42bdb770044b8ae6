//! Statistics with no I/O, all of them here: summaries across replications,
//! delta-method standard errors within a replication, intervals ([`interval`]),
//! descriptive statistics of samples ([`sample`]: means, variances, quantiles, rank
//! correlation, Kolmogorov-Smirnov) and distribution functions.

pub mod interval;
pub mod sample;
pub mod sequential;

pub use sample::{Sample, SampleError, ks_distance, mean, mean_defined, quantile_sorted, spearman, variance};

use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ContinuousCDF, Normal};

/// The `p`-quantile of the standard normal distribution.
pub fn normal_quantile(p: f64) -> f64 {
    // Normal::new(0, 1) cannot fail.
    Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.inverse_cdf(p))
}

/// The standard normal distribution function at `x`.
pub fn normal_cdf(x: f64) -> f64 {
    Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.cdf(x))
}

/// The `p`-quantile of Beta(alpha, beta) on [0, 1].
pub fn beta_quantile(alpha: f64, beta: f64, p: f64) -> f64 {
    Beta::new(alpha, beta).map_or(f64::NAN, |b| b.inverse_cdf(p))
}

/// The lower-triangular Cholesky factor of the symmetric `n x n` matrix `m` (row by
/// row), or `None` when `m` is not positive definite (a pivot below 1e-10).
pub fn cholesky(m: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = m[i * n + i] - s;
                if d.is_nan() || d < 1e-10 {
                    return None;
                }
                l[i * n + j] = d.sqrt();
            } else {
                l[i * n + j] = (m[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// The solution of `m w = b` for a symmetric positive definite `n x n` matrix `m`
/// (row by row), by its Cholesky factor; `None` when `m` is not positive definite.
pub fn solve_spd(m: &[f64], n: usize, b: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(m, n)?;
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i * n + k] * y[k]).sum::<f64>()) / l[i * n + i];
    }
    let mut w = vec![0.0; n];
    for i in (0..n).rev() {
        w[i] = (y[i] - (i + 1..n).map(|k| l[k * n + i] * w[k]).sum::<f64>()) / l[i * n + i];
    }
    Some(w)
}

/// Gaussian kernel density of `v` at `xs` (Silverman's bandwidth, at least `min_bw`).
pub fn kde(v: &[f64], xs: &[f64], min_bw: f64) -> Vec<f64> {
    let n = v.len() as f64;
    let sd = variance(v).unwrap_or(0.0).sqrt();
    let bw = (1.06 * sd * n.powf(-0.2)).max(min_bw);
    xs.iter()
        .map(|x| {
            v.iter().map(|xi| (-0.5 * ((x - xi) / bw).powi(2)).exp()).sum::<f64>()
                / (n * bw * (2.0 * std::f64::consts::PI).sqrt())
        })
        .collect()
}

/// A metric summarised across replications.
///
/// Invariants: built from at least one finite value; `p05 <= p50 <= p95`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean across replications.
    pub mean: f64,
    /// 5th percentile across replications.
    pub p05: f64,
    /// Median across replications.
    pub p50: f64,
    /// 95th percentile across replications.
    pub p95: f64,
    /// Standard error of `mean`: the spread across replications over sqrt(n), or with
    /// one replication its delta-method standard error.
    pub se: f64,
    /// Replications that contributed (those where the metric is defined).
    pub n: usize,
}

/// A lift summarised across replications, with the share of replications above zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LiftSummary {
    /// The summary of the lift values.
    #[serde(flatten)]
    pub summary: Summary,
    /// Share of replications with a lift strictly above zero.
    pub prob_positive: f64,
}

/// One replication's estimate with its within-replication standard error and 95%
/// interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Standard error (delta method for ratios).
    pub se: f64,
    /// Lower end of the 95% interval (score-type for rates and paired differences of
    /// counts, value - 1.96 se otherwise; docs/model.md says which).
    pub lo: f64,
    /// Upper end of the 95% interval.
    pub hi: f64,
}

impl Estimate {
    /// An estimate with the normal (Wald) interval value +/- 1.96 se.
    pub fn wald(value: f64, se: f64) -> Self {
        Estimate { value, se, lo: value - interval::Z95 * se, hi: value + interval::Z95 * se }
    }

    /// An estimate with its own interval.
    pub fn with_interval(value: f64, se: f64, (lo, hi): (f64, f64)) -> Self {
        Estimate { value, se, lo, hi }
    }

    /// The estimate and its interval scaled by `k > 0`.
    pub fn scaled(self, k: f64) -> Self {
        Estimate { value: self.value * k, se: self.se * k, lo: self.lo * k, hi: self.hi * k }
    }

    /// Whether the interval holds `x`.
    pub fn covers(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

impl Summary {
    /// Summarises the defined values (`None` is left out, MODEL.md rule 10). Returns
    /// `None` when no replication defines the metric.
    pub fn of(values: impl IntoIterator<Item = Option<Estimate>>) -> Option<Self> {
        let est: Vec<Estimate> = values.into_iter().flatten().filter(|e| e.value.is_finite()).collect();
        if est.is_empty() {
            return None;
        }
        let mut v: Vec<f64> = est.iter().map(|e| e.value).collect();
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let se = if n == 1 {
            est[0].se
        } else {
            let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            (var / n as f64).sqrt()
        };
        v.sort_by(f64::total_cmp);
        Some(Summary {
            mean,
            p05: quantile_sorted(&v, 0.05),
            p50: quantile_sorted(&v, 0.50),
            p95: quantile_sorted(&v, 0.95),
            se,
            n,
        })
    }
}

impl LiftSummary {
    /// Summarises lifts and counts those strictly above zero.
    pub fn of(values: impl IntoIterator<Item = Option<Estimate>>) -> Option<Self> {
        let v: Vec<Option<Estimate>> = values.into_iter().collect();
        let summary = Summary::of(v.iter().copied())?;
        let positive = v.iter().flatten().filter(|e| e.value.is_finite() && e.value > 0.0).count();
        Some(LiftSummary { summary, prob_positive: positive as f64 / summary.n as f64 })
    }
}

/// Sufficient statistics of a per-visitor quantity pair for ratio estimates.
/// `n` visitors; `sx`, `sy` sums; `sxx`, `syy`, `sxy` sums of products.
#[derive(Debug, Clone, Copy, Default)]
pub struct Moments {
    /// Number of visitors.
    pub n: f64,
    /// Sum of x.
    pub sx: f64,
    /// Sum of y.
    pub sy: f64,
    /// Sum of x^2.
    pub sxx: f64,
    /// Sum of y^2.
    pub syy: f64,
    /// Sum of x y.
    pub sxy: f64,
}

impl Moments {
    /// Mean of x with its standard error.
    pub fn mean_x(&self) -> Option<Estimate> {
        if self.n < 1.0 {
            return None;
        }
        let m = self.sx / self.n;
        let var = if self.n > 1.0 { ((self.sxx - self.n * m * m) / (self.n - 1.0)).max(0.0) } else { 0.0 };
        Some(Estimate::wald(m, (var / self.n).sqrt()))
    }

    /// Ratio sum(x) / sum(y) with its delta-method standard error:
    /// se = sqrt(sum (x - r y)^2) / sum(y). `None` when sum(y) = 0.
    pub fn ratio(&self) -> Option<Estimate> {
        if self.sy == 0.0 {
            return None;
        }
        let r = self.sx / self.sy;
        let ss = (self.sxx - 2.0 * r * self.sxy + r * r * self.syy).max(0.0);
        Some(Estimate::wald(r, ss.sqrt() / self.sy.abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_linearly() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&v, 0.5), 3.0);
        assert!((quantile_sorted(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.95) - 4.8).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn summaries_leave_out_undefined_values() {
        let e = |v| Some(Estimate::wald(v, 0.0));
        let s = LiftSummary::of([e(-1.0), None, e(1.0), e(3.0), e(0.0)]).unwrap();
        assert_eq!(s.summary.n, 4);
        assert_eq!(s.summary.mean, 0.75);
        assert_eq!(s.prob_positive, 0.5);
        assert!(Summary::of([None, None]).is_none());
    }

    #[test]
    fn ratio_delta_method_matches_hand_computation() {
        // Pairs (x, y): (2,1), (0,0), (4,1), (0,0): ratio 3, residuals -1, 0, 1, 0.
        let m = Moments { n: 4.0, sx: 6.0, sy: 2.0, sxx: 20.0, syy: 2.0, sxy: 6.0 };
        let r = m.ratio().unwrap();
        assert_eq!(r.value, 3.0);
        assert!((r.se - 2f64.sqrt() / 2.0).abs() < 1e-12);
    }

    #[test]
    fn quantiles() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-6);
        assert!((beta_quantile(1.0, 1.0, 0.3) - 0.3).abs() < 1e-6);
    }
}
