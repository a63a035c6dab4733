//! The SQLite engine: one file (or memory), WAL, every write a
//! `BEGIN IMMEDIATE` transaction with a busy timeout. All of Racine's SQL
//! for SQLite lives in this module tree; `files` explains what the file
//! system must allow, `wal` keeps the log bounded.

mod crm;
mod files;
mod kpis;
mod ledger;
mod master;
mod opportunities;
mod orders;
mod outbox;
mod purchases;
mod schema;
pub(crate) mod session;
mod wal;

use std::cell::{Cell, RefCell, RefMut};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::stored::MasterCache;
use jiff::Timestamp;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension};
use session::{hot, Session};
use wal::WalLimit;

use super::{Gate, IdempotencyRecord, Reads, Scope, SettingReads, SettingWrites, Store, Writes};
use crate::database::{OpenOptions, Synchronous};
use crate::error::{Error, Result};

pub(crate) use crate::store::stored::like_pattern;
pub use schema::SCHEMA_VERSION;

/// The SQLite library compiled in.
pub(crate) fn library_version() -> &'static str {
    rusqlite::version()
}

/// An error on its way out of this module: SQLite's own, or one of
/// Racine's (a taken SKU, a corrupt stored value). Kept private so that the
/// public error type never names rusqlite.
pub(crate) struct SqlError(Error);

impl From<rusqlite::Error> for SqlError {
    fn from(e: rusqlite::Error) -> SqlError {
        use rusqlite::ErrorCode as C;
        SqlError(match e.sqlite_error_code() {
            Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => Error::Busy,
            // What the file system did, and what to do about it; SQLite's
            // own words stay in `source`.
            Some(C::DiskFull) => Error::Storage {
                reason: "the disk is full (or a file-size limit was reached): this write was \
                         not kept; free some space and retry"
                    .into(),
                source: Some(Box::new(e)),
            },
            // A write past a file-size limit (EFBIG) and a failing disk
            // come back as I/O errors, not as a full disk.
            Some(C::SystemIoFailure) => Error::Storage {
                reason: "the file system failed a read or a write (a full disk, a file-size \
                         limit, a failing or removed disk): this write was not kept; fix the \
                         disk and retry"
                    .into(),
                source: Some(Box::new(e)),
            },
            Some(C::DatabaseCorrupt) => Error::Storage {
                reason: "the database file is damaged (SQLite found a malformed page): Racine \
                         left it as it is; restore it from a backup"
                    .into(),
                source: Some(Box::new(e)),
            },
            Some(C::NotADatabase) => Error::Storage {
                reason: "the file is not a Racine or SQLite database, or its header is damaged: \
                         Racine left it as it is"
                    .into(),
                source: Some(Box::new(e)),
            },
            _ => match e {
                // A row mapper's own error (a corrupt stored name) comes back as is.
                rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
                    match inner.downcast::<Error>() {
                        Ok(ours) => *ours,
                        Err(other) => Error::Storage {
                            reason: other.to_string(),
                            source: Some(other),
                        },
                    }
                }
                e => Error::storage(e),
            },
        })
    }
}

impl From<Error> for SqlError {
    fn from(e: Error) -> SqlError {
        SqlError(e)
    }
}

impl From<SqlError> for Error {
    fn from(e: SqlError) -> Error {
        e.0
    }
}

pub(crate) type SqlResult<T> = std::result::Result<T, SqlError>;

/// Runs SQL work, mapping its errors to Racine's.
pub(crate) fn run<T>(f: impl FnOnce() -> SqlResult<T>) -> Result<T> {
    f().map_err(Error::from)
}

/// Puts the file in WAL mode and returns the mode it is in. A new file's
/// first openers race to switch it, which takes an exclusive lock that
/// SQLite refuses at once instead of through the busy handler (the
/// connection already holds a shared lock, and waiting could deadlock):
/// seen as `Busy` in about one in ten runs of four processes creating one
/// file. So the switch is retried here, within the busy timeout.
fn switch_to_wal(conn: &Connection, timeout: Duration) -> SqlResult<String> {
    let since = Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && since.elapsed() < timeout =>
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            other => return Ok(other?),
        }
    }
}

