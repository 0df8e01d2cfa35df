//! The text readers of fields (`ast::Field::shape`) and of model bodies
//! (`ast::ModelDecl::shape`) agree with the tree.
//!
//! Every error-free field and model of every schema of the repository and
//! of the shared corpus, of a fixture of unusual spellings, and of those
//! schemas after thousands of random one-character edits, must read the
//! same from its text as from the tree, wherever the text reader does not
//! give up.

use std::path::{Path, PathBuf};

use schemalint_syntax::ast::{self, Field};
use schemalint_syntax::shape::{self as ast_shape, ModelShape};
use schemalint_syntax::{parse, Parse};

fn schemas(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            schemas(&path, out);
        } else if path.extension().is_some_and(|e| e == "prisma") {
            out.push(path);
        }
    }
}

fn texts() -> Vec<(PathBuf, String)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "tests",
        "crates/analysis/tests/fixtures",
        "crates/syntax/tests",
    ] {
        schemas(&repo.join(dir), &mut files);
    }
    schemas(&repo.join("../shared/corpus/apps"), &mut files);
    files
        .into_iter()
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

fn fields<'a>(parse: &'a Parse) -> Vec<Field<'a>> {
    parse
        .source_file()
        .models()
        .flat_map(|m| m.fields().collect::<Vec<_>>())
        .collect()
}

/// Compares both readings of every error-free field; returns how many the
/// text reader read and how many it gave up on.
fn compare(parse: &Parse, what: &str) -> (usize, usize) {
    let (mut read, mut gave_up) = (0, 0);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for field in fields(parse) {
        if field.syntax().has_error() {
            continue;
        }
        let Some(text) = field.shape_from_text(&mut a) else {
            gave_up += 1;
            continue;
        };
        read += 1;
        let (text_name, text_type, text_pieces) =
            (text.name, text.type_ref, text.pieces().to_vec());
        let tree = field.shape_from_tree(&mut b);
        let tree = tree.map(|t| (t.name, t.type_ref, t.pieces().to_vec()));
        assert_eq!(
            Some((text_name, text_type, text_pieces)),
            tree,
            "{what}: the text and the tree read {:?} differently",
            field.text()
        );
    }
    (read, gave_up)
}

/// Compares both readings of every error-free model body, and checks that
/// `shape`, which picks one, gives the tree's reading on every model;
/// returns how many models the text reader read and how many it gave up on.
fn compare_models(parse: &Parse, what: &str) -> (usize, usize) {
    let (mut read, mut gave_up) = (0, 0);
    let (mut text, mut tree, mut chosen) = (
        ModelShape::default(),
        ModelShape::default(),
        ModelShape::default(),
    );
    for model in parse.source_file().models() {
        model.shape_from_tree(&mut tree);
        model.shape(&mut chosen);
        let name = model.name().map(|n| n.as_str().to_string());
        assert_eq!(chosen, tree, "{what}: `shape` misread model {name:?}");
        if model.syntax().has_error() {
            continue;
        }
        if !model.shape_from_text(&mut text) {
            gave_up += 1;
            continue;
        }
        read += 1;
        assert_eq!(
            text, tree,
            "{what}: the text and the tree read model {name:?} differently"
        );
    }
    (read, gave_up)
}

/// `compare` over every schema of `texts`, its counts added up.
fn over_every_schema(compare: impl Fn(&Parse, &str) -> (usize, usize)) -> (usize, usize) {
    let (mut read, mut gave_up) = (0, 0);
    for (path, text) in texts() {
        let (r, g) = compare(&parse(text.as_str()), &path.display().to_string());
        read += r;
        gave_up += g;
    }
    (read, gave_up)
}

#[test]
fn text_and_tree_agree_on_every_field() {
    let (read, gave_up) = over_every_schema(compare);
    assert!(read > 1_000, "only {read} fields read");
    // The corpus is plain ASCII Prisma: the text reader reads all of it.
    assert_eq!(gave_up, 0, "the text reader gave up on {gave_up} fields");
}

#[test]
fn text_and_tree_agree_on_every_model() {
    let (read, gave_up) = over_every_schema(compare_models);
    assert!(read > 500, "only {read} models read");
    assert_eq!(gave_up, 0, "the text reader gave up on {gave_up} models");
}

