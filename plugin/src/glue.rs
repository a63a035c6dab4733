//! The C callbacks [`crate::export_plugin!`] installs for a [`Plugin`]:
//! strings in, typed values to the trait, statuses out, and no panic past
//! the boundary (since Rust 1.81 that would abort the host process).

use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::Value;

use crate::abi::*;
use crate::host::text;
use crate::{Cell, Column, Export, Host, Plugin, Refusal};

/// A loaded plugin: the trait object and the host's table.
struct Instance<P> {
    plugin: P,
    api: *const RacineHostApi,
}

/// Runs `f`, turning a panic into `RACINE_PLUGIN_PANIC` with its message.
fn guard(api: *const RacineHostApi, call: *const RacineHostCall, f: impl FnOnce() -> i32) -> i32 {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(status) => status,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".into());
            // SAFETY: the host's table, valid for the plugin's life.
            if let Some(api) = unsafe { api.as_ref() } {
                // SAFETY: the call of the current callback.
                unsafe { Host::new(api, call) }.set_message(&format!("panicked: {what}"));
            }
            RACINE_PLUGIN_PANIC
        }
    }
}

fn fail(host: &Host, message: &str) -> i32 {
    host.set_message(message);
    RACINE_PLUGIN_ERROR
}

/// The status of a refusal, its message set.
fn refuse(host: &Host, r: Refusal) -> i32 {
    match r {
        Refusal::Veto(why) => {
            host.set_message(&why);
            RACINE_PLUGIN_VETO
        }
        Refusal::Failed(why) => fail(host, &why),
    }
}

fn json(s: &str) -> Result<Value, String> {
    if s.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(s).map_err(|e| format!("the host sent malformed JSON: {e}"))
}

/// `racine_plugin_init` for `P`.
///
/// # Safety
/// The pointers are the host's, as the ABI describes.
pub unsafe fn init<P: Plugin>(
    host_abi: u32,
    api: *const RacineHostApi,
    call: *const RacineHostCall,
    config: *const c_char,
    config_len: usize,
    out: *mut RacinePlugin,
) -> i32 {
    guard(api, call, || {
        // SAFETY: the host's table (or NULL).
        let Some(api_ref) = (unsafe { api.as_ref() }) else {
            return RACINE_PLUGIN_ERROR;
        };
        // SAFETY: valid for this call.
        let host = unsafe { Host::new(api_ref, call) };
        if host_abi != RACINE_PLUGIN_ABI_VERSION {
            return fail(
                &host,
                &format!(
                    "{} was built for plugin ABI {RACINE_PLUGIN_ABI_VERSION}; the host speaks ABI {host_abi}",
                    P::NAME
                ),
            );
        }
        // SAFETY: the host's table to fill (or NULL).
        let Some(out) = (unsafe { out.as_mut() }) else {
            return fail(&host, "no plugin table to fill");
        };
        if out.size < std::mem::size_of::<RacinePlugin>() {
            return fail(
                &host,
                &format!(
                    "the host has room for {} bytes of plugin table, {} needs {}",
                    out.size,
                    P::NAME,
                    std::mem::size_of::<RacinePlugin>()
                ),
            );
        }
        // SAFETY: `config_len` bytes at `config`.
        let config = match json(unsafe { text(config, config_len) }) {
            Ok(c) => c,
            Err(e) => return fail(&host, &e),
        };
        let plugin = match P::init(&host, &config) {
            Ok(p) => p,
            Err(e) => return fail(&host, &e),
        };
        let state = Box::into_raw(Box::new(Instance { plugin, api })).cast::<c_void>();
        let mut capabilities = 0;
        if P::VALIDATES {
            capabilities |= RACINE_PLUGIN_VALIDATOR;
        }
        if P::RECEIVES_EVENTS {
            capabilities |= RACINE_PLUGIN_EVENT_SINK;
        }
        let format = P::EXPORT_FORMAT.unwrap_or("");
        if P::EXPORT_FORMAT.is_some() {
            capabilities |= RACINE_PLUGIN_EXPORTER;
        }
        *out = RacinePlugin {
            size: std::mem::size_of::<RacinePlugin>(),
            abi_version: RACINE_PLUGIN_ABI_VERSION,
            capabilities,
            name: P::NAME.as_ptr().cast(),
            name_len: P::NAME.len(),
            version: P::VERSION.as_ptr().cast(),
            version_len: P::VERSION.len(),
            state,
            validate: Some(validate::<P>),
            on_event: Some(on_event::<P>),
            export_format: format.as_ptr().cast(),
            export_format_len: format.len(),
            export_begin: Some(export_begin::<P>),
            export_table: Some(export_table::<P>),
            export_row: Some(export_row::<P>),
            export_end: Some(export_end::<P>),
            release: Some(release::<P>),
        };
        RACINE_PLUGIN_OK
    })
}

