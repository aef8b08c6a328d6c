//! Where a book's cover comes from: the command line, the manifest, a `cover.*` image
//! in the series folder, or a generated one. Resolving that reads files, so it happens
//! with the other reads in `read_inputs`; making the image is pure (`make_cover`).

use std::path::{Path, PathBuf};

use crate::config::{CoverChoice, Manifest, Options};
use crate::cover::{self, CoverTemplate, CoverText};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::model::Series;
use crate::package::ImageAsset;

/// Image names picked up from the series folder when no cover is given.
pub const COVER_NAMES: [&str; 5] = [
    "cover.jpg",
    "cover.jpeg",
    "cover.png",
    "cover.webp",
    "cover.gif",
];

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

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::FileUnreadable {
        path: path.to_path_buf(),
        source,
    })
}

/// Resolves the cover for the series in `dir`. Command-line options win over the
/// manifest, which wins over what is found in the folder.
pub fn resolve(dir: &Path, opts: &Options, manifest: Option<&Manifest>) -> Result<CoverPlan> {
    let settings = manifest.and_then(|m| m.cover.clone()).unwrap_or_default();
    if opts.cover == CoverChoice::None || (opts.cover == CoverChoice::Auto && settings.none) {
        return Ok(CoverPlan::None);
    }
    let template = || -> Result<CoverTemplate> {
        let file = opts
            .cover_template
            .clone()
            .or_else(|| settings.template.as_ref().map(|t| dir.join(t)));
        let mut template = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(&path).map_err(|source| Error::FileUnreadable {
                        path: path.clone(),
                        source,
                    })?;
                cover::parse_template(&text, &path.display().to_string())?
            }
            None => {
                let name = opts
                    .cover_style
                    .clone()
                    .or_else(|| settings.style.clone())
                    .unwrap_or_else(|| "classic".into());
                cover::builtin_template(&name).ok_or_else(|| {
                    Error::Cover(format!(
                        "there is no cover style {name:?}; choose one of {}, or give your own with --cover-template",
                        cover::builtin_names().join(", ")
                    ))
                })?
            }
        };
        // Fonts a user's template names by path are read relative to the template.
        let base = opts
            .cover_template
            .clone()
            .or_else(|| settings.template.as_ref().map(|t| dir.join(t)))
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| dir.to_path_buf());
        for font in template.external_fonts() {
            let bytes = read(&base.join(&font))?;
            template.attach_font(&font, bytes)?;
        }
        Ok(template)
    };
    let given: Option<PathBuf> = match &opts.cover {
        CoverChoice::File(path) => Some(path.clone()),
        _ => settings.file.as_ref().map(|f| dir.join(f)).or_else(|| {
            COVER_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file())
                .or_else(|| find_case_insensitive(dir))
        }),
    };
    match given {
        Some(path) => {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let text_over = if opts.cover_text || settings.text {
                Some(template()?)
            } else {
                None
            };
            Ok(CoverPlan::Given {
                name,
                bytes: read(&path)?,
                text_over,
            })
        }
        None => {
            let background = match opts
                .cover_background
                .clone()
                .or_else(|| settings.background.as_ref().map(|b| dir.join(b)))
            {
                Some(path) => Some((path.display().to_string(), read(&path)?)),
                None => None,
            };
            Ok(CoverPlan::Generated {
                template: template()?,
                background,
            })
        }
    }
}

/// `Cover.JPG` and the like, for folders copied from systems that keep capitals.
fn find_case_insensitive(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| COVER_NAMES.contains(&e.file_name().to_string_lossy().to_lowercase().as_str()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found.into_iter().next()
}

/// What a generated cover says about `series`.
pub fn cover_text(series: &Series) -> CoverText {
    CoverText {
        title: series.title.clone(),
        author: series.authors.join(", "),
        fandom: (!series.fandoms.is_empty()).then(|| series.fandoms.join(", ")),
    }
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
pub fn make_cover(
    plan: &CoverPlan,
    text: &CoverText,
) -> Result<Option<(ImageAsset, Vec<Diagnostic>)>> {
    let made = match plan {
        CoverPlan::None => return Ok(None),
        CoverPlan::Given {
            name,
            bytes,
            text_over: None,
        } => cover::prepare_cover(name, bytes)?,
        CoverPlan::Given {
            name,
            bytes,
            text_over: Some(template),
        } => cover::overlay_text(name, bytes, text, template)?,
        CoverPlan::Generated {
            template,
            background,
        } => cover::generate_cover(
            text,
            template,
            background.as_ref().map(|(_, b)| b.as_slice()),
        )?,
    };
    let (image, diags) = made;
    let asset = ImageAsset {
        href: format!("images/cover.{}", image.extension),
        media_type: image.media_type,
        bytes: image.bytes,
        width: image.width,
        height: image.height,
    };
    Ok(Some((asset, diags)))
}
