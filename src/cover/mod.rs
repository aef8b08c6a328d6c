//! Covers, the image side: make a user's own image e-reader ready, or draw a cover from a
//! `covers/` template. Functions over bytes: the caller reads files and writes the
//! EPUB; nothing here touches the clock or a random source, so the same input always
//! gives the same bytes. The one thing read from the disk is the installed fonts
//! ([`system`]), for characters the template's fonts lack, chosen so that the same fonts
//! installed give the same cover.

mod fonts;
mod paint;
mod plan;
mod scene;
mod shape;
mod system;
mod template;
mod typeset;

use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, RgbImage};

use crate::diag::{Code, Diagnostic};
use crate::error::Error;

pub use fonts::NAMES as BUNDLED_FONTS;
pub use plan::{make, CoverPlan};
pub use template::{
    builtin_names, builtin_template, parse_template, Align, Color, CoverTemplate, Decoration,
    Direction, Palette, Region, VAlign,
};

#[cfg(test)]
use paint::Canvas;
use paint::Gradient;
use scene::{Background, Scene};
use template::TextStyle;
use typeset::{Rect, SetFont, Setting};

/// Width of a generated cover, and the widest a given cover is kept.
pub const COVER_WIDTH: u32 = 1600;
/// Height of a generated cover, and the tallest a given cover is kept.
pub const COVER_HEIGHT: u32 = 2560;
/// The most pixels a cover may have (some e-readers refuse larger images).
pub const MAX_PIXELS: u64 = 5_600_000;
/// Below this width or height a cover looks blurry on a modern e-reader.
pub const SMALL_WIDTH: u32 = 625;
pub const SMALL_HEIGHT: u32 = 1000;
const JPEG_QUALITY: u8 = 90;

/// An encoded cover ready to go into the EPUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverImage {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub media_type: &'static str,
    /// `jpg` or `png`.
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What a generated cover says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverText {
    pub title: String,
    pub author: String,
    pub fandom: Option<String>,
    /// The book's language as a BCP 47 tag (empty when unknown): it picks the Chinese,
    /// Japanese or Korean forms of Han characters, and the shaper's local forms.
    pub language: String,
}

fn unreadable(file_name: &str) -> Error {
    Error::Cover(format!(
        "{file_name} is not an image ficbind can read (corrupt or unsupported format); use a JPEG, PNG, WebP, GIF or BMP file"
    ))
}

/// The most pixels ficbind decodes of an image (a 48-megapixel photograph fits). A small
/// file can claim a huge size (a 1 MB PNG of 20000×20000 pixels would take 1.2 GB
/// decoded, and more to scale), so the size is checked before decoding.
pub const MAX_DECODE_PIXELS: u64 = 50_000_000;
/// The widest or tallest image ficbind decodes.
pub const MAX_DECODE_SIDE: u32 = 30_000;
/// The most memory decoding an image may take.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

fn decode_limits(side: Option<u32>) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = side;
    limits.max_image_height = side;
    limits
}

fn too_large(file_name: &str, size: Option<(u32, u32)>) -> Error {
    let size = match size {
        Some((w, h)) => format!(
            "{w}×{h} pixels ({:.1} megapixels)",
            f64::from(w) * f64::from(h) / 1e6
        ),
        None => "too large".into(),
    };
    Error::Cover(format!(
        "{file_name} is {size}; ficbind decodes images of at most {} megapixels and {} pixels a side, in {} MB of memory; scale it down to about 1600×2560 pixels first",
        MAX_DECODE_PIXELS / 1_000_000,
        MAX_DECODE_SIDE,
        MAX_DECODE_BYTES / (1024 * 1024)
    ))
}

