//! Random order event sequences against a simple model: on hand, reserved
//! and available always match, nothing goes negative, a refused event
//! changes nothing, and `verify()` stays clean.

use proptest::prelude::*;
use racine::*;

const SKUS: [&str; 2] = ["A", "B"];
const ORDERS: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    Receive {
        item: usize,
        qty: i64,
    },
    Place {
        order: usize,
        lines: Vec<(usize, i64)>,
    },
    Pay {
        order: usize,
    },
    Fulfil {
        order: usize,
        line: usize,
        qty: i64,
    },
    Cancel {
        order: usize,
    },
    Return {
        order: usize,
        line: usize,
        qty: i64,
        restock: bool,
    },
    Expire,
}

fn op() -> impl Strategy<Value = Op> {
    let order = 0..ORDERS;
    prop_oneof![
        2 => (0..2usize, 1i64..6).prop_map(|(item, qty)| Op::Receive { item, qty }),
        3 => (order.clone(), prop::collection::vec((0..2usize, 1i64..5), 1..3))
            .prop_map(|(order, lines)| Op::Place { order, lines }),
        1 => order.clone().prop_map(|order| Op::Pay { order }),
        3 => (order.clone(), 0..2usize, 1i64..4).prop_map(|(order, line, qty)| Op::Fulfil { order, line, qty }),
        1 => order.clone().prop_map(|order| Op::Cancel { order }),
        2 => (order, 0..2usize, 1i64..3, any::<bool>())
            .prop_map(|(order, line, qty, restock)| Op::Return { order, line, qty, restock }),
        1 => Just(Op::Expire),
    ]
}

#[derive(Clone, Debug)]
struct MLine {
    item: usize,
    qty: i64,
    fulfilled: i64,
    returned: i64,
    out: i64,
}

#[derive(Clone, Debug, PartialEq)]
enum MStatus {
    Open,
    Cancelled,
    Expired,
}

#[derive(Clone, Debug)]
struct MOrder {
    lines: Vec<MLine>,
    status: MStatus,
    paid: bool,
}

#[derive(Clone, Debug, Default)]
struct Model {
    on_hand: [i64; 2],
    orders: Vec<Option<MOrder>>,
}

impl Model {
    fn reserved(&self, item: usize) -> i64 {
        self.orders
            .iter()
            .flatten()
            .filter(|o| o.status == MStatus::Open)
            .flat_map(|o| &o.lines)
            .filter(|l| l.item == item)
            .map(|l| l.qty - l.fulfilled)
            .sum()
    }
    fn available(&self, item: usize) -> i64 {
        self.on_hand[item] - self.reserved(item)
    }
}

fn q(units: i64) -> Decimal {
    Decimal::from_raw(units * 1_000_000)
}

