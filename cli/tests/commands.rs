//! The `racine` tool run as a user runs it, against a real database file,
//! without a terminal (so progress comes as plain lines on stderr).

use assert_cmd::Command;
use serde_json::Value;

struct Shop {
    dir: tempfile::TempDir,
}

impl Shop {
    fn new() -> Shop {
        let shop = Shop {
            dir: tempfile::tempdir().unwrap(),
        };
        shop.ok(&["init", "--time-zone", "Europe/Paris"]);
        shop
    }

    fn racine(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("racine")
            .unwrap()
            .current_dir(self.dir.path())
            .env("RACINE_DB", "shop.db")
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.racine(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn file(&self, name: &str, text: &str) {
        std::fs::write(self.dir.path().join(name), text).unwrap();
    }
}

#[test]
fn import_then_stock_then_export() {
    let shop = Shop::new();
    shop.file(
        "items.csv",
        "sku,name,reorder_point\n00042,Oak plank,5\nGLUE,Glue,\n",
    );
    shop.file(
        "opening.csv",
        "sku,quantity,unit_cost\n00042,3,4.5\nGLUE,10,2\n",
    );
    let report = shop.json(&["import", "items", "items.csv"]);
    assert_eq!(report["created"], 2);
    let out = shop.racine(&["import", "opening_stock", "opening.csv"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("import: 2 created, 0 existing, 0 rejected")
    );
    let stock = shop.json(&["stock", "00042"]);
    assert_eq!(stock[0]["on_hand"], "3");
    assert_eq!(shop.json(&["stock", "--low"]).as_array().unwrap().len(), 1);
    let table = shop.ok(&["stock"]);
    assert!(table.contains("00042") && table.contains("13.5"), "{table}");
    let again = shop.json(&["import", "items", "items.csv"]);
    assert_eq!(
        (again["created"].clone(), again["existing"].clone()),
        (0.into(), 2.into())
    );
    let summary = shop.json(&[
        "export",
        "evening.xlsx",
        "--dataset",
        "movements",
        "--dataset",
        "stock",
    ]);
    assert_eq!(summary["rows"], 4);
    assert!(shop.dir.path().join("evening.xlsx").is_file());
    let dash = shop.json(&["dashboard", "erp", "--period", "this_month"]);
    assert_eq!(dash["valuation"]["total"], "33.5");
    assert_eq!(shop.json(&["verify"])["is_clean"], true);
}

#[test]
fn refusals_have_their_exit_codes() {
    let shop = Shop::new();
    shop.file("bad.csv", "sku,name,reorder_point\n,x,1\nB,y,z\n");
    let out = shop.racine(&["--json", "import", "items", "bad.csv"]);
    assert_eq!(out.status.code(), Some(23));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "import_refused");
    assert_eq!(e["error"]["problems"][1]["column"], "reorder_point");
    assert_eq!(shop.json(&["stock"]).as_array().unwrap().len(), 0);
    assert_eq!(shop.racine(&["stock", "NOPE"]).status.code(), Some(11));
    let out = Command::cargo_bin("racine")
        .unwrap()
        .args(["--db", "/nonexistent/x.db", "info"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(11));
    assert_eq!(shop.racine(&["stock", "--nope"]).status.code(), Some(2));
}

/// Writes through the library on the same file, as the shop's application
/// would, for the commands that only read.
fn library(shop: &Shop, request: Value) -> Value {
    let db = racine::Database::open(shop.dir.path().join("shop.db").to_str().unwrap()).unwrap();
    racine::api::call(&db, &request.to_string()).unwrap()
}

fn shop_with_orders() -> Shop {
    let shop = Shop::new();
    shop.file("items.csv", "sku,name\nVARNISH,Varnish 1L\n");
    shop.file("opening.csv", "sku,quantity,unit_cost\nVARNISH,10,8\n");
    shop.ok(&["-q", "import", "items", "items.csv"]);
    shop.ok(&["-q", "import", "opening_stock", "opening.csv"]);
    for (id, email) in [("WEB-1", "lea@example.com"), ("WEB-2", "tom@example.com")] {
        library(
            &shop,
            json!({"op": "place_order", "order": {
                "external_id": id,
                "customer": {"email": email, "name": id},
                "currency": "EUR",
                "create_contact": true,
                "lines": [{"sku": "VARNISH", "quantity": "2", "unit_price": "24.90"}]
            }}),
        );
    }
    library(&shop, json!({"op": "cancel_order", "external_id": "WEB-2"}));
    shop
}

use serde_json::json;

#[test]
fn orders_contacts_and_movements_are_listed_and_filtered() {
    let shop = shop_with_orders();
    let orders = shop.json(&["orders"]);
    assert_eq!(orders.as_array().unwrap().len(), 2);
    let cancelled = shop.json(&["orders", "--status", "cancelled"]);
    assert_eq!(cancelled.as_array().unwrap().len(), 1);
    assert_eq!(cancelled[0]["external_id"], "WEB-2");
    let one = shop.json(&["orders", "WEB-1"]);
    assert_eq!(one["lines"][0]["sku"], "VARNISH");
    let table = shop.ok(&["orders"]);
    assert!(
        table.contains("WEB-1") && table.contains("cancelled"),
        "{table}"
    );
    assert_eq!(shop.racine(&["orders", "WEB-9"]).status.code(), Some(11));

    let contacts = shop.json(&["contacts", "--search", "lea"]);
    assert_eq!(contacts.as_array().unwrap().len(), 1);
    let id = contacts[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        shop.json(&["contacts", &id])["emails"][0]["address"],
        "lea@example.com"
    );
    assert_eq!(
        shop.json(&["contacts", "--limit", "1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let sales = shop.json(&[
        "movements",
        "--sku",
        "VARNISH",
        "--reason",
        "opening_balance",
    ]);
    assert_eq!(sales.as_array().unwrap().len(), 1);
    assert_eq!(sales[0]["quantity"], "10");
    let table = shop.ok(&["movements"]);
    assert!(table.contains("opening_balance"), "{table}");
    let stock = shop.json(&["stock", "VARNISH", "--warehouse", "MAIN"]);
    assert_eq!(
        (stock["on_hand"].clone(), stock["reserved"].clone()),
        ("10".into(), "2".into())
    );

    let crm = shop.json(&["dashboard", "crm", "--year", "2026"]);
    assert!(crm.is_object(), "{crm}");
    let erp = shop.ok(&["dashboard", "erp", "--month", "2026-03"]);
    assert!(erp.contains("valuation"), "{erp}");
    let info = shop.json(&["info"]);
    assert_eq!(info["time_zone"], "Europe/Paris");
}

#[test]
fn outbox_tail_moves_a_consumers_cursor() {
    let shop = shop_with_orders();
    let first = shop.ok(&["--json", "outbox", "tail", "--consumer", "erp-sync"]);
    let events: Vec<Value> = first
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.len() >= 3, "{first}");
    assert!(events
        .windows(2)
        .all(|w| w[0]["id"].as_i64() < w[1]["id"].as_i64()));
    // Everything was printed and acknowledged: the next tail has nothing.
    assert_eq!(
        shop.ok(&["--json", "outbox", "tail", "--consumer", "erp-sync"]),
        ""
    );
    // Without a consumer, from a given id, and no cursor moves.
    let after = events[0]["id"].as_i64().unwrap().to_string();
    let rest = shop.ok(&[
        "--json", "outbox", "tail", "--after", &after, "--limit", "1",
    ]);
    assert_eq!(rest.lines().count(), events.len() - 1, "{rest}");
    // --no-ack prints without moving the cursor.
    library(&shop, json!({"op": "cancel_order", "external_id": "WEB-1"}));
    let peek = shop.ok(&[
        "--json",
        "outbox",
        "tail",
        "--consumer",
        "erp-sync",
        "--no-ack",
    ]);
    assert_eq!(peek.lines().count(), 1, "{peek}");
    let again = shop.ok(&["--json", "outbox", "tail", "--consumer", "erp-sync"]);
    assert_eq!(again, peek);
    let consumers = shop.json(&["outbox", "consumers"]);
    assert_eq!(consumers[0]["name"], "erp-sync");
    assert_eq!(consumers[0]["pending"], 0);
    assert!(shop.ok(&["outbox", "consumers"]).contains("erp-sync"));
}

#[test]
fn imports_write_templates_columns_dry_runs_and_rejects() {
    let shop = Shop::new();
    let t = shop.json(&["import", "items", "--template"]);
    assert_eq!(t["template"], "items.csv");
    let template = std::fs::read_to_string(shop.dir.path().join("items.csv")).unwrap();
    assert!(template.starts_with("sku,name"), "{template}");
    shop.ok(&["import", "contacts", "--template", "crm.xlsx"]);
    assert!(shop.dir.path().join("crm.xlsx").is_file());
    let columns = shop.json(&["import", "opening_stock", "--columns"]);
    let names: Vec<&str> = columns
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"sku") && names.contains(&"unit_cost"),
        "{names:?}"
    );
    assert!(shop
        .ok(&["import", "items", "--columns"])
        .contains("reorder_point"));

    // A template's own example row imports.
    shop.ok(&["-q", "import", "items", "items.csv"]);

    shop.file(
        "more.csv",
        "sku;name;reorder_point\nA1;Alpha;1\n;Nameless;2\nB2;Beta;-3\nC3;Gamma;\n",
    );
    let dry = shop.json(&["import", "items", "more.csv", "--dry-run", "--skip-invalid"]);
    assert_eq!(
        (dry["created"].clone(), dry["rejected"].clone()),
        (2.into(), 2.into())
    );
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        shop.json(&["stock", "--limit", "0"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let out = shop.racine(&["import", "items", "more.csv", "--skip-invalid"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("import: 2 created, 0 existing, 2 rejected"),
        "{stderr}"
    );
    let rejects = std::fs::read_to_string(shop.dir.path().join("more.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 3, "{rejects}");
    assert!(
        lines[0].starts_with("row,sku,name,reorder_point,error"),
        "{rejects}"
    );
    assert!(lines[1].starts_with("3,,Nameless,2,"), "{rejects}");
    assert!(lines[2].starts_with("4,B2,Beta,-3,"), "{rejects}");
    assert_eq!(
        shop.json(&["stock", "--limit", "0"])
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // A refusal prints the report as a table, a row per problem.
    let out = shop.racine(&["import", "items", "more.csv"]);
    assert_eq!(out.status.code(), Some(23));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("reorder_point") && stderr.contains("-3"),
        "{stderr}"
    );
    assert_eq!(shop.racine(&["import", "items"]).status.code(), Some(12));
}

#[test]
fn help_has_examples_and_completions_are_generated() {
    let shop = Shop::new();
    let help = shop.ok(&["--help"]);
    assert!(
        help.contains("Examples:") && help.contains("Exit codes"),
        "{help}"
    );
    for command in [
        "init",
        "info",
        "verify",
        "stock",
        "movements",
        "orders",
        "contacts",
        "dashboard",
        "export",
        "import",
        "plugins",
        "completions",
    ] {
        let help = shop.ok(&[command, "--help"]);
        assert!(help.contains("Examples:"), "{command}: {help}");
    }
    assert!(shop.ok(&["outbox", "tail", "--help"]).contains("Examples:"));
    for shell in ["bash", "zsh"] {
        let script = shop.ok(&["completions", shell]);
        assert!(script.contains("opening_stock") && script.contains("--skip-invalid"));
    }
    assert!(shop.ok(&["completions", "fish"]).contains("__fish_racine"));
}

fn plugin(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let dir = root.join("target/plugins");
    let status = std::process::Command::new(root.join("scripts/build-plugins"))
        .arg(&dir)
        .status()
        .expect("run scripts/build-plugins");
    assert!(status.success());
    dir.join(format!("lib{name}.so"))
}

#[test]
fn plugins_are_loaded_and_listed() {
    let shop = Shop::new();
    let path = plugin("low_stock_alerts");
    let path = path.to_str().unwrap();
    let alerts = shop.dir.path().join("alerts.log");
    let config = json!({"path": alerts}).to_string();
    let with = |args: &[&str]| {
        let mut all = vec!["--plugin", path, "--plugin-config", &config];
        all.extend_from_slice(args);
        all.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let args = with(&["--json", "plugins"]);
    let listed: Value =
        serde_json::from_str(&shop.ok(&args.iter().map(String::as_str).collect::<Vec<_>>()))
            .unwrap();
    assert_eq!(listed[0]["name"], "low-stock-alerts", "{listed}");
    assert_eq!(listed[0]["state"], "active");
    let args = with(&["plugins"]);
    let table = shop.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(table.contains("low-stock-alerts"), "{table}");
    assert!(shop.json(&["plugins"]).as_array().unwrap().is_empty());
    // Its own refusal (no configuration), then a missing file: plugin errors.
    assert_eq!(
        shop.racine(&["--plugin", path, "plugins"]).status.code(),
        Some(21)
    );
    let out = shop.racine(&["--plugin", "./missing.so", "plugins"]);
    assert_eq!(out.status.code(), Some(21));
    let out = shop.racine(&["--plugin-config", "{}", "plugins"]);
    assert_eq!(out.status.code(), Some(12));
}

#[test]
fn ctrl_c_cancels_an_import_and_writes_nothing() {
    use std::io::{BufRead, BufReader};
    let shop = Shop::new();
    let mut csv = String::from("sku,name\n");
    for i in 0..300_000 {
        csv.push_str(&format!("SKU-{i:06},Item {i}\n"));
    }
    shop.file("big.csv", &csv);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("racine"))
        .current_dir(shop.dir.path())
        .env("RACINE_DB", "shop.db")
        .args(["import", "items", "big.csv"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("import: "), "{line}");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(22), "{line}{rest}");
    assert!(rest.contains("cancelled"), "{rest}");
    assert_eq!(
        shop.json(&["stock", "--limit", "0"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(shop.json(&["verify"])["is_clean"], true);
}

#[test]
fn a_100k_row_file_imports_with_progress_lines_then_writes_nothing_again() {
    let shop = Shop::new();
    let mut csv = String::from("sku,name,reorder_point\n");
    for i in 0..100_000 {
        csv.push_str(&format!("{i:06},Item {i},{}\n", i % 7));
    }
    shop.file("big.csv", &csv);
    let out = shop.racine(&["--json", "import", "items", "big.csv"]);
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["rows"].clone(), report["created"].clone()),
        (100_000.into(), 100_000.into())
    );
    // Not a terminal: a plain line as each stage starts, then the summary.
    let stderr = String::from_utf8_lossy(&out.stderr);
    for stage in ["import: reading", "import: checking", "import: writing"] {
        assert!(stderr.contains(stage), "{stderr}");
    }
    assert!(stderr.contains(" of 100000 rows"), "{stderr}");
    assert!(
        stderr.ends_with("import: 100000 created, 0 existing, 0 rejected\n"),
        "{stderr}"
    );
    let quiet = shop.racine(&["-q", "--json", "import", "items", "big.csv"]);
    assert!(quiet.stderr.is_empty());
    let again: Value = serde_json::from_slice(&quiet.stdout).unwrap();
    assert_eq!(
        (again["created"].clone(), again["existing"].clone()),
        (0.into(), 100_000.into())
    );
    let page = shop.json(&["stock", "--limit", "0"]);
    assert_eq!(page.as_array().unwrap().len(), 100_000);
    let last = page.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["sku"].clone(), last["reorder_point"].clone()),
        ("099999".into(), "4".into())
    );
}
