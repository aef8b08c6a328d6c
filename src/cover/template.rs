//! The cover template: a small TOML file describing the background, decorations and
//! where and how the title, author and fandom are set. The format is documented key by
//! key in `covers/README.md`; the built-in templates live beside it.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer};
use serde::Deserialize;
use toml::Spanned;

use crate::error::Error;

/// A colour in a template: `#rrggbb`, `#rgb`, or `accent` (the background's accent
/// colour, which a `from-title` palette derives from the title).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Rgb([u8; 3]),
    Accent,
}

impl Color {
    pub(crate) fn parse(s: &str) -> Option<Color> {
        if s.eq_ignore_ascii_case("accent") {
            return Some(Color::Accent);
        }
        let hex = s.strip_prefix('#')?;
        let nibble = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        let bytes = hex.as_bytes();
        match bytes.len() {
            3 => {
                let mut c = [0u8; 3];
                for (i, b) in bytes.iter().enumerate() {
                    let n = nibble(*b)?;
                    c[i] = n * 17;
                }
                Some(Color::Rgb(c))
            }
            6 => {
                let mut c = [0u8; 3];
                for i in 0..3 {
                    c[i] = nibble(bytes[2 * i])? * 16 + nibble(bytes[2 * i + 1])?;
                }
                Some(Color::Rgb(c))
            }
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Color::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a colour; write it as \"#rrggbb\" (for example \"#1b2a41\"), \"#rgb\" or \"accent\""
            ))
        })
    }
}

