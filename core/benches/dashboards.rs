//! Benchmark W8 of `shared/docs/PERF.md`: the KPI dashboards over a ledger
//! of 2M movements spread over a year and 100k opportunities, each figure
//! beside a hand-written SQL aggregation of the same figure on the same
//! file, in the same run.
//!
//! ```sh
//! cargo bench -p racine --bench dashboards
//! RACINE_BENCH_MOVEMENTS=500000 RACINE_BENCH_OPPORTUNITIES=20000 cargo bench -p racine --bench dashboards
//! ```
//!
//! `RACINE_BENCH_DB=/path/w8.db` keeps the loaded database and reuses it on
//! the next run.
//!
//! The hand-written queries are what a service would write without the
//! engine: the same indexes where they exist, a fixed UTC offset for days
//! (so they are wrong across daylight-saving changes), and no definitions.

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use racine::kpis::crm::CrmQuery;
use racine::kpis::erp::ErpQuery;
use racine::{
    Database, Decimal, Movement, NewContact, NewItem, NewOpportunity, NewPipeline, NewStage,
    OpenOptions, Period, StageKind, Synchronous, TransitionMeta,
};

mod common;
use common::{emit, env_number, two_warehouses, Rng};
use serde_json::json;

const ITEMS: i64 = 10_000;
const CONTACTS: i64 = 1_000;

/// The median of `runs` timings of `f`.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[runs / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

const YEAR_START: &str = "2025-12-01T00:00:00Z";

/// 10,000 items in two warehouses, `movements` receipts, sales and
/// transfers spread evenly over the year from `YEAR_START`.
fn load_ledger(db: &Database, movements: u64) -> (Vec<i64>, [i64; 2]) {
    let wh = two_warehouses(db);
    let items: Vec<i64> = (0..ITEMS)
        .map(|i| {
            db.create_item(&NewItem {
                reorder_point: Some(Decimal::from(999_990)),
                ..NewItem::new(format!("SKU-{i:05}"), "bench item")
            })
            .unwrap()
            .id
        })
        .collect();
    let start: Timestamp = YEAR_START.parse().unwrap();
    let opening: Vec<Movement> = items
        .iter()
        .flat_map(|&i| {
            wh.map(|w| {
                Movement::receipt(i, Decimal::from(1_000_000), Decimal::from(5))
                    .warehouse(w)
                    .effective_at(start)
            })
        })
        .collect();
    for chunk in opening.chunks(5_000) {
        db.post_batch(chunk).unwrap();
    }
    let step = 365 * 86_400_000_000i64 / movements as i64;
    let mut rng = Rng(42);
    let mut t = start.as_microsecond();
    let mut posted = opening.len() as u64;
    while posted < movements {
        let batch: Vec<Movement> = (0..5_000)
            .map(|_| {
                t += step;
                let at = Timestamp::from_microsecond(t).unwrap();
                let item = items[rng.below(ITEMS as u64) as usize];
                let w = wh[rng.below(2) as usize];
                let q = Decimal::from(1 + rng.below(5) as i32);
                match rng.below(10) {
                    0..=3 => Movement::receipt(item, q, Decimal::from(4 + rng.below(3) as i32)),
                    4..=8 => Movement::issue(item, q),
                    _ => Movement::transfer(item, w, wh[(w == wh[0]) as usize], q),
                }
                .warehouse(w)
                .effective_at(at)
            })
            .collect();
        db.post_batch(&batch).unwrap();
        posted += batch.len() as u64;
    }
    (items, wh)
}

/// `n` opportunities over the year in one pipeline: each created, most
/// moved on, six in ten closed (two won for one lost), EUR and USD.
fn load_opportunities(db: &Database, n: u64) {
    let pipeline = db
        .create_pipeline(
            &NewPipeline {
                name: "Sales".into(),
                stages: vec![
                    NewStage::open("Lead", Decimal::from(10)),
                    NewStage::open("Qualified", Decimal::from(30)),
                    NewStage::open("Proposal", Decimal::from(60)),
                    NewStage::closed("Won", StageKind::Won),
                    NewStage::closed("Lost", StageKind::Lost),
                ],
            },
            None,
        )
        .unwrap();
    db.add_lost_reason("price", "Too expensive", None).unwrap();
    let stages: Vec<i64> = pipeline.stages.iter().map(|s| s.id).collect();
    let contacts: Vec<i64> = (0..CONTACTS)
        .map(|i| {
            db.create_contact(&NewContact::company(format!("Client {i}")), None)
                .unwrap()
                .id
        })
        .collect();
    let start: Timestamp = YEAR_START.parse().unwrap();
    let step = 365 * 86_400_000_000i64 / n as i64;
    let mut rng = Rng(7);
    let day = SignedDuration::from_hours(24);
    for k in 0..n as i64 {
        let created = Timestamp::from_microsecond(start.as_microsecond() + k * step).unwrap();
        let meta = |at: Timestamp| TransitionMeta {
            at: Some(at),
            ..TransitionMeta::default()
        };
        let id = db
            .create_opportunity(
                &NewOpportunity {
                    amount: Some(Decimal::from(100 + rng.below(10_000) as i32)),
                    currency: Some(if rng.below(4) == 0 { "USD" } else { "EUR" }.into()),
                    owner: Some(format!("owner-{}", rng.below(20))),
                    at: Some(created),
                    ..NewOpportunity::new(
                        "Deal",
                        contacts[rng.below(CONTACTS as u64) as usize],
                        pipeline.id,
                    )
                },
                None,
            )
            .unwrap()
            .id;
        let mut at = created;
        for &s in &stages[1..1 + rng.below(3) as usize] {
            at += day * (1 + rng.below(5) as i32);
            db.move_opportunity(id, s, &meta(at), None).unwrap();
        }
        at += day * (1 + rng.below(10) as i32);
        match rng.below(10) {
            0..=3 => {
                db.win_opportunity(id, None, None, &meta(at), None).unwrap();
            }
            4..=5 => {
                db.lose_opportunity(id, "price", None, &meta(at), None)
                    .unwrap();
            }
            _ => {}
        }
    }
}

