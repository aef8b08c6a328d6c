//! From the series model to the files of an EPUB: the item table (`items`) names every
//! file once; the front pages, the package document (OPF), the navigation document and
//! the EPUB 2 NCX are rendered from templates over it, and the story pages are streamed
//! into the zip in reading order.

use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;

use std::io::Write;
use std::path::Path;

use crate::book::model::{body_key, Series};
use crate::error::{Error, Result};
use crate::input::settings::BookFormat;
use crate::labels::Labels;
use crate::output::assets::Extras;
use crate::output::epub::{pack, pack_around, Entry, Packed, ZipWriter};
use crate::output::items::{items, landmarks, spine, toc, toc_depth, Item, Source};
use crate::output::kepub::Markup;
use crate::output::pages::{page_href, resolve_links, Body, Typeset};
use crate::output::templates::{markup, Templates};
use crate::output::views::{book_view, BookView};
use crate::output::xhtml::ImageMap;

#[derive(Debug, Clone, Serialize)]
struct Accessibility {
    access_modes: Vec<&'static str>,
    features: Vec<&'static str>,
    summary: String,
}

/// How many story pages are rendered and compressed at once: enough to keep every core
/// busy, few enough that memory stays bounded however long the book is.
const PAGES_IN_FLIGHT: usize = 16;

/// Renders every file of the book and writes the EPUB to `out`, story pages streamed in
/// reading order so no more than a few are in memory. `dest` names the output in errors.
/// `templates` may hold the user's overrides; `comment` is the zip comment. The bodies
/// in `typeset` were typeset for `format`; a KEPUB's pages get Kobo's markup around
/// what the templates write too.
#[allow(clippy::too_many_arguments)]
pub fn write_book<W: Write>(
    series: &Series,
    extras: &Extras,
    typeset: &Typeset,
    templates: &Templates,
    comment: &str,
    format: BookFormat,
    out: W,
    dest: &Path,
) -> Result<W> {
    let labels = &*templates.labels(&series.language)?;
    let book = book_view(series, extras, labels);
    let image_map: ImageMap = extras
        .images
        .iter()
        .map(|(src, a)| (src.clone(), a.href.clone()))
        .collect();
    // Bodies with images wait for the series' image names: they are typeset (and cut
    // into pages) now, so every part's pages are known before the item table is made.
    let mut late = Typeset::default();
    for part in series.installments.iter().flat_map(|i| &i.parts) {
        let key = body_key(&part.source, &part.header);
        if typeset.get(&key).is_none() {
            let body = Body::typeset(&part.body.events, part.words, &image_map, labels, format);
            late.insert(key, body);
        }
    }
    let body_of = |installment: usize, part: usize| {
        let part = &series.installments[installment].parts[part];
        let key = body_key(&part.source, &part.header);
        typeset
            .get(&key)
            .or_else(|| late.get(&key))
            .expect("every body was typeset")
    };
    let items = items(&book, extras, labels, |i, j| body_of(i, j).pages().len());
    // Every template sees these two; some add their own values.
    let base =
        context! { book => Value::from_serialize(&book), labels => Value::from_serialize(labels) };

    let kepub = format == BookFormat::Kepub;
    let mut entries = front_pages(&items, templates, &base, kepub)?;
    entries.extend(package_documents(&items, templates, &base, labels)?);
    entries.extend(images(&items));
    let stories = StoryPages {
        book: &book,
        body_of: &body_of,
        templates,
        base: &base,
        kepub,
    };
    write_zip(entries, &items, &stories, comment, out, dest)
}

/// The pages before the story, each from its template; in a KEPUB, with Kobo's markup
/// as kepubify gives every page read: Kobo's reader keeps its place and counts pages
/// by the spans on the cover and the front pages as on any other.
fn front_pages(
    items: &[Item],
    templates: &Templates,
    base: &Value,
    kepub: bool,
) -> Result<Vec<Entry>> {
    items
        .iter()
        .filter(|i| matches!(i.source, Source::FrontPage))
        .map(|i| {
            let mut page = templates.render(&i.href, base.clone())?;
            if kepub {
                page = Markup::page().feed(&page);
            }
            Ok(Entry::new(format!("OEBPS/{}", i.href), page))
        })
        .collect()
}

