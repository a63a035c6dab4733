//! The CRM dashboard: the open pipeline (now or replayed as of a past
//! instant), win rate, deal size, sales cycle, stage conversion, time in
//! stage, pipeline velocity, owners' performance, top clients and
//! activities.
//!
//! "Closed in the period" is read from the transition log: an opportunity
//! counts when its last transition within the period left it won or lost.
//! So a deal lost in February is not in March's win rate, one lost in
//! February and won after reopening in March is a March win, and a March
//! win reopened in April stays a March win: a past period never changes.
//! Amounts are the opportunities' current amounts.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::period::{zone_name, Period, ResolvedPeriod};
use super::{count, days_of, limit, Amount, Currencies, Definition, Money, RateTable, Ratio};
use crate::crm::{Interaction, InteractionWhen, Stage, StageKind};
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::store::{ClosingRow, InteractionQuery, PipelineRow, Reads};

/// What a CRM KPI covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CrmQuery {
    /// The period (default `this_month`).
    pub period: Period,
    /// Replays the open pipeline as of this instant from the transition log
    /// (stages as they were, amounts as they are); relative periods are read
    /// from it. Default: now, from the open-pipeline rollup.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub as_of: Option<Timestamp>,
    /// One pipeline (id); all when absent.
    pub pipeline: Option<i64>,
    /// One owner's opportunities and activities only.
    pub owner: Option<String>,
    /// Converts amounts into one currency; per currency when absent.
    pub rates: Option<RateTable>,
    /// Rows of each ranked list (default 10, at most 1000).
    pub limit: Option<u32>,
}

impl Default for CrmQuery {
    fn default() -> CrmQuery {
        CrmQuery {
            period: Period::Relative(super::period::Relative::ThisMonth),
            as_of: None,
            pipeline: None,
            owner: None,
            rates: None,
            limit: None,
        }
    }
}

impl CrmQuery {
    /// The dashboard of `period`.
    pub fn period(period: Period) -> CrmQuery {
        CrmQuery {
            period,
            ..CrmQuery::default()
        }
    }

    /// The open pipeline as of `at` (and relative periods read from it).
    pub fn as_of(mut self, at: Timestamp) -> CrmQuery {
        self.as_of = Some(at);
        self
    }

    /// Amounts converted with `rates`.
    pub fn rates(mut self, rates: RateTable) -> CrmQuery {
        self.rates = Some(rates);
        self
    }
}

/// The query resolved once for every KPI of a call.
struct Ctx<'q> {
    period: ResolvedPeriod,
    as_of: Option<Timestamp>,
    now: Timestamp,
    pipeline: Option<i64>,
    owner: Option<&'q str>,
    currencies: Currencies<'q>,
    limit: usize,
    time_zone: String,
    /// Every stage of the pipelines counted, by id.
    stages: HashMap<i64, Stage>,
    /// The pipelines counted, by id: (name, stages in order).
    pipelines: BTreeMap<i64, (String, Vec<i64>)>,
}

impl<'q> Ctx<'q> {
    fn new(db: &Database, r: &dyn Reads, q: &'q CrmQuery) -> Result<Ctx<'q>> {
        let now = r.now()?;
        let period = q.period.resolve(db.time_zone(), q.as_of.unwrap_or(now))?;
        crate::text::optional("owner", q.owner.as_deref(), 100)?;
        if let Some(t) = &q.rates {
            t.check()?;
        }
        let ids = match q.pipeline {
            Some(p) => {
                if r.pipeline_row(p)?.is_none() {
                    return Err(Error::NotFound {
                        entity: "pipeline",
                        key: p.to_string(),
                    });
                }
                vec![p]
            }
            None => r.pipeline_ids()?,
        };
        let mut stages = HashMap::new();
        let mut pipelines = BTreeMap::new();
        for p in ids {
            let name = r.pipeline_row(p)?.map(|(n, _)| n).unwrap_or_default();
            let mut list = r.stages(p)?;
            list.sort_by_key(|s| s.position);
            pipelines.insert(p, (name, list.iter().map(|s| s.id).collect()));
            for s in list {
                stages.insert(s.id, s);
            }
        }
        Ok(Ctx {
            period,
            as_of: q.as_of,
            now,
            pipeline: q.pipeline,
            owner: q.owner.as_deref(),
            currencies: Currencies(q.rates.as_ref()),
            limit: limit(q.limit)?,
            time_zone: zone_name(db.time_zone()),
            stages,
            pipelines,
        })
    }

    fn definition(&self, kpi: &str, formula: &str, rows: u64) -> Definition {
        let owner = self
            .owner
            .map(|o| format!(" Only opportunities owned by {o:?}."))
            .unwrap_or_default();
        Definition {
            kpi: kpi.into(),
            formula: format!("{formula}{owner}"),
            numerator: None,
            denominator: None,
            period: Some(self.period.clone()),
            at: None,
            time_zone: self.time_zone.clone(),
            currency_rule: self.currencies.rule(),
            rows_counted: rows,
        }
    }

    fn ratio_definition(
        &self,
        kpi: &str,
        formula: &str,
        num: &str,
        den: &str,
        rows: u64,
    ) -> Definition {
        Definition {
            numerator: Some(num.into()),
            denominator: Some(den.into()),
            ..self.definition(kpi, formula, rows)
        }
    }

    fn pipeline_at(&self) -> Timestamp {
        self.as_of.unwrap_or(self.now)
    }

    fn owned(&self, owner: Option<&str>) -> bool {
        self.owner.is_none_or(|o| owner == Some(o))
    }

    /// The opportunities closed in the period, of the pipelines and owner
    /// counted.
    fn closings(&self, r: &dyn Reads) -> Result<Vec<ClosingRow>> {
        let rows = r.closings(self.period.start, self.period.end, self.pipeline)?;
        Ok(rows
            .into_iter()
            .filter(|c| self.owned(c.owner.as_deref()))
            .collect())
    }

    /// The open pipeline at the query's instant.
    fn open(&self, r: &dyn Reads) -> Result<Vec<PipelineRow>> {
        match self.as_of {
            Some(at) => r.pipeline_as_of(at, self.pipeline, self.owner),
            None => r.open_pipeline(self.pipeline, self.owner),
        }
    }
}

// -- the open pipeline ----------------------------------------------------------------

/// The open pipeline per stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PipelineByStage {
    /// The instant it stands at.
    #[schemars(with = "crate::catalogue::Instant")]
    #[serde(with = "crate::instant::text")]
    pub at: Timestamp,
    /// Each pipeline, by id.
    pub pipelines: Vec<PipelineFigures>,
    /// How it was computed.
    pub definition: Definition,
}

