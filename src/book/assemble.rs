//! Builds the `Series` model from parsed files and the reading-order plan: gathers the
//! series metadata (authors, fandoms, the strictest rating, deduplicated warnings),
//! checks writers' word counts, and applies the author's-notes policy.

use crate::book::model::{Installment, Part, Series, SourceInfo, WarningEntry};
use crate::book::order::{Entry, Plan};
use crate::book::words::Counts;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::input::header::{FieldKind, Header, Rating};
use crate::input::manifest::Manifest;
use crate::input::settings::NotesPolicy;
use crate::labels::Labels;
use crate::read::event::{Body, Event, Tag};

/// One story file after decoding and parsing.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub source: SourceInfo,
    pub header: Header,
    pub body: Body,
    /// Story words (author's notes excepted), counted while the body was whole: a
    /// build keeps only the typeset body after this.
    pub words: usize,
    /// Author's notes in the body.
    pub notes: usize,
    /// Whether the body holds any text at all.
    pub has_text: bool,
}

impl ParsedFile {
    /// A parsed file, with its counts taken from the body.
    pub fn new(source: SourceInfo, header: Header, body: Body) -> ParsedFile {
        let counts = Counts::of(&body.events);
        ParsedFile::counted(source, header, body, counts)
    }

    /// A parsed file whose body's events were counted as they went by.
    pub fn counted(source: SourceInfo, header: Header, body: Body, counts: Counts) -> ParsedFile {
        ParsedFile {
            source,
            header,
            body,
            words: counts.words,
            notes: counts.notes,
            has_text: counts.has_text,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.header.fields.is_empty() && !self.has_text
    }
}

/// What the caller knows that the files may not say.
#[derive(Debug, Clone, Default)]
pub struct SeriesDefaults {
    /// The folder name, the title of last resort.
    pub folder_name: String,
    /// From the command line; wins over the manifest and the headers.
    pub language: Option<String>,
    pub notes: NotesPolicy,
    /// `series.toml`, or an empty one.
    pub manifest: Manifest,
    /// The user's label catalogues (`labels/<tag>.toml` from a templates folder).
    pub user_labels: Vec<(String, String)>,
}

/// Orders `files` and builds the series. Empty and excluded files are left out.
pub fn assemble(
    files: Vec<ParsedFile>,
    defaults: &SeriesDefaults,
    diags: &mut Diagnostics,
) -> Series {
    let manifest = &defaults.manifest;
    let mut files: Vec<ParsedFile> = files
        .into_iter()
        .filter(|f| {
            !manifest
                .files
                .get(&f.source.file)
                .is_some_and(|o| o.exclude)
        })
        .filter(|f| {
            let empty = f.is_empty();
            if empty {
                diags.push(
                    Diagnostic::new(Code::W005, "has no story text; left out of the book")
                        .in_file(f.source.file.clone()),
                );
            }
            !empty
        })
        .collect();
    let entries: Vec<Entry> = files
        .iter()
        .map(|f| {
            let o = manifest
                .files
                .get(&f.source.file)
                .cloned()
                .unwrap_or_default();
            Entry {
                file: f.source.file.clone(),
                title: f.header.title().map(str::to_string),
                heading: f.body.heading.clone(),
                set_title: o.title,
                set_number: o.number,
                set_part: o.part,
                place: f.header.place.clone(),
            }
        })
        .collect();
    // Every entry a name stands for: a file holding a chaptered work is one entry a
    // chapter, all in the file's place.
    let order: Option<Vec<usize>> = manifest.order.as_ref().map(|names| {
        names
            .iter()
            .flat_map(|n| {
                let entries = &entries;
                (0..entries.len()).filter(move |&i| &entries[i].file == n)
            })
            .collect()
    });
    let Plan {
        series_title,
        installments: planned,
        diagnostics,
    } = crate::book::order::plan(&entries, order.as_deref());
    diags.extend(diagnostics);

    let mut omitted_notes = 0;
    let mut installments = Vec::with_capacity(planned.len());
    for p in planned {
        let parts = p
            .parts
            .into_iter()
            .map(|pp| {
                // The notes policy was applied as the file was parsed.
                let file = std::mem::take(&mut files[pp.entry]);
                if defaults.notes == NotesPolicy::Omit {
                    omitted_notes += file.notes;
                }
                Part {
                    source: file.source,
                    part: pp.part,
                    full_title: pp.full_title,
                    header: file.header,
                    body: file.body,
                    words: file.words,
                }
            })
            .collect();
        installments.push(Installment {
            number: p.number,
            title: p.title,
            parts,
        });
    }
    for part in installments.iter().flat_map(|i| &i.parts) {
        check_word_count(&part.source.file, &part.header, part.words, diags);
        check_language(&part.source.file, &part.header, diags);
    }
    if omitted_notes > 0 {
        diags.push(Diagnostic::new(
            Code::N010,
            format!("left out {omitted_notes} author's note(s) as --notes omit asks"),
        ));
    }

    // A blank title would make an empty dc:title, which no reading system accepts.
    let given = |t: &String| !t.trim().is_empty();
    let title = manifest
        .title
        .clone()
        .filter(given)
        .or(series_title.filter(given))
        .or_else(|| {
            // A lone installment: its title is the book's.
            (installments.len() == 1).then(|| installments[0].parts[0].full_title.clone())
        })
        .filter(given)
        .unwrap_or_else(|| crate::book::order::readable_name(&defaults.folder_name));
    summarize(title, installments, defaults)
}

/// The series-level view of some installments: authors, fandoms and the like gathered
/// from every header, the strictest rating, warnings deduplicated with the installments
/// they apply to; then the manifest's corrections. Also used for one-installment books.
pub fn summarize(
    title: String,
    installments: Vec<Installment>,
    defaults: &SeriesDefaults,
) -> Series {
    let manifest = &defaults.manifest;
    let headers = || {
        installments
            .iter()
            .flat_map(|i| i.parts.iter().map(|p| &p.header))
    };
    let union = |get: fn(&Header) -> Vec<String>| {
        let mut out: Vec<String> = Vec::new();
        for h in headers() {
            for item in get(h) {
                if !out.iter().any(|o| o.to_lowercase() == item.to_lowercase()) {
                    out.push(item);
                }
            }
        }
        out
    };
    let authors = manifest
        .author
        .as_ref()
        .map(|a| a.to_vec())
        .unwrap_or_else(|| union(Header::authors));
    let fandoms = union(Header::fandoms);
    let pairings = union(Header::pairings);
    let categories = union(Header::categories);
    let characters = union(Header::characters);
    let summary = manifest
        .summary
        .clone()
        .or_else(|| headers().find_map(|h| h.summary().map(str::to_string)));
    let disclaimer = headers().find_map(|h| h.disclaimer().map(str::to_string));
    let tags = union(Header::tags);
    let status = headers()
        .filter_map(|h| h.value(FieldKind::Status))
        .next_back()
        .map(str::to_string);
    let source = headers()
        .find_map(|h| h.value(FieldKind::Source))
        .map(str::to_string);
    let dates = |kind| {
        headers()
            .filter_map(move |h| h.value(kind))
            .filter_map(crate::input::date::parse)
    };
    let published = dates(FieldKind::Published).min();
    let updated = dates(FieldKind::Updated)
        .chain(dates(FieldKind::Published))
        .max()
        .filter(|u| published.is_none_or(|p| *u > p));
    let rating = match &manifest.rating {
        Some(r) => Some(Rating::parse(r)),
        None => installments
            .iter()
            .filter_map(Installment::rating)
            .max_by_key(|r| r.level)
            .cloned(),
    };
    let language = defaults
        .language
        .clone()
        .or_else(|| {
            manifest
                .language
                .as_deref()
                .and_then(crate::input::language::tag)
        })
        .or_else(|| headers().find_map(Header::language_tag))
        .unwrap_or_else(|| "en".to_string());
    // A catalogue that does not read is refused by name when the templates load.
    let labels = &*Labels::with_overrides(&language, &defaults.user_labels)
        .unwrap_or(std::borrow::Cow::Borrowed(Labels::for_language(&language)));
    let direction = manifest
        .dir
        .unwrap_or_else(|| crate::input::language::direction(&language));

    let mut warnings: Vec<WarningEntry> = Vec::new();
    let mut add = |text: String, label: &String| {
        let key = warning_key(&text);
        match warnings.iter_mut().find(|e| warning_key(&e.text) == key) {
            Some(e) => {
                if !e.installments.contains(label) {
                    e.installments.push(label.clone());
                }
            }
            None => warnings.push(WarningEntry {
                text,
                installments: vec![label.clone()],
            }),
        }
    };
    for inst in &installments {
        let label = inst.label(labels);
        for part in &inst.parts {
            for w in part.header.warnings() {
                add(w, &label);
            }
        }
    }
    if let Some(edits) = &manifest.warnings {
        for w in &edits.add {
            for inst in &installments {
                add(w.clone(), &inst.label(labels));
            }
        }
        warnings.retain(|e| {
            !edits
                .remove
                .iter()
                .any(|r| warning_key(r) == warning_key(&e.text))
        });
    }

    Series {
        title,
        authors,
        language,
        direction,
        summary,
        fandoms,
        pairings,
        categories,
        characters,
        disclaimer,
        rating,
        warnings,
        tags,
        status,
        published,
        updated,
        source,
        installments,
    }
}

impl Default for ParsedFile {
    fn default() -> Self {
        ParsedFile::new(
            SourceInfo {
                file: String::new(),
                encoding: String::new(),
            },
            Header::default(),
            Body::default(),
        )
    }
}

/// Warnings match whatever their capitals, spaces or final full stop.
fn warning_key(w: &str) -> String {
    w.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', '!'])
        .to_lowercase()
}

/// W018 for a `Language` header that names no language: the file's text is then set
/// in the book's language, and the book's language comes from elsewhere.
fn check_language(file: &str, header: &Header, diags: &mut Diagnostics) {
    let Some(field) = header.language_field() else {
        return;
    };
    if header.language_tag().is_some() {
        return;
    }
    let d = Diagnostic::new(
        Code::W018,
        format!(
            "`{}: {}` is not a language ficbind knows; give a BCP 47 tag such as en, de, zh-Hant or pt-BR",
            field.key, field.value
        ),
    )
    .in_file(file);
    diags.push(if field.line > 0 {
        d.at_line(field.line)
    } else {
        d
    });
}

/// W002 when the writer's word count is more than 10 % off the counted one.
fn check_word_count(file: &str, header: &Header, counted: usize, diags: &mut Diagnostics) {
    // Fields read from markup (HTML) have no line to point at.
    let at_line = |d: Diagnostic, line: usize| if line > 0 { d.at_line(line) } else { d };
    let Some((field, declared)) = header.declared_words() else {
        return;
    };
    match declared {
        Some(declared) => {
            if crate::book::words::declared_far_off(declared, counted) {
                diags.push(at_line(
                    Diagnostic::new(
                        Code::W002,
                        format!(
                            "the header says {} words ({}: {}), ficbind counted {counted}; the book shows both",
                            declared, field.key, field.value
                        ),
                    )
                    .in_file(file),
                    field.line,
                ));
            }
        }
        None => diags.push(at_line(
            Diagnostic::new(
                Code::W011,
                format!(
                    "`{}: {}` is not a word count ficbind can read; it is shown as written",
                    field.key, field.value
                ),
            )
            .in_file(file),
            field.line,
        )),
    }
}

/// Moves or drops author's notes as the user asked; returns how many were dropped.
pub fn apply_notes_policy(events: Vec<Event>, policy: NotesPolicy) -> (Vec<Event>, usize) {
    if policy == NotesPolicy::Keep {
        return (events, 0);
    }
    let mut story = Vec::with_capacity(events.len());
    let mut sorter = NoteSorter::new(policy);
    sorter.feed(events, &mut story);
    let omitted = sorter.finish(&mut story);
    (story, omitted)
}

/// The notes policy applied to a body's events as they go by: a note is passed on
/// (`keep`), set aside until the body ends (`end`) or dropped (`omit`).
#[derive(Debug)]
pub struct NoteSorter {
    policy: NotesPolicy,
    depth: usize,
    /// Notes set aside, for `end`.
    notes: Vec<Event>,
    /// Notes dropped, for `omit`.
    omitted: usize,
}

impl NoteSorter {
    pub fn new(policy: NotesPolicy) -> NoteSorter {
        NoteSorter {
            policy,
            depth: 0,
            notes: Vec::new(),
            omitted: 0,
        }
    }

