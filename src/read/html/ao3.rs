//! The Archive of Our Own's download page: a preface (the tag list, title, byline,
//! summary and notes), the chapters, and an afterword. The archive's facts become a
//! [`Header`] with the meaning of each row (its rating scale, its two warnings that
//! are not warnings, categories that are not fandoms), the chapters become the
//! work's parts, and the archive's own words about itself (where the work was posted,
//! "see the end of the work", the closing request for comments, the hidden contents
//! headings) are left out: they are not the writer's.

use std::sync::LazyLock;

use regex::Regex;
use scraper::node::Node;
use scraper::{ElementRef, Html};

use crate::input::header::{Field, FieldKind, Header, Place};
use crate::read::event::{Body, Tag};
use crate::read::html::sanitise::{ImageLookup, Sanitiser};
use crate::read::html::{Chapter, Read};
use crate::read::typography::Punctuation;

/// The archive's warning for a work with none of its warnings.
pub const NO_WARNINGS: &str = "No Archive Warnings Apply";

/// Whether `doc` is laid out as an AO3 download: a preface and a `#chapters` block.
pub fn is_download(doc: &Html) -> bool {
    by_id(doc.root_element(), "chapters").is_some()
        && by_id(doc.root_element(), "preface").is_some()
}

/// Reads an AO3 download. `file` names it in diagnostics.
pub fn read(doc: &Html, file: &str, punctuation: Punctuation) -> Read {
    read_pages(&[doc.root_element()], file, punctuation, None)
}

