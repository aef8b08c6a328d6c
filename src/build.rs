//! The one build driver: read → parse → order → assemble → plan → write. Every command
//! goes through it (`build`, `build --split`, `batch`, `inspect`, `init`, `cover`), so
//! refusing on `--deny-warnings`, refusing to overwrite an input and writing atomically
//! are each done here once.
//!
//! A build is planned first (every file read and parsed on every core, the series
//! ordered and counted, the cover painted meanwhile, every diagnostic known) and then
//! written. Planning hands each story body straight to the writer's typesetter
//! (`output::pages::Typeset`), which makes it XHTML and compresses it at once: each
//! file is parsed once and a long book is held in about a third of its size, while the
//! book model stays plain data.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::book::assemble::{self, NoteSorter, ParsedFile, SeriesDefaults};
use crate::book::model::{Series, SourceInfo};
use crate::book::words::Counts;
use crate::cover::{CoverImage, CoverText};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::input::files::{Format, SourceFile};
use crate::input::settings::{BookFormat, NotesPolicy, Options, Typography};
use crate::input::{self, decode, digest, header, FileKind, Inputs, Origin, SeriesFolder};
use crate::labels::Labels;
use crate::output::assets::{image_media_type, Extras, ImageAsset};
use crate::output::atomic::{self, InputFiles};
use crate::output::pages::{self, Typeset};
use crate::output::xhtml::ImageMap;
use crate::output::{package, templates::Templates};
use crate::read::event::{Body, Event};
use crate::read::typography::Punctuation;
use crate::read::{epub, html, markdown, text};
use crate::util::hash::Fnv64;

/// What parsing keeps of each story body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only what planning needs (its heading, counts and image references), so
    /// `inspect` and `init` never hold a long book whole.
    Counts,
    /// The body typeset into XHTML for a book of this format and compressed at once,
    /// ready to be wrapped in its page. A body with images keeps its events instead,
    /// because image file names are given only once the whole series is known.
    Typeset(BookFormat),
}

/// A Markdown file parsed whole: its events come from pulldown-cmark all at once, and
/// may name images, which are packaged only once the whole series is known.
fn parse_markdown(
    f: &SourceFile,
    decoded: decode::Decoded,
    typography: Typography,
    book_language: &str,
) -> Result<(ParsedFile, Vec<Diagnostic>)> {
    let mut found = decoded.diagnostics;
    let split = header::split(&decoded.text, f.format);
    let language = file_language(&split.header, book_language);
    let punctuation = Punctuation::new(typography, &language);
    let (body, body_diags) = markdown::parse(split.body, &f.name, split.body_line, punctuation)
        .map_err(|refused| match refused {
            markdown::Refused::TooDeep { line } => Error::TooDeep {
                path: f.path.clone(),
                line,
                limit: markdown::MAX_NESTING,
            },
            markdown::Refused::TooMany { line } => Error::TooManyElements {
                path: f.path.clone(),
                line,
                limit: crate::util::text::thousands(markdown::MAX_ELEMENTS),
            },
            markdown::Refused::TooLong => Error::TooManyLines {
                path: f.path.clone(),
                limit: crate::util::text::thousands(markdown::MAX_LINES),
            },
        })?;
    found.extend(body_diags);
    let source = SourceInfo {
        file: f.name.clone(),
        encoding: decoded.encoding.to_string(),
    };
    Ok((ParsedFile::new(source, split.header, body), found))
}

/// A plain-text file parsed with its events handed on a chunk at a time: counted,
/// sorted by the notes policy and, for a build, typeset at once, so a body's events
/// (several times its size) are never all held. Plain text names no images, so the
/// body never has to wait for the series to be typeset.
fn parse_text_streaming(
    f: &SourceFile,
    decoded: decode::Decoded,
    typography: Typography,
    notes: NotesPolicy,
    keep: Keep,
    book_language: &str,
    user_labels: &[(String, String)],
) -> Result<(ParsedFile, Vec<Diagnostic>, Option<pages::Body>)> {
    let mut found = decoded.diagnostics;
    let split = header::split(&decoded.text, f.format);
    let language = file_language(&split.header, book_language);
    let labels = &*labels_for(&language, user_labels);
    let mut counts = Counts::default();
    let mut sorter = NoteSorter::new(notes);
    let mut story = Vec::new();
    // Each chunk is typeset onto the page being filled, and each page compressed as
    // soon as it is full, so a long body is never held typeset whole.
    let mut compressed = match keep {
        Keep::Typeset(format) => Some(pages::Typesetter::new(format)),
        Keep::Counts => None,
    };
    let mut typeset = |story: &mut Vec<Event>| {
        if let Some(body) = compressed.as_mut() {
            body.write_events(story, &ImageMap::new(), labels);
        }
        story.clear();
    };
    let opts = text::TextOptions {
        punctuation: Punctuation::new(typography, &language),
    };
    let (heading, body_diags) =
        text::parse_into(split.body, &f.name, split.body_line, &opts, &mut |chunk| {
            counts.feed(chunk);
            sorter.feed(chunk.drain(..), &mut story);
            typeset(&mut story);
        });
    sorter.finish(&mut story);
    typeset(&mut story);
    found.extend(body_diags);
    let source = SourceInfo {
        file: f.name.clone(),
        encoding: decoded.encoding.to_string(),
    };
    let body = Body {
        heading,
        events: Vec::new(),
    };
    let file = ParsedFile::counted(source, split.header, body, counts);
    Ok((file, found, compressed.map(pages::Typesetter::finish)))
}

