//! Story bodies typeset ahead of their pages. A build hands each body to `typeset` (or,
//! a chunk at a time, to a `Typesetter`) the moment it is parsed: it is written as
//! XHTML, cut into pages and each page compressed at once, so the file is parsed once
//! and the book is held in about a third of its size. The page template is later
//! compressed around each page and the deflate streams joined (`epub::pack_around`).
//! This is the writer's business: the book model never sees compressed bytes.
//!
//! Why pages: a single story file would otherwise be one XHTML file however long it
//! is, and old Kobo and Adobe-based readers fail on files over about 300 KB. A body
//! longer than `PAGE_LIMIT` is cut between top-level blocks, preferably at a scene
//! break, so no paragraph, author's note, list or footnote is ever split. A body that
//! fits is one page, compressed exactly as it was before pages existed.

use std::collections::{BTreeMap, HashMap};

use crate::input::settings::BookFormat;
use crate::labels::Labels;
use crate::output::epub::Deflated;
use crate::output::kepub::{KoboSpans, SPAN_START};
use crate::output::xhtml::{write_body_as, ImageMap};
use crate::read::event::Event;

/// The most body XHTML a page holds, in bytes, unless one block alone is longer: about
/// 100 KB with the page template around it, a third of what old readers choke on.
pub const PAGE_LIMIT: usize = 96 * 1024;

/// The most a page may hold with Kobo's spans, in bytes, however many fewer the page
/// would have without them: two and a half times `PAGE_LIMIT`, so a KEPUB page with its
/// template stays under the 300 KB old readers choke on. Prose gains about half again
/// in spans, so a KEPUB body is cut exactly where the EPUB's is; only text of very
/// short sentences (a page of one-word replies) is cut sooner.
pub const KEPUB_PAGE_LIMIT: usize = with_spans(PAGE_LIMIT);

/// The most a page cut at `limit` may hold with Kobo's spans (see `KEPUB_PAGE_LIMIT`).
const fn with_spans(limit: usize) -> usize {
    limit.saturating_mul(5) / 2
}

/// One story body, typeset, cut into pages and compressed: at least one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pages: Vec<Deflated>,
    /// Whether a page links to another page of this body (a note reference and its
    /// note landing on different pages): such links hold `PAGE_MARK`s, which
    /// `resolve_links` turns into file names once the pages are named.
    links: bool,
}

impl Body {
    /// Typesets `events` (a body whose images, if any, are in `images`) for a book of
    /// `format`, cuts it into pages and compresses them. `words` sizes the buffer.
    pub fn typeset(
        events: &[Event],
        words: usize,
        images: &ImageMap,
        labels: &Labels,
        format: BookFormat,
    ) -> Body {
        let mut xhtml = String::with_capacity(words * 7);
        let mut spans = kobo_spans(format);
        write_body_as(events, images, labels, spans.as_mut(), &mut xhtml);
        let mut pages = Vec::new();
        let mut cutter = Cutter::new(PAGE_LIMIT);
        cutter.buf = xhtml;
        cutter.finish(&mut |page| pages.push(page.to_string()));
        // Only a whole body can be relinked: every page is still at hand.
        let links = mark_links(&mut pages);
        Body {
            pages: pages.iter().map(|p| Deflated::new(p.as_bytes())).collect(),
            links,
        }
    }

    /// The pages, in reading order; the first carries the heading.
    pub fn pages(&self) -> &[Deflated] {
        &self.pages
    }

    /// Whether the pages hold links to one another that `resolve_links` must finish.
    pub fn links_across_pages(&self) -> bool {
        self.links
    }
}

/// Typesets a body whose events come a chunk at a time: each chunk's XHTML is written
/// onto the page being filled, and every page is compressed as soon as it is full, so
/// no more than a page (or one block longer than a page) is held uncompressed.
#[derive(Debug)]
pub struct Typesetter {
    cutter: Cutter,
    pages: Vec<Deflated>,
    /// A KEPUB's span numbering, which goes on from chunk to chunk.
    spans: Option<KoboSpans>,
}

impl Default for Typesetter {
    fn default() -> Self {
        Typesetter::new(BookFormat::Epub)
    }
}

/// The span numbering a body of a book of `format` is typeset with, if any.
fn kobo_spans(format: BookFormat) -> Option<KoboSpans> {
    (format == BookFormat::Kepub).then(KoboSpans::new)
}

impl Typesetter {
    pub fn new(format: BookFormat) -> Typesetter {
        Typesetter {
            cutter: Cutter::new(PAGE_LIMIT),
            pages: Vec::new(),
            spans: kobo_spans(format),
        }
    }

