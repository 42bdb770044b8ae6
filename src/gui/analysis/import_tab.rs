//! The "Import" tab: a store's product export (Shopify, WooCommerce, any CSV) or its
//! order history read into a preview (what was found, each skipped row and why, every
//! assumption, the columns detected and editable) and, for orders, the proof of fit;
//! nothing changes until "Apply to scenario", which is one undoable edit. The same
//! headless calls as `aovlab import-catalog` and `aovlab calibrate`.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{RichText, Ui};

use super::{AnalysisTab, End, Task};
use crate::analysis::calibrate;
use crate::analysis::fit::{self, Calibrated};
use crate::format::printable;
use crate::gui::commands::Command;
use crate::gui::dashboard::charts::{self, ChartState};
use crate::gui::document::Document;
use crate::import::catalog::{self, CatalogImport, PostPurchase};
use crate::import::{Mapping, Role, Table};
use crate::model::ScenarioSpec;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Products (a catalog export).
    Catalog,
    /// Order lines (calibration).
    Orders,
}

impl Kind {
    /// The columns read from `t` as this kind.
    fn roles(self, t: &Table) -> &'static [Role] {
        match self {
            Kind::Catalog => catalog::roles(catalog::Format::detect(t)),
            Kind::Orders => &crate::import::orders::ROLES,
        }
    }

    /// The kind a table looks like: product exports have prices but no order column.
    pub fn guess(t: &Table) -> Kind {
        if catalog::Format::detect(t) != catalog::Format::Generic {
            return Kind::Catalog;
        }
        let order = crate::import::resolve(t, &crate::import::orders::ROLES, &Mapping::default())
            .is_ok_and(|c| c.of("order").is_some() || (c.of("customer").is_some() && c.of("date").is_some()));
        if order { Kind::Orders } else { Kind::Catalog }
    }
}

/// The preview of an import.
pub enum Preview {
    /// A catalog, the scenario it makes and what else changed.
    Catalog(Box<CatalogImport>, Box<ScenarioSpec>, Vec<String>),
    /// A calibration and its proof of fit.
    Orders(Box<Calibrated>),
}

/// What the background job returns: the table (for the column choices) and the
/// preview, or why there is none.
pub struct Loaded {
    /// The document revision the preview was made from.
    revision: u64,
    table: Option<Arc<Table>>,
    preview: Result<Preview, String>,
}

/// The tab's state.
pub struct ImportTab {
    /// What the file is read as.
    pub kind: Kind,
    /// The file.
    pub file: Option<PathBuf>,
    table: Option<Arc<Table>>,
    /// Columns chosen by hand, role to column.
    map: Vec<(String, String)>,
    margin: f64,
    rule: usize,
    price_limit: f64,
    tag: String,
    groups: usize,
    task: Task<Loaded>,
    /// The latest preview, and the document revision it was made from.
    pub preview: Option<(u64, Result<Preview, String>)>,
    charts: Vec<ChartState>,
    /// Whether the choices changed since the preview (a new preview is due).
    due: bool,
    /// Read the file as what it looks like (it was dropped, not chosen for a kind).
    guess_kind: bool,
    /// What was last applied, in words.
    applied: Option<String>,
}

impl Default for ImportTab {
    fn default() -> Self {
        Self {
            kind: Kind::Catalog,
            file: None,
            table: None,
            map: Vec::new(),
            margin: 0.4,
            rule: 0,
            price_limit: 25.0,
            tag: String::new(),
            groups: 4,
            task: Task::default(),
            preview: None,
            charts: Vec::new(),
            due: false,
            guess_kind: false,
            applied: None,
        }
    }
}

const RULES: [&str; 4] = ["priced at or below the median", "priced at most…", "tagged…", "none"];

impl AnalysisTab for ImportTab {
    fn runs_on_first_view(&self) -> bool {
        false
    }

    fn poll(&mut self) {
        let Some(End::Done(loaded)) = self.task.poll(|()| {}) else { return };
        if loaded.table.is_some() {
            self.table = loaded.table;
        }
        if let Ok(Preview::Orders(_)) = &loaded.preview {
            self.kind = Kind::Orders;
        } else if let Ok(Preview::Catalog(..)) = &loaded.preview {
            self.kind = Kind::Catalog;
        }
        // Stamped with the revision it was made from: an edit made while it was being
        // made leaves it stale, so Apply cannot undo that edit.
        self.preview = Some((loaded.revision, loaded.preview));
        self.charts.clear();
    }

    /// Whether a preview is being made (or is due).
    fn is_running(&self) -> bool {
        self.task.is_running() || self.due
    }

