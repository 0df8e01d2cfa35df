//! `reparse` must give exactly the tree and errors of a fresh `parse`.
//!
//! Every schema of the repository (and of the shared corpus, when it sits
//! beside the repository as in CI) is edited in several ways: a character
//! typed, a line deleted, a half-typed field, a broken brace, the whole text
//! replaced. After each edit the incremental result is compared with a
//! fresh parse. Lowering's one-walk reading of doc comments is checked
//! against `docs()` on the same schemas.
//!
//! The same edits run again with files cut into small chunks (as large
//! files are), and chunked parses must read like one tree.

use std::path::{Path, PathBuf};

use schemalint_syntax::ast::Declaration;
use schemalint_syntax::{parse, parse_in_chunks, reparse, reparse_in_chunks, Parse, TextChange};

/// Small enough to cut most corpus schemas into several chunks.
const SMALL_CHUNKS: usize = 1024;

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

/// Every node below the roots, in order, with its kind, bytes and rows:
/// what a caller of the typed API can observe of the trees.
fn nodes(p: &Parse) -> Vec<String> {
    let mut out = Vec::new();
    for tree in p.trees() {
        let root = tree.root_node();
        let mut cursor = root.walk();
        let mut stack: Vec<_> = root.children(&mut cursor).collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            out.push(format!(
                "{}{}{} {:?} {:?}-{:?}",
                n.kind(),
                if n.is_missing() { " MISSING" } else { "" },
                if n.is_error() { " ERROR" } else { "" },
                n.byte_range(),
                n.start_position(),
                n.end_position()
            ));
            let mut kids: Vec<_> = n.children(&mut cursor).collect();
            kids.reverse();
            stack.extend(kids);
        }
    }
    out
}

fn same(a: &Parse, b: &Parse) -> bool {
    a.errors() == b.errors() && nodes(a) == nodes(b)
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

fn all_schemas() -> Vec<PathBuf> {
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
    files
}

/// Runs every edit of every schema through `parse_fn` and `reparse_fn`.
fn check_edits(parse_fn: impl Fn(&str) -> Parse, reparse_fn: impl Fn(&str, &Parse) -> Parse) {
    let mut checked = 0;
    for path in &all_schemas() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let old = parse_fn(&text);
        for (what, new_text) in edits(&text) {
            let incremental = reparse_fn(&new_text, &old);
            let fresh = parse_fn(&new_text);
            assert!(
                same(&incremental, &fresh),
                "{}: `{what}` reparsed differently from a fresh parse",
                path.display()
            );
            // The reparse knows the change from the text it started from,
            // and from that text alone.
            assert_eq!(
                incremental.change_from(old.text()),
                Some(TextChange::between(old.text(), &new_text)),
                "{}: `{what}`",
                path.display()
            );
            let copy: std::sync::Arc<str> = old.text().as_ref().into();
            assert_eq!(incremental.change_from(&copy), None);
            assert_eq!(fresh.change_from(old.text()), None);
            // A second step from the incremental result, as in an editor.
            let back = reparse_fn(&text, &incremental);
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

#[test]
fn reparse_matches_a_fresh_parse() {
    check_edits(|t| parse(t), |t, old| reparse(t, old));
}

#[test]
fn chunked_reparse_matches_a_fresh_chunked_parse() {
    check_edits(
        |t| parse_in_chunks(t, SMALL_CHUNKS),
        |t, old| reparse_in_chunks(t, old, SMALL_CHUNKS),
    );
}

/// Typing through a file character by character keeps reusing chunks
/// (before, after and around each edit) and must never drift from a fresh
/// parse, including while a brace is unbalanced.
#[test]
fn chunked_reparse_follows_typing() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(repo.join("examples/lab-platform/src/core/schema.prisma"))
        .or_else(|_| std::fs::read_to_string(&all_schemas()[0]))
        .unwrap();
    let insert = "model Typed {\n  id Int @id\n  note String? // }\n}\n";
    let at = text.len() / 2;
    let at = text[at..].find("\n}\n").map_or(text.len(), |i| at + i + 3);
    let mut current = parse_in_chunks(text.as_str(), 256);
    for n in 1..=insert.len() {
        let edited = format!("{}{}{}", &text[..at], &insert[..n], &text[at..]);
        current = reparse_in_chunks(edited.as_str(), &current, 256);
        let fresh = parse_in_chunks(edited.as_str(), 256);
        assert!(same(&current, &fresh), "after typing {:?}", &insert[..n]);
    }
}

/// A file cut into chunks reads exactly like the same file parsed whole:
/// the same nodes at the same places, and the same errors. Only valid
/// schemas are compared, because error recovery may differ at a cut.
#[test]
fn chunks_read_like_one_tree() {
    let mut cut = 0;
    for path in &all_schemas() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let whole = parse(text.as_str());
        if !whole.errors().is_empty() {
            continue;
        }
        let chunked = parse_in_chunks(text.as_str(), SMALL_CHUNKS);
        assert_eq!(whole.errors(), chunked.errors(), "{}", path.display());
        assert_eq!(nodes(&whole), nodes(&chunked), "{}", path.display());
        if chunked.trees().count() > 1 {
            cut += 1;
        }
    }
    assert!(cut > 10, "only {cut} schemas were cut into chunks");
}

/// Lowering reads doc comments through `documented_declarations` (one walk
/// forward); on every schema it must find what `docs()` finds walking back.
#[test]
fn documented_declarations_agree_with_docs_on_every_schema() {
    for path in &all_schemas() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let parse = parse(text.as_str());
        let file = parse.source_file();
        for (documented, decl) in file.documented_declarations().zip(file.declarations()) {
            let docs = match decl {
                Declaration::Model(m) => m.docs(),
                Declaration::Enum(e) => e.docs(),
                Declaration::Config(_) => continue,
            };
            assert_eq!(documented.decl.range(), decl.range(), "{}", path.display());
            assert_eq!(documented.docs(), docs, "{}", path.display());
        }
    }
}

