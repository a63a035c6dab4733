//! The outbox: events written in the write's own transaction, numbered in
//! commit order, followed by named cursors at least once, pruned once every
//! cursor has passed.

use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn kinds(db: &Database) -> Vec<&'static str> {
    all(db).iter().map(|e| e.kind.as_str()).collect()
}

fn all(db: &Database) -> Vec<OutboxEvent> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .outbox_events(&OutboxFilter {
                page: PageRequest {
                    limit: Some(1000),
                    after,
                },
                ..Default::default()
            })
            .unwrap();
        out.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

fn order(id: &str, sku: &str, q: &str) -> NewOrder {
    NewOrder {
        external_id: id.into(),
        customer: Customer::default(),
        currency: "EUR".into(),
        lines: vec![NewOrderLine {
            sku: sku.into(),
            quantity: d(q),
            unit_price: d("9.90"),
            warehouse: None,
        }],
        placed_at: None,
        expires_at: None,
        create_contact: false,
    }
}

#[test]
fn every_committed_change_writes_its_events_in_order() {
    let db = super::open();
    let mug = db
        .create_item(&NewItem {
            reorder_point: Some(d("3")),
            ..NewItem::new("MUG", "Mug")
        })
        .unwrap()
        .id;
    let annex = db
        .create_warehouse(&NewWarehouse {
            code: "ANNEX".into(),
            name: "Annex".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    assert!(kinds(&db).is_empty(), "master data writes no event");

    db.post(&Movement::receipt(mug, d("10"), d("2"))).unwrap();
    let main = db.default_warehouse().unwrap().id;
    db.post(&Movement::transfer(mug, main, annex, d("1")))
        .unwrap();
    db.place_order(&order("A-1", "MUG", "6"), None).unwrap();
    db.pay_order("A-1", None).unwrap();
    db.fulfil_order("A-1", None, None).unwrap();
    assert_eq!(
        kinds(&db),
        [
            "movement_recorded",
            "movement_recorded",
            "movement_recorded",
            // placing reserves 6 of 10: available falls from 10 to 4, still above 3
            "order_event_applied",
            "order_event_applied",
            "movement_recorded",
            "order_event_applied",
        ]
    );
    // Reserving 1 more takes available to 3: at the reorder point.
    db.place_order(&order("A-2", "MUG", "1"), None).unwrap();
    let events = all(&db);
    let alert = &events[events.len() - 2];
    assert_eq!(alert.kind, EventKind::StockBelowReorderPoint);
    assert_eq!(
        (
            alert.data["sku"].as_str(),
            alert.data["available_before"].as_str(),
            alert.data["available"].as_str(),
            alert.data["reorder_point"].as_str()
        ),
        (Some("MUG"), Some("4"), Some("3"), Some("3"))
    );
    // Already below: no second alert until it is above again.
    db.post(&Movement::issue(mug, d("1"))).unwrap();
    assert_eq!(
        kinds(&db)
            .iter()
            .filter(|k| **k == "stock_below_reorder_point")
            .count(),
        1
    );
    db.post(&Movement::receipt(mug, d("10"), d("2"))).unwrap();
    db.post(&Movement::issue(mug, d("10"))).unwrap();
    assert_eq!(
        kinds(&db)
            .iter()
            .filter(|k| **k == "stock_below_reorder_point")
            .count(),
        2
    );

    let ids: Vec<i64> = all(&db).iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let placed = all(&db)
        .into_iter()
        .find(|e| e.kind == EventKind::OrderEventApplied)
        .unwrap();
    assert_eq!(placed.data["external_id"], "A-1");
    assert_eq!(placed.data["event"]["kind"], "placed");
    assert_eq!(placed.data["lines"][0]["warehouse_code"], "MAIN");
    assert_eq!(placed.data["lines"][0]["reserved"], "6");
    let moved = &all(&db)[0];
    assert_eq!(
        (moved.data["sku"].as_str(), moved.data["quantity"].as_str()),
        (Some("MUG"), Some("10"))
    );
}

#[test]
fn purchases_opportunities_and_merges_write_their_events() {
    let db = super::open();
    let oak = db.create_item(&NewItem::new("OAK", "Oak")).unwrap().id;
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
            reference: "PO-1".into(),
            note: None,
            lines: vec![NewPurchaseLine {
                item: oak.into(),
                quantity: d("4"),
                unit_cost: d("12.5"),
                warehouse: None,
            }],
        })
        .unwrap();
    db.receive_purchase(po.id, &PurchaseReceipt::default(), None)
        .unwrap();
    let received = all(&db).pop().unwrap();
    assert_eq!(received.kind, EventKind::PurchaseReceived);
    assert_eq!(received.data["reference"], "PO-1");
    assert_eq!(received.data["lines"][0]["quantity"], "4");
    assert_eq!(received.data["lines"][0]["unit_cost"], "12.5");

    let pipeline = db
        .create_pipeline(
            &NewPipeline {
                name: "Sales".into(),
                stages: vec![
                    NewStage::open("Lead", d("10")),
                    NewStage::open("Proposal", d("50")),
                    NewStage::closed("Won", StageKind::Won),
                ],
            },
            None,
        )
        .unwrap();
    let acme = db
        .create_contact(&NewContact::company("ACME"), None)
        .unwrap();
    let twin = db
        .create_contact(&NewContact::company("ACME SA"), None)
        .unwrap();
    let opp = db
        .create_opportunity(&NewOpportunity::new("Tables", acme.id, pipeline.id), None)
        .unwrap();
    let before = all(&db).len();
    assert_eq!(before, 2, "creating an opportunity changes no stage");
    db.move_opportunity(
        opp.id,
        pipeline.stages[1].id,
        &TransitionMeta::default(),
        None,
    )
    .unwrap();
    let moved = all(&db).pop().unwrap();
    assert_eq!(moved.kind, EventKind::OpportunityStageChanged);
    assert_eq!(moved.data["opportunity"], opp.id);
    assert_eq!(moved.data["transition"]["to_stage_name"], "Proposal");
    assert_eq!(moved.data["transition"]["from_stage_name"], "Lead");

    db.merge_contacts(twin.id, acme.id, Some("ops"), None)
        .unwrap();
    let merged = all(&db).pop().unwrap();
    assert_eq!(merged.kind, EventKind::ContactMerged);
    assert_eq!(
        (merged.data["merged"].as_i64(), merged.data["into"].as_i64()),
        (Some(twin.id), Some(acme.id))
    );
    assert!(merged.data.get("emails").is_none(), "no personal data");
}

