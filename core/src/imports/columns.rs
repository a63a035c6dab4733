//! The columns of each kind of import, declared once: the header mapping,
//! the templates, the docs of `import_columns` and the rejects file come
//! from this table.

use std::collections::HashMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kinds::Entry;
use super::source::Table;
use super::{ImportFormat, ImportKind, ImportProblem};
use crate::error::{Error, Result};

/// One column of a file to import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImportColumn {
    /// Its header (matched in any case, with spaces or `-` for `_`).
    pub name: String,
    /// Whether every row must fill it.
    pub required: bool,
    /// What it holds.
    pub description: String,
    /// An example value, as the template shows it.
    pub example: String,
}

struct Def {
    name: &'static str,
    required: bool,
    description: &'static str,
    example: &'static str,
}

const fn col(
    name: &'static str,
    required: bool,
    description: &'static str,
    example: &'static str,
) -> Def {
    Def {
        name,
        required,
        description,
        example,
    }
}

const ITEMS: &[Def] = &[
    col(
        "sku",
        true,
        "Unique SKU, 1–64 characters; kept as text (leading zeros stay).",
        "00042",
    ),
    col(
        "name",
        true,
        "Display name, 1–200 characters.",
        "Oak plank 2 m",
    ),
    col("unit", false, "Unit of measure (pcs when empty).", "pcs"),
    col(
        "kind",
        false,
        "material (when empty) or product.",
        "material",
    ),
    col(
        "valuation",
        false,
        "fifo (when empty), lifo or moving_average.",
        "fifo",
    ),
    col(
        "reorder_point",
        false,
        "Low-stock threshold, a decimal ≥ 0.",
        "5",
    ),
    col(
        "allow_negative",
        false,
        "true to let stock go below zero (false when empty).",
        "false",
    ),
];

const WAREHOUSES: &[Def] = &[
    col(
        "code",
        true,
        "Unique code, 1–32 characters, no spaces.",
        "SHOP-2",
    ),
    col("name", true, "Display name.", "Shop on the high street"),
];

const SUPPLIERS: &[Def] = &[
    col(
        "name",
        true,
        "Supplier name (its key: a name that exists is left as it is).",
        "Scierie Dupont",
    ),
    col("email", false, "Contact e-mail.", "orders@dupont.example"),
    col("phone", false, "Contact phone.", "+33 1 23 45 67 89"),
    col("notes", false, "Free notes.", "Delivers on Tuesdays"),
];

const OPENING_STOCK: &[Def] = &[
    col("sku", true, "The item's SKU (the item must exist: import items first).", "00042"),
    col("warehouse", false, "Warehouse code (the default warehouse when empty).", "MAIN"),
    col("quantity", true, "Quantity on hand, a decimal > 0.", "120"),
    col("unit_cost", true, "Unit cost, a decimal ≥ 0.", "4.50"),
    col("effective_at", false, "When the balance holds: RFC 3339, a date (start of that day in the business time zone) or a spreadsheet date; now when empty.", "2026-01-01"),
    col("note", false, "A note kept on the movement.", "Count of 31 December"),
];

const CONTACTS: &[Def] = &[
    col(
        "external_id",
        false,
        "Your system's id for the contact (its key; else its first email is).",
        "CUST-0042",
    ),
    col("kind", false, "person (when empty) or company.", "person"),
    col(
        "name",
        true,
        "Full name, or the company's name.",
        "Claire Martin",
    ),
    col(
        "company",
        false,
        "For a person: the external id of a company contact (existing, or on an earlier row).",
        "CUST-0007",
    ),
    col(
        "emails",
        false,
        "Email addresses, separated by ;",
        "claire@example.com",
    ),
    col(
        "phones",
        false,
        "Phone numbers, separated by ;",
        "+33 6 12 34 56 78",
    ),
    col("tags", false, "Tags, separated by ;", "vip;wholesale"),
    col("source", false, "Where the contact came from.", "fair-2026"),
    col("owner", false, "Who looks after it.", "alice"),
    col("notes", false, "Free notes.", "Prefers e-mail"),
];

const PURCHASE_ORDERS: &[Def] = &[
    col(
        "reference",
        true,
        "The order's unique reference; its rows are its lines.",
        "PO-2026-0042",
    ),
    col(
        "supplier",
        true,
        "The supplier's name (the supplier must exist).",
        "Scierie Dupont",
    ),
    col("sku", true, "The line's item SKU.", "00042"),
    col("quantity", true, "Quantity ordered, a decimal > 0.", "50"),
    col(
        "unit_cost",
        true,
        "Agreed unit cost, a decimal ≥ 0.",
        "4.20",
    ),
    col(
        "warehouse",
        false,
        "Receiving warehouse code (the default one when empty).",
        "MAIN",
    ),
    col(
        "note",
        false,
        "A note on the order (the same on each of its rows).",
        "Spring restock",
    ),
];

fn defs(kind: ImportKind) -> &'static [Def] {
    match kind {
        ImportKind::Items => ITEMS,
        ImportKind::Warehouses => WAREHOUSES,
        ImportKind::Suppliers => SUPPLIERS,
        ImportKind::OpeningStock => OPENING_STOCK,
        ImportKind::Contacts => CONTACTS,
        ImportKind::PurchaseOrders => PURCHASE_ORDERS,
    }
}

/// Contacts also take `custom.<field>` columns: custom fields, as text.
pub(crate) const CUSTOM_PREFIX: &str = "custom.";

pub(crate) fn of(kind: ImportKind) -> Vec<ImportColumn> {
    defs(kind)
        .iter()
        .map(|d| ImportColumn {
            name: d.name.into(),
            required: d.required,
            description: d.description.into(),
            example: d.example.into(),
        })
        .collect()
}

