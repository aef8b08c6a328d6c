//! `series.toml`, the series manifest: what a user tells ficbind about a series when
//! detection is not enough. Parsing is strict (an unknown key is an error that names
//! it) and every path it names stays inside the series folder.

use std::path::PathBuf;

use crate::input::settings::{BookFormat, NotesPolicy, Typography};

/// The file name of the series manifest inside a series folder.
pub const MANIFEST_NAME: &str = "series.toml";

/// `series.toml`: what a user tells ficbind about a series when detection is not
/// enough. Every key is optional; a key ficbind does not know is an error that names
/// it, so a typo never silently does nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The series title (default: what the numbered titles share).
    pub title: Option<String>,
    /// The author, or several.
    pub author: Option<OneOrMany>,
    /// BCP 47 language tag, or a language's name.
    pub language: Option<String>,
    /// Which way the text runs, when the language does not say it (`rtl`, `ltr`).
    pub dir: Option<crate::input::language::Direction>,
    pub summary: Option<String>,
    /// Replaces the strictest rating found in the headers.
    pub rating: Option<String>,
    pub warnings: Option<WarningEdits>,
    /// Reading order as file names. Files not listed follow as free-standing stories,
    /// unless excluded.
    pub order: Option<Vec<String>>,
    /// Per-file overrides, keyed by file name.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, FileOverride>,
    pub notes: Option<NotesPolicy>,
    pub typography: Option<Typography>,
    /// `epub` or `kepub` (Kobo); the command line's `--format` wins.
    pub format: Option<BookFormat>,
    /// A templates folder, relative to the series folder.
    pub templates: Option<PathBuf>,
    pub cover: Option<CoverSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct WarningEdits {
    /// Warnings to add for the whole series.
    #[serde(default)]
    pub add: Vec<String>,
    /// Warnings to drop (matched without regard to capitals).
    #[serde(default)]
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileOverride {
    /// The installment's own title (`The Ferryman`).
    pub title: Option<String>,
    /// Its number in the series.
    pub number: Option<u32>,
    /// Its part number, when the installment comes in parts.
    pub part: Option<u32>,
    /// Leave this file out of the book.
    #[serde(default)]
    pub exclude: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoverSettings {
    /// An image file, relative to the series folder.
    pub file: Option<PathBuf>,
    /// A built-in cover style for a generated cover.
    pub style: Option<String>,
    /// A cover template (TOML), relative to the series folder.
    pub template: Option<PathBuf>,
    /// Set the title on top of the given image.
    #[serde(default)]
    pub text: bool,
    /// A background image for a generated cover, relative to the series folder.
    pub background: Option<PathBuf>,
    /// No cover at all.
    #[serde(default)]
    pub none: bool,
}

impl Manifest {
    /// Parses a manifest. `path` names the file in errors, which carry the line and, for
    /// an unknown key, the keys that are allowed.
    pub fn parse(text: &str, path: &std::path::Path) -> Result<Manifest, crate::error::Error> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| crate::error::Error::Manifest {
                path: path.to_path_buf(),
                message: manifest_error(text, &e),
            })?;
        for name in manifest.order.iter().flatten().chain(manifest.files.keys()) {
            check_relative(name, path)?;
        }
        manifest.check_values(path)?;
        let cover = manifest.cover.as_ref();
        let paths = [
            manifest.templates.as_ref(),
            cover.and_then(|c| c.file.as_ref()),
            cover.and_then(|c| c.template.as_ref()),
            cover.and_then(|c| c.background.as_ref()),
        ];
        for p in paths.into_iter().flatten() {
            check_relative(&p.to_string_lossy(), path)?;
        }
        Ok(manifest)
    }
}

impl Manifest {
    /// Every text the manifest gives goes into the book's XML: refuse what XML cannot
    /// hold and an empty title, naming the key.
    fn check_values(&self, path: &std::path::Path) -> Result<(), crate::error::Error> {
        let bad = |message: String| crate::error::Error::Manifest {
            path: path.to_path_buf(),
            message,
        };
        if self.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(bad(
                "title is empty; give the series a title, or delete the line to use the one ficbind detects".into(),
            ));
        }
        // A language that is no tag is a warning (W018, from `read_inputs`), not an
        // error: the book falls back to another source of its language.
        let mut texts: Vec<(String, &str)> = [
            ("title", &self.title),
            ("summary", &self.summary),
            ("rating", &self.rating),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key.to_string(), value.as_deref()?)))
        .collect();
        for a in self.author.iter().flat_map(|a| match a {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v.as_slice(),
        }) {
            texts.push(("author".into(), a));
        }
        for w in self
            .warnings
            .iter()
            .flat_map(|w| w.add.iter().chain(&w.remove))
        {
            texts.push(("warnings".into(), w));
        }
        for (name, o) in &self.files {
            if let Some(t) = &o.title {
                texts.push((format!("files.{name:?}.title"), t));
            }
        }
        for (key, text) in texts {
            if let Some(c) = text.chars().find(|&c| !xml_allows(c)) {
                return Err(bad(format!(
                    "{key} holds the character U+{:04X}, which an e-book cannot hold; remove it",
                    u32::from(c)
                )));
            }
        }
        Ok(())
    }
}

