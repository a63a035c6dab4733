//! A connection with the statements of the hot paths prepared once, for
//! the life of the connection.
//!
//! rusqlite's statement cache finds a statement by its SQL text: every use
//! hashes and compares the whole text, twice (taken out, put back), which
//! costs more than a point read itself. A hot statement here has a slot
//! of its own, found by its index: [`hot!`] gives each call site one.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{Connection, Statement};

use super::SqlResult;

/// Slots a connection keeps; hot statements past this many use rusqlite's
/// cache (correct, only slower).
const SLOTS: usize = 48;

/// The slot of one hot statement, numbered on first use.
pub(crate) struct Slot(AtomicUsize);

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

impl Slot {
    pub(crate) const fn new() -> Slot {
        Slot(AtomicUsize::new(usize::MAX))
    }

    fn index(&self) -> usize {
        match self.0.load(Ordering::Relaxed) {
            usize::MAX => {
                let n = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
                // Two threads may race to number one slot: the first wins,
                // the other's number stays unused.
                match self
                    .0
                    .compare_exchange(usize::MAX, n, Ordering::Relaxed, Ordering::Relaxed)
                {
                    Ok(_) => n,
                    Err(first) => first,
                }
            }
            n => n,
        }
    }
}

/// A hot statement: its slot and its SQL, at the call site.
macro_rules! hot {
    ($sql:expr) => {{
        static SLOT: $crate::store::sqlite::session::Slot =
            $crate::store::sqlite::session::Slot::new();
        (&SLOT, $sql)
    }};
}
pub(crate) use hot;

/// The prepared statements of one connection.
pub(crate) struct Prepared<'c> {
    conn: &'c Connection,
    slots: [RefCell<Option<Statement<'c>>>; SLOTS],
}

self_cell::self_cell!(
    /// One connection and its prepared statements, which borrow it.
    pub(crate) struct Session {
        owner: Connection,
        #[not_covariant]
        dependent: Prepared,
    }
);

// SAFETY: a `Statement` is not `Send` only because it borrows its
// `Connection`, which must not be used from two threads at once. Here the
// statements and their connection move together, as one value behind the
// store's mutex: whichever thread holds the lock uses both, no other.
unsafe impl Send for Session {}

impl Session {
    pub(crate) fn open(conn: Connection) -> Session {
        Session::new(conn, |conn| Prepared {
            conn,
            slots: std::array::from_fn(|_| RefCell::new(None)),
        })
    }

    pub(crate) fn conn(&self) -> &Connection {
        self.borrow_owner()
    }

    /// Runs `f` on the statement `hot` names, prepared on its first use.
    pub(crate) fn with<R>(
        &self,
        (slot, sql): (&'static Slot, &'static str),
        f: impl FnOnce(&mut Statement<'_>) -> SqlResult<R>,
    ) -> SqlResult<R> {
        self.with_dependent(|_, prepared| {
            let cell = prepared.slots.get(slot.index());
            // A slot in use (a statement run from inside its own row
            // callback) or past the last one: rusqlite's cache serves.
            match cell.and_then(|c| c.try_borrow_mut().ok()) {
                Some(mut held) => {
                    if held.is_none() {
                        *held = Some(prepared.conn.prepare(sql)?);
                    }
                    f(held.as_mut().expect("prepared just now"))
                }
                None => {
                    let mut stmt = prepared.conn.prepare_cached(sql)?;
                    f(&mut stmt)
                }
            }
        })
    }
}
