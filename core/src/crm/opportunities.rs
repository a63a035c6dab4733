//! Opportunities and their transition log.
//!
//! Every stage change, win, loss and reopen appends one [`Transition`];
//! the log is never rewritten (the store refuses updates and deletes), and
//! an opportunity's stage, status, lost reason and closing time are always
//! what replaying its log gives ([`replay`]; `verify` checks it).

use jiff::civil::Date;
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::contacts;
use super::pipelines::{self, percent, Stage, StageKind};
use crate::closed_set::closed_set;
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::instant::stored;
use crate::orders::{Customer, NewOrder, NewOrderLine, Order};
use crate::outbox::{self, EventKind};
use crate::page::{Page, PageRequest};
use crate::store::{OpportunityRow, Reads, Writes};
use crate::text;

closed_set! {
    /// Where an opportunity stands: the kind of its stage.
    pub enum OpportunityStatus as "status" {
        /// Being worked on.
        Open = "open",
        /// Won.
        Won = "won",
        /// Lost, for a reason.
        Lost = "lost",
    }
}

closed_set! {
    /// What a transition did.
    pub enum TransitionKind as "kind" {
        /// The opportunity was created in its first stage.
        Created = "created",
        /// It moved to another open stage.
        Moved = "moved",
        /// It was won.
        Won = "won",
        /// It was lost.
        Lost = "lost",
        /// A won or lost opportunity was opened again.
        Reopened = "reopened",
    }
}

impl From<StageKind> for OpportunityStatus {
    fn from(k: StageKind) -> Self {
        match k {
            StageKind::Open => OpportunityStatus::Open,
            StageKind::Won => OpportunityStatus::Won,
            StageKind::Lost => OpportunityStatus::Lost,
        }
    }
}

/// A product line of an opportunity: what winning it orders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityLine {
    /// Item SKU.
    pub sku: String,
    /// Quantity (> 0).
    pub quantity: Decimal,
    /// Unit price (≥ 0) in the opportunity's currency.
    #[serde(default)]
    pub unit_price: Decimal,
}

/// What [`Database::create_opportunity`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOpportunity {
    /// What it is.
    pub title: String,
    /// The contact it is with.
    pub contact: i64,
    /// Its pipeline.
    pub pipeline: i64,
    /// Its first stage: an open stage of the pipeline; the first open one when absent.
    #[serde(default)]
    pub stage: Option<i64>,
    /// Its amount (≥ 0); Σ quantity × price of the lines when absent and
    /// there are lines. An amount needs a currency.
    #[serde(default)]
    pub amount: Option<Decimal>,
    /// ISO 4217 currency of the amount and the line prices.
    #[serde(default)]
    pub currency: Option<String>,
    /// Probability of winning in percent, instead of the stage's default.
    #[serde(default)]
    pub probability: Option<Decimal>,
    /// The day it is expected to close.
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Day>")]
    pub expected_close: Option<Date>,
    /// Who works on it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Product lines (what winning it can order).
    #[serde(default)]
    pub lines: Vec<OpportunityLine>,
    /// Who created it, for the log.
    #[serde(default)]
    pub actor: Option<String>,
    /// When it was created; now if absent.
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub at: Option<Timestamp>,
}

impl NewOpportunity {
    /// An opportunity in the first open stage of `pipeline`, without amount.
    pub fn new(title: impl Into<String>, contact: i64, pipeline: i64) -> NewOpportunity {
        NewOpportunity {
            title: title.into(),
            contact,
            pipeline,
            stage: None,
            amount: None,
            currency: None,
            probability: None,
            expected_close: None,
            owner: None,
            lines: vec![],
            actor: None,
            at: None,
        }
    }
}

/// Changes for [`Database::update_opportunity`] (stages change through
/// moves, wins, losses and reopens); `null` clears an optional field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OpportunityChanges {
    /// New title.
    pub title: Option<String>,
    /// Another contact.
    pub contact: Option<i64>,
    /// New amount; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<Decimal>", extend("x-null-clears" = true))]
    pub amount: Option<Option<Decimal>>,
    /// New currency; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>", extend("x-null-clears" = true))]
    pub currency: Option<Option<String>>,
    /// Own probability; `null` goes back to the stage's default.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<Decimal>", extend("x-null-clears" = true))]
    pub probability: Option<Option<Decimal>>,
    /// New expected close day; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<crate::catalogue::Day>", extend("x-null-clears" = true))]
    pub expected_close: Option<Option<Date>>,
    /// New owner; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>", extend("x-null-clears" = true))]
    pub owner: Option<Option<String>>,
    /// New lines (replace them).
    pub lines: Option<Vec<OpportunityLine>>,
}

