//! A holdout test's results, day by day and arm by arm, as an experiment platform
//! exports them: `date,arm,visitors,orders,revenue[,revenue_sq]`, one row per day and
//! arm (several rows of a day and arm add up). Columns are found among the names
//! platforms use or named with a mapping; the control arm is found by its name
//! (holdout, control, baseline, ...) or named.

use super::{Columns, ImportError, Mapping, Role, Table, parse_money, resolve};

/// The columns a test-results file may have.
pub const ROLES: [Role; 14] = [
    Role {
        key: "date",
        what: "day of the test",
        names: &["date", "day", "event_date", "date_utc", "period", "timestamp"],
        required: true,
    },
    Role {
        key: "arm",
        what: "arm (holdout or treatment)",
        names: &["arm", "variant", "variation", "group", "bucket", "branch", "cohort", "experience"],
        required: true,
    },
    Role {
        key: "visitors",
        what: "visitors (exposed units)",
        names: &["visitors", "users", "sessions", "exposures", "participants", "units", "unique_visitors"],
        required: true,
    },
    Role {
        key: "orders",
        what: "orders (converted visitors)",
        names: &["orders", "conversions", "purchases", "transactions", "converted", "buyers"],
        required: true,
    },
    Role {
        key: "revenue",
        what: "revenue",
        names: &["revenue", "sales", "gmv", "total_revenue", "order_value", "value", "amount"],
        required: true,
    },
    Role {
        key: "revenue_sq",
        what: "sum of squared revenue per visitor",
        names: &["revenue_sq", "revenue_squared", "sum_revenue_squared", "revenue_sum_of_squares", "sumsq_revenue"],
        required: false,
    },
    Role {
        key: "revenue_sd_per_order",
        what: "standard deviation of revenue per order",
        names: &["revenue_sd_per_order", "order_value_sd", "aov_sd", "sd_revenue_per_order"],
        required: false,
    },
    Role {
        key: "revenue_sd_per_visitor",
        what: "standard deviation of revenue per visitor",
        names: &["revenue_sd_per_visitor", "rpv_sd", "revenue_sd", "sd_revenue_per_visitor", "revenue_std"],
        required: false,
    },
    Role {
        key: "pre_shown",
        what: "cart suggestions shown",
        names: &["pre_shown", "suggestions_shown", "cart_shown"],
        required: false,
    },
    Role {
        key: "pre_accepted",
        what: "cart suggestions added",
        names: &["pre_accepted", "suggestions_added", "suggestions_accepted", "cart_accepted"],
        required: false,
    },
    Role {
        key: "tier_shown",
        what: "tier prompts shown",
        names: &["tier_shown", "tier_prompts_shown", "prompts_shown"],
        required: false,
    },
    Role {
        key: "tier_accepted",
        what: "tier top-ups",
        names: &["tier_accepted", "tier_top_ups", "top_ups"],
        required: false,
    },
    Role {
        key: "post_shown",
        what: "confirmation-page offers shown",
        names: &["post_shown", "offers_shown", "upsells_shown"],
        required: false,
    },
    Role {
        key: "post_accepted",
        what: "confirmation-page offers accepted",
        names: &["post_accepted", "offers_accepted", "upsells_accepted", "offers_taken"],
        required: false,
    },
];

/// The surfaces whose offer logs a results file may carry, as (shown, accepted) column
/// keys: cart suggestions, the tier prompt, confirmation-page offers.
pub const SURFACES: [(&str, &str); 3] =
    [("pre_shown", "pre_accepted"), ("tier_shown", "tier_accepted"), ("post_shown", "post_accepted")];

/// Arm names that mean the control (compared ignoring case, spaces and punctuation).
pub const CONTROL_NAMES: [&str; 8] = ["holdout", "control", "baseline", "a", "off", "original", "controlgroup", "ctrl"];

/// One arm's results on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ArmDay {
    /// Visitors.
    pub visitors: u64,
    /// Orders (visitors who ordered).
    pub orders: u64,
    /// Revenue, currency.
    pub revenue: f64,
    /// Sum over visitors of revenue squared, currency squared, where the file has it.
    pub revenue_sq: Option<f64>,
    /// Offer logs, where the file has them: (shown, accepted) for cart suggestions, the
    /// tier prompt and confirmation-page offers ([`SURFACES`]).
    pub offers: [Option<(u64, u64)>; 3],
}

impl ArmDay {
    fn add(&mut self, o: &ArmDay) {
        self.visitors += o.visitors;
        self.orders += o.orders;
        self.revenue += o.revenue;
        self.revenue_sq = match (self.revenue_sq, o.revenue_sq) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        for (a, b) in self.offers.iter_mut().zip(o.offers) {
            *a = a.zip(b).map(|(x, y)| (x.0 + y.0, x.1 + y.1));
        }
    }
}

