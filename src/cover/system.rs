//! Installed fonts, for the characters the bundled cover fonts cannot draw (Chinese,
//! Japanese, Korean, Hebrew, Arabic …). The one place covers look outside their inputs:
//! the font folders are read once per process (a batch draws many covers) and a face is
//! chosen by a fixed order, never by what the folder listing or a hash map happens to
//! give, so the same fonts installed always give the same cover bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use fontdb::{Database, Source, Stretch, Style, ID};
use rustybuzz::ttf_parser;

/// The look of the font a block is set in, so a fallback face can match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Serif,
    Sans,
}

/// What a fallback face should be like.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Wanted {
    pub kind: Kind,
    pub bold: bool,
    /// The regional variant of a Han font family (`SC`, `TC`, `HK`, `JP`, `KR`): the
    /// same character is drawn differently in each, and a Chinese reader notices a
    /// Japanese form.
    pub han: &'static str,
}

/// An installed face chosen to draw some characters, with its file's bytes.
pub struct SystemFace {
    pub family: String,
    pub path: PathBuf,
    pub index: u32,
    pub bytes: Arc<[u8]>,
}

impl std::fmt::Debug for SystemFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}#{})",
            self.family,
            self.path.display(),
            self.index
        )
    }
}

/// A face that may be chosen, with what it is sorted by.
struct Candidate {
    id: ID,
    family: String,
    path: PathBuf,
    index: u32,
    style: Style,
    weight: u16,
    stretch: Stretch,
    monospaced: bool,
}

fn database() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = Database::new();
        db.load_system_fonts();
        db
    })
}

/// Every installed face ficbind can draw with, in a fixed order (family, path, index),
/// read once.
fn candidates() -> &'static [Candidate] {
    static ALL: OnceLock<Vec<Candidate>> = OnceLock::new();
    ALL.get_or_init(|| {
        let db = database();
        let mut all: Vec<Candidate> = db
            .faces()
            .filter_map(|f| {
                let path = match &f.source {
                    Source::File(p) | Source::SharedFile(p, _) => p.clone(),
                    Source::Binary(_) => return None,
                };
                Some(Candidate {
                    id: f.id,
                    family: f.families.first()?.0.clone(),
                    path,
                    index: f.index,
                    style: f.style,
                    weight: f.weight.0,
                    stretch: f.stretch,
                    monospaced: f.monospaced,
                })
            })
            .collect();
        all.sort_by(|a, b| (&a.family, &a.path, a.index).cmp(&(&b.family, &b.path, b.index)));
        // The same file may be found through two font folders (a link); keep one.
        all.dedup_by(|a, b| a.family == b.family && a.path == b.path && a.index == b.index);
        all
    })
}

/// How well a face suits `wanted`, lower first; ties keep the fixed order.
fn rank(c: &Candidate, wanted: &Wanted) -> [u16; 7] {
    let family = c.family.as_str();
    let has = |words: &[&str]| family.split(' ').any(|w| words.contains(&w));
    let (own, other): (&[&str], &[&str]) = match wanted.kind {
        // Naskh is the book hand of Arabic type, the counterpart of a serif.
        Kind::Serif => (
            &["Serif", "Naskh", "Mincho", "Ming", "Song"],
            &["Sans", "Gothic"],
        ),
        Kind::Sans => (
            &["Sans", "Gothic"],
            &["Serif", "Naskh", "Mincho", "Ming", "Song"],
        ),
    };
    let kind = if has(own) {
        0
    } else if has(other) {
        2
    } else {
        1
    };
    let han_variant = family
        .rsplit(' ')
        .next()
        .filter(|v| ["SC", "TC", "HK", "JP", "KR"].contains(v));
    let want_weight = if wanted.bold { 700 } else { 400 };
    [
        u16::from(c.style != Style::Normal),
        c.weight.abs_diff(want_weight),
        u16::from(c.stretch != Stretch::Normal),
        // Monospaced, interface (tight line height) and display cuts are for other uses.
        u16::from(c.monospaced || has(&["Mono", "UI", "Display"])),
        u16::from(han_variant.is_some_and(|v| v != wanted.han)),
        // Noto is what the warnings tell people to install: prefer it where it is.
        u16::from(!family.starts_with("Noto ")),
        kind,
    ]
}

/// Which of `chars` the face draws (with an outline: colour-bitmap faces such as emoji
/// fonts have none that ab_glyph can draw).
fn coverage(id: ID, chars: &[char]) -> Vec<bool> {
    database()
        .with_face_data(id, |data, index| {
            let Ok(face) = ttf_parser::Face::parse(data, index) else {
                return vec![false; chars.len()];
            };
            let t = face.tables();
            if t.glyf.is_none() && t.cff.is_none() {
                return vec![false; chars.len()];
            }
            chars
                .iter()
                .map(|&c| face.glyph_index(c).is_some_and(|g| g.0 != 0))
                .collect()
        })
        .unwrap_or_else(|| vec![false; chars.len()])
}

