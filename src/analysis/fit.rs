//! The proof of fit of a calibrated scenario: its holdout's orders, simulated by the
//! engine, beside the orders it was calibrated from: basket sizes and order values
//! (each with its Kolmogorov-Smirnov distance), category shares, and the complement
//! pairs it carries.

use super::calibrate::{Calibration, Pair};
use crate::model::Scenario;
use crate::stats::{ks_distance, quantile_sorted as quantile};

/// Two distributions side by side.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Compared {
    /// Kolmogorov-Smirnov distance: the largest gap between the two cumulative
    /// distributions, 0 (identical) to 1.
    pub ks: f64,
    /// The distance sampling noise alone exceeds 5% of the time with samples this
    /// size: 1.358 x sqrt((n + m) / (n m)).
    pub noise: f64,
    /// Mean in the data, and in the model.
    pub mean: (f64, f64),
    /// Median in the data, and in the model.
    pub median: (f64, f64),
    /// 90th percentile in the data, and in the model.
    pub p90: (f64, f64),
    /// (value, share of data orders, share of model orders) for a histogram.
    pub bins: Vec<(f64, f64, f64)>,
    /// Bin width (1 for basket sizes).
    pub bin_width: f64,
}

/// What the fit shows and what it does not, in words (shown with every fit).
pub const IN_SAMPLE: &str = "In-sample: basket sizes, prices and popularity were fitted to these same orders, so a close fit shows that the model carries them, not that it predicts other orders. Complements and spend to date do not enter the holdout's orders and are not tested here.";

/// The fit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fit {
    /// Orders simulated.
    pub simulated: usize,
    /// Basket sizes (items per order).
    pub basket: Compared,
    /// Order values, where the data has amounts.
    pub values: Option<Compared>,
    /// (category, data share of lines, model share of lines), largest in the data first.
    pub categories: Vec<(String, f64, f64)>,
    /// Half the sum of the category shares' absolute differences (total variation).
    pub category_distance: f64,
    /// The strongest complement pairs found.
    pub pairs: Vec<Pair>,
}

fn compare(mut data: Vec<f64>, mut model: Vec<f64>, bins: usize, integer: bool) -> Compared {
    data.sort_by(f64::total_cmp);
    model.sort_by(f64::total_cmp);
    let mean = |v: &[f64]| crate::stats::mean(v).unwrap_or(0.0);
    let top = quantile(&data, 0.99).max(quantile(&model, 0.99));
    let width = if integer { (top / bins as f64).ceil().max(1.0) } else { (top / bins as f64).max(1e-9) };
    let start = if integer { 1.0 } else { 0.0 };
    let n = ((top - start) / width).floor() as usize + 1;
    let mut h = vec![(0.0, 0.0, 0.0); n];
    for (k, b) in h.iter_mut().enumerate() {
        b.0 = start + k as f64 * width;
    }
    let mut put = |v: &[f64], side: usize| {
        for &x in v {
            let k = (((x - start) / width).floor().max(0.0) as usize).min(n - 1);
            if side == 0 {
                h[k].1 += 1.0 / v.len() as f64;
            } else {
                h[k].2 += 1.0 / v.len() as f64;
            }
        }
    };
    put(&data, 0);
    put(&model, 1);
    let (n, m) = (data.len() as f64, model.len() as f64);
    Compared {
        ks: ks_distance(&data, &model),
        noise: 1.358 * ((n + m) / (n * m)).sqrt(),
        mean: (mean(&data), mean(&model)),
        median: (quantile(&data, 0.5), quantile(&model, 0.5)),
        p90: (quantile(&data, 0.9), quantile(&model, 0.9)),
        bins: h,
        bin_width: width,
    }
}

