//! What makes a book a KEPUB: Kobo's own reader finds its place in a page, turns pages,
//! counts reading time and anchors highlights by `<span class="koboSpan"
//! id="kobo.P.S">` around every sentence (paragraph `P`, sentence `S`) and by two divs,
//! `div#book-columns > div#book-inner`, around the body's content. A sideloaded EPUB
//! without them opens in Kobo's older Adobe engine, without any of that.
//!
//! This is a second writer over the same pages, not a pass over a finished zip: the
//! XHTML writer hands story text to `KoboSpans` as it typesets (`xhtml::write_body_as`),
//! so a body is still written once and compressed as it fills; the little text the
//! templates write (headings, the front pages) goes through `Markup` as each page is
//! rendered. The story text is the EPUB's exactly: strip the spans and the divs and
//! the pages are equal, byte for byte, and they are cut into the same pages.
//!
//! Numbering follows what Kobo's own KEPUBs (and kepubify, which copies them) do: a
//! new paragraph number at each `p`, heading, list and table that holds text, and at
//! each image, which gets a span of its own. Ids need only be unique within a page;
//! a body is numbered from 1 and goes on across the pages it is cut into, and the
//! text a story page's template adds (its heading) is paragraph 0, which no body text
//! uses, so the two never meet whichever the template puts first.

use std::fmt::Write as _;

use crate::output::xhtml::escape_into;

/// The class Kobo's reader looks for.
const SPAN_OPEN: &str = "<span class=\"koboSpan\" id=\"kobo.";
/// The start of every span this module writes, as the page cutter recognises it.
pub const SPAN_START: &str = "<span class=\"koboSpan\"";
/// Kobo's two divs, opened after `<body>` and closed before `</body>`.
const DIVS_OPEN: &str = "<div id=\"book-columns\"><div id=\"book-inner\">";
const DIVS_CLOSE: &str = "</div></div>";

/// The numbering of the spans in one body or page, and the text of the current text
/// run, which is split into sentences once the run is whole.
#[derive(Debug, Clone)]
pub struct KoboSpans {
    para: usize,
    sentence: usize,
    /// The next span starts a paragraph.
    new_para: bool,
    /// Every span is in paragraph 0 (the text a story page's template adds).
    fixed: bool,
    /// The text run being gathered: readers may hand a sentence over in pieces.
    pending: String,
    /// Scratch for `sentence_ends`, kept so a long body does not allocate per run.
    ends: Vec<usize>,
}

impl Default for KoboSpans {
    fn default() -> Self {
        KoboSpans::new()
    }
}

impl KoboSpans {
    /// Numbering for a body or a whole page: the first text is paragraph 1.
    pub fn new() -> KoboSpans {
        KoboSpans {
            para: 0,
            sentence: 0,
            new_para: true,
            fixed: false,
            pending: String::new(),
            ends: Vec::new(),
        }
    }

    /// Numbering for the text a story page's template adds around the typeset body:
    /// all of it paragraph 0, so it never takes an id the body uses.
    fn template() -> KoboSpans {
        KoboSpans {
            new_para: false,
            fixed: true,
            ..KoboSpans::new()
        }
    }

    /// A paragraph-like block (`p`, a heading, a list, a table) starts: its first
    /// span begins a new paragraph number. Call `flush` first.
    pub fn block(&mut self) {
        self.new_para = true;
    }

    /// Adds text (unescaped) to the current run; `flush` writes it.
    pub fn text(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Writes the gathered run, a span a sentence, escaped.
    pub fn flush(&mut self, out: &mut String) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let mut ends = std::mem::take(&mut self.ends);
        sentence_ends(&text, false, &mut ends);
        let mut start = 0;
        for &end in &ends {
            self.open(out);
            escape_into(out, &text[start..end]);
            out.push_str("</span>");
            start = end;
        }
        self.ends = ends;
        self.pending = text;
        self.pending.clear();
    }

    /// Writes `text` (unescaped) as one span, unsplit: preformatted text, where a
    /// full stop ends no sentence.
    pub fn whole(&mut self, out: &mut String, text: &str) {
        self.flush(out);
        if text.is_empty() {
            return;
        }
        self.open(out);
        escape_into(out, text);
        out.push_str("</span>");
    }

