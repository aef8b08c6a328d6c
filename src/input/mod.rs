//! The first stage: everything a build reads from disk. It finds the story files, reads
//! the manifest, resolves the settings once, and reads the templates and the cover's
//! files. Story files themselves are read later, one at a time as they are parsed
//! (`files::SourceFile::read`), so a long series is never held whole; nothing after
//! this stage opens a file except through what it hands on.

pub mod confine;
pub mod cover;
pub mod date;
pub mod decode;
pub mod files;
pub mod header;
pub mod language;
pub mod limits;
pub mod manifest;
pub mod settings;

use std::path::{Path, PathBuf};

use crate::cover::CoverPlan;
use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::util::hash::Fnv64;
pub use confine::{Origin, SeriesFolder};
use files::SourceFile;
pub use limits::{read_file, FileKind};
use manifest::{Manifest, MANIFEST_NAME};
use settings::{Options, Settings};

/// What a build reads from disk besides the story bodies.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub folder: PathBuf,
    /// The series folder's own name: the title of last resort.
    pub folder_name: String,
    pub files: Vec<SourceFile>,
    /// The command line, the manifest and the defaults, resolved.
    pub settings: Settings,
    /// The manifest and where it came from.
    pub manifest: Option<(PathBuf, Manifest)>,
    /// Template overrides, by file name.
    pub templates: Vec<(String, String)>,
    /// `SOURCE_DATE_EPOCH`, else the newest input's modification time.
    pub modified: u64,
    /// The cover, its files read.
    pub cover: CoverPlan,
    /// A digest of every file read here besides the stories (manifest, templates, cover
    /// image, background, cover template and its fonts), by path, in reading order:
    /// what the book's fingerprint covers beside the story files.
    pub digests: Vec<(String, u64)>,
    /// The paths of those files, in the same order: with the story files, what a
    /// build must never write over (`Inputs::paths`).
    pub read: Vec<PathBuf>,
    /// Warnings from finding the story files (a link leading out of the folder).
    pub diagnostics: Vec<Diagnostic>,
}

impl Inputs {
    /// The manifest, when there is one.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref().map(|(_, m)| m)
    }

    /// Every file read from disk for the series before its bodies are parsed, and every
    /// story file: the story files, manifest, templates and cover files.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files
            .iter()
            .map(|f| f.path.as_path())
            .chain(self.read.iter().map(PathBuf::as_path))
    }
}

/// Reads the files of `read_inputs` through `limits::read_file`, refusing those that
/// must stay inside the series folder and do not, and keeping each one's path and
/// digest.
pub struct Reader {
    folder: SeriesFolder,
    digests: Vec<(String, u64)>,
    paths: Vec<PathBuf>,
}

impl Reader {
    fn new(dir: &Path) -> Result<Reader> {
        Ok(Reader {
            folder: SeriesFolder::new(dir)?,
            digests: Vec::new(),
            paths: Vec::new(),
        })
    }

    /// Reads `path` as a `kind`, which came from `origin`.
    pub fn read(&mut self, path: &Path, kind: FileKind, origin: Origin) -> Result<Vec<u8>> {
        self.folder.check(path, origin)?;
        let bytes = read_file(path, kind)?;
        self.digests
            .push((path.display().to_string(), digest(&bytes)));
        self.paths.push(path.to_path_buf());
        Ok(bytes)
    }

    /// Refuses a folder from `origin` that leads out of the series folder.
    pub fn check(&self, path: &Path, origin: Origin) -> Result<()> {
        self.folder.check(path, origin)
    }
}

/// What a file's contents come down to for the fingerprint: changed bytes change it.
pub fn digest(bytes: &[u8]) -> u64 {
    let mut h = Fnv64::default();
    h.write(&crc32fast::hash(bytes).to_le_bytes());
    h.write(&(bytes.len() as u64).to_le_bytes());
    h.0
}

/// Reads the series folder, its manifest, the template overrides and the cover files,
/// and resolves the settings.
pub fn read_inputs(dir: &Path, opts: &Options) -> Result<Inputs> {
    let mut inputs = read_listing(dir, opts)?;
    let mut reader = Reader::new(dir)?;
    if let Some(t) = &inputs.settings.templates {
        let origin = if inputs.settings.named.templates {
            Origin::CommandLine
        } else {
            Origin::Series {
                option: Some("--templates"),
            }
        };
        inputs.templates = read_templates(t, origin, &mut reader)?;
    }
    inputs.cover = cover::resolve(
        dir,
        &inputs.settings.cover,
        inputs.settings.named,
        &mut reader,
    )?;
    inputs.digests.append(&mut reader.digests);
    inputs.read.append(&mut reader.paths);
    Ok(inputs)
}

