//! Imports: the items, warehouses, suppliers, opening stock, contacts and
//! open purchase orders a shop already keeps in spreadsheets, from csv or
//! xlsx.
//!
//! An import reads the whole file, maps its columns by header name (any
//! case, spaces or `-` for `_`; [`Database::import_columns`] lists each
//! kind's), checks every row, and only then writes, in one transaction:
//! - with any wrong row, nothing is written and the refusal
//!   ([`Error::ImportRefused`]) lists every problem: row, column, value, why;
//! - with `skip_invalid`, the valid rows are written and the wrong ones go
//!   to a rejects file (csv: the row as read, and an `error` column);
//! - with `dry_run`, nothing is written and the report says what would be.
//!
//! Rows are keyed (items by SKU, warehouses by code, suppliers by name,
//! opening stock by item × warehouse, contacts by external id or else
//! email, purchase orders by reference): a row whose key exists already is
//! left as it is and counted as `existing`, so a file imported twice writes
//! nothing the second time. Imports create; changes go through the
//! `update_*` operations. An opening balance already posted with another
//! quantity or cost is a problem of its row: a correction is a movement.
//!
//! ```
//! use racine::{Database, Import, ImportKind};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("items.csv");
//! std::fs::write(&path, "sku,name,reorder_point\n00042,Oak plank,5\n").unwrap();
//! let db = Database::open_in_memory()?;
//! let report = db.import(&Import::new(ImportKind::Items), &path)?;
//! assert_eq!(report.created, 1);
//! assert_eq!(db.item("00042")?.name, "Oak plank");
//! assert_eq!(db.import(&Import::new(ImportKind::Items), &path)?.existing, 1);
//! # Ok::<(), racine::Error>(())
//! ```

mod columns;
mod kinds;
mod source;

use std::fmt;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::error::{Error, Result};

pub use self::columns::ImportColumn;
use self::kinds::{Action, Entry};

/// The most problems a refusal or a report lists (all are counted).
const MAX_PROBLEMS: usize = 1000;

closed_set! {
    /// What a file to import holds.
    pub enum ImportKind as "kind" {
        /// Items, keyed by SKU.
        Items = "items",
        /// Warehouses, keyed by code.
        Warehouses = "warehouses",
        /// Suppliers, keyed by name.
        Suppliers = "suppliers",
        /// Opening stock: quantity and unit cost per item × warehouse,
        /// posted as opening balances.
        OpeningStock = "opening_stock",
        /// CRM contacts, keyed by external id, or else by email.
        Contacts = "contacts",
        /// Open purchase orders, one row per line, keyed by reference.
        PurchaseOrders = "purchase_orders",
    }
}

closed_set! {
    /// The format of a file to import.
    pub enum ImportFormat as "format" {
        /// Comma- (or semicolon-, tab-) separated text in UTF-8.
        Csv = "csv",
        /// A workbook: xlsx, xlsm, xlsb, xls or ods.
        Xlsx = "xlsx",
    }
}

/// What to import, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Import {
    /// What the file holds.
    pub kind: ImportKind,
    /// `csv` or `xlsx`; from the file's extension when left out.
    #[serde(default)]
    pub format: Option<ImportFormat>,
    /// The sheet of a workbook (its first one when left out).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The csv delimiter (one character, `\t` for tab); when left out, `;`
    /// or tab if the header has them and no comma, else `,`.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Write the valid rows and put the wrong ones in a rejects file,
    /// instead of refusing the whole file.
    #[serde(default)]
    pub skip_invalid: bool,
    /// Where the rejects file goes (beside the file when left out:
    /// `items.csv` → `items.rejects.csv`); written only when rows were rejected.
    #[serde(default)]
    pub rejects: Option<String>,
    /// Check and count, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

impl Import {
    /// An import of `kind`, every option at its default.
    pub fn new(kind: ImportKind) -> Import {
        Import {
            kind,
            format: None,
            sheet: None,
            delimiter: None,
            skip_invalid: false,
            rejects: None,
            dry_run: false,
        }
    }
}

/// One thing wrong with a file to import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImportProblem {
    /// The row, numbered as a spreadsheet shows it (the header is row 1).
    pub row: u64,
    /// The column's name, as the kind names it (or as the header wrote an
    /// unknown one).
    pub column: String,
    /// The cell's value as read (empty when missing).
    pub value: String,
    /// The error code the same value gets from the operation itself
    /// (`invalid_input`, `not_found`, `already_exists`…).
    pub code: String,
    /// Why, in a sentence.
    pub message: String,
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column {} {:?}: {}",
            self.row, self.column, self.value, self.message
        )
    }
}

/// What an import wrote, or with `dry_run` would write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ImportReport {
    /// What was imported.
    pub kind: ImportKind,
    /// Data rows read (the header and blank rows aside).
    pub rows: u64,
    /// Records created (items, contacts, purchase orders…; an order of
    /// several rows counts once).
    pub created: u64,
    /// Records whose key existed already, left as they were.
    pub existing: u64,
    /// Rows rejected (with `skip_invalid`).
    pub rejected: u64,
    /// The problems of the rejected rows (at most 1000).
    pub problems: Vec<ImportProblem>,
    /// The rejects file written, if any row was rejected.
    pub rejects_path: Option<String>,
    /// True when nothing was written because `dry_run` was asked.
    pub dry_run: bool,
}

