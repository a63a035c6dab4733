//! Failover: a primary with a synchronous standby made by `pg_basebackup`
//! (`synchronous_standby_names = '*'`); writes are acknowledged, the
//! primary is killed, the standby promoted, and every acknowledged write is
//! on it, whole, with `verify()` clean. The set-up is the README's.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use racine::*;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn cluster(args: &[&str]) -> String {
    let out = Command::new(format!("{ROOT}/scripts/pg-cluster"))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "pg-cluster {args:?} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn sql(url: &str, query: &str) -> Vec<postgres::Row> {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap()
        .query(query, &[])
        .unwrap()
}

struct Stop<'a>(&'a Path);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        let _ = Command::new(format!("{ROOT}/scripts/pg-cluster"))
            .arg("stop")
            .arg(self.0)
            .status();
    }
}

#[test]
fn a_promoted_synchronous_standby_has_every_acknowledged_write() {
    let base = tempfile::Builder::new()
        .prefix("racine-failover")
        .tempdir_in("/tmp")
        .unwrap();
    // The clusters' own folders are the server user's; this one must let it through.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (primary_dir, standby_dir) = (base.path().join("primary"), base.path().join("standby"));
    // Free ports, picked by the script (another test's server may hold any given one).
    let primary = cluster(&["start", primary_dir.to_str().unwrap(), "auto"]);
    let _stop_primary = Stop(&primary_dir);
    let primary_port = primary.parse::<postgres::Config>().unwrap().get_ports()[0].to_string();
    let standby = cluster(&[
        "standby",
        standby_dir.to_str().unwrap(),
        "auto",
        &primary_port,
    ]);
    let _stop_standby = Stop(&standby_dir);

    // Commits wait for the standby from now on.
    sql(&primary, "ALTER SYSTEM SET synchronous_standby_names = '*'");
    sql(&primary, "SELECT pg_reload_conf()");
    let started = Instant::now();
    while sql(
        &primary,
        "SELECT 1 FROM pg_stat_replication WHERE sync_state = 'sync'",
    )
    .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the standby never became synchronous"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let db = Database::open(&primary).unwrap();
    let item = db
        .create_item(&NewItem::new("OAK", "Oak plank"))
        .unwrap()
        .id;
    let mut acknowledged = Vec::new();
    for i in 0..50 {
        let posted = db
            .post_once(
                &Movement::receipt(item, "2".parse().unwrap(), "3".parse().unwrap()),
                &format!("receipt-{i}"),
            )
            .unwrap();
        acknowledged.extend(posted.movements.iter().map(|m| m.id));
    }
    // The primary's machine is lost the moment after the last acknowledgement.
    cluster(&["kill", primary_dir.to_str().unwrap()]);
    drop(db);
    cluster(&["promote", standby_dir.to_str().unwrap()]);

    let db = Database::open(&standby).unwrap();
    let mut kept = Vec::new();
    let mut filter = MovementFilter {
        order: SortOrder::OldestFirst,
        ..MovementFilter::default()
    };
    loop {
        let page = db.movements(&filter).unwrap();
        kept.extend(page.items.iter().map(|m| m.id));
        match page.next {
            Some(next) => filter.page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        kept, acknowledged,
        "every acknowledged movement, and only those"
    );
    assert_eq!(
        db.stock(item, None).unwrap().on_hand,
        "100".parse().unwrap()
    );
    // The promoted standby takes writes, and a replayed key applies nothing.
    let again = db
        .post_once(
            &Movement::receipt(item, "2".parse().unwrap(), "3".parse().unwrap()),
            "receipt-49",
        )
        .unwrap();
    assert_eq!(again.movements[0].id, *acknowledged.last().unwrap());
    assert!(db.verify().unwrap().is_clean());
}
