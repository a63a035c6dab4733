//! Checks for free text coming from callers.

use crate::error::{Error, Result};

/// A required text field: non-blank, at most `max` characters, no control
/// characters.
pub(crate) fn required(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    optional(field, Some(value), max)
}

/// An optional text field: when present, at most `max` characters and no
/// control characters other than newline and tab.
pub(crate) fn optional(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            format!("is {len} characters long, the maximum is {max}"),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        return Err(Error::invalid(
            field,
            format!("contains the control character U+{:04X}", c as u32),
        ));
    }
    Ok(())
}

/// A short code (warehouse `MAIN`, `SHOP-2`): 1–32 characters, no spaces
/// or control characters.
pub(crate) fn code(field: &str, value: &str) -> Result<()> {
    required(field, value, 32)?;
    if value.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            field,
            format!("{value:?} must not contain spaces"),
        ));
    }
    Ok(())
}
