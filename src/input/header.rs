//! The header block at the top of an installment: `Key: Value` lines in any of the
//! spellings writers use, or YAML front matter in Markdown files, parsed into fields that
//! keep every key as written (nothing in a header is silently dropped) plus typed views
//! (rating, warnings, declared word count) the rest of the pipeline relies on.

use serde::Serialize;

/// What a header key means, whatever its spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldKind {
    Title,
    Author,
    Fandom,
    /// The kind of relationships a story is about (AO3's F/F, M/M, Gen …): never a
    /// fandom, though text headers from FanFiction.Net call their fandom "Category".
    Category,
    Pairing,
    Characters,
    Rating,
    Warnings,
    Disclaimer,
    Summary,
    WordCount,
    Notes,
    /// Complete, in progress, abandoned …
    Status,
    /// When the story was first posted (`Published`, `Date`, `Posted`).
    Published,
    Updated,
    /// Where the story lives online (`URL`, `Source`, `Link`).
    Source,
    /// Free-form tags (`Tags`, `Additional Tags`).
    Tags,
    /// A key we know writers use (Series, Beta, Dedication …) with no special meaning here.
    Other,
    /// A key we have never seen; still kept and shown.
    Unknown,
}

impl FieldKind {
    /// Maps a key, as written, to its meaning. Case and surrounding space do not matter.
    pub fn of_key(key: &str) -> Option<FieldKind> {
        let key = key.trim().to_lowercase().replace('’', "'");
        let kind = match key.as_str() {
            "title" | "story" | "name" => FieldKind::Title,
            "author" | "authors" | "writer" | "by" => FieldKind::Author,
            "fandom" | "fandoms" | "category" | "categories" => FieldKind::Fandom,
            "pairing" | "pairings" | "relationship" | "relationships" | "ship" | "ships" => {
                FieldKind::Pairing
            }
            "characters" | "character" => FieldKind::Characters,
            "rating" | "rated" => FieldKind::Rating,
            "warnings" | "warning" | "content warnings" | "content warning"
            | "archive warnings" | "archive warning" | "cw" | "tw" | "trigger warnings" => {
                FieldKind::Warnings
            }
            "disclaimer" => FieldKind::Disclaimer,
            "summary" | "description" | "blurb" => FieldKind::Summary,
            "word count" | "words" | "wordcount" | "length" => FieldKind::WordCount,
            "notes" | "note" | "author's note" | "author's notes" | "a/n" | "an" => {
                FieldKind::Notes
            }
            "status" => FieldKind::Status,
            "date" | "published" | "posted" | "date posted" | "first published" => {
                FieldKind::Published
            }
            "updated" | "last updated" | "date updated" => FieldKind::Updated,
            // Not `link`: a story may open with a character of that name speaking.
            "source" | "url" => FieldKind::Source,
            "tags" | "additional tags" | "freeform tags" => FieldKind::Tags,
            "series" | "part" | "chapter" | "chapters" | "beta" | "betas" | "language" | "lang"
            | "feedback" | "archive" | "dedication" | "spoilers" => FieldKind::Other,
            _ => return None,
        };
        Some(kind)
    }

    /// Kinds whose value often runs on over several lines until the blank line.
    fn continues(self) -> bool {
        matches!(
            self,
            FieldKind::Summary
                | FieldKind::Notes
                | FieldKind::Disclaimer
                | FieldKind::Warnings
                | FieldKind::Characters
                | FieldKind::Pairing
                | FieldKind::Fandom
                | FieldKind::Category
                | FieldKind::Tags
                | FieldKind::Other
                | FieldKind::Unknown
        )
    }
}

/// One header field as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The key as the writer spelled it (`Rated`, `CW`).
    pub key: String,
    pub kind: FieldKind,
    /// The value, continuation lines joined with a newline.
    pub value: String,
    /// List items, where the value is a list (YAML lists, comma-separated fandoms,
    /// warnings split as writers separate them).
    pub items: Vec<String>,
    /// 1-based line of the key in the file.
    pub line: usize,
}

/// Rating levels from the scales writers use, strictest last so `max` finds the
/// series rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RatingLevel {
    /// A rating we could not place on any scale; shown as written.
    Unrecognised,
    General,
    Teen,
    Mature,
    Explicit,
}

