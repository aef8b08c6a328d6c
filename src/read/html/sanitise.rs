//! The allow-list that turns a writer's HTML into ficbind's events. Nothing of the
//! source markup is copied: each element the list knows becomes an event (paragraphs,
//! emphasis, lists, tables, headings, quotations, scene breaks), any other element
//! gives only its text, and the elements that are code, forms or embedded pages
//! (`script`, `style`, `iframe`, `form` …) give nothing at all. Attributes never pass
//! through, so no `style`, `onclick` or `class` reaches the book; only a link's address
//! does, and only when it is a web or mail address. Remote images are never fetched.
//!
//! HTML lets text sit anywhere; the event stream wants it in a paragraph, list item,
//! table cell or heading. Text found between blocks gets a paragraph of its own, and
//! inline markup around blocks (`<i><p>…</p><p>…</p></i>`, which archives keep) is
//! closed at each block and opened again inside the next, so emphasis stays on the
//! words it covered and every page stays well-formed.

use scraper::node::Node;
use scraper::ElementRef;

use crate::diag::{Code, Diagnostic};
use crate::read::event::{Align, Event, Tag};
use crate::read::typography::{smarten_pieces, Punctuation};
use crate::util::swar::find_any;
use crate::util::web_address;

/// Elements whose content is never story: code, styling, embedded pages, forms, media
/// that would have to be fetched.
const DROPPED: [&str; 24] = [
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "form", "input", "button", "select", "textarea", "option", "svg", "math", "canvas",
    "audio", "video", "head", "title", "link",
];

/// Elements that hold blocks (or text that then gets a paragraph of its own).
const BLOCK_CONTAINERS: [&str; 14] = [
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "footer",
    "nav",
    "body",
    "html",
    "figure",
    "figcaption",
    "details",
    "summary",
];

/// Where text may go at the current point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Between blocks: text needs a paragraph made for it.
    Flow,
    /// Inside a paragraph, heading, list item or cell: text goes straight in.
    Inline,
}

/// Says, for an image's `src`, the name it is packaged under when the image is inside
/// the story file itself (an EPUB's own images); `None` for one that is not.
pub type ImageLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Turns HTML elements into events, one body at a time.
pub struct Sanitiser<'a> {
    file: &'a str,
    punctuation: Punctuation,
    images: Option<ImageLookup<'a>>,
    pub events: Vec<Event>,
    pub diagnostics: Vec<Diagnostic>,
    ctx: Ctx,
    /// Whether the open paragraph is one made for stray text (closed at the next
    /// block), not the writer's own `<p>`.
    implicit: bool,
    /// Where the open paragraph-like block's events start, for typography and trimming.
    block_start: usize,
    /// The inline elements the walk is inside, outermost first, and how many of them
    /// are open in `events` right now.
    inline: Vec<Tag>,
    inline_open: usize,
    /// How deep the walk is in the page's tree.
    depth: usize,
}

/// Deeper than this, an element's text is read without its markup: the walk is
/// recursive, and a page of a hundred thousand nested tags (which the HTML parser
/// builds without complaint) must not exhaust the stack. No story nests this deep.
const MAX_DEPTH: usize = 200;

