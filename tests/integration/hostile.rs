//! Hostile and careless input: an output path that is an input, files that never end,
//! pictures that claim to be enormous, and links that lead out of the series folder.
//! Each must be refused (or left out with a warning) with a message that names the file,
//! and never cost a story, unbounded memory or a private file in a shared book.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::*;

/// The CLI, stopped after 20 s: a read that never ends fails the test instead of
/// hanging it.
fn ficbind() -> Command {
    let mut cmd = Command::cargo_bin("ficbind").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1790000000")
        .timeout(Duration::from_secs(20));
    cmd
}

/// `ficbind build DIR -o OUT`, to be asserted on.
fn build(dir: &Path, out: &Path) -> assert_cmd::assert::Assert {
    ficbind().arg("build").arg(dir).arg("-o").arg(out).assert()
}

/// A series folder `moth` inside a fresh temporary folder, with two installments.
fn series() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("moth");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("01.txt"),
        "Title: Moth 1: The Lamp\nAuthor: Ada\n\nThe moth came to the lamp at dusk.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("02.txt"),
        "Title: Moth 2: The Window\nAuthor: Ada\n\nThe moth left by the window.\n",
    )
    .unwrap();
    (tmp, dir)
}

fn picture(path: &Path, w: u32, h: u32) {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save_with_format(path, image::ImageFormat::Png)
    .unwrap();
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A file of `len` bytes that takes no room on disk (a sparse file of zeros).
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

/// A PNG that says it is `w`×`h` pixels but holds only a few rows of black: a few
/// hundred bytes that would decode to `w`×`h`×3 bytes.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    // 8-bit RGB, deflate, adaptive filters, not interlaced.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let rows = vec![0u8; (1 + 3 * w as usize) * 4];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&rows).unwrap();
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// 1. An output path that is one of the inputs.

#[test]
fn build_refuses_to_write_the_book_over_a_story_file() {
    let (_tmp, dir) = series();
    let story = dir.join("01.txt");
    let before = std::fs::read(&story).unwrap();
    // Spelled another way than the folder listing spells it, too.
    for out in [story.clone(), dir.join(".").join("01.txt")] {
        build(&dir, &out)
            .failure()
            .stderr(predicate::str::contains(format!(
                "refusing to write the book to {}: it is one of the series' input files",
                out.display()
            )))
            .stderr(predicate::str::contains("choose another -o path"));
        assert_eq!(std::fs::read(&story).unwrap(), before, "the story is kept");
    }
    assert_eq!(
        entries(&dir),
        ["01.txt", "02.txt"],
        "no temporary file left"
    );
}

#[test]
fn build_refuses_to_write_over_a_hard_link_to_the_manifest() {
    let (tmp, dir) = series();
    let manifest = dir.join("series.toml");
    std::fs::write(&manifest, "title = \"Moths\"\n").unwrap();
    let out = tmp.path().join("moths.epub");
    std::fs::hard_link(&manifest, &out).unwrap();
    build(&dir, &out)
        .failure()
        .stderr(predicate::str::contains(format!(
            "refusing to write the book to {}: it is one of the series' input files (the same file as {})",
            out.display(),
            manifest.display()
        )));
    assert_eq!(
        std::fs::read_to_string(&manifest).unwrap(),
        "title = \"Moths\"\n"
    );
}

#[test]
fn split_refuses_a_book_named_like_an_input_and_writes_none() {
    let (tmp, dir) = series();
    // The books --split names after the installments, in a scratch folder.
    let scratch = tmp.path().join("scratch");
    ficbind()
        .args(["build", "--split", "-q", "--no-cover"])
        .arg(&dir)
        .arg("-o")
        .arg(&scratch)
        .assert()
        .success();
    let names = entries(&scratch);
    assert_eq!(names.len(), 2, "{names:?}");
    // A cover image that happens to carry the second book's name, in the folder the
    // books are written into (not the series folder, where an .epub is a story file).
    let books = tmp.path().join("books");
    std::fs::create_dir(&books).unwrap();
    let cover = books.join(&names[1]);
    picture(&cover, 700, 1100);
    let before = std::fs::read(&cover).unwrap();
    ficbind()
        .args(["build", "--split"])
        .arg(&dir)
        .arg("-o")
        .arg(&books)
        .arg("--cover")
        .arg(&cover)
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "refusing to write the book to {}",
            cover.display()
        )));
    assert_eq!(std::fs::read(&cover).unwrap(), before, "the cover is kept");
    assert!(
        !books.join(&names[0]).exists(),
        "no book is written when one of them is refused"
    );
}

