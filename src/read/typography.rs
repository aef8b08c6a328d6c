//! Smart punctuation for story text: typewriter quotes, `--` and `...` become the
//! typeset forms of the text's language (a [`Style`] per language), and everything
//! already typeset is left exactly as written.
//!
//! Works on one paragraph's text at a time, because a quote's direction depends on its
//! neighbours and quotes often span emphasis. The text reader replaces each piece of
//! markup it consumed (`*`, `<i>` …) with [`MARK`] before calling [`smarten`]; marks are
//! copied through and are invisible to the context rules, so `*"Run!"*` and
//! `"<i>Run!</i>"` get the same quotes as `"Run!"`. The Markdown and HTML readers do the
//! same over a block's text events ([`smarten_events`], the sanitiser).

use crate::input::settings::Typography;
use crate::read::event::{Event, Tag};

/// Stands for a piece of consumed markup inside a paragraph's text. XML forbids this
/// control character, so it never occurs in story text (the text reader removes it).
pub const MARK: char = '\u{1}';
const MARK_BYTE: u8 = MARK as u8;

/// Words that a leading apostrophe shortens (`'tis`, `'em`, `rock 'n' roll`): there the
/// straight quote is an apostrophe, not an opening single quote. Dutch `'s avonds` and
/// `'t`, and German `'s`, are among them.
const ELISIONS: [&str; 19] = [
    "tis", "twas", "twere", "twill", "twould", "em", "n", "cause", "cos", "coz", "til", "bout",
    "round", "kay", "cept", "nuff", "ello", "s", "t",
];

/// No-break space: French before `:` and inside « », and before a spaced dash.
const NBSP: char = '\u{a0}';
/// Narrow no-break space: French before `;` `!` `?`.
const NNBSP: char = '\u{202f}';
/// The apostrophe: ’ in every language here.
const APOSTROPHE: char = '’';

/// How one language sets the punctuation a writer types as `"`, `'`, `--` and `...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Opening and closing marks of a quotation: what `"` becomes.
    pub primary: [char; 2],
    /// Of a quotation inside a quotation: what `'` becomes when it quotes.
    pub secondary: [char; 2],
    pub dash: Dash,
    pub ellipsis: &'static str,
    /// French spacing: no-break spaces inside « » and before `;` `:` `!` `?`.
    pub french: bool,
}

/// What `--` (and `---`) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// This text, with the writer's spaces around it kept as written (English and
    /// Spanish `—`, Chinese and Japanese `——`).
    Closed(&'static str),
    /// This dash between spaces, added where the writer left none; the space before
    /// it does not break, so a line never starts with the dash (German `–`, Russian `—`).
    Spaced(char),
}

/// Each language's marks. The quotation marks are CLDR's `delimiters` data
/// (quotationStart/End, alternateQuotationStart/End: <https://cldr.unicode.org>),
/// written out here as facts. Dashes and ellipses follow each language's usual
/// typesetting: a spaced en dash where its style guides set one (Duden for German,
/// the Imprimerie nationale for French, …), a spaced em dash for Russian and
/// Ukrainian (their тире), a closed em dash for English, Spanish and Portuguese (whose
/// dialogue dash stands against the words), and the doubled dash and ellipsis of
/// Chinese and Japanese, which fill two character cells.
///
/// French spacing uses U+202F (narrow) before `;` `!` `?` and U+00A0 (word-wide)
/// before `:` and inside « », as the Imprimerie nationale's rules give them (a fine
/// space before the three, a full one before the colon and inside guillemets); both
/// are no-break, so the mark never wraps onto a line of its own.
const STYLES: &[(&str, Style)] = &[
    ("en", style("“”‘’", Dash::Closed("—"))),
    ("de", style("„“‚‘", Dash::Spaced('–'))),
    ("de-ch", style("«»‹›", Dash::Spaced('–'))),
    ("fr", french(style("«»«»", Dash::Spaced('–')))),
    ("fr-ch", french(style("«»‹›", Dash::Spaced('–')))),
    ("es", style("“”‘’", Dash::Closed("—"))),
    ("it", style("«»“”", Dash::Spaced('–'))),
    ("pt", style("“”‘’", Dash::Closed("—"))),
    ("pt-pt", style("«»“”", Dash::Closed("—"))),
    ("ru", style("«»„“", Dash::Spaced('—'))),
    ("uk", style("«»„“", Dash::Spaced('—'))),
    ("pl", style("„”«»", Dash::Spaced('–'))),
    ("cs", style("„“‚‘", Dash::Spaced('–'))),
    ("sk", style("„“‚‘", Dash::Spaced('–'))),
    ("nl", style("‘’“”", Dash::Spaced('–'))),
    ("sv", style("””’’", Dash::Spaced('–'))),
    ("da", style("“”‘’", Dash::Spaced('–'))),
    ("nb", style("«»‘’", Dash::Spaced('–'))),
    ("nn", style("«»‘’", Dash::Spaced('–'))),
    ("no", style("«»‘’", Dash::Spaced('–'))),
    ("fi", style("””’’", Dash::Spaced('–'))),
    ("zh", cjk(style("“”‘’", Dash::Closed("——")))),
    ("zh-hant", cjk(style("「」『』", Dash::Closed("——")))),
    ("ja", cjk(style("「」『』", Dash::Closed("——")))),
    ("ko", style("“”‘’", Dash::Closed("—"))),
    ("he", style("””’’", Dash::Spaced('–'))),
    ("ar", style("”“’‘", Dash::Closed("—"))),
];

