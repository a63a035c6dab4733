//! Periods of the dashboards: half-open `[start, end)` spans of instants,
//! named in business days of the database's time zone.
//!
//! A period is written the same way in every language, as text:
//!
//! | text | period |
//! |---|---|
//! | `2026-03-15` | that business day |
//! | `2026-W11` | that ISO week (Monday to Sunday) |
//! | `2026-03` | that month |
//! | `2026-Q1` | that quarter |
//! | `2026` | that year |
//! | `2026-03-01..2026-04-01` | business days from the first, up to (not including) the second |
//! | `2026-03-01T00:00:00+01:00..2026-03-08T12:00:00Z` | exactly these instants |
//! | `today`, `yesterday` | |
//! | `this_week`, `last_week`, `this_month`, `last_month` | |
//! | `this_quarter`, `last_quarter`, `this_year`, `last_year` | |
//! | `last_7_days` (any `last_N_days`, N ≤ 3660) | the N business days ending with today, today included |
//!
//! Named periods start at local midnight in the business time zone, so a
//! month that spans a daylight-saving change is 743 or 745 hours long and
//! still exactly that month. Relative ones are read from an anchor instant
//! (now, unless the call gives one).

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::error::{Error, Result};

/// A span of time a KPI covers, as asked. See the [module docs](self) for
/// the text form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Period {
    /// One business day.
    Day(Date),
    /// An ISO week: its year and number.
    Week(i16, i8),
    /// A calendar month: its year and month (1–12).
    Month(i16, i8),
    /// A quarter: its year and number (1–4).
    Quarter(i16, i8),
    /// A calendar year.
    Year(i16),
    /// Business days `[from, until)`.
    Days {
        /// The first day.
        from: Date,
        /// The day after the last.
        until: Date,
    },
    /// Exactly `[start, end)`.
    Between {
        /// The first instant.
        start: Timestamp,
        /// The first instant after.
        end: Timestamp,
    },
    /// A period relative to the anchor's business day.
    Relative(Relative),
}

/// A period relative to today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Relative {
    /// `today`.
    Today,
    /// `yesterday`.
    Yesterday,
    /// `this_week`: Monday to Sunday.
    ThisWeek,
    /// `last_week`.
    LastWeek,
    /// `this_month`.
    ThisMonth,
    /// `last_month`.
    LastMonth,
    /// `this_quarter`.
    ThisQuarter,
    /// `last_quarter`.
    LastQuarter,
    /// `this_year`.
    ThisYear,
    /// `last_year`.
    LastYear,
    /// The N business days ending with today, today included.
    LastDays(u16),
}

const RELATIVE: &[(&str, Relative)] = &[
    ("today", Relative::Today),
    ("yesterday", Relative::Yesterday),
    ("this_week", Relative::ThisWeek),
    ("last_week", Relative::LastWeek),
    ("this_month", Relative::ThisMonth),
    ("last_month", Relative::LastMonth),
    ("this_quarter", Relative::ThisQuarter),
    ("last_quarter", Relative::LastQuarter),
    ("this_year", Relative::ThisYear),
    ("last_year", Relative::LastYear),
];

/// The longest `last_N_days`.
pub const MAX_LAST_DAYS: u16 = 3660;

const GRAMMAR: &str = "a period: a day (2026-03-15), an ISO week (2026-W11), a month (2026-03), \
     a quarter (2026-Q1), a year (2026), days FROM..UNTIL (2026-03-01..2026-04-01, UNTIL not \
     included), instants START..END (RFC 3339), or one of today, yesterday, this_week, \
     last_week, this_month, last_month, this_quarter, last_quarter, this_year, last_year, \
     last_N_days";

impl Period {
    /// A calendar month.
    pub fn month(year: i16, month: i8) -> Period {
        Period::Month(year, month)
    }

