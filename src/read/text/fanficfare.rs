//! FanFicFare's text download (`fanficfare -f txt`): the title on a line of its own,
//! `by AUTHOR`, the work's facts as `Label: value` lines wrapped at 78 columns, a
//! `TABLE OF CONTENTS` of chapter titles, then each chapter under its title indented
//! eight spaces, and `End file.` at the end. The head is the work's header, read as
//! the same facts in FanFicFare's EPUB are (`read::epub::fanficfare`); the contents
//! list and the closing line are not story; each chapter is read as a text body, a
//! part of the work.

use crate::input::header::Header;
use crate::read::epub::fanficfare::header_of;
use crate::read::epub::opf::Metadata;
use crate::read::event::Body;
use crate::read::html::{Chapter, Read};
use crate::read::text::{parse, TextOptions};

const CONTENTS: &str = "TABLE OF CONTENTS";
const END: &str = "End file.";
/// How far a chapter title is indented.
const TITLE_INDENT: &str = "        ";

/// The head of a download: title, authors and facts, and the contents' titles, with
/// the line the first chapter starts on (0-based).
struct Head {
    title: String,
    authors: Vec<String>,
    facts: Vec<(String, String)>,
    contents: Vec<String>,
    body_start: usize,
}

/// Whether `text` is laid out as FanFicFare's text download. Only its head is looked
/// at (this runs for every text file): nearly every other file fails at its second
/// line, which is not a byline.
pub fn is_download(text: &str) -> bool {
    head(&first_lines(text)).is_some()
}

fn first_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .take(HEAD_LINES)
        .map(|l| l.trim_end_matches('\r'))
        .collect()
}

/// The work's header from a download's head (its first lines are enough), or `None`
/// when `text` is not a download.
pub fn peek(text: &str) -> Option<Header> {
    Some(header(&head(&first_lines(text))?))
}

/// How many lines a download's head may take before its contents list.
const HEAD_LINES: usize = 400;

fn lines(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches('\r')).collect()
}

/// Reads the head: `None` when the text is not laid out as a download's.
fn head(lines: &[&str]) -> Option<Head> {
    let mut at = lines.iter().position(|l| !l.trim().is_empty())?;
    let title = lines[at].trim().to_string();
    at += 1;
    at += lines[at..]
        .iter()
        .take_while(|l| l.trim().is_empty())
        .count();
    let authors: Vec<String> = lines
        .get(at)?
        .trim()
        .strip_prefix("by ")?
        .split(", ")
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    at += 1;
    // The facts, up to the contents: a `Label:` line starts one, any other line goes
    // on with the last (a wrapped value, or a summary's next paragraph).
    let contents_at = at
        + lines[at..]
            .iter()
            .take(400)
            .position(|l| l.trim() == CONTENTS)?;
    let mut facts: Vec<(String, String)> = Vec::new();
    for line in &lines[at..contents_at] {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match label(line) {
            Some((key, value)) => facts.push((key.to_string(), value.to_string())),
            None => {
                let (_, value) = facts.last_mut()?;
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(line);
            }
        }
    }
    // FanFicFare always writes where the work came from: without it, this is some
    // other text that happens to start with a title and a byline.
    if !facts
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("story url"))
    {
        return None;
    }
    // The contents: the titles, a blank line between two (a long one wraps onto the
    // next line), until the first chapter's indented title.
    let mut contents: Vec<String> = Vec::new();
    let mut i = contents_at + 1;
    let mut after_blank = true;
    while i < lines.len() && !lines[i].starts_with(TITLE_INDENT) {
        let line = lines[i].trim();
        match contents.last_mut() {
            _ if line.is_empty() => {}
            Some(title) if !after_blank => {
                title.push(' ');
                title.push_str(line);
            }
            _ => contents.push(line.to_string()),
        }
        after_blank = line.is_empty();
        i += 1;
    }
    (!contents.is_empty()).then_some(Head {
        title,
        authors,
        facts,
        contents,
        body_start: i,
    })
}

/// `Story URL: http://…` → the label and the value. A label is a few words of
/// letters, capitalised, as FanFicFare writes them.
fn label(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let words = key.split(' ').count();
    let ok = key.chars().next()?.is_uppercase()
        && words <= 3
        && key.chars().all(|c| c.is_alphabetic() || c == ' ');
    (ok && (value.is_empty() || value.starts_with(' '))).then(|| (key, value.trim()))
}

/// The work's header: the head's facts, its address as the source. How many chapters
/// there are is the download's to say, not a fact of the work.
fn header(head: &Head) -> Header {
    let meta = Metadata {
        source: head
            .facts
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("story url"))
            .map(|(_, v)| v.clone()),
        ..Metadata::default()
    };
    let facts = head
        .facts
        .iter()
        .filter(|(k, _)| !matches!(k.to_lowercase().as_str(), "story url" | "chapters"))
        .cloned();
    header_of(head.title.clone(), &head.authors, facts, &meta)
}