#[test]
fn cover_refuses_to_write_over_its_own_image() {
    let (_tmp, dir) = series();
    let image = dir.join("cover.png");
    picture(&image, 700, 1100);
    let before = std::fs::read(&image).unwrap();
    ficbind()
        .arg("cover")
        .arg(&dir)
        .arg("-o")
        .arg(&image)
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "refusing to write the cover to {}: it is one of the series' input files; choose another -o path",
            image.display()
        )));
    assert_eq!(std::fs::read(&image).unwrap(), before);
    // Anywhere else is fine.
    let elsewhere = dir.parent().unwrap().join("preview.jpg");
    ficbind()
        .arg("cover")
        .arg(&dir)
        .arg("-o")
        .arg(&elsewhere)
        .assert()
        .success();
    assert!(elsewhere.exists());
}

#[test]
fn batch_refuses_a_report_over_a_story_file_before_building() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    for (series, title) in [("a", "Moth"), ("b", "Lamp")] {
        let dir = lib.join(series);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("1.txt"),
            format!("Title: {title} 1: Dusk\n\nThe {title} came.\n"),
        )
        .unwrap();
    }
    let story = lib.join("b/1.txt");
    let before = std::fs::read(&story).unwrap();
    let out = tmp.path().join("out");
    ficbind()
        .arg("batch")
        .arg(&lib)
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&story)
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "refusing to write the report to {}: it is one of the series' input files; choose another --report path",
            story.display()
        )));
    assert_eq!(std::fs::read(&story).unwrap(), before);
    assert!(!out.exists(), "nothing was built");
}

// 2. Files that never end, or are too large.

#[test]
fn devices_named_on_the_command_line_are_refused_by_name() {
    let (tmp, dir) = series();
    // A cover template naming a font that never ends.
    let template = tmp.path().join("mine.toml");
    let classic = std::fs::read_to_string(root().join("covers/classic.toml")).unwrap();
    let font = regex::Regex::new(r#"font = "[^"]*""#).unwrap();
    assert!(font.is_match(&classic));
    std::fs::write(
        &template,
        font.replace_all(&classic, r#"font = "/dev/zero""#).as_ref(),
    )
    .unwrap();
    let template = template.display().to_string();
    for (args, what) in [
        (vec!["--cover", "/dev/zero"], "a cover image"),
        (vec!["--manifest", "/dev/zero"], "a manifest"),
        (vec!["--cover-background", "/dev/zero"], "a cover image"),
        (vec!["--cover-template", "/dev/zero"], "a cover template"),
        (vec!["--cover-template", &template], "a font"),
    ] {
        ficbind()
            .arg("build")
            .arg(&dir)
            .arg("-o")
            .arg(tmp.path().join("book.epub"))
            .args(&args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(format!(
                "/dev/zero is a device, not an ordinary file, and ficbind reads {what} only from an ordinary file"
            )));
    }
    assert!(!tmp.path().join("book.epub").exists());
}

#[test]
fn a_named_pipe_in_the_series_folder_is_never_read() {
    let (tmp, dir) = series();
    // A cover.jpg that is a pipe: opening it would wait for a writer forever.
    mkfifo(&dir.join("cover.jpg"));
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(tmp.path().join("book.epub"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "{} is a named pipe, not an ordinary file",
            dir.join("cover.jpg").display()
        )));
    std::fs::remove_file(dir.join("cover.jpg")).unwrap();

    // An image a Markdown body names that is a pipe is a warning, like a missing one.
    std::fs::write(
        dir.join("03.md"),
        "---\ntitle: Moth 3\n---\n\nThe moth saw ![a lamp](lamp.png) burning.\n",
    )
    .unwrap();
    mkfifo(&dir.join("lamp.png"));
    let out = tmp.path().join("book.epub");
    build(&dir, &out)
        .success()
        .stderr(predicate::str::contains(
            "warning[W009]: 03.md: the image lamp.png is a named pipe, not an ordinary file; its description is shown instead",
        ));
    assert_epubcheck_clean(&out);
}

#[test]
fn files_too_large_for_what_they_are_are_refused() {
    let mib = 1024 * 1024;
    // A Markdown image over 50 MB is a warning and is not packaged.
    let (tmp, dir) = series();
    std::fs::write(
        dir.join("03.md"),
        "---\ntitle: Moth 3\n---\n\nThe moth saw ![a lamp](lamp.png) burning.\n",
    )
    .unwrap();
    sparse(&dir.join("lamp.png"), 51 * mib);
    let out = tmp.path().join("book.epub");
    build(&dir, &out).success().stderr(predicate::str::contains(
        "the image lamp.png is 51.0 MB, more than the 50 MB ficbind packages for an image",
    ));
    assert!(!Epub::new(std::fs::read(&out).unwrap())
        .names()
        .iter()
        .any(|n| n.contains("images/image-")));

    // A manifest over 1 MB, and a story file over 64 MB, stop the build.
    let (tmp, dir) = series();
    sparse(&dir.join("series.toml"), 2 * mib);
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(tmp.path().join("book.epub"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "{} is 2.0 MB; ficbind reads at most 1 MB for a manifest",
            dir.join("series.toml").display()
        )));
    std::fs::remove_file(dir.join("series.toml")).unwrap();
    sparse(&dir.join("03.txt"), 65 * mib);
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(tmp.path().join("book.epub"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "{} is 65.0 MB; ficbind reads at most 64 MB for a story file; split it into several installment files",
            dir.join("03.txt").display()
        )));
}

