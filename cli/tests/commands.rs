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
