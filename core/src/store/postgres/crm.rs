//! Contacts, their merges and erasures, and interactions in PostgreSQL.

use jiff::Timestamp;
use postgres::Row;
use serde_json::{Map, Value};

use super::{at, instant, like_pattern, micros, run, stored, unique, PgTx, SqlError, SqlResult};
use crate::crm::{
    Candidate, Contact, ContactEmail, ContactErasure, ContactKind, ContactMerge, ContactPhone,
    ContactStatus, Interaction, InteractionKind, InteractionWhen, MatchKind,
};
use crate::error::{Error, Result};
use crate::store::{
    ContactQuery, ContactReads, ContactWrites, InteractionQuery, InteractionReads,
    InteractionWrites, MovedLinks,
};

/// A stored JSON column back to its value (a bad one is a storage error).
fn json<T: serde::de::DeserializeOwned>(text: &str) -> SqlResult<T> {
    serde_json::from_str(text).map_err(|e| SqlError::from(Error::storage(e)))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(Error::storage)
}

/// A stored calendar date (`YYYY-MM-DD`) back to a date.
pub(super) fn stored_date(text: Option<String>) -> SqlResult<Option<jiff::civil::Date>> {
    text.map(|t| {
        t.parse()
            .map_err(|e: jiff::Error| SqlError::from(Error::storage(e)))
    })
    .transpose()
}

fn contact_from_row(r: &Row) -> SqlResult<Contact> {
    Ok(Contact {
        id: at(r, 0)?,
        kind: stored(ContactKind::from_stored(at(r, 1)?))?,
        name: at(r, 2)?,
        company: at(r, 3)?,
        emails: vec![],
        phones: vec![],
        tags: vec![],
        source: at(r, 4)?,
        owner: at(r, 5)?,
        external_id: at(r, 6)?,
        notes: at(r, 7)?,
        custom: json::<Map<String, Value>>(at(r, 8)?)?,
        status: stored(ContactStatus::from_stored(at(r, 9)?))?,
        merged_into: at(r, 10)?,
        created_at: instant(at(r, 11)?),
        updated_at: instant(at(r, 12)?),
    })
}

