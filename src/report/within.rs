//! Each metric within one replication: its value from the replication's tallies, its
//! standard error and its 95% interval (docs/model.md, "Intervals within a
//! replication"), the net figures and program costs of MODEL.md rules 18-21 and 19
//! included.

use super::{Levels, Lifts, Sources, StrategyRep, VsRep};
use crate::engine::counts::{RepCounts, StrategyCounts};
use crate::model::Scenario;
use crate::stats::interval::{
    Discordant, Z95, discordant_lift, effective_terms, poisson_mid_p, pooled, t95, tango_paired, weighted_poisson,
    wilson,
};
use crate::stats::{Estimate, Moments};

fn est(value: f64, se: f64) -> Option<Estimate> {
    value.is_finite().then(|| Estimate::wald(value, if se.is_finite() { se } else { 0.0 }))
}

/// A rate `k / n` with its binomial standard error and Wilson's score interval.
fn proportion(k: u64, n: u64) -> Option<Estimate> {
    (n > 0).then(|| {
        let (k, n) = (k as f64, n as f64);
        let p = k / n;
        Estimate::with_interval(p, (p * (1.0 - p) / n).sqrt(), wilson(k, n, Z95))
    })
}

/// An acceptance rate `accepted / shown` whose counts are partly Horvitz-Thompson
/// estimates (see [`StrategyCounts::pre_sampling_var`]): the binomial variance plus,
/// by the delta method, the sampling variance (V_aa - 2 theta V_sa + theta^2 V_ss) / S^2.
fn acceptance(accepted: u64, shown: u64, var: [u64; 3]) -> Option<Estimate> {
    proportion(accepted, shown).map(|e| {
        let (theta, s) = (e.value, shown as f64);
        let [vss, vaa, vsa] = var.map(|v| v as f64);
        let sampling = ((vaa - 2.0 * theta * vsa + theta * theta * vss) / (s * s)).max(0.0);
        let se = (e.se * e.se + sampling).sqrt();
        // Wilson's interval on the effective number shown: the binomial sample size
        // that gives this variance (the counted number where it cannot be told).
        let n_eff = if sampling > 0.0 && theta > 0.0 && theta < 1.0 { theta * (1.0 - theta) / (se * se) } else { s };
        Estimate::with_interval(theta, se, wilson(theta * n_eff, n_eff, Z95))
    })
}

/// Variance of sum_i g . t_i over visitors: sum_kl g_k g_l (S_kl - T_k T_l / N).
fn linear_var(g: &[f64], s: &[[f64; 4]; 4], t: &[f64; 4], n: f64) -> f64 {
    let mut v = 0.0;
    for k in 0..g.len() {
        for l in 0..g.len() {
            v += g[k] * g[l] * (s[k][l] - t[k] * t[l] / n);
        }
    }
    v.max(0.0)
}

const C: f64 = 100.0;

/// Below this effective number of events ((sum x)^2 / sum x^2) a sparse mean's
/// interval is the gamma interval of a Poisson sum instead of the normal one.
const SPARSE_EVENTS: f64 = 30.0;

/// A strategy's money after returns (MODEL.md rule 18) and what a vendor attributes
/// to it (rule 21), in currency units, from its tallies and the replication's return
/// facts (`None`: no returns, and net equals gross).
#[derive(Clone, Copy)]
struct Net {
    revenue: f64,
    margin: f64,
    attributed: f64,
}

/// The share of the checkout orders' value paid after the checkout discount (0
/// without orders).
fn paid_share(t: &StrategyCounts) -> f64 {
    let g = (t.src_base_cart + t.src_cross_sell + t.src_tier_top_up + t.src_shipping_top_up) as f64;
    if g > 0.0 { (g + t.src_discounts as f64) / g } else { 0.0 }
}

