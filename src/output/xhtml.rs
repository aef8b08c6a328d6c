//! The one XHTML writer: turns the event stream both readers produce into body markup,
//! and owns `escape`, the only escaping function in ficbind (templates use it too, as
//! the minijinja formatter), so no text reaches a page unescaped or escaped twice.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::labels::Labels;
use crate::output::kepub::KoboSpans;
use crate::read::event::{Event, Tag};
use crate::util::web_address;

/// Escapes text for XHTML element content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut last = 0;
    loop {
        // Every byte of a book's text passes through here, and most need nothing: skip
        // eight at a time to the next one that does.
        let i = crate::util::swar::find_any(bytes, last, [b'&', b'<', b'>', b'"', b'\'']);
        out.push_str(&text[last..i]);
        let rep = match bytes.get(i) {
            None => return,
            Some(b'&') => "&amp;",
            Some(b'<') => "&lt;",
            Some(b'>') => "&gt;",
            Some(b'"') => "&quot;",
            Some(_) => "&#39;",
        };
        out.push_str(rep);
        last = i + 1;
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    escape_into(&mut out, text);
    out
}

/// Where packaged images ended up: source `src` → path relative to the page.
pub type ImageMap = HashMap<String, String>;

/// Writes the body markup for `events` into `out`, in the language of `labels`.
pub fn write_body(events: &[Event], images: &ImageMap, labels: &Labels, out: &mut String) {
    write_body_as(events, images, labels, None, out);
}

/// Writes the body markup for `events` into `out`, its text in Kobo's spans numbered
/// by `spans` when there are any (a KEPUB), else as `write_body` does.
pub fn write_body_as(
    events: &[Event],
    images: &ImageMap,
    labels: &Labels,
    spans: Option<&mut KoboSpans>,
    out: &mut String,
) {
    // Only a note something refers to gets a link back to that reference.
    let referenced: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::FootnoteReference(label) => Some(label.as_str()),
            _ => None,
        })
        .collect();
    let mut w = Writer {
        out,
        images,
        labels,
        footnotes: Vec::new(),
        references: Vec::new(),
        referenced,
        in_table_head: false,
        in_pre: false,
        spans,
        headings: Vec::new(),
    };
    let empty = empty_elements(events);
    let mut skip = 0;
    for (i, event) in events.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Ok(at) = empty.binary_search_by_key(&i, |&(start, _)| start) {
            skip = empty[at].1;
            continue;
        }
        w.event(event, &events[i + 1..]);
    }
    if let Some(spans) = w.spans {
        spans.flush(w.out);
    }
}

struct Writer<'a> {
    out: &'a mut String,
    images: &'a ImageMap,
    labels: &'a Labels,
    /// Footnote labels in order of first mention; ids are their 1-based index.
    footnotes: Vec<String>,
    /// How often each footnote was referred to so far, by index: a second reference
    /// to one note needs an id of its own.
    references: Vec<usize>,
    /// The labels referred to anywhere in the body.
    referenced: Vec<&'a str>,
    in_table_head: bool,
    /// Inside a code block, whose text is one span, unsplit.
    in_pre: bool,
    /// A KEPUB's span numbering; text events gather in it until the run ends.
    spans: Option<&'a mut KoboSpans>,
    /// The headings the written one sits under: each one's level in the source and
    /// as written, outermost first.
    headings: Vec<(u8, u8)>,
}

impl<'a> Writer<'a> {
    /// The level a body heading is written at. The page's title is its `h1`, so the
    /// body's outermost headings are `h2` and each one below is one deeper than the one
    /// it sits under, however the writer numbered theirs: a chapter whose only headings
    /// are `<h5>`s never jumps from `h1` to `h5`, which assistive technology reads as
    /// missing sections (Ace's heading-order rule).
    fn open_heading(&mut self, source: u8) -> u8 {
        while self.headings.last().is_some_and(|&(s, _)| s >= source) {
            self.headings.pop();
        }
        let level = self
            .headings
            .last()
            .map_or(2, |&(_, written)| written + 1)
            .min(6);
        self.headings.push((source, level));
        level
    }

    /// Writes text that is content (not an attribute): in a KEPUB, in its own spans.
    fn text(&mut self, text: &str) {
        match self.spans.as_deref_mut() {
            Some(spans) => {
                spans.text(text);
                spans.flush(self.out);
            }
            None => escape_into(self.out, text),
        }
    }

