//! Calibration from order history: what a store's orders say about its shoppers
//! (basket sizes, order values, category shares, product popularity and prices,
//! complements from co-purchase lift, spend to date and repeat purchases), and a
//! scenario that carries it, every other input left at a base scenario's value and
//! listed. The proof of fit is [`super::fit`].

use std::collections::HashMap;

use crate::import::catalog::PostPurchase;
use crate::import::orders::Orders;
use crate::model::fields::{List, Section};
use crate::model::{Dist, LinkSpec, Param, ProductSpec, ScenarioSpec};
use crate::stats::quantile_sorted as quantile;

/// How to calibrate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Options {
    /// Basket-size groups (segments split by basket size), 1 to 8.
    pub basket_groups: usize,
    /// Least orders a pair must share to be a complement.
    pub min_support: Option<u64>,
    /// Least co-purchase lift for a complement.
    pub min_lift: f64,
    /// Most complements kept per product (the strongest).
    pub links_per_product: usize,
    /// Gross margin assumed for products (orders carry no cost).
    pub margin: f64,
    /// Which products may be offered after checkout.
    pub post_purchase: PostPurchase,
    /// Today's date for the description (YYYY-MM-DD).
    pub date: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            basket_groups: 4,
            min_support: None,
            min_lift: 2.0,
            links_per_product: 5,
            margin: 0.4,
            post_purchase: PostPurchase::MedianOrBelow,
            date: String::new(),
        }
    }
}

/// Orders with more distinct products than this add no pairs (their pairs grow as the
/// square; a wholesale order says little about what goes with what).
pub const MAX_PAIR_BASKET: usize = 60;

/// A complement pair found in the orders.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Pair {
    /// Product names.
    pub a: String,
    /// Product names.
    pub b: String,
    /// Orders holding both.
    pub together: u64,
    /// Orders holding `a`, and `b`.
    pub alone: (u64, u64),
    /// P(a and b) / (P(a) P(b)).
    pub lift: f64,
    /// The link strength set: 1 - 1 / lift, the share of their co-purchases beyond
    /// chance.
    pub strength: f64,
}

/// A basket-size group: a segment's share of orders and mean cart size.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Group {
    /// Share of orders.
    pub share: f64,
    /// Mean items per order (1 + the Poisson mean).
    pub mean: f64,
}

/// Spend in the year before each order by returning customers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpendFit {
    /// Orders measured: those with a customer and a date and, when the file spans
    /// more than a year, a full year of the file before them.
    pub orders: usize,
    /// Days from the file's first order to its last.
    pub span_days: i64,
    /// Whether every measured order has a full year of the file before it (else the
    /// file is shorter than a year and spend to date runs low).
    pub full_year: bool,
    /// Share of the measured orders with no spend in the year before (a customer's
    /// first order, or their first in a year).
    pub share_none: f64,
    /// The spend of the others: median, and the 25th and 75th percentiles.
    pub median: f64,
    /// 25th percentile.
    pub p25: f64,
    /// 75th percentile.
    pub p75: f64,
    /// The log-normal set: its sigma (its median is `median`).
    pub sigma: f64,
}

/// Repeat purchasing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Repeat {
    /// Customers.
    pub customers: usize,
    /// Share who ordered on two days or more.
    pub share_repeat: f64,
    /// Mean orders per customer.
    pub mean_orders: f64,
    /// Median days between a customer's consecutive orders.
    pub median_gap_days: Option<f64>,
}

