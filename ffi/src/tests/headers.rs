//! The committed headers must be exactly what cbindgen generates from the
//! current source: a stale header is a test failure, not a surprise in PHP.
//!
//! `RACINE_UPDATE_HEADERS=1 cargo test -p racine-ffi headers` (or
//! `cargo run -p racine-codegen`) rewrites them. The operation list in the
//! top comment comes from core's catalogue, so a new operation makes the
//! committed header stale until it is regenerated.

use std::path::{Path, PathBuf};

fn generate(config_file: &str) -> String {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(crate_dir.join(config_file)).unwrap();
    let preamble = std::fs::read_to_string(crate_dir.join("header-preamble.txt"))
        .unwrap()
        .replace("{version}", env!("CARGO_PKG_VERSION"))
        .replace("{abi}", &crate::ABI_VERSION.to_string())
        .replace("{operations}", &operation_list());
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

/// The operations of core's catalogue as the header comment lists them:
/// `name {argument, optional?}`, wrapped.
fn operation_list() -> String {
    let mut generator = schemars::SchemaGenerator::default();
    let entries: Vec<String> = racine_core::catalogue::operations(&mut generator)
        .iter()
        .map(|op| {
            let required: Vec<&str> = op.args["required"]
                .as_array()
                .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let args: Vec<String> = op.args["properties"]
                .as_object()
                .map(|p| {
                    p.keys()
                        .map(|k| {
                            if required.contains(&k.as_str()) {
                                k.clone()
                            } else {
                                format!("{k}?")
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            if args.is_empty() {
                op.name.to_string()
            } else {
                format!("{} {{{}}}", op.name, args.join(", "))
            }
        })
        .collect();
    let mut lines = Vec::new();
    let mut line = String::new();
    for (i, entry) in entries.iter().enumerate() {
        let piece = if i + 1 == entries.len() {
            format!("{entry}.")
        } else {
            format!("{entry};")
        };
        if !line.is_empty() && line.len() + 1 + piece.len() > 72 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    lines.push(line);
    lines
        .iter()
        .map(|l| format!(" *      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
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
        "include/{header} is stale: regenerate it with `cargo run -p racine-codegen`"
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

#[test]
fn every_operation_of_the_catalogue_is_listed() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../include/racine.h"))
            .unwrap();
    let mut generator = schemars::SchemaGenerator::default();
    for op in racine_core::catalogue::operations(&mut generator) {
        let listed = header.contains(&format!(" {} {{", op.name))
            || header.contains(&format!(" {};", op.name))
            || header.contains(&format!(" {}.", op.name));
        assert!(
            listed,
            "include/racine.h does not list the operation {}",
            op.name
        );
    }
}
