//! EPUB story files → the shared event stream. An EPUB is a whole work: the OPF gives
//! its facts (title, authors, tags, summary, series and place) and its reading order,
//! the NCX or navigation document its chapters' titles, and each content document goes
//! through the same allow-list as an HTML download (`read::html::sanitise`), so
//! nothing but story reaches the book. Three kinds are told apart:
//!
//! - the Archive of Our Own's EPUB, its HTML download split into files by Calibre:
//!   read by the HTML download's own reader (`html::ao3`), over all its pages;
//! - a FanFicFare EPUB (`fanficfare.rs`): its title page of `Label: value` lines
//!   feeds the header and is not a story page;
//! - any other EPUB 2 or 3: the spine's documents, joined into a chapter per entry of
//!   the table of contents.
//!
//! The package is read with limits (`package.rs`): a zip bomb, a cut-short download,
//! DRM or a package without its OPF is refused with a reason, before anything is
//! written.

pub mod fanficfare;
pub mod opf;
pub mod package;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};

use scraper::{ElementRef, Html};

use crate::input::header::{FieldKind, Header, Place};
use crate::read::event::{Body, Event, Tag};
use crate::read::html::ao3::field;
use crate::read::html::sanitise::{ImageLookup, Sanitiser};
use crate::read::html::{ao3, same_words, take_heading, Chapter, Read};
use crate::read::typography::Punctuation;

pub use package::Refused;

/// The prefix of an image's name when it comes from inside an EPUB story file: never a
/// path in the series folder, so the builder takes it from [`Book::images`] instead.
pub const PACKAGED: &str = "epub-package:";

/// Whether an image name is one [`read`] gave.
pub fn is_packaged(src: &str) -> bool {
    src.starts_with(PACKAGED)
}

/// What one EPUB file gives: the work as an HTML download's reader would give it, and
/// the images its pages show, by the names its events use.
#[derive(Debug, Clone)]
pub struct Book {
    pub read: Read,
    pub images: Vec<(String, Vec<u8>)>,
}

/// A content document of the spine, parsed.
struct Page {
    path: String,
    html: Html,
}

