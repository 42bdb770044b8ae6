//! The Catalog page: a sortable, filterable table of products and each product's
//! complement links. Edits follow the product, never the row: every widget's id is
//! its product's, and the rows keep their order while one of them is being edited,
//! so a re-sort cannot move another product under the cursor.

use egui::{Grid, RichText, ScrollArea, Ui};

use super::index::CatalogIndex;
use super::widgets::{Ctx, error_color};
use crate::format::int;
use crate::gui::commands::Command;
use crate::model::FieldId;
use crate::model::edit::{self, Edit, Item};
use crate::model::fields::{List, Path, Value};
use crate::model::{LinkSpec, ProductSpec};

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

/// The table's state: filter, sort, selection, and the row order shown.
#[derive(Default)]
pub struct CatalogView {
    /// Filter text (id, name or category).
    pub filter: String,
    /// Sort column.
    pub sort: SortBy,
    /// Sort descending.
    pub descending: bool,
    /// The product whose links are shown.
    pub selected: Option<usize>,
    /// Product indices in the order shown.
    order: Vec<usize>,
    /// What `order` was computed for: catalog revision, sort, direction, filter.
    order_key: Option<(u64, SortBy, bool, String)>,
    /// A cell of the table had the keyboard focus or was dragged last frame.
    editing: bool,
    /// A row to scroll to on the next frame.
    scroll_to: Option<usize>,
}

/// Column widths: id, name, category, price, cost, popularity, post-purchase, actions.
const WIDTHS: [f32; 8] = [130.0, 190.0, 120.0, 100.0, 100.0, 80.0, 90.0, 190.0];

impl CatalogView {
    /// The products shown, in order (product indices).
    pub fn rows(&self) -> &[usize] {
        &self.order
    }

    fn refresh_order(&mut self, ctx: &Ctx, revision: u64) {
        let key = (revision, self.sort, self.descending, self.filter.clone());
        let stale = self.order_key.as_ref() != Some(&key);
        let broken = self.order.iter().any(|&i| i >= ctx.spec.products.len());
        // While a row is edited its order stands, so the row stays under the cursor.
        if (stale && !self.editing) || broken || self.order_key.is_none() {
            self.order = order(&ctx.spec.products, &self.filter, self.sort, self.descending);
            self.order_key = Some(key);
        }
    }