    /// Resolves the period in `tz`, relative periods from `anchor`.
    pub fn resolve(&self, tz: &TimeZone, anchor: Timestamp) -> Result<ResolvedPeriod> {
        let today = business_day(tz, anchor);
        let (from, until) = match *self {
            Period::Between { start, end } => {
                if start >= end {
                    return Err(Error::invalid(
                        "period",
                        format!("{self}: the start must be before the end"),
                    ));
                }
                return Ok(ResolvedPeriod::new(self, tz, start, end, None));
            }
            Period::Day(d) => (d, next_day(d)?),
            Period::Week(y, w) => {
                let monday = jiff::civil::ISOWeekDate::new(y, w, Weekday::Monday)
                    .map_err(|e| Error::invalid("period", format!("{self}: {e}")))?
                    .date();
                (monday, add_days(monday, 7)?)
            }
            Period::Month(y, m) => {
                let first = civil(y, m, 1, self)?;
                (first, add_months(first, 1)?)
            }
            Period::Quarter(y, q) => {
                if !(1..=4).contains(&q) {
                    return Err(Error::invalid("period", format!("{self}: no such quarter")));
                }
                let first = civil(y, (q - 1) * 3 + 1, 1, self)?;
                (first, add_months(first, 3)?)
            }
            Period::Year(y) => {
                let first = civil(y, 1, 1, self)?;
                (first, add_months(first, 12)?)
            }
            Period::Days { from, until } => {
                if from >= until {
                    return Err(Error::invalid(
                        "period",
                        format!("{self}: the first day must be before the day it runs until"),
                    ));
                }
                (from, until)
            }
            Period::Relative(r) => relative(r, today)?,
        };
        let start = day_start(tz, from)?;
        let end = day_start(tz, until)?;
        Ok(ResolvedPeriod::new(
            self,
            tz,
            start,
            end,
            Some((from, until)),
        ))
    }
}

fn relative(r: Relative, today: Date) -> Result<(Date, Date)> {
    let monday = add_days(today, -i64::from(today.weekday().to_monday_zero_offset()))?;
    let month = today.first_of_month();
    let quarter = civil(
        today.year(),
        (today.month() - 1) / 3 * 3 + 1,
        1,
        &Period::Day(today),
    )?;
    let year = civil(today.year(), 1, 1, &Period::Day(today))?;
    Ok(match r {
        Relative::Today => (today, next_day(today)?),
        Relative::Yesterday => (add_days(today, -1)?, today),
        Relative::ThisWeek => (monday, add_days(monday, 7)?),
        Relative::LastWeek => (add_days(monday, -7)?, monday),
        Relative::ThisMonth => (month, add_months(month, 1)?),
        Relative::LastMonth => (add_months(month, -1)?, month),
        Relative::ThisQuarter => (quarter, add_months(quarter, 3)?),
        Relative::LastQuarter => (add_months(quarter, -3)?, quarter),
        Relative::ThisYear => (year, add_months(year, 12)?),
        Relative::LastYear => (add_months(year, -12)?, year),
        Relative::LastDays(n) => {
            let until = next_day(today)?;
            (add_days(until, -i64::from(n))?, until)
        }
    })
}

/// A period resolved to instants, as every KPI reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ResolvedPeriod {
    /// The period as asked (`2026-03`, `this_month`).
    pub label: String,
    /// First instant included.
    #[schemars(with = "crate::catalogue::Instant")]
    #[serde(with = "crate::instant::text")]
    pub start: Timestamp,
    /// First instant after the period (not included).
    #[schemars(with = "crate::catalogue::Instant")]
    #[serde(with = "crate::instant::text")]
    pub end: Timestamp,
    /// The business day `start` falls on.
    #[schemars(with = "crate::catalogue::Day")]
    pub first_day: Date,
    /// The business day of the period's last instant.
    #[schemars(with = "crate::catalogue::Day")]
    pub last_day: Date,
    /// Its length in days: whole business days for a named period (a March
    /// with a daylight-saving change is still 31), elapsed time / 24 h for
    /// exact instants.
    pub days: Decimal,
    /// The business time zone it was read in (IANA name).
    pub time_zone: String,
}

impl ResolvedPeriod {
    fn new(
        asked: &Period,
        tz: &TimeZone,
        start: Timestamp,
        end: Timestamp,
        days: Option<(Date, Date)>,
    ) -> ResolvedPeriod {
        let last = Timestamp::from_microsecond(end.as_microsecond() - 1).unwrap_or(end);
        let days = match days {
            Some((from, until)) => {
                Decimal::from_raw(until.duration_since(from).as_secs() / 86_400 * 1_000_000)
            }
            None => Decimal::from_raw(
                ((end.as_microsecond() - start.as_microsecond()) as i128 * 1_000_000
                    / 86_400_000_000) as i64,
            ),
        };
        ResolvedPeriod {
            label: asked.to_string(),
            start,
            end,
            first_day: business_day(tz, start),
            last_day: business_day(tz, last),
            days,
            time_zone: zone_name(tz),
        }
    }
}

