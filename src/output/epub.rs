//! A deterministic EPUB (zip) writer: `mimetype` first and stored, every other entry
//! sorted by name and deflated, fixed timestamps and permissions, no extra fields, so
//! the same book always gives the same bytes. Entries are compressed in parallel.
//!
//! Written here rather than through the `zip` crate because we need exactly this and
//! nothing more: control of entry order, times and attributes, and compression of
//! all entries at once on every core.

use std::cell::RefCell;
use std::io::Write;

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// One file in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub data: Vec<u8>,
}

impl Entry {
    pub fn new(path: impl Into<String>, data: impl Into<Vec<u8>>) -> Entry {
        Entry {
            path: path.into(),
            data: data.into(),
        }
    }
}

/// MS-DOS date of 1980-01-01, the earliest a zip can say: a fixed time that carries no
/// information about when the book was made.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// `-rw-r--r--` regular file, in the upper half of the external attributes.
const UNIX_FILE_MODE: u32 = 0o100644 << 16;
/// "Made by" Unix, zip spec 2.0, so readers honour the mode bits.
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
const VERSION_NEEDED: u16 = 20;

/// An entry compressed and checksummed, ready to write.
pub struct Packed {
    path: String,
    method: u16,
    crc: u32,
    size: u32,
    data: Vec<u8>,
}

/// The one compression setting for every entry. zlib's default level: higher levels
/// cost about twice the time for about 1% smaller story pages.
const LEVEL: u32 = 6;

/// Raw-deflates `input` onto `out`. With `FlushCompress::Sync` the stream is left open
/// (no final block) and ends on a byte boundary, so another piece can follow it;
/// with `FlushCompress::Finish` it is closed.
fn deflate_onto(input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    thread_local! {
        // One compressor a thread, reset for each piece. Its state is a few hundred
        // KiB: made and freed for every page, it raised glibc's mmap threshold and
        // the heap then fragmented around the long-lived compressed bodies (peak
        // memory of a 1M-word build went from 20 MiB to 80).
        static COMPRESS: RefCell<Compress> =
            RefCell::new(Compress::new(Compression::new(LEVEL), false));
    }
    COMPRESS.with_borrow_mut(|c| {
        c.reset();
        loop {
            // Text shrinks to about a third; the loop grows the buffer if it does not.
            out.reserve(input.len() / 3 + 64);
            let done = c.total_in() as usize;
            let status = c
                .compress_vec(&input[done..], out, flush)
                .expect("deflating into memory cannot fail");
            let all_in = c.total_in() as usize == input.len();
            let finished = match flush {
                FlushCompress::Finish => status == Status::StreamEnd,
                // zlib's rule: a flush is complete once it leaves output space unused.
                _ => all_in && out.len() < out.capacity(),
            };
            if finished {
                return;
            }
        }
    })
}

/// A piece of an entry, deflated on its own and left open, with its checksum: the
/// typeset body of a story page, compressed as soon as it is read so a long book is
/// held in a third of the memory and never parsed twice. `pack_around` closes it
/// into a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deflated {
    data: Vec<u8>,
    crc: u32,
    len: u64,
}

impl Deflated {
    pub fn new(bytes: &[u8]) -> Deflated {
        let mut data = Vec::new();
        deflate_onto(bytes, &mut data, FlushCompress::Sync);
        Deflated {
            data,
            crc: crc32fast::hash(bytes),
            len: bytes.len() as u64,
        }
    }

    /// The uncompressed length.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes back, for a page template that does more with the body than print it.
    pub fn inflate(&self) -> Vec<u8> {
        use std::io::Read;
        // An empty final block (BFINAL=1, fixed codes, end-of-block) closes the stream.
        let closed = [self.data.as_slice(), &[0x03, 0x00]].concat();
        let mut out = Vec::with_capacity(self.len as usize);
        flate2::read::DeflateDecoder::new(closed.as_slice())
            .read_to_end(&mut out)
            .expect("a stream this program deflated inflates");
        out
    }

    fn hasher(&self) -> crc32fast::Hasher {
        crc32fast::Hasher::new_with_initial_len(self.crc, self.len)
    }
}

