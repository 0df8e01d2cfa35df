//! End-to-end tests: the `schemalint` binary run as a process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schemalint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemalint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn hand_written_schemas_are_clean() {
    let dir = repo().join("tests/schemas");
    for file in [
        "kitchen-sink.prisma",
        "mongodb.prisma",
        "mysql-prisma-mode.prisma",
    ] {
        let o = schemalint(&dir, &["check", "--select", "SL0", file]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{file}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(stdout(&o).contains("All checks passed"), "{}", stdout(&o));
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let o = schemalint(
        &fixtures().join("syntax-error"),
        &["check", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let actual: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let expected = serde_json::json!({
        "version": 1,
        "diagnostics": [
            {
                "code": "SL001", "rule": "syntax-error", "severity": "error",
                "message": "expected a field type after `status`",
                "file": "schema.prisma",
                "start": {"line": 3, "column": 3}, "end": {"line": 3, "column": 9},
                "fix": null, "related": []
            },
            {
                "code": "SL001", "rule": "syntax-error", "severity": "error",
                "message": "unexpected `?`: a field cannot be both a list and optional; use either `[]` or `?`",
                "file": "schema.prisma",
                "start": {"line": 5, "column": 15}, "end": {"line": 5, "column": 16},
                "fix": null, "related": []
            }
        ],
        "summary": {"files": 1, "errors": 2, "warnings": 0, "infos": 0}
    });
    assert_eq!(actual, expected);
}

#[test]
fn json_file_paths_are_as_given() {
    let o = schemalint(&fixtures(), &["check", "--format", "json", "syntax-error"]);
    let actual: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        actual["diagnostics"][0]["file"],
        "syntax-error/schema.prisma"
    );
}

#[test]
fn human_output_is_plain_when_piped() {
    let o = schemalint(&fixtures().join("syntax-error"), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        !out.contains('\u{1b}'),
        "no colour codes when piped: {out:?}"
    );
    assert!(
        out.contains("error[SL001 syntax-error]: expected a field type after `status`"),
        "{out}"
    );
    assert!(out.contains("┌─ schema.prisma:3:3"), "{out}");
    assert!(out.contains("3 │   status\n  │   ^^^^^^"), "{out}");
    assert!(
        out.contains("Found 2 findings in 1 files: 2 errors, 0 warnings, 0 infos."),
        "{out}"
    );
}

#[test]
fn select_and_ignore() {
    let dir = fixtures().join("syntax-error");
    let o = schemalint(&dir, &["check", "--ignore", "SL001"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = schemalint(&dir, &["check", "--select", "syntax-error"]);
    assert_eq!(o.status.code(), Some(1));
    let o = schemalint(&dir, &["check", "--select", "SL001,SL9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`SL9` matches no rule"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_path_exits_2() {
    let o = schemalint(&fixtures(), &["check", "does-not-exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read `does-not-exist`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn nothing_found_says_what_was_searched() {
    let o = schemalint(&fixtures().join("empty"), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("no Prisma schema found"), "{err}");
    for place in [
        "schemalint.toml",
        "prisma/schema.prisma",
        "prisma/schema/*.prisma",
        "src/*/schema.prisma",
    ] {
        assert!(err.contains(place), "{err}");
    }
}

#[test]
fn bad_config_names_key_file_and_line() {
    let o = schemalint(&fixtures().join("bad-config"), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("schemalint.toml") && err.contains("line 3") && err.contains("ignroe"),
        "{err}"
    );
}

#[test]
fn non_utf8_file_is_reported_and_the_others_still_checked() {
    let o = schemalint(
        &fixtures().join("non-utf8"),
        &[
            "check", "--format", "json", "a.prisma", "b.prisma", "c.prisma",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "cannot read `b.prisma`: not valid UTF-8 (invalid byte 0xe9 at line 3, column 21)"
        ),
        "{}",
        stderr(&o)
    );
    let actual: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(actual["diagnostics"][0]["file"], "c.prisma");
    assert_eq!(
        actual["diagnostics"][0]["message"],
        "expected a field type after `broken`"
    );
}

#[test]
fn version_help_and_bad_arguments() {
    let o = schemalint(&fixtures(), &["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("schemalint "));
    let o = schemalint(&fixtures(), &["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--format"));
    let o = schemalint(&fixtures(), &["check", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_and_rules() {
    let o = schemalint(&fixtures(), &["explain", "SL001"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("## Why is this bad?"));
    let o = schemalint(&fixtures(), &["explain", "SL999"]);
    assert_eq!(o.status.code(), Some(2));
    let o = schemalint(&fixtures(), &["rules"]);
    assert!(stdout(&o).contains("SL001   syntax-error"));
}

/// A schema large enough to be parsed in chunks on several threads: every
/// finding keeps its own line, across the cuts, including a syntax error in
/// the middle of the file.
#[test]
fn a_large_schema_is_checked_across_its_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("datasource db {\n  provider = \"postgresql\"\n}\n");
    let (mut relation_lines, mut broken_line) = (Vec::new(), 0);
    let pairs = 1_000;
    for i in 0..pairs {
        text += &format!("\nmodel Parent{i} {{\n  id   Int @id\n  kids Child{i}[]\n}}\n\n");
        text += &format!("model Child{i} {{\n  id       Int @id\n  parentId Int\n");
        relation_lines.push(text.lines().count() + 1);
        text += &format!("  parent   Parent{i} @relation(fields: [parentId], references: [id])\n");
        if i == pairs / 2 {
            broken_line = text.lines().count() + 1;
            text += "  status\n";
        }
        text += "}\n";
    }
    assert!(text.len() > 150 * 1024, "{} bytes", text.len());
    std::fs::write(dir.path().join("schema.prisma"), &text).unwrap();
    let o = schemalint(dir.path(), &["check", "--format", "json", "schema.prisma"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let lines = |code: &str| -> Vec<usize> {
        out["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["start"]["line"].as_u64().unwrap() as usize)
            .collect()
    };
    assert_eq!(lines("SL101"), relation_lines);
    assert_eq!(lines("SL001"), vec![broken_line]);
}
