//! The package's own documents: `META-INF/container.xml` names the OPF; the OPF gives
//! the metadata, the manifest and the spine (the reading order); the NCX (EPUB 2) or
//! the navigation document (EPUB 3) gives the chapters' titles. All are XML, read with
//! roxmltree; a document that is not well-formed is said to be so, never guessed at.

use roxmltree::{Document, Node};

use crate::read::epub::package::{resolve, Refused};

/// What the OPF says.
#[derive(Debug, Clone, Default)]
pub struct Opf {
    /// The OPF's path inside the package, against which its hrefs resolve.
    pub path: String,
    pub meta: Metadata,
    /// Manifest items by id: (path inside the package, media type, properties).
    pub manifest: Vec<Item>,
    /// The spine's items, in reading order (`linear="no"` ones included).
    pub spine: Vec<Item>,
    /// The NCX named by the spine's `toc`, or the manifest's `nav` document.
    pub ncx: Option<String>,
    pub nav: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub path: String,
    pub media_type: String,
    pub properties: String,
}

/// The OPF's metadata, as plain strings in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub titles: Vec<String>,
    pub creators: Vec<String>,
    pub languages: Vec<String>,
    pub subjects: Vec<String>,
    pub description: Option<String>,
    pub publisher: Option<String>,
    /// `dc:date`s: the publication one (EPUB 2 `opf:event`, or the only one) first.
    pub published: Option<String>,
    pub modified: Option<String>,
    /// A web address the work came from (`dc:source`, or a URL `dc:identifier`).
    pub source: Option<String>,
    /// The series and the work's place in it: `calibre:series`/`series_index`, or
    /// EPUB 3 `belongs-to-collection` with its `group-position`.
    pub series: Option<String>,
    pub series_index: Option<String>,
}

/// The OPF's path, from `META-INF/container.xml`.
pub fn rootfile(container: &str) -> Result<String, Refused> {
    let doc = parse(container, "META-INF/container.xml")?;
    doc.descendants()
        .filter(|n| n.has_tag_name("rootfile"))
        .filter(|n| {
            n.attribute("media-type")
                .is_none_or(|m| m == "application/oebps-package+xml")
        })
        .find_map(|n| n.attribute("full-path"))
        .map(|p| resolve("", p))
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Refused("its META-INF/container.xml names no package document (OPF), so it has no reading order; download the work again".into())
        })
}

fn parse<'a>(text: &'a str, name: &str) -> Result<Document<'a>, Refused> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    Document::parse_with_options(text, opts)
        .map_err(|e| Refused(format!("its {name} is not well-formed XML ({e})")))
}

fn text(n: Node<'_, '_>) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the OPF at `path`.
pub fn read(text_of_opf: &str, path: &str) -> Result<Opf, Refused> {
    let doc = parse(text_of_opf, path)?;
    let root = doc.root_element();
    let mut opf = Opf {
        path: path.to_string(),
        ..Opf::default()
    };
    let child = |name: &str| root.children().find(|n| n.has_tag_name(name));
    if let Some(meta) = child("metadata") {
        opf.meta = metadata(meta);
    }
    if let Some(manifest) = child("manifest") {
        for item in manifest.children().filter(|n| n.has_tag_name("item")) {
            let (Some(id), Some(href)) = (item.attribute("id"), item.attribute("href")) else {
                continue;
            };
            opf.manifest.push(Item {
                id: id.to_string(),
                path: resolve(path, href),
                media_type: item.attribute("media-type").unwrap_or("").to_string(),
                properties: item.attribute("properties").unwrap_or("").to_string(),
            });
        }
    }
    let by_id = |id: &str| opf.manifest.iter().find(|i| i.id == id).cloned();
    if let Some(spine) = child("spine") {
        opf.ncx = spine.attribute("toc").and_then(&by_id).map(|i| i.path);
        opf.spine = spine
            .children()
            .filter(|n| n.has_tag_name("itemref"))
            .filter_map(|n| n.attribute("idref"))
            .filter_map(by_id)
            .collect();
    }
    if opf.ncx.is_none() {
        opf.ncx = opf
            .manifest
            .iter()
            .find(|i| i.media_type == "application/x-dtbncx+xml")
            .map(|i| i.path.clone());
    }
    opf.nav = opf
        .manifest
        .iter()
        .find(|i| i.properties.split_whitespace().any(|p| p == "nav"))
        .map(|i| i.path.clone());
    Ok(opf)
}

