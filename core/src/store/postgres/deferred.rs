//! Writes sent later: the rows a write changes without reading anything
//! back (balances, cost layers, warehouse values, outbox events) are kept
//! on the connection and sent in one statement, just before the next
//! statement of the transaction or with its commit. A write then pays one
//! round trip for all of them instead of one each.
//!
//! Nothing can tell: every other statement sends them first, so whatever
//! runs after a deferred write sees it, as it would have; a rollback drops
//! them. Two writes of one row keep the last (balances, layers) or their
//! sum (warehouse values), which is what applying both would leave.

use super::{Param, Pg, SqlResult, LOCK_CLASS, OUTBOX_KEY};
use crate::store::Balance;

/// A balance's key: (item, warehouse); a stripe's: (warehouse, stripe).
type Key = (i64, i64);

/// The writes of a transaction not sent yet.
#[derive(Default)]
pub(crate) struct Deferred {
    /// (item, warehouse) → the balance to store.
    balances: Vec<(Key, Balance)>,
    /// (item, warehouse) → the encoded layers, or `None` to delete them.
    layers: Vec<(Key, Option<Vec<u8>>)>,
    /// (warehouse, stripe) → the change of its value.
    values: Vec<(Key, i64)>,
    /// Outbox events in the order they were appended: kind, recording
    /// time, movement, data.
    events: Vec<(&'static str, i64, Option<i64>, Option<String>)>,
}

/// Sets the value kept for `key`, in first-write order.
fn put<K: PartialEq, V>(rows: &mut Vec<(K, V)>, key: K, value: V) {
    match rows.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v = value,
        None => rows.push((key, value)),
    }
}

impl Deferred {
    pub(crate) fn is_empty(&self) -> bool {
        self.balances.is_empty()
            && self.layers.is_empty()
            && self.values.is_empty()
            && self.events.is_empty()
    }

    pub(crate) fn balance(&mut self, item: i64, warehouse: i64, b: Balance) {
        put(&mut self.balances, (item, warehouse), b);
    }

    pub(crate) fn layers(&mut self, item: i64, warehouse: i64, encoded: Option<Vec<u8>>) {
        put(&mut self.layers, (item, warehouse), encoded);
    }

    pub(crate) fn value(&mut self, warehouse: i64, stripe: i64, change: i64) {
        match self
            .values
            .iter_mut()
            .find(|(k, _)| *k == (warehouse, stripe))
        {
            Some((_, v)) => *v += change,
            None => self.values.push(((warehouse, stripe), change)),
        }
    }

