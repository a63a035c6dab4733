//! The JSON form of every operation: one request in, one result out.
//!
//! This is the common ground of the bindings (the C ABI, PHP's FFI,
//! Python): they pass a request string, Racine runs it with exactly the
//! same rules as the Rust API, and hands back the result as JSON. Requests
//! are strict, and checked here once for every language: an unknown
//! operation or field, a wrong type, a misspelt name of a closed set, or a
//! JSON float for a decimal is [`Error::InvalidInput`] naming the field by
//! its path (`item.valuation`, `movements[3].quantity`), before anything runs.
//!
//! The operations are listed in [`crate::catalogue`].
//!
//! ```
//! use racine::{api, Database};
//! let db = Database::open_in_memory()?;
//! let item = api::call(&db, r#"{"op":"create_item","item":{"sku":"MUG","name":"Mug"}}"#)?;
//! let id = item["id"].as_i64().unwrap();
//! api::call(&db, &format!(
//!     r#"{{"op":"post","movement":{{"kind":"receipt","item":{id},"quantity":"3","unit_cost":"4.5"}}}}"#
//! ))?;
//! let stock = api::call(&db, r#"{"op":"stock","item":"MUG"}"#)?;
//! assert_eq!(stock["value"], "13.5");
//! let bad = api::call(&db, r#"{"op":"create_item","item":{"sku":"A","name":"A","valuation":"fifoo"}}"#);
//! assert!(matches!(bad, Err(racine::Error::InvalidInput { field, .. }) if field == "item.valuation"));
//! # Ok::<(), racine::Error>(())
//! ```

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::database::Database;
use crate::error::{Error, Result};

pub use crate::catalogue::{args, execute, Request};

impl Request {
    /// Parses a request. Malformed JSON, an unknown `op` or field, and a
    /// wrongly typed value are [`Error::InvalidInput`] on the offending
    /// field's path (`request` when the JSON itself is malformed).
    pub fn parse(json: &str) -> Result<Request> {
        let value: Value = from_json(json, "request")?;
        let Value::Object(mut arguments) = value else {
            return Err(Error::invalid(
                "request",
                "must be a JSON object with an \"op\" field",
            ));
        };
        let op = match arguments.remove("op") {
            Some(Value::String(op)) => op,
            Some(other) => {
                return Err(Error::invalid(
                    "op",
                    format!("must be an operation name, not {other}"),
                ))
            }
            None => return Err(Error::invalid("op", "missing: name the operation")),
        };
        Request::from_parts(&op, Value::Object(arguments))
    }
}

/// Parses and runs one JSON request.
pub fn call(db: &Database, request: &str) -> Result<Value> {
    execute(db, Request::parse(request)?)
}

/// Reads `T` from JSON text; a failure names the field's path, or `what`
/// when the text as a whole is wrong.
pub(crate) fn from_json<T: DeserializeOwned>(json: &str, what: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| refusal(e, what))?;
    de.end().map_err(|e| Error::invalid(what, e.to_string()))?;
    Ok(value)
}

/// Reads `T` from a JSON value; a failure names the field's path.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| refusal(e, "request"))
}

/// The reason given for a value nested deeper than serde_json reads (128
/// levels). A binding whose encoder gives up first (Python's recursion
/// limit, PHP's `json_encode` depth) refuses with the same text, which the
/// catalogue hands it.
pub const TOO_DEEP: &str = "is nested more than 128 levels deep";
/// The reason a binding gives for text that is not valid UTF-8 (its JSON
/// encoder refuses it before the core sees it).
pub const NOT_UTF8: &str = "is not valid UTF-8";
/// The message of an [`Error::InvalidInput`], for bindings that refuse a
/// value before it reaches the core (the two reasons above).
pub const INVALID_INPUT_MESSAGE: &str = "invalid {field}: {reason}";

fn refusal(e: serde_path_to_error::Error<serde_json::Error>, what: &str) -> Error {
    use serde_path_to_error::Segment;
    // A batch entry that cannot be read is refused like one that cannot be
    // posted: the error names its index.
    let segments: Vec<&Segment> = e.path().iter().collect();
    let batch_entry = match segments.as_slice() {
        [Segment::Map { key }, Segment::Seq { index }, ..] if key == "movements" => Some(*index),
        _ => None,
    };
    // `lines[2].quantity`: map keys and list positions; what serde could
    // not name (an untagged value…) is left out.
    let mut path = String::new();
    for segment in e.path().iter() {
        match segment {
            Segment::Map { key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    let mut field = if path.is_empty() {
        what.to_string()
    } else {
        path
    };
    let inner = e.into_inner().to_string();
    // serde_json appends " at line 1 column 42": the field path says more.
    let mut message = match inner.rfind(" at line ") {
        Some(at) if field != what => inner[..at].to_string(),
        _ => inner,
    };
    // A missing field is named itself (`lines[0].restock`), not its parent.
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        field = if field == what {
            name.to_string()
        } else {
            format!("{field}.{name}")
        };
        message = "is required".into();
    }
    if message.starts_with("recursion limit exceeded") {
        message = TOO_DEEP.into();
    }
    let refusal = Error::invalid(field, message);
    match batch_entry {
        Some(index) => refusal.in_batch(index),
        None => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_requests_name_the_field() {
        let db = Database::open_in_memory().unwrap();
        for (bad, field) in [
            ("", "request"),
            ("{", "request"),
            ("[]", "request"),
            (r#"{"op":"teleport"}"#, "op"),
            (r#"{"id":1}"#, "op"),
            (r#"{"op":"item"}"#, "id"),
            (
                r#"{"op":"return_order","external_id":"1","lines":[{"line":1,"quantity":"1"}]}"#,
                "lines[0].restock",
            ),
            (r#"{"op":"item","id":true}"#, "id"),
            (r#"{"op":"item","id":1,"extra":true}"#, "extra"),
            (
                r#"{"op":"create_item","item":{"sku":"A","name":"A","colour":"red"}}"#,
                "item.colour",
            ),
            (
                r#"{"op":"create_item","item":{"sku":"A","name":"A","valuation":"fifoo"}}"#,
                "item.valuation",
            ),
            (
                r#"{"op":"post","movement":{"kind":"receipt","item":1,"quantity":1.5,"unit_cost":"1"}}"#,
                "movement.quantity",
            ),
            (
                r#"{"op":"post_batch","movements":[{"kind":"issue","item":1,"quantity":"1"},{"kind":"issue","item":1,"quantity":"x"}]}"#,
                "movements[1].quantity",
            ),
        ] {
            let err = call(&db, bad).unwrap_err();
            assert!(
                matches!(err.root(), Error::InvalidInput { field: f, .. } if f == field),
                "{bad}: {err:?}"
            );
        }
        let deep = format!(
            r#"{{"op":"fulfil_order","external_id":"1","lines":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        match call(&db, &deep).unwrap_err() {
            Error::InvalidInput { field, message } => {
                assert!(field.starts_with("lines"), "{field}");
                assert_eq!(message, TOO_DEEP);
            }
            other => panic!("{other:?}"),
        }
        let batch = r#"{"op":"post_batch","movements":[{"kind":"issue","item":1,"quantity":"1"},{"kind":"issue","item":1,"quantity":1.5}]}"#;
        assert_eq!(call(&db, batch).unwrap_err().details()["index"], 1);
        let info = call(&db, r#"{"op":"info"}"#).unwrap();
        assert_eq!(info["schema_version"], crate::SCHEMA_VERSION);
        assert_eq!(
            call(&db, r#"{"op":"item","id":9}"#).unwrap_err().code(),
            crate::ErrorCode::NotFound
        );
    }
}
