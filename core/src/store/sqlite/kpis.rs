//! The KPI aggregations in SQLite. Each statement is served by an index or
//! by the `open_pipeline` rollup; `tests::no_kpi_query_scans_the_ledger`
//! reads their query plans.
//!
//! Sums stay in SQL only where they are sums of stored values (SQLite's
//! `SUM` refuses to overflow); products of two decimals are taken in Rust,
//! since SQLite silently turns an overflowing product into a float.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row};

use super::{instant, micros, run, Conn};
use crate::decimal::Decimal;
use crate::error::Result;
use crate::items::ItemKind;
use crate::store::{
    ClosingRow, FlowSums, KpiReads, OrderedLine, PipelineRow, RevenueRow, SpanQuery, Step,
    StockChange,
};

/// Movements effective in `(?1, ?2]`, streamed from the covering time
/// index and summed per item × warehouse in Rust (cheaper than SQLite's
/// sorter for a GROUP BY over a range in time order).
pub(crate) const CHANGES: &str = "
    SELECT item_id, warehouse_id, quantity, value_change
    FROM movements INDEXED BY movements_by_time
    WHERE effective_at > ?1 AND effective_at <= ?2 AND (?3 IS NULL OR warehouse_id = ?3)";

/// The value movements effective in `(?1, ?2]` changed, in one aggregate.
pub(crate) const VALUE_CHANGED: &str = "
    SELECT SUM(value_change), COUNT(*)
    FROM movements INDEXED BY movements_by_time
    WHERE effective_at > ?1 AND effective_at <= ?2 AND (?3 IS NULL OR warehouse_id = ?3)";

/// One business day's flows in one pass over the covering index, with no
/// sort: in, out, transfers in, transfers out (quantity and value), count.
pub(crate) const FLOWS: &str = "
    SELECT
        COALESCE(SUM(CASE WHEN transfer_id IS NULL AND quantity >= 0 THEN quantity END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NULL AND quantity >= 0 THEN value_change END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NULL AND quantity < 0 THEN quantity END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NULL AND quantity < 0 THEN value_change END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NOT NULL AND quantity >= 0 THEN quantity END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NOT NULL AND quantity >= 0 THEN value_change END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NOT NULL AND quantity < 0 THEN quantity END), 0),
        COALESCE(SUM(CASE WHEN transfer_id IS NOT NULL AND quantity < 0 THEN value_change END), 0),
        COUNT(*)
    FROM movements INDEXED BY movements_by_time
    WHERE effective_at >= ?1 AND effective_at < ?2 AND (?3 IS NULL OR warehouse_id = ?3)";

/// Sales and customer returns, streamed and summed per item in Rust.
pub(crate) const ISSUED: &str = "
    SELECT item_id, quantity, value_change
    FROM movements INDEXED BY movements_by_time
    WHERE effective_at >= ?1 AND effective_at < ?2 AND (?3 IS NULL OR warehouse_id = ?3)
      AND reason IN ('sale', 'customer_return')";

/// The same for the items of one kind.
pub(crate) const ISSUED_OF_KIND: &str = "
    SELECT m.item_id, m.quantity, m.value_change
    FROM movements m INDEXED BY movements_by_time JOIN items i ON i.id = m.item_id
    WHERE m.effective_at >= ?1 AND m.effective_at < ?2 AND (?3 IS NULL OR m.warehouse_id = ?3)
      AND m.reason IN ('sale', 'customer_return') AND i.kind = ?4";

/// Whether movements are effective after an instant: the id of the first
/// one, to estimate how many there are.
pub(crate) const FIRST_AFTER: &str = "
    SELECT id FROM movements INDEXED BY movements_by_time
    WHERE effective_at > ?1 ORDER BY effective_at LIMIT 1";

/// Stock per item across warehouses (or in one), in item order.
pub(crate) const ITEM_STOCK: &str = "
    SELECT item_id, SUM(on_hand), SUM(value) FROM balances
    WHERE ?1 IS NULL OR warehouse_id = ?1
    GROUP BY item_id";

