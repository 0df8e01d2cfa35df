//! The Prisma Schema Language grammar used by schemalint.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_prisma::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("model A {\n  id Int @id\n}\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_prisma() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
// SAFETY: `tree_sitter_prisma` is the generated C entry point and returns a
// pointer to a static `TSLanguage`.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_prisma) };

/// The content of the [`node-types.json`] file for this grammar.
///
/// [`node-types.json`]: https://tree-sitter.github.io/tree-sitter/using-parsers/6-static-node-types
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Syntax highlighting query.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// Local scopes query, used by editors for definition and reference highlights.
pub const LOCALS_QUERY: &str = include_str!("../../queries/locals.scm");

/// Tags query, used for symbol navigation.
pub const TAGS_QUERY: &str = include_str!("../../queries/tags.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn loads_grammar_and_queries() {
        let language: tree_sitter::Language = super::LANGUAGE.into();
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&language)
            .expect("grammar ABI is supported");
        for query in [
            super::HIGHLIGHTS_QUERY,
            super::LOCALS_QUERY,
            super::TAGS_QUERY,
        ] {
            tree_sitter::Query::new(&language, query).expect("query compiles");
        }
    }
}
