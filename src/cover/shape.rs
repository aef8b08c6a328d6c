//! Text to glyphs for scripts that need more than one glyph per character: each run of
//! one font and one direction goes through rustybuzz (so Arabic letters join and marks
//! sit on their letters), with the bidi levels of the Unicode bidi algorithm, and the
//! places a line may break from the Unicode line-breaking algorithm (so Chinese and
//! Japanese titles break between characters, and never before a closing mark).

use ab_glyph::{Font, FontRef, GlyphId};
use unicode_bidi::BidiInfo;
use unicode_linebreak::{break_property, linebreaks, BreakClass, BreakOpportunity};

use super::typeset::{glyph_run_width, Measured, SetFont, Word, G};

/// Characters of scripts that take one glyph per character, left to right, with no marks
/// to place: Latin, Greek, Cyrillic and Armenian and their punctuation. Text made only of
/// these, all in the template's font, is set without the shaper.
fn simple_char(c: char) -> bool {
    match c as u32 {
        // Combining marks need placing on their letter.
        0x0300..=0x036F | 0x0483..=0x0489 => false,
        0x0000..=0x058F => true,
        // Latin Extended Additional (Vietnamese) and Greek Extended, precomposed.
        0x1E00..=0x1FFF => true,
        // Dashes, quotes, ellipsis, primes (not the bidi and joiner controls around them).
        0x2010..=0x2027 | 0x2030..=0x205E => true,
        // Currency and letterlike symbols.
        0x20A0..=0x20CF | 0x2100..=0x214F => true,
        _ => false,
    }
}

/// Whether `text` can be set glyph by glyph in `font` (see [`simple_char`]).
pub fn is_simple(font: &FontRef<'_>, text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || (simple_char(c) && font.glyph_id(c).0 != 0))
}

/// Whether a line may break next to `c` inside a run without spaces: between Chinese
/// and Japanese characters and their punctuation, and at a zero-width space. Latin
/// words are not broken at their hyphens, as covers never did; Korean breaks at its
/// spaces, as Korean titles are set.
fn breaks_inside(c: char) -> bool {
    matches!(
        break_property(c as u32),
        BreakClass::Ideographic
            | BreakClass::ConditionalJapaneseStarter
            | BreakClass::ZeroWidthSpace
    )
}

/// Scripts whose letters join: letter spacing would tear them apart.
fn joined(c: char) -> bool {
    matches!(
        c as u32,
        0x0600..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF | 0x1800..=0x18AF | 0x10D00..=0x10D3F
    )
}

/// Marks and joiners stay in the font of the letter before them.
fn attaches(c: char) -> bool {
    matches!(
        break_property(c as u32),
        BreakClass::CombiningMark | BreakClass::ZeroWidthJoiner
    )
}

/// Which of `fonts` draws each character of `text` (by byte offset of the character):
/// the first that has it; marks and joiners go with their letter; characters no font
/// has go to the first font, whose missing glyph is then left out.
fn font_of_chars(fonts: &[SetFont<'_>], text: &str) -> Vec<(usize, char, u8)> {
    let mut out: Vec<(usize, char, u8)> = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let f = match out.last() {
            Some(&(_, _, prev)) if attaches(c) => prev,
            _ => fonts
                .iter()
                .position(|f| f.font.glyph_id(c).0 != 0)
                .unwrap_or(0) as u8,
        };
        out.push((i, c, f));
    }
    out
}

