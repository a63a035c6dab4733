//! The outbox and its consumers' cursors.

use jiff::Timestamp;
use rusqlite::OptionalExtension;

use super::session::hot;
use super::{instant, micros, run, stored, Conn, SqliteTx};
use crate::error::{Error, Result};
use crate::outbox::EventKind;
use crate::store::{ConsumerRow, EventData, Gate, OutboxReads, OutboxWrites, StoredEvent};

use crate::store::stored::OutboxRow as Row;

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let kind: String = r.get(1)?;
    Ok(Row {
        id: r.get(0)?,
        kind: stored(EventKind::from_stored(&kind), 1)?,
        recorded_at: instant(r.get(2)?),
        movement: r.get(3)?,
        data: r.get(4)?,
    })
}

/// The highest id given so far (0: none): the newest row's, or the last one
/// pruning removed, whichever is higher.
const LAST_ID: &str = "SELECT max(COALESCE((SELECT max(id) FROM outbox), 0),
                                  COALESCE((SELECT CAST(value AS INTEGER) FROM settings
                                            WHERE key = 'outbox_pruned_through'), 0))";

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
    ) -> Result<Vec<StoredEvent>> {
        let rows: Vec<Row> = run(|| {
            let columns = "SELECT id, kind, recorded_at, movement_id, data FROM outbox";
            if kinds.is_empty() {
                return Ok(self
                    .conn()
                    .prepare_cached(&format!("{columns} WHERE id > ?1 ORDER BY id LIMIT ?2"))?
                    .query_map(rusqlite::params![after, limit], row)?
                    .collect::<rusqlite::Result<_>>()?);
            }
            // A closed set of names: joined as a JSON array, read back by json_each.
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            let names = serde_json::to_string(&names).map_err(Error::storage)?;
            Ok(self
                .conn()
                .prepare_cached(&format!(
                    "{columns} WHERE id > ?1 AND kind IN (SELECT value FROM json_each(?3))
                     ORDER BY id LIMIT ?2"
                ))?
                .query_map(rusqlite::params![after, limit, names], row)?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        rows.into_iter().map(|r| r.into_event(self)).collect()
    }

    fn count_events_after(&self, after: i64) -> Result<u64> {
        run(|| {
            let n: i64 = self
                .session()
                .with(hot!("SELECT COUNT(*) FROM outbox WHERE id > ?1"), |s| {
                    Ok(s.query_row([after], |r| r.get(0))?)
                })?;
            Ok(n as u64)
        })
    }

    fn last_event_id(&self) -> Result<i64> {
        run(|| {
            self.session()
                .with(hot!(LAST_ID), |s| Ok(s.query_row([], |r| r.get(0))?))
        })
    }

    fn outbox_consumer(&self, name: &str) -> Result<Option<ConsumerRow>> {
        run(|| {
            self.session().with(hot!("SELECT name, position, created_at, updated_at FROM outbox_consumers WHERE name = ?1"), |s| Ok(s.query_row([name], consumer)
                .optional()?))
        })
    }

    fn outbox_consumers(&self) -> Result<Vec<ConsumerRow>> {
        run(|| {
            self.session().with(hot!("SELECT name, position, created_at, updated_at FROM outbox_consumers ORDER BY name"), |s| Ok(s.query_map([], consumer)?
                .collect::<rusqlite::Result<_>>()?))
        })
    }
}

impl OutboxWrites for SqliteTx<'_> {
    fn gate(&self) -> &dyn Gate {
        self.gate
    }

    fn append_event(&self, kind: EventKind, at: Timestamp, data: EventData<'_>) -> Result<()> {
        // This transaction holds the write lock: ids are given in order
        // without asking SQLite each time.
        let id = match self.next_event_id.get() {
            Some(id) => id,
            None => self.last_event_id()? + 1,
        };
        let (movement, json) = match data {
            EventData::Movement(m) => (Some(m), None),
            EventData::Json(j) => (None, Some(j)),
        };
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO outbox(id, kind, recorded_at, movement_id, data)
                     VALUES (?1, ?2, ?3, ?4, ?5)"
                ),
                |s| {
                    Ok(s.execute(rusqlite::params![
                        id,
                        kind.as_str(),
                        micros(at),
                        movement,
                        json
                    ])?)
                },
            )?;
            Ok(())
        })?;
        self.next_event_id.set(Some(id + 1));
        Ok(())
    }

    fn put_outbox_consumer(&self, name: &str, position: i64, at: Timestamp) -> Result<()> {
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO outbox_consumers(name, position, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?3)
                     ON CONFLICT(name) DO UPDATE SET position = excluded.position,
                                                     updated_at = excluded.updated_at"
                ),
                |s| Ok(s.execute(rusqlite::params![name, position, micros(at)])?),
            )?;
            Ok(())
        })
    }

    fn delete_outbox_consumer(&self, name: &str) -> Result<()> {
        run(|| {
            self.session()
                .with(hot!("DELETE FROM outbox_consumers WHERE name = ?1"), |s| {
                    Ok(s.execute([name])?)
                })?;
            Ok(())
        })
    }

    fn prune_events(&self, through: i64) -> Result<u64> {
        run(|| {
            let removed = self
                .session()
                .with(hot!("DELETE FROM outbox WHERE id <= ?1"), |s| {
                    Ok(s.execute([through])?)
                })? as u64;
            // So that the ids pruned are never given again.
            self.session().with(
                hot!(
                    "INSERT INTO settings(key, value) VALUES ('outbox_pruned_through', ?1)
                     ON CONFLICT(key) DO UPDATE
                     SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))"
                ),
                |s| Ok(s.execute([through])?),
            )?;
            Ok(removed)
        })
    }
}
