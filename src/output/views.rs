//! The typed contexts templates see: the series made into what its pages show (labels,
//! counts with thousands separators, paragraphs, hrefs), built once per book.

use serde::Serialize;

use crate::book::model::{Installment, Series};
use crate::input::header::{FieldKind, Rating};
use crate::labels::Labels;
use crate::output::assets::Extras;
use crate::util::text::capitalised;
/// Numbers as the pages show them (`12,345`); here for the commands that print them.
pub use crate::util::text::thousands;
use crate::util::web_address;

/// The series as every page template sees it (`book`).
#[derive(Debug, Clone, Serialize)]
pub struct BookView {
    pub title: String,
    pub language: String,
    /// `rtl` or `ltr`: the `dir` of every page and the spine's progression.
    pub direction: &'static str,
    /// `urn:uuid:…`, stable for the same series title and author.
    pub identifier: String,
    /// `dcterms:modified`, e.g. `2026-11-21T17:05:00Z`.
    pub modified: String,
    pub authors: Vec<String>,
    /// The authors with the names catalogues sort them by (`file-as`).
    pub creators: Vec<CreatorView>,
    /// `by Wren Halloway`, in the book's language; `None` without authors.
    pub byline: Option<String>,
    /// One installment (a lone story or a `--split` book): the pages speak of a story,
    /// not a series.
    pub is_story: bool,
    /// Paragraphs of the summary; `None` when there is none.
    pub summary: Option<Vec<String>>,
    pub disclaimer: Option<Vec<String>>,
    pub fandoms: Vec<String>,
    pub pairings: Vec<String>,
    pub categories: Vec<String>,
    pub characters: Vec<String>,
    pub tags: Vec<String>,
    /// Fandoms, relationships, characters, the rating, the warnings and the tags: the
    /// `dc:subject`s catalogues file the book under.
    pub subjects: Vec<String>,
    pub status: Option<String>,
    /// The earliest publication date the headers give, ISO 8601 (`dc:date`).
    pub published: Option<String>,
    /// The latest update, when later than `published`.
    pub updated: Option<String>,
    /// Where the story lives online.
    pub source: Option<SourceView>,
    pub rating: Option<RatingView>,
    pub warnings: Vec<crate::book::model::WarningEntry>,
    pub words: usize,
    pub words_display: String,
    /// The sum of the writers' declared word counts, when it differs from ours.
    pub declared_words_display: Option<String>,
    pub installment_count: usize,
    pub numbered_count: usize,
    pub free_standing_count: usize,
    pub installments: Vec<InstallmentView>,
    pub cover: Option<CoverView>,
    /// The series a `--split` book belongs to; `None` for a book that is the whole
    /// series (it is not "#1" of itself).
    pub series: Option<SeriesView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreatorView {
    pub name: String,
    /// `Halloway, Wren` for `Wren Halloway`; a one-word pen name stays as it is.
    pub file_as: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub text: String,
    /// The address to link to, when the value is a web address.
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    /// As the writer wrote it (`R for violence`).
    pub text: String,
    /// Where it sits on the common scale (`Mature`), in the book's language; empty when
    /// unrecognised or when the writer's own words already say it (`Explicit`).
    pub scale: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesView {
    pub name: String,
    /// The position in the series (`belongs-to-collection` `group-position`); set for
    /// one-installment books made by `--split`.
    pub position: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverView {
    pub href: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstallmentView {
    pub number: Option<u32>,
    pub title: String,
    /// `3. The Lantern Keeper`, as in the contents.
    pub label: String,
    /// The title, or the label when the writer gave only a number.
    pub title_or_label: String,
    /// The page of its first part.
    pub href: String,
    pub words: usize,
    pub words_display: String,
    pub declared_words: Option<String>,
    pub parts: Vec<PartView>,
}

/// What an installment's own header says that the metadata page does not, shown at
/// the top of its page the way archives show a chapter's summary and notes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntroView {
    /// Paragraphs of its summary, when it is not the book's.
    pub summary: Vec<String>,
    /// Its rating, when it is not the book's.
    pub rating: Option<String>,
    /// Its words as counted and as its header says, when the two differ by enough
    /// for ficbind to have warned (`508 (the writer says 1,200)`).
    pub words: Option<String>,
    /// Its warnings, when they are not all of the book's.
    pub warnings: Vec<String>,
    /// Its header notes, each as paragraphs: the writer's words before the story.
    pub notes: Vec<Vec<String>>,
    /// Any other field (Beta, Dedication, a key of the writer's own), as written.
    pub fields: Vec<FieldView>,
}

impl IntroView {
    fn is_empty(&self) -> bool {
        self.summary.is_empty()
            && self.rating.is_none()
            && self.words.is_none()
            && self.warnings.is_empty()
            && self.notes.is_empty()
            && self.fields.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// The key with a capital (`dedication` → `Dedication`).
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub href: String,
    /// `Part 2`, or the installment label for a one-part installment.
    pub label: String,
    /// What the nav and NCX call the part: a chapter's own title, else `label`.
    pub contents_label: String,
    pub part: Option<u32>,
    /// The body's own heading line (`Chapter 3: Undertow`).
    pub heading: Option<String>,
    /// What the page heading says under the installment's title: the part label and
    /// the file's own heading line, each only when it adds something (`Part 2 — Ebb`).
    pub subtitle: Option<String>,
    /// The facts and notes shown above the story; `None` when there are none.
    pub intro: Option<IntroView>,
    pub file: String,
    /// The file's own language (its `Language` header) where it is not the book's:
    /// the page's story section is marked with it, and with its direction if that
    /// differs too.
    pub language: Option<String>,
    pub direction: Option<&'static str>,
}

/// The page file of the `n`-th story file (1-based, reading order).
fn part_href(n: usize) -> String {
    format!("story-{n:03}.xhtml")
}

/// The stable identifier: a UUID v5 of the series title and authors, so a rebuilt book
/// is the same book to a reading system and keeps its reading position.
pub fn identifier(series: &Series) -> String {
    let key = format!(
        "ficbind:{}\n{}",
        series.title.to_lowercase(),
        series.authors.join(", ").to_lowercase()
    );
    format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes())
    )
}

/// Seconds since the Unix epoch → `YYYY-MM-DDThh:mm:ssZ` (proleptic Gregorian, UTC).
pub fn iso8601(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Words of a heading or title, lower-cased, without the words that only say what kind
/// of division it is (`Chapter`, `Part`) and without the numbers `ours` already says.
/// `None` when the text carries a number none of `ours` is.
fn heading_words(text: &str, ours: &[u32]) -> Option<Vec<String>> {
    const DIVISIONS: [&str; 8] = [
        "chapter",
        "chap",
        "ch",
        "part",
        "pt",
        "installment",
        "episode",
        "ep",
    ];
    let mut words = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if DIVISIONS.contains(&word.as_str()) {
            continue;
        }
        if let Ok(n) = word.parse::<u32>() {
            if !ours.contains(&n) {
                return None;
            }
            continue;
        }
        words.push(word);
    }
    Some(words)
}

/// What a part's page heading says under the installment's title: the part label of a
/// many-part installment and the file's own heading line, each only when it says
/// something the title has not: `Chapter 3: Undertow` under `3 Undertow` is the same
/// heading, so it is said once.
fn subtitle(
    inst: &Installment,
    part_label: Option<&str>,
    part_no: u32,
    heading: Option<&str>,
) -> Option<String> {
    let ours: Vec<u32> = inst.number.into_iter().chain(Some(part_no)).collect();
    let title = heading_words(&inst.title, &ours).unwrap_or_default();
    let new_words = |h: &str| match heading_words(h, &ours) {
        None => true,
        Some(words) => !words.is_empty() && words != title,
    };
    let heading = heading.map(str::trim).filter(|h| !h.is_empty());
    match (part_label, heading) {
        (None, Some(h)) if new_words(h) => Some(h.to_string()),
        (None, _) => None,
        (Some(label), Some(h)) if new_words(h) => {
            // `Part 2: Ebb` already names the part; `Ebb` alone gets the label.
            let names_part = h
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.eq_ignore_ascii_case("part") || w.eq_ignore_ascii_case("pt"));
            Some(if names_part {
                h.to_string()
            } else {
                // A dash, not a colon: the heading often has a colon of its own
                // (`Part 1 — Chapter 3: Undertow`).
                format!("{label} — {h}")
            })
        }
        (Some(label), _) => Some(label.to_string()),
    }
}

/// Keys whose fields are about where a file sits, not about the story: shown nowhere.
const PLACEMENT_KEYS: [&str; 6] = ["series", "part", "chapter", "chapters", "language", "lang"];

/// The facts part `i` of `inst` gives that neither the book nor an earlier part of the
/// same installment shows.
fn intro_view(
    inst: &Installment,
    i: usize,
    book: &Series,
    book_summary: Option<&str>,
    labels: &Labels,
) -> IntroView {
    let part = &inst.parts[i];
    let header = &part.header;
    // Shown where ficbind warned about it (W002, W011): a count far from ours, or
    // one it cannot read, as written.
    let words = header
        .declared_words()
        .and_then(|(field, n)| match n {
            Some(n) if !crate::book::words::declared_far_off(n, part.words) => None,
            Some(n) => Some(labels.number(n as usize)),
            None => Some(field.value.clone()),
        })
        .map(|said| {
            format!(
                "{} ({})",
                labels.number(part.words),
                labels.words_said.replace("{n}", &said)
            )
        });
    let earlier = &inst.parts[..i];
    let said_before = |get: &dyn Fn(&crate::input::header::Header) -> Option<String>| {
        let mine = get(header);
        mine.is_some() && earlier.iter().any(|p| get(&p.header) == mine)
    };
    let summary = header
        .summary()
        .filter(|s| Some(*s) != book_summary)
        .filter(|_| !said_before(&|h| h.summary().map(str::to_string)))
        .map(paragraphs)
        .unwrap_or_default();
    let rating = header
        .rating
        .as_ref()
        .filter(|r| book.rating.as_ref().is_none_or(|b| b.text != r.text))
        .filter(|_| !said_before(&|h| h.rating.as_ref().map(|r| r.text.clone())))
        .map(|r| r.text.clone());
    let warnings = header.warnings();
    let key = |w: &String| w.to_lowercase();
    let all_of_book = warnings.len() == book.warnings.len()
        && book
            .warnings
            .iter()
            .all(|b| warnings.iter().any(|w| key(w) == key(&b.text)));
    let warnings = if all_of_book
        || said_before(&|h| Some(h.warnings().join("\n")).filter(|w| !w.is_empty()))
    {
        Vec::new()
    } else {
        warnings
    };
    let notes = header
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Notes)
        .map(|f| paragraphs(&f.value))
        .filter(|p| !p.is_empty())
        .collect();
    let fields = header
        .fields
        .iter()
        // Fandoms, relationships, characters and categories are the book's (their
        // union is on the metadata page), so they are not repeated here.
        .filter(|f| matches!(f.kind, FieldKind::Other | FieldKind::Unknown))
        .filter(|f| !PLACEMENT_KEYS.contains(&f.key.trim().to_lowercase().as_str()))
        .filter(|f| !f.value.trim().is_empty())
        .filter(|f| {
            !earlier.iter().any(|p| {
                p.header
                    .fields
                    .iter()
                    .any(|e| e.key == f.key && e.value == f.value)
            })
        })
        .map(|f| FieldView {
            key: capitalised(f.key.trim()),
            value: f.value.split_whitespace().collect::<Vec<_>>().join(" "),
        })
        .chain(other_series(header, i, book, labels))
        .collect();
    IntroView {
        summary,
        rating,
        words,
        warnings,
        notes,
        fields,
    }
}

