//! Hostile and careless input: an output path that is an input, files that never end,
//! pictures that claim to be enormous, and links that lead out of the series folder.
//! Each must be refused (or left out with a warning) with a message that names the file,
//! and never cost a story, unbounded memory or a private file in a shared book.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

/// The CLI, stopped after 20 s: a read that never ends fails the test instead of
/// hanging it.
fn ficbind() -> Command {
    let mut cmd = Command::cargo_bin("ficbind").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1790000000")
        .timeout(Duration::from_secs(20));
    cmd
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
