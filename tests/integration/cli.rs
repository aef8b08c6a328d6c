//! The `ficbind` command as a user runs it, bad input included.

use predicates::prelude::*;

use crate::support::*;

#[test]
fn build_writes_a_book_named_after_the_series() {
    let dir = tempfile::tempdir().unwrap();
    ficbind()
        .current_dir(dir.path())
        .arg("build")
        .arg(fixture("basic"))
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote tidewater.epub"));
    assert!(dir.path().join("tidewater.epub").is_file());
}

#[test]
fn the_output_is_byte_identical_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.epub", "b.epub"] {
        ficbind()
            .arg("build")
            .arg(sample("lantern-road"))
            .arg("-o")
            .arg(dir.path().join(name))
            .assert()
            .success();
    }
    assert!(
        std::fs::read(dir.path().join("a.epub")).unwrap()
            == std::fs::read(dir.path().join("b.epub")).unwrap()
    );
}

#[test]
fn warnings_go_to_stderr_with_code_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    ficbind()
        .arg("build")
        .arg(sample("lantern-road"))
        .arg("-o")
        .arg(dir.path().join("x.epub"))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[W002]: part2.txt:7:"))
        .stderr(predicate::str::contains(
            "note[N001]: 4471.txt: not UTF-8; read as windows-1252",
        ));
}

#[test]
fn missing_folder_is_a_clear_error() {
    ficbind()
        .args(["build", "no/such/series"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the series folder no/such/series does not exist",
        ));
}

#[test]
fn folder_without_stories_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cover.png"), b"not a story").unwrap();
    ficbind()
        .arg("build")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("no story files in").and(predicate::str::contains(
                ".txt, .md, .markdown, .html, .htm and .epub",
            )),
        );
}

#[test]
fn unreadable_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.txt"), "Title: A 1: B\n\nText.\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), dir.path().join("two.txt")).unwrap();
    ficbind()
        .arg("build")
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("x.epub"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot read").and(predicate::str::contains("two.txt")));
}

#[test]
fn binary_file_posing_as_text_is_refused_and_nothing_is_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("series");
    std::fs::create_dir(&series).unwrap();
    std::fs::write(series.join("one.txt"), "Title: A 1: B\n\nText.\n").unwrap();
    std::fs::write(series.join("two.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let out = dir.path().join("book.epub");
    std::fs::write(&out, b"the old book").unwrap();
    ficbind()
        .arg("build")
        .arg(&series)
        .arg("-o")
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "two.txt does not look like text (it is a PNG image)",
        ));
    assert_eq!(std::fs::read(&out).unwrap(), b"the old book");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left: {leftovers:?}");
}

#[test]
fn unwritable_output_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    ficbind()
        .arg("build")
        .arg(fixture("basic"))
        .arg("-o")
        .arg(blocker.join("book.epub"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("cannot write")
                .and(predicate::str::contains("choose an output path")),
        );
}

#[test]
fn deny_warnings_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.epub");
    ficbind()
        .arg("build")
        .arg(fixture("empty-ish"))
        .arg("--deny-warnings")
        .arg("-o")
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("warning[W005]: two.txt"))
        .stderr(predicate::str::contains("--deny-warnings"));
    assert!(!out.exists());
}

#[test]
fn help_documents_every_build_option() {
    let assert = ficbind().args(["build", "--help"]).assert().success();
    let help = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for option in [
        "--output",
        "--templates",
        "--typography",
        "--notes",
        "--language",
        "--deny-warnings",
        "--quiet",
    ] {
        assert!(
            help.contains(option),
            "{option} missing from --help:\n{help}"
        );
    }
}

#[test]
fn a_very_long_title_still_gives_a_file_name_the_system_takes() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("long");
    std::fs::create_dir(&series).unwrap();
    let title = "灯".repeat(90);
    std::fs::write(
        series.join("a.txt"),
        format!("Title: {title}\n\nThe lamp was lit at dusk.\n"),
    )
    .unwrap();
    ficbind()
        .current_dir(dir.path())
        .arg("build")
        .arg(&series)
        .arg("-q")
        .assert()
        .success();
    let books: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".epub"))
        .collect();
    assert_eq!(books.len(), 1);
    assert!(books[0].file_name().len() <= 255);
    assert_epubcheck_clean(&books[0].path());
}

