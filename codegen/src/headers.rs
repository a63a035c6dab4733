//! The C headers: cbindgen over `ffi/src` (pinned version, two configs:
//! C and PHP's FFI), with the catalogue's operation list in the top comment.

use crate::{root, Generated};

/// `include/racine.h`, `include/racine_php.h` (and the PHP package's copy,
/// `php/include/racine_php.h`) and `include/racine_plugin.h`.
pub fn files() -> Vec<Generated> {
    let mut out: Vec<Generated> = [
        ("cbindgen.toml", "racine.h"),
        ("cbindgen-php.toml", "racine_php.h"),
    ]
    .into_iter()
    .map(|(config, header)| Generated {
        path: format!("include/{header}").into(),
        text: generate(config),
    })
    .collect();
    // The Composer package carries its own copy, so that an install copied
    // into vendor/ (a dist archive) finds it without the repository around it.
    let php = out[1].text.clone();
    out.push(Generated {
        path: "php/include/racine_php.h".into(),
        text: php,
    });
    out.push(Generated {
        path: "include/racine_plugin.h".into(),
        text: plugin_header(),
    });
    out
}

/// The plugin ABI: cbindgen over `plugin/src` (its `abi` module).
fn plugin_header() -> String {
    let crate_dir = root().join("plugin");
    let read = |name: &str| {
        std::fs::read_to_string(crate_dir.join(name))
            .unwrap_or_else(|e| panic!("plugin/{name}: {e}"))
    };
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("config");
    config.header = Some(
        read("header-preamble.txt")
            .replace("{version}", racine::VERSION)
            .replace("{abi}", &racine::plugins::ABI_VERSION.to_string())
            .trim_end()
            .to_string(),
    );
    config.trailer = Some(read("header-trailer.txt").trim_end().to_string());
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read plugin/src")
        .write(&mut out);
    String::from_utf8(out).expect("UTF-8")
}

fn generate(config_file: &str) -> String {
    let crate_dir = root().join("ffi");
    let mut config = cbindgen::Config::from_file(crate_dir.join(config_file)).expect("config");
    let preamble = std::fs::read_to_string(crate_dir.join("header-preamble.txt"))
        .expect("ffi/header-preamble.txt")
        .replace("{version}", racine::VERSION)
        .replace("{abi}", &abi_version(&crate_dir))
        .replace("{operations}", &operation_list());
    config.header = Some(preamble.trim_end().to_string());
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read ffi/src")
        .write(&mut out);
    String::from_utf8(out).expect("UTF-8")
}

/// `ABI_VERSION` as `ffi/src/lib.rs` declares it.
fn abi_version(crate_dir: &std::path::Path) -> String {
    let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).expect("ffi/src/lib.rs");
    lib.lines()
        .find_map(|l| l.strip_prefix("pub const ABI_VERSION: u32 = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("ffi/src/lib.rs declares ABI_VERSION")
        .to_string()
}

/// The operations as the header comment lists them: `name {argument,
/// optional?}`, wrapped.
fn operation_list() -> String {
    let schema = racine::catalogue::schema();
    let entries: Vec<String> = schema["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|op| {
            let required: Vec<&str> = op["args"]["required"]
                .as_array()
                .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let args: Vec<String> = op["args"]["properties"]
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
            let name = op["name"].as_str().expect("name");
            if args.is_empty() {
                name.to_string()
            } else {
                format!("{name} {{{}}}", args.join(", "))
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
