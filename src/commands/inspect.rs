//! `ficbind inspect`: what a build would do, as a table for people and as JSON for
//! scripts. The JSON shape is documented in the README and is a stable interface.

use serde::Serialize;

use crate::book::model::Series;
use crate::build::Prepared;
use crate::diag::Diagnostic;
use crate::input::header::{parse_word_count, Field, FieldKind, Header};
use crate::input::manifest::{Manifest, MANIFEST_NAME};
use crate::output::views::thousands;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Inspection {
    pub title: String,
    /// All authors, joined with ", ".
    pub author: String,
    pub authors: Vec<String>,
    pub language: String,
    /// The series rating as written (the strictest installment's), or null.
    pub rating: Option<String>,
    pub warnings: Vec<String>,
    pub words: usize,
    /// Where each of the book's facts was read: every header field that gave it, or
    /// `series.toml` when the manifest sets it.
    pub facts: Vec<Fact>,
    /// One row per story file, in reading order.
    pub installments: Vec<Row>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Fact {
    /// What the fact is (`title`, `rating`, `fandoms` …).
    pub fact: &'static str,
    /// The book's value, as the metadata page shows it.
    pub value: String,
    pub from: Vec<FactSource>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FactSource {
    pub file: String,
    /// The field as the file names it: a header key (`Rated`), an archive download's
    /// tag-list label, or the manifest's key.
    pub field: String,
    /// The header line; null for a field read from HTML or EPUB markup, or the manifest.
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    /// Null for a free-standing story.
    pub number: Option<u32>,
    /// Null unless the installment comes in parts.
    pub part: Option<u32>,
    pub title: String,
    pub file: String,
    /// Words counted by ficbind (story text, author's notes excepted).
    pub words: usize,
    /// The writer's own figure as written, or null.
    pub declared_words: Option<String>,
    pub encoding: String,
    /// What gave the installment its number: `series.toml`, `series metadata`
    /// (a download's "Part N of SERIES"), `title`, `file name`, or null when it has none.
    pub numbered_by: Option<&'static str>,
}

/// What a build of the series in `dir` would do, without writing anything.
pub fn inspect(dir: &std::path::Path, opts: &crate::Options) -> crate::Result<Inspection> {
    let inputs = crate::input::read_inputs(dir, opts)?;
    let prepared = crate::build::prepare(&inputs, crate::build::Keep::Counts)?;
    Ok(inspection(&prepared))
}

/// What gave a part's installment its number, mirroring the order `book::order::plan`
/// tries them in.
fn numbered_by(
    number: Option<u32>,
    file: &str,
    header: &Header,
    manifest: &Manifest,
) -> Option<&'static str> {
    number?;
    if manifest.files.get(file).is_some_and(|o| o.number.is_some()) {
        return Some("series.toml");
    }
    if let Some(place) = &header.place {
        return place.number.map(|_| "series metadata");
    }
    let titled = header
        .title()
        .is_some_and(|t| crate::book::order::parse_title(t).number.is_some());
    Some(if titled { "title" } else { "file name" })
}

/// Where each fact of the series came from.
fn facts(s: &Series, manifest: &Manifest) -> Vec<Fact> {
    let join = |v: &[String]| v.join(", ");
    let from_headers = |pick: &dyn Fn(&Field) -> bool| -> Vec<FactSource> {
        let mut out: Vec<FactSource> = Vec::new();
        for (_, part) in s.parts() {
            for f in part.header.fields.iter().filter(|f| pick(f)) {
                let source = FactSource {
                    file: part.source.file.clone(),
                    field: f.key.clone(),
                    line: (f.line > 0).then_some(f.line),
                };
                // A chaptered download repeats its work's fields on every chapter.
                if !out.contains(&source) {
                    out.push(source);
                }
            }
        }
        out
    };
    let of_kind = |kind: FieldKind| from_headers(&|f: &Field| f.kind == kind);
    let from_manifest = |key: &str| {
        vec![FactSource {
            file: MANIFEST_NAME.to_string(),
            field: key.to_string(),
            line: None,
        }]
    };
    let or_manifest = |set: bool, key: &str, found: Vec<FactSource>| {
        if set {
            from_manifest(key)
        } else {
            found
        }
    };
    let mut facts = vec![
        Fact {
            fact: "title",
            value: s.title.clone(),
            from: or_manifest(
                manifest.title.is_some(),
                "title",
                from_headers(&|f: &Field| {
                    f.kind == FieldKind::Title || f.key.eq_ignore_ascii_case("series")
                }),
            ),
        },
        Fact {
            fact: "authors",
            value: join(&s.authors),
            from: or_manifest(
                manifest.author.is_some(),
                "author",
                of_kind(FieldKind::Author),
            ),
        },
        Fact {
            fact: "language",
            value: s.language.clone(),
            from: or_manifest(
                manifest.language.is_some(),
                "language",
                from_headers(&|f: &Field| {
                    matches!(f.key.to_lowercase().as_str(), "language" | "lang")
                }),
            ),
        },
        Fact {
            fact: "rating",
            value: s
                .rating
                .as_ref()
                .map(|r| r.text.clone())
                .unwrap_or_default(),
            from: or_manifest(
                manifest.rating.is_some(),
                "rating",
                of_kind(FieldKind::Rating),
            ),
        },
        Fact {
            fact: "warnings",
            value: s
                .warnings
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            from: {
                let mut from = of_kind(FieldKind::Warnings);
                if manifest.warnings.is_some() {
                    from.extend(from_manifest("warnings"));
                }
                from
            },
        },
    ];
    let lists: [(&'static str, &[String], FieldKind); 4] = [
        ("fandoms", &s.fandoms, FieldKind::Fandom),
        ("relationships", &s.pairings, FieldKind::Pairing),
        ("characters", &s.characters, FieldKind::Characters),
        ("tags", &s.tags, FieldKind::Tags),
    ];
    for (fact, values, kind) in lists {
        facts.push(Fact {
            fact,
            value: join(values),
            from: of_kind(kind),
        });
    }
    let optional = [
        ("summary", s.summary.clone(), FieldKind::Summary, "summary"),
        ("status", s.status.clone(), FieldKind::Status, ""),
        (
            "published",
            s.published.map(|d| d.to_string()),
            FieldKind::Published,
            "",
        ),
        (
            "updated",
            s.updated.map(|d| d.to_string()),
            FieldKind::Updated,
            "",
        ),
        ("source", s.source.clone(), FieldKind::Source, ""),
    ];
    for (fact, value, kind, key) in optional {
        let set = key == "summary" && manifest.summary.is_some();
        facts.push(Fact {
            fact,
            value: value.unwrap_or_default(),
            from: or_manifest(set, key, of_kind(kind)),
        });
    }
    // A fact no file gives and the book does not show is noise.
    facts.retain(|f| !f.value.is_empty() || !f.from.is_empty());
    facts
}

pub fn inspection(prepared: &Prepared) -> Inspection {
    let s = &prepared.series;
    let manifest = &prepared.defaults.manifest;
    let labels = crate::labels::Labels::for_language(&s.language);
    let installments = s
        .installments
        .iter()
        .flat_map(|inst| {
            inst.parts.iter().map(move |p| Row {
                number: inst.number,
                part: if inst.parts.len() > 1 { p.part } else { None },
                title: inst.label(labels),
                file: p.source.file.clone(),
                words: p.words,
                declared_words: p.header.declared_words().map(|(f, _)| f.value.clone()),
                encoding: p.source.encoding.clone(),
                numbered_by: numbered_by(inst.number, &p.source.file, &p.header, manifest),
            })
        })
        .collect();
    Inspection {
        title: s.title.clone(),
        author: s.authors.join(", "),
        authors: s.authors.clone(),
        language: s.language.clone(),
        rating: s.rating.as_ref().map(|r| r.text.clone()),
        warnings: s.warnings.iter().map(|w| w.text.clone()).collect(),
        words: s.words(),
        facts: facts(s, manifest),
        installments,
        diagnostics: prepared.diagnostics.iter().cloned().collect(),
    }
}

/// The human-readable report.
pub fn to_text(i: &Inspection) -> String {
    let mut out = String::new();
    let dash = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    out.push_str(&format!("Title:     {}\n", i.title));
    out.push_str(&format!("Author:    {}\n", dash(&i.author)));
    out.push_str(&format!("Language:  {}\n", i.language));
    out.push_str(&format!(
        "Rating:    {}\n",
        i.rating.as_deref().unwrap_or("not rated")
    ));
    out.push_str(&format!(
        "Warnings:  {}\n",
        if i.warnings.is_empty() {
            "none given".into()
        } else {
            i.warnings.join("; ")
        }
    ));
    out.push_str(&format!("Words:     {}\n\n", thousands(i.words)));
    out.push_str("Where the facts come from:\n");
    for f in &i.facts {
        let from: Vec<String> = f
            .from
            .iter()
            .map(|s| match s.line {
                Some(line) => format!("{}:{line} {}", s.file, s.field),
                None => format!("{} {}", s.file, s.field),
            })
            .collect();
        // Long lists of files help no one: the first few, and how many more.
        let shown = match from.len() {
            0 => "no file (ficbind's default)".to_string(),
            n if n > 4 => format!("{} and {} more", from[..3].join(", "), n - 3),
            _ => from.join(", "),
        };
        out.push_str(&format!("  {:<14}{shown}\n", f.fact));
    }
    out.push('\n');
    let header = [
        "no.",
        "part",
        "title",
        "words",
        "declared",
        "numbered by",
        "file",
        "encoding",
    ];
    let rows: Vec<[String; 8]> = i
        .installments
        .iter()
        .map(|r| {
            let declared = match &r.declared_words {
                Some(d) => {
                    let off = parse_word_count(d).is_some_and(|n| {
                        (n as f64 - r.words as f64).abs() > r.words.max(1) as f64 * 0.1
                    });
                    format!("{d}{}", if off { " (!)" } else { "" })
                }
                None => "—".into(),
            };
            [
                r.number.map_or("—".into(), |n| n.to_string()),
                r.part.map_or(String::new(), |n| n.to_string()),
                r.title.clone(),
                thousands(r.words),
                declared,
                r.numbered_by.unwrap_or("—").to_string(),
                r.file.clone(),
                r.encoding.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(&header.map(String::from)));
    for row in &rows {
        out.push_str(&line(row));
    }
    if !i.diagnostics.is_empty() {
        out.push('\n');
        for d in &i.diagnostics {
            out.push_str(&format!("{d}\n"));
        }
    }
    out
}
