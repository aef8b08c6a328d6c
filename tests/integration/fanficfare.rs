//! FanFicFare's text download (`fanficfare -f txt`) as an installment: the fixture is
//! laid out as FanFicFare writes it (CRLF lines wrapped at 78 columns, a head of facts,
//! a contents list, chapters under indented titles, `End file.`), with our own story.

use crate::support::*;

#[test]
fn a_fanficfare_text_download_is_one_chaptered_work_with_its_facts() {
    let dir = fixture("fanficfare-txt");
    let book = ficbind::build_series(
        &dir,
        &ficbind::Options {
            source_date_epoch: Some(1_790_000_000),
            ..ficbind::Options::default()
        },
    )
    .unwrap();
    // The series and the work's place in it come from the head.
    assert_eq!(book.series.title, "Saltmarsh Letters");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("book.epub");
    std::fs::write(&path, &book.epub).unwrap();
    assert_epubcheck_clean(&path);

    let mut epub = Epub::new(book.epub);
    let nav = epub.text("OEBPS/nav.xhtml");
    let work = &nav[nav
        .find("5. The Far Bank")
        .expect("numbered 5 by its series")..];
    let nested = &work[..work.find("</ol>").unwrap()];
    assert_eq!(nested.matches("<li>").count(), 2, "{nested}");
    // A title wrapped over two lines is one title.
    assert!(nested.contains(
        "Chapter 2, What the Lamp Showed on the Far Bank When the Tide Was Lowest and Slack"
    ));
    let about = epub.text("OEBPS/about.xhtml");
    assert!(
        about.contains("Characters:</span> Oren Vale, Tamsin Hale"),
        "{about}"
    );
    assert!(about.contains("Tags:</span> Mystery, Quiet"), "{about}");
    assert!(about.contains("href=\"https://stories.example.org/s/4411\""));
    assert!(about.contains("Somebody on the far bank keeps paying for crossings nobody makes, and Tamsin means to learn who."));

    // The story is every paragraph of the file's chapters, and nothing of its head,
    // contents list or closing line.
    let pages = epub.story_text();
    for said in [
        "three of them, cockles, laid in a row as neatly as coins on a counter.",
        "Somebody paid,” Tamsin said.",
        "and said nothing at all.",
        "waited in the reeds until her feet were cold.",
        "set three shells on the post and went away…",
    ] {
        assert!(pages.contains(said), "{said:?} missing");
    }
    for not_story in [
        "TABLE OF CONTENTS",
        "End file.",
        "Packaged",
        "Story URL",
        "by wrenfield",
    ] {
        assert!(!pages.contains(not_story), "{not_story:?} in the story");
    }
}

#[test]
fn a_download_whose_chapters_cannot_be_found_is_read_whole_and_loses_nothing() {
    // A FanFicFare head, but the chapter titles lost their indent (re-saved by an
    // editor): it cannot be cut into chapters, so it is read as one story.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("fanficfare-txt").join("the-far-bank.txt"))
        .unwrap()
        .replace("        Chapter", "Chapter");
    std::fs::write(dir.path().join("the-far-bank.txt"), text).unwrap();
    let book = ficbind::build_series(dir.path(), &ficbind::Options::default()).unwrap();
    let mut epub = Epub::new(book.epub);
    let pages = epub.story_text();
    // Read as plain text, each wrapped line may stand as its own paragraph; every
    // word is still there, in order.
    let source = std::fs::read_to_string(dir.path().join("the-far-bank.txt")).unwrap();
    let story = &source[source.find("The shells were").unwrap()..];
    let (want, got) = (words(story), words(&pages));
    assert!(is_subsequence(&want, &got).is_ok(), "story words missing");
}
