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

use std::sync::OnceLock;

use regex::Regex;

use crate::diag::{Code, Diagnostic};
use crate::input::settings::Typography;
use crate::read::event::{Body, Event, Tag};
use crate::read::typography::{smarten, MARK};

#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    pub typography: Typography,
}

/// Reads a plain-text body. `file` and `first_line` (the body's 1-based line in the
/// file) let diagnostics point at file lines.
pub fn parse(
    body: &str,
    file: &str,
    first_line: usize,
    opts: &TextOptions,
) -> (Body, Vec<Diagnostic>) {
    let mut lines: Vec<Line> = body
        .split('\n')
        .enumerate()
        .map(|(i, raw)| Line::new(raw, first_line + i))
        .collect();

    // The installment's own heading: only ever the first non-blank line.
    let mut heading = None;
    if let Some(first) = lines.iter_mut().find(|l| l.kind != Kind::Blank) {
        if first.kind == Kind::Text && is_heading(first.content) {
            heading = Some(first.content.to_string());
            first.kind = Kind::Heading;
        }
    }

    let layout = Layout::measure(&lines);
    let joins = decide_joins(&lines, &layout);
    let items = build_items(&lines, &joins, &layout);
    let roles = assign_roles(&items, &lines);

    let mut diags = Vec::new();
    let events = emit(&items, &roles, &lines, &joins, opts, file, &mut diags);
    (Body { heading, events }, diags)
}

// ---------------------------------------------------------------------------------------
// Lines

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    /// A scene break line (symbols or an ornament).
    Break,
    Heading,
    Text,
}

#[derive(Debug)]
struct Line<'a> {
    /// The line without leading indentation and trailing whitespace.
    content: &'a str,
    /// Leading indentation in columns (a tab counts 4).
    indent: usize,
    /// Columns from the left margin to the last visible character.
    width: usize,
    /// 1-based line in the file.
    no: usize,
    kind: Kind,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str, no: usize) -> Self {
        let content = raw.trim_matches(char::is_whitespace);
        let lead = &raw[..raw.len() - raw.trim_start_matches(char::is_whitespace).len()];
        let indent = lead.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
        let kind = if content.chars().all(|c| c.is_whitespace() || c.is_control()) {
            Kind::Blank
        } else if is_scene_break(content) {
            Kind::Break
        } else {
            Kind::Text
        };
        let width = if kind == Kind::Blank {
            0
        } else {
            indent + content.chars().count()
        };
        Line {
            content,
            indent,
            width,
            no,
            kind,
        }
    }
}

/// Whether a line (already trimmed) is a scene break: 1–80 symbols (spaces between
/// allowed), any run of one repeated symbol, or a short ornament like `oOo`, `xXx`,
/// `-o-`, `x-x-x`. Lines of sentence punctuation only (`...`, `?!`, `:)`) and anything
/// with a quote mark are text.
pub fn is_scene_break(line: &str) -> bool {
    // Ornaments: letters from one family (o/O/0 or x/X), framed alike at both ends.
    let family = |c: char| match c {
        'o' | 'O' | '0' => Some('o'),
        'x' | 'X' => Some('x'),
        _ => None,
    };
    // Nearly every line is prose, and its first character settles it: a quote, or a
    // letter or digit that no ornament uses, makes the line text whatever follows (the
    // rules below give the same answer, only after reading the whole line).
    match line.trim_start().chars().next() {
        None => return false,
        Some(c) if is_quote(c) || (c.is_alphanumeric() && family(c).is_none()) => return false,
        Some(_) => {}
    }
    // The first 64 visible characters, on the stack: this runs for every line.
    let mut buf = ['\0'; 64];
    let mut len = 0;
    for c in line.chars().filter(|c| !c.is_whitespace()).take(buf.len()) {
        buf[len] = c;
        len += 1;
    }
    let visible = &buf[..len];
    if visible.iter().any(|&c| is_quote(c)) {
        return false;
    }
    let n = line.chars().filter(|c| !c.is_whitespace()).count();
    if visible.iter().all(|c| !c.is_alphanumeric()) {
        if visible
            .iter()
            .all(|c| matches!(c, '.' | '…' | '?' | '!' | ',' | ';' | ':' | '(' | ')'))
        {
            return false;
        }
        // Longer rules of symbols (`=-=-=-=-=-=-=-=`) carry no words either.
        return n <= 80
            || line
                .chars()
                .filter(|c| !c.is_whitespace())
                .all(|c| c == visible[0]);
    }
    if !(3..=12).contains(&n) {
        return false;
    }
    let mut fam = None;
    for &c in visible.iter().filter(|c| c.is_alphanumeric()) {
        match (family(c), fam) {
            (None, _) => return false,
            (Some(f), None) => fam = Some(f),
            (Some(f), Some(g)) if f != g => return false,
            _ => {}
        }
    }
    if visible.first() != visible.last() {
        return false;
    }
    let has_symbol = visible.iter().any(|c| !c.is_alphanumeric());
    let mixed = visible.iter().any(|c| c.is_uppercase())
        && visible.iter().any(|c| c.is_lowercase())
        || visible.contains(&'0');
    has_symbol || mixed
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '„')
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

const NUMBER_WORDS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred";

/// `Part 2`, `Chapter 3: Undertow`, `Chapter Three - Title`, `Prologue`, `Epilogue: After`.
pub fn is_heading(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    if line.len() > 160 {
        return false;
    }
    let re = RE.get_or_init(|| {
        let n = format!(r"(?:\d+|[ivxlcdm]+|(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))?)");
        Regex::new(&format!(
            r"(?i)^(?:(?:part|chapter|book)\s+{n}(?:\s+of\s+{n})?|prologue|epilogue|interlude)(?:\s*[:.\-–—]\s*(?:\S.*)?|\s*\(.*\))?$"
        ))
        .expect("valid pattern")
    });
    re.is_match(line)
}

