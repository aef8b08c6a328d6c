//! Books through Calibre: `ebook-convert` to EPUB and AZW3 (the Kindle path over USB)
//! with default settings must say nothing in its log that a book causes (no warning,
//! error, file not found, or anything skipped) and not leave a page that holds only a
//! heading, and `ebook-meta` must read what the package says (title, author, series,
//! tags, cover). KEPUBs go through the same checks.
//!
//! Why this is a test at all: Calibre's default structure detection starts a new page
//! before every `h1`/`h2` whose text starts `chapter`, `book`, `section` or `part` and a
//! space. A heading that sits on its own line after another heading (a `Part 1` line
//! under the installment's title) is cut from its title, and the title is left alone on
//! a blank page in AZW3, MOBI, PDF and Calibre's own EPUB. Nothing but Calibre shows it.
//!
//! The tests need Calibre. Without `ebook-convert` they are skipped with a message, unless
//! `FICBIND_REQUIRE_CALIBRE` is set (scripts/test.sh sets it and installs Calibre), so a
//! CI run can never skip them silently.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use crate::support::*;

/// Calibre's tools with a private, empty configuration: its defaults, never a
/// developer's saved conversion settings, and no two tests sharing a settings file.
struct Calibre {
    config: tempfile::TempDir,
}

impl Calibre {
    /// Calibre when installed; `None` (after saying so) when the tests may skip it.
    fn find() -> Option<Calibre> {
        let present = Command::new("ebook-convert")
            .arg("--version")
            .env("QT_QPA_PLATFORM", "offscreen")
            .output()
            .is_ok_and(|o| o.status.success());
        if !present {
            assert!(
                std::env::var_os("FICBIND_REQUIRE_CALIBRE").is_none(),
                "FICBIND_REQUIRE_CALIBRE is set but Calibre's ebook-convert does not run; \
                 install it (apt-get install --no-install-recommends calibre, or scripts/calibre.sh)"
            );
            // Straight to stderr, not `eprintln!`, which the test harness swallows for a
            // passing test: a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: Calibre's ebook-convert is not installed; the Calibre tests did not run \
                 (scripts/test.sh installs it and sets FICBIND_REQUIRE_CALIBRE)"
            );
            return None;
        }
        Some(Calibre {
            config: tempfile::tempdir().unwrap(),
        })
    }

    /// Runs one Calibre tool and returns its standard output; fails the test if it fails.
    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) -> String {
        self.run_logged(tool, args).0
    }

    /// Runs one Calibre tool and returns its standard output and its standard error;
    /// fails the test if it fails.
    fn run_logged(&self, tool: &str, args: &[&std::ffi::OsStr]) -> (String, String) {
        let out = Command::new(tool)
            .args(args)
            .env("QT_QPA_PLATFORM", "offscreen")
            .env("CALIBRE_CONFIG_DIRECTORY", self.config.path())
            .output()
            .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Converts `from` to `to` and fails the test on any line of the log a book can
    /// cause (see `log_complaints`).
    fn convert(&self, from: &Path, to: &Path) {
        let (out, err) = self.run_logged("ebook-convert", &[from.as_os_str(), to.as_os_str()]);
        let complaints = log_complaints(&format!("{out}\n{err}"));
        assert!(
            complaints.is_empty(),
            "ebook-convert {} → {} complained:\n  {}",
            from.display(),
            to.display(),
            complaints.join("\n  ")
        );
    }
}

/// The lines of an `ebook-convert` log that say something is wrong with the book: a
/// warning or error, a file it refers to that is not there, markup it could not parse,
/// something it ignored or dropped. Calibre's progress lines (`Trimming 'toc.ncx' from
/// manifest`, `Detected chapter: …`) say none of these words.
fn log_complaints(log: &str) -> Vec<String> {
    const TELLS: &[&str] = &[
        "warn",
        "error",
        "fail",
        "invalid",
        "not found",
        "could not",
        "unable to",
        "ignor",
        "malformed",
        "unsupported",
        "corrupt",
        "traceback",
        "exception",
        "not well-formed",
        "dropping",
    ];
    log.lines()
        .filter(|l| {
            // File names say nothing (`OEBPS/warnings.xhtml`): only the words do.
            let words: Vec<String> = l
                .split_whitespace()
                .filter(|w| !w.contains('/') && !w.contains(".xhtml"))
                .map(str::to_lowercase)
                .collect();
            let words = words.join(" ");
            TELLS.iter().any(|t| words.contains(t))
        })
        .map(str::to_string)
        .collect()
}

