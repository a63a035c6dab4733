//! Opening a database, its PRAGMAs, and the one way every write runs:
//! a `BEGIN IMMEDIATE` transaction with a busy timeout, all or nothing.

pub(crate) mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use schema::SCHEMA_VERSION;

/// How hard SQLite pushes each commit to disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Synchronous {
    /// Every commit is durable across a power cut (the default: a ledger
    /// must not forget a sale it confirmed).
    #[default]
    Full,
    /// Commits survive a crash of the process but the last ones may be lost
    /// on a power cut; several times faster. An explicit opt-in.
    Normal,
}

/// Options for [`Database::open_with`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenOptions {
    /// Durability of each commit; [`Synchronous::Full`] by default.
    pub synchronous: Synchronous,
    /// How long a write waits for other writers before [`Error::Busy`]
    /// (milliseconds; default 10 000).
    pub busy_timeout_ms: u64,
    /// Business time zone (IANA name) given to a database created by this
    /// call; an existing database keeps its own. Default `UTC`.
    pub time_zone: Option<String>,
    /// Code of the default warehouse created with a new database (`MAIN`).
    pub default_warehouse: Option<String>,
    /// SQLite page cache of this connection, in KiB (default 32 768). The
    /// balance and index pages of a large ledger fit, so hot reads and
    /// writes do not go back to the file system.
    pub cache_size_kib: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            synchronous: Synchronous::Full,
            busy_timeout_ms: 10_000,
            time_zone: None,
            default_warehouse: None,
            cache_size_kib: 32 * 1024,
        }
    }
}

/// An open Racine database: one SQLite file (or memory) and its rules.
///
/// `Database` is `Send + Sync`: threads may share one handle (calls are
/// serialised on its connection). Several processes may open the same file
/// at once; SQLite's locks and `BEGIN IMMEDIATE` keep them consistent.
///
/// ```
/// use racine::Database;
/// let db = Database::open_in_memory()?;
/// assert_eq!(db.default_warehouse()?.code, "MAIN");
/// # Ok::<(), racine::Error>(())
/// ```
pub struct Database {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    time_zone: TimeZone,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.path)
            .field("time_zone", &self.time_zone.iana_name())
            .finish()
    }
}