const fn style(marks: &str, dash: Dash) -> Style {
    let m = marks.as_bytes();
    Style {
        primary: [nth_char(m, 0), nth_char(m, 1)],
        secondary: [nth_char(m, 2), nth_char(m, 3)],
        dash,
        ellipsis: "…",
        french: false,
    }
}

const fn french(s: Style) -> Style {
    Style { french: true, ..s }
}

const fn cjk(s: Style) -> Style {
    Style {
        ellipsis: "……",
        ..s
    }
}

/// The `n`th character of UTF-8 `bytes`, in a `const` context.
const fn nth_char(bytes: &[u8], n: usize) -> char {
    let mut i = 0;
    let mut k = 0;
    loop {
        let b = bytes[i];
        let len = if b < 0x80 {
            1
        } else if b < 0xE0 {
            2
        } else if b < 0xF0 {
            3
        } else {
            4
        };
        if k == n {
            let mut c = (b as u32) & (0xFF >> (len + 1));
            if len == 1 {
                c = b as u32;
            }
            let mut j = 1;
            while j < len {
                c = (c << 6) | (bytes[i + j] as u32 & 0x3F);
                j += 1;
            }
            return match char::from_u32(c) {
                Some(c) => c,
                None => panic!("not a character"),
            };
        }
        i += len;
        k += 1;
    }
}

/// English: what a language without an entry gets, and what `--typography smart`
/// meant before books had languages.
pub const ENGLISH: &Style = &STYLES[0].1;

impl Style {
    /// The style for a BCP 47 tag: its own entry, else by script (`zh-Hant`) or region
    /// (`zh-TW`, `pt-AO`, `fr-CH`), else its language's, else English.
    pub fn for_language(tag: &str) -> &'static Style {
        let lower = tag.to_ascii_lowercase();
        let mut subtags = lower.split('-');
        let primary = subtags.next().unwrap_or_default();
        let rest: Vec<&str> = subtags.collect();
        let find = |key: &str| STYLES.iter().find(|(k, _)| *k == key).map(|(_, s)| s);
        // Chinese written in traditional characters: by script, else by where.
        let key = match primary {
            "zh" if rest.contains(&"hant")
                || (!rest.contains(&"hans")
                    && rest.iter().any(|r| matches!(*r, "tw" | "hk" | "mo"))) =>
            {
                "zh-hant".to_string()
            }
            // Portuguese outside Brazil follows Portugal's norms.
            "pt" if rest.iter().any(|r| r.len() == 2 && *r != "br") => "pt-pt".to_string(),
            "de" | "fr" if rest.iter().any(|r| matches!(*r, "ch" | "li")) => {
                format!("{primary}-ch")
            }
            _ => primary.to_string(),
        };
        find(&key).unwrap_or(ENGLISH)
    }
}

/// How a reader sets a body's punctuation: as written, or in a language's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Punctuation {
    AsWritten,
    Smart(&'static Style),
}

