//! Writing a finished file: through a temporary file beside it, renamed into place
//! only when complete, so a failed build never leaves a partial book or clobbers an old
//! one. The only place ficbind writes to disk; and where it refuses to write over a
//! file the build read (`InputFiles`).

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
    // The temporary file is registered before it is made, so a signal that comes the
    // moment it appears still finds it; its name is ours (process and a counter) so it
    // is known beforehand, and one left by an earlier process is stepped over.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let (tmp, _unfinished) = loop {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!(".ficbind-{}-{n}.tmp", std::process::id());
        let unfinished = Unfinished::new(&parent.join(&name));
        match tempfile::Builder::new()
            .prefix(&name)
            .suffix("")
            .rand_bytes(0)
            .tempfile_in(&parent)
        {
            Ok(tmp) => break (tmp, unfinished),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(e)),
        }
    };
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

/// Every file a build read or will read, so that none is written over: `-o 01.txt`
/// must not replace a story with the book. A path is the same file as an input when
/// both lead to the same place once links are followed, or (on Unix) when they are one
/// file on disk, which also catches hard links and a folder mounted twice. The inputs
/// are looked at only when an output path already exists.
#[derive(Debug, Default)]
pub struct InputFiles {
    paths: Vec<PathBuf>,
    identities: std::sync::OnceLock<Vec<Identity>>,
}

#[derive(Debug)]
struct Identity {
    path: PathBuf,
    canonical: Option<PathBuf>,
    /// Device and inode.
    id: Option<(u64, u64)>,
}

impl Identity {
    fn of(path: &Path) -> Identity {
        Identity {
            path: path.to_path_buf(),
            canonical: path.canonicalize().ok(),
            id: file_id(path),
        }
    }

    fn exists(&self) -> bool {
        self.canonical.is_some() || self.id.is_some()
    }

    fn is(&self, other: &Identity) -> bool {
        (self.id.is_some() && self.id == other.id)
            || (self.canonical.is_some() && self.canonical == other.canonical)
    }
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}

impl InputFiles {
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a Path>) -> InputFiles {
        let mut files = InputFiles::default();
        files.extend(paths);
        files
    }

    /// Adds more inputs.
    pub fn extend<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) {
        self.paths.extend(paths.into_iter().map(Path::to_path_buf));
        self.identities = Default::default();
    }

    /// Refuses `output` when it is one of the inputs. `what` is what would be written
    /// ("the book") and `option` the option that names where ("-o").
    pub fn refuse(&self, output: &Path, what: &'static str, option: &'static str) -> Result<()> {
        let out = Identity::of(output);
        if !out.exists() {
            // Nothing there yet, so none of the inputs.
            return Ok(());
        }
        let inputs = self.identities.get_or_init(|| {
            self.paths
                .iter()
                .map(|p| Identity::of(p))
                .filter(Identity::exists)
                .collect()
        });
        match inputs.iter().find(|i| i.is(&out)) {
            Some(input) => Err(Error::OutputIsInput {
                what,
                path: output.to_path_buf(),
                input: input.path.clone(),
                option,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_is_never_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let story = dir.path().join("01.txt");
        std::fs::write(&story, "The moth came to the lamp.\n").unwrap();
        let inputs = InputFiles::new([story.as_path()]);
        let err = inputs.refuse(&story, "the book", "-o").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "refusing to write the book to {}: it is one of the series' input files; choose another -o path",
                story.display()
            )
        );
        // Named another way.
        let dotted = dir.path().join(".").join("01.txt");
        assert!(inputs.refuse(&dotted, "the book", "-o").is_err());
        assert!(inputs
            .refuse(&dir.path().join("book.epub"), "the book", "-o")
            .is_ok());
        assert!(inputs.refuse(dir.path(), "the book", "-o").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn links_to_an_input_are_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let story = dir.path().join("01.txt");
        std::fs::write(&story, "The moth came to the lamp.\n").unwrap();
        let hard = dir.path().join("hard.epub");
        std::fs::hard_link(&story, &hard).unwrap();
        let soft = dir.path().join("soft.epub");
        std::os::unix::fs::symlink(&story, &soft).unwrap();
        let inputs = InputFiles::new([story.as_path()]);
        for link in [&hard, &soft] {
            let err = inputs
                .refuse(link, "the book", "-o")
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("(the same file as {})", story.display())),
                "{err}"
            );
        }
    }
}