/// Who made a transition, why, and when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TransitionMeta {
    /// Who made it.
    pub actor: Option<String>,
    /// Why, in a few words.
    pub note: Option<String>,
    /// When; now if absent. Never before the opportunity's last transition.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub at: Option<Timestamp>,
}

/// The order a win places for the opportunity's lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WinOrder {
    /// The order's id in the host application (unique).
    pub external_id: String,
    /// Warehouse of every line; the default warehouse when absent.
    #[serde(default)]
    pub warehouse: Option<i64>,
}

/// One entry of an opportunity's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Transition {
    /// Its id.
    pub id: i64,
    /// What it did.
    pub kind: TransitionKind,
    /// The stage before (none for `created`).
    pub from_stage: Option<i64>,
    /// That stage's name at the time.
    pub from_stage_name: Option<String>,
    /// The stage after.
    pub to_stage: i64,
    /// That stage's name at the time.
    pub to_stage_name: String,
    /// The status after.
    pub status_after: OpportunityStatus,
    /// For a loss: its reason code.
    pub lost_reason: Option<String>,
    /// Who made it.
    pub actor: Option<String>,
    /// Why.
    pub note: Option<String>,
    /// When.
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
}

/// An opportunity with its lines and its whole log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Opportunity {
    /// Its id.
    pub id: i64,
    /// What it is.
    pub title: String,
    /// The contact.
    pub contact: i64,
    /// Amount.
    pub amount: Option<Decimal>,
    /// Currency of the amount.
    pub currency: Option<String>,
    /// Pipeline.
    pub pipeline: i64,
    /// Current stage.
    pub stage: i64,
    /// Its current name.
    pub stage_name: String,
    /// Probability of winning in percent: its own while open if set, else
    /// the stage's (100 when won, 0 when lost).
    pub probability: Decimal,
    /// Its own probability, if set.
    pub probability_override: Option<Decimal>,
    /// Expected close day.
    #[schemars(with = "Option<crate::catalogue::Day>")]
    pub expected_close: Option<Date>,
    /// Who works on it.
    pub owner: Option<String>,
    /// Open, won or lost.
    pub status: OpportunityStatus,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// External id of the order its win placed.
    pub order: Option<String>,
    /// Product lines.
    pub lines: Vec<OpportunityLine>,
    /// When it was created.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub updated_at: Timestamp,
    /// When it was won or lost (none while open).
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    pub closed_at: Option<Timestamp>,
    /// Its log, oldest first.
    pub history: Vec<Transition>,
}

/// A won opportunity, and the order its win placed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Won {
    /// The opportunity, won.
    pub opportunity: Opportunity,
    /// The order placed for its lines, when one was asked for.
    pub order: Option<Order>,
}

/// Filters for [`Database::opportunities`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OpportunityFilter {
    /// Only in this pipeline.
    pub pipeline: Option<i64>,
    /// Only in this stage.
    pub stage: Option<i64>,
    /// Only with this status.
    pub status: Option<OpportunityStatus>,
    /// Only with this owner.
    pub owner: Option<String>,
    /// Only with this contact.
    pub contact: Option<i64>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// What replaying a log gives: the state an opportunity must be in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Replayed {
    pub stage: i64,
    pub status: OpportunityStatus,
    pub lost_reason: Option<String>,
    pub closed_at: Option<Timestamp>,
}

/// Replays a log, oldest first; `None` for an empty one.
pub(crate) fn replay(log: &[Transition]) -> Option<Replayed> {
    let mut state: Option<Replayed> = None;
    for t in log {
        let closed = t.status_after != OpportunityStatus::Open;
        state = Some(Replayed {
            stage: t.to_stage,
            status: t.status_after,
            lost_reason: t.lost_reason.clone(),
            closed_at: closed.then_some(t.at),
        });
    }
    state
}

fn not_open(row: &OpportunityRow, action: &str) -> Error {
    Error::InvalidTransition {
        entity: "opportunity",
        key: row.id.to_string(),
        state: row.status.as_str().into(),
        action: action.into(),
    }
}

