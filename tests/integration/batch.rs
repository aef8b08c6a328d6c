//! `ficbind batch`: many series, isolated failures, incremental skips, shards.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::*;

/// A library: three good series (two with the same title) and a broken one.
fn library() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let series = |rel: &str, files: &[(&str, &[u8])]| {
        let dir = lib.join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    };
    series(
        "a/moths",
        &[
            (
                "1.txt",
                b"Title: Moth 1: Wing\nAuthor: W\n\nThe moth woke.\n",
            ),
            ("2.txt", b"Title: Moth 2: Lamp\n\nThe lamp burned.\n"),
        ],
    );
    series(
        "b/moths-again",
        &[("x.txt", b"Title: Moth 1: Other Wing\n\nAnother moth.\n")],
    );
    series(
        "c/broken",
        &[
            ("1.txt", b"Title: Tin 1: Can\n\nFine.\n"),
            ("2.txt", b"\x89PNG\r\n\x1a\n\0\0\0"),
        ],
    );
    series(
        "d/lanterns/deep",
        &[("one.md", b"---\ntitle: \"Glow 1: Start\"\n---\nA *glow*.\n")],
    );
    tmp
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_broken_series_fails_alone_and_the_report_says_why() {
    let tmp = library();
    let out = tmp.path().join("out");
    let report_path = tmp.path().join("report.json");
    ficbind()
        .arg("batch")
        .arg(tmp.path().join("lib"))
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report_path)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("FAILED")
                .and(predicate::str::contains("2.txt does not look like text")),
        )
        .stderr(predicate::str::contains("3 built, 0 skipped, 1 failed"));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["glow.epub", "moth-2.epub", "moth.epub"],
        "same titles get distinct names, never overwritten"
    );
    let r = report(&report_path);
    assert_eq!(
        (
            r["built"].as_u64(),
            r["skipped"].as_u64(),
            r["failed"].as_u64()
        ),
        (Some(3), Some(0), Some(1))
    );
    let failed = r["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "failed")
        .unwrap();
    assert!(failed["series"].as_str().unwrap().ends_with("c/broken"));
    assert!(failed["reason"]
        .as_str()
        .unwrap()
        .contains("does not look like text"));
    for name in &names {
        assert_epubcheck_clean(&out.join(name));
    }
}

fn run_batch(lib: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    let report_path = out.with_extension("report.json");
    let _ = ficbind()
        .arg("batch")
        .arg(lib)
        .arg("-o")
        .arg(out)
        .arg("--report")
        .arg(&report_path)
        .args(extra)
        .assert();
    report(&report_path)
}

