//! Product exports to a catalog: Shopify (one row per variant, product fields on the
//! first row of each handle), WooCommerce (simple, variable with its variations,
//! grouped, external) and any other CSV through a column mapping. Variants collapse
//! to one product priced at its default variant, else its lowest; every skipped row
//! and every assumption is said.

use std::collections::BTreeMap;

use super::{Columns, ImportError, Mapping, Role, Skipped, Table, clean_name, parse_money, resolve};
use crate::model::{LinkSpec, ProductSpec, ScenarioSpec};

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    /// A Shopify admin product export (current or legacy columns).
    Shopify,
    /// A WooCommerce product export.
    WooCommerce,
    /// Any CSV, read through the column roles.
    Generic,
}

impl Format {
    /// Its name in the preview.
    pub fn label(self) -> &'static str {
        match self {
            Format::Shopify => "Shopify product export",
            Format::WooCommerce => "WooCommerce product export",
            Format::Generic => "CSV with a column mapping",
        }
    }

    /// The format a table's header says it is.
    pub fn detect(t: &Table) -> Self {
        if t.column("Handle").is_some() && t.column("Variant Price").is_some() {
            Format::Shopify
        } else if t.column("Regular price").is_some() && t.column("Type").is_some() && t.column("Parent").is_some() {
            Format::WooCommerce
        } else {
            Format::Generic
        }
    }
}

/// Which products may be offered on the confirmation page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum PostPurchase {
    /// Priced at most this much.
    PriceAtMost(f64),
    /// Tagged with this tag (case ignored).
    Tag(String),
    /// Priced at most the catalog's median price (the default).
    MedianOrBelow,
    /// None.
    Never,
}

/// How to import.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Options {
    /// Columns named by hand (generic files; overrides detection in any file).
    #[serde(skip)]
    pub map: Mapping,
    /// Gross margin assumed where a product has no cost (0.4: cost is 60% of price).
    pub margin: f64,
    /// The post-purchase rule.
    pub post_purchase: PostPurchase,
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
}

impl Default for Options {
    fn default() -> Self {
        Options { map: Mapping::default(), margin: 0.4, post_purchase: PostPurchase::MedianOrBelow, format: None }
    }
}

/// A catalog read from an export, before it changes any scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CatalogImport {
    /// The file as named.
    pub file: String,
    /// The export's kind.
    pub format: Format,
    /// Data rows read.
    pub rows: usize,
    /// Which column holds what.
    pub columns: Columns,
    /// The products, in file order.
    pub products: Vec<ProductSpec>,
    /// Rows left out, and why.
    pub skipped: Vec<Skipped>,
    /// Every assumption made, in words.
    pub assumptions: Vec<String>,
}

/// The roles of a generic product CSV.
pub const ROLES: [Role; 7] = [
    Role {
        key: "product",
        what: "product name",
        names: &["product", "name", "title", "product_name", "item", "product title"],
        required: true,
    },
    Role {
        key: "price",
        what: "price",
        names: &["price", "unit_price", "regular price", "sale_price", "amount"],
        required: true,
    },
    Role { key: "id", what: "product id", names: &["id", "sku", "product_id", "handle", "item_id"], required: false },
    Role {
        key: "category",
        what: "category",
        names: &["category", "product_category", "type", "product type", "department", "categories", "collection"],
        required: false,
    },
    Role { key: "cost", what: "unit cost", names: &["cost", "cost per item", "unit_cost", "cogs"], required: false },
    Role { key: "tags", what: "tags", names: &["tags", "tag", "labels"], required: false },
    Role {
        key: "popularity",
        what: "popularity (units sold, views or any relative demand)",
        names: &["popularity", "units_sold", "sales", "quantity_sold", "views"],
        required: false,
    },
];

