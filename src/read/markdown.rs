//! Markdown bodies → the shared event stream, via pulldown-cmark (CommonMark plus
//! footnotes, tables and strikethrough; punctuation is ours, in the body's language). Raw HTML is never passed
//! through: the handful of inline tags writers use for emphasis become events, other
//! tags are dropped with their text kept, so every page stays well-formed and safe.

use pulldown_cmark::{Alignment, Event as Md, Options, Parser, Tag as MdTag, TagEnd};

use crate::diag::Diagnostic;
use crate::read::event::{Align, Body, Event, Tag};
use crate::read::text::{is_closing, is_note_start, is_scene_break, ornament};
use crate::read::typography::{smarten, smarten_events, Punctuation};

/// How deep quotes, lists and emphasis may nest before a body is refused. Each level
/// is an element in every stage after this one, so a line of a million `> - ` took
/// 1.6 GB; stories nest a handful deep.
pub const MAX_NESTING: usize = 1_000;

/// How many elements (paragraphs, breaks, emphases, runs of text …) one Markdown body
/// may make. A body is held whole until it is typeset, at about 190 bytes an element,
/// so 12 MB of one-word paragraphs took 1.2 GB; a novel of a million words makes a few
/// hundred thousand. A longer file can be split into installments, each read alone.
pub const MAX_ELEMENTS: usize = 3_000_000;

/// How many lines one Markdown body may have. pulldown-cmark finds every block of the
/// body before it gives the first event, a few nodes a line, so this caps what it
/// holds; hard-wrapped prose of 64 MB has under a million lines.
pub const MAX_LINES: usize = 3_000_000;

/// Why a Markdown body is refused, and at which file line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// It nests deeper than [`MAX_NESTING`].
    TooDeep { line: usize },
    /// It makes more than [`MAX_ELEMENTS`].
    TooMany { line: usize },
    /// It has more than [`MAX_LINES`] lines.
    TooLong,
}

/// Reads a Markdown body. `file` and `first_line` place diagnostics at file lines.
pub fn parse(
    body: &str,
    file: &str,
    first_line: usize,
    punctuation: impl Into<Punctuation>,
) -> Result<(Body, Vec<Diagnostic>), Refused> {
    // pulldown-cmark's own smart punctuation knows English marks only: the text is set
    // afterwards, in the body's language, by the same rules as a text file's.
    let options =
        Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let _ = file;

    let line_at =
        |at: usize| first_line + memchr::memchr_iter(b'\n', &body.as_bytes()[..at]).count();
    if memchr::memchr_iter(b'\n', body.as_bytes())
        .nth(MAX_LINES)
        .is_some()
    {
        return Err(Refused::TooLong);
    }
    let mut r = Reader::default();
    let mut parser = Parser::new_ext(body, options).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        if r.events.len() > MAX_ELEMENTS {
            return Err(Refused::TooMany {
                line: line_at(range.start),
            });
        }
        match event {
            Md::Start(MdTag::Heading { level, .. })
                if r.heading.is_none() && (r.events.is_empty() || opening_notes(&r.events)) =>
            {
                // A heading before any story, or after the writer's opening notes only,
                // is the installment's own heading; what stands before it is the note.
                r.notes_before = r.events.len();
                let mut text = String::new();
                for (e, _) in parser.by_ref() {
                    match e {
                        Md::End(TagEnd::Heading(_)) => break,
                        Md::Text(t) | Md::Code(t) => text.push_str(&t),
                        Md::SoftBreak | Md::HardBreak => text.push(' '),
                        _ => {}
                    }
                }
                let _ = level;
                r.heading = Some(text.trim().to_string());
            }
            Md::Start(MdTag::Paragraph)
                if r.open.is_empty() && is_ornament_line(&body[range.clone()]) =>
            {
                // A paragraph that is only an ornament (`~*~`, `oOo`) is a scene break,
                // as in a text file; its source is read, not its events, because
                // pulldown-cmark takes `~` and `*` for markup.
                for (e, _) in parser.by_ref() {
                    if matches!(e, Md::End(TagEnd::Paragraph)) {
                        break;
                    }
                }
                r.events
                    .push(Event::SceneBreak(ornament(body[range].trim())));
            }
            Md::Start(MdTag::Image {
                dest_url, title, ..
            }) => {
                let mut alt = String::new();
                for (e, _) in parser.by_ref() {
                    match e {
                        Md::End(TagEnd::Image) => break,
                        Md::Text(t) | Md::Code(t) => alt.push_str(&t),
                        _ => {}
                    }
                }
                r.events.push(Event::Image {
                    src: dest_url.to_string(),
                    alt,
                    title: title.to_string(),
                });
            }
            Md::Start(_) if r.open.len() >= MAX_NESTING => {
                return Err(Refused::TooDeep {
                    line: line_at(range.start),
                });
            }
            Md::Start(tag) => {
                let ours = map_tag(tag);
                r.open(ours);
            }
            Md::End(_) => r.close(),
            Md::Text(t) => r.text(&t),
            Md::Code(t) => r.events.push(Event::Code(t.to_string())),
            Md::InlineMath(t) | Md::DisplayMath(t) => r.text(&t),
            Md::Html(html) | Md::InlineHtml(html) => r.html(&html),
            Md::FootnoteReference(label) => {
                r.events.push(Event::FootnoteReference(label.to_string()))
            }
            Md::SoftBreak => r.text(" "),
            Md::HardBreak => r.events.push(Event::LineBreak),
            // The writer's own `***` or `* * *` is kept as the ornament.
            Md::Rule => r.events.push(Event::SceneBreak(ornament(&body[range]))),
            Md::TaskListMarker(done) => r.text(if done { "[x] " } else { "[ ] " }),
        }
    }
    r.close_inline_html();
    let mut events = story_roles(r.events, r.notes_before);
    let mut heading = r.heading;
    if let Punctuation::Smart(style) = punctuation.into() {
        smarten_events(&mut events, style);
        heading = heading.map(|h| smarten(&h, style));
    }
    // pulldown-cmark leaves a reference with no definition as text (`[^x]`), so
    // nothing is lost and nothing needs reporting.
    Ok((Body { heading, events }, Vec::new()))
}

