//! Uncertain inputs: a number that is either fixed or drawn from a distribution.
//!
//! In a scenario file a fixed value is a plain number (`0.35`) and an uncertain one is
//! an inline table tagged by `dist`, e.g. `{ dist = "triangular", min = 0.3, mode = 0.35, max = 0.4 }`.

use std::fmt;

use rand::Rng;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Triangular, Uniform};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A distribution for an uncertain input. Parameters are in the unit of the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Dist {
    /// Every value in `[min, max]` equally likely.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal with mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Log-normal given by its median and the standard deviation of its logarithm.
    Lognormal {
        /// Median (> 0).
        median: f64,
        /// Standard deviation of ln(value) (> 0).
        sigma: f64,
    },
    /// Beta(alpha, beta) scaled to `[min, max]` (default `[0, 1]`).
    Beta {
        /// First shape parameter (> 0).
        alpha: f64,
        /// Second shape parameter (> 0).
        beta: f64,
        /// Lower end of the scaled support.
        #[serde(default)]
        min: f64,
        /// Upper end of the scaled support.
        #[serde(default = "one")]
        max: f64,
    },
}

fn one() -> f64 {
    1.0
}

/// A numeric assumption: fixed, or uncertain (drawn once per replication).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A known value.
    Fixed(f64),
    /// An uncertain value with its distribution.
    Dist(Dist),
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Fixed(v)
    }
}

impl Default for Param {
    fn default() -> Self {
        Param::Fixed(0.0)
    }
}

/// A distribution that has been checked and is ready to sample.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Always this value.
    Fixed(f64),
    /// Uniform.
    Uniform(Uniform<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// Normal.
    Normal(Normal<f64>),
    /// Log-normal.
    LogNormal(LogNormal<f64>),
    /// Beta scaled to `[min, min + scale]`.
    Beta(Beta<f64>, f64, f64),
}

impl Sampler {
    /// Draws one value.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Beta(d, min, scale) => min + scale * d.sample(rng),
        }
    }
}

impl Param {
    /// True when the value is drawn from a distribution.
    pub fn is_uncertain(&self) -> bool {
        matches!(self, Param::Dist(_))
    }

    /// The fixed value, or the distribution's mean.
    pub fn central(&self) -> f64 {
        match self {
            Param::Fixed(v) => *v,
            Param::Dist(d) => d.mean(),
        }
    }

    /// Builds a sampler, or says which parameter is invalid and why.
    pub fn sampler(&self) -> Result<Sampler, String> {
        match self {
            Param::Fixed(v) => {
                if v.is_finite() {
                    Ok(Sampler::Fixed(*v))
                } else {
                    Err("must be a finite number".into())
                }
            }
            Param::Dist(d) => d.sampler(),
        }
    }

    /// Checks that the value (or every value the distribution can give, or for
    /// unbounded distributions its mean) lies in `[lo, hi]`, with the numbers in the
    /// message written by `show` (a field's unit: `106% (1.06 in the file)`), those
    /// of a distribution's parameters by `plain` (`20%`), and the allowed range as
    /// `range` says it.
    ///
    /// Draws outside the range are clamped into it at run time (see `clamp`), so an
    /// unbounded distribution is allowed as long as its centre is inside.
    pub fn check_range_shown(
        &self,
        lo: f64,
        hi: f64,
        show: &dyn Fn(f64) -> String,
        plain: &dyn Fn(f64) -> String,
        range: &str,
    ) -> Result<(), String> {
        if let Param::Dist(d) = self
            && let Some((_, m)) = d.shape_problem(plain)
        {
            return Err(m);
        }
        self.sampler()?;
        let inside = |x: f64| x >= lo && x <= hi;
        let (a, b, what) = match self {
            Param::Fixed(v) => (*v, *v, ""),
            Param::Dist(Dist::Uniform { min, max } | Dist::Triangular { min, max, .. }) => {
                (*min, *max, "the distribution's range ")
            }
            Param::Dist(Dist::Beta { min, max, .. }) => (*min, *max, "the distribution's range "),
            Param::Dist(d @ (Dist::Normal { .. } | Dist::Lognormal { .. })) => {
                (d.mean(), d.mean(), "the distribution's mean ")
            }
        };
        if inside(a) && inside(b) {
            Ok(())
        } else if a == b {
            Err(format!("{what}{} is outside the allowed range {range}", show(a)))
        } else {
            Err(format!("{what}{} to {} is outside the allowed range {range}", show(a), show(b)))
        }
    }