/// Reads an EPUB story file from its bytes. `file` names it in diagnostics.
pub fn read(bytes: &[u8], file: &str, punctuation: Punctuation) -> Result<Book, Refused> {
    let mut package = package::Package::open(bytes)?;
    refuse_drm(&mut package)?;
    let opf = open_opf(&mut package)?;
    // The package's own language sets its text, as a text file's `Language` header
    // does (the archive's EPUB says it again in its preface, which then rules).
    let punctuation = match opf
        .meta
        .languages
        .first()
        .and_then(|l| crate::input::language::tag(l))
    {
        Some(tag) => punctuation.in_language(&tag),
        None => punctuation,
    };
    let toc = table_of_contents(&mut package, &opf);
    let mut pages = Vec::new();
    let mut budget = crate::read::html::ParseBudget::default();
    for item in &opf.spine {
        let html_like = item.media_type.contains("html") || item.media_type.is_empty();
        if !html_like || Some(&item.path) == opf.nav.as_ref() {
            continue;
        }
        let Some(raw) = package.read(&item.path)? else {
            // A spine that names a missing file: the rest is still read.
            continue;
        };
        let text = decode(&raw, file);
        // The HTML parser's cost grows with the square of the nesting, and what it
        // holds with the elements: a page nested beyond any story's, or pages of more
        // elements than any story's, are refused before they are parsed, as an HTML
        // file is.
        crate::read::html::check_page(&text, &mut budget)
            .map_err(|why| Refused(format!("its page {}: {}", item.path, why.0)))?;
        pages.push(Page {
            path: item.path.clone(),
            html: Html::parse_document(&as_html(&text)),
        });
    }

    // Images the pages show from inside the package, resolved against each page's
    // folder (the pages of an EPUB share one nearly always); each is read once.
    let names: HashSet<String> = package.names().into_iter().collect();
    let folders: Vec<String> = pages
        .iter()
        .map(|p| p.path.rsplit_once('/').map_or("", |(f, _)| f).to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let wanted: RefCell<BTreeSet<String>> = RefCell::default();
    let find = |src: &str| -> Option<String> {
        let lower = src.trim().to_ascii_lowercase();
        if lower.contains("://") || lower.starts_with("data:") || src.trim().is_empty() {
            return None;
        }
        let path = folders
            .iter()
            .map(|f| package::resolve(&format!("{f}/x"), src.trim()))
            .find(|p| names.contains(p) && is_image_name(p))?;
        wanted.borrow_mut().insert(path.clone());
        Some(format!("{PACKAGED}{file}/{path}"))
    };
    let lookup: ImageLookup<'_> = &find;

    let roots: Vec<ElementRef<'_>> = pages.iter().map(|p| p.html.root_element()).collect();
    let mut read = if ao3::is_split_download(&roots) {
        ao3::read_pages(&roots, file, punctuation, Some(lookup))
    } else if let Some(title_page) = fanficfare::title_page(&roots, &opf) {
        let chapters = chapters(
            &pages,
            &toc,
            Some(title_page),
            &opf.meta,
            file,
            punctuation,
            lookup,
        );
        let header = fanficfare::header(roots[title_page], &opf.meta);
        work(header, chapters)
    } else {
        let chapters = chapters(&pages, &toc, None, &opf.meta, file, punctuation, lookup);
        work(opf_header(&opf.meta, true), chapters)
    };
    // The OPF's series, when the pages do not say (`calibre:series`, EPUB 3
    // collections): the same place an archive download's "Part N of" gives.
    if let Some(series) = &opf.meta.series {
        for chapter in &mut read.chapters {
            if let Some(place) = chapter.header.place.as_mut() {
                if place.series.is_none() {
                    place.series = Some(series.clone());
                    place.number = opf.meta.series_index.as_deref().and_then(position);
                }
            }
        }
    }
    let has_text = read.chapters.iter().any(|c| {
        c.body
            .events
            .iter()
            .any(|e| matches!(e, Event::Text(t) if !t.trim().is_empty()))
    });
    if !has_text {
        return Err(Refused(
            "its pages hold no story text (an EPUB of images only, or pages ficbind cannot read)"
                .into(),
        ));
    }
    let mut images = Vec::new();
    for path in wanted.into_inner() {
        if let Some(bytes) = package.read(&path)? {
            images.push((format!("{PACKAGED}{file}/{path}"), bytes));
        }
    }
    Ok(Book { read, images })
}

/// The header an EPUB's OPF gives, without reading its pages: what a build that only
/// peeks at each file needs (the cover, `batch`'s names).
pub fn peek(bytes: &[u8]) -> Option<Header> {
    let mut package = package::Package::open(bytes).ok()?;
    let opf = open_opf(&mut package).ok()?;
    if opf.meta.series.is_none() {
        // FanFicFare writes the series only on its title page (`Series: NAME [N]`).
        if let Some(header) = fanficfare_title_page_header(&mut package, &opf) {
            return Some(header);
        }
    }
    let mut header = opf_header(&opf.meta, false);
    if let Some(place) = header.place.as_mut() {
        if let Some(series) = &opf.meta.series {
            place.series = Some(series.clone());
            place.number = opf.meta.series_index.as_deref().and_then(position);
        }
    }
    Some(header)
}

/// The facts of a FanFicFare title page when the book opens with one: only the first
/// page is read.
fn fanficfare_title_page_header(
    package: &mut package::Package<'_>,
    opf: &opf::Opf,
) -> Option<Header> {
    let first = opf.spine.first()?;
    let text = decode(&package.read(&first.path).ok()??, &first.path);
    crate::read::html::check_page(&text, &mut crate::read::html::ParseBudget::default()).ok()?;
    let html = Html::parse_document(&as_html(&text));
    let root = html.root_element();
    (fanficfare::title_page(&[root], opf) == Some(0)).then(|| fanficfare::header(root, &opf.meta))
}

/// A series index as a position: Calibre writes `2` or `2.0`; a fraction (`2.5`, a
/// side story between two) has no whole place and is left free-standing.
fn position(index: &str) -> Option<u32> {
    let n: f64 = index.trim().parse().ok()?;
    (n.fract() == 0.0 && n >= 0.0 && n < u32::MAX as f64).then_some(n as u32)
}

/// An EPUB whose content files are locked cannot be read, and must not be bound as if
/// its scrambled bytes were text.
fn refuse_drm(package: &mut package::Package<'_>) -> Result<(), Refused> {
    const DRM: &str = "it is protected by DRM ({}), so its text cannot be read; ficbind reads only DRM-free EPUBs, such as the archives' and FanFicFare's downloads";
    if package.has("META-INF/rights.xml") {
        return Err(Refused(DRM.replace("{}", "META-INF/rights.xml")));
    }
    let Some(encryption) = package.read_text("META-INF/encryption.xml")? else {
        return Ok(());
    };
    // Fonts scrambled so they cannot be lifted out (the IDPF's and Adobe's font
    // obfuscation) are not DRM: the text is plain.
    const FONT_OBFUSCATION: [&str; 2] = [
        "http://www.idpf.org/2008/embedding",
        "http://ns.adobe.com/pdf/enc#RC",
    ];
    let locked = match roxmltree::Document::parse(&encryption) {
        Ok(doc) => doc
            .descendants()
            .filter(|n| n.has_tag_name("EncryptionMethod"))
            .any(|m| !FONT_OBFUSCATION.contains(&m.attribute("Algorithm").unwrap_or(""))),
        // An encryption list that cannot be read says at least that something is.
        Err(_) => true,
    };
    if locked {
        return Err(Refused(DRM.replace("{}", "META-INF/encryption.xml")));
    }
    Ok(())
}

fn open_opf(package: &mut package::Package<'_>) -> Result<opf::Opf, Refused> {
    let container = package.read_text("META-INF/container.xml")?.ok_or_else(|| {
        Refused("it has no META-INF/container.xml, so it is not an EPUB (or not a whole one); download the work again".into())
    })?;
    let path = opf::rootfile(&container)?;
    let text = package.read_text(&path)?.ok_or_else(|| {
        Refused(format!(
            "its package document {path}, which META-INF/container.xml names, is missing; download the work again"
        ))
    })?;
    let opf = opf::read(&text, &path)?;
    if opf.spine.is_empty() {
        return Err(Refused(format!(
            "its package document {path} has no spine, so it has no reading order; download the work again"
        )));
    }
    Ok(opf)
}

/// The table of contents: the navigation document's, else the NCX's. One that
/// cannot be read only costs the chapters their titles.
fn table_of_contents(package: &mut package::Package<'_>, opf: &opf::Opf) -> Vec<opf::TocEntry> {
    let mut read =
        |path: &Option<String>, parse: fn(&str, &str) -> Result<Vec<opf::TocEntry>, Refused>| {
            let path = path.as_ref()?;
            let text = package.read_text(path).ok()??;
            parse(&text, path).ok().filter(|t| !t.is_empty())
        };
    read(&opf.nav, opf::nav)
        .or_else(|| read(&opf.ncx, opf::ncx))
        .unwrap_or_default()
}

/// A content document's text: as an HTML download's bytes are decoded (a declared
/// encoding for EPUB 2's HTML, UTF-8 otherwise).
fn decode(raw: &[u8], file: &str) -> String {
    crate::input::decode::decode_html(file, std::path::Path::new(file), raw)
        .map(|d| d.text)
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

fn is_image_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Elements HTML writes without an end tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// An XHTML page as HTML an HTML parser reads the way an XML one would. The parser is
/// an HTML5 one (the one the sanitiser walks), and XHTML's `<title/>`, `<div/>` or
/// `<a id="x"/>` mean something else to it: an empty title swallows the page, an empty
/// `<a/>` wraps the rest of it. A page that is not well-formed XML (EPUB 2 allowed
/// HTML) is given to the HTML parser as it is.
fn as_html(text: &str) -> std::borrow::Cow<'_, str> {
    // Most pages close only void elements (`<br/>`, `<img/>`), which the HTML parser
    // reads as XML means them: those go to it as they are, without a second parse.
    if !self_closes_a_container(text) {
        return text.into();
    }
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(text, opts) else {
        return text.into();
    };
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str("<!DOCTYPE html>");
    write_node(doc.root_element(), &mut out);
    out.into()
}

/// Whether a `/>` in `text` closes an element HTML does not know as void (`<div/>`,
/// `<title/>`, `<a id="x"/>`): the elements an HTML parser would leave open. This only
/// decides whether the page needs the round trip through the XML parser; a `/>` inside
/// an attribute value or text at worst sends a page on that round trip needlessly.
fn self_closes_a_container(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&bytes[from..], b"/>") {
        let end = from + at;
        from = end + 2;
        let Some(open) = memchr::memrchr(b'<', &bytes[..end]) else {
            continue;
        };
        let name: Vec<u8> = bytes[open + 1..end]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b':')
            .map(u8::to_ascii_lowercase)
            .collect();
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(&name);
        if !local.is_empty() && !VOID.iter().any(|v| v.as_bytes() == local) {
            return true;
        }
    }
    false
}

