//! The plain-text reader (`ficbind::read::text::parse`) on the shapes of file writers save:
//! a typical 5,000-word installment, the same text with one newline per paragraph (no
//! blank lines), and a file that is one 1 MB line. Run with `cargo bench --bench text`.

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

criterion_group!(benches, bench_parse, bench_scaling);
criterion_main!(benches);