/// The navigation document, the NCX and the stylesheet (items), then the package
/// document and the container, which the manifest does not list.
fn package_documents(
    items: &[Item],
    templates: &Templates,
    base: &Value,
    labels: &Labels,
) -> Result<Vec<Entry>> {
    let toc = toc(items);
    let depth = toc_depth(&toc);
    let toc = Value::from_serialize(&toc);
    let landmarks = Value::from_serialize(landmarks(items));
    let mut entries = Vec::new();
    for item in items {
        let ctx = match item.source {
            Source::Nav => {
                context! { toc => toc.clone(), landmarks => landmarks.clone(), ..base.clone() }
            }
            Source::Ncx => context! { toc => toc.clone(), depth => depth, ..base.clone() },
            Source::Style => base.clone(),
            Source::FrontPage | Source::Story { .. } | Source::Image(_) => continue,
        };
        let document = templates.render(&item.href, ctx)?;
        entries.push(Entry::new(format!("OEBPS/{}", item.href), document));
    }
    let opf = templates.render(
        "content.opf",
        context! {
            manifest => Value::from_serialize(items),
            spine => spine(items),
            landmarks => landmarks,
            accessibility => accessibility(items, labels),
            ..base.clone()
        },
    )?;
    entries.push(Entry::new("OEBPS/content.opf", opf));
    entries.push(Entry::new(
        "META-INF/container.xml",
        templates.render("container.xml", base.clone())?,
    ));
    Ok(entries)
}

/// What the package says of its accessibility, which depends on whether it has images.
fn accessibility(items: &[Item], labels: &Labels) -> Accessibility {
    let has_images = items.iter().any(|i| matches!(i.source, Source::Image(_)));
    let mut features = vec![
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ];
    if has_images {
        features.push("alternativeText");
    }
    Accessibility {
        access_modes: if has_images {
            vec!["textual", "visual"]
        } else {
            vec!["textual"]
        },
        features,
        summary: if has_images {
            labels.accessibility_with_images.clone()
        } else {
            labels.accessibility_text_only.clone()
        },
    }
}

/// The cover and the images, as they are.
fn images(items: &[Item]) -> Vec<Entry> {
    items
        .iter()
        .filter_map(|i| match i.source {
            Source::Image(image) => {
                Some(Entry::new(format!("OEBPS/{}", i.href), image.bytes.clone()))
            }
            _ => None,
        })
        .collect()
}

/// What rendering a story page needs.
struct StoryPages<'a> {
    book: &'a BookView,
    /// The typeset body of part `j` of installment `i`.
    body_of: &'a (dyn Fn(usize, usize) -> &'a Body + Sync),
    templates: &'a Templates,
    base: &'a Value,
    /// A KEPUB: the template's part of each page gets Kobo's markup (the body has it).
    kepub: bool,
}

impl StoryPages<'_> {
    /// Renders and compresses page `page` of part `index` of installment
    /// `installment`: joined around its typeset body when the template allows, else
    /// rendered whole.
    fn pack(&self, installment: usize, index: usize, page: usize, href: &str) -> Result<Packed> {
        let templates = self.templates;
        let view = &self.book.installments[installment];
        let body = (self.body_of)(installment, index);
        let path = format!("OEBPS/{href}");
        let ctx = context! {
            installment => Value::from_serialize(view),
            part => Value::from_serialize(&view.parts[index]),
            // Only the first page of a part carries its heading.
            page => context! {
                number => page + 1,
                first => page == 0,
                count => body.pages().len(),
            },
            ..self.base.clone()
        };
        let typeset = &body.pages()[page];
        if !typeset.is_empty() && !body.links_across_pages() {
            if let Some((mut before, mut after)) =
                templates.render_around_body("part.xhtml", ctx.clone())
            {
                if self.kepub {
                    let mut markup = Markup::story_page();
                    before = markup.feed(&before);
                    after = markup.feed(&after);
                }
                return Ok(pack_around(
                    path,
                    before.as_bytes(),
                    typeset,
                    after.as_bytes(),
                ));
            }
        }
        let mut body_xhtml = String::from_utf8(typeset.inflate())
            .expect("a typeset body is the UTF-8 it was made from");
        if body.links_across_pages() {
            let first = &view.parts[index].href;
            body_xhtml = resolve_links(&body_xhtml, |n| page_href(first, n));
        }
        let mut html =
            templates.render("part.xhtml", context! { body => markup(body_xhtml), ..ctx })?;
        if self.kepub {
            // The body's own spans are left as they are.
            html = Markup::story_page().feed(&html);
        }
        Ok(pack(Entry::new(path, html)))
    }
}

/// Writes the zip: `entries` and the story pages in name order, the story pages
/// (`OEBPS/story-NNN.xhtml`) streamed in the middle, `PAGES_IN_FLIGHT` at a time.
fn write_zip<W: Write>(
    mut entries: Vec<Entry>,
    items: &[Item],
    stories: &StoryPages,
    comment: &str,
    out: W,
    dest: &Path,
) -> Result<W> {
    let jobs: Vec<(usize, usize, usize, &str)> = items
        .iter()
        .filter_map(|i| match i.source {
            Source::Story {
                installment,
                part,
                page,
            } => Some((installment, part, page, i.href.as_str())),
            _ => None,
        })
        .collect();
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
        let packed: Vec<Result<Packed>> = chunk
            .par_iter()
            .map(|&(installment, part, page, href)| stories.pack(installment, part, page, href))
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