    /// Moves the story's events among `events` to `story`, and the notes where the
    /// policy says.
    pub fn feed(&mut self, events: impl IntoIterator<Item = Event>, story: &mut Vec<Event>) {
        if self.policy == NotesPolicy::Keep {
            story.extend(events);
            return;
        }
        for event in events {
            let opens = matches!(event, Event::Start(Tag::AuthorNote));
            let closes = matches!(event, Event::End(Tag::AuthorNote));
            if opens {
                if self.depth == 0 {
                    self.omitted += 1;
                }
                self.depth += 1;
            }
            if self.depth > 0 {
                if self.policy == NotesPolicy::End {
                    self.notes.push(event);
                }
            } else {
                story.push(event);
            }
            if closes {
                self.depth = self.depth.saturating_sub(1);
            }
        }
    }

    /// The body has ended: notes set aside follow the story. Returns how many notes
    /// were left out.
    pub fn finish(self, story: &mut Vec<Event>) -> usize {
        story.extend(self.notes);
        match self.policy {
            NotesPolicy::Omit => self.omitted,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::header::split_header;

    fn file(name: &str, text: &str) -> ParsedFile {
        let split = split_header(text);
        let (body, _) =
            crate::read::text::parse(split.body, name, split.body_line, &Default::default());
        ParsedFile::new(
            SourceInfo {
                file: name.into(),
                encoding: "UTF-8".into(),
            },
            split.header,
            body,
        )
    }

    #[test]
    fn series_metadata_is_gathered_from_every_installment() {
        let files = vec![
            file("b.txt", "Title: Moth 2: Flame\nAuthor: Wren\nRating: R for violence\nWarnings: Angst, violence\n\nBurning words here.\n"),
            file("a.txt", "Title: Moth 1: Wing\nBy: Wren\nFandom: Lamps\nRating: PG-13\nWarnings: angst.\nSummary: Moths.\n\nOne two three.\n"),
            file("c.txt", "Title: Moth: Aside\nAuthor: Ilse\nCW: none\n\nAside text.\n"),
        ];
        let mut diags = Diagnostics::default();
        let s = assemble(
            files,
            &SeriesDefaults {
                folder_name: "moths".into(),
                ..Default::default()
            },
            &mut diags,
        );
        assert_eq!(s.title, "Moth");
        assert_eq!(s.authors, vec!["Wren", "Ilse"]);
        assert_eq!(s.fandoms, vec!["Lamps"]);
        assert_eq!(s.rating.as_ref().unwrap().text, "R for violence");
        assert_eq!(s.summary.as_deref(), Some("Moths."));
        assert_eq!(
            s.warnings,
            vec![
                WarningEntry {
                    text: "angst".into(),
                    installments: vec!["1. Wing".into(), "2. Flame".into()]
                },
                WarningEntry {
                    text: "violence".into(),
                    installments: vec!["2. Flame".into()]
                },
            ]
        );
        let en = Labels::for_language("en");
        let labels: Vec<String> = s.installments.iter().map(|i| i.label(en)).collect();
        assert_eq!(labels, vec!["1. Wing", "2. Flame", "Aside"]);
        assert_eq!(s.words(), 3 + 3 + 2);
    }

    #[test]
    fn dates_status_source_and_tags_come_from_the_headers() {
        let files = vec![
            file("a.txt", "Title: Moth 1: Wing\nPublished: 5 March 2024\nStatus: in progress\nURL: https://example.org/moth\nTags: fluff, slow burn\n\nOne.\n"),
            file("b.txt", "Title: Moth 2: Flame\nDate: 2024-04-01\nUpdated: 2024-06-30\nStatus: complete\nAdditional Tags: Fluff; found family\n\nTwo.\n"),
            file("c.txt", "Title: Moth 3: Ash\nPublished: 03/05/2024\n\nThree.\n"),
        ];
        let s = assemble(
            files,
            &SeriesDefaults::default(),
            &mut Diagnostics::default(),
        );
        assert_eq!(
            s.published.map(|d| d.to_string()).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(
            s.updated.map(|d| d.to_string()).as_deref(),
            Some("2024-06-30")
        );
        // What the last installment that says so says.
        assert_eq!(s.status.as_deref(), Some("complete"));
        assert_eq!(s.source.as_deref(), Some("https://example.org/moth"));
        assert_eq!(s.tags, vec!["fluff", "slow burn", "found family"]);
    }

    #[test]
    fn empty_files_are_reported_and_left_out() {
        let mut diags = Diagnostics::default();
        let s = assemble(
            vec![file("one.txt", "Some words.\n"), file("two.txt", "")],
            &SeriesDefaults::default(),
            &mut diags,
        );
        assert_eq!(s.installments.len(), 1);
        let d = diags.iter().find(|d| d.code == Code::W005).unwrap();
        assert_eq!(d.file.as_deref(), Some("two.txt"));
    }

    #[test]
    fn declared_word_count_far_off_warns_with_line() {
        let mut diags = Diagnostics::default();
        let f = file(
            "p.txt",
            "Title: X 1: Y\nWords: 1,200\n\nOnly five words are here.\n",
        );
        assemble(vec![f], &SeriesDefaults::default(), &mut diags);
        let d = diags.iter().find(|d| d.code == Code::W002).unwrap();
        assert_eq!((d.file.as_deref(), d.line), (Some("p.txt"), Some(2)));
        assert!(
            d.message.contains("1200") && d.message.contains("counted 5"),
            "{}",
            d.message
        );
    }

    #[test]
    fn notes_policy_moves_or_drops_notes() {
        let note = |t: &str| {
            vec![
                Event::Start(Tag::AuthorNote),
                Event::Start(Tag::Paragraph),
                Event::Text(t.into()),
                Event::End(Tag::Paragraph),
                Event::End(Tag::AuthorNote),
            ]
        };
        let para = vec![
            Event::Start(Tag::Paragraph),
            Event::Text("story".into()),
            Event::End(Tag::Paragraph),
        ];
        let events: Vec<Event> = [note("A/N: first"), para.clone(), note("A/N: last")].concat();
        let (kept, n) = apply_notes_policy(events.clone(), NotesPolicy::Keep);
        assert_eq!((kept, n), (events.clone(), 0));
        let (end, _) = apply_notes_policy(events.clone(), NotesPolicy::End);
        assert_eq!(
            end,
            [para.clone(), note("A/N: first"), note("A/N: last")].concat()
        );
        let (omit, n) = apply_notes_policy(events, NotesPolicy::Omit);
        assert_eq!((omit, n), (para, 2));
    }

    #[test]
    fn a_users_catalogue_names_the_installments_warnings_apply_to() {
        let files = vec![
            file("a.txt", "Title: Moth 1\nWarnings: angst\n\nOne.\n"),
            file("b.txt", "Title: Moth 2\n\nTwo.\n"),
        ];
        let defaults = SeriesDefaults {
            user_labels: vec![(
                "labels/en.toml".into(),
                "untitled_installment = \"Episode {n}\"".into(),
            )],
            ..Default::default()
        };
        let s = assemble(files, &defaults, &mut Diagnostics::default());
        assert_eq!(s.warnings[0].installments, ["Episode 1"]);
    }

    #[test]
    fn language_tags() {
        let with = |value: &str| Header {
            fields: vec![crate::input::header::Field {
                key: "Language".into(),
                value: value.into(),
                kind: FieldKind::Other,
                items: Vec::new(),
                line: 3,
            }],
            ..Header::default()
        };
        assert_eq!(with("English").language_tag().as_deref(), Some("en"));
        assert_eq!(with("pt-BR").language_tag().as_deref(), Some("pt-BR"));
        let mut diags = Diagnostics::default();
        check_language("a.txt", &with("the common tongue"), &mut diags);
        check_language("b.txt", &with("Deutsch"), &mut diags);
        let found: Vec<_> = diags.iter().collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::W018);
        assert_eq!(found[0].line, Some(3));
        assert!(found[0].message.contains("the common tongue"));
    }
}

#[cfg(test)]
mod manifest_tests {
    use super::*;
    use crate::input::header::split_header;
    use crate::input::manifest::{FileOverride, WarningEdits};

    fn file(name: &str, text: &str) -> ParsedFile {
        let split = split_header(text);
        let (body, _) =
            crate::read::text::parse(split.body, name, split.body_line, &Default::default());
        ParsedFile::new(
            SourceInfo {
                file: name.into(),
                encoding: "UTF-8".into(),
            },
            split.header,
            body,
        )
    }

    #[test]
    fn manifest_corrects_what_detection_got_wrong() {
        let mut manifest = Manifest {
            title: Some("Moths and Lamps".into()),
            author: Some(crate::input::manifest::OneOrMany::One("W. H.".into())),
            language: Some("de".into()),
            summary: Some("Better summary.".into()),
            rating: Some("Explicit".into()),
            warnings: Some(WarningEdits {
                add: vec!["storms".into()],
                remove: vec!["ANGST".into()],
            }),
            ..Manifest::default()
        };
        manifest.files.insert(
            "c.txt".into(),
            FileOverride {
                exclude: true,
                ..Default::default()
            },
        );
        manifest.files.insert(
            "b.txt".into(),
            FileOverride {
                title: Some("Flame Renamed".into()),
                ..Default::default()
            },
        );
        let files = vec![
            file(
                "a.txt",
                "Title: Moth 1: Wing\nAuthor: Wren\nWarnings: angst\n\nOne.\n",
            ),
            file("b.txt", "Title: Moth 2: Flame\nAuthor: Wren\n\nTwo.\n"),
            file("c.txt", "Title: Moth 3: Junk\n\nThree.\n"),
        ];
        let defaults = SeriesDefaults {
            manifest,
            ..Default::default()
        };
        let s = assemble(files, &defaults, &mut Diagnostics::default());
        assert_eq!(s.title, "Moths and Lamps");
        assert_eq!(s.authors, vec!["W. H."]);
        assert_eq!(s.language, "de");
        assert_eq!(s.summary.as_deref(), Some("Better summary."));
        assert_eq!(
            s.rating.unwrap().level,
            crate::input::header::RatingLevel::Explicit
        );
        assert_eq!(
            s.warnings,
            vec![WarningEntry {
                text: "storms".into(),
                installments: vec!["1. Wing".into(), "2. Flame Renamed".into()]
            }]
        );
        assert_eq!(s.installments.len(), 2);
    }
}
