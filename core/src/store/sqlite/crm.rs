//! Contacts, their merges and erasures, and interactions in SQLite.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::{Map, Value};

use super::{
    instant, is_unique_violation, like_pattern, micros, run, stored, Conn, SqlError, SqliteTx,
};
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
fn json<T: serde::de::DeserializeOwned>(text: &str, column: usize) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(Error::storage)
}

pub(super) fn stored_date(
    text: Option<String>,
    column: usize,
) -> rusqlite::Result<Option<jiff::civil::Date>> {
    text.map(|t| {
        t.parse().map_err(|e: jiff::Error| {
            rusqlite::Error::FromSqlConversionFailure(
                column,
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })
    })
    .transpose()
}

fn ids(
    conn: &rusqlite::Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(sql)?
        .query_map(p, |r| r.get(0))?
        .collect()
}

impl<T: Conn + ?Sized> ContactReads for T {
    fn contact(&self, id: i64) -> Result<Option<Contact>> {
        run(|| {
            let conn = self.conn();
            let Some(mut c) = conn
                .prepare_cached(
                    "SELECT id, kind, name, company_id, source, owner, external_id, notes, custom,
                            status, merged_into, created_at, updated_at
                     FROM contacts WHERE id = ?1",
                )?
                .query_row([id], |r: &Row| {
                    Ok(Contact {
                        id: r.get(0)?,
                        kind: stored(ContactKind::from_stored(&r.get::<_, String>(1)?), 1)?,
                        name: r.get(2)?,
                        company: r.get(3)?,
                        emails: vec![],
                        phones: vec![],
                        tags: vec![],
                        source: r.get(4)?,
                        owner: r.get(5)?,
                        external_id: r.get(6)?,
                        notes: r.get(7)?,
                        custom: json::<Map<String, Value>>(&r.get::<_, String>(8)?, 8)?,
                        status: stored(ContactStatus::from_stored(&r.get::<_, String>(9)?), 9)?,
                        merged_into: r.get(10)?,
                        created_at: instant(r.get(11)?),
                        updated_at: instant(r.get(12)?),
                    })
                })
                .optional()?
            else {
                return Ok(None);
            };
            c.emails = conn
                .prepare_cached("SELECT address, normalised FROM contact_emails WHERE contact_id = ?1 ORDER BY position")?
                .query_map([id], |r| Ok(ContactEmail { address: r.get(0)?, normalised: r.get(1)? }))?
                .collect::<rusqlite::Result<_>>()?;
            c.phones = conn
                .prepare_cached("SELECT number, e164 FROM contact_phones WHERE contact_id = ?1 ORDER BY position")?
                .query_map([id], |r| Ok(ContactPhone { number: r.get(0)?, e164: r.get(1)? }))?
                .collect::<rusqlite::Result<_>>()?;
            c.tags = conn
                .prepare_cached("SELECT tag FROM contact_tags WHERE contact_id = ?1 ORDER BY tag")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(c))
        })
    }

    fn contact_id_by_external_id(&self, external_id: &str) -> Result<Option<i64>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT id FROM contacts WHERE external_id = ?1")?
                .query_row([external_id], |r| r.get(0))
                .optional()?)
        })
    }

    fn contact_ids_by_email(&self, normalised: &str) -> Result<Vec<i64>> {
        run(|| {
            Ok(ids(
                self.conn(),
                "SELECT DISTINCT c.id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
                 WHERE e.normalised = ?1 AND c.status IN ('active', 'archived') ORDER BY c.id",
                [normalised],
            )?)
        })
    }

    fn contacts(&self, q: &ContactQuery) -> Result<Vec<Contact>> {
        let found = run(|| {
            Ok(ids(
                self.conn(),
                "SELECT c.id FROM contacts c
                 WHERE c.id > ?1 AND c.status = ?2
                   AND (?3 IS NULL OR c.kind = ?3)
                   AND (?4 IS NULL OR c.company_id = ?4)
                   AND (?5 IS NULL OR c.owner = ?5)
                   AND (?6 IS NULL OR c.source = ?6)
                   AND (?7 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?7))
                   AND (?8 IS NULL OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.normalised = ?8))
                   AND (?9 IS NULL OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.e164 = ?9))
                   AND (?10 IS NULL
                        OR c.name_key LIKE ?10 ESCAPE '\\'
                        OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.normalised LIKE ?10 ESCAPE '\\')
                        OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.e164 = ?11)
                        OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?12))
                 ORDER BY c.id LIMIT ?13",
                params![
                    q.after,
                    q.status.as_str(),
                    q.kind.map(ContactKind::as_str),
                    q.company,
                    q.owner,
                    q.source,
                    q.tag,
                    q.email,
                    q.phone,
                    q.search.as_deref().map(like_pattern),
                    q.search_phone,
                    q.search_tag,
                    q.limit
                ],
            )?)
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
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, external_id FROM orders WHERE contact_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
                )?
                .query_map(params![contact, after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
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
                let rows = self
                    .conn()
                    .prepare_cached(&sql)?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, kind, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                out.extend(rows);
            }
            Ok(out)
        })
    }

    fn company_people(&self) -> Result<Vec<Candidate>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, company_id, name_key FROM contacts
                     WHERE company_id IS NOT NULL AND kind = 'person' AND status IN ('active', 'archived')
                     ORDER BY company_id, id",
                )?
                .query_map([], |r| Ok(Candidate { id: r.get(0)?, company: r.get(1)?, name_key: r.get(2)? }))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn contact_merges(&self, contact: i64) -> Result<Vec<ContactMerge>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, moved FROM contact_merges WHERE merged_id = ?1 OR into_id = ?1 ORDER BY id",
                )?
                .query_map([contact], |r| {
                    let mut m = json::<ContactMerge>(&r.get::<_, String>(1)?, 1)?;
                    m.id = r.get(0)?;
                    Ok(m)
                })?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn contact_erasure(&self, contact: i64) -> Result<Option<ContactErasure>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT record FROM contact_erasures WHERE contact_id = ?1")?
                .query_row([contact], |r| {
                    json::<ContactErasure>(&r.get::<_, String>(0)?, 0)
                })
                .optional()?)
        })
    }

    fn personal_keys(&self, contact: i64) -> Result<Vec<String>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT idempotency_key FROM contact_keys WHERE contact_id = ?1")?
                .query_map([contact], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn contact_order_event_details(&self, contact: i64) -> Result<Vec<(i64, String)>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT e.id, e.detail FROM order_events e JOIN orders o ON o.id = e.order_id
                     WHERE o.contact_id = ?1 AND e.detail IS NOT NULL ORDER BY e.id",
                )?
                .query_map([contact], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn contact_interaction_summaries(&self, contact: i64) -> Result<Vec<(i64, String)>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, summary FROM interactions WHERE contact_id = ?1 ORDER BY id",
                )?
                .query_map([contact], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}

