//! Each dataset as a table: its columns, and its rows read through the
//! same list calls (and filters) as the API, on the export's snapshot.

use std::collections::HashMap;

use super::table::{col, Cell, Column, Kind, Sink};
use super::{CrmTable, Dataset, ErpTable, Progress, Sheet};
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::kpis::crm::CrmDashboard;
use crate::kpis::erp::{ErpDashboard, Mover};
use crate::kpis::{Amount, Definition, Ratio};
use crate::ledger::MovementFilter;
use crate::page::{Page, PageRequest, MAX_PAGE};
use crate::store::Reads;

use Kind::*;

/// Rows between two progress reports.
const REPORT_EVERY: u64 = 10_000;

/// Counts rows and reports progress; a `false` from the callback cancels.
pub(crate) struct Rows<'p> {
    progress: &'p mut dyn FnMut(&Progress<'_>) -> bool,
    all: u64,
    sheet: String,
    sheet_rows: u64,
    sheet_total: Option<u64>,
}

impl<'p> Rows<'p> {
    pub(crate) fn new(progress: &'p mut dyn FnMut(&Progress<'_>) -> bool) -> Rows<'p> {
        Rows {
            progress,
            all: 0,
            sheet: String::new(),
            sheet_rows: 0,
            sheet_total: None,
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.all
    }

    fn report(&mut self, done: bool) -> Result<()> {
        let go_on = (self.progress)(&Progress {
            sheet: &self.sheet,
            sheet_rows: self.sheet_rows,
            sheet_total: self.sheet_total,
            rows: self.all,
            done,
        });
        if go_on || done {
            Ok(())
        } else {
            Err(Error::Cancelled {
                operation: "export".into(),
                rows: self.all,
            })
        }
    }

    /// The last report: the export is complete.
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.report(true)
    }
}

/// A table being written: the sink and the row counter together.
pub(crate) struct Table<'a, 'p> {
    sink: &'a mut dyn Sink,
    rows: &'a mut Rows<'p>,
}

impl<'a, 'p> Table<'a, 'p> {
    pub(crate) fn begin(
        sink: &'a mut dyn Sink,
        rows: &'a mut Rows<'p>,
        name: &str,
        columns: &'static [Column],
        total: Option<u64>,
    ) -> Result<Table<'a, 'p>> {
        sink.begin(name, columns)?;
        rows.sheet = name.to_string();
        rows.sheet_rows = 0;
        rows.sheet_total = total;
        rows.report(false)?;
        Ok(Table { sink, rows })
    }

    pub(crate) fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        self.sink.row(cells)?;
        self.rows.all += 1;
        self.rows.sheet_rows += 1;
        if self.rows.sheet_rows % REPORT_EVERY == 0 {
            self.rows.report(false)?;
        }
        Ok(())
    }

    /// Reports the table complete.
    pub(crate) fn end(self) -> Result<()> {
        self.rows.sheet_total = Some(self.rows.sheet_rows);
        self.rows.report(false)
    }
}

/// A list call an export pages through: its filter, with the cursor it
/// starts after, read on the export's snapshot.
trait Listing: Clone {
    type Row;
    fn page(&self) -> PageRequest;
    fn with_page(&self, page: PageRequest) -> Self;
    fn list(r: &dyn Reads, filter: &Self) -> Result<Page<Self::Row>>;
}

macro_rules! listing {
    ($($filter:ty => $row:ty, $list:path;)+) => {$(
        impl Listing for $filter {
            type Row = $row;
            fn page(&self) -> PageRequest {
                self.page
            }
            fn with_page(&self, page: PageRequest) -> Self {
                Self { page, ..self.clone() }
            }
            fn list(r: &dyn Reads, filter: &Self) -> Result<Page<$row>> {
                $list(r, filter)
            }
        }
    )+};
}

listing! {
    crate::purchases::PurchaseFilter => crate::purchases::PurchaseOrder, crate::purchases::purchase_orders;
    crate::orders::OrderFilter => crate::orders::Order, crate::orders::list;
    crate::crm::ContactFilter => crate::crm::Contact, crate::crm::contacts::list;
    crate::crm::InteractionFilter => crate::crm::Interaction, crate::crm::interactions::list;
    crate::crm::OpportunityFilter => crate::crm::Opportunity, crate::crm::opportunities::list;
    crate::ledger::StockFilter => crate::ledger::StockLevel, crate::ledger::stock::stock_levels;
}

/// Every row the list call of `filter` gives, page after page from its
/// cursor on (the biggest pages the list allows).
fn each<F: Listing>(
    r: &dyn Reads,
    filter: &F,
    mut f: impl FnMut(&F::Row) -> Result<()>,
) -> Result<()> {
    let mut after = filter.page().after;
    loop {
        let page = F::list(
            r,
            &filter.with_page(PageRequest {
                limit: Some(MAX_PAGE),
                after,
            }),
        )?;
        for row in &page.items {
            f(row)?;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}

/// The title a dataset's sheet gets unless named.
pub(crate) fn title(data: &Dataset) -> &'static str {
    match data {
        Dataset::Movements { .. } => "Movements",
        Dataset::Stock { .. } => "Stock",
        Dataset::CostLayers { .. } => "Cost layers",
        Dataset::PurchaseOrders { .. } => "Purchase orders",
        Dataset::PurchaseLines { .. } => "Purchase lines",
        Dataset::Orders { .. } => "Orders",
        Dataset::OrderLines { .. } => "Order lines",
        Dataset::OrderEvents { .. } => "Order events",
        Dataset::Contacts { .. } => "Contacts",
        Dataset::Interactions { .. } => "Interactions",
        Dataset::Opportunities { .. } => "Opportunities",
        Dataset::OpportunityHistory { .. } => "Opportunity history",
        Dataset::ErpKpi { table, .. } => erp_title(*table),
        Dataset::CrmKpi { table, .. } => crm_title(*table),
        Dataset::Dashboards { .. } => "ERP",
    }
}

pub(crate) fn erp_title(t: ErpTable) -> &'static str {
    match t {
        ErpTable::Summary => "ERP",
        ErpTable::ValuationByWarehouse => "Valuation by warehouse",
        ErpTable::ValuationByItem => "Valuation by item",
        ErpTable::PurchasesBySupplier => "Purchases by supplier",
        ErpTable::PurchasesByItem => "Purchases by item",
        ErpTable::DailyFlows => "Daily flows",
        ErpTable::TopMoversByQuantity => "Top materials",
        ErpTable::TopMoversByCost => "Top materials by cost",
        ErpTable::LowStock => "Low stock",
    }
}