/// Decode by content (not by name), turning the image upright if its EXIF says so.
fn decode(file_name: &str, bytes: &[u8]) -> Result<DynamicImage, Error> {
    let format = image::guess_format(bytes).map_err(|_| unreadable(file_name))?;
    if !matches!(
        format,
        ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Bmp
    ) {
        return Err(Error::Cover(format!(
            "{file_name} is a {format:?} image, which ficbind does not read; save it as JPEG or PNG (WebP, GIF and BMP work too)"
        )));
    }
    // Only the header is read here: the size is checked before a pixel is decoded.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decode_limits(None));
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(file_name, None),
        _ => unreadable(file_name),
    })?;
    let (w, h) = decoder.dimensions();
    if w > MAX_DECODE_SIDE
        || h > MAX_DECODE_SIDE
        || u64::from(w) * u64::from(h) > MAX_DECODE_PIXELS
        || decoder.total_bytes() > MAX_DECODE_BYTES
    {
        return Err(too_large(file_name, Some((w, h))));
    }
    // And the image crate told to hold to the same budget as it decodes.
    decoder
        .set_limits(decode_limits(Some(MAX_DECODE_SIDE)))
        .map_err(|_| too_large(file_name, Some((w, h))))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(file_name, Some((w, h))),
        _ => unreadable(file_name),
    })?;
    img.apply_orientation(orientation);
    Ok(img)
}

fn has_transparency(img: &DynamicImage) -> bool {
    if !img.color().has_alpha() {
        return false;
    }
    match img {
        DynamicImage::ImageRgba8(b) => b.pixels().any(|p| p.0[3] < 255),
        DynamicImage::ImageLumaA8(b) => b.pixels().any(|p| p.0[1] < 255),
        other => other.to_rgba8().pixels().any(|p| p.0[3] < 255),
    }
}

/// The size that fits inside 1600×2560 and 5.6 MP, keeping the aspect, never larger.
fn fitted_size(w: u32, h: u32) -> (u32, u32) {
    let mut f = (COVER_WIDTH as f64 / w as f64)
        .min(COVER_HEIGHT as f64 / h as f64)
        .min(1.0);
    let px = w as f64 * h as f64 * f * f;
    if px > MAX_PIXELS as f64 {
        f *= (MAX_PIXELS as f64 / px).sqrt();
    }
    if f >= 1.0 {
        return (w, h);
    }
    let nw = ((w as f64 * f).floor() as u32).clamp(1, COVER_WIDTH);
    let nh = ((h as f64 * f).floor() as u32).clamp(1, COVER_HEIGHT);
    (nw, nh)
}

/// Baseline JPEG, quality 90. jpeg-encoder's scalar path (no `simd` feature, which would
/// pick code by CPU at run time) is about twice as fast as image's encoder and gives the
/// same bytes on every machine.
fn encode_jpeg(img: &RgbImage) -> CoverImage {
    let (w, h) = img.dimensions();
    let mut bytes = Vec::new();
    // Dimensions are at most 1600×2560 here, well inside a JPEG's 16-bit sizes.
    jpeg_encoder(&mut bytes)
        .encode(
            img.as_raw(),
            w as u16,
            h as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encoding a JPEG into memory cannot fail");
    jpeg_cover(bytes, w, h)
}

/// A generated cover as a JPEG, painted band by band as the encoder goes (see
/// [`scene`]), so the whole picture is never in memory at once.
fn encode_scene(scene: &Scene) -> CoverImage {
    let mut bytes = Vec::new();
    jpeg_encoder(&mut bytes)
        .encode_image(scene.rows())
        .expect("encoding a JPEG into memory cannot fail");
    jpeg_cover(bytes, scene.width, scene.height)
}

fn jpeg_encoder(bytes: &mut Vec<u8>) -> jpeg_encoder::Encoder<&mut Vec<u8>> {
    let mut encoder = jpeg_encoder::Encoder::new(bytes, JPEG_QUALITY);
    // 4:2:0 chroma, as cameras and most e-book covers use: half the work of 4:4:4 and no
    // visible difference at this size and quality. It also makes the encoder code one
    // interleaved scan, reading rows top to bottom 16 at a time, which is what lets
    // `encode_scene` paint the picture in bands.
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder
}

fn jpeg_cover(bytes: Vec<u8>, width: u32, height: u32) -> CoverImage {
    CoverImage {
        bytes,
        media_type: "image/jpeg",
        extension: "jpg",
        width,
        height,
    }
}

fn encode_png(img: &image::RgbaImage) -> CoverImage {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, PngFilter::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgba8,
        )
        .expect("encoding a PNG into memory cannot fail");
    CoverImage {
        bytes,
        media_type: "image/png",
        extension: "png",
        width: img.width(),
        height: img.height(),
    }
}

