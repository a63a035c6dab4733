//! `verify()`: replays the whole ledger through the valuation rules and
//! compares every recorded figure and the balance table with the replay.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::Result;
use crate::valuation::{CostState, Layer};

/// Drifts listed at most; further ones are only counted.
const MAX_LISTED: usize = 1000;

/// One figure that differs from what the ledger implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Movements replayed.
    pub movements_checked: u64,
    /// Item × warehouse balances compared.
    pub balances_checked: u64,
    /// Total number of drifts found.
    pub drift_count: u64,
    /// The first drifts found (at most 1000).
    pub drifts: Vec<Drift>,
    /// True when nothing drifted (`drift_count` is 0).
    pub is_clean: bool,
}

impl VerifyReport {
    /// True when nothing drifted.
    pub fn is_clean(&self) -> bool {
        self.is_clean
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
        self.snapshot(|r| {
            let methods: HashMap<_, _> = r.valuation_methods()?.into_iter().collect();
            let mut report = VerifyReport::default();
            let mut states: BTreeMap<(i64, i64), CostState> = BTreeMap::new();
            r.for_each_movement(&mut |m| {
                let method = methods.get(&m.item).copied().unwrap_or_default();
                let state = states.entry((m.item, m.warehouse)).or_default();
                let change = if m.quantity.is_positive() {
                    state.receive(method, m.quantity, m.inbound_value.unwrap_or_default())?
                } else {
                    state.issue(method, m.quantity.checked_neg()?)?
                };
                report.movements_checked += 1;
                let recorded = [
                    ("value_change", m.value_change, change),
                    ("balance_after", m.balance_after, state.on_hand),
                    ("value_after", m.value_after, state.value),
                ];
                for (field, found, expected) in recorded {
                    if found != expected {
                        report.report(Drift {
                            item: m.item,
                            warehouse: m.warehouse,
                            movement: Some(m.id),
                            field: field.into(),
                            expected,
                            found,
                        });
                    }
                }
                Ok(())
            })?;

            // Reserved stock must be exactly what pending reservations hold.
            let pending: HashMap<_, _> = r.pending_totals()?.into_iter().collect();
            let mut seen = HashSet::new();
            for ((item, warehouse), b) in r.all_balances()? {
                seen.insert((item, warehouse));
                report.balances_checked += 1;
                let expected = states.get(&(item, warehouse)).cloned().unwrap_or_default();
                let pending = pending.get(&(item, warehouse)).copied().unwrap_or_default();
                let checks = [
                    ("on_hand", expected.on_hand, b.on_hand),
                    ("value", expected.value, b.value),
                    ("reserved", pending, b.reserved),
                ];
                for (field, expected, found) in checks {
                    if expected != found {
                        report.report(Drift {
                            item,
                            warehouse,
                            movement: None,
                            field: field.into(),
                            expected,
                            found,
                        });
                    }
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
            let total =
                |v: &VecDeque<Layer>| Decimal::from_raw(v.iter().map(|l| l.value.raw()).sum());
            for (key, found) in r.all_cost_layers()? {
                let expected = states
                    .get(&key)
                    .map(|s| s.layers.clone())
                    .unwrap_or_default();
                if expected != found {
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
            report.is_clean = report.drift_count == 0;
            Ok(report)
        })
    }
}