/// # Safety
/// `state` is an `Instance<P>` this module made, not yet released.
unsafe fn instance<'a, P>(state: *mut c_void) -> &'a mut Instance<P> {
    // SAFETY: as promised; the host never calls one plugin from two threads.
    unsafe { &mut *state.cast::<Instance<P>>() }
}

/// One guarded callback on the plugin with the JSON the host sent (an
/// event, an export's options); `f` gets the plugin, the host and the value.
///
/// # Safety
/// `state` is an `Instance<P>` this module made; `ptr` holds `len` bytes.
unsafe fn with_json<P: Plugin>(
    state: *mut c_void,
    call: *const RacineHostCall,
    ptr: *const c_char,
    len: usize,
    f: impl FnOnce(&mut P, &Host, Value, *const RacineHostApi) -> i32,
) -> i32 {
    // SAFETY: the host passes back the state it was given.
    let me = unsafe { instance::<P>(state) };
    let api = me.api;
    guard(api, call, || {
        // SAFETY: the host's table and the current call.
        let host = unsafe { Host::new(&*api, call) };
        // SAFETY: `len` bytes of JSON, as the caller promises.
        match json(unsafe { text(ptr, len) }) {
            Ok(value) => f(&mut me.plugin, &host, value, api),
            Err(e) => fail(&host, &e),
        }
    })
}

unsafe extern "C" fn validate<P: Plugin>(
    state: *mut c_void,
    call: *const RacineHostCall,
    event: *const c_char,
    len: usize,
) -> i32 {
    // SAFETY: the host's state and `len` bytes of event JSON.
    unsafe {
        with_json::<P>(state, call, event, len, |p, host, event, _| {
            match p.validate(host, &event) {
                Ok(()) => RACINE_PLUGIN_OK,
                Err(r) => refuse(host, r),
            }
        })
    }
}

unsafe extern "C" fn on_event<P: Plugin>(
    state: *mut c_void,
    call: *const RacineHostCall,
    _id: i64,
    event: *const c_char,
    len: usize,
) -> i32 {
    // SAFETY: as in `validate`.
    unsafe {
        with_json::<P>(state, call, event, len, |p, host, event, _| {
            match p.on_event(host, &event) {
                Ok(()) => RACINE_PLUGIN_OK,
                Err(why) => fail(host, &why),
            }
        })
    }
}

/// One export in progress: the plugin's exporter and the host's table.
struct Exporting<E> {
    export: E,
    api: *const RacineHostApi,
}

unsafe extern "C" fn export_begin<P: Plugin>(
    state: *mut c_void,
    call: *const RacineHostCall,
    options: *const c_char,
    len: usize,
    out: *mut *mut c_void,
) -> i32 {
    let begin = |p: &mut P, host: &Host, options: Value, api| {
        if out.is_null() {
            return fail(host, "no place for the export's state");
        }
        match p.begin_export(host, &options) {
            Ok(export) => {
                let boxed = Box::new(Exporting { export, api });
                // SAFETY: checked non-NULL above.
                unsafe { *out = Box::into_raw(boxed).cast() };
                RACINE_PLUGIN_OK
            }
            Err(r) => refuse(host, r),
        }
    };
    // SAFETY: the host's state and `len` bytes of options JSON.
    unsafe { with_json::<P>(state, call, options, len, begin) }
}

