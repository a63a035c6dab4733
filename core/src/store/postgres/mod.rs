//! The PostgreSQL engine, for shops whose app servers share one ledger.
//! All of Racine's SQL for PostgreSQL lives in this module tree.
//!
//! - **One connection per handle**, opened on first use (so a handle made
//!   before a PHP-FPM fork never shares its socket with a child: a handle
//!   used in another process than the one that connected opens its own),
//!   opened again after the server dropped it.
//! - **No session state**: nothing is `SET` outside a transaction, and
//!   every lock is transaction-scoped. Statements are prepared once per
//!   connection; behind a pooler in transaction mode (`pooled`) they go out
//!   unnamed with their parameter types (`query_typed`).
//! - **Master data** (item rules, warehouses, SKUs) is kept per connection
//!   and checked once per write against `master_version`, read at its
//!   start (triggers move it on every change to items or warehouses).
//! - **Writes** are READ COMMITTED transactions that first take the
//!   ledger's write lock, a transaction-scoped advisory lock (`WRITE_LOCK`)
//!   per schema. A write of scope [`Scope::Shop`] (master data, the CRM,
//!   cursors) takes it exclusively: every statement after it sees every
//!   earlier commit, and the rules' read-decide-write is never interleaved.
//!   A write of scope [`Scope::Stock`] (postings, orders, purchase
//!   receipts) shares it with the others of its kind, and locks what its
//!   rule reads before reading it ([`Writes::lock`]): the items' rows
//!   `FOR NO KEY UPDATE` in id order, an advisory lock per order, the
//!   purchase's row. Stock writes of different items run side by side and
//!   share the WAL flushes of their commits. `CHECK` constraints back the
//!   rules up.
//! - **Ids** of movements and events come from sequences. An event's id is
//!   given while its transaction holds the outbox's append lock (shared);
//!   a reader by cursor takes that lock exclusively first, so no event
//!   below what it sees can still commit (`outbox.rs`).
//! - **Reads** of one snapshot (`verify`, dashboards, exports) run in
//!   `REPEATABLE READ READ ONLY` transactions.
//! - **Time** is the server's clock, read in the transaction (a stock
//!   write's once its locks are granted), so app servers with skewed clocks
//!   agree on recording and expiry times.

mod crm;
mod deferred;
mod kpis;
mod ledger;
mod master;
mod opportunities;
mod orders;
mod outbox;
mod purchases;
mod schema;
mod tls;

use std::cell::{Cell, RefCell, RefMut};
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use postgres::config::SslMode;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Row, Statement};
use std::collections::HashMap;

use super::stored::MasterCache;
use super::Balance;
use super::{
    Gate, IdempotencyRecord, Lock, Reads, Scope, SettingReads, SettingWrites, Store, Transient,
    Writes,
};
use crate::database::OpenOptions;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use deferred::Deferred;

/// Whether `target` is a PostgreSQL connection string: a `postgres://` or
/// `postgresql://` URL, or libpq's `key=value` form (`host=… dbname=…`).
pub(crate) fn is_connection_string(target: &str) -> bool {
    let t = target.trim_start();
    t.starts_with("postgres://")
        || t.starts_with("postgresql://")
        || (t.contains('=')
            && t.split_whitespace().all(|pair| {
                pair.split_once('=').is_some_and(|(k, _)| {
                    matches!(
                        k,
                        "host"
                            | "hostaddr"
                            | "port"
                            | "dbname"
                            | "user"
                            | "password"
                            | "options"
                            | "application_name"
                            | "connect_timeout"
                            | "sslmode"
                            | "sslrootcert"
                            | "target_session_attrs"
                            | "keepalives"
                            | "keepalives_idle"
                            | "channel_binding"
                            | "load_balance_hosts"
                    )
                })
            }))
}

/// An error on its way out of this module: the server's or the client's,
/// or one of Racine's. Kept private so that the public error type never
/// names the driver.
pub(crate) struct SqlError(Error);

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

impl From<postgres::Error> for SqlError {
    fn from(e: postgres::Error) -> SqlError {
        SqlError(explain(e, None))
    }
}

pub(crate) type SqlResult<T> = std::result::Result<T, SqlError>;

/// Runs SQL work, mapping its errors to Racine's.
pub(crate) fn run<T>(f: impl FnOnce() -> SqlResult<T>) -> Result<T> {
    f().map_err(Error::from)
}

