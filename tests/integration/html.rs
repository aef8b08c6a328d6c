//! Archive HTML downloads as installments: the AO3-format fixture series (a oneshot
//! and a chaptered work, "Part 1 of" and "Part 2 of" one series, beside a `.txt`
//! installment) built whole, and HTML files that are not stories refused by name.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use ficbind::{NotesPolicy, Options};
use predicates::prelude::*;

use crate::support::*;

fn opts() -> Options {
    Options {
        source_date_epoch: Some(1_790_000_000),
        ..Options::default()
    }
}

fn build(dir: &Path, opts: &Options) -> ficbind::Book {
    ficbind::build_series(dir, opts).unwrap_or_else(|e| panic!("{} builds: {e}", dir.display()))
}

fn title_of(page: &str) -> String {
    page[page.find("<title>").unwrap() + 7..page.find("</title>").unwrap()].to_string()
}

#[test]
fn archive_downloads_and_a_text_file_make_one_valid_series_book() {
    let book = build(&fixture("ao3-html"), &opts());
    assert_eq!(book.series.title, "Saltmarsh Letters");
    // The declared word count of the oneshot agrees with the text: no warnings.
    let warnings: Vec<String> = book
        .diagnostics
        .iter()
        .filter(|d| !d.code.is_note())
        .map(|d| d.to_string())
        .collect();
    assert!(warnings.is_empty(), "{warnings:?}");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("ao3-html.epub");
    std::fs::write(&path, &book.epub).unwrap();
    assert_epubcheck_clean(&path);

    let mut epub = Epub::new(book.epub);
    // "Part 1 of" and "Part 2 of" order the works, though their file names (work ids)
    // sort the other way; the text file's title numbers it 3.
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
        ]
    );
    // The chapters nest under their work in both tables of contents.
    let nav = epub.text("OEBPS/nav.xhtml");
    let work = &nav[nav.find("2. Low Water").unwrap()..];
    let nested = &work[..work.find("</ol>").unwrap()];
    assert_eq!(nested.matches("<li>").count(), 3, "{nested}");
    let ncx = epub.text("OEBPS/toc.ncx");
    assert_eq!(ncx.matches("<navPoint ").count(), 3 + 3 + 3);
    // A chapter's own title is its page's heading.
    let first_chapter = epub.text("OEBPS/story-002.xhtml");
    assert!(
        first_chapter.contains("The Line of Wrack"),
        "{first_chapter}"
    );

    // Warnings: "No Archive Warnings Apply" is none; the creator's choice not to warn
    // is said word for word.
    let warnings = epub.text("OEBPS/warnings.xhtml");
    assert!(warnings.contains("Creator Chose Not To Use Archive Warnings"));
    assert!(!warnings.contains("No Archive Warnings Apply"));
    // Categories are shown as categories, never as fandoms, and become Calibre tags.
    let about = epub.text("OEBPS/about.xhtml");
    assert!(about.contains("Categories:</span> Gen, F/F</p>"), "{about}");
    assert!(about.contains("Fandom:</span> Saltmarsh (Original Work)</p>"));
    let opf = epub.text("OEBPS/content.opf");
    assert!(opf.contains("<dc:subject>F/F</dc:subject>"));
    assert!(
        opf.contains("<dc:source>http://archiveofourown.org/works/5530</dc:source>"),
        "the first work's address is the book's source"
    );
    assert!(
        opf.contains("Teen And Up Audiences"),
        "the strictest rating"
    );

    // No archive boilerplate on any story page.
    for page in spine.iter().filter(|p| p.starts_with("story-")) {
        let text = epub.text(&format!("OEBPS/{page}"));
        for boilerplate in [
            "Posted originally",
            "See the end of the",
            "Please drop by the Archive",
            "Chapter Text",
            "toc-heading",
        ] {
            assert!(!text.contains(boilerplate), "{boilerplate} in {page}");
        }
    }
}

