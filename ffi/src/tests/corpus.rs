//! Replays the fuzzer's seed corpus (`fuzz/corpus/json_call`) through the
//! JSON entry point, in order, on one database: every input gives a status,
//! never a panic, and every success is valid JSON.

use std::ffi::{c_char, CStr};
use std::path::Path;

use crate::{racine_call, racine_db_free, racine_db_open, racine_string_free, RacineStatus};

#[test]
fn seed_corpus_replays_without_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/json_call");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "seed corpus is missing");

    let mut db = std::ptr::null_mut();
    let path = ":memory:";
    // SAFETY: valid pointer + length and out-pointer.
    let st = unsafe {
        racine_db_open(
            path.as_ptr().cast(),
            path.len(),
            std::ptr::null(),
            0,
            &mut db,
        )
    };
    assert_eq!(st, RacineStatus::Ok);
    let mut statuses = Vec::new();
    for file in &files {
        let input = std::fs::read(file).unwrap();
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: `input` is readable for its length; `out` is valid.
        let st = unsafe { racine_call(db, input.as_ptr().cast(), input.len(), &mut out) };
        assert_ne!(st, RacineStatus::Panic, "{}", file.display());
        if st == RacineStatus::Ok {
            // SAFETY: on success `out` is a NUL-terminated string from Racine.
            let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
            // SAFETY: released once.
            unsafe { racine_string_free(out) };
        } else {
            assert!(out.is_null(), "out written on failure: {}", file.display());
        }
        statuses.push(st);
    }
    // The corpus exercises successes and each kind of refusal.
    for want in [
        RacineStatus::Ok,
        RacineStatus::InvalidInput,
        RacineStatus::NegativeStock,
        RacineStatus::NotFound,
    ] {
        assert!(
            statuses.contains(&want),
            "no seed gives {want:?}: {statuses:?}"
        );
    }
    // SAFETY: opened above, freed once.
    unsafe { racine_db_free(db) };
}
