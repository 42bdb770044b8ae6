//! `aovlab fields [--json]`: the field registry, for people and for scripts.

use std::path::PathBuf;

use serde::Serialize;

use super::{Failure, print_stdout, write_output};
use crate::model::fields::{FIELDS, Kind, TABLES, markdown_table};

/// Arguments of `fields`.
#[derive(Debug, clap::Args)]
pub struct FieldsArgs {
    /// Write the list as JSON to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH", conflicts_with = "markdown")]
    pub json: Option<PathBuf>,
    /// Print the Markdown tables docs/scenario-format.md holds.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Serialize)]
struct Row {
    path: &'static str,
    label: &'static str,
    kind: &'static str,
    unit: &'static str,
    range: String,
    default: Option<&'static str>,
    uncertain: bool,
    role: &'static str,
    help: &'static str,
}

/// The registry as rows.
fn rows() -> Vec<Row> {
    FIELDS
        .iter()
        .map(|f| Row {
            path: f.path,
            label: f.label,
            kind: match f.kind {
                Kind::Number => "number",
                Kind::Uncertain => "number or distribution",
                Kind::PerShopper => "per-shopper distribution",
                Kind::Whole => "whole number",
                Kind::Text => "text",
                Kind::OptionalText => "optional text",
                Kind::Bool => "true/false",
                Kind::Choice(_) => "choice",
            },
            unit: crate::model::fields::unit_words(f.unit),
            range: f.range_text(),
            default: f.default,
            uncertain: f.uncertain(),
            role: match f.role {
                crate::model::fields::Role::World => "world",
                crate::model::fields::Role::Lever => "lever",
                crate::model::fields::Role::Setting => "setting",
                crate::model::fields::Role::Identity => "identity",
            },
            help: f.help,
        })
        .collect()
}

/// Prints the registry.
pub fn fields(a: &FieldsArgs) -> Result<(), Failure> {
    if a.markdown {
        let tables: Vec<String> =
            TABLES.iter().map(|t| format!("<!-- fields: {t} -->\n{}<!-- /fields -->\n", markdown_table(t))).collect();
        return print_stdout(&tables.join("\n"));
    }
    if let Some(p) = &a.json {
        super::check_outputs(&[("--json", p)], &[])?;
        let text = serde_json::to_string_pretty(&rows()).map_err(|e| Failure::Internal(e.into()))?;
        return write_output(p, &text);
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(vec!["path", "label", "kind", "unit", "allowed", "default", "role"]);
    for r in rows() {
        t.add_row(vec![
            r.path.to_string(),
            r.label.to_string(),
            r.kind.to_string(),
            r.unit.to_string(),
            r.range,
            r.default.unwrap_or("required").to_string(),
            r.role.to_string(),
        ]);
    }
    print_stdout(&format!(
        "{t}\nList items are addressed by index or name: strategies[2].tier_prompt.window, \
         strategies.\"AOV-optimized\".tier_prompt.window, products.\"pods-house\".price, tiers.Gold.threshold.\n"
    ))
}
