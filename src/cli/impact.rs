//! `aovlab impact`: annual GMV x ((1 + conversion lift)(1 + AOV lift) - 1).

use super::{Failure, print_stdout};
use crate::model::param::num;

/// Largest annual GMV `impact` accepts (the scenario file's cap too).
const MAX_GMV: f64 = 1e15;
/// Largest lift `impact` accepts: +10,000%.
const MAX_LIFT: f64 = 100.0;
use crate::format::{lift, money, signed_money};

/// Arguments of `impact`.
#[derive(Debug, clap::Args)]
pub struct ImpactArgs {
    /// Baseline annual GMV in currency units, e.g. 50000000.
    #[arg(long)]
    pub annual_gmv: f64,
    /// Relative AOV lift, e.g. 0.20 for +20%.
    #[arg(long, allow_hyphen_values = true)]
    pub aov_lift: f64,
    /// Relative conversion-rate lift (default 0).
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub conversion_lift: f64,
    /// Currency code for the output.
    #[arg(long, default_value = "USD")]
    pub currency: String,
}

/// The annual impact of the lifts; RPV = conversion x AOV, so the RPV lift is
/// (1 + conversion lift)(1 + AOV lift) - 1.
pub fn annual_impact(annual_gmv: f64, aov_lift: f64, conversion_lift: f64) -> f64 {
    // Expanded so that a pure AOV lift is exact: 50M x 0.2 = 10M, not 9,999,999.99.
    annual_gmv * (conversion_lift + aov_lift + conversion_lift * aov_lift)
}

/// Prints the impact.
pub fn impact(a: &ImpactArgs) -> Result<(), Failure> {
    if !(a.annual_gmv.is_finite() && a.annual_gmv > 0.0 && a.annual_gmv <= MAX_GMV) {
        return Err(Failure::BadInput(format!(
            "--annual-gmv {}: must be more than 0 and at most 1,000,000,000,000,000 (currency units a year)",
            num(a.annual_gmv)
        )));
    }
    for (flag, v) in [("--aov-lift", a.aov_lift), ("--conversion-lift", a.conversion_lift)] {
        if !(v.is_finite() && v > -1.0 && v <= MAX_LIFT) {
            return Err(Failure::BadInput(format!(
                "{flag} {}: must be a number above -1 and at most 100 (0.2 means +20%, 100 means +10,000%)",
                num(v)
            )));
        }
    }
    if let Some(problem) = crate::model::currency_problem(&a.currency) {
        return Err(Failure::BadInput(format!("--currency: {problem}")));
    }
    let rpv = a.conversion_lift + a.aov_lift + a.conversion_lift * a.aov_lift;
    let value = annual_impact(a.annual_gmv, a.aov_lift, a.conversion_lift);
    print_stdout(&format!(
        "Annual GMV {} with AOV {} and conversion {} (revenue per visitor {}):\nannual impact: {}\n",
        money(a.annual_gmv, &a.currency, 0),
        lift(a.aov_lift, 1),
        lift(a.conversion_lift, 1),
        lift(rpv, 2),
        signed_money(value, &a.currency, 0)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn article_example_is_ten_million() {
        assert_eq!(super::annual_impact(50_000_000.0, 0.20, 0.0), 10_000_000.0);
    }
}
