//! xlsx: typed cells in constant-memory sheets (rust_xlsxwriter), a bold
//! frozen header with an autofilter, explicit widths, continuation sheets.

use crate::closed_set::closed_set;
use std::collections::HashSet;
use std::io::Write;

use jiff::tz::TimeZone;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::table::{exact_f64, excel_day, excel_serial, formula_like, Cell, Column, Kind, Sink};
use super::SheetSummary;
use crate::error::{Error, Result};

/// Rows in an Excel sheet, header included.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Characters in an Excel cell, counted in UTF-16 units.
const EXCEL_MAX_TEXT: usize = 32_767;

closed_set! {
    /// What to do with a text longer than an Excel cell holds (32,767 characters).
    pub enum LongText as "long_text", default Cut {
        /// Cut it, ending with a marker that says how much was left out;
        /// the summary counts the cells cut.
        Cut = "cut",
        /// Refuse the export, naming the sheet, row and column.
        Refuse = "refuse",
    }
}

/// How xlsx is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct XlsxOptions {
    /// Rows per sheet, header included, before the dataset continues on a
    /// new sheet (`Movements (2)`): Excel's 1,048,576 when left out; lower
    /// it to split large exports (at least 2).
    pub max_rows_per_sheet: Option<u32>,
    /// Texts past 32,767 characters: `cut` (default) or `refuse`.
    pub long_text: LongText,
}

impl XlsxOptions {
    pub(crate) fn check(&self) -> Result<()> {
        match self.max_rows_per_sheet {
            Some(n) if !(2..=EXCEL_MAX_ROWS).contains(&n) => Err(Error::invalid(
                "xlsx.max_rows_per_sheet",
                format!("{n} is outside 2..={EXCEL_MAX_ROWS} (a header and at least one row)"),
            )),
            _ => Ok(()),
        }
    }
}

/// Why `name` cannot name an Excel sheet, if it cannot.
pub(crate) fn check_sheet_name(name: &str) -> std::result::Result<(), String> {
    if name.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if name.encode_utf16().count() > 31 {
        return Err(format!("{name:?} is longer than Excel's 31 characters"));
    }
    if let Some(c) = name.chars().find(|c| "[]:*?/\\".contains(*c)) {
        return Err(format!(
            "{name:?} contains {c:?}, which Excel refuses in a sheet name"
        ));
    }
    if name.starts_with('\'') || name.ends_with('\'') {
        return Err(format!("{name:?} starts or ends with an apostrophe"));
    }
    if name.eq_ignore_ascii_case("history") {
        return Err("\"History\" is reserved by Excel".into());
    }
    Ok(())
}

/// The formats of every kind of cell, made once per workbook.
struct Formats {
    header: Format,
    inert: Format,
    money: Format,
    rate: Format,
    figure: Format,
    instant: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            // A quote-prefixed text cell: shown as typed, never evaluated,
            // even when edited and entered again.
            inert: Format::new().set_quote_prefix(),
            money: Format::new().set_num_format("#,##0.00####"),
            rate: Format::new().set_num_format("0.0%"),
            figure: Format::new().set_num_format("0.00"),
            instant: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// The sheet being written.
struct Current {
    index: usize,
    columns: &'static [Column],
    /// The next row to write (0 is the header).
    row: u32,
    base: String,
    part: u32,
}

/// A workbook being streamed.
pub(crate) struct XlsxSink {
    workbook: Workbook,
    formats: Formats,
    time_zone: TimeZone,
    max_rows: u32,
    long_text: LongText,
    current: Option<Current>,
    /// Names taken, case-folded (Excel compares them without case).
    taken: HashSet<String>,
    sheets: Vec<SheetSummary>,
    pub cut_cells: u64,
}

fn xlsx_error(e: XlsxError) -> Error {
    Error::Storage {
        reason: format!("writing xlsx: {e}"),
        source: Some(Box::new(e)),
    }
}

impl XlsxSink {
    pub(crate) fn new(time_zone: &TimeZone, options: &XlsxOptions) -> Result<XlsxSink> {
        Ok(XlsxSink {
            workbook: Workbook::new(),
            formats: Formats::new(),
            time_zone: time_zone.clone(),
            max_rows: options.max_rows_per_sheet.unwrap_or(EXCEL_MAX_ROWS),
            long_text: options.long_text,
            current: None,
            taken: HashSet::new(),
            sheets: Vec::new(),
            cut_cells: 0,
        })
    }

