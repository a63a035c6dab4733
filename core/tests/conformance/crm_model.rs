//! Random sequences of stage moves, wins, losses and reopens: after every
//! step an opportunity's stage, status, lost reason and closing time are
//! what replaying its log gives, a refused step changes nothing, and the
//! log only ever grows.

use proptest::prelude::*;
use racine::*;

const DEALS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Move { deal: usize, stage: usize },
    Win { deal: usize },
    Lose { deal: usize, reason: bool },
    Reopen { deal: usize, stage: Option<usize> },
}

fn op() -> impl Strategy<Value = Op> {
    let deal = 0..DEALS;
    prop_oneof![
        4 => (deal.clone(), 0..5usize).prop_map(|(deal, stage)| Op::Move { deal, stage }),
        2 => deal.clone().prop_map(|deal| Op::Win { deal }),
        2 => (deal.clone(), any::<bool>()).prop_map(|(deal, reason)| Op::Lose { deal, reason }),
        2 => (deal, proptest::option::of(0..5usize)).prop_map(|(deal, stage)| Op::Reopen { deal, stage }),
    ]
}

/// The state a log replays to, computed here from the log alone.
fn replay(
    o: &Opportunity,
) -> (
    i64,
    OpportunityStatus,
    Option<String>,
    Option<jiff::Timestamp>,
) {
    let last = o.history.last().expect("a log is never empty");
    let closed = last.status_after != OpportunityStatus::Open;
    (
        last.to_stage,
        last.status_after,
        last.lost_reason.clone(),
        closed.then_some(last.at),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: super::cases(48), ..ProptestConfig::default() })]

    #[test]
    fn the_state_is_always_the_replay_of_the_log(ops in prop::collection::vec(op(), 1..30)) {
        let db = super::open();
        db.add_lost_reason("price", "Too expensive", None).unwrap();
        let p = db.create_pipeline(&NewPipeline {
            name: "P".into(),
            stages: vec![
                NewStage::open("A", "10".parse().unwrap()),
                NewStage::open("B", "40".parse().unwrap()),
                NewStage::open("C", "70".parse().unwrap()),
                NewStage::closed("Won", StageKind::Won),
                NewStage::closed("Lost", StageKind::Lost),
            ],
        }, None).unwrap();
        let stages: Vec<i64> = p.stages.iter().map(|s| s.id).collect();
        let contact = db.create_contact(&NewContact::person("Ana"), None).unwrap().id;
        let deals: Vec<i64> = (0..DEALS)
            .map(|i| db.create_opportunity(&NewOpportunity::new(format!("D{i}"), contact, p.id), None).unwrap().id)
            .collect();
        let meta = TransitionMeta::default();
        for op in ops {
            let deal = match &op { Op::Move { deal, .. } | Op::Win { deal } | Op::Lose { deal, .. } | Op::Reopen { deal, .. } => deal };
            let id = deals[*deal];
            let before = db.opportunity(id).unwrap();
            let open = before.status == OpportunityStatus::Open;
            let (result, allowed) = match op {
                Op::Move { stage, .. } => {
                    let target = stages[stage];
                    let ok = open && stage < 3 && target != before.stage;
                    (db.move_opportunity(id, target, &meta, None), ok)
                }
                Op::Win { .. } => (db.win_opportunity(id, None, None, &meta, None).map(|w| w.opportunity), open),
                Op::Lose { reason, .. } => {
                    let code = if reason { "price" } else { "unknown" };
                    (db.lose_opportunity(id, code, None, &meta, None), open && reason)
                }
                Op::Reopen { stage, .. } => {
                    let ok = !open && stage.is_none_or(|s| s < 3);
                    (db.reopen_opportunity(id, stage.map(|s| stages[s]), &meta, None), ok)
                }
            };
            prop_assert_eq!(result.is_ok(), allowed, "{:?} on {:?}: {:?}", op, before.status, result);
            let after = db.opportunity(id).unwrap();
            if allowed {
                prop_assert_eq!(after.history.len(), before.history.len() + 1);
                prop_assert_eq!(&after.history[..before.history.len()], &before.history[..], "the log is never rewritten");
            } else {
                prop_assert_eq!(&after, &before, "a refused step changes nothing");
            }
            prop_assert_eq!(replay(&after), (after.stage, after.status, after.lost_reason.clone(), after.closed_at));
            let expected_kind = match after.status {
                OpportunityStatus::Open => StageKind::Open,
                OpportunityStatus::Won => StageKind::Won,
                OpportunityStatus::Lost => StageKind::Lost,
            };
            prop_assert_eq!(p.stages.iter().find(|s| s.id == after.stage).unwrap().kind, expected_kind);
        }
        let report = db.verify().unwrap();
        prop_assert!(report.is_clean(), "{:?}", report);
        prop_assert_eq!(report.opportunities_checked, DEALS as u64);
        // The dashboards' rollup and the replay of the log agree.
        let kept = db.pipeline_by_stage(&CrmQuery::default()).unwrap();
        let replayed = db
            .pipeline_by_stage(&CrmQuery::default().as_of("2100-01-01T00:00:00Z".parse().unwrap()))
            .unwrap();
        prop_assert_eq!(kept.pipelines, replayed.pipelines);
    }
}