fn write_node(node: roxmltree::Node<'_, '_>, out: &mut String) {
    // Iterative: a hostile page may nest deeper than the stack allows.
    let mut stack: Vec<(roxmltree::Node<'_, '_>, bool)> = vec![(node, false)];
    while let Some((n, closing)) = stack.pop() {
        if closing {
            out.push_str("</");
            out.push_str(n.tag_name().name());
            out.push('>');
            continue;
        }
        if n.is_text() {
            escape(n.text().unwrap_or(""), false, out);
            continue;
        }
        if !n.is_element() {
            continue;
        }
        let name = n.tag_name().name();
        out.push('<');
        out.push_str(name);
        for a in n.attributes() {
            out.push(' ');
            out.push_str(a.name());
            out.push_str("=\"");
            escape(a.value(), true, out);
            out.push('"');
        }
        out.push('>');
        if VOID.contains(&name) {
            continue;
        }
        stack.push((n, true));
        let children: Vec<_> = n.children().collect();
        for c in children.into_iter().rev() {
            stack.push((c, false));
        }
    }
}

fn escape(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The OPF's facts as a header. `tags`: whether the subjects are the work's tags (for a
/// downloader that repeats its title page's facts as subjects, they are not).
fn opf_header(m: &opf::Metadata, tags: bool) -> Header {
    let mut fields = Vec::new();
    let title = m.titles.first().cloned().unwrap_or_default();
    if !title.is_empty() {
        fields.push(field("Title", FieldKind::Title, &title, Vec::new()));
    }
    if !m.creators.is_empty() {
        fields.push(field(
            "Author",
            FieldKind::Author,
            &m.creators.join(", "),
            m.creators.clone(),
        ));
    }
    if let Some(summary) = &m.description {
        fields.push(field("Summary", FieldKind::Summary, summary, Vec::new()));
    }
    if tags && !m.subjects.is_empty() {
        fields.push(field(
            "Tags",
            FieldKind::Tags,
            &m.subjects.join(", "),
            m.subjects.clone(),
        ));
    }
    if let Some(language) = m.languages.first() {
        fields.push(field("Language", FieldKind::Other, language, Vec::new()));
    }
    let day = |d: &String| d.get(..10).unwrap_or(d).to_string();
    if let Some(published) = m.published.as_ref().map(day) {
        fields.push(field(
            "Published",
            FieldKind::Published,
            &published,
            Vec::new(),
        ));
        if let Some(updated) = m.modified.as_ref().map(day).filter(|u| *u > published) {
            fields.push(field("Updated", FieldKind::Updated, &updated, Vec::new()));
        }
    }
    if let Some(source) = &m.source {
        fields.push(field("Source", FieldKind::Source, source, Vec::new()));
    }
    let mut header = Header::from_fields(fields);
    header.place = Some(Place {
        series: None,
        number: None,
        title,
        chapter: None,
        also: Vec::new(),
    });
    header
}

/// A work from its header and chapters: the header's facts on the first chapter, the
/// work's place on each.
pub fn work(header: Header, mut chapters: Vec<Chapter>) -> Read {
    let place = header.place.clone().unwrap_or_default();
    let title = place.title.clone();
    let chaptered = chapters.len() > 1;
    let mut diagnostics = Vec::new();
    let mut facts = Some(header.fields);
    for (i, chapter) in chapters.iter_mut().enumerate() {
        let mut fields = facts.take().unwrap_or_default();
        if chaptered {
            // A downloader's word count is the whole work's; each chapter is counted
            // against its own header, so the figure is kept as a fact instead.
            for f in &mut fields {
                if f.kind == FieldKind::WordCount {
                    f.kind = FieldKind::Other;
                }
            }
        }
        fields.append(&mut chapter.header.fields);
        let mut h = Header::from_fields(fields);
        h.place = Some(Place {
            chapter: chaptered.then_some(i as u32 + 1),
            ..place.clone()
        });
        chapter.header = h;
        diagnostics.append(&mut chapter.diagnostics);
    }
    Read {
        title,
        chapters,
        diagnostics,
    }
}

/// The spine's pages as chapters: a page the table of contents names starts a chapter
/// with that entry's label as its title; a page it does not name continues the chapter
/// before it (a chapter split into files). Pages with no text before the first story
/// page (a cover image, a title page) and pages that are a list of links to the
/// others (a contents page) are not story. `skip` is a downloader's own title page.
fn chapters(
    pages: &[Page],
    toc: &[opf::TocEntry],
    skip: Option<usize>,
    meta: &opf::Metadata,
    file: &str,
    punctuation: Punctuation,
    images: ImageLookup<'_>,
) -> Vec<Chapter> {
    let spine: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut chapters: Vec<Chapter> = Vec::new();
    // Titles of parts that hold no text of their own, for the next chapter's heading.
    let mut carry: Option<String> = None;
    for (i, page) in pages.iter().enumerate() {
        if Some(i) == skip
            || is_contents_page(page, &spine)
            || is_jacket(page)
            // Front matter: once the story has begun, no page is taken for one.
            || (chapters.is_empty() && is_title_page(page, meta))
        {
            continue;
        }
        let Some(body) = page
            .html
            .root_element()
            .children()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "body")
        else {
            continue;
        };
        for segment in segments(body, toc, &page.path, file, punctuation, images) {
            let Segment {
                label,
                mut events,
                mut diagnostics,
            } = segment;
            let has_text = events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if !t.trim().is_empty()));
            if !has_text
                && (chapters.is_empty() || !events.iter().any(|e| matches!(e, Event::Image { .. })))
            {
                // A cover or blank page before the story; an empty page within it.
                continue;
            }
            let heading = match &label {
                Some(l) => {
                    take_heading(&mut events, Some(l));
                    Some(l.clone())
                }
                None if chapters.is_empty() || toc.is_empty() => take_heading(&mut events, None),
                None => None,
            };
            let starts_chapter = label.is_some() || toc.is_empty() || chapters.is_empty();
            let holds_story = events.iter().any(|e| match e {
                Event::Text(t) => !t.trim().is_empty(),
                Event::Image { .. } => true,
                _ => false,
            });
            if let (Some(h), false, true) = (&heading, holds_story, starts_chapter) {
                // A heading with nothing under it before the next entry: the work's own
                // title (which the book's heading says), or a part's title over the
                // chapters that follow, which goes before the next chapter's title so
                // that no page is a heading alone.
                if !is_work_title(h, meta) {
                    carry = Some(match carry.take() {
                        Some(c) => format!("{c} — {h}"),
                        None => h.clone(),
                    });
                }
                continue;
            }
            match (starts_chapter, chapters.last_mut()) {
                (false, Some(last)) => {
                    // The rest of the chapter before, in a file of its own.
                    last.body.events.append(&mut events);
                    last.diagnostics.append(&mut diagnostics);
                }
                _ => {
                    let heading = match (carry.take(), heading) {
                        (Some(c), Some(h)) => Some(format!("{c} — {h}")),
                        (c, h) => c.or(h),
                    };
                    chapters.push(Chapter {
                        header: Header::default(),
                        body: Body { heading, events },
                        diagnostics,
                    });
                }
            }
        }
    }
    if let Some(heading) = carry {
        // Titles with no chapter after them: kept, as the book's last words.
        chapters.push(Chapter {
            header: Header::default(),
            body: Body {
                heading: None,
                events: vec![
                    Event::Start(Tag::Paragraph),
                    Event::Text(heading),
                    Event::End(Tag::Paragraph),
                ],
            },
            diagnostics: Vec::new(),
        });
    }
    chapters
}

