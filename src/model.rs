//! The book model every stage hands to the next: plain data, no behaviour beyond
//! small derived views, so any stage can be tested by building these values by hand.

use serde::Serialize;

use crate::header::{Header, Rating};

/// One step of a story body. Both readers (plain text and Markdown) emit a stream of
/// these and the one XHTML writer in `xhtml.rs` consumes it, so every input format is
/// typeset by the same code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Start(Tag),
    End(Tag),
    /// Story text, unescaped. The writer escapes it.
    Text(String),
    /// Inline code (Markdown only).
    Code(String),
    /// A forced line break inside a block (verse, addresses, Markdown hard breaks).
    LineBreak,
    /// A scene break. Rendered as a visible centred ornament, never a bare rule, because
    /// some reading systems drop styled `<hr>` elements entirely.
    SceneBreak,
    /// Two or more blank lines: the writer's pause, kept as a visible gap.
    Pause,
    /// A footnote reference; the label is the Markdown label (`[^note]` gives `note`).
    FootnoteReference(String),
    /// An image referenced by a Markdown body; `src` is relative to the source file.
    Image {
        src: String,
        alt: String,
        title: String,
    },
}

/// Containers opened by `Event::Start` and closed by the matching `Event::End`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    Paragraph,
    /// A heading inside the body (Markdown `##`); `level` is the source level, 1–6.
    Heading(u8),
    Emphasis,
    Strong,
    Underline,
    Strikethrough,
    Superscript,
    Subscript,
    /// An author's note: the writer speaking, not the story. Holds paragraphs.
    AuthorNote,
    /// A closing line such as `TBC` or `The end of part 1`. Holds inline content.
    Closing,
    BlockQuote,
    CodeBlock,
    /// An ordered list starts at `Some(n)`, a bullet list is `None`.
    List(Option<u64>),
    Item,
    Table(Vec<Align>),
    TableHead,
    TableRow,
    TableCell,
    Link {
        href: String,
        title: String,
    },
    FootnoteDefinition(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// What a reader makes of one body: its own heading line (if the first line was
/// `Chapter 3: Undertow` and the like) and the event stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub heading: Option<String>,
    pub events: Vec<Event>,
}

impl Body {
    /// Words of story text, author's notes excepted: the figure a reader compares with
    /// the writer's declared word count.
    pub fn story_words(&self) -> usize {
        let mut depth_in_note = 0usize;
        let mut words = 0;
        for event in &self.events {
            match event {
                Event::Start(Tag::AuthorNote) => depth_in_note += 1,
                Event::End(Tag::AuthorNote) => depth_in_note = depth_in_note.saturating_sub(1),
                Event::Text(t) | Event::Code(t) if depth_in_note == 0 => words += count_words(t),
                _ => {}
            }
        }
        words
    }
}

/// Counts words the way writers and archives do: runs of letters or digits, with
/// apostrophes and hyphens inside a word not splitting it.
pub fn count_words(text: &str) -> usize {
    // A word starts at a letter or digit unless the character before it continues a
    // word: another letter or digit, a joiner (`'` `’` `-` `‐`) right after a letter or
    // digit (`don't`, `well-known`), or `,` `.` between two ASCII digits (`1,800`). So
    // each character is reduced to a 4-bit class, and whether a word starts is looked
    // up from the last three classes (`STARTS`). No branch depends on the text: the
    // word-by-word loop this replaced mispredicted at every space. ASCII (most story
    // text) is classified by table; other characters are decoded and asked of the
    // Unicode tables.
    let bytes = text.as_bytes();
    let mut count = 0usize;
    // The classes of the last three characters, 4 bits each, newest lowest; text
    // starts after spaces (class 0).
    let mut window = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let k = if b < 0x80 {
            i += 1;
            ASCII_CLASS[usize::from(b)]
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            class_of(c)
        };
        window = ((window << 4) | usize::from(k)) & 0xFFF;
        count += usize::from(STARTS[window]);
    }
    count
}

/// Character classes for [`count_words`], as bits.
const ALNUM: u8 = 1;
/// An ASCII digit (also `ALNUM`): only these join across `,` and `.`.
const DIGIT: u8 = 2;
const JOINS_LETTERS: u8 = 4;
const JOINS_DIGITS: u8 = 8;

const ASCII_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            ALNUM | DIGIT
        } else if c.is_ascii_alphabetic() {
            ALNUM
        } else if c == b'\'' || c == b'-' {
            JOINS_LETTERS
        } else if c == b',' || c == b'.' {
            JOINS_DIGITS
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whether a word starts at the newest of three characters, by their classes
/// (`p2 << 8 | p1 << 4 | k`).
const STARTS: [u8; 4096] = {
    let mut table = [0u8; 4096];
    let mut i = 0;
    while i < 4096 {
        let (p2, p1, k) = ((i >> 8) as u8, ((i >> 4) & 0xF) as u8, (i & 0xF) as u8);
        let continues = p1 & ALNUM != 0
            || (p1 & JOINS_LETTERS != 0 && p2 & ALNUM != 0)
            || (p1 & JOINS_DIGITS != 0 && p2 & DIGIT != 0 && k & DIGIT != 0);
        table[i] = (k & ALNUM != 0 && !continues) as u8;
        i += 1;
    }
    table
};

fn class_of(c: char) -> u8 {
    match c {
        '’' | '‐' => JOINS_LETTERS,
        // Typeset punctuation is in every sentence of a smartened book, and the Unicode
        // tables are slow to say it is not a letter.
        '‘' | '“' | '”' | '—' | '–' | '…' | '\u{a0}' => 0,
        c if c.is_alphanumeric() => ALNUM,
        _ => 0,
    }
}

/// A file that became (part of) an installment.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file name inside the series folder, as the user knows it.
    pub file: String,
    /// The encoding the file was read as (`UTF-8`, `UTF-16LE`, `windows-1252` …).
    pub encoding: String,
}