pub(crate) const RECEIPTS: &str = "
    SELECT m.item_id, p.supplier_id, SUM(m.quantity), SUM(m.value_change), COUNT(*)
    FROM movements m INDEXED BY movements_by_time
    JOIN purchase_lines l ON l.id = m.purchase_line_id
    JOIN purchase_orders p ON p.id = l.order_id
    WHERE m.effective_at >= ?1 AND m.effective_at < ?2 AND (?3 IS NULL OR m.warehouse_id = ?3)
      AND m.purchase_line_id IS NOT NULL AND m.reason = 'purchase_receipt'
    GROUP BY m.item_id, p.supplier_id";

pub(crate) const ORDERED_LINES: &str = "
    SELECT p.supplier_id, l.item_id, l.quantity, l.quantity - l.received - l.cancelled, l.unit_cost
    FROM purchase_orders p INDEXED BY purchase_orders_by_created
    JOIN purchase_lines l ON l.order_id = p.id
    WHERE p.created_at >= ?1 AND p.created_at < ?2 AND (?3 IS NULL OR l.warehouse_id = ?3)";

pub(crate) const STOCKOUTS: &str = "
    SELECT COUNT(*), COALESCE(SUM(available <= 0), 0) FROM (
        SELECT COALESCE(SUM(b.on_hand - b.reserved), 0) AS available
        FROM items i LEFT JOIN balances b ON b.item_id = i.id
        WHERE i.active = 1
        GROUP BY i.id)";

/// The same in one warehouse.
pub(crate) const STOCKOUTS_IN: &str = "
    SELECT COUNT(*), COALESCE(SUM(available <= 0), 0) FROM (
        SELECT COALESCE(b.on_hand - b.reserved, 0) AS available
        FROM items i LEFT JOIN balances b ON b.item_id = i.id AND b.warehouse_id = ?1
        WHERE i.active = 1)";

pub(crate) const OPEN_PIPELINE: &str = "
    SELECT p.stage_id, p.owner, p.currency, p.probability, p.count, p.amount
    FROM open_pipeline p JOIN stages s ON s.id = p.stage_id
    WHERE (?1 IS NULL OR s.pipeline_id = ?1) AND (?2 IS NULL OR p.owner = ?2)";

/// The latest transition of each opportunity at or before `at`: the log
/// only grows forward in time per opportunity, so the greatest id is the
/// latest (SQLite takes the bare columns from the row holding the MAX).
pub(crate) const PIPELINE_AS_OF: &str = "
    SELECT x.to_stage, COALESCE(o.owner, ''),
           CASE WHEN o.amount IS NULL THEN '' ELSE o.currency END,
           COALESCE(o.probability, -1), COUNT(*), SUM(COALESCE(o.amount, 0))
    FROM (SELECT opportunity_id, to_stage, status_after, MAX(id)
          FROM opportunity_transitions INDEXED BY opportunity_transitions_by_time
          WHERE at <= ?1 GROUP BY opportunity_id) x
    JOIN opportunities o ON o.id = x.opportunity_id
    WHERE x.status_after = 'open' AND (?2 IS NULL OR o.pipeline_id = ?2)
      AND (?3 IS NULL OR o.owner = ?3)
    GROUP BY 1, 2, 3, 4";

/// Closing transitions of the period not followed by another transition of
/// the same opportunity within it: no GROUP BY, one index seek per closing.
pub(crate) const CLOSINGS: &str = "
    SELECT t.opportunity_id, t.status_after = 'won', t.at, o.created_at, o.owner, o.currency,
           o.amount, o.contact_id, o.order_id IS NOT NULL
    FROM opportunity_transitions t INDEXED BY opportunity_transitions_by_time
    JOIN opportunities o ON o.id = t.opportunity_id
    WHERE t.at >= ?1 AND t.at < ?2 AND t.status_after IN ('won', 'lost')
      AND NOT EXISTS (
          SELECT 1 FROM opportunity_transitions l INDEXED BY opportunity_transitions_by_opportunity
          WHERE l.opportunity_id = t.opportunity_id AND l.id > t.id AND l.at < ?2)
      AND (?3 IS NULL OR o.pipeline_id = ?3)";

