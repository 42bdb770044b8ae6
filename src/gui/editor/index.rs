//! What the editor looks up every frame in the catalog, built once per change that
//! can alter it ([`Document::index_revision`](crate::gui::Document::index_revision)):
//! with a 1,000,000-link catalog, scanning the links for each visible row and each
//! category made a frame take seconds.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use crate::model::ScenarioSpec;

/// Links by source, categories and products by id.
#[derive(Default)]
pub struct CatalogIndex {
    revision: Option<u64>,
    /// Link indices by source product id (product links only), in file order.
    pub by_product: HashMap<String, Vec<usize>>,
    /// Link indices by source category (category links only), categories sorted.
    pub by_category: BTreeMap<String, Vec<usize>>,
    /// The products' categories, sorted, each once.
    pub categories: Vec<String>,
    /// Product index by id (the first, should an id repeat).
    pub product: HashMap<String, usize>,
}

impl CatalogIndex {
    /// Rebuilds the index when `revision` differs from the one it describes.
    pub fn refresh(&mut self, spec: &ScenarioSpec, revision: u64) {
        if self.revision == Some(revision) {
            return;
        }
        self.by_product.clear();
        self.by_category.clear();
        // A key is cloned for its first link only.
        for (k, l) in spec.links.iter().enumerate() {
            match (&l.from, &l.from_category) {
                (Some(p), None) => {
                    if let Some(v) = self.by_product.get_mut(p.as_str()) {
                        v.push(k);
                    } else {
                        self.by_product.insert(p.clone(), vec![k]);
                    }
                }
                (None, Some(c)) => {
                    if let Some(v) = self.by_category.get_mut(c.as_str()) {
                        v.push(k);
                    } else {
                        self.by_category.insert(c.clone(), vec![k]);
                    }
                }
                _ => {}
            }
        }
        let mut cats: Vec<&str> = spec.products.iter().map(|p| p.category.as_str()).collect();
        cats.sort_unstable();
        cats.dedup();
        self.categories = cats.into_iter().map(str::to_string).collect();
        self.product.clear();
        for (i, p) in spec.products.iter().enumerate() {
            self.product.entry(p.id.clone()).or_insert(i);
        }
        self.revision = Some(revision);
    }

    /// The links from product `id`.
    pub fn links_from_product(&self, id: &str) -> &[usize] {
        self.by_product.get(id).map_or(&[], Vec::as_slice)
    }

    /// The product's name, or the id marked missing.
    pub fn product_label(&self, spec: &ScenarioSpec, id: &str) -> String {
        match self.product.get(id).and_then(|&i| spec.products.get(i)) {
            Some(p) if p.id == id => p.name.clone(),
            _ => format!("{id} (missing)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_matches_a_scan_and_follows_its_revision() {
        let mut spec = crate::io::article_spec();
        let mut ix = CatalogIndex::default();
        ix.refresh(&spec, 1);
        for p in &spec.products {
            let scan: Vec<usize> = (0..spec.links.len())
                .filter(|&k| {
                    spec.links[k].from.as_deref() == Some(p.id.as_str()) && spec.links[k].from_category.is_none()
                })
                .collect();
            assert_eq!(ix.links_from_product(&p.id), scan.as_slice());
            assert_eq!(ix.product_label(&spec, &p.id), p.name);
        }
        let mut cats: Vec<String> = spec.products.iter().map(|p| p.category.clone()).collect();
        cats.sort();
        cats.dedup();
        assert_eq!(ix.categories, cats);
        let category_links = spec.links.iter().filter(|l| l.from_category.is_some()).count();
        assert_eq!(ix.by_category.values().map(Vec::len).sum::<usize>(), category_links);
        assert_eq!(ix.product_label(&spec, "nope"), "nope (missing)");

        // Same revision: kept; a new one: rebuilt.
        spec.products[0].category = "zzz-new".into();
        ix.refresh(&spec, 1);
        assert!(!ix.categories.contains(&"zzz-new".to_string()));
        ix.refresh(&spec, 2);
        assert!(ix.categories.contains(&"zzz-new".to_string()));
    }
}