/// One file's worth of story: a whole installment or one part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub source: SourceInfo,
    /// The part number when the installment comes in parts (`part 2`, `(2/3)`).
    pub part: Option<u32>,
    /// The title exactly as the header (or file name) gave it.
    pub full_title: String,
    pub header: Header,
    pub body: Body,
    /// The body already written as XHTML and deflated, when a build parsed it (its
    /// events are then dropped): see `lib::Keep::Typeset`.
    pub typeset: Option<crate::epub::Deflated>,
    /// Words counted by ficbind (story text, notes excepted).
    pub words: usize,
}

/// A numbered installment or a free-standing story, with its parts in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installment {
    /// `None` for a free-standing story outside the numbered order.
    pub number: Option<u32>,
    /// The installment's own title, without series name, number or part
    /// (`The Lantern Keeper`); may be empty when the writer gave only a number.
    pub title: String,
    pub parts: Vec<Part>,
}

impl Installment {
    /// The label used in the table of contents and page headings.
    pub fn label(&self) -> String {
        match (self.number, self.title.is_empty()) {
            (Some(n), false) => format!("{n}. {}", self.title),
            (Some(n), true) => format!("Installment {n}"),
            (None, _) => self.title.clone(),
        }
    }

    pub fn words(&self) -> usize {
        self.parts.iter().map(|p| p.words).sum()
    }

    /// The strictest rating among the parts.
    pub fn rating(&self) -> Option<&Rating> {
        self.parts
            .iter()
            .filter_map(|p| p.header.rating.as_ref())
            .max_by_key(|r| r.level)
    }
}

/// A warning item shared by one or more installments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningEntry {
    /// The warning as first written.
    pub text: String,
    /// Labels of the installments it applies to, in reading order.
    pub installments: Vec<String>,
}

/// The whole series, in reading order, with everything the front matter shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub title: String,
    pub authors: Vec<String>,
    pub language: String,
    pub summary: Option<String>,
    pub fandoms: Vec<String>,
    pub pairings: Vec<String>,
    pub characters: Vec<String>,
    pub disclaimer: Option<String>,
    /// The strictest rating of any installment.
    pub rating: Option<Rating>,
    pub warnings: Vec<WarningEntry>,
    pub installments: Vec<Installment>,
}

impl Series {
    pub fn words(&self) -> usize {
        self.installments.iter().map(Installment::words).sum()
    }

    pub fn parts(&self) -> impl Iterator<Item = (&Installment, &Part)> {
        self.installments
            .iter()
            .flat_map(|i| i.parts.iter().map(move |p| (i, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as first written, a character and its neighbours at a time: the
    /// reference the class-based [`count_words`] must agree with.
    fn count_words_reference(text: &str) -> usize {
        let chars: Vec<char> = text.chars().collect();
        let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
        let alnum = |c: char| c.is_alphanumeric();
        let mut count = 0;
        let mut in_word = false;
        for (i, &c) in chars.iter().enumerate() {
            if alnum(c) {
                count += usize::from(!in_word);
                in_word = true;
            } else if in_word {
                let next = at(i + 1);
                let prev = if i == 0 { ' ' } else { at(i - 1) };
                let joins_letters = matches!(c, '\'' | '’' | '-' | '‐') && alnum(next);
                let joins_digits =
                    matches!(c, ',' | '.') && prev.is_ascii_digit() && next.is_ascii_digit();
                in_word = joins_letters || joins_digits;
            }
        }
        count
    }

    proptest::proptest! {
        #[test]
        fn count_words_agrees_with_the_reference(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Z", "7", "0", "é", "ß", "٣", " ", "\n", "'", "’", "-", "‐", ",", ".",
                "…", "—", "–", "“", "”", "‘", "\u{a0}", "!", "x", "9",
            ]), 0..40)
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(count_words(&text), count_words_reference(&text), "{:?}", text);
        }
    }

    #[test]
    fn counts_words_with_apostrophes_and_hyphens_as_one() {
        assert_eq!(count_words("It's a well-known fact — isn’t it?"), 6);
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  ...  "), 0);
        assert_eq!(count_words("1,800 words"), 2);
        assert_eq!(count_words("rock 'n' roll"), 3);
    }

    #[test]
    fn author_notes_are_not_story_words() {
        let body = Body {
            heading: None,
            events: vec![
                Event::Start(Tag::Paragraph),
                Event::Text("three story words".into()),
                Event::End(Tag::Paragraph),
                Event::Start(Tag::AuthorNote),
                Event::Start(Tag::Paragraph),
                Event::Text("A/N: thanks for reading".into()),
                Event::End(Tag::Paragraph),
                Event::End(Tag::AuthorNote),
            ],
        };
        assert_eq!(body.story_words(), 3);
    }
}
