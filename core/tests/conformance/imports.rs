//! Imports: every row checked before any is written, exact reports of
//! what is wrong, `skip_invalid` with its rejects file, re-imports that
//! write nothing, workbooks with text ids, cancellation.

use std::path::{Path, PathBuf};

use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir().unwrap())
    }

    fn csv(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn import(db: &Database, kind: ImportKind, path: &Path) -> Result<ImportReport> {
    db.import(&Import::new(kind), path)
}

fn problems(e: Error) -> Vec<(u64, String, String, String)> {
    match e {
        Error::ImportRefused { problems, .. } => problems
            .into_iter()
            .map(|p| (p.row, p.column, p.value, p.code))
            .collect(),
        other => panic!("expected import_refused, got {other:?}"),
    }
}

fn item_count(db: &Database) -> usize {
    db.items(&ItemFilter::default()).unwrap().items.len()
}

fn p(row: u64, column: &str, value: &str, code: &str) -> (u64, String, String, String) {
    (row, column.into(), value.into(), code.into())
}

#[test]
fn imports_a_clean_file_and_writes_nothing_the_second_time() {
    let db = super::open();
    let files = Files::new();
    let path = files.csv(
        "items.csv",
        "SKU,Name,Unit,Valuation,Reorder Point,allow-negative\n\
         00042,Oak plank,m,moving_average,5,no\n\
         OAK-2, Oak beam ,,,,\n\
         \n\
         GLUE,Wood glue,l,fifo,0.5,yes\n",
    );
    let report = import(&db, ImportKind::Items, &path).unwrap();
    assert_eq!(
        (
            report.rows,
            report.created,
            report.existing,
            report.rejected
        ),
        (3, 3, 0, 0)
    );
    let oak = db.item("00042").unwrap();
    assert_eq!(
        (oak.unit.as_str(), oak.valuation),
        ("m", ValuationMethod::MovingAverage)
    );
    assert_eq!(oak.reorder_point, Some(d("5")));
    assert_eq!(db.item("OAK-2").unwrap().name, "Oak beam");
    assert_eq!(db.item("OAK-2").unwrap().unit, "pcs");
    assert!(db.item("GLUE").unwrap().allow_negative);

    let events = db
        .outbox_events(&OutboxFilter::default())
        .unwrap()
        .items
        .len();
    let again = import(&db, ImportKind::Items, &path).unwrap();
    assert_eq!((again.created, again.existing), (0, 3));
    assert_eq!(item_count(&db), 3);
    assert_eq!(
        db.outbox_events(&OutboxFilter::default())
            .unwrap()
            .items
            .len(),
        events
    );
}

#[test]
fn every_wrong_row_and_column_is_reported_and_nothing_is_written() {
    let db = super::open();
    let files = Files::new();
    let path = files.csv(
        "items.csv",
        "sku,name,valuation,reorder_point,allow_negative\n\
         A-1,Good,fifo,1,false\n\
         ,No sku,fifo,1,false\n\
         A-3,Bad method,fefo,-2,maybe\n\
         A-1,Repeated,fifo,,\n\
         A-5,Bad decimal,,1.5.0,\n",
    );
    let e = import(&db, ImportKind::Items, &path).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ImportRefused);
    let details = e.details();
    assert_eq!(details["invalid_rows"], 4);
    assert_eq!(details["rows"], 5);
    assert_eq!(
        problems(e),
        vec![
            p(3, "sku", "", "invalid_input"),
            p(4, "valuation", "fefo", "invalid_input"),
            p(4, "allow_negative", "maybe", "invalid_input"),
            p(5, "sku", "A-1", "already_exists"),
            p(6, "reorder_point", "1.5.0", "invalid_input"),
        ]
    );
    assert_eq!(item_count(&db), 0);

    // The negative reorder point of row 4 is the operation's own check: it
    // shows once the row's other cells read.
    let path = files.csv("items2.csv", "sku,name,reorder_point\nA-3,Bad,-2\n");
    let e = import(&db, ImportKind::Items, &path).unwrap_err();
    let Error::ImportRefused { problems, .. } = e else {
        panic!()
    };
    assert_eq!(
        (problems[0].row, problems[0].column.as_str()),
        (2, "reorder_point")
    );
    assert_eq!(problems[0].message, "-2 is negative");
    assert_eq!(item_count(&db), 0);
}