/// The server's error (or the client's) as Racine's, saying what happened
/// and what to do; the driver's own words stay in `source`. `target` names
/// the server when connecting.
fn explain(e: postgres::Error, target: Option<&str>) -> Error {
    let storage = |reason: String, e: postgres::Error| Error::Storage {
        reason,
        source: Some(Box::new(e)),
    };
    let code = e.code().cloned();
    let server = target.unwrap_or("the PostgreSQL server");
    match code {
        Some(c) if c == SqlState::LOCK_NOT_AVAILABLE => Error::Busy,
        Some(c)
            if c == SqlState::T_R_SERIALIZATION_FAILURE || c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            storage(
                "PostgreSQL ended the transaction to resolve a conflict with another one \
                 (serialization failure or deadlock); retry"
                    .into(),
                e,
            )
        }
        Some(c)
            if c == SqlState::INVALID_PASSWORD
                || c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
        {
            let detail = e.as_db_error().map(|d| d.message().to_string());
            storage(
                format!(
                    "{server} refused the credentials ({}): check the user and password of the \
                     connection string, and pg_hba.conf",
                    detail.unwrap_or_default()
                ),
                e,
            )
        }
        Some(c) if c == SqlState::INVALID_CATALOG_NAME => {
            let detail = e.as_db_error().map(|d| d.message().to_string());
            storage(
                format!(
                    "{server}: {} (create it first: createdb, or CREATE DATABASE)",
                    detail.unwrap_or_default()
                ),
                e,
            )
        }
        // A statement prepared on one server connection, run on another:
        // a pooler in transaction mode stands between.
        Some(c) if c == SqlState::INVALID_SQL_STATEMENT_NAME => storage(
            "PostgreSQL: a statement prepared on this connection is gone (a pooler in \
             transaction mode, such as pgbouncer's pool_mode = transaction, moved the \
             connection to another server connection): open with {\"pooled\": true}"
                .into(),
            e,
        ),
        Some(c) if c == SqlState::TOO_MANY_CONNECTIONS => storage(
            format!(
                "{server} has no connection left (max_connections): raise it, or put a pooler \
                 such as pgbouncer in front (see the README)"
            ),
            e,
        ),
        Some(c) if c == SqlState::DISK_FULL => storage(
            "the PostgreSQL server's disk is full: this write was not kept; free some space and retry"
                .into(),
            e,
        ),
        Some(c)
            if c == SqlState::ADMIN_SHUTDOWN
                || c == SqlState::CRASH_SHUTDOWN
                || c == SqlState::CANNOT_CONNECT_NOW =>
        {
            storage(
                format!("{server} is shutting down or starting up: retry in a moment"),
                e,
            )
        }
        Some(_) => {
            let reason = match e.as_db_error() {
                Some(d) => format!("PostgreSQL: {}", d.message()),
                None => e.to_string(),
            };
            storage(reason, e)
        }
        None if e.is_closed() => storage(
            format!(
                "the connection to {server} was lost: this write was not acknowledged; retry \
                 (with an idempotency key, a retry never applies twice)"
            ),
            e,
        ),
        None if tls::failed_handshake(&e).is_some() => {
            let why = tls::failed_handshake(&e).unwrap_or_default();
            storage(
                format!(
                    "TLS with {server} failed ({why}): with sslmode=require the server must \
                     offer TLS and a certificate for this host signed by a trusted CA; give \
                     that CA with sslrootcert=PATH"
                ),
                e,
            )
        }
        None => match target {
            Some(t) => storage(
                format!("cannot reach the PostgreSQL server at {t}: {e}; check that it runs and that host and port are right"),
                e,
            ),
            None => storage(e.to_string(), e),
        },
    }
}

/// Whether `e` is the UNIQUE violation of an insert.
pub(crate) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// A UNIQUE violation of an insert is the entity's `AlreadyExists`.
pub(crate) fn unique<'k>(
    entity: &'static str,
    key: &'k str,
) -> impl FnOnce(SqlError) -> SqlError + 'k {
    move |e| {
        let violated = matches!(&e.0, Error::Storage { source: Some(s), .. }
            if s.downcast_ref::<postgres::Error>().is_some_and(is_unique_violation));
        if violated {
            SqlError(Error::AlreadyExists {
                entity,
                key: key.to_string(),
            })
        } else {
            e
        }
    }
}

/// Whether a key can be stored at all: PostgreSQL text cannot hold NUL,
/// and sending it is an error. No stored key holds one (core refuses them
/// on the way in), so a lookup by such a key finds nothing, as on SQLite.
pub(crate) fn storable(key: &str) -> bool {
    !key.contains('\0')
}

/// A stored closed-set name read back: a corrupt one is Racine's `Storage`.
pub(crate) fn stored<T>(parsed: Result<T>) -> SqlResult<T> {
    parsed.map_err(SqlError)
}

