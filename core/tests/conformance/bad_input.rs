//! Bad input found by trying Racine as production would: each is refused
//! with a typed error naming the field, and writes nothing; no accepted
//! write makes a later read fail.

use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn db() -> Database {
    super::open()
}

fn warehouse(db: &Database, code: &str) -> i64 {
    db.create_warehouse(&NewWarehouse {
        code: code.into(),
        name: code.into(),
        is_default: false,
    })
    .unwrap()
    .id
}

fn refused_field(e: Error) -> (String, String) {
    match e.root() {
        Error::InvalidInput { field, message } => (field.clone(), message.clone()),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// 9e12 in each of two warehouses would make the item's total (and the
/// shop's value) unreadable: the second receipt is refused instead.
#[test]
fn a_write_that_would_overflow_a_later_total_is_refused() {
    let db = db();
    let a = db.create_item(&NewItem::new("BIG", "Big")).unwrap().id;
    let second = warehouse(&db, "W2");
    let big = d("9000000000000");
    db.post(&Movement::receipt(a, big, Decimal::ZERO)).unwrap();
    let err = db
        .post(&Movement::receipt(a, big, Decimal::ZERO).warehouse(second))
        .unwrap_err();
    let (field, message) = refused_field(err);
    assert_eq!(field, "quantity");
    assert!(
        message.contains("on hand total of BIG across its warehouses"),
        "{message}"
    );
    // Nothing was written and every read still works.
    assert_eq!(db.stock(a, None).unwrap().on_hand, big);
    assert!(db.stock(a, Some(second)).unwrap().on_hand.is_zero());
    db.stock_levels(&StockFilter::default()).unwrap();
    assert!(db.stock_value(None).unwrap().is_zero());

    // Values: two items each worth 5e12 would make the shop's value unreadable.
    let x = db.create_item(&NewItem::new("X", "X")).unwrap().id;
    let y = db.create_item(&NewItem::new("Y", "Y")).unwrap().id;
    db.post(&Movement::receipt(x, d("5"), d("1000000000000")))
        .unwrap();
    let err = db
        .post(&Movement::receipt(y, d("5"), d("1000000000000")).warehouse(second))
        .unwrap_err();
    let (_, message) = refused_field(err);
    assert!(
        message.contains("stock value of all warehouses"),
        "{message}"
    );
    assert_eq!(db.stock_value(None).unwrap(), d("5000000000000"));
    assert_eq!(db.stock_value(Some(second)).unwrap(), Decimal::ZERO);
    let as_of = db.stock_as_of(a, None, jiff::Timestamp::now()).unwrap();
    assert_eq!(as_of.on_hand, big);
    assert!(db.verify().unwrap().is_clean());
}

/// One decimal grammar, stated in its message: an optional `-`, digits, and
/// optionally `.` and 1–6 more digits (more are accepted only when zero).
#[test]
fn one_decimal_grammar_the_same_everywhere() {
    for (text, value) in [
        ("5", "5"),
        ("-5", "-5"),
        ("0.10000000", "0.1"),
        ("12.500000", "12.5"),
        ("0.000001", "0.000001"),
        ("007", "7"),
    ] {
        assert_eq!(
            text.parse::<Decimal>().unwrap().to_string(),
            value,
            "{text}"
        );
    }
    for text in [
        " 5",
        "5 ",
        "+5",
        "5.",
        ".5",
        "",
        "-",
        "1e3",
        "1,5",
        "0.0000001",
        "5..0",
        "--5",
        "٣",
    ] {
        let e = text.parse::<Decimal>().unwrap_err().to_string();
        assert!(
            e.contains(
                "digits, optionally a '.' and up to 6 decimals, with an optional leading '-'"
            ) || e.contains("more than 6 decimals"),
            "{text:?}: {e}"
        );
    }
    // Through JSON, the field is named.
    let db = db();
    let a = db.create_item(&NewItem::new("A", "A")).unwrap().id;
    let request = format!(
        r#"{{"op":"post","movement":{{"kind":"receipt","item":{a},"quantity":"+5","unit_cost":"1"}}}}"#
    );
    let (field, _) = refused_field(api::call(&db, &request).unwrap_err());
    assert_eq!(field, "movement.quantity");
}

#[test]
fn every_operation_refuses_unknown_fields() {
    let db = db();
    for request in [
        r#"{"op":"verify","deep":true}"#,
        r#"{"op":"info","verbose":1}"#,
    ] {
        let e = api::call(&db, request).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{request}");
        assert!(e.to_string().contains("unknown field"), "{request}: {e}");
    }
}

/// An empty list of lines means no lines, never "all of them".
#[test]
fn an_empty_set_of_lines_is_refused_not_taken_as_all() {
    let db = db();
    db.create_item(&NewItem::new("A", "A")).unwrap();
    let a = db.item_by_sku("A").unwrap().id;
    db.post(&Movement::receipt(a, d("5"), d("1"))).unwrap();
    let order = NewOrder {
        external_id: "1".into(),
        customer: Customer::default(),
        currency: "EUR".into(),
        lines: vec![NewOrderLine {
            sku: "A".into(),
            quantity: d("2"),
            unit_price: d("3"),
            warehouse: None,
        }],
        placed_at: None,
        expires_at: None,
        create_contact: false,
    };
    db.place_order(&order, None).unwrap();
    let (field, message) = refused_field(db.fulfil_order("1", Some(&[]), None).unwrap_err());
    assert_eq!(field, "lines");
    assert!(message.contains("leave `lines` out"), "{message}");
    assert_eq!(db.order("1").unwrap().status, OrderStatus::Placed);
    // Through JSON: `lines: []` is refused, no `lines` ships what remains.
    let (field, _) = refused_field(
        api::call(&db, r#"{"op":"fulfil_order","external_id":"1","lines":[]}"#).unwrap_err(),
    );
    assert_eq!(field, "lines");
    let shipped = api::call(&db, r#"{"op":"fulfil_order","external_id":"1"}"#).unwrap();
    assert_eq!(shipped["status"], "fulfilled");

    let supplier = db
        .create_supplier(&NewSupplier {
            name: "Acme".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let po = db
        .create_purchase_order(&NewPurchaseOrder {
            supplier,
            reference: "PO-1".into(),
            note: None,
            lines: vec![NewPurchaseLine {
                item: a.into(),
                quantity: d("4"),
                unit_cost: d("1.5"),
                warehouse: None,
            }],
        })
        .unwrap();
    let receipt = PurchaseReceipt {
        lines: Some(vec![]),
        ..Default::default()
    };
    let (field, _) = refused_field(db.receive_purchase(po.id, &receipt, None).unwrap_err());
    assert_eq!(field, "lines");
    assert_eq!(db.stock(a, None).unwrap().on_hand, d("3"));
}

/// An idempotency key is text: a control character (NUL, which one engine
/// cannot store) is refused naming the key, and nothing is written.
#[test]
fn an_idempotency_key_with_a_control_character_is_refused() {
    let db = db();
    let oak = db.create_item(&NewItem::new("OAK", "Oak")).unwrap().id;
    for key in ["a\0b", "tab\there", "line\nbreak"] {
        let e = db
            .post_once(&Movement::receipt(oak, d("1"), d("1")), key)
            .unwrap_err();
        assert_eq!(refused_field(e).0, "idempotency_key", "{key:?}");
    }
    assert_eq!(db.stock(oak, None).unwrap().on_hand, Decimal::ZERO);
}

/// A key holding NUL names nothing (no stored key can hold it): looking
/// it up is `not_found`, the same on every engine, and writes nothing.
#[test]
fn a_key_holding_nul_is_not_found() {
    let db = db();
    let oak = db.create_item(&NewItem::new("OAK", "Oak")).unwrap().id;
    db.post(&Movement::receipt(oak, d("3"), d("1"))).unwrap();
    let nul = "OAK\0";
    let not_found = |r: std::result::Result<(), Error>, what: &str| match r {
        Err(Error::NotFound { .. }) => {}
        other => panic!("{what}: expected not_found, got {other:?}"),
    };
    not_found(db.item(nul).map(|_| ()), "item");
    not_found(db.stock(nul, None).map(|_| ()), "stock");
    not_found(db.post(&Movement::issue(nul, d("1"))).map(|_| ()), "post");
    not_found(db.order(nul).map(|_| ()), "order");
    not_found(db.pay_order(nul, None).map(|_| ()), "pay_order");
    not_found(db.fulfil_order(nul, None, None).map(|_| ()), "fulfil_order");
    not_found(db.cancel_order(nul, None).map(|_| ()), "cancel_order");
    not_found(
        db.warehouse_by_code("MAIN\0").map(|_| ()),
        "warehouse_by_code",
    );
    not_found(
        db.contact_by_external_id("C\0").map(|_| ()),
        "contact_by_external_id",
    );
    assert_eq!(db.stock(oak, None).unwrap().on_hand, d("3"));
}