fn small_warning(file_name: &str, w: u32, h: u32) -> Option<Diagnostic> {
    (w < SMALL_WIDTH || h < SMALL_HEIGHT).then(|| {
        Diagnostic::new(
            Code::W012,
            format!(
                "the cover image is only {w}×{h} pixels and will look blurry on e-readers; use one at least {SMALL_WIDTH}×{SMALL_HEIGHT} (1600×2560 is ideal)"
            ),
        )
        .in_file(file_name)
    })
}

/// A user's own image made e-reader ready: decoded by content, turned upright, scaled to
/// fit 1600×2560 (never up), and written as a baseline JPEG, or as PNG when it has real
/// transparency. Metadata such as EXIF location is not carried over.
pub fn prepare_cover(
    file_name: &str,
    bytes: &[u8],
) -> Result<(CoverImage, Vec<Diagnostic>), Error> {
    let img = decode(file_name, bytes)?;
    let mut diags = Vec::new();
    diags.extend(small_warning(file_name, img.width(), img.height()));
    let (w, h) = fitted_size(img.width(), img.height());
    let out = if has_transparency(&img) {
        let mut rgba = img.to_rgba8();
        if (w, h) != rgba.dimensions() {
            rgba = image::imageops::resize(&rgba, w, h, FilterType::CatmullRom);
        }
        encode_png(&rgba)
    } else {
        let mut rgb = img.to_rgb8();
        if (w, h) != rgb.dimensions() {
            rgb = image::imageops::resize(&rgb, w, h, FilterType::CatmullRom);
        }
        encode_jpeg(&rgb)
    };
    Ok((out, diags))
}

/// The colours a template's background resolves to for one title: the gradient stops and
/// the accent colour.
struct Colors {
    stops: Vec<[u8; 3]>,
    accent: [u8; 3],
}

impl Colors {
    fn of(&self, c: Color) -> [u8; 3] {
        match c {
            Color::Rgb(rgb) => rgb,
            Color::Accent => self.accent,
        }
    }
}

fn resolve_colors(t: &CoverTemplate, title: &str) -> Colors {
    let bg = &t.background;
    if bg.palette == Some(Palette::FromTitle) {
        // A fixed hash of the title picks a hue; saturation and lightness stay in a
        // deep, muted band so light text reads well on every cover of the shelf.
        // A fixed hash, so a title always gets the same palette.
        let h = crate::util::hash::Fnv64::of(title.trim().as_bytes());
        let hue = (h % 360) as f32;
        let spread = 20.0 + ((h >> 16) % 30) as f32;
        let sat = 0.35 + ((h >> 24) % 20) as f32 / 100.0;
        let stops = vec![
            paint::hsl(hue, sat, 0.24),
            paint::hsl(hue + spread, sat + 0.05, 0.15),
            paint::hsl(hue + 2.0 * spread, sat, 0.07),
        ];
        let accent = paint::hsl(hue + spread * 0.5, 0.55, 0.72);
        return Colors { stops, accent };
    }
    let plain: Vec<[u8; 3]> = bg
        .colors
        .get_ref()
        .iter()
        .map(|c| match c {
            Color::Rgb(rgb) => *rgb,
            Color::Accent => [0x80, 0x80, 0x80],
        })
        .collect();
    let accent = match bg.accent {
        Some(Color::Rgb(c)) => c,
        _ => match t.title.color {
            Color::Rgb(c) => c,
            Color::Accent => [0xd4, 0xaf, 0x37],
        },
    };
    Colors {
        stops: plain,
        accent,
    }
}

fn set_font<'a>(t: &'a CoverTemplate, name: &str) -> Result<SetFont<'a>, Error> {
    let bytes: &'a [u8] = match fonts::bundled(name) {
        Some(b) => b,
        None => match t.attached_fonts.iter().find(|(n, _)| n == name) {
            Some((_, b)) => b,
            None => {
                return Err(Error::Cover(format!(
                    "the cover template {} names the font \"{name}\", which is neither a bundled font ({}) nor a font file that was loaded; check the path (it is relative to the template) or use a bundled font",
                    t.source,
                    fonts::NAMES.join(", ")
                )))
            }
        },
    };
    SetFont::new(bytes, 0).ok_or_else(|| {
        Error::Cover(format!(
            "the font \"{name}\" named by the cover template {} cannot be read; use a TrueType or OpenType font",
            t.source
        ))
    })
}

