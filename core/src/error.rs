//! One error type for the whole engine, with stable numeric codes.
//!
//! Every binding maps [`ErrorCode`] one to one: a status number in C, an
//! exception class in Python and PHP. Codes never change meaning; new kinds
//! get new numbers.

use serde::Serialize;

use crate::decimal::Decimal;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable error codes. The numbers are part of the public ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum ErrorCode {
    /// An id, SKU or code that names nothing.
    NotFound = 1,
    /// A field is missing, malformed or out of range.
    InvalidInput = 2,
    /// The movement would take available stock below zero.
    NegativeStock = 3,
    /// Not enough available (unreserved) stock for a reservation.
    InsufficientAvailable = 4,
    /// An idempotency key was reused with a different request.
    IdempotencyConflict = 5,
    /// The operation is impossible from the current state.
    InvalidTransition = 6,
    /// A unique value (SKU, warehouse code…) is already taken.
    AlreadyExists = 7,
    /// The database stayed locked by other writers past the busy timeout.
    Busy = 8,
    /// SQLite or the file system failed.
    Storage = 9,
    /// The database file was written by a newer Racine.
    SchemaTooNew = 10,
    /// A plugin failed or was refused.
    Plugin = 11,
}

impl ErrorCode {
    /// Short snake_case name, identical in every binding (`"negative_stock"`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NegativeStock => "negative_stock",
            ErrorCode::InsufficientAvailable => "insufficient_available",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::Busy => "busy",
            ErrorCode::Storage => "storage",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::Plugin => "plugin",
        }
    }
}

/// Everything that can go wrong, with the fields a caller needs to react.
///
/// A failed write has written nothing: every write runs in one transaction.
#[derive(Debug, thiserror::Error)]
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
        /// The offending field.
        field: String,
        /// Why it was rejected, naming the value.
        message: String,
    },

    /// Refused because available stock would go below zero.
    #[error("negative stock refused: item {sku} in warehouse {warehouse} has {available} available, {requested} requested")]
    NegativeStock {
        /// Item id.
        item: i64,
        /// Item SKU.
        sku: String,
        /// Warehouse code.
        warehouse: String,
        /// Available quantity before the movement.
        available: Decimal,
        /// Quantity the movement wanted to take out.
        requested: Decimal,
    },

    /// Not enough unreserved stock.
    #[error("insufficient available stock: item {sku} in warehouse {warehouse} has {available} available, {requested} requested")]
    InsufficientAvailable {
        /// Item id.
        item: i64,
        /// Item SKU.
        sku: String,
        /// Warehouse code.
        warehouse: String,
        /// Available quantity.
        available: Decimal,
        /// Quantity requested.
        requested: Decimal,
    },

    /// Some lines of an order cannot be reserved or issued; nothing was.
    #[error("insufficient available stock for {}", describe_short(lines))]
    ShortLines {
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

    /// One entry of a batch failed; nothing of the batch was written.
    #[error("batch entry {index} refused, nothing written: {source}")]
    InBatch {
        /// Zero-based position of the failing entry.
        index: usize,
        /// Why it failed.
        source: Box<Error>,
    },

    /// Other writers held the database past the busy timeout.
    #[error("database is busy: other writers held it past the busy timeout")]
    Busy,

    /// The database file was created by a newer version of Racine.
    #[error("database schema version {found} is newer than this library supports ({supported}); upgrade Racine")]
    SchemaTooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this library knows.
        supported: i64,
    },

    /// A plugin failed or was refused.
    #[error("plugin error: {0}")]
    Plugin(String),

    /// SQLite or the file system failed.
    #[error("storage error: {0}")]
    Storage(#[source] rusqlite::Error),
}

impl Error {
    /// The stable code of this error (for a batch, the failing entry's code).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::NegativeStock { .. } => ErrorCode::NegativeStock,
            Error::InsufficientAvailable { .. } | Error::ShortLines { .. } => {
                ErrorCode::InsufficientAvailable
            }
            Error::IdempotencyConflict { .. } => ErrorCode::IdempotencyConflict,
            Error::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Error::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Error::InBatch { source, .. } => source.code(),
            Error::Busy => ErrorCode::Busy,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Plugin(_) => ErrorCode::Plugin,
            Error::Storage(_) => ErrorCode::Storage,
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
    /// exception attributes): always `code` and `message`, plus the variant's
    /// own fields, and `index` for a batch entry.
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        let mut v = match self.root() {
            Error::NotFound { entity, key } => json!({"entity": entity, "key": key}),
            Error::InvalidInput { field, message } => json!({"field": field, "reason": message}),
            Error::NegativeStock {
                item,
                sku,
                warehouse,
                available,
                requested,
            }
            | Error::InsufficientAvailable {
                item,
                sku,
                warehouse,
                available,
                requested,
            } => json!({"item": item, "sku": sku, "warehouse": warehouse,
                        "available": available, "requested": requested}),
            Error::ShortLines { lines } => {
                // The first line's fields at the top level, like a one-line refusal.
                let first = lines.first().map(serde_json::to_value);
                let mut v = first.and_then(|r| r.ok()).unwrap_or_else(|| json!({}));
                v["lines"] = serde_json::to_value(lines).unwrap_or_else(|_| json!([]));
                v
            }
            Error::IdempotencyConflict { key } => json!({"key": key}),
            Error::InvalidTransition {
                entity,
                key,
                state,
                action,
            } => json!({"entity": entity, "key": key, "state": state, "action": action}),
            Error::AlreadyExists { entity, key } => json!({"entity": entity, "key": key}),
            Error::SchemaTooNew { found, supported } => {
                json!({"found": found, "supported": supported})
            }
            _ => json!({}),
        };
        let obj = v.as_object_mut().expect("details are an object");
        obj.insert("code".into(), json!(self.code().name()));
        obj.insert("message".into(), json!(self.to_string()));
        if let Error::InBatch { index, .. } = self {
            obj.insert("index".into(), json!(index));
        }
        v
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
}

/// One order line that cannot be served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => Error::Busy,
            _ => Error::Storage(e),
        }
    }
}
