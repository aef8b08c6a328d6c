//! Story bytes to clean text. Files arrive in UTF-8 (with or without a BOM), UTF-16
//! with a BOM or Windows-1252, with LF, CRLF or old-Mac CR line endings; what comes out
//! has `\n` line endings and nothing XML forbids.

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};

/// A decoded file: text with `\n` line endings and nothing XML forbids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding it was read as, for `inspect` and the N001 note.
    pub encoding: &'static str,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes one file. `name` is used in diagnostics and `path` in the error when the
/// bytes are not text at all.
pub fn decode(name: &str, path: &Path, bytes: &[u8]) -> Result<Decoded> {
    decode_with(name, path, bytes, None)
}

/// Decodes an HTML file: as [`decode`], except that bytes which are not UTF-8 are read
/// in the encoding a `<meta charset>` near the top declares (an old download saved as
/// ISO-8859-2 or Shift_JIS), where [`decode`] would take Windows-1252. A byte-order
/// mark or valid UTF-8 still wins over the declaration, as browsers let a BOM win:
/// pages are often re-saved as UTF-8 with the old declaration left in.
pub fn decode_html(name: &str, path: &Path, bytes: &[u8]) -> Result<Decoded> {
    decode_with(name, path, bytes, meta_charset(bytes))
}

/// The encoding a `charset=` in the first 1024 bytes names (the prescan window HTML
/// gives a declaration), unless it is a Unicode one: those are told from the bytes.
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let at = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = &head[at + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let encoding = encoding_rs::Encoding::for_label(&rest[..end])?;
    let unicode = encoding == encoding_rs::UTF_8
        || encoding == encoding_rs::UTF_16LE
        || encoding == encoding_rs::UTF_16BE;
    (!unicode).then_some(encoding)
}

fn decode_with(
    name: &str,
    path: &Path,
    bytes: &[u8],
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<Decoded> {
    let mut diagnostics = Vec::new();
    let (raw, encoding): (std::borrow::Cow<'_, str>, &'static str) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            (String::from_utf8_lossy(rest), "UTF-8 (BOM)")
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (
                encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0,
                "UTF-16LE",
            )
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (
                encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0,
                "UTF-16BE",
            )
        } else if let Some(utf16) = utf16_without_bom(bytes) {
            (
                utf16.decode_without_bom_handling(bytes).0,
                if utf16 == encoding_rs::UTF_16LE {
                    "UTF-16LE (no BOM)"
                } else {
                    "UTF-16BE (no BOM)"
                },
            )
        } else {
            if let Some(why) = binary_reason(bytes) {
                return Err(Error::Binary {
                    path: path.to_path_buf(),
                    why,
                });
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => (s.into(), "UTF-8"),
                // WHATWG's windows-1252 maps the five bytes cp1252 leaves undefined to
                // C1 controls, which makes it a Latin-1 superset: no byte is lost.
                Err(_) => {
                    let encoding = declared.unwrap_or(encoding_rs::WINDOWS_1252);
                    (
                        encoding.decode_without_bom_handling(bytes).0,
                        encoding.name(),
                    )
                }
            }
        };
    if !encoding.starts_with("UTF-8") {
        diagnostics.push(
            Diagnostic::new(Code::N001, format!("not UTF-8; read as {encoding}")).in_file(name),
        );
    }
    let (text, removed) = clean(&raw);
    if let Some((first_line, count)) = removed {
        diagnostics.push(
            Diagnostic::new(
                Code::W006,
                format!(
                    "removed {count} control character(s) that e-books cannot hold (first on this line); the text around them is kept"
                ),
            )
            .in_file(name)
            .at_line(first_line),
        );
    }
    Ok(Decoded {
        text,
        encoding,
        diagnostics,
    })
}