/// Every story file parsed, in the order given, with what the writer keeps of them.
pub struct Parsed {
    pub files: Vec<ParsedFile>,
    /// The bodies already typeset (`Keep::Typeset`), by file name.
    pub typeset: Typeset,
    /// Each file's name and content digest, in the order given: the stories' share of
    /// the book's fingerprint.
    pub digests: Vec<(String, u64)>,
    /// The images EPUB story files carry inside them, by the names their bodies use.
    pub images: Packaged,
}

/// Images that came inside story files (an EPUB's), by the names bodies use for them.
pub type Packaged = std::collections::BTreeMap<String, Vec<u8>>;

/// Decodes and parses every story file, on every core, applying the notes policy and
/// keeping of each body what `keep` says. Each body's punctuation and labels are in its
/// own `Language` header's language, else in `book_language`.
pub fn parse_files(
    files: &[SourceFile],
    typography: Typography,
    notes: NotesPolicy,
    keep: Keep,
    book_language: &str,
    user_labels: &[(String, String)],
    diags: &mut Diagnostics,
) -> Result<Parsed> {
    type One = (
        Vec<(ParsedFile, Option<pages::Body>)>,
        Vec<Diagnostic>,
        u64,
        Vec<(String, Vec<u8>)>,
    );
    // Each parsed file with what `keep` says is kept of its body, in its own language.
    let keep_all = |parsed: Vec<ParsedFile>| -> Vec<(ParsedFile, Option<pages::Body>)> {
        parsed
            .into_iter()
            .map(|file| {
                let language = file_language(&file.header, book_language);
                keep_body(file, notes, keep, &labels_for(&language, user_labels))
            })
            .collect()
    };
    let parsed: Vec<Result<One>> = files
        .par_iter()
        .map(|f| {
            let bytes = f.read()?;
            let digest = digest(&bytes);
            if f.format == Format::Epub {
                // A zip, not text: its reader decodes each page itself.
                let punctuation = Punctuation::new(typography, book_language);
                let (parsed, found, images) = parse_epub(f, &bytes, punctuation)?;
                drop(bytes);
                return Ok((keep_all(parsed), found, digest, images));
            }
            let decoded = match f.format {
                Format::Html => decode::decode_html(&f.name, &f.path, &bytes)?,
                Format::Text | Format::Markdown | Format::Epub => {
                    decode::decode(&f.name, &f.path, &bytes)?
                }
            };
            // The decoded text is all that is read from here on.
            drop(bytes);
            // The reader for the file's format: a new input format adds its arm here.
            let (parsed, found) = match f.format {
                // FanFicFare's text download is a whole chaptered work, read as its
                // HTML and EPUB downloads are.
                Format::Text
                    if let Some(read) = fanficfare_text(&decoded, f, typography, book_language) =>
                {
                    files_of(f, read, decoded.encoding, decoded.diagnostics)
                }
                Format::Text => {
                    let (file, found, typeset) = parse_text_streaming(
                        f,
                        decoded,
                        typography,
                        notes,
                        keep,
                        book_language,
                        user_labels,
                    )?;
                    return Ok((vec![(file, typeset)], found, digest, Vec::new()));
                }
                Format::Markdown => {
                    let (file, found) = parse_markdown(f, decoded, typography, book_language)?;
                    (vec![file], found)
                }
                // The page's own language is known only once it is read: its text
                // is set in the book's.
                Format::Html | Format::Epub => {
                    parse_html(f, decoded, Punctuation::new(typography, book_language))?
                }
            };
            Ok((keep_all(parsed), found, digest, Vec::new()))
        })
        .collect();
    let mut out = Parsed {
        files: Vec::with_capacity(parsed.len()),
        typeset: Typeset::default(),
        digests: Vec::with_capacity(parsed.len()),
        images: Packaged::new(),
    };
    for (result, f) in parsed.into_iter().zip(files) {
        let (kept, found, digest, images) = result?;
        out.images.extend(images);
        diags.extend(found);
        out.digests.push((f.name.clone(), digest));
        for (file, typeset) in kept {
            if let Some(body) = typeset {
                out.typeset.insert(
                    crate::book::model::body_key(&file.source, &file.header),
                    body,
                );
            }
            out.files.push(file);
        }
    }
    Ok(out)
}

/// A body parsed whole, with the notes policy applied and what `keep` says kept of it.
fn keep_body(
    mut file: ParsedFile,
    notes: NotesPolicy,
    keep: Keep,
    labels: &Labels,
) -> (ParsedFile, Option<pages::Body>) {
    let events = std::mem::take(&mut file.body.events);
    let (mut events, _) = assemble::apply_notes_policy(events, notes);
    let has_images = events.iter().any(|e| matches!(e, Event::Image { .. }));
    let mut typeset = None;
    match keep {
        Keep::Counts => {
            events.retain(|e| matches!(e, Event::Image { .. }));
            events.shrink_to_fit();
        }
        Keep::Typeset(format) if !has_images => {
            typeset = Some(pages::Body::typeset(
                &events,
                file.words,
                &ImageMap::new(),
                labels,
                format,
            ));
            events = Vec::new();
        }
        Keep::Typeset(_) => {}
    }
    file.body.events = events;
    (file, typeset)
}

