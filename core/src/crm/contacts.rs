//! Contacts: people and companies, with emails and phones kept both as
//! given and in the form they are matched in.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::matching;
use super::pipelines::LostReason;
use crate::closed_set::closed_set;
use crate::database::Database;
use crate::error::{Error, Result};
use crate::orders::{Customer, Order};
use crate::page::{Page, PageRequest};
use crate::store::{ContactQuery, Lock, Reads, Writes};
use crate::text;

closed_set! {
    /// A person or a company.
    pub enum ContactKind as "kind", default Person {
        /// A person (who may belong to a company).
        Person = "person",
        /// A company (people point to it).
        Company = "company",
    }
}

closed_set! {
    /// Where a contact stands.
    pub enum ContactStatus as "status" {
        /// In use.
        Active = "active",
        /// Kept with its history, left out of lists unless asked for.
        Archived = "archived",
        /// Merged into another contact (`merged_into`): readable, not writable.
        Merged = "merged",
        /// Its personal data was erased: its orders and history stay.
        Erased = "erased",
    }
}

/// What [`Database::create_contact`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    /// Person (default) or company.
    #[serde(default)]
    pub kind: ContactKind,
    /// Full name (a person) or company name.
    pub name: String,
    /// For a person: the id of the company contact it belongs to.
    #[serde(default)]
    pub company: Option<i64>,
    /// Email addresses, most used first (matched trimmed and case-folded).
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers as written; matched in E.164, read in the database's
    /// default country when they have no `+` country code.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Tags (each 1–50 characters).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where the contact came from (`website`, `fair-2026`, `order`).
    #[serde(default)]
    pub source: Option<String>,
    /// Who looks after it (a user name of the host application).
    #[serde(default)]
    pub owner: Option<String>,
    /// The host application's id for it (unique).
    #[serde(default)]
    pub external_id: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Custom fields: any JSON object (at most 64 KiB as JSON); an empty
    /// list `[]` is read as `{}` (what PHP's `json_encode([])` gives).
    #[serde(default, deserialize_with = "custom_fields")]
    pub custom: Map<String, Value>,
}

/// A JSON object, or `[]` for an empty one.
fn custom_fields<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Map<String, Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Object(map) => Ok(map),
        Value::Array(list) if list.is_empty() => Ok(Map::new()),
        other => Err(serde::de::Error::custom(format!(
            "custom fields must be a JSON object, not {other}"
        ))),
    }
}

fn some_custom_fields<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Map<String, Value>>, D::Error> {
    custom_fields(d).map(Some)
}

impl NewContact {
    /// A person with only a name.
    pub fn person(name: impl Into<String>) -> NewContact {
        NewContact {
            kind: ContactKind::Person,
            name: name.into(),
            company: None,
            emails: vec![],
            phones: vec![],
            tags: vec![],
            source: None,
            owner: None,
            external_id: None,
            notes: None,
            custom: Map::new(),
        }
    }

    /// A company with only a name.
    pub fn company(name: impl Into<String>) -> NewContact {
        NewContact {
            kind: ContactKind::Company,
            ..NewContact::person(name)
        }
    }
}

/// Changes for [`Database::update_contact`]: a field left out stays as it
/// is; `null` clears an optional one; a list given replaces the list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ContactChanges {
    /// New name.
    pub name: Option<String>,
    /// New company; `null` detaches the person.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<i64>", extend("x-null-clears" = true))]
    pub company: Option<Option<i64>>,
    /// New emails (replace the list).
    pub emails: Option<Vec<String>>,
    /// New phones (replace the list).
    pub phones: Option<Vec<String>>,
    /// New tags (replace the list).
    pub tags: Option<Vec<String>>,
    /// New source; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>", extend("x-null-clears" = true))]
    pub source: Option<Option<String>>,
    /// New owner; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>", extend("x-null-clears" = true))]
    pub owner: Option<Option<String>>,
    /// New external id; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>", extend("x-null-clears" = true))]
    pub external_id: Option<Option<String>>,
    /// New notes; `null` clears them.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>", extend("x-null-clears" = true))]
    pub notes: Option<Option<String>>,
    /// New custom fields (replace the object; `[]` is read as `{}`).
    #[serde(default, deserialize_with = "some_custom_fields")]
    pub custom: Option<Map<String, Value>>,
}

