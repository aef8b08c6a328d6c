//! ficbind binds a folder of serial-fiction installments into one EPUB 3.
//!
//! The crate is laid out as its pipeline, one folder a stage, and data flows one way:
//!
//! ```text
//! input/ (files, decode, headers, series.toml, settings, cover sources)
//!   → read/ (one reader per format, all emitting read::event::Event)
//!   → book/ (model, order, assemble, word counts)
//!   → output/ (xhtml, templates and views, package, epub zip, atomic writes)
//! cover/ draws or prepares the cover (pure); build.rs drives it all; commands/ are thin
//! layers over build.rs; util/ holds helpers every stage may use.
//! ```
//!
//! A stage imports only from the stages before it (and `util`, `diag`, `error`,
//! `labels`):
//! `book/` never imports `output/`, the readers know nothing of packaging, `cover/`
//! imports no stage. `docs/architecture.md` says where a new format plugs in.
//!
//! The stage modules are public for the benchmarks and the integration tests; the
//! functions below are the API a program uses.

#![forbid(unsafe_code)]

pub mod book;
pub mod build;
pub mod commands;
pub mod cover;
pub mod diag;
pub mod error;
pub mod input;
pub mod labels;
pub mod output;
pub mod read;
pub mod util;

pub use build::{build, build_series, build_split, Book, Written};
pub use commands::batch::{run as batch, BatchOptions};
pub use commands::inspect::inspect;
pub use error::{Error, Result};
pub use input::read_inputs;
pub use input::settings::{BookFormat, CoverChoice, NotesPolicy, Options, Typography};