    /// Typesets the next chunk of the body's events (whole blocks), then compresses
    /// any page that is now full.
    pub fn write_events(&mut self, events: &[Event], images: &ImageMap, labels: &Labels) {
        write_body_as(
            events,
            images,
            labels,
            self.spans.as_mut(),
            &mut self.cutter.buf,
        );
        let pages = &mut self.pages;
        self.cutter
            .settle(&mut |page| pages.push(Deflated::new(page.as_bytes())));
    }

    pub fn finish(mut self) -> Body {
        // A body streamed a chunk at a time is plain text, which makes no links inside
        // itself; pages already compressed could not be relinked.
        debug_assert!(!self.cutter.links, "a streamed body links within itself");
        let pages = &mut self.pages;
        self.cutter
            .finish(&mut |page| pages.push(Deflated::new(page.as_bytes())));
        Body {
            pages: self.pages,
            links: false,
        }
    }
}

/// A place in the buffer: its byte offset, and how many of the bytes before it are
/// Kobo's spans, which the cutter does not count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Pos {
    raw: usize,
    kobo: usize,
}

impl Pos {
    /// The offset the page would have without Kobo's spans: what the limit is
    /// measured in, so a KEPUB's body is cut into exactly the EPUB's pages.
    fn plain(self) -> usize {
        self.raw - self.kobo
    }

    /// This place once the buffer up to `cut` is gone (the start, if it was before).
    fn after(self, cut: Pos) -> Pos {
        if self.raw >= cut.raw {
            Pos {
                raw: self.raw - cut.raw,
                kobo: self.kobo - cut.kobo,
            }
        } else {
            Pos::default()
        }
    }
}

/// Cuts typeset XHTML into pages as it is written: tracks the nesting of the elements
/// (our own writer's markup: text is escaped, so `<` only opens a tag) and, at the end
/// of each top-level block, hands on a page if the block made it longer than `limit`.
/// Kobo's spans are not counted, neither in the nesting nor in the length.
#[derive(Debug)]
struct Cutter {
    /// The page being filled (and what follows it, not yet scanned).
    buf: String,
    limit: usize,
    /// How far `buf` has been scanned.
    scanned: usize,
    /// How many bytes of Kobo's spans are in `buf[..scanned]`.
    kobo: usize,
    /// Inside a Kobo span: its `</span>` is the next closing tag (it holds only text
    /// or an image).
    in_span: bool,
    depth: usize,
    /// The end of the last top-level block in `buf` (0: none yet).
    boundary: Pos,
    /// The start of the last top-level scene break in `buf` (0: none).
    scene: Pos,
    /// Whether a page was handed on.
    emitted: bool,
    /// Whether all the body was written.
    done: bool,
    /// Whether a link to an anchor (`href="#…"`) was seen.
    links: bool,
}

impl Cutter {
    fn new(limit: usize) -> Cutter {
        Cutter {
            buf: String::new(),
            limit,
            scanned: 0,
            kobo: 0,
            in_span: false,
            depth: 0,
            boundary: Pos::default(),
            scene: Pos::default(),
            emitted: false,
            done: false,
            links: false,
        }
    }

