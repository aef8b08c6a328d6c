//! Plain-text bodies → the shared event stream. (First cut: paragraphs separated by
//! blank lines; the full reader for every real-world layout replaces this.)

use crate::diag::Diagnostic;
use crate::model::{Body, Event, Tag};

/// How straight punctuation is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Typography {
    /// Curly quotes, dashes and ellipses from their typewriter forms.
    #[default]
    Smart,
    /// Punctuation exactly as written.
    Off,
}

#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    pub typography: Typography,
}

/// Reads a plain-text body. `file` and `first_line` (the body's 1-based line in the
/// file) let diagnostics point at file lines.
pub fn parse(body: &str, file: &str, first_line: usize, opts: &TextOptions) -> (Body, Vec<Diagnostic>) {
    let _ = (file, first_line, opts);
    let mut events = Vec::new();
    for para in body.split("\n\n") {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        events.push(Event::Start(Tag::Paragraph));
        events.push(Event::Text(para.split_whitespace().collect::<Vec<_>>().join(" ")));
        events.push(Event::End(Tag::Paragraph));
    }
    (Body { heading: None, events }, Vec::new())
}
