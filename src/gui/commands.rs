//! Everything the user can ask the app to do, and one table of the commands with a
//! menu entry or a shortcut (label, tooltip, shortcuts): the menus, the keyboard
//! handling and the shortcuts help are all drawn from it.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::editor::Page;
use crate::model::edit::Edit;

/// Something the user asked for; views return these and the app applies them after
/// the frame is laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start over from the article scenario.
    New,
    /// Open a file, asking for it.
    Open,
    /// Open this file.
    OpenPath(PathBuf),
    /// Save to the current file (or ask).
    Save,
    /// Save with the last results embedded (a presenter file).
    SaveWithResults,
    /// Save under a new name.
    SaveAs,
    /// Export the results as JSON.
    ExportJson,
    /// Export the per-replication results as CSV.
    ExportCsv,
    /// Export a PNG of the window.
    ExportPng,
    /// Export the board report (one self-contained HTML file).
    ExportReport,
    /// Export one CSV row per strategy.
    ExportSummary,
    /// Enter or leave presentation mode.
    Present,
    /// Choose a scenario to compare with the current one.
    CompareWith,
    /// Choose a product export to import.
    ImportCatalog,
    /// Choose an order history to calibrate from.
    ImportOrders,
    /// Preview the import of this CSV file (dropped onto the window).
    ImportPath(PathBuf),
    /// Learn from a finished holdout test's results, asking for the file (MODEL.md rule 23).
    LearnFromTest,
    /// Learn from this test-results file.
    LearnPath(PathBuf),
    /// A chart's context menu: save it to a file or copy it.
    Chart(crate::gui::dashboard::ChartRequest),
    /// Close the window.
    Quit,
    /// Undo the last edit.
    Undo,
    /// Redo.
    Redo,
    /// Run the scenario.
    Run,
    /// Cancel the run.
    Cancel,
    /// Light (`false`) or dark (`true`) theme.
    Dark(bool),
    /// Larger text and widgets.
    ZoomIn,
    /// Smaller text and widgets.
    ZoomOut,
    /// The desktop's own scale.
    ZoomReset,
    /// Show an editor page.
    Page(Page),
    /// Show a tab of the central area (results, sweep, sensitivity).
    View(crate::gui::analysis::View),
    /// Jump to the editor page holding a field (canonical path).
    Show(String),
    /// Show a help window.
    Help(HelpTopic),
    /// Change the scenario.
    Edit(Edit),
    /// Change the scenario and say so (e.g. "Removed Blade Grinder and its 2 links").
    EditSaying(Edit, String),
    /// The answer about a recovery copy found at start: restore it (`true`) or
    /// discard it.
    Recover(bool),
    /// The answer about unsaved changes before the pending action.
    Unsaved(Unsaved),
    /// A file dialog's answer: the file for this task.
    FileChosen(crate::gui::dialogs::FileTask, PathBuf),
    /// Close the help window.
    CloseHelp,
}

/// What to do with unsaved changes before going on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsaved {
    /// Save them, then go on.
    Save,
    /// Go on without them.
    Discard,
    /// Stay.
    Cancel,
}

/// Help windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpTopic {
    /// About the app and the thesis.
    About,
    /// Keyboard shortcuts.
    Shortcuts,
    /// The model and every metric, in short.
    Model,
}

/// A command with its menu label, tooltip and shortcuts.
pub struct Binding {
    /// What it does.
    pub command: Command,
    /// Menu label.
    pub label: &'static str,
    /// Tooltip.
    pub tip: &'static str,
    /// Shortcuts, the first shown in menus.
    pub keys: &'static [KeyboardShortcut],
}

const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };
const NONE: Modifiers = Modifiers::NONE;
const fn key(m: Modifiers, k: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(m, k)
}

