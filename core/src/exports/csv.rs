//! csv: one table, RFC 4180 quoting (the `csv` crate), configurable
//! delimiter, line ending, BOM and decimal separator, formulas neutralised.

use crate::closed_set::closed_set;
use std::fmt::Write as _;
use std::io::Write;

use jiff::fmt::temporal::DateTimePrinter;
use jiff::tz::TimeZone;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::table::{formula_like, Cell, Column, Sink};
use crate::error::{Error, Result};

closed_set! {
    /// A starting point for csv settings; fields given beside it win.
    pub enum CsvPreset as "preset", default Plain {
        /// `,`, LF, no BOM, `.` decimals, instants as RFC 3339 with their
        /// offset in the business time zone: for programs.
        Plain = "plain",
        /// What Excel opens without its import wizard: UTF-8 BOM (accents
        /// survive), CRLF, local date-times (`2026-03-15 10:00:00`).
        Excel = "excel",
    }
}

closed_set! {
    /// The end of each record.
    pub enum LineEnding as "line_ending" {
        /// `\n`.
        Lf = "lf",
        /// `\r\n` (RFC 4180, Excel).
        Crlf = "crlf",
    }
}

/// How csv is written. Every field left out takes the preset's value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CsvOptions {
    /// `plain` (default) or `excel`.
    pub preset: CsvPreset,
    /// The field delimiter: one ASCII character (`,`; `;` for a French Excel).
    pub delimiter: Option<String>,
    /// Quote every field, not only those that need it.
    pub quote_all: Option<bool>,
    /// `lf` or `crlf`.
    pub line_ending: Option<LineEnding>,
    /// Start with a UTF-8 byte order mark.
    pub bom: Option<bool>,
    /// `.` or `,` between units and decimals.
    pub decimal_separator: Option<String>,
    /// Prefix with `'` every text that a spreadsheet could run as a
    /// formula (default true; turn off for csv read by programs only).
    pub neutralise_formulas: Option<bool>,
}

/// The options with the preset applied and checked.
pub(crate) struct Resolved {
    delimiter: u8,
    quote_all: bool,
    crlf: bool,
    bom: bool,
    decimal_comma: bool,
    neutralise: bool,
    local_times: bool,
}

impl CsvOptions {
    pub(crate) fn resolve(&self) -> Result<Resolved> {
        let excel = self.preset == CsvPreset::Excel;
        let delimiter = match self.delimiter.as_deref() {
            None => b',',
            Some(d) if d.len() == 1 && d.is_ascii() && !matches!(d, "\"" | "\r" | "\n") => {
                d.as_bytes()[0]
            }
            Some(d) => {
                return Err(Error::invalid(
                    "csv.delimiter",
                    format!("{d:?} is not one ASCII character other than a quote or a line break"),
                ))
            }
        };
        let decimal_comma = match self.decimal_separator.as_deref() {
            None | Some(".") => false,
            Some(",") => true,
            Some(other) => {
                return Err(Error::invalid(
                    "csv.decimal_separator",
                    format!("{other:?} is neither \".\" nor \",\""),
                ))
            }
        };
        if decimal_comma && delimiter == b',' {
            return Err(Error::invalid(
                "csv.decimal_separator",
                "\",\" is also the delimiter: choose delimiter \";\" with decimal separator \",\"",
            ));
        }
        Ok(Resolved {
            delimiter,
            quote_all: self.quote_all.unwrap_or(false),
            crlf: self.line_ending.map_or(excel, |l| l == LineEnding::Crlf),
            bom: self.bom.unwrap_or(excel),
            decimal_comma,
            neutralise: self.neutralise_formulas.unwrap_or(true),
            local_times: excel,
        })
    }
}

/// `2026-03-15T12:00:00+01:00` (fractional seconds only when there are some).
const RFC_3339: DateTimePrinter = DateTimePrinter::new();
/// `2026-03-15 12:00:00`: what Excel reads as a date-time.
const LOCAL: DateTimePrinter = DateTimePrinter::new().separator(b' ').precision(Some(0));

