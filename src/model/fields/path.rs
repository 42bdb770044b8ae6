//! Fields of one scenario, addressed: parsing written paths, canonical paths, labels.

use std::fmt;

use super::{FIELDS, Field, FieldId};
use crate::model::ScenarioSpec;

/// A list of the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    /// `[[products]]`, addressed by id.
    Products,
    /// `[[links]]`, by index only.
    Links,
    /// `[[segments]]`, by name.
    Segments,
    /// `[[tiers]]`, by name.
    Tiers,
    /// `[[strategies]]`, by name.
    Strategies,
    /// `[[correlations]]`, by index only.
    Correlations,
    /// `[[claims]]`, by index only.
    Claims,
}

impl List {
    /// Every list.
    pub const ALL: [List; 7] =
        [List::Products, List::Links, List::Segments, List::Tiers, List::Strategies, List::Correlations, List::Claims];

    /// The key in the file.
    pub fn key(self) -> &'static str {
        match self {
            List::Products => "products",
            List::Links => "links",
            List::Segments => "segments",
            List::Tiers => "tiers",
            List::Strategies => "strategies",
            List::Correlations => "correlations",
            List::Claims => "claims",
        }
    }

    /// The name of one item, for people: "product", "strategy".
    pub fn noun(self) -> &'static str {
        match self {
            List::Products => "product",
            List::Links => "link",
            List::Segments => "segment",
            List::Tiers => "tier",
            List::Strategies => "strategy",
            List::Correlations => "correlation",
            List::Claims => "claim",
        }
    }

    /// The list whose key in the file is `key`.
    pub fn of(key: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.key() == key)
    }

    /// How many items the list has in `spec`.
    pub fn len(self, spec: &ScenarioSpec) -> usize {
        match self {
            List::Products => spec.products.len(),
            List::Links => spec.links.len(),
            List::Segments => spec.segments.len(),
            List::Tiers => spec.tiers.len(),
            List::Strategies => spec.strategies.len(),
            List::Correlations => spec.correlations.len(),
            List::Claims => spec.claims.len(),
        }
    }

    /// The name (products: the id) of item `i`.
    pub fn name(self, spec: &ScenarioSpec, i: usize) -> Option<&str> {
        match self {
            List::Products => spec.products.get(i).map(|p| p.id.as_str()),
            List::Links => None,
            List::Segments => spec.segments.get(i).map(|s| s.name.as_str()),
            List::Tiers => spec.tiers.get(i).map(|t| t.name.as_str()),
            List::Strategies => spec.strategies.get(i).map(|s| s.name.as_str()),
            List::Correlations | List::Claims => None,
        }
    }

    /// The display name of item `i` (products: the product's name).
    pub fn label(self, spec: &ScenarioSpec, i: usize) -> String {
        match self {
            List::Products => spec.products.get(i).map(|p| p.name.clone()).unwrap_or_default(),
            List::Links => format!("link {}", i + 1),
            List::Correlations => format!("correlation {}", i + 1),
            List::Claims => format!("claim {}", i + 1),
            _ => self.name(spec, i).unwrap_or_default().to_string(),
        }
    }

    /// The index of the item named `name` (products: by id).
    pub fn find(self, spec: &ScenarioSpec, name: &str) -> Option<usize> {
        (0..self.len(spec)).find(|&i| self.name(spec, i) == Some(name))
    }
}

/// A field of one scenario, resolved: which field, in which list item, and for a
/// category affinity which category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The field.
    pub field: FieldId,
    /// The list and item index, for fields of list items.
    pub item: Option<(List, usize)>,
    /// The category of a `category_affinity` entry.
    pub category: Option<String>,
}

impl Path {
    /// A top-level field (`Path::top(FieldId::StoreVisitors)`).
    pub fn top(field: FieldId) -> Self {
        Self { field, item: None, category: None }
    }

    /// A field of list item `i` (`Path::item(FieldId::SegmentShare, 0)`).
    pub fn item(field: FieldId, i: usize) -> Self {
        Self { field, item: field.list().map(|l| (l, i)), category: None }
    }

    /// The registry entry.
    pub fn spec_field(&self) -> &'static Field {
        self.field.field()
    }

    /// The canonical path with indices, as validation reports it and as input
    /// streams are named: `strategies[2].tier_prompt.window`.
    pub fn canonical(&self) -> String {
        let mut s = match self.item {
            Some((_, i)) => self.field.path().replacen("[]", &format!("[{i}]"), 1),
            None => self.field.path().to_string(),
        };
        if let Some(c) = &self.category {
            s.push('.');
            s.push_str(c);
        }
        s
    }

    /// The path for people: `AOV-optimized › Tier prompt window`, `Espresso Roast
    /// Beans 1 kg › Price`.
    pub fn label(&self, spec: &ScenarioSpec) -> String {
        let f = self.spec_field();
        let mut s = match self.item {
            Some((list, i)) => format!("{} › {}", list.label(spec, i), f.label),
            None => f.label.to_string(),
        };
        if let Some(c) = &self.category {
            s.push_str(&format!(" › {c}"));
        }
        s
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// Splits a written path into its parts: keys, `[index]` and quoted names.
fn split(path: &str) -> Result<Vec<Part>, PathError> {
    let mut parts = Vec::new();
    let mut chars = path.trim().chars().peekable();
    let mut key = String::new();
    let flush = |key: &mut String, parts: &mut Vec<Part>| {
        if !key.is_empty() {
            parts.push(Part::Key(std::mem::take(key)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut key, &mut parts),
            '[' => {
                flush(&mut key, &mut parts);
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                let i =
                    n.trim().parse().map_err(|_| PathError::Syntax(format!("`[{n}]` is not an index such as [0]")))?;
                parts.push(Part::Index(i));
            }
            '"' => {
                flush(&mut key, &mut parts);
                let mut name = String::new();
                let mut closed = false;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some(e) = chars.next() {
                                name.push(e);
                            }
                        }
                        _ => name.push(d),
                    }
                }
                if !closed {
                    return Err(PathError::Syntax("a quoted name is not closed".into()));
                }
                parts.push(Part::Key(name));
            }
            c => key.push(c),
        }
    }
    flush(&mut key, &mut parts);
    Ok(parts)
}

