//! The outbox: what happened, written in the same transaction as the change
//! itself, for whoever follows it.
//!
//! Every committed write appends its events — a movement recorded, an order
//! event applied, an item's stock crossing below its reorder point, a
//! purchase received, an opportunity changing stage, a contact merged — to
//! the outbox, numbered in the order a cursor reads them: commit order on
//! SQLite; on PostgreSQL an id is given before its commit, and a reader
//! never passes an id that can still commit. An event's `id` never changes
//! and is never given twice. A write that is rolled back leaves no event; a
//! committed one cannot lose its events.
//!
//! Consumers follow it at least once, in order: a Laravel queue worker, a
//! Python script, a plugin. Each has a named cursor kept in the database
//! ([`Database::outbox_subscribe`], [`Database::outbox_poll`],
//! [`Database::outbox_ack`]); a consumer that crashes after handling an event
//! but before acknowledging it gets it again, with the same id. Events every
//! cursor has passed can be pruned ([`Database::outbox_prune`]).
//!
//! ```
//! use racine::{Database, Movement, NewItem, OutboxStart};
//!
//! let db = Database::open_in_memory()?;
//! db.outbox_subscribe("mailer", OutboxStart::Beginning)?;
//! let item = db.create_item(&NewItem::new("MUG", "Mug"))?.id;
//! db.post(&Movement::receipt(item, "5".parse()?, "2".parse()?))?;
//!
//! let batch = db.outbox_poll("mailer", 100)?;
//! assert_eq!(batch.events[0].kind.as_str(), "movement_recorded");
//! assert_eq!(batch.events[0].data["sku"], "MUG");
//! let last = batch.events.last().unwrap().id;
//! assert_eq!(db.outbox_ack("mailer", last)?.pending, 0);
//! # Ok::<(), racine::Error>(())
//! ```

mod events;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::store::{ConsumerRow, Reads, StoredData, StoredEvent, Writes};

pub(crate) use events::{
    emit, emit_movement, ContactMerged, OrderEventApplied, OrderEventLine, PurchaseReceivedEvent,
    PurchaseReceivedLine, StageChanged, StockBelowReorderPoint,
};

closed_set! {
    /// What an outbox event records.
    pub enum EventKind as "kind" {
        /// A movement was appended to the ledger (its record as `data`).
        MovementRecorded = "movement_recorded",
        /// An order event was applied: placed, paid, fulfilled, cancelled,
        /// returned or expired (order, event and lines as `data`).
        OrderEventApplied = "order_event_applied",
        /// An item's available stock across its warehouses went from above
        /// its reorder point to at or below it.
        StockBelowReorderPoint = "stock_below_reorder_point",
        /// Goods of a purchase order arrived.
        PurchaseReceived = "purchase_received",
        /// An opportunity moved to another stage (or was won, lost, reopened).
        OpportunityStageChanged = "opportunity_stage_changed",
        /// One contact was merged into another (ids only: no personal data
        /// stays in the outbox).
        ContactMerged = "contact_merged",
    }
}

/// One event of the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OutboxEvent {
    /// Its id: stable, never reused; a cursor never passes an event that
    /// commits later.
    pub id: i64,
    /// What it records.
    pub kind: EventKind,
    /// When it was committed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub recorded_at: Timestamp,
    /// What happened, as the kind describes (see the `outbox` module docs).
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl StoredEvent {
    /// The event as callers see it.
    pub(crate) fn into_event(self) -> Result<OutboxEvent> {
        let data = match self.data {
            StoredData::Json(json) => serde_json::from_str(&json).map_err(Error::storage)?,
            StoredData::Movement(record) => {
                match serde_json::to_value(record).map_err(Error::storage)? {
                    serde_json::Value::Object(map) => map,
                    _ => Default::default(),
                }
            }
        };
        Ok(OutboxEvent {
            id: self.id,
            kind: self.kind,
            recorded_at: self.recorded_at,
            data,
        })
    }

    /// The event's JSON, as [`OutboxEvent`] serialises, written straight
    /// from what is stored (a sink gets this for every event: no
    /// intermediate value is built).
    pub(crate) fn to_json(&self) -> Result<String> {
        let data = match &self.data {
            StoredData::Json(json) => std::borrow::Cow::Borrowed(json.as_str()),
            StoredData::Movement(record) => serde_json::to_string(record)
                .map_err(Error::storage)?
                .into(),
        };
        let at = serde_json::to_string(&self.recorded_at).map_err(Error::storage)?;
        Ok(format!(
            r#"{{"id":{},"kind":"{}","recorded_at":{at},"data":{data}}}"#,
            self.id,
            self.kind.as_str()
        ))
    }
}

