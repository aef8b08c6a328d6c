//! A generated cover as a list of things to draw, painted a band of rows at a time as the
//! JPEG encoder asks for them. A whole 1600×2560 RGB canvas is 12 MB, most of a build's
//! peak memory; a band is 77 kB, and because every drawing routine works pixel by pixel
//! (see [`super::paint`]) the bands join into exactly the picture a whole canvas would
//! have held.

use std::cell::RefCell;

use image::RgbImage;
use jpeg_encoder::{ImageBuffer, JpegColorType};

use super::paint::{Canvas, Gradient};
use super::typeset::{Mask, TextRun};

/// Rows painted at a time: one row of 4:2:0 MCUs (16 pixel rows), which is what the
/// encoder reads before it codes anything.
pub const BAND_ROWS: u32 = 16;

/// What lies under everything else.
pub enum Background {
    Gradient(Gradient),
    /// An image the size of the picture, with an optional tint (colour, opacity) laid
    /// over it and then a vignette (0: none).
    Image {
        rgb: RgbImage,
        tint: Option<([u8; 3], f32)>,
        vignette: f32,
    },
}

/// One thing drawn over the background; see the [`Canvas`] method of the same name.
enum Shape {
    Rect {
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        color: [u8; 3],
        opacity: f32,
    },
    Diamond {
        cx: f32,
        cy: f32,
        r: f32,
        color: [u8; 3],
        opacity: f32,
    },
    Scrim {
        y0: f32,
        y1: f32,
        feather: f32,
        color: [u8; 3],
        opacity: f32,
    },
    Text(TextRun),
}

/// A picture `width`×`height`: a background and shapes over it, in drawing order.
pub struct Scene {
    pub width: u32,
    pub height: u32,
    background: Background,
    shapes: Vec<Shape>,
}

impl Scene {
    pub fn new(width: u32, height: u32, background: Background) -> Scene {
        Scene {
            width,
            height,
            background,
            shapes: Vec::new(),
        }
    }