pub(crate) fn crm_title(t: CrmTable) -> &'static str {
    match t {
        CrmTable::Summary => "CRM",
        CrmTable::PipelineByStage => "Pipeline",
        CrmTable::StageConversion => "Stage conversion",
        CrmTable::TimeInStage => "Time in stage",
        CrmTable::OwnerPerformance => "Owners",
        CrmTable::TopClients => "Top clients",
        CrmTable::Activities => "Activities",
    }
}

/// Writes one sheet's dataset.
pub(crate) fn write(
    db: &Database,
    r: &dyn Reads,
    sheet: &Sheet,
    sink: &mut dyn Sink,
    rows: &mut Rows<'_>,
) -> Result<()> {
    let name = sheet.name.as_deref().unwrap_or_else(|| title(&sheet.data));
    match &sheet.data {
        Dataset::Movements { filter } => movements(r, filter, sink, rows, name),
        Dataset::Stock {
            warehouse,
            as_of,
            active_only,
            low_stock_only,
        } => stock(
            r,
            *warehouse,
            *as_of,
            *active_only,
            *low_stock_only,
            Table::begin(sink, rows, name, STOCK, None)?,
        ),
        Dataset::CostLayers { item, warehouse } => cost_layers(
            r,
            item.as_ref(),
            *warehouse,
            Table::begin(sink, rows, name, COST_LAYERS, None)?,
        ),
        Dataset::PurchaseOrders { filter } => {
            let mut t = Table::begin(sink, rows, name, PURCHASE_ORDERS, None)?;
            let mut suppliers = Names::default();
            each(r, filter, |p| {
                let supplier = suppliers.supplier(r, p.supplier)?;
                t.row(&[
                    p.id.into(),
                    (&p.reference).into(),
                    p.supplier.into(),
                    supplier.into(),
                    p.status.as_str().into(),
                    p.total_ordered.into(),
                    p.total_received.into(),
                    p.note.as_ref().into(),
                    p.created_at.into(),
                    p.updated_at.into(),
                ])
            })?;
            t.end()
        }
        Dataset::PurchaseLines { filter } => {
            let mut t = Table::begin(sink, rows, name, PURCHASE_LINES, None)?;
            each(r, filter, |p| {
                for l in &p.lines {
                    t.row(&[
                        p.id.into(),
                        (&p.reference).into(),
                        l.id.into(),
                        (&l.sku).into(),
                        l.warehouse.into(),
                        l.quantity.into(),
                        l.unit_cost.into(),
                        l.quantity.checked_mul(l.unit_cost)?.into(),
                        l.received.into(),
                        l.cancelled.into(),
                        l.remaining.into(),
                    ])?;
                }
                Ok(())
            })?;
            t.end()
        }
        Dataset::Orders { filter } => {
            let mut t = Table::begin(sink, rows, name, ORDERS, None)?;
            each(r, filter, |o| {
                t.row(&[
                    o.id.into(),
                    (&o.external_id).into(),
                    o.customer.external_id.as_ref().into(),
                    o.customer.name.as_ref().into(),
                    o.customer.email.as_ref().into(),
                    o.contact.into(),
                    (&o.currency).into(),
                    o.status.as_str().into(),
                    o.paid.into(),
                    (o.lines.len() as u64).into(),
                    o.total.into(),
                    o.placed_at.into(),
                    o.expires_at.into(),
                ])
            })?;
            t.end()
        }
        Dataset::OrderLines { filter } => {
            let mut t = Table::begin(sink, rows, name, ORDER_LINES, None)?;
            each(r, filter, |o| {
                for l in &o.lines {
                    t.row(&[
                        o.id.into(),
                        (&o.external_id).into(),
                        l.line.into(),
                        (&l.sku).into(),
                        l.warehouse.into(),
                        l.quantity.into(),
                        l.unit_price.into(),
                        l.quantity.checked_mul(l.unit_price)?.into(),
                        (&o.currency).into(),
                        l.reserved.into(),
                        l.out.into(),
                        l.fulfilled.into(),
                        l.returned.into(),
                        l.restocked.into(),
                    ])?;
                }
                Ok(())
            })?;
            t.end()
        }
        Dataset::OrderEvents { filter } => {
            let mut t = Table::begin(sink, rows, name, ORDER_EVENTS, None)?;
            each(r, filter, |o| {
                for e in &o.events {
                    t.row(&[
                        o.id.into(),
                        (&o.external_id).into(),
                        e.id.into(),
                        e.kind.as_str().into(),
                        e.status_after.as_str().into(),
                        e.revenue_change.into(),
                        (&o.currency).into(),
                        e.at.into(),
                        e.idempotency_key.as_ref().into(),
                    ])?;
                }
                Ok(())
            })?;
            t.end()
        }
        Dataset::Contacts { filter } => {
            let mut t = Table::begin(sink, rows, name, CONTACTS, None)?;
            each(r, filter, |c| {
                let emails = c
                    .emails
                    .iter()
                    .map(|e| e.address.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let phones = c
                    .phones
                    .iter()
                    .map(|p| p.e164.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let custom = if c.custom.is_empty() {
                    Cell::Empty
                } else {
                    serde_json::Value::Object(c.custom.clone())
                        .to_string()
                        .into()
                };
                t.row(&[
                    c.id.into(),
                    c.kind.as_str().into(),
                    (&c.name).into(),
                    c.company.into(),
                    emails.into(),
                    phones.into(),
                    c.tags.join("; ").into(),
                    c.source.as_ref().into(),
                    c.owner.as_ref().into(),
                    c.external_id.as_ref().into(),
                    c.status.as_str().into(),
                    c.merged_into.into(),
                    c.notes.as_ref().into(),
                    custom,
                    c.created_at.into(),
                    c.updated_at.into(),
                ])
            })?;
            t.end()
        }
        Dataset::Interactions { filter } => {
            let mut t = Table::begin(sink, rows, name, INTERACTIONS, None)?;
            each(r, filter, |i| t.row(&interaction_cells(i)))?;
            t.end()
        }
        Dataset::Opportunities { filter } => {
            let mut t = Table::begin(sink, rows, name, OPPORTUNITIES, None)?;
            each(r, filter, |o| {
                t.row(&[
                    o.id.into(),
                    (&o.title).into(),
                    o.contact.into(),
                    o.pipeline.into(),
                    o.stage.into(),
                    (&o.stage_name).into(),
                    o.status.as_str().into(),
                    o.amount.into(),
                    o.currency.as_ref().into(),
                    o.probability.into(),
                    o.expected_close.into(),
                    o.owner.as_ref().into(),
                    o.lost_reason.as_ref().into(),
                    o.order.as_ref().into(),
                    o.created_at.into(),
                    o.updated_at.into(),
                    o.closed_at.into(),
                ])
            })?;
            t.end()
        }
        Dataset::OpportunityHistory { filter } => {
            let mut t = Table::begin(sink, rows, name, OPPORTUNITY_HISTORY, None)?;
            each(r, filter, |o| {
                for h in &o.history {
                    t.row(&[
                        o.id.into(),
                        (&o.title).into(),
                        h.id.into(),
                        h.kind.as_str().into(),
                        h.from_stage_name.as_ref().into(),
                        (&h.to_stage_name).into(),
                        h.status_after.as_str().into(),
                        h.lost_reason.as_ref().into(),
                        h.actor.as_ref().into(),
                        h.note.as_ref().into(),
                        h.at.into(),
                    ])?;
                }
                Ok(())
            })?;
            t.end()
        }
        Dataset::ErpKpi { table, query } => {
            let erp = db.erp_dashboard_on(r, query)?;
            erp_table(&erp, *table, name, sink, rows)
        }
        Dataset::CrmKpi { table, query } => {
            let crm = db.crm_dashboard_on(r, query)?;
            crm_table(&crm, *table, name, sink, rows)
        }
        Dataset::Dashboards { .. } => Err(Error::invalid(
            "dataset",
            "dashboards are a workbook of their own sheets (xlsx)",
        )),
    }
}

const MOVEMENTS: &[Column] = &[
    col("Movement", Id),
    col("Effective at", Instant),
    col("Recorded at", Instant),
    col("SKU", Code),
    col("Warehouse", Code),
    col("Reason", Text),
    col("Quantity", Quantity),
    col("Unit cost", Money),
    col("Value change", Money),
    col("Balance after", Quantity),
    col("Value after", Money),
    col("Reference", Code),
    col("Actor", Text),
    col("Note", Text),
    col("Transfer", Id),
    col("Purchase line", Id),
    col("Order", Id),
    col("Order event", Id),
    col("Idempotency key", Code),
];

fn movements(
    r: &dyn Reads,
    filter: &MovementFilter,
    sink: &mut dyn Sink,
    rows: &mut Rows<'_>,
    name: &str,
) -> Result<()> {
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from >= to {
            return Err(Error::invalid(
                "filter.to",
                format!("the period [{from}, {to}) is empty"),
            ));
        }
    }
    // A SKU is resolved once; an unknown one matches nothing, as in `movements`.
    let mut filter = filter.clone();
    if let Some(crate::items::ItemRef::Sku(sku)) = &filter.item {
        match r.item_id_by_sku(sku)? {
            Some(id) => filter.item = Some(crate::items::ItemRef::Id(id)),
            None => return Table::begin(sink, rows, name, MOVEMENTS, Some(0))?.end(),
        }
    }
    let total = r.count_movements(&filter)?;
    let mut t = Table::begin(sink, rows, name, MOVEMENTS, Some(total))?;
    r.each_movement(&filter, &mut |m| {
        t.row(&[
            m.id.into(),
            m.effective_at.into(),
            m.recorded_at.into(),
            (&m.sku).into(),
            (&m.warehouse_code).into(),
            m.reason.as_str().into(),
            m.quantity.into(),
            m.unit_cost.into(),
            m.value_change.into(),
            m.balance_after.into(),
            m.value_after.into(),
            m.reference.as_ref().into(),
            m.actor.as_ref().into(),
            m.note.as_ref().into(),
            m.transfer_id.into(),
            m.purchase_line_id.into(),
            m.order_id.into(),
            m.order_event_id.into(),
            m.idempotency_key.as_ref().into(),
        ])
    })?;
    t.end()
}

const STOCK: &[Column] = &[
    col("Item", Id),
    col("SKU", Code),
    col("Name", Text),
    col("Warehouse", Code),
    col("On hand", Quantity),
    col("Reserved", Quantity),
    col("Available", Quantity),
    col("Value", Money),
    col("Unit value", Money),
    col("Reorder point", Quantity),
    col("As of", Instant),
];

/// Item and warehouse names, read once each.
#[derive(Default)]
struct Names {
    items: HashMap<i64, crate::items::Item>,
    warehouses: HashMap<i64, String>,
    suppliers: HashMap<i64, String>,
}

impl Names {
    fn item(&mut self, r: &dyn Reads, id: i64) -> Result<&crate::items::Item> {
        use std::collections::hash_map::Entry;
        Ok(match self.items.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(crate::items::get(r, id)?),
        })
    }

    fn warehouse(&mut self, r: &dyn Reads, id: i64) -> Result<String> {
        use std::collections::hash_map::Entry;
        Ok(match self.warehouses.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(crate::warehouses::get(r, id)?.code),
        }
        .clone())
    }

    fn supplier(&mut self, r: &dyn Reads, id: i64) -> Result<String> {
        use std::collections::hash_map::Entry;
        Ok(match self.suppliers.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(crate::suppliers::get(r, id)?.name),
        }
        .clone())
    }
}

