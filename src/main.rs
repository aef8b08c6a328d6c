//! The `ficbind` command: parses arguments, calls the library, prints diagnostics and
//! returns an exit code. Nothing else lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use ficbind::config::{CoverChoice, NotesPolicy, Options, Typography};

#[derive(Parser)]
#[command(name = "ficbind", version, about = "Bind a folder of story installments into one EPUB", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build one EPUB from a series folder.
    ///
    /// Every .txt, .md and .markdown file directly in SERIES_DIR is an installment. The
    /// book opens with a metadata page, a content-warnings notice and a contents page,
    /// then the installments in reading order.
    Build(BuildArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The folder holding the installment files.
    series_dir: PathBuf,

    /// Where to write the EPUB. Default: a name made from the series title, in the
    /// current folder (`lantern-road.epub`).
    #[arg(short, long, value_name = "OUT.epub")]
    output: Option<PathBuf>,

    /// A folder of templates (base.xhtml, part.xhtml, style.css, content.opf …) that
    /// replace the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,

    /// `smart` turns straight quotes into curly ones, `--` into a dash and `...` into an
    /// ellipsis; `off` keeps punctuation exactly as written.
    #[arg(long, value_enum, default_value_t = TypographyArg::Smart)]
    typography: TypographyArg,

    /// What to do with author's notes: keep them where they are, gather them at the
    /// end of their installment, or omit them.
    #[arg(long, value_enum, default_value_t = NotesArg::Keep)]
    notes: NotesArg,

    /// The book's language as a BCP 47 tag (`en`, `de`, `pt-BR`). Default: the files'
    /// `Language` header, else `en`.
    #[arg(long, value_name = "TAG")]
    language: Option<String>,

    /// Fail, writing nothing, if there is any warning.
    #[arg(long)]
    deny_warnings: bool,

    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    quiet: bool,
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

fn options(args: &BuildArgs) -> Result<Options> {
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => Some(v.trim().parse::<u64>().with_context(|| {
            format!("SOURCE_DATE_EPOCH is {v:?}, which is not a number of seconds; unset it or give whole seconds since 1970")
        })?),
        _ => None,
    };
    Ok(Options {
        templates: args.templates.clone(),
        typography: match args.typography {
            TypographyArg::Smart => Typography::Smart,
            TypographyArg::Off => Typography::Off,
        },
        notes: match args.notes {
            NotesArg::Keep => NotesPolicy::Keep,
            NotesArg::End => NotesPolicy::End,
            NotesArg::Omit => NotesPolicy::Omit,
        },
        deny_warnings: args.deny_warnings,
        language: args.language.clone(),
        source_date_epoch,
        cover: CoverChoice::Auto,
    })
}

fn build(args: BuildArgs) -> Result<ExitCode> {
    let opts = options(&args)?;
    let book = ficbind::build_series(&args.series_dir, &opts)?;
    for d in &book.diagnostics {
        eprintln!("{d}");
    }
    if opts.deny_warnings && book.warning_count() > 0 {
        return Err(ficbind::error::Error::DeniedWarnings { count: book.warning_count() }.into());
    }
    let out = args.output.unwrap_or_else(|| PathBuf::from(ficbind::default_file_name(&book.series.title)));
    ficbind::write_atomically(&out, &book.epub)?;
    if !args.quiet {
        let s = &book.series;
        eprintln!(
            "wrote {} — “{}”, {} installment(s), {} words",
            out.display(),
            s.title,
            s.installments.len(),
            ficbind::render::thousands(s.words())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
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
