//! `ficbind batch`: every series folder under some roots becomes a book in one output
//! folder. Series are built in parallel and each in isolation: one series' failure is a
//! row in the report, never a stop. Names come from series titles, decided for the whole
//! library before anything is built, so they are the same however the work is sharded.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::build::UniqueNames;
use crate::error::{Error, Result};
use crate::input::files::Format;
use crate::input::manifest::MANIFEST_NAME;
use crate::input::settings::{BookFormat, Options};
use crate::input::Inputs;
use crate::output::atomic::InputFiles;
use crate::util::hash::Fnv64;

/// How a batch runs.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    pub out_dir: PathBuf,
    /// Worker threads; `None` means one per core.
    pub jobs: Option<usize>,
    /// Rebuild even books that are up to date.
    pub force: bool,
    /// Build only slice `k` (1-based) of `n`.
    pub shard: Option<(usize, usize)>,
    /// Sort each folder's files into one book per series they claim (and one per
    /// work that claims none), for a folder of loose downloads.
    pub by_series: bool,
    /// Where the caller will write the report: refused before anything is built when it
    /// is one of the library's story files or manifests.
    pub report: Option<PathBuf>,
    pub build: Options,
}

/// What became of one series.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Built {
        output: PathBuf,
        installments: usize,
        words: usize,
        warnings: usize,
    },
    Skipped {
        output: PathBuf,
        reason: String,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeriesResult {
    pub series: PathBuf,
    /// With `--by-series`, which of the folder's books this is: the series' name, or
    /// the free-standing work's file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The end-of-run summary, also written as JSON by `--report`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub built: usize,
    pub skipped: usize,
    pub failed: usize,
    /// In the order of the series' paths.
    pub series: Vec<SeriesResult>,
}

/// Progress, for the command line to show.
pub enum Progress<'a> {
    /// The batch knows how many series it will build.
    Start { total: usize },
    /// One series is done.
    Done(&'a SeriesResult),
}

/// A series folder found under a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesDir {
    /// The folder, spelled as under the root the user gave.
    pub path: PathBuf,
    /// Its path relative to that root: the same however the root is spelled (`lib`,
    /// `./lib`, `/home/me/lib`), so shards and names agree between machines.
    pub key: PathBuf,
    /// With `--by-series`, the one book of the folder this is.
    pub group: Option<Group>,
}

/// Some of a folder's story files that make one book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The series' name, or the free-standing work's file name.
    pub label: String,
    /// The files' names inside the folder.
    pub files: Vec<String>,
}

impl SeriesDir {
    /// The folder's inputs, narrowed to this book's files.
    fn narrow(&self, mut inputs: Inputs) -> Inputs {
        if let Some(group) = &self.group {
            inputs.files.retain(|f| group.files.contains(&f.name));
            // The title of last resort is the series' name, not the downloads folder's.
            inputs.folder_name = group.label.clone();
        }
        inputs
    }
}

/// `--by-series`: every folder's story files sorted into one book per series they
/// claim (`book::order::claimed_series`, read from the headers alone) and one per file
/// that claims none. Names that differ only in case and spacing are one series. A
/// folder that cannot be listed stays whole, so its build reports why.
pub fn group_by_series(dirs: Vec<SeriesDir>, opts: &Options) -> Vec<SeriesDir> {
    let mut out: Vec<SeriesDir> = dirs
        .into_par_iter()
        .flat_map_iter(|dir| {
            let Ok(inputs) = crate::input::read_listing(&dir.path, opts) else {
                return vec![dir];
            };
            let claims: Vec<(String, Vec<String>)> = inputs
                .files
                .par_iter()
                .map(|f| {
                    let mut claims = crate::build::peek_header(f)
                        .map(|h| crate::book::order::claimed_series(&h))
                        .unwrap_or_default();
                    claims.retain(|s| !s.trim().is_empty());
                    (f.name.clone(), claims)
                })
                .collect();
            groups_of(claims)
                .into_iter()
                .map(|group| SeriesDir {
                    path: dir.path.clone(),
                    key: dir.key.join(&group.label),
                    group: Some(group),
                })
                .collect()
        })
        .collect();
    out.sort_by(|a, b| (&a.key, &a.path).cmp(&(&b.key, &b.path)));
    out
}