/// `TBC`, `To be continued...`, `~fin~`, `The End`, `End of chapter 3`, `The end of part 1`.
pub fn is_closing(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    if line.len() > 80 {
        return false;
    }
    let core = line.trim_matches(|c: char| c.is_whitespace() || "~*-_=()[]<>#•·".contains(c));
    // Every form starts with `the`, `t`, `to`, `end` or `fin`; this is asked of nearly
    // every line, so most are turned away before the regex.
    if !core.starts_with(['t', 'T', 'e', 'E', 'f', 'F']) {
        return false;
    }
    regex(
        &RE,
        r"(?i)^(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:part|chapter|book|story|installment|episode)(?:\s+(?:\d+(?:\s*/\s*\d+|\s+of\s+\d+)?|\p{L}+))?|t\.?\s?b\.?\s?c\.?|to\s+be\s+continued(?:\s+(?:in|next)\b[^.!?…]{0,40})?|fin|the\s+end|end)\s*(?:\.{1,3}|…|!+|\?)*$",
    )
    .is_match(core)
}

/// Whether a paragraph whose first line is `line` is an author's note: `A/N:`, `AN:`,
/// `AN2:`, `A/N 2:`, `Author's Note:`, `Authors Note:`, `Note:` (any case, optionally
/// inside a bracket).
pub fn is_note_start(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Every label starts with `a` or `n` after the optional bracket; this is asked of
    // nearly every line, so most are turned away before the regex.
    let label = line.trim_start_matches(['(', '[', '*', '_']).trim_start();
    if !label.starts_with(['a', 'A', 'n', 'N']) {
        return false;
    }
    // The label is at the start; looking at a bounded prefix keeps huge lines cheap.
    let mut cut = line.len().min(120);
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    let line = &line[..cut];
    regex(
        &RE,
        r"(?i)^[(\[*_]*\s*(?:a\s*/\s*n(?:[^\p{L}]|$)|an\s*\d*\s*:|author['’]?s?['’]?\s*notes?\s*(?:[:\-–—]|$)|notes?\s*:)",
    )
    .is_match(line)
}

/// Whether `text` opens with its own author's-note label (`A/N:`, `(Author's note)`):
/// the writer asks this of a note's first words, so a note that labels itself gets no
/// second label. The rule is the one that made the paragraph a note, so the two agree.
pub fn starts_with_note_label(text: &str) -> bool {
    is_note_start(text.trim_start())
}

/// `Disclaimer: I own nothing.` Only before the story is this set apart as a note.
fn is_disclaimer(line: &str) -> bool {
    let line = line.trim_start_matches(['(', '[', '*', '_']).trim_start();
    line.get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("disclaimer"))
        && line[10..].trim_start().starts_with([':', '-', '–', '—'])
}

fn starts_dialogue(line: &str) -> bool {
    line.starts_with(['"', '“', '\'', '‘', '«', '„', '—', '–'])
}

fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '”', '\'', '’', ')', '*', '_', '»']);
    t.ends_with(['.', '!', '?', '…'])
}

/// A line that must start its own paragraph even inside a hard-wrapped block. Only
/// capitalised forms count, so a wrapped `note: …` mid-sentence stays joined.
fn forces_new_paragraph(line: &str) -> bool {
    !line.starts_with(char::is_lowercase) && (is_note_start(line) || is_closing(line))
}

// ---------------------------------------------------------------------------------------
// Layout

/// How far under the wrap width a wrapped line may end (a long next word, ragged
/// hand wrapping).
fn slack(width: usize) -> usize {
    (width / 6).max(6)
}

#[derive(Debug)]
struct Layout {
    /// Lines are hard-wrapped at about `width` columns.
    wrapped: bool,
    /// The file's typical maximum line width (98th percentile).
    width: usize,
    /// Paragraphs are separated by blank lines.
    blank_separated: bool,
    /// Indentation beyond this many columns marks a paragraph start; `None` when
    /// indentation carries no meaning in this file.
    indent_base: Option<usize>,
}