    /// Draws the page.
    /// `revision` is the document's catalog revision (the order is kept across edits
    /// elsewhere); `index` is current for the document.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut Ctx, index: &CatalogIndex, revision: u64, out: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Filter");
            ui.add(egui::TextEdit::singleline(&mut self.filter).hint_text("id, name or category").desired_width(160.0));
            if ui.button("Add product").clicked() {
                let n = ctx.spec.products.len();
                let p = ProductSpec {
                    id: unique_id(ctx, &format!("product-{}", n + 1)),
                    name: format!("New product {}", n + 1),
                    category: ctx.spec.products.first().map_or_else(|| "general".into(), |p| p.category.clone()),
                    price: 20.0,
                    cost: 8.0,
                    popularity: 1.0,
                    post_purchase: false,
                };
                let name = p.name.clone();
                out.push(Command::EditSaying(
                    Edit::Insert(n, Item::Product(p)),
                    format!("Added {name} at the end of the catalog."),
                ));
                // Show it: clear a filter it would not match, select it and scroll to it.
                self.filter.clear();
                self.selected = Some(n);
                self.scroll_to = Some(n);
            }
        });
        ctx.problem(ui, List::Products.key());
        if let Some(cat) = &ctx.spec.catalog {
            for (what, file) in [("Products", &cat.products), ("Links", &cat.links)] {
                if let Some(f) = file {
                    ui.label(
                        RichText::new(format!("{what} are kept in {f} beside the scenario; saving writes them there."))
                            .small(),
                    );
                }
            }
        }
        self.refresh_order(ctx, revision);
        let (shown, all) = (self.order.len() as u64, ctx.spec.products.len() as u64);
        ui.label(RichText::new(format!("{} of {} products", int(shown), int(all))).small());
        let row_h = ui.spacing().interact_size.y + 6.0;
        let mut editing = false;
        let mut action = None;
        ScrollArea::horizontal().id_salt("catalog-h").show(ui, |ui| {
            let action = &mut action;
            let editing = &mut editing;
            ui.set_min_width(WIDTHS.iter().sum::<f32>() + 8.0 * WIDTHS.len() as f32);
            self.header(ui);
            let mut scroll = ScrollArea::vertical().id_salt("catalog-v").max_height(360.0).auto_shrink([false, true]);
            if let Some(i) = self.scroll_to.take()
                && let Some(pos) = self.order.iter().position(|&k| k == i)
            {
                scroll = scroll.vertical_scroll_offset(pos as f32 * (row_h + ui.spacing().item_spacing.y));
            }
            scroll.show_rows(ui, row_h, self.order.len(), |ui, range| {
                for pos in range {
                    let i = self.order[pos];
                    let (busy, act) = ui.push_id(("product", i), |ui| self.row(ui, ctx, index, i)).inner;
                    *editing |= busy;
                    if action.is_none() {
                        *action = act;
                    }
                }
            });
        });
        self.editing = editing;
        match action {
            Some(RowAction::Duplicate(i)) => {
                let mut p = ctx.spec.products[i].clone();
                p.id = unique_id(ctx, &format!("{}-copy", p.id));
                p.name = format!("{} (copy)", p.name);
                out.push(Command::Edit(Edit::Insert(i + 1, Item::Product(p))));
            }
            Some(RowAction::Delete(i)) => {
                let name = ctx.spec.products[i].name.clone();
                let (e, links) = edit::remove_product(ctx.spec, i);
                let also = match links {
                    0 => String::new(),
                    1 => " and the link to or from it".into(),
                    n => format!(" and the {n} links to or from it"),
                };
                out.push(Command::EditSaying(e, format!("Removed {name}{also}. Undo (Ctrl+Z) brings them back.")));
                self.selected = None;
            }
            None => {}
        }
        // An id typed in the table renames the product in its links too.
        for e in &mut ctx.edits {
            if let Edit::Set(p, Value::Text(Some(new))) = e
                && p.field == FieldId::ProductId
                && let Some((_, i)) = p.item
            {
                *e = edit::rename_product(ctx.spec, i, new);
            }
        }
        ui.separator();
        self.links_ui(ui, ctx, index);
    }

    fn header(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            for (k, (label, col)) in [
                ("Id", SortBy::Id),
                ("Name", SortBy::Name),
                ("Category", SortBy::Category),
                ("Price", SortBy::Price),
                ("Cost", SortBy::Cost),
                ("Popularity", SortBy::Popularity),
            ]
            .into_iter()
            .enumerate()
            {
                let arrow =
                    if self.sort == col { if self.descending { " (high first)" } else { " (low first)" } } else { "" };
                let b = egui::Button::new(RichText::new(format!("{label}{arrow}")).strong());
                if ui
                    .add_sized([WIDTHS[k], ui.spacing().interact_size.y], b)
                    .on_hover_text("Sort by this column")
                    .clicked()
                {
                    if self.sort == col {
                        self.descending = !self.descending;
                    } else {
                        self.sort = col;
                        self.descending = false;
                    }
                }
            }
            let tip = crate::model::FieldId::ProductPostPurchase.field().help;
            ui.add_sized(
                [WIDTHS[6], ui.spacing().interact_size.y],
                egui::Label::new(RichText::new("Post-purchase").strong()),
            )
            .on_hover_text(tip);
        });
    }

    /// One product's row; returns whether one of its cells is being edited.
    fn row(&mut self, ui: &mut Ui, ctx: &mut Ctx, index: &CatalogIndex, i: usize) -> (bool, Option<RowAction>) {
        let mut busy = false;
        let mut action = None;
        ui.horizontal(|ui| {
            for (k, key) in [
                FieldId::ProductId,
                FieldId::ProductName,
                FieldId::ProductCategory,
                FieldId::ProductPrice,
                FieldId::ProductCost,
                FieldId::ProductPopularity,
                FieldId::ProductPostPurchase,
            ]
            .into_iter()
            .enumerate()
            {
                ui.allocate_ui(egui::vec2(WIDTHS[k], ui.spacing().interact_size.y + 4.0), |ui| {
                    ui.set_width(WIDTHS[k]);
                    let path = Path::item(key, i);
                    let r = ctx.widget(ui, &path);
                    if let Some(m) = ctx.problems.get(&path.canonical()) {
                        r.clone().on_hover_text(m);
                    }
                    busy |= r.has_focus() || r.dragged();
                });
            }
            let links = index.links_from_product(&ctx.spec.products[i].id).len();
            if ui.selectable_label(self.selected == Some(i), format!("links ({links})")).clicked() {
                self.selected = if self.selected == Some(i) { None } else { Some(i) };
            }
            if ui.small_button("Copy").on_hover_text("Duplicate this product").clicked() {
                action = Some(RowAction::Duplicate(i));
            }
            if ui.small_button("Remove").on_hover_text("Delete this product and its links (undoable)").clicked() {
                action = Some(RowAction::Delete(i));
            }
        });
        (busy, action)
    }

    fn links_ui(&mut self, ui: &mut Ui, ctx: &mut Ctx, index: &CatalogIndex) {
        if let Some(i) = self.selected.filter(|&i| i < ctx.spec.products.len()) {
            let p = &ctx.spec.products[i];
            ui.heading(format!("Links from {}", p.name));
            ui.label(
                RichText::new("A cart holding this product makes each target relevant with the given strength.")
                    .small(),
            );
            let id = p.id.clone();
            links_ui(ui, ctx, index, index.links_from_product(&id), Source::Product(id.clone()));
        } else {
            ui.label("Select a product's \"links\" to edit its complement links.");
        }
        ui.separator();
        ui.heading("Category links");
        ui.label(RichText::new("A cart holding any product of the category makes the target relevant.").small());
        for (c, rows) in &index.by_category {
            ui.label(RichText::new(format!("from category {c}")).strong());
            links_ui(ui, ctx, index, rows, Source::Category(c.clone()));
        }
        egui::ComboBox::from_id_salt("new-cat-link").selected_text("Add a category link from…").show_ui(ui, |ui| {
            for c in &index.categories {
                if ui.selectable_label(false, c).clicked()
                    && let Some(to) = ctx.spec.products.first().map(|p| p.id.clone())
                {
                    let l = LinkSpec { from: None, from_category: Some(c.clone()), to, strength: 0.5 };
                    ctx.edits.push(Edit::Insert(ctx.spec.links.len(), Item::Link(l)));
                }
            }
        });
        // Problems of links not shown above (a link whose source no longer exists).
        for e in ctx.problems.all().iter().filter(|e| e.path.starts_with("links[")) {
            ui.label(RichText::new(format!("Link {}: {}", e.path, e.message)).color(error_color(ui)));
        }
    }
}

