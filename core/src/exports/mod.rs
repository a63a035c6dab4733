//! Exports: the ledger, stock, purchases, orders, the CRM and every KPI as
//! xlsx workbooks or csv files, streamed in constant memory and safe to open.
//!
//! An [`Export`] lists sheets, each a [`Dataset`] with the filters of its
//! list call; all of them are read in one consistent snapshot. Rows are
//! streamed: a movement export holds one row in memory whatever the
//! ledger's size (xlsx through rust_xlsxwriter's constant-memory sheets,
//! which spill to temporary files; csv straight to its writer).
//!
//! What a spreadsheet sees is decided here, once for every language:
//! - ids, SKUs, references, external ids and phone numbers are text, so
//!   leading zeros and long ids survive;
//! - decimals are numbers with their column's format, unless they have more
//!   than the 15 significant digits Excel keeps (then exact text);
//! - instants are date-times in the business time zone;
//! - text that a spreadsheet could run as a formula (OWASP: starting with
//!   `=`, `+`, `-`, `@`, tab, carriage return, line feed) stays inert: a
//!   quote-prefixed text cell in xlsx, a `'` prefix in csv (switchable off
//!   for machine-to-machine csv);
//! - a sheet past Excel's 1,048,576 rows continues on `Movements (2)`; a
//!   text past 32,767 characters is cut with a marker, or refused — never
//!   silently.
//!
//! A file is written under a temporary name in its folder and renamed when
//! complete: a failed or cancelled export leaves nothing behind.
//!
//! ```
//! use racine::{Database, Export, Movement, NewItem};
//! let db = Database::open_in_memory()?;
//! let oak = db.create_item(&NewItem::new("00042", "Oak plank"))?.id;
//! db.post(&Movement::receipt(oak, "10".parse()?, "4.5".parse()?).note("=HYPERLINK(\"x\")"))?;
//! let csv = db.export_bytes(&Export::csv(vec!["movements".parse()?]))?;
//! let text = String::from_utf8(csv).unwrap();
//! assert!(text.contains(",00042,"));
//! assert!(text.contains("'=HYPERLINK"));
//! # Ok::<(), racine::Error>(())
//! ```

mod csv;
mod dashboard;
mod datasets;
pub(crate) mod table;
mod xlsx;

use crate::closed_set::closed_set;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::crm::{ContactFilter, InteractionFilter, OpportunityFilter};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::items::ItemRef;
use crate::kpis::crm::CrmQuery;
use crate::kpis::erp::ErpQuery;
use crate::ledger::MovementFilter;
use crate::orders::OrderFilter;
use crate::purchases::PurchaseFilter;

pub use self::csv::{CsvOptions, CsvPreset, LineEnding};
pub use self::xlsx::{LongText, XlsxOptions, EXCEL_MAX_ROWS};

closed_set! {
    /// The file format of an export.
    pub enum Format as "format", default Xlsx {
        /// An Excel workbook: one sheet per dataset, typed cells.
        Xlsx = "xlsx",
        /// A csv file: one dataset.
        Csv = "csv",
        /// The format of a loaded exporter plugin, named by `plugin`: it
        /// receives every sheet's rows and writes its own file.
        Plugin = "plugin",
    }
}

/// What to export, and how.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// The sheets, in order: several in an xlsx workbook, exactly one in csv.
    pub sheets: Vec<Sheet>,
    /// xlsx (default) or csv.
    #[serde(default)]
    pub format: Format,
    /// How csv is written (ignored for xlsx).
    #[serde(default)]
    pub csv: CsvOptions,
    /// How xlsx is written (ignored for csv).
    #[serde(default)]
    pub xlsx: XlsxOptions,
    /// With `format: plugin`: the export format, as a loaded exporter
    /// plugin names it (`accounting-csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    /// With `format: plugin`: options handed to the plugin as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Export {
    /// An export from its JSON form (what the C ABI and the bindings pass);
    /// a bad field is [`Error::InvalidInput`] naming it (`export.sheets[0].dataset`).
    pub fn from_json(json: &str) -> Result<Export> {
        crate::api::from_json(json, "export")
    }

    /// An xlsx workbook of these sheets.
    pub fn xlsx(sheets: Vec<Sheet>) -> Export {
        Export {
            sheets,
            ..Export::default()
        }
    }

    /// A csv file of this one sheet (plain preset).
    pub fn csv(sheets: Vec<Sheet>) -> Export {
        Export {
            sheets,
            format: Format::Csv,
            ..Export::default()
        }
    }
}

