//! The KPI aggregations in PostgreSQL, over the same indexes and rollup
//! as SQLite's. `SUM` of `BIGINT` is `NUMERIC` here, so it never
//! overflows: sums are cast back to `BIGINT` where the result is a stored
//! range (an overflow is then an error), or read as text where they may
//! be wide.

use std::collections::HashMap;

use jiff::Timestamp;
use postgres::Row;

use super::{at, instant, micros, run, PgTx, SqlError, SqlResult};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::ItemKind;
use crate::store::{
    ClosingRow, FlowSums, KpiReads, OrderedLine, PipelineRow, RevenueRow, SpanQuery, Step,
    StockChange,
};

const CHANGES: &str = "
    SELECT item_id, warehouse_id, quantity, value_change
    FROM movements
    WHERE effective_at > $1 AND effective_at <= $2 AND ($3::int8 IS NULL OR warehouse_id = $3)";

const VALUE_CHANGED: &str = "
    SELECT COALESCE(SUM(value_change), 0)::text, COUNT(*)
    FROM movements
    WHERE effective_at > $1 AND effective_at <= $2 AND ($3::int8 IS NULL OR warehouse_id = $3)";

const FLOWS: &str = "
    SELECT
        COALESCE(SUM(quantity) FILTER (WHERE transfer_id IS NULL AND quantity >= 0), 0)::int8,
        COALESCE(SUM(value_change) FILTER (WHERE transfer_id IS NULL AND quantity >= 0), 0)::int8,
        COALESCE(SUM(quantity) FILTER (WHERE transfer_id IS NULL AND quantity < 0), 0)::int8,
        COALESCE(SUM(value_change) FILTER (WHERE transfer_id IS NULL AND quantity < 0), 0)::int8,
        COALESCE(SUM(quantity) FILTER (WHERE transfer_id IS NOT NULL AND quantity >= 0), 0)::int8,
        COALESCE(SUM(value_change) FILTER (WHERE transfer_id IS NOT NULL AND quantity >= 0), 0)::int8,
        COALESCE(SUM(quantity) FILTER (WHERE transfer_id IS NOT NULL AND quantity < 0), 0)::int8,
        COALESCE(SUM(value_change) FILTER (WHERE transfer_id IS NOT NULL AND quantity < 0), 0)::int8,
        COUNT(*)
    FROM movements
    WHERE effective_at >= $1 AND effective_at < $2 AND ($3::int8 IS NULL OR warehouse_id = $3)";

const ISSUED: &str = "
    SELECT m.item_id, m.quantity, m.value_change
    FROM movements m JOIN items i ON i.id = m.item_id
    WHERE m.effective_at >= $1 AND m.effective_at < $2 AND ($3::int8 IS NULL OR m.warehouse_id = $3)
      AND m.reason IN ('sale', 'customer_return') AND ($4::text IS NULL OR i.kind = $4)";

const FIRST_AFTER: &str = "
    SELECT id FROM movements WHERE effective_at > $1 ORDER BY effective_at LIMIT 1";

const ITEM_STOCK: &str = "
    SELECT item_id, SUM(on_hand)::int8, SUM(value)::int8 FROM balances
    WHERE $1::int8 IS NULL OR warehouse_id = $1
    GROUP BY item_id ORDER BY item_id";

const RECEIPTS: &str = "
    SELECT m.item_id, p.supplier_id, SUM(m.quantity)::text, SUM(m.value_change)::text, COUNT(*)
    FROM movements m
    JOIN purchase_lines l ON l.id = m.purchase_line_id
    JOIN purchase_orders p ON p.id = l.order_id
    WHERE m.effective_at >= $1 AND m.effective_at < $2 AND ($3::int8 IS NULL OR m.warehouse_id = $3)
      AND m.purchase_line_id IS NOT NULL AND m.reason = 'purchase_receipt'
    GROUP BY m.item_id, p.supplier_id";

const ORDERED_LINES: &str = "
    SELECT p.supplier_id, l.item_id, l.quantity, l.quantity - l.received - l.cancelled, l.unit_cost
    FROM purchase_orders p
    JOIN purchase_lines l ON l.order_id = p.id
    WHERE p.created_at >= $1 AND p.created_at < $2 AND ($3::int8 IS NULL OR l.warehouse_id = $3)";

const STOCKOUTS: &str = "
    SELECT COUNT(*), COUNT(*) FILTER (WHERE available <= 0) FROM (
        SELECT COALESCE(SUM(b.on_hand - b.reserved), 0) AS available
        FROM items i LEFT JOIN balances b ON b.item_id = i.id
        WHERE i.active
        GROUP BY i.id) s";