/// The open opportunities of one pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PipelineFigures {
    /// Pipeline id.
    pub pipeline: i64,
    /// Its name.
    pub name: String,
    /// Its open stages, in stage order.
    pub stages: Vec<StageFigures>,
    /// Open opportunities in all.
    pub count: u64,
    /// Σ amount.
    pub amount: Vec<Amount>,
    /// Σ amount × probability / 100.
    pub weighted: Vec<Amount>,
}

/// The open opportunities of one stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StageFigures {
    /// Stage id.
    pub stage: i64,
    /// Its name.
    pub name: String,
    /// Its default probability (an opportunity may override it).
    pub probability: Decimal,
    /// Open opportunities in it.
    pub count: u64,
    /// Of those, how many have no amount (counted, not summed).
    pub without_amount: u64,
    /// Σ amount.
    pub amount: Vec<Amount>,
    /// Σ amount × probability / 100, rounded once.
    pub weighted: Vec<Amount>,
}

/// Amounts and probability-weighted numerators (amount × probability, in
/// millionths²) per currency.
#[derive(Default)]
struct Open {
    count: u64,
    without_amount: u64,
    amount: Money,
    weighted: BTreeMap<String, i128>,
}

impl Open {
    fn add(&mut self, row: &PipelineRow, stage_probability: Decimal) {
        self.count += row.count;
        match &row.currency {
            None => self.without_amount += row.count,
            Some(c) => {
                self.amount.add(c, row.amount);
                let p = row.probability.unwrap_or(stage_probability);
                *self.weighted.entry(c.clone()).or_default() +=
                    i128::from(row.amount.raw()) * i128::from(p.raw());
            }
        }
    }

    fn merge(&mut self, o: &Open) {
        self.count += o.count;
        self.without_amount += o.without_amount;
        self.amount.merge(&o.amount);
        for (c, v) in &o.weighted {
            *self.weighted.entry(c.clone()).or_default() += v;
        }
    }

    /// Σ amount × probability / 100 per currency, each rounded once.
    fn weighted(&self) -> Money {
        let mut m = Money::default();
        for (c, v) in &self.weighted {
            let d = 100 * 1_000_000i128;
            let q = v / d
                + if (v % d).abs() * 2 >= d {
                    v.signum()
                } else {
                    0
                };
            m.0.insert(c.clone(), q);
        }
        m
    }
}

fn open_by_stage(ctx: &Ctx, rows: &[PipelineRow]) -> HashMap<i64, Open> {
    let mut per_stage: HashMap<i64, Open> = HashMap::new();
    for row in rows {
        let p = ctx
            .stages
            .get(&row.stage)
            .map(|s| s.probability)
            .unwrap_or(Decimal::ZERO);
        per_stage.entry(row.stage).or_default().add(row, p);
    }
    per_stage
}

fn pipeline_by_stage(r: &dyn Reads, ctx: &Ctx) -> Result<PipelineByStage> {
    let rows = ctx.open(r)?;
    let per_stage = open_by_stage(ctx, &rows);
    let mut pipelines = Vec::new();
    let mut counted = 0;
    for (&id, (name, order)) in &ctx.pipelines {
        let mut all = Open::default();
        let mut stages = Vec::new();
        for s in order.iter().filter_map(|s| ctx.stages.get(s)) {
            let open = per_stage.get(&s.id);
            if s.kind != StageKind::Open && open.is_none() {
                continue;
            }
            let empty = Open::default();
            let open = open.unwrap_or(&empty);
            all.merge(open);
            stages.push(StageFigures {
                stage: s.id,
                name: s.name.clone(),
                probability: s.probability,
                count: open.count,
                without_amount: open.without_amount,
                amount: ctx.currencies.report(&open.amount)?,
                weighted: ctx.currencies.report(&open.weighted())?,
            });
        }
        counted += all.count;
        pipelines.push(PipelineFigures {
            pipeline: id,
            name: name.clone(),
            stages,
            count: all.count,
            amount: ctx.currencies.report(&all.amount)?,
            weighted: ctx.currencies.report(&all.weighted())?,
        });
    }
    let source = match ctx.as_of {
        Some(_) => {
            "replayed from the transition log: each opportunity in the stage of its latest \
             transition at or before the instant, counted if that left it open; amounts and \
             probability overrides as they are now"
        }
        None => "read from the open-pipeline rollup, kept in each opportunity's transaction",
    };
    let at = ctx.pipeline_at();
    Ok(PipelineByStage {
        at,
        pipelines,
        definition: Definition {
            period: None,
            at: Some(at),
            ..ctx.definition(
                "pipeline_by_stage",
                &format!(
                    "per stage in stage order: count, Σ amount and Σ amount × probability / 100 \
                     (the opportunity's probability, else its stage's) of open opportunities \
                     only — won and lost are never in the open pipeline; {source}. Rows counted: \
                     open opportunities."
                ),
                counted,
            )
        },
    })
}