/// Whether a paragraph's source is one line that is a scene break.
fn is_ornament_line(source: &str) -> bool {
    let line = source.trim();
    !line.contains('\n') && is_scene_break(line)
}

/// How many paragraphs an end note may take after it, as in the text reader.
const END_NOTE_TAKES: usize = 8;

/// The top-level blocks of `events`, as ranges: a container from its start to its end,
/// or one event standing alone.
fn blocks(events: &[Event]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(_) => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push(start..i + 1);
                }
            }
            _ if depth == 0 => out.push(i..i + 1),
            _ => {}
        }
    }
    out
}

/// The visible text of a block, without markup.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            text.push_str(t);
        }
    }
    text
}

/// Whether a block (a paragraph or a block quote) is the writer's note: its first
/// words are a note label (`A/N:`, `Author's note:`), the rule of the text reader.
fn is_note_block(block: &[Event]) -> bool {
    matches!(
        block.first(),
        Some(Event::Start(Tag::Paragraph | Tag::BlockQuote))
    ) && block
        .iter()
        .find_map(|e| match e {
            Event::Text(t) if !t.trim().is_empty() => Some(t),
            _ => None,
        })
        .is_some_and(|t| is_note_start(t.trim_start()))
}

/// Whether the events so far are only the writer's opening notes: a note block first,
/// then at most a few paragraphs or quotes (the rest of the note) and nothing else.
fn opening_notes(events: &[Event]) -> bool {
    let blocks = blocks(events);
    blocks
        .first()
        .is_some_and(|b| is_note_block(&events[b.clone()]))
        && blocks.len() <= END_NOTE_TAKES
        && blocks.iter().all(|b| {
            matches!(
                events[b.start],
                Event::Start(Tag::Paragraph | Tag::BlockQuote)
            )
        })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Story,
    Note,
    Closing,
}

