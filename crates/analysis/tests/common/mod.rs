//! What several integration tests of this crate share: the test inputs on
//! disk and a plain-text form of diagnostics.
//!
//! Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use schemalint_analysis::{AnalysisHost, Diagnostic, Edit};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` whose extension is `ext`, at any depth, without
/// following symbolic links to folders.
pub fn files_with_extension(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            files_with_extension(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Every schema of the repository, and of the shared corpus beside it
/// when it is there (as in CI).
pub fn test_schemas() -> Vec<PathBuf> {
    let repo = repo();
    let mut files = Vec::new();
    files_with_extension(&repo.join("examples"), "prisma", &mut files);
    files_with_extension(&repo.join("tests"), "prisma", &mut files);
    files_with_extension(
        &repo.join("crates/analysis/tests/fixtures"),
        "prisma",
        &mut files,
    );
    let corpus = repo.join("../shared/corpus/apps");
    if corpus.is_dir() {
        files_with_extension(&corpus, "prisma", &mut files);
    } else {
        eprintln!(
            "note: {} not found; checking the repository's schemas only",
            corpus.display()
        );
    }
    assert!(files.len() > 10);
    files
}

/// A diagnostic as plain text, with paths for the file handles, which
/// belong to one host, so that two hosts' diagnostics compare.
pub fn describe(host: &AnalysisHost, d: &Diagnostic) -> String {
    let analysis = host.analysis();
    let path = |f| analysis.path(f).to_string();
    let related: Vec<_> = d
        .related
        .iter()
        .map(|r| (path(r.file), r.range, &r.message))
        .collect();
    let fix = d.fix.as_ref().map(|f| {
        let edits: Vec<String> = f
            .edits
            .iter()
            .map(|e| match e {
                Edit::Replace {
                    file,
                    range,
                    content,
                } => format!("{} {range:?} {content:?}", path(*file)),
                Edit::Create { path, content } => format!("{path} {content:?}"),
            })
            .collect();
        (&f.title, f.applicability, edits)
    });
    format!(
        "{} {} {:?} {:?} {:?} {related:?} {fix:?} {:?}",
        path(d.file),
        d.rule.code,
        d.severity,
        d.range,
        d.message,
        d.tags
    )
}
