//! The event stream every reader produces and the one XHTML writer consumes, so every
//! input format is typeset by the same code (the shape of pulldown-cmark's events).

/// One step of a story body. Both readers (plain text and Markdown) emit a stream of
/// these and the one XHTML writer in `xhtml.rs` consumes it, so every input format is
/// typeset by the same code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Start(Tag),
    End(Tag),
    /// Story text, unescaped. The writer escapes it.
    Text(String),
    /// Inline code (Markdown only).
    Code(String),
    /// A forced line break inside a block (verse, addresses, Markdown hard breaks).
    LineBreak,
    /// A scene break. Rendered as a visible centred ornament, never a bare rule, because
    /// some reading systems drop styled `<hr>` elements entirely. It holds the writer's
    /// own ornament (`~*~`, `oOo`) when there is one worth keeping, or `None` for the
    /// book's default (`*   *   *`).
    SceneBreak(Option<String>),
    /// Two or more blank lines: the writer's pause, kept as a visible gap.
    Pause,
    /// A footnote reference; the label is the Markdown label (`[^note]` gives `note`).
    FootnoteReference(String),
    /// An image referenced by a Markdown body; `src` is relative to the source file.
    Image {
        src: String,
        alt: String,
        title: String,
    },
}

/// Containers opened by `Event::Start` and closed by the matching `Event::End`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    Paragraph,
    /// A paragraph the writer centred (HTML `align="center"`, `<center>`).
    Centred,
    /// A heading inside the body (Markdown `##`); `level` is the source level, 1–6.
    Heading(u8),
    Emphasis,
    Strong,
    Underline,
    Strikethrough,
    Superscript,
    Subscript,
    /// An author's note: the writer speaking, not the story. Holds paragraphs.
    AuthorNote,
    /// A closing line such as `TBC` or `The end of part 1`. Holds inline content.
    Closing,
    BlockQuote,
    CodeBlock,
    /// An ordered list starts at `Some(n)`, a bullet list is `None`.
    List(Option<u64>),
    Item,
    Table(Vec<Align>),
    TableHead,
    TableRow,
    TableCell,
    Link {
        href: String,
        title: String,
    },
    FootnoteDefinition(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// What a reader makes of one body: its own heading line (if the first line was
/// `Chapter 3: Undertow` and the like) and the event stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub heading: Option<String>,
    pub events: Vec<Event>,
}