const STOCKOUTS_IN: &str = "
    SELECT COUNT(*), COUNT(*) FILTER (WHERE available <= 0) FROM (
        SELECT COALESCE(b.on_hand - b.reserved, 0) AS available
        FROM items i LEFT JOIN balances b ON b.item_id = i.id AND b.warehouse_id = $1
        WHERE i.active) s";

const OPEN_PIPELINE: &str = "
    SELECT p.stage_id, p.owner, p.currency, p.probability, p.count, p.amount
    FROM open_pipeline p JOIN stages s ON s.id = p.stage_id
    WHERE ($1::int8 IS NULL OR s.pipeline_id = $1) AND ($2::text IS NULL OR p.owner = $2)";

/// The latest transition of each opportunity at or before `at` (the log
/// only grows forward in time per opportunity: the greatest id).
const PIPELINE_AS_OF: &str = "
    SELECT x.to_stage, COALESCE(o.owner, ''),
           CASE WHEN o.amount IS NULL THEN '' ELSE o.currency END,
           COALESCE(o.probability, -1), COUNT(*), SUM(COALESCE(o.amount, 0))::int8
    FROM (SELECT DISTINCT ON (opportunity_id) opportunity_id, to_stage, status_after
          FROM opportunity_transitions
          WHERE at <= $1 ORDER BY opportunity_id, id DESC) x
    JOIN opportunities o ON o.id = x.opportunity_id
    WHERE x.status_after = 'open' AND ($2::int8 IS NULL OR o.pipeline_id = $2)
      AND ($3::text IS NULL OR o.owner = $3)
    GROUP BY 1, 2, 3, 4";

const CLOSINGS: &str = "
    SELECT t.opportunity_id, t.status_after = 'won', t.at, o.created_at, o.owner, o.currency,
           o.amount, o.contact_id, o.order_id IS NOT NULL
    FROM opportunity_transitions t
    JOIN opportunities o ON o.id = t.opportunity_id
    WHERE t.at >= $1 AND t.at < $2 AND t.status_after IN ('won', 'lost')
      AND NOT EXISTS (
          SELECT 1 FROM opportunity_transitions l
          WHERE l.opportunity_id = t.opportunity_id AND l.id > t.id AND l.at < $2)
      AND ($3::int8 IS NULL OR o.pipeline_id = $3)";

const CREATED_BETWEEN: &str = "
    SELECT id FROM opportunities
    WHERE created_at >= $1 AND created_at < $2 AND ($3::int8 IS NULL OR pipeline_id = $3)
    ORDER BY id";

const STEPS: &str = "
    SELECT opportunity_id, to_stage, at
    FROM opportunity_transitions
    WHERE opportunity_id = ANY($1) AND at < $2
    ORDER BY opportunity_id, id";

const STEPS_BETWEEN: &str = "
    SELECT opportunity_id, to_stage, at
    FROM opportunity_transitions
    WHERE at >= $1 AND at < $2";

const REVENUE: &str = "
    SELECT o.contact_id, o.currency, SUM(e.revenue_change)::int8, COUNT(DISTINCT o.id)
    FROM order_events e
    JOIN orders o ON o.id = e.order_id
    WHERE e.at >= $1 AND e.at < $2 AND e.revenue_change <> 0
    GROUP BY o.contact_id, o.currency";

const OPEN_PIPELINE_RECOUNT: &str = "
    SELECT stage_id, COALESCE(owner, ''), CASE WHEN amount IS NULL THEN '' ELSE currency END,
           COALESCE(probability, -1), COUNT(*), SUM(COALESCE(amount, 0))::int8
    FROM opportunities WHERE status = 'open' GROUP BY 1, 2, 3, 4
    ORDER BY 1, COALESCE(owner, '') COLLATE \"C\",
             CASE WHEN amount IS NULL THEN '' ELSE currency END COLLATE \"C\", 4";

/// A count column (never negative).
fn n(r: &Row, i: usize) -> SqlResult<u64> {
    Ok(at::<i64>(r, i)?.max(0) as u64)
}

/// A wide sum read as text.
fn wide(r: &Row, i: usize) -> SqlResult<i128> {
    let text: &str = at(r, i)?;
    text.parse().map_err(|_| {
        SqlError::from(Error::Storage {
            reason: format!("a sum of stored values ({text}) is wider than 128 bits"),
            source: None,
        })
    })
}

fn pipeline_row(r: &Row) -> SqlResult<PipelineRow> {
    let owner: String = at(r, 1)?;
    let currency: String = at(r, 2)?;
    let probability: i64 = at(r, 3)?;
    Ok(PipelineRow {
        stage: at(r, 0)?,
        owner: (!owner.is_empty()).then_some(owner),
        currency: (!currency.is_empty()).then_some(currency),
        probability: (probability >= 0).then(|| Decimal::from_raw(probability)),
        count: n(r, 4)?,
        amount: Decimal::from_raw(at(r, 5)?),
    })
}