/// A stage of `pipeline`, of `kind`, refused on `field` otherwise.
fn stage_in(r: &dyn Reads, field: &str, id: i64, pipeline: i64, kind: StageKind) -> Result<Stage> {
    let s = pipelines::stage(r, id)?;
    if s.pipeline != pipeline {
        return Err(Error::invalid(
            field,
            format!(
                "stage {id} belongs to pipeline {}, not to pipeline {pipeline}",
                s.pipeline
            ),
        ));
    }
    if s.kind != kind {
        let how = match s.kind {
            StageKind::Open => "move the opportunity to it",
            StageKind::Won => "win the opportunity to reach it",
            StageKind::Lost => "lose the opportunity to reach it",
        };
        return Err(Error::invalid(
            field,
            format!(
                "stage {id} ({}) is a {} stage, not a {kind} one: {how}",
                s.name, s.kind
            ),
        ));
    }
    Ok(s)
}

/// The first stage of `kind` in `pipeline`, or the refusal to reach one.
fn first_stage(r: &dyn Reads, pipeline: i64, kind: StageKind) -> Result<Stage> {
    r.stages(pipeline)?
        .into_iter()
        .find(|s| s.kind == kind)
        .ok_or_else(|| {
            Error::invalid(
                "stage",
                format!("pipeline {pipeline} has no {kind} stage: add one (add_stage) first"),
            )
        })
}

fn check_lines(lines: &[OpportunityLine], field: &str, r: &dyn Reads) -> Result<Decimal> {
    if lines.len() > 1000 {
        return Err(Error::invalid(field, "at most 1000 lines"));
    }
    let mut total = Decimal::ZERO;
    for (i, l) in lines.iter().enumerate() {
        crate::orders::positive(format!("{field}[{i}].quantity"), l.quantity)?;
        if l.unit_price.is_negative() {
            return Err(Error::invalid(
                format!("{field}[{i}].unit_price"),
                format!("{} is negative", l.unit_price),
            ));
        }
        if r.item_id_by_sku(&l.sku)?.is_none() {
            return Err(Error::not_found("item", &l.sku));
        }
        total = total.checked_add(l.quantity.checked_mul(l.unit_price)?)?;
    }
    Ok(total)
}

/// The money fields: an amount is never negative and needs a currency.
fn check_money(amount: Option<Decimal>, currency: Option<&str>) -> Result<()> {
    if let Some(c) = currency {
        crate::orders::currency("currency", c)?;
    }
    if let Some(a) = amount {
        if a.is_negative() {
            return Err(Error::invalid("amount", format!("{a} is negative")));
        }
        if currency.is_none() {
            return Err(Error::invalid(
                "currency",
                format!("an amount ({a}) needs a currency such as EUR"),
            ));
        }
    }
    Ok(())
}

fn check_meta(meta: &TransitionMeta) -> Result<()> {
    text::optional("actor", meta.actor.as_deref(), 100)?;
    text::optional("note", meta.note.as_deref(), 2000)
}

/// The whole opportunity, as results show it.
pub(crate) fn load(r: &(impl Reads + ?Sized), id: i64) -> Result<Opportunity> {
    let row = r
        .opportunity_row(id)?
        .ok_or_else(|| Error::not_found("opportunity", id))?;
    let stage = pipelines::stage(r, row.stage)?;
    let probability = match row.status {
        OpportunityStatus::Open => row.probability.unwrap_or(stage.probability),
        _ => stage.probability,
    };
    Ok(Opportunity {
        id,
        title: row.title,
        contact: row.contact,
        amount: row.amount,
        currency: row.currency,
        pipeline: row.pipeline,
        stage: row.stage,
        stage_name: stage.name,
        probability,
        probability_override: row.probability,
        expected_close: row.expected_close,
        owner: row.owner,
        status: row.status,
        lost_reason: row.lost_reason,
        order: row.order,
        lines: r.opportunity_lines(id)?,
        created_at: row.created_at,
        updated_at: row.updated_at,
        closed_at: row.closed_at,
        history: r.transitions(id)?,
    })
}

fn row(r: &dyn Reads, id: i64) -> Result<OpportunityRow> {
    r.opportunity_row(id)?
        .ok_or_else(|| Error::not_found("opportunity", id))
}

