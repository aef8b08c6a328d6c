use super::*;
use ab_glyph::FontRef;
use image::{GenericImageView, ImageBuffer, Rgb, Rgba};

fn png_bytes(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

fn rgb_image(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
}

fn decoded(c: &CoverImage) -> DynamicImage {
    image::load_from_memory(&c.bytes).unwrap()
}

fn text(title: &str) -> CoverText {
    CoverText {
        title: title.into(),
        author: "Ada Quill".into(),
        fandom: Some("The Lantern Cycle".into()),
        language: "en".into(),
    }
}

fn codes(ds: &[Diagnostic]) -> Vec<Code> {
    ds.iter().map(|d| d.code).collect()
}

/// A baseline JPEG has a SOF0 (or SOF1) frame marker and no progressive SOF2.
fn is_baseline_jpeg(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8])
        && b.windows(2).any(|w| w == [0xFF, 0xC0] || w == [0xFF, 0xC1])
        && !b.windows(2).any(|w| w == [0xFF, 0xC2])
}

#[test]
fn large_png_is_scaled_into_1600_by_2560_as_jpeg() {
    let (c, d) = prepare_cover("cover.png", &png_bytes(&rgb_image(3200, 4000))).unwrap();
    assert_eq!((c.media_type, c.extension), ("image/jpeg", "jpg"));
    assert_eq!((c.width, c.height), (1600, 2000));
    assert!(is_baseline_jpeg(&c.bytes));
    assert_eq!(decoded(&c).dimensions(), (1600, 2000));
    assert!(d.is_empty());
}

#[test]
fn tall_image_is_limited_by_height() {
    let (c, _) = prepare_cover("c.png", &png_bytes(&rgb_image(1000, 5120))).unwrap();
    assert_eq!((c.width, c.height), (500, 2560));
}

#[test]
fn small_image_is_kept_at_its_size_and_warned_about() {
    let (c, d) = prepare_cover("small.png", &png_bytes(&rgb_image(400, 600))).unwrap();
    assert_eq!((c.width, c.height), (400, 600));
    assert_eq!(codes(&d), vec![Code::W012]);
    assert_eq!(d[0].file.as_deref(), Some("small.png"));
    assert!(d[0].message.contains("400×600"), "{}", d[0].message);
}

#[test]
fn adequate_image_has_no_warning_and_is_not_upscaled() {
    let (c, d) = prepare_cover("c.png", &png_bytes(&rgb_image(700, 1100))).unwrap();
    assert_eq!((c.width, c.height), (700, 1100));
    assert!(d.is_empty());
}

#[test]
fn transparency_is_kept_as_png() {
    let img = DynamicImage::ImageRgba8(ImageBuffer::from_fn(800, 1200, |x, _| {
        Rgba([200, 30, 30, if x < 400 { 0 } else { 255 }])
    }));
    let (c, _) = prepare_cover("logo.png", &png_bytes(&img)).unwrap();
    assert_eq!((c.media_type, c.extension), ("image/png", "png"));
    let back = decoded(&c).to_rgba8();
    assert_eq!(back.get_pixel(10, 10).0[3], 0);
    assert_eq!(back.get_pixel(700, 10).0[3], 255);
}

#[test]
fn opaque_alpha_channel_becomes_jpeg() {
    let img =
        DynamicImage::ImageRgba8(ImageBuffer::from_fn(700, 1000, |_, _| Rgba([1, 2, 3, 255])));
    let (c, _) = prepare_cover("c.png", &png_bytes(&img)).unwrap();
    assert_eq!(c.media_type, "image/jpeg");
}

#[test]
fn pixel_cap_is_respected() {
    for (w, h) in [(1600, 2560), (4000, 4000), (2560, 1600), (10_000, 3000)] {
        let (nw, nh) = fitted_size(w, h);
        assert!(
            nw <= COVER_WIDTH && nh <= COVER_HEIGHT,
            "{w}×{h} → {nw}×{nh}"
        );
        assert!(nw as u64 * nh as u64 <= MAX_PIXELS);
        // Aspect kept to within a pixel of rounding.
        assert!(((nw as f64 / nh as f64) - (w as f64 / h as f64)).abs() < 0.01);
    }
    let (c, _) = prepare_cover("square.png", &png_bytes(&rgb_image(3000, 3000))).unwrap();
    assert_eq!((c.width, c.height), (1600, 1600));
    assert!(c.width as u64 * c.height as u64 <= MAX_PIXELS);
}