impl Punctuation {
    /// What `--typography` asks, in the style of the language tag `language`.
    pub fn new(typography: Typography, language: &str) -> Punctuation {
        match typography {
            Typography::Smart => Punctuation::Smart(Style::for_language(language)),
            Typography::Off => Punctuation::AsWritten,
        }
    }

    /// The same choice in another language's style: a page that says its own language
    /// (an archive download's `Language:`) once it is read.
    pub fn in_language(self, language: &str) -> Punctuation {
        match self {
            Punctuation::Smart(_) => Punctuation::Smart(Style::for_language(language)),
            Punctuation::AsWritten => Punctuation::AsWritten,
        }
    }

    /// `text` set as asked.
    pub fn apply(self, text: String) -> String {
        match self {
            Punctuation::Smart(style) => smarten(&text, style),
            Punctuation::AsWritten => text,
        }
    }
}

impl Default for Punctuation {
    fn default() -> Punctuation {
        Punctuation::Smart(ENGLISH)
    }
}

/// English smart punctuation, or none: what a caller that knows no language means.
impl From<Typography> for Punctuation {
    fn from(typography: Typography) -> Punctuation {
        Punctuation::new(typography, "en")
    }
}

/// Typeset quotes, dashes and ellipses from their typewriter forms, in `style`.
///
/// `"` and `'` become the language's quotation marks by context (apostrophes in
/// `don't`, `'tis`, `the '90s`, `Chris'` are ’); `--` and `---` become its dash; `...`
/// its ellipsis. Between characters written without spaces (Chinese, Japanese) a
/// quote opens when none is open and closes otherwise. Newlines (line breaks inside a
/// paragraph) count as spaces. Anything else, including curly quotes, `…`, `–` and
/// `—` already present, is copied unchanged (French adds only no-break spaces).
pub fn smarten(text: &str, style: &Style) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // The last character before the current one that is not a mark, as written.
    let mut prev: Option<char> = None;
    let mut double_open = false;
    let mut single_open = false;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        // Most of a paragraph is copied unchanged: find the next byte that may need
        // work and copy everything before it in one go. Only the run's last character
        // matters as context. All those bytes are ASCII, so `i` stays on a char boundary.
        let special = crate::util::swar::find_any(bytes, i, [b'.', b'-', b'"', b'\'', MARK_BYTE]);
        if special > i {
            let run = &text[i..special];
            out.push_str(run);
            prev = run.chars().next_back();
            i = special;
            if i == bytes.len() {
                break;
            }
        }
        let c = char::from(bytes[i]);
        match c {
            '.' if bytes[i..].starts_with(b"...") => {
                out.push_str(style.ellipsis);
                i += 3;
                prev = Some('…');
                continue;
            }
            '-' if bytes[i..].starts_with(b"--") => {
                let len = if bytes[i..].starts_with(b"---") { 3 } else { 2 };
                match style.dash {
                    Dash::Closed(dash) => out.push_str(dash),
                    Dash::Spaced(dash) => {
                        if out.ends_with(' ') {
                            out.pop();
                            out.push(NBSP);
                        } else if prev.is_some_and(|p| !p.is_whitespace() && !opens(Some(p))) {
                            out.push(NBSP);
                        }
                        out.push(dash);
                        if next_visible(text, i + len).is_some_and(char::is_alphanumeric) {
                            out.push(' ');
                        }
                    }
                }
                i += len;
                prev = Some('—');
                continue;
            }
            '"' => {
                let next = next_visible(text, i + 1);
                let open = if prev.is_some_and(is_wide) {
                    // No spaces to go by: alternate.
                    !double_open
                } else if opens(prev) && next.is_some_and(|n| !n.is_whitespace()) {
                    true
                } else if !opens(prev) {
                    false
                } else {
                    // Spaces on both sides: close what is open.
                    !double_open
                };
                double_open = open;
                i += push_quote(&mut out, style, style.primary, open, bytes, i);
                // What comes next sees the quote as what it became: after a closing
                // one nothing opens (`'no'",` closes twice).
                prev = Some(if open { '“' } else { '”' });
                continue;
            }
            '\'' => {
                let next = next_visible(text, i + 1);
                let mark = if prev.is_some_and(is_wide) {
                    Some(!single_open)
                } else if prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric)
                {
                    None // don't, rock'n'roll
                } else if opens(prev) {
                    match next {
                        Some(n) if n.is_whitespace() => Some(!single_open),
                        None => None,
                        Some(_) if is_elision(text, i + 1) => None,
                        Some(_) => Some(true),
                    }
                } else if single_open {
                    // After a letter or punctuation: the closing quote, if one is
                    // open, else a possessive (`Chris'`).
                    Some(false)
                } else {
                    None
                };
                prev = Some(match mark {
                    Some(open) => {
                        single_open = open;
                        i += push_quote(&mut out, style, style.secondary, open, bytes, i);
                        if open {
                            '‘'
                        } else {
                            '’'
                        }
                    }
                    None => {
                        out.push(APOSTROPHE);
                        i += 1;
                        '’'
                    }
                });
                continue;
            }
            MARK => {
                out.push(c);
                i += 1;
                continue; // marks are invisible to context
            }
            // A lone `.` or `-`.
            _ => out.push(c),
        }
        prev = Some(c);
        i += 1;
    }
    if style.french {
        french_spaces(out)
    } else {
        out
    }
}

