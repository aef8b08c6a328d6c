//! Reading order: installment numbers and parts from titles (else file names), the
//! series title the numbered titles share, and the writers' rule that numbered
//! installments go in order while unnumbered ones are free-standing side stories.
//! Everything here works on names and titles only, so it is tested without any files.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Code, Diagnostic};

/// What a title says about its place in the series.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TitleParts {
    /// The text before the installment number (`Ember Road`), as written.
    pub series: Option<String>,
    pub number: Option<u32>,
    /// The installment's own title (`The Lantern Keeper`); empty when there is none.
    pub title: String,
    pub part: Option<u32>,
}

static PART_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[\s,:\-–—]*(?:\(\s*(?:(?:part|pt\.?)\s*)?(\d{1,3})\s*(?:/|of)\s*\d{1,3}\s*\)|\[\s*(\d{1,3})\s*/\s*\d{1,3}\s*\]|\(\s*(?:part|pt\.?)\s*(\d{1,3})\s*\)|\b(?:part|pt\.?)\s*(\d{1,3})(?:\s*(?:/|of)\s*\d{1,3})?)\s*$",
    )
    .expect("valid regex")
});

static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<series>.*?[^\d\s#])\s*#?\s*(?P<num>\d{1,3})(?:\s*$|\s*[:\-–—.,|]\s*(?P<rest>.*)$|\s+(?P<rest2>.*)$)")
        .expect("valid regex")
});

static UNNUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<series>[^:]*?\S)\s*(?::|\s[-–—]\s)\s*(?P<rest>.+)$").expect("valid regex")
});

/// Reads `Ember Road 03: The Lantern Keeper part 2`, `Ember Road 3 - Lantern`,
/// `Ember Road: Snow (2/3)` and the like.
pub fn parse_title(title: &str) -> TitleParts {
    let title = title.trim();
    let (base, part) = match PART_SUFFIX.captures(title) {
        Some(c) if c.get(0).is_some_and(|m| m.start() > 0) => {
            let n = (1..=4)
                .find_map(|i| c.get(i))
                .and_then(|m| m.as_str().parse().ok());
            (title[..c.get(0).unwrap().start()].trim(), n)
        }
        _ => (title, None),
    };
    if let Some(c) = NUMBERED.captures(base) {
        let series = c["series"]
            .trim()
            .trim_end_matches([':', '-', '–', '—', ','])
            .trim();
        let rest = c
            .name("rest")
            .or(c.name("rest2"))
            .map_or("", |m| m.as_str().trim());
        if !series.is_empty() {
            return TitleParts {
                series: Some(series.to_string()),
                number: c["num"].parse().ok(),
                title: rest.to_string(),
                part,
            };
        }
    }
    if let Some(c) = UNNUMBERED.captures(base) {
        return TitleParts {
            series: Some(c["series"].to_string()),
            number: None,
            title: c["rest"].trim().to_string(),
            part,
        };
    }
    TitleParts {
        series: None,
        number: None,
        title: base.to_string(),
        part,
    }
}

static FILE_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:part|pt)[\s_\-.]*(\d{1,3})\D*$").expect("valid regex"));
static LAST_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+)\D*$").expect("valid regex"));

/// The series a file says it belongs to, for sorting a folder of loose downloads into
/// books: the archive's own place for it, else a `Series:` line (`Ember Road`,
/// `Ember Road [3]`, `Part 3 of Ember Road`), else the name before a numbered title's
/// number (`Ember Road 03: Kindling`). An unnumbered `Name: Story` title is not taken
/// as a claim: one-shots are titled like that too. An archive work in several series
/// claims them all, the first first.
pub fn claimed_series(header: &crate::input::header::Header) -> Vec<String> {
    claim(header).map_or_else(Vec::new, |first| {
        let others = header.place.iter().flat_map(|p| &p.also);
        std::iter::once(first)
            .chain(others.map(|(name, _)| name.clone()))
            .collect()
    })
}