#[test]
fn a_refused_or_replayed_write_leaves_no_event() {
    let db = super::open();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    assert!(db.post(&Movement::issue(mug, d("1"))).is_err());
    let batch = [
        Movement::receipt(mug, d("5"), d("1")),
        Movement::issue(mug, d("50")),
    ];
    assert!(db.post_batch(&batch).is_err());
    assert!(db.place_order(&order("A-1", "MUG", "1"), None).is_err());
    assert!(kinds(&db).is_empty());

    db.post_with_key(&Movement::receipt(mug, d("5"), d("1")), Some("r-1"))
        .unwrap();
    db.post_with_key(&Movement::receipt(mug, d("5"), d("1")), Some("r-1"))
        .unwrap();
    assert_eq!(kinds(&db), ["movement_recorded"], "a replay writes nothing");
}

/// A write refused after it recorded a movement leaves nothing behind for
/// the next write on the same connection (a server engine sends a write's
/// outbox rows late, with its commit).
#[test]
fn the_next_write_after_a_refused_one_carries_only_its_own_events() {
    let db = super::open();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    let batch = [
        Movement::receipt(mug, d("5"), d("1")),
        Movement::issue(mug, d("50")),
    ];
    assert!(db.post_batch(&batch).is_err());
    let kept = db.post(&Movement::receipt(mug, d("2"), d("1"))).unwrap();
    let events = all(&db);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind.as_str(), "movement_recorded");
    let data = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(data["data"]["id"], kept.movements[0].id, "{data}");
    assert_eq!(db.stock(mug, None).unwrap().on_hand, d("2"));
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn a_consumer_follows_at_least_once_with_its_own_cursor() {
    let db = super::open();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("5"), d("1"))).unwrap();

    let early = db
        .outbox_subscribe("queue", OutboxStart::Beginning)
        .unwrap();
    assert_eq!((early.position, early.pending), (0, 1));
    let late = db.outbox_subscribe("late", OutboxStart::End).unwrap();
    assert_eq!((late.position, late.pending), (1, 0));
    // Subscribing again keeps the cursor where it is.
    assert_eq!(
        db.outbox_subscribe("late", OutboxStart::Beginning)
            .unwrap()
            .position,
        1
    );

    db.post(&Movement::issue(mug, d("1"))).unwrap();
    let first = db.outbox_poll("queue", 10).unwrap();
    assert_eq!(first.events.len(), 2);
    // Not acknowledged: the same events come again, same ids.
    let again = db.outbox_poll("queue", 10).unwrap();
    assert_eq!(again.events, first.events);
    let acked = db.outbox_ack("queue", first.events[0].id).unwrap();
    assert_eq!((acked.position, acked.pending), (1, 1));
    // An older acknowledgement (a retry) changes nothing.
    assert_eq!(db.outbox_ack("queue", 0).unwrap().position, 1);
    match db.outbox_ack("queue", 99).unwrap_err() {
        Error::InvalidInput { field, .. } => assert_eq!(field, "through"),
        e => panic!("{e:?}"),
    }
    assert_eq!(db.outbox_poll("late", 10).unwrap().events.len(), 1);

    match db.outbox_poll("nobody", 10).unwrap_err() {
        Error::NotFound { entity, .. } => assert_eq!(entity, "outbox consumer"),
        e => panic!("{e:?}"),
    }
    for bad in ["", "a b", "plugin:mine"] {
        match db
            .outbox_subscribe(bad, OutboxStart::Beginning)
            .unwrap_err()
        {
            Error::InvalidInput { field, .. } => assert_eq!(field, "consumer"),
            e => panic!("{bad:?}: {e:?}"),
        }
    }
    assert!(matches!(
        db.outbox_poll("queue", 0).unwrap_err(),
        Error::InvalidInput { .. }
    ));
    let names: Vec<String> = db
        .outbox_consumers()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["late", "queue"]);
}