/// Whether `pages` (an EPUB's content documents, in spine order) are the archive's
/// download split into files, as Calibre splits it for the archive's EPUB.
pub fn is_split_download(pages: &[ElementRef<'_>]) -> bool {
    // The archive's blocks are the body's own children: looking only there spares a
    // walk over every page of any other EPUB.
    let has = |id: &str| {
        pages.iter().any(|p| {
            p.children()
                .filter_map(ElementRef::wrap)
                .filter(|b| b.value().name() == "body")
                .flat_map(child_elements)
                .any(|e| e.value().id() == Some(id))
        })
    };
    has("chapters") && has("preface")
}

/// Reads an AO3 download from its pages: one for the HTML download, the content
/// documents in spine order for the EPUB one (Calibre splits the same page into a file
/// per chapter, repeating the blocks each piece was inside, and renames its classes).
/// `images` says which images the pages may show from inside their package: given
/// only for the EPUB, which it marks.
pub fn read_pages<'p>(
    pages: &[ElementRef<'p>],
    file: &'p str,
    punctuation: Punctuation,
    images: Option<ImageLookup<'p>>,
) -> Read {
    let mut fields: Vec<Field> = pages.iter().flat_map(|p| preface(*p)).collect();
    // The work's own language sets its text, as a text file's `Language` header does,
    // and goes with every chapter, so each is set and marked in it.
    let language = fields
        .iter()
        .find(|f| f.key.eq_ignore_ascii_case("language"))
        .cloned();
    let punctuation = match language
        .as_ref()
        .and_then(|f| crate::input::language::tag(&f.value))
    {
        Some(tag) => punctuation.in_language(&tag),
        None => punctuation,
    };
    let title = pages_title(pages);
    let place_series = fields
        .iter()
        .find(|f| f.key.eq_ignore_ascii_case("series"))
        .map(|f| all_series(&f.value))
        .unwrap_or_default();
    let mut nodes = Vec::new();
    for page in pages {
        if let Some(block) = by_id(*page, "chapters") {
            nodes.extend(chapter_nodes(block));
        }
    }
    // The archive's EPUB: Calibre renamed its classes.
    let split = images.is_some();
    let mut chapters = read_chapters(&nodes, split, file, punctuation, images);
    let chaptered = chapters.len() > 1;
    if chaptered {
        // The archive's word count is the whole work's; the book counts each chapter
        // (a part) against its own header, so the figure is kept as a fact instead.
        for f in &mut fields {
            if f.kind == FieldKind::WordCount {
                f.kind = FieldKind::Other;
            }
        }
    }
    let mut diagnostics = Vec::new();
    // The work's end notes close its last chapter.
    if let Some(end) = pages.iter().find_map(|p| by_id(*p, "endnotes")) {
        if let Some(last) = chapters.last_mut() {
            let mut s = Sanitiser::new(file, punctuation).with_images(images);
            s.events = std::mem::take(&mut last.body.events);
            labelled_notes(&mut s, end, "End Notes");
            last.body.events = s.events;
            diagnostics.extend(s.diagnostics);
        }
    }
    for (i, chapter) in chapters.iter_mut().enumerate() {
        let mut header_fields = std::mem::take(&mut chapter.header.fields);
        if i == 0 {
            // The work's facts go with its first chapter, so the book gathers them
            // once and the first page shows what the book does not.
            let mut all = vec![field("Title", FieldKind::Title, &title, Vec::new())];
            all.append(&mut fields);
            all.append(&mut header_fields);
            header_fields = all;
        } else if let Some(f) = &language {
            header_fields.push(f.clone());
        }
        diagnostics.append(&mut chapter.diagnostics);
        let mut header = Header::from_fields(header_fields);
        header.place = Some(Place::in_series(
            &place_series,
            title.clone(),
            chaptered.then_some(i as u32 + 1),
        ));
        chapter.header = header;
    }
    Read {
        title,
        chapters,
        diagnostics,
    }
}

/// The header a download's preface gives, without reading its chapters: what a build
/// that only peeks at the top of each file needs.
pub fn peek(doc: &Html) -> Option<Header> {
    let root = doc.root_element();
    by_id(root, "preface")?;
    let title = work_title(root);
    let fields = preface(root);
    let series = fields
        .iter()
        .find(|f| f.key.eq_ignore_ascii_case("series"))
        .map(|f| all_series(&f.value))
        .unwrap_or_default();
    let mut all = vec![field("Title", FieldKind::Title, &title, Vec::new())];
    all.extend(fields);
    let mut header = Header::from_fields(all);
    header.place = Some(Place::in_series(&series, title, None));
    Some(header)
}

/// A fact read from a download (not from a header line, so it has no line number).
pub(crate) fn field(key: &str, kind: FieldKind, value: &str, items: Vec<String>) -> Field {
    Field {
        key: key.to_string(),
        kind,
        value: value.to_string(),
        items,
        line: 0,
    }
}

/// The first element under `root` (itself included) with this `id`.
pub fn by_id<'a>(root: ElementRef<'a>, id: &str) -> Option<ElementRef<'a>> {
    root.descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().id() == Some(id))
}

fn has_class(e: ElementRef<'_>, class: &str) -> bool {
    e.value().classes().any(|c| c == class)
}

fn child_elements<'a>(e: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    e.children().filter_map(ElementRef::wrap)
}