/// The Shopify columns read.
const SHOPIFY: [Role; 7] = [
    Role { key: "id", what: "handle", names: &["Handle"], required: true },
    Role { key: "product", what: "title", names: &["Title"], required: true },
    Role { key: "price", what: "variant price", names: &["Variant Price"], required: true },
    Role {
        key: "category",
        what: "product type or category",
        names: &["Type", "Product Category", "Google Shopping / Google Product Category"],
        required: false,
    },
    Role { key: "cost", what: "cost per item", names: &["Cost per item"], required: false },
    Role { key: "tags", what: "tags", names: &["Tags"], required: false },
    Role { key: "status", what: "status", names: &["Status"], required: false },
];

/// The WooCommerce columns read.
const WOO: [Role; 9] = [
    Role { key: "wooid", what: "ID", names: &["ID"], required: false },
    Role { key: "type", what: "type", names: &["Type"], required: true },
    Role { key: "id", what: "SKU", names: &["SKU"], required: false },
    Role { key: "product", what: "name", names: &["Name"], required: true },
    Role { key: "price", what: "regular price", names: &["Regular price"], required: true },
    Role { key: "category", what: "categories", names: &["Categories"], required: false },
    Role { key: "tags", what: "tags", names: &["Tags"], required: false },
    Role { key: "parent", what: "parent", names: &["Parent"], required: false },
    Role { key: "published", what: "published", names: &["Published"], required: false },
];

/// A price the model takes: above 0, at most its largest amount of money.
fn price_ok(v: f64) -> bool {
    v > 0.0 && v <= crate::model::MAX_MONEY
}

/// The columns a format reads.
pub fn roles(format: Format) -> &'static [Role] {
    match format {
        Format::Shopify => &SHOPIFY,
        Format::WooCommerce => &WOO,
        Format::Generic => &ROLES,
    }
}

/// A product being assembled from its rows.
struct Draft {
    line: u64,
    id: String,
    name: String,
    category: String,
    tags: Vec<String>,
    /// (price, cost, whether it is the default variant) per priced variant.
    variants: Vec<(f64, Option<f64>, bool)>,
    popularity: Option<f64>,
}

/// Reads a product export.
pub fn import(t: &Table, opts: &Options) -> Result<CatalogImport, ImportError> {
    let format = opts.format.unwrap_or_else(|| Format::detect(t));
    let columns = resolve(t, roles(format), &opts.map)?;
    let mut skipped = Vec::new();
    let mut assumptions = Vec::new();
    let drafts = match format {
        Format::Shopify => shopify(t, &columns, &mut skipped),
        Format::WooCommerce => woo(t, &columns, &mut skipped, &mut assumptions),
        Format::Generic => generic(t, &columns, &mut skipped),
    };
    if drafts.is_empty() {
        return Err(super::nothing_usable(t, &skipped, "holds no products", "holds no product that can be imported"));
    }
    let products = finish(drafts, opts, columns.of("category").is_some(), &mut assumptions);
    Ok(CatalogImport { file: t.file.clone(), format, rows: t.rows.len(), columns, products, skipped, assumptions })
}