/// The blocks with their text, after prefix and case, skipping empty ones.
fn texts<'t>(t: &'t CoverTemplate, text: &CoverText) -> Vec<(&'static str, &'t TextStyle, String)> {
    let mut out = Vec::new();
    for (name, style) in t.blocks() {
        let raw = match name {
            "title" => Some(text.title.as_str()),
            "author" => Some(text.author.as_str()),
            _ => text.fandom.as_deref(),
        };
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let mut s = format!("{}{}", style.prefix, raw);
        if style.uppercase {
            s = s.to_uppercase();
        }
        out.push((name, style, s));
    }
    out
}

/// Set the title, author and fandom. `scale` maps template pixels (on 1600×2560) to the
/// scene; `scrim` darkens behind each block first (for photographs).
fn draw_texts(
    scene: &mut Scene,
    t: &CoverTemplate,
    text: &CoverText,
    colors: &Colors,
    scale: f32,
    scrim: Option<([u8; 3], f32)>,
    diag_file: &str,
) -> Result<Vec<Diagnostic>, Error> {
    let mut diags = Vec::new();
    let (cw, ch) = (scene.width as f32, scene.height as f32);
    for (name, style, s) in texts(t, text) {
        let font = set_font(t, &style.font)?;
        let (installed, missing) = installed_for(&font, &style.font, &text.language, &s);
        if !missing.is_empty() {
            diags.push(missing_warning(name, &style.font, &missing).in_file(diag_file));
        }
        let mut fonts = vec![font];
        fonts.extend(
            installed
                .iter()
                .filter_map(|f| SetFont::new(&f.bytes, f.index)),
        );
        let r = style.region.get_ref();
        let rect = Rect {
            x0: r.x * cw,
            y0: r.y * ch,
            x1: (r.x + r.width) * cw,
            y1: (r.y + r.height) * ch,
        };
        if let Some((color, opacity)) = scrim {
            let feather = (rect.y1 - rect.y0).max(ch * 0.04) * 0.6;
            scene.scrim(rect.y0, rect.y1, feather, color, opacity);
        }
        let setting = Setting {
            max_size: style.size * scale,
            line_height: style.line_height,
            letter_spacing: style.letter_spacing,
            align: style.align,
            valign: style.valign,
            color: colors.of(style.color),
        };
        if let Some((_, run)) = typeset::text_run(&fonts, &text.language, &s, &setting, rect) {
            scene.text(run);
        }
    }
    Ok(diags)
}

/// Installed faces for the characters of `text` the template's font `font` (named
/// `name`) lacks, and the characters none of them draws either.
fn installed_for(
    font: &SetFont<'_>,
    name: &str,
    language: &str,
    text: &str,
) -> (Vec<std::sync::Arc<system::SystemFace>>, Vec<char>) {
    let missing = typeset::missing_chars(&font.font, text);
    if missing.is_empty() {
        return (Vec::new(), missing);
    }
    system::fallbacks(&missing, &wanted(name, language, text))
}

/// W013: characters neither the template's font nor any installed font draws, and how
/// to get a font that does.
fn missing_warning(block: &str, font: &str, missing: &[char]) -> Diagnostic {
    let list: Vec<String> = missing
        .iter()
        .map(|c| format!("{c} (U+{:04X})", *c as u32))
        .collect();
    Diagnostic::new(
        Code::W013,
        format!(
            "neither the cover font \"{font}\" nor any installed font can draw these characters of the {block}, so the cover leaves them out: {}; install a font that has them (Noto covers nearly every script: on Debian and Ubuntu, `apt install fonts-noto-cjk` for Chinese, Japanese and Korean, `apt install fonts-noto-core` for Hebrew, Arabic and most others), or name a font file that has them in your cover template (font = \"fonts/MyFont.ttf\", relative to the template)",
            list.join(", ")
        ),
    )
}

/// What an installed face standing in for the template font `font` should be like.
fn wanted(font: &str, language: &str, text: &str) -> system::Wanted {
    let name = font.to_ascii_lowercase();
    let kind = if name.starts_with("biolinum") || name.contains("sans") {
        system::Kind::Sans
    } else {
        system::Kind::Serif
    };
    system::Wanted {
        kind,
        bold: name.contains("bold"),
        han: han_variant(language, text),
    }
}