impl<'a> Sanitiser<'a> {
    pub fn new(file: &'a str, punctuation: Punctuation) -> Sanitiser<'a> {
        Sanitiser {
            file,
            punctuation,
            images: None,
            events: Vec::new(),
            diagnostics: Vec::new(),
            ctx: Ctx::Flow,
            implicit: false,
            block_start: 0,
            inline: Vec::new(),
            inline_open: 0,
            depth: 0,
        }
    }

    /// Images found by `images` are kept as images; any other is described (`W016`).
    pub fn with_images(mut self, images: Option<ImageLookup<'a>>) -> Sanitiser<'a> {
        self.images = images;
        self
    }

    /// Reads the children of `element` as blocks of the body.
    pub fn blocks_of(&mut self, element: ElementRef<'_>) {
        self.children(element);
        self.end_implicit();
    }

    /// Reads one node (text or element) as part of the body; [`Sanitiser::finish`]
    /// after the last.
    pub fn node(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(t) => self.text(t),
            Node::Element(_) => {
                if let Some(e) = ElementRef::wrap(node) {
                    self.walk_element(e);
                }
            }
            _ => {}
        }
    }

    /// Closes what reading nodes one at a time left open.
    pub fn finish(&mut self) {
        self.end_implicit();
    }

    /// A paragraph of ficbind's own words (an archive's label such as "Chapter Notes"),
    /// set in bold so it reads as a label.
    pub fn label(&mut self, text: &str) {
        self.end_implicit();
        self.events.push(Event::Start(Tag::Paragraph));
        self.events.push(Event::Start(Tag::Strong));
        self.events.push(Event::Text(text.to_string()));
        self.events.push(Event::End(Tag::Strong));
        self.events.push(Event::End(Tag::Paragraph));
    }

    pub fn open(&mut self, tag: Tag) {
        self.end_implicit();
        self.events.push(Event::Start(tag));
    }

    pub fn close(&mut self, tag: Tag) {
        self.end_implicit();
        self.events.push(Event::End(tag));
    }

    fn children(&mut self, element: ElementRef<'_>) {
        // Comments, doctypes, processing instructions: never story.
        for child in element.children() {
            self.node(child);
        }
    }

    fn walk_element(&mut self, e: ElementRef<'_>) {
        if self.depth >= MAX_DEPTH {
            // `text()` walks the tree without recursing.
            let text: String = e.text().collect();
            self.text(&text);
            return;
        }
        self.depth += 1;
        self.walk_element_within_depth(e);
        self.depth -= 1;
    }

    fn walk_element_within_depth(&mut self, e: ElementRef<'_>) {
        let name = e.value().name();
        if never_story(e) {
            return;
        }
        let centred = e
            .value()
            .attr("align")
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("center"))
            || name == "center";
        match name {
            "br" => {
                if self.ctx == Ctx::Inline {
                    self.trim_end();
                    self.events.push(Event::LineBreak);
                }
            }
            "hr" => self.block_event(Event::SceneBreak(None)),
            "img" => self.image(e),
            "p" => self.paragraph(e, centred),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse().unwrap_or(4);
                self.inline_block(e, Tag::Heading(level));
            }
            "blockquote" => self.container(e, Tag::BlockQuote),
            "ul" | "ol" | "dl" => {
                let start = (name == "ol").then(|| {
                    e.value()
                        .attr("start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1)
                });
                self.list(e, start);
            }
            // A list's own items are read by `list`; one met anywhere else (a `<dd>`
            // whose `<dl>` was cut away) is a paragraph, since an item outside a list
            // cannot be written.
            "li" | "dt" | "dd" => self.inline_block(e, Tag::Paragraph),
            "table" => self.table(e),
            "pre" => self.inline_block(e, Tag::Paragraph),
            "center" => self.container_centred(e),
            _ if BLOCK_CONTAINERS.contains(&name) || centred => {
                if centred {
                    self.container_centred(e)
                } else {
                    self.transparent_block(e)
                }
            }
            _ => match inline_tag(name) {
                Some(tag) => self.inline_element(e, tag),
                // Only an address a reader may follow is a link: not `javascript:`,
                // `data:`, a link within the archive's page or a garbled address.
                None if name == "a" => match e.value().attr("href").and_then(web_address::href) {
                    Some(href) => self.inline_element(
                        e,
                        Tag::Link {
                            href,
                            title: String::new(),
                        },
                    ),
                    None => self.children(e),
                },
                // span, font, abbr, small … and anything unknown: its text only.
                None => self.children(e),
            },
        }
    }