#[test]
fn a_wrong_header_refuses_the_file_before_any_row() {
    let db = super::open();
    let files = Files::new();
    let path = files.csv("items.csv", "sku,label,sku\nA,B,C\n");
    let e = import(&db, ImportKind::Items, &path).unwrap_err();
    assert_eq!(
        problems(e),
        vec![
            p(1, "label", "label", "invalid_input"),
            p(1, "sku", "sku", "invalid_input"),
            p(1, "name", "", "invalid_input"),
        ]
    );
    // Even with skip_invalid: no row can be right.
    let e = db
        .import(
            &Import {
                skip_invalid: true,
                ..Import::new(ImportKind::Items)
            },
            &path,
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ImportRefused);
    let empty = files.csv("empty.csv", "");
    let e = import(&db, ImportKind::Items, &empty).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "path"),
        "{e}"
    );
}

#[test]
fn skip_invalid_writes_the_valid_rows_and_the_others_to_a_rejects_file() {
    let db = super::open();
    let files = Files::new();
    let path = files.csv(
        "items.csv",
        "sku,name,reorder_point\nA,Alpha,1\nB,,2\nC,Gamma,x\nD,Delta,\n",
    );
    let report = db
        .import(
            &Import {
                skip_invalid: true,
                ..Import::new(ImportKind::Items)
            },
            &path,
        )
        .unwrap();
    assert_eq!((report.created, report.rejected), (2, 2));
    assert_eq!(report.problems.len(), 2);
    let rejects = files.path("items.rejects.csv");
    assert_eq!(
        report.rejects_path.as_deref(),
        Some(rejects.to_str().unwrap())
    );
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "row,sku,name,reorder_point,error\n\
         3,B,,2,name: is required\n\
         4,C,Gamma,x,\"reorder_point: \"\"x\"\" is not a decimal: expected digits, optionally a '.' and up to 6 decimals, with an optional leading '-' (such as 12, -3.5 or 0.000001)\"\n"
    );
    assert_eq!(item_count(&db), 2);
    // The rejects, mended, go in on their own; what is in stays as it was.
    let mended = files.csv(
        "mended.csv",
        "sku,name,reorder_point\nA,Alpha,1\nB,Beta,2\nC,Gamma,3\n",
    );
    let report = import(&db, ImportKind::Items, &mended).unwrap();
    assert_eq!((report.created, report.existing), (2, 1));
}

#[test]
fn a_dry_run_counts_and_writes_nothing() {
    let db = super::open();
    let files = Files::new();
    let path = files.csv("w.csv", "code,name\nSHOP-2,High street\nMAIN,Main\n");
    let report = db
        .import(
            &Import {
                dry_run: true,
                ..Import::new(ImportKind::Warehouses)
            },
            &path,
        )
        .unwrap();
    assert!(report.dry_run);
    assert_eq!((report.created, report.existing), (1, 1));
    assert_eq!(
        db.warehouses(&WarehouseFilter::default())
            .unwrap()
            .items
            .len(),
        1
    );
    let report = import(&db, ImportKind::Warehouses, &path).unwrap();
    assert_eq!((report.created, report.existing), (1, 1));
    assert_eq!(db.warehouse_by_code("SHOP-2").unwrap().name, "High street");
}

