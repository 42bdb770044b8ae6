//! The "What would it take" tab: the scenario's claims (a vendor's case study, an
//! article's figures) checked against it, each with what every uncertain input would
//! need to be for it to hold, and a goal seek of any metric over one or two fields
//! (`aovlab claim` and `aovlab seek` on the command line).

use egui::{Grid, RichText, Ui};

use super::{AnalysisTab, End, Task};
use crate::analysis::seek::{Free, Goal, Sought, seek};
use crate::analysis::sensitivity::Outcome;
use crate::analysis::vendor::{ClaimCheck, check, show_figure};
use crate::format::{percent, printable};
use crate::gui::commands::Command;
use crate::gui::document::Document;
use crate::model::edit::{Edit, Item};
use crate::model::fields::List;
use crate::model::{ClaimFigure, ClaimSpec, ClaimSurface, ScenarioSpec, Word};
use crate::report::Metric;

/// What the tab's background work returns.
pub enum Found {
    /// Claims checked, by their index in the scenario's list.
    Claims(Vec<(usize, ClaimCheck)>),
    /// A goal seek's answer, with the outcome's metric.
    Seek(Box<Sought>, Metric),
}

/// The goal seek's form.
struct SeekForm {
    metric: Metric,
    strategy: Option<usize>,
    field: Option<String>,
    second: Option<String>,
    weight: f64,
    target: f64,
}

/// The tab's state.
pub struct ClaimsTab {
    task: Task<Found>,
    /// Each claim's latest check, by index, with the revision it ran at.
    checks: Vec<Option<(u64, ClaimCheck)>>,
    /// The latest goal seek, with the revision it ran at.
    sought: Option<(u64, Box<Sought>, Metric)>,
    form: SeekForm,
    /// The claim being added.
    draft: ClaimSpec,
    revision: u64,
    error: Option<String>,
}

impl Default for ClaimsTab {
    fn default() -> Self {
        Self {
            task: Task::default(),
            checks: Vec::new(),
            sought: None,
            form: SeekForm {
                metric: Metric::AovLift,
                strategy: None,
                field: None,
                second: None,
                weight: 1.0,
                target: 0.1,
            },
            draft: ClaimSpec {
                statement: String::new(),
                source: String::new(),
                strategy: String::new(),
                surface: ClaimSurface::Program,
                figure: ClaimFigure::AovLift,
                at_least: 0.1,
                at_most: None,
                basis: Default::default(),
            },
            revision: 0,
            error: None,
        }
    }
}

impl AnalysisTab for ClaimsTab {
    /// Its first view reads every claim (one run each, no input's needed value).
    fn start(&mut self, doc: &mut Document, ctx: &egui::Context) {
        let all: Vec<usize> = (0..doc.spec().claims.len()).collect();
        self.check(doc, ctx, all, None);
    }

    fn poll(&mut self) {
        match self.task.poll(|()| {}) {
            Some(End::Done(Found::Claims(done))) => {
                for (i, c) in done {
                    if self.checks.len() <= i {
                        self.checks.resize(i + 1, None);
                    }
                    self.checks[i] = Some((self.revision, c));
                }
            }
            Some(End::Done(Found::Seek(s, m))) => self.sought = Some((self.revision, s, m)),
            Some(End::Failed(e)) => self.error = Some(e),
            _ => {}
        }
    }

    fn task(&self) -> &dyn super::Running {
        &self.task
    }

    fn ui(&mut self, ui: &mut Ui, doc: &mut Document, valid: bool, out: &mut Vec<Command>) {
        ui.heading("What would it take");
        ui.add(
            egui::Label::new(
                "A claim (a vendor's case study, an article's figure) checked against this store: the share of its \
                 worlds in which the claim holds, the claim read as a holdout measures it and as a vendor reports it, \
                 and what each uncertain input would need to be for it to hold, the others as assumed.",
            )
            .wrap(),
        );
        self.task.status_ui(ui, false);
        if let Some(e) = &self.error {
            ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
        }
        if !valid {
            ui.label("Fix the scenario's problems (flagged in the editor) first.");
            return;
        }
        ui.add_space(6.0);
        self.claims_ui(ui, doc, out);
        ui.add_space(10.0);
        ui.separator();
        self.seek_ui(ui, doc);
    }
}

