//! `ficbind init`: a `series.toml` pre-filled with what ficbind detected, commented so
//! a writer sees what each key does. Building with it gives the same book as building
//! without it; from there the writer corrects what detection got wrong.

use std::path::{Path, PathBuf};

use crate::build::Prepared;
use crate::error::{Error, Result};
use crate::input::manifest::MANIFEST_NAME;
use crate::input::settings::Options;

/// Writes `series.toml` into `dir` from what ficbind detects in the files alone (an old
/// manifest must not shape the new one); `force` replaces an existing one.
pub fn init(dir: &Path, force: bool) -> Result<PathBuf> {
    let path = dir.join(MANIFEST_NAME);
    if path.exists() && !force {
        return Err(Error::ManifestExists(path));
    }
    let opts = Options {
        no_manifest: true,
        source_date_epoch: Some(0),
        ..Options::default()
    };
    let inputs = crate::input::read_listing(dir, &opts)?;
    let prepared = crate::build::prepare(&inputs, crate::build::Keep::Counts)?;
    crate::output::atomic::write_atomically(&path, manifest_text(&prepared).as_bytes())?;
    Ok(path)
}

/// A TOML basic string on one line, quoted and escaped. The toml crate writes a value
/// holding a line break as a multi-line string, which is not allowed in a table header
/// (`[files."…"]`), so a file name with a newline made an unreadable manifest.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn manifest_text(prepared: &Prepared) -> String {
    let s = &prepared.series;
    let mut out = String::new();
    out.push_str(
        "# series.toml — how ficbind binds this series. Written by `ficbind init` from what\n",
    );
    out.push_str(
        "# it detected; edit anything it got wrong. Every key is optional: delete a key to\n",
    );
    out.push_str("# go back to what ficbind detects. `ficbind inspect` shows the result.\n\n");
    out.push_str(
        "# The series title (detected: what the numbered titles share before their number).\n",
    );
    out.push_str(&format!("title = {}\n", quote(&s.title)));
    out.push_str("# The author, or a list: author = [\"One\", \"Two\"].\n");
    match s.authors.as_slice() {
        [] => out.push_str("# author = \"\"\n"),
        [one] => out.push_str(&format!("author = {}\n", quote(one))),
        many => out.push_str(&format!(
            "author = [{}]\n",
            many.iter().map(|a| quote(a)).collect::<Vec<_>>().join(", ")
        )),
    }
    out.push_str("# The book's language as a BCP 47 tag.\n");
    out.push_str(&format!("# language = {}\n", quote(&s.language)));
    out.push_str("# The summary shown on the metadata page and in reading apps (default: the first\n# installment's summary).\n");
    out.push_str("# summary = \"\"\n");
    out.push_str("# The series rating (default: the strictest installment rating).\n");
    out.push_str(&format!(
        "# rating = {}\n",
        quote(s.rating.as_ref().map_or("", |r| r.text.as_str()))
    ));
    out.push_str("# What to do with author's notes: \"keep\" (where they are), \"end\" (gathered at the end\n# of their installment) or \"omit\".\n");
    out.push_str("# notes = \"keep\"\n");
    out.push_str("# \"smart\" curls quotes and makes dashes and ellipses; \"off\" keeps punctuation as written.\n");
    out.push_str("# typography = \"smart\"\n");
    out.push_str("# A folder of templates replacing the built-in ones, relative to this folder.\n");
    out.push_str("# templates = \"templates\"\n\n");
    out.push_str(
        "# The reading order, one file per line. Files left out follow as free-standing stories.\n",
    );
    out.push_str("order = [\n");
    // A file holding a whole chaptered work (an archive download) is one line, though
    // each chapter is a part of the book.
    let mut files: Vec<&str> = Vec::new();
    for (_, part) in s.parts() {
        if !files.contains(&part.source.file.as_str()) {
            files.push(&part.source.file);
        }
    }
    for file in &files {
        out.push_str(&format!("    {},\n", quote(file)));
    }
    out.push_str("]\n\n");
    out.push_str("# Warnings to add to or remove from what the headers say.\n");
    out.push_str("# [warnings]\n# add = []\n# remove = []\n\n");
    out.push_str("# The cover: an image file, or a built-in style for a generated one.\n");
    out.push_str("# [cover]\n# file = \"cover.jpg\"\n# style = \"classic\"\n\n");
    out.push_str("# Per file: the installment's own title, its number and part; `exclude = true` leaves\n# the file out of the book.\n");
    let mut written: Vec<&str> = Vec::new();
    for inst in &s.installments {
        for part in &inst.parts {
            if written.contains(&part.source.file.as_str()) {
                continue;
            }
            written.push(&part.source.file);
            out.push_str(&format!("[files.{}]\n", quote(&part.source.file)));
            out.push_str(&format!("title = {}\n", quote(&inst.title)));
            match inst.number {
                Some(n) => out.push_str(&format!("number = {n}\n")),
                None => out.push_str("# number: none, a free-standing story\n"),
            }
            // A chapter's part number is the file's own, not the manifest's to set.
            let chapter = part
                .header
                .place
                .as_ref()
                .is_some_and(|p| p.chapter.is_some());
            if let Some(p) = part
                .part
                .filter(|_| inst.parts.len() > 1 || part.part.is_some())
                .filter(|_| !chapter)
            {
                out.push_str(&format!("part = {p}\n"));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_read_back_as_keys_and_values() {
        for name in [
            "plain.txt",
            "new\nline.txt",
            "say \"hi\".txt",
            "back\\slash.txt",
            "tab\there\r.txt",
            "bell\u{7}.txt",
            "a\u{FFFD}b.txt",
            "Дорога.md",
        ] {
            let text = format!("order = [{q}]\n[files.{q}]\nnumber = 1\n", q = quote(name));
            let m = crate::input::manifest::Manifest::parse(&text, Path::new("series.toml"))
                .unwrap_or_else(|e| panic!("{name:?}: {e}\n{text}"));
            assert_eq!(m.order.unwrap(), vec![name.to_string()]);
            assert!(m.files.contains_key(name), "{name:?}");
        }
    }
}