/// An element's text with its white space collapsed.
pub fn text_of(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The work's title: the preface's heading, else the page title.
fn work_title(root: ElementRef<'_>) -> String {
    preface_heading(root)
        .map(text_of)
        .filter(|t| !t.is_empty())
        .or_else(|| page_title(root))
        .unwrap_or_default()
}

/// The title of a work whose preface may be split over several pages: the heading of
/// whichever holds it, else the first page's title.
fn pages_title(pages: &[ElementRef<'_>]) -> String {
    pages
        .iter()
        .filter_map(|p| preface_heading(*p))
        .map(text_of)
        .find(|t| !t.is_empty())
        .or_else(|| pages.first().and_then(|p| page_title(*p)))
        .unwrap_or_default()
}

fn preface_heading(root: ElementRef<'_>) -> Option<ElementRef<'_>> {
    by_id(root, "preface")?
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "h1")
}

fn page_title(root: ElementRef<'_>) -> Option<String> {
    root.descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "title")
        .map(text_of)
}

/// The preface's facts as header fields, in the archive's order.
fn preface(root: ElementRef<'_>) -> Vec<Field> {
    let mut fields = Vec::new();
    let Some(preface) = by_id(root, "preface") else {
        return fields;
    };
    if let Some(tags) = preface
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "dl")
    {
        let mut label = String::new();
        for e in child_elements(tags) {
            match e.value().name() {
                "dt" => label = text_of(e).trim_end_matches(':').trim().to_string(),
                "dd" => fields.extend(tag_row(&label, e)),
                _ => {}
            }
        }
    }
    // The byline by its class, or (in the archive's EPUB, where Calibre renames
    // classes) as the block that holds the author's link.
    let byline = preface
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| has_class(*e, "byline"))
        .or_else(|| {
            preface
                .descendants()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "a" && a.value().attr("rel") == Some("author"))
                .and_then(|a| a.parent())
                .and_then(ElementRef::wrap)
        });
    if let Some(byline) = byline {
        let linked: Vec<String> = byline
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|a| a.value().name() == "a")
            .map(text_of)
            .filter(|t| !t.is_empty())
            .collect();
        let authors = if linked.is_empty() {
            let text = text_of(byline);
            let text = text.strip_prefix("by ").unwrap_or(&text).to_string();
            vec![text]
        } else {
            linked
        };
        fields.push(field(
            "Author",
            FieldKind::Author,
            &authors.join(", "),
            authors,
        ));
    }
    // The summary and notes sit beside the work's heading (in `div.meta`, whose class
    // the archive's EPUB does not keep).
    let meta = preface_heading(root)
        .and_then(|h| h.parent())
        .and_then(ElementRef::wrap)
        .or_else(|| {
            preface
                .descendants()
                .filter_map(ElementRef::wrap)
                .find(|e| has_class(*e, "meta"))
        });
    if let Some(meta) = meta {
        for (label, quote) in labelled_quotes(meta) {
            let kind = match label.as_str() {
                "summary" => FieldKind::Summary,
                "notes" => FieldKind::Notes,
                _ => continue,
            };
            let key = if kind == FieldKind::Summary {
                "Summary"
            } else {
                "Notes"
            };
            fields.push(field(key, kind, &plain_paragraphs(quote), Vec::new()));
        }
    }
    // The work's address: the link in "Posted originally on the Archive of Our Own
    // at …", whose other words are the archive's and are left out.
    if let Some(address) = preface
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "a")
        .filter_map(|a| a.value().attr("href"))
        .find(|h| h.contains("/works/"))
    {
        fields.push(field(
            "Source",
            FieldKind::Source,
            address.trim(),
            Vec::new(),
        ));
    }
    fields
}

/// `<p>Summary</p><blockquote class="userstuff">…</blockquote>` pairs, by the label
/// lower-cased: how the archive sets out summaries and notes.
fn labelled_quotes(block: ElementRef<'_>) -> Vec<(String, ElementRef<'_>)> {
    let mut out = Vec::new();
    let mut label: Option<String> = None;
    for e in child_elements(block) {
        match e.value().name() {
            "p" => label = Some(text_of(e).trim_end_matches(':').trim().to_lowercase()),
            "blockquote" => {
                if let Some(l) = label.take() {
                    out.push((l, e));
                }
            }
            _ => label = None,
        }
    }
    out
}

/// A summary or notes block as plain text: its paragraphs separated by blank lines, as
/// a text header's multi-line value.
fn plain_paragraphs(quote: ElementRef<'_>) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut loose = String::new();
    for child in quote.children() {
        match child.value() {
            Node::Text(t) => loose.push_str(t),
            Node::Element(el) => {
                let Some(e) = ElementRef::wrap(child) else {
                    continue;
                };
                if matches!(el.name(), "p" | "div" | "blockquote" | "ul" | "ol" | "li") {
                    push_words(&mut paragraphs, &std::mem::take(&mut loose));
                    push_words(&mut paragraphs, &text_of(e));
                } else if el.name() == "br" {
                    loose.push('\n');
                } else {
                    loose.push_str(&e.text().collect::<String>());
                }
            }
            _ => {}
        }
    }
    push_words(&mut paragraphs, &loose);
    paragraphs.join("\n\n")
}

