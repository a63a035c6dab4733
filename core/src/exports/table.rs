//! What both formats write: a table of typed columns, one row at a time,
//! and the rules that keep a cell safe and exact whatever opens the file.

use std::borrow::Cow;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::decimal::Decimal;
use crate::error::Result;

/// What a column holds, which decides how each format writes its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Free text (names, notes): a text cell, neutralised.
    Text,
    /// Text a spreadsheet must not read as a number: SKUs, references,
    /// external ids, phone numbers, postcodes. Leading zeros stay.
    Code,
    /// One of Racine's ids: written as text too, so that it joins as a key.
    Id,
    /// A count of rows or things: a number, no decimals.
    Count,
    /// A quantity: a number shown as it is (`General`).
    Quantity,
    /// Money: a number with two to six decimals (`#,##0.00####`).
    Money,
    /// A fraction shown as a percentage (`0.0%`).
    Rate,
    /// Any other figure (days, turnover): `0.00`.
    Figure,
    /// An instant, shown in the business time zone.
    Instant,
    /// A calendar day.
    Date,
    /// Yes or no.
    Bool,
}

/// One column: its header, what it holds, and its width in characters
/// (set explicitly: a streamed sheet cannot be measured afterwards).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub title: &'static str,
    pub kind: Kind,
    pub width: f64,
}

/// A column, from its header and kind (the width is the kind's usual one).
pub(crate) const fn col(title: &'static str, kind: Kind) -> Column {
    let width = match kind {
        Kind::Text => 28.0,
        Kind::Code => 16.0,
        Kind::Id | Kind::Count => 9.0,
        Kind::Quantity | Kind::Rate | Kind::Figure => 12.0,
        Kind::Money => 14.0,
        Kind::Instant => 19.0,
        Kind::Date => 11.0,
        Kind::Bool => 7.0,
    };
    Column { title, kind, width }
}

/// One cell's value; its column says how to show it.
#[derive(Clone, Debug)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Int(i64),
    Decimal(Decimal),
    Instant(Timestamp),
    Date(Date),
    Bool(bool),
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Cell<'a> {
    fn from(s: &'a String) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Cell<'static> {
        Cell::Text(Cow::Owned(s))
    }
}

impl<'a> From<Option<&'a String>> for Cell<'a> {
    fn from(s: Option<&'a String>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::from)
    }
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::from)
    }
}

impl From<i64> for Cell<'_> {
    fn from(v: i64) -> Cell<'static> {
        Cell::Int(v)
    }
}

impl From<u64> for Cell<'_> {
    fn from(v: u64) -> Cell<'static> {
        Cell::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Cell<'_> {
    fn from(v: u32) -> Cell<'static> {
        Cell::Int(i64::from(v))
    }
}

impl From<Option<i64>> for Cell<'_> {
    fn from(v: Option<i64>) -> Cell<'static> {
        v.map_or(Cell::Empty, Cell::Int)
    }
}

impl From<Decimal> for Cell<'_> {
    fn from(v: Decimal) -> Cell<'static> {
        Cell::Decimal(v)
    }
}

impl From<Option<Decimal>> for Cell<'_> {
    fn from(v: Option<Decimal>) -> Cell<'static> {
        v.map_or(Cell::Empty, Cell::Decimal)
    }
}

impl From<Timestamp> for Cell<'_> {
    fn from(v: Timestamp) -> Cell<'static> {
        Cell::Instant(v)
    }
}

impl From<Option<Timestamp>> for Cell<'_> {
    fn from(v: Option<Timestamp>) -> Cell<'static> {
        v.map_or(Cell::Empty, Cell::Instant)
    }
}

impl From<Date> for Cell<'_> {
    fn from(v: Date) -> Cell<'static> {
        Cell::Date(v)
    }
}

impl From<Option<Date>> for Cell<'_> {
    fn from(v: Option<Date>) -> Cell<'static> {
        v.map_or(Cell::Empty, Cell::Date)
    }
}