    /// Scans what was added to `buf`, handing each page that is full to `emit`.
    fn settle(&mut self, emit: &mut dyn FnMut(&str)) {
        loop {
            let bytes = self.buf.as_bytes();
            let Some(lt) = memchr::memchr(b'<', &bytes[self.scanned..]).map(|i| self.scanned + i)
            else {
                self.scanned = bytes.len();
                return;
            };
            let Some(gt) = memchr::memchr(b'>', &bytes[lt..]).map(|i| lt + i) else {
                // A tag not yet written whole: wait for the rest.
                self.scanned = lt;
                return;
            };
            let tag = &self.buf[lt..=gt];
            if tag.starts_with("</") && gt + 1 == bytes.len() && !self.done {
                // The newline that ends a block may follow in the next piece.
                self.scanned = lt;
                return;
            }
            self.scanned = gt + 1;
            if self.in_span && tag == "</span>" {
                self.in_span = false;
                self.kobo += tag.len();
                continue;
            }
            if tag.starts_with(SPAN_START) {
                self.in_span = true;
                self.kobo += tag.len();
                continue;
            }
            if tag.starts_with("</") {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    let mut end = gt + 1;
                    if bytes.get(end) == Some(&b'\n') {
                        end += 1;
                        self.scanned = end;
                    }
                    self.block_ends(end, emit);
                }
            } else {
                self.links |= tag.contains("href=\"#");
                if !tag.ends_with("/>") {
                    if self.depth == 0 && tag.starts_with("<div class=\"scene-break\"") {
                        self.scene = Pos {
                            raw: lt,
                            kobo: self.kobo,
                        };
                    }
                    self.depth += 1;
                }
            }
        }
    }

    /// A top-level block ends at `end`: the page is handed on if the block made it too
    /// long, at the best place before.
    fn block_ends(&mut self, end: usize, emit: &mut dyn FnMut(&str)) {
        let mut end = Pos {
            raw: end,
            kobo: self.kobo,
        };
        while end.plain() > self.limit || end.raw > with_spans(self.limit) {
            // A scene break in the second half of the page is the better place to turn
            // it; else the end of the last block that fits; else (one block longer
            // than a page) the end of this block.
            let cut = if self.scene.plain() >= self.limit / 2 {
                self.scene
            } else if self.boundary.raw > 0 {
                self.boundary
            } else {
                end
            };
            emit(&self.buf[..cut.raw]);
            self.emitted = true;
            self.buf.drain(..cut.raw);
            end = end.after(cut);
            self.scanned -= cut.raw;
            self.kobo -= cut.kobo;
            self.boundary = self.boundary.after(cut);
            self.scene = self.scene.after(cut);
        }
        self.boundary = end;
    }

    /// Hands on the last page: what is left, or an empty page for an empty body.
    fn finish(&mut self, emit: &mut dyn FnMut(&str)) {
        self.done = true;
        self.settle(emit);
        if !self.buf.is_empty() || !self.emitted {
            emit(&self.buf);
        }
        self.buf.clear();
    }
}

/// Stands in a link for the file name of page `n` of the same body, until the pages
/// are named: Unicode noncharacters, which no story text holds.
const PAGE_MARK: (char, char) = ('\u{FDD2}', '\u{FDD3}');

/// Makes every link whose target is on another page of the same body (a note
/// reference and its note, cut apart) point at that page through a `PAGE_MARK`.
/// Returns whether any link was changed.
fn mark_links(pages: &mut [String]) -> bool {
    if pages.len() < 2 || !pages.iter().any(|p| p.contains("href=\"#")) {
        return false;
    }
    let mut home: HashMap<String, usize> = HashMap::new();
    for (n, page) in pages.iter().enumerate() {
        for rest in page.split(" id=\"").skip(1) {
            if let Some(end) = rest.find('"') {
                home.insert(rest[..end].to_string(), n);
            }
        }
    }
    let mut changed = false;
    for (n, page) in pages.iter_mut().enumerate() {
        let mut out = String::with_capacity(page.len());
        let mut pieces = page.split("href=\"#");
        out.push_str(pieces.next().unwrap_or_default());
        for rest in pieces {
            let id = &rest[..rest.find('"').unwrap_or(rest.len())];
            out.push_str("href=\"");
            match home.get(id) {
                Some(&there) if there != n => {
                    out.push(PAGE_MARK.0);
                    out.push_str(&there.to_string());
                    out.push(PAGE_MARK.1);
                    changed = true;
                }
                _ => {}
            }
            out.push('#');
            out.push_str(rest);
        }
        *page = out;
    }
    changed
}

/// A page's XHTML with the links `mark_links` marked pointing at the files the pages
/// were given: `href(n)` is the file name of page `n` of the body.
pub fn resolve_links(page: &str, href: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(page.len());
    let mut pieces = page.split(PAGE_MARK.0);
    out.push_str(pieces.next().unwrap_or_default());
    for rest in pieces {
        match rest.split_once(PAGE_MARK.1) {
            Some((n, after)) if n.parse::<usize>().is_ok() => {
                out.push_str(&href(n.parse().unwrap_or_default()));
                out.push_str(after);
            }
            _ => {
                out.push(PAGE_MARK.0);
                out.push_str(rest);
            }
        }
    }
    out
}

/// The file of page `n` (from 0) of the story page `first` (`story-007.xhtml`):
/// `first` itself, then `story-007-2.xhtml`, `story-007-3.xhtml`…
pub fn page_href(first: &str, n: usize) -> String {
    match n {
        0 => first.to_string(),
        _ => format!("{}-{}.xhtml", first.trim_end_matches(".xhtml"), n + 1),
    }
}

/// The typeset bodies of a series, by the name of the file each came from.
#[derive(Debug, Clone, Default)]
pub struct Typeset(BTreeMap<String, Body>);

