//! The plugin ABI: what `include/racine_plugin.h` declares, as Rust types.
//!
//! Modelled on SQLite's loadable extensions (one entry point, a table of
//! host functions) and Arrow ADBC drivers (a version handshake, tables that
//! carry their size and only grow at the end). The header is generated from
//! this file by `cargo run -p racine-codegen`.

use std::ffi::{c_char, c_void};

/// The plugin ABI version this header describes. A host refuses a plugin
/// built for another version, naming both; it grows by additions at the end
/// of the tables without changing this number.
pub const RACINE_PLUGIN_ABI_VERSION: u32 = 1;

/// The symbol every plugin exports (a [`RacinePluginInit`]).
pub const RACINE_PLUGIN_ENTRY_POINT: &str = "racine_plugin_init";

/// Capability: [`RacinePlugin::validate`] is called inside every write
/// transaction with each pending event, and may veto it.
pub const RACINE_PLUGIN_VALIDATOR: u32 = 1;
/// Capability: [`RacinePlugin::on_event`] receives every committed event of
/// the outbox, in order, at least once.
pub const RACINE_PLUGIN_EVENT_SINK: u32 = 2;
/// Capability: the plugin writes the export format named
/// [`RacinePlugin::export_format`].
pub const RACINE_PLUGIN_EXPORTER: u32 = 4;

/// A callback succeeded (a validator: the event may be written).
pub const RACINE_PLUGIN_OK: i32 = 0;
/// A validator refuses the event: the whole write is rolled back and the
/// caller gets a `plugin` error with the message set by `set_message`. From
/// an `export_*` callback: this export is refused (its datasets or options
/// do not suit the format); the plugin stays usable.
pub const RACINE_PLUGIN_VETO: i32 = 1;
/// The plugin failed (any negative value): the host marks it unusable and
/// reports the message set by `set_message`.
pub const RACINE_PLUGIN_ERROR: i32 = -1;
/// A Rust plugin caught a panic at its boundary (a failure, as above).
pub const RACINE_PLUGIN_PANIC: i32 = -2;

/// Log levels of [`RacineHostApi::log`].
pub const RACINE_LOG_ERROR: u32 = 1;
/// A warning.
pub const RACINE_LOG_WARN: u32 = 2;
/// Information.
pub const RACINE_LOG_INFO: u32 = 3;
/// Detail for debugging.
pub const RACINE_LOG_DEBUG: u32 = 4;

/// What an export column holds ([`RacineColumn::kind`]).
pub const RACINE_COLUMN_TEXT: u32 = 1;
/// Text that is not to be read as a number: SKUs, references, phones.
pub const RACINE_COLUMN_CODE: u32 = 2;
/// One of Racine's ids.
pub const RACINE_COLUMN_ID: u32 = 3;
/// A count.
pub const RACINE_COLUMN_COUNT: u32 = 4;
/// A quantity.
pub const RACINE_COLUMN_QUANTITY: u32 = 5;
/// An amount of money.
pub const RACINE_COLUMN_MONEY: u32 = 6;
/// A fraction (0.25 is 25 %).
pub const RACINE_COLUMN_RATE: u32 = 7;
/// Any other figure (days, turnover).
pub const RACINE_COLUMN_FIGURE: u32 = 8;
/// An instant.
pub const RACINE_COLUMN_INSTANT: u32 = 9;
/// A calendar day.
pub const RACINE_COLUMN_DATE: u32 = 10;
/// Yes or no.
pub const RACINE_COLUMN_BOOL: u32 = 11;

/// What an export cell holds ([`RacineCell::kind`]); its text is exact.
pub const RACINE_CELL_EMPTY: u32 = 0;
/// Text, as is.
pub const RACINE_CELL_TEXT: u32 = 1;
/// A 64-bit integer in decimal (`42`).
pub const RACINE_CELL_INTEGER: u32 = 2;
/// An exact decimal (`-12.5`, at most six fractional digits).
pub const RACINE_CELL_DECIMAL: u32 = 3;
/// An instant, RFC 3339 in UTC (`2026-03-31T08:00:00Z`).
pub const RACINE_CELL_INSTANT: u32 = 4;
/// A calendar day (`2026-03-31`).
pub const RACINE_CELL_DATE: u32 = 5;
/// `true` or `false`.
pub const RACINE_CELL_BOOL: u32 = 6;

