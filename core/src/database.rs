//! Opening a database, and the one way every write runs: one transaction
//! of the store, all or nothing, optionally made idempotent by a key.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::error::{Error, Result};
use crate::store::postgres::{self, PgStore};
use crate::store::sqlite::SqliteStore;
use crate::store::{Gate, IdempotencyRecord, Reads, Scope, Store, Transient, Writes};
use crate::text;

pub use crate::store::sqlite::SCHEMA_VERSION;

closed_set! {
    /// How hard each commit is pushed to disk.
    pub enum Synchronous as "synchronous", default Full {
        /// Every commit is durable across a power cut (the default: a ledger
        /// must not forget a sale it confirmed).
        Full = "full",
        /// Commits survive a crash of the process but the last ones may be
        /// lost on a power cut; several times faster. An explicit opt-in.
        Normal = "normal",
    }
}

/// Options for [`Database::open_with`]. Every field has a default, stated
/// here once: the bindings pass only what the caller set.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OpenOptions {
    /// Durability of each commit; `full` by default.
    pub synchronous: Synchronous,
    /// How long a write waits for other writers before [`Error::Busy`]
    /// (milliseconds; default 10 000).
    pub busy_timeout_ms: u64,
    /// Business time zone (IANA name) given to a database created by this
    /// call; an existing database keeps its own. Default `UTC`.
    pub time_zone: Option<String>,
    /// Code of the default warehouse created with a new database (`MAIN`).
    pub default_warehouse: Option<String>,
    /// Page cache of this connection, in KiB (default 32 768). The balance
    /// and index pages of a large ledger fit, so hot reads and writes do not
    /// go back to the file system.
    pub cache_size_kib: u32,
    /// Size the write-ahead log (`<file>-wal`) is cut back to once no
    /// reader needs its old pages, in KiB (default 65 536). While a read
    /// transaction is open somewhere, the log keeps every later write and
    /// grows past this; the first commit after that reader ends (or the end
    /// of Racine's own snapshot read, or the next open) shrinks it again.
    pub wal_limit_kib: u32,
    /// PostgreSQL only: a pooler in transaction mode (pgbouncer's
    /// `pool_mode = transaction`) stands between Racine and the server, so
    /// consecutive transactions may run on different server connections.
    /// Statements then go out unnamed, with their parameter types, and none
    /// is prepared on the server; Racine keeps no other session state
    /// either way. Default `false`: statements are prepared once per
    /// connection (a direct connection, or a pooler in session mode).
    pub pooled: bool,
    /// SQLite only: creates the folders of a database file that are
    /// missing (mode 0775 less the umask) instead of refusing the path. The
    /// Laravel integration sets it for its default under `storage/`.
    /// Default `false`: a mistyped folder is an error, not a new tree.
    pub create_folders: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            synchronous: Synchronous::Full,
            busy_timeout_ms: 10_000,
            time_zone: None,
            default_warehouse: None,
            cache_size_kib: 32 * 1024,
            wal_limit_kib: 64 * 1024,
            pooled: false,
            create_folders: false,
        }
    }
}

impl OpenOptions {
    /// Options from their JSON form (what the C ABI and the bindings pass);
    /// a bad field is [`Error::InvalidInput`] naming it (`options.synchronous`).
    pub fn from_json(json: &str) -> Result<OpenOptions> {
        crate::api::from_json(json, "options")
    }
}

/// An open Racine database: its store (one SQLite file, memory, or a
/// PostgreSQL schema) and its rules.
///
/// `Database` is `Send + Sync`: threads may share one handle (calls are
/// serialised on its connection). Several processes may open the same file
/// at once; the store's write lock keeps them consistent.
///
/// ```
/// use racine::Database;
/// let db = Database::open_in_memory()?;
/// assert_eq!(db.default_warehouse()?.code, "MAIN");
/// # Ok::<(), racine::Error>(())
/// ```
pub struct Database {
    store: Box<dyn Store>,
    path: Option<PathBuf>,
    time_zone: TimeZone,
    /// The plugins this handle loaded: validators are the gate of its
    /// writes, sinks are fed after its commits.
    pub(crate) plugins: crate::plugins::Registry,
    /// How long a write is tried again after a transient failure (the busy
    /// timeout).
    retry_for: std::time::Duration,
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

    /// Opens (or creates) the database file at `path`, or the PostgreSQL
    /// database a connection string names (`postgres://user:password@host/db`,
    /// `postgresql://…`, or `host=… dbname=…`): the same API, results and
    /// errors on both engines. On PostgreSQL the database must exist;
    /// Racine creates its tables in the connection's schema (the first of
    /// its `search_path`, set with `options=-csearch_path=shop`).
    ///
    /// Migrates an older schema in one transaction; refuses a newer one with
    /// [`Error::SchemaTooNew`].
    /// The path `:memory:` opens a private in-memory database.
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Database> {
        let path = path.as_ref();
        if path == Path::new(":memory:") {
            return Database::open_in_memory_with(options);
        }
        let seed = Seed::from_options(options)?;
        if let Some(target) = path.to_str().filter(|t| postgres::is_connection_string(t)) {
            // A server database: no file path to report (the connection
            // string may carry a password).
            let store = PgStore::open(target, options)?;
            return Database::setup(Box::new(store), None, seed);
        }
        let store = SqliteStore::open(Some(path), options)?;
        Database::setup(Box::new(store), Some(path.to_path_buf()), seed)
    }

