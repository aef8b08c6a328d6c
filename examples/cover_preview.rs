//! Writes sample covers to /tmp/covers, or the folder given (JPEG, plus a 400-pixel-wide
//! PNG to look at): every built-in template with a short, a long and a Cyrillic title,
//! and Chinese, Hebrew and Arabic ones (drawn with installed fonts, see
//! scripts/fonts.sh). Run with `cargo run --release --example cover_preview [DIR]`.

use ficbind::cover::{builtin_names, builtin_template, generate_cover, CoverText};

fn sample(title: &str, author: &str, fandom: &str, language: &str) -> CoverText {
    CoverText {
        title: title.into(),
        author: author.into(),
        fandom: Some(fandom.into()),
        language: language.into(),
    }
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/covers".into());
    let out = std::path::Path::new(&out);
    std::fs::create_dir_all(out).unwrap();
    let samples = [
        ("short", sample("Glass Harbour", "Ada Quill", "The Lantern Cycle", "en")),
        ("long", sample(
            "The Extraordinarily Long Chronicle of How the Harbour Lights Kept Burning Through Seven Winters, Three Wars and One Very Stubborn Cat",
            "Marguerite Okonkwo-Lindqvist",
            "The Saltmarsh Chronicles (TV)",
            "en",
        )),
        ("cyrillic", sample("Дорога фонарей", "Вера Соловьёва", "Солончаки", "ru")),
        ("chinese", sample("灯笼路上的七个冬天", "林小雨", "港口的灯", "zh-Hans")),
        ("hebrew", sample("הדרך אל הנמל", "נועה לוי", "אורות הנמל", "he")),
        ("arabic", sample("طريق الفوانيس", "ليلى حسن", "أضواء الميناء", "ar")),
    ];
    // A contact sheet, one row per template, to see them side by side.
    let mut sheet = image::RgbImage::new(
        samples.len() as u32 * 400,
        builtin_names().len() as u32 * 640,
    );
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
