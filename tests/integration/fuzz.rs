//! Random input, built end to end: arbitrary bytes as story files (text, Markdown and
//! HTML, with and without headers) and arbitrary strings in `series.toml`. A build may
//! refuse, with an error, but never panic, stays within bounded memory (the command,
//! run under `ulimit -v`, either writes a book or exits with an error, never aborts),
//! and every book it writes holds only well-formed XML documents whose list items are
//! in lists and whose links lead where a reader can follow.
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

/// A page of HTML made of the pieces archive downloads and hand-made pages are made of,
/// cut and nested at random: lists without their list, tables without rows, addresses
/// garbled, the archive's preface half there.
fn html_page() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        "<p>The tide went out.</p>",
        "<p>",
        "</p>",
        "<div class=\"userstuff\">",
        "<div id=\"chapters\">",
        "</div>",
        "<h2 class=\"heading\">Low Water</h2>",
        "<h3>Chapter 2</h3>",
        "<dl class=\"tags\"><dt>Rating:</dt><dd>Mature</dd>",
        "<dt>Series:</dt><dd>Part 2 of <a href=\"https://example.org/series/1\">Reeds</a></dd>",
        "<dd>",
        "</dl>",
        "<li>loose</li>",
        "<ul><li>one<li>two",
        "<ol start=\"x\"><li>",
        "<table><td>cell",
        "<tr><th>head</th></tr>",
        "</table>",
        "<blockquote>",
        "<em>soft <strong>hard</em> end</strong>",
        "<a href=\"https://example.org/a b|c\">link</a>",
        "<a href=\"https://x..y/%zz#a#b\">bad</a>",
        "<a href=\"javascript:alert(1)\">js</a>",
        "<img src=\"http://example.org/pic.png\" alt=\"a gull\"/>",
        "<img src=\"../../etc/passwd\">",
        "<hr/>",
        "<p align=\"center\">* * *</p>",
        "<br><br/>",
        "<script>x()</script><style>p{}</style>",
        "<h1></h1><p> </p><a></a>",
        "&nbsp;&amp;&#0;&#x110000;&bogus;",
        "<svg><text>drawn</text></svg>",
        "<ruby>字<rt>zi</rt></ruby>",
        "\"Hi,\" she said -- and left...",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|p| {
        format!(
            "<!DOCTYPE html><html><head><title>T</title></head><body>{}</body></html>",
            p.concat()
        )
        .into_bytes()
    })
}

/// What a written page must be beyond well-formed, as EPUBCheck's schema has it: list
/// items in a list, and links only to addresses a reader can follow.
fn page_rules_hold(name: &str, doc: &roxmltree::Document) -> Result<(), String> {
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        let parent = node
            .parent_element()
            .map(|p| p.tag_name().name())
            .unwrap_or("");
        if tag == "li" && !matches!(parent, "ul" | "ol") {
            return Err(format!("{name}: <li> inside <{parent}>"));
        }
        if let (Some(href), "a") = (node.attribute("href"), tag) {
            let internal = !href.contains(':');
            if !internal && ficbind::util::web_address::href(href).as_deref() != Some(href) {
                return Err(format!("{name}: link to {href:?}"));
            }
        }
    }
    Ok(())
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
        files in prop::collection::vec(prop_oneof![
            story().prop_map(|b| (b, "txt")),
            story().prop_map(|b| (b, "md")),
            html_page().prop_map(|b| (b, "html")),
        ], 1..5),
        manifest in prop::option::weighted(0.4, (text(), text(), text(), prop::option::weighted(0.3, text()))),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (i, (bytes, ext)) in files.iter().enumerate() {
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
                    if name.ends_with(".xhtml") {
                        let rules = page_rules_hold(&name, parsed.as_ref().unwrap());
                        prop_assert!(rules.is_ok(), "{}\n{text}", rules.unwrap_err());
                    }
                }
            }
        }
    }
}
