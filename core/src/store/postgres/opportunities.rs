//! Pipelines, stages, lost reasons, opportunities and their transition log
//! in PostgreSQL.

use jiff::Timestamp;
use postgres::Row;

use super::crm::stored_date;
use super::{at, instant, micros, run, stored, unique, PgTx, SqlResult};
use crate::crm::{
    LostReason, OpportunityFilter, OpportunityLine, OpportunityStatus, Stage, StageKind,
    Transition, TransitionKind,
};
use crate::decimal::Decimal;
use crate::error::Result;
use crate::store::{
    OpportunityReads, OpportunityRow, OpportunityWrites, PipelineReads, PipelineWrites,
};

const STAGE_COLUMNS: &str = "id, pipeline_id, name, position, probability, kind";

fn stage_from_row(r: &Row) -> SqlResult<Stage> {
    Ok(Stage {
        id: at(r, 0)?,
        pipeline: at(r, 1)?,
        name: at(r, 2)?,
        position: at::<i64>(r, 3)? as _,
        probability: Decimal::from_raw(at(r, 4)?),
        kind: stored(StageKind::from_stored(at(r, 5)?))?,
    })
}

impl PipelineReads for PgTx<'_> {
    fn pipeline_row(&self, id: i64) -> Result<Option<(String, Timestamp)>> {
        run(|| {
            self.pg()
                .opt(
                    "SELECT name, created_at FROM pipelines WHERE id = $1",
                    &[&id],
                )?
                .map(|r| Ok((at(&r, 0)?, instant(at(&r, 1)?))))
                .transpose()
        })
    }

    fn pipeline_ids(&self) -> Result<Vec<i64>> {
        run(|| self.ids("SELECT id FROM pipelines ORDER BY id", &[]))
    }

    fn stages(&self, pipeline: i64) -> Result<Vec<Stage>> {
        run(|| {
            self.pg()
                .rows(
                    &format!(
                        "SELECT {STAGE_COLUMNS} FROM stages WHERE pipeline_id = $1 ORDER BY position, id"
                    ),
                    &[&pipeline],
                )?
                .iter()
                .map(stage_from_row)
                .collect()
        })
    }

    fn stage(&self, id: i64) -> Result<Option<Stage>> {
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {STAGE_COLUMNS} FROM stages WHERE id = $1"),
                    &[&id],
                )?
                .map(|r| stage_from_row(&r))
                .transpose()
        })
    }

    fn lost_reasons(&self) -> Result<Vec<LostReason>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT code, label, active FROM lost_reasons ORDER BY code COLLATE \"C\"",
                    &[],
                )?
                .iter()
                .map(|r| {
                    Ok(LostReason {
                        code: at(r, 0)?,
                        label: at(r, 1)?,
                        active: at(r, 2)?,
                    })
                })
                .collect()
        })
    }
}

impl PipelineWrites for PgTx<'_> {
    fn insert_pipeline(&self, name: &str, at_: Timestamp) -> Result<i64> {
        run(|| {
            let row = self
                .pg()
                .one(
                    "INSERT INTO pipelines(name, created_at) VALUES ($1, $2) RETURNING id",
                    &[&name, &micros(at_)],
                )
                .map_err(unique("pipeline", name))?;
            at(&row, 0)
        })
    }

    fn insert_stage(&self, s: &Stage) -> Result<i64> {
        run(|| {
            at(
                &self.pg().one(
                    "INSERT INTO stages(pipeline_id, name, position, probability, kind)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        &s.pipeline,
                        &s.name.as_str(),
                        &i64::from(s.position),
                        &s.probability.raw(),
                        &s.kind.as_str(),
                    ],
                )?,
                0,
            )
        })
    }

    fn save_stage(&self, s: &Stage) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE stages SET name = $2, position = $3, probability = $4 WHERE id = $1",
                &[
                    &s.id,
                    &s.name.as_str(),
                    &i64::from(s.position),
                    &s.probability.raw(),
                ],
            )?;
            Ok(())
        })
    }

    fn put_lost_reason(&self, r: &LostReason) -> Result<()> {
        run(|| {
            self.pg().exec(
                "INSERT INTO lost_reasons(code, label, active) VALUES ($1, $2, $3)
                 ON CONFLICT(code) DO UPDATE SET label = excluded.label, active = excluded.active",
                &[&r.code.as_str(), &r.label.as_str(), &r.active],
            )?;
            Ok(())
        })
    }
}