/// An HTML file parsed whole: an archive download gives one parsed file per chapter
/// (each a part of the work's installment), any other page one. A page with no story
/// in it (an empty page, a saved error page) is an error naming it, before anything
/// is written.
fn parse_html(
    f: &SourceFile,
    decoded: decode::Decoded,
    punctuation: Punctuation,
) -> Result<(Vec<ParsedFile>, Vec<Diagnostic>)> {
    let read = html::read(&decoded.text, &f.name, punctuation).map_err(|why| Error::NotAStory {
        path: f.path.clone(),
        why: why.0,
    })?;
    Ok(files_of(f, read, decoded.encoding, decoded.diagnostics))
}

/// FanFicFare's text download read as a chaptered work, or `None` for any other text
/// (and for a download whose chapters cannot be found, which is then read as one
/// story, so none of its text is lost).
fn fanficfare_text(
    decoded: &decode::Decoded,
    f: &SourceFile,
    typography: Typography,
    book_language: &str,
) -> Option<html::Read> {
    let opts = text::TextOptions {
        punctuation: Punctuation::new(typography, book_language),
    };
    text::fanficfare::read(&decoded.text, &f.name, &opts)
}

/// A downloaded work's chapters as parsed files, one a chapter, each naming the file
/// it came from; `found` gathers their diagnostics after the file's own.
fn files_of(
    f: &SourceFile,
    read: html::Read,
    encoding: &str,
    mut found: Vec<Diagnostic>,
) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    found.extend(read.diagnostics);
    let files = read
        .chapters
        .into_iter()
        .map(|chapter| {
            found.extend(chapter.diagnostics);
            let source = SourceInfo {
                file: f.name.clone(),
                encoding: encoding.to_string(),
            };
            ParsedFile::new(source, chapter.header, chapter.body)
        })
        .collect();
    (files, found)
}

/// An EPUB file parsed whole: a chaptered work gives one parsed file per chapter, as an
/// archive HTML download does, and the images inside it come with it. An EPUB that
/// cannot be read (damaged, locked by DRM, a zip bomb, without its package document)
/// is an error naming it, before anything is written.
#[allow(clippy::type_complexity)]
fn parse_epub(
    f: &SourceFile,
    bytes: &[u8],
    punctuation: Punctuation,
) -> Result<(Vec<ParsedFile>, Vec<Diagnostic>, Vec<(String, Vec<u8>)>)> {
    let book = epub::read(bytes, &f.name, punctuation).map_err(|why| Error::NotAStory {
        path: f.path.clone(),
        why: why.0,
    })?;
    let (files, found) = files_of(f, book.read, "EPUB", Vec::new());
    Ok((files, found, book.images))
}

/// The series as a build sees it, before anything is rendered.
pub struct Prepared {
    pub series: Series,
    pub diagnostics: Diagnostics,
    pub defaults: SeriesDefaults,
    pub typeset: Typeset,
    pub digests: Vec<(String, u64)>,
    pub images: Packaged,
}

/// Parses and orders the series: everything `inspect` shows and `build` packages.
pub fn prepare(inputs: &Inputs, keep: Keep) -> Result<Prepared> {
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
    let settings = &inputs.settings;
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(inputs.diagnostics.iter().cloned());
    // Bodies are typeset as they are read, before the series is put together: the
    // book's language is what the settings give, else what the headers say (read
    // from the files' heads, as `assemble` will read it).
    let book_language = match &settings.language {
        Some(tag) => tag.clone(),
        None => peek_series(inputs).language,
    };
    let parsed = parse_files(
        &inputs.files,
        settings.typography,
        settings.notes,
        keep,
        &book_language,
        &inputs.templates,
        &mut diagnostics,
    )?;
    let defaults = series_defaults(inputs);
    let series = assemble::assemble(parsed.files, &defaults, &mut diagnostics);
    if series.installments.is_empty() {
        return Err(Error::NoStoryText {
            folder: inputs.folder.clone(),
            files: inputs.files.len(),
        });
    }
    Ok(Prepared {
        series,
        diagnostics,
        defaults,
        typeset: parsed.typeset,
        digests: parsed.digests,
        images: parsed.images,
    })
}

/// The language a file's text is in: its own `Language` header's, else the book's.
fn file_language(header: &header::Header, book_language: &str) -> String {
    header
        .language_tag()
        .unwrap_or_else(|| book_language.to_string())
}

/// The labels for `language`, with the user's catalogue read over them. A catalogue
/// that does not read is refused by name when the templates are loaded; until then
/// the built-in labels stand.
fn labels_for(language: &str, user: &[(String, String)]) -> std::borrow::Cow<'static, Labels> {
    Labels::with_overrides(language, user)
        .unwrap_or_else(|_| std::borrow::Cow::Borrowed(Labels::for_language(language)))
}

/// The series as the headers alone give it (the first 16 KiB of each file), the way
/// `assemble` would put it together: what a cover painted before the bodies are read
/// says, and what `batch` names its books by.
pub fn peek_series(inputs: &Inputs) -> Series {
    let files: Vec<ParsedFile> = inputs
        .files
        .iter()
        .filter_map(|f| {
            let header = peek_header(f)?;
            let source = SourceInfo {
                file: f.name.clone(),
                encoding: String::new(),
            };
            let mut file = ParsedFile::new(source, header, Body::default());
            // The bodies are not read: take it that each holds its story.
            file.has_text = true;
            Some(file)
        })
        .collect();
    let mut defaults = series_defaults(inputs);
    defaults.notes = NotesPolicy::Keep;
    assemble::assemble(files, &defaults, &mut Diagnostics::default())
}

