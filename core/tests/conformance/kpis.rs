//! The KPI dashboards on small hand-checked datasets, and the traps that
//! make dashboards wrong: days across daylight-saving changes, months of
//! two years, won and lost deals in the open pipeline, deals closed in an
//! earlier period, reopened deals, cancellations and late returns, and
//! currencies added together.

use racine::kpis::crm::{CrmQuery, PipelineByStage};
use racine::kpis::erp::ErpQuery;
use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn period(s: &str) -> Period {
    s.parse().unwrap()
}

fn item(db: &Database, sku: &str, reorder_point: Option<&str>) -> i64 {
    db.create_item(&NewItem {
        reorder_point: reorder_point.map(d),
        ..NewItem::new(sku, sku)
    })
    .unwrap()
    .id
}

fn at(m: Movement, when: &str) -> Movement {
    m.effective_at(ts(when))
}

fn erp(p: &str) -> ErpQuery {
    ErpQuery::period(period(p))
}

// -- ERP ---------------------------------------------------------------------------

#[test]
fn daily_flows_follow_business_days_across_daylight_saving_in_paris() {
    let db = super::open_in("Europe/Paris");
    let oak = item(&db, "OAK", None);
    let back = db
        .create_warehouse(&NewWarehouse {
            code: "BACK".into(),
            name: "Back room".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    let main = db.default_warehouse().unwrap().id;
    db.post(&at(
        Movement::receipt(oak, d("100"), d("2")),
        "2026-01-10T10:00:00+01:00",
    ))
    .unwrap();
    let posts = [
        // The last second of February, local: not March.
        at(Movement::issue(oak, d("1")), "2026-02-28T23:59:59+01:00"),
        // Just after midnight on 1 March, local (still 28 February in UTC).
        at(
            Movement::receipt(oak, d("10"), d("2")),
            "2026-03-01T00:00:30+01:00",
        ),
        // Both sides of the change to summer time on 29 March.
        at(Movement::issue(oak, d("1")), "2026-03-29T01:30:00+01:00"),
        at(Movement::issue(oak, d("1")), "2026-03-29T23:30:00+02:00"),
        // A transfer: apart from in and out.
        at(
            Movement::transfer(oak, main, back, d("2")),
            "2026-03-15T12:00:00+01:00",
        ),
        // Just before midnight on 31 March, and just after it.
        at(Movement::issue(oak, d("1")), "2026-03-31T23:59:59+02:00"),
        at(Movement::issue(oak, d("1")), "2026-04-01T00:00:00+02:00"),
    ];
    for m in &posts {
        db.post(m).unwrap();
    }
    let flows = db.daily_flows(&erp("2026-03")).unwrap();
    assert_eq!(flows.days.len(), 31);
    assert_eq!(flows.days[0].day.to_string(), "2026-03-01");
    assert_eq!(flows.days[0].in_quantity, d("10"));
    assert_eq!(flows.days[0].in_value, d("20"));
    assert_eq!(flows.days[28].day.to_string(), "2026-03-29");
    assert_eq!(
        flows.days[28].out_quantity,
        d("2"),
        "both sides of the change"
    );
    assert_eq!(flows.days[30].out_quantity, d("1"));
    assert_eq!(flows.days[14].transfer_in_quantity, d("2"));
    assert_eq!(flows.days[14].transfer_out_quantity, d("2"));
    assert_eq!(
        flows.days[14].out_quantity,
        Decimal::ZERO,
        "transfers are apart"
    );
    assert_eq!(flows.total.in_quantity, d("10"));
    assert_eq!(flows.total.out_quantity, d("3"));
    assert_eq!(flows.total.out_value, d("6"));
    assert_eq!(
        flows.total.movements, 6,
        "1 receipt, 3 issues, 2 transfer legs"
    );
    assert_eq!(flows.definition.rows_counted, 6);
    assert_eq!(flows.definition.time_zone, "Europe/Paris");
    let p = flows.definition.period.unwrap();
    assert_eq!(p.start, ts("2026-02-28T23:00:00Z"));
    assert_eq!(p.end, ts("2026-03-31T22:00:00Z"));
    // One warehouse: the transfer is one leg in, nothing else.
    let back_only = db.daily_flows(&erp("2026-03").warehouse(back)).unwrap();
    assert_eq!(back_only.total.transfer_in_quantity, d("2"));
    assert_eq!(back_only.total.transfer_out_quantity, Decimal::ZERO);
    assert_eq!(back_only.total.movements, 1);
}

#[test]
fn daily_flows_follow_business_days_across_daylight_saving_in_new_york() {
    let db = super::open_in("America/New_York");
    let oak = item(&db, "OAK", None);
    db.post(&at(
        Movement::receipt(oak, d("100"), d("1")),
        "2026-10-01T12:00:00-04:00",
    ))
    .unwrap();
    for when in [
        "2026-10-31T23:59:59-04:00", // October
        "2026-11-01T00:00:01-04:00", // 1 November, before the change back
        "2026-11-01T01:30:00-05:00", // 1 November, the repeated hour
        "2026-11-30T23:59:59-05:00", // 30 November
        "2026-12-01T00:00:00-05:00", // December
    ] {
        db.post(&at(Movement::issue(oak, d("1")), when)).unwrap();
    }
    let flows = db.daily_flows(&erp("2026-11")).unwrap();
    assert_eq!(flows.days.len(), 30);
    assert_eq!(flows.days[0].out_quantity, d("2"));
    assert_eq!(flows.days[29].out_quantity, d("1"));
    assert_eq!(flows.total.out_quantity, d("3"));
    let p = flows.definition.period.unwrap();
    assert_eq!(
        (p.start, p.end),
        (ts("2026-11-01T04:00:00Z"), ts("2026-12-01T05:00:00Z"))
    );
}

#[test]
fn the_same_month_of_two_years_is_two_periods() {
    let db = super::open();
    let oak = item(&db, "OAK", None);
    db.post(&at(
        Movement::receipt(oak, d("100"), d("1")),
        "2025-01-01T00:00:00Z",
    ))
    .unwrap();
    db.post(&at(Movement::issue(oak, d("7")), "2025-03-10T00:00:00Z"))
        .unwrap();
    db.post(&at(Movement::issue(oak, d("3")), "2026-03-10T00:00:00Z"))
        .unwrap();
    let y25 = db.top_movers(&erp("2025-03")).unwrap();
    let y26 = db.top_movers(&erp("2026-03")).unwrap();
    assert_eq!(y25.by_quantity[0].quantity, d("7"));
    assert_eq!(y26.by_quantity[0].quantity, d("3"));
    let q1 = db.daily_flows(&erp("2026-Q1")).unwrap();
    assert_eq!(q1.days.len(), 90);
    assert_eq!(q1.total.out_quantity, d("3"));
}

#[test]
fn valuation_as_of_an_instant_counts_what_was_effective_by_then() {
    let db = super::open();
    let oak = item(&db, "OAK", None);
    let pine = item(&db, "PINE", None);
    db.post(&at(
        Movement::receipt(oak, d("10"), d("2")),
        "2026-01-10T00:00:00Z",
    ))
    .unwrap();
    db.post(&at(Movement::issue(oak, d("4")), "2026-02-10T00:00:00Z"))
        .unwrap();
    db.post(&at(
        Movement::receipt(pine, d("1"), d("100")),
        "2026-02-15T00:00:00Z",
    ))
    .unwrap();
    // Posted last, effective in January.
    db.post(&at(
        Movement::receipt(oak, d("5"), d("3")),
        "2026-01-20T00:00:00Z",
    ))
    .unwrap();
    let now = db.stock_valuation(&ErpQuery::default()).unwrap();
    assert_eq!(now.total, d("127"), "20 − 8 + 15 + 100");
    assert_eq!(now.by_item[0].sku, "PINE", "most value first");
    assert_eq!(now.items_in_stock, 2);
    let january = db
        .stock_valuation(&erp("2026-01").as_of(ts("2026-01-31T23:59:59Z")))
        .unwrap();
    assert_eq!(january.total, d("35"));
    assert_eq!(january.by_item.len(), 1, "no pine yet");
    assert_eq!(january.by_item[0].on_hand, d("15"));
    assert_eq!(january.by_warehouse[0].value, d("35"));
    assert_eq!(january.definition.at, Some(ts("2026-01-31T23:59:59Z")));
    assert_eq!(
        january.definition.rows_counted, 2,
        "the two movements effective by then, added up: fewer than rolling back from now"
    );
    // Rolled back from now instead (one movement after): the same ledger.
    let mid_feb = db
        .stock_valuation(&ErpQuery::default().as_of(ts("2026-02-12T00:00:00Z")))
        .unwrap();
    assert_eq!(mid_feb.total, d("27"), "20 − 8 + 15, before the pine");
    assert_eq!(mid_feb.by_item.len(), 1);
    assert_eq!(
        mid_feb.definition.rows_counted,
        2 + 1 + 1,
        "2 items, 1 warehouse, 1 movement"
    );
    for at in [
        "2026-01-15T00:00:00Z",
        "2026-01-25T00:00:00Z",
        "2026-02-12T00:00:00Z",
    ] {
        let total = db
            .stock_valuation(&ErpQuery::default().as_of(ts(at)))
            .unwrap()
            .total;
        let per_item = db
            .stock_as_of(oak, None, ts(at))
            .unwrap()
            .value
            .checked_add(db.stock_as_of(pine, None, ts(at)).unwrap().value);
        assert_eq!(Ok(total), per_item, "{at}");
    }
    // Without an instant, a past period is valued at its end.
    let feb = db.stock_valuation(&erp("2026-02")).unwrap();
    assert_eq!(feb.at, ts("2026-02-28T23:59:59.999999Z"));
    assert_eq!(feb.total, d("127"));
}

fn line(item: i64, quantity: &str, unit_cost: &str) -> NewPurchaseLine {
    NewPurchaseLine {
        item: item.into(),
        quantity: d(quantity),
        unit_cost: d(unit_cost),
        warehouse: None,
    }
}

#[test]
fn purchases_separate_received_from_still_ordered() {
    let db = super::open();
    let oak = item(&db, "OAK", None);
    let pine = item(&db, "PINE", None);
    let acme = db
        .create_supplier(&NewSupplier {
            name: "ACME".into(),
            email: None,
            phone: None,
            notes: None,
        })
        .unwrap()
        .id;
    let start = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let po = db
        .create_purchase_order(&NewPurchaseOrder {
            supplier: acme,
            reference: "PO-1".into(),
            note: None,
            lines: vec![line(oak, "10", "2"), line(pine, "5", "4")],
        })
        .unwrap();
    db.receive_purchase(
        po.id,
        &PurchaseReceipt {
            lines: Some(vec![ReceiveLine {
                line: po.lines[0].id,
                quantity: d("6"),
            }]),
            ..PurchaseReceipt::default()
        },
        None,
    )
    .unwrap();
    let end = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let p = db
        .purchases_summary(&ErpQuery::period(Period::Between { start, end }))
        .unwrap();
    assert_eq!(p.received, d("12"));
    assert_eq!(p.ordered, d("40"));
    assert_eq!(p.still_ordered, d("28"), "4 × 2 + 5 × 4");
    assert_eq!(p.by_supplier.len(), 1);
    assert_eq!(p.by_supplier[0].name, "ACME");
    assert_eq!(p.by_supplier[0].receipts, 1);
    assert_eq!(p.by_item[0].sku, "OAK");
    assert_eq!(p.by_item[0].received_quantity, d("6"));
    assert_eq!(p.by_item[0].still_ordered_quantity, d("4"));
    assert_eq!(p.by_item[1].still_ordered, d("20"));
    assert_eq!(p.definition.rows_counted, 1 + 2);
    // A period before: nothing.
    let before = db
        .purchases_summary(&ErpQuery::period(Period::Between {
            start: start - jiff::SignedDuration::from_hours(48),
            end: start,
        }))
        .unwrap();
    assert_eq!(
        (before.received, before.ordered),
        (Decimal::ZERO, Decimal::ZERO)
    );
}

/// A: 10 at 1, reorder point 5; B: 20 at 2; C: never stocked. In March:
/// A sells 6 and gets 1 back, B sells 3 and breaks 1.
fn march_shop() -> Database {
    let db = super::open();
    let a = item(&db, "A", Some("5"));
    let b = item(&db, "B", None);
    item(&db, "C", None);
    db.post(&at(
        Movement::receipt(a, d("10"), d("1")),
        "2026-02-01T00:00:00Z",
    ))
    .unwrap();
    db.post(&at(
        Movement::receipt(b, d("20"), d("2")),
        "2026-02-01T00:00:00Z",
    ))
    .unwrap();
    for m in [
        at(Movement::issue(a, d("6")), "2026-03-05T00:00:00Z"),
        at(
            Movement::receipt(a, d("1"), d("1")).reason(Reason::CustomerReturn),
            "2026-03-06T00:00:00Z",
        ),
        at(Movement::issue(b, d("3")), "2026-03-07T00:00:00Z"),
        at(
            Movement::adjustment(b, d("-1"), Reason::Breakage),
            "2026-03-08T00:00:00Z",
        ),
    ] {
        db.post(&m).unwrap();
    }
    db
}

#[test]
fn top_movers_rank_by_quantity_and_by_cost_issued() {
    let db = march_shop();
    let top = db.top_movers(&erp("2026-03")).unwrap();
    let by_q: Vec<(&str, Decimal)> = top
        .by_quantity
        .iter()
        .map(|m| (m.sku.as_str(), m.quantity))
        .collect();
    assert_eq!(
        by_q,
        vec![("A", d("5")), ("B", d("3"))],
        "sales less returns; breakage is not issued"
    );
    let by_cost: Vec<(&str, Decimal)> = top
        .by_cost
        .iter()
        .map(|m| (m.sku.as_str(), m.cost))
        .collect();
    assert_eq!(by_cost, vec![("B", d("6")), ("A", d("5"))]);
    assert_eq!(top.items_issued, 2);
    assert_eq!(top.definition.rows_counted, 3);
    let one = db
        .top_movers(&ErpQuery {
            limit: Some(1),
            ..erp("2026-03")
        })
        .unwrap();
    assert_eq!(one.by_quantity.len(), 1);
    let products = db
        .top_movers(&ErpQuery {
            kind: Some(ItemKind::Product),
            ..erp("2026-03")
        })
        .unwrap();
    assert!(
        products.by_quantity.is_empty(),
        "every item here is a material"
    );
}

#[test]
fn turnover_divides_cost_issued_by_average_stock_value() {
    let db = march_shop();
    let t = db.inventory_turnover(&erp("2026-03")).unwrap();
    assert_eq!(t.cost_of_goods_issued, d("11"));
    assert_eq!(t.opening_value, d("50"));
    assert_eq!(t.closing_value, d("37"), "50 − 6 + 1 − 6 − 2");
    assert_eq!(t.turnover.numerator, d("11"));
    assert_eq!(t.turnover.denominator, d("43.5"));
    assert_eq!(t.turnover.value, Some(d("0.252874")));
    assert_eq!(t.days_of_inventory.numerator, d("1348.5"), "31 days × 43.5");
    assert_eq!(t.days_of_inventory.denominator, d("11"));
    assert_eq!(t.days_of_inventory.value, Some(d("122.590909")));
    assert!(t.definition.numerator.is_some() && t.definition.denominator.is_some());
    // No stock and nothing issued: no ratio, not a division by zero.
    let empty = super::open();
    let t = empty.inventory_turnover(&erp("2026-03")).unwrap();
    assert_eq!(t.turnover.value, None);
    assert_eq!(t.days_of_inventory.value, None);
}

#[test]
fn low_stock_and_stockouts_are_read_from_available_stock() {
    let db = march_shop();
    let low = db.low_stock(&ErpQuery::default()).unwrap();
    assert_eq!(low.count, 1);
    assert_eq!(low.items[0].sku, "A");
    assert_eq!(
        low.items[0].available,
        d("5"),
        "at the reorder point is low"
    );
    assert_eq!(low.items[0].shortfall, Decimal::ZERO);
    let out = db.stockout_rate(&ErpQuery::default()).unwrap();
    assert_eq!(out.rate.numerator, d("1"), "C was never stocked");
    assert_eq!(out.rate.denominator, d("3"));
    assert_eq!(out.rate.value, Some(d("0.333333")));
    assert_eq!(out.definition.rows_counted, 3);
}

#[test]
fn the_dashboard_and_each_kpi_give_the_same_figures() {
    let db = march_shop();
    let q = erp("2026-03").as_of(ts("2026-03-31T23:59:59Z"));
    let dash = db.erp_dashboard(&q).unwrap();
    assert_eq!(dash.valuation, db.stock_valuation(&q).unwrap());
    assert_eq!(dash.daily_flows, db.daily_flows(&q).unwrap());
    assert_eq!(dash.top_movers, db.top_movers(&q).unwrap());
    assert_eq!(dash.purchases, db.purchases_summary(&q).unwrap());
    assert_eq!(dash.turnover, db.inventory_turnover(&q).unwrap());
    assert_eq!(dash.low_stock.items, db.low_stock(&q).unwrap().items);
    assert_eq!(dash.stockout_rate.rate, db.stockout_rate(&q).unwrap().rate);
    // And through the JSON entry point, the same figures.
    let json = api::call(
        &db,
        r#"{"op": "erp_dashboard", "query": {"period": "2026-03"}}"#,
    )
    .unwrap();
    assert_eq!(json["top_movers"]["by_cost"][0]["sku"], "B");
    assert_eq!(json["turnover"]["turnover"]["value"], "0.252874");
    assert_eq!(json["period"]["label"], "2026-03");
}

#[test]
fn bad_queries_are_refused_on_their_field() {
    let db = super::open();
    let invalid = |r: Result<serde_json::Value>, field: &str| match r {
        Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
        other => panic!("expected invalid {field}, got {other:?}"),
    };
    invalid(
        api::call(
            &db,
            r#"{"op": "daily_flows", "query": {"period": "2026-13"}}"#,
        ),
        "query.period",
    );
    invalid(
        api::call(&db, r#"{"op": "top_movers", "query": {"limit": 0}}"#),
        "limit",
    );
    invalid(
        api::call(
            &db,
            r#"{"op": "win_rate", "query": {"period": "next_month"}}"#,
        ),
        "query.period",
    );
    assert!(matches!(
        db.low_stock(&ErpQuery::default().warehouse(99)),
        Err(Error::NotFound { .. })
    ));
    // Ten thousand years of days is refused, not listed; other KPIs take it.
    let ages = ErpQuery::period(period("0001-01-01..9999-01-01"));
    invalid(
        db.daily_flows(&ages)
            .map(|f| serde_json::json!(f.days.len())),
        "period",
    );
    assert!(db.stock_valuation(&ages).is_ok());
    assert_eq!(
        db.daily_flows(&erp("last_3660_days")).unwrap().days.len(),
        3660
    );
}

// -- CRM ----------------------------------------------------------------------------

struct Crm {
    db: Database,
    pipeline: i64,
    marie: i64,
    bob: i64,
}

impl Crm {
    fn stage(&self, name: &str) -> i64 {
        self.db
            .pipeline(self.pipeline)
            .unwrap()
            .stages
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .id
    }

    fn meta(when: &str) -> TransitionMeta {
        TransitionMeta {
            at: Some(ts(when)),
            ..TransitionMeta::default()
        }
    }

    fn deal(
        &self,
        title: &str,
        who: i64,
        amount: Option<(&str, &str)>,
        owner: Option<&str>,
        when: &str,
    ) -> i64 {
        self.db
            .create_opportunity(
                &NewOpportunity {
                    amount: amount.map(|a| d(a.0)),
                    currency: amount.map(|a| a.1.to_string()),
                    owner: owner.map(str::to_string),
                    at: Some(ts(when)),
                    ..NewOpportunity::new(title, who, self.pipeline)
                },
                None,
            )
            .unwrap()
            .id
    }

    fn go(&self, id: i64, stage: &str, when: &str) {
        self.db
            .move_opportunity(id, self.stage(stage), &Crm::meta(when), None)
            .unwrap();
    }

    fn win(&self, id: i64, when: &str) {
        self.db
            .win_opportunity(id, None, None, &Crm::meta(when), None)
            .unwrap();
    }

    fn lose(&self, id: i64, when: &str) {
        self.db
            .lose_opportunity(id, "price", None, &Crm::meta(when), None)
            .unwrap();
    }
}

/// Sales (Lead 10 %, Proposal 50 %, Won, Lost); February and March:
/// - O1 Marie 1000 EUR (sophie): Lead 2 Mar, Proposal 5 Mar, won 10 Mar;
/// - O2 Bob 500 USD (marc): Lead 3 Mar, lost 12 Mar;
/// - O3 Marie 300 EUR: Lead 1 Feb, lost 20 Feb;
/// - O4 Bob 200 EUR (marc): Lead 5 Feb, Proposal 10 Feb, lost 15 Feb,
///   reopened into Proposal 1 Mar, won 4 Mar;
/// - O5 Marie 800 EUR (sophie): Lead 15 Mar, Proposal 20 Mar, open;
/// - O6 Bob 100 USD: Lead 16 Mar, open;
/// - O7 Bob, no amount: Lead 17 Mar, open.
fn crm() -> Crm {
    let db = super::open();
    let pipeline = db
        .create_pipeline(
            &NewPipeline {
                name: "Sales".into(),
                stages: vec![
                    NewStage::open("Lead", d("10")),
                    NewStage::open("Proposal", d("50")),
                    NewStage::closed("Won", StageKind::Won),
                    NewStage::closed("Lost", StageKind::Lost),
                ],
            },
            None,
        )
        .unwrap()
        .id;
    db.add_lost_reason("price", "Too expensive", None).unwrap();
    let marie = db
        .create_contact(
            &NewContact {
                external_id: Some("C-1".into()),
                ..NewContact::person("Marie Curie")
            },
            None,
        )
        .unwrap()
        .id;
    let bob = db
        .create_contact(
            &NewContact {
                external_id: Some("C-2".into()),
                ..NewContact::person("Bob Martin")
            },
            None,
        )
        .unwrap()
        .id;
    let c = Crm {
        db,
        pipeline,
        marie,
        bob,
    };
    let o3 = c.deal(
        "O3",
        marie,
        Some(("300", "EUR")),
        None,
        "2026-02-01T09:00:00Z",
    );
    let o4 = c.deal(
        "O4",
        bob,
        Some(("200", "EUR")),
        Some("marc"),
        "2026-02-05T09:00:00Z",
    );
    c.go(o4, "Proposal", "2026-02-10T09:00:00Z");
    c.lose(o4, "2026-02-15T09:00:00Z");
    c.lose(o3, "2026-02-20T09:00:00Z");
    c.db.reopen_opportunity(
        o4,
        Some(c.stage("Proposal")),
        &Crm::meta("2026-03-01T09:00:00Z"),
        None,
    )
    .unwrap();
    let o1 = c.deal(
        "O1",
        marie,
        Some(("1000", "EUR")),
        Some("sophie"),
        "2026-03-02T09:00:00Z",
    );
    let o2 = c.deal(
        "O2",
        bob,
        Some(("500", "USD")),
        Some("marc"),
        "2026-03-03T09:00:00Z",
    );
    c.win(o4, "2026-03-04T09:00:00Z");
    c.go(o1, "Proposal", "2026-03-05T09:00:00Z");
    c.win(o1, "2026-03-10T09:00:00Z");
    c.lose(o2, "2026-03-12T09:00:00Z");
    let o5 = c.deal(
        "O5",
        marie,
        Some(("800", "EUR")),
        Some("sophie"),
        "2026-03-15T09:00:00Z",
    );
    c.deal(
        "O6",
        bob,
        Some(("100", "USD")),
        None,
        "2026-03-16T09:00:00Z",
    );
    c.deal("O7", bob, None, None, "2026-03-17T09:00:00Z");
    c.go(o5, "Proposal", "2026-03-20T09:00:00Z");
    c
}

fn amounts(list: &[Amount]) -> Vec<(String, Decimal)> {
    list.iter()
        .map(|a| (a.currency.clone(), a.amount))
        .collect()
}

/// Per stage: name, count, amounts per currency.
type StageRows = Vec<(String, u64, Vec<(String, Decimal)>)>;

fn stages(p: &PipelineByStage) -> StageRows {
    p.pipelines[0]
        .stages
        .iter()
        .map(|s| (s.name.clone(), s.count, amounts(&s.amount)))
        .collect()
}

#[test]
fn won_and_lost_deals_are_never_in_the_open_pipeline() {
    let c = crm();
    let p = c.db.pipeline_by_stage(&CrmQuery::default()).unwrap();
    assert_eq!(
        stages(&p),
        vec![
            ("Lead".into(), 2, vec![("USD".into(), d("100"))]),
            ("Proposal".into(), 1, vec![("EUR".into(), d("800"))]),
        ]
    );
    let lead = &p.pipelines[0].stages[0];
    assert_eq!(lead.without_amount, 1, "O7 is counted, not summed");
    assert_eq!(amounts(&lead.weighted), vec![("USD".into(), d("10"))]);
    assert_eq!(
        amounts(&p.pipelines[0].stages[1].weighted),
        vec![("EUR".into(), d("400"))]
    );
    assert_eq!(p.pipelines[0].count, 3);
    assert_eq!(p.definition.rows_counted, 3);
    assert!(
        c.db.verify().unwrap().is_clean(),
        "the rollup is what the opportunities add up to"
    );
}

#[test]
fn the_pipeline_as_of_a_past_instant_is_replayed_from_the_log() {
    let c = crm();
    let at = |when: &str| {
        c.db.pipeline_by_stage(&CrmQuery::default().as_of(ts(when)))
            .unwrap()
    };
    assert_eq!(
        stages(&at("2026-02-12T00:00:00Z")),
        vec![
            ("Lead".into(), 1, vec![("EUR".into(), d("300"))]),
            ("Proposal".into(), 1, vec![("EUR".into(), d("200"))]),
        ]
    );
    assert_eq!(
        stages(&at("2026-03-06T00:00:00Z")),
        vec![
            ("Lead".into(), 1, vec![("USD".into(), d("500"))]),
            ("Proposal".into(), 1, vec![("EUR".into(), d("1000"))]),
        ],
        "O4 won on the 4th, O3 lost in February: neither is open"
    );
    // Replayed to now, the log gives the rollup's figures.
    let now = c.db.pipeline_by_stage(&CrmQuery::default()).unwrap();
    let replayed = at("2100-01-01T00:00:00Z");
    assert_eq!(stages(&replayed), stages(&now));
}

#[test]
fn win_rate_counts_deals_closed_in_the_period_only() {
    let c = crm();
    let march = CrmQuery::period(period("2026-03"));
    let w = c.db.win_rate(&march).unwrap();
    assert_eq!(
        (w.won, w.lost),
        (2, 1),
        "O3 closed in February; O4 reopened and won in March"
    );
    assert_eq!(w.by_count.value, Some(d("0.666667")));
    let by_value: Vec<(String, Option<Decimal>)> = w
        .by_value
        .iter()
        .map(|v| (v.currency.clone(), v.ratio.value))
        .collect();
    assert_eq!(
        by_value,
        vec![("EUR".into(), Some(d("1"))), ("USD".into(), Some(d("0")))],
        "EUR and USD apart"
    );
    let feb = c.db.win_rate(&CrmQuery::period(period("2026-02"))).unwrap();
    assert_eq!(
        (feb.won, feb.lost),
        (0, 2),
        "O4's February loss stays February's"
    );
    // Converted with a named table: one figure, and the table named.
    let rates = RateTable::new("ECB test", "EUR").rate("USD", d("0.9"));
    let w = c.db.win_rate(&march.clone().rates(rates)).unwrap();
    assert_eq!(w.by_value.len(), 1);
    assert_eq!(
        w.by_value[0].ratio.denominator,
        d("1650"),
        "1200 + 500 × 0.9"
    );
    assert_eq!(w.by_value[0].ratio.value, Some(d("0.727273")));
    assert!(w.definition.currency_rule.contains("ECB test"));
    // A currency the table lacks is refused, not left out.
    let partial = RateTable::new("partial", "EUR");
    match c.db.win_rate(&march.rates(partial)) {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, "rates");
            assert!(message.contains("USD"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deal_size_cycle_and_velocity_come_from_the_period_wins() {
    let c = crm();
    let march = CrmQuery::period(period("2026-03"));
    let size = c.db.average_deal_size(&march).unwrap();
    assert_eq!(size.won, 2);
    assert_eq!(amounts(&size.average), vec![("EUR".into(), d("600"))]);
    let cycle = c.db.sales_cycle(&march).unwrap();
    assert_eq!(cycle.days.numerator, d("35"), "8 days (O1) + 27 days (O4)");
    assert_eq!(cycle.days.value, Some(d("17.5")));
    let v = c.db.pipeline_velocity(&march).unwrap();
    assert_eq!(v.open, 2, "O5 and O6 have amounts");
    assert_eq!(v.per_day.len(), 1, "a velocity where deals were won: EUR");
    assert_eq!(v.per_day[0].open, 1);
    // 1 × 0.666667 × 600 / 17.5
    assert_eq!(v.per_day[0].per_day, Some(d("22.857154")));
}

#[test]
fn stage_conversion_follows_the_cohort_of_the_period() {
    let c = crm();
    let f =
        c.db.stage_conversion(&CrmQuery::period(period("2026-03")))
            .unwrap();
    let funnel = &f.pipelines[0];
    assert_eq!(funnel.cohort, 5, "O1, O2, O5, O6, O7 were created in March");
    let steps: Vec<(String, u64, Option<Decimal>)> = funnel
        .stages
        .iter()
        .map(|s| (s.name.clone(), s.reached, s.to_next.and_then(|r| r.value)))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("Lead".into(), 5, Some(d("0.4"))),
            ("Proposal".into(), 2, Some(d("0.5"))),
            ("Won".into(), 1, None),
        ]
    );
}

#[test]
fn time_in_stage_counts_every_visit_of_a_reopened_deal() {
    let c = crm();
    let t =
        c.db.time_in_stage(&CrmQuery::period(period("2026-03")))
            .unwrap();
    let by_name: Vec<(String, u64, Option<Decimal>, Option<Decimal>)> = t.pipelines[0]
        .stages
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.opportunities,
                s.latest_visit_days,
                s.cumulative_days,
            )
        })
        .collect();
    assert_eq!(
        by_name,
        vec![
            // O1 3 days, O2 9 days, O4 5 days.
            ("Lead".into(), 3, Some(d("5.666667")), Some(d("5.666667"))),
            // O1 5 days; O4 5 days then 3 days after reopening.
            ("Proposal".into(), 2, Some(d("4")), Some(d("6.5"))),
            // O4 lay lost 14 days before it was reopened.
            ("Lost".into(), 1, Some(d("14")), Some(d("14"))),
        ]
    );
}

#[test]
fn owners_have_their_own_wins_and_pipeline() {
    let c = crm();
    let o =
        c.db.owner_performance(&CrmQuery::period(period("2026-03")))
            .unwrap();
    let rows: Vec<(Option<String>, u64, u64, u64)> = o
        .owners
        .iter()
        .map(|f| (f.owner.clone(), f.won, f.lost, f.open))
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some("marc".into()), 1, 1, 0),
            (Some("sophie".into()), 1, 0, 1),
            (None, 0, 0, 2),
        ]
    );
    assert_eq!(
        amounts(&o.owners[1].weighted_pipeline),
        vec![("EUR".into(), d("400"))]
    );
    let only =
        c.db.win_rate(&CrmQuery {
            owner: Some("marc".into()),
            ..CrmQuery::period(period("2026-03"))
        })
        .unwrap();
    assert_eq!((only.won, only.lost), (1, 1));
}