/// One sheet: a dataset, and the sheet's name (the dataset's own when left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sheet {
    /// The sheet's name in the workbook (at most 31 characters, none of
    /// `[]:*?/\`); the dataset's title when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the sheet holds.
    #[serde(flatten)]
    pub data: Dataset,
}

impl From<Dataset> for Sheet {
    fn from(data: Dataset) -> Sheet {
        Sheet { name: None, data }
    }
}

impl FromStr for Sheet {
    type Err = Error;

    /// A dataset with its default filters, by name (`"movements"`).
    fn from_str(name: &str) -> Result<Sheet> {
        let data = crate::api::from_value(serde_json::json!({ "dataset": name }))?;
        Ok(Sheet { name: None, data })
    }
}

/// A dataset to export, with the filters of its list call. Tagged by
/// `dataset` in JSON: `{"dataset": "movements", "filter": {"reason": "sale"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dataset", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Dataset {
    /// Ledger movements matching the filter of `movements` (every matching
    /// row: leave `limit` out).
    Movements {
        /// As for `movements`.
        #[serde(default)]
        filter: MovementFilter,
    },
    /// Stock on hand and its value per item (totals, or in one warehouse),
    /// now or as of an instant.
    Stock {
        /// One warehouse; totals over all when absent.
        #[serde(default)]
        warehouse: Option<i64>,
        /// Stock and value as of this instant (movements effective at or
        /// before it); reservations are not kept in history, so their
        /// columns are empty.
        #[serde(default, with = "crate::instant::text::option")]
        #[schemars(with = "Option<crate::catalogue::Instant>")]
        as_of: Option<Timestamp>,
        /// Only active items.
        #[serde(default)]
        active_only: bool,
        /// Only items at or below their reorder point (now only).
        #[serde(default)]
        low_stock_only: bool,
    },
    /// The open FIFO / LIFO cost layers, oldest first.
    CostLayers {
        /// Only this item.
        #[serde(default)]
        item: Option<ItemRef>,
        /// Only this warehouse.
        #[serde(default)]
        warehouse: Option<i64>,
    },
    /// Purchase orders, one row each.
    PurchaseOrders {
        /// As for `purchase_orders`.
        #[serde(default)]
        filter: PurchaseFilter,
    },
    /// The lines of those purchase orders, one row each.
    PurchaseLines {
        /// As for `purchase_orders`.
        #[serde(default)]
        filter: PurchaseFilter,
    },
    /// Orders, one row each.
    Orders {
        /// As for `orders`.
        #[serde(default)]
        filter: OrderFilter,
    },
    /// The lines of those orders.
    OrderLines {
        /// As for `orders`.
        #[serde(default)]
        filter: OrderFilter,
    },
    /// The events of those orders (their history).
    OrderEvents {
        /// As for `orders`.
        #[serde(default)]
        filter: OrderFilter,
    },
    /// CRM contacts.
    Contacts {
        /// As for `contacts`.
        #[serde(default)]
        filter: ContactFilter,
    },
    /// CRM interactions (calls, emails, meetings, notes, tasks).
    Interactions {
        /// As for `interactions`.
        #[serde(default)]
        filter: InteractionFilter,
    },
    /// Opportunities, one row each.
    Opportunities {
        /// As for `opportunities`.
        #[serde(default)]
        filter: OpportunityFilter,
    },
    /// The stage history of those opportunities, one row per transition.
    OpportunityHistory {
        /// As for `opportunities`.
        #[serde(default)]
        filter: OpportunityFilter,
    },
    /// One table of the ERP dashboard.
    ErpKpi {
        /// Which table.
        table: ErpTable,
        /// As for `erp_dashboard`.
        #[serde(default)]
        query: ErpQuery,
    },
    /// One table of the CRM dashboard.
    CrmKpi {
        /// Which table.
        table: CrmTable,
        /// As for `crm_dashboard`.
        #[serde(default)]
        query: CrmQuery,
    },
    /// The ERP and CRM dashboards as sheets with native charts (daily
    /// flows, pipeline by stage, top materials) and a definitions sheet,
    /// from the same results as the dashboard calls (xlsx only).
    Dashboards {
        /// As for `erp_dashboard`.
        #[serde(default)]
        erp: ErpQuery,
        /// As for `crm_dashboard`.
        #[serde(default)]
        crm: CrmQuery,
    },
}

