//! Build settings: the command line's options, the manifest's and the defaults, resolved
//! once (`Settings::resolve`) into one typed value every stage reads. No stage looks an
//! option up by name or weighs the command line against the manifest itself.

use std::path::{Path, PathBuf};

use crate::input::manifest::Manifest;

/// How straight punctuation is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Typography {
    /// Curly quotes, dashes and ellipses from their typewriter forms.
    #[default]
    Smart,
    /// Punctuation exactly as written.
    Off,
}

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

/// What kind of book is written: the same pages either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BookFormat {
    /// A standard EPUB 3 (with an EPUB 2 NCX), for every reading system.
    #[default]
    Epub,
    /// A Kobo EPUB: the EPUB with every text wrapped in Kobo's sentence spans and the
    /// page in Kobo's two divs, which Kobo's own reader needs for its reading
    /// statistics, highlights and page turns (`output::kepub`).
    Kepub,
}

impl BookFormat {
    /// How the book's file name ends: Kobo's reader takes a sideloaded book as a KEPUB
    /// only when its name ends in `.kepub.epub`.
    pub fn extension(self) -> &'static str {
        match self {
            BookFormat::Epub => ".epub",
            BookFormat::Kepub => ".kepub.epub",
        }
    }
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
    /// `None`: the manifest's choice, else smart.
    pub typography: Option<Typography>,
    /// `None`: the manifest's choice, else keep.
    pub notes: Option<NotesPolicy>,
    /// `None`: the manifest's choice, else EPUB.
    pub format: Option<BookFormat>,
    /// A manifest to use instead of the series folder's `series.toml`.
    pub manifest: Option<PathBuf>,
    /// Build from the files alone, ignoring any manifest (what `init` detects from).
    pub no_manifest: bool,
    /// Make warnings fatal.
    pub deny_warnings: bool,
    /// BCP 47 language tag; the files' `Language` header, else `en`.
    pub language: Option<String>,
    /// Seconds since the Unix epoch for `dcterms:modified`; `SOURCE_DATE_EPOCH` when set.
    pub source_date_epoch: Option<u64>,
    pub cover: CoverChoice,
    /// A built-in cover style (`classic`, `night`, `paper`) for a generated cover or the
    /// title set over an image; default: the manifest's, else `classic`.
    pub cover_style: Option<String>,
    /// A cover template file (TOML), instead of a built-in style.
    pub cover_template: Option<PathBuf>,
    /// Set the title (and author) over the given cover image.
    pub cover_text: bool,
    /// A background image for a generated cover.
    pub cover_background: Option<PathBuf>,
}

/// The cover as the command line and the manifest choose it, before any file is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CoverSetting {
    /// No cover at all.
    pub none: bool,
    /// The user's own image: `--cover`, else the manifest's; `None` looks for a
    /// `cover.*` image in the series folder, else draws one.
    pub file: Option<PathBuf>,
    /// A cover template file (TOML): `--cover-template`, else the manifest's.
    pub template: Option<PathBuf>,
    /// The built-in style used when no template file is given.
    pub style: String,
    /// Set the title and author over the user's image.
    pub text: bool,
    /// A background image for a generated cover.
    pub background: Option<PathBuf>,
}

/// Every choice a build makes that is not story content, resolved once: the command
/// line wins over the manifest, which wins over the defaults. The files' own headers
/// come last, where they can say anything (the language), and `assemble` reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub typography: Typography,
    pub notes: NotesPolicy,
    pub format: BookFormat,
    /// BCP 47 tag from the command line or the manifest; `None` leaves it to the
    /// files' `Language` headers, else `en`.
    pub language: Option<String>,
    /// The folder whose files replace built-in templates.
    pub templates: Option<PathBuf>,
    pub cover: CoverSetting,
    /// Warnings are fatal.
    pub deny_warnings: bool,
    /// `dcterms:modified` when given (`SOURCE_DATE_EPOCH`); else the newest input's time.
    pub source_date_epoch: Option<u64>,
    /// Which of the paths above the command line gave (the others come from the
    /// manifest and must stay inside the series folder).
    pub named: Named,
}

/// Which paths the user named on the command line. Those may be anywhere; what the
/// series' `series.toml` names must stay inside the series folder (`input::confine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Named {
    pub templates: bool,
    pub cover_file: bool,
    pub cover_template: bool,
    pub cover_background: bool,
}

/// Whether `tag` is a well-formed BCP 47 language tag, as `dc:language` needs: a
/// primary language of 2–3 letters, then subtags of 1–8 letters or digits, joined by
/// hyphens (`en`, `pt-BR`, `zh-Hant-TW`, `en-x-fanfic`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    subtags
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()))
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl Default for Settings {
    /// The defaults alone: no command-line option, no manifest.
    fn default() -> Settings {
        Settings::resolve(Path::new("."), &Options::default(), None)
    }
}