#[test]
fn other_formats_are_read_by_content_not_name() {
    let img = rgb_image(640, 1000);
    for fmt in [
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::Bmp,
        ImageFormat::WebP,
    ] {
        let mut bytes = Vec::new();
        img.write_to(&mut Cursor::new(&mut bytes), fmt).unwrap();
        let (c, d) =
            prepare_cover("misnamed.png", &bytes).unwrap_or_else(|e| panic!("{fmt:?}: {e}"));
        assert_eq!(
            (c.width, c.height, c.media_type),
            (640, 1000, "image/jpeg"),
            "{fmt:?}"
        );
        assert!(d.is_empty());
    }
}

#[test]
fn same_bytes_in_same_bytes_out() {
    let bytes = png_bytes(&rgb_image(2000, 3000));
    let a = prepare_cover("c.png", &bytes).unwrap();
    let b = prepare_cover("c.png", &bytes).unwrap();
    assert_eq!(a, b);
}

#[test]
fn corrupt_image_is_a_clear_error() {
    let mut bytes = png_bytes(&rgb_image(100, 100));
    bytes.truncate(60);
    let e = prepare_cover("cover.png", &bytes).unwrap_err().to_string();
    assert_eq!(
        e,
        "cover.png is not an image ficbind can read (corrupt or unsupported format); use a JPEG, PNG, WebP, GIF or BMP file"
    );
    let e = prepare_cover("notes.txt", b"just some words")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("notes.txt is not an image"), "{e}");
}

/// A PNG header claiming `w`×`h` 8-bit RGB pixels, followed by only a few rows of
/// black: a few hundred bytes that would decode to `w`×`h`×3.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    use std::io::Write as _;
    fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; (1 + 3 * w as usize) * 4]).unwrap();
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn an_image_claiming_too_many_pixels_is_refused_before_decoding() {
    let bomb = png_claiming(20_000, 20_000);
    let expected = "big.png is 20000×20000 pixels (400.0 megapixels); ficbind decodes images of at most 50 megapixels and 30000 pixels a side, in 512 MB of memory; scale it down to about 1600×2560 pixels first";
    let e = prepare_cover("big.png", &bomb).unwrap_err().to_string();
    assert_eq!(e, expected);
    let t = builtin_template("night").unwrap();
    let e = overlay_text("big.png", &bomb, &text("X"), &t)
        .unwrap_err()
        .to_string();
    assert_eq!(e, expected);
    let e = generate_cover(&text("X"), &t, Some(("big.png", &bomb)))
        .unwrap_err()
        .to_string();
    assert_eq!(e, format!("the background image {expected}"));
    // Long and thin: few pixels, but wider than any cover source.
    let e = prepare_cover("strip.png", &png_claiming(40_000, 2))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("strip.png is 40000×2 pixels"), "{e}");
    // Within the budget, the same kind of file is only truncated.
    let e = prepare_cover("small.png", &png_claiming(2_000, 3_000))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("small.png is not an image ficbind can read"),
        "{e}"
    );
}

fn assert_generated(c: &CoverImage) {
    assert_eq!(
        (c.width, c.height, c.media_type, c.extension),
        (1600, 2560, "image/jpeg", "jpg")
    );
    assert!(is_baseline_jpeg(&c.bytes));
    assert_eq!(decoded(c).dimensions(), (1600, 2560));
}

#[test]
fn every_builtin_template_renders() {
    assert!(builtin_names().len() >= 3);
    for name in builtin_names() {
        let t = builtin_template(name).unwrap();
        assert!(
            t.external_fonts().is_empty(),
            "{name} uses only bundled fonts"
        );
        let (c, d) = generate_cover(&text("The Tide Tables"), &t, None).unwrap();
        assert_generated(&c);
        assert!(d.is_empty(), "{name}: {d:?}");
    }
    assert!(builtin_template("nope").is_none());
}

#[test]
fn generated_cover_is_deterministic() {
    let t = builtin_template("night").unwrap();
    let a = generate_cover(&text("Glass Harbour"), &t, None).unwrap();
    let b = generate_cover(&text("Glass Harbour"), &t, None).unwrap();
    assert_eq!(a, b);
}

