//! Pipelines of ordered stages, and the reasons an opportunity may be lost.
//!
//! A stage keeps its id for life: renaming or reordering stages changes no
//! opportunity and no entry of their transition logs, which name stages by
//! id (and by the name they had at the time).

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::store::Reads;
use crate::text;

closed_set! {
    /// What reaching a stage means.
    pub enum StageKind as "kind", default Open {
        /// Still being worked on.
        Open = "open",
        /// Won (probability 100).
        Won = "won",
        /// Lost (probability 0).
        Lost = "lost",
    }
}

/// A stage to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStage {
    /// Its name, unique in the pipeline.
    pub name: String,
    /// Open (default), won or lost.
    #[serde(default)]
    pub kind: StageKind,
    /// Default probability of winning, in percent (0–100): 0 for an open
    /// stage when absent; a won stage is always 100 and a lost one 0.
    #[serde(default)]
    pub probability: Option<Decimal>,
}

impl NewStage {
    /// An open stage with its probability.
    pub fn open(name: impl Into<String>, probability: Decimal) -> NewStage {
        NewStage {
            name: name.into(),
            kind: StageKind::Open,
            probability: Some(probability),
        }
    }

    /// A won or lost stage.
    pub fn closed(name: impl Into<String>, kind: StageKind) -> NewStage {
        NewStage {
            name: name.into(),
            kind,
            probability: None,
        }
    }
}

/// What [`Database::create_pipeline`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPipeline {
    /// Its name (unique).
    pub name: String,
    /// Its stages in order; at least one open stage.
    pub stages: Vec<NewStage>,
}

/// A stage of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Stage {
    /// Its id (stable across renames and reorders).
    pub id: i64,
    /// Its pipeline.
    pub pipeline: i64,
    /// Its name.
    pub name: String,
    /// Its place, 1-based.
    pub position: u32,
    /// Its default probability, in percent.
    pub probability: Decimal,
    /// Open, won or lost.
    pub kind: StageKind,
}

/// A pipeline with its stages in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Pipeline {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its stages, by position.
    pub stages: Vec<Stage>,
    /// When it was created.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
}

/// Changes for [`Database::update_stage`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StageChanges {
    /// New name.
    pub name: Option<String>,
    /// New default probability (open stages only).
    pub probability: Option<Decimal>,
}

/// A reason an opportunity may be lost for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct LostReason {
    /// Its code (`price`, `competitor`).
    pub code: String,
    /// What it says.
    pub label: String,
    /// Retired reasons stay in history but cannot be given any more.
    pub active: bool,
}

pub(crate) fn get(r: &(impl Reads + ?Sized), id: i64) -> Result<Pipeline> {
    let (name, created_at) = r
        .pipeline_row(id)?
        .ok_or_else(|| Error::not_found("pipeline", id))?;
    Ok(Pipeline {
        id,
        name,
        stages: r.stages(id)?,
        created_at,
    })
}

pub(crate) fn stage(r: &(impl Reads + ?Sized), id: i64) -> Result<Stage> {
    r.stage(id)?.ok_or_else(|| Error::not_found("stage", id))
}

/// The default probability of a new stage, checked.
fn probability(field: &str, kind: StageKind, given: Option<Decimal>) -> Result<Decimal> {
    let fixed = match kind {
        StageKind::Open => None,
        StageKind::Won => Some(Decimal::from_raw(100 * Decimal::ONE.raw())),
        StageKind::Lost => Some(Decimal::ZERO),
    };
    match (fixed, given) {
        (Some(f), Some(g)) if f != g => Err(Error::invalid(
            field,
            format!("{g}: a {kind} stage's probability is {f}"),
        )),
        (Some(f), _) => Ok(f),
        (None, g) => {
            let p = g.unwrap_or(Decimal::ZERO);
            percent(field, p)?;
            Ok(p)
        }
    }
}

/// A percentage, 0–100.
pub(crate) fn percent(field: &str, p: Decimal) -> Result<()> {
    if p.is_negative() || p > Decimal::from_raw(100 * Decimal::ONE.raw()) {
        return Err(Error::invalid(
            field,
            format!("{p} is not a percentage within 0–100"),
        ));
    }
    Ok(())
}

fn stage_name(field: &str, name: &str, taken: &[Stage], except: Option<i64>) -> Result<String> {
    let name = name.trim();
    text::required(field, name, 100)?;
    if taken
        .iter()
        .any(|s| Some(s.id) != except && s.name.eq_ignore_ascii_case(name))
    {
        return Err(Error::AlreadyExists {
            entity: "stage",
            key: name.into(),
        });
    }
    Ok(name.to_string())
}

impl Database {
    /// Creates a pipeline with its stages in order.
    pub fn create_pipeline(
        &self,
        pipeline: &NewPipeline,
        idempotency_key: Option<&str>,
    ) -> Result<Pipeline> {
        let name = pipeline.name.trim();
        text::required("name", name, 100)?;
        if !pipeline.stages.iter().any(|s| s.kind == StageKind::Open) {
            return Err(Error::invalid(
                "stages",
                "a pipeline needs at least one open stage",
            ));
        }
        if pipeline.stages.len() > 100 {
            return Err(Error::invalid(
                "stages",
                "a pipeline has at most 100 stages",
            ));
        }
        self.write_once("create_pipeline", idempotency_key, pipeline, |tx| {
            let now = tx.now()?;
            let id = tx.insert_pipeline(name, now)?;
            let mut stages: Vec<Stage> = Vec::new();
            for (i, s) in pipeline.stages.iter().enumerate() {
                let mut stage = Stage {
                    id: 0,
                    pipeline: id,
                    name: stage_name(&format!("stages[{i}].name"), &s.name, &stages, None)?,
                    position: i as u32 + 1,
                    probability: probability(
                        &format!("stages[{i}].probability"),
                        s.kind,
                        s.probability,
                    )?,
                    kind: s.kind,
                };
                stage.id = tx.insert_stage(&stage)?;
                stages.push(stage);
            }
            get(tx, id)
        })
    }

