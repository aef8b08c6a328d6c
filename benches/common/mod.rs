//! Deterministic synthetic story text for the benchmarks: the same generator (a 64-bit
//! LCG with Knuth's MMIX constants) and the same layout as `scripts/gen-series.py`, so
//! the micro-benchmarks and the end-to-end script measure the same kind of text. The
//! layout follows shared/story-format.md: a header block, paragraphs separated by blank
//! lines, dialogue in quotes, `* * *` scene breaks, a closing line, an `A/N:` note.

#![allow(dead_code)] // each bench binary uses a different part of this module

use std::path::PathBuf;

use ficbind::input::files::{Format, SourceFile};
use ficbind::input::Inputs;

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs bench binaries
/// without it and criterion then runs every benchmark once as a test. In that mode we
/// shrink the inputs so the test run stays quick (the code paths are the same).
pub fn quick() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1))
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &str = "the a and of to in she he it was her his that with on for at as by from into \
over under lantern road tide marsh fog reeds water light dark causeway post ninth \
harbour wind salt rope oil wick flame match hand hands eyes voice door window \
morning night evening shadow stone boat ferry bell ledger coat sleeve pocket \
quiet slowly almost never always again still only already somewhere nothing \
something everyone nobody walked turned looked listened waited smiled laughed \
whispered said asked answered remembered forgot carried lifted dropped held \
burning cold warm grey green bright small heavy old new long short wet ragged \
didn't couldn't wasn't it's she'd he'd they'd don't won't well-worn half-lit \
because though while until before after when where which whose would could \
should might must perhaps maybe certainly slowly softly gently suddenly finally \
lamplighter guild beacon keeper storm gull heron chandlery harbourmaster twelve";

const NAMES: &[&str] = &[
    "Maren",
    "Tobin",
    "Ilse",
    "Corwin",
    "Mrs. Abernethy",
    "the harbourmaster",
];
const SAID: &[&str] = &[
    "said",
    "asked",
    "whispered",
    "muttered",
    "called",
    "answered",
];
const ADJ: &[&str] = &[
    "Quiet", "Drowned", "Burning", "Salt", "Lantern", "Ninth", "Grey", "Hollow",
];
const NOUN: &[&str] = &[
    "Keeper", "Tide", "Causeway", "Ledger", "Beacon", "Harbour", "Fog", "Bell",
];
const SUFFIX: &[&str] = &[",", ",", ",", ";", " —", "..."];
const ENDS: &[&str] = &[".", ".", ".", ".", "!", "?", "..."];
const RATINGS: &[&str] = &[
    "PG-13 for peril",
    "T",
    "Teen And Up Audiences",
    "R for violence",
];

fn sentence(rng: &mut Lcg, words: &[&str], n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let w = rng.pick(words);
        if i > 0 {
            out.push(' ');
        }
        if i == 0 {
            let mut c = w.chars();
            let first = c.next().unwrap();
            out.extend(first.to_uppercase());
            out.push_str(c.as_str());
        } else {
            out.push_str(w);
        }
        if 0 < i && i + 1 < n && rng.below(9) == 0 {
            out.push_str(rng.pick(SUFFIX));
        }
    }
    out.push_str(rng.pick(ENDS));
    out
}

/// Installment `n` of about `target` words, as the file a writer would save.
pub fn installment(rng: &mut Lcg, n: usize, target: usize) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let title = format!(
        "Synthetic Road {n:02}: The {} {}",
        rng.pick(ADJ),
        rng.pick(NOUN)
    );
    let mut out = String::with_capacity(target * 7);
    out.push_str(&format!(
        "Title: {title}\nAuthor: Ada Quill\nRating: {}\n",
        rng.pick(RATINGS)
    ));
    out.push_str("Warnings: violence, angst. Spoilers – everything after part one.\n");
    out.push_str(&format!(
        "Summary: Installment {n} of a generated series: the lamps, the fog and the\n\
         people who walk the causeway anyway.\nWord Count: {}\n\n",
        thousands(target)
    ));
    let note = format!(
        "A/N: Thanks for reading part {n}! Generated text, seed and all; comments make the lanterns burn brighter."
    );
    let closing = "To be continued...";
    let budget =
        target.saturating_sub(note.split_whitespace().count() + closing.split_whitespace().count());
    let (mut count, mut since_break) = (0, 0);
    while count < budget {
        if since_break >= 12 && rng.below(6) == 0 {
            out.push_str("* * *\n\n");
            since_break = 0;
            continue;
        }
        let text = if rng.below(3) == 0 {
            let n1 = 4 + rng.below(10);
            let a = sentence(rng, &words, n1);
            let n2 = 4 + rng.below(12);
            let b = sentence(rng, &words, n2);
            let said = rng.pick(SAID);
            let name = rng.pick(NAMES);
            let t = format!(
                "\u{201c}{},\u{201d} {said} {name}. \u{201c}{b}\u{201d}",
                &a[..a.len() - a.chars().last().unwrap().len_utf8()]
            );
            if rng.below(2) == 0 {
                t.replace(['\u{201c}', '\u{201d}'], "\"")
            } else {
                t
            }
        } else {
            let k = 2 + rng.below(5);
            (0..k)
                .map(|_| {
                    let len = 6 + rng.below(13);
                    sentence(rng, &words, len)
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        count += text.split_whitespace().count();
        since_break += 1;
        out.push_str(&text);
        out.push_str("\n\n");
    }
    out.push_str(closing);
    out.push_str("\n\n");
    out.push_str(&note);
    out.push_str("\n\n");
    out
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The body of an installment (the text after its header block's blank line).
pub fn body(text: &str) -> &str {
    let end = text.find("\n\n").map_or(0, |i| i + 2);
    &text[end..]
}

/// `count` installments of `words` words each, as the in-memory inputs of a build.
pub fn series_inputs(count: usize, words: usize) -> Inputs {
    let mut rng = Lcg::new(1);
    let files = (1..=count)
        .map(|n| {
            let name = format!("synthetic-road-{n:03}.txt");
            SourceFile {
                path: PathBuf::from("/synthetic").join(&name),
                name,
                format: Format::Text,
                bytes: Some(installment(&mut rng, n, words).into_bytes()),
                modified: Some(0),
            }
        })
        .collect();
    Inputs {
        folder: PathBuf::from("/synthetic"),
        folder_name: "synthetic".into(),
        files,
        settings: Default::default(),
        templates: Vec::new(),
        modified: 0,
        manifest: None,
        // Covers have their own benchmark (benches/cover.rs).
        cover: ficbind::cover::CoverPlan::None,
        digests: Vec::new(),
        read: Vec::new(),
        diagnostics: Vec::new(),
    }
}
