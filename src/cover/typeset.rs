//! Setting text in a box: wrap at spaces and, in Chinese and Japanese, between
//! characters (inside a word only when the word alone is too wide), shrink until the
//! lines fit, balance the line lengths, put each line's right-to-left runs in visual
//! order, and draw the glyphs' anti-aliased coverage onto the canvas. Nothing drawn
//! leaves the box. The glyphs come from [`super::shape`].

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale};
use unicode_bidi::{BidiInfo, Level};

use super::paint::Canvas;
use super::template::{Align, VAlign};

/// A box in canvas pixels.
#[derive(Debug, Clone, Copy)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// How to set one block of text.
pub struct Setting {
    pub max_size: f32,
    pub line_height: f32,
    pub letter_spacing: f32,
    pub align: Align,
    pub valign: VAlign,
    pub color: [u8; 3],
}

/// A font a block may be set in: the template's own first, then installed faces for the
/// characters it lacks.
pub struct SetFont<'a> {
    pub bytes: &'a [u8],
    /// The face's index in a font collection (`.ttc`), 0 in a plain font file.
    pub index: u32,
    pub font: FontRef<'a>,
}

impl<'a> SetFont<'a> {
    pub fn new(bytes: &'a [u8], index: u32) -> Option<SetFont<'a>> {
        let font = FontRef::try_from_slice_and_index(bytes, index).ok()?;
        Some(SetFont { bytes, index, font })
    }
}

/// One glyph of a word, with its advance at size 1 (already including letter spacing and
/// kerning with the glyph after it).
#[derive(Clone, Copy)]
pub(super) struct G {
    pub id: GlyphId,
    /// Which of the block's fonts draws it.
    pub font: u8,
    pub adv: f32,
    /// The letter spacing `adv` includes (none after a mark or inside joined script).
    pub ls: f32,
    /// Where the shaper moved it from the pen position (marks onto their letters), at
    /// size 1, y up.
    pub dx: f32,
    pub dy: f32,
    /// Its bidi embedding level: odd is right to left.
    pub level: u8,
}

/// What lines are made of: a run of glyphs in logical order that is never broken unless
/// it is alone wider than the box.
pub(super) struct Word {
    pub glyphs: Vec<G>,
    pub width: f32,
    /// No space before it: a piece of a Chinese or Japanese run, which may break
    /// between characters.
    pub glued: bool,
    /// The bidi level of the space before it.
    pub space_level: u8,
}

/// A line: pieces of words (word index, glyph range), widths at size 1.
#[derive(Clone)]
struct Line {
    pieces: Vec<(usize, usize, usize)>,
    width: f32,
}

/// Characters the font has no glyph for (whitespace and controls aside), in order of first
/// appearance.
pub fn missing_chars(font: &FontRef<'_>, text: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() || out.contains(&c) {
            continue;
        }
        if font.glyph_id(c).0 == 0 {
            out.push(c);
        }
    }
    out
}

pub(super) struct Measured {
    pub words: Vec<Word>,
    pub space: f32,
    /// Ascent as a fraction of the size (PxScale height).
    pub ascent: f32,
    /// Ascent plus descent, as a fraction of the size: 1 in one font, more when fonts
    /// with different proportions share a line.
    pub extent: f32,
    /// Whether any run goes right to left, so lines need reordering.
    pub rtl: bool,
    /// Whether the text as a whole reads right to left (its first strong character is
    /// Hebrew, Arabic …): then a template's left and right alignment are mirrored, so
    /// a Hebrew title set flush left in a Latin design starts at the right edge, where
    /// its readers' eyes start.
    pub starts_right: bool,
    /// The PxScale of each font per unit of size: 1 for the template's font, and
    /// for the others what sets them at its em size.
    pub scales: Vec<f32>,
}