/// Files and the series each claims → the books: series first (in name order), then
/// each free-standing file. A work in several series goes with the one most files
/// claim (the first it names on a tie). A series is labelled by its most common
/// spelling, the first file's on a tie.
fn groups_of(claims: Vec<(String, Vec<String>)>) -> Vec<Group> {
    let normal = crate::input::header::normal_name;
    let mut popularity: std::collections::BTreeMap<String, usize> = Default::default();
    for name in claims.iter().flat_map(|(_, c)| c) {
        *popularity.entry(normal(name)).or_default() += 1;
    }
    let mut series: std::collections::BTreeMap<String, (Vec<String>, Vec<String>)> =
        Default::default();
    let mut alone = Vec::new();
    for (file, claim) in claims {
        let best = claim.iter().fold(None::<&String>, |best, c| match best {
            Some(b) if popularity[&normal(b)] >= popularity[&normal(c)] => Some(b),
            _ => Some(c),
        });
        match best.cloned() {
            Some(name) => {
                let entry = series.entry(normal(&name)).or_default();
                entry.0.push(file);
                entry
                    .1
                    .push(name.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            None => alone.push(Group {
                label: file.clone(),
                files: vec![file],
            }),
        }
    }
    let mut groups: Vec<Group> = series
        .into_values()
        .map(|(files, spellings)| {
            let count = |s: &String| spellings.iter().filter(|t| *t == s).count();
            let label = spellings
                .iter()
                .fold(None::<&String>, |best, s| match best {
                    Some(b) if count(b) >= count(s) => Some(b),
                    _ => Some(s),
                })
                .cloned()
                .unwrap_or_default();
            Group { label, files }
        })
        .collect();
    groups.extend(alone);
    groups
}

/// Every series folder under `roots` (a folder holding story files or a manifest),
/// once each however many roots reach it, sorted by the path relative to its root.
/// Hidden folders are not searched.
pub fn find_series(roots: &[PathBuf]) -> Result<Vec<SeriesDir>> {
    let mut found = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for root in roots {
        if root.exists() && !root.is_dir() {
            return Err(Error::Batch(format!(
                "{} is a file, not a folder; give batch the folder that holds your series folders",
                root.display()
            )));
        }
        if !root.is_dir() {
            return Err(Error::FolderMissing(root.clone()));
        }
        let mut here = Vec::new();
        walk(root, &mut here)?;
        for path in here {
            // The same folder reached twice (`lib ./lib /abs/lib`) is one series.
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            if seen.insert(canonical) {
                let key = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                found.push(SeriesDir {
                    path,
                    key,
                    group: None,
                });
            }
        }
    }
    found.sort_by(|a, b| (&a.key, &a.path).cmp(&(&b.key, &b.path)));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let unreadable = |source| Error::FolderUnreadable {
        path: dir.to_path_buf(),
        source,
    };
    let mut is_series = false;
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let file_type = entry.file_type().map_err(unreadable)?;
        if file_type.is_dir() {
            subdirs.push(entry.path());
        } else if Format::of(&name).is_some() || name == MANIFEST_NAME {
            is_series = true;
        }
    }
    if is_series {
        found.push(dir.to_path_buf());
    }
    for sub in subdirs {
        walk(&sub, found)?;
    }
    Ok(())
}

/// Whether `series` (a path relative to its root) is in shard `k` of `n`: a hash of
/// the path, so adding a series to the library does not move the others.
pub fn in_shard(series: &Path, (k, n): (usize, usize)) -> bool {
    let mut h = Fnv64::default();
    h.write(series.to_string_lossy().as_bytes());
    (h.0 % n as u64) as usize == k - 1
}

/// The title a series will get, from the manifest and the headers alone (the first
/// 16 KiB of each file): cheap enough to run over a whole library to settle names, and
/// the same guess a build makes before it reads the bodies.
pub fn peek_title(dir: &SeriesDir, opts: &Options) -> Option<String> {
    peek_book(dir, opts).0
}

/// The title `peek_title` guesses and the format the series' settings choose (its own
/// `series.toml` may ask for a KEPUB, which is named `.kepub.epub`).
fn peek_book(dir: &SeriesDir, opts: &Options) -> (Option<String>, BookFormat) {
    let Ok(inputs) = crate::input::read_listing(&dir.path, opts) else {
        return (None, opts.format.unwrap_or_default());
    };
    let inputs = dir.narrow(inputs);
    let series = crate::build::peek_series(&inputs);
    let title = (!series.installments.is_empty()).then_some(series.title);
    (title, inputs.settings.format)
}

/// Output names for every series, settled for the whole list in path order: the title's
/// slug, with `-2`, `-3` … when titles collide.
pub fn assign_names(series: &[SeriesDir], opts: &Options) -> Vec<String> {
    let books: Vec<(String, BookFormat)> = series
        .par_iter()
        .map(|dir| {
            let (title, format) = peek_book(dir, opts);
            let title = title.unwrap_or_else(|| match &dir.group {
                Some(g) => g.label.clone(),
                None => dir
                    .path
                    .file_name()
                    .map_or("book".into(), |n| n.to_string_lossy().into_owned()),
            });
            (title, format)
        })
        .collect();
    let mut names = UniqueNames::default();
    books
        .iter()
        .map(|(title, format)| names.take_as(title, *format))
        .collect()
}

/// Why an existing book can be kept, if it can: it was built by this version from the
/// same settings and the same files, byte for byte (its zip comment holds the
/// fingerprint of all of them, see `build::fingerprint`).
fn up_to_date(inputs: &Inputs, output: &Path) -> Option<String> {
    let mut file = std::fs::File::open(output).ok()?;
    let len = file.metadata().ok()?.len();
    use std::io::{Seek, SeekFrom};
    // The comment is at most 65,535 bytes, plus the 22-byte end record.
    file.seek(SeekFrom::Start(len.saturating_sub(65_535 + 22)))
        .ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    let comment = crate::output::epub::read_comment(&tail)?;
    let images = crate::build::fingerprint_images(&comment);
    let now = crate::build::current_fingerprint(inputs, &images).ok()?;
    (comment == now).then(|| "up to date (built from the same files and options)".to_string())
}

/// Builds one series into `output`, never panicking the batch.
fn build_one(dir: &SeriesDir, output: &Path, opts: &BatchOptions) -> Outcome {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<Outcome> {
        // Read once: the up-to-date check and the build share it.
        let inputs = dir.narrow(crate::input::read_inputs(&dir.path, &opts.build)?);
        if !opts.force {
            if let Some(reason) = up_to_date(&inputs, output) {
                return Ok(Outcome::Skipped {
                    output: output.to_path_buf(),
                    reason,
                });
            }
        }
        // However many series run at once, each holds only its plan (the story
        // compressed) and the few pages being written.
        let written = crate::build::build(inputs, Some(output), &mut |_| {})?;
        Ok(Outcome::Built {
            output: written.path,
            installments: written.series.installments.len(),
            words: written.series.words(),
            warnings: crate::diag::warning_count(&written.diagnostics),
        })
    }));
    match result {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) => Outcome::Failed {
            reason: e.to_string(),
        },
        Err(_) => Outcome::Failed {
            reason: "ficbind crashed on this series; please report it with the files".into(),
        },
    }
}

