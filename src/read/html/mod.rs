//! HTML story files → the shared event stream. An Archive of Our Own download
//! (`ao3.rs`) gives a whole work: its facts as a header and each chapter as a part.
//! Any other HTML page with story text in it is read as one story. The writer's markup
//! goes through one allow-list (`sanitise.rs`), so nothing but story reaches the book.
//!
//! The page is parsed by html5ever (through scraper), the parser browsers' rules
//! describe: archives' and downloaders' HTML is often not well-formed, and a hand-made
//! parser would read it differently from the browser the writer checked it in.

pub mod ao3;
pub mod fanficfare;
pub mod sanitise;

use scraper::{ElementRef, Html};

use crate::diag::Diagnostic;
use crate::input::header::{Field, FieldKind, Header};
use crate::read::event::{Body, Event};
use crate::read::typography::Punctuation;

/// One chapter of a work (a whole one-chapter work is one of these).
#[derive(Debug, Clone)]
pub struct Chapter {
    /// The work's facts on its first chapter; a chapter's own facts ("Chapter by")
    /// on each. Every chapter's header carries the work's [`Place`].
    pub header: Header,
    /// The chapter's own title as the body's heading, then its summary and notes (as
    /// author's notes), its text, and its end notes.
    pub body: Body,
    pub diagnostics: Vec<Diagnostic>,
}

/// What one HTML file gives.
#[derive(Debug, Clone)]
pub struct Read {
    pub title: String,
    pub chapters: Vec<Chapter>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why an HTML file is not a story, for the error that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAStory(pub String);

/// Reads an HTML story file. `file` names it in diagnostics.
pub fn read(
    text: &str,
    file: &str,
    punctuation: impl Into<Punctuation>,
) -> Result<Read, NotAStory> {
    let punctuation = punctuation.into();
    check_page(text, &mut ParseBudget::default())?;
    let doc = Html::parse_document(text);
    let read = if ao3::is_download(&doc) {
        ao3::read(&doc, file, punctuation)
    } else if fanficfare::is_download(&doc) {
        fanficfare::read(&doc, file, punctuation)
    } else {
        any_page(&doc, file, punctuation)?
    };
    let has_text = read.chapters.iter().any(|c| {
        c.body
            .events
            .iter()
            .any(|e| matches!(e, Event::Text(t) if !t.trim().is_empty()))
    });
    if !has_text {
        return Err(NotAStory(if ao3::is_download(&doc) {
            "it is laid out as an Archive of Our Own download, but its chapters hold no text (was the download cut short?)".into()
        } else {
            "the page holds no text (an empty page?)".into()
        }));
    }
    Ok(read)
}

/// What the HTML parser may still be given of one story file: the elements of every
/// page it holds (an EPUB's pages are parsed and held together) count against one cap.
#[derive(Debug, Clone)]
pub struct ParseBudget {
    elements_left: usize,
}

impl Default for ParseBudget {
    fn default() -> ParseBudget {
        ParseBudget {
            elements_left: MAX_ELEMENTS,
        }
    }
}

/// Refuses a page whose blocks nest deeper than any story's, or whose elements (with
/// those of the file's other pages) are more than any story's, before it is parsed.
pub fn check_page(text: &str, budget: &mut ParseBudget) -> Result<(), NotAStory> {
    let shape = shape(text, MAX_BLOCK_DEPTH + 1, budget.elements_left + 1);
    if shape.deepest > MAX_BLOCK_DEPTH {
        return Err(NotAStory(format!(
            "its blocks nest more than {MAX_BLOCK_DEPTH} deep, which no story's do (a damaged or hostile page?)"
        )));
    }
    if shape.elements > budget.elements_left {
        return Err(NotAStory(format!(
            "it holds more than {} tags, which no story does (a damaged or hostile page?)",
            crate::util::text::thousands(MAX_ELEMENTS)
        )));
    }
    budget.elements_left -= shape.elements;
    Ok(())
}

/// How many elements one story file may hold. The parsed page keeps about 140 bytes
/// an element, so a 9 MB file of bare `<p>`s took 410 MB; a story of a million words
/// has a few hundred thousand.
const MAX_ELEMENTS: usize = 2_000_000;

/// How deep block containers may nest before a page is refused. An HTML parser checks
/// the open blocks at every new one (browsers' rules ask it to), so a page of nested
/// blocks costs the square of its depth: 100,000 nested `<div>`s took over a minute.
/// Stories nest a handful deep; the archive's page adds five.
const MAX_BLOCK_DEPTH: usize = 1_000;

/// Containers that are closed explicitly in any page; `p`, `li` and the like close
/// themselves and would count a sloppy page's every paragraph.
const BLOCKS: [&str; 16] = [
    "div",
    "blockquote",
    "section",
    "article",
    "aside",
    "center",
    "ul",
    "ol",
    "dl",
    "table",
    "header",
    "footer",
    "nav",
    "main",
    "figure",
    "fieldset",
];

/// What the pre-parse scan counts of a page.
struct Shape {
    /// The deepest its block containers nest.
    deepest: usize,
    /// Its start tags: the elements the parser would make.
    elements: usize,
}

/// The page's shape, counted from its start and end tags alone (in one pass, before
/// parsing), until the depth reaches `stop_depth` or the elements `stop_elements`.
/// This is a guard on the parser's cost, not a reading of the page: the parser reads it.
fn shape(text: &str, stop_depth: usize, stop_elements: usize) -> Shape {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut elements) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'<', &bytes[i..]) {
        i += at + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let name_len = bytes[start..]
            .iter()
            .take(12)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if !closing && name_len > 0 {
            elements += 1;
            if elements >= stop_elements {
                break;
            }
        }
        let name = &bytes[start..start + name_len];
        if !BLOCKS
            .iter()
            .any(|b| b.as_bytes().eq_ignore_ascii_case(name))
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest >= stop_depth {
                break;
            }
        }
    }
    Shape { deepest, elements }
}

