//! The scenario editor: every field of the file, with tooltips and inline
//! validation. It edits the document's file form in place; the app records undo
//! steps and re-validates after each frame that changed it.

use egui::{Grid, RichText, ScrollArea, Ui};

use super::document::Problems;
use super::widgets::{error_color, money, param, row};
use crate::model::{
    LinkSpec, OfferPolicy, ProductSpec, Ranking, ScenarioSpec, SegmentSpec, StrategySpec, TierPolicy, TierSpec,
};

/// The editor's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Page {
    /// Store, simulation and behaviour.
    #[default]
    Store,
    /// Products and links.
    Catalog,
    /// Traffic segments.
    Segments,
    /// Loyalty tiers.
    Tiers,
    /// Strategies.
    Strategies,
}

impl Page {
    /// Every page in tab order.
    pub const ALL: [Page; 5] = [Page::Store, Page::Catalog, Page::Segments, Page::Tiers, Page::Strategies];

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            Page::Store => "Store",
            Page::Catalog => "Catalog",
            Page::Segments => "Segments",
            Page::Tiers => "Tiers",
            Page::Strategies => "Strategies",
        }
    }

    /// The page that holds a field path (to jump to an error).
    pub fn of_path(path: &str) -> Page {
        let head = path.split(['.', '[']).next().unwrap_or("");
        match head {
            "products" | "links" => Page::Catalog,
            "segments" => Page::Segments,
            "tiers" => Page::Tiers,
            "strategies" => Page::Strategies,
            _ => Page::Store,
        }
    }
}

/// Catalog columns that can be sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// File order.
    #[default]
    File,
    /// Id.
    Id,
    /// Name.
    Name,
    /// Category.
    Category,
    /// Price.
    Price,
    /// Cost.
    Cost,
    /// Popularity.
    Popularity,
}

/// Editor state that is not part of the scenario.
#[derive(Default)]
pub struct Editor {
    /// The page shown.
    pub page: Page,
    /// Catalog filter text.
    pub filter: String,
    /// Catalog sort column.
    pub sort: SortBy,
    /// Sort descending.
    pub descending: bool,
    /// Product whose links are shown.
    pub selected: Option<usize>,
}

impl Editor {
    /// Draws the editor for `spec`.
    pub fn ui(&mut self, ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems) {
        ui.horizontal(|ui| {
            for p in Page::ALL {
                let bad = problems.all().iter().any(|e| Page::of_path(&e.path) == p);
                let text = if bad {
                    RichText::new(format!("{} (!)", p.label())).color(error_color(ui))
                } else {
                    p.label().into()
                };
                ui.selectable_value(&mut self.page, p, text);
            }
        });
        ui.separator();
        ScrollArea::vertical().id_salt("editor-scroll").auto_shrink([false, false]).show(ui, |ui| match self.page {
            Page::Store => store_ui(ui, spec, problems),
            Page::Catalog => self.catalog_ui(ui, spec, problems),
            Page::Segments => segments_ui(ui, spec, problems),
            Page::Tiers => tiers_ui(ui, spec, problems),
            Page::Strategies => strategies_ui(ui, spec, problems),
        });
    }