/// Reads FanFicFare's text download, or `None` when `text` is not one. `file` names it
/// in diagnostics.
pub fn read(text: &str, file: &str, opts: &TextOptions) -> Option<Read> {
    // The head alone first: any other text file is turned away without splitting it
    // all into lines.
    if !is_download(text) {
        return None;
    }
    let lines = lines(text);
    let head = head(&lines)?;
    let header = header(&head);

    // Each chapter starts at an indented line that begins its title in the contents;
    // its title may wrap onto the lines after it, up to a blank line.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut next = 0;
    for (i, line) in lines.iter().enumerate().skip(head.body_start) {
        let Some(title) = head.contents.get(next) else {
            break;
        };
        let shown = line.trim();
        if line.starts_with(TITLE_INDENT) && !shown.is_empty() && title.starts_with(shown) {
            starts.push((next, i));
            next += 1;
        }
    }
    if starts.is_empty() {
        return None;
    }
    let mut chapters = Vec::new();
    for (n, &(entry, start)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(lines.len(), |&(_, s)| s);
        let title_lines = lines[start..end]
            .iter()
            .take_while(|l| !l.trim().is_empty())
            .count();
        let mut body_lines = &lines[start + title_lines..end];
        if n + 1 == starts.len() {
            // The download's closing line.
            if let Some(last) = body_lines.iter().rposition(|l| !l.trim().is_empty()) {
                if body_lines[last].trim() == END {
                    body_lines = &body_lines[..last];
                }
            }
        }
        let body_text = body_lines.join("\n");
        let (parsed, diagnostics) = parse(&body_text, file, start + title_lines + 1, opts);
        chapters.push(Chapter {
            header: Default::default(),
            body: Body {
                heading: Some(head.contents[entry].clone()),
                events: parsed.events,
            },
            diagnostics,
        });
    }
    Some(crate::read::epub::work(header, chapters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::settings::Typography;
    use crate::read::event::Event;

    const DOWNLOAD: &str = "\r\n\r\n\r\nThe Night Ferry\r\n\r\nby wrenfield\r\n\r\n\r\n\r\nSeries: Saltmarsh Letters [4]\r\nSeries URL: https://stories.example.org/series/12\r\nCategory: Saltmarsh (Original Work)\r\nGenre: Mystery, Quiet\r\nStatus: Completed\r\nPackaged: 2026-12-01 03:21:14\r\nRating: General\r\nWarnings: None\r\nChapters: 2\r\nWords: 96\r\nPublisher: stories.example.org\r\nStory URL: https://stories.example.org/s/4410\r\nAuthor URL: https://stories.example.org/u/9\r\nSummary: The last ferry of the year runs after dark, and Oren has never\r\nonce been late.\r\n\r\nTamsin rides it to find out why.\r\n\r\n\r\n\r\nTABLE OF CONTENTS\r\n\r\nChapter 1, Lanterns\r\n\r\nChapter 2, The Far Bank and the Long Way Back Across the Water in the\r\nDark\r\n\r\n\r\n\r\n        Chapter 1, Lanterns\r\n\r\n\r\nThe ferry left the jetty at nine, lanterns fore and aft, and the river\r\ntook it gently.\r\n\r\n\"Nobody crosses this late,\" she said.\r\n\r\n\r\n\r\n        Chapter 2, The Far Bank and the Long Way Back Across the Water in the\r\nDark\r\n\r\n\r\nOn the far bank a figure waited with a lamp of its own.\r\n\r\n\r\n\r\nEnd file.\r\n";

    fn text(events: &[Event]) -> String {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    fn opts() -> TextOptions {
        TextOptions {
            punctuation: Typography::Off.into(),
        }
    }

    #[test]
    fn the_head_is_the_header_and_each_chapter_a_part() {
        assert!(is_download(DOWNLOAD));
        let read = read(DOWNLOAD, "f.txt", &opts()).unwrap();
        assert_eq!(read.title, "The Night Ferry");
        let h = &read.chapters[0].header;
        assert_eq!(h.title(), Some("The Night Ferry"));
        assert_eq!(h.authors(), ["wrenfield"]);
        assert_eq!(h.tags(), ["Mystery", "Quiet"]);
        assert_eq!(
            h.summary(),
            Some("The last ferry of the year runs after dark, and Oren has never once been late. Tamsin rides it to find out why.")
        );
        let place = h.place.as_ref().unwrap();
        assert_eq!(
            (place.series.as_deref(), place.number, place.chapter),
            (Some("Saltmarsh Letters"), Some(4), Some(1))
        );
        assert!(h.fields.iter().all(|f| !matches!(
            f.key.to_lowercase().as_str(),
            "packaged" | "publisher" | "story url" | "chapters"
        )));
        let chapters: Vec<(Option<&str>, String)> = read
            .chapters
            .iter()
            .map(|c| (c.body.heading.as_deref(), text(&c.body.events)))
            .collect();
        assert_eq!(
            chapters,
            [
                (
                    Some("Chapter 1, Lanterns"),
                    "The ferry left the jetty at nine, lanterns fore and aft, and the river took it gently.|\"Nobody crosses this late,\" she said.".to_string()
                ),
                (
                    // A title wrapped onto a second line, in the contents and over
                    // the chapter: whole, and never story.
                    Some("Chapter 2, The Far Bank and the Long Way Back Across the Water in the Dark"),
                    "On the far bank a figure waited with a lamp of its own.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_story_that_starts_with_a_title_and_byline_is_not_a_download() {
        let story = "The Night Ferry\n\nby wrenfield\n\nThe ferry left at nine.\n";
        assert!(!is_download(story));
        let no_source = DOWNLOAD.replace("Story URL", "Story Note");
        assert!(!is_download(&no_source));
        assert!(read(&no_source, "f.txt", &opts()).is_none());
    }
}