enum Part {
    Key(String),
    Index(usize),
}

/// Resolves a written path against `spec` (names must exist), or says what is wrong
/// and what is allowed.
pub fn resolve(spec: &ScenarioSpec, written: &str) -> Result<Path, PathError> {
    let parts = split(written)?;
    let mut it = parts.into_iter();
    let Some(Part::Key(head)) = it.next() else {
        return Err(PathError::Syntax(format!("`{written}` is not a field path such as store.visitors")));
    };
    let Some(list) = List::of(&head) else {
        let rest: Vec<String> = it
            .map(|p| match p {
                Part::Key(k) => k,
                Part::Index(i) => format!("[{i}]"),
            })
            .collect();
        let path = std::iter::once(head).chain(rest).collect::<Vec<_>>().join(".");
        return FIELDS
            .iter()
            .find(|f| f.path == path && !f.path.contains('['))
            .map(|f| Path::top(f.id))
            .ok_or_else(|| unknown_field(&path));
    };
    let index = match it.next() {
        Some(Part::Index(i)) if i < list.len(spec) => i,
        Some(Part::Index(i)) => {
            return Err(PathError::NoSuchItem(format!(
                "{} has {} items; [{i}] is not one of them",
                list.key(),
                list.len(spec)
            )));
        }
        Some(Part::Key(name)) => list.find(spec, &name).ok_or_else(|| {
            let names: Vec<&str> = (0..list.len(spec)).filter_map(|i| list.name(spec, i)).collect();
            let hint = crate::model::did_you_mean(&name, names.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            PathError::NoSuchItem(if list == List::Links {
                "links are addressed by index, e.g. links[0].strength".to_string()
            } else {
                format!("no {} `{name}`{hint}", list.noun())
            })
        })?,
        None => {
            return Err(PathError::Syntax(format!(
                "name the {} after `{}.`, e.g. {}[0]",
                list.noun(),
                list.key(),
                list.key()
            )));
        }
    };
    let mut keys: Vec<String> = Vec::new();
    for p in it {
        match p {
            Part::Key(k) => keys.push(k),
            Part::Index(i) => return Err(PathError::Syntax(format!("unexpected [{i}] after {}", keys.join(".")))),
        }
    }
    let mut category = None;
    if list == List::Segments && keys.first().map(String::as_str) == Some("category_affinity") && keys.len() == 2 {
        category = keys.pop();
    }
    let pattern = format!("{}[].{}", list.key(), keys.join("."));
    let f = FIELDS.iter().find(|f| f.path == pattern).ok_or_else(|| unknown_field(&pattern))?;
    Ok(Path { field: f.id, item: Some((list, index)), category })
}

fn unknown_field(pattern: &str) -> PathError {
    PathError::NoSuchField {
        written: pattern.to_string(),
        suggestion: crate::model::did_you_mean(pattern, FIELDS.iter().map(|f| f.path)).map(str::to_string),
    }
}

/// Why a written field path names no field of the scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    /// Not written as a path (`store.visitors`, `segments."Deal hunters".share`).
    #[error("{0}")]
    Syntax(String),
    /// No field has this path.
    #[error("no field `{written}`; {}`aovlab fields` lists them all", suggestion.as_ref().map(|s| format!("did you mean `{s}`? ")).unwrap_or_default())]
    NoSuchField {
        /// The path as written (items replaced by `[]`).
        written: String,
        /// The nearest field's path.
        suggestion: Option<String>,
    },
    /// The list has no such item.
    #[error("{0}")]
    NoSuchItem(String),
}

impl From<PathError> for String {
    fn from(e: PathError) -> String {
        e.to_string()
    }
}

/// Every instance of every field in `spec`, in file order (list fields once per item;
/// category affinities once per category listed).
pub fn instances(spec: &ScenarioSpec) -> Vec<Path> {
    instances_except(spec, &[])
}

/// [`instances`] without the items of the lists in `skip`.
pub fn instances_except(spec: &ScenarioSpec, skip: &[List]) -> Vec<Path> {
    let mut out = Vec::new();
    for f in FIELDS {
        match f.id.list() {
            None => out.push(Path::top(f.id)),
            Some(list) if skip.contains(&list) => {}
            Some(list) => {
                for i in 0..list.len(spec) {
                    if f.id == FieldId::SegmentCategoryAffinity {
                        for c in spec.segments[i].category_affinity.keys() {
                            out.push(Path { field: f.id, item: Some((list, i)), category: Some(c.clone()) });
                        }
                    } else {
                        out.push(Path::item(f.id, i));
                    }
                }
            }
        }
    }
    out
}