    fn catalog_ui(&mut self, ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems) {
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.add(egui::TextEdit::singleline(&mut self.filter).hint_text("id, name or category").desired_width(160.0));
            if ui.button("Add product").clicked() {
                let n = spec.products.len() + 1;
                spec.products.push(ProductSpec {
                    id: unique_id(spec, &format!("product-{n}")),
                    name: format!("New product {n}"),
                    category: spec.products.first().map_or_else(|| "general".into(), |p| p.category.clone()),
                    price: 20.0,
                    cost: 8.0,
                    popularity: 1.0,
                    post_purchase: false,
                });
                self.selected = Some(spec.products.len() - 1);
            }
        });
        if let Some(m) = problems.get("products") {
            ui.label(RichText::new(m).color(error_color(ui)));
        }
        if let Some(cat) = &spec.catalog {
            for (what, file) in [("Products", &cat.products), ("Links", &cat.links)] {
                if let Some(f) = file {
                    ui.label(
                        RichText::new(format!("{what} are kept in {f} beside the scenario; saving writes them there."))
                            .small(),
                    );
                }
            }
        }
        let f = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..spec.products.len())
            .filter(|&i| {
                let p = &spec.products[i];
                f.is_empty()
                    || p.id.to_lowercase().contains(&f)
                    || p.name.to_lowercase().contains(&f)
                    || p.category.to_lowercase().contains(&f)
            })
            .collect();
        let ps = &spec.products;
        match self.sort {
            SortBy::File => {}
            SortBy::Id => rows.sort_by(|&a, &b| ps[a].id.cmp(&ps[b].id)),
            SortBy::Name => rows.sort_by(|&a, &b| ps[a].name.cmp(&ps[b].name)),
            SortBy::Category => rows.sort_by(|&a, &b| ps[a].category.cmp(&ps[b].category)),
            SortBy::Price => rows.sort_by(|&a, &b| ps[a].price.total_cmp(&ps[b].price)),
            SortBy::Cost => rows.sort_by(|&a, &b| ps[a].cost.total_cmp(&ps[b].cost)),
            SortBy::Popularity => rows.sort_by(|&a, &b| ps[a].popularity.total_cmp(&ps[b].popularity)),
        }
        if self.descending {
            rows.reverse();
        }
        ui.label(RichText::new(format!("{} of {} products", rows.len(), spec.products.len())).small());
        let mut action: Option<RowAction> = None;
        let row_h = ui.spacing().interact_size.y + 4.0;
        ScrollArea::both().id_salt("catalog-table").max_height(360.0).show_rows(ui, row_h, rows.len(), |ui, range| {
            // Wider than the panel on purpose: the table scrolls sideways instead of squeezing columns.
            ui.set_min_width(860.0);
            Grid::new("catalog-grid").striped(true).num_columns(8).show(ui, |ui| {
                for (label, col) in [
                    ("Id", SortBy::Id),
                    ("Name", SortBy::Name),
                    ("Category", SortBy::Category),
                    ("Price", SortBy::Price),
                    ("Cost", SortBy::Cost),
                    ("Popularity", SortBy::Popularity),
                ] {
                    let arrow = if self.sort == col { if self.descending { " (desc)" } else { " (asc)" } } else { "" };
                    if ui.button(format!("{label}{arrow}")).on_hover_text("Sort by this column").clicked() {
                        if self.sort == col {
                            self.descending = !self.descending;
                        } else {
                            self.sort = col;
                            self.descending = false;
                        }
                    }
                }
                ui.label("Post-purchase").on_hover_text(super::help::help("post_purchase"));
                ui.label("");
                ui.end_row();
                for &i in &rows[range] {
                    let old_id = spec.products[i].id.clone();
                    let p = &mut spec.products[i];
                    let path = format!("products[{i}]");
                    let bad = |f: &str| problems.get(&format!("{path}.{f}"));
                    let h = ui.spacing().interact_size.y;
                    let tip = super::help::help;
                    let id_resp =
                        ui.add_sized([130.0, h], egui::TextEdit::singleline(&mut p.id)).on_hover_text(tip("id"));
                    flag(ui, &id_resp, bad("id"));
                    ui.add_sized([190.0, h], egui::TextEdit::singleline(&mut p.name)).on_hover_text("Display name.");
                    let r = ui
                        .add_sized([120.0, h], egui::TextEdit::singleline(&mut p.category))
                        .on_hover_text(tip("category"));
                    flag(ui, &r, bad("category"));
                    let r = ui
                        .add(egui::DragValue::new(&mut p.price).speed(0.5).max_decimals(2))
                        .on_hover_text(tip("price"));
                    flag(ui, &r, bad("price"));
                    let r =
                        ui.add(egui::DragValue::new(&mut p.cost).speed(0.5).max_decimals(2)).on_hover_text(tip("cost"));
                    flag(ui, &r, bad("cost"));
                    let r = ui
                        .add(egui::DragValue::new(&mut p.popularity).speed(0.05).max_decimals(3))
                        .on_hover_text(tip("popularity"));
                    flag(ui, &r, bad("popularity"));
                    ui.checkbox(&mut p.post_purchase, "").on_hover_text(tip("post_purchase"));
                    ui.horizontal(|ui| {
                        let links = spec.links.iter().filter(|l| l.from.as_deref() == Some(old_id.as_str())).count();
                        if ui.selectable_label(self.selected == Some(i), format!("links ({links})")).clicked() {
                            self.selected = if self.selected == Some(i) { None } else { Some(i) };
                        }
                        if ui.small_button("Copy").on_hover_text("Duplicate").clicked() {
                            action = Some(RowAction::Duplicate(i));
                        }
                        if ui.small_button("Remove").on_hover_text("Delete (and its links)").clicked() {
                            action = Some(RowAction::Delete(i));
                        }
                    });
                    ui.end_row();
                    let new_id = spec.products[i].id.clone();
                    if new_id != old_id {
                        rename_product(spec, &old_id, &new_id);
                    }
                }
            });
        });
        match action {
            Some(RowAction::Duplicate(i)) => {
                let mut p = spec.products[i].clone();
                p.id = unique_id(spec, &format!("{}-copy", p.id));
                p.name = format!("{} (copy)", p.name);
                spec.products.insert(i + 1, p);
            }
            Some(RowAction::Delete(i)) => {
                let id = spec.products.remove(i).id;
                spec.links.retain(|l| l.to != id && l.from.as_deref() != Some(id.as_str()));
                self.selected = None;
            }
            None => {}
        }
        ui.separator();
        if let Some(i) = self.selected.filter(|&i| i < spec.products.len()) {
            let id = spec.products[i].id.clone();
            ui.heading(format!("Links from {}", spec.products[i].name));
            ui.label(
                RichText::new("A cart holding this product makes each target relevant with the given strength.")
                    .small(),
            );
            links_ui(ui, spec, problems, LinkSource::Product(id));
        } else {
            ui.label("Select a product's \"links\" to edit its complement links.");
        }
        ui.separator();
        ui.heading("Category links");
        ui.label(RichText::new("A cart holding any product of the category makes the target relevant.").small());
        let cats: Vec<String> = categories(spec);
        for c in cats {
            if spec.links.iter().any(|l| l.from_category.as_deref() == Some(c.as_str())) {
                ui.label(RichText::new(format!("from category {c}")).strong());
                links_ui(ui, spec, problems, LinkSource::Category(c));
            }
        }
        ui.horizontal(|ui| {
            let cats = categories(spec);
            egui::ComboBox::from_id_salt("new-cat-link").selected_text("Add a category link from…").show_ui(ui, |ui| {
                for c in cats {
                    if ui.selectable_label(false, &c).clicked()
                        && let Some(to) = spec.products.first().map(|p| p.id.clone())
                    {
                        spec.links.push(LinkSpec { from: None, from_category: Some(c), to, strength: 0.5 });
                    }
                }
            });
        });
        let orphans: Vec<usize> = (0..spec.links.len())
            .filter(|&k| problems.all().iter().any(|e| e.path.starts_with(&format!("links[{k}]"))))
            .collect();
        for k in orphans {
            for e in problems.all().iter().filter(|e| e.path.starts_with(&format!("links[{k}]"))) {
                ui.label(RichText::new(e.to_string()).color(error_color(ui)));
            }
        }
    }
}

