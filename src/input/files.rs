//! Finding the story files of a series and reading them: a file's head for its header,
//! its whole bytes when it is parsed.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::input::confine::SeriesFolder;
use crate::input::limits::{open_file, read_file, FileKind};
use crate::util::zip_end;

/// The kind of reader a file goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    /// An archive download saved as HTML (AO3's "Download → HTML"), or any HTML page.
    Html,
    /// An EPUB: an archive's or a downloader's (FanFicFare), or any EPUB 2 or 3.
    Epub,
}

impl Format {
    /// The format for a file name, or `None` when the file is not an installment.
    pub fn of(name: &str) -> Option<Format> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "epub" => Some(Format::Epub),
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
        // Room for the whole head up front: `read_to_end` into an empty Vec starts with
        // small reads and grows, a dozen system calls a file.
        let mut head = Vec::with_capacity(limit + 1);
        match &self.bytes {
            Some(bytes) => head.extend_from_slice(&bytes[..bytes.len().min(limit + 1)]),
            None => {
                open_file(&self.path, FileKind::Story)?
                    .take(limit as u64 + 1)
                    .read_to_end(&mut head)
                    .map_err(|source| Error::FileUnreadable {
                        path: self.path.clone(),
                        source,
                    })?;
            }
        }
        if head.len() > limit {
            let end = memchr::memrchr(b'\n', &head).map_or(limit, |i| i + 1);
            head.truncate(end);
        }
        Ok(head)
    }

    /// The file's bytes: those given, or read from disk now (at most
    /// `FileKind::Story.cap()` of them).
    pub fn read(&self) -> Result<Cow<'_, [u8]>> {
        match &self.bytes {
            Some(bytes) => Ok(Cow::Borrowed(bytes)),
            None => read_file(&self.path, FileKind::Story).map(Cow::Owned),
        }
    }
}

/// Lists the installment files directly inside `dir`, sorted by name so the result
/// never depends on directory order. Hidden files (`.notes.txt`, macOS `._x.txt`)
/// are not installments, nor is a link that leads out of the folder (see
/// [`find_story_files`]).
pub fn list_story_files(dir: &Path) -> Result<Vec<SourceFile>> {
    find_story_files(dir).map(|(files, _)| files)
}

/// [`list_story_files`], with a warning for each story file left out because it is a
/// link leading out of the series folder (`W015`) or a pipe or device (`W017`).
pub fn find_story_files(dir: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>)> {
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
    let folder = SeriesFolder::new(dir)?;
    let mut files = Vec::new();
    let mut left_out = Vec::new();
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
        // A pipe or device named like a story is never opened (a pipe would wait for a
        // writer forever, a device never ends), but it is said, not skipped silently.
        if !meta.is_file() {
            if !meta.is_dir() {
                left_out.push(
                    Diagnostic::new(
                        Code::W017,
                        format!(
                            "this is {}, not an ordinary file, so it was left out of the book; a story file must be an ordinary file",
                            crate::input::limits::what_it_is(&meta)
                        ),
                    )
                    .in_file(name),
                );
            }
            continue;
        }
        // A book written into the series folder by an earlier build is not one of
        // its installments: reading it would bind the series into itself.
        if format == Format::Epub && made_by_ficbind(&path) {
            left_out.push(
                Diagnostic::new(
                    Code::N021,
                    "this is a book ficbind made, not an installment, so it was left out; build into another folder to keep books and installments apart",
                )
                .in_file(name),
            );
            continue;
        }
        // Only a link can lead out of the folder.
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if let Some(target) = is_link.then(|| folder.escape(&path)).flatten() {
            left_out.push(
                Diagnostic::new(
                    Code::W015,
                    format!(
                        "this story file is a link to {}, outside the series folder, so it was left out of the book; copy the file into the series folder if it belongs to the series",
                        target.display()
                    ),
                )
                .in_file(name),
            );
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
    left_out.sort();
    Ok((files, left_out))
}

/// Whether the EPUB at `path` is one ficbind wrote: its zip comment, where every book
/// carries its fingerprint, starts `ficbind `. Only the file's last 64 KiB are read,
/// where the comment is, never the list of its entries.
fn made_by_ficbind(path: &Path) -> bool {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let Ok(mut file) = open_file(path, FileKind::Story) else {
        return false;
    };
    let mut tail = Vec::with_capacity(zip_end::TAIL);
    let from_end = -(zip_end::TAIL as i64);
    let read = match file.seek(SeekFrom::End(from_end)) {
        Ok(_) => file.read_to_end(&mut tail),
        // A file shorter than the tail: read from its start.
        Err(_) => file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut tail)),
    };
    read.is_ok() && zip_end::comment(&tail).is_some_and(|c| c.starts_with(b"ficbind "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_formats_by_extension() {
        assert_eq!(Format::of("a.TXT"), Some(Format::Text));
        assert_eq!(Format::of("a.markdown"), Some(Format::Markdown));
        assert_eq!(Format::of("The Salt Road.HTML"), Some(Format::Html));
        assert_eq!(Format::of("work_123.htm"), Some(Format::Html));
        assert_eq!(Format::of("Low Water.EPUB"), Some(Format::Epub));
        assert_eq!(Format::of("cover.png"), None);
    }

    #[test]
    fn a_book_ficbind_made_is_not_an_installment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.txt"),
            "Title: Moth 1\n\nThe moth came to the lamp.\n",
        )
        .unwrap();
        let book = crate::build_series(dir.path(), &Default::default()).unwrap();
        std::fs::write(dir.path().join("moth.epub"), &book.epub).unwrap();
        let (files, notes) = find_story_files(dir.path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, Code::N021);
        assert_eq!(notes[0].file.as_deref(), Some("moth.epub"));
        assert_eq!(Format::of("series.toml"), None);
    }
}