#[test]
fn opening_stock_is_posted_as_opening_balances_once() {
    let db = super::open_in("Europe/Paris");
    let files = Files::new();
    import(
        &db,
        ImportKind::Items,
        &files.csv(
            "i.csv",
            "sku,name,valuation\n00042,Oak,fifo\nGLUE,Glue,moving_average\n",
        ),
    )
    .unwrap();
    import(
        &db,
        ImportKind::Warehouses,
        &files.csv("w.csv", "code,name\nSHOP\tX\n".replace('\t', ",").as_str()),
    )
    .unwrap();
    let path = files.csv(
        "o.csv",
        "sku;warehouse;quantity;unit_cost;effective_at\n\
         00042;;10;4.5;2026-01-01\n\
         00042;SHOP;2;4.75;\n\
         GLUE;MAIN;1.5;12;2026-01-01T08:00:00Z\n",
    );
    let report = import(&db, ImportKind::OpeningStock, &path).unwrap();
    assert_eq!(report.created, 3);
    let oak = db.stock("00042", None).unwrap();
    assert_eq!((oak.on_hand, oak.value), (d("12"), d("54.5")));
    let moves = db
        .movements(&MovementFilter {
            reason: Some(Reason::OpeningBalance),
            ..Default::default()
        })
        .unwrap()
        .items;
    assert_eq!(moves.len(), 3);
    // A day is its first instant in the business time zone.
    let main = moves
        .iter()
        .find(|m| m.sku == "00042" && m.warehouse_code == "MAIN")
        .unwrap();
    assert_eq!(main.effective_at.to_string(), "2025-12-31T23:00:00Z");
    assert_eq!(db.cost_layers("00042", None).unwrap().layers.len(), 1);

    let again = import(&db, ImportKind::OpeningStock, &path).unwrap();
    assert_eq!((again.created, again.existing), (0, 3));
    assert_eq!(db.stock("00042", None).unwrap().on_hand, d("12"));

    // Another quantity for a balance already posted is a problem, not a silent change.
    let changed = files.csv(
        "o2.csv",
        "sku,warehouse,quantity,unit_cost\n00042,MAIN,11,4.5\nNOPE,MAIN,1,1\nGLUE,ATTIC,1,1\n",
    );
    let e = import(&db, ImportKind::OpeningStock, &changed).unwrap_err();
    assert_eq!(
        problems(e),
        vec![
            p(2, "quantity", "11", "invalid_transition"),
            p(3, "sku", "NOPE", "not_found"),
            p(4, "warehouse", "ATTIC", "not_found"),
        ]
    );
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn a_workbook_keeps_text_ids_and_reads_typed_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let db = super::open();
    let files = Files::new();
    let path = files.path("stock.xlsx");
    let mut book = Workbook::new();
    let items = book.add_worksheet().set_name("Items").unwrap();
    for (c, h) in ["sku", "name", "reorder_point", "allow_negative"]
        .iter()
        .enumerate()
    {
        items.write_string(0, c as u16, *h).unwrap();
    }
    items.write_string(1, 0, "00042").unwrap();
    items.write_string(1, 1, "Oak").unwrap();
    items.write_number(1, 2, 4.1).unwrap();
    items.write_boolean(1, 3, true).unwrap();
    items.write_number(2, 0, 7).unwrap(); // a number typed as an id: "7"
    items.write_string(2, 1, "Seven").unwrap();
    let opening = book.add_worksheet().set_name("Opening").unwrap();
    for (c, h) in ["sku", "quantity", "unit_cost", "effective_at"]
        .iter()
        .enumerate()
    {
        opening.write_string(2, c as u16 + 1, *h).unwrap(); // the table starts at B3
    }
    opening.write_string(3, 1, "00042").unwrap();
    opening.write_number(3, 2, 3).unwrap();
    opening.write_number(3, 3, 0.1).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    opening
        .write_datetime_with_format(
            3,
            4,
            ExcelDateTime::parse_from_str("2026-02-01").unwrap(),
            &date,
        )
        .unwrap();
    opening.write_string(4, 1, "00042 ").unwrap();
    opening.write_number(4, 2, -1).unwrap();
    opening.write_number(4, 3, 1).unwrap();
    book.save(&path).unwrap();

    let report = import(&db, ImportKind::Items, &path).unwrap();
    assert_eq!(report.created, 2);
    let oak = db.item("00042").unwrap();
    assert_eq!(
        (oak.reorder_point, oak.allow_negative),
        (Some(d("4.1")), true)
    );
    assert_eq!(db.item("7").unwrap().name, "Seven");

    let e = db
        .import(
            &Import {
                sheet: Some("Opening".into()),
                ..Import::new(ImportKind::OpeningStock)
            },
            &path,
        )
        .unwrap_err();
    assert_eq!(problems(e), vec![p(5, "quantity", "-1", "invalid_input")]);
    let e = db
        .import(
            &Import {
                sheet: Some("Nope".into()),
                ..Import::new(ImportKind::OpeningStock)
            },
            &path,
        )
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "sheet"),
        "{e}"
    );
}

#[test]
fn contacts_are_keyed_by_external_id_or_email_and_find_their_company() {
    let db = super::open();
    let files = Files::new();
    let path = files.csv(
        "c.csv",
        "external_id,kind,name,company,emails,phones,tags,custom.vat\n\
         CUST-7,company,Menuiserie Martin,,contact@martin.example,,wholesale,FR123\n\
         CUST-8,,Claire Martin,CUST-7,claire@martin.example;c.martin@example.com,+33 6 12 34 56 78,vip;wholesale,\n\
         ,,Paul,,Paul@Example.com,,,\n",
    );
    let report = import(&db, ImportKind::Contacts, &path).unwrap();
    assert_eq!(report.created, 3);
    let claire = db
        .contacts(&ContactFilter {
            search: Some("Claire".into()),
            ..Default::default()
        })
        .unwrap()
        .items
        .remove(0);
    let company = claire.company.expect("a company");
    assert_eq!(db.contact(company).unwrap().custom["vat"], "FR123");
    assert_eq!(claire.emails.len(), 2);
    assert_eq!(
        claire.tags,
        vec!["vip".to_string(), "wholesale".to_string()]
    );

    let report = import(&db, ImportKind::Contacts, &path).unwrap();
    assert_eq!((report.created, report.existing), (0, 3));

    let wrong = files.csv(
        "bad.csv",
        "external_id,name,company,emails\nCUST-9,Jo,CUST-404,jo@example.com\nCUST-10,Al,,not-an-email\n,Nobody,,\n",
    );
    assert_eq!(
        problems(import(&db, ImportKind::Contacts, &wrong).unwrap_err()),
        vec![
            p(2, "company", "CUST-404", "not_found"),
            p(3, "emails", "not-an-email", "invalid_input"),
            p(4, "external_id", "", "invalid_input"),
        ]
    );
}

