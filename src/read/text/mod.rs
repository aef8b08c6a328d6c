//! Plain-text bodies → the shared event stream: paragraphs in whatever layout the writer
//! used, scene breaks, the installment's own heading, closing lines, author's notes,
//! emphasis, and smart punctuation.
//!
//! Writers save plain text in several layouts, so the reader first measures the file and
//! then decides per pair of lines whether the second continues the first's paragraph
//! (a hard wrap: join with a space), stays inside it on its own line (verse: a line
//! break), or starts a new paragraph. Everything is a few linear passes over the lines;
//! inline markup is paired with one stack, never with backtracking, so a 50 MB file or a
//! 10 MB line costs time in proportion to its size.
//!
//! How the layout is told apart (per file):
//! - Width: the 98th percentile of line widths. The file is hard-wrapped when that is
//!   30–120 columns, lines that continue a paragraph pile up within a sixth of it, and
//!   most of those lines stop mid-sentence.
//! - Blank-line separated: blocks of lines are more than 40 % of the paragraph ends.
//! - Indented: at least 10 % of lines are indented beyond the file's smallest indent;
//!   an indented line then always starts a paragraph.
//! - Without blank lines, a wrapped line continues when the next line's first word would
//!   not have fitted on it (3 columns slack, none after a finished sentence, and never
//!   when dialogue opens after one). Within a block of a wrapped file the same fit test
//!   runs with the slack (a sixth of the width) and a line that fails it keeps its line
//!   break (verse). Where no width could be measured, a line of 40+ columns continues,
//!   one over 80 columns is a paragraph of its own, and shorter ones keep their break.
//!   Either way a line that ends a sentence and is not a wrap (by the no-slack fit test,
//!   or new dialogue) ends its paragraph: verse keeps its breaks because its lines run
//!   on until the stanza's last.
//! - In an indent-marked file an unindented line never starts a paragraph: it continues
//!   the one before (joined with a space, or kept on its own line when it is verse).
//! - The heading line may follow the writer's opening notes (up to 8 paragraphs that
//!   start with a note label or disclaimer); what stands before it is the note.
//! - Verse: two or more short lines (under half of min(width, 80)) that would each be a
//!   paragraph, none opening dialogue, none but the last ending a sentence, become one
//!   paragraph with line breaks.
//!
//! Decisions a writer may wonder about:
//! - A line of only dots or an ellipsis (`...`, `…`) is a silent beat in dialogue, not a
//!   scene break: it stays a paragraph. A quoted line (`"..."`) is always dialogue.
//! - Lines of symbols (`* * *`, `~~~`, `<>`) and small ornaments (`oOo`, `-x-`) are scene
//!   breaks, even in the middle of a hard-wrapped block.
//! - A paragraph starting `Note:` or `A/N:` in the middle of the story is set apart as an
//!   author's note too: the writer is speaking either way. A note counts as the end note
//!   (taking every paragraph after it) only when no scene break or closing follows it and
//!   what follows is at most 8 paragraphs or a fifth of the words before it.
//! - A `Disclaimer:` paragraph before the story joins the start note.
//! - In files whose paragraphs are not separated by blank lines, any blank line is a
//!   pause; in blank-line-separated files, two or more blank lines are. A pause next to
//!   a scene break, heading, note boundary or closing means nothing and is dropped.
//! - Closing lines (`TBC`, `~fin~`) count only as the last story lines, before notes.

mod events;
pub mod fanficfare;
mod inline;
mod items;
mod join;
mod layout;
mod lines;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostic;
use crate::read::event::{Body, Event};
use crate::read::typography::Punctuation;

use events::emit;
use items::{assign_roles, build_items, Item};
use join::decide_joins;
use layout::Layout;
use lines::{ends_sentence, is_disclaimer, Kind, Line, LineNumbers};

pub use lines::{
    is_closing, is_heading, is_note_start, is_scene_break, ornament, starts_prose,
    starts_with_note_label,
};

#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// Smart punctuation in the body's language, or the text as written.
    pub punctuation: Punctuation,
}

