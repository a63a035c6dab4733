//! Loading a plugin's library and the handshake with its entry point.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

use racine_plugin::abi::{self, RacinePlugin, RacinePluginInit};

use super::host::{Call, HOST_API};
use super::{lock, Capability, Loaded, Logbook, Table};
use crate::error::Error;

/// Libraries opened by this process, by path. They are never unloaded: a
/// plugin's code may still be referenced (its table, a thread it started),
/// and unloading gives no isolation anyway.
static LIBRARIES: Mutex<Vec<(PathBuf, &'static libloading::Library)>> = Mutex::new(Vec::new());

/// The v1 table: every field up to `release`. A plugin that fills less is
/// refused ("table too small").
const V1_SIZE: usize = std::mem::size_of::<RacinePlugin>();

fn library(path: &Path) -> Result<&'static libloading::Library, String> {
    let mut open = lock(&LIBRARIES);
    if let Some((_, lib)) = open.iter().find(|(p, _)| p == path) {
        return Ok(lib);
    }
    if !path.is_file() {
        return Err(format!(
            "{} does not exist or is not a file",
            path.display()
        ));
    }
    // SAFETY: loading a library runs its initialisers: plugins are trusted
    // code, named explicitly by the application (see the module docs).
    let lib = unsafe { libloading::Library::new(path) }.map_err(|e| {
        format!(
            "{} could not be loaded as a shared library: {e}",
            path.display()
        )
    })?;
    let lib: &'static libloading::Library = Box::leak(Box::new(lib));
    open.push((path.to_path_buf(), lib));
    Ok(lib)
}

/// A table with nothing filled in yet, and the room the host has.
fn empty_table() -> RacinePlugin {
    RacinePlugin {
        size: V1_SIZE,
        abi_version: 0,
        capabilities: 0,
        name: std::ptr::null(),
        name_len: 0,
        version: std::ptr::null(),
        version_len: 0,
        state: std::ptr::null_mut(),
        validate: None,
        on_event: None,
        export_format: std::ptr::null(),
        export_format_len: 0,
        export_begin: None,
        export_table: None,
        export_row: None,
        export_end: None,
        release: None,
    }
}

