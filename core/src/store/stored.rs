//! What both engines store the same way: cost layers in their packed
//! form, `LIKE` patterns, the references `verify` proves, and the master
//! data kept between transactions.

use std::collections::VecDeque;

use jiff::Timestamp;

use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::outbox::EventKind;
use crate::store::{ItemRules, LedgerReads, StoredData, StoredEvent};
use crate::valuation::Layer;
use crate::warehouses::Warehouse;

/// The stock value of one warehouse or all, from the kept warehouse
/// values (writes keep the shop's total within range: summed wide anyway).
pub(crate) fn stock_value(kept: Vec<(i64, Decimal)>, warehouse: Option<i64>) -> Result<Decimal> {
    let total: i128 = kept
        .into_iter()
        .filter(|(w, _)| warehouse.is_none_or(|only| only == *w))
        .map(|(_, v)| i128::from(v.raw()))
        .sum();
    i64::try_from(total)
        .map(Decimal::from_raw)
        .map_err(|_| Error::Storage {
            reason: "the stored warehouse values exceed the decimal range: the database was changed outside Racine".into(),
            source: None,
        })
}

/// An outbox row as both engines store it: its data as JSON, or the
/// movement whose record it is.
pub(crate) struct OutboxRow {
    pub id: i64,
    pub kind: EventKind,
    pub recorded_at: Timestamp,
    pub movement: Option<i64>,
    pub data: Option<String>,
}

impl OutboxRow {
    /// The event as callers see it, a movement's record read from the ledger.
    pub(crate) fn into_event(self, ledger: &(impl LedgerReads + ?Sized)) -> Result<StoredEvent> {
        let data = match (self.movement, self.data) {
            (_, Some(json)) => StoredData::Json(json),
            (Some(m), None) => {
                let record = ledger.movement(m)?.ok_or_else(|| Error::Storage {
                    reason: format!(
                        "outbox event {} names movement {m}, which does not exist",
                        self.id
                    ),
                    source: None,
                })?;
                StoredData::Movement(Box::new(record))
            }
            (None, None) => StoredData::Json("{}".into()),
        };
        Ok(StoredEvent {
            id: self.id,
            kind: self.kind,
            recorded_at: self.recorded_at,
            data,
        })
    }
}

/// Bytes per layer in the stored form.
const LAYER_BYTES: usize = 24;

/// Open layers as stored: (quantity, value, movement) little-endian i64
/// triples, oldest first.
pub(crate) fn encode_layers(layers: &VecDeque<Layer>) -> Vec<u8> {
    let mut out = Vec::with_capacity(layers.len() * LAYER_BYTES);
    for l in layers {
        out.extend_from_slice(&l.quantity.raw().to_le_bytes());
        out.extend_from_slice(&l.value.raw().to_le_bytes());
        out.extend_from_slice(&l.movement.to_le_bytes());
    }
    out
}

