//! Word counts: the figure a reader compares with the writer's declared count.

use crate::read::event::{Event, Tag};

/// What planning needs to know of a body, counted as its events go by (a build hands
/// them on in chunks and never holds them all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Words of story text, author's notes excepted.
    pub words: usize,
    /// Author's notes.
    pub notes: usize,
    /// Whether there is any text at all.
    pub has_text: bool,
    /// How deep inside author's notes the last event left off.
    depth: usize,
}

impl Counts {
    pub fn of(events: &[Event]) -> Counts {
        let mut counts = Counts::default();
        counts.feed(events);
        counts
    }

    /// Counts the next events of the body.
    pub fn feed(&mut self, events: &[Event]) {
        for event in events {
            match event {
                Event::Start(Tag::AuthorNote) => {
                    self.notes += 1;
                    self.depth += 1;
                }
                Event::End(Tag::AuthorNote) => self.depth = self.depth.saturating_sub(1),
                Event::Text(t) => {
                    self.has_text |= !t.trim().is_empty();
                    if self.depth == 0 {
                        self.words += count_words(t);
                    }
                }
                Event::Code(t) if self.depth == 0 => self.words += count_words(t),
                _ => {}
            }
        }
    }
}

/// Counts words the way the archive does: each Han, Hiragana, Katakana or Thai
/// character is a word (those scripts do not space their words); elsewhere a word is a
/// run of letters or digits, with an apostrophe or hyphen inside it not splitting it
/// (`one's`, `one-word`: one word each; `one--two`: two). Mixed text mixes the rules.
pub fn count_words(text: &str) -> usize {
    // A word starts at a letter or digit unless the character before it continues a
    // word: another letter or digit, a joiner (`'` `’` `-` `‐`) right after a letter or
    // digit (`don't`, `well-known`), or `,` `.` between two ASCII digits (`1,800`). So
    // each character is reduced to a 4-bit class, and whether a word starts is looked
    // up from the last three classes (`STARTS`). No branch depends on the text: the
    // word-by-word loop this replaced mispredicted at every space. ASCII (most story
    // text) is classified by table; other characters are decoded and asked of the
    // script ranges, then the Unicode tables.
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

/// Character classes for [`count_words`]: anything else (spaces, punctuation) is 0.
const LETTER: u8 = 1;
/// An ASCII digit: only these join across `,` and `.`.
const DIGIT: u8 = 2;
const JOINS_LETTERS: u8 = 3;
const JOINS_DIGITS: u8 = 4;
/// A character that is a word by itself (Han, kana, Thai).
const ONE_EACH: u8 = 5;

const fn word_char(k: u8) -> bool {
    k == LETTER || k == DIGIT
}

const ASCII_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
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
        let continues = word_char(p1)
            || (p1 == JOINS_LETTERS && word_char(p2))
            || (p1 == JOINS_DIGITS && p2 == DIGIT && k == DIGIT);
        table[i] = ((word_char(k) && !continues) || k == ONE_EACH) as u8;
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
        c if one_each(c) => ONE_EACH,
        c if c.is_alphanumeric() => LETTER,
        _ => 0,
    }
}

/// Han, Hiragana, Katakana and Thai letters (their blocks' punctuation, such as `。`
/// and `「`, is not a word). The prolonged-sound mark `ー` and the iteration mark `々`
/// stand in their blocks and count as the archive counts characters there.
fn one_each(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0E7F}'
        | '\u{2E80}'..='\u{2FDF}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3021}'..='\u{3029}'
        | '\u{3038}'..='\u{303B}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}'
        | '\u{20000}'..='\u{3FFFF}')
        && c.is_alphanumeric()
}

/// Whether a writer's word count is far enough from ours (more than 10 %) to be
/// worth a warning and a mention beside ours: counts of the same text differ a little
/// by how they treat dashes and numbers.
pub fn declared_far_off(declared: u64, counted: usize) -> bool {
    let diff = (declared as f64 - counted as f64).abs();
    diff > counted.max(1) as f64 * 0.10
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
            if one_each(c) {
                count += 1;
                in_word = false;
            } else if alnum(c) {
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
                "…", "—", "–", "“", "”", "‘", "\u{a0}", "!", "x", "9", "中", "文", "か",
                "ア", "ー", "ก", "。", "한",
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
        assert_eq!(count_words("one's one-word one--two"), 4);
    }

    #[test]
    fn han_kana_and_thai_count_a_word_a_character() {
        // Twenty-two Han characters and two punctuation marks: 22 words.
        let zh = "雨下了一整夜。她坐在窗边，等着那封永远不会来的信。";
        assert_eq!(count_words(zh), 22);
        assert_eq!(count_words("「はい」と彼女は言った。"), 9);
        assert_eq!(count_words("カタカナ"), 4);
        assert_eq!(count_words("ภาษาไทย"), 7);
        // Korean spaces its words; mixed text mixes the rules.
        assert_eq!(count_words("안녕하세요 친구"), 2);
        assert_eq!(count_words("他说OK了, fine-ish"), 5);
        assert_eq!(count_words("שלום, עולם. مرحبا بالعالم"), 4);
    }

    #[test]
    fn author_notes_are_not_story_words() {
        let events = vec![
            Event::Start(Tag::Paragraph),
            Event::Text("three story words".into()),
            Event::End(Tag::Paragraph),
            Event::Start(Tag::AuthorNote),
            Event::Start(Tag::Paragraph),
            Event::Text("A/N: thanks for reading".into()),
            Event::End(Tag::Paragraph),
            Event::End(Tag::AuthorNote),
        ];
        assert_eq!(Counts::of(&events).words, 3);
    }
}
