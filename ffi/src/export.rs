//! Exports through the C ABI: to a file, or streamed to a write callback,
//! with a progress callback that can cancel.

use std::ffi::{c_char, c_void, CString};
use std::io::Write;
use std::path::Path;

use racine_core::exports::{Destination, Export, Progress};

use crate::boundary::{guard, non_null, optional_text, text, write_out};
use crate::db::RacineDb;
use crate::error::Failure;
use crate::status::RacineStatus;

/// Receives the bytes of an export, in order. Returns 0 to go on; any
/// other value fails the export with `RACINE_STATUS_STORAGE`.
pub type RacineWriteFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, bytes: *const u8, len: usize) -> i32>;

/// Told how far an export is. Returns 0 to go on; any other value cancels
/// it (`RACINE_STATUS_CANCELLED`: a file export leaves nothing behind).
pub type RacineProgressFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const RacineProgress) -> i32>;

/// How far an export is. Valid only during the progress callback.
#[repr(C)]
pub struct RacineProgress {
    /// Rows written so far, all datasets.
    pub rows: u64,
    /// Rows of the current dataset written so far.
    pub sheet_rows: u64,
    /// Rows the current dataset will have; -1 when not known.
    pub sheet_total: i64,
    /// The current dataset's sheet name (UTF-8, not NUL-terminated).
    pub sheet: *const c_char,
    /// Its length in bytes.
    pub sheet_len: usize,
    /// Whether the export is complete (the last call).
    pub done: bool,
}

/// A C write callback as a Rust writer.
struct CallbackWriter {
    write: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> i32,
    user_data: *mut c_void,
}

// SAFETY: the callback runs only on the thread that called `racine_export`,
// during that call; `Send` is asked by the xlsx writer's bound, not used to
// move it to another thread.
unsafe impl Send for CallbackWriter {}

impl Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the caller gave a valid function and its own user data
        // (contract of `racine_export`); `buf` is valid for `buf.len()` bytes.
        let status = unsafe { (self.write)(self.user_data, buf.as_ptr(), buf.len()) };
        if status == 0 {
            Ok(buf.len())
        } else {
            Err(std::io::Error::other(format!(
                "the write callback returned {status}"
            )))
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Exports datasets to a file at `path`, or streams them to `write`.
///
/// - `export_json`, `export_len`: UTF-8 JSON of the export (`{"sheets":
///   [{"dataset": "movements"}], "format": "xlsx"}`; see `Export` in
///   schema/racine.json). A bad field fails with
///   `RACINE_STATUS_INVALID_INPUT` naming it (`export.sheets[0].dataset`).
/// - `path`, `path_len`: the file to write (written under a temporary name
///   in its folder, renamed once complete); NULL, 0 to stream to `write`.
/// - `write`, `write_data`: required when `path` is NULL; receives the
///   file's bytes in order (xlsx once complete, csv as it is written).
/// - `progress`, `progress_data`: optional; called every 10,000 rows, at
///   each dataset's start and end, and once complete; a non-zero return
///   cancels (`RACINE_STATUS_CANCELLED`).
/// - `out_summary`: receives the summary (JSON: sheets, rows, bytes),
///   owned by the caller, released with `racine_string_free`.
///
/// Callbacks run on the calling thread, during this call. Thread-safe.
///
/// # Safety
/// `db` must be NULL or a live handle; text pointers NULL or readable for
/// their lengths; callbacks valid functions taking their user data;
/// `out_summary` NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn racine_export(
    db: *const RacineDb,
    export_json: *const c_char,
    export_len: usize,
    path: *const c_char,
    path_len: usize,
    write: RacineWriteFn,
    write_data: *mut c_void,
    progress: RacineProgressFn,
    progress_data: *mut c_void,
    out_summary: *mut *mut c_char,
) -> RacineStatus {
    guard(|| {
        non_null(out_summary, "out_summary")?;
        // SAFETY: forwarded caller contract (see above).
        let export = Export::from_json(unsafe { text(export_json, export_len, "export_json")? })?;
        // SAFETY: forwarded caller contract (see above).
        let path = unsafe { optional_text(path, path_len, "path")? };
        let mut report = |p: &Progress<'_>| match progress {
            None => true,
            Some(f) => {
                let c = RacineProgress {
                    rows: p.rows,
                    sheet_rows: p.sheet_rows,
                    sheet_total: p
                        .sheet_total
                        .map_or(-1, |t| i64::try_from(t).unwrap_or(i64::MAX)),
                    sheet: p.sheet.as_ptr().cast(),
                    sheet_len: p.sheet.len(),
                    done: p.done,
                };
                // SAFETY: a valid callback with its user data (caller contract);
                // `c` lives for the call.
                unsafe { f(progress_data, &c) == 0 }
            }
        };
        let summary = RacineDb::with(db, |database| {
            Ok(match (path, write) {
                (Some(path), _) => database.export_with(
                    &export,
                    Destination::Path(Path::new(path)),
                    &mut report,
                )?,
                (None, Some(write)) => {
                    let mut writer = CallbackWriter {
                        write,
                        user_data: write_data,
                    };
                    database.export_with(&export, Destination::Writer(&mut writer), &mut report)?
                }
                (None, None) => return Err(Failure::Null("write")),
            })
        })?;
        let json = serde_json::to_string(&summary).map_err(|e| Failure::Panic(e.to_string()))?;
        let json = CString::new(json).map_err(|e| Failure::Panic(e.to_string()))?;
        // SAFETY: `out_summary` checked non-NULL; validity is the caller's promise.
        unsafe { write_out(out_summary, json.into_raw()) };
        Ok(())
    })
}
