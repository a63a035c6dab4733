//! The PostgreSQL server the tests run against: the one
//! `RACINE_TEST_POSTGRES` names (a connection string, as `scripts/test`
//! sets it), or else a throwaway cluster of this test process's own,
//! started with `scripts/pg-cluster` (initdb, pg_ctl, a private socket and
//! a loopback port) and stopped when the process ends.
//!
//! Each database a test asks for is a schema of its own, so tests run in
//! parallel on one server without seeing each other.

#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The connection string of the server.
pub fn server() -> &'static str {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Some(url) = std::env::var("RACINE_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
        {
            return url;
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let dir = std::env::temp_dir().join(format!("racine-pg-{}", std::process::id()));
        // A free port of its own (the script picks it): several test
        // binaries may run at once.
        let out = Command::new(format!("{root}/scripts/pg-cluster"))
            .arg("start")
            .arg(&dir)
            .arg("auto")
            .stderr(Stdio::inherit())
            .output()
            .expect("scripts/pg-cluster runs");
        assert!(
            out.status.success(),
            "could not start a PostgreSQL cluster (install postgresql, or set RACINE_TEST_POSTGRES)"
        );
        // Stops the cluster once this process is gone, however it ends
        // (it outlives this process: never waited for).
        #[allow(clippy::zombie_processes)]
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; '{root}/scripts/pg-cluster' stop '{dir}'",
                pid = std::process::id(),
                dir = dir.display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the cluster's watchdog starts");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

/// A new, empty schema on the server; the connection string that opens it.
pub fn fresh_database() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let schema = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(server(), postgres::NoTls)
        .expect("the test server accepts connections");
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .unwrap();
    in_schema(&schema)
}

/// The connection string of the server with `schema` as its search path.
pub fn in_schema(schema: &str) -> String {
    let sep = if server().contains('?') { '&' } else { '?' };
    format!("{}{sep}options=-csearch_path%3D{schema}", server())
}

/// A raw connection to a test database (to change it behind Racine's back).
pub fn raw(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}
