//! Claims about a scenario's strategies, each with the probability behind it: the share
//! of replications in which it holds. Every replication draws its own world from the
//! uncertain inputs, so the share is how often the claim survives that uncertainty
//! (and the sampling noise of one replication's visitors).
//!
//! [`ARTICLE`] holds the claims of the article the embedded scenario is named after;
//! [`check`] evaluates any list against a run's replications and says which claims the
//! scenario cannot answer (a strategy it names is missing).

use super::{Replication, metric::Metric};

/// What a claim says, in terms a run can check replication by replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    /// `strategy` takes more revenue per visitor than every strategy in `others`
    /// (strictly; the same visitors see every strategy, so revenue is compared).
    Beats {
        /// The strategy claimed to win.
        strategy: &'static str,
        /// The strategies it must beat, all in the same replication.
        others: &'static [&'static str],
    },
    /// The strategy's value of `metric` lies within `[min, max]`.
    Within {
        /// The strategy.
        strategy: &'static str,
        /// The metric (a lift is relative: 0.15 is +15%).
        metric: Metric,
        /// Lowest value that holds.
        min: f64,
        /// Highest value that holds.
        max: f64,
    },
    /// The strategy's value of `metric` is exactly zero.
    Zero {
        /// The strategy.
        strategy: &'static str,
        /// The metric.
        metric: Metric,
    },
}

/// A claim: the sentence as a reader would say it, and its test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// The claim in words.
    pub statement: &'static str,
    /// Where the words come from (a quotation or a paraphrase of the article).
    pub source: &'static str,
    /// How a replication decides it.
    pub test: Test,
    /// The share of replications at which the claim is called "holds".
    pub holds_at: f64,
}

/// The article's claims, as the embedded scenario names its strategies. Sources in
/// quotation marks are the article's words; the others say where the figure is from.
pub const ARTICLE: &[Claim] = &[
    Claim {
        statement: "Post-checkout offers beat every pre-checkout-only strategy on revenue per visitor",
        source: "\"The highest-leverage moment for AOV expansion is the confirmation page ... a number \
                 that no pre-checkout personalization strategy consistently matches.\"",
        test: Test::Beats {
            strategy: "Post-checkout only",
            others: &["Matched cross-sell only", "Popular cross-sell only"],
        },
        holds_at: 0.95,
    },
    Claim {
        statement: "Post-checkout offers leave conversion exactly unchanged",
        source: "the article: post-checkout offers add revenue with zero effect on conversion",
        test: Test::Zero { strategy: "Post-checkout only", metric: Metric::ConversionRateLift },
        holds_at: 1.0,
    },
    Claim {
        statement: "AOV-optimized lifts AOV by 15-30% over the holdout",
        source: "the article's figure: personalized vs holdout AOV gaps of 15-30%",
        test: Test::Within { strategy: "AOV-optimized", metric: Metric::AovLift, min: 0.15, max: 0.30 },
        holds_at: 0.9,
    },
    Claim {
        statement: "AOV-optimized moves conversion by at most 3% either way",
        source: "this scenario's reading of the thesis: the AOV gain is not bought with lost orders",
        test: Test::Within { strategy: "AOV-optimized", metric: Metric::ConversionRateLift, min: -0.03, max: 0.03 },
        holds_at: 0.9,
    },
    Claim {
        statement: "Conversion-optimized lifts revenue per visitor by 5-8%",
        source: "the article's figure: conversion-only programs give 5-8% revenue lift",
        test: Test::Within { strategy: "Conversion-optimized", metric: Metric::RpvLift, min: 0.05, max: 0.08 },
        holds_at: 0.9,
    },
    Claim {
        statement: "AOV-optimized beats Conversion-optimized on revenue per visitor",
        source: "the article's thesis",
        test: Test::Beats { strategy: "AOV-optimized", others: &["Conversion-optimized"] },
        holds_at: 0.95,
    },
    Claim {
        statement: "Cart-matched cross-sell beats storewide-popular cross-sell on revenue per visitor",
        source: "the article: this coffee maker -> its compatible pods",
        test: Test::Beats { strategy: "Matched cross-sell only", others: &["Popular cross-sell only"] },
        holds_at: 0.95,
    },
    Claim {
        statement: "A tier prompt shown only near the threshold beats one shown to everyone",
        source: "\"Displaying the prompt only when it is relevant (within 20-30% of the threshold) \
                 outperforms displaying it universally.\"",
        test: Test::Beats { strategy: "Tier prompt (25% window)", others: &["Tier prompt (universal)"] },
        holds_at: 0.9,
    },
];