    /// The file [`Database::open_with`] would open for `target`, or `None`
    /// for `:memory:` and a PostgreSQL connection string: what a tool checks
    /// before opening, so that a mistyped path is not a new empty ledger.
    ///
    /// ```
    /// use racine::Database;
    /// assert!(Database::file_of("shop.db").is_some());
    /// assert!(Database::file_of("postgres://racine@db/shop").is_none());
    /// assert!(Database::file_of("host=db dbname=shop").is_none());
    /// assert!(Database::file_of(":memory:").is_none());
    /// ```
    pub fn file_of(target: &str) -> Option<&Path> {
        (target != ":memory:" && !postgres::is_connection_string(target)).then(|| Path::new(target))
    }

    /// A private in-memory database, for tests and scratch work.
    pub fn open_in_memory() -> Result<Database> {
        Database::open_in_memory_with(&OpenOptions::default())
    }

    /// A private in-memory database with options.
    pub fn open_in_memory_with(options: &OpenOptions) -> Result<Database> {
        let seed = Seed::from_options(options)?;
        let store = SqliteStore::open(None, options)?;
        Database::setup(Box::new(store), None, seed)
    }

    /// The first opener of a new database gives it its time zone and its
    /// default warehouse; later openers read the time zone back.
    ///
    /// Opening a database that is already set up only reads, so that a
    /// PHP-FPM worker opening per request never queues behind writers. Only
    /// the first opener writes, in one transaction that checks again under
    /// the write lock: several processes may create a file at once.
    fn setup(store: Box<dyn Store>, path: Option<PathBuf>, seed: Seed) -> Result<Database> {
        let mut db = Database {
            store,
            path,
            time_zone: TimeZone::UTC,
            plugins: Default::default(),
            retry_for: seed.retry_for,
        };
        let set_up = db.read(|r| {
            Ok(match r.setting("time_zone")? {
                Some(name) if r.default_warehouse_id()?.is_some() => Some(name),
                _ => None,
            })
        })?;
        db.time_zone = match set_up {
            Some(name) => parse_time_zone(&name)?,
            None => db.write(|tx| {
                if tx.default_warehouse_id()?.is_none() {
                    let id = tx.insert_warehouse(&seed.warehouse, "Main warehouse", tx.now()?)?;
                    tx.make_default_warehouse(id)?;
                }
                match tx.setting("time_zone")? {
                    Some(name) => parse_time_zone(&name),
                    None => {
                        let name = seed.time_zone.iana_name().unwrap_or("UTC");
                        tx.put_setting("time_zone", name)?;
                        Ok(seed.time_zone.clone())
                    }
                }
            })?,
        };
        Ok(db)
    }

