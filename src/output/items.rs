//! The package's items in one typed table, built once per book: every file the
//! manifest lists, with whether the spine reads it, its lines in the contents and its
//! landmark. The manifest, spine, nav, NCX, landmarks and guide are all read off this
//! table, so a front page is named once and those lists cannot disagree.

use serde::Serialize;

use crate::labels::Labels;
use crate::output::assets::{Extras, ImageAsset};
use crate::output::pages::page_href;
use crate::output::views::BookView;

const XHTML: &str = "application/xhtml+xml";

/// One file of the package, as the manifest lists it. Templates see the table as
/// `manifest`.
#[derive(Debug, Clone, Serialize)]
pub struct Item<'a> {
    pub id: String,
    pub href: String,
    pub media_type: &'static str,
    pub properties: Option<&'static str>,
    /// Whether the spine reads it; the spine keeps the table's order.
    pub in_spine: bool,
    /// Its lines in the table of contents, outermost first: the first page of a
    /// many-part installment is both the installment and its first part.
    pub contents: Vec<ContentsLine>,
    pub landmark: Option<Landmark>,
    #[serde(skip)]
    pub source: Source<'a>,
}

/// A line of the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ContentsLine {
    /// 0 at the top; 1 for a part, under the installment before it.
    pub depth: usize,
    pub label: String,
    /// The anchor in the page it points at, if not the page itself: a part points at
    /// its heading (`title`), so it never shares a target with its installment (which
    /// a reader such as FBReader takes as one entry and folds away).
    pub anchor: Option<&'static str>,
}

/// What an item is among the book's landmarks (EPUB 3) and in its guide (EPUB 2).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Landmark {
    /// EPUB 3 landmark `epub:type`.
    pub kind: &'static str,
    /// EPUB 2 guide `type`.
    pub guide_type: &'static str,
    pub label: String,
}

/// What fills an item. Pages and documents made from a template use the template
/// named as the item's href.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A page before the story (cover, about, warnings, contents).
    FrontPage,
    /// A story page: page `page` of part `part` of installment `installment` (indices
    /// in reading order, from 0). A long part is cut into several pages
    /// (`pages::PAGE_LIMIT`); only its first has contents lines and its heading.
    Story {
        installment: usize,
        part: usize,
        page: usize,
    },
    Nav,
    Ncx,
    Style,
    Image(&'a ImageAsset),
}

/// The package's items, in manifest order: the pages in reading order, then the
/// navigation, the stylesheet and the images. `pages(i, j)` is how many pages part `j`
/// of installment `i` was cut into (at least 1).
pub fn items<'a>(
    book: &BookView,
    extras: &'a Extras,
    labels: &Labels,
    pages: impl Fn(usize, usize) -> usize,
) -> Vec<Item<'a>> {
    let page = |name: &str, contents: Option<&str>, landmark: Option<Landmark>| Item {
        id: name.to_string(),
        href: format!("{name}.xhtml"),
        media_type: XHTML,
        properties: None,
        in_spine: true,
        contents: contents
            .map(|label| ContentsLine {
                depth: 0,
                label: label.to_string(),
                anchor: None,
            })
            .into_iter()
            .collect(),
        landmark,
        source: Source::FrontPage,
    };
    let landmark = |kind, guide_type, label: &str| {
        Some(Landmark {
            kind,
            guide_type,
            label: label.to_string(),
        })
    };
    let mut items = Vec::new();
    if extras.cover.is_some() {
        items.push(page(
            "cover",
            None,
            landmark("cover", "cover", &labels.cover),
        ));
    }
    items.push(page(
        "about",
        Some(&labels.about),
        landmark("titlepage", "title-page", &labels.about),
    ));
    // A book opens at its `bodymatter` landmark (Apple Books) or guide `text` entry
    // (Calibre's Kindle formats) the first time: the warnings, so no reader starts
    // past them.
    items.push(page(
        "warnings",
        Some(&labels.warnings),
        landmark("bodymatter", "text", &labels.start),
    ));
    items.push(page(
        "contents",
        Some(&labels.contents),
        landmark("toc", "toc", &labels.contents),
    ));

    let mut n = 0;
    for (i, inst) in book.installments.iter().enumerate() {
        for (j, part) in inst.parts.iter().enumerate() {
            n += 1;
            let mut contents = Vec::new();
            if j == 0 {
                contents.push(ContentsLine {
                    depth: 0,
                    label: inst.label.clone(),
                    anchor: None,
                });
            }
            if inst.parts.len() > 1 {
                contents.push(ContentsLine {
                    depth: 1,
                    label: part.contents_label.clone(),
                    anchor: Some("title"),
                });
            }
            for page in 0..pages(i, j).max(1) {
                let id = match page {
                    0 => format!("story-{n:03}"),
                    _ => format!("story-{n:03}-{}", page + 1),
                };
                items.push(Item {
                    id,
                    href: page_href(&part.href, page),
                    media_type: XHTML,
                    properties: None,
                    in_spine: true,
                    contents: std::mem::take(&mut contents),
                    landmark: None,
                    source: Source::Story {
                        installment: i,
                        part: j,
                        page,
                    },
                });
            }
        }
    }

    let document = |id: &str, href: &str, media_type, properties, source| Item {
        id: id.to_string(),
        href: href.to_string(),
        media_type,
        properties,
        in_spine: false,
        contents: Vec::new(),
        landmark: None,
        source,
    };
    items.push(document(
        "nav",
        "nav.xhtml",
        XHTML,
        Some("nav"),
        Source::Nav,
    ));
    items.push(document(
        "ncx",
        "toc.ncx",
        "application/x-dtbncx+xml",
        None,
        Source::Ncx,
    ));
    items.push(document(
        "css",
        "style.css",
        "text/css",
        None,
        Source::Style,
    ));
    if let Some(cover) = &extras.cover {
        items.push(document(
            "cover-image",
            &cover.href,
            cover.media_type,
            Some("cover-image"),
            Source::Image(cover),
        ));
    }
    for (i, (_, image)) in extras.images.iter().enumerate() {
        items.push(document(
            &format!("image-{:03}", i + 1),
            &image.href,
            image.media_type,
            None,
            Source::Image(image),
        ));
    }
    items
}

