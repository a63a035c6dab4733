//! The CRM, in the same database as the stock: contacts (people and
//! companies), their interactions, pipelines of stages, and opportunities
//! whose every stage change is appended to a transition log.
//!
//! It shares the ledger's rules for writes: every write is one transaction
//! and may carry an idempotency key; bad input is a typed error naming the
//! field and writes nothing. Orders link to contacts ([`crate::NewOrder::create_contact`]),
//! and winning an opportunity can place its order in the same transaction.
//!
//! ```
//! use racine::{Database, NewContact, NewOpportunity, NewPipeline, NewStage, StageKind};
//! let db = Database::open_in_memory()?;
//! db.set_default_country(Some("FR"), None)?;
//! let marie = db.create_contact(&NewContact {
//!     emails: vec![" Marie.Curie@Example.FR ".into()],
//!     phones: vec!["06 12 34 56 78".into()],
//!     ..NewContact::person("Marie Curie")
//! }, None)?;
//! assert_eq!(marie.emails[0].normalised, "marie.curie@example.fr");
//! assert_eq!(marie.phones[0].e164, "+33612345678");
//!
//! let sales = db.create_pipeline(&NewPipeline {
//!     name: "Sales".into(),
//!     stages: vec![NewStage::open("Lead", "10".parse()?), NewStage::open("Proposal", "60".parse()?),
//!                  NewStage::closed("Won", StageKind::Won), NewStage::closed("Lost", StageKind::Lost)],
//! }, None)?;
//! let deal = db.create_opportunity(&NewOpportunity::new("Lab benches", marie.id, sales.id), None)?;
//! assert_eq!(deal.stage_name, "Lead");
//! let proposal = sales.stages[1].id;
//! let deal = db.move_opportunity(deal.id, proposal, &Default::default(), None)?;
//! assert_eq!(deal.probability.to_string(), "60");
//! let won = db.win_opportunity(deal.id, None, None, &Default::default(), None)?;
//! assert_eq!(won.opportunity.history.len(), 3); // created, moved, won
//! # Ok::<(), racine::Error>(())
//! ```

pub(crate) mod contacts;
pub(crate) mod interactions;
mod matching;
mod merge;
pub(crate) mod opportunities;
mod pipelines;

pub use contacts::{
    Contact, ContactChanges, ContactEmail, ContactFilter, ContactKind, ContactPhone, ContactStatus,
    CrmSettings, NewContact,
};
pub use interactions::{
    Interaction, InteractionFilter, InteractionKind, InteractionWhen, NewInteraction,
};
pub use matching::{DuplicateFilter, DuplicatePair, DuplicateReason, MatchKind};
pub use merge::{ContactErasure, ContactHistory, ContactMerge};
pub use opportunities::{
    NewOpportunity, Opportunity, OpportunityChanges, OpportunityFilter, OpportunityLine,
    OpportunityStatus, Transition, TransitionKind, TransitionMeta, WinOrder, Won,
};
pub use pipelines::{LostReason, NewPipeline, NewStage, Pipeline, Stage, StageChanges, StageKind};

pub(crate) use contacts::link_customer;
pub(crate) use matching::Candidate;
pub(crate) use opportunities::replay;