/// Whether a heading says the work's title (in any case or punctuation).
fn is_work_title(heading: &str, meta: &opf::Metadata) -> bool {
    words_of(heading).next().is_some() && meta.titles.iter().any(|t| same_words(t, heading))
}

/// A stretch of a page that the table of contents gives one title (or none).
struct Segment {
    label: Option<String>,
    events: Vec<Event>,
    diagnostics: Vec<crate::diag::Diagnostic>,
}

/// A page's body as the table of contents divides it: whole, under the title of the
/// first entry that points at it, or, when entries point at places inside it
/// (`part.xhtml#ch2`), cut where each of those starts. The text before the second
/// entry's place is the first entry's.
fn segments(
    body: ElementRef<'_>,
    toc: &[opf::TocEntry],
    path: &str,
    file: &str,
    punctuation: Punctuation,
    images: ImageLookup<'_>,
) -> Vec<Segment> {
    let entries: Vec<&opf::TocEntry> = toc.iter().filter(|t| t.path == path).collect();
    let label_of = |t: &opf::TocEntry| Some(t.label.clone()).filter(|l| !l.is_empty());
    let first = entries.first().and_then(|t| label_of(t));
    // The places where a later entry starts, and its title.
    let places: Vec<(&str, Option<String>)> = entries
        .iter()
        .skip(1)
        .filter_map(|t| Some((t.fragment.as_deref()?, label_of(t))))
        .collect();
    let mut cut = Cutter {
        places: &places,
        file,
        punctuation,
        images,
        done: Vec::new(),
        label: first,
        open: Sanitiser::new(file, punctuation).with_images(Some(images)),
    };
    if places.is_empty() {
        cut.open.blocks_of(body);
    } else {
        cut.children_of(body);
    }
    cut.finish()
}