/// A rectangle as fractions of the canvas (0 = left/top edge, 1 = right/bottom edge).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RegionRaw")]
pub struct Region {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionRaw {
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

impl TryFrom<RegionRaw> for Region {
    type Error = String;
    fn try_from(r: RegionRaw) -> Result<Self, String> {
        let ok = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
        if !(ok(r.x) && ok(r.y) && ok(r.width) && ok(r.height)) || r.width <= 0.0 || r.height <= 0.0
        {
            return Err("a region's x, y, width and height are fractions of the cover between 0 and 1, and width and height must be above 0".into());
        }
        if r.x + r.width > 1.0001 || r.y + r.height > 1.0001 {
            return Err(format!(
                "this region runs off the cover (x + width = {:.3}, y + height = {:.3}); both must be at most 1",
                r.x + r.width,
                r.y + r.height
            ));
        }
        Ok(Region {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
        })
    }
}

impl Region {
    fn overlaps(&self, o: &Region) -> bool {
        let eps = 1e-4;
        self.x + eps < o.x + o.width
            && o.x + eps < self.x + self.width
            && self.y + eps < o.y + o.height
            && o.y + eps < self.y + self.height
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    #[default]
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum VAlign {
    Top,
    #[default]
    Middle,
    Bottom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Vertical,
    Diagonal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Palette {
    #[serde(rename = "from-title")]
    FromTitle,
}

/// How one piece of text (title, author or fandom) is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextStyle {
    pub region: Spanned<Region>,
    #[serde(default = "default_font")]
    pub font: String,
    /// Largest size in pixels on the 1600×2560 canvas; the text shrinks from here to fit.
    pub size: f32,
    #[serde(default = "default_text_color")]
    pub color: Color,
    #[serde(default)]
    pub align: Align,
    #[serde(default)]
    pub valign: VAlign,
    #[serde(default = "default_line_height")]
    pub line_height: f32,
    #[serde(default)]
    pub letter_spacing: f32,
    #[serde(default)]
    pub uppercase: bool,
    #[serde(default)]
    pub prefix: String,
}

fn default_font() -> String {
    "garamond".into()
}
fn default_text_color() -> Color {
    Color::Rgb([0xf4, 0xef, 0xe6])
}
fn default_line_height() -> f32 {
    1.05
}
fn one() -> f32 {
    1.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Background {
    #[serde(default = "default_colors")]
    pub colors: Spanned<Vec<Color>>,
    #[serde(default)]
    pub direction: Direction,
    #[serde(default)]
    pub palette: Option<Palette>,
    #[serde(default)]
    pub accent: Option<Color>,
    #[serde(default)]
    pub vignette: f32,
    #[serde(default = "default_tint")]
    pub image_tint: Color,
    #[serde(default = "default_tint_opacity")]
    pub image_tint_opacity: f32,
}

fn default_colors() -> Spanned<Vec<Color>> {
    Spanned::new(0..0, vec![Color::Rgb([0x1c, 0x1f, 0x26])])
}
fn default_tint() -> Color {
    Color::Rgb([0, 0, 0])
}
fn default_tint_opacity() -> f32 {
    0.45
}

impl Default for Background {
    fn default() -> Self {
        Background {
            colors: default_colors(),
            direction: Direction::Vertical,
            palette: None,
            accent: None,
            vignette: 0.0,
            image_tint: default_tint(),
            image_tint_opacity: default_tint_opacity(),
        }
    }
}

/// A decorative element drawn over the background and under the text.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Decoration {
    Frame(Frame),
    Rule(Rule),
    Band(Band),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frame {
    /// Distance from the edge as a fraction of the cover's width.
    pub inset: f32,
    pub thickness: f32,
    pub color: Color,
    #[serde(default = "one")]
    pub opacity: f32,
    #[serde(default)]
    pub double: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Left end as a fraction of the width; when absent the rule is centred.
    #[serde(default)]
    pub x: Option<f32>,
    pub y: f32,
    pub width: f32,
    pub thickness: f32,
    pub color: Color,
    #[serde(default = "one")]
    pub opacity: f32,
    #[serde(default)]
    pub ornament: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub top: f32,
    pub bottom: f32,
    pub color: Color,
    #[serde(default = "one")]
    pub opacity: f32,
}

/// Settings used only when text is set over the user's own image.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    #[serde(default = "default_tint")]
    pub scrim: Color,
    #[serde(default = "default_scrim_opacity")]
    pub scrim_opacity: f32,
}

fn default_scrim_opacity() -> f32 {
    0.55
}

impl Default for Overlay {
    fn default() -> Self {
        Overlay {
            scrim: default_tint(),
            scrim_opacity: default_scrim_opacity(),
        }
    }
}

/// A cover design. Read one with [`parse_template`] or take a built-in one with
/// [`builtin_template`]; a template naming a font by path needs that font's bytes
/// given with [`CoverTemplate::attach_font`] before drawing.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverTemplate {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub background: Background,
    #[serde(default, rename = "decoration")]
    pub decorations: Vec<Decoration>,
    pub title: TextStyle,
    pub author: TextStyle,
    #[serde(default)]
    pub fandom: Option<TextStyle>,
    #[serde(default)]
    pub overlay: Overlay,
    /// Where the template came from, for error messages.
    #[serde(skip)]
    pub(crate) source: String,
    /// Font files the caller loaded for fonts named by path.
    #[serde(skip)]
    pub(crate) attached_fonts: Vec<(String, Arc<[u8]>)>,
}

impl fmt::Debug for CoverTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoverTemplate")
            .field("source", &self.source)
            .field("description", &self.description)
            .field("background", &self.background)
            .field("decorations", &self.decorations)
            .field("title", &self.title)
            .field("author", &self.author)
            .field("fandom", &self.fandom)
            .field(
                "attached_fonts",
                &self.attached_fonts.iter().map(|f| &f.0).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl CoverTemplate {
    /// The text blocks in drawing order, with their names for messages.
    pub(crate) fn blocks(&self) -> Vec<(&'static str, &TextStyle)> {
        let mut v = vec![("title", &self.title), ("author", &self.author)];
        if let Some(f) = &self.fandom {
            v.push(("fandom", f));
        }
        v
    }

    /// Fonts this template names that are not bundled: paths (relative to the template
    /// file) the caller must read and hand over with [`CoverTemplate::attach_font`].
    pub fn external_fonts(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .blocks()
            .into_iter()
            .map(|(_, s)| s.font.clone())
            .filter(|f| super::fonts::bundled(f).is_none())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Give the bytes of a font the template names by path. Fails if they are not a
    /// font ab_glyph can read (TrueType or OpenType).
    pub fn attach_font(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), Error> {
        if ab_glyph::FontRef::try_from_slice(&bytes).is_err() {
            return Err(Error::Cover(format!(
                "the font {name} named by the cover template {} is not a TrueType or OpenType font ficbind can read; use a .ttf or .otf file, or one of the bundled fonts ({})",
                self.source,
                super::fonts::NAMES.join(", ")
            )));
        }
        self.attached_fonts.retain(|(n, _)| n != name);
        self.attached_fonts
            .push((name.to_string(), Arc::from(bytes)));
        Ok(())
    }

    /// Where this template came from (a path, or `built-in NAME`).
    pub fn source(&self) -> &str {
        &self.source
    }
}

const CLASSIC: &str = include_str!("../../covers/classic.toml");
const NIGHT: &str = include_str!("../../covers/night.toml");
const PAPER: &str = include_str!("../../covers/paper.toml");

const BUILTIN: &[(&str, &str)] = &[("classic", CLASSIC), ("night", NIGHT), ("paper", PAPER)];

/// Names of the built-in templates, in the order `--help` should list them.
pub fn builtin_names() -> &'static [&'static str] {
    &["classic", "night", "paper"]
}

/// A built-in template by name (`classic`, `night`, `paper`).
pub fn builtin_template(name: &str) -> Option<CoverTemplate> {
    let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    // The built-ins are tested to parse; a failure here is a bug in this crate.
    Some(
        parse_template(text, &format!("covers/{name}.toml (built-in)"))
            .expect("built-in cover templates parse"),
    )
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The key whose value sits at `offset` (the text before `=` on that line), if any.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (k, _) = line.split_once('=')?;
    let k = k.trim();
    (!k.is_empty()).then(|| k.to_string())
}

/// Read a template from TOML. Errors name the file, the line and the key.
pub fn parse_template(toml_text: &str, path_for_errors: &str) -> Result<CoverTemplate, Error> {
    let err_at = |offset: Option<usize>, key: Option<String>, msg: &str| {
        let place = match offset {
            Some(o) => {
                let (line, col) = line_col(toml_text, o);
                format!("{path_for_errors}:{line}:{col}")
            }
            None => path_for_errors.to_string(),
        };
        let key = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
        Error::Cover(format!(
            "the cover template {place}{key} is not valid: {msg}; fix it (every key is described in covers/README.md) or choose a built-in template ({})",
            builtin_names().join(", ")
        ))
    };

    let mut t: CoverTemplate = toml::from_str(toml_text).map_err(|e| {
        let start = e.span().map(|s| s.start);
        let key = start.and_then(|o| key_at(toml_text, o));
        err_at(start, key, e.message().trim_end_matches('\n'))
    })?;
    t.source = path_for_errors.to_string();

    let n = t.background.colors.get_ref().len();
    if !(1..=3).contains(&n) {
        let s = t.background.colors.span().start;
        return Err(err_at(
            Some(s),
            Some("background.colors".into()),
            &format!("give 1 colour (a solid background) or 2–3 (a gradient), not {n}"),
        ));
    }
    let unit = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
    if !unit(t.background.vignette) || !unit(t.background.image_tint_opacity) {
        return Err(err_at(
            None,
            Some("background.vignette / background.image_tint_opacity".into()),
            "these are between 0 and 1",
        ));
    }
    if !unit(t.overlay.scrim_opacity) {
        return Err(err_at(
            None,
            Some("overlay.scrim_opacity".into()),
            "it is between 0 and 1",
        ));
    }
    for (i, d) in t.decorations.iter().enumerate() {
        let key = format!(
            "decoration #{} ({})",
            i + 1,
            match d {
                Decoration::Frame(_) => "frame",
                Decoration::Rule(_) => "rule",
                Decoration::Band(_) => "band",
            }
        );
        let ok = match d {
            Decoration::Frame(f) => {
                unit(f.inset)
                    && f.inset < 0.5
                    && f.thickness > 0.0
                    && f.thickness <= 200.0
                    && unit(f.opacity)
            }
            Decoration::Rule(r) => {
                unit(r.y)
                    && unit(r.width)
                    && r.x.is_none_or(|x| unit(x) && x + r.width <= 1.0001)
                    && r.thickness > 0.0
                    && r.thickness <= 200.0
                    && unit(r.opacity)
            }
            Decoration::Band(b) => {
                unit(b.top) && unit(b.bottom) && b.top < b.bottom && unit(b.opacity)
            }
        };
        if !ok {
            return Err(err_at(None, Some(key), "positions and opacity are fractions between 0 and 1 (a frame's inset below 0.5, a band's top above its bottom), and thickness is in pixels between 0 and 200"));
        }
    }

    let blocks = t.blocks();
    for (name, s) in &blocks {
        let off = Some(s.region.span().start);
        if !(s.size.is_finite() && s.size >= 4.0 && s.size <= 2000.0) {
            return Err(err_at(
                off,
                Some(format!("{name}.size")),
                "the size is in pixels on the 1600×2560 cover, between 4 and 2000",
            ));
        }
        if !(s.line_height.is_finite() && (0.6..=3.0).contains(&s.line_height)) {
            return Err(err_at(
                off,
                Some(format!("{name}.line_height")),
                "line_height is a multiple of the size between 0.6 and 3",
            ));
        }
        if !(s.letter_spacing.is_finite() && (-0.2..=1.0).contains(&s.letter_spacing)) {
            return Err(err_at(
                off,
                Some(format!("{name}.letter_spacing")),
                "letter_spacing is a fraction of the size between -0.2 and 1",
            ));
        }
    }
    for i in 0..blocks.len() {
        for j in i + 1..blocks.len() {
            let (a, sa) = blocks[i];
            let (b, sb) = blocks[j];
            if sa.region.get_ref().overlaps(sb.region.get_ref()) {
                return Err(err_at(
                    Some(sb.region.span().start),
                    Some(format!("{b}.region")),
                    &format!("the {b} region overlaps the {a} region, and text must not run into other text; move one of them"),
                ));
            }
        }
    }
    Ok(t)
}