    fn task(&self) -> &dyn super::Running {
        &self.task
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, _valid: bool, out: &mut Vec<Command>) {
        self.draw(ui, doc, out);
    }
}

impl ImportTab {
    /// Reads `path` as `kind` (or as what it looks like when `None`).
    pub fn load(&mut self, path: PathBuf, kind: Option<Kind>) {
        self.file = Some(path);
        self.table = None;
        self.map.clear();
        self.preview = None;
        self.kind = kind.unwrap_or(self.kind);
        self.guess_kind = kind.is_none();
        self.applied = None;
        self.due = true;
    }

    fn post_purchase(&self) -> PostPurchase {
        match self.rule {
            1 => PostPurchase::PriceAtMost(self.price_limit),
            2 => PostPurchase::Tag(self.tag.clone()),
            3 => PostPurchase::Never,
            _ => PostPurchase::MedianOrBelow,
        }
    }

    fn begin(&mut self, doc: &Document, ctx: &egui::Context) {
        self.due = false;
        let Some(path) = self.file.clone() else { return };
        let table = self.table.clone();
        let guess = std::mem::take(&mut self.guess_kind);
        let kind = self.kind;
        let map = Mapping(self.map.clone());
        let base = doc.spec().clone();
        let catalog_opts = catalog::Options {
            map: map.clone(),
            margin: self.margin,
            post_purchase: self.post_purchase(),
            format: None,
        };
        let cal_opts = calibrate::Options {
            basket_groups: self.groups,
            margin: self.margin,
            post_purchase: self.post_purchase(),
            date: crate::format::today(),
            ..Default::default()
        };
        let revision = doc.revision();
        self.task.start(ctx, move |report, _cancel| {
            let table = match table {
                Some(t) => t,
                None => match crate::io::table::read_table(&path, &path.display().to_string()) {
                    Ok(t) => Arc::new(t),
                    Err(e) => return End::Done(Loaded { revision, table: None, preview: Err(e.to_string()) }),
                },
            };
            report.progress(0.3);
            let kind = if guess { Kind::guess(&table) } else { kind };
            let preview = match kind {
                Kind::Catalog => catalog::import(&table, &catalog_opts).map_err(|e| e.to_string()).and_then(|imp| {
                    let (spec, notes) = imp.scenario(&base)?;
                    Ok(Preview::Catalog(Box::new(imp), Box::new(spec), notes))
                }),
                Kind::Orders => {
                    fit::calibrate_table(&table, &map, &cal_opts, &base).map(|c| Preview::Orders(Box::new(c)))
                }
            };
            End::Done(Loaded { revision, table: Some(table), preview })
        });
    }

    /// Draws the tab.
    fn draw(&mut self, ui: &mut Ui, doc: &mut Document, out: &mut Vec<Command>) {
        if self.due && !self.task.is_running() {
            self.begin(doc, ui.ctx());
        }
        ui.heading("Import");
        ui.add(
            egui::Label::new(
                "Start from your own store: a product export (Shopify, WooCommerce or any CSV) becomes the catalog; \
                 an order history calibrates basket sizes, prices, popularity, complements and spend to date, with \
                 a proof of fit. Nothing changes until you apply it, and applying is one undo step. You can also \
                 drop a CSV onto the window.",
            )
            .wrap(),
        );
        ui.horizontal_wrapped(|ui| {
            if ui.button("Import a product catalog…").clicked() {
                out.push(Command::ImportCatalog);
            }
            if ui.button("Calibrate from orders…").clicked() {
                out.push(Command::ImportOrders);
            }
            if let Some(p) = &self.file {
                ui.label(RichText::new(printable(&p.display().to_string())).strong());
            }
        });
        if self.file.is_none() {
            return;
        }
        let before =
            (self.kind, self.map.clone(), self.margin, self.rule, self.price_limit, self.tag.clone(), self.groups);
        self.choices_ui(ui);
        if before
            != (self.kind, self.map.clone(), self.margin, self.rule, self.price_limit, self.tag.clone(), self.groups)
        {
            self.due = true;
        }
        self.task.status_ui(ui, false);
        ui.separator();
        let stale = self.preview.as_ref().is_some_and(|(rev, _)| *rev != doc.revision());
        match &self.preview {
            None => {}
            Some((_, Err(e))) => {
                ui.add(egui::Label::new(RichText::new(printable(e)).color(ui.visuals().error_fg_color)).wrap());
            }
            Some((_, Ok(p))) => {
                let spec = match p {
                    Preview::Catalog(_, spec, _) => spec.as_ref(),
                    Preview::Orders(c) => &c.spec,
                };
                ui.horizontal_wrapped(|ui| {
                    let apply = ui.add_enabled(!stale, egui::Button::new(RichText::new("Apply to scenario").strong()));
                    if stale && ui.button("Preview again").clicked() {
                        self.due = true;
                    }
                    if apply.clicked() {
                        let said = match p {
                            Preview::Catalog(imp, ..) => format!(
                                "Imported {} products from {} (Edit > Undo takes it back)",
                                crate::format::int(imp.products.len() as u64),
                                crate::import::file_name(&imp.file)
                            ),
                            Preview::Orders(c) => format!(
                                "Calibrated from {} orders of {} (Edit > Undo takes it back)",
                                crate::format::int(c.calibration.orders as u64),
                                crate::import::file_name(&c.calibration.file)
                            ),
                        };
                        out.push(Command::EditSaying(crate::model::edit::replace(doc.spec(), spec), said.clone()));
                        self.applied = Some(said);
                    }
                    match (&self.applied, stale) {
                        (Some(a), true) => {
                            ui.label(format!("{a}."));
                        }
                        (None, true) => {
                            ui.label("The scenario changed since this preview: preview again to import into it.");
                        }
                        _ => {}
                    }
                });
                match p {
                    Preview::Catalog(imp, _, notes) => catalog_preview(ui, imp, notes),
                    Preview::Orders(c) => {
                        if self.charts.len() < 4 {
                            self.charts.resize_with(4, ChartState::default);
                        }
                        orders_preview(ui, c, &mut self.charts, &doc.spec().store.currency, out);
                    }
                }
            }
        }
    }

