//! Items: lines grouped into paragraphs, scene breaks and pauses, and the role each item
//! plays (story, closing, author's note).

use super::join::Join;
use super::layout::Layout;
use super::lines::{is_closing, is_disclaimer, is_note_start, Kind, Line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    /// Lines `first..=last`, all text. Indices are `u32`, as a file holds one item for
    /// every few bytes; a story file is at most 64 MB, far below 4 G lines.
    Para {
        first: u32,
        last: u32,
    },
    /// A scene break on line `line`.
    SceneBreak {
        line: u32,
    },
    Pause,
}

pub(super) fn build_items(lines: &[Line], joins: &[Join], layout: &Layout) -> Vec<Item> {
    let pause_after = if layout.blank_separated { 2 } else { 1 };
    let mut items = Vec::new();
    let mut blanks = 0usize;
    let mut i = 0;
    while i < lines.len() {
        blanks += lines[i].blanks_before();
        match lines[i].kind {
            // Blank lines are not kept as lines (see `parse`).
            Kind::Blank => i += 1,
            Kind::Heading => {
                blanks = 0;
                i += 1;
            }
            Kind::Break => {
                items.push(Item::SceneBreak { line: i as u32 });
                blanks = 0;
                i += 1;
            }
            Kind::Text => {
                if blanks >= pause_after && matches!(items.last(), Some(Item::Para { .. })) {
                    items.push(Item::Pause);
                }
                blanks = 0;
                let first = i;
                i += 1;
                while i < lines.len() && lines[i].kind == Kind::Text && joins[i] != Join::New {
                    i += 1;
                }
                items.push(Item::Para {
                    first: first as u32,
                    last: (i - 1) as u32,
                });
            }
        }
    }
    // A pause means something only between two paragraphs.
    if items.last() == Some(&Item::Pause) {
        items.pop();
    }
    items
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Story,
    Closing,
    /// An author's note; consecutive items with the same group share one container.
    Note(usize),
}

/// The role of every item, worked out once and answered item by item: a file of
/// one-word paragraphs has an item every few bytes, so roles are not stored for each.
pub(super) struct Roles<'r, 'a> {
    items: &'r [Item],
    lines: &'r [Line<'a>],
    /// Items before this are the notes before the story.
    start_end: usize,
    /// Items from this on are the end note.
    end_region: usize,
    /// The closing lines, in order.
    closings: Vec<usize>,
}

impl Roles<'_, '_> {
    fn para(&self, k: usize) -> Option<(usize, usize)> {
        match self.items[k] {
            Item::Para { first, last } => Some((first as usize, last as usize)),
            _ => None,
        }
    }

    fn note_at(&self, k: usize) -> bool {
        self.para(k)
            .is_some_and(|(first, _)| is_note_start(self.lines[first].content))
    }

    /// The role of item `k`.
    pub(super) fn get(&self, k: usize) -> Role {
        if k < self.start_end {
            Role::Note(1)
        } else if k >= self.end_region {
            Role::Note(2)
        } else if self.closings.binary_search(&k).is_ok() {
            Role::Closing
        } else if self.note_at(k) {
            // A note in the middle of the story is set apart on its own.
            Role::Note(3 + k)
        } else {
            Role::Story
        }
    }
}

/// `notes_before` items at the start are opening notes whatever they say (those before
/// a heading that follows a note, see `find_heading`).
pub(super) fn assign_roles<'r, 'a>(
    items: &'r [Item],
    lines: &'r [Line<'a>],
    notes_before: usize,
) -> Roles<'r, 'a> {
    let mut roles = Roles {
        items,
        lines,
        start_end: 0,
        end_region: items.len(),
        closings: Vec::new(),
    };
    let closing_at = |k: usize| {
        roles
            .para(k)
            .is_some_and(|(first, last)| first == last && is_closing(lines[first].content))
    };

    // Notes before the story; a disclaimer there is the writer speaking too.
    let start_note_at = |k: usize| {
        roles.note_at(k)
            || roles
                .para(k)
                .is_some_and(|(first, _)| is_disclaimer(lines[first].content))
    };
    let mut k = 0;
    let mut start_end = 0;
    while k < items.len() && (start_note_at(k) || items[k] == Item::Pause) {
        if start_note_at(k) {
            start_end = k + 1;
        }
        k += 1;
    }
    let start_end = start_end.max(notes_before);

    // The end region: the earliest note after which no scene break or closing comes,
    // and not much more text (so a note between scenes does not swallow the story).
    // Text is measured in bytes: the ratio is what matters, and counting words here
    // would read the whole file once more.
    let size = |k: usize| {
        roles.para(k).map_or(0, |(f, l)| {
            lines[f..=l].iter().map(|l| l.content.len()).sum::<usize>()
        })
    };
    let total: usize = (0..items.len()).map(size).sum();
    let mut after_words = 0;
    let mut after_paras = 0;
    let mut structure_after = false;
    let mut end_region = items.len();
    for k in (start_end..items.len()).rev() {
        let words = size(k);
        if roles.note_at(k) && !structure_after {
            let before = total - after_words - words;
            if after_paras <= 8 || after_words * 5 <= before {
                end_region = k;
            }
        }
        if matches!(items[k], Item::SceneBreak { .. }) || closing_at(k) {
            structure_after = true;
        }
        if roles.para(k).is_some() {
            after_paras += 1;
            after_words += words;
        }
    }

    // Closing lines: the last story lines before the end region.
    let mut closings = Vec::new();
    for k in (start_end..end_region).rev() {
        if closing_at(k) {
            closings.push(k);
        } else if !matches!(items[k], Item::SceneBreak { .. } | Item::Pause) {
            break;
        }
    }
    closings.reverse();
    roles.start_end = start_end;
    roles.end_region = end_region;
    roles.closings = closings;
    roles
}

