//! The one door every export goes through: panics are caught, failures are
//! recorded for `racine_last_error_*`, and a status comes back.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Failure;
use crate::status::RacineStatus;

/// Runs `body`; turns its failure or panic into a status. A panic unwinding
/// out of an `extern "C"` function would abort the host process (a PHP-FPM
/// worker, a Python interpreter): it stops here instead.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> RacineStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => RacineStatus::Ok,
        Ok(Err(failure)) => failure.record(),
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Failure::Panic(why).record()
        }
    }
}

/// A required pointer argument.
pub(crate) fn non_null<T>(ptr: *const T, name: &'static str) -> Result<*const T, Failure> {
    if ptr.is_null() {
        Err(Failure::Null(name))
    } else {
        Ok(ptr)
    }
}

/// Text passed as `ptr` + `len` (not NUL-terminated, may contain NUL).
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid and
/// unchanged for the duration of the call.
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    name: &'static str,
) -> Result<&'a str, Failure> {
    // SAFETY: same contract as ours.
    unsafe { optional_text(ptr, len, name) }?.ok_or(Failure::Null(name))
}

/// Like [`text`], but NULL means "absent".
///
/// # Safety
/// As for [`text`].
pub(crate) unsafe fn optional_text<'a>(
    ptr: *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Failure::Null(name))
        };
    }
    // SAFETY: the caller promises `len` readable bytes at `ptr` (see above).
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Failure::Utf8(name))
}

/// Writes `value` through an out-parameter already checked non-NULL.
///
/// # Safety
/// `out` must be valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    // SAFETY: checked non-NULL by the caller; validity is the C caller's promise.
    unsafe { out.write(value) }
}