impl ContactReads for PgTx<'_> {
    fn contact(&self, id: i64) -> Result<Option<Contact>> {
        run(|| {
            let pg = self.pg();
            let Some(row) = pg.opt(
                "SELECT id, kind, name, company_id, source, owner, external_id, notes, custom,
                        status, merged_into, created_at, updated_at
                 FROM contacts WHERE id = $1",
                &[&id],
            )?
            else {
                return Ok(None);
            };
            let mut c = contact_from_row(&row)?;
            c.emails = pg
                .rows(
                    "SELECT address, normalised FROM contact_emails WHERE contact_id = $1 ORDER BY position",
                    &[&id],
                )?
                .iter()
                .map(|r| {
                    Ok(ContactEmail {
                        address: at(r, 0)?,
                        normalised: at(r, 1)?,
                    })
                })
                .collect::<SqlResult<_>>()?;
            c.phones = pg
                .rows(
                    "SELECT number, e164 FROM contact_phones WHERE contact_id = $1 ORDER BY position",
                    &[&id],
                )?
                .iter()
                .map(|r| {
                    Ok(ContactPhone {
                        number: at(r, 0)?,
                        e164: at(r, 1)?,
                    })
                })
                .collect::<SqlResult<_>>()?;
            c.tags = pg
                .rows(
                    "SELECT tag FROM contact_tags WHERE contact_id = $1 ORDER BY tag COLLATE \"C\"",
                    &[&id],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect::<SqlResult<_>>()?;
            Ok(Some(c))
        })
    }

    fn contact_id_by_external_id(&self, external_id: &str) -> Result<Option<i64>> {
        if !super::storable(external_id) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    "SELECT id FROM contacts WHERE external_id = $1",
                    &[&external_id],
                )?
                .map(|r| at(&r, 0))
                .transpose()
        })
    }

    fn contact_ids_by_email(&self, normalised: &str) -> Result<Vec<i64>> {
        if !super::storable(normalised) {
            return Ok(Vec::new());
        }
        run(|| {
            self.ids(
                "SELECT DISTINCT c.id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
                 WHERE e.normalised = $1 AND c.status IN ('active', 'archived') ORDER BY c.id",
                &[&normalised],
            )
        })
    }

    fn contacts(&self, q: &ContactQuery) -> Result<Vec<Contact>> {
        let search = q.search.as_deref().map(like_pattern);
        let found = run(|| {
            self.ids(
                "SELECT c.id FROM contacts c
                 WHERE c.id > $1 AND c.status = $2
                   AND ($3::text IS NULL OR c.kind = $3)
                   AND ($4::int8 IS NULL OR c.company_id = $4)
                   AND ($5::text IS NULL OR c.owner = $5)
                   AND ($6::text IS NULL OR c.source = $6)
                   AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = $7))
                   AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.normalised = $8))
                   AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.e164 = $9))
                   AND ($10::text IS NULL
                        OR c.name_key ILIKE $10 ESCAPE '\'
                        OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.normalised ILIKE $10 ESCAPE '\')
                        OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.e164 = $11)
                        OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = $12))
                 ORDER BY c.id LIMIT $13",
                &[
                    &q.after,
                    &q.status.as_str(),
                    &q.kind.map(ContactKind::as_str),
                    &q.company,
                    &q.owner.as_deref(),
                    &q.source.as_deref(),
                    &q.tag.as_deref(),
                    &q.email.as_deref(),
                    &q.phone.as_deref(),
                    &search,
                    &q.search_phone.as_deref(),
                    &q.search_tag.as_deref(),
                    &i64::from(q.limit),
                ],
            )
        })?;
        found
            .into_iter()
            .map(|id| {
                self.contact(id)?
                    .ok_or_else(|| Error::not_found("contact", id))
            })
            .collect()
    }

    fn contact_order_ids(
        &self,
        contact: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(i64, String)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id, external_id FROM orders WHERE contact_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                    &[&contact, &after, &i64::from(limit)],
                )?
                .iter()
                .map(|r| Ok((at(r, 0)?, at(r, 1)?)))
                .collect()
        })
    }

    fn shared_contact_keys(&self) -> Result<Vec<(i64, i64, MatchKind, String)>> {
        run(|| {
            let mut out = Vec::new();
            for (kind, table, column) in [
                (MatchKind::SameEmail, "contact_emails", "normalised"),
                (MatchKind::SamePhone, "contact_phones", "e164"),
            ] {
                let sql = format!(
                    "SELECT DISTINCT a.contact_id, b.contact_id, a.{column}
                     FROM {table} a JOIN {table} b ON b.{column} = a.{column} AND b.contact_id > a.contact_id
                     JOIN contacts ca ON ca.id = a.contact_id JOIN contacts cb ON cb.id = b.contact_id
                     WHERE ca.status IN ('active', 'archived') AND cb.status IN ('active', 'archived')
                       AND ca.kind = cb.kind
                     ORDER BY 1, 2"
                );
                for r in self.pg().rows(&sql, &[])? {
                    out.push((at(&r, 0)?, at(&r, 1)?, kind, at(&r, 2)?));
                }
            }
            Ok(out)
        })
    }

    fn company_people(&self) -> Result<Vec<Candidate>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id, company_id, name_key FROM contacts
                     WHERE company_id IS NOT NULL AND kind = 'person' AND status IN ('active', 'archived')
                     ORDER BY company_id, id",
                    &[],
                )?
                .iter()
                .map(|r| {
                    Ok(Candidate {
                        id: at(r, 0)?,
                        company: at(r, 1)?,
                        name_key: at(r, 2)?,
                    })
                })
                .collect()
        })
    }

    fn contact_merges(&self, contact: i64) -> Result<Vec<ContactMerge>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id, moved FROM contact_merges WHERE merged_id = $1 OR into_id = $1 ORDER BY id",
                    &[&contact],
                )?
                .iter()
                .map(|r| {
                    let mut m = json::<ContactMerge>(at(r, 1)?)?;
                    m.id = at(r, 0)?;
                    Ok(m)
                })
                .collect()
        })
    }

    fn contact_erasure(&self, contact: i64) -> Result<Option<ContactErasure>> {
        run(|| {
            self.pg()
                .opt(
                    "SELECT record FROM contact_erasures WHERE contact_id = $1",
                    &[&contact],
                )?
                .map(|r| json::<ContactErasure>(at(&r, 0)?))
                .transpose()
        })
    }

    fn personal_keys(&self, contact: i64) -> Result<Vec<String>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT idempotency_key FROM contact_keys WHERE contact_id = $1",
                    &[&contact],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect()
        })
    }

    fn contact_order_event_details(&self, contact: i64) -> Result<Vec<(i64, String)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT e.id, e.detail FROM order_events e JOIN orders o ON o.id = e.order_id
                     WHERE o.contact_id = $1 AND e.detail IS NOT NULL ORDER BY e.id",
                    &[&contact],
                )?
                .iter()
                .map(|r| Ok((at(r, 0)?, at(r, 1)?)))
                .collect()
        })
    }

    fn contact_interaction_summaries(&self, contact: i64) -> Result<Vec<(i64, String)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id, summary FROM interactions WHERE contact_id = $1 ORDER BY id",
                    &[&contact],
                )?
                .iter()
                .map(|r| Ok((at(r, 0)?, at(r, 1)?)))
                .collect()
        })
    }
}