// -- closed in the period ----------------------------------------------------------------

/// Won and lost among the opportunities closed in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct WinRate {
    /// Won.
    pub won: u64,
    /// Lost.
    pub lost: u64,
    /// won / (won + lost), by count.
    pub by_count: Ratio,
    /// Σ amount won / Σ amount closed, per currency (or converted).
    pub by_value: Vec<ValueRatio>,
    /// How it was computed.
    pub definition: Definition,
}

/// A ratio of amounts in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ValueRatio {
    /// The currency.
    pub currency: String,
    /// The ratio.
    pub ratio: Ratio,
}

/// Sums over the opportunities closed in the period.
#[derive(Default)]
struct Closed {
    won: u64,
    lost: u64,
    won_with_amount: BTreeMap<String, u64>,
    won_value: Money,
    lost_value: Money,
    /// Σ (closed − created) of wins, in microseconds.
    cycle: i128,
}

impl Closed {
    fn of<'a>(rows: impl IntoIterator<Item = &'a ClosingRow>) -> Closed {
        let mut c = Closed::default();
        for row in rows {
            let amount = row.amount.zip(row.currency.as_deref());
            if row.won {
                c.won += 1;
                c.cycle += i128::from(row.at.as_microsecond() - row.created_at.as_microsecond());
                if let Some((a, cur)) = amount {
                    c.won_value.add(cur, a);
                    *c.won_with_amount.entry(cur.to_string()).or_default() += 1;
                }
            } else {
                c.lost += 1;
                if let Some((a, cur)) = amount {
                    c.lost_value.add(cur, a);
                }
            }
        }
        c
    }

    fn win_rate(&self) -> Result<Ratio> {
        Ratio::of_counts(self.won, self.won + self.lost)
    }

    fn by_value(&self, cur: &Currencies) -> Result<Vec<ValueRatio>> {
        let mut closed = self.won_value.clone();
        closed.merge(&self.lost_value);
        let won = cur.report(&self.won_value)?;
        cur.report(&closed)?
            .into_iter()
            .map(|all| {
                let w = won
                    .iter()
                    .find(|w| w.currency == all.currency)
                    .map(|w| w.amount)
                    .unwrap_or(Decimal::ZERO);
                Ok(ValueRatio {
                    ratio: Ratio::new(w, all.amount)?,
                    currency: all.currency,
                })
            })
            .collect()
    }

    /// Σ won / number won with an amount, per reported currency.
    fn average_deal(&self, cur: &Currencies) -> Result<Vec<Amount>> {
        let with_amount: u64 = self.won_with_amount.values().sum();
        cur.report(&self.won_value)?
            .into_iter()
            .map(|a| {
                let n = match cur.0 {
                    None => self.won_with_amount.get(&a.currency).copied().unwrap_or(0),
                    Some(_) => with_amount,
                };
                Ok(Amount {
                    amount: if n == 0 {
                        Decimal::ZERO
                    } else {
                        a.amount.checked_div(count(n)?)?
                    },
                    currency: a.currency,
                })
            })
            .collect()
    }

    fn cycle(&self) -> Result<Ratio> {
        Ratio::new(days_of(self.cycle)?, count(self.won)?)
    }
}

const CLOSED_RULE: &str = "closed in the period = the opportunity's last transition within \
     [start, end) left it won or lost (a deal closed in an earlier period is not counted; one \
     reopened after the period keeps its outcome there)";

fn win_rate(ctx: &Ctx, rows: &[ClosingRow]) -> Result<WinRate> {
    let c = Closed::of(rows);
    Ok(WinRate {
        won: c.won,
        lost: c.lost,
        by_count: c.win_rate()?,
        by_value: c.by_value(&ctx.currencies)?,
        definition: ctx.ratio_definition(
            "win_rate",
            &format!(
                "won / (won + lost) among opportunities closed in the period, by count and by \
                 amount; open ones excluded; {CLOSED_RULE}. Rows counted: opportunities closed."
            ),
            "opportunities won in the period (count, or Σ amount)",
            "opportunities won or lost in the period (count, or Σ amount)",
            c.won + c.lost,
        ),
    })
}

/// The average amount of the deals won in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DealSize {
    /// Opportunities won.
    pub won: u64,
    /// Σ amount won.
    pub won_value: Vec<Amount>,
    /// Σ amount won / number won with an amount in that currency.
    pub average: Vec<Amount>,
    /// How it was computed.
    pub definition: Definition,
}

fn deal_size(ctx: &Ctx, rows: &[ClosingRow]) -> Result<DealSize> {
    let c = Closed::of(rows);
    Ok(DealSize {
        won: c.won,
        won_value: ctx.currencies.report(&c.won_value)?,
        average: c.average_deal(&ctx.currencies)?,
        definition: ctx.ratio_definition(
            "average_deal_size",
            &format!(
                "Σ amount won in the period / number won (with an amount, per currency); \
                 {CLOSED_RULE}. Rows counted: opportunities won."
            ),
            "Σ amount of opportunities won in the period",
            "opportunities won in the period with an amount",
            c.won,
        ),
    })
}

