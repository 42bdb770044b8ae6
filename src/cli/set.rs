//! `aovlab set FILE PATH=VALUE...`: edit a scenario file in place, keeping its comments
//! and layout (the same format-preserving save as the app's).

use std::path::PathBuf;

use super::{Failure, print_stdout, set_field};
use crate::io::scenario_file::{self, ScenarioError};
use crate::model::fields;

/// Arguments of `set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The scenario file to edit.
    pub file: PathBuf,
    /// One or more `PATH=VALUE` (`aovlab fields` lists the paths), e.g.
    /// `strategies."AOV-optimized".tier_prompt.window=0.3`.
    #[arg(required = true, value_name = "PATH=VALUE")]
    pub assignments: Vec<String>,
    /// Write the file even if the result does not validate (the problems are printed).
    #[arg(long)]
    pub force: bool,
}

/// Applies the assignments, validates and saves; nothing is written on any error.
pub fn set(a: &SetArgs) -> Result<(), Failure> {
    let original = scenario_file::read_text(&a.file)?;
    let mut loaded = scenario_file::load(&a.file)?;
    let mut report = String::new();
    let mut catalog_changed = false;
    for arg in &a.assignments {
        let origin = crate::format::excerpt(arg, 80);
        let before = arg
            .split_once('=')
            .and_then(|(p, _)| fields::resolve(&loaded.spec, p).ok())
            .and_then(|p| fields::get(&loaded.spec, &p));
        let path = set_field(&mut loaded.spec, arg).map_err(|m| ScenarioError::flag(&origin, m))?;
        catalog_changed |= matches!(path.item, Some((fields::List::Products | fields::List::Links, _)));
        let after = fields::get(&loaded.spec, &path);
        report.push_str(&format!(
            "{}: {} = {} (was {})\n",
            a.file.display(),
            path.canonical(),
            show(after.as_ref()),
            show(before.as_ref())
        ));
        loaded.overridden(path.canonical(), origin);
    }
    if let Err(e) = loaded.validate() {
        if !a.force {
            return Err(Failure::BadInput(format!("{e}\nnothing was written (use --force to write it anyway)")));
        }
        crate::cli::print_error(&format!("warning: the scenario does not validate:\n{e}"));
    }
    scenario_file::save_preserving(&a.file, &original, &loaded.spec, catalog_changed)
        .map_err(|e| Failure::BadInput(format!("{}: cannot write: {e}", a.file.display())))?;
    print_stdout(&crate::format::printable_lines(&report))
}

fn show(v: Option<&fields::Value>) -> String {
    match v {
        Some(fields::Value::Number(x)) => fields::trim_number(*x, 10),
        Some(fields::Value::Param(crate::model::Param::Fixed(x))) => fields::trim_number(*x, 10),
        Some(fields::Value::Param(crate::model::Param::Dist(d))) => {
            toml::Value::try_from(d).map(|v| v.to_string()).unwrap_or_else(|_| format!("{d:?}"))
        }
        Some(fields::Value::Whole(x)) => x.to_string(),
        Some(fields::Value::Text(Some(t))) => format!("{t:?}"),
        Some(fields::Value::Text(None)) => "(none)".into(),
        Some(fields::Value::Bool(b)) => b.to_string(),
        Some(fields::Value::Choice(c)) => (*c).to_string(),
        None => "(none)".into(),
    }
}