impl PgTx<'_> {
    /// Replaces the emails, phones and tags of a contact.
    fn put_contact_lists(&self, c: &Contact) -> SqlResult<()> {
        let pg = self.pg();
        for table in ["contact_emails", "contact_phones", "contact_tags"] {
            pg.exec(
                &format!("DELETE FROM {table} WHERE contact_id = $1"),
                &[&c.id],
            )?;
        }
        for (i, e) in c.emails.iter().enumerate() {
            pg.exec(
                "INSERT INTO contact_emails(contact_id, position, address, normalised) VALUES ($1, $2, $3, $4)",
                &[&c.id, &(i as i64), &e.address.as_str(), &e.normalised.as_str()],
            )?;
        }
        for (i, p) in c.phones.iter().enumerate() {
            pg.exec(
                "INSERT INTO contact_phones(contact_id, position, number, e164) VALUES ($1, $2, $3, $4)",
                &[&c.id, &(i as i64), &p.number.as_str(), &p.e164.as_str()],
            )?;
        }
        for t in &c.tags {
            pg.exec(
                "INSERT INTO contact_tags(contact_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&c.id, &t.as_str()],
            )?;
        }
        Ok(())
    }
}

impl ContactWrites for PgTx<'_> {
    fn insert_contact(&self, c: &Contact, name_key: &str) -> Result<i64> {
        let custom = to_json(&c.custom)?;
        let external = c.external_id.clone().unwrap_or_default();
        run(|| {
            let row = self
                .pg()
                .one(
                    "INSERT INTO contacts(kind, name, name_key, company_id, source, owner, external_id,
                         notes, custom, status, merged_into, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                    &[
                        &c.kind.as_str(),
                        &c.name.as_str(),
                        &name_key,
                        &c.company,
                        &c.source.as_deref(),
                        &c.owner.as_deref(),
                        &c.external_id.as_deref(),
                        &c.notes.as_deref(),
                        &custom.as_str(),
                        &c.status.as_str(),
                        &c.merged_into,
                        &micros(c.created_at),
                        &micros(c.updated_at),
                    ],
                )
                .map_err(unique("contact", &external))?;
            let id: i64 = at(&row, 0)?;
            let mut with_id = c.clone();
            with_id.id = id;
            self.put_contact_lists(&with_id)?;
            Ok(id)
        })
    }

    fn save_contact(&self, c: &Contact, name_key: &str) -> Result<()> {
        let custom = to_json(&c.custom)?;
        let external = c.external_id.clone().unwrap_or_default();
        run(|| {
            self.pg()
                .exec(
                    "UPDATE contacts SET kind = $2, name = $3, name_key = $4, company_id = $5, source = $6,
                         owner = $7, external_id = $8, notes = $9, custom = $10, status = $11,
                         merged_into = $12, updated_at = $13
                     WHERE id = $1",
                    &[
                        &c.id,
                        &c.kind.as_str(),
                        &c.name.as_str(),
                        &name_key,
                        &c.company,
                        &c.source.as_deref(),
                        &c.owner.as_deref(),
                        &c.external_id.as_deref(),
                        &c.notes.as_deref(),
                        &custom.as_str(),
                        &c.status.as_str(),
                        &c.merged_into,
                        &micros(c.updated_at),
                    ],
                )
                .map_err(unique("contact", &external))?;
            self.put_contact_lists(c)?;
            Ok(())
        })
    }

    fn link_personal_key(&self, contact: i64, key: &str) -> Result<()> {
        run(|| {
            self.pg().exec(
                "INSERT INTO contact_keys(contact_id, idempotency_key) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
                &[&contact, &key],
            )?;
            Ok(())
        })
    }

    fn move_contact_links(&self, from: i64, to: i64) -> Result<MovedLinks> {
        run(|| {
            let pg = self.pg();
            let moved = |table: &str, column: &str| -> SqlResult<Vec<i64>> {
                let found = self.ids(
                    &format!("SELECT id FROM {table} WHERE {column} = $1 ORDER BY id"),
                    &[&from],
                )?;
                pg.exec(
                    &format!("UPDATE {table} SET {column} = $2 WHERE {column} = $1"),
                    &[&from, &to],
                )?;
                Ok(found)
            };
            let interactions = moved("interactions", "contact_id")?;
            let opportunities = moved("opportunities", "contact_id")?;
            let people = moved("contacts", "company_id")?;
            let orders: Vec<String> = pg
                .rows(
                    "SELECT external_id FROM orders WHERE contact_id = $1 ORDER BY id",
                    &[&from],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect::<SqlResult<_>>()?;
            pg.exec(
                "UPDATE orders SET contact_id = $2 WHERE contact_id = $1",
                &[&from, &to],
            )?;
            Ok(MovedLinks {
                interactions,
                opportunities,
                orders,
                people,
            })
        })
    }

    fn insert_contact_merge(&self, m: &ContactMerge) -> Result<i64> {
        // The record's id is the row's: read back from it, not stored twice.
        let moved = to_json(m)?;
        run(|| {
            at(
                &self.pg().one(
                    "INSERT INTO contact_merges(merged_id, into_id, moved, at) VALUES ($1, $2, $3, $4)
                     RETURNING id",
                    &[&m.merged, &m.into, &moved.as_str(), &micros(m.at)],
                )?,
                0,
            )
        })
    }

    fn save_contact_merge(&self, m: &ContactMerge) -> Result<()> {
        let moved = to_json(m)?;
        run(|| {
            self.pg().exec(
                "UPDATE contact_merges SET moved = $2 WHERE id = $1",
                &[&m.id, &moved.as_str()],
            )?;
            Ok(())
        })
    }

    fn insert_contact_erasure(&self, e: &ContactErasure) -> Result<()> {
        let record = to_json(e)?;
        run(|| {
            self.pg().exec(
                "INSERT INTO contact_erasures(contact_id, record, at) VALUES ($1, $2, $3)",
                &[&e.contact, &record.as_str(), &micros(e.at)],
            )?;
            Ok(())
        })
    }

    fn erase_order_customers(&self, contact: i64) -> Result<Vec<String>> {
        run(|| {
            let pg = self.pg();
            let orders: Vec<String> = pg
                .rows(
                    "SELECT external_id FROM orders WHERE contact_id = $1
                       AND (customer_email IS NOT NULL OR customer_name IS NOT NULL) ORDER BY id",
                    &[&contact],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect::<SqlResult<_>>()?;
            pg.exec(
                "UPDATE orders SET customer_email = NULL, customer_name = NULL WHERE contact_id = $1",
                &[&contact],
            )?;
            Ok(orders)
        })
    }

    fn put_order_event_detail(&self, event: i64, detail: &str) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE order_events SET detail = $2 WHERE id = $1",
                &[&event, &detail],
            )?;
            Ok(())
        })
    }

    fn put_interaction_summary(&self, interaction: i64, summary: &str) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE interactions SET summary = $2 WHERE id = $1",
                &[&interaction, &summary],
            )?;
            Ok(())
        })
    }
}

