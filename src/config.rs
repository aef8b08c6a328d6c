//! Build options, resolved once from the command line (and, later, `series.toml`) into
//! one typed value the pipeline reads; no stage looks options up by name.

use std::path::PathBuf;

pub use crate::text::Typography;

/// What happens to author's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NotesPolicy {
    /// Where the writer put them.
    #[default]
    Keep,
    /// Gathered at the end of their installment.
    End,
    /// Left out (a note says how many).
    Omit,
}

/// Where the cover comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CoverChoice {
    /// `cover.jpg`/`.png`/`.webp` in the series folder, else a generated cover.
    #[default]
    Auto,
    /// This image file.
    File(PathBuf),
    /// No cover at all.
    None,
}

/// Everything a build needs besides the story files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A folder whose files replace the built-in templates of the same name.
    pub templates: Option<PathBuf>,
    pub typography: Typography,
    pub notes: NotesPolicy,
    /// Make warnings fatal.
    pub deny_warnings: bool,
    /// BCP 47 language tag; the files' `Language` header, else `en`.
    pub language: Option<String>,
    /// Seconds since the Unix epoch for `dcterms:modified`; `SOURCE_DATE_EPOCH` when set.
    pub source_date_epoch: Option<u64>,
    pub cover: CoverChoice,
}
