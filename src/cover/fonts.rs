//! The bundled cover fonts, compiled in so a cover comes out the same on every machine.
//! EB Garamond (SIL OFL 1.1) and Linux Biolinum (SIL OFL 1.1 / GPL with font
//! exception); both cover Latin, Greek and Cyrillic. Licences are in `covers/fonts/`.

const GARAMOND: &[u8] = include_bytes!("../../covers/fonts/EBGaramond12-Regular.otf");
const GARAMOND_ITALIC: &[u8] = include_bytes!("../../covers/fonts/EBGaramond12-Italic.otf");
const BIOLINUM: &[u8] = include_bytes!("../../covers/fonts/LinBiolinum_R.otf");
const BIOLINUM_BOLD: &[u8] = include_bytes!("../../covers/fonts/LinBiolinum_RB.otf");

/// Names a template may give as `font`.
pub const NAMES: &[&str] = &["garamond", "garamond-italic", "biolinum", "biolinum-bold"];

/// The bytes of a bundled font by its template name.
pub fn bundled(name: &str) -> Option<&'static [u8]> {
    Some(match name {
        "garamond" => GARAMOND,
        "garamond-italic" => GARAMOND_ITALIC,
        "biolinum" => BIOLINUM,
        "biolinum-bold" => BIOLINUM_BOLD,
        _ => return None,
    })
}