/// The IANA name of a zone (`UTC` for a fixed one without a name).
pub(crate) fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("UTC").to_string()
}

/// The business day an instant falls on.
pub(crate) fn business_day(tz: &TimeZone, t: Timestamp) -> Date {
    tz.to_datetime(t).date()
}

/// The first instant of a business day (local midnight, or the first
/// instant after it when a daylight-saving gap swallows midnight).
pub(crate) fn day_start(tz: &TimeZone, d: Date) -> Result<Timestamp> {
    d.to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| Error::invalid("period", format!("{d} has no start in the time zone: {e}")))
}

fn civil(y: i16, m: i8, d: i8, asked: &Period) -> Result<Date> {
    Date::new(y, m, d).map_err(|e| Error::invalid("period", format!("{asked}: {e}")))
}

fn next_day(d: Date) -> Result<Date> {
    add_days(d, 1)
}

fn add_days(d: Date, n: i64) -> Result<Date> {
    d.checked_add(jiff::Span::new().days(n))
        .map_err(|e| Error::invalid("period", format!("{d} + {n} days: {e}")))
}

fn add_months(d: Date, n: i64) -> Result<Date> {
    d.checked_add(jiff::Span::new().months(n))
        .map_err(|e| Error::invalid("period", format!("{d} + {n} months: {e}")))
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Day(d) => write!(f, "{d}"),
            Period::Week(y, w) => write!(f, "{y:04}-W{w:02}"),
            Period::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Period::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Period::Year(y) => write!(f, "{y:04}"),
            Period::Days { from, until } => write!(f, "{from}..{until}"),
            Period::Between { start, end } => write!(f, "{start}..{end}"),
            Period::Relative(Relative::LastDays(n)) => write!(f, "last_{n}_days"),
            Period::Relative(r) => {
                let name = RELATIVE
                    .iter()
                    .find(|(_, x)| x == r)
                    .map(|(n, _)| *n)
                    .unwrap_or("today");
                f.write_str(name)
            }
        }
    }
}

impl FromStr for Period {
    type Err = Error;

    fn from_str(text: &str) -> Result<Period> {
        let refuse = || Error::invalid("period", format!("{text:?} is not {GRAMMAR}"));
        if let Some((_, r)) = RELATIVE.iter().find(|(n, _)| *n == text) {
            return Ok(Period::Relative(*r));
        }
        if let Some(n) = text
            .strip_prefix("last_")
            .and_then(|t| t.strip_suffix("_days"))
        {
            let n: u16 = digits(n).ok_or_else(refuse)?;
            if n == 0 || n > MAX_LAST_DAYS {
                return Err(Error::invalid(
                    "period",
                    format!("{text}: N must be 1 to {MAX_LAST_DAYS}"),
                ));
            }
            return Ok(Period::Relative(Relative::LastDays(n)));
        }
        if let Some((a, b)) = text.split_once("..") {
            if a.contains('T') || b.contains('T') {
                let instant = |t: &str| {
                    crate::instant::parse(t)
                        .map_err(|e| Error::invalid("period", format!("{text}: {e}")))
                };
                return Ok(Period::Between {
                    start: instant(a)?,
                    end: instant(b)?,
                });
            }
            let day = |t: &str| strict_date(t).ok_or_else(refuse);
            return Ok(Period::Days {
                from: day(a)?,
                until: day(b)?,
            });
        }
        let b = text.as_bytes();
        let year = |t: &str| -> Option<i16> { (t.len() == 4).then(|| digits(t)).flatten() };
        match b.len() {
            4 => year(text).map(Period::Year).ok_or_else(refuse),
            7 if b[4] == b'-' && b[5].eq_ignore_ascii_case(&b'q') => {
                let (y, q) = (year(&text[..4]), digits::<i8>(&text[6..]));
                match (y, q) {
                    (Some(y), Some(q @ 1..=4)) => Ok(Period::Quarter(y, q)),
                    _ => Err(refuse()),
                }
            }
            7 if b[4] == b'-' => match (year(&text[..4]), digits::<i8>(&text[5..])) {
                (Some(y), Some(m @ 1..=12)) => Ok(Period::Month(y, m)),
                _ => Err(refuse()),
            },
            8 if b[4] == b'-' && b[5].eq_ignore_ascii_case(&b'w') => {
                match (year(&text[..4]), digits::<i8>(&text[6..])) {
                    (Some(y), Some(w)) => {
                        jiff::civil::ISOWeekDate::new(y, w, Weekday::Monday)
                            .map_err(|e| Error::invalid("period", format!("{text}: {e}")))?;
                        Ok(Period::Week(y, w))
                    }
                    _ => Err(refuse()),
                }
            }
            10 => strict_date(text).map(Period::Day).ok_or_else(refuse),
            _ => Err(refuse()),
        }
    }
}