impl Layout {
    fn measure(lines: &[Line]) -> Layout {
        const CAP: usize = 1000;
        let mut hist = vec![0usize; CAP + 1];
        let mut text_lines = 0usize;
        let mut min_indent = usize::MAX;
        for l in lines.iter().filter(|l| l.kind == Kind::Text) {
            hist[l.width.min(CAP)] += 1;
            text_lines += 1;
            min_indent = min_indent.min(l.indent);
        }
        let mut width = CAP;
        let mut seen = 0;
        for (w, &count) in hist.iter().enumerate() {
            seen += count;
            if seen * 100 >= text_lines * 98 {
                width = w;
                break;
            }
        }

        // Hard wrap: lines followed by another text line of the same block pile up
        // just under the width.
        let near = |w: usize| w + slack(width) >= width;
        let mut inner = 0usize;
        let mut inner_near = 0usize;
        let mut inner_near_sentence = 0usize;
        let mut all_near = 0usize;
        let mut indented = 0usize;
        let mut blocks = 0usize;
        let mut prev_text = false;
        for (i, l) in lines.iter().enumerate() {
            if l.kind != Kind::Text {
                prev_text = false;
                continue;
            }
            if !prev_text {
                blocks += 1;
            }
            prev_text = true;
            if l.indent > min_indent {
                indented += 1;
            }
            if near(l.width) {
                all_near += 1;
            }
            if lines.get(i + 1).is_some_and(|n| n.kind == Kind::Text) {
                inner += 1;
                if near(l.width) {
                    inner_near += 1;
                    if ends_sentence(l.content) {
                        inner_near_sentence += 1;
                    }
                }
            }
        }
        // Hard-wrapped text has its lines that continue a paragraph piled up just under
        // the width (and, with short paragraphs, still a good share of all lines), and
        // most of them stop mid-sentence; one-line paragraphs of similar length end one.
        let wrapped = (30..=120).contains(&width)
            && inner_near >= 2
            && inner_near_sentence * 2 <= inner_near
            && (inner_near * 100 >= inner * 60 || all_near * 100 >= text_lines * 35);

        // Blank-line separated when blocks are about as many as paragraph ends.
        let ends = if wrapped {
            lines
                .iter()
                .enumerate()
                .filter(|(i, l)| {
                    l.kind == Kind::Text
                        && !(near(l.width)
                            && lines.get(i + 1).is_some_and(|n| n.kind == Kind::Text))
                })
                .count()
        } else {
            text_lines
        };
        let blank_separated = blocks >= 2 && blocks * 5 > ends * 2;
        let indent_base =
            (indented >= 2 && indented * 100 >= text_lines * 10).then_some(min_indent);
        Layout {
            wrapped,
            width,
            blank_separated,
            indent_base,
        }
    }

    fn slack(&self) -> usize {
        slack(self.width)
    }

    /// Lines shorter than this are "short" (verse, dialogue, a paragraph's last line).
    /// Measured on the wrap width when there is one, else on an 80-column page.
    fn short(&self) -> usize {
        if self.wrapped {
            self.width.min(80) / 2
        } else {
            40
        }
    }
}

// ---------------------------------------------------------------------------------------
// Joining lines into paragraphs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
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
    let needed = a.width + 1 + first_word_width(b.content);
    if ends_sentence(a.content) {
        !starts_dialogue(b.content) && needed > width
    } else {
        needed + 3 > width
    }
}

/// How `b` relates to `a` inside a block of a hard-wrapped file: a wrap when `b`'s
/// first word would (nearly: hand wrapping is ragged) not have fitted on `a`, else a
/// line kept on purpose (verse, an address, a list).
fn continues_in_block(a: &Line, b: &Line, layout: &Layout) -> Join {
    if a.width + 1 + first_word_width(b.content) + layout.slack() > layout.width {
        Join::Space
    } else {
        Join::Break
    }
}

/// How `b` relates to `a` inside a block when no wrap width could be measured (an
/// unwrapped file, or too few lines to tell).
fn continues_unmeasured(a: &Line, b: &Line, layout: &Layout) -> Join {
    if a.width > 80 || (starts_dialogue(b.content) && ends_sentence(a.content)) {
        // Lines longer than any wrap are paragraphs of their own.
        Join::New
    } else if a.width >= layout.short() {
        // Long enough to be a wrap.
        Join::Space
    } else {
        Join::Break
    }
}

