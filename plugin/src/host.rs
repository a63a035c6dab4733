//! The host as a Rust plugin sees it during one callback.

use std::ffi::{c_char, CStr};

use serde_json::Value;

use crate::abi::{self, RacineCell, RacineColumn, RacineHostApi, RacineHostCall};

/// How loud a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something failed.
    Error = abi::RACINE_LOG_ERROR as isize,
    /// Something looks wrong.
    Warn = abi::RACINE_LOG_WARN as isize,
    /// Worth knowing.
    Info = abi::RACINE_LOG_INFO as isize,
    /// Detail for debugging.
    Debug = abi::RACINE_LOG_DEBUG as isize,
}

/// The host's functions, bound to the callback being run. Valid only
/// during that callback (it is lent, never owned).
pub struct Host<'a> {
    api: &'a RacineHostApi,
    call: *const RacineHostCall,
}

impl<'a> Host<'a> {
    /// # Safety
    /// `api` is the host's table and `call` the current callback's call.
    pub(crate) unsafe fn new(api: &'a RacineHostApi, call: *const RacineHostCall) -> Host<'a> {
        Host { api, call }
    }

    /// The host library's version.
    pub fn version(&self) -> &str {
        if self.api.version.is_null() {
            return "";
        }
        // SAFETY: the host's version is a static NUL-terminated string.
        unsafe { CStr::from_ptr(self.api.version) }
            .to_str()
            .unwrap_or("")
    }

    /// Logs a line, kept with the plugin's state in the host's list.
    pub fn log(&self, level: Level, message: &str) {
        if let Some(log) = self.api.log {
            // SAFETY: a valid call and a string of `len` bytes.
            unsafe {
                log(
                    self.call,
                    level as u32,
                    message.as_ptr().cast(),
                    message.len(),
                )
            }
        }
    }

    pub(crate) fn set_message(&self, message: &str) {
        if let Some(set) = self.api.set_message {
            // SAFETY: as above; the host copies the message.
            unsafe { set(self.call, message.as_ptr().cast(), message.len()) }
        }
    }

    /// Item `id` as the `item` operation returns it; inside a validator,
    /// as the pending write leaves it.
    pub fn item(&self, id: i64) -> Result<Value, Value> {
        let read = self.api.read_item.ok_or_else(missing)?;
        self.reply(|out, len| {
            // SAFETY: valid call and out-pointers.
            unsafe { read(self.call, id, out, len) }
        })
    }

    /// The stock of item `item` in warehouse `warehouse` (`None`: all of
    /// them) as the `stock` operation returns it.
    pub fn stock(&self, item: i64, warehouse: Option<i64>) -> Result<Value, Value> {
        let read = self.api.read_stock.ok_or_else(missing)?;
        self.reply(|out, len| {
            // SAFETY: valid call and out-pointers.
            unsafe { read(self.call, item, warehouse.unwrap_or(0), out, len) }
        })
    }

    /// Appends bytes to the file being exported (only while exporting).
    pub fn write(&self, bytes: &[u8]) -> Result<(), String> {
        let write = self
            .api
            .write
            .ok_or_else(|| "this host cannot write exports".to_string())?;
        // SAFETY: valid call and `len` readable bytes.
        match unsafe { write(self.call, bytes.as_ptr(), bytes.len()) } {
            0 => Ok(()),
            _ => Err("the export's destination failed".into()),
        }
    }

    fn reply(&self, f: impl FnOnce(*mut *mut c_char, *mut usize) -> i32) -> Result<Value, Value> {
        let mut out: *mut c_char = std::ptr::null_mut();
        let mut len = 0usize;
        let status = f(&mut out, &mut len);
        let value = if out.is_null() {
            Value::Null
        } else {
            // SAFETY: the host returned `len` bytes of JSON at `out`.
            let bytes = unsafe { std::slice::from_raw_parts(out.cast::<u8>(), len) };
            let value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
            if let Some(free) = self.api.free_string {
                // SAFETY: a string this host returned, released once.
                unsafe { free(out) }
            }
            value
        };
        if status == 0 {
            Ok(value)
        } else {
            Err(value)
        }
    }
}

fn missing() -> Value {
    serde_json::json!({"code": "not_found", "message": "this host has no such function"})
}

/// One column of an exported table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column<'a> {
    /// Its header.
    pub title: &'a str,
    /// What it holds (`RACINE_COLUMN_*`).
    pub kind: u32,
}

/// One cell of an exported row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell<'a> {
    /// What it holds (`RACINE_CELL_*`).
    pub kind: u32,
    /// Its exact text (empty for an empty cell).
    pub text: &'a str,
}

/// # Safety
/// `ptr` points at `len` bytes (or is NULL with `len` 0).
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize) -> &'a str {
    if ptr.is_null() || len == 0 {
        return "";
    }
    // SAFETY: as the caller promises; the host sends UTF-8.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).unwrap_or("")
}

impl Column<'_> {
    /// # Safety
    /// A column the host passed, valid for the callback.
    pub(crate) unsafe fn from_abi(c: &RacineColumn) -> Column<'_> {
        Column {
            // SAFETY: as promised.
            title: unsafe { text(c.title, c.title_len) },
            kind: c.kind,
        }
    }
}

impl Cell<'_> {
    /// # Safety
    /// A cell the host passed, valid for the callback.
    pub(crate) unsafe fn from_abi(c: &RacineCell) -> Cell<'_> {
        Cell {
            kind: c.kind,
            // SAFETY: as promised.
            text: unsafe { text(c.text, c.len) },
        }
    }
}