/// Instants are stored as microseconds since the Unix epoch, as in SQLite.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// Stored microseconds to an instant.
pub(crate) fn instant(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(crate) use super::sqlite::like_pattern;

/// A statement parameter with its PostgreSQL type, sent with it (no
/// round trip to prepare, no named statement on the server).
pub(crate) trait Param: Sync {
    fn value(&self) -> &(dyn ToSql + Sync);
    fn pg_type(&self) -> Type;
}

/// A Rust type and the PostgreSQL type it is stored as.
pub(crate) trait Typed: ToSql + Sync {
    const TYPE: Type;
}

impl Typed for i64 {
    const TYPE: Type = Type::INT8;
}
impl Typed for bool {
    const TYPE: Type = Type::BOOL;
}
impl Typed for String {
    const TYPE: Type = Type::TEXT;
}
impl Typed for &str {
    const TYPE: Type = Type::TEXT;
}
impl Typed for Vec<u8> {
    const TYPE: Type = Type::BYTEA;
}
impl Typed for Vec<i64> {
    const TYPE: Type = Type::INT8_ARRAY;
}
impl Typed for Vec<String> {
    const TYPE: Type = Type::TEXT_ARRAY;
}
impl Typed for Vec<Option<i64>> {
    const TYPE: Type = Type::INT8_ARRAY;
}
impl Typed for Vec<Option<String>> {
    const TYPE: Type = Type::TEXT_ARRAY;
}
impl Typed for Vec<Option<Vec<u8>>> {
    const TYPE: Type = Type::BYTEA_ARRAY;
}
impl<T: Typed> Typed for Option<T> {
    const TYPE: Type = T::TYPE;
}

impl<T: Typed> Param for T {
    fn value(&self) -> &(dyn ToSql + Sync) {
        self
    }

    fn pg_type(&self) -> Type {
        T::TYPE
    }
}

/// One connection and the work done on it.
pub(crate) struct Pg {
    client: RefCell<Client>,
    /// Statements prepared on this connection, by their SQL; `None` behind
    /// a pooler in transaction mode, where the server connection may change
    /// between transactions: every statement then goes out unnamed, with
    /// its parameter types, in one round trip.
    prepared: Option<RefCell<HashMap<String, Statement>>>,
    /// The transaction's writes not sent yet (deferred.rs): sent before
    /// any other statement, dropped by a rollback.
    deferred: RefCell<Deferred>,
}

/// Statements kept per connection at most (the engine has fewer).
const PREPARED: usize = 512;

impl Pg {
    /// Keeps a write to send later (deferred.rs).
    pub(crate) fn defer(&self, f: impl FnOnce(&mut Deferred)) {
        f(&mut self.deferred.borrow_mut());
    }

    /// What the warehouse-value changes kept add to each warehouse.
    pub(crate) fn deferred_values(&self) -> Vec<(i64, i64)> {
        self.deferred.borrow().value_changes()
    }

    /// Sends the writes kept, before a statement that could see them.
    fn send_deferred(&self) -> SqlResult<()> {
        if self.deferred.borrow().is_empty() {
            return Ok(());
        }
        let kept = std::mem::take(&mut *self.deferred.borrow_mut());
        kept.send(self)
    }

    /// Ends the transaction without its writes, kept or sent.
    fn rollback(&self) -> SqlResult<()> {
        self.deferred.take();
        Ok(self.client()?.batch_execute("ROLLBACK")?)
    }

    fn client(&self) -> SqlResult<RefMut<'_, Client>> {
        self.client.try_borrow_mut().map_err(|_| {
            SqlError(Error::Storage {
                reason: "a PostgreSQL statement was started while another one was still being read"
                    .into(),
                source: None,
            })
        })
    }

    fn typed<'p>(params: &'p [&'p dyn Param]) -> Vec<(&'p (dyn ToSql + Sync), Type)> {
        params.iter().map(|p| (p.value(), p.pg_type())).collect()
    }

    fn values<'p>(params: &'p [&'p dyn Param]) -> Vec<&'p (dyn ToSql + Sync)> {
        params.iter().map(|p| p.value()).collect()
    }

    /// The statement prepared for `sql` on this connection (prepared now
    /// if new), or `None` when statements go out unnamed.
    fn prepared(
        &self,
        client: &mut Client,
        sql: &str,
        params: &[&dyn Param],
    ) -> SqlResult<Option<Statement>> {
        let Some(cache) = &self.prepared else {
            return Ok(None);
        };
        if let Some(s) = cache.borrow().get(sql) {
            return Ok(Some(s.clone()));
        }
        let types: Vec<Type> = params.iter().map(|p| p.pg_type()).collect();
        let statement = client.prepare_typed(sql, &types)?;
        let mut cache = cache.borrow_mut();
        if cache.len() < PREPARED {
            cache.insert(sql.to_string(), statement.clone());
        }
        Ok(Some(statement))
    }

    /// Every row of a statement.
    pub(crate) fn rows(&self, sql: &str, params: &[&dyn Param]) -> SqlResult<Vec<Row>> {
        self.send_deferred()?;
        self.rows_beside_deferred(sql, params)
    }

    /// Every row of a statement that reads no table with writes kept
    /// (deferred.rs): they stay kept, and the caller adds what they change.
    pub(crate) fn rows_beside_deferred(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> SqlResult<Vec<Row>> {
        let mut client = self.client()?;
        Ok(match self.prepared(&mut client, sql, params)? {
            Some(s) => client.query(&s, &Pg::values(params))?,
            None => client.query_typed(sql, &Pg::typed(params))?,
        })
    }

    /// The row of a statement that returns at most one.
    pub(crate) fn opt(&self, sql: &str, params: &[&dyn Param]) -> SqlResult<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// The row of a statement that returns exactly one.
    pub(crate) fn one(&self, sql: &str, params: &[&dyn Param]) -> SqlResult<Row> {
        self.opt(sql, params)?.ok_or_else(|| {
            SqlError(Error::Storage {
                reason: "a PostgreSQL query returned no row".into(),
                source: None,
            })
        })
    }

    /// Runs a statement; returns how many rows it changed.
    pub(crate) fn exec(&self, sql: &str, params: &[&dyn Param]) -> SqlResult<u64> {
        use postgres::fallible_iterator::FallibleIterator;
        self.send_deferred()?;
        let mut client = self.client()?;
        if let Some(s) = self.prepared(&mut client, sql, params)? {
            return Ok(client.execute(&s, &Pg::values(params))?);
        }
        let mut it = client.query_typed_raw(sql, Pg::typed(params))?;
        while it.next()?.is_some() {}
        Ok(it.rows_affected().unwrap_or(0))
    }

    /// Hands every row of a statement to `f`, one at a time as the server
    /// sends them: a scan of the whole ledger holds one row in memory.
    pub(crate) fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        self.send_deferred()?;
        let mut client = self.client()?;
        let prepared = self.prepared(&mut client, sql, params)?;
        let mut it = match prepared {
            Some(s) => client.query_raw(&s, Pg::values(params)),
            None => client.query_typed_raw(sql, Pg::typed(params)),
        }
        .map_err(SqlError::from)?;
        while let Some(row) = it.next().map_err(SqlError::from)? {
            f(&row)?;
        }
        Ok(())
    }

    /// Several statements without parameters, in one round trip (after
    /// the writes kept).
    fn batch(&self, sql: &str) -> SqlResult<()> {
        self.send_deferred()?;
        Ok(self.client()?.batch_execute(sql)?)
    }

    /// The server's clock now, to the microsecond.
    fn server_now(&self) -> SqlResult<Timestamp> {
        Ok(instant(self.one(NOW, &[])?.try_get(0)?))
    }
}

/// Reads the `i`-th column of a row.
pub(crate) fn at<'r, T: postgres::types::FromSql<'r>>(r: &'r Row, i: usize) -> SqlResult<T> {
    Ok(r.try_get(i)?)
}

/// The handle's connection, the process that opened it, and the master
/// data read through it.
struct Handle {
    pg: Pg,
    pid: u32,
    master: RefCell<MasterCache>,
}

/// A PostgreSQL database: its connection settings and one connection.
pub(crate) struct PgStore {
    config: postgres::Config,
    /// TLS, when the connection string asks for it (`sslmode=require`).
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    /// The server as error messages name it (`host:port/dbname`).
    target: String,
    conn: Mutex<Option<Handle>>,
    busy_timeout_ms: u64,
    /// Behind a pooler in transaction mode: no prepared statements.
    pooled: bool,
}

/// The server's clock, in microseconds since the Unix epoch.
const NOW_EXPR: &str = "(extract(epoch FROM clock_timestamp()) * 1000000)::int8";
const NOW: &str = "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8";

/// What master data (items, warehouses, settings) was at: triggers move it
/// on every change.
const MASTER_VERSION: &str = "SELECT version FROM master_version";

/// The class of Racine's advisory locks ("Rcin"); each lock's key is the
/// schema's name hashed (with the order's external id for an order's).
pub(super) const LOCK_CLASS: i32 = 0x5263_696e;

/// Takes the ledger's write lock for the rest of the transaction, alone:
/// writes to one schema take turns, as they do on SQLite's file.
const WRITE_LOCK: &str = "SELECT pg_advisory_xact_lock(1382312302, hashtext(current_schema()))";

/// The write lock's key: taken alone by a write of the whole shop, shared
/// by stock writes.
const WRITE_LOCK_KEY: &str = "1382312302, hashtext(current_schema())";

/// The key of the outbox's append lock, in `LOCK_CLASS` (the contacts'
/// and the orders' are in `racine_lock`, schema.rs).
pub(super) const OUTBOX_KEY: &str = "hashtext(current_schema() || '/outbox')";

impl PgStore {
    /// Parses `target`, connects, and migrates the schema (once, under a
    /// lock, however many app servers start at once).
    pub(crate) fn open(target: &str, o: &OpenOptions) -> Result<PgStore> {
        let (target, root_cert) = tls::take_root_cert(target);
        let mut config = postgres::Config::from_str(&target).map_err(|e| {
            Error::invalid(
                "path",
                format!("not a PostgreSQL connection string ({e}); expected postgres://user:password@host:port/dbname or host=… dbname=…"),
            )
        })?;
        if config.get_application_name().is_none() {
            config.application_name("racine");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let tls = match config.get_ssl_mode() {
            SslMode::Require => Some(tls::connector(root_cert.as_deref())?),
            _ => None,
        };
        let target = describe(&config);
        let store = PgStore {
            config,
            tls,
            target,
            conn: Mutex::new(None),
            busy_timeout_ms: o.busy_timeout_ms,
            pooled: o.pooled,
        };
        {
            let handle = store.handle()?;
            let pg = &handle.as_ref().expect("just connected").pg;
            run(|| schema::migrate(pg))?;
        }
        Ok(store)
    }

    /// The connection, opened if this process has none yet (or the server
    /// dropped it).
    fn handle(&self) -> Result<MutexGuard<'_, Option<Handle>>> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        if let Some(h) = guard.as_ref() {
            if h.pid != pid {
                // Opened by the parent of a fork: the socket is the
                // parent's; closing it would end the parent's session.
                if let Some(h) = guard.take() {
                    std::mem::forget(h);
                }
            } else if h.pg.client.try_borrow().is_ok_and(|c| c.is_closed()) {
                *guard = None;
            }
        }
        if guard.is_none() {
            let client = match &self.tls {
                Some(tls) => self.config.connect(tls.clone()),
                None => self.config.connect(NoTls),
            }
            .map_err(|e| explain(e, Some(&self.target)))?;
            *guard = Some(Handle {
                pg: Pg {
                    client: RefCell::new(client),
                    prepared: (!self.pooled).then(RefCell::default),
                    deferred: RefCell::default(),
                },
                pid,
                master: RefCell::default(),
            });
        }
        Ok(guard)
    }

    fn begin_tx<'a>(&'a self, gate: &'a dyn Gate, scope: Scope) -> Result<PgTx<'a>> {
        let mut tx = PgTx::new(self.handle()?, Mode::Write, gate, self.busy_timeout_ms);
        tx.scope = scope;
        // One round trip, one statement after BEGIN whose columns are
        // computed in order: how long it waits for locks (the busy
        // timeout), the write lock, then what holds once it is granted
        // (master data's version, the server's time).
        let timeout = self.busy_timeout_ms.max(1);
        let lock = match scope {
            Scope::Shop => "pg_advisory_xact_lock",
            Scope::Stock => "pg_advisory_xact_lock_shared",
        };
        let start = format!(
            "BEGIN ISOLATION LEVEL READ COMMITTED; \
             SELECT set_config('lock_timeout', '{timeout}', true), \
                    {lock}({WRITE_LOCK_KEY})::text, ({MASTER_VERSION}), {NOW_EXPR}, \
                    set_config('plan_cache_mode', 'force_generic_plan', true)"
        );
        // Nothing a transaction that ended kept may go into this one.
        tx.pg().deferred.take();
        let row: Option<[i64; 2]> = run(|| {
            let messages = tx.pg().client()?.simple_query(&start)?;
            Ok(messages.iter().find_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => {
                    let number = |i| r.get(i).and_then(|v: &str| v.parse().ok());
                    Some([number(2)?, number(3)?])
                }
                _ => None,
            }))
        })?;
        let [version, now] = row.ok_or_else(|| Error::Storage {
            reason: "the PostgreSQL server did not answer the start of a transaction".into(),
            source: None,
        })?;
        // Master data changes only in writes of the whole shop, which wait
        // for this one: the version read now holds until the commit.
        tx.master_version.set(Some(version));
        if scope == Scope::Shop {
            // Nothing else writes meanwhile: times follow commit order. A
            // stock write reads the clock again once its locks are granted.
            tx.now.set(Some(instant(now)));
        }
        Ok(tx)
    }
}