/// Reads a plain-text body. `file` and `first_line` (the body's 1-based line in the
/// file) let diagnostics point at file lines.
pub fn parse(
    body: &str,
    file: &str,
    first_line: usize,
    opts: &TextOptions,
) -> (Body, Vec<Diagnostic>) {
    let mut events = Vec::new();
    let (heading, diags) = parse_into(body, file, first_line, opts, &mut |chunk| {
        events.append(chunk)
    });
    (Body { heading, events }, diags)
}

/// Like [`parse`], handing the events to `sink` a chunk at a time (each chunk ends
/// between paragraphs, never inside an author's note) instead of holding them all:
/// what a build does, so a body's events never take several times its size. Returns
/// the body's own heading line and the diagnostics.
pub fn parse_into(
    body: &str,
    file: &str,
    first_line: usize,
    opts: &TextOptions,
    sink: &mut dyn FnMut(&mut Vec<Event>),
) -> (Option<String>, Vec<Diagnostic>) {
    // Blank lines are counted onto the line after them, not kept: every rule asks
    // only how many stand between two lines, and a file of blank lines (or of one-word
    // paragraphs) would otherwise take many times its size in memory.
    let mut lines: Vec<Line> = Vec::new();
    let mut blanks = 0;
    for raw in body.split('\n') {
        let mut line = Line::new(raw);
        if line.kind == Kind::Blank {
            blanks += 1;
        } else {
            line.set_blanks_before(std::mem::take(&mut blanks));
            lines.push(line);
        }
    }

    // The installment's own heading: the first non-blank line, or the first line after
    // the writer's opening notes.
    let mut heading = None;
    let heading_at = find_heading(&lines);
    if let Some(h) = heading_at {
        heading = Some(lines[h].content.to_string());
        lines[h].kind = Kind::Heading;
    }

    let layout = Layout::measure(&lines);
    let joins = decide_joins(&lines, &layout);
    let items = build_items(&lines, &joins, &layout);
    // Everything before a heading that follows opening notes is those notes.
    let notes_before = heading_at.filter(|&h| h > 0).map_or(0, |h| {
        items
            .iter()
            .position(|item| matches!(item, Item::Para { first, .. } if *first as usize > h))
            .unwrap_or(items.len())
    });
    let roles = assign_roles(&items, &lines, notes_before);

    let mut diags = Vec::new();
    let mut numbers = LineNumbers::new(body, first_line);
    emit(
        &items,
        &roles,
        &lines,
        &joins,
        opts,
        file,
        &mut numbers,
        &mut diags,
        sink,
    );
    (heading, diags)
}

/// How many paragraphs of opening notes a heading may follow. Notes before the story
/// run to a few paragraphs (thanks, a disclaimer, a warning); a chapter line further
/// down is inside the story.
const NOTE_PARAGRAPHS_BEFORE_HEADING: usize = 8;

/// The line that is the installment's own heading, if any: the first line when it is a
/// heading, or else, when the body opens with an author's note or disclaimer, the first
/// heading line that stands on its own within the next few paragraphs, with no scene
/// break before it. What stands between is all the writer's preface: a file that opens
/// with a note does not start its story before its own chapter line. A heading after
/// story text that is not a note is never looked for, so it stays a paragraph.
fn find_heading(lines: &[Line]) -> Option<usize> {
    let first = lines.first().filter(|l| l.kind == Kind::Text)?;
    if is_heading(first.content) {
        return Some(0);
    }
    if !(is_note_start(first.content) || is_disclaimer(first.content)) {
        return None;
    }
    let mut paragraphs = 1;
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.kind != Kind::Text {
            return None;
        }
        let prev = &lines[i - 1];
        let own_line =
            line.blanks_before() > 0 || ends_sentence(prev.content) || prev.content.ends_with(':');
        if own_line {
            paragraphs += 1;
            // A chapter line is capitalised; a wrapped note line (`chapter 6. Thanks`)
            // is not.
            if line.content.starts_with(char::is_uppercase) && is_heading(line.content) {
                return Some(i);
            }
        }
        if paragraphs > NOTE_PARAGRAPHS_BEFORE_HEADING {
            return None;
        }
    }
    None
}
