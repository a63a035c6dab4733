//! `verify()`: replays the whole ledger through the valuation rules and
//! compares every recorded figure and the balance table with the replay.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::ledger::MovementRecord;
use crate::store::{IdempotencyRecord, Reads};
use crate::valuation::{CostState, Layer};

/// Drifts listed at most; further ones are only counted.
const MAX_LISTED: usize = 1000;

/// One figure that differs from what the ledger implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Drift {
    /// Item id (0 for a warehouse's kept value).
    pub item: i64,
    /// Warehouse id.
    pub warehouse: i64,
    /// The movement whose recorded figure differs (`None` for the balance
    /// table and cost layers).
    pub movement: Option<i64>,
    /// Which figure: `value_change`, `balance_after`, `value_after`,
    /// `on_hand`, `value`, `reserved`, `layers`, `warehouse_value`.
    pub field: String,
    /// What the replay gives.
    pub expected: Decimal,
    /// What is stored.
    pub found: Decimal,
}

/// An opportunity whose stored state is not what its transition log
/// replays to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OpportunityDrift {
    /// The opportunity.
    pub opportunity: i64,
    /// `stage`, `status`, `lost_reason`, `closed_at` or `history`; or, for
    /// opportunity 0, `open_pipeline` (the dashboards' rollup).
    pub field: String,
    /// What the replay gives.
    pub expected: String,
    /// What is stored.
    pub found: String,
}

/// An idempotency record that does not match what it answered for, or
/// rows written under a key that has no record (a retry of that request
/// would apply it again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct KeyDrift {
    /// The idempotency key.
    pub key: String,
    /// The operation its record names (`None` when the record is missing).
    pub operation: Option<String>,
    /// What does not match.
    pub problem: String,
}

/// A row that refers to a row that does not exist (an item, a warehouse,
/// an order…): the database was changed outside Racine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ReferenceDrift {
    /// The table of the row (`movements`, `order_lines`…).
    pub table: String,
    /// Its id (for balances, the item id).
    pub row: i64,
    /// What it refers to that is missing (`item`, `warehouse`, a table).
    pub missing: String,
}

/// What [`Database::verify`] checked and found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Movements replayed.
    pub movements_checked: u64,
    /// Item × warehouse balances compared.
    pub balances_checked: u64,
    /// Idempotency records compared with the movements and order events
    /// written under their keys.
    pub records_checked: u64,
    /// Total number of drifts found (figures and keys).
    pub drift_count: u64,
    /// The first drifts of figures found (at most 1000).
    pub drifts: Vec<Drift>,
    /// The first idempotency drifts found (at most 1000).
    pub key_drifts: Vec<KeyDrift>,
    /// Opportunities whose transition log was replayed.
    #[serde(default)]
    pub opportunities_checked: u64,
    /// The first opportunities found out of step with their log (at most 1000).
    #[serde(default)]
    pub opportunity_drifts: Vec<OpportunityDrift>,
    /// The first rows found referring to nothing (at most 1000).
    #[serde(default)]
    pub reference_drifts: Vec<ReferenceDrift>,
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

    fn report_key(&mut self, key: &str, operation: Option<&str>, problem: String) {
        self.drift_count += 1;
        if self.key_drifts.len() < MAX_LISTED {
            self.key_drifts.push(KeyDrift {
                key: key.into(),
                operation: operation.map(str::to_owned),
                problem,
            });
        }
    }
}

