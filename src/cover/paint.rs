//! Drawing on a YCbCr canvas: gradient fills, vignette, rectangles, the ornament and
//! coverage blending. Every routine is a plain loop over the pixel buffer with no
//! allocation per pixel, because a cover is four million pixels and must draw fast.
//!
//! Colours are given in RGB and painted as the JPEG encoder codes them: luma and two
//! chroma planes (see [`ycc`]). The conversion is affine, so blending, tinting and
//! darkening work on YCbCr values as they would on RGB ones, and painting in YCbCr
//! spares converting four million pixels after painting them.
//!
//! A canvas may hold only a horizontal band of a taller picture (see [`Canvas::band`]):
//! every routine takes picture coordinates and touches only the rows the band holds, and
//! what it does to a pixel depends on nothing but that pixel, so painting a picture band
//! by band gives exactly the pixels of painting it whole.

use std::ops::Range;

/// A YCbCr canvas, three planes of one byte a pixel, rows top to bottom: rows
/// `top..top + rows` of a picture `width`×`height` pixels.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    /// The first picture row the planes hold.
    pub top: u32,
    /// Luma (Y), blue chroma (Cb) and red chroma (Cr).
    pub planes: [Vec<u8>; 3],
}

/// An RGB colour as YCbCr, by the conversion jpeg-encoder uses for RGB input.
pub fn ycc(rgb: [u8; 3]) -> [u8; 3] {
    let (y, cb, cr) = jpeg_encoder::rgb_to_ycbcr(rgb[0], rgb[1], rgb[2]);
    [y, cb, cr]
}

