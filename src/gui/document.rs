//! The scenario being edited: its file form, the text it was read from (so that
//! saving keeps the author's comments and layout), where it lives, a revision number
//! instead of copies, undo and redo as inverse edits, and its validation, cached.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::io::scenario_file::{self, ARTICLE_TOML, ScenarioError};
use crate::model::FieldId;
use crate::model::edit::{Edit, EditError};
use crate::model::fields::{self, Path};
use crate::model::{FieldError, Limits, Scenario, ScenarioSpec, validate};

/// Edits of the same field closer together than this form one undo step (a drag,
/// typing a word).
const COALESCE: Duration = Duration::from_millis(800);
/// Undo steps kept.
const MAX_UNDO: usize = 500;
/// Catalogs with more products and links than this are checked as a whole only when
/// the editing pauses or a run starts; each edit is checked field by field at once.
pub const LARGE_CATALOG: usize = 20_000;

/// Validation problems of the current scenario, by field path.
#[derive(Default)]
pub struct Problems {
    list: Vec<FieldError>,
    by_path: HashMap<String, String>,
}

impl Problems {
    fn new(list: Vec<FieldError>) -> Self {
        let by_path = list.iter().map(|e| (e.path.clone(), e.message.clone())).collect();
        Self { list, by_path }
    }

    /// The problem with one field (canonical path), if any.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.by_path.get(path).map(String::as_str)
    }

    /// Every problem.
    pub fn all(&self) -> &[FieldError] {
        &self.list
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn set_local(&mut self, path: String, message: Option<String>) {
        self.list.retain(|e| e.path != path);
        self.by_path.remove(&path);
        if let Some(m) = message {
            self.by_path.insert(path.clone(), m.clone());
            self.list.push(FieldError { path, message: m });
        }
    }
}

/// A revision number no document has had: views that cache what they drew for a
/// revision (the catalog's order and index) never take another document's state for
/// the current one. (An undo or redo returns to an earlier revision, whose state it
/// restores exactly.)
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Catalog fields the catalog page's indexes depend on (see
/// [`Document::index_revision`]).
const INDEXED: [FieldId; 5] =
    [FieldId::ProductId, FieldId::ProductName, FieldId::ProductCategory, FieldId::LinkFrom, FieldId::LinkFromCategory];

struct Step {
    undo: Edit,
    /// The field a single-field edit changed (consecutive edits of it coalesce).
    field: Option<Path>,
    at: Instant,
    /// The revision (and saved results) the document returns to when this step is
    /// applied: the scenario is then exactly as it was at that revision, so results
    /// computed for it are current again and, back at the saved revision, the
    /// document is no longer unsaved.
    revision: Revisions,
    presented: Option<crate::model::PresentedResults>,
}

/// A document's revision, and those of its catalog's last changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Revisions {
    revision: u64,
    catalog: u64,
    index: u64,
}

/// A scenario document.
pub struct Document {
    spec: ScenarioSpec,
    /// The file it was loaded from or saved to.
    pub path: Option<PathBuf>,
    /// The text the scenario was read from (or last saved as).
    original: String,
    revision: u64,
    saved_revision: u64,
    /// Revision of the last edit of products or links.
    catalog_revision: u64,
    /// Revision of the last catalog edit that [`INDEXED`] fields or the lists' shape.
    index_revision: u64,
    saved_catalog_revision: u64,
    undo: Vec<Step>,
    redo: Vec<Step>,
    problems: Problems,
    /// The revision `problems` and `scenario` describe.
    checked: u64,
    scenario: Option<Arc<Scenario>>,
    last_edit: Option<Instant>,
}

impl Document {
    /// A document holding `spec`, read from `original` (considered saved).
    pub fn new(spec: ScenarioSpec, path: Option<PathBuf>, original: String) -> Self {
        let r = next_revision();
        let mut d = Self {
            spec,
            path,
            original,
            revision: r,
            saved_revision: r,
            catalog_revision: r,
            index_revision: r,
            saved_catalog_revision: r,
            undo: Vec::new(),
            redo: Vec::new(),
            problems: Problems::default(),
            checked: u64::MAX,
            scenario: None,
            last_edit: None,
        };
        d.check();
        d
    }

    /// The embedded article scenario, not yet saved to any file.
    pub fn article() -> Self {
        let spec = scenario_file::parse_spec(ARTICLE_TOML, scenario_file::EMBEDDED_NAME)
            .unwrap_or_else(|e| panic!("embedded scenario: {e}"));
        Self::new(spec, None, ARTICLE_TOML.to_string())
    }