closed_set! {
    /// The stage an import is at.
    pub enum ImportStage as "stage" {
        /// Reading the file.
        Reading = "reading",
        /// Checking every row.
        Checking = "checking",
        /// Writing, in one transaction.
        Writing = "writing",
    }
}

/// How far an import is, as its progress callback sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportProgress {
    /// What it is doing.
    pub stage: ImportStage,
    /// Rows of this stage done.
    pub rows: u64,
    /// Rows this stage has, once the file is read.
    pub total: Option<u64>,
}

impl Database {
    /// Imports the file at `path` (see the [module](crate::imports) docs).
    pub fn import(&self, import: &Import, path: impl AsRef<Path>) -> Result<ImportReport> {
        self.import_with(import, path.as_ref(), &mut |_| true)
    }

    /// Imports the file at `path`, calling `progress` every few thousand
    /// rows; returning `false` cancels ([`Error::Cancelled`]): the
    /// transaction is rolled back, nothing is written.
    pub fn import_with(
        &self,
        import: &Import,
        path: &Path,
        progress: &mut dyn FnMut(&ImportProgress) -> bool,
    ) -> Result<ImportReport> {
        let format = source::format_of(path, import.format)?;
        let table = source::read(
            path,
            format,
            import.sheet.as_deref(),
            import.delimiter.as_deref(),
            &mut |rows| {
                progress(&ImportProgress {
                    stage: ImportStage::Reading,
                    rows,
                    total: None,
                })
            },
        )?;
        let columns = columns::Columns::map(import.kind, &table)?;
        let rows = table.rows.len() as u64;
        let parsed = kinds::parse(import.kind, &columns, &table.rows, self.time_zone());
        let mut progress = Stages {
            progress,
            total: rows,
        };
        let entries = if import.dry_run {
            self.snapshot(|r| {
                let mut entries = parsed.clone();
                kinds::plan(r, import.kind, &mut entries, &mut progress)?;
                refuse_unless_skipping(import, rows, &entries)?;
                Ok(entries)
            })?
        } else {
            self.write(|tx| {
                let mut entries = parsed.clone();
                kinds::plan(tx, import.kind, &mut entries, &mut progress)?;
                refuse_unless_skipping(import, rows, &entries)?;
                kinds::write(tx, &mut entries, &mut progress)?;
                Ok(entries)
            })?
        };
        let mut report = ImportReport {
            kind: import.kind,
            rows,
            created: count(&entries, Action::Create),
            existing: count(&entries, Action::Existing),
            rejected: entries
                .iter()
                .filter(|e| !e.problems.is_empty())
                .map(|e| e.rows.len() as u64)
                .sum(),
            problems: problems(&entries),
            rejects_path: None,
            dry_run: import.dry_run,
        };
        if report.rejected > 0 && !import.dry_run {
            let to = match &import.rejects {
                Some(p) => PathBuf::from(p),
                None => default_rejects(path),
            };
            columns::write_rejects(&to, &table, &entries)?;
            report.rejects_path = Some(to.display().to_string());
        }
        Ok(report)
    }

    /// The columns of a file of `kind`: names, whether required, what they
    /// hold, an example value.
    pub fn import_columns(kind: ImportKind) -> Vec<ImportColumn> {
        columns::of(kind)
    }

    /// Writes a template for `kind` at `path` (csv or xlsx, by its
    /// extension): the header and one example row.
    pub fn write_import_template(kind: ImportKind, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        columns::write_template(kind, path, source::format_of(path, None)?)
    }
}

/// The rejects file beside `path`: `items.csv` → `items.rejects.csv`.
fn default_rejects(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("import");
    path.with_file_name(format!("{stem}.rejects.csv"))
}

fn count(entries: &[Entry], action: Action) -> u64 {
    entries
        .iter()
        .filter(|e| e.problems.is_empty() && e.action == action)
        .count() as u64
}

fn problems(entries: &[Entry]) -> Vec<ImportProblem> {
    let mut all: Vec<ImportProblem> = entries
        .iter()
        .flat_map(|e| e.problems.iter().cloned())
        .collect();
    all.sort_by_key(|p| p.row);
    all.truncate(MAX_PROBLEMS);
    all
}

fn refuse_unless_skipping(import: &Import, rows: u64, entries: &[Entry]) -> Result<()> {
    let invalid: u64 = entries
        .iter()
        .filter(|e| !e.problems.is_empty())
        .map(|e| e.rows.len() as u64)
        .sum();
    if invalid == 0 || import.skip_invalid {
        return Ok(());
    }
    Err(Error::ImportRefused {
        kind: import.kind.as_str().into(),
        rows,
        invalid_rows: invalid,
        problems: problems(entries),
    })
}

/// The progress callback, stage by stage, over the rows read.
pub(crate) struct Stages<'p> {
    progress: &'p mut dyn FnMut(&ImportProgress) -> bool,
    total: u64,
}

impl Stages<'_> {
    /// Reports `rows` done of `stage`; cancelled when the callback says no.
    pub(crate) fn at(&mut self, stage: ImportStage, rows: u64) -> Result<()> {
        let go_on = (self.progress)(&ImportProgress {
            stage,
            rows,
            total: Some(self.total),
        });
        if go_on {
            Ok(())
        } else {
            Err(Error::Cancelled {
                operation: "import".into(),
                rows: 0,
            })
        }
    }
}