fn stock(
    r: &dyn Reads,
    warehouse: Option<i64>,
    as_of: Option<jiff::Timestamp>,
    active_only: bool,
    low_stock_only: bool,
    mut t: Table<'_, '_>,
) -> Result<()> {
    let mut names = Names::default();
    // An unknown warehouse is `not_found`, as in `stock_levels`.
    let place = match warehouse {
        Some(w) => names.warehouse(r, w)?,
        None => "all".to_string(),
    };
    match as_of {
        None => {
            let now = r.now()?;
            let filter = crate::ledger::StockFilter {
                warehouse,
                low_stock_only,
                active_only,
                page: PageRequest::default(),
            };
            each(r, &filter, |s| {
                let name = names.item(r, s.item)?.name.clone();
                t.row(&[
                    s.item.into(),
                    (&s.sku).into(),
                    name.into(),
                    place.as_str().into(),
                    s.on_hand.into(),
                    s.reserved.into(),
                    s.available.into(),
                    s.value.into(),
                    s.unit_value.into(),
                    s.reorder_point.into(),
                    now.into(),
                ])
            })?;
        }
        Some(at) => {
            for (id, on_hand, value) in crate::kpis::erp::item_stock_as_of(r, at, warehouse)? {
                let item = names.item(r, id)?;
                if active_only && !item.active {
                    continue;
                }
                t.row(&[
                    id.into(),
                    (&item.sku).into(),
                    (&item.name).into(),
                    place.as_str().into(),
                    on_hand.into(),
                    Cell::Empty,
                    Cell::Empty,
                    value.into(),
                    crate::ledger::stock::unit_value(value, on_hand).into(),
                    item.reorder_point.into(),
                    at.into(),
                ])?;
            }
        }
    }
    t.end()
}

