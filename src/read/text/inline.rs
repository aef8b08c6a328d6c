//! Inline markup: pairs emphasis delimiters and leftover HTML tags with one stack, then
//! applies typography to the paragraph's text.

use crate::read::event::{Event, Tag};
use crate::read::typography::{Punctuation, MARK};

/// The kinds of inline markup; a closer only pairs with an opener of its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    EmStar,
    EmUnder,
    StrongStar,
    StrongUnder,
    HtmlI,
    HtmlEm,
    HtmlB,
    HtmlStrong,
    HtmlU,
    HtmlS,
}

impl Marker {
    fn tag(self) -> Tag {
        match self {
            Marker::EmStar | Marker::EmUnder | Marker::HtmlI | Marker::HtmlEm => Tag::Emphasis,
            Marker::StrongStar | Marker::StrongUnder | Marker::HtmlB | Marker::HtmlStrong => {
                Tag::Strong
            }
            Marker::HtmlU => Tag::Underline,
            Marker::HtmlS => Tag::Strikethrough,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Delim {
    start: usize,
    end: usize,
    kind: Marker,
    can_open: bool,
    can_close: bool,
    /// Set once paired: the token is markup, not text.
    paired: Option<Side>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Open,
    Close,
}

/// The leftover HTML tags that are markup in a `.txt` file; any other `<…>` is text.
fn html_tag(s: &str) -> Option<(usize, Marker, bool)> {
    let bytes = s.as_bytes();
    let close = bytes.get(1) == Some(&b'/');
    let name_start = if close { 2 } else { 1 };
    // No tag name is longer than `strong`, so a `>` further on ends no tag of ours.
    let gt = memchr::memchr(b'>', &bytes[..bytes.len().min(name_start + 7)])?;
    let name = s.get(name_start..gt)?.to_ascii_lowercase();
    let kind = match name.as_str() {
        "i" => Marker::HtmlI,
        "em" => Marker::HtmlEm,
        "b" => Marker::HtmlB,
        "strong" => Marker::HtmlStrong,
        "u" => Marker::HtmlU,
        "s" => Marker::HtmlS,
        _ => return None,
    };
    Some((gt + 1, kind, !close))
}

/// Finds emphasis delimiters and leftover tags in a paragraph and pairs them up. A
/// closer pairs with the nearest open delimiter of its kind; openers left inside that
/// pair become text, so the result is always properly nested.
fn match_markup(text: &str) -> Vec<Delim> {
    let mut delims: Vec<Delim> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    // Only `*`, `_` and `<` can start markup, so the scan jumps from one to the next.
    // All three are ASCII, so `i` stays on a char boundary.
    while let Some(at) = memchr::memchr3(b'*', b'_', b'<', &bytes[i..]) {
        i += at;
        let b = bytes[i];
        // The character before, as written: a run or tag skipped below ends in the
        // character that was last in it.
        let prev = text[..i].chars().next_back();
        if b == b'*' || b == b'_' {
            let mut j = i;
            while j < bytes.len() && bytes[j] == b {
                j += 1;
            }
            let next = text[j..].chars().next();
            let run = j - i;
            let kind = match (b, run) {
                (b'*', 1) => Some(Marker::EmStar),
                (b'_', 1) => Some(Marker::EmUnder),
                (b'*', 2) => Some(Marker::StrongStar),
                (b'_', 2) => Some(Marker::StrongUnder),
                _ => None,
            };
            if let Some(kind) = kind {
                let can_open = next.is_some_and(|n| !n.is_whitespace())
                    && !prev.is_some_and(char::is_alphanumeric);
                let can_close = prev.is_some_and(|p| !p.is_whitespace())
                    && !next.is_some_and(char::is_alphanumeric);
                if can_open || can_close {
                    delims.push(Delim {
                        start: i,
                        end: j,
                        kind,
                        can_open,
                        can_close,
                        paired: None,
                    });
                }
            }
            i = j;
        } else if let Some((len, kind, open)) = html_tag(&text[i..]) {
            delims.push(Delim {
                start: i,
                end: i + len,
                kind,
                can_open: open,
                can_close: !open,
                paired: None,
            });
            i += len;
        } else {
            i += 1;
        }
    }

    // Pair them with one stack; each delimiter is pushed and popped at most once.
    let mut stack: Vec<usize> = Vec::new();
    let mut open_count = [0usize; 10];
    for d in 0..delims.len() {
        let kind = delims[d].kind;
        if delims[d].can_close && open_count[kind as usize] > 0 {
            while let Some(o) = stack.pop() {
                open_count[delims[o].kind as usize] -= 1;
                if delims[o].kind == kind {
                    delims[o].paired = Some(Side::Open);
                    delims[d].paired = Some(Side::Close);
                    break;
                }
            }
        } else if delims[d].can_open {
            stack.push(d);
            open_count[kind as usize] += 1;
        }
    }
    delims.retain(|d| d.paired.is_some());
    delims
}

/// Emits a paragraph's inline events: text, emphasis and line breaks.
pub(super) fn inline_events(text: String, punctuation: Punctuation, events: &mut Vec<Event>) {
    let delims = match_markup(&text);
    // Most paragraphs carry no markup: then the text is used as it is, not copied.
    let mut markup = Vec::with_capacity(delims.len());
    let marked = if delims.is_empty() {
        text
    } else {
        let mut marked = String::with_capacity(text.len());
        let mut last = 0;
        for d in &delims {
            marked.push_str(&text[last..d.start]);
            marked.push(MARK);
            markup.push(if d.paired == Some(Side::Open) {
                Event::Start(d.kind.tag())
            } else {
                Event::End(d.kind.tag())
            });
            last = d.end;
        }
        marked.push_str(&text[last..]);
        marked
    };
    let marked = punctuation.apply(marked);
    // Marks and line breaks split the text; a paragraph with neither (most of them)
    // becomes one text event without another copy.
    if markup.is_empty() && !marked.contains('\n') {
        if !marked.is_empty() {
            events.push(Event::Text(marked));
        }
        return;
    }
    let mut markup = markup.into_iter();
    let mut last = 0;
    for (at, sep) in marked.match_indices([MARK, '\n']) {
        if at > last {
            events.push(Event::Text(marked[last..at].to_string()));
        }
        events.push(if sep == "\n" {
            Event::LineBreak
        } else {
            markup.next().expect("one event per mark")
        });
        last = at + sep.len();
    }
    if last < marked.len() {
        events.push(Event::Text(marked[last..].to_string()));
    }
}

#[cfg(test)]
mod tests {
    use crate::input::settings::Typography;
    use crate::read::event::Event;
    use crate::read::text::tests::{html, paragraphs};
    use crate::read::text::{parse, TextOptions};

    #[test]
    fn emphasis_from_stars_and_underscores() {
        assert_eq!(
            html("She was *very* sure, _quite_ sure, *several words here*.\n"),
            "<p>She was <em>very</em> sure, <em>quite</em> sure, <em>several words here</em>.</p>\n"
        );
        assert_eq!(
            html("It was **loud**.\n"),
            "<p>It was <strong>loud</strong>.</p>\n"
        );
    }

    #[test]
    fn emphasis_not_in_words() {
        assert_eq!(
            html("Open file_name and snake_case_name; 2*3*4 is 24; a lone * star.\n"),
            "<p>Open file_name and snake_case_name; 2*3*4 is 24; a lone * star.</p>\n"
        );
        assert_eq!(html("An *unclosed star.\n"), "<p>An *unclosed star.</p>\n");
        // Never across paragraphs.
        assert_eq!(
            html("One *two\n\nthree* four\n"),
            "<p>One *two</p>\n<p>three* four</p>\n"
        );
    }

    #[test]
    fn leftover_html_tags() {
        assert_eq!(
            html("<i>Run</i>, <B>now</B>, <em>a</em> <strong>b</strong> <u>c</u> <s>d</s>.\n"),
            "<p><em>Run</em>, <strong>now</strong>, <em>a</em> <strong>b</strong> <u>c</u> <s>d</s>.</p>\n"
        );
        // Across lines of one paragraph.
        assert_eq!(
            html("<i>one\ntwo</i>\n\nnext\n"),
            "<p><em>one<br/>two</em></p>\n<p>next</p>\n"
        );
        // Unbalanced stays text; crossing tags stay nested.
        assert_eq!(html("a <i>b\n"), "<p>a &lt;i&gt;b</p>\n");
        assert_eq!(
            html("<i>a <b>b</i> c</b>\n"),
            "<p><em>a &lt;b&gt;b</em> c&lt;/b&gt;</p>\n"
        );
    }

    #[test]
    fn heart_and_other_angle_brackets_are_text() {
        assert_eq!(
            html("I <3 you <span>x</span> <br>\n"),
            "<p>I &lt;3 you &lt;span&gt;x&lt;/span&gt; &lt;br&gt;</p>\n"
        );
    }

    #[test]
    fn typography_smart_and_off() {
        let input = "\"Don't,\" she said--and stopped... 'Tis fine.\n";
        assert_eq!(
            paragraphs(input),
            ["“Don’t,” she said—and stopped… ’Tis fine."]
        );
        let off = parse(
            input,
            "t",
            1,
            &TextOptions {
                punctuation: Typography::Off.into(),
            },
        )
        .0;
        assert!(off
            .events
            .contains(&Event::Text(input.trim_end().to_string())));
        let already = "“Don’t,” she said – ‘no’… —fine.\n";
        assert_eq!(paragraphs(already), [already.trim_end()]);
    }

    #[test]
    fn quotes_around_emphasis() {
        assert_eq!(
            html("\"*Run!*\" he said.\n"),
            "<p>“<em>Run!</em>” he said.</p>\n"
        );
        assert_eq!(
            html("*\"Run!\"* he said.\n"),
            "<p><em>“Run!”</em> he said.</p>\n"
        );
    }

    #[test]
    fn telepathy_and_thoughts_are_kept() {
        assert_eq!(
            paragraphs("...not yet…\n\n'I hate Mondays,' she thought.\n"),
            ["…not yet…", "‘I hate Mondays,’ she thought."]
        );
    }
}