#[test]
fn an_os_error_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.txt"), "Title: A 1: B\n\nText.\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), dir.path().join("two.txt")).unwrap();
    let out = ficbind()
        .arg("build")
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("x.epub"))
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn story_files_that_are_all_empty_are_not_called_missing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.txt"), "\n\n").unwrap();
    std::fs::write(dir.path().join("two.md"), "").unwrap();
    ficbind()
        .arg("build")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("2 story file(s) there, but every one is empty or excluded")
                .and(predicate::str::contains("no story files").not()),
        );
}

#[test]
fn batch_given_a_file_says_it_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lib.txt");
    std::fs::write(&file, "Title: A\n\nText.\n").unwrap();
    ficbind()
        .arg("batch")
        .arg(&file)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("is a file, not a folder")
                .and(predicate::str::contains("does not exist").not()),
        );
}

#[test]
fn utf16_without_a_bom_builds() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Title: Moth 1: Wings\n\nThe moth came to the lamp.\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.path().join("moth.txt"), bytes).unwrap();
    let out = dir.path().join("moth.epub");
    ficbind()
        .arg("build")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("read as UTF-16LE (no BOM)"));
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    assert!(epub
        .text("OEBPS/story-001.xhtml")
        .contains("The moth came to the lamp."));
    assert_epubcheck_clean(&out);
}

#[test]
fn an_interrupted_build_leaves_no_temporary_file_and_keeps_the_old_book() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("long");
    std::fs::create_dir(&series).unwrap();
    // Long enough that writing the book takes a while even on a fast machine.
    let paragraph = "The moth came to the lamp, and the lamp did not mind it at all. ".repeat(12);
    let body = format!("{paragraph}\n\n").repeat(700);
    for n in 1..=60 {
        std::fs::write(
            series.join(format!("moth-{n:03}.txt")),
            format!("Title: Moth {n}: Wing\n\n{body}"),
        )
        .unwrap();
    }
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("moth.epub");
    std::fs::write(&out, b"the old book").unwrap();
    let temporary = || {
        std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count()
    };
    let mut caught = 0;
    for signal in ["TERM", "INT", "HUP"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ficbind"))
            .arg("build")
            .arg(&series)
            .arg("-o")
            .arg(&out)
            .arg("--no-cover")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while temporary() == 0 && start.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let caught_writing = temporary() > 0;
        let killed = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        if caught_writing && killed.success() && !status.success() {
            caught += 1;
            assert_eq!(temporary(), 0, "SIG{signal} left a temporary file");
            // The old book, or (when the signal came after the finished book was
            // renamed into place) the whole new one: never anything in between.
            let now = std::fs::read(&out).unwrap();
            if now != b"the old book" {
                let mut book = Epub::new(now);
                assert!(
                    book.text("OEBPS/story-060.xhtml")
                        .contains("did not mind it"),
                    "SIG{signal}"
                );
            }
            std::fs::write(&out, b"the old book").unwrap();
        } else {
            // The build won the race; it must then have finished cleanly.
            assert_eq!(temporary(), 0);
        }
    }
    assert!(
        caught > 0,
        "no signal arrived while the book was being written"
    );
}

#[test]
fn markdown_notes_referred_to_twice_or_never_make_a_valid_book() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tide.md"),
        "---\ntitle: \"Tide 1: Moon\"\n---\nThe tide[^t] turned, and turned[^t] again.\n\n[^t]: Twice a day.\n\n[^unused]: Nobody points here.\n",
    )
    .unwrap();
    let out = dir.path().join("tide.epub");
    ficbind()
        .arg("build")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_epubcheck_clean(&out);
    let page = Epub::new(std::fs::read(&out).unwrap()).text("OEBPS/story-001.xhtml");
    assert!(page.contains("Nobody points here."), "{page}");
}
