//! Every file generated from core's catalogue, and the check that the
//! committed ones are fresh.
//!
//! - `schema/racine.json`: the catalogue as JSON Schema (operations, error
//!   kinds, open options, definitions);
//! - `include/racine.h`, `include/racine_php.h`: the C headers (cbindgen
//!   over `ffi/src`, with the catalogue's operation list in the top comment);
//! - `python/racine/_generated.py`, `python/racine/errors.py`;
//! - `php/src/Generated/Operations.php`, the contract `php/src/RacineInterface.php`,
//!   the PHP exception classes, the Laravel facade with its docblock, and the
//!   package's copy of the header (`php/include/racine_php.h`).
//!
//! `cargo run -p racine-codegen` writes them; `cargo test -p racine-codegen`
//! fails when a committed one differs from what the catalogue gives.

use std::path::{Path, PathBuf};

pub mod headers;
pub mod model;
pub mod php;
pub mod python;

/// One generated file: where it goes (from the repository root) and its text.
pub struct Generated {
    pub path: PathBuf,
    pub text: String,
}

/// The repository root (this crate sits in `codegen/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ sits in the repository")
        .to_path_buf()
}

/// Every generated file, from the catalogue as this build of core has it.
pub fn files() -> Vec<Generated> {
    let schema = racine::catalogue::schema();
    let mut text = serde_json::to_string_pretty(&schema).expect("the schema serialises");
    text.push('\n');
    let catalogue = model::Catalogue::new(schema);
    let mut out = vec![Generated {
        path: "schema/racine.json".into(),
        text,
    }];
    out.extend(headers::files());
    out.push(Generated {
        path: "python/racine/_generated.py".into(),
        text: python::generated(&catalogue),
    });
    out.push(Generated {
        path: "python/racine/errors.py".into(),
        text: python::errors(&catalogue),
    });
    out.extend(php::files(&catalogue));
    out
}

/// The generated files whose committed copy differs (or is missing).
pub fn stale() -> Vec<PathBuf> {
    let root = root();
    files()
        .into_iter()
        .filter(|g| std::fs::read_to_string(root.join(&g.path)).ok().as_deref() != Some(&g.text))
        .map(|g| g.path)
        .collect()
}