/// Every command with a menu entry or a shortcut.
pub static BINDINGS: &[Binding] = &[
    Binding {
        command: Command::New,
        label: "New (article scenario)",
        tip: "Start over from the article's coffee store",
        keys: &[key(CMD, Key::N)],
    },
    Binding { command: Command::Open, label: "Open…", tip: "Open a scenario file", keys: &[key(CMD, Key::O)] },
    Binding {
        command: Command::Save,
        label: "Save",
        tip: "Save, keeping the file's comments and layout",
        keys: &[key(CMD, Key::S)],
    },
    Binding {
        command: Command::SaveWithResults,
        label: "Save with results",
        tip: "Save, embedding the last run's summary: opening the file shows those results without running",
        keys: &[],
    },
    Binding {
        command: Command::SaveAs,
        label: "Save As…",
        tip: "Save under a new name",
        keys: &[key(CMD_SHIFT, Key::S)],
    },
    Binding {
        command: Command::ExportJson,
        label: "Results as JSON…",
        tip: "The report (docs/results-format.md)",
        keys: &[],
    },
    Binding {
        command: Command::ExportCsv,
        label: "Replications as CSV…",
        tip: "One row per replication and strategy",
        keys: &[],
    },
    Binding { command: Command::ExportPng, label: "Window as PNG…", tip: "A picture of the window", keys: &[] },
    Binding {
        command: Command::ExportReport,
        label: "Report (HTML)…",
        tip: "One self-contained page for the board: summary, results, every chart, assumptions, method",
        keys: &[],
    },
    Binding {
        command: Command::ExportSummary,
        label: "Summary as CSV…",
        tip: "One row per strategy: every metric's mean, P5, P50, P95 and P(>0), for spreadsheets",
        keys: &[],
    },
    Binding { command: Command::Quit, label: "Quit", tip: "Close AOV Lab", keys: &[key(CMD, Key::Q)] },
    Binding { command: Command::Undo, label: "Undo", tip: "Undo the last edit", keys: &[key(CMD, Key::Z)] },
    Binding {
        command: Command::Redo,
        label: "Redo",
        tip: "Redo the last undone edit",
        keys: &[key(CMD_SHIFT, Key::Z), key(CMD, Key::Y)],
    },
    Binding {
        command: Command::Run,
        label: "Run",
        tip: "Run the scenario",
        keys: &[key(NONE, Key::F5), key(CMD, Key::R)],
    },
    Binding {
        command: Command::Cancel,
        label: "Cancel run",
        tip: "Stop the run; the replications done so far stay",
        keys: &[key(NONE, Key::Escape)],
    },
    Binding {
        command: Command::CompareWith,
        label: "Compare with…",
        tip: "Open a second scenario beside this one: the assumptions that differ and both results",
        keys: &[],
    },
    Binding {
        command: Command::ImportCatalog,
        label: "Import catalog…",
        tip: "Read a Shopify, WooCommerce or other product CSV into the catalog, with a preview first",
        keys: &[],
    },
    Binding {
        command: Command::ImportOrders,
        label: "Calibrate from orders…",
        tip: "Calibrate baskets, prices, popularity, complements and spend to date from an order history, with a proof of fit",
        keys: &[],
    },
    Binding {
        command: Command::LearnFromTest,
        label: "Learn from test results…",
        tip: "Update the scenario's uncertain inputs from a finished holdout test's results (CSV), on the Holdout plan tab",
        keys: &[],
    },
    Binding {
        command: Command::Present,
        label: "Present",
        tip: "One chart or the summary at a time, full window, large type (Left/Right move, Escape leaves)",
        keys: &[key(NONE, Key::F11)],
    },
    Binding {
        command: Command::ZoomIn,
        label: "Zoom in",
        tip: "Larger text and charts",
        keys: &[key(CMD, Key::Plus), key(CMD, Key::Equals)],
    },
    Binding {
        command: Command::ZoomOut,
        label: "Zoom out",
        tip: "Smaller text and charts",
        keys: &[key(CMD, Key::Minus)],
    },
    Binding {
        command: Command::ZoomReset,
        label: "Actual size",
        tip: "The desktop's own scale",
        keys: &[key(CMD, Key::Num0)],
    },
    Binding {
        command: Command::Help(HelpTopic::Model),
        label: "The shopper model and metrics",
        tip: "What is simulated and how each number is defined",
        keys: &[key(NONE, Key::F1)],
    },
    Binding {
        command: Command::Help(HelpTopic::Shortcuts),
        label: "Keyboard shortcuts",
        tip: "Every shortcut",
        keys: &[],
    },
    Binding { command: Command::Help(HelpTopic::About), label: "About AOV Lab", tip: "Version and purpose", keys: &[] },
];

/// The binding of a command (by its kind; data-carrying commands have none).
pub fn binding(c: &Command) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| &b.command == c)
}

/// The commands whose shortcuts were pressed this frame (consumed, so a text field
/// does not also see them). Shortcuts with more modifiers are matched first, so
/// Ctrl+Shift+Z is redo and not undo.
pub fn pressed(ctx: &egui::Context, running: bool) -> Vec<Command> {
    let mut all: Vec<(&KeyboardShortcut, &Command)> =
        BINDINGS.iter().flat_map(|b| b.keys.iter().map(move |k| (k, &b.command))).collect();
    all.sort_by_key(|(k, _)| std::cmp::Reverse(u8::from(k.modifiers.shift) + u8::from(k.modifiers.command)));
    let mut out = Vec::new();
    ctx.input_mut(|i| {
        for (k, c) in all {
            // Escape belongs to text fields and dialogs unless a run can be cancelled.
            if *c == Command::Cancel && !running {
                continue;
            }
            if i.consume_shortcut(k) && !out.contains(c) {
                out.push(c.clone());
            }
        }
    });
    out
}

/// A menu entry for a command with its shortcut; pushes the command when clicked.
pub fn menu_item(ui: &mut egui::Ui, command: Command, enabled: bool, out: &mut Vec<Command>) {
    let Some(b) = binding(&command) else { return };
    let mut button = egui::Button::new(b.label);
    if let Some(k) = b.keys.first() {
        button = button.shortcut_text(ui.ctx().format_shortcut(k));
    }
    if ui.add_enabled(enabled, button).on_hover_text(b.tip).clicked() {
        out.push(command);
        ui.close();
    }
}

/// Every shortcut with what it does, for the help window.
pub fn shortcut_rows(ctx: &egui::Context) -> Vec<(String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| !b.keys.is_empty())
        .map(|b| (b.keys.iter().map(|k| ctx.format_shortcut(k)).collect::<Vec<_>>().join(", "), b.label))
        .collect()
}
