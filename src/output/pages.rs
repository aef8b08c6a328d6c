//! Story bodies typeset ahead of their pages. A build hands each body to `typeset` the
//! moment it is parsed: it is written as XHTML and compressed at once, so the file is
//! parsed once and the book is held in about a third of its size. The page template is
//! later compressed around it and the deflate streams joined (`epub::pack_around`).
//! This is the writer's business: the book model never sees compressed bytes.

use std::collections::BTreeMap;

use crate::labels::Labels;
use crate::output::epub::Deflated;
use crate::output::xhtml::{write_body, ImageMap};
use crate::read::event::Event;

/// One story body, typeset and compressed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body(pub(crate) Deflated);

impl Body {
    /// An empty body, to be typeset a piece at a time (`append`).
    pub fn new() -> Body {
        Body(Deflated::default())
    }

    /// Compresses the next piece of a body typeset a piece at a time.
    pub fn append(&mut self, xhtml: &str) {
        self.0.append(xhtml.as_bytes());
    }

    /// Typesets `events` (a body without images: their file names are settled only
    /// once the whole series is known) and compresses the XHTML. `words` sizes the
    /// buffer.
    pub fn typeset(events: &[Event], words: usize, labels: &Labels) -> Body {
        let mut xhtml = String::with_capacity(words * 7);
        write_body(events, &ImageMap::new(), labels, &mut xhtml);
        Body(Deflated::new(xhtml.as_bytes()))
    }
}

/// The typeset bodies of a series, by the name of the file each came from.
#[derive(Debug, Clone, Default)]
pub struct Typeset(BTreeMap<String, Body>);

impl Typeset {
    pub fn insert(&mut self, file: String, body: Body) {
        self.0.insert(file, body);
    }

    /// The typeset body of `file`, if it was typeset ahead.
    pub fn get(&self, file: &str) -> Option<&Body> {
        self.0.get(file)
    }
}
