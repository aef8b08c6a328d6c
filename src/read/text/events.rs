//! Events: items and their roles as the shared event stream, each paragraph's lines joined
//! into one text and censored words reported.

use super::inline::inline_events;
use super::items::{Item, Role, Roles};
use super::join::Join;
use super::lines::{ornament, Line, LineNumbers};
use super::TextOptions;
use crate::diag::{Code, Diagnostic};
use crate::read::event::{Event, Tag};

/// Events handed on at a time. A body's events take several times its size (a
/// one-word paragraph is three events and a string), so they go to the caller in
/// chunks it can typeset and drop, never all at once.
const CHUNK: usize = 1024;

/// Emits the events of `items` to `sink`, in chunks that end between items and never
/// inside an author's note (so a consumer may look ahead within a note).
#[allow(clippy::too_many_arguments)]
pub(super) fn emit(
    items: &[Item],
    roles: &Roles,
    lines: &[Line],
    joins: &[Join],
    opts: &TextOptions,
    file: &str,
    numbers: &mut LineNumbers,
    diags: &mut Vec<Diagnostic>,
    sink: &mut dyn FnMut(&mut Vec<Event>),
) {
    let mut events = Vec::new();
    let mut open_note: Option<usize> = None;
    for (k, item) in items.iter().enumerate() {
        if open_note.is_none() && events.len() >= CHUNK {
            sink(&mut events);
            events.clear();
        }
        let role = roles.get(k);
        if *item == Item::Pause {
            // Only between two paragraphs of the same kind.
            let next_para = items
                .get(k + 1)
                .is_some_and(|i| matches!(i, Item::Para { .. }));
            let prev_para = k > 0 && matches!(items[k - 1], Item::Para { .. });
            if prev_para
                && next_para
                && roles.get(k - 1) == roles.get(k + 1)
                && roles.get(k + 1) != Role::Closing
            {
                events.push(Event::Pause);
            }
            continue;
        }
        let group = match role {
            Role::Note(g) => Some(g),
            _ => None,
        };
        if open_note != group {
            if open_note.is_some() {
                events.push(Event::End(Tag::AuthorNote));
            }
            if group.is_some() {
                events.push(Event::Start(Tag::AuthorNote));
            }
            open_note = group;
        }
        match *item {
            Item::SceneBreak { line } => {
                events.push(Event::SceneBreak(ornament(lines[line as usize].content)))
            }
            Item::Pause => {}
            Item::Para { first, last } => {
                let (first, last) = (first as usize, last as usize);
                let block = if role == Role::Closing {
                    Tag::Closing
                } else {
                    Tag::Paragraph
                };
                for line in &lines[first..=last] {
                    for word in censored_words(line.content) {
                        diags.push(
                            Diagnostic::new(
                                Code::W007,
                                format!("`{word}` looks censored (a letter replaced by `*`); kept as written"),
                            )
                            .in_file(file)
                            .at_line(numbers.of(line)),
                        );
                    }
                }
                let text = paragraph_text(&lines[first..=last], &joins[first..=last]);
                events.push(Event::Start(block.clone()));
                inline_events(text, opts.punctuation, &mut events);
                events.push(Event::End(block));
            }
        }
    }
    if open_note.is_some() {
        events.push(Event::End(Tag::AuthorNote));
    }
    if !events.is_empty() {
        sink(&mut events);
    }
}

/// A paragraph's lines as one string: hard wraps become spaces, verse breaks `\n`,
/// inner whitespace runs one space (no-break spaces kept), control characters removed.
fn paragraph_text(lines: &[Line], joins: &[Join]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.content.len() + 1).sum());
    for (line, join) in lines.iter().zip(joins) {
        if !out.is_empty() {
            // A wrap right after a hyphen inside a word (`dry-` / `shod`) splits a
            // hyphenated word, not two words: join without a space, keeping the hyphen.
            let hyphen_wrap = *join == Join::Space
                && out.ends_with('-')
                && out[..out.len() - 1].ends_with(|c: char| c.is_alphabetic())
                && line.content.starts_with(|c: char| c.is_alphabetic());
            if !hyphen_wrap {
                out.push(if *join == Join::Break { '\n' } else { ' ' });
            }
        }
        push_collapsed(&mut out, line.content);
    }
    out
}