fn metadata(meta: Node<'_, '_>) -> Metadata {
    let mut m = Metadata::default();
    let mut dates: Vec<(Option<String>, String)> = Vec::new();
    let mut collections: Vec<(Option<String>, String)> = Vec::new();
    // EPUB 3 refinements: `<meta refines="#id" property="…">value</meta>`.
    let refinement = |id: &str, property: &str| {
        meta.children()
            .filter(|n| n.has_tag_name("meta"))
            .find(|n| {
                n.attribute("refines") == Some(&format!("#{id}"))
                    && n.attribute("property") == Some(property)
            })
            .map(text)
    };
    for n in meta.children().filter(|n| n.is_element()) {
        let value = text(n);
        match n.tag_name().name() {
            "title" if !value.is_empty() => m.titles.push(value),
            "creator" if !value.is_empty() => {
                // Only authors: EPUB 2 `opf:role`, or an EPUB 3 `role` refinement.
                let role = n
                    .attributes()
                    .find(|a| a.name() == "role")
                    .map(|a| a.value().to_string())
                    .or_else(|| n.attribute("id").and_then(|id| refinement(id, "role")));
                if role.as_deref().is_none_or(|r| r == "aut") {
                    m.creators.push(value);
                }
            }
            "language" if !value.is_empty() => m.languages.push(value),
            "subject" if !value.is_empty() => m.subjects.push(value),
            "description" if !value.is_empty() && m.description.is_none() => {
                m.description = Some(description(n));
            }
            "publisher" if !value.is_empty() => m.publisher = Some(value),
            "source" if is_web(&value) => m.source = Some(value),
            "identifier" if is_web(&value) && m.source.is_none() => m.source = Some(value),
            "date" if !value.is_empty() => {
                let event = n
                    .attributes()
                    .find(|a| a.name() == "event")
                    .map(|a| a.value().to_string());
                dates.push((event, value));
            }
            "meta" => {
                let name = n.attribute("name").unwrap_or("");
                let content = n.attribute("content").unwrap_or("").trim().to_string();
                match (name, n.attribute("property")) {
                    ("calibre:series", _) if !content.is_empty() => m.series = Some(content),
                    ("calibre:series_index", _) if !content.is_empty() => {
                        m.series_index = Some(content)
                    }
                    (_, Some("belongs-to-collection")) if n.attribute("refines").is_none() => {
                        collections.push((n.attribute("id").map(str::to_string), value));
                    }
                    (_, Some("dcterms:modified")) => m.modified = Some(value),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    m.published = dates
        .iter()
        .find(|(e, _)| e.as_deref() == Some("publication"))
        .or_else(|| dates.iter().find(|(e, _)| e.is_none()))
        .map(|(_, d)| d.clone());
    if m.modified.is_none() {
        m.modified = dates
            .iter()
            .find(|(e, _)| e.as_deref() == Some("modification"))
            .map(|(_, d)| d.clone());
    }
    if m.series.is_none() {
        // The first collection that is a series (or says nothing of its kind).
        if let Some((id, name)) = collections.into_iter().find(|(id, _)| {
            id.as_deref()
                .and_then(|id| refinement(id, "collection-type"))
                .is_none_or(|t| t == "series")
        }) {
            m.series_index = id
                .as_deref()
                .and_then(|id| refinement(id, "group-position"));
            m.series = Some(name);
        }
    }
    m
}

/// A `dc:description` as plain paragraphs: downloaders put HTML in it, escaped.
fn description(n: Node<'_, '_>) -> String {
    let raw: String = n
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    if raw.contains('<') {
        let doc = scraper::Html::parse_fragment(&raw);
        let mut out: Vec<String> = Vec::new();
        let mut current = String::new();
        for node in doc.root_element().descendants() {
            match node.value() {
                scraper::Node::Text(t) => current.push_str(t),
                scraper::Node::Element(e) if matches!(e.name(), "p" | "br" | "div" | "li") => {
                    out.push(std::mem::take(&mut current));
                }
                _ => {}
            }
        }
        out.push(current);
        return paragraphs(out.iter().map(String::as_str));
    }
    paragraphs(raw.split("\n\n"))
}

fn paragraphs<'a>(pieces: impl Iterator<Item = &'a str>) -> String {
    pieces
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn is_web(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !value.contains(char::is_whitespace)
}

/// One entry of the table of contents: its label, the document it points at, and the
/// element in it (`#id`) when the entry points inside the document: a book that keeps
/// several chapters in one file points at each one's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub label: String,
    pub path: String,
    pub fragment: Option<String>,
}

/// The `id` an address points at after its `#`, if any.
fn fragment(href: &str) -> Option<String> {
    let (_, id) = href.split_once('#')?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// The NCX's navigation points, depth first (the reading order of the contents).
pub fn ncx(text_of_ncx: &str, path: &str) -> Result<Vec<TocEntry>, Refused> {
    let doc = parse(text_of_ncx, path)?;
    let Some(map) = doc.descendants().find(|n| n.has_tag_name("navMap")) else {
        return Ok(Vec::new());
    };
    Ok(map
        .descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .filter_map(|p| {
            let label = p
                .children()
                .find(|n| n.has_tag_name("navLabel"))
                .map(text)?;
            let src = p
                .children()
                .find(|n| n.has_tag_name("content"))?
                .attribute("src")?;
            Some(TocEntry {
                label,
                path: resolve(path, src),
                fragment: fragment(src),
            })
        })
        .collect())
}

/// The EPUB 3 navigation document's `toc` list, depth first.
pub fn nav(text_of_nav: &str, path: &str) -> Result<Vec<TocEntry>, Refused> {
    let doc = parse(text_of_nav, path)?;
    let is_toc = |n: &Node<'_, '_>| {
        n.has_tag_name("nav")
            && n.attributes()
                .any(|a| a.name() == "type" && a.value().split_whitespace().any(|t| t == "toc"))
    };
    let Some(toc) = doc.descendants().find(is_toc) else {
        return Ok(Vec::new());
    };
    Ok(toc
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .filter_map(|a| {
            let href = a.attribute("href")?;
            Some(TocEntry {
                label: text(a),
                path: resolve(path, href),
                fragment: fragment(href),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epub3_collections_refine_into_a_series_and_place() {
        let opf = r##"<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>The Reed Boat</dc:title>
<dc:creator id="c1">Ada Fen</dc:creator><meta refines="#c1" property="role">aut</meta>
<dc:creator id="c2">Ed Itor</dc:creator><meta refines="#c2" property="role">edt</meta>
<dc:description>&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two &amp;amp; three.&lt;/p&gt;</dc:description>
<dc:identifier>https://example.org/works/9</dc:identifier>
<dc:date>2020-02-03</dc:date>
<meta property="belongs-to-collection" id="s">Fen Tales</meta>
<meta refines="#s" property="collection-type">series</meta>
<meta refines="#s" property="group-position">4</meta>
</metadata>
<manifest><item id="n" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="a" href="Text/a%20b.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="a"/></spine></package>"##;
        let opf = read(opf, "OEBPS/content.opf").unwrap();
        let m = &opf.meta;
        assert_eq!(m.titles, ["The Reed Boat"]);
        assert_eq!(m.creators, ["Ada Fen"]);
        assert_eq!(m.description.as_deref(), Some("One.\n\nTwo & three."));
        assert_eq!(m.source.as_deref(), Some("https://example.org/works/9"));
        assert_eq!(m.published.as_deref(), Some("2020-02-03"));
        assert_eq!(m.series.as_deref(), Some("Fen Tales"));
        assert_eq!(m.series_index.as_deref(), Some("4"));
        assert_eq!(opf.spine[0].path, "OEBPS/Text/a b.xhtml");
        assert_eq!(opf.nav.as_deref(), Some("OEBPS/nav.xhtml"));
    }

    #[test]
    fn no_rootfile_is_said() {
        let why = rootfile("<container><rootfiles/></container>")
            .unwrap_err()
            .0;
        assert!(why.contains("names no package document"), "{why}");
        assert_eq!(
            rootfile(r#"<container><rootfiles><rootfile full-path="OPS/p.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#).unwrap(),
            "OPS/p.opf"
        );
    }
}