/// What the orders say.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Calibration {
    /// The file.
    pub file: String,
    /// Orders and lines read.
    pub orders: usize,
    /// Lines read.
    pub lines: usize,
    /// Items per order (units, rounded, at least 1), per order.
    pub sizes: Vec<u32>,
    /// The basket-size groups fitted.
    pub groups: Vec<Group>,
    /// Order values, where the file has amounts.
    pub values: Option<Vec<f64>>,
    /// Category shares of order lines, largest first.
    pub categories: Vec<(String, f64)>,
    /// The catalog: every product sold, priced at its mean unit price, popularity its
    /// units sold (empty when the file names no products).
    pub products: Vec<ProductSpec>,
    /// Complement links from co-purchase lift.
    pub links: Vec<LinkSpec>,
    /// The strongest pairs, by lift (at most 50).
    pub pairs: Vec<Pair>,
    /// Pairs that passed the support and lift thresholds.
    pub pairs_found: usize,
    /// The least support used.
    pub min_support: u64,
    /// Spend to date.
    pub spend: Option<SpendFit>,
    /// Repeat purchases.
    pub repeat: Option<Repeat>,
    /// What the data cannot tell, left at the base scenario's values.
    pub not_from_data: Vec<String>,
    /// How it was read and what was assumed.
    pub notes: Vec<String>,
    /// The options used.
    pub options: Options,
}

/// Calibrates from orders.
pub fn calibrate(o: &Orders, opts: &Options) -> Calibration {
    let mut notes = o.notes.clone();
    let sizes: Vec<u32> = o.orders.iter().map(|x| x.units().round().max(1.0).min(u32::MAX as f64) as u32).collect();
    let groups = basket_groups(&sizes, opts.basket_groups.clamp(1, 8));
    let values: Option<Vec<f64>> = if o.has_amounts() { o.orders.iter().map(|x| x.value()).collect() } else { None };
    let lines: usize = o.orders.iter().map(|x| x.lines.len()).sum();
    // Category shares of order lines, a product counted once per order (as the fit
    // counts the model's carts).
    let mut cat: HashMap<&str, f64> = HashMap::new();
    let mut seen: Vec<u32> = Vec::new();
    for x in &o.orders {
        seen.clear();
        seen.extend(x.lines.iter().filter_map(|l| l.0));
        seen.sort_unstable();
        seen.dedup();
        for &p in &seen {
            let c = o.products[p as usize].category.as_str();
            *cat.entry(if c.is_empty() { "uncategorised" } else { c }).or_default() += 1.0;
        }
    }
    let total: f64 = cat.values().sum();
    let mut categories: Vec<(String, f64)> = cat.into_iter().map(|(k, v)| (k.to_string(), v / total)).collect();
    categories.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let min_support = opts.min_support.unwrap_or_else(|| ((o.orders.len() as f64 * 0.001).ceil() as u64).max(5));
    let (products, ids) = catalog(o, &mut notes);
    let (links, pairs, pairs_found) =
        if o.has_products() { complements(o, &ids, min_support, opts) } else { (Vec::new(), Vec::new(), 0) };
    if !o.has_products() {
        notes.push(
            "No product column: the base scenario's catalog and links are kept, so its prices set the model's order values (the fit below shows how far they are from these orders)."
                .into(),
        );
    }
    let (spend, repeat) = if o.has_history() { history(o) } else { (None, None) };
    let mut not_from_data = vec![
        "add-to-cart rates and checkout completion (they need traffic: sessions, not orders)".to_string(),
        "acceptance of suggestions, confirmation-page offers and tier prompts (they need offer logs)".into(),
        "friction, price sensitivity and discount elasticity".into(),
        "loyalty membership and tier thresholds (orders do not say who is a member)".into(),
        "annual GMV (a file of orders may be a sample)".into(),
        format!("product costs: a {:.0}% gross margin is assumed", opts.margin * 100.0),
    ];
    if spend.is_none() {
        not_from_data.push(if o.has_history() {
            "spend to date (no returning customer's order has an amount in the year before it)".into()
        } else {
            "spend to date (it needs customer ids and dates)".into()
        });
    }
    if values.is_none() && o.has_products() {
        not_from_data.push("prices (the file has none): every product at the base catalog's median price".into());
    }
    Calibration {
        file: o.file.clone(),
        orders: o.orders.len(),
        lines,
        sizes,
        groups,
        values,
        categories,
        products,
        links,
        pairs,
        pairs_found,
        min_support,
        spend,
        repeat,
        not_from_data,
        notes,
        options: opts.clone(),
    }
}