/// One call of the host into a plugin, as the plugin sees it: pass it back
/// to the host functions. Valid only until the callback that received it
/// returns; never keep it.
pub struct RacineHostCall {
    _private: [u8; 0],
}

/// The host's functions, passed to `racine_plugin_init` and valid for the
/// life of the plugin (a static table). Every function takes the
/// `RacineHostCall` of the callback it is called from.
///
/// Strings the host returns (`*out`) are NUL-terminated JSON, owned by the
/// plugin once returned and released with `free_string`.
#[repr(C)]
pub struct RacineHostApi {
    /// `sizeof(RacineHostApi)` of the host: a field past it does not exist.
    pub size: usize,
    /// The host's `RACINE_PLUGIN_ABI_VERSION`.
    pub abi_version: u32,
    /// The host library's version (`"0.1.0"`), NUL-terminated, static.
    pub version: *const c_char,
    /// Logs `message` (UTF-8, `len` bytes) at `level` (`RACINE_LOG_*`): kept
    /// with the plugin's state in the host's list of plugins.
    pub log: Option<
        unsafe extern "C" fn(
            call: *const RacineHostCall,
            level: u32,
            message: *const c_char,
            len: usize,
        ),
    >,
    /// Sets the message of the callback's outcome (a veto's reason, a
    /// failure's cause); the host copies it. The last call wins.
    pub set_message: Option<
        unsafe extern "C" fn(call: *const RacineHostCall, message: *const c_char, len: usize),
    >,
    /// Reads item `item` (by id) as JSON, as the `item` operation returns it.
    /// Inside a validator it sees the pending write. Returns 0, or the
    /// status number of racine.h (1: not found) with `*out` set to the
    /// error's JSON.
    pub read_item: Option<
        unsafe extern "C" fn(
            call: *const RacineHostCall,
            item: i64,
            out: *mut *mut c_char,
            out_len: *mut usize,
        ) -> i32,
    >,
    /// Reads the stock of `item` in `warehouse` (by id; 0: all warehouses)
    /// as JSON, as the `stock` operation returns it. Like `read_item`.
    pub read_stock: Option<
        unsafe extern "C" fn(
            call: *const RacineHostCall,
            item: i64,
            warehouse: i64,
            out: *mut *mut c_char,
            out_len: *mut usize,
        ) -> i32,
    >,
    /// Releases a string the host returned; NULL is ignored.
    pub free_string: Option<unsafe extern "C" fn(s: *mut c_char)>,
    /// An exporter's output: appends `len` bytes to the file being exported.
    /// Returns 0, or non-zero when the destination failed (stop and return
    /// an error). Only valid in the `export_*` callbacks.
    pub write: Option<
        unsafe extern "C" fn(call: *const RacineHostCall, bytes: *const u8, len: usize) -> i32,
    >,
}

/// One column of an exported table.
#[repr(C)]
pub struct RacineColumn {
    /// Its header (UTF-8, not NUL-terminated).
    pub title: *const c_char,
    /// Length of `title` in bytes.
    pub title_len: usize,
    /// What it holds (`RACINE_COLUMN_*`).
    pub kind: u32,
}

/// One cell of an exported row: its kind and its exact text.
#[repr(C)]
pub struct RacineCell {
    /// `RACINE_CELL_*`.
    pub kind: u32,
    /// Its text (UTF-8, not NUL-terminated; empty for an empty cell).
    pub text: *const c_char,
    /// Length of `text` in bytes.
    pub len: usize,
}

