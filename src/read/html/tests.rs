use super::*;
use crate::input::header::{FieldKind, RatingLevel};
use crate::input::settings::Typography;
use crate::output::xhtml::{write_body, ImageMap};
use crate::read::event::Tag;

const ONESHOT: &str = include_str!("../../../tests/fixtures/series/ao3-html/work_5530.html");
const CHAPTERED: &str = include_str!("../../../tests/fixtures/series/ao3-html/work_1207.html");

fn xhtml(events: &[Event]) -> String {
    let mut out = String::new();
    write_body(
        events,
        &ImageMap::new(),
        crate::labels::Labels::for_language("en"),
        &mut out,
    );
    out
}

fn page(html: &str) -> Read {
    read(html, "t.html", Typography::Off).unwrap()
}

/// The whole text of a body as the book shows it, tags removed.
fn visible(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t) => out.push_str(t),
            Event::Start(tag) | Event::End(tag) if is_inline(tag) => {}
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Underline | Tag::Strikethrough | Tag::Link { .. }
    )
}

/// A body of the archive's markup around `body`, as a one-chapter download.
fn oneshot(body: &str) -> String {
    format!(
        r#"<html><head><title>T</title></head><body>
<div id="preface"><div class="meta"><h1>T</h1></div></div>
<div id="chapters" class="userstuff"><h2 class="toc-heading">T</h2>
<div class="userstuff">{body}</div></div></body></html>"#
    )
}

#[test]
fn the_preface_becomes_a_header_with_the_archive_meanings() {
    let work = page(CHAPTERED);
    assert_eq!(work.title, "Low Water");
    assert_eq!(work.chapters.len(), 3);
    let h = &work.chapters[0].header;
    assert_eq!(h.title(), Some("Low Water"));
    assert_eq!(h.authors(), vec!["wrenfield"]);
    let rating = h.rating.as_ref().unwrap();
    assert_eq!(rating.text, "Teen And Up Audiences");
    assert_eq!(rating.level, RatingLevel::Teen);
    // Not "no warnings": the reader was not told.
    assert_eq!(
        h.warnings(),
        vec!["Creator Chose Not To Use Archive Warnings"]
    );
    // Categories are relationship kinds, never fandoms.
    assert_eq!(h.fandoms(), vec!["Saltmarsh (Original Work)"]);
    let categories: Vec<&str> = h
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Category)
        .flat_map(|f| f.items.iter().map(String::as_str))
        .collect();
    assert_eq!(categories, ["F/F", "Gen"]);
    assert_eq!(h.pairings(), vec!["Tamsin Hale/Ilse Marr"]);
    assert_eq!(
        h.characters(),
        vec!["Tamsin Hale", "Ilse Marr", "Oren Vale"]
    );
    assert_eq!(h.tags(), vec!["Tides", "Mudflats", "Letters"]);
    assert_eq!(h.language(), Some("English"));
    assert_eq!(h.value(FieldKind::Published), Some("2021-06-10"));
    assert_eq!(h.value(FieldKind::Updated), Some("2021-07-01"));
    assert_eq!(h.value(FieldKind::Status), Some("Complete"));
    assert_eq!(
        h.value(FieldKind::Source),
        Some("http://archiveofourown.org/works/1207")
    );
    assert_eq!(
        h.summary(),
        Some("The tide goes out further than anyone remembers, and Ilse walks after it.")
    );
    assert_eq!(
        h.value(FieldKind::Notes),
        Some("Three short chapters. The mudflats are real; the village is not.")
    );
    // A chaptered work's word count is the whole work's, not the first chapter's.
    assert!(h.declared_words().is_none());
    // "Part 2 of Saltmarsh Letters", on every chapter.
    for (i, chapter) in work.chapters.iter().enumerate() {
        let place = chapter.header.place.as_ref().unwrap();
        assert_eq!(place.series.as_deref(), Some("Saltmarsh Letters"));
        assert_eq!(place.number, Some(2));
        assert_eq!(place.title, "Low Water");
        assert_eq!(place.chapter, Some(i as u32 + 1));
    }
}

