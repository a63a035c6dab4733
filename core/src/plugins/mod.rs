//! Plugins: shared libraries that extend a database at run time through the
//! C ABI of `include/racine_plugin.h` (its Rust form is the
//! `racine-plugin` crate, which also lets a plugin be written in Rust).
//!
//! A plugin may be a **validator** (called inside every write transaction
//! with each pending event; a veto rolls the whole write back with
//! [`Error::Plugin`]), an **event sink** (fed the outbox after commit, at
//! least once and in order, from a cursor of its own kept in the database:
//! nothing committed is lost to a crash), and an **exporter** (a format of
//! its own for [`crate::Export`], fed the same rows as the built-in ones).
//!
//! Plugins are trusted code: they run in the process, unsandboxed, and are
//! loaded only by an explicit absolute path. What the host can guard
//! against, it does: a wrong ABI version, a missing entry point, a table
//! too small, a plugin returning an error or (for a Rust plugin) a caught
//! panic each give a typed [`Error::Plugin`] and mark the plugin unusable;
//! the database stays as consistent as if the plugin had never run.
//!
//! ```no_run
//! use racine::{Database, PluginOptions};
//!
//! let db = Database::open("shop.db")?;
//! let rules = db.load_plugin(
//!     "/opt/shop/plugins/libracine_shop_rules.so",
//!     &PluginOptions::default(),
//! )?;
//! assert_eq!(rules.name, "shop-rules");
//! for p in db.plugins()? {
//!     println!("{} {} {}", p.name, p.version.unwrap_or_default(), p.state);
//! }
//! # Ok::<(), racine::Error>(())
//! ```

mod export;
mod host;
mod library;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use jiff::Timestamp;
use racine_plugin::abi::{self, RacinePlugin};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::error::{Error, Result};
use crate::outbox::{EventKind, OutboxStart, PLUGIN_PREFIX};
use crate::store::{Gate, Open, Reads};

pub(crate) use export::PluginSink;
use host::Call;

/// The plugin ABI version this build of Racine speaks.
pub const ABI_VERSION: u32 = abi::RACINE_PLUGIN_ABI_VERSION;

closed_set! {
    /// What a plugin does.
    pub enum Capability as "capability" {
        /// Checks each pending event inside the write transaction; may veto.
        Validator = "validator",
        /// Receives each committed event of the outbox.
        EventSink = "event_sink",
        /// Writes an export format of its own.
        Exporter = "exporter",
    }
}

closed_set! {
    /// Whether a plugin is in use.
    pub enum PluginState as "state" {
        /// Loaded and called.
        Active = "active",
        /// It failed (or could not be loaded): no longer called. A failed
        /// validator refuses writes until it is unloaded; a failed sink's
        /// events wait in the outbox for its next load.
        Failed = "failed",
    }
}

closed_set! {
    /// How loud a plugin's log line is.
    pub enum LogLevel as "level" {
        /// Something failed.
        Error = "error",
        /// Something looks wrong.
        Warn = "warn",
        /// Worth knowing.
        Info = "info",
        /// Detail for debugging.
        Debug = "debug",
    }
}

/// How to load a plugin.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PluginOptions {
    /// Its configuration, handed to the plugin as JSON (`null` when none).
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where an event sink starts the first time it is loaded on this
    /// database: every event still in the outbox (default), or only those
    /// committed from now on. Later loads go on from its cursor.
    pub start: OutboxStart,
}

/// A line a plugin logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PluginLog {
    /// Its level.
    pub level: LogLevel,
    /// What it said.
    pub message: String,
    /// When.
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
}

/// A plugin loaded (or refused) on this database handle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PluginInfo {
    /// Its name (its file's name when it could not say).
    pub name: String,
    /// Its version, when it loaded far enough to say.
    pub version: Option<String>,
    /// The file it was loaded from.
    pub path: String,
    /// What it does.
    pub capabilities: Vec<Capability>,
    /// The export format it writes, if any.
    pub export_format: Option<String>,
    /// Whether it is in use.
    pub state: PluginState,
    /// Why it failed.
    pub error: Option<String>,
    /// An event sink: the last event it has handled (its outbox cursor).
    pub cursor: Option<i64>,
    /// Events it received since it was loaded here.
    pub delivered: u64,
    /// Writes it vetoed since it was loaded here.
    pub vetoes: u64,
    /// Its latest log lines (up to 50), oldest first.
    pub log: Vec<PluginLog>,
}

