//! Times cover generation: 20 covers across the built-in templates, mean per cover.
//! Run with `cargo run --release --example cover_timing`.

use std::time::Instant;

use ficbind::cover::{builtin_names, builtin_template, generate_cover, CoverText};

fn main() {
    let titles = [
        "Glass Harbour",
        "The Lantern Road",
        "Дорога фонарей",
        "A Very Long Title About Seven Winters, Three Wars and One Very Stubborn Cat Named Biscuit",
        "Tide Tables",
    ];
    let templates: Vec<_> = builtin_names()
        .iter()
        .map(|n| builtin_template(n).unwrap())
        .collect();
    // One warm-up so first-use costs are not counted.
    let warm = CoverText {
        title: "Warm up".into(),
        author: "A".into(),
        fandom: None,
    };
    generate_cover(&warm, &templates[0], None).unwrap();
    let n = 20;
    let start = Instant::now();
    let mut bytes = 0;
    for i in 0..n {
        let text = CoverText {
            title: titles[i % titles.len()].into(),
            author: "Ada Quill".into(),
            fandom: Some("The Lantern Cycle".into()),
        };
        let (c, _) = generate_cover(&text, &templates[i % templates.len()], None).unwrap();
        bytes += c.bytes.len();
    }
    let mean = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
    println!(
        "{n} covers, mean {mean:.1} ms per cover, mean size {} KiB",
        bytes / n / 1024
    );
}