impl RatingLevel {
    pub fn describe(self) -> &'static str {
        match self {
            RatingLevel::Unrecognised => "unrecognised rating",
            RatingLevel::General => "general audiences",
            RatingLevel::Teen => "teen and up",
            RatingLevel::Mature => "mature",
            RatingLevel::Explicit => "explicit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    /// The rating as written, reason included (`R for violence`).
    pub text: String,
    pub level: RatingLevel,
}

impl Rating {
    pub fn parse(text: &str) -> Rating {
        let text = text.trim().to_string();
        let lower = text.to_lowercase();
        let starts = |prefixes: &[&str]| {
            prefixes.iter().any(|p| {
                lower == *p
                    || lower.strip_prefix(p).is_some_and(|rest| {
                        rest.starts_with(|c: char| !c.is_alphanumeric() && c != '-' && c != '+')
                    })
            })
        };
        // Longer spellings first: `pg-13` must not be read as `pg`, `k+` not as `k`.
        let level = if starts(&["nc-17", "nc17", "ma", "explicit", "adult", "x", "18+"]) {
            RatingLevel::Explicit
        } else if starts(&[
            "pg-13",
            "pg13",
            "teen and up audiences",
            "teen and up",
            "teen",
            "t",
            "15+",
        ]) {
            RatingLevel::Teen
        } else if starts(&["mature", "r", "m", "nc-16"]) {
            RatingLevel::Mature
        } else if starts(&[
            "general audiences",
            "general",
            "gen",
            "all ages",
            "g",
            "pg",
            "k+",
            "k",
        ]) {
            RatingLevel::General
        } else {
            RatingLevel::Unrecognised
        };
        Rating { text, level }
    }
}

/// Where a file's own format places it, when it says so outright (an archive download's
/// "Part 2 of Ember Road", its chapters): then titles and file names are not guessed at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The series the work belongs to, as the archive names it.
    pub series: Option<String>,
    /// The work's position in that series.
    pub number: Option<u32>,
    /// The work's own title, whole: no series name or number is read out of it.
    pub title: String,
    /// Which chapter of the work this is (1-based), when the work has several.
    pub chapter: Option<u32>,
    /// The other series the work is in, with its position in each (an archive work
    /// can be `Part 2 of X, Part 5 of Y`).
    pub also: Vec<(String, u32)>,
}

impl Place {
    /// A work placed in `series` (first the one it is bound by, then the others).
    pub fn in_series(series: &[(String, u32)], title: String, chapter: Option<u32>) -> Place {
        Place {
            series: series.first().map(|(name, _)| name.clone()),
            number: series.first().map(|(_, n)| *n),
            title,
            chapter,
            also: series.iter().skip(1).cloned().collect(),
        }
    }

    /// Every series the work is in, the one it is bound by first.
    pub fn all_series(&self) -> impl Iterator<Item = &str> {
        self.series
            .as_deref()
            .into_iter()
            .chain(self.also.iter().map(|(name, _)| name.as_str()))
    }

    /// The same work bound into `series` when it is one of its others: that series'
    /// name and position become its own.
    pub fn bound_into(&self, series: &str) -> Place {
        let same = |a: &str| normal_name(a) == normal_name(series);
        let mut place = self.clone();
        if self.series.as_deref().is_some_and(same) {
            return place;
        }
        if let Some(i) = self.also.iter().position(|(name, _)| same(name)) {
            let (name, number) = place.also.remove(i);
            if let (Some(old), Some(n)) = (place.series.take(), place.number) {
                place.also.insert(0, (old, n));
            }
            place.series = Some(name);
            place.number = Some(number);
        }
        place
    }
}

/// A series name as compared: case and runs of spaces do not matter.
pub fn normal_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A parsed header: every field in order plus the typed views.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub fields: Vec<Field>,
    pub rating: Option<Rating>,
    /// Where the file's format places it (archive HTML); `None` for text headers.
    pub place: Option<Place>,
}

impl Header {
    /// A header from fields whose kinds and items are already known (a reader that
    /// takes them from structured markup rather than `Key: Value` lines).
    pub fn from_fields(fields: Vec<Field>) -> Header {
        let rating = fields
            .iter()
            .find(|f| f.kind == FieldKind::Rating && !f.value.trim().is_empty())
            .map(|f| Rating::parse(&f.value));
        Header {
            fields,
            rating,
            place: None,
        }
    }