#[test]
fn purchase_orders_are_imported_whole_from_their_lines() {
    let db = super::open();
    let files = Files::new();
    import(
        &db,
        ImportKind::Items,
        &files.csv("i.csv", "sku,name\nOAK,Oak\nGLUE,Glue\n"),
    )
    .unwrap();
    import(
        &db,
        ImportKind::Suppliers,
        &files.csv(
            "s.csv",
            "name,email\nScierie Dupont,orders@dupont.example\n",
        ),
    )
    .unwrap();
    let path = files.csv(
        "po.csv",
        "reference,supplier,sku,quantity,unit_cost,warehouse,note\n\
         PO-1,Scierie Dupont,OAK,10,4.2,,Spring\n\
         PO-2,Scierie Dupont,OAK,5,4,MAIN,\n\
         PO-1,Scierie Dupont,GLUE,2,9.5,,\n\
         PO-3,Scierie Dupont,OAK,1,1,,\n\
         PO-3,Scierie Dupont,NOPE,1,1,,\n",
    );
    let e = import(&db, ImportKind::PurchaseOrders, &path).unwrap_err();
    assert_eq!(problems(e), vec![p(6, "sku", "NOPE", "not_found")]);
    assert!(db
        .purchase_orders(&PurchaseFilter::default())
        .unwrap()
        .items
        .is_empty());

    let report = db
        .import(
            &Import {
                skip_invalid: true,
                ..Import::new(ImportKind::PurchaseOrders)
            },
            &path,
        )
        .unwrap();
    // PO-3 goes whole to the rejects, its good line with it.
    assert_eq!((report.created, report.rejected), (2, 2));
    let rejects = std::fs::read_to_string(report.rejects_path.unwrap()).unwrap();
    assert!(
        rejects.contains(
            "5,PO-3,Scierie Dupont,OAK,1,1,,,rejected with the rest of its order (see row 6)"
        ),
        "{rejects}"
    );
    let orders = db
        .purchase_orders(&PurchaseFilter::default())
        .unwrap()
        .items;
    assert_eq!(orders.len(), 2);
    let po1 = orders.iter().find(|o| o.reference == "PO-1").unwrap();
    assert_eq!(po1.lines.len(), 2);
    assert_eq!(po1.note.as_deref(), Some("Spring"));
    let again = db
        .import(
            &Import {
                skip_invalid: true,
                ..Import::new(ImportKind::PurchaseOrders)
            },
            &path,
        )
        .unwrap();
    assert_eq!((again.created, again.existing, again.rejected), (0, 2, 2));
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let db = super::open();
    let files = Files::new();
    let mut text = String::from("sku,name\n");
    for i in 0..5000 {
        text.push_str(&format!("S{i},Item {i}\n"));
    }
    let path = files.csv("many.csv", &text);
    let mut writing = 0;
    let e = db
        .import_with(&Import::new(ImportKind::Items), &path, &mut |p| {
            if p.stage == ImportStage::Writing {
                writing += 1;
            }
            p.stage != ImportStage::Writing || p.rows < 4000
        })
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Cancelled);
    assert!(writing > 0);
    assert_eq!(item_count(&db), 0);
    assert_eq!(import(&db, ImportKind::Items, &path).unwrap().created, 5000);
}

#[test]
fn templates_are_headers_every_import_reads() {
    let db = super::open();
    let files = Files::new();
    for kind in ImportKind::ALL {
        for ext in ["csv", "xlsx"] {
            let path = files.path(&format!("{kind}.{ext}"));
            Database::write_import_template(*kind, &path).unwrap();
            // The example row reads; only rows it refers to may be missing.
            match db.import(
                &Import {
                    dry_run: true,
                    ..Import::new(*kind)
                },
                &path,
            ) {
                Ok(report) => assert_eq!(report.rows, 1),
                Err(Error::ImportRefused { problems, .. }) => {
                    assert!(
                        problems.iter().all(|p| p.code == "not_found"),
                        "{kind}.{ext}: {problems:?}"
                    )
                }
                Err(e) => panic!("{kind}.{ext}: {e}"),
            }
        }
    }
}