fn events(rows: Vec<StoredEvent>) -> Result<Vec<OutboxEvent>> {
    rows.into_iter().map(StoredEvent::into_event).collect()
}

/// Which events [`Database::outbox_events`] reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxFilter {
    /// Only these kinds (all when empty).
    pub kinds: Vec<EventKind>,
    /// Page size and cursor (an event id: the page starts after it).
    #[serde(flatten)]
    pub page: PageRequest,
}

closed_set! {
    /// Where a new consumer's cursor starts.
    pub enum OutboxStart as "from", default Beginning {
        /// At the oldest event still kept: it sees everything not yet pruned.
        Beginning = "beginning",
        /// After the newest event: it sees only what is committed from now on.
        End = "end",
    }
}

/// A consumer of the outbox and where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OutboxConsumer {
    /// Its name.
    pub name: String,
    /// The last event it acknowledged (0: none yet).
    pub position: i64,
    /// Events committed after its position, still to handle.
    pub pending: u64,
    /// When it subscribed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
    /// When its position last moved.
    #[schemars(with = "crate::catalogue::Instant")]
    pub updated_at: Timestamp,
}

/// What [`Database::outbox_poll`] read for a consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OutboxBatch {
    /// The consumer, before this batch is acknowledged.
    pub consumer: OutboxConsumer,
    /// The next events after its position, oldest first.
    pub events: Vec<OutboxEvent>,
}

/// What [`Database::outbox_prune`] removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OutboxPruned {
    /// Events removed.
    pub removed: u64,
    /// Every event up to this id is gone (0: none).
    pub through: i64,
    /// The consumer furthest behind, which keeps what follows (none when
    /// there is no consumer).
    pub held_by: Option<String>,
}

/// Consumers named `plugin:<name>` are the event-sink plugins' own cursors.
pub(crate) const PLUGIN_PREFIX: &str = "plugin:";

/// A name a caller may subscribe under (the `plugin:` ones are taken by the
/// plugins themselves when they load).
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:@/".contains(&b));
    if !ok {
        return Err(Error::invalid(
            "consumer",
            format!("{name:?}: use 1 to 100 letters, digits or _ - . : @ /"),
        ));
    }
    if name.starts_with(PLUGIN_PREFIX) {
        return Err(Error::invalid(
            "consumer",
            format!("{name:?}: names starting with {PLUGIN_PREFIX} are the plugins' own cursors"),
        ));
    }
    Ok(())
}

