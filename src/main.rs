//! The `ficbind` command: parses arguments, calls the library, prints diagnostics and
//! returns an exit code. Nothing else lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use ficbind::{BookFormat, CoverChoice, NotesPolicy, Options, Typography};

#[derive(Parser)]
#[command(
    name = "ficbind",
    version,
    about = "Bind a folder of story installments into one EPUB"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build an EPUB from a series folder.
    ///
    /// Every .txt, .md, .markdown, .html, .htm and .epub file directly in SERIES_DIR
    /// is an installment (HTML and EPUB as the Archive of Our Own or FanFicFare
    /// download them, or any other page or EPUB). The book opens with a metadata page, a content-warnings notice and a contents page,
    /// then the installments in reading order. A series.toml in the folder steers the
    /// build (see `ficbind init`).
    Build(BuildArgs),
    /// Show what a build would do, without writing a book.
    ///
    /// Prints the series title, author, rating and warnings, a table of the
    /// installments in reading order (number, part, title, words counted, the writer's
    /// declared count, file, encoding), then every diagnostic.
    Inspect(InspectArgs),
    /// Write a series.toml with what ficbind detected, ready to correct.
    Init(InitArgs),
    /// Render a series' cover alone, to preview it.
    ///
    /// Uses the same choice of cover a build would (--cover, series.toml, a cover.*
    /// image in the folder, else a generated one).
    Cover(CoverCmdArgs),
    /// Build every series folder under one or more roots into one output folder.
    ///
    /// A series folder is any folder holding story files or a series.toml. Books are
    /// named from the series titles (`-2`, `-3` … when two collide) and built in
    /// parallel; a series that fails is reported and the others go on. A book newer
    /// than all its inputs and built with the same options is skipped.
    Batch(BatchArgs),
}

#[derive(Args)]
struct BatchArgs {
    /// Folders to search for series folders (recursively).
    #[arg(required = true, value_name = "ROOT")]
    roots: Vec<PathBuf>,

    /// The folder the books go into (created if missing).
    #[arg(short, long, value_name = "OUT_DIR")]
    output: PathBuf,

    /// How many series to build at once, 1 to 256. Default: one per core.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,

    /// Rebuild every book, even those that are up to date.
    #[arg(long)]
    force: bool,

    /// Build only the K-th of N deterministic slices of the library (e.g. 2/8), for
    /// spreading a library over machines: a Slurm job array or a Kubernetes indexed Job.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,

    /// Write the summary as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// For a folder of loose downloads: sort each folder's files into one book per
    /// series their headers name (an archive download's "Part N of SERIES", a
    /// `Series:` line, a numbered title) and one book per work that names none.
    #[arg(long)]
    by_series: bool,

    #[command(flatten)]
    text: TextArgs,

    #[command(flatten)]
    book: BookArgs,

    /// Print only failures and the final summary.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_shard(s: &str) -> std::result::Result<(usize, usize), String> {
    let bad = || format!("{s:?} is not a shard; write K/N with 1 ≤ K ≤ N, e.g. 2/8");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[derive(Args)]
struct SeriesArgs {
    /// The folder holding the installment files.
    series_dir: PathBuf,

    /// Use this manifest instead of SERIES_DIR/series.toml.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,

    #[command(flatten)]
    text: TextArgs,
}

/// How the story text is read and typeset; shared by every command that reads stories.
#[derive(Args)]
struct TextArgs {
    /// `smart` (the default) turns straight quotes into curly ones, `--` into a dash
    /// and `...` into an ellipsis; `off` keeps punctuation exactly as written.
    #[arg(long, value_enum, value_name = "MODE")]
    typography: Option<TypographyArg>,

    /// What to do with author's notes: `keep` them where they are (the default),
    /// gather them at the `end` of their installment, or `omit` them.
    #[arg(long, value_enum, value_name = "POLICY")]
    notes: Option<NotesArg>,

    /// The book's language as a BCP 47 tag (`en`, `de`, `pt-BR`). Default: the
    /// manifest's, else the files' `Language` header, else `en`.
    #[arg(long, value_name = "TAG")]
    language: Option<String>,
}

/// What shapes the written book; shared by `build` and `batch`.
#[derive(Args)]
struct BookArgs {
    /// `epub` (the default) for every reading system, or `kepub` for Kobo's own
    /// reader: the same book with Kobo's sentence spans, which its reading statistics,
    /// time left, page turns and highlights need, named `.kepub.epub`. Default: the
    /// manifest's `format`, else epub.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,

    /// A folder of templates (base.xhtml, part.xhtml, style.css, content.opf …) that
    /// replace the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,

    /// Fail, writing nothing, if there is any warning.
    #[arg(long)]
    deny_warnings: bool,