/// What [`Database::deliver_events`] delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Delivery {
    /// One entry per active event sink.
    pub plugins: Vec<PluginDelivery>,
}

/// What one event sink received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PluginDelivery {
    /// The plugin.
    pub plugin: String,
    /// Events delivered by this call.
    pub delivered: u64,
    /// Its cursor afterwards.
    pub cursor: i64,
    /// Why delivery stopped early (the plugin failed), if it did.
    pub error: Option<String>,
}

/// The latest log lines of one plugin.
#[derive(Default)]
pub(crate) struct Logbook(Mutex<VecDeque<PluginLog>>);

impl Logbook {
    const KEPT: usize = 50;

    pub fn push(&self, level: u32, message: String) {
        let level = match level {
            abi::RACINE_LOG_ERROR => LogLevel::Error,
            abi::RACINE_LOG_WARN => LogLevel::Warn,
            abi::RACINE_LOG_DEBUG => LogLevel::Debug,
            _ => LogLevel::Info,
        };
        let mut lines = lock(&self.0);
        if lines.len() == Self::KEPT {
            lines.pop_front();
        }
        lines.push_back(PluginLog {
            level,
            message,
            at: crate::instant::now(),
        });
    }

    fn lines(&self) -> Vec<PluginLog> {
        lock(&self.0).iter().cloned().collect()
    }
}

/// A poisoned lock only means a panic elsewhere: the data is still whole.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The plugin's table as it filled it, kept for the life of the instance.
struct Table(RacinePlugin);

// SAFETY: the table holds the plugin's state pointer and callbacks. Racine
// calls them only under `Loaded::calls`, one call at a time, which is what
// the ABI promises plugins; the pointers themselves never change.
unsafe impl Send for Table {}
// SAFETY: as above.
unsafe impl Sync for Table {}

/// One plugin instance on one database handle.
pub(crate) struct Loaded {
    name: String,
    version: Option<String>,
    path: String,
    capabilities: Vec<Capability>,
    export_format: Option<String>,
    /// `None` when it could not be loaded.
    table: Option<Table>,
    /// Held for every call into the plugin.
    calls: Mutex<()>,
    failure: Mutex<Option<String>>,
    log: Logbook,
    delivered: AtomicU64,
    vetoes: AtomicU64,
    /// The last event it handled, as this handle knows it.
    cursor: AtomicU64,
}

impl Loaded {
    fn refused(name: String, path: &Path, error: &Error, log: Logbook) -> Loaded {
        Loaded {
            name,
            version: None,
            path: path.display().to_string(),
            capabilities: Vec::new(),
            export_format: None,
            table: None,
            calls: Mutex::new(()),
            failure: Mutex::new(Some(error.to_string())),
            log,
            delivered: AtomicU64::new(0),
            vetoes: AtomicU64::new(0),
            cursor: AtomicU64::new(0),
        }
    }

    fn has(&self, c: Capability) -> bool {
        self.capabilities.contains(&c)
    }

    fn failure(&self) -> Option<String> {
        lock(&self.failure).clone()
    }

    fn is_active(&self) -> bool {
        self.table.is_some() && self.failure().is_none()
    }

    /// Marks the plugin unusable; returns the error to report.
    fn fail(&self, what: &str, status: i32, message: String) -> Error {
        let cause = match status {
            abi::RACINE_PLUGIN_PANIC => "panicked".to_string(),
            s => format!("returned {s}"),
        };
        let why = format!("{what} {cause}: {message}");
        self.log.push(abi::RACINE_LOG_ERROR, why.clone());
        *lock(&self.failure) = Some(why.clone());
        Error::Plugin {
            plugin: self.name.clone(),
            message: format!("{why}; the plugin is now unusable"),
        }
    }

    fn cursor_name(&self) -> String {
        format!("{PLUGIN_PREFIX}{}", self.name)
    }