    /// A name not taken yet: `name`, else `name (2)`, `name (3)`…, cut to 31 characters.
    fn unique(&mut self, name: &str, mut part: u32) -> (String, u32) {
        loop {
            let candidate = if part == 1 {
                name.to_string()
            } else {
                let suffix = format!(" ({part})");
                let room = 31 - suffix.len();
                let mut base: String = name.chars().collect();
                while base.encode_utf16().count() > room {
                    base.pop();
                }
                format!("{}{suffix}", base.trim_end())
            };
            if self.taken.insert(candidate.to_lowercase()) {
                return (candidate, part);
            }
            part += 1;
        }
    }

    /// Closes the current sheet: its autofilter covers what was written.
    fn close(&mut self) -> Result<()> {
        if let Some(c) = self.current.take() {
            let sheet = self
                .workbook
                .worksheet_from_index(c.index)
                .map_err(xlsx_error)?;
            let last_col = (c.columns.len().max(1) - 1) as u16;
            sheet
                .autofilter(0, 0, c.row.max(1) - 1, last_col)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }

    /// Opens a sheet (the first part of a dataset, or its continuation).
    fn open(&mut self, base: &str, columns: &'static [Column], part: u32) -> Result<()> {
        self.close()?;
        let (name, part) = self.unique(base, part);
        let index = self.sheets.len();
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(&name).map_err(xlsx_error)?;
        for (i, c) in columns.iter().enumerate() {
            sheet
                .set_column_width(i as u16, c.width)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        for (i, c) in columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, i as u16, c.title, &self.formats.header)
                .map_err(xlsx_error)?;
        }
        self.sheets.push(SheetSummary { name, rows: 0 });
        self.current = Some(Current {
            index,
            columns,
            row: 1,
            base: base.to_string(),
            part,
        });
        Ok(())
    }

    /// The last sheet begun: its index, its name and its data rows so far.
    pub(crate) fn last_sheet(&self) -> super::dashboard::Placed {
        let index = self.sheets.len().saturating_sub(1);
        let (sheet, rows) = self
            .sheets
            .last()
            .map(|s| (s.name.clone(), s.rows as u32))
            .unwrap_or_default();
        super::dashboard::Placed { index, sheet, rows }
    }

    /// Places a native chart on sheet `index` (charts are drawings, not
    /// cells: a streamed sheet takes them at any time).
    pub(crate) fn insert_chart(
        &mut self,
        index: usize,
        row: u32,
        col: u16,
        chart: &rust_xlsxwriter::Chart,
    ) -> Result<()> {
        self.workbook
            .worksheet_from_index(index)
            .and_then(|sheet| sheet.insert_chart(row, col, chart))
            .map(|_| ())
            .map_err(xlsx_error)
    }

    /// Writes the workbook to `out` and lists its sheets.
    pub(crate) fn save(mut self, out: &mut (dyn Write + Send)) -> Result<Vec<SheetSummary>> {
        self.close()?;
        if self.sheets.is_empty() {
            // Excel refuses a workbook without a sheet.
            self.workbook.add_worksheet();
        }
        self.workbook.save_to_writer(out).map_err(xlsx_error)?;
        Ok(self.sheets)
    }
}

impl Sink for XlsxSink {
    fn begin(&mut self, name: &str, columns: &'static [Column]) -> Result<()> {
        self.open(name, columns, 1)
    }

    fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        let Some(c) = &self.current else {
            return Err(Error::Storage {
                reason: "an xlsx row was written before its sheet began".into(),
                source: None,
            });
        };
        if c.row >= self.max_rows {
            let (base, columns, part) = (c.base.clone(), c.columns, c.part + 1);
            self.open(&base, columns, part)?;
        }
        let Some(c) = &mut self.current else {
            unreachable!("a sheet was just opened")
        };
        let (index, row, columns) = (c.index, c.row, c.columns);
        c.row += 1;
        if let Some(s) = self.sheets.last_mut() {
            s.rows += 1;
        }
        let sheet = self
            .workbook
            .worksheet_from_index(index)
            .map_err(xlsx_error)?;
        for (i, (cell, column)) in cells.iter().zip(columns).enumerate() {
            let col = i as u16;
            write_cell(
                sheet,
                &self.formats,
                &self.time_zone,
                self.long_text,
                &mut self.cut_cells,
                (row, col, column),
                cell,
            )?;
        }
        Ok(())
    }
}