/// A closed-set name read back from a row: a corrupt one fails the read
/// with Racine's `Storage` error, through rusqlite's conversion error.
pub(crate) fn stored<T>(parsed: Result<T>, column: usize) -> rusqlite::Result<T> {
    parsed.map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Instants are stored as microseconds since the Unix epoch.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// Stored microseconds to an instant.
pub(crate) fn instant(us: i64) -> Timestamp {
    // Stored values were produced by `micros` of a valid timestamp.
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Whether `e` is the UNIQUE violation of an insert.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// One SQLite connection behind a mutex: threads sharing a `Database`
/// take turns on it.
pub(crate) struct SqliteStore {
    conn: Mutex<Handle>,
    wal: WalLimit,
    synchronous: Synchronous,
}

/// What the mutex guards: the connection with its prepared statements,
/// and the master data kept between transactions.
struct Handle {
    session: Session,
    master: RefCell<MasterCache>,
}

impl SqliteStore {
    /// Opens (or creates) the file at `path` (memory when `None`), sets the
    /// connection up and migrates the schema.
    ///
    /// Opening a file already at [`SCHEMA_VERSION`] only reads: it never
    /// waits for the write lock, so it is as fast beside busy writers as
    /// beside none.
    pub(crate) fn open(path: Option<&Path>, o: &OpenOptions) -> Result<SqliteStore> {
        let Some(path) = path else {
            return SqliteStore::set_up(run(|| Ok(Connection::open_in_memory()?))?, None, o);
        };
        files::check_path(path)?;
        if o.create_folders {
            files::create_folders(path)?;
        }
        let conn = run(|| Ok(Connection::open(path)?)).map_err(|e| files::explain(path, e))?;
        // SQLite falls back to read-only when the file is not writable.
        if run(|| Ok(conn.is_readonly(rusqlite::MAIN_DB)?))? {
            return Err(files::read_only_file(path));
        }
        files::check_companions(path)?;
        SqliteStore::set_up(conn, Some(path), o).map_err(|e| files::explain(path, e))
    }

    fn set_up(mut conn: Connection, path: Option<&Path>, o: &OpenOptions) -> Result<SqliteStore> {
        run(|| {
            let wal = WalLimit::install(
                &mut conn,
                path,
                o.wal_limit_kib,
                Duration::from_millis(o.busy_timeout_ms),
            )?;
            // WAL lets readers run beside the single writer; it is persistent
            // in the file, so only the first opener actually switches (the
            // others only read the header).
            if path.is_some() {
                let mode = switch_to_wal(&conn, Duration::from_millis(o.busy_timeout_ms))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    return Err(Error::Storage {
                        reason: format!(
                            "could not switch the database to WAL mode (SQLite kept {mode}): \
                             the file system must support shared memory and file locks (not a network share)"
                        ),
                        source: None,
                    }
                    .into());
                }
            }
            let sync = match o.synchronous {
                Synchronous::Full => "FULL",
                Synchronous::Normal => "NORMAL",
            };
            conn.pragma_update(None, "synchronous", sync)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            // A negative cache_size is in KiB.
            conn.pragma_update(None, "cache_size", -i64::from(o.cache_size_kib.max(64)))?;
            // Plans must not depend on bound values: otherwise SQLite
            // re-prepares a cached statement whenever a parameter changes
            // (measured: 40 % of the time of a point read).
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
            conn.set_prepared_statement_cache_capacity(128);
            schema::migrate(&mut conn)?;
            // A log left large by an earlier reader shrinks now if it can.
            wal.after_read(&conn);
            Ok(SqliteStore {
                conn: Mutex::new(Handle {
                    session: Session::open(conn),
                    master: RefCell::default(),
                }),
                wal,
                synchronous: o.synchronous,
            })
        })
    }

    fn begin_tx<'a>(&'a self, gate: &'a dyn Gate, relaxed: bool) -> Result<Box<dyn Writes + 'a>> {
        let conn = self.lock();
        if relaxed {
            // In WAL mode a NORMAL commit is appended to the log unsynced;
            // the next FULL commit's sync covers it. Set back at the end.
            run(|| {
                conn.session
                    .with(hot!("PRAGMA synchronous = NORMAL"), |s| Ok(s.execute([])?))
            })?;
        }
        // Cached statements: parsing BEGIN and COMMIT anew each time costs
        // more than a small write itself. IMMEDIATE takes the write lock
        // now, so the rules' read-decide-write is never interleaved.
        let tx = SqliteTx {
            conn,
            wal: &self.wal,
            committed: false,
            next_movement_id: Cell::new(None),
            next_event_id: Cell::new(None),
            gate,
            relaxed,
            master: MasterUse::default(),
        };
        run(|| {
            tx.session()
                .with(hot!("BEGIN IMMEDIATE"), |s| Ok(s.execute([])?))
        })?;
        Ok(Box::new(tx))
    }

    fn lock(&self) -> MutexGuard<'_, Handle> {
        // A panic while holding the lock dropped its transaction (rolled
        // back), so the connection itself is still sound.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for SqliteStore {
    fn read(&self, f: &mut dyn FnMut(&dyn Reads) -> Result<()>) -> Result<()> {
        f(&SqliteRead {
            conn: self.lock(),
            in_transaction: false,
            wal: &self.wal,
            master: MasterUse::default(),
        })
    }

    fn snapshot(&self) -> Result<Box<dyn Reads + '_>> {
        let conn = self.lock();
        run(|| conn.session.with(hot!("BEGIN"), |s| Ok(s.execute([])?)))?;
        Ok(Box::new(SqliteRead {
            conn,
            in_transaction: true,
            wal: &self.wal,
            master: MasterUse::default(),
        }))
    }

    fn begin<'a>(&'a self, gate: &'a dyn Gate, _: Scope) -> Result<Box<dyn Writes + 'a>> {
        // One writer at a time: every write keeps the whole shop.
        self.begin_tx(gate, false)
    }

    fn begin_relaxed(&self) -> Result<Box<dyn Writes + '_>> {
        self.begin_tx(&super::Open, self.synchronous == Synchronous::Full)
    }

    fn schema_version(&self) -> Result<i64> {
        run(|| schema::user_version(self.lock().session.conn()))
    }
}

