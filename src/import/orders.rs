//! Order lines (a Shopify orders export, a POS basket file, any
//! `order_id,product,category,price,quantity[,customer,date]` CSV) grouped into
//! orders, with every skipped row said. Columns are found among the names exports use
//! or named with a mapping.

use std::collections::HashMap;

use super::{Columns, ImportError, Mapping, Role, Skipped, Table, clean_name, parse_money, resolve};

/// The columns an order file may have. None is required alone: a file needs an order
/// column or one order per row, and a product, a quantity or an amount to say
/// anything (checked after detection).
pub const ROLES: [Role; 8] = [
    Role {
        key: "order",
        what: "order id",
        names: &[
            "order_id",
            "transaction_id",
            "basket_id",
            "order",
            "order number",
            "name",
            "invoice",
            "invoiceno",
            "receipt_id",
        ],
        required: false,
    },
    Role {
        key: "product",
        what: "product",
        names: &[
            "product",
            "item",
            "lineitem name",
            "product_name",
            "product_id",
            "sku",
            "lineitem sku",
            "description",
            "title",
        ],
        required: false,
    },
    Role {
        key: "category",
        what: "category",
        names: &["category", "product_category", "lineitem category", "department", "product_type", "type"],
        required: false,
    },
    Role {
        key: "price",
        what: "unit price",
        names: &["price", "unit_price", "lineitem price", "item_price", "unitprice"],
        required: false,
    },
    Role {
        key: "quantity",
        what: "quantity",
        names: &["quantity", "qty", "lineitem quantity", "units", "count", "number_of_*", "*_qty", "*_quantity"],
        required: false,
    },
    Role {
        key: "total",
        what: "line amount (price x quantity)",
        names: &["line_total", "sales_value", "dollar_value", "amount", "revenue", "sales", "line amount", "value"],
        required: false,
    },
    Role {
        key: "customer",
        what: "customer id",
        names: &["customer_id", "customer", "household_id", "user_id", "client_id", "email", "customerid", "member_id"],
        required: false,
    },
    Role {
        key: "date",
        what: "order date",
        names: &[
            "date",
            "order_date",
            "created at",
            "transaction_timestamp",
            "timestamp",
            "datetime",
            "invoicedate",
            "paid at",
        ],
        required: false,
    },
];

/// A product seen in the orders.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeenProduct {
    /// Its name as written (cleaned).
    pub name: String,
    /// Its category ("" when the file has none).
    pub category: String,
    /// Units sold.
    pub units: f64,
    /// Revenue, where the file has amounts.
    pub revenue: f64,
    /// Units of the lines with an amount (the denominator of its mean price).
    pub priced_units: f64,
}

/// One order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Order {
    /// Index into the customers, where the file has them.
    pub customer: Option<u32>,
    /// Days since 1970-01-01, where the file has dates.
    pub day: Option<i64>,
    /// (product index, units, amount) per line.
    pub lines: Vec<(Option<u32>, f64, Option<f64>)>,
}

impl Order {
    /// Units in the order.
    pub fn units(&self) -> f64 {
        self.lines.iter().map(|l| l.1).sum()
    }

    /// Its value, where every line has an amount.
    pub fn value(&self) -> Option<f64> {
        self.lines.iter().map(|l| l.2).sum()
    }
}

/// Orders read from a file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Orders {
    /// The file as named.
    pub file: String,
    /// Data rows read.
    pub rows: usize,
    /// Which column holds what.
    pub columns: Columns,
    /// Products, by first appearance.
    pub products: Vec<SeenProduct>,
    /// Orders, by first appearance.
    pub orders: Vec<Order>,
    /// Distinct customers.
    pub customers: usize,
    /// Rows left out, and why.
    pub skipped: Vec<Skipped>,
    /// What was read how, in words.
    pub notes: Vec<String>,
}

impl Orders {
    /// Whether the file names products.
    pub fn has_products(&self) -> bool {
        self.columns.of("product").is_some()
    }