/// A mixture of `k` shifted Poissons (1 + Poisson) fitted to the sizes by
/// expectation-maximisation, started from quantile groups; components are merged
/// where the data cannot tell them apart. Means are capped at the model's 50 items.
pub fn basket_groups(sizes: &[u32], k: usize) -> Vec<Group> {
    if sizes.is_empty() {
        return vec![Group { share: 1.0, mean: 1.0 }];
    }
    // The histogram of x = size - 1.
    let mut hist: Vec<f64> = Vec::new();
    for &s in sizes {
        let x = (s.max(1) - 1).min(10_000) as usize;
        if hist.len() <= x {
            hist.resize(x + 1, 0.0);
        }
        hist[x] += 1.0;
    }
    let n: f64 = hist.iter().sum();
    let mut sorted: Vec<f64> = sizes.iter().map(|&s| f64::from(s.max(1) - 1)).collect();
    sorted.sort_by(f64::total_cmp);
    let mut comps: Vec<(f64, f64)> = (0..k)
        .map(|i| (1.0 / k as f64, quantile(&sorted, (i as f64 + 0.5) / k as f64).max(0.05 * (i as f64 + 1.0))))
        .collect();
    let ln_fact: Vec<f64> = (0..hist.len())
        .scan(0.0, |acc, x| {
            if x > 0 {
                *acc += (x as f64).ln();
            }
            Some(*acc)
        })
        .collect();
    for _ in 0..300 {
        let mut acc = vec![(0.0f64, 0.0f64); comps.len()];
        for (x, &count) in hist.iter().enumerate() {
            if count == 0.0 {
                continue;
            }
            let logs: Vec<f64> =
                comps.iter().map(|&(w, l)| w.ln() + x as f64 * l.max(1e-12).ln() - l - ln_fact[x]).collect();
            let m = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = logs.iter().map(|v| (v - m).exp()).sum();
            for (j, v) in logs.iter().enumerate() {
                let r = (v - m).exp() / z * count;
                acc[j].0 += r;
                acc[j].1 += r * x as f64;
            }
        }
        comps = acc.iter().filter(|a| a.0 > 1e-9).map(|&(r, rx)| (r / n, rx / r)).collect();
    }
    comps.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Merge components whose means round alike or that hold almost nothing.
    let mut out: Vec<Group> = Vec::new();
    for (w, l) in comps {
        let mean = (1.0 + l).min(50.0);
        match out.last_mut() {
            Some(g) if (g.mean - mean).abs() < 0.05 || w < 1e-4 => {
                g.mean = (g.mean * g.share + mean * w) / (g.share + w);
                g.share += w;
            }
            _ => out.push(Group { share: w, mean }),
        }
    }
    let total: f64 = out.iter().map(|g| g.share).sum();
    out.iter_mut().for_each(|g| {
        g.share /= total;
        g.mean = (g.mean * 1000.0).round() / 1000.0;
    });
    out
}

/// The catalog the orders imply, and each seen product's id (index into the products
/// seen).
fn catalog(o: &Orders, notes: &mut Vec<String>) -> (Vec<ProductSpec>, Vec<String>) {
    if !o.has_products() {
        return (Vec::new(), Vec::new());
    }
    let mut ids = Vec::with_capacity(o.products.len());
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut products = Vec::with_capacity(o.products.len());
    let mut unpriced = 0;
    for p in &o.products {
        let mut id = p.name.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{}-{n}", p.name);
            n += 1;
        }
        ids.push(id.clone());
        let price = if p.priced_units > 0.0 && p.revenue > 0.0 {
            ((p.revenue / p.priced_units) * 100.0).round().clamp(1.0, crate::model::MAX_MONEY * 100.0) / 100.0
        } else {
            unpriced += 1;
            0.0
        };
        products.push(ProductSpec {
            id,
            name: p.name.clone(),
            category: if p.category.is_empty() { "uncategorised".into() } else { p.category.clone() },
            price,
            cost: 0.0,
            popularity: p.units.clamp(1e-6, 1e12),
            post_purchase: false,
        });
    }
    if unpriced > 0 && o.has_amounts() {
        notes.push(format!("{unpriced} products sold only at a zero amount: priced at the catalog's median."));
    }
    (products, ids)
}

