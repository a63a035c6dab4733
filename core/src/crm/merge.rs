//! Merging duplicate contacts, and erasing a contact's personal data.
//!
//! Both keep the books whole: orders, movements and opportunity logs stay;
//! a merge re-points them to the survivor and records what moved, an
//! erasure blanks the personal fields and records that it did.

use std::collections::BTreeSet;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::contacts::{self, Contact, ContactEmail, ContactKind, ContactPhone, ContactStatus};
use super::matching::{self, DuplicateFilter, DuplicatePair};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::outbox::{self, EventKind};
use crate::store::Writes;
use crate::text;

/// A merge: what moved from the merged contact to the survivor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ContactMerge {
    /// Its id.
    pub id: i64,
    /// The contact merged away (now `merged`, readable).
    pub merged: i64,
    /// The survivor.
    pub into: i64,
    /// Interactions moved.
    pub interactions: Vec<i64>,
    /// Opportunities moved.
    pub opportunities: Vec<i64>,
    /// Orders moved (external ids).
    pub orders: Vec<String>,
    /// People of a merged company moved to the survivor.
    pub people: Vec<i64>,
    /// Emails the survivor gained.
    pub emails: Vec<String>,
    /// Phones the survivor gained.
    pub phones: Vec<String>,
    /// Tags the survivor gained.
    pub tags: Vec<String>,
    /// Who merged.
    pub actor: Option<String>,
    /// When.
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
}

/// An erasure of personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ContactErasure {
    /// The contact.
    pub contact: i64,
    /// Contacts that had been merged into it, erased with it.
    pub also: Vec<i64>,
    /// The fields erased.
    pub fields: Vec<String>,
    /// Orders whose copy of the customer's name and email was erased.
    pub orders: Vec<String>,
    /// Stored idempotent requests and results scrubbed of the data (a
    /// retry of one of them is an idempotency conflict from now on).
    pub requests: u64,
    /// Interaction summaries the name, emails or phones were cut out of
    /// (the interactions themselves stay).
    pub interactions: u64,
    /// Who erased.
    pub actor: Option<String>,
    /// Why (a request reference).
    pub reason: Option<String>,
    /// When.
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
}

/// Merges and erasure of a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ContactHistory {
    /// Merges into or of this contact, oldest first.
    pub merges: Vec<ContactMerge>,
    /// Its erasure, if it was erased.
    pub erasure: Option<ContactErasure>,
}

/// What stands for erased text.
const ERASED: &str = "[erased]";

/// Replaces, in a stored JSON text, every string equal to one of `secrets`
/// by the erased marker, and every `custom` object by `{}`.
fn scrub(json: &str, secrets: &BTreeSet<String>) -> Option<String> {
    fn walk(v: &mut Value, secrets: &BTreeSet<String>) -> bool {
        match v {
            Value::String(s) if secrets.contains(s.as_str()) => {
                *s = ERASED.into();
                true
            }
            Value::Array(a) => a.iter_mut().fold(false, |c, x| walk(x, secrets) | c),
            Value::Object(o) => {
                let mut changed = false;
                for (k, x) in o.iter_mut() {
                    if k == "custom" && x.as_object().is_some_and(|m| !m.is_empty()) {
                        *x = Value::Object(Map::new());
                        changed = true;
                    } else {
                        changed |= walk(x, secrets);
                    }
                }
                changed
            }
            _ => false,
        }
    }
    let mut v: Value = serde_json::from_str(json).ok()?;
    walk(&mut v, secrets).then(|| v.to_string())
}

fn check_actor(actor: Option<&str>) -> Result<()> {
    text::optional("actor", actor, 100)
}

impl Database {
    /// Candidate duplicate pairs among contacts neither merged nor erased,
    /// best first, each with its score and reasons.
    pub fn duplicate_contacts(&self, filter: &DuplicateFilter) -> Result<Vec<DuplicatePair>> {
        self.read(|r| matching::score(r.shared_contact_keys()?, &r.company_people()?, filter))
    }

