//! EPUB downloads as installments: the archive's EPUB twins of the AO3-format fixture
//! works read as their HTML downloads are, a folder of every kind of story file built
//! into one book, EPUBs of any make read by their OPF, spine and contents, hostile
//! markup removed, and EPUBs that cannot be read refused by name with nothing written.

use std::io::Write as _;
use std::path::Path;

use ficbind::Options;
use predicates::prelude::*;

use crate::support::*;

fn opts() -> Options {
    Options {
        source_date_epoch: Some(1_790_000_000),
        ..Options::default()
    }
}

fn build(dir: &Path) -> ficbind::Book {
    ficbind::build_series(dir, &opts()).unwrap_or_else(|e| panic!("{} builds: {e}", dir.display()))
}

fn title_of(page: &str) -> String {
    page[page.find("<title>").unwrap() + 7..page.find("</title>").unwrap()].to_string()
}

/// An EPUB of `entries` (name, text), `mimetype` first and stored, as a package is.
pub fn epub_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/epub+zip").unwrap();
    for (name, text) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTAINER: &str = r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

/// An EPUB 3 of `chapters` (title, body markup), with a nav document, in the series
/// `series` at `position`.
fn epub3(title: &str, series: &str, position: u32, chapters: &[(&str, &str)]) -> Vec<u8> {
    let mut manifest = String::from(
        r#"<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>"#,
    );
    let mut spine = String::new();
    let mut nav = String::new();
    let mut pages = Vec::new();
    for (i, (ct, body)) in chapters.iter().enumerate() {
        let name = format!("text/c{i}.xhtml");
        manifest.push_str(&format!(
            r#"<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>"#
        ));
        spine.push_str(&format!(r#"<itemref idref="c{i}"/>"#));
        nav.push_str(&format!(r#"<li><a href="{name}">{ct}</a></li>"#));
        pages.push((
            format!("OPS/{name}"),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body><h2>{ct}</h2>{body}</body></html>"#
            ),
        ));
    }
    let opf = format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>{title}</dc:title>
<dc:creator>Ada Fen</dc:creator><dc:language>en</dc:language>
<dc:subject>Reeds</dc:subject>
<meta property="belongs-to-collection" id="c">{series}</meta>
<meta refines="#c" property="collection-type">series</meta>
<meta refines="#c" property="group-position">{position}</meta>
</metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"##
    );
    let nav = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Contents</title></head><body><nav epub:type="toc"><ol>{nav}</ol></nav></body></html>"#
    );
    let mut entries: Vec<(String, String)> = vec![
        ("META-INF/container.xml".into(), CONTAINER.into()),
        ("OPS/package.opf".into(), opf),
        ("OPS/nav.xhtml".into(), nav),
    ];
    entries.extend(pages);
    let refs: Vec<(&str, &str)> = entries
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    epub_of(&refs)
}

/// The text of every `<p>` in the content pages of the EPUB at `path`, quotes made
/// plain, as words.
fn paragraphs_of_epub(path: &Path) -> Vec<Vec<String>> {
    let mut epub = Epub::new(std::fs::read(path).unwrap());
    let mut out = Vec::new();
    for name in epub.names() {
        if !(name.ends_with(".html") || name.ends_with(".xhtml")) || name.contains("title_page") {
            continue;
        }
        let page = epub.text(&name);
        for p in page.split("<p").skip(1) {
            let Some(end) = p.find("</p>") else { continue };
            let text = strip_tags(&format!("<body><p{}", &p[..end]));
            let text = text.replace("&#8220;", "\"").replace("&#8221;", "\"");
            out.push(words(&text));
        }
    }
    out
}

#[test]
fn a_folder_of_every_kind_of_download_makes_one_valid_series_book() {
    let dir = fixture("mixed-downloads");
    let book = build(&dir);
    assert_eq!(book.series.title, "Saltmarsh Letters");
    let warnings: Vec<String> = book
        .diagnostics
        .iter()
        .filter(|d| !d.code.is_note())
        .map(|d| d.to_string())
        .collect();
    assert!(warnings.is_empty(), "{warnings:?}");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("mixed.epub");
    std::fs::write(&path, &book.epub).unwrap();
    assert_epubcheck_clean(&path);

    let mut epub = Epub::new(book.epub);
    // Order across works: "Part 1 of" (HTML), calibre:series_index 2 (the archive's
    // EPUB), a text title's number 3, FanFicFare's "Saltmarsh Letters [4]"; the
    // Markdown story without a number is free-standing and comes last.
    let spine = epub.spine();
    let titles: Vec<String> = spine[4..]
        .iter()
        .map(|p| title_of(&epub.text(&format!("OEBPS/{p}"))))
        .collect();
    assert_eq!(
        titles,
        [
            "1. The Ferryman&#39;s Ledger",
            "2. Low Water — Part 1",
            "2. Low Water — Part 2",
            "2. Low Water — Part 3",
            "3. Harbour Lights",
            "4. The Night Ferry — Part 1",
            "4. The Night Ferry — Part 2",
            "Reeds",
        ]
    );
    // Chapters nest under their work in the nav.
    let nav = epub.text("OEBPS/nav.xhtml");
    for work in ["2. Low Water", "4. The Night Ferry"] {
        let at = &nav[nav.find(work).unwrap()..];
        let nested = &at[..at.find("</ol>").unwrap()];
        assert!(nested.matches("<li>").count() >= 2, "{nested}");
    }
    // Each chapter is listed by its own title (the archive's chapter heading, the
    // downloader's chapter title), "Part N" only where the chapter has none.
    let ncx = epub.text("OEBPS/toc.ncx");
    for toc in [&nav, &ncx] {
        let low = &toc[toc.find("2. Low Water").unwrap()..toc.find("3. Harbour Lights").unwrap()];
        for chapter in ["The Line of Wrack", "Part 2", "Flood"] {
            assert!(low.contains(chapter), "{chapter} in {low}");
        }
        let night = &toc[toc.find("4. The Night Ferry").unwrap()..];
        for chapter in ["Chapter 1, Lanterns", "Chapter 2, The Far Bank"] {
            assert!(night.contains(chapter), "{chapter} in {night}");
        }
    }
    // The image inside the FanFicFare book is the book's own image.
    assert!(epub
        .names()
        .iter()
        .any(|n| n == "OEBPS/images/image-001.png"));
    let night = epub.text("OEBPS/story-006.xhtml");
    assert!(
        night.contains(r#"<img src="images/image-001.png" alt="A ferry lantern, lit"/>"#),
        "{night}"
    );

    // Every paragraph of both EPUBs is in the book, in order.
    let story = epub.story_words();
    for file in ["work_1207.epub", "the-night-ferry.epub"] {
        for p in paragraphs_of_epub(&dir.join(file)) {
            // The archive's own words and the labels of its notes are not story.
            let joined = p.join(" ");
            let labels = [
                "Summary",
                "Notes",
                "Chapter Summary",
                "Chapter Notes",
                "Chapter End Notes",
                "End Notes",
            ];
            if p.is_empty()
                || joined.contains("Posted originally")
                || joined.contains("Please drop by")
                || labels.contains(&joined.as_str())
            {
                continue;
            }
            is_subsequence(&p, &story).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }

    // No downloader's page or boilerplate is a story page.
    for page in spine.iter().filter(|p| p.starts_with("story-")) {
        let text = epub.text(&format!("OEBPS/{page}"));
        for boilerplate in [
            "Posted originally",
            "See the end of the",
            "Please drop by the Archive",
            "Chapter Text",
            "Title Page",
            "Packaged",
            "stories.example.org",
            "Preface",
            "Afterword",
        ] {
            assert!(!text.contains(boilerplate), "{boilerplate} in {page}");
        }
    }
    // The FanFicFare title page's facts are the work's.
    let opf = epub.text("OEBPS/content.opf");
    assert!(opf.contains("<dc:subject>Mystery</dc:subject>"), "{opf}");
    let warnings = epub.text("OEBPS/warnings.xhtml");
    assert!(warnings.contains("Night crossings"), "{warnings}");
}

#[test]
fn the_archives_epub_reads_as_its_html_download_does() {
    // The twins made by Calibre as the archive makes them, and the HTML downloads
    // they were made from, give the same works, chapters and story text.
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("html");
    std::fs::create_dir(&html).unwrap();
    for name in ["work_5530.html", "work_1207.html"] {
        std::fs::copy(fixture("ao3-html").join(name), html.join(name)).unwrap();
    }
    let from_html = build(&html);
    let from_epub = build(&fixture("ao3-epub"));
    assert_eq!(from_epub.series.title, from_html.series.title);
    assert_eq!(from_epub.series.rating, from_html.series.rating);
    assert_eq!(from_epub.series.warnings, from_html.series.warnings);
    assert_eq!(from_epub.series.source, from_html.series.source);
    assert_eq!(from_epub.series.tags, from_html.series.tags);
    let path = tmp.path().join("ao3-epub.epub");
    std::fs::write(&path, &from_epub.epub).unwrap();
    assert_epubcheck_clean(&path);
    let (mut a, mut b) = (Epub::new(from_html.epub), Epub::new(from_epub.epub));
    let (sa, sb) = (a.spine(), b.spine());
    assert_eq!(sa, sb);
    for page in sa.iter().filter(|p| p.starts_with("story-")) {
        let name = format!("OEBPS/{page}");
        assert_eq!(
            words(&strip_tags(&a.text(&name))),
            words(&strip_tags(&b.text(&name))),
            "{page}"
        );
    }
}

#[test]
fn any_epub3_gives_its_collection_place_nav_titles_and_no_hostile_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fen");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("b-first.txt"),
        "Title: Fen Tales 1: Mist\nAuthor: Ada Fen\n\nThe mist came up off the fen at dusk.\n",
    )
    .unwrap();
    let hostile = r#"<p onclick="steal()">The reed boat <a href="javascript:alert(1)">rocked</a> on the water.</p>
<script>document.write('pwned')</script>
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="q"/><p>Form words go with it.</p></form>
<p style="position:fixed;top:0">A heron watched.</p>
<div/><p>After an empty div.</p>"#;
    std::fs::write(
        dir.join("a-second.epub"),
        epub3(
            "The Reed Boat",
            "Fen Tales",
            2,
            &[
                ("Launch", hostile),
                ("Landfall", "<p>They landed at last.</p>"),
            ],
        ),
    )
    .unwrap();
    let book = build(&dir);
    let out = tmp.path().join("fen.epub");
    std::fs::write(&out, &book.epub).unwrap();
    assert_epubcheck_clean(&out);
    let mut epub = Epub::new(book.epub);
    let spine = epub.spine();
    let titles: Vec<String> = spine[4..]
        .iter()
        .map(|p| title_of(&epub.text(&format!("OEBPS/{p}"))))
        .collect();
    assert_eq!(
        titles,
        [
            "1. Mist",
            "2. The Reed Boat — Part 1",
            "2. The Reed Boat — Part 2"
        ]
    );
    let page = epub.text("OEBPS/story-002.xhtml");
    for gone in [
        "onclick",
        "javascript",
        "<script",
        "pwned",
        "iframe",
        "evil.example",
        "position",
        "<form",
        "<input",
    ] {
        assert!(!page.contains(gone), "{gone} in {page}");
    }
    for kept in [
        "The reed boat",
        "rocked",
        "A heron watched.",
        "After an empty div.",
    ] {
        assert!(page.contains(kept), "{kept} lost: {page}");
    }
    // The nav's titles are the chapters' headings; the page does not repeat them.
    assert!(page.contains("Launch"), "{page}");
    assert_eq!(page.matches("Launch").count(), 1, "said once: {page}");
}

/// Builds `dir` (holding `name`) with the CLI, which must fail naming the file and
/// saying `why`, and leave nothing written.
fn refused(name: &str, bytes: &[u8], why: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("moth");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("01.txt"),
        "Title: Moth 1: The Lamp\nAuthor: Ada\n\nThe moth came to the lamp at dusk.\n",
    )
    .unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
    let out = tmp.path().join("moth.epub");
    ficbind()
        .timeout(std::time::Duration::from_secs(60))
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains(name).and(predicate::str::contains(why)));
    assert!(!out.exists(), "nothing is written for {name}");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no half-written file beside the folder");
}