fn shopify(t: &Table, c: &Columns, skipped: &mut Vec<Skipped>) -> Vec<Draft> {
    let (handle, title, price) = (c.of("id"), c.of("product"), c.of("price"));
    let (category, cost, tags, status) = (c.of("category"), c.of("cost"), c.of("tags"), c.of("status"));
    let option = t.column("Option1 Value");
    let mut drafts: Vec<Draft> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut left_out: std::collections::BTreeSet<String> = Default::default();
    for row in 0..t.rows.len() {
        let line = t.rows[row].0;
        let h = t.opt(row, handle);
        if h.is_empty() {
            skipped.push(Skipped { line, reason: "no handle".into() });
            continue;
        }
        if left_out.contains(h) {
            continue;
        }
        let k = match index.get(h) {
            Some(&k) => k,
            None => {
                let st = t.opt(row, status).to_ascii_lowercase();
                if st == "draft" || st == "archived" {
                    skipped.push(Skipped { line, reason: format!("status {st}: not on sale") });
                    left_out.insert(h.to_string());
                    continue;
                }
                let name = clean_name(t.opt(row, title));
                drafts.push(Draft {
                    line,
                    id: h.to_string(),
                    name: if name.is_empty() { h.to_string() } else { name },
                    category: category_leaf(t.opt(row, category)),
                    tags: split_tags(t.opt(row, tags)),
                    variants: Vec::new(),
                    popularity: None,
                });
                index.insert(h.to_string(), drafts.len() - 1);
                drafts.len() - 1
            }
        };
        let p = t.opt(row, price);
        if p.is_empty() {
            // An image row: the product's further pictures, no variant.
            continue;
        }
        match parse_money(p).filter(|&v| price_ok(v)) {
            Some(v) => {
                let default = t.opt(row, option).eq_ignore_ascii_case("Default Title");
                drafts[k].variants.push((v, parse_money(t.opt(row, cost)), default));
            }
            None => skipped.push(Skipped {
                line,
                reason: format!("variant price `{}` is not a price above 0 and at most 1,000,000,000", excerpt(p)),
            }),
        }
    }
    take_priced(drafts, skipped)
}

fn woo(t: &Table, c: &Columns, skipped: &mut Vec<Skipped>, assumptions: &mut Vec<String>) -> Vec<Draft> {
    let (ty, sku, name, price) = (c.of("type"), c.of("id"), c.of("product"), c.of("price"));
    let (category, tags, parent, published, wooid) =
        (c.of("category"), c.of("tags"), c.of("parent"), c.of("published"), c.of("wooid"));
    let sale = t.column("Sale price");
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut variations = Vec::new();
    let mut on_sale = 0;
    for row in 0..t.rows.len() {
        let line = t.rows[row].0;
        let kinds: Vec<String> = t.opt(row, ty).split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
        let kind = kinds.first().cloned().unwrap_or_default();
        if t.opt(row, published) == "-1" {
            skipped.push(Skipped { line, reason: "a draft (Published -1): not on sale".into() });
            continue;
        }
        match kind.as_str() {
            "variation" => {
                variations.push(row);
                continue;
            }
            "grouped" => {
                skipped.push(Skipped {
                    line,
                    reason: "a grouped product: a set of other products, each imported from its own row".into(),
                });
                continue;
            }
            "external" | "affiliate" => {
                skipped.push(Skipped {
                    line,
                    reason: "an external product: bought on another site, never in this store's cart".into(),
                });
                continue;
            }
            "simple" | "variable" => {}
            "" => {
                skipped.push(Skipped { line, reason: "no type".into() });
                continue;
            }
            other => {
                skipped.push(Skipped {
                    line,
                    reason: format!(
                        "type `{}` is not one of simple, variable, variation, grouped, external",
                        excerpt(other)
                    ),
                });
                continue;
            }
        }
        let id_text = t.opt(row, wooid).to_string();
        let sku_text = t.opt(row, sku).to_string();
        let id = if sku_text.is_empty() { format!("woo-{id_text}") } else { sku_text.clone() };
        let mut d = Draft {
            line,
            id: id.clone(),
            name: clean_name(t.opt(row, name)),
            category: category_leaf(t.opt(row, category).split(',').next().unwrap_or("")),
            tags: split_tags(t.opt(row, tags)),
            variants: Vec::new(),
            popularity: None,
        };
        if d.name.is_empty() {
            d.name = id.clone();
        }
        if let Some(v) = parse_money(t.opt(row, price)).filter(|&v| price_ok(v)) {
            d.variants.push((v, None, true));
        }
        if !t.opt(row, sale).is_empty() {
            on_sale += 1;
        }
        drafts.push(d);
        if !id_text.is_empty() {
            by_key.insert(format!("id:{id_text}"), drafts.len() - 1);
        }
        if !sku_text.is_empty() {
            by_key.insert(sku_text, drafts.len() - 1);
        }
    }
    let mut folded = 0;
    for row in variations {
        let line = t.rows[row].0;
        let p = t.opt(row, parent);
        let Some(&k) = by_key.get(p) else {
            skipped.push(Skipped {
                line,
                reason: if p.is_empty() {
                    "a variation with no parent".into()
                } else {
                    format!("a variation of `{}`, which is not an imported product", excerpt(p))
                },
            });
            continue;
        };
        match parse_money(t.opt(row, price)).filter(|&v| price_ok(v)) {
            Some(v) => {
                // The variable product's own row carries no price of its own here.
                drafts[k].variants.retain(|x| !x.2);
                drafts[k].variants.push((v, None, false));
                folded += 1;
            }
            None => skipped.push(Skipped { line, reason: "a variation with no regular price".into() }),
        }
    }
    if folded > 0 {
        assumptions.push(format!("{} folded into their variable products.", count(folded, "variation", "variations")));
    }
    if on_sale > 0 {
        assumptions.push(format!(
            "{} a sale price; the regular price is used (a sale is temporary).",
            count(on_sale, "product has", "products have")
        ));
    }
    take_priced(drafts, skipped)
}