/// A session of random keystrokes and deletions, each parsed from the
/// previous result, ends every step with the tree and errors of a fresh
/// parse. The keys are mostly the ones that break and mend structure
/// (braces, quotes, `@`, line breaks), so the session spends its time in
/// broken code, where incremental error collection reuses the errors of
/// blocks the edit did not reach. A fixed seed keeps it reproducible.
#[test]
fn random_typing_reparses_like_a_fresh_parse() {
    const KEYS: &[&str] = &[
        "{", "}", "(", ")", "[", "]", "\"", "@", "@@", "?", "\n", " ", "=", "x", "Int", "/", "//",
        "é",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let mut steps = 0;
    for path in all_schemas().iter().take(12) {
        let Ok(start) = std::fs::read_to_string(path) else {
            continue;
        };
        for chunk_bytes in [1 << 30, SMALL_CHUNKS] {
            let mut text = start.clone();
            let mut current = parse_in_chunks(text.as_str(), chunk_bytes);
            for _ in 0..40 {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if next(3) == 0 && at < text.len() {
                    let mut end = at + 1;
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                } else {
                    text.insert_str(at, KEYS[next(KEYS.len())]);
                }
                current = reparse_in_chunks(text.as_str(), &current, chunk_bytes);
                let fresh = parse_in_chunks(text.as_str(), chunk_bytes);
                assert!(
                    same(&current, &fresh),
                    "{}: step {steps} reparsed differently (chunks of {chunk_bytes} bytes)",
                    path.display()
                );
                steps += 1;
            }
        }
    }
    assert!(steps > 500);
}

/// An edit that changes text but no structure (a letter replaced by
/// another) must still refresh the messages that quote that text.
#[test]
fn replacing_a_letter_refreshes_the_message_that_quotes_it() {
    let before = "model A {\n  id Int @id\n  status\n}\n\nmodel B {\n  id Int @id\n}\n";
    let after = before.replace("status", "statuz");
    for chunk_bytes in [1 << 30, 16] {
        let old = parse_in_chunks(before, chunk_bytes);
        let new = reparse_in_chunks(after.as_str(), &old, chunk_bytes);
        let messages: Vec<&str> = new.errors().iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["expected a field type after `statuz`"]);
        assert!(same(&new, &parse_in_chunks(after.as_str(), chunk_bytes)));
    }
}
