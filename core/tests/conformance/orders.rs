//! Orders moving stock: every transition and every refusal.

use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

struct Shop {
    db: Database,
    mug: i64,
    cup: i64,
}

fn shop(policy: StockPolicy) -> Shop {
    let db = super::open();
    db.set_stock_policy(policy).unwrap();
    let mug = db
        .create_item(&NewItem {
            valuation: ValuationMethod::MovingAverage,
            ..NewItem::new("MUG", "Mug")
        })
        .unwrap()
        .id;
    let cup = db.create_item(&NewItem::new("CUP", "Cup")).unwrap().id;
    db.post(&Movement::receipt(mug, d("10"), d("4"))).unwrap();
    db.post(&Movement::receipt(cup, d("5"), d("2"))).unwrap();
    Shop { db, mug, cup }
}

fn order(id: &str, lines: &[(&str, &str)]) -> NewOrder {
    NewOrder {
        external_id: id.into(),
        customer: Customer {
            external_id: Some("C-7".into()),
            email: Some("ana@example.com".into()),
            name: Some("Ana".into()),
        },
        currency: "EUR".into(),
        lines: lines
            .iter()
            .map(|(sku, q)| NewOrderLine {
                sku: sku.to_string(),
                quantity: d(q),
                unit_price: d("9.90"),
                warehouse: None,
            })
            .collect(),
        placed_at: None,
        expires_at: None,
        create_contact: false,
    }
}

fn levels(s: &Shop, item: i64) -> (String, String, String) {
    let l = s.db.stock(item, None).unwrap();
    (
        l.on_hand.to_string(),
        l.reserved.to_string(),
        l.available.to_string(),
    )
}