/// The same conversion in floating point, unrounded, for gradient colours.
fn ycc_f32(c: [f32; 3]) -> [f32; 3] {
    let [r, g, b] = c;
    let k = 1.0 / 65536.0;
    [
        (19595.0 * r + 38470.0 * g + 7471.0 * b) * k,
        (-11059.0 * r - 21709.0 * g + 32768.0 * b) * k + 128.0,
        (32768.0 * r - 27439.0 * g - 5329.0 * b) * k + 128.0,
    ]
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
///
/// Filling is fixed-point arithmetic on 16-bit lanes (values in 1/256 steps, factors in
/// 1/65536 steps), which the compiler turns into SIMD code on any x86-64 (SSE2), so the
/// pixels do not depend on the processor.
pub struct Gradient {
    /// Y, Cb and Cr along the gradient in 1/256 steps, looked up by position, so filling
    /// does no interpolation of its own.
    lut: Box<[[u16; 3]; LUT_STEPS + 1]>,
    diagonal: bool,
    /// Position along the gradient is t = sx·x + sy·y, scaled to the table.
    sy: f32,
    /// x·sx - ½ for each column, for diagonal gradients.
    xs: Vec<f32>,
    /// How dark the corners get, in 1/65536 steps; 0 for none.
    vignette: u16,
    /// Half the vignette's squared distance from the centre of each column and row, in
    /// 1/65536 steps (each below 32768, so their sum fits 16 bits).
    vx: Vec<u16>,
    vy: Vec<u16>,
    /// For each of the four Bayer rows, the dither value of each pixel plus ½ for
    /// rounding, in 1/256 steps (8..=248).
    dither: [Vec<u16>; 4],
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
        let colours: Vec<[f32; 3]> = (0..=N)
            .map(|i| ycc_f32(along(stops, i as f32 / N as f32)))
            .collect();
        let half = |v: Vec<f32>| -> Vec<u16> {
            v.iter()
                .map(|&v| ((v * 32768.0).round() as u32).min(32767) as u16)
                .collect()
        };
        Gradient {
            lut: Box::new(std::array::from_fn(|i| {
                colours[i].map(|v| (v * 256.0).round().clamp(0.0, 255.0 * 256.0) as u16)
            })),
            diagonal,
            sy,
            xs: (0..w).map(|x| x as f32 * sx - 0.5).collect(),
            vignette: (vignette.clamp(0.0, 1.0) * 65535.0).round() as u16,
            vx: half(vignette_axis(w)),
            vy: half(vignette_axis(h)),
            dither: std::array::from_fn(|y| {
                (0..w)
                    .map(|x| ((dither(x, y) + 0.5) * 256.0).round() as u16)
                    .collect()
            }),
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
        let n = width as usize * rows.len();
        Canvas {
            width,
            height,
            top: rows.start,
            planes: [vec![0; n], vec![128; n], vec![128; n]],
        }
    }

    /// The picture rows this canvas holds.
    pub fn rows(&self) -> Range<usize> {
        let top = self.top as usize;
        top..top + self.planes[0].len() / (self.width as usize).max(1)
    }

    /// Picture row `y` of each plane; the row must be one the canvas holds.
    pub fn row_mut(&mut self, y: usize) -> [&mut [u8]; 3] {
        let w = self.width as usize;
        let i = (y - self.top as usize) * w;
        self.planes.each_mut().map(|p| &mut p[i..i + w])
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
        let w = self.width as usize;
        // Row-wide scratch: the vignette factor m (1/65536 steps), what chroma adds as
        // it is darkened towards grey, and one plane's colours (1/256 steps).
        let (mut m, mut grey) = (vec![0u16; w], vec![0u16; w]);
        let mut colours: [Vec<u16>; 3] = std::array::from_fn(|_| vec![0u16; w]);
        for y in self.rows() {
            let vy = g.vy[y];
            for ((m, grey), &vx) in m.iter_mut().zip(grey.iter_mut()).zip(&g.vx) {
                // m = 1 - amount·d², d the mean of the squared axis distances.
                let d = (vx + vy) as u32;
                let d2 = ((d * d) >> 16) as u16;
                *m = 65535 - ((g.vignette as u32 * d2 as u32) >> 16) as u16;
                // Chroma darkens towards 128: C' = m·C + 128·(1 - m), plus ½ to round.
                *grey = ((65535 - *m) >> 1) + 128;
            }
            let base = y as f32 * g.sy;
            if g.diagonal {
                diagonal_row(&g.lut, &g.xs, base, colours.each_mut().map(|c| &mut c[..]));
            } else {
                // A vertical gradient is one colour per row.
                let c = g.lut[(base as usize).min(LUT_STEPS)];
                for (plane, c) in colours.iter_mut().zip(c) {
                    plane.fill(c);
                }
            }
            let dither = &g.dither[y & 3];
            for ((k, row), c) in self.row_mut(y).into_iter().enumerate().zip(&colours) {
                // Luma takes the dither; chroma, which the encoder keeps one pixel in
                // four of, would only be biased by it.
                let add = if k == 0 { dither } else { &grey };
                for (((o, &c), &m), &a) in row.iter_mut().zip(c).zip(&m).zip(add) {
                    // c·m fits below 65280 and adding at most 248 cannot overflow.
                    *o = ((((c as u32 * m as u32) >> 16) as u16 + a) >> 8) as u8;
                }
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
        for y in self.rows() {
            let [l, cb, cr] = self.row_mut(y);
            for (x, ((l, cb), cr)) in l.iter_mut().zip(cb).zip(cr).enumerate() {
                let m = (vignette_factor(amount, vx[x], vy[y]) * 256.0) as i32;
                *l = ((*l as i32 * m + 128) >> 8) as u8;
                for c in [cb, cr] {
                    *c = ((((*c as i32 - 128) * m + 128) >> 8) + 128) as u8;
                }
            }
        }
    }

    /// Blend `color`, already in YCbCr (see [`ycc`]), into one pixel with coverage `a`
    /// (0..=1).
    #[inline]
    fn blend(&mut self, x: i64, y: i64, color: [u8; 3], a: f32) {
        if a <= 0.0 {
            return;
        }
        self.blend_fixed(x, y, color, (a.min(1.0) * 256.0) as u32);
    }

    /// Blend `color`, already in YCbCr (see [`ycc`]), into one pixel with the coverage in
    /// 1/256 steps (0..=256), as pre-rasterised glyphs keep it.
    #[inline]
    pub fn blend_fixed(&mut self, x: i64, y: i64, color: [u8; 3], a: u32) {
        let r = self.rows();
        if x < 0 || y < r.start as i64 || x >= self.width as i64 || y >= r.end as i64 {
            return;
        }
        let i = (y as usize - r.start) * self.width as usize + x as usize;
        for (p, &c) in self.planes.iter_mut().zip(&color) {
            let d = p[i] as u32;
            p[i] = ((d * (256 - a) + c as u32 * a + 128) >> 8) as u8;
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
        let color = ycc(color);
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
        let mut alpha = vec![0u16; xs.len()];
        for y in ys {
            let cy = cov(y0, y1, y) * opacity;
            // The coverage of each pixel as `blend` quantises it, then one pass a plane.
            for (a, cx) in alpha.iter_mut().zip(&xs) {
                let v = cx * cy;
                *a = if v <= 0.0 {
                    0
                } else {
                    (v.min(1.0) * 256.0) as u16
                };
            }
            for (row, &c) in self.row_mut(y).into_iter().zip(&color) {
                // In 16 bits, which vectorizes best: at most 255·256 + 128.
                for (p, &a) in row[px0..px1].iter_mut().zip(&alpha) {
                    *p = ((*p as u16 * (256 - a) + c as u16 * a + 128) >> 8) as u8;
                }
            }
        }
    }

    /// A diamond (a square on its point) centred at (cx, cy) with half-diagonal `r`.
    pub fn diamond(&mut self, cx: f32, cy: f32, r: f32, color: [u8; 3], opacity: f32) {
        let color = ycc(color);
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
        for (plane, &c) in self.planes.iter_mut().zip(&ycc(color)) {
            for p in plane.iter_mut() {
                *p = ((*p as u32 * (256 - a) + c as u32 * a + 128) >> 8) as u8;
            }
        }
    }

    /// Darken a horizontal band from `y0` to `y1` with soft edges of `feather` pixels,
    /// so text laid over a photograph stays readable.
    pub fn scrim(&mut self, y0: f32, y1: f32, feather: f32, color: [u8; 3], opacity: f32) {
        let color = ycc(color);
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
            for (row, &c) in self.row_mut(y).into_iter().zip(&color) {
                for p in row.iter_mut() {
                    *p = ((*p as u32 * (256 - a) + c as u32 * a + 128) >> 8) as u8;
                }
            }
        }
    }
}

/// One row of a diagonal gradient's colours: `lut` at floor(base + xs) for each column.
/// (A function of its own, with the table's size in its type, so the loop keeps its
/// pointers in registers and needs no bounds check.)
fn diagonal_row(
    lut: &[[u16; 3]; LUT_STEPS + 1],
    xs: &[f32],
    base: f32,
    [cy, cb, cr]: [&mut [u16]; 3],
) {
    for (((cy, cb), cr), &xs) in cy.iter_mut().zip(cb).zip(cr).zip(xs) {
        // floor(base + x·sx) without a saturating float-to-integer conversion (one of
        // those per pixel is slow): adding 2²³ leaves the value rounded to a whole number
        // in the low bits of the float, and taking ½ off first (in `xs`) makes that
        // rounding a floor (bar exact ties, which only pick the neighbouring colour).
        // Positions are at most 2048, far inside 2²³.
        let t = (base + xs).max(0.0) + 8_388_608.0;
        let i = (t.to_bits() & 0x7f_ffff).min(LUT_STEPS as u32);
        [*cy, *cb, *cr] = lut[i as usize];
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
