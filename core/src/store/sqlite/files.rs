//! What a database file needs from the file system, and errors that say
//! what to fix when it is missing.
//!
//! A Racine database is three files: `shop.db`, and `shop.db-wal` and
//! `shop.db-shm` that SQLite creates beside it and removes when the last
//! connection closes. Every process that opens the database must be able to
//! write all three, and to create the last two in the directory. SQLite
//! reports a failure of any of these as "unable to open database file" or
//! "attempt to write a readonly database"; these messages name the file or
//! directory and the fix.
//!
//! Only the error path looks at the file system: opening a sound database
//! costs nothing extra.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The three files of the database at `db`.
struct Files<'p> {
    db: &'p Path,
    wal: PathBuf,
    shm: PathBuf,
    dir: PathBuf,
}

/// The file SQLite keeps beside `db` with this suffix (`-wal`, `-shm`).
pub(super) fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl<'p> Files<'p> {
    fn of(db: &'p Path) -> Files<'p> {
        let dir = match db.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Files {
            db,
            wal: beside(db, "-wal"),
            shm: beside(db, "-shm"),
            dir,
        }
    }
}

/// Refuses an empty path before SQLite turns it into a temporary database.
pub(super) fn check_path(path: &Path) -> Result<(), Error> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid(
            "path",
            "is empty: give the path of the database file, or \":memory:\" for a private in-memory database",
        ));
    }
    Ok(())
}

/// Creates the missing folders of the database file `path`
/// (`OpenOptions::create_folders`).
pub(super) fn create_folders(path: &Path) -> Result<(), Error> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o775);
    builder.create(parent).map_err(|e| Error::Storage {
        reason: format!(
            "cannot create the folder {} of the database file: {e}",
            parent.display()
        ),
        source: Some(Box::new(e)),
    })
}

/// The refusal of a database file this process may read but not write.
///
/// Checked before the first read, so that no `-shm` file is created with the
/// read-only file's permissions (SQLite copies them), which would then
/// block the writable opens that come after the permissions are fixed.
pub(super) fn read_only_file(db: &Path) -> Error {
    Error::Storage {
        reason: format!(
            "the database file {} is read-only for this process: give the user that runs it \
             write permission on the file (Racine writes it, and SQLite creates {}-wal and {}-shm beside it)",
            db.display(),
            db.display(),
            db.display()
        ),
        source: None,
    }
}

/// Refuses a `-wal` or `-shm` file this process cannot write (left by a
/// process of another user): SQLite would open the database and then refuse
/// its first write with "attempt to write a readonly database". Two `open`
/// calls on a sound database, none when the files are absent.
pub(super) fn check_companions(db: &Path) -> Result<(), Error> {
    let f = Files::of(db);
    for (file, what) in [(&f.wal, "write-ahead log"), (&f.shm, "shared-memory index")] {
        if file.exists() && !writable_file(file) {
            return Err(Error::Storage {
                reason: not_writable(file, what, file == &f.shm),
                source: None,
            });
        }
    }
    Ok(())
}

fn not_writable(file: &Path, what: &str, rebuilt: bool) -> String {
    format!(
        "the {what} {} is not writable by this process: every process that opens the \
         database must be able to write it (fix its owner or permissions{})",
        file.display(),
        if rebuilt {
            "; when no process has the database open it may also be deleted, SQLite rebuilds it"
        } else {
            ""
        }
    )
}

/// Explains a failure to open or first use the file at `db`, if the file
/// system is the cause; otherwise returns `e` unchanged.
pub(super) fn explain(db: &Path, e: Error) -> Error {
    let Error::Storage { reason, source } = e else {
        return e;
    };
    let Some(advice) = diagnose(&Files::of(db)) else {
        return Error::Storage { reason, source };
    };
    Error::Storage {
        reason: format!("{advice} (SQLite said: {reason})"),
        source,
    }
}

fn diagnose(f: &Files<'_>) -> Option<String> {
    if !f.dir.is_dir() {
        return Some(format!(
            "the directory {} does not exist: create it, or give the path of a database file in an existing directory",
            f.dir.display()
        ));
    }
    if f.db.is_dir() {
        return Some(format!(
            "{} is a directory: give the path of a database file",
            f.db.display()
        ));
    }
    for (file, what) in [
        (f.db, "database file"),
        (&f.wal, "write-ahead log"),
        (&f.shm, "shared-memory index"),
    ] {
        if file.exists() && !writable_file(file) {
            return Some(not_writable(file, what, *file == f.shm));
        }
    }
    let missing: Vec<String> = [f.db, &f.wal, &f.shm]
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() && !writable_dir(&f.dir) {
        return Some(format!(
            "the directory {} is not writable by this process, and SQLite must create {} in it: \
             make the directory writable by the user that runs this process, or put the database in one that is",
            f.dir.display(),
            missing.join(" and ")
        ));
    }
    None
}

/// Whether this process may write `file` (opened for writing, not changed).
fn writable_file(file: &Path) -> bool {
    fs::OpenOptions::new().write(true).open(file).is_ok()
}

/// Whether this process may create files in `dir`: std has no `access(2)`,
/// so a probe file is created and removed (on the error path only).
fn writable_dir(dir: &Path) -> bool {
    let probe = dir.join(format!(".racine-probe-{}", std::process::id()));
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            true
        }
        Err(e) => e.kind() == std::io::ErrorKind::AlreadyExists,
    }
}
