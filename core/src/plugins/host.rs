//! The host side of the plugin ABI: the table of host functions every
//! plugin receives, and the context of one call into a plugin.
//!
//! The ABI passes a `*const RacineHostCall` to each callback; it points at
//! a [`Call`] on the host's stack, which lives until the callback returns.
//! Host functions turn it back into a `&Call`. None of them lets a panic
//! unwind into the plugin's frames.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

use racine_plugin::abi::{RacineHostApi, RacineHostCall};

use super::Logbook;
use crate::error::{Error, Result};
use crate::items::ItemRef;
use crate::store::Reads;

/// One call into a plugin: who is called, what it may read, where an
/// exporter writes, and the message it leaves.
pub(crate) struct Call<'a> {
    /// Where the plugin's log lines go.
    pub log: &'a Logbook,
    /// Reads inside the transaction or snapshot the call happens in.
    pub reads: Option<&'a dyn Reads>,
    /// An exporter's destination.
    pub writer: Option<RefCell<&'a mut dyn Write>>,
    pub message: RefCell<Option<String>>,
}

impl<'a> Call<'a> {
    pub fn new(log: &'a Logbook, reads: Option<&'a dyn Reads>) -> Call<'a> {
        Call {
            log,
            reads,
            writer: None,
            message: RefCell::new(None),
        }
    }

    /// The pointer the ABI passes.
    pub fn as_abi(&self) -> *const RacineHostCall {
        (self as *const Call<'_>).cast()
    }

    /// The message the plugin set, or `default`.
    pub fn message_or(&self, default: &str) -> String {
        self.message
            .borrow_mut()
            .take()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| default.to_string())
    }
}

/// The table every plugin receives, valid for the life of the process.
pub(crate) static HOST_API: HostApi = HostApi(RacineHostApi {
    size: std::mem::size_of::<RacineHostApi>(),
    abi_version: racine_plugin::abi::RACINE_PLUGIN_ABI_VERSION,
    version: concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast(),
    log: Some(log),
    set_message: Some(set_message),
    read_item: Some(read_item),
    read_stock: Some(read_stock),
    free_string: Some(free_string),
    write: Some(write),
});

/// The table in a static: it holds only a pointer to a static string and
/// function pointers, which every thread may read.
pub(crate) struct HostApi(pub RacineHostApi);

// SAFETY: immutable, and every pointer in it is to static data or code.
unsafe impl Sync for HostApi {}

/// # Safety
/// `call` is the pointer of a live [`Call`] (the ABI's promise to plugins
/// is that it is valid during the callback that received it).
unsafe fn call<'a>(call: *const RacineHostCall) -> Option<&'a Call<'a>> {
    // SAFETY: as the caller promises; NULL gives None.
    unsafe { call.cast::<Call<'a>>().as_ref() }
}

/// # Safety
/// `ptr` points at `len` readable bytes, or is NULL.
unsafe fn text(ptr: *const c_char, len: usize) -> String {
    if ptr.is_null() || len == 0 {
        return String::new();
    }
    // SAFETY: as the caller promises.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a host function, never letting a panic reach the plugin.
fn guarded<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

unsafe extern "C" fn log(c: *const RacineHostCall, level: u32, message: *const c_char, len: usize) {
    guarded((), || {
        // SAFETY: the plugin passes back its call and a string of `len` bytes.
        if let Some(c) = unsafe { call(c) } {
            c.log.push(level, unsafe { text(message, len) });
        }
    })
}

unsafe extern "C" fn set_message(c: *const RacineHostCall, message: *const c_char, len: usize) {
    guarded((), || {
        // SAFETY: as in `log`.
        if let Some(c) = unsafe { call(c) } {
            *c.message.borrow_mut() = Some(unsafe { text(message, len) });
        }
    })
}

/// Hands `json` to the plugin as a `char *` it frees with `free_string`.
///
/// # Safety
/// `out` and `out_len` are writable (checked non-NULL by the caller).
unsafe fn hand_out(json: String, out: *mut *mut c_char, out_len: *mut usize) {
    let len = json.len();
    // JSON from serde has no NUL byte.
    let s = CString::new(json).unwrap_or_default();
    // SAFETY: as the caller promises.
    unsafe {
        *out = s.into_raw();
        *out_len = len;
    }
}

/// A read for a plugin: the value's JSON and 0, or the error's JSON and
/// its status number.
///
/// # Safety
/// As [`call`]; `out` and `out_len` writable or NULL.
unsafe fn reply(
    c: *const RacineHostCall,
    out: *mut *mut c_char,
    out_len: *mut usize,
    read: impl FnOnce(&dyn Reads) -> Result<serde_json::Value>,
) -> i32 {
    guarded(crate::ErrorCode::Storage.number() as i32, || {
        if out.is_null() || out_len.is_null() {
            return crate::ErrorCode::InvalidInput.number() as i32;
        }
        // SAFETY: as the caller promises.
        let Some(c) = (unsafe { call(c) }) else {
            return crate::ErrorCode::InvalidInput.number() as i32;
        };
        let result = match c.reads {
            Some(r) => read(r),
            None => Err(Error::invalid(
                "call",
                "this callback cannot read the database",
            )),
        };
        let (status, json) = match result {
            Ok(v) => (0, v.to_string()),
            Err(e) => (e.code().number() as i32, e.details().to_string()),
        };
        // SAFETY: checked non-NULL above.
        unsafe { hand_out(json, out, out_len) };
        status
    })
}

unsafe extern "C" fn read_item(
    c: *const RacineHostCall,
    item: i64,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: the plugin's call and out-pointers, as the ABI says.
    unsafe {
        reply(c, out, out_len, |r| {
            let item = crate::items::get(r, item)?;
            serde_json::to_value(item).map_err(Error::storage)
        })
    }
}

unsafe extern "C" fn read_stock(
    c: *const RacineHostCall,
    item: i64,
    warehouse: i64,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: as in `read_item`.
    unsafe {
        reply(c, out, out_len, |r| {
            let warehouse = (warehouse != 0).then_some(warehouse);
            let level = crate::ledger::stock_on(r, &ItemRef::Id(item), warehouse)?;
            serde_json::to_value(level).map_err(Error::storage)
        })
    }
}

unsafe extern "C" fn free_string(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    guarded((), || {
        // SAFETY: a string `hand_out` made, released once (the ABI's rule).
        drop(unsafe { CString::from_raw(s) });
    })
}

unsafe extern "C" fn write(c: *const RacineHostCall, bytes: *const u8, len: usize) -> i32 {
    guarded(-1, || {
        // SAFETY: as in `log`.
        let Some(c) = (unsafe { call(c) }) else {
            return -1;
        };
        let Some(writer) = &c.writer else {
            return -1;
        };
        if len == 0 {
            return 0;
        }
        if bytes.is_null() {
            return -1;
        }
        // SAFETY: `len` readable bytes, as the ABI says.
        let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
        match writer.borrow_mut().write_all(bytes) {
            Ok(()) => 0,
            Err(e) => {
                c.log.push(
                    racine_plugin::abi::RACINE_LOG_ERROR,
                    format!("the export's destination failed: {e}"),
                );
                -1
            }
        }
    })
}
