//! `racine._racine`: the native half of the Python package.
//!
//! Deliberately small: an `Engine` that owns a `racine::Database` and runs
//! the core's JSON requests (`racine::api`) with the GIL released, plus a
//! typed stock read for the hot path. Pythonic names, `Decimal`s,
//! `datetime`s and result classes live in the pure-Python package beside it
//! (`racine/_database.py`), so every rule stays in core and every conversion
//! is written once.

use std::path::Path;
use std::sync::{Mutex, RwLock};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use racine::exports::{Destination, Export, Progress};
use racine::{api, Database, Error, OpenOptions};

/// A failure on its way to Python: a core error, or a closed engine.
enum Failure {
    Core(Error),
    Closed,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

/// Builds the matching `racine.errors` exception from the error's details.
fn to_py(py: Python<'_>, failure: Failure) -> PyErr {
    let details = match failure {
        Failure::Core(e) => e.details().to_string(),
        Failure::Closed => r#"{"code":"closed","message":"the database was closed"}"#.to_string(),
    };
    match py
        .import("racine.errors")
        .and_then(|m| m.call_method1("_from_details", (details,)))
    {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

/// An open Racine database. Use `racine.Database`, which wraps it.
#[pyclass(frozen, module = "racine._racine")]
struct Engine {
    // `None` once closed.
    db: RwLock<Option<Database>>,
}

impl Engine {
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Database) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        // The GIL is released while Racine works (SQLite I/O, busy waits):
        // other Python threads keep running.
        py.detach(|| {
            let guard = self.db.read().unwrap_or_else(|p| p.into_inner());
            match guard.as_ref() {
                Some(db) => f(db).map_err(Failure::from),
                None => Err(Failure::Closed),
            }
        })
        .map_err(|f| to_py(py, f))
    }
}

#[pymethods]
impl Engine {
    /// Opens (or creates) the database at `path` (`:memory:` for a private
    /// in-memory one). `options_json` is the JSON form of `OpenOptions`.
    #[new]
    #[pyo3(signature = (path, options_json=None))]
    fn new(py: Python<'_>, path: String, options_json: Option<String>) -> PyResult<Engine> {
        let options = match options_json {
            Some(json) => OpenOptions::from_json(&json).map_err(|e| to_py(py, e.into()))?,
            None => OpenOptions::default(),
        };
        let db = py
            .detach(|| Database::open_with(&path, &options))
            .map_err(|e| to_py(py, e.into()))?;
        Ok(Engine {
            db: RwLock::new(Some(db)),
        })
    }

    /// Runs one JSON request (see `racine::api::Request`); returns the JSON
    /// result.
    fn call(&self, py: Python<'_>, request: String) -> PyResult<String> {
        self.with(py, move |db| Ok(api::call(db, &request)?.to_string()))
    }

    /// Stock of `item` in `warehouse` (all warehouses when `None`) as raw
    /// millionths: `(on_hand, reserved, available, value)`.
    #[pyo3(signature = (item, warehouse=None))]
    fn stock_raw(
        &self,
        py: Python<'_>,
        item: i64,
        warehouse: Option<i64>,
    ) -> PyResult<(i64, i64, i64, i64)> {
        self.with(py, move |db| {
            let s = db.stock(item, warehouse)?;
            Ok((
                s.on_hand.raw(),
                s.reserved.raw(),
                s.available.raw(),
                s.value.raw(),
            ))
        })
    }

    /// Stock of `item` as a tuple, decimals as raw millionths (the typed
    /// path behind `Database.stock`): `(item, sku, warehouse, on_hand,
    /// reserved, available, value, unit_value, reorder_point)`.
    #[allow(clippy::type_complexity)]
    #[pyo3(signature = (item, warehouse=None))]
    fn stock_level(
        &self,
        py: Python<'_>,
        item: i64,
        warehouse: Option<i64>,
    ) -> PyResult<(
        i64,
        String,
        Option<i64>,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<i64>,
    )> {
        self.with(py, move |db| {
            let s = db.stock(item, warehouse)?;
            Ok((
                s.item,
                s.sku,
                s.warehouse,
                s.on_hand.raw(),
                s.reserved.raw(),
                s.available.raw(),
                s.value.raw(),
                s.unit_value.raw(),
                s.reorder_point.map(|d| d.raw()),
            ))
        })
    }

