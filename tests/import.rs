//! Importing a store's own files: the real exports and order histories in
//! ../shared/data (skipped with a message where that folder is absent), and hostile
//! CSVs that must get a clear error with the row number, never a panic.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use aovlab::analysis::{calibrate, fit};
use aovlab::import::{Mapping, catalog, orders};
use aovlab::io::table::{parse_table, read_table};
use aovlab::model::{Dist, Param, Scenario};

fn data(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent (the shared data folder is not here)", p.display());
        None
    }
}

fn table(p: &std::path::Path) -> aovlab::import::Table {
    read_table(p, &p.display().to_string()).unwrap()
}

/// Imports a product export into the article scenario; the result validates and runs.
fn import_and_run(name: &str) -> Option<catalog::CatalogImport> {
    let p = data(name)?;
    let imp = catalog::import(&table(&p), &catalog::Options::default()).unwrap();
    let (mut spec, _) = imp.apply(&aovlab::io::article_spec());
    spec.store.visitors = 5_000;
    spec.store.replications = 3;
    let sc = Scenario::from_spec(spec).expect("the imported scenario validates");
    let r = aovlab::report::run_and_summarize(&sc, &Default::default()).expect("it runs");
    assert!(aovlab::report::Metric::Aov.summary(&r.strategies[sc.holdout]).unwrap().mean > 0.0);
    Some(imp)
}

#[test]
fn the_shopify_export_gives_its_twenty_products_with_variants_collapsed() {
    let Some(imp) = import_and_run("shopify_products_export_packt_demo_store.csv") else { return };
    assert_eq!(imp.format, catalog::Format::Shopify);
    assert_eq!(imp.products.len(), 20, "20 handles");
    assert!(imp.skipped.is_empty());
    // gardening-gloves has two variants, 9.99 and 15.99: the lowest, said.
    let gloves = imp.products.iter().find(|p| p.id == "gardening-gloves").unwrap();
    assert_eq!(gloves.price, 9.99);
    assert!(imp.assumptions.iter().any(|a| a.contains("1 product has several variants")));
    let lamp = imp.products.iter().find(|p| p.id == "floor-lamp").unwrap();
    assert_eq!((lamp.name.as_str(), lamp.category.as_str(), lamp.price), ("Floor Lamp", "Indoor", 69.99));
    // No cost column values: 60% of price, said.
    assert!((lamp.cost - 41.99).abs() < 1e-9);
    assert!(imp.assumptions.iter().any(|a| a.contains("40% gross margin")));
}

#[test]
fn the_legacy_shopify_template_gives_one_product_at_its_lowest_variant() {
    let Some(imp) = import_and_run("shopify_product_template_legacy_2019.csv") else { return };
    assert_eq!(imp.products.len(), 1);
    assert_eq!(imp.products[0].id, "example-t-shirt");
    assert_eq!(imp.products[0].price, 19.99);
    assert_eq!(imp.products[0].category, "Shirts");
}

#[test]
fn the_woocommerce_sample_folds_variations_and_skips_grouped_and_external_rows() {
    let Some(imp) = import_and_run("woocommerce_sample_products.csv") else { return };
    assert_eq!(imp.format, catalog::Format::WooCommerce);
    // 14 simple + 2 variable; 7 variations folded; the grouped and external rows skipped.
    assert_eq!(imp.products.len(), 16);
    let lines: Vec<u64> = imp.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [24, 25]);
    assert!(imp.skipped[0].reason.contains("grouped"));
    assert!(imp.skipped[1].reason.contains("external"));
    // V-Neck T-Shirt's variations cost 20, 20 and 15: the lowest.
    let tee = imp.products.iter().find(|p| p.id == "woo-vneck-tee").unwrap();
    assert_eq!(tee.price, 15.0);
    assert_eq!(tee.category, "Tshirts");
    assert!(imp.assumptions.iter().any(|a| a.contains("7 variations folded")));
}

#[test]
fn importing_keeps_the_base_scenarios_segments_tiers_and_strategies() {
    let t = parse_table(b"Title,Price,Category\nMug,12.50,kitchen\nKettle,40,kitchen\n", "t.csv").unwrap();
    let imp = catalog::import(&t, &catalog::Options::default()).unwrap();
    let base = aovlab::io::article_spec();
    let (spec, _) = imp.apply(&base);
    assert_eq!(spec.segments.len(), base.segments.len());
    assert_eq!(spec.tiers, base.tiers);
    assert_eq!(spec.strategies, base.strategies);
    assert_eq!(spec.products.len(), 2);
    assert!(spec.links.is_empty(), "the old catalog's links name products that are gone");
    // A mapping overrides detection.
    let t = parse_table(b"Item,Cost,Shelf\nMug,12.50,kitchen\n", "t.csv").unwrap();
    let map = Mapping::parse(&["product=Item,price=Cost".into(), "category=Shelf".into()]).unwrap();
    let imp = catalog::import(&t, &catalog::Options { map, ..Default::default() }).unwrap();
    assert_eq!((imp.products[0].price, imp.products[0].category.as_str()), (12.5, "kitchen"));
}