    /// Merges contact `merged` into `into`: its interactions, opportunities,
    /// orders (and, for a company, its people) move to the survivor, which
    /// also gains its emails, phones and tags (up to 20 emails and 20
    /// phones; the rest stays readable on the merged contact). The merged contact stays
    /// readable as "merged into"; the merge is recorded with what moved.
    pub fn merge_contacts(
        &self,
        merged: i64,
        into: i64,
        actor: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<ContactMerge> {
        if merged == into {
            return Err(Error::invalid(
                "into",
                format!("contact {merged} cannot be merged into itself"),
            ));
        }
        check_actor(actor)?;
        self.write_once("merge_contacts", idempotency_key, &(merged, into, actor), |tx| {
            let mut gone = contacts::writable(tx, merged, "be merged")?;
            let mut survivor = contacts::writable(tx, into, "receive a merge")?;
            if gone.kind != survivor.kind {
                return Err(Error::invalid(
                    "into",
                    format!("contact {merged} is a {} and contact {into} a {}: merge contacts of one kind", gone.kind, survivor.kind),
                ));
            }
            if survivor.company == Some(merged) {
                survivor.company = gone.company;
            }
            let moved = tx.move_contact_links(merged, into)?;
            let now = tx.now()?;
            let mut record = ContactMerge {
                id: 0,
                merged,
                into,
                interactions: moved.interactions,
                opportunities: moved.opportunities,
                orders: moved.orders,
                people: moved.people,
                emails: vec![],
                phones: vec![],
                tags: vec![],
                actor: actor.map(str::to_owned),
                at: now,
            };
            // Up to the limit of a contact; the rest stays readable on the
            // merged contact.
            for e in &gone.emails {
                if survivor.emails.len() < contacts::MAX_LIST
                    && !survivor.emails.iter().any(|s| s.normalised == e.normalised)
                {
                    record.emails.push(e.address.clone());
                    survivor.emails.push(e.clone());
                }
            }
            for p in &gone.phones {
                if survivor.phones.len() < contacts::MAX_LIST
                    && !survivor.phones.iter().any(|s| s.e164 == p.e164)
                {
                    record.phones.push(p.number.clone());
                    survivor.phones.push(p.clone());
                }
            }
            for t in &gone.tags {
                if !survivor.tags.contains(t) {
                    record.tags.push(t.clone());
                    survivor.tags.push(t.clone());
                }
            }
            survivor.tags.sort();
            survivor.updated_at = now;
            tx.save_contact(&survivor, &matching::name_key(&survivor.name))?;
            gone.status = ContactStatus::Merged;
            gone.merged_into = Some(into);
            gone.updated_at = now;
            tx.save_contact(&gone, &matching::name_key(&gone.name))?;
            record.id = tx.insert_contact_merge(&record)?;
            outbox::emit(
                tx,
                EventKind::ContactMerged,
                &outbox::ContactMerged {
                    merge: record.id,
                    merged,
                    into,
                    interactions: &record.interactions,
                    opportunities: &record.opportunities,
                    orders: &record.orders,
                    people: &record.people,
                    actor,
                },
            )?;
            // The record lists emails and phones: an erasure of either must find it.
            contacts::note_key(tx, merged, idempotency_key)?;
            contacts::note_key(tx, into, idempotency_key)?;
            Ok(record)
        })
    }

    /// Erases a contact's personal data (name, emails, phones, notes,
    /// custom fields, and the copies of its name and email on its orders,
    /// in the stored requests that carried them and in its interaction
    /// summaries) while its orders,
    /// movements, interactions and opportunity logs stay. Recorded; cannot
    /// be undone.
    pub fn erase_contact(
        &self,
        id: i64,
        actor: Option<&str>,
        reason: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<ContactErasure> {
        check_actor(actor)?;
        text::optional("reason", reason, 500)?;
        self.write_once(
            "erase_contact",
            idempotency_key,
            &(id, actor, reason),
            |tx| {
                let c = contacts::get(tx, id)?;
                if c.status == ContactStatus::Erased {
                    return Err(Error::InvalidTransition {
                        entity: "contact",
                        key: id.to_string(),
                        state: "erased".into(),
                        action: "erase again".into(),
                    });
                }
                // Contacts merged into this one were the same person: their
                // data goes too.
                let mut family = vec![c];
                let mut i = 0;
                while i < family.len() && family.len() < 1000 {
                    let of = family[i].id;
                    for m in tx.contact_merges(of)? {
                        if m.into == of && !family.iter().any(|f| f.id == m.merged) {
                            family.push(contacts::get(tx, m.merged)?);
                        }
                    }
                    i += 1;
                }
                let now = tx.now()?;
                let also: Vec<i64> = family[1..].iter().map(|f| f.id).collect();
                let mut erasure = None;
                for c in family {
                    if c.status == ContactStatus::Erased {
                        continue;
                    }
                    let with = if c.id == id { also.clone() } else { vec![] };
                    let e = erase_one(tx, c, &with, actor, reason, now)?;
                    erasure.get_or_insert(e);
                }
                let erasure = erasure.ok_or_else(|| Error::not_found("contact", id))?;
                Ok(erasure)
            },
        )
    }

    /// The merges into or of a contact, and its erasure.
    pub fn contact_history(&self, id: i64) -> Result<ContactHistory> {
        self.read(|r| {
            contacts::get(r, id)?;
            Ok(ContactHistory {
                merges: r.contact_merges(id)?,
                erasure: r.contact_erasure(id)?,
            })
        })
    }
}

/// Erases one contact's personal data and records it.
fn erase_one(
    tx: &dyn Writes,
    mut c: Contact,
    also: &[i64],
    actor: Option<&str>,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<ContactErasure> {
    let id = c.id;
    let secrets = secrets(&c);
    let mut fields = vec!["name".to_string()];
    if !c.emails.is_empty() {
        fields.push("emails".into());
    }
    if !c.phones.is_empty() {
        fields.push("phones".into());
    }
    if c.notes.is_some() {
        fields.push("notes".into());
    }
    if !c.custom.is_empty() {
        fields.push("custom".into());
    }
    let orders = erase_copies(tx, id, &secrets)?;
    let requests = scrub_requests(tx, id, &secrets)?;
    for mut m in tx.contact_merges(id)? {
        let before = m.clone();
        for v in m.emails.iter_mut().chain(m.phones.iter_mut()) {
            if secrets.contains(v.as_str()) {
                *v = ERASED.into();
            }
        }
        if m != before {
            tx.save_contact_merge(&m)?;
        }
    }
    // Interaction summaries stay (what was done, when, by whom); the
    // contact's name, emails and phones are cut out of their text.
    let mut cut: Vec<&String> = secrets.iter().filter(|s| s.chars().count() >= 3).collect();
    cut.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut interactions = 0;
    for (interaction, summary) in tx.contact_interaction_summaries(id)? {
        let mut text = summary.clone();
        for secret in &cut {
            text = text.replace(secret.as_str(), ERASED);
        }
        if text != summary {
            tx.put_interaction_summary(interaction, &text)?;
            interactions += 1;
        }
    }
    c.name = match c.kind {
        ContactKind::Person => format!("Erased person {id}"),
        ContactKind::Company => format!("Erased company {id}"),
    };
    c.emails = Vec::<ContactEmail>::new();
    c.phones = Vec::<ContactPhone>::new();
    c.notes = None;
    c.custom = Map::new();
    c.status = ContactStatus::Erased;
    c.updated_at = now;
    tx.save_contact(&c, &matching::name_key(&c.name))?;
    let erasure = ContactErasure {
        contact: id,
        also: also.to_vec(),
        fields,
        orders,
        requests,
        interactions,
        actor: actor.map(str::to_owned),
        reason: reason.map(str::to_owned),
        at: now,
    };
    tx.insert_contact_erasure(&erasure)?;
    Ok(erasure)
}

/// Every personal string of a contact, in every form it was stored in.
fn secrets(c: &Contact) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    s.insert(c.name.clone());
    for e in &c.emails {
        s.insert(e.address.clone());
        s.insert(e.normalised.clone());
    }
    for p in &c.phones {
        s.insert(p.number.clone());
        s.insert(p.e164.clone());
    }
    if let Some(n) = &c.notes {
        s.insert(n.clone());
    }
    s
}

/// Clears the customer name and email copied onto the contact's orders,
/// and scrubs them from those orders' event details.
fn erase_copies(tx: &dyn Writes, id: i64, secrets: &BTreeSet<String>) -> Result<Vec<String>> {
    let orders = tx.erase_order_customers(id)?;
    for (event, detail) in tx.contact_order_event_details(id)? {
        if let Some(clean) = scrub(&detail, secrets) {
            tx.put_order_event_detail(event, &clean)?;
        }
    }
    Ok(orders)
}

/// Scrubs the stored idempotent requests and results that carried the
/// contact's data.
fn scrub_requests(tx: &dyn Writes, id: i64, secrets: &BTreeSet<String>) -> Result<u64> {
    let mut n = 0;
    for key in tx.personal_keys(id)? {
        let Some(mut record) = tx.idempotency_record(&key)? else {
            continue;
        };
        let request = scrub(&record.request, secrets);
        let result = scrub(&record.result, secrets);
        if request.is_none() && result.is_none() {
            continue;
        }
        if let Some(r) = request {
            record.request = r;
        }
        if let Some(r) = result {
            record.result = r;
        }
        tx.replace_idempotency_record(&key, &record)?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_replaces_whole_values_only() {
        let secrets: BTreeSet<String> = ["Marie".to_string(), "m@x.fr".to_string()].into();
        let out = scrub(
            r#"{"name":"Marie","note":"Marie called","emails":["m@x.fr"],"custom":{"a":1},"n":3}"#,
            &secrets,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"name":"[erased]","note":"Marie called","emails":["[erased]"],"custom":{},"n":3}"#
        );
        assert_eq!(scrub(r#"{"name":"Paul"}"#, &secrets), None);
    }
}
