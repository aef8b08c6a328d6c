//! Lines: what each line of a body is (blank, scene break, heading, text), and the
//! tests by which a line opens dialogue, ends a sentence, closes the story or opens a note.

use std::sync::OnceLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Blank,
    /// A scene break line (symbols or an ornament).
    Break,
    Heading,
    Text,
}

/// One line of a body. A file of one-word paragraphs holds one of these for every few
/// bytes, so it is kept to 24 bytes: the line's number is worked out from where its
/// text lies in the body when a diagnostic needs it, and counts that only matter up
/// to a few saturate.
#[derive(Debug)]
pub(super) struct Line<'a> {
    /// The line without leading indentation and trailing whitespace.
    pub(super) content: &'a str,
    /// Columns from the left margin to the last visible character.
    width: u32,
    /// Leading indentation in columns (a tab counts 4), at most 65,535.
    indent: u16,
    /// How many blank lines come right before this one, at most 255. Blank lines
    /// themselves are not kept: every rule asks only whether one or two stand between
    /// two lines.
    blanks_before: u8,
    pub(super) kind: Kind,
}

impl<'a> Line<'a> {
    /// Whether `next` follows this line directly, with no blank line between.
    pub(super) fn touches(next: Option<&Line>) -> bool {
        next.is_some_and(|n| n.kind == Kind::Text && n.blanks_before == 0)
    }

    pub(super) fn width(&self) -> usize {
        self.width as usize
    }

    pub(super) fn indent(&self) -> usize {
        usize::from(self.indent)
    }

    pub(super) fn blanks_before(&self) -> usize {
        usize::from(self.blanks_before)
    }

    pub(super) fn set_blanks_before(&mut self, blanks: usize) {
        self.blanks_before = u8::try_from(blanks).unwrap_or(u8::MAX);
    }

    /// `raw` must be a slice of the body (see `LineNumbers`).
    pub(super) fn new(raw: &'a str) -> Self {
        let content = raw.trim_matches(char::is_whitespace);
        let lead = &raw[..raw.len() - raw.trim_start_matches(char::is_whitespace).len()];
        let indent: usize = lead.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
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
            width: u32::try_from(width).unwrap_or(u32::MAX),
            indent: u16::try_from(indent).unwrap_or(u16::MAX),
            blanks_before: 0,
            kind,
        }
    }
}

/// The file line a line of the body is on, worked out from where its text lies in the
/// body. Asked in reading order, it counts each stretch of the body once.
pub(super) struct LineNumbers<'a> {
    body: &'a str,
    /// Bytes of the body counted so far, and the file line they end on.
    counted: usize,
    line: usize,
}

impl<'a> LineNumbers<'a> {
    /// `first_line` is the body's first line in the file.
    pub(super) fn new(body: &'a str, first_line: usize) -> Self {
        LineNumbers {
            body,
            counted: 0,
            line: first_line,
        }
    }

    /// The 1-based file line of `line`, which must come at or after the last one asked.
    pub(super) fn of(&mut self, line: &Line) -> usize {
        let at = (line.content.as_ptr() as usize)
            .saturating_sub(self.body.as_ptr() as usize)
            .clamp(self.counted, self.body.len());
        self.line += memchr::memchr_iter(b'\n', &self.body.as_bytes()[self.counted..at]).count();
        self.counted = at;
        self.line
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
        Some(c) if starts_prose(c) => return false,
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

/// Longest run of an ornament without a space that is kept: a longer one (a rule drawn
/// in dashes across the page) cannot wrap and would run off a phone's screen.
const ORNAMENT_RUN: usize = 24;

/// The writer's ornament for a scene-break line, as it is to be shown: its symbols and
/// spacing as written (`*    *    *` keeps its wide gaps: a run of spaces becomes
/// no-break spaces ending in one plain space, at most four, so it still wraps on a
/// narrow screen). `None` (the book's default ornament) for a line with a run too long
/// to show on a narrow screen, or a lone `#` (the manuscript mark for a break, not an
/// ornament).
pub fn ornament(line: &str) -> Option<String> {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words == ["#"] || words.iter().any(|w| w.chars().count() > ORNAMENT_RUN)
    {
        return None;
    }
    let mut out = String::with_capacity(line.len() * 2);
    let mut gap = 0usize;
    for c in line.chars() {
        if c.is_whitespace() {
            gap += 1;
            continue;
        }
        if gap > 0 {
            out.extend(std::iter::repeat_n('\u{a0}', gap.min(4) - 1));
            out.push(' ');
            gap = 0;
        }
        out.push(c);
    }
    Some(out)
}

/// Whether a line whose first visible character is `c` is text, never a scene break:
/// a quote, or a letter or digit that no ornament uses.
pub fn starts_prose(c: char) -> bool {
    is_quote(c) || (c.is_alphanumeric() && !matches!(c, 'o' | 'O' | '0' | 'x' | 'X'))
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
pub(super) fn is_disclaimer(line: &str) -> bool {
    let line = line.trim_start_matches(['(', '[', '*', '_']).trim_start();
    line.get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("disclaimer"))
        && line[10..].trim_start().starts_with([':', '-', '–', '—'])
}

pub(super) fn starts_dialogue(line: &str) -> bool {
    line.starts_with(['"', '“', '\'', '‘', '«', '„', '—', '–'])
}

pub(super) fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '”', '\'', '’', ')', '*', '_', '»']);
    t.ends_with(['.', '!', '?', '…'])
}