/// Glyphs for `text`, the simple way where that is exact, else shaped.
fn measure(fonts: &[SetFont<'_>], language: &str, text: &str, letter_spacing: f32) -> Measured {
    if super::shape::is_simple(&fonts[0].font, text) {
        simple(&fonts[0].font, text, letter_spacing)
    } else {
        super::shape::shaped(fonts, language, text, letter_spacing)
    }
}

/// Text the template's font draws on its own, left to right, one glyph per character
/// (Latin, Greek, Cyrillic …), is set glyph by glyph with the font's kerning table, as
/// covers always were, so their bytes have not changed since shaping came in.
fn simple(font: &FontRef<'_>, text: &str, letter_spacing: f32) -> Measured {
    // Sizes are PxScale heights, so one unit of size is (ascent - descent) font units.
    let unit = 1.0 / font.height_unscaled();
    let space = font.h_advance_unscaled(font.glyph_id(' ')) * unit + letter_spacing;
    let words = text
        .split_whitespace()
        .filter_map(|w| {
            let ids: Vec<GlyphId> = w
                .chars()
                .filter(|c| !c.is_control())
                .map(|c| font.glyph_id(c))
                .filter(|id| id.0 != 0)
                .collect();
            if ids.is_empty() {
                return None;
            }
            let mut glyphs: Vec<G> = Vec::with_capacity(ids.len());
            for (i, id) in ids.iter().enumerate() {
                let mut adv = font.h_advance_unscaled(*id) * unit + letter_spacing;
                if let Some(next) = ids.get(i + 1) {
                    adv += font.kern_unscaled(*id, *next) * unit;
                }
                glyphs.push(G {
                    id: *id,
                    font: 0,
                    adv,
                    ls: letter_spacing,
                    dx: 0.0,
                    dy: 0.0,
                    level: 0,
                });
            }
            let width = glyph_run_width(&glyphs);
            Some(Word {
                glyphs,
                width,
                glued: false,
                space_level: 0,
            })
        })
        .collect();
    Measured {
        words,
        space,
        ascent: font.ascent_unscaled() * unit,
        extent: 1.0,
        rtl: false,
        starts_right: false,
        scales: vec![1.0],
    }
}

/// Width of a run of glyphs, without the letter spacing after the last one.
pub(super) fn glyph_run_width(glyphs: &[G]) -> f32 {
    glyphs.iter().map(|g| g.adv).sum::<f32>() - glyphs.last().map_or(0.0, |g| g.ls)
}

/// Greedy wrap at width `max` (at size 1).
fn wrap(m: &Measured, max: f32) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut cur = Line {
        pieces: Vec::new(),
        width: 0.0,
    };
    for (wi, word) in m.words.iter().enumerate() {
        let extra = if cur.pieces.is_empty() || word.glued {
            0.0
        } else {
            m.space
        };
        if cur.width + extra + word.width <= max {
            cur.width += extra + word.width;
            cur.pieces.push((wi, 0, word.glyphs.len()));
            continue;
        }
        if !cur.pieces.is_empty() {
            lines.push(std::mem::replace(
                &mut cur,
                Line {
                    pieces: Vec::new(),
                    width: 0.0,
                },
            ));
        }
        if word.width <= max {
            cur.width = word.width;
            cur.pieces.push((wi, 0, word.glyphs.len()));
            continue;
        }
        // A word wider than the box on its own: break it between letters.
        let mut start = 0;
        while start < word.glyphs.len() {
            let mut end = start + 1;
            while end < word.glyphs.len() && glyph_run_width(&word.glyphs[start..end + 1]) <= max {
                end += 1;
            }
            let w = glyph_run_width(&word.glyphs[start..end]);
            let piece = Line {
                pieces: vec![(wi, start, end)],
                width: w,
            };
            if end < word.glyphs.len() {
                lines.push(piece);
            } else {
                cur = piece;
            }
            start = end;
        }
    }
    if !cur.pieces.is_empty() {
        lines.push(cur);
    }
    lines
}

fn block_height(m: &Measured, lines: usize, line_height: f32) -> f32 {
    m.extent + lines.saturating_sub(1) as f32 * line_height
}