/// Pushes the opening or closing mark of `marks` for the quote at `bytes[at]`, with
/// French spacing inside guillemets; returns how many bytes of the text it took (a
/// space after an opening guillemet becomes the no-break one).
fn push_quote(
    out: &mut String,
    style: &Style,
    marks: [char; 2],
    open: bool,
    bytes: &[u8],
    at: usize,
) -> usize {
    let mark = marks[usize::from(!open)];
    let spaced = style.french && matches!(mark, '«' | '»' | '‹' | '›');
    if !spaced {
        out.push(mark);
        return 1;
    }
    if open {
        out.push(mark);
        out.push(NBSP);
        if bytes.get(at + 1) == Some(&b' ') {
            return 2;
        }
    } else {
        if out.ends_with(' ') {
            out.pop();
        }
        if !out.ends_with([NBSP, NNBSP]) {
            out.push(NBSP);
        }
        out.push(mark);
    }
    1
}

/// French spacing around what was typed or typeset: a no-break space before `;` `:`
/// `!` `?` (the one the writer typed becomes no-break, or one is added after a word),
/// and the writer's spaces inside their own « » made no-break. A colon in `10:30` or
/// `https://`, a `?` in a link, and `?!` are left alone.
fn french_spaces(text: String) -> String {
    if !text.contains([';', ':', '!', '?', '«', '»', '‹', '›']) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ';' | ':' | '!' | '?' => {
                let next = chars.clone().find(|&n| n != MARK);
                let ends = match next {
                    None => true,
                    Some(n) if c == ':' => n.is_whitespace() || is_closing_mark(n),
                    Some(n) => !n.is_alphanumeric() && n != '/' && n != '=',
                };
                let space = if c == ':' { NBSP } else { NNBSP };
                if ends {
                    let before = out.chars().rev().find(|&p| p != MARK);
                    if out.ends_with(' ')
                        && out
                            .trim_end_matches(' ')
                            .chars()
                            .next_back()
                            .is_some_and(|p| !p.is_whitespace())
                    {
                        let len = out.trim_end_matches(' ').len();
                        out.truncate(len);
                        out.push(space);
                    } else if before.is_some_and(|p| {
                        !p.is_whitespace()
                            && !matches!(
                                p,
                                ';' | ':'
                                    | '!'
                                    | '?'
                                    | '…'
                                    | '.'
                                    | '('
                                    | '['
                                    | '-'
                                    | '–'
                                    | '—'
                                    | '«'
                                    | '‹'
                            )
                    }) {
                        out.push(space);
                    }
                }
                out.push(c);
            }
            '«' | '‹' => {
                out.push(c);
                if chars.peek() == Some(&' ') {
                    chars.next();
                    out.push(NBSP);
                }
            }
            '»' | '›' => {
                if out.ends_with(' ') {
                    out.pop();
                    out.push(NBSP);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_closing_mark(c: char) -> bool {
    matches!(c, '»' | '›' | '”' | '“' | '’' | ')' | ']')
}

/// Characters set without spaces between words (CJK ideographs, kana, their
/// punctuation and full-width forms): next to them a quote's direction cannot be
/// told from spacing.
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Smartens the text events of a body parsed whole (Markdown) a block at a time:
/// the text of one paragraph, heading, item or cell is set at once, markup inside it
/// standing as [`MARK`]s, so a quote opened before `*` and closed after it pairs.
/// Code is left as written.
pub fn smarten_events(events: &mut [Event], style: &Style) {
    let mut pieces: Vec<usize> = Vec::new();
    let mut in_code = 0usize;
    for i in 0..events.len() {
        match &events[i] {
            Event::Text(_) if in_code == 0 => pieces.push(i),
            Event::Text(_) | Event::Code(_) | Event::LineBreak | Event::FootnoteReference(_) => {}
            Event::Start(tag) | Event::End(tag) if is_inline(tag) => {}
            e => {
                match e {
                    Event::Start(Tag::CodeBlock) => in_code += 1,
                    Event::End(Tag::CodeBlock) => in_code = in_code.saturating_sub(1),
                    _ => {}
                }
                smarten_pieces(events, &pieces, style);
                pieces.clear();
            }
        }
    }
    smarten_pieces(events, &pieces, style);
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Underline
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
    )
}

/// Smartens the text events at `pieces` as one text, split again where they met.
pub fn smarten_pieces(events: &mut [Event], pieces: &[usize], style: &Style) {
    match pieces {
        [] => return,
        // Most blocks are one run of text: set it without joining and splitting.
        [i] => {
            if let Event::Text(t) = &events[*i] {
                if !t.contains(MARK) {
                    events[*i] = Event::Text(smarten(t, style));
                    return;
                }
            }
        }
        _ => {}
    }
    let mut joined = String::new();
    for (n, &i) in pieces.iter().enumerate() {
        if n > 0 {
            joined.push(MARK);
        }
        if let Event::Text(t) = &events[i] {
            joined.extend(t.chars().filter(|&c| c != MARK));
        }
    }
    let smart = smarten(&joined, style);
    for (&i, piece) in pieces.iter().zip(smart.split(MARK)) {
        events[i] = Event::Text(piece.to_string());
    }
}

/// Whether a quote after `prev` starts something: at the start, after a space, an
/// opening bracket, a dash or another opening quote.
fn opens(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || matches!(
                    p,
                    '(' | '['
                        | '{'
                        | '<'
                        | '—'
                        | '–'
                        | '-'
                        | '/'
                        | '“'
                        | '‘'
                        | '"'
                        | '\''
                        | '„'
                        | '‚'
                        | '«'
                        | '‹'
                        | '¿'
                        | '¡'
                )
        }
    }
}

