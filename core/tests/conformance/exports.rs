//! Exports read back as a user's spreadsheet tool reads them (calamine for
//! xlsx, plain text for csv): headers, row counts, cell types, dates in the
//! business time zone, text ids with their leading zeros, every OWASP
//! payload inert, sheet rollover, long texts, cancellation, csv settings,
//! and the dashboard workbook with its charts and definitions.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use racine::exports::{CsvOptions, CsvPreset, Dataset, Destination, LineEnding};
use racine::kpis::crm::CrmQuery;
use racine::kpis::erp::ErpQuery;
use racine::*;
use serde_json::json;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn sheet(json: serde_json::Value) -> Sheet {
    serde_json::from_value(json).unwrap()
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

fn rows_of(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(cell: &Data) -> &str {
    match cell {
        Data::String(s) => s,
        other => panic!("expected a text cell, got {other:?}"),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// The OWASP payloads: text starting with each of these could run as a
/// formula when the file is opened.
const PAYLOADS: [&str; 7] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
];

/// A small shop in Paris: an item whose SKU has leading zeros, a receipt
/// with a long numeric reference and a formula in its note, a sale.
fn shop() -> (Database, i64) {
    let db = super::open_in("Europe/Paris");
    let oak = db
        .create_item(&NewItem {
            valuation: ValuationMethod::Fifo,
            ..NewItem::new("00042", "Oak plank")
        })
        .unwrap()
        .id;
    db.post(
        &Movement::receipt(oak, d("10"), d("4.5"))
            .reference("0012345678901234567")
            .note(PAYLOADS[0])
            .effective_at(ts("2026-03-15T11:00:00Z")),
    )
    .unwrap();
    db.post(
        &Movement::issue(oak, d("2.5"))
            .reference("ORDER-7")
            .actor("+33 6 12 34 56 78")
            .effective_at(ts("2026-03-16T08:30:00Z")),
    )
    .unwrap();
    (db, oak)
}

#[test]
fn movements_in_xlsx_keep_types_text_ids_and_local_times() {
    let (db, _) = shop();
    let bytes = db
        .export_bytes(&Export::xlsx(vec![
            "movements".parse().unwrap(),
            "stock".parse().unwrap(),
        ]))
        .unwrap();
    let mut book = workbook(bytes);
    assert_eq!(book.sheet_names(), ["Movements", "Stock"]);
    let rows = rows_of(&mut book, "Movements");
    assert_eq!(rows.len(), 3, "header and two movements");
    let header: Vec<&str> = rows[0].iter().map(text).collect();
    assert_eq!(
        &header[..7],
        [
            "Movement",
            "Effective at",
            "Recorded at",
            "SKU",
            "Warehouse",
            "Reason",
            "Quantity"
        ]
    );
    // Newest first, as `movements` lists them.
    let (sale, receipt) = (&rows[1], &rows[2]);
    assert_eq!(text(&receipt[0]), "1", "ids are text");
    assert_eq!(text(&receipt[3]), "00042", "leading zeros kept");
    assert_eq!(
        text(&receipt[11]),
        "0012345678901234567",
        "a long reference stays text, every digit"
    );
    assert_eq!(text(&receipt[13]), PAYLOADS[0], "the formula is inert text");
    assert_eq!(number(&receipt[6]), 10.0);
    assert_eq!(number(&receipt[7]), 4.5);
    assert_eq!(
        number(&sale[6]),
        -2.5,
        "a typed negative number stays a number"
    );
    assert_eq!(number(&sale[8]), -11.25);
    assert_eq!(text(&sale[12]), "+33 6 12 34 56 78");
    // 11:00 UTC is noon in Paris: a date-time cell, in the business zone.
    match &receipt[1] {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime());
            assert_eq!(dt.as_f64(), 46096.5);
        }
        other => panic!("effective_at is not a date-time: {other:?}"),
    }
    let stock = rows_of(&mut book, "Stock");
    assert_eq!(stock.len(), 2);
    assert_eq!(text(&stock[1][1]), "00042");
    assert_eq!(number(&stock[1][4]), 7.5);
    assert_eq!(number(&stock[1][7]), 33.75);
}

#[test]
fn every_owasp_payload_stays_inert_in_both_formats() {
    let db = super::open();
    // A carriage return never gets in (text fields refuse it), so that
    // payload is only proven by the exporter's unit tests.
    let refused = db.create_contact(
        &NewContact {
            notes: Some(PAYLOADS[5].into()),
            ..NewContact::person("CR")
        },
        None,
    );
    assert!(matches!(refused, Err(Error::InvalidInput { field, .. }) if field == "notes"));
    let payloads: Vec<&str> = PAYLOADS
        .iter()
        .copied()
        .filter(|p| !p.starts_with('\r'))
        .collect();
    for (i, p) in payloads.iter().enumerate() {
        db.create_contact(
            &NewContact {
                external_id: Some(format!("0{i}")),
                notes: Some(p.to_string()),
                ..NewContact::person(format!("Contact {i}"))
            },
            None,
        )
        .unwrap();
    }
    let contacts = || Export::xlsx(vec!["contacts".parse().unwrap()]);
    let mut book = workbook(db.export_bytes(&contacts()).unwrap());
    let rows = rows_of(&mut book, "Contacts");
    assert_eq!(rows.len(), payloads.len() + 1);
    for (row, p) in rows[1..].iter().zip(&payloads) {
        assert_eq!(text(&row[12]), *p, "kept exactly, as text");
        assert!(text(&row[9]).starts_with('0'));
    }
    let csv = String::from_utf8(
        db.export_bytes(&Export {
            format: Format::Csv,
            ..contacts()
        })
        .unwrap(),
    )
    .unwrap();
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[12].to_string())
        .collect();
    assert_eq!(names.len(), payloads.len());
    for (name, p) in names.iter().zip(&payloads) {
        assert_eq!(name, &format!("'{p}"), "prefixed with a quote");
    }
    let raw = Export {
        format: Format::Csv,
        csv: CsvOptions {
            neutralise_formulas: Some(false),
            ..CsvOptions::default()
        },
        ..contacts()
    };
    let csv = String::from_utf8(db.export_bytes(&raw).unwrap()).unwrap();
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[12].to_string())
        .collect();
    assert_eq!(
        names, payloads,
        "machine-to-machine csv keeps the text as it is"
    );
}

