//! Long installments cut into pages, and contents entries that each have a target of
//! their own.

use std::path::Path;

use ficbind::Options;

use crate::support::*;

fn opts() -> Options {
    Options {
        source_date_epoch: Some(1_790_000_000),
        ..Options::default()
    }
}

/// A paragraph of our own prose, numbered so each is told apart, about 60 words.
fn paragraph(n: usize) -> String {
    format!(
        "Paragraph {n}. The harbourmaster walked the length of the breakwater with her lamp held low, \
         counting the boats that had come back and the ones that had not, and the gulls followed \
         her as far as the last bollard before turning back to the town, where the bells were \
         ringing for the evening and someone was singing badly in the tavern by the quay."
    )
}

/// The largest page body the rule allows: `PAGE_LIMIT` of story XHTML, the page
/// template around it, and one paragraph that did not fit.
const MOST_PAGE_BYTES: usize = 100 * 1024 + 4 * 1024;

/// The story pages of a book, with their XHTML.
fn story_pages(epub: &mut Epub) -> Vec<(String, String)> {
    epub.spine()
        .into_iter()
        .filter(|p| p.starts_with("story-"))
        .map(|p| {
            let text = epub.text(&format!("OEBPS/{p}"));
            (p, text)
        })
        .collect()
}

#[test]
fn a_150k_word_installment_is_cut_into_pages_with_one_contents_entry() {
    let dir = tempfile::tempdir().unwrap();
    // About 150,000 words in one file: 2,500 paragraphs with a scene break every 40.
    let mut long = String::from("Title: Breakwater 1: The Long Night\nAuthor: Wren Halloway\n\n");
    for n in 0..2_500 {
        if n > 0 && n % 40 == 0 {
            long.push_str("* * *\n\n");
        }
        long.push_str(&paragraph(n));
        long.push_str("\n\n");
    }
    std::fs::write(dir.path().join("breakwater-1.txt"), &long).unwrap();
    std::fs::write(
        dir.path().join("breakwater-2.txt"),
        format!(
            "Title: Breakwater 2: Morning\nAuthor: Wren Halloway\n\n{}\n",
            paragraph(9_999)
        ),
    )
    .unwrap();
    let book = ficbind::build_series(dir.path(), &opts()).unwrap();
    assert!(book.series.words() > 140_000, "{}", book.series.words());
    let mut epub = Epub::new(book.epub.clone());
    let pages = story_pages(&mut epub);
    assert!(pages.len() > 8, "{} pages", pages.len());
    assert_eq!(pages[0].0, "story-001.xhtml");
    assert_eq!(pages[1].0, "story-001-2.xhtml");
    assert_eq!(pages.last().unwrap().0, "story-002.xhtml");
    for (name, xhtml) in &pages {
        assert!(
            xhtml.len() <= MOST_PAGE_BYTES,
            "{name} is {} bytes",
            xhtml.len()
        );
    }
    // The heading is on the first page only.
    let headed: Vec<&str> = pages
        .iter()
        .filter(|(_, x)| x.contains("<h1"))
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(headed, ["story-001.xhtml", "story-002.xhtml"]);
    // Most pages turn at a scene break: the next page opens with it.
    let at_scene = pages[1..pages.len() - 1]
        .iter()
        .filter(|(_, x)| {
            let body = &x[x.find("<section").unwrap()..];
            let first = &body[body.find('>').unwrap() + 1..];
            first.trim_start().starts_with("<div class=\"scene-break\"")
        })
        .count();
    assert!(
        at_scene * 2 > pages.len() - 2,
        "{at_scene} of {}",
        pages.len()
    );
    // One contents entry per installment, in both the nav and the NCX.
    let ncx = epub.text("OEBPS/toc.ncx");
    let nav = epub.text("OEBPS/nav.xhtml");
    assert_eq!(ncx.matches("<navPoint ").count(), 3 + 2, "{ncx}");
    assert!(!ncx.contains("story-001-2") && !nav.contains("story-001-2"));
    let toc = &nav[..nav.find("epub:type=\"landmarks\"").unwrap()];
    assert_eq!(toc.matches("href=\"story-").count(), 2, "{nav}");
    // Every word, once, in order.
    let expected: Vec<String> = (0..2_500).flat_map(|n| words(&paragraph(n))).collect();
    let found = epub.story_words();
    is_subsequence(&expected, &found).unwrap();
    assert_eq!(
        found.iter().filter(|w| *w == "harbourmaster").count(),
        2_501
    );
    let out = dir.path().join("book.epub");
    std::fs::write(&out, &book.epub).unwrap();
    assert_epubcheck_clean(&out);
}

#[test]
fn a_note_cut_from_its_reference_still_links_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    // A Markdown installment of about 40,000 words with a note referred to on its
    // first page and written at its end, three pages later.
    let mut md = String::from(
        "---\ntitle: Tides\nauthor: Wren Halloway\n---\n\nThe tide turned.[^tide]\n\n",
    );
    for n in 0..700 {
        md.push_str(&paragraph(n));
        md.push_str("\n\n");
    }
    md.push_str("[^tide]: Twice a day, as the harbourmaster says.\n");
    std::fs::write(dir.path().join("tides.md"), &md).unwrap();
    let book = ficbind::build_series(dir.path(), &opts()).unwrap();
    let mut epub = Epub::new(book.epub.clone());
    let pages = story_pages(&mut epub);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let (last, last_xhtml) = pages.last().unwrap();
    assert!(last_xhtml.contains("id=\"fn-1\""));
    assert!(
        pages[0].1.contains(&format!("href=\"{last}#fn-1\"")),
        "{}",
        &pages[0].1[..2000]
    );
    assert!(last_xhtml.contains("href=\"story-001.xhtml#fnref-1\""));
    let out = dir.path().join("book.epub");
    std::fs::write(&out, &book.epub).unwrap();
    assert_epubcheck_clean(&out);
}

#[test]
fn every_contents_entry_has_a_target_and_play_order_of_its_own() {
    let mut epub = Epub::new(
        ficbind::build_series(Path::new(&sample("lantern-road")), &opts())
            .unwrap()
            .epub,
    );
    let ncx = epub.text("OEBPS/toc.ncx");
    let points: Vec<(String, String)> = ncx
        .split("<navPoint ")
        .skip(1)
        .map(|p| (attr(p, "playOrder"), attr(p, "src")))
        .collect();
    let mut targets: Vec<&str> = points.iter().map(|(_, src)| src.as_str()).collect();
    targets.sort_unstable();
    targets.dedup();
    assert_eq!(targets.len(), points.len(), "{points:?}");
    let orders: Vec<usize> = points.iter().map(|(o, _)| o.parse().unwrap()).collect();
    assert_eq!(orders, (1..=points.len()).collect::<Vec<_>>());
    // The two-part installment: the installment at its page, each part at its heading.
    let keeper = points
        .iter()
        .position(|(_, src)| src.ends_with("#title"))
        .unwrap();
    let page = points[keeper - 1].1.clone();
    assert!(!page.contains('#'));
    assert_eq!(points[keeper].1, format!("{page}#title"));
    assert!(points[keeper + 1].1.ends_with(".xhtml#title"));
    let nav = epub.text("OEBPS/nav.xhtml");
    for (_, src) in &points {
        assert!(nav.contains(&format!("href=\"{src}\"")), "{src}");
    }
}