fn main() {
    let movements = env_number("RACINE_BENCH_MOVEMENTS", 2_000_000);
    let opportunities = env_number("RACINE_BENCH_OPPORTUNITIES", 100_000);
    let runs = env_number("RACINE_BENCH_RUNS", 21) as usize;
    let dir = tempfile::Builder::new()
        .prefix("racine-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    // RACINE_BENCH_DB=path keeps the loaded database there, and reuses it
    // when it exists (to compare changes on one dataset).
    let kept = std::env::var_os("RACINE_BENCH_DB").map(std::path::PathBuf::from);
    let reuse = kept.as_ref().is_some_and(|p| p.exists());
    let path = kept.unwrap_or_else(|| dir.path().join("dashboards.db"));
    println!("Racine {} dashboards benchmark (W8)", racine::VERSION);
    let db = Database::open_with(
        &path,
        &OpenOptions {
            synchronous: Synchronous::Normal,
            time_zone: Some("Europe/Paris".into()),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    if reuse {
        println!("    reusing {}", path.display());
    } else {
        let t = Instant::now();
        load_ledger(&db, movements);
        println!(
            "    ledger: {movements} movements in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        load_opportunities(&db, opportunities);
        println!(
            "    CRM: {opportunities} opportunities in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    compare(&db, &path, runs);
}

fn compare(db: &Database, path: &Path, runs: usize) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let month = ErpQuery::period(Period::Month(2026, 3));
    let crm_month = CrmQuery::period(Period::Month(2026, 3));
    let p = db.resolve_period(&Period::Month(2026, 3), None).unwrap();
    let (start, end) = (p.start.as_microsecond(), p.end.as_microsecond());
    let rows_in_month: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM movements WHERE effective_at >= ?1 AND effective_at < ?2",
            [start, end],
            |r| r.get(0),
        )
        .unwrap();
    println!("    March 2026 (Europe/Paris): {rows_in_month} movements\n");
    println!(
        "    {:<44} {:>10} {:>12} {:>8}",
        "figure", "racine", "hand SQL", "ratio"
    );
    let row = |name: &str, racine: Duration, hand: Duration, rows: Option<i64>| {
        let per_m = rows
            .map(|r| {
                format!(
                    "   {:.1} ms per million rows",
                    ms(racine) / (r as f64 / 1e6)
                )
            })
            .unwrap_or_default();
        println!(
            "    {name:<44} {:>7.3} ms {:>9.3} ms {:>8.2}{per_m}",
            ms(racine),
            ms(hand),
            hand.as_secs_f64() / racine.as_secs_f64()
        );
        let per_million = rows.map(|r| ms(racine) / (r as f64 / 1e6));
        emit(
            "W8",
            name,
            json!({ "racine_ms": ms(racine), "hand_ms": ms(hand), "ms_per_million": per_million }),
        );
    };

    // Stock valuation now: the balances.
    let r = median(runs, || db.stock_valuation(&ErpQuery::default()).unwrap());
    let h = median(runs, || {
        let total: i64 = conn
            .query_row("SELECT SUM(value) FROM balances", [], |r| r.get(0))
            .unwrap();
        let per_wh: Vec<(i64, i64)> = conn
            .prepare_cached("SELECT warehouse_id, SUM(value) FROM balances GROUP BY warehouse_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let top: Vec<(i64, i64)> = conn
            .prepare_cached(
                "SELECT item_id, SUM(value) v FROM balances GROUP BY item_id ORDER BY v DESC LIMIT 10",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        (total, per_wh, top)
    });
    row("stock valuation now (balances)", r, h, None);

    // Stockout rate: balance-based.
    let r = median(runs, || db.stockout_rate(&ErpQuery::default()).unwrap());
    let h = median(runs, || {
        conn.query_row(
            "SELECT COUNT(*), SUM(a <= 0) FROM (SELECT COALESCE(SUM(b.on_hand - b.reserved), 0) a
             FROM items i LEFT JOIN balances b ON b.item_id = i.id WHERE i.active = 1 GROUP BY i.id)",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .unwrap()
    });
    row("stockout rate (balances)", r, h, None);

    // Daily flows of a month.
    let offset = 3_600_000_000i64;
    let r = median(runs, || db.daily_flows(&month).unwrap());
    let h = median(runs, || {
        let rows: Vec<(i64, i64, i64, i64)> = conn
            .prepare_cached(
                "SELECT (effective_at + ?3) / 86400000000 d, (transfer_id IS NOT NULL) * 2 + (quantity < 0) f,
                        SUM(quantity), SUM(value_change)
                 FROM movements WHERE effective_at >= ?1 AND effective_at < ?2 GROUP BY d, f",
            )
            .unwrap()
            .query_map([start, end, offset], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows
    });
    row("daily flows, one month", r, h, Some(rows_in_month));

    // Top movers of a month.
    let r = median(runs, || db.top_movers(&month).unwrap());
    let h = median(runs, || {
        let mut out = Vec::new();
        for order in ["2", "3"] {
            let top: Vec<(i64, i64, i64)> = conn
                .prepare_cached(&format!(
                    "SELECT item_id, -SUM(quantity), -SUM(value_change) FROM movements
                     WHERE effective_at >= ?1 AND effective_at < ?2 AND reason IN ('sale', 'customer_return')
                     GROUP BY item_id ORDER BY {order} DESC LIMIT 10"
                ))
                .unwrap()
                .query_map([start, end], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            out.push(top);
        }
        out
    });
    row("top movers, one month", r, h, Some(rows_in_month));

    // The open pipeline by stage.
    let r = median(runs, || db.pipeline_by_stage(&CrmQuery::default()).unwrap());
    let h = median(runs, || {
        let rows: Vec<(i64, String, i64, i64)> = conn
            .prepare_cached(
                "SELECT stage_id, currency, COUNT(*), SUM(amount) FROM opportunities
                 WHERE status = 'open' GROUP BY stage_id, currency",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows
    });
    row("open pipeline by stage (rollup)", r, h, None);

    // Win rate of a month.
    let r = median(runs, || db.win_rate(&crm_month).unwrap());
    let h = median(runs, || {
        let rows: Vec<(String, String, i64, i64)> = conn
            .prepare_cached(
                "SELECT status, currency, COUNT(*), SUM(amount) FROM opportunities
                 WHERE closed_at >= ?1 AND closed_at < ?2 AND status IN ('won', 'lost')
                 GROUP BY status, currency",
            )
            .unwrap()
            .query_map([start, end], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows
    });
    row("win rate, one month", r, h, None);

    // The pipeline as of a past instant: a replay of the log.
    let march: Timestamp = "2026-03-31T22:00:00Z".parse().unwrap();
    let r = median(runs.min(7), || {
        db.pipeline_by_stage(&CrmQuery::default().as_of(march))
            .unwrap()
    });
    let transitions: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM opportunity_transitions WHERE at <= ?1",
            [march.as_microsecond()],
            |r| r.get(0),
        )
        .unwrap();
    println!(
        "    {:<44} {:>7.3} ms   ({transitions} transitions replayed, {:.1} ms per million; no hand-written equivalent)",
        "open pipeline as of 31 March (replay)",
        ms(r),
        ms(r) / (transitions as f64 / 1e6)
    );

    // Whole dashboards.
    let r = median(runs.min(7), || db.erp_dashboard(&month).unwrap());
    println!(
        "    {:<44} {:>7.3} ms",
        "ERP dashboard, March (every KPI)",
        ms(r)
    );
    emit(
        "W8",
        "ERP dashboard, March (every KPI)",
        json!({ "racine_ms": ms(r) }),
    );
    // The last month of the data: stock valued near the balances.
    let last = ErpQuery::period(Period::Month(2026, 11));
    let r = median(runs.min(7), || db.erp_dashboard(&last).unwrap());
    println!(
        "    {:<44} {:>7.3} ms",
        "ERP dashboard, November (the ledger's last)",
        ms(r)
    );
    emit(
        "W8",
        "ERP dashboard, November (the ledger's last)",
        json!({ "racine_ms": ms(r) }),
    );
    let r = median(runs.min(7), || db.crm_dashboard(&crm_month).unwrap());
    println!(
        "    {:<44} {:>7.3} ms",
        "CRM dashboard, March (every KPI)",
        ms(r)
    );
    emit(
        "W8",
        "CRM dashboard, March (every KPI)",
        json!({ "racine_ms": ms(r) }),
    );
    println!("\n    ratio = hand-written time / racine time (≥ 1.0: racine is as fast or faster)");
}