/// `host:port/dbname` of a configuration, for messages.
fn describe(c: &postgres::Config) -> String {
    use postgres::config::Host;
    let host = match c.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = c.get_ports().first().copied().unwrap_or(5432);
    let db = c.get_dbname().or(c.get_user()).unwrap_or("postgres");
    format!("{host}:{port}/{db}")
}

impl Store for PgStore {
    fn read(&self, f: &mut dyn FnMut(&dyn Reads) -> Result<()>) -> Result<()> {
        f(&PgTx::new(
            self.handle()?,
            Mode::Read,
            &super::Open,
            self.busy_timeout_ms,
        ))
    }

    fn snapshot(&self) -> Result<Box<dyn Reads + '_>> {
        let read = PgTx::new(
            self.handle()?,
            Mode::Snapshot,
            &super::Open,
            self.busy_timeout_ms,
        );
        run(|| {
            read.pg()
                .batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        })?;
        Ok(Box::new(read))
    }

    fn begin<'a>(&'a self, gate: &'a dyn Gate, scope: Scope) -> Result<Box<dyn Writes + 'a>> {
        Ok(Box::new(self.begin_tx(gate, scope)?))
    }

    fn begin_relaxed(&self) -> Result<Box<dyn Writes + '_>> {
        // A cursor's loss only delivers again: not waited for on the
        // standby nor on the disk (synchronous_commit is per transaction).
        let tx = self.begin_tx(&super::Open, Scope::Shop)?;
        run(|| tx.pg().batch("SET LOCAL synchronous_commit = off"))?;
        Ok(Box::new(tx))
    }

    fn schema_version(&self) -> Result<i64> {
        let conn = self.handle()?;
        run(|| schema::version(&conn.as_ref().expect("connected").pg))
    }

    fn transient(&self, e: &Error) -> Transient {
        let Error::Storage {
            source: Some(source),
            ..
        } = e
        else {
            return Transient::No;
        };
        if source.is::<CommitUnknown>() {
            return Transient::IfKeyed;
        }
        let Some(pg) = source.downcast_ref::<postgres::Error>() else {
            return Transient::No;
        };
        match pg.code() {
            // The server is gone, restarting, or ended this transaction
            // for another one's sake: nothing of it was kept.
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CRASH_SHUTDOWN
                    || *c == SqlState::CANNOT_CONNECT_NOW
                    || c.code().starts_with("08") =>
            {
                Transient::Yes
            }
            Some(_) => Transient::No,
            // No server code: the socket failed (refused, reset, closed).
            None => Transient::Yes,
        }
    }
}

