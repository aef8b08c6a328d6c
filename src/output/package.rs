//! From the series model to the files of an EPUB: the page contexts, the pages, the
//! package document (OPF), the navigation document and the EPUB 2 NCX, all from
//! templates and all from one typed table of contents, so nav and NCX cannot disagree.

use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;

use std::io::Write;
use std::path::Path;

use crate::book::model::{Installment, Series};
use crate::error::{Error, Result};
use crate::labels::Labels;
use crate::output::assets::Extras;
use crate::output::epub::{pack, pack_around, Entry, ZipWriter};
use crate::output::pages::Typeset;
use crate::output::templates::{markup, Templates};
use crate::output::views::{book_view, BookView, InstallmentView};
use crate::output::xhtml::{write_body, ImageMap};

/// One entry of the table of contents, shared by the nav document and the NCX.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub label: String,
    pub href: String,
    /// NCX `playOrder`: the target's position in reading order, from 1.
    pub play_order: usize,
    /// A unique id for the NCX `navPoint`.
    pub id: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, Serialize)]
struct Landmark {
    /// EPUB 3 landmark `epub:type`.
    kind: &'static str,
    /// EPUB 2 guide `type`.
    guide_type: &'static str,
    label: String,
    href: String,
}

#[derive(Debug, Clone, Serialize)]
struct ManifestItem {
    id: String,
    href: String,
    media_type: &'static str,
    properties: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
struct Accessibility {
    access_modes: Vec<&'static str>,
    features: Vec<&'static str>,
    summary: String,
}

fn toc(book: &BookView, labels: &Labels) -> Vec<TocEntry> {
    let mut entries = vec![
        TocEntry {
            label: labels.about.clone(),
            href: "about.xhtml".into(),
            play_order: 0,
            id: String::new(),
            children: vec![],
        },
        TocEntry {
            label: labels.warnings.clone(),
            href: "warnings.xhtml".into(),
            play_order: 0,
            id: String::new(),
            children: vec![],
        },
        TocEntry {
            label: labels.contents.clone(),
            href: "contents.xhtml".into(),
            play_order: 0,
            id: String::new(),
            children: vec![],
        },
    ];
    for inst in &book.installments {
        let children = if inst.parts.len() > 1 {
            inst.parts
                .iter()
                .map(|p| TocEntry {
                    label: p.label.clone(),
                    href: p.href.clone(),
                    play_order: 0,
                    id: String::new(),
                    children: vec![],
                })
                .collect()
        } else {
            vec![]
        };
        entries.push(TocEntry {
            label: inst.label.clone(),
            href: inst.href.clone(),
            play_order: 0,
            id: String::new(),
            children,
        });
    }
    // NCX requires one playOrder per target: an installment and its first part share one.
    fn number(entries: &mut [TocEntry], seen: &mut Vec<String>, count: &mut usize) {
        for e in entries {
            *count += 1;
            e.id = format!("nav-{count}");
            e.play_order = match seen.iter().position(|h| *h == e.href) {
                Some(i) => i + 1,
                None => {
                    seen.push(e.href.clone());
                    seen.len()
                }
            };
            number(&mut e.children, seen, count);
        }
    }
    number(&mut entries, &mut Vec::new(), &mut 0);
    entries
}

fn toc_depth(entries: &[TocEntry]) -> usize {
    entries
        .iter()
        .map(|e| 1 + toc_depth(&e.children))
        .max()
        .unwrap_or(0)
}

/// How many story pages are rendered and compressed at once: enough to keep every core
/// busy, few enough that memory stays bounded however long the book is.
const PAGES_IN_FLIGHT: usize = 16;

/// Renders every file of the book and writes the EPUB to `out`, story pages streamed in
/// reading order so no more than a few are in memory. `dest` names the output in errors.
/// `templates` may hold the user's overrides; `comment` is the zip comment.
pub fn write_book<W: Write>(
    series: &Series,
    extras: &Extras,
    typeset: &Typeset,
    templates: &Templates,
    comment: &str,
    out: W,
    dest: &Path,
) -> Result<W> {
    let labels = Labels::for_language(&series.language);
    let book = book_view(series, extras, labels);
    let book_value = Value::from_serialize(&book);
    let labels_value = Value::from_serialize(labels);
    let images: ImageMap = extras
        .images
        .iter()
        .map(|(src, a)| (src.clone(), a.href.clone()))
        .collect();

    let mut entries = Vec::new();
    let page = |name: &str| {
        templates.render(
            name,
            context! { book => book_value.clone(), labels => labels_value.clone() },
        )
    };
    let mut manifest = Vec::new();
    let mut spine = Vec::new();
    let mut add_item = |id: &str, href: &str, properties| {
        manifest.push(ManifestItem {
            id: id.to_string(),
            href: href.to_string(),
            media_type: "application/xhtml+xml",
            properties,
        });
        spine.push(id.to_string());
    };

    if extras.cover.is_some() {
        add_item("cover", "cover.xhtml", Some("svg"));
        entries.push(Entry::new("OEBPS/cover.xhtml", page("cover.xhtml")?));
    }
    for name in ["about", "warnings", "contents"] {
        add_item(name, &format!("{name}.xhtml"), None);
        entries.push(Entry::new(
            format!("OEBPS/{name}.xhtml"),
            page(&format!("{name}.xhtml"))?,
        ));
    }

    // Story pages are rendered later, streamed; here they only take their places.
    let jobs: Vec<(&Installment, &InstallmentView, usize)> = series
        .installments
        .iter()
        .zip(&book.installments)
        .flat_map(|(inst, view)| (0..inst.parts.len()).map(move |i| (inst, view, i)))
        .collect();
    for (n, (_, view, i)) in jobs.iter().enumerate() {
        add_item(&format!("story-{:03}", n + 1), &view.parts[*i].href, None);
    }

    let toc = toc(&book, labels);
    let mut landmarks = Vec::new();
    if extras.cover.is_some() {
        landmarks.push(Landmark {
            kind: "cover",
            guide_type: "cover",
            label: labels.cover.clone(),
            href: "cover.xhtml".into(),
        });
    }
    landmarks.push(Landmark {
        kind: "titlepage",
        guide_type: "title-page",
        label: labels.about.clone(),
        href: "about.xhtml".into(),
    });
    landmarks.push(Landmark {
        kind: "toc",
        guide_type: "toc",
        label: labels.contents.clone(),
        href: "contents.xhtml".into(),
    });
    if let Some(first) = book.installments.first() {
        landmarks.push(Landmark {
            kind: "bodymatter",
            guide_type: "text",
            label: labels.start.clone(),
            href: first.href.clone(),
        });
    }

    let nav = templates.render(
        "nav.xhtml",
        context! { book => book_value.clone(), labels => labels_value.clone(), toc => toc.clone(), landmarks => landmarks.clone() },
    )?;
    entries.push(Entry::new("OEBPS/nav.xhtml", nav));
    manifest.push(ManifestItem {
        id: "nav".into(),
        href: "nav.xhtml".into(),
        media_type: "application/xhtml+xml",
        properties: Some("nav"),
    });
    let ncx = templates.render(
        "toc.ncx",
        context! { book => book_value.clone(), labels => labels_value.clone(), toc => toc.clone(), depth => toc_depth(&toc) },
    )?;
    entries.push(Entry::new("OEBPS/toc.ncx", ncx));
    manifest.push(ManifestItem {
        id: "ncx".into(),
        href: "toc.ncx".into(),
        media_type: "application/x-dtbncx+xml",
        properties: None,
    });
    entries.push(Entry::new(
        "OEBPS/style.css",
        templates.render(
            "style.css",
            context! { book => book_value.clone(), labels => labels_value.clone() },
        )?,
    ));
    manifest.push(ManifestItem {
        id: "css".into(),
        href: "style.css".into(),
        media_type: "text/css",
        properties: None,
    });

    if let Some(cover) = &extras.cover {
        entries.push(Entry::new(
            format!("OEBPS/{}", cover.href),
            cover.bytes.clone(),
        ));
        manifest.push(ManifestItem {
            id: "cover-image".into(),
            href: cover.href.clone(),
            media_type: cover.media_type,
            properties: Some("cover-image"),
        });
    }
    for (i, (_, image)) in extras.images.iter().enumerate() {
        entries.push(Entry::new(
            format!("OEBPS/{}", image.href),
            image.bytes.clone(),
        ));
        manifest.push(ManifestItem {
            id: format!("image-{:03}", i + 1),
            href: image.href.clone(),
            media_type: image.media_type,
            properties: None,
        });
    }

    let has_images = extras.cover.is_some() || !extras.images.is_empty();
    let accessibility = Accessibility {
        access_modes: if has_images {
            vec!["textual", "visual"]
        } else {
            vec!["textual"]
        },
        features: {
            let mut f = vec![
                "structuralNavigation",
                "tableOfContents",
                "readingOrder",
                "displayTransformability",
            ];
            if has_images {
                f.push("alternativeText");
            }
            f
        },
        summary: if has_images {
            labels.accessibility_with_images.clone()
        } else {
            labels.accessibility_text_only.clone()
        },
    };
    let opf = templates.render(
        "content.opf",
        context! { book => book_value.clone(), labels => labels_value.clone(), manifest => manifest, spine => spine, landmarks => landmarks, accessibility => accessibility },
    )?;
    entries.push(Entry::new("OEBPS/content.opf", opf));
    entries.push(Entry::new(
        "META-INF/container.xml",
        templates.render(
            "container.xml",
            context! { book => book_value.clone(), labels => labels_value.clone() },
        )?,
    ));

    // Entries in name order, the story pages (`OEBPS/story-NNN.xhtml`) in the middle.
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let split = entries.partition_point(|e| e.path.as_str() < "OEBPS/story-");
    let after = entries.split_off(split);
    let io = |source| Error::Write {
        path: dest.to_path_buf(),
        source,
    };
    let mut zip = ZipWriter::new(out).map_err(io)?;
    for p in entries.into_par_iter().map(pack).collect::<Vec<_>>() {
        zip.add(p).map_err(io)?;
    }
    for chunk in jobs.chunks(PAGES_IN_FLIGHT) {
        let packed: Vec<Result<crate::output::epub::Packed>> = chunk
            .par_iter()
            .map(|(inst, view, i)| {
                let part = &inst.parts[*i];
                let path = format!("OEBPS/{}", view.parts[*i].href);
                let ctx = context! {
                    book => book_value.clone(),
                    labels => labels_value.clone(),
                    installment => Value::from_serialize(view),
                    part => Value::from_serialize(&view.parts[*i]),
                };
                let body = match typeset.get(&part.source.file).map(|b| &b.0) {
                    Some(typeset) if !typeset.is_empty() => {
                        if let Some((before, after)) =
                            templates.render_around_body("part.xhtml", ctx.clone())
                        {
                            return Ok(pack_around(
                                path,
                                before.as_bytes(),
                                typeset,
                                after.as_bytes(),
                            ));
                        }
                        String::from_utf8(typeset.inflate())
                            .expect("a typeset body is the UTF-8 it was made from")
                    }
                    Some(_) => String::new(),
                    None => {
                        let mut body = String::with_capacity(part.words * 7);
                        write_body(&part.body.events, &images, labels, &mut body);
                        body
                    }
                };
                let html =
                    templates.render("part.xhtml", context! { body => markup(body), ..ctx })?;
                Ok(pack(Entry::new(path, html)))
            })
            .collect();
        for p in packed {
            zip.add(p?).map_err(io)?;
        }
    }
    for p in after.into_par_iter().map(pack).collect::<Vec<_>>() {
        zip.add(p).map_err(io)?;
    }
    zip.finish(comment).map_err(io)
}