/// A header as the kind names its columns: `Unit Cost`, `unit-cost` → `unit_cost`.
fn normalise(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Where each column of a kind is in the file.
pub(crate) struct Columns {
    index: HashMap<&'static str, usize>,
    /// `custom.<field>` columns of a contacts file: (field, position).
    pub custom: Vec<(String, usize)>,
}

impl Columns {
    /// Maps the header of `table`: an unknown, repeated or missing
    /// required column refuses the file before any row is read.
    pub(crate) fn map(kind: ImportKind, table: &Table) -> Result<Columns> {
        let defs = defs(kind);
        let mut index = HashMap::new();
        let mut custom = Vec::new();
        let mut problems = Vec::new();
        let problem = |column: &str, value: &str, message: String| ImportProblem {
            row: table.header_row,
            column: column.into(),
            value: value.into(),
            code: "invalid_input".into(),
            message,
        };
        for (i, raw) in table.header.iter().enumerate() {
            let name = normalise(raw);
            if name.is_empty() {
                continue;
            }
            if kind == ImportKind::Contacts {
                if let Some(field) = raw.trim().strip_prefix(CUSTOM_PREFIX) {
                    custom.push((field.to_string(), i));
                    continue;
                }
            }
            match defs.iter().find(|d| d.name == name) {
                Some(d) if index.contains_key(d.name) => problems.push(problem(
                    d.name,
                    raw,
                    "this column appears twice in the header".into(),
                )),
                Some(d) => {
                    index.insert(d.name, i);
                }
                None => problems.push(problem(
                    raw,
                    raw,
                    format!(
                        "{raw:?} is not a column of {kind} (its columns: {})",
                        defs.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
        for d in defs.iter().filter(|d| d.required) {
            if !index.contains_key(d.name) {
                problems.push(problem(
                    d.name,
                    "",
                    format!("the required column {} is missing", d.name),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Error::ImportRefused {
                kind: kind.as_str().into(),
                rows: table.rows.len() as u64,
                invalid_rows: 0,
                problems,
            });
        }
        Ok(Columns { index, custom })
    }

    /// The position of column `name` in the file, if it has it.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// The template of `kind`: its header and one example row.
pub(crate) fn write_template(kind: ImportKind, path: &Path, format: ImportFormat) -> Result<()> {
    let defs = defs(kind);
    let fail = |e: &dyn std::fmt::Display| {
        Error::invalid("path", format!("cannot write {}: {e}", path.display()))
    };
    match format {
        ImportFormat::Csv => {
            let mut w = ::csv::Writer::from_writer(Vec::new());
            w.write_record(defs.iter().map(|d| d.name))
                .map_err(|e| fail(&e))?;
            w.write_record(defs.iter().map(|d| d.example))
                .map_err(|e| fail(&e))?;
            let bytes = w.into_inner().map_err(|e| fail(&e))?;
            crate::whole_file::write_bytes(path, &bytes)
        }
        ImportFormat::Xlsx => {
            use rust_xlsxwriter::{Format, Note, Workbook};
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            let _ = sheet.set_name(kind.as_str());
            let bold = Format::new().set_bold();
            // Every cell is text, so ids keep their leading zeros as typed.
            let text = Format::new().set_num_format("@");
            for (c, d) in defs.iter().enumerate() {
                let c = c as u16;
                sheet
                    .write_string_with_format(0, c, d.name, &bold)
                    .map_err(|e| fail(&e))?;
                sheet
                    .write_string_with_format(1, c, d.example, &text)
                    .map_err(|e| fail(&e))?;
                sheet
                    .set_column_format(c, &text)
                    .and_then(|s| s.set_column_width(c, 18))
                    .map_err(|e| fail(&e))?;
                let required = if d.required { "Required. " } else { "" };
                sheet
                    .insert_note(0, c, &Note::new(format!("{required}{}", d.description)))
                    .map_err(|e| fail(&e))?;
            }
            let bytes = book.save_to_buffer().map_err(|e| fail(&e))?;
            crate::whole_file::write_bytes(path, &bytes)
        }
    }
}

/// The rejects file: the file's header and `error`, then each rejected
/// row as read with its problems.
pub(crate) fn write_rejects(path: &Path, table: &Table, entries: &[Entry]) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::invalid("rejects", format!("cannot write {}: {e}", path.display()))
    };
    let mut rejected: Vec<(usize, String)> = Vec::new();
    for e in entries.iter().filter(|e| !e.problems.is_empty()) {
        for &i in &e.rows {
            let number = table.rows[i].number;
            let own: Vec<String> = e
                .problems
                .iter()
                .filter(|p| p.row == number)
                .map(|p| format!("{}: {}", p.column, p.message))
                .collect();
            let why = if own.is_empty() {
                let rows: Vec<String> = e.problems.iter().map(|p| p.row.to_string()).collect();
                format!(
                    "rejected with the rest of its order (see row {})",
                    rows.join(", ")
                )
            } else {
                own.join("; ")
            };
            rejected.push((i, why));
        }
    }
    rejected.sort_by_key(|(i, _)| *i);
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["row".into()];
    header.extend(table.header.iter().cloned());
    header.push("error".into());
    w.write_record(&header).map_err(|e| fail(&e))?;
    for (i, why) in rejected {
        let row = &table.rows[i];
        let mut record = vec![row.number.to_string()];
        record.extend(
            (0..table.header.len()).map(|c| row.cells.get(c).map(|x| x.text()).unwrap_or_default()),
        );
        record.push(why);
        w.write_record(&record).map_err(|e| fail(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(&e))?;
    crate::whole_file::write_bytes(path, &bytes).map_err(|e| match e {
        Error::InvalidInput { message, .. } => Error::invalid("rejects", message),
        other => other,
    })
}
