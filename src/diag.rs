//! Diagnostics: problems that do not stop a build, each with a stable code so users can
//! look it up, count it in `inspect --json`, or make it fatal with `--deny-warnings`.

use std::fmt;

use serde::Serialize;

/// Stable diagnostic codes. The number never changes meaning once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Code {
    /// A file was not UTF-8 and was decoded another way.
    N001,
    /// The writer's declared word count is more than 10 % off the counted one.
    W002,
    /// Two installments carry the same number (and neither is a part of the other).
    W003,
    /// A gap in the installment numbering.
    W004,
    /// A story file with no story text.
    W005,
    /// Characters XML forbids were removed.
    W006,
    /// A word with a letter replaced by `*`, as censoring sites leave them.
    W007,
    /// Two parts of one installment carry the same part number.
    W008,
    /// A Markdown image that is missing or not a supported image type.
    W009,
    /// Author's notes were left out on request (`--notes omit`).
    N010,
    /// A header value could not be understood (a word count that is not a number …).
    W011,
    /// The cover image is smaller than 625×1000 pixels and will look blurry on e-readers.
    W012,
    /// The cover font has no glyph for some characters of the title, author or fandom;
    /// they are left off the generated cover.
    W013,
    /// A title, author or fandom too long for a cover: the cover shows it cut, with an
    /// ellipsis.
    W014,
    /// A story file that is a link leading out of the series folder; it is left out.
    W015,
    /// An image an HTML file shows from the web: never fetched, its description stands
    /// in the text.
    W016,
    /// A story file's name on a named pipe, device or socket: never opened, left out.
    W017,
    /// A language (`--language`, `language` in series.toml, a `Language:` header) that
    /// is neither a BCP 47 tag nor a language name ficbind knows; it is not used.
    W018,
    /// An image an EPUB's page names that is not inside the EPUB: its description
    /// stands in the text.
    W020,
    /// An EPUB in the series folder that ficbind itself made (its zip comment says
    /// so): a book, not an installment, so it is left out.
    N021,
}

impl Code {
    /// Notes tell the user what ficbind did; they are never made fatal.
    pub fn is_note(self) -> bool {
        matches!(self, Code::N001 | Code::N010 | Code::N021)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One diagnostic. `file` is the file name inside the series folder; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: None,
            line: None,
            message: message.into(),
        }
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn severity(&self) -> &'static str {
        if self.code.is_note() {
            "note"
        } else {
            "warning"
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: ", self.severity(), self.code)?;
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

/// How many of `diagnostics` are warnings (what `--deny-warnings` makes fatal).
pub fn warning_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| !d.code.is_note()).count()
}

/// Collects diagnostics for one build, keeping each distinct one once.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        if !self.items.contains(&d) {
            self.items.push(d);
        }
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.code.is_note())
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_code() {
        let d = Diagnostic::new(Code::W002, "declared 1,200 words, counted 512")
            .in_file("part2.txt")
            .at_line(4);
        assert_eq!(
            d.to_string(),
            "warning[W002]: part2.txt:4: declared 1,200 words, counted 512"
        );
        let n = Diagnostic::new(Code::N001, "read as windows-1252").in_file("old.txt");
        assert_eq!(n.to_string(), "note[N001]: old.txt: read as windows-1252");
    }

    #[test]
    fn duplicates_are_kept_once() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::new(Code::W005, "empty").in_file("a.txt"));
        ds.push(Diagnostic::new(Code::W005, "empty").in_file("a.txt"));
        ds.push(Diagnostic::new(Code::N001, "cp1252").in_file("a.txt"));
        assert_eq!(ds.iter().count(), 2);
        assert_eq!(ds.warnings().count(), 1);
    }
}