#[test]
fn no_archive_warnings_apply_means_none_and_a_oneshot_is_one_part() {
    let work = page(ONESHOT);
    assert_eq!(work.chapters.len(), 1);
    let h = &work.chapters[0].header;
    assert!(h.warnings().is_empty());
    assert_eq!(h.rating.as_ref().unwrap().level, RatingLevel::General);
    assert_eq!(h.declared_words().unwrap().1, Some(133));
    let place = h.place.as_ref().unwrap();
    assert_eq!((place.number, place.chapter), (Some(1), None));
    assert_eq!(h.value(FieldKind::Status), Some("Complete"));
}

#[test]
fn chapters_carry_title_summary_notes_and_end_notes() {
    let work = page(CHAPTERED);
    let [one, two, three] = &work.chapters[..] else {
        panic!("three chapters")
    };
    assert_eq!(one.body.heading.as_deref(), Some("The Line of Wrack"));
    // "Chapter 2" alone says nothing the part label does not.
    assert_eq!(two.body.heading, None);
    assert_eq!(three.body.heading.as_deref(), Some("Flood"));
    let first = xhtml(&one.body.events);
    let summary = first.find("Ilse finds the first letter.").unwrap();
    let notes = first.find("This one is mostly weather.").unwrap();
    let story = first.find("The water left at dawn").unwrap();
    let end = first.find("Wrack is the line of weed").unwrap();
    assert!(summary < notes && notes < story && story < end, "{first}");
    // Each is an author's note, so --notes moves or drops it.
    let notes_count = one
        .body
        .events
        .iter()
        .filter(|e| **e == Event::Start(Tag::AuthorNote))
        .count();
    assert_eq!(notes_count, 3);
    // The work's end notes close its last chapter.
    let last = xhtml(&three.body.events);
    assert!(
        last.ends_with("Thank you for walking out with them.</p>\n</div>\n"),
        "{last}"
    );
}

#[test]
fn archive_boilerplate_is_not_story() {
    for html in [ONESHOT, CHAPTERED] {
        let work = page(html);
        for chapter in &work.chapters {
            let text = visible(&chapter.body.events);
            for boilerplate in [
                "Posted originally",
                "See the end of the",
                "Please drop by the Archive",
                "Chapter Text",
                "Preface",
                "Afterword",
            ] {
                assert!(!text.contains(boilerplate), "{boilerplate}: {text}");
            }
        }
    }
}

#[test]
fn every_paragraph_of_the_source_is_in_the_book() {
    for html in [ONESHOT, CHAPTERED] {
        let doc = Html::parse_document(html);
        let work = page(html);
        let book: String = work
            .chapters
            .iter()
            .map(|c| visible(&c.body.events))
            .collect::<Vec<_>>()
            .join(" ");
        let bodies = doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "p")
            .filter(|p| {
                p.ancestors()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().attr("id") == Some("chapters"))
            });
        let mut seen = 0;
        for p in bodies {
            let text = ao3::text_of(p);
            if text.is_empty()
                || crate::read::text::is_scene_break(&text)
                || matches!(
                    text.as_str(),
                    "Chapter Summary" | "Chapter Notes" | "Chapter End Notes"
                )
            {
                continue;
            }
            assert!(book.contains(&text), "missing {text:?}");
            seen += 1;
        }
        assert!(seen >= 6);
    }
}

#[test]
fn hostile_markup_never_reaches_the_book() {
    let html = oneshot(
        r#"<p onclick="steal()">Tap <a href="javascript:alert(1)">here</a> or
<a href="https://example.org/next" onmouseover="x()">there</a>.</p>
<script>document.write("owned")</script>
<style>p { position: fixed }</style>
<iframe src="https://example.org/ad">frame text</iframe>
<form action="https://example.org/login"><input name="password"/><button>Send</button></form>
<p style="position: absolute; font-size: 80px"><span style="font-family: x">Styled</span> words.</p>
<object data="x.swf">plugin</object>"#,
    );
    let work = page(&html);
    let out = xhtml(&work.chapters[0].body.events);
    for banned in [
        "onclick",
        "javascript",
        "script",
        "owned",
        "style",
        "position",
        "iframe",
        "frame text",
        "form",
        "password",
        "Send",
        "plugin",
        "onmouseover",
        "<span",
    ] {
        assert!(!out.contains(banned), "{banned} in {out}");
    }
    assert!(out.contains("<p>Tap here or"), "{out}");
    assert!(out.contains("href=\"https://example.org/next\""), "{out}");
    assert!(out.contains("<p>Styled words.</p>"), "{out}");
}

