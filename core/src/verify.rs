//! `verify()`: replays the whole ledger through the valuation rules and
//! compares every recorded figure and the balance table with the replay.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::db::Database;
use crate::decimal::Decimal;
use crate::error::Result;
use crate::valuation::{decode_layers, CostState, ValuationMethod};

/// Drifts listed at most; further ones are only counted.
const MAX_LISTED: usize = 1000;

/// One figure that differs from what the ledger implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    /// Item id.
    pub item: i64,
    /// Warehouse id.
    pub warehouse: i64,
    /// The movement whose recorded figure differs (`None` for the balance
    /// table and cost layers).
    pub movement: Option<i64>,
    /// Which figure: `value_change`, `balance_after`, `value_after`,
    /// `on_hand`, `value`, `reserved`, `layers`.
    pub field: String,
    /// What the replay gives.
    pub expected: Decimal,
    /// What is stored.
    pub found: Decimal,
}

/// What [`Database::verify`] checked and found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Movements replayed.
    pub movements_checked: u64,
    /// Item × warehouse balances compared.
    pub balances_checked: u64,
    /// Total number of drifts found.
    pub drift_count: u64,
    /// The first drifts found (at most 1000).
    pub drifts: Vec<Drift>,
}

impl VerifyReport {
    /// True when nothing drifted.
    pub fn is_clean(&self) -> bool {
        self.drift_count == 0
    }

    fn report(&mut self, d: Drift) {
        self.drift_count += 1;
        if self.drifts.len() < MAX_LISTED {
            self.drifts.push(d);
        }
    }
}

impl Database {
    /// Recomputes every balance, value and cost layer from the ledger and
    /// reports each difference. A healthy database reports none.
    ///
    /// Runs in one read transaction (a consistent snapshot); writers in
    /// other processes are not blocked in WAL mode.
    ///
    /// ```
    /// let db = racine::Database::open_in_memory()?;
    /// assert!(db.verify()?.is_clean());
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let methods: HashMap<i64, ValuationMethod> = tx
            .prepare("SELECT id, valuation FROM items")?
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
            .map(|row| {
                let (id, v) = row?;
                Ok((id, ValuationMethod::parse(&v)?))
            })
            .collect::<Result<_>>()?;

        let mut report = VerifyReport::default();
        let mut states: BTreeMap<(i64, i64), CostState> = BTreeMap::new();
        let mut stmt = tx.prepare(
            "SELECT id, item_id, warehouse_id, quantity, value_change, inbound_value,
                    balance_after, value_after
             FROM movements ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, item, warehouse): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let quantity = Decimal::from_raw(r.get(3)?);
            let recorded = [
                ("value_change", Decimal::from_raw(r.get(4)?)),
                ("balance_after", Decimal::from_raw(r.get(6)?)),
                ("value_after", Decimal::from_raw(r.get(7)?)),
            ];
            let inbound: Option<i64> = r.get(5)?;
            let method = methods.get(&item).copied().unwrap_or_default();
            let state = states.entry((item, warehouse)).or_default();
            let change = if quantity.is_positive() {
                let value = Decimal::from_raw(inbound.unwrap_or_default());
                state.receive(method, quantity, value)?
            } else {
                state.issue(method, quantity.checked_neg()?)?
            };
            report.movements_checked += 1;
            let replayed = [change, state.on_hand, state.value];
            for ((field, found), expected) in recorded.into_iter().zip(replayed) {
                if found != expected {
                    report.report(Drift {
                        item,
                        warehouse,
                        movement: Some(id),
                        field: field.into(),
                        expected,
                        found,
                    });
                }
            }
        }
        drop(rows);

        let stored: Vec<(i64, i64, i64, i64, i64)> = tx
            .prepare("SELECT item_id, warehouse_id, on_hand, value, reserved FROM balances")?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Reserved stock must be exactly what pending reservations hold.
        let pending: HashMap<(i64, i64), i64> = tx
            .prepare(
                "SELECT item_id, warehouse_id, SUM(pending) FROM reservations
                 WHERE status = 'pending' GROUP BY item_id, warehouse_id",
            )?
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut seen = std::collections::HashSet::new();
        for (item, warehouse, on_hand, value, reserved) in stored {
            seen.insert((item, warehouse));
            report.balances_checked += 1;
            let expected = states.get(&(item, warehouse)).cloned().unwrap_or_default();
            let checks = [
                ("on_hand", expected.on_hand, on_hand),
                ("value", expected.value, value),
            ];
            for (field, expected, found) in checks {
                if expected.raw() != found {
                    report.report(Drift {
                        item,
                        warehouse,
                        movement: None,
                        field: field.into(),
                        expected,
                        found: Decimal::from_raw(found),
                    });
                }
            }
            let pending = pending.get(&(item, warehouse)).copied().unwrap_or(0);
            if reserved != pending {
                report.report(Drift {
                    item,
                    warehouse,
                    movement: None,
                    field: "reserved".into(),
                    expected: Decimal::from_raw(pending),
                    found: Decimal::from_raw(reserved),
                });
            }
        }
        for ((item, warehouse), state) in &states {
            if !seen.contains(&(*item, *warehouse)) {
                report.balances_checked += 1;
                report.report(Drift {
                    item: *item,
                    warehouse: *warehouse,
                    movement: None,
                    field: "on_hand".into(),
                    expected: state.on_hand,
                    found: Decimal::ZERO,
                });
            }
        }

        // Open cost layers must be exactly the replay's, in order.
        let mut stmt = tx.prepare(
            "SELECT b.item_id, b.warehouse_id, COALESCE(l.layers, x'')
             FROM balances b
             LEFT JOIN cost_layers l ON l.item_id = b.item_id AND l.warehouse_id = b.warehouse_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: (i64, i64) = (r.get(0)?, r.get(1)?);
            let found = decode_layers(&r.get::<_, Vec<u8>>(2)?)?;
            let expected = states
                .get(&key)
                .map(|s| s.layers.clone())
                .unwrap_or_default();
            if expected != found {
                let total = |v: &std::collections::VecDeque<crate::valuation::Layer>| {
                    Decimal::from_raw(v.iter().map(|l| l.value.raw()).sum())
                };
                report.report(Drift {
                    item: key.0,
                    warehouse: key.1,
                    movement: None,
                    field: "layers".into(),
                    expected: total(&expected),
                    found: total(&found),
                });
            }
        }
        Ok(report)
    }
}