/// A story file's header from its first 16 KiB alone (an EPUB's from its package
/// document, at the zip's end); `None` when that cannot be read.
pub fn peek_header(f: &SourceFile) -> Option<header::Header> {
    if f.format == Format::Epub {
        return epub::peek(&f.read().ok()?);
    }
    let head = f.read_head(16 * 1024).ok()?;
    Some(if f.format == Format::Html {
        let decoded = decode::decode_html(&f.name, &f.path, &head).ok()?;
        html::peek(&decoded.text)
    } else {
        let decoded = decode::decode(&f.name, &f.path, &head).ok()?;
        match f.format {
            Format::Text => text::fanficfare::peek(&decoded.text),
            _ => None,
        }
        .unwrap_or_else(|| header::split(&decoded.text, f.format).header)
    })
}

/// What a generated cover will say, guessed from the headers; `None` when the headers
/// give no series.
fn guess_cover_text(inputs: &Inputs) -> Option<CoverText> {
    let series = peek_series(inputs);
    (!series.installments.is_empty()).then(|| cover_text(&series))
}

/// What the caller knows of the series that its files may not say.
fn series_defaults(inputs: &Inputs) -> SeriesDefaults {
    SeriesDefaults {
        folder_name: inputs.folder_name.clone(),
        language: inputs.settings.language.clone(),
        notes: inputs.settings.notes,
        manifest: inputs.manifest().cloned().unwrap_or_default(),
        user_labels: inputs
            .templates
            .iter()
            .filter(|(name, _)| name.starts_with("labels/"))
            .cloned()
            .collect(),
    }
}

/// What a generated cover says about `series`.
pub fn cover_text(series: &Series) -> CoverText {
    CoverText {
        title: series.title.clone(),
        author: series.authors.join(", "),
        fandom: (!series.fandoms.is_empty()).then(|| series.fandoms.join(", ")),
        language: series.language.clone(),
    }
}

/// The cover image made from the inputs' cover plan, as a package asset.
pub fn make_cover(
    inputs: &Inputs,
    text: &CoverText,
) -> Result<Option<(ImageAsset, Vec<Diagnostic>)>> {
    Ok(crate::cover::make(&inputs.cover, text)?.map(|(image, diags)| (cover_asset(image), diags)))
}

fn cover_asset(image: CoverImage) -> ImageAsset {
    ImageAsset {
        href: format!("images/cover.{}", image.extension),
        media_type: image.media_type,
        bytes: image.bytes,
        width: image.width,
        height: image.height,
    }
}

/// Reads an image a Markdown body names, relative to the series folder (see
/// [`read_image`]).
pub type ReadAsset<'a> = &'a (dyn Fn(&str) -> Result<Vec<u8>> + Sync);

/// Reads the image `src` a Markdown body names: a path relative to the series folder
/// that must stay inside it once links are followed, an ordinary file of at most
/// `FileKind::Image.cap()` bytes.
pub fn read_image(folder: &SeriesFolder, src: &str) -> Result<Vec<u8>> {
    let path = folder.path().join(src);
    folder.check(&path, Origin::Series { option: None })?;
    input::read_file(&path, FileKind::Image)
}

/// A `ReadAsset` with no images at all (tests, benchmarks).
pub fn no_images(src: &str) -> Result<Vec<u8>> {
    Err(Error::FileUnreadable {
        path: PathBuf::from(src),
        source: std::io::ErrorKind::NotFound.into(),
    })
}

/// Why an image a body names is not packaged, for `W009`.
fn why_not_packaged(e: &Error) -> String {
    match e {
        Error::FileUnreadable { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            "cannot be found".into()
        }
        Error::FileUnreadable { source, .. } => format!("cannot be read ({source})"),
        Error::NotAFile { what, .. } => format!("is {what}, not an ordinary file"),
        Error::TooLarge {
            size, cap, advice, ..
        } => format!("is {size}, more than the {cap} MB ficbind packages for an image ({advice})"),
        Error::OutsideSeries { target, .. } => format!(
            "leads outside the series folder (to {}); copy the image into the series folder",
            target.display()
        ),
        e => e.to_string(),
    }
}

/// Whether an image a body names is a file inside the series folder, to be read.
fn is_local(src: &str) -> bool {
    !epub::is_packaged(src)
        && !src.contains("://")
        && !src.starts_with('/')
        && !src.split(['/', '\\']).any(|c| c == "..")
}

