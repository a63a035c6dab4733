//! The committed schema, headers and binding surfaces are exactly what the
//! catalogue gives: a new or changed operation or error kind fails here
//! until `cargo run -p racine-codegen` is run and its output committed.

#[test]
fn generated_files_are_fresh() {
    let stale = racine_codegen::stale();
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo run -p racine-codegen` and commit them"
    );
}

#[test]
fn the_php_header_needs_no_preprocessor() {
    let php = racine_codegen::files()
        .into_iter()
        .find(|g| g.path.ends_with("racine_php.h"))
        .unwrap()
        .text;
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
fn every_operation_is_listed_in_the_c_header() {
    let header = racine_codegen::files()
        .into_iter()
        .find(|g| g.path.ends_with("racine.h"))
        .unwrap()
        .text;
    let schema = racine::catalogue::schema();
    for op in schema["operations"].as_array().unwrap() {
        let name = op["name"].as_str().unwrap();
        let listed = [" {", ";", "."]
            .iter()
            .any(|end| header.contains(&format!(" {name}{end}")));
        assert!(
            listed,
            "include/racine.h does not list the operation {name}"
        );
    }
}
