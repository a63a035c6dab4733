//! TLS to PostgreSQL: a cluster of this test's own with a certificate of a
//! CA made here (openssl), TLS on and unencrypted TCP refused
//! (`hostnossl … reject`, `scripts/pg-cluster tls`).
//!
//! - `sslmode=require&sslrootcert=CA` opens and writes, in both forms of
//!   connection string;
//! - a plain connection is refused by the server, and says so;
//! - a certificate no trusted CA signed (the system's roots, another CA) is
//!   a `storage` error naming TLS and `sslrootcert`; a CA file that cannot
//!   be read is `invalid_input` naming it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use racine::*;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl runs (.ci/run installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA named `name` in `dir`: its certificate `<name>.pem` and key.
fn ca(dir: &Path, name: &str) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-subj",
            &format!("/CN=Racine test {name}"),
        ],
    );
    dir.join(format!("{name}.pem"))
}

/// A server certificate for 127.0.0.1 and localhost, signed by `ca`.
fn server_cert(dir: &Path, ca: &str) -> (PathBuf, PathBuf) {
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName = IP:127.0.0.1, DNS:localhost\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ],
    );
    (dir.join("server.crt"), dir.join("server.key"))
}

fn cluster(args: &[&str]) -> String {
    let out = Command::new(format!("{ROOT}/scripts/pg-cluster"))
        .args(args)
        .env("PG_FAST", "1")
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "pg-cluster {args:?} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

struct Stop(PathBuf);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = Command::new(format!("{ROOT}/scripts/pg-cluster"))
            .arg("stop")
            .arg(&self.0)
            .status();
    }
}

fn storage_reason(r: Result<Database>) -> String {
    match r {
        Err(Error::Storage { reason, .. }) => reason,
        Err(other) => panic!("expected a storage error, got {other:?}"),
        Ok(_) => panic!("expected a storage error, the database opened"),
    }
}

#[test]
fn tls_with_a_verified_server_certificate() {
    let base = tempfile::Builder::new()
        .prefix("racine-tls")
        .tempdir_in("/tmp")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let certs = base.path().join("certs");
    std::fs::create_dir(&certs).unwrap();
    let shop_ca = ca(&certs, "shop-ca");
    let other_ca = ca(&certs, "other-ca");
    let (cert, key) = server_cert(&certs, "shop-ca");

    let data = base.path().join("cluster");
    let plain = cluster(&["start", data.to_str().unwrap(), "auto"]);
    let port = plain.parse::<postgres::Config>().unwrap().get_ports()[0];
    let _stop = Stop(data.clone());
    cluster(&[
        "tls",
        data.to_str().unwrap(),
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
    ]);

    // Unencrypted: the server refuses it, and the error says why.
    let reason = storage_reason(Database::open(&plain));
    assert!(reason.contains("no encryption"), "{reason}");

    // Encrypted, the server's CA given: opens, writes, reads back.
    let url = format!("{plain}?sslmode=require&sslrootcert={}", shop_ca.display());
    let db = Database::open(&url).unwrap();
    let oak = db.create_item(&NewItem::new("OAK", "Oak")).unwrap().id;
    db.post(&Movement::receipt(
        oak,
        "5".parse().unwrap(),
        "2".parse().unwrap(),
    ))
    .unwrap();
    assert_eq!(db.stock("OAK", None).unwrap().on_hand.to_string(), "5");
    assert!(db.verify().unwrap().is_clean());
    drop(db);

    // The key/value form, to localhost (the certificate's other name).
    let keyvalue = format!(
        "host=localhost port={port} user=racine dbname=postgres sslmode=require sslrootcert={}",
        shop_ca.display()
    );
    let db = Database::open(&keyvalue).unwrap();
    assert_eq!(db.stock("OAK", None).unwrap().on_hand.to_string(), "5");
    drop(db);

    // A certificate no trusted CA signed: the system's roots, another CA.
    for url in [
        format!("{plain}?sslmode=require"),
        format!("{plain}?sslmode=require&sslrootcert={}", other_ca.display()),
    ] {
        let reason = storage_reason(Database::open(&url));
        assert!(
            reason.contains("TLS") && reason.contains("sslrootcert"),
            "{url}: {reason}"
        );
    }

    // A CA file that is not there.
    let missing = certs.join("missing.pem");
    match Database::open(format!(
        "{plain}?sslmode=require&sslrootcert={}",
        missing.display()
    )) {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, "path");
            assert!(message.contains("missing.pem"), "{message}");
        }
        other => panic!("expected invalid input, got {:?}", other.err()),
    }
}
