//! `series.toml`, `inspect`, `init` and `build --split`.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::*;

/// A copy of a sample or fixture folder that a test may change.
fn copy_of(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(src.file_name().unwrap());
    std::fs::create_dir(&dir).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    (tmp, dir)
}

#[test]
fn init_then_build_gives_the_same_book_as_build_alone() {
    let (tmp, dir) = copy_of(&sample("lantern-road"));
    let before = tmp.path().join("before.epub");
    cli_build(&dir, &before, &[]);
    ficbind()
        .arg("init")
        .arg(&dir)
        .assert()
        .success()
        .stderr(predicate::str::contains("series.toml"));
    let manifest = std::fs::read_to_string(dir.join("series.toml")).unwrap();
    assert!(
        manifest.contains("title = \"Lantern Road\"") && manifest.contains("[files.\"part2.txt\"]"),
        "{manifest}"
    );
    let after = tmp.path().join("after.epub");
    cli_build(&dir, &after, &[]);
    // The same book; only the zip comment differs, whose fingerprint covers the new
    // manifest file.
    let (mut a, mut b) = (
        Epub::new(std::fs::read(&before).unwrap()),
        Epub::new(std::fs::read(&after).unwrap()),
    );
    assert_eq!(a.names(), b.names());
    for name in a.names() {
        assert!(a.bytes(&name) == b.bytes(&name), "init changed {name}");
    }
}

#[test]
fn init_never_overwrites_without_force() {
    let (_tmp, dir) = copy_of(&fixture("basic"));
    std::fs::write(dir.join("series.toml"), "title = \"Mine\"\n").unwrap();
    ficbind().arg("init").arg(&dir).assert().failure().stderr(
        predicate::str::contains("already exists").and(predicate::str::contains("--force")),
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("series.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    ficbind()
        .arg("init")
        .arg(&dir)
        .arg("--force")
        .assert()
        .success();
    assert!(std::fs::read_to_string(dir.join("series.toml"))
        .unwrap()
        .contains("title = \"Tidewater\""));
}

#[test]
fn manifest_steers_order_titles_and_exclusions() {
    let (tmp, dir) = copy_of(&fixture("basic"));
    std::fs::write(
        dir.join("series.toml"),
        r#"title = "Salt Pans"
author = "A. Writer"
order = ["c.txt", "b.txt"]

[files."c.txt"]
title = "The Anchor, First"
number = 1

[files."b.txt"]
number = 2

[files."a.txt"]
exclude = true
"#,
    )
    .unwrap();
    let out = tmp.path().join("s.epub");
    cli_build(&dir, &out, &[]);
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    let contents = strip_tags(&epub.text("OEBPS/contents.xhtml"));
    let contents = contents.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        contents.contains("1. The Anchor, First 2. Salt"),
        "{contents}"
    );
    assert!(!contents.contains("Rope"), "a.txt is excluded: {contents}");
    let opf = epub.text("OEBPS/content.opf");
    assert!(
        opf.contains(">Salt Pans</dc:title>") && opf.contains(">A. Writer</dc:creator>"),
        "{opf}"
    );
    assert_epubcheck_clean(&out);
}

#[test]
fn manifest_sets_notes_typography_and_templates() {
    let (tmp, dir) = copy_of(&fixture("basic"));
    std::fs::create_dir(dir.join("look")).unwrap();
    std::fs::write(dir.join("look/style.css"), "p { margin: 0; }\n").unwrap();
    std::fs::write(
        dir.join("series.toml"),
        "typography = \"off\"\ntemplates = \"look\"\nnotes = \"omit\"\n",
    )
    .unwrap();
    let out = tmp.path().join("s.epub");
    cli_build(&dir, &out, &[]);
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    assert_eq!(epub.text("OEBPS/style.css"), "p { margin: 0; }\n");
    let pages: String = (1..=3)
        .map(|n| epub.text(&format!("OEBPS/story-{n:03}.xhtml")))
        .collect();
    assert!(
        !pages.contains('’') && !pages.contains('“'),
        "typography off keeps straight quotes"
    );
}

#[test]
fn manifest_typo_names_the_key_line_and_allowed_keys() {
    let (_tmp, dir) = copy_of(&fixture("basic"));
    std::fs::write(dir.join("series.toml"), "title = \"x\"\nautor = \"y\"\n").unwrap();
    ficbind()
        .arg("inspect")
        .arg(&dir)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("series.toml: line 2: unknown field `autor`")
                .and(predicate::str::contains("`author`")),
        );
}