/// The bytes of a font file, read once per process.
fn file_bytes(path: &Path) -> Option<Arc<[u8]>> {
    static FILES: OnceLock<Mutex<HashMap<PathBuf, Arc<[u8]>>>> = OnceLock::new();
    let files = FILES.get_or_init(Default::default);
    if let Some(b) = files.lock().ok()?.get(path) {
        return Some(b.clone());
    }
    let bytes: Arc<[u8]> = std::fs::read(path).ok()?.into();
    // A face whose file ab_glyph cannot read is as good as missing.
    ab_glyph::FontRef::try_from_slice(&bytes).ok()?;
    files
        .lock()
        .ok()?
        .entry(path.to_path_buf())
        .or_insert(bytes)
        .clone()
        .into()
}

/// A choice of faces, and the characters no installed face draws.
type Choice = (Vec<Arc<SystemFace>>, Vec<char>);
/// Choices made, by the characters asked for and the look wanted.
type Chosen = Mutex<HashMap<(Vec<char>, Wanted), Choice>>;

/// Installed faces that between them draw `missing`, best first: the best-ranked face
/// that draws them all, or else the best-ranked face that draws the most, then again
/// for what is left. Also the characters no installed face draws. The same `missing`
/// and `wanted` always give the same faces, and the answer is kept for the process.
pub fn fallbacks(missing: &[char], wanted: &Wanted) -> Choice {
    static CHOSEN: OnceLock<Chosen> = OnceLock::new();
    let chosen = CHOSEN.get_or_init(Default::default);
    let key = (missing.to_vec(), wanted.clone());
    if let Some(hit) = chosen.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let choice = choose(missing, wanted);
    if let Ok(mut c) = chosen.lock() {
        c.insert(key, choice.clone());
    }
    choice
}

fn choose(missing: &[char], wanted: &Wanted) -> Choice {
    let mut order: Vec<(&Candidate, [u16; 7])> =
        candidates().iter().map(|c| (c, rank(c, wanted))).collect();
    // Stable: faces ranked alike stay in family, path, index order.
    order.sort_by_key(|(_, r)| *r);
    let mut left = missing.to_vec();
    let mut faces: Vec<Arc<SystemFace>> = Vec::new();
    // Faces chosen, or found unreadable: not looked at again.
    let mut done: Vec<ID> = Vec::new();
    while !left.is_empty() {
        let mut best: Option<(&Candidate, Vec<bool>, usize)> = None;
        for (c, _) in &order {
            if done.contains(&c.id) {
                continue;
            }
            let has = coverage(c.id, &left);
            let n = has.iter().filter(|&&h| h).count();
            if n > best.as_ref().map_or(0, |b| b.2) {
                let all = n == left.len();
                best = Some((c, has, n));
                if all {
                    break;
                }
            }
        }
        let Some((c, has, _)) = best else { break };
        done.push(c.id);
        let Some(bytes) = file_bytes(&c.path) else {
            // Unreadable after all: choose again without it.
            continue;
        };
        faces.push(Arc::new(SystemFace {
            family: c.family.clone(),
            path: c.path.clone(),
            index: c.index,
            bytes,
        }));
        left = left
            .iter()
            .zip(&has)
            .filter(|(_, &h)| !h)
            .map(|(&ch, _)| ch)
            .collect();
    }
    (faces, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(family: &str, weight: u16, monospaced: bool) -> Candidate {
        Candidate {
            id: ID::dummy(),
            family: family.into(),
            path: PathBuf::new(),
            index: 0,
            style: Style::Normal,
            weight,
            stretch: Stretch::Normal,
            monospaced,
        }
    }

    #[test]
    fn faces_are_ranked_by_kind_weight_and_han_variant() {
        let serif_sc = Wanted {
            kind: Kind::Serif,
            bold: false,
            han: "SC",
        };
        let order = |wanted: &Wanted, faces: &[Candidate]| -> Vec<String> {
            let mut v: Vec<(&Candidate, [u16; 7])> =
                faces.iter().map(|c| (c, rank(c, wanted))).collect();
            v.sort_by_key(|(_, r)| *r);
            v.iter().map(|(c, _)| c.family.clone()).collect()
        };
        let faces = [
            face("DejaVu Sans", 400, false),
            face("Noto Sans CJK SC", 400, false),
            face("Noto Sans Mono CJK SC", 400, true),
            face("Noto Serif CJK JP", 400, false),
            face("Noto Serif CJK SC", 700, false),
            face("Noto Serif CJK SC", 400, false),
        ];
        assert_eq!(
            order(&serif_sc, &faces),
            [
                "Noto Serif CJK SC",
                // The right forms of the characters matter more than serifs.
                "Noto Sans CJK SC",
                "DejaVu Sans",
                "Noto Serif CJK JP",
                "Noto Sans Mono CJK SC",
                // Weight before all.
                "Noto Serif CJK SC",
            ]
        );
        let sans_bold = Wanted {
            kind: Kind::Sans,
            bold: true,
            han: "SC",
        };
        let arabic = [
            face("Noto Naskh Arabic", 400, false),
            face("Noto Sans Arabic UI", 700, false),
            face("Noto Sans Arabic", 700, false),
            face("Noto Kufi Arabic", 700, false),
        ];
        assert_eq!(
            order(&sans_bold, &arabic),
            [
                "Noto Sans Arabic",
                "Noto Kufi Arabic",
                "Noto Sans Arabic UI",
                "Noto Naskh Arabic",
            ]
        );
    }
}