    #[command(flatten)]
    cover: CoverArgs,
}

impl BookArgs {
    fn apply(&self, opts: &mut Options) {
        opts.format = self.format.map(|f| match f {
            FormatArg::Epub => BookFormat::Epub,
            FormatArg::Kepub => BookFormat::Kepub,
        });
        opts.templates = self.templates.clone();
        opts.deny_warnings = self.deny_warnings;
        self.cover.apply(opts);
    }
}

#[derive(Args)]
struct CoverArgs {
    /// Use this image as the cover (JPEG, PNG, WebP, GIF or BMP). Default: the
    /// manifest's, else cover.jpg/.png/.webp in the series folder, else a generated one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_cover")]
    cover: Option<PathBuf>,

    /// Make a book without a cover.
    #[arg(long)]
    no_cover: bool,

    /// The style of a generated cover: classic, night or paper (default classic).
    #[arg(long, value_name = "NAME")]
    cover_style: Option<String>,

    /// Your own cover template (TOML, see covers/README.md) instead of a built-in style.
    #[arg(long, value_name = "FILE", conflicts_with = "cover_style")]
    cover_template: Option<PathBuf>,

    /// Set the title and author over your own cover image, in the cover style's type.
    #[arg(long)]
    cover_text: bool,

    /// A background image for a generated cover, scaled and cropped to fill it.
    #[arg(long, value_name = "FILE")]
    cover_background: Option<PathBuf>,
}

impl CoverArgs {
    fn apply(&self, opts: &mut Options) {
        opts.cover = match (&self.cover, self.no_cover) {
            (_, true) => CoverChoice::None,
            (Some(file), false) => CoverChoice::File(file.clone()),
            (None, false) => CoverChoice::Auto,
        };
        opts.cover_style = self.cover_style.clone();
        opts.cover_template = self.cover_template.clone();
        opts.cover_text = self.cover_text;
        opts.cover_background = self.cover_background.clone();
    }
}

#[derive(Args)]
struct CoverCmdArgs {
    /// The folder holding the installment files.
    series_dir: PathBuf,

    /// Where to write the image. Default: cover.jpg (cover.png when the image keeps
    /// transparency) in the current folder.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    cover: CoverArgs,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    series: SeriesArgs,

    /// Where to write the EPUB. Default: a name made from the series title, in the
    /// current folder (`lantern-road.epub`, `lantern-road.kepub.epub` with --format
    /// kepub). With --split, the folder for the books.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,

    /// One EPUB per installment (its parts joined), each with its own front matter and
    /// the series and its position recorded so reading apps group them.
    #[arg(long)]
    split: bool,

    #[command(flatten)]
    book: BookArgs,

    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct InspectArgs {
    #[command(flatten)]
    series: SeriesArgs,

    /// Print one JSON object (schema in the README) instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct InitArgs {
    /// The folder holding the installment files.
    series_dir: PathBuf,

    /// Replace an existing series.toml.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum TypographyArg {
    Smart,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Kepub,
}

#[derive(Clone, Copy, ValueEnum)]
enum NotesArg {
    Keep,
    End,
    Omit,
}

fn source_date_epoch() -> Result<Option<u64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => Ok(Some(v.trim().parse::<u64>().with_context(|| {
            format!("SOURCE_DATE_EPOCH is {v:?}, which is not a number of seconds; unset it or give whole seconds since 1970")
        })?)),
        _ => Ok(None),
    }
}

fn options(text: &TextArgs, manifest: Option<PathBuf>) -> Result<Options> {
    Ok(Options {
        typography: text.typography.map(|t| match t {
            TypographyArg::Smart => Typography::Smart,
            TypographyArg::Off => Typography::Off,
        }),
        notes: text.notes.map(|n| match n {
            NotesArg::Keep => NotesPolicy::Keep,
            NotesArg::End => NotesPolicy::End,
            NotesArg::Omit => NotesPolicy::Omit,
        }),
        manifest,
        language: text.language.clone(),
        source_date_epoch: source_date_epoch()?,
        cover: CoverChoice::Auto,
        ..Options::default()
    })
}