    fn first(&self, kind: FieldKind) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.kind == kind && !f.value.trim().is_empty())
    }

    fn items(&self, kind: FieldKind) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.kind == kind)
            .flat_map(|f| f.items.iter().cloned())
            .collect()
    }

    pub fn title(&self) -> Option<&str> {
        self.first(FieldKind::Title).map(|f| f.value.as_str())
    }

    pub fn authors(&self) -> Vec<String> {
        self.items(FieldKind::Author)
    }

    pub fn fandoms(&self) -> Vec<String> {
        self.items(FieldKind::Fandom)
    }

    pub fn pairings(&self) -> Vec<String> {
        self.items(FieldKind::Pairing)
    }

    /// The kinds of relationship (AO3's F/F, M/M, Gen …).
    pub fn categories(&self) -> Vec<String> {
        self.items(FieldKind::Category)
    }

    pub fn characters(&self) -> Vec<String> {
        self.items(FieldKind::Characters)
    }

    /// Warning items; empty when none were given or the writer said `none`.
    pub fn warnings(&self) -> Vec<String> {
        self.items(FieldKind::Warnings)
    }

    pub fn tags(&self) -> Vec<String> {
        self.items(FieldKind::Tags)
    }

    /// The value of the first non-empty field of `kind`.
    pub fn value(&self, kind: FieldKind) -> Option<&str> {
        self.first(kind).map(|f| f.value.as_str())
    }

    pub fn summary(&self) -> Option<&str> {
        self.first(FieldKind::Summary).map(|f| f.value.as_str())
    }

    pub fn disclaimer(&self) -> Option<&str> {
        self.first(FieldKind::Disclaimer).map(|f| f.value.as_str())
    }

    /// The writer's word count as written, with the number it means when it means one.
    pub fn declared_words(&self) -> Option<(&Field, Option<u64>)> {
        self.first(FieldKind::WordCount)
            .map(|f| (f, parse_word_count(&f.value)))
    }

    pub fn language(&self) -> Option<&str> {
        self.language_field().map(|f| f.value.as_str())
    }

    /// The `Language` field as written (`Language: Deutsch`).
    pub fn language_field(&self) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| matches!(f.key.to_lowercase().as_str(), "language" | "lang"))
    }

    /// The BCP 47 tag the `Language` field names (`Deutsch` → `de`); `None` without
    /// one, or when it names no language ficbind knows (then W018 says so).
    pub fn language_tag(&self) -> Option<String> {
        self.language().and_then(crate::input::language::tag)
    }
}

/// Where the header ended: the header and the remaining body, with the body's first
/// line number so readers can report file lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub header: Header,
    pub body: &'a str,
    /// 1-based line number of the body's first line in the file.
    pub body_line: usize,
}

/// Splits a plain-text `Key: Value` header block off the top of `text` (already decoded
/// and with `\n` line endings). Leading blank lines are skipped. A header must start with
/// a key we know, so a story whose first line is dialogue (`Mara: Run!`) stays story.
pub fn split_header(text: &str) -> Split<'_> {
    let mut offset = 0;
    let mut line_no = 1;
    // Skip blank lines before the header.
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        offset += line.len();
        line_no += 1;
    }
    let start_offset = offset;
    let start_line = line_no;

    let mut fields: Vec<Field> = Vec::new();
    let mut end = offset;
    let mut end_line = line_no;
    for line in text[offset..].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if !fields.is_empty() {
                // The blank line belongs to the header.
                end += line.len();
                end_line += 1;
            }
            break;
        }
        match parse_key_line(content, fields.is_empty()) {
            Some((key, kind, value)) => fields.push(Field {
                key: key.to_string(),
                kind,
                value: value.to_string(),
                items: Vec::new(),
                line: end_line,
            }),
            None => match fields.last_mut() {
                Some(last) if last.kind.continues() => {
                    if !last.value.is_empty() {
                        last.value.push('\n');
                    }
                    last.value.push_str(content.trim());
                }
                _ => break,
            },
        }
        end += line.len();
        end_line += 1;
    }

    // A lone note at the top (`A/N: thanks for reading!`) is the writer talking before
    // the story, which the body reader sets apart as an author's note.
    let only_notes = fields.iter().all(|f| f.kind == FieldKind::Notes);
    if fields.is_empty() || only_notes {
        return Split {
            header: Header::default(),
            body: &text[start_offset..],
            body_line: start_line,
        };
    }
    for field in &mut fields {
        field.value = field.value.trim().to_string();
        field.items = items_of(field.kind, &field.value);
    }
    Split {
        header: Header::from_fields(fields),
        body: &text[end..],
        body_line: end_line,
    }
}