impl Database {
    /// Recomputes every balance, value and cost layer from the ledger,
    /// replays every opportunity's transition log, compares every idempotency record with the movements and order
    /// events written under its key, and reports each difference. A
    /// healthy database reports none.
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
        self.verify_with(&mut |_| true)
    }

    /// [`Database::verify`], calling `progress` with the movements replayed
    /// so far every 16,384 of them; returning `false` stops the check
    /// ([`Error::Cancelled`]).
    pub fn verify_with(&self, progress: &mut dyn FnMut(u64) -> bool) -> Result<VerifyReport> {
        self.snapshot(|r| {
            let methods: HashMap<_, _> = r.valuation_methods()?.into_iter().collect();
            let mut report = VerifyReport::default();
            let mut states: BTreeMap<(i64, i64), CostState> = BTreeMap::new();
            r.for_each_movement(&mut |m| {
                let method = methods.get(&m.item).copied().unwrap_or_default();
                let state = states.entry((m.item, m.warehouse)).or_default();
                let change = if m.quantity.is_positive() {
                    state.receive(
                        method,
                        m.quantity,
                        m.inbound_value.unwrap_or_default(),
                        m.id,
                    )?
                } else {
                    state.issue(method, m.quantity.checked_neg()?, m.outgoing_rate)?
                };
                report.movements_checked += 1;
                if report.movements_checked % 16_384 == 0 && !progress(report.movements_checked) {
                    return Err(Error::Cancelled {
                        operation: "verify".into(),
                        rows: report.movements_checked,
                    });
                }
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

            // The kept value of each warehouse is the sum of its balances.
            let mut expected_values: BTreeMap<i64, i128> = BTreeMap::new();
            for ((_, warehouse), state) in &states {
                *expected_values.entry(*warehouse).or_default() += i128::from(state.value.raw());
            }
            let kept: BTreeMap<i64, Decimal> = r.warehouse_values()?.into_iter().collect();
            let warehouses: BTreeSet<i64> =
                expected_values.keys().chain(kept.keys()).copied().collect();
            for warehouse in warehouses {
                let expected = expected_values.get(&warehouse).copied().unwrap_or(0);
                let found = kept.get(&warehouse).copied().unwrap_or(Decimal::ZERO);
                if expected != i128::from(found.raw()) {
                    report.report(Drift {
                        item: 0,
                        warehouse,
                        movement: None,
                        field: "warehouse_value".into(),
                        expected: Decimal::from_raw(i64::try_from(expected).unwrap_or(i64::MAX)),
                        found,
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
                // Layers opened before schema version 5 do not know their movement.
                let same = expected.len() == found.len()
                    && expected.iter().zip(&found).all(|(e, f)| {
                        e.quantity == f.quantity
                            && e.value == f.value
                            && (f.movement == 0 || e.movement == f.movement)
                    });
                if !same {
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
            check_idempotency(r, &mut report)?;
            check_opportunities(r, &mut report)?;
            check_open_pipeline(r, &mut report)?;
            let (dangling, count) = r.dangling_references(MAX_LISTED)?;
            report.drift_count += count;
            report.reference_drifts = dangling;
            report.is_clean = report.drift_count == 0;
            Ok(report)
        })
    }
}

/// The open-pipeline rollup the dashboards read must be what the open
/// opportunities add up to. A difference is reported as opportunity 0,
/// field `open_pipeline`.
fn check_open_pipeline(r: &dyn Reads, report: &mut VerifyReport) -> Result<()> {
    let line = |p: &crate::store::PipelineRow| {
        format!(
            "stage {} owner {:?} currency {:?} probability {:?}: {} for {}",
            p.stage, p.owner, p.currency, p.probability, p.count, p.amount
        )
    };
    let mut kept: Vec<String> = r.open_pipeline(None, None)?.iter().map(line).collect();
    let counted: Vec<String> = r.open_pipeline_recount()?.iter().map(line).collect();
    kept.sort();
    let mut counted_sorted = counted.clone();
    counted_sorted.sort();
    for c in &counted_sorted {
        if !kept.contains(c) {
            push_pipeline_drift(report, c.clone(), "missing".into());
        }
    }
    for k in &kept {
        if !counted_sorted.contains(k) {
            push_pipeline_drift(report, "nothing".into(), k.clone());
        }
    }
    Ok(())
}

fn push_pipeline_drift(report: &mut VerifyReport, expected: String, found: String) {
    report.drift_count += 1;
    if report.opportunity_drifts.len() < MAX_LISTED {
        report.opportunity_drifts.push(OpportunityDrift {
            opportunity: 0,
            field: "open_pipeline".into(),
            expected,
            found,
        });
    }
}

/// Every opportunity must be what replaying its log gives.
fn check_opportunities(r: &dyn Reads, report: &mut VerifyReport) -> Result<()> {
    for id in r.all_opportunity_ids()? {
        report.opportunities_checked += 1;
        let Some(row) = r.opportunity_row(id)? else {
            continue;
        };
        let log = r.transitions(id)?;
        let mut drift = |field: &str, expected: String, found: String| {
            if expected != found {
                report.drift_count += 1;
                if report.opportunity_drifts.len() < MAX_LISTED {
                    report.opportunity_drifts.push(OpportunityDrift {
                        opportunity: id,
                        field: field.into(),
                        expected,
                        found,
                    });
                }
            }
        };
        let Some(state) = crate::crm::replay(&log) else {
            drift(
                "history",
                "at least a `created` transition".into(),
                "none".into(),
            );
            continue;
        };
        drift("stage", state.stage.to_string(), row.stage.to_string());
        drift("status", state.status.to_string(), row.status.to_string());
        drift(
            "lost_reason",
            format!("{:?}", state.lost_reason),
            format!("{:?}", row.lost_reason),
        );
        drift(
            "closed_at",
            format!("{:?}", state.closed_at),
            format!("{:?}", row.closed_at),
        );
    }
    Ok(())
}

/// Every idempotency record must answer for exactly the rows written under
/// its key, and every row written under a key must have its record.
fn check_idempotency(r: &dyn Reads, report: &mut VerifyReport) -> Result<()> {
    let mut movements: BTreeMap<String, Vec<MovementRecord>> = BTreeMap::new();
    for m in r.keyed_movements()? {
        let key = m.idempotency_key.clone().unwrap_or_default();
        movements.entry(key).or_default().push(m);
    }
    let mut events: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for (key, id) in r.keyed_order_events()? {
        events.entry(key).or_default().insert(id);
    }
    for (key, record) in r.all_idempotency_records()? {
        report.records_checked += 1;
        let written = movements.remove(&key).unwrap_or_default();
        let applied = events.remove(&key).unwrap_or_default();
        if let Err(problem) = check_record(&key, &record, &written, &applied) {
            report.report_key(&key, Some(&record.operation), problem);
        }
    }
    let orphans: BTreeSet<String> = movements.keys().chain(events.keys()).cloned().collect();
    for key in orphans {
        let m = movements.get(&key).map_or(0, Vec::len);
        let e = events.get(&key).map_or(0, BTreeSet::len);
        report.report_key(
            &key,
            None,
            format!(
                "no idempotency record, but {m} movement(s) and {e} order event(s) were written \
                 under this key: a retry of that request would apply it again"
            ),
        );
    }
    Ok(())
}

/// Whether one record matches the movements `written` and order events
/// `applied` under its key; the problem otherwise.
fn check_record(
    key: &str,
    record: &IdempotencyRecord,
    written: &[MovementRecord],
    applied: &BTreeSet<i64>,
) -> std::result::Result<(), String> {
    use serde_json::Value;
    serde_json::from_str::<Value>(&record.request)
        .map_err(|e| format!("its stored request is not valid JSON: {e}"))?;
    let result: Value = serde_json::from_str(&record.result)
        .map_err(|e| format!("its stored result is not valid JSON: {e}"))?;
    let written_ids: Vec<i64> = written.iter().map(|m| m.id).collect();
    // A won opportunity carries the order its win placed.
    let result = match &result["order"] {
        Value::Object(order) if result.get("opportunity").is_some() => Value::Object(order.clone()),
        _ => result,
    };
    match (&result["movements"], &result["events"]) {
        // A write of master data or of the CRM: nothing of the ledger or
        // of orders may be written under its key.
        (Value::Null, Value::Null) if written.is_empty() && applied.is_empty() => {}
        // A post, a batch or a purchase receipt: the result lists the
        // movements themselves, exactly those written under the key.
        (Value::Array(listed), Value::Null) => {
            let listed: Vec<MovementRecord> = serde_json::from_value(Value::Array(listed.clone()))
                .map_err(|e| format!("its result's movements cannot be read: {e}"))?;
            let listed_ids: Vec<i64> = listed.iter().map(|m| m.id).collect();
            if listed_ids != written_ids {
                return Err(format!(
                    "its result lists movements {listed_ids:?}, but movements {written_ids:?} were written under the key"
                ));
            }
            if let Some((l, _)) = listed.iter().zip(written).find(|(l, w)| l != w) {
                return Err(format!(
                    "its result's movement {} differs from the stored movement",
                    l.id
                ));
            }
            if !applied.is_empty() {
                return Err(format!(
                    "order events {applied:?} were applied under the key of a {:?} result",
                    record.operation
                ));
            }
        }
        // An order event: the order's events under this key are exactly
        // those stored, and the movements written under it are the order's.
        (Value::Array(order_movements), Value::Array(order_events)) => {
            let listed_events: BTreeSet<i64> = order_events
                .iter()
                .filter(|e| e["idempotency_key"].as_str() == Some(key))
                .filter_map(|e| e["id"].as_i64())
                .collect();
            if applied.is_empty() || &listed_events != applied {
                return Err(format!(
                    "its result lists order events {listed_events:?} under the key, but {applied:?} are stored"
                ));
            }
            let of_order: BTreeSet<i64> =
                order_movements.iter().filter_map(Value::as_i64).collect();
            if let Some(stray) = written_ids.iter().find(|id| !of_order.contains(id)) {
                return Err(format!(
                    "movement {stray} was written under the key but is not one of the order's movements in its result"
                ));
            }
        }
        _ => {
            return Err(format!(
                "its result is not one of a {:?} operation",
                record.operation
            ))
        }
    }
    Ok(())
}
