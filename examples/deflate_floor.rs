//! The deflate floor: how long it takes just to compress a book's files with the
//! compressor ficbind's zip writer uses (`ficbind::output::epub::deflate`: flate2 on zlib-rs at
//! ficbind's level), every file on its own and all files in parallel on every core. No build can be faster than this, so `scripts/bench.sh` reports ficbind's
//! time as a multiple of it.
//!
//!     cargo run --release --example deflate_floor -- DIR [RUNS]
//!
//! Reads every file under DIR (an unzipped EPUB, say) into memory first; only the
//! compression is timed. Prints one line per run and then `median_seconds=…`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: deflate_floor DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let mut paths = Vec::new();
    files_under(Path::new(&dir), &mut paths).expect("the folder is readable");
    paths.sort();
    let data: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("the file is readable"))
        .collect();
    let total_in: usize = data.iter().map(Vec::len).sum();

    let mut times = Vec::with_capacity(runs);
    let mut total_out = 0;
    for run in 0..runs {
        let start = Instant::now();
        total_out = data
            .par_iter()
            .map(|d| ficbind::output::epub::deflate(d).len())
            .sum::<usize>();
        let secs = start.elapsed().as_secs_f64();
        println!("run {run}: {secs:.6} s");
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "files={} bytes_in={total_in} bytes_out={total_out} threads={} median_seconds={median:.6}",
        data.len(),
        rayon::current_num_threads()
    );
}