fn generic(t: &Table, c: &Columns, skipped: &mut Vec<Skipped>) -> Vec<Draft> {
    let (name, price, id) = (c.of("product"), c.of("price"), c.of("id"));
    let (category, cost, tags, pop) = (c.of("category"), c.of("cost"), c.of("tags"), c.of("popularity"));
    let mut drafts: Vec<Draft> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for row in 0..t.rows.len() {
        let line = t.rows[row].0;
        let n = clean_name(t.opt(row, name));
        let key = match t.opt(row, id) {
            "" => n.clone(),
            k => k.to_string(),
        };
        if key.is_empty() {
            skipped.push(Skipped { line, reason: "no product name or id".into() });
            continue;
        }
        let p = t.opt(row, price);
        let Some(v) = parse_money(p).filter(|&v| price_ok(v)) else {
            skipped.push(Skipped {
                line,
                reason: if p.is_empty() {
                    "no price".into()
                } else {
                    format!("price `{}` is not above 0 and at most 1,000,000,000", excerpt(p))
                },
            });
            continue;
        };
        let popularity = parse_money(t.opt(row, pop)).filter(|&v| v > 0.0).map(|v| v.min(1e12));
        let k = *index.entry(key.clone()).or_insert_with(|| {
            drafts.push(Draft {
                line,
                id: key.clone(),
                name: if n.is_empty() { key.clone() } else { n.clone() },
                category: category_leaf(t.opt(row, category)),
                tags: split_tags(t.opt(row, tags)),
                variants: Vec::new(),
                popularity: None,
            });
            drafts.len() - 1
        });
        drafts[k].variants.push((v, parse_money(t.opt(row, cost)), false));
        if let Some(p) = popularity {
            drafts[k].popularity = Some((drafts[k].popularity.unwrap_or(0.0) + p).min(1e12));
        }
    }
    drafts
}

/// Drafts with at least one priced variant; the rest are skipped.
fn take_priced(drafts: Vec<Draft>, skipped: &mut Vec<Skipped>) -> Vec<Draft> {
    let (priced, unpriced): (Vec<Draft>, Vec<Draft>) = drafts.into_iter().partition(|d| !d.variants.is_empty());
    for d in unpriced {
        skipped.push(Skipped { line: d.line, reason: "no priced variant".into() });
    }
    priced
}