/// The cell's place: row, column index and column.
type At<'c> = (u32, u16, &'c Column);

fn write_cell(
    sheet: &mut Worksheet,
    f: &Formats,
    tz: &TimeZone,
    long_text: LongText,
    cut_cells: &mut u64,
    (row, col, column): At<'_>,
    cell: &Cell<'_>,
) -> Result<()> {
    let done = match cell {
        Cell::Empty => return Ok(()),
        // A format is looked up by hashing it, once per cell: cells that
        // need none (plain text, quantities) are written without.
        Cell::Text(s) => {
            let s = fit(s, long_text, cut_cells, sheet.name(), (row, col, column))?;
            // A string cell is text whatever its format: SKUs and ids keep
            // their zeros without one (Excel's `@` only matters when a user
            // retypes the cell, and costs a lookup per cell).
            if formula_like(&s) {
                sheet.write_string_with_format(row, col, s, &f.inert)
            } else {
                sheet.write_string(row, col, s)
            }
        }
        Cell::Int(v) => match column.kind {
            // Ids and codes are text: they join as keys and keep every digit.
            Kind::Id | Kind::Code | Kind::Text => sheet.write_string(row, col, v.to_string()),
            _ => sheet.write_number(row, col, *v as f64),
        },
        Cell::Decimal(d) => match exact_f64(*d) {
            Some(n) => match column.kind {
                Kind::Money => sheet.write_number_with_format(row, col, n, &f.money),
                Kind::Rate => sheet.write_number_with_format(row, col, n, &f.rate),
                Kind::Figure => sheet.write_number_with_format(row, col, n, &f.figure),
                _ => sheet.write_number(row, col, n),
            },
            // More digits than Excel keeps: exact text rather than a rounded number.
            None => sheet.write_string(row, col, d.to_string()),
        },
        Cell::Instant(t) => {
            sheet.write_number_with_format(row, col, excel_serial(*t, tz), &f.instant)
        }
        Cell::Date(d) => sheet.write_number_with_format(row, col, excel_day(*d) as f64, &f.date),
        Cell::Bool(b) => sheet.write_boolean(row, col, *b),
    };
    done.map(|_| ()).map_err(xlsx_error)
}

/// A text cut to what an Excel cell holds, with a marker, or refused.
fn fit<'s>(
    s: &'s str,
    long_text: LongText,
    cut_cells: &mut u64,
    sheet: String,
    (row, col, column): At<'_>,
) -> Result<std::borrow::Cow<'s, str>> {
    // UTF-16 units never exceed UTF-8 bytes: most texts need no count.
    if s.len() <= EXCEL_MAX_TEXT {
        return Ok(s.into());
    }
    let units = s.encode_utf16().count();
    if units <= EXCEL_MAX_TEXT {
        return Ok(s.into());
    }
    if long_text == LongText::Refuse {
        return Err(Error::invalid(
            format!("{sheet}!{}{}", column_letters(col), row + 1),
            format!(
                "{} is {units} characters, more than Excel's 32,767 in a cell (set xlsx.long_text to cut)",
                column.title
            ),
        ));
    }
    *cut_cells += 1;
    let marker = |kept: usize| format!(" […cut: {} more characters]", units - kept);
    let room = EXCEL_MAX_TEXT - marker(0).encode_utf16().count();
    let mut kept = 0;
    let mut end = 0;
    for (i, ch) in s.char_indices() {
        if kept + ch.len_utf16() > room {
            break;
        }
        kept += ch.len_utf16();
        end = i + ch.len_utf8();
    }
    Ok(format!("{}{}", &s[..end], marker(kept)).into())
}

/// `A`, `B`, … `Z`, `AA`: a column's letters.
fn column_letters(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excel() {
        assert!(check_sheet_name("Movements").is_ok());
        assert!(check_sheet_name("a/b").is_err());
        assert!(check_sheet_name(&"x".repeat(32)).is_err());
        assert!(check_sheet_name("'quoted'").is_err());
        assert!(check_sheet_name(" ").is_err());
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
    }
}