/// # Safety
/// `ptr` is NULL or points at `len` bytes valid for the plugin's life.
unsafe fn text(ptr: *const std::ffi::c_char, len: usize, what: &str) -> Result<String, String> {
    if ptr.is_null() || len == 0 {
        return Err(format!("its table has no {what}"));
    }
    // SAFETY: as the caller promises.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| format!("its {what} is not UTF-8"))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

/// Loads the plugin at `path` with `config` (JSON). On failure: the name
/// to list it under, the error, and what it logged.
pub(super) fn load(path: &Path, config: &str) -> Result<Loaded, Box<(String, Error, Logbook)>> {
    let log = Logbook::default();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let refuse = |name: &str, message: String, log: Logbook| {
        let error = Error::Plugin {
            plugin: name.to_string(),
            message,
        };
        Box::new((name.to_string(), error, log))
    };
    let lib = match library(path) {
        Ok(lib) => lib,
        Err(e) => return Err(refuse(&file_name, e, log)),
    };
    let entry = abi::RACINE_PLUGIN_ENTRY_POINT;
    // SAFETY: the symbol is declared by the ABI with this signature; the
    // function pointer is copied out, valid as long as the library is
    // loaded, which is forever.
    let init: RacinePluginInit = match unsafe { lib.get::<RacinePluginInit>(entry.as_bytes()) } {
        Ok(symbol) => *symbol,
        Err(_) => {
            return Err(refuse(
                &file_name,
                format!(
                    "{} exports no {entry} function: it is not a Racine plugin",
                    path.display()
                ),
                log,
            ))
        }
    };
    let mut table = empty_table();
    let call = Call::new(&log, None);
    // SAFETY: the entry point as the ABI declares it: the host's static
    // table, a live call, `config` of `len` bytes, a table with `size` room.
    let status = unsafe {
        init(
            abi::RACINE_PLUGIN_ABI_VERSION,
            &HOST_API.0,
            call.as_abi(),
            config.as_ptr().cast(),
            config.len(),
            &mut table,
        )
    };
    let message = call.message_or("no message");
    drop(call);
    if status != abi::RACINE_PLUGIN_OK {
        let cause = if status == abi::RACINE_PLUGIN_PANIC {
            "panicked"
        } else {
            "refused to start"
        };
        return Err(refuse(
            &file_name,
            format!("{entry} {cause}: {message}"),
            log,
        ));
    }
    // Checked before anything else is read from the table: another version
    // may lay it out differently. Such a table is not released (its
    // `release` cannot be trusted): the plugin's state leaks, once.
    if table.abi_version != abi::RACINE_PLUGIN_ABI_VERSION {
        return Err(refuse(
            &file_name,
            format!(
                "built for plugin ABI {}; this Racine speaks plugin ABI {}",
                table.abi_version,
                abi::RACINE_PLUGIN_ABI_VERSION
            ),
            log,
        ));
    }
    if table.size != V1_SIZE {
        return Err(refuse(
            &file_name,
            format!(
                "its table is {} bytes; plugin ABI {} needs {V1_SIZE}",
                table.size,
                abi::RACINE_PLUGIN_ABI_VERSION
            ),
            log,
        ));
    }
    // From here the table is whole: a refusal releases the plugin (Drop).
    let mut loaded = Loaded {
        name: file_name.clone(),
        version: None,
        path: path.display().to_string(),
        capabilities: Vec::new(),
        export_format: None,
        table: Some(Table(table)),
        calls: Mutex::new(()),
        failure: Mutex::new(None),
        log,
        delivered: AtomicU64::new(0),
        vetoes: AtomicU64::new(0),
        cursor: AtomicU64::new(0),
    };
    match describe(&mut loaded) {
        Ok(()) => Ok(loaded),
        Err(message) => {
            let name = loaded.name.clone();
            let log = std::mem::take(&mut loaded.log);
            drop(loaded);
            Err(refuse(&name, message, log))
        }
    }
}

/// Reads name, version and capabilities from a whole table, checking that
/// each capability comes with its callbacks.
fn describe(p: &mut Loaded) -> Result<(), String> {
    let Some(Table(t)) = &p.table else {
        return Err("no table".into());
    };
    // SAFETY: strings the plugin owns until `release`, with their lengths.
    let name = unsafe { text(t.name, t.name_len, "name") }?;
    if !valid_name(&name) {
        return Err(format!(
            "its name {name:?} is not 1 to 64 letters, digits, _, - or ."
        ));
    }
    p.name = name;
    // SAFETY: as above.
    p.version = Some(unsafe { text(t.version, t.version_len, "version") }.unwrap_or_default());
    let declared = |bit| t.capabilities & bit != 0;
    if declared(abi::RACINE_PLUGIN_VALIDATOR) {
        if t.validate.is_none() {
            return Err("it declares a validator but has no validate callback".into());
        }
        p.capabilities.push(Capability::Validator);
    }
    if declared(abi::RACINE_PLUGIN_EVENT_SINK) {
        if t.on_event.is_none() {
            return Err("it declares an event sink but has no on_event callback".into());
        }
        p.capabilities.push(Capability::EventSink);
    }
    if declared(abi::RACINE_PLUGIN_EXPORTER) {
        let callbacks = [
            t.export_begin.is_some(),
            t.export_table.is_some(),
            t.export_row.is_some(),
            t.export_end.is_some(),
        ];
        if callbacks.contains(&false) {
            return Err("it declares an exporter but lacks one of the export_* callbacks".into());
        }
        // SAFETY: as above.
        let format = unsafe { text(t.export_format, t.export_format_len, "export format") }?;
        if !valid_name(&format) || matches!(format.as_str(), "xlsx" | "csv" | "plugin") {
            return Err(format!(
                "its export format {format:?} is not a new name of 1 to 64 letters, digits, _, - or ."
            ));
        }
        p.export_format = Some(format);
        p.capabilities.push(Capability::Exporter);
    }
    Ok(())
}