/// How long won deals took, from creation to the win.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SalesCycle {
    /// Σ days / deals won: the mean in days.
    pub days: Ratio,
    /// How it was computed.
    pub definition: Definition,
}

fn sales_cycle(ctx: &Ctx, rows: &[ClosingRow]) -> Result<SalesCycle> {
    let c = Closed::of(rows);
    Ok(SalesCycle {
        days: c.cycle()?,
        definition: ctx.ratio_definition(
            "sales_cycle",
            &format!(
                "mean of (won − created) in days over opportunities won in the period; \
                 {CLOSED_RULE}. Rows counted: opportunities won."
            ),
            "Σ days from creation to the winning transition",
            "opportunities won in the period",
            c.won,
        ),
    })
}

/// Expected value won per day: (open × win rate × average deal) / cycle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PipelineVelocity {
    /// Open opportunities with an amount (at the pipeline's instant).
    pub open: u64,
    /// The period's win rate by count.
    pub win_rate: Option<Decimal>,
    /// The period's mean sales cycle in days.
    pub cycle_days: Option<Decimal>,
    /// Per currency: the velocity, value per day.
    pub per_day: Vec<Velocity>,
    /// How it was computed.
    pub definition: Definition,
}

/// The velocity in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Velocity {
    /// The currency.
    pub currency: String,
    /// Open opportunities with an amount in it.
    pub open: u64,
    /// Average deal size won in it.
    pub average_deal: Decimal,
    /// Value per day; none without a win or with a zero cycle.
    pub per_day: Option<Decimal>,
}

fn velocity(ctx: &Ctx, rows: &[ClosingRow], open: &[PipelineRow]) -> Result<PipelineVelocity> {
    let c = Closed::of(rows);
    let win = c.win_rate()?.value;
    let cycle = c.cycle()?.value;
    let mut open_by_currency: BTreeMap<String, u64> = BTreeMap::new();
    for row in open {
        if let Some(cur) = &row.currency {
            *open_by_currency.entry(cur.clone()).or_default() += row.count;
        }
    }
    let open_all: u64 = open_by_currency.values().sum();
    let mut per_day = Vec::new();
    for a in c.average_deal(&ctx.currencies)? {
        let n = match ctx.currencies.0 {
            None => open_by_currency.get(&a.currency).copied().unwrap_or(0),
            Some(_) => open_all,
        };
        let v = match (win, cycle) {
            (Some(w), Some(d)) if !d.is_zero() => Some(
                count(n)?
                    .checked_mul(w)?
                    .checked_mul(a.amount)?
                    .checked_div(d)?,
            ),
            _ => None,
        };
        per_day.push(Velocity {
            currency: a.currency,
            open: n,
            average_deal: a.amount,
            per_day: v,
        });
    }
    Ok(PipelineVelocity {
        open: open_all,
        win_rate: win,
        cycle_days: cycle,
        per_day,
        definition: ctx.ratio_definition(
            "pipeline_velocity",
            "(open opportunities × win rate × average deal size) / sales cycle days: open \
             opportunities with an amount at the pipeline's instant, the period's win rate by \
             count, average deal size and sales cycle. Rows counted: opportunities closed plus \
             open.",
            "open opportunities × win rate × average deal size",
            "sales cycle in days",
            c.won + c.lost + open_all,
        ),
    })
}

// -- owners -------------------------------------------------------------------------

/// Commercial performance per owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OwnerPerformance {
    /// Each owner (none last), by name.
    pub owners: Vec<OwnerFigures>,
    /// How it was computed.
    pub definition: Definition,
}

/// One owner's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OwnerFigures {
    /// The owner; none for opportunities without one.
    pub owner: Option<String>,
    /// Won in the period.
    pub won: u64,
    /// Lost in the period.
    pub lost: u64,
    /// Σ amount won.
    pub won_value: Vec<Amount>,
    /// won / (won + lost).
    pub win_rate: Ratio,
    /// Open opportunities at the pipeline's instant.
    pub open: u64,
    /// Their Σ amount × probability / 100.
    pub weighted_pipeline: Vec<Amount>,
}

fn owner_performance(
    ctx: &Ctx,
    rows: &[ClosingRow],
    open: &[PipelineRow],
) -> Result<OwnerPerformance> {
    let mut closed: BTreeMap<Option<String>, Vec<&ClosingRow>> = BTreeMap::new();
    for row in rows {
        closed.entry(row.owner.clone()).or_default().push(row);
    }
    let mut pipeline: BTreeMap<Option<String>, Open> = BTreeMap::new();
    for row in open {
        let p = ctx
            .stages
            .get(&row.stage)
            .map(|s| s.probability)
            .unwrap_or(Decimal::ZERO);
        pipeline.entry(row.owner.clone()).or_default().add(row, p);
    }
    let mut names: Vec<Option<String>> = closed.keys().chain(pipeline.keys()).cloned().collect();
    names.sort_by(|a, b| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
        (Some(a), Some(b)) => a.cmp(b),
    });
    names.dedup();
    let mut owners = Vec::new();
    let empty = Open::default();
    for name in names {
        let c = Closed::of(closed.get(&name).into_iter().flatten().copied());
        let p = pipeline.get(&name).unwrap_or(&empty);
        owners.push(OwnerFigures {
            won: c.won,
            lost: c.lost,
            won_value: ctx.currencies.report(&c.won_value)?,
            win_rate: c.win_rate()?,
            open: p.count,
            weighted_pipeline: ctx.currencies.report(&p.weighted())?,
            owner: name,
        });
    }
    Ok(OwnerPerformance {
        owners,
        definition: ctx.definition(
            "owner_performance",
            &format!(
                "per owner: won and lost count, Σ amount won and win rate among opportunities \
                 closed in the period ({CLOSED_RULE}), and the weighted open pipeline at the \
                 pipeline's instant. Rows counted: opportunities closed plus open."
            ),
            rows.len() as u64 + open.iter().map(|r| r.count).sum::<u64>(),
        ),
    })
}