    /// [`Param::check_range_shown`] with plain numbers.
    pub fn check_range(&self, lo: f64, hi: f64) -> Result<(), String> {
        self.check_range_shown(lo, hi, &|v| num(v), &|v| num(v), &range_text(lo, hi))
    }
}

/// Human text for an allowed range.
pub fn range_text(lo: f64, hi: f64) -> String {
    if hi == f64::INFINITY { format!(">= {}", num(lo)) } else { format!("[{}, {}]", num(lo), num(hi)) }
}

/// A number for messages: plain decimals, or scientific notation when tiny or huge.
/// Ten significant digits at most, so that float artefacts (0.06000000000000005, from
/// arithmetic on 0.01) read as the number meant.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-6..1e15).contains(&a) || !v.is_finite() {
        super::fields::trim_number(v, 10)
    } else {
        format!("{v:e}")
    }
}

impl Dist {
    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Normal { mean, .. } => mean,
            Dist::Lognormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Dist::Beta { alpha, beta, min, max } => min + (max - min) * alpha / (alpha + beta),
        }
    }

    fn sampler(&self) -> Result<Sampler, String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match *self {
            Dist::Uniform { min, max } => {
                if !finite(&[min, max]) || min > max {
                    return Err(format!("uniform needs finite min <= max (got min {min}, max {max})"));
                }
                if min == max {
                    return Ok(Sampler::Fixed(min));
                }
                Uniform::new_inclusive(min, max).map(Sampler::Uniform).map_err(|e| format!("uniform: {e}"))
            }
            Dist::Triangular { min, mode, max } => {
                if !(finite(&[min, mode, max]) && min <= mode && mode <= max) {
                    return Err(format!("triangular needs min <= mode <= max (got {min}, {mode}, {max})"));
                }
                if min == max {
                    return Ok(Sampler::Fixed(min));
                }
                Triangular::new(min, max, mode).map(Sampler::Triangular).map_err(|e| format!("triangular: {e}"))
            }
            Dist::Normal { mean, sd } => {
                if !finite(&[mean, sd]) || sd <= 0.0 {
                    return Err(format!("normal needs a finite mean and sd > 0 (got sd {sd})"));
                }
                Normal::new(mean, sd).map(Sampler::Normal).map_err(|e| format!("normal: {e}"))
            }
            Dist::Lognormal { median, sigma } => {
                if !finite(&[median, sigma]) || median <= 0.0 || sigma <= 0.0 {
                    return Err(format!(
                        "lognormal needs median > 0 and sigma > 0 (got median {median}, sigma {sigma})"
                    ));
                }
                LogNormal::new(median.ln(), sigma).map(Sampler::LogNormal).map_err(|e| format!("lognormal: {e}"))
            }
            Dist::Beta { alpha, beta, min, max } => {
                if !finite(&[alpha, beta, min, max]) || alpha <= 0.0 || beta <= 0.0 || min > max {
                    return Err(format!(
                        "beta needs alpha > 0, beta > 0 and min <= max (got alpha {alpha}, beta {beta}, min {min}, max {max})"
                    ));
                }
                Beta::new(alpha, beta).map(|d| Sampler::Beta(d, min, max - min)).map_err(|e| format!("beta: {e}"))
            }
        }
    }

    /// What is wrong with the distribution's parameters, if anything: the parameter to
    /// fix (`mode`, `sd`, ...) and why, with values written by `show` (shape
    /// parameters such as sd or alpha as plain numbers).
    pub fn shape_problem(&self, show: &dyn Fn(f64) -> String) -> Option<(&'static str, String)> {
        let bad = |part: &'static str, m: String| Some((part, m));
        let nonfinite = |parts: &[(&'static str, f64)]| parts.iter().find(|(_, v)| !v.is_finite()).map(|(k, _)| *k);
        match *self {
            Dist::Uniform { min, max } => {
                if let Some(k) = nonfinite(&[("min", min), ("max", max)]) {
                    return bad(k, format!("uniform: the {k} must be a finite number"));
                }
                (min > max)
                    .then(|| ("max", format!("uniform: the max ({}) is below the min ({})", show(max), show(min))))
            }
            Dist::Triangular { min, mode, max } => {
                if let Some(k) = nonfinite(&[("min", min), ("mode", mode), ("max", max)]) {
                    return bad(k, format!("triangular: the {k} must be a finite number"));
                }
                if min > max {
                    bad("max", format!("triangular: the max ({}) is below the min ({})", show(max), show(min)))
                } else if mode < min {
                    bad("mode", format!("triangular: the mode ({}) is below the min ({})", show(mode), show(min)))
                } else if mode > max {
                    bad("mode", format!("triangular: the mode ({}) is above the max ({})", show(mode), show(max)))
                } else {
                    None
                }
            }
            Dist::Normal { mean, sd } => {
                if let Some(k) = nonfinite(&[("mean", mean), ("sd", sd)]) {
                    return bad(k, format!("normal: the {k} must be a finite number"));
                }
                (sd <= 0.0).then(|| ("sd", format!("normal: the sd must be above 0 (it is {})", num(sd))))
            }
            Dist::Lognormal { median, sigma } => {
                if let Some(k) = nonfinite(&[("median", median), ("sigma", sigma)]) {
                    return bad(k, format!("lognormal: the {k} must be a finite number"));
                }
                if median <= 0.0 {
                    bad("median", format!("lognormal: the median must be above 0 (it is {})", show(median)))
                } else {
                    (sigma <= 0.0)
                        .then(|| ("sigma", format!("lognormal: sigma must be above 0 (it is {})", num(sigma))))
                }
            }
            Dist::Beta { alpha, beta, min, max } => {
                if let Some(k) = nonfinite(&[("alpha", alpha), ("beta", beta), ("min", min), ("max", max)]) {
                    return bad(k, format!("beta: the {k} must be a finite number"));
                }
                if alpha <= 0.0 {
                    bad("alpha", format!("beta: alpha must be above 0 (it is {})", num(alpha)))
                } else if beta <= 0.0 {
                    bad("beta", format!("beta: beta must be above 0 (it is {})", num(beta)))
                } else {
                    (min > max)
                        .then(|| ("max", format!("beta: the max ({}) is below the min ({})", show(max), show(min))))
                }
            }
        }
    }

    /// Probability density at `x` (for plotting an input's distribution).
    pub fn pdf(&self, x: f64) -> f64 {
        use statrs::distribution::Continuous;
        match *self {
            Dist::Uniform { min, max } => statrs::distribution::Uniform::new(min, max).map_or(0.0, |d| d.pdf(x)),
            Dist::Triangular { min, mode, max } => {
                statrs::distribution::Triangular::new(min, max, mode).map_or(0.0, |d| d.pdf(x))
            }
            Dist::Normal { mean, sd } => statrs::distribution::Normal::new(mean, sd).map_or(0.0, |d| d.pdf(x)),
            Dist::Lognormal { median, sigma } => {
                statrs::distribution::LogNormal::new(median.ln(), sigma).map_or(0.0, |d| d.pdf(x))
            }
            Dist::Beta { alpha, beta, min, max } => {
                let w = max - min;
                if w <= 0.0 || x <= min || x >= max {
                    return 0.0;
                }
                statrs::distribution::Beta::new(alpha, beta).map_or(0.0, |d| d.pdf((x - min) / w) / w)
            }
        }
    }

    /// The probability mass below `x`: [`Dist::quantile`] inverted by bisection, so
    /// that the two agree (exact to about 1e-12).
    pub fn cdf(&self, x: f64) -> f64 {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.quantile(mid) < x {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The `p`-quantile, computed by the same formulas as the sampler uses (exact for
    /// uniform, triangular, normal and lognormal; a numerical inverse for beta).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        match *self {
            Dist::Uniform { min, max } => min + p * (max - min),
            Dist::Triangular { min, mode, max } => {
                if max == min {
                    return min;
                }
                let f = (mode - min) / (max - min);
                if p < f {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            Dist::Normal { mean, sd } => mean + sd * crate::stats::normal_quantile(p),
            Dist::Lognormal { median, sigma } => median * (sigma * crate::stats::normal_quantile(p)).exp(),
            Dist::Beta { alpha, beta, min, max } => min + (max - min) * crate::stats::beta_quantile(alpha, beta, p),
        }
    }
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Param::Fixed(v) => s.serialize_f64(*v),
            Param::Dist(d) => d.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ParamVisitor;
        impl<'de> Visitor<'de> for ParamVisitor {
            type Value = Param;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, or a distribution such as { dist = \"uniform\", min = .., max = .. } \
                     (dist: uniform, triangular, normal, lognormal, beta)",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
                Ok(Param::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Param, A::Error> {
                Dist::deserialize(de::value::MapAccessDeserializer::new(map)).map(Param::Dist)
            }
        }
        d.deserialize_any(ParamVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_and_quantiles_agree_with_closed_forms() {
        let u = Dist::Uniform { min: 2.0, max: 4.0 };
        assert_eq!(u.mean(), 3.0);
        assert!((u.quantile(0.05) - 2.1).abs() < 1e-12);
        let t = Dist::Triangular { min: 0.0, mode: 0.0, max: 1.0 };
        // F(x) = 1 - (1-x)^2, so the median is 1 - sqrt(0.5).
        assert!((t.quantile(0.5) - (1.0 - 0.5f64.sqrt())).abs() < 1e-12);
        let n = Dist::Normal { mean: 10.0, sd: 2.0 };
        assert!((n.quantile(0.95) - (10.0 + 2.0 * 1.644_853_626_951_472)).abs() < 1e-6);
        let l = Dist::Lognormal { median: 100.0, sigma: 0.5 };
        assert!((l.quantile(0.5) - 100.0).abs() < 1e-9);
        let b = Dist::Beta { alpha: 2.0, beta: 2.0, min: 0.0, max: 1.0 };
        assert!((b.quantile(0.5) - 0.5).abs() < 1e-6);
        // Densities integrate to one (trapezoid rule over the 0.001-0.999 quantiles).
        for d in
            [u.clone(), t.clone(), n.clone(), l.clone(), Dist::Beta { alpha: 2.0, beta: 5.0, min: 10.0, max: 20.0 }]
        {
            let (a, z) = (d.quantile(0.0005), d.quantile(0.9995));
            let k = 20_000;
            let h = (z - a) / k as f64;
            let area: f64 = (0..k).map(|i| 0.5 * h * (d.pdf(a + i as f64 * h) + d.pdf(a + (i + 1) as f64 * h))).sum();
            assert!((area - 0.999).abs() < 0.003, "{d:?}: {area}");
        }
        assert!((b.mean() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn range_checks_name_the_problem() {
        assert!(Param::Fixed(0.5).check_range(0.0, 1.0).is_ok());
        let err = Param::Fixed(1.5).check_range(0.0, 1.0).unwrap_err();
        assert!(err.contains("1.5") && err.contains("[0, 1]"), "{err}");
        let err = Param::Dist(Dist::Uniform { min: 0.5, max: 1.2 }).check_range(0.0, 1.0).unwrap_err();
        assert!(err.contains("0.5 to 1.2") && err.contains("[0, 1]"), "{err}");
        let err = Param::Dist(Dist::Normal { mean: 0.5, sd: -1.0 }).check_range(0.0, 1.0).unwrap_err();
        assert!(err.contains("sd must be above 0"), "{err}");
        // In a field's unit, naming the parameter to fix.
        let pct = |v: f64| format!("{}%", v * 100.0);
        let t = Dist::Triangular { min: 0.2, mode: 0.5, max: 0.4 };
        let err = Param::Dist(t.clone()).check_range_shown(0.0, 1.0, &pct, &pct, "0% to 100%").unwrap_err();
        assert_eq!(err, "triangular: the mode (50%) is above the max (40%)");
        assert_eq!(t.shape_problem(&pct).map(|p| p.0), Some("mode"));
        let err = Param::Fixed(1.06).check_range_shown(0.0, 0.9, &pct, &pct, "0% to 90%").unwrap_err();
        assert_eq!(err, "106% is outside the allowed range 0% to 90%");
    }

    #[test]
    fn sample_means_match() {
        use rand::SeedableRng;
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        for d in [
            Dist::Uniform { min: 1.0, max: 3.0 },
            Dist::Triangular { min: 0.0, mode: 1.0, max: 5.0 },
            Dist::Normal { mean: 4.0, sd: 1.0 },
            Dist::Lognormal { median: 2.0, sigma: 0.3 },
            Dist::Beta { alpha: 2.0, beta: 5.0, min: 10.0, max: 20.0 },
        ] {
            let s = Param::Dist(d.clone()).sampler().unwrap();
            let n = 200_000;
            let m: f64 = (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / n as f64;
            assert!((m - d.mean()).abs() < 0.01 * d.mean().abs().max(1.0), "{d:?}: {m}");
        }
    }
}