/// Appends a transition to `target` and brings the row to the state the
/// log now replays to: the one place an opportunity's stage changes.
fn step(
    tx: &dyn Writes,
    row: &mut OpportunityRow,
    kind: TransitionKind,
    target: &Stage,
    lost_reason: Option<String>,
    meta: &TransitionMeta,
) -> Result<()> {
    let history = tx.transitions(row.id)?;
    let now = tx.now()?;
    let at = meta.at.map(stored).unwrap_or(now);
    if let Some(last) = history.last() {
        if at < last.at {
            return Err(Error::invalid(
                "at",
                format!(
                    "{at} is before the opportunity's last transition ({})",
                    last.at
                ),
            ));
        }
    }
    let from = match kind {
        TransitionKind::Created => None,
        _ => Some(pipelines::stage(tx, row.stage)?),
    };
    let t = Transition {
        id: 0,
        kind,
        from_stage: from.as_ref().map(|s| s.id),
        from_stage_name: from.map(|s| s.name),
        to_stage: target.id,
        to_stage_name: target.name.clone(),
        status_after: target.kind.into(),
        lost_reason,
        actor: meta.actor.clone(),
        note: meta.note.clone(),
        at,
    };
    let t = Transition {
        id: tx.append_transition(row.id, &t)?,
        ..t
    };
    if kind != TransitionKind::Created {
        outbox::emit(
            tx,
            EventKind::OpportunityStageChanged,
            &outbox::StageChanged {
                opportunity: row.id,
                transition: &t,
            },
        )?;
    }
    let state = replay(std::slice::from_ref(&t)).ok_or_else(|| Error::Storage {
        reason: "a transition did not replay".into(),
        source: None,
    })?;
    row.stage = state.stage;
    row.status = state.status;
    row.lost_reason = state.lost_reason;
    row.closed_at = state.closed_at;
    row.updated_at = now;
    Ok(())
}

impl Database {
    /// Creates an opportunity in an open stage of its pipeline (the first
    /// one unless given), logged as `created`.
    pub fn create_opportunity(
        &self,
        opportunity: &NewOpportunity,
        idempotency_key: Option<&str>,
    ) -> Result<Opportunity> {
        let o = opportunity;
        text::required("title", &o.title, 200)?;
        text::optional("owner", o.owner.as_deref(), 100)?;
        text::optional("actor", o.actor.as_deref(), 100)?;
        if let Some(p) = o.probability {
            percent("probability", p)?;
        }
        self.write_once("create_opportunity", idempotency_key, opportunity, |tx| {
            contacts::writable(tx, o.contact, "take an opportunity")?;
            pipelines::get(tx, o.pipeline)?;
            let total = check_lines(&o.lines, "lines", tx)?;
            let amount = o.amount.or((!o.lines.is_empty()).then_some(total));
            check_money(amount, o.currency.as_deref())?;
            let stage = match o.stage {
                Some(id) => stage_in(tx, "stage", id, o.pipeline, StageKind::Open)?,
                None => first_stage(tx, o.pipeline, StageKind::Open)?,
            };
            let now = tx.now()?;
            let mut row = OpportunityRow {
                id: 0,
                title: o.title.trim().into(),
                contact: o.contact,
                amount,
                currency: o.currency.clone(),
                pipeline: o.pipeline,
                stage: stage.id,
                probability: o.probability,
                expected_close: o.expected_close,
                owner: o.owner.clone(),
                status: OpportunityStatus::Open,
                lost_reason: None,
                order_id: None,
                order: None,
                created_at: o.at.map(stored).unwrap_or(now),
                updated_at: now,
                closed_at: None,
            };
            row.id = tx.insert_opportunity(&row)?;
            tx.put_opportunity_lines(row.id, &o.lines)?;
            let meta = TransitionMeta {
                actor: o.actor.clone(),
                note: None,
                at: Some(row.created_at),
            };
            step(tx, &mut row, TransitionKind::Created, &stage, None, &meta)?;
            tx.save_opportunity(&row)?;
            load(tx, row.id)
        })
    }

