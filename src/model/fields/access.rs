//! Where each kind of field lives in the file form, and how its value converts.

use super::{Field, Value, ValueError};
use crate::model::ScenarioSpec;

/// Conversions between a file form's field and a [`Value`], by the field's type.
pub(super) mod conv {
    use super::super::{Field, Value, ValueError, kind_words};
    use crate::model::{Param, Word};

    fn wrong(f: &Field, v: &Value) -> ValueError {
        ValueError::WrongKind { label: f.label, takes: kind_words(f.kind), got: format!("{v:?}") }
    }

    pub mod number {
        use super::*;
        pub fn get(v: &f64) -> Value {
            Value::Number(*v)
        }
        pub fn set(v: Value, f: &Field) -> Result<f64, ValueError> {
            v.as_number().ok_or_else(|| wrong(f, &v))
        }
    }

    pub mod whole {
        use super::*;
        pub fn get(v: &u64) -> Value {
            Value::Whole(*v)
        }
        pub fn set(v: Value, f: &Field) -> Result<u64, ValueError> {
            match v {
                Value::Whole(w) => Ok(w),
                ref other => match other.as_number() {
                    Some(x) if x.fract() == 0.0 && x >= 0.0 && x <= u64::MAX as f64 => Ok(x as u64),
                    _ => Err(wrong(f, other)),
                },
            }
        }
    }

    pub mod whole32 {
        use super::*;
        pub fn get(v: &u32) -> Value {
            Value::Whole(u64::from(*v))
        }
        pub fn set(v: Value, f: &Field) -> Result<u32, ValueError> {
            u32::try_from(super::whole::set(v, f)?)
                .map_err(|_| ValueError::Invalid { label: f.label, reason: format!("at most {}", u32::MAX) })
        }
    }

    pub mod param {
        use super::*;
        pub fn get(v: &Param) -> Value {
            Value::Param(v.clone())
        }
        pub fn set(v: Value, f: &Field) -> Result<Param, ValueError> {
            match v {
                Value::Param(p) => Ok(p),
                ref other => other.as_number().map(Param::Fixed).ok_or_else(|| wrong(f, other)),
            }
        }
    }

    /// Text that may be absent (`None`; an empty text is none).
    pub mod optional_text {
        use super::*;
        pub fn get(v: &Option<String>) -> Value {
            Value::Text(v.clone())
        }
        pub fn set(v: Value, f: &Field) -> Result<Option<String>, ValueError> {
            match v {
                Value::Text(t) => Ok(t.filter(|s| !s.is_empty())),
                Value::Choice(c) => Ok(Some(c.to_string())),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    /// Text that must be given.
    pub mod text {
        use super::*;
        pub fn get(v: &str) -> Value {
            Value::Text(Some(v.to_string()))
        }
        pub fn set(v: Value, f: &Field) -> Result<String, ValueError> {
            match v {
                Value::Text(Some(t)) => Ok(t),
                Value::Choice(c) => Ok(c.to_string()),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    /// Text that may be empty (absent reads as empty).
    pub mod text_or_empty {
        use super::*;
        pub fn get(v: &str) -> Value {
            Value::Text(Some(v.to_string()))
        }
        pub fn set(v: Value, f: &Field) -> Result<String, ValueError> {
            match v {
                Value::Text(t) => Ok(t.unwrap_or_default()),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    pub mod flag {
        use super::*;
        pub fn get(v: &bool) -> Value {
            Value::Bool(*v)
        }
        pub fn set(v: Value, f: &Field) -> Result<bool, ValueError> {
            match v {
                Value::Bool(b) => Ok(b),
                ref other => Err(wrong(f, other)),
            }
        }
    }

    /// One of an enum's words ([`Word`]).
    pub mod choice {
        use super::*;
        pub fn get<E: Word>(v: &E) -> Value {
            Value::Choice(v.word())
        }
        pub fn set<E: Word>(v: Value, f: &Field) -> Result<E, ValueError> {
            let w = match &v {
                Value::Choice(c) => (*c).to_string(),
                Value::Text(Some(t)) => t.clone(),
                other => return Err(wrong(f, other)),
            };
            E::from_word(&w).ok_or_else(|| ValueError::NotAChoice {
                label: f.label,
                words: E::WORDS.join(", "),
                got: crate::format::excerpt(&w, 30),
            })
        }
    }
}

/// Sets the products (`products`) or links file of the catalog (none: no such file;
/// with neither, no catalog section).
pub(super) fn catalog_file(spec: &mut ScenarioSpec, v: Value, f: &Field, products: bool) -> Result<(), ValueError> {
    let v = conv::optional_text::set(v, f)?;
    let cat = spec.catalog.get_or_insert_with(Default::default);
    if products {
        cat.products = v;
    } else {
        cat.links = v;
    }
    if cat.products.is_none() && cat.links.is_none() {
        spec.catalog = None;
    }
    Ok(())
}

/// A segment's affinity for a category (1 where the file lists none).
pub(super) fn affinity_get(spec: &ScenarioSpec, i: usize, category: Option<&str>) -> Option<Value> {
    let s = spec.segments.get(i)?;
    Some(Value::Number(s.category_affinity.get(category?).copied().unwrap_or(1.0)))
}

pub(super) fn affinity_set(
    spec: &mut ScenarioSpec,
    i: usize,
    category: Option<&str>,
    v: Value,
    f: &Field,
) -> Result<(), ValueError> {
    let c = category.ok_or_else(|| ValueError::Invalid { label: f.label, reason: "name a category".into() })?;
    let a = conv::number::set(v, f)?;
    let s = spec.segments.get_mut(i).ok_or_else(|| ValueError::NoSuchField(format!("segments[{i}]")))?;
    s.category_affinity.insert(c.to_string(), a);
    Ok(())
}