/// Appends `line` with its whitespace runs collapsed to one space and control
/// characters removed. Most of a line is copied as it is, so it goes over in slices
/// between the characters that change; only the characters [`next_decision`] stops at
/// are decoded.
fn push_collapsed(out: &mut String, line: &str) {
    let bytes = line.as_bytes();
    // `line[copied..i]` is waiting to be copied unchanged.
    let mut copied = 0;
    // Whether the last character kept was a space, so that more whitespace collapses.
    let mut in_space = false;
    let mut i = 0;
    while i < bytes.len() {
        if !in_space {
            i = next_decision(bytes, i);
            if i == bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        if b == b' ' && !in_space {
            in_space = true;
            i += 1;
            continue;
        }
        if b.is_ascii_graphic() {
            in_space = false;
            i += 1;
            continue;
        }
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            line[i..].chars().next().expect("in bounds")
        };
        let len = c.len_utf8();
        if is_collapsible_space(c) {
            out.push_str(&line[copied..i]);
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            copied = i + len;
        } else if c.is_control() {
            // Not story text, and XML forbids most of them.
            out.push_str(&line[copied..i]);
            copied = i + len;
        } else {
            in_space = false;
        }
        i += len;
    }
    out.push_str(&line[copied..]);
}

/// Bytes that may start a character [`push_collapsed`] changes: ASCII controls and DEL,
/// and the UTF-8 lead bytes of every other control or collapsible space (U+0080–U+009F
/// and U+0085 after 0xC2, U+1680 after 0xE1, U+2000–U+205F after 0xE2, U+3000 after
/// 0xE3). A test checks this against every `char`.
const MAY_CHANGE: crate::util::swar::ControlsAnd<0, 5> = crate::util::swar::ControlsAnd {
    allowed: [],
    also: [0x7F, 0xC2, 0xE1, 0xE2, 0xE3],
};

/// The first index from `i` where [`push_collapsed`], not inside a run of spaces, has
/// something to decide: a byte in [`MAY_CHANGE`], or a space followed by a space or by
/// such a byte. Everything before it is copied unchanged.
///
/// Eight bytes at a time (SWAR): story lines are mostly letters and single spaces, and
/// a byte-by-byte loop that carried the in-a-space state was a quarter of the reader's
/// time on a million words.
fn next_decision(bytes: &[u8], mut i: usize) -> usize {
    use crate::util::swar::{equal, first, load};
    let may_change = |x: u64| MAY_CHANGE.mask(x);
    // Each word is compared with the same eight bytes shifted by one, for the byte
    // after each space: so nine bytes must be left.
    while i + 9 <= bytes.len() {
        let (here, next) = (load(bytes, i), load(bytes, i + 1));
        let stops = may_change(here) | (equal(here, b' ') & (equal(next, b' ') | may_change(next)));
        if stops != 0 {
            return i + first(stops);
        }
        i += 8;
    }
    let stop_after_space = |j: usize| {
        bytes
            .get(j)
            .is_some_and(|&n| n == b' ' || MAY_CHANGE.contains(n))
    };
    (i..bytes.len())
        .find(|&j| MAY_CHANGE.contains(bytes[j]) || (bytes[j] == b' ' && stop_after_space(j + 1)))
        .unwrap_or(bytes.len())
}