fn statuses(r: &serde_json::Value) -> Vec<(String, String)> {
    r["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let series = PathBuf::from(s["series"].as_str().unwrap());
            (
                series.file_name().unwrap().to_string_lossy().into_owned(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn up_to_date_books_are_skipped_until_an_input_or_option_changes() {
    let tmp = library();
    std::fs::remove_dir_all(tmp.path().join("lib/c")).unwrap();
    let lib = tmp.path().join("lib");
    let out = tmp.path().join("out");
    let first = run_batch(&lib, &out, &[]);
    assert_eq!(first["built"], 3);
    let second = run_batch(&lib, &out, &[]);
    assert_eq!(
        (second["built"].as_u64(), second["skipped"].as_u64()),
        (Some(0), Some(3))
    );

    // A story file changes: only its series is rebuilt.
    let story = lib.join("a/moths/2.txt");
    let original = std::fs::read(&story).unwrap();
    let mut edited = original.clone();
    edited.extend_from_slice(b"\nOne more line.\n");
    std::fs::write(&story, &edited).unwrap();
    let only_moths = [
        ("moths".to_string(), "built".to_string()),
        ("moths-again".into(), "skipped".into()),
        ("deep".into(), "skipped".into()),
    ];
    assert_eq!(statuses(&run_batch(&lib, &out, &[])), only_moths);

    // Touched without a change: SOURCE_DATE_EPOCH fixes the date, so the book would be
    // the same byte for byte and is kept.
    let file = std::fs::File::options().write(true).open(&story).unwrap();
    file.set_modified(std::time::SystemTime::now()).unwrap();
    assert_eq!(run_batch(&lib, &out, &[])["skipped"], 3);

    // Put back with an older modification time than the book (as `cp -p`, `rsync -t`
    // or a git checkout do): the contents changed, so it is rebuilt.
    std::fs::write(&story, &original).unwrap();
    let file = std::fs::File::options().write(true).open(&story).unwrap();
    file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
        .unwrap();
    assert_eq!(statuses(&run_batch(&lib, &out, &[])), only_moths);

    // A deleted installment: rebuilt.
    let extra = lib.join("a/moths/3.txt");
    std::fs::write(&extra, "Title: Moths 3\n\nThe last moth.\n").unwrap();
    assert_eq!(statuses(&run_batch(&lib, &out, &[])), only_moths);
    std::fs::remove_file(&extra).unwrap();
    assert_eq!(statuses(&run_batch(&lib, &out, &[])), only_moths);

    // An older cover image added: rebuilt.
    let cover = lib.join("a/moths/cover.png");
    image_file(&cover);
    let file = std::fs::File::options().write(true).open(&cover).unwrap();
    file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
        .unwrap();
    assert_eq!(statuses(&run_batch(&lib, &out, &[])), only_moths);
    assert_eq!(run_batch(&lib, &out, &[])["skipped"], 3);

    // Other options: everything is rebuilt; so it is with --force.
    assert_eq!(run_batch(&lib, &out, &["--typography", "off"])["built"], 3);
    assert_eq!(
        run_batch(&lib, &out, &["--typography", "off"])["skipped"],
        3
    );
    assert_eq!(
        run_batch(&lib, &out, &["--typography", "off", "--force"])["built"],
        3
    );
}

#[test]
fn shards_split_the_library_without_overlap_and_agree_on_names() {
    let tmp = library();
    std::fs::remove_dir_all(tmp.path().join("lib/c")).unwrap();
    let lib = tmp.path().join("lib");
    let out = tmp.path().join("out");
    let mut seen = Vec::new();
    for k in 1..=3 {
        let r = run_batch(&lib, &out, &["--shard", &format!("{k}/3")]);
        for s in r["series"].as_array().unwrap() {
            seen.push((
                s["series"].as_str().unwrap().to_string(),
                s["output"].as_str().unwrap().to_string(),
            ));
        }
    }
    seen.sort();
    assert_eq!(seen.len(), 3, "each series in exactly one shard: {seen:?}");
    let mut outputs: Vec<String> = seen
        .iter()
        .map(|(_, o)| {
            Path::new(o)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    outputs.sort();
    assert_eq!(outputs, ["glow.epub", "moth-2.epub", "moth.epub"]);
    ficbind()
        .args(["batch", "x", "-o", "y", "--shard", "4/3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("write K/N"));
}

/// A small PNG cover.
fn image_file(path: &Path) {
    let img = image::RgbImage::from_pixel(700, 1100, image::Rgb([20, 40, 90]));
    img.save(path).unwrap();
}

#[test]
fn roots_spelled_three_ways_build_each_series_once() {
    let tmp = library();
    std::fs::remove_dir_all(tmp.path().join("lib/c")).unwrap();
    let out = tmp.path().join("out");
    let abs = tmp.path().join("lib").canonicalize().unwrap();
    let r = {
        let report_path = tmp.path().join("r.json");
        ficbind()
            .current_dir(tmp.path())
            .args(["batch", "lib", "./lib"])
            .arg(&abs)
            .arg("-o")
            .arg(&out)
            .arg("--report")
            .arg(&report_path)
            .assert()
            .success();
        report(&report_path)
    };
    assert_eq!(r["built"], 3, "{r}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 3);
}

#[test]
fn shards_agree_however_the_root_is_spelled() {
    let tmp = library();
    std::fs::remove_dir_all(tmp.path().join("lib/c")).unwrap();
    let abs = tmp.path().join("lib").canonicalize().unwrap();
    let picked = |root: &str, k: usize| -> Vec<(String, String)> {
        let out = tmp.path().join(format!("out-{k}-{}", root.len()));
        let report_path = out.with_extension("json");
        ficbind()
            .current_dir(tmp.path())
            .arg("batch")
            .arg(root)
            .arg("-o")
            .arg(&out)
            .args(["--shard", &format!("{k}/2"), "--report"])
            .arg(&report_path)
            .assert()
            .success();
        let r = report(&report_path);
        let mut rows: Vec<(String, String)> = r["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let series = PathBuf::from(s["series"].as_str().unwrap());
                let output = PathBuf::from(s["output"].as_str().unwrap());
                (
                    series.file_name().unwrap().to_string_lossy().into_owned(),
                    output.file_name().unwrap().to_string_lossy().into_owned(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    for k in 1..=2 {
        let relative = picked("lib", k);
        assert_eq!(picked("./lib", k), relative, "shard {k}");
        assert_eq!(picked(abs.to_str().unwrap(), k), relative, "shard {k}");
    }
}

#[test]
fn too_many_jobs_is_a_usage_error() {
    let tmp = library();
    ficbind()
        .arg("batch")
        .arg(tmp.path().join("lib"))
        .arg("-o")
        .arg(tmp.path().join("out"))
        .args(["-j", "100000"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1..=256").or(predicate::str::contains("256")));
}

#[test]
fn an_unwritable_report_path_fails_before_anything_is_built() {
    let tmp = library();
    let out = tmp.path().join("out");
    ficbind()
        .arg("batch")
        .arg(tmp.path().join("lib"))
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(tmp.path().join("no/such/folder/r.json"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot write the report"));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().count() == 0);
}

/// A downloads folder: two archive works of one series (an HTML and an EPUB
/// download), two text installments of
/// another (named once by a `Series:` line, once by a numbered title), a lone one-shot.
#[test]
fn by_series_sorts_a_downloads_folder_into_one_book_per_series_and_work() {
    let tmp = tempfile::tempdir().unwrap();
    let downloads = tmp.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    // One work as the archive's HTML download, the other as its EPUB.
    std::fs::copy(
        fixture("ao3-html").join("work_5530.html"),
        downloads.join("work_5530.html"),
    )
    .unwrap();
    std::fs::copy(
        fixture("ao3-epub").join("work_1207.epub"),
        downloads.join("work_1207.epub"),
    )
    .unwrap();
    std::fs::write(
        downloads.join("ember-1.txt"),
        "Title: Ember Road 01: Kindling\nAuthor: Wren\n\nThe first spark caught.\n",
    )
    .unwrap();
    std::fs::write(
        downloads.join("zz-ember-2.txt"),
        "Title: Ash\nSeries: ember road [2]\nAuthor: Wren\n\nThe fire went out at dawn.\n",
    )
    .unwrap();
    std::fs::write(
        downloads.join("a-one-shot.txt"),
        "Title: Salt: A Small Story\nAuthor: Wren\n\nThe tide kept its own counsel.\n",
    )
    .unwrap();
    let out = tmp.path().join("books");
    let report_path = tmp.path().join("report.json");
    ficbind()
        .arg("batch")
        .arg("--by-series")
        .arg(&downloads)
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report_path)
        .assert()
        .success();
    let r = report(&report_path);
    assert_eq!(r["built"], 3, "{r:#}");
    let mut books: Vec<(String, Vec<String>)> = r["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let path = PathBuf::from(s["output"].as_str().unwrap());
            assert_epubcheck_clean(&path);
            let mut epub = Epub::new(std::fs::read(&path).unwrap());
            let opf = epub.text("OEBPS/content.opf");
            let title = opf
                .split("<dc:title")
                .nth(1)
                .and_then(|t| t.split_once('>'))
                .map(|(_, t)| t.split('<').next().unwrap().to_string())
                .unwrap();
            (s["group"].as_str().unwrap().to_string(), {
                let words = epub.story_words();
                vec![title, words.join(" ")]
            })
        })
        .collect();
    books.sort();
    let groups: Vec<&str> = books.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(
        groups,
        ["Ember Road", "Saltmarsh Letters", "a-one-shot.txt"],
        "{books:#?}"
    );
    let ember = &books[0].1;
    assert_eq!(ember[0], "Ember Road");
    let spark = ember[1].find("spark").expect("installment 1 in Ember Road");
    let dawn = ember[1].find("dawn").expect("installment 2 in Ember Road");
    assert!(spark < dawn, "installments in series order: {}", ember[1]);
    assert!(!ember[1].contains("tide"), "the one-shot is its own book");
    assert_eq!(books[1].1[0], "Saltmarsh Letters");
    assert_eq!(books[2].1[0], "Salt: A Small Story");
    assert!(books[2].1[1].contains("tide"));
}