impl SqliteTx<'_> {
    /// Replaces the emails, phones and tags of a contact.
    fn put_contact_lists(&self, c: &Contact) -> rusqlite::Result<()> {
        let conn = self.conn();
        for table in ["contact_emails", "contact_phones", "contact_tags"] {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE contact_id = ?1"))?
                .execute([c.id])?;
        }
        let mut emails = conn.prepare_cached(
            "INSERT INTO contact_emails(contact_id, position, address, normalised) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, e) in c.emails.iter().enumerate() {
            emails.execute(params![c.id, i as i64, e.address, e.normalised])?;
        }
        let mut phones = conn.prepare_cached(
            "INSERT INTO contact_phones(contact_id, position, number, e164) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, p) in c.phones.iter().enumerate() {
            phones.execute(params![c.id, i as i64, p.number, p.e164])?;
        }
        let mut tags = conn.prepare_cached(
            "INSERT OR IGNORE INTO contact_tags(contact_id, tag) VALUES (?1, ?2)",
        )?;
        for t in &c.tags {
            tags.execute(params![c.id, t])?;
        }
        Ok(())
    }
}

/// A taken external id is the contact's `AlreadyExists`.
fn taken(c: &Contact) -> impl FnOnce(rusqlite::Error) -> SqlError + '_ {
    move |e| {
        if is_unique_violation(&e) {
            SqlError::from(Error::AlreadyExists {
                entity: "contact",
                key: c.external_id.clone().unwrap_or_default(),
            })
        } else {
            SqlError::from(e)
        }
    }
}

