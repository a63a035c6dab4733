//! Keeping the write-ahead log bounded, and waiting for the write lock
//! without starving.
//!
//! SQLite appends every commit to `<db>-wal` and copies the log back into
//! the database (a checkpoint) once it passes 1,000 pages. A checkpoint
//! cannot go past the oldest snapshot a reader still uses, so behind a long
//! read transaction (an export, a `verify`, another process's report) the
//! log grows with every write. SQLite starts the log over once nobody needs
//! it, but never makes the file smaller. So Racine:
//!
//! - sets `journal_size_limit`, so that a log SQLite starts over is cut back
//!   to [`OpenOptions::wal_limit_kib`](crate::OpenOptions::wal_limit_kib);
//! - after a commit that leaves the log above that size, at the end of its
//!   own snapshot reads and when it opens a file, tries a truncating
//!   checkpoint *without waiting*: it succeeds as soon as no reader needs
//!   the old frames; otherwise it does what a normal checkpoint would and
//!   is tried again at the next commit.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::wal::CheckpointMode;
use rusqlite::Connection;

/// SQLite's own threshold for a (passive) checkpoint after a commit.
const CHECKPOINT_PAGES: i32 = 1000;

/// The log-size bookkeeping of one connection.
pub(super) struct WalLimit {
    /// The file's `-wal` path (`None` in memory: no log).
    wal_path: Option<PathBuf>,
    limit_bytes: u64,
    limit_pages: i32,
    /// Pages in the log after this connection's last commit (the WAL hook).
    pages: Arc<AtomicI32>,
    /// Set while a checkpoint must not wait for anybody (see [`busy_wait`]).
    no_wait: Arc<AtomicBool>,
}

impl WalLimit {
    /// Sets the connection up: busy handler, size limit, and the hook that
    /// replaces SQLite's automatic checkpoint.
    pub(super) fn install(
        conn: &mut Connection,
        path: Option<&Path>,
        limit_kib: u32,
        busy_timeout: Duration,
    ) -> rusqlite::Result<WalLimit> {
        let no_wait = Arc::new(AtomicBool::new(false));
        conn.busy_handler(Some(busy_wait(busy_timeout, no_wait.clone())))?;
        let limit_bytes = u64::from(limit_kib) * 1024;
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        let limit_pages = i32::try_from(limit_bytes / page_size.max(512) as u64)
            .unwrap_or(i32::MAX)
            .max(1);
        let pages = Arc::new(AtomicI32::new(0));
        let wal_path = path.map(|p| super::files::beside(p, "-wal"));
        if wal_path.is_some() {
            conn.pragma_update(None, "journal_size_limit", limit_bytes as i64)?;
            let seen = pages.clone();
            conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, n: i32| {
                seen.store(n, Ordering::Relaxed);
                // Above the limit the commit path tries a truncating
                // checkpoint instead, which includes this one.
                if (CHECKPOINT_PAGES..=limit_pages).contains(&n) {
                    // A passive checkpoint that cannot finish is not an error.
                    let _ = wal.checkpoint();
                }
                Ok(())
            }))?;
        }
        Ok(WalLimit {
            wal_path,
            limit_bytes,
            limit_pages,
            pages,
            no_wait,
        })
    }

    /// After a commit: shrink the log if this commit left it too large.
    pub(super) fn after_commit(&self, conn: &Connection) {
        if self.pages.load(Ordering::Relaxed) > self.limit_pages {
            self.truncate(conn);
        }
    }

    /// After a read snapshot or at open: shrink the log if it is too large
    /// (one `stat`, no lock).
    pub(super) fn after_read(&self, conn: &Connection) {
        let Some(wal) = &self.wal_path else { return };
        if std::fs::metadata(wal).is_ok_and(|m| m.len() > self.limit_bytes) {
            self.truncate(conn);
        }
    }

    fn truncate(&self, conn: &Connection) {
        self.no_wait.store(true, Ordering::Relaxed);
        // Busy (a reader still needs old frames) is the expected refusal:
        // the next commit tries again.
        if conn
            .wal_checkpoint_v2(Some(rusqlite::MAIN_DB), CheckpointMode::TRUNCATE)
            .is_ok()
        {
            self.pages.store(0, Ordering::Relaxed);
        }
        self.no_wait.store(false, Ordering::Relaxed);
    }
}

/// The busy handler: waits up to `timeout` for a lock, polling often.
///
/// SQLite's own handler sleeps 1, 2, 5 … up to 100 ms between tries. Behind
/// writers that commit every few hundred microseconds, a waiter that wakes
/// every 100 ms nearly always finds the lock taken again, and can starve
/// past its timeout (seen here: `Busy` after 10 s beside two busy writers).
/// Short, jittered sleeps give every waiter its turn.
fn busy_wait(timeout: Duration, no_wait: Arc<AtomicBool>) -> impl FnMut(i32) -> bool + Send {
    let mut since = Instant::now();
    let mut jitter = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(std::process::id());
    move |tries| {
        if no_wait.load(Ordering::Relaxed) {
            return false;
        }
        if tries == 0 {
            since = Instant::now();
        }
        if since.elapsed() >= timeout {
            return false;
        }
        jitter ^= jitter << 13;
        jitter ^= jitter >> 7;
        jitter ^= jitter << 17;
        // 50 µs doubling to 800 µs, each sleep drawn in [½, 1½] of its step.
        let step = 50u64 << tries.clamp(0, 4);
        let micros = step / 2 + jitter % step.max(1);
        std::thread::sleep(Duration::from_micros(micros));
        true
    }
}
