//! An export in a plugin's format: the built-in datasets' tables and rows,
//! passed cell by cell as exact text, to a plugin writing through the host.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::Write;

use racine_plugin::abi::{self, RacineCell, RacineColumn};

use super::host::Call;
use super::{lock, Loaded, Table};
use crate::error::{Error, Result};
use crate::exports::table::{Cell, Column, Kind, Sink};
use crate::exports::SheetSummary;
use crate::store::Reads;

/// One export into a plugin: begun on creation, ended by [`PluginSink::finish`]
/// (complete) or when dropped (incomplete: the host discards the file).
pub(crate) struct PluginSink<'a> {
    plugin: &'a Loaded,
    call: Call<'a>,
    export: *mut std::ffi::c_void,
    ended: bool,
    sheets: Vec<SheetSummary>,
    texts: Vec<String>,
}

fn column_kind(k: Kind) -> u32 {
    match k {
        Kind::Text => abi::RACINE_COLUMN_TEXT,
        Kind::Code => abi::RACINE_COLUMN_CODE,
        Kind::Id => abi::RACINE_COLUMN_ID,
        Kind::Count => abi::RACINE_COLUMN_COUNT,
        Kind::Quantity => abi::RACINE_COLUMN_QUANTITY,
        Kind::Money => abi::RACINE_COLUMN_MONEY,
        Kind::Rate => abi::RACINE_COLUMN_RATE,
        Kind::Figure => abi::RACINE_COLUMN_FIGURE,
        Kind::Instant => abi::RACINE_COLUMN_INSTANT,
        Kind::Date => abi::RACINE_COLUMN_DATE,
        Kind::Bool => abi::RACINE_COLUMN_BOOL,
    }
}

impl<'a> PluginSink<'a> {
    /// Starts an export with `options` (JSON) into `out`.
    pub(crate) fn begin(
        plugin: &'a Loaded,
        reads: &'a dyn Reads,
        out: &'a mut dyn Write,
        options: &str,
    ) -> Result<PluginSink<'a>> {
        let begin = plugin
            .table
            .as_ref()
            .and_then(|Table(t)| t.export_begin.map(|f| (f, t.state)));
        let Some((begin, state)) = begin else {
            return Err(Error::Plugin {
                plugin: plugin.name.clone(),
                message: "writes no export format".into(),
            });
        };
        let mut call = Call::new(&plugin.log, Some(reads));
        call.writer = Some(RefCell::new(out));
        let mut export = std::ptr::null_mut();
        let status = {
            let _one_at_a_time = lock(&plugin.calls);
            // SAFETY: the plugin's callback and state, a live call, `len`
            // bytes of options and a place for its export state.
            unsafe {
                begin(
                    state,
                    call.as_abi(),
                    options.as_ptr().cast(),
                    options.len(),
                    &mut export,
                )
            }
        };
        match status {
            abi::RACINE_PLUGIN_OK => {}
            abi::RACINE_PLUGIN_VETO => {
                return Err(Error::Plugin {
                    plugin: plugin.name.clone(),
                    message: call.message_or("refused the export"),
                })
            }
            s => return Err(plugin.fail("export_begin", s, call.message_or("no message"))),
        }
        Ok(PluginSink {
            plugin,
            call,
            export,
            ended: false,
            sheets: Vec::new(),
            texts: Vec::new(),
        })
    }

    /// A refusal stops this export; a failure also marks the plugin unusable.
    fn check(&self, what: &str, status: i32) -> Result<()> {
        match status {
            abi::RACINE_PLUGIN_OK => Ok(()),
            abi::RACINE_PLUGIN_VETO => Err(Error::Plugin {
                plugin: self.plugin.name.clone(),
                message: self.call.message_or("refused the export"),
            }),
            s => Err(self
                .plugin
                .fail(what, s, self.call.message_or("no message"))),
        }
    }

    /// Ends the export complete; returns the tables written.
    pub(crate) fn finish(mut self) -> Result<Vec<SheetSummary>> {
        let status = self.end(true);
        self.check("export_end", status)?;
        Ok(std::mem::take(&mut self.sheets))
    }

    fn end(&mut self, complete: bool) -> i32 {
        if self.ended {
            return abi::RACINE_PLUGIN_OK;
        }
        self.ended = true;
        let Some(end) = self.plugin.table.as_ref().and_then(|t| t.0.export_end) else {
            return abi::RACINE_PLUGIN_OK;
        };
        let _one_at_a_time = lock(&self.plugin.calls);
        // SAFETY: the export state `export_begin` made, ended once.
        unsafe { end(self.export, self.call.as_abi(), complete) }
    }
}

