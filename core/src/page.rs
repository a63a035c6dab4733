//! Keyset pagination: a page of rows plus the cursor of the next page.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Largest page a caller may ask for.
pub const MAX_PAGE: u32 = 1000;
/// Page size when none is given.
pub const DEFAULT_PAGE: u32 = 100;

/// Which page to read: up to `limit` rows after the cursor `after`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PageRequest {
    /// Rows per page, 1–1000 (default 100).
    pub limit: Option<u32>,
    /// The `next` cursor of the previous page; `None` for the first page.
    pub after: Option<i64>,
}

impl PageRequest {
    /// The first page of `limit` rows.
    pub fn first(limit: u32) -> PageRequest {
        PageRequest {
            limit: Some(limit),
            after: None,
        }
    }

    pub(crate) fn limit(&self) -> Result<u32> {
        match self.limit.unwrap_or(DEFAULT_PAGE) {
            0 => Err(Error::invalid("limit", "must be at least 1")),
            n if n > MAX_PAGE => Err(Error::invalid(
                "limit",
                format!("{n} is above the maximum page size {MAX_PAGE}"),
            )),
            n => Ok(n),
        }
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Cursor for the next page (`PageRequest::after`), `None` on the last page.
    pub next: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only proves
    /// that another page exists.
    pub(crate) fn from_rows(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> i64) -> Page<T> {
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(key)
        } else {
            None
        };
        Page { items: rows, next }
    }
}