#[test]
fn pruning_keeps_what_a_cursor_still_needs_and_ids_are_never_reused() {
    let db = super::open();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    for _ in 0..3 {
        db.post(&Movement::receipt(mug, d("1"), d("1"))).unwrap();
    }
    db.outbox_subscribe("slow", OutboxStart::Beginning).unwrap();
    db.outbox_subscribe("fast", OutboxStart::Beginning).unwrap();
    db.outbox_ack("fast", 3).unwrap();
    db.outbox_ack("slow", 1).unwrap();
    let pruned = db.outbox_prune(None).unwrap();
    assert_eq!(
        (pruned.removed, pruned.through, pruned.held_by.as_deref()),
        (1, 1, Some("slow"))
    );
    assert_eq!(all(&db).iter().map(|e| e.id).collect::<Vec<_>>(), [2, 3]);

    db.outbox_unsubscribe("slow").unwrap();
    db.outbox_unsubscribe("fast").unwrap();
    assert!(matches!(
        db.outbox_unsubscribe("fast").unwrap_err(),
        Error::NotFound { .. }
    ));
    // Nobody follows: everything may go, and the next id is still new.
    assert_eq!(db.outbox_prune(None).unwrap().removed, 2);
    assert!(all(&db).is_empty());
    db.post(&Movement::receipt(mug, d("1"), d("1"))).unwrap();
    assert_eq!(all(&db)[0].id, 4);
}

#[test]
fn handles_of_one_database_share_the_outbox() {
    let shared = super::shared();
    let (a, b) = (shared.connect(), shared.connect());
    let mug = a.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    b.outbox_subscribe("worker", OutboxStart::Beginning)
        .unwrap();
    a.post(&Movement::receipt(mug, d("2"), d("1"))).unwrap();
    let batch = b.outbox_poll("worker", 100).unwrap();
    assert_eq!(batch.events.len(), 1);
    a.outbox_ack("worker", batch.events[0].id).unwrap();
    assert_eq!(b.outbox_poll("worker", 100).unwrap().events, vec![]);
}
