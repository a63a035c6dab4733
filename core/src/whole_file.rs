//! Files a caller names (exports, import templates, rejects), written
//! whole or not at all: into a temporary file beside the target, synced,
//! then renamed over it. The temporary file is removed when it is dropped,
//! on any failure or cancellation, so no one ever sees half a file.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::{Error, Result};

/// Writes the file at `path` with what `fill` writes, once `fill` is done.
/// A missing folder is [`Error::InvalidInput`] on `path`; a failing file
/// system is [`Error::Storage`].
pub(crate) fn write<T>(
    path: &Path,
    fill: impl FnOnce(&mut (dyn Write + Send)) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::invalid(
            "path",
            format!("folder {} does not exist", dir.display()),
        ));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| io_error("create a file in", dir, e))?;
    let mut file = BufWriter::with_capacity(1 << 16, temp);
    let out = fill(&mut file)?;
    let temp = file
        .into_inner()
        .map_err(|e| io_error("write", path, e.into_error()))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| io_error("write", path, e))?;
    temp.persist(path)
        .map_err(|e| io_error("write", path, e.error))?;
    Ok(out)
}

/// Writes `bytes` whole at `path`.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, |w| {
        w.write_all(bytes).map_err(|e| io_error("write", path, e))
    })
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Storage {
        reason: format!("could not {what} {}: {e}", path.display()),
        source: Some(Box::new(e)),
    }
}