/// What a plugin is, filled by `racine_plugin_init`.
///
/// The host zeroes the table and sets `size` to the room it has before the
/// call. The plugin writes only fields that end within that room, then sets
/// `size` to the size of what it filled (`sizeof(RacinePlugin)` of its own
/// header, when that fits). Fields added by later versions sit at the end;
/// a host treats a field past `size` as absent (NULL, 0).
///
/// Strings are UTF-8 pointer + length, owned by the plugin and valid until
/// `release`. Racine never calls one plugin from two threads at once; it
/// calls `release` once, when the database handle that loaded it closes or
/// unloads it, and never unloads the library itself.
#[repr(C)]
pub struct RacinePlugin {
    /// See above.
    pub size: usize,
    /// The `RACINE_PLUGIN_ABI_VERSION` the plugin was built for.
    pub abi_version: u32,
    /// `RACINE_PLUGIN_VALIDATOR | RACINE_PLUGIN_EVENT_SINK | RACINE_PLUGIN_EXPORTER`,
    /// each with its callbacks set.
    pub capabilities: u32,
    /// Its name: letters, digits, `_`, `-` and `.`; unique among the plugins
    /// of a database.
    pub name: *const c_char,
    /// Length of `name`.
    pub name_len: usize,
    /// Its version (free text, `1.2.0`).
    pub version: *const c_char,
    /// Length of `version`.
    pub version_len: usize,
    /// Passed back to every callback.
    pub state: *mut c_void,
    /// Validator: the pending event as JSON, `{"kind": …, "data": {…}}`.
    /// Returns `RACINE_PLUGIN_OK`, `RACINE_PLUGIN_VETO` (with a message) or
    /// a failure.
    pub validate: Option<
        unsafe extern "C" fn(
            state: *mut c_void,
            call: *const RacineHostCall,
            event: *const c_char,
            len: usize,
        ) -> i32,
    >,
    /// Event sink: one committed event as JSON, `{"id": …, "kind": …,
    /// "recorded_at": …, "data": {…}}`. The same event may come again
    /// after a crash (same `id`): deduplicate by id where that matters.
    /// Returns `RACINE_PLUGIN_OK` or a failure (the event comes again once
    /// the plugin is loaded anew).
    pub on_event: Option<
        unsafe extern "C" fn(
            state: *mut c_void,
            call: *const RacineHostCall,
            id: i64,
            event: *const c_char,
            len: usize,
        ) -> i32,
    >,
    /// Exporter: the name of its format, chosen with
    /// `{"format": "plugin", "plugin": NAME}`.
    pub export_format: *const c_char,
    /// Length of `export_format`.
    pub export_format_len: usize,
    /// Starts an export; `options` is the export's `options` as JSON (`null`
    /// when none). Sets `*export_state` to the plugin's state for this export.
    pub export_begin: Option<
        unsafe extern "C" fn(
            state: *mut c_void,
            call: *const RacineHostCall,
            options: *const c_char,
            len: usize,
            export_state: *mut *mut c_void,
        ) -> i32,
    >,
    /// Starts a table (one per sheet of the export) named `name`.
    pub export_table: Option<
        unsafe extern "C" fn(
            export_state: *mut c_void,
            call: *const RacineHostCall,
            name: *const c_char,
            name_len: usize,
            columns: *const RacineColumn,
            count: usize,
        ) -> i32,
    >,
    /// One row of the current table: one cell per column.
    pub export_row: Option<
        unsafe extern "C" fn(
            export_state: *mut c_void,
            call: *const RacineHostCall,
            cells: *const RacineCell,
            count: usize,
        ) -> i32,
    >,
    /// Ends the export: called once after a successful `export_begin`, with
    /// `complete` false when it stopped early (an error, a cancellation: the
    /// host discards the file). Releases `export_state`.
    pub export_end: Option<
        unsafe extern "C" fn(
            export_state: *mut c_void,
            call: *const RacineHostCall,
            complete: bool,
        ) -> i32,
    >,
    /// Releases `state` and everything the plugin allocated.
    pub release: Option<unsafe extern "C" fn(state: *mut c_void)>,
}

/// The entry point, exported as `racine_plugin_init`: check `host_abi`,
/// read `config` (the JSON the application gave when loading, `null` when
/// none), fill `out`. Returns `RACINE_PLUGIN_OK`, or a failure with a
/// message set through `host->set_message(call, …)`.
pub type RacinePluginInit = unsafe extern "C" fn(
    host_abi: u32,
    host: *const RacineHostApi,
    call: *const RacineHostCall,
    config: *const c_char,
    config_len: usize,
    out: *mut RacinePlugin,
) -> i32;
