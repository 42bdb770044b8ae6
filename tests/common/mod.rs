//! Helpers shared by the integration tests.
#![allow(dead_code)]

use aovlab::engine::{self, RunOptions, RunOutput};
use aovlab::io::parse_scenario;
use aovlab::model::Scenario;
use std::sync::atomic::AtomicBool;

/// Parses a scenario from TOML text, panicking with the full error otherwise.
pub fn scenario(text: &str) -> Scenario {
    parse_scenario(text, "<test>").unwrap_or_else(|e| panic!("{e}"))
}

/// The bad-file corpus's base scenario (tests/bad/valid_base.toml.txt), which is valid.
pub fn corpus_base() -> Scenario {
    let text = std::fs::read_to_string("tests/bad/valid_base.toml.txt").expect("the corpus base");
    parse_scenario(&text, "valid_base").unwrap_or_else(|e| panic!("{e}"))
}

/// The corpus base's file form.
pub fn corpus_spec() -> aovlab::model::ScenarioSpec {
    let text = std::fs::read_to_string("tests/bad/valid_base.toml.txt").expect("the corpus base");
    aovlab::io::scenario_file::parse_spec(&text, "valid_base").unwrap_or_else(|e| panic!("{e}"))
}

/// Runs with the given thread count and returns the raw tallies.
pub fn run(sc: &Scenario, threads: Option<usize>) -> RunOutput {
    let cancel = AtomicBool::new(false);
    engine::run(sc, &RunOptions { threads, ..Default::default() }, &|_| {}, &cancel).expect("run")
}

/// A one-segment, two-product world: carts hold only `main` (the `extra` category has
/// affinity 0), `main` links to `extra` with strength 0.6. `strategies` is appended.
pub fn two_products(store: &str, segment_extra: &str, strategies: &str) -> String {
    format!(
        r#"
format_version = 1
name = "closed form"
[store]
currency = "USD"
annual_gmv = 1_000_000
{store}
[behaviour]
baseline_relevance = 0.0
pre_checkout_base_accept = 0.3
post_checkout_base_accept = 0.4
friction_per_slot = 0.02
discount_elasticity = 0.5
tier_max_uptake = 0.5
tier_gap_decay = 2.0
[[products]]
id = "main"
name = "Main"
category = "main"
price = 50.0
cost = 20.0
[[products]]
id = "extra"
name = "Extra"
category = "extra"
price = 20.0
cost = 5.0
post_purchase = true
[[links]]
from = "main"
to = "extra"
strength = 0.6
[[segments]]
name = "all"
share = 1.0
add_to_cart_rate = 0.3
checkout_completion = 0.5
mean_cart_size = 2.5
acceptance_propensity = 1.0
price_sensitivity = 1.0
friction_sensitivity = 1.0
category_affinity = {{ extra = 0.0 }}
{segment_extra}
[[strategies]]
name = "Holdout"
holdout = true
{strategies}
"#
    )
}

/// [`two_products`] with one strategy besides the holdout, "Offer": a matched
/// confirmation-page offer of "extra" ($20, relevance 0.6, price sensitivity 1) to
/// carts of 1 + Poisson(1.5) "main" items at $50. Each order takes it with
/// a x 0.6 x v / (v + 20), a the post-checkout base acceptance; conversion is the
/// holdout's, so the AOV lift is `a x` [`offer_aov_slope`]: linear in a.
pub fn offer_store(store: &str) -> aovlab::model::ScenarioSpec {
    let strategies = "[[strategies]]\nname = \"Offer\"\npost_checkout = { policy = \"matched\", offers = 1 }\n";
    aovlab::io::scenario_file::parse_spec(&two_products(store, "", strategies), "offer")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The AOV lift of [`offer_store`]'s "Offer" per unit of post-checkout base
/// acceptance: 12 x E[v / (v + 20)] / E[v] over the order value v = 50 x (1 + N),
/// N ~ Poisson(1.5).
pub fn offer_aov_slope() -> f64 {
    let (mut p, mut e_v, mut e_take) = ((-1.5f64).exp(), 0.0, 0.0);
    for i in 0..60 {
        let v = 50.0 * (i + 1) as f64;
        e_v += p * v;
        e_take += p * v / (v + 20.0);
        p *= 1.5 / (i + 1) as f64;
    }
    12.0 * e_take / e_v
}
