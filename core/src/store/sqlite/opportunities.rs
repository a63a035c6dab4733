//! Pipelines, stages, lost reasons, opportunities and their transition log
//! in SQLite.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row};

use super::crm::stored_date;
use super::{instant, is_unique_violation, micros, run, stored, Conn, SqlError, SqliteTx};
use crate::crm::{
    LostReason, OpportunityFilter, OpportunityLine, OpportunityStatus, Stage, StageKind,
    Transition, TransitionKind,
};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::store::{
    OpportunityReads, OpportunityRow, OpportunityWrites, PipelineReads, PipelineWrites,
};

const STAGE_COLUMNS: &str = "id, pipeline_id, name, position, probability, kind";

fn stage_from_row(r: &Row) -> rusqlite::Result<Stage> {
    Ok(Stage {
        id: r.get(0)?,
        pipeline: r.get(1)?,
        name: r.get(2)?,
        position: r.get(3)?,
        probability: Decimal::from_raw(r.get(4)?),
        kind: stored(StageKind::from_stored(&r.get::<_, String>(5)?), 5)?,
    })
}

impl<T: Conn + ?Sized> PipelineReads for T {
    fn pipeline_row(&self, id: i64) -> Result<Option<(String, Timestamp)>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT name, created_at FROM pipelines WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, instant(r.get(1)?))))
                .optional()?)
        })
    }

    fn pipeline_ids(&self) -> Result<Vec<i64>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT id FROM pipelines ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn stages(&self, pipeline: i64) -> Result<Vec<Stage>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!(
                    "SELECT {STAGE_COLUMNS} FROM stages WHERE pipeline_id = ?1 ORDER BY position, id"
                ))?
                .query_map([pipeline], stage_from_row)?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn stage(&self, id: i64) -> Result<Option<Stage>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!("SELECT {STAGE_COLUMNS} FROM stages WHERE id = ?1"))?
                .query_row([id], stage_from_row)
                .optional()?)
        })
    }

    fn lost_reasons(&self) -> Result<Vec<LostReason>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT code, label, active FROM lost_reasons ORDER BY code")?
                .query_map([], |r| {
                    Ok(LostReason {
                        code: r.get(0)?,
                        label: r.get(1)?,
                        active: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}

impl PipelineWrites for SqliteTx<'_> {
    fn insert_pipeline(&self, name: &str, at: Timestamp) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached("INSERT INTO pipelines(name, created_at) VALUES (?1, ?2)")?
                .execute(params![name, micros(at)])
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        SqlError::from(Error::AlreadyExists {
                            entity: "pipeline",
                            key: name.into(),
                        })
                    } else {
                        SqlError::from(e)
                    }
                })?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn insert_stage(&self, s: &Stage) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO stages(pipeline_id, name, position, probability, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![s.pipeline, s.name, s.position, s.probability.raw(), s.kind.as_str()])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn save_stage(&self, s: &Stage) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE stages SET name = ?2, position = ?3, probability = ?4 WHERE id = ?1",
                )?
                .execute(params![s.id, s.name, s.position, s.probability.raw()])?;
            Ok(())
        })
    }

    fn put_lost_reason(&self, r: &LostReason) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO lost_reasons(code, label, active) VALUES (?1, ?2, ?3)
                     ON CONFLICT(code) DO UPDATE SET label = excluded.label, active = excluded.active",
                )?
                .execute(params![r.code, r.label, r.active])?;
            Ok(())
        })
    }
}