/// Complement links from co-purchase lift, and the strongest pairs.
/// Orders with more distinct products than [`MAX_PAIR_BASKET`] are left out of every
/// count (orders, products' orders, pairs), so lifts are computed on one population.
/// Only products in at least `min_support` orders can be in a pair that has it, so
/// only their pairs are counted (the same result in bounded memory).
fn complements(o: &Orders, ids: &[String], min_support: u64, opts: &Options) -> (Vec<LinkSpec>, Vec<Pair>, usize) {
    let n_products = o.products.len();
    let baskets = || {
        o.orders.iter().filter_map(|x| {
            let mut b: Vec<u32> = x.lines.iter().filter_map(|l| l.0).collect();
            b.sort_unstable();
            b.dedup();
            (b.len() <= MAX_PAIR_BASKET).then_some(b)
        })
    };
    let mut holds = vec![0u64; n_products];
    let mut counted = 0u64;
    for b in baskets() {
        counted += 1;
        for &p in &b {
            holds[p as usize] += 1;
        }
    }
    let mut together: HashMap<(u32, u32), u64> = HashMap::new();
    for mut b in baskets() {
        b.retain(|&p| holds[p as usize] >= min_support);
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                *together.entry((b[i], b[j])).or_default() += 1;
            }
        }
    }
    let n = counted as f64;
    let mut pairs: Vec<(u32, u32, u64, f64)> = together
        .into_iter()
        .filter(|&(_, c)| c >= min_support)
        .map(|((a, b), c)| (a, b, c, c as f64 * n / (holds[a as usize] as f64 * holds[b as usize] as f64)))
        .filter(|p| p.3 >= opts.min_lift)
        .collect();
    pairs.sort_by(|x, y| y.3.total_cmp(&x.3).then(y.2.cmp(&x.2)).then((x.0, x.1).cmp(&(y.0, y.1))));
    let mut per: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_products];
    for &(a, b, _, lift) in &pairs {
        for (from, to) in [(a, b), (b, a)] {
            if per[from as usize].len() < opts.links_per_product {
                per[from as usize].push((to, lift));
            }
        }
    }
    let mut links = Vec::new();
    for (from, list) in per.iter().enumerate() {
        for &(to, lift) in list {
            links.push(LinkSpec {
                from: Some(ids[from].clone()),
                from_category: None,
                to: ids[to as usize].clone(),
                strength: ((1.0 - 1.0 / lift) * 1000.0).round() / 1000.0,
            });
        }
    }
    let top = pairs
        .iter()
        .take(50)
        .map(|&(a, b, c, lift)| Pair {
            a: o.products[a as usize].name.clone(),
            b: o.products[b as usize].name.clone(),
            together: c,
            alone: (holds[a as usize], holds[b as usize]),
            lift,
            strength: 1.0 - 1.0 / lift,
        })
        .collect();
    (links, top, pairs.len())
}