fn claim(header: &crate::input::header::Header) -> Option<String> {
    if let Some(place) = &header.place {
        return place.series.clone();
    }
    let line = header
        .fields
        .iter()
        .find(|f| f.key.trim().eq_ignore_ascii_case("series"))
        .map(|f| series_line_name(&f.value));
    if let Some(name) = line.filter(|n| !n.is_empty()) {
        return Some(name);
    }
    let t = parse_title(header.title()?);
    t.number.and(t.series)
}

/// The series most of the files' works are in, when some work is in more than one (so
/// `Part 2 of X, Part 5 of Y` beside two works of Y is bound as part 5 of Y); a tie
/// goes to the series the first such work names first.
fn shared_series(entries: &[Entry]) -> Option<String> {
    use crate::input::header::normal_name;
    if entries
        .iter()
        .all(|e| e.place.as_ref().is_none_or(|p| p.also.is_empty()))
    {
        return None;
    }
    // Counted once a file: a chaptered work is one work, however many chapters.
    let mut files = std::collections::BTreeSet::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        if let Some(place) = e.place.as_ref().filter(|_| files.insert(e.file.as_str())) {
            for name in place.all_series() {
                *counts.entry(normal_name(name)).or_default() += 1;
            }
        }
    }
    let most = counts.values().copied().max()?;
    entries
        .iter()
        .filter_map(|e| e.place.as_ref())
        .flat_map(|p| p.all_series())
        .find(|name| counts.get(&normal_name(name)) == Some(&most))
        .map(str::to_string)
}

/// `Ember Road [3]`, `Part 3 of Ember Road`, `Ember Road #3` → `Ember Road`.
fn series_line_name(value: &str) -> String {
    static POSITION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:part|book|#)?\s*\d{1,4}\s+of\s+|\s*(?:\[\s*\d{1,4}\s*\]|#\s*\d{1,4}|,?\s*(?:part|book)\s+\d{1,4})\s*$")
            .expect("valid regex")
    });
    POSITION.replace_all(value.trim(), "").trim().to_string()
}

fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