/// The free-shipping questions a strategist asks of the apparel scenario (MODEL.md rule
/// 22), as that scenario names its strategies: the common belief, and what the banner
/// does.
pub const FREE_SHIPPING: &[Claim] = &[
    Claim {
        statement: "Raising the free-shipping threshold from $75 to $100 raises AOV",
        source: "the common belief: \"raise it from $75 to $100 and AOV goes up\"",
        test: Test::Within {
            strategy: "Threshold $100",
            metric: Metric::AovLift,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        },
        holds_at: 0.9,
    },
    Claim {
        statement: "Raising the threshold to $100 raises revenue per visitor",
        source: "what a higher AOV is meant to bring; Zhou et al. (SSRN 6297139) found a raise from $80 to $100 cut \
                 spending by 19.4%",
        test: Test::Beats { strategy: "Threshold $100", others: &["Today: free shipping over $75"] },
        holds_at: 0.9,
    },
    Claim {
        statement: "Raising the threshold to $100 raises margin per visitor",
        source: "fewer orders ship free, so the store pays for less shipping",
        test: Test::Within {
            strategy: "Threshold $100",
            metric: Metric::MarginLift,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        },
        holds_at: 0.9,
    },
    Claim {
        statement: "Raising the threshold to $100 costs at most 2% of conversion",
        source: "this scenario's reading of the belief: the AOV gain is not bought with lost orders",
        test: Test::Within {
            strategy: "Threshold $100",
            metric: Metric::ConversionRateLift,
            min: -0.02,
            max: f64::MAX,
        },
        holds_at: 0.9,
    },
    Claim {
        statement: "The \"add $X for free shipping\" banner raises revenue per visitor at $75",
        source: "free-shipping bars are sold as an AOV lever (12-28% of below-threshold orders are padded, Hemmati et \
                 al.)",
        test: Test::Beats { strategy: "Today: free shipping over $75", others: &["Threshold $75, no banner"] },
        holds_at: 0.9,
    },
];

/// A scenario's questions: a title and the claims, answered where the scenario has
/// every strategy they name.
#[derive(Debug, Clone, Copy)]
pub struct ClaimSet {
    /// The checklist's title ("The article's claims").
    pub title: &'static str,
    /// The claims.
    pub claims: &'static [Claim],
}

/// Every claim set the shipped scenarios answer, in order: a scenario gets the first
/// whose strategies it has.
pub const SETS: &[ClaimSet] = &[
    ClaimSet { title: "The article's claims", claims: ARTICLE },
    ClaimSet { title: "The free-shipping questions", claims: FREE_SHIPPING },
];

/// A claim checked against a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The claim.
    pub claim: Claim,
    /// Share of replications in which it holds; `None` when the scenario cannot answer
    /// it (see `unanswerable`).
    pub probability: Option<f64>,
    /// Replications that could decide it (a metric can be undefined in some).
    pub replications: usize,
    /// Why the run cannot answer the claim, when it cannot.
    pub unanswerable: Option<String>,
}

impl Outcome {
    /// True when the share reaches the claim's bar.
    pub fn holds(&self) -> bool {
        self.probability.is_some_and(|p| p >= self.claim.holds_at)
    }
}

/// Checks every claim against the replications of a run of a scenario whose strategies
/// are named `names` (in the order of each replication's strategies).
pub fn check(claims: &[Claim], names: &[&str], reps: &[&Replication]) -> Vec<Outcome> {
    claims.iter().map(|c| check_one(*c, names, reps, false)).collect()
}

/// Checks every claim on net figures (MODEL.md rules 18-19): revenue compared net of
/// returns, each metric replaced by its net counterpart; `None` for a claim about a
/// metric without one (conversion, AOV), which reads the same net.
pub fn check_net(claims: &[Claim], names: &[&str], reps: &[&Replication]) -> Vec<Option<Outcome>> {
    claims
        .iter()
        .map(|c| {
            let net = match c.test {
                Test::Beats { .. } => true,
                Test::Within { metric, .. } | Test::Zero { metric, .. } => metric.net_counterpart().is_some(),
            };
            net.then(|| check_one(*c, names, reps, true))
        })
        .collect()
}

/// True when every strategy the claims name is in `names`.
pub fn applies(claims: &[Claim], names: &[&str]) -> bool {
    claims.iter().all(|c| strategies(&c.test).iter().all(|s| names.contains(s)))
}

fn strategies(t: &Test) -> Vec<&'static str> {
    match *t {
        Test::Beats { strategy, others } => std::iter::once(strategy).chain(others.iter().copied()).collect(),
        Test::Within { strategy, .. } | Test::Zero { strategy, .. } => vec![strategy],
    }
}