// -- the transition log -----------------------------------------------------------------

/// The funnel of the opportunities created in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StageConversion {
    /// Each pipeline, by id.
    pub pipelines: Vec<Funnel>,
    /// How it was computed.
    pub definition: Definition,
}

/// One pipeline's funnel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Funnel {
    /// Pipeline id.
    pub pipeline: i64,
    /// Its name.
    pub name: String,
    /// Opportunities created in the period.
    pub cohort: u64,
    /// Open stages in order, then the won stages.
    pub stages: Vec<FunnelStage>,
}

/// How many reached a stage, and how many of them the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FunnelStage {
    /// Stage id.
    pub stage: i64,
    /// Its name.
    pub name: String,
    /// Opportunities that reached it or a later one.
    pub reached: u64,
    /// reached(next) / reached(this); none for the last stage.
    pub to_next: Option<Ratio>,
}

fn stage_conversion(r: &dyn Reads, ctx: &Ctx) -> Result<StageConversion> {
    let ids = r.created_between(ctx.period.start, ctx.period.end, ctx.pipeline)?;
    let mut owned = Vec::with_capacity(ids.len());
    let mut steps_rows = 0u64;
    // Furthest funnel position reached per opportunity.
    let mut furthest: HashMap<i64, (i64, usize)> = HashMap::new();
    let funnel_of = |p: i64| -> Vec<i64> {
        let order = ctx
            .pipelines
            .get(&p)
            .map(|x| x.1.clone())
            .unwrap_or_default();
        let (mut open, mut won): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
        for s in order.into_iter().filter_map(|s| ctx.stages.get(&s)) {
            match s.kind {
                StageKind::Open => open.push(s.id),
                StageKind::Won => won.push(s.id),
                StageKind::Lost => {}
            }
        }
        open.extend(won);
        open
    };
    let funnels: BTreeMap<i64, Vec<i64>> =
        ctx.pipelines.keys().map(|p| (*p, funnel_of(*p))).collect();
    if ctx.owner.is_some() {
        for id in ids {
            let o = r.opportunity_row(id)?;
            if o.as_ref().is_some_and(|o| ctx.owned(o.owner.as_deref())) {
                owned.push(id);
            }
        }
    } else {
        owned = ids;
    }
    // A cohort's log lies within the period (nothing of an opportunity
    // comes before its creation): one pass over the period's transitions.
    let cohort: std::collections::HashSet<i64> = owned.into_iter().collect();
    for step in r.steps_between(ctx.period.start, ctx.period.end)? {
        if !cohort.contains(&step.opportunity) {
            continue;
        }
        steps_rows += 1;
        let Some(stage) = ctx.stages.get(&step.to_stage) else {
            continue;
        };
        let Some(funnel) = funnels.get(&stage.pipeline) else {
            continue;
        };
        let e = furthest
            .entry(step.opportunity)
            .or_insert((stage.pipeline, 0));
        if let Some(pos) = funnel.iter().position(|s| *s == stage.id) {
            e.1 = e.1.max(pos + 1);
        }
    }
    let mut pipelines = Vec::new();
    for (&p, funnel) in &funnels {
        let reached_at: Vec<u64> = (0..funnel.len())
            .map(|k| {
                furthest
                    .values()
                    .filter(|(fp, pos)| *fp == p && *pos > k)
                    .count() as u64
            })
            .collect();
        let cohort = furthest.values().filter(|(fp, _)| *fp == p).count() as u64;
        let stages = funnel
            .iter()
            .enumerate()
            .map(|(k, s)| {
                Ok(FunnelStage {
                    stage: *s,
                    name: ctx.stages[s].name.clone(),
                    reached: reached_at[k],
                    to_next: match reached_at.get(k + 1) {
                        Some(next) => Some(Ratio::of_counts(*next, reached_at[k])?),
                        None => None,
                    },
                })
            })
            .collect::<Result<_>>()?;
        pipelines.push(Funnel {
            pipeline: p,
            name: ctx.pipelines[&p].0.clone(),
            cohort,
            stages,
        });
    }
    Ok(StageConversion {
        pipelines,
        definition: ctx.ratio_definition(
            "stage_conversion",
            "among opportunities created in the period, the share that reached stage k+1 of \
             those that reached stage k, from the transition log up to the end of the period: \
             an opportunity reached every stage up to the furthest it entered, open \
             stages in order then won; lost stages are not in the funnel. Rows counted: \
             transitions read.",
            "opportunities that reached the next stage",
            "opportunities that reached this stage",
            steps_rows,
        ),
    })
}

/// Time spent in each stage by the deals closed in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TimeInStage {
    /// Each pipeline, by id.
    pub pipelines: Vec<PipelineTimes>,
    /// How it was computed.
    pub definition: Definition,
}