    /// Adds a stage at `position` (1-based; at the end when absent): the
    /// stages from there on move one place down.
    pub fn add_stage(
        &self,
        pipeline: i64,
        stage: &NewStage,
        position: Option<u32>,
        idempotency_key: Option<&str>,
    ) -> Result<Pipeline> {
        let request = (pipeline, stage, position);
        self.write_once("add_stage", idempotency_key, &request, |tx| {
            let mut p = get(tx, pipeline)?;
            let at = position.unwrap_or(p.stages.len() as u32 + 1);
            if at == 0 || at as usize > p.stages.len() + 1 {
                return Err(Error::invalid(
                    "position",
                    format!("{at} is not within 1–{}", p.stages.len() + 1),
                ));
            }
            if p.stages.len() >= 100 {
                return Err(Error::invalid("stage", "a pipeline has at most 100 stages"));
            }
            let mut new = Stage {
                id: 0,
                pipeline,
                name: stage_name("stage.name", &stage.name, &p.stages, None)?,
                position: at,
                probability: probability("stage.probability", stage.kind, stage.probability)?,
                kind: stage.kind,
            };
            for s in p.stages.iter_mut().filter(|s| s.position >= at) {
                s.position += 1;
                tx.save_stage(s)?;
            }
            new.id = tx.insert_stage(&new)?;
            get(tx, pipeline)
        })
    }

    /// Renames a stage or changes its default probability. Opportunities
    /// that set their own probability keep it; their logs keep the name
    /// the stage had when they moved.
    pub fn update_stage(
        &self,
        id: i64,
        changes: &StageChanges,
        idempotency_key: Option<&str>,
    ) -> Result<Pipeline> {
        self.write_once("update_stage", idempotency_key, &(id, changes), |tx| {
            let mut s = stage(tx, id)?;
            let siblings = tx.stages(s.pipeline)?;
            if let Some(name) = &changes.name {
                s.name = stage_name("changes.name", name, &siblings, Some(id))?;
            }
            if let Some(p) = changes.probability {
                if s.kind != StageKind::Open {
                    return Err(Error::invalid(
                        "changes.probability",
                        format!("a {} stage's probability is fixed", s.kind),
                    ));
                }
                percent("changes.probability", p)?;
                s.probability = p;
            }
            tx.save_stage(&s)?;
            get(tx, s.pipeline)
        })
    }

    /// Puts the stages of a pipeline in a new order: `stages` lists every
    /// stage id of the pipeline once.
    pub fn reorder_stages(
        &self,
        pipeline: i64,
        stages: &[i64],
        idempotency_key: Option<&str>,
    ) -> Result<Pipeline> {
        self.write_once(
            "reorder_stages",
            idempotency_key,
            &(pipeline, stages),
            |tx| {
                let p = get(tx, pipeline)?;
                let mut given = stages.to_vec();
                given.sort_unstable();
                let mut have: Vec<i64> = p.stages.iter().map(|s| s.id).collect();
                have.sort_unstable();
                if given != have {
                    return Err(Error::invalid(
                        "stages",
                        format!("must list each stage of pipeline {pipeline} once: {have:?}"),
                    ));
                }
                for mut s in p.stages {
                    let at =
                        stages.iter().position(|id| *id == s.id).unwrap_or_default() as u32 + 1;
                    if s.position != at {
                        s.position = at;
                        tx.save_stage(&s)?;
                    }
                }
                get(tx, pipeline)
            },
        )
    }

    /// The pipeline with this id, with its stages.
    pub fn pipeline(&self, id: i64) -> Result<Pipeline> {
        self.read(|r| get(r, id))
    }

    /// Every pipeline, by id.
    pub fn pipelines(&self) -> Result<Vec<Pipeline>> {
        self.read(|r| r.pipeline_ids()?.into_iter().map(|id| get(r, id)).collect())
    }

    /// Adds a lost reason (or brings a retired one back with a new label).
    pub fn add_lost_reason(
        &self,
        code: &str,
        label: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Vec<LostReason>> {
        crate::text::code("code", code)?;
        text::required("label", label, 200)?;
        self.write_once("add_lost_reason", idempotency_key, &(code, label), |tx| {
            tx.put_lost_reason(&LostReason {
                code: code.into(),
                label: label.trim().into(),
                active: true,
            })?;
            tx.lost_reasons()
        })
    }

    /// Retires a lost reason: opportunities lost for it keep it; it cannot
    /// be given any more.
    pub fn retire_lost_reason(
        &self,
        code: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Vec<LostReason>> {
        self.write_once("retire_lost_reason", idempotency_key, code, |tx| {
            let mut reason = tx
                .lost_reasons()?
                .into_iter()
                .find(|r| r.code == code)
                .ok_or_else(|| Error::not_found("lost reason", code))?;
            reason.active = false;
            tx.put_lost_reason(&reason)?;
            tx.lost_reasons()
        })
    }
}