#[test]
fn the_allow_list_keeps_the_writers_structure() {
    let html = oneshot(
        r#"<p>A <em>soft</em> <i>word</i>, a <b>hard</b> <strong>one</strong>, <u>under</u>, <s>gone</s> <strike>old</strike> <del>cut</del>.</p>
<p>Line one<br/>line two</p>
<blockquote><p>Quoted.</p></blockquote>
<ol><li>First</li><li>Second</li></ol>
<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>
<h3>Inside the chapter</h3>
<p align="center">The end of a letter.</p>
<p align="center">~*~</p>
<hr/>
<p><b>oOo</b></p>
<p>oh, and one more.</p>
<div>Loose text in a div.</div>
<p>&nbsp;</p>"#,
    );
    let out = xhtml(&page(&html).chapters[0].body.events);
    for expected in [
        "<p>A <em>soft</em> <em>word</em>, a <strong>hard</strong> <strong>one</strong>, <u>under</u>, <s>gone</s> <s>old</s> <s>cut</s>.</p>",
        "<p>Line one<br/>",
        "line two</p>",
        "<blockquote>\n<p>Quoted.</p>\n</blockquote>",
        "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>",
        "<table>\n<tbody>\n<tr><td>a</td><td>b</td></tr>\n<tr><td>c</td><td></td></tr>\n</tbody></table>",
        ">Inside the chapter</h",
        "<p class=\"centred\">The end of a letter.</p>",
        "<p>Loose text in a div.</p>",
        "<p>oh, and one more.</p>",
    ] {
        assert!(out.contains(expected), "{expected:?} not in {out}");
    }
    // A centred symbol line, a rule and an ornament of letters are scene breaks (a
    // paragraph that starts with one of those letters is still text); `<p>&nbsp;</p>`
    // is spacing, not a paragraph.
    assert_eq!(out.matches("scene-break").count(), 3, "{out}");
    assert!(!out.contains("<p>\u{a0}</p>"), "{out}");
}

#[test]
fn list_items_without_their_list_are_paragraphs() {
    // Found by mutating an archive download: a cut-short `<dl>` left its `<dd>`s loose,
    // and they became `<li>`s outside any list, which EPUBCheck rejects.
    let html = oneshot("<p>Before.</p><dt>Language:</dt><dd>English</dd><li>Loose item</li>");
    let out = xhtml(&page(&html).chapters[0].body.events);
    assert_eq!(
        out,
        "<p>Before.</p>\n<p>Language:</p>\n<p>English</p>\n<p>Loose item</p>\n"
    );
    // Inside their list they stay items.
    let html = oneshot("<dl><dt>Language:</dt><dd>English</dd></dl>");
    let out = xhtml(&page(&html).chapters[0].body.events);
    assert_eq!(out, "<ul>\n<li>Language:</li>\n<li>English</li>\n</ul>\n");
}

#[test]
fn emphasis_around_paragraphs_is_kept_on_each() {
    let html = oneshot("<i><p>One.</p><p>Two.</p></i>");
    let out = xhtml(&page(&html).chapters[0].body.events);
    assert_eq!(out, "<p><em>One.</em></p>\n<p><em>Two.</em></p>\n");
}

#[test]
fn remote_images_are_never_fetched_and_their_description_stays() {
    let html = oneshot(
        r#"<p>Before <img src="https://example.org/map.png" alt="a map of the marsh"/> after.</p><p><img src="http://example.org/x.gif"/></p>"#,
    );
    let work = page(&html);
    let out = xhtml(&work.chapters[0].body.events);
    assert!(out.contains("Before a map of the marsh after."), "{out}");
    assert!(!out.contains("<img"), "{out}");
    let warnings: Vec<String> = work.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("warning[W016]: t.html: "),
        "{warnings:?}"
    );
    assert!(
        warnings[0].contains("https://example.org/map.png"),
        "{warnings:?}"
    );
}

