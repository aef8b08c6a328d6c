//! The packager: `ficbind::build::plan` and `Plan::to_bytes` (parse → order → render → zip) on an in-memory
//! generated series of 200 installments × 5,000 words (a 1-million-word book), as an
//! EPUB and as a KEPUB (Kobo's spans written as it is typeset), and the
//! zip writer `ficbind::output::epub::write_epub` alone on that book's rendered files. Nothing
//! touches the disk. Run with `cargo bench --bench package`.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ficbind::output::epub::Entry;

fn size() -> (usize, usize) {
    if common::quick() {
        (4, 500)
    } else {
        (200, 5_000)
    }
}

fn bench_compile(c: &mut Criterion) {
    let (count, words) = size();
    let inputs = common::series_inputs(count, words);
    let bytes: usize = inputs
        .files
        .iter()
        .filter_map(|f| f.bytes.as_ref())
        .map(Vec::len)
        .sum();
    let mut group = c.benchmark_group("package");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("compile/{count}x{words}w"), |b| {
        b.iter(|| {
            ficbind::build::plan(&inputs, &ficbind::build::no_images)
                .and_then(|plan| plan.to_bytes())
                .expect("the synthetic series builds")
        })
    });

    // The same book as a KEPUB: every sentence in Kobo's span, about half again the
    // XHTML to compress.
    let mut kepub_inputs = common::series_inputs(count, words);
    kepub_inputs.settings.format = ficbind::BookFormat::Kepub;
    group.bench_function(format!("compile_kepub/{count}x{words}w"), |b| {
        b.iter(|| {
            ficbind::build::plan(&kepub_inputs, &ficbind::build::no_images)
                .and_then(|plan| plan.to_bytes())
                .expect("the synthetic series builds")
        })
    });

    // The streaming path the CLI takes: pages written one chunk at a time (here into a
    // sink).
    group.bench_function(format!("stream/{count}x{words}w"), |b| {
        b.iter(|| {
            let plan = ficbind::build::plan(&inputs, &ficbind::build::no_images)
                .expect("the synthetic series plans");
            plan.write(std::io::sink(), std::path::Path::new("sink"))
                .expect("it writes")
        })
    });

    // The zip writer alone, on exactly the files compile() renders (read back from its book).
    let epub = ficbind::build::plan(&inputs, &ficbind::build::no_images)
        .and_then(|plan| plan.to_bytes())
        .expect("the synthetic series builds");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("a zip");
    let entries: Vec<Entry> = (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut data).unwrap();
            Entry::new(f.name(), data)
        })
        .filter(|e| e.path != "mimetype")
        .collect();
    let xhtml: usize = entries.iter().map(|e| e.data.len()).sum();
    group.throughput(Throughput::Bytes(xhtml as u64));
    group.bench_function(format!("write_epub/{count}x{words}w"), |b| {
        b.iter_batched(
            || entries.clone(),
            |e| ficbind::output::epub::write_epub(e, "bench"),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_compile);
criterion_main!(benches);