closed_set! {
    /// A table of the ERP dashboard.
    pub enum ErpTable as "table" {
        /// Every single-figure KPI: valuation, purchases, turnover, stockout rate, flow totals.
        Summary = "summary",
        /// Stock value per warehouse.
        ValuationByWarehouse = "valuation_by_warehouse",
        /// The items holding the most value.
        ValuationByItem = "valuation_by_item",
        /// Purchases per supplier.
        PurchasesBySupplier = "purchases_by_supplier",
        /// Purchases per item.
        PurchasesByItem = "purchases_by_item",
        /// Stock in and out per business day.
        DailyFlows = "daily_flows",
        /// The items issued most, by quantity.
        TopMoversByQuantity = "top_movers_by_quantity",
        /// The items issued most, by cost.
        TopMoversByCost = "top_movers_by_cost",
        /// Items at or below their reorder point.
        LowStock = "low_stock",
    }
}

closed_set! {
    /// A table of the CRM dashboard.
    pub enum CrmTable as "table" {
        /// Every single-figure KPI: win rate, deal size, sales cycle, velocity.
        Summary = "summary",
        /// The open pipeline per stage.
        PipelineByStage = "pipeline_by_stage",
        /// The funnel of the opportunities created in the period.
        StageConversion = "stage_conversion",
        /// Time spent in each stage.
        TimeInStage = "time_in_stage",
        /// Figures per owner.
        OwnerPerformance = "owner_performance",
        /// The contacts bringing the most revenue.
        TopClients = "top_clients",
        /// The latest and the coming interactions.
        Activities = "activities",
    }
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ExportSummary {
    /// The format written.
    pub format: Format,
    /// Every sheet written, in order (a dataset past a sheet's rows is
    /// continued on `Name (2)`, listed apart).
    pub sheets: Vec<SheetSummary>,
    /// Data rows written, headers aside.
    pub rows: u64,
    /// Bytes of the file.
    pub bytes: u64,
    /// Text cells cut to Excel's 32,767 characters (with a marker).
    pub cut_cells: u64,
}

/// One sheet written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SheetSummary {
    /// Its name.
    pub name: String,
    /// Its data rows.
    pub rows: u64,
}

/// How far an export is, as its progress callback sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// The dataset being written (its sheet's name).
    pub sheet: &'a str,
    /// Rows of this dataset written so far.
    pub sheet_rows: u64,
    /// Rows this dataset will have, when known before it is written.
    pub sheet_total: Option<u64>,
    /// Rows written so far, all datasets.
    pub rows: u64,
    /// Whether the export is complete (the last call).
    pub done: bool,
}