/// How one handle uses the master-data cache.
#[derive(Default)]
struct MasterUse {
    /// The cache was checked against the stored version in this handle.
    checked: Cell<bool>,
    /// This transaction changed master data: it reads it from its tables,
    /// and the cache is dropped at its end (committed or not).
    bypass: Cell<bool>,
}

/// What the read impls need of a handle: its connection, its prepared
/// statements and the master data it may take from the cache.
pub(crate) trait Conn {
    fn session(&self) -> &Session;

    fn conn(&self) -> &Connection {
        self.session().conn()
    }

    /// The master-data cache, checked once per handle against
    /// `master_version` (which triggers move on every change to items and
    /// warehouses, by any process); `None` when this handle must read the
    /// tables themselves.
    fn master(&self) -> SqlResult<Option<RefMut<'_, MasterCache>>>;
}

/// [`Conn::master`] for both kinds of handle.
fn checked_master<'h>(
    handle: &'h Handle,
    using: &MasterUse,
) -> SqlResult<Option<RefMut<'h, MasterCache>>> {
    if using.bypass.get() {
        return Ok(None);
    }
    let Ok(mut cache) = handle.master.try_borrow_mut() else {
        return Ok(None);
    };
    if !using.checked.get() {
        let version: i64 = handle
            .session
            .with(hot!("SELECT version FROM master_version"), |s| {
                Ok(s.query_row([], |r| r.get(0))?)
            })?;
        cache.check(version);
        using.checked.set(true);
    }
    Ok(Some(cache))
}

/// Reads outside a write (or inside one snapshot).
struct SqliteRead<'s> {
    conn: MutexGuard<'s, Handle>,
    in_transaction: bool,
    wal: &'s WalLimit,
    master: MasterUse,
}

impl Conn for SqliteRead<'_> {
    fn session(&self) -> &Session {
        &self.conn.session
    }

    fn master(&self) -> SqlResult<Option<RefMut<'_, MasterCache>>> {
        checked_master(&self.conn, &self.master)
    }
}

impl Drop for SqliteRead<'_> {
    fn drop(&mut self) {
        if self.in_transaction && !self.conn().is_autocommit() {
            // Read-only: nothing to lose, nobody to report to.
            let _ = self.conn().execute_batch("ROLLBACK");
            // This snapshot may have been what kept the log from shrinking.
            self.wal.after_read(self.conn());
        }
    }
}

impl Reads for SqliteRead<'_> {
    fn now(&self) -> Result<Timestamp> {
        Ok(crate::instant::now())
    }
}

/// A write transaction, rolled back when dropped uncommitted.
pub(crate) struct SqliteTx<'s> {
    conn: MutexGuard<'s, Handle>,
    wal: &'s WalLimit,
    committed: bool,
    /// The next movement id: this transaction holds the write lock, so ids
    /// are given in order without asking SQLite each time.
    next_movement_id: Cell<Option<i64>>,
    /// The next outbox event id, likewise.
    next_event_id: Cell<Option<i64>>,
    /// What each outbox event passes before it is appended.
    gate: &'s dyn Gate,
    /// Committed with `synchronous = NORMAL`, set back to FULL at the end.
    relaxed: bool,
    master: MasterUse,
}