/// What `read_inputs` reads but the templates and the cover: the story files listed,
/// the manifest read and the settings resolved. Enough to guess a series' title from
/// its headers, as `batch` does for a whole library before it builds anything.
pub fn read_listing(dir: &Path, opts: &Options) -> Result<Inputs> {
    let (files, mut diagnostics) = files::find_story_files(dir)?;
    let mut reader = Reader::new(dir)?;
    let manifest_path = opts
        .manifest
        .clone()
        .unwrap_or_else(|| dir.join(MANIFEST_NAME));
    // `exists`, not `is_file`: a series.toml that is a device or a pipe is refused by
    // name rather than passed over.
    let manifest = if opts.no_manifest {
        None
    } else if opts.manifest.is_some() || manifest_path.exists() {
        let origin = if opts.manifest.is_some() {
            Origin::CommandLine
        } else {
            Origin::Series {
                option: Some("--manifest"),
            }
        };
        let bytes = reader.read(&manifest_path, FileKind::Manifest, origin)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::Manifest {
            path: manifest_path.clone(),
            message: "is not UTF-8 text; save it as UTF-8".into(),
        })?;
        Some((
            manifest_path.clone(),
            Manifest::parse(&text, &manifest_path)?,
        ))
    } else {
        None
    };
    let settings = Settings::resolve(dir, opts, manifest.as_ref().map(|(_, m)| m));
    // A language that names none is left out (the book falls back to the next source
    // of its language), never written into `dc:language`.
    let given = [
        (opts.language.as_deref(), "--language".to_string()),
        (
            manifest.as_ref().and_then(|(_, m)| m.language.as_deref()),
            format!("language in {MANIFEST_NAME}"),
        ),
    ];
    for (value, source) in given {
        if let Some(v) = value.filter(|v| language::tag(v).is_none()) {
            diagnostics.push(Diagnostic::new(
                Code::W018,
                format!("{source} {v:?} is not a language ficbind knows; give a BCP 47 tag such as en, de, zh-Hant or pt-BR"),
            ));
        }
    }
    let mut newest = files.iter().filter_map(|f| f.modified).max().unwrap_or(0);
    if let Some(m) = manifest
        .as_ref()
        .and_then(|(p, _)| std::fs::metadata(p).ok()?.modified().ok())
    {
        newest = newest.max(
            m.duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        );
    }
    let modified = settings.source_date_epoch.unwrap_or(newest);
    let folder_name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    Ok(Inputs {
        folder: dir.to_path_buf(),
        folder_name,
        files,
        settings,
        manifest,
        templates: Vec::new(),
        modified,
        cover: CoverPlan::None,
        digests: reader.digests,
        read: reader.paths,
        diagnostics,
    })
}

/// Every file in a templates folder whose name is a template's replaces it, and every
/// label catalogue in its `labels/` folder is read over the built-in one.
fn read_templates(
    dir: &Path,
    origin: Origin,
    reader: &mut Reader,
) -> Result<Vec<(String, String)>> {
    let unreadable = |source| Error::TemplateUnreadable {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        return Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such folder",
        )));
    }
    reader.check(dir, origin)?;
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_file() {
            continue;
        }
        paths.push((name, entry.path()));
    }
    // Label catalogues sit in `labels/`, as the built-in ones do: `labels/de.toml`.
    let labels = dir.join("labels");
    if labels.is_dir() {
        reader.check(&labels, origin)?;
        for entry in std::fs::read_dir(&labels).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") && !name.starts_with('.') && entry.path().is_file() {
                paths.push((format!("labels/{name}"), entry.path()));
            }
        }
    }
    // Sorted before reading, so the fingerprint sees them in a fixed order.
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for (name, path) in paths {
        let bytes = reader
            .read(&path, FileKind::Template, origin)
            .map_err(|e| match e {
                Error::FileUnreadable { path, source } => {
                    Error::TemplateUnreadable { path, source }
                }
                e => e,
            })?;
        let text = String::from_utf8(bytes).map_err(|_| Error::TemplateUnreadable {
            path: path.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ),
        })?;
        out.push((name, text));
    }
    Ok(out)
}
