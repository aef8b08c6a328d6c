//! Drawing on an RGB canvas: gradient fills, vignette, rectangles, the ornament and
//! coverage blending. Every routine is a plain loop over the pixel buffer with no
//! allocation per pixel, because a cover is four million pixels and must draw fast.
//!
//! A canvas may hold only a horizontal band of a taller picture (see [`Canvas::band`]):
//! every routine takes picture coordinates and touches only the rows the band holds, and
//! what it does to a pixel depends on nothing but that pixel, so painting a picture band
//! by band gives exactly the pixels of painting it whole.

use std::ops::Range;

/// An 8-bit RGB canvas, rows top to bottom: rows `top..top + rows` of a picture
/// `width`×`height` pixels.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    /// The first picture row `pixels` holds.
    pub top: u32,
    pub pixels: Vec<u8>,
}

/// A 4×4 ordered-dither matrix, centred on zero, in 1/16 steps. It breaks up the bands a
/// dark gradient would otherwise show, and it is deterministic.
const BAYER: [[f32; 4]; 4] = [
    [0.0, 8.0, 2.0, 10.0],
    [12.0, 4.0, 14.0, 6.0],
    [3.0, 11.0, 1.0, 9.0],
    [15.0, 7.0, 13.0, 5.0],
];

fn dither(x: usize, y: usize) -> f32 {
    (BAYER[y & 3][x & 3] + 0.5) / 16.0 - 0.5
}

/// Colour at `t` (0..=1) along evenly spaced stops, in floating point.
fn along(stops: &[[u8; 3]], t: f32) -> [f32; 3] {
    if stops.len() == 1 {
        let c = stops[0];
        return [c[0] as f32, c[1] as f32, c[2] as f32];
    }
    let segs = (stops.len() - 1) as f32;
    let p = (t.clamp(0.0, 1.0) * segs).min(segs - 1e-6);
    let i = p as usize;
    let f = p - i as f32;
    // Smoothstep within a segment keeps the middle stop from showing as a crease.
    let f = f * f * (3.0 - 2.0 * f);
    let (a, b) = (stops[i], stops[i + 1]);
    let mut out = [0.0; 3];
    for k in 0..3 {
        out[k] = a[k] as f32 + (b[k] as f32 - a[k] as f32) * f;
    }
    out
}

fn q(v: f32) -> u8 {
    (v + 0.5).clamp(0.0, 255.0) as u8
}

/// Steps in a gradient's colour table.
const LUT_STEPS: usize = 2048;

/// A gradient through `stops` (one stop: a solid colour), darkened towards the edges by
/// `vignette` (0..=1), with everything that does not depend on the pixel worked out once
/// for the whole picture, however many bands it is then painted in.
pub struct Gradient {
    /// Colours along the gradient, looked up by position, so filling does no
    /// interpolation of its own.
    lut: Vec<[f32; 3]>,
    diagonal: bool,
    /// Position along the gradient is t = sx·x + sy·y, scaled to the table.
    sx: f32,
    sy: f32,
    /// 0 for none.
    vignette: f32,
    /// The horizontal vignette term of each pixel, once for each of its channels.
    vx3: Vec<f32>,
    vy: Vec<f32>,
    /// The dither value of each pixel of a row, once for each channel, for each of the
    /// four Bayer rows.
    dither: [Vec<f32>; 4],
}

impl Gradient {
    pub fn new(stops: &[[u8; 3]], diagonal: bool, vignette: f32, width: u32, height: u32) -> Self {
        let (w, h) = (width as usize, height as usize);
        const N: usize = LUT_STEPS;
        // Top to bottom for vertical; for diagonal, t = (x·w + y·h) / (w² + h²) runs from
        // the top-left corner to the bottom-right one.
        let (sx, sy) = if diagonal {
            let denom = (w * w + h * h) as f32;
            (w as f32 / denom * N as f32, h as f32 / denom * N as f32)
        } else {
            (0.0, N as f32 / (h.max(2) - 1) as f32)
        };
        Gradient {
            lut: (0..=N).map(|i| along(stops, i as f32 / N as f32)).collect(),
            diagonal,
            sx,
            sy,
            vignette: vignette.max(0.0),
            vx3: vignette_axis(w).iter().flat_map(|&v| [v; 3]).collect(),
            vy: vignette_axis(h),
            dither: std::array::from_fn(|y| (0..w).flat_map(|x| [dither(x, y); 3]).collect()),
        }
    }
}

impl Canvas {
    /// A whole black picture.
    #[cfg(test)]
    pub fn new(width: u32, height: u32) -> Canvas {
        Canvas::band(width, height, 0..height)
    }