/// One day of the test.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Day {
    /// The day as the file writes it.
    pub date: String,
    /// The holdout (control) arm.
    pub holdout: ArmDay,
    /// The treatment arm.
    pub treatment: ArmDay,
}

/// A test's results, day by day in the file's order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Daily {
    /// The file as named in messages.
    pub file: String,
    /// The control arm's name in the file.
    pub holdout_arm: String,
    /// The treatment arm's name in the file.
    pub treatment_arm: String,
    /// The days.
    pub days: Vec<Day>,
    /// Whether every row gave the revenue's sum of squares.
    pub has_squares: bool,
    /// Which column holds each role.
    pub columns: Columns,
}

impl Daily {
    /// Both arms summed over every day.
    pub fn totals(&self) -> (ArmDay, ArmDay) {
        let zero = |a: &ArmDay| ArmDay {
            revenue_sq: a.revenue_sq.map(|_| 0.0),
            offers: a.offers.map(|o| o.map(|_| (0, 0))),
            ..ArmDay::default()
        };
        let first = self.days.first();
        let (mut h, mut t) = (
            first.map_or_else(ArmDay::default, |d| zero(&d.holdout)),
            first.map_or_else(ArmDay::default, |d| zero(&d.treatment)),
        );
        for d in &self.days {
            h.add(&d.holdout);
            t.add(&d.treatment);
        }
        (h, t)
    }
}