fn fits(m: &Measured, s: &Setting, rect: Rect, px: f32) -> Option<Vec<Line>> {
    let max = rect.width() / px;
    let lines = wrap(m, max);
    let ok = lines.iter().all(|l| l.width <= max + 1e-4)
        && block_height(m, lines.len(), s.line_height) * px <= rect.height();
    ok.then_some(lines)
}

/// Even out line lengths: the narrowest width that still gives the same number of lines.
fn balance(m: &Measured, lines: Vec<Line>, max: f32) -> Vec<Line> {
    let n = lines.len();
    if n < 2 {
        return lines;
    }
    // Never narrower than the widest word: balancing must not break a word in two.
    let widest_word = m.words.iter().map(|w| w.width).fold(0.0, f32::max);
    if widest_word > max {
        return lines;
    }
    let mut lo = (lines.iter().map(|l| l.width).fold(0.0, f32::max) * 0.5).max(widest_word);
    let mut hi = max;
    for _ in 0..14 {
        let mid = (lo + hi) / 2.0;
        let w = wrap(m, mid);
        if w.len() <= n && w.iter().all(|l| l.width <= mid + 1e-4) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let balanced = wrap(m, hi);
    if balanced.len() == n {
        balanced
    } else {
        lines
    }
}

/// Glyphs placed in canvas pixels, with the font each is drawn from.
fn place(
    m: &Measured,
    lines: &[Line],
    s: &Setting,
    rect: Rect,
    px: f32,
) -> Vec<(u8, ab_glyph::Glyph)> {
    let lh = s.line_height * px;
    let height = block_height(m, lines.len(), s.line_height) * px;
    let top = match s.valign {
        VAlign::Top => rect.y0,
        VAlign::Middle => rect.y0 + (rect.height() - height) / 2.0,
        VAlign::Bottom => rect.y1 - height,
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let w = line.width * px;
        let align = match (s.align, m.starts_right) {
            (Align::Left, true) => Align::Right,
            (Align::Right, true) => Align::Left,
            (align, _) => align,
        };
        let mut x = match align {
            Align::Left => rect.x0,
            Align::Center => rect.x0 + (rect.width() - w) / 2.0,
            Align::Right => rect.x1 - w,
        };
        let baseline = top + m.ascent * px + i as f32 * lh;
        let mut put = |g: &G, x: &mut f32| {
            let at = point(*x + g.dx * px, baseline - g.dy * px);
            let scale = PxScale::from(px * m.scales[g.font as usize]);
            out.push((g.font, g.id.with_scale_and_position(scale, at)));
            *x += g.adv * px;
        };
        for (unit, rtl) in visual_order(m, line) {
            match unit {
                Unit::Space => x += m.space * px,
                Unit::Glyphs(glyphs) if rtl => glyphs.iter().rev().for_each(|g| put(g, &mut x)),
                Unit::Glyphs(glyphs) => glyphs.iter().for_each(|g| put(g, &mut x)),
            }
        }
    }
    out
}

/// What a line is drawn as, left to right.
enum Unit<'m> {
    Space,
    /// Glyphs of one bidi level, in logical order.
    Glyphs(&'m [G]),
}

/// A line's spaces and runs of glyphs in the order they are drawn from the left, each
/// with whether it reads right to left (then its glyphs are drawn last first). The runs
/// are reordered by the Unicode bidi algorithm's rule for lines (L2), so a Hebrew title
/// reads from the right and a Latin name inside it still reads from the left.
fn visual_order<'m>(m: &'m Measured, line: &Line) -> Vec<(Unit<'m>, bool)> {
    let mut units: Vec<(Unit<'m>, u8)> = Vec::new();
    for (k, &(wi, a, b)) in line.pieces.iter().enumerate() {
        let word = &m.words[wi];
        if k > 0 && !(word.glued && a == 0) {
            units.push((Unit::Space, word.space_level));
        }
        let glyphs = &word.glyphs[a..b];
        if !m.rtl {
            units.push((Unit::Glyphs(glyphs), 0));
            continue;
        }
        for run in glyphs.chunk_by(|x, y| x.level == y.level) {
            units.push((Unit::Glyphs(run), run[0].level));
        }
    }
    if !m.rtl {
        return units.into_iter().map(|(u, _)| (u, false)).collect();
    }
    let levels: Vec<Level> = units
        .iter()
        .map(|&(_, l)| Level::new(l).unwrap_or_else(|_| Level::ltr()))
        .collect();
    let order = BidiInfo::reorder_visual(&levels);
    let mut units: Vec<Option<(Unit<'m>, u8)>> = units.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| units[i].take())
        .map(|(u, l)| (u, l % 2 == 1))
        .collect()
}

/// The largest size up to `max` at which the wrapped lines fit `rect`.
fn largest_fit(m: &Measured, s: &Setting, rect: Rect, max: f32) -> Option<(f32, Vec<Line>)> {
    if max < 1.0 {
        return None;
    }
    if let Some(l) = fits(m, s, rect, max) {
        return Some((max, l));
    }
    // Widths scale with the size, so this is a search over one number.
    let (mut lo, mut hi) = (1.0f32, max);
    let mut best = None;
    for _ in 0..18 {
        let mid = (lo + hi) / 2.0;
        match fits(m, s, rect, mid) {
            Some(l) => {
                best = Some((mid, l));
                lo = mid;
            }
            None => hi = mid,
        }
    }
    best
}

/// Set `text` in `rect` as large as fits up to `s.max_size`, and draw it. Returns the
/// size used (0 when there was nothing to draw). Covers go through [`text_run`] and a
/// scene; this draws at once, for tests.
#[cfg(test)]
pub fn set_text(
    canvas: &mut Canvas,
    fonts: &[SetFont<'_>],
    text: &str,
    s: &Setting,
    rect: Rect,
) -> f32 {
    match text_run(fonts, "", text, s, rect) {
        Some((px, run)) => {
            run.draw(canvas, &mut run.no_masks());
            px
        }
        None => 0.0,
    }
}

/// Set `text` in `rect` as large as fits up to `s.max_size`: the size used and the
/// glyphs to draw, or `None` when there is nothing to draw. `fonts` are tried in order
/// for each character; `language` (a BCP 47 tag, or empty) picks the shaper's
/// language-specific forms.
pub fn text_run(
    fonts: &[SetFont<'_>],
    language: &str,
    text: &str,
    s: &Setting,
    rect: Rect,
) -> Option<(f32, TextRun)> {
    let (px, _, glyphs) = layout(fonts, language, text, s, rect)?;
    let clip = [
        rect.x0.floor() as i64,
        rect.y0.floor() as i64,
        rect.x1.ceil() as i64,
        rect.y1.ceil() as i64,
    ];
    let run = TextRun {
        glyphs,
        clip,
        color: s.color,
    };
    Some((px, run))
}

/// Outlined glyphs in one colour, clipped to their box so nothing can ever land on other
/// text.
pub struct TextRun {
    glyphs: Vec<ab_glyph::OutlinedGlyph>,
    /// x0, y0, x1, y1 in whole pixels, ends excluded.
    clip: [i64; 4],
    color: [u8; 3],
}

/// One glyph's coverage in 1/256 steps, clipped, over rows `y0..` from column `x0`.
pub struct Mask {
    x0: i64,
    y0: i64,
    width: usize,
    alpha: Vec<u16>,
}

impl Mask {
    fn y1(&self) -> i64 {
        self.y0 + (self.alpha.len() / self.width.max(1)) as i64
    }
}

impl TextRun {
    /// A place for each glyph's rasterised coverage, for [`TextRun::draw`].
    pub fn no_masks(&self) -> Vec<Option<Mask>> {
        self.glyphs.iter().map(|_| None).collect()
    }

    /// Draw the glyphs that touch the canvas's rows, in order (where two glyphs overlap
    /// the later one lies on top). A glyph is rasterised once, into `masks`, the first
    /// time a band reaches it, and its mask dropped once a band is below it: drawing a
    /// picture band by band from the top then holds the masks of about one line of type.
    pub fn draw(&self, canvas: &mut Canvas, masks: &mut [Option<Mask>]) {
        let rows = canvas.rows();
        let (top, bottom) = (rows.start as i64, rows.end as i64);
        let [_, cy0, _, cy1] = self.clip;
        let color = super::paint::ycc(self.color);
        for (o, slot) in self.glyphs.iter().zip(masks.iter_mut()) {
            // The rows the glyph can ink: its bounds inside the clip.
            let b = o.px_bounds();
            let (gy0, gy1) = ((b.min.y as i64).max(cy0), (b.max.y as i64).min(cy1));
            if gy1 <= top {
                *slot = None;
                continue;
            }
            if gy0 >= bottom {
                continue;
            }
            let mask = slot.get_or_insert_with(|| rasterise(o, self.clip));
            for y in top.max(mask.y0)..bottom.min(mask.y1()) {
                let row = (y - mask.y0) as usize * mask.width;
                for (i, &a) in mask.alpha[row..row + mask.width].iter().enumerate() {
                    if a > 0 {
                        canvas.blend_fixed(mask.x0 + i as i64, y, color, a as u32);
                    }
                }
            }
            if mask.y1() <= bottom {
                *slot = None;
            }
        }
    }
}

/// A glyph's coverage inside `clip`, as [`Canvas::blend`] would quantise it.
fn rasterise(o: &ab_glyph::OutlinedGlyph, clip: [i64; 4]) -> Mask {
    let b = o.px_bounds();
    let (bx, by) = (b.min.x as i64, b.min.y as i64);
    let (width, height) = (b.width() as usize, b.height() as usize);
    let mut alpha = vec![0u16; width * height];
    let [cx0, cy0, cx1, cy1] = clip;
    o.draw(|gx, gy, c| {
        let (x, y) = (bx + gx as i64, by + gy as i64);
        if x >= cx0 && x < cx1 && y >= cy0 && y < cy1 && c > 0.0 {
            if let Some(a) = alpha.get_mut(gy as usize * width + gx as usize) {
                *a = (c.min(1.0) * 256.0) as u16;
            }
        }
    });
    Mask {
        x0: bx,
        y0: by,
        width,
        alpha,
    }
}

/// Where `text` goes in `rect`: the size, the lines and the outlined glyphs.
fn layout(
    fonts: &[SetFont<'_>],
    language: &str,
    text: &str,
    s: &Setting,
    rect: Rect,
) -> Option<(f32, Vec<Line>, Vec<ab_glyph::OutlinedGlyph>)> {
    let m = measure(fonts, language, text, s.letter_spacing);
    if m.words.is_empty() || rect.width() < 1.0 || rect.height() < 1.0 {
        return None;
    }
    // Shrinking is better than breaking a word, so first search only sizes at which the
    // widest word fits on a line; break inside words only if that would leave the text
    // smaller than a third of its intended size (a single very long word).
    let widest = m.words.iter().map(|w| w.width).fold(0.0, f32::max);
    let whole_words = (rect.width() / widest).min(s.max_size);
    let floor = s.max_size * 0.33;
    let (px, lines) = match largest_fit(&m, s, rect, whole_words) {
        Some(found) if found.0 >= floor => found,
        found => largest_fit(&m, s, rect, s.max_size)
            .or(found)
            .unwrap_or_else(|| (1.0, wrap(&m, rect.width()))),
    };
    let mut px = px;
    let mut lines = balance(&m, lines, rect.width() / px);

    // The line box is from the font's ascent to its descent; accents on capitals and
    // swash tails may reach past it, so check the real ink and shrink until it is inside.
    let mut glyphs;
    let mut outlined;
    loop {
        glyphs = place(&m, &lines, s, rect, px);
        outlined = glyphs
            .iter()
            .filter_map(|(f, g)| fonts[*f as usize].font.outline_glyph(g.clone()))
            .collect::<Vec<_>>();
        if ink_inside(&outlined, rect) || px <= 1.0 {
            break;
        }
        // A right-to-left title set flush against the right edge (a flush-left design
        // mirrored) can overhang it with the ink of its last letter at any size, so it
        // is moved in by the overhang rather than shrunk to nothing. Only then: a
        // template's own alignment is left exactly as its designer drew it.
        if m.starts_right && s.align == Align::Left {
            let max_x = outlined
                .iter()
                .map(|o| o.px_bounds().max.x)
                .fold(f32::MIN, f32::max);
            let overhang = max_x - rect.x1.ceil();
            if overhang > 0.0 && overhang < px {
                for (_, g) in &mut glyphs {
                    g.position.x -= overhang + 0.01;
                }
                let moved: Vec<ab_glyph::OutlinedGlyph> = glyphs
                    .iter()
                    .filter_map(|(f, g)| fonts[*f as usize].font.outline_glyph(g.clone()))
                    .collect();
                if ink_inside(&moved, rect) {
                    outlined = moved;
                    break;
                }
            }
        }
        px *= 0.97;
        lines = fits(&m, s, rect, px).unwrap_or_else(|| wrap(&m, rect.width() / px));
        lines = balance(&m, lines, rect.width() / px);
    }
    Some((px, lines, outlined))
}

/// Whether every glyph's ink is inside `rect` (to the pixel it covers).
fn ink_inside(outlined: &[ab_glyph::OutlinedGlyph], rect: Rect) -> bool {
    outlined.iter().all(|o| {
        let b = o.px_bounds();
        b.min.x >= rect.x0.floor() - 0.01
            && b.min.y >= rect.y0.floor() - 0.01
            && b.max.x <= rect.x1.ceil() + 0.01
            && b.max.y <= rect.y1.ceil() + 0.01
    })
}

#[cfg(test)]
mod tests {
    use super::super::fonts::bundled;
    use super::super::system::{self, SystemFace};
    use super::super::tests::installed_fonts_draw;
    use super::*;
    use std::sync::Arc;

    /// Installed faces for what Garamond lacks of `text`, or `None` when there are none
    /// (see [`installed_fonts_draw`]).
    fn faces_for(text: &str) -> Option<Vec<Arc<SystemFace>>> {
        if !installed_fonts_draw(text) {
            return None;
        }
        let garamond = FontRef::try_from_slice(bundled("garamond").unwrap()).unwrap();
        let wanted = system::Wanted {
            kind: system::Kind::Serif,
            bold: false,
            han: "SC",
        };
        Some(system::fallbacks(&missing_chars(&garamond, text), &wanted).0)
    }

    fn chain(faces: &[Arc<SystemFace>]) -> Vec<SetFont<'_>> {
        let mut fonts = vec![SetFont::new(bundled("garamond").unwrap(), 0).unwrap()];
        fonts.extend(
            faces
                .iter()
                .map(|f| SetFont::new(&f.bytes, f.index).unwrap()),
        );
        fonts
    }

    fn setting() -> Setting {
        Setting {
            max_size: 100.0,
            line_height: 1.2,
            letter_spacing: 0.0,
            align: Align::Center,
            valign: VAlign::Middle,
            color: [255; 3],
        }
    }

    /// `text` set on one line at 100 px: the measured words and the glyphs placed.
    fn one_line(fonts: &[SetFont<'_>], text: &str) -> (Measured, Vec<(u8, ab_glyph::Glyph)>) {
        let m = measure(fonts, "", text, 0.0);
        let lines = wrap(&m, 1e6);
        assert_eq!(lines.len(), 1);
        let rect = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 4000.0,
            y1: 400.0,
        };
        let placed = place(&m, &lines, &setting(), rect, 100.0);
        (m, placed)
    }

    /// Where the glyph the font maps `c` to was placed (the first such glyph).
    fn x_of(fonts: &[SetFont<'_>], placed: &[(u8, ab_glyph::Glyph)], c: char) -> f32 {
        placed
            .iter()
            .find(|(f, g)| g.id == fonts[*f as usize].font.glyph_id(c))
            .unwrap_or_else(|| panic!("{c} was not drawn"))
            .1
            .position
            .x
    }

    #[test]
    fn hebrew_reads_from_the_right_and_latin_inside_it_from_the_left() {
        let Some(faces) = faces_for("הדרךאלנמ") else {
            return;
        };
        let fonts = chain(&faces);
        let (_, placed) = one_line(&fonts, "הדרך אל הנמל");
        // The first word's last letter, the second word's first, the third word's third.
        let (kaf, alef, mem) = (
            x_of(&fonts, &placed, 'ך'),
            x_of(&fonts, &placed, 'א'),
            x_of(&fonts, &placed, 'מ'),
        );
        assert!(kaf > alef && alef > mem, "{kaf} {alef} {mem}");

        let (_, placed) = one_line(&fonts, "הדרך Road");
        let xs: Vec<f32> = ['R', 'o', 'a', 'd', 'ך', 'ר', 'ד']
            .iter()
            .map(|&c| x_of(&fonts, &placed, c))
            .collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        // The first character of all, he, is the rightmost glyph.
        let he = fonts[1].font.glyph_id('ה');
        let rightmost = placed
            .iter()
            .max_by(|a, b| a.1.position.x.total_cmp(&b.1.position.x))
            .unwrap();
        assert_eq!(rightmost.1.id, he);
    }

    #[test]
    fn a_right_to_left_title_set_flush_left_starts_at_the_right_edge() {
        let Some(faces) = faces_for("הדרךאלנמ") else {
            return;
        };
        let fonts = chain(&faces);
        let rect = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 4000.0,
            y1: 400.0,
        };
        let flush_left = Setting {
            align: Align::Left,
            ..setting()
        };
        let edges = |text: &str| {
            let m = measure(&fonts, "", text, 0.0);
            let lines = wrap(&m, 1e6);
            let placed = place(&m, &lines, &flush_left, rect, 100.0);
            let xs = placed.iter().map(|(_, g)| g.position.x);
            (
                xs.clone().fold(f32::MAX, f32::min),
                xs.fold(f32::MIN, f32::max),
            )
        };
        let (_, right) = edges("הדרך אל הנמל");
        assert!(right > 3700.0, "Hebrew ends near the right edge: {right}");
        let (left, _) = edges("Road to the Harbour");
        assert!(left < 50.0, "Latin stays flush left: {left}");
        // A Hebrew name inside a Latin title does not turn it.
        let (left, _) = edges("Road to הנמל");
        assert!(left < 50.0, "a Latin-first title stays flush left: {left}");
    }

    #[test]
    fn arabic_letters_join_and_read_from_the_right() {
        let Some(faces) = faces_for("طريق") else {
            return;
        };
        let fonts = chain(&faces);
        let (m, placed) = one_line(&fonts, "طريق");
        let word = &m.words[0].glyphs;
        assert_eq!(word.len(), 4);
        // Each letter here takes a joining form, not the isolated one the character map
        // gives: taa initial, reh final, yeh initial, qaf final.
        for (g, c) in word.iter().zip("طريق".chars()) {
            let isolated = fonts[g.font as usize].font.glyph_id(c);
            assert_ne!(g.id, isolated, "{c} is drawn isolated");
        }
        // Drawn right to left: the first letter rightmost.
        assert_eq!(placed.first().unwrap().1.id, word[3].id);
        assert_eq!(placed.last().unwrap().1.id, word[0].id);
        assert!(placed
            .windows(2)
            .all(|w| w[0].1.position.x < w[1].1.position.x));
    }

    #[test]
    fn arabic_marks_sit_on_their_letters_and_joined_letters_take_no_spacing() {
        let Some(faces) = faces_for("بَاب") else {
            return;
        };
        let fonts = chain(&faces);
        let m = measure(&fonts, "ar", "بَاب", 12.0);
        let glyphs = &m.words[0].glyphs;
        assert_eq!(glyphs.len(), 4, "three letters and a fatha");
        let fatha = &glyphs[1];
        assert_eq!((fatha.adv, fatha.ls), (0.0, 0.0), "a mark takes no room");
        assert!(fatha.dx != 0.0 || fatha.dy != 0.0, "moved onto its letter");
        assert!(
            glyphs.iter().all(|g| g.ls == 0.0),
            "letter spacing would break the joins"
        );
        // Hebrew letters do not join, so they are spaced.
        let Some(faces) = faces_for("אב") else {
            return;
        };
        let fonts = chain(&faces);
        let m = measure(&fonts, "he", "אב", 12.0);
        assert!(m.words[0].glyphs.iter().all(|g| g.ls == 12.0));
    }

    #[test]
    fn han_titles_break_between_characters_but_not_before_closing_marks() {
        let title = "灯笼路上的七个冬天。";
        let Some(faces) = faces_for(title) else {
            return;
        };
        let fonts = chain(&faces);
        let m = measure(&fonts, "zh", title, 0.0);
        let lens: Vec<usize> = m.words.iter().map(|w| w.glyphs.len()).collect();
        assert_eq!(
            lens,
            [1, 1, 1, 1, 1, 1, 1, 1, 2],
            "the full stop stays with 天"
        );
        assert!(!m.words[0].glued && m.words[1..].iter().all(|w| w.glued));
        // Set in a narrow box it breaks between characters, without shrinking to fit
        // the run on one line, and stays inside the box.
        let rect = Rect {
            x0: 100.0,
            y0: 100.0,
            x1: 500.0,
            y1: 900.0,
        };
        let s = Setting {
            max_size: 120.0,
            ..setting()
        };
        let (px, lines, outlined) = layout(&fonts, "zh", title, &s, rect).unwrap();
        assert!(lines.len() >= 3, "{} lines", lines.len());
        assert!(px > 90.0, "{px}");
        for o in &outlined {
            let b = o.px_bounds();
            assert!(b.min.x >= 99.99 && b.max.x <= 500.01 && b.min.y >= 99.99 && b.max.y <= 900.01);
        }
        // An ideograph is an em wide, the em of the template's font: installed faces are
        // set at its type size, not at its line height (Noto's Han and Arabic faces
        // reserve far more height, and came out small).
        let garamond = &fonts[0].font;
        let em = garamond.units_per_em().unwrap() / garamond.height_unscaled();
        let night = measure(&fonts, "zh", "夜", 0.0).words[0].glyphs[0];
        assert!((night.adv - em).abs() < 1e-4, "{} is not {em}", night.adv);
        // Latin inside such a title still breaks only at spaces, not at its hyphen.
        let m = measure(&fonts, "en", "東京 Half-Blood", 0.0);
        let lens: Vec<usize> = m.words.iter().map(|w| w.glyphs.len()).collect();
        assert_eq!(lens, [1, 1, 10]);
        assert!(!m.words[2].glued);
    }

    #[test]
    fn balancing_lines_never_breaks_a_word() {
        // Two words of unequal width used to balance into `Lanter` / `n Road`.
        let fonts = [SetFont::new(super::super::fonts::bundled("garamond").unwrap(), 0).unwrap()];
        for (title, width) in [
            ("Lantern Road", 1150.0),
            ("Copperline Echoes", 1150.0),
            ("Glass Harbour", 900.0),
        ] {
            let s = Setting {
                max_size: 260.0,
                line_height: 1.0,
                letter_spacing: 0.0,
                align: Align::Center,
                valign: VAlign::Bottom,
                color: [0, 0, 0],
            };
            let rect = Rect {
                x0: 0.0,
                y0: 0.0,
                x1: width,
                y1: 1000.0,
            };
            let (_, lines, _) = layout(&fonts, "", title, &s, rect).unwrap();
            let m = measure(&fonts, "", title, 0.0);
            for line in &lines {
                for &(wi, a, b) in &line.pieces {
                    assert!(
                        a == 0 && b == m.words[wi].glyphs.len(),
                        "{title}: a word was broken"
                    );
                }
            }
        }
    }
}