#[test]
fn a_dataset_past_a_sheet_continues_on_numbered_sheets() {
    let db = super::open();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    for _ in 0..10 {
        db.post(&Movement::receipt(mug, d("1"), d("2"))).unwrap();
    }
    let export = Export {
        xlsx: XlsxOptions {
            max_rows_per_sheet: Some(4),
            ..XlsxOptions::default()
        },
        ..Export::xlsx(vec![sheet(
            json!({"dataset": "movements", "filter": {"order": "oldest_first"}}),
        )])
    };
    let mut bytes = Vec::new();
    let summary = db
        .export_with(
            &export,
            Destination::Writer(&mut bytes),
            &mut exports::no_progress,
        )
        .unwrap();
    let names: Vec<(&str, u64)> = summary
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), s.rows))
        .collect();
    assert_eq!(
        names,
        [
            ("Movements", 3),
            ("Movements (2)", 3),
            ("Movements (3)", 3),
            ("Movements (4)", 1)
        ]
    );
    assert_eq!(summary.rows, 10);
    assert_eq!(summary.bytes, bytes.len() as u64);
    let mut book = workbook(bytes);
    let mut ids = Vec::new();
    for name in [
        "Movements",
        "Movements (2)",
        "Movements (3)",
        "Movements (4)",
    ] {
        let rows = rows_of(&mut book, name);
        assert_eq!(text(&rows[0][0]), "Movement", "every part has its header");
        ids.extend(rows[1..].iter().map(|r| text(&r[0]).to_string()));
    }
    let expected: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
    assert_eq!(ids, expected, "every row once, in order");
    let refused = Export {
        xlsx: XlsxOptions {
            max_rows_per_sheet: Some(1),
            ..XlsxOptions::default()
        },
        ..export
    };
    assert!(matches!(
        db.export_bytes(&refused),
        Err(Error::InvalidInput { field, .. }) if field == "xlsx.max_rows_per_sheet"
    ));
}