/// Characters XML 1.0 allows in a document.
fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `line N: message`, from a TOML error's byte span.
fn manifest_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Paths in a manifest stay inside the series folder.
fn check_relative(name: &str, manifest: &std::path::Path) -> Result<(), crate::error::Error> {
    let p = std::path::Path::new(name);
    let escapes = p.is_absolute()
        || name.starts_with('/')
        || name.starts_with('\\')
        || p.components().any(|c| {
            matches!(
                c,
                std::path::Component::ParentDir | std::path::Component::Prefix(_)
            )
        });
    if escapes {
        return Err(crate::error::Error::Manifest {
            path: manifest.to_path_buf(),
            message: format!(
                "{name:?} is outside the series folder; name files inside it, relative to it"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn every_key_parses() {
        let text = r#"
title = "Lantern Road"
author = ["Wren Halloway", "Ilse"]
language = "en-GB"
summary = "Lamps."
rating = "M"
order = ["a.txt", "b.txt"]
notes = "end"
typography = "off"
format = "kepub"
templates = "my-templates"

[warnings]
add = ["storms"]
remove = ["angst"]

[files."b.txt"]
title = "The Ferryman"
number = 2
part = 1

[files."junk.txt"]
exclude = true

[cover]
style = "night"
"#;
        let m = Manifest::parse(text, Path::new("series.toml")).unwrap();
        assert_eq!(m.title.as_deref(), Some("Lantern Road"));
        assert_eq!(m.author.unwrap().to_vec(), vec!["Wren Halloway", "Ilse"]);
        assert_eq!(m.notes, Some(NotesPolicy::End));
        assert_eq!(m.typography, Some(Typography::Off));
        assert_eq!(m.format, Some(BookFormat::Kepub));
        assert_eq!(m.warnings.unwrap().remove, vec!["angst"]);
        assert_eq!(m.files["b.txt"].number, Some(2));
        assert!(m.files["junk.txt"].exclude);
        assert_eq!(m.cover.unwrap().style.as_deref(), Some("night"));
    }

    #[test]
    fn a_typo_names_the_key_the_line_and_the_allowed_keys() {
        let err = Manifest::parse(
            "title = \"x\"\n\nautor = \"y\"\n",
            Path::new("s/series.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("s/series.toml"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("autor"), "{err}");
        assert!(err.contains("author"), "{err}");
        let err = Manifest::parse("[files.\"a.txt\"]\nnumbr = 2\n", Path::new("series.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("numbr") && err.contains("number"),
            "{err}"
        );
    }

    #[test]
    fn values_the_book_cannot_hold_are_refused_with_their_key() {
        for (text, expect) in [
            ("title = \"\"", "title is empty"),
            ("title = \"   \"", "title is empty"),
            (
                "title = \"Moth\\u0007\"",
                "title holds the character U+0007",
            ),
            (
                "summary = \"a\\uFFFEb\"",
                "summary holds the character U+FFFE",
            ),
            (
                "author = [\"A\", \"B\\u001B\"]",
                "author holds the character U+001B",
            ),
            (
                "[files.\"a.txt\"]\ntitle = \"x\\u0000\"",
                "files.\"a.txt\".title holds",
            ),
        ] {
            let err = Manifest::parse(text, Path::new("series.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expect), "{text}: {err}");
        }
        // A language that is no tag is reported when the settings are resolved (W018).
        assert!(Manifest::parse("language = \"en US\"", Path::new("s")).is_ok());
        assert!(Manifest::parse(
            "language = \"pt-BR\"\ntitle = \"Moth\tand Lamp\"",
            Path::new("s")
        )
        .is_ok());
    }

    #[test]
    fn paths_outside_the_folder_are_refused() {
        for bad in [
            "order = [\"../other/a.txt\"]",
            "order = [\"/etc/passwd\"]",
            "[files.\"../a.txt\"]\nexclude = true",
            "templates = \"../t\"",
        ] {
            let err = Manifest::parse(bad, Path::new("series.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("outside the series folder"), "{bad}: {err}");
        }
    }
}