/// Packages the images Markdown bodies refer to. An image that is missing, not an
/// image, not an ordinary file, too large, or leading outside the series folder is a
/// warning (`W009`), never an error: its description stays in the text. Each image's source and digest go
/// into `digests` (a missing one too), for the fingerprint.
fn collect_images(
    series: &Series,
    read_asset: ReadAsset<'_>,
    packaged: &Packaged,
    diags: &mut Diagnostics,
    digests: &mut Vec<(String, u64)>,
) -> Vec<(String, ImageAsset)> {
    let mut images: Vec<(String, ImageAsset)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (_, part) in series.parts() {
        for event in &part.body.events {
            let Event::Image { src, .. } = event else {
                continue;
            };
            if seen.contains(&src.as_str()) {
                continue;
            }
            seen.push(src);
            let local = is_local(src);
            let read = match packaged.get(src) {
                // An EPUB's own image: its bytes are in the story file's digest.
                Some(bytes) => Some(Ok(bytes.clone())),
                None if local => Some(read_asset(src)),
                None => None,
            };
            let bytes = read.as_ref().and_then(|r| r.as_ref().ok());
            let counted = bytes.filter(|_| local);
            digests.push((src.clone(), counted.map_or(0, |b| digest(b))));
            let media = bytes.and_then(|b| image_media_type(b));
            match (read, media) {
                (Some(Ok(bytes)), Some(media_type)) => {
                    let (bytes, media_type) = kindle_ready(src, bytes, media_type);
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
                (read, _) => {
                    let why = match read {
                        None => "is not a file inside the series folder".to_string(),
                        Some(Err(e)) => why_not_packaged(&e),
                        Some(Ok(_)) => "is not a PNG, JPEG, GIF or WebP image".to_string(),
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

/// The most bytes an image in the story may have as it is: Kindle's limit for an
/// image in a KF8 book (Kindle Publishing Guidelines), which Send-to-Kindle and
/// Calibre's AZW3 inherit.
const KINDLE_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// An image a story names, as Kindle takes it: packaged as it is when it is a JPEG,
/// PNG or GIF that fits the cover's 1600×2560 pixels and 5.6 megapixels and
/// `KINDLE_IMAGE_BYTES`; else scaled to fit and written as a JPEG (a PNG when it has
/// transparency), as a cover is. Kindle shows no WebP, and a larger image is only
/// scaled down on the device after filling the book. One that does not decode is
/// kept as it is, to show where it can.
fn kindle_ready(src: &str, bytes: Vec<u8>, media_type: &'static str) -> (Vec<u8>, &'static str) {
    use crate::cover::{COVER_HEIGHT, COVER_WIDTH, MAX_PIXELS};
    let size = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let fits = size.is_some_and(|(w, h)| {
        w <= COVER_WIDTH && h <= COVER_HEIGHT && u64::from(w) * u64::from(h) <= MAX_PIXELS
    });
    let kindle_type = matches!(media_type, "image/jpeg" | "image/png" | "image/gif");
    if fits && kindle_type && bytes.len() <= KINDLE_IMAGE_BYTES {
        return (bytes, media_type);
    }
    match crate::cover::prepare_cover(src, &bytes) {
        Ok((image, _)) => (image.bytes, image.media_type),
        Err(_) => (bytes, media_type),
    }
}

/// A book ready to be written: the series planned, cover and images made, every
/// diagnostic known (so `--deny-warnings` can refuse before anything is written).
pub struct Plan {
    pub series: Series,
    pub diagnostics: Vec<Diagnostic>,
    extras: Extras,
    typeset: Typeset,
    templates: Templates,
    comment: String,
    format: BookFormat,
}

impl Plan {
    /// Diagnostics that `--deny-warnings` makes fatal.
    pub fn warning_count(&self) -> usize {
        crate::diag::warning_count(&self.diagnostics)
    }

    /// Writes the planned book to `out` (`dest` names it in errors), story pages streamed.
    pub fn write<W: std::io::Write>(&self, out: W, dest: &Path) -> Result<W> {
        package::write_book(
            &self.series,
            &self.extras,
            &self.typeset,
            &self.templates,
            &self.comment,
            self.format,
            out,
            dest,
        )
    }

    /// The book in memory (tests, benchmarks).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.write(Vec::new(), Path::new("the book"))
    }
}

/// Plans the book: every file parsed and its body typeset, the cover made, every
/// diagnostic known. The inputs may be dropped once this returns.
pub fn plan(inputs: &Inputs, read_asset: ReadAsset<'_>) -> Result<Plan> {
    let templates = Templates::new(&inputs.templates)?;
    // A generated cover takes a core about as long as parsing a few hundred thousand
    // words, so it is painted while the bodies are parsed, with the title and author
    // the headers give; and painted again in the rare case the whole series says
    // otherwise (say, a title only the bodies' heading lines give).
    let (prepared, early_cover) = rayon::join(
        || prepare(inputs, Keep::Typeset(inputs.settings.format)),
        || {
            let text = if inputs.cover.sets_text() {
                guess_cover_text(inputs)?
            } else {
                CoverText::default()
            };
            let made = make_cover(inputs, &text);
            Some((text, made))
        },
    );
    let Prepared {
        series,
        mut diagnostics,
        typeset,
        digests,
        images: packaged,
        ..
    } = prepared?;
    let text = cover_text(&series);
    let made = match early_cover {
        Some((guess, made)) if guess == text || !inputs.cover.sets_text() => made?,
        _ => make_cover(inputs, &text)?,
    };
    let mut image_digests = Vec::new();
    let images = collect_images(
        &series,
        read_asset,
        &packaged,
        &mut diagnostics,
        &mut image_digests,
    );
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
        typeset,
        templates,
        comment: fingerprint(inputs, &digests, &image_digests),
        format: inputs.settings.format,
    })
}

/// A book written by `build_split`, in memory.
#[derive(Debug, Clone)]
pub struct Book {
    /// A file name for it, unique among the series' books.
    pub name: String,
    pub epub: Vec<u8>,
    pub series: Series,
    pub diagnostics: Vec<Diagnostic>,
}

/// One book per installment (its parts joined), each with its own front matter and the
/// series recorded as a collection with the installment's position, so reading apps
/// group and order them. Returns the books in reading order; series-wide diagnostics
/// come with the first.
pub fn plan_split(inputs: &Inputs, read_asset: ReadAsset<'_>) -> Result<Vec<Book>> {
    let templates = Templates::new(&inputs.templates)?;
    let Prepared {
        series,
        diagnostics,
        defaults,
        typeset,
        digests,
        images: packaged,
    } = prepare(inputs, Keep::Typeset(inputs.settings.format))?;
    let mut books: Vec<Book> = Vec::new();
    let mut names = UniqueNames::default();
    let format = inputs.settings.format;
    // Free-standing stories come after the last numbered installment, so a reading
    // app neither calls one "#1" nor sorts it first.
    let last_number = series
        .installments
        .iter()
        .filter_map(|i| i.number)
        .max()
        .unwrap_or(0);
    let mut free_standing = 0;
    for inst in series.installments {
        let title = match (inst.number, inst.title.is_empty()) {
            (Some(n), false) => format!("{} {n}: {}", series.title, inst.title),
            (Some(n), true) => format!("{} {n}", series.title),
            (None, _) => format!("{}: {}", series.title, inst.title),
        };
        let position = inst.number.unwrap_or_else(|| {
            free_standing += 1;
            last_number + free_standing
        });
        let mut one = assemble::summarize(title, vec![inst], &defaults);
        // An installment whose own header leaves out the author or fandom is still
        // the series' writer's, in the series' fandom.
        if one.authors.is_empty() {
            one.authors.clone_from(&series.authors);
        }
        if one.fandoms.is_empty() {
            one.fandoms.clone_from(&series.fandoms);
        }
        let mut diags = Diagnostics::default();
        let mut image_digests = Vec::new();
        let images = collect_images(&one, read_asset, &packaged, &mut diags, &mut image_digests);
        let cover = make_cover(inputs, &cover_text(&one))?.map(|(asset, found)| {
            diags.extend(found);
            asset
        });
        let extras = Extras {
            images,
            cover,
            modified: inputs.modified,
            series_name: Some(series.title.clone()),
            series_position: Some(position.to_string()),
        };
        let epub = package::write_book(
            &one,
            &extras,
            &typeset,
            &templates,
            &fingerprint(inputs, &digests, &image_digests),
            format,
            Vec::new(),
            Path::new("the book"),
        )?;
        books.push(Book {
            name: names.take_as(&one.title, format),
            epub,
            series: one,
            diagnostics: diags.into_vec(),
        });
    }
    if let Some(first) = books.first_mut() {
        let mut all = diagnostics;
        all.extend(std::mem::take(&mut first.diagnostics));
        first.diagnostics = all.into_vec();
    }
    Ok(books)
}

/// `ficbind <version> <hash>`: what a book was built from, kept in its zip comment so
/// `batch` can tell whether anything changed. The hash covers the resolved settings,
/// the modification date the book carries, and the name and contents of every file
/// read: stories, manifest, templates, cover files and the images the bodies name.
/// Those images follow, one per line, so a later check knows which to read again.
pub fn fingerprint(inputs: &Inputs, stories: &[(String, u64)], images: &[(String, u64)]) -> String {
    let mut h = Fnv64::default();
    let s = &inputs.settings;
    // `deny_warnings` never changes a book that is written.
    h.write(
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}",
            s.typography, s.notes, s.format, s.language, s.templates, s.cover, inputs.modified
        )
        .as_bytes(),
    );
    for (name, d) in inputs.digests.iter().chain(stories).chain(images) {
        h.write(name.as_bytes());
        h.write(&d.to_le_bytes());
    }
    let mut comment = format!("ficbind {} {:016x}", env!("CARGO_PKG_VERSION"), h.0);
    for (src, _) in images {
        comment.push('\n');
        comment.push_str(src);
    }
    comment
}

/// The images a fingerprint names (see `fingerprint`).
pub fn fingerprint_images(comment: &str) -> Vec<String> {
    comment.lines().skip(1).map(str::to_string).collect()
}

/// The fingerprint a book built from `inputs` now would carry, reading every story file
/// (and the images the old book's fingerprint names) without parsing anything.
pub fn current_fingerprint(inputs: &Inputs, images: &[String]) -> Result<String> {
    let stories: Vec<(String, u64)> = inputs
        .files
        .par_iter()
        .map(|f| Ok((f.name.clone(), digest(&f.read()?))))
        .collect::<Result<_>>()?;
    let folder = SeriesFolder::new(&inputs.folder)?;
    let images: Vec<(String, u64)> = images
        .iter()
        .map(|src| {
            let bytes = is_local(src)
                .then(|| read_image(&folder, src).ok())
                .flatten();
            (src.clone(), bytes.as_deref().map_or(0, digest))
        })
        .collect();
    Ok(fingerprint(inputs, &stories, &images))
}

/// A file name for the book from its title: `Lantern Road` → `lantern-road.epub`.
pub fn default_file_name(title: &str) -> String {
    file_name(title, BookFormat::Epub)
}

/// A file name for a book of `format` from its title: `lantern-road.epub`, or
/// `lantern-road.kepub.epub`, the ending Kobo's reader needs to open it as a KEPUB.
pub fn file_name(title: &str, format: BookFormat) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-');
    // File systems take at most 255 bytes a name: a 90-character CJK title is 270.
    // Room is left for `.epub` and a `-NNN` that makes a name unique.
    if slug.len() > MOST_NAME_BYTES {
        let mut end = MOST_NAME_BYTES;
        while !slug.is_char_boundary(end) {
            end -= 1;
        }
        slug = slug[..end].trim_end_matches('-');
    }
    let slug = if slug.is_empty() { "book" } else { slug };
    format!("{slug}{}", format.extension())
}

/// The longest slug a book's file name is made from, in bytes.
const MOST_NAME_BYTES: usize = 200;

/// Book names made unique in the order they are taken: `moth.epub`, then `moth-2.epub`.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: Vec<String>,
}