impl OpportunityReads for PgTx<'_> {
    fn opportunity_row(&self, id: i64) -> Result<Option<OpportunityRow>> {
        run(|| {
            self.pg()
                .opt(
                    "SELECT p.id, p.title, p.contact_id, p.amount, p.currency, p.pipeline_id, p.stage_id,
                            p.probability, p.expected_close, p.owner, p.status, p.lost_reason, p.order_id,
                            o.external_id, p.created_at, p.updated_at, p.closed_at
                     FROM opportunities p LEFT JOIN orders o ON o.id = p.order_id WHERE p.id = $1",
                    &[&id],
                )?
                .map(|r| {
                    Ok(OpportunityRow {
                        id: at(&r, 0)?,
                        title: at(&r, 1)?,
                        contact: at(&r, 2)?,
                        amount: at::<Option<i64>>(&r, 3)?.map(Decimal::from_raw),
                        currency: at(&r, 4)?,
                        pipeline: at(&r, 5)?,
                        stage: at(&r, 6)?,
                        probability: at::<Option<i64>>(&r, 7)?.map(Decimal::from_raw),
                        expected_close: stored_date(at(&r, 8)?)?,
                        owner: at(&r, 9)?,
                        status: stored(OpportunityStatus::from_stored(at(&r, 10)?))?,
                        lost_reason: at(&r, 11)?,
                        order_id: at(&r, 12)?,
                        order: at(&r, 13)?,
                        created_at: instant(at(&r, 14)?),
                        updated_at: instant(at(&r, 15)?),
                        closed_at: at::<Option<i64>>(&r, 16)?.map(instant),
                    })
                })
                .transpose()
        })
    }

    fn opportunity_lines(&self, id: i64) -> Result<Vec<OpportunityLine>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT sku, quantity, unit_price FROM opportunity_lines WHERE opportunity_id = $1 ORDER BY line_no",
                    &[&id],
                )?
                .iter()
                .map(|r| {
                    Ok(OpportunityLine {
                        sku: at(r, 0)?,
                        quantity: Decimal::from_raw(at(r, 1)?),
                        unit_price: Decimal::from_raw(at(r, 2)?),
                    })
                })
                .collect()
        })
    }

    fn transitions(&self, id: i64) -> Result<Vec<Transition>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id, kind, from_stage, from_stage_name, to_stage, to_stage_name, status_after,
                            lost_reason, actor, note, at
                     FROM opportunity_transitions WHERE opportunity_id = $1 ORDER BY id",
                    &[&id],
                )?
                .iter()
                .map(|r| {
                    Ok(Transition {
                        id: at(r, 0)?,
                        kind: stored(TransitionKind::from_stored(at(r, 1)?))?,
                        from_stage: at(r, 2)?,
                        from_stage_name: at(r, 3)?,
                        to_stage: at(r, 4)?,
                        to_stage_name: at(r, 5)?,
                        status_after: stored(OpportunityStatus::from_stored(at(r, 6)?))?,
                        lost_reason: at(r, 7)?,
                        actor: at(r, 8)?,
                        note: at(r, 9)?,
                        at: instant(at(r, 10)?),
                    })
                })
                .collect()
        })
    }

    fn opportunity_ids(&self, f: &OpportunityFilter, limit: u32) -> Result<Vec<i64>> {
        run(|| {
            self.ids(
                "SELECT id FROM opportunities
                 WHERE id > $1 AND ($2::int8 IS NULL OR pipeline_id = $2)
                   AND ($3::int8 IS NULL OR stage_id = $3)
                   AND ($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR owner = $5)
                   AND ($6::int8 IS NULL OR contact_id = $6)
                 ORDER BY id LIMIT $7",
                &[
                    &f.page.after.unwrap_or(0),
                    &f.pipeline,
                    &f.stage,
                    &f.status.map(OpportunityStatus::as_str),
                    &f.owner.as_deref(),
                    &f.contact,
                    &i64::from(limit),
                ],
            )
        })
    }

    fn all_opportunity_ids(&self) -> Result<Vec<i64>> {
        run(|| self.ids("SELECT id FROM opportunities ORDER BY id", &[]))
    }
}