const COST_LAYERS: &[Column] = &[
    col("Item", Id),
    col("SKU", Code),
    col("Warehouse", Code),
    col("Layer", Count),
    col("Quantity", Quantity),
    col("Unit cost", Money),
    col("Value", Money),
    col("Receipt", Id),
];

fn cost_layers(
    r: &dyn Reads,
    item: Option<&crate::items::ItemRef>,
    warehouse: Option<i64>,
    mut t: Table<'_, '_>,
) -> Result<()> {
    let item = match item {
        Some(i) => Some(i.resolve(r)?),
        None => None,
    };
    if let Some(w) = warehouse {
        crate::warehouses::get(r, w)?;
    }
    let mut names = Names::default();
    let mut all = r.all_cost_layers()?;
    all.sort_unstable_by_key(|(key, _)| *key);
    for ((i, w), layers) in all {
        if item.is_some_and(|only| only != i) || warehouse.is_some_and(|only| only != w) {
            continue;
        }
        let sku = names.item(r, i)?.sku.clone();
        let code = names.warehouse(r, w)?;
        for (n, l) in layers.iter().enumerate() {
            // As `cost_layers` shows it: value ÷ quantity (a layer is never empty).
            let unit = l.value.checked_div(l.quantity)?;
            t.row(&[
                i.into(),
                sku.as_str().into(),
                code.as_str().into(),
                (n as u64 + 1).into(),
                l.quantity.into(),
                unit.into(),
                l.value.into(),
                (l.movement != 0).then_some(l.movement).into(),
            ])?;
        }
    }
    t.end()
}

const PURCHASE_ORDERS: &[Column] = &[
    col("Purchase order", Id),
    col("Reference", Code),
    col("Supplier", Id),
    col("Supplier name", Text),
    col("Status", Text),
    col("Total ordered", Money),
    col("Total received", Money),
    col("Note", Text),
    col("Created at", Instant),
    col("Updated at", Instant),
];

const PURCHASE_LINES: &[Column] = &[
    col("Purchase order", Id),
    col("Reference", Code),
    col("Line", Id),
    col("SKU", Code),
    col("Warehouse", Id),
    col("Quantity", Quantity),
    col("Unit cost", Money),
    col("Line total", Money),
    col("Received", Quantity),
    col("Cancelled", Quantity),
    col("Remaining", Quantity),
];