    fn info(&self) -> PluginInfo {
        let failure = self.failure();
        PluginInfo {
            name: self.name.clone(),
            version: self.version.clone(),
            path: self.path.clone(),
            capabilities: self.capabilities.clone(),
            export_format: self.export_format.clone(),
            state: if failure.is_none() && self.table.is_some() {
                PluginState::Active
            } else {
                PluginState::Failed
            },
            error: failure,
            cursor: self
                .has(Capability::EventSink)
                .then(|| self.cursor.load(Ordering::Relaxed) as i64),
            delivered: self.delivered.load(Ordering::Relaxed),
            vetoes: self.vetoes.load(Ordering::Relaxed),
            log: self.log.lines(),
        }
    }

    /// Checks one pending event.
    fn validate(&self, r: &dyn Reads, kind: EventKind, data: &str) -> Result<()> {
        let Some(Table(t)) = &self.table else {
            return Ok(());
        };
        let Some(validate) = t.validate else {
            return Ok(());
        };
        if let Some(why) = self.failure() {
            return Err(Error::Plugin {
                plugin: self.name.clone(),
                message: format!(
                    "unusable since {why}: writes are refused while its rule cannot be checked; unload it to write without it"
                ),
            });
        }
        let event = format!(r#"{{"kind":"{}","data":{data}}}"#, kind.as_str());
        let _one_at_a_time = lock(&self.calls);
        let call = Call::new(&self.log, Some(r));
        // SAFETY: the plugin's own callback and state, a live call, and
        // `len` bytes of event JSON.
        let status =
            unsafe { validate(t.state, call.as_abi(), event.as_ptr().cast(), event.len()) };
        match status {
            abi::RACINE_PLUGIN_OK => Ok(()),
            abi::RACINE_PLUGIN_VETO => {
                self.vetoes.fetch_add(1, Ordering::Relaxed);
                Err(Error::Plugin {
                    plugin: self.name.clone(),
                    message: call.message_or("vetoed the write"),
                })
            }
            s => Err(self.fail("validate", s, call.message_or("no message"))),
        }
    }

    /// Sends one committed event; `r` reads inside the delivery's transaction.
    fn deliver(&self, r: &dyn Reads, id: i64, event: &str) -> Result<()> {
        let Some(on_event) = self.table.as_ref().and_then(|t| t.0.on_event) else {
            return Ok(());
        };
        let state = self
            .table
            .as_ref()
            .map_or(std::ptr::null_mut(), |t| t.0.state);
        let _one_at_a_time = lock(&self.calls);
        let call = Call::new(&self.log, Some(r));
        // SAFETY: as in `validate`.
        let status =
            unsafe { on_event(state, call.as_abi(), id, event.as_ptr().cast(), event.len()) };
        if status == abi::RACINE_PLUGIN_OK {
            self.delivered.fetch_add(1, Ordering::Relaxed);
            Ok(())
        } else {
            Err(self.fail(
                &format!("on_event (event {id})"),
                status,
                call.message_or("no message"),
            ))
        }
    }
}

impl Drop for Loaded {
    fn drop(&mut self) {
        if let Some(Table(t)) = &self.table {
            if let Some(release) = t.release {
                let _one_at_a_time = lock(&self.calls);
                // SAFETY: the plugin's state, released once, when its last
                // user (this handle) is gone.
                unsafe { release(t.state) };
            }
        }
    }
}

/// The plugins of one database handle.
#[derive(Default)]
pub(crate) struct Registry {
    plugins: RwLock<Vec<Arc<Loaded>>>,
    validators: AtomicU64,
    sinks: AtomicU64,
}

impl Registry {
    /// The plugins now (the lock is not held while they are called: a
    /// plugin call may take the connection, and loading takes both).
    fn all(&self) -> Vec<Arc<Loaded>> {
        self.plugins
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn recount(&self, plugins: &[Arc<Loaded>]) {
        let count = |c| {
            plugins
                .iter()
                .filter(|p| p.table.is_some() && p.has(c))
                .count() as u64
        };
        self.validators
            .store(count(Capability::Validator), Ordering::Relaxed);
        self.sinks
            .store(count(Capability::EventSink), Ordering::Relaxed);
    }

    fn add(&self, p: Arc<Loaded>) {
        let mut plugins = self.plugins.write().unwrap_or_else(|p| p.into_inner());
        plugins.retain(|old| old.name != p.name || old.table.is_some());
        plugins.push(p);
        self.recount(&plugins);
    }

    fn remove(&self, name: &str) -> Option<Arc<Loaded>> {
        let mut plugins = self.plugins.write().unwrap_or_else(|p| p.into_inner());
        let i = plugins.iter().position(|p| p.name == name)?;
        let gone = plugins.remove(i);
        self.recount(&plugins);
        Some(gone)
    }

    /// The active plugin writing export format `format`.
    pub(crate) fn exporter(&self, format: &str) -> Result<Arc<Loaded>> {
        let all = self.all();
        if let Some(p) = all
            .iter()
            .find(|p| p.export_format.as_deref() == Some(format))
        {
            if let Some(why) = p.failure() {
                return Err(Error::Plugin {
                    plugin: p.name.clone(),
                    message: format!("cannot export {format}: unusable since {why}"),
                });
            }
            return Ok(p.clone());
        }
        let formats: Vec<&str> = all
            .iter()
            .filter_map(|p| p.export_format.as_deref())
            .collect();
        Err(Error::invalid(
            "plugin",
            format!(
                "no loaded plugin writes the format {format:?} (loaded formats: {})",
                if formats.is_empty() {
                    "none".to_string()
                } else {
                    formats.join(", ")
                }
            ),
        ))
    }
}

impl Gate for Registry {
    fn checks(&self) -> bool {
        self.validators.load(Ordering::Relaxed) > 0
    }

