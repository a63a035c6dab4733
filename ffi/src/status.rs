//! Status codes: one per core error kind (same numbers as
//! `racine_core::ErrorCode`, declared in core; a test fails when one is
//! missing here), plus the failures only the C boundary can see. Retired
//! numbers stay retired.

use std::ffi::c_char;

use racine_core::ErrorCode;

/// What a fallible function returned. `RACINE_STATUS_OK` is 0; every other
/// value is an error whose message `racine_last_error_message()` gives.
/// The numbers are stable across versions.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RacineStatus {
    /// Success: out-parameters were written.
    Ok = 0,
    /// An id, SKU or code names nothing.
    NotFound = 1,
    /// A field is missing, malformed or out of range.
    InvalidInput = 2,
    /// Refused: available stock would go below zero.
    NegativeStock = 3,
    /// Not enough unreserved stock.
    InsufficientAvailable = 4,
    /// An idempotency key was reused for a different request.
    IdempotencyConflict = 5,
    /// Impossible from the current state.
    InvalidTransition = 6,
    /// A unique value is already taken.
    AlreadyExists = 7,
    /// Other writers held the database past the busy timeout.
    Busy = 8,
    /// SQLite or the file system failed.
    Storage = 9,
    /// The file was written by a newer Racine.
    SchemaTooNew = 10,
    /// A plugin vetoed the write, failed or could not be loaded; nothing was written.
    Plugin = 11,
    /// The progress callback stopped a long operation; it left nothing behind.
    Cancelled = 12,
    /// Rows of a file to import are wrong; nothing was written (every
    /// problem is in the error's details).
    ImportRefused = 13,
    /// A required pointer argument was NULL.
    NullArgument = 100,
    /// A text argument was not valid UTF-8.
    InvalidUtf8 = 101,
    // 102: retired (`invalid_json`): a malformed request is
    // RACINE_STATUS_INVALID_INPUT, as in every binding.
    /// Racine panicked; the call did nothing (its transaction rolled back).
    Panic = 103,
    /// The handle was closed with `racine_db_close`.
    Closed = 104,
}

impl From<ErrorCode> for RacineStatus {
    fn from(code: ErrorCode) -> RacineStatus {
        // Same numbers by construction (checked by the tests below); a code
        // this build does not know yet reads as a storage failure.
        ALL.iter()
            .copied()
            .find(|s| *s as u32 == code.number())
            .unwrap_or(RacineStatus::Storage)
    }
}

impl RacineStatus {
    /// Stable snake_case name (`"negative_stock"`), as in every binding.
    pub fn name(self) -> &'static str {
        self.name_nul().trim_end_matches('\0')
    }

    fn name_nul(self) -> &'static str {
        match self {
            RacineStatus::Ok => "ok\0",
            RacineStatus::NotFound => "not_found\0",
            RacineStatus::InvalidInput => "invalid_input\0",
            RacineStatus::NegativeStock => "negative_stock\0",
            RacineStatus::InsufficientAvailable => "insufficient_available\0",
            RacineStatus::IdempotencyConflict => "idempotency_conflict\0",
            RacineStatus::InvalidTransition => "invalid_transition\0",
            RacineStatus::AlreadyExists => "already_exists\0",
            RacineStatus::Busy => "busy\0",
            RacineStatus::Storage => "storage\0",
            RacineStatus::SchemaTooNew => "schema_too_new\0",
            RacineStatus::Plugin => "plugin\0",
            RacineStatus::Cancelled => "cancelled\0",
            RacineStatus::ImportRefused => "import_refused\0",
            RacineStatus::NullArgument => "null_argument\0",
            RacineStatus::InvalidUtf8 => "invalid_utf8\0",
            RacineStatus::Panic => "panic\0",
            RacineStatus::Closed => "closed\0",
        }
    }
}

/// The stable snake_case name of a status (`"negative_stock"`), or
/// `"unknown"` for a number that is not a status.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn racine_status_name(status: u32) -> *const c_char {
    let name = ALL
        .iter()
        .find(|s| **s as u32 == status)
        .map_or("unknown\0", |s| s.name_nul());
    name.as_ptr().cast()
}

const ALL: [RacineStatus; 18] = [
    RacineStatus::Ok,
    RacineStatus::NotFound,
    RacineStatus::InvalidInput,
    RacineStatus::NegativeStock,
    RacineStatus::InsufficientAvailable,
    RacineStatus::IdempotencyConflict,
    RacineStatus::InvalidTransition,
    RacineStatus::AlreadyExists,
    RacineStatus::Busy,
    RacineStatus::Storage,
    RacineStatus::SchemaTooNew,
    RacineStatus::Plugin,
    RacineStatus::Cancelled,
    RacineStatus::ImportRefused,
    RacineStatus::NullArgument,
    RacineStatus::InvalidUtf8,
    RacineStatus::Panic,
    RacineStatus::Closed,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error code of core's catalogue has its status, same number,
    /// same name: this fails when core gains a kind the C ABI lacks.
    #[test]
    fn every_core_code_has_its_status() {
        for code in ErrorCode::ALL {
            let status = ALL
                .iter()
                .find(|s| **s as u32 == code.number())
                .unwrap_or_else(|| panic!("no RacineStatus for {}", code.name()));
            assert_eq!(status.name(), code.name());
            assert_eq!(RacineStatus::from(*code), *status);
        }
        let boundary_only = ALL.len() - ErrorCode::ALL.len() - 1;
        assert_eq!(
            boundary_only, 4,
            "null_argument, invalid_utf8, panic, closed"
        );
    }
}