fn lv(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

#[test]
fn placing_reserves_every_line_and_a_replayed_webhook_changes_nothing() {
    let s = shop(StockPolicy::Reserve);
    let o = order("1042", &[("MUG", "3"), ("CUP", "1")]);
    let placed = s.db.place_order(&o, Some("wh:1042:placed")).unwrap();
    assert_eq!(
        (placed.status, placed.paid, placed.total),
        (OrderStatus::Placed, false, d("39.6"))
    );
    assert_eq!(placed.reservations.len(), 2);
    assert_eq!(placed.lines[0].reserved, d("3"));
    assert_eq!(placed.customer.email.as_deref(), Some("ana@example.com"));
    assert_eq!(levels(&s, s.mug), lv("10", "3", "7"));
    assert!(placed.movements.is_empty());

    assert_eq!(
        s.db.place_order(&o, Some("wh:1042:placed")).unwrap(),
        placed
    );
    assert_eq!(levels(&s, s.mug), lv("10", "3", "7"));
    let other = order("1042", &[("MUG", "4")]);
    assert_eq!(
        s.db.place_order(&other, Some("wh:1042:placed"))
            .unwrap_err()
            .code(),
        ErrorCode::IdempotencyConflict
    );
    assert_eq!(
        s.db.place_order(&o, None).unwrap_err().code(),
        ErrorCode::AlreadyExists
    );
    assert!(s.db.verify().unwrap().is_clean());
}

#[test]
fn a_short_order_lists_every_short_line_and_writes_nothing() {
    let s = shop(StockPolicy::Reserve);
    s.db.place_order(&order("1", &[("MUG", "8")]), None)
        .unwrap();
    let err =
        s.db.place_order(
            &order("2", &[("MUG", "1"), ("CUP", "6"), ("MUG", "2")]),
            None,
        )
        .unwrap_err();
    let Error::InsufficientAvailable { lines, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(err.code(), ErrorCode::InsufficientAvailable);
    let short: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.line,
                l.sku.as_str(),
                l.available.to_string(),
                l.requested.to_string(),
            )
        })
        .collect();
    // Line 1 fits (2 available); line 3 then finds only 1 left for its 2.
    assert_eq!(
        short,
        [
            (2, "CUP", "5".into(), "6".into()),
            (3, "MUG", "1".into(), "2".into())
        ]
    );
    assert_eq!(err.details()["lines"].as_array().unwrap().len(), 2);
    assert!(matches!(s.db.order("2"), Err(Error::NotFound { .. })));
    assert_eq!(levels(&s, s.mug), lv("10", "8", "2"));
    assert_eq!(levels(&s, s.cup), lv("5", "0", "5"));
    assert_eq!(
        s.db.place_order(&order("3", &[("NOPE", "1")]), None)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn paying_twice_is_one_payment() {
    let s = shop(StockPolicy::Reserve);
    s.db.place_order(&order("7", &[("MUG", "1")]), None)
        .unwrap();
    let paid = s.db.pay_order("7", Some("psp:evt_1")).unwrap();
    assert!(paid.paid);
    assert_eq!(s.db.pay_order("7", Some("psp:evt_1")).unwrap(), paid);
    let err = s.db.pay_order("7", Some("psp:evt_2")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition);
    assert_eq!(s.db.order("7").unwrap().events.len(), 2);
    assert_eq!(
        s.db.pay_order("nope", None).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn fulfilment_turns_reservations_into_sales_partly_then_fully() {
    let s = shop(StockPolicy::Reserve);
    s.db.place_order(&order("9", &[("MUG", "4"), ("CUP", "2")]), None)
        .unwrap();
    let part =
        s.db.fulfil_order(
            "9",
            Some(&[FulfilLine {
                line: 1,
                quantity: d("1"),
            }]),
            Some("ship-1"),
        )
        .unwrap();
    assert_eq!(part.status, OrderStatus::PartiallyFulfilled);
    assert_eq!(
        (part.lines[0].fulfilled, part.lines[0].reserved),
        (d("1"), d("3"))
    );
    assert_eq!(levels(&s, s.mug), lv("9", "3", "6"));
    let sale =
        s.db.movements(&MovementFilter {
            reason: Some(Reason::Sale),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(sale.items[0].order_id, Some(part.id));
    assert_eq!(sale.items[0].order_event_id, Some(part.events[1].id));
    assert_eq!(part.movements, vec![sale.items[0].id]);

    let err =
        s.db.fulfil_order(
            "9",
            Some(&[FulfilLine {
                line: 1,
                quantity: d("4"),
            }]),
            None,
        )
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::InvalidTransition,
        "more than ordered"
    );
    assert_eq!(
        s.db.fulfil_order(
            "9",
            Some(&[FulfilLine {
                line: 9,
                quantity: d("1")
            }]),
            None
        )
        .unwrap_err()
        .code(),
        ErrorCode::NotFound
    );
    assert_eq!(levels(&s, s.mug), lv("9", "3", "6"));

    let done = s.db.fulfil_order("9", None, None).unwrap();
    assert_eq!(done.status, OrderStatus::Fulfilled);
    assert!(done
        .reservations
        .iter()
        .all(|r| r.status == ReservationStatus::Fulfilled && r.pending.is_zero()));
    assert_eq!(levels(&s, s.mug), lv("6", "0", "6"));
    assert_eq!(levels(&s, s.cup), lv("3", "0", "3"));
    assert_eq!(
        s.db.fulfil_order("9", None, None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    assert!(s.db.verify().unwrap().is_clean());
}

#[test]
fn cancel_after_partial_fulfilment_releases_and_restocks_at_the_cost_that_left() {
    let s = shop(StockPolicy::Reserve);
    s.db.place_order(&order("5", &[("MUG", "4")]), None)
        .unwrap();
    s.db.fulfil_order(
        "5",
        Some(&[FulfilLine {
            line: 1,
            quantity: d("2"),
        }]),
        None,
    )
    .unwrap();
    // The average rate moves after the sale: 8 @ 4 + 8 @ 10 → 7.
    s.db.post(&Movement::receipt(s.mug, d("8"), d("10")))
        .unwrap();
    let cancelled = s.db.cancel_order("5", Some("cancel-5")).unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(cancelled.lines[0].restocked, d("2"));
    assert_eq!(
        cancelled.reservations[0].status,
        ReservationStatus::Released
    );
    let back =
        s.db.movements(&MovementFilter {
            reason: Some(Reason::CustomerReturn),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (back.items[0].quantity, back.items[0].value_change),
        (d("2"), d("8"))
    );
    assert_eq!(levels(&s, s.mug), lv("18", "0", "18"));
    // Cancel twice: the same key replays, another is refused.
    assert_eq!(s.db.cancel_order("5", Some("cancel-5")).unwrap(), cancelled);
    assert_eq!(
        s.db.cancel_order("5", None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    // Nothing else is possible on a cancelled order.
    let ret = [ReturnLine {
        line: 1,
        quantity: d("1"),
        restock: true,
    }];
    assert_eq!(
        s.db.return_order("5", &ret, None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(
        s.db.fulfil_order("5", None, None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(
        s.db.pay_order("5", None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(levels(&s, s.mug), lv("18", "0", "18"));
    assert!(s.db.verify().unwrap().is_clean());
}

#[test]
fn returns_restock_or_scrap_and_never_exceed_what_shipped() {
    let s = shop(StockPolicy::Reserve);
    s.db.place_order(&order("8", &[("MUG", "3"), ("CUP", "2")]), None)
        .unwrap();
    assert_eq!(
        s.db.return_order(
            "8",
            &[ReturnLine {
                line: 1,
                quantity: d("1"),
                restock: true
            }],
            None
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidTransition,
        "nothing shipped yet"
    );
    s.db.fulfil_order("8", None, None).unwrap();
    let after =
        s.db.return_order(
            "8",
            &[
                ReturnLine {
                    line: 1,
                    quantity: d("1"),
                    restock: true,
                },
                ReturnLine {
                    line: 2,
                    quantity: d("1"),
                    restock: false,
                },
            ],
            Some("rma-1"),
        )
        .unwrap();
    assert_eq!(
        (after.lines[0].returned, after.lines[0].restocked),
        (d("1"), d("1"))
    );
    assert_eq!(
        (after.lines[1].returned, after.lines[1].restocked),
        (d("1"), d("0"))
    );
    assert_eq!(levels(&s, s.mug), lv("8", "0", "8"));
    assert_eq!(levels(&s, s.cup), lv("3", "0", "3"));
    let err =
        s.db.return_order(
            "8",
            &[ReturnLine {
                line: 1,
                quantity: d("3"),
                restock: true,
            }],
            None,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition);
    // Cancelling now brings back only what is still out.
    s.db.cancel_order("8", None).unwrap();
    assert_eq!(levels(&s, s.mug), lv("10", "0", "10"));
    assert_eq!(levels(&s, s.cup), lv("4", "0", "4"));
    assert_eq!(s.db.stock(s.mug, None).unwrap().value, d("40"));
    assert!(s.db.verify().unwrap().is_clean());
}

#[test]
fn expiry_releases_unpaid_carts_only_and_races_cleanly_with_fulfilment() {
    let s = shop(StockPolicy::Reserve);
    let cart = |id: &str, q: &str| NewOrder {
        placed_at: Some(ts("2025-11-25T10:00:00Z")),
        expires_at: Some(ts("2025-11-25T10:30:00Z")),
        create_contact: false,
        ..order(id, &[("MUG", q)])
    };
    s.db.place_order(&cart("A", "2"), None).unwrap();
    s.db.place_order(&cart("B", "2"), None).unwrap();
    s.db.place_order(&cart("C", "2"), None).unwrap();
    s.db.pay_order("B", None).unwrap();
    s.db.fulfil_order("C", None, None).unwrap(); // fulfilment first: expiry must skip it
    assert!(s
        .db
        .expire_reservations(ts("2025-11-25T10:29:59Z"))
        .unwrap()
        .is_empty());
    assert_eq!(
        s.db.expire_reservations(ts("2025-11-25T10:30:00Z"))
            .unwrap(),
        ["A"]
    );
    let a = s.db.order("A").unwrap();
    assert_eq!(
        (a.status, a.reservations[0].status.as_str()),
        (OrderStatus::Expired, "expired")
    );
    assert_eq!(levels(&s, s.mug), lv("8", "2", "6"));
    // Expiry first: the late fulfilment is refused and writes nothing.
    assert_eq!(
        s.db.fulfil_order("A", None, None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(levels(&s, s.mug), lv("8", "2", "6"));
    assert!(s
        .db
        .expire_reservations(ts("2030-01-01T00:00:00Z"))
        .unwrap()
        .is_empty());
    assert!(s.db.verify().unwrap().is_clean());
}

#[test]
fn expiry_and_fulfilment_racing_from_two_connections_resolve_once() {
    let shared = super::shared();
    for round in 0..20 {
        let db = shared.connect();
        if round == 0 {
            let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
            db.post(&Movement::receipt(mug, d("1000"), d("1"))).unwrap();
        }
        let id = format!("R{round}");
        db.place_order(
            &NewOrder {
                placed_at: Some(ts("2025-11-25T10:00:00Z")),
                expires_at: Some(ts("2025-11-25T10:30:00Z")),
                create_contact: false,
                ..order(&id, &[("MUG", "1")])
            },
            None,
        )
        .unwrap();
        let other = shared.connect();
        let (fulfilled, expired) = std::thread::scope(|scope| {
            let f = scope.spawn(|| other.fulfil_order(&id, None, None));
            let e = scope.spawn(|| db.expire_reservations(ts("2025-11-25T11:00:00Z")));
            (f.join().unwrap(), e.join().unwrap().unwrap())
        });
        let status = db.order(&id).unwrap().status;
        match fulfilled {
            Ok(o) => {
                assert_eq!(o.status, OrderStatus::Fulfilled);
                assert!(expired.is_empty());
            }
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::InvalidTransition);
                assert_eq!(expired, std::slice::from_ref(&id));
                assert_eq!(status, OrderStatus::Expired);
            }
        }
        assert!(db.verify().unwrap().is_clean());
    }
}

#[test]
fn decrement_on_sale_issues_at_placing_and_cancel_puts_it_back() {
    let s = shop(StockPolicy::DecrementOnSale);
    assert_eq!(s.db.stock_policy().unwrap(), StockPolicy::DecrementOnSale);
    let placed =
        s.db.place_order(&order("D1", &[("MUG", "3")]), Some("wc:D1"))
            .unwrap();
    assert_eq!(placed.movements.len(), 1);
    assert!(placed.reservations.is_empty());
    assert_eq!(levels(&s, s.mug), lv("7", "0", "7"));
    // Fulfilment only records the shipment.
    let shipped =
        s.db.fulfil_order(
            "D1",
            Some(&[FulfilLine {
                line: 1,
                quantity: d("1"),
            }]),
            None,
        )
        .unwrap();
    assert_eq!(shipped.movements.len(), 1);
    assert_eq!(levels(&s, s.mug), lv("7", "0", "7"));
    // Cancel-then-cancel (the seed's cancel then delete): restocked once.
    s.db.cancel_order("D1", Some("wc:D1:cancel")).unwrap();
    s.db.cancel_order("D1", Some("wc:D1:cancel")).unwrap();
    assert_eq!(
        s.db.cancel_order("D1", Some("wc:D1:delete"))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(levels(&s, s.mug), lv("10", "0", "10"));
    assert_eq!(s.db.stock(s.mug, None).unwrap().value, d("40"));
    // A short order under this policy issues nothing either.
    assert!(matches!(
        s.db.place_order(&order("D2", &[("MUG", "11")]), None),
        Err(Error::InsufficientAvailable { .. })
    ));
    assert_eq!(levels(&s, s.mug), lv("10", "0", "10"));
    assert!(s.db.verify().unwrap().is_clean());
}

#[test]
fn bad_orders_are_refused_before_anything_is_read() {
    let s = shop(StockPolicy::Reserve);
    let mut bad = vec![
        NewOrder {
            currency: "euro".into(),
            ..order("X", &[("MUG", "1")])
        },
        NewOrder {
            lines: vec![],
            ..order("X", &[])
        },
        order("X", &[("MUG", "0")]),
        NewOrder {
            external_id: " ".into(),
            ..order("X", &[("MUG", "1")])
        },
        NewOrder {
            placed_at: Some(ts("2025-11-25T10:00:00Z")),
            expires_at: Some(ts("2025-11-25T09:00:00Z")),
            create_contact: false,
            ..order("X", &[("MUG", "1")])
        },
    ];
    let mut negative_price = order("X", &[("MUG", "1")]);
    negative_price.lines[0].unit_price = d("-1");
    bad.push(negative_price);
    for o in &bad {
        assert_eq!(
            s.db.place_order(o, None).unwrap_err().code(),
            ErrorCode::InvalidInput,
            "{o:?}"
        );
    }
    assert_eq!(levels(&s, s.mug), lv("10", "0", "10"));
    let json = racine::api::call(
        &s.db,
        r#"{"op":"place_order","order":{"external_id":"J1","currency":"EUR",
            "lines":[{"sku":"CUP","quantity":"2","unit_price":"3"}]},"idempotency_key":"k"}"#,
    )
    .unwrap();
    assert_eq!(json["lines"][0]["reserved"], "2");
    assert_eq!(
        racine::api::call(&s.db, r#"{"op":"order","external_id":"J1"}"#).unwrap()["status"],
        "placed"
    );
}

#[test]
fn replacing_an_order_is_one_transaction_against_the_stock_the_old_one_freed() {
    let s = shop(StockPolicy::Reserve);
    s.db.place_order(&order("R1", &[("MUG", "8")]), Some("shop:R1:placed"))
        .unwrap();
    s.db.pay_order("R1", Some("shop:R1:paid")).unwrap();
    // 9 mugs fit only once the old order's 8 are released: same transaction.
    let edit = order("R1~2", &[("MUG", "9"), ("CUP", "2")]);
    let new =
        s.db.replace_order("R1", &edit, Some("shop:R1:edit"))
            .unwrap();
    assert_eq!(
        (new.external_id.as_str(), new.status, new.paid),
        ("R1~2", OrderStatus::Placed, true),
        "a paid order's replacement is paid"
    );
    assert_eq!(levels(&s, s.mug), lv("10", "9", "1"));
    assert_eq!(levels(&s, s.cup), lv("5", "2", "3"));
    let old = s.db.order("R1").unwrap();
    assert_eq!(old.status, OrderStatus::Cancelled);
    // Revenue: paid 8 × 9.90, reversed with the cancellation, 11 × 9.90 paid again.
    let revenue = |o: &Order| {
        o.events
            .iter()
            .map(|e| e.revenue_change.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(revenue(&old), ["0", "79.2", "-79.2"]);
    assert_eq!(revenue(&new), ["0", "108.9"]);
    // A retried edit replays; the same key for another edit is a conflict.
    let again =
        s.db.replace_order("R1", &edit, Some("shop:R1:edit"))
            .unwrap();
    assert_eq!(again.id, new.id);
    let other = order("R1~3", &[("MUG", "1")]);
    assert_eq!(
        s.db.replace_order("R1", &other, Some("shop:R1:edit"))
            .unwrap_err()
            .code(),
        ErrorCode::IdempotencyConflict
    );

    // A short replacement refuses the whole: the order stays as it was.
    let short = order("R1~3", &[("MUG", "11")]);
    assert!(matches!(
        s.db.replace_order("R1~2", &short, None),
        Err(Error::InsufficientAvailable { .. })
    ));
    assert_eq!(s.db.order("R1~2").unwrap().status, OrderStatus::Placed);
    assert_eq!(s.db.order("R1~3").unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(levels(&s, s.mug), lv("10", "9", "1"));

    // Only an order nothing of which shipped can be replaced, by a new id.
    for (from, to, code) in [
        ("R1", "R1~4", ErrorCode::InvalidTransition), // cancelled
        ("R1~2", "R1", ErrorCode::AlreadyExists),
        ("NOPE", "R9", ErrorCode::NotFound),
    ] {
        let err =
            s.db.replace_order(from, &order(to, &[("MUG", "1")]), None)
                .unwrap_err();
        assert_eq!(err.code(), code, "{from} -> {to}: {err}");
    }
    s.db.fulfil_order(
        "R1~2",
        Some(&[FulfilLine {
            line: 1,
            quantity: d("1"),
        }]),
        None,
    )
    .unwrap();
    assert_eq!(
        s.db.replace_order("R1~2", &order("R1~5", &[("MUG", "1")]), None)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(levels(&s, s.mug), lv("9", "8", "1"));
    let report = s.db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn replacing_under_decrement_on_sale_brings_the_old_goods_back_first() {
    let s = shop(StockPolicy::DecrementOnSale);
    s.db.place_order(&order("D1", &[("MUG", "3")]), None)
        .unwrap();
    assert_eq!(levels(&s, s.mug), lv("7", "0", "7"));
    let new =
        s.db.replace_order("D1", &order("D1~2", &[("MUG", "10")]), None)
            .unwrap();
    assert!(!new.paid);
    assert_eq!(levels(&s, s.mug), lv("0", "0", "0"));
    assert_eq!(s.db.stock(s.mug, None).unwrap().value, d("0"));
    assert!(s.db.verify().unwrap().is_clean());
}
