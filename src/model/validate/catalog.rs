//! The catalog: products (categories numbered as they first appear) and links.

use rustc_hash::FxHashMap as HashMap;

use super::{At, Checker, at, unknown};
use crate::model::fields::{FieldId, List};
use crate::model::param::num;
use crate::model::spec::*;
use crate::model::*;

/// Products: checked, with categories numbered in order of first appearance.
pub(super) fn check_products<'s>(
    c: &mut Checker,
    spec: &'s ScenarioSpec,
    limits: &Limits,
) -> (Vec<String>, Vec<Product>, HashMap<&'s str, u32>) {
    if spec.products.is_empty() {
        c.err(At::List(List::Products), "the catalog is empty; add at least one product");
    }
    c.cap(List::Products, spec.products.len(), limits.max_products);
    let mut categories: Vec<String> = Vec::new();
    let mut cat_index: HashMap<&str, u32> = HashMap::default();
    let mut ids: HashMap<&str, u32> = HashMap::with_capacity_and_hasher(spec.products.len(), Default::default());
    let mut products = Vec::with_capacity(spec.products.len());
    for (i, p) in spec.products.iter().enumerate() {
        c.name(at(FieldId::ProductId, i), &p.id);
        if ids.insert(p.id.as_str(), i as u32).is_some() {
            c.err(at(FieldId::ProductId, i), format!("duplicate product id `{}`; ids must be unique", p.id));
        }
        c.name(at(FieldId::ProductCategory, i), &p.category);
        c.printable(at(FieldId::ProductName, i), &p.name);
        c.number(FieldId::ProductPrice, Some(i), p.price);
        if FieldId::ProductPrice.field().allows(p.price) && to_cents(p.price) < 1 {
            let m = format!("{} rounds to zero cents; must be at least 0.01", num(p.price));
            c.err(at(FieldId::ProductPrice, i), m);
        }
        c.number(FieldId::ProductCost, Some(i), p.cost);
        // Bounded below so that popularity x affinity never underflows to zero.
        c.number(FieldId::ProductPopularity, Some(i), p.popularity);
        let next = categories.len() as u32;
        let cat = *cat_index.entry(p.category.as_str()).or_insert_with(|| {
            categories.push(p.category.clone());
            next
        });
        products.push(Product {
            id: p.id.clone(),
            name: p.name.clone(),
            category: cat,
            price: to_cents(p.price).max(1),
            cost: to_cents(p.cost).max(0),
            popularity: p.popularity,
            post_purchase: p.post_purchase,
        });
    }
    (categories, products, ids)
}

/// Links resolved into per-product and per-category target lists, strongest first.
pub(super) fn check_links(
    c: &mut Checker,
    spec: &ScenarioSpec,
    limits: &Limits,
    products: &[Product],
    ids: &HashMap<&str, u32>,
    cat_index: &HashMap<&str, u32>,
) -> (Vec<Vec<LinkTarget>>, Vec<Vec<LinkTarget>>) {
    c.cap(List::Links, spec.links.len(), limits.max_links);
    let id_list = || spec.products.iter().map(|p| p.id.as_str()).collect::<Vec<_>>();
    let cat_list = || {
        let mut v: Vec<(&str, u32)> = cat_index.iter().map(|(k, i)| (*k, *i)).collect();
        v.sort_by_key(|(_, i)| *i);
        v.into_iter().map(|(k, _)| k).collect::<Vec<_>>()
    };
    let mut product_links: Vec<Vec<LinkTarget>> = vec![Vec::new(); products.len()];
    let mut category_links: Vec<Vec<LinkTarget>> = vec![Vec::new(); cat_index.len()];
    let mut last_from: Option<(&str, u32)> = None;
    for (i, l) in spec.links.iter().enumerate() {
        c.number(FieldId::LinkStrength, Some(i), l.strength);
        let to = ids.get(l.to.as_str()).copied();
        if to.is_none() {
            c.err(at(FieldId::LinkTo, i), unknown("product", &l.to, &id_list()));
        }
        let target = match (&l.from, &l.from_category) {
            (Some(_), Some(_)) | (None, None) => {
                let m = "give exactly one of `from` (a product id) or `from_category` (a category)";
                c.err(At::Item(List::Links, i), m);
                None
            }
            // Links from one product usually come together: reuse the last lookup.
            (Some(f), None) => match last_from.filter(|(k, _)| *k == f.as_str()).map(|(_, p)| p).or_else(|| {
                let p = ids.get(f.as_str()).copied();
                last_from = p.map(|p| (f.as_str(), p));
                p
            }) {
                Some(p) => Some(&mut product_links[p as usize]),
                None => {
                    c.err(at(FieldId::LinkFrom, i), unknown("product", f, &id_list()));
                    None
                }
            },
            (None, Some(f)) => match cat_index.get(f.as_str()) {
                Some(&k) => Some(&mut category_links[k as usize]),
                None => {
                    c.err(at(FieldId::LinkFromCategory, i), unknown("category", f, &cat_list()));
                    None
                }
            },
        };
        if let (Some(list), Some(to)) = (target, to)
            && FieldId::LinkStrength.field().allows(l.strength)
            && l.strength > 0.0
        {
            list.push(LinkTarget { to, rank: 0, strength: l.strength });
        }
    }
    let mut strengths: Vec<f64> = product_links.iter().chain(&category_links).flatten().map(|l| l.strength).collect();
    strengths.sort_by(f64::total_cmp);
    strengths.dedup();
    for list in product_links.iter_mut().chain(category_links.iter_mut()) {
        for l in list.iter_mut() {
            l.rank = strengths.partition_point(|&s| s < l.strength) as u32;
        }
        merge_links(list, products);
    }
    (product_links, category_links)
}

/// Keeps the strongest link per target, ordered by strength, then popularity, then
/// catalog order (the `matched` ranking).
pub(super) fn merge_links(list: &mut Vec<LinkTarget>, products: &[Product]) {
    list.sort_by(|a, b| a.to.cmp(&b.to).then(b.strength.total_cmp(&a.strength)));
    list.dedup_by_key(|l| l.to);
    list.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(products[b.to as usize].popularity.total_cmp(&products[a.to as usize].popularity))
            .then(a.to.cmp(&b.to))
    });
}
