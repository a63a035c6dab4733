//! What the file system must allow, and the errors that say what to fix:
//! a read-only database file, a read-only directory, a `-shm` file another
//! user left, an empty path; and the write-ahead log kept bounded.
//!
//! File permissions do not apply to root, and CI runs as root: there the
//! permission scenarios re-run this test binary as the unprivileged user
//! `nobody` (`setpriv`), from a copy in a directory that user can read.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use racine::*;

fn mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn beside(db: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", db.display()))
}

fn storage_reason(result: Result<Database>) -> String {
    match result {
        Err(Error::Storage { reason, .. }) => reason,
        other => panic!("expected a storage error, got {other:?}"),
    }
}

fn is_root() -> bool {
    // Root may write any file: only then is `/proc/self` owned by uid 0.
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// Runs the `#[ignore]`d scenario `name` in a child process as a user that
/// file permissions apply to, in a fresh directory it owns.
fn as_unprivileged(name: &str) {
    let dir = tempfile::tempdir().unwrap();
    mode(dir.path(), 0o777);
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    mode(&work, 0o777);
    let mut command = if is_root() {
        let exe = dir.path().join("files-test");
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        mode(&exe, 0o755);
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(exe);
        c
    } else {
        Command::new(std::env::current_exe().unwrap())
    };
    let out = command
        .args([
            name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RACINE_FILES_DIR", &work)
        .env("HOME", &work)
        .output()
        .expect("setpriv (util-linux) runs the scenario as nobody");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The scenario's directory, or `None` when run directly by the harness.
fn scenario_dir() -> Option<PathBuf> {
    std::env::var_os("RACINE_FILES_DIR").map(PathBuf::from)
}

#[test]
fn a_read_only_database_file_is_refused_and_leaves_nothing_behind() {
    as_unprivileged("scenario_read_only_file");
}

#[test]
#[ignore = "run by a_read_only_database_file_is_refused_and_leaves_nothing_behind"]
fn scenario_read_only_file() {
    let Some(dir) = scenario_dir() else { return };
    let db = dir.join("shop.db");
    drop(Database::open(&db).unwrap());
    mode(&db, 0o444);
    let reason = storage_reason(Database::open(&db));
    assert!(
        reason.contains(&format!("the database file {} is read-only", db.display())),
        "{reason}"
    );
    assert!(reason.contains("write permission"), "{reason}");
    // No -shm was created with the read-only file's permissions…
    assert!(!beside(&db, "-shm").exists());
    assert!(!beside(&db, "-wal").exists());
    // …so once the file is writable again, it opens and writes.
    mode(&db, 0o644);
    let db = Database::open(&db).unwrap();
    db.create_item(&NewItem::new("AFTER", "After")).unwrap();
}

#[test]
fn a_read_only_directory_is_named_with_the_files_sqlite_must_create() {
    as_unprivileged("scenario_read_only_directory");
}

#[test]
#[ignore = "run by a_read_only_directory_is_named_with_the_files_sqlite_must_create"]
fn scenario_read_only_directory() {
    let Some(dir) = scenario_dir() else { return };
    let shop = dir.join("shop");
    std::fs::create_dir(&shop).unwrap();
    let db = shop.join("shop.db");
    drop(Database::open(&db).unwrap());
    mode(&shop, 0o555);
    let reason = storage_reason(Database::open(&db));
    assert!(
        reason.contains(&format!(
            "the directory {} is not writable by this process",
            shop.display()
        )),
        "{reason}"
    );
    assert!(reason.contains("shop.db-wal and"), "{reason}");
    assert!(reason.contains("shop.db-shm"), "{reason}");
    // A new database in that directory: the same advice.
    let reason = storage_reason(Database::open(shop.join("new.db")));
    assert!(
        reason.contains("is not writable by this process"),
        "{reason}"
    );
    assert!(reason.contains("new.db"), "{reason}");
    mode(&shop, 0o755);
}

#[test]
fn a_shared_memory_file_left_by_another_user_is_named() {
    as_unprivileged("scenario_foreign_shm");
}

#[test]
#[ignore = "run by a_shared_memory_file_left_by_another_user_is_named"]
fn scenario_foreign_shm() {
    let Some(dir) = scenario_dir() else { return };
    let db = dir.join("shop.db");
    drop(Database::open(&db).unwrap());
    // What a read-only open under another account leaves: a -shm this
    // process cannot write.
    let shm = beside(&db, "-shm");
    std::fs::write(&shm, b"").unwrap();
    mode(&shm, 0o444);
    // SQLite itself would open it and fail at the first write.
    let reason = storage_reason(Database::open(&db));
    assert!(
        reason.contains(&format!(
            "the shared-memory index {} is not writable",
            shm.display()
        )),
        "{reason}"
    );
    assert!(reason.contains("may also be deleted"), "{reason}");
    std::fs::remove_file(&shm).unwrap();
    Database::open(&db).unwrap();
}

#[test]
fn a_missing_directory_and_an_empty_path_say_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("shop.db");
    let reason = storage_reason(Database::open(&missing));
    assert!(
        reason.contains(&format!(
            "the directory {} does not exist",
            dir.path().join("no-such-dir").display()
        )),
        "{reason}"
    );
    match Database::open("") {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, "path");
            assert!(message.contains(":memory:"), "{message}");
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
    let reason = storage_reason(Database::open(dir.path()));
    assert!(reason.contains("is a directory"), "{reason}");
}

/// `create_folders` makes the missing folders of a file path (what the
/// Laravel integration asks for its default under `storage/`), and leaves a
/// connection string alone; by default a missing folder is refused.
#[test]
fn missing_folders_are_created_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("racine").join("ledgers").join("stock.db");
    assert!(Database::open(&path).is_err());
    assert!(!path.parent().unwrap().exists());
    let asked = OpenOptions {
        create_folders: true,
        ..OpenOptions::default()
    };
    let db = Database::open_with(&path, &asked).unwrap();
    db.create_item(&NewItem::new("MUG", "Mug")).unwrap();
    drop(db);
    assert!(path.is_file());
    let folder = std::fs::metadata(path.parent().unwrap()).unwrap();
    assert!(folder.is_dir());
    assert_eq!(
        folder.permissions().mode() & 0o700,
        0o700,
        "the owner may write it"
    );
    assert_eq!(
        Database::open_with(&path, &asked)
            .unwrap()
            .items(&ItemFilter::default())
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(Database::open_with(":memory:", &asked).is_ok());
}

fn wal_size(db: &Path) -> u64 {
    std::fs::metadata(beside(db, "-wal"))
        .map(|m| m.len())
        .unwrap_or(0)
}

/// A database whose log grew behind a raw reader's open snapshot, that
/// reader ended: the log's size then, and what to write to.
struct Grown {
    _dir: tempfile::TempDir,
    path: PathBuf,
    options: OpenOptions,
    db: Database,
    item: i64,
    size: u64,
}

fn grown_behind_a_reader() -> Grown {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let options = OpenOptions {
        wal_limit_kib: 256,
        synchronous: Synchronous::Normal,
        ..Default::default()
    };
    let db = Database::open_with(&path, &options).unwrap();
    let item = db.create_item(&NewItem::new("W", "W")).unwrap().id;
    let reader = rusqlite::Connection::open(&path).unwrap();
    reader
        .execute_batch("BEGIN; SELECT COUNT(*) FROM movements;")
        .unwrap();
    grow(&db, item);
    let size = wal_size(&path);
    assert!(
        size > 1024 * 1024,
        "the log holds the reader's snapshot: {size}"
    );
    reader.execute_batch("COMMIT").unwrap();
    Grown {
        _dir: dir,
        path,
        options,
        db,
        item,
        size,
    }
}

/// Behind a long reader the log must grow (the reader's snapshot lives in
/// it); once the reader is gone, the next commit cuts it back.
#[test]
fn the_write_ahead_log_shrinks_after_a_long_reader_at_the_next_commit() {
    let g = grown_behind_a_reader();
    g.db.post(&Movement::receipt(g.item, Decimal::ONE, Decimal::ONE))
        .unwrap();
    let after = wal_size(&g.path);
    assert!(after <= 256 * 1024, "shrunk from {} to {after}", g.size);
    assert!(g.db.verify().unwrap().is_clean());
}

/// With no write after the reader, the next open cuts the log back.
#[test]
fn the_write_ahead_log_shrinks_at_the_next_open() {
    let g = grown_behind_a_reader();
    let other = Database::open_with(&g.path, &g.options).unwrap();
    let after = wal_size(&g.path);
    assert!(after <= 256 * 1024, "shrunk from {} to {after}", g.size);
    assert_eq!(
        other.stock(g.item, None).unwrap().on_hand,
        Decimal::from(400)
    );
}

/// 400 commits of one movement each: a few MB of log.
fn grow(db: &Database, item: i64) {
    for _ in 0..400 {
        db.post(&Movement::receipt(item, Decimal::ONE, Decimal::ONE).note("x".repeat(1000)))
            .unwrap();
    }
}