fn mugs(db: &Database) {
    let mug = item(db, "MUG", None);
    db.post(&Movement::receipt(mug, d("100"), d("1"))).unwrap();
}

/// `quantity` mugs at 5 in `currency` for the contact with this external id.
fn order(id: &str, customer: &str, currency: &str, quantity: &str) -> NewOrder {
    let who = Customer {
        external_id: (!customer.is_empty()).then(|| customer.to_string()),
        ..Customer::default()
    };
    NewOrder {
        currency: currency.into(),
        ..super::crm::mug_order(id, quantity, who, false)
    }
}

/// Per currency: (client, order revenue, total).
type Rankings = Vec<(String, Vec<(String, Decimal, Decimal)>)>;

fn pause() {
    std::thread::sleep(std::time::Duration::from_millis(3));
}

#[test]
fn top_clients_count_revenue_net_of_cancellations_and_returns_when_they_happen() {
    let c = crm();
    let db = &c.db;
    mugs(db);
    pause();
    let start = jiff::Timestamp::now();
    pause();
    for (id, who, cur, q) in [
        ("M1", "C-1", "EUR", "2"),
        ("M2", "C-1", "EUR", "4"),
        ("B1", "C-2", "USD", "3"),
        ("X1", "", "EUR", "1"),
    ] {
        db.place_order(&order(id, who, cur, q), None).unwrap();
        db.pay_order(id, None).unwrap();
    }
    // Cancelled after payment: its revenue goes back out.
    db.cancel_order("M2", None).unwrap();
    db.fulfil_order("B1", None, None).unwrap();
    pause();
    let mid = jiff::Timestamp::now();
    pause();
    db.return_order(
        "B1",
        &[ReturnLine {
            line: 1,
            quantity: d("1"),
            restock: true,
        }],
        None,
    )
    .unwrap();
    pause();
    let end = jiff::Timestamp::now();
    let q = |start, end| CrmQuery::period(Period::Between { start, end });
    let before_return = db.top_clients(&q(start, mid)).unwrap();
    let ranking = |t: &kpis::crm::TopClients| -> Rankings {
        t.rankings
            .iter()
            .map(|r| {
                (
                    r.currency.clone(),
                    r.clients
                        .iter()
                        .map(|c| (c.name.clone(), c.order_revenue, c.total))
                        .collect(),
                )
            })
            .collect()
    };
    assert_eq!(
        ranking(&before_return),
        vec![
            ("EUR".into(), vec![("Marie Curie".into(), d("10"), d("10"))]),
            ("USD".into(), vec![("Bob Martin".into(), d("15"), d("15"))]),
        ],
        "M2 was cancelled after payment; EUR and USD apart; the return came after"
    );
    assert_eq!(
        amounts(&before_return.without_contact),
        vec![("EUR".into(), d("5"))]
    );
    let with_return = db.top_clients(&q(start, end)).unwrap();
    assert_eq!(with_return.rankings[1].clients[0].order_revenue, d("10"));
    // Converted: one ranking, Bob's 10 USD is 9 EUR.
    let rates = RateTable::new("desk", "EUR").rate("USD", d("0.9"));
    let one = db.top_clients(&q(start, end).rates(rates)).unwrap();
    assert_eq!(
        ranking(&one),
        vec![(
            "EUR".into(),
            vec![
                ("Marie Curie".into(), d("10"), d("10")),
                ("Bob Martin".into(), d("9"), d("9")),
            ]
        )]
    );
    // The order events say what each recognised.
    let m2 = db.order("M2").unwrap();
    let changes: Vec<Decimal> = m2.events.iter().map(|e| e.revenue_change).collect();
    assert_eq!(changes, vec![d("0"), d("20"), d("-20")]);
}