impl Drop for PluginSink<'_> {
    fn drop(&mut self) {
        // Stopped early (an error, a cancellation): the plugin frees its state.
        let _ = self.end(false);
    }
}

impl Sink for PluginSink<'_> {
    fn begin(&mut self, name: &str, columns: &'static [Column]) -> Result<()> {
        let Some(table) = self.plugin.table.as_ref().and_then(|t| t.0.export_table) else {
            return Ok(());
        };
        let cols: Vec<RacineColumn> = columns
            .iter()
            .map(|c| RacineColumn {
                title: c.title.as_ptr().cast(),
                title_len: c.title.len(),
                kind: column_kind(c.kind),
            })
            .collect();
        self.sheets.push(SheetSummary {
            name: name.to_string(),
            rows: 0,
        });
        let status = {
            let _one_at_a_time = lock(&self.plugin.calls);
            // SAFETY: the export state, a live call, `name` and `cols`
            // valid for the call.
            unsafe {
                table(
                    self.export,
                    self.call.as_abi(),
                    name.as_ptr().cast(),
                    name.len(),
                    cols.as_ptr(),
                    cols.len(),
                )
            }
        };
        self.check("export_table", status)
    }

    fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        let Some(row) = self.plugin.table.as_ref().and_then(|t| t.0.export_row) else {
            return Ok(());
        };
        // The texts are kept between rows so that their buffers are reused.
        self.texts.resize_with(cells.len(), String::new);
        let mut kinds = Vec::with_capacity(cells.len());
        for (cell, text) in cells.iter().zip(self.texts.iter_mut()) {
            text.clear();
            let kind = match cell {
                Cell::Empty => abi::RACINE_CELL_EMPTY,
                Cell::Text(s) => {
                    text.push_str(s);
                    abi::RACINE_CELL_TEXT
                }
                Cell::Int(i) => {
                    let _ = write!(text, "{i}");
                    abi::RACINE_CELL_INTEGER
                }
                Cell::Decimal(d) => {
                    let _ = write!(text, "{d}");
                    abi::RACINE_CELL_DECIMAL
                }
                Cell::Instant(t) => {
                    let _ = write!(text, "{t}");
                    abi::RACINE_CELL_INSTANT
                }
                Cell::Date(d) => {
                    let _ = write!(text, "{d}");
                    abi::RACINE_CELL_DATE
                }
                Cell::Bool(b) => {
                    text.push_str(if *b { "true" } else { "false" });
                    abi::RACINE_CELL_BOOL
                }
            };
            kinds.push(kind);
        }
        let abi_cells: Vec<RacineCell> = kinds
            .iter()
            .zip(&self.texts)
            .map(|(kind, text)| RacineCell {
                kind: *kind,
                text: text.as_ptr().cast(),
                len: text.len(),
            })
            .collect();
        if let Some(sheet) = self.sheets.last_mut() {
            sheet.rows += 1;
        }
        let status = {
            let _one_at_a_time = lock(&self.plugin.calls);
            // SAFETY: the export state, a live call, `abi_cells` valid for
            // the call.
            unsafe {
                row(
                    self.export,
                    self.call.as_abi(),
                    abi_cells.as_ptr(),
                    abi_cells.len(),
                )
            }
        };
        self.check("export_row", status)
    }
}