    /// The file this database lives in (`None` in memory or on PostgreSQL).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The business time zone that days, weeks and months are counted in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// The schema version of the open file (always [`SCHEMA_VERSION`]).
    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    /// The SQLite library version compiled in (e.g. `3.46.0`).
    pub fn sqlite_version() -> &'static str {
        crate::store::sqlite::library_version()
    }

    /// Runs `f` on a read handle (each read sees committed data).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&dyn Reads) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.store.read(&mut |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(())
        })?;
        out.ok_or_else(|| Error::Storage {
            reason: "the store did not run the read".into(),
            source: None,
        })
    }

    /// Runs `f` on a handle whose reads share one consistent snapshot.
    pub(crate) fn snapshot<T>(&self, f: impl FnOnce(&dyn Reads) -> Result<T>) -> Result<T> {
        f(&*self.store.snapshot()?)
    }

    /// Runs `f` inside one write transaction: committed when `f` returns
    /// `Ok`, rolled back otherwise (also if `f` panics).
    ///
    /// The transaction takes the write lock up front, so two writers never
    /// both read a balance and then both try to write it: the second waits
    /// (busy timeout) and then reads the first one's result.
    ///
    /// Every event the write appends to the outbox passes the loaded
    /// validators first; once committed, the loaded event sinks get them.
    pub(crate) fn write<T>(&self, f: impl FnMut(&dyn Writes) -> Result<T>) -> Result<T> {
        let out = self.write_with(&self.plugins, f)?;
        self.after_commit();
        Ok(out)
    }

    /// [`Database::write`] with events checked by `gate`, and no delivery
    /// after it (the plugins' own bookkeeping).
    pub(crate) fn write_with<T>(
        &self,
        gate: &dyn Gate,
        f: impl FnMut(&dyn Writes) -> Result<T>,
    ) -> Result<T> {
        self.attempts(gate, false, Scope::Shop, f)
    }

    /// Runs the write `f` in a transaction, again when the store says its
    /// failure was transient (a server database restarted, a connection
    /// lost before the commit was acknowledged): the rules run anew on what
    /// is committed then. A commit whose outcome is unknown is tried again
    /// only when `keyed` (its idempotency key makes a second run return the
    /// first one's result). Nothing outside the transaction happens in `f`:
    /// events are delivered after it, once.
    fn attempts<T>(
        &self,
        gate: &dyn Gate,
        keyed: bool,
        scope: Scope,
        mut f: impl FnMut(&dyn Writes) -> Result<T>,
    ) -> Result<T> {
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(10);
        loop {
            let attempt = (|| {
                let tx = self.store.begin(gate, scope)?;
                let out = f(&*tx)?;
                tx.commit()?;
                Ok(out)
            })();
            let Err(e) = attempt else { return attempt };
            let again = match self.store.transient(&e) {
                Transient::No => false,
                Transient::Yes => true,
                Transient::IfKeyed => keyed,
            };
            if !again || started.elapsed() + pause > self.retry_for {
                return Err(e);
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(std::time::Duration::from_millis(500));
        }
    }

    /// A write of bookkeeping whose loss on a power cut is harmless (an
    /// event sink's cursor): not synced by itself, but by the next durable
    /// commit. No gate, no delivery after it.
    pub(crate) fn write_relaxed<T>(
        &self,
        mut f: impl FnMut(&dyn Writes) -> Result<T>,
    ) -> Result<T> {
        let tx = self.store.begin_relaxed()?;
        let out = f(&*tx)?;
        tx.commit()?;
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
        f: impl FnMut(&dyn Writes) -> Result<T>,
    ) -> Result<T>
    where
        R: Serialize + ?Sized,
        T: Serialize + DeserializeOwned,
    {
        self.write_once_in(Scope::Shop, operation, key, request, f)
    }

    /// [`Database::write_once`] for a write of stock, an order or a
    /// purchase whose rule locks what it reads first ([`Writes::lock`]): on
    /// PostgreSQL, writes of other items and orders go on beside it.
    pub(crate) fn write_stock_once<R, T>(
        &self,
        operation: &str,
        key: Option<&str>,
        request: &R,
        f: impl FnMut(&dyn Writes) -> Result<T>,
    ) -> Result<T>
    where
        R: Serialize + ?Sized,
        T: Serialize + DeserializeOwned,
    {
        self.write_once_in(Scope::Stock, operation, key, request, f)
    }

    fn write_once_in<R, T>(
        &self,
        scope: Scope,
        operation: &str,
        key: Option<&str>,
        request: &R,
        mut f: impl FnMut(&dyn Writes) -> Result<T>,
    ) -> Result<T>
    where
        R: Serialize + ?Sized,
        T: Serialize + DeserializeOwned,
    {
        let Some(key) = key else {
            let out = self.attempts(&self.plugins, false, scope, f)?;
            self.after_commit();
            return Ok(out);
        };
        if key.is_empty() || key.len() > 200 {
            return Err(Error::invalid(
                "idempotency_key",
                "must be 1 to 200 bytes long",
            ));
        }
        // A key is stored as text: a control character (NUL above all,
        // which PostgreSQL cannot store) is refused here, alike on both
        // engines, before anything is written.
        if let Some(c) = key.chars().find(|c| c.is_control()) {
            return Err(Error::invalid(
                "idempotency_key",
                format!("contains the control character U+{:04X}", c as u32),
            ));
        }
        let request = serde_json::to_string(request).map_err(Error::storage)?;
        let out = self.attempts(&self.plugins, true, scope, |tx| {
            // The key first: a second request under it waits for this one
            // and then replays its result.
            if let Some(seen) = tx.claim_idempotency_key(key, operation, &request)? {
                if seen.operation != operation || seen.request != request {
                    return Err(Error::IdempotencyConflict { key: key.into() });
                }
                return serde_json::from_str(&seen.result).map_err(Error::storage);
            }
            let out = f(tx)?;
            let record = IdempotencyRecord {
                operation: operation.into(),
                request: request.clone(),
                result: serde_json::to_string(&out).map_err(Error::storage)?,
            };
            tx.settle_idempotency_key(key, &record)?;
            Ok(out)
        })?;
        self.after_commit();
        Ok(out)
    }
}

/// What a new database is given: checked before anything is opened.
struct Seed {
    time_zone: TimeZone,
    warehouse: String,
    retry_for: std::time::Duration,
}

impl Seed {
    fn from_options(o: &OpenOptions) -> Result<Seed> {
        let time_zone = match o.time_zone.as_deref() {
            Some(name) => parse_time_zone(name)?,
            None => TimeZone::UTC,
        };
        let warehouse = o.default_warehouse.as_deref().unwrap_or("MAIN");
        text::code("default_warehouse", warehouse)?;
        Ok(Seed {
            time_zone,
            warehouse: warehouse.to_string(),
            retry_for: std::time::Duration::from_millis(o.busy_timeout_ms),
        })
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