#[test]
fn manifest_naming_a_missing_file_is_an_error() {
    let (_tmp, dir) = copy_of(&fixture("basic"));
    std::fs::write(dir.join("series.toml"), "order = [\"a.txt\", \"zz.txt\"]\n").unwrap();
    ficbind()
        .arg("build")
        .arg(&dir)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "\"zz.txt\", which is not a story file",
        ));
}

#[test]
fn manifest_paths_may_not_leave_the_series_folder() {
    let (_tmp, dir) = copy_of(&fixture("basic"));
    std::fs::write(
        dir.join("series.toml"),
        "[files.\"../a.txt\"]\nexclude = true\n",
    )
    .unwrap();
    ficbind()
        .arg("build")
        .arg(&dir)
        .assert()
        .failure()
        .stderr(predicate::str::contains("outside the series folder"));
}

#[test]
fn inspect_json_has_the_documented_schema() {
    let out = ficbind()
        .arg("inspect")
        .arg(sample("lantern-road"))
        .arg("--json")
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["title"], "Lantern Road");
    assert_eq!(json["author"], "Wren Halloway");
    assert_eq!(json["rating"], "M");
    assert!(json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w.is_string()));
    let rows = json["installments"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for row in rows {
        for key in ["number", "part", "title", "file", "words"] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
        assert!(row["words"].as_u64().unwrap() > 100);
    }
    assert_eq!(rows[2]["number"], 3);
    assert_eq!(rows[2]["part"], 1);
    assert_eq!(rows[5]["number"], serde_json::Value::Null, "free-standing");
    let diags = json["diagnostics"].as_array().unwrap();
    let w002 = diags.iter().find(|d| d["code"] == "W002").unwrap();
    assert_eq!(
        (w002["file"].as_str(), w002["line"].as_u64()),
        (Some("part2.txt"), Some(7))
    );
    assert!(w002["message"].as_str().unwrap().contains("1200"));
}

/// `inspect` says where each fact came from: the archive download's field (no line)
/// beside a text header's key and line, the manifest when it sets the fact, and what
/// numbered each installment.
#[test]
fn inspect_names_the_file_and_field_behind_each_fact() {
    let (_tmp, dir) = copy_of(&fixture("ao3-html"));
    std::fs::write(
        dir.join("series.toml"),
        "title = \"Letters from the Marsh\"\n",
    )
    .unwrap();
    let out = ficbind()
        .arg("inspect")
        .arg(&dir)
        .arg("--json")
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let fact = |name: &str| {
        json["facts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fact"] == name)
            .unwrap_or_else(|| panic!("no {name} in {json:#}"))
            .clone()
    };
    let sources = |name: &str| -> Vec<(String, String, Option<u64>)> {
        fact(name)["from"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["file"].as_str().unwrap().to_string(),
                    s["field"].as_str().unwrap().to_string(),
                    s["line"].as_u64(),
                )
            })
            .collect()
    };
    let rating = sources("rating");
    assert!(rating.contains(&("work_5530.html".into(), "Rating".into(), None)));
    assert!(rating.contains(&("harbour-lights.txt".into(), "Rating".into(), Some(3))));
    assert_eq!(fact("rating")["value"], "Teen And Up Audiences");
    assert!(sources("warnings").contains(&(
        "work_1207.html".into(),
        "Archive Warnings".into(),
        None
    )));
    assert_eq!(
        sources("title"),
        [("series.toml".to_string(), "title".to_string(), None)]
    );
    assert_eq!(fact("title")["value"], "Letters from the Marsh");
    let by: Vec<(&str, &str)> = json["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap(),
                r["numbered_by"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(by.contains(&("work_5530.html", "series metadata")));
    assert!(by.contains(&("harbour-lights.txt", "title")));
    // And the table says it for people.
    ficbind()
        .arg("inspect")
        .arg(&dir)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Where the facts come from:")
                .and(predicate::str::contains("harbour-lights.txt:3 Rating"))
                .and(predicate::str::contains("series.toml title")),
        );
}

#[test]
fn inspect_prints_a_table_and_writes_nothing() {
    let (_tmp, dir) = copy_of(&fixture("basic"));
    ficbind()
        .current_dir(&dir)
        .arg("inspect")
        .arg(".")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Title:     Tidewater")
                .and(predicate::str::contains("10. Anchor")),
        );
    assert!(!std::fs::read_dir(&dir).unwrap().any(|e| e
        .unwrap()
        .path()
        .extension()
        .is_some_and(|x| x == "epub")));
}

