//! Joining lines into paragraphs: for each pair of lines, a hard wrap, a kept line break
//! (verse), or a new paragraph.

use super::layout::Layout;
use super::lines::{ends_sentence, forces_new_paragraph, starts_dialogue, Kind, Line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Join {
    /// Starts a new paragraph (or is not a text line).
    New,
    /// Continues the previous line's paragraph after a space (a hard wrap).
    Space,
    /// Continues the previous line's paragraph on a line of its own (verse).
    Break,
}

fn first_word_width(line: &str) -> usize {
    line.split(char::is_whitespace)
        .next()
        .map_or(0, |w| w.chars().count())
}

/// Whether `b` continues `a` in a hard-wrapped file without blank lines: the first word
/// of `b` would not have fitted on `a` (with a little slack for hand wrapping, except
/// after a finished sentence), and `b` does not open new dialogue after one.
fn wraps_into(a: &Line, b: &Line, width: usize) -> bool {
    let needed = a.width() + 1 + first_word_width(b.content);
    if ends_sentence(a.content) {
        !starts_dialogue(b.content) && needed > width
    } else {
        needed + 3 > width
    }
}

/// How `b` relates to `a` inside a block of a hard-wrapped file: a wrap when `b`'s
/// first word would (nearly: hand wrapping is ragged) not have fitted on `a`, else a
/// line kept on purpose (verse, an address, a list).
///
/// A line kept short on purpose that ends a sentence ends its paragraph: two lines of
/// dialogue (`"Go home," said the harbourmaster.` / `"No," said Ines.`) are two
/// paragraphs. Verse keeps its breaks because its lines run on (`,`, `;`, nothing)
/// until the stanza's last, the same test the verse rule below makes. In an
/// indent-marked file the indent alone says where a paragraph starts, so there an
/// unindented line always stays in the paragraph (`paragraph_starts` is false).
fn continues_in_block(a: &Line, b: &Line, layout: &Layout, paragraph_starts: bool) -> Join {
    let needed = a.width() + 1 + first_word_width(b.content);
    if ends_sentence(a.content) && paragraph_starts {
        // After a finished sentence no slack is given and new dialogue is never a
        // wrap, as in a file without blank lines (`wraps_into`).
        if !starts_dialogue(b.content) && needed > layout.width {
            Join::Space
        } else {
            Join::New
        }
    } else if needed + layout.slack() > layout.width {
        Join::Space
    } else if ends_sentence(a.content) {
        sentence_ends(paragraph_starts)
    } else {
        Join::Break
    }
}

/// What follows a short line that ends a sentence: a new paragraph, unless the file
/// marks paragraphs by indenting, where the unindented line goes on with the paragraph.
fn sentence_ends(paragraph_starts: bool) -> Join {
    if paragraph_starts {
        Join::New
    } else {
        Join::Space
    }
}

/// How `b` relates to `a` inside a block when no wrap width could be measured (an
/// unwrapped file, or too few lines to tell).
///
/// In an indent-marked file (`paragraph_starts` false) the indent is the only sign of
/// a new paragraph, so an unindented line continues it whatever its length or whether
/// it opens dialogue: the writer's tool wrapped it, or the writer pressed return
/// without indenting.
fn continues_unmeasured(a: &Line, b: &Line, layout: &Layout, paragraph_starts: bool) -> Join {
    // The indent is left out of the length: tools that wrap at 78 count a tab as one
    // character, and a tab-indented first line then measures 81 columns here.
    let long = a.width() - a.indent() > 80;
    if paragraph_starts && (long || (starts_dialogue(b.content) && ends_sentence(a.content))) {
        // Lines longer than any wrap are paragraphs of their own.
        Join::New
    } else if long || a.width() >= layout.short() {
        // Long enough to be a wrap.
        Join::Space
    } else if ends_sentence(a.content) {
        // A short line that ends a sentence ends its paragraph, as in a measured block.
        sentence_ends(paragraph_starts)
    } else {
        Join::Break
    }
}

pub(super) fn decide_joins(lines: &[Line], layout: &Layout) -> Vec<Join> {
    let mut joins = vec![Join::New; lines.len()];
    for i in 1..lines.len() {
        let (a, b) = (&lines[i - 1], &lines[i]);
        if a.kind != Kind::Text
            || b.kind != Kind::Text
            || b.blanks_before() > 0
            || forces_new_paragraph(b.content)
        {
            continue;
        }
        let indented = layout.indent_base.is_some_and(|base| b.indent() > base);
        joins[i] = if indented {
            Join::New
        } else if layout.indent_base.is_some() || layout.blank_separated {
            // An unindented line after an indented one, or a line inside a block.
            let paragraph_starts = layout.indent_base.is_none();
            if layout.wrapped {
                continues_in_block(a, b, layout, paragraph_starts)
            } else {
                continues_unmeasured(a, b, layout, paragraph_starts)
            }
        } else if layout.wrapped && wraps_into(a, b, layout.width) {
            Join::Space
        } else {
            Join::New
        };
    }

    // Verse: a run of two or more short lines that would each be a paragraph, none
    // opening dialogue, and none but the last ending a sentence, is one paragraph.
    let short = layout.short();
    let verse_line = |l: &Line| {
        l.kind == Kind::Text
            && l.width() < short
            && !starts_dialogue(l.content)
            && !forces_new_paragraph(l.content)
    };
    let mut i = 0;
    while i < lines.len() {
        if !verse_line(&lines[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i; // inclusive
        while !ends_sentence(lines[end].content)
            && end + 1 < lines.len()
            && joins[end + 1] == Join::New
            && lines[end + 1].blanks_before() == 0
            && verse_line(&lines[end + 1])
        {
            end += 1;
        }
        for j in joins.iter_mut().take(end + 1).skip(start + 1) {
            *j = Join::Break;
        }
        i = end + 1;
    }
    joins
}

#[cfg(test)]
mod tests {
    use crate::read::event::{Event, Tag};
    use crate::read::text::tests::{paragraphs, read};

    #[test]
    fn hard_wrapped_lines_are_joined_without_blank_lines() {
        let input = "\
The lantern keeper climbed the stairs every night at dusk, counting the
steps under her breath as her mother had taught her, and never once did
she lose count.
\"Forty-one,\" she said.
The lamp was cold. She struck the match and waited for the wick to take,
and the old glass hummed as it warmed.
";
        assert_eq!(
            paragraphs(input),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her, and never once did she lose count.",
                "“Forty-one,” she said.",
                "The lamp was cold. She struck the match and waited for the wick to take, and the old glass hummed as it warmed."
            ]
        );
    }

    #[test]
    fn hard_wrapped_blocks_join_but_verse_keeps_its_lines() {
        let input = "\
The lantern keeper climbed the stairs every night at dusk, counting the
steps under her breath as her mother had taught her, and never once did
she lose count.

The song went:

The road goes on,
the river bends,
and every lantern burns.

She hummed it twice over, then stopped, because the wind had changed and
the sea was louder than her voice.
";
        assert_eq!(
            paragraphs(input),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her, and never once did she lose count.",
                "The song went:",
                "The road goes on,/the river bends,/and every lantern burns.",
                "She hummed it twice over, then stopped, because the wind had changed and the sea was louder than her voice."
            ]
        );
    }

    #[test]
    fn a_short_line_before_a_long_word_is_still_a_wrap() {
        let input = "\
The lantern keeper climbed the stairs every night at dusk, counting the
steps, then
https://example.org/a/very/long/path/that/would/never/fit/on/that/line
and left.

She came back the next night, and the night after that, and every night
until the spring.
";
        assert_eq!(
            paragraphs(input),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps, then https://example.org/a/very/long/path/that/would/never/fit/on/that/line and left.",
                "She came back the next night, and the night after that, and every night until the spring."
            ]
        );
    }

    #[test]
    fn long_verse_lines_in_a_wrapped_block_keep_their_breaks() {
        let input = "\
The lantern keeper climbed the stairs every night at dusk, counting the
steps under her breath as her mother had taught her, and never once did
she lose count, not even on the night the harbour burned.

The road goes on and on beneath the hill,
the river bends and bends and finds the sea,
and every lantern burns to nothing still.

She hummed it twice over, then stopped, because the wind had changed and
the sea was louder than her voice.
";
        assert_eq!(
            paragraphs(input)[1],
            "The road goes on and on beneath the hill,/the river bends and bends and finds the sea,/and every lantern burns to nothing still."
        );
    }

    #[test]
    fn verse_runs_in_one_line_per_paragraph_files() {
        let input = "She sang the old words under her breath while the kettle boiled.\nThe road goes on,\nthe river bends,\nand every lantern burns.\n\"Stop that,\" he said.\nShe stopped.\nHe left.\n";
        assert_eq!(
            paragraphs(input),
            [
                "She sang the old words under her breath while the kettle boiled.",
                "The road goes on,/the river bends,/and every lantern burns.",
                "“Stop that,” he said.",
                "She stopped.",
                "He left."
            ]
        );
    }

    #[test]
    fn short_lines_that_end_sentences_end_their_paragraphs_in_a_wrapped_block() {
        let input = "\
The lantern keeper climbed the stairs every night at dusk, counting the
steps under her breath as her mother had taught her, and never once did
she lose count, not even on the night the harbour burned to the waterline.

\"Go home,\" said the harbourmaster.
\"No,\" said Ines.
She sat down on the step.
He let her be.

\"Go home, Ines, before the tide turns,\" said the old harbourmaster.
\"No,\" said Ines.

The song went:

The road goes on,
the river bends,
and every lantern burns.

She hummed it twice over, then stopped, because the wind had changed and
the sea was louder than her voice, and the boats were coming home at last.
";
        assert_eq!(
            paragraphs(input),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her, and never once did she lose count, not even on the night the harbour burned to the waterline.",
                "“Go home,” said the harbourmaster.",
                "“No,” said Ines.",
                "She sat down on the step.",
                "He let her be.",
                "“Go home, Ines, before the tide turns,” said the old harbourmaster.",
                "“No,” said Ines.",
                "The song went:",
                "The road goes on,/the river bends,/and every lantern burns.",
                "She hummed it twice over, then stopped, because the wind had changed and the sea was louder than her voice, and the boats were coming home at last."
            ]
        );
        // Where no width could be measured (a short file), the same.
        assert_eq!(
            paragraphs("\"Go home,\" said the harbourmaster.\n\"No,\" said Ines.\n\nShe stayed.\nHe left.\n\nThe road goes on,\nthe river bends.\n"),
            [
                "“Go home,” said the harbourmaster.",
                "“No,” said Ines.",
                "She stayed.",
                "He left.",
                "The road goes on,/the river bends."
            ]
        );
    }

    #[test]
    fn an_unindented_line_continues_an_indented_paragraph() {
        // Long unwrapped lines, dialogue after a finished sentence, and short lines:
        // without the indent none of them starts a paragraph.
        let input = "\
    The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her.
And she never once lost count.
    \"Forty-one,\" she said to nobody at all, and the lamp answered with a hum.
\"Forty-two,\" said the wind.
    The lamp was cold.
She struck the match.
    Below her the boats were coming home.
";
        assert_eq!(
            paragraphs(input),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her. And she never once lost count.",
                "“Forty-one,” she said to nobody at all, and the lamp answered with a hum. “Forty-two,” said the wind.",
                "The lamp was cold. She struck the match.",
                "Below her the boats were coming home."
            ]
        );
    }

    #[test]
    fn closing_line_is_not_joined_into_a_wrapped_paragraph() {
        let input = "\
The lantern keeper climbed the stairs every night at dusk, counting the
steps under her breath as her mother had taught her, and never once did
she lose count, not even on the night the harbour burned to the waterline.
The lamp was cold. She struck the match and waited for the wick to take,
and the old glass hummed as it warmed in her careful, steady, patient way.
TBC
";
        let events = read(input).events;
        assert_eq!(events.last(), Some(&Event::End(Tag::Closing)));
    }
}
