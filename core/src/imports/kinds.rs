//! Each kind of import, in three steps:
//! - `parse`: cells to the operation's own request (`NewItem`…), with the
//!   checks that need no database, and keys repeated within the file;
//! - `plan`: what exists already and what the rows refer to, read in the
//!   import's transaction (or snapshot, for a dry run);
//! - `write`: the valid new records, through the same code as the
//!   operations that create them one by one.

use std::collections::HashMap;
use std::str::FromStr;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::columns::Columns;
use super::source::{number_text, Cell, Row};
use super::{ImportKind, ImportProblem, ImportStage, Stages};
use crate::crm::contacts;
use crate::crm::{ContactKind, NewContact};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::{ItemKind, ItemRef, NewItem};
use crate::ledger::posting::{Origin, Posting};
use crate::ledger::{Movement, MovementFilter, Reason};
use crate::purchases::{NewPurchaseLine, NewPurchaseOrder};
use crate::store::{Lock, Reads, Writes};
use crate::suppliers::{NewSupplier, SupplierFilter};
use crate::valuation::ValuationMethod;
use crate::warehouses::NewWarehouse;
use crate::{items, purchases, suppliers, warehouses};

/// Rows between two progress calls.
const EVERY: u64 = 2048;

/// What the import does with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Not planned yet.
    Pending,
    /// It is new: written.
    Create,
    /// Its key exists already: left as it is.
    Existing,
}

/// A record of the file (one row, or the rows of one purchase order) and
/// what becomes of it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Its rows, as indexes into the table's rows.
    pub rows: Vec<usize>,
    /// Their numbers in the file.
    pub numbers: Vec<u64>,
    pub record: Record,
    pub problems: Vec<ImportProblem>,
    pub action: Action,
}

#[derive(Clone, Debug)]
pub(crate) enum Record {
    /// A row too wrong to make a record of.
    Unreadable,
    Item(NewItem),
    Warehouse(NewWarehouse),
    Supplier(NewSupplier),
    Opening(Opening),
    Contact(ContactRow),
    Purchase(PurchaseRows),
}

#[derive(Clone, Debug)]
pub(crate) struct Opening {
    sku: String,
    warehouse: Option<String>,
    quantity: Decimal,
    unit_cost: Decimal,
    effective_at: Option<Timestamp>,
    note: Option<String>,
    /// Resolved by `plan`.
    item: i64,
    warehouse_id: i64,
}

#[derive(Clone, Debug)]
pub(crate) struct ContactRow {
    new: NewContact,
    /// The external id of its company contact.
    company: Option<String>,
    /// Its key: external id, else first email (case-folded).
    key: String,
}

#[derive(Clone, Debug)]
pub(crate) struct PurchaseRows {
    reference: String,
    supplier: String,
    note: Option<String>,
    lines: Vec<PurchaseRow>,
    /// Resolved by `plan`.
    order: Option<NewPurchaseOrder>,
}

#[derive(Clone, Debug)]
struct PurchaseRow {
    row: u64,
    sku: String,
    quantity: Decimal,
    unit_cost: Decimal,
    warehouse: Option<String>,
}

/// The cells of one row, read column by column; each problem is noted
/// with the cell's value, and reading goes on so that all are found.
struct Cells<'a> {
    columns: &'a Columns,
    row: &'a Row,
    problems: Vec<ImportProblem>,
}