    /// Black rows `rows` of a picture `width`×`height`.
    pub fn band(width: u32, height: u32, rows: Range<u32>) -> Canvas {
        let rows = rows.start.min(height)..rows.end.min(height);
        Canvas {
            width,
            height,
            top: rows.start,
            pixels: vec![0; width as usize * rows.len() * 3],
        }
    }

    /// The picture rows this canvas holds.
    pub fn rows(&self) -> Range<usize> {
        let top = self.top as usize;
        top..top + self.pixels.len() / (self.width as usize * 3).max(1)
    }

    /// The pixels of picture row `y`, which must be one the canvas holds.
    pub fn row_mut(&mut self, y: usize) -> &mut [u8] {
        let stride = self.width as usize * 3;
        let i = (y - self.top as usize) * stride;
        &mut self.pixels[i..i + stride]
    }

    /// Picture rows `y0..y1` (clamped) that this canvas holds.
    fn held(&self, y0: i64, y1: i64) -> Range<usize> {
        let r = self.rows();
        let lo = y0.clamp(r.start as i64, r.end as i64) as usize;
        let hi = y1.clamp(lo as i64, r.end as i64) as usize;
        lo..hi
    }

    /// Fill the rows held with `gradient`.
    pub fn fill(&mut self, gradient: &Gradient) {
        let g = gradient;
        // Each row is worked out channel by channel over flat arrays of equal length, a
        // shape the compiler turns into SIMD code; per pixel with a saturating cast for
        // each channel it was most of the time a cover took. The arithmetic and its order
        // are unchanged, so are the pixels.
        let mut colours = vec![0.0f32; self.width as usize * 3];
        for y in self.rows() {
            let base = y as f32 * g.sy;
            if g.diagonal {
                for (x, c) in colours.chunks_exact_mut(3).enumerate() {
                    c.copy_from_slice(&g.lut[((base + x as f32 * g.sx) as usize).min(LUT_STEPS)]);
                }
            } else {
                // A vertical gradient is one colour per row.
                let c = g.lut[(base as usize).min(LUT_STEPS)];
                for px in colours.chunks_exact_mut(3) {
                    px.copy_from_slice(&c);
                }
            }
            let vyy = g.vy[y];
            let (amount, dither) = (g.vignette, &g.dither[y & 3]);
            let row = self.row_mut(y);
            for (((o, &c), &vx), &d) in row.iter_mut().zip(&colours).zip(&g.vx3).zip(dither) {
                // With no vignette, `amount` is 0 and the factor exactly 1.
                *o = q(c * vignette_factor(amount, vx, vyy) + d);
            }
        }
    }

    /// Darken towards the edges; `amount` 0..=1 is how dark the corners get. (Gradient
    /// fills do this in [`Canvas::fill`]; this pass is for background images.)
    pub fn vignette(&mut self, amount: f32) {
        if amount <= 0.0 {
            return;
        }
        let w = self.width as usize;
        let vx = vignette_axis(w);
        let vy = vignette_axis(self.height as usize);
        let top = self.top as usize;
        for (y, row) in (top..).zip(self.pixels.chunks_exact_mut(w * 3)) {
            for (x, px) in row.chunks_exact_mut(3).enumerate() {
                let m = (vignette_factor(amount, vx[x], vy[y]) * 256.0) as u32;
                for c in px.iter_mut() {
                    *c = ((*c as u32 * m + 128) >> 8) as u8;
                }
            }
        }
    }

    /// Blend `color` into one pixel with coverage `a` (0..=1).
    #[inline]
    pub fn blend(&mut self, x: i64, y: i64, color: [u8; 3], a: f32) {
        if a <= 0.0 {
            return;
        }
        self.blend_fixed(x, y, color, (a.min(1.0) * 256.0) as u32);
    }

    /// [`Canvas::blend`] with the coverage already in 1/256 steps (0..=256), as
    /// pre-rasterised glyphs keep it.
    #[inline]
    pub fn blend_fixed(&mut self, x: i64, y: i64, color: [u8; 3], a: u32) {
        let r = self.rows();
        if x < 0 || y < r.start as i64 || x >= self.width as i64 || y >= r.end as i64 {
            return;
        }
        let i = ((y as usize - r.start) * self.width as usize + x as usize) * 3;
        let px = &mut self.pixels[i..i + 3];
        for k in 0..3 {
            let d = px[k] as u32;
            px[k] = ((d * (256 - a) + color[k] as u32 * a + 128) >> 8) as u8;
        }
    }