/// An archive download (`.html`) goes through the same guarded read as a text file: a
/// huge or binary one stops the build naming it, with no partial book; a pipe named like
/// a story is never opened and is reported (`W017`); a link out of the folder is left
/// out (`W015`).
#[test]
fn html_story_files_get_the_same_guards_as_text_ones() {
    let mib = 1024 * 1024;
    let refused = |dir: &Path, out: &Path, message: String| {
        build(dir, out)
            .failure()
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "no book after a refused build");
    };

    let (tmp, dir) = series();
    let out = tmp.path().join("book.epub");
    let html = dir.join("03.html");
    sparse(&html, 65 * mib);
    refused(
        &dir,
        &out,
        format!(
            "{} is 65.0 MB; ficbind reads at most 64 MB for a story file",
            html.display()
        ),
    );

    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&html, noise).unwrap();
    refused(
        &dir,
        &out,
        format!("{} does not look like text", html.display()),
    );

    // A pipe named like a story is never opened (it would wait forever), and said.
    std::fs::remove_file(&html).unwrap();
    mkfifo(&html);
    build(&dir, &out)
        .success()
        .stderr(predicate::str::contains(
            "warning[W017]: 03.html: this is a named pipe, not an ordinary file, so it was left out of the book",
        ));
    std::fs::remove_file(&out).unwrap();

    std::fs::remove_file(&html).unwrap();
    let secret = tmp.path().join("saved.html");
    std::fs::write(
        &secret,
        "<html><head><title>Diary</title></head><body><p>SECRET-PIN-4711</p></body></html>",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, &html).unwrap();
    build(&dir, &out)
        .success()
        .stderr(predicate::str::contains("warning[W015]: 03.html"));
    let words = Epub::new(std::fs::read(&out).unwrap()).story_words();
    assert!(!words.iter().any(|w| w.contains("SECRET")), "{words:?}");
}

// 3. Pictures that claim to be enormous.

#[test]
fn a_cover_claiming_400_megapixels_is_refused_before_decoding() {
    let (tmp, dir) = series();
    let bomb = png_claiming(20_000, 20_000);
    assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
    std::fs::write(dir.join("cover.png"), &bomb).unwrap();
    let out = tmp.path().join("book.epub");
    let refused = |cmd: &mut Command, name: &str| {
        cmd.assert()
            .failure()
            .stderr(predicate::str::contains(format!(
                "{name} is 20000×20000 pixels (400.0 megapixels); ficbind decodes images of at most 50 megapixels"
            )));
    };
    refused(
        ficbind().arg("build").arg(&dir).arg("-o").arg(&out),
        "cover.png",
    );
    // The title set over it, and the cover command.
    refused(
        ficbind()
            .arg("build")
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .arg("--cover-text"),
        "cover.png",
    );
    refused(
        ficbind()
            .arg("cover")
            .arg(&dir)
            .arg("-o")
            .arg(tmp.path().join("c.jpg")),
        "cover.png",
    );
    // As a generated cover's background.
    std::fs::rename(dir.join("cover.png"), tmp.path().join("bg.png")).unwrap();
    let bg = tmp.path().join("bg.png");
    refused(
        ficbind()
            .arg("build")
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .arg("--cover-background")
            .arg(&bg),
        &format!("the background image {}", bg.display()),
    );
    assert!(!out.exists());
}

// 4. Links that lead out of the series folder.