impl Typeset {
    pub fn insert(&mut self, file: String, body: Body) {
        self.0.insert(file, body);
    }

    /// The typeset body of `file`, if it was typeset ahead.
    pub fn get(&self, file: &str) -> Option<&Body> {
        self.0.get(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cuts `xhtml` with `limit`, feeding it in pieces of `piece` bytes (at tag
    /// boundaries are not required: the cutter waits for a tag written in half).
    fn cut(xhtml: &str, limit: usize, piece: usize) -> Vec<String> {
        let mut cutter = Cutter::new(limit);
        let mut pages = Vec::new();
        let mut rest = xhtml;
        while !rest.is_empty() {
            let mut end = piece.min(rest.len());
            while !rest.is_char_boundary(end) {
                end += 1;
            }
            cutter.buf.push_str(&rest[..end]);
            rest = &rest[end..];
            cutter.settle(&mut |p| pages.push(p.to_string()));
        }
        cutter.finish(&mut |p| pages.push(p.to_string()));
        pages
    }

    fn para(n: usize, len: usize) -> String {
        format!("<p>{n} {}</p>\n", "word ".repeat(len / 5))
    }

    const SCENE: &str =
        "<div class=\"scene-break\" role=\"separator\" aria-label=\"Scene break\">*</div>\n";

    #[test]
    fn a_body_that_fits_is_one_page() {
        let body: String = (0..5).map(|n| para(n, 100)).collect();
        assert_eq!(cut(&body, 10_000, usize::MAX), [body]);
        assert_eq!(cut("", 10_000, 1), [""], "an empty body is one empty page");
    }

    #[test]
    fn a_page_turns_at_a_scene_break_in_its_second_half() {
        // 10 paragraphs of ~200 bytes, a scene break, 10 more: the limit falls in the
        // second run, and the scene break (past half the limit) is where it turns.
        let mut body: String = (0..10).map(|n| para(n, 200)).collect();
        let before_scene = body.len();
        body.push_str(SCENE);
        body.extend((10..20).map(|n| para(n, 200)));
        let limit = before_scene + 600;
        let pages = cut(&body, limit, 37);
        assert_eq!(pages.concat(), body);
        assert_eq!(pages[0].len(), before_scene, "turns before the scene break");
        assert!(pages[1].starts_with("<div class=\"scene-break\""));
        // A scene break early in the page is not worth a half-empty page: the page
        // is filled to the last paragraph that fits.
        let mut early = para(0, 50);
        early.push_str(SCENE);
        early.extend((1..20).map(|n| para(n, 200)));
        let pages = cut(&early, 2_000, 64);
        assert_eq!(pages.concat(), early);
        assert!(
            pages[0].len() > 1_500 && pages[0].len() <= 2_000,
            "{}",
            pages[0].len()
        );
        assert!(pages[0].ends_with("</p>\n"));
    }

    #[test]
    fn pages_turn_between_blocks_and_never_inside_one() {
        // Paragraphs, an author's note box holding paragraphs, a list, a quotation,
        // a paragraph longer than the limit, more paragraphs.
        let mut body = String::new();
        for n in 0..30 {
            body.push_str(&para(n, 150));
            if n % 7 == 3 {
                body.push_str(
                    "<div class=\"author-note\" role=\"note\" aria-label=\"Author’s note\">\n",
                );
                body.push_str(&para(100 + n, 300));
                body.push_str(&para(200 + n, 300));
                body.push_str("</div>\n");
            }
            if n == 12 {
                body.push_str("<ul>\n<li>one</li>\n<li>two<br/>three</li>\n</ul>\n");
                body.push_str("<blockquote>\n<p>said <em>so</em></p>\n</blockquote>\n");
                body.push_str(&para(999, 3_000));
            }
        }
        let limit = 1_000;
        for piece in [1, 7, 100, 4096, usize::MAX] {
            let pages = cut(&body, limit, piece);
            assert_eq!(pages.concat(), body, "no text lost or repeated ({piece})");
            assert!(pages.len() > 5);
            for page in &pages {
                // Every page is whole elements: as many opened as closed, and it
                // starts a block.
                assert_eq!(
                    page.matches("<div").count()
                        + page.matches("<ul").count()
                        + page.matches("<li").count(),
                    page.matches("</div>").count()
                        + page.matches("</ul>").count()
                        + page.matches("</li>").count(),
                    "{page}"
                );
                assert_eq!(
                    page.matches("<p>").count(),
                    page.matches("</p>").count(),
                    "{page}"
                );
                assert!(page.starts_with('<'), "{page}");
                // Only a page holding the one paragraph longer than the limit is over it.
                assert!(
                    page.len() <= limit || page.contains("<p>999 "),
                    "{}",
                    page.len()
                );
            }
            let long = pages.iter().find(|p| p.contains("<p>999 ")).unwrap();
            assert!(
                long.starts_with("<p>999 "),
                "the long paragraph starts its page"
            );
        }
    }

    #[test]
    fn a_note_cut_from_its_reference_is_linked_across_pages() {
        let mut body =
            "<p>Tide<a class=\"noteref\" id=\"fnref-1\" href=\"#fn-1\">1</a></p>\n".to_string();
        body.extend((0..40).map(|n| para(n, 200)));
        body.push_str("<aside class=\"footnote\" id=\"fn-1\">\n<p class=\"footnote-number\"><a href=\"#fnref-1\">1.</a></p>\n<p>Twice a day.</p>\n</aside>\n");
        let mut pages = cut(&body, 3_000, usize::MAX);
        assert!(pages.len() > 2);
        assert!(mark_links(&mut pages));
        let named: Vec<String> = pages
            .iter()
            .map(|p| resolve_links(p, |n| page_href("story-004.xhtml", n)))
            .collect();
        let last = named.len();
        assert!(
            named[0].contains(&format!("href=\"story-004-{last}.xhtml#fn-1\"")),
            "{}",
            named[0]
        );
        assert!(named[last - 1].contains("href=\"story-004.xhtml#fnref-1\""));
        // Nothing else changed.
        let unlinked: String = named
            .concat()
            .replace(&format!("story-004-{last}.xhtml#"), "#")
            .replace("story-004.xhtml#", "#");
        assert_eq!(unlinked, body);
        // Links within a page are left alone.
        let mut whole = cut(&body, usize::MAX, usize::MAX);
        assert!(!mark_links(&mut whole));
        assert_eq!(whole, [body]);
    }

    #[test]
    fn continuation_pages_are_named_after_the_first() {
        assert_eq!(page_href("story-007.xhtml", 0), "story-007.xhtml");
        assert_eq!(page_href("story-007.xhtml", 1), "story-007-2.xhtml");
        assert_eq!(page_href("story-007.xhtml", 9), "story-007-10.xhtml");
    }

    #[test]
    fn a_kepub_page_of_short_sentences_is_cut_before_it_grows_too_long() {
        use crate::read::event::Tag;
        let events: Vec<Event> = (0..3_000)
            .flat_map(|_| {
                [
                    Event::Start(Tag::Paragraph),
                    Event::Text("No. Yes. Go. ".repeat(4)),
                    Event::End(Tag::Paragraph),
                ]
            })
            .collect();
        let labels = Labels::for_language("en");
        let typeset = |format| Body::typeset(&events, 0, &ImageMap::new(), labels, format);
        let (epub, kepub) = (typeset(BookFormat::Epub), typeset(BookFormat::Kepub));
        assert_eq!(epub.pages().len(), 2);
        assert!(kepub.pages().len() > 6, "{}", kepub.pages().len());
        for page in kepub.pages() {
            assert!(page.len() as usize <= KEPUB_PAGE_LIMIT, "{}", page.len());
        }
    }

    #[test]
    fn a_streamed_body_is_the_body_typeset_whole() {
        let events = |n: usize| {
            vec![
                Event::Start(crate::read::event::Tag::Paragraph),
                Event::Text(format!(
                    "Paragraph {n} of the long story, {}",
                    "and so on ".repeat(40)
                )),
                Event::End(crate::read::event::Tag::Paragraph),
            ]
        };
        let labels = Labels::for_language("en");
        let all: Vec<Event> = (0..1_000).flat_map(events).collect();
        let whole = Body::typeset(&all, 100_000, &ImageMap::new(), labels, BookFormat::Epub);
        let mut streamed = Typesetter::new(BookFormat::Epub);
        for chunk in all.chunks(30) {
            streamed.write_events(chunk, &ImageMap::new(), labels);
        }
        let streamed = streamed.finish();
        assert!(whole.pages().len() > 3);
        assert_eq!(streamed, whole);
        let mut xhtml = String::new();
        crate::output::xhtml::write_body(&all, &ImageMap::new(), labels, &mut xhtml);
        let inflated: Vec<u8> = whole.pages().iter().flat_map(|p| p.inflate()).collect();
        assert_eq!(inflated, xhtml.as_bytes());
        for page in whole.pages() {
            assert!(page.len() as usize <= PAGE_LIMIT);
        }
    }
}