impl Settings {
    /// Resolves the command line's `opts` against the `manifest` of the series in
    /// `dir`; paths the manifest gives are relative to `dir`.
    pub fn resolve(dir: &Path, opts: &Options, manifest: Option<&Manifest>) -> Settings {
        let m = manifest.cloned().unwrap_or_default();
        let mc = m.cover.clone().unwrap_or_default();
        let inside = |p: &Option<PathBuf>| p.as_ref().map(|p| dir.join(p));
        let cover = CoverSetting {
            none: match &opts.cover {
                CoverChoice::None => true,
                CoverChoice::File(_) => false,
                CoverChoice::Auto => mc.none,
            },
            file: match &opts.cover {
                CoverChoice::File(path) => Some(path.clone()),
                _ => inside(&mc.file),
            },
            template: opts.cover_template.clone().or_else(|| inside(&mc.template)),
            style: opts
                .cover_style
                .clone()
                .or(mc.style)
                .unwrap_or_else(|| "classic".into()),
            text: opts.cover_text || mc.text,
            background: opts
                .cover_background
                .clone()
                .or_else(|| inside(&mc.background)),
        };
        Settings {
            typography: opts.typography.or(m.typography).unwrap_or_default(),
            notes: opts.notes.or(m.notes).unwrap_or_default(),
            format: opts.format.or(m.format).unwrap_or_default(),
            // Names map to tags; a value that is neither is reported by `read_inputs`
            // and passed over, so the next source of the language applies.
            language: opts
                .language
                .as_deref()
                .and_then(crate::input::language::tag)
                .or_else(|| m.language.as_deref().and_then(crate::input::language::tag)),
            templates: opts.templates.clone().or_else(|| inside(&m.templates)),
            cover,
            deny_warnings: opts.deny_warnings,
            source_date_epoch: opts.source_date_epoch,
            named: Named {
                templates: opts.templates.is_some(),
                cover_file: matches!(opts.cover, CoverChoice::File(_)),
                cover_template: opts.cover_template.is_some(),
                cover_background: opts.cover_background.is_some(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(text, Path::new("series.toml")).unwrap()
    }

    #[test]
    fn the_command_line_wins_over_the_manifest_which_wins_over_defaults() {
        let dir = Path::new("lib/moth");
        let m = manifest(
            "typography = \"off\"\nnotes = \"end\"\nformat = \"kepub\"\nlanguage = \"de\"\ntemplates = \"t\"\n\n[cover]\nstyle = \"night\"\nbackground = \"bg.png\"\n",
        );
        let from_manifest = Settings::resolve(dir, &Options::default(), Some(&m));
        assert_eq!(from_manifest.typography, Typography::Off);
        assert_eq!(from_manifest.notes, NotesPolicy::End);
        assert_eq!(from_manifest.format, BookFormat::Kepub);
        assert_eq!(from_manifest.language.as_deref(), Some("de"));
        assert_eq!(from_manifest.templates, Some(dir.join("t")));
        assert_eq!(from_manifest.cover.style, "night");
        assert_eq!(from_manifest.cover.background, Some(dir.join("bg.png")));

        let opts = Options {
            typography: Some(Typography::Smart),
            notes: Some(NotesPolicy::Omit),
            format: Some(BookFormat::Epub),
            language: Some("fr".into()),
            cover_style: Some("paper".into()),
            ..Options::default()
        };
        let from_cli = Settings::resolve(dir, &opts, Some(&m));
        assert_eq!(from_cli.typography, Typography::Smart);
        assert_eq!(from_cli.notes, NotesPolicy::Omit);
        assert_eq!(from_cli.format, BookFormat::Epub);
        assert_eq!(from_cli.language.as_deref(), Some("fr"));
        assert_eq!(from_cli.cover.style, "paper");

        let defaults = Settings::resolve(dir, &Options::default(), None);
        assert_eq!(defaults.typography, Typography::Smart);
        assert_eq!(defaults.notes, NotesPolicy::Keep);
        assert_eq!(defaults.format, BookFormat::Epub);
        assert_eq!(defaults.language, None);
        assert_eq!(defaults.cover.style, "classic");
        assert!(!defaults.cover.none);
    }

    #[test]
    fn a_cover_file_on_the_command_line_overrides_a_manifest_without_cover() {
        let m = manifest("[cover]\nnone = true\n");
        let dir = Path::new("s");
        assert!(
            Settings::resolve(dir, &Options::default(), Some(&m))
                .cover
                .none
        );
        let opts = Options {
            cover: CoverChoice::File("c.png".into()),
            ..Options::default()
        };
        let s = Settings::resolve(dir, &opts, Some(&m));
        assert!(!s.cover.none);
        assert_eq!(s.cover.file, Some(PathBuf::from("c.png")));
        let none = Options {
            cover: CoverChoice::None,
            ..Options::default()
        };
        assert!(Settings::resolve(dir, &none, None).cover.none);
    }
}
