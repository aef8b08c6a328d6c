//! ficbind binds a folder of serial-fiction installments into one EPUB 3.
//!
//! The pipeline is a chain of plain functions: `source` reads and decodes files,
//! `header` and the body readers (`text`, `markdown`) parse them, `order` puts them in
//! reading order, `assemble` builds the `model::Series`, `render` and `package` turn it
//! into pages and package documents from templates, and `epub` zips them. Only `source`
//! reads the disk and only `write_atomically` writes it.

pub mod assemble;
pub mod batch;
pub mod config;
pub mod cover;
pub mod cover_source;
pub mod diag;
pub mod epub;
pub mod error;
pub mod header;
pub mod init;
pub mod inspect;
pub mod markdown;
pub mod model;
pub mod order;
pub mod package;
pub mod render;
pub mod source;
mod swar;
pub mod text;
pub mod typography;
pub mod xhtml;

use std::path::{Path, PathBuf};

use crate::assemble::{ParsedFile, SeriesDefaults};
use crate::config::{Manifest, Options, Typography};
use crate::cover::CoverText;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::model::{Event, SourceInfo};
use crate::package::{Extras, ImageAsset};
use crate::source::{Format, SourceFile};

/// A finished book, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct Book {
    pub epub: Vec<u8>,
    pub series: model::Series,
    pub diagnostics: Vec<Diagnostic>,
}

impl Book {
    /// Diagnostics that `--deny-warnings` makes fatal.
    pub fn warning_count(&self) -> usize {
        diag::warning_count(&self.diagnostics)
    }
}

/// What a build reads from disk, gathered up front so the rest is pure.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub folder: PathBuf,
    pub folder_name: String,
    pub files: Vec<SourceFile>,
    /// Template overrides from `--templates` or the manifest, by file name.
    pub templates: Vec<(String, String)>,
    /// `SOURCE_DATE_EPOCH`, else the newest input's modification time.
    pub modified: u64,
    /// The manifest and where it came from.
    pub manifest: Option<(PathBuf, Manifest)>,
    /// The cover, its files read.
    pub cover: cover_source::CoverPlan,
}

/// Reads the series folder, its manifest and the template overrides.
pub fn read_inputs(dir: &Path, opts: &Options) -> Result<Inputs> {
    let files = source::list_story_files(dir)?;
    let manifest_path = opts
        .manifest
        .clone()
        .unwrap_or_else(|| dir.join(config::MANIFEST_NAME));
    let manifest = if opts.no_manifest {
        None
    } else if opts.manifest.is_some() || manifest_path.is_file() {
        let text =
            std::fs::read_to_string(&manifest_path).map_err(|source| Error::FileUnreadable {
                path: manifest_path.clone(),
                source,
            })?;
        Some((
            manifest_path.clone(),
            Manifest::parse(&text, &manifest_path)?,
        ))
    } else {
        None
    };
    let templates_dir = opts.templates.clone().or_else(|| {
        manifest
            .as_ref()
            .and_then(|(_, m)| m.templates.as_ref())
            .map(|t| dir.join(t))
    });
    let templates = match &templates_dir {
        Some(t) => read_templates(t)?,
        None => Vec::new(),
    };
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
    let modified = opts.source_date_epoch.unwrap_or(newest);
    let folder_name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    let cover = cover_source::resolve(dir, opts, manifest.as_ref().map(|(_, m)| m))?;
    Ok(Inputs {
        folder: dir.to_path_buf(),
        folder_name,
        files,
        templates,
        modified,
        manifest,
        cover,
    })
}

/// Every file in a templates folder whose name is a template's replaces it.
fn read_templates(dir: &Path) -> Result<Vec<(String, String)>> {
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
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_file() {
            continue;
        }
        let text =
            std::fs::read_to_string(entry.path()).map_err(|source| Error::TemplateUnreadable {
                path: entry.path(),
                source,
            })?;
        out.push((name, text));
    }
    out.sort();
    Ok(out)
}

/// Decodes and parses one story file. Diagnostics come back beside it.
pub fn parse_one(f: &SourceFile, typography: Typography) -> Result<(ParsedFile, Vec<Diagnostic>)> {
    let (source, header, body, found) = parse_source(f, typography)?;
    Ok((ParsedFile::new(source, header, body), found))
}