impl OpportunityWrites for PgTx<'_> {
    fn insert_opportunity(&self, p: &OpportunityRow) -> Result<i64> {
        run(|| {
            at(
                &self.pg().one(
                    "INSERT INTO opportunities(title, contact_id, amount, currency, pipeline_id, stage_id,
                         probability, expected_close, owner, status, lost_reason, order_id,
                         created_at, updated_at, closed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                     RETURNING id",
                    &[
                        &p.title.as_str(),
                        &p.contact,
                        &p.amount.map(Decimal::raw),
                        &p.currency.as_deref(),
                        &p.pipeline,
                        &p.stage,
                        &p.probability.map(Decimal::raw),
                        &p.expected_close.map(|d| d.to_string()),
                        &p.owner.as_deref(),
                        &p.status.as_str(),
                        &p.lost_reason.as_deref(),
                        &p.order_id,
                        &micros(p.created_at),
                        &micros(p.updated_at),
                        &p.closed_at.map(micros),
                    ],
                )?,
                0,
            )
        })
    }

    fn save_opportunity(&self, p: &OpportunityRow) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE opportunities SET title = $2, contact_id = $3, amount = $4, currency = $5,
                     stage_id = $6, probability = $7, expected_close = $8, owner = $9, status = $10,
                     lost_reason = $11, order_id = $12, updated_at = $13, closed_at = $14
                 WHERE id = $1",
                &[
                    &p.id,
                    &p.title.as_str(),
                    &p.contact,
                    &p.amount.map(Decimal::raw),
                    &p.currency.as_deref(),
                    &p.stage,
                    &p.probability.map(Decimal::raw),
                    &p.expected_close.map(|d| d.to_string()),
                    &p.owner.as_deref(),
                    &p.status.as_str(),
                    &p.lost_reason.as_deref(),
                    &p.order_id,
                    &micros(p.updated_at),
                    &p.closed_at.map(micros),
                ],
            )?;
            Ok(())
        })
    }

    fn put_opportunity_lines(&self, id: i64, lines: &[OpportunityLine]) -> Result<()> {
        run(|| {
            let pg = self.pg();
            pg.exec(
                "DELETE FROM opportunity_lines WHERE opportunity_id = $1",
                &[&id],
            )?;
            for (i, l) in lines.iter().enumerate() {
                pg.exec(
                    "INSERT INTO opportunity_lines(opportunity_id, line_no, sku, quantity, unit_price)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[
                        &id,
                        &(i as i64 + 1),
                        &l.sku.as_str(),
                        &l.quantity.raw(),
                        &l.unit_price.raw(),
                    ],
                )?;
            }
            Ok(())
        })
    }

    fn append_transition(&self, opportunity: i64, t: &Transition) -> Result<i64> {
        run(|| {
            at(
                &self.pg().one(
                    "INSERT INTO opportunity_transitions(opportunity_id, kind, from_stage, from_stage_name,
                         to_stage, to_stage_name, status_after, lost_reason, actor, note, at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        &opportunity,
                        &t.kind.as_str(),
                        &t.from_stage,
                        &t.from_stage_name.as_deref(),
                        &t.to_stage,
                        &t.to_stage_name.as_str(),
                        &t.status_after.as_str(),
                        &t.lost_reason.as_deref(),
                        &t.actor.as_deref(),
                        &t.note.as_deref(),
                        &micros(t.at),
                    ],
                )?,
                0,
            )
        })
    }
}