/// Reads a test's daily results from `table`; `control` names the holdout arm where
/// its name does not say so.
pub fn read(table: &Table, map: &Mapping, control: Option<&str>) -> Result<Daily, ImportError> {
    let columns = resolve(table, &ROLES, map)?;
    let col = |k: &str| columns.of(k);
    let err = |line: u64, message: String| ImportError { file: table.file.clone(), line: Some(line), message };
    let (c_date, c_arm) = (col("date").unwrap_or(0), col("arm").unwrap_or(0));
    let mut arms: Vec<String> = Vec::new();
    let mut rows: Vec<(u64, String, usize, ArmDay)> = Vec::with_capacity(table.rows.len());
    let mut has_squares =
        col("revenue_sq").is_some() || col("revenue_sd_per_order").is_some() || col("revenue_sd_per_visitor").is_some();
    for (i, (line, _)) in table.rows.iter().enumerate() {
        let line = *line;
        let date = table.get(i, c_date).to_string();
        if date.is_empty() {
            return Err(err(line, "the date is empty; every row needs the day it counts".into()));
        }
        let arm = table.get(i, c_arm).to_string();
        if arm.is_empty() {
            return Err(err(line, "the arm is empty; write the arm's name (e.g. holdout or treatment)".into()));
        }
        let a = match arms.iter().position(|x| *x == arm) {
            Some(a) => a,
            None if arms.len() < 2 => {
                arms.push(arm.clone());
                arms.len() - 1
            }
            None => {
                return Err(err(
                    line,
                    format!(
                        "a third arm `{}`: a holdout test compares two arms (`{}` and `{}` so far); give one test's \
                         two arms",
                        crate::format::excerpt(&arm, 40),
                        arms[0],
                        arms[1]
                    ),
                ));
            }
        };
        let whole = |key: &str, what: &str| -> Result<u64, ImportError> {
            let text = table.opt(i, col(key));
            let v = text.replace([',', '_', ' '], "");
            v.parse::<u64>().map_err(|_| {
                err(line, format!("{what} `{}` is not a whole number of 0 or more", crate::format::excerpt(text, 30)))
            })
        };
        let visitors = whole("visitors", "the visitors")?;
        let orders = whole("orders", "the orders")?;
        if orders > visitors {
            return Err(err(
                line,
                format!(
                    "{orders} orders from {visitors} visitors: orders count visitors who ordered, at most the visitors"
                ),
            ));
        }
        let text = table.opt(i, col("revenue"));
        let revenue = parse_money(text).filter(|v| *v >= 0.0 && v.is_finite()).ok_or_else(|| {
            err(line, format!("the revenue `{}` is not an amount of 0 or more", crate::format::excerpt(text, 30)))
        })?;
        if orders == 0 && revenue > 0.0 {
            return Err(err(line, format!("revenue {revenue} without any order")));
        }
        // A standard deviation (per order or per visitor, the sample's) gives the sum
        // of squares: (n - 1) sd^2 + revenue^2 / n over the n orders or visitors.
        let from_sd = |key: &str, n: u64| -> Result<Option<f64>, ImportError> {
            let Some(c) = col(key) else { return Ok(None) };
            let text = table.get(i, c);
            if text.is_empty() {
                return Ok(None);
            }
            let sd = parse_money(text).filter(|v| *v >= 0.0 && v.is_finite()).ok_or_else(|| {
                err(line, format!("the {key} `{}` is not a number of 0 or more", crate::format::excerpt(text, 30)))
            })?;
            Ok((n > 0).then(|| (n as f64 - 1.0).max(0.0) * sd * sd + revenue * revenue / n as f64))
        };
        let from_sd = match from_sd("revenue_sd_per_order", orders)? {
            Some(v) => Some(v),
            None => from_sd("revenue_sd_per_visitor", visitors)?,
        };
        let revenue_sq = match col("revenue_sq") {
            None if from_sd.is_some() => from_sd,
            Some(c) if table.get(i, c).is_empty() && from_sd.is_some() => from_sd,
            Some(c) if !table.get(i, c).is_empty() => {
                let text = table.get(i, c);
                let v = parse_money(text).filter(|v| *v >= 0.0 && v.is_finite()).ok_or_else(|| {
                    err(line, format!("the revenue's sum of squares `{}` is not a number of 0 or more", text))
                })?;
                // Cauchy-Schwarz: a sum of squares is at least the square of the sum over
                // the visitors who ordered.
                if orders > 0 && v < revenue * revenue / orders as f64 * (1.0 - 1e-9) {
                    return Err(err(
                        line,
                        format!(
                            "the revenue's sum of squares {v} is below revenue^2 / orders ({}): it is not the sum of \
                             each visitor's revenue squared",
                            revenue * revenue / orders as f64
                        ),
                    ));
                }
                Some(v)
            }
            _ => {
                has_squares = false;
                None
            }
        };
        let mut offers = [None; 3];
        for (slot, (shown_key, accepted_key)) in offers.iter_mut().zip(SURFACES) {
            let (Some(cs), Some(ca)) = (col(shown_key), col(accepted_key)) else { continue };
            let (ts, ta) = (table.get(i, cs), table.get(i, ca));
            if ts.is_empty() && ta.is_empty() {
                continue;
            }
            let count = |text: &str, what: &str| -> Result<u64, ImportError> {
                text.replace([',', '_', ' '], "").parse::<u64>().map_err(|_| {
                    err(
                        line,
                        format!("{what} `{}` is not a whole number of 0 or more", crate::format::excerpt(text, 30)),
                    )
                })
            };
            let (shown, accepted) = (count(ts, shown_key)?, count(ta, accepted_key)?);
            if accepted > shown {
                return Err(err(
                    line,
                    format!("{accepted} {accepted_key} from {shown} {shown_key}: at most what was shown"),
                ));
            }
            *slot = Some((shown, accepted));
        }
        rows.push((line, date, a, ArmDay { visitors, orders, revenue, revenue_sq, offers }));
    }
    if arms.len() < 2 {
        let only = arms.first().map_or("none".to_string(), |a| format!("only `{a}`"));
        return Err(ImportError {
            file: table.file.clone(),
            line: None,
            message: format!("a holdout test needs two arms; the file has {only}"),
        });
    }
    let is_control = |a: &str| CONTROL_NAMES.contains(&super::normalise(a).as_str());
    let control_index = match control {
        Some(name) => arms.iter().position(|a| a == name).ok_or_else(|| ImportError {
            file: table.file.clone(),
            line: None,
            message: format!("no arm is named `{name}`; the arms are `{}` and `{}`", arms[0], arms[1]),
        })?,
        None => match (is_control(&arms[0]), is_control(&arms[1])) {
            (true, false) => 0,
            (false, true) => 1,
            _ => {
                return Err(ImportError {
                    file: table.file.clone(),
                    line: None,
                    message: format!(
                        "which arm is the holdout? The arms are `{}` and `{}`; name it (--control NAME), or call it \
                         holdout or control in the file",
                        arms[0], arms[1]
                    ),
                });
            }
        },
    };
    let mut days: Vec<Day> = Vec::new();
    for (_, date, a, r) in rows {
        let k = match days.iter().position(|d| d.date == date) {
            Some(k) => k,
            None => {
                let zero = ArmDay {
                    revenue_sq: r.revenue_sq.map(|_| 0.0),
                    offers: r.offers.map(|o| o.map(|_| (0, 0))),
                    ..ArmDay::default()
                };
                days.push(Day { date, holdout: zero, treatment: zero });
                days.len() - 1
            }
        };
        let d = &mut days[k];
        if a == control_index { d.holdout.add(&r) } else { d.treatment.add(&r) }
    }
    Ok(Daily {
        file: table.file.clone(),
        holdout_arm: arms[control_index].clone(),
        treatment_arm: arms[1 - control_index].clone(),
        days,
        has_squares,
        columns,
    })
}