/// Whitespace that collapses; no-break spaces (U+00A0, U+202F, U+2007) are kept as
/// written because the writer chose them.
fn is_collapsible_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// Words with a letter replaced by `*` (`disc*ssion`, `f*ck`), as censoring sites leave them.
fn censored_words(line: &str) -> Vec<String> {
    if !line.contains('*') {
        return Vec::new();
    }
    let mut found = Vec::new();
    for word in line.split(char::is_whitespace) {
        let core = word.trim_matches(|c: char| !c.is_alphabetic());
        if !core.contains('*') {
            continue;
        }
        let mut runs_ok = true;
        let mut star_run = 0;
        for c in core.chars() {
            if c == '*' {
                star_run += 1;
                if star_run > 3 {
                    runs_ok = false;
                }
            } else if c.is_alphabetic() {
                star_run = 0;
            } else {
                runs_ok = false;
            }
        }
        if runs_ok {
            found.push(core.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::text::parse;
    use crate::read::text::tests::paragraphs;

    #[test]
    fn a_wrap_after_a_hyphen_keeps_the_word_whole() {
        let text = "They could walk to it dry-\nshod over the sand, which was a first for them in all\nthe long year of watching the lamps burn on the causeway at night.\n\nNext paragraph here.\n";
        let (body, _) = parse(text, "f.txt", 1, &TextOptions::default());
        let joined: String = body
            .events
            .iter()
            .filter_map(|e| {
                if let Event::Text(t) = e {
                    Some(t.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert!(joined.contains("dry-shod over"), "{joined}");
    }

    /// `push_collapsed` as first written, a character at a time.
    fn collapsed_reference(line: &str) -> String {
        let mut out = String::new();
        let mut in_space = false;
        for c in line.chars() {
            if is_collapsible_space(c) {
                if !in_space {
                    out.push(' ');
                }
                in_space = true;
            } else if !c.is_control() {
                out.push(c);
                in_space = false;
            }
        }
        out
    }

    #[test]
    fn every_changed_character_starts_with_a_byte_the_scan_stops_at() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if (is_collapsible_space(c) && c != ' ') || c.is_control() {
                let mut buf = [0; 4];
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(MAY_CHANGE.contains(lead), "{c:?} starts with {lead:#x}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn collapsing_agrees_with_the_reference(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Word", " ", "  ", "\t", "\u{7}", "\u{7f}", "\u{85}", "\u{9f}", "\u{a0}",
                "\u{2003}", "\u{2028}", "\u{202f}", "\u{3000}", "\u{1680}", "—", "’", "é", ".",
            ]), 0..60)
        ) {
            let line = parts.concat();
            let mut out = String::new();
            push_collapsed(&mut out, &line);
            proptest::prop_assert_eq!(out, collapsed_reference(&line), "{:?}", line);
        }
    }

    #[test]
    fn no_break_spaces_are_kept_and_other_runs_collapse() {
        assert_eq!(
            paragraphs("Mr.\u{a0}Smith  \t came\u{a0}\u{a0}in.\n\nNext."),
            ["Mr.\u{a0}Smith came\u{a0}\u{a0}in.", "Next."]
        );
    }

    #[test]
    fn censor_artefacts_are_kept_and_reported_at_file_lines() {
        let (body, diags) = parse(
            "Clean line.\n\nWhat a f*ck*ng disc*ssion, *really*.\n",
            "p.txt",
            10,
            &TextOptions::default(),
        );
        assert_eq!(diags.len(), 2);
        assert!(diags.iter().all(|d| d.code == Code::W007
            && d.line == Some(12)
            && d.file.as_deref() == Some("p.txt")));
        assert!(diags[0].message.contains("f*ck*ng"));
        assert!(diags[1].message.contains("disc*ssion"));
        assert!(body
            .events
            .contains(&Event::Text("What a f*ck*ng disc*ssion, ".into())));
        // Lines are numbered from where their text lies, across blank runs and
        // wrapped paragraphs.
        let (_, diags) = parse(
            "One.\n\n\n\nA disc*ssion.\n\nTwo\nlines, one disc*ssion.\n\n\nd*mn\n",
            "p.txt",
            3,
            &TextOptions::default(),
        );
        let lines: Vec<Option<usize>> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(7), Some(10), Some(13)]);
    }
}