/// The header an HTML file's top gives (the first few kilobytes are enough for an
/// archive download's preface), for a build that only peeks at its files.
pub fn peek(head: &str) -> Header {
    let doc = Html::parse_document(head);
    if fanficfare::is_download(&doc) {
        let body = doc
            .root_element()
            .children()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "body");
        if let Some(body) = body {
            let meta = crate::read::epub::opf::Metadata::default();
            return crate::read::epub::fanficfare::header(body, &meta);
        }
    }
    ao3::peek(&doc).unwrap_or_else(|| {
        let title = page_title(&doc);
        page_header(&title)
    })
}

/// Words a saved error page is titled with, so it is refused rather than bound.
const ERROR_TITLES: [&str; 9] = [
    "error",
    "not found",
    "404",
    "403",
    "500",
    "502",
    "503",
    "access denied",
    "just a moment",
];

/// Any other page: its body is the story, its `<title>` (or first heading) the title.
fn any_page(doc: &Html, file: &str, punctuation: Punctuation) -> Result<Read, NotAStory> {
    let title = page_title(doc);
    let lower = title.to_lowercase();
    let words = doc
        .root_element()
        .text()
        .flat_map(str::split_whitespace)
        .take(301)
        .count();
    if let Some(sign) = ERROR_TITLES.iter().find(|w| {
        lower
            .split(|c: char| !c.is_alphanumeric())
            .collect::<Vec<_>>()
            .windows(w.split(' ').count())
            .any(|win| win.join(" ") == **w)
    }) {
        // A long page that happens to say "error" in its title is still read.
        if words <= 300 {
            return Err(NotAStory(format!(
                "it looks like a saved error page (its title is {title:?}, with {sign:?} in it), not a downloaded work"
            )));
        }
    }
    let body = doc
        .root_element()
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body");
    let mut s = sanitise::Sanitiser::new(file, punctuation);
    if let Some(body) = body {
        s.blocks_of(body);
    }
    // The page's own title, when it opens the body as a heading, is the title.
    let mut events = s.events;
    let heading = take_heading(&mut events, Some(&title));
    let header = page_header(&title);
    Ok(Read {
        title: title.clone(),
        chapters: vec![Chapter {
            header,
            body: Body { heading, events },
            diagnostics: s.diagnostics,
        }],
        diagnostics: Vec::new(),
    })
}

fn page_title(doc: &Html) -> String {
    let root = doc.root_element();
    let find = |name: &str| {
        root.descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == name)
            .map(ao3::text_of)
            .filter(|t| !t.is_empty())
    };
    find("title").or_else(|| find("h1")).unwrap_or_default()
}

fn page_header(title: &str) -> Header {
    if title.is_empty() {
        return Header::default();
    }
    Header::from_fields(vec![Field {
        key: "Title".into(),
        kind: FieldKind::Title,
        value: title.to_string(),
        items: Vec::new(),
        line: 0,
    }])
}

/// Takes a heading that opens a body out of its events, as the body's heading: the one
/// that says `label` (the book's page heading says it already), or with no label, any
/// heading that opens the body.
pub fn take_heading(events: &mut Vec<Event>, label: Option<&str>) -> Option<String> {
    use crate::read::event::Tag;
    let Some(Event::Start(Tag::Heading(_))) = events.first() else {
        return None;
    };
    let end = events
        .iter()
        .position(|e| matches!(e, Event::End(Tag::Heading(_))))?;
    let text: String = events[1..end]
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let text = text.trim().to_string();
    if text.is_empty() || label.is_some_and(|l| !same_words(l, &text)) {
        return None;
    }
    events.drain(..=end);
    Some(text)
}

/// Whether two titles say the same words, whatever their case and punctuation.
pub fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

#[cfg(test)]
mod tests;