impl Net {
    fn of(t: &StrategyCounts, facts: Option<&crate::model::BehaviourDrawn>) -> Self {
        // Suggestions and top-ups are attributed, and goods refunded, at the price paid.
        let paid = paid_share(t);
        let attributed = (paid * (t.src_cross_sell + t.src_tier_top_up) as f64 + t.src_post_checkout as f64) / C;
        let (revenue, margin) = (t.revenue as f64, t.margin as f64);
        let Some(f) = facts else { return Net { revenue: revenue / C, margin: margin / C, attributed } };
        let r =
            [f.return_rate_base_cart, f.return_rate_cross_sell, f.return_rate_tier_top_up, f.return_rate_post_checkout];
        // Free-shipping top-ups are returned as tier top-ups are (rule 22; the engine
        // counts their cost with the tier top-ups'); shipping fees are not refunded.
        let top_ups = (t.src_tier_top_up + t.src_shipping_top_up) as f64;
        let refunds = paid * (r[0] * t.src_base_cart as f64 + r[1] * t.src_cross_sell as f64 + r[2] * top_ups)
            + r[3] * t.src_post_checkout as f64;
        let recovered: f64 = r.iter().zip(t.cost_by_source).map(|(r, c)| r * c as f64).sum();
        let items = r[0] * t.items_base as f64
            + r[1] * t.items_cross as f64
            + r[2] * (t.upgrades + t.ship_top_ups) as f64
            + r[3] * t.post_accepted as f64;
        let handling = f.return_handling_cost * C * items;
        Net { revenue: (revenue - refunds) / C, margin: (margin - (refunds - recovered) - handling) / C, attributed }
    }
}

/// What running a strategy's levers costs (MODEL.md rule 19), from one replication.
#[derive(Clone, Copy)]
struct Program {
    /// Annual visitors: annual GMV / the holdout's revenue per visitor.
    visitors: f64,
    /// The annual program cost, currency.
    annual: f64,
    /// The one-off setup costs, currency.
    setup: f64,
    /// Whether part of the cost moves with the replication's visitors (a revenue
    /// share, a per-order fee, tier perks).
    varies: bool,
}

impl Program {
    /// `st`'s costs with tallies `t` over `n` visitors; `None` when the holdout has no
    /// revenue (`holdout_revenue`, currency) to scale a year by.
    fn of(
        sc: &Scenario,
        st: &crate::model::Strategy,
        t: &StrategyCounts,
        n: f64,
        holdout_revenue: f64,
    ) -> Option<Self> {
        use crate::model::CostLever;
        (holdout_revenue > 0.0).then(|| {
            let visitors = sc.store.annual_gmv * n / holdout_revenue;
            let paid = paid_share(t);
            let fr = &st.friction_reduction;
            let reduces = sc.held_value(fr.stream).map_or(fr.param.is_uncertain() || fr.central() > 0.0, |v| v > 0.0);
            // Per lever: whether the strategy uses it, the revenue attributed to it and
            // the orders it showed something on.
            let levers = [
                (CostLever::PreCheckout, st.pre_checkout.is_some(), paid * t.src_cross_sell as f64, t.orders_shown[0]),
                (CostLever::TierPrompt, st.tier_prompt.is_some(), paid * t.src_tier_top_up as f64, t.orders_shown[1]),
                (CostLever::PostCheckout, st.post_checkout.is_some(), t.src_post_checkout as f64, t.orders_shown[2]),
                (CostLever::FrictionReduction, reduces, t.revenue as f64, t.orders),
            ];
            let (mut monthly, mut variable, mut setup) = (0.0, t.tier_benefits as f64 / C, 0.0);
            let mut varies = t.tier_benefits != 0;
            for (lever, used, revenue, orders) in levers {
                if used {
                    let c = sc.costs.of(lever);
                    monthly += c.monthly;
                    setup += c.setup;
                    variable += c.revenue_share * revenue / C + c.per_order * orders as f64;
                    varies |= c.revenue_share > 0.0 || c.per_order > 0.0;
                }
            }
            Program { visitors, annual: 12.0 * monthly + visitors * variable / n, setup, varies }
        })
    }
}