    fn choices_ui(&mut self, ui: &mut Ui) {
        egui::Grid::new("import-choices").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
            ui.label("Read it as");
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.kind, Kind::Catalog, "a product catalog");
                ui.radio_value(&mut self.kind, Kind::Orders, "order history (calibrate)");
            });
            ui.end_row();
        });
        if let Some(t) = self.table.clone() {
            // Outside a grid: a grid's row heights lag a frame behind wrapped content.
            ui.horizontal_wrapped(|ui| {
                ui.label("Columns");
                let roles = self.kind.roles(&t);
                let detected = crate::import::resolve(&t, roles, &Mapping(self.map.clone())).ok();
                for role in roles {
                    let current = detected.as_ref().and_then(|c| c.found.iter().find(|f| f.0 == role.key));
                    let shown = current.map_or_else(|| "(none)".to_string(), |f| printable(&f.2));
                    {
                        ui.label(format!("{}:", role.key));
                        crate::gui::combo(
                            ui,
                            ("import-map", role.key),
                            &format!("Column for {}", role.what),
                            Some(130.0),
                            shown,
                            |ui| {
                                for h in &t.header {
                                    if ui.selectable_label(current.is_some_and(|f| &f.2 == h), printable(h)).clicked() {
                                        self.map.retain(|m| m.0 != role.key);
                                        self.map.push((role.key.to_string(), h.clone()));
                                    }
                                }
                            },
                        );
                    }
                }
                if !self.map.is_empty() && ui.button("Detect again").clicked() {
                    self.map.clear();
                }
            });
        }
        egui::Grid::new("import-options").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
            ui.label("Gross margin");
            ui.horizontal(|ui| {
                let mut pct = self.margin * 100.0;
                if ui
                    .add(egui::DragValue::new(&mut pct).range(0.0..=95.0).suffix("%").speed(0.5))
                    .on_hover_text("Assumed where a product has no cost: cost = price x (1 - margin)")
                    .changed()
                {
                    self.margin = pct / 100.0;
                }
            });
            ui.end_row();
            ui.label("Offered after checkout");
            ui.horizontal(|ui| {
                crate::gui::combo(ui, "import-rule", "Post-purchase rule", None, RULES[self.rule], |ui| {
                    for (i, r) in RULES.iter().enumerate() {
                        ui.selectable_value(&mut self.rule, i, *r);
                    }
                });
                if self.rule == 1 {
                    ui.add(egui::DragValue::new(&mut self.price_limit).range(0.01..=1e9).speed(0.5));
                }
                if self.rule == 2 {
                    ui.add(egui::TextEdit::singleline(&mut self.tag).desired_width(120.0).hint_text("tag"));
                }
            });
            ui.end_row();
            if self.kind == Kind::Orders {
                ui.label("Basket-size groups");
                ui.add(egui::DragValue::new(&mut self.groups).range(1..=8)).on_hover_text(
                    "Each segment is split into this many groups by basket size (a mixture of Poissons)",
                );
                ui.end_row();
            }
        });
    }
}