fn push_words(paragraphs: &mut Vec<String>, text: &str) {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !words.is_empty() {
        paragraphs.push(words);
    }
}

/// One row of the preface's tag list as header fields.
fn tag_row(label: &str, dd: ElementRef<'_>) -> Vec<Field> {
    let text = text_of(dd);
    let linked: Vec<String> = child_elements(dd)
        .filter(|a| a.value().name() == "a")
        .map(text_of)
        .filter(|t| !t.is_empty())
        .collect();
    // The archive allows no comma in a tag, so a row without links splits on them.
    let items = if linked.is_empty() {
        text.split(", ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        linked
    };
    let singular = label
        .to_lowercase()
        .trim_end_matches('s')
        .trim_end_matches("ie")
        .to_string();
    let list = |key: &str, kind| vec![field(key, kind, &items.join(", "), items.clone())];
    match singular.as_str() {
        "rating" => vec![field(
            "Rating",
            FieldKind::Rating,
            &items.join(", "),
            Vec::new(),
        )],
        "archive warning" => {
            // "No Archive Warnings Apply" means none; "Creator Chose Not To Use
            // Archive Warnings" is kept word for word: the reader was not told.
            let warnings: Vec<String> = items
                .iter()
                .filter(|w| !w.eq_ignore_ascii_case(NO_WARNINGS))
                .cloned()
                .collect();
            vec![field(
                "Archive Warnings",
                FieldKind::Warnings,
                &items.join(", "),
                warnings,
            )]
        }
        "category" | "categor" => list("Category", FieldKind::Category),
        "fandom" => list("Fandom", FieldKind::Fandom),
        "relationship" => list("Relationships", FieldKind::Pairing),
        "character" => list("Characters", FieldKind::Characters),
        "additional tag" => list("Additional Tags", FieldKind::Tags),
        "language" => vec![field("Language", FieldKind::Other, &text, Vec::new())],
        "serie" => vec![field("Series", FieldKind::Other, &text, Vec::new())],
        "stat" => stats(&text),
        _ => vec![field(label, FieldKind::Other, &text, Vec::new())],
    }
}

static SERIES_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|,\s*)Part (\d+) of ").expect("valid regex"));

/// Every series of a `Part 2 of Ember Road, Part 5 of Tides, Inlets` row, in order: a
/// name runs to the next `, Part N of`, so names with commas are whole.
pub(super) fn all_series(value: &str) -> Vec<(String, u32)> {
    let value = value.trim();
    let starts: Vec<regex::Captures> = SERIES_PART.captures_iter(value).collect();
    starts
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let from = c.get(0)?.end();
            let to = starts
                .get(i + 1)
                .map_or(value.len(), |n| n.get(0).unwrap().start());
            let name = value[from..to].trim();
            let number = c[1].parse().ok()?;
            (!name.is_empty()).then(|| (name.to_string(), number))
        })
        .collect()
}

static STAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(Published|Updated|Completed|Words|Chapters|Comments|Kudos|Bookmarks|Hits):\s*(\S+)",
    )
    .expect("valid regex")
});

