//! Tests of the whole reader: golden fixtures, linear-time checks and property tests.

use regex::Regex;

use super::{is_scene_break, parse, TextOptions};
use crate::input::settings::Typography;
use crate::output::xhtml::{write_body, ImageMap};
use crate::read::event::{Body, Event, Tag};

pub(super) fn read(input: &str) -> Body {
    parse(input, "t.txt", 1, &TextOptions::default()).0
}

pub(super) fn html(input: &str) -> String {
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

pub(super) fn paragraphs(input: &str) -> Vec<String> {
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
                let (body, _) = parse(&input, "p.txt", 1, &TextOptions { punctuation: typography.into() });
                let mut out = String::new();
                write_body(
        &body.events,
        &ImageMap::new(),
        crate::labels::Labels::for_language("en"),
        &mut out,
    );
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