    /// Writes an image (`write` writes the element) in a span of its own, as a
    /// paragraph of its own, so Kobo can keep its place on a page holding only it.
    pub fn image(&mut self, out: &mut String, write: impl FnOnce(&mut String)) {
        self.flush(out);
        if !self.fixed {
            self.para += 1;
            self.sentence = 0;
        }
        self.new_para = false;
        self.sentence += 1;
        self.open_tag(out);
        write(out);
        out.push_str("</span>");
    }

    fn open(&mut self, out: &mut String) {
        if self.new_para && !self.fixed {
            self.para += 1;
            self.sentence = 0;
        }
        self.new_para = false;
        self.sentence += 1;
        self.open_tag(out);
    }

    fn open_tag(&self, out: &mut String) {
        out.push_str(SPAN_OPEN);
        let _ = write!(out, "{}.{}\">", self.para, self.sentence);
    }
}

/// Titles that stand before a name and forms that only come mid-sentence: a full
/// stop after one of them ends no sentence even before a capital (`Mr. Hale`, `St.
/// Agnes`, `cf. Book Two`). Words that also end sentences (`No.`, `etc.`, `p.m.`)
/// are left out: in dialogue they mostly do (`“No.” She left.`).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Mx", "Messrs", "Mme", "Mlle", "Dr", "Prof", "Rev", "Fr", "Sr", "Jr", "St",
    "Mt", "Ft", "Capt", "Cpt", "Lt", "Col", "Gen", "Sgt", "Cpl", "Cmdr", "Adm", "Maj", "Hon",
    "Pres", "Gov", "Sen", "Rep", "Insp", "Det", "Supt", "Ch", "Vol", "vs", "cf", "e.g", "i.e",
    "approx", "viz",
];

fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‽')
}

/// What may follow a sentence's last mark before the space: closing quotes and
/// brackets (`“Go.” He went.`).
fn closes(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '」' | '』' | '）'
    )
}

/// Full stops of scripts written without spaces, which end a sentence as they are.
fn ends_sentence_unspaced(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

/// The characters of `text` with their byte offsets, an entity (`&amp;`, `&#8217;`)
/// counted as the one character it stands for when `escaped`.
fn units(text: &str, escaped: bool) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (i, c) = rest.next()?;
        if !(escaped && c == '&') {
            return Some((i, c));
        }
        // Entities are short; a bare `&` (never in our own escaped text) is itself.
        let Some(end) = text[i..].bytes().take(12).position(|b| b == b';') else {
            return Some((i, c));
        };
        let end = i + end;
        let name = &text[i + 1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(d) => {
                while rest.peek().is_some_and(|&(j, _)| j <= end) {
                    rest.next();
                }
                Some((i, d))
            }
            None => Some((i, c)),
        }
    })
}

/// Where the sentences of `text` end, as byte offsets into it (the last is its
/// length, for a text that is not empty): a sentence ends after `.`, `!`, `?` or `…`
/// (a run of them: `?!`, `...`), any closing quotes or brackets, and the spaces after,
/// when what follows is not a lower-case letter (`“Stop!” she said`, `Wait… what`),
/// another stop (a spaced `. . .`), or after one of `ABBREVIATIONS` or an initial
/// (`J. R. Hale`). A stop with no space after it ends nothing (`3.14`, `e.g.`,
/// `fic.example`), so a sentence never ends inside a word. `escaped` text is XHTML
/// text, whose entities count as the characters they stand for.
pub fn sentence_ends(text: &str, escaped: bool, ends: &mut Vec<usize>) {
    ends.clear();
    if text.is_empty() {
        return;
    }
    if !escaped {
        return split_plain(text, ends);
    }
    // Most of a template's runs (a label, a title) hold no stop at all.
    let stops = ['.', '!', '?', '…', '‽', '。', '！', '？', '｡', '&'];
    if !text.contains(stops) {
        ends.push(text.len());
        return;
    }
    let units: Vec<(usize, char)> = units(text, escaped).collect();
    split_units(text, &units, ends);
}

