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

/// Where a table landed: its sheet's name and its data rows.
struct Placed {
    sheet: String,
    rows: u32,
}

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

    let place = |sink: &mut XlsxSink,
                 rows: &mut Rows<'_>,
                 write: &mut dyn FnMut(&mut XlsxSink, &mut Rows<'_>) -> Result<()>|
     -> Result<Placed> {
        write(sink, rows)?;
        let (sheet, written) = sink.last_sheet();
        Ok(Placed {
            sheet,
            rows: written,
        })
    };
    let erp_sheet = place(sink, rows, &mut |s, rows| {
        datasets::erp_table(
            &erp,
            ErpTable::Summary,
            erp_title(ErpTable::Summary),
            s,
            rows,
        )
    })?;
    let erp_index = sink.sheet_count() - 1;
    let flows = place(sink, rows, &mut |s, rows| {
        datasets::erp_table(
            &erp,
            ErpTable::DailyFlows,
            erp_title(ErpTable::DailyFlows),
            s,
            rows,
        )
    })?;
    let movers = place(sink, rows, &mut |s, rows| {
        datasets::erp_table(
            &erp,
            ErpTable::TopMoversByQuantity,
            erp_title(ErpTable::TopMoversByQuantity),
            s,
            rows,
        )
    })?;
    for table in [
        ErpTable::TopMoversByCost,
        ErpTable::LowStock,
        ErpTable::ValuationByWarehouse,
        ErpTable::ValuationByItem,
        ErpTable::PurchasesBySupplier,
        ErpTable::PurchasesByItem,
    ] {
        datasets::erp_table(&erp, table, erp_title(table), sink, rows)?;
    }
    let crm_sheet = place(sink, rows, &mut |s, rows| {
        datasets::crm_table(
            &crm,
            CrmTable::Summary,
            crm_title(CrmTable::Summary),
            s,
            rows,
        )
    })?;
    let crm_index = sink.sheet_count() - 1;
    let pipeline = place(sink, rows, &mut |s, rows| {
        datasets::crm_table(
            &crm,
            CrmTable::PipelineByStage,
            crm_title(CrmTable::PipelineByStage),
            s,
            rows,
        )
    })?;
    for table in [
        CrmTable::StageConversion,
        CrmTable::TimeInStage,
        CrmTable::OwnerPerformance,
        CrmTable::TopClients,
        CrmTable::Activities,
    ] {
        datasets::crm_table(&crm, table, crm_title(table), sink, rows)?;
    }
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
    let _ = (erp_sheet, crm_sheet);
    Ok(())
}
