//! `ficbind inspect`: what a build would do, as a table for people and as JSON for
//! scripts. The JSON shape is documented in the README and is a stable interface.

use serde::Serialize;

use crate::build::Prepared;
use crate::diag::Diagnostic;
use crate::input::header::parse_word_count;
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
    /// One row per story file, in reading order.
    pub installments: Vec<Row>,
    pub diagnostics: Vec<Diagnostic>,
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
}

/// What a build of the series in `dir` would do, without writing anything.
pub fn inspect(dir: &std::path::Path, opts: &crate::Options) -> crate::Result<Inspection> {
    let inputs = crate::input::read_inputs(dir, opts)?;
    let prepared = crate::build::prepare(&inputs, crate::build::Keep::Counts)?;
    Ok(inspection(&prepared))
}

pub fn inspection(prepared: &Prepared) -> Inspection {
    let s = &prepared.series;
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
    let header = [
        "no.", "part", "title", "words", "declared", "file", "encoding",
    ];
    let rows: Vec<[String; 7]> = i
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