/// The regional forms of Han characters to draw: by the book's language where it says,
/// else by the text (kana is Japanese, hangul Korean), else Simplified Chinese.
fn han_variant(language: &str, text: &str) -> &'static str {
    let tag = language.to_ascii_lowercase();
    let mut subtags = tag.split(['-', '_']);
    let rest: Vec<&str> = subtags.clone().skip(1).collect();
    match subtags.next() {
        Some("ja") => return "JP",
        Some("ko") => return "KR",
        Some("zh" | "yue" | "cmn") => {
            return if rest.iter().any(|s| ["hk", "mo"].contains(s)) || tag == "yue" {
                "HK"
            } else if rest.iter().any(|s| ["hant", "tw"].contains(s)) {
                "TC"
            } else {
                "SC"
            };
        }
        _ => {}
    }
    let has = |lo: u32, hi: u32| text.chars().any(|c| (lo..=hi).contains(&(c as u32)));
    if has(0x3040, 0x30FF) {
        "JP"
    } else if has(0xAC00, 0xD7AF) || has(0x1100, 0x11FF) || has(0x3130, 0x318F) {
        "KR"
    } else {
        "SC"
    }
}

/// Draws the template's bands, frames and rules. `mirrored` (a right-to-left title in
/// a flush-left design, which is then set flush right) puts a rule the designer placed
/// off-centre at the same distance from the other edge, so it stays beside the text.
fn draw_decorations(scene: &mut Scene, t: &CoverTemplate, colors: &Colors, mirrored: bool) {
    let (w, h) = (scene.width as f32, scene.height as f32);
    for d in &t.decorations {
        match d {
            Decoration::Band(b) => scene.fill_rect(
                0.0,
                b.top * h,
                w,
                b.bottom * h,
                colors.of(b.color),
                b.opacity,
            ),
            Decoration::Frame(f) => {
                let c = colors.of(f.color);
                let mut ring = |inset: f32, th: f32| {
                    let (x0, y0, x1, y1) = (inset, inset, w - inset, h - inset);
                    scene.fill_rect(x0, y0, x1, y0 + th, c, f.opacity);
                    scene.fill_rect(x0, y1 - th, x1, y1, c, f.opacity);
                    scene.fill_rect(x0, y0 + th, x0 + th, y1 - th, c, f.opacity);
                    scene.fill_rect(x1 - th, y0 + th, x1, y1 - th, c, f.opacity);
                };
                let inset = f.inset * w;
                ring(inset, f.thickness);
                if f.double {
                    // A hairline inside the main line, as on cloth bindings.
                    let thin = (f.thickness / 3.0).max(2.0);
                    ring(inset + f.thickness + f.thickness.max(6.0) * 2.0, thin);
                }
            }
            Decoration::Rule(r) => {
                let c = colors.of(r.color);
                let half = r.width * w / 2.0;
                let cx = r.x.map_or(w / 2.0, |x| x * w + half);
                let cx = if mirrored { w - cx } else { cx };
                let cy = r.y * h;
                let (y0, y1) = (cy - r.thickness / 2.0, cy + r.thickness / 2.0);
                if r.ornament {
                    let rad = (r.thickness * 4.5).max(12.0);
                    let gap = rad * 2.2;
                    scene.fill_rect(cx - half, y0, cx - gap, y1, c, r.opacity);
                    scene.fill_rect(cx + gap, y0, cx + half, y1, c, r.opacity);
                    scene.diamond(cx, cy, rad, c, r.opacity);
                    scene.diamond(cx - gap * 0.62, cy, rad * 0.32, c, r.opacity);
                    scene.diamond(cx + gap * 0.62, cy, rad * 0.32, c, r.opacity);
                } else {
                    scene.fill_rect(cx - half, y0, cx + half, y1, c, r.opacity);
                }
            }
        }
    }
}

/// Scale and centre-crop an image so it covers the whole canvas.
fn cover_fill(img: &DynamicImage, w: u32, h: u32) -> RgbImage {
    let (iw, ih) = (img.width() as f64, img.height() as f64);
    let f = (w as f64 / iw).max(h as f64 / ih);
    let (cw, ch) = (
        ((w as f64 / f).round() as u32).min(img.width()),
        ((h as f64 / f).round() as u32).min(img.height()),
    );
    let (x, y) = ((img.width() - cw) / 2, (img.height() - ch) / 2);
    let cropped = img.crop_imm(x, y, cw.max(1), ch.max(1)).to_rgb8();
    image::imageops::resize(&cropped, w, h, FilterType::Triangle)
}

