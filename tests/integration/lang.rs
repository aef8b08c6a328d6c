//! Books in other languages: one fixture series per family (Latin with German and
//! French quotes, Cyrillic, Chinese, Hebrew), each built through the CLI and checked by
//! EPUBCheck, with its story pages pinned as XHTML in `tests/fixtures/lang-expected/`.
//! `FICBIND_BLESS=1` rewrites the pinned pages after a deliberate change.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::*;

fn build(series: &Path, extra: &[&str]) -> Epub {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("book.epub");
    cli_build(series, &out, extra);
    assert_epubcheck_clean(&out);
    Epub::new(std::fs::read(&out).unwrap())
}

fn expected_dir(name: &str) -> PathBuf {
    root().join("tests/fixtures/lang-expected").join(name)
}

/// The story pages of `epub` against the pinned ones for `name`.
fn pinned(name: &str, epub: &mut Epub) {
    let dir = expected_dir(name);
    let bless = std::env::var_os("FICBIND_BLESS").is_some();
    let pages = epub.story_pages();
    assert!(!pages.is_empty(), "{name}: no story pages");
    for page in pages {
        let got = epub.text(&format!("OEBPS/{page}"));
        let path = dir.join(&page);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{}: missing; bless with FICBIND_BLESS=1", path.display()));
        assert_eq!(got, want, "{name}/{page} differs from the pinned page");
    }
}

fn opf_language(epub: &mut Epub) -> String {
    let opf = epub.text("OEBPS/content.opf");
    let start = opf.find("<dc:language>").unwrap() + "<dc:language>".len();
    let end = opf[start..].find("</dc:language>").unwrap();
    opf[start..start + end].to_string()
}

#[test]
fn each_language_family_builds_clean_and_as_pinned() {
    for (name, tag, contents, quote) in [
        (
            "lang-de",
            "de",
            "Inhalt",
            "„Geh nach Hause“, sagte er\u{a0}– und blieb.",
        ),
        (
            "lang-fr",
            "fr",
            "Table des matières",
            "«\u{a0}Tu comptes encore\u{202f}?\u{a0}»",
        ),
        (
            "lang-ru",
            "ru",
            "Содержание",
            "— Мы не доедем,\u{a0}— сказал ямщик.",
        ),
        ("lang-zh", "zh", "目录", "说：“还在等吗？”"),
        ("lang-he", "he", "תוכן העניינים", "”אתה בא?”"),
    ] {
        let mut epub = build(&fixture(name), &[]);
        assert_eq!(opf_language(&mut epub), tag, "{name}");
        let text: String = epub
            .spine()
            .iter()
            .map(|p| epub.text(&format!("OEBPS/{p}")))
            .collect();
        assert!(text.contains(quote), "{name}: {quote:?} not in the book");
        assert!(
            epub.text("OEBPS/contents.xhtml").contains(contents),
            "{name}: the contents page is not in its language"
        );
        pinned(name, &mut epub);
    }
}

#[test]
fn a_chinese_story_counts_a_word_a_character() {
    let mut epub = build(&fixture("lang-zh"), &[]);
    let about = epub.text("OEBPS/about.xhtml");
    let story = std::fs::read_to_string(fixture("lang-zh").join("deng.txt")).unwrap();
    let body = &story[story.find("\n\n").unwrap()..];
    let han = body
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    assert!(han > 40);
    let shown = format!("</span> {han}</p>");
    assert!(about.contains(&shown), "{shown} not in {about}");
}

#[test]
fn a_hebrew_book_runs_right_to_left() {
    let mut epub = build(&fixture("lang-he"), &[]);
    let opf = epub.text("OEBPS/content.opf");
    assert!(
        opf.contains("<spine toc=\"ncx\" page-progression-direction=\"rtl\">"),
        "{opf}"
    );
    let names = epub.names();
    for name in names.iter().filter(|n| n.ends_with(".xhtml")) {
        let page = epub.text(name);
        let html = &page[page.find("<html").unwrap()..];
        let html = &html[..html.find('>').unwrap()];
        assert!(html.contains("dir=\"rtl\""), "{name}: {html}");
        assert!(html.contains("lang=\"he\""), "{name}: {html}");
    }
    let css = epub.text("OEBPS/style.css");
    assert!(css.contains("[dir=\"rtl\"] .author-note { border-left: 0; border-right:"));
    // A left-to-right book has neither.
    let mut de = build(&fixture("lang-de"), &[]);
    assert!(!de
        .text("OEBPS/content.opf")
        .contains("page-progression-direction"));
    assert!(!de.text("OEBPS/about.xhtml").contains("dir="));
}

