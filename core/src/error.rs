//! One error type for the whole engine, with stable numeric codes.
//!
//! Every kind is declared once, here: its number and name in
//! [`ErrorCode`], its fields in [`Error`]. The schema file and every
//! binding (C status codes, Python and PHP exception classes) are generated
//! from these two declarations. Codes never change meaning; a retired
//! number stays retired.

use schemars::JsonSchema;
use serde::Serialize;

use crate::decimal::{Decimal, DecimalError};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Declares [`ErrorCode`]: number, name, the family a binding may give a
/// common base class, and the summary (the doc comment).
macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $number:literal, $name:literal, $family:expr; )+) => {
        /// Stable error codes. The numbers are part of the public ABI.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* $variant = $number, )+
        }

        impl ErrorCode {
            /// Every code, in number order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// Short snake_case name, identical in every binding (`"negative_stock"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }

            /// The stable number (the C ABI's status).
            pub const fn number(self) -> u32 {
                self as u32
            }

            /// What the code means, in one sentence.
            pub fn summary(self) -> String {
                match self {
                    $(ErrorCode::$variant => [$($doc),*].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),)+
                }
            }

            /// The family of refusals this code belongs to, which bindings
            /// give a common base class (`stock_refusal`).
            pub const fn family(self) -> Option<&'static str> {
                match self {
                    $(ErrorCode::$variant => $family,)+
                }
            }
        }
    };
}

error_codes! {
    /// An id, SKU or code that names nothing.
    NotFound = 1, "not_found", None;
    /// A field is missing, malformed or out of range.
    InvalidInput = 2, "invalid_input", None;
    /// The movement would take available stock below zero.
    NegativeStock = 3, "negative_stock", Some("stock_refusal");
    /// Not enough available (unreserved) stock for an order's lines.
    InsufficientAvailable = 4, "insufficient_available", Some("stock_refusal");
    /// An idempotency key was reused with a different request.
    IdempotencyConflict = 5, "idempotency_conflict", None;
    /// The operation is impossible from the current state.
    InvalidTransition = 6, "invalid_transition", None;
    /// A unique value (SKU, warehouse code…) is already taken.
    AlreadyExists = 7, "already_exists", None;
    /// The database stayed locked by other writers past the busy timeout.
    Busy = 8, "busy", None;
    /// The storage engine or the file system failed, or a stored value is unreadable.
    Storage = 9, "storage", None;
    /// The database file was written by a newer Racine.
    SchemaTooNew = 10, "schema_too_new", None;
    /// A plugin vetoed the write, failed, or could not be loaded; nothing was written.
    Plugin = 11, "plugin", None;
    /// The caller cancelled a long operation (an export); it left nothing behind.
    Cancelled = 12, "cancelled", None;
    /// Rows of a file to import are wrong; nothing was written. Every
    /// problem is listed with its row, column and value.
    ImportRefused = 13, "import_refused", None;
}