const ORDERS: &[Column] = &[
    col("Order", Id),
    col("External id", Code),
    col("Customer id", Code),
    col("Customer name", Text),
    col("Customer email", Text),
    col("Contact", Id),
    col("Currency", Code),
    col("Status", Text),
    col("Paid", Bool),
    col("Lines", Count),
    col("Total", Money),
    col("Placed at", Instant),
    col("Expires at", Instant),
];

const ORDER_LINES: &[Column] = &[
    col("Order", Id),
    col("External id", Code),
    col("Line", Count),
    col("SKU", Code),
    col("Warehouse", Id),
    col("Quantity", Quantity),
    col("Unit price", Money),
    col("Line total", Money),
    col("Currency", Code),
    col("Reserved", Quantity),
    col("Out", Quantity),
    col("Fulfilled", Quantity),
    col("Returned", Quantity),
    col("Restocked", Quantity),
];

const ORDER_EVENTS: &[Column] = &[
    col("Order", Id),
    col("External id", Code),
    col("Event", Id),
    col("Kind", Text),
    col("Status after", Text),
    col("Revenue change", Money),
    col("Currency", Code),
    col("At", Instant),
    col("Idempotency key", Code),
];

const CONTACTS: &[Column] = &[
    col("Contact", Id),
    col("Kind", Text),
    col("Name", Text),
    col("Company", Id),
    col("Emails", Text),
    col("Phones", Code),
    col("Tags", Text),
    col("Source", Text),
    col("Owner", Text),
    col("External id", Code),
    col("Status", Text),
    col("Merged into", Id),
    col("Notes", Text),
    col("Custom fields", Text),
    col("Created at", Instant),
    col("Updated at", Instant),
];

const INTERACTIONS: &[Column] = &[
    col("Interaction", Id),
    col("Kind", Text),
    col("Contact", Id),
    col("Opportunity", Id),
    col("Author", Text),
    col("Summary", Text),
    col("At", Instant),
    col("Due", Date),
    col("Done", Bool),
    col("Done at", Instant),
    col("Created at", Instant),
];

fn interaction_cells(i: &crate::crm::Interaction) -> Vec<Cell<'_>> {
    vec![
        i.id.into(),
        i.kind.as_str().into(),
        i.contact.into(),
        i.opportunity.into(),
        i.author.as_ref().into(),
        (&i.summary).into(),
        i.at.into(),
        i.due.into(),
        i.done.into(),
        i.done_at.into(),
        i.created_at.into(),
    ]
}

const OPPORTUNITIES: &[Column] = &[
    col("Opportunity", Id),
    col("Title", Text),
    col("Contact", Id),
    col("Pipeline", Id),
    col("Stage", Id),
    col("Stage name", Text),
    col("Status", Text),
    col("Amount", Money),
    col("Currency", Code),
    col("Probability %", Figure),
    col("Expected close", Date),
    col("Owner", Text),
    col("Lost reason", Text),
    col("Order", Code),
    col("Created at", Instant),
    col("Updated at", Instant),
    col("Closed at", Instant),
];

const OPPORTUNITY_HISTORY: &[Column] = &[
    col("Opportunity", Id),
    col("Title", Text),
    col("Transition", Id),
    col("Kind", Text),
    col("From stage", Text),
    col("To stage", Text),
    col("Status after", Text),
    col("Lost reason", Text),
    col("Actor", Text),
    col("Note", Text),
    col("At", Instant),
];

// -- the dashboards' tables ------------------------------------------------------

/// The columns of a dashboard's summary: one row per single-figure KPI.
pub(crate) const SUMMARY: &[Column] = &[
    col("KPI", Text),
    col("Currency", Code),
    col("Value", Figure),
    col("Numerator", Figure),
    col("Denominator", Figure),
    col("Unit", Text),
    col("Period", Text),
];

/// One summary row: kpi, currency, value, numerator, denominator, unit.
type SummaryRow = (
    &'static str,
    Option<String>,
    Option<Decimal>,
    Option<Decimal>,
    Option<Decimal>,
    &'static str,
);

fn ratio_row(
    kpi: &'static str,
    currency: Option<String>,
    r: &Ratio,
    unit: &'static str,
) -> SummaryRow {
    (
        kpi,
        currency,
        r.value,
        Some(r.numerator),
        Some(r.denominator),
        unit,
    )
}

fn figure(kpi: &'static str, v: Decimal, unit: &'static str) -> SummaryRow {
    (kpi, None, Some(v), None, None, unit)
}

fn count(kpi: &'static str, v: u64, unit: &'static str) -> Result<SummaryRow> {
    Ok((kpi, None, Some(crate::kpis::count(v)?), None, None, unit))
}

fn amounts(kpi: &'static str, list: &[Amount], unit: &'static str) -> Vec<SummaryRow> {
    list.iter()
        .map(|a| {
            (
                kpi,
                Some(a.currency.clone()),
                Some(a.amount),
                None,
                None,
                unit,
            )
        })
        .collect()
}