enum RowAction {
    Duplicate(usize),
    Delete(usize),
}

enum Source {
    Product(String),
    Category(String),
}

/// The links `rows` (indices into the scenario's links) from one source.
fn links_ui(ui: &mut Ui, ctx: &mut Ctx, index: &CatalogIndex, rows: &[usize], source: Source) {
    let key = match &source {
        Source::Product(id) => format!("p:{id}"),
        Source::Category(c) => format!("c:{c}"),
    };
    Grid::new((List::Links, &key)).num_columns(3).show(ui, |ui| {
        for &k in rows.iter().filter(|&&k| k < ctx.spec.links.len()) {
            ui.push_id(("link", k), |ui| {
                let to = ctx.spec.links[k].to.clone();
                let mut chosen = None;
                egui::ComboBox::from_id_salt("to")
                    .selected_text(index.product_label(ctx.spec, &to))
                    .width(200.0)
                    .show_ui(ui, |ui| chosen = target_list(ui, ctx, &to))
                    .response
                    .on_hover_text("Target product: made relevant to carts holding the source.");
                if let Some(id) = chosen {
                    ctx.edits.push(Edit::Set(Path::item(FieldId::LinkTo, k), Value::Text(Some(id))));
                }
                ctx.widget(ui, &Path::item(FieldId::LinkStrength, k));
                if ui.small_button("Remove").on_hover_text("Delete this link").clicked() {
                    ctx.edits.push(Edit::Remove(List::Links, k));
                }
            });
            ui.end_row();
            for f in [FieldId::LinkTo, FieldId::LinkStrength, FieldId::LinkFrom, FieldId::LinkFromCategory] {
                let path = Path::item(f, k).canonical();
                if ctx.problems.get(&path).is_some() {
                    ctx.problem(ui, &path);
                    ui.end_row();
                }
            }
        }
    });
    if ui.button("Add link").clicked()
        && let Some(to) = ctx.spec.products.first().map(|p| p.id.clone())
    {
        let (from, from_category) = match source {
            Source::Product(id) => (Some(id), None),
            Source::Category(c) => (None, Some(c)),
        };
        ctx.edits
            .push(Edit::Insert(ctx.spec.links.len(), Item::Link(LinkSpec { from, from_category, to, strength: 0.5 })));
    }
}