impl ContactWrites for SqliteTx<'_> {
    fn insert_contact(&self, c: &Contact, name_key: &str) -> Result<i64> {
        let custom = to_json(&c.custom)?;
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO contacts(kind, name, name_key, company_id, source, owner, external_id,
                         notes, custom, status, merged_into, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?
                .execute(params![
                    c.kind.as_str(),
                    c.name,
                    name_key,
                    c.company,
                    c.source,
                    c.owner,
                    c.external_id,
                    c.notes,
                    custom,
                    c.status.as_str(),
                    c.merged_into,
                    micros(c.created_at),
                    micros(c.updated_at)
                ])
                .map_err(taken(c))?;
            let id = self.conn().last_insert_rowid();
            let mut with_id = c.clone();
            with_id.id = id;
            self.put_contact_lists(&with_id)?;
            Ok(id)
        })
    }

    fn save_contact(&self, c: &Contact, name_key: &str) -> Result<()> {
        let custom = to_json(&c.custom)?;
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE contacts SET kind = ?2, name = ?3, name_key = ?4, company_id = ?5, source = ?6,
                         owner = ?7, external_id = ?8, notes = ?9, custom = ?10, status = ?11,
                         merged_into = ?12, updated_at = ?13
                     WHERE id = ?1",
                )?
                .execute(params![
                    c.id,
                    c.kind.as_str(),
                    c.name,
                    name_key,
                    c.company,
                    c.source,
                    c.owner,
                    c.external_id,
                    c.notes,
                    custom,
                    c.status.as_str(),
                    c.merged_into,
                    micros(c.updated_at)
                ])
                .map_err(taken(c))?;
            self.put_contact_lists(c)?;
            Ok(())
        })
    }

    fn link_personal_key(&self, contact: i64, key: &str) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached("INSERT OR IGNORE INTO contact_keys(contact_id, idempotency_key) VALUES (?1, ?2)")?
                .execute(params![contact, key])?;
            Ok(())
        })
    }

    fn move_contact_links(&self, from: i64, to: i64) -> Result<MovedLinks> {
        run(|| {
            let conn = self.conn();
            let moved = |table: &str, column: &str| -> rusqlite::Result<Vec<i64>> {
                let found = ids(
                    conn,
                    &format!("SELECT id FROM {table} WHERE {column} = ?1 ORDER BY id"),
                    [from],
                )?;
                conn.prepare_cached(&format!(
                    "UPDATE {table} SET {column} = ?2 WHERE {column} = ?1"
                ))?
                .execute([from, to])?;
                Ok(found)
            };
            let interactions = moved("interactions", "contact_id")?;
            let opportunities = moved("opportunities", "contact_id")?;
            let people = moved("contacts", "company_id")?;
            let orders: Vec<String> = conn
                .prepare_cached("SELECT external_id FROM orders WHERE contact_id = ?1 ORDER BY id")?
                .query_map([from], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            conn.prepare_cached("UPDATE orders SET contact_id = ?2 WHERE contact_id = ?1")?
                .execute([from, to])?;
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
            self.conn()
                .prepare_cached("INSERT INTO contact_merges(merged_id, into_id, moved, at) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![m.merged, m.into, moved, micros(m.at)])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn save_contact_merge(&self, m: &ContactMerge) -> Result<()> {
        let moved = to_json(m)?;
        run(|| {
            self.conn()
                .prepare_cached("UPDATE contact_merges SET moved = ?2 WHERE id = ?1")?
                .execute(params![m.id, moved])?;
            Ok(())
        })
    }

    fn insert_contact_erasure(&self, e: &ContactErasure) -> Result<()> {
        let record = to_json(e)?;
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO contact_erasures(contact_id, record, at) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![e.contact, record, micros(e.at)])?;
            Ok(())
        })
    }

    fn erase_order_customers(&self, contact: i64) -> Result<Vec<String>> {
        run(|| {
            let conn = self.conn();
            let orders: Vec<String> = conn
                .prepare_cached(
                    "SELECT external_id FROM orders WHERE contact_id = ?1
                       AND (customer_email IS NOT NULL OR customer_name IS NOT NULL) ORDER BY id",
                )?
                .query_map([contact], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            conn.prepare_cached(
                "UPDATE orders SET customer_email = NULL, customer_name = NULL WHERE contact_id = ?1",
            )?
            .execute([contact])?;
            Ok(orders)
        })
    }

    fn put_order_event_detail(&self, event: i64, detail: &str) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached("UPDATE order_events SET detail = ?2 WHERE id = ?1")?
                .execute(params![event, detail])?;
            Ok(())
        })
    }

    fn put_interaction_summary(&self, interaction: i64, summary: &str) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached("UPDATE interactions SET summary = ?2 WHERE id = ?1")?
                .execute(params![interaction, summary])?;
            Ok(())
        })
    }
}

