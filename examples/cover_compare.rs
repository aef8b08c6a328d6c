//! Compares two folders of covers as `cover_preview` writes them: for each JPEG in the
//! first, the mean and largest absolute difference per channel from the one of the same
//! name in the second, and both sizes. Use it to check a change to cover painting keeps
//! the covers looking the same.
//! Run with `cargo run --release --example cover_compare -- BEFORE_DIR AFTER_DIR`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [before, after] = &args[..] else {
        eprintln!("usage: cover_compare BEFORE_DIR AFTER_DIR");
        std::process::exit(2);
    };
    let mut names: Vec<_> = std::fs::read_dir(before)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    names.sort();
    for a in names {
        let b = std::path::Path::new(after).join(a.file_name().unwrap());
        let (ba, bb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let ia = image::load_from_memory(&ba).unwrap().to_rgb8();
        let ib = image::load_from_memory(&bb).unwrap().to_rgb8();
        assert_eq!(ia.dimensions(), ib.dimensions());
        let (mut sum, mut max, mut over4) = (0u64, 0u8, 0usize);
        let mut worst = (0, 0);
        for (i, (x, y)) in ia.as_raw().iter().zip(ib.as_raw()).enumerate() {
            let d = x.abs_diff(*y);
            sum += d as u64;
            over4 += usize::from(d > 4);
            if d > max {
                max = d;
                let px = i as u32 / 3;
                worst = (px % ia.width(), px / ia.width());
            }
        }
        println!(
            "{:>24}: mean |diff| {:.3}, max {max:>3} at {worst:?}, {:.4}% over 4, size {} -> {} bytes ({:+.1}%)",
            a.file_name().unwrap().to_string_lossy(),
            sum as f64 / ia.as_raw().len() as f64,
            over4 as f64 * 100.0 / ia.as_raw().len() as f64,
            ba.len(),
            bb.len(),
            (bb.len() as f64 / ba.len() as f64 - 1.0) * 100.0
        );
    }
}
