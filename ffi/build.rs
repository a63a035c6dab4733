//! Tells crates that build C against Racine (`links = "racine"`) where the
//! committed headers are: `DEP_RACINE_INCLUDE`.
fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../include");
    println!("cargo:include={}", dir.display());
    println!("cargo:rerun-if-changed=build.rs");
}
