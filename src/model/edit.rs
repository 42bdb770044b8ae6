//! Edits of a scenario's file form as values: each one applies in place and returns
//! the edit that undoes it. The app's editor, `aovlab set`, and later the optimizer's
//! "add to scenario" all change a scenario this way, so undo is exact and no copy of
//! the scenario is ever needed to undo a change.

use super::fields::{self, List, Path, Value};
use super::spec::*;
use crate::model::FieldId;

/// One item of a scenario list.
// Edits are made one at a time by a person: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A product.
    Product(ProductSpec),
    /// A complement link.
    Link(LinkSpec),
    /// A traffic segment.
    Segment(SegmentSpec),
    /// A loyalty tier.
    Tier(TierSpec),
    /// A strategy.
    Strategy(StrategySpec),
    /// A correlation between two uncertain inputs.
    Correlation(CorrelationSpec),
    /// A claim to check.
    Claim(ClaimSpec),
}

impl Item {
    /// The list the item belongs in.
    pub fn list(&self) -> List {
        match self {
            Item::Product(_) => List::Products,
            Item::Link(_) => List::Links,
            Item::Segment(_) => List::Segments,
            Item::Tier(_) => List::Tiers,
            Item::Strategy(_) => List::Strategies,
            Item::Correlation(_) => List::Correlations,
            Item::Claim(_) => List::Claims,
        }
    }
}

/// A change to a scenario.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set one field.
    Set(Path, Value),
    /// Set (`Some`) or remove (`None`) a segment's affinity for a category.
    Affinity {
        /// Segment index.
        segment: usize,
        /// Category.
        category: String,
        /// The multiplier, or `None` to remove the entry (affinity 1).
        value: Option<f64>,
    },
    /// Insert an item at `index` of its list.
    Insert(usize, Item),
    /// Remove item `index` of a list.
    Remove(List, usize),
    /// Move item `from` of a list to position `to`.
    Move(List, usize, usize),
    /// Several edits as one (applied in order, undone in reverse).
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied (the scenario is then unchanged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

impl Edit {
    /// Applies the edit and returns its inverse; on error `spec` is unchanged.
    pub fn apply(self, spec: &mut ScenarioSpec) -> Result<Edit, EditError> {
        match self {
            Edit::Set(path, value) => {
                let old = fields::set(spec, &path, value).map_err(|e| EditError(e.to_string()))?;
                Ok(Edit::Set(path, old))
            }
            Edit::Affinity { segment, category, value } => {
                let seg = spec.segments.get_mut(segment).ok_or_else(|| missing(List::Segments, segment))?;
                let old = match value {
                    Some(v) => seg.category_affinity.insert(category.clone(), v),
                    None => seg.category_affinity.remove(&category),
                };
                Ok(Edit::Affinity { segment, category, value: old })
            }
            Edit::Insert(index, item) => {
                let list = item.list();
                if index > list.len(spec) {
                    return Err(missing(list, index));
                }
                match item {
                    Item::Product(p) => spec.products.insert(index, p),
                    Item::Link(l) => spec.links.insert(index, l),
                    Item::Segment(s) => spec.segments.insert(index, s),
                    Item::Tier(t) => spec.tiers.insert(index, t),
                    Item::Strategy(s) => spec.strategies.insert(index, s),
                    Item::Correlation(c) => spec.correlations.insert(index, c),
                    Item::Claim(c) => spec.claims.insert(index, c),
                }
                Ok(Edit::Remove(list, index))
            }
            Edit::Remove(list, index) => {
                if index >= list.len(spec) {
                    return Err(missing(list, index));
                }
                let item = match list {
                    List::Products => Item::Product(spec.products.remove(index)),
                    List::Links => Item::Link(spec.links.remove(index)),
                    List::Segments => Item::Segment(spec.segments.remove(index)),
                    List::Tiers => Item::Tier(spec.tiers.remove(index)),
                    List::Strategies => Item::Strategy(spec.strategies.remove(index)),
                    List::Correlations => Item::Correlation(spec.correlations.remove(index)),
                    List::Claims => Item::Claim(spec.claims.remove(index)),
                };
                Ok(Edit::Insert(index, item))
            }
            Edit::Move(list, from, to) => {
                let n = list.len(spec);
                if from >= n || to >= n {
                    return Err(missing(list, from.max(to)));
                }
                fn mv<T>(v: &mut Vec<T>, from: usize, to: usize) {
                    let x = v.remove(from);
                    v.insert(to, x);
                }
                match list {
                    List::Products => mv(&mut spec.products, from, to),
                    List::Links => mv(&mut spec.links, from, to),
                    List::Segments => mv(&mut spec.segments, from, to),
                    List::Tiers => mv(&mut spec.tiers, from, to),
                    List::Strategies => mv(&mut spec.strategies, from, to),
                    List::Correlations => mv(&mut spec.correlations, from, to),
                    List::Claims => mv(&mut spec.claims, from, to),
                }
                Ok(Edit::Move(list, to, from))
            }
            Edit::Batch(edits) => {
                let mut undo = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(spec) {
                        Ok(inv) => undo.push(inv),
                        Err(err) => {
                            // Roll back what was applied, so a failed batch changes nothing.
                            for inv in undo.into_iter().rev() {
                                let _ = inv.apply(spec);
                            }
                            return Err(err);
                        }
                    }
                }
                undo.reverse();
                Ok(Edit::Batch(undo))
            }
        }
    }

    /// Whether the edit changes the catalog (products or links), which large
    /// catalogs keep in CSV files.
    pub fn touches_catalog(&self) -> bool {
        match self {
            Edit::Set(p, _) => matches!(p.item, Some((List::Products | List::Links, _))),
            Edit::Insert(_, item) => matches!(item.list(), List::Products | List::Links),
            Edit::Remove(list, _) | Edit::Move(list, _, _) => matches!(list, List::Products | List::Links),
            Edit::Affinity { .. } => false,
            Edit::Batch(v) => v.iter().any(Edit::touches_catalog),
        }
    }
}