/// How many products a link's target list shows at once.
const TARGETS_SHOWN: usize = 100;

/// A link target picker: a search field and the first [`TARGETS_SHOWN`] products
/// matching it (a list of 100,000 entries is no use to anyone, and slow to draw).
fn target_list(ui: &mut Ui, ctx: &Ctx, current: &str) -> Option<String> {
    let id = ui.scope_id().with("target-filter");
    let mut filter: String = ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
    ui.add(egui::TextEdit::singleline(&mut filter).hint_text("search id or name").desired_width(180.0));
    ui.data_mut(|d| d.insert_temp(id, filter.clone()));
    let f = filter.to_lowercase();
    let mut matches = ctx
        .spec
        .products
        .iter()
        .filter(|p| f.is_empty() || p.id.to_lowercase().contains(&f) || p.name.to_lowercase().contains(&f));
    let mut chosen = None;
    for p in matches.by_ref().take(TARGETS_SHOWN) {
        if ui.selectable_label(p.id == current, format!("{} ({})", p.name, p.id)).clicked() {
            chosen = Some(p.id.clone());
        }
    }
    let more = matches.count();
    if more > 0 {
        ui.label(RichText::new(format!("{more} more: type to narrow the list")).small());
    }
    chosen
}

/// Product indices matching `filter`, sorted by `sort`.
pub fn order(products: &[ProductSpec], filter: &str, sort: SortBy, descending: bool) -> Vec<usize> {
    let f = filter.to_lowercase();
    let mut rows: Vec<usize> = (0..products.len())
        .filter(|&i| {
            let p = &products[i];
            f.is_empty()
                || p.id.to_lowercase().contains(&f)
                || p.name.to_lowercase().contains(&f)
                || p.category.to_lowercase().contains(&f)
        })
        .collect();
    let ps = products;
    match sort {
        SortBy::File => {}
        SortBy::Id => rows.sort_by(|&a, &b| ps[a].id.cmp(&ps[b].id)),
        SortBy::Name => rows.sort_by(|&a, &b| ps[a].name.cmp(&ps[b].name)),
        SortBy::Category => rows.sort_by(|&a, &b| ps[a].category.cmp(&ps[b].category)),
        SortBy::Price => rows.sort_by(|&a, &b| ps[a].price.total_cmp(&ps[b].price)),
        SortBy::Cost => rows.sort_by(|&a, &b| ps[a].cost.total_cmp(&ps[b].cost)),
        SortBy::Popularity => rows.sort_by(|&a, &b| ps[a].popularity.total_cmp(&ps[b].popularity)),
    }
    if descending {
        rows.reverse();
    }
    rows
}

fn unique_id(ctx: &Ctx, base: &str) -> String {
    let mut id = base.to_string();
    let mut k = 2;
    while ctx.spec.products.iter().any(|p| p.id == id) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}