/// # Safety
/// `export` is an `Exporting` made by `export_begin`, not yet ended.
unsafe fn exporting<'a, E>(export: *mut c_void) -> &'a mut Exporting<E> {
    // SAFETY: as promised.
    unsafe { &mut *export.cast::<Exporting<E>>() }
}

/// # Safety
/// `ptr` points at `count` values valid for the call, or is NULL.
unsafe fn slice<'a, T>(ptr: *const T, count: usize) -> &'a [T] {
    if ptr.is_null() {
        &[]
    } else {
        // SAFETY: as the caller promises.
        unsafe { std::slice::from_raw_parts(ptr, count) }
    }
}

unsafe extern "C" fn export_table<P: Plugin>(
    export: *mut c_void,
    call: *const RacineHostCall,
    name: *const c_char,
    name_len: usize,
    columns: *const RacineColumn,
    count: usize,
) -> i32 {
    // SAFETY: the host passes back what `export_begin` made.
    let ex = unsafe { exporting::<P::Export>(export) };
    let api = ex.api;
    guard(api, call, || {
        // SAFETY: as in `validate`.
        let host = unsafe { Host::new(&*api, call) };
        // SAFETY: `count` columns at `columns`, valid for the call; each
        // as the host passed it.
        let columns: Vec<Column<'_>> = unsafe { slice(columns, count) }
            .iter()
            .map(|c| unsafe { Column::from_abi(c) })
            .collect();
        // SAFETY: `name_len` bytes at `name`.
        let name = unsafe { text(name, name_len) };
        match ex.export.table(&host, name, &columns) {
            Ok(()) => RACINE_PLUGIN_OK,
            Err(r) => refuse(&host, r),
        }
    })
}

unsafe extern "C" fn export_row<P: Plugin>(
    export: *mut c_void,
    call: *const RacineHostCall,
    cells: *const RacineCell,
    count: usize,
) -> i32 {
    // SAFETY: as in `export_table`.
    let ex = unsafe { exporting::<P::Export>(export) };
    let api = ex.api;
    guard(api, call, || {
        // SAFETY: as in `validate`.
        let host = unsafe { Host::new(&*api, call) };
        // SAFETY: `count` cells, valid for the call; each as the host passed it.
        let cells: Vec<Cell<'_>> = unsafe { slice(cells, count) }
            .iter()
            .map(|c| unsafe { Cell::from_abi(c) })
            .collect();
        match ex.export.row(&host, &cells) {
            Ok(()) => RACINE_PLUGIN_OK,
            Err(r) => refuse(&host, r),
        }
    })
}

unsafe extern "C" fn export_end<P: Plugin>(
    export: *mut c_void,
    call: *const RacineHostCall,
    complete: bool,
) -> i32 {
    if export.is_null() {
        return RACINE_PLUGIN_ERROR;
    }
    // SAFETY: made by `export_begin`; the host ends an export once.
    let ex = unsafe { Box::from_raw(export.cast::<Exporting<P::Export>>()) };
    let api = ex.api;
    guard(api, call, move || {
        // SAFETY: as in `validate`.
        let host = unsafe { Host::new(&*api, call) };
        match ex.export.end(&host, complete) {
            Ok(()) => RACINE_PLUGIN_OK,
            Err(r) => refuse(&host, r),
        }
    })
}

unsafe extern "C" fn release<P: Plugin>(state: *mut c_void) {
    if state.is_null() {
        return;
    }
    // A panic in a destructor must not cross the boundary either.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: made by `init`; the host releases once.
        drop(unsafe { Box::from_raw(state.cast::<Instance<P>>()) });
    }));
}