impl SqliteTx<'_> {
    /// Before a write to items or warehouses: the rest of this transaction
    /// reads them from their tables, and the cache starts over after it.
    pub(crate) fn master_changes(&self) {
        self.master.bypass.set(true);
        self.conn.master.borrow_mut().clear();
    }
}

impl Conn for SqliteTx<'_> {
    fn session(&self) -> &Session {
        &self.conn.session
    }

    fn master(&self) -> SqlResult<Option<RefMut<'_, MasterCache>>> {
        checked_master(&self.conn, &self.master)
    }
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        // Nothing to report to: the caller already has the first error. If
        // COMMIT itself failed, SQLite may have ended the transaction.
        if !self.committed && !self.conn().is_autocommit() {
            let _ = self.conn().execute_batch("ROLLBACK");
        }
        if self.master.bypass.get() {
            self.conn.master.borrow_mut().clear();
        }
        if self.relaxed {
            // Outside any transaction now: every later commit is FULL again.
            let _ = self
                .session()
                .with(hot!("PRAGMA synchronous = FULL"), |s| Ok(s.execute([])?));
        }
    }
}

impl Reads for SqliteTx<'_> {
    fn now(&self) -> Result<Timestamp> {
        Ok(crate::instant::now())
    }
}

impl Writes for SqliteTx<'_> {
    fn commit(mut self: Box<Self>) -> Result<()> {
        run(|| self.session().with(hot!("COMMIT"), |s| Ok(s.execute([])?)))?;
        self.committed = true;
        self.wal.after_commit(self.conn());
        Ok(())
    }
}

impl<T: Conn + ?Sized> SettingReads for T {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        run(|| {
            self.session()
                .with(hot!("SELECT value FROM settings WHERE key = ?1"), |s| {
                    Ok(s.query_row([key], |r| r.get(0)).optional()?)
                })
        })
    }

    fn idempotency_record(&self, key: &str) -> Result<Option<IdempotencyRecord>> {
        run(|| {
            self.session().with(
                hot!("SELECT operation, request, result FROM idempotency WHERE key = ?1"),
                |s| {
                    Ok(s.query_row([key], |r| {
                        Ok(IdempotencyRecord {
                            operation: r.get(0)?,
                            request: r.get(1)?,
                            result: r.get(2)?,
                        })
                    })
                    .optional()?)
                },
            )
        })
    }
}

impl SettingWrites for SqliteTx<'_> {
    fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO settings(key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
                |s| Ok(s.execute([key, value])?),
            )?;
            Ok(())
        })
    }

    fn claim_idempotency_key(
        &self,
        key: &str,
        _operation: &str,
        _request: &str,
    ) -> Result<Option<IdempotencyRecord>> {
        // This transaction is the only writer: the key is its own until
        // the commit unless a record is stored.
        self.idempotency_record(key)
    }

    fn settle_idempotency_key(&self, key: &str, record: &IdempotencyRecord) -> Result<()> {
        let at = self.now()?;
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO idempotency(key, operation, request, result, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)"
                ),
                |s| {
                    Ok(s.execute(rusqlite::params![
                        key,
                        record.operation,
                        record.request,
                        record.result,
                        micros(at)
                    ])?)
                },
            )?;
            Ok(())
        })
    }

    fn replace_idempotency_record(&self, key: &str, record: &IdempotencyRecord) -> Result<()> {
        run(|| {
            self.session().with(
                hot!("UPDATE idempotency SET request = ?2, result = ?3 WHERE key = ?1"),
                |s| Ok(s.execute(rusqlite::params![key, record.request, record.result])?),
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::ItemKind;
    use crate::valuation::ValuationMethod;

    /// The schema's CHECK constraints accept every name of the closed sets
    /// they guard (the names themselves are declared once, in Rust).
    #[test]
    fn checks_accept_every_name_of_their_set() {
        let store = SqliteStore::open(None, &OpenOptions::default()).unwrap();
        let handle = store.lock();
        let conn = handle.session.conn();
        for (i, kind) in ItemKind::ALL.iter().enumerate() {
            for (j, valuation) in ValuationMethod::ALL.iter().enumerate() {
                conn.execute(
                    "INSERT INTO items(sku, name, unit, kind, valuation, allow_negative, created_at, updated_at)
                     VALUES (?1, 'x', 'pcs', ?2, ?3, 0, 0, 0)",
                    rusqlite::params![format!("{i}-{j}"), kind.as_str(), valuation.as_str()],
                )
                .unwrap();
            }
        }
    }
}