#[test]
fn language_names_map_and_unknown_ones_warn_and_fall_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b.epub");
    ficbind()
        .arg("build")
        .arg(fixture("basic"))
        .arg("-o")
        .arg(&out)
        .args(["--language", "Deutsch"])
        .assert()
        .success();
    assert_eq!(
        opf_language(&mut Epub::new(std::fs::read(&out).unwrap())),
        "de"
    );
    for bad in ["Klingon", "en US", "not a language!!"] {
        let out = tmp.path().join("k.epub");
        ficbind()
            .arg("build")
            .arg(fixture("lang-ru"))
            .arg("-o")
            .arg(&out)
            .args(["--language", bad])
            .assert()
            .success()
            .stderr(predicate::str::contains("W018").and(predicate::str::contains(bad)));
        assert_epubcheck_clean(&out);
        // The files' own Language header stands in.
        assert_eq!(
            opf_language(&mut Epub::new(std::fs::read(&out).unwrap())),
            "ru"
        );
    }
    // The same from series.toml, and from a header.
    let tmp2 = tempfile::tempdir().unwrap();
    let dir = tmp2.path().join("lang-fr");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(fixture("lang-fr").join("phare.txt"), dir.join("phare.txt")).unwrap();
    std::fs::write(dir.join("series.toml"), "language = \"Elvish\"\n").unwrap();
    std::fs::write(
        dir.join("phare.txt"),
        std::fs::read_to_string(dir.join("phare.txt"))
            .unwrap()
            .replace("Language: Français", "Language: Quenya"),
    )
    .unwrap();
    let out = tmp2.path().join("e.epub");
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("\"Elvish\"").and(predicate::str::contains("Quenya")));
    assert_eq!(
        opf_language(&mut Epub::new(std::fs::read(&out).unwrap())),
        "en"
    );
}

#[test]
fn a_templates_folder_overrides_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("t");
    std::fs::create_dir_all(templates.join("labels")).unwrap();
    std::fs::write(
        templates.join("labels/de.toml"),
        "contents = \"Inhaltsverzeichnis\"\n",
    )
    .unwrap();
    let mut epub = build(
        &fixture("lang-de"),
        &["--templates", templates.to_str().unwrap()],
    );
    let contents = epub.text("OEBPS/contents.xhtml");
    assert!(contents.contains("Inhaltsverzeichnis"), "{contents}");
    // The keys it leaves out stay German.
    assert!(epub.text("OEBPS/about.xhtml").contains("Über dieses Buch"));
    // A misspelt key is refused by name.
    std::fs::write(templates.join("labels/de.toml"), "contnets = \"x\"\n").unwrap();
    ficbind()
        .arg("build")
        .arg(fixture("lang-de"))
        .arg("-o")
        .arg(tmp.path().join("x.epub"))
        .args(["--templates", templates.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("labels/de.toml"));
}

#[test]
fn a_file_in_another_language_is_set_and_marked_in_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mixed");
    std::fs::create_dir(&dir).unwrap();
    for f in ["nachtzug-01.txt", "nachtzug-02.txt"] {
        std::fs::copy(fixture("lang-de").join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("nachtzug-03.txt"),
        "Title: Nachtzug 3: Postcard\nAuthor: Lene Brandt\nLanguage: English\n\n\"Wish you were here,\" the card said -- nothing else.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("nachtzug-04.txt"),
        "Title: Nachtzug 4: Brief\nAuthor: Lene Brandt\nLanguage: עברית\n\n\"שלום\", כתבה.\n",
    )
    .unwrap();
    let mut epub = build(&dir, &[]);
    assert_eq!(opf_language(&mut epub), "de");
    let german = epub.text("OEBPS/story-001.xhtml");
    assert!(german.contains("„Geh nach Hause“"), "{german}");
    assert!(!german.contains("<section class=\"installment\" epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"title\" lang="));
    let english = epub.text("OEBPS/story-003.xhtml");
    assert!(
        english.contains("lang=\"en\" xml:lang=\"en\">"),
        "{english}"
    );
    assert!(!english.contains("dir="), "{english}");
    assert!(
        english.contains("“Wish you were here,” the card said — nothing else."),
        "{english}"
    );
    let hebrew = epub.text("OEBPS/story-004.xhtml");
    assert!(
        hebrew.contains("lang=\"he\" xml:lang=\"he\" dir=\"rtl\">"),
        "{hebrew}"
    );
    assert!(hebrew.contains("”שלום”, כתבה."), "{hebrew}");
}
