//! The last stage: the series made into files. The XHTML writer and the one escaper,
//! the templates and the typed views they see, the package documents (OPF, nav, NCX),
//! the deterministic zip, and atomic writing. A new output format is a new writer here
//! over the same typeset pages, as the KEPUB's spans are (`kepub`).

pub mod assets;
pub mod atomic;
pub mod epub;
pub mod items;
pub mod kepub;
pub mod package;
pub mod pages;
pub mod templates;
pub mod views;
pub mod xhtml;
