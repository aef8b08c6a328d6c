//! The plain-text reader (`ficbind::read::text::parse`) on the shapes of file writers save:
//! a typical 5,000-word installment, the same text with one newline per paragraph (no
//! blank lines), and a file that is one 1 MB line; and the word counter on English
//! and Chinese text. Run with `cargo bench --bench text`.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ficbind::read::text::{parse, TextOptions};

fn inputs() -> Vec<(&'static str, String)> {
    let quick = common::quick();
    let words = if quick { 500 } else { 5_000 };
    let file = common::installment(&mut common::Lcg::new(7), 1, words);
    let body = ficbind::input::header::split_header(&file).body.to_string();
    let no_blank_lines = body.replace("\n\n", "\n");
    // Paragraphs run together with spaces until the line is 1 MB (1 KB in test mode).
    let target = if quick { 1 << 10 } else { 1 << 20 };
    let mut rng = common::Lcg::new(11);
    let mut one_line = String::with_capacity(target + 64 * 1024);
    let mut n = 1;
    while one_line.len() < target {
        let more = common::installment(&mut rng, n, 5_000);
        one_line.push_str(&common::body(&more).replace('\n', " "));
        n += 1;
    }
    one_line.truncate(one_line.floor_char_boundary_compat(target));
    vec![
        ("installment-5000w", body),
        ("no-blank-lines", no_blank_lines),
        ("one-1MB-line", one_line),
    ]
}

/// `str::floor_char_boundary` is unstable; this is the same thing.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorCharBoundary for String {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        i = i.min(self.len());
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

fn bench_parse(c: &mut Criterion) {
    let opts = TextOptions::default();
    let mut group = c.benchmark_group("text::parse");
    for (name, text) in inputs() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| parse(std::hint::black_box(text), "bench.txt", 1, &opts))
        });
    }
    group.finish();
}

/// Linear time, shown: the same kinds of input at growing sizes. Throughput (MB/s) that
/// stays flat as the size grows is linear time; quadratic work would fall away.
fn bench_scaling(c: &mut Criterion) {
    let opts = TextOptions::default();
    let mut group = c.benchmark_group("text::parse scaling");
    group.sample_size(10);
    let sizes: &[usize] = if common::quick() {
        &[1 << 10, 4 << 10]
    } else {
        &[1 << 20, 10 << 20, 50 << 20]
    };
    let mut rng = common::Lcg::new(23);
    let mut paragraphs = String::new();
    let mut n = 1;
    while paragraphs.len() < *sizes.last().unwrap() {
        let more = common::installment(&mut rng, n, 5_000);
        paragraphs.push_str(common::body(&more));
        n += 1;
    }
    for &size in sizes {
        let cut = paragraphs.floor_char_boundary_compat(size);
        // One newline per paragraph, no blank lines anywhere.
        let no_blank_lines = paragraphs[..cut].replace("\n\n", "\n");
        // Everything on one line.
        let one_line = paragraphs[..cut].replace('\n', " ");
        for (kind, text) in [("no-blank-lines", no_blank_lines), ("one-line", one_line)] {
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(kind, format!("{}MB", size >> 20)),
                &text,
                |b, text| b.iter(|| parse(std::hint::black_box(text), "bench.txt", 1, &opts)),
            );
        }
    }
    group.finish();
}

/// The word counter as it was before it counted Han, kana and Thai a character each,
/// kept here to measure what that cost on English text.
mod before {

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
}

/// `count_words` on a typical English installment against the counter it replaced, and
/// on Chinese text (where every character is looked up).
fn bench_count_words(c: &mut Criterion) {
    let quick = common::quick();
    let words = if quick { 500 } else { 5_000 };
    let file = common::installment(&mut common::Lcg::new(7), 1, words);
    let english = common::body(&file).to_string();
    let chinese = "雨下了一整夜。她坐在窗边，等着那封永远不会来的信。“你还在等吗？”他问。\n"
        .repeat(english.len() / 120);
    let mut group = c.benchmark_group("words::count_words");
    group.throughput(Throughput::Bytes(english.len() as u64));
    group.bench_function("english/before", |b| {
        b.iter(|| before::count_words(std::hint::black_box(&english)))
    });
    group.bench_function("english/now", |b| {
        b.iter(|| ficbind::book::words::count_words(std::hint::black_box(&english)))
    });
    group.throughput(Throughput::Bytes(chinese.len() as u64));
    group.bench_function("chinese/before", |b| {
        b.iter(|| before::count_words(std::hint::black_box(&chinese)))
    });
    group.bench_function("chinese/now", |b| {
        b.iter(|| ficbind::book::words::count_words(std::hint::black_box(&chinese)))
    });
    group.finish();
}

criterion_group!(benches, bench_parse, bench_scaling, bench_count_words);
criterion_main!(benches);
