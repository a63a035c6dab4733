//! TLS to the server, chosen by the connection string as libpq users know
//! it: `sslmode=require` encrypts the connection and verifies the server's
//! certificate (its chain, and that it names the host connected to)
//! against the operating system's trusted roots, or against the CA
//! certificates of `sslrootcert=PATH` alone. Without `sslmode`, or with
//! `disable` or `prefer`, the connection is not encrypted.
//!
//! Stricter than libpq's `require`, which encrypts without checking who
//! answers: a ledger's connection string carries its password.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

/// `target` without its `sslrootcert` (which the client library does not
/// know), and the path it gave. Both forms of connection string: a URL's
/// query (`?sslmode=require&sslrootcert=/etc/racine/ca.pem`) or a
/// key/value string (`host=db sslmode=require sslrootcert=/etc/ca.pem`,
/// a path without spaces).
pub(crate) fn take_root_cert(target: &str) -> (String, Option<String>) {
    let is_url = target.starts_with("postgres://") || target.starts_with("postgresql://");
    if is_url {
        let Some((base, query)) = target.split_once('?') else {
            return (target.to_string(), None);
        };
        let mut path = None;
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| match pair.strip_prefix("sslrootcert=") {
                Some(value) => {
                    path = Some(percent_decoded(value));
                    false
                }
                None => true,
            })
            .collect();
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return (rest, path);
    }
    if !target
        .split_whitespace()
        .any(|p| p.starts_with("sslrootcert="))
    {
        // Left as given: quoted values keep their spaces.
        return (target.to_string(), None);
    }
    let mut path = None;
    let kept: Vec<&str> = target
        .split_whitespace()
        .filter(|part| match part.strip_prefix("sslrootcert=") {
            Some(value) => {
                path = Some(value.trim_matches('\'').to_string());
                false
            }
            None => true,
        })
        .collect();
    (kept.join(" "), path)
}

fn percent_decoded(value: &str) -> String {
    percent_encoding::percent_decode_str(value)
        .decode_utf8_lossy()
        .into_owned()
}

/// The TLS connector: trusting the CA certificates in the PEM file
/// `root_cert`, or the operating system's roots.
pub(crate) fn connector(root_cert: Option<&str>) -> Result<MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| {
                    Error::invalid(
                        "path",
                        format!("sslrootcert {path}: cannot read CA certificates from it ({e})"),
                    )
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(Error::invalid(
                    "path",
                    format!("sslrootcert {path} holds no CA certificate (PEM, BEGIN CERTIFICATE)"),
                ));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(Error::invalid(
                    "path",
                    "sslmode=require: this machine has no trusted CA certificates (install \
                     ca-certificates), or give the server's CA with sslrootcert=PATH",
                ));
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Storage {
            reason: format!("TLS set-up failed: {e}"),
            source: None,
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// Whether a connection error came from the TLS handshake (a certificate
/// refused, a server without TLS).
pub(crate) fn failed_handshake(e: &postgres::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<rustls::Error>() {
            return Some(t.to_string());
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if let Some(t) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Some(t.to_string());
            }
        }
        source = s.source();
    }
    let text = e.to_string();
    text.contains("TLS").then_some(text)
}

#[cfg(test)]
mod tests {
    use super::take_root_cert;

    #[test]
    fn sslrootcert_is_taken_out_of_both_forms() {
        assert_eq!(
            take_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=%2Fetc%2Fca.pem"),
            (
                "postgres://u@h/db?sslmode=require".to_string(),
                Some("/etc/ca.pem".to_string())
            )
        );
        assert_eq!(
            take_root_cert("postgresql://u@h/db?sslrootcert=/ca.pem"),
            (
                "postgresql://u@h/db".to_string(),
                Some("/ca.pem".to_string())
            )
        );
        assert_eq!(
            take_root_cert("host=h sslmode=require sslrootcert=/ca.pem dbname=shop"),
            (
                "host=h sslmode=require dbname=shop".to_string(),
                Some("/ca.pem".to_string())
            )
        );
        assert_eq!(
            take_root_cert("postgres://u@h/db?sslmode=require"),
            ("postgres://u@h/db?sslmode=require".to_string(), None)
        );
    }
}
