//! KPI dashboards for the ERP and the CRM, each figure with how it was
//! computed.
//!
//! Every KPI is one function over one consistent snapshot, callable on its
//! own ([`Database::low_stock`]) or as part of a dashboard
//! ([`Database::erp_dashboard`], [`Database::crm_dashboard`]); the two run
//! the same code, so they never disagree. Each result carries a
//! [`Definition`]: the formula, the numerator and denominator of a ratio,
//! the period (half-open `[start, end)` in the business time zone), the
//! currency rule and the rows it counted.
//!
//! - [`period`]: the periods (`2026-03`, `this_quarter`, `last_7_days`…).
//! - [`erp`]: stock valuation, purchases, daily flows, top movers, low
//!   stock, inventory turnover, stockout rate.
//! - [`crm`]: pipeline by stage (now or as of a past instant), win rate,
//!   deal size, sales cycle, stage conversion, time in stage, velocity,
//!   owners' performance, top clients, activities.
//!
//! Amounts in several currencies are reported per currency, or converted
//! with a [`RateTable`] the caller gives and names; they are never added
//! silently. Stock values are in the ledger's cost unit (one currency).
//!
//! ```
//! use racine::{Database, ErpQuery, Movement, NewItem};
//! let db = Database::open_in_memory()?;
//! let oak = db.create_item(&NewItem::new("OAK", "Oak plank"))?.id;
//! db.post(&Movement::receipt(oak, "10".parse()?, "4".parse()?))?;
//! let erp = db.erp_dashboard(&ErpQuery::default())?;
//! assert_eq!(erp.valuation.total.to_string(), "40");
//! // Read from the balances: one item row and one warehouse row.
//! assert_eq!(erp.valuation.definition.rows_counted, 2);
//! # Ok::<(), racine::Error>(())
//! ```

pub mod crm;
pub mod erp;
pub mod period;

use std::collections::BTreeMap;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use period::ResolvedPeriod;

impl Database {
    /// Resolves `period` in the business time zone; relative periods are
    /// read from `now` (the clock when absent).
    ///
    /// ```
    /// use racine::{Database, OpenOptions};
    /// let db = Database::open_in_memory_with(&OpenOptions {
    ///     time_zone: Some("Europe/Paris".into()),
    ///     ..OpenOptions::default()
    /// })?;
    /// let march = db.resolve_period(&"2026-03".parse()?, None)?;
    /// assert_eq!(march.start.to_string(), "2026-02-28T23:00:00Z");
    /// assert_eq!(march.end.to_string(), "2026-03-31T22:00:00Z"); // summer time since the 29th
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn resolve_period(
        &self,
        period: &period::Period,
        now: Option<Timestamp>,
    ) -> Result<ResolvedPeriod> {
        period.resolve(self.time_zone(), now.unwrap_or_else(crate::instant::now))
    }
}

/// The most rows a ranked list returns.
pub const MAX_LIMIT: u32 = 1000;
/// Rows of a ranked list when the query gives no limit.
pub const DEFAULT_LIMIT: u32 = 10;

/// How a KPI was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Definition {
    /// The KPI's name (`win_rate`), the same as its operation.
    pub kpi: String,
    /// What it is, in words and symbols.
    pub formula: String,
    /// For a ratio: what the numerator counts.
    pub numerator: Option<String>,
    /// For a ratio: what the denominator counts.
    pub denominator: Option<String>,
    /// The period it covers; none for a figure read at one instant.
    pub period: Option<ResolvedPeriod>,
    /// The instant a point-in-time figure was read at (stock values, the
    /// open pipeline).
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub at: Option<Timestamp>,
    /// The business time zone (IANA name).
    pub time_zone: String,
    /// How amounts of several currencies were treated.
    pub currency_rule: String,
    /// How many rows it counted (movements, opportunities, order events,
    /// items…, as the formula says).
    pub rows_counted: u64,
}

/// A ratio with its parts; `value` is `None` when the denominator is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Ratio {
    /// The numerator.
    pub numerator: Decimal,
    /// The denominator.
    pub denominator: Decimal,
    /// numerator / denominator, rounded half away from zero to six digits.
    pub value: Option<Decimal>,
}

impl Ratio {
    pub(crate) fn new(numerator: Decimal, denominator: Decimal) -> Result<Ratio> {
        let value = if denominator.is_zero() {
            None
        } else {
            Some(numerator.checked_div(denominator)?)
        };
        Ok(Ratio {
            numerator,
            denominator,
            value,
        })
    }

    pub(crate) fn of_counts(numerator: u64, denominator: u64) -> Result<Ratio> {
        Ratio::new(count(numerator)?, count(denominator)?)
    }
}

/// An amount in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Amount {
    /// ISO 4217 code (`EUR`).
    pub currency: String,
    /// The amount.
    pub amount: Decimal,
}

/// Exchange rates the caller gives to report amounts in one currency.
///
/// Each rate says how many units of `currency` one unit of its own currency
/// is worth. A currency met without a rate is refused (`invalid_input` on
/// `rates`), never left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateTable {
    /// The table's name, repeated in every definition (`ECB 2026-03-31`).
    pub name: String,
    /// The currency everything is converted to.
    pub currency: String,
    /// The rates.
    pub rates: Vec<Rate>,
}

/// One exchange rate of a [`RateTable`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// The currency converted from.
    pub currency: String,
    /// Units of the table's currency per unit of this one (> 0).
    pub rate: Decimal,
}