pub(crate) fn erp_summary(d: &ErpDashboard) -> Result<Vec<SummaryRow>> {
    let f = &d.daily_flows.total;
    Ok(vec![
        figure("stock_valuation", d.valuation.total, "cost"),
        count("items_in_stock", d.valuation.items_in_stock, "items")?,
        figure("purchases_received", d.purchases.received, "cost"),
        figure("purchases_ordered", d.purchases.ordered, "cost"),
        figure("purchases_still_ordered", d.purchases.still_ordered, "cost"),
        figure("stock_in_value", f.in_value, "cost"),
        figure("stock_out_value", f.out_value, "cost"),
        count("movements", f.movements, "movements")?,
        figure(
            "cost_of_goods_issued",
            d.turnover.cost_of_goods_issued,
            "cost",
        ),
        figure("opening_value", d.turnover.opening_value, "cost"),
        figure("closing_value", d.turnover.closing_value, "cost"),
        ratio_row("inventory_turnover", None, &d.turnover.turnover, "times"),
        ratio_row(
            "days_of_inventory",
            None,
            &d.turnover.days_of_inventory,
            "days",
        ),
        ratio_row("stockout_rate", None, &d.stockout_rate.rate, "share"),
        count("low_stock_items", d.low_stock.count, "items")?,
        count("items_issued", d.top_movers.items_issued, "items")?,
    ])
}

pub(crate) fn crm_summary(d: &CrmDashboard) -> Result<Vec<SummaryRow>> {
    let open: u64 = d.pipeline.pipelines.iter().map(|p| p.count).sum();
    let mut rows = vec![
        count("open_opportunities", open, "opportunities")?,
        count("won", d.win_rate.won, "opportunities")?,
        count("lost", d.win_rate.lost, "opportunities")?,
        ratio_row("win_rate", None, &d.win_rate.by_count, "share"),
    ];
    for v in &d.win_rate.by_value {
        rows.push(ratio_row(
            "win_rate_by_value",
            Some(v.currency.clone()),
            &v.ratio,
            "share",
        ));
    }
    for p in &d.pipeline.pipelines {
        rows.extend(amounts("open_pipeline", &p.amount, "amount"));
        rows.extend(amounts("weighted_pipeline", &p.weighted, "amount"));
    }
    rows.extend(amounts("won_value", &d.deal_size.won_value, "amount"));
    rows.extend(amounts("average_deal_size", &d.deal_size.average, "amount"));
    rows.push(ratio_row("sales_cycle", None, &d.sales_cycle.days, "days"));
    for v in &d.velocity.per_day {
        rows.push((
            "pipeline_velocity",
            Some(v.currency.clone()),
            v.per_day,
            None,
            None,
            "amount per day",
        ));
    }
    Ok(rows)
}

fn summary(
    rows_of: Vec<SummaryRow>,
    period: &str,
    name: &str,
    sink: &mut dyn Sink,
    rows: &mut Rows<'_>,
) -> Result<()> {
    let mut t = Table::begin(sink, rows, name, SUMMARY, None)?;
    for (kpi, currency, value, numerator, denominator, unit) in &rows_of {
        t.row(&[
            (*kpi).into(),
            currency.as_ref().into(),
            (*value).into(),
            (*numerator).into(),
            (*denominator).into(),
            (*unit).into(),
            period.into(),
        ])?;
    }
    t.end()
}

pub(crate) const DAILY_FLOWS: &[Column] = &[
    col("Day", Date),
    col("In quantity", Quantity),
    col("In value", Money),
    col("Out quantity", Quantity),
    col("Out value", Money),
    col("Transfers in", Quantity),
    col("Transfers in value", Money),
    col("Transfers out", Quantity),
    col("Transfers out value", Money),
    col("Movements", Count),
];

pub(crate) const MOVERS: &[Column] = &[
    col("Rank", Count),
    col("Item", Id),
    col("SKU", Code),
    col("Name", Text),
    col("Quantity", Quantity),
    col("Cost", Money),
    col("Movements", Count),
];

pub(crate) const PIPELINE: &[Column] = &[
    col("Pipeline", Id),
    col("Pipeline name", Text),
    col("Stage", Id),
    col("Stage name", Text),
    col("Probability %", Figure),
    col("Count", Count),
    col("Without amount", Count),
    col("Currency", Code),
    col("Amount", Money),
    col("Weighted", Money),
];

