//! `--format kepub`: the same book with Kobo's sentence spans and divs. Every KEPUB is
//! checked against the EPUB built from the same files: strip the spans and the two
//! divs and every file is the EPUB's, byte for byte; span ids are unique on each page;
//! every text of every page read is in a span. EPUBCheck passes both.

use std::collections::HashSet;
use std::path::Path;

use ficbind::{BookFormat, Options};
use proptest::prelude::*;

use crate::support::*;

fn opts(format: BookFormat) -> Options {
    Options {
        source_date_epoch: Some(1_790_000_000),
        format: Some(format),
        ..Options::default()
    }
}

/// The book of `dir` in `format`, written to `out` and checked by EPUBCheck when
/// `check`.
fn book(dir: &Path, format: BookFormat, out: &Path, check: bool) -> Epub {
    let book = ficbind::build::build_series(dir, &opts(format)).unwrap();
    std::fs::write(out, &book.epub).unwrap();
    if check {
        assert_epubcheck_clean(out);
    }
    Epub::new(book.epub)
}

const SPAN: &str = "<span class=\"koboSpan\" id=\"kobo.";
const DIVS_OPEN: &str = "<div id=\"book-columns\"><div id=\"book-inner\">";
const DIVS_CLOSE: &str = "</div></div></body>";

/// A KEPUB page with Kobo's markup taken out: each span (which holds text or an
/// image, never another element) replaced by what it holds, and the two divs.
/// Also checks the spans' ids are unique on the page, and returns them.
fn strip_kobo(page: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(page.len());
    let mut ids = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find(SPAN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + SPAN.len() - "kobo.".len()..];
        let id_end = after.find('"').unwrap();
        ids.push(after[..id_end].to_string());
        let inner = &after[id_end + 2..];
        let close = inner.find("</span>").expect("a span is closed");
        let held = &inner[..close];
        assert!(
            !held.contains('<') || (held.starts_with("<img ") && held.ends_with("/>")),
            "a span holds text or an image: {held}"
        );
        out.push_str(held);
        rest = &inner[close + "</span>".len()..];
    }
    out.push_str(rest);
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "span ids unique on the page: {ids:?}"
    );
    for id in &ids {
        let mut n = id.strip_prefix("kobo.").unwrap().split('.');
        assert!(
            n.next().unwrap().parse::<u32>().is_ok()
                && n.next().unwrap().parse::<u32>().unwrap() > 0,
            "{id}"
        );
    }
    let out = out
        .replacen(DIVS_OPEN, "", 1)
        .replacen(DIVS_CLOSE, "</body>", 1);
    (out, ids)
}

/// The text of a page's body that is not inside a Kobo span: only the white space
/// between blocks may be.
fn text_outside_spans(page: &str) -> String {
    let body = &page[page.find("<body").unwrap()..];
    let mut outside = String::new();
    let mut depth_in_span = 0usize;
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        if depth_in_span == 0 {
            outside.push_str(&rest[..lt]);
        }
        let gt = lt + rest[lt..].find('>').unwrap();
        let tag = &rest[lt..=gt];
        if tag.starts_with("<span class=\"koboSpan\"") {
            depth_in_span = 1;
        } else if depth_in_span == 1 && tag == "</span>" {
            depth_in_span = 0;
        }
        rest = &rest[gt + 1..];
    }
    outside
}

/// The EPUB and KEPUB of one series folder agree as the module says.
fn compare(dir: &Path, check: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let mut epub = book(dir, BookFormat::Epub, &tmp.path().join("b.epub"), check);
    let mut kepub = book(
        dir,
        BookFormat::Kepub,
        &tmp.path().join("b.kepub.epub"),
        check,
    );
    let names = epub.names();
    assert_eq!(names, kepub.names(), "the same files");
    let spine: HashSet<String> = epub.spine().into_iter().collect();
    for name in names {
        let (e, k) = (epub.bytes(&name), kepub.bytes(&name));
        let page = name.strip_prefix("OEBPS/").unwrap_or(&name);
        if !spine.contains(page) {
            assert_eq!(e, k, "{name} is the EPUB's");
            continue;
        }
        let (e, k) = (String::from_utf8(e).unwrap(), String::from_utf8(k).unwrap());
        let (stripped, ids) = strip_kobo(&k);
        assert_eq!(
            stripped, e,
            "{name} without Kobo's markup is the EPUB's page"
        );
        assert!(k.contains(DIVS_OPEN) && k.contains(DIVS_CLOSE), "{name}");
        assert!(!ids.is_empty(), "{name} has spans");
        let outside = text_outside_spans(&k);
        assert!(
            outside.trim().is_empty(),
            "{name}: text outside Kobo's spans: {outside:?}"
        );
    }
}

