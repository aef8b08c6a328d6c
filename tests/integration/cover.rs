//! Covers in built books: generated, picked up from the folder, given, styled, off.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::*;

/// A copy of the `basic` fixture that a test may add files to.
fn series() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("basic");
    std::fs::create_dir(&dir).unwrap();
    for entry in std::fs::read_dir(fixture("basic")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    (tmp, dir)
}

/// A picture of `w`×`h` pixels in `format`, with some structure so it compresses like one.
fn picture(path: &Path, w: u32, h: u32, format: image::ImageFormat) {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    });
    img.save_with_format(path, format).unwrap();
}

/// The cover image's (media type, width, height) as the OPF and the image itself say.
fn cover_of(epub_path: &Path) -> Option<(String, u32, u32)> {
    let mut epub = Epub::new(std::fs::read(epub_path).unwrap());
    let opf = epub.text("OEBPS/content.opf");
    let item = opf
        .split("<item ")
        .find(|i| i.contains("properties=\"cover-image\""))?;
    let href = attr(item, "href");
    let media = attr(item, "media-type");
    assert!(
        opf.contains("<meta name=\"cover\" content=\"cover-image\"/>"),
        "EPUB 2 cover meta"
    );
    assert_eq!(epub.spine()[0], "cover.xhtml", "the cover page comes first");
    assert!(opf.contains("<reference type=\"cover\""), "guide entry");
    assert!(
        epub.text("OEBPS/nav.xhtml").contains("epub:type=\"cover\""),
        "landmark"
    );
    let page = epub.text("OEBPS/cover.xhtml");
    assert!(
        page.contains(&format!("<img class=\"cover-image\" src=\"{href}\""))
            && !page.contains("<svg"),
        "a plain img cover page (Okular misdraws an SVG-wrapped one)"
    );
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(epub_path).unwrap())).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name(&format!("OEBPS/{href}")).unwrap(),
        &mut bytes,
    )
    .unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    Some((media, img.width(), img.height()))
}

#[test]
fn a_folder_without_a_cover_gets_a_generated_one() {
    let (tmp, dir) = series();
    let out = tmp.path().join("b.epub");
    cli_build(&dir, &out, &[]);
    assert_eq!(cover_of(&out), Some(("image/jpeg".into(), 1600, 2560)));
    assert_epubcheck_clean(&out);
}

#[test]
fn a_cover_png_in_the_folder_is_picked_up_unasked_and_never_upscaled() {
    let (tmp, dir) = series();
    picture(&dir.join("cover.png"), 800, 1200, image::ImageFormat::Png);
    let out = tmp.path().join("b.epub");
    cli_build(&dir, &out, &[]);
    assert_eq!(cover_of(&out), Some(("image/jpeg".into(), 800, 1200)));
    assert_epubcheck_clean(&out);
}

#[test]
fn every_cover_option_makes_a_valid_book() {
    let (tmp, dir) = series();
    let big = tmp.path().join("big.jpg");
    picture(&big, 2000, 3000, image::ImageFormat::Jpeg);
    let template = tmp.path().join("mine.toml");
    let classic = std::fs::read_to_string(root().join("covers/classic.toml")).unwrap();
    std::fs::write(&template, classic.replace("#1d3250", "#502a1d")).unwrap();
    // (name, options, the JPEG cover's width and height)
    let cases: Vec<(&str, Vec<String>, (u32, u32))> = vec![
        (
            "given",
            vec!["--cover".into(), big.display().to_string()],
            (1600, 2400),
        ),
        (
            "text",
            vec![
                "--cover".into(),
                big.display().to_string(),
                "--cover-text".into(),
            ],
            (1600, 2400),
        ),
        (
            "night",
            vec!["--cover-style".into(), "night".into()],
            (1600, 2560),
        ),
        (
            "paper",
            vec!["--cover-style".into(), "paper".into()],
            (1600, 2560),
        ),
        (
            "template",
            vec!["--cover-template".into(), template.display().to_string()],
            (1600, 2560),
        ),
        (
            "background",
            vec!["--cover-background".into(), big.display().to_string()],
            (1600, 2560),
        ),
    ];
    for (name, args, (width, height)) in cases {
        let out = tmp.path().join(format!("{name}.epub"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli_build(&dir, &out, &args);
        assert_eq!(
            cover_of(&out),
            Some(("image/jpeg".into(), width, height)),
            "{name}"
        );
        assert_epubcheck_clean(&out);
    }
    let out = tmp.path().join("none.epub");
    cli_build(&dir, &out, &["--no-cover"]);
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    assert!(
        !epub.names().iter().any(|n| n.contains("cover")),
        "no cover files"
    );
    assert!(!epub.text("OEBPS/content.opf").contains("cover-image"));
    assert_epubcheck_clean(&out);
}

#[test]
fn a_corrupt_cover_is_a_clear_error_and_no_book_is_written() {
    let (tmp, dir) = series();
    std::fs::write(
        dir.join("cover.png"),
        b"\x89PNG\r\n\x1a\nthis is not really a png",
    )
    .unwrap();
    let out = tmp.path().join("b.epub");
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("cover.png is not an image ficbind can read")
                .and(predicate::str::contains("JPEG, PNG, WebP")),
        );
    assert!(!out.exists());
}

#[test]
fn an_unknown_cover_style_names_the_styles_there_are() {
    let (_tmp, dir) = series();
    ficbind()
        .arg("build")
        .arg(&dir)
        .args(["--cover-style", "gothic"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("there is no cover style \"gothic\"")
                .and(predicate::str::contains("classic, night, paper")),
        );
}

#[test]
fn the_cover_command_renders_the_cover_alone_the_same_every_time() {
    let (tmp, dir) = series();
    let a = tmp.path().join("a.jpg");
    let b = tmp.path().join("b.jpg");
    for out in [&a, &b] {
        ficbind()
            .arg("cover")
            .arg(&dir)
            .arg("-o")
            .arg(out)
            .assert()
            .success()
            .stderr(predicate::str::contains("1600×2560"));
    }
    let bytes = std::fs::read(&a).unwrap();
    assert!(bytes == std::fs::read(&b).unwrap());
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 2560));
    // A name that says another type is refused with the one to use, and nothing is
    // written under it.
    let png = tmp.path().join("preview.png");
    ficbind()
        .arg("cover")
        .arg(&dir)
        .arg("-o")
        .arg(&png)
        .assert()
        .failure()
        .stderr(predicate::str::contains("the cover is a JPEG image"))
        .stderr(predicate::str::contains("name the output .jpg"));
    assert!(!png.exists());
}