/// Why `bytes` (not UTF-16, no BOM) is not a story file, if it is not.
/// UTF-16 saved without its byte-order mark (some Windows editors do): text in Latin
/// script then has a NUL in every other byte, on the odd bytes for little-endian and
/// the even ones for big-endian, and almost none on the others.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(64 * 1024) & !1];
    let pairs = sample.len() / 2;
    // One fast search rules out nearly every file.
    if pairs < 2 || !sample.contains(&0) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // Most characters of the text are ASCII; a few NULs on the other side are allowed
    // for characters such as U+0100–U+01FF.
    let mostly = |n: usize| n * 10 >= pairs * 6;
    let hardly = |n: usize| n * 20 <= pairs;
    if mostly(odd) && hardly(even) {
        Some(encoding_rs::UTF_16LE)
    } else if mostly(even) && hardly(odd) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (an EPUB or a Word document?)"),
        (b"{\\rtf", "an RTF document"),
        (b"\xD0\xCF\x11\xE0", "an old Word document"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(format!("it is {what}"));
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if sample.contains(&0) {
        return Some("it contains NUL bytes".into());
    }
    // Eight bytes at a time: every file is checked whole up to 64 KiB.
    const CONTROLS: crate::util::swar::ControlsAnd<4, 0> = crate::util::swar::ControlsAnd {
        allowed: [b'\n', b'\r', b'\t', 0x0C],
        also: [],
    };
    let words = sample.chunks_exact(8);
    let tail = words
        .remainder()
        .iter()
        .filter(|&&b| CONTROLS.contains(b))
        .count();
    let controls = tail
        + words
            .map(|w| {
                let x = u64::from_le_bytes(w.try_into().expect("eight bytes"));
                CONTROLS.mask(x).count_ones() as usize
            })
            .sum::<usize>();
    (controls * 100 > sample.len().max(1) * 5).then(|| {
        format!(
            "{controls} of its first {} bytes are control characters, which text does not hold",
            sample.len()
        )
    })
}

