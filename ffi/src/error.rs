//! The last error of each thread, and the one type every export fails with.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use crate::status::RacineStatus;

/// Why an exported call failed.
pub(crate) enum Failure {
    Core(racine_core::Error),
    Null(&'static str),
    Utf8(&'static str),
    Closed,
    Panic(String),
}

impl From<racine_core::Error> for Failure {
    fn from(e: racine_core::Error) -> Failure {
        Failure::Core(e)
    }
}

struct LastError {
    message: CString,
    details: CString,
    batch_index: i64,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        details: CString::new("{}").expect("no NUL"),
        batch_index: -1,
    });
}

fn c_string(s: String) -> CString {
    // Messages quote caller input, which may contain NUL bytes.
    CString::new(s.replace('\0', "\\0")).expect("NUL bytes were replaced")
}

impl Failure {
    /// Stores the message and details for this thread; returns the status.
    pub(crate) fn record(self) -> RacineStatus {
        let (status, message, mut details, index) = match self {
            Failure::Core(e) => {
                let index = match &e {
                    racine_core::Error::InBatch { index, .. } => *index as i64,
                    _ => -1,
                };
                (
                    RacineStatus::from(e.code()),
                    e.to_string(),
                    e.details(),
                    index,
                )
            }
            Failure::Null(arg) => (
                RacineStatus::NullArgument,
                format!("argument {arg} is NULL"),
                serde_json::json!({ "argument": arg }),
                -1,
            ),
            Failure::Utf8(arg) => (
                RacineStatus::InvalidUtf8,
                format!("argument {arg} is not valid UTF-8"),
                serde_json::json!({ "argument": arg }),
                -1,
            ),
            Failure::Closed => (
                RacineStatus::Closed,
                "the database handle was closed".to_string(),
                serde_json::json!({}),
                -1,
            ),
            Failure::Panic(why) => (
                RacineStatus::Panic,
                format!("internal error (panic), nothing was written: {why}"),
                serde_json::json!({}),
                -1,
            ),
        };
        if let Some(obj) = details.as_object_mut() {
            obj.insert("code".into(), status.name().into());
            obj.insert("status".into(), (status as u32).into());
            obj.insert("message".into(), message.clone().into());
        }
        LAST.with(|last| {
            *last.borrow_mut() = LastError {
                message: c_string(message),
                details: c_string(details.to_string()),
                batch_index: index,
            }
        });
        status
    }
}

/// The message of the last error on this thread, as NUL-terminated UTF-8
/// (empty before any error).
///
/// The pointer is owned by Racine and stays valid until the next call that
/// fails on this thread; copy it if you need it longer. Never NULL. Do not
/// free it. Each thread sees its own last error.
#[no_mangle]
pub extern "C" fn racine_last_error_message() -> *const c_char {
    LAST.with(|last| last.borrow().message.as_ptr())
}

/// The last error on this thread as a JSON object: always `code` (the
/// status name), `status` (its number) and `message`, plus the error's own
/// fields (`item`, `sku`, `warehouse`, `available`, `requested` for stock
/// refusals; `field` for invalid input; `index` for a batch entry…).
///
/// Same lifetime and ownership as `racine_last_error_message`.
#[no_mangle]
pub extern "C" fn racine_last_error_details() -> *const c_char {
    LAST.with(|last| last.borrow().details.as_ptr())
}

/// Zero-based index of the failing entry when the last error on this thread
/// came from a batch; -1 otherwise.
#[no_mangle]
pub extern "C" fn racine_last_error_batch_index() -> i64 {
    LAST.with(|last| last.borrow().batch_index)
}