/// A file or folder name made a title, for stories whose headers give none:
/// `keep-me` → `Keep Me`. Dashes and underscores between words become spaces, and a
/// name written all in lower case gets capitals; a name with spaces or capitals of its
/// own is the writer's spelling and is kept.
pub fn readable_name(name: &str) -> String {
    let name = name.trim();
    if name.contains(char::is_whitespace)
        || !name.contains(['-', '_']) && name.contains(char::is_uppercase)
    {
        return name.to_string();
    }
    let lower = !name.contains(char::is_uppercase);
    let words: Vec<&str> = name.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return name.to_string();
    }
    const SMALL: [&str; 12] = [
        "a", "an", "and", "as", "at", "but", "for", "in", "of", "on", "or", "the",
    ];
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let keep = !lower || (i > 0 && i + 1 < words.len() && SMALL.contains(w));
            if keep {
                (*w).to_string()
            } else {
                crate::util::text::capitalised(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A trailing part marker (`-part-2`) in a file stem, when a number comes before it;
/// in `part10.txt` the "part" is the installment number.
fn file_part_marker(stem: &str) -> Option<(usize, u32)> {
    let c = FILE_PART.captures(stem)?;
    let start = c.get(0)?.start();
    let before_has_number = stem[..start].contains(|ch: char| ch.is_ascii_digit());
    before_has_number
        .then(|| c[1].parse().ok().map(|n| (start, n)))
        .flatten()
}

/// The installment number a file name carries (`ember-road-03.txt`, `part10.txt`),
/// ignoring a trailing part marker (`-part-2`).
pub fn number_from_file_name(file: &str) -> Option<u32> {
    let stem = stem(file);
    let stem = file_part_marker(stem).map_or(stem, |(start, _)| &stem[..start]);
    LAST_NUMBER
        .captures(stem)
        .and_then(|c| c[1].parse().ok())
        .filter(|&n| n < 100_000)
}

/// A part marker in a file name (`ember-03-part-2`, `x_1_pt1`).
pub fn part_from_file_name(file: &str) -> Option<u32> {
    file_part_marker(stem(file)).map(|(_, n)| n)
}

/// Compares file names the way people read them: `part2` before `part10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, chunk))
        })
    }
    let mut ca = chunks(a);
    let mut cb = chunks(b);
    loop {
        match (ca.next(), cb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some((da, x)), Some((db, y))) => {
                let ord = if da && db {
                    let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                    tx.len().cmp(&ty.len()).then(tx.cmp(ty))
                } else {
                    x.to_lowercase().cmp(&y.to_lowercase())
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// What ordering needs to know about one story file.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub file: String,
    /// The header title, if the file has one.
    pub title: Option<String>,
    /// The first line's heading (`Chapter 3: Undertow`), a title of last resort.
    pub heading: Option<String>,
    /// Overrides from the manifest: they win over anything detected.
    pub set_title: Option<String>,
    pub set_number: Option<u32>,
    pub set_part: Option<u32>,
    /// Where the file's own format places it (an archive download's series position
    /// and chapter): taken as given, before anything is read out of titles.
    pub place: Option<crate::input::header::Place>,
}

/// One installment as ordering decided it: indexes into the entries, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedInstallment {
    pub number: Option<u32>,
    pub title: String,
    /// `(entry index, part number, full title)` for each part, in order.
    pub parts: Vec<PlannedPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPart {
    pub entry: usize,
    pub part: Option<u32>,
    pub full_title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The series title, when titles or the caller could tell it.
    pub series_title: Option<String>,
    pub installments: Vec<PlannedInstallment>,
    pub diagnostics: Vec<Diagnostic>,
}

struct Placed {
    entry: usize,
    number: Option<u32>,
    title: String,
    part: Option<u32>,
    full_title: String,
    series: Option<String>,
    /// The series comes from the archive's own place for the file, not from a title.
    archived: bool,
}

/// Puts the entries in reading order: numbered installments by number (the parts of one
/// by part number), then the free-standing stories; natural file-name order settles ties.
/// With an explicit `order` (entry indexes, from the manifest), the listed entries come in
/// that order, consecutive parts of one installment joined, and the others follow as
/// free-standing stories.
pub fn plan(entries: &[Entry], order: Option<&[usize]>) -> Plan {
    let mut diagnostics = Vec::new();
    let shared = shared_series(entries);
    let mut placed: Vec<Placed> = entries
        .iter()
        .enumerate()
        .map(|(entry, e)| {
            if let Some(place) = &e.place {
                // A work in several series is bound by the one its companions share.
                let place = match &shared {
                    Some(name) => place.bound_into(name),
                    None => place.clone(),
                };
                return Placed {
                    entry,
                    number: place.number,
                    title: place.title.clone(),
                    part: place.chapter,
                    full_title: place.title.clone(),
                    series: place.series.clone(),
                    archived: true,
                };
            }
            match e.title.as_deref().filter(|t| !t.trim().is_empty()) {
                Some(full) => {
                    let t = parse_title(full);
                    Placed {
                        entry,
                        number: t.number,
                        title: t.title,
                        part: t.part,
                        full_title: full.trim().to_string(),
                        series: t.series,
                        archived: false,
                    }
                }
                // No title: the file name is all the writer gave us, with the body's own
                // heading (`Chapter 3: Undertow`) as the better title when there is one.
                None => {
                    let full = stem(&e.file).trim().to_string();
                    let number = number_from_file_name(&e.file);
                    let t = parse_title(&full);
                    let title = match &e.heading {
                        Some(h) => h.clone(),
                        None if t.number.is_some() && !t.title.is_empty() => t.title,
                        None => readable_name(&full),
                    };
                    Placed {
                        entry,
                        number,
                        title,
                        part: part_from_file_name(&e.file),
                        full_title: readable_name(&full),
                        series: None,
                        archived: false,
                    }
                }
            }
        })
        .collect();
    for p in &mut placed {
        let e = &entries[p.entry];
        if let Some(t) = &e.set_title {
            p.title = t.clone();
        }
        if e.set_number.is_some() {
            p.number = e.set_number;
        }
        // A chapter's place in its work is the archive's, not the manifest's: a
        // manifest names files, and all of a work's chapters are one file.
        if e.set_part.is_some() && e.place.as_ref().is_none_or(|pl| pl.chapter.is_none()) {
            p.part = e.set_part;
        }
    }
    if let Some(order) = order {
        return plan_in_given_order(entries, placed, order);
    }

    placed.sort_by(|a, b| {
        let key = |p: &Placed| (p.number.is_none(), p.number);
        key(a)
            .cmp(&key(b))
            .then(a.part.cmp(&b.part))
            .then_with(|| natural_cmp(&entries[a.entry].file, &entries[b.entry].file))
    });

    let series_title = series_title(&placed);

    let mut installments: Vec<PlannedInstallment> = Vec::new();
    let mut groups: BTreeMap<u32, Vec<&Placed>> = BTreeMap::new();
    for p in &placed {
        if let Some(n) = p.number {
            groups.entry(n).or_default().push(p);
        }
    }
    for (number, group) in &groups {
        let has_parts = group.len() > 1 && group.iter().all(|p| p.part.is_some());
        if group.len() > 1 && !has_parts {
            let files: Vec<&str> = group
                .iter()
                .map(|p| entries[p.entry].file.as_str())
                .collect();
            diagnostics.push(
                Diagnostic::new(
                    Code::W003,
                    format!(
                        "{} files are installment {number}: {}; kept in file-name order. If they are parts, add `part 1`, `part 2` to their titles",
                        files.len(),
                        files.join(", ")
                    ),
                )
                .in_file(files[1]),
            );
        }
        if has_parts {
            for pair in group.windows(2) {
                if pair[0].part == pair[1].part {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::W008,
                            format!(
                                "{} and {} are both part {} of installment {number}; kept in file-name order",
                                entries[pair[0].entry].file,
                                entries[pair[1].entry].file,
                                pair[0].part.unwrap_or(0)
                            ),
                        )
                        .in_file(entries[pair[1].entry].file.clone()),
                    );
                }
            }
            installments.push(PlannedInstallment {
                number: Some(*number),
                title: group
                    .iter()
                    .map(|p| p.title.as_str())
                    .find(|t| !t.is_empty())
                    .unwrap_or("")
                    .to_string(),
                parts: group.iter().map(|p| planned_part(p)).collect(),
            });
        } else {
            for p in group {
                installments.push(PlannedInstallment {
                    number: Some(*number),
                    title: p.title.clone(),
                    // A lone file with a part marker is still a part: `(1/2)` with part 2 missing.
                    parts: vec![planned_part(p)],
                });
            }
        }
    }

    let numbers: Vec<u32> = groups.keys().copied().collect();
    if let (Some(&first), Some(&last)) = (numbers.first(), numbers.last()) {
        let missing: Vec<String> = (first.min(1)..=last)
            .filter(|n| *n >= 1 && !groups.contains_key(n))
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() && missing.len() <= 20 {
            diagnostics.push(Diagnostic::new(
                Code::W004,
                format!(
                    "no installment numbered {}; the numbering has a gap (is a file missing?)",
                    missing.join(", ")
                ),
            ));
        }
    }

    // Free-standing stories: grouped by title when they come in parts.
    let mut free: Vec<PlannedInstallment> = Vec::new();
    for p in placed.iter().filter(|p| p.number.is_none()) {
        match free.iter_mut().find(|i| {
            p.part.is_some() && i.title == p.title && i.parts.iter().all(|q| q.part.is_some())
        }) {
            Some(existing) => existing.parts.push(planned_part(p)),
            None => free.push(PlannedInstallment {
                number: None,
                title: p.title.clone(),
                parts: vec![planned_part(p)],
            }),
        }
    }
    for inst in &mut free {
        inst.parts.sort_by_key(|p| p.part);
    }
    installments.extend(free);

    Plan {
        series_title,
        installments,
        diagnostics,
    }
}