/// Recognises `Key: value`. The first line of a header must use a known key; later lines
/// may use any short key, which is kept as an unknown field.
fn parse_key_line(line: &str, first: bool) -> Option<(&str, FieldKind, &str)> {
    let colon = line.find(':')?;
    let key = line[..colon].trim();
    let value = line[colon + 1..].trim();
    if key.is_empty() || line.starts_with([' ', '\t']) || value.starts_with("//") {
        return None;
    }
    if let Some(kind) = FieldKind::of_key(key) {
        return Some((key, kind, value));
    }
    let plausible = !first
        && key.chars().count() <= 30
        && key.split_whitespace().count() <= 3
        && key.starts_with(|c: char| c.is_alphabetic())
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || " '’/_-&".contains(c));
    plausible.then_some((key, FieldKind::Unknown, value))
}

/// Splits a value into list items the way writers separate them for this kind of field.
fn items_of(kind: FieldKind, value: &str) -> Vec<String> {
    match kind {
        FieldKind::Warnings => split_warnings(value),
        FieldKind::Author => split_list(value, &[',', '&', ';'], true),
        FieldKind::Fandom
        | FieldKind::Category
        | FieldKind::Pairing
        | FieldKind::Characters
        | FieldKind::Tags => split_list(value, &[',', ';', '\n'], false),
        _ => Vec::new(),
    }
}

fn split_list(value: &str, separators: &[char], split_on_and: bool) -> Vec<String> {
    value
        .split(|c| separators.contains(&c))
        // Only author lists split on " and ": `Mara and Ilse` is one character pairing.
        .flat_map(|s| {
            if split_on_and {
                s.split(" and ").collect()
            } else {
                vec![s]
            }
        })
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits free-text warnings into items: separated by commas, semicolons, full stops or
/// line breaks; an item may carry an explanation after a dash. `none` means none.
pub fn split_warnings(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let is_full_stop = c == '.'
            && next.is_none_or(char::is_whitespace)
            && !current.ends_with('.')
            && !current.to_lowercase().ends_with("etc");
        if matches!(c, ',' | ';' | '\n') || is_full_stop {
            items.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    items.push(current);
    let items: Vec<String> = items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let means_none = |s: &str| {
        matches!(
            s.to_lowercase().trim_end_matches(['.', '!']),
            "none" | "no warnings" | "n/a" | "na" | "nothing" | "no archive warnings apply" | "-"
        )
    };
    if items.iter().all(|s| means_none(s)) {
        Vec::new()
    } else {
        items.into_iter().filter(|s| !means_none(s)).collect()
    }
}

/// Reads a writer's word count: `1800`, `1,800`, `~2k`, `2.5k words`, `about 1800`.
pub fn parse_word_count(value: &str) -> Option<u64> {
    let lower = value.to_lowercase();
    let start = lower.find(|c: char| c.is_ascii_digit())?;
    let rest = &lower[start..];
    let mut digits = String::new();
    let mut consumed = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            // A comma or space between digit groups (`1,800`, `1 800`).
            ',' | '\u{a0}' | ' ' if rest[i + 1..].starts_with(|d: char| d.is_ascii_digit()) => {}
            '.' if rest[i + 1..].starts_with(|d: char| d.is_ascii_digit()) => digits.push('.'),
            _ => break,
        }
        consumed = i + c.len_utf8();
    }
    let number: f64 = digits.parse().ok()?;
    let suffix = rest[consumed..].trim_start();
    let multiplier = if suffix.starts_with('k') {
        1_000.0
    } else if suffix.starts_with('m') && !suffix.starts_with("min") {
        1_000_000.0
    } else {
        1.0
    };
    Some((number * multiplier).round() as u64)
}

/// Splits the header off a story file the way its format writes it: YAML front matter
/// in Markdown (falling back to a `Key: Value` block), a `Key: Value` block in text.
pub fn split(text: &str, format: crate::input::files::Format) -> Split<'_> {
    match format {
        crate::input::files::Format::Markdown => {
            split_front_matter(text).unwrap_or_else(|| split_header(text))
        }
        crate::input::files::Format::Text => split_header(text),
        // HTML and EPUB carry their facts in markup, which their readers take apart.
        crate::input::files::Format::Html | crate::input::files::Format::Epub => Split {
            header: Header::default(),
            body: text,
            body_line: 1,
        },
    }
}