#[cfg(test)]
mod tests {
    use super::super::lines::{is_closing, is_disclaimer, is_note_start};
    use crate::read::event::{Event, Tag};
    use crate::read::text::tests::{html, read};

    #[test]
    fn two_blank_lines_are_a_pause() {
        let events = read("One.\n\nTwo.\n\n\nThree.\n").events;
        assert_eq!(events.iter().filter(|e| **e == Event::Pause).count(), 1);
        let pos = events.iter().position(|e| *e == Event::Pause).unwrap();
        assert_eq!(events[pos - 2], Event::Text("Two.".into()));
        // In a file without blank lines between paragraphs, one blank line is a pause.
        let events = read("One.\nTwo.\nThree.\n\nFour.\nFive.\n").events;
        assert_eq!(events.iter().filter(|e| **e == Event::Pause).count(), 1);
        // Blank lines around a scene break are not a pause.
        let events = read("One.\n\n\n* * *\n\n\nTwo.\n").events;
        assert!(!events.contains(&Event::Pause));
        assert!(events.contains(&Event::SceneBreak(Some("* * *".into()))));
    }

    #[test]
    fn closings_only_at_the_end() {
        for c in [
            "The end of part 1",
            "End of chapter 3.",
            "TBC",
            "T.B.C.",
            "To be continued...",
            "To be continued…",
            "~fin~",
            "Fin",
            "The End",
            "(To be continued)",
            "End of part 2 of 3",
            "End of Chapter 4/10",
            "*The End*",
            "To be continued in part 3!",
            "THE END.",
        ] {
            assert!(is_closing(c), "{c}");
            let h = html(&format!("Story.\n\n{c}\n"));
            assert!(h.contains("<p class=\"closing\">"), "{c}: {h}");
        }
        let h = html("Story.\n\nThe End\n\nMore story.\n");
        assert!(!h.contains("closing"), "{h}");
        for not in [
            "The end of the road was near.",
            "The end of the story was near",
            "Fine.",
            "To be continued, he said.",
        ] {
            assert!(!is_closing(not), "{not}");
        }
        // Before trailing notes, with its typography.
        let h = html("Story.\n\nTo be continued...\n\nA/N: thanks for reading!\n");
        assert!(
            h.contains("<p class=\"closing\">To be continued…</p>"),
            "{h}"
        );
        assert!(h.contains("<div class=\"author-note\""), "{h}");
    }

    #[test]
    fn author_notes_at_start_and_end() {
        let input = "A/N: This one is for my sister.\n\nThe story begins.\n\nIt ends.\n\nAuthor's Note: Thanks for reading!\n\nReviews are love.\n";
        let events = read(input).events;
        let notes = events
            .iter()
            .filter(|e| **e == Event::Start(Tag::AuthorNote))
            .count();
        assert_eq!(notes, 2);
        assert_eq!(events[0], Event::Start(Tag::AuthorNote));
        assert_eq!(events.last(), Some(&Event::End(Tag::AuthorNote)));
        // "Reviews are love." follows the end note, so it is inside it.
        let h = html(input);
        assert!(h.ends_with("<p>Reviews are love.</p>\n</div>\n"), "{h}");
        for prefix in [
            "AN:",
            "A/N:",
            "A/N",
            "AN2:",
            "A/N 2:",
            "Author's Note:",
            "Author’s note:",
            "Authors Note:",
            "Note:",
            "an:",
            "(A/N: ",
        ] {
            assert!(is_note_start(&format!("{prefix} hi")), "{prefix}");
        }
        for not in [
            "An hour later.",
            "Annie:",
            "Notes were passed.",
            "A/Nothing",
            "Authority figures",
        ] {
            assert!(!is_note_start(not), "{not}");
        }
    }

    #[test]
    fn a_disclaimer_before_the_story_joins_the_start_note() {
        let events = read("A/N: Thanks, Rin!\n\nDisclaimer: I own nothing.\n\nStory.\n\nDisclaimer: a word in the story.\n\nEnd.").events;
        assert_eq!(
            events
                .iter()
                .filter(|e| **e == Event::Start(Tag::AuthorNote))
                .count(),
            1
        );
        assert_eq!(events[7], Event::End(Tag::AuthorNote));
        assert!(
            is_disclaimer("Disclaimer: mine")
                && is_disclaimer("DISCLAIMER - none")
                && !is_disclaimer("Disclaimers are dull.")
        );
    }

    #[test]
    fn mid_story_note_is_set_apart_without_swallowing_the_story() {
        let mut input =
            String::from("Scene one.\n\nNote: the next part is a flashback.\n\n* * *\n\n");
        for i in 0..12 {
            input.push_str(&format!("Story paragraph {i}.\n\n"));
        }
        let events = read(&input).events;
        assert_eq!(
            events
                .iter()
                .filter(|e| **e == Event::Start(Tag::AuthorNote))
                .count(),
            1
        );
        assert_eq!(events[3], Event::Start(Tag::AuthorNote));
        assert_eq!(events[7], Event::End(Tag::AuthorNote));
    }
}