enum RowAction {
    Duplicate(usize),
    Delete(usize),
}

enum LinkSource {
    Product(String),
    Category(String),
}

fn flag(ui: &Ui, r: &egui::Response, problem: Option<&str>) {
    if let Some(m) = problem {
        ui.painter().rect_stroke(
            r.rect.expand(1.0),
            2.0,
            egui::Stroke::new(1.5, error_color(ui)),
            egui::StrokeKind::Outside,
        );
        r.clone().on_hover_text(m);
    }
}

fn categories(spec: &ScenarioSpec) -> Vec<String> {
    let mut c: Vec<String> = spec.products.iter().map(|p| p.category.clone()).collect();
    c.sort();
    c.dedup();
    c
}

fn unique_id(spec: &ScenarioSpec, base: &str) -> String {
    let mut id = base.to_string();
    let mut k = 2;
    while spec.products.iter().any(|p| p.id == id) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}

/// Renaming a product id renames it in every link.
fn rename_product(spec: &mut ScenarioSpec, old: &str, new: &str) {
    if spec.products.iter().filter(|p| p.id == old).count() > 0 {
        return; // another product still has the old id: the links keep pointing at it
    }
    for l in &mut spec.links {
        if l.to == old {
            l.to = new.to_string();
        }
        if l.from.as_deref() == Some(old) {
            l.from = Some(new.to_string());
        }
    }
}