/// An entry whose middle was deflated beforehand: `before` and `after` are compressed
/// on their own and the three deflate streams joined. A decoder reads them as one
/// stream; each piece only refers back within itself.
pub fn pack_around(path: String, before: &[u8], middle: &Deflated, after: &[u8]) -> Packed {
    let mut data = Vec::with_capacity(middle.data.len() + (before.len() + after.len()) / 2);
    deflate_onto(before, &mut data, FlushCompress::Sync);
    data.extend_from_slice(&middle.data);
    deflate_onto(after, &mut data, FlushCompress::Finish);
    let mut crc = crc32fast::Hasher::new();
    crc.update(before);
    crc.combine(&middle.hasher());
    let mut tail = crc32fast::Hasher::new();
    tail.update(after);
    crc.combine(&tail);
    let size = before.len() as u64 + middle.len + after.len() as u64;
    Packed {
        path,
        method: 8,
        crc: crc.finalize(),
        size: size as u32,
        data,
    }
}

/// `bytes` as one closed raw deflate stream, as the zip writer compresses every entry
/// (`examples/deflate_floor.rs` times exactly this).
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    deflate_onto(bytes, &mut out, FlushCompress::Finish);
    out
}

/// Takes the entry by value so its uncompressed bytes are freed as soon as they are
/// packed.
fn pack_with(entry: Entry, store: bool) -> Packed {
    let crc = crc32fast::hash(&entry.data);
    let size = entry.data.len() as u32;
    let (method, data) = if store || entry.data.is_empty() {
        (0, entry.data)
    } else {
        let deflated = deflate(&entry.data);
        // Already-compressed images can grow when deflated; store those.
        if deflated.len() >= entry.data.len() {
            (0, entry.data)
        } else {
            (8, deflated)
        }
    };
    Packed {
        path: entry.path,
        method,
        crc,
        size,
        data,
    }
}

/// Builds the EPUB container bytes from `entries` (which must not include `mimetype`),
/// sorted by path and compressed on every core. `comment` becomes the zip archive
/// comment, where `batch` keeps the fingerprint of the options a book was built with.
pub fn write_epub(mut entries: Vec<Entry>, comment: &str) -> Vec<u8> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let packed: Vec<Packed> = entries.into_par_iter().map(pack).collect();
    let mut zip = ZipWriter::new(Vec::new()).expect("writing to a Vec cannot fail");
    for p in packed {
        zip.add(p).expect("writing to a Vec cannot fail");
    }
    zip.finish(comment).expect("writing to a Vec cannot fail")
}

/// Compresses one entry, ready for `ZipWriter::add`; independent of every other entry,
/// so callers run it on all cores.
pub fn pack(entry: Entry) -> Packed {
    pack_with(entry, false)
}

/// Writes a zip entry by entry to any writer, keeping only the central directory
/// (about 100 bytes an entry) in memory: a book is never held whole. The `mimetype`
/// entry is written first, stored, as the OCF container format requires.
pub struct ZipWriter<W: Write> {
    out: W,
    offset: u64,
    central: Vec<u8>,
    count: u16,
}

impl<W: Write> ZipWriter<W> {
    pub fn new(out: W) -> std::io::Result<ZipWriter<W>> {
        let mut zip = ZipWriter {
            out,
            offset: 0,
            central: Vec::new(),
            count: 0,
        };
        zip.add(pack_with(
            Entry::new("mimetype", "application/epub+zip"),
            true,
        ))?;
        Ok(zip)
    }