impl ClaimsTab {
    /// Checks claims `which` on a background thread (`needs`: how many inputs'
    /// needed values, `None` for the reading alone).
    fn check(&mut self, doc: &mut Document, ctx: &egui::Context, which: Vec<usize>, needs: Option<usize>) {
        self.error = None;
        if which.is_empty() || doc.scenario().is_none() {
            return;
        }
        let spec = doc.spec().clone();
        self.revision = doc.revision();
        self.task.start(ctx, move |report, cancel| {
            let n = which.len() as f64;
            let mut done = Vec::new();
            for (j, &i) in which.iter().enumerate() {
                let Some(c) = spec.claims.get(i) else { continue };
                let progress = |f: f64| report.progress((j as f64 + f) / n);
                match check(&spec, c, needs, &Default::default(), &progress, cancel) {
                    Ok(c) => done.push((i, c)),
                    Err(e) => return End::of(Err(e)),
                }
            }
            End::Done(Found::Claims(done))
        });
    }

    fn claims_ui(&mut self, ui: &mut Ui, doc: &mut Document, out: &mut Vec<Command>) {
        // Which claims to check once drawn (the spec is borrowed while drawing).
        let mut asked: Option<(Vec<usize>, Option<usize>)> = None;
        let rev = doc.revision();
        let spec = doc.spec();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Claims to check").strong());
            let busy = self.task.is_running();
            if ui
                .add_enabled(!busy && !spec.claims.is_empty(), egui::Button::new("What would it take? (all)"))
                .on_hover_text(
                    "Check every claim with what each uncertain input would need to be (a goal seek per input)",
                )
                .clicked()
            {
                asked = Some(((0..spec.claims.len()).collect(), Some(usize::MAX)));
            }
        });
        if spec.claims.is_empty() {
            ui.label("The scenario lists no claims yet: add one below.");
        }
        for (i, c) in spec.claims.iter().enumerate() {
            ui.add_space(6.0);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("\u{201c}{}\u{201d}", printable(&c.statement))).strong());
                    if ui.small_button("What would it take?").clicked() {
                        asked = Some((vec![i], Some(usize::MAX)));
                    }
                    if ui
                        .small_button("Remove claim")
                        .on_hover_text("Remove this claim from the scenario (undo restores it)")
                        .clicked()
                    {
                        out.push(Command::Edit(Edit::Remove(List::Claims, i)));
                    }
                });
                if !c.source.is_empty() {
                    ui.label(RichText::new(printable(&c.source)).small());
                }
                match self.checks.get(i).and_then(Option::as_ref) {
                    Some((at, k)) if k.statement == c.statement => {
                        if *at != rev {
                            ui.label(
                                RichText::new("Stale: the scenario changed since this check.")
                                    .color(ui.visuals().warn_fg_color),
                            );
                        }
                        check_ui(ui, spec, k, c.figure);
                    }
                    _ => {
                        ui.label(format!(
                            "Read as: {} of \u{201c}{}\u{201d}, {}.",
                            crate::analysis::vendor::figure_label(c.figure, c.surface, c.basis),
                            printable(&c.strategy),
                            crate::analysis::vendor::range_text(c, &spec.store.currency)
                        ));
                    }
                }
            });
        }
        ui.add_space(8.0);
        egui::CollapsingHeader::new("Add a claim").id_salt("add-claim").show(ui, |ui| self.draft_ui(ui, spec, out));
        if let Some((which, needs)) = asked {
            self.check(doc, ui.ctx(), which, needs);
        }
    }

    fn draft_ui(&mut self, ui: &mut Ui, spec: &ScenarioSpec, out: &mut Vec<Command>) {
        let d = &mut self.draft;
        Grid::new("claim-draft").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            ui.label("Claim");
            ui.add(
                egui::TextEdit::singleline(&mut d.statement).hint_text("in the vendor's words").desired_width(420.0),
            );
            ui.end_row();
            ui.label("Source");
            ui.add(
                egui::TextEdit::singleline(&mut d.source).hint_text("the case study, the article").desired_width(420.0),
            );
            ui.end_row();
            ui.label("Strategy");
            let shown = if d.strategy.is_empty() { "choose…".to_string() } else { printable(&d.strategy) };
            crate::gui::combo(ui, "claim-strategy", "Strategy", None, shown, |ui| {
                for s in spec.strategies.iter().filter(|s| !s.holdout) {
                    ui.selectable_value(&mut d.strategy, s.name.clone(), printable(&s.name));
                }
            });
            ui.end_row();
            ui.label("Figure");
            crate::gui::combo(ui, "claim-figure", "Figure", None, d.figure.word().replace('_', " "), |ui| {
                for w in ClaimFigure::WORDS {
                    if let Some(f) = ClaimFigure::from_word(w) {
                        ui.selectable_value(&mut d.figure, f, w.replace('_', " "));
                    }
                }
            });
            ui.end_row();
            ui.label("Surface");
            crate::gui::combo(ui, "claim-surface", "Surface", None, d.surface.word().replace('_', " "), |ui| {
                for w in ClaimSurface::WORDS {
                    if let Some(f) = ClaimSurface::from_word(w) {
                        ui.selectable_value(&mut d.surface, f, w.replace('_', " "));
                    }
                }
            });
            ui.end_row();
            let money = d.figure == ClaimFigure::AttributedRevenue;
            ui.label("At least");
            if money {
                ui.add(egui::DragValue::new(&mut d.at_least).speed(1000.0).range(0.0..=1e12));
            } else {
                let mut pct = d.at_least * 100.0;
                if ui.add(egui::DragValue::new(&mut pct).speed(0.5).range(-100.0..=10_000.0).suffix("%")).changed() {
                    d.at_least = pct / 100.0;
                }
            }
            ui.end_row();
        });
        let mut claim = d.clone();
        claim.statement = claim.statement.trim().to_string();
        let problem = if claim.statement.is_empty() {
            Some("Write the claim.".to_string())
        } else if claim.strategy.is_empty() {
            Some("Choose the strategy that stands for it.".to_string())
        } else {
            // The claim alone, as the file's `[[claims]]` check would see it.
            crate::model::validate_claims(std::slice::from_ref(&claim), &spec.store.currency)
                .err()
                .map(|e| e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "))
        };
        ui.horizontal_wrapped(|ui| {
            if ui.add_enabled(problem.is_none(), egui::Button::new("Add the claim")).clicked() {
                out.push(Command::Edit(Edit::Insert(spec.claims.len(), Item::Claim(claim))));
                self.draft.statement.clear();
                self.draft.source.clear();
            }
            if let Some(p) = problem {
                ui.label(RichText::new(p).color(ui.visuals().warn_fg_color));
            }
        });
    }

    fn seek_ui(&mut self, ui: &mut Ui, doc: &mut Document) {
        let Some(sc) = doc.scenario() else { return };
        let spec = doc.spec();
        ui.label(RichText::new("Goal seek").strong());
        ui.add(
            egui::Label::new(
                "The value of one field (or two moved together, by a share of their assumed values) at which a \
                 strategy's metric reaches a target, on the same visitors at every value.",
            )
            .wrap(),
        );
        let f = &mut self.form;
        if f.strategy.is_none_or(|k| k >= sc.strategies.len() || k == sc.holdout) {
            f.strategy = sc.featured_strategy();
        }
        let paths: Vec<(String, String)> =
            crate::analysis::sweep::sweepable(spec).iter().map(|p| (p.canonical(), p.label(spec))).collect();
        let label_of = |p: &Option<String>, none: &str| {
            p.as_ref().and_then(|p| paths.iter().find(|(c, _)| c == p)).map_or(none.to_string(), |(_, l)| printable(l))
        };
        Grid::new("seek-form").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            ui.label("Metric");
            crate::gui::combo(ui, "seek-metric", "Metric", None, f.metric.label(), |ui| {
                for m in Metric::ALL {
                    ui.selectable_value(&mut f.metric, m, m.label());
                }
            });
            ui.end_row();
            ui.label("of");
            let name = f.strategy.and_then(|k| sc.strategies.get(k)).map_or("?", |s| s.name());
            crate::gui::combo(ui, "seek-strategy", "Strategy", None, printable(name), |ui| {
                for (k, s) in sc.strategies.iter().enumerate().filter(|(k, _)| *k != sc.holdout) {
                    ui.selectable_value(&mut f.strategy, Some(k), printable(s.name()));
                }
            });
            ui.end_row();
            ui.label("reaches");
            let unit_pct = matches!(
                f.metric.unit(),
                crate::report::metric::MetricUnit::Rate | crate::report::metric::MetricUnit::Relative
            );
            if unit_pct {
                let mut pct = f.target * 100.0;
                if ui.add(egui::DragValue::new(&mut pct).speed(0.1).suffix("%")).changed() {
                    f.target = pct / 100.0;
                }
            } else {
                ui.add(egui::DragValue::new(&mut f.target).speed(0.01));
            }
            ui.end_row();
            ui.label("varying");
            crate::gui::combo(ui, "seek-field", "Field", Some(320.0), label_of(&f.field, "choose…"), |ui| {
                for (c, l) in &paths {
                    ui.selectable_value(&mut f.field, Some(c.clone()), printable(l));
                }
            });
            ui.end_row();
            ui.label("together with");
            ui.horizontal(|ui| {
                crate::gui::combo(
                    ui,
                    "seek-second",
                    "Second field",
                    Some(320.0),
                    label_of(&f.second, "nothing"),
                    |ui| {
                        ui.selectable_value(&mut f.second, None, "nothing");
                        for (c, l) in &paths {
                            ui.selectable_value(&mut f.second, Some(c.clone()), printable(l));
                        }
                    },
                );
                if f.second.is_some() {
                    ui.label("weight");
                    ui.add(egui::DragValue::new(&mut f.weight).speed(0.05).range(-10.0..=10.0));
                }
            });
            ui.end_row();
        });
        let ready = f.field.is_some() && f.strategy.is_some() && !self.task.is_running();
        if ui.add_enabled(ready, egui::Button::new("Seek")).clicked()
            && let (Some(field), Some(k)) = (f.field.clone(), f.strategy)
        {
            let mut free = vec![Free { path: field, weight: 1.0 }];
            if let Some(s) = f.second.clone() {
                free.push(Free { path: s, weight: if f.weight == 0.0 { 1.0 } else { f.weight } });
            }
            let (metric, target) = (f.metric, f.target);
            let spec = spec.clone();
            self.revision = doc.revision();
            self.error = None;
            self.task.start(ui.ctx(), move |report, cancel| {
                let outcome = Outcome { metric, strategy: k, versus: None };
                let goal = Goal { free: &free, range: None, measure: &outcome, target };
                End::of(
                    seek(&spec, &goal, &Default::default(), &|p| report.progress(p), cancel)
                        .map(|s| Found::Seek(Box::new(s), metric)),
                )
            });
        }
        if let Some((at, s, m)) = &self.sought {
            if *at != doc.revision() {
                ui.label(
                    RichText::new("Stale: the scenario changed since this seek.").color(ui.visuals().warn_fg_color),
                );
            }
            sought_ui(ui, doc.spec(), s, *m);
        }
    }
}