/// Writes one ERP table.
pub(crate) fn erp_table(
    d: &ErpDashboard,
    table: ErpTable,
    name: &str,
    sink: &mut dyn Sink,
    rows: &mut Rows<'_>,
) -> Result<()> {
    match table {
        ErpTable::Summary => summary(erp_summary(d)?, &d.period.label, name, sink, rows),
        ErpTable::ValuationByWarehouse => {
            const COLUMNS: &[Column] =
                &[col("Warehouse", Id), col("Code", Code), col("Value", Money)];
            let mut t = Table::begin(
                sink,
                rows,
                name,
                COLUMNS,
                Some(d.valuation.by_warehouse.len() as u64),
            )?;
            for w in &d.valuation.by_warehouse {
                t.row(&[w.warehouse.into(), (&w.code).into(), w.value.into()])?;
            }
            t.end()
        }
        ErpTable::ValuationByItem => {
            const COLUMNS: &[Column] = &[
                col("Item", Id),
                col("SKU", Code),
                col("Name", Text),
                col("On hand", Quantity),
                col("Value", Money),
            ];
            let mut t = Table::begin(
                sink,
                rows,
                name,
                COLUMNS,
                Some(d.valuation.by_item.len() as u64),
            )?;
            for i in &d.valuation.by_item {
                t.row(&[
                    i.item.into(),
                    (&i.sku).into(),
                    (&i.name).into(),
                    i.on_hand.into(),
                    i.value.into(),
                ])?;
            }
            t.end()
        }
        ErpTable::PurchasesBySupplier => {
            const COLUMNS: &[Column] = &[
                col("Supplier", Id),
                col("Name", Text),
                col("Received", Money),
                col("Receipts", Count),
                col("Ordered", Money),
                col("Still ordered", Money),
            ];
            let mut t = Table::begin(
                sink,
                rows,
                name,
                COLUMNS,
                Some(d.purchases.by_supplier.len() as u64),
            )?;
            for s in &d.purchases.by_supplier {
                t.row(&[
                    s.supplier.into(),
                    (&s.name).into(),
                    s.received.into(),
                    s.receipts.into(),
                    s.ordered.into(),
                    s.still_ordered.into(),
                ])?;
            }
            t.end()
        }
        ErpTable::PurchasesByItem => {
            const COLUMNS: &[Column] = &[
                col("Item", Id),
                col("SKU", Code),
                col("Received quantity", Quantity),
                col("Received", Money),
                col("Still ordered quantity", Quantity),
                col("Still ordered", Money),
            ];
            let mut t = Table::begin(
                sink,
                rows,
                name,
                COLUMNS,
                Some(d.purchases.by_item.len() as u64),
            )?;
            for i in &d.purchases.by_item {
                t.row(&[
                    i.item.into(),
                    (&i.sku).into(),
                    i.received_quantity.into(),
                    i.received.into(),
                    i.still_ordered_quantity.into(),
                    i.still_ordered.into(),
                ])?;
            }
            t.end()
        }
        ErpTable::DailyFlows => {
            let mut t = Table::begin(
                sink,
                rows,
                name,
                DAILY_FLOWS,
                Some(d.daily_flows.days.len() as u64),
            )?;
            for f in &d.daily_flows.days {
                t.row(&[
                    f.day.into(),
                    f.in_quantity.into(),
                    f.in_value.into(),
                    f.out_quantity.into(),
                    f.out_value.into(),
                    f.transfer_in_quantity.into(),
                    f.transfer_in_value.into(),
                    f.transfer_out_quantity.into(),
                    f.transfer_out_value.into(),
                    f.movements.into(),
                ])?;
            }
            t.end()
        }
        ErpTable::TopMoversByQuantity => movers(&d.top_movers.by_quantity, name, sink, rows),
        ErpTable::TopMoversByCost => movers(&d.top_movers.by_cost, name, sink, rows),
        ErpTable::LowStock => {
            const COLUMNS: &[Column] = &[
                col("Item", Id),
                col("SKU", Code),
                col("On hand", Quantity),
                col("Reserved", Quantity),
                col("Available", Quantity),
                col("Reorder point", Quantity),
                col("Shortfall", Quantity),
            ];
            let mut t = Table::begin(
                sink,
                rows,
                name,
                COLUMNS,
                Some(d.low_stock.items.len() as u64),
            )?;
            for i in &d.low_stock.items {
                t.row(&[
                    i.item.into(),
                    (&i.sku).into(),
                    i.on_hand.into(),
                    i.reserved.into(),
                    i.available.into(),
                    i.reorder_point.into(),
                    i.shortfall.into(),
                ])?;
            }
            t.end()
        }
    }
}

fn movers(list: &[Mover], name: &str, sink: &mut dyn Sink, rows: &mut Rows<'_>) -> Result<()> {
    let mut t = Table::begin(sink, rows, name, MOVERS, Some(list.len() as u64))?;
    for (rank, m) in list.iter().enumerate() {
        t.row(&[
            (rank as u64 + 1).into(),
            m.item.into(),
            (&m.sku).into(),
            (&m.name).into(),
            m.quantity.into(),
            m.cost.into(),
            m.movements.into(),
        ])?;
    }
    t.end()
}

