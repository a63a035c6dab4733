//! The committed headers must be exactly what cbindgen generates from the
//! current source: a stale header is a test failure, not a surprise in PHP.
//!
//! `RACINE_UPDATE_HEADERS=1 cargo test -p racine-ffi headers`
//! rewrites them.

use std::path::{Path, PathBuf};

fn generate(config_file: &str) -> String {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(crate_dir.join(config_file)).unwrap();
    let preamble = std::fs::read_to_string(crate_dir.join("header-preamble.txt"))
        .unwrap()
        .replace("{version}", env!("CARGO_PKG_VERSION"))
        .replace("{abi}", &crate::ABI_VERSION.to_string());
    config.header = Some(preamble.trim_end().to_string());
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read ffi/src")
        .write(&mut out);
    String::from_utf8(out).unwrap()
}

fn check(config_file: &str, header: &str) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../include")
        .join(header);
    let fresh = generate(config_file);
    if std::env::var_os("RACINE_UPDATE_HEADERS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/{header} is stale: regenerate it with \
         RACINE_UPDATE_HEADERS=1 cargo test -p racine-ffi headers"
    );
}

#[test]
fn c_header_is_up_to_date() {
    check("cbindgen.toml", "racine.h");
}

#[test]
fn php_header_is_up_to_date() {
    check("cbindgen-php.toml", "racine_php.h");
}

#[test]
fn php_header_needs_no_preprocessor() {
    let php = generate("cbindgen-php.toml");
    for line in php.lines() {
        let t = line.trim_start();
        assert!(!t.starts_with('#'), "PHP's FFI cannot parse {line:?}");
        assert!(
            !t.contains("extern \"C\""),
            "PHP's FFI cannot parse {line:?}"
        );
    }
    assert!(php.contains("racine_version"));
}