/// A checked claim: verdict, readings, why, and what each input would need.
fn check_ui(ui: &mut Ui, spec: &ScenarioSpec, c: &ClaimCheck, figure: ClaimFigure) {
    let cur = &spec.store.currency;
    let show = |v: f64| show_figure(figure, v, cur);
    ui.label(format!("Read as: {} of \u{201c}{}\u{201d}, {}.", c.figure, printable(&c.strategy), c.range));
    if let Some(why) = &c.unanswerable {
        ui.label(format!("Cannot be checked here: {why}."));
        return;
    }
    let dark = ui.visuals().dark_mode;
    let colour = match c.probability {
        Some(p) if p >= 0.9 => crate::gui::dashboard::style::gain(dark),
        Some(p) if p > 0.5 => ui.visuals().warn_fg_color,
        _ => crate::gui::dashboard::style::loss(dark),
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(c.verdict()).color(colour).strong());
        if let (Some(p), Some(s)) = (c.probability, &c.stated) {
            ui.label(format!(
                "in {} of {} worlds; the figure is {} on average ({} to {}, P5-P95)",
                percent(p, 1),
                s.worlds,
                show(s.mean),
                show(s.p5),
                show(s.p95)
            ));
        }
    });
    if let Some(why) = &c.reason {
        ui.add(egui::Label::new(format!("Why: {why}.")).wrap());
    }
    if let (Some(o), Some(b)) = (&c.other, c.other_basis) {
        let how = if b == "attributed" { "as a vendor's dashboard reports it" } else { "as a holdout measures it" };
        ui.label(format!(
            "Read {how}: {} ({} to {}); holds in {} of the worlds.",
            show(o.mean),
            show(o.p5),
            show(o.p95),
            percent(o.holds, 1)
        ));
    }
    if let Some(r) = &c.attribution_ratio {
        ui.label(format!("A vendor's dashboard credits itself with {:.2}x what a holdout measures.", r.mean));
    }
    if c.needs.is_empty() {
        return;
    }
    let bound = show(c.needs[0].target);
    ui.label(if c.holds_on_average {
        format!("It holds on average. Where it would fall to {bound}, one input at a time:")
    } else {
        format!("What it would take to reach {bound}, one input at a time (the others as assumed):")
    });
    Grid::new(("needs", &c.statement)).num_columns(3).striped(true).spacing([12.0, 2.0]).show(ui, |ui| {
        for n in &c.needs {
            ui.label(printable(&n.label));
            let v = |x: f64| crate::analysis::sensitivity::show_input(spec, &n.path, x);
            match (n.value, &n.best) {
                (Some(x), _) => {
                    ui.label(format!("{} (±{})", v(x), v(n.se.unwrap_or(f64::NAN))));
                    ui.label(n.placement.as_ref().map_or(String::new(), |p| p.text.clone()));
                }
                (None, Some(b)) => {
                    ui.label("out of reach");
                    ui.label(format!("at most {} from {} to {}", show(b.outcome), v(n.range.0), v(n.range.1)));
                }
                (None, None) => {
                    ui.label("no answer");
                    ui.label("");
                }
            }
            ui.end_row();
        }
    });
}

/// A goal seek's answer: the sentences `aovlab seek` prints, the first one bold.
fn sought_ui(ui: &mut Ui, spec: &ScenarioSpec, s: &Sought, m: Metric) {
    let cur = &spec.store.currency;
    ui.label(format!("{} = {}:", printable(&s.outcome_label), m.format_exact(s.target, cur)));
    for (i, line) in s.sentences(spec, &|v| m.format_exact(v, cur)).into_iter().enumerate() {
        let text = RichText::new(line.trim_start());
        ui.add(egui::Label::new(if i == 0 { text.strong() } else { text }).wrap());
    }
}