#[test]
fn the_samples_as_kepubs_are_their_epubs_with_spans() {
    compare(&sample("lantern-road"), true);
    compare(&sample("glass-harbour"), true);
    compare(&fixture("messy"), true);
    compare(&fixture("reader-rules"), true);
}

#[test]
fn a_long_installment_is_cut_into_the_same_pages_with_unique_ids_on_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut long = String::from("Title: Breakwater 1\nAuthor: Wren Halloway\n\n");
    for n in 0..1_500 {
        if n % 37 == 36 {
            long.push_str("* * *\n\n");
        }
        long.push_str(&format!(
            "Paragraph {n}. Mr. Hale walked the breakwater with his lamp held low. “Back?” she asked… He said nothing! The gulls followed him as far as the last bollard.\n\n"
        ));
    }
    std::fs::write(dir.path().join("breakwater-1.txt"), &long).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut kepub = book(
        dir.path(),
        BookFormat::Kepub,
        &tmp.path().join("b.kepub.epub"),
        true,
    );
    let pages = kepub.story_pages();
    assert!(pages.len() > 2, "{pages:?}");
    // Each continuation page goes on numbering paragraphs; sentences split as read.
    let second = kepub.text(&format!("OEBPS/{}", pages[1]));
    assert!(!second.contains("id=\"kobo.1.1\""));
    let first = kepub.text(&format!("OEBPS/{}", pages[0]));
    assert!(
        first.contains(">Paragraph 0. </span><span class=\"koboSpan\" id=\"kobo.1.2\">Mr. Hale walked the breakwater with his lamp held low. </span>"),
        "{}",
        &first[..2000]
    );
    assert!(first.contains(">“Back?” she asked… </span>"));
    // Kobo's markup doubles these short sentences: still under the 300 KB old readers
    // take.
    for page in &pages {
        assert!(kepub.bytes(&format!("OEBPS/{page}")).len() < 300 * 1024);
    }
    compare(dir.path(), false);
}