impl Database {
    /// Opens (or creates) the database file at `path` with default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Database::open_with(path, &OpenOptions::default())
    }

    /// Opens (or creates) the database file at `path`.
    ///
    /// Migrates an older schema in one transaction; refuses a newer one with
    /// [`Error::SchemaTooNew`].
    /// The path `:memory:` opens a private in-memory database.
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Database> {
        let path = path.as_ref();
        if path == Path::new(":memory:") {
            return Database::open_in_memory_with(options);
        }
        let conn = Connection::open(path)?;
        Database::setup(conn, Some(path.to_path_buf()), options)
    }

    /// A private in-memory database, for tests and scratch work.
    pub fn open_in_memory() -> Result<Database> {
        Database::open_in_memory_with(&OpenOptions::default())
    }

    /// A private in-memory database with options.
    pub fn open_in_memory_with(options: &OpenOptions) -> Result<Database> {
        Database::setup(Connection::open_in_memory()?, None, options)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>, o: &OpenOptions) -> Result<Database> {
        let requested_tz = o.time_zone.as_deref().map(parse_time_zone).transpose()?;
        let warehouse_code = o.default_warehouse.as_deref().unwrap_or("MAIN");
        crate::warehouses::validate_code(warehouse_code)?;

        conn.busy_timeout(Duration::from_millis(o.busy_timeout_ms))?;
        // WAL lets readers run beside the single writer; it is persistent in
        // the file, so only the first opener actually switches.
        if path.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::invalid(
                    "path",
                    format!("could not switch the database to WAL mode (got {mode})"),
                ));
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
        // Plans must not depend on bound values: otherwise SQLite re-prepares
        // a cached statement whenever a parameter changes (measured: 40 % of
        // the time of a point read).
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.set_prepared_statement_cache_capacity(64);

        schema::migrate(&mut conn)?;

        // First opener of a new file seeds the settings and default warehouse.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<String> = tx
            .query_row(
                "SELECT value FROM settings WHERE key = 'time_zone'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let time_zone = match stored {
            Some(name) => parse_time_zone(&name)?,
            None => {
                let tz = requested_tz.unwrap_or(TimeZone::UTC);
                let name = tz.iana_name().unwrap_or("UTC").to_string();
                tx.execute(
                    "INSERT INTO settings(key, value) VALUES ('time_zone', ?1)",
                    [&name],
                )?;
                tz
            }
        };
        let has_default: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM warehouses WHERE is_default = 1)",
            [],
            |r| r.get(0),
        )?;
        if !has_default {
            tx.execute(
                "INSERT INTO warehouses(code, name, is_default, active, created_at)
                 VALUES (?1, ?2, 1, 1, ?3)",
                rusqlite::params![warehouse_code, "Main warehouse", now_micros()],
            )?;
        }
        tx.commit()?;

        Ok(Database {
            conn: Mutex::new(conn),
            path,
            time_zone,
        })
    }

    /// The file this database lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The business time zone that days, weeks and months are counted in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// The schema version of the open file (always [`SCHEMA_VERSION`]).
    pub fn schema_version(&self) -> Result<i64> {
        schema::user_version(&self.lock())
    }

    /// The SQLite library version compiled in (e.g. `3.46.0`).
    pub fn sqlite_version() -> &'static str {
        rusqlite::version()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock dropped its transaction (rolled
        // back), so the connection itself is still sound.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction: committed when `f`
    /// returns `Ok`, rolled back otherwise (also if `f` panics).
    ///
    /// `BEGIN IMMEDIATE` takes the write lock up front, so two writers never
    /// both read a balance and then both try to upgrade: the second waits
    /// (busy timeout) and then reads the first one's result.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        // Cached statements: parsing BEGIN and COMMIT anew each time costs
        // more than a small write itself.
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        let mut guard = RollbackGuard(Some(&conn));
        let out = f(&conn)?;
        conn.prepare_cached("COMMIT")?.execute([])?;
        guard.0 = None;
        Ok(out)
    }

    /// Like [`Database::write`], made idempotent by `key`: the first request
    /// under a key stores its result; the same request again returns that
    /// result and writes nothing; a different request under the same key is
    /// [`Error::IdempotencyConflict`].
    pub(crate) fn write_once<R, T>(
        &self,
        operation: &str,
        key: Option<&str>,
        request: &R,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T>
    where
        R: Serialize + ?Sized,
        T: Serialize + DeserializeOwned,
    {
        let Some(key) = key else {
            return self.write(f);
        };
        if key.is_empty() || key.len() > 200 {
            return Err(Error::invalid(
                "idempotency_key",
                "must be 1 to 200 bytes long",
            ));
        }
        let request =
            serde_json::to_string(request).map_err(|e| Error::invalid("request", e.to_string()))?;
        self.write(|tx| {
            let seen: Option<(String, String, String)> = tx
                .prepare_cached(
                    "SELECT operation, request, result FROM idempotency WHERE key = ?1",
                )?
                .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            if let Some((op, req, result)) = seen {
                if op != operation || req != request {
                    return Err(Error::IdempotencyConflict { key: key.into() });
                }
                return serde_json::from_str(&result)
                    .map_err(|e| Error::invalid("idempotency", e.to_string()));
            }
            let out = f(tx)?;
            let result =
                serde_json::to_string(&out).map_err(|e| Error::invalid("result", e.to_string()))?;
            tx.prepare_cached(
                "INSERT INTO idempotency(key, operation, request, result, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![
                key,
                operation,
                request,
                result,
                now_micros()
            ])?;
            Ok(out)
        })
    }
}

/// Rolls the open transaction back unless disarmed after `COMMIT`.
struct RollbackGuard<'c>(Option<&'c Connection>);

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.0 {
            // Nothing to report to: the caller already has the first error.
            // If COMMIT itself failed, SQLite may have ended the transaction.
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
    }
}

fn parse_time_zone(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|e| {
        Error::invalid(
            "time_zone",
            format!("{name:?} is not an IANA time zone: {e}"),
        )
    })
}

/// Current instant in microseconds since the Unix epoch (what SQLite stores).
pub(crate) fn now_micros() -> i64 {
    Timestamp::now().as_microsecond()
}

/// Stored microseconds to an instant.
pub(crate) fn from_micros(us: i64) -> Timestamp {
    // Stored values were produced by `as_microsecond` of a valid timestamp.
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}