/// Normalises line endings and removes characters XML 1.0 forbids (and C1 controls,
/// which no reader displays). Returns the first affected line and the count removed.
///
/// Works on bytes and copies runs of ordinary text whole: this runs over every byte of
/// every file, and going char by char made it a sixth of a whole build (callgrind, 1M
/// words). Every character it acts on starts with a byte no other character contains
/// (ASCII controls, or the lead bytes 0xC2/0xEF of U+0080–U+009F and U+FEFF–U+FFFF), so
/// byte offsets found here are always char boundaries.
fn clean(raw: &str) -> (String, Option<(usize, usize)>) {
    /// Bytes that may start a character `clean` acts on.
    const MAY_NEED_CLEANING: crate::util::swar::ControlsAnd<2, 3> =
        crate::util::swar::ControlsAnd {
            allowed: [b'\n', b'\t'],
            also: [0x7F, 0xC2, 0xEF],
        };
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut removed: Option<(usize, usize)> = None;
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip ordinary bytes eight at a time.
        i = MAY_NEED_CLEANING.position(bytes, i);
        if i == bytes.len() {
            break;
        }
        let len = match bytes[i] {
            b'\n' | b'\t' => 0,
            0x00..=0x1F | 0x7F => 1,
            0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) => 2,
            0xEF if matches!(
                (bytes.get(i + 1), bytes.get(i + 2)),
                (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
            ) =>
            {
                3
            }
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        out.push_str(&raw[run_start..i]);
        if bytes[i] == b'\r' {
            out.push('\n');
            if bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        } else if bytes[i..i + len] != [0xEF, 0xBB, 0xBF] {
            // A stray BOM inside the text (files concatenated from several saves) goes
            // silently; anything else is counted. Lines are counted only when needed.
            let entry = removed
                .get_or_insert_with(|| (1 + memchr::memchr_iter(b'\n', out.as_bytes()).count(), 0));
            entry.1 += 1;
        }
        i += len;
        run_start = i;
    }
    out.push_str(&raw[run_start..]);
    (out, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Decoded {
        decode("f.txt", Path::new("f.txt"), bytes).unwrap()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(dec(b"caf\xC3\xA9").text, "café");
        let d = dec(b"\xEF\xBB\xBFcaf\xC3\xA9");
        assert_eq!(d.text, "café");
        assert_eq!(d.encoding, "UTF-8 (BOM)");
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn utf16_both_byte_orders() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Hé\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Hé\r\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(dec(&le).text, "Hé\n");
        assert_eq!(dec(&be).text, "Hé\n");
        assert_eq!(dec(&be).encoding, "UTF-16BE");
        assert_eq!(dec(&le).diagnostics[0].code, Code::N001);
    }

    #[test]
    fn windows_1252_curly_quotes_and_ellipsis() {
        let d = dec(b"\x93Wait\x85\x94 caf\xE9 \x97 it\x92s");
        assert_eq!(d.text, "“Wait…” café — it’s");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.diagnostics[0].to_string(),
            "note[N001]: f.txt: not UTF-8; read as windows-1252"
        );
    }

    #[test]
    fn html_is_read_in_the_encoding_its_meta_declares() {
        let path = Path::new("w.html");
        // ISO-8859-2: 0xB3 is ł (in Windows-1252 it would be ³).
        let latin2 = b"<html><head><meta charset=\"iso-8859-2\"></head><body><p>\xB3\xF3d\xBC</p></body></html>";
        let d = decode_html("w.html", path, latin2).unwrap();
        assert!(d.text.contains("<p>łódź</p>"), "{}", d.text);
        assert_eq!(d.encoding, "ISO-8859-2");
        let http_equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"/>\xCF\xF0\xE8";
        assert!(decode_html("w.html", path, http_equiv)
            .unwrap()
            .text
            .ends_with("При"));
        // Valid UTF-8 wins over a stale declaration, and a BOM over both.
        let stale = "<meta charset=\"iso-8859-1\"><p>café</p>".as_bytes();
        assert_eq!(
            decode_html("w.html", path, stale).unwrap().encoding,
            "UTF-8"
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(b"<meta charset=\"koi8-r\"><p>\xC3\xA9</p>");
        assert!(decode_html("w.html", path, &bom)
            .unwrap()
            .text
            .contains("<p>é</p>"));
        // Without a declaration, as any other file.
        assert_eq!(
            decode_html("w.html", path, b"<p>caf\xE9</p>")
                .unwrap()
                .encoding,
            "windows-1252"
        );
    }

    #[test]
    fn line_endings_normalised() {
        assert_eq!(dec(b"a\r\nb\rc\n\rd").text, "a\nb\nc\n\nd");
    }

    #[test]
    fn forbidden_controls_removed_with_line() {
        let d = dec(
            "one line of story\ntwo\u{7}x\u{1b}\nthree lines of story, no-break\u{a0}space"
                .as_bytes(),
        );
        assert_eq!(
            d.text,
            "one line of story\ntwox\nthree lines of story, no-break\u{a0}space"
        );
        let w = &d.diagnostics[0];
        assert_eq!((w.code, w.line), (Code::W006, Some(2)));
        assert!(w.message.contains("removed 2"));
    }

    /// The char-by-char `clean` the byte-run version replaced, kept as the oracle.
    fn clean_by_chars(raw: &str) -> (String, Option<(usize, usize)>) {
        let mut out = String::new();
        let mut line = 1;
        let mut removed: Option<(usize, usize)> = None;
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    out.push('\n');
                    line += 1;
                }
                '\n' => {
                    out.push('\n');
                    line += 1;
                }
                '\t' => out.push(c),
                '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}' => {
                    removed.get_or_insert((line, 0)).1 += 1;
                }
                '\u{FEFF}' => {}
                _ => out.push(c),
            }
        }
        (out, removed)
    }

    proptest::proptest! {
        #[test]
        fn clean_matches_the_char_by_char_version(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "é", "\r", "\n", "\r\n", "\t", "\u{7}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}",
                "\u{A0}", "\u{FEFF}", "\u{FEFE}", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{1F600}", "—", " ",
            ]), 0..40)
        ) {
            let raw = parts.concat();
            proptest::prop_assert_eq!(clean(&raw), clean_by_chars(&raw));
        }
    }

    #[test]
    fn utf16_without_a_bom_is_read() {
        let text = "Title: Moth\n\nThe moth — “late” — came.\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = dec(&le);
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16LE (no BOM)"));
        let d = dec(&be);
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16BE (no BOM)"));
        // A binary file with NULs everywhere is still refused.
        assert!(decode("f.txt", Path::new("f.txt"), &[0u8; 64]).is_err());
    }

    #[test]
    fn binary_files_are_refused() {
        let err = decode("x.txt", Path::new("dir/x.txt"), b"\x89PNG\r\n\x1a\n\0\0").unwrap_err();
        assert!(err
            .to_string()
            .contains("dir/x.txt does not look like text (it is a PNG image)"));
        assert!(decode("y.txt", Path::new("y.txt"), b"abc\0\0def\x01\x02").is_err());
    }

    #[test]
    fn more_than_one_control_byte_in_twenty_is_not_text() {
        // 203 bytes (not a whole number of eight-byte words): 10 controls pass, 11 fail.
        // Line breaks, tabs and form feeds are text.
        let with = |controls: usize| {
            let mut bytes = b"\n\r\t\x0c".repeat(10);
            bytes.extend(std::iter::repeat_n(b'a', 203 - 40 - controls));
            bytes.extend(std::iter::repeat_n(0x1Bu8, controls));
            decode("z.txt", Path::new("z.txt"), &bytes)
        };
        assert!(with(10).is_ok());
        let err = with(11).unwrap_err().to_string();
        assert!(
            err.contains("11 of its first 203 bytes are control characters"),
            "{err}"
        );
    }
}
