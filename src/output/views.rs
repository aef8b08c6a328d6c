//! The typed contexts templates see: the series made into what its pages show (labels,
//! counts with thousands separators, paragraphs, hrefs), built once per book.

use serde::Serialize;

use crate::book::model::{Installment, Series};
use crate::input::header::{FieldKind, RatingLevel};
use crate::labels::Labels;
use crate::output::assets::Extras;

/// The series as every page template sees it (`book`).
#[derive(Debug, Clone, Serialize)]
pub struct BookView {
    pub title: String,
    pub language: String,
    /// `urn:uuid:…`, stable for the same series title and author.
    pub identifier: String,
    /// `dcterms:modified`, e.g. `2026-11-21T17:05:00Z`.
    pub modified: String,
    pub authors: Vec<String>,
    /// Paragraphs of the summary; `None` when there is none.
    pub summary: Option<Vec<String>>,
    pub disclaimer: Option<Vec<String>>,
    pub fandoms: Vec<String>,
    pub pairings: Vec<String>,
    pub characters: Vec<String>,
    /// Fandoms, pairings and characters, for `dc:subject`.
    pub subjects: Vec<String>,
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
    pub series: SeriesView,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    /// As the writer wrote it (`R for violence`).
    pub text: String,
    /// Where it sits on a common scale (`mature`), empty when unrecognised.
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
    /// Header fields as written (word counts excepted: shown beside ours).
    pub fields: Vec<FieldView>,
    pub parts: Vec<PartView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub key: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub href: String,
    /// `Part 2`, or the installment label for a one-part installment.
    pub label: String,
    pub part: Option<u32>,
    /// The body's own heading line (`Chapter 3: Undertow`).
    pub heading: Option<String>,
    pub file: String,
}

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
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

fn installment_view(inst: &Installment, first_part: usize, labels: &Labels) -> InstallmentView {
    let declared: Vec<u64> = inst
        .parts
        .iter()
        .filter_map(|p| p.header.declared_words().and_then(|(_, n)| n))
        .collect();
    let declared_words = (declared.len() == inst.parts.len() && !declared.is_empty())
        .then(|| declared.iter().sum::<u64>())
        .filter(|&d| d != inst.words() as u64)
        .map(|d| thousands(d as usize));
    let mut fields: Vec<FieldView> = Vec::new();
    for part in &inst.parts {
        for f in part
            .header
            .fields
            .iter()
            .filter(|f| f.kind != FieldKind::WordCount)
        {
            let view = FieldView {
                key: f.key.clone(),
                lines: f.value.lines().map(str::to_string).collect(),
            };
            if !fields
                .iter()
                .any(|v| v.key == view.key && v.lines == view.lines)
            {
                fields.push(view);
            }
        }
    }
    let label = inst.label(labels);
    let parts = inst
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| PartView {
            href: part_href(first_part + i),
            label: if inst.parts.len() > 1 {
                labels.part_label(p.part.unwrap_or(i as u32 + 1))
            } else {
                label.clone()
            },
            part: p.part,
            heading: p.body.heading.clone(),
            file: p.source.file.clone(),
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
        words_display: thousands(inst.words()),
        declared_words,
        fields,
        parts,
    }
}

/// The `book` every template sees, its labels from `labels`.
pub fn book_view(series: &Series, extras: &Extras, labels: &Labels) -> BookView {
    let mut next_part = 1;
    let installments: Vec<InstallmentView> = series
        .installments
        .iter()
        .map(|inst| {
            let view = installment_view(inst, next_part, labels);
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
    let subjects = series
        .fandoms
        .iter()
        .chain(&series.pairings)
        .chain(&series.characters)
        .cloned()
        .collect();
    let numbered_count = series
        .installments
        .iter()
        .filter(|i| i.number.is_some())
        .count();
    BookView {
        title: series.title.clone(),
        language: series.language.clone(),
        identifier: identifier(series),
        modified: iso8601(extras.modified),
        authors: series.authors.clone(),
        summary: series
            .summary
            .as_deref()
            .map(paragraphs)
            .filter(|p| !p.is_empty()),
        disclaimer: series
            .disclaimer
            .as_deref()
            .map(paragraphs)
            .filter(|p| !p.is_empty()),
        fandoms: series.fandoms.clone(),
        pairings: series.pairings.clone(),
        characters: series.characters.clone(),
        subjects,
        rating: series.rating.as_ref().map(|r| RatingView {
            text: r.text.clone(),
            scale: if r.level == RatingLevel::Unrecognised {
                String::new()
            } else {
                r.level.describe().to_string()
            },
        }),
        warnings: series.warnings.clone(),
        words,
        words_display: thousands(words),
        declared_words_display: (!declared.is_empty() && declared_total != words as u64)
            .then(|| thousands(declared_total as usize)),
        installment_count: series.installments.len(),
        numbered_count,
        free_standing_count: series.installments.len() - numbered_count,
        installments,
        cover: extras.cover.as_ref().map(|c| CoverView {
            href: c.href.clone(),
            width: c.width,
            height: c.height,
        }),
        series: SeriesView {
            name: extras
                .series_name
                .clone()
                .unwrap_or_else(|| series.title.clone()),
            position: extras.series_position.clone(),
        },
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

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
