//! Files: scenario load and save, result exports. Errors carry the path and line.

pub mod catalog_csv;
pub mod csv_out;
pub mod export;
pub mod files;
pub mod partial;
pub mod preserve;
pub mod scenario_file;
pub mod table;

pub use scenario_file::{ScenarioError, article, article_spec, load_scenario, parse_scenario, save_scenario};