pub(crate) const CREATED_BETWEEN: &str = "
    SELECT id FROM opportunities INDEXED BY opportunities_by_created
    WHERE created_at >= ?1 AND created_at < ?2 AND (?3 IS NULL OR pipeline_id = ?3)
    ORDER BY id";

pub(crate) const STEPS: &str = "
    SELECT t.opportunity_id, t.to_stage, t.at
    FROM json_each(?1) j
    JOIN opportunity_transitions t INDEXED BY opportunity_transitions_by_opportunity
      ON t.opportunity_id = j.value
    WHERE t.at < ?2
    ORDER BY t.opportunity_id, t.id";

/// Every transition of a span of time, from the covering time index.
pub(crate) const STEPS_BETWEEN: &str = "
    SELECT opportunity_id, to_stage, at
    FROM opportunity_transitions INDEXED BY opportunity_transitions_by_time
    WHERE at >= ?1 AND at < ?2";

pub(crate) const REVENUE: &str = "
    SELECT o.contact_id, o.currency, SUM(e.revenue_change), COUNT(DISTINCT o.id)
    FROM order_events e INDEXED BY order_events_by_time
    JOIN orders o ON o.id = e.order_id
    WHERE e.at >= ?1 AND e.at < ?2 AND e.revenue_change != 0
    GROUP BY o.contact_id, o.currency";

const OPEN_PIPELINE_RECOUNT: &str = "
    SELECT stage_id, COALESCE(owner, ''), CASE WHEN amount IS NULL THEN '' ELSE currency END,
           COALESCE(probability, -1), COUNT(*), SUM(COALESCE(amount, 0))
    FROM opportunities WHERE status = 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";

/// An integer column of a streamed row, without the generic conversion
/// (these loops read every movement of a range).
fn int(r: &Row, i: usize) -> rusqlite::Result<i64> {
    r.get_ref(i)?.as_i64().map_err(rusqlite::Error::from)
}

/// A count column (never negative).
fn n(r: &Row, i: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, i64>(i)?.max(0) as u64)
}

fn change(r: &Row) -> rusqlite::Result<StockChange> {
    Ok(StockChange {
        item: r.get(0)?,
        warehouse: r.get(1)?,
        quantity: i128::from(r.get::<_, i64>(2)?),
        value: i128::from(r.get::<_, i64>(3)?),
        count: n(r, 4)?,
    })
}

fn pipeline_row(r: &Row) -> rusqlite::Result<PipelineRow> {
    let owner: String = r.get(1)?;
    let currency: String = r.get(2)?;
    let probability: i64 = r.get(3)?;
    Ok(PipelineRow {
        stage: r.get(0)?,
        owner: (!owner.is_empty()).then_some(owner),
        currency: (!currency.is_empty()).then_some(currency),
        probability: (probability >= 0).then(|| Decimal::from_raw(probability)),
        count: n(r, 4)?,
        amount: Decimal::from_raw(r.get(5)?),
    })
}

impl<T: Conn + ?Sized> KpiReads for T {
    fn changes(
        &self,
        after: Option<Timestamp>,
        until: Option<Timestamp>,
        warehouse: Option<i64>,
    ) -> Result<Vec<StockChange>> {
        let lo = after.map_or(i64::MIN, micros);
        let hi = until.map_or(i64::MAX, micros);
        run(|| {
            let mut stmt = self.conn().prepare_cached(CHANGES)?;
            let mut rows = stmt.query(params![lo, hi, warehouse])?;
            let mut sums: HashMap<(i64, i64), StockChange> = HashMap::new();
            while let Some(r) = rows.next()? {
                let (item, wh) = (int(r, 0)?, int(r, 1)?);
                let c = sums.entry((item, wh)).or_insert(StockChange {
                    item,
                    warehouse: wh,
                    quantity: 0,
                    value: 0,
                    count: 0,
                });
                c.quantity += i128::from(int(r, 2)?);
                c.value += i128::from(int(r, 3)?);
                c.count += 1;
            }
            Ok(sums.into_values().collect())
        })
    }

