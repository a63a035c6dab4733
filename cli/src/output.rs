//! What the tool prints: JSON for scripts (`--json`), tables for people,
//! and the exit code of each error kind.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, ContentArrangement, Table};
use racine::{Error, ErrorCode};
use serde_json::Value;

/// Exit code of a run that found drift (`verify`).
pub const DRIFT: u8 = 3;

/// Exit code of an error of the library: 10 + its stable number (the C
/// status), so `not_found` is 11 and `import_refused` 23.
pub fn exit_code(e: &Error) -> u8 {
    10 + e.code().number() as u8
}

/// The table of exit codes, for `--help`.
pub fn exit_codes_help() -> String {
    let mut text = String::from(
        "Exit codes:\n  0   done\n  2   the command line is wrong\n  3   verify found drift\n",
    );
    for code in ErrorCode::ALL {
        text.push_str(&format!("  {:<3} {}\n", 10 + code.number(), code.name()));
    }
    text
}

/// Prints `value` as JSON, or as tables under `title`.
pub fn print(value: &Value, json: bool, title: &str) {
    print_columns(value, json, title, &[]);
}

/// Like [`print`]; a list of records shows only `columns` in a table
/// (every field in JSON).
pub fn print_columns(value: &Value, json: bool, title: &str, columns: &[&str]) {
    if json {
        write_out(&format!(
            "{}\n",
            serde_json::to_string_pretty(value).unwrap_or_default()
        ));
        return;
    }
    let mut out = String::new();
    match value {
        Value::Array(rows) if !columns.is_empty() => {
            let picked: Vec<Value> = rows
                .iter()
                .map(|r| {
                    Value::Object(
                        columns
                            .iter()
                            .map(|c| (c.to_string(), r.get(*c).cloned().unwrap_or(Value::Null)))
                            .collect(),
                    )
                })
                .collect();
            render(&mut out, title, &Value::Array(picked));
        }
        _ => render(&mut out, title, value),
    }
    write_out(&out);
}

/// Writes to stdout; a closed pipe (`racine movements | head`) ends the
/// output quietly instead of panicking.
pub fn write_out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

/// Prints an error on stderr (and as JSON on stdout with `--json`).
pub fn print_error(e: &Error, json: bool) {
    if json {
        write_out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({ "error": e.details() }))
                .unwrap_or_default()
        ));
    }
    eprintln!("error [{}]: {e}", e.code().name());
    if let Error::ImportRefused { problems, .. } = e {
        if !json {
            let rows: Vec<Value> = problems
                .iter()
                .map(|p| serde_json::to_value(p).unwrap_or_default())
                .collect();
            let mut out = String::new();
            render(&mut out, "", &Value::Array(rows));
            eprint!("{out}");
        }
    }
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

/// A scalar as a cell: strings without quotes, null as empty.
fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            a.iter().map(scalar).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

fn is_rows(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object))
}

/// Objects become a field/value table (nested objects as `a.b`), with a
/// titled table for each list of records they hold; a list of records
/// becomes one table with a column per field.
fn render(out: &mut String, title: &str, value: &Value) {
    match value {
        Value::Array(rows) if is_rows(value) => {
            let mut columns: Vec<String> = Vec::new();
            for r in rows {
                for k in r.as_object().into_iter().flat_map(|o| o.keys()) {
                    if !columns.contains(k) {
                        columns.push(k.clone());
                    }
                }
            }
            let mut t = table();
            t.set_header(columns.iter().map(Cell::new));
            for r in rows {
                t.add_row(
                    columns
                        .iter()
                        .map(|c| Cell::new(r.get(c).map(scalar).unwrap_or_default())),
                );
            }
            if !title.is_empty() {
                out.push_str(&format!("{title}\n"));
            }
            out.push_str(&format!("{t}\n"));
        }
        Value::Array(rows) if rows.is_empty() => {
            out.push_str(&format!("{}(none)\n", heading(title)));
        }
        Value::Object(_) => {
            let mut fields = Vec::new();
            let mut lists = Vec::new();
            flatten("", value, &mut fields, &mut lists);
            if !fields.is_empty() {
                let mut t = table();
                t.set_header(vec!["field", "value"]);
                for (k, v) in fields {
                    t.add_row(vec![k, v]);
                }
                if !title.is_empty() {
                    out.push_str(&format!("{title}\n"));
                }
                out.push_str(&format!("{t}\n"));
            }
            for (name, list) in lists {
                render(out, &name, list);
            }
        }
        other => out.push_str(&format!("{}{}\n", heading(title), scalar(other))),
    }
}

fn heading(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!("{title}: ")
    }
}

fn flatten<'v>(
    prefix: &str,
    value: &'v Value,
    fields: &mut Vec<(String, String)>,
    lists: &mut Vec<(String, &'v Value)>,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    for (k, v) in object {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        // How each figure is defined is for scripts and docs (--json).
        if k == "definition" || k == "definitions" {
            continue;
        }
        match v {
            Value::Object(_) => flatten(&name, v, fields, lists),
            Value::Array(a) if is_rows(v) || (a.is_empty() && k != "tags") => lists.push((name, v)),
            _ => fields.push((name, scalar(v))),
        }
    }
}