#[test]
fn won_deals_without_an_order_count_for_their_client() {
    let c = crm();
    let top =
        c.db.top_clients(&CrmQuery::period(period("2026-03")))
            .unwrap();
    let eur: Vec<(i64, Decimal, u64)> = top.rankings[0]
        .clients
        .iter()
        .map(|x| (x.contact, x.won_opportunities, x.opportunities))
        .collect();
    assert_eq!(top.rankings[0].currency, "EUR");
    assert_eq!(eur, vec![(c.marie, d("1000"), 1), (c.bob, d("200"), 1)]);
}

#[test]
fn activities_list_the_latest_and_the_coming() {
    let c = crm();
    let note = |summary: &str, when: &str, kind| {
        c.db.log_interaction(
            &NewInteraction {
                at: Some(ts(when)),
                author: Some("sophie".into()),
                ..NewInteraction::new(kind, c.marie, summary)
            },
            None,
        )
        .unwrap()
    };
    note("called", "2026-03-01T10:00:00Z", InteractionKind::Call);
    note("met", "2026-03-02T10:00:00Z", InteractionKind::Meeting);
    note(
        "visit planned",
        "2026-03-09T10:00:00Z",
        InteractionKind::Meeting,
    );
    let a =
        c.db.activities(&CrmQuery::default().as_of(ts("2026-03-05T00:00:00Z")))
            .unwrap();
    let recent: Vec<&str> = a
        .recent
        .iter()
        .map(|x| x.interaction.summary.as_str())
        .collect();
    assert_eq!(recent, vec!["met", "called"]);
    assert_eq!(a.planned[0].interaction.summary, "visit planned");
    assert_eq!(a.planned[0].contact_name, "Marie Curie");
}

#[test]
fn the_crm_dashboard_is_its_kpis() {
    let c = crm();
    let q = CrmQuery::period(period("2026-03")).as_of(ts("2026-04-01T00:00:00Z"));
    let dash = c.db.crm_dashboard(&q).unwrap();
    assert_eq!(dash.pipeline, c.db.pipeline_by_stage(&q).unwrap());
    assert_eq!(dash.win_rate, c.db.win_rate(&q).unwrap());
    assert_eq!(dash.time_in_stage, c.db.time_in_stage(&q).unwrap());
    assert_eq!(dash.top_clients, c.db.top_clients(&q).unwrap());
    assert_eq!(dash.stage_conversion, c.db.stage_conversion(&q).unwrap());
    let json = api::call(
        &c.db,
        r#"{"op": "crm_dashboard", "query": {"period": "2026-03", "rates": {"name": "desk", "currency": "EUR", "rates": [{"currency": "USD", "rate": "0.9"}]}}}"#,
    )
    .unwrap();
    assert_eq!(json["win_rate"]["won"], 2);
    assert_eq!(json["win_rate"]["by_value"][0]["currency"], "EUR");
    let _ = c.bob;
}
