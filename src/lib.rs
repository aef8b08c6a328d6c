//! ficbind binds a folder of serial-fiction installments into one EPUB 3.
//!
//! The pipeline is a chain of plain functions: `source` reads and decodes files,
//! `header` and the body readers (`text`, `markdown`) parse them, `order` puts them in
//! reading order, `assemble` builds the `model::Series`, `render` and `package` turn it
//! into pages and package documents from templates, and `epub` zips them. Only `source`
//! reads the disk and only `write_atomically` writes it.

pub mod assemble;
pub mod config;
pub mod cover;
pub mod diag;
pub mod epub;
pub mod error;
pub mod header;
pub mod markdown;
pub mod model;
pub mod order;
pub mod package;
pub mod render;
pub mod source;
pub mod text;
pub mod xhtml;
