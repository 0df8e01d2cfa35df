//! Turns ERROR and MISSING nodes into messages that say what was expected.

use tree_sitter::Node;

use crate::{SyntaxError, TextRange};

pub(crate) fn collect(root: Node<'_>, src: &str) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    collect_in(root, src, &mut errors, Walk::TextWhereClean);
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors
}

/// How [`collect_in`] finds the fields without a type in a model that has
/// no error node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// From the model's text (`shape::typeless_fields`), where it reads
    /// the body; the tree elsewhere.
    TextWhereClean,
    /// From the tree, always; the tests compare the two.
    #[cfg(test)]
    Tree,
}

/// The errors of a tree that an incremental parse made from `old` (the
/// previous tree, already told of `edit`), given the errors of the previous
/// text. Only the top-level blocks the edit touched, or whose structure
/// changed (tree-sitter's changed ranges), are walked again; every other
/// block is the same subtree at the same or a moved place, so its errors
/// are the old ones, moved. A block takes old errors only when it stands
/// apart from its neighbours (an error on a shared boundary could belong to
/// either), so every error is found exactly once.
pub(crate) fn collect_incremental(
    new: &tree_sitter::Tree,
    src: &str,
    old: &tree_sitter::Tree,
    old_errors: &[SyntaxError],
    edit: &tree_sitter::InputEdit,
) -> Vec<SyntaxError> {
    let root = new.root_node();
    if root.is_error() || root.is_missing() || old.root_node().is_error() {
        return collect(root, src);
    }
    let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;
    let mut dirty: Vec<(usize, usize)> = new
        .changed_ranges(old)
        .map(|r| (r.start_byte, r.end_byte))
        .collect();
    // Tree-sitter already counts re-lexed tokens as changed; the edit's own
    // range is added so that a message quoting edited text never survives
    // on that assumption alone.
    dirty.push((edit.start_byte, edit.new_end_byte));
    let touched = |s: usize, e: usize| dirty.iter().any(|&(a, b)| a <= e && s <= b);

    let mut errors = Vec::new();
    let mut cursor = root.walk();
    let children: Vec<Node<'_>> = root.children(&mut cursor).collect();
    for (i, child) in children.iter().enumerate() {
        let (s, e) = (child.start_byte(), child.end_byte());
        let apart = i.checked_sub(1).is_none_or(|p| children[p].end_byte() < s)
            && children.get(i + 1).is_none_or(|n| e < n.start_byte());
        let before = e < edit.start_byte;
        let after = s > edit.new_end_byte;
        if !apart || touched(s, e) || !(before || after) {
            collect_in(*child, src, &mut errors, Walk::TextWhereClean);
            continue;
        }
        // The block's place in the old text, and its errors there.
        let back = |o: usize| {
            if after {
                (o as isize - delta) as usize
            } else {
                o
            }
        };
        let (old_s, old_e) = (back(s), back(e));
        let first = old_errors.partition_point(|x| x.range.start < old_s);
        for x in old_errors[first..]
            .iter()
            .take_while(|x| x.range.start <= old_e)
            .filter(|x| x.range.end <= old_e)
        {
            let forward = |o: usize| {
                if after {
                    (o as isize + delta) as usize
                } else {
                    o
                }
            };
            errors.push(SyntaxError {
                range: TextRange::new(forward(x.range.start), forward(x.range.end)),
                message: x.message.clone(),
            });
        }
    }
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors
}