#[test]
fn smart_punctuation_pairs_quotes_across_emphasis() {
    let html = oneshot(r#"<p>"<i>Run</i>," she said -- twice...</p>"#);
    let work = read(&html, "t.html", Typography::Smart).unwrap();
    let out = xhtml(&work.chapters[0].body.events);
    assert!(
        out.contains("<p>“<em>Run</em>,” she said — twice…</p>"),
        "{out}"
    );
}

#[test]
fn a_page_that_is_not_a_story_is_refused_with_a_reason() {
    let empty = read(
        "<html><head><title></title></head><body></body></html>",
        "e.html",
        Typography::Off,
    );
    assert!(empty.unwrap_err().0.contains("no text"));
    let error = read(
        "<html><head><title>503 Service Unavailable</title></head><body><h1>Retry later</h1><p>The server is busy.</p></body></html>",
        "e.html",
        Typography::Off,
    );
    assert!(error.unwrap_err().0.contains("saved error page"));
    // Laid out as a download but cut off before any chapter text.
    let cut = read(
        r#"<html><body><div id="preface"><h1>T</h1></div><div id="chapters"></div></body></html>"#,
        "c.html",
        Typography::Off,
    );
    assert!(cut.unwrap_err().0.contains("chapters hold no text"));
}

#[test]
fn any_other_page_is_one_story_titled_by_the_page() {
    let work = page(
        "<html><head><title>Night Ferry</title></head><body><h1>Night Ferry</h1><p>The lamps swung.</p></body></html>",
    );
    assert_eq!(work.title, "Night Ferry");
    let chapter = &work.chapters[0];
    assert_eq!(chapter.header.title(), Some("Night Ferry"));
    assert_eq!(chapter.body.heading.as_deref(), Some("Night Ferry"));
    assert_eq!(xhtml(&chapter.body.events), "<p>The lamps swung.</p>\n");
}

#[test]
fn peeking_at_the_top_gives_the_preface() {
    // The first 2 KiB hold the preface of a download; its chapters are cut off.
    let cut = &CHAPTERED[..CHAPTERED.find("<div id=\"chapters\"").unwrap()];
    let h = peek(cut);
    assert_eq!(h.title(), Some("Low Water"));
    assert_eq!(h.place.as_ref().unwrap().number, Some(2));
}

#[test]
fn a_page_of_more_tags_than_any_story_is_refused_before_it_is_parsed() {
    // 9 MB of bare `<p>`s took 410 MB once parsed.
    let html = format!("<html><body>{}</body></html>", "<p>".repeat(2_000_000));
    let why = read(&html, "p.html", Typography::Off).unwrap_err();
    assert!(why.0.contains("more than 2,000,000 tags"), "{why:?}");
    // The pages of one file share the cap; end tags and text cost nothing.
    let mut budget = ParseBudget::default();
    let half = format!("{}</p> a < b", "<p>x".repeat(1_000_001));
    assert!(check_page(&half, &mut budget).is_ok());
    assert!(check_page(&half, &mut budget).is_err());
    assert!(check_page(&half, &mut ParseBudget::default()).is_ok());
}

#[test]
fn a_page_nested_beyond_reason_costs_neither_the_stack_nor_minutes() {
    let nested = |tag: &str, depth: usize| {
        oneshot(&format!(
            "{}deep words{}",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        ))
    };
    // Blocks the parser would check at every level: refused before it is parsed.
    for tag in ["div", "BLOCKQUOTE", "ul"] {
        let why = read(&nested(tag, 100_000), "d.html", Typography::Off).unwrap_err();
        assert!(why.0.contains("nest more than 1000 deep"), "{tag}: {why:?}");
    }
    // As deep as stories go, read as usual.
    let work = page(&nested("div", 50));
    assert!(visible(&work.chapters[0].body.events).contains("deep words"));
    // Inline tags cost the parser nothing; past the walk's own limit their text is
    // read flat, so the stack (2 MiB, a thread's default) is never exhausted.
    for tag in ["b", "span", "i"] {
        let html = nested(tag, 100_000);
        let work = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || page(&html))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(
            visible(&work.chapters[0].body.events).contains("deep words"),
            "{tag}"
        );
    }
}