fn step(r: &Row) -> SqlResult<Step> {
    Ok(Step {
        opportunity: at(r, 0)?,
        to_stage: at(r, 1)?,
        at: instant(at(r, 2)?),
    })
}

impl KpiReads for PgTx<'_> {
    fn changes(
        &self,
        after: Option<Timestamp>,
        until: Option<Timestamp>,
        warehouse: Option<i64>,
    ) -> Result<Vec<StockChange>> {
        let lo = after.map_or(i64::MIN, micros);
        let hi = until.map_or(i64::MAX, micros);
        let mut sums: HashMap<(i64, i64), StockChange> = HashMap::new();
        self.pg().each(CHANGES, &[&lo, &hi, &warehouse], &mut |r| {
            run(|| {
                let (item, wh) = (at::<i64>(r, 0)?, at::<i64>(r, 1)?);
                let c = sums.entry((item, wh)).or_insert(StockChange {
                    item,
                    warehouse: wh,
                    quantity: 0,
                    value: 0,
                    count: 0,
                });
                c.quantity += i128::from(at::<i64>(r, 2)?);
                c.value += i128::from(at::<i64>(r, 3)?);
                c.count += 1;
                Ok(())
            })
        })?;
        Ok(sums.into_values().collect())
    }

    fn value_changed(
        &self,
        after: Option<Timestamp>,
        until: Option<Timestamp>,
        warehouse: Option<i64>,
    ) -> Result<(i128, u64)> {
        let lo = after.map_or(i64::MIN, micros);
        let hi = until.map_or(i64::MAX, micros);
        run(|| {
            let r = self.pg().one(VALUE_CHANGED, &[&lo, &hi, &warehouse])?;
            Ok((wide(&r, 0)?, n(&r, 1)?))
        })
    }

    fn flows(&self, span: &SpanQuery) -> Result<FlowSums> {
        run(|| {
            let r = self
                .pg()
                .one(FLOWS, &[&span.start, &span.end, &span.warehouse])?;
            let mut f = FlowSums::default();
            for k in 0..4 {
                f.quantity[k] = at(&r, 2 * k)?;
                f.value[k] = at(&r, 2 * k + 1)?;
            }
            f.count = n(&r, 8)?;
            Ok(f)
        })
    }

    fn issued(&self, span: &SpanQuery, kind: Option<ItemKind>) -> Result<Vec<StockChange>> {
        let mut sums: HashMap<i64, StockChange> = HashMap::new();
        self.pg().each(
            ISSUED,
            &[
                &span.start,
                &span.end,
                &span.warehouse,
                &kind.map(ItemKind::as_str),
            ],
            &mut |r| {
                run(|| {
                    let item: i64 = at(r, 0)?;
                    let c = sums.entry(item).or_insert(StockChange {
                        item,
                        warehouse: 0,
                        quantity: 0,
                        value: 0,
                        count: 0,
                    });
                    // Sales leave with negative quantity and value: issued is the opposite.
                    c.quantity -= i128::from(at::<i64>(r, 1)?);
                    c.value -= i128::from(at::<i64>(r, 2)?);
                    c.count += 1;
                    Ok(())
                })
            },
        )?;
        Ok(sums.into_values().collect())
    }

    fn movements_after(&self, t: Timestamp) -> Result<(u64, u64)> {
        run(|| {
            let pg = self.pg();
            let edges = pg.one("SELECT MIN(id), MAX(id) FROM movements", &[])?;
            let (Some(first), Some(last)) =
                (at::<Option<i64>>(&edges, 0)?, at::<Option<i64>>(&edges, 1)?)
            else {
                return Ok((0, 0));
            };
            let next: Option<i64> = pg
                .opt(FIRST_AFTER, &[&micros(t)])?
                .map(|r| at(&r, 0))
                .transpose()?;
            Ok(match next {
                None => ((last - first + 1) as u64, 0),
                Some(id) => ((id - first).max(0) as u64, (last - id + 1).max(1) as u64),
            })
        })
    }

    fn item_stock(&self, warehouse: Option<i64>) -> Result<Vec<(i64, i64, i64)>> {
        run(|| {
            self.pg()
                .rows(ITEM_STOCK, &[&warehouse])?
                .iter()
                .map(|r| Ok((at(r, 0)?, at(r, 1)?, at(r, 2)?)))
                .collect()
        })
    }

    fn receipts(&self, span: &SpanQuery) -> Result<Vec<StockChange>> {
        run(|| {
            self.pg()
                .rows(RECEIPTS, &[&span.start, &span.end, &span.warehouse])?
                .iter()
                .map(|r| {
                    Ok(StockChange {
                        item: at(r, 0)?,
                        warehouse: at(r, 1)?,
                        quantity: wide(r, 2)?,
                        value: wide(r, 3)?,
                        count: n(r, 4)?,
                    })
                })
                .collect()
        })
    }

    fn ordered_lines(&self, span: &SpanQuery) -> Result<Vec<OrderedLine>> {
        run(|| {
            self.pg()
                .rows(ORDERED_LINES, &[&span.start, &span.end, &span.warehouse])?
                .iter()
                .map(|r| {
                    Ok(OrderedLine {
                        supplier: at(r, 0)?,
                        item: at(r, 1)?,
                        quantity: Decimal::from_raw(at(r, 2)?),
                        remaining: Decimal::from_raw(at(r, 3)?),
                        unit_cost: Decimal::from_raw(at(r, 4)?),
                    })
                })
                .collect()
        })
    }

    fn stockouts(&self, warehouse: Option<i64>) -> Result<(u64, u64)> {
        run(|| {
            let r = match warehouse {
                None => self.pg().one(STOCKOUTS, &[])?,
                Some(w) => self.pg().one(STOCKOUTS_IN, &[&w])?,
            };
            Ok((n(&r, 0)?, n(&r, 1)?))
        })
    }

    fn open_pipeline(
        &self,
        pipeline: Option<i64>,
        owner: Option<&str>,
    ) -> Result<Vec<PipelineRow>> {
        run(|| {
            self.pg()
                .rows(OPEN_PIPELINE, &[&pipeline, &owner])?
                .iter()
                .map(pipeline_row)
                .collect()
        })
    }

    fn pipeline_as_of(
        &self,
        at_: Timestamp,
        pipeline: Option<i64>,
        owner: Option<&str>,
    ) -> Result<Vec<PipelineRow>> {
        run(|| {
            self.pg()
                .rows(PIPELINE_AS_OF, &[&micros(at_), &pipeline, &owner])?
                .iter()
                .map(pipeline_row)
                .collect()
        })
    }

    fn closings(
        &self,
        start: Timestamp,
        end: Timestamp,
        pipeline: Option<i64>,
    ) -> Result<Vec<ClosingRow>> {
        run(|| {
            self.pg()
                .rows(CLOSINGS, &[&micros(start), &micros(end), &pipeline])?
                .iter()
                .map(|r| {
                    Ok(ClosingRow {
                        opportunity: at(r, 0)?,
                        won: at(r, 1)?,
                        at: instant(at(r, 2)?),
                        created_at: instant(at(r, 3)?),
                        owner: at(r, 4)?,
                        currency: at(r, 5)?,
                        amount: at::<Option<i64>>(r, 6)?.map(Decimal::from_raw),
                        contact: at(r, 7)?,
                        has_order: at(r, 8)?,
                    })
                })
                .collect()
        })
    }

    fn created_between(
        &self,
        start: Timestamp,
        end: Timestamp,
        pipeline: Option<i64>,
    ) -> Result<Vec<i64>> {
        run(|| self.ids(CREATED_BETWEEN, &[&micros(start), &micros(end), &pipeline]))
    }

    fn steps(&self, opportunities: &[i64], until: Timestamp) -> Result<Vec<Step>> {
        let ids = opportunities.to_vec();
        run(|| {
            self.pg()
                .rows(STEPS, &[&ids, &micros(until)])?
                .iter()
                .map(step)
                .collect()
        })
    }

    fn steps_between(&self, start: Timestamp, end: Timestamp) -> Result<Vec<Step>> {
        run(|| {
            self.pg()
                .rows(STEPS_BETWEEN, &[&micros(start), &micros(end)])?
                .iter()
                .map(step)
                .collect()
        })
    }

    fn revenue(&self, start: Timestamp, end: Timestamp) -> Result<Vec<RevenueRow>> {
        run(|| {
            self.pg()
                .rows(REVENUE, &[&micros(start), &micros(end)])?
                .iter()
                .map(|r| {
                    Ok(RevenueRow {
                        contact: at(r, 0)?,
                        currency: at(r, 1)?,
                        revenue: at(r, 2)?,
                        orders: n(r, 3)?,
                    })
                })
                .collect()
        })
    }

    fn open_pipeline_recount(&self) -> Result<Vec<PipelineRow>> {
        run(|| {
            self.pg()
                .rows(OPEN_PIPELINE_RECOUNT, &[])?
                .iter()
                .map(pipeline_row)
                .collect()
        })
    }
}
