//! The storage layer's conformance suite: the behaviour of the ledger,
//! orders and purchases, written once against [`Database`] and run against
//! every engine.
//!
//! A test crate runs the whole suite against an engine by declaring
//! `mod conformance;`, an [`Engine`] for it, and naming it `Under`:
//!
//! ```ignore
//! mod conformance;
//! struct Sqlite;
//! impl conformance::Engine for Sqlite { /* open, shared */ }
//! type Under = Sqlite;
//! ```
//!
//! (after matrix-rust-sdk's `store/integration_tests.rs`: one suite, every
//! store). A second engine is proven by one such file.

use racine::Database;

mod bad_input;
mod crm;
mod crm_model;
mod exports;
mod imports;
mod kpis;
mod ledger;
mod ledger_model;
mod order_model;
mod orders;
mod outbox;
mod purchases;

/// How the suite gets databases from an engine.
pub trait Engine {
    /// A new, empty database of its own.
    fn open() -> Database;
    /// A new, empty database whose business time zone is `zone`.
    fn open_in(zone: &str) -> Database;
    /// A new, empty database that several handles (connections) share.
    fn shared() -> Shared;
    /// How many random cases a model test runs, of its `default` (a server
    /// engine pays a round trip per statement: it may run fewer).
    fn cases(default: u32) -> u32 {
        default
    }
}

/// A database several handles open at once; it lives as long as this.
pub struct Shared {
    /// Whatever keeps the database alive (a temporary directory…),
    /// held only to be dropped last.
    #[allow(dead_code)]
    pub keep: Box<dyn std::any::Any>,
    /// Opens one more handle to it.
    pub connect: Box<dyn Fn() -> Database + Send + Sync>,
}

impl Shared {
    /// One more handle to the shared database.
    pub fn connect(&self) -> Database {
        (self.connect)()
    }
}

/// A new database of the engine under test.
pub fn open() -> Database {
    <crate::Under as Engine>::open()
}

/// A new database of the engine under test in time zone `zone`.
pub fn open_in(zone: &str) -> Database {
    <crate::Under as Engine>::open_in(zone)
}

/// How many random cases a model test runs on the engine under test.
pub fn cases(default: u32) -> u32 {
    <crate::Under as Engine>::cases(default)
}

/// A new shared database of the engine under test.
pub fn shared() -> Shared {
    <crate::Under as Engine>::shared()
}