/// One pipeline's times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PipelineTimes {
    /// Pipeline id.
    pub pipeline: i64,
    /// Its name.
    pub name: String,
    /// Its stages in order, with the deals that spent time in them.
    pub stages: Vec<StageTime>,
}

/// Time in one stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StageTime {
    /// Stage id.
    pub stage: i64,
    /// Its name.
    pub name: String,
    /// Deals that spent time in it.
    pub opportunities: u64,
    /// Mean days of each deal's latest visit.
    pub latest_visit_days: Option<Decimal>,
    /// Mean days of each deal's visits added up.
    pub cumulative_days: Option<Decimal>,
}

fn time_in_stage(r: &dyn Reads, ctx: &Ctx, rows: &[ClosingRow]) -> Result<TimeInStage> {
    let ids: Vec<i64> = rows.iter().map(|c| c.opportunity).collect();
    let closed_at: HashMap<i64, Timestamp> = rows.iter().map(|c| (c.opportunity, c.at)).collect();
    let steps = r.steps(&ids, ctx.period.end)?;
    // (latest, cumulative) per opportunity × stage, in microseconds.
    let mut visits: BTreeMap<(i64, i64), (i128, i128)> = BTreeMap::new();
    for pair in steps.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.opportunity != b.opportunity
            || closed_at.get(&a.opportunity).is_some_and(|c| a.at >= *c)
        {
            continue;
        }
        let d = i128::from(b.at.as_microsecond() - a.at.as_microsecond());
        let e = visits.entry((a.to_stage, a.opportunity)).or_default();
        e.0 = d;
        e.1 += d;
    }
    let mut per_stage: HashMap<i64, (u64, i128, i128)> = HashMap::new();
    for (&(stage, _), &(latest, cumulative)) in &visits {
        let e = per_stage.entry(stage).or_default();
        e.0 += 1;
        e.1 += latest;
        e.2 += cumulative;
    }
    let mean = |sum: i128, n: u64| -> Result<Option<Decimal>> {
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(days_of(sum)?.checked_div(count(n)?)?))
    };
    let mut pipelines = Vec::new();
    for (&p, (name, order)) in &ctx.pipelines {
        let mut stages = Vec::new();
        for s in order.iter().filter_map(|s| ctx.stages.get(s)) {
            let (n, latest, cumulative) = per_stage.get(&s.id).copied().unwrap_or_default();
            if s.kind == StageKind::Won && n == 0 {
                continue;
            }
            stages.push(StageTime {
                stage: s.id,
                name: s.name.clone(),
                opportunities: n,
                latest_visit_days: mean(latest, n)?,
                cumulative_days: mean(cumulative, n)?,
            });
        }
        pipelines.push(PipelineTimes {
            pipeline: p,
            name: name.clone(),
            stages,
        });
    }
    Ok(TimeInStage {
        pipelines,
        definition: ctx.definition(
            "time_in_stage",
            &format!(
                "over opportunities closed in the period ({CLOSED_RULE}), from the transition \
                 log: a visit to a stage lasts from the transition into it to the next \
                 transition; per stage, the mean of each deal's latest visit and of its visits \
                 added up (a deal reopened into a stage visits it again). Rows counted: \
                 transitions read."
            ),
            steps.len() as u64,
        ),
    })
}

// -- clients and activities ----------------------------------------------------------

/// The contacts bringing the most revenue in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TopClients {
    /// One ranking per currency (or one, converted).
    pub rankings: Vec<ClientRanking>,
    /// Revenue of orders linked to no contact, apart.
    pub without_contact: Vec<Amount>,
    /// How it was computed.
    pub definition: Definition,
}

/// The top clients in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ClientRanking {
    /// The currency.
    pub currency: String,
    /// Greatest total first (`limit` of them).
    pub clients: Vec<TopClient>,
}

/// One client's revenue, each source shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TopClient {
    /// Contact id.
    pub contact: i64,
    /// Its name.
    pub name: String,
    /// Order revenue, net of cancellations and returns, by event time.
    pub order_revenue: Decimal,
    /// Orders that contributed.
    pub orders: u64,
    /// Σ amount of opportunities won in the period that have no order (a
    /// won deal's order counts through its revenue).
    pub won_opportunities: Decimal,
    /// Opportunities won in the period without an order.
    pub opportunities: u64,
    /// order revenue + won opportunities.
    pub total: Decimal,
}

#[derive(Default)]
struct ClientSums {
    orders: Money,
    order_count: u64,
    won: Money,
    won_count: u64,
}

