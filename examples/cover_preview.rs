//! Writes sample covers to /tmp/covers (JPEG, plus a 400-pixel-wide PNG to look at):
//! every built-in template with a short, a long and a Cyrillic title.
//! Run with `cargo run --release --example cover_preview`.

use ficbind::cover::{builtin_names, builtin_template, generate_cover, CoverText};

fn main() {
    let out = std::path::Path::new("/tmp/covers");
    std::fs::create_dir_all(out).unwrap();
    let samples = [
        ("short", CoverText { title: "Glass Harbour".into(), author: "Ada Quill".into(), fandom: Some("The Lantern Cycle".into()) }),
        ("long", CoverText {
            title: "The Extraordinarily Long Chronicle of How the Harbour Lights Kept Burning Through Seven Winters, Three Wars and One Very Stubborn Cat".into(),
            author: "Marguerite Okonkwo-Lindqvist".into(),
            fandom: Some("The Saltmarsh Chronicles (TV)".into()),
        }),
        ("cyrillic", CoverText { title: "Дорога фонарей".into(), author: "Вера Соловьёва".into(), fandom: Some("Солончаки".into()) }),
    ];
    // A contact sheet, one row per template, to see them side by side.
    let mut sheet = image::RgbImage::new(3 * 400, builtin_names().len() as u32 * 640);
    for (row, name) in builtin_names().iter().enumerate() {
        let t = builtin_template(name).unwrap();
        for (col, (kind, text)) in samples.iter().enumerate() {
            let (c, d) = generate_cover(text, &t, None).unwrap();
            for x in &d {
                eprintln!("{name}-{kind}: {x}");
            }
            let base = out.join(format!("{name}-{kind}"));
            std::fs::write(base.with_extension("jpg"), &c.bytes).unwrap();
            let img = image::load_from_memory(&c.bytes).unwrap();
            let small = img.resize(400, 640, image::imageops::FilterType::Triangle);
            small.save(base.with_extension("png")).unwrap();
            image::imageops::replace(
                &mut sheet,
                &small.to_rgb8(),
                col as i64 * 400,
                row as i64 * 640,
            );
        }
    }
    sheet.save(out.join("sheet.png")).unwrap();
    println!("wrote {}", out.display());
}