/// What the text reader does to a body, for Markdown: `> A/N: …` quotes and `A/N:`
/// paragraphs are author's notes (the first `notes_before` events all are, see the
/// heading rule), an end note takes the few paragraphs after it, the last story
/// paragraphs that say `TBC`, `**The End**` and the like are closings.
fn story_roles(events: Vec<Event>, notes_before: usize) -> Vec<Event> {
    let blocks = blocks(&events);
    let mut roles: Vec<Role> = blocks
        .iter()
        .map(|b| {
            if b.end <= notes_before || is_note_block(&events[b.clone()]) {
                Role::Note
            } else {
                Role::Story
            }
        })
        .collect();

    // An end note takes the few paragraphs after it when nothing but paragraphs
    // follows (`Reviews are love.`), as in the text reader; the opening notes never
    // do, or a short story after them would become a note.
    let opening = roles.iter().take_while(|r| **r == Role::Note).count();
    let is_para = |k: usize| matches!(events[blocks[k].start], Event::Start(Tag::Paragraph));
    if let Some(last_note) = (opening..blocks.len()).rev().find(|&k| {
        roles[k] == Role::Note
            && k + 1 + END_NOTE_TAKES >= blocks.len()
            && (k + 1..blocks.len()).all(|j| is_para(j) && roles[j] == Role::Story)
    }) {
        for role in &mut roles[last_note + 1..] {
            *role = Role::Note;
        }
    }
    // Closings: the last story paragraphs, before the end notes, past scene breaks.
    for k in (opening..blocks.len()).rev() {
        let scene_break = matches!(events[blocks[k].start], Event::SceneBreak(_));
        if roles[k] == Role::Note || scene_break {
            continue;
        }
        if is_para(k) && is_closing(plain_text(&events[blocks[k].clone()]).trim()) {
            roles[k] = Role::Closing;
        } else {
            break;
        }
    }

    let mut out = Vec::with_capacity(events.len() + 4);
    let mut in_note = false;
    let mut events = events.into_iter();
    for (b, role) in blocks.iter().zip(roles) {
        let block: Vec<Event> = events.by_ref().take(b.len()).collect();
        if (role == Role::Note) != in_note {
            out.push(if in_note {
                Event::End(Tag::AuthorNote)
            } else {
                Event::Start(Tag::AuthorNote)
            });
            in_note = !in_note;
        }
        let n = block.len();
        match role {
            // A quoted note is the note itself: its quote marks go.
            Role::Note if matches!(block[0], Event::Start(Tag::BlockQuote)) => {
                out.extend(block.into_iter().skip(1).take(n - 2))
            }
            Role::Closing => {
                out.push(Event::Start(Tag::Closing));
                out.extend(block.into_iter().skip(1).take(n - 2));
                out.push(Event::End(Tag::Closing));
            }
            _ => out.extend(block),
        }
    }
    if in_note {
        out.push(Event::End(Tag::AuthorNote));
    }
    out
}

#[derive(Default)]
struct Reader {
    heading: Option<String>,
    /// Events before a heading that follows opening notes: all of them are the note.
    notes_before: usize,
    events: Vec<Event>,
    /// Containers opened from Markdown, so `End` can be matched without carrying data.
    open: Vec<Tag>,
    /// Inline tags opened by raw HTML inside the current block; closed with the block.
    html_open: Vec<Tag>,
}

impl Reader {
    fn open(&mut self, tag: Tag) {
        self.events.push(Event::Start(tag.clone()));
        self.open.push(tag);
    }

    fn close(&mut self) {
        self.close_inline_html();
        if let Some(tag) = self.open.pop() {
            self.events.push(Event::End(tag));
        }
    }

    fn close_inline_html(&mut self) {
        while let Some(tag) = self.html_open.pop() {
            self.events.push(Event::End(tag));
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(Event::Text(last)) = self.events.last_mut() {
            last.push_str(t);
        } else {
            self.events.push(Event::Text(t.to_string()));
        }
    }

    /// Keeps the meaning of the inline tags writers use and the text of everything
    /// else; comments and other tags disappear.
    fn html(&mut self, html: &str) {
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            self.text_if_any(&rest[..lt]);
            rest = &rest[lt..];
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |end| &after[end + 3..]);
                continue;
            }
            let Some(gt) = rest.find('>') else { break };
            let inner = rest[1..gt].trim();
            rest = &rest[gt + 1..];
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name == "br" {
                self.events.push(Event::LineBreak);
                continue;
            }
            let Some(tag) = inline_tag(&name) else {
                continue;
            };
            if !closing {
                // Emphasis nested past any story's is not opened again: the words stay,
                // the millionth `<b>` adds nothing a reader could see.
                if self.open.len() + self.html_open.len() >= MAX_NESTING {
                    continue;
                }
                self.events.push(Event::Start(tag.clone()));
                self.html_open.push(tag);
            } else if self.html_open.last() == Some(&tag) {
                self.html_open.pop();
                self.events.push(Event::End(tag));
            }
        }
        self.text_if_any(rest);
    }

    fn text_if_any(&mut self, t: &str) {
        if !t.is_empty() {
            // Text from an HTML block sits outside any paragraph; give it one.
            if self.open.is_empty() && self.html_open.is_empty() && !t.trim().is_empty() {
                self.events.push(Event::Start(Tag::Paragraph));
                self.text(t.trim());
                self.events.push(Event::End(Tag::Paragraph));
            } else if !self.open.is_empty() || !self.html_open.is_empty() {
                self.text(t);
            }
        }
    }
}