#[test]
fn a_story_file_linking_outside_the_folder_is_left_out() {
    let (tmp, dir) = series();
    let secret = tmp.path().join("diary.txt");
    std::fs::write(&secret, "Title: Moth 3: Diary\n\nSECRET-PIN-4711\n").unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("03.txt")).unwrap();
    let out = tmp.path().join("book.epub");
    build(&dir, &out)
        .success()
        .stderr(predicate::str::contains(format!(
            "warning[W015]: 03.txt: this story file is a link to {}, outside the series folder, so it was left out of the book",
            secret.canonicalize().unwrap().display()
        )));
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    let words = epub.story_words();
    assert!(words.contains(&"window".to_string()), "{words:?}");
    assert!(!words.iter().any(|w| w.contains("SECRET")), "{words:?}");
    assert_epubcheck_clean(&out);
    // A warning like any other: --deny-warnings refuses it.
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(tmp.path().join("strict.epub"))
        .arg("--deny-warnings")
        .assert()
        .failure();
    // A link that stays inside the folder is a story file like any other.
    std::fs::remove_file(dir.join("03.txt")).unwrap();
    std::fs::create_dir(dir.join("drafts")).unwrap();
    std::fs::copy(&secret, dir.join("drafts/diary.txt")).unwrap();
    std::os::unix::fs::symlink(dir.join("drafts/diary.txt"), dir.join("03.txt")).unwrap();
    build(&dir, &out)
        .success()
        .stderr(predicate::str::contains("W015").not());
    let words = Epub::new(std::fs::read(&out).unwrap()).story_words();
    assert!(words.iter().any(|w| w.contains("SECRET")), "{words:?}");
}

#[test]
fn a_markdown_image_linking_outside_the_folder_is_not_packaged() {
    let (tmp, dir) = series();
    let private = tmp.path().join("private.png");
    picture(&private, 40, 30);
    std::fs::write(
        dir.join("03.md"),
        "---\ntitle: Moth 3\n---\n\nThe moth saw ![a lamp](lamp.png) burning.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&private, dir.join("lamp.png")).unwrap();
    let out = tmp.path().join("book.epub");
    build(&dir, &out)
        .success()
        .stderr(predicate::str::contains(format!(
            "warning[W009]: 03.md: the image lamp.png leads outside the series folder (to {}); copy the image into the series folder",
            private.canonicalize().unwrap().display()
        )));
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    assert!(!epub.names().iter().any(|n| n.contains("images/image-")));
    assert!(epub.text("OEBPS/story-003.xhtml").contains("a lamp"));
    assert_epubcheck_clean(&out);
}

#[test]
fn a_cover_leading_outside_the_folder_is_refused_unless_named() {
    let (tmp, dir) = series();
    let photo = tmp.path().join("photo.png");
    picture(&photo, 700, 1100);
    std::os::unix::fs::symlink(&photo, dir.join("cover.png")).unwrap();
    let out = tmp.path().join("book.epub");
    build(&dir, &out)
        .failure()
        .stderr(predicate::str::contains(format!(
            "{} leads outside the series folder {} (to {})",
            dir.join("cover.png").display(),
            dir.display(),
            photo.canonicalize().unwrap().display()
        )))
        .stderr(predicate::str::contains(
            "copy the file into the series folder, or give it with --cover",
        ));
    assert!(!out.exists());
    // Nor may series.toml reach out (it already refuses `..`), through a linked folder.
    std::fs::remove_file(dir.join("cover.png")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), dir.join("art")).unwrap();
    std::fs::write(
        dir.join("series.toml"),
        "[cover]\nfile = \"art/photo.png\"\n",
    )
    .unwrap();
    build(&dir, &out)
        .failure()
        .stderr(predicate::str::contains(format!(
            "{} leads outside the series folder",
            dir.join("art/photo.png").display()
        )));
    // Named on the command line, it may be anywhere.
    ficbind()
        .arg("build")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .arg("--cover")
        .arg(&photo)
        .assert()
        .success();
    assert_epubcheck_clean(&out);
}

/// Builds `dir` with its address space capped at `kib` KiB (`ulimit -v`): a build that
/// needs more fails to allocate and aborts.
fn build_within(dir: &Path, out: &Path, kib: u64) -> std::process::ExitStatus {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {kib}; exec \"$0\" build \"$1\" -o \"$2\" --no-cover -q"
        ))
        .arg(assert_cmd::cargo::cargo_bin("ficbind"))
        .arg(dir)
        .arg(out)
        .status()
        .unwrap()
}

