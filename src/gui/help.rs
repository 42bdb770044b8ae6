//! Help windows: about, the shortcuts (from the command table) and the model with
//! every metric's definition (from the metric registry; docs/model.md has the rest).

use egui::{RichText, Ui};

use super::commands::{HelpTopic, shortcut_rows};
use crate::report::Metric;

/// The window's title.
pub fn title(topic: HelpTopic) -> &'static str {
    match topic {
        HelpTopic::About => "About AOV Lab",
        HelpTopic::Shortcuts => "Keyboard shortcuts",
        HelpTopic::Model => "The shopper model and the metrics",
    }
}

/// The window's contents.
pub fn ui(ui: &mut Ui, topic: HelpTopic) {
    match topic {
        HelpTopic::About => {
            ui.label(RichText::new(format!("AOV Lab {}", crate::version::LONG)).strong());
            ui.label(
                "Monte Carlo shopper simulations comparing conversion-optimized and AOV-optimized personalization \
                 on the same simulated traffic (common random numbers). Every number is a model output for the \
                 scenario's assumptions, with the spread across replications.",
            );
            ui.label("Scenario format: docs/scenario-format.md. The model and every metric: docs/model.md.");
        }
        HelpTopic::Shortcuts => {
            egui::Grid::new("keys").striped(true).show(ui, |ui| {
                for (keys, what) in shortcut_rows(ui.ctx()) {
                    ui.label(RichText::new(keys).monospace());
                    ui.label(what);
                    ui.end_row();
                }
            });
        }
        HelpTopic::Model => {
            ui.label(
                "Each visitor belongs to a segment and builds a cart with its add-to-cart rate. A shopper with a \
                 cart then meets each strategy in turn, on the same random draws: pre-checkout suggestions (each \
                 slot adds friction), a tier prompt for loyalty members near the next tier, checkout (completion \
                 x friction-reduction x discount effect x friction), and after a completed order the \
                 post-checkout offers, which add to the order but never change whether it happened. The holdout \
                 has every lever off.",
            );
            ui.add_space(6.0);
            egui::Grid::new("metrics").striped(true).show(ui, |ui| {
                for m in Metric::ALL {
                    ui.label(RichText::new(m.label()).strong());
                    ui.label(m.help());
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            ui.label("Ranges are the 5th-95th percentiles across replications; each replication draws the uncertain inputs anew. The full model is in docs/model.md.");
        }
    }
}
