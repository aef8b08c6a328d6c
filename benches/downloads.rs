//! Reading a downloaded installment against reading a text one, per word, each from
//! the file's bytes as a build reads it: the same generated story as a `.txt` file
//! (decode, header, `read::text::parse`), as an HTML page (decode, `read::html::read`:
//! HTML5 parse, allow-list) and as an EPUB of five chapter files with its OPF and NCX
//! (`read::epub::read`: unzip, decode, OPF and NCX, each page's HTML5 parse and
//! allow-list). Criterion reports each in words per second; the `floor per word`
//! group measures the parts of those reads no reader can skip. Run with
//! `cargo bench --bench downloads`.

mod common;

use std::io::Write as _;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ficbind::input::decode::{decode, decode_html};
use ficbind::input::header::split_header;
use ficbind::input::settings::Typography;
use ficbind::read::text::{parse, TextOptions};

/// The story's paragraphs as XHTML `<p>`s, its scene breaks as `<hr/>`.
fn paragraphs_html(body: &str) -> Vec<String> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "* * *" {
                "<hr/>".to_string()
            } else {
                let escaped = p.replace('&', "&amp;").replace('<', "&lt;");
                format!("<p>{}</p>", escaped.replace('\n', " "))
            }
        })
        .collect()
}

fn page(title: &str, paragraphs: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>{title}</title></head><body><h2>{title}</h2>\n{}\n</body></html>",
        paragraphs.join("\n")
    )
}

fn epub(paragraphs: &[String]) -> Vec<u8> {
    let chapters: Vec<&[String]> = paragraphs.chunks(paragraphs.len().div_ceil(5)).collect();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut add = |name: &str, text: &str| {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    };
    add("mimetype", "application/epub+zip");
    add(
        "META-INF/container.xml",
        r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
    );
    let (mut manifest, mut spine, mut nav) = (String::new(), String::new(), String::new());
    for (i, chapter) in chapters.iter().enumerate() {
        let title = format!("Chapter {}", i + 1);
        add(&format!("c{i}.xhtml"), &page(&title, chapter));
        manifest.push_str(&format!(
            r#"<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>"#
        ));
        spine.push_str(&format!(r#"<itemref idref="c{i}"/>"#));
        nav.push_str(&format!(r#"<navPoint id="n{i}"><navLabel><text>{title}</text></navLabel><content src="c{i}.xhtml"/></navPoint>"#));
    }
    add(
        "content.opf",
        &format!(
            r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bench</dc:title><dc:creator>Ada</dc:creator><meta name="calibre:series" content="Bench"/><meta name="calibre:series_index" content="1"/></metadata><manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>{manifest}</manifest><spine toc="ncx">{spine}</spine></package>"#
        ),
    );
    add(
        "toc.ncx",
        &format!(
            r#"<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>{nav}</navMap></ncx>"#
        ),
    );
    w.finish().unwrap().into_inner()
}

fn bench_downloads(c: &mut Criterion) {
    let words = if common::quick() { 500 } else { 20_000 };
    let file = common::installment(&mut common::Lcg::new(7), 1, words);
    let body = split_header(&file).body.to_string();
    let counted = body.split_whitespace().count() as u64;
    let paragraphs = paragraphs_html(&body);
    let html = page("Bench", &paragraphs);
    let epub = epub(&paragraphs);

    // Each reader starts from the file's bytes, as a build does: decoding (UTF-8
    // checks, control characters) is part of reading every format, and the EPUB reader
    // cannot be measured without it.
    let text_bytes = file.as_bytes().to_vec();
    let html_bytes = html.into_bytes();
    let path = std::path::Path::new("bench");
    let mut group = c.benchmark_group("read per word");
    group.throughput(Throughput::Elements(counted));
    let opts = TextOptions {
        punctuation: Typography::Smart.into(),
    };
    group.bench_with_input(
        BenchmarkId::from_parameter("txt"),
        &text_bytes,
        |b, bytes| {
            b.iter(|| {
                let decoded = decode("bench.txt", path, std::hint::black_box(bytes)).unwrap();
                let split = split_header(&decoded.text);
                parse(split.body, "bench.txt", split.body_line, &opts)
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::from_parameter("html"),
        &html_bytes,
        |b, bytes| {
            b.iter(|| {
                let decoded = decode_html("bench.html", path, std::hint::black_box(bytes)).unwrap();
                ficbind::read::html::read(&decoded.text, "bench.html", Typography::Smart)
            })
        },
    );
    group.bench_with_input(BenchmarkId::from_parameter("epub"), &epub, |b, epub| {
        b.iter(|| {
            ficbind::read::epub::read(
                std::hint::black_box(epub),
                "bench.epub",
                Typography::Smart.into(),
            )
            .unwrap()
        })
    });
    group.finish();

    // What no reader of these formats can avoid, per word of the same story, so the
    // figures above can be read against a floor: the decoding and typography every
    // format does, the HTML5 parse into a tree before a node is walked, and the
    // inflating of an EPUB's entries before a byte is parsed.
    let mut floor = c.benchmark_group("floor per word");
    floor.throughput(Throughput::Elements(counted));
    let punctuation: ficbind::read::typography::Punctuation = Typography::Smart.into();
    let paragraph_texts: Vec<String> = body
        .split("\n\n")
        .map(|p| p.trim().replace('\n', " "))
        .filter(|p| !p.is_empty())
        .collect();
    floor.bench_function("decode and typography (every format)", |b| {
        b.iter(|| {
            let decoded = decode("bench.txt", path, std::hint::black_box(&text_bytes)).unwrap();
            let set: usize = paragraph_texts
                .iter()
                .map(|p| punctuation.apply(p.clone()).len())
                .sum();
            (decoded.text.len(), set)
        })
    });
    floor.bench_function("html: decode and HTML5 parse", |b| {
        b.iter(|| {
            let decoded =
                decode_html("bench.html", path, std::hint::black_box(&html_bytes)).unwrap();
            scraper::Html::parse_document(&decoded.text)
        })
    });
    floor.bench_function("epub: unzip and inflate", |b| {
        b.iter(|| {
            let mut zip =
                zip::ZipArchive::new(std::io::Cursor::new(std::hint::black_box(&epub))).unwrap();
            let mut total = 0;
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                let mut bytes = Vec::with_capacity(entry.size() as usize);
                std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
                total += bytes.len();
            }
            total
        })
    });
    floor.finish();
}

criterion_group!(benches, bench_downloads);
criterion_main!(benches);
