//! The `ficbind` command: parses arguments, calls the library, prints diagnostics and
//! returns an exit code. Nothing else lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use ficbind::config::{CoverChoice, NotesPolicy, Options, Typography};

#[derive(Parser)]
#[command(name = "ficbind", version, about = "Bind a folder of story installments into one EPUB")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build an EPUB from a series folder.
    ///
    /// Every .txt, .md and .markdown file directly in SERIES_DIR is an installment. The
    /// book opens with a metadata page, a content-warnings notice and a contents page,
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
}

#[derive(Args)]
struct SeriesArgs {
    /// The folder holding the installment files.
    series_dir: PathBuf,

    /// Use this manifest instead of SERIES_DIR/series.toml.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,

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

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    series: SeriesArgs,

    /// Where to write the EPUB. Default: a name made from the series title, in the
    /// current folder (`lantern-road.epub`). With --split, the folder for the books.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,

    /// One EPUB per installment (its parts joined), each with its own front matter and
    /// the series and its position recorded so reading apps group them.
    #[arg(long)]
    split: bool,

    /// A folder of templates (base.xhtml, part.xhtml, style.css, content.opf …) that
    /// replace the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,

    /// Fail, writing nothing, if there is any warning.
    #[arg(long)]
    deny_warnings: bool,

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

fn options(args: &SeriesArgs) -> Result<Options> {
    Ok(Options {
        typography: args.typography.map(|t| match t {
            TypographyArg::Smart => Typography::Smart,
            TypographyArg::Off => Typography::Off,
        }),
        notes: args.notes.map(|n| match n {
            NotesArg::Keep => NotesPolicy::Keep,
            NotesArg::End => NotesPolicy::End,
            NotesArg::Omit => NotesPolicy::Omit,
        }),
        manifest: args.manifest.clone(),
        language: args.language.clone(),
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
    let mut opts = options(&args.series)?;
    opts.templates = args.templates.clone();
    opts.deny_warnings = args.deny_warnings;
    let inputs = ficbind::read_inputs(&args.series.series_dir, &opts)?;
    let folder = inputs.folder.clone();
    let read_asset = |rel: &str| std::fs::read(folder.join(rel)).ok();
    let books: Vec<(PathBuf, ficbind::Book)> = if args.split {
        let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
        if dir.exists() && !dir.is_dir() {
            bail!("{} is a file; with --split, -o names the folder the books go into", dir.display());
        }
        ficbind::compile_split(&inputs, &opts, &read_asset)?.into_iter().map(|(name, book)| (dir.join(name), book)).collect()
    } else {
        let book = ficbind::compile(&inputs, &opts, &read_asset)?;
        let out = args.output.clone().unwrap_or_else(|| PathBuf::from(ficbind::default_file_name(&book.series.title)));
        vec![(out, book)]
    };
    let warnings: usize = books.iter().map(|(_, b)| b.warning_count()).sum();
    for (_, book) in &books {
        print_diagnostics(&book.diagnostics);
    }
    if opts.deny_warnings && warnings > 0 {
        return Err(ficbind::error::Error::DeniedWarnings { count: warnings }.into());
    }
    if args.split {
        let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&dir)
            .map_err(|source| ficbind::error::Error::Write { path: dir.clone(), source })?;
    }
    for (path, book) in &books {
        ficbind::write_atomically(path, &book.epub)?;
        if !args.quiet {
            let s = &book.series;
            eprintln!(
                "wrote {} — “{}”, {} installment(s), {} words",
                path.display(),
                s.title,
                s.installments.len(),
                ficbind::render::thousands(s.words())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect(args: InspectArgs) -> Result<ExitCode> {
    let opts = options(&args.series)?;
    let inputs = ficbind::read_inputs(&args.series.series_dir, &opts)?;
    let prepared = ficbind::prepare(&inputs, &opts)?;
    let report = ficbind::inspect::inspection(&prepared);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", ficbind::inspect::to_text(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn init(args: InitArgs) -> Result<ExitCode> {
    let path = args.series_dir.join(ficbind::config::MANIFEST_NAME);
    if path.exists() && !args.force {
        bail!("{} already exists; edit it, or run `ficbind init --force` to replace it with a fresh one", path.display());
    }
    // Detect from the files alone: an old manifest must not shape the new one.
    let opts = Options { no_manifest: true, source_date_epoch: Some(0), ..Options::default() };
    let inputs = ficbind::read_inputs(&args.series_dir, &opts)?;
    let prepared = ficbind::prepare(&inputs, &opts)?;
    ficbind::write_atomically(&path, ficbind::init::manifest_text(&prepared).as_bytes())?;
    eprintln!("wrote {}; check it with `ficbind inspect {}`", path.display(), args.series_dir.display());
    Ok(ExitCode::SUCCESS)
}

fn run() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Build(args) => build(args),
        Command::Inspect(args) => inspect(args),
        Command::Init(args) => init(args),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
