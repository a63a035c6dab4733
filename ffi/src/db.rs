//! The database handle: open, close, free, and the JSON entry point.

use std::ffi::{c_char, CString};
use std::sync::RwLock;

use racine_core::{api, Database, OpenOptions};

use crate::boundary::{guard, non_null, optional_text, text, write_out};
use crate::error::Failure;
use crate::status::RacineStatus;

/// An open database. Opaque: create with `racine_db_open`, release with
/// `racine_db_free`.
///
/// Thread safety: a handle may be shared by several threads; calls on it
/// are serialised. Several processes may open the same file at once.
pub struct RacineDb {
    // `None` once closed: calls then fail with RACINE_STATUS_CLOSED
    // instead of touching a released connection.
    inner: RwLock<Option<Database>>,
}

impl RacineDb {
    /// Runs `f` on the open database behind `db`.
    pub(crate) fn with<T>(
        db: *const RacineDb,
        f: impl FnOnce(&Database) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let db = non_null(db, "db")?;
        // SAFETY: a non-NULL handle comes from `racine_db_open` and has not
        // been freed (documented contract of every function taking one).
        let handle = unsafe { &*db };
        let guard = handle.inner.read().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(database) => f(database),
            None => Err(Failure::Closed),
        }
    }
}

/// Opens (or creates) the database file at `path`.
///
/// - `path`, `path_len`: UTF-8 file path (not NUL-terminated); `:memory:`
///   opens a private in-memory database. Required.
/// - `options_json`, `options_len`: optional JSON object (NULL, 0 for the
///   defaults; see `open_options` in schema/racine.json): `{"synchronous":
///   "full"|"normal", "busy_timeout_ms": 10000, "time_zone": "Europe/Paris",
///   "default_warehouse": "MAIN", "cache_size_kib": 32768}`. A bad option
///   fails with `RACINE_STATUS_INVALID_INPUT` naming it (`options.synchronous`).
/// - `out`: receives the new handle on success (untouched on failure).
///
/// The caller owns the handle and must release it with `racine_db_free`.
/// Thread-safe.
///
/// # Safety
/// Text pointers must be NULL or point to the given number of readable
/// bytes; `out` must be NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn racine_db_open(
    path: *const c_char,
    path_len: usize,
    options_json: *const c_char,
    options_len: usize,
    out: *mut *mut RacineDb,
) -> RacineStatus {
    guard(|| {
        non_null(out, "out")?;
        // SAFETY: forwarded caller contract (see above).
        let path = unsafe { text(path, path_len, "path")? };
        // SAFETY: forwarded caller contract (see above).
        let options = match unsafe { optional_text(options_json, options_len, "options_json")? } {
            Some(json) => OpenOptions::from_json(json)?,
            None => OpenOptions::default(),
        };
        let database = Database::open_with(path, &options)?;
        let handle = Box::new(RacineDb {
            inner: RwLock::new(Some(database)),
        });
        // SAFETY: `out` checked non-NULL; validity is the caller's promise.
        unsafe { write_out(out, Box::into_raw(handle)) };
        Ok(())
    })
}

/// Closes the database: its connection is released now, and later calls
/// on this handle fail with `RACINE_STATUS_CLOSED` (closing again is
/// harmless). The handle itself must still be released with
/// `racine_db_free`. Waits for calls running on other threads.
///
/// # Safety
/// `db` must be NULL or a handle from `racine_db_open` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn racine_db_close(db: *mut RacineDb) -> RacineStatus {
    guard(|| {
        let db = non_null(db, "db")?;
        // SAFETY: see the function's contract.
        let handle = unsafe { &*db };
        let mut inner = handle.inner.write().unwrap_or_else(|p| p.into_inner());
        inner.take();
        Ok(())
    })
}

/// Releases a handle (closing it first if needed). NULL is a no-op.
/// Must not be called twice on the same handle, nor while another thread
/// uses it.
///
/// # Safety
/// `db` must be NULL or a handle from `racine_db_open` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn racine_db_free(db: *mut RacineDb) {
    if db.is_null() {
        return;
    }
    // Dropping closes SQLite; a panic there must not cross the boundary.
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: `db` came from `Box::into_raw` in `racine_db_open` and is
        // released exactly once (documented contract).
        drop(unsafe { Box::from_raw(db) });
    });
}

/// Runs one JSON request and returns its JSON result: the broad surface of
/// Racine (master data, movements, purchases, reads, history, verify) in
/// one function. See the request list at the top of this header.
///
/// - `request`, `request_len`: UTF-8 JSON object with an `"op"` field.
/// - `out`: receives the result, a NUL-terminated JSON string owned by the
///   caller, to release with `racine_string_free`. Untouched on failure.
///
/// Malformed, unknown or wrongly typed requests fail with
/// `RACINE_STATUS_INVALID_INPUT`, whose details name the field by its path
/// (`item.valuation`), as in every binding; refused operations fail with
/// their own status. Thread-safe.
///
/// # Safety
/// `db` must be NULL or a live handle; `request` NULL or `request_len`
/// readable bytes; `out` NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn racine_call(
    db: *const RacineDb,
    request: *const c_char,
    request_len: usize,
    out: *mut *mut c_char,
) -> RacineStatus {
    guard(|| {
        non_null(out, "out")?;
        // SAFETY: forwarded caller contract (see above).
        let request = unsafe { text(request, request_len, "request")? };
        let parsed = api::Request::parse(request)?;
        let result = RacineDb::with(db, |database| Ok(api::execute(database, parsed)?))?;
        // serde_json escapes every control character, NUL included.
        let json = CString::new(result.to_string()).map_err(|e| Failure::Panic(e.to_string()))?;
        // SAFETY: `out` checked non-NULL; validity is the caller's promise.
        unsafe { write_out(out, json.into_raw()) };
        Ok(())
    })
}

/// Releases a string returned by Racine (`racine_call`). NULL is a no-op.
/// Must not be called twice on the same string.
///
/// # Safety
/// `s` must be NULL or a string returned by Racine and not yet released.
#[no_mangle]
pub unsafe extern "C" fn racine_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: `s` came from `CString::into_raw` in this library.
        drop(unsafe { CString::from_raw(s) });
    }
}
