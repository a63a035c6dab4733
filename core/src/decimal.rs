//! Exact fixed-point decimals for quantities, unit costs and amounts.
//!
//! A [`Decimal`] is a signed 64-bit integer counting millionths (scale 6).
//! SQLite stores it as a plain `INTEGER`, so `SUM()` in SQL stays exact and
//! fast. Products and quotients go through `i128` and are rounded **half away
//! from zero** back to six fractional digits. Binary floats never appear.
//!
//! ```
//! use racine::Decimal;
//!
//! let qty: Decimal = "2.5".parse()?;
//! let cost: Decimal = "15.333333".parse()?;
//! assert_eq!(qty.checked_mul(cost)?.to_string(), "38.333333"); // 38.3333325 rounded away from zero
//! assert_eq!(Decimal::from(3).to_string(), "3");
//! # Ok::<(), racine::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a decimal could not be read or computed. Converts into
/// [`crate::Error::InvalidInput`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecimalError {
    /// The text is not an exact decimal of at most six fractional digits.
    #[error("{text:?} is not a decimal: {why}")]
    Parse {
        /// The text given.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The result does not fit ±9,223,372,036,854.775807.
    #[error("{what} of {a} and {b} is outside the supported range")]
    Overflow {
        /// `sum`, `product`…
        what: &'static str,
        /// First operand.
        a: Decimal,
        /// Second operand.
        b: Decimal,
    },
    /// A whole number too large to hold six fractional digits.
    #[error("{0} is outside the supported range")]
    OutOfRange(i64),
    /// A quotient by zero.
    #[error("division by zero")]
    DivisionByZero,
}

type Result<T> = std::result::Result<T, DecimalError>;

/// Number of fractional digits kept by every [`Decimal`].
pub const SCALE: u32 = 6;
const ONE: i64 = 10i64.pow(SCALE);

/// An exact decimal with six fractional digits, stored as `i64` millionths.
///
/// Its JSON form is a string (`"12.5"`), so no JSON reader turns it into a
/// float on the way. Parsing refuses more than six fractional digits rather
/// than rounding silently.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i64);

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal(0);
    /// One.
    pub const ONE: Decimal = Decimal(ONE);
    /// The largest amount a `Decimal` holds: 9223372036854.775807.
    pub const MAX: Decimal = Decimal(i64::MAX);

    /// Builds a decimal from its raw count of millionths.
    pub const fn from_raw(millionths: i64) -> Decimal {
        Decimal(millionths)
    }

    /// The raw count of millionths (what SQLite stores).
    pub const fn raw(self) -> i64 {
        self.0
    }

    /// True when the value is exactly zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// True when the value is strictly below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// True when the value is strictly above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The absolute value (saturating at `i64::MAX` millionths).
    pub fn abs(self) -> Decimal {
        Decimal(self.0.saturating_abs())
    }

    /// Exact sum; an overflow is [`DecimalError::Overflow`].
    pub fn checked_add(self, other: Decimal) -> Result<Decimal> {
        self.0
            .checked_add(other.0)
            .map(Decimal)
            .ok_or_else(|| overflow("sum", self, other))
    }

    /// Exact difference; an overflow is [`DecimalError::Overflow`].
    pub fn checked_sub(self, other: Decimal) -> Result<Decimal> {
        self.0
            .checked_sub(other.0)
            .map(Decimal)
            .ok_or_else(|| overflow("difference", self, other))
    }

    /// Negation; only `i64::MIN` millionths cannot be negated.
    pub fn checked_neg(self) -> Result<Decimal> {
        self.0
            .checked_neg()
            .map(Decimal)
            .ok_or_else(|| overflow("negation", self, self))
    }

    /// Product rounded half away from zero to six digits.
    pub fn checked_mul(self, other: Decimal) -> Result<Decimal> {
        let wide = self.0 as i128 * other.0 as i128;
        narrow(div_round(wide, ONE as i128)).ok_or_else(|| overflow("product", self, other))
    }

    /// `self × numerator / denominator`, computed in `i128` and rounded once,
    /// half away from zero. This is how a share of a value is taken.
    pub fn mul_div(self, numerator: Decimal, denominator: Decimal) -> Result<Decimal> {
        if denominator.is_zero() {
            return Err(DecimalError::DivisionByZero);
        }
        let wide = self.0 as i128 * numerator.0 as i128;
        narrow(div_round(wide, denominator.0 as i128))
            .ok_or_else(|| overflow("ratio", self, numerator))
    }

    /// Quotient rounded half away from zero to six digits.
    pub fn checked_div(self, other: Decimal) -> Result<Decimal> {
        self.mul_div(Decimal::ONE, other)
    }
}

/// Integer division rounding half away from zero.
fn div_round(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if r.abs() * 2 >= d.abs() {
        if (n < 0) != (d < 0) {
            q - 1
        } else {
            q + 1
        }
    } else {
        q
    }
}

fn narrow(v: i128) -> Option<Decimal> {
    i64::try_from(v).ok().map(Decimal)
}

fn overflow(what: &'static str, a: Decimal, b: Decimal) -> DecimalError {
    DecimalError::Overflow { what, a, b }
}

impl From<i32> for Decimal {
    fn from(v: i32) -> Decimal {
        Decimal(v as i64 * ONE)
    }
}

