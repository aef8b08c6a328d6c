//! Where a book's cover comes from: the command line, the manifest, a `cover.*` image
//! in the series folder, or a generated one. Resolving that reads files, so it happens
//! with the other reads in `input::read_inputs`; making the image from the resolved
//! plan is pure (`cover::make`).

use std::path::{Path, PathBuf};

use crate::cover::{self, CoverPlan, CoverTemplate};
use crate::error::{Error, Result};
use crate::input::settings::{CoverSetting, Named};
use crate::input::{FileKind, Origin, Reader};

/// Image names picked up from the series folder when no cover is given.
pub const COVER_NAMES: [&str; 5] = [
    "cover.jpg",
    "cover.jpeg",
    "cover.png",
    "cover.webp",
    "cover.gif",
];

/// Resolves the cover for the series in `dir` from its settings, reading every file
/// the cover needs through `reader` (which records it for the fingerprint). What
/// `named` says the command line gave may be anywhere; the rest (from series.toml, or a
/// `cover.*` found in the folder) must stay inside the series folder.
pub fn resolve(
    dir: &Path,
    setting: &CoverSetting,
    named: Named,
    reader: &mut Reader,
) -> Result<CoverPlan> {
    if setting.none {
        return Ok(CoverPlan::None);
    }
    let origin = |named: bool, option: &'static str| {
        if named {
            Origin::CommandLine
        } else {
            Origin::Series {
                option: Some(option),
            }
        }
    };
    let template_origin = origin(named.cover_template, "--cover-template");
    let template = |reader: &mut Reader| -> Result<CoverTemplate> {
        let mut template = match &setting.template {
            Some(path) => {
                let bytes = reader.read(path, FileKind::CoverTemplate, template_origin)?;
                let text = String::from_utf8(bytes).map_err(|_| Error::FileUnreadable {
                    path: path.clone(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    ),
                })?;
                cover::parse_template(&text, &path.display().to_string())?
            }
            None => cover::builtin_template(&setting.style).ok_or_else(|| {
                Error::Cover(format!(
                    "there is no cover style {:?}; choose one of {}, or give your own with --cover-template",
                    setting.style,
                    cover::builtin_names().join(", ")
                ))
            })?,
        };
        // Fonts a user's template names by path are read relative to the template, and
        // may be where it may be.
        let base = setting
            .template
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| dir.to_path_buf());
        let font_origin = match template_origin {
            Origin::CommandLine if setting.template.is_some() => Origin::CommandLine,
            _ => Origin::Series { option: None },
        };
        for font in template.external_fonts() {
            let bytes = reader.read(&base.join(&font), FileKind::Font, font_origin)?;
            template.attach_font(&font, bytes)?;
        }
        Ok(template)
    };
    let given: Option<PathBuf> = setting.file.clone().or_else(|| {
        COVER_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .or_else(|| find_case_insensitive(dir))
    });
    match given {
        Some(path) => {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let text_over = if setting.text {
                Some(template(reader)?)
            } else {
                None
            };
            Ok(CoverPlan::Given {
                name,
                bytes: reader.read(
                    &path,
                    FileKind::CoverImage,
                    origin(named.cover_file, "--cover"),
                )?,
                text_over,
            })
        }
        None => {
            let background = match &setting.background {
                Some(path) => Some((
                    path.display().to_string(),
                    reader.read(
                        path,
                        FileKind::CoverImage,
                        origin(named.cover_background, "--cover-background"),
                    )?,
                )),
                None => None,
            };
            Ok(CoverPlan::Generated {
                template: template(reader)?,
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