/// `sentence_ends` for text that is not escaped (all the story text): the same rules
/// as `split_units`, scanning the bytes for a stop and looking around each one, since
/// a body's every byte passes through here.
fn split_plain(text: &str, ends: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    let char_at = |i: usize| text[i..].chars().next();
    // Past the characters from `i` on that `keep` holds.
    let skip = |mut i: usize, keep: &dyn Fn(char) -> bool| {
        while let Some(c) = char_at(i).filter(|&c| keep(c)) {
            i += c.len_utf8();
        }
        i
    };
    let mut i = 0;
    // Where the current word can start at the earliest: after the last stop handled.
    let mut floor = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Every stop is `.`, `!`, `?` or starts with one of these three bytes.
        if !matches!(b, b'.' | b'!' | b'?' | 0xE2 | 0xE3 | 0xEF) {
            i += 1;
            continue;
        }
        let c = char_at(i).unwrap_or_default();
        if ends_sentence_unspaced(c) {
            let k = skip(i, &|c| ends_sentence_unspaced(c) || closes(c));
            let k = skip(k, &char::is_whitespace);
            if k < text.len() {
                ends.push(k);
            }
            i = k;
            floor = k;
            continue;
        }
        if !ends_sentence(c) {
            i += c.len_utf8();
            continue;
        }
        let j = skip(i, &ends_sentence);
        let k = skip(j, &closes);
        let m = skip(k, &char::is_whitespace);
        if m == k || m == text.len() {
            i = m;
            continue;
        }
        let from = floor;
        floor = m;
        let next = char_at(m).unwrap_or_default();
        let single_stop = j == i + 1 && c == '.';
        let continues = next.is_lowercase()
            || ends_sentence(next)
            || (single_stop && {
                // The word before the stop, without opening quotes or brackets.
                let start = text[from..i].rfind(char::is_whitespace).map_or(from, |w| {
                    from + w + char_at(from + w).map_or(1, char::len_utf8)
                });
                let word = text[start..i].trim_start_matches(|c: char| !c.is_alphanumeric());
                let mut letters = word.chars();
                let initial = matches!(
                    (letters.next(), letters.next()),
                    (Some(l), None) if l.is_uppercase()
                );
                initial || ABBREVIATIONS.contains(&word)
            });
        if !continues {
            ends.push(m);
        }
        i = m;
    }
    ends.push(text.len());
}

/// `sentence_ends` over the characters of `text` (`units`).
fn split_units(text: &str, units: &[(usize, char)], ends: &mut Vec<usize>) {
    let n = units.len();
    let at = |k: usize| units.get(k).map(|u| u.1);
    let offset = |k: usize| units.get(k).map_or(text.len(), |u| u.0);
    let mut word_start = 0;
    let mut i = 0;
    while i < n {
        let c = units[i].1;
        if c.is_whitespace() {
            word_start = i + 1;
            i += 1;
            continue;
        }
        if ends_sentence_unspaced(c) {
            let mut k = i + 1;
            while at(k).is_some_and(|c| ends_sentence_unspaced(c) || closes(c)) {
                k += 1;
            }
            while at(k).is_some_and(char::is_whitespace) {
                k += 1;
            }
            if k < n {
                ends.push(offset(k));
            }
            word_start = k;
            i = k;
            continue;
        }
        if !ends_sentence(c) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while at(j).is_some_and(ends_sentence) {
            j += 1;
        }
        let mut k = j;
        while at(k).is_some_and(closes) {
            k += 1;
        }
        let mut m = k;
        while at(m).is_some_and(char::is_whitespace) {
            m += 1;
        }
        if m == k || m == n {
            // No space after (inside a word), or the run's end (ends there anyway).
            i = m.max(i + 1);
            continue;
        }
        let next = units[m].1;
        let single_stop = j == i + 1 && c == '.';
        let continues = next.is_lowercase()
            || ends_sentence(next)
            || (single_stop && {
                // The word before the stop, without opening quotes or brackets.
                let first = (word_start..i)
                    .find(|&w| units[w].1.is_alphanumeric())
                    .unwrap_or(i);
                let word = &text[offset(first)..offset(i)];
                let initial = i == first + 1 && units[first].1.is_uppercase();
                initial || ABBREVIATIONS.contains(&word)
            });
        if !continues {
            ends.push(offset(m));
        }
        word_start = m;
        i = m;
    }
    ends.push(text.len());
}