/// Where an export goes.
pub enum Destination<'a> {
    /// A file: written under a temporary name in the same folder, renamed
    /// over `path` once complete.
    Path(&'a Path),
    /// A stream (an HTTP response, a Python file object). xlsx reaches it
    /// only once complete; csv as it is written, so a failure midway
    /// leaves the part already sent.
    Writer(&'a mut (dyn Write + Send)),
}

/// A progress callback that never cancels.
pub fn no_progress(_: &Progress<'_>) -> bool {
    true
}

impl Database {
    /// Exports to a file at `path` (see [`Database::export_with`]).
    pub fn export(&self, export: &Export, path: impl AsRef<Path>) -> Result<ExportSummary> {
        self.export_with(export, Destination::Path(path.as_ref()), &mut no_progress)
    }

    /// Exports into memory and returns the file's bytes.
    pub fn export_bytes(&self, export: &Export) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.export_with(export, Destination::Writer(&mut bytes), &mut no_progress)?;
        Ok(bytes)
    }

    /// Exports `export` to `to`, reading every sheet in one snapshot.
    ///
    /// `progress` is called every few thousand rows, at the end of each
    /// dataset and once complete; returning `false` cancels the export
    /// ([`Error::Cancelled`]) and removes what it wrote to a path.
    /// Bad input ([`Error::InvalidInput`] naming the field) is refused
    /// before anything is written.
    pub fn export_with(
        &self,
        export: &Export,
        to: Destination<'_>,
        progress: &mut dyn FnMut(&Progress<'_>) -> bool,
    ) -> Result<ExportSummary> {
        check(export)?;
        if export.format == Format::Plugin {
            // Refused before a temporary file is made.
            self.plugins
                .exporter(export.plugin.as_deref().unwrap_or_default())?;
        }
        match to {
            Destination::Writer(w) => self.export_to(export, w, progress),
            // A cancelled or failed export leaves no file, not half of one.
            Destination::Path(path) => {
                crate::whole_file::write(path, |file| self.export_to(export, file, progress))
            }
        }
    }

    fn export_to(
        &self,
        export: &Export,
        out: &mut (dyn Write + Send),
        progress: &mut dyn FnMut(&Progress<'_>) -> bool,
    ) -> Result<ExportSummary> {
        let mut counted = Counted {
            inner: out,
            bytes: 0,
        };
        let (sheets, rows, cut_cells) = self.snapshot(|r| {
            let mut rows = datasets::Rows::new(progress);
            match export.format {
                Format::Xlsx => {
                    let mut sink = xlsx::XlsxSink::new(self.time_zone(), &export.xlsx)?;
                    for (i, sheet) in export.sheets.iter().enumerate() {
                        match &sheet.data {
                            Dataset::Dashboards { erp, crm } => dashboard::write(
                                self,
                                r,
                                &mut sink,
                                &mut rows,
                                sheet.name.as_deref(),
                                erp,
                                crm,
                            ),
                            _ => datasets::write(self, r, sheet, &mut sink, &mut rows),
                        }
                        .map_err(|e| in_sheet(e, i))?;
                    }
                    rows.finish()?;
                    let cut = sink.cut_cells;
                    let sheets = sink.save(&mut counted)?;
                    Ok((sheets, rows.total(), cut))
                }
                Format::Plugin => {
                    let format = export.plugin.as_deref().unwrap_or_default();
                    let plugin = self.plugins.exporter(format)?;
                    let options = match &export.options {
                        Some(o) => serde_json::to_string(o).map_err(Error::storage)?,
                        None => "null".into(),
                    };
                    let mut sink =
                        crate::plugins::PluginSink::begin(&plugin, r, &mut counted, &options)?;
                    for (i, sheet) in export.sheets.iter().enumerate() {
                        datasets::write(self, r, sheet, &mut sink, &mut rows)
                            .map_err(|e| in_sheet(e, i))?;
                    }
                    rows.finish()?;
                    let sheets = sink.finish()?;
                    Ok((sheets, rows.total(), 0))
                }
                Format::Csv => {
                    let mut sink = csv::CsvSink::new(&mut counted, self.time_zone(), &export.csv)?;
                    let sheet = &export.sheets[0];
                    datasets::write(self, r, sheet, &mut sink, &mut rows)
                        .map_err(|e| in_sheet(e, 0))?;
                    rows.finish()?;
                    let name = sink.finish()?;
                    Ok((
                        vec![SheetSummary {
                            name,
                            rows: rows.total(),
                        }],
                        rows.total(),
                        0,
                    ))
                }
            }
        })?;
        Ok(ExportSummary {
            format: export.format,
            sheets,
            rows,
            bytes: counted.bytes,
            cut_cells,
        })
    }
}

/// Refuses what cannot be exported before anything is read or written.
fn check(export: &Export) -> Result<()> {
    if export.sheets.is_empty() {
        return Err(Error::invalid("sheets", "name at least one dataset"));
    }
    match (export.format, &export.plugin) {
        (Format::Plugin, None) => {
            return Err(Error::invalid(
                "plugin",
                "format plugin needs the name of a plugin's export format (`plugin`)",
            ))
        }
        (Format::Xlsx | Format::Csv, Some(_)) => {
            return Err(Error::invalid(
                "plugin",
                "names a plugin's format: set format to plugin, or leave plugin out",
            ))
        }
        _ => {}
    }
    if export.format == Format::Plugin {
        if let Some(i) = export
            .sheets
            .iter()
            .position(|s| matches!(s.data, Dataset::Dashboards { .. }))
        {
            return Err(Error::invalid(
                format!("sheets[{i}].dataset"),
                "dashboards (charts and several tables) need xlsx; export single tables with erp_kpi or crm_kpi",
            ));
        }
    } else if export.format == Format::Csv {
        if export.sheets.len() > 1 {
            return Err(Error::invalid(
                "sheets",
                format!(
                    "a csv file holds one table, not {}: export each to its own file, or use xlsx",
                    export.sheets.len()
                ),
            ));
        }
        if matches!(export.sheets[0].data, Dataset::Dashboards { .. }) {
            return Err(Error::invalid(
                "sheets[0].dataset",
                "dashboards (charts and several tables) need xlsx; export single tables with erp_kpi or crm_kpi",
            ));
        }
        export.csv.resolve()?;
    } else {
        export.xlsx.check()?;
    }
    for (i, sheet) in export.sheets.iter().enumerate() {
        if let Some(name) = &sheet.name {
            xlsx::check_sheet_name(name)
                .map_err(|why| Error::invalid(format!("sheets[{i}].name"), why))?;
        }
        let page = match &sheet.data {
            Dataset::Movements { filter } => Some(&filter.page),
            Dataset::PurchaseOrders { filter } | Dataset::PurchaseLines { filter } => {
                Some(&filter.page)
            }
            Dataset::Orders { filter }
            | Dataset::OrderLines { filter }
            | Dataset::OrderEvents { filter } => Some(&filter.page),
            Dataset::Contacts { filter } => Some(&filter.page),
            Dataset::Interactions { filter } => Some(&filter.page),
            Dataset::Opportunities { filter } | Dataset::OpportunityHistory { filter } => {
                Some(&filter.page)
            }
            _ => None,
        };
        if page.is_some_and(|p| p.limit.is_some()) {
            return Err(Error::invalid(
                format!("sheets[{i}].filter.limit"),
                "an export writes every matching row: leave limit out (after still starts it past a cursor)",
            ));
        }
        if let Dataset::Stock {
            as_of: Some(_),
            low_stock_only: true,
            ..
        } = sheet.data
        {
            return Err(Error::invalid(
                format!("sheets[{i}].low_stock_only"),
                "low stock is known now, not as of an instant: leave as_of or low_stock_only out",
            ));
        }
    }
    Ok(())
}

/// A refusal about a sheet's filters names the sheet (`sheets[1].filter.warehouse`).
fn in_sheet(e: Error, index: usize) -> Error {
    match e {
        // A cell (`Contacts!N2`) is named as a spreadsheet names it.
        Error::InvalidInput { field, message }
            if !field.starts_with("sheets") && !field.contains('!') =>
        {
            Error::InvalidInput {
                field: format!("sheets[{index}].{field}"),
                message,
            }
        }
        other => other,
    }
}

/// Counts the bytes that reach the destination.
struct Counted<'a> {
    inner: &'a mut (dyn Write + Send),
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