/// The fixture's spellings, in a model body: members on the brace's line,
/// comments after members, blank lines, CRLF, block attributes with
/// arguments over several lines and a body closed on a member's line.
#[test]
fn model_bodies_read_as_expected() {
    let text = "model A { id Int @id\n  // note\n\n  b String? // trailing\r\n  @@index([b,\n    id], map: \"x\") // why\n  @@map(\"a\")\n  c Int }\n";
    let parse = parse(text);
    assert!(parse.errors().is_empty(), "{:?}", parse.errors());
    assert_eq!(compare_models(&parse, "inline"), (1, 0));
    let model = parse.source_file().models().next().unwrap();
    let mut shape = ModelShape::default();
    model.shape(&mut shape);
    let members: Vec<String> = shape
        .members()
        .map(|m| match m {
            ast_shape::MemberShape::Field(range, Some(f)) => {
                format!("field {} {:?}", f.name.text, &text[range.start..range.end])
            }
            ast_shape::MemberShape::Field(range, None) => {
                format!("nameless {:?}", &text[range.start..range.end])
            }
            ast_shape::MemberShape::Attribute(a) => {
                format!(
                    "@@{} {:?}",
                    a.name.unwrap(),
                    &text[a.range.start..a.range.end]
                )
            }
        })
        .collect();
    assert_eq!(
        members,
        [
            "field id \"id Int @id\"",
            "field b \"b String? // trailing\"",
            "@@index \"@@index([b,\\n    id], map: \\\"x\\\") // why\"",
            "@@map \"@@map(\\\"a\\\")\"",
            "field c \"c Int\"",
        ]
    );
}

#[test]
fn the_fixture_reads_as_expected() {
    let text = include_str!("fixtures/field_shapes.prisma");
    let parse = parse(text);
    // The one error is the field `t` without a type, which the tree holds
    // without an error node.
    assert_eq!(parse.errors().len(), 1, "{:?}", parse.errors());
    assert_eq!(compare(&parse, "fixture"), (29, 0));
    let fields = fields(&parse);
    let mut pieces = Vec::new();
    let n = fields
        .iter()
        .find(|f| f.name().is_some_and(|n| n.as_str() == "n"))
        .unwrap();
    let shape = n.shape(&mut pieces).unwrap();
    let relation = shape.attributes().next().unwrap();
    assert_eq!(relation.name, Some("relation"));
    let args: Vec<_> = relation.args().collect();
    assert_eq!(args.len(), 5);
    assert_eq!(args[0].name, None);
    assert_eq!(
        args[0].value.unwrap().as_string().as_deref(),
        Some("shape_n")
    );
    let refs: Vec<&str> = args[1]
        .value
        .unwrap()
        .field_refs()
        .unwrap()
        .map(|w| w.text)
        .collect();
    assert_eq!(refs, ["nId", "oId"]);
    assert_eq!(args[3].value.unwrap().as_ident().unwrap().text, "Cascade");
    let q = fields
        .iter()
        .find(|f| f.name().is_some_and(|n| n.as_str() == "r"))
        .unwrap();
    let shape = q.shape(&mut pieces).unwrap();
    let default = shape.attributes().next().unwrap();
    // `name:` is not `value:`, and there is no positional argument.
    assert!(default.arg_or_first("value").is_none());
}

/// A field with an error is read from the tree, as far as it goes.
#[test]
fn broken_fields_are_read_from_the_tree() {
    let text = "model A {\n  id Int @id @default(\n  b String @map(\"x\"\n  c Int?[]\n}\n";
    let parse = parse(text);
    let mut pieces = Vec::new();
    for field in fields(&parse) {
        let shape = field
            .shape(&mut pieces)
            .map(|s| (s.name, s.type_ref, s.pieces().to_vec()));
        let mut again = Vec::new();
        let tree = field
            .shape_from_tree(&mut again)
            .map(|s| (s.name, s.type_ref, s.pieces().to_vec()));
        assert_eq!(shape, tree);
    }
}

/// Random one-character edits make spellings no schema has; wherever the
/// text reader accepts the result, the tree must read it the same way.
#[test]
fn text_and_tree_agree_under_random_edits() {
    const ALPHABET: &[u8] = b" \t\n\"\\()[]{},:@?-.1e+aZ_/";
    let mut seed: u64 = 0x5eed_f1e1d;
    let mut next = move |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    };
    let (mut read, mut models) = (0, 0);
    for (path, text) in texts().into_iter().take(12) {
        for _ in 0..150 {
            let mut bytes = text.clone().into_bytes();
            let at = next(bytes.len().max(1));
            match next(3) {
                0 if at < bytes.len() && bytes[at].is_ascii() => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at.min(bytes.len()), ALPHABET[next(ALPHABET.len())]),
            }
            let Ok(edited) = String::from_utf8(bytes) else {
                continue;
            };
            let parse = parse(edited.as_str());
            read += compare(&parse, &path.display().to_string()).0;
            models += compare_models(&parse, &path.display().to_string()).0;
        }
    }
    assert!(read > 10_000, "only {read} fields read");
    assert!(models > 1_000, "only {models} models read");
}

#[test]
fn shape_helpers_match_the_tree_helpers() {
    let text = include_str!("fixtures/field_shapes.prisma");
    let parse = parse(text);
    let mut pieces = Vec::new();
    for field in fields(&parse) {
        let Some(shape) = field.shape(&mut pieces) else {
            continue;
        };
        for (attr, shaped) in field.attributes().zip(shape.attributes()) {
            for key in ["value", "name", "fields", "missing"] {
                let tree: Option<ast::Expr<'_>> = attr.arg_or_first(key);
                assert_eq!(
                    tree.map(|e| e.range()),
                    shaped.arg_or_first(key).map(|v| v.range),
                    "{key} of {:?}",
                    attr.text()
                );
            }
        }
    }
}