    /// The change kept for each warehouse's value, summed over stripes.
    pub(crate) fn value_changes(&self) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for ((warehouse, _), change) in &self.values {
            match out.iter_mut().find(|(w, _)| w == warehouse) {
                Some((_, v)) => *v += change,
                None => out.push((*warehouse, *change)),
            }
        }
        out
    }

    pub(crate) fn event(
        &mut self,
        kind: &'static str,
        at: i64,
        movement: Option<i64>,
        data: Option<String>,
    ) {
        self.events.push((kind, at, movement, data));
    }

    /// Sends every write kept, in one statement.
    pub(crate) fn send(mut self, pg: &Pg) -> SqlResult<()> {
        if self.is_empty() {
            return Ok(());
        }
        // Rows locked in one order by every writer (stripes are shared
        // between items): two writes never wait for each other.
        self.balances.sort_unstable_by_key(|(k, _)| *k);
        self.layers.sort_unstable_by_key(|(k, _)| *k);
        self.values.sort_unstable_by_key(|(k, _)| *k);
        let mut parts: Vec<String> = Vec::new();
        let mut arrays: Vec<Array> = Vec::new();
        let next = |arrays: &mut Vec<Array>, a: Array| {
            arrays.push(a);
            format!("${}", arrays.len())
        };

        if !self.balances.is_empty() {
            let col = |f: fn(&Balance) -> i64| -> Array {
                Array::Int(self.balances.iter().map(|(_, b)| f(b)).collect())
            };
            let (items, warehouses) = keys(&self.balances);
            let p = [
                next(&mut arrays, items),
                next(&mut arrays, warehouses),
                next(&mut arrays, col(|b| b.on_hand.raw())),
                next(&mut arrays, col(|b| b.reserved.raw())),
                next(&mut arrays, col(|b| b.value.raw())),
                next(&mut arrays, col(|b| b.rate.raw())),
            ];
            parts.push(format!(
                "b AS (INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate)
                       SELECT * FROM unnest({}::int8[], {}::int8[], {}::int8[], {}::int8[],
                                            {}::int8[], {}::int8[])
                       ON CONFLICT(item_id, warehouse_id) DO UPDATE SET
                           on_hand = excluded.on_hand, reserved = excluded.reserved,
                           value = excluded.value, rate = excluded.rate)",
                p[0], p[1], p[2], p[3], p[4], p[5]
            ));
        }

        let (kept, dropped): (Vec<_>, Vec<_>) =
            self.layers.into_iter().partition(|(_, l)| l.is_some());
        if !kept.is_empty() {
            let (items, warehouses) = keys(&kept);
            let encoded = Array::Bytes(kept.into_iter().map(|(_, l)| l).collect());
            let p = [
                next(&mut arrays, items),
                next(&mut arrays, warehouses),
                next(&mut arrays, encoded),
            ];
            parts.push(format!(
                "l AS (INSERT INTO cost_layers(item_id, warehouse_id, layers)
                       SELECT * FROM unnest({}::int8[], {}::int8[], {}::bytea[])
                       ON CONFLICT(item_id, warehouse_id) DO UPDATE SET layers = excluded.layers)",
                p[0], p[1], p[2]
            ));
        }
        if !dropped.is_empty() {
            let (items, warehouses) = keys(&dropped);
            let p = [next(&mut arrays, items), next(&mut arrays, warehouses)];
            parts.push(format!(
                "d AS (DELETE FROM cost_layers c
                       USING unnest({}::int8[], {}::int8[]) AS g(item_id, warehouse_id)
                       WHERE c.item_id = g.item_id AND c.warehouse_id = g.warehouse_id)",
                p[0], p[1]
            ));
        }

        if !self.values.is_empty() {
            let (warehouses, stripes) = keys(&self.values);
            let changes = Array::Int(self.values.iter().map(|(_, c)| *c).collect());
            let p = [
                next(&mut arrays, warehouses),
                next(&mut arrays, stripes),
                next(&mut arrays, changes),
            ];
            parts.push(format!(
                "w AS (INSERT INTO warehouse_values(warehouse_id, stripe, value)
                       SELECT * FROM unnest({}::int8[], {}::int8[], {}::int8[])
                       ON CONFLICT (warehouse_id, stripe)
                       DO UPDATE SET value = warehouse_values.value + excluded.value)",
                p[0], p[1], p[2]
            ));
        }

        if !self.events.is_empty() {
            let mut kinds = Vec::new();
            let mut times = Vec::new();
            let mut movements = Vec::new();
            let mut data = Vec::new();
            for (k, t, m, d) in self.events {
                kinds.push(Some(k.to_string()));
                times.push(t);
                movements.push(m);
                data.push(d);
            }
            let p = [
                next(&mut arrays, Array::Text(kinds)),
                next(&mut arrays, Array::Int(times)),
                next(&mut arrays, Array::OptInt(movements)),
                next(&mut arrays, Array::Text(data)),
            ];
            // The append lock first, then the ids, in the order the events
            // were appended (outbox.rs: the horizon a cursor reads behind).
            parts.push(format!(
                "horizon AS (SELECT pg_advisory_xact_lock_shared({LOCK_CLASS}, {OUTBOX_KEY})),
                 o AS (INSERT INTO outbox(id, kind, recorded_at, movement_id, data)
                       SELECT nextval('event_ids'), e.kind, e.at, e.movement, e.data
                       FROM horizon, unnest({}::text[], {}::int8[], {}::int8[], {}::text[])
                                     WITH ORDINALITY AS e(kind, at, movement, data, n))",
                p[0], p[1], p[2], p[3]
            ));
        }

        let sql = format!("WITH {} SELECT 1", parts.join(",\n     "));
        let params: Vec<&dyn Param> = arrays.iter().map(Array::param).collect();
        pg.exec(&sql, &params)?;
        Ok(())
    }
}

/// A column of the statement, as one array parameter.
enum Array {
    Int(Vec<i64>),
    OptInt(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl Array {
    fn param(&self) -> &dyn Param {
        match self {
            Array::Int(v) => v,
            Array::OptInt(v) => v,
            Array::Text(v) => v,
            Array::Bytes(v) => v,
        }
    }
}

/// The two columns of a list's keys.
fn keys<V>(rows: &[(Key, V)]) -> (Array, Array) {
    (
        Array::Int(rows.iter().map(|((a, _), _)| *a).collect()),
        Array::Int(rows.iter().map(|((_, b), _)| *b).collect()),
    )
}