    /// Whether the file has amounts (a price or a line amount).
    pub fn has_amounts(&self) -> bool {
        self.columns.of("price").is_some() || self.columns.of("total").is_some()
    }

    /// Whether the file has customers and dates (spend to date, repeat purchases).
    pub fn has_history(&self) -> bool {
        self.columns.of("customer").is_some() && self.columns.of("date").is_some()
    }
}

/// A date as exports write it (`2017-01-01`, `2017-01-01 12:56:33`, Shopify's
/// `2019-03-01 10:00:00 -0500`, ISO 8601 with a time zone, `19970101`, `1/31/1997`),
/// as days since 1970-01-01.
pub fn parse_day(s: &str) -> Option<i64> {
    use chrono::NaiveDate;
    let s = s.trim();
    let day = |d: NaiveDate| Some(d.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days());
    let head: String = s.chars().take(10).collect();
    for (text, f) in [(head.as_str(), "%Y-%m-%d"), (head.as_str(), "%Y/%m/%d"), (s, "%Y%m%d"), (s, "%m/%d/%Y")] {
        if let Ok(d) = NaiveDate::parse_from_str(text, f) {
            return day(d);
        }
    }
    let first = s.split_whitespace().next().unwrap_or("");
    NaiveDate::parse_from_str(first, "%m/%d/%Y").ok().and_then(day)
}

