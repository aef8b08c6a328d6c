//! What Send-to-Kindle and Calibre's Kindle formats need beyond what EPUBCheck checks,
//! each rule on every book built here, EPUB and KEPUB: an XML declaration with its
//! encoding on every document, a well-formed `dc:language`, no element with nothing in
//! it (or written self-closed) that Amazon's converter trips on, images Kindle shows
//! at a size it takes, and no page over 300 KB.

use std::io::Cursor;
use std::path::Path;

use ficbind::{BookFormat, Options};

use crate::support::*;

fn build(dir: &Path, format: BookFormat) -> (std::path::PathBuf, Epub, tempfile::TempDir) {
    let opts = Options {
        source_date_epoch: Some(1_790_000_000),
        format: Some(format),
        ..Options::default()
    };
    let book = ficbind::build::build_series(dir, &opts).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(&book.name);
    std::fs::write(&path, &book.epub).unwrap();
    assert_epubcheck_clean(&path);
    (path, Epub::new(book.epub), tmp)
}

/// Every rule that holds for any book, checked on `epub`.
fn kindle_clean(epub: &mut Epub) {
    let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    // Amazon's converter reads pages as HTML, where `<p/>` or `<a/>` opens an element
    // that swallows what follows.
    let self_closed = regex::Regex::new(
        r"<(?:p|a|h[1-6]|div|span|em|strong|section|li|ul|ol|blockquote|td|th|title|aside)\b[^>]*/>",
    )
    .unwrap();
    let empty = regex::Regex::new(
        r"<(p|a|h[1-6]|blockquote|em|strong|u|s|sup|sub|pre|code|span|title)\b[^>]*>\s*</(p|a|h[1-6]|blockquote|em|strong|u|s|sup|sub|pre|code|span|title)>",
    )
    .unwrap();
    for name in epub.names() {
        let bytes = epub.bytes(&name);
        if [".xhtml", ".opf", ".ncx", ".xml"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                text.starts_with(declaration),
                "{name} starts {:?}",
                &text[..40]
            );
            assert!(
                !self_closed.is_match(&text),
                "{name}: {:?}",
                self_closed.find(&text)
            );
            // A KEPUB's span around the space between two words is that space.
            let kobo_space =
                |m: &str| m.starts_with("<span class=\"koboSpan\"") && !m.contains("\"></span>");
            if let Some(m) = empty
                .captures_iter(&text)
                .find(|c| c[1] == c[2] && !kobo_space(&c[0]))
            {
                panic!("{name} has an empty element: {}", &m[0]);
            }
        }
        if name.ends_with(".xhtml") {
            assert!(bytes.len() < 300 * 1024, "{name} is {} bytes", bytes.len());
        }
        if name.starts_with("OEBPS/images/") {
            assert!(
                bytes.len() <= 5 * 1024 * 1024,
                "{name} is {} bytes",
                bytes.len()
            );
            let img = image::ImageReader::new(Cursor::new(&bytes))
                .with_guessed_format()
                .unwrap();
            assert!(
                matches!(
                    img.format(),
                    Some(
                        image::ImageFormat::Jpeg
                            | image::ImageFormat::Png
                            | image::ImageFormat::Gif
                    )
                ),
                "{name} is {:?}, which Kindle does not show",
                img.format()
            );
            let (w, h) = img.into_dimensions().unwrap();
            assert!(w <= 1600 && h <= 2560, "{name} is {w}×{h}");
        }
    }
    let opf = epub.text("OEBPS/content.opf");
    let language = opf_element(&opf, "dc:language");
    assert!(
        ficbind::input::settings::is_language_tag(&language),
        "{language:?}"
    );
}

fn opf_element(opf: &str, tag: &str) -> String {
    let start = opf.find(&format!("<{tag}>")).unwrap() + tag.len() + 2;
    opf[start..start + opf[start..].find('<').unwrap()].to_string()
}

#[test]
fn the_samples_and_fixtures_are_kindle_clean_in_both_formats() {
    for dir in [
        sample("lantern-road"),
        sample("glass-harbour"),
        fixture("messy"),
        fixture("reader-rules"),
        fixture("ao3-html"),
    ] {
        for format in [BookFormat::Epub, BookFormat::Kepub] {
            let (_, mut epub, _tmp) = build(&dir, format);
            kindle_clean(&mut epub);
        }
    }
}

/// Markdown that makes empty elements if written as it comes: a heading with no
/// words, links with no text, emphasis around a space, an empty quotation, a
/// language header that is no tag.
#[test]
fn elements_with_nothing_in_them_never_reach_a_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("moth-1.md"),
        "Title: Moth 1\nLanguage: the common tongue\n\n#\n\n##   \n\nText [](https://x.test) and [](notes.md) and ** ** and *  * end.\n\n- \n- two\n\n> \n\nPara.\n\n*   *\n\nThe end.\n",
    )
    .unwrap();
    for format in [BookFormat::Epub, BookFormat::Kepub] {
        let (_, mut epub, _tmp) = build(dir.path(), format);
        kindle_clean(&mut epub);
        let page = epub.text("OEBPS/story-001.xhtml");
        assert!(page.contains("Para.") && page.contains("two"), "{page}");
        assert_eq!(
            opf_element(&epub.text("OEBPS/content.opf"), "dc:language"),
            "en"
        );
    }
}

/// A story's images as Kindle takes them: a photo larger than the cover's size is
/// scaled to fit it, a WebP (which Kindle does not show) becomes a JPEG, a small PNG
/// is packaged byte for byte.
#[test]
fn story_images_are_made_kindle_ready() {
    let dir = tempfile::tempdir().unwrap();
    let encode = |img: image::DynamicImage, format| {
        let mut bytes = Vec::new();
        img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        bytes
    };
    let noise = |w, h| {
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x * 7 % 251) as u8,
                (y * 13 % 241) as u8,
                ((x + y) % 256) as u8,
            ])
        }))
    };
    let big = encode(noise(2400, 3000), image::ImageFormat::Png);
    let webp = encode(noise(40, 30), image::ImageFormat::WebP);
    let small = encode(noise(64, 48), image::ImageFormat::Png);
    std::fs::write(dir.path().join("big.png"), &big).unwrap();
    std::fs::write(dir.path().join("map.webp"), &webp).unwrap();
    std::fs::write(dir.path().join("small.png"), &small).unwrap();
    std::fs::write(
        dir.path().join("moth-1.md"),
        "Title: Moth 1\n\nThe bay. ![The whole bay](big.png)\n\nThe map. ![A map](map.webp)\n\nA stamp. ![A stamp](small.png)\n",
    )
    .unwrap();
    for format in [BookFormat::Epub, BookFormat::Kepub] {
        let (_, mut epub, _tmp) = build(dir.path(), format);
        kindle_clean(&mut epub);
        let images: Vec<String> = epub
            .names()
            .into_iter()
            .filter(|n| n.starts_with("OEBPS/images/image-"))
            .collect();
        assert_eq!(images.len(), 3, "{images:?}");
        assert!(
            images[0].ends_with(".jpg") && images[1].ends_with(".jpg"),
            "{images:?}"
        );
        assert_eq!(
            epub.bytes(&images[2]),
            small,
            "a small PNG is kept as it is"
        );
        let (w, h) = image::ImageReader::new(Cursor::new(epub.bytes(&images[0])))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap();
        assert_eq!((w, h), (1600, 2000), "scaled to fit, its shape kept");
    }
}