/// Writes one CRM table.
pub(crate) fn crm_table<'d>(
    d: &'d CrmDashboard,
    table: CrmTable,
    name: &str,
    sink: &mut dyn Sink,
    rows: &mut Rows<'_>,
) -> Result<()> {
    match table {
        CrmTable::Summary => summary(crm_summary(d)?, &d.period.label, name, sink, rows),
        CrmTable::PipelineByStage => {
            let mut t = Table::begin(sink, rows, name, PIPELINE, None)?;
            for p in &d.pipeline.pipelines {
                for s in &p.stages {
                    let base = |currency: Option<&'d str>,
                                amount: Option<Decimal>,
                                weighted: Option<Decimal>|
                     -> Vec<Cell<'d>> {
                        vec![
                            p.pipeline.into(),
                            (&p.name).into(),
                            s.stage.into(),
                            (&s.name).into(),
                            s.probability.into(),
                            s.count.into(),
                            s.without_amount.into(),
                            currency.into(),
                            amount.into(),
                            weighted.into(),
                        ]
                    };
                    if s.amount.is_empty() {
                        t.row(&base(None, None, None))?;
                    }
                    for a in &s.amount {
                        let w = s
                            .weighted
                            .iter()
                            .find(|w| w.currency == a.currency)
                            .map(|w| w.amount);
                        t.row(&base(Some(&a.currency), Some(a.amount), w))?;
                    }
                }
            }
            t.end()
        }
        CrmTable::StageConversion => {
            const COLUMNS: &[Column] = &[
                col("Pipeline", Id),
                col("Pipeline name", Text),
                col("Cohort", Count),
                col("Stage", Id),
                col("Stage name", Text),
                col("Reached", Count),
                col("To next stage", Rate),
            ];
            let mut t = Table::begin(sink, rows, name, COLUMNS, None)?;
            for f in &d.stage_conversion.pipelines {
                for s in &f.stages {
                    t.row(&[
                        f.pipeline.into(),
                        (&f.name).into(),
                        f.cohort.into(),
                        s.stage.into(),
                        (&s.name).into(),
                        s.reached.into(),
                        s.to_next.as_ref().and_then(|r| r.value).into(),
                    ])?;
                }
            }
            t.end()
        }
        CrmTable::TimeInStage => {
            const COLUMNS: &[Column] = &[
                col("Pipeline", Id),
                col("Pipeline name", Text),
                col("Stage", Id),
                col("Stage name", Text),
                col("Opportunities", Count),
                col("Latest visit (days)", Figure),
                col("Cumulative (days)", Figure),
            ];
            let mut t = Table::begin(sink, rows, name, COLUMNS, None)?;
            for p in &d.time_in_stage.pipelines {
                for s in &p.stages {
                    t.row(&[
                        p.pipeline.into(),
                        (&p.name).into(),
                        s.stage.into(),
                        (&s.name).into(),
                        s.opportunities.into(),
                        s.latest_visit_days.into(),
                        s.cumulative_days.into(),
                    ])?;
                }
            }
            t.end()
        }
        CrmTable::OwnerPerformance => {
            const COLUMNS: &[Column] = &[
                col("Owner", Text),
                col("Won", Count),
                col("Lost", Count),
                col("Win rate", Rate),
                col("Open", Count),
                col("Currency", Code),
                col("Won value", Money),
                col("Weighted pipeline", Money),
            ];
            let mut t = Table::begin(sink, rows, name, COLUMNS, None)?;
            for o in &d.owners.owners {
                let mut currencies: Vec<&str> = o
                    .won_value
                    .iter()
                    .chain(&o.weighted_pipeline)
                    .map(|a| a.currency.as_str())
                    .collect();
                currencies.sort_unstable();
                currencies.dedup();
                let find = |list: &[Amount], c: &str| {
                    list.iter().find(|a| a.currency == c).map(|a| a.amount)
                };
                let owner = o.owner.as_deref().unwrap_or("(no owner)");
                if currencies.is_empty() {
                    currencies.push("");
                }
                for c in currencies {
                    t.row(&[
                        owner.into(),
                        o.won.into(),
                        o.lost.into(),
                        o.win_rate.value.into(),
                        o.open.into(),
                        (!c.is_empty()).then_some(c).into(),
                        find(&o.won_value, c).into(),
                        find(&o.weighted_pipeline, c).into(),
                    ])?;
                }
            }
            t.end()
        }
        CrmTable::TopClients => {
            const COLUMNS: &[Column] = &[
                col("Currency", Code),
                col("Rank", Count),
                col("Contact", Id),
                col("Name", Text),
                col("Order revenue", Money),
                col("Orders", Count),
                col("Won opportunities", Money),
                col("Opportunities", Count),
                col("Total", Money),
            ];
            let mut t = Table::begin(sink, rows, name, COLUMNS, None)?;
            for ranking in &d.top_clients.rankings {
                for (rank, c) in ranking.clients.iter().enumerate() {
                    t.row(&[
                        (&ranking.currency).into(),
                        (rank as u64 + 1).into(),
                        c.contact.into(),
                        (&c.name).into(),
                        c.order_revenue.into(),
                        c.orders.into(),
                        c.won_opportunities.into(),
                        c.opportunities.into(),
                        c.total.into(),
                    ])?;
                }
            }
            t.end()
        }
        CrmTable::Activities => {
            const COLUMNS: &[Column] = &[
                col("When", Text),
                col("Interaction", Id),
                col("Kind", Text),
                col("Contact", Id),
                col("Opportunity", Id),
                col("Author", Text),
                col("Summary", Text),
                col("At", Instant),
                col("Due", Date),
                col("Done", Bool),
                col("Done at", Instant),
                col("Created at", Instant),
                col("Contact name", Text),
                col("Opportunity title", Text),
            ];
            let mut t = Table::begin(sink, rows, name, COLUMNS, None)?;
            for (when, list) in [
                ("recent", &d.activities.recent),
                ("planned", &d.activities.planned),
            ] {
                for a in list {
                    let mut cells = vec![Cell::from(when)];
                    cells.extend(interaction_cells(&a.interaction));
                    cells.push((&a.contact_name).into());
                    cells.push(a.opportunity_title.as_ref().into());
                    t.row(&cells)?;
                }
            }
            t.end()
        }
    }
}

/// The definitions sheet's columns: what each KPI counts, and how.
pub(crate) const DEFINITIONS: &[Column] = &[
    Column {
        title: "KPI",
        kind: Text,
        width: 24.0,
    },
    Column {
        title: "Formula",
        kind: Text,
        width: 80.0,
    },
    col("Numerator", Text),
    col("Denominator", Text),
    col("Period", Text),
    col("From", Instant),
    col("Until", Instant),
    col("At", Instant),
    col("Time zone", Text),
    Column {
        title: "Currency rule",
        kind: Text,
        width: 40.0,
    },
    col("Rows counted", Count),
];

pub(crate) fn definition_cells(d: &Definition) -> Vec<Cell<'_>> {
    vec![
        (&d.kpi).into(),
        (&d.formula).into(),
        d.numerator.as_ref().into(),
        d.denominator.as_ref().into(),
        d.period.as_ref().map(|p| p.label.as_str()).into(),
        d.period.as_ref().map(|p| p.start).into(),
        d.period.as_ref().map(|p| p.end).into(),
        d.at.into(),
        (&d.time_zone).into(),
        (&d.currency_rule).into(),
        d.rows_counted.into(),
    ]
}