/// The Kobo markup for a page rendered from a template: the two divs inside `body`
/// and spans around its text, left alone where a body already has them. Fed the page
/// whole or in pieces that break between a tag and text (around a typeset body).
#[derive(Debug)]
pub struct Markup {
    spans: KoboSpans,
    /// The open elements' local names.
    stack: Vec<String>,
    in_body: bool,
    /// Inside an element whose text is left as it is (a span Kobo's markup already
    /// wrapped, `script`, `style`, SVG, MathML): the depth it opened at.
    skip: Option<usize>,
    ends: Vec<usize>,
}

impl Markup {
    /// A page the template writes whole (the cover, about, warnings, contents).
    pub fn page() -> Markup {
        Markup::with(KoboSpans::new())
    }

    /// A story page's template around its typeset body, whose spans are numbered
    /// from paragraph 1: the template's text is all paragraph 0.
    pub fn story_page() -> Markup {
        Markup::with(KoboSpans::template())
    }

    fn with(spans: KoboSpans) -> Markup {
        Markup {
            spans,
            stack: Vec::new(),
            in_body: false,
            skip: None,
            ends: Vec::new(),
        }
    }

    /// `xhtml` (well-formed, as every template's output is checked to be) with Kobo's
    /// markup added, continuing from what was fed before.
    pub fn feed(&mut self, xhtml: &str) -> String {
        let mut out = String::with_capacity(xhtml.len() + xhtml.len() / 2);
        let mut rest = xhtml;
        while !rest.is_empty() {
            let lt = rest.find('<').unwrap_or(rest.len());
            self.text(&rest[..lt], &mut out);
            rest = &rest[lt..];
            if rest.is_empty() {
                break;
            }
            let end = markup_end(rest);
            self.tag(&rest[..end], &mut out);
            rest = &rest[end..];
        }
        out
    }

    fn text(&mut self, text: &str, out: &mut String) {
        let parent = self.stack.last().map(String::as_str);
        let blank = text.chars().all(char::is_whitespace);
        // White space between blocks is layout, not text; inside a paragraph it is.
        if text.is_empty() || !self.in_body || self.skip.is_some() || (blank && parent != Some("p"))
        {
            out.push_str(text);
            return;
        }
        let mut ends = std::mem::take(&mut self.ends);
        if parent == Some("pre") {
            ends.clear();
            ends.push(text.len());
        } else {
            sentence_ends(text, true, &mut ends);
        }
        let mut start = 0;
        for &end in &ends {
            self.spans.open(out);
            // Already escaped: copied as it is, so the page stays the EPUB's.
            out.push_str(&text[start..end]);
            out.push_str("</span>");
            start = end;
        }
        self.ends = ends;
    }

    fn tag(&mut self, tag: &str, out: &mut String) {
        if tag.starts_with("<!") || tag.starts_with("<?") {
            out.push_str(tag);
            return;
        }
        if let Some(name) = tag.strip_prefix("</") {
            let name = local_name(name);
            if name == "body" && self.in_body {
                out.push_str(DIVS_CLOSE);
                self.in_body = false;
            }
            out.push_str(tag);
            self.stack.pop();
            if self.skip.is_some_and(|depth| self.stack.len() <= depth) {
                self.skip = None;
            }
            return;
        }
        let name = local_name(&tag[1..]).to_string();
        let empty = tag.ends_with("/>");
        if name == "img" && self.in_body && self.skip.is_none() {
            self.spans.image(out, |out| out.push_str(tag));
            return;
        }
        out.push_str(tag);
        if empty {
            return;
        }
        if self.skip.is_none()
            && (matches!(name.as_str(), "script" | "style" | "svg" | "math")
                || tag.starts_with(SPAN_START))
        {
            self.skip = Some(self.stack.len());
        }
        if self.in_body
            && matches!(
                name.as_str(),
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ol" | "ul" | "table"
            )
        {
            self.spans.block();
        }
        if name == "body" {
            out.push_str(DIVS_OPEN);
            self.in_body = true;
        }
        self.stack.push(name);
    }
}

