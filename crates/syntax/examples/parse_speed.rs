//! Measures parse throughput over every `.prisma` file under a folder.
//!
//! cargo run --release -p schemalint-syntax --example parse_speed -- ../shared/corpus/apps

use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "prisma") {
            out.push(path);
        }
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/apps".into());
    let mut paths = Vec::new();
    collect(Path::new(&root), &mut paths);
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    if bytes == 0 {
        eprintln!("no .prisma files under {root}");
        std::process::exit(2);
    }

    // Warm up, then time enough rounds to read about 200 MB.
    let mut errors = 0;
    for t in &texts {
        errors += schemalint_syntax::parse(t.as_str()).errors().len();
    }
    let rounds = (200_000_000 / bytes).max(5);
    let mut samples = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..rounds / 5 {
            for t in &texts {
                std::hint::black_box(schemalint_syntax::parse(t.as_str()));
            }
        }
        samples.push(start.elapsed().as_secs_f64() / (rounds / 5) as f64);
    }
    samples.sort_by(f64::total_cmp);
    let median = samples[2];
    println!(
        "{} files, {:.1} KB, {} syntax errors; parse + error scan: median {:.2} ms per pass, {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1024.0,
        errors,
        median * 1e3,
        bytes as f64 / median / 1e6
    );
}