/// The series a work is in besides the one this book binds (an archive work can be
/// `Part 2 of X, Part 5 of Y`), with its part in each, at the work's start: the book
/// keeps one series' order, and the reader should still learn of the others.
fn other_series(
    header: &crate::input::header::Header,
    i: usize,
    book: &Series,
    labels: &Labels,
) -> Option<FieldView> {
    use crate::input::header::normal_name;
    let place = header.place.as_ref().filter(|_| i == 0)?;
    let bound = normal_name(&book.title);
    // A series every work of the book is in is the book's own, whatever its title.
    let everyones = |name: &str| {
        let name = normal_name(name);
        book.installments
            .iter()
            .filter_map(|inst| inst.parts.first()?.header.place.as_ref())
            .all(|p| p.all_series().any(|s| normal_name(s) == name))
    };
    let others: Vec<String> = place
        .series
        .iter()
        .zip(place.number)
        .chain(place.also.iter().map(|(name, n)| (name, *n)))
        .filter(|(name, _)| normal_name(name) != bound && !everyones(name))
        .map(|(name, n)| format!("{name} ({})", labels.part_label(n)))
        .collect();
    (!others.is_empty()).then(|| FieldView {
        key: labels.also_in_series.clone(),
        value: others.join(", "),
    })
}

fn installment_view(
    inst: &Installment,
    first_part: usize,
    book: &Series,
    book_summary: Option<&str>,
    labels: &Labels,
) -> InstallmentView {
    let declared: Vec<u64> = inst
        .parts
        .iter()
        .filter_map(|p| p.header.declared_words().and_then(|(_, n)| n))
        .collect();
    let declared_words = (declared.len() == inst.parts.len() && !declared.is_empty())
        .then(|| declared.iter().sum::<u64>())
        .filter(|&d| d != inst.words() as u64)
        .map(|d| labels.number(d as usize));
    let label = inst.label(labels);
    let many = inst.parts.len() > 1;
    let parts = inst
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let part_no = p.part.unwrap_or(i as u32 + 1);
            let part_label = many.then(|| labels.part_label(part_no));
            let intro = intro_view(inst, i, book, book_summary, labels);
            let language = p.header.language_tag().filter(|t| *t != book.language);
            let direction = language
                .as_deref()
                .map(crate::input::language::direction)
                .filter(|d| *d != book.direction)
                .map(|d| d.as_str());
            PartView {
                href: part_href(first_part + i),
                subtitle: subtitle(
                    inst,
                    part_label.as_deref(),
                    part_no,
                    p.body.heading.as_deref(),
                ),
                contents_label: p
                    .chapter_title()
                    .map(str::to_string)
                    .or_else(|| part_label.clone())
                    .unwrap_or_else(|| label.clone()),
                label: part_label.unwrap_or_else(|| label.clone()),
                part: p.part,
                heading: p.body.heading.clone(),
                intro: (!intro.is_empty()).then_some(intro),
                file: p.source.file.clone(),
                language,
                direction,
            }
        })
        .collect();
    InstallmentView {
        number: inst.number,
        title: inst.title.clone(),
        title_or_label: if inst.title.is_empty() {
            label.clone()
        } else {
            inst.title.clone()
        },
        label,
        href: part_href(first_part),
        words: inst.words(),
        words_display: labels.number(inst.words()),
        declared_words,
        parts,
    }
}