/// A connection lost while its COMMIT was on the way: the server may have
/// kept the write or not.
#[derive(Debug)]
struct CommitUnknown(postgres::Error);

impl std::fmt::Display for CommitUnknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the connection was lost during COMMIT: {}", self.0)
    }
}

impl std::error::Error for CommitUnknown {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// What a handle is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Reads outside a transaction: each statement sees what is committed.
    Read,
    /// Reads inside one `REPEATABLE READ READ ONLY` transaction.
    Snapshot,
    /// A write transaction holding the write lock.
    Write,
}

/// A handle on the connection: reads outside a write, one snapshot, or a
/// write transaction (rolled back when dropped uncommitted). One type for
/// all three, so that every read is written once.
pub(crate) struct PgTx<'s> {
    conn: MutexGuard<'s, Option<Handle>>,
    mode: Mode,
    /// Committed, or ended by the server: nothing to roll back.
    ended: bool,
    /// The server's time, read once per handle.
    now: Cell<Option<Timestamp>>,
    /// The id the next movement gets, once asked for (from the sequence).
    next_movement_id: Cell<Option<i64>>,
    /// Which other writers this write keeps out.
    scope: Scope,
    /// The items a stock write locked, in the order it locked them.
    locked_items: RefCell<Vec<i64>>,
    /// Their balances (every warehouse), as read with the locks and as
    /// this write changed them: nothing else may change them meanwhile.
    pub(crate) locked_stock: RefCell<HashMap<(i64, i64), Balance>>,
    /// How long a lock is waited for.
    busy_timeout_ms: u64,
    /// `master_version` as this write's start read it.
    master_version: Cell<Option<i64>>,
    /// This write changed items or warehouses: it reads them from their
    /// tables, and the connection's cache is dropped at its end.
    master_bypass: Cell<bool>,
    gate: &'s dyn Gate,
}