    /// A paragraph-like block starts: in a KEPUB, a new paragraph number.
    fn block(&mut self) {
        if let Some(spans) = self.spans.as_deref_mut() {
            spans.block();
        }
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        match self.footnotes.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(label.to_string());
                self.references.push(0);
                self.footnotes.len()
            }
        }
    }

    fn event(&mut self, event: &Event, rest: &[Event]) {
        if let Some(spans) = self.spans.as_deref_mut() {
            // A run of text events is one text to split into sentences: readers may
            // hand a sentence over in several.
            match event {
                Event::Text(t) if self.in_pre => spans.whole(self.out, t),
                Event::Text(t) => spans.text(t),
                _ => spans.flush(self.out),
            }
            if matches!(event, Event::Text(_)) {
                return;
            }
        }
        match event {
            Event::Start(tag) => self.start(tag, rest),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => escape_into(self.out, t),
            Event::Code(t) => {
                self.out.push_str("<code>");
                self.text(t);
                self.out.push_str("</code>");
            }
            Event::LineBreak => self.out.push_str("<br/>"),
            Event::SceneBreak(ornament) => {
                // A separator with a label: assistive technology announces a scene
                // break, not the ornament's symbols.
                self.out
                    .push_str("<div class=\"scene-break\" role=\"separator\" aria-label=\"");
                escape_into(self.out, &self.labels.scene_break);
                self.out.push_str("\">");
                self.text(match ornament {
                    Some(o) => o,
                    None => "*\u{a0}\u{a0}\u{a0}*\u{a0}\u{a0}\u{a0}*",
                });
                self.out.push_str("</div>\n");
            }
            // A line of its own, made by a line break: Okular (Qt's HTML import) takes
            // a no-break space for white space and drops a paragraph holding only one,
            // so the gap vanished there; a `<br/>` is a line in every reader. Hidden
            // from screen readers: a gap is not story text.
            Event::Pause => self
                .out
                .push_str("<p class=\"pause\" aria-hidden=\"true\"><br/></p>\n"),
            Event::FootnoteReference(label) => {
                let n = self.footnote_number(label);
                self.references[n - 1] += 1;
                // The first reference is the one the note links back to.
                let id = match self.references[n - 1] {
                    1 => format!("fnref-{n}"),
                    k => format!("fnref-{n}-{k}"),
                };
                let _ = write!(
                    self.out,
                    "<a class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" id=\"{id}\" href=\"#fn-{n}\">"
                );
                self.text(&n.to_string());
                self.out.push_str("</a>");
            }
            Event::Image { src, alt, title } => match self.images.get(src) {
                Some(path) => {
                    let img = |out: &mut String| {
                        out.push_str("<img src=\"");
                        escape_into(out, path);
                        out.push_str("\" alt=\"");
                        escape_into(out, alt);
                        if !title.is_empty() {
                            out.push_str("\" title=\"");
                            escape_into(out, title);
                        }
                        out.push_str("\"/>");
                    };
                    match self.spans.as_deref_mut() {
                        Some(spans) => spans.image(self.out, img),
                        None => img(self.out),
                    }
                }
                None => {
                    // The image is missing: keep its description so no words are lost.
                    self.out.push_str("<span class=\"missing-image\">");
                    let text = format!("[{}]", if alt.is_empty() { src } else { alt });
                    self.text(&text);
                    self.out.push_str("</span>");
                }
            },
        }
    }

    fn start(&mut self, tag: &Tag, rest: &[Event]) {
        if matches!(
            tag,
            Tag::Paragraph
                | Tag::Centred
                | Tag::Closing
                | Tag::Heading(_)
                | Tag::List(_)
                | Tag::Table(_)
        ) {
            self.block();
        }
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Centred => self.out.push_str("<p class=\"centred\">"),
            Tag::Heading(level) => {
                let level = self.open_heading(*level);
                let _ = write!(self.out, "<h{level}>");
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Underline => self.out.push_str("<u>"),
            Tag::Strikethrough => self.out.push_str("<s>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::AuthorNote => {
                self.out
                    .push_str("<div class=\"author-note\" role=\"note\" aria-label=\"");
                escape_into(self.out, &self.labels.author_note);
                // The label is text, not only the box's border: FBReader and Okular
                // draw no border, and a writer's own `A/N:` is shorthand many
                // readers do not know.
                self.out.push_str("\">\n<p class=\"note-label\">");
                self.block();
                let labels = self.labels;
                self.text(&labels.author_note);
                self.out.push_str("</p>\n");
            }
            Tag::Closing => self.out.push_str("<p class=\"closing\">"),
            Tag::BlockQuote => self.out.push_str("<blockquote>\n"),
            Tag::CodeBlock => {
                self.in_pre = true;
                self.out.push_str("<pre><code>");
            }
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(start)) => {
                let _ = writeln!(self.out, "<ol start=\"{start}\">");
            }
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item => self.out.push_str("<li>"),
            // The head row opens the body as it ends; a table without one (HTML
            // tables often have none) opens it here.
            Tag::Table(_) if matches!(rest.first(), Some(Event::Start(Tag::TableHead))) => {
                self.out.push_str("<table>\n")
            }
            Tag::Table(_) => self.out.push_str("<table>\n<tbody>\n"),
            Tag::TableHead => {
                self.in_table_head = true;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => self.out.push_str("<tr>"),
            Tag::TableCell => self
                .out
                .push_str(if self.in_table_head { "<th>" } else { "<td>" }),
            Tag::Link { href, title } => {
                if let Some(href) = web_address::href(href) {
                    self.out.push_str("<a href=\"");
                    escape_into(self.out, &href);
                    if !title.is_empty() {
                        self.out.push_str("\" title=\"");
                        escape_into(self.out, title);
                    }
                    self.out.push_str("\">");
                } else {
                    // A link into the writer's own files cannot resolve inside the book;
                    // its text stays.
                    self.out.push_str("<span class=\"link\">");
                }
            }
            Tag::FootnoteDefinition(label) => {
                let n = self.footnote_number(label);
                let _ = writeln!(
                    self.out,
                    "<aside class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-{n}\">"
                );
                self.block();
                if self.referenced.contains(&label.as_str()) {
                    let _ = write!(
                        self.out,
                        "<p class=\"footnote-number\"><a href=\"#fnref-{n}\" role=\"doc-backlink\" aria-label=\""
                    );
                    escape_into(self.out, &self.labels.back_to_note_label(n));
                    self.out.push_str("\">");
                    self.text(&format!("{n}."));
                    self.out.push_str("</a></p>\n");
                } else {
                    // A note nothing refers to has no reference to go back to.
                    self.out.push_str("<p class=\"footnote-number\">");
                    self.text(&format!("{n}."));
                    self.out.push_str("</p>\n");
                }
            }
        }
    }

    fn end(&mut self, tag: &Tag) {
        match tag {
            Tag::Paragraph | Tag::Centred | Tag::Closing => self.out.push_str("</p>\n"),
            Tag::Heading(_) => {
                let level = self.headings.last().map_or(2, |&(_, written)| written);
                let _ = writeln!(self.out, "</h{level}>");
            }
            Tag::Emphasis => self.out.push_str("</em>"),
            Tag::Strong => self.out.push_str("</strong>"),
            Tag::Underline => self.out.push_str("</u>"),
            Tag::Strikethrough => self.out.push_str("</s>"),
            Tag::Superscript => self.out.push_str("</sup>"),
            Tag::Subscript => self.out.push_str("</sub>"),
            Tag::AuthorNote => self.out.push_str("</div>\n"),
            Tag::BlockQuote => self.out.push_str("</blockquote>\n"),
            Tag::CodeBlock => {
                self.in_pre = false;
                self.out.push_str("</code></pre>\n");
            }
            Tag::List(Some(_)) => self.out.push_str("</ol>\n"),
            Tag::List(None) => self.out.push_str("</ul>\n"),
            Tag::Item => self.out.push_str("</li>\n"),
            Tag::Table(_) => self.out.push_str("</tbody></table>\n"),
            Tag::TableHead => {
                self.in_table_head = false;
                self.out.push_str("</tr></thead>\n<tbody>\n");
            }
            Tag::TableRow => self.out.push_str("</tr>\n"),
            Tag::TableCell => self
                .out
                .push_str(if self.in_table_head { "</th>" } else { "</td>" }),
            Tag::Link { href, .. } => self.out.push_str(if web_address::href(href).is_some() {
                "</a>"
            } else {
                "</span>"
            }),
            Tag::FootnoteDefinition(_) => self.out.push_str("</aside>\n"),
        }
    }
}