/// Everything that can go wrong, with the fields a caller needs to react.
///
/// A failed write has written nothing: every write runs in one transaction.
/// The JSON form of an error (its `details`) is this enum serialised with
/// its code as the `code` tag.
#[derive(Debug, thiserror::Error, Serialize, JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// `entity` with `key` does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// What was looked up: `item`, `warehouse`, `supplier`…
        entity: &'static str,
        /// The id, SKU or code given.
        key: String,
    },

    /// `field` was rejected.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The offending field, as a path in the request (`item.valuation`).
        field: String,
        /// Why it was rejected, naming the value.
        #[serde(rename = "reason")]
        message: String,
    },

    /// Refused because available stock would go below zero (now, or at a
    /// later instant than a backdated movement's).
    #[error("negative stock refused: item {sku} in warehouse {warehouse} has {available} available{}, {requested} requested", at_instant(at))]
    NegativeStock {
        /// Item id.
        item: i64,
        /// Item SKU.
        sku: String,
        /// Warehouse code.
        warehouse: String,
        /// Available quantity before the movement (at `at` when given).
        available: Decimal,
        /// Quantity the movement wanted to take out.
        requested: Decimal,
        /// For a backdated movement: the first later instant whose stock it
        /// would take below zero.
        #[schemars(with = "Option<crate::catalogue::Instant>")]
        at: Option<jiff::Timestamp>,
    },

    /// Some lines of an order cannot be reserved or issued; nothing was.
    /// The top-level fields describe the first short line.
    #[error("insufficient available stock for {}", describe_short(lines))]
    InsufficientAvailable {
        /// Item id of the first short line.
        item: i64,
        /// Item SKU of the first short line.
        sku: String,
        /// Warehouse code of the first short line.
        warehouse: String,
        /// What the first short line could still have.
        available: Decimal,
        /// What the first short line asked for.
        requested: Decimal,
        /// Every short line, with what is available.
        lines: Vec<ShortLine>,
    },

    /// The idempotency key was used before for a different request.
    #[error("idempotency key {key:?} was already used for a different request")]
    IdempotencyConflict {
        /// The reused key.
        key: String,
    },

    /// The entity's current state does not allow the action.
    #[error("{entity} {key} is {state}: cannot {action}")]
    InvalidTransition {
        /// `purchase order`, `item`…
        entity: &'static str,
        /// Its id or reference.
        key: String,
        /// Its current state.
        state: String,
        /// What was attempted.
        action: String,
    },

    /// A unique value is already taken.
    #[error("{entity} {key} already exists")]
    AlreadyExists {
        /// `item`, `warehouse`…
        entity: &'static str,
        /// The duplicate SKU or code.
        key: String,
    },

    /// One entry of a batch failed; nothing of the batch was written. Not a
    /// kind of its own: its code is the entry's.
    #[error("batch entry {index} refused, nothing written: {source}")]
    #[serde(skip)]
    InBatch {
        /// Zero-based position of the failing entry.
        index: usize,
        /// Why it failed.
        source: Box<Error>,
    },

    /// Other writers held the database past the busy timeout.
    #[error("database is busy: other writers held it past the busy timeout")]
    Busy,

    /// The storage engine or the file system failed, or a stored value
    /// could not be read back.
    #[error("storage error: {reason}")]
    Storage {
        /// What failed.
        reason: String,
        /// The engine's own error, when there is one.
        #[serde(skip)]
        #[schemars(skip)]
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A plugin refused the write (a validator's veto), failed, or could not
    /// be loaded. The write was rolled back whole.
    #[error("plugin {plugin}: {message}")]
    Plugin {
        /// The plugin's name (its file's name when it could not say).
        plugin: String,
        /// Its message, or what went wrong with it.
        #[serde(rename = "reason")]
        message: String,
    },

    /// The caller's progress callback asked to stop a long operation; what
    /// it was writing was removed.
    #[error("{operation} cancelled after {rows} rows")]
    Cancelled {
        /// What was cancelled (`export`).
        operation: String,
        /// Rows written before it stopped.
        rows: u64,
    },

    /// Rows of a file to import are wrong (or its header is); nothing was
    /// written. `problems` lists them, row by row.
    #[error(
        "import of {kind} refused, nothing written: {invalid_rows} of {rows} rows are wrong{}",
        first_problem(problems)
    )]
    ImportRefused {
        /// What was imported (`items`, `opening_stock`…).
        kind: String,
        /// Data rows read (the header aside).
        rows: u64,
        /// Rows with at least one problem (0 when only the header is wrong).
        invalid_rows: u64,
        /// The first problems found (at most 1000), in row then column order.
        problems: Vec<crate::imports::ImportProblem>,
    },

    /// The database file was created by a newer version of Racine.
    #[error("database schema version {found} is newer than this library supports ({supported}); upgrade Racine")]
    SchemaTooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this library knows.
        supported: i64,
    },
}

fn first_problem(problems: &[crate::imports::ImportProblem]) -> String {
    match problems.first() {
        Some(p) => format!(" (first: {p})"),
        None => String::new(),
    }
}

fn at_instant(at: &Option<jiff::Timestamp>) -> String {
    at.map(|t| format!(" at {t}")).unwrap_or_default()
}