/// Adds the errors at and below `top` to `errors`, unsorted.
fn collect_in(top: Node<'_>, src: &str, errors: &mut Vec<SyntaxError>, walk: Walk) {
    let kinds = Kinds::get();
    // A depth-first walk with one cursor. It enters a node only where an
    // error may be: below a node with an error, or in the blocks that hold
    // fields, because a field without a type is not an ERROR node. Kinds are
    // compared by id; this walk runs on every keystroke. A model without an
    // error node is not entered when its text tells which of its fields
    // have no type: stepping the cursor through every field of a large
    // schema cost as much as a tenth of parsing it.
    let mut scratch = Vec::new();
    let mut cursor = top.walk();
    loop {
        let node = cursor.node();
        let mut enter = false;
        if node.is_missing() {
            errors.push(missing(node, src));
        } else if node.is_error() {
            errors.push(unexpected(node, src));
        } else {
            let kind = node.kind_id();
            let typeless =
                kind == kinds.field_declaration && crate::ast::field_child(node, "type").is_none();
            if let Some(name) = typeless
                .then(|| crate::ast::field_child(node, "name"))
                .flatten()
            {
                errors.push(missing_type(name.range().into(), src));
            }
            enter = node.has_error()
                || (kinds.holds_fields(kind)
                    && !(walk == Walk::TextWhereClean
                        && kinds.is_model(kind)
                        && typeless_from_text(node, src, &mut scratch, errors)));
        }
        if enter && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// For a model without an error node: adds an error for each of its fields
/// without a type, read from the text, and returns true; false, adding
/// nothing, where the text reader gives up (the tree must then be walked).
fn typeless_from_text(
    model: Node<'_>,
    src: &str,
    scratch: &mut Vec<TextRange>,
    errors: &mut Vec<SyntaxError>,
) -> bool {
    let Some(body) = crate::ast::field_child(model, "body") else {
        return false;
    };
    scratch.clear();
    if !crate::shape::typeless_fields(src, body.byte_range(), scratch) {
        return false;
    }
    errors.extend(scratch.iter().map(|&name| missing_type(name, src)));
    true
}

/// The error of a field without a type, at its name: the tree holds such
/// a field without an error node, so both walks report it themselves.
fn missing_type(name: TextRange, src: &str) -> SyntaxError {
    SyntaxError {
        range: name,
        message: format!(
            "expected a field type after `{}`",
            &src[name.start..name.end]
        ),
    }
}

/// Node kind ids the walk compares, looked up once per process.
struct Kinds {
    field_declaration: u16,
    /// `source_file`, the three model-like declarations and `model_body`.
    containers: [u16; 5],
}

impl Kinds {
    fn get() -> &'static Kinds {
        static KINDS: std::sync::OnceLock<Kinds> = std::sync::OnceLock::new();
        KINDS.get_or_init(|| {
            let language = crate::language();
            let id = |name: &str| language.id_for_node_kind(name, true);
            Kinds {
                field_declaration: id("field_declaration"),
                containers: [
                    id("source_file"),
                    id("model_declaration"),
                    id("view_declaration"),
                    id("type_declaration"),
                    id("model_body"),
                ],
            }
        })
    }

    fn holds_fields(&self, kind: u16) -> bool {
        self.containers.contains(&kind)
    }

    /// A model, view or type declaration.
    fn is_model(&self, kind: u16) -> bool {
        self.containers[1..4].contains(&kind)
    }
}

fn missing(node: Node<'_>, src: &str) -> SyntaxError {
    let what = match node.kind() {
        "identifier" => "a name".to_string(),
        "attribute_name" => "an attribute name after `@`".to_string(),
        "string" => "a string".to_string(),
        k if k.chars().all(|c| !c.is_alphanumeric()) => format!("`{k}`"),
        k => format!("`{k}`"),
    };
    let context = enclosing_block(node, src)
        .map(|(kw, name)| format!(" in {kw} `{name}`"))
        .unwrap_or_default();
    let closes = match node.kind() {
        "}" => " to close the block",
        ")" => " to close the argument list",
        "]" => " to close the list",
        _ => "",
    };
    SyntaxError {
        range: TextRange::empty(node.start_byte()),
        message: format!("expected {what}{closes}{context}"),
    }
}

fn unexpected(node: Node<'_>, src: &str) -> SyntaxError {
    let range = trim(node.range().into(), src);
    let found = snippet(&src[node.byte_range()]);
    let parent_kind = node.parent().map(|p| p.kind()).unwrap_or("source_file");

    // `Int[]?` and `Int?[]`: one of the modifiers is the whole error.
    let has_modifier = || {
        node.parent()
            .and_then(|f| crate::ast::field_child(f, "modifier"))
            .is_some()
    };
    if parent_kind == "field_declaration" && matches!(found.as_str(), "?" | "[]") && has_modifier()
    {
        return SyntaxError {
            range,
            message: format!(
                "unexpected `{found}`: a field cannot be both a list and optional; \
                 use either `[]` or `?`"
            ),
        };
    }

    let after_type = node.prev_sibling().is_some_and(|p| {
        node.parent()
            .and_then(|f| crate::ast::field_child(f, "type"))
            .is_some_and(|t| t.id() == p.id())
    });
    let expected = match parent_kind {
        "source_file" => {
            "expected a `model`, `view`, `type`, `enum`, `datasource` or `generator` block"
        }
        "model_body" => "expected a field (`name Type`), a block attribute (`@@...`) or `}`",
        "enum_body" => "expected an enum value, a block attribute (`@@...`) or `}`",
        "config_body" => "expected `key = value` or `}`",
        // Right after the field's type a modifier could go.
        "field_declaration" if after_type => {
            "expected `?`, `[]`, an attribute or the end of the line"
        }
        "field_declaration" => {
            "expected a field type, an attribute (`@...`) or the end of the line"
        }
        "enum_value" => "expected an attribute (`@...`) or the end of the line",
        "arguments" | "argument" => "expected an argument, `,` or `)`",
        "array" => "expected a value, `,` or `]`",
        "key_value" => "expected a value after `=`",
        "attribute" | "block_attribute" => "expected an argument list or the end of the line",
        _ => "this is not valid here",
    };
    let context = enclosing_block(node, src)
        .map(|(kw, name)| format!(" (in {kw} `{name}`)"))
        .unwrap_or_default();
    let found = if found.is_empty() {
        "end of input".to_string()
    } else {
        format!("`{found}`")
    };
    SyntaxError {
        range,
        message: format!("unexpected {found}; {expected}{context}"),
    }
}

/// `range` without leading and trailing whitespace, which an ERROR node
/// may have swallowed as extras.
fn trim(range: TextRange, src: &str) -> TextRange {
    let text = &src[range.start..range.end];
    let start = range.start + (text.len() - text.trim_start().len());
    let end = range.end - (text.len() - text.trim_end().len());
    if start >= end {
        return TextRange::empty(range.start);
    }
    TextRange::new(start, end)
}

/// The keyword and name of the block that contains `node`.
fn enclosing_block<'a>(node: Node<'_>, src: &'a str) -> Option<(&'static str, &'a str)> {
    let mut current = node.parent();
    while let Some(n) = current {
        let keyword = match n.kind() {
            "model_declaration" => "model",
            "view_declaration" => "view",
            "type_declaration" => "type",
            "enum_declaration" => "enum",
            "datasource_declaration" => "datasource",
            "generator_declaration" => "generator",
            _ => {
                current = n.parent();
                continue;
            }
        };
        let name = crate::ast::field_child(n, "name").filter(|n| !n.is_missing())?;
        return Some((keyword, &src[name.byte_range()]));
    }
    None
}

