//! The book model every stage hands to the next: plain data, no behaviour beyond
//! small derived views, so any stage can be tested by building these values by hand.
//! It holds no packaging types and no compressed bytes: how pages are made small is
//! the writer's business.

use serde::Serialize;

use crate::input::date::Date;
use crate::input::header::{Header, Rating};
use crate::labels::Labels;
use crate::read::event::Body;

/// A file that became (part of) an installment.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file name inside the series folder, as the user knows it.
    pub file: String,
    /// The encoding the file was read as (`UTF-8`, `UTF-16LE`, `windows-1252` …).
    pub encoding: String,
}

/// The name a typeset body is kept under: the file's name, and for a chapter of a
/// work that comes whole in one file (an archive download) the chapter's number too.
pub fn body_key(source: &SourceInfo, header: &Header) -> String {
    match header.place.as_ref().and_then(|p| p.chapter) {
        Some(chapter) => format!("{}#{chapter}", source.file),
        None => source.file.clone(),
    }
}

/// One file's worth of story (or one chapter's, for a file that holds a whole work): a
/// whole installment or one part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub source: SourceInfo,
    /// The part number when the installment comes in parts (`part 2`, `(2/3)`).
    pub part: Option<u32>,
    /// The title exactly as the header (or file name) gave it.
    pub full_title: String,
    pub header: Header,
    pub body: Body,
    /// Words counted by ficbind (story text, notes excepted).
    pub words: usize,
}

impl Part {
    /// The chapter's own title, when this part is a chapter of a work that comes whole
    /// in one file (an archive's or a downloader's) and names it: what the tables of
    /// contents call the part, rather than "Part N".
    pub fn chapter_title(&self) -> Option<&str> {
        self.header.place.as_ref()?.chapter?;
        self.body
            .heading
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
    }
}

/// A numbered installment or a free-standing story, with its parts in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installment {
    /// `None` for a free-standing story outside the numbered order.
    pub number: Option<u32>,
    /// The installment's own title, without series name, number or part
    /// (`The Lantern Keeper`); may be empty when the writer gave only a number.
    pub title: String,
    pub parts: Vec<Part>,
}

impl Installment {
    /// The label used in the table of contents and page headings, in the language of
    /// `labels`.
    pub fn label(&self, labels: &Labels) -> String {
        match (self.number, self.title.is_empty()) {
            (Some(n), false) => format!("{n}. {}", self.title),
            (Some(n), true) => labels.untitled_installment_label(n),
            (None, _) => self.title.clone(),
        }
    }

    pub fn words(&self) -> usize {
        self.parts.iter().map(|p| p.words).sum()
    }

    /// The strictest rating among the parts.
    pub fn rating(&self) -> Option<&Rating> {
        self.parts
            .iter()
            .filter_map(|p| p.header.rating.as_ref())
            .max_by_key(|r| r.level)
    }
}

/// A warning item shared by one or more installments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningEntry {
    /// The warning as first written.
    pub text: String,
    /// Labels of the installments it applies to, in reading order.
    pub installments: Vec<String>,
}

/// The whole series, in reading order, with everything the front matter shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series {
    pub title: String,
    pub authors: Vec<String>,
    pub language: String,
    /// Which way the text runs: the language's, or the manifest's `dir`.
    pub direction: crate::input::language::Direction,
    pub summary: Option<String>,
    pub fandoms: Vec<String>,
    pub pairings: Vec<String>,
    /// The kinds of relationship the stories are about (F/F, Gen …): never fandoms.
    pub categories: Vec<String>,
    pub characters: Vec<String>,
    pub disclaimer: Option<String>,
    /// The strictest rating of any installment.
    pub rating: Option<Rating>,
    pub warnings: Vec<WarningEntry>,
    /// Free-form tags (`Tags`, `Additional Tags`) from every header.
    pub tags: Vec<String>,
    /// What the last installment that says so says (`Complete`, `In progress`).
    pub status: Option<String>,
    /// The earliest `Published`/`Date` any header gives.
    pub published: Option<Date>,
    /// The latest `Updated`/`Published` date, when later than `published`.
    pub updated: Option<Date>,
    /// Where the story lives online, as the first header that says gave it.
    pub source: Option<String>,
    pub installments: Vec<Installment>,
}

impl Series {
    pub fn words(&self) -> usize {
        self.installments.iter().map(Installment::words).sum()
    }

    pub fn parts(&self) -> impl Iterator<Item = (&Installment, &Part)> {
        self.installments
            .iter()
            .flat_map(|i| i.parts.iter().map(move |p| (i, p)))
    }
}