const INTERACTION_COLUMNS: &str =
    "id, kind, contact_id, opportunity_id, author, summary, at, due, done, done_at, created_at";

fn interaction_from_row(r: &Row) -> SqlResult<Interaction> {
    Ok(Interaction {
        id: at(r, 0)?,
        kind: stored(InteractionKind::from_stored(at(r, 1)?))?,
        contact: at(r, 2)?,
        opportunity: at(r, 3)?,
        author: at(r, 4)?,
        summary: at(r, 5)?,
        at: instant(at(r, 6)?),
        due: stored_date(at(r, 7)?)?,
        done: at(r, 8)?,
        done_at: at::<Option<i64>>(r, 9)?.map(instant),
        created_at: instant(at(r, 10)?),
    })
}

impl InteractionReads for PgTx<'_> {
    fn interaction(&self, id: i64) -> Result<Option<Interaction>> {
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {INTERACTION_COLUMNS} FROM interactions WHERE id = $1"),
                    &[&id],
                )?
                .map(|r| interaction_from_row(&r))
                .transpose()
        })
    }

    fn interactions(&self, q: &InteractionQuery) -> Result<Vec<Interaction>> {
        // Planned: after `now`, or a task not done. Keyset on (at, id) in
        // the listing's order, from the cursor's own row.
        let planned = "(at > $1 OR (kind = 'task' AND NOT done))";
        let (when, cursor, order) = match q.when {
            InteractionWhen::Planned => (
                planned.to_string(),
                "(at, id) > (SELECT at, id FROM interactions WHERE id = $2)",
                "at, id",
            ),
            InteractionWhen::Recent => (
                format!("NOT {planned}"),
                "(at, id) < (SELECT at, id FROM interactions WHERE id = $2)",
                "at DESC, id DESC",
            ),
            InteractionWhen::All => (
                "$1::int8 IS NOT NULL".to_string(),
                "(at, id) < (SELECT at, id FROM interactions WHERE id = $2)",
                "at DESC, id DESC",
            ),
        };
        let sql = format!(
            "SELECT {INTERACTION_COLUMNS} FROM interactions
             WHERE {when} AND ($2::int8 IS NULL OR {cursor})
               AND ($3::int8 IS NULL OR contact_id = $3) AND ($4::int8 IS NULL OR opportunity_id = $4)
               AND ($5::text IS NULL OR author = $5) AND ($6::text IS NULL OR kind = $6)
             ORDER BY {order} LIMIT $7"
        );
        run(|| {
            self.pg()
                .rows(
                    &sql,
                    &[
                        &micros(q.now),
                        &q.after,
                        &q.contact,
                        &q.opportunity,
                        &q.owner.as_deref(),
                        &q.kind.map(InteractionKind::as_str),
                        &i64::from(q.limit),
                    ],
                )?
                .iter()
                .map(interaction_from_row)
                .collect()
        })
    }
}

impl InteractionWrites for PgTx<'_> {
    fn insert_interaction(&self, i: &Interaction) -> Result<i64> {
        run(|| {
            at(
                &self.pg().one(
                    "INSERT INTO interactions(kind, contact_id, opportunity_id, author, summary, at, due,
                         done, done_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[
                        &i.kind.as_str(),
                        &i.contact,
                        &i.opportunity,
                        &i.author.as_deref(),
                        &i.summary.as_str(),
                        &micros(i.at),
                        &i.due.map(|d| d.to_string()),
                        &i.done,
                        &i.done_at.map(micros),
                        &micros(i.created_at),
                    ],
                )?,
                0,
            )
        })
    }

    fn set_interaction_done(&self, id: i64, at_: Timestamp) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE interactions SET done = true, done_at = $2 WHERE id = $1",
                &[&id, &micros(at_)],
            )?;
            Ok(())
        })
    }
}