    /// A block event (a scene break) between paragraphs; inside one it ends the line.
    fn block_event(&mut self, event: Event) {
        if self.ctx == Ctx::Inline && !self.implicit {
            // `<p>before<hr/>after</p>` cannot be written: the break ends the line.
            self.events.push(Event::LineBreak);
            return;
        }
        self.end_implicit();
        self.events.push(event);
    }

    fn transparent_block(&mut self, e: ElementRef<'_>) {
        if self.ctx == Ctx::Inline && !self.implicit {
            // A block inside a paragraph: its text joins the paragraph.
            self.children(e);
            return;
        }
        self.end_implicit();
        self.children(e);
        self.end_implicit();
    }

    /// A centred `div`: its paragraphs are centred, and a centred line of symbols is a
    /// scene break, as archives' writers mark one.
    fn container_centred(&mut self, e: ElementRef<'_>) {
        if self.ctx == Ctx::Inline && !self.implicit {
            self.children(e);
            return;
        }
        self.end_implicit();
        let has_blocks = e.children().filter_map(ElementRef::wrap).any(|c| {
            matches!(
                c.value().name(),
                "p" | "div" | "blockquote" | "ul" | "ol" | "table"
            )
        });
        if has_blocks {
            self.children(e);
        } else {
            self.paragraph(e, true);
        }
        self.end_implicit();
    }

    fn paragraph(&mut self, e: ElementRef<'_>, centred: bool) {
        if self.ctx == Ctx::Inline && !self.implicit {
            // `<p>` inside a list item or cell: its own line there.
            if self.events.len() > self.block_start {
                self.events.push(Event::LineBreak);
            }
            self.children(e);
            return;
        }
        self.end_implicit();
        // Nearly every paragraph starts with a letter or a quote, which makes it prose
        // (neither empty nor an ornament) without gathering its text.
        let first = e.text().flat_map(str::chars).find(|c| !c.is_whitespace());
        if first.is_some_and(crate::read::text::starts_prose) {
            self.inline_block(
                e,
                if centred {
                    Tag::Centred
                } else {
                    Tag::Paragraph
                },
            );
            return;
        }
        let text: String = e.text().collect();
        let text = text.replace('\u{a0}', " ");
        let trimmed = text.trim();
        let has_image = e
            .descendants()
            .any(|n| n.value().as_element().is_some_and(|el| el.name() == "img"));
        if !has_image && trimmed.is_empty() {
            // `<p>&nbsp;</p>`: the archive's editor spacing paragraphs out, not text.
            return;
        }
        if !has_image && crate::read::text::is_scene_break(trimmed) {
            // The writer's own ornament (`~*~`), as the text reader keeps it.
            self.events
                .push(Event::SceneBreak(crate::read::text::ornament(trimmed)));
            return;
        }
        self.inline_block(
            e,
            if centred {
                Tag::Centred
            } else {
                Tag::Paragraph
            },
        );
    }

    /// A block that holds text directly: paragraph, heading, list item, cell.
    fn inline_block(&mut self, e: ElementRef<'_>, tag: Tag) {
        if self.ctx == Ctx::Inline && !self.implicit {
            self.children(e);
            return;
        }
        self.end_implicit();
        let outer_start = self.block_start;
        self.events.push(Event::Start(tag.clone()));
        self.block_start = self.events.len();
        self.ctx = Ctx::Inline;
        self.reopen_inline();
        self.children(e);
        self.close_inline();
        self.finish_text();
        self.events.push(Event::End(tag));
        self.ctx = Ctx::Flow;
        self.block_start = outer_start;
    }

    fn container(&mut self, e: ElementRef<'_>, tag: Tag) {
        if self.ctx == Ctx::Inline && !self.implicit {
            self.children(e);
            return;
        }
        self.open(tag.clone());
        self.children(e);
        self.close(tag);
    }