fn missing(list: List, index: usize) -> EditError {
    EditError(format!("there is no {} number {}", list.noun(), index + 1))
}

/// Renaming product `old` to `new` as one edit: the id and every link that names it.
pub fn rename_product(spec: &ScenarioSpec, index: usize, new: &str) -> Edit {
    let old = spec.products[index].id.as_str();
    let mut edits = vec![Edit::Set(Path::item(FieldId::ProductId, index), Value::Text(Some(new.to_string())))];
    // Another product with the old id keeps the links pointing at it.
    if spec.products.iter().filter(|p| p.id == old).count() == 1 {
        for (k, l) in spec.links.iter().enumerate() {
            if l.to == old {
                edits.push(Edit::Set(Path::item(FieldId::LinkTo, k), Value::Text(Some(new.to_string()))));
            }
            if l.from.as_deref() == Some(old) {
                edits.push(Edit::Set(Path::item(FieldId::LinkFrom, k), Value::Text(Some(new.to_string()))));
            }
        }
    }
    Edit::Batch(edits)
}

/// Removing product `index` and every link from or to it, as one edit; also returns
/// how many links go with it.
pub fn remove_product(spec: &ScenarioSpec, index: usize) -> (Edit, usize) {
    let id = spec.products[index].id.as_str();
    let links: Vec<usize> = (0..spec.links.len())
        .filter(|&k| spec.links[k].to == id || spec.links[k].from.as_deref() == Some(id))
        .collect();
    let n = links.len();
    // Remove links from the back so that indices stay valid.
    let mut edits: Vec<Edit> = links.into_iter().rev().map(|k| Edit::Remove(List::Links, k)).collect();
    edits.push(Edit::Remove(List::Products, index));
    (Edit::Batch(edits), n)
}

/// Making strategy `index` the holdout (and no other), as one edit.
pub fn make_holdout(spec: &ScenarioSpec, index: usize) -> Edit {
    Edit::Batch(
        (0..spec.strategies.len())
            .filter(|&k| spec.strategies[k].holdout != (k == index))
            .map(|k| Edit::Set(Path::item(FieldId::StrategyHoldout, k), Value::Bool(k == index)))
            .collect(),
    )
}