fn top_clients(r: &dyn Reads, ctx: &Ctx, closings: &[ClosingRow]) -> Result<TopClients> {
    let mut per_contact: BTreeMap<i64, ClientSums> = BTreeMap::new();
    let mut without = Money::default();
    let mut rows = 0u64;
    for row in r.revenue(ctx.period.start, ctx.period.end)? {
        rows += row.orders;
        let revenue = Decimal::from_raw(row.revenue);
        match row.contact {
            None => without.add(&row.currency, revenue),
            Some(c) => {
                let s = per_contact.entry(c).or_default();
                s.orders.add(&row.currency, revenue);
                s.order_count += row.orders;
            }
        }
    }
    for c in closings.iter().filter(|c| c.won && !c.has_order) {
        rows += 1;
        let s = per_contact.entry(c.contact).or_default();
        s.won_count += 1;
        if let (Some(a), Some(cur)) = (c.amount, &c.currency) {
            s.won.add(cur, a);
        }
    }
    // Which rankings: every currency met, or the table's.
    let mut currencies: Vec<String> = Vec::new();
    for s in per_contact.values() {
        for c in s.orders.0.keys().chain(s.won.0.keys()) {
            if !currencies.contains(c) {
                currencies.push(c.clone());
            }
        }
    }
    currencies.sort();
    if let Some(t) = ctx.currencies.0 {
        currencies = if per_contact.is_empty() {
            vec![]
        } else {
            vec![t.currency.clone()]
        };
    }
    let mut rankings = Vec::new();
    for cur in currencies {
        let mut clients = Vec::new();
        for (&contact, s) in &per_contact {
            let orders = ctx.currencies.key(&s.orders, &cur)?;
            let won = ctx.currencies.key(&s.won, &cur)?;
            let present = ctx.currencies.0.is_some()
                || s.orders.0.contains_key(&cur)
                || s.won.0.contains_key(&cur);
            if !present {
                continue;
            }
            clients.push((contact, orders, won, s.order_count, s.won_count));
        }
        clients.sort_by(|a, b| {
            b.1.checked_add(b.2)
                .unwrap_or(Decimal::MAX)
                .cmp(&a.1.checked_add(a.2).unwrap_or(Decimal::MAX))
                .then(a.0.cmp(&b.0))
        });
        clients.truncate(ctx.limit);
        let clients = clients
            .into_iter()
            .map(|(contact, orders, won, n_orders, n_won)| {
                let name = r.contact(contact)?.map(|c| c.name).unwrap_or_default();
                Ok(TopClient {
                    contact,
                    name,
                    order_revenue: orders,
                    orders: n_orders,
                    won_opportunities: won,
                    opportunities: n_won,
                    total: orders.checked_add(won)?,
                })
            })
            .collect::<Result<_>>()?;
        rankings.push(ClientRanking {
            currency: cur,
            clients,
        });
    }
    Ok(TopClients {
        rankings,
        without_contact: ctx.currencies.report(&without)?,
        definition: ctx.definition(
            "top_clients",
            &format!(
                "contacts ranked by revenue in the period: order revenue = Σ revenue change of \
                 order events in the period (payment recognises what the customer keeps; a \
                 return or the cancellation of a paid order reverses it, when it happens — so a \
                 return after the period does not change it) + Σ amount of opportunities won in \
                 the period without an order ({CLOSED_RULE}). Rows counted: orders plus \
                 opportunities."
            ),
            rows,
        ),
    })
}

/// The latest and the coming interactions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Activities {
    /// Done, newest first (`limit` of them).
    pub recent: Vec<Activity>,
    /// Planned and open tasks, soonest first (`limit` of them).
    pub planned: Vec<Activity>,
    /// How it was computed.
    pub definition: Definition,
}

/// An interaction with what it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Activity {
    /// The interaction.
    pub interaction: Interaction,
    /// Its contact's name.
    pub contact_name: String,
    /// Its opportunity's title, if it is about one.
    pub opportunity_title: Option<String>,
}

fn activities(r: &dyn Reads, ctx: &Ctx) -> Result<Activities> {
    let at = ctx.pipeline_at();
    let list = |when| -> Result<Vec<Activity>> {
        let rows = r.interactions(&InteractionQuery {
            when,
            contact: None,
            opportunity: None,
            owner: ctx.owner.map(str::to_string),
            kind: None,
            now: at,
            after: None,
            limit: ctx.limit as u32,
        })?;
        rows.into_iter()
            .map(|i| {
                let contact_name = r.contact(i.contact)?.map(|c| c.name).unwrap_or_default();
                let opportunity_title = match i.opportunity {
                    Some(o) => r.opportunity_row(o)?.map(|o| o.title),
                    None => None,
                };
                Ok(Activity {
                    interaction: i,
                    contact_name,
                    opportunity_title,
                })
            })
            .collect()
    };
    let recent = list(InteractionWhen::Recent)?;
    let planned = list(InteractionWhen::Planned)?;
    let owner = ctx
        .owner
        .map(|o| format!(" Only interactions by {o:?}."))
        .unwrap_or_default();
    let n = (recent.len() + planned.len()) as u64;
    Ok(Activities {
        recent,
        planned,
        definition: Definition {
            kpi: "activities".into(),
            formula: format!(
                "the latest interactions at or before the instant (tasks done), newest first, \
                 and those after it with every open task, soonest first.{owner} Rows counted: \
                 interactions listed."
            ),
            numerator: None,
            denominator: None,
            period: None,
            at: Some(at),
            time_zone: ctx.time_zone.clone(),
            currency_rule: "no amounts".into(),
            rows_counted: n,
        },
    })
}

// -- the dashboard ------------------------------------------------------------------------

/// The CRM dashboard: every CRM KPI over one snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CrmDashboard {
    /// The period, resolved.
    pub period: ResolvedPeriod,
    /// The open pipeline per stage.
    pub pipeline: PipelineByStage,
    /// Won and lost among deals closed in the period.
    pub win_rate: WinRate,
    /// The average deal won.
    pub deal_size: DealSize,
    /// Days from creation to the win.
    pub sales_cycle: SalesCycle,
    /// Expected value won per day.
    pub velocity: PipelineVelocity,
    /// The funnel of the period's new opportunities.
    pub stage_conversion: StageConversion,
    /// Time spent in each stage by the deals closed.
    pub time_in_stage: TimeInStage,
    /// Per owner.
    pub owners: OwnerPerformance,
    /// The contacts bringing the most revenue.
    pub top_clients: TopClients,
    /// The latest and the coming interactions.
    pub activities: Activities,
}

