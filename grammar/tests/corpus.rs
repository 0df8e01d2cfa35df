//! Runs the tree-sitter corpus tests in `test/corpus/*.txt` with cargo, so
//! CI checks them without the tree-sitter CLI. The expected S-expressions
//! carry field names; comparison ignores whitespace, as `tree-sitter test`
//! does.

use std::path::Path;

struct Case {
    file: String,
    name: String,
    input: String,
    expected: String,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if !is_rule(lines[i], '=') {
                i += 1;
                continue;
            }
            let name = lines[i + 1].trim().to_string();
            i += 3;
            let start = i;
            while !is_rule(lines[i], '-') {
                i += 1;
            }
            let input = lines[start..i].join("\n");
            i += 1;
            let start = i;
            while i < lines.len() && !is_rule(lines[i], '=') {
                i += 1;
            }
            let expected = lines[start..i].join("\n");
            out.push(Case {
                file: path.file_name().unwrap().to_string_lossy().into_owned(),
                name,
                input: input.trim_matches('\n').to_string() + "\n",
                expected,
            });
        }
    }
    out
}

fn is_rule(line: &str, c: char) -> bool {
    line.len() >= 3 && line.chars().all(|x| x == c)
}

fn normalize(sexp: &str) -> String {
    sexp.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" )", ")")
}

#[test]
fn corpus() {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_prisma::LANGUAGE.into())
        .unwrap();
    let cases = cases();
    assert!(cases.len() >= 20, "found only {} corpus cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let tree = parser.parse(&case.input, None).unwrap();
        let actual = normalize(&tree.root_node().to_sexp());
        if actual != normalize(&case.expected) {
            failures.push(format!(
                "{} / {}\n  expected: {}\n  actual:   {}",
                case.file,
                case.name,
                normalize(&case.expected),
                actual
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
