//! Cover generation: one 1600×2560 cover per built-in style, drawn and JPEG-encoded, and
//! a large given image made e-reader ready. Run with `cargo bench --bench cover`.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ficbind::cover::{builtin_names, builtin_template, generate_cover, prepare_cover, CoverText};

fn bench_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("cover::generate");
    group.sample_size(if common::quick() { 10 } else { 20 });
    let text = CoverText {
        title: "Lantern Road: The Long Way Round the Saltmarsh".into(),
        author: "Wren Halloway".into(),
        fandom: Some("The Saltmarsh Chronicles (TV)".into()),
        language: "en".into(),
    };
    for name in builtin_names() {
        let template = builtin_template(name).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(name), &template, |b, t| {
            b.iter(|| generate_cover(std::hint::black_box(&text), t, None).unwrap())
        });
    }
    group.finish();
}

fn bench_prepare(c: &mut Criterion) {
    let (w, h) = if common::quick() {
        (300, 450)
    } else {
        (3000, 4500)
    };
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut group = c.benchmark_group("cover::prepare");
    group.sample_size(10);
    group.bench_function(format!("png-{w}x{h}"), |b| {
        b.iter(|| prepare_cover("cover.png", std::hint::black_box(&png)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_generate, bench_prepare);
criterion_main!(benches);
