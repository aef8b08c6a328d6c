//! FanFicFare's HTML download (`fanficfare -f html`): a heading (`TITLE by AUTHOR`), a
//! table of `<b>Label:</b>` rows, a contents list, then each chapter after a named
//! anchor (`<a name="section0001"><h2>Chapter title</h2></a>`). The heading and rows
//! are the work's facts, read as its EPUB's title page is (`read::epub::fanficfare`);
//! the contents list is not story; each chapter is a part of the work.

use scraper::{ElementRef, Html};

use crate::read::epub::fanficfare;
use crate::read::epub::opf::Metadata;
use crate::read::event::Body;
use crate::read::html::sanitise::Sanitiser;
use crate::read::html::{Chapter, Read};
use crate::read::typography::Punctuation;

/// The chapter anchor's heading, when `e` is one (`<a name="section0001"><h2>…`).
fn chapter_anchor(e: ElementRef<'_>) -> Option<String> {
    if e.value().name() != "a" || !e.value().attr("name")?.starts_with("section") {
        return None;
    }
    e.children()
        .filter_map(ElementRef::wrap)
        .find(|h| h.value().name() == "h2")
        .map(crate::read::html::ao3::text_of)
}

fn body(doc: &Html) -> Option<ElementRef<'_>> {
    doc.root_element()
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
}

/// Whether `doc` is laid out as FanFicFare's HTML download.
pub fn is_download(doc: &Html) -> bool {
    let Some(body) = body(doc) else {
        return false;
    };
    let authored = body
        .descendants()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().classes().any(|c| c == "authorlink"));
    authored
        && body
            .children()
            .filter_map(ElementRef::wrap)
            .any(|e| chapter_anchor(e).is_some())
}

/// Reads FanFicFare's HTML download. `file` names it in diagnostics.
pub fn read(doc: &Html, file: &str, punctuation: Punctuation) -> Read {
    let Some(body) = body(doc) else {
        return crate::read::epub::work(Default::default(), Vec::new());
    };
    let header = fanficfare::header(body, &Metadata::default());
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut current: Option<(String, Sanitiser<'_>)> = None;
    let close = |current: Option<(String, Sanitiser<'_>)>, chapters: &mut Vec<Chapter>| {
        if let Some((heading, mut s)) = current {
            s.finish();
            chapters.push(Chapter {
                header: Default::default(),
                body: Body {
                    heading: Some(heading).filter(|h| !h.is_empty()),
                    events: s.events,
                },
                diagnostics: s.diagnostics,
            });
        }
    };
    // Everything before the first chapter is the title page and the contents list.
    for node in body.children() {
        if let Some(heading) = ElementRef::wrap(node).and_then(chapter_anchor) {
            close(current.take(), &mut chapters);
            current = Some((heading, Sanitiser::new(file, punctuation)));
        } else if let Some((_, s)) = current.as_mut() {
            s.node(node);
        }
    }
    close(current, &mut chapters);
    crate::read::epub::work(header, chapters)
}
