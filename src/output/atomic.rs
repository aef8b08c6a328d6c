//! Writing a finished file: through a temporary file beside it, renamed into place
//! only when complete, so a failed build never leaves a partial book or clobbers an old
//! one. The only place ficbind writes to disk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Temporary files being written now. A signal ends the process without unwinding,
/// so their `Drop` never runs: `remove_unfinished` deletes them instead.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Deletes every temporary file still being written: for a signal handler, before the
/// process exits. Finished files were renamed into place and are not touched.
pub fn remove_unfinished() {
    let paths = match UNFINISHED.lock() {
        Ok(mut paths) => std::mem::take(&mut *paths),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// Keeps a temporary file's path in `UNFINISHED` for as long as it lives.
struct Unfinished(PathBuf);

impl Unfinished {
    fn new(path: &Path) -> Unfinished {
        if let Ok(mut paths) = UNFINISHED.lock() {
            paths.push(path.to_path_buf());
        }
        Unfinished(path.to_path_buf())
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Ok(mut paths) = UNFINISHED.lock() {
            paths.retain(|p| *p != self.0);
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into
/// place only when complete: a failed write leaves no partial book and never clobbers
/// the old one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |w| {
        use std::io::Write as _;
        w.write_all(bytes).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Like `write_atomically`, with `write` producing the contents into a buffered file.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    use std::io::Write as _;
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".ficbind-")
        .suffix(".tmp")
        .tempfile_in(&parent)
        .map_err(write_err)?;
    let _unfinished = Unfinished::new(tmp.path());
    {
        let mut w = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file());
        write(&mut w)?;
        w.flush().map_err(write_err)?;
    }
    tmp.as_file().sync_all().map_err(write_err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(write_err)?;
    }
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}