/// The name a catalogue sorts an author by: `Wren Halloway` → `Halloway, Wren`. Pen
/// names of one word, handles (`moth_light`, `wren42`) and names already written
/// surname first stay as they are.
pub fn file_as(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let handle = name.contains(|c: char| c.is_ascii_digit() || c == '_' || c == ',' || c == '@');
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() && !handle => {
            format!("{last}, {}", rest.join(" "))
        }
        _ => name.trim().to_string(),
    }
}

/// A `Source`/`URL` value: linked when it is a web address.
fn source_view(text: &str) -> SourceView {
    let text = text.trim().to_string();
    SourceView {
        href: web_address::href(&text).filter(|h| !h.starts_with("mailto:")),
        text,
    }
}

/// The series' rating as its pages show it.
fn rating_view(rating: &Rating, labels: &Labels) -> RatingView {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let scale = labels
        .rating_scale(rating.level)
        .filter(|scale| !squash(&rating.text).contains(&squash(scale)))
        .unwrap_or_default()
        .to_string();
    RatingView {
        text: rating.text.clone(),
        scale,
    }
}

/// The `book` every template sees, its labels from `labels`.
pub fn book_view(series: &Series, extras: &Extras, labels: &Labels) -> BookView {
    let is_story = series.installments.len() == 1;
    // A lone story's own summary is the book's: the metadata page shows it, and its
    // page does not repeat it.
    let book_summary = series.summary.as_deref();
    let mut next_part = 1;
    let installments: Vec<InstallmentView> = series
        .installments
        .iter()
        .map(|inst| {
            let view = installment_view(inst, next_part, series, book_summary, labels);
            next_part += inst.parts.len();
            view
        })
        .collect();
    let declared: Vec<u64> = series
        .parts()
        .map(|(_, p)| p.header.declared_words().and_then(|(_, n)| n))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    let declared_total: u64 = declared.iter().sum();
    let words = series.words();
    let mut subjects: Vec<String> = Vec::new();
    for subject in series
        .fandoms
        .iter()
        .chain(&series.categories)
        .chain(&series.pairings)
        .chain(&series.characters)
        .chain(series.rating.as_ref().map(|r| &r.text))
        .chain(series.warnings.iter().map(|w| &w.text))
        .chain(&series.tags)
    {
        if !subjects
            .iter()
            .any(|s| s.to_lowercase() == subject.to_lowercase())
        {
            subjects.push(subject.clone());
        }
    }
    let numbered_count = series
        .installments
        .iter()
        .filter(|i| i.number.is_some())
        .count();
    BookView {
        title: series.title.clone(),
        language: series.language.clone(),
        direction: series.direction.as_str(),
        identifier: identifier(series),
        modified: iso8601(extras.modified),
        authors: series.authors.clone(),
        creators: series
            .authors
            .iter()
            .map(|a| CreatorView {
                name: a.clone(),
                file_as: file_as(a),
            })
            .collect(),
        byline: (!series.authors.is_empty()).then(|| labels.byline_for(&series.authors)),
        is_story,
        summary: book_summary.map(paragraphs).filter(|p| !p.is_empty()),
        disclaimer: series
            .disclaimer
            .as_deref()
            .map(paragraphs)
            .filter(|p| !p.is_empty()),
        fandoms: series.fandoms.clone(),
        pairings: series.pairings.clone(),
        categories: series.categories.clone(),
        characters: series.characters.clone(),
        tags: series.tags.clone(),
        subjects,
        status: series.status.as_deref().map(capitalised),
        published: series.published.map(|d| d.to_string()),
        updated: series.updated.map(|d| d.to_string()),
        source: series.source.as_deref().map(source_view),
        rating: series.rating.as_ref().map(|r| rating_view(r, labels)),
        warnings: series.warnings.clone(),
        words,
        words_display: labels.number(words),
        declared_words_display: (!declared.is_empty() && declared_total != words as u64)
            .then(|| labels.number(declared_total as usize)),
        installment_count: series.installments.len(),
        numbered_count,
        free_standing_count: series.installments.len() - numbered_count,
        installments,
        cover: extras.cover.as_ref().map(|c| CoverView {
            href: c.href.clone(),
            width: c.width,
            height: c.height,
        }),
        series: extras.series_name.as_ref().map(|name| SeriesView {
            name: name.clone(),
            position: extras.series_position.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_795_280_721), "2026-11-21T17:05:21Z");
    }

    fn installment(number: Option<u32>, title: &str) -> Installment {
        Installment {
            number,
            title: title.into(),
            parts: Vec::new(),
        }
    }

    #[test]
    fn a_heading_that_says_what_the_title_says_is_said_once() {
        let undertow = installment(Some(3), "Undertow");
        for heading in [
            "Chapter 3: Undertow",
            "Undertow",
            "CHAPTER 3",
            "Ch. 3 - Undertow",
            "3.",
        ] {
            assert_eq!(
                subtitle(&undertow, None, 1, Some(heading)),
                None,
                "{heading}"
            );
        }
        // Something the title does not say is kept, as the writer wrote it.
        assert_eq!(
            subtitle(&undertow, None, 1, Some("Chapter 3: The Long Night")).as_deref(),
            Some("Chapter 3: The Long Night")
        );
        assert_eq!(
            subtitle(&undertow, None, 1, Some("Chapter 4")).as_deref(),
            Some("Chapter 4"),
            "another number is news"
        );
        // A part's label and a heading that only repeats it: once.
        assert_eq!(
            subtitle(&undertow, Some("Part 1"), 1, Some("Part 1")).as_deref(),
            Some("Part 1")
        );
        assert_eq!(
            subtitle(&undertow, Some("Part 2"), 2, Some("Part 2: Ebb")).as_deref(),
            Some("Part 2: Ebb")
        );
        assert_eq!(
            subtitle(&undertow, Some("Part 2"), 2, Some("Ebb")).as_deref(),
            Some("Part 2 — Ebb")
        );
        assert_eq!(
            subtitle(&undertow, Some("Part 2"), 2, None).as_deref(),
            Some("Part 2")
        );
        assert_eq!(subtitle(&undertow, None, 1, None), None);
    }

    #[test]
    fn an_installment_opens_with_what_its_own_header_adds() {
        use crate::book::model::{Part, SourceInfo};
        use crate::input::header::split_header;
        let part = |header: &str| Part {
            source: SourceInfo {
                file: "x.txt".into(),
                encoding: "UTF-8".into(),
            },
            part: None,
            full_title: String::new(),
            header: split_header(&format!("{header}\n\nText.\n")).header,
            body: Default::default(),
            words: 100,
        };
        let one = part("Title: One\nRating: Teen\nWarnings: grief\nSummary: The series begins.");
        let two = part(
            "Title: Two\nRating: Mature\nWarnings: grief, violence\nSummary: A storm.\nNotes: Thanks to\nmy beta.\nDedication: for M.\nChapter: 2/5\nWords: 400",
        );
        let series = Series {
            title: "Moth".into(),
            authors: Vec::new(),
            language: "en".into(),
            summary: Some("The series begins.".into()),
            rating: Some(Rating::parse("Mature")),
            warnings: vec![
                crate::book::model::WarningEntry {
                    text: "grief".into(),
                    installments: vec!["1. One".into(), "2. Two".into()],
                },
                crate::book::model::WarningEntry {
                    text: "violence".into(),
                    installments: vec!["2. Two".into()],
                },
            ],
            installments: vec![
                Installment {
                    number: Some(1),
                    title: "One".into(),
                    parts: vec![one],
                },
                Installment {
                    number: Some(2),
                    title: "Two".into(),
                    parts: vec![two],
                },
            ],
            ..Series::default()
        };
        let book = book_view(&series, &Extras::default(), Labels::for_language("en"));
        let first = book.installments[0].parts[0].intro.clone().unwrap();
        // The book's summary is not repeated; a rating and warnings other than the
        // book's are shown.
        assert!(first.summary.is_empty());
        assert_eq!(first.rating.as_deref(), Some("Teen"));
        assert_eq!(first.warnings, ["grief"]);
        let second = book.installments[1].parts[0].intro.clone().unwrap();
        assert_eq!(second.summary, ["A storm."]);
        assert_eq!(second.rating, None, "the book's own rating");
        assert!(second.warnings.is_empty(), "all of the book's warnings");
        assert_eq!(second.notes, [vec!["Thanks to my beta.".to_string()]]);
        assert_eq!(second.words.as_deref(), Some("100 (the writer says 400)"));
        let fields: Vec<(&str, &str)> = second
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            fields,
            [("Dedication", "for M.")],
            "placement keys are left out"
        );
    }

    #[test]
    fn ratings_name_their_scale_only_when_the_writer_did_not() {
        let labels = Labels::for_language("en");
        let scale = |text: &str| rating_view(&Rating::parse(text), labels).scale;
        assert_eq!(scale("Explicit"), "");
        assert_eq!(scale("Teen And Up Audiences"), "");
        assert_eq!(scale("M"), "Mature");
        assert_eq!(scale("R for violence"), "Mature");
        assert_eq!(scale("whatever the fandom says"), "");
    }

    #[test]
    fn authors_sort_by_surname_and_handles_as_written() {
        assert_eq!(file_as("Wren Halloway"), "Halloway, Wren");
        assert_eq!(file_as("Mary Ann Evans"), "Evans, Mary Ann");
        assert_eq!(file_as("thistledown"), "thistledown");
        assert_eq!(file_as("moth_light 42"), "moth_light 42");
        assert_eq!(file_as("Halloway, Wren"), "Halloway, Wren");
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            source_view("https://example.org/works/1").href.as_deref(),
            Some("https://example.org/works/1")
        );
        for text in [
            "my old LiveJournal",
            "javascript:alert(1)",
            "https://",
            "http://a b",
            "https://example.org<ruby><ruby>",
        ] {
            assert_eq!(source_view(text).href, None, "{text}");
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