fn links_ui(ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems, source: LinkSource) {
    let ids: Vec<String> = spec.products.iter().map(|p| p.id.clone()).collect();
    let matches = |l: &LinkSpec| match &source {
        LinkSource::Product(id) => l.from.as_deref() == Some(id.as_str()) && l.from_category.is_none(),
        LinkSource::Category(c) => l.from_category.as_deref() == Some(c.as_str()) && l.from.is_none(),
    };
    let key = match &source {
        LinkSource::Product(id) => format!("p:{id}"),
        LinkSource::Category(c) => format!("c:{c}"),
    };
    let mut delete = None;
    Grid::new(("links", &key)).num_columns(3).show(ui, |ui| {
        for (k, l) in spec.links.iter_mut().enumerate() {
            if !matches(l) {
                continue;
            }
            egui::ComboBox::from_id_salt(("link-to", k))
                .selected_text(&l.to)
                .width(170.0)
                .show_ui(ui, |ui| {
                    for id in &ids {
                        ui.selectable_value(&mut l.to, id.clone(), id);
                    }
                })
                .response
                .on_hover_text("Target product: made relevant to carts holding the source.");
            let r = ui.add(egui::Slider::new(&mut l.strength, 0.0..=1.0).text("strength"));
            r.on_hover_text(super::help::help("strength"));
            if ui.small_button("Remove").on_hover_text("Delete link").clicked() {
                delete = Some(k);
            }
            ui.end_row();
            if let Some(m) = problems.get(&format!("links[{k}].to")).or(problems.get(&format!("links[{k}].strength"))) {
                ui.label(RichText::new(m).color(error_color(ui)).small());
                ui.end_row();
            }
        }
    });
    if let Some(k) = delete {
        spec.links.remove(k);
    }
    if ui.button("Add link").clicked()
        && let Some(to) = ids.first().cloned()
    {
        let (from, from_category) = match source {
            LinkSource::Product(id) => (Some(id), None),
            LinkSource::Category(c) => (None, Some(c)),
        };
        spec.links.push(LinkSpec { from, from_category, to, strength: 0.5 });
    }
}