    fn check(&self, r: &dyn Reads, kind: EventKind, data: &str) -> Result<()> {
        // The common case, no validator: no lock, no copy.
        if self.validators.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        for p in self.all() {
            if p.has(Capability::Validator) {
                p.validate(r, kind, data)?;
            }
        }
        Ok(())
    }
}

/// Batches of events a delivery sends per transaction.
const DELIVERY_BATCH: u32 = 256;

impl Database {
    /// Loads the plugin at `path` (absolute) on this database handle, and
    /// returns what it is. An event sink gets its cursor (created on its
    /// first load, at [`PluginOptions::start`]) and whatever the outbox
    /// holds past it at once.
    ///
    /// Any failure — not absolute, no such file, not a library, no
    /// `racine_plugin_init`, another ABI version, a table too small, a
    /// refused configuration — is [`Error::Plugin`] naming the plugin (or
    /// its file), and the plugin is listed by [`Database::plugins`] as
    /// failed. A name already loaded here is [`Error::AlreadyExists`].
    pub fn load_plugin(
        &self,
        path: impl AsRef<Path>,
        options: &PluginOptions,
    ) -> Result<PluginInfo> {
        let path = path.as_ref();
        if !path.is_absolute() {
            return Err(Error::invalid(
                "path",
                format!(
                    "{} is not an absolute path: plugins are loaded only from a path the application names in full",
                    path.display()
                ),
            ));
        }
        let config = match &options.config {
            Some(c) => serde_json::to_string(c).map_err(Error::storage)?,
            None => "null".into(),
        };
        let plugin = match library::load(path, &config) {
            Ok(p) => p,
            Err(refused) => {
                let (name, error, log) = *refused;
                self.plugins
                    .add(Arc::new(Loaded::refused(name, path, &error, log)));
                return Err(error);
            }
        };
        if self
            .plugins
            .all()
            .iter()
            .any(|p| p.name == plugin.name && p.table.is_some())
        {
            return Err(Error::AlreadyExists {
                entity: "plugin",
                key: plugin.name.clone(),
            });
        }
        let plugin = Arc::new(plugin);
        if plugin.has(Capability::EventSink) {
            let name = plugin.cursor_name();
            let row = match self.read(|r| r.outbox_consumer(&name))? {
                Some(row) => row,
                None => self.write_with(&Open, |tx| {
                    crate::outbox::subscribe(tx, &name, options.start)
                })?,
            };
            plugin.cursor.store(row.position as u64, Ordering::Relaxed);
        }
        self.plugins.add(plugin.clone());
        if plugin.has(Capability::EventSink) {
            // Whatever was committed while it was away (a crash between a
            // commit and its delivery included) arrives now; a failure here
            // is the plugin's state, not the load's.
            self.feed(&plugin);
        }
        Ok(plugin.info())
    }