/// The fit of `sc` (the calibrated scenario, validated) to the data `cal` came from:
/// `reps` replications of `carts` shoppers with a cart each.
pub fn fit(cal: &Calibration, sc: &Scenario, reps: u32, carts: u64) -> Fit {
    let orders = crate::engine::session::holdout_orders(sc, reps, carts);
    let data_sizes: Vec<f64> = cal.sizes.iter().map(|&s| f64::from(s)).collect();
    let model_sizes: Vec<f64> = orders.iter().map(|o| f64::from(o.units)).collect();
    let basket = compare(data_sizes, model_sizes, 40, true);
    let values = cal
        .values
        .as_ref()
        .map(|v| compare(v.clone(), orders.iter().map(|o| o.value as f64 / 100.0).collect(), 40, false));
    // Category shares of lines (distinct products per order) in the model.
    let mut model_cat: std::collections::HashMap<&str, f64> = Default::default();
    let mut lines = 0.0f64;
    for o in &orders {
        for &p in &o.products {
            let c = sc.categories.get(sc.products[p as usize].category as usize).map_or("", String::as_str);
            *model_cat.entry(c).or_default() += 1.0;
            lines += 1.0;
        }
    }
    let mut categories: Vec<(String, f64, f64)> = cal
        .categories
        .iter()
        .map(|(c, d)| (c.clone(), *d, model_cat.get(c.as_str()).copied().unwrap_or(0.0) / lines.max(1.0)))
        .collect();
    let in_data: std::collections::HashSet<&str> = cal.categories.iter().map(|c| c.0.as_str()).collect();
    let missing: f64 = model_cat.iter().filter(|(c, _)| !in_data.contains(*c)).map(|(_, v)| v / lines.max(1.0)).sum();
    let category_distance = if cal.categories.is_empty() {
        f64::NAN
    } else {
        0.5 * (categories.iter().map(|c| (c.1 - c.2).abs()).sum::<f64>() + missing)
    };
    categories.truncate(15);
    Fit {
        simulated: orders.len(),
        basket,
        values,
        categories,
        category_distance,
        pairs: cal.pairs.iter().take(12).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_is_the_largest_gap_between_the_cumulative_distributions() {
        assert_eq!(ks_distance(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        // F_a(1) = 0.5, F_b(1) = 0.25.
        assert!((ks_distance(&[1.0, 2.0], &[1.0, 2.0, 2.0, 2.0]) - 0.25).abs() < 1e-12);
    }
}

/// A calibration from start to proof: the orders read, what they say, the calibrated
/// scenario, what changed, and its fit. The command line and the app both use it.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// The orders read.
    pub orders: crate::import::orders::Orders,
    /// What they say.
    pub calibration: Calibration,
    /// The calibrated scenario's file form.
    pub spec: crate::model::ScenarioSpec,
    /// The calibrated scenario, validated.
    pub scenario: Scenario,
    /// What changed from the base, in words.
    pub changes: Vec<String>,
    /// Its proof of fit.
    pub fit: Fit,
}

/// Replications the proof of fit simulates.
pub const FIT_REPLICATIONS: u32 = 10;
/// Shoppers with a cart per replication in the proof of fit.
pub const FIT_SHOPPERS: u64 = 4_000;

/// Calibrates `base` from the order lines in `t` and proves the fit.
pub fn calibrate_table(
    t: &crate::import::Table,
    map: &crate::import::Mapping,
    opts: &super::calibrate::Options,
    base: &crate::model::ScenarioSpec,
) -> Result<Calibrated, String> {
    let orders = crate::import::orders::read(t, map).map_err(|e| e.to_string())?;
    let calibration = super::calibrate::calibrate(&orders, opts);
    let (spec, changes) = calibration.apply(base);
    let sc = Scenario::from_spec(spec.clone()).map_err(|e| {
        format!(
            "the calibrated scenario does not validate: {}",
            e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        )
    })?;
    let fit = fit(&calibration, &sc, FIT_REPLICATIONS, FIT_SHOPPERS);
    Ok(Calibrated { orders, calibration, spec, scenario: sc, changes, fit })
}