fn calibrated(name: &str, map: &[&str]) -> Option<(orders::Orders, calibrate::Calibration, Scenario)> {
    let p = data(name)?;
    let map = Mapping::parse(&map.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let o = orders::read(&table(&p), &map).unwrap();
    let cal = calibrate::calibrate(&o, &Default::default());
    let (spec, _) = cal.apply(&aovlab::io::article_spec());
    let sc = Scenario::from_spec(spec).expect("the calibrated scenario validates");
    Some((o, cal, sc))
}

fn strength(cal: &calibrate::Calibration, from: &str, to: &str) -> f64 {
    cal.links.iter().find(|l| l.from.as_deref() == Some(from) && l.to == to).map_or(0.0, |l| l.strength)
}

#[test]
fn groceries_rank_complements_by_lift_not_by_popularity() {
    let Some((o, cal, _)) = calibrated("groceries_arules_long.csv", &[]) else { return };
    assert_eq!(o.orders.len(), 9835);
    let mean = cal.sizes.iter().map(|&s| f64::from(s)).sum::<f64>() / cal.sizes.len() as f64;
    assert!((mean - 4.41).abs() < 0.01, "{mean}");
    // ham + white bread (lift 4.6) is a complement both ways; soda + whole milk (0.9)
    // and other vegetables + whole milk (1.5), though bought together far more often,
    // are not.
    let ham = strength(&cal, "ham", "white bread");
    assert!(ham > 0.7, "{ham}");
    assert_eq!(strength(&cal, "white bread", "ham"), ham);
    assert_eq!(strength(&cal, "soda", "whole milk"), 0.0);
    assert_eq!(strength(&cal, "other vegetables", "whole milk"), 0.0);
    let pair = cal
        .pairs
        .iter()
        .find(|p| {
            [p.a.as_str(), p.b.as_str()].contains(&"ham") && [p.a.as_str(), p.b.as_str()].contains(&"white bread")
        })
        .expect("ham + white bread is listed");
    assert!((pair.lift - 4.6).abs() < 0.1, "{}", pair.lift);
}

#[test]
fn complete_journey_calibrates_to_its_basket_sizes_and_order_values() {
    let Some((_, cal, sc)) = calibrated("completejourney_orders_sample20k.csv.gz", &[]) else { return };
    let f = fit::fit(&cal, &sc, 10, 4_000);
    // The stated distances (docs/import.md): measured 0.048 and 0.038.
    assert!(f.basket.ks < 0.07, "basket-size KS {}", f.basket.ks);
    let v = f.values.as_ref().unwrap();
    assert!(v.ks < 0.06, "order-value KS {}", v.ks);
    assert!((v.mean.0 - 29.63).abs() < 0.05, "the data's AOV {}", v.mean.0);
    assert!((v.median.1 / v.median.0 - 1.0).abs() < 0.1, "medians {:?}", v.median);
    assert!(f.category_distance < 0.12, "{}", f.category_distance);
    // A catalog this large goes to CSV files when written; here it validates and runs.
    assert!(sc.products.len() > 30_000);
}

#[test]
fn cdnow_gives_the_spend_to_date_its_median() {
    let Some((o, cal, _)) = calibrated("cdnow_master.csv", &["quantity=number_of_cds"]) else { return };
    let (spec, _) = cal.apply(&aovlab::io::article_spec());
    assert_eq!(o.orders.len(), 69_659);
    // The data's median, computed here independently: spend in the 365 days before
    // each order, over the orders with some.
    let mut by: std::collections::HashMap<u32, Vec<(i64, f64)>> = Default::default();
    for x in &o.orders {
        by.entry(x.customer.unwrap()).or_default().push((x.day.unwrap(), x.value().unwrap()));
    }
    // The file spans 1997-01-01 to 1998-06-30: only orders with a full year of it
    // before them are measured.
    let first = o.orders.iter().filter_map(|x| x.day).min().unwrap();
    let mut spends = Vec::new();
    for list in by.values() {
        for &(d, _) in list.iter().filter(|e| e.0 >= first + 365) {
            let s: f64 = list.iter().filter(|e| e.0 < d && e.0 >= d - 365).map(|e| e.1).sum();
            if s > 0.005 {
                spends.push(s);
            }
        }
    }
    spends.sort_by(f64::total_cmp);
    let median = aovlab::stats::quantile_sorted(&spends, 0.5);
    let sp = cal.spend.as_ref().unwrap();
    assert!(sp.full_year && sp.span_days > 500);
    assert!((sp.median - median).abs() < 1e-6, "{} vs {median}", sp.median);
    for s in &spec.segments {
        assert_eq!(
            s.spend_to_date,
            Param::Dist(Dist::Lognormal {
                median: (median * 100.0).round() / 100.0,
                sigma: (sp.sigma * 1000.0).round() / 1000.0
            })
        );
    }
    let r = cal.repeat.as_ref().unwrap();
    assert!((r.share_repeat - 0.489).abs() < 0.001, "{}", r.share_repeat);
    // Without a mapping the quantity column is found by its name's form
    // (`number_of_*`), and the same baskets come out.
    let found = orders::read(&table(&data("cdnow_master.csv").unwrap()), &Mapping::default()).unwrap();
    assert_eq!(found.orders.iter().map(|x| x.units()).sum::<f64>(), o.orders.iter().map(|x| x.units()).sum::<f64>());
    assert!(found.notes.iter().all(|n| !n.contains("No quantity column")));
}

#[test]
fn a_file_without_a_quantity_column_says_so_and_how_to_name_one() {
    let t = parse_table(b"order,product\n1,mug\n1,tea\n2,mug\n", "lines.csv").unwrap();
    let o = orders::read(&t, &Mapping::default()).unwrap();
    assert!(o.notes.iter().any(|n| n.contains("No quantity column found") && n.contains("map the `quantity` role")));
    // With neither orders nor quantities, the basket-size fit is said to prove nothing.
    let t = parse_table(b"customer,amount\n1,10\n2,12\n", "rows.csv").unwrap();
    let o = orders::read(&t, &Mapping::default()).unwrap();
    assert!(o.notes.iter().any(|n| n.contains("cannot show a misfit")), "{:?}", o.notes);
}

#[test]
fn hostile_csvs_get_the_row_and_the_reason() {
    let err = |text: &[u8]| {
        let t = parse_table(text, "x.csv");
        match t {
            Err(e) => e.to_string(),
            Ok(t) => match orders::read(&t, &Mapping::default()) {
                Err(e) => e.to_string(),
                Ok(o) => panic!("accepted: {} orders", o.orders.len()),
            },
        }
    };
    assert!(err(b"").contains("is empty"));
    assert!(err(b"order_id,product\n1,a,b,c\n").contains("line 2: this row has 4 fields but the header has 2"));
    assert!(
        err(b"order_id,product\n1,\xff\xfe\n").contains("line 2")
            && err(b"order_id,product\n1,\xff\n").contains("UTF-8")
    );
    assert!(err(b"colour,size\nred,L\n").contains("no column holds a product, a quantity or an amount"));
    assert!(
        err(b"order_id,product,quantity\n1,a,-2\n")
            .contains("quantity 0 or below (a return or a correction): 1 row (line 2)")
    );
    let e = err(b"order_id,product,price\n1,a,abc\n2,b,\n");
    assert!(
        e.contains("price `abc` is not a number from 0 to 1,000,000,000: 1 row (line 2)")
            && e.contains("no price: 1 row (line 3)"),
        "{e}"
    );
    let bad_map = parse_table(b"order_id,item\n1,a\n", "x.csv").unwrap();
    let e = orders::read(&bad_map, &Mapping::parse(&["product=Itme".into()]).unwrap()).unwrap_err().to_string();
    assert!(e.contains("no column `Itme`") && e.contains("did you mean `item`"), "{e}");
    let e = orders::read(&bad_map, &Mapping::parse(&["colour=item".into()]).unwrap()).unwrap_err().to_string();
    assert!(e.contains("the roles are order, product"), "{e}");
    assert!(Mapping::parse(&["product".into()]).unwrap_err().contains("ROLE=COLUMN"));
    // Catalogs too.
    let t = parse_table(b"Title,Price\nMug,\nKettle,-3\n", "p.csv").unwrap();
    let e = catalog::import(&t, &catalog::Options::default()).unwrap_err().to_string();
    assert!(e.contains("no price: 1 row (line 2)") && e.contains("line 3"), "{e}");
    let t = parse_table(b"Colour,Size\nred,L\n", "p.csv").unwrap();
    let e = catalog::import(&t, &catalog::Options::default()).unwrap_err().to_string();
    assert!(e.contains("line 1: no column holds the product name") && e.contains("map the `product` role"), "{e}");
}

#[test]
fn a_semicolon_file_with_a_byte_order_mark_and_decimal_commas_reads() {
    let t = parse_table(
        "\u{feff}order_id;product;price;quantity\n1;a;2,50;2\n1;b;1,00;1\n2;a;2,50;1\n".as_bytes(),
        "x.csv",
    )
    .unwrap();
    let o = orders::read(&t, &Mapping::default()).unwrap();
    assert_eq!(o.orders.len(), 2);
    assert_eq!(o.orders[0].value(), Some(6.0));
    assert_eq!(o.orders[0].units(), 3.0);
}

#[test]
fn basket_groups_recover_a_mixture_of_two_basket_sizes() {
    // Half the orders 1 + Poisson(1), half 1 + Poisson(9), drawn deterministically.
    use rand::SeedableRng;
    use rand_distr::{Distribution, Poisson};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let (a, b) = (Poisson::new(1.0).unwrap(), Poisson::new(9.0).unwrap());
    let sizes: Vec<u32> =
        (0..20_000).map(|i| 1 + if i % 2 == 0 { a.sample(&mut rng) } else { b.sample(&mut rng) } as u32).collect();
    let g = calibrate::basket_groups(&sizes, 2);
    assert_eq!(g.len(), 2);
    assert!((g[0].mean - 2.0).abs() < 0.1 && (g[1].mean - 10.0).abs() < 0.2, "{g:?}");
    assert!((g[0].share - 0.5).abs() < 0.02, "{g:?}");
}

#[test]
fn lift_is_counted_by_hand_and_huge_baskets_stay_out_of_it() {
    // 100 orders: a+b in 10, a alone in 10, b alone in 10, c in 70. Lift of a and b:
    // 10 x 100 / (20 x 20) = 2.5, strength 1 - 1/2.5 = 0.6. One wholesale order of 61
    // products including a and b changes nothing.
    let mut text = String::from("order_id,product\n");
    let mut o = 0;
    let mut order = |items: &[String], text: &mut String| {
        o += 1;
        for i in items {
            text.push_str(&format!("{o},{i}\n"));
        }
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    for _ in 0..10 {
        order(&s(&["a", "b"]), &mut text);
        order(&s(&["a"]), &mut text);
        order(&s(&["b"]), &mut text);
    }
    for _ in 0..70 {
        order(&s(&["c"]), &mut text);
    }
    let mut wholesale = s(&["a", "b"]);
    wholesale.extend((0..59).map(|i| format!("w{i}")));
    order(&wholesale, &mut text);
    let t = parse_table(text.as_bytes(), "o.csv").unwrap();
    let o = orders::read(&t, &Mapping::default()).unwrap();
    let cal = calibrate::calibrate(&o, &calibrate::Options { min_support: Some(5), ..Default::default() });
    assert_eq!(cal.pairs_found, 1);
    let p = &cal.pairs[0];
    assert_eq!((p.together, p.alone), (10, (20, 20)));
    assert!((p.lift - 2.5).abs() < 1e-12, "{}", p.lift);
    assert_eq!(strength(&cal, "a", "b"), 0.6);
    assert_eq!(strength(&cal, "b", "a"), 0.6);
    // Category shares count a product once per order.
    let t = parse_table(b"order_id,product,category\n1,a,x\n1,a,x\n1,b,y\n", "o.csv").unwrap();
    let cal = calibrate::calibrate(&orders::read(&t, &Mapping::default()).unwrap(), &Default::default());
    assert_eq!(cal.categories, [("x".to_string(), 0.5), ("y".to_string(), 0.5)]);
}

#[test]
fn a_shopify_orders_export_is_read_by_its_own_column_names() {
    // Shopify repeats the order's Name on each line; order fields such as the date may
    // be on its first line only.
    let text = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n\
                #1001,ann@example.com,paid,2024-03-01 10:00:00 -0500,2,Drip Brewer,89.00,BR-1\n\
                #1001,,,,1,Paper Filters (200),8.00,F-200\n\
                #1002,bob@example.com,paid,2024-03-02 09:12:00 -0500,1,Paper Filters (200),8.00,F-200\n";
    let t = parse_table(text.as_bytes(), "orders_export.csv").unwrap();
    let o = orders::read(&t, &Mapping::default()).unwrap();
    let found: Vec<(&str, &str)> = o.columns.found.iter().map(|f| (f.0, f.2.as_str())).collect();
    assert_eq!(
        found,
        [
            ("order", "Name"),
            ("product", "Lineitem name"),
            ("price", "Lineitem price"),
            ("quantity", "Lineitem quantity"),
            ("customer", "Email"),
            ("date", "Created at")
        ]
    );
    assert!(o.skipped.is_empty(), "{:?}", o.skipped);
    assert_eq!(o.orders.len(), 2);
    assert_eq!(o.orders[0].value(), Some(186.0));
    assert_eq!(o.orders[0].units(), 3.0);
    assert_eq!(o.customers, 2);
}