/// The parts of `parse_one`, before anything is counted.
fn parse_source(
    f: &SourceFile,
    typography: Typography,
) -> Result<(SourceInfo, header::Header, model::Body, Vec<Diagnostic>)> {
    let decoded = source::decode(&f.name, &f.path, &f.read()?)?;
    let mut found = decoded.diagnostics;
    let split = header::split(&decoded.text, f.format);
    let (body, body_diags) = match f.format {
        Format::Text => {
            let text_opts = text::TextOptions { typography };
            text::parse(split.body, &f.name, split.body_line, &text_opts)
        }
        Format::Markdown => markdown::parse(split.body, &f.name, split.body_line, typography),
    };
    found.extend(body_diags);
    let source = SourceInfo {
        file: f.name.clone(),
        encoding: decoded.encoding.to_string(),
    };
    Ok((source, split.header, body, found))
}

/// What parsing keeps of each story body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only what planning needs (its heading, counts and image references), so
    /// `inspect` and `init` never hold a long book whole.
    Counts,
    /// The body typeset into XHTML and deflated at once (`Part::typeset`), ready to be
    /// wrapped in its page: a build parses each file once and holds its text in a
    /// third of the memory. A body with images keeps its events instead, because
    /// image file names are given only once the whole series is known.
    Typeset,
}

/// Decodes and parses every story file, on every core, applying the notes policy and
/// keeping of each body what `keep` says.
pub fn parse_files(
    files: &[SourceFile],
    typography: Typography,
    notes: config::NotesPolicy,
    keep: Keep,
    diags: &mut Diagnostics,
) -> Result<Vec<ParsedFile>> {
    use rayon::prelude::*;
    let parsed: Vec<Result<(ParsedFile, Vec<Diagnostic>)>> = files
        .par_iter()
        .map(|f| {
            let (mut file, found) = parse_one(f, typography)?;
            let events = std::mem::take(&mut file.body.events);
            let (mut events, _) = assemble::apply_notes_policy(events, notes);
            let has_images = events.iter().any(|e| matches!(e, Event::Image { .. }));
            match keep {
                Keep::Counts => {
                    events.retain(|e| matches!(e, Event::Image { .. }));
                    events.shrink_to_fit();
                }
                Keep::Typeset if !has_images => {
                    let mut xhtml = String::with_capacity(file.words * 7);
                    xhtml::write_body(&events, &xhtml::ImageMap::new(), &mut xhtml);
                    file.typeset = Some(epub::Deflated::new(xhtml.as_bytes()));
                    events = Vec::new();
                }
                Keep::Typeset => {}
            }
            file.body.events = events;
            Ok((file, found))
        })
        .collect();
    let mut out = Vec::with_capacity(parsed.len());
    for result in parsed {
        let (file, found) = result?;
        diags.extend(found);
        out.push(file);
    }
    Ok(out)
}

/// The series as a build sees it, before anything is rendered.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub series: model::Series,
    pub diagnostics: Diagnostics,
    pub defaults: SeriesDefaults,
}

/// Parses and orders the series: everything `inspect` shows and `build` packages.
pub fn prepare(inputs: &Inputs, opts: &Options, keep: Keep) -> Result<Prepared> {
    let manifest = inputs.manifest.as_ref().map(|(_, m)| m);
    if let Some((path, m)) = &inputs.manifest {
        for name in m.order.iter().flatten().chain(m.files.keys()) {
            if !inputs.files.iter().any(|f| &f.name == name) {
                return Err(Error::Manifest {
                    path: path.clone(),
                    message: format!(
                        "names {name:?}, which is not a story file in {}; check the spelling, or remove it from the manifest",
                        inputs.folder.display()
                    ),
                });
            }
        }
    }
    let typography = opts
        .typography
        .or(manifest.and_then(|m| m.typography))
        .unwrap_or_default();
    let notes = opts
        .notes
        .or(manifest.and_then(|m| m.notes))
        .unwrap_or_default();
    let mut diagnostics = Diagnostics::default();
    let files = parse_files(&inputs.files, typography, notes, keep, &mut diagnostics)?;
    let defaults = series_defaults(inputs, opts, notes);
    let series = assemble::assemble(files, &defaults, &mut diagnostics);
    if series.installments.is_empty() {
        return Err(Error::NoStories(inputs.folder.clone()));
    }
    Ok(Prepared {
        series,
        diagnostics,
        defaults,
    })
}