/// The first line of `text`, shortened to a readable length.
fn snippet(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    let mut out: String = line.chars().take(40).collect();
    if line.chars().count() > 40 || text.trim().lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    fn check(src: &str, expect: Expect) {
        let parse = crate::parse(src);
        let actual: String = parse
            .errors()
            .iter()
            .map(|e| format!("{}..{}: {}\n", e.range.start, e.range.end, e.message))
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn clean_schema_has_no_errors() {
        check("model A {\n  id Int @id\n}\n", expect![""]);
    }

    #[test]
    fn field_without_type() {
        check(
            "model Sample {\n  id Int @id\n  status\n  name String\n}\n",
            expect![[r#"
                30..36: expected a field type after `status`
            "#]],
        );
    }

    #[test]
    fn list_and_optional() {
        check(
            "model M {\n  a Int[]?\n}\n",
            expect![[r#"
                19..20: unexpected `?`: a field cannot be both a list and optional; use either `[]` or `?`
            "#]],
        );
    }

    #[test]
    fn optional_and_list() {
        check(
            "model M {\n  a Int?[]\n  b Int foo\n}\n",
            expect![[r#"
                17..18: unexpected `?`: a field cannot be both a list and optional; use either `[]` or `?`
                29..32: unexpected `foo`; expected `?`, `[]`, an attribute or the end of the line (in model `M`)
            "#]],
        );
    }

    #[test]
    fn stray_text_between_blocks() {
        check(
            "model A {\n  id Int @id\n}\n\noops\n\nmodel B {\n  id Int @id\n}\n",
            expect![[r#"
                26..30: unexpected `oops`; expected a `model`, `view`, `type`, `enum`, `datasource` or `generator` block
            "#]],
        );
    }

    #[test]
    fn unclosed_block_at_end_of_file() {
        check(
            "model A {\n  id Int @id\n",
            expect![[r#"
                23..23: expected `}` to close the block in model `A`
            "#]],
        );
    }

    #[test]
    fn non_ascii_never_panics() {
        check(
            "model 🚀 {\n}\n",
            expect![[r#"
            0..14: unexpected `model 🚀 {…`; expected a `model`, `view`, `type`, `enum`, `datasource` or `generator` block
        "#]],
        );
    }
}

#[cfg(test)]
mod walk_tests {
    use super::{collect_in, Walk};

    fn errors(text: &str, walk: Walk) -> Vec<crate::SyntaxError> {
        let parse = crate::parse_in_chunks(text, usize::MAX / 4);
        let tree = parse.trees().next().unwrap();
        let mut errors = Vec::new();
        collect_in(tree.root_node(), text, &mut errors, walk);
        errors.sort_by_key(|e| (e.range.start, e.range.end));
        errors
    }

    fn schemas(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                schemas(&path, out);
            } else if path.extension().is_some_and(|e| e == "prisma") {
                out.extend(std::fs::read_to_string(&path).ok());
            }
        }
    }

    /// Reading fields without a type from the text finds exactly what the
    /// walk through the tree finds: on the repository's and the corpus'
    /// schemas, and after random one-character edits that make typeless
    /// fields, attributes on a name alone, broken strings and brackets.
    #[test]
    fn text_and_tree_find_the_same_errors() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut texts = vec![[
            "model A { a\n b @id\n d Int @default(\"}\") // }\n e }\n",
            "model B {\n  c Unsupported\n(\"x\")\n  f @id\n}\n",
            "type C {\n  x String @map(\"a\\\nb\", [\n  1])\n  y @default(1)\n  z\n}\n",
        ]
        .concat()];
        for dir in ["examples", "crates/syntax/tests", "../shared/corpus/apps"] {
            schemas(&repo.join(dir), &mut texts);
        }
        assert!(texts.len() > 10);
        const ALPHABET: &[u8] = b" \n\"\\()[]{}@?/aZ";
        let mut seed: u64 = 0x7e57_ab1e;
        let mut next = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound.max(1) as u64) as usize
        };
        let mut typeless = 0;
        for text in texts.iter().take(14) {
            for round in 0..120 {
                let mut bytes = text.clone().into_bytes();
                if round > 0 {
                    let at = next(bytes.len());
                    if next(3) == 0 && at < bytes.len() && bytes[at].is_ascii() {
                        bytes.remove(at);
                    } else {
                        bytes.insert(at, ALPHABET[next(ALPHABET.len())]);
                    }
                }
                let Ok(edited) = String::from_utf8(bytes) else {
                    continue;
                };
                let by_text = errors(&edited, Walk::TextWhereClean);
                assert_eq!(by_text, errors(&edited, Walk::Tree), "{edited}");
                typeless += by_text
                    .iter()
                    .filter(|e| e.message.starts_with("expected a field type"))
                    .count();
            }
        }
        assert!(typeless > 100, "only {typeless} fields without a type");

        // The text reader reads the first and third model of the first text
        // and gives up on the second, whose `Unsupported` is followed by a
        // line break.
        let text = &texts[0];
        let parse = crate::parse(text.as_str());
        let tree = parse.trees().next().unwrap();
        let read: Vec<bool> = (0..3)
            .map(|k| {
                let model = tree.root_node().named_child(k).unwrap();
                let body = crate::ast::field_child(model, "body").unwrap();
                crate::shape::typeless_fields(text, body.byte_range(), &mut Vec::new())
            })
            .collect();
        assert_eq!(read, [true, false, true]);
    }
}

#[cfg(test)]
mod kind_tests {
    #[test]
    fn every_kind_the_walk_compares_exists_in_the_grammar() {
        let k = super::Kinds::get();
        assert!(k.field_declaration != 0);
        assert!(k.containers.iter().all(|&id| id != 0));
    }
}
