//! Models reused from the lowering cache must equal a fresh lowering.
//!
//! Each schema of the repository (and of the shared corpus beside it, as in
//! CI) goes through a short editing session: opened, then edited three
//! times. After every edit the items of the session, where unchanged models
//! come from the cache (shared, at their new place in the file), are
//! compared with the items of a new host that lowers the same text from
//! scratch.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemalint_analysis::{AnalysisHost, FileKind};

fn schemas(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            schemas(&path, out);
        } else if path.extension().is_some_and(|e| e == "prisma") {
            out.push(path);
        }
    }
}

fn fresh_items(text: &str) -> Arc<schemalint_analysis::items::FileItems> {
    let mut host = AnalysisHost::new();
    let file = host.set_file("schema.prisma", FileKind::Schema, Arc::from(text));
    host.analysis().file_items(file).unwrap()
}

/// A line start near the middle of `text`.
fn middle_line(text: &str) -> usize {
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text[..mid].rfind('\n').map_or(0, |i| i + 1)
}

#[test]
fn cached_models_equal_a_fresh_lowering() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    schemas(&repo.join("examples"), &mut files);
    schemas(&repo.join("tests"), &mut files);
    schemas(&repo.join("crates/analysis/tests/fixtures"), &mut files);
    let corpus = repo.join("../shared/corpus/apps");
    if corpus.is_dir() {
        schemas(&corpus, &mut files);
    } else {
        eprintln!(
            "note: {} not found; checking the repository's schemas only",
            corpus.display()
        );
    }
    assert!(files.len() > 10);
    let mut compared = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let at = middle_line(&text);
        let steps = [
            // A new line in the middle moves every later model.
            format!("{}// a note\n{}", &text[..at], &text[at..]),
            // A character at the very start moves every model.
            format!(" {}", text.replacen("// a note\n", "", 1)),
            // A line in the middle deleted, and a field typed into the
            // first model.
            {
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                let cut = format!("{}{}", &text[..at], &text[end..]);
                match cut
                    .find("model ")
                    .and_then(|m| cut[m..].find('{').map(|b| m + b + 1))
                {
                    Some(brace) => format!("{}\n  typed String?{}", &cut[..brace], &cut[brace..]),
                    None => cut,
                }
            },
        ];
        let mut host = AnalysisHost::new();
        let file = host.set_file("schema.prisma", FileKind::Schema, Arc::from(text.as_str()));
        host.analysis().file_items(file).unwrap();
        for (i, step) in steps.iter().enumerate() {
            host.set_file("schema.prisma", FileKind::Schema, Arc::from(step.as_str()));
            let session = host.analysis().file_items(file).unwrap();
            assert_eq!(
                *session,
                *fresh_items(step),
                "{}: edit {i} lowered differently from scratch",
                path.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 30);
}

/// A file large enough to be parsed in chunks and lowered on several
/// threads (every schema of the test set, one after another) must give the
/// items of its pieces lowered one by one, at their offsets in the whole;
/// and an editing session on it must match a fresh lowering, as above.
#[test]
fn a_large_file_lowers_like_its_pieces() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    // Only schemas without syntax errors: a broken block at the end of one
    // piece would swallow the start of the next.
    schemas(&repo.join("examples"), &mut files);
    schemas(&repo.join("../shared/corpus/apps"), &mut files);
    let mut whole = String::new();
    let mut expected = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let items = fresh_items(&text);
        for m in &items.models {
            let fields: Vec<_> = m
                .fields
                .iter()
                .map(|f| (f.name.name.clone(), m.abs(f.range).start + whole.len()))
                .collect();
            expected.push((m.name.name.clone(), m.range().start + whole.len(), fields));
        }
        whole.push_str(&text);
        whole.push('\n');
    }
    // The examples and fixtures alone are small; with the corpus beside
    // the repository (as in CI) this is over 600 KB.
    while whole.len() < 300 * 1024 {
        let copy = whole.clone();
        let base = whole.len();
        let again: Vec<_> = expected
            .iter()
            .map(|(n, s, f): &(String, usize, Vec<(String, usize)>)| {
                let f = f.iter().map(|(n, s)| (n.clone(), s + base)).collect();
                (n.clone(), s + base, f)
            })
            .collect();
        expected.extend(again);
        whole.push_str(&copy);
    }
    let items = fresh_items(&whole);
    let actual: Vec<_> = items
        .models
        .iter()
        .map(|m| {
            let fields: Vec<_> = m
                .fields
                .iter()
                .map(|f| (f.name.name.clone(), m.abs(f.range).start))
                .collect();
            (m.name.name.clone(), m.range().start, fields)
        })
        .collect();
    assert_eq!(actual.len(), expected.len());
    assert!(
        actual == expected,
        "the large file lowered differently from its pieces"
    );

    let mut host = AnalysisHost::new();
    let file = host.set_file("schema.prisma", FileKind::Schema, Arc::from(whole.as_str()));
    host.analysis().file_items(file).unwrap();
    let at = middle_line(&whole);
    for step in [
        format!("{}// a note\n{}", &whole[..at], &whole[at..]),
        format!(" {}", &whole[..whole.len() - 1]),
    ] {
        host.set_file("schema.prisma", FileKind::Schema, Arc::from(step.as_str()));
        let session = host.analysis().file_items(file).unwrap();
        assert!(
            *session == *fresh_items(&step),
            "an edit of the large file lowered differently from scratch"
        );
    }
}