/// The manifest's order: listed entries as listed, the rest free-standing after them.
fn plan_in_given_order(entries: &[Entry], mut placed: Vec<Placed>, order: &[usize]) -> Plan {
    let position = |p: &Placed| order.iter().position(|&i| i == p.entry);
    for p in &mut placed {
        if position(p).is_none() {
            p.number = None;
        }
    }
    placed.sort_by(|a, b| match (position(a), position(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => natural_cmp(&entries[a.entry].file, &entries[b.entry].file),
    });
    let series_title = series_title(&placed);
    let mut installments: Vec<PlannedInstallment> = Vec::new();
    for p in &placed {
        match installments.last_mut() {
            Some(last)
                if p.part.is_some()
                    && last.number == p.number
                    && (p.number.is_some() || last.title == p.title)
                    && last.parts.iter().all(|q| q.part.is_some()) =>
            {
                last.parts.push(planned_part(p))
            }
            _ => installments.push(PlannedInstallment {
                number: p.number,
                title: p.title.clone(),
                parts: vec![planned_part(p)],
            }),
        }
    }
    let mut diagnostics = Vec::new();
    let numbers: Vec<u32> = installments.iter().filter_map(|i| i.number).collect();
    for (i, n) in numbers.iter().enumerate() {
        if numbers[..i].contains(n) {
            diagnostics.push(Diagnostic::new(
                Code::W003,
                format!("more than one installment is numbered {n} in the manifest's order"),
            ));
        }
    }
    Plan {
        series_title,
        installments,
        diagnostics,
    }
}

fn planned_part(p: &Placed) -> PlannedPart {
    PlannedPart {
        entry: p.entry,
        part: p.part,
        full_title: p.full_title.clone(),
    }
}

/// The name the numbered titles share before their number, spelled the way most files
/// spell it (writers are not consistent about capitals); the first in reading order
/// wins a tie. Without numbered titles, the shared prefix of `Series: Story` titles.
fn series_title(placed: &[Placed]) -> Option<String> {
    let numbered: Vec<&str> = placed
        .iter()
        .filter(|p| p.number.is_some())
        .filter_map(|p| p.series.as_deref())
        .collect();
    let candidates = if numbered.is_empty() {
        // `Salt: A Small Story` alone is a story's title, not a series and a story:
        // an unnumbered prefix names a series only when stories with different
        // titles share it (or the archive says so).
        let stories: std::collections::BTreeSet<&str> =
            placed.iter().map(|p| p.title.as_str()).collect();
        placed
            .iter()
            .filter(|p| p.archived || stories.len() > 1)
            .filter_map(|p| p.series.as_deref())
            .collect()
    } else {
        numbered
    };
    let normal = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    // Most common name (case-insensitively), then its most common spelling; the first
    // in reading order wins a tie. Counted through maps: comparing every title with
    // every other, normalising both each time, was quadratic (5% of a 200-file build).
    let normals: Vec<String> = candidates.iter().map(|c| normal(c)).collect();
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &normals {
        *by_name.entry(n).or_default() += 1;
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, n) in normals.iter().enumerate() {
        let count = by_name[n.as_str()];
        if best.is_none_or(|(m, _)| count > m) {
            best = Some((count, i));
        }
    }
    let (_, best) = best?;
    let mut by_spelling: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &candidates {
        *by_spelling.entry(c).or_default() += 1;
    }
    let mut spelling: Option<(usize, &str)> = None;
    for (c, _) in candidates
        .iter()
        .zip(&normals)
        .filter(|(_, n)| **n == normals[best])
    {
        let count = by_spelling[c];
        if spelling.is_none_or(|(n, _)| count > n) {
            spelling = Some((count, c));
        }
    }
    spelling.map(|(_, s)| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_work_in_two_series_is_bound_by_the_one_its_companions_share() {
        use crate::input::header::Place;
        let work = |file: &str, title: &str, series: &[(&str, u32)]| Entry {
            file: file.into(),
            title: Some(title.into()),
            place: Some(Place::in_series(
                &series
                    .iter()
                    .map(|(n, i)| (n.to_string(), *i))
                    .collect::<Vec<_>>(),
                title.into(),
                None,
            )),
            ..Entry::default()
        };
        let p = plan(
            &[
                work("a.html", "Crossing", &[("Ferries", 2), ("Tides", 5)]),
                work("b.html", "Slack Water", &[("tides", 4)]),
                work("c.html", "Spring Tide", &[("Tides", 6)]),
            ],
            None,
        );
        assert_eq!(p.series_title.as_deref(), Some("Tides"));
        let order: Vec<(Option<u32>, &str)> = p
            .installments
            .iter()
            .map(|i| (i.number, i.title.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (Some(4), "Slack Water"),
                (Some(5), "Crossing"),
                (Some(6), "Spring Tide")
            ]
        );
    }

    #[test]
    fn a_lone_colon_title_names_a_story_not_a_series() {
        let entry = |file: &str, title: &str| Entry {
            file: file.into(),
            title: Some(title.into()),
            ..Entry::default()
        };
        let lone = plan(&[entry("a.txt", "Salt: A Small Story")], None);
        assert_eq!(lone.series_title, None);
        let two = plan(
            &[
                entry("a.txt", "Salt: Low Water"),
                entry("b.txt", "Salt: High Water"),
            ],
            None,
        );
        assert_eq!(two.series_title.as_deref(), Some("Salt"));
    }

    #[test]
    fn a_file_claims_a_series_by_place_series_line_or_numbered_title() {
        use crate::input::header::{Field, FieldKind, Header, Place};
        let field = |key: &str, value: &str| Field {
            key: key.into(),
            kind: FieldKind::of_key(key).unwrap_or(FieldKind::Unknown),
            value: value.into(),
            items: vec![],
            line: 1,
        };
        let header = |fields: Vec<Field>| Header::from_fields(fields);
        for (value, want) in [
            ("Ember Road", "Ember Road"),
            ("Ember Road [3]", "Ember Road"),
            ("Part 3 of Ember Road", "Ember Road"),
            ("Ember Road #3", "Ember Road"),
            ("Ember Road, book 2", "Ember Road"),
        ] {
            let h = header(vec![field("Title", "Kindling"), field("Series", value)]);
            assert_eq!(claimed_series(&h), [want], "{value}");
        }
        let numbered = header(vec![field("Title", "Ember Road 03: The Lantern Keeper")]);
        assert_eq!(claimed_series(&numbered), ["Ember Road"]);
        // A one-shot titled `Name: Story` claims nothing.
        let one_shot = header(vec![field("Title", "Salt: A Love Story")]);
        assert!(claimed_series(&one_shot).is_empty());
        let mut placed = header(vec![field("Title", "The Ledger")]);
        placed.place = Some(Place {
            series: Some("Salt".into()),
            number: Some(1),
            title: "The Ledger".into(),
            chapter: None,
            also: vec![("Tides".into(), 4)],
        });
        assert_eq!(claimed_series(&placed), ["Salt", "Tides"]);
        placed.place.as_mut().unwrap().series = None;
        assert!(
            claimed_series(&placed).is_empty(),
            "a free-standing archive work"
        );
    }
    use super::readable_name;

    #[test]
    fn names_made_titles() {
        for (name, title) in [
            ("keep-me", "Keep Me"),
            ("the_end_of_the_road", "The End of the Road"),
            ("lantern-road-03", "Lantern Road 03"),
            ("Keep Me", "Keep Me"),
            ("keep me", "keep me"),
            ("McKinnon", "McKinnon"),
            ("iPhone-days", "iPhone days"),
            ("4471", "4471"),
            ("--", "--"),
        ] {
            assert_eq!(readable_name(name), title, "{name}");
        }
    }

    use super::*;

    fn tp(series: &str, number: Option<u32>, title: &str, part: Option<u32>) -> TitleParts {
        TitleParts {
            series: Some(series.into()),
            number,
            title: title.into(),
            part,
        }
    }

    #[test]
    fn titles_in_every_shape() {
        assert_eq!(
            parse_title("Ember Road 03: The Lantern Keeper part 2"),
            tp("Ember Road", Some(3), "The Lantern Keeper", Some(2))
        );
        assert_eq!(
            parse_title("Ember Road 3 - Lantern"),
            tp("Ember Road", Some(3), "Lantern", None)
        );
        assert_eq!(
            parse_title("Ember Road: Snow"),
            tp("Ember Road", None, "Snow", None)
        );
        assert_eq!(
            parse_title("Ember Road 3: Lantern (2/3)"),
            tp("Ember Road", Some(3), "Lantern", Some(2))
        );
        assert_eq!(
            parse_title("Ember Road 3: Lantern, Pt. 1"),
            tp("Ember Road", Some(3), "Lantern", Some(1))
        );
        assert_eq!(
            parse_title("Ember road 02"),
            tp("Ember road", Some(2), "", None)
        );
        assert_eq!(
            parse_title("Copperline 01: Wires"),
            tp("Copperline", Some(1), "Wires", None)
        );
        assert_eq!(
            parse_title("Tidewater 10: Anchor"),
            tp("Tidewater", Some(10), "Anchor", None)
        );
        let plain = parse_title("Snowfall");
        assert_eq!(
            (plain.series, plain.number, plain.title.as_str()),
            (None, None, "Snowfall")
        );
        // A number inside the installment's own title is not the installment number.
        assert_eq!(parse_title("Ember Road 4: The 100 Days").number, Some(4));
    }

    #[test]
    fn file_names() {
        assert_eq!(number_from_file_name("ember-road-03.txt"), Some(3));
        assert_eq!(number_from_file_name("part10.txt"), Some(10));
        assert_eq!(number_from_file_name("copperline-03-part-2.txt"), Some(3));
        assert_eq!(part_from_file_name("copperline-03-part-2.txt"), Some(2));
        assert_eq!(number_from_file_name("Calling (2).txt"), Some(2));
        assert_eq!(number_from_file_name("snow.txt"), None);
        assert_eq!(part_from_file_name("snow.txt"), None);
        assert_eq!(part_from_file_name("part10.txt"), None);
    }

    #[test]
    fn natural_order() {
        let mut names = vec!["part10.txt", "part2.txt", "Part1.txt", "part02b.txt"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            vec!["Part1.txt", "part2.txt", "part02b.txt", "part10.txt"]
        );
    }

    fn entry(file: &str, title: Option<&str>) -> Entry {
        Entry {
            file: file.into(),
            title: title.map(Into::into),
            ..Entry::default()
        }
    }

    #[test]
    fn plan_orders_numbers_parts_then_free_standing() {
        let entries = vec![
            entry("z.txt", Some("Ember Road: Snow")),
            entry("b.txt", Some("Ember road 10 - Ten")),
            entry("c.txt", Some("Ember Road 3: Keeper part 2")),
            entry("d.txt", Some("Ember Road 3: Keeper part 1")),
            entry("e.txt", Some("Ember Road 2: Two")),
            entry("a.txt", Some("Ember Road 1: One")),
        ];
        let plan = plan(&entries, None);
        assert_eq!(plan.series_title.as_deref(), Some("Ember Road"));
        let shape: Vec<(Option<u32>, &str, Vec<usize>)> = plan
            .installments
            .iter()
            .map(|i| {
                (
                    i.number,
                    i.title.as_str(),
                    i.parts.iter().map(|p| p.entry).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some(1), "One", vec![5]),
                (Some(2), "Two", vec![4]),
                (Some(3), "Keeper", vec![3, 2]),
                (Some(10), "Ten", vec![1]),
                (None, "Snow", vec![0]),
            ]
        );
        let gap = plan
            .diagnostics
            .iter()
            .find(|d| d.code == Code::W004)
            .unwrap();
        assert!(gap.message.contains("4, 5, 6, 7, 8, 9"), "{}", gap.message);
    }

    #[test]
    fn duplicate_numbers_warn_and_keep_both() {
        let plan = plan(
            &[
                entry("a.txt", Some("Moth 1: Wing")),
                entry("b.txt", Some("Moth 1: Other")),
            ],
            None,
        );
        assert_eq!(plan.installments.len(), 2);
        assert_eq!(plan.diagnostics[0].code, Code::W003);
        assert!(plan.diagnostics[0].message.contains("a.txt, b.txt"));
    }

    #[test]
    fn untitled_files_number_from_file_name_or_stand_free() {
        let plan = plan(
            &[
                entry("notes on snow.txt", None),
                entry("ch-2.txt", None),
                entry("ch-1.txt", None),
            ],
            None,
        );
        let shape: Vec<(Option<u32>, &str)> = plan
            .installments
            .iter()
            .map(|i| (i.number, i.title.as_str()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some(1), "Ch 1"),
                (Some(2), "Ch 2"),
                (None, "notes on snow")
            ]
        );
        assert_eq!(plan.series_title, None);
    }

    #[test]
    fn series_title_uses_the_most_common_spelling() {
        let plan = plan(
            &[
                entry("1.txt", Some("Ember road 01: A")),
                entry("2.txt", Some("Ember Road 02: B")),
                entry("3.txt", Some("Ember Road 03: C")),
            ],
            None,
        );
        assert_eq!(plan.series_title.as_deref(), Some("Ember Road"));
    }

    #[test]
    fn manifest_order_and_overrides_win() {
        let mut entries = vec![
            entry("a.txt", Some("Moth 1: Wing")),
            entry("b.txt", Some("Moth 2: Lamp")),
            entry("c.txt", Some("Moth 3: Dust part 1")),
            entry("d.txt", Some("Moth 3: Dust part 2")),
            entry("e.txt", Some("Moth 4: Ash")),
        ];
        entries[0].set_title = Some("The Wing".into());
        let plan = plan(&entries, Some(&[1, 0, 2, 3]));
        let shape: Vec<(Option<u32>, &str, usize)> = plan
            .installments
            .iter()
            .map(|i| (i.number, i.title.as_str(), i.parts.len()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some(2), "Lamp", 1),
                (Some(1), "The Wing", 1),
                (Some(3), "Dust", 2),
                (None, "Ash", 1)
            ]
        );
    }

    #[test]
    fn headerless_file_takes_its_heading_as_title() {
        let mut e = entry("x9.txt", None);
        e.heading = Some("Chapter 9: Static".into());
        let plan = plan(&[e], None);
        assert_eq!(
            (
                plan.installments[0].number,
                plan.installments[0].title.as_str()
            ),
            (Some(9), "Chapter 9: Static")
        );
    }

    #[test]
    fn a_place_the_file_states_wins_over_titles_and_file_names() {
        use crate::input::header::Place;
        let placed = |file: &str, series: Option<&str>, number, title: &str, chapter| Entry {
            file: file.into(),
            // A title that would read as another series and number if parsed.
            title: Some(format!("{title}: 7")),
            place: Some(Place {
                series: series.map(Into::into),
                number,
                title: title.into(),
                chapter,
                also: vec![],
            }),
            ..Entry::default()
        };
        let entries = vec![
            placed(
                "work_1207.html",
                Some("Salt"),
                Some(2),
                "Low Water",
                Some(2),
            ),
            placed(
                "work_1207.html",
                Some("Salt"),
                Some(2),
                "Low Water",
                Some(1),
            ),
            placed("work_9.html", None, None, "Aside: Reeds", None),
            placed("work_5530.html", Some("Salt"), Some(1), "The Ledger", None),
            entry("salt-3.txt", Some("Salt 3: Lights")),
        ];
        let plan = plan(&entries, None);
        assert_eq!(plan.series_title.as_deref(), Some("Salt"));
        type Shape<'a> = (Option<u32>, &'a str, Vec<(usize, Option<u32>)>);
        let shape: Vec<Shape<'_>> = plan
            .installments
            .iter()
            .map(|i| {
                (
                    i.number,
                    i.title.as_str(),
                    i.parts.iter().map(|p| (p.entry, p.part)).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some(1), "The Ledger", vec![(3, None)]),
                (Some(2), "Low Water", vec![(1, Some(1)), (0, Some(2))]),
                (Some(3), "Lights", vec![(4, None)]),
                // No series: free-standing, its title whole.
                (None, "Aside: Reeds", vec![(2, None)]),
            ]
        );
        assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    }
}