#[test]
fn the_manifest_chooses_the_cover() {
    let (tmp, dir) = series();
    std::fs::create_dir(dir.join("art")).unwrap();
    picture(
        &dir.join("art/front.png"),
        700,
        1100,
        image::ImageFormat::Png,
    );
    let out = tmp.path().join("b.epub");
    std::fs::write(
        dir.join("series.toml"),
        "[cover]\nfile = \"art/front.png\"\n",
    )
    .unwrap();
    cli_build(&dir, &out, &[]);
    assert_eq!(cover_of(&out), Some(("image/jpeg".into(), 700, 1100)));

    std::fs::write(dir.join("series.toml"), "[cover]\nnone = true\n").unwrap();
    cli_build(&dir, &out, &[]);
    assert_eq!(cover_of(&out), None);

    let cover_bytes = |style: &str| {
        std::fs::write(
            dir.join("series.toml"),
            format!("[cover]\nstyle = \"{style}\"\n"),
        )
        .unwrap();
        let img = tmp.path().join(format!("{style}.jpg"));
        ficbind()
            .arg("cover")
            .arg(&dir)
            .arg("-o")
            .arg(&img)
            .assert()
            .success();
        std::fs::read(img).unwrap()
    };
    assert!(
        cover_bytes("paper") != cover_bytes("night"),
        "the manifest's style is used"
    );
}

/// Chinese, Hebrew and Arabic books get covers with their titles drawn (in installed
/// fonts), not a W013 leaving them out. Without the Noto fonts this passes quietly on a
/// developer's machine and fails where FICBIND_REQUIRE_FONTS is set (scripts/test.sh
/// installs them with scripts/fonts.sh and sets it).
#[test]
fn chinese_hebrew_and_arabic_titles_are_drawn_on_generated_covers() {
    let books = [
        (
            "zh",
            "zh-Hans",
            "灯笼路上的七个冬天",
            "林小雨",
            "雨停了，港口的灯一盏一盏亮起来。",
        ),
        (
            "he",
            "he",
            "הדרך אל הנמל",
            "נועה לוי",
            "הגשם פסק, ואורות הנמל נדלקו אחד אחרי השני.",
        ),
        (
            "ar",
            "ar",
            "طريق الفوانيس",
            "ليلى حسن",
            "توقف المطر، وأضاءت أنوار الميناء واحدًا تلو الآخر.",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, language, title, author, text) in books {
        let dir = tmp.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("01.txt"),
            format!("Title: {title}\nAuthor: {author}\nLanguage: {language}\n\n{text}\n"),
        )
        .unwrap();
        let out = tmp.path().join(format!("{name}.epub"));
        let run = ficbind()
            .arg("build")
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        if stderr.contains("W013") {
            assert!(
                std::env::var_os("FICBIND_REQUIRE_FONTS").is_none(),
                "FICBIND_REQUIRE_FONTS is set but the {name} cover leaves text out: {stderr}"
            );
            eprintln!("skipped: no installed font draws the {name} title (scripts/fonts.sh installs them)");
            continue;
        }
        assert_eq!(cover_of(&out), Some(("image/jpeg".into(), 1600, 2560)));
        assert_epubcheck_clean(&out);
    }
}
