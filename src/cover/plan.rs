//! A cover resolved to its inputs (every file read) and made into an image: pure, so
//! the same plan and text always give the same bytes.

use super::{generate_cover, overlay_text, prepare_cover, CoverImage, CoverTemplate, CoverText};
use crate::diag::Diagnostic;
use crate::error::Error;

/// A resolved cover, every file read.
#[derive(Debug, Clone)]
pub enum CoverPlan {
    None,
    /// The user's own image, optionally with the title set over it in the template's style.
    Given {
        name: String,
        bytes: Vec<u8>,
        text_over: Option<CoverTemplate>,
    },
    /// A cover drawn from a template, over an optional background image.
    Generated {
        template: CoverTemplate,
        background: Option<(String, Vec<u8>)>,
    },
}

impl CoverPlan {
    /// Whether the cover sets the series' title and author (so depends on them).
    pub fn sets_text(&self) -> bool {
        matches!(
            self,
            CoverPlan::Generated { .. }
                | CoverPlan::Given {
                    text_over: Some(_),
                    ..
                }
        )
    }
}

/// Makes the cover image from the plan, with `text` on it if the plan sets text.
pub fn make(
    plan: &CoverPlan,
    text: &CoverText,
) -> Result<Option<(CoverImage, Vec<Diagnostic>)>, Error> {
    let made = match plan {
        CoverPlan::None => return Ok(None),
        CoverPlan::Given {
            name,
            bytes,
            text_over: None,
        } => prepare_cover(name, bytes)?,
        CoverPlan::Given {
            name,
            bytes,
            text_over: Some(template),
        } => overlay_text(name, bytes, text, template)?,
        CoverPlan::Generated {
            template,
            background,
        } => generate_cover(
            text,
            template,
            background
                .as_ref()
                .map(|(name, b)| (name.as_str(), b.as_slice())),
        )?,
    };
    Ok(Some(made))
}
