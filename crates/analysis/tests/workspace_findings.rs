//! The workspace rules' findings that an editing session moves instead of
//! computing again (see `workspace_findings`) must equal a fresh analysis
//! of the same texts, after every one of many random edits: of the example
//! workspace, whose three module schemas point into each other, and of
//! every schema of the repository and of the shared corpus.

mod common;

use std::sync::Arc;

use common::{describe, repo, test_schemas};
use schemalint_analysis::{AnalysisHost, FileKind};

/// A small deterministic generator (xorshift), so a failure repeats.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// One random edit, at character boundaries: text typed anywhere (some of
/// it whitespace or a comment, which moves what follows; some of it
/// syntax, which changes what the rules see), a short span deleted,
/// another letter in a name, a model documented as an audit model, or a
/// comment typed at the end of a line.
fn edit(rng: &mut Rng, text: &str) -> String {
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let at = boundaries[rng.below(boundaries.len())];
    let mut out = text.to_string();
    match rng.below(6) {
        0 => {
            const TYPED: [&str; 12] = [
                "x", " ", "\n", "/", "// note", "@", "?", "}", "é", "\r\n", "Cascade", "\t",
            ];
            out.insert_str(at, TYPED[rng.below(TYPED.len())]);
        }
        1 => {
            let len = 1 + rng.below(8);
            let end = boundaries
                .iter()
                .copied()
                .find(|&b| b >= at + len)
                .unwrap_or(text.len());
            out.replace_range(at..end, "");
        }
        2 => {
            let letters: Vec<usize> = text
                .bytes()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_lowercase())
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = letters.get(rng.below(letters.len())) {
                let letter = (b'a' + rng.below(26) as u8) as char;
                out.replace_range(i..i + 1, letter.encode_utf8(&mut [0; 4]));
            }
        }
        3 => {
            // A model becomes an audit model, which the cascade rules read
            // from its documentation.
            let models: Vec<usize> = text.match_indices("\nmodel ").map(|(i, _)| i + 1).collect();
            if let Some(&m) = models.get(rng.below(models.len())) {
                out.insert_str(m, "/// @audit\n");
            }
        }
        4 => {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            out.insert_str(line_end, " // typed");
        }
        _ => {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            out.insert(line_start, '\n');
        }
    }
    out
}

fn all_diagnostics(host: &AnalysisHost) -> Vec<String> {
    let analysis = host.analysis();
    let mut out = Vec::new();
    for &file in analysis.files() {
        for d in analysis.diagnostics(file).unwrap().iter() {
            out.push(describe(host, d));
        }
    }
    out
}

fn fresh(files: &[(String, String)]) -> Vec<String> {
    let mut host = AnalysisHost::new();
    for (path, text) in files {
        host.set_file(path, FileKind::Schema, Arc::from(text.as_str()));
    }
    all_diagnostics(&host)
}

/// Edits `files` `edits` times at random, comparing the session with a
/// fresh analysis after each edit.
fn session(name: &str, mut files: Vec<(String, String)>, edits: usize, seed: u64) {
    let mut host = AnalysisHost::new();
    for (path, text) in &files {
        host.set_file(path, FileKind::Schema, Arc::from(text.as_str()));
    }
    all_diagnostics(&host);
    let mut rng = Rng(seed);
    for step in 0..edits {
        let k = rng.below(files.len());
        let text = edit(&mut rng, &files[k].1);
        files[k].1 = text;
        host.set_file(
            &files[k].0,
            FileKind::Schema,
            Arc::from(files[k].1.as_str()),
        );
        let session = all_diagnostics(&host);
        let expected = fresh(&files);
        if session != expected {
            let first = session
                .iter()
                .zip(&expected)
                .position(|(a, b)| a != b)
                .unwrap_or(session.len().min(expected.len()));
            panic!(
                "{name}: edit {step} of {} found otherwise than a fresh analysis\n\
                 session ({} findings): {:?}\nfresh ({} findings):   {:?}",
                files[k].0,
                session.len(),
                session.get(first),
                expected.len(),
                expected.get(first),
            );
        }
    }
}

#[test]
fn moved_findings_equal_a_fresh_analysis_across_modules() {
    let root = repo().join("examples/lab-platform");
    let files: Vec<(String, String)> = ["src/core", "src/lims", "src/qms"]
        .iter()
        .map(|dir| {
            let path = format!("{dir}/schema.prisma");
            let text = std::fs::read_to_string(root.join(&path)).unwrap();
            (path, text)
        })
        .collect();
    for seed in [3, 5, 9] {
        session("lab-platform", files.clone(), 120, seed);
    }
}

#[test]
fn moved_findings_equal_a_fresh_analysis_on_every_schema() {
    let mut sessions = 0;
    for path in &test_schemas() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // The largest schemas make the slowest fresh analyses; their
        // shapes are covered by the benchmark's A/B comparisons.
        if text.len() > 100_000 {
            continue;
        }
        let name = path.display().to_string();
        session(&name, vec![("schema.prisma".into(), text)], 12, 7);
        sessions += 1;
    }
    assert!(sessions > 10, "{sessions}");
}