#[test]
fn long_texts_are_cut_with_a_marker_or_refused_never_silently() {
    let db = super::open();
    // Custom fields have no length limit of their own: their JSON can
    // outgrow a cell.
    let mut custom = serde_json::Map::new();
    custom.insert("history".into(), "x".repeat(40_000).into());
    db.create_contact(
        &NewContact {
            custom,
            ..NewContact::person("Long history")
        },
        None,
    )
    .unwrap();
    let export = Export::xlsx(vec!["contacts".parse().unwrap()]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contacts.xlsx");
    let summary = db.export(&export, &path).unwrap();
    assert_eq!(summary.cut_cells, 1);
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = book.worksheet_range("Contacts").unwrap();
    let notes = text(range.get((1, 13)).unwrap()).to_string();
    let units = notes.encode_utf16().count();
    assert!(
        (32_740..=32_767).contains(&units),
        "about as much as a cell holds: {units}"
    );
    assert!(
        notes.ends_with("more characters]"),
        "{}",
        &notes[notes.len() - 40..]
    );
    assert!(notes.starts_with("{\"history\":\"xx"));

    let refuse = Export {
        xlsx: XlsxOptions {
            long_text: LongText::Refuse,
            ..XlsxOptions::default()
        },
        ..export
    };
    let other = dir.path().join("refused.xlsx");
    match db.export(&refuse, &other) {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, "Contacts!N2");
            assert!(message.contains("40014 characters"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!other.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["contacts.xlsx"], "no temporary file left behind");
}

#[test]
fn a_cancelled_export_leaves_nothing_behind_and_progress_counts_rows() {
    let db = super::open();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    let batch: Vec<Movement> = (0..25_000)
        .map(|_| Movement::receipt(mug, d("1"), d("1")))
        .collect();
    for chunk in batch.chunks(MAX_BATCH) {
        db.post_batch(chunk).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    for format in [Format::Xlsx, Format::Csv] {
        let path = dir.path().join("movements");
        let export = Export {
            format,
            ..Export::xlsx(vec!["movements".parse().unwrap()])
        };
        let mut seen = Vec::new();
        let result = db.export_with(&export, Destination::Path(&path), &mut |p| {
            seen.push((p.sheet_rows, p.sheet_total, p.done));
            p.sheet_rows < 20_000
        });
        match result {
            Err(Error::Cancelled { rows, .. }) => assert_eq!(rows, 20_000),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            seen,
            [
                (0, Some(25_000), false),
                (10_000, Some(25_000), false),
                (20_000, Some(25_000), false)
            ]
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{format:?}: nothing left"
        );
        let mut last = None;
        let summary = db
            .export_with(&export, Destination::Path(&path), &mut |p| {
                last = Some((p.rows, p.done));
                true
            })
            .unwrap();
        assert_eq!(summary.rows, 25_000);
        assert_eq!(last, Some((25_000, true)));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), summary.bytes);
        std::fs::remove_file(&path).unwrap();
    }
    assert_eq!(
        db.export_with(
            &Export::xlsx(vec!["movements".parse().unwrap()]),
            Destination::Path(&dir.path().join("none/x.xlsx")),
            &mut exports::no_progress
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidInput
    );
}

#[test]
fn csv_settings_presets_and_refusals() {
    let (db, _) = shop();
    let one = |csv: CsvOptions| Export {
        format: Format::Csv,
        csv,
        ..Export::xlsx(vec![sheet(
            json!({"dataset": "movements", "filter": {"order": "oldest_first"}}),
        )])
    };
    let plain = String::from_utf8(db.export_bytes(&one(CsvOptions::default())).unwrap()).unwrap();
    let lines: Vec<&str> = plain.split('\n').collect();
    assert!(lines[0].starts_with("Movement,Effective at,Recorded at,SKU"));
    assert!(
        lines[1].starts_with("1,2026-03-15T12:00:00+01:00,"),
        "RFC 3339 in the business zone: {}",
        lines[1]
    );
    assert!(lines[1].contains(",00042,"));
    assert!(
        lines[2].contains(",-2.5,"),
        "typed numbers untouched: {}",
        lines[2]
    );
    assert_eq!(lines.len(), 4, "LF after every record");

    let excel = db
        .export_bytes(&one(CsvOptions {
            preset: CsvPreset::Excel,
            delimiter: Some(";".into()),
            decimal_separator: Some(",".into()),
            ..CsvOptions::default()
        }))
        .unwrap();
    assert_eq!(&excel[..3], "\u{feff}".as_bytes(), "a BOM first");
    let excel = String::from_utf8(excel[3..].to_vec()).unwrap();
    let lines: Vec<&str> = excel.split("\r\n").collect();
    assert!(
        lines[1].starts_with("1;2026-03-15 12:00:00;"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(";-2,5;"), "{}", lines[2]);
    let quoted = String::from_utf8(
        db.export_bytes(&one(CsvOptions {
            quote_all: Some(true),
            line_ending: Some(LineEnding::Crlf),
            ..CsvOptions::default()
        }))
        .unwrap(),
    )
    .unwrap();
    assert!(quoted.starts_with("\"Movement\",\"Effective at\""));

    for (options, field) in [
        (
            CsvOptions {
                delimiter: Some(";;".into()),
                ..CsvOptions::default()
            },
            "csv.delimiter",
        ),
        (
            CsvOptions {
                decimal_separator: Some(",".into()),
                ..CsvOptions::default()
            },
            "csv.decimal_separator",
        ),
    ] {
        assert!(matches!(
            db.export_bytes(&one(options)),
            Err(Error::InvalidInput { field: f, .. }) if f == field
        ));
    }
    let two = Export {
        format: Format::Csv,
        ..Export::xlsx(vec!["movements".parse().unwrap(), "stock".parse().unwrap()])
    };
    assert!(
        matches!(db.export_bytes(&two), Err(Error::InvalidInput { field, .. }) if field == "sheets")
    );
    let paged = Export::xlsx(vec![sheet(
        json!({"dataset": "movements", "filter": {"limit": 5}}),
    )]);
    assert!(matches!(
        db.export_bytes(&paged),
        Err(Error::InvalidInput { field, .. }) if field == "sheets[0].filter.limit"
    ));
    let bad_warehouse = Export::xlsx(vec![sheet(json!({"dataset": "stock", "warehouse": 99}))]);
    assert!(
        matches!(
            db.export_bytes(&bad_warehouse),
            Err(Error::NotFound {
                entity: "warehouse",
                ..
            })
        ),
        "as in stock_levels"
    );
    let unknown = api::call(
        &db,
        r#"{"op":"export","path":"x.csv","export":{"format":"csv","sheets":[{"dataset":"movments"}]}}"#,
    );
    assert!(
        matches!(unknown, Err(Error::InvalidInput { .. })),
        "{unknown:?}"
    );
}

#[test]
fn every_dataset_exports_with_its_list_filters_in_one_workbook() {
    let (db, oak) = shop();
    let supplier = db
        .create_supplier(&NewSupplier {
            name: "Bois & Co".into(),
            email: None,
            phone: None,
            notes: None,
        })
        .unwrap()
        .id;
    db.create_purchase_order(&NewPurchaseOrder {
        supplier,
        reference: "PO-0001".into(),
        note: None,
        lines: vec![NewPurchaseLine {
            item: oak.into(),
            quantity: d("4"),
            unit_cost: d("5"),
            warehouse: None,
        }],
    })
    .unwrap();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("9"), d("3"))).unwrap();
    for id in ["0001", "0002"] {
        db.place_order(
            &super::crm::mug_order(id, "2", Customer::default(), false),
            None,
        )
        .unwrap();
    }
    db.pay_order("0002", None).unwrap();
    let lea = db
        .create_contact(&NewContact::person("Léa"), None)
        .unwrap()
        .id;
    db.log_interaction(
        &NewInteraction::new(InteractionKind::Call, lea, "Called about stools"),
        None,
    )
    .unwrap();
    let book_sheets = vec![
        sheet(json!({"dataset": "movements", "filter": {"item": "00042", "reason": "sale"}})),
        sheet(json!({"dataset": "stock", "as_of": "2026-03-15T12:00:00Z"})),
        sheet(json!({"dataset": "cost_layers", "item": "00042"})),
        "purchase_orders".parse().unwrap(),
        "purchase_lines".parse().unwrap(),
        sheet(json!({"dataset": "orders", "filter": {"status": "placed", "after": 1}})),
        "order_lines".parse().unwrap(),
        "order_events".parse().unwrap(),
        "contacts".parse().unwrap(),
        "interactions".parse().unwrap(),
        "opportunities".parse().unwrap(),
        sheet(
            json!({"name": "Daily", "dataset": "erp_kpi", "table": "daily_flows", "query": {"period": "2026-03"}}),
        ),
        sheet(json!({"dataset": "crm_kpi", "table": "summary"})),
    ];
    let summary = db.export_bytes(&Export::xlsx(book_sheets)).map(workbook);
    let mut book = summary.unwrap();
    let counts: Vec<(String, usize)> = book
        .sheet_names()
        .into_iter()
        .map(|n| {
            let rows = rows_of(&mut book, &n).len() - 1;
            (n, rows)
        })
        .collect();
    let counts: Vec<(&str, usize)> = counts.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_eq!(
        counts,
        [
            ("Movements", 1),
            ("Stock", 1),
            ("Cost layers", 1),
            ("Purchase orders", 1),
            ("Purchase lines", 1),
            ("Orders", 1),
            ("Order lines", 2),
            ("Order events", 3),
            ("Contacts", 1),
            ("Interactions", 1),
            ("Opportunities", 0),
            ("Daily", 31),
            ("CRM", counts[12].1),
        ]
    );
    let stock = rows_of(&mut book, "Stock");
    assert_eq!(
        number(&stock[1][4]),
        10.0,
        "as of noon on the 15th: before the sale"
    );
    assert_eq!(stock[1][5], Data::Empty, "reservations have no history");
    let daily = rows_of(&mut book, "Daily");
    assert!(
        matches!(&daily[1][0], Data::DateTime(dt) if dt.as_f64() == 46082.0),
        "{:?}",
        daily[1][0]
    );
    assert_eq!(number(&daily[15][2]), 45.0, "the 15th: 10 in at 4.5");
    let orders = rows_of(&mut book, "Orders");
    assert_eq!(text(&orders[1][1]), "0002");
    assert_eq!(orders[1][8], Data::Bool(true));
}

#[test]
fn the_dashboard_workbook_has_native_charts_and_the_calls_own_definitions() {
    let (db, _) = shop();
    let erp = ErpQuery::period("2026-03".parse().unwrap());
    let crm = CrmQuery::default();
    let export = Export::xlsx(vec![Sheet::from(Dataset::Dashboards {
        erp: erp.clone(),
        crm: crm.clone(),
    })]);
    let bytes = db.export_bytes(&export).unwrap();
    // The charts are drawings in the package, one per chart.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
    let charts: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(String::from))
        .filter(|n| n.starts_with("xl/charts/chart"))
        .collect();
    assert_eq!(charts.len(), 3, "{charts:?}");
    let mut kinds = String::new();
    for name in &charts {
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut kinds)
            .unwrap();
    }
    assert!(kinds.contains("<c:lineChart>"));
    assert_eq!(kinds.matches("<c:barChart>").count(), 2);
    assert!(
        kinds.contains("'Daily flows'!$A$2:$A$32"),
        "the line chart reads the flows table"
    );

    let mut book = workbook(bytes);
    let names = book.sheet_names();
    for expected in [
        "ERP",
        "Daily flows",
        "Top materials",
        "Low stock",
        "CRM",
        "Pipeline",
        "Owners",
        "Definitions",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let dashboard = db.erp_dashboard(&erp).unwrap();
    let summary = rows_of(&mut book, "ERP");
    let valuation = summary
        .iter()
        .find(|r| r[0] == Data::String("stock_valuation".into()))
        .unwrap();
    assert_eq!(
        number(&valuation[2]).to_string(),
        dashboard.valuation.total.to_string()
    );
    assert_eq!(text(&valuation[6]), "2026-03");
    let definitions = rows_of(&mut book, "Definitions");
    assert_eq!(text(&definitions[0][1]), "Formula");
    let row = definitions
        .iter()
        .find(|r| r[0] == Data::String("stock_valuation".into()))
        .unwrap();
    assert_eq!(text(&row[1]), dashboard.valuation.definition.formula);
    assert_eq!(text(&row[8]), "Europe/Paris");
    assert_eq!(definitions.len(), 18, "a header and every KPI's definition");
    let csv = Export {
        format: Format::Csv,
        ..export
    };
    assert!(
        matches!(db.export_bytes(&csv), Err(Error::InvalidInput { field, .. }) if field == "sheets[0].dataset")
    );
}
