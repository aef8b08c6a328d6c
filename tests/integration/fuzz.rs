//! Random input, built end to end: arbitrary bytes as story files (text and Markdown,
//! with and without headers) and arbitrary strings in `series.toml`. A build may
//! refuse, with an error, but never panic, stays within bounded memory (the command,
//! run under `ulimit -v`, either writes a book or exits with an error, never aborts),
//! and every book it writes holds only well-formed XML documents.
//!
//! The suite runs a few dozen cases; for a longer run by hand:
//!
//!     PROPTEST_CASES=5000 cargo test --release --test integration fuzz

use std::io::Read as _;

use proptest::prelude::*;

/// Story text: arbitrary bytes, or text made of the pieces real files are made of,
/// which reaches deeper into the reader than noise does.
fn story() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        "Title: Moth 1: Wing\n",
        "Author: W\n",
        "Warnings: none. Angst – a lot\n",
        "Rating: M\n",
        "Words: ~2k\n",
        "---\ntitle: \"Moth 2\"\n---\n",
        "\n",
        "\n\n\n",
        "* * *\n",
        "A/N: thanks\n",
        "Chapter 3: Undertow\n",
        "\"Hi,\" she said -- and left...\n",
        "*em* _em_ <i>i</i> <b>b</b> <3 <script>x</script>\n",
        "[^n] and [^n]\n\n[^n]: note\n\n[^m]: unused\n",
        "![alt](pic.png)\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "    indented line of text that goes on\n",
        "TBC\n",
        "disc*ssion\n",
        "\u{feff}\u{fffe}\u{7}\u{1b}\r\n",
        "日本語の文章です。\n",
        "]]> &amp; &#0; &bogus; </p>\n",
    ]);
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..400),
        4 => prop::collection::vec(piece, 0..30).prop_map(|p| p.concat().into_bytes()),
    ]
}

/// A value for a manifest string: anything TOML can say, escapes included.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,30}",
        1 => any::<String>(),
        1 => prop::sample::select(vec!["", "   ", "en US", "pt-BR", "x\u{0}y", "\u{fffe}", "<&>\"'"])
            .prop_map(str::to_string),
    ]
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_series_never_panic_and_books_are_well_formed(
        files in prop::collection::vec((story(), any::<bool>()), 1..5),
        manifest in prop::option::weighted(0.4, (text(), text(), text(), prop::option::weighted(0.3, text()))),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (i, (bytes, markdown)) in files.iter().enumerate() {
            let ext = if *markdown { "md" } else { "txt" };
            std::fs::write(dir.path().join(format!("part-{i}.{ext}")), bytes).unwrap();
        }
        if let Some((title, author, summary, language)) = &manifest {
            let mut toml = format!(
                "title = {}\nauthor = {}\nsummary = {}\n",
                toml_string(title),
                toml_string(author),
                toml_string(summary)
            );
            if let Some(language) = language {
                toml.push_str(&format!("language = {}\n", toml_string(language)));
            }
            std::fs::write(dir.path().join("series.toml"), toml).unwrap();
        }
        let opts = ficbind::Options {
            source_date_epoch: Some(0),
            cover: ficbind::CoverChoice::None,
            ..ficbind::Options::default()
        };
        // The command, in bounded memory: a book or an error (exit 1), never an abort
        // (a panic exits 101, a failed allocation aborts with 134).
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1000000; SOURCE_DATE_EPOCH=0 exec \"$0\" build \"$1\" -o \"$2\" --no-cover -q")
            .arg(assert_cmd::cargo::cargo_bin("ficbind"))
            .arg(dir.path())
            .arg(dir.path().join("book.epub"))
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        prop_assert!(matches!(status.code(), Some(0 | 1)), "{status}");
        // In the library: an error is an answer; a panic fails the test by itself.
        if let Ok(book) = ficbind::build_series(dir.path(), &opts) {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book.epub)).unwrap();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                let name = entry.name().to_string();
                if [".xhtml", ".opf", ".ncx", ".xml"].iter().any(|e| name.ends_with(e)) {
                    let mut text = String::new();
                    entry.read_to_string(&mut text).unwrap();
                    let parsed = roxmltree::Document::parse_with_options(
                        &text,
                        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
                    );
                    prop_assert!(parsed.is_ok(), "{name} is not well-formed: {:?}\n{text}", parsed.err());
                }
            }
        }
    }
}