#[test]
fn a_work_in_a_second_series_says_so_at_its_start() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("ao3-html")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    // The oneshot is also part 4 of another series, as the archive lists it.
    let oneshot = dir.path().join("work_5530.html");
    let html = std::fs::read_to_string(&oneshot).unwrap().replace(
        r#"Part 1 of <a href="http://archiveofourown.org/series/77">Saltmarsh Letters</a>"#,
        r#"Part 1 of <a href="http://archiveofourown.org/series/77">Saltmarsh Letters</a>, Part 4 of <a href="http://archiveofourown.org/series/90">Estuary Drabbles</a>"#,
    );
    std::fs::write(&oneshot, html).unwrap();
    let book = build(dir.path(), &opts());
    assert_eq!(book.series.title, "Saltmarsh Letters");
    let mut epub = Epub::new(book.epub);
    let first = epub.text("OEBPS/story-001.xhtml");
    assert!(
        first.contains("Also in the series:</span> Estuary Drabbles (Part 4)</p>"),
        "{first}"
    );
    // Only the work in both says it; the book's own series is never repeated.
    for page in ["OEBPS/story-002.xhtml", "OEBPS/story-005.xhtml"] {
        let text = epub.text(page);
        assert!(!text.contains("Also in the series"), "{page}: {text}");
    }
}

#[test]
fn chapter_summaries_and_notes_follow_the_notes_policy() {
    let notes = |policy| {
        let book = build(
            &fixture("ao3-html"),
            &Options {
                notes: Some(policy),
                ..opts()
            },
        );
        Epub::new(book.epub).text("OEBPS/story-002.xhtml")
    };
    let keep = notes(NotesPolicy::Keep);
    let story = keep.find("The water left at dawn").unwrap();
    assert!(keep.find("Ilse finds the first letter.").unwrap() < story);
    assert!(keep.find("This one is mostly weather.").unwrap() < story);
    assert!(keep.find("Wrack is the line of weed").unwrap() > story);
    let end = notes(NotesPolicy::End);
    assert!(
        end.find("This one is mostly weather.").unwrap()
            > end.find("The water left at dawn").unwrap()
    );
    let omit = notes(NotesPolicy::Omit);
    for gone in [
        "Ilse finds the first letter.",
        "This one is mostly weather.",
        "Wrack is the line",
    ] {
        assert!(!omit.contains(gone), "{gone}");
    }
    assert!(omit.contains("The water left at dawn"));
}

/// The CLI, stopped after 20 s.
fn ficbind() -> Command {
    let mut cmd = Command::cargo_bin("ficbind").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1790000000")
        .timeout(Duration::from_secs(20));
    cmd
}

#[test]
fn an_html_file_that_is_not_a_story_is_refused_by_name_and_nothing_is_written() {
    for (name, page, why) in [
        ("empty.html", "<html><head><title></title></head><body>\n</body></html>", "no text"),
        (
            "work_404.html",
            "<!DOCTYPE html><html><head><title>Error 404 | Archive of Our Own</title></head><body><h2>Error 404</h2><p>The page you were looking for doesn't exist.</p></body></html>",
            "saved error page",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("moth");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("01.txt"),
            "Title: Moth 1: The Lamp\nAuthor: Ada\n\nThe moth came to the lamp at dusk.\n",
        )
        .unwrap();
        std::fs::write(dir.join(name), page).unwrap();
        let out = tmp.path().join("moth.epub");
        ficbind()
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
}

#[test]
fn init_names_a_chaptered_download_once_and_its_manifest_builds_the_same_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("salt");
    std::fs::create_dir(&dir).unwrap();
    for entry in std::fs::read_dir(fixture("ao3-html")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    ficbind().arg("init").arg(&dir).assert().success();
    let manifest = std::fs::read_to_string(dir.join("series.toml")).unwrap();
    // One line and one table per file, though the work is three parts of the book.
    assert_eq!(
        manifest.matches("\"work_1207.html\",").count(),
        1,
        "{manifest}"
    );
    assert_eq!(manifest.matches("[files.\"work_1207.html\"]").count(), 1);
    let book = build(&dir, &opts());
    let shape: Vec<(Option<u32>, usize)> = book
        .series
        .installments
        .iter()
        .map(|i| (i.number, i.parts.len()))
        .collect();
    assert_eq!(shape, [(Some(1), 1), (Some(2), 3), (Some(3), 1)]);
}