/// An email of a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ContactEmail {
    /// As given, trimmed.
    pub address: String,
    /// As matched: case-folded.
    pub normalised: String,
}

/// A phone number of a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ContactPhone {
    /// As given, trimmed.
    pub number: String,
    /// As matched: E.164 (`+33612345678`).
    pub e164: String,
}

/// A contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Contact {
    /// Racine's id.
    pub id: i64,
    /// Person or company.
    pub kind: ContactKind,
    /// Name.
    pub name: String,
    /// The company a person belongs to.
    pub company: Option<i64>,
    /// Emails, in the order given.
    pub emails: Vec<ContactEmail>,
    /// Phones, in the order given.
    pub phones: Vec<ContactPhone>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Where it came from.
    pub source: Option<String>,
    /// Who looks after it.
    pub owner: Option<String>,
    /// The host application's id.
    pub external_id: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Custom fields.
    pub custom: Map<String, Value>,
    /// Active, archived, merged or erased.
    pub status: ContactStatus,
    /// For a merged contact: the contact it lives on in.
    pub merged_into: Option<i64>,
    /// When it was created.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub updated_at: Timestamp,
}

/// Filters for [`Database::contacts`]; all given ones must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ContactFilter {
    /// Free search: the name contains it (any case), or an email contains
    /// it, or a phone equals it once normalised, or a tag equals it.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<ContactKind>,
    /// Only this status; `active` when left out.
    pub status: Option<ContactStatus>,
    /// Only people of this company.
    pub company: Option<i64>,
    /// Only contacts this owner looks after.
    pub owner: Option<String>,
    /// Only contacts with this tag.
    pub tag: Option<String>,
    /// Only contacts with this email (compared normalised).
    pub email: Option<String>,
    /// Only contacts with this phone (compared in E.164).
    pub phone: Option<String>,
    /// Only contacts from this source.
    pub source: Option<String>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// The CRM's settings of this database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CrmSettings {
    /// Country that phone numbers without a country code are read in (ISO 3166 alpha-2).
    pub default_country: Option<String>,
    /// The reasons an opportunity may be lost for.
    pub lost_reasons: Vec<LostReason>,
}

/// Emails, and phones, a contact holds at most.
pub(crate) const MAX_LIST: usize = 20;

pub(crate) fn default_country(r: &(impl Reads + ?Sized)) -> Result<Option<String>> {
    Ok(r.setting("default_country")?.filter(|c| !c.is_empty()))
}

/// The contact with this id, or NotFound.
pub(crate) fn get(r: &(impl Reads + ?Sized), id: i64) -> Result<Contact> {
    r.contact(id)?
        .ok_or_else(|| Error::not_found("contact", id))
}

/// The contact, refused unless it can still change (not merged, not erased).
pub(crate) fn writable(r: &(impl Reads + ?Sized), id: i64, action: &str) -> Result<Contact> {
    let c = get(r, id)?;
    match c.status {
        ContactStatus::Merged | ContactStatus::Erased => Err(Error::InvalidTransition {
            entity: "contact",
            key: id.to_string(),
            state: match c.merged_into {
                Some(into) => format!("merged into {into}"),
                None => c.status.as_str().into(),
            },
            action: action.into(),
        }),
        _ => Ok(c),
    }
}

fn emails(field: &str, raw: &[String]) -> Result<Vec<ContactEmail>> {
    if raw.len() > MAX_LIST {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_LIST} per contact"),
        ));
    }
    let mut out: Vec<ContactEmail> = Vec::with_capacity(raw.len());
    for (i, e) in raw.iter().enumerate() {
        let (address, normalised) = matching::email(&format!("{field}[{i}]"), e)?;
        if !out.iter().any(|o| o.normalised == normalised) {
            out.push(ContactEmail {
                address,
                normalised,
            });
        }
    }
    Ok(out)
}

fn phones(field: &str, raw: &[String], country: Option<&str>) -> Result<Vec<ContactPhone>> {
    if raw.len() > MAX_LIST {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_LIST} per contact"),
        ));
    }
    let mut out: Vec<ContactPhone> = Vec::with_capacity(raw.len());
    for (i, p) in raw.iter().enumerate() {
        let (number, e164) = matching::phone(&format!("{field}[{i}]"), p, country)?;
        if !out.iter().any(|o| o.e164 == e164) {
            out.push(ContactPhone { number, e164 });
        }
    }
    Ok(out)
}

