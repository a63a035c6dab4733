//! # racine-plugin: write a Racine plugin in Rust
//!
//! A plugin is a shared library (`crate-type = ["cdylib"]`) exporting one C
//! entry point, `racine_plugin_init`, through the ABI of
//! `include/racine_plugin.h` (its Rust form is [`abi`]). This crate lets a
//! Rust plugin implement a trait instead: [`export_plugin!`] writes the
//! entry point and the callbacks, converts the strings and catches every
//! panic at the boundary (a panic becomes `RACINE_PLUGIN_PANIC`, and the
//! host marks the plugin unusable instead of aborting).
//!
//! ```
//! use racine_plugin::{export_plugin, Host, Plugin, Refusal};
//! use serde_json::Value;
//!
//! struct NoSundaySales;
//!
//! impl Plugin for NoSundaySales {
//!     const NAME: &'static str = "no-sunday-sales";
//!     const VERSION: &'static str = "1.0.0";
//!     const VALIDATES: bool = true;
//!     type Export = racine_plugin::NoExport;
//!
//!     fn init(_host: &Host, _config: &Value) -> Result<Self, String> {
//!         Ok(NoSundaySales)
//!     }
//!
//!     fn validate(&mut self, _host: &Host, event: &Value) -> Result<(), Refusal> {
//!         let sale = event["kind"] == "movement_recorded" && event["data"]["reason"] == "sale";
//!         if sale && event["data"]["note"] == "sunday" {
//!             return Err(Refusal::Veto("no sales on Sunday".into()));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! export_plugin!(NoSundaySales);
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod abi;
#[doc(hidden)]
pub mod glue;
mod host;

pub use host::{Cell, Column, Host, Level};

use serde_json::Value;

/// Why a validator did not let an event through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The shop's rule forbids it: the write is refused with this message.
    Veto(String),
    /// The plugin could not decide (it failed): the host marks it unusable.
    Failed(String),
}

/// A plugin, written in Rust. Every method has a default that does nothing;
/// set the capability constants for the ones implemented.
pub trait Plugin: Sized + Send + 'static {
    /// Its name (letters, digits, `_`, `-`, `.`).
    const NAME: &'static str;
    /// Its version.
    const VERSION: &'static str;
    /// Whether [`Plugin::validate`] is to be called in write transactions.
    const VALIDATES: bool = false;
    /// Whether [`Plugin::on_event`] is to receive committed events.
    const RECEIVES_EVENTS: bool = false;
    /// The export format [`Plugin::begin_export`] writes, if any.
    const EXPORT_FORMAT: Option<&'static str> = None;
    /// The exporter of one export ([`NoExport`] when there is none).
    type Export: Export;

    /// Builds the plugin from the configuration the application gave
    /// (`null` when none). An `Err` refuses the load with its message.
    fn init(host: &Host, config: &Value) -> Result<Self, String>;

    /// A pending event (`{"kind": …, "data": {…}}`) inside the write
    /// transaction: `Ok` lets it through.
    fn validate(&mut self, host: &Host, event: &Value) -> Result<(), Refusal> {
        let _ = (host, event);
        Ok(())
    }

    /// A committed event (`{"id": …, "kind": …, "recorded_at": …, "data":
    /// {…}}`), at least once and in order.
    fn on_event(&mut self, host: &Host, event: &Value) -> Result<(), String> {
        let _ = (host, event);
        Ok(())
    }

    /// Starts an export in [`Plugin::EXPORT_FORMAT`], with the export's
    /// `options` (`null` when none). [`Refusal::Veto`] refuses this export
    /// (the plugin stays usable); [`Refusal::Failed`] marks the plugin failed.
    fn begin_export(&mut self, host: &Host, options: &Value) -> Result<Self::Export, Refusal> {
        let _ = (host, options);
        Err(Refusal::Veto(format!(
            "{} writes no export format",
            Self::NAME
        )))
    }
}

/// One export in a plugin's format: tables, rows, then the end. Each
/// method may refuse the export ([`Refusal::Veto`]: a dataset the format
/// cannot hold) or fail ([`Refusal::Failed`]: the plugin is marked unusable).
pub trait Export: Sized + 'static {
    /// Starts a table (one per sheet of the export).
    fn table(&mut self, host: &Host, name: &str, columns: &[Column<'_>]) -> Result<(), Refusal>;
    /// One row of the current table.
    fn row(&mut self, host: &Host, cells: &[Cell<'_>]) -> Result<(), Refusal>;
    /// The end: `complete` is false when the export stopped early (the host
    /// discards the file).
    fn end(self, host: &Host, complete: bool) -> Result<(), Refusal>;
}

/// The exporter of a plugin that writes no export format.
pub enum NoExport {}

impl Export for NoExport {
    fn table(&mut self, _: &Host, _: &str, _: &[Column<'_>]) -> Result<(), Refusal> {
        match *self {}
    }
    fn row(&mut self, _: &Host, _: &[Cell<'_>]) -> Result<(), Refusal> {
        match *self {}
    }
    fn end(self, _: &Host, _: bool) -> Result<(), Refusal> {
        match self {}
    }
}

/// Exports `racine_plugin_init` for a type implementing [`Plugin`]. Use it
/// once, in the crate root of a `cdylib`.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        /// The plugin's entry point (see `include/racine_plugin.h`).
        ///
        /// # Safety
        /// Called by the Racine host with valid pointers, as the header says.
        #[no_mangle]
        pub unsafe extern "C" fn racine_plugin_init(
            host_abi: u32,
            host: *const $crate::abi::RacineHostApi,
            call: *const $crate::abi::RacineHostCall,
            config: *const ::std::ffi::c_char,
            config_len: usize,
            out: *mut $crate::abi::RacinePlugin,
        ) -> i32 {
            // SAFETY: the host passes the pointers the ABI describes.
            unsafe { $crate::glue::init::<$plugin>(host_abi, host, call, config, config_len, out) }
        }
    };
}