/// What a generated cover will say, guessed from the headers alone (the first 16 KiB
/// of each file), the way `assemble` would put the series together; `None` when the
/// headers give no series.
fn guess_cover_text(inputs: &Inputs, opts: &Options) -> Option<CoverText> {
    let files: Vec<ParsedFile> = inputs
        .files
        .iter()
        .filter_map(|f| {
            let head = f.read_head(16 * 1024).ok()?;
            let decoded = source::decode(&f.name, &f.path, &head).ok()?;
            let split = header::split(&decoded.text, f.format);
            let source = SourceInfo {
                file: f.name.clone(),
                encoding: String::new(),
            };
            let mut file = ParsedFile::new(source, split.header, model::Body::default());
            // The bodies are not read: take it that each holds its story.
            file.has_text = true;
            Some(file)
        })
        .collect();
    let defaults = series_defaults(inputs, opts, config::NotesPolicy::Keep);
    let series = assemble::assemble(files, &defaults, &mut Diagnostics::default());
    (!series.installments.is_empty()).then(|| cover_source::cover_text(&series))
}

/// What the caller knows of the series that its files may not say.
fn series_defaults(inputs: &Inputs, opts: &Options, notes: config::NotesPolicy) -> SeriesDefaults {
    SeriesDefaults {
        folder_name: inputs.folder_name.clone(),
        language: opts.language.clone(),
        notes,
        manifest: inputs
            .manifest
            .as_ref()
            .map(|(_, m)| m.clone())
            .unwrap_or_default(),
    }
}