/// Groups a table's order lines into orders.
pub fn read(t: &Table, map: &Mapping) -> Result<Orders, ImportError> {
    let columns = resolve(t, &ROLES, map)?;
    let fail = |message: String| ImportError { file: t.file.clone(), line: Some(1), message };
    let (order, product, category) = (columns.of("order"), columns.of("product"), columns.of("category"));
    let (price, quantity, total) = (columns.of("price"), columns.of("quantity"), columns.of("total"));
    let (customer, date) = (columns.of("customer"), columns.of("date"));
    if product.is_none() && quantity.is_none() && price.is_none() && total.is_none() {
        return Err(fail(format!(
            "no column holds a product, a quantity or an amount, so the file says nothing about baskets; map the `product` role (or `quantity`, `total`) to a column. The file's columns are {}",
            t.header.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut notes = Vec::new();
    if order.is_none() {
        notes.push("No order-id column: each row is one order.".into());
    }
    if quantity.is_none() {
        notes.push(
            "No quantity column found: each line counts as one item (a line of three mugs reads as one mug). If a \
             column holds quantities, map the `quantity` role to it."
                .into(),
        );
        if order.is_none() {
            notes.push(
                "Every order is then one line of one item, so the basket-size fit compares ones with ones: it cannot \
                 show a misfit."
                    .into(),
            );
        }
    }
    let mut skipped = Vec::new();
    let mut products: Vec<SeenProduct> = Vec::new();
    let mut product_index: HashMap<String, u32> = HashMap::new();
    let mut orders: Vec<Order> = Vec::new();
    let mut order_index: HashMap<String, usize> = HashMap::new();
    let mut customers: HashMap<String, u32> = HashMap::new();
    for row in 0..t.rows.len() {
        let line = t.rows[row].0;
        let skip = |reason: String| Skipped { line, reason };
        let key = match order {
            Some(c) => t.get(row, c).to_string(),
            None => format!("row {line}"),
        };
        if key.is_empty() {
            skipped.push(skip("no order id".into()));
            continue;
        }
        let units = match quantity {
            Some(c) => match parse_money(t.get(row, c)) {
                Some(q) if q > 0.0 && q <= 1e6 => q,
                Some(q) if q > 1e6 => {
                    skipped.push(skip(format!("quantity {q} is above 1,000,000")));
                    continue;
                }
                Some(_) => {
                    skipped.push(skip("quantity 0 or below (a return or a correction)".into()));
                    continue;
                }
                None => {
                    skipped.push(skip(format!("quantity `{}` is not a number", excerpt(t.get(row, c)))));
                    continue;
                }
            },
            None => 1.0,
        };
        // The line's amount, or why the row is skipped: a line amount where the file
        // has one, else the unit price times the quantity.
        let money = |c: usize, what: &str| -> Result<f64, String> {
            let text = t.get(row, c);
            match parse_money(text) {
                Some(v) if (0.0..=crate::model::MAX_MONEY).contains(&v) => Ok(v),
                _ if text.is_empty() => Err(format!("no {what}")),
                _ => Err(format!("{what} `{}` is not a number from 0 to 1,000,000,000", excerpt(text))),
            }
        };
        let amount = match (total, price) {
            (Some(c), _) => money(c, "amount").map(Some),
            (None, Some(c)) => money(c, "price").map(|v| Some(v * units)),
            (None, None) => Ok(None),
        };
        let amount = match amount {
            Ok(a) => a,
            Err(reason) => {
                skipped.push(skip(reason));
                continue;
            }
        };
        let day = match date {
            // A continuation line may leave the order's date to its first line.
            Some(c) if t.get(row, c).is_empty() => None,
            Some(c) => match parse_day(t.get(row, c)) {
                Some(d) => Some(d),
                None => {
                    skipped.push(skip(format!(
                        "date `{}` is not a date (YYYY-MM-DD, YYYYMMDD or M/D/YYYY, optionally with a time)",
                        excerpt(t.get(row, c))
                    )));
                    continue;
                }
            },
            None => None,
        };
        let who_text = customer.map(|c| t.get(row, c)).filter(|c| !c.is_empty());
        let prod = match product {
            Some(c) => {
                let name = clean_name(t.get(row, c));
                if name.is_empty() {
                    skipped.push(skip("no product".into()));
                    continue;
                }
                let k = *product_index.entry(name.clone()).or_insert_with(|| {
                    products.push(SeenProduct {
                        name,
                        category: clean_name(t.opt(row, category)),
                        units: 0.0,
                        revenue: 0.0,
                        priced_units: 0.0,
                    });
                    (products.len() - 1) as u32
                });
                let p = &mut products[k as usize];
                p.units += units;
                if let Some(a) = amount {
                    p.revenue += a;
                    p.priced_units += units;
                }
                Some(k)
            }
            None => None,
        };
        let who = who_text.map(|c| {
            let n = customers.len() as u32;
            *customers.entry(c.to_string()).or_insert(n)
        });
        let i = *order_index.entry(key).or_insert_with(|| {
            orders.push(Order { customer: who, day, lines: Vec::new() });
            orders.len() - 1
        });
        let o = &mut orders[i];
        o.customer = o.customer.or(who);
        o.day = o.day.or(day);
        o.lines.push((prod, units, amount));
    }
    if orders.is_empty() {
        return Err(super::nothing_usable(t, &skipped, "holds no order lines", "holds no usable order line"));
    }
    if columns.of("price").is_none() && columns.of("total").is_none() {
        notes.push("No price or amount column: order values cannot be measured.".into());
    }
    if columns.of("customer").is_none() || columns.of("date").is_none() {
        notes.push(
            "No customer and date columns together: spend to date and repeat purchases cannot be measured.".into(),
        );
    }
    Ok(Orders {
        file: t.file.clone(),
        rows: t.rows.len(),
        columns,
        products,
        orders,
        customers: customers.len(),
        skipped,
        notes,
    })
}

fn excerpt(s: &str) -> String {
    crate::format::excerpt(s, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_the_forms_exports_write() {
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(parse_day("2017-01-01 12:56:33"), parse_day("2017-01-01"));
        assert_eq!(parse_day("2019-03-01 10:00:00 -0500"), parse_day("2019-03-01"));
        assert_eq!(parse_day("19970101"), parse_day("1997-01-01"));
        assert_eq!(parse_day("1/31/1997"), parse_day("1997-01-31"));
        assert_eq!(parse_day("yesterday"), None);
    }
}
