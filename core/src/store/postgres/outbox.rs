//! The outbox and its consumers' cursors in PostgreSQL.

use jiff::Timestamp;

use super::{at, instant, micros, run, stored, PgTx, SqlResult};
use crate::error::Result;
use crate::outbox::EventKind;
use crate::store::{ConsumerRow, EventData, Gate, OutboxReads, OutboxWrites, StoredEvent};

use crate::store::stored::OutboxRow as Row;

fn row(r: &postgres::Row) -> SqlResult<Row> {
    Ok(Row {
        id: at(r, 0)?,
        kind: stored(EventKind::from_stored(at(r, 1)?))?,
        recorded_at: instant(at(r, 2)?),
        movement: at(r, 3)?,
        data: at(r, 4)?,
    })
}

/// The highest id given so far (0: none): the newest row's, or the last one
/// pruning removed, whichever is higher.
pub(super) const LAST_ID: &str = "SELECT GREATEST(COALESCE((SELECT max(id) FROM outbox), 0),
                                       COALESCE((SELECT value::int8 FROM settings
                                                 WHERE key = 'outbox_pruned_through'), 0))";

fn consumer(r: &postgres::Row) -> SqlResult<ConsumerRow> {
    Ok(ConsumerRow {
        name: at(r, 0)?,
        position: at(r, 1)?,
        created_at: instant(at(r, 2)?),
        updated_at: instant(at(r, 3)?),
    })
}

impl OutboxReads for PgTx<'_> {
    fn events_after(
        &self,
        after: i64,
        kinds: &[EventKind],
        limit: u32,
    ) -> Result<Vec<StoredEvent>> {
        let names: Vec<String> = kinds.iter().map(|k| k.as_str().to_string()).collect();
        let rows: Vec<Row> = run(|| {
            self.behind_horizon(|| {
                self.pg()
                    .rows(
                        "SELECT id, kind, recorded_at, movement_id, data FROM outbox
                         WHERE id > $1 AND (cardinality($3) = 0 OR kind = ANY($3))
                         ORDER BY id LIMIT $2",
                        &[&after, &i64::from(limit), &names],
                    )?
                    .iter()
                    .map(row)
                    .collect()
            })
        })?;
        rows.into_iter().map(|r| r.into_event(self)).collect()
    }

    fn count_events_after(&self, after: i64) -> Result<u64> {
        run(|| {
            self.behind_horizon(|| {
                let n: i64 = at(
                    &self
                        .pg()
                        .one("SELECT COUNT(*) FROM outbox WHERE id > $1", &[&after])?,
                    0,
                )?;
                Ok(n as u64)
            })
        })
    }

    fn last_event_id(&self) -> Result<i64> {
        run(|| self.behind_horizon(|| at(&self.pg().one(LAST_ID, &[])?, 0)))
    }

    fn outbox_consumer(&self, name: &str) -> Result<Option<ConsumerRow>> {
        if !super::storable(name) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    "SELECT name, position, created_at, updated_at FROM outbox_consumers WHERE name = $1",
                    &[&name],
                )?
                .map(|r| consumer(&r))
                .transpose()
        })
    }

    fn outbox_consumers(&self) -> Result<Vec<ConsumerRow>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT name, position, created_at, updated_at FROM outbox_consumers
                     ORDER BY name COLLATE \"C\"",
                    &[],
                )?
                .iter()
                .map(consumer)
                .collect()
        })
    }
}

impl OutboxWrites for PgTx<'_> {
    fn gate(&self) -> &dyn Gate {
        self.gate
    }

    fn append_event(&self, kind: EventKind, at_: Timestamp, data: EventData<'_>) -> Result<()> {
        let (movement, json) = match data {
            EventData::Movement(m) => (Some(m), None),
            EventData::Json(j) => (None, Some(j)),
        };
        // Sent with the transaction's other deferred writes, the append
        // lock first, then the ids (deferred.rs).
        let json = json.map(str::to_owned);
        self.pg()
            .defer(|d| d.event(kind.as_str(), micros(at_), movement, json));
        Ok(())
    }

    fn put_outbox_consumer(&self, name: &str, position: i64, at_: Timestamp) -> Result<()> {
        run(|| {
            self.pg().exec(
                "INSERT INTO outbox_consumers(name, position, created_at, updated_at)
                 VALUES ($1, $2, $3, $3)
                 ON CONFLICT(name) DO UPDATE SET position = excluded.position,
                                                 updated_at = excluded.updated_at",
                &[&name, &position, &micros(at_)],
            )?;
            Ok(())
        })
    }

    fn delete_outbox_consumer(&self, name: &str) -> Result<()> {
        run(|| {
            self.pg()
                .exec("DELETE FROM outbox_consumers WHERE name = $1", &[&name])?;
            Ok(())
        })
    }

    fn prune_events(&self, through: i64) -> Result<u64> {
        // It writes a setting.
        self.master_changes();
        run(|| {
            let removed = self
                .pg()
                .exec("DELETE FROM outbox WHERE id <= $1", &[&through])?;
            // So that the ids pruned are never given again.
            self.pg().exec(
                "INSERT INTO settings(key, value) VALUES ('outbox_pruned_through', $1::int8::text)
                 ON CONFLICT(key) DO UPDATE
                 SET value = GREATEST(settings.value::int8, excluded.value::int8)::text",
                &[&through],
            )?;
            Ok(removed)
        })
    }
}