/// A line that must start its own paragraph even inside a hard-wrapped block. Only
/// capitalised forms count, so a wrapped `note: …` mid-sentence stays joined.
pub(super) fn forces_new_paragraph(line: &str) -> bool {
    !line.starts_with(char::is_lowercase) && (is_note_start(line) || is_closing(line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::event::Event;
    use crate::read::text::tests::{paragraphs, read};

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
                events
                    .iter()
                    .filter(|e| matches!(e, Event::SceneBreak(_)))
                    .count(),
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
    fn a_heading_after_opening_notes_is_the_heading() {
        use crate::read::event::Tag;
        let notes = |body: &crate::read::event::Body| {
            body.events
                .iter()
                .filter(|e| **e == Event::Start(Tag::AuthorNote))
                .count()
        };
        for input in [
            "A/N: For Rin, who asked.\n\nChapter 6: Letters\n\nThe post came late.\n",
            "A/N: For Rin, who asked.\nChapter 6: Letters\n\nThe post came late.\n",
            // A note of several paragraphs, a disclaimer among them, and a pause.
            "Author's note: For Rin, who asked.\n\nThis one took a while to write.\n\nDisclaimer: not mine.\n\n\nChapter 6: Letters\n\nThe post came late.\n",
            "Disclaimer: not mine.\n\nChapter 6: Letters\nThe post came late.\n",
        ] {
            let body = read(input);
            assert_eq!(body.heading.as_deref(), Some("Chapter 6: Letters"), "{input}");
            assert_eq!(notes(&body), 1, "{input}");
            assert_eq!(
                paragraphs(input).last().map(String::as_str),
                Some("The post came late."),
                "{input}"
            );
            assert!(!paragraphs(input).iter().any(|p| p.contains("Chapter")));
            assert_eq!(
                body.events[body.events.len() - 3..],
                [
                    Event::Start(Tag::Paragraph),
                    Event::Text("The post came late.".into()),
                    Event::End(Tag::Paragraph)
                ]
            );
        }
        // Only past notes: story text, a scene break, or too many paragraphs first.
        for input in [
            "The post came late.\n\nChapter 6: Letters\n\nMore.\n",
            "A/N: For Rin.\n\n* * *\n\nChapter 6: Letters\n\nMore.\n",
            &format!(
                "A/N: For Rin.\n\n{}Chapter 6: Letters\n\nMore.\n",
                "Story.\n\n".repeat(8)
            ),
        ] {
            assert_eq!(read(input).heading, None, "{input}");
            assert!(paragraphs(input).iter().any(|p| p == "Chapter 6: Letters"));
        }
        // A wrapped note line that happens to begin `chapter 6.` is not a heading.
        assert_eq!(
            read("A/N: thanks for the reviews on\nchapter 6. More soon.\n\nStory.\n").heading,
            None
        );
    }

    #[test]
    fn the_writers_ornament_is_kept_as_written() {
        for (line, shown) in [
            ("~*~", Some("~*~")),
            ("oOo", Some("oOo")),
            ("***", Some("***")),
            ("* * *", Some("* * *")),
            (
                "  *    *    *  ",
                Some("*\u{a0}\u{a0}\u{a0} *\u{a0}\u{a0}\u{a0} *"),
            ),
            ("*\t*", Some("* *")),
            ("#", None),
            ("--------------------------------", None),
        ] {
            assert_eq!(ornament(line).as_deref(), shown, "{line}");
        }
        let events = read("Before.\n\n~*~\n\nAfter.\n").events;
        assert!(events.contains(&Event::SceneBreak(Some("~*~".into()))));
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
        // A heading right after a story line is part of the story.
        assert_eq!(
            read("Story first.\nChapter 2: Letters\n\nMore.\n").heading,
            None
        );
        // A heading right before wrapped text is never joined into it.
        assert_eq!(
            read("Chapter 1\nThe story starts.\n").heading.as_deref(),
            Some("Chapter 1")
        );
    }
}