    /// Changes the given fields of an opportunity (not its stage).
    pub fn update_opportunity(
        &self,
        id: i64,
        changes: &OpportunityChanges,
        idempotency_key: Option<&str>,
    ) -> Result<Opportunity> {
        let c = changes;
        if let Some(t) = &c.title {
            text::required("changes.title", t, 200)?;
        }
        if let Some(Some(p)) = c.probability {
            percent("changes.probability", p)?;
        }
        if let Some(Some(owner)) = &c.owner {
            text::optional("changes.owner", Some(owner), 100)?;
        }
        self.write_once(
            "update_opportunity",
            idempotency_key,
            &(id, changes),
            |tx| {
                let mut row = row(tx, id)?;
                if let Some(t) = &c.title {
                    row.title = t.trim().into();
                }
                if let Some(contact) = c.contact {
                    contacts::writable(tx, contact, "take an opportunity")?;
                    row.contact = contact;
                }
                if let Some(lines) = &c.lines {
                    check_lines(lines, "changes.lines", tx)?;
                    tx.put_opportunity_lines(id, lines)?;
                }
                if let Some(a) = c.amount {
                    row.amount = a;
                }
                if let Some(cur) = &c.currency {
                    row.currency = cur.clone();
                }
                if let Some(p) = c.probability {
                    row.probability = p;
                }
                if let Some(d) = c.expected_close {
                    row.expected_close = d;
                }
                if let Some(o) = &c.owner {
                    row.owner = o.clone();
                }
                check_money(row.amount, row.currency.as_deref())?;
                row.updated_at = tx.now()?;
                tx.save_opportunity(&row)?;
                load(tx, id)
            },
        )
    }

    /// Moves an open opportunity to another open stage of its pipeline.
    pub fn move_opportunity(
        &self,
        id: i64,
        stage: i64,
        meta: &TransitionMeta,
        idempotency_key: Option<&str>,
    ) -> Result<Opportunity> {
        check_meta(meta)?;
        self.write_once(
            "move_opportunity",
            idempotency_key,
            &(id, stage, meta),
            |tx| {
                let mut row = row(tx, id)?;
                if row.status != OpportunityStatus::Open {
                    return Err(not_open(&row, "move (reopen it first)"));
                }
                let target = stage_in(tx, "stage", stage, row.pipeline, StageKind::Open)?;
                if target.id == row.stage {
                    return Err(Error::InvalidTransition {
                        entity: "opportunity",
                        key: id.to_string(),
                        state: format!("in stage {}", target.name),
                        action: "move to the stage it is in".into(),
                    });
                }
                step(tx, &mut row, TransitionKind::Moved, &target, None, meta)?;
                tx.save_opportunity(&row)?;
                load(tx, id)
            },
        )
    }

    /// Wins an open opportunity: it moves to a won stage (the pipeline's
    /// first unless given). With `order`, an order for its lines is placed
    /// in the same transaction, under the database's stock policy: if
    /// stock is short, nothing is won.
    pub fn win_opportunity(
        &self,
        id: i64,
        stage: Option<i64>,
        order: Option<&WinOrder>,
        meta: &TransitionMeta,
        idempotency_key: Option<&str>,
    ) -> Result<Won> {
        check_meta(meta)?;
        let request = (id, stage, order, meta);
        self.write_once("win_opportunity", idempotency_key, &request, |tx| {
            let mut row = row(tx, id)?;
            if row.status != OpportunityStatus::Open {
                return Err(not_open(&row, "win (reopen it first)"));
            }
            let target = match stage {
                Some(s) => stage_in(tx, "stage", s, row.pipeline, StageKind::Won)?,
                None => first_stage(tx, row.pipeline, StageKind::Won)?,
            };
            step(tx, &mut row, TransitionKind::Won, &target, None, meta)?;
            let placed = match order {
                Some(o) => {
                    if let Some(existing) = &row.order {
                        return Err(Error::InvalidTransition {
                            entity: "opportunity",
                            key: id.to_string(),
                            state: format!("ordered as {existing}"),
                            action: "place a second order".into(),
                        });
                    }
                    let lines = tx.opportunity_lines(id)?;
                    if lines.is_empty() {
                        return Err(Error::invalid(
                            "order",
                            format!("opportunity {id} has no lines to order"),
                        ));
                    }
                    let contact = contacts::get(tx, row.contact)?;
                    let new = NewOrder {
                        external_id: o.external_id.clone(),
                        customer: Customer {
                            external_id: contact.external_id.clone(),
                            email: contact.emails.first().map(|e| e.address.clone()),
                            name: Some(contact.name.clone()),
                        },
                        currency: row.currency.clone().unwrap_or_else(|| "XXX".into()),
                        lines: lines
                            .iter()
                            .map(|l| NewOrderLine {
                                sku: l.sku.clone(),
                                quantity: l.quantity,
                                unit_price: l.unit_price,
                                warehouse: o.warehouse,
                            })
                            .collect(),
                        placed_at: meta.at,
                        expires_at: None,
                        create_contact: false,
                    };
                    let placed = crate::orders::place(tx, &new, idempotency_key, Some(contact.id))
                        .map_err(|e| match e {
                            Error::InvalidInput { field, message } => {
                                Error::invalid(format!("order.{field}"), message)
                            }
                            other => other,
                        })?;
                    contacts::note_key(tx, contact.id, idempotency_key)?;
                    row.order_id = Some(placed.id);
                    row.order = Some(placed.external_id.clone());
                    Some(placed)
                }
                None => None,
            };
            tx.save_opportunity(&row)?;
            Ok(Won {
                opportunity: load(tx, id)?,
                order: placed,
            })
        })
    }

