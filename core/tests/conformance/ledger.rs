//! The stock ledger: valuation, refusals, batches, counts, transfers,
//! idempotency, history, master data.

use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn db() -> Database {
    super::open()
}

fn item(db: &Database, sku: &str, valuation: ValuationMethod) -> i64 {
    db.create_item(&NewItem {
        valuation,
        ..NewItem::new(sku, sku)
    })
    .unwrap()
    .id
}

fn movement_count(db: &Database) -> usize {
    db.movements(&MovementFilter {
        page: PageRequest::first(1000),
        ..Default::default()
    })
    .unwrap()
    .items
    .len()
}

#[test]
fn moving_average_worked_example() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::MovingAverage);
    db.post(&Movement::receipt(a, d("10"), d("100"))).unwrap();
    db.post(&Movement::receipt(a, d("10"), d("120"))).unwrap();
    let s = db.stock(a, None).unwrap();
    assert_eq!((s.unit_value, s.value), (d("110"), d("2200")));
    let out = db.post(&Movement::issue(a, d("5"))).unwrap().movements;
    assert_eq!(out[0].value_change, d("-550"));
    assert_eq!(out[0].unit_cost, d("110"));
    let s = db.stock(a, None).unwrap();
    assert_eq!((s.on_hand, s.value), (d("15"), d("1650")));
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn fifo_and_lifo_worked_examples() {
    let db = db();
    let f = item(&db, "F", ValuationMethod::Fifo);
    let l = item(&db, "L", ValuationMethod::Lifo);
    for i in [f, l] {
        db.post(&Movement::receipt(i, d("68"), d("15"))).unwrap();
        db.post(&Movement::receipt(i, d("140"), d("15.5"))).unwrap();
    }
    let fifo = db.post(&Movement::issue(f, d("94"))).unwrap().movements;
    assert_eq!(fifo[0].value_change, d("-1423"));
    let lifo = db.post(&Movement::issue(l, d("94"))).unwrap().movements;
    assert_eq!(lifo[0].value_change, d("-1457"));
    // The rest of the stock empties to exactly zero value.
    db.post(&Movement::issue(f, d("114"))).unwrap();
    assert_eq!(db.stock(f, None).unwrap().value, Decimal::ZERO);
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn negative_stock_is_refused_with_its_figures_and_writes_nothing() {
    let db = db();
    let a = item(&db, "CHAIR", ValuationMethod::Fifo);
    db.post(&Movement::receipt(a, d("3"), d("10"))).unwrap();
    let before = db.stock(a, None).unwrap();
    let err = db.post(&Movement::issue(a, d("4"))).unwrap_err();
    match &err {
        Error::NegativeStock {
            sku,
            warehouse,
            available,
            requested,
            ..
        } => {
            assert_eq!(sku, "CHAIR");
            assert_eq!(warehouse, "MAIN");
            assert_eq!((*available, *requested), (d("3"), d("4")));
        }
        other => panic!("expected NegativeStock, got {other:?}"),
    }
    assert_eq!(err.code(), ErrorCode::NegativeStock);
    assert_eq!(err.code() as u32, 3);
    assert!(err.to_string().contains("3 available, 4 requested"));
    assert_eq!(err.details()["requested"], "4");
    assert_eq!(db.stock(a, None).unwrap(), before);
    assert_eq!(movement_count(&db), 1);
    // Adjustments and counts go through the same check.
    assert!(matches!(
        db.post(&Movement::adjustment(a, d("-5"), Reason::Breakage)),
        Err(Error::NegativeStock { .. })
    ));
}

#[test]
fn allowed_negative_stock_follows_erpnext_and_zero_means_zero_value() {
    let db = db();
    let a = db
        .create_item(&NewItem {
            allow_negative: true,
            valuation: ValuationMethod::MovingAverage,
            ..NewItem::new("NEG", "Negative allowed")
        })
        .unwrap()
        .id;
    db.post(&Movement::receipt(a, d("10"), d("100"))).unwrap();
    let out = db.post(&Movement::issue(a, d("15"))).unwrap().movements;
    assert_eq!(out[0].value_change, d("-1500"));
    assert_eq!(
        (out[0].balance_after, out[0].value_after),
        (d("-5"), d("-500"))
    );
    let back = db
        .post(&Movement::receipt(a, d("5"), d("130")))
        .unwrap()
        .movements;
    assert_eq!(back[0].value_change, d("500"));
    let s = db.stock(a, None).unwrap();
    assert_eq!((s.on_hand, s.value), (Decimal::ZERO, Decimal::ZERO));
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn a_batch_is_all_or_nothing_and_names_the_failing_entry() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let b = item(&db, "B", ValuationMethod::Fifo);
    let batch = vec![
        Movement::receipt(a, d("5"), d("2")),
        Movement::receipt(b, d("1"), d("2")),
        Movement::issue(a, d("3")),
        Movement::issue(b, d("2")),
    ];
    let err = db.post_batch(&batch).unwrap_err();
    let Error::InBatch { index, source } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*index, 3);
    assert!(matches!(**source, Error::NegativeStock { .. }));
    assert_eq!(err.code(), ErrorCode::NegativeStock);
    assert_eq!(err.details()["index"], 3);
    assert_eq!(movement_count(&db), 0);
    assert!(db.stock(a, None).unwrap().on_hand.is_zero());
    // A bad field is refused before anything is read.
    let bad = [
        Movement::receipt(a, d("1"), d("1")),
        Movement::issue(a, d("0")),
    ];
    let err = db.post_batch(&bad).unwrap_err();
    assert!(matches!(err, Error::InBatch { index: 1, .. }));
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    // The good batch goes through in one piece.
    let ok = db.post_batch(&batch[..3]).unwrap();
    assert_eq!(ok.movements.len(), 3);
    assert_eq!(db.stock(a, None).unwrap().on_hand, d("2"));
    assert!(db.post_batch(&[]).is_err());
}

