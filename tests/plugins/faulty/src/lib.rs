//! Test fixture: a plugin that fails the way its configuration asks, so
//! that the host's handling of each failure can be tested.
//!
//! `{"mode": M}` where M is one of: `wrong_abi` (claims ABI 99),
//! `small_table` (fills 16 bytes of table), `init_error`, `validate_error`,
//! `validate_panic`, `sink_error`, `sink_panic`, `export_panic`, or
//! `record` (an event sink appending each event to `"path"` as JSON Lines;
//! with `"kill": "before"` or `"after"` it kills its own process with
//! SIGKILL on the first event, before or after recording it). Its export
//! format, `faulty`, writes the tables and cells it receives as JSON Lines.

use std::io::Write;

use racine_plugin::abi::{RacineHostApi, RacineHostCall, RacinePlugin};
use racine_plugin::{Cell, Column, Export, Host, Plugin, Refusal};
use serde_json::Value;

struct Faulty {
    mode: String,
    path: Option<String>,
    kill: Option<String>,
}

impl Plugin for Faulty {
    const NAME: &'static str = "faulty";
    const VERSION: &'static str = "0.0.1";
    const VALIDATES: bool = true;
    const RECEIVES_EVENTS: bool = true;
    const EXPORT_FORMAT: Option<&'static str> = Some("faulty");
    type Export = Recording;

    fn init(_host: &Host, config: &Value) -> Result<Self, String> {
        let mode = config["mode"].as_str().unwrap_or("record").to_string();
        if mode == "init_error" {
            return Err("init_error: refused on purpose".into());
        }
        Ok(Faulty {
            mode,
            path: config["path"].as_str().map(str::to_owned),
            kill: config["kill"].as_str().map(str::to_owned),
        })
    }

    fn validate(&mut self, _host: &Host, _event: &Value) -> Result<(), Refusal> {
        match self.mode.as_str() {
            "validate_error" => Err(Refusal::Failed("validate_error: failed on purpose".into())),
            "validate_panic" => panic!("validate_panic: panicked on purpose"),
            _ => Ok(()),
        }
    }

    fn on_event(&mut self, _host: &Host, event: &Value) -> Result<(), String> {
        match self.mode.as_str() {
            "sink_error" => return Err("sink_error: failed on purpose".into()),
            "sink_panic" => panic!("sink_panic: panicked on purpose"),
            _ => {}
        }
        if self.kill.as_deref() == Some("before") {
            die();
        }
        if let Some(path) = &self.path {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("{path}: {e}"))?;
            writeln!(f, "{event}").map_err(|e| e.to_string())?;
            f.sync_all().map_err(|e| e.to_string())?;
        }
        if self.kill.as_deref() == Some("after") {
            die();
        }
        Ok(())
    }

    fn begin_export(&mut self, _host: &Host, _options: &Value) -> Result<Recording, Refusal> {
        Ok(Recording {
            panic: self.mode == "export_panic",
        })
    }
}

/// A crash: SIGKILL, so that nothing after it runs (no destructor, no
/// cursor saved).
fn die() -> ! {
    extern "C" {
        // POSIX kill(2), from the C library every process links.
        fn kill(pid: i32, sig: i32) -> i32;
    }
    const SIGKILL: i32 = 9;
    // SAFETY: kill(2) with this process's own id and a signal number.
    unsafe { kill(std::process::id() as i32, SIGKILL) };
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// An exporter that writes what it receives as JSON Lines — a table's
/// name and columns, then each row's cells — or, in `export_panic` mode,
/// panics on the first row.
struct Recording {
    panic: bool,
}

fn line(host: &Host, value: Value) -> Result<(), Refusal> {
    host.write(format!("{value}\n").as_bytes())
        .map_err(Refusal::Veto)
}

impl Export for Recording {
    fn table(&mut self, host: &Host, name: &str, columns: &[Column<'_>]) -> Result<(), Refusal> {
        let columns: Vec<Value> = columns
            .iter()
            .map(|c| serde_json::json!([c.title, c.kind]))
            .collect();
        line(
            host,
            serde_json::json!({ "table": name, "columns": columns }),
        )
    }
    fn row(&mut self, host: &Host, cells: &[Cell<'_>]) -> Result<(), Refusal> {
        if self.panic {
            panic!("export_panic: panicked on purpose")
        }
        let cells: Vec<Value> = cells
            .iter()
            .map(|c| serde_json::json!([c.kind, c.text]))
            .collect();
        line(host, Value::Array(cells))
    }
    fn end(self, _: &Host, _: bool) -> Result<(), Refusal> {
        Ok(())
    }
}

/// The entry point: the SDK's, then the table spoiled as the mode asks.
///
/// # Safety
/// Called by the Racine host with valid pointers.
#[no_mangle]
pub unsafe extern "C" fn racine_plugin_init(
    host_abi: u32,
    host: *const RacineHostApi,
    call: *const RacineHostCall,
    config: *const std::ffi::c_char,
    config_len: usize,
    out: *mut RacinePlugin,
) -> i32 {
    // SAFETY: the host's pointers, passed on as received.
    let status = unsafe {
        racine_plugin::glue::init::<Faulty>(host_abi, host, call, config, config_len, out)
    };
    if status != 0 || config.is_null() {
        return status;
    }
    // SAFETY: `config_len` bytes of JSON from the host.
    let text = unsafe { std::slice::from_raw_parts(config.cast::<u8>(), config_len) };
    let mode = serde_json::from_slice::<Value>(text).unwrap_or(Value::Null)["mode"].clone();
    // SAFETY: the table `init` just filled.
    let table = unsafe { &mut *out };
    match mode.as_str() {
        Some("wrong_abi") => table.abi_version = 99,
        Some("small_table") => table.size = 16,
        // A sink or an exporter only: its failure must not stop writes.
        Some(m) if !m.starts_with("validate") => {
            table.capabilities &= !racine_plugin::abi::RACINE_PLUGIN_VALIDATOR
        }
        _ => {}
    }
    status
}