#[test]
fn painting_in_bands_gives_the_picture_painted_whole() {
    // Covers are painted a band at a time as the JPEG encoder reads them; glyphs and
    // shapes straddling band edges must come out exactly as on one whole canvas. Odd
    // band heights put the edges through the middle of letters and the ornament.
    let title = "The Lantern Road: Seven Winters, Three Wars and Одна кошка";
    let bg = png_bytes(&rgb_image(900, 600));
    for name in builtin_names() {
        let t = builtin_template(name).unwrap();
        for background in [None, Some(("bg.png", bg.as_slice()))] {
            let (scene, _) = cover_scene(&text(title), &t, background).unwrap();
            let whole = scene.paint_in_bands(COVER_HEIGHT);
            assert!(
                whole.iter().any(|&v| v != whole[0]),
                "{name}: a blank picture"
            );
            for rows in [1, 7, scene::BAND_ROWS, 113] {
                assert!(
                    scene.paint_in_bands(rows) == whole,
                    "{name}, bands of {rows} rows, background {}",
                    background.is_some()
                );
            }
        }
    }
}

#[test]
fn from_title_palette_differs_between_titles() {
    let t = builtin_template("night").unwrap();
    let a = resolve_colors(&t, "Glass Harbour");
    let b = resolve_colors(&t, "Lantern Road");
    assert_ne!(a.stops, b.stops);
    assert_eq!(a.stops, resolve_colors(&t, "Glass Harbour").stops);
}

/// Draw one block on a blank canvas and return the ink's bounding box.
fn ink_box(canvas: &Canvas) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for y in 0..canvas.height {
        for x in 0..canvas.width {
            // Luma: any ink on black lightens it.
            let i = (y * canvas.width + x) as usize;
            if canvas.planes[0][i] > 0 {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((a, c, d, e)) => (a.min(x), c.min(y), d.max(x), e.max(y)),
                });
            }
        }
    }
    b
}

#[test]
fn a_200_character_title_fits_its_region() {
    let title = "The Extraordinarily Long and Winding Chronicle of How Everyone In The Lantern Cycle Learned To Keep The Harbour Lights Burning Through Seven Winters, Three Wars And One Very Stubborn Cat".to_string();
    let title = format!("{title} Called Biscuit");
    assert!(title.chars().count() >= 200, "{}", title.chars().count());
    for name in builtin_names() {
        let t = builtin_template(name).unwrap();
        let (c, d) = generate_cover(&text(&title), &t, None).unwrap();
        assert_generated(&c);
        assert!(d.is_empty());
        // The title alone, drawn white on black, stays inside its region.
        let mut canvas = Canvas::new(COVER_WIDTH, COVER_HEIGHT);
        let font = [set_font(&t, &t.title.font).unwrap()];
        let r = *t.title.region.get_ref();
        let rect = Rect {
            x0: r.x * 1600.0,
            y0: r.y * 2560.0,
            x1: (r.x + r.width) * 1600.0,
            y1: (r.y + r.height) * 2560.0,
        };
        let setting = Setting {
            max_size: t.title.size,
            line_height: t.title.line_height,
            letter_spacing: t.title.letter_spacing,
            align: t.title.align,
            valign: t.title.valign,
            color: [255; 3],
        };
        let size = typeset::set_text(&mut canvas, &font, &title, &setting, rect);
        assert!(size > 30.0, "{name}: still readable, got {size}px");
        let (x0, y0, x1, y1) = ink_box(&canvas).unwrap();
        assert!(
            x0 as f32 >= rect.x0.floor() && y0 as f32 >= rect.y0.floor(),
            "{name}"
        );
        assert!(
            x1 as f32 <= rect.x1.ceil() && y1 as f32 <= rect.y1.ceil(),
            "{name}"
        );
    }
}

#[test]
fn a_word_wider_than_the_box_is_broken() {
    let t = builtin_template("classic").unwrap();
    let font = [set_font(&t, "garamond").unwrap()];
    let mut canvas = Canvas::new(400, 400);
    let rect = Rect {
        x0: 50.0,
        y0: 50.0,
        x1: 350.0,
        y1: 350.0,
    };
    let setting = Setting {
        max_size: 200.0,
        line_height: 1.0,
        letter_spacing: 0.0,
        align: Align::Center,
        valign: VAlign::Middle,
        color: [255; 3],
    };
    let size = typeset::set_text(
        &mut canvas,
        &font,
        "Supercalifragilisticexpialidocious",
        &setting,
        rect,
    );
    assert!(
        size > 40.0,
        "broken across lines rather than shrunk to a sliver: {size}"
    );
    let (x0, y0, x1, y1) = ink_box(&canvas).unwrap();
    assert!(x0 >= 50 && y0 >= 50 && x1 <= 350 && y1 <= 350);
}