/// Drafts to products: the price of the default variant (else the lowest), the cost
/// given or assumed, unique ids, the post-purchase rule.
fn finish(drafts: Vec<Draft>, opts: &Options, has_category: bool, assumptions: &mut Vec<String>) -> Vec<ProductSpec> {
    let mut several = 0;
    let mut assumed_cost = 0;
    let mut uncategorised = 0;
    let mut ids: std::collections::HashSet<String> = Default::default();
    let mut out: Vec<(ProductSpec, Vec<String>)> = Vec::new();
    for d in drafts {
        if d.variants.len() > 1 {
            several += 1;
        }
        let chosen = d
            .variants
            .iter()
            .find(|v| v.2)
            .or_else(|| d.variants.iter().min_by(|a, b| a.0.total_cmp(&b.0)))
            .copied()
            .unwrap_or((0.01, None, false));
        let price = (chosen.0 * 100.0).round() / 100.0;
        let cost = match chosen.1.filter(|&c| c >= 0.0 && c <= price * 10.0) {
            Some(c) => (c * 100.0).round() / 100.0,
            None => {
                assumed_cost += 1;
                (price * (1.0 - opts.margin) * 100.0).round() / 100.0
            }
        };
        let category = if d.category.is_empty() {
            uncategorised += 1;
            "uncategorised".to_string()
        } else {
            d.category
        };
        let mut id = d.id.clone();
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{}-{n}", d.id);
            n += 1;
        }
        out.push((
            ProductSpec {
                id,
                name: d.name,
                category,
                price,
                cost,
                popularity: d.popularity.unwrap_or(1.0),
                post_purchase: false,
            },
            d.tags,
        ));
    }
    if several > 0 {
        assumptions.push(format!(
            "{} several variants: each is one product priced at its default variant, else its lowest.",
            count(several, "product has", "products have")
        ));
    }
    if assumed_cost > 0 {
        assumptions.push(format!(
            "{assumed_cost} of {} no cost in the file: cost assumed at {:.0}% of price (a {:.0}% gross margin: the import's assumed margin changes it).",
            count(out.len(), "product has", "products have"),
            (1.0 - opts.margin) * 100.0,
            opts.margin * 100.0
        ));
    }
    if uncategorised > 0 {
        assumptions.push(format!(
            "{} no {}: category `uncategorised`.",
            count(uncategorised, "product has", "products have"),
            if has_category { "category in their row" } else { "category column" }
        ));
    }
    if out.iter().all(|(p, _)| p.popularity == 1.0) {
        assumptions.push(
            "The file says nothing of demand: every product is equally popular (calibrate from orders to change it)."
                .into(),
        );
    }
    let mut prices: Vec<f64> = out.iter().map(|(p, _)| p.price).collect();
    prices.sort_by(f64::total_cmp);
    let median = prices[prices.len() / 2];
    let rule = |p: &ProductSpec, tags: &[String]| match &opts.post_purchase {
        PostPurchase::PriceAtMost(x) => p.price <= *x,
        PostPurchase::Tag(tag) => tags.iter().any(|t| t.eq_ignore_ascii_case(tag)),
        PostPurchase::MedianOrBelow => p.price <= median,
        PostPurchase::Never => false,
    };
    for (p, tags) in &mut out {
        p.post_purchase = rule(p, tags);
    }
    let eligible = out.iter().filter(|(p, _)| p.post_purchase).count();
    assumptions.push(match &opts.post_purchase {
        PostPurchase::PriceAtMost(x) => {
            format!("{} priced at most {x} may be offered after checkout.", count(eligible, "product", "products"))
        }
        PostPurchase::Tag(tag) => {
            format!("{} tagged `{tag}` may be offered after checkout.", count(eligible, "product", "products"))
        }
        PostPurchase::MedianOrBelow => format!(
            "{} priced at or below the median ({median}) may be offered after checkout (the import's post-purchase rule changes it: a price limit or a tag).",
            count(eligible, "product", "products")
        ),
        PostPurchase::Never => "No product may be offered after checkout.".into(),
    });
    out.into_iter().map(|(p, _)| p).collect()
}