fn inline_tag(name: &str) -> Option<Tag> {
    Some(match name {
        "i" | "em" | "cite" => Tag::Emphasis,
        "b" | "strong" => Tag::Strong,
        "u" | "ins" => Tag::Underline,
        "s" | "del" | "strike" => Tag::Strikethrough,
        "sup" => Tag::Superscript,
        "sub" => Tag::Subscript,
        _ => return None,
    })
}

fn map_tag(tag: MdTag<'_>) -> Tag {
    match tag {
        MdTag::Paragraph => Tag::Paragraph,
        MdTag::Heading { level, .. } => Tag::Heading(level as u8),
        MdTag::BlockQuote(_) => Tag::BlockQuote,
        MdTag::CodeBlock(_) => Tag::CodeBlock,
        MdTag::HtmlBlock => Tag::BlockQuote,
        MdTag::List(start) => Tag::List(start),
        MdTag::Item => Tag::Item,
        MdTag::FootnoteDefinition(label) => Tag::FootnoteDefinition(label.to_string()),
        MdTag::Table(aligns) => Tag::Table(
            aligns
                .into_iter()
                .map(|a| match a {
                    Alignment::None => Align::None,
                    Alignment::Left => Align::Left,
                    Alignment::Center => Align::Center,
                    Alignment::Right => Align::Right,
                })
                .collect(),
        ),
        MdTag::TableHead => Tag::TableHead,
        MdTag::TableRow => Tag::TableRow,
        MdTag::TableCell => Tag::TableCell,
        MdTag::Emphasis => Tag::Emphasis,
        MdTag::Strong => Tag::Strong,
        MdTag::Strikethrough => Tag::Strikethrough,
        MdTag::Superscript => Tag::Superscript,
        MdTag::Subscript => Tag::Subscript,
        MdTag::Link {
            dest_url, title, ..
        } => Tag::Link {
            href: dest_url.to_string(),
            title: title.to_string(),
        },
        // Not enabled; kept total so a new option cannot panic.
        MdTag::Image { .. }
        | MdTag::MetadataBlock(_)
        | MdTag::DefinitionList
        | MdTag::DefinitionListTitle
        | MdTag::DefinitionListDefinition => Tag::Paragraph,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::settings::Typography;
    use crate::output::xhtml::{write_body, ImageMap};

    fn html(md: &str) -> (Option<String>, String) {
        let (body, _) = parse(md, "t.md", 1, Typography::Smart).unwrap();
        let mut out = String::new();
        write_body(
            &body.events,
            &ImageMap::new(),
            crate::labels::Labels::for_language("en"),
            &mut out,
        );
        (body.heading, out)
    }

    #[test]
    fn first_heading_is_the_installment_heading() {
        let (heading, out) = html("# Arrival\n\nThe ferry was late.\n\n## Later\n\nStill late.\n");
        assert_eq!(heading.as_deref(), Some("Arrival"));
        assert_eq!(
            out,
            "<p>The ferry was late.</p>\n<h2>Later</h2>\n<p>Still late.</p>\n"
        );
    }

    #[test]
    fn smart_punctuation_and_scene_break() {
        let (_, out) = html("\"It's late...\" she said -- twice.\n\n***\n\nMorning.");
        assert!(
            out.starts_with("<p>“It’s late…” she said — twice.</p>"),
            "{out}"
        );
        assert!(out.contains("scene-break"));
    }

    #[test]
    fn raw_html_is_made_safe_and_balanced() {
        let (_, out) = html(
            "A <i>tilted</i> <span style=\"x\">word</span> <b>open\n\n<script>alert(1)</script>\n",
        );
        assert!(
            out.contains("<em>tilted</em> word <strong>open</strong></p>"),
            "{out}"
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<span"), "{out}");
    }

    #[test]
    fn footnotes_tables_strikethrough() {
        let (_, out) =
            html("Tide[^t] ~~low~~.\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n[^t]: Twice a day.\n");
        assert!(out.contains("epub:type=\"noteref\""), "{out}");
        assert!(out.contains("<s>low</s>"), "{out}");
        assert!(
            out.contains("<table>\n<thead><tr><th>a</th><th>b</th></tr></thead>"),
            "{out}"
        );
        assert!(out.contains("epub:type=\"footnote\""), "{out}");
    }

    #[test]
    fn nesting_beyond_any_story_is_refused_at_its_line() {
        // Every level was an element in every later stage: a million `> - ` took 1.6 GB.
        let deep = format!("Calm.\n\n{}deep\n", "> - ".repeat(MAX_NESTING));
        let err = parse(&deep, "t.md", 5, Typography::Off).unwrap_err();
        assert_eq!(err, Refused::TooDeep { line: 7 });
        // As deep as stories go, read as usual, every word kept.
        let nested = format!("{}deep words\n", "> ".repeat(40));
        let (body, _) = parse(&nested, "t.md", 1, Typography::Off).unwrap();
        assert!(
            body.events.contains(&Event::Text("deep words".into())),
            "{body:?}"
        );
        // Inline HTML emphasis past the limit is not opened; its words stay.
        let bold = format!("{}bold words\n", "<b>".repeat(3 * MAX_NESTING));
        let (body, _) = parse(&bold, "t.md", 1, Typography::Off).unwrap();
        let opened = body
            .events
            .iter()
            .filter(|e| matches!(e, Event::Start(_)))
            .count();
        assert!(opened <= MAX_NESTING, "{opened}");
        assert!(body.events.contains(&Event::Text("bold words".into())));
    }

    #[test]
    fn a_body_of_more_elements_than_any_story_is_refused() {
        let many = format!("Calm.\n\n{}", "*a* ".repeat(MAX_ELEMENTS / 2));
        let err = parse(&many, "t.md", 3, Typography::Off).unwrap_err();
        assert_eq!(err, Refused::TooMany { line: 5 });
        let enough = format!("Calm.\n\n{}", "*a* ".repeat(MAX_ELEMENTS / 8));
        assert!(parse(&enough, "t.md", 3, Typography::Off).is_ok());
        // Lines are counted before pulldown-cmark finds its blocks.
        // Pictures are counted as every other element is.
        let pictures = format!("Calm.\n\n{}", "![a](b.png)".repeat(MAX_ELEMENTS + 1));
        let err = parse(&pictures, "t.md", 3, Typography::Off).unwrap_err();
        assert_eq!(err, Refused::TooMany { line: 5 });
        let long = "\n".repeat(MAX_LINES + 1);
        assert_eq!(
            parse(&long, "t.md", 3, Typography::Off).unwrap_err(),
            Refused::TooLong
        );
        assert!(parse(&long[1..], "t.md", 3, Typography::Off).is_ok());
    }

    #[test]
    fn undefined_footnote_stays_text() {
        let (_, out) = html("Two[^x].\n");
        assert_eq!(out, "<p>Two[^x].</p>\n");
    }

    #[test]
    fn images_keep_source_and_alt() {
        let (body, _) = parse(
            "![A harbour map](map.png \"Map\")\n",
            "t.md",
            1,
            Typography::Off,
        )
        .unwrap();
        assert!(body.events.contains(&Event::Image {
            src: "map.png".into(),
            alt: "A harbour map".into(),
            title: "Map".into()
        }));
    }

    fn parsed(md: &str) -> Body {
        parse(md, "t.md", 1, Typography::Smart).unwrap().0
    }

    #[test]
    fn closing_lines_are_closings_as_in_text() {
        for md in [
            "The boat came in.\n\n**TBC**\n",
            "The boat came in.\n\nTo be continued...\n",
            "The boat came in.\n\n*The End*\n\n***\n",
            "The boat came in.\n\n~fin~\n\n> A/N: thanks for reading!\n",
        ] {
            let (_, out) = html(md);
            assert!(out.contains("<p class=\"closing\">"), "{md}: {out}");
            assert!(out.starts_with("<p>The boat came in.</p>"), "{md}: {out}");
        }
        let (_, out) = html("**TBC**\n");
        assert_eq!(out, "<p class=\"closing\"><strong>TBC</strong></p>\n");
        // Only at the end of the story.
        let (_, out) = html("The End\n\nThe boat came in.\n");
        assert!(!out.contains("closing"), "{out}");
    }

    #[test]
    fn quoted_and_labelled_notes_are_authors_notes() {
        let md = "> A/N: For Rin, who asked.\n\nThe boat came in.\n\nIt left again.\n\n> Author's note: thanks!\n> More soon.\n\nReviews are love.\n";
        let body = parsed(md);
        let starts: Vec<usize> = body
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| **e == Event::Start(Tag::AuthorNote))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(starts.len(), 2, "{:?}", body.events);
        assert_eq!(starts[0], 0);
        assert!(!body.events.contains(&Event::Start(Tag::BlockQuote)));
        assert_eq!(body.events.last(), Some(&Event::End(Tag::AuthorNote)));
        let (_, out) = html(md);
        assert!(out.ends_with("<p>Reviews are love.</p>\n</div>\n"), "{out}");
        assert!(
            out.contains("<p>The boat came in.</p>\n<p>It left again.</p>"),
            "{out}"
        );
        // A quote that is not a note stays a quote, and a start note does not take
        // the short story after it.
        let (_, out) = html("A/N: hi.\n\n> Tide tables, 1902.\n\nThe boat came in.\n");
        assert!(out.contains("<blockquote>"), "{out}");
        assert!(out.ends_with("</div>\n<blockquote>\n<p>Tide tables, 1902.</p>\n</blockquote>\n<p>The boat came in.</p>\n"), "{out}");
    }

    #[test]
    fn notes_policy_applies_to_markdown_notes() {
        use crate::book::assemble::apply_notes_policy;
        use crate::input::settings::NotesPolicy;
        let body = parsed("> A/N: For Rin.\n\nThe boat came in.\n\n**TBC**\n");
        let (omitted, n) = apply_notes_policy(body.events.clone(), NotesPolicy::Omit);
        assert_eq!(n, 1);
        assert!(!omitted.contains(&Event::Start(Tag::AuthorNote)));
        assert_eq!(omitted[0], Event::Start(Tag::Paragraph));
        // The notes' words are not story words.
        let counts = crate::book::words::Counts::of(&body.events);
        assert_eq!((counts.words, counts.notes), (5, 1));
        let (end, _) = apply_notes_policy(body.events, NotesPolicy::End);
        assert_eq!(end.last(), Some(&Event::End(Tag::AuthorNote)));
        assert_eq!(end[0], Event::Start(Tag::Paragraph));
    }

    #[test]
    fn a_heading_after_opening_notes_is_the_heading() {
        let body = parsed("> A/N: For Rin, who asked.\n\nThis one took a while.\n\n# Chapter 6: Letters\n\nThe post came late.\n");
        assert_eq!(body.heading.as_deref(), Some("Chapter 6: Letters"));
        assert_eq!(body.events[0], Event::Start(Tag::AuthorNote));
        let end = body
            .events
            .iter()
            .position(|e| *e == Event::End(Tag::AuthorNote))
            .unwrap();
        assert!(body.events[..end].contains(&Event::Text("This one took a while.".into())));
        assert_eq!(
            body.events[end + 2],
            Event::Text("The post came late.".into())
        );
        assert!(body.events[end + 1..]
            .iter()
            .all(|e| !matches!(e, Event::Start(Tag::AuthorNote))));
        // After story text a heading stays in the body.
        let body = parsed("The post came late.\n\n# Chapter 6\n\nMore.\n");
        assert_eq!(body.heading, None);
        assert!(body.events.contains(&Event::Start(Tag::Heading(1))));
    }

    #[test]
    fn the_writers_ornament_is_kept() {
        let body = parsed("One.\n\n* * *\n\nTwo.\n\n~*~\n\nThree.\n\noOo\n\nFour.\n");
        let breaks: Vec<&Event> = body
            .events
            .iter()
            .filter(|e| matches!(e, Event::SceneBreak(_)))
            .collect();
        assert_eq!(
            breaks,
            [
                &Event::SceneBreak(Some("* * *".into())),
                &Event::SceneBreak(Some("~*~".into())),
                &Event::SceneBreak(Some("oOo".into()))
            ]
        );
    }
}