fn print_diagnostics(diagnostics: &[ficbind::diag::Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

fn build(args: BuildArgs) -> Result<ExitCode> {
    let mut opts = options(&args.series.text, args.series.manifest.clone())?;
    args.book.apply(&mut opts);
    let inputs = ficbind::read_inputs(&args.series.series_dir, &opts)?;
    let written = if args.split {
        let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
        ficbind::build_split(inputs, &dir, &mut print_diagnostics)?
    } else {
        vec![ficbind::build(
            inputs,
            args.output.as_deref(),
            &mut print_diagnostics,
        )?]
    };
    if !args.quiet {
        for w in &written {
            report_written(&w.path, &w.series);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report_written(path: &std::path::Path, s: &ficbind::book::model::Series) {
    eprintln!(
        "wrote {} — “{}”, {} installment(s), {} words",
        path.display(),
        s.title,
        s.installments.len(),
        ficbind::output::views::thousands(s.words())
    );
}

fn inspect(args: InspectArgs) -> Result<ExitCode> {
    let opts = options(&args.series.text, args.series.manifest.clone())?;
    let report = ficbind::inspect(&args.series.series_dir, &opts)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", ficbind::commands::inspect::to_text(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn init(args: InitArgs) -> Result<ExitCode> {
    let path = ficbind::commands::init::init(&args.series_dir, args.force)?;
    eprintln!(
        "wrote {}; check it with `ficbind inspect {}`",
        path.display(),
        args.series_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn batch(args: BatchArgs) -> Result<ExitCode> {
    use ficbind::commands::batch::{Outcome, Progress, SeriesResult};
    use std::io::IsTerminal as _;

    // Found unwritable at the end of a long batch, the report would be lost: try now.
    if let Some(path) = &args.report {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        tempfile::Builder::new()
            .prefix(".ficbind-report-")
            .tempfile_in(&folder)
            .with_context(|| {
                format!(
                    "cannot write the report {}: its folder {} does not exist or is not writable; choose another --report path",
                    path.display(),
                    folder.display()
                )
            })?;
    }
    let mut build = options(&args.text, None)?;
    args.book.apply(&mut build);
    let opts = ficbind::BatchOptions {
        out_dir: args.output.clone(),
        jobs: args.jobs.map(usize::from),
        force: args.force,
        shard: args.shard,
        by_series: args.by_series,
        report: args.report.clone(),
        build,
    };
    let bar_wanted = !args.quiet && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::hidden();
    if bar_wanted {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} series  ETA {eta}  {wide_msg}",
            )
            .expect("valid progress template"),
        );
    }
    let named = |r: &SeriesResult| match &r.group {
        Some(g) => format!("{} ({g})", r.series.display()),
        None => r.series.display().to_string(),
    };
    let line = |r: &SeriesResult| match &r.outcome {
        Outcome::Built {
            output, warnings, ..
        } => {
            let w = if *warnings > 0 {
                format!(" ({warnings} warning(s))")
            } else {
                String::new()
            };
            format!("built   {} → {}{w}", named(r), output.display())
        }
        Outcome::Skipped { output, reason } => {
            format!("skipped {} → {}: {reason}", named(r), output.display())
        }
        Outcome::Failed { reason } => format!("FAILED  {}: {reason}", named(r)),
    };
    let report = ficbind::batch(&args.roots, &opts, &|p| match p {
        Progress::Start { total } => bar.set_length(total as u64),
        Progress::Done(r) => {
            if bar_wanted {
                bar.set_message(named(r));
                bar.inc(1);
                if matches!(r.outcome, Outcome::Failed { .. }) {
                    bar.println(line(r));
                }
            } else if !args.quiet || matches!(r.outcome, Outcome::Failed { .. }) {
                eprintln!("{}", line(r));
            }
        }
    })?;
    bar.finish_and_clear();
    if bar_wanted {
        for r in &report.series {
            eprintln!("{}", line(r));
        }
    }
    eprintln!(
        "{} built, {} skipped, {} failed",
        report.built, report.skipped, report.failed
    );
    if let Some(path) = &args.report {
        let json = serde_json::to_vec_pretty(&report)?;
        ficbind::output::atomic::write_atomically(path, &json)?;
    }
    Ok(if report.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn cover(args: CoverCmdArgs) -> Result<ExitCode> {
    let mut opts = Options {
        source_date_epoch: Some(0),
        ..Options::default()
    };
    args.cover.apply(&mut opts);
    if opts.cover == CoverChoice::None {
        bail!("--no-cover leaves nothing to render; drop it to preview the cover");
    }
    let (out, image) = ficbind::build::write_cover(
        &args.series_dir,
        &opts,
        args.output.as_deref(),
        &mut print_diagnostics,
    )?;
    eprintln!(
        "wrote {} ({}×{} {})",
        out.display(),
        image.width,
        image.height,
        image.media_type
    );
    Ok(ExitCode::SUCCESS)
}

fn run() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Build(args) => build(args),
        Command::Inspect(args) => inspect(args),
        Command::Init(args) => init(args),
        Command::Batch(args) => batch(args),
        Command::Cover(args) => cover(args),
    }
}

/// On SIGINT, SIGTERM or SIGHUP, removes the temporary file of a book being written
/// (the old book, if any, is untouched) and exits as a shell expects: 128 + signal.
fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            ficbind::output::atomic::remove_unfinished();
            std::process::exit(128 + signal);
        }
    });
}

fn main() -> ExitCode {
    remove_temporary_files_on_signals();
    match run() {
        Ok(code) => code,
        Err(e) => {
            // ficbind's own errors already end with their cause and what to do;
            // printing the chain would say the cause twice.
            match e.downcast_ref::<ficbind::Error>() {
                Some(own) => eprintln!("error: {own}"),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}
