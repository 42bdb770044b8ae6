//! `aovlab import-catalog` and `aovlab calibrate`: a store's product export or order
//! history into a scenario, with a preview of what was read, skipped and assumed
//! (and, for calibration, the proof of fit).

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Failure, print_stdout};
use crate::analysis::{calibrate, fit};
use crate::import::catalog::{self, PostPurchase};
use crate::import::{Mapping, Table};
use crate::model::{CatalogFiles, ScenarioSpec};

/// A catalog larger than this is written as CSV files beside the scenario.
pub const CSV_CATALOG_FROM: usize = 500;

/// Options both commands share.
#[derive(Debug, clap::Args)]
pub struct ImportCommon {
    /// The scenario to import into: its segments, tiers, strategies and behaviour are
    /// kept (default: the embedded article scenario).
    #[arg(long, value_name = "SCENARIO")]
    pub into: Option<PathBuf>,
    /// Write the new scenario to OUT (a `.toml`; catalogs over 500 products go to
    /// OUT-products.csv and OUT-links.csv beside it). Without it, only the preview.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Name columns by hand: ROLE=COLUMN pairs, comma-separated or repeated
    /// (`--map product=Title,price=Cost`).
    #[arg(long, value_name = "ROLE=COLUMN")]
    pub map: Vec<String>,
    /// Gross margin assumed where a product has no cost (0.4: cost is 60% of price).
    #[arg(long, default_value_t = 0.4, value_parser = fraction)]
    pub margin: f64,
    /// Products priced at most this may be offered after checkout (default: those at
    /// or below the median price).
    #[arg(long, value_name = "PRICE", conflicts_with = "post_purchase_tag")]
    pub post_purchase_below: Option<f64>,
    /// Products with this tag may be offered after checkout.
    #[arg(long, value_name = "TAG")]
    pub post_purchase_tag: Option<String>,
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a margin from 0 to below 1 (0.4 = 40%)")),
    }
}

impl ImportCommon {
    fn post_purchase(&self) -> Result<PostPurchase, Failure> {
        Ok(match (&self.post_purchase_below, &self.post_purchase_tag) {
            (Some(p), _) if !(p.is_finite() && *p > 0.0) => {
                return Err(Failure::BadInput(format!("--post-purchase-below: {p} is not a price above 0")));
            }
            (Some(p), _) => PostPurchase::PriceAtMost(*p),
            (None, Some(t)) => PostPurchase::Tag(t.clone()),
            (None, None) => PostPurchase::MedianOrBelow,
        })
    }

    fn mapping(&self) -> Result<Mapping, Failure> {
        Mapping::parse(&self.map).map_err(|m| Failure::BadInput(format!("--map: {m}")))
    }

    fn base(&self) -> Result<ScenarioSpec, Failure> {
        Ok(super::load_with(self.into.as_deref(), |_| Ok(()))?.spec)
    }
}

/// Arguments of `import-catalog`.
#[derive(Debug, clap::Args)]
pub struct ImportCatalogArgs {
    /// A product export: Shopify, WooCommerce, or any CSV (with --map where its
    /// columns are not detected). `.csv` or `.csv.gz`.
    pub file: PathBuf,
    /// Shared options.
    #[command(flatten)]
    pub common: ImportCommon,
}

/// Arguments of `calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// Order lines: a Shopify orders export, or `order_id,product,category,price,
    /// quantity[,customer,date]` under any of the usual column names. `.csv` or
    /// `.csv.gz`.
    pub file: PathBuf,
    /// Shared options.
    #[command(flatten)]
    pub common: ImportCommon,
    /// Split each segment into this many basket-size groups (1 to 8).
    #[arg(long, default_value_t = 4, value_parser = super::whole(1, 8))]
    pub basket_groups: u64,
    /// Least orders a pair must share to become a complement (default: 0.1% of
    /// orders, at least 5).
    #[arg(long, value_parser = super::whole(1, u64::MAX))]
    pub min_support: Option<u64>,
    /// Least co-purchase lift for a complement.
    #[arg(long, default_value_t = 2.0)]
    pub min_lift: f64,
    /// Write the proof of fit as one self-contained HTML page.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Write the fit's charts into folder DIR as PNG (2x) and SVG.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