/// ASCII digits only (no sign, no spaces).
fn digits<T: FromStr>(t: &str) -> Option<T> {
    (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` exactly.
fn strict_date(t: &str) -> Option<Date> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&t[..4])?, digits(&t[5..7])?, digits(&t[8..])?);
    Date::new(y, m, d).ok()
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|e: Error| match e {
            Error::InvalidInput { message, .. } => serde::de::Error::custom(message),
            other => serde::de::Error::custom(other),
        })
    }
}

impl JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": format!("A period, half-open [start, end) in the business time zone: {GRAMMAR}."),
            "type": "string",
            "examples": ["2026-03", "2026-Q1", "this_month", "last_7_days", "2026-03-01..2026-04-01"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn every_form_reads_back_as_written() {
        for text in [
            "2026-03-15",
            "2026-W11",
            "2026-03",
            "2026-Q1",
            "2026",
            "2026-03-01..2026-04-01",
            "today",
            "last_quarter",
            "last_7_days",
        ] {
            let p: Period = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
        }
        for bad in [
            "",
            "2026-13",
            "2026-Q5",
            "26-03",
            " 2026-03",
            "2026-3",
            "last_0_days",
            "last_x_days",
            "2026-02-30",
            "2026-W54",
            "tomorrow",
            "2026-03..2026-04",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_month_across_a_daylight_saving_change_starts_and_ends_at_local_midnight() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let march = Period::Month(2026, 3)
            .resolve(&paris, Timestamp::UNIX_EPOCH)
            .unwrap();
        assert_eq!(march.start, ts("2026-02-28T23:00:00Z"));
        assert_eq!(march.end, ts("2026-03-31T22:00:00Z"));
        assert_eq!(march.days.to_string(), "31");
        assert_eq!(march.last_day.to_string(), "2026-03-31");
        let ny = TimeZone::get("America/New_York").unwrap();
        let nov = Period::Month(2026, 11)
            .resolve(&ny, Timestamp::UNIX_EPOCH)
            .unwrap();
        assert_eq!(nov.start, ts("2026-11-01T04:00:00Z"));
        assert_eq!(nov.end, ts("2026-12-01T05:00:00Z"));
    }

    #[test]
    fn relative_periods_follow_the_business_day_of_the_anchor() {
        let ny = TimeZone::get("America/New_York").unwrap();
        // 02:00 UTC on 1 April is still 31 March in New York.
        let anchor = ts("2026-04-01T02:00:00Z");
        let r = |t: &str| t.parse::<Period>().unwrap().resolve(&ny, anchor).unwrap();
        assert_eq!(r("this_month").first_day.to_string(), "2026-03-01");
        assert_eq!(r("last_month").first_day.to_string(), "2026-02-01");
        assert_eq!(r("this_quarter").last_day.to_string(), "2026-03-31");
        assert_eq!(r("last_quarter").first_day.to_string(), "2025-10-01");
        assert_eq!(r("today").first_day.to_string(), "2026-03-31");
        let week = r("last_7_days");
        assert_eq!(
            (week.first_day.to_string(), week.last_day.to_string()),
            ("2026-03-25".into(), "2026-03-31".into())
        );
        assert_eq!(week.days.to_string(), "7");
        assert_eq!(r("this_week").first_day.to_string(), "2026-03-30");
        assert_eq!(r("last_year").first_day.to_string(), "2025-01-01");
    }

    #[test]
    fn instants_are_taken_exactly() {
        let utc = TimeZone::UTC;
        let p: Period = "2026-03-01T00:00:00Z..2026-03-01T12:00:00Z"
            .parse()
            .unwrap();
        let r = p.resolve(&utc, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(r.days.to_string(), "0.5");
        let back: Period = "2026-03-02T00:00:00Z..2026-03-01T00:00:00Z"
            .parse()
            .unwrap();
        assert!(back.resolve(&utc, Timestamp::UNIX_EPOCH).is_err());
    }
}
