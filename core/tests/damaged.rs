//! A hostile environment: a corrupted page, a garbage header, a truncated
//! file, a disk that fills up mid-write, a file from a newer Racine. Each
//! gives a typed error (`storage` or `schema_too_new`) with a message that
//! says what happened, never a panic; Racine leaves the damaged file as it
//! found it, and nothing committed before is lost. (Read-only files and
//! directories are in `files.rs`.)

use std::path::Path;
use std::process::Command;

use racine::*;

/// A file with a few items, movements and an order, closed cleanly (the
/// log checkpointed into the file). Returns its bytes.
fn shop(path: &Path) -> Vec<u8> {
    {
        let db = Database::open(path).unwrap();
        for i in 0..30 {
            let item = db
                .create_item(&NewItem::new(format!("SKU-{i}"), "Damaged"))
                .unwrap()
                .id;
            let receipts: Vec<Movement> = (0..40)
                .map(|k| Movement::receipt(item, Decimal::from(1 + k), Decimal::from(2)))
                .collect();
            db.post_batch(&receipts).unwrap();
        }
    }
    std::fs::read(path).unwrap()
}

fn reason(e: Error) -> String {
    match e {
        Error::Storage { reason, .. } => reason,
        other => panic!("expected a storage error, got {other:?}"),
    }
}

/// Every read a shop does first, and verify: the first error met.
fn first_error(path: &Path) -> Option<Error> {
    let db = match Database::open(path) {
        Ok(db) => db,
        Err(e) => return Some(e),
    };
    let reads: [&dyn Fn() -> Result<()>; 4] = [
        &|| db.stock("SKU-3", None).map(drop),
        &|| db.items(&Default::default()).map(drop),
        &|| db.movements(&Default::default()).map(drop),
        &|| db.verify().map(drop),
    ];
    reads.iter().find_map(|read| read().err())
}

#[test]
fn a_corrupted_page_is_a_storage_error_and_the_file_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut bytes = shop(&path);
    // Garbage over every page past the schema's: the ledger's pages.
    let page = 4096;
    for (n, b) in bytes.iter_mut().enumerate().skip(40 * page) {
        *b = (n * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = first_error(&path).expect("a damaged ledger cannot read clean");
    let why = reason(err);
    assert!(why.contains("damaged"), "{why}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
}

#[test]
fn a_garbage_header_is_refused_at_open_and_the_file_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut bytes = shop(&path);
    bytes[..100].copy_from_slice(&[0x5a; 100]);
    std::fs::write(&path, &bytes).unwrap();
    let why = reason(Database::open(&path).map(drop).unwrap_err());
    assert!(why.contains("not a Racine or SQLite database"), "{why}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
}

#[test]
fn a_truncated_file_is_a_storage_error_and_the_file_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let bytes = shop(&path);
    let half = &bytes[..bytes.len() / 2];
    std::fs::write(&path, half).unwrap();
    let err = first_error(&path).expect("half a ledger cannot read clean");
    let why = reason(err);
    assert!(why.contains("damaged"), "{why}");
    assert_eq!(std::fs::read(&path).unwrap(), half, "left as it was");
}

#[test]
fn a_newer_schema_is_refused_and_the_file_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    shop(&path);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(raw);
    let bytes = std::fs::read(&path).unwrap();
    let err = Database::open(&path).map(drop).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SchemaTooNew);
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
}

/// A full disk, through a file-size limit (`prlimit --fsize`, with SIGXFSZ
/// ignored so that the write fails instead of killing the process): a
/// writer posts until the log cannot grow. The write that hits the limit is
/// a typed `storage` error naming a full disk or a file-size limit; after that, with room
/// again, every acknowledged movement is there and the ledger verifies.
#[test]
fn a_full_disk_refuses_the_write_that_does_not_fit_and_keeps_every_committed_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let size = shop(&path).len() as u64;
    let before: i64 = count_movements(&path);
    let limit = size + 256 * 1024;
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; exec prlimit --fsize=\"$1\" -- \"$2\" child_filler --exact --ignored --nocapture --test-threads=1")
        .arg("sh")
        .arg(limit.to_string())
        .arg(std::env::current_exe().unwrap())
        .env("RACINE_CHILD_DB", &path)
        .output()
        .expect("sh and prlimit (util-linux)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result = stdout
        .lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r.to_string()))
        .expect("the filler's result line");
    let (acked, why) = result.split_once(' ').unwrap();
    let acked: i64 = acked.parse().unwrap();
    assert!(acked > 0, "some writes fit before the limit");
    assert!(why.contains("full disk"), "{why}");
    let db = Database::open(&path).unwrap();
    let report = db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
    drop(db);
    assert_eq!(
        count_movements(&path),
        before + acked,
        "every acknowledged movement, and nothing of the refused one"
    );
}

fn count_movements(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM movements", [], |r| r.get(0))
        .unwrap()
}

#[test]
#[ignore = "helper run by a_full_disk_refuses_the_write_that_does_not_fit_and_keeps_every_committed_one"]
fn child_filler() {
    let Ok(path) = std::env::var("RACINE_CHILD_DB") else {
        return;
    };
    let db = Database::open(Path::new(&path)).unwrap();
    let item = db.item_by_sku("SKU-1").unwrap().id;
    let mut acked = 0;
    let note = "x".repeat(1_000); // a few pages a commit: the limit comes soon
    loop {
        let m = Movement::receipt(item, Decimal::ONE, Decimal::from(2)).note(note.clone());
        match db.post(&m) {
            Ok(_) => acked += 1,
            Err(e @ Error::Storage { .. }) => {
                println!("RESULT {acked} {e}");
                // Still refused, still typed, nothing half-kept.
                assert_eq!(db.post(&m).unwrap_err().code(), ErrorCode::Storage);
                return;
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
        assert!(acked < 100_000, "the file-size limit never hit");
    }
}