fn store_ui(ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems) {
    ui.heading("Scenario");
    Grid::new("scenario-grid").num_columns(2).show(ui, |ui| {
        row(ui, problems, "Name", "name", "name", |ui| ui.text_edit_singleline(&mut spec.name));
        row(ui, problems, "Description", "name", "description", |ui| {
            ui.add(egui::TextEdit::multiline(&mut spec.description).desired_rows(3).desired_width(300.0))
        });
    });
    ui.heading("Store and simulation");
    let s = &mut spec.store;
    Grid::new("store-grid").num_columns(2).show(ui, |ui| {
        row(ui, problems, "Currency", "currency", "store.currency", |ui| {
            ui.add(egui::TextEdit::singleline(&mut s.currency).desired_width(50.0))
        });
        row(ui, problems, "Annual GMV", "annual_gmv", "store.annual_gmv", |ui| money(ui, &mut s.annual_gmv));
        row(ui, problems, "Visitors / replication", "visitors", "store.visitors", |ui| {
            ui.add(egui::DragValue::new(&mut s.visitors).speed(1000.0))
        });
        row(ui, problems, "Replications", "replications", "store.replications", |ui| {
            ui.add(egui::DragValue::new(&mut s.replications).speed(1.0))
        });
        row(ui, problems, "Seed", "seed", "store.seed", |ui| {
            ui.horizontal(|ui| {
                let r = ui.add(egui::DragValue::new(&mut s.seed).speed(1.0));
                if ui.small_button("new").on_hover_text("Draw a new seed").clicked() {
                    s.seed = crate::engine::rng::splitmix64(s.seed ^ 0x5eed);
                }
                r
            })
            .inner
        });
    });
    ui.heading("Shopper behaviour");
    let b = &mut spec.behaviour;
    Grid::new("behaviour-grid").num_columns(2).show(ui, |ui| {
        param_rows(
            ui,
            problems,
            "behaviour",
            [
                ("Baseline relevance", "baseline_relevance", &mut b.baseline_relevance, 0.005),
                ("Pre-checkout base acceptance", "pre_checkout_base_accept", &mut b.pre_checkout_base_accept, 0.005),
                ("Post-checkout base acceptance", "post_checkout_base_accept", &mut b.post_checkout_base_accept, 0.005),
                ("Friction per slot", "friction_per_slot", &mut b.friction_per_slot, 0.0005),
                ("Discount elasticity", "discount_elasticity", &mut b.discount_elasticity, 0.01),
                ("Tier max uptake", "tier_max_uptake", &mut b.tier_max_uptake, 0.005),
                ("Tier gap decay", "tier_gap_decay", &mut b.tier_gap_decay, 0.05),
            ],
        );
    });
}

/// Grid rows of uncertain inputs: (label, field, input, drag speed) under `prefix`.
fn param_rows<const N: usize>(
    ui: &mut Ui,
    problems: &Problems,
    prefix: &str,
    rows: [(&str, &str, &mut crate::model::Param, f64); N],
) {
    for (label, key, p, speed) in rows {
        let path = format!("{prefix}.{key}");
        row(ui, problems, label, key, &path, |ui| param(ui, &path, p, speed));
    }
}

fn segments_ui(ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems) {
    if let Some(m) = problems.get("segments") {
        ui.label(RichText::new(m).color(error_color(ui)));
    }
    ui.horizontal(|ui| {
        if ui.button("Add segment").clicked() {
            let mut s = spec.segments.last().cloned().unwrap_or_else(default_segment);
            s.name = format!("Segment {}", spec.segments.len() + 1);
            spec.segments.push(s);
        }
        if ui.button("Normalise shares").on_hover_text("Scale fixed shares so they sum to 1").clicked() {
            let total: f64 = spec.segments.iter().map(|s| s.share.central()).sum();
            if total > 0.0 {
                for s in &mut spec.segments {
                    if let crate::model::Param::Fixed(v) = &mut s.share {
                        *v /= total;
                    }
                }
            }
        }
    });
    let cats = categories(spec);
    let mut delete = None;
    let mut duplicate = None;
    let n = spec.segments.len();
    for (i, s) in spec.segments.iter_mut().enumerate() {
        let path = format!("segments[{i}]");
        egui::CollapsingHeader::new(RichText::new(&s.name).strong()).id_salt(("segment", i)).default_open(i == 0).show(
            ui,
            |ui| {
                Grid::new(("segment-grid", i)).num_columns(2).show(ui, |ui| {
                    row(ui, problems, "Name", "name", &format!("{path}.name"), |ui| {
                        ui.text_edit_singleline(&mut s.name)
                    });
                    param_rows(
                        ui,
                        problems,
                        &path,
                        [
                            ("Share of traffic", "share", &mut s.share, 0.005),
                            ("Add-to-cart rate", "add_to_cart_rate", &mut s.add_to_cart_rate, 0.001),
                            ("Checkout completion", "checkout_completion", &mut s.checkout_completion, 0.005),
                            ("Mean cart size", "mean_cart_size", &mut s.mean_cart_size, 0.05),
                            ("Acceptance propensity", "acceptance_propensity", &mut s.acceptance_propensity, 0.01),
                            ("Price sensitivity", "price_sensitivity", &mut s.price_sensitivity, 0.01),
                            ("Friction sensitivity", "friction_sensitivity", &mut s.friction_sensitivity, 0.01),
                            ("Loyalty member share", "loyalty_member_share", &mut s.loyalty_member_share, 0.005),
                            ("Spend to date (per member)", "spend_to_date", &mut s.spend_to_date, 1.0),
                        ],
                    );
                    row(
                        ui,
                        problems,
                        "Category affinity",
                        "category_affinity",
                        &format!("{path}.category_affinity"),
                        |ui| affinity_ui(ui, i, s, &cats, problems, &path),
                    );
                });
                ui.horizontal(|ui| {
                    if ui.button("Duplicate segment").clicked() {
                        duplicate = Some(i);
                    }
                    if ui.add_enabled(n > 1, egui::Button::new("Delete segment")).clicked() {
                        delete = Some(i);
                    }
                });
            },
        );
    }
    if let Some(i) = duplicate {
        let mut s = spec.segments[i].clone();
        s.name = format!("{} (copy)", s.name);
        spec.segments.insert(i + 1, s);
    }
    if let Some(i) = delete {
        spec.segments.remove(i);
    }
}