impl Calibre {}

/// Builds `dir` with the command as users run it (with `extra` options), and checks
/// every book made with EPUBCheck.
fn build(dir: &Path, out: &Path, extra: &[&str]) {
    cli_build(dir, out, extra);
    if out.is_dir() {
        for book in std::fs::read_dir(out).unwrap() {
            assert_epubcheck_clean(&book.unwrap().path());
        }
    } else {
        assert_epubcheck_clean(out);
    }
}

/// The spine's files, in reading order, as (name, markup), from an OPF's text and a way
/// to read a file by its path relative to the OPF.
fn spine_pages(opf: &str, mut read: impl FnMut(&str) -> String) -> Vec<(String, String)> {
    let hrefs: HashMap<String, String> = opf
        .split("<item ")
        .skip(1)
        .map(|item| (attr(item, "id"), attr(item, "href")))
        .collect();
    opf.split("<itemref ")
        .skip(1)
        .map(|r| {
            let href = &hrefs[&attr(r, "idref")];
            (href.clone(), read(href))
        })
        .collect()
}

/// The pages of an EPUB in reading order, wherever its OPF is (Calibre puts it at the root).
fn epub_pages(path: &Path) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in {}", path.display()))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let container = read("META-INF/container.xml");
    let opf_path = attr(&container, "full-path");
    let opf = read(&opf_path);
    let base = opf_path
        .rfind('/')
        .map_or("", |i| &opf_path[..=i])
        .to_string();
    spine_pages(&opf, |href| read(&format!("{base}{}", decode_href(href))))
}

/// An href as a file name: Calibre percent-encodes nothing we write, but be exact.
fn decode_href(href: &str) -> String {
    href.replace("%20", " ")
}

/// The pages of an AZW3 as the book stores them. KF8 keeps each file of the book as a
/// separate part, and a reader starts every part on a new page; `calibre-debug
/// --explode-book` writes those parts back out unchanged (no second conversion, so no
/// second chapter detection), which makes the parts exactly the AZW3's page breaks.
fn azw3_pages(calibre: &Calibre, azw3: &Path, work: &Path) -> Vec<(String, String)> {
    let dir = work.join("exploded");
    calibre.run(
        "calibre-debug",
        &["--explode-book".as_ref(), azw3.as_os_str(), dir.as_os_str()],
    );
    let opf = std::fs::read_to_string(dir.join("metadata.opf")).unwrap();
    spine_pages(&opf, |href| {
        std::fs::read_to_string(dir.join(decode_href(href))).unwrap()
    })
}

/// The pages that show a heading and nothing else, each with the heading's text.
/// A page with no heading at all (the cover) is not one: it holds an image, not a
/// stranded title.
fn heading_only_pages(pages: &[(String, String)]) -> Vec<String> {
    pages
        .iter()
        .filter_map(|(name, xhtml)| {
            let body = xhtml.find("<body").map_or(xhtml.as_str(), |i| &xhtml[i..]);
            let (headings, rest) = split_headings(body);
            let heading_words = words(&strip_tags(&headings));
            let other_words = words(&strip_tags(&rest));
            (!heading_words.is_empty() && other_words.is_empty())
                .then(|| format!("{name}: only the heading {:?}", heading_words.join(" ")))
        })
        .collect()
}

/// Markup split into its `h1`–`h6` elements and everything else.
fn split_headings(markup: &str) -> (String, String) {
    let (mut headings, mut rest) = (String::new(), String::new());
    let mut s = markup;
    while let Some(start) = find_heading_start(s) {
        rest.push_str(&s[..start]);
        let level = &s[start + 1..start + 3];
        let close = format!("</{level}>");
        let end = s[start..]
            .find(&close)
            .map_or(s.len(), |i| start + i + close.len());
        headings.push_str(&s[start..end]);
        headings.push(' ');
        s = &s[end..];
    }
    rest.push_str(s);
    (headings, rest)
}

/// Where the next `<h1`…`<h6` tag starts (not `<head`, `<hr`, `<html`).
fn find_heading_start(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    s.match_indices("<h").map(|(i, _)| i).find(|&i| {
        matches!(bytes.get(i + 2), Some(b'1'..=b'6'))
            && matches!(bytes.get(i + 3), Some(b' ' | b'>' | b'/'))
    })
}