/// The spine: the ids of the items read, in reading order.
pub fn spine<'i>(items: &'i [Item]) -> Vec<&'i str> {
    items
        .iter()
        .filter(|i| i.in_spine)
        .map(|i| i.id.as_str())
        .collect()
}

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

/// The table of contents, nested as the items' lines say.
pub fn toc(items: &[Item]) -> Vec<TocEntry> {
    let mut entries: Vec<TocEntry> = Vec::new();
    for item in items {
        for line in &item.contents {
            let mut list = &mut entries;
            for _ in 0..line.depth {
                let Some(last) = list.len().checked_sub(1) else {
                    break;
                };
                list = &mut list[last].children;
            }
            let href = match line.anchor {
                Some(anchor) => format!("{}#{anchor}", item.href),
                None => item.href.clone(),
            };
            list.push(TocEntry {
                label: line.label.clone(),
                href,
                play_order: 0,
                id: String::new(),
                children: Vec::new(),
            });
        }
    }
    // NCX requires one playOrder per target, increasing in reading order. Every line
    // has a target of its own (a part points at its heading), so each gets the next.
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

/// How deep the table of contents goes (NCX `dtb:depth`).
pub fn toc_depth(entries: &[TocEntry]) -> usize {
    entries
        .iter()
        .map(|e| 1 + toc_depth(&e.children))
        .max()
        .unwrap_or(0)
}

/// A landmark with its target, as the nav document and the guide list them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LandmarkEntry {
    pub kind: &'static str,
    pub guide_type: &'static str,
    pub label: String,
    pub href: String,
}

