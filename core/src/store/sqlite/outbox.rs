//! The outbox and its consumers' cursors.

use jiff::Timestamp;
use rusqlite::OptionalExtension;

use super::{instant, micros, run, stored, Conn, SqliteTx};
use crate::error::{Error, Result};
use crate::outbox::{EventKind, OutboxEvent};
use crate::store::{ConsumerRow, Gate, OutboxReads, OutboxWrites};

fn event(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxEvent> {
    let kind: String = r.get(1)?;
    let data: String = r.get(3)?;
    let data = serde_json::from_str(&data).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            Box::new(Error::storage(e)),
        )
    })?;
    Ok(OutboxEvent {
        id: r.get(0)?,
        kind: stored(EventKind::from_stored(&kind), 1)?,
        recorded_at: instant(r.get(2)?),
        data,
    })
}

fn consumer(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsumerRow> {
    Ok(ConsumerRow {
        name: r.get(0)?,
        position: r.get(1)?,
        created_at: instant(r.get(2)?),
        updated_at: instant(r.get(3)?),
    })
}

impl<T: Conn + ?Sized> OutboxReads for T {
    fn events_after(
        &self,
        after: i64,
        kinds: &[EventKind],
        limit: u32,
    ) -> Result<Vec<OutboxEvent>> {
        run(|| {
            let sql =
                "SELECT id, kind, recorded_at, data FROM outbox WHERE id > ?1 ORDER BY id LIMIT ?2";
            if kinds.is_empty() {
                return Ok(self
                    .conn()
                    .prepare_cached(sql)?
                    .query_map(rusqlite::params![after, limit], event)?
                    .collect::<rusqlite::Result<_>>()?);
            }
            // A closed set of names: joined as a JSON array, read back by json_each.
            let names =
                serde_json::to_string(&kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>())
                    .map_err(Error::storage)?;
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, kind, recorded_at, data FROM outbox
                     WHERE id > ?1 AND kind IN (SELECT value FROM json_each(?3))
                     ORDER BY id LIMIT ?2",
                )?
                .query_map(rusqlite::params![after, limit, names], event)?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn count_events_after(&self, after: i64) -> Result<u64> {
        run(|| {
            let n: i64 = self
                .conn()
                .prepare_cached("SELECT COUNT(*) FROM outbox WHERE id > ?1")?
                .query_row([after], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    fn last_event_id(&self) -> Result<i64> {
        run(|| {
            // AUTOINCREMENT keeps the highest id ever given here, even once
            // those events are pruned.
            Ok(self
                .conn()
                .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")?
                .query_row([], |r| r.get(0))
                .optional()?
                .unwrap_or(0))
        })
    }

    fn outbox_consumer(&self, name: &str) -> Result<Option<ConsumerRow>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT name, position, created_at, updated_at FROM outbox_consumers WHERE name = ?1",
                )?
                .query_row([name], consumer)
                .optional()?)
        })
    }

    fn outbox_consumers(&self) -> Result<Vec<ConsumerRow>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT name, position, created_at, updated_at FROM outbox_consumers ORDER BY name",
                )?
                .query_map([], consumer)?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}

impl OutboxWrites for SqliteTx<'_> {
    fn gate(&self) -> &dyn Gate {
        self.gate
    }

    fn append_event(&self, kind: EventKind, at: Timestamp, data: &str) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached("INSERT INTO outbox(kind, recorded_at, data) VALUES (?1, ?2, ?3)")?
                .execute(rusqlite::params![kind.as_str(), micros(at), data])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn put_outbox_consumer(&self, name: &str, position: i64, at: Timestamp) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO outbox_consumers(name, position, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?3)
                     ON CONFLICT(name) DO UPDATE SET position = excluded.position,
                                                     updated_at = excluded.updated_at",
                )?
                .execute(rusqlite::params![name, position, micros(at)])?;
            Ok(())
        })
    }

    fn delete_outbox_consumer(&self, name: &str) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached("DELETE FROM outbox_consumers WHERE name = ?1")?
                .execute([name])?;
            Ok(())
        })
    }

    fn prune_events(&self, through: i64) -> Result<u64> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("DELETE FROM outbox WHERE id <= ?1")?
                .execute([through])? as u64)
        })
    }
}