impl Database {
    fn crm<T>(&self, q: &CrmQuery, f: impl FnOnce(&dyn Reads, &Ctx) -> Result<T>) -> Result<T> {
        self.snapshot(|r| {
            let ctx = Ctx::new(self, r, q)?;
            f(r, &ctx)
        })
    }

    /// The CRM dashboard for a period, in one snapshot.
    ///
    /// ```
    /// use racine::{CrmQuery, Database, NewContact, NewOpportunity, NewPipeline, NewStage};
    /// use racine::{StageKind, TransitionMeta};
    /// let db = Database::open_in_memory()?;
    /// let trade = db.create_pipeline(&NewPipeline {
    ///     name: "Trade".into(),
    ///     stages: vec![
    ///         NewStage::open("Quote", "40".parse()?),
    ///         NewStage::closed("Won", StageKind::Won),
    ///         NewStage::closed("Lost", StageKind::Lost),
    ///     ],
    /// }, None)?;
    /// let shop = db.create_contact(&NewContact::company("Café Lune"), None)?.id;
    /// let deal = db.create_opportunity(&NewOpportunity {
    ///     amount: Some("900".parse()?),
    ///     currency: Some("EUR".into()),
    ///     ..NewOpportunity::new("Stools", shop, trade.id)
    /// }, None)?;
    /// db.win_opportunity(deal.id, None, None, &TransitionMeta::default(), None)?;
    /// let crm = db.crm_dashboard(&CrmQuery::default())?;
    /// assert_eq!(crm.win_rate.won, 1);
    /// assert_eq!(crm.deal_size.average[0].amount.to_string(), "900");
    /// assert_eq!(crm.top_clients.rankings[0].clients[0].name, "Café Lune");
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn crm_dashboard(&self, q: &CrmQuery) -> Result<CrmDashboard> {
        self.crm(q, dashboard)
    }

    /// [`Database::crm_dashboard`] on a snapshot the caller holds.
    pub(crate) fn crm_dashboard_on(&self, r: &dyn Reads, q: &CrmQuery) -> Result<CrmDashboard> {
        let ctx = Ctx::new(self, r, q)?;
        dashboard(r, &ctx)
    }

    /// The open pipeline per stage, now or replayed as of `as_of`.
    pub fn pipeline_by_stage(&self, q: &CrmQuery) -> Result<PipelineByStage> {
        self.crm(q, pipeline_by_stage)
    }

    /// Won / (won + lost) among deals closed in the period.
    pub fn win_rate(&self, q: &CrmQuery) -> Result<WinRate> {
        self.crm(q, |r, ctx| win_rate(ctx, &ctx.closings(r)?))
    }

    /// The average deal won in the period.
    pub fn average_deal_size(&self, q: &CrmQuery) -> Result<DealSize> {
        self.crm(q, |r, ctx| deal_size(ctx, &ctx.closings(r)?))
    }

    /// Mean days from creation to the win, over deals won in the period.
    pub fn sales_cycle(&self, q: &CrmQuery) -> Result<SalesCycle> {
        self.crm(q, |r, ctx| sales_cycle(ctx, &ctx.closings(r)?))
    }

    /// (open × win rate × average deal) / sales cycle days.
    pub fn pipeline_velocity(&self, q: &CrmQuery) -> Result<PipelineVelocity> {
        self.crm(q, |r, ctx| velocity(ctx, &ctx.closings(r)?, &ctx.open(r)?))
    }

    /// The funnel of the opportunities created in the period.
    pub fn stage_conversion(&self, q: &CrmQuery) -> Result<StageConversion> {
        self.crm(q, stage_conversion)
    }

    /// Time spent in each stage by the deals closed in the period.
    pub fn time_in_stage(&self, q: &CrmQuery) -> Result<TimeInStage> {
        self.crm(q, |r, ctx| time_in_stage(r, ctx, &ctx.closings(r)?))
    }

    /// Won, lost, win rate and weighted pipeline per owner.
    pub fn owner_performance(&self, q: &CrmQuery) -> Result<OwnerPerformance> {
        self.crm(q, |r, ctx| {
            owner_performance(ctx, &ctx.closings(r)?, &ctx.open(r)?)
        })
    }

    /// The contacts bringing the most revenue in the period.
    pub fn top_clients(&self, q: &CrmQuery) -> Result<TopClients> {
        self.crm(q, |r, ctx| top_clients(r, ctx, &ctx.closings(r)?))
    }

    /// The latest and the coming interactions.
    pub fn activities(&self, q: &CrmQuery) -> Result<Activities> {
        self.crm(q, activities)
    }
}

fn dashboard(r: &dyn Reads, ctx: &Ctx) -> Result<CrmDashboard> {
    let closings = ctx.closings(r)?;
    let open = ctx.open(r)?;
    Ok(CrmDashboard {
        period: ctx.period.clone(),
        pipeline: pipeline_by_stage(r, ctx)?,
        win_rate: win_rate(ctx, &closings)?,
        deal_size: deal_size(ctx, &closings)?,
        sales_cycle: sales_cycle(ctx, &closings)?,
        velocity: velocity(ctx, &closings, &open)?,
        stage_conversion: stage_conversion(r, ctx)?,
        time_in_stage: time_in_stage(r, ctx, &closings)?,
        owners: owner_performance(ctx, &closings, &open)?,
        top_clients: top_clients(r, ctx, &closings)?,
        activities: activities(r, ctx)?,
    })
}
