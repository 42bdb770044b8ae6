//! The scenario being edited: its file form, where it lives, whether it is saved,
//! its validation problems and an undo history over every edit.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::io::scenario_file::{self, ScenarioError};
use crate::model::{FieldError, Scenario, ScenarioSpec, validate};

/// Edits closer together than this form one undo step (a slider drag, typing a word).
const COALESCE: Duration = Duration::from_millis(800);
/// Undo steps kept.
const MAX_UNDO: usize = 200;

/// A scenario document.
pub struct Document {
    /// The scenario as edited.
    pub spec: ScenarioSpec,
    /// The file it was loaded from or saved to.
    pub path: Option<PathBuf>,
    saved: ScenarioSpec,
    undo: Vec<ScenarioSpec>,
    redo: Vec<ScenarioSpec>,
    last_edit: Option<Instant>,
    problems: Problems,
}

/// Validation problems of the current scenario, by field path.
#[derive(Default)]
pub struct Problems {
    list: Vec<FieldError>,
    by_path: HashMap<String, String>,
}

impl Problems {
    /// The problem with one field, if any.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.by_path.get(path).map(String::as_str)
    }

    /// Every problem.
    pub fn all(&self) -> &[FieldError] {
        &self.list
    }
}

impl Document {
    /// A document holding `spec`, considered saved (as just loaded).
    pub fn new(spec: ScenarioSpec, path: Option<PathBuf>) -> Self {
        let mut d = Self {
            saved: spec.clone(),
            spec,
            path,
            undo: Vec::new(),
            redo: Vec::new(),
            last_edit: None,
            problems: Problems::default(),
        };
        d.revalidate();
        d
    }

    /// The embedded article scenario, unsaved to any file.
    pub fn article() -> Self {
        Self::new(scenario_file::article().spec, None)
    }

    /// Whether the scenario differs from the last saved or loaded version.
    pub fn is_dirty(&self) -> bool {
        self.spec != self.saved
    }

    /// File name for titles and the status bar.
    pub fn title(&self) -> String {
        match &self.path {
            Some(p) => p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned()),
            None => "untitled (article scenario)".into(),
        }
    }

    /// Records that the scenario changed from `before` (call after each frame that
    /// edited it). Rapid successive edits merge into one undo step.
    pub fn record_edit(&mut self, before: ScenarioSpec) {
        let now = Instant::now();
        let coalesce = self.last_edit.is_some_and(|t| now.duration_since(t) < COALESCE);
        if !coalesce {
            self.undo.push(before);
            if self.undo.len() > MAX_UNDO {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.last_edit = Some(now);
        self.revalidate();
    }

    /// Replaces the whole scenario as one undoable edit (menu actions, buttons).
    pub fn replace(&mut self, spec: ScenarioSpec) {
        let before = std::mem::replace(&mut self.spec, spec);
        self.last_edit = None;
        self.record_edit(before);
        self.last_edit = None;
    }

    /// Undoes the last edit; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        let Some(prev) = self.undo.pop() else { return false };
        self.redo.push(std::mem::replace(&mut self.spec, prev));
        self.last_edit = None;
        self.revalidate();
        true
    }

    /// Redoes the last undone edit; false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else { return false };
        self.undo.push(std::mem::replace(&mut self.spec, next));
        self.last_edit = None;
        self.revalidate();
        true
    }

    /// Whether undo / redo would do something.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether redo would do something.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    fn revalidate(&mut self) {
        let list = match validate(self.spec.clone(), &crate::model::Limits::default()) {
            Ok(_) => Vec::new(),
            Err(e) => e,
        };
        let by_path = list.iter().map(|e| (e.path.clone(), e.message.clone())).collect();
        self.problems = Problems { list, by_path };
    }

    /// Every validation problem (the same rules and messages as the file loader).
    pub fn problems(&self) -> &Problems {
        &self.problems
    }

    /// The scenario to edit and its current problems, borrowed together.
    pub fn parts(&mut self) -> (&mut ScenarioSpec, &Problems) {
        (&mut self.spec, &self.problems)
    }

    /// The validated scenario, when valid.
    pub fn scenario(&self) -> Option<Scenario> {
        if self.problems.list.is_empty() { Scenario::from_spec(self.spec.clone()).ok() } else { None }
    }

    /// Saves to `path` atomically and makes it the document's file.
    pub fn save_as(&mut self, path: PathBuf) -> std::io::Result<()> {
        scenario_file::save_scenario(&path, &self.spec)?;
        self.saved = self.spec.clone();
        self.path = Some(path);
        Ok(())
    }

    /// Loads a document from a file; the current one is untouched on failure.
    pub fn open(path: PathBuf) -> Result<Self, ScenarioError> {
        let sc = scenario_file::load_scenario(&path)?;
        Ok(Self::new(sc.spec, Some(path)))
    }
}