    fn list(&mut self, e: ElementRef<'_>, start: Option<u64>) {
        if self.ctx == Ctx::Inline && !self.implicit {
            self.children(e);
            return;
        }
        let tag = Tag::List(start);
        self.open(tag.clone());
        for child in e.children() {
            match child.value() {
                // Anything between the items (stray text, a `<p>`) becomes an item
                // of its own, so no word is lost and the list stays well-formed.
                Node::Text(t) if !t.trim().is_empty() => {
                    self.events.push(Event::Start(Tag::Item));
                    self.block_start = self.events.len();
                    self.ctx = Ctx::Inline;
                    self.text(t);
                    self.finish_text();
                    self.ctx = Ctx::Flow;
                    self.events.push(Event::End(Tag::Item));
                }
                Node::Element(_) => {
                    if let Some(item) = ElementRef::wrap(child) {
                        if !never_story(item) {
                            self.inline_block(item, Tag::Item);
                        }
                    }
                }
                _ => {}
            }
        }
        self.close(tag);
    }

    fn table(&mut self, e: ElementRef<'_>) {
        if self.ctx == Ctx::Inline && !self.implicit {
            self.children(e);
            return;
        }
        let rows: Vec<ElementRef<'_>> = e
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|r| r.value().name() == "tr")
            // Rows of this table, not of a table nested in a cell.
            .filter(|r| {
                r.ancestors()
                    .filter_map(ElementRef::wrap)
                    .find(|a| a.value().name() == "table")
                    == Some(e)
            })
            .collect();
        fn cells<'b>(r: &ElementRef<'b>) -> Vec<ElementRef<'b>> {
            r.children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect::<Vec<_>>()
        }
        let columns = rows.iter().map(|r| cells(r).len()).max().unwrap_or(0);
        if columns == 0 {
            self.transparent_block(e);
            return;
        }
        let tag = Tag::Table(vec![Align::None; columns]);
        self.open(tag.clone());
        for (i, row) in rows.iter().enumerate() {
            let row_cells = cells(row);
            let head = i == 0 && row_cells.iter().all(|c| c.value().name() == "th");
            let row_tag = if head { Tag::TableHead } else { Tag::TableRow };
            self.events.push(Event::Start(row_tag.clone()));
            for n in 0..columns {
                match row_cells.get(n) {
                    Some(cell) => self.inline_block(*cell, Tag::TableCell),
                    // Every row as wide as the widest, so the table stays a grid.
                    None => {
                        self.events.push(Event::Start(Tag::TableCell));
                        self.events.push(Event::End(Tag::TableCell));
                    }
                }
            }
            self.events.push(Event::End(row_tag));
        }
        self.close(tag);
    }

    fn inline_element(&mut self, e: ElementRef<'_>, tag: Tag) {
        self.inline.push(tag.clone());
        if self.ctx == Ctx::Inline {
            self.events.push(Event::Start(tag.clone()));
            self.inline_open += 1;
        }
        self.children(e);
        let depth = self.inline.len();
        self.inline.pop();
        if self.inline_open >= depth {
            self.inline_open -= 1;
            // An empty `<i></i>` leaves nothing behind.
            if self.events.last() == Some(&Event::Start(tag.clone())) {
                self.events.pop();
            } else {
                self.events.push(Event::End(tag));
            }
        }
    }

    fn image(&mut self, e: ElementRef<'_>) {
        let src = e.value().attr("src").unwrap_or("").trim().to_string();
        let alt = e.value().attr("alt").unwrap_or("").trim().to_string();
        if let Some(packaged) = self.images.and_then(|find| find(&src)) {
            if self.ctx == Ctx::Flow {
                self.start_implicit();
            }
            self.events.push(Event::Image {
                src: packaged,
                alt,
                title: e.value().attr("title").unwrap_or("").trim().to_string(),
            });
            return;
        }
        let shown = if alt.is_empty() {
            "it has no description, so nothing stands in its place".to_string()
        } else {
            format!("its description ({alt:?}) stands in its place")
        };
        let web = src.contains("://") || src.starts_with("//");
        if self.images.is_some() && !web {
            // A page of a package names an image the package does not hold: a file
            // left out when the book was made, not one on the web.
            self.diagnostics.push(
                Diagnostic::new(
                    Code::W020,
                    format!("the image {src} is not inside this EPUB, so {shown}"),
                )
                .in_file(self.file),
            );
            if !alt.is_empty() {
                self.text(&alt);
            }
            return;
        }
        self.diagnostics.push(
            Diagnostic::new(
                Code::W016,
                format!(
                    "the image {src} is not in the book: ficbind never fetches from the web, so {shown}"
                ),
            )
            .in_file(self.file),
        );
        if !alt.is_empty() {
            self.text(&alt);
        }
    }

    fn text(&mut self, t: &str) {
        if self.ctx == Ctx::Flow {
            if t.trim().is_empty() {
                return;
            }
            self.start_implicit();
        }
        // A space at a line's start is nothing; spaces next to each other are one.
        let t = if self.last_text_ends_with_space() {
            t.trim_start_matches(is_html_space)
        } else {
            t
        };
        if t.is_empty() {
            return;
        }
        if let Some(Event::Text(last)) = self.events.last_mut() {
            push_collapsed(last, t);
        } else {
            let mut text = String::with_capacity(t.len());
            push_collapsed(&mut text, t);
            self.events.push(Event::Text(text));
        }
    }

    fn last_text_ends_with_space(&self) -> bool {
        self.events[self.block_start.min(self.events.len())..]
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::Text(t) => Some(t.ends_with(' ')),
                Event::LineBreak => Some(true),
                _ => None,
            })
            .unwrap_or(true)
    }

    fn start_implicit(&mut self) {
        self.events.push(Event::Start(Tag::Paragraph));
        self.block_start = self.events.len();
        self.ctx = Ctx::Inline;
        self.implicit = true;
        self.reopen_inline();
    }

    /// Closes a paragraph made for stray text, if one is open.
    fn end_implicit(&mut self) {
        if !self.implicit {
            return;
        }
        self.close_inline();
        self.finish_text();
        // A paragraph of nothing but spaces is no paragraph.
        if self.events.len() == self.block_start {
            self.events.pop();
        } else {
            self.events.push(Event::End(Tag::Paragraph));
        }
        self.implicit = false;
        self.ctx = Ctx::Flow;
        self.block_start = self.events.len();
    }

    /// Opens again, inside a new block, the inline elements the walk is inside.
    fn reopen_inline(&mut self) {
        for tag in &self.inline[self.inline_open..] {
            self.events.push(Event::Start(tag.clone()));
        }
        self.inline_open = self.inline.len();
    }

    /// Closes the inline elements open in the current block, innermost first.
    fn close_inline(&mut self) {
        while self.inline_open > 0 {
            self.inline_open -= 1;
            let tag = self.inline[self.inline_open].clone();
            if self.events.last() == Some(&Event::Start(tag.clone())) {
                self.events.pop();
            } else {
                self.events.push(Event::End(tag));
            }
        }
    }

    fn trim_end(&mut self) {
        if let Some(Event::Text(t)) = self.events.last_mut() {
            let len = t.trim_end_matches(' ').len();
            t.truncate(len);
            if t.is_empty() {
                self.events.pop();
            }
        }
    }

    /// The end of a block's text: its trailing space goes, and its punctuation is set
    /// as the book's typography asks, over the whole block at once so a quote that
    /// opens before `<i>` and closes after it still pairs.
    fn finish_text(&mut self) {
        let start = self.block_start.min(self.events.len());
        // Trailing spaces before the closing tags of the block.
        for e in self.events[start..].iter_mut().rev() {
            match e {
                Event::Text(t) => {
                    let len = t.trim_end_matches(' ').len();
                    t.truncate(len);
                    break;
                }
                Event::End(_) => continue,
                _ => break,
            }
        }
        // Only this block's events: the body before it is settled, and going over it
        // again at every block would make a long chapter cost its length squared.
        let mut i = start;
        while i < self.events.len() {
            if matches!(&self.events[i], Event::Text(t) if t.is_empty()) {
                self.events.remove(i);
            } else {
                i += 1;
            }
        }
        if let Punctuation::Smart(style) = self.punctuation {
            let start = self.block_start.min(self.events.len());
            let pieces: Vec<usize> = (start..self.events.len())
                .filter(|&i| matches!(self.events[i], Event::Text(_)))
                .collect();
            smarten_pieces(&mut self.events, &pieces, style);
        }
    }
}