#[test]
fn cyrillic_and_greek_titles_draw_real_glyphs() {
    for name in fonts::NAMES {
        let font = FontRef::try_from_slice(fonts::bundled(name).unwrap()).unwrap();
        assert!(
            typeset::missing_chars(&font, "Война и мир — Ёжик в тумане ЩЪЫЬЭЮЯ").is_empty(),
            "{name}"
        );
        assert!(
            typeset::missing_chars(&font, "Ὀδύσσεια Ωω").is_empty(),
            "{name}"
        );
    }
    for name in builtin_names() {
        let t = builtin_template(name).unwrap();
        let cover = CoverText {
            title: "Дорога фонарей".into(),
            author: "Вера Соловьёва".into(),
            fandom: Some("Φανάρια".into()),
            language: "ru".into(),
        };
        let (c, d) = generate_cover(&cover, &t, None).unwrap();
        assert_generated(&c);
        assert!(!codes(&d).contains(&Code::W013), "{name}: {d:?}");
        // Real glyphs: the title changes the picture.
        let blank = CoverText {
            title: "".into(),
            ..cover.clone()
        };
        assert_ne!(generate_cover(&blank, &t, None).unwrap().0.bytes, c.bytes);
    }
}

/// Whether installed fonts draw `text`. Tests that need them pass quietly without
/// them on a developer's machine, but fail where `FICBIND_REQUIRE_FONTS` is set
/// (scripts/test.sh installs Debian's Noto fonts and sets it), so CI never skips them.
pub(super) fn installed_fonts_draw(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let wanted = system::Wanted {
        kind: system::Kind::Serif,
        bold: false,
        han: "SC",
    };
    let (_, missing) = system::fallbacks(&chars, &wanted);
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("FICBIND_REQUIRE_FONTS").is_none(),
        "FICBIND_REQUIRE_FONTS is set but no installed font draws {missing:?}; scripts/fonts.sh installs Debian's Noto fonts"
    );
    eprintln!("skipped: no installed font draws {missing:?} (scripts/fonts.sh installs them)");
    false
}

#[test]
fn characters_no_installed_font_has_are_named_in_a_warning() {
    // U+0378 and U+0379 are unassigned: no font has them.
    let t = builtin_template("classic").unwrap();
    let (c, d) = generate_cover(&text("Tokyo \u{378}Nights\u{379}"), &t, None).unwrap();
    assert_generated(&c);
    assert_eq!(codes(&d), vec![Code::W013]);
    let m = &d[0].message;
    assert!(m.contains("U+0378") && m.contains("U+0379"), "{m}");
    assert!(
        m.contains("title") && m.contains("any installed font"),
        "{m}"
    );
    // How to fix it: the Debian packages, or a font in the template.
    assert!(
        m.contains("fonts-noto-cjk") && m.contains("fonts-noto-core"),
        "{m}"
    );
    assert!(m.contains("font = "), "{m}");
}

