//! Instants: the one grammar Racine accepts in text, the range it keeps,
//! and the precision it stores.
//!
//! An instant in a request is RFC 3339 with an offset:
//! `2026-03-01T09:30:00Z`, `2026-03-01T10:30:00.250+01:00`. Precisely:
//! `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM:SS`, at most six
//! fractional digits, then `Z` (or `z`) or an offset `±HH:MM` within
//! ±23:59. A leap second (`23:59:60`) is refused, not moved to `:59`.
//! The range is from `0000-01-01T00:00:00+23:59` to [`LAST`]
//! (`9999-12-30T22:00:00Z`: the date library keeps room for every
//! offset, so that any instant can be shown in any time zone).
//!
//! Instants are stored in microseconds; an instant given in Rust with finer
//! precision (`Timestamp::now()`) is kept to the microsecond below, so what
//! a write returns is what later reads return.

use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use jiff::{RoundMode, Timestamp, TimestampRound, Unit};
use serde::{Deserialize, Deserializer};

/// The last instant Racine keeps.
pub const LAST: &str = "9999-12-30T22:00:00Z";

/// Now, to the microsecond (what the store keeps).
pub(crate) fn now() -> Timestamp {
    stored(Timestamp::now())
}

/// `t` to the microsecond below.
pub(crate) fn stored(t: Timestamp) -> Timestamp {
    let floor = TimestampRound::new()
        .smallest(Unit::Microsecond)
        .mode(RoundMode::Floor);
    t.round(floor).unwrap_or(t)
}

/// Parses one instant of the grammar above; the error says what is wrong.
pub fn parse(text: &str) -> Result<Timestamp, String> {
    let example = "an RFC 3339 instant with an offset, such as 2026-03-01T09:30:00Z or 2026-03-01T10:30:00+01:00";
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i32> {
        let s = b.get(from..from + n)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0, |acc, d| acc * 10 + i32::from(d - b'0')))
    };
    let shape = || format!("{text:?} is not {example}");
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0, 4),
        digits(5, 2),
        digits(8, 2),
        digits(11, 2),
        digits(14, 2),
        digits(17, 2),
    ) else {
        return Err(shape());
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(shape());
    }
    let mut i = 19;
    let mut nanos = 0;
    if b.get(i) == Some(&b'.') {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(shape());
        }
        if n > 6 {
            return Err(format!(
                "{text:?} has {n} fractional digits: instants are kept to the microsecond (at most 6)"
            ));
        }
        let frac = digits(i + 1, n).ok_or_else(shape)?;
        nanos = frac * 10i32.pow(9 - n as u32);
        i += 1 + n;
    }
    let offset_seconds = match &b[i..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (Some(h), Some(m)) = (digits(i + 1, 2), digits(i + 4, 2)) else {
                return Err(shape());
            };
            if h > 23 || m > 59 {
                return Err(format!(
                    "{text:?} has the offset {}: offsets go from -23:59 to +23:59",
                    &text[i..]
                ));
            }
            let s = h * 3600 + m * 60;
            if *sign == b'-' {
                -s
            } else {
                s
            }
        }
        _ => return Err(shape()),
    };
    if second == 60 {
        return Err(format!(
            "{text:?} is a leap second, which an instant cannot represent: use {:02}:{:02}:59",
            hour, minute
        ));
    }
    let date = Date::new(year as i16, month as i8, day as i8)
        .map_err(|_| format!("{text:?} is not a date of the calendar"))?;
    let time = Time::new(hour as i8, minute as i8, second as i8, nanos)
        .map_err(|_| format!("{text:?} is not a time of day"))?;
    let offset = Offset::from_seconds(offset_seconds).map_err(|_| shape())?;
    offset
        .to_timestamp(date.to_datetime(time))
        .map_err(|_| format!("{text:?} is after {LAST}, the last instant Racine keeps"))
}

/// Serde adapters for instants in requests (`#[serde(with = …)]`).
pub(crate) mod text {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }

    pub(crate) fn serialize<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(t, s)
    }

    /// The same for an optional instant.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Timestamp>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| parse(&s).map_err(serde::de::Error::custom))
                .transpose()
        }

        pub(crate) fn serialize<S: serde::Serializer>(
            t: &Option<Timestamp>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            serde::Serialize::serialize(t, s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_accepts_rfc_3339_with_an_offset() {
        let ok = [
            ("2026-03-01T09:30:00Z", "2026-03-01T09:30:00Z"),
            ("2026-03-01t10:30:00.25+01:00", "2026-03-01T09:30:00.25Z"),
            ("2026-03-01 09:30:00.123456z", "2026-03-01T09:30:00.123456Z"),
            ("0999-01-01T00:00:00-23:59", "0999-01-01T23:59:00Z"),
            ("9999-12-30T22:00:00Z", "9999-12-30T22:00:00Z"),
        ];
        for (text, utc) in ok {
            assert_eq!(
                parse(text).map(|t| t.to_string()),
                Ok(utc.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn the_rest_is_refused_with_what_is_wrong() {
        let refused = [
            (
                "2026-03-01T09:30:00+25:00",
                "offsets go from -23:59 to +23:59",
            ),
            ("2026-12-31T23:59:60Z", "leap second"),
            ("9999-12-31T23:59:59Z", "after 9999-12-30T22:00:00Z"),
            ("2026-02-30T00:00:00Z", "not a date"),
            ("2026-03-01T09:30:00.1234567Z", "7 fractional digits"),
            ("2026-03-01T09:30:00", "RFC 3339"),
            ("2026-03-01T09:30Z", "RFC 3339"),
            ("2026-03-01T24:00:00Z", "not a time"),
            ("", "RFC 3339"),
            ("2026-03-01T09:30:00.Z", "RFC 3339"),
            ("2026-03-01T09:30:00+01:00:00", "RFC 3339"),
            ("２026-03-01T09:30:00Z", "RFC 3339"),
        ];
        for (text, says) in refused {
            let e = parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn instants_are_kept_to_the_microsecond() {
        let t: Timestamp = "2026-01-01T00:00:00.123456789Z".parse().unwrap();
        assert_eq!(stored(t).to_string(), "2026-01-01T00:00:00.123456Z");
        let before: Timestamp = "1969-12-31T23:59:59.9999999Z".parse().unwrap();
        assert_eq!(stored(before).to_string(), "1969-12-31T23:59:59.999999Z");
        assert_eq!(now().subsec_nanosecond() % 1000, 0);
    }
}