impl TryFrom<i64> for Decimal {
    type Error = DecimalError;
    fn try_from(v: i64) -> Result<Decimal> {
        v.checked_mul(ONE)
            .map(Decimal)
            .ok_or(DecimalError::OutOfRange(v))
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    /// The one decimal grammar of every binding: an optional `-`, one or
    /// more ASCII digits, and optionally a `.` followed by one or more
    /// digits, of which at most 6 may be non-zero (`0.10000000` is the
    /// exact value 0.1). Nothing else: no `+`, no spaces, no exponent, no
    /// `5.` or `.5`; and within ±9223372036854.775807.
    fn from_str(s: &str) -> Result<Decimal> {
        let bad = |why: &'static str| DecimalError::Parse {
            text: s.to_string(),
            why,
        };
        const GRAMMAR: &str = "expected digits, optionally a '.' and up to 6 decimals, with an optional leading '-' (such as 12, -3.5 or 0.000001)";
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(int_part) || frac_part.is_some_and(|f| !digits(f)) {
            return Err(bad(GRAMMAR));
        }
        let frac_part = frac_part.unwrap_or("");
        // Trailing zeros past the sixth decimal do not change the value.
        let kept = frac_part.trim_end_matches('0');
        if kept.len() > SCALE as usize {
            return Err(bad("more than 6 decimals (Racine keeps millionths)"));
        }
        let mut raw: i128 = 0;
        for b in int_part.bytes() {
            raw = raw * 10 + (b - b'0') as i128;
            if raw > i64::MAX as i128 {
                return Err(bad("out of range"));
            }
        }
        raw *= ONE as i128;
        let mut frac: i128 = 0;
        for b in kept.bytes() {
            frac = frac * 10 + (b - b'0') as i128;
        }
        frac *= 10i128.pow(SCALE - kept.len() as u32);
        raw += frac;
        if negative {
            raw = -raw;
        }
        narrow(raw).ok_or_else(|| bad("out of range"))
    }
}

impl fmt::Display for Decimal {
    /// Shortest exact form: `12`, `12.5`, `-0.000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0 as i128;
        let sign = if v < 0 { "-" } else { "" };
        let a = v.abs();
        let int = a / ONE as i128;
        let frac = a % ONE as i128;
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{int}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({self})")
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// Accepts a string (`"12.5"`) or a JSON integer (`12`); refuses a JSON
    /// float such as `12.5`, which may already have lost exactness.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal as a string such as \"12.5\", or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Decimal, E> {
                v.parse()
                    .map_err(|e: DecimalError| E::custom(e.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Decimal, E> {
                Decimal::try_from(v).map_err(|e| E::custom(e.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Decimal, E> {
                i64::try_from(v)
                    .map_err(|_| E::custom("integer out of range"))
                    .and_then(|v| self.visit_i64(v))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Decimal, E> {
                Err(E::custom(format!(
                    "{v} is a binary float; write decimals as strings, e.g. \"{v}\""
                )))
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Decimal {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact decimal with at most six fractional digits, as a string (\"12.5\") or an integer; a JSON float is refused.",
            "type": ["string", "integer"],
            "format": "decimal",
            "pattern": "^-?[0-9]+([.][0-9]{1,6}0*)?$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_shortest_exact_form() {
        for (input, shown) in [
            ("0", "0"),
            ("12", "12"),
            ("12.50", "12.5"),
            ("-0.000001", "-0.000001"),
            ("3.000", "3"),
            ("0.50000000", "0.5"),
            ("9223372036854.775807", "9223372036854.775807"),
            ("-9223372036854.775808", "-9223372036854.775808"),
        ] {
            assert_eq!(d(input).to_string(), shown, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_exact_decimal() {
        for bad in [
            "",
            "-",
            ".",
            "1e3",
            "1.0000001",
            "12,5",
            "NaN",
            "9223372036855",
            "1.2.3",
            " - 1",
        ] {
            let err = bad.parse::<Decimal>().unwrap_err();
            assert!(matches!(err, DecimalError::Parse { .. }), "{bad:?}");
            assert_eq!(
                crate::Error::from(err).code(),
                crate::ErrorCode::InvalidInput
            );
        }
    }

    #[test]
    fn products_round_half_away_from_zero() {
        assert_eq!(d("0.000001").checked_mul(d("0.5")).unwrap(), d("0.000001"));
        assert_eq!(
            d("-0.000001").checked_mul(d("0.5")).unwrap(),
            d("-0.000001")
        );
        assert_eq!(d("0.000001").checked_mul(d("0.4")).unwrap(), d("0"));
        assert_eq!(d("10").checked_mul(d("15.5")).unwrap(), d("155"));
        assert_eq!(d("2200").mul_div(d("5"), d("20")).unwrap(), d("550"));
        assert_eq!(d("1").checked_div(d("3")).unwrap(), d("0.333333"));
        assert_eq!(d("2").checked_div(d("3")).unwrap(), d("0.666667"));
        assert_eq!(d("-2").checked_div(d("3")).unwrap(), d("-0.666667"));
        assert_eq!(d("2").checked_div(d("-3")).unwrap(), d("-0.666667"));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let big = Decimal::from_raw(i64::MAX);
        assert!(big.checked_add(Decimal::from_raw(1)).is_err());
        assert!(big.checked_mul(d("2")).is_err());
        assert!(d("1").checked_div(Decimal::ZERO).is_err());
        assert!(Decimal::from_raw(i64::MIN).checked_neg().is_err());
        assert_eq!(
            Decimal::try_from(i64::MAX).unwrap_err().to_string(),
            format!("{} is outside the supported range", i64::MAX)
        );
    }

    #[test]
    fn json_form_is_a_string_and_floats_are_refused() {
        assert_eq!(serde_json::to_string(&d("12.5")).unwrap(), "\"12.5\"");
        assert_eq!(
            serde_json::from_str::<Decimal>("\"12.5\"").unwrap(),
            d("12.5")
        );
        assert_eq!(serde_json::from_str::<Decimal>("7").unwrap(), d("7"));
        assert!(serde_json::from_str::<Decimal>("12.5").is_err());
        assert!(serde_json::from_str::<Decimal>("true").is_err());
    }
}
