//! Errors that stop a build. Each message names the file or folder and says what the
//! user can do about it, because the person reading it is a writer, not a programmer.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the series folder {} does not exist; check the path (it should be the folder that holds the installment files)", .0.display())]
    FolderMissing(PathBuf),

    #[error("{} is a file, not a folder; give ficbind the folder that holds the installment files", .0.display())]
    NotAFolder(PathBuf),

    #[error("cannot read the folder {}: {source}; check that it exists and that you may read it", path.display())]
    FolderUnreadable { path: PathBuf, source: io::Error },

    #[error("no story files in {}: ficbind reads .txt, .md, .markdown, .html, .htm and .epub files directly inside the series folder; move the installments there or name the folder that holds them", .0.display())]
    NoStories(PathBuf),

    #[error("no story to bind in {}: {files} story file(s) there, but every one is empty or excluded in series.toml; add text to them or change the manifest's exclude lines", folder.display())]
    NoStoryText { folder: PathBuf, files: usize },

    #[error("cannot read {}: {source}; check that the file exists and that you may read it", path.display())]
    FileUnreadable { path: PathBuf, source: io::Error },

    #[error("{} is {what}, not an ordinary file, and ficbind reads {kind} only from an ordinary file; give the path of a real file, or remove or replace this one", path.display())]
    NotAFile {
        path: PathBuf,
        /// "a device", "a named pipe", "a folder" …
        what: &'static str,
        /// "a cover image", "a manifest" …
        kind: &'static str,
    },

    #[error("{} is {size}; ficbind reads at most {cap} MB for {kind}; {advice}", path.display())]
    TooLarge {
        path: PathBuf,
        /// "72.0 MB", or "over 50 MB" when the file grew while it was read.
        size: String,
        /// In MB.
        cap: u64,
        kind: &'static str,
        advice: &'static str,
    },

    #[error("{} leads outside the series folder {} (to {}); ficbind reads only files inside the series folder unless you name them on the command line: {instead}", path.display(), folder.display(), target.display())]
    OutsideSeries {
        path: PathBuf,
        folder: PathBuf,
        /// Where it leads, links followed.
        target: PathBuf,
        /// What to do instead.
        instead: String,
    },

    #[error("refusing to write {what} to {}: it is one of the series' input files{}; choose another {option} path", path.display(), same_as(path, input))]
    OutputIsInput {
        /// "the book", "the cover", "the report".
        what: &'static str,
        path: PathBuf,
        /// The input it is (the same path, or a link to it).
        input: PathBuf,
        /// The option that names the output: "-o", "--report".
        option: &'static str,
    },

    #[error("{} does not look like text ({why}); remove it from the series folder or give it an extension ficbind does not read (not .txt, .md, .markdown, .html, .htm or .epub)", path.display())]
    Binary { path: PathBuf, why: String },

    #[error("{} is not a story ficbind can read: {why}; remove it from the series folder, or download the work again", path.display())]
    NotAStory { path: PathBuf, why: String },

    #[error("{}:{line}: quotes, lists or emphasis nest more than {limit} deep here, which no story's do (a damaged or generated file?); fix the line, or remove the file from the series folder", path.display())]
    TooDeep {
        path: PathBuf,
        line: usize,
        limit: usize,
    },

    #[error("{}:{line}: by this line the file makes more than {limit} paragraphs, breaks and emphases, more than any story (a generated file?); split it into several installment files", path.display())]
    TooManyElements {
        path: PathBuf,
        line: usize,
        limit: String,
    },

    #[error("{} has more than {limit} lines, more than any story (a generated file?); split it into several installment files", path.display())]
    TooManyLines { path: PathBuf, limit: String },

    #[error("cannot write {}: {source}; choose an output path in a folder you may write to with -o", path.display())]
    Write { path: PathBuf, source: io::Error },

    #[error("cannot read the template {}: {source}; check the templates folder (given with --templates or by series.toml)", path.display())]
    TemplateUnreadable { path: PathBuf, source: io::Error },

    #[error("the template {name} is not valid: {message}; fix it, or remove it from the templates folder to use the built-in one")]
    Template { name: String, message: String },

    #[error("{count} warning(s) and --deny-warnings was given, so nothing was written (the first: {first}); fix them or build without --deny-warnings")]
    DeniedWarnings { count: usize, first: String },

    #[error("{} is a file; with this command -o names the folder the books go into", .0.display())]
    OutputNotAFolder(PathBuf),

    #[error("{0}")]
    Cover(String),

    #[error("{}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },

    #[error("{0}")]
    Batch(String),

    #[error("{} already exists; edit it, or run `ficbind init --force` to replace it with a fresh one", .0.display())]
    ManifestExists(PathBuf),
}

/// " (the same file as X)" when the output is named another way than the input it is.
fn same_as(path: &std::path::Path, input: &std::path::Path) -> String {
    if path == input {
        String::new()
    } else {
        format!(" (the same file as {})", input.display())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