fn next_visible(text: &str, from: usize) -> Option<char> {
    text[from..].chars().find(|&c| c != MARK)
}

/// Whether the apostrophe whose text continues at `from` shortens a word (`'tis`,
/// `'em`, `'n'`) or a year (`'90s`).
fn is_elision(text: &str, from: usize) -> bool {
    let mut word = String::new();
    let mut digits = 0;
    for c in text[from..].chars().filter(|&c| c != MARK) {
        if c.is_alphabetic() && digits == 0 {
            if word.len() > 8 {
                return false;
            }
            word.extend(c.to_lowercase());
        } else if c.is_ascii_digit() && word.is_empty() {
            digits += 1;
            if digits > 2 {
                return false;
            }
        } else {
            break;
        }
    }
    match digits {
        2 => true, // '90s, '05
        0 => ELISIONS.contains(&word.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> String {
        smarten(text, ENGLISH)
    }

    #[test]
    fn double_quotes_open_and_close() {
        assert_eq!(
            en(r#""Hello," she said. "Come in.""#),
            "“Hello,” she said. “Come in.”"
        );
        assert_eq!(en(r#"He said—"no.""#), "He said—“no.”");
        assert_eq!(en(r#""I was—" she began."#), "“I was—” she began.");
        assert_eq!(en("(\"aside\")"), "(“aside”)");
    }

    #[test]
    fn apostrophes_are_right_single_quotes() {
        assert_eq!(en("don't won't it's"), "don’t won’t it’s");
        assert_eq!(
            en("'Tis the season, give 'em hell"),
            "’Tis the season, give ’em hell"
        );
        assert_eq!(en("rock 'n' roll"), "rock ’n’ roll");
        assert_eq!(en("back in the '90s"), "back in the ’90s");
        assert_eq!(
            en("Chris' car and the boys' room"),
            "Chris’ car and the boys’ room"
        );
        assert_eq!(en("'cause I said so"), "’cause I said so");
    }

    #[test]
    fn single_quotes_nest_inside_double() {
        assert_eq!(en(r#""she said 'no' twice""#), "“she said ‘no’ twice”");
        assert_eq!(en(r#""'Hi,' he said.""#), "“‘Hi,’ he said.”");
        assert_eq!(
            en("'I hate this,' she thought."),
            "‘I hate this,’ she thought."
        );
    }

    #[test]
    fn dashes_and_ellipses() {
        assert_eq!(en("wait--what"), "wait—what");
        assert_eq!(en("wait---what"), "wait—what");
        assert_eq!(en("...not yet..."), "…not yet…");
        assert_eq!(en("so...."), "so….");
        assert_eq!(en("a - b"), "a - b");
        assert_eq!(en("well-known"), "well-known");
    }

    #[test]
    fn already_typographic_text_is_untouched() {
        let s = "“Don’t,” she said – ‘not now’… — fine.\u{a0}Really.";
        assert_eq!(en(s), s);
    }

    #[test]
    fn marks_are_kept_and_invisible_to_context() {
        let s = format!("{MARK}\"Run!\"{MARK} he said, {MARK}'tis{MARK} time");
        assert_eq!(
            en(&s),
            format!("{MARK}“Run!”{MARK} he said, {MARK}’tis{MARK} time")
        );
        let s = format!("\"{MARK}Run{MARK}\"");
        assert_eq!(en(&s), format!("“{MARK}Run{MARK}”"));
    }

    #[test]
    fn line_breaks_count_as_spaces() {
        assert_eq!(en("line one\n\"line two\""), "line one\n“line two”");
    }

    fn in_lang(tag: &str, text: &str) -> String {
        smarten(text, Style::for_language(tag))
    }

    #[test]
    fn german_quotes_and_spaced_dash() {
        assert_eq!(
            in_lang("de", r#""Geh nach Hause", sagte er -- und blieb."#),
            "„Geh nach Hause“, sagte er\u{a0}– und blieb."
        );
        assert_eq!(
            in_lang("de", r#""Sie sagte 'nein'", rief er."#),
            "„Sie sagte ‚nein‘“, rief er."
        );
        // Apostrophes stay apostrophes; a dash between words gets its spaces.
        assert_eq!(
            in_lang("de", "Wie geht's? Andreas' Buch"),
            "Wie geht’s? Andreas’ Buch"
        );
        assert_eq!(in_lang("de", "jetzt--oder nie"), "jetzt\u{a0}– oder nie");
        assert_eq!(in_lang("de-CH", r#""Grüezi""#), "«Grüezi»");
    }

    #[test]
    fn french_guillemets_and_no_break_spaces() {
        assert_eq!(
            in_lang("fr", r#""Tu viens?" demanda-t-elle. "Oui: maintenant!""#),
            "«\u{a0}Tu viens\u{202f}?\u{a0}» demanda-t-elle. «\u{a0}Oui\u{a0}: maintenant\u{202f}!\u{a0}»"
        );
        // The writer's own spaces become no-break; none is doubled.
        assert_eq!(
            in_lang("fr", "« Bonjour » ; quoi ? \"Ah !\""),
            "«\u{a0}Bonjour\u{a0}»\u{202f}; quoi\u{202f}? «\u{a0}Ah\u{202f}!\u{a0}»"
        );
        // Times, links, `?!` and ellipses before a mark are left alone.
        for s in [
            "à 10:30",
            "https://exemple.fr/?a=1",
            "Hein\u{202f}?!",
            "Déjà\u{a0}: oui",
        ] {
            assert_eq!(in_lang("fr", s), s);
        }
        assert_eq!(in_lang("fr", "Quoi...?"), "Quoi…?");
        assert_eq!(in_lang("fr", "C'est l'heure"), "C’est l’heure");
    }

    #[test]
    fn each_language_takes_its_cldr_marks() {
        let q = r#""a 'b' c""#;
        for (tag, want) in [
            ("en", "“a ‘b’ c”"),
            ("es", "“a ‘b’ c”"),
            ("it", "«a “b” c»"),
            ("pt-BR", "“a ‘b’ c”"),
            ("pt-PT", "«a “b” c»"),
            ("pt-AO", "«a “b” c»"),
            ("ru", "«a „b“ c»"),
            ("uk", "«a „b“ c»"),
            ("pl", "„a «b» c”"),
            ("cs", "„a ‚b‘ c“"),
            ("nl", "‘a “b” c’"),
            ("sv", "”a ’b’ c”"),
            ("da", "“a ‘b’ c”"),
            ("nb", "«a ‘b’ c»"),
            ("fi", "”a ’b’ c”"),
            ("zh-Hans", "“a ‘b’ c”"),
            ("zh", "“a ‘b’ c”"),
            ("zh-Hant", "「a 『b』 c」"),
            ("zh-TW", "「a 『b』 c」"),
            ("ja", "「a 『b』 c」"),
            ("ko", "“a ‘b’ c”"),
            ("he", "”a ’b’ c”"),
            ("ar", "”a ’b‘ c“"),
            ("xx", "“a ‘b’ c”"),
        ] {
            assert_eq!(in_lang(tag, q), want, "{tag}");
        }
    }

    #[test]
    fn dashes_and_ellipses_by_language() {
        assert_eq!(
            in_lang("ru", "-- Привет, -- сказал он."),
            "— Привет,\u{a0}— сказал он."
        );
        assert_eq!(in_lang("pl", "tak -- nie"), "tak\u{a0}– nie");
        assert_eq!(in_lang("es", "--Hola --dijo él--."), "—Hola —dijo él—.");
        assert_eq!(in_lang("en", "wait -- what"), "wait — what");
        assert_eq!(
            in_lang("zh", "他走了--再也没回来..."),
            "他走了——再也没回来……"
        );
        assert_eq!(in_lang("ja", "それは...嘘だ"), "それは……嘘だ");
    }

    #[test]
    fn quotes_between_unspaced_characters_alternate() {
        assert_eq!(
            in_lang("zh", r#"他说："你好。"然后走了。"#),
            "他说：“你好。”然后走了。"
        );
        assert_eq!(in_lang("zh", r#"他说"OK"就走了"#), "他说“OK”就走了");
        assert_eq!(
            in_lang("ja", r#"彼は"はい"と言った"#),
            "彼は「はい」と言った"
        );
        assert_eq!(in_lang("zh-Hant", "她說'好'"), "她說『好』");
    }

    #[test]
    fn typographic_text_is_left_as_written_in_every_language() {
        for (tag, s) in [
            ("de", "„Schon gut“, sagte sie – leise…"),
            ("fr", "«\u{a0}Déjà\u{a0}»\u{202f}!"),
            ("ru", "«Да», — сказал он."),
            ("zh", "“你好”——他说……"),
            ("ja", "「はい」"),
            ("he", "”שלום”, אמרה."),
        ] {
            assert_eq!(in_lang(tag, s), s, "{tag}");
        }
    }

    #[test]
    fn markdown_events_are_set_a_block_at_a_time() {
        let mut events = vec![
            Event::Start(Tag::Paragraph),
            Event::Text("\"Komm ".into()),
            Event::Start(Tag::Emphasis),
            Event::Text("jetzt".into()),
            Event::End(Tag::Emphasis),
            Event::Text("\", sagte sie.".into()),
            Event::End(Tag::Paragraph),
            Event::Start(Tag::CodeBlock),
            Event::Text("\"code\" -- as is".into()),
            Event::End(Tag::CodeBlock),
        ];
        smarten_events(&mut events, Style::for_language("de"));
        assert_eq!(events[1], Event::Text("„Komm ".into()));
        assert_eq!(events[5], Event::Text("“, sagte sie.".into()));
        assert_eq!(events[8], Event::Text("\"code\" -- as is".into()));
    }
}
