//! # racine-ffi: the C ABI of Racine
//!
//! A thin layer over the `racine` crate, built as `libracine_ffi.so` and
//! `libracine_ffi.a`, described by the generated headers in `include/`
//! (`racine.h` for C, `racine_php.h` for PHP's FFI).
//!
//! Conventions (after rustls-ffi): one `racine_` prefix; opaque handles
//! created by `racine_*_open` and released by `racine_*_free`; every
//! fallible function returns a [`RacineStatus`] and writes its
//! out-parameters only on success; the last error of each thread is readable
//! as text and as JSON; text goes in as pointer + length and comes out as
//! `char *` released by `racine_string_free`; no panic crosses the boundary.

#![deny(unsafe_op_in_unsafe_fn)]

mod boundary;
mod db;
mod error;
mod export;
mod status;
mod typed;

use std::ffi::c_char;

pub use db::{
    racine_call, racine_db_close, racine_db_free, racine_db_open, racine_string_free, RacineDb,
};
pub use error::{
    racine_last_error_batch_index, racine_last_error_details, racine_last_error_message,
};
pub use export::{racine_export, RacineProgress, RacineProgressFn, RacineWriteFn};
pub use status::{racine_status_name, RacineStatus};
pub use typed::{
    racine_decimal_format, racine_decimal_parse, racine_post, racine_post_batch, racine_stock,
    RacineMovement, RacineMovementKind, RacinePostResult, RacineReason, RacineStock,
};

/// Version of this C ABI. It changes only when an existing function,
/// struct or status changes meaning; additions keep it. 2: a malformed
/// JSON request is `RACINE_STATUS_INVALID_INPUT` (102 retired), items may
/// be named by SKU in JSON requests. Status 11 (`plugin`), retired until
/// plugins existed, is back with the meaning it always had.
pub const ABI_VERSION: u32 = 2;

/// The library version (`"0.1.0"`): a static NUL-terminated string, never
/// NULL, never to be freed. Thread-safe.
#[no_mangle]
pub extern "C" fn racine_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The C ABI version (see the top of this header). Compare it with the one
/// your code was written for before anything else. Thread-safe.
#[no_mangle]
pub extern "C" fn racine_abi_version() -> u32 {
    ABI_VERSION
}

#[cfg(test)]
mod tests {
    mod corpus;
}
