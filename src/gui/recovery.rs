//! Autosave and recovery: while there are unsaved changes, a copy of the scenario at
//! most a few seconds old is kept in the app's data folder; after a crash or a kill
//! the next start offers to restore it. A save, or discarding the changes, removes it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::document::Document;

/// The most work a crash can lose.
pub const INTERVAL: Duration = Duration::from_secs(2);

const SCENARIO: &str = "scenario.toml";
const META: &str = "recovery.json";

/// What a recovery copy is of.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Meta {
    /// The file the scenario belongs to (`None`: never saved).
    pub path: Option<PathBuf>,
    /// When the copy was written (seconds since the Unix epoch).
    pub saved_at: u64,
    /// The document's title.
    pub title: String,
}

/// The recovery folder and what was last written there.
pub struct Recovery {
    dir: PathBuf,
    /// Catalog files written into `dir` (removed with the copy).
    catalog_files: Vec<PathBuf>,
    written: Option<u64>,
    /// The document's catalog revision the catalog files in `dir` hold.
    catalog_written: Option<u64>,
    last: Option<Instant>,
}

impl Recovery {
    /// Recovery in `dir` (created when first needed).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, catalog_files: Vec::new(), written: None, catalog_written: None, last: None }
    }

    /// The usual folder: `AOVLAB_RECOVERY_DIR`, else `recovery` in the app's data folder.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os("AOVLAB_RECOVERY_DIR") {
            return Some(PathBuf::from(d));
        }
        eframe::storage_dir("AOV Lab").map(|d| d.join("recovery"))
    }

    /// A copy left by a session that did not end cleanly.
    pub fn found(&self) -> Option<Meta> {
        let text = std::fs::read_to_string(self.dir.join(META)).ok()?;
        let meta: Meta = serde_json::from_str(&text).ok()?;
        self.dir.join(SCENARIO).is_file().then_some(meta)
    }

    /// Keeps the copy current: writes it when the document has unsaved changes it does
    /// not hold yet and the last write is at least [`INTERVAL`] old.
    pub fn keep(&mut self, doc: &Document) -> std::io::Result<()> {
        if !doc.is_dirty() || self.written == Some(doc.revision()) {
            return Ok(());
        }
        if self.last.is_some_and(|t| t.elapsed() < INTERVAL) {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        // The catalog files again whenever the catalog changed since they were written
        // (writing them once lost every later catalog edit).
        let catalog = doc.catalog_changed() && self.catalog_written != Some(doc.catalog_revision());
        doc.write_copy(&self.dir.join(SCENARIO), catalog)?;
        if let Some(cat) = &doc.spec().catalog {
            for name in [&cat.products, &cat.links].into_iter().flatten() {
                if let Ok(p) = crate::io::files::inside(&self.dir, name)
                    && !self.catalog_files.contains(&p)
                {
                    self.catalog_files.push(p);
                }
            }
        }
        if catalog {
            self.catalog_written = Some(doc.catalog_revision());
        }
        let meta = Meta {
            path: doc.path.clone(),
            saved_at: SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            title: doc.title(),
        };
        let text = serde_json::to_string_pretty(&meta).map_err(std::io::Error::other)?;
        crate::io::files::write_atomic(&self.dir.join(META), text.as_bytes())?;
        self.written = Some(doc.revision());
        self.last = Some(Instant::now());
        Ok(())
    }

    /// Removes the copy (after a save, a discard or a clean exit).
    pub fn clear(&mut self) {
        let _ = std::fs::remove_file(self.dir.join(META));
        let _ = std::fs::remove_file(self.dir.join(SCENARIO));
        for p in self.catalog_files.drain(..) {
            let _ = std::fs::remove_file(p);
        }
        self.written = None;
        self.catalog_written = None;
        self.last = None;
    }

    /// The recovered document: the copy, belonging to its original file, unsaved.
    pub fn restore(&mut self, meta: &Meta) -> Result<Document, String> {
        let mut doc = Document::open(self.dir.join(SCENARIO)).map_err(|e| e.to_string())?;
        if let Some(cat) = &doc.spec().catalog {
            for name in [&cat.products, &cat.links].into_iter().flatten() {
                if let Ok(p) = crate::io::files::inside(&self.dir, name) {
                    self.catalog_files.push(p);
                }
            }
        }
        doc.path.clone_from(&meta.path);
        doc.mark_unsaved();
        Ok(doc)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::FieldId;
    use crate::model::edit::Edit;
    use crate::model::fields::{Path as FieldPath, Value};

    /// A scenario whose catalog lives in CSV files: every catalog edit reaches the
    /// copy, not only the first (the copy wrote the CSV files once and then kept
    /// them while later edits went on).
    #[test]
    fn every_catalog_edit_reaches_the_copy() {
        let files = tempfile::tempdir().unwrap();
        let mut spec = crate::io::article_spec();
        spec.catalog =
            Some(crate::model::CatalogFiles { products: Some("products.csv".into()), links: Some("links.csv".into()) });
        let path = files.path().join("store.toml");
        crate::io::save_scenario(&path, &spec).unwrap();
        let mut doc = Document::open(path.clone()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut rec = Recovery::new(dir.path().to_path_buf());

        let price = |i| FieldPath::item(FieldId::ProductPrice, i);
        doc.apply(Edit::Set(price(0), Value::Number(91.0))).unwrap();
        rec.keep(&doc).unwrap();
        doc.apply(Edit::Set(price(1), Value::Number(133.0))).unwrap();
        rec.last = None; // as if INTERVAL had passed
        rec.keep(&doc).unwrap();
        // A change outside the catalog: the copy holds the catalog files still.
        doc.apply(Edit::Set(FieldPath::top(FieldId::StoreVisitors), Value::Whole(30_000))).unwrap();
        rec.last = None;
        rec.keep(&doc).unwrap();

        let meta = rec.found().unwrap();
        assert_eq!(meta.path.as_deref(), Some(path.as_path()));
        let back = rec.restore(&meta).unwrap();
        assert_eq!(back.spec().products[0].price, 91.0);
        assert_eq!(back.spec().products[1].price, 133.0);
        assert_eq!(back.spec().store.visitors, 30_000);
        assert_eq!(back.spec().products, doc.spec().products);
        // Clearing removes the catalog files too, once each.
        rec.clear();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
