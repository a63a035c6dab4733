//! Random operation sequences checked against a simple model of quantities.
//!
//! Invariants: on hand = Σ movement quantities; value = Σ value changes;
//! stock never below zero where not allowed; a refused operation changes
//! nothing; a replayed idempotency key changes nothing; `verify()` is clean.

use std::collections::HashMap;

use proptest::prelude::*;
use racine::*;

const ITEMS: usize = 4; // FIFO, LIFO, moving average, moving average allowing negative
const WAREHOUSES: usize = 2;

#[derive(Clone, Debug)]
enum Op {
    Receipt {
        item: usize,
        wh: usize,
        qty: i64,
        cost: i64,
    },
    Issue {
        item: usize,
        wh: usize,
        qty: i64,
    },
    Adjust {
        item: usize,
        wh: usize,
        qty: i64,
    },
    Count {
        item: usize,
        wh: usize,
        counted: i64,
    },
    Transfer {
        item: usize,
        from: usize,
        qty: i64,
    },
    Batch(Vec<(usize, usize, i64)>),
    Replay {
        key: u8,
        item: usize,
        wh: usize,
        qty: i64,
    },
}

/// Quantities in halves (0.5 … 20), so that exact edges (issuing exactly
/// what is left, one half more) come up often; costs in cents.
fn op() -> impl Strategy<Value = Op> {
    let item = 0..ITEMS;
    let wh = 0..WAREHOUSES;
    let qty = 1i64..40;
    prop_oneof![
        3 => (item.clone(), wh.clone(), qty.clone(), 0i64..10_000)
            .prop_map(|(item, wh, qty, cost)| Op::Receipt { item, wh, qty, cost }),
        3 => (item.clone(), wh.clone(), qty.clone()).prop_map(|(item, wh, qty)| Op::Issue { item, wh, qty }),
        1 => (item.clone(), wh.clone(), -40i64..40)
            .prop_filter("non-zero", |t| t.2 != 0)
            .prop_map(|(item, wh, qty)| Op::Adjust { item, wh, qty }),
        1 => (item.clone(), wh.clone(), 0i64..60).prop_map(|(item, wh, counted)| Op::Count { item, wh, counted }),
        1 => (item.clone(), wh.clone(), qty.clone()).prop_map(|(item, from, qty)| Op::Transfer { item, from, qty }),
        1 => prop::collection::vec((item.clone(), wh.clone(), -20i64..20), 1..6).prop_map(Op::Batch),
        1 => (0u8..3, item, wh, qty).prop_map(|(key, item, wh, qty)| Op::Replay { key, item, wh, qty }),
    ]
}

fn q(halves: i64) -> Decimal {
    Decimal::from_raw(halves * 500_000)
}

struct World {
    db: Database,
    items: Vec<i64>,
    warehouses: Vec<i64>,
    allow_negative: Vec<bool>,
    model: HashMap<(usize, usize), i64>,
    keys: HashMap<u8, Movement>,
}

impl World {
    fn new() -> World {
        let db = super::open();
        let specs = [
            (ValuationMethod::Fifo, false),
            (ValuationMethod::Lifo, false),
            (ValuationMethod::MovingAverage, false),
            (ValuationMethod::MovingAverage, true),
        ];
        let items = specs
            .iter()
            .enumerate()
            .map(|(i, (valuation, allow_negative))| {
                db.create_item(&NewItem {
                    valuation: *valuation,
                    allow_negative: *allow_negative,
                    ..NewItem::new(format!("I{i}"), "item")
                })
                .unwrap()
                .id
            })
            .collect();
        let second = db
            .create_warehouse(&NewWarehouse {
                code: "W2".into(),
                name: "Second".into(),
                is_default: false,
            })
            .unwrap()
            .id;
        let warehouses = vec![db.default_warehouse().unwrap().id, second];
        World {
            db,
            items,
            warehouses,
            allow_negative: specs.iter().map(|s| s.1).collect(),
            model: HashMap::new(),
            keys: HashMap::new(),
        }
    }

    fn on_hand(&self, item: usize, wh: usize) -> i64 {
        *self.model.get(&(item, wh)).unwrap_or(&0)
    }

    /// Would the model accept these quantity changes, applied in order?
    fn accepts(&self, changes: &[(usize, usize, i64)]) -> bool {
        let mut m = self.model.clone();
        for &(item, wh, delta) in changes {
            let e = m.entry((item, wh)).or_insert(0);
            *e += delta;
            if delta < 0 && *e < 0 && !self.allow_negative[item] {
                return false;
            }
        }
        true
    }

    fn movement(&self, item: usize, wh: usize, delta: i64) -> Movement {
        let m = if delta > 0 {
            Movement::receipt(self.items[item], q(delta), Decimal::from_raw(1_230_000))
        } else {
            Movement::issue(self.items[item], q(-delta))
        };
        m.warehouse(self.warehouses[wh])
    }

    fn snapshot(&self) -> Vec<StockLevel> {
        let mut all = vec![];
        for &i in &self.items {
            for &w in &self.warehouses {
                all.push(self.db.stock(i, Some(w)).unwrap());
            }
        }
        all
    }