const INTERACTION_COLUMNS: &str =
    "id, kind, contact_id, opportunity_id, author, summary, at, due, done, done_at, created_at";

fn interaction_from_row(r: &Row) -> rusqlite::Result<Interaction> {
    Ok(Interaction {
        id: r.get(0)?,
        kind: stored(InteractionKind::from_stored(&r.get::<_, String>(1)?), 1)?,
        contact: r.get(2)?,
        opportunity: r.get(3)?,
        author: r.get(4)?,
        summary: r.get(5)?,
        at: instant(r.get(6)?),
        due: stored_date(r.get(7)?, 7)?,
        done: r.get(8)?,
        done_at: r.get::<_, Option<i64>>(9)?.map(instant),
        created_at: instant(r.get(10)?),
    })
}

impl<T: Conn + ?Sized> InteractionReads for T {
    fn interaction(&self, id: i64) -> Result<Option<Interaction>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!(
                    "SELECT {INTERACTION_COLUMNS} FROM interactions WHERE id = ?1"
                ))?
                .query_row([id], interaction_from_row)
                .optional()?)
        })
    }

    fn interactions(&self, q: &InteractionQuery) -> Result<Vec<Interaction>> {
        // Planned: after `now`, or a task not done. Keyset on (at, id) in
        // the listing's order, from the cursor's own row.
        let planned = "(at > ?1 OR (kind = 'task' AND done = 0))";
        let (when, cursor, order) = match q.when {
            InteractionWhen::Planned => (
                planned.to_string(),
                "(at, id) > (SELECT at, id FROM interactions WHERE id = ?2)",
                "at, id",
            ),
            InteractionWhen::Recent => (
                format!("NOT {planned}"),
                "(at, id) < (SELECT at, id FROM interactions WHERE id = ?2)",
                "at DESC, id DESC",
            ),
            InteractionWhen::All => (
                "?1 IS NOT NULL".to_string(),
                "(at, id) < (SELECT at, id FROM interactions WHERE id = ?2)",
                "at DESC, id DESC",
            ),
        };
        let sql = format!(
            "SELECT {INTERACTION_COLUMNS} FROM interactions
             WHERE {when} AND (?2 IS NULL OR {cursor})
               AND (?3 IS NULL OR contact_id = ?3) AND (?4 IS NULL OR opportunity_id = ?4)
               AND (?5 IS NULL OR author = ?5) AND (?6 IS NULL OR kind = ?6)
             ORDER BY {order} LIMIT ?7"
        );
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&sql)?
                .query_map(
                    params![
                        micros(q.now),
                        q.after,
                        q.contact,
                        q.opportunity,
                        q.owner,
                        q.kind.map(InteractionKind::as_str),
                        q.limit
                    ],
                    interaction_from_row,
                )?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}

impl InteractionWrites for SqliteTx<'_> {
    fn insert_interaction(&self, i: &Interaction) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO interactions(kind, contact_id, opportunity_id, author, summary, at, due,
                         done, done_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    i.kind.as_str(),
                    i.contact,
                    i.opportunity,
                    i.author,
                    i.summary,
                    micros(i.at),
                    i.due.map(|d| d.to_string()),
                    i.done,
                    i.done_at.map(micros),
                    micros(i.created_at)
                ])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn set_interaction_done(&self, id: i64, at: Timestamp) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached("UPDATE interactions SET done = 1, done_at = ?2 WHERE id = ?1")?
                .execute(params![id, micros(at)])?;
            Ok(())
        })
    }
}