/// Sniffs an image's media type from its first bytes.
pub fn image_media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Packages the images Markdown bodies refer to. `read_asset` reads a path relative
/// to the series folder; a missing or unsupported image is a warning and its
/// description stays in the text.
fn collect_images(
    series: &model::Series,
    read_asset: &dyn Fn(&str) -> Option<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Vec<(String, ImageAsset)> {
    let mut images: Vec<(String, ImageAsset)> = Vec::new();
    for (_, part) in series.parts() {
        for event in &part.body.events {
            let Event::Image { src, .. } = event else {
                continue;
            };
            if images.iter().any(|(s, _)| s == src) {
                continue;
            }
            let local = !src.contains("://")
                && !src.starts_with('/')
                && !src.split(['/', '\\']).any(|c| c == "..");
            let bytes = if local { read_asset(src) } else { None };
            let media = bytes.as_deref().and_then(image_media_type);
            match (bytes, media) {
                (Some(bytes), Some(media_type)) => {
                    let ext = media_type
                        .trim_start_matches("image/")
                        .replace("jpeg", "jpg");
                    let href = format!("images/image-{:03}.{ext}", images.len() + 1);
                    images.push((
                        src.clone(),
                        ImageAsset {
                            href,
                            media_type,
                            bytes,
                            width: 0,
                            height: 0,
                        },
                    ));
                }
                (bytes, _) => {
                    let why = if !local {
                        "is not a file inside the series folder"
                    } else if bytes.is_none() {
                        "cannot be found"
                    } else {
                        "is not a PNG, JPEG, GIF or WebP image"
                    };
                    diags.push(
                        Diagnostic::new(
                            Code::W009,
                            format!("the image {src} {why}; its description is shown instead"),
                        )
                        .in_file(part.source.file.clone()),
                    );
                }
            }
        }
    }
    images
}

/// A book ready to be written: the series planned, cover and images made, every
/// diagnostic known (so `--deny-warnings` can refuse before anything is written).
pub struct Plan {
    pub series: model::Series,
    pub diagnostics: Vec<Diagnostic>,
    extras: Extras,
    templates: render::Templates,
    comment: String,
}

impl Plan {
    /// Diagnostics that `--deny-warnings` makes fatal.
    pub fn warning_count(&self) -> usize {
        diag::warning_count(&self.diagnostics)
    }
}

/// Plans the book: every file parsed and its body typeset, the cover made, every
/// diagnostic known. The inputs may be dropped once this returns.
pub fn plan(
    inputs: &Inputs,
    opts: &Options,
    read_asset: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Plan> {
    let templates = render::Templates::new(&inputs.templates)?;
    // A generated cover takes a core about as long as parsing a few hundred thousand
    // words, so it is painted while the bodies are parsed, with the title and author
    // the headers give; and painted again in the rare case the whole series says
    // otherwise (say, a title only the bodies' heading lines give).
    let (prepared, early_cover) = rayon::join(
        || prepare(inputs, opts, Keep::Typeset),
        || {
            let text = if inputs.cover.sets_text() {
                guess_cover_text(inputs, opts)?
            } else {
                CoverText::default()
            };
            let made = cover_source::make_cover(&inputs.cover, &text);
            Some((text, made))
        },
    );
    let Prepared {
        series,
        mut diagnostics,
        ..
    } = prepared?;
    let text = cover_source::cover_text(&series);
    let made = match early_cover {
        Some((guess, made)) if guess == text || !inputs.cover.sets_text() => made?,
        _ => cover_source::make_cover(&inputs.cover, &text)?,
    };
    let images = collect_images(&series, read_asset, &mut diagnostics);
    let cover = made.map(|(asset, found)| {
        diagnostics.extend(found);
        asset
    });
    let extras = Extras {
        images,
        cover,
        modified: inputs.modified,
        ..Extras::default()
    };
    Ok(Plan {
        series,
        diagnostics: diagnostics.into_vec(),
        extras,
        templates,
        comment: fingerprint(inputs, opts),
    })
}

/// Writes the planned book to `out` (`dest` names it in errors), story pages streamed.
pub fn write_book<W: std::io::Write>(plan: &Plan, out: W, dest: &Path) -> Result<W> {
    package::write_book(
        &plan.series,
        &plan.extras,
        &plan.templates,
        &plan.comment,
        out,
        dest,
    )
}

/// Turns read inputs into a book in memory. Pure apart from `read_asset`, which fetches
/// images the Markdown bodies name.
pub fn compile(
    inputs: &Inputs,
    opts: &Options,
    read_asset: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Book> {
    let plan = plan(inputs, opts, read_asset)?;
    let epub = write_book(&plan, Vec::new(), Path::new("the book"))?;
    Ok(Book {
        epub,
        series: plan.series,
        diagnostics: plan.diagnostics,
    })
}

/// One book per installment (its parts joined), each with its own front matter and the
/// series recorded as a collection with the installment's position, so reading apps
/// group and order them. Returns (suggested file name, book) pairs in reading order.
pub fn compile_split(
    inputs: &Inputs,
    opts: &Options,
    read_asset: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Vec<(String, Book)>> {
    let templates = render::Templates::new(&inputs.templates)?;
    let Prepared {
        series,
        diagnostics,
        defaults,
    } = prepare(inputs, opts, Keep::Typeset)?;
    let comment = fingerprint(inputs, opts);
    let mut books: Vec<(String, Book)> = Vec::new();
    for inst in series.installments {
        let title = match (inst.number, inst.title.is_empty()) {
            (Some(n), false) => format!("{} {n}: {}", series.title, inst.title),
            (Some(n), true) => format!("{} {n}", series.title),
            (None, _) => format!("{}: {}", series.title, inst.title),
        };
        let position = inst.number.map(|n| n.to_string());
        let one = assemble::summarize(title, vec![inst], &defaults);
        let mut diags = Diagnostics::default();
        let images = collect_images(&one, read_asset, &mut diags);
        let cover = cover_source::make_cover(&inputs.cover, &cover_source::cover_text(&one))?.map(
            |(asset, found)| {
                diags.extend(found);
                asset
            },
        );
        let extras = Extras {
            images,
            cover,
            modified: inputs.modified,
            series_name: Some(series.title.clone()),
            series_position: position,
        };
        let epub = package::write_book(
            &one,
            &extras,
            &templates,
            &comment,
            Vec::new(),
            Path::new("the book"),
        )?;
        let mut name = default_file_name(&one.title);
        let mut n = 2;
        while books.iter().any(|(b, _)| *b == name) {
            name = default_file_name(&format!("{} {n}", one.title));
            n += 1;
        }
        books.push((
            name,
            Book {
                epub,
                series: one,
                diagnostics: diags.into_vec(),
            },
        ));
    }
    // Series-wide diagnostics are reported once, with the first book.
    if let Some((_, first)) = books.first_mut() {
        let mut all = diagnostics;
        all.extend(std::mem::take(&mut first.diagnostics));
        first.diagnostics = all.into_vec();
    }
    Ok(books)
}

/// `ficbind <version> <hash>`: what a book was built with, kept in its zip comment so a
/// batch rebuild can tell whether the options changed. The hash covers the options and
/// template overrides; input changes are caught by modification times.
pub fn fingerprint(inputs: &Inputs, opts: &Options) -> String {
    let mut h = Fnv64::default();
    h.write(
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{}",
            opts.typography,
            opts.notes,
            opts.language,
            opts.cover,
            opts.cover_style,
            opts.cover_template,
            opts.cover_text,
            opts.cover_background,
            opts.no_manifest
        )
        .as_bytes(),
    );
    for (name, text) in &inputs.templates {
        h.write(name.as_bytes());
        h.write(text.as_bytes());
    }
    format!("ficbind {} {:016x}", env!("CARGO_PKG_VERSION"), h.0)
}

/// FNV-1a, 64-bit: a fixed hash (std's is randomly seeded per process).
pub struct Fnv64(pub u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// The hash of `bytes` alone.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut h = Fnv64::default();
        h.update(bytes);
        h.0
    }

    /// Adds one field; fields are separated, so ("ab", "c") and ("a", "bc") differ.
    pub fn write(&mut self, bytes: &[u8]) {
        self.update(bytes);
        self.update(&[0xff]);
    }

    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Reads, parses and packages the series in `dir`.
pub fn build_series(dir: &Path, opts: &Options) -> Result<Book> {
    let inputs = read_inputs(dir, opts)?;
    let folder = inputs.folder.clone();
    compile(&inputs, opts, &|rel| std::fs::read(folder.join(rel)).ok())
}

/// A file name for the book from its title: `Lantern Road` → `lantern-road.epub`.
pub fn default_file_name(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    format!("{}.epub", if slug.is_empty() { "book" } else { slug })
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into
/// place only when complete: a failed write leaves no partial book and never clobbers
/// the old one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |w| {
        use std::io::Write as _;
        w.write_all(bytes).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Like `write_atomically`, with `write` producing the contents into a buffered file.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    use std::io::Write as _;
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".ficbind-")
        .suffix(".tmp")
        .tempfile_in(&parent)
        .map_err(write_err)?;
    {
        let mut w = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file());
        write(&mut w)?;
        w.flush().map_err(write_err)?;
    }
    tmp.as_file().sync_all().map_err(write_err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(write_err)?;
    }
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_from_titles() {
        assert_eq!(default_file_name("Lantern Road"), "lantern-road.epub");
        assert_eq!(default_file_name("  Ember: Road!! 2 "), "ember-road-2.epub");
        assert_eq!(default_file_name("Дорога фонарей"), "дорога-фонарей.epub");
        assert_eq!(default_file_name("???"), "book.epub");
    }

    #[test]
    fn image_types_by_content() {
        assert_eq!(
            image_media_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(image_media_type(b"\xFF\xD8\xFF\xE0"), Some("image/jpeg"));
        assert_eq!(
            image_media_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(image_media_type(b"<svg"), None);
    }

    fn series_dir(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    #[test]
    fn the_cover_painted_early_says_what_the_series_says() {
        let opts = Options::default();
        for rel in [
            "samples/lantern-road",
            "samples/glass-harbour",
            "tests/fixtures/series/basic",
            "tests/fixtures/series/messy",
        ] {
            let inputs = read_inputs(&series_dir(rel), &opts).unwrap();
            let plan = plan(&inputs, &opts, &|_| None).unwrap();
            let text = cover_source::cover_text(&plan.series);
            let (expected, _) = cover_source::make_cover(&inputs.cover, &text)
                .unwrap()
                .unwrap();
            assert_eq!(plan.extras.cover.as_ref(), Some(&expected), "{rel}");
            // Headers alone name these series, so the early cover is the one used.
            assert_eq!(guess_cover_text(&inputs, &opts), Some(text), "{rel}");
        }
    }

    #[test]
    fn a_wrong_guess_is_painted_again() {
        // The guess does not read bodies, so it cannot know the second file is empty
        // and left out, which makes the first installment the whole book (and its
        // title the book's).
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Lantern Road 1.txt"),
            "The lamp was lit at dusk.\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("zz.txt"), "\n\n").unwrap();
        let opts = Options::default();
        let inputs = read_inputs(dir.path(), &opts).unwrap();
        let plan = plan(&inputs, &opts, &|_| None).unwrap();
        let text = cover_source::cover_text(&plan.series);
        assert_ne!(guess_cover_text(&inputs, &opts), Some(text.clone()));
        let (expected, _) = cover_source::make_cover(&inputs.cover, &text)
            .unwrap()
            .unwrap();
        assert_eq!(plan.extras.cover.as_ref(), Some(&expected));
    }

    #[test]
    fn a_head_ends_at_a_line_break() {
        let file = SourceFile {
            name: "a.txt".into(),
            path: PathBuf::from("a.txt"),
            format: Format::Text,
            bytes: Some("Title: Ä\nRating: G\nééé".as_bytes().to_vec()),
            modified: None,
        };
        assert_eq!(file.read_head(14).unwrap(), b"Title: \xc3\x84\n");
        assert_eq!(file.read_head(100).unwrap(), file.bytes.unwrap());
    }
}