/// `Published: 2019-03-04 Completed: 2019-05-01 Words: 12,345 Chapters: 3/3`.
fn stats(text: &str) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut finished: Option<bool> = None;
    for c in STAT.captures_iter(text) {
        let (key, value) = (&c[1], &c[2]);
        match key {
            "Published" => fields.push(field(key, FieldKind::Published, value, Vec::new())),
            "Updated" => {
                finished.get_or_insert(false);
                fields.push(field(key, FieldKind::Updated, value, Vec::new()));
            }
            "Completed" => {
                finished = Some(true);
                fields.push(field(key, FieldKind::Updated, value, Vec::new()));
            }
            "Words" => fields.push(field(key, FieldKind::WordCount, value, Vec::new())),
            "Chapters" => {
                if let Some((have, planned)) = value.split_once('/') {
                    if planned == "?" || have != planned {
                        finished = Some(false);
                    } else {
                        finished.get_or_insert(true);
                    }
                }
                fields.push(field(key, FieldKind::Other, value, Vec::new()));
            }
            // Kudos, hits and the like change by the hour: not facts of the story.
            _ => {}
        }
    }
    if let Some(done) = finished {
        let status = if done { "Complete" } else { "In progress" };
        fields.push(field("Status", FieldKind::Status, status, Vec::new()));
    }
    fields
}