/// Reads a page's nodes into segments, starting a new one at each place a later
/// contents entry points at.
struct Cutter<'a, 'p> {
    places: &'p [(&'p str, Option<String>)],
    file: &'a str,
    punctuation: Punctuation,
    images: ImageLookup<'a>,
    done: Vec<Segment>,
    label: Option<String>,
    open: Sanitiser<'a>,
}

impl<'a> Cutter<'a, '_> {
    fn children_of(&mut self, parent: ElementRef<'_>) {
        for child in parent.children() {
            let Some(element) = ElementRef::wrap(child) else {
                self.open.node(child);
                continue;
            };
            match self.place_in(element) {
                None => self.open.node(child),
                // A wrapper around chapters (`<div class="main">`, `<section id="c2">`):
                // cut at it if it is a place itself, and inside it at those it holds.
                Some(_) if is_wrapper(element) => {
                    if let Some(own) = self.own_place(element) {
                        self.start(own);
                    }
                    self.children_of(element);
                }
                // A block that holds a chapter's start (`<h2><a id="c2"/>Two</h2>`).
                Some(place) => {
                    self.start(place);
                    self.open.node(child);
                }
            }
        }
    }

    /// The first place inside `element` (or `element` itself), by its index.
    fn place_in(&self, element: ElementRef<'_>) -> Option<usize> {
        std::iter::once(element)
            .chain(element.descendants().skip(1).filter_map(ElementRef::wrap))
            .find_map(|e| {
                let id = e.value().id()?;
                self.places.iter().position(|(p, _)| *p == id)
            })
    }

    fn own_place(&self, element: ElementRef<'_>) -> Option<usize> {
        let id = element.value().id()?;
        self.places.iter().position(|(p, _)| *p == id)
    }

    fn start(&mut self, place: usize) {
        let next = Sanitiser::new(self.file, self.punctuation).with_images(Some(self.images));
        let label = self.places[place].1.clone();
        self.close(next, label);
    }

    fn close(&mut self, next: Sanitiser<'a>, next_label: Option<String>) {
        let mut open = std::mem::replace(&mut self.open, next);
        open.finish();
        self.done.push(Segment {
            label: std::mem::replace(&mut self.label, next_label),
            events: open.events,
            diagnostics: open.diagnostics,
        });
    }

    fn finish(mut self) -> Vec<Segment> {
        let next = Sanitiser::new(self.file, self.punctuation);
        self.close(next, None);
        self.done
    }
}