fn check_one(claim: Claim, names: &[&str], reps: &[&Replication], net: bool) -> Outcome {
    let index = |s: &str| names.iter().position(|n| *n == s);
    let missing: Vec<&str> = strategies(&claim.test).into_iter().filter(|s| index(s).is_none()).collect();
    if !missing.is_empty() {
        let unanswerable = Some(format!("the scenario has no strategy named {}", quoted(&missing)));
        return Outcome { claim, probability: None, replications: 0, unanswerable };
    }
    let value = |r: &Replication, s: &str, m: Metric| {
        let m = if net { m.net_counterpart().unwrap_or(m) } else { m };
        Some(m.estimate(r.strategies.get(index(s)?)?)?.value)
    };
    // Revenue over the same visitors: exact cents, or net revenue per visitor.
    let revenue = |r: &Replication, s: &str| match net {
        false => Some(r.strategies.get(index(s)?)?.revenue_cents as f64),
        true => value(r, s, Metric::RevenuePerVisitor),
    };
    let decide = |r: &Replication| -> Option<bool> {
        match claim.test {
            Test::Beats { strategy, others } => {
                let a = revenue(r, strategy)?;
                others.iter().try_fold(true, |all, o| Some(all && a > revenue(r, o)?))
            }
            Test::Within { strategy, metric, min, max } => Some((min..=max).contains(&value(r, strategy, metric)?)),
            Test::Zero { strategy, metric } => Some(value(r, strategy, metric)? == 0.0),
        }
    };
    let decided: Vec<bool> = reps.iter().filter_map(|r| decide(r)).collect();
    let n = decided.len();
    let probability = (n > 0).then(|| decided.iter().filter(|&&h| h).count() as f64 / n as f64);
    let unanswerable = (n == 0).then(|| "no replication defines it yet".to_string());
    Outcome { claim, probability, replications: n, unanswerable }
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" or ")
}

/// A checked claim as a report carries it (JSON, the app, the command line).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClaimReport {
    /// The claim in words.
    pub statement: String,
    /// Where the words come from.
    pub source: String,
    /// Share of replications in which it holds.
    pub probability: Option<f64>,
    /// Replications that decided it.
    pub replications: usize,
    /// The share at which the claim is called "holds".
    pub holds_at: f64,
    /// Whether `probability` reaches `holds_at`.
    pub holds: bool,
    /// The share on net figures (revenue after returns, net lifts), where the scenario
    /// has returns or program costs and the claim a net reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_probability: Option<f64>,
}

impl ClaimReport {
    /// The verdict in words: "holds" at or above the claim's bar, "likely, not
    /// reliably" when it holds in most replications but fewer than the bar, "does not
    /// hold" in at most half of them, "undecided" when no replication decides it.
    pub fn verdict(&self) -> &'static str {
        match self.probability {
            None => "undecided",
            Some(_) if self.holds => "holds",
            Some(p) if p > 0.5 => "likely, not reliably",
            Some(_) => "does not hold",
        }
    }
}

impl From<&Outcome> for ClaimReport {
    fn from(o: &Outcome) -> Self {
        ClaimReport {
            statement: o.claim.statement.to_string(),
            source: o.claim.source.to_string(),
            probability: o.probability,
            replications: o.replications,
            holds_at: o.claim.holds_at,
            holds: o.holds(),
            net_probability: None,
        }
    }
}

/// The first claim set of [`SETS`] the scenario (strategies `names`) answers, checked
/// against a run: its title and claims, or `None` when it has the strategies of none.
/// With `net`, each claim also read on net figures.
pub fn answered(names: &[&str], reps: &[&Replication], net: bool) -> Option<(&'static str, Vec<ClaimReport>)> {
    let set = SETS.iter().find(|s| applies(s.claims, names))?;
    let mut out: Vec<ClaimReport> = check(set.claims, names, reps).iter().map(ClaimReport::from).collect();
    if net {
        for (c, n) in out.iter_mut().zip(check_net(set.claims, names, reps)) {
            c.net_probability = n.and_then(|o| o.probability);
        }
    }
    Some((set.title, out))
}

/// The article's claims checked against a run, or nothing when the scenario does not
/// have every strategy they name. With `net`, each also read on net figures.
pub fn article(names: &[&str], reps: &[&Replication], net: bool) -> Vec<ClaimReport> {
    match answered(names, reps, net) {
        Some((title, claims)) if title == SETS[0].title => claims,
        _ => Vec::new(),
    }
}