/// A csv file being streamed.
pub(crate) struct CsvSink<'w> {
    writer: ::csv::Writer<&'w mut dyn Write>,
    options: Resolved,
    time_zone: TimeZone,
    columns: &'static [Column],
    name: Option<String>,
    field: String,
}

fn csv_error(e: ::csv::Error) -> Error {
    Error::Storage {
        reason: format!("writing csv: {e}"),
        source: Some(Box::new(e)),
    }
}

impl<'w> CsvSink<'w> {
    pub(crate) fn new(
        out: &'w mut (dyn Write + Send),
        time_zone: &TimeZone,
        options: &CsvOptions,
    ) -> Result<CsvSink<'w>> {
        let options = options.resolve()?;
        if options.bom {
            out.write_all("\u{feff}".as_bytes())
                .map_err(|e| csv_error(e.into()))?;
        }
        let out: &'w mut dyn Write = out;
        let writer = ::csv::WriterBuilder::new()
            .delimiter(options.delimiter)
            .quote_style(if options.quote_all {
                ::csv::QuoteStyle::Always
            } else {
                ::csv::QuoteStyle::Necessary
            })
            .terminator(if options.crlf {
                ::csv::Terminator::CRLF
            } else {
                ::csv::Terminator::Any(b'\n')
            })
            .buffer_capacity(1 << 16)
            .from_writer(out);
        Ok(CsvSink {
            writer,
            options,
            time_zone: time_zone.clone(),
            columns: &[],
            name: None,
            field: String::with_capacity(64),
        })
    }

    /// Flushes the file and gives the table's name.
    pub(crate) fn finish(mut self) -> Result<String> {
        self.writer.flush().map_err(|e| csv_error(e.into()))?;
        Ok(self.name.unwrap_or_default())
    }

    fn text(&mut self, s: &str) -> Result<()> {
        if self.options.neutralise && formula_like(s) {
            self.field.clear();
            self.field.push('\'');
            self.field.push_str(s);
            self.writer.write_field(&self.field).map_err(csv_error)
        } else {
            self.writer.write_field(s).map_err(csv_error)
        }
    }
}

impl Sink for CsvSink<'_> {
    fn begin(&mut self, name: &str, columns: &'static [Column]) -> Result<()> {
        if self.name.is_some() {
            return Err(Error::invalid(
                "sheets",
                "a csv file holds one table: use xlsx for several",
            ));
        }
        self.name = Some(name.to_string());
        self.columns = columns;
        self.writer
            .write_record(columns.iter().map(|c| c.title))
            .map_err(csv_error)
    }

    fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        for cell in cells {
            match cell {
                Cell::Empty => self.writer.write_field("").map_err(csv_error)?,
                Cell::Text(s) => self.text(s)?,
                Cell::Int(v) => {
                    self.field.clear();
                    let _ = write!(self.field, "{v}");
                    self.writer.write_field(&self.field).map_err(csv_error)?;
                }
                Cell::Decimal(d) => {
                    self.field.clear();
                    let _ = write!(self.field, "{d}");
                    if self.options.decimal_comma {
                        self.field = self.field.replace('.', ",");
                    }
                    self.writer.write_field(&self.field).map_err(csv_error)?;
                }
                Cell::Instant(t) => {
                    // jiff's printers, not strftime: no format string parsed per cell.
                    self.field.clear();
                    let printed = if self.options.local_times {
                        LOCAL.print_datetime(&self.time_zone.to_datetime(*t), &mut self.field)
                    } else {
                        RFC_3339.print_timestamp_with_offset(
                            t,
                            self.time_zone.to_offset(*t),
                            &mut self.field,
                        )
                    };
                    printed.map_err(|e| Error::Storage {
                        reason: format!("printing an instant: {e}"),
                        source: None,
                    })?;
                    self.writer.write_field(&self.field).map_err(csv_error)?;
                }
                Cell::Date(d) => {
                    self.field.clear();
                    let _ = write!(self.field, "{d}");
                    self.writer.write_field(&self.field).map_err(csv_error)?;
                }
                Cell::Bool(b) => self
                    .writer
                    .write_field(if *b { "true" } else { "false" })
                    .map_err(csv_error)?,
            }
        }
        self.writer.write_record(None::<&[u8]>).map_err(csv_error)
    }
}
