//! The zip an EPUB is, read with limits. A download is input from anywhere: an entry
//! may claim to be small and inflate to gigabytes (a zip bomb), so what is read of each
//! entry is counted as it inflates, never taken from the sizes the zip's headers give,
//! and both each entry and the whole package have a cap (`input::limits`).

use std::io::{Cursor, Read as _};

use zip::result::ZipError;
use zip::ZipArchive;

use crate::input::limits::{EPUB_ENTRY_CAP, EPUB_ENTRY_COUNT_CAP, EPUB_TOTAL_CAP};
use crate::util::zip_end;

/// Why a package cannot be read, said so the user knows what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// An EPUB's zip, opened from its bytes.
pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    entry_cap: u64,
    /// What may still be inflated from the whole package.
    left: u64,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Package<'a>, Refused> {
        Package::with_caps(bytes, EPUB_ENTRY_CAP, EPUB_TOTAL_CAP)
    }

    /// [`Package::open`] with other caps (tests make small bombs).
    pub fn with_caps(
        bytes: &'a [u8],
        entry_cap: u64,
        total_cap: u64,
    ) -> Result<Package<'a>, Refused> {
        // Counted before the zip reader lists them: listing is what costs the memory.
        if let Some(count) = zip_end::entries(bytes).filter(|&n| n > EPUB_ENTRY_COUNT_CAP) {
            return Err(Refused(format!(
                "it holds {count} entries, and ficbind reads EPUBs of at most {EPUB_ENTRY_COUNT_CAP} (no story needs more; was it made to exhaust memory?)"
            )));
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            Refused(format!(
                "it is not a readable zip, as an EPUB must be ({}; was the download cut short?)",
                plain(&e)
            ))
        })?;
        Ok(Package {
            zip,
            entry_cap,
            left: total_cap,
        })
    }

    /// Whether the package holds an entry of this name.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The names of every entry, in the zip's order.
    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_string).collect()
    }

    /// The inflated bytes of the entry `name`, or `None` when there is no such entry.
    /// An entry that inflates past its cap, or past what the package may still
    /// inflate to, is refused: nothing a story needs is that large.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Refused> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let cap = self.entry_cap.min(self.left);
        let mut entry = self.zip.by_index(index).map_err(|e| match e {
            ZipError::UnsupportedArchive(m) if m.contains("assword") => Refused(format!(
                "its entry {name} is encrypted with a password; ficbind reads only EPUBs without DRM or passwords"
            )),
            e => Refused(format!("its entry {name} cannot be read ({})", plain(&e))),
        })?;
        let mut bytes = Vec::with_capacity(entry.size().min(cap).min(1 << 20) as usize);
        (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Refused(format!(
                    "its entry {name} is damaged ({e}); download the work again"
                ))
            })?;
        if bytes.len() as u64 > cap {
            let whole = cap < self.entry_cap;
            return Err(Refused(if whole {
                format!(
                    "its entries inflate to more than {} MB in all (a zip bomb?); ficbind reads at most that of one EPUB",
                    EPUB_TOTAL_CAP >> 20
                )
            } else {
                format!(
                    "its entry {name} inflates to more than {} MB (a zip bomb?); ficbind reads at most that of one entry",
                    self.entry_cap >> 20
                )
            }));
        }
        self.left -= bytes.len() as u64;
        Ok(Some(bytes))
    }

    /// The entry `name` as UTF-8 text (XML the package itself is made of).
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, Refused> {
        Ok(self.read(name)?.map(|b| {
            String::from_utf8_lossy(b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b)).into_owned()
        }))
    }
}

/// A zip error in words.
fn plain(e: &ZipError) -> String {
    match e {
        ZipError::Io(e) => e.to_string(),
        ZipError::UnsupportedArchive(m) => m.to_string(),
        ZipError::FileNotFound => "an entry is missing".into(),
        e => e.to_string(),
    }
}

/// The entry a link in the entry `base` leads to: relative to `base`'s folder, its
/// `%20`s decoded, its fragment dropped, and `..` resolved (never above the root).
pub fn resolve(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or("");
    let href = percent_decode(href);
    let mut parts: Vec<&str> = match base.rfind('/') {
        Some(i) if !href.starts_with('/') => base[..i].split('/').collect(),
        _ => Vec::new(),
    };
    for piece in href.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(
                *name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn links_resolve_inside_the_package() {
        assert_eq!(
            resolve("OEBPS/content.opf", "Text/ch%201.xhtml#x"),
            "OEBPS/Text/ch 1.xhtml"
        );
        assert_eq!(
            resolve("OEBPS/Text/a.xhtml", "../Images/i.png"),
            "OEBPS/Images/i.png"
        );
        assert_eq!(resolve("content.opf", "../../../etc/passwd"), "etc/passwd");
        assert_eq!(resolve("a.opf", "b%2"), "b%2");
    }

    #[test]
    fn an_entry_that_inflates_past_its_cap_is_refused_whatever_its_header_says() {
        let zeros = vec![0u8; 2000];
        let bytes = zip_of(&[("big.xhtml", &zeros), ("small.xhtml", b"<p>ok</p>")]);
        let mut p = Package::with_caps(&bytes, 1000, 10_000).unwrap();
        assert_eq!(p.read("small.xhtml").unwrap().unwrap(), b"<p>ok</p>");
        let why = p.read("big.xhtml").unwrap_err().0;
        assert!(why.contains("big.xhtml inflates to more than"), "{why}");
        // The whole package's cap counts what every entry inflated to.
        let mut p = Package::with_caps(&bytes, 5000, 1500).unwrap();
        let why = p.read("big.xhtml").unwrap_err().0;
        assert!(why.contains("in all"), "{why}");
        assert_eq!(p.read("missing").unwrap(), None);
    }

    #[test]
    fn a_zip_of_more_entries_than_any_story_needs_is_refused_before_it_is_listed() {
        let names: Vec<String> = (0..EPUB_ENTRY_COUNT_CAP + 1)
            .map(|i| format!("x{i}"))
            .collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let bytes = zip_of(&entries);
        let why = Package::open(&bytes).err().unwrap().0;
        assert!(
            why.contains(&format!("holds {} entries", EPUB_ENTRY_COUNT_CAP + 1)),
            "{why}"
        );
        // At the cap, and with a comment after the end record, it is read.
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in &names[..EPUB_ENTRY_COUNT_CAP as usize] {
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
        }
        w.set_comment("made by hand");
        let bytes = w.finish().unwrap().into_inner();
        assert!(Package::open(&bytes).is_ok());
    }

    #[test]
    fn a_cut_short_zip_is_refused_in_words() {
        let bytes = zip_of(&[("a.xhtml", b"<p>ok</p>")]);
        let why = Package::open(&bytes[..bytes.len() / 2]).err().unwrap().0;
        assert!(why.contains("not a readable zip"), "{why}");
    }
}