    /// Opens a file. Only a file that cannot be read or parsed is refused; one with
    /// invalid values opens with them flagged (as an editor opens a file with a typo).
    pub fn open(path: PathBuf) -> Result<Self, ScenarioError> {
        let original = scenario_file::read_text(&path)?;
        let loaded = scenario_file::load(&path)?;
        Ok(Self::new(loaded.spec, Some(path), original))
    }

    /// The scenario as edited.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// Changes with every edit, to a number no document has had; an undo or redo
    /// returns to the revision the scenario had then (it is then exactly that
    /// scenario). Equal revisions mean an equal scenario.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether the scenario differs from the last saved or loaded version.
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// File name for titles and the status bar.
    pub fn title(&self) -> String {
        match &self.path {
            Some(p) => p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned()),
            None => "untitled (article scenario)".into(),
        }
    }

    /// Whether the catalog is large enough to be checked as a whole only on pauses.
    pub fn is_large(&self) -> bool {
        self.spec.products.len() + self.spec.links.len() > LARGE_CATALOG
    }

    /// Applies an edit as one undo step (merged with the previous one when both set
    /// the same field within a moment).
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let field = match &edit {
            Edit::Set(p, _) => Some(p.clone()),
            _ => None,
        };
        let touches_catalog = edit.touches_catalog();
        let undo = edit.apply(&mut self.spec)?;
        // Saved results describe the scenario as it was: an edit drops them (an undo
        // brings them back).
        let presented = self.spec.presented.take();
        let now = Instant::now();
        let merge = field.is_some()
            && self.redo.is_empty()
            && self.undo.last().is_some_and(|s| s.field == field && now.duration_since(s.at) < COALESCE);
        if merge {
            if let Some(last) = self.undo.last_mut() {
                last.at = now;
            }
        } else {
            self.undo.push(Step { undo, field: field.clone(), at: now, revision: self.revisions(), presented });
            if self.undo.len() > MAX_UNDO {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.revision = next_revision();
        if touches_catalog {
            self.catalog_revision = self.revision;
            if field.as_ref().is_none_or(|p| INDEXED.contains(&p.field)) {
                self.index_revision = self.revision;
            }
        }
        self.changed(field.as_ref());
        Ok(())
    }

    fn revisions(&self) -> Revisions {
        Revisions { revision: self.revision, catalog: self.catalog_revision, index: self.index_revision }
    }

    /// The scenario changed (its revisions are set).
    fn changed(&mut self, field: Option<&Path>) {
        self.last_edit = Some(Instant::now());
        // The validated scenario is gone, whatever revision this is (an undo returns
        // to an earlier one, which the check must not take as already done).
        self.scenario = None;
        self.checked = u64::MAX;
        if self.is_large() {
            // The whole check waits for a pause; the edited field is checked now.
            if let Some(p) = field {
                let message = local_problem(&self.spec, p);
                self.problems.set_local(p.canonical(), message);
            }
        } else {
            self.check();
        }
    }

    /// Undoes the last edit; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        self.step(true)
    }

    /// Redoes the last undone edit; false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        self.step(false)
    }

    fn step(&mut self, undo: bool) -> bool {
        let from = if undo { &mut self.undo } else { &mut self.redo };
        let Some(step) = from.pop() else { return false };
        let field = step.field.clone();
        match step.undo.apply(&mut self.spec) {
            Ok(inverse) => {
                let presented = std::mem::replace(&mut self.spec.presented, step.presented);
                let back = Step {
                    undo: inverse,
                    field: field.clone(),
                    at: Instant::now() - COALESCE,
                    revision: self.revisions(),
                    presented,
                };
                let to = if undo { &mut self.redo } else { &mut self.undo };
                to.push(back);
                let r = step.revision;
                (self.revision, self.catalog_revision, self.index_revision) = (r.revision, r.catalog, r.index);
                self.changed(field.as_ref());
                true
            }
            Err(_) => false,
        }
    }

    /// Whether undo would do something.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether redo would do something.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Validates the whole scenario now (and caches the result).
    pub fn check(&mut self) {
        if self.checked == self.revision {
            return;
        }
        match validate(&self.spec, &Limits::default()) {
            Ok(sc) => {
                self.problems = Problems::default();
                self.scenario = Some(Arc::new(sc));
            }
            Err(list) => {
                self.problems = Problems::new(list);
                self.scenario = None;
            }
        }
        self.checked = self.revision;
    }

    /// Whether the whole-scenario check is behind the edits (large catalogs only).
    pub fn check_pending(&self) -> bool {
        self.checked != self.revision
    }

    /// Runs the whole check if one is pending and the editing has paused for `quiet`.
    pub fn check_when_quiet(&mut self, quiet: Duration) {
        if self.check_pending() && self.last_edit.is_none_or(|t| t.elapsed() >= quiet) {
            self.check();
        }
    }

    /// Every validation problem (the same rules and messages as the file loader).
    pub fn problems(&self) -> &Problems {
        &self.problems
    }

    /// The validated scenario, when valid (checked now if a check is pending).
    pub fn scenario(&mut self) -> Option<Arc<Scenario>> {
        self.check();
        self.scenario.clone()
    }

    /// The validated scenario if the last check found it valid, without checking.
    pub fn cached_scenario(&self) -> Option<&Arc<Scenario>> {
        self.scenario.as_ref()
    }

    /// Saves to `path` atomically, keeping the original text's comments and layout,
    /// and makes it the document's file.
    pub fn save_as(&mut self, path: PathBuf) -> std::io::Result<()> {
        let moved = self.path.as_ref().map(|p| p.parent()) != Some(path.parent());
        let catalog_changed = self.catalog_revision != self.saved_catalog_revision || moved;
        let text = scenario_file::save_preserving(&path, &self.original, &self.spec, catalog_changed)?;
        self.original = text;
        self.saved_revision = self.revision;
        self.saved_catalog_revision = self.catalog_revision;
        self.path = Some(path);
        Ok(())
    }

    /// Sets (or clears) the results saved with the scenario. They are not part of
    /// the model (validation and runs ignore them), so this is no edit: no undo step,
    /// no new revision, and the results shown stay current.
    pub fn embed_results(&mut self, results: Option<crate::model::PresentedResults>) {
        self.spec.presented = results;
    }

    /// Writes a copy to `path` (a recovery file) without changing the document: the
    /// CSV catalog too when `with_catalog` (or when it is not there yet).
    pub fn write_copy(&self, path: &std::path::Path, with_catalog: bool) -> std::io::Result<()> {
        scenario_file::save_preserving(path, &self.original, &self.spec, with_catalog).map(|_| ())
    }

    /// The revision of the last catalog change that can change what the catalog page
    /// indexes (ids, names, categories, link sources, added or removed rows); a price
    /// or a strength edit leaves it alone.
    pub fn index_revision(&self) -> u64 {
        self.index_revision
    }

    /// The revision of the last change to the catalog.
    pub fn catalog_revision(&self) -> u64 {
        self.catalog_revision
    }

    /// Whether the catalog changed since the last save.
    pub fn catalog_changed(&self) -> bool {
        self.catalog_revision != self.saved_catalog_revision
    }

    /// Marks the document as changed (a restored recovery copy has unsaved work).
    pub fn mark_unsaved(&mut self) {
        self.saved_revision = u64::MAX;
        self.saved_catalog_revision = u64::MAX;
    }

    /// How a field path reads to a strategist (`AOV-optimized › Tier prompt window`);
    /// the path itself when it names no registry field.
    pub fn label_of(&self, path: &str) -> String {
        if path.is_empty() {
            return "Scenario".into();
        }
        match fields::resolve(&self.spec, path) {
            Ok(p) => p.label(&self.spec),
            Err(_) => list_label(&self.spec, path),
        }
    }
}