fn consumer(r: &dyn Reads, row: ConsumerRow) -> Result<OutboxConsumer> {
    Ok(OutboxConsumer {
        pending: r.count_events_after(row.position)?,
        name: row.name,
        position: row.position,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn find(r: &dyn Reads, name: &str) -> Result<ConsumerRow> {
    r.outbox_consumer(name)?
        .ok_or_else(|| Error::not_found("outbox consumer", name))
}

/// Creates the cursor `name` unless it exists (kept as it is then).
pub(crate) fn subscribe(tx: &dyn Writes, name: &str, from: OutboxStart) -> Result<ConsumerRow> {
    if let Some(row) = tx.outbox_consumer(name)? {
        return Ok(row);
    }
    let position = match from {
        OutboxStart::Beginning => 0,
        OutboxStart::End => tx.last_event_id()?,
    };
    let now = tx.now()?;
    tx.put_outbox_consumer(name, position, now)?;
    find(tx, name)
}

impl Database {
    /// Outbox events in id order, one page at a time, without a cursor of
    /// one's own (a page's `next` is the `after` of the next page).
    pub fn outbox_events(&self, filter: &OutboxFilter) -> Result<Page<OutboxEvent>> {
        let limit = filter.page.limit()?;
        self.read(|r| {
            let rows = r.events_after(filter.page.after.unwrap_or(0), &filter.kinds, limit + 1)?;
            Ok(Page::from_rows(events(rows)?, limit, |e| e.id))
        })
    }

    /// Registers the consumer `consumer` with its cursor at the start or at
    /// the end of the outbox; a consumer that exists keeps its position (so
    /// a worker may subscribe each time it starts).
    pub fn outbox_subscribe(&self, consumer: &str, from: OutboxStart) -> Result<OutboxConsumer> {
        check_name(consumer)?;
        // A worker subscribing each time it starts only reads.
        let known = self.read(|r| {
            r.outbox_consumer(consumer)?
                .map(|row| self::consumer(r, row))
                .transpose()
        })?;
        if let Some(c) = known {
            return Ok(c);
        }
        self.write(|tx| {
            let row = subscribe(tx, consumer, from)?;
            self::consumer(tx, row)
        })
    }

    /// The next events (at most `limit`, 1–1000) after `consumer`'s
    /// position. Reading does not move it: acknowledge what was handled with
    /// [`Database::outbox_ack`]; until then the same events come again.
    pub fn outbox_poll(&self, consumer: &str, limit: u32) -> Result<OutboxBatch> {
        let limit = PageRequest::first(limit).limit()?;
        self.read(|r| {
            let row = find(r, consumer)?;
            let events = events(r.events_after(row.position, &[], limit)?)?;
            Ok(OutboxBatch {
                consumer: self::consumer(r, row)?,
                events,
            })
        })
    }

    /// Moves `consumer`'s position to event `through` (everything up to it
    /// handled). Acknowledging an event already behind the position changes
    /// nothing (a repeated acknowledgement after a crash is harmless); an id
    /// not yet given is refused.
    pub fn outbox_ack(&self, consumer: &str, through: i64) -> Result<OutboxConsumer> {
        if through < 0 {
            return Err(Error::invalid("through", format!("{through} is negative")));
        }
        self.write(|tx| {
            let row = find(tx, consumer)?;
            if through <= row.position {
                return self::consumer(tx, row);
            }
            let last = tx.last_event_id()?;
            if through > last {
                return Err(Error::invalid(
                    "through",
                    format!("event {through} does not exist yet (the newest is {last})"),
                ));
            }
            tx.put_outbox_consumer(consumer, through, tx.now()?)?;
            self::consumer(tx, find(tx, consumer)?)
        })
    }

    /// Every consumer, plugins' cursors included, by name.
    pub fn outbox_consumers(&self) -> Result<Vec<OutboxConsumer>> {
        self.read(|r| {
            r.outbox_consumers()?
                .into_iter()
                .map(|row| consumer(r, row))
                .collect()
        })
    }

    /// Removes the consumer `consumer`: it no longer holds events back from
    /// pruning. Returns it as it was.
    pub fn outbox_unsubscribe(&self, consumer: &str) -> Result<OutboxConsumer> {
        self.write(|tx| {
            let row = find(tx, consumer)?;
            let was = self::consumer(tx, row)?;
            tx.delete_outbox_consumer(consumer)?;
            Ok(was)
        })
    }

    /// Removes the events every consumer has acknowledged (up to `through`
    /// at most, when given). With no consumer at all, nobody follows the
    /// outbox and every event (up to `through`) may go.
    pub fn outbox_prune(&self, through: Option<i64>) -> Result<OutboxPruned> {
        self.write(|tx| {
            let consumers = tx.outbox_consumers()?;
            let slowest = consumers
                .iter()
                .min_by_key(|c| (c.position, c.name.clone()));
            let mut upto = match slowest {
                Some(c) => c.position,
                None => tx.last_event_id()?,
            };
            if let Some(t) = through {
                upto = upto.min(t);
            }
            let removed = if upto > 0 { tx.prune_events(upto)? } else { 0 };
            Ok(OutboxPruned {
                removed,
                through: upto.max(0),
                held_by: slowest.map(|c| c.name.clone()),
            })
        })
    }
}