/// Turning every lever of strategy `index` off, as one edit.
pub fn levers_off(spec: &ScenarioSpec, index: usize) -> Edit {
    let s = &spec.strategies[index];
    let mut edits = Vec::new();
    let mut set = |key: FieldId, v: Value| edits.push(Edit::Set(Path::item(key, index), v));
    if s.pre_checkout.policy != OfferPolicy::Off {
        set(FieldId::PreCheckoutPolicy, Value::Choice("off"));
    }
    if s.tier_prompt.policy != TierPolicy::Off {
        set(FieldId::TierPromptPolicy, Value::Choice("off"));
    }
    if s.checkout.friction_reduction != super::Param::Fixed(0.0) {
        set(FieldId::FrictionReduction, Value::Param(super::Param::Fixed(0.0)));
    }
    if s.checkout.discount != 0.0 {
        set(FieldId::CheckoutDiscount, Value::Number(0.0));
    }
    if s.post_checkout.policy != OfferPolicy::Off {
        set(FieldId::PostCheckoutPolicy, Value::Choice("off"));
    }
    if s.shipping.threshold.is_some() {
        set(FieldId::StrategyShippingThreshold, Value::Text(None));
    }
    if s.shipping.prompt != super::ShippingPrompt::Store {
        set(FieldId::StrategyShippingPrompt, Value::Choice("store"));
    }
    Edit::Batch(edits)
}

/// Adding a segment that takes its share from the others in proportion, so that the
/// fixed shares still sum to 1: the new one gets 1 / (n + 1).
pub fn add_segment(spec: &ScenarioSpec, mut segment: SegmentSpec) -> Edit {
    let n = spec.segments.len();
    let share = 1.0 / (n as f64 + 1.0);
    let mut edits = Vec::new();
    for (i, s) in spec.segments.iter().enumerate() {
        if let super::Param::Fixed(v) = s.share {
            edits.push(Edit::Set(
                Path::item(FieldId::SegmentShare, i),
                Value::Param(super::Param::Fixed(v * (1.0 - share))),
            ));
        }
    }
    segment.share = super::Param::Fixed(if n == 0 { 1.0 } else { share });
    edits.push(Edit::Insert(n, Item::Segment(segment)));
    Edit::Batch(edits)
}

/// Scaling the fixed segment shares so that they sum to 1 (uncertain shares are
/// renormalised per draw and left alone), or `None` when nothing would change.
pub fn normalise_shares(spec: &ScenarioSpec) -> Option<Edit> {
    let total: f64 = spec.segments.iter().map(|s| s.share.central()).sum();
    if total.is_nan() || total <= 0.0 || (total - 1.0).abs() < 1e-12 {
        return None;
    }
    let edits: Vec<Edit> = spec
        .segments
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s.share {
            super::Param::Fixed(v) => {
                Some(Edit::Set(Path::item(FieldId::SegmentShare, i), Value::Param(super::Param::Fixed(v / total))))
            }
            _ => None,
        })
        .collect();
    (!edits.is_empty()).then_some(Edit::Batch(edits))
}