#[test]
fn an_epub_that_cannot_be_read_is_refused_by_name_and_nothing_is_written() {
    let good = std::fs::read(fixture("ao3-epub").join("work_5530.epub")).unwrap();
    refused("cut.epub", &good[..good.len() / 2], "not a readable zip");
    refused(
        "no-container.epub",
        &epub_of(&[("OPS/a.xhtml", "<html><body><p>Words.</p></body></html>")]),
        "no META-INF/container.xml",
    );
    refused(
        "no-opf.epub",
        &epub_of(&[("META-INF/container.xml", CONTAINER)]),
        "OPS/package.opf, which META-INF/container.xml names, is missing",
    );
    let drm = r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OPS/text/c0.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>"#;
    let mut entries = vec![
        ("META-INF/encryption.xml", drm),
        ("META-INF/container.xml", CONTAINER),
    ];
    refused("locked.epub", &epub_of(&entries), "protected by DRM");
    entries[0] = ("META-INF/rights.xml", "<rights/>");
    refused("adept.epub", &epub_of(&entries), "META-INF/rights.xml");
    // A zip bomb: a page of 65 MB of spaces packs into some 64 KB.
    let bomb = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(
            "META-INF/container.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(CONTAINER.as_bytes()).unwrap();
        w.start_file("OPS/package.opf", zip::write::SimpleFileOptions::default())
            .unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..65 {
            w.write_all(&chunk).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    assert!(bomb.len() < 1 << 20);
    refused("bomb.epub", &bomb, "inflates to more than 64 MB");
}
