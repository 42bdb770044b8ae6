//! Presentation mode (F11, View > Present): the results for a meeting, one slide at a
//! time across the whole window in large type on a light background: the summary
//! with the KPI table first, then each dashboard chart (the same figures as the chart
//! files). Left and Right (or Page Up / Page Down, Space) move; Escape or F11 leaves.

use egui::{RichText, Ui};

use super::dashboard::charts::{self, ChartState};
use super::run_view::RunView;
use crate::format::percent;
use crate::present::figure::{self, Figure};
use crate::report::Metric;

/// What the presenter asked for this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// Keep presenting.
    Stay,
    /// Leave presentation mode.
    Leave,
}

/// Presentation state: the slide shown and each chart's view.
#[derive(Default)]
pub struct Presenter {
    /// The slide shown (0: the summary).
    pub slide: usize,
    charts: Vec<ChartState>,
}

impl Presenter {
    /// The slides' charts for these results.
    fn figures(run: &RunView) -> Vec<Figure> {
        run.report.as_ref().map_or_else(Vec::new, |r| figure::dashboard(r, &run.reps))
    }

    /// Slides for these results: the summary, then one per chart.
    pub fn slides(run: &RunView) -> usize {
        1 + Self::figures(run).len()
    }

    /// Draws the current slide filling `ui`, and reads the keys.
    pub fn ui(&mut self, ui: &mut Ui, run: Option<&RunView>) -> Presented {
        let (next, back, leave) = ui.input_mut(|i| {
            let next = i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight)
                || i.consume_key(egui::Modifiers::NONE, egui::Key::PageDown)
                || i.consume_key(egui::Modifiers::NONE, egui::Key::Space);
            let back = i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft)
                || i.consume_key(egui::Modifiers::NONE, egui::Key::PageUp);
            let leave = i.consume_key(egui::Modifiers::NONE, egui::Key::Escape);
            (next, back, leave)
        });
        if leave {
            return Presented::Leave;
        }
        let Some(run) = run.filter(|r| r.report.is_some()) else {
            ui.centered_and_justified(|ui| {
                ui.label(RichText::new("Run the scenario (F5) to present its results. Escape leaves.").size(28.0));
            });
            return Presented::Stay;
        };
        let figures = Self::figures(run);
        let n = 1 + figures.len();
        if next {
            self.slide = (self.slide + 1).min(n - 1);
        }
        if back {
            self.slide = self.slide.saturating_sub(1);
        }
        self.slide = self.slide.min(n - 1);
        self.charts.resize_with(figures.len(), ChartState::default);
        let style = ui.style_mut();
        for (text_style, font) in style.text_styles.iter_mut() {
            font.size = match text_style {
                egui::TextStyle::Heading => 40.0,
                egui::TextStyle::Small => 18.0,
                _ => 24.0,
            };
        }
        let footer = |ui: &mut Ui, slide: usize| {
            ui.add_space(8.0);
            let r = run.report.as_ref();
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{} · seed {} · AOV Lab {}",
                        r.map_or("", |r| r.scenario.as_str()),
                        r.map_or(0, |r| r.seed),
                        crate::version::LONG
                    ))
                    .small(),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(RichText::new(format!("{} / {n}   (Left, Right; Escape leaves)", slide + 1)).small());
                });
            });
        };
        if self.slide == 0 {
            summary_slide(ui, run);
        } else {
            let f = &figures[self.slide - 1];
            ui.heading(&f.title);
            ui.add_space(8.0);
            let h = (ui.available_height() - 70.0).max(200.0);
            ui.allocate_ui(egui::vec2(ui.available_width(), h), |ui| {
                charts::figure_sized(ui, &mut self.charts[self.slide - 1], run.generation, f, h - 60.0);
            });
        }
        ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| footer(ui, self.slide));
        Presented::Stay
    }
}

/// The summary: the report's sentences and a large KPI table.
fn summary_slide(ui: &mut Ui, run: &RunView) {
    let Some(r) = &run.report else { return };
    ui.heading(&r.scenario);
    ui.add_space(10.0);
    for (k, line) in crate::present::html::summary(r, &run.reps).into_iter().take(3).enumerate() {
        let text = RichText::new(line);
        ui.add(egui::Label::new(if k == 0 { text.strong() } else { text }).wrap());
        ui.add_space(6.0);
    }
    ui.add_space(12.0);
    // The columns: each a metric's mean lift, headed by the metric's label, then the
    // share of replications in which revenue per visitor rises.
    const LIFTS: [Metric; 4] = [Metric::ConversionRateLift, Metric::AovLift, Metric::RpvLift, Metric::AnnualGmvImpact];
    egui::Grid::new("present-kpis").striped(true).spacing([36.0, 12.0]).show(ui, |ui| {
        ui.label(RichText::new("Strategy").strong());
        for m in LIFTS {
            ui.label(RichText::new(m.label()).strong());
        }
        ui.label(RichText::new(format!("P({} > 0)", Metric::RpvLift.label())).strong());
        ui.end_row();
        for s in r.strategies.iter().filter(|s| !s.is_holdout) {
            ui.label(&s.name);
            for m in LIFTS {
                ui.label(m.lift_summary(s).map_or_else(|| "-".to_string(), |x| m.format(x.summary.mean, &r.currency)));
            }
            ui.label(Metric::RpvLift.lift_summary(s).map_or_else(|| "-".into(), |x| percent(x.prob_positive, 0)));
            ui.end_row();
        }
    });
    ui.add_space(8.0);
    ui.label(
        RichText::new(format!(
            "Lifts against the holdout, means over {} replications of {} visitors.",
            r.replications,
            crate::format::int(r.visitors_per_replication)
        ))
        .small(),
    );
}