/// A category path's last part: `Clothing > Tshirts` is `Tshirts`; `Home & Garden >
/// Decor` is `Decor`.
fn category_leaf(s: &str) -> String {
    clean_name(s.rsplit(['>', '/']).next().unwrap_or(""))
}

/// "1 product has", "3 products have".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn split_tags(s: &str) -> Vec<String> {
    s.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
}

fn excerpt(s: &str) -> String {
    crate::format::excerpt(s, 40)
}

impl CatalogImport {
    /// The preview: what was found, what was skipped and why, what was assumed.
    pub fn preview(&self) -> String {
        let mut out = format!(
            "{}: {}, {} rows.\n{} products found.\n",
            self.file,
            self.format.label(),
            self.rows,
            self.products.len()
        );
        out.push_str(&format!("Columns: {}.\n", self.columns.describe().join("; ")));
        if self.skipped.is_empty() {
            out.push_str("No row skipped.\n");
        } else {
            out.push_str("Skipped:\n");
            for s in super::skipped_summary(&self.skipped) {
                out.push_str(&format!("  - {s}\n"));
            }
        }
        out.push_str("Assumptions:\n");
        for a in &self.assumptions {
            out.push_str(&format!("  - {a}\n"));
        }
        out
    }

    /// [`CatalogImport::apply`], checked: the scenario validates (else the problems, in
    /// words).
    pub fn scenario(&self, base: &ScenarioSpec) -> Result<(ScenarioSpec, Vec<String>), String> {
        let (spec, notes) = self.apply(base);
        crate::model::Scenario::from_spec(spec.clone()).map_err(|e| {
            format!(
                "the imported scenario does not validate: {}",
                e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            )
        })?;
        Ok((spec, notes))
    }

    /// `base` with this catalog: its products replaced, links kept where both ends
    /// still exist, every segment, tier and strategy kept. Returns the scenario and
    /// what changed beyond the products, in words.
    pub fn apply(&self, base: &ScenarioSpec) -> (ScenarioSpec, Vec<String>) {
        let mut spec = base.clone();
        let mut notes = Vec::new();
        spec.presented = None;
        spec.catalog = None;
        spec.products = self.products.clone();
        let ids: std::collections::HashSet<&str> = spec.products.iter().map(|p| p.id.as_str()).collect();
        let cats: std::collections::HashSet<&str> = spec.products.iter().map(|p| p.category.as_str()).collect();
        let before = spec.links.len();
        spec.links.retain(|l: &LinkSpec| {
            ids.contains(l.to.as_str())
                && l.from.as_deref().is_none_or(|f| ids.contains(f))
                && l.from_category.as_deref().is_none_or(|f| cats.contains(f))
        });
        if spec.links.len() < before {
            notes.push(format!(
                "{} of the scenario's {before} complement links name products or categories no longer in the catalog and were dropped; calibrate from orders to find this catalog's complements.",
                before - spec.links.len()
            ));
        }
        let mut dropped = 0;
        for s in &mut spec.segments {
            let n = s.category_affinity.len();
            s.category_affinity.retain(|c, _| cats.contains(c.as_str()));
            dropped += n - s.category_affinity.len();
        }
        if dropped > 0 {
            notes.push(format!(
                "{dropped} segment category affinities name categories not in this catalog and were dropped."
            ));
        }
        notes.push(format!(
            "Segments, tiers and strategies are the base scenario's ({} segments, {} tiers, {} strategies).",
            spec.segments.len(),
            spec.tiers.len(),
            spec.strategies.len()
        ));
        let file = super::file_name(&self.file);
        spec.name = format!("{} (catalog from {file})", base.name);
        spec.description = format!(
            "{}\n\nCatalog imported from {file} ({}, {} products). {} {}",
            base.description.trim_end(),
            self.format.label(),
            self.products.len(),
            self.assumptions.join(" "),
            notes.join(" ")
        )
        .trim_start()
        .to_string();
        (spec, notes)
    }
}