    /// Exports (`export_json`: the JSON of `racine::Export`) to the file at
    /// `path`, or to `writer.write(bytes)` when `path` is `None`; calls
    /// `progress(sheet, sheet_rows, sheet_total, rows, done)` as it goes
    /// (a `False` return cancels). Returns the summary's JSON. The GIL is
    /// released while rows are read and written, taken back for each call
    /// into Python; an exception raised there is raised here.
    #[pyo3(signature = (export_json, path=None, writer=None, progress=None))]
    fn export(
        &self,
        py: Python<'_>,
        export_json: String,
        path: Option<String>,
        writer: Option<Py<PyAny>>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let export = Export::from_json(&export_json).map_err(|e| to_py(py, e.into()))?;
        if path.is_none() && writer.is_none() {
            return Err(PyValueError::new_err("give a path or a writer"));
        }
        // The first Python exception raised by a callback, raised again
        // instead of the error the core reports for it.
        let raised: Mutex<Option<PyErr>> = Mutex::new(None);
        let outcome = py.detach(|| {
            let guard = self.db.read().unwrap_or_else(|p| p.into_inner());
            let Some(db) = guard.as_ref() else {
                return Err(Failure::Closed);
            };
            let mut report = |p: &Progress<'_>| -> bool {
                let Some(f) = &progress else { return true };
                Python::attach(|py| {
                    match f.call1(py, (p.sheet, p.sheet_rows, p.sheet_total, p.rows, p.done)) {
                        Ok(r) => !r.bind(py).is(&*pyo3::types::PyBool::new(py, false)),
                        Err(e) => {
                            raised
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .get_or_insert(e);
                            false
                        }
                    }
                })
            };
            let summary = match (&path, &writer) {
                (Some(path), _) => {
                    db.export_with(&export, Destination::Path(Path::new(path)), &mut report)
                }
                (None, Some(w)) => {
                    let mut w = PyWriter {
                        writer: w,
                        raised: &raised,
                    };
                    db.export_with(&export, Destination::Writer(&mut w), &mut report)
                }
                (None, None) => unreachable!("checked above"),
            };
            Ok(summary?)
        });
        if let Some(e) = raised.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        let summary = outcome.map_err(|f| to_py(py, f))?;
        serde_json::to_string(&summary).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Closes the database; later calls raise `DatabaseClosedError`.
    /// Waits for calls running in other threads. Closing twice is harmless.
    fn close(&self, py: Python<'_>) {
        py.detach(|| {
            self.db.write().unwrap_or_else(|p| p.into_inner()).take();
        });
    }

    /// Benchmark helper (not API): `n` stock reads in Rust over `pairs` of
    /// (item, warehouse), without crossing into Python; nanoseconds per read.
    fn _bench_stock_direct(
        &self,
        py: Python<'_>,
        pairs: Vec<(i64, i64)>,
        n: usize,
    ) -> PyResult<f64> {
        self.with(py, move |db| {
            let start = std::time::Instant::now();
            for i in 0..n {
                let (item, warehouse) = pairs[i % pairs.len()];
                std::hint::black_box(db.stock(item, Some(warehouse))?);
            }
            Ok(start.elapsed().as_nanos() as f64 / n as f64)
        })
    }

    /// Benchmark helper (not API): posts each batch of `batches_json` (a JSON
    /// list of lists of movements, decoded before timing) with the Rust API;
    /// returns movements per second.
    fn _bench_post_batches_direct(&self, py: Python<'_>, batches_json: String) -> PyResult<f64> {
        let batches: Vec<Vec<racine::Movement>> = serde_json::from_str(&batches_json)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        self.with(py, move |db| {
            let start = std::time::Instant::now();
            let mut rows = 0usize;
            for batch in &batches {
                rows += db.post_batch(batch)?.movements.len();
            }
            Ok(rows as f64 / start.elapsed().as_secs_f64())
        })
    }

    /// True once `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.db.read().unwrap_or_else(|p| p.into_inner()).is_none()
    }
}

/// A Python file object (anything with `write(bytes)`) as a Rust writer.
struct PyWriter<'a> {
    writer: &'a Py<PyAny>,
    raised: &'a Mutex<Option<PyErr>>,
}

impl std::io::Write for PyWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            match self
                .writer
                .call_method1(py, "write", (pyo3::types::PyBytes::new(py, buf),))
            {
                Ok(_) => Ok(buf.len()),
                Err(e) => {
                    let message = e.to_string();
                    self.raised
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                    Err(std::io::Error::other(message))
                }
            }
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The library version.
#[pyfunction]
fn version() -> &'static str {
    racine::VERSION
}

#[pymodule]
fn _racine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