/// The most series built at once: each is a thread with its own working memory, and
/// far more threads than cores only costs memory (`-j 100000` hung starting them).
pub const MOST_JOBS: usize = 256;

/// Refuses a `--report` path that is a story file or manifest of one of the `series`,
/// so writing the report never replaces an input.
fn refuse_report(report: &Path, series: &[SeriesDir]) -> Result<()> {
    if std::fs::metadata(report).is_err() {
        // A new file replaces nothing.
        return Ok(());
    }
    let mut inputs = InputFiles::default();
    for dir in series.iter().map(|s| &s.path) {
        let stories = crate::input::files::list_story_files(dir).unwrap_or_default();
        let manifest = dir.join(MANIFEST_NAME);
        inputs.extend(
            stories
                .iter()
                .map(|f| f.path.as_path())
                .chain([manifest.as_path()]),
        );
    }
    inputs.refuse(report, "the report", "--report")
}

/// Runs the batch. `progress` is called from worker threads as series finish.
pub fn run(
    roots: &[PathBuf],
    opts: &BatchOptions,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<Report> {
    let mut all = find_series(roots)?;
    if let Some(report) = &opts.report {
        refuse_report(report, &all)?;
    }
    let out_dir = &opts.out_dir;
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Error::OutputNotAFolder(out_dir.clone()));
    }
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Write {
        path: out_dir.clone(),
        source,
    })?;
    if opts.jobs.is_some_and(|j| j == 0 || j > MOST_JOBS) {
        return Err(Error::Batch(format!(
            "--jobs {} is not a number of series ficbind can build at once; give 1 to {MOST_JOBS}, or leave it out for one per core",
            opts.jobs.unwrap_or(0)
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()
        .map_err(|e| {
            Error::Batch(format!(
                "cannot start {} worker threads: {e}",
                opts.jobs.unwrap_or(0)
            ))
        })?;
    pool.install(|| {
        if opts.by_series {
            all = group_by_series(std::mem::take(&mut all), &opts.build);
        }
        let names = assign_names(&all, &opts.build);
        let mine: Vec<(&SeriesDir, &String)> = all
            .iter()
            .zip(&names)
            .filter(|(dir, _)| opts.shard.is_none_or(|s| in_shard(&dir.key, s)))
            .collect();
        progress(Progress::Start { total: mine.len() });
        let mut results: Vec<SeriesResult> = mine
            .par_iter()
            .map(|(dir, name)| {
                let result = SeriesResult {
                    series: dir.path.clone(),
                    group: dir.group.as_ref().map(|g| g.label.clone()),
                    outcome: build_one(dir, &out_dir.join(name), opts),
                };
                progress(Progress::Done(&result));
                result
            })
            .collect();
        results.sort_by(|a, b| (&a.series, &a.group).cmp(&(&b.series, &b.group)));
        let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
        Ok(Report {
            built: count(|o| matches!(o, Outcome::Built { .. })),
            skipped: count(|o| matches!(o, Outcome::Skipped { .. })),
            failed: count(|o| matches!(o, Outcome::Failed { .. })),
            series: results,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_join_spellings_of_one_series_and_leave_unclaimed_files_alone() {
        let claims = vec![
            ("b.html".to_string(), vec!["Ember  Road".to_string()]),
            ("a.txt".to_string(), vec!["ember road".to_string()]),
            ("c.txt".to_string(), vec![]),
            ("d.epub".to_string(), vec!["Ember Road".to_string()]),
            // In two series: it goes with the one more files are in.
            (
                "e.txt".to_string(),
                vec!["Salt".to_string(), "Ember Road".to_string()],
            ),
            ("f.txt".to_string(), vec!["Salt".to_string()]),
        ];
        let groups = groups_of(claims);
        let got: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.label.as_str(),
                    g.files.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Ember Road", vec!["b.html", "a.txt", "d.epub", "e.txt"]),
                ("Salt", vec!["f.txt"]),
                ("c.txt", vec!["c.txt"]),
            ]
        );
    }

    #[test]
    fn shards_partition_the_library() {
        let paths: Vec<PathBuf> = (0..200)
            .map(|i| PathBuf::from(format!("lib/series-{i}")))
            .collect();
        let mut seen = vec![0; paths.len()];
        for k in 1..=3 {
            for (i, p) in paths.iter().enumerate() {
                if in_shard(p, (k, 3)) {
                    seen[i] += 1;
                }
            }
        }
        assert!(
            seen.iter().all(|&n| n == 1),
            "every series in exactly one shard"
        );
        let first = paths.iter().filter(|p| in_shard(p, (1, 3))).count();
        assert!((40..=95).contains(&first), "roughly a third: {first}");
    }
}