impl<'a> Cells<'a> {
    fn new(columns: &'a Columns, row: &'a Row) -> Cells<'a> {
        Cells {
            columns,
            row,
            problems: Vec::new(),
        }
    }

    fn cell(&self, column: &str) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        self.columns
            .position(column)
            .and_then(|i| self.row.cells.get(i))
            .unwrap_or(&EMPTY)
    }

    /// A quantity > 0 at a unit cost ≥ 0 (an opening balance, a purchase
    /// line); false after noting what is wrong.
    fn quantity_and_cost(&mut self, quantity: Decimal, unit_cost: Decimal) -> bool {
        let before = self.problems.len();
        if !quantity.is_positive() {
            self.problem(
                "quantity",
                "invalid_input",
                format!("{quantity} must be greater than zero"),
            );
        }
        if unit_cost.is_negative() {
            self.problem(
                "unit_cost",
                "invalid_input",
                format!("{unit_cost} is negative"),
            );
        }
        self.problems.len() == before
    }

    fn problem(&mut self, column: &str, code: &str, message: impl Into<String>) {
        let value = self.cell(column).text();
        self.problems.push(ImportProblem {
            row: self.row.number,
            column: column.into(),
            value,
            code: code.into(),
            message: message.into(),
        });
    }

    /// An error of the operation itself, on the column its field names.
    fn refused(&mut self, fallback: &str, e: Error) {
        let column = column_of(&e).unwrap_or(fallback).to_string();
        let column = if self.columns.position(&column).is_some() {
            column
        } else {
            fallback.to_string()
        };
        self.problem(&column, e.code().name(), message_of(&e));
    }

    /// Trimmed text; `None` when empty.
    fn text(&mut self, column: &str) -> Option<String> {
        match self.cell(column) {
            Cell::Empty => None,
            Cell::Error(e) => {
                self.problem(
                    column,
                    "invalid_input",
                    format!("the cell holds the spreadsheet error {e}"),
                );
                None
            }
            c => Some(c.text().trim().to_string()).filter(|t| !t.is_empty()),
        }
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let found = self.text(column);
        if found.is_none() && !matches!(self.cell(column), Cell::Error(_)) {
            self.problem(column, "invalid_input", "is required");
        }
        found
    }

    fn decimal(&mut self, column: &str) -> Option<Decimal> {
        let text = match self.cell(column) {
            Cell::Number(n) => number_text(*n),
            _ => self.text(column)?,
        };
        match Decimal::from_str(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(column, "invalid_input", e.to_string());
                None
            }
        }
    }

    fn required_decimal(&mut self, column: &str) -> Option<Decimal> {
        if matches!(self.cell(column), Cell::Empty) {
            self.problem(column, "invalid_input", "is required");
            return None;
        }
        self.decimal(column)
    }

    fn boolean(&mut self, column: &str) -> Option<bool> {
        if let Cell::Bool(b) = self.cell(column) {
            return Some(*b);
        }
        let text = self.text(column)?;
        match text.to_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => {
                self.problem(
                    column,
                    "invalid_input",
                    format!("{text:?} is not true or false"),
                );
                None
            }
        }
    }

    /// One of a closed set (`fifo`…), or its default when empty.
    fn choice<T: FromStr<Err = Error> + Default>(&mut self, column: &str) -> Option<T> {
        let Some(text) = self.text(column) else {
            return Some(T::default());
        };
        match T::from_str(&text.to_lowercase()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem(column, "invalid_input", message_of(&e));
                None
            }
        }
    }

    /// An instant: RFC 3339, a day (its start in `tz`), or a spreadsheet date.
    fn instant(&mut self, column: &str, tz: &TimeZone) -> Option<Timestamp> {
        if let Cell::Date(serial) = self.cell(column) {
            return match from_serial(*serial, tz) {
                Some(t) => Some(t),
                None => {
                    self.problem(column, "invalid_input", "is not a date Racine can keep");
                    None
                }
            };
        }
        let text = self.text(column)?;
        if let Ok(day) = text.parse::<jiff::civil::Date>() {
            if text.len() == 10 {
                if let Ok(t) = crate::kpis::period::day_start(tz, day) {
                    return Some(t);
                }
            }
        }
        match crate::instant::parse(&text) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(
                    column,
                    "invalid_input",
                    format!("{text:?} is not an instant or a date: {e}"),
                );
                None
            }
        }
    }

    /// A `;`-separated list.
    fn list(&mut self, column: &str) -> Vec<String> {
        self.text(column)
            .map(|t| {
                t.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn entry(self, index: usize, record: Record) -> Entry {
        let record = if self.problems.is_empty() {
            record
        } else {
            Record::Unreadable
        };
        Entry {
            rows: vec![index],
            numbers: vec![self.row.number],
            record,
            problems: self.problems,
            action: Action::Pending,
        }
    }
}

/// A spreadsheet serial date (days since 1899-12-30, in local time) as an
/// instant in the business time zone.
fn from_serial(serial: f64, tz: &TimeZone) -> Option<Timestamp> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let micros = (serial * 86_400_000_000.0).round() as i64;
    let epoch = jiff::civil::date(1899, 12, 30).at(0, 0, 0, 0);
    let local = epoch
        .checked_add(jiff::Span::new().microseconds(micros))
        .ok()?;
    tz.to_timestamp(local).ok()
}

/// The column an error of an operation is about: the last part of its field.
fn column_of(e: &Error) -> Option<&str> {
    match e.root() {
        Error::InvalidInput { field, .. } => {
            let last = field.rsplit('.').next().unwrap_or(field);
            Some(last.split('[').next().unwrap_or(last))
        }
        Error::NotFound { entity, .. } => Some(match *entity {
            "item" => "sku",
            "warehouse" => "warehouse",
            "supplier" => "supplier",
            "contact" => "company",
            other => other,
        }),
        _ => None,
    }
}

/// What the operation said, without the field it already names.
fn message_of(e: &Error) -> String {
    match e.root() {
        Error::InvalidInput { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Reads every row of the file into entries of `kind`.
pub(crate) fn parse(
    kind: ImportKind,
    columns: &Columns,
    rows: &[Row],
    tz: &TimeZone,
) -> Vec<Entry> {
    let mut entries: Vec<Entry> = match kind {
        ImportKind::PurchaseOrders => return purchase_entries(columns, rows),
        _ => rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut c = Cells::new(columns, row);
                let record = match kind {
                    ImportKind::Items => item(&mut c),
                    ImportKind::Warehouses => warehouse(&mut c),
                    ImportKind::Suppliers => supplier(&mut c),
                    ImportKind::OpeningStock => opening(&mut c, tz),
                    ImportKind::Contacts => contact(&mut c, columns),
                    ImportKind::PurchaseOrders => unreachable!("grouped above"),
                };
                c.entry(i, record.unwrap_or(Record::Unreadable))
            })
            .collect(),
    };
    // A key twice in one file: the later row is the problem.
    let mut seen: HashMap<String, u64> = HashMap::new();
    for e in &mut entries {
        let Some((column, key)) = key_of(&e.record) else {
            continue;
        };
        let row = rows[e.rows[0]].number;
        if let Some(first) = seen.get(&key) {
            let value = rows[e.rows[0]]
                .cells
                .get(columns.position(column).unwrap_or(usize::MAX))
                .map(Cell::text)
                .unwrap_or_else(|| key.clone());
            e.problems.push(ImportProblem {
                row,
                column: column.into(),
                value,
                code: "already_exists".into(),
                message: format!("repeats the key of row {first}"),
            });
        } else {
            seen.insert(key, row);
        }
    }
    entries
}

/// The column holding a record's key, and the key.
fn key_of(record: &Record) -> Option<(&'static str, String)> {
    Some(match record {
        Record::Item(i) => ("sku", i.sku.clone()),
        Record::Warehouse(w) => ("code", w.code.clone()),
        Record::Supplier(s) => ("name", s.name.clone()),
        Record::Opening(o) => (
            "sku",
            format!(
                "{}\u{0}{}",
                o.sku,
                o.warehouse.as_deref().unwrap_or_default()
            ),
        ),
        Record::Contact(c) => (
            if c.new.external_id.is_some() {
                "external_id"
            } else {
                "emails"
            },
            c.key.clone(),
        ),
        Record::Purchase(_) | Record::Unreadable => return None,
    })
}

fn item(c: &mut Cells<'_>) -> Option<Record> {
    let sku = c.required("sku");
    let name = c.required("name");
    let unit = c.text("unit");
    let kind: Option<ItemKind> = c.choice("kind");
    let valuation: Option<ValuationMethod> = c.choice("valuation");
    let reorder_point = c.decimal("reorder_point");
    let allow_negative = c.boolean("allow_negative");
    let mut new = NewItem::new(sku?, name?);
    if let Some(unit) = unit {
        new.unit = unit;
    }
    new.kind = kind?;
    new.valuation = valuation?;
    new.reorder_point = reorder_point;
    new.allow_negative = allow_negative.unwrap_or(false);
    if let Err(e) = items::check_new(&new) {
        c.refused("sku", e);
    }
    Some(Record::Item(new))
}

fn warehouse(c: &mut Cells<'_>) -> Option<Record> {
    let code = c.required("code");
    let name = c.required("name");
    let new = NewWarehouse {
        code: code?,
        name: name?,
        is_default: false,
    };
    if let Err(e) = warehouses::check_new(&new) {
        c.refused("code", e);
    }
    Some(Record::Warehouse(new))
}

fn supplier(c: &mut Cells<'_>) -> Option<Record> {
    let name = c.required("name");
    let new = NewSupplier {
        name: name?,
        email: c.text("email"),
        phone: c.text("phone"),
        notes: c.text("notes"),
    };
    if let Err(e) = suppliers::check_new(&new) {
        c.refused("name", e);
    }
    Some(Record::Supplier(new))
}

fn opening(c: &mut Cells<'_>, tz: &TimeZone) -> Option<Record> {
    let sku = c.required("sku");
    let warehouse = c.text("warehouse");
    let quantity = c.required_decimal("quantity");
    let unit_cost = c.required_decimal("unit_cost");
    let effective_at = c.instant("effective_at", tz);
    let note = c.text("note");
    let (quantity, unit_cost) = (quantity?, unit_cost?);
    if c.quantity_and_cost(quantity, unit_cost) {
        if let Err(e) = quantity.checked_mul(unit_cost) {
            c.refused("unit_cost", e.into());
        }
    }
    if let Err(e) = crate::text::optional("note", note.as_deref(), 1000) {
        c.refused("note", e);
    }
    Some(Record::Opening(Opening {
        sku: sku?,
        warehouse,
        quantity,
        unit_cost,
        effective_at,
        note,
        item: 0,
        warehouse_id: 0,
    }))
}

fn contact(c: &mut Cells<'_>, columns: &Columns) -> Option<Record> {
    let external_id = c.text("external_id");
    let kind: Option<ContactKind> = c.choice("kind");
    let name = c.required("name");
    let company = c.text("company");
    let emails = c.list("emails");
    let mut custom = Map::new();
    for (field, i) in &columns.custom {
        if let Some(cell) = c.row.cells.get(*i).filter(|x| !matches!(x, Cell::Empty)) {
            custom.insert(field.clone(), Value::String(cell.text()));
        }
    }
    let key = match (&external_id, emails.first()) {
        (Some(id), _) => id.clone(),
        (None, Some(email)) => email.to_lowercase(),
        (None, None) => {
            c.problem(
                "external_id",
                "invalid_input",
                "a contact needs an external_id or an email, its key in a later import",
            );
            String::new()
        }
    };
    let new = NewContact {
        kind: kind?,
        name: name?,
        company: None,
        emails,
        phones: c.list("phones"),
        tags: c.list("tags"),
        source: c.text("source"),
        owner: c.text("owner"),
        external_id,
        notes: c.text("notes"),
        custom,
    };
    if company.is_some() && new.kind == ContactKind::Company {
        c.problem(
            "company",
            "invalid_input",
            "a company does not belong to a company",
        );
    }
    Some(Record::Contact(ContactRow { new, company, key }))
}

/// Purchase order rows, grouped by reference (in the order of their first
/// row): an order is imported whole or not at all.
fn purchase_entries(columns: &Columns, rows: &[Row]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_reference: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let mut c = Cells::new(columns, row);
        let reference = c.required("reference");
        let supplier = c.required("supplier");
        let sku = c.required("sku");
        let quantity = c.required_decimal("quantity");
        let unit_cost = c.required_decimal("unit_cost");
        let warehouse = c.text("warehouse");
        let note = c.text("note");
        let line = match (sku, quantity, unit_cost) {
            (Some(sku), Some(quantity), Some(unit_cost)) => {
                c.quantity_and_cost(quantity, unit_cost);
                Some(PurchaseRow {
                    row: row.number,
                    sku,
                    quantity,
                    unit_cost,
                    warehouse,
                })
            }
            _ => None,
        };
        let Some(reference) = reference else {
            entries.push(c.entry(i, Record::Unreadable));
            continue;
        };
        let at = *by_reference.entry(reference.clone()).or_insert_with(|| {
            entries.push(Entry {
                rows: Vec::new(),
                numbers: Vec::new(),
                record: Record::Purchase(PurchaseRows {
                    reference: reference.clone(),
                    supplier: supplier.clone().unwrap_or_default(),
                    note: note.clone(),
                    lines: Vec::new(),
                    order: None,
                }),
                problems: Vec::new(),
                action: Action::Pending,
            });
            entries.len() - 1
        });
        let entry = &mut entries[at];
        if let Record::Purchase(po) = &mut entry.record {
            if supplier.as_ref().is_some_and(|s| *s != po.supplier) && !po.supplier.is_empty() {
                c.problem(
                    "supplier",
                    "invalid_input",
                    format!(
                        "order {reference} is from {:?} on its first row",
                        po.supplier
                    ),
                );
            }
            if note.is_some() && note != po.note {
                c.problem(
                    "note",
                    "invalid_input",
                    format!("order {reference} has another note on its first row"),
                );
            }
            if po.supplier.is_empty() {
                po.supplier = supplier.unwrap_or_default();
            }
            po.lines.extend(line);
        }
        entry.rows.push(i);
        entry.numbers.push(row.number);
        entry.problems.extend(c.problems);
    }
    entries
}

/// What is known of the database, loaded once per import.
#[derive(Default)]
struct Known {
    warehouses: HashMap<String, i64>,
    suppliers: HashMap<String, Vec<i64>>,
    /// Opening balances posted: (item, warehouse) → (quantity, unit cost, movement).
    openings: HashMap<(i64, i64), (Decimal, Decimal, i64)>,
    default_warehouse: i64,
}

impl Known {
    fn load(r: &dyn Reads, kind: ImportKind) -> Result<Known> {
        let mut known = Known {
            default_warehouse: warehouses::default_id(r)?,
            ..Known::default()
        };
        if matches!(kind, ImportKind::Suppliers | ImportKind::PurchaseOrders) {
            // A supplier import is keyed by every name; an order goes only
            // to an active supplier.
            let mut filter = SupplierFilter {
                active: (kind == ImportKind::PurchaseOrders).then_some(true),
                ..SupplierFilter::default()
            };
            loop {
                let page = r.suppliers(&filter, 1000)?;
                for s in &page {
                    known
                        .suppliers
                        .entry(s.name.clone())
                        .or_default()
                        .push(s.id);
                }
                match page.last() {
                    Some(last) if page.len() == 1000 => filter.page.after = Some(last.id),
                    _ => break,
                }
            }
        }
        if matches!(kind, ImportKind::OpeningStock) {
            let mut filter = MovementFilter {
                reason: Some(Reason::OpeningBalance),
                ..MovementFilter::default()
            };
            loop {
                let page = r.movements(&filter, 1000)?;
                for m in &page {
                    known.openings.entry((m.item, m.warehouse)).or_insert((
                        m.quantity,
                        m.unit_cost,
                        m.id,
                    ));
                }
                match page.last() {
                    Some(last) if page.len() == 1000 => filter.page.after = Some(last.id),
                    _ => break,
                }
            }
        }
        Ok(known)
    }

    fn warehouse(&mut self, r: &dyn Reads, code: Option<&str>) -> Result<Option<i64>> {
        let Some(code) = code else {
            return Ok(Some(self.default_warehouse));
        };
        if let Some(id) = self.warehouses.get(code) {
            return Ok(Some(*id));
        }
        let found = r
            .warehouse_by_code(code)?
            .filter(|w| w.active)
            .map(|w| w.id);
        if let Some(id) = found {
            self.warehouses.insert(code.into(), id);
        }
        Ok(found)
    }
}

fn problem(
    row: u64,
    column: &str,
    value: &str,
    code: &str,
    message: impl Into<String>,
) -> ImportProblem {
    ImportProblem {
        row,
        column: column.into(),
        value: value.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Decides each valid entry's action against what the database holds, and
/// notes the problems only the database can tell (unknown SKUs…).
pub(crate) fn plan(
    r: &dyn Reads,
    kind: ImportKind,
    entries: &mut [Entry],
    progress: &mut Stages<'_>,
) -> Result<()> {
    let mut known = Known::load(r, kind)?;
    let now = r.now()?;
    // Companies created by earlier rows of a contacts file.
    let mut companies_in_file: HashMap<String, ContactKind> = HashMap::new();
    let mut done = 0u64;
    for e in entries.iter_mut() {
        done += e.rows.len() as u64;
        if done % EVERY < e.rows.len() as u64 {
            progress.at(ImportStage::Checking, done)?;
        }
        if !e.problems.is_empty() {
            continue;
        }
        e.action = match &mut e.record {
            Record::Unreadable => continue,
            Record::Item(new) => exists(r.item_id_by_sku(&new.sku)?),
            Record::Warehouse(new) => exists(r.warehouse_by_code(&new.code)?.map(|w| w.id)),
            Record::Supplier(new) => exists(known.suppliers.get(&new.name).map(|_| ())),
            Record::Opening(o) => {
                let item = r.item_id_by_sku(&o.sku)?;
                let wh = known.warehouse(r, o.warehouse.as_deref())?;
                let (Some(item), Some(wh)) = (item, wh) else {
                    if item.is_none() {
                        e.problems.push(problem(
                            0,
                            "sku",
                            &o.sku,
                            "not_found",
                            format!("no item has the SKU {:?}: import items first", o.sku),
                        ));
                    }
                    if wh.is_none() {
                        let code = o.warehouse.clone().unwrap_or_default();
                        e.problems.push(problem(
                            0,
                            "warehouse",
                            &code,
                            "not_found",
                            format!("no active warehouse has the code {code:?}"),
                        ));
                    }
                    continue;
                };
                o.item = item;
                o.warehouse_id = wh;
                match known.openings.get(&(item, wh)) {
                    None => Action::Create,
                    Some((q, c, _)) if *q == o.quantity && *c == o.unit_cost => Action::Existing,
                    Some((q, c, id)) => {
                        e.problems.push(problem(
                            0,
                            "quantity",
                            &o.quantity.to_string(),
                            "invalid_transition",
                            format!(
                                "{} already has an opening balance of {q} at {c} in this warehouse (movement {id}): post a correction instead",
                                o.sku
                            ),
                        ));
                        continue;
                    }
                }
            }
            Record::Contact(c) => {
                let found = match &c.new.external_id {
                    Some(id) => r.contact_id_by_external_id(id)?,
                    None => r.contact_ids_by_email(&c.key)?.first().copied(),
                };
                if found.is_some() {
                    Action::Existing
                } else {
                    let mut check = c.new.clone();
                    if let Some(company) = &c.company {
                        match (
                            r.contact_id_by_external_id(company)?,
                            companies_in_file.get(company),
                        ) {
                            (Some(id), _) => check.company = Some(id),
                            (None, Some(ContactKind::Company)) => {}
                            (None, Some(ContactKind::Person)) => {
                                e.problems.push(problem(
                                    0,
                                    "company",
                                    company,
                                    "invalid_input",
                                    format!("{company:?} is a person, not a company"),
                                ));
                            }
                            (None, None) => {
                                e.problems.push(problem(0, "company", company, "not_found", format!("no contact has the external id {company:?} (a company on an earlier row, or already imported)")));
                            }
                        }
                    }
                    if let Err(err) = contacts::prepare(r, &check, now) {
                        let column = column_of(&err).unwrap_or("name").to_string();
                        let value = listed_value(&err, &check);
                        e.problems.push(problem(
                            0,
                            &column,
                            &value,
                            err.code().name(),
                            message_of(&err),
                        ));
                    }
                    if let Some(id) = &c.new.external_id {
                        companies_in_file.insert(id.clone(), c.new.kind);
                    }
                    Action::Create
                }
            }
            Record::Purchase(po) => {
                if r.purchase_id_by_reference(&po.reference)?.is_some() {
                    Action::Existing
                } else {
                    let supplier = match known.suppliers.get(&po.supplier).map(Vec::as_slice) {
                        Some([id]) => Some(*id),
                        Some(_) => {
                            e.problems.push(problem(
                                0,
                                "supplier",
                                &po.supplier,
                                "invalid_input",
                                format!(
                                    "several active suppliers are named {:?}: rename one",
                                    po.supplier
                                ),
                            ));
                            None
                        }
                        None => {
                            e.problems.push(problem(
                                0,
                                "supplier",
                                &po.supplier,
                                "not_found",
                                format!(
                                    "no active supplier is named {:?}: import suppliers first",
                                    po.supplier
                                ),
                            ));
                            None
                        }
                    };
                    let mut lines = Vec::new();
                    for l in &po.lines {
                        let item = r.item_id_by_sku(&l.sku)?;
                        if item.is_none() {
                            e.problems.push(problem(
                                l.row,
                                "sku",
                                &l.sku,
                                "not_found",
                                format!("no item has the SKU {:?}: import items first", l.sku),
                            ));
                        }
                        let wh = known.warehouse(r, l.warehouse.as_deref())?;
                        if wh.is_none() {
                            let code = l.warehouse.clone().unwrap_or_default();
                            e.problems.push(problem(
                                l.row,
                                "warehouse",
                                &code,
                                "not_found",
                                format!("no active warehouse has the code {code:?}"),
                            ));
                        }
                        if let (Some(item), Some(wh)) = (item, wh) {
                            lines.push(NewPurchaseLine {
                                item: ItemRef::Id(item),
                                quantity: l.quantity,
                                unit_cost: l.unit_cost,
                                warehouse: Some(wh),
                            });
                        }
                    }
                    if let (Some(supplier), true) = (supplier, e.problems.is_empty()) {
                        let order = NewPurchaseOrder {
                            supplier,
                            reference: po.reference.clone(),
                            note: po.note.clone(),
                            lines,
                        };
                        if let Err(err) = purchases::check_new(&order) {
                            let column = column_of(&err).unwrap_or("reference").to_string();
                            e.problems.push(problem(
                                0,
                                &column,
                                "",
                                err.code().name(),
                                message_of(&err),
                            ));
                        }
                        po.order = Some(order);
                    }
                    Action::Create
                }
            }
        };
    }
    // Problems found above name the record's first row.
    for e in entries.iter_mut() {
        let first = e.numbers.first().copied().unwrap_or_default();
        for p in e.problems.iter_mut().filter(|p| p.row == 0) {
            p.row = first;
        }
    }
    Ok(())
}

/// The value of a contact's list field that an error names (`emails[1]`).
fn listed_value(e: &Error, c: &NewContact) -> String {
    let Error::InvalidInput { field, .. } = e.root() else {
        return String::new();
    };
    let Some((list, rest)) = field.split_once('[') else {
        return String::new();
    };
    let index: usize = rest.trim_end_matches(']').parse().unwrap_or(usize::MAX);
    let values = match list {
        "emails" => &c.emails,
        "phones" => &c.phones,
        "tags" => &c.tags,
        _ => return String::new(),
    };
    values.get(index).cloned().unwrap_or_default()
}

fn exists<T>(found: Option<T>) -> Action {
    match found {
        Some(_) => Action::Existing,
        None => Action::Create,
    }
}

/// Writes every valid new entry inside `tx`.
pub(crate) fn write(
    tx: &dyn Writes,
    entries: &mut [Entry],
    progress: &mut Stages<'_>,
) -> Result<()> {
    let openings: Vec<i64> = entries
        .iter()
        .filter_map(|e| match &e.record {
            Record::Opening(o) if e.action == Action::Create && e.problems.is_empty() => {
                Some(o.item)
            }
            _ => None,
        })
        .collect();
    let mut posting = None;
    if !openings.is_empty() {
        let mut ids = openings;
        ids.sort_unstable();
        ids.dedup();
        tx.lock(&[Lock::Items(&ids)])?;
        posting = Some(Posting::new(tx, None)?);
    }
    let now = tx.now()?;
    let origin = Origin::default();
    let mut done = 0u64;
    for e in entries.iter_mut() {
        done += e.rows.len() as u64;
        if done % EVERY < e.rows.len() as u64 {
            progress.at(ImportStage::Writing, done)?;
        }
        if e.action != Action::Create || !e.problems.is_empty() {
            continue;
        }
        let written = match &e.record {
            Record::Unreadable => Ok(()),
            Record::Item(new) => tx.insert_item(new, now).map(drop),
            Record::Warehouse(new) => tx.insert_warehouse(&new.code, &new.name, now).map(drop),
            Record::Supplier(new) => tx.insert_supplier(new, now).map(drop),
            Record::Opening(o) => {
                let mut m =
                    Movement::adjustment(ItemRef::Id(o.item), o.quantity, Reason::OpeningBalance)
                        .unit_cost(o.unit_cost)
                        .warehouse(o.warehouse_id);
                if let Some(at) = o.effective_at {
                    m = m.effective_at(at);
                }
                if let Some(note) = &o.note {
                    m = m.note(note.clone());
                }
                match posting.as_mut() {
                    Some(p) => p.apply(&m, &origin).map(drop),
                    None => Ok(()),
                }
            }
            Record::Contact(c) => {
                let mut new = c.new.clone();
                if let Some(company) = &c.company {
                    new.company = tx.contact_id_by_external_id(company)?;
                }
                contacts::insert(tx, &new, None).map(drop)
            }
            Record::Purchase(po) => match &po.order {
                Some(order) => purchases::insert(tx, order).map(drop),
                None => Ok(()),
            },
        };
        // Checked above, so a refusal here is a race with another writer
        // or a rule only the write knows: the whole import stops, nothing kept.
        if let Err(err) = written {
            return Err(match err {
                Error::Busy | Error::Storage { .. } | Error::Cancelled { .. } => err,
                err => Error::ImportRefused {
                    kind: kind_name(&e.record).into(),
                    rows: 0,
                    invalid_rows: e.rows.len() as u64,
                    problems: vec![problem(
                        e.numbers.first().copied().unwrap_or_default(),
                        column_of(&err).unwrap_or(""),
                        "",
                        err.code().name(),
                        message_of(&err),
                    )],
                },
            });
        }
    }
    if let Some(p) = posting {
        p.finish()?;
    }
    Ok(())
}

fn kind_name(record: &Record) -> &'static str {
    match record {
        Record::Item(_) | Record::Unreadable => "items",
        Record::Warehouse(_) => "warehouses",
        Record::Supplier(_) => "suppliers",
        Record::Opening(_) => "opening_stock",
        Record::Contact(_) => "contacts",
        Record::Purchase(_) => "purchase_orders",
    }
}