fn apply(db: &Database, m: &mut Model, op: &Op) -> bool {
    let id = |o: usize| format!("O{o}");
    match op {
        Op::Receive { item, qty } => {
            let item_id = db.item_by_sku(SKUS[*item]).unwrap().id;
            db.post(&Movement::receipt(item_id, q(*qty), Decimal::from(3)))
                .unwrap();
            m.on_hand[*item] += qty;
            true
        }
        Op::Place { order, lines } => {
            let new = NewOrder {
                external_id: id(*order),
                customer: Customer::default(),
                currency: "EUR".into(),
                lines: lines
                    .iter()
                    .map(|(item, qty)| NewOrderLine {
                        sku: SKUS[*item].into(),
                        quantity: q(*qty),
                        unit_price: Decimal::from(5),
                        warehouse: None,
                    })
                    .collect(),
                placed_at: Some("2025-11-25T10:00:00Z".parse().unwrap()),
                expires_at: Some("2025-11-25T11:00:00Z".parse().unwrap()),
                create_contact: false,
            };
            let fits = (0..2).all(|item| {
                lines
                    .iter()
                    .filter(|l| l.0 == item)
                    .map(|l| l.1)
                    .sum::<i64>()
                    <= m.available(item)
            });
            let ok = m.orders[*order].is_none() && fits;
            let r = db.place_order(&new, None);
            assert_eq!(r.is_ok(), ok, "{op:?}: {r:?}");
            if ok {
                m.orders[*order] = Some(MOrder {
                    lines: lines
                        .iter()
                        .map(|(item, qty)| MLine {
                            item: *item,
                            qty: *qty,
                            fulfilled: 0,
                            returned: 0,
                            out: 0,
                        })
                        .collect(),
                    status: MStatus::Open,
                    paid: false,
                });
            }
            ok
        }
        Op::Pay { order } => {
            let ok = matches!(&m.orders[*order], Some(o) if o.status == MStatus::Open && !o.paid);
            let r = db.pay_order(&id(*order), None);
            assert_eq!(r.is_ok(), ok, "{op:?}: {r:?}");
            if ok {
                m.orders[*order].as_mut().unwrap().paid = true;
            }
            ok
        }
        Op::Fulfil { order, line, qty } => {
            let ok = match &m.orders[*order] {
                Some(o) => {
                    o.status == MStatus::Open
                        && o.lines.iter().any(|l| l.fulfilled < l.qty)
                        && o.lines
                            .get(*line)
                            .is_some_and(|l| l.fulfilled + qty <= l.qty)
                }
                None => false,
            };
            let r = db.fulfil_order(
                &id(*order),
                Some(&[FulfilLine {
                    line: *line as u32 + 1,
                    quantity: q(*qty),
                }]),
                None,
            );
            assert_eq!(r.is_ok(), ok, "{op:?}: {r:?}");
            if ok {
                let l = &mut m.orders[*order].as_mut().unwrap().lines[*line];
                l.fulfilled += qty;
                l.out += qty;
                m.on_hand[l.item] -= qty;
            }
            ok
        }
        Op::Cancel { order } => {
            let ok = matches!(&m.orders[*order], Some(o) if o.status == MStatus::Open);
            let r = db.cancel_order(&id(*order), None);
            assert_eq!(r.is_ok(), ok, "{op:?}: {r:?}");
            if ok {
                let o = m.orders[*order].as_mut().unwrap();
                o.status = MStatus::Cancelled;
                for l in &mut o.lines {
                    m.on_hand[l.item] += l.out;
                    l.out = 0;
                }
            }
            ok
        }
        Op::Return {
            order,
            line,
            qty,
            restock,
        } => {
            let ok = match &m.orders[*order] {
                Some(o) => {
                    o.status == MStatus::Open
                        && o.lines.iter().any(|l| l.fulfilled > 0)
                        && o.lines
                            .get(*line)
                            .is_some_and(|l| l.returned + qty <= l.fulfilled)
                }
                None => false,
            };
            let ret = [ReturnLine {
                line: *line as u32 + 1,
                quantity: q(*qty),
                restock: *restock,
            }];
            let r = db.return_order(&id(*order), &ret, None);
            assert_eq!(r.is_ok(), ok, "{op:?}: {r:?}");
            if ok {
                let l = &mut m.orders[*order].as_mut().unwrap().lines[*line];
                l.returned += qty;
                l.out -= qty;
                if *restock {
                    m.on_hand[l.item] += qty;
                }
            }
            ok
        }
        Op::Expire => {
            let mut expired = db
                .expire_reservations("2025-11-25T12:00:00Z".parse().unwrap())
                .unwrap();
            expired.sort();
            let mut want = Vec::new();
            for (i, o) in m.orders.iter_mut().enumerate() {
                if let Some(o) = o {
                    if o.status == MStatus::Open
                        && !o.paid
                        && o.lines.iter().all(|l| l.fulfilled == 0)
                    {
                        o.status = MStatus::Expired;
                        want.push(id(i));
                    }
                }
            }
            assert_eq!(expired, want);
            true
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: super::cases(64), ..ProptestConfig::default() })]

    #[test]
    fn random_event_sequences_match_the_model(ops in prop::collection::vec(op(), 1..40)) {
        let db = super::open();
        let items: Vec<i64> = SKUS.iter().map(|s| db.create_item(&NewItem::new(*s, *s)).unwrap().id).collect();
        let mut model = Model { orders: vec![None; ORDERS], ..Model::default() };
        for op in &ops {
            let before: Vec<_> = items.iter().map(|i| db.stock(*i, None).unwrap()).collect();
            if !apply(&db, &mut model, op) {
                let after: Vec<_> = items.iter().map(|i| db.stock(*i, None).unwrap()).collect();
                prop_assert_eq!(before, after, "a refused {:?} changed stock", op);
            }
            for (k, item) in items.iter().enumerate() {
                let s = db.stock(*item, None).unwrap();
                prop_assert_eq!(s.on_hand, q(model.on_hand[k]), "on hand of {} after {:?}", SKUS[k], op);
                prop_assert_eq!(s.reserved, q(model.reserved(k)), "reserved of {} after {:?}", SKUS[k], op);
                prop_assert!(!s.available.is_negative() && !s.on_hand.is_negative());
            }
        }
        let report = db.verify().unwrap();
        prop_assert!(report.is_clean(), "{:?}", report.drifts);
    }
}
