//! Fuzzes the JSON entry point (`racine::api::call`, what `racine_call`
//! runs behind its pointer checks) with arbitrary bytes: any input must come
//! back as a result or a typed error, never a panic, and requests that
//! succeed keep the database consistent.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use racine::{api, Database};

fn db() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::open_in_memory().expect("in-memory database"))
}

fuzz_target!(|data: &[u8]| {
    // The C boundary refuses invalid UTF-8 before this point.
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(value) = api::call(db(), text) {
        serde_json::to_string(&value).expect("results serialise");
    }
    // Whatever was accepted so far, the ledger and its balances agree.
    static CALLS: AtomicU64 = AtomicU64::new(0);
    if CALLS.fetch_add(1, Ordering::Relaxed) % 4096 == 0 {
        assert!(db().verify().expect("verify runs").is_clean());
    }
});
