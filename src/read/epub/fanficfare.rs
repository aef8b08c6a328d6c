//! FanFicFare's EPUB: a generated title page (`title_page.xhtml`, its body of class
//! `fff_titlepage`) whose `<b>Label:</b> value` lines are the work's facts, then one
//! page per chapter. The title page feeds the header and is never a story page; its
//! lines are read by the text header's own parser, so `Category`, `Warnings` and the
//! rest mean what they mean in a text file's header.

use scraper::node::Node;
use scraper::ElementRef;

use crate::input::header::{self, FieldKind, Header, Place};
use crate::read::epub::opf::{Metadata, Opf};

/// Which of the pages is FanFicFare's title page, if the book is one of its.
pub fn title_page(pages: &[ElementRef<'_>], opf: &Opf) -> Option<usize> {
    let by_class = pages.iter().position(|p| {
        p.children().filter_map(ElementRef::wrap).any(|e| {
            e.value().name() == "body" && e.value().classes().any(|c| c == "fff_titlepage")
        })
    });
    by_class.or_else(|| {
        let ours =
            opf.meta.creators.is_empty() || opf.manifest.iter().any(|i| i.id == "title_page");
        let first = opf.spine.first()?;
        (ours && first.id == "title_page" && !pages.is_empty()).then_some(0)
    })
}

/// Labels whose values are the download's, not the work's: when it was packaged
/// (which changes with every download) and the site it came from (its address is the
/// work's source).
const NOT_FACTS: [&str; 2] = ["packaged", "publisher"];

/// The work's header from FanFicFare's title page, with the OPF's facts for what the
/// page leaves out (the work's address, its language).
pub fn header(page: ElementRef<'_>, meta: &Metadata) -> Header {
    let heading = page
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| matches!(e.value().name(), "h1" | "h2" | "h3"));
    let links: Vec<ElementRef<'_>> = heading
        .into_iter()
        .flat_map(|h| h.descendants().filter_map(ElementRef::wrap))
        .filter(|a| a.value().name() == "a")
        .collect();
    let title = links
        .first()
        .map(|a| text(*a))
        .filter(|t| !t.is_empty())
        .or_else(|| meta.titles.first().cloned())
        .unwrap_or_default();
    let authors: Vec<String> = links
        .iter()
        .filter(|a| a.value().classes().any(|c| c == "authorlink"))
        .map(|a| text(*a))
        .collect();
    let authors = if authors.is_empty() {
        meta.creators.clone()
    } else {
        authors
    };
    let source = meta.source.clone().or_else(|| {
        links
            .first()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_string)
    });
    let mut meta = meta.clone();
    meta.source = source;
    header_of(title, &authors, label_lines(page), &meta)
}

/// The work's header from the facts every FanFicFare download gives (its title page in
/// an EPUB, its head in HTML or text): the title, the authors and the `Label: value`
/// lines, with the OPF's facts (or none) for the work's address and language.
pub fn header_of(
    title: String,
    authors: &[String],
    labels: impl IntoIterator<Item = (String, String)>,
    meta: &Metadata,
) -> Header {
    let mut lines = format!("Title: {title}\n");
    if !authors.is_empty() {
        lines.push_str(&format!("Author: {}\n", authors.join(", ")));
    }
    for (label, value) in labels {
        if NOT_FACTS.contains(&label.to_lowercase().as_str()) || value.is_empty() {
            continue;
        }
        lines.push_str(&format!("{label}: {value}\n"));
    }
    if let Some(language) = meta.languages.first() {
        lines.push_str(&format!("Language: {language}\n"));
    }
    if let Some(source) = &meta.source {
        lines.push_str(&format!("Source: {source}\n"));
    }
    let mut header = header::split_header(&lines).header;
    // A genre is a tag of the work, as the archive's additional tags are.
    for f in &mut header.fields {
        if f.key.eq_ignore_ascii_case("genre") {
            f.kind = FieldKind::Tags;
            f.items = f
                .value
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
        }
    }
    let series = header
        .fields
        .iter()
        .find(|f| f.key.eq_ignore_ascii_case("series"))
        .and_then(|f| series_and_number(&f.value));
    header.place = Some(Place {
        series: series.as_ref().map(|(s, _)| s.clone()),
        number: series.and_then(|(_, n)| n),
        title,
        chapter: None,
        also: Vec::new(),
    });
    header
}

/// `The Great Test [1]` → the series and the work's place in it.
pub fn series_and_number(value: &str) -> Option<(String, Option<u32>)> {
    let value = value.trim();
    if let Some(open) = value.rfind('[') {
        if let Some(n) = value[open + 1..]
            .strip_suffix(']')
            .and_then(|n| n.trim().parse().ok())
        {
            return Some((value[..open].trim().to_string(), Some(n)));
        }
    }
    (!value.is_empty()).then(|| (value.to_string(), None))
}

fn text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page's `<b>Label:</b> value` lines, in order: a value runs from its label to
/// the next line break or label (in a table, it is the next cell). A value of several
/// paragraphs (the summary) is kept as one line each, as a text header continues one.
fn label_lines(page: ElementRef<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for b in page
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|b| matches!(b.value().name(), "b" | "strong"))
    {
        let label = text(b);
        let Some(label) = label.strip_suffix(':').map(str::trim) else {
            continue;
        };
        if label.is_empty() {
            continue;
        }
        let mut value = String::new();
        let cell = b
            .parent()
            .and_then(ElementRef::wrap)
            .filter(|p| p.value().name() == "td");
        let mut next = match cell {
            Some(td) => td
                .next_siblings()
                .find(|n| n.value().as_element().is_some_and(|e| e.name() == "td"))
                .map(|td| td.children().next())
                .unwrap_or(None),
            None => b.next_sibling(),
        };
        while let Some(node) = next {
            match node.value() {
                Node::Text(t) => value.push_str(t),
                Node::Element(e) if e.name() == "br" => break,
                Node::Element(e) if matches!(e.name(), "b" | "strong") => break,
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(node) {
                        for piece in e.text() {
                            value.push_str(piece);
                        }
                        value.push('\n');
                    }
                }
                _ => {}
            }
            next = node.next_sibling();
        }
        let value: Vec<String> = value
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        out.push((label.to_string(), value.join("\n")));
    }
    out
}
