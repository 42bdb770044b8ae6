//! Catalogs kept in CSV files beside the scenario: the same results as inline
//! tables, errors that name the CSV file, line and column, and saving that writes them.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use aovlab::io::{load_scenario, parse_scenario, save_scenario};
use aovlab::model::CatalogFiles;

fn small_article() -> aovlab::model::ScenarioSpec {
    let mut spec = aovlab::io::article_spec();
    spec.store.visitors = 20_000;
    spec.store.replications = 4;
    spec
}

fn write_csv_scenario(dir: &Path) -> std::path::PathBuf {
    let mut spec = small_article();
    spec.catalog = Some(CatalogFiles { products: Some("products.csv".into()), links: Some("links.csv".into()) });
    let path = dir.join("store.toml");
    save_scenario(&path, &spec).unwrap();
    path
}

#[test]
fn a_csv_catalog_gives_the_same_results_as_inline_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_csv_scenario(dir.path());
    let toml = std::fs::read_to_string(&path).unwrap();
    assert!(!toml.contains("[[products]]") && !toml.contains("[[links]]"), "{toml}");
    assert!(toml.contains("products = \"products.csv\""));
    let products = std::fs::read_to_string(dir.path().join("products.csv")).unwrap();
    assert!(products.starts_with("id,name,category,price,cost,popularity,post_purchase\n"));
    assert_eq!(products.lines().count(), 1 + 26);

    let from_csv = aovlab::io::scenario_file::load(&path).unwrap().spec;
    let inline = small_article();
    assert_eq!(from_csv.products, inline.products);
    assert_eq!(from_csv.links, inline.links);
    let run =
        |s: &aovlab::model::ScenarioSpec| common::run(&aovlab::model::Scenario::from_spec(s.clone()).unwrap(), None);
    assert_eq!(run(&from_csv).replications, run(&inline).replications);

    // Saving again (as the app does) keeps the catalog in its files.
    save_scenario(&path, &from_csv).unwrap();
    assert_eq!(aovlab::io::scenario_file::load(&path).unwrap().spec, from_csv);
}

fn error_of(dir: &Path, products: &str) -> String {
    let path = write_csv_scenario(dir);
    std::fs::write(dir.join("products.csv"), products).unwrap();
    load_scenario(&path).map(|_| ()).unwrap_err().to_string()
}

#[test]
fn csv_errors_name_the_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let e = error_of(dir.path(), "id,name,category,prce\na,A,x,3\n");
    assert!(e.contains("products.csv:1: column `prce`: unknown column `prce`; did you mean `price`?"), "{e}");

    let e = error_of(dir.path(), "id,name,category,price\na,A,x,3\nb,B,x,abc\n");
    assert!(e.contains("products.csv:3: column `price`: `abc` is not a number"), "{e}");

    let e = error_of(dir.path(), "id,name,category\na,A,x\n");
    assert!(e.contains("products.csv:1: missing column `price`"), "{e}");

    let e = error_of(dir.path(), "id,name,category,price,post_purchase\na,A,x,3,maybe\n");
    assert!(e.contains("products.csv:2: column `post_purchase`: `maybe` is not true or false"), "{e}");

    // Validation errors point at the CSV line of the record. (Links to products that
    // no longer exist are reported against links.csv.)
    let e =
        error_of(dir.path(), "id,name,category,price\nbrewer-pod,Brewer,coffee-makers,129\npods-house,Pods,pods,-4\n");
    assert!(e.contains("products.csv:3: products[1].price: -$4.00 is outside the allowed range above $0.00"), "{e}");
    assert!(e.contains("links.csv:"), "{e}");

    std::fs::remove_file(dir.path().join("products.csv")).unwrap();
    let e = load_scenario(&dir.path().join("store.toml")).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("products.csv: cannot read"), "{e}");
}

#[test]
fn catalog_files_need_a_folder_and_no_inline_duplicate() {
    let text = aovlab::io::scenario_file::ARTICLE_TOML
        .replace("[behaviour]", "[catalog]\nproducts = \"products.csv\"\n\n[behaviour]");
    let e = parse_scenario(&text, "mem.toml").map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("mem.toml:") && e.contains("catalog: catalog files can only be read"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("both.toml");
    std::fs::write(&path, &text).unwrap();
    let e = load_scenario(&path).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("catalog.products: products are given both here and as [[products]]"), "{e}");
}

#[test]
fn the_cli_runs_a_csv_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_csv_scenario(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aovlab"))
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (26 products"));
}

/// The bad-file corpus's base scenario with its products in `products.csv` (written
/// from `products`) and no links.
fn products_only(dir: &Path, products: &str) -> Result<aovlab::model::ScenarioSpec, String> {
    let mut spec = common::corpus_spec();
    spec.links.clear();
    spec.catalog = Some(CatalogFiles { products: Some("products.csv".into()), links: None });
    let path = dir.join("store.toml");
    save_scenario(&path, &spec).unwrap();
    std::fs::write(dir.join("products.csv"), products).unwrap();
    let loaded = aovlab::io::scenario_file::load(&path).map_err(|e| e.to_string())?;
    loaded.validate().map_err(|e| e.to_string())?;
    Ok(loaded.spec)
}

#[test]
fn optional_columns_take_their_defaults_in_any_order() {
    // Columns in any order; empty cost is 0 and empty popularity 1 (as in a TOML
    // table); post_purchase takes true/false, yes/no, 1/0 in any case, empty = false.
    let dir = tempfile::tempdir().unwrap();
    let sc = products_only(
        dir.path(),
        "post_purchase,price,id,name,category,popularity,cost\n\
         Yes,30,pods,House Pods,pods,,\n\
         0,120,brewer,Brewer,machines,2.5,70\n\
         TRUE,12,filters,Filters,pods,0.5,\n\
         no,45,grinder,Grinder,machines,,20\n\
         1,8,cups,Cups,pods,,\n\
         ,9,spoon,Spoon,pods,,\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<(&str, f64, f64, f64, bool)> =
        sc.products.iter().map(|p| (p.id.as_str(), p.price, p.cost, p.popularity, p.post_purchase)).collect();
    assert_eq!(
        got,
        [
            ("pods", 30.0, 0.0, 1.0, true),
            ("brewer", 120.0, 70.0, 2.5, false),
            ("filters", 12.0, 0.0, 0.5, true),
            ("grinder", 45.0, 20.0, 1.0, false),
            ("cups", 8.0, 0.0, 1.0, true),
            ("spoon", 9.0, 0.0, 1.0, false),
        ]
    );

    let e = products_only(dir.path(), "id,name,category,price,price\na,A,x,3,4\n").map(|_| ()).unwrap_err();
    assert!(e.contains("products.csv:1: column `price`: this column appears twice"), "{e}");
}