impl<'s> PgTx<'s> {
    fn new(
        conn: MutexGuard<'s, Option<Handle>>,
        mode: Mode,
        gate: &'s dyn Gate,
        busy_timeout_ms: u64,
    ) -> PgTx<'s> {
        PgTx {
            busy_timeout_ms,
            master_version: Cell::new(None),
            master_bypass: Cell::new(false),
            conn,
            mode,
            ended: false,
            now: Cell::new(None),
            next_movement_id: Cell::new(None),
            scope: Scope::Shop,
            locked_items: RefCell::default(),
            locked_stock: RefCell::default(),
            gate,
        }
    }

    pub(crate) fn pg(&self) -> &Pg {
        &self.conn.as_ref().expect("connected").pg
    }

    /// The connection's master-data cache, checked against the version
    /// this write read at its start; `None` outside a write, or in one that
    /// changes master data.
    pub(crate) fn master(&self) -> Option<RefMut<'_, MasterCache>> {
        if self.mode != Mode::Write || self.master_bypass.get() {
            return None;
        }
        let version = self.master_version.get()?;
        let mut cache = self.conn.as_ref()?.master.try_borrow_mut().ok()?;
        cache.check(version);
        Some(cache)
    }

    /// This write changes items or warehouses (see `master_bypass`).
    pub(crate) fn master_changes(&self) {
        self.master_bypass.set(true);
    }

    /// Whether this write runs beside other stock writes, so that its
    /// rule may read only what it locked.
    pub(crate) fn shares_the_shop(&self) -> bool {
        self.mode == Mode::Write && self.scope == Scope::Stock
    }

    /// Refuses a stock write's read or write of an item it did not lock:
    /// another write could change it meanwhile. A rule that does this is a
    /// bug in Racine, caught by the tests on PostgreSQL.
    pub(crate) fn locked(&self, item: i64) -> SqlResult<()> {
        if !self.shares_the_shop() || self.locked_items.borrow().contains(&item) {
            return Ok(());
        }
        Err(SqlError(Error::Storage {
            reason: format!(
                "a stock write read item {item} without locking it first (a bug in Racine: \
                 nothing was written)"
            ),
            source: None,
        }))
    }

    /// Runs the reads of `f` behind the outbox's horizon: outside a write,
    /// in a transaction that first takes the outbox's append lock alone, so
    /// that every transaction that was given an event id has ended and no
    /// other is given one until the reads are done. A cursor then never
    /// passes an id that commits later. (A write of the whole shop needs
    /// none: no stock write runs beside it.)
    pub(crate) fn behind_horizon<T>(&self, f: impl FnOnce() -> SqlResult<T>) -> SqlResult<T> {
        if self.mode != Mode::Read {
            return f();
        }
        let pg = self.pg();
        pg.batch(&format!(
            "BEGIN ISOLATION LEVEL READ COMMITTED; \
             SELECT set_config('lock_timeout', '{}', true), \
                    pg_advisory_xact_lock({LOCK_CLASS}, {OUTBOX_KEY})",
            self.busy_timeout_ms.max(1)
        ))?;
        let out = f();
        let end = if out.is_ok() {
            pg.batch("COMMIT")
        } else {
            pg.rollback()
        };
        let out = out?;
        end?;
        Ok(out)
    }

    /// The clock read by a lock statement, kept as this write's time: read after the locks were granted, the recording
    /// times of one item follow its commit order.
    fn clock_from(&self, row: &Row, column: usize) -> SqlResult<()> {
        self.now.set(Some(instant(at(row, column)?)));
        Ok(())
    }

    /// The ids (first column) a statement returns.
    pub(crate) fn ids(&self, sql: &str, params: &[&dyn Param]) -> SqlResult<Vec<i64>> {
        self.pg()
            .rows(sql, params)?
            .iter()
            .map(|r| at(r, 0))
            .collect()
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.master_bypass.get() {
            if let Some(h) = self.conn.as_ref() {
                h.master.borrow_mut().clear();
            }
        }
        if self.mode == Mode::Read || self.ended {
            return;
        }
        if let Some(h) = self.conn.as_ref() {
            // Nothing to report to: the caller already has the first error.
            if h.pg.rollback().is_err() {
                // The connection is in an unknown state: the next use
                // opens another.
                *self.conn = None;
            }
        }
    }
}

