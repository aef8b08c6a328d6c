//! Smart punctuation for plain-text bodies: typewriter quotes, `--` and `...` become
//! their typeset forms, and everything already typeset is left exactly as written.
//!
//! Works on one paragraph's text at a time, because a quote's direction depends on its
//! neighbours and quotes often span emphasis. The text reader replaces each piece of
//! markup it consumed (`*`, `<i>` …) with [`MARK`] before calling [`smarten`]; marks are
//! copied through and are invisible to the context rules, so `*"Run!"*` and
//! `"<i>Run!</i>"` get the same quotes as `"Run!"`.

/// Stands for a piece of consumed markup inside a paragraph's text. XML forbids this
/// control character, so it never occurs in story text (the text reader removes it).
pub const MARK: char = '\u{1}';
const MARK_BYTE: u8 = MARK as u8;

/// Words that a leading apostrophe shortens (`'tis`, `'em`, `rock 'n' roll`): there the
/// straight quote is an apostrophe, not an opening single quote.
const ELISIONS: [&str; 17] = [
    "tis", "twas", "twere", "twill", "twould", "em", "n", "cause", "cos", "coz", "til", "bout",
    "round", "kay", "cept", "nuff", "ello",
];

/// Curly quotes, em dashes and ellipses from their typewriter forms.
///
/// `"` and `'` become “ ” ‘ ’ by context (apostrophes in `don't`, `'tis`, `the '90s`,
/// `Chris'` are ’); `--` and `---` become —; `...` becomes …. Newlines (line breaks
/// inside a paragraph) count as spaces. Anything else, including curly quotes, `…`,
/// `–` and `—` already present, is copied unchanged.
pub fn smarten(text: &str) -> String {
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
                out.push('…');
                i += 3;
                prev = Some('…');
                continue;
            }
            '-' if bytes[i..].starts_with(b"--") => {
                out.push('—');
                i += if bytes[i..].starts_with(b"---") { 3 } else { 2 };
                prev = Some('—');
                continue;
            }
            '"' => {
                let next = next_visible(text, i + 1);
                let q = if opens(prev) && next.is_some_and(|n| !n.is_whitespace()) {
                    double_open = true;
                    '“'
                } else if !opens(prev) {
                    double_open = false;
                    '”'
                } else if double_open {
                    // Spaces on both sides: close what is open.
                    double_open = false;
                    '”'
                } else {
                    double_open = true;
                    '“'
                };
                out.push(q);
            }
            '\'' => {
                let next = next_visible(text, i + 1);
                let q = if prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric)
                {
                    '’' // don't, rock'n'roll
                } else if opens(prev) {
                    match next {
                        Some(n) if n.is_whitespace() => {
                            if single_open {
                                single_open = false;
                                '’'
                            } else {
                                single_open = true;
                                '‘'
                            }
                        }
                        None => '’',
                        Some(_) if is_elision(text, i + 1) => '’',
                        Some(_) => {
                            single_open = true;
                            '‘'
                        }
                    }
                } else {
                    // After a letter or punctuation: a closing quote or a possessive.
                    single_open = false;
                    '’'
                };
                out.push(q);
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
    out
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
                    '(' | '[' | '{' | '<' | '—' | '–' | '-' | '/' | '“' | '‘' | '"' | '\''
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

    #[test]
    fn double_quotes_open_and_close() {
        assert_eq!(
            smarten(r#""Hello," she said. "Come in.""#),
            "“Hello,” she said. “Come in.”"
        );
        assert_eq!(smarten(r#"He said—"no.""#), "He said—“no.”");
        assert_eq!(smarten(r#""I was—" she began."#), "“I was—” she began.");
        assert_eq!(smarten("(\"aside\")"), "(“aside”)");
    }

    #[test]
    fn apostrophes_are_right_single_quotes() {
        assert_eq!(smarten("don't won't it's"), "don’t won’t it’s");
        assert_eq!(
            smarten("'Tis the season, give 'em hell"),
            "’Tis the season, give ’em hell"
        );
        assert_eq!(smarten("rock 'n' roll"), "rock ’n’ roll");
        assert_eq!(smarten("back in the '90s"), "back in the ’90s");
        assert_eq!(
            smarten("Chris' car and the boys' room"),
            "Chris’ car and the boys’ room"
        );
        assert_eq!(smarten("'cause I said so"), "’cause I said so");
    }

    #[test]
    fn single_quotes_nest_inside_double() {
        assert_eq!(smarten(r#""she said 'no' twice""#), "“she said ‘no’ twice”");
        assert_eq!(smarten(r#""'Hi,' he said.""#), "“‘Hi,’ he said.”");
        assert_eq!(
            smarten("'I hate this,' she thought."),
            "‘I hate this,’ she thought."
        );
    }

    #[test]
    fn dashes_and_ellipses() {
        assert_eq!(smarten("wait--what"), "wait—what");
        assert_eq!(smarten("wait---what"), "wait—what");
        assert_eq!(smarten("...not yet..."), "…not yet…");
        assert_eq!(smarten("so...."), "so….");
        assert_eq!(smarten("a - b"), "a - b");
        assert_eq!(smarten("well-known"), "well-known");
    }

    #[test]
    fn already_typographic_text_is_untouched() {
        let s = "“Don’t,” she said – ‘not now’… — fine.\u{a0}Really.";
        assert_eq!(smarten(s), s);
    }

    #[test]
    fn marks_are_kept_and_invisible_to_context() {
        let s = format!("{MARK}\"Run!\"{MARK} he said, {MARK}'tis{MARK} time");
        assert_eq!(
            smarten(&s),
            format!("{MARK}“Run!”{MARK} he said, {MARK}’tis{MARK} time")
        );
        let s = format!("\"{MARK}Run{MARK}\"");
        assert_eq!(smarten(&s), format!("“{MARK}Run{MARK}”"));
    }

    #[test]
    fn line_breaks_count_as_spaces() {
        assert_eq!(smarten("line one\n\"line two\""), "line one\n“line two”");
    }
}