    pub fn add(&mut self, p: Packed) -> std::io::Result<()> {
        let offset = self.offset as u32;
        let name = p.path.as_bytes();
        let flags: u16 = if p.path.is_ascii() { 0 } else { 1 << 11 };
        let mut header = Vec::with_capacity(30 + name.len());
        header.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [VERSION_NEEDED, flags, p.method, DOS_TIME, DOS_DATE] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        for v in [p.crc, p.data.len() as u32, p.size] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        header.extend_from_slice(&(name.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(name);
        self.out.write_all(&header)?;
        self.out.write_all(&p.data)?;
        self.offset += (header.len() + p.data.len()) as u64;

        let central = &mut self.central;
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [
            VERSION_MADE_BY,
            VERSION_NEEDED,
            flags,
            p.method,
            DOS_TIME,
            DOS_DATE,
        ] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [p.crc, p.data.len() as u32, p.size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&UNIX_FILE_MODE.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
        self.count += 1;
        Ok(())
    }

    /// Writes the central directory and the end record; returns the writer.
    pub fn finish(mut self, comment: &str) -> std::io::Result<W> {
        let central_offset = self.offset as u32;
        self.out.write_all(&self.central)?;
        let mut end = Vec::with_capacity(22 + comment.len());
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, self.count, self.count] {
            end.extend_from_slice(&v.to_le_bytes());
        }
        end.extend_from_slice(&(self.central.len() as u32).to_le_bytes());
        end.extend_from_slice(&central_offset.to_le_bytes());
        let comment = &comment.as_bytes()[..comment.len().min(u16::MAX as usize)];
        end.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        end.extend_from_slice(comment);
        self.out.write_all(&end)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The archive comment of a zip whose last bytes are `tail` (the end of the file, at
/// least the end-of-central-directory record and its comment).
pub fn read_comment(tail: &[u8]) -> Option<String> {
    let sig = 0x0605_4b50u32.to_le_bytes();
    let start = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == sig)?;
    let len = u16::from_le_bytes([tail[start + 20], tail[start + 21]]) as usize;
    let comment = tail.get(start + 22..start + 22 + len)?;
    String::from_utf8(comment.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_piece_deflated_ahead_reads_back_inside_its_page() {
        use super::Deflated;
        let text: Vec<u8> = b"The moth came to the lamp. ".repeat(5000);
        let pieces = Deflated::new(&text);
        assert_eq!(pieces.len(), text.len() as u64);
        assert_eq!(pieces.inflate(), text);
        let packed = super::pack_around("p".into(), b"<a>", &pieces, b"</a>");
        let mut whole = b"<a>".to_vec();
        whole.extend_from_slice(&text);
        whole.extend_from_slice(b"</a>");
        assert_eq!(packed.crc, crc32fast::hash(&whole));
    }

    use std::io::{Cursor, Read};

    use super::*;

    fn sample() -> Vec<Entry> {
        vec![
            Entry::new("OEBPS/b.xhtml", "<p>second</p>".repeat(50)),
            Entry::new("META-INF/container.xml", "<container/>"),
            Entry::new("OEBPS/a.xhtml", "<p>first</p>"),
        ]
    }

    #[test]
    fn mimetype_first_stored_then_sorted_entries() {
        let bytes = write_epub(sample(), "");
        // The OCF rule readers sniff: "mimetype" stored at offset 30, no extra field.
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "mimetype",
                "META-INF/container.xml",
                "OEBPS/a.xhtml",
                "OEBPS/b.xhtml"
            ]
        );
        let mut first = zip.by_index(0).unwrap();
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
        let mut s = String::new();
        first.read_to_string(&mut s).unwrap();
        assert_eq!(s, "application/epub+zip");
        drop(first);
        let mut b = zip.by_name("OEBPS/b.xhtml").unwrap();
        assert_eq!(b.compression(), zip::CompressionMethod::Deflated);
        assert_eq!(b.unix_mode(), Some(0o100644));
        let mut s = String::new();
        b.read_to_string(&mut s).unwrap();
        assert_eq!(s, "<p>second</p>".repeat(50));
    }

    #[test]
    fn same_entries_same_bytes_whatever_their_order() {
        let mut reversed = sample();
        reversed.reverse();
        assert_eq!(write_epub(sample(), "c"), write_epub(reversed, "c"));
    }

    #[test]
    fn the_comment_reads_back() {
        let bytes = write_epub(sample(), "ficbind 0.1.0 abc");
        assert_eq!(
            read_comment(&bytes[bytes.len() - 100..]).as_deref(),
            Some("ficbind 0.1.0 abc")
        );
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(zip.comment(), b"ficbind 0.1.0 abc");
        assert!(zip.by_name("OEBPS/a.xhtml").is_ok());
    }

    #[test]
    fn a_page_joined_around_a_deflated_middle_reads_back_whole() {
        let middle_text = "<p>Fog on the causeway.</p>\n".repeat(400);
        for middle_text in [middle_text.as_str(), ""] {
            let middle = Deflated::new(middle_text.as_bytes());
            assert_eq!(middle.inflate(), middle_text.as_bytes());
            let packed = pack_around(
                "OEBPS/story-001.xhtml".into(),
                b"<html><body>",
                &middle,
                b"</body></html>\n",
            );
            let mut zip = ZipWriter::new(Vec::new()).unwrap();
            zip.add(packed).unwrap();
            let bytes = zip.finish("").unwrap();
            // The zip crate checks the CRC and the size as it reads.
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
            let mut page = String::new();
            zip.by_name("OEBPS/story-001.xhtml")
                .unwrap()
                .read_to_string(&mut page)
                .unwrap();
            assert_eq!(page, format!("<html><body>{middle_text}</body></html>\n"));
        }
    }
}