/// Metrics of every strategy in one replication.
pub fn replication_metrics(sc: &Scenario, rep: &RepCounts) -> Vec<StrategyRep> {
    let n = rep.visitors as f64;
    let h = &rep.strategies[sc.holdout];
    let returns = sc.has_returns();
    // The most one accepted offer can add: the dearest product.
    let dearest = sc.products.iter().map(|p| p.price).max().unwrap_or(0) as f64 / C;
    let facts = returns.then(|| crate::engine::world::facts(sc, rep.replication));
    let net_h = Net::of(h, facts.as_ref());
    // Shipping (rule 22): the fee and the replication's shipping cost per order, cents.
    let shipping = sc.has_shipping().then(|| {
        let cost = crate::engine::world::facts(sc, rep.replication).shipping_cost;
        (sc.shipping.fee as f64, crate::engine::world::ship_cost_cents(cost) as f64)
    });
    rep.strategies
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let money = |x: i64| x as f64 / C / n;
            let rpv = Moments { n, sx: t.revenue as f64 / C, sxx: t.revenue_sq as f64 / (C * C), ..Default::default() };
            let mpv = Moments { n, sx: t.margin as f64 / C, sxx: t.margin_sq as f64 / (C * C), ..Default::default() };
            let aov = Moments {
                n,
                sx: t.revenue as f64 / C,
                sy: t.orders as f64,
                sxx: t.revenue_sq as f64 / (C * C),
                syy: t.orders as f64,
                sxy: t.revenue as f64 / C,
            };
            let net = Net::of(t, facts.as_ref());
            let c2 = C * C;
            // Without returns each visitor's net is their gross: the gross moments.
            let (nsq_r, nsq_m) =
                if returns { (t.net_moments[0], t.net_moments[2]) } else { (t.revenue_sq, t.margin_sq) };
            let per_visitor =
                |sx: f64, sxx: i128| Moments { n, sx, sxx: sxx as f64 / c2, ..Default::default() }.mean_x();
            // A mean of values that are zero for most visitors (a tier prompt's few
            // top-ups): with few events of varying size the normal interval missed
            // below (it held 82% for a tier prompt's attributed revenue), so below
            // SPARSE_EVENTS effective events their sum gets the gamma interval of a
            // Poisson sum of sizes (Fay and Feuer), the next unseen event as large as
            // the dearest product: conservative (97-99%), as a handful of events of
            // very different sizes allow no better.
            let sparse = |sx: f64, sxx: i128, events: u64| {
                per_visitor(sx, sxx).map(|e| {
                    // With many events the normal interval holds its level.
                    let sq = sxx as f64 / c2;
                    if events == 0 || sx <= 0.0 || sx * sx >= SPARSE_EVENTS * sq {
                        return e;
                    }
                    let (lo, hi) = weighted_poisson(sx, sq, dearest, 0.05);
                    Estimate::with_interval(e.value, e.se, (lo / n, hi / n))
                })
            };
            let sources = Sources {
                base_cart: money(t.src_base_cart),
                cross_sell: money(t.src_cross_sell),
                tier_top_ups: money(t.src_tier_top_up),
                post_checkout: money(t.src_post_checkout),
                discounts: money(t.src_discounts),
                shipping_top_ups: money(t.src_shipping_top_up),
                shipping_fees: money(t.src_shipping_fees),
            };
            StrategyRep {
                revenue_cents: t.revenue,
                levels: Levels {
                    conversion_rate: proportion(t.orders, rep.visitors),
                    cart_abandonment_rate: proportion(rep.carts - t.orders, rep.carts),
                    aov: aov.ratio(),
                    revenue_per_visitor: rpv.mean_x(),
                    gross_margin_per_visitor: mpv.mean_x(),
                    pre_checkout_acceptance_rate: acceptance(t.pre_accepted, t.pre_shown, t.pre_sampling_var),
                    tier_prompt_acceptance_rate: acceptance(t.tier_accepted, t.tier_shown, t.tier_sampling_var),
                    post_checkout_acceptance_rate: proportion(t.post_accepted, t.post_shown),
                    tier_upgrade_rate: proportion(t.upgrades, rep.visitors),
                    // For every strategy: the same orders are eligible under each.
                    post_checkout_eligible_share: proportion(t.orders - t.post_ineligible, t.orders),
                    net_revenue_per_visitor: per_visitor(net.revenue, nsq_r),
                    net_margin_per_visitor: per_visitor(net.margin, nsq_m),
                    attributed_revenue_per_visitor: sparse(
                        net.attributed,
                        t.attributed_moments[0],
                        t.influenced_orders,
                    ),
                    influenced_revenue_per_visitor: sparse(
                        t.influenced as f64 / C,
                        t.influenced_moments[0],
                        t.influenced_orders,
                    ),
                    shipping_fee_share: shipping.and_then(|_| proportion(t.fee_orders, t.orders)),
                    shipping_prompt_acceptance_rate: shipping
                        .and_then(|_| acceptance(t.ship_accepted, t.ship_shown, t.ship_sampling_var)),
                    shipping_margin_per_visitor: shipping.and_then(|(fee, cost)| {
                        // Each ordering visitor's line is fee - cost (fee or 0): its sums
                        // follow from the counts.
                        let (paying, free) = (t.fee_orders as f64, (t.orders - t.fee_orders) as f64);
                        let sx = (t.src_shipping_fees as f64 - t.orders as f64 * cost) / C;
                        let sxx = (paying * (fee - cost).powi(2) + free * cost * cost) / (C * C);
                        Moments { n, sx, sxx, ..Default::default() }.mean_x()
                    }),
                },
                sources,
                vs: (k != sc.holdout)
                    .then(|| vs_holdout(sc, &sc.strategies[k], n, t, h, sources, [net, net_h], returns)),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn vs_holdout(
    sc: &Scenario,
    st: &crate::model::Strategy,
    n: f64,
    t: &StrategyCounts,
    h: &StrategyCounts,
    sources: Sources<f64>,
    [net, net_h]: [Net; 2],
    returns: bool,
) -> VsRep {
    let f = |x: i128| x as f64;
    // Per-visitor vector (r_s, o_s, r_h, o_h), money in currency units.
    let tot = [t.revenue as f64 / C, t.orders as f64, h.revenue as f64 / C, h.orders as f64];
    let (rs, os, rh, oh) = (tot[0], tot[1], tot[2], tot[3]);
    let c2 = C * C;
    let s = [
        [f(t.revenue_sq) / c2, rs, f(t.revenue_x_holdout) / c2, f(t.revenue_x_holdout_order) / C],
        [rs, os, f(t.order_x_holdout_revenue) / C, t.orders_x_holdout as f64],
        [f(t.revenue_x_holdout) / c2, f(t.order_x_holdout_revenue) / C, f(h.revenue_sq) / c2, rh],
        [f(t.revenue_x_holdout_order) / C, t.orders_x_holdout as f64, rh, oh],
    ];
    // The AOV lift rests on the baskets that differ between the two; when a few large
    // differences dominate (rare top-ups), a normal interval covers less than 95%
    // (83% for the tier prompts at 20,000 visitors), so its quantile is Student's t on
    // the effective number of visitors whose revenue differs (Satterthwaite), which
    // tends to 1.96 as they grow. The revenue and margin lifts keep the normal
    // quantile: the same t made them cover 99.7-100% (docs/model.md).
    let diff_sq = (f(t.revenue_sq) + f(h.revenue_sq) - 2.0 * f(t.revenue_x_holdout)).max(0.0);
    let q = t95(effective_terms(diff_sq, t.revenue_diff_pow4 as f64) - 1.0);
    let with_t = |e: Estimate| Estimate::with_interval(e.value, e.se, (e.value - q * e.se, e.value + q * e.se));
    let ratio_lift = |a: f64, b: f64, ia: usize, ib: usize| -> Option<Estimate> {
        if b <= 0.0 {
            return None;
        }
        let theta = a / b;
        let mut g = [0.0; 4];
        g[ia] = 1.0 / b;
        g[ib] = -theta / b;
        est(theta - 1.0, linear_var(&g, &s, &tot, n).sqrt())
    };
    // Revenue and margin lifts: a score-type interval for the discordant orders (the
    // holdout's orders the strategy loses, those only the strategy has), whose count
    // drives both the lift and its standard error in a short holdout
    // (docs/model.md, "Intervals within a replication").
    let both = t.orders_x_holdout as f64;
    let kind = |count: f64, total: f64, sum_sq: f64, orders: f64, base: f64| Discordant {
        count,
        effect: if orders > 0.0 && base > 0.0 { total / orders / base } else { 0.0 },
        variance: if orders > 0.0 && base > 0.0 { sum_sq / orders / (base * base) } else { 0.0 },
    };
    let with_discordant = |e: Estimate, lost: Discordant, gained: Discordant| {
        Estimate::with_interval(e.value, e.se, discordant_lift(e.value, e.se, Z95, lost, gained))
    };
    // Tier top-ups are rare additions to orders that happen anyway: gained events too
    // (each about its mean value; the tallies hold no second moment of top-ups).
    let upgrades = t.upgrades as f64;
    let top_up = |base: f64, share: f64| {
        let mean =
            if upgrades > 0.0 && base > 0.0 { t.src_tier_top_up as f64 / C / upgrades * share / base } else { 0.0 };
        Discordant { count: upgrades, effect: mean, variance: mean * mean }
    };
    let rpv_lift = ratio_lift(rs, rh, 0, 2).map(|e| {
        let lost = kind(oh - both, rh, f(h.revenue_sq) / c2, oh, rh);
        let gained = pooled(kind(os - both, rs, f(t.revenue_sq) / c2, os, rh), top_up(rh, 1.0));
        with_discordant(e, lost, gained)
    });
    // Conversion: the same visitors under both, so the lift is a paired difference of
    // two proportions over the holdout's, (gained - lost) / holdout orders. The
    // levers say which kinds of discordant visitor can exist: only friction loses
    // orders (suggestions, a prompt), only friction reduction or a discount gains
    // them. With one kind alone the lift is that count's, and its interval the
    // count's mid-p interval; with both, Tango's score interval on the two counts. A
    // Wald interval collapses to a point when few or no visitors order under one
    // strategy only, and a two-count interval where one count cannot occur (or
    // Newcombe's hybrid, built from the margins) covered 98-100% (docs/model.md).
    let conversion_rate_lift = ratio_lift(os, oh, 1, 3).map(|e| {
        let both = t.orders_x_holdout as f64;
        let (gained, lost) = (os - both, oh - both);
        let reduction = &st.friction_reduction;
        let can_gain = match sc.held_value(reduction.stream) {
            Some(v) => v > 0.0,
            None => reduction.param.central() > 0.0 || reduction.param.is_uncertain(),
        } || st.discount > 0.0;
        let can_lose = st.shows_before_checkout();
        let mid_p = |k: f64| poisson_mid_p(k.round().max(0.0) as u64, 0.05);
        let (lo, hi) = match (can_gain, can_lose) {
            (false, true) => {
                let (l, u) = mid_p(lost);
                (-u / n, -l / n)
            }
            (true, false) => {
                let (l, u) = mid_p(gained);
                (l / n, u / n)
            }
            _ => tango_paired(gained, lost, n, Z95),
        };
        let ph = oh / n;
        Estimate::with_interval(e.value, e.se, (lo / ph, hi / ph))
    });
    let aov_lift = (rs > 0.0 && os > 0.0 && rh > 0.0 && oh > 0.0).then(|| {
        let l = (rs / os) / (rh / oh);
        let g = [1.0 / rs, -1.0 / os, -1.0 / rh, 1.0 / oh];
        with_t(Estimate::wald(l - 1.0, l * linear_var(&g, &s, &tot, n).sqrt()))
    });
    // Margin (and net revenue and margin): its own 2x2 system (x_s, x_h) of sums
    // over visitors, and their squares and cross-product.
    let paired_lift = |xs: f64, xh: f64, sq_s: i128, sq_h: i128, x_sh: i128| {
        (xh > 0.0).then(|| {
            let theta = xs / xh;
            let sm =
                [[f(sq_s) / c2, f(x_sh) / c2, 0.0, 0.0], [f(x_sh) / c2, f(sq_h) / c2, 0.0, 0.0], [0.0; 4], [0.0; 4]];
            let g = [1.0 / xh, -theta / xh];
            let e = Estimate::wald(theta - 1.0, linear_var(&g, &sm, &[xs, xh, 0.0, 0.0], n).sqrt());
            let lost = kind(oh - both, xh, f(sq_h) / c2, oh, xh);
            // A top-up's share: its revenue times the order's x's share of revenue.
            let share = if rs > 0.0 { xs / rs } else { 0.0 };
            let gained = pooled(kind(os - both, xs, f(sq_s) / c2, os, xh), top_up(xh, share));
            with_discordant(e, lost, gained)
        })
    };
    let (ms, mh) = (t.margin as f64 / C, h.margin as f64 / C);
    let margin_lift = paired_lift(ms, mh, t.margin_sq, h.margin_sq, t.margin_x_holdout);
    // Net lifts (MODEL.md rule 18): without returns net is gross, and so are they.
    let (net_rpv_lift, net_margin_lift) = if returns {
        let [rs2, rx, ms2, mx] = t.net_moments;
        (
            paired_lift(net.revenue, net_h.revenue, rs2, h.net_moments[0], rx),
            paired_lift(net.margin, net_h.margin, ms2, h.net_moments[2], mx),
        )
    } else {
        (rpv_lift, margin_lift)
    };
    // Annual net impact: annual GMV x (net RPV_s - net RPV_h) / RPV_h.
    // Sums over visitors of the net figures, squared and crossed with the holdout's
    // (the gross ones without returns, where net is gross).
    let (rev_moments, margin_moments) = if returns {
        let [rs2, rx, ms2, mx] = t.net_moments;
        ((rs2, h.net_moments[0], rx), (ms2, h.net_moments[2], mx))
    } else {
        ((t.revenue_sq, h.revenue_sq, t.revenue_x_holdout), (t.margin_sq, h.margin_sq, t.margin_x_holdout))
    };
    // A paired difference of two sums over the same visitors (currency), with its
    // Wald interval: where a lift is undefined (the holdout's net figure not
    // positive), the difference still is.
    let difference = |xs: f64, xh: f64, (sq_s, sq_h, x_sh): (i128, i128, i128)| {
        let d = xs - xh;
        let var = ((f(sq_s) + f(sq_h) - 2.0 * f(x_sh)) / c2 - d * d / n).max(0.0);
        Estimate::wald(d, var.sqrt())
    };
    let annual_net_impact = (rh > 0.0).then(|| {
        let k = sc.store.annual_gmv / rh;
        match net_rpv_lift.filter(|_| net_h.revenue > 0.0) {
            Some(e) => e.scaled(k * net_h.revenue),
            None => difference(net.revenue, net_h.revenue, rev_moments).scaled(k),
        }
    });
    // The vendor's view (rule 21): attributed and influenced revenue over the
    // incremental revenue a holdout measures, D = revenue_s - revenue_h.
    // From the integer difference: exactly the add-ons where only they differ.
    let incremental = (t.revenue - h.revenue) as f64 / C;
    let d_sq = (f(t.revenue_sq) + f(h.revenue_sq) - 2.0 * f(t.revenue_x_holdout)) / c2;
    let ratio = |a: f64, [aa, ar, ah]: [i128; 3]| {
        (incremental > 0.0).then(|| {
            // Nothing attributed (a discount or a smoother checkout only): exactly 0.
            if a <= 0.0 {
                return Estimate::with_interval(0.0, 0.0, (0.0, 0.0));
            }
            let theta = a / incremental;
            // Its uncertainty is the incremental revenue's, which rests on a few
            // discrete events (orders the strategy's friction loses, orders its
            // discount or smoother checkout gains) as the RPV lift's does: so its
            // inverse psi = D / A, the holdout's measure per unit claimed, gets the RPV
            // lift's interval (delta method on sums over visitors, widened on each side
            // by those events), and theta's interval is its reciprocal (unbounded
            // above where psi's reaches 0). A Fieller interval on the sums held 87%.
            let psi = incremental / a;
            let (saa, sad) = (f(aa) / c2, (f(ar) - f(ah)) / c2);
            let se_psi = ((d_sq - 2.0 * psi * sad + psi * psi * saa).max(0.0)).sqrt() / a;
            let lost = kind(oh - both, rh, f(h.revenue_sq) / c2, oh, a);
            let gained = kind(os - both, rs, f(t.revenue_sq) / c2, os, a);
            let (lo, hi) = discordant_lift(psi, se_psi, Z95, lost, gained);
            let upper = if lo > 0.0 { 1.0 / lo } else { f64::INFINITY };
            Estimate::with_interval(theta, se_psi * theta * theta, (1.0 / hi, upper))
        })
    };
    let attribution_ratio = ratio(net.attributed, t.attributed_moments);
    let influenced_ratio = ratio(t.influenced as f64 / C, t.influenced_moments);
    // Program costs and what the strategy earns after them (rule 19), a year.
    let program = Program::of(sc, st, t, n, rh);
    // No within-replication interval: the per-visitor moments of the costs' variable
    // parts are not tallied (their noise is small beside the margin's); a cost that
    // cannot vary (none, or fixed fees only) is exact.
    let annual_program_cost = program.map(|p| {
        if p.varies {
            Estimate::with_interval(p.annual, f64::NAN, (f64::NAN, f64::NAN))
        } else {
            Estimate::with_interval(p.annual, 0.0, (p.annual, p.annual))
        }
    });
    let annual_incremental_net_margin = program.map(|p| {
        // The net margin lift's interval, in money a year, less the (known) cost; the
        // difference's where the lift is undefined.
        let (e, k) = match net_margin_lift.filter(|_| net_h.margin > 0.0) {
            Some(e) => (e, p.visitors * net_h.margin / n),
            None => (difference(net.margin, net_h.margin, margin_moments), p.visitors / n),
        };
        Estimate::with_interval(k * e.value - p.annual, k * e.se, (k * e.lo - p.annual, k * e.hi - p.annual))
    });
    let roi = program
        .zip(annual_incremental_net_margin)
        .filter(|(p, _)| p.annual > 0.0)
        .map(|(p, e)| Estimate::with_interval(e.value / p.annual, e.se / p.annual, (e.lo / p.annual, e.hi / p.annual)));
    let payback_months = program.zip(annual_incremental_net_margin).filter(|(_, e)| e.value > 0.0).map(|(p, e)| {
        // Nothing to repay: no time at all, whatever the margin.
        let months = |monthly: f64| match (p.setup > 0.0, monthly > 0.0) {
            (false, _) => 0.0,
            (true, true) => p.setup / monthly,
            (true, false) => f64::INFINITY,
        };
        let value = p.setup * 12.0 / e.value;
        Estimate::with_interval(value, 0.0, (months(e.hi / 12.0), months(e.lo / 12.0)))
    });
    let gmv = sc.store.annual_gmv;
    let annual_gmv_impact = rpv_lift.map(|e| e.scaled(gmv));
    let log = |a: f64, b: f64| (a > 0.0 && b > 0.0).then(|| (a / b).ln());
    let hs = |x: i64| x as f64 / C / n;
    let (log_conversion, log_aov) = (log(os, oh), log(rs * oh, rh * os));
    let rpv_parts = match (log_conversion, log_aov, rpv_lift) {
        (Some(lc), Some(la), Some(r)) => {
            let total = lc + la;
            // rpv_lift / ln(1 + rpv_lift), which tends to 1 as the lift does.
            let k = if total.abs() > 1e-12 { r.value / total } else { 1.0 };
            Some([k * lc, k * la])
        }
        _ => None,
    };
    VsRep {
        lifts: Lifts {
            conversion_rate_lift,
            aov_lift,
            rpv_lift,
            margin_lift,
            annual_gmv_impact,
            net_rpv_lift,
            net_margin_lift,
            annual_net_impact,
            attribution_ratio,
            influenced_ratio,
            annual_program_cost,
            annual_incremental_net_margin,
            roi,
            payback_months,
        },
        log_conversion,
        log_aov,
        rpv_parts,
        sources: Sources {
            base_cart: sources.base_cart - hs(h.src_base_cart),
            cross_sell: sources.cross_sell - hs(h.src_cross_sell),
            tier_top_ups: sources.tier_top_ups - hs(h.src_tier_top_up),
            post_checkout: sources.post_checkout - hs(h.src_post_checkout),
            discounts: sources.discounts - hs(h.src_discounts),
            shipping_top_ups: sources.shipping_top_ups - hs(h.src_shipping_top_up),
            shipping_fees: sources.shipping_fees - hs(h.src_shipping_fees),
        },
    }
}
