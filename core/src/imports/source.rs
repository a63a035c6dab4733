//! Reading a file to import into rows of cells: csv with the `csv` crate,
//! workbooks (xlsx, xlsm, xls, ods) with calamine, which keeps each cell's
//! type, so a text id keeps its leading zeros.

use std::path::Path;

use calamine::{Data, Reader};

use super::ImportFormat;
use crate::error::{Error, Result};

/// One cell as the file holds it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A spreadsheet date-time: days since 1899-12-30 (Excel's serial).
    Date(f64),
    /// A spreadsheet error value (`#N/A`, `#DIV/0!`).
    Error(String),
}

impl Cell {
    /// The cell as text: how the rejects file writes it back, and how text
    /// columns read numbers (`42`, not `42.0`).
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => number_text(*d),
            Cell::Error(e) => e.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// The shortest decimal text that reads back as `n` (`4.1`, not
/// `4.0999999999999996`): what the spreadsheet showed its user.
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A data row: its number in the file (the header is row 1 when it is the
/// first line) and its cells, in the header's column order.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub number: u64,
    pub cells: Vec<Cell>,
}

/// The header and the data rows of a file; wholly blank rows are left out.
#[derive(Debug)]
pub(crate) struct Table {
    pub header: Vec<String>,
    pub header_row: u64,
    pub rows: Vec<Row>,
}

/// The format of `path` when the request names none: by its extension.
pub(crate) fn format_of(path: &Path, given: Option<ImportFormat>) -> Result<ImportFormat> {
    if let Some(f) = given {
        return Ok(f);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv" | "txt" | "tsv") => Ok(ImportFormat::Csv),
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => Ok(ImportFormat::Xlsx),
        _ => Err(Error::invalid(
            "format",
            format!(
                "cannot tell the format of {} from its extension: give format csv or xlsx",
                path.display()
            ),
        )),
    }
}

/// Reads the whole file; `keep_going` is asked every few thousand rows and
/// stops the read (cancelled) when it says no.
pub(crate) fn read(
    path: &Path,
    format: ImportFormat,
    sheet: Option<&str>,
    delimiter: Option<&str>,
    keep_going: &mut dyn FnMut(u64) -> bool,
) -> Result<Table> {
    if !path.is_file() {
        return Err(Error::invalid(
            "path",
            format!("{} is not a readable file", path.display()),
        ));
    }
    match format {
        ImportFormat::Csv => read_csv(path, delimiter, keep_going),
        ImportFormat::Xlsx => read_workbook(path, sheet, keep_going),
    }
}

fn cancelled(rows: u64) -> Error {
    Error::Cancelled {
        operation: "import".into(),
        rows,
    }
}

fn read_csv(
    path: &Path,
    delimiter: Option<&str>,
    keep_going: &mut dyn FnMut(u64) -> bool,
) -> Result<Table> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid("path", format!("cannot read {}: {e}", path.display())))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let delimiter = match delimiter {
        Some(d) if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
        Some("\\t") => b'\t',
        Some(d) => {
            return Err(Error::invalid(
                "delimiter",
                format!("{d:?} is not one ASCII character"),
            ))
        }
        None => sniff(bytes),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut table = Builder::default();
    let mut record = ::csv::StringRecord::new();
    let mut number = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map_or(number + 1, |p| p.record() + 1);
                let why = match e.kind() {
                    ::csv::ErrorKind::Utf8 { .. } => {
                        "is not UTF-8 text: save the file as CSV UTF-8".to_string()
                    }
                    _ => e.to_string(),
                };
                return Err(Error::invalid("path", format!("row {row} {why}")));
            }
        }
        number += 1;
        let cells: Vec<Cell> = record
            .iter()
            .map(|t| {
                if t.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(t.to_string())
                }
            })
            .collect();
        table.push(number, cells, number, keep_going)?;
    }
    table.finish()
}

/// `;` or tab when the first line uses it and no comma (spreadsheets in
/// French and German save csv with `;`), else `,`.
fn sniff(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first.iter().filter(|b| **b == c).count();
    let (commas, semicolons, tabs) = (count(b','), count(b';'), count(b'\t'));
    if commas == 0 && semicolons > 0 {
        b';'
    } else if commas == 0 && tabs > 0 {
        b'\t'
    } else {
        b','
    }
}

fn no_header() -> Error {
    Error::invalid(
        "path",
        "the file is empty: its first row must name the columns",
    )
}

fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    keep_going: &mut dyn FnMut(u64) -> bool,
) -> Result<Table> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        Error::invalid(
            "path",
            format!("{} is not a readable workbook: {e}", path.display()),
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(Error::invalid(
                "sheet",
                format!(
                    "{s:?} is not a sheet of the workbook ({})",
                    names.join(", ")
                ),
            ))
        }
        None => names.first().cloned().ok_or_else(no_header)?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Error::invalid("sheet", format!("cannot read sheet {name:?}: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut table = Builder::default();
    for (i, cells) in range.rows().enumerate() {
        let number = first_row + i as u64 + 1;
        let cells: Vec<Cell> = cells.iter().map(cell).collect();
        table.push(number, cells, i as u64, keep_going)?;
    }
    table.finish()
}

/// A table as its rows are read: the first row with a value is the
/// header; blank rows are skipped.
#[derive(Default)]
struct Builder {
    header: Option<(u64, Vec<String>)>,
    rows: Vec<Row>,
}

impl Builder {
    /// Adds row `number`; every 4096 rows read (`read`) asks `keep_going`.
    fn push(
        &mut self,
        number: u64,
        cells: Vec<Cell>,
        read: u64,
        keep_going: &mut dyn FnMut(u64) -> bool,
    ) -> Result<()> {
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        if self.header.is_none() {
            self.header = Some((number, cells.iter().map(Cell::text).collect()));
            return Ok(());
        }
        if read % 4096 == 0 && !keep_going(read) {
            return Err(cancelled(0));
        }
        self.rows.push(Row { number, cells });
        Ok(())
    }

    fn finish(self) -> Result<Table> {
        let (header_row, header) = self.header.ok_or_else(no_header)?;
        Ok(Table {
            header,
            header_row,
            rows: self.rows,
        })
    }
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}