/// The landmarks, in reading order.
pub fn landmarks(items: &[Item]) -> Vec<LandmarkEntry> {
    items
        .iter()
        .filter_map(|i| {
            i.landmark.as_ref().map(|l| LandmarkEntry {
                kind: l.kind,
                guide_type: l.guide_type,
                label: l.label.clone(),
                href: i.href.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::{Installment, Part, Series, SourceInfo};
    use crate::input::header::Header;
    use crate::output::views::book_view;
    use crate::read::event::Body;

    fn part(file: &str, n: Option<u32>) -> Part {
        Part {
            part: n,
            source: SourceInfo {
                file: file.into(),
                encoding: "UTF-8".into(),
            },
            full_title: String::new(),
            header: Header::default(),
            body: Body::default(),
            words: 10,
        }
    }

    /// Three installments: one page, two parts, one page; a cover and one image.
    fn table() -> (BookView, Extras) {
        let series = Series {
            title: "Lantern Road".into(),
            authors: vec!["Wren Halloway".into()],
            language: "en".into(),
            installments: vec![
                Installment {
                    number: Some(1),
                    title: "Harbour".into(),
                    parts: vec![part("a.txt", None)],
                },
                Installment {
                    number: Some(2),
                    title: String::new(),
                    parts: vec![part("b1.txt", Some(1)), part("b2.txt", Some(2))],
                },
                Installment {
                    number: None,
                    title: "Extra".into(),
                    parts: vec![part("c.txt", None)],
                },
            ],
            ..Series::default()
        };
        let image = |href: &str| ImageAsset {
            href: href.into(),
            media_type: "image/png",
            bytes: vec![1, 2, 3],
            width: 1,
            height: 1,
        };
        let extras = Extras {
            cover: Some(image("images/cover.png")),
            images: vec![("map.png".into(), image("images/map.png"))],
            ..Extras::default()
        };
        let book = book_view(&series, &extras, Labels::for_language("en"));
        (book, extras)
    }

    #[test]
    fn one_spine_entry_per_page_in_reading_order() {
        let (book, extras) = table();
        let items = items(&book, &extras, Labels::for_language("en"), |_, _| 1);
        assert_eq!(
            spine(&items),
            [
                "cover",
                "about",
                "warnings",
                "contents",
                "story-001",
                "story-002",
                "story-003",
                "story-004"
            ]
        );
        let story_hrefs: Vec<&str> = items
            .iter()
            .filter(|i| matches!(i.source, Source::Story { .. }))
            .map(|i| i.href.as_str())
            .collect();
        let part_hrefs: Vec<&str> = book
            .installments
            .iter()
            .flat_map(|i| i.parts.iter().map(|p| p.href.as_str()))
            .collect();
        assert_eq!(story_hrefs, part_hrefs);
        let mut ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), items.len(), "manifest ids are unique");
    }

    #[test]
    fn every_contents_and_landmark_target_is_in_the_manifest() {
        let (book, extras) = table();
        let items = items(&book, &extras, Labels::for_language("en"), |_, _| 1);
        let in_manifest = |href: &str| {
            let file = href.split('#').next().unwrap_or(href);
            items.iter().any(|i| i.href == file)
        };
        fn hrefs(entries: &[TocEntry], out: &mut Vec<String>) {
            for e in entries {
                out.push(e.href.clone());
                hrefs(&e.children, out);
            }
        }
        let mut targets = Vec::new();
        hrefs(&toc(&items), &mut targets);
        targets.extend(landmarks(&items).into_iter().map(|l| l.href));
        assert!(!targets.is_empty());
        for href in &targets {
            assert!(in_manifest(href), "{href}");
        }
        let kinds: Vec<&str> = landmarks(&items).iter().map(|l| l.kind).collect();
        assert_eq!(kinds, ["cover", "titlepage", "bodymatter", "toc"]);
        // The first open lands on the warnings, never past them.
        let start = landmarks(&items)
            .into_iter()
            .find(|l| l.kind == "bodymatter");
        assert_eq!(
            start.map(|l| (l.guide_type, l.href)),
            Some(("text", "warnings.xhtml".into()))
        );
    }

    #[test]
    fn nav_and_ncx_share_their_labels_from_the_catalogue() {
        let (book, extras) = table();
        let labels = Labels::for_language("en");
        let items = items(&book, &extras, labels, |_, _| 1);
        let toc = toc(&items);
        let top: Vec<&str> = toc.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            top,
            [
                labels.about.as_str(),
                &labels.warnings,
                &labels.contents,
                "1. Harbour",
                &labels.untitled_installment_label(2),
                "Extra"
            ]
        );
        let parts: Vec<&str> = toc[4].children.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(parts, [labels.part_label(1), labels.part_label(2)]);
        // An installment and its first part point at the same page, but not at the same
        // target: the part at its heading, so no reader folds it into the installment.
        assert_eq!(toc[4].href, "story-002.xhtml");
        assert_eq!(toc[4].children[0].href, "story-002.xhtml#title");
        assert_eq!(toc[4].children[1].href, "story-003.xhtml#title");
        assert_eq!(toc_depth(&toc), 2);

        // Both documents are rendered from this one table, so each label appears in both.
        let templates = crate::output::templates::Templates::new(&[]).unwrap();
        let book_value = minijinja::Value::from_serialize(&book);
        let nav = templates
            .render(
                "nav.xhtml",
                minijinja::context! { book => book_value.clone(), labels => labels, toc => toc.clone(), landmarks => landmarks(&items) },
            )
            .unwrap();
        let ncx = templates
            .render(
                "toc.ncx",
                minijinja::context! { book => book_value, labels => labels, toc => toc.clone(), depth => toc_depth(&toc) },
            )
            .unwrap();
        let mut labels_seen = Vec::new();
        fn collect(entries: &[TocEntry], out: &mut Vec<String>) {
            for e in entries {
                out.push(crate::output::xhtml::escape(&e.label));
                collect(&e.children, out);
            }
        }
        collect(&toc, &mut labels_seen);
        for label in &labels_seen {
            assert!(nav.contains(&format!(">{label}</a>")), "nav: {label}");
            assert!(
                ncx.contains(&format!("<text>{label}</text>")),
                "ncx: {label}"
            );
        }
    }

    #[test]
    fn without_a_cover_there_is_no_cover_page_or_landmark() {
        let (book, mut extras) = table();
        extras.cover = None;
        let items = items(&book, &extras, Labels::for_language("en"), |_, _| 1);
        assert_eq!(spine(&items)[0], "about");
        assert!(landmarks(&items).iter().all(|l| l.kind != "cover"));
        assert!(items.iter().all(|i| i.id != "cover-image"));
    }
}