    fn movement_total(&self) -> usize {
        let mut n = 0;
        let mut after = None;
        loop {
            let page = self
                .db
                .movements(&MovementFilter {
                    page: PageRequest {
                        limit: Some(1000),
                        after,
                    },
                    ..Default::default()
                })
                .unwrap();
            n += page.items.len();
            match page.next {
                Some(next) => after = Some(next),
                None => return n,
            }
        }
    }

    /// Applies `op`; returns false when the engine refused it.
    fn apply(&mut self, op: &Op) -> bool {
        let (changes, result) = match op {
            Op::Receipt {
                item,
                wh,
                qty,
                cost,
            } => {
                let m =
                    Movement::receipt(self.items[*item], q(*qty), Decimal::from_raw(cost * 10_000))
                        .warehouse(self.warehouses[*wh]);
                (vec![(*item, *wh, *qty)], self.db.post(&m).map(|_| ()))
            }
            Op::Issue { item, wh, qty } => (
                vec![(*item, *wh, -qty)],
                self.db.post(&self.movement(*item, *wh, -qty)).map(|_| ()),
            ),
            Op::Adjust { item, wh, qty } => {
                let m = Movement::adjustment(self.items[*item], q(*qty), Reason::ManualCorrection)
                    .warehouse(self.warehouses[*wh]);
                (vec![(*item, *wh, *qty)], self.db.post(&m).map(|_| ()))
            }
            Op::Count { item, wh, counted } => {
                let delta = counted - self.on_hand(*item, *wh);
                let m =
                    Movement::count(self.items[*item], q(*counted)).warehouse(self.warehouses[*wh]);
                (vec![(*item, *wh, delta)], self.db.post(&m).map(|_| ()))
            }
            Op::Transfer { item, from, qty } => {
                let to = 1 - from;
                let m = Movement::transfer(
                    self.items[*item],
                    self.warehouses[*from],
                    self.warehouses[to],
                    q(*qty),
                );
                (
                    vec![(*item, *from, -qty), (*item, to, *qty)],
                    self.db.post(&m).map(|_| ()),
                )
            }
            Op::Batch(entries) => {
                let entries: Vec<_> = entries.iter().copied().filter(|e| e.2 != 0).collect();
                if entries.is_empty() {
                    return true;
                }
                let ms: Vec<_> = entries
                    .iter()
                    .map(|&(i, w, dq)| self.movement(i, w, dq))
                    .collect();
                (entries, self.db.post_batch(&ms).map(|_| ()))
            }
            Op::Replay { key, item, wh, qty } => {
                let name = format!("key-{key}");
                match self.keys.get(key).cloned() {
                    Some(first) => {
                        // Same request: nothing moves. Different: a conflict.
                        let before = self.snapshot();
                        let count = self.movement_total();
                        let same = self.db.post_once(&first, &name);
                        if let Err(e) = &same {
                            panic!("replay of a stored key failed: {e}");
                        }
                        let other = self.movement(*item, *wh, *qty + 1_000);
                        let err = self.db.post_once(&other, &name).unwrap_err();
                        assert_eq!(err.code(), ErrorCode::IdempotencyConflict);
                        assert_eq!(self.snapshot(), before);
                        assert_eq!(self.movement_total(), count);
                        return true;
                    }
                    None => {
                        let m = self.movement(*item, *wh, *qty);
                        let r = self.db.post_once(&m, &name).map(|_| ());
                        if r.is_ok() {
                            self.keys.insert(*key, m);
                        }
                        (vec![(*item, *wh, *qty)], r)
                    }
                }
            }
        };
        let expected_ok = self.accepts(&changes);
        match result {
            Ok(()) => {
                assert!(expected_ok, "{op:?} was accepted but the model refuses it");
                for (i, w, dq) in changes {
                    *self.model.entry((i, w)).or_insert(0) += dq;
                }
                true
            }
            Err(e) => {
                assert!(!expected_ok, "{op:?} was refused: {e}");
                assert!(matches!(e.code(), ErrorCode::NegativeStock), "{e}");
                false
            }
        }
    }

    fn check(&self) {
        let far = "2100-01-01T00:00:00Z".parse().unwrap();
        for (ii, &item) in self.items.iter().enumerate() {
            for (wi, &wh) in self.warehouses.iter().enumerate() {
                let s = self.db.stock(item, Some(wh)).unwrap();
                assert_eq!(s.on_hand, q(self.on_hand(ii, wi)), "item {ii} wh {wi}");
                let replay = self.db.stock_as_of(item, Some(wh), far).unwrap();
                assert_eq!((replay.on_hand, replay.value), (s.on_hand, s.value));
                if !self.allow_negative[ii] {
                    assert!(!s.on_hand.is_negative());
                    assert!(!s.value.is_negative());
                }
                if s.on_hand.is_zero() {
                    assert!(s.value.is_zero(), "value {} left at quantity 0", s.value);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: super::cases(96), ..ProptestConfig::default() })]

    #[test]
    fn random_operation_sequences_keep_every_invariant(ops in prop::collection::vec(op(), 1..60)) {
        let mut world = World::new();
        for op in &ops {
            let before = world.snapshot();
            let count = world.movement_total();
            if !world.apply(op) {
                // Refused: nothing at all changed.
                prop_assert_eq!(world.snapshot(), before);
                prop_assert_eq!(world.movement_total(), count);
            }
            world.check();
        }
        let report = world.db.verify().unwrap();
        prop_assert!(report.is_clean(), "{:?}", report.drifts);
    }
}
