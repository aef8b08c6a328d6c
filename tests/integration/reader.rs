//! The reader's text rules seen in whole books: a heading after opening notes, dialogue
//! lines of a hard-wrapped file, the writer's ornament, pauses, and Markdown closings
//! and notes under every notes policy. Every book goes through EPUBCheck.

use ficbind::{NotesPolicy, Options};

use crate::support::*;

fn book(notes: NotesPolicy) -> (Vec<u8>, Vec<String>) {
    let built = ficbind::build_series(
        &fixture("reader-rules"),
        &Options {
            source_date_epoch: Some(1_790_000_000),
            notes: Some(notes),
            ..Options::default()
        },
    )
    .expect("reader-rules builds");
    let mut epub = Epub::new(built.epub.clone());
    let pages: Vec<String> = epub
        .names()
        .into_iter()
        .filter(|n| n.contains("story-"))
        .collect();
    let texts = pages.iter().map(|p| epub.text(p)).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reader-rules.epub");
    std::fs::write(&path, &built.epub).unwrap();
    assert_epubcheck_clean(&path);
    (built.epub, texts)
}

#[test]
fn reader_rules_hold_in_a_whole_book() {
    let (_, pages) = book(NotesPolicy::Keep);
    let [text, md] = &pages[..] else {
        panic!("two story pages: {pages:?}")
    };
    // The chapter line after the opening note is a heading, not a paragraph, and the
    // note before it holds both its paragraphs.
    assert!(text.contains("Chapter 6: Letters"), "{text}");
    assert!(!text.contains("<p>Chapter 6"), "{text}");
    let note_end = text.find("</div>").unwrap();
    assert!(text[..note_end].contains("Thank you all for the reviews"));
    // Two lines of dialogue are two paragraphs.
    assert!(
        text.contains("<p>“Go home,” said the harbourmaster.</p>\n<p>“No,” said Ines.</p>"),
        "{text}"
    );
    // The writer's pause and ornament.
    assert!(
        text.contains("<p class=\"pause\" aria-hidden=\"true\"><br/></p>"),
        "{text}"
    );
    assert!(text.contains(">~*~</div>"), "{text}");
    assert!(text.contains("<p class=\"closing\">TBC</p>"), "{text}");
    // Markdown: the quoted notes are author's notes, `**TBC**` is a closing, `oOo` the
    // ornament.
    assert_eq!(md.matches("class=\"author-note\"").count(), 2, "{md}");
    assert!(!md.contains("<blockquote"), "{md}");
    assert!(
        md.contains("<p class=\"closing\"><strong>TBC</strong></p>"),
        "{md}"
    );
    assert!(md.contains(">oOo</div>"), "{md}");
}

#[test]
fn notes_policies_reach_markdown_notes() {
    let (_, omitted) = book(NotesPolicy::Omit);
    for page in &omitted {
        assert!(!page.contains("author-note"), "{page}");
        assert!(!page.contains("A/N") && !page.contains("Thanks for reading"));
    }
    // The heading is still found with its note left out.
    assert!(omitted[0].contains("Chapter 6: Letters") && !omitted[0].contains("<p>Chapter 6"));
    let (_, end) = book(NotesPolicy::End);
    let md = &end[1];
    // Both notes follow the story's closing line.
    let closing = md.find("class=\"closing\"").unwrap();
    assert!(
        md.find("The second one, shorter.").unwrap() > closing,
        "{md}"
    );
    assert!(md.find("Thanks for reading!").unwrap() > closing, "{md}");
}