/// The elements with nothing in them but white space (`<h4></h4>`, a link with no
/// text, `<p> </p>`): where each starts, and how many of the events after it to leave
/// out with it, its end included, in order. Amazon's converter rejects a book over some
/// of these, screen readers announce an empty heading or link, and none holds any text.
/// Only elements whose absence changes nothing else: not a list item (it would renumber
/// the list), a table cell (it would shift the row) or a note (links point at it).
///
/// One pass: an element is empty when nothing but white space came between its start
/// and its end. (Looking ahead from every start cost the square of the nesting: a
/// Markdown line of 50,000 `>` took a second, a million over a minute.)
fn empty_elements(events: &[Event]) -> Vec<(usize, usize)> {
    let mut empty = Vec::new();
    // Open elements: where each started, and how much content had been seen by then.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut content = 0usize;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(_) => open.push((i, content)),
            Event::End(tag) => {
                if let Some((start, seen)) = open.pop() {
                    if seen == content && leaves_nothing_behind(tag) {
                        empty.push((start, i - start));
                    }
                }
            }
            Event::Text(t) if t.trim().is_empty() => {}
            _ => content += 1,
        }
    }
    empty.sort_unstable();
    empty
}

/// Whether an element of this kind can be left out when it is empty.
fn leaves_nothing_behind(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Centred
            | Tag::Closing
            | Tag::Heading(_)
            | Tag::Link { .. }
            | Tag::BlockQuote
            | Tag::CodeBlock
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Underline
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(events: Vec<Event>) -> String {
        let mut out = String::new();
        write_body(
            &events,
            &ImageMap::new(),
            Labels::for_language("en"),
            &mut out,
        );
        out
    }

    proptest::proptest! {
        /// Long plain runs and specials anywhere, against a character-by-character map.
        #[test]
        fn escaping_agrees_with_a_character_map(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "plain words ", "é", "’", "&", "<", ">", "\"", "'", "&amp;",
            ]), 0..40)
        ) {
            let text = parts.concat();
            let expected: String = text
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(escape(&text), expected);
        }
    }

    #[test]
    fn escapes_everything_markup_could_hide_in() {
        assert_eq!(
            escape(r#"<3 & "x" 'y'"#),
            "&lt;3 &amp; &quot;x&quot; &#39;y&#39;"
        );
        let html = render(vec![
            Event::Start(Tag::Paragraph),
            Event::Text("a <b> & c".into()),
            Event::End(Tag::Paragraph),
        ]);
        assert_eq!(html, "<p>a &lt;b&gt; &amp; c</p>\n");
    }

    #[test]
    fn scene_breaks_are_visible_text_not_bare_rules() {
        let html = render(vec![Event::SceneBreak(None)]);
        assert!(html.contains("role=\"separator\""));
        assert!(html.contains('*'));
        assert!(!html.contains("<hr"));
    }

    #[test]
    fn a_pause_is_a_line_of_its_own_hidden_from_screen_readers() {
        // Not white space alone, which Okular drops with the paragraph holding it.
        assert_eq!(
            render(vec![Event::Pause]),
            "<p class=\"pause\" aria-hidden=\"true\"><br/></p>\n"
        );
    }

    #[test]
    fn the_writers_ornament_is_the_scene_break_and_is_labelled() {
        let html = render(vec![Event::SceneBreak(Some("~*~ <3".into()))]);
        assert_eq!(
            html,
            "<div class=\"scene-break\" role=\"separator\" aria-label=\"Scene break\">~*~ &lt;3</div>\n"
        );
    }

    #[test]
    fn footnotes_link_both_ways() {
        let html = render(vec![
            Event::Start(Tag::Paragraph),
            Event::Text("Tide".into()),
            Event::FootnoteReference("tide".into()),
            Event::End(Tag::Paragraph),
            Event::Start(Tag::FootnoteDefinition("tide".into())),
            Event::Start(Tag::Paragraph),
            Event::Text("Twice a day.".into()),
            Event::End(Tag::Paragraph),
            Event::End(Tag::FootnoteDefinition("tide".into())),
        ]);
        assert!(html.contains("id=\"fnref-1\" href=\"#fn-1\""));
        assert!(html.contains("id=\"fn-1\""));
        assert!(html.contains("href=\"#fnref-1\""));
    }

    #[test]
    fn a_note_referred_to_twice_keeps_its_ids_unique_and_an_unused_one_links_nowhere() {
        let note = |label: &str, text: &str| {
            vec![
                Event::Start(Tag::FootnoteDefinition(label.into())),
                Event::Start(Tag::Paragraph),
                Event::Text(text.into()),
                Event::End(Tag::Paragraph),
                Event::End(Tag::FootnoteDefinition(label.into())),
            ]
        };
        let mut events = vec![
            Event::Start(Tag::Paragraph),
            Event::FootnoteReference("tide".into()),
            Event::FootnoteReference("tide".into()),
            Event::End(Tag::Paragraph),
        ];
        events.extend(note("tide", "Twice a day."));
        events.extend(note("moon", "Never mentioned."));
        let html = render(events);
        assert_eq!(html.matches("id=\"fnref-1\"").count(), 1, "{html}");
        assert_eq!(html.matches("id=\"fnref-1-2\"").count(), 1, "{html}");
        // Every link inside the page points at an id that exists.
        for href in html.split("href=\"#").skip(1) {
            let id = &href[..href.find('"').unwrap()];
            assert!(html.contains(&format!("id=\"{id}\"")), "#{id} in {html}");
        }
        assert!(
            html.contains("<p class=\"footnote-number\">2.</p>"),
            "{html}"
        );
    }

    #[test]
    fn only_web_links_stay_links() {
        let link = |href: &str| Tag::Link {
            href: href.into(),
            title: String::new(),
        };
        let html = render(vec![
            Event::Start(link("notes.md")),
            Event::Text("notes".into()),
            Event::End(link("notes.md")),
        ]);
        assert_eq!(html, "<span class=\"link\">notes</span>");
        let html = render(vec![
            Event::Start(link("https://x.test/?a=1&b")),
            Event::Text("x".into()),
            Event::End(link("https://x.test/?a=1&b")),
        ]);
        assert_eq!(html, "<a href=\"https://x.test/?a=1&amp;b\">x</a>");
    }

    #[test]
    fn every_author_note_carries_its_label_as_text() {
        let note = |text: &str| {
            render(vec![
                Event::Start(Tag::AuthorNote),
                Event::Start(Tag::Paragraph),
                Event::Text(text.into()),
                Event::End(Tag::Paragraph),
                Event::End(Tag::AuthorNote),
            ])
        };
        for text in [
            "A/N: thanks for reading!",
            "(AN: edited)",
            "Disclaimer: not mine.",
        ] {
            let html = note(text);
            assert!(
                html.contains("<p class=\"note-label\">Author’s note</p>") && html.contains(text),
                "{html}"
            );
        }
    }

    #[test]
    fn body_headings_go_down_one_level_at_a_time_from_the_page_title() {
        let heading = |level: u8, text: &str| {
            vec![
                Event::Start(Tag::Heading(level)),
                Event::Text(text.into()),
                Event::End(Tag::Heading(level)),
            ]
        };
        let events: Vec<Event> = [(5, "a"), (3, "b"), (5, "c"), (4, "d"), (1, "e"), (2, "f")]
            .into_iter()
            .flat_map(|(level, text)| heading(level, text))
            .collect();
        assert_eq!(
            render(events),
            "<h2>a</h2>\n<h2>b</h2>\n<h3>c</h3>\n<h3>d</h3>\n<h2>e</h2>\n<h3>f</h3>\n"
        );
    }

    #[test]
    fn elements_with_nothing_in_them_are_left_out() {
        let p = |inner: Vec<Event>| {
            let mut e = vec![Event::Start(Tag::Paragraph)];
            e.extend(inner);
            e.push(Event::End(Tag::Paragraph));
            e
        };
        let link = || Tag::Link {
            href: "https://x.test".into(),
            title: String::new(),
        };
        let mut events = vec![
            Event::Start(Tag::Heading(2)),
            Event::End(Tag::Heading(2)),
            Event::Start(Tag::BlockQuote),
            Event::Text(" \n".into()),
            Event::End(Tag::BlockQuote),
        ];
        events.extend(p(vec![
            Event::Text("Text ".into()),
            Event::Start(link()),
            Event::End(link()),
            Event::Start(Tag::Emphasis),
            Event::Start(Tag::Strong),
            Event::Text(" ".into()),
            Event::End(Tag::Strong),
            Event::End(Tag::Emphasis),
            Event::Text(" end.".into()),
        ]));
        events.extend(p(vec![Event::Text("   ".into())]));
        events.extend(p(vec![Event::LineBreak]));
        events.extend(vec![
            Event::Start(Tag::List(None)),
            Event::Start(Tag::Item),
            Event::End(Tag::Item),
            Event::End(Tag::List(None)),
        ]);
        assert_eq!(
            render(events),
            "<p>Text  end.</p>\n<p><br/></p>\n<ul>\n<li></li>\n</ul>\n"
        );
    }

    #[test]
    fn missing_image_keeps_its_description() {
        let html = render(vec![Event::Image {
            src: "map.png".into(),
            alt: "a map".into(),
            title: String::new(),
        }]);
        assert_eq!(html, "<span class=\"missing-image\">[a map]</span>");
    }
}