/// `ebook-meta`'s report as field → value (`Title`, `Author(s)`, `Series`, `Tags` …).
fn ebook_meta(calibre: &Calibre, book: &Path) -> HashMap<String, String> {
    calibre
        .run("ebook-meta", &[book.as_os_str()])
        .lines()
        .filter_map(|l| l.split_once(" : "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The cover Calibre finds in `book`, as (width, height); fails when it finds none.
fn calibre_cover(calibre: &Calibre, book: &Path, work: &Path) -> (u32, u32) {
    let out = work.join(format!(
        "{}-cover.img",
        book.file_stem().unwrap().to_string_lossy()
    ));
    let mut arg = std::ffi::OsString::from("--get-cover=");
    arg.push(&out);
    calibre.run("ebook-meta", &[arg.as_os_str(), book.as_os_str()]);
    assert!(
        out.is_file(),
        "Calibre finds no cover in {}",
        book.display()
    );
    image::ImageReader::open(&out)
        .and_then(|r| r.with_guessed_format())
        .expect("Calibre's cover reads")
        .into_dimensions()
        .expect("Calibre's cover is an image")
}

/// Every `<tag>` element's text in an OPF (`dc:subject`, …).
fn opf_elements(opf: &str, tag: &str) -> Vec<String> {
    opf.split(&format!("<{tag}"))
        .skip(1)
        .map(|s| {
            let text = &s[s.find('>').unwrap() + 1..s.find(&format!("</{tag}>")).unwrap()];
            strip_tags(text).replace('\u{a0}', " ").trim().to_string()
        })
        .collect()
}

/// The whole check for one series folder: build, read the metadata back, convert to
/// EPUB and AZW3, and look for stranded headings in both.
fn through_calibre(series: &Path) {
    let Some(calibre) = Calibre::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book.epub");
    build(series, &book, &[]);
    check_book(&calibre, &book, tmp.path());
}

/// What Calibre makes of one built book: its metadata, and its EPUB and AZW3 pages.
fn check_book(calibre: &Calibre, book: &Path, work: &Path) {
    // Its own folder for Calibre's files: several books may share `work`.
    let tmp = tempfile::tempdir_in(work).unwrap();
    let opf = Epub::new(std::fs::read(book).unwrap()).text("OEBPS/content.opf");

    // What Calibre reads from the package is what the package says.
    let meta = ebook_meta(calibre, book);
    let field = |k: &str| meta.get(k).cloned().unwrap_or_default();
    assert_eq!(
        field("Title"),
        opf_elements(&opf, "dc:title")[0],
        "{meta:?}"
    );
    for author in opf_elements(&opf, "dc:creator") {
        assert!(field("Author(s)").contains(&author), "{author}: {meta:?}");
    }
    // A whole-series book belongs to no series (it is not `#1` of itself); a book of
    // one installment (`--split`) names its series, and Calibre must read the same.
    let series_name = opf
        .split("property=\"belongs-to-collection\"")
        .nth(1)
        .map(|s| s[s.find('>').unwrap() + 1..s.find("</meta>").unwrap()].to_string());
    match series_name {
        Some(name) => assert!(
            field("Series").starts_with(&name),
            "series {name:?}: {meta:?}"
        ),
        None => assert!(!meta.contains_key("Series"), "no series: {meta:?}"),
    }
    let tags: Vec<String> = field("Tags").split(", ").map(str::to_string).collect();
    let subjects = opf_elements(&opf, "dc:subject");
    assert!(!subjects.is_empty(), "the package has tags");
    for subject in &subjects {
        assert!(tags.contains(subject), "tag {subject:?}: {meta:?}");
    }
    let (w, h) = calibre_cover(calibre, book, tmp.path());
    assert!(w > 0 && h > 0);

    // Calibre's own EPUB: the cover stays the cover, with its shape, and no page is a
    // heading alone.
    let converted = tmp.path().join("calibre.epub");
    calibre.convert(book, &converted);
    let (cw, ch) = calibre_cover(calibre, &converted, tmp.path());
    let (aspect, converted_aspect) = (w as f64 / h as f64, cw as f64 / ch as f64);
    assert!(
        (aspect - converted_aspect).abs() < 0.01,
        "Calibre's EPUB keeps the cover's shape: {w}×{h} became {cw}×{ch}"
    );
    let stranded = heading_only_pages(&epub_pages(&converted));
    assert!(
        stranded.is_empty(),
        "Calibre's EPUB output (default settings) has pages holding only a heading:\n  {}",
        stranded.join("\n  ")
    );

    let azw3 = tmp.path().join("book.azw3");
    calibre.convert(book, &azw3);
    let stranded = heading_only_pages(&azw3_pages(calibre, &azw3, tmp.path()));
    assert!(
        stranded.is_empty(),
        "Calibre's AZW3 output (default settings) has pages holding only a heading:\n  {}",
        stranded.join("\n  ")
    );
}

#[test]
fn calibre_sample_glass_harbour() {
    through_calibre(&sample("glass-harbour"));
}

/// Lantern Road has a two-part installment whose first part opens with its own
/// `Chapter 3: Undertow` line: the case Calibre's chapter detection cut.
#[test]
fn calibre_sample_lantern_road() {
    through_calibre(&sample("lantern-road"));
}

/// A `--split` book of the two-part installment: it names its series, which Calibre must
/// read, and its two part pages must keep their headings with their text.
#[test]
fn calibre_split_book_of_a_two_part_installment() {
    let Some(calibre) = Calibre::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("split");
    build(&sample("lantern-road"), &dir, &["--split"]);
    let book = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("the-lantern-keeper"))
        .expect("the split book of installment 3");
    check_book(&calibre, &book, tmp.path());
}

/// A KEPUB goes through Calibre as its EPUB does: Kobo's spans and divs are plain
/// XHTML to it, so a Kobo reader's book can still be made a Kindle one.
#[test]
fn calibre_kepub_of_lantern_road() {
    let Some(calibre) = Calibre::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book.kepub.epub");
    build(&sample("lantern-road"), &book, &["--format", "kepub"]);
    check_book(&calibre, &book, tmp.path());
}

/// The log rule itself, without Calibre: lines Calibre writes about a faulty book
/// are found, its progress lines are not.
#[test]
fn calibre_log_complaints_are_found_and_progress_is_not() {
    let log = "1% Converting input to HTML...\nFound HTML cover OEBPS/cover.xhtml\n\tLooking for large trees in OEBPS/warnings.xhtml...\n\tDetected chapter: 3. The Lantern Keeper\nTrimming 'OEBPS/toc.ncx' from manifest\nReferenced file 'OEBPS/images/x.png' not found\nWARNING: Failed to parse CSS\nIgnoring empty link\nOutput saved to   /tmp/book.azw3";
    assert_eq!(
        log_complaints(log),
        [
            "Referenced file 'OEBPS/images/x.png' not found",
            "WARNING: Failed to parse CSS",
            "Ignoring empty link"
        ]
    );
}

/// A two-part installment from the fixtures (`Copperline 03: Static part 1/2`).
#[test]
fn calibre_fixture_messy_two_part_installment() {
    through_calibre(&fixture("messy"));
}

/// The rule itself, without Calibre: what counts as a page holding only a heading.
#[test]
fn a_page_with_only_headings_is_found_and_a_page_with_text_is_not() {
    let page = |body: &str| {
        format!("<html><head><title>T</title></head><body class=\"c\">{body}</body></html>")
    };
    let pages = vec![
        (
            "stranded.xhtml".to_string(),
            page("<section><h1 id=\"t\"><span>3</span> The Keeper</h1><div id=\"pb\"></div></section>"),
        ),
        (
            "two-headings.xhtml".to_string(),
            page("<h1>Title</h1>\n<h2 class=\"p\">Part 1<br/><span>Chapter 3</span></h2>"),
        ),
        (
            "story.xhtml".to_string(),
            page("<h2>Part 1</h2><p>The tide was out.</p>"),
        ),
        (
            "cover.xhtml".to_string(),
            page("<div><img src=\"c.jpg\" alt=\"\"/></div>"),
        ),
        (
            "rule.xhtml".to_string(),
            page("<hr/><header><p>Head text</p></header>"),
        ),
    ];
    let found = heading_only_pages(&pages);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("stranded.xhtml") && found[0].contains("3 The Keeper"));
    assert!(found[1].starts_with("two-headings.xhtml") && found[1].contains("Part 1 Chapter 3"));
}