fn lines(ui: &mut Ui, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    ui.label(RichText::new(title).strong());
    for i in items {
        ui.add(egui::Label::new(format!("•  {}", printable(i))).wrap());
    }
}

fn catalog_preview(ui: &mut Ui, imp: &CatalogImport, notes: &[String]) {
    ui.label(
        RichText::new(format!(
            "{}: {} products found in {} rows.",
            imp.format.label(),
            crate::format::int(imp.products.len() as u64),
            crate::format::int(imp.rows as u64)
        ))
        .size(16.0)
        .strong(),
    );
    ui.label(format!("Columns: {}.", printable(&imp.columns.describe().join("; "))));
    let skipped = crate::import::skipped_summary(&imp.skipped);
    if skipped.is_empty() {
        ui.label("No row skipped.");
    }
    lines(ui, "Skipped", &skipped);
    lines(ui, "Assumptions", &imp.assumptions);
    lines(ui, "The scenario", notes);
    ui.add_space(6.0);
    egui::ScrollArea::vertical().id_salt("import-products").max_height(320.0).show(ui, |ui| {
        egui::Grid::new("import-products-grid").striped(true).num_columns(6).show(ui, |ui| {
            for h in ["Id", "Name", "Category", "Price", "Cost", "After checkout"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for p in imp.products.iter().take(500) {
                ui.label(printable(&p.id));
                ui.label(printable(&p.name));
                ui.label(printable(&p.category));
                ui.label(format!("{:.2}", p.price));
                ui.label(format!("{:.2}", p.cost));
                ui.label(if p.post_purchase { "yes" } else { "" });
                ui.end_row();
            }
        });
        if imp.products.len() > 500 {
            ui.label(format!("…and {} more.", imp.products.len() - 500));
        }
    });
}

fn orders_preview(ui: &mut Ui, c: &Calibrated, charts: &mut [ChartState], currency: &str, out: &mut Vec<Command>) {
    let (o, cal, f) = (&c.orders, &c.calibration, &c.fit);
    ui.label(
        RichText::new(format!(
            "{} orders, {} products{} in {} rows.",
            crate::format::int(o.orders.len() as u64),
            crate::format::int(o.products.len() as u64),
            if o.customers > 0 {
                format!(", {} customers", crate::format::int(o.customers as u64))
            } else {
                String::new()
            },
            crate::format::int(o.rows as u64)
        ))
        .size(16.0)
        .strong(),
    );
    ui.label(format!("Columns: {}.", printable(&o.columns.describe().join("; "))));
    let mut fit_lines = vec![format!(
        "Items per order: KS distance {:.3} ({}; sampling noise alone reaches {:.3}); mean {:.2} in the orders, {:.2} in the model.",
        f.basket.ks,
        crate::present::calibration::ks_words(f.basket.ks),
        f.basket.noise,
        f.basket.mean.0,
        f.basket.mean.1
    )];
    if let Some(v) = &f.values {
        fit_lines.push(format!(
            "Order value: KS distance {:.3} ({}; sampling noise alone reaches {:.3}); AOV {} in the orders, {} in the model.",
            v.ks,
            crate::present::calibration::ks_words(v.ks),
            v.noise,
            crate::format::money(v.mean.0, currency, 2),
            crate::format::money(v.mean.1, currency, 2)
        ));
    }
    if f.category_distance.is_finite() {
        fit_lines.push(format!("Category shares: total variation distance {:.3}.", f.category_distance));
    }
    fit_lines.push(crate::analysis::fit::IN_SAMPLE.to_string());
    lines(ui, &format!("Proof of fit ({} simulated holdout orders)", f.simulated), &fit_lines);
    lines(ui, "From the orders", &c.changes);
    lines(ui, "Left at the base scenario's values (the orders cannot tell)", &cal.not_from_data);
    lines(ui, "How the file was read", &cal.notes);
    lines(ui, "Skipped", &crate::import::skipped_summary(&o.skipped));
    let figures = crate::present::calibration::figures(cal, f, currency);
    for (g, state) in figures.iter().zip(charts.iter_mut()) {
        ui.add_space(8.0);
        ui.label(RichText::new(printable(&g.title)).strong());
        let response = charts::figure(ui, state, 0, g);
        let mut asked = None;
        crate::gui::dashboard::chart_menu(&response, g, &crate::present::calibration::stamp(&c.scenario), &mut asked);
        out.extend(asked.map(Command::Chart));
    }
}