fn decide_joins(lines: &[Line], layout: &Layout) -> Vec<Join> {
    let mut joins = vec![Join::New; lines.len()];
    for i in 1..lines.len() {
        let (a, b) = (&lines[i - 1], &lines[i]);
        if a.kind != Kind::Text || b.kind != Kind::Text || forces_new_paragraph(b.content) {
            continue;
        }
        let indented = layout.indent_base.is_some_and(|base| b.indent > base);
        joins[i] = if indented {
            Join::New
        } else if layout.indent_base.is_some() || layout.blank_separated {
            // An unindented line after an indented one, or a line inside a block.
            if layout.wrapped {
                continues_in_block(a, b, layout)
            } else {
                continues_unmeasured(a, b, layout)
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
            && l.width < short
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

// ---------------------------------------------------------------------------------------
// Items: paragraphs, scene breaks and pauses

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// Lines `first..=last`, all text.
    Para {
        first: usize,
        last: usize,
    },
    SceneBreak,
    Pause,
}

fn build_items(lines: &[Line], joins: &[Join], layout: &Layout) -> Vec<Item> {
    let pause_after = if layout.blank_separated { 2 } else { 1 };
    let mut items = Vec::new();
    let mut blanks = 0usize;
    let mut i = 0;
    while i < lines.len() {
        match lines[i].kind {
            Kind::Blank => {
                blanks += 1;
                i += 1;
            }
            Kind::Heading => {
                blanks = 0;
                i += 1;
            }
            Kind::Break => {
                items.push(Item::SceneBreak);
                blanks = 0;
                i += 1;
            }
            Kind::Text => {
                if blanks >= pause_after && matches!(items.last(), Some(Item::Para { .. })) {
                    items.push(Item::Pause);
                }
                blanks = 0;
                let first = i;
                i += 1;
                while i < lines.len() && lines[i].kind == Kind::Text && joins[i] != Join::New {
                    i += 1;
                }
                items.push(Item::Para { first, last: i - 1 });
            }
        }
    }
    // A pause means something only between two paragraphs.
    if items.last() == Some(&Item::Pause) {
        items.pop();
    }
    items
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Story,
    Closing,
    /// An author's note; consecutive items with the same group share one container.
    Note(usize),
}

fn assign_roles(items: &[Item], lines: &[Line]) -> Vec<Role> {
    let mut roles = vec![Role::Story; items.len()];
    let para = |k: usize| match items[k] {
        Item::Para { first, last } => Some((first, last)),
        _ => None,
    };
    let note_at = |k: usize| para(k).is_some_and(|(first, _)| is_note_start(lines[first].content));
    let closing_at = |k: usize| {
        para(k).is_some_and(|(first, last)| first == last && is_closing(lines[first].content))
    };

    // Notes before the story; a disclaimer there is the writer speaking too.
    let start_note_at = |k: usize| {
        note_at(k) || para(k).is_some_and(|(first, _)| is_disclaimer(lines[first].content))
    };
    let mut k = 0;
    let mut start_end = 0;
    while k < items.len() && (start_note_at(k) || items[k] == Item::Pause) {
        if start_note_at(k) {
            start_end = k + 1;
        }
        k += 1;
    }
    for r in roles.iter_mut().take(start_end) {
        *r = Role::Note(1);
    }

    // The end region: the earliest note after which no scene break or closing comes,
    // and not much more text (so a note between scenes does not swallow the story).
    // Text is measured in bytes: the ratio is what matters, and counting words here
    // would read the whole file once more.
    let words: Vec<usize> = (0..items.len())
        .map(|k| {
            para(k).map_or(0, |(f, l)| {
                lines[f..=l].iter().map(|l| l.content.len()).sum()
            })
        })
        .collect();
    let total: usize = words.iter().sum();
    let mut after_words = 0;
    let mut after_paras = 0;
    let mut structure_after = false;
    let mut end_region = items.len();
    for k in (start_end..items.len()).rev() {
        if note_at(k) && !structure_after {
            let before = total - after_words - words[k];
            if after_paras <= 8 || after_words * 5 <= before {
                end_region = k;
            }
        }
        if items[k] == Item::SceneBreak || closing_at(k) {
            structure_after = true;
        }
        if para(k).is_some() {
            after_paras += 1;
            after_words += words[k];
        }
    }
    for r in roles.iter_mut().skip(end_region) {
        *r = Role::Note(2);
    }

    // Closing lines: the last story lines before the end region.
    for k in (start_end..end_region).rev() {
        if closing_at(k) {
            roles[k] = Role::Closing;
        } else if !matches!(items[k], Item::SceneBreak | Item::Pause) {
            break;
        }
    }

    // Notes in the middle of the story, each set apart.
    let mut group = 3;
    for (k, role) in roles
        .iter_mut()
        .enumerate()
        .take(end_region)
        .skip(start_end)
    {
        if note_at(k) && *role == Role::Story {
            *role = Role::Note(group);
            group += 1;
        }
    }
    roles
}

// ---------------------------------------------------------------------------------------
// Events

fn emit(
    items: &[Item],
    roles: &[Role],
    lines: &[Line],
    joins: &[Join],
    opts: &TextOptions,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Event> {
    let mut events = Vec::new();
    let mut open_note: Option<usize> = None;
    for (k, item) in items.iter().enumerate() {
        let role = roles[k];
        if *item == Item::Pause {
            // Only between two paragraphs of the same kind.
            let next_para = items
                .get(k + 1)
                .is_some_and(|i| matches!(i, Item::Para { .. }));
            let prev_para = k > 0 && matches!(items[k - 1], Item::Para { .. });
            if prev_para
                && next_para
                && roles[k - 1] == roles[k + 1]
                && roles[k + 1] != Role::Closing
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
            Item::SceneBreak => events.push(Event::SceneBreak),
            Item::Pause => {}
            Item::Para { first, last } => {
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
                            .at_line(line.no),
                        );
                    }
                }
                let text = paragraph_text(&lines[first..=last], &joins[first..=last]);
                events.push(Event::Start(block.clone()));
                inline_events(text, opts.typography, &mut events);
                events.push(Event::End(block));
            }
        }
    }
    if open_note.is_some() {
        events.push(Event::End(Tag::AuthorNote));
    }
    events
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

// ---------------------------------------------------------------------------------------
// Inline markup

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
    let gt = bytes.iter().take(name_start + 7).position(|&b| b == b'>')?;
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
    loop {
        i = find_byte(bytes, i, |b| matches!(b, b'*' | b'_' | b'<'));
        if i == bytes.len() {
            break;
        }
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

/// The index of the first byte at or after `from` that is `wanted` (or the length).
/// Whole 16-byte chunks are tested without stopping inside them, which the compiler
/// turns into a few vector instructions; for bytes as rare as markup that is faster
/// than a byte-at-a-time search.
fn find_byte(bytes: &[u8], from: usize, wanted: impl Fn(u8) -> bool) -> usize {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        if chunk.iter().fold(false, |hit, &b| hit | wanted(b)) {
            break;
        }
        i += 16;
    }
    bytes[i..]
        .iter()
        .position(|&b| wanted(b))
        .map_or(bytes.len(), |p| i + p)
}

/// Emits a paragraph's inline events: text, emphasis and line breaks.
fn inline_events(text: String, typography: Typography, events: &mut Vec<Event>) {
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
    let marked = match typography {
        Typography::Smart => smarten(&marked),
        Typography::Off => marked,
    };
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
mod hyphen_tests {
    use super::*;

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::xhtml::{write_body, ImageMap};

    fn read(input: &str) -> Body {
        parse(input, "t.txt", 1, &TextOptions::default()).0
    }

    fn html(input: &str) -> String {
        let body = read(input);
        let mut out = String::new();
        write_body(
            &body.events,
            &ImageMap::new(),
            crate::labels::Labels::for_language("en"),
            &mut out,
        );
        out
    }

    fn paragraphs(input: &str) -> Vec<String> {
        let mut paras = Vec::new();
        let mut cur = None::<String>;
        for e in read(input).events {
            match e {
                Event::Start(Tag::Paragraph | Tag::Closing) => cur = Some(String::new()),
                Event::End(Tag::Paragraph | Tag::Closing) => paras.extend(cur.take()),
                Event::Text(t) => {
                    if let Some(c) = cur.as_mut() {
                        c.push_str(&t)
                    }
                }
                Event::LineBreak => {
                    if let Some(c) = cur.as_mut() {
                        c.push('/')
                    }
                }
                _ => {}
            }
        }
        paras
    }

    #[test]
    fn blank_line_separated_paragraphs() {
        assert_eq!(
            paragraphs("One two.\n\nThree  four.\n\n\n"),
            ["One two.", "Three four."]
        );
    }

    #[test]
    fn one_newline_per_paragraph() {
        let input = "The rain had stopped by the time she reached the harbour wall.\n\"Late again,\" said Maro.\nShe shrugged and sat down beside him on the cold stones.\n";
        assert_eq!(
            paragraphs(input),
            [
                "The rain had stopped by the time she reached the harbour wall.",
                "“Late again,” said Maro.",
                "She shrugged and sat down beside him on the cold stones."
            ]
        );
    }

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
    fn indented_paragraphs_with_and_without_blank_lines() {
        let input = "    The first paragraph starts here.\n    The second one\there, with  spaces.\n\tA tab works too.\n";
        assert_eq!(
            paragraphs(input),
            [
                "The first paragraph starts here.",
                "The second one here, with spaces.",
                "A tab works too."
            ]
        );
        let wrapped = "\
    The lantern keeper climbed the stairs every night at dusk, counting
the steps under her breath as her mother had taught her, and she never
lost count.
    The lamp was cold. She struck the match and waited for the wick to
take, and the old glass hummed as it warmed in her careful, steady hands.
";
        assert_eq!(
            paragraphs(wrapped),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her, and she never lost count.",
                "The lamp was cold. She struck the match and waited for the wick to take, and the old glass hummed as it warmed in her careful, steady hands."
            ]
        );
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
    fn two_blank_lines_are_a_pause() {
        let events = read("One.\n\nTwo.\n\n\nThree.\n").events;
        assert_eq!(events.iter().filter(|e| **e == Event::Pause).count(), 1);
        let pos = events.iter().position(|e| *e == Event::Pause).unwrap();
        assert_eq!(events[pos - 2], Event::Text("Two.".into()));
        // In a file without blank lines between paragraphs, one blank line is a pause.
        let events = read("One.\nTwo.\nThree.\n\nFour.\nFive.\n").events;
        assert_eq!(events.iter().filter(|e| **e == Event::Pause).count(), 1);
        // Blank lines around a scene break are not a pause.
        let events = read("One.\n\n\n* * *\n\n\nTwo.\n").events;
        assert!(!events.contains(&Event::Pause));
        assert!(events.contains(&Event::SceneBreak));
    }

    #[test]
    fn scene_break_styles() {
        for line in [
            "*    *    *",
            "* * *",
            "***",
            "~~~",
            "---",
            "___",
            "###",
            "oOo",
            "xXx",
            "-x-",
            "~*~",
            "<>",
            "OoO",
            "-o-",
            "x-x-x",
            "o0o",
            "+",
            "=-=-=-=-=",
            "--------------------------------",
            "♥ ♥ ♥",
            "=-=-=-=-=-=-=-=-=-=-=-=",
            "* * * * * * * * * * * * * * *",
        ] {
            assert!(is_scene_break(line), "{line}");
            let events = read(&format!("Before.\n\n{line}\n\nAfter.\n")).events;
            assert_eq!(
                events.iter().filter(|e| **e == Event::SceneBreak).count(),
                1,
                "{line}"
            );
            assert_eq!(
                paragraphs(&format!("Before.\n\n{line}\n\nAfter.\n")),
                ["Before.", "After."],
                "{line}"
            );
        }
        for line in [
            "...", "…", "\"...\"", "?!", ":)", "xoxo", "xxx", "ox", "o.", "Oh", "<3", "OOO", "I",
        ] {
            assert!(!is_scene_break(line), "{line}");
        }
        assert_eq!(
            paragraphs("\"Well?\"\n\n...\n\n\"...\"\n"),
            ["“Well?”", "…", "“…”"]
        );
    }

    #[test]
    fn headings() {
        for h in [
            "Part 1",
            "Chapter 3",
            "Chapter 3: Undertow",
            "Chapter 3 - Undertow",
            "Chapter Three",
            "Chapter Twenty-One",
            "Prologue",
            "Epilogue",
            "Interlude: The Harbour",
            "CHAPTER IV",
            "Part 2 of 3",
            "Chapter 1.",
            "Epilogue (Ten Years On)",
            "Chapter 7 – Salt",
        ] {
            let body = read(&format!("\n{h}\n\nThe story.\n"));
            assert_eq!(body.heading.as_deref(), Some(h));
            assert_eq!(
                paragraphs(&format!("\n{h}\n\nThe story.\n")),
                ["The story."]
            );
        }
        for not in [
            "Chapter and verse were quoted.",
            "Parting was hard.",
            "Prologues bore me.",
            "Part I wanted to stay.",
            "Part of me knew.",
        ] {
            assert_eq!(read(&format!("{not}\n\nMore.")).heading, None, "{not}");
        }
        // Only the first line is a heading.
        assert_eq!(read("Story first.\n\nChapter 2\n").heading, None);
        // A heading right before wrapped text is never joined into it.
        assert_eq!(
            read("Chapter 1\nThe story starts.\n").heading.as_deref(),
            Some("Chapter 1")
        );
    }

    #[test]
    fn closings_only_at_the_end() {
        for c in [
            "The end of part 1",
            "End of chapter 3.",
            "TBC",
            "T.B.C.",
            "To be continued...",
            "To be continued…",
            "~fin~",
            "Fin",
            "The End",
            "(To be continued)",
            "End of part 2 of 3",
            "End of Chapter 4/10",
            "*The End*",
            "To be continued in part 3!",
            "THE END.",
        ] {
            assert!(is_closing(c), "{c}");
            let h = html(&format!("Story.\n\n{c}\n"));
            assert!(h.contains("<p class=\"closing\">"), "{c}: {h}");
        }
        let h = html("Story.\n\nThe End\n\nMore story.\n");
        assert!(!h.contains("closing"), "{h}");
        for not in [
            "The end of the road was near.",
            "The end of the story was near",
            "Fine.",
            "To be continued, he said.",
        ] {
            assert!(!is_closing(not), "{not}");
        }
        // Before trailing notes, with its typography.
        let h = html("Story.\n\nTo be continued...\n\nA/N: thanks for reading!\n");
        assert!(
            h.contains("<p class=\"closing\">To be continued…</p>"),
            "{h}"
        );
        assert!(h.contains("<div class=\"author-note\""), "{h}");
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
    fn author_notes_at_start_and_end() {
        let input = "A/N: This one is for my sister.\n\nThe story begins.\n\nIt ends.\n\nAuthor's Note: Thanks for reading!\n\nReviews are love.\n";
        let events = read(input).events;
        let notes = events
            .iter()
            .filter(|e| **e == Event::Start(Tag::AuthorNote))
            .count();
        assert_eq!(notes, 2);
        assert_eq!(events[0], Event::Start(Tag::AuthorNote));
        assert_eq!(events.last(), Some(&Event::End(Tag::AuthorNote)));
        // "Reviews are love." follows the end note, so it is inside it.
        let h = html(input);
        assert!(h.ends_with("<p>Reviews are love.</p>\n</div>\n"), "{h}");
        for prefix in [
            "AN:",
            "A/N:",
            "A/N",
            "AN2:",
            "A/N 2:",
            "Author's Note:",
            "Author’s note:",
            "Authors Note:",
            "Note:",
            "an:",
            "(A/N: ",
        ] {
            assert!(is_note_start(&format!("{prefix} hi")), "{prefix}");
        }
        for not in [
            "An hour later.",
            "Annie:",
            "Notes were passed.",
            "A/Nothing",
            "Authority figures",
        ] {
            assert!(!is_note_start(not), "{not}");
        }
    }

    #[test]
    fn a_disclaimer_before_the_story_joins_the_start_note() {
        let events = read("A/N: Thanks, Rin!\n\nDisclaimer: I own nothing.\n\nStory.\n\nDisclaimer: a word in the story.\n\nEnd.").events;
        assert_eq!(
            events
                .iter()
                .filter(|e| **e == Event::Start(Tag::AuthorNote))
                .count(),
            1
        );
        assert_eq!(events[7], Event::End(Tag::AuthorNote));
        assert!(
            is_disclaimer("Disclaimer: mine")
                && is_disclaimer("DISCLAIMER - none")
                && !is_disclaimer("Disclaimers are dull.")
        );
    }

    #[test]
    fn mid_story_note_is_set_apart_without_swallowing_the_story() {
        let mut input =
            String::from("Scene one.\n\nNote: the next part is a flashback.\n\n* * *\n\n");
        for i in 0..12 {
            input.push_str(&format!("Story paragraph {i}.\n\n"));
        }
        let events = read(&input).events;
        assert_eq!(
            events
                .iter()
                .filter(|e| **e == Event::Start(Tag::AuthorNote))
                .count(),
            1
        );
        assert_eq!(events[3], Event::Start(Tag::AuthorNote));
        assert_eq!(events[7], Event::End(Tag::AuthorNote));
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
                typography: Typography::Off,
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
    }

    /// `cargo test --lib -- --ignored scaling --nocapture` prints times for growing inputs.
    #[test]
    #[ignore]
    fn scaling() {
        for n in [1usize, 4, 16] {
            let para = "The lantern keeper climbed the stairs every night at dusk, counting\n";
            let wrapped = para.repeat(n * 15_000);
            let line = "word *em* _x_ <i>i</i> \"q\" it's -- ... f*ck ".repeat(n * 20_000);
            let mut dialogue = String::new();
            for i in 0..n * 20_000 {
                dialogue.push_str(&format!("\"Line {i},\" she said. *Yes* and 'no'.\n"));
            }
            for (name, input) in [
                ("wrapped", &wrapped),
                ("one line", &line),
                ("dialogue", &dialogue),
            ] {
                let t = std::time::Instant::now();
                let body = read(input);
                eprintln!(
                    "{name}: {} MB in {:?} ({} events)",
                    input.len() / 1_000_000,
                    t.elapsed(),
                    body.events.len()
                );
            }
        }
    }

    #[test]
    fn huge_single_line_and_many_lines_are_linear() {
        // Not a timing test: a quadratic path would make this test take minutes.
        let line = "word *em* _x_ <i>i</i> \"q\" it's -- ... ".repeat(100_000);
        let body = read(&line);
        assert_eq!(
            body.events
                .iter()
                .filter(|e| **e == Event::Start(Tag::Paragraph))
                .count(),
            1
        );
        let many = "A line of its own, fairly ordinary.\n".repeat(100_000);
        let body = read(&many);
        assert_eq!(
            body.events
                .iter()
                .filter(|e| **e == Event::Start(Tag::Paragraph))
                .count(),
            100_000
        );
        let stars = "*".repeat(1_000_000) + &"_a".repeat(500_000);
        read(&stars);
    }

    /// Renders a body the way fixtures store it: the heading as a comment, then markup.
    fn fixture_output(input: &str) -> String {
        let (body, _) = parse(input, "input.txt", 1, &TextOptions::default());
        let mut out = String::new();
        if let Some(h) = &body.heading {
            out.push_str(&format!("<!-- heading: {h} -->\n"));
        }
        write_body(
            &body.events,
            &ImageMap::new(),
            crate::labels::Labels::for_language("en"),
            &mut out,
        );
        out
    }

    /// Compares every `tests/fixtures/text/<case>/input.txt` with its `expected.xhtml`;
    /// `FICBIND_BLESS=1` rewrites the expected files instead.
    #[test]
    fn fixtures() {
        use std::fs;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text");
        let bless = std::env::var("FICBIND_BLESS").is_ok_and(|v| v == "1");
        let mut cases: Vec<_> = fs::read_dir(&dir)
            .expect("fixture folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        assert!(
            cases.len() >= 14,
            "expected the fixture cases in {}",
            dir.display()
        );
        let mut failures = Vec::new();
        for case in &cases {
            let input = fs::read_to_string(case.join("input.txt")).expect("input.txt");
            let out = fixture_output(&input);
            let expected_path = case.join("expected.xhtml");
            if bless {
                fs::write(&expected_path, &out).expect("write expected");
                continue;
            }
            let expected = fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != out {
                failures.push(format!(
                    "--- {}\nexpected:\n{expected}\nactual:\n{out}",
                    case.display()
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} fixture(s) differ (FICBIND_BLESS=1 rewrites):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// Checks that markup is balanced and every `&` starts a known entity; returns the
    /// text with tags removed and entities decoded.
    fn well_formed_text(xhtml: &str) -> Result<String, String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut text = String::new();
        let mut rest = xhtml;
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                let end = rest.find('>').ok_or("unterminated tag")?;
                let inner = &rest[1..end];
                if let Some(name) = inner.strip_prefix('/') {
                    let open = stack.pop().ok_or(format!("stray </{name}>"))?;
                    if open != name {
                        return Err(format!("<{open}> closed by </{name}>"));
                    }
                } else if !inner.ends_with('/') {
                    let name = inner.split(' ').next().unwrap_or("");
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                        return Err(format!("bad tag <{inner}>"));
                    }
                    stack.push(name);
                }
                rest = &rest[end + 1..];
            } else if c == '&' {
                let (entity, ch) = [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                    ("&#39;", '\''),
                ]
                .into_iter()
                .find(|(e, _)| rest.starts_with(e))
                .ok_or("bare &")?;
                text.push(ch);
                rest = &rest[entity.len()..];
            } else if c == '>' {
                return Err("bare >".into());
            } else {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if stack.is_empty() {
            Ok(text)
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    fn is_subsequence(needle: &[char], hay: &[char]) -> bool {
        let mut it = hay.iter();
        needle.iter().all(|c| it.any(|h| h == c))
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn atom() -> impl Strategy<Value = String> {
            prop_oneof![
                4 => "[a-zA-Z0-9]{1,8}",
                2 => Just(" ".to_string()),
                2 => prop_oneof![Just("\n"), Just("\n\n"), Just("\n\n\n"), Just("\t"), Just("  "), Just("\u{a0}")].prop_map(String::from),
                2 => "[-.,!?;:'\"*_<>~#=+/()&]{1,3}",
                1 => prop_oneof![
                    Just("<i>"), Just("</i>"), Just("<b>"), Just("</b>"), Just("<em>"), Just("</em>"), Just("<STRONG>"),
                    Just("</strong>"), Just("<u>"), Just("</u>"), Just("<s>"), Just("</S>"), Just("<3"), Just("<span>"),
                    Just("A/N: "), Just("Note: "), Just("Chapter 1"), Just("* * *"), Just("oOo"), Just("TBC"),
                    Just("The End"), Just("…"), Just("“"), Just("’"), Just("f*ck"), Just("--"), Just("..."),
                ].prop_map(String::from),
            ]
        }

        fn input() -> impl Strategy<Value = String> {
            prop::collection::vec(atom(), 0..80).prop_map(|v| v.concat())
        }

        /// The letters and digits a reader must keep: the input's, minus leftover tags
        /// (which may be consumed as markup) and scene-break lines (ornaments).
        fn kept_alnum(input: &str, heading: Option<&str>) -> Vec<char> {
            let tags = Regex::new(r"(?i)</?(?:i|b|em|strong|u|s)>").unwrap();
            let mut out: Vec<char> = heading
                .unwrap_or("")
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            let mut heading_skipped = heading.is_none();
            for line in input.split('\n') {
                let t = line.trim();
                if !heading_skipped && !t.is_empty() {
                    heading_skipped = true;
                    continue;
                }
                if is_scene_break(t) {
                    continue;
                }
                out.extend(
                    tags.replace_all(line, "")
                        .chars()
                        .filter(|c| c.is_alphanumeric()),
                );
            }
            out
        }

        /// Greedy hard wrap at `width` columns, as editors and archive exports do it.
        fn wrap(words: &[String], width: usize) -> String {
            let mut out = String::new();
            let mut line_len = 0;
            for w in words {
                if line_len > 0 && line_len + 1 + w.len() > width {
                    out.push('\n');
                    line_len = 0;
                } else if line_len > 0 {
                    out.push(' ');
                    line_len += 1;
                }
                out.push_str(w);
                line_len += w.len();
            }
            out
        }

        fn paragraph_words() -> impl Strategy<Value = Vec<String>> {
            prop::collection::vec("[a-z]{1,10}", 1..60).prop_map(|mut words| {
                words[0] = format!("{}{}", words[0][..1].to_uppercase(), &words[0][1..]);
                if let Some(last) = words.last_mut() {
                    last.push('.');
                }
                words
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            /// Blank-line separated paragraphs come back exactly, whether each is one
            /// line or hard-wrapped at any width from 60 to 80 columns.
            #[test]
            fn blank_separated_paragraphs_round_trip(paras in prop::collection::vec(paragraph_words(), 2..12), width in 60usize..=80, wrapped: bool) {
                let input: Vec<String> = paras.iter().map(|w| if wrapped { wrap(w, width) } else { w.join(" ") }).collect();
                let got = paragraphs(&input.join("\n\n"));
                let want: Vec<String> = paras.iter().map(|w| w.join(" ")).collect();
                prop_assert_eq!(got, want);
            }
        }

        proptest! {
            // About a third of random layouts are ambiguous and skipped.
            #![proptest_config(ProptestConfig { cases: 200, max_global_rejects: 10_000, ..ProptestConfig::default() })]
            /// Without blank lines, hard-wrapped paragraphs come back exactly whenever the
            /// layout is unambiguous: no paragraph's last line is so full that the next
            /// paragraph's first word could not have fitted on it.
            #[test]
            fn wrapped_paragraphs_without_blank_lines_round_trip(
                paras in prop::collection::vec(prop::collection::vec("[a-z]{1,10}", 15..60), 3..10),
                width in 60usize..=80,
            ) {
                let paras: Vec<Vec<String>> = paras.into_iter().map(|mut w| {
                    w[0] = format!("{}{}", w[0][..1].to_uppercase(), &w[0][1..]);
                    w.last_mut().unwrap().push('.');
                    w
                }).collect();
                let wrapped: Vec<String> = paras.iter().map(|w| wrap(w, width)).collect();
                let max = wrapped.iter().flat_map(|p| p.lines()).map(str::len).max().unwrap();
                for pair in wrapped.windows(2) {
                    let last = pair[0].lines().last().unwrap().len();
                    let first_word = pair[1].split([' ', '\n']).next().unwrap().len();
                    prop_assume!(last + 1 + first_word <= max);
                }
                let got = paragraphs(&wrapped.join("\n"));
                let want: Vec<String> = paras.iter().map(|w| w.join(" ")).collect();
                prop_assert_eq!(got, want);
            }

            /// Indented paragraphs (spaces or a tab), hard-wrapped or not, with or without
            /// blank lines between them, come back exactly.
            #[test]
            fn indented_paragraphs_round_trip(
                paras in prop::collection::vec(paragraph_words(), 3..12),
                width in 60usize..=80,
                wrapped: bool,
                blank: bool,
                tab: bool,
            ) {
                let indent = if tab { "\t" } else { "    " };
                let input: Vec<String> = paras.iter().map(|w| {
                    let mut w = w.clone();
                    w[0] = format!("{indent}{}", w[0]);
                    if wrapped { wrap(&w, width) } else { w.join(" ") }
                }).collect();
                let got = paragraphs(&input.join(if blank { "\n\n" } else { "\n" }));
                let want: Vec<String> = paras.iter().map(|w| w.join(" ")).collect();
                prop_assert_eq!(got, want);
            }

            /// One line per paragraph: every sentence line is its own paragraph.
            #[test]
            fn one_line_paragraphs_round_trip(paras in prop::collection::vec(paragraph_words(), 2..30)) {
                let lines: Vec<String> = paras.iter().map(|w| w.join(" ")).collect();
                prop_assert_eq!(paragraphs(&lines.join("\n")), lines);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            #[test]
            fn output_is_well_formed_and_keeps_every_letter(input in input()) {
                for typography in [Typography::Smart, Typography::Off] {
                    let (body, _) = parse(&input, "p.txt", 1, &TextOptions { typography });
                    let mut out = String::new();
                    write_body(&body.events, &ImageMap::new(), crate::labels::Labels::for_language("en"), &mut out);
                    let out = out.replace("<p class=\"note-label\">Author’s note</p>\n", "");
                    let text = well_formed_text(&out).map_err(|e| TestCaseError::fail(format!("{e} in {out}")))?;
                    let got: Vec<char> = body.heading.as_deref().unwrap_or("").chars().chain(text.chars())
                        .filter(|c| c.is_alphanumeric()).collect();
                    let want = kept_alnum(&input, body.heading.as_deref());
                    let all: Vec<char> = input.chars().filter(|c| c.is_alphanumeric()).collect();
                    prop_assert!(is_subsequence(&want, &got), "lost letters: want {:?} got {:?}\n{}", want, got, out);
                    prop_assert!(is_subsequence(&got, &all), "invented letters: {:?}", got);
                    // Events are balanced and properly nested.
                    let mut stack = Vec::new();
                    for e in &body.events {
                        match e {
                            Event::Start(t) => stack.push(t.clone()),
                            Event::End(t) => {
                                let open = stack.pop();
                                prop_assert_eq!(open.as_ref(), Some(t));
                            }
                            _ => {}
                        }
                    }
                    prop_assert!(stack.is_empty());
                }
            }
        }
    }
}