/// `text` as words of shaped glyphs, for [`super::typeset`]'s line breaking.
pub fn shaped(fonts: &[SetFont<'_>], language: &str, text: &str, letter_spacing: f32) -> Measured {
    let primary = &fonts[0].font;
    let unit0 = 1.0 / primary.height_unscaled();
    // Sizes are PxScale heights of the template's font (one unit of size is its ascent -
    // descent). Other fonts are set at the same em size, not the same PxScale height:
    // Arabic and Han faces reserve much more height for marks and tall forms than
    // Garamond does, and at its PxScale height an Arabic fandom came out half the size
    // of a Chinese one. So one font unit of font f is `units[f]` units of size.
    let em0 = primary.units_per_em().unwrap_or(1000.0) * unit0;
    let units: Vec<f32> = fonts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i == 0 {
                unit0
            } else {
                em0 / f.font.units_per_em().unwrap_or(1000.0)
            }
        })
        .collect();
    // The PxScale each font is drawn at, per unit of size.
    let scales: Vec<f32> = fonts
        .iter()
        .zip(&units)
        .enumerate()
        .map(|(i, (f, u))| {
            if i == 0 {
                1.0
            } else {
                u * f.font.height_unscaled()
            }
        })
        .collect();
    let space = primary.h_advance_unscaled(primary.glyph_id(' ')) * unit0 + letter_spacing;
    let bidi = BidiInfo::new(text, None);
    let base_level = base_level(&bidi);
    let level = |i: usize| bidi.levels.get(i).map_or(base_level, |l| l.number());
    let allowed: Vec<usize> = linebreaks(text)
        .filter(|&(_, o)| o == BreakOpportunity::Allowed)
        .map(|(i, _)| i)
        .collect();
    let chars = font_of_chars(fonts, text);
    let faces: Vec<Option<rustybuzz::Face<'_>>> = fonts
        .iter()
        .map(|f| rustybuzz::Face::from_slice(f.bytes, f.index))
        .collect();
    let lang = language.parse::<rustybuzz::Language>().ok();

    let mut words = Vec::new();
    let mut used = vec![false; fonts.len()];
    let mut rtl = false;
    // Runs of characters that are not white space, each split where a line may break
    // inside it.
    let mut k = 0;
    while k < chars.len() {
        if chars[k].1.is_whitespace() {
            k += 1;
            continue;
        }
        let start = k;
        while k < chars.len() && !chars[k].1.is_whitespace() {
            k += 1;
        }
        let space_level = if start == 0 {
            base_level
        } else {
            level(chars[start - 1].0)
        };
        let mut seg_start = start;
        for j in start + 1..=k {
            let at_break = j < k
                && allowed.binary_search(&chars[j].0).is_ok()
                && (breaks_inside(chars[j - 1].1) || breaks_inside(chars[j].1));
            if j < k && !at_break {
                continue;
            }
            let mut glyphs = Vec::new();
            // Runs of one font and one level go through the shaper together.
            let seg = &chars[seg_start..j];
            let mut r = 0;
            while r < seg.len() {
                let (font, lv) = (seg[r].2, level(seg[r].0));
                let mut e = r + 1;
                while e < seg.len() && seg[e].2 == font && level(seg[e].0) == lv {
                    e += 1;
                }
                let from = seg[r].0;
                let to = seg
                    .get(e)
                    .map_or(chars.get(j).map_or(text.len(), |c| c.0), |c| c.0);
                let run = &text[from..to];
                if let Some(face) = &faces[font as usize] {
                    let before = glyphs.len();
                    shape_run(
                        &mut glyphs,
                        face,
                        units[font as usize],
                        font,
                        lv,
                        lang.as_ref(),
                        run,
                        letter_spacing,
                    );
                    if glyphs.len() > before {
                        used[font as usize] = true;
                        rtl |= lv % 2 == 1;
                    }
                }
                r = e;
            }
            if !glyphs.is_empty() {
                let glued = seg_start > start;
                rtl |= !glued && space_level % 2 == 1;
                words.push(Word {
                    width: glyph_run_width(&glyphs),
                    glyphs,
                    glued,
                    space_level,
                });
            }
            seg_start = j;
        }
    }

    // The line box spans the tallest ascent and deepest descent of the fonts drawn with;
    // in the template's font alone it is exactly what it always was.
    let mut ascent = primary.ascent_unscaled() * unit0;
    let mut extent = 1.0;
    if used.iter().skip(1).any(|&u| u) {
        let mut descent = -primary.descent_unscaled() * unit0;
        for ((f, unit), _) in fonts.iter().zip(&units).zip(&used).filter(|(_, &u)| u) {
            ascent = ascent.max(f.font.ascent_unscaled() * unit);
            descent = descent.max(-f.font.descent_unscaled() * unit);
        }
        extent = ascent + descent;
    }
    Measured {
        words,
        space,
        ascent,
        extent,
        rtl,
        starts_right: base_level % 2 == 1,
        scales,
    }
}

/// Shape one run of one font and direction onto `out`, `unit` units of size to the font
/// unit, in logical order (the shaper
/// gives right-to-left runs in visual order; they are turned back here, and again
/// when drawn, so a line can break inside a run and still reorder right).
#[allow(clippy::too_many_arguments)]
fn shape_run(
    out: &mut Vec<G>,
    face: &rustybuzz::Face<'_>,
    unit: f32,
    font_index: u8,
    level: u8,
    language: Option<&rustybuzz::Language>,
    run: &str,
    letter_spacing: f32,
) {
    let rtl = level % 2 == 1;
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(run);
    buffer.set_direction(if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    });
    if let Some(l) = language {
        buffer.set_language(l.clone());
    }
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    let start = out.len();
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        // A character the font lacks (the missing-glyph box) is left out, as the
        // warning says.
        if info.glyph_id == 0 {
            continue;
        }
        let c = run[info.cluster as usize..].chars().next().unwrap_or(' ');
        let ls = if pos.x_advance == 0 || joined(c) {
            0.0
        } else {
            letter_spacing
        };
        out.push(G {
            id: GlyphId(info.glyph_id as u16),
            font: font_index,
            adv: pos.x_advance as f32 * unit + ls,
            ls,
            dx: pos.x_offset as f32 * unit,
            dy: pos.y_offset as f32 * unit,
            level,
        });
    }
    if rtl {
        out[start..].reverse();
    }
}

/// The paragraph direction's embedding level: odd when the text runs right to left
/// (its first strong character is Hebrew or Arabic).
fn base_level(bidi: &BidiInfo<'_>) -> u8 {
    bidi.paragraphs.first().map_or(0, |p| p.level.number())
}

/// Whether `text` starts at the right edge (a Hebrew or Arabic title), so a flush-left
/// design is mirrored for it.
pub fn starts_right(text: &str) -> bool {
    base_level(&BidiInfo::new(text, None)) % 2 == 1
}