fn tags(raw: &[String]) -> Result<Vec<String>> {
    if raw.len() > 50 {
        return Err(Error::invalid("tags", "at most 50 per contact"));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let t = t.trim();
        text::required(&format!("tags[{i}]"), t, 50)?;
        out.push(t.to_string());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn custom(map: &Map<String, Value>) -> Result<()> {
    let size = serde_json::to_string(map).map_err(Error::storage)?.len();
    if size > 64 * 1024 {
        return Err(Error::invalid(
            "custom",
            format!("is {size} bytes of JSON, the maximum is 65536"),
        ));
    }
    Ok(())
}

/// Checks the free-text fields shared by creation and update.
fn texts(c: &Contact) -> Result<()> {
    text::required("name", &c.name, 200)?;
    text::optional("source", c.source.as_deref(), 100)?;
    text::optional("owner", c.owner.as_deref(), 100)?;
    text::optional("external_id", c.external_id.as_deref(), 100)?;
    if c.external_id
        .as_deref()
        .is_some_and(|e| e.trim().is_empty())
    {
        return Err(Error::invalid("external_id", "must not be blank"));
    }
    text::optional("notes", c.notes.as_deref(), 10_000)?;
    custom(&c.custom)
}

/// A person's company must be a company that can still change, and a
/// company belongs to none.
fn check_company(r: &dyn Reads, c: &Contact) -> Result<()> {
    let Some(company) = c.company else {
        return Ok(());
    };
    if c.kind == ContactKind::Company {
        return Err(Error::invalid(
            "company",
            "a company does not belong to a company",
        ));
    }
    if company == c.id {
        return Err(Error::invalid(
            "company",
            "a contact cannot be its own company",
        ));
    }
    let parent = writable(r, company, "take people in")?;
    if parent.kind != ContactKind::Company {
        return Err(Error::invalid(
            "company",
            format!("contact {company} is a person, not a company"),
        ));
    }
    Ok(())
}

/// Notes that the request under `key` holds personal data of `contact`, so
/// that an erasure can find it.
pub(crate) fn note_key(tx: &dyn Writes, contact: i64, key: Option<&str>) -> Result<()> {
    match key {
        Some(key) => tx.link_personal_key(contact, key),
        None => Ok(()),
    }
}

/// Creates a contact inside a write (also for an order's customer).
pub(crate) fn insert(tx: &dyn Writes, new: &NewContact, key: Option<&str>) -> Result<Contact> {
    let mut c = prepare(tx, new, tx.now()?)?;
    c.id = tx.insert_contact(&c, &matching::name_key(&c.name))?;
    note_key(tx, c.id, key)?;
    Ok(c)
}

/// The contact `new` would become, every check done, nothing written (its
/// id is 0). Imports run it on every row before writing any.
pub(crate) fn prepare(r: &dyn Reads, new: &NewContact, now: Timestamp) -> Result<Contact> {
    let country = default_country(r)?;
    let c = Contact {
        id: 0,
        kind: new.kind,
        name: new.name.trim().to_string(),
        company: new.company,
        emails: emails("emails", &new.emails)?,
        phones: phones("phones", &new.phones, country.as_deref())?,
        tags: tags(&new.tags)?,
        source: new.source.clone(),
        owner: new.owner.clone(),
        external_id: new.external_id.clone(),
        notes: new.notes.clone(),
        custom: new.custom.clone(),
        status: ContactStatus::Active,
        merged_into: None,
        created_at: now,
        updated_at: now,
    };
    texts(&c)?;
    check_company(r, &c)?;
    Ok(c)
}

/// Finds the contact of an order's customer: by external id (a merged
/// contact leads to its survivor), else by normalised email among
/// contacts that are neither merged nor erased (the oldest when several
/// share it); creates one when `create` asks and none matches.
pub(crate) fn link_customer(
    tx: &dyn Writes,
    customer: &Customer,
    create: bool,
    key: Option<&str>,
) -> Result<Option<i64>> {
    if let Some(id) = find_customer(tx, customer, create)? {
        return Ok(Some(id));
    }
    if !create {
        return Ok(None);
    }
    // Two orders of one new customer must not both create a contact: the
    // second waits here for the first, then finds its contact.
    tx.lock(&[Lock::Contacts])?;
    if let Some(id) = find_customer(tx, customer, create)? {
        return Ok(Some(id));
    }
    let name = customer
        .name
        .clone()
        .or_else(|| customer.email.clone())
        .or_else(|| customer.external_id.clone())
        .ok_or_else(|| {
            Error::invalid(
                "customer",
                "create_contact needs a customer name, email or external_id",
            )
        })?;
    let new = NewContact {
        emails: customer.email.iter().cloned().collect(),
        external_id: customer.external_id.clone(),
        source: Some("order".into()),
        ..NewContact::person(name)
    };
    // The refusal names the customer's field, not the contact's.
    let created = insert(tx, &new, key).map_err(|e| match e {
        Error::InvalidInput { field, message } if field.starts_with("emails") => {
            Error::invalid("customer.email", message)
        }
        Error::InvalidInput { field, message } if field == "name" => {
            Error::invalid("customer.name", message)
        }
        other => other,
    })?;
    Ok(Some(created.id))
}

/// The contact an order's customer matches, if any (see [`link_customer`]).
fn find_customer(tx: &dyn Writes, customer: &Customer, create: bool) -> Result<Option<i64>> {
    if let Some(external) = customer.external_id.as_deref() {
        if let Some(mut id) = tx.contact_id_by_external_id(external)? {
            for _ in 0..64 {
                match get(tx, id)?.merged_into {
                    Some(into) => id = into,
                    None => break,
                }
            }
            return Ok(Some(id));
        }
    }
    if let Some(email) = customer.email.as_deref() {
        // A malformed email matches nothing; it is refused only when it
        // would become a contact's.
        match matching::email("customer.email", email) {
            Ok((_, normalised)) => {
                if let Some(id) = tx.contact_ids_by_email(&normalised)?.first() {
                    return Ok(Some(*id));
                }
            }
            Err(e) if create => return Err(e),
            Err(_) => {}
        }
    }
    Ok(None)
}

impl Database {
    /// Creates a contact. Emails are matched trimmed and case-folded, phones
    /// in E.164 (read in the default country when they have no country
    /// code); a taken external id is `already_exists`.
    pub fn create_contact(
        &self,
        contact: &NewContact,
        idempotency_key: Option<&str>,
    ) -> Result<Contact> {
        self.write_once("create_contact", idempotency_key, contact, |tx| {
            insert(tx, contact, idempotency_key)
        })
    }

    /// Changes the given fields of a contact (not a merged or erased one).
    pub fn update_contact(
        &self,
        id: i64,
        changes: &ContactChanges,
        idempotency_key: Option<&str>,
    ) -> Result<Contact> {
        self.write_once("update_contact", idempotency_key, &(id, changes), |tx| {
            let mut c = writable(tx, id, "update")?;
            let country = default_country(tx)?;
            if let Some(name) = &changes.name {
                c.name = name.trim().to_string();
            }
            if let Some(company) = changes.company {
                c.company = company;
            }
            if let Some(e) = &changes.emails {
                c.emails = emails("changes.emails", e)?;
            }
            if let Some(p) = &changes.phones {
                c.phones = phones("changes.phones", p, country.as_deref())?;
            }
            if let Some(t) = &changes.tags {
                c.tags = tags(t)?;
            }
            for (field, change) in [
                (&mut c.source, &changes.source),
                (&mut c.owner, &changes.owner),
                (&mut c.external_id, &changes.external_id),
                (&mut c.notes, &changes.notes),
            ] {
                if let Some(v) = change {
                    *field = v.clone();
                }
            }
            if let Some(custom) = &changes.custom {
                c.custom = custom.clone();
            }
            texts(&c)?;
            check_company(tx, &c)?;
            c.updated_at = tx.now()?;
            tx.save_contact(&c, &matching::name_key(&c.name))?;
            note_key(tx, id, idempotency_key)?;
            Ok(c)
        })
    }

    /// Archives a contact: it keeps its history and links, and leaves the
    /// default lists.
    pub fn archive_contact(&self, id: i64, idempotency_key: Option<&str>) -> Result<Contact> {
        self.set_contact_status(
            id,
            ContactStatus::Active,
            ContactStatus::Archived,
            "archive",
            "archive_contact",
            idempotency_key,
        )
    }

    /// Brings an archived contact back.
    pub fn restore_contact(&self, id: i64, idempotency_key: Option<&str>) -> Result<Contact> {
        self.set_contact_status(
            id,
            ContactStatus::Archived,
            ContactStatus::Active,
            "restore",
            "restore_contact",
            idempotency_key,
        )
    }

    fn set_contact_status(
        &self,
        id: i64,
        from: ContactStatus,
        to: ContactStatus,
        action: &str,
        operation: &str,
        key: Option<&str>,
    ) -> Result<Contact> {
        self.write_once(operation, key, &id, |tx| {
            let mut c = get(tx, id)?;
            if c.status != from {
                return Err(Error::InvalidTransition {
                    entity: "contact",
                    key: id.to_string(),
                    state: c.status.as_str().into(),
                    action: action.into(),
                });
            }
            c.status = to;
            c.updated_at = tx.now()?;
            tx.save_contact(&c, &matching::name_key(&c.name))?;
            Ok(c)
        })
    }

    /// The contact with this id (a merged one says where it went).
    pub fn contact(&self, id: i64) -> Result<Contact> {
        self.read(|r| get(r, id))
    }

    /// The contact with this external id.
    pub fn contact_by_external_id(&self, external_id: &str) -> Result<Contact> {
        self.read(|r| {
            let id = r
                .contact_id_by_external_id(external_id)?
                .ok_or_else(|| Error::not_found("contact", external_id))?;
            get(r, id)
        })
    }

    /// Contacts matching the filter, by id, one page at a time.
    pub fn contacts(&self, filter: &ContactFilter) -> Result<Page<Contact>> {
        self.read(|r| list(r, filter))
    }

    /// The orders linked to a contact, by id, one page at a time.
    pub fn contact_orders(&self, contact: i64, page: &PageRequest) -> Result<Page<Order>> {
        let limit = page.limit()?;
        self.read(|r| {
            get(r, contact)?;
            let ids = r.contact_order_ids(contact, page.after.unwrap_or(0), limit + 1)?;
            let mut orders = Vec::with_capacity(ids.len());
            for (_, external_id) in &ids {
                orders.push(crate::orders::load(r, external_id)?);
            }
            Ok(Page::from_rows(orders, limit, |o| o.id))
        })
    }

    /// The CRM's settings: default country and lost reasons.
    pub fn crm_settings(&self) -> Result<CrmSettings> {
        self.read(|r| {
            Ok(CrmSettings {
                default_country: default_country(r)?,
                lost_reasons: r.lost_reasons()?,
            })
        })
    }

    /// Sets the country that phone numbers without a country code are read
    /// in (`FR`); `None` clears it. Numbers already stored keep their form.
    pub fn set_default_country(
        &self,
        country: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<CrmSettings> {
        if let Some(c) = country {
            matching::country_id(c)?;
        }
        self.write_once("set_default_country", idempotency_key, &country, |tx| {
            tx.put_setting("default_country", country.unwrap_or(""))?;
            Ok(CrmSettings {
                default_country: default_country(tx)?,
                lost_reasons: tx.lost_reasons()?,
            })
        })
    }
}

/// One page of [`Database::contacts`], read on `r`.
pub(crate) fn list(r: &dyn Reads, filter: &ContactFilter) -> Result<Page<Contact>> {
    let limit = filter.page.limit()?;
    let country = default_country(r)?;
    let email = match &filter.email {
        Some(e) => Some(matching::email("email", e)?.1),
        None => None,
    };
    let phone = match &filter.phone {
        Some(p) => Some(matching::phone("phone", p, country.as_deref())?.1),
        None => None,
    };
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let query = ContactQuery {
        search: search.map(matching::name_key),
        search_phone: search.and_then(|s| matching::phone_query(s, country.as_deref())),
        search_tag: search.map(str::to_string),
        kind: filter.kind,
        status: filter.status.unwrap_or(ContactStatus::Active),
        company: filter.company,
        owner: filter.owner.clone(),
        tag: filter.tag.clone(),
        email,
        phone,
        source: filter.source.clone(),
        after: filter.page.after.unwrap_or(0),
        limit: limit + 1,
    };
    let rows = r.contacts(&query)?;
    Ok(Page::from_rows(rows, limit, |c| c.id))
}