/// What a `#chapters` block holds, and what follows it before the afterword: a stray
/// `</div>` in the writer's text closes the archive's blocks early and leaves the rest
/// of the story outside them.
fn chapter_nodes(block: ElementRef<'_>) -> Vec<ego_tree::NodeRef<'_, Node>> {
    let mut nodes: Vec<ego_tree::NodeRef<'_, Node>> = block.children().collect();
    let mut next = block.next_sibling();
    while let Some(node) = next {
        if node.value().as_element().and_then(|e| e.id()) == Some("afterword") {
            break;
        }
        nodes.push(node);
        next = node.next_sibling();
    }
    nodes
}

/// A chapter's heading block: `div.meta.group` in the HTML download. Calibre renames
/// classes when it makes the archive's EPUB, so there it is the block that opens with
/// the chapter's heading and is not the chapter's text (`role="article"`, or the
/// archive's `userstuff`, where a writer's own heading may come first).
fn is_group(e: ElementRef<'_>, split: bool) -> bool {
    if has_class(e, "meta") && has_class(e, "group") {
        return true;
    }
    // Only there: in the HTML download a writer's own `<div><h2>`, let out of the
    // chapter by a stray `</div>`, would be taken for one and its words lost.
    split
        && e.value().name() == "div"
        && e.value().attr("role") != Some("article")
        && !has_class(e, "userstuff")
        && child_elements(e)
            .next()
            .is_some_and(|h| h.value().name() == "h2" && !is_toc_heading(h))
}

/// A chapter's end notes: `div.meta#endnotesN`, or by its id alone in the EPUB.
fn is_end_notes(e: ElementRef<'_>) -> bool {
    (has_class(e, "meta") && !has_class(e, "userstuff"))
        || e.value().id().is_some_and(|id| id.contains("endnotes"))
}

/// The chapters in the nodes of a `#chapters` block ([`chapter_nodes`]): one per
/// heading block in a chaptered work, else the one body. Everything but the archive's
/// headings is read.
fn read_chapters<'p>(
    nodes: &[ego_tree::NodeRef<'p, Node>],
    split: bool,
    file: &'p str,
    punctuation: Punctuation,
    images: Option<ImageLookup<'p>>,
) -> Vec<Chapter> {
    let nodes = nodes.iter().copied();
    let chaptered = nodes
        .clone()
        .filter_map(ElementRef::wrap)
        .any(|e| is_group(e, split));
    if !chaptered {
        let mut s = Sanitiser::new(file, punctuation).with_images(images);
        for node in nodes {
            if !ElementRef::wrap(node).is_some_and(is_toc_heading) {
                s.node(node);
            }
        }
        s.finish();
        return vec![Chapter {
            header: Header::default(),
            body: Body {
                heading: None,
                events: s.events,
            },
            diagnostics: s.diagnostics,
        }];
    }
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut s: Option<Sanitiser<'_>> = None;
    let mut heading: Option<String> = None;
    let mut fields: Vec<Field> = Vec::new();
    let finish = |s: Option<Sanitiser<'_>>,
                  heading: Option<String>,
                  fields: Vec<Field>,
                  chapters: &mut Vec<Chapter>| {
        if let Some(mut s) = s {
            s.finish();
            // Before the first heading block, the pieces Calibre's splitting leaves
            // (an empty page-break block) are no chapter.
            if heading.is_none() && fields.is_empty() && s.events.is_empty() {
                return;
            }
            chapters.push(Chapter {
                header: Header::from_fields(fields),
                body: Body {
                    heading,
                    events: s.events,
                },
                diagnostics: s.diagnostics,
            });
        }
    };
    for node in nodes {
        let Some(e) = ElementRef::wrap(node) else {
            // Text between the archive's blocks: only a stray tag puts words there.
            if node.value().as_text().is_some_and(|t| !t.trim().is_empty()) {
                s.get_or_insert_with(|| Sanitiser::new(file, punctuation).with_images(images))
                    .node(node);
            }
            continue;
        };
        if is_group(e, split) {
            finish(
                s.take(),
                heading.take(),
                std::mem::take(&mut fields),
                &mut chapters,
            );
            let mut fresh = Sanitiser::new(file, punctuation).with_images(images);
            heading = child_elements(e)
                .find(|h| matches!(h.value().name(), "h1" | "h2" | "h3"))
                .map(text_of)
                .and_then(|h| chapter_title(&h));
            for p in child_elements(e).filter(|p| has_class(*p, "byline")) {
                // "Chapter by X" when a co-writer wrote this chapter: a fact of it.
                let by = text_of(p);
                let by = by
                    .strip_prefix("Chapter by")
                    .unwrap_or(&by)
                    .trim()
                    .to_string();
                fields.push(field("Chapter by", FieldKind::Other, &by, Vec::new()));
            }
            for (label, quote) in labelled_quotes(e) {
                let shown = match label.as_str() {
                    "chapter summary" | "summary" => "Chapter Summary",
                    "chapter notes" | "notes" => "Chapter Notes",
                    _ => continue,
                };
                note(&mut fresh, quote, shown);
            }
            s = Some(fresh);
        } else if is_end_notes(e) {
            // The chapter's end notes (`div.meta#endnotesN`).
            if let Some(s) = s.as_mut() {
                labelled_notes(s, e, "Chapter End Notes");
            }
        } else if !is_toc_heading(e) {
            // The chapter's text (`div.userstuff`), and anything a stray tag left
            // beside it.
            s.get_or_insert_with(|| Sanitiser::new(file, punctuation).with_images(images))
                .node(node);
        }
    }
    finish(s, heading, fields, &mut chapters);
    chapters
}

/// A note block (`<p>End Notes</p><blockquote>…`) added as an author's note under
/// `label`.
fn labelled_notes(s: &mut Sanitiser<'_>, block: ElementRef<'_>, label: &str) {
    for (_, quote) in labelled_quotes(block) {
        note(s, quote, label);
    }
}

/// The writer's summary or notes as an author's note, so `--notes` moves or drops it
/// with the rest, labelled with the archive's own name for it.
fn note(s: &mut Sanitiser<'_>, quote: ElementRef<'_>, label: &str) {
    s.open(Tag::AuthorNote);
    s.label(label);
    s.blocks_of(quote);
    s.close(Tag::AuthorNote);
}

fn is_toc_heading(e: ElementRef<'_>) -> bool {
    has_class(e, "toc-heading") || has_class(e, "landmark")
}

static CHAPTER_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Chapter\s+\d+\s*(?::\s*(.*))?$").expect("valid regex"));

/// The chapter's own title from the archive's `Chapter 3: The Title`; `None` for a
/// bare `Chapter 3`, which the book's own part label already says.
fn chapter_title(heading: &str) -> Option<String> {
    match CHAPTER_HEADING.captures(heading.trim()) {
        Some(c) => c
            .get(1)
            .map(|m| m.as_str().trim().to_string())
            .filter(|t| !t.is_empty()),
        None => Some(heading.trim().to_string()).filter(|t| !t.is_empty()),
    }
}
