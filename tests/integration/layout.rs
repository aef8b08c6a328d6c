//! The book's layout where readers differ: the contents page read without CSS, and the
//! stylesheet's rules that keep things together across a page turn.

use std::path::Path;

use crate::support::*;

fn built(series: &Path) -> Epub {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("book.epub");
    assert_cmd::Command::cargo_bin("ficbind")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .arg("build")
        .arg(series)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    assert_epubcheck_clean(&out);
    Epub::new(std::fs::read(&out).unwrap())
}

/// FBReader and Okular draw a nested list flat, so `Part 1` and `Part 2` read as
/// installments of their own. The parts belong on their installment's line, which
/// reads right with no CSS at all; the nav document stays a nested list.
#[test]
fn contents_page_lists_parts_on_their_installments_line() {
    let mut epub = built(&sample("lantern-road"));
    let page = epub.text("OEBPS/contents.xhtml");
    let list = &page[page.find("<ul").unwrap()..page.rfind("</ul>").unwrap()];
    // One flat list, unnumbered: the labels carry the numbers (no `1. 1. Kindling`).
    assert!(!page.contains("<ol"), "{page}");
    assert_eq!(list.matches("<ul").count(), 1, "one flat list: {list}");
    let lines: Vec<String> = list
        .split("<li>")
        .skip(1)
        .map(|li| {
            strip_tags(li)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(
        lines.contains(&"3. The Lantern Keeper — Part 1 · Part 2".to_string()),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| !l.starts_with("Part ")), "{lines:?}");
    // Every part still has its own link.
    let line = list
        .split("<li>")
        .find(|li| li.contains("The Lantern Keeper"))
        .unwrap();
    assert_eq!(line.matches("<a href=").count(), 3, "{line}");
    // The nav document keeps the nesting for reading systems' own contents panels.
    let nav = epub.text("OEBPS/nav.xhtml");
    let toc = &nav[..nav.find("epub:type=\"landmarks\"").unwrap()];
    assert_eq!(toc.matches("<ol>").count(), 2, "{toc}");
}

/// The keep-together rules, each for a page turn seen in Calibre's viewer: a label at a
/// page's foot with its value over the page, a `TBC` alone at the top of a page, a note
/// box cut in two or alone on a page.
#[test]
fn stylesheet_keeps_labels_closings_and_notes_with_their_neighbours() {
    let css = built(&sample("glass-harbour")).text("OEBPS/style.css");
    let rule = |selector: &str| -> String {
        css.lines()
            .filter(|l| {
                l.split('{')
                    .next()
                    .unwrap()
                    .split(',')
                    .any(|s| s.trim() == selector)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (selector, declarations) in [
        ("dt", &["page-break-after: avoid", "break-after: avoid"][..]),
        ("dd", &["page-break-before: avoid", "break-before: avoid"]),
        (
            "dl > div",
            &["page-break-inside: avoid", "break-inside: avoid"],
        ),
        (".fact", &["break-inside: avoid"]),
        (
            ".closing",
            &["page-break-before: avoid", "break-before: avoid"],
        ),
        (
            ".author-note",
            &["page-break-inside: avoid", "break-inside: avoid"],
        ),
        (".author-note:last-child", &["break-before: avoid"]),
    ] {
        let rule = rule(selector);
        for d in declarations {
            assert!(
                rule.contains(d),
                "{selector} {{ {d} }} in the stylesheet:\n{rule}"
            );
        }
    }
}
