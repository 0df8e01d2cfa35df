//! Doc comments (`///`) of models, enums, fields and enum values.

use schemalint_syntax::ast::Declaration;
use schemalint_syntax::parse;

/// Every documented `(what, docs)` of a schema, in source order.
fn docs_of(src: &str) -> Vec<(String, Option<String>)> {
    let parse = parse(src);
    let mut out = Vec::new();
    for decl in parse.source_file().declarations() {
        let name = decl.name().map_or("?", |n| n.text()).to_string();
        match decl {
            Declaration::Model(m) => {
                out.push((name.clone(), m.docs()));
                for f in m.fields() {
                    let field = f.name().map_or("?", |n| n.text());
                    out.push((format!("{name}.{field}"), f.docs()));
                }
            }
            Declaration::Enum(e) => {
                out.push((name.clone(), e.docs()));
                for v in e.values() {
                    let value = v.name().map_or("?", |n| n.text());
                    out.push((format!("{name}.{value}"), v.docs()));
                }
            }
            Declaration::Config(_) => {}
        }
    }
    out.retain(|(_, d)| d.is_some());
    out
}

fn some(what: &str, docs: &str) -> (String, Option<String>) {
    (what.to_string(), Some(docs.to_string()))
}

#[test]
fn doc_comments_above_declarations_fields_and_values() {
    let src = "/// A user.\n/// Second line.\nmodel User {\n  /// The key.\n  id Int @id\n  // a plain comment\n  name String\n\n  /// Not attached: a blank line follows.\n\n  email String\n}\n\n//// Four slashes, CRLF.\r\nenum Role {\r\n  /// Admin.\r\n  ADMIN\r\n}\n";
    assert_eq!(
        docs_of(src),
        vec![
            some("User", "A user.\nSecond line."),
            some("User.id", "The key."),
            some("Role", "Four slashes, CRLF."),
            some("Role.ADMIN", "Admin."),
        ]
    );
}

#[test]
fn a_field_after_the_opening_brace_has_no_doc_comment() {
    let src = "/// Above.\nmodel A { id Int @id }\n/// Above B; its first field starts mid-line and has none.\nmodel B { id Int @id\n  name String }\n";
    assert_eq!(
        docs_of(src),
        vec![
            some("A", "Above."),
            some(
                "B",
                "Above B; its first field starts mid-line and has none."
            )
        ]
    );
}

/// `documented_declarations` finds each declaration's doc comments in one
/// walk forward; it must agree with `docs()`, which walks back from the
/// declaration, also around odd placements and broken code.
#[test]
fn documented_declarations_agree_with_docs() {
    let sources = [
        "/// A user.\n/// Second line.\nmodel User {\n  id Int @id\n}\n",
        "/// Gap.\n\nmodel A { id Int @id }\n",
        "model A {\n  id Int @id\n} /// Trailing, on the line above B.\nmodel B { id Int @id }\n",
        "/// One.\n// plain\n/// Two.\nenum E {\n  X\n}\n",
        "/// Before broken code.\nmodel {\n/// Inside.\nmodel C { id Int @id }\n",
        "/// A.\r\n/// B.\r\nmodel D {\r\n  id Int @id\r\n}\r\n/// Config.\ndatasource db {\n  provider = \"postgresql\"\n}\n",
        "/// At the end of the file, documenting nothing.\n",
    ];
    for src in sources {
        let parse = parse(src);
        let file = parse.source_file();
        // Datasources and generators have no docs of their own.
        let forward: Vec<_> = file
            .documented_declarations()
            .filter(|d| !matches!(d.decl, Declaration::Config(_)))
            .map(|d| (d.decl.range(), d.docs(), d.docs_start()))
            .collect();
        let back: Vec<_> = file
            .declarations()
            .filter_map(|d| {
                let docs = match d {
                    Declaration::Model(m) => m.docs(),
                    Declaration::Enum(e) => e.docs(),
                    Declaration::Config(_) => return None,
                };
                Some((d.range(), docs))
            })
            .collect();
        assert_eq!(forward.len(), back.len(), "{src:?}");
        for ((range, docs, start), (back_range, back_docs)) in forward.iter().zip(&back) {
            assert_eq!((range, docs), (back_range, back_docs), "{src:?}");
            // The docs start where the first `///` of the block is.
            assert_eq!(start.is_some(), docs.is_some(), "{src:?}");
            if let Some(start) = start {
                assert!(src[*start..].starts_with("///"), "{src:?}");
            }
        }
    }
}