fn affinity_ui(
    ui: &mut Ui,
    i: usize,
    s: &mut SegmentSpec,
    cats: &[String],
    problems: &Problems,
    path: &str,
) -> egui::Response {
    ui.vertical(|ui| {
        let mut remove = None;
        for (cat, v) in s.category_affinity.iter_mut() {
            ui.horizontal(|ui| {
                ui.label(cat);
                ui.add(egui::DragValue::new(v).speed(0.05).max_decimals(2));
                if ui.small_button("Remove").clicked() {
                    remove = Some(cat.clone());
                }
            });
            if let Some(m) = problems.get(&format!("{path}.category_affinity.{cat}")) {
                ui.label(RichText::new(m).color(error_color(ui)).small());
            }
        }
        if let Some(c) = remove {
            s.category_affinity.remove(&c);
        }
        egui::ComboBox::from_id_salt(("add-affinity", i)).selected_text("add category…").show_ui(ui, |ui| {
            for c in cats {
                if !s.category_affinity.contains_key(c) && ui.selectable_label(false, c).clicked() {
                    s.category_affinity.insert(c.clone(), 1.0);
                }
            }
        });
    })
    .response
}

fn default_segment() -> SegmentSpec {
    use crate::model::Param::Fixed;
    SegmentSpec {
        name: "Segment".into(),
        share: Fixed(1.0),
        add_to_cart_rate: Fixed(0.08),
        checkout_completion: Fixed(0.45),
        mean_cart_size: Fixed(2.0),
        acceptance_propensity: Fixed(1.0),
        price_sensitivity: Fixed(1.0),
        friction_sensitivity: Fixed(1.0),
        loyalty_member_share: Fixed(0.0),
        spend_to_date: Fixed(0.0),
        category_affinity: Default::default(),
    }
}