impl Reads for PgTx<'_> {
    fn now(&self) -> Result<Timestamp> {
        if let Some(t) = self.now.get() {
            return Ok(t);
        }
        let t = run(|| self.pg().server_now())?;
        self.now.set(Some(t));
        Ok(t)
    }
}

impl Writes for PgTx<'_> {
    fn lock(&self, what: &[Lock<'_>]) -> Result<()> {
        if !self.shares_the_shop() || what.is_empty() {
            return Ok(());
        }
        let (mut contacts, mut order, mut order_stock, mut purchase) = (false, None, false, None);
        let mut items: Vec<i64> = Vec::new();
        for w in what {
            match *w {
                Lock::Contacts => contacts = true,
                // No order has a key PostgreSQL cannot store: nothing to lock.
                Lock::Order(id) | Lock::OrderStock(id) if !storable(id) => {}
                Lock::Order(id) => order = Some(id),
                Lock::OrderStock(id) => (order, order_stock) = (Some(id), true),
                Lock::Purchase(id) => purchase = Some(id),
                Lock::Items(ids) => items.extend_from_slice(ids),
            }
        }
        {
            let held = self.locked_items.borrow();
            items.retain(|i| !held.contains(i));
        }
        items.sort_unstable();
        items.dedup();
        run(|| {
            // One round trip; `racine_lock` (schema.rs) takes the locks in
            // the one order every write follows, so that two writes never
            // wait for each other, then reads the clock.
            let row = self.pg().one(
                "SELECT * FROM racine_lock($1, $2, $3, $4, $5)",
                &[&contacts, &order, &order_stock, &purchase, &items],
            )?;
            self.clock_from(&row, 0)?;
            let column = |i: usize| -> SqlResult<Vec<i64>> {
                Ok(at::<Option<Vec<i64>>>(&row, i)?.unwrap_or_default())
            };
            self.locked_items.borrow_mut().extend(column(1)?);
            let [item, warehouse, on_hand, reserved, value, rate]: [Vec<i64>; 6] = [
                column(2)?,
                column(3)?,
                column(4)?,
                column(5)?,
                column(6)?,
                column(7)?,
            ];
            let mut stock = self.locked_stock.borrow_mut();
            for i in 0..item.len() {
                stock.insert(
                    (item[i], warehouse[i]),
                    Balance {
                        on_hand: Decimal::from_raw(on_hand[i]),
                        reserved: Decimal::from_raw(reserved[i]),
                        value: Decimal::from_raw(value[i]),
                        rate: Decimal::from_raw(rate[i]),
                    },
                );
            }
            Ok(())
        })
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        // The writes kept go first; if the server refuses them, nothing
        // was committed and the drop rolls back.
        run(|| self.pg().send_deferred())?;
        let done = self.pg().client().map_err(Error::from).and_then(|mut c| {
            c.batch_execute("COMMIT").map_err(|e| {
                if e.code().is_some() {
                    // The server answered: it refused the commit (a
                    // deferred check), and kept nothing.
                    explain(e, None)
                } else {
                    Error::Storage {
                        reason: "the connection to the PostgreSQL server was lost while \
                                 committing: the write may or may not have been kept \
                                 (an idempotency key makes a retry safe)"
                            .into(),
                        source: Some(Box::new(CommitUnknown(e))),
                    }
                }
            })
        });
        self.ended = true;
        if done.is_err() {
            // The connection is in an unknown state: the next use opens
            // another.
            *self.conn = None;
        }
        done
    }
}