/// HTML's white space (not `char::is_whitespace`: a no-break space is the writer's,
/// and kept).
fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// The searcher for two spaces, built once: building it is most of the cost of
/// searching the short runs of text between inline tags.
fn double_space() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new(b"  "))
}

/// Appends `t` with each run of HTML white space made one space, as a browser shows it.
/// Most text needs nothing done (single spaces between words), so the runs to collapse
/// are found with two fast scans and everything between them is copied whole: this is
/// every word of a downloaded story.
fn push_collapsed(out: &mut String, t: &str) {
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let control = find_any(bytes, i, [b'\t', b'\n', b'\r', 0x0C]);
        let mut run = double_space()
            .find(&bytes[i..control])
            .map_or(control, |p| i + p);
        if run > i && run == control && bytes[run - 1] == b' ' {
            // The space before a newline belongs to the run it starts.
            run -= 1;
        }
        // White space is ASCII, so `i` and `run` are on character boundaries.
        out.push_str(&t[i..run]);
        if run == bytes.len() {
            break;
        }
        out.push(' ');
        i = run;
        while i < bytes.len() && is_html_space(char::from(bytes[i])) {
            i += 1;
        }
    }
}

/// Elements whose content never reaches the book: the dropped kinds, and the
/// archive's own page furniture. Its hidden headings ("Chapter Text", a contents
/// heading) are not the writer's, nor are its own blocks, which an unclosed tag in the
/// writer's text (a `<table>`) can pull inside a chapter: the afterword's request for
/// comments, and the work's end notes, which are read from where they are on their own.
fn never_story(e: ElementRef<'_>) -> bool {
    DROPPED.contains(&e.value().name())
        || e.value()
            .classes()
            .any(|c| c == "landmark" || c == "toc-heading")
        || matches!(e.value().id(), Some("afterword" | "preface" | "endnotes"))
}

