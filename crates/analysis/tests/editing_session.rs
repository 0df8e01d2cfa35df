//! What an editing session reuses from earlier runs must equal a fresh
//! analysis of the same text: the models of the lowering cache, and the
//! model rules' findings.
//!
//! Each schema of the repository (and of the shared corpus beside it, as in
//! CI) goes through a short editing session: opened, then edited several
//! times. After every edit the session's items, where unchanged models come
//! from the cache (shared, at their new place in the file), and its
//! diagnostics, where unchanged models keep their findings, are compared
//! with those of a new host that analyses the same text from scratch.

mod common;

use std::sync::Arc;

use common::{describe, files_with_extension, repo, test_schemas};
use schemalint_analysis::{AnalysisHost, Config, FileKind};

fn fresh_items(text: &str) -> Arc<schemalint_analysis::items::FileItems> {
    let mut host = AnalysisHost::new();
    let file = host.set_file("schema.prisma", FileKind::Schema, Arc::from(text));
    host.analysis().file_items(file).unwrap()
}

fn diagnostics(host: &AnalysisHost, path: &str) -> Vec<String> {
    let file = host.file(path).unwrap();
    host.analysis()
        .diagnostics(file)
        .unwrap()
        .iter()
        .map(|d| describe(host, d))
        .collect()
}

fn fresh_diagnostics(text: &str, config: &Config) -> Vec<String> {
    let mut host = AnalysisHost::new();
    host.set_config(config.clone());
    host.set_file("schema.prisma", FileKind::Schema, Arc::from(text));
    diagnostics(&host, "schema.prisma")
}

/// `text` with `suffix` appended to the first word after the first match
/// of `after`, or `None` when there is no such word.
fn rename_after(text: &str, after: &str, suffix: &str) -> Option<String> {
    let from = text.find(after)? + after.len();
    let start = from + text[from..].find(|c: char| c.is_ascii_alphabetic())?;
    let end = start
        + text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - start);
    Some(format!("{}{suffix}{}", &text[..end], &text[end..]))
}

/// `text` with the first letter of the first model name after `at`
/// changed, which keeps the text's length.
fn respelled(text: &str, at: usize) -> String {
    let name = at
        + text[at..]
            .find("\nmodel ")
            .expect("a model after the middle")
        + 7;
    let letter = if &text[name..name + 1] == "Q" {
        "R"
    } else {
        "Q"
    };
    format!("{}{letter}{}", &text[..name], &text[name + 1..])
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
    let mut compared = 0;
    for path in &test_schemas() {
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
        // A `\r` typed before a line break in the middle makes a file with
        // `\n` endings one with a `\r\n`, whose fixes then write `\r\n`
        // (and deleting it again, the other way round).
        let last = steps[2].clone();
        let crlf = match last[last.len() / 2..].find('\n') {
            Some(i) if !last.contains("\r\n") => {
                let at = last.len() / 2 + i;
                format!("{}\r{}", &last[..at], &last[at..])
            }
            _ => last.clone(),
        };
        let steps = [
            steps[0].clone(),
            steps[1].clone(),
            last,
            crlf.clone(),
            crlf.replacen("\r\n", "\n", 1),
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

/// The model rules' findings of an editing session, where models the edit
/// did not reach keep theirs, equal a fresh analysis after every step.
/// Besides edits that move models, the steps change what the kept findings
/// depend on: the type of a relation field, the first model's name (so
/// fields typed with it no longer resolve), the first field of a model
/// that others reference, and the datasource; models are added before all
/// others, which moves every model's place; then they go back to the
/// original text, which is checked once more under another configuration.
#[test]
fn kept_findings_equal_a_fresh_analysis() {
    let mut compared = 0;
    for path in &test_schemas() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let at = middle_line(&text);
        let mut steps = vec![
            format!("{}// a note\n{}", &text[..at], &text[at..]),
            format!(" {text}"),
        ];
        // The type of the first relation field no longer resolves.
        steps.extend(text.find("@relation(").and_then(|at| {
            let line = text[..at].rfind('\n')? + 1;
            let name = text[line..].split_whitespace().next()?;
            let retyped = rename_after(&text[line..], name, "Missing")?;
            Some(format!("{}{retyped}", &text[..line]))
        }));
        steps.extend(rename_after(&text, "\nmodel ", "Renamed"));
        steps.extend(text.find("\nmodel ").and_then(|m| {
            let brace = m + text[m..].find('{')?;
            let renamed = rename_after(&text[brace..], "{", "_renamed")?;
            Some(format!("{}{renamed}", &text[..brace]))
        }));
        let mysql = text.replacen("\"postgresql\"", "\"mysql\"", 1).replacen(
            "\"postgres\"",
            "\"mysql\"",
            1,
        );
        if mysql != text {
            steps.push(mysql);
        }
        // Every model moves one place, then twelve (further than the kept
        // findings are looked for around a model's old place), then back.
        let added = |n: usize| -> String {
            let models: String = (0..n)
                .map(|k| format!("model Added{k} {{\n  id Int @id\n}}\n"))
                .collect();
            format!("{models}{text}")
        };
        steps.extend([added(1), added(12), text.clone()]);
        let mut host = AnalysisHost::new();
        host.set_file("schema.prisma", FileKind::Schema, Arc::from(text.as_str()));
        diagnostics(&host, "schema.prisma");
        let config = Config::default();
        for (i, step) in steps.iter().enumerate() {
            host.set_file("schema.prisma", FileKind::Schema, Arc::from(step.as_str()));
            assert_eq!(
                diagnostics(&host, "schema.prisma"),
                fresh_diagnostics(step, &config),
                "{}: step {i} of the session found otherwise than a fresh analysis",
                path.display()
            );
            compared += 1;
        }
        // The same text under another set of audit fields: that voids
        // every kept finding.
        let config = Config {
            audit: schemalint_analysis::config::AuditConfig {
                fields: vec!["createdAt".into(), "modifiedAt".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        host.set_config(config.clone());
        assert_eq!(
            diagnostics(&host, "schema.prisma"),
            fresh_diagnostics(&text, &config),
            "{}: the session found otherwise than a fresh analysis after a config change",
            path.display()
        );
        compared += 1;
    }
    assert!(compared > 100);
}

/// A file large enough to be parsed in chunks and lowered on several
/// threads (every schema of the test set, one after another) must give the
/// items of its pieces lowered one by one, at their offsets in the whole;
/// and an editing session on it must match a fresh lowering, as above.
#[test]
fn a_large_file_lowers_like_its_pieces() {
    let repo = repo();
    let mut files = Vec::new();
    // Only schemas without syntax errors: a broken block at the end of one
    // piece would swallow the start of the next.
    files_with_extension(&repo.join("examples"), "prisma", &mut files);
    files_with_extension(&repo.join("../shared/corpus/apps"), "prisma", &mut files);
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
    let noted = format!("{}// a note\n{}", &whole[..at], &whole[at..]);
    // The pieces the edits leave alone are kept from the run before, at
    // the same place or moved; the second and third steps keep pieces that
    // an earlier step had already moved, and the third moves them back.
    for step in [
        noted.clone(),
        format!("{noted}// the end\n"),
        format!("{whole}// the end\n"),
        // The same length and the same cuts, one letter different.
        respelled(&format!("{whole}// the end\n"), at),
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
