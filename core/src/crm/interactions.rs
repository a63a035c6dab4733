//! Interactions: calls, emails, meetings, notes and tasks with a contact,
//! done or planned.

use jiff::civil::Date;
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::contacts::{self, Contact};
use crate::closed_set::closed_set;
use crate::database::Database;
use crate::error::{Error, Result};
use crate::instant::stored;
use crate::page::{Page, PageRequest};
use crate::store::{InteractionQuery, Reads};
use crate::text;

closed_set! {
    /// What kind of interaction.
    pub enum InteractionKind as "kind" {
        /// A phone call.
        Call = "call",
        /// An email.
        Email = "email",
        /// A meeting.
        Meeting = "meeting",
        /// A note.
        Note = "note",
        /// A task, with a due date and a done flag.
        Task = "task",
    }
}

closed_set! {
    /// Which interactions a listing shows.
    pub enum InteractionWhen as "when", default Recent {
        /// What happened: at or before now, tasks done. Newest first.
        Recent = "recent",
        /// What is coming: after now, and every task not done. Soonest first.
        Planned = "planned",
        /// Everything, newest first.
        All = "all",
    }
}

/// What [`Database::log_interaction`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInteraction {
    /// Call, email, meeting, note or task.
    pub kind: InteractionKind,
    /// The contact it is with.
    pub contact: i64,
    /// The opportunity it is about (of the contact, its company or its people).
    #[serde(default)]
    pub opportunity: Option<i64>,
    /// Who did it, or will.
    #[serde(default)]
    pub author: Option<String>,
    /// What it was about.
    pub summary: String,
    /// When it happened or is planned; now if absent.
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub at: Option<Timestamp>,
    /// For a task: the day it is due.
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Day>")]
    pub due: Option<Date>,
    /// For a task: already done.
    #[serde(default)]
    pub done: bool,
}

impl NewInteraction {
    /// An interaction of `kind` with `contact`, happening now.
    pub fn new(kind: InteractionKind, contact: i64, summary: impl Into<String>) -> NewInteraction {
        NewInteraction {
            kind,
            contact,
            opportunity: None,
            author: None,
            summary: summary.into(),
            at: None,
            due: None,
            done: false,
        }
    }
}

/// An interaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Interaction {
    /// Its id.
    pub id: i64,
    /// Its kind.
    pub kind: InteractionKind,
    /// The contact.
    pub contact: i64,
    /// The opportunity.
    pub opportunity: Option<i64>,
    /// Who did it, or will.
    pub author: Option<String>,
    /// What it was about.
    pub summary: String,
    /// When it happened or is planned.
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
    /// For a task: the day it is due.
    #[schemars(with = "Option<crate::catalogue::Day>")]
    pub due: Option<Date>,
    /// For a task: done.
    pub done: bool,
    /// For a task: when it was marked done.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    pub done_at: Option<Timestamp>,
    /// When it was logged.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
}

/// Filters for [`Database::interactions`]; all given ones must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct InteractionFilter {
    /// Recent (default), planned, or all.
    pub when: InteractionWhen,
    /// Only with this contact.
    pub contact: Option<i64>,
    /// Only about this opportunity.
    pub opportunity: Option<i64>,
    /// Only by this author (the owner who did it or will).
    pub owner: Option<String>,
    /// Only this kind.
    pub kind: Option<InteractionKind>,
    /// The instant that splits recent from planned; now if absent.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub now: Option<Timestamp>,
    /// Page size and cursor (an interaction id).
    #[serde(flatten)]
    pub page: PageRequest,
}

/// Whether people `a` and `b` are the same contact, or one is the other's
/// company, or both belong to one company.
fn related(a: &Contact, b: &Contact) -> bool {
    a.id == b.id
        || a.company == Some(b.id)
        || b.company == Some(a.id)
        || (a.company.is_some() && a.company == b.company)
}

fn get(r: &(impl Reads + ?Sized), id: i64) -> Result<Interaction> {
    r.interaction(id)?
        .ok_or_else(|| Error::not_found("interaction", id))
}

impl Database {
    /// Logs an interaction with a contact (not a merged or erased one).
    pub fn log_interaction(
        &self,
        interaction: &NewInteraction,
        idempotency_key: Option<&str>,
    ) -> Result<Interaction> {
        let i = interaction;
        text::required("summary", &i.summary, 10_000)?;
        text::optional("author", i.author.as_deref(), 100)?;
        if i.kind != InteractionKind::Task && (i.due.is_some() || i.done) {
            let field = if i.due.is_some() { "due" } else { "done" };
            return Err(Error::invalid(
                field,
                format!("only a task has one, not a {}", i.kind),
            ));
        }
        self.write_once("log_interaction", idempotency_key, interaction, |tx| {
            let contact = contacts::writable(tx, i.contact, "log an interaction")?;
            if let Some(o) = i.opportunity {
                let row = tx.opportunity_row(o)?.ok_or_else(|| Error::not_found("opportunity", o))?;
                let theirs = contacts::get(tx, row.contact)?;
                if !related(&contact, &theirs) {
                    return Err(Error::invalid(
                        "opportunity",
                        format!("opportunity {o} is with contact {}, not with contact {} or its company", row.contact, contact.id),
                    ));
                }
            }
            let now = tx.now()?;
            let mut out = Interaction {
                id: 0,
                kind: i.kind,
                contact: i.contact,
                opportunity: i.opportunity,
                author: i.author.clone(),
                summary: i.summary.clone(),
                at: i.at.map(stored).unwrap_or(now),
                due: i.due,
                done: i.done,
                done_at: i.done.then_some(now),
                created_at: now,
            };
            out.id = tx.insert_interaction(&out)?;
            Ok(out)
        })
    }

    /// Marks a task done.
    pub fn complete_task(&self, id: i64, idempotency_key: Option<&str>) -> Result<Interaction> {
        self.write_once("complete_task", idempotency_key, &id, |tx| {
            let mut i = get(tx, id)?;
            if i.kind != InteractionKind::Task || i.done {
                return Err(Error::InvalidTransition {
                    entity: "interaction",
                    key: id.to_string(),
                    state: if i.done {
                        "done".into()
                    } else {
                        format!("a {}", i.kind)
                    },
                    action: "complete it as a task".into(),
                });
            }
            let now = tx.now()?;
            tx.set_interaction_done(id, now)?;
            i.done = true;
            i.done_at = Some(now);
            Ok(i)
        })
    }

    /// The interaction with this id.
    pub fn interaction(&self, id: i64) -> Result<Interaction> {
        self.read(|r| get(r, id))
    }

    /// Recent or planned interactions, per contact, opportunity or owner,
    /// one page at a time (recent: newest first; planned: soonest first).
    pub fn interactions(&self, filter: &InteractionFilter) -> Result<Page<Interaction>> {
        self.read(|r| list(r, filter))
    }
}

/// One page of [`Database::interactions`], read on `r`.
pub(crate) fn list(r: &dyn Reads, filter: &InteractionFilter) -> Result<Page<Interaction>> {
    let limit = filter.page.limit()?;
    text::optional("owner", filter.owner.as_deref(), 100)?;
    let query = InteractionQuery {
        when: filter.when,
        contact: filter.contact,
        opportunity: filter.opportunity,
        owner: filter.owner.clone(),
        kind: filter.kind,
        now: filter.now.unwrap_or_else(crate::instant::now),
        after: filter.page.after,
        limit: limit + 1,
    };
    let rows = r.interactions(&query)?;
    Ok(Page::from_rows(rows, limit, |i| i.id))
}
