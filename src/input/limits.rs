//! The one way ficbind reads a file from disk: only an ordinary file (a device, a named
//! pipe or a folder is refused before it is opened, so `/dev/zero` or a FIFO never
//! makes a build read forever), and never more than a size that suits what the file is
//! for, so a careless or hostile input cannot make memory grow without bound.

use std::fs;
use std::io::Read as _;
use std::path::Path;

use crate::error::{Error, Result};

const MIB: u64 = 1024 * 1024;

/// The most one entry of an EPUB installment may inflate to: a story file's cap, as
/// an entry is a story file (or an image) packed small. The zip's own size fields are
/// never trusted; what inflates is counted.
pub const EPUB_ENTRY_CAP: u64 = 64 * MIB;

/// The most all the entries of one EPUB may inflate to together: a zip of many entries
/// each under the cap is as much a bomb as one large entry.
pub const EPUB_TOTAL_CAP: u64 = 256 * MIB;

/// The most entries one EPUB may hold. The zip reader keeps a record of every entry
/// its central directory lists before one is read, about a kilobyte each, so a 64 MB
/// file of empty entries would take a gigabyte; a story of thousands of chapters with
/// their pictures holds a few thousand.
pub const EPUB_ENTRY_COUNT_CAP: u64 = 20_000;

/// What a file is read for, which sets the most ficbind reads of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An installment (`.txt`, `.md`, `.html`, `.epub`).
    Story,
    /// An image a Markdown body names.
    Image,
    /// The cover image or a generated cover's background.
    CoverImage,
    /// A font a cover template names.
    Font,
    /// `series.toml` or `--manifest`.
    Manifest,
    /// A file of the `--templates` folder.
    Template,
    /// A cover template (`--cover-template`).
    CoverTemplate,
}

impl FileKind {
    /// The most bytes ficbind reads of such a file.
    pub fn cap(self) -> u64 {
        match self {
            FileKind::Story => 64 * MIB,
            FileKind::Image | FileKind::CoverImage => 50 * MIB,
            FileKind::Font => 20 * MIB,
            FileKind::Manifest | FileKind::Template | FileKind::CoverTemplate => MIB,
        }
    }

    /// What the file is, for messages: "ficbind reads at most 1 MB for a manifest".
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Story => "a story file",
            FileKind::Image => "an image",
            FileKind::CoverImage => "a cover image",
            FileKind::Font => "a font",
            FileKind::Manifest => "a manifest",
            FileKind::Template => "a template",
            FileKind::CoverTemplate => "a cover template",
        }
    }

    /// What to do about a file that is too large.
    pub fn advice(self) -> &'static str {
        match self {
            FileKind::Story => "split it into several installment files",
            FileKind::Image => "scale it down or save it as a JPEG",
            FileKind::CoverImage => "scale it down to about 1600×2560 pixels and save it as a JPEG",
            FileKind::Font => "use a plain TrueType or OpenType font file",
            FileKind::Manifest | FileKind::Template | FileKind::CoverTemplate => {
                "check that the path names the right file"
            }
        }
    }
}

/// What a path that is not an ordinary file is, for messages.
pub fn what_it_is(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not an ordinary file"
}

fn unreadable(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::FileUnreadable {
        path: path.to_path_buf(),
        source,
    }
}

/// Opens `path` for reading as a `kind`: refused unless it is an ordinary file (links
/// followed) no larger than the kind's cap. The check comes before the file is opened,
/// since opening a named pipe waits for a writer; and again on the open file, in case
/// the path changed in between.
pub fn open_file(path: &Path, kind: FileKind) -> Result<fs::File> {
    let check = |meta: &fs::Metadata| -> Result<()> {
        if !meta.is_file() {
            return Err(Error::NotAFile {
                path: path.to_path_buf(),
                what: what_it_is(meta),
                kind: kind.describe(),
            });
        }
        if meta.len() > kind.cap() {
            return Err(too_large(path, kind, Some(meta.len())));
        }
        Ok(())
    };
    check(&fs::metadata(path).map_err(unreadable(path))?)?;
    let file = fs::File::open(path).map_err(unreadable(path))?;
    check(&file.metadata().map_err(unreadable(path))?)?;
    Ok(file)
}

fn too_large(path: &Path, kind: FileKind, size: Option<u64>) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        size: size.map_or_else(
            || format!("over {} MB", kind.cap() / MIB),
            |s| format!("{:.1} MB", s as f64 / MIB as f64),
        ),
        cap: kind.cap() / MIB,
        kind: kind.describe(),
        advice: kind.advice(),
    }
}

/// The whole of `path`, read as a `kind` (see [`open_file`]). The read itself stops one
/// byte past the cap, so a file that grows while it is read (or a special file that
/// calls itself small) is refused too.
pub fn read_file(path: &Path, kind: FileKind) -> Result<Vec<u8>> {
    let file = open_file(path, kind)?;
    let len = file.metadata().map_or(0, |m| m.len());
    // The size the file claims, plus one byte for `read_to_end` to see the end.
    let mut bytes = Vec::with_capacity(len.min(kind.cap()) as usize + 1);
    file.take(kind.cap() + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable(path))?;
    if bytes.len() as u64 > kind.cap() {
        return Err(too_large(path, kind, None));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("series.toml");
        std::fs::write(&path, "title = \"Moth\"\n").unwrap();
        assert_eq!(
            read_file(&path, FileKind::Manifest).unwrap(),
            b"title = \"Moth\"\n"
        );
    }

    #[test]
    fn a_folder_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_file(dir.path(), FileKind::CoverImage)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
        assert!(err.contains("is a folder, not an ordinary file"), "{err}");
        assert!(err.contains("a cover image"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_it_is_read() {
        // /dev/zero never ends: without the check this would read until memory ran out.
        let err = read_file(Path::new("/dev/zero"), FileKind::Manifest)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/dev/zero is a device"), "{err}");
    }

    #[test]
    fn a_file_over_the_cap_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("series.toml");
        std::fs::write(&path, vec![b'#'; (MIB + MIB / 2) as usize]).unwrap();
        let err = read_file(&path, FileKind::Manifest)
            .unwrap_err()
            .to_string();
        assert!(err.contains("series.toml is 1.5 MB"), "{err}");
        assert!(err.contains("at most 1 MB for a manifest"), "{err}");
        // Exactly the cap is still read.
        std::fs::write(&path, vec![b'#'; MIB as usize]).unwrap();
        assert_eq!(
            read_file(&path, FileKind::Manifest).unwrap().len() as u64,
            MIB
        );
    }
}