#[test]
fn han_hebrew_and_arabic_titles_draw_with_installed_fonts() {
    let titles = [
        ("zh-Hans", "灯笼路上的七个冬天", "林小雨"),
        ("he", "הדרך אל הנמל", "נועה לוי"),
        ("ar", "طريق الفوانيس", "ليلى حسن"),
    ];
    for (lang, title, author) in titles {
        if !installed_fonts_draw(&format!("{title}{author}")) {
            continue;
        }
        let cover = CoverText {
            title: title.into(),
            author: author.into(),
            fandom: None,
            language: lang.into(),
        };
        for name in builtin_names() {
            let t = builtin_template(name).unwrap();
            let (c, d) = generate_cover(&cover, &t, None).unwrap();
            assert_generated(&c);
            assert!(d.is_empty(), "{lang} {name}: {d:?}");
            // The same fonts installed, the same bytes.
            assert_eq!(
                generate_cover(&cover, &t, None).unwrap().0,
                c,
                "{lang} {name}"
            );
            // The title draws real glyphs, inside its box.
            let style = &t.title;
            let primary = set_font(&t, &style.font).unwrap();
            let (faces, missing) = installed_for(&primary, &style.font, lang, title);
            assert!(missing.is_empty(), "{missing:?}");
            let mut fonts = vec![primary];
            fonts.extend(faces.iter().filter_map(|f| SetFont::new(&f.bytes, f.index)));
            let r = *style.region.get_ref();
            let rect = Rect {
                x0: r.x * 1600.0,
                y0: r.y * 2560.0,
                x1: (r.x + r.width) * 1600.0,
                y1: (r.y + r.height) * 2560.0,
            };
            let setting = Setting {
                max_size: style.size,
                line_height: style.line_height,
                letter_spacing: style.letter_spacing,
                align: style.align,
                valign: style.valign,
                color: [255; 3],
            };
            let mut canvas = Canvas::new(COVER_WIDTH, COVER_HEIGHT);
            let size = typeset::set_text(&mut canvas, &fonts, title, &setting, rect);
            assert!(size > style.size * 0.3, "{lang} {name}: {size}px");
            let (x0, y0, x1, y1) = ink_box(&canvas).unwrap();
            assert!(
                x0 as f32 >= rect.x0.floor() && y0 as f32 >= rect.y0.floor(),
                "{lang} {name}"
            );
            assert!(
                x1 as f32 <= rect.x1.ceil() && y1 as f32 <= rect.y1.ceil(),
                "{lang} {name}"
            );
            // Wide enough to be the title, not a stray glyph.
            assert!(
                (x1 - x0) as f32 > (rect.x1 - rect.x0) * 0.3,
                "{lang} {name}"
            );
        }
    }
}

#[test]
fn a_mixed_title_uses_both_fonts_and_warns_of_nothing() {
    if !installed_fonts_draw("東京の夜") {
        return;
    }
    let t = builtin_template("classic").unwrap();
    let (c, d) = generate_cover(&text("東京の夜 Tokyo Nights"), &t, None).unwrap();
    assert_generated(&c);
    assert!(d.is_empty(), "{d:?}");
    let (latin, _) = generate_cover(&text("Tokyo Nights"), &t, None).unwrap();
    assert_ne!(latin.bytes, c.bytes);
}

#[test]
fn han_forms_follow_the_language_then_the_text() {
    assert_eq!(han_variant("zh", "夜"), "SC");
    assert_eq!(han_variant("zh-Hans-CN", "夜"), "SC");
    assert_eq!(han_variant("zh-Hant", "夜"), "TC");
    assert_eq!(han_variant("zh-TW", "夜"), "TC");
    assert_eq!(han_variant("zh-Hant-HK", "夜"), "HK");
    assert_eq!(han_variant("ja", "夜"), "JP");
    assert_eq!(han_variant("ko-KR", "夜"), "KR");
    // An English book with a Japanese title, and one with a Korean one.
    assert_eq!(han_variant("en", "東京の夜"), "JP");
    assert_eq!(han_variant("", "서울의 밤"), "KR");
    assert_eq!(han_variant("en", "夜"), "SC");
    assert_eq!(wanted("biolinum-bold", "en", "x").kind, system::Kind::Sans);
    assert!(wanted("biolinum-bold", "en", "x").bold);
    assert_eq!(wanted("garamond", "en", "x").kind, system::Kind::Serif);
}

#[test]
fn template_errors_name_file_line_and_key() {
    let bad = "[title]\nregion = { x = 0.1, y = 0.1, width = 0.8, height = 0.3 }\nsize = 100\ncolour = \"#fff\"\n";
    let e = parse_template(bad, "mine.toml").unwrap_err().to_string();
    assert!(e.contains("mine.toml:4"), "{e}");
    assert!(e.contains("colour"), "{e}");

    let bad_color = "[title]\nregion = { x = 0.1, y = 0.1, width = 0.8, height = 0.3 }\nsize = 100\ncolor = \"blue\"\n[author]\nregion = { x = 0.1, y = 0.5, width = 0.8, height = 0.1 }\nsize = 60\n";
    let e = parse_template(bad_color, "mine.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("mine.toml:4") && e.contains("`color`") && e.contains("#rrggbb"),
        "{e}"
    );

    let overlap = "[title]\nregion = { x = 0.1, y = 0.1, width = 0.8, height = 0.5 }\nsize = 100\n[author]\nregion = { x = 0.1, y = 0.5, width = 0.8, height = 0.1 }\nsize = 60\n";
    let e = parse_template(overlap, "mine.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("mine.toml:5") && e.contains("author.region") && e.contains("overlaps"),
        "{e}"
    );

    let off = "[title]\nregion = { x = 0.5, y = 0.1, width = 0.8, height = 0.5 }\nsize = 100\n[author]\nregion = { x = 0.1, y = 0.7, width = 0.8, height = 0.1 }\nsize = 60\n";
    let e = parse_template(off, "mine.toml").unwrap_err().to_string();
    assert!(e.contains("mine.toml:2") && e.contains("runs off"), "{e}");

    let colors = "[background]\ncolors = [\"#000\", \"#111\", \"#222\", \"#333\"]\n[title]\nregion = { x = 0.1, y = 0.1, width = 0.8, height = 0.3 }\nsize = 100\n[author]\nregion = { x = 0.1, y = 0.5, width = 0.8, height = 0.1 }\nsize = 60\n";
    let e = parse_template(colors, "mine.toml").unwrap_err().to_string();
    assert!(
        e.contains("mine.toml:2") && e.contains("background.colors"),
        "{e}"
    );
}

