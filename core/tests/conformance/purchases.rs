//! Purchase orders: partial receipts at the line's cost, over-receipt
//! refused, remainder cancelled.

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

#[test]
fn purchases_receive_partly_then_cancel_the_rest() {
    let db = db();
    let wood = item(&db, "WOOD", ValuationMethod::Fifo);
    let glue = item(&db, "GLUE", ValuationMethod::MovingAverage);
    let sup = db
        .create_supplier(&NewSupplier {
            name: "Scierie".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let po = db
        .create_purchase_order(&NewPurchaseOrder {
            supplier: sup,
            reference: "PO-7".into(),
            note: None,
            lines: vec![
                NewPurchaseLine {
                    item: wood.into(),
                    quantity: d("10"),
                    unit_cost: d("12.5"),
                    warehouse: None,
                },
                NewPurchaseLine {
                    item: glue.into(),
                    quantity: d("4"),
                    unit_cost: d("3.2"),
                    warehouse: None,
                },
            ],
        })
        .unwrap();
    assert_eq!(
        (po.status, po.total_ordered),
        (PurchaseStatus::Open, d("137.8"))
    );
    let (wl, gl) = (po.lines[0].id, po.lines[1].id);
    let receipt = PurchaseReceipt {
        lines: Some(vec![ReceiveLine {
            line: wl,
            quantity: d("6"),
        }]),
        actor: Some("marie".into()),
        ..Default::default()
    };
    let got = db.receive_purchase(po.id, &receipt, Some("dn-1")).unwrap();
    assert_eq!(got.order.status, PurchaseStatus::PartiallyReceived);
    assert_eq!(got.movements[0].reason, Reason::PurchaseReceipt);
    assert_eq!(got.movements[0].reference.as_deref(), Some("PO-7"));
    assert_eq!(got.movements[0].purchase_line_id, Some(wl));
    assert_eq!(got.order.total_received, d("75"));
    // The same delivery note again changes nothing.
    assert_eq!(
        db.receive_purchase(po.id, &receipt, Some("dn-1")).unwrap(),
        got
    );
    assert_eq!(db.stock(wood, None).unwrap().on_hand, d("6"));
    // Over-receipt is refused and writes nothing.
    let over = PurchaseReceipt {
        lines: Some(vec![ReceiveLine {
            line: wl,
            quantity: d("5"),
        }]),
        ..Default::default()
    };
    assert_eq!(
        db.receive_purchase(po.id, &over, None).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
    let unknown = PurchaseReceipt {
        lines: Some(vec![ReceiveLine {
            line: 999,
            quantity: d("1"),
        }]),
        ..Default::default()
    };
    assert_eq!(
        db.receive_purchase(po.id, &unknown, None)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let closed = db.cancel_purchase_remainder(po.id).unwrap();
    assert_eq!(closed.status, PurchaseStatus::Closed);
    assert_eq!(closed.lines[1].cancelled, d("4"));
    assert_eq!(closed.lines[1].remaining, Decimal::ZERO);
    let _ = gl;
    assert_eq!(
        db.receive_purchase(po.id, &PurchaseReceipt::default(), None)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidTransition
    );
    assert_eq!(db.stock(glue, None).unwrap().on_hand, Decimal::ZERO);

    // Receiving everything at once; cancelling an untouched order.
    let po2 = db
        .create_purchase_order(&NewPurchaseOrder {
            supplier: sup,
            reference: "PO-8".into(),
            note: None,
            lines: vec![NewPurchaseLine {
                item: glue.into(),
                quantity: d("4"),
                unit_cost: d("3"),
                warehouse: None,
            }],
        })
        .unwrap();
    let all = db
        .receive_purchase(po2.id, &PurchaseReceipt::default(), None)
        .unwrap();
    assert_eq!(all.order.status, PurchaseStatus::Received);
    let po3 = db
        .create_purchase_order(&NewPurchaseOrder {
            supplier: sup,
            reference: "PO-9".into(),
            note: None,
            lines: vec![NewPurchaseLine {
                item: glue.into(),
                quantity: d("1"),
                unit_cost: d("3"),
                warehouse: None,
            }],
        })
        .unwrap();
    assert_eq!(
        db.cancel_purchase_remainder(po3.id).unwrap().status,
        PurchaseStatus::Cancelled
    );
    let list = db
        .purchase_orders(&PurchaseFilter {
            status: Some(PurchaseStatus::Received),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.items.len(), 1);
    assert_eq!(
        db.create_purchase_order(&NewPurchaseOrder {
            supplier: sup,
            reference: "PO-9".into(),
            note: None,
            lines: vec![NewPurchaseLine {
                item: glue.into(),
                quantity: d("1"),
                unit_cost: d("3"),
                warehouse: None
            }],
        })
        .unwrap_err()
        .code(),
        ErrorCode::AlreadyExists
    );
    assert!(db
        .create_purchase_order(&NewPurchaseOrder {
            supplier: sup,
            reference: "PO-10".into(),
            note: None,
            lines: vec![],
        })
        .is_err());
    assert!(db.verify().unwrap().is_clean());
}
