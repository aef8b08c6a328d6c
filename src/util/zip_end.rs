//! A zip's end record, read without listing its entries. The zip reader lists every
//! entry of the central directory when it opens an archive, a record of about a
//! kilobyte each; two questions need only the few bytes at the end: how many entries
//! there are (to refuse a zip of empty entries made to exhaust memory before it is
//! listed) and what the zip's comment says (where ficbind's own books carry their
//! fingerprint).

/// The most bytes from the end a zip's end record can start: its 22 bytes and a
/// comment of at most 64 KiB.
pub const TAIL: usize = 22 + u16::MAX as usize;

const END: &[u8] = b"PK\x05\x06";
const END64: &[u8] = b"PK\x06\x06";
const LOCATOR64: &[u8] = b"PK\x06\x07";

/// Where the end record starts in `bytes` (a whole zip, or its last [`TAIL`] bytes).
fn end_record(bytes: &[u8]) -> Option<usize> {
    let from = bytes.len().saturating_sub(TAIL);
    Some(from + memchr::memmem::rfind(&bytes[from..], END)?)
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// The zip's comment, from the whole zip or its last [`TAIL`] bytes.
pub fn comment(bytes: &[u8]) -> Option<&[u8]> {
    let end = end_record(bytes)?;
    let len = usize::from(u16_at(bytes, end + 20)?);
    bytes.get(end + 22..end + 22 + len)
}

/// How many entries the central directory lists, as the end record says (the ZIP64
/// record's count when the classic one overflows). `bytes` is the whole zip: the
/// ZIP64 record is found by its offset from the start.
pub fn entries(bytes: &[u8]) -> Option<u64> {
    let end = end_record(bytes)?;
    let count = u16_at(bytes, end + 10)?;
    let locator = end.checked_sub(20);
    let zip64 = locator.filter(|&l| bytes.get(l..l + 4) == Some(LOCATOR64));
    match zip64 {
        Some(locator) if count == u16::MAX => {
            let end64 = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
            (bytes.get(end64..end64 + 4)? == END64).then_some(())?;
            u64_at(bytes, end64 + 32)
        }
        _ => Some(u64::from(count)),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write as _};

    use super::*;

    fn zip_of(count: u32, comment: &str) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..count {
            w.start_file(format!("{i}"), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"PK\x05\x06 in an entry").unwrap();
        }
        w.set_comment(comment);
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn the_count_and_comment_come_from_the_end_record() {
        let bytes = zip_of(3, "ficbind 1.0 abc");
        assert_eq!(entries(&bytes), Some(3));
        assert_eq!(comment(&bytes), Some(&b"ficbind 1.0 abc"[..]));
        // The comment is found from the tail alone.
        let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
        assert_eq!(comment(tail), Some(&b"ficbind 1.0 abc"[..]));
        assert_eq!(comment(&zip_of(1, "")), Some(&b""[..]));
    }

    #[test]
    fn the_zip64_count_is_read_when_the_classic_one_overflows() {
        let bytes = zip_of(70_000, "");
        assert_eq!(entries(&bytes), Some(70_000));
    }

    #[test]
    fn no_end_record_is_none() {
        assert_eq!(entries(b"not a zip"), None);
        assert_eq!(comment(b""), None);
        let bytes = zip_of(2, "");
        assert_eq!(entries(&bytes[..bytes.len() - 20]), None);
    }
}
