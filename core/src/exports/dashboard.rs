//! The dashboard workbook: the ERP and CRM dashboards as sheets, native
//! Excel charts over their tables, and a definitions sheet — all from the
//! very results the dashboard calls return (computed once, on the
//! export's snapshot).

use rust_xlsxwriter::{Chart, ChartType};

use super::datasets::{
    self, crm_title, erp_title, Rows, Table, DAILY_FLOWS, DEFINITIONS, MOVERS, PIPELINE,
};
use super::xlsx::XlsxSink;
use super::{CrmTable, ErpTable};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::kpis::crm::CrmQuery;
use crate::kpis::erp::ErpQuery;
use crate::store::Reads;

/// Where a table landed: its sheet's index and name, and its data rows.
pub(crate) struct Placed {
    pub index: usize,
    pub sheet: String,
    pub rows: u32,
}

/// The ERP tables in the order of their sheets.
const ERP_TABLES: [ErpTable; 9] = [
    ErpTable::Summary,
    ErpTable::DailyFlows,
    ErpTable::TopMoversByQuantity,
    ErpTable::TopMoversByCost,
    ErpTable::LowStock,
    ErpTable::ValuationByWarehouse,
    ErpTable::ValuationByItem,
    ErpTable::PurchasesBySupplier,
    ErpTable::PurchasesByItem,
];

/// The CRM tables in the order of their sheets.
const CRM_TABLES: [CrmTable; 7] = [
    CrmTable::Summary,
    CrmTable::PipelineByStage,
    CrmTable::StageConversion,
    CrmTable::TimeInStage,
    CrmTable::OwnerPerformance,
    CrmTable::TopClients,
    CrmTable::Activities,
];

pub(crate) fn write(
    db: &Database,
    r: &dyn Reads,
    sink: &mut XlsxSink,
    rows: &mut Rows<'_>,
    name: Option<&str>,
    erp: &ErpQuery,
    crm: &CrmQuery,
) -> Result<()> {
    if name.is_some() {
        return Err(Error::invalid(
            "name",
            "the dashboards write several sheets under their own names (ERP, Daily flows, CRM, Pipeline…): leave name out",
        ));
    }
    let erp = db.erp_dashboard_on(r, erp)?;
    let crm = db.crm_dashboard_on(r, crm)?;

    let mut erp_sheets = Vec::new();
    for table in ERP_TABLES {
        datasets::erp_table(&erp, table, erp_title(table), sink, rows)?;
        erp_sheets.push(sink.last_sheet());
    }
    let mut crm_sheets = Vec::new();
    for table in CRM_TABLES {
        datasets::crm_table(&crm, table, crm_title(table), sink, rows)?;
        crm_sheets.push(sink.last_sheet());
    }
    let (erp_index, flows, movers) = (erp_sheets[0].index, &erp_sheets[1], &erp_sheets[2]);
    let (crm_index, pipeline) = (crm_sheets[0].index, &crm_sheets[1]);
    let definitions = [
        &erp.valuation.definition,
        &erp.purchases.definition,
        &erp.daily_flows.definition,
        &erp.top_movers.definition,
        &erp.low_stock.definition,
        &erp.turnover.definition,
        &erp.stockout_rate.definition,
        &crm.pipeline.definition,
        &crm.win_rate.definition,
        &crm.deal_size.definition,
        &crm.sales_cycle.definition,
        &crm.velocity.definition,
        &crm.stage_conversion.definition,
        &crm.time_in_stage.definition,
        &crm.owners.definition,
        &crm.top_clients.definition,
        &crm.activities.definition,
    ];
    let mut t = Table::begin(
        sink,
        rows,
        "Definitions",
        DEFINITIONS,
        Some(definitions.len() as u64),
    )?;
    for d in definitions {
        t.row(&datasets::definition_cells(d))?;
    }
    t.end()?;

    // Charts beside each summary, over the tables' own cells.
    let right_of_summary = datasets::SUMMARY.len() as u16 + 1;
    let mut flow_chart = Chart::new(ChartType::Line);
    flow_chart
        .title()
        .set_name(&format!("Daily flows — {}", erp.period.label));
    for (title, column) in [("In value", 2), ("Out value", 4)] {
        debug_assert_eq!(DAILY_FLOWS[column].title, title);
        flow_chart
            .add_series()
            .set_name(title)
            .set_categories((flows.sheet.as_str(), 1, 0, flows.rows.max(1), 0))
            .set_values((
                flows.sheet.as_str(),
                1,
                column as u16,
                flows.rows.max(1),
                column as u16,
            ));
    }
    flow_chart.x_axis().set_name("Business day");
    flow_chart.y_axis().set_name("Value (cost)");
    sink.insert_chart(erp_index, 1, right_of_summary, &flow_chart)?;

    let mut movers_chart = Chart::new(ChartType::Bar);
    movers_chart
        .title()
        .set_name("Top materials by quantity issued");
    debug_assert_eq!(MOVERS[2].title, "SKU");
    movers_chart
        .add_series()
        .set_name("Quantity")
        .set_categories((movers.sheet.as_str(), 1, 2, movers.rows.max(1), 2))
        .set_values((movers.sheet.as_str(), 1, 4, movers.rows.max(1), 4));
    sink.insert_chart(erp_index, 17, right_of_summary, &movers_chart)?;

    let mut pipeline_chart = Chart::new(ChartType::Bar);
    pipeline_chart.title().set_name("Open pipeline by stage");
    for (title, column) in [("Amount", 8), ("Weighted", 9)] {
        debug_assert_eq!(PIPELINE[column].title, title);
        pipeline_chart
            .add_series()
            .set_name(title)
            .set_categories((pipeline.sheet.as_str(), 1, 3, pipeline.rows.max(1), 3))
            .set_values((
                pipeline.sheet.as_str(),
                1,
                column as u16,
                pipeline.rows.max(1),
                column as u16,
            ));
    }
    sink.insert_chart(crm_index, 1, right_of_summary, &pipeline_chart)?;
    Ok(())
}
