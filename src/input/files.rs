//! Finding the story files of a series and reading them: a file's head for its header,
//! its whole bytes when it is parsed.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::error::{Error, Result};

/// The kind of reader a file goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
}

impl Format {
    /// The format for a file name, or `None` when the file is not an installment.
    pub fn of(name: &str) -> Option<Format> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// A story file of the series, found on disk or given in memory.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file name inside the series folder.
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    /// The bytes, when the caller gives them (tests, benchmarks). Files found on disk
    /// are read when they are parsed, so a long series is never held whole.
    pub bytes: Option<Vec<u8>>,
    /// Modification time in seconds since the Unix epoch, when the system knows it.
    pub modified: Option<u64>,
}

impl SourceFile {
    /// About the first `limit` bytes, ending at a line break when the file is longer
    /// (so a character is never cut in two): enough for the header.
    pub fn read_head(&self, limit: usize) -> Result<Vec<u8>> {
        use std::io::Read;
        let unreadable = |source| Error::FileUnreadable {
            path: self.path.clone(),
            source,
        };
        // Room for the whole head up front: `read_to_end` into an empty Vec starts with
        // small reads and grows, a dozen system calls a file.
        let mut head = Vec::with_capacity(limit + 1);
        match &self.bytes {
            Some(bytes) => head.extend_from_slice(&bytes[..bytes.len().min(limit + 1)]),
            None => {
                fs::File::open(&self.path)
                    .map_err(unreadable)?
                    .take(limit as u64 + 1)
                    .read_to_end(&mut head)
                    .map_err(unreadable)?;
            }
        }
        if head.len() > limit {
            let end = memchr::memrchr(b'\n', &head).map_or(limit, |i| i + 1);
            head.truncate(end);
        }
        Ok(head)
    }

    /// The file's bytes: those given, or read from disk now.
    pub fn read(&self) -> Result<Cow<'_, [u8]>> {
        match &self.bytes {
            Some(bytes) => Ok(Cow::Borrowed(bytes)),
            None => fs::read(&self.path)
                .map(Cow::Owned)
                .map_err(|source| Error::FileUnreadable {
                    path: self.path.clone(),
                    source,
                }),
        }
    }
}

/// Lists the installment files directly inside `dir`, sorted by name so the result
/// never depends on directory order. Hidden files (`.notes.txt`, macOS `._x.txt`)
/// are not installments.
pub fn list_story_files(dir: &Path) -> Result<Vec<SourceFile>> {
    if !dir.exists() {
        return Err(Error::FolderMissing(dir.to_path_buf()));
    }
    if !dir.is_dir() {
        return Err(Error::NotAFolder(dir.to_path_buf()));
    }
    let unreadable = |source| Error::FolderUnreadable {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(format) = Format::of(&name) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follows symlinks, so a linked story file counts like any other.
        let meta = fs::metadata(&path).map_err(|source| Error::FileUnreadable {
            path: path.clone(),
            source,
        })?;
        if !meta.is_file() {
            continue;
        }
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        files.push(SourceFile {
            name,
            path,
            format,
            bytes: None,
            modified,
        });
    }
    if files.is_empty() {
        return Err(Error::NoStories(dir.to_path_buf()));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_formats_by_extension() {
        assert_eq!(Format::of("a.TXT"), Some(Format::Text));
        assert_eq!(Format::of("a.markdown"), Some(Format::Markdown));
        assert_eq!(Format::of("cover.png"), None);
        assert_eq!(Format::of("series.toml"), None);
    }
}