    /// The plugins of this handle, loaded or refused, in load order.
    pub fn plugins(&self) -> Result<Vec<PluginInfo>> {
        Ok(self.plugins.all().iter().map(|p| p.info()).collect())
    }

    /// Unloads plugin `name` from this handle: it is released and no
    /// longer called (its library stays mapped: libraries are never
    /// unloaded). A sink's cursor stays in the database for its next load;
    /// remove it with `outbox_unsubscribe("plugin:NAME")`. Returns it as it
    /// was.
    pub fn unload_plugin(&self, name: &str) -> Result<PluginInfo> {
        let gone = self
            .plugins
            .remove(name)
            .ok_or_else(|| Error::not_found("plugin", name))?;
        Ok(gone.info())
    }

    /// Delivers the outbox to every active event sink now: what other
    /// processes committed, and what a crash left undelivered. (Racine also
    /// delivers after each of this handle's own writes.)
    pub fn deliver_events(&self) -> Result<Delivery> {
        let mut out = Vec::new();
        for p in self.plugins.all() {
            if !p.has(Capability::EventSink) || !p.is_active() {
                continue;
            }
            let before = p.delivered.load(Ordering::Relaxed);
            let error = self.deliver_to(&p).err().map(|e| e.to_string());
            out.push(PluginDelivery {
                plugin: p.name.clone(),
                delivered: p.delivered.load(Ordering::Relaxed) - before,
                cursor: p.cursor.load(Ordering::Relaxed) as i64,
                error,
            });
        }
        Ok(Delivery { plugins: out })
    }

    /// After a commit of this handle: feeds the sinks, if any. A failure
    /// belongs to the plugin (its state says it), not to the write, which
    /// is committed.
    pub(crate) fn after_commit(&self) {
        if self.plugins.sinks.load(Ordering::Relaxed) == 0 {
            return;
        }
        for p in self.plugins.all() {
            if p.has(Capability::EventSink) && p.is_active() {
                self.feed(&p);
            }
        }
    }

    /// Delivers to `p` what is pending, where no caller waits for the
    /// outcome. The plugin's own failure is already in its state; any other
    /// (the database busy past the timeout) only postpones delivery to the
    /// next write or poll, and is logged with the plugin.
    fn feed(&self, p: &Loaded) {
        if let Err(e) = self.deliver_to(p) {
            if p.is_active() {
                p.log
                    .push(abi::RACINE_LOG_WARN, format!("delivery postponed: {e}"));
            }
        }
    }

    /// Sends `p` every event past its cursor, a batch per transaction: the
    /// batch is read, delivered and the cursor moved under the write lock,
    /// so that two processes with the same plugin never both deliver an
    /// event; a crash (or a power cut) before the cursor's commit is on disk
    /// delivers the batch again (at least once, same ids).
    fn deliver_to(&self, p: &Loaded) -> Result<()> {
        let name = p.cursor_name();
        loop {
            if !p.is_active() {
                return Ok(());
            }
            // Nothing new since the last delivery: no write lock taken.
            let known = p.cursor.load(Ordering::Relaxed) as i64;
            if self.read(|r| r.last_event_id())? <= known {
                return Ok(());
            }
            // Losing this commit to a power cut only delivers the batch
            // again: it need not wait for its own sync.
            let result = self.write_relaxed(|tx| {
                let start = tx.outbox_consumer(&name)?.map_or(0, |c| c.position);
                let events = tx.events_after(start, &[], DELIVERY_BATCH)?;
                let mut reached = start;
                let mut outcome = Ok(());
                for e in &events {
                    let json = e.to_json()?;
                    if let Err(err) = p.deliver(tx, e.id, &json) {
                        outcome = Err(err);
                        break;
                    }
                    reached = e.id;
                }
                if reached > start {
                    tx.put_outbox_consumer(&name, reached, tx.now()?)?;
                }
                Ok((events.len() == DELIVERY_BATCH as usize, reached, outcome))
            });
            let (more, reached, outcome) = result?;
            p.cursor.store(reached as u64, Ordering::Relaxed);
            outcome?;
            if !more {
                return Ok(());
            }
        }
    }
}