    /// Loses an open opportunity for one of the database's lost reasons:
    /// it moves to a lost stage (the pipeline's first unless given).
    pub fn lose_opportunity(
        &self,
        id: i64,
        reason: &str,
        stage: Option<i64>,
        meta: &TransitionMeta,
        idempotency_key: Option<&str>,
    ) -> Result<Opportunity> {
        check_meta(meta)?;
        self.write_once("lose_opportunity", idempotency_key, &(id, reason, stage, meta), |tx| {
            let mut row = row(tx, id)?;
            if row.status != OpportunityStatus::Open {
                return Err(not_open(&row, "lose (reopen it first)"));
            }
            if !tx.lost_reasons()?.iter().any(|r| r.code == reason && r.active) {
                return Err(Error::invalid(
                    "reason",
                    format!("{reason:?} is not a lost reason of this database (see crm_settings, add_lost_reason)"),
                ));
            }
            let target = match stage {
                Some(s) => stage_in(tx, "stage", s, row.pipeline, StageKind::Lost)?,
                None => first_stage(tx, row.pipeline, StageKind::Lost)?,
            };
            step(tx, &mut row, TransitionKind::Lost, &target, Some(reason.into()), meta)?;
            tx.save_opportunity(&row)?;
            load(tx, id)
        })
    }

    /// Opens a won or lost opportunity again, in an open stage: the one
    /// given, else the stage it was closed from. An order its win placed
    /// stays as it is (cancel it on its own).
    pub fn reopen_opportunity(
        &self,
        id: i64,
        stage: Option<i64>,
        meta: &TransitionMeta,
        idempotency_key: Option<&str>,
    ) -> Result<Opportunity> {
        check_meta(meta)?;
        self.write_once(
            "reopen_opportunity",
            idempotency_key,
            &(id, stage, meta),
            |tx| {
                let mut row = row(tx, id)?;
                if row.status == OpportunityStatus::Open {
                    return Err(not_open(&row, "reopen"));
                }
                let target = match stage {
                    Some(s) => stage_in(tx, "stage", s, row.pipeline, StageKind::Open)?,
                    None => {
                        let closed_from = tx.transitions(id)?.last().and_then(|t| t.from_stage);
                        match closed_from.map(|s| pipelines::stage(tx, s)).transpose()? {
                            Some(s) if s.kind == StageKind::Open => s,
                            _ => first_stage(tx, row.pipeline, StageKind::Open)?,
                        }
                    }
                };
                step(tx, &mut row, TransitionKind::Reopened, &target, None, meta)?;
                tx.save_opportunity(&row)?;
                load(tx, id)
            },
        )
    }

    /// The opportunity with this id, with its lines and log.
    pub fn opportunity(&self, id: i64) -> Result<Opportunity> {
        self.read(|r| load(r, id))
    }

    /// Opportunities matching the filter, by id, one page at a time.
    pub fn opportunities(&self, filter: &OpportunityFilter) -> Result<Page<Opportunity>> {
        self.read(|r| list(r, filter))
    }
}

/// One page of [`Database::opportunities`], read on `r`.
pub(crate) fn list(r: &dyn Reads, filter: &OpportunityFilter) -> Result<Page<Opportunity>> {
    let limit = filter.page.limit()?;
    let ids = r.opportunity_ids(filter, limit + 1)?;
    let rows = ids
        .into_iter()
        .map(|id| load(r, id))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, limit, |o| o.id))
}