/// Splits YAML front matter (`---` … `---` or `...`) off a Markdown file. Only the YAML
/// writers put in front matter is understood: `key: value`, quoted strings, block and
/// flow lists, and `|`/`>` block scalars; anything else is kept as text.
pub fn split_front_matter(text: &str) -> Option<Split<'_>> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let mut offset = first_end + 1;
    let mut line_no = 2;
    let mut lines = Vec::new();
    let mut closed = false;
    for line in text[offset..].split_inclusive('\n') {
        offset += line.len();
        line_no += 1;
        let content = line.trim_end_matches(['\n', '\r']);
        if content == "---" || content == "..." {
            closed = true;
            break;
        }
        lines.push((line_no - 1, content));
    }
    if !closed {
        return None;
    }
    let mut fields: Vec<Field> = Vec::new();
    let mut block_scalar: Option<bool> = None; // Some(folded?)
    for (n, line) in lines {
        let indented = line.starts_with([' ', '\t']);
        let trimmed = line.trim();
        if indented || trimmed.starts_with("- ") || trimmed == "-" {
            if let Some(last) = fields.last_mut() {
                if let Some(item) = trimmed
                    .strip_prefix("- ")
                    .filter(|_| block_scalar.is_none())
                {
                    last.items.push(unquote(item).to_string());
                } else if !trimmed.is_empty() {
                    let folded = block_scalar.unwrap_or(true);
                    if !last.value.is_empty() {
                        last.value.push(if folded { ' ' } else { '\n' });
                    }
                    last.value.push_str(trimmed);
                }
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim();
        let raw = line[colon + 1..].trim();
        block_scalar = match raw.chars().next() {
            Some('|') => Some(false),
            Some('>') => Some(true),
            _ => None,
        };
        let mut field = Field {
            key: key.to_string(),
            kind: FieldKind::of_key(&key.replace(['_', '-'], " ")).unwrap_or(FieldKind::Unknown),
            value: String::new(),
            items: Vec::new(),
            line: n,
        };
        if block_scalar.is_none() {
            if let Some(flow) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                field.items = flow
                    .split(',')
                    .map(|s| unquote(s.trim()).to_string())
                    .collect();
                field.items.retain(|s| !s.is_empty());
            } else {
                field.value = unquote(raw).to_string();
            }
        }
        fields.push(field);
    }
    for field in &mut fields {
        if field.items.is_empty() {
            field.items = items_of(field.kind, &field.value);
        } else {
            if field.kind == FieldKind::Warnings {
                field.items = field.items.iter().flat_map(|i| split_warnings(i)).collect();
            }
            if field.value.is_empty() {
                field.value = field.items.join(", ");
            }
        }
    }
    Some(Split {
        header: Header::from_fields(fields),
        body: &text[offset..],
        body_line: line_no,
    })
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_maps_to_its_meaning() {
        for (key, kind) in [
            ("Story", FieldKind::Title),
            ("NAME", FieldKind::Title),
            ("By", FieldKind::Author),
            ("Category", FieldKind::Fandom),
            ("Ship", FieldKind::Pairing),
            ("Relationships", FieldKind::Pairing),
            ("Rated", FieldKind::Rating),
            ("Archive Warnings", FieldKind::Warnings),
            ("CW", FieldKind::Warnings),
            ("tw", FieldKind::Warnings),
            ("Blurb", FieldKind::Summary),
            ("Wordcount", FieldKind::WordCount),
            ("Length", FieldKind::WordCount),
            ("Author's Note", FieldKind::Notes),
            ("A/N", FieldKind::Notes),
            ("Beta", FieldKind::Other),
            ("Status", FieldKind::Status),
            ("Date", FieldKind::Published),
            ("Last Updated", FieldKind::Updated),
            ("URL", FieldKind::Source),
            ("Additional Tags", FieldKind::Tags),
        ] {
            assert_eq!(FieldKind::of_key(key), Some(kind), "{key}");
        }
        assert_eq!(FieldKind::of_key("Chapter 3"), None);
        assert_eq!(FieldKind::of_key("Link"), None);
    }

    #[test]
    fn tags_are_a_list() {
        let split = split_header("Title: Snow\nTags: found family, slow burn; fluff\n\nText.\n");
        assert_eq!(
            split.header.tags(),
            vec!["found family", "slow burn", "fluff"]
        );
        assert_eq!(split.header.value(FieldKind::Title), Some("Snow"));
    }

    #[test]
    fn header_with_continuation_and_unknown_key() {
        let text = "Title: Ember Road 03: The Lantern Keeper\nRated: R for violence\nSummary: A long\nsummary here.\nMood: stormy\n\nIt was night.\n";
        let split = split_header(text);
        let h = &split.header;
        assert_eq!(h.title(), Some("Ember Road 03: The Lantern Keeper"));
        assert_eq!(h.summary(), Some("A long\nsummary here."));
        assert_eq!(h.rating.as_ref().unwrap().level, RatingLevel::Mature);
        assert_eq!(h.fields[3].key, "Mood");
        assert_eq!(h.fields[3].kind, FieldKind::Unknown);
        assert_eq!(split.body, "It was night.\n");
        assert_eq!(split.body_line, 7);
    }

    #[test]
    fn header_ends_at_a_line_that_is_not_a_key() {
        let split = split_header("Title: Snow\nAuthor: Wren\nIt was night.\nMore.\n");
        assert_eq!(split.header.fields.len(), 2);
        assert_eq!(split.body, "It was night.\nMore.\n");
        assert_eq!(split.body_line, 3);
    }

    #[test]
    fn no_header_means_all_story() {
        let text = "\nMara: Run!\nIlse ran.\n";
        let split = split_header(text);
        assert!(split.header.fields.is_empty());
        assert_eq!(split.body, "Mara: Run!\nIlse ran.\n");
        assert_eq!(split.body_line, 2);
        let note = split_header("A/N: thanks!\n\nStory.\n");
        assert!(note.header.fields.is_empty());
        assert_eq!(note.body, "A/N: thanks!\n\nStory.\n");
    }

    #[test]
    fn warnings_split_as_writers_separate_them() {
        assert_eq!(
            split_warnings(
                "violence, angst. Slash – m/m relationship. Spoilers – everything after the game."
            ),
            vec![
                "violence",
                "angst",
                "Slash – m/m relationship",
                "Spoilers – everything after the game"
            ]
        );
        assert_eq!(split_warnings("none"), Vec::<String>::new());
        assert_eq!(split_warnings("None."), Vec::<String>::new());
        assert_eq!(
            split_warnings("No Archive Warnings Apply"),
            Vec::<String>::new()
        );
        assert_eq!(
            split_warnings("character death (offscreen); grief"),
            vec!["character death (offscreen)", "grief"]
        );
        assert_eq!(
            split_warnings("spoilers for 2.5, etc."),
            vec!["spoilers for 2.5", "etc."]
        );
    }

    #[test]
    fn ratings_from_every_scale() {
        use RatingLevel::*;
        for (text, level) in [
            ("G", General),
            ("PG", General),
            ("K+", General),
            ("PG-13", Teen),
            ("T", Teen),
            ("Teen And Up Audiences", Teen),
            ("R for violence", Mature),
            ("M", Mature),
            ("Mature", Mature),
            ("NC-17", Explicit),
            ("MA", Explicit),
            ("Explicit", Explicit),
            ("Not Rated", Unrecognised),
            ("Maybe", Unrecognised),
        ] {
            assert_eq!(Rating::parse(text).level, level, "{text}");
        }
    }

    #[test]
    fn word_counts_as_writers_give_them() {
        assert_eq!(parse_word_count("1800"), Some(1800));
        assert_eq!(parse_word_count("1,800"), Some(1800));
        assert_eq!(parse_word_count("~2k"), Some(2000));
        assert_eq!(parse_word_count("2.5k words"), Some(2500));
        assert_eq!(parse_word_count("about 950 words"), Some(950));
        assert_eq!(parse_word_count("long"), None);
    }

    #[test]
    fn yaml_front_matter() {
        let text = "---\ntitle: \"Glass Harbour 1: Arrival\"\nauthor: Ines\nwarnings:\n  - grief\n  - storms\nfandom: [Tides, Glass]\nsummary: >\n  Two lines\n  folded.\n---\n# Body\n";
        let split = split_front_matter(text).unwrap();
        let h = &split.header;
        assert_eq!(h.title(), Some("Glass Harbour 1: Arrival"));
        assert_eq!(h.warnings(), vec!["grief", "storms"]);
        assert_eq!(h.fandoms(), vec!["Tides", "Glass"]);
        assert_eq!(h.summary(), Some("Two lines folded."));
        assert_eq!(split.body, "# Body\n");
        assert_eq!(split.body_line, 12);
        assert!(split_front_matter("# No front matter\n").is_none());
    }

    #[test]
    fn authors_split_on_ampersand_and_and() {
        let split = split_header("Author: Wren & Ilse and Mara\n\nx");
        assert_eq!(split.header.authors(), vec!["Wren", "Ilse", "Mara"]);
        let split = split_header("Title: T\nCharacters: Mara and Ilse, Ro\n\nx");
        assert_eq!(split.header.characters(), vec!["Mara and Ilse", "Ro"]);
    }
}