#[test]
fn a_font_named_by_path_must_be_attached() {
    let src = "[title]\nregion = { x = 0.1, y = 0.1, width = 0.8, height = 0.3 }\nsize = 100\nfont = \"fonts/Mine.ttf\"\n[author]\nregion = { x = 0.1, y = 0.5, width = 0.8, height = 0.1 }\nsize = 60\n";
    let mut t = parse_template(src, "mine.toml").unwrap();
    assert_eq!(t.external_fonts(), vec!["fonts/Mine.ttf".to_string()]);
    let e = generate_cover(&text("X"), &t, None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fonts/Mine.ttf") && e.contains("mine.toml"),
        "{e}"
    );
    assert!(t
        .attach_font("fonts/Mine.ttf", b"not a font".to_vec())
        .is_err());
    t.attach_font(
        "fonts/Mine.ttf",
        fonts::bundled("biolinum").unwrap().to_vec(),
    )
    .unwrap();
    let (c, _) = generate_cover(&text("X"), &t, None).unwrap();
    assert_generated(&c);
}

#[test]
fn background_image_fills_the_cover() {
    let t = builtin_template("classic").unwrap();
    let bg = png_bytes(&rgb_image(900, 600));
    let (c, _) = generate_cover(&text("Harbour"), &t, Some(("bg.png", &bg))).unwrap();
    assert_generated(&c);
    let e = generate_cover(&text("Harbour"), &t, Some(("bg.png", b"garbage")))
        .unwrap_err()
        .to_string();
    assert!(e.contains("background image"), "{e}");
}

#[test]
fn overlay_sets_text_on_the_users_image() {
    let t = builtin_template("night").unwrap();
    let bytes = png_bytes(&rgb_image(800, 1280));
    let (c, d) = overlay_text("cover.png", &bytes, &text("Glass Harbour"), &t).unwrap();
    assert_eq!((c.width, c.height, c.media_type), (800, 1280, "image/jpeg"));
    assert!(d.is_empty());
    let (plain, _) = prepare_cover("cover.png", &bytes).unwrap();
    assert_ne!(plain.bytes, c.bytes);
    assert_eq!(
        overlay_text("cover.png", &bytes, &text("Glass Harbour"), &t)
            .unwrap()
            .0,
        c
    );
}

#[test]
fn a_right_to_left_title_mirrors_a_flush_left_designs_rules() {
    let t = builtin_template("night").unwrap();
    // The accent rule above the author: 10% in from the left, 14% of the width.
    let accent = |title: &str| {
        let (scene, _) = cover_scene(&text(title), &t, None).unwrap();
        let rects = scene.rects();
        let thick: Vec<[f32; 4]> = rects
            .into_iter()
            .filter(|r| (r[3] - r[1] - 10.0).abs() < 0.01)
            .collect();
        assert_eq!(thick.len(), 1, "{title}: {thick:?}");
        thick[0]
    };
    let [x0, _, x1, _] = accent("Glass Harbour");
    assert_eq!((x0, x1), (160.0, 384.0));
    let [x0, _, x1, _] = accent("הדרך אל הנמל");
    assert_eq!((x0, x1), (1600.0 - 384.0, 1600.0 - 160.0));
    // A centred design (classic) has nothing to mirror: the same rules either way.
    let classic = builtin_template("classic").unwrap();
    let rules = |title: &str| cover_scene(&text(title), &classic, None).unwrap().0.rects();
    assert_eq!(rules("Glass Harbour"), rules("הדרך אל הנמל"));
}
