//! Setting text in a box: wrap at spaces (inside a word only when the word alone is too
//! wide), shrink until the lines fit, balance the line lengths, and draw the glyphs'
//! anti-aliased coverage onto the canvas. Nothing drawn leaves the box.

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale};

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

/// One glyph of a word, with its advance at size 1 (already including letter spacing and
/// kerning with the glyph after it).
#[derive(Clone, Copy)]
struct G {
    id: GlyphId,
    adv: f32,
}

struct Word {
    glyphs: Vec<G>,
    width: f32,
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

struct Measured {
    words: Vec<Word>,
    space: f32,
    /// Ascent as a fraction of the size (PxScale height).
    ascent: f32,
}

fn measure(font: &FontRef<'_>, text: &str, letter_spacing: f32) -> Measured {
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
                glyphs.push(G { id: *id, adv });
            }
            let width = glyph_run_width(&glyphs, letter_spacing);
            Some(Word { glyphs, width })
        })
        .collect();
    Measured {
        words,
        space,
        ascent: font.ascent_unscaled() * unit,
    }
}

/// Width of a run of glyphs, without the letter spacing after the last one.
fn glyph_run_width(glyphs: &[G], letter_spacing: f32) -> f32 {
    glyphs.iter().map(|g| g.adv).sum::<f32>()
        - if glyphs.is_empty() {
            0.0
        } else {
            letter_spacing
        }
}

/// Greedy wrap at width `max` (at size 1).
fn wrap(m: &Measured, max: f32, letter_spacing: f32) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut cur = Line {
        pieces: Vec::new(),
        width: 0.0,
    };
    for (wi, word) in m.words.iter().enumerate() {
        let extra = if cur.pieces.is_empty() { 0.0 } else { m.space };
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
            while end < word.glyphs.len()
                && glyph_run_width(&word.glyphs[start..end + 1], letter_spacing) <= max
            {
                end += 1;
            }
            let w = glyph_run_width(&word.glyphs[start..end], letter_spacing);
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

fn block_height(lines: usize, line_height: f32) -> f32 {
    1.0 + lines.saturating_sub(1) as f32 * line_height
}

fn fits(m: &Measured, s: &Setting, rect: Rect, px: f32) -> Option<Vec<Line>> {
    let max = rect.width() / px;
    let lines = wrap(m, max, s.letter_spacing);
    let ok = lines.iter().all(|l| l.width <= max + 1e-4)
        && block_height(lines.len(), s.line_height) * px <= rect.height();
    ok.then_some(lines)
}

/// Even out line lengths: the narrowest width that still gives the same number of lines.
fn balance(m: &Measured, lines: Vec<Line>, max: f32, letter_spacing: f32) -> Vec<Line> {
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
        let w = wrap(m, mid, letter_spacing);
        if w.len() <= n && w.iter().all(|l| l.width <= mid + 1e-4) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let balanced = wrap(m, hi, letter_spacing);
    if balanced.len() == n {
        balanced
    } else {
        lines
    }
}

/// Glyphs placed in canvas pixels.
fn place(m: &Measured, lines: &[Line], s: &Setting, rect: Rect, px: f32) -> Vec<ab_glyph::Glyph> {
    let lh = s.line_height * px;
    let height = block_height(lines.len(), s.line_height) * px;
    let top = match s.valign {
        VAlign::Top => rect.y0,
        VAlign::Middle => rect.y0 + (rect.height() - height) / 2.0,
        VAlign::Bottom => rect.y1 - height,
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let w = line.width * px;
        let mut x = match s.align {
            Align::Left => rect.x0,
            Align::Center => rect.x0 + (rect.width() - w) / 2.0,
            Align::Right => rect.x1 - w,
        };
        let baseline = top + m.ascent * px + i as f32 * lh;
        for (k, &(wi, a, b)) in line.pieces.iter().enumerate() {
            if k > 0 {
                x += m.space * px;
            }
            for g in &m.words[wi].glyphs[a..b] {
                out.push(g.id.with_scale_and_position(PxScale::from(px), point(x, baseline)));
                x += g.adv * px;
            }
        }
    }
    out
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
    font: &FontRef<'_>,
    text: &str,
    s: &Setting,
    rect: Rect,
) -> f32 {
    match text_run(font, text, s, rect) {
        Some((px, run)) => {
            run.draw(canvas, &mut run.no_masks());
            px
        }
        None => 0.0,
    }
}

/// Set `text` in `rect` as large as fits up to `s.max_size`: the size used and the
/// glyphs to draw, or `None` when there is nothing to draw.
pub fn text_run(font: &FontRef<'_>, text: &str, s: &Setting, rect: Rect) -> Option<(f32, TextRun)> {
    let (px, _, glyphs) = layout(font, text, s, rect)?;
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
    font: &FontRef<'_>,
    text: &str,
    s: &Setting,
    rect: Rect,
) -> Option<(f32, Vec<Line>, Vec<ab_glyph::OutlinedGlyph>)> {
    let m = measure(font, text, s.letter_spacing);
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
            .unwrap_or_else(|| (1.0, wrap(&m, rect.width(), s.letter_spacing))),
    };
    let mut px = px;
    let mut lines = balance(&m, lines, rect.width() / px, s.letter_spacing);

    // The line box is from the font's ascent to its descent; accents on capitals and
    // swash tails may reach past it, so check the real ink and shrink until it is inside.
    let mut glyphs;
    let mut outlined;
    loop {
        glyphs = place(&m, &lines, s, rect, px);
        outlined = glyphs
            .iter()
            .filter_map(|g| font.outline_glyph(g.clone()))
            .collect::<Vec<_>>();
        let inside = outlined.iter().all(|o| {
            let b = o.px_bounds();
            b.min.x >= rect.x0.floor() - 0.01
                && b.min.y >= rect.y0.floor() - 0.01
                && b.max.x <= rect.x1.ceil() + 0.01
                && b.max.y <= rect.y1.ceil() + 0.01
        });
        if inside || px <= 1.0 {
            break;
        }
        px *= 0.97;
        lines =
            fits(&m, s, rect, px).unwrap_or_else(|| wrap(&m, rect.width() / px, s.letter_spacing));
        lines = balance(&m, lines, rect.width() / px, s.letter_spacing);
    }
    Some((px, lines, outlined))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balancing_lines_never_breaks_a_word() {
        // Two words of unequal width used to balance into `Lanter` / `n Road`.
        let font =
            FontRef::try_from_slice(super::super::fonts::bundled("garamond").unwrap()).unwrap();
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
            let (_, lines, _) = layout(&font, title, &s, rect).unwrap();
            let m = measure(&font, title, 0.0);
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