/// The length of the markup construct (tag, comment, declaration) `s` starts with.
fn markup_end(s: &str) -> usize {
    let closing = |end: &str| s.find(end).map_or(s.len(), |i| i + end.len());
    if s.starts_with("<!--") {
        return closing("-->");
    }
    if s.starts_with("<![CDATA[") {
        return closing("]]>");
    }
    if s.starts_with("<?") {
        return closing("?>");
    }
    // A tag: `>` inside a quoted attribute value does not end it.
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// An element's local name from the text after `<` or `</`: `epub:switch` → `switch`.
fn local_name(after_lt: &str) -> &str {
    let end = after_lt
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(after_lt.len());
    let name = &after_lt[..end];
    name.rsplit(':').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let mut ends = Vec::new();
        sentence_ends(text, false, &mut ends);
        let mut start = 0;
        ends.iter()
            .map(|&e| {
                let s = &text[start..e];
                start = e;
                s
            })
            .collect()
    }

    #[test]
    fn sentences_end_where_a_reader_would_end_them() {
        assert_eq!(
            split("The lamp went out. Nobody moved! Why? Then…  Dark."),
            [
                "The lamp went out. ",
                "Nobody moved! ",
                "Why? ",
                "Then…  ",
                "Dark."
            ]
        );
        // Closing quotes and brackets stay with their sentence.
        assert_eq!(
            split("“Go.” He went. (He always did.) “Fine!” Then 'Stop.' So"),
            [
                "“Go.” ",
                "He went. ",
                "(He always did.) ",
                "“Fine!” ",
                "Then 'Stop.' ",
                "So"
            ]
        );
        // A run of stops is one end.
        assert_eq!(split("What?! No... Yes."), ["What?! ", "No... ", "Yes."]);
        assert_eq!(split("Nothing to split"), ["Nothing to split"]);
        assert!(split("").is_empty());
    }

    #[test]
    fn no_sentence_ends_inside_a_word_an_abbreviation_or_an_ellipsis() {
        for text in [
            "Pi is 3.14 or so",
            "See fic.example.org today",
            "Mr. Hale and Mrs. Hale met Dr. Moth at St. Agnes",
            "J. R. Hale wrote it",
            "cf. Book Two, e.g. The Ferry",
            "“Stop!” she said. quietly",
            "Wait… what was that",
            "Wait . . . What was that",
            "He said so... and left",
        ] {
            let pieces = split(text);
            // Only the first and last of these have a sentence end, at a capital after
            // a plain word.
            assert!(
                pieces.len() == 1 || text.starts_with("“Stop") || text.starts_with("Wait ."),
                "{text}: {pieces:?}"
            );
            assert_eq!(pieces.concat(), text);
        }
        assert_eq!(split("“Stop!” she said. quietly").len(), 1);
        // The spaced ellipsis is not cut between its stops, only after the last.
        assert_eq!(
            split("Wait . . . What was that"),
            ["Wait . . . ", "What was that"]
        );
        // A stop after a word that is no abbreviation does end one.
        assert_eq!(
            split("He said no. Then left"),
            ["He said no. ", "Then left"]
        );
    }

    proptest::proptest! {
        /// The byte scan for story text and the character walk for escaped text
        /// are the same rules.
        #[test]
        fn both_splitters_agree(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Mr", "J", "word", " ", "  ", "\n", ".", "!", "?", "…", "‽", "”", "’",
                "\"", "'", ")", "。", "！", "」", "é", "Élan", "x.y", "e.g",
            ]), 0..60)
        ) {
            let text = parts.concat();
            let mut fast = Vec::new();
            split_plain(&text, &mut fast);
            if text.is_empty() {
                fast.clear();
            }
            let units: Vec<(usize, char)> = units(&text, false).collect();
            let mut slow = Vec::new();
            if !text.is_empty() {
                split_units(&text, &units, &mut slow);
            }
            proptest::prop_assert_eq!(fast, slow, "{:?}", text);
        }
    }

    #[test]
    fn scripts_without_spaces_end_sentences_at_their_full_stops() {
        assert_eq!(
            split("灯が消えた。誰も動かない！「なぜ？」彼は"),
            ["灯が消えた。", "誰も動かない！", "「なぜ？」", "彼は"]
        );
    }

    #[test]
    fn escaped_text_splits_as_the_text_it_stands_for() {
        let mut ends = Vec::new();
        let text = "Tom &amp; Jerry ran. &quot;Go!&quot; &#8220;Now.&#8221; Fine";
        sentence_ends(text, true, &mut ends);
        let mut start = 0;
        let pieces: Vec<&str> = ends
            .iter()
            .map(|&e| {
                let s = &text[start..e];
                start = e;
                s
            })
            .collect();
        assert_eq!(
            pieces,
            [
                "Tom &amp; Jerry ran. ",
                "&quot;Go!&quot; ",
                "&#8220;Now.&#8221; ",
                "Fine"
            ]
        );
    }

    #[test]
    fn spans_number_paragraphs_and_sentences() {
        let mut spans = KoboSpans::new();
        let mut out = String::new();
        spans.block();
        out.push_str("<p>");
        spans.text("One & two. ");
        spans.text("Three.");
        spans.flush(&mut out);
        out.push_str("</p><p>");
        spans.block();
        spans.text("Four");
        spans.flush(&mut out);
        spans.image(&mut out, |o| o.push_str("<img src=\"a.png\" alt=\"\"/>"));
        out.push_str("</p>");
        assert_eq!(
            out,
            "<p><span class=\"koboSpan\" id=\"kobo.1.1\">One &amp; two. </span><span class=\"koboSpan\" id=\"kobo.1.2\">Three.</span></p><p><span class=\"koboSpan\" id=\"kobo.2.1\">Four</span><span class=\"koboSpan\" id=\"kobo.3.1\"><img src=\"a.png\" alt=\"\"/></span></p>"
        );
    }

    #[test]
    fn a_template_page_gets_the_divs_and_spans_in_its_body_only() {
        let page = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<title>A. B</title>\n</head>\n<body class=\"x\">\n<h1 title=\"a > b\">Moth. Lamp</h1>\n<ul>\n<li><a href=\"a.xhtml\">One</a></li>\n</ul>\n<p>Said <em>so</em> <span class=\"koboSpan\" id=\"kobo.9.9\">kept.</span></p>\n<pre>a. B</pre>\n</body>\n</html>\n";
        let out = Markup::page().feed(page);
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<title>A. B</title>\n</head>\n<body class=\"x\"><div id=\"book-columns\"><div id=\"book-inner\">\n<h1 title=\"a > b\"><span class=\"koboSpan\" id=\"kobo.1.1\">Moth. </span><span class=\"koboSpan\" id=\"kobo.1.2\">Lamp</span></h1>\n<ul>\n<li><a href=\"a.xhtml\"><span class=\"koboSpan\" id=\"kobo.2.1\">One</span></a></li>\n</ul>\n<p><span class=\"koboSpan\" id=\"kobo.3.1\">Said </span><em><span class=\"koboSpan\" id=\"kobo.3.2\">so</span></em><span class=\"koboSpan\" id=\"kobo.3.3\"> </span><span class=\"koboSpan\" id=\"kobo.9.9\">kept.</span></p>\n<pre><span class=\"koboSpan\" id=\"kobo.3.4\">a. B</span></pre>\n</div></div></body>\n</html>\n"
        );
        // Around a typeset body, the template's text is paragraph 0 and fed in two.
        let mut around = Markup::story_page();
        let before = around.feed("<html><body>\n<h1>One</h1>\n<p>Two</p>\n");
        let after = around.feed("<p>Three</p>\n</body></html>");
        assert_eq!(before, "<html><body><div id=\"book-columns\"><div id=\"book-inner\">\n<h1><span class=\"koboSpan\" id=\"kobo.0.1\">One</span></h1>\n<p><span class=\"koboSpan\" id=\"kobo.0.2\">Two</span></p>\n");
        assert_eq!(
            after,
            "<p><span class=\"koboSpan\" id=\"kobo.0.3\">Three</span></p>\n</div></div></body></html>"
        );
    }
}
