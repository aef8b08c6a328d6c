//! A cover resolved to its inputs (every file read) and made into an image: pure, so
//! the same plan and text always give the same bytes.

use super::{generate_cover, overlay_text, prepare_cover, CoverImage, CoverTemplate, CoverText};
use crate::diag::{Code, Diagnostic};
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

/// The most characters of each line of cover text that are laid out: more than any
/// cover can show legibly. Past them text is cut before any layout, which would
/// otherwise take time and memory in proportion to its length (a 1 MB title took
/// half a minute).
const MOST_TITLE: usize = 200;
const MOST_AUTHOR: usize = 120;
const MOST_FANDOM: usize = 160;

/// `text` cut to `most` characters at a word boundary where there is one, with an
/// ellipsis; `None` when it fits as it is.
fn cut(text: &str, most: usize) -> Option<String> {
    let (end, _) = text.char_indices().nth(most)?;
    let head = &text[..end];
    // Back to the last space, unless that would lose most of the line.
    let at = head
        .rfind(char::is_whitespace)
        .filter(|&i| i >= end / 2)
        .unwrap_or(end);
    Some(format!("{}…", head[..at].trim_end()))
}

/// The text a cover can lay out, with a warning for each line that had to be cut.
fn fitted(text: &CoverText) -> (CoverText, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut fit = |what: &str, s: &str, most: usize| match cut(s, most) {
        Some(short) => {
            diags.push(Diagnostic::new(
                Code::W014,
                format!(
                    "the {what} is {} characters long, more than a cover can show; the cover shows its first {most} and an ellipsis (the book keeps it whole)",
                    s.chars().count()
                ),
            ));
            short
        }
        None => s.to_string(),
    };
    let fitted = CoverText {
        title: fit("title", &text.title, MOST_TITLE),
        author: fit("author", &text.author, MOST_AUTHOR),
        fandom: text.fandom.as_ref().map(|f| fit("fandom", f, MOST_FANDOM)),
        language: text.language.clone(),
    };
    (fitted, diags)
}

/// Makes the cover image from the plan, with `text` on it if the plan sets text.
pub fn make(
    plan: &CoverPlan,
    text: &CoverText,
) -> Result<Option<(CoverImage, Vec<Diagnostic>)>, Error> {
    let (text, mut warnings) = if plan.sets_text() {
        fitted(text)
    } else {
        (text.clone(), Vec::new())
    };
    let text = &text;
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
    let (image, diags) = made;
    warnings.extend(diags);
    Ok(Some((image, warnings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(cut("short", 10), None);
        assert_eq!(cut("exactly10!", 10), None);
        assert_eq!(
            cut("the lamp was lit at dusk", 14).as_deref(),
            Some("the lamp was…")
        );
        // Characters, not bytes, and no space to go back to.
        assert_eq!(cut("ääääääääääää", 5).as_deref(), Some("äääää…"));
    }

    #[test]
    fn a_megabyte_title_is_cut_before_layout_and_warned_about() {
        let text = CoverText {
            title: "Moth ".repeat(200_000),
            author: "W. H.".into(),
            fandom: None,
            language: String::new(),
        };
        let plan = CoverPlan::Generated {
            template: super::super::builtin_template("classic").unwrap(),
            background: None,
        };
        let (image, diags) = make(&plan, &text).unwrap().unwrap();
        assert!(image.bytes.len() > 1000);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::W014);
        assert!(
            diags[0].message.contains("1000000 characters"),
            "{}",
            diags[0].message
        );
    }
}