impl<T: Conn + ?Sized> OpportunityReads for T {
    fn opportunity_row(&self, id: i64) -> Result<Option<OpportunityRow>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT p.id, p.title, p.contact_id, p.amount, p.currency, p.pipeline_id, p.stage_id,
                            p.probability, p.expected_close, p.owner, p.status, p.lost_reason, p.order_id,
                            o.external_id, p.created_at, p.updated_at, p.closed_at
                     FROM opportunities p LEFT JOIN orders o ON o.id = p.order_id WHERE p.id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(OpportunityRow {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        contact: r.get(2)?,
                        amount: r.get::<_, Option<i64>>(3)?.map(Decimal::from_raw),
                        currency: r.get(4)?,
                        pipeline: r.get(5)?,
                        stage: r.get(6)?,
                        probability: r.get::<_, Option<i64>>(7)?.map(Decimal::from_raw),
                        expected_close: stored_date(r.get(8)?, 8)?,
                        owner: r.get(9)?,
                        status: stored(OpportunityStatus::from_stored(&r.get::<_, String>(10)?), 10)?,
                        lost_reason: r.get(11)?,
                        order_id: r.get(12)?,
                        order: r.get(13)?,
                        created_at: instant(r.get(14)?),
                        updated_at: instant(r.get(15)?),
                        closed_at: r.get::<_, Option<i64>>(16)?.map(instant),
                    })
                })
                .optional()?)
        })
    }

    fn opportunity_lines(&self, id: i64) -> Result<Vec<OpportunityLine>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT sku, quantity, unit_price FROM opportunity_lines WHERE opportunity_id = ?1 ORDER BY line_no",
                )?
                .query_map([id], |r| {
                    Ok(OpportunityLine {
                        sku: r.get(0)?,
                        quantity: Decimal::from_raw(r.get(1)?),
                        unit_price: Decimal::from_raw(r.get(2)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn transitions(&self, id: i64) -> Result<Vec<Transition>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, kind, from_stage, from_stage_name, to_stage, to_stage_name, status_after,
                            lost_reason, actor, note, at
                     FROM opportunity_transitions WHERE opportunity_id = ?1 ORDER BY id",
                )?
                .query_map([id], |r| {
                    Ok(Transition {
                        id: r.get(0)?,
                        kind: stored(TransitionKind::from_stored(&r.get::<_, String>(1)?), 1)?,
                        from_stage: r.get(2)?,
                        from_stage_name: r.get(3)?,
                        to_stage: r.get(4)?,
                        to_stage_name: r.get(5)?,
                        status_after: stored(OpportunityStatus::from_stored(&r.get::<_, String>(6)?), 6)?,
                        lost_reason: r.get(7)?,
                        actor: r.get(8)?,
                        note: r.get(9)?,
                        at: instant(r.get(10)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn opportunity_ids(&self, f: &OpportunityFilter, limit: u32) -> Result<Vec<i64>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id FROM opportunities
                     WHERE id > ?1 AND (?2 IS NULL OR pipeline_id = ?2) AND (?3 IS NULL OR stage_id = ?3)
                       AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR owner = ?5)
                       AND (?6 IS NULL OR contact_id = ?6)
                     ORDER BY id LIMIT ?7",
                )?
                .query_map(
                    params![
                        f.page.after.unwrap_or(0),
                        f.pipeline,
                        f.stage,
                        f.status.map(OpportunityStatus::as_str),
                        f.owner,
                        f.contact,
                        limit
                    ],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn all_opportunity_ids(&self) -> Result<Vec<i64>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT id FROM opportunities ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}

impl OpportunityWrites for SqliteTx<'_> {
    fn insert_opportunity(&self, p: &OpportunityRow) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO opportunities(title, contact_id, amount, currency, pipeline_id, stage_id,
                         probability, expected_close, owner, status, lost_reason, order_id,
                         created_at, updated_at, closed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )?
                .execute(params![
                    p.title,
                    p.contact,
                    p.amount.map(Decimal::raw),
                    p.currency,
                    p.pipeline,
                    p.stage,
                    p.probability.map(Decimal::raw),
                    p.expected_close.map(|d| d.to_string()),
                    p.owner,
                    p.status.as_str(),
                    p.lost_reason,
                    p.order_id,
                    micros(p.created_at),
                    micros(p.updated_at),
                    p.closed_at.map(micros)
                ])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn save_opportunity(&self, p: &OpportunityRow) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE opportunities SET title = ?2, contact_id = ?3, amount = ?4, currency = ?5,
                         stage_id = ?6, probability = ?7, expected_close = ?8, owner = ?9, status = ?10,
                         lost_reason = ?11, order_id = ?12, updated_at = ?13, closed_at = ?14
                     WHERE id = ?1",
                )?
                .execute(params![
                    p.id,
                    p.title,
                    p.contact,
                    p.amount.map(Decimal::raw),
                    p.currency,
                    p.stage,
                    p.probability.map(Decimal::raw),
                    p.expected_close.map(|d| d.to_string()),
                    p.owner,
                    p.status.as_str(),
                    p.lost_reason,
                    p.order_id,
                    micros(p.updated_at),
                    p.closed_at.map(micros)
                ])?;
            Ok(())
        })
    }

    fn put_opportunity_lines(&self, id: i64, lines: &[OpportunityLine]) -> Result<()> {
        run(|| {
            let conn = self.conn();
            conn.prepare_cached("DELETE FROM opportunity_lines WHERE opportunity_id = ?1")?
                .execute([id])?;
            let mut insert = conn.prepare_cached(
                "INSERT INTO opportunity_lines(opportunity_id, line_no, sku, quantity, unit_price)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, l) in lines.iter().enumerate() {
                insert.execute(params![
                    id,
                    i as i64 + 1,
                    l.sku,
                    l.quantity.raw(),
                    l.unit_price.raw()
                ])?;
            }
            Ok(())
        })
    }

    fn append_transition(&self, opportunity: i64, t: &Transition) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO opportunity_transitions(opportunity_id, kind, from_stage, from_stage_name,
                         to_stage, to_stage_name, status_after, lost_reason, actor, note, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    opportunity,
                    t.kind.as_str(),
                    t.from_stage,
                    t.from_stage_name,
                    t.to_stage,
                    t.to_stage_name,
                    t.status_after.as_str(),
                    t.lost_reason,
                    t.actor,
                    t.note,
                    micros(t.at)
                ])?;
            Ok(self.conn().last_insert_rowid())
        })
    }
}