/// A generated cover, 1600×2560 JPEG, from a template. `background` is the name (for
/// messages) and bytes of the template's background image when it has one (the caller
/// reads it).
pub fn generate_cover(
    text: &CoverText,
    template: &CoverTemplate,
    background: Option<(&str, &[u8])>,
) -> Result<(CoverImage, Vec<Diagnostic>), Error> {
    let (scene, diags) = cover_scene(text, template, background)?;
    Ok((encode_scene(&scene), diags))
}

/// What [`generate_cover`] draws, before it is painted.
fn cover_scene(
    text: &CoverText,
    template: &CoverTemplate,
    background: Option<(&str, &[u8])>,
) -> Result<(Scene, Vec<Diagnostic>), Error> {
    let colors = resolve_colors(template, &text.title);
    let bg = &template.background;
    let background = match background {
        Some((name, bytes)) => {
            let img = decode(&format!("the background image {name}"), bytes)?;
            Background::Image {
                rgb: cover_fill(&img, COVER_WIDTH, COVER_HEIGHT),
                tint: Some((bg.image_tint_rgb(), bg.image_tint_opacity)),
                vignette: bg.vignette,
            }
        }
        None => Background::Gradient(Gradient::new(
            &colors.stops,
            bg.direction == Direction::Diagonal,
            bg.vignette,
            COVER_WIDTH,
            COVER_HEIGHT,
        )),
    };
    let mut scene = Scene::new(COVER_WIDTH, COVER_HEIGHT, background);
    let mirrored =
        template.title.align == template::Align::Left && shape::starts_right(&text.title);
    draw_decorations(&mut scene, template, &colors, mirrored);
    let diags = draw_texts(&mut scene, template, text, &colors, 1.0, None, "cover")?;
    Ok((scene, diags))
}

/// The user's own image with the title, author and fandom set on top, using the
/// template's text settings (its background and decorations are not drawn). The image is
/// scaled as [`prepare_cover`] does; each text block gets a soft scrim behind it so it
/// reads on any photograph. Always a JPEG.
pub fn overlay_text(
    file_name: &str,
    bytes: &[u8],
    text: &CoverText,
    template: &CoverTemplate,
) -> Result<(CoverImage, Vec<Diagnostic>), Error> {
    let img = decode(file_name, bytes)?;
    let mut diags = Vec::new();
    diags.extend(small_warning(file_name, img.width(), img.height()));
    let (w, h) = fitted_size(img.width(), img.height());
    let colors = resolve_colors(template, &text.title);
    let mut rgb = if has_transparency(&img) {
        // Flatten onto the template's first background colour.
        let base = colors.stops[0];
        let rgba = img.to_rgba8();
        let mut out = RgbImage::new(rgba.width(), rgba.height());
        for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
            let a = p.0[3] as u32;
            for ((o, &c), &b) in o.0.iter_mut().zip(&p.0[..3]).zip(&base) {
                *o = ((c as u32 * a + b as u32 * (255 - a) + 127) / 255) as u8;
            }
        }
        out
    } else {
        img.to_rgb8()
    };
    if (w, h) != rgb.dimensions() {
        rgb = image::imageops::resize(&rgb, w, h, FilterType::CatmullRom);
    }
    let mut scene = Scene::new(
        w,
        h,
        Background::Image {
            rgb,
            tint: None,
            vignette: 0.0,
        },
    );
    let scale = (w as f32 / COVER_WIDTH as f32).min(h as f32 / COVER_HEIGHT as f32);
    let o = &template.overlay;
    let scrim = match o.scrim {
        Color::Rgb(c) => c,
        Color::Accent => colors.accent,
    };
    diags.extend(draw_texts(
        &mut scene,
        template,
        text,
        &colors,
        scale,
        Some((scrim, o.scrim_opacity)),
        file_name,
    )?);
    Ok((encode_scene(&scene), diags))
}

impl template::Background {
    fn image_tint_rgb(&self) -> [u8; 3] {
        match self.image_tint {
            Color::Rgb(c) => c,
            Color::Accent => [0, 0, 0],
        }
    }
}

#[cfg(test)]
mod tests;
