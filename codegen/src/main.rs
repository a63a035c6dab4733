//! `cargo run -p racine-codegen` rewrites every file generated from core's
//! catalogue; `-- --check` only lists the stale ones (exit code 1 if any).

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = racine_codegen::root();
    if check {
        let stale = racine_codegen::stale();
        for path in &stale {
            eprintln!("stale: {}", path.display());
        }
        return if stale.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    for g in racine_codegen::files() {
        let path = root.join(&g.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(&g.text) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the folder");
        }
        std::fs::write(&path, &g.text).expect("write the file");
        println!("wrote {}", g.path.display());
    }
    ExitCode::SUCCESS
}