fn tiers_ui(ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems) {
    ui.label("Loyalty tiers by increasing spend threshold. Members see \"Add $X to unlock <tier>\" prompts.");
    let mut delete = None;
    Grid::new("tiers-grid").num_columns(3).striped(true).show(ui, |ui| {
        ui.label(RichText::new("Name").strong());
        ui.label(RichText::new("Threshold").strong()).on_hover_text(super::help::help("threshold"));
        ui.label("");
        ui.end_row();
        for (i, t) in spec.tiers.iter_mut().enumerate() {
            let h = ui.spacing().interact_size.y;
            ui.add_sized([180.0, h], egui::TextEdit::singleline(&mut t.name))
                .on_hover_text("Tier name, shown in \"Add $X to unlock <tier>\".");
            ui.vertical(|ui| {
                money(ui, &mut t.threshold);
                if let Some(m) = problems.get(&format!("tiers[{i}].threshold")) {
                    ui.label(RichText::new(m).color(error_color(ui)).small());
                }
            });
            if ui.small_button("Remove").clicked() {
                delete = Some(i);
            }
            ui.end_row();
        }
    });
    if let Some(i) = delete {
        spec.tiers.remove(i);
    }
    if ui.button("Add tier").clicked() {
        let threshold = spec.tiers.last().map_or(250.0, |t| t.threshold * 2.0);
        spec.tiers.push(TierSpec { name: format!("Tier {}", spec.tiers.len() + 1), threshold });
    }
}

fn strategies_ui(ui: &mut Ui, spec: &mut ScenarioSpec, problems: &Problems) {
    if let Some(m) = problems.get("strategies") {
        ui.label(RichText::new(m).color(error_color(ui)));
    }
    let mut action = None;
    let n = spec.strategies.len();
    let mut make_holdout = None;
    for (i, s) in spec.strategies.iter_mut().enumerate() {
        let path = format!("strategies[{i}]");
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut s.name).desired_width(200.0).font(egui::TextStyle::Heading))
                    .on_hover_text("Strategy name, unique; used in reports.");
                if ui.radio(s.holdout, "holdout").on_hover_text(super::help::help("holdout")).clicked() && !s.holdout {
                    make_holdout = Some(i);
                }
            });
            for f in ["name", "holdout"] {
                if let Some(m) = problems.get(&format!("{path}.{f}")) {
                    ui.label(RichText::new(m).color(error_color(ui)).small());
                }
            }
            if s.holdout {
                ui.label(RichText::new("Every lever off: the baseline all lifts are measured against.").small());
            } else {
                levers_ui(ui, i, s, problems, &path);
            }
            ui.horizontal(|ui| {
                if ui.small_button("Duplicate").clicked() {
                    action = Some(StrategyAction::Duplicate(i));
                }
                if ui.add_enabled(i > 0, egui::Button::new("Up").small()).on_hover_text("Move up").clicked() {
                    action = Some(StrategyAction::Up(i));
                }
                if ui.add_enabled(i + 1 < n, egui::Button::new("Down").small()).on_hover_text("Move down").clicked() {
                    action = Some(StrategyAction::Down(i));
                }
                if ui.add_enabled(n > 1, egui::Button::new("Delete").small()).clicked() {
                    action = Some(StrategyAction::Delete(i));
                }
            });
        });
    }
    if let Some(i) = make_holdout {
        for (k, s) in spec.strategies.iter_mut().enumerate() {
            s.holdout = k == i;
        }
    }
    match action {
        Some(StrategyAction::Duplicate(i)) => {
            let mut s = spec.strategies[i].clone();
            s.name = format!("{} (copy)", s.name);
            s.holdout = false;
            spec.strategies.insert(i + 1, s);
        }
        Some(StrategyAction::Up(i)) => spec.strategies.swap(i, i - 1),
        Some(StrategyAction::Down(i)) => spec.strategies.swap(i, i + 1),
        Some(StrategyAction::Delete(i)) => {
            spec.strategies.remove(i);
        }
        None => {}
    }
    if ui.button("Add strategy").clicked() {
        spec.strategies.push(StrategySpec {
            name: format!("Strategy {}", spec.strategies.len() + 1),
            holdout: false,
            pre_checkout: Default::default(),
            tier_prompt: Default::default(),
            checkout: Default::default(),
            post_checkout: Default::default(),
        });
    }
}

enum StrategyAction {
    Duplicate(usize),
    Up(usize),
    Down(usize),
    Delete(usize),
}