fn read(path: &Path) -> Result<Table, Failure> {
    crate::io::table::read_table(path, &path.display().to_string()).map_err(|e| Failure::BadInput(e.to_string()))
}

/// Writes a scenario already validated (and its CSV catalog when large).
fn write_scenario(out: &Path, spec: &ScenarioSpec) -> Result<(), Failure> {
    let mut spec = spec.clone();
    if spec.products.len() > CSV_CATALOG_FROM {
        let stem = out.file_stem().map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned());
        spec.catalog = Some(CatalogFiles {
            products: Some(format!("{stem}-products.csv")),
            links: Some(format!("{stem}-links.csv")),
        });
    }
    crate::io::save_scenario(out, &spec)
        .map_err(|e| Failure::BadInput(format!("{}: cannot write: {}", out.display(), crate::io::files::io_text(&e))))
}

/// Imports a product export.
pub fn import_catalog(a: &ImportCatalogArgs) -> Result<(), Failure> {
    let table = read(&a.file)?;
    let opts = catalog::Options {
        map: a.common.mapping()?,
        margin: a.common.margin,
        post_purchase: a.common.post_purchase()?,
        format: None,
    };
    let imported = catalog::import(&table, &opts).map_err(|e| Failure::BadInput(e.to_string()))?;
    let base = a.common.base()?;
    let (spec, notes) = imported.scenario(&base).map_err(Failure::BadInput)?;
    let mut text = imported.preview();
    for n in &notes {
        text.push_str(&format!("  - {n}\n"));
    }
    match &a.common.output {
        Some(out) => {
            write_scenario(out, &spec)?;
            text.push_str(&format!("Wrote {} ({} products).\n", out.display(), imported.products.len()));
        }
        None => text.push_str("Nothing written: give -o OUT.toml to write the scenario.\n"),
    }
    print_stdout(&text)
}

/// Calibrates from order lines.
pub fn calibrate(a: &CalibrateArgs) -> Result<(), Failure> {
    if !(a.min_lift.is_finite() && a.min_lift >= 1.0) {
        return Err(Failure::BadInput(format!("--min-lift: {} is not a lift of 1 or more", a.min_lift)));
    }
    let table = read(&a.file)?;
    let opts = calibrate::Options {
        basket_groups: a.basket_groups as usize,
        min_support: a.min_support,
        min_lift: a.min_lift,
        links_per_product: 5,
        margin: a.common.margin,
        post_purchase: a.common.post_purchase()?,
        date: crate::format::today(),
    };
    let base = a.common.base()?;
    let done = fit::calibrate_table(&table, &a.common.mapping()?, &opts, &base).map_err(Failure::BadInput)?;
    let (orders, cal, f, changes, spec, sc) =
        (&done.orders, &done.calibration, &done.fit, &done.changes, &done.spec, &done.scenario);
    let mut text = crate::present::calibration::summary(orders, cal, changes, f, &sc.store.currency);
    if let Some(out) = &a.common.output {
        write_scenario(out, spec)?;
        text.push_str(&format!("\nWrote {}.\n", out.display()));
    } else {
        text.push_str("\nNothing written: give -o OUT.toml to write the scenario.\n");
    }
    if let Some(path) = &a.report {
        let html = crate::present::calibration::html(cal, f, sc, &spec.description)
            .map_err(|e| Failure::Internal(anyhow::anyhow!(e)))?;
        crate::io::files::write_atomic(path, html.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        text.push_str(&format!("Wrote {} (the proof of fit).\n", path.display()));
    }
    if let Some(dir) = &a.charts {
        super::write_figures(
            dir,
            &crate::present::calibration::figures(cal, f, &sc.store.currency),
            &crate::present::calibration::stamp(sc),
        )?;
    }
    print_stdout(&text)
}