/// Spend in the 365 days before each order, and repeat purchasing.
fn history(o: &Orders) -> (Option<SpendFit>, Option<Repeat>) {
    let mut by: HashMap<u32, Vec<(i64, f64)>> = HashMap::new();
    for x in &o.orders {
        if let (Some(c), Some(d)) = (x.customer, x.day) {
            by.entry(c).or_default().push((d, x.value().unwrap_or(0.0)));
        }
    }
    if by.is_empty() {
        return (None, None);
    }
    let days = by.values().flat_map(|l| l.iter().map(|e| e.0));
    let (first, last) = days.fold((i64::MAX, i64::MIN), |(a, b), d| (a.min(d), b.max(d)));
    let span_days = last - first;
    // Orders before the file's first year have part of their year cut off: measured
    // only when the file is a year or shorter (and then said).
    let full_year = span_days > 365;
    let measured_from = if full_year { first + 365 } else { first };
    let mut spends = Vec::new();
    let mut none = 0usize;
    let mut gaps = Vec::new();
    let mut repeaters = 0usize;
    let mut orders = 0usize;
    for list in by.values_mut() {
        list.sort_by_key(|e| e.0);
        orders += list.len();
        // Repeat purchases are orders on another day (several rows on one day are
        // one visit).
        let mut days: Vec<i64> = list.iter().map(|e| e.0).collect();
        days.dedup();
        if days.len() > 1 {
            repeaters += 1;
        }
        for w in days.windows(2) {
            gaps.push((w[1] - w[0]) as f64);
        }
        // Two pointers: the window holds orders on days in [day - 365, day).
        let (mut start, mut sum) = (0usize, 0.0f64);
        let mut end = 0usize;
        for i in 0..list.len() {
            let day = list[i].0;
            while end < i && list[end].0 < day {
                sum += list[end].1;
                end += 1;
            }
            while start < end && list[start].0 < day - 365 {
                sum -= list[start].1;
                start += 1;
            }
            if day < measured_from {
                continue;
            }
            if sum > 0.005 {
                spends.push(sum);
            } else {
                none += 1;
            }
        }
    }
    spends.sort_by(f64::total_cmp);
    gaps.sort_by(f64::total_cmp);
    let repeat = Repeat {
        customers: by.len(),
        share_repeat: repeaters as f64 / by.len() as f64,
        mean_orders: orders as f64 / by.len() as f64,
        median_gap_days: (!gaps.is_empty()).then(|| quantile(&gaps, 0.5)),
    };
    if spends.is_empty() {
        return (None, Some(repeat));
    }
    let (p25, median, p75) = (quantile(&spends, 0.25), quantile(&spends, 0.5), quantile(&spends, 0.75));
    let sigma = ((p75.max(1e-9).ln() - p25.max(1e-9).ln()) / 1.349).max(0.05);
    let spend = SpendFit {
        orders: spends.len() + none,
        span_days,
        full_year,
        share_none: none as f64 / (spends.len() + none) as f64,
        median,
        p25,
        p75,
        sigma,
    };
    (Some(spend), Some(repeat))
}

