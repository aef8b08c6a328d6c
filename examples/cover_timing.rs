//! Times cover generation: for each built-in template, covers for five titles, mean wall
//! and CPU time per cover (CPU time from /proc/self/stat where there is one).
//! Run with `cargo run --release --example cover_timing [COVERS_PER_STYLE] [STYLE]`.

use std::time::Instant;

use ficbind::cover::{builtin_names, builtin_template, generate_cover, CoverText};

/// User plus system CPU time of this process in seconds, if the platform tells.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    // Linux reports in USER_HZ, which is 100 on every mainstream build.
    Some(ticks / 100.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(20, |a| a.parse().expect("a count"));
    let only = args.next();
    let titles = [
        "Glass Harbour",
        "The Lantern Road",
        "Дорога фонарей",
        "A Very Long Title About Seven Winters, Three Wars and One Very Stubborn Cat Named Biscuit",
        "Tide Tables",
    ];
    // One warm-up so first-use costs are not counted.
    let warm = CoverText {
        title: "Warm up".into(),
        author: "A".into(),
        fandom: None,
        language: "en".into(),
    };
    generate_cover(&warm, &builtin_template(builtin_names()[0]).unwrap(), None).unwrap();
    for name in builtin_names() {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        let template = builtin_template(name).unwrap();
        let (start, cpu0) = (Instant::now(), cpu_seconds());
        let mut bytes = 0;
        for i in 0..n {
            let text = CoverText {
                title: titles[i % titles.len()].into(),
                author: "Ada Quill".into(),
                fandom: Some("The Lantern Cycle".into()),
                language: "en".into(),
            };
            let (c, _) = generate_cover(&text, &template, None).unwrap();
            bytes += c.bytes.len();
        }
        let wall = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
        let cpu = match (cpu0, cpu_seconds()) {
            (Some(a), Some(b)) => format!("{:.1} ms CPU", (b - a) * 1000.0 / n as f64),
            _ => "CPU time unknown".into(),
        };
        println!(
            "{name:>8}: {n} covers, mean {wall:.1} ms wall, {cpu} per cover, mean size {} KiB",
            bytes / n / 1024
        );
    }
}