fn inline_tag(name: &str) -> Option<Tag> {
    Some(match name {
        "i" | "em" | "cite" | "var" | "dfn" => Tag::Emphasis,
        "b" | "strong" => Tag::Strong,
        "u" | "ins" => Tag::Underline,
        "s" | "strike" | "del" => Tag::Strikethrough,
        "sup" => Tag::Superscript,
        "sub" => Tag::Subscript,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a browser shows: every run of HTML white space one space, char by char.
    fn collapsed_by_chars(t: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in t.chars() {
            if is_html_space(c) {
                space = true;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
        if space {
            out.push(' ');
        }
        out
    }

    fn collapsed(t: &str) -> String {
        let mut out = String::new();
        push_collapsed(&mut out, t);
        out
    }

    #[test]
    fn white_space_runs_become_one_space() {
        assert_eq!(collapsed("a b"), "a b");
        assert_eq!(collapsed("a  b"), "a b");
        assert_eq!(collapsed("a \n\t b"), "a b");
        assert_eq!(collapsed("a\r\nb\x0C"), "a b ");
        assert_eq!(collapsed("  a"), " a");
        assert_eq!(
            collapsed("é \u{a0} ü"),
            "é \u{a0} ü",
            "a no-break space is kept"
        );
    }

    proptest::proptest! {
        #[test]
        fn collapsing_matches_the_char_by_char_rule(t in "[a é\u{a0}\t\n\r\x0C]{0,40}") {
            proptest::prop_assert_eq!(collapsed(&t), collapsed_by_chars(&t));
        }
    }
}