#[test]
fn inventory_count_posts_the_difference_or_nothing() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::MovingAverage);
    db.post(&Movement::receipt(a, d("10"), d("3"))).unwrap();
    let down = db.post(&Movement::count(a, d("8"))).unwrap().movements;
    assert_eq!(down.len(), 1);
    assert_eq!(
        (down[0].quantity, down[0].reason),
        (d("-2"), Reason::InventoryCount)
    );
    assert_eq!(down[0].value_change, d("-6"));
    assert!(db
        .post(&Movement::count(a, d("8")))
        .unwrap()
        .movements
        .is_empty());
    let up = db.post(&Movement::count(a, d("9"))).unwrap().movements;
    assert_eq!((up[0].quantity, up[0].value_change), (d("1"), d("3")));
    assert_eq!(db.stock(a, None).unwrap().on_hand, d("9"));
    assert!(db.post(&Movement::count(a, d("-1"))).is_err());
}

#[test]
fn transfer_moves_quantity_and_cost_in_one_transaction() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let main = db.default_warehouse().unwrap().id;
    let shop = db
        .create_warehouse(&NewWarehouse {
            code: "SHOP".into(),
            name: "Shop floor".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    db.post(&Movement::receipt(a, d("2"), d("10"))).unwrap();
    db.post(&Movement::receipt(a, d("2"), d("16"))).unwrap();
    let legs = db
        .post(&Movement::transfer(a, main, shop, d("3")))
        .unwrap()
        .movements;
    assert_eq!(legs.len(), 2);
    assert_eq!(
        (legs[0].reason, legs[1].reason),
        (Reason::TransferOut, Reason::TransferIn)
    );
    assert_eq!(legs[0].value_change, d("-36"));
    assert_eq!(legs[1].value_change, d("36"));
    assert_eq!(legs[0].transfer_id, Some(legs[0].id));
    assert_eq!(legs[1].transfer_id, Some(legs[0].id));
    assert_eq!(db.stock(a, Some(shop)).unwrap().value, d("36"));
    assert_eq!(db.stock(a, Some(main)).unwrap().value, d("16"));
    assert_eq!(db.stock(a, None).unwrap().value, d("52"));
    assert_eq!(db.stock_value(None).unwrap(), d("52"));
    assert_eq!(db.stock_by_warehouse(a).unwrap().len(), 2);
    // Refused transfer: nothing moves.
    assert!(db.post(&Movement::transfer(a, main, shop, d("2"))).is_err());
    assert!(db.post(&Movement::transfer(a, main, main, d("1"))).is_err());
    assert_eq!(db.stock(a, Some(main)).unwrap().on_hand, d("1"));
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn reasons_must_fit_the_kind_and_sign() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    db.post(&Movement::receipt(a, d("10"), d("1"))).unwrap();
    let refused = [
        Movement::adjustment(a, d("2"), Reason::Breakage),
        Movement::adjustment(a, d("-2"), Reason::CustomerReturn),
        Movement::adjustment(a, d("0"), Reason::ManualCorrection),
        Movement::adjustment(a, d("1"), Reason::TransferIn),
        Movement::issue(a, d("1")).reason(Reason::PurchaseReceipt),
        Movement::receipt(a, d("1"), d("1")).reason(Reason::Sale),
        Movement::issue(a, d("1"))
            .against_receipt(1)
            .reason(Reason::Sale),
        Movement::issue(a, d("-1")),
        Movement::receipt(a, d("1"), d("-1")),
        Movement::issue(a, d("1")).note("x".repeat(1001)),
        Movement::issue(a, d("1")).reference("bad\u{0}ref"),
    ];
    for m in &refused {
        let err = db.post(m).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{m:?}: {err}");
    }
    // Receipts without a cost need a reason that tolerates the prevailing rate.
    let mut no_cost = Movement::receipt(a, d("1"), d("1"));
    no_cost.unit_cost = None;
    assert_eq!(
        db.post(&no_cost).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let back = db
        .post(&no_cost.reason(Reason::CustomerReturn))
        .unwrap()
        .movements;
    assert_eq!(back[0].unit_cost, d("1"));
    let ok = db
        .post(&Movement::adjustment(a, d("-1"), Reason::Loss).note("stolen"))
        .unwrap();
    assert_eq!(ok.movements[0].note.as_deref(), Some("stolen"));
    assert_eq!(movement_count(&db), 3);
}

#[test]
fn unknown_ids_are_not_found() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let err = db
        .post(&Movement::receipt(999, d("1"), d("1")))
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { entity: "item", .. }),
        "{err}"
    );
    let err = db
        .post(&Movement::receipt(a, d("1"), d("1")).warehouse(77))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::NotFound {
            entity: "warehouse",
            ..
        }
    ));
    assert!(matches!(db.stock(999, None), Err(Error::NotFound { .. })));
    assert!(matches!(db.stock(a, Some(77)), Err(Error::NotFound { .. })));
    assert!(matches!(
        db.item_by_sku("nope"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(movement_count(&db), 0);
}

#[test]
fn idempotency_key_replays_the_first_result_and_refuses_a_different_request() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let receipt = Movement::receipt(a, d("5"), d("2")).reference("DN-1");
    let first = db.post_once(&receipt, "webhook-1").unwrap();
    let again = db.post_once(&receipt, "webhook-1").unwrap();
    assert_eq!(first, again);
    assert_eq!(
        first.movements[0].idempotency_key.as_deref(),
        Some("webhook-1")
    );
    assert_eq!(db.stock(a, None).unwrap().on_hand, d("5"));
    let err = db
        .post_once(&Movement::receipt(a, d("6"), d("2")), "webhook-1")
        .unwrap_err();
    assert!(matches!(err, Error::IdempotencyConflict { ref key } if key == "webhook-1"));
    let batch = [Movement::issue(a, d("1")), Movement::issue(a, d("1"))];
    db.post_batch_once(&batch, "batch-1").unwrap();
    db.post_batch_once(&batch, "batch-1").unwrap();
    assert_eq!(db.stock(a, None).unwrap().on_hand, d("3"));
    // A refused request under a key does not consume the key.
    assert!(db.post_once(&Movement::issue(a, d("9")), "k2").is_err());
    db.post_once(&Movement::issue(a, d("1")), "k2").unwrap();
    assert!(db.post_once(&receipt, "").is_err());
    assert_eq!(movement_count(&db), 4);
}

#[test]
fn history_filters_and_pages() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let b = item(&db, "B", ValuationMethod::Fifo);
    let t0: jiff::Timestamp = "2025-11-01T08:00:00Z".parse().unwrap();
    for i in 0..10 {
        let at = t0 + jiff::SignedDuration::from_hours(i);
        db.post(
            &Movement::receipt(if i % 2 == 0 { a } else { b }, d("1"), d("1"))
                .effective_at(at)
                .reference(format!("R{}", i % 3)),
        )
        .unwrap();
    }
    db.post(&Movement::adjustment(a, d("-1"), Reason::Breakage))
        .unwrap();
    let all = |f: MovementFilter| db.movements(&f).unwrap().items;
    assert_eq!(
        all(MovementFilter {
            item: Some(a.into()),
            ..Default::default()
        })
        .len(),
        6
    );
    assert_eq!(
        all(MovementFilter {
            reason: Some(Reason::Breakage),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        all(MovementFilter {
            reference: Some("R0".into()),
            ..Default::default()
        })
        .len(),
        4
    );
    let window = all(MovementFilter {
        from: Some(t0 + jiff::SignedDuration::from_hours(2)),
        to: Some(t0 + jiff::SignedDuration::from_hours(5)),
        order: SortOrder::OldestFirst,
        ..Default::default()
    });
    assert_eq!(
        window.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    // Pages of 4, newest first, cover everything exactly once.
    let mut seen = vec![];
    let mut after = None;
    loop {
        let page = db
            .movements(&MovementFilter {
                page: PageRequest {
                    limit: Some(4),
                    after,
                },
                ..Default::default()
            })
            .unwrap();
        seen.extend(page.items.iter().map(|m| m.id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, (1..=11).rev().collect::<Vec<_>>());
    assert!(db
        .movements(&MovementFilter {
            page: PageRequest::first(0),
            ..Default::default()
        })
        .is_err());
    assert!(db
        .movements(&MovementFilter {
            from: Some(t0),
            to: Some(t0),
            ..Default::default()
        })
        .is_err());
}

#[test]
fn stock_as_of_a_past_instant() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::MovingAverage);
    let day = |n: i64| {
        "2025-11-01T12:00:00Z".parse::<jiff::Timestamp>().unwrap()
            + jiff::SignedDuration::from_hours(24 * n)
    };
    db.post(&Movement::receipt(a, d("10"), d("100")).effective_at(day(0)))
        .unwrap();
    db.post(&Movement::receipt(a, d("10"), d("120")).effective_at(day(1)))
        .unwrap();
    db.post(&Movement::issue(a, d("5")).effective_at(day(2)))
        .unwrap();
    let at = |n| db.stock_as_of(a, None, day(n)).unwrap();
    assert_eq!((at(-1).on_hand, at(-1).value), (d("0"), d("0")));
    assert_eq!((at(0).on_hand, at(0).value), (d("10"), d("1000")));
    assert_eq!((at(1).on_hand, at(1).value), (d("20"), d("2200")));
    assert_eq!((at(2).on_hand, at(2).value), (d("15"), d("1650")));
}

#[test]
fn low_stock_listing_uses_available_against_reorder_point() {
    let db = db();
    let low = db
        .create_item(&NewItem {
            reorder_point: Some(d("5")),
            ..NewItem::new("LOW", "Low")
        })
        .unwrap()
        .id;
    let fine = db
        .create_item(&NewItem {
            reorder_point: Some(d("1")),
            ..NewItem::new("FINE", "Fine")
        })
        .unwrap()
        .id;
    item(&db, "NOPOINT", ValuationMethod::Fifo);
    db.post(&Movement::receipt(low, d("5"), d("1"))).unwrap();
    db.post(&Movement::receipt(fine, d("5"), d("1"))).unwrap();
    let page = db
        .stock_levels(&StockFilter {
            low_stock_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|l| l.sku.as_str())
            .collect::<Vec<_>>(),
        ["LOW"]
    );
    let every = db.stock_levels(&StockFilter::default()).unwrap();
    assert_eq!(every.items.len(), 3);
}

#[test]
fn master_data_create_update_deactivate_list() {
    let db = db();
    let a = db
        .create_item(&NewItem {
            unit: "kg".into(),
            kind: ItemKind::Product,
            ..NewItem::new("FLOUR", "Flour")
        })
        .unwrap();
    assert_eq!(
        db.create_item(&NewItem::new("FLOUR", "again"))
            .unwrap_err()
            .code(),
        ErrorCode::AlreadyExists
    );
    for bad in ["", "   ", "a\u{7}b"] {
        assert_eq!(
            db.create_item(&NewItem::new(bad, "x")).unwrap_err().code(),
            ErrorCode::InvalidInput
        );
    }
    let changed = db
        .update_item(
            a.id,
            &ItemChanges {
                name: Some("Wheat flour".into()),
                reorder_point: Some(Some(d("2.5"))),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (changed.name.as_str(), changed.reorder_point),
        ("Wheat flour", Some(d("2.5")))
    );
    assert_eq!(changed.unit, "kg");
    db.post(&Movement::receipt(a.id, d("1"), d("1"))).unwrap();
    let err = db
        .update_item(
            a.id,
            &ItemChanges {
                valuation: Some(ValuationMethod::Lifo),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition);
    let off = db.deactivate_item(a.id).unwrap();
    assert!(!off.active);
    let err = db
        .post(&Movement::receipt(a.id, d("1"), d("1")))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition);
    db.post(&Movement::issue(a.id, d("1"))).unwrap();
    for i in 0..5 {
        item(&db, &format!("SKU-{i}"), ValuationMethod::Fifo);
    }
    let active = db
        .items(&ItemFilter {
            active: Some(true),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(active.items.len(), 5);
    let search = db
        .items(&ItemFilter {
            search: Some("sku-3".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(search.items[0].sku, "SKU-3");
    let first = db
        .items(&ItemFilter {
            page: PageRequest::first(4),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(first.items.len(), 4);
    let rest = db
        .items(&ItemFilter {
            page: PageRequest {
                limit: Some(4),
                after: first.next,
            },
            ..Default::default()
        })
        .unwrap();
    assert_eq!((rest.items.len(), rest.next), (2, None));

    let w = db
        .create_warehouse(&NewWarehouse {
            code: "B2".into(),
            name: "Annex".into(),
            is_default: false,
        })
        .unwrap();
    assert_eq!(
        db.create_warehouse(&NewWarehouse {
            code: "B2".into(),
            name: "x".into(),
            is_default: false
        })
        .unwrap_err()
        .code(),
        ErrorCode::AlreadyExists
    );
    assert!(db
        .create_warehouse(&NewWarehouse {
            code: "A B".into(),
            name: "x".into(),
            is_default: false
        })
        .is_err());
    let main = db.default_warehouse().unwrap();
    assert_eq!(
        db.deactivate_warehouse(main.id).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    db.update_warehouse(
        w.id,
        &WarehouseChanges {
            is_default: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(db.default_warehouse().unwrap().code, "B2");
    assert!(!db.deactivate_warehouse(main.id).unwrap().active);
    assert_eq!(
        db.warehouses(&WarehouseFilter {
            active: Some(true),
            ..Default::default()
        })
        .unwrap()
        .items
        .len(),
        1
    );

    let s = db
        .create_supplier(&NewSupplier {
            name: "Moulin".into(),
            email: Some("contact@moulin.fr".into()),
            phone: Some("0612345678".into()),
            notes: None,
        })
        .unwrap();
    assert_eq!(s.phone.as_deref(), Some("0612345678"));
    assert!(db
        .create_supplier(&NewSupplier {
            name: "X".into(),
            email: Some("nope".into()),
            ..Default::default()
        })
        .is_err());
    let s2 = db
        .update_supplier(
            s.id,
            &SupplierChanges {
                phone: Some(String::new()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(s2.phone, None);
    assert_eq!(s2.email, s.email);
    db.deactivate_supplier(s.id).unwrap();
    assert_eq!(
        db.suppliers(&SupplierFilter {
            active: Some(false),
            ..Default::default()
        })
        .unwrap()
        .items[0]
            .name,
        "Moulin"
    );
}

#[test]
fn options_and_requests_have_a_strict_json_form() {
    let m: Movement = serde_json::from_str(
        r#"{"kind":"receipt","item":1,"quantity":"2.5","unit_cost":"10","reference":"PO-1"}"#,
    )
    .unwrap();
    assert_eq!(m, Movement::receipt(1, d("2.5"), d("10")).reference("PO-1"));
    for bad in [
        r#"{"kind":"receipt","item":1,"quantity":2.5,"unit_cost":"10"}"#,
        r#"{"kind":"receipt","item":1,"quantity":"1","unit_cost":"10","colour":"red"}"#,
        r#"{"kind":"teleport","item":1,"quantity":"1"}"#,
    ] {
        assert!(serde_json::from_str::<Movement>(bad).is_err(), "{bad}");
    }
    let o: OpenOptions = serde_json::from_str(r#"{"synchronous":"normal"}"#).unwrap();
    assert_eq!(
        (o.synchronous, o.busy_timeout_ms),
        (Synchronous::Normal, 10_000)
    );
}

/// A return to the supplier leaves at the cost it came in with: against a
/// receipt, or at a named rate; FIFO takes the layer at that rate first.
#[test]
fn an_issue_can_leave_at_a_named_rate_or_against_its_receipt() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let first = db.post(&Movement::receipt(a, d("10"), d("10"))).unwrap();
    let dear = db.post(&Movement::receipt(a, d("10"), d("12"))).unwrap();
    let dear_id = dear.movements[0].id;
    // Back to the supplier against the dear receipt: at 12, from its layer.
    let back = db
        .post(&Movement::issue(a, d("4")).against_receipt(dear_id))
        .unwrap();
    assert_eq!(back.movements[0].reason, Reason::SupplierReturn);
    assert_eq!(back.movements[0].value_change, d("-48"));
    let layers = db.cost_layers(a, None).unwrap().layers;
    let open: Vec<_> = layers
        .iter()
        .map(|l| (l.quantity, l.unit_cost, l.movement))
        .collect();
    assert_eq!(
        open,
        [
            (d("10"), d("10"), Some(first.movements[0].id)),
            (d("6"), d("12"), Some(dear_id))
        ]
    );
    // A named rate with no layer at it: leaves at it, the layers merge.
    db.post(
        &Movement::issue(a, d("2"))
            .unit_cost(d("11"))
            .reason(Reason::ManualCorrection),
    )
    .unwrap();
    let merged = db.cost_layers(a, None).unwrap().layers;
    assert_eq!(merged.len(), 1);
    assert_eq!((merged[0].quantity, merged[0].value), (d("14"), d("150")));
    // Without a named rate nothing changes: FIFO from the (merged) layer.
    let plain = db.post(&Movement::issue(a, d("7"))).unwrap();
    assert_eq!(plain.movements[0].value_change, d("-75"));
    // A receipt of another item cannot be sent back from this one.
    let b = item(&db, "B", ValuationMethod::MovingAverage);
    let b_receipt = db
        .post(&Movement::receipt(b, d("5"), d("2")))
        .unwrap()
        .movements[0]
        .id;
    let err = db
        .post(&Movement::issue(a, d("1")).against_receipt(b_receipt))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput { ref field, .. } if field == "against_receipt"),
        "{err}"
    );
    assert_eq!(
        db.post(&Movement::issue(a, d("1")).against_receipt(999))
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    // Moving average: leaves at the rate, what stays is re-averaged.
    db.post(&Movement::receipt(b, d("5"), d("4"))).unwrap();
    db.post(&Movement::issue(b, d("5")).against_receipt(b_receipt))
        .unwrap();
    let s = db.stock(b, None).unwrap();
    assert_eq!(
        (s.on_hand, s.value, s.unit_value),
        (d("5"), d("20"), d("4"))
    );
    assert!(db.cost_layers(b, None).unwrap().layers.is_empty());
    assert!(db.verify().unwrap().is_clean());
}

/// A backdated issue that would make a past instant's stock negative is
/// refused with that instant; one that fits the history is accepted.
#[test]
fn a_backdated_issue_may_not_make_the_past_negative() {
    let db = db();
    let a = item(&db, "A", ValuationMethod::Fifo);
    let t = |s: &str| -> jiff::Timestamp { s.parse().unwrap() };
    db.post(&Movement::receipt(a, d("10"), d("1")).effective_at(t("2026-03-10T00:00:00Z")))
        .unwrap();
    db.post(&Movement::issue(a, d("10")).effective_at(t("2026-03-20T00:00:00Z")))
        .unwrap();
    db.post(&Movement::receipt(a, d("10"), d("1")).effective_at(t("2026-03-25T00:00:00Z")))
        .unwrap();
    // Today 10 are on hand, but on the 20th there were none left after the
    // sale: an issue dated the 15th would make the 20th negative.
    let err = db
        .post(&Movement::issue(a, d("4")).effective_at(t("2026-03-15T00:00:00Z")))
        .unwrap_err();
    match err {
        Error::NegativeStock {
            available,
            requested,
            at,
            ..
        } => {
            assert_eq!((available, requested), (d("0"), d("4")));
            assert_eq!(at, Some(t("2026-03-20T00:00:00Z")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(db.stock(a, None).unwrap().on_hand, d("10"));
    let then = db.stock_as_of(a, None, t("2026-03-21T00:00:00Z")).unwrap();
    assert_eq!(then.on_hand, d("0"));
    // Dated after the last dip it fits.
    db.post(&Movement::issue(a, d("4")).effective_at(t("2026-03-26T00:00:00Z")))
        .unwrap();
    // An item that allows negative stock may go negative in the past too.
    let n = db
        .create_item(&NewItem {
            allow_negative: true,
            ..NewItem::new("N", "N")
        })
        .unwrap()
        .id;
    db.post(&Movement::receipt(n, d("1"), d("1")).effective_at(t("2026-03-20T00:00:00Z")))
        .unwrap();
    db.post(&Movement::issue(n, d("3")).effective_at(t("2026-03-01T00:00:00Z")))
        .unwrap();
    assert!(db.verify().unwrap().is_clean());
}

/// What a connection keeps of items and warehouses between writes is never
/// stale: a change made through another connection (another PHP-FPM worker,
/// another app server) applies to this connection's very next write.
#[test]
fn master_data_changed_by_another_connection_applies_to_the_next_write() {
    let shared = super::shared();
    let (here, there) = ((shared.connect)(), (shared.connect)());
    let a = item(&here, "A", ValuationMethod::MovingAverage);
    here.post(&Movement::receipt(a, d("2"), d("5"))).unwrap();
    here.post(&Movement::issue("A", d("1"))).unwrap(); // rules and SKU now kept here
    let err = here.post(&Movement::issue(a, d("5"))).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NegativeStock);

    // Elsewhere, the item may go negative: here, the next issue may too.
    there
        .update_item(
            a,
            &ItemChanges {
                allow_negative: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    here.post(&Movement::issue(a, d("5"))).unwrap();

    // Elsewhere, it is deactivated: here, a receipt is refused.
    there.deactivate_item(a).unwrap();
    let err = here
        .post(&Movement::receipt("A", d("1"), d("5")))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition);

    // A new default warehouse elsewhere is where this connection's next
    // movement without a warehouse goes.
    let b = item(&there, "B", ValuationMethod::Fifo);
    let w2 = there
        .create_warehouse(&NewWarehouse {
            code: "W2".into(),
            name: "Second".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    here.post(&Movement::receipt("B", d("1"), d("1"))).unwrap();
    there
        .update_warehouse(
            w2,
            &WarehouseChanges {
                is_default: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    let moved = here.post(&Movement::receipt(b, d("1"), d("1"))).unwrap();
    assert_eq!(moved.movements[0].warehouse, w2);
    assert!(here.verify().unwrap().is_clean());
}
