//! Keeping a build inside its series folder. A file found in the folder (a story file,
//! `cover.jpg`, `series.toml`, an image a Markdown body names) or named by its
//! `series.toml` must stay inside the folder once links are followed: a series folder
//! from somewhere else must not be able to pull `/etc/passwd` or a private photo into a
//! book that is then shared. What the user names on the command line may be anywhere.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where a path a build reads came from, which decides where it may lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Named on the command line (or relative to a file named there): anywhere.
    CommandLine,
    /// Found in the series folder or named by its `series.toml`: inside the folder.
    /// `option` is the command-line option that would name such a file from outside.
    Series { option: Option<&'static str> },
}

/// The series folder, links followed, that what is found in it must stay inside.
#[derive(Debug, Clone)]
pub struct SeriesFolder {
    /// As given, for messages and for joining relative paths.
    shown: PathBuf,
    canonical: PathBuf,
}

impl SeriesFolder {
    pub fn new(dir: &Path) -> Result<SeriesFolder> {
        let canonical = dir
            .canonicalize()
            .map_err(|source| Error::FolderUnreadable {
                path: dir.to_path_buf(),
                source,
            })?;
        Ok(SeriesFolder {
            shown: dir.to_path_buf(),
            canonical,
        })
    }

    /// The folder as given.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Where `path` leads when that is outside the folder, links followed; `None` when
    /// it stays inside or does not exist (reading it then says it is missing).
    pub fn escape(&self, path: &Path) -> Option<PathBuf> {
        let target = path.canonicalize().ok()?;
        (!target.starts_with(&self.canonical)).then_some(target)
    }

    /// Refuses a path from `origin` that must stay inside the folder and does not.
    pub fn check(&self, path: &Path, origin: Origin) -> Result<()> {
        let Origin::Series { option } = origin else {
            return Ok(());
        };
        match self.escape(path) {
            None => Ok(()),
            Some(target) => Err(Error::OutsideSeries {
                path: path.to_path_buf(),
                folder: self.shown.clone(),
                target,
                instead: match option {
                    Some(option) => {
                        format!("copy the file into the series folder, or give it with {option}")
                    }
                    None => "copy the file into the series folder".into(),
                },
            }),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_may_not_lead_out_of_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let series = tmp.path().join("moth");
        std::fs::create_dir_all(series.join("art")).unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "private").unwrap();
        std::fs::write(series.join("art/lamp.png"), "png").unwrap();
        symlink(tmp.path().join("secret.txt"), series.join("leak.png")).unwrap();
        symlink(series.join("art/lamp.png"), series.join("lamp.png")).unwrap();
        let folder = SeriesFolder::new(&series).unwrap();
        let from_series = Origin::Series {
            option: Some("--cover"),
        };

        assert!(folder.check(&series.join("lamp.png"), from_series).is_ok());
        assert!(folder
            .check(&series.join("art/lamp.png"), from_series)
            .is_ok());
        assert!(folder
            .check(&series.join("missing.png"), from_series)
            .is_ok());
        let up = series.join("art/../../secret.txt");
        assert!(folder.check(&up, from_series).is_err());

        let err = folder
            .check(&series.join("leak.png"), from_series)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("leak.png leads outside the series folder"),
            "{err}"
        );
        assert!(err.contains("secret.txt"), "{err}");
        assert!(err.ends_with("or give it with --cover"), "{err}");
        // Named on the command line, it may be anywhere.
        assert!(folder
            .check(&series.join("leak.png"), Origin::CommandLine)
            .is_ok());
    }
}