#[test]
fn kepub_is_a_format_on_the_command_line_and_in_series_toml() {
    let tmp = tempfile::tempdir().unwrap();
    // The default name ends as Kobo needs.
    ficbind()
        .current_dir(tmp.path())
        .args(["build", "-q", "--format", "kepub"])
        .arg(sample("glass-harbour"))
        .assert()
        .success();
    let made: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(made.len(), 1);
    assert!(made[0].ends_with(".kepub.epub"), "{made:?}");
    assert_epubcheck_clean(&tmp.path().join(&made[0]));

    // --split names every book so.
    let split = tmp.path().join("split");
    cli_build(
        &sample("lantern-road"),
        &split,
        &["--split", "--format", "kepub"],
    );
    let books: Vec<_> = std::fs::read_dir(&split)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(books.len() > 1);
    for b in &books {
        assert!(
            b.to_string_lossy().ends_with(".kepub.epub"),
            "{}",
            b.display()
        );
        let mut book = Epub::new(std::fs::read(b).unwrap());
        assert!(book.text("OEBPS/about.xhtml").contains(SPAN));
        // The series in every form a reader looks for: EPUB 3's collection (Kobo's
        // reader, KOReader, Apple Books) and Calibre's (KOReader, Calibre's Kobo and
        // Kindle drivers).
        let opf = book.text("OEBPS/content.opf");
        for form in [
            "<meta property=\"belongs-to-collection\" id=\"series\">Lantern Road</meta>",
            "<meta refines=\"#series\" property=\"collection-type\">series</meta>",
            "<meta refines=\"#series\" property=\"group-position\">",
            "<meta name=\"calibre:series\" content=\"Lantern Road\"/>",
            "<meta name=\"calibre:series_index\" content=\"",
        ] {
            assert!(opf.contains(form), "{form} in {opf}");
        }
        // The cover is marked as Kobo's reader finds it.
        assert!(opf.contains("properties=\"cover-image\""));
    }
    assert_epubcheck_clean(&books[0]);

    // An unknown format is a usage error that lists the formats.
    let out = ficbind()
        .args(["build", "--format", "mobi"])
        .arg(sample("glass-harbour"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mobi") && err.contains("epub") && err.contains("kepub"),
        "{err}"
    );
    let help = ficbind().args(["build", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--format <FORMAT>"));

    // series.toml may ask for a KEPUB; batch names it so, and --format epub wins.
    let library = tmp.path().join("library");
    let series = library.join("moth");
    std::fs::create_dir_all(&series).unwrap();
    std::fs::write(
        series.join("moth-1.txt"),
        "Title: Moth 1\n\nThe moth came to the lamp. It stayed.\n",
    )
    .unwrap();
    std::fs::write(series.join("series.toml"), "format = \"kepub\"\n").unwrap();
    let out_dir = tmp.path().join("books");
    ficbind()
        .args(["batch", "-q", "-o"])
        .arg(&out_dir)
        .arg(&library)
        .assert()
        .success();
    let kepub = out_dir.join("moth.kepub.epub");
    assert!(
        kepub.is_file(),
        "{:?}",
        std::fs::read_dir(&out_dir).unwrap().collect::<Vec<_>>()
    );
    assert!(Epub::new(std::fs::read(&kepub).unwrap())
        .text("OEBPS/story-001.xhtml")
        .contains("<span class=\"koboSpan\" id=\"kobo.1.1\">The moth came to the lamp. </span>"));
    assert_epubcheck_clean(&kepub);
    let epub_dir = tmp.path().join("epubs");
    ficbind()
        .args(["batch", "-q", "--format", "epub", "-o"])
        .arg(&epub_dir)
        .arg(&library)
        .assert()
        .success();
    assert!(epub_dir.join("moth.epub").is_file());
}

/// Story text built from pieces that exercise the sentence rules, the escaper and both
/// readers' markup: words, stops, abbreviations, ellipses, quotes, markup characters,
/// emphasis, scene breaks, author's notes, and in Markdown lists, headings, code and
/// footnotes.
fn story_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "the",
        "lamp",
        "Moth",
        " ",
        " ",
        " ",
        ". ",
        "! ",
        "? ",
        "… ",
        "...",
        " Mr. ",
        " Dr. ",
        "“",
        "”",
        "\"",
        "'",
        "’",
        "&",
        "<b>",
        "3.14",
        "e.g. ",
        "*so*",
        "_low_",
        "\n\n",
        "\n",
        "\n\n* * *\n\n",
        "\n\nA/N: thanks for reading.\n\n",
        "\n\n- one\n- two\n\n",
        "\n\n### Dusk\n\n",
        "\n\n    code. Line\n\n",
        "[^1]",
        "\n\n[^1]: Tide. Twice.\n\n",
        "> quoted. Here\n",
        "。",
        "「灯」",
        "   ",
    ]);
    prop::collection::vec(piece, 1..120).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For arbitrary story text, plain and Markdown: the KEPUB's pages with the spans
    /// and divs removed are the EPUB's, every text is in a span, ids are unique.
    #[test]
    fn any_story_text_makes_a_kepub_that_is_the_epub_with_spans(
        text in story_text(),
        markdown in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ext = if markdown { "md" } else { "txt" };
        std::fs::write(
            dir.path().join(format!("moth-1.{ext}")),
            format!("Title: Moth 1\nAuthor: Wren\n\n{text}\nThe end.\n"),
        ).unwrap();
        compare(dir.path(), false);
    }
}