    /// The rectangles drawn so far (`x0, y0, x1, y1`), for tests of where things go.
    #[cfg(test)]
    pub fn rects(&self) -> Vec<[f32; 4]> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Rect { x0, y0, x1, y1, .. } => Some([*x0, *y0, *x1, *y1]),
                _ => None,
            })
            .collect()
    }

    pub fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: [u8; 3], opacity: f32) {
        self.shapes.push(Shape::Rect {
            x0,
            y0,
            x1,
            y1,
            color,
            opacity,
        });
    }

    pub fn diamond(&mut self, cx: f32, cy: f32, r: f32, color: [u8; 3], opacity: f32) {
        self.shapes.push(Shape::Diamond {
            cx,
            cy,
            r,
            color,
            opacity,
        });
    }

    pub fn scrim(&mut self, y0: f32, y1: f32, feather: f32, color: [u8; 3], opacity: f32) {
        self.shapes.push(Shape::Scrim {
            y0,
            y1,
            feather,
            color,
            opacity,
        });
    }

    pub fn text(&mut self, run: TextRun) {
        self.shapes.push(Shape::Text(run));
    }

    /// Paint the rows `canvas` holds. `masks` keeps rasterised glyphs between bands; it
    /// starts as [`Scene::no_masks`].
    fn paint(&self, canvas: &mut Canvas, masks: &mut [Vec<Option<Mask>>]) {
        match &self.background {
            Background::Gradient(g) => canvas.fill(g),
            Background::Image {
                rgb,
                tint,
                vignette,
            } => {
                let w = self.width as usize;
                for y in canvas.rows() {
                    let rgb = &rgb.as_raw()[y * w * 3..(y + 1) * w * 3];
                    let [l, cb, cr] = canvas.row_mut(y);
                    for (px, ((l, cb), cr)) in rgb.chunks_exact(3).zip(l.iter_mut().zip(cb).zip(cr))
                    {
                        (*l, *cb, *cr) = jpeg_encoder::rgb_to_ycbcr(px[0], px[1], px[2]);
                    }
                }
                if let Some((color, opacity)) = *tint {
                    canvas.tint(color, opacity);
                }
                canvas.vignette(*vignette);
            }
        }
        let mut masks = masks.iter_mut();
        for shape in &self.shapes {
            match *shape {
                Shape::Rect {
                    x0,
                    y0,
                    x1,
                    y1,
                    color,
                    opacity,
                } => canvas.fill_rect(x0, y0, x1, y1, color, opacity),
                Shape::Diamond {
                    cx,
                    cy,
                    r,
                    color,
                    opacity,
                } => canvas.diamond(cx, cy, r, color, opacity),
                Shape::Scrim {
                    y0,
                    y1,
                    feather,
                    color,
                    opacity,
                } => canvas.scrim(y0, y1, feather, color, opacity),
                Shape::Text(ref run) => {
                    let slots = masks.next().expect("one mask list per text run");
                    run.draw(canvas, slots);
                }
            }
        }
    }

    fn no_masks(&self) -> Vec<Vec<Option<Mask>>> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text(run) => Some(run.no_masks()),
                _ => None,
            })
            .collect()
    }

    /// The picture painted in bands of `rows` rows, top to bottom, joined as each
    /// row's Y, Cb and Cr (for tests:
    /// whatever the band height, this must be the picture painted whole).
    #[cfg(test)]
    pub fn paint_in_bands(&self, rows: u32) -> Vec<u8> {
        let mut masks = self.no_masks();
        let mut out = Vec::new();
        for top in (0..self.height).step_by(rows as usize) {
            let mut band = Canvas::band(self.width, self.height, top..top + rows);
            self.paint(&mut band, &mut masks);
            for y in band.rows() {
                for row in band.row_mut(y) {
                    out.extend_from_slice(row);
                }
            }
        }
        out
    }

    /// The scene as rows for the JPEG encoder, painted band by band on demand.
    pub fn rows(&self) -> SceneRows<'_> {
        SceneRows {
            scene: self,
            state: RefCell::new(BandState {
                canvas: Canvas::band(self.width, self.height, 0..0),
                masks: self.no_masks(),
            }),
        }
    }
}

struct BandState {
    canvas: Canvas,
    masks: Vec<Vec<Option<Mask>>>,
}

/// A [`Scene`] seen as an [`ImageBuffer`]: the encoder asks for rows top to bottom, and
/// each time it reaches a row outside the band held, the band containing it is painted.
/// (`fill_buffers` takes `&self`, hence the `RefCell`.)
pub struct SceneRows<'s> {
    scene: &'s Scene,
    state: RefCell<BandState>,
}

impl ImageBuffer for SceneRows<'_> {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.scene.width as u16
    }

    fn height(&self) -> u16 {
        self.scene.height as u16
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let y = y as usize;
        let mut state = self.state.borrow_mut();
        let BandState { canvas, masks } = &mut *state;
        if !canvas.rows().contains(&y) {
            let top = y as u32 / BAND_ROWS * BAND_ROWS;
            let (w, h) = (self.scene.width, self.scene.height);
            // Reuse the band's buffers: every background fully overwrites them.
            let n = w as usize * (top..(top + BAND_ROWS).min(h)).len();
            let planes = std::mem::take(&mut canvas.planes).map(|mut p| {
                p.resize(n, 0);
                p
            });
            *canvas = Canvas {
                width: w,
                height: h,
                top,
                planes,
            };
            self.scene.paint(canvas, masks);
        }
        // The canvas is painted in YCbCr already, so its rows are the encoder's input.
        // (With 4:2:0 sampling the encoder keeps the chroma of one pixel in four.)
        for (buffer, row) in buffers.iter_mut().zip(canvas.row_mut(y)) {
            buffer.extend_from_slice(row);
        }
    }
}