proptest::proptest! {
    /// Any tag soup, however unbalanced, gives well-formed XHTML that keeps every word
    /// outside the dropped elements.
    #[test]
    fn tag_soup_gives_well_formed_pages_and_keeps_its_words(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "<p>", "</p>", "<i>", "</i>", "<b>", "</b>", "<em>", "</strong>", "<u>",
            "<div>", "</div>", "<div align=\"center\">", "<center>", "<blockquote>",
            "</blockquote>", "<ul>", "<li>", "</ul>", "<ol start=\"3\">", "</ol>",
            "<table>", "<tr>", "<td>", "<th>", "</table>", "<h2>", "</h2>", "<br/>",
            "<hr/>", "<span style=\"x\">", "</span>", "<a href=\"https://e.org/\">",
            "<a href=\"javascript:x\">", "</a>", "<img src=\"http://e.org/i.png\" alt=\"pic\"/>",
            "<p align=\"center\">* * *</p>", "<p>&nbsp;</p>", "<sup>", "</sub>", "<pre>",
            "&amp;", "&lt;", " ", "\n",
        ]), 0..40),
        words in proptest::collection::vec("[a-z]{3,8}", 1..6),
    ) {
        let mut body = String::new();
        for (i, piece) in pieces.iter().enumerate() {
            body.push_str(piece);
            body.push_str(&words[i % words.len()]);
            body.push(' ');
        }
        body.push_str(&words.join(" "));
        // As a one-chapter work, and as the first of two chapters.
        let chaptered = format!(
            r#"<html><body><div id="preface"><h1>T</h1></div><div id="chapters">
<div class="meta group"><h2 class="heading">Chapter 1</h2></div>
<div class="userstuff">{body}</div>
<div class="meta group"><h2 class="heading">Chapter 2</h2></div>
<div class="userstuff"><p>Second.</p></div></div>
<div id="afterword"><p class="message">Please drop by the Archive</p></div></body></html>"#
        );
        for html in [oneshot(&body), chaptered] {
            let work = read(&html, "f.html", Typography::Smart).unwrap();
            let mut shown = String::new();
            for chapter in &work.chapters {
                let out = xhtml(&chapter.body.events);
                let page = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">{out}</div>");
                if let Err(e) = roxmltree::Document::parse(&page) {
                    panic!("{e}: {out}");
                }
                shown.push_str(&visible(&chapter.body.events));
                shown.push(' ');
            }
            for w in &words {
                proptest::prop_assert!(shown.contains(w.as_str()), "{w} missing from {shown}");
            }
            proptest::prop_assert!(!shown.contains("Please drop by"));
        }
    }
}

#[test]
fn every_series_of_a_work_is_read_with_its_position() {
    assert_eq!(
        super::ao3::all_series("Part 2 of Ferries, Boats, and Rafts, Part 5 of Tides"),
        [
            ("Ferries, Boats, and Rafts".to_string(), 2),
            ("Tides".to_string(), 5)
        ]
    );
    assert_eq!(
        super::ao3::all_series("Part 12 of Tides"),
        [("Tides".to_string(), 12)]
    );
    assert!(super::ao3::all_series("Tides").is_empty());
}

#[test]
fn a_download_in_another_language_is_set_in_it() {
    let german = CHAPTERED
        .replace("<dd>English</dd>", "<dd>Deutsch</dd>")
        .replace("</h3>\n", "</h3>\n<p>\"Komm\", sagte sie -- leise.</p>\n");
    let work = read(&german, "t.html", Typography::Smart).unwrap();
    let out = xhtml(&work.chapters[0].body.events);
    assert!(out.contains("„Komm“, sagte sie\u{a0}– leise."), "{out}");
    // Every chapter carries the work's language.
    for chapter in &work.chapters {
        assert_eq!(chapter.header.language_tag().as_deref(), Some("de"));
    }
}
