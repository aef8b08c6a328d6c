//! ficbind's integration tests: fixture series built through the library and the CLI,
//! every EPUB checked by EPUBCheck 5.3 (zero errors, zero warnings).

mod support;

mod batch;
mod build;
mod calibre;
mod cli;
mod cover;
mod epub;
mod fanficfare;
mod fuzz;
mod hostile;
mod html;
mod kepub;
mod kindle;
mod lang;
mod layout;
mod manifest;
mod pages;
mod reader;
