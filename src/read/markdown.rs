//! Markdown bodies → the shared event stream, via pulldown-cmark (CommonMark plus
//! footnotes, tables, strikethrough and smart punctuation). Raw HTML is never passed
//! through: the handful of inline tags writers use for emphasis become events, other
//! tags are dropped with their text kept, so every page stays well-formed and safe.

use pulldown_cmark::{Alignment, Event as Md, Options, Parser, Tag as MdTag, TagEnd};

use crate::diag::Diagnostic;
use crate::input::settings::Typography;
use crate::read::event::{Align, Body, Event, Tag};

/// Reads a Markdown body. `file` and `first_line` place diagnostics at file lines.
pub fn parse(
    body: &str,
    file: &str,
    first_line: usize,
    typography: Typography,
) -> (Body, Vec<Diagnostic>) {
    let mut options =
        Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    if typography == Typography::Smart {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let _ = (file, first_line);

    let mut r = Reader::default();
    let mut parser = Parser::new_ext(body, options);
    while let Some(event) = parser.next() {
        match event {
            Md::Start(MdTag::Heading { level, .. })
                if r.events.is_empty() && r.heading.is_none() =>
            {
                // A heading before any story is the installment's own heading.
                let mut text = String::new();
                for e in parser.by_ref() {
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
            Md::Start(MdTag::Image {
                dest_url, title, ..
            }) => {
                let mut alt = String::new();
                for e in parser.by_ref() {
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
            Md::Rule => r.events.push(Event::SceneBreak),
            Md::TaskListMarker(done) => r.text(if done { "[x] " } else { "[ ] " }),
        }
    }
    r.close_inline_html();
    // pulldown-cmark leaves a reference with no definition as text (`[^x]`), so
    // nothing is lost and nothing needs reporting.
    (
        Body {
            heading: r.heading,
            events: r.events,
        },
        Vec::new(),
    )
}

#[derive(Default)]
struct Reader {
    heading: Option<String>,
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
    use crate::output::xhtml::{write_body, ImageMap};

    fn html(md: &str) -> (Option<String>, String) {
        let (body, _) = parse(md, "t.md", 1, Typography::Smart);
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
            "<p>The ferry was late.</p>\n<h4>Later</h4>\n<p>Still late.</p>\n"
        );
    }

    #[test]
    fn smart_punctuation_and_scene_break() {
        let (_, out) = html("\"It's late...\" she said -- twice.\n\n***\n\nMorning.");
        assert!(
            out.starts_with("<p>“It’s late…” she said – twice.</p>"),
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
        );
        assert!(body.events.contains(&Event::Image {
            src: "map.png".into(),
            alt: "A harbour map".into(),
            title: "Map".into()
        }));
    }
}