impl RateTable {
    /// A table converting to `currency`, named `name`.
    pub fn new(name: impl Into<String>, currency: impl Into<String>) -> RateTable {
        RateTable {
            name: name.into(),
            currency: currency.into(),
            rates: Vec::new(),
        }
    }

    /// Adds a rate: one `currency` is worth `rate` of the table's currency.
    pub fn rate(mut self, currency: impl Into<String>, rate: Decimal) -> RateTable {
        self.rates.push(Rate {
            currency: currency.into(),
            rate,
        });
        self
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid("rates.name", "a rate table needs a name"));
        }
        crate::orders::currency("rates.currency", &self.currency)?;
        for (i, r) in self.rates.iter().enumerate() {
            crate::orders::currency(&format!("rates.rates[{i}].currency"), &r.currency)?;
            if !r.rate.is_positive() {
                return Err(Error::invalid(
                    format!("rates.rates[{i}].rate"),
                    "a rate must be greater than zero",
                ));
            }
        }
        Ok(())
    }

    fn rate_of(&self, currency: &str) -> Result<Decimal> {
        if currency == self.currency {
            return Ok(Decimal::ONE);
        }
        self.rates
            .iter()
            .find(|r| r.currency == currency)
            .map(|r| r.rate)
            .ok_or_else(|| {
                Error::invalid(
                    "rates",
                    format!(
                        "rate table {:?} has no rate from {currency} to {}",
                        self.name, self.currency
                    ),
                )
            })
    }
}

/// How the amounts of a KPI are reported: per currency, or converted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Currencies<'a>(pub Option<&'a RateTable>);

impl Currencies<'_> {
    /// The definition's currency rule.
    pub fn rule(&self) -> String {
        match self.0 {
            None => "per currency: amounts in different currencies are reported apart, never added"
                .into(),
            Some(t) => {
                let rates: Vec<String> = t
                    .rates
                    .iter()
                    .map(|r| format!("1 {} = {} {}", r.currency, r.rate, t.currency))
                    .collect();
                format!(
                    "converted to {} with rate table {:?} ({}), each currency's sum converted once",
                    t.currency,
                    t.name,
                    if rates.is_empty() {
                        "no other currency".into()
                    } else {
                        rates.join(", ")
                    }
                )
            }
        }
    }

    /// The currency sums as reported: one per currency in code order, or one
    /// in the table's currency.
    pub fn report(&self, sums: &Money) -> Result<Vec<Amount>> {
        match self.0 {
            None => sums
                .0
                .iter()
                .map(|(c, v)| {
                    Ok(Amount {
                        currency: c.clone(),
                        amount: wide(*v)?,
                    })
                })
                .collect(),
            Some(table) => {
                if sums.0.is_empty() {
                    return Ok(Vec::new());
                }
                Ok(vec![Amount {
                    currency: table.currency.clone(),
                    amount: self.converted(sums)?,
                }])
            }
        }
    }

    /// The sums converted into the table's currency (each currency's sum
    /// converted once, then added).
    fn converted(&self, sums: &Money) -> Result<Decimal> {
        let Some(table) = self.0 else {
            return Err(Error::invalid("rates", "no rate table"));
        };
        let mut total = Decimal::ZERO;
        for (c, v) in &sums.0 {
            let v = wide(*v)?;
            total = total.checked_add(v.checked_mul(table.rate_of(c)?)?)?;
        }
        Ok(total)
    }

    /// The sums as one figure per reported currency, for ranking: the
    /// converted total, or, per currency, the currency's own sum.
    pub fn key(&self, sums: &Money, currency: &str) -> Result<Decimal> {
        match self.0 {
            None => wide(sums.0.get(currency).copied().unwrap_or(0)),
            Some(_) => self.converted(sums),
        }
    }
}

/// Sums per currency, exact.
#[derive(Clone, Debug, Default)]
pub(crate) struct Money(pub BTreeMap<String, i128>);

impl Money {
    pub fn add(&mut self, currency: &str, amount: Decimal) {
        *self.0.entry(currency.to_string()).or_default() += i128::from(amount.raw());
    }

    pub fn merge(&mut self, other: &Money) {
        for (c, v) in &other.0 {
            *self.0.entry(c.clone()).or_default() += v;
        }
    }
}

/// A wide sum of millionths back to a decimal, or a plain refusal.
pub(crate) fn wide(v: i128) -> Result<Decimal> {
    i64::try_from(v)
        .map(Decimal::from_raw)
        .map_err(|_| Error::Storage {
            reason: "a KPI total exceeds the decimal range".into(),
            source: None,
        })
}

/// A count as a decimal.
pub(crate) fn count(n: u64) -> Result<Decimal> {
    i64::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(1_000_000))
        .map(Decimal::from_raw)
        .ok_or_else(|| Error::Storage {
            reason: "a KPI count exceeds the decimal range".into(),
            source: None,
        })
}

/// Microseconds as days, to six digits.
pub(crate) fn days_of(micros: i128) -> Result<Decimal> {
    wide(micros * 1_000_000 / 86_400_000_000)
}

/// The limit of a ranked list: the query's, within 1..=[`MAX_LIMIT`].
pub(crate) fn limit(asked: Option<u32>) -> Result<usize> {
    match asked {
        None => Ok(DEFAULT_LIMIT as usize),
        Some(n @ 1..=MAX_LIMIT) => Ok(n as usize),
        Some(_) => Err(Error::invalid("limit", format!("must be 1 to {MAX_LIMIT}"))),
    }
}