#[test]
fn thirty_megabytes_of_blank_lines_build_in_bounded_memory() {
    // Each blank line took a 48-byte line record: this file took about 1.5 GB.
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("s");
    std::fs::create_dir(&series).unwrap();
    let mut text = b"Title: Gap 1\n\nBefore the gap.\n".to_vec();
    text.resize(text.len() + 30_000_000, b'\n');
    text.extend_from_slice(b"After the gap.\n");
    std::fs::write(series.join("gap.txt"), text).unwrap();
    let out = dir.path().join("gap.epub");
    assert!(build_within(&series, &out, 800_000).success());
    let page = Epub::new(std::fs::read(&out).unwrap()).text("OEBPS/story-001.xhtml");
    assert!(page.contains("Before the gap.") && page.contains("After the gap."));
}

#[test]
fn one_word_paragraphs_build_in_bounded_memory() {
    // Every paragraph's events were held at once: 12 MB of one-word paragraphs took
    // about 800 MB.
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("s");
    std::fs::create_dir(&series).unwrap();
    let text = format!("Title: Words 1\n\n{}", "word\n\n".repeat(2_000_000));
    std::fs::write(series.join("words.txt"), text).unwrap();
    let out = dir.path().join("words.epub");
    assert!(build_within(&series, &out, 800_000).success());
    // The body is cut into pages (`pages::PAGE_LIMIT`): every paragraph is on one.
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    let pages = epub.story_pages();
    assert!(pages.len() > 100, "{}", pages.len());
    let count: usize = pages
        .iter()
        .map(|p| {
            epub.text(&format!("OEBPS/{p}"))
                .matches("<p>word</p>")
                .count()
        })
        .sum();
    assert_eq!(count, 2_000_000);
}

// 5. Addresses typed by hand or garbled in a download.

#[test]
fn garbled_web_addresses_stay_readable_and_never_break_the_book() {
    // Found by mutating a FanFicFare text download: markup run into its `Story URL`
    // became the metadata page's link, and EPUBCheck rejected the book (RSC-020).
    let (tmp, dir) = series();
    std::fs::write(
        dir.join("03.md"),
        "Title: Moth 3: Addresses\nAuthor: Ada\nSource: https://stories.example.org<ruby><ruby>\n\n\
         Moth maps: [one](<https://example.org/a b>), [two](https://example.org/%zz), \
         [three](https://example.org/#a#b), [four](https://a..b/), \
         [five](https://example.org/a|b^c), [six](https://example.org/café).\n",
    )
    .unwrap();
    let out = tmp.path().join("book.epub");
    build(&dir, &out).success();
    assert_epubcheck_clean(&out);
    let mut epub = Epub::new(std::fs::read(&out).unwrap());
    // Every link's words are there, whether it could be linked or not.
    let words = epub.story_words();
    for word in ["one", "two", "three", "four", "five", "six"] {
        assert!(
            words.iter().any(|w| w.starts_with(word)),
            "{word}: {words:?}"
        );
    }
    // The source is shown as written; only a followable form is ever an href.
    let about = epub.text("OEBPS/about.xhtml");
    assert!(
        about.contains("https://stories.example.org&lt;ruby&gt;&lt;ruby&gt;"),
        "{about}"
    );
    assert!(
        !about.contains("href=\"https://stories.example.org"),
        "{about}"
    );
    let page = epub.text("OEBPS/story-003.xhtml");
    for href in [
        "https://example.org/caf%C3%A9",
        "https://example.org/a%7Cb%5Ec",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}: {page}");
    }
    assert!(!page.contains("a..b\""), "{page}");
}

// 6. Markup nested past any story's.

#[test]
fn markdown_nested_a_thousand_deep_is_refused_at_its_line_and_nothing_is_written() {
    // A line of a million `>` took over a minute (every element looked ahead to its
    // end) and a million `> - ` 1.6 GB.
    let (tmp, dir) = series();
    let deep = format!(
        "Title: Moth 3: Deep\n\nCalm.\n\n{}deep\n",
        "> - ".repeat(250_000)
    );
    std::fs::write(dir.join("03.md"), deep).unwrap();
    let out = tmp.path().join("book.epub");
    build(&dir, &out)
        .failure()
        .stderr(predicate::str::contains(format!(
            "{}:5: quotes, lists or emphasis nest more than 1000 deep here",
            dir.join("03.md").display()
        )));
    assert!(!out.exists());
}