impl UniqueNames {
    pub fn take(&mut self, title: &str) -> String {
        self.take_as(title, BookFormat::Epub)
    }

    /// A unique name for a book of `format`: `moth-2.kepub.epub`.
    pub fn take_as(&mut self, title: &str, format: BookFormat) -> String {
        let base = file_name(title, format);
        let stem = base.trim_end_matches(format.extension());
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{stem}-{n}{}", format.extension());
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

/// Refuses on `--deny-warnings` when there is a warning: the one place that rule lives.
pub fn check_warnings(deny: bool, diagnostics: &[Diagnostic]) -> Result<()> {
    let count = crate::diag::warning_count(diagnostics);
    if deny && count > 0 {
        let first = diagnostics
            .iter()
            .find(|d| !d.code.is_note())
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(Error::DeniedWarnings { count, first });
    }
    Ok(())
}

/// A book written to disk.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub series: Series,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the images Markdown bodies name (`read_image`) and keeps their paths, so the
/// book is never written over one of them.
struct ImageFiles {
    folder: SeriesFolder,
    read: std::sync::Mutex<Vec<PathBuf>>,
}

impl ImageFiles {
    fn new(inputs: &Inputs) -> Result<ImageFiles> {
        Ok(ImageFiles {
            folder: SeriesFolder::new(&inputs.folder)?,
            read: Default::default(),
        })
    }

    fn read(&self, src: &str) -> Result<Vec<u8>> {
        let path = self.folder.path().join(src);
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path);
        read_image(&self.folder, src)
    }

    /// Every file the build read: the inputs' and these images.
    fn all_read(self, inputs: &Inputs) -> InputFiles {
        let images = self.read.into_inner().unwrap_or_else(|e| e.into_inner());
        InputFiles::new(inputs.paths().chain(images.iter().map(PathBuf::as_path)))
    }
}

/// What `build` and `batch` do with one series: read, plan, show the diagnostics
/// (`show`, before anything can be refused), refuse on `--deny-warnings`, refuse to
/// write over any file the book was made from, and write the book atomically to
/// `output` (default: a name from the series title in the current folder).
pub fn build(
    inputs: Inputs,
    output: Option<&Path>,
    show: &mut dyn FnMut(&[Diagnostic]),
) -> Result<Written> {
    let images = ImageFiles::new(&inputs)?;
    // The plan holds the story compressed; pages are then streamed to disk a few at a
    // time.
    let plan = plan(&inputs, &|src: &str| images.read(src))?;
    let deny = inputs.settings.deny_warnings;
    let read = images.all_read(&inputs);
    // Everything the book needs is in the plan now; a given cover image read into the
    // inputs can be large.
    drop(inputs);
    show(&plan.diagnostics);
    check_warnings(deny, &plan.diagnostics)?;
    let path = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(file_name(&plan.series.title, plan.format)));
    read.refuse(&path, "the book", "-o")?;
    atomic::write_atomically_with(&path, |w| plan.write(w, &path).map(|_| ()))?;
    Ok(Written {
        path,
        series: plan.series,
        diagnostics: plan.diagnostics,
    })
}