    /// Fill a rectangle given in (fractional) pixels, anti-aliasing its edges.
    pub fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: [u8; 3], opacity: f32) {
        let x0 = x0.max(0.0);
        let y0 = y0.max(0.0);
        let x1 = x1.min(self.width as f32);
        let y1 = y1.min(self.height as f32);
        if x1 <= x0 || y1 <= y0 || opacity <= 0.0 {
            return;
        }
        let cov = |lo: f32, hi: f32, p: usize| -> f32 {
            let p0 = p as f32;
            (hi.min(p0 + 1.0) - lo.max(p0)).clamp(0.0, 1.0)
        };
        let (px0, px1) = (
            x0.floor() as usize,
            (x1.ceil() as usize).min(self.width as usize),
        );
        let ys = self.held(y0.floor() as i64, y1.ceil() as i64);
        if ys.is_empty() {
            return;
        }
        let xs: Vec<f32> = (px0..px1).map(|x| cov(x0, x1, x)).collect();
        for y in ys {
            let cy = cov(y0, y1, y) * opacity;
            for (i, cx) in xs.iter().enumerate() {
                self.blend((px0 + i) as i64, y as i64, color, cx * cy);
            }
        }
    }

    /// A diamond (a square on its point) centred at (cx, cy) with half-diagonal `r`.
    pub fn diamond(&mut self, cx: f32, cy: f32, r: f32, color: [u8; 3], opacity: f32) {
        let x0 = (cx - r - 1.0).floor().max(0.0) as i64;
        let x1 = (cx + r + 1.0).ceil() as i64;
        let y0 = (cy - r - 1.0).floor().max(0.0) as i64;
        let y1 = (cy + r + 1.0).ceil() as i64;
        for y in self.held(y0, y1 + 1) {
            let y = y as i64;
            for x in x0..=x1 {
                let d = (x as f32 + 0.5 - cx).abs() + (y as f32 + 0.5 - cy).abs();
                // One pixel of soft edge, measured across the slanted side.
                let a = ((r - d) * std::f32::consts::FRAC_1_SQRT_2 + 0.5).clamp(0.0, 1.0);
                self.blend(x, y, color, a * opacity);
            }
        }
    }

    /// Lay `color` over the whole canvas at `opacity`.
    pub fn tint(&mut self, color: [u8; 3], opacity: f32) {
        let a = (opacity.clamp(0.0, 1.0) * 256.0) as u32;
        for px in self.pixels.chunks_exact_mut(3) {
            for k in 0..3 {
                px[k] = ((px[k] as u32 * (256 - a) + color[k] as u32 * a + 128) >> 8) as u8;
            }
        }
    }

    /// Darken a horizontal band from `y0` to `y1` with soft edges of `feather` pixels,
    /// so text laid over a photograph stays readable.
    pub fn scrim(&mut self, y0: f32, y1: f32, feather: f32, color: [u8; 3], opacity: f32) {
        let top = (y0 - feather).floor().max(0.0) as i64;
        let bottom = ((y1 + feather).ceil() as i64).min(self.height as i64);
        for y in self.held(top, bottom) {
            let yc = y as f32 + 0.5;
            let t = if yc < y0 {
                1.0 - (y0 - yc) / feather
            } else if yc > y1 {
                1.0 - (yc - y1) / feather
            } else {
                1.0
            };
            let t = t.clamp(0.0, 1.0);
            let a = ((t * t * (3.0 - 2.0 * t)) * opacity * 256.0) as u32;
            for px in self.row_mut(y).chunks_exact_mut(3) {
                for k in 0..3 {
                    px[k] = ((px[k] as u32 * (256 - a) + color[k] as u32 * a + 128) >> 8) as u8;
                }
            }
        }
    }
}

/// Squared distance from the centre along one axis, 0 in the middle and 1 at the edge.
fn vignette_axis(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i as f32 + 0.5) / n as f32 * 2.0 - 1.0).powi(2))
        .collect()
}

/// Brightness multiplier: 1 in the middle, `1 - amount` in the corners, easing in so the
/// centre stays untouched.
#[inline]
fn vignette_factor(amount: f32, dx2: f32, dy2: f32) -> f32 {
    let d = (dx2 + dy2) * 0.5;
    1.0 - amount * d * d
}

/// HSL (hue in degrees, saturation and lightness 0..=1) to RGB.
pub fn hsl(h: f32, s: f32, l: f32) -> [u8; 3] {
    let h = h.rem_euclid(360.0) / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [q((r + m) * 255.0), q((g + m) * 255.0), q((b + m) * 255.0)]
}