/// The edit that turns `old` into `new` where they differ in their name,
/// description, products, links, segments or correlations (an import or a
/// calibration): each differing list emptied and refilled, one undo step. Tiers,
/// strategies, behaviour and store settings are left as they are.
pub fn replace(old: &ScenarioSpec, new: &ScenarioSpec) -> Edit {
    let mut edits = Vec::new();
    for (field, a, b) in
        [(FieldId::Name, &old.name, &new.name), (FieldId::Description, &old.description, &new.description)]
    {
        if a != b {
            edits.push(Edit::Set(Path::top(field), Value::Text(Some(b.clone()))));
        }
    }
    fn refill<T: PartialEq + Clone>(edits: &mut Vec<Edit>, list: List, a: &[T], b: &[T], item: impl Fn(T) -> Item) {
        if a != b {
            edits.extend((0..a.len()).rev().map(|i| Edit::Remove(list, i)));
            edits.extend(b.iter().enumerate().map(|(i, x)| Edit::Insert(i, item(x.clone()))));
        }
    }
    // Correlations and links name segments and products: emptied first, refilled last.
    if old.correlations != new.correlations {
        edits.extend((0..old.correlations.len()).rev().map(|i| Edit::Remove(List::Correlations, i)));
    }
    if old.links != new.links {
        edits.extend((0..old.links.len()).rev().map(|i| Edit::Remove(List::Links, i)));
    }
    refill(&mut edits, List::Products, &old.products, &new.products, Item::Product);
    refill(&mut edits, List::Segments, &old.segments, &new.segments, Item::Segment);
    if old.links != new.links {
        edits.extend(new.links.iter().enumerate().map(|(i, x)| Edit::Insert(i, Item::Link(x.clone()))));
    }
    if old.correlations != new.correlations {
        edits.extend(new.correlations.iter().enumerate().map(|(i, x)| Edit::Insert(i, Item::Correlation(x.clone()))));
    }
    Edit::Batch(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> ScenarioSpec {
        crate::io::scenario_file::parse_spec(crate::io::scenario_file::ARTICLE_TOML, "article").unwrap()
    }

    #[test]
    fn every_edit_is_undone_exactly() {
        let spec = article();
        let edits = vec![
            Edit::Set(Path::item(FieldId::ProductPrice, 3), Value::Number(12.5)),
            rename_product(&spec, 0, "brewer-renamed"),
            remove_product(&spec, 1).0,
            make_holdout(&spec, 2),
            levers_off(&spec, 2),
            add_segment(&spec, spec.segments[0].clone()),
            Edit::Move(List::Strategies, 1, 5),
            Edit::Affinity { segment: 0, category: "pods".into(), value: Some(3.0) },
            Edit::Affinity { segment: 0, category: "coffee-makers".into(), value: None },
        ];
        for e in edits {
            let mut s = spec.clone();
            let undo = e.clone().apply(&mut s).unwrap();
            assert_ne!(s, spec, "{e:?} changed nothing");
            let redo = undo.apply(&mut s).unwrap();
            assert_eq!(s, spec, "{e:?} was not undone");
            redo.apply(&mut s).unwrap();
        }
    }

    #[test]
    fn a_failed_batch_changes_nothing() {
        let spec = article();
        let mut s = spec.clone();
        let e = Edit::Batch(vec![
            Edit::Set(Path::item(FieldId::ProductPrice, 0), Value::Number(1.0)),
            Edit::Remove(List::Products, 999),
        ]);
        assert!(e.apply(&mut s).is_err());
        assert_eq!(s, spec);
    }

    #[test]
    fn renaming_and_removing_products_keep_links_consistent() {
        let spec = article();
        let i = spec.products.iter().position(|p| p.id == "brewer-pod").unwrap();
        let mut s = spec.clone();
        rename_product(&spec, i, "podpro").apply(&mut s).unwrap();
        assert!(s.links.iter().all(|l| l.from.as_deref() != Some("brewer-pod")));
        assert_eq!(s.links.iter().filter(|l| l.from.as_deref() == Some("podpro")).count(), 5);
        let (e, n) = remove_product(&s, i);
        assert_eq!(n, 5);
        e.apply(&mut s).unwrap();
        crate::model::Scenario::from_spec(s).unwrap();
    }

    #[test]
    fn replace_turns_one_scenario_into_another_and_undoes_in_one_step() {
        let old = article();
        let mut new = old.clone();
        new.name = "Imported".into();
        new.products.truncate(5);
        new.links.retain(|l| l.to == new.products[4].id);
        new.segments[0].mean_cart_size = crate::model::Param::Fixed(4.0);
        new.segments.push(new.segments[0].clone());
        new.segments[3].name = "Copy".into();
        let mut s = old.clone();
        let undo = replace(&old, &new).apply(&mut s).unwrap();
        assert_eq!(s, new);
        undo.apply(&mut s).unwrap();
        assert_eq!(s, old);
    }

    #[test]
    fn added_segments_keep_shares_summing_to_one() {
        let spec = article();
        let mut s = spec.clone();
        add_segment(&spec, spec.segments[0].clone()).apply(&mut s).unwrap();
        let sum: f64 = s.segments.iter().map(|x| x.share.central()).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        assert!(normalise_shares(&s).is_none());
    }
}