impl From<bool> for Cell<'_> {
    fn from(v: bool) -> Cell<'static> {
        Cell::Bool(v)
    }
}

/// Where tables go: an xlsx workbook (one sheet per table) or a csv file
/// (one table).
pub(crate) trait Sink {
    /// Starts a table named `name` (the sheet's name).
    fn begin(&mut self, name: &str, columns: &'static [Column]) -> Result<()>;
    /// Writes one row; `cells` has one cell per column.
    fn row(&mut self, cells: &[Cell<'_>]) -> Result<()>;
}

/// Whether a text cell could run as a formula when opened (OWASP "CSV
/// injection"): it starts with `=`, `+`, `-`, `@`, a tab, a carriage
/// return or a line feed.
pub(crate) fn formula_like(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n')
    )
}

/// A decimal as an Excel number, when one holds it exactly: Excel keeps 15
/// significant digits, so a decimal with more is written as text instead
/// of being rounded silently.
pub(crate) fn exact_f64(d: Decimal) -> Option<f64> {
    let mut m = d.raw();
    let mut exponent = -6i32;
    while m != 0 && m % 10 == 0 {
        m /= 10;
        exponent += 1;
    }
    if m.unsigned_abs() >= 1_000_000_000_000_000 {
        return None;
    }
    // m and 10^|exponent| are exact doubles; one correctly rounded
    // operation gives the double nearest the decimal, which reads back
    // as the same 15 digits.
    let m = m as f64;
    Some(if exponent >= 0 {
        m * 10f64.powi(exponent)
    } else {
        m / 10f64.powi(-exponent)
    })
}

/// An instant as an Excel serial date-time (days since 1899-12-30) in the
/// business time zone, to the microsecond.
pub(crate) fn excel_serial(t: Timestamp, tz: &TimeZone) -> f64 {
    let local = tz.to_datetime(t);
    let days = excel_day(local.date()) as f64;
    let seconds = f64::from(local.hour()) * 3600.0
        + f64::from(local.minute()) * 60.0
        + f64::from(local.second())
        + f64::from(local.subsec_nanosecond()) / 1e9;
    days + seconds / 86_400.0
}

/// A calendar day as an Excel serial date.
pub(crate) fn excel_day(d: Date) -> i64 {
    let epoch = jiff::civil::date(1899, 12, 30);
    i64::from(
        epoch
            .until(d)
            .map(|span| span.get_days())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_recognised_and_numbers_are_not_text() {
        for payload in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "\nx"] {
            assert!(formula_like(payload), "{payload:?}");
        }
        for safe in ["", "a=b", "12", " =1", "é"] {
            assert!(!formula_like(safe), "{safe:?}");
        }
    }

    #[test]
    fn decimals_become_numbers_only_when_exact() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(exact_f64(d("12.5")), Some(12.5));
        assert_eq!(exact_f64(d("-0.000001")), Some(-0.000001));
        assert_eq!(exact_f64(d("0.1")), Some(0.1));
        assert_eq!(exact_f64(d("123456789.123456")), Some(123456789.123456));
        assert_eq!(exact_f64(d("1234567890.123456")), None, "16 digits");
        assert_eq!(exact_f64(d("9000000000000")), Some(9e12));
        assert_eq!(exact_f64(Decimal::ZERO), Some(0.0));
    }

    #[test]
    fn excel_serials_count_from_1899_12_30_in_the_business_zone() {
        assert_eq!(excel_day(jiff::civil::date(1900, 3, 1)), 61);
        assert_eq!(excel_day(jiff::civil::date(2026, 3, 15)), 46096);
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let t: Timestamp = "2026-03-15T11:00:00Z".parse().unwrap();
        // Noon in Paris (UTC+1 in March).
        assert_eq!(excel_serial(t, &paris), 46096.5);
    }
}