    fn value_changed(
        &self,
        after: Option<Timestamp>,
        until: Option<Timestamp>,
        warehouse: Option<i64>,
    ) -> Result<(i128, u64)> {
        let lo = after.map_or(i64::MIN, micros);
        let hi = until.map_or(i64::MAX, micros);
        let summed = run(|| {
            let mut stmt = self.conn().prepare_cached(VALUE_CHANGED)?;
            let row = stmt.query_row(params![lo, hi, warehouse], |r| {
                Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(0), n(r, 1)?))
            });
            match row {
                Ok((v, count)) => Ok(Some((i128::from(v), count))),
                // SQLite's SUM refuses to leave i64: summed wide below.
                Err(rusqlite::Error::SqliteFailure(_, Some(m)))
                    if m.contains("integer overflow") =>
                {
                    Ok(None)
                }
                Err(e) => Err(e.into()),
            }
        })?;
        match summed {
            Some(v) => Ok(v),
            None => {
                let changes = self.changes(after, until, warehouse)?;
                Ok((
                    changes.iter().map(|c| c.value).sum(),
                    changes.iter().map(|c| c.count).sum(),
                ))
            }
        }
    }

    fn flows(&self, span: &SpanQuery) -> Result<FlowSums> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(FLOWS)?;
            Ok(
                stmt.query_row(params![span.start, span.end, span.warehouse], |r| {
                    let mut f = FlowSums::default();
                    for k in 0..4 {
                        f.quantity[k] = r.get(2 * k)?;
                        f.value[k] = r.get(2 * k + 1)?;
                    }
                    f.count = n(r, 8)?;
                    Ok(f)
                })?,
            )
        })
    }

    fn issued(&self, span: &SpanQuery, kind: Option<ItemKind>) -> Result<Vec<StockChange>> {
        run(|| {
            let mut stmt;
            let mut rows = match kind {
                None => {
                    stmt = self.conn().prepare_cached(ISSUED)?;
                    stmt.query(params![span.start, span.end, span.warehouse])?
                }
                Some(k) => {
                    stmt = self.conn().prepare_cached(ISSUED_OF_KIND)?;
                    stmt.query(params![span.start, span.end, span.warehouse, k.as_str()])?
                }
            };
            let mut sums: HashMap<i64, StockChange> = HashMap::new();
            while let Some(r) = rows.next()? {
                let item = int(r, 0)?;
                let c = sums.entry(item).or_insert(StockChange {
                    item,
                    warehouse: 0,
                    quantity: 0,
                    value: 0,
                    count: 0,
                });
                // Sales leave with negative quantity and value: issued is the opposite.
                c.quantity -= i128::from(int(r, 1)?);
                c.value -= i128::from(int(r, 2)?);
                c.count += 1;
            }
            Ok(sums.into_values().collect())
        })
    }

    fn movements_after(&self, t: Timestamp) -> Result<(u64, u64)> {
        run(|| {
            let conn = self.conn();
            // Two statements: SQLite reads MIN or MAX of the rowid from the
            // tree's edge only when the query asks for one of them.
            let edge = |sql| -> rusqlite::Result<Option<i64>> {
                conn.prepare_cached(sql)?.query_row([], |r| r.get(0))
            };
            let first = edge("SELECT MIN(id) FROM movements")?;
            let last = edge("SELECT MAX(id) FROM movements")?;
            let (Some(first), Some(last)) = (first, last) else {
                return Ok((0, 0));
            };
            let next: Option<i64> = conn
                .prepare_cached(FIRST_AFTER)?
                .query_row([micros(t)], |r| r.get(0))
                .optional()?;
            Ok(match next {
                None => ((last - first + 1) as u64, 0),
                Some(id) => ((id - first).max(0) as u64, (last - id + 1).max(1) as u64),
            })
        })
    }

    fn item_stock(&self, warehouse: Option<i64>) -> Result<Vec<(i64, i64, i64)>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(ITEM_STOCK)?;
            let rows = stmt
                .query_map([warehouse], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn receipts(&self, span: &SpanQuery) -> Result<Vec<StockChange>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(RECEIPTS)?;
            let rows = stmt
                .query_map(params![span.start, span.end, span.warehouse], change)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn ordered_lines(&self, span: &SpanQuery) -> Result<Vec<OrderedLine>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(ORDERED_LINES)?;
            let rows = stmt
                .query_map(params![span.start, span.end, span.warehouse], |r| {
                    Ok(OrderedLine {
                        supplier: r.get(0)?,
                        item: r.get(1)?,
                        quantity: Decimal::from_raw(r.get(2)?),
                        remaining: Decimal::from_raw(r.get(3)?),
                        unit_cost: Decimal::from_raw(r.get(4)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn stockouts(&self, warehouse: Option<i64>) -> Result<(u64, u64)> {
        run(|| {
            let counts = |r: &Row| Ok((n(r, 0)?, n(r, 1)?));
            Ok(match warehouse {
                None => self
                    .conn()
                    .prepare_cached(STOCKOUTS)?
                    .query_row([], counts)?,
                Some(w) => self
                    .conn()
                    .prepare_cached(STOCKOUTS_IN)?
                    .query_row([w], counts)?,
            })
        })
    }

    fn open_pipeline(
        &self,
        pipeline: Option<i64>,
        owner: Option<&str>,
    ) -> Result<Vec<PipelineRow>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(OPEN_PIPELINE)?;
            let rows = stmt
                .query_map(params![pipeline, owner], pipeline_row)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn pipeline_as_of(
        &self,
        at: Timestamp,
        pipeline: Option<i64>,
        owner: Option<&str>,
    ) -> Result<Vec<PipelineRow>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(PIPELINE_AS_OF)?;
            let rows = stmt
                .query_map(params![micros(at), pipeline, owner], pipeline_row)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn closings(
        &self,
        start: Timestamp,
        end: Timestamp,
        pipeline: Option<i64>,
    ) -> Result<Vec<ClosingRow>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(CLOSINGS)?;
            let rows = stmt
                .query_map(params![micros(start), micros(end), pipeline], |r| {
                    Ok(ClosingRow {
                        opportunity: r.get(0)?,
                        won: r.get(1)?,
                        at: instant(r.get(2)?),
                        created_at: instant(r.get(3)?),
                        owner: r.get(4)?,
                        currency: r.get(5)?,
                        amount: r.get::<_, Option<i64>>(6)?.map(Decimal::from_raw),
                        contact: r.get(7)?,
                        has_order: r.get(8)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn created_between(
        &self,
        start: Timestamp,
        end: Timestamp,
        pipeline: Option<i64>,
    ) -> Result<Vec<i64>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(CREATED_BETWEEN)?;
            let rows = stmt
                .query_map(params![micros(start), micros(end), pipeline], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn steps(&self, opportunities: &[i64], until: Timestamp) -> Result<Vec<Step>> {
        let ids = serde_json::to_string(opportunities).map_err(crate::error::Error::storage)?;
        run(|| {
            let mut stmt = self.conn().prepare_cached(STEPS)?;
            let rows = stmt
                .query_map(params![ids, micros(until)], |r| {
                    Ok(Step {
                        opportunity: r.get(0)?,
                        to_stage: r.get(1)?,
                        at: instant(r.get(2)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn steps_between(&self, start: Timestamp, end: Timestamp) -> Result<Vec<Step>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(STEPS_BETWEEN)?;
            let rows = stmt
                .query_map(params![micros(start), micros(end)], |r| {
                    Ok(Step {
                        opportunity: int(r, 0)?,
                        to_stage: int(r, 1)?,
                        at: instant(int(r, 2)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn revenue(&self, start: Timestamp, end: Timestamp) -> Result<Vec<RevenueRow>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(REVENUE)?;
            let rows = stmt
                .query_map(params![micros(start), micros(end)], |r| {
                    Ok(RevenueRow {
                        contact: r.get(0)?,
                        currency: r.get(1)?,
                        revenue: r.get(2)?,
                        orders: n(r, 3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    fn open_pipeline_recount(&self) -> Result<Vec<PipelineRow>> {
        run(|| {
            let mut stmt = self.conn().prepare(OPEN_PIPELINE_RECOUNT)?;
            let rows = stmt
                .query_map([], pipeline_row)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{NewContact, NewOpportunity, NewPipeline, NewStage, StageKind};

    /// A rollup changed behind Racine's back is found by `verify`.
    #[test]
    fn verify_recounts_the_open_pipeline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rollup.db");
        let db = crate::Database::open(&path).unwrap();
        let pipeline = db
            .create_pipeline(
                &NewPipeline {
                    name: "Sales".into(),
                    stages: vec![
                        NewStage::open("Lead", Decimal::from(10)),
                        NewStage::closed("Won", StageKind::Won),
                    ],
                },
                None,
            )
            .unwrap();
        let acme = db
            .create_contact(&NewContact::company("ACME"), None)
            .unwrap();
        db.create_opportunity(&NewOpportunity::new("Deal", acme.id, pipeline.id), None)
            .unwrap();
        assert!(db.verify().unwrap().is_clean());
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute("UPDATE open_pipeline SET count = 2", [])
            .unwrap();
        let report = db.verify().unwrap();
        assert!(!report.is_clean());
        assert!(report
            .opportunity_drifts
            .iter()
            .any(|d| d.opportunity == 0 && d.field == "open_pipeline"));
    }

    /// Every KPI statement is served by an index or the rollup: the only
    /// whole tables its plan reads are the items (the stockout rate counts
    /// them all), the rollup itself, and its own subqueries.
    #[test]
    fn no_kpi_query_scans_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plans.db");
        drop(crate::Database::open(&path).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        // (name, statement, parameters, the scans allowed)
        let statements: [(&str, &str, usize, &[&str]); 18] = [
            ("changes", CHANGES, 3, &[]),
            ("flows", FLOWS, 3, &[]),
            ("value_changed", VALUE_CHANGED, 3, &[]),
            ("issued", ISSUED, 3, &[]),
            ("issued_of_kind", ISSUED_OF_KIND, 4, &[]),
            ("first_after", FIRST_AFTER, 1, &[]),
            // The balances are the state, one row per item × warehouse.
            ("item_stock", ITEM_STOCK, 1, &["SCAN balances"]),
            ("stockouts_in", STOCKOUTS_IN, 1, &["SCAN i"]),
            ("receipts", RECEIPTS, 3, &[]),
            ("ordered_lines", ORDERED_LINES, 3, &[]),
            ("stockouts", STOCKOUTS, 0, &["SCAN i", "SCAN (subquery-1)"]),
            ("open_pipeline", OPEN_PIPELINE, 2, &["SCAN p"]),
            ("pipeline_as_of", PIPELINE_AS_OF, 3, &["SCAN x"]),
            ("closings", CLOSINGS, 3, &[]),
            ("created_between", CREATED_BETWEEN, 3, &[]),
            ("steps", STEPS, 2, &["SCAN j VIRTUAL TABLE INDEX 1:"]),
            ("steps_between", STEPS_BETWEEN, 2, &[]),
            ("revenue", REVENUE, 2, &[]),
        ];
        for (name, sql, n, allowed) in statements {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(vec![1i64; n]), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for line in &plan {
                if line.starts_with("SCAN ") {
                    assert!(allowed.contains(&line.as_str()), "{name} scans: {plan:#?}");
                }
            }
            assert!(
                !allowed.is_empty() || plan.iter().any(|l| l.starts_with("SEARCH")),
                "{name} searches nothing: {plan:#?}"
            );
        }
    }
}