/// `build --split`: one book per installment into the folder `out_dir`.
pub fn build_split(
    inputs: Inputs,
    out_dir: &Path,
    show: &mut dyn FnMut(&[Diagnostic]),
) -> Result<Vec<Written>> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Error::OutputNotAFolder(out_dir.to_path_buf()));
    }
    let images = ImageFiles::new(&inputs)?;
    let books = plan_split(&inputs, &|src: &str| images.read(src))?;
    let read = images.all_read(&inputs);
    let all: Vec<Diagnostic> = books
        .iter()
        .flat_map(|b| b.diagnostics.iter().cloned())
        .collect();
    show(&all);
    check_warnings(inputs.settings.deny_warnings, &all)?;
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Write {
        path: out_dir.to_path_buf(),
        source,
    })?;
    // Every name checked before any book is written.
    for book in &books {
        read.refuse(&out_dir.join(&book.name), "the book", "-o")?;
    }
    let mut written = Vec::with_capacity(books.len());
    for book in books {
        let path = out_dir.join(&book.name);
        atomic::write_atomically(&path, &book.epub)?;
        written.push(Written {
            path,
            series: book.series,
            diagnostics: book.diagnostics,
        });
    }
    Ok(written)
}

/// `ficbind cover`: the cover a build of the series in `dir` would get, alone.
pub fn render_cover(dir: &Path, opts: &Options) -> Result<(ImageAsset, Vec<Diagnostic>)> {
    cover_of(&input::read_inputs(dir, opts)?)
}

fn cover_of(inputs: &Inputs) -> Result<(ImageAsset, Vec<Diagnostic>)> {
    let prepared = prepare(inputs, Keep::Counts)?;
    make_cover(inputs, &cover_text(&prepared.series))?.ok_or_else(|| {
        Error::Cover("this series is set to have no cover (series.toml [cover] none = true)".into())
    })
}

/// `ficbind cover -o`: renders the cover, shows its diagnostics, and writes it to
/// `output` (default `cover.jpg`, or `cover.png` when it keeps transparency, in the
/// current folder), never over a file it was made from. Returns where it went.
pub fn write_cover(
    dir: &Path,
    opts: &Options,
    output: Option<&Path>,
    show: &mut dyn FnMut(&[Diagnostic]),
) -> Result<(PathBuf, ImageAsset)> {
    let inputs = input::read_inputs(dir, opts)?;
    let (image, diagnostics) = cover_of(&inputs)?;
    show(&diagnostics);
    let ext = image.href.rsplit('.').next().unwrap_or("jpg");
    let path = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("cover.{ext}")));
    InputFiles::new(inputs.paths()).refuse(&path, "the cover", "-o")?;
    refuse_other_image_type(&path, &image)?;
    atomic::write_atomically(&path, &image.bytes)?;
    Ok((path, image))
}