/// A label for a path that names a list item or a list (`links[3]`, `segments`).
fn list_label(spec: &ScenarioSpec, path: &str) -> String {
    let head = path.split(['.', '[']).next().unwrap_or(path);
    let index = path.split(['[', ']']).nth(1).and_then(|i| i.parse::<usize>().ok());
    match (fields::List::ALL.into_iter().find(|l| l.key() == head), index) {
        (Some(list), Some(i)) => {
            format!("{} › {}", list.label(spec, i), path.split('.').skip(1).collect::<Vec<_>>().join("."))
        }
        (Some(list), None) => match list {
            fields::List::Products => "Catalog".into(),
            fields::List::Links => "Links".into(),
            fields::List::Segments => "Segments".into(),
            fields::List::Tiers => "Tiers".into(),
            fields::List::Strategies => "Strategies".into(),
            fields::List::Correlations => "Correlated inputs".into(),
            fields::List::Claims => "Claims".into(),
        },
        _ => match head {
            "store" => "Store".into(),
            "format_version" => "File format".into(),
            _ => path.to_string(),
        },
    }
}

/// The problem one field has on its own (its range), for large catalogs between
/// whole checks.
fn local_problem(spec: &ScenarioSpec, path: &Path) -> Option<String> {
    let f = path.spec_field();
    match fields::get(spec, path)? {
        fields::Value::Number(v) if !f.allows(v) => Some(f.out_of_range(v, &spec.store.currency)),
        fields::Value::Param(p) => f.check_param(&p, &spec.store.currency).err(),
        fields::Value::Text(Some(t)) if t.trim().is_empty() && f.kind == fields::Kind::Text => {
            Some("must not be empty".into())
        }
        _ => None,
    }
}