impl Calibration {
    /// `base` with what the orders say: the catalog and its complements (when the file
    /// names products), each segment split by basket-size group, spend to date (when
    /// the file has customers and dates); everything else as in `base`, listed in the
    /// description. Returns the scenario and what changed, in words.
    pub fn apply(&self, base: &ScenarioSpec) -> (ScenarioSpec, Vec<String>) {
        let mut spec = base.clone();
        let mut changes = Vec::new();
        spec.presented = None;
        if !self.products.is_empty() {
            let mut products = self.products.clone();
            let mut base_prices: Vec<f64> = base.products.iter().map(|p| p.price).collect();
            base_prices.sort_by(f64::total_cmp);
            let fallback = base_prices.get(base_prices.len() / 2).copied().unwrap_or(10.0);
            products.iter_mut().filter(|p| p.price <= 0.0).for_each(|p| p.price = fallback);
            let mut prices: Vec<f64> = products.iter().map(|p| p.price).collect();
            prices.sort_by(f64::total_cmp);
            let median = prices[prices.len() / 2];
            for p in &mut products {
                p.cost = (p.price * (1.0 - self.options.margin) * 100.0).round() / 100.0;
                p.post_purchase = match &self.options.post_purchase {
                    PostPurchase::PriceAtMost(x) => p.price <= *x,
                    PostPurchase::MedianOrBelow => p.price <= median,
                    PostPurchase::Tag(_) | PostPurchase::Never => false,
                };
            }
            changes.push(format!(
                "Catalog: {} products from the orders, popularity their units sold, price their mean unit price, cost at a {:.0}% margin, {} may be offered after checkout.",
                products.len(),
                self.options.margin * 100.0,
                products.iter().filter(|p| p.post_purchase).count()
            ));
            spec.products = products;
            spec.catalog = None;
            spec.links = self.links.clone();
            changes.push(format!(
                "Complements: {} links from {} pairs bought together in at least {} orders with a lift of at least {} (strength 1 - 1/lift).",
                self.links.len(),
                self.pairs_found,
                self.min_support,
                self.options.min_lift
            ));
            for s in &mut spec.segments {
                s.category_affinity.clear();
            }
            changes.push(
                "Category affinities cleared: popularity from the orders already gives each category its share.".into(),
            );
        }
        // Segments split by basket-size group.
        let groups = &self.groups;
        let per = groups.len().max(1);
        let most = crate::model::Limits::default().max_segments;
        if spec.segments.len() * per <= most && per > 1 {
            let mut split = Vec::new();
            let mut central = false;
            for s in &spec.segments {
                for (i, g) in groups.iter().enumerate() {
                    let mut c = s.clone();
                    c.name = format!("{} · basket group {} (~{:.1} items)", s.name, i + 1, g.mean);
                    c.share = match s.share {
                        Param::Fixed(v) => Param::Fixed(v * g.share),
                        ref d => {
                            central = true;
                            Param::Fixed(d.central() * g.share)
                        }
                    };
                    c.mean_cart_size = Param::Fixed(g.mean);
                    split.push(c);
                }
            }
            spec.segments = split;
            let dropped = spec.correlations.len();
            let on_segment = |p: &str| Section::of_path(p) == Section::List(List::Segments);
            spec.correlations.retain(|c| !on_segment(&c.first) && !on_segment(&c.second));
            changes.push(format!(
                "Segments: each of the base's split into {per} basket-size groups (shares {}; mean items {}), keeping its other inputs.{}{}",
                groups.iter().map(|g| format!("{:.0}%", g.share * 100.0)).collect::<Vec<_>>().join(", "),
                groups.iter().map(|g| format!("{:.1}", g.mean)).collect::<Vec<_>>().join(", "),
                if central { " Uncertain segment shares became their central values." } else { "" },
                if dropped > spec.correlations.len() { " Correlations naming segments were dropped." } else { "" },
            ));
        } else {
            let mean = groups.iter().map(|g| g.share * g.mean).sum::<f64>();
            for s in &mut spec.segments {
                s.mean_cart_size = Param::Fixed((mean * 1000.0).round() / 1000.0);
            }
            changes.push(format!("Segments: every mean cart size set to {mean:.2} items."));
        }
        if let Some(sp) = &self.spend {
            for s in &mut spec.segments {
                s.spend_to_date = Param::Dist(Dist::Lognormal {
                    median: (sp.median * 100.0).round() / 100.0,
                    sigma: (sp.sigma * 1000.0).round() / 1000.0,
                });
            }
            changes.push(format!(
                "Spend to date: log-normal, median {:.2}, sigma {:.3}: the spend in the 365 days before each order with some, {}. {:.0}% of those orders had none (a customer's first order, or their first in a year); the log-normal describes the others, and the share of members stays the base's.",
                sp.median,
                sp.sigma,
                if sp.full_year {
                    "over the orders with a full year of the file before them".to_string()
                } else {
                    format!("over a file of only {} days, so it runs low (a year of history was not there to see)", sp.span_days)
                },
                sp.share_none * 100.0
            ));
        }
        let file = crate::import::file_name(&self.file);
        spec.name = format!("{} (calibrated from {file})", base.name);
        spec.description = format!(
            "{}\n\nCalibrated from {file} ({} orders) by AOV Lab{}. From the orders: {}\nLeft at the base scenario's values (the orders cannot tell): {}.",
            base.description.trim_end(),
            self.orders,
            if self.options.date.is_empty() { String::new() } else { format!(" on {}", self.options.date) },
            changes.join(" "),
            self.not_from_data.join("; ")
        )
        .trim_start()
        .to_string();
        (spec, changes)
    }
}
