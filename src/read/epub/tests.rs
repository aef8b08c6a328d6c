use super::*;
use crate::input::header::FieldKind;
use crate::input::settings::Typography;

const LOW_WATER: &[u8] = include_bytes!("../../../tests/fixtures/series/ao3-epub/work_1207.epub");
const LOW_WATER_HTML: &str = include_str!("../../../tests/fixtures/series/ao3-html/work_1207.html");
const NIGHT_FERRY: &[u8] =
    include_bytes!("../../../tests/fixtures/series/mixed-downloads/the-night-ferry.epub");

fn book(bytes: &[u8]) -> Book {
    read(bytes, "t.epub", Typography::Off.into()).unwrap()
}

/// An EPUB of the container, `opf` as `p.opf`, and `files`, for tests that need a
/// package of their own.
fn package(opf: &str, files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let container =
        r#"<container><rootfiles><rootfile full-path="p.opf"/></rootfiles></container>"#;
    for (name, text) in [("META-INF/container.xml", container), ("p.opf", opf)]
        .into_iter()
        .chain(files.iter().copied())
    {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Each chapter as `heading: text`, in order (`-` for no heading).
fn headings_and_text(bytes: &[u8]) -> Vec<String> {
    book(bytes)
        .read
        .chapters
        .iter()
        .map(|c| {
            let heading = c.body.heading.as_deref().unwrap_or("-");
            format!("{heading}: {}", text_of(&c.body.events))
        })
        .collect()
}

fn text_of(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_archives_epub_gives_what_its_html_download_gives() {
    let epub = book(LOW_WATER).read;
    let html = crate::read::html::read(LOW_WATER_HTML, "t.epub", Typography::Off).unwrap();
    assert_eq!(epub.title, html.title);
    assert_eq!(epub.chapters.len(), 3);
    for (e, h) in epub.chapters.iter().zip(&html.chapters) {
        assert_eq!(e.body, h.body);
        assert_eq!(e.header.place, h.header.place);
    }
    // The facts: the same rows, the author and summary from the split-off page.
    let (e, h) = (&epub.chapters[0].header, &html.chapters[0].header);
    let mut ef = e.fields.clone();
    let mut hf = h.fields.clone();
    ef.sort_by(|a, b| a.key.cmp(&b.key));
    hf.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(ef, hf);
}

#[test]
fn fanficfares_title_page_is_the_header_and_not_a_page() {
    let b = book(NIGHT_FERRY);
    let read = b.read;
    assert_eq!(read.chapters.len(), 2);
    let h = &read.chapters[0].header;
    assert_eq!(h.title(), Some("The Night Ferry"));
    assert_eq!(h.authors(), ["wrenfield"]);
    assert_eq!(h.fandoms(), ["Saltmarsh (Original Work)"]);
    assert_eq!(h.tags(), ["Mystery", "Quiet"]);
    assert!(h
        .fields
        .iter()
        .all(|f| f.key != "Packaged" && f.key != "Publisher"));
    let summary = h.summary().unwrap();
    assert!(summary.contains("never once been late") && summary.contains("find out why"));
    assert!(h
        .fields
        .iter()
        .any(|f| f.kind == FieldKind::Source && f.value == "https://stories.example.org/s/4410"));
    let place = h.place.as_ref().unwrap();
    assert_eq!(place.series.as_deref(), Some("Saltmarsh Letters"));
    assert_eq!(place.number, Some(4));
    assert_eq!(place.chapter, Some(1));
    // The chapter title from the contents is the heading, not a paragraph.
    assert_eq!(
        read.chapters[0].body.heading.as_deref(),
        Some("Chapter 1, Lanterns")
    );
    assert!(!read.chapters[0]
        .body
        .events
        .iter()
        .any(|e| matches!(e, Event::Text(t) if t.contains("Lanterns") || t.contains("Series"))));
    // The image inside the package comes with the book, under the name its event uses.
    assert_eq!(b.images.len(), 1);
    assert!(b.images[0].0.starts_with(PACKAGED));
    assert!(read.chapters[0]
        .body
        .events
        .iter()
        .any(|e| matches!(e, Event::Image { src, .. } if *src == b.images[0].0)));
}

#[test]
fn peeking_gives_the_opf_facts_and_place() {
    let h = peek(NIGHT_FERRY).unwrap();
    assert_eq!(h.title(), Some("The Night Ferry"));
    let place = h.place.unwrap();
    assert_eq!(
        (place.series.as_deref(), place.number),
        (Some("Saltmarsh Letters"), Some(4))
    );
}

#[test]
fn xhtml_empty_elements_do_not_swallow_the_page() {
    let page = r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body><a id="x"/><p>Kept &amp; read.</p><div/><p>Also.</p></body></html>"#;
    let html = as_html(page);
    let doc = Html::parse_document(&html);
    let body: String = doc.root_element().text().collect();
    assert!(
        body.contains("Kept & read.") && body.contains("Also."),
        "{html}"
    );
    assert!(!html.contains("<a id=\"x\"><p>"), "{html}");
    // Only void elements closed: handed over as it is, with no second parse.
    let plain = "<html><body><p>a<br/>b<img src=\"x.png\" alt=\"\"/></p></body></html>";
    assert!(matches!(as_html(plain), std::borrow::Cow::Borrowed(_)));
    assert!(!self_closes_a_container(plain));
    assert!(self_closes_a_container("<p>x</p><svg:rect/>"));
    // Not well-formed: handed to the HTML parser as it is.
    assert_eq!(as_html("<p>a<br>b"), "<p>a<br>b");
}

#[test]
fn peeking_a_fanficfare_book_without_calibre_series_reads_its_title_page() {
    // FanFicFare's defaults often leave the series out of the OPF; its title page
    // still says `Series: Saltmarsh Letters [4]`, and batch --by-series groups by it.
    use std::io::{Read as _, Write as _};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(NIGHT_FERRY)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if entry.name() == "content.opf" {
            let opf = String::from_utf8(bytes).unwrap();
            let kept: Vec<&str> = opf
                .lines()
                .filter(|l| !l.contains("calibre:series"))
                .collect();
            bytes = kept.join("\n").into_bytes();
        }
        w.start_file(entry.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&bytes).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    assert!(!String::from_utf8_lossy(&bytes).contains("calibre:series"));
    let place = peek(&bytes).unwrap().place.unwrap();
    assert_eq!(
        (place.series.as_deref(), place.number),
        (Some("Saltmarsh Letters"), Some(4))
    );
    // And the whole read agrees.
    let read = book(&bytes).read;
    let whole = read.chapters[0].header.place.clone().unwrap();
    assert_eq!((whole.series, whole.number), (place.series, place.number));
}

#[test]
fn series_positions_are_whole_numbers() {
    assert_eq!(position("2"), Some(2));
    assert_eq!(position("2.0"), Some(2));
    assert_eq!(position("2.5"), None);
    assert_eq!(position("-1"), None);
    assert_eq!(
        fanficfare::series_and_number("The Great Test [12]"),
        Some(("The Great Test".into(), Some(12)))
    );
    assert_eq!(
        fanficfare::series_and_number("Tides"),
        Some(("Tides".into(), None))
    );
}

#[test]
fn fanficfares_html_download_reads_as_its_epub_does() {
    let html = include_str!("../../../tests/fixtures/series/fanficfare-html/the-night-ferry.html");
    let from_html = crate::read::html::read(html, "t.html", Typography::Off).unwrap();
    let from_epub = book(NIGHT_FERRY).read;
    assert_eq!(from_html.title, "The Night Ferry");
    assert_eq!(from_html.chapters.len(), 2);
    for (h, e) in from_html.chapters.iter().zip(&from_epub.chapters) {
        assert_eq!(h.body.heading, e.body.heading);
        assert_eq!(h.header.place, e.header.place);
        // The same words; the HTML's image is on the web, so only its description.
        let text = |b: &Body| {
            b.events
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.clone()),
                    Event::Image { alt, .. } => Some(alt.clone()),
                    _ => None,
                })
                .collect::<String>()
        };
        assert_eq!(text(&h.body), text(&e.body));
    }
    let (h, e) = (&from_html.chapters[0].header, &from_epub.chapters[0].header);
    // The EPUB adds only what its OPF says beside the title page: the language.
    let facts = |hd: &Header| {
        hd.fields
            .iter()
            .filter(|f| f.key != "Language")
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(facts(h), facts(e));
    // Nothing of the contents list or the title rows is story.
    assert!(!from_html.chapters[0].body.events.iter().any(
        |ev| matches!(ev, Event::Text(t) if t.contains("Table of Contents") || t.contains("Genre"))
    ));
    assert!(from_html
        .diagnostics
        .iter()
        .any(|d| d.code == crate::diag::Code::W016));
}

#[test]
fn an_image_missing_from_the_package_is_described_with_its_own_warning() {
    let bytes = package(
        r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Moth</dc:title></metadata><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>"#,
        &[(
            "a.xhtml",
            r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><p>The moth <img src="moth.png" alt="a moth"/> came.</p><p><img src="https://example.org/x.png" alt="web"/></p></body></html>"#,
        )],
    );
    let b = book(&bytes);
    let codes: Vec<_> = b.read.chapters[0]
        .diagnostics
        .iter()
        .chain(&b.read.diagnostics)
        .map(|d| d.code)
        .collect();
    assert!(codes.contains(&crate::diag::Code::W020), "{codes:?}");
    assert!(codes.contains(&crate::diag::Code::W016), "{codes:?}");
    assert!(b.images.is_empty());
    let text = text_of(&b.read.chapters[0].body.events);
    assert!(text.contains("The moth a moth came."), "{text}");
}

#[test]
fn a_page_nested_beyond_reason_is_refused_before_it_is_parsed() {
    let deep = format!(
        r#"<html xmlns="http://www.w3.org/1999/xhtml"><body>{}<p>x</p>{}</body></html>"#,
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let bytes = package(
        r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>"#,
        &[("a.xhtml", deep.as_str())],
    );
    let why = read(&bytes, "t.epub", Typography::Off.into())
        .unwrap_err()
        .0;
    assert!(
        why.contains("a.xhtml") && why.contains("nest more than"),
        "{why}"
    );
}

#[test]
fn pages_of_more_tags_than_any_story_are_refused_together() {
    // Each page alone is under the cap; the pages are parsed and held together.
    let page = format!(
        r#"<html xmlns="http://www.w3.org/1999/xhtml"><body>{}</body></html>"#,
        "<p>x</p>".repeat(1_100_000)
    );
    let bytes = package(
        r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>"#,
        &[("a.xhtml", page.as_str()), ("b.xhtml", page.as_str())],
    );
    let why = read(&bytes, "t.epub", Typography::Off.into())
        .unwrap_err()
        .0;
    assert!(
        why.contains("b.xhtml") && why.contains("more than 2,000,000 tags"),
        "{why}"
    );
}

#[test]
fn calibres_jacket_page_is_not_a_chapter() {
    let bytes = package(
        r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Moth</dc:title><dc:description>Wings at night.</dc:description></metadata><manifest><item id="j" href="jacket.xhtml" media-type="application/xhtml+xml"/><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="j"/><itemref idref="a"/></spine></package>"#,
        &[
            (
                "jacket.xhtml",
                r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><div class="cbj_banner"><div class="cbj_title">Moth</div><table class="cbj_header"><tr><td class="cbj_label">Tags:</td><td>Night</td></tr></table></div><div class="cbj_comments"><p>Wings at night.</p></div></body></html>"#,
            ),
            (
                "a.xhtml",
                r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><p>The moth came to the lamp.</p></body></html>"#,
            ),
        ],
    );
    let b = book(&bytes);
    let text = text_of(&b.read.chapters[0].body.events);
    assert_eq!(text, "The moth came to the lamp.");
    assert_eq!(b.read.chapters.len(), 1);
    assert_eq!(b.read.chapters[0].header.summary(), Some("Wings at night."));
}

#[test]
fn chapters_in_one_file_are_cut_where_the_contents_point() {
    // Three chapters in one file (the second one's start inside a wrapper, the third's
    // an anchor in its heading), a fourth in a file of its own.
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Tides</dc:title></metadata><manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/><item id="a" href="text/all.xhtml" media-type="application/xhtml+xml"/><item id="b" href="text/last.xhtml" media-type="application/xhtml+xml"/></manifest><spine toc="ncx"><itemref idref="a"/><itemref idref="b"/></spine></package>"#;
    let point = |n: u8, label: &str, src: &str| {
        format!(
            r#"<navPoint id="p{n}"><navLabel><text>{label}</text></navLabel><content src="{src}"/></navPoint>"#
        )
    };
    let ncx = format!(
        r#"<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>{}{}{}{}</navMap></ncx>"#,
        point(1, "Ebb", "text/all.xhtml"),
        point(2, "Flood", "text/all.xhtml#flood"),
        point(3, "Slack", "text/all.xhtml#slack"),
        point(4, "Neap", "text/last.xhtml"),
    );
    let all = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><div class="main"><h2>Ebb</h2><p>The water went out.</p><div id="flood"><h2>Flood</h2><p>It came back <i>fast</i>.</p></div><h2><a id="slack"></a>Slack</h2><p>Then it stopped.</p><p>For a while.</p></div></body></html>"#;
    let last = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h2>Neap</h2><p>Small tides now.</p></body></html>"#;
    let bytes = package(
        opf,
        &[
            ("toc.ncx", ncx.as_str()),
            ("text/all.xhtml", all),
            ("text/last.xhtml", last),
        ],
    );
    assert_eq!(
        headings_and_text(&bytes),
        [
            "Ebb: The water went out.",
            "Flood: It came back fast.",
            "Slack: Then it stopped.For a while.",
            "Neap: Small tides now.",
        ]
    );
}

#[test]
fn a_contents_entry_whose_place_is_not_in_the_page_cuts_nothing() {
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata/><manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine toc="ncx"><itemref idref="a"/></spine></package>"#;
    let ncx = r#"<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint id="p1"><navLabel><text>One</text></navLabel><content src="a.xhtml"/></navPoint><navPoint id="p2"><navLabel><text>Two</text></navLabel><content src="a.xhtml#gone"/></navPoint></navMap></ncx>"#;
    let page = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><p>First.</p><p>Second.</p></body></html>"#;
    let bytes = package(opf, &[("toc.ncx", ncx), ("a.xhtml", page)]);
    let chapters = book(&bytes).read.chapters;
    assert_eq!(chapters.len(), 1);
    assert_eq!(chapters[0].body.heading.as_deref(), Some("One"));
    assert_eq!(text_of(&chapters[0].body.events), "First.Second.");
}

#[test]
fn a_converters_title_page_is_not_a_chapter() {
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Orchard Keeper</dc:title><dc:creator>Ines Vale</dc:creator></metadata><manifest><item id="t" href="title.xhtml" media-type="application/xhtml+xml"/><item id="m" href="marked.xhtml" media-type="application/xhtml+xml"/><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/><item id="z" href="z.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="t"/><itemref idref="m"/><itemref idref="a"/><itemref idref="z"/></spine></package>"#;
    // Pandoc's title page: the title and the author, nothing else.
    let title = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><section class="titlepage"><h1 class="title">The Orchard Keeper</h1><p class="author">by Ines Vale</p></section></body></html>"#;
    // A maker's page marked as the title page, with a date and a rights line.
    let marked = r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><section epub:type="titlepage"><h1>The Orchard Keeper</h1><p>2024. All rights reserved.</p></section></body></html>"#;
    let story = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>The Orchard Keeper</h1><p>Rosa kept the orchard.</p></body></html>"#;
    // After the story has begun, a page of only title words is the writer's.
    let last = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><p>The orchard. The keeper.</p></body></html>"#;
    let bytes = package(
        opf,
        &[
            ("title.xhtml", title),
            ("marked.xhtml", marked),
            ("a.xhtml", story),
            ("z.xhtml", last),
        ],
    );
    let text: String = book(&bytes)
        .read
        .chapters
        .iter()
        .map(|c| text_of(&c.body.events))
        .collect();
    assert_eq!(text, "Rosa kept the orchard.The orchard. The keeper.");
}

#[test]
fn a_title_with_nothing_under_it_is_never_a_chapter_of_its_own() {
    // pandoc's one-file book: the work's title over its chapters, each a section the
    // contents point at; a part's title ("Book One") over the first chapter.
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Orchard Keeper</dc:title></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="c" href="ch001.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c"/></spine></package>"#;
    let nav = r##"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol><li><a href="ch001.xhtml#keeper">The Orchard Keeper</a><ol><li><a href="ch001.xhtml#one">Book One</a><ol><li><a href="ch001.xhtml#dry">The Dry Year</a></li></ol></li><li><a href="ch001.xhtml#well">The Well</a></li></ol></li></ol></nav></body></html>"##;
    let page = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><section id="keeper"><h1>The Orchard Keeper</h1><section id="one"><h2>Book One</h2><section id="dry"><h3>The Dry Year</h3><p>Rosa walked the rows.</p></section></section><section id="well"><h2>The Well</h2><p>The well was deep.</p></section></section></body></html>"#;
    let bytes = package(opf, &[("nav.xhtml", nav), ("ch001.xhtml", page)]);
    assert_eq!(
        headings_and_text(&bytes),
        [
            "Book One — The Dry Year: Rosa walked the rows.",
            "The Well: The well was deep.",
        ]
    );
}