#[test]
fn split_gives_one_book_per_installment_in_one_series() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("books");
    ficbind()
        .args(["build", "--split", "-q"])
        .arg(sample("lantern-road"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "lantern-road-1-kindling.epub",
            "lantern-road-2-the-ferryman.epub",
            "lantern-road-3-the-lantern-keeper.epub",
            "lantern-road-4-low-tide.epub",
            "lantern-road-snowfall.epub",
        ]
    );
    for name in &names {
        let path = out.join(name);
        let mut epub = Epub::new(std::fs::read(&path).unwrap());
        let opf = epub.text("OEBPS/content.opf");
        assert!(
            opf.contains(
                "<meta property=\"belongs-to-collection\" id=\"series\">Lantern Road</meta>"
            ),
            "{name}"
        );
        assert!(
            opf.contains("<meta name=\"calibre:series\" content=\"Lantern Road\"/>"),
            "{name}"
        );
        let position = name.split('-').nth(2).and_then(|n| n.parse::<u32>().ok());
        match position {
            Some(n) => {
                assert!(
                    opf.contains(&format!("property=\"group-position\">{n}</meta>")),
                    "{name}"
                );
                assert!(
                    opf.contains(&format!(
                        "<meta name=\"calibre:series_index\" content=\"{n}\"/>"
                    )),
                    "{name}"
                );
            }
            // The side story comes after the last numbered installment, not as "#1".
            None => assert!(
                opf.contains("property=\"group-position\">5</meta>")
                    && opf.contains("<meta name=\"calibre:series_index\" content=\"5\"/>"),
                "{name}"
            ),
        }
        // An installment whose own header names no author (part2.txt, 4471's part b)
        // is still the series' writer's.
        assert!(
            opf.contains("<dc:creator id=\"creator-1\">Wren Halloway</dc:creator>"),
            "{name}"
        );
        assert_eq!(
            &epub.spine()[..4],
            [
                "cover.xhtml",
                "about.xhtml",
                "warnings.xhtml",
                "contents.xhtml"
            ],
            "{name}"
        );
        assert_epubcheck_clean(&path);
    }
    let mut keeper =
        Epub::new(std::fs::read(out.join("lantern-road-3-the-lantern-keeper.epub")).unwrap());
    assert_eq!(keeper.spine().len(), 4 + 2, "both parts in one book");
    let warnings = strip_tags(&keeper.text("OEBPS/warnings.xhtml"));
    assert!(
        warnings.contains("Graphic Depictions Of Violence") && !warnings.contains("grief"),
        "its own warnings only"
    );
}

#[test]
fn init_writes_a_manifest_that_reads_back_for_awkward_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("moth");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("new\nline.txt"),
        "Title: Moth 1\n\nThe moth came to the lamp.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("say \"hi\".txt"),
        "Title: Moth 2\n\nThe moth left again.\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"not-utf8-\xff.txt");
        std::fs::write(dir.join(name), "Title: Moth 3\n\nThe moth slept.\n").unwrap();
    }
    ficbind().arg("init").arg(&dir).assert().success();
    let out = tmp.path().join("moth.epub");
    cli_build(&dir, &out, &[]);
    assert_epubcheck_clean(&out);
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    let text: String = epub
        .spine()
        .iter()
        .map(|p| epub.text(&format!("OEBPS/{p}")))
        .collect();
    for words in ["came to the lamp", "left again"] {
        assert!(text.contains(words), "{words}");
    }
    #[cfg(unix)]
    assert!(text.contains("The moth slept"));
}

#[test]
fn manifest_values_a_book_cannot_hold_are_refused_naming_the_key() {
    for (toml, expect) in [
        ("title = \"   \"\n", "title is empty"),
        ("title = \"Moth\\uFFFE\"\n", "U+FFFE"),
    ] {
        let (tmp, dir) = copy_of(&fixture("basic"));
        std::fs::write(dir.join("series.toml"), toml).unwrap();
        let out = tmp.path().join("b.epub");
        ficbind()
            .arg("build")
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .assert()
            .failure()
            .stderr(predicate::str::contains("series.toml").and(predicate::str::contains(expect)));
        assert!(!out.exists());
    }
}