fn policy_combo(ui: &mut Ui, id: (&str, usize), v: &mut OfferPolicy) -> egui::Response {
    egui::ComboBox::from_id_salt(id)
        .selected_text(format!("{v:?}").to_lowercase())
        .show_ui(ui, |ui| {
            for p in [OfferPolicy::Off, OfferPolicy::Popular, OfferPolicy::Matched] {
                ui.selectable_value(v, p, format!("{p:?}").to_lowercase());
            }
        })
        .response
}

fn levers_ui(ui: &mut Ui, i: usize, s: &mut StrategySpec, problems: &Problems, path: &str) {
    Grid::new(("levers", i)).num_columns(2).show(ui, |ui| {
        let pre = &mut s.pre_checkout;
        row(ui, problems, "Pre-checkout", "pre_checkout.policy", &format!("{path}.pre_checkout.policy"), |ui| {
            policy_combo(ui, ("pre", i), &mut pre.policy)
        });
        if pre.policy != OfferPolicy::Off {
            row(ui, problems, "  slots", "pre_checkout.slots", &format!("{path}.pre_checkout.slots"), |ui| {
                ui.add(egui::Slider::new(&mut pre.slots, 1..=10))
            });
        }
        if pre.policy == OfferPolicy::Matched {
            row(ui, problems, "  ranking", "pre_checkout.ranking", &format!("{path}.pre_checkout.ranking"), |ui| {
                ui.horizontal(|ui| {
                    ui.radio_value(&mut pre.ranking, Ranking::Relevance, "relevance");
                    ui.radio_value(&mut pre.ranking, Ranking::ExpectedValue, "expected value");
                })
                .response
            });
        }
        let tier = &mut s.tier_prompt;
        row(ui, problems, "Tier prompt", "tier_prompt.policy", &format!("{path}.tier_prompt.policy"), |ui| {
            egui::ComboBox::from_id_salt(("tier", i))
                .selected_text(format!("{:?}", tier.policy).to_lowercase())
                .show_ui(ui, |ui| {
                    for p in [TierPolicy::Off, TierPolicy::Universal, TierPolicy::Window] {
                        ui.selectable_value(&mut tier.policy, p, format!("{p:?}").to_lowercase());
                    }
                })
                .response
        });
        if tier.policy == TierPolicy::Window {
            row(ui, problems, "  window", "tier_prompt.window", &format!("{path}.tier_prompt.window"), |ui| {
                ui.add(
                    egui::Slider::new(&mut tier.window, 0.01..=1.0)
                        .custom_formatter(|v, _| format!("{:.0}%", v * 100.0)),
                )
            });
        }
        let co = &mut s.checkout;
        let fp = format!("{path}.checkout.friction_reduction");
        row(ui, problems, "Friction reduction", "checkout.friction_reduction", &fp, |ui| {
            param(ui, &fp, &mut co.friction_reduction, 0.002)
        });
        row(ui, problems, "Checkout discount", "checkout.discount", &format!("{path}.checkout.discount"), |ui| {
            ui.add(egui::Slider::new(&mut co.discount, 0.0..=0.9).custom_formatter(|v, _| format!("{:.0}%", v * 100.0)))
        });
        let post = &mut s.post_checkout;
        row(ui, problems, "Post-checkout", "post_checkout.policy", &format!("{path}.post_checkout.policy"), |ui| {
            policy_combo(ui, ("post", i), &mut post.policy)
        });
        if post.policy != OfferPolicy::Off {
            row(ui, problems, "  offers", "post_checkout.offers", &format!("{path}.post_checkout.offers"), |ui| {
                ui.add(egui::Slider::new(&mut post.offers, 1..=5))
            });
            row(
                ui,
                problems,
                "  offer discount",
                "post_checkout.offer_discount",
                &format!("{path}.post_checkout.offer_discount"),
                |ui| {
                    ui.add(
                        egui::Slider::new(&mut post.offer_discount, 0.0..=0.9)
                            .custom_formatter(|v, _| format!("{:.0}%", v * 100.0)),
                    )
                },
            );
        }
    });
}