/// Refuses to write the cover under a name that says another image type (`-o
/// preview.png` for a JPEG cover): the preview is the book's own image, byte for byte,
/// and a viewer that trusts the extension would show it wrongly or not at all.
fn refuse_other_image_type(path: &Path, image: &ImageAsset) -> Result<()> {
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return Ok(());
    };
    let ext = ext.to_ascii_lowercase();
    let named = match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        _ => return Ok(()),
    };
    if named == image.media_type {
        return Ok(());
    }
    let right = image.href.rsplit('.').next().unwrap_or("jpg");
    let kind = image
        .media_type
        .trim_start_matches("image/")
        .to_ascii_uppercase();
    Err(Error::Cover(format!(
        "{} names a .{ext} file, but the cover is a {kind} image and the preview is written as the book holds it; name the output .{right}, or leave -o out to write cover.{right}",
        path.display(),    )))
}

/// Reads, plans and writes the series in `dir` into memory (tests, benchmarks, other
/// programs): the same plan and writer as `build`, nothing written to disk.
pub fn build_series(dir: &Path, opts: &Options) -> Result<Book> {
    let inputs = input::read_inputs(dir, opts)?;
    let images = ImageFiles::new(&inputs)?;
    let plan = plan(&inputs, &|src: &str| images.read(src))?;
    let epub = plan.to_bytes()?;
    Ok(Book {
        name: file_name(&plan.series.title, plan.format),
        epub,
        series: plan.series,
        diagnostics: plan.diagnostics,
    })
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
        // Cut to fit a file system's 255 bytes, on a character boundary.
        let long = default_file_name(&"灯".repeat(90));
        assert!(long.len() <= 255 - 4, "{}", long.len());
        assert!(long.starts_with("灯灯") && long.ends_with("灯.epub"));
        let mut names = UniqueNames::default();
        names.take(&"灯".repeat(90));
        assert!(names.take(&"灯".repeat(91)).ends_with("-2.epub"));
    }

    #[test]
    fn a_kepub_is_named_as_kobo_needs() {
        assert_eq!(
            file_name("Lantern Road", BookFormat::Kepub),
            "lantern-road.kepub.epub"
        );
        let mut names = UniqueNames::default();
        assert_eq!(names.take_as("Moth", BookFormat::Kepub), "moth.kepub.epub");
        assert_eq!(
            names.take_as("moth", BookFormat::Kepub),
            "moth-2.kepub.epub"
        );
        // Another format is another name: nothing to make unique.
        assert_eq!(names.take("Moth"), "moth.epub");
    }

    #[test]
    fn names_are_made_unique_in_order() {
        let mut names = UniqueNames::default();
        assert_eq!(names.take("Moth"), "moth.epub");
        assert_eq!(names.take("moth"), "moth-2.epub");
        assert_eq!(names.take("Moth!"), "moth-3.epub");
        assert_eq!(names.take("Lamp"), "lamp.epub");
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
            let inputs = input::read_inputs(&series_dir(rel), &opts).unwrap();
            let plan = plan(&inputs, &no_images).unwrap();
            let text = cover_text(&plan.series);
            let (expected, _) = make_cover(&inputs, &text).unwrap().unwrap();
            assert_eq!(plan.extras.cover.as_ref(), Some(&expected), "{rel}");
            // Headers alone name these series, so the early cover is the one used.
            assert_eq!(guess_cover_text(&inputs), Some(text), "{rel}");
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
        let inputs = input::read_inputs(dir.path(), &Options::default()).unwrap();
        let plan = plan(&inputs, &no_images).unwrap();
        let text = cover_text(&plan.series);
        assert_ne!(guess_cover_text(&inputs), Some(text.clone()));
        let (expected, _) = make_cover(&inputs, &text).unwrap().unwrap();
        assert_eq!(plan.extras.cover.as_ref(), Some(&expected));
    }

    #[test]
    fn the_fingerprint_follows_every_input_and_setting() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("a.txt", "Title: Moth 1\n\nThe moth came to the lamp.\n");
        write("b.txt", "Title: Moth 2\n\nThe moth left again.\n");
        let opts = Options {
            source_date_epoch: Some(0),
            ..Options::default()
        };
        let now = || {
            let inputs = input::read_inputs(dir.path(), &opts).unwrap();
            let built = plan(&inputs, &no_images).unwrap().comment;
            let checked = current_fingerprint(&inputs, &[]).unwrap();
            assert_eq!(built, checked, "a build and a check agree");
            built
        };
        let first = now();
        assert_eq!(now(), first, "nothing changed");
        write("b.txt", "Title: Moth 2\n\nThe moth left, again.\n");
        let edited = now();
        assert_ne!(edited, first, "an edited story");
        std::fs::remove_file(dir.path().join("b.txt")).unwrap();
        let deleted = now();
        assert_ne!(deleted, edited, "a deleted story");
        write("series.toml", "title = \"Moths\"\n");
        assert_ne!(now(), deleted, "a new manifest");
        let inputs = input::read_inputs(dir.path(), &opts).unwrap();
        let other = Options {
            typography: Some(Typography::Off),
            ..opts.clone()
        };
        let off = input::read_inputs(dir.path(), &other).unwrap();
        assert_ne!(
            current_fingerprint(&inputs, &[]).unwrap(),
            current_fingerprint(&off, &[]).unwrap(),
            "another setting"
        );
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