impl SettingReads for PgTx<'_> {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        if let Some(hit) = self.master().and_then(|c| c.settings.get(key).cloned()) {
            return Ok(hit);
        }
        let value: Option<String> = run(|| {
            self.pg()
                .opt("SELECT value FROM settings WHERE key = $1", &[&key])?
                .map(|r| at(&r, 0))
                .transpose()
        })?;
        if let Some(mut cache) = self.master() {
            crate::store::stored::keep(&mut cache.settings, key.to_owned(), value.clone());
        }
        Ok(value)
    }

    fn idempotency_record(&self, key: &str) -> Result<Option<IdempotencyRecord>> {
        run(|| {
            self.pg()
                .opt(
                    "SELECT operation, request, result FROM idempotency WHERE key = $1",
                    &[&key],
                )?
                .map(|r| {
                    Ok(IdempotencyRecord {
                        operation: at(&r, 0)?,
                        request: at(&r, 1)?,
                        result: at(&r, 2)?,
                    })
                })
                .transpose()
        })
    }
}

impl SettingWrites for PgTx<'_> {
    fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        self.master_changes();
        run(|| {
            self.pg().exec(
                "INSERT INTO settings(key, value) VALUES ($1, $2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
            Ok(())
        })
    }

    fn claim_idempotency_key(
        &self,
        key: &str,
        operation: &str,
        request: &str,
    ) -> Result<Option<IdempotencyRecord>> {
        run(|| {
            // Inserting waits for a transaction that inserted the key and
            // is still open; once it commits, there is nothing to insert
            // and its record is read (a new statement sees its commit). A
            // record gone meanwhile (pruned) lets the key be claimed again.
            for _ in 0..3 {
                let claimed = self.pg().opt(
                    &format!(
                        "INSERT INTO idempotency(key, operation, request, result, created_at)
                         VALUES ($1, $2, $3, '', {NOW_EXPR})
                         ON CONFLICT (key) DO NOTHING RETURNING 1"
                    ),
                    &[&key, &operation, &request],
                )?;
                if claimed.is_some() {
                    return Ok(None);
                }
                if let Some(seen) = self.idempotency_record(key)? {
                    return Ok(Some(seen));
                }
            }
            Err(SqlError(Error::Storage {
                reason: format!("the idempotency key {key:?} could be neither claimed nor read"),
                source: None,
            }))
        })
    }

    fn settle_idempotency_key(&self, key: &str, record: &IdempotencyRecord) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE idempotency SET result = $2 WHERE key = $1",
                &[&key, &record.result.as_str()],
            )?;
            Ok(())
        })
    }

    fn replace_idempotency_record(&self, key: &str, record: &IdempotencyRecord) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE idempotency SET request = $2, result = $3 WHERE key = $1",
                &[&key, &record.request.as_str(), &record.result.as_str()],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_strings_are_told_from_paths() {
        for s in [
            "postgres://shop@db/ledger",
            "postgresql://localhost/racine",
            "host=/tmp dbname=racine",
            "host=db port=5433 user=shop",
        ] {
            assert!(is_connection_string(s), "{s}");
        }
        for s in ["shop.db", "/var/lib/racine/shop.db", "a=b.db", ":memory:"] {
            assert!(!is_connection_string(s), "{s}");
        }
    }
}