/// Elements that only group blocks, which a cut may go inside without losing meaning.
fn is_wrapper(element: ElementRef<'_>) -> bool {
    matches!(
        element.value().name(),
        "div" | "section" | "article" | "main" | "body"
    )
}

/// Calibre's "jacket": the page of title, series, tags and comments it inserts at the
/// front when a book is converted with metadata inserted. Its facts are the OPF's,
/// which the header already has; as a story page it would repeat them as prose. Its
/// blocks carry Calibre's `cbj_` classes, which no writer's text does.
fn is_jacket(page: &Page) -> bool {
    let classes: HashSet<&str> = page
        .html
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .flat_map(|e| e.value().classes())
        .filter(|c| c.starts_with("cbj_"))
        .collect();
    classes.contains("cbj_banner") || classes.len() >= 2
}

/// A title page a converter made from the metadata (pandoc's, most EPUB makers') before
/// the story:
/// marked `epub:type="titlepage"` on its body or on the one section that holds its
/// text, or holding no word beyond the title, the authors and "by". Its facts are the
/// OPF's, which the header already has; as a story page it would be a chapter of
/// nothing but a name.
fn is_title_page(page: &Page, meta: &opf::Metadata) -> bool {
    let root = page.html.root_element();
    let Some(body) = root
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
    else {
        return false;
    };
    let marked = |e: &ElementRef<'_>| {
        e.value()
            .attr("epub:type")
            .is_some_and(|t| t.split_whitespace().any(|t| t == "titlepage"))
    };
    if marked(&body) {
        return true;
    }
    let elements = || body.descendants().filter_map(ElementRef::wrap);
    if let Some(section) = elements().find(marked) {
        return words_in(section).count() == words_in(body).count();
    }
    let known: HashSet<String> = meta
        .titles
        .iter()
        .chain(&meta.creators)
        .flat_map(|t| words_of(t).map(str::to_lowercase))
        .chain(["by".to_string()])
        .collect();
    // A story page has a word the metadata lacks within its first few: stop there.
    let mut words = words_in(body).peekable();
    words.peek().is_some()
        && words.all(|w| known.contains(&w.to_lowercase()))
        // A page of an image and its caption is an illustration, kept.
        && !elements().any(|e| e.value().name() == "img")
}

/// The words of an element's text, its text nodes kept apart (`<h1>Keeper</h1><p>by`
/// is two words).
fn words_in(element: ElementRef<'_>) -> impl Iterator<Item = &str> {
    element.text().flat_map(words_of)
}

/// The words of `text`: its runs of letters and digits.
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A page that is a list of links to the other pages: a generated contents page.
fn is_contents_page(page: &Page, spine: &HashSet<&str>) -> bool {
    let root = page.html.root_element();
    let links: Vec<ElementRef<'_>> = root
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|a| a.value().name() == "a")
        .filter(|a| {
            a.value()
                .attr("href")
                .is_some_and(|h| spine.contains(package::resolve(&page.path, h).as_str()))
        })
        .collect();
    if links.len() < 2 {
        return false;
    }
    let words = |e: ElementRef<'_>| e.text().flat_map(str::split_whitespace).count();
    let body = root
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
        .map_or(0, words);
    let linked: usize = links.iter().map(|a| words(*a)).sum();
    // The page's own heading ("Contents") besides the links.
    linked * 10 >= body * 8
}

#[cfg(test)]
mod tests;