/// Reads what [`encode_layers`] wrote.
pub(crate) fn decode_layers(bytes: &[u8]) -> Result<VecDeque<Layer>> {
    if bytes.len() % LAYER_BYTES != 0 {
        return Err(Error::Storage {
            reason: format!(
                "stored cost layers are {} bytes, not a multiple of {LAYER_BYTES}",
                bytes.len()
            ),
            source: None,
        });
    }
    let word = |b: &[u8]| i64::from_le_bytes(b.try_into().expect("8-byte word"));
    Ok(bytes
        .chunks_exact(LAYER_BYTES)
        .map(|c| Layer {
            quantity: Decimal::from_raw(word(&c[0..8])),
            value: Decimal::from_raw(word(&c[8..16])),
            movement: word(&c[16..24]),
        })
        .collect())
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The references of the rows whose foreign keys are not declared (schema
/// version 9): (table, what it refers to, the rows that refer to nothing).
pub(crate) const REFERENCES: &[(&str, &str, &str)] = &[
    ("movements", "item", "SELECT id FROM movements m WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = m.item_id)"),
    ("movements", "warehouse", "SELECT id FROM movements m WHERE NOT EXISTS (SELECT 1 FROM warehouses WHERE id = m.warehouse_id)"),
    ("movements", "purchase line", "SELECT id FROM movements m WHERE purchase_line_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM purchase_lines WHERE id = m.purchase_line_id)"),
    ("movements", "order", "SELECT id FROM movements m WHERE order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orders WHERE id = m.order_id)"),
    ("balances", "item", "SELECT item_id FROM balances b WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = b.item_id)"),
    ("balances", "warehouse", "SELECT item_id FROM balances b WHERE NOT EXISTS (SELECT 1 FROM warehouses WHERE id = b.warehouse_id)"),
    ("warehouse_values", "warehouse", "SELECT warehouse_id FROM warehouse_values v WHERE NOT EXISTS (SELECT 1 FROM warehouses WHERE id = v.warehouse_id)"),
    ("order_lines", "order", "SELECT id FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders WHERE id = l.order_id)"),
    ("order_lines", "item", "SELECT id FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = l.item_id)"),
    ("order_lines", "warehouse", "SELECT id FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM warehouses WHERE id = l.warehouse_id)"),
    ("order_events", "order", "SELECT id FROM order_events e WHERE NOT EXISTS (SELECT 1 FROM orders WHERE id = e.order_id)"),
    ("reservations", "order line", "SELECT id FROM reservations r WHERE NOT EXISTS (SELECT 1 FROM order_lines WHERE id = r.order_line_id)"),
];

/// What every write reads of items and warehouses (an item's rules, a
/// warehouse, the default one, SKUs), kept between transactions.
///
/// Valid while `master_version` is unchanged: triggers move it on every
/// insert, update or delete of an item or a warehouse, whichever process
/// makes it, so a change made elsewhere is seen at the next check (once per
/// transaction, inside it). A transaction that changes master data itself
/// bypasses the cache and drops it at its end. Both engines keep one per
/// connection.
#[derive(Default)]
pub(crate) struct MasterCache {
    version: Option<i64>,
    pub(crate) rules: foldhash::HashMap<i64, ItemRules>,
    pub(crate) warehouses: foldhash::HashMap<i64, Warehouse>,
    pub(crate) default_warehouse: Option<i64>,
    pub(crate) skus: foldhash::HashMap<String, i64>,
    /// Settings by key, on PostgreSQL (whose `master_version` also moves
    /// with `settings`).
    pub(crate) settings: foldhash::HashMap<String, Option<String>>,
}

/// Entries kept at most, per kind: a shop's working set, not its catalogue.
const CACHED: usize = 100_000;

impl MasterCache {
    /// Keeps the entries if they were read at `version`; else starts over.
    pub(crate) fn check(&mut self, version: i64) {
        if self.version != Some(version) {
            self.clear();
            self.version = Some(version);
        }
    }

    pub(crate) fn clear(&mut self) {
        *self = MasterCache::default();
    }
}

/// Keeps `v` under `k` unless the map is full.
pub(crate) fn keep<K: std::hash::Hash + Eq, V>(map: &mut foldhash::HashMap<K, V>, k: K, v: V) {
    if map.len() < CACHED {
        map.insert(k, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("a%_\\b"), "%a\\%\\_\\\\b%");
    }
    #[test]
    fn layers_round_trip_through_their_stored_form() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let layers: VecDeque<Layer> = [("68", "1020"), ("0.000001", "-3.5")]
            .iter()
            .enumerate()
            .map(|(i, (q, v))| Layer {
                quantity: d(q),
                value: d(v),
                movement: i as i64 + 7,
            })
            .collect();
        assert_eq!(decode_layers(&encode_layers(&layers)).ok(), Some(layers));
        assert!(decode_layers(&[0; 15]).is_err());
    }
}