impl Error {
    /// The stable code of this error (for a batch, the failing entry's code).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::NegativeStock { .. } => ErrorCode::NegativeStock,
            Error::InsufficientAvailable { .. } => ErrorCode::InsufficientAvailable,
            Error::IdempotencyConflict { .. } => ErrorCode::IdempotencyConflict,
            Error::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Error::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Error::InBatch { source, .. } => source.code(),
            Error::Busy => ErrorCode::Busy,
            Error::Storage { .. } => ErrorCode::Storage,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Plugin { .. } => ErrorCode::Plugin,
            Error::Cancelled { .. } => ErrorCode::Cancelled,
            Error::ImportRefused { .. } => ErrorCode::ImportRefused,
        }
    }

    /// The error with any batch wrapper removed.
    pub fn root(&self) -> &Error {
        match self {
            Error::InBatch { source, .. } => source.root(),
            other => other,
        }
    }

    /// The structured fields of the error as JSON (bindings expose them as
    /// exception attributes): always `code` and `message`, plus the kind's
    /// own fields, and `index` for a batch entry.
    pub fn details(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self.root()).unwrap_or_default();
        if !v.is_object() {
            v = serde_json::json!({});
        }
        v["code"] = self.code().name().into();
        v["message"] = self.to_string().into();
        if let Error::InBatch { index, .. } = self {
            v["index"] = (*index).into();
        }
        v
    }

    /// The same error as the entry `index` of a batch.
    pub(crate) fn in_batch(self, index: usize) -> Error {
        Error::InBatch {
            index,
            source: Box::new(self),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn not_found(entity: &'static str, key: impl ToString) -> Error {
        Error::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    /// Refusal of an order whose `lines` (never empty) are short.
    pub(crate) fn short(lines: Vec<ShortLine>) -> Error {
        let first = lines.first().cloned().unwrap_or_default();
        Error::InsufficientAvailable {
            item: first.item,
            sku: first.sku,
            warehouse: first.warehouse,
            available: first.available,
            requested: first.requested,
            lines,
        }
    }

    /// A failure of the storage engine, keeping its own error as the source.
    pub(crate) fn storage(e: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Storage {
            reason: e.to_string(),
            source: Some(Box::new(e)),
        }
    }

    /// A stored value that is not one of the names its field allows.
    pub(crate) fn corrupt(field: &str, value: &str, allowed: &str) -> Error {
        Error::Storage {
            reason: format!(
                "stored {field} {value:?} is not one of {allowed}: the database was changed outside Racine"
            ),
            source: None,
        }
    }
}

impl From<DecimalError> for Error {
    fn from(e: DecimalError) -> Error {
        let field = match e {
            DecimalError::Parse { .. } => "decimal",
            DecimalError::Overflow { .. } | DecimalError::OutOfRange(_) => "amount",
            DecimalError::DivisionByZero => "denominator",
        };
        Error::invalid(field, e.to_string())
    }
}

/// One order line that cannot be served.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ShortLine {
    /// Line number in the order (1-based).
    pub line: u32,
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Warehouse code.
    pub warehouse: String,
    /// Available quantity.
    pub available: Decimal,
    /// Quantity the line needs.
    pub requested: Decimal,
}

fn describe_short(lines: &[ShortLine]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "line {} ({} in {}: {} available, {} requested)",
                l.line, l.sku, l.warehouse, l.available, l.requested
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_serialises_under_its_own_code() {
        let d = Decimal::ONE;
        let samples = [
            Error::not_found("item", 1),
            Error::invalid("f", "m"),
            Error::NegativeStock {
                item: 1,
                sku: "A".into(),
                warehouse: "MAIN".into(),
                available: d,
                requested: d,
                at: None,
            },
            Error::short(vec![ShortLine::default()]),
            Error::IdempotencyConflict { key: "k".into() },
            Error::InvalidTransition {
                entity: "order",
                key: "1".into(),
                state: "s".into(),
                action: "a".into(),
            },
            Error::AlreadyExists {
                entity: "item",
                key: "A".into(),
            },
            Error::Busy,
            Error::corrupt("reason", "x", "y"),
            Error::SchemaTooNew {
                found: 9,
                supported: 3,
            },
            Error::Plugin {
                plugin: "p".into(),
                message: "m".into(),
            },
            Error::Cancelled {
                operation: "export".into(),
                rows: 7,
            },
            Error::ImportRefused {
                kind: "items".into(),
                rows: 2,
                invalid_rows: 1,
                problems: Vec::new(),
            },
        ];
        assert_eq!(samples.len(), ErrorCode::ALL.len());
        for (e, code) in samples.iter().zip(ErrorCode::ALL) {
            assert_eq!(e.code(), *code);
            let v = serde_json::to_value(e).unwrap();
            assert_eq!(v["code"], code.name(), "{e:?}");
            let batch = Error::invalid("x", "y").in_batch(3);
            assert_eq!(batch.details()["index"], 3);
        }
    }

    #[test]
    fn short_lines_put_the_first_line_at_the_top_level() {
        let e = Error::short(vec![ShortLine {
            line: 2,
            sku: "MUG".into(),
            available: Decimal::ONE,
            ..Default::default()
        }]);
        let v = e.details();
        assert_eq!(
            (v["sku"].as_str(), v["available"].as_str()),
            (Some("MUG"), Some("1"))
        );
        assert_eq!(v["lines"][0]["line"], 2);
        assert_eq!(v["code"], "insufficient_available");
    }
}
