//! `reparse` must give exactly the tree and errors of a fresh `parse`.
//!
//! Every schema of the repository (and of the shared corpus, when it sits
//! beside the repository as in CI) is edited in several ways: a character
//! typed, a line deleted, a half-typed field, a broken brace, the whole text
//! replaced. After each edit the incremental result is compared with a
//! fresh parse.

use std::path::{Path, PathBuf};

use schemalint_syntax::{parse, reparse, Parse};

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

fn same(a: &Parse, b: &Parse) -> bool {
    a.tree().root_node().to_sexp() == b.tree().root_node().to_sexp() && a.errors() == b.errors()
}

/// Edits of `text`: (description, new text).
fn edits(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    out.push((
        "type a letter mid-file".into(),
        format!("{}x{}", &text[..mid], &text[mid..]),
    ));
    out.push(("type an emoji at the start".into(), format!("🦀{text}")));
    out.push((
        "append a half-typed model".into(),
        format!("{text}\nmodel Half {{\n  status\n"),
    ));
    if let Some(brace) = text.find('{') {
        let mut t = text.to_string();
        t.remove(brace);
        out.push(("delete the first `{`".into(), t));
    }
    if let Some(nl) = text[mid..].find('\n') {
        let start = mid + nl + 1;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |e| start + e + 1);
        out.push((
            "delete a line".into(),
            format!("{}{}", &text[..start], &text[end..]),
        ));
    }
    out.push((
        "replace everything".into(),
        "model A {\n  id Int @id\n}\n".into(),
    ));
    out.push(("empty the file".into(), String::new()));
    out
}

#[test]
fn reparse_matches_a_fresh_parse() {
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
    assert!(files.len() > 10, "found only {} schemas", files.len());
    let mut checked = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let old = parse(text.as_str());
        for (what, new_text) in edits(&text) {
            let incremental = reparse(new_text.as_str(), &old);
            let fresh = parse(new_text.as_str());
            assert!(
                same(&incremental, &fresh),
                "{}: `{what}` reparsed differently from a fresh parse",
                path.display()
            );
            // A second step from the incremental result, as in an editor.
            let back = reparse(text.as_str(), &incremental);
            assert!(
                same(&back, &old),
                "{}: undoing `{what}` reparsed differently",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50);
}
