//! The syntax layer of schemalint.
//!
//! [`parse`] turns Prisma schema text into a [`Parse`]: the concrete
//! tree-sitter tree plus a list of [`SyntaxError`]s with messages that say
//! what was expected. Parsing never fails; a broken schema still yields a tree
//! whose intact parts the typed API in [`ast`] can read. Every accessor there
//! returns `Option` where the tree may be incomplete.
//!
//! This crate deliberately knows nothing of salsa, LSP or the file system.

pub mod ast;
mod errors;
mod line_index;

use std::sync::Arc;

pub use line_index::{LineCol, LineIndex};

/// A half-open byte range into a source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        TextRange { start, end }
    }

    pub fn empty(at: usize) -> Self {
        TextRange { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Like [`TextRange::contains`], but also true at the end offset, which
    /// is what a cursor placed right after a word needs.
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
}

impl From<tree_sitter::Range> for TextRange {
    fn from(r: tree_sitter::Range) -> Self {
        TextRange::new(r.start_byte, r.end_byte)
    }
}

/// A syntax error: where it is and what was expected there.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// The result of parsing one schema file.
#[derive(Clone)]
pub struct Parse {
    text: Arc<str>,
    tree: tree_sitter::Tree,
    errors: Vec<SyntaxError>,
}

impl std::fmt::Debug for Parse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parse")
            .field("tree", &self.tree.root_node().to_sexp())
            .field("errors", &self.errors)
            .finish()
    }
}

impl Parse {
    /// The typed root of the tree.
    pub fn source_file(&self) -> ast::SourceFile<'_> {
        ast::SourceFile::new(self.tree.root_node(), &self.text)
    }

    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    pub fn tree(&self) -> &tree_sitter::Tree {
        &self.tree
    }

    /// Syntax errors in source order.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

/// Parses a Prisma schema. Never fails: errors are part of the result.
pub fn parse(text: impl Into<Arc<str>>) -> Parse {
    let text: Arc<str> = text.into();
    let tree = new_parser()
        .parse(text.as_bytes(), None)
        .expect("the parser has a language and no timeout or cancellation flag");
    let errors = errors::collect(tree.root_node(), &text);
    Parse { text, tree, errors }
}

/// Parses `text`, reusing the tree of an earlier version of the same file.
///
/// The edit is found by comparing the two texts (their common prefix and
/// suffix), so callers need not track edits. The result is the same as
/// [`parse`] of `text` (tree-sitter's incremental parsing guarantees it, and
/// a test checks it on every corpus schema), only faster when the change
/// is small: unchanged subtrees are reused instead of parsed again.
pub fn reparse(text: impl Into<Arc<str>>, old: &Parse) -> Parse {
    let text: Arc<str> = text.into();
    let (new, before) = (text.as_bytes(), old.text.as_bytes());
    let start = common_prefix(before, new);
    let tail = common_suffix(&before[start..], &new[start..]);
    let edit = tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: before.len() - tail,
        new_end_byte: new.len() - tail,
        start_position: point_at(before, start),
        old_end_position: point_at(before, before.len() - tail),
        new_end_position: point_at(new, new.len() - tail),
    };
    let mut tree = old.tree.clone();
    tree.edit(&edit);
    let tree = new_parser()
        .parse(new, Some(&tree))
        .expect("the parser has a language and no timeout or cancellation flag");
    let errors = errors::collect(tree.root_node(), &text);
    Parse { text, tree, errors }
}

/// Compares in blocks first: a byte loop over a large file costs more than
/// the incremental parse it enables.
const BLOCK: usize = 256;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n
        && a[a.len() - i - BLOCK..a.len() - i] == b[b.len() - i - BLOCK..b.len() - i]
    {
        i += BLOCK;
    }
    while i < n && a[a.len() - i - 1] == b[b.len() - i - 1] {
        i += 1;
    }
    i
}

/// The tree-sitter point (row, byte column) of a byte offset.
fn point_at(text: &[u8], offset: usize) -> tree_sitter::Point {
    let before = &text[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    tree_sitter::Point::new(row, offset - line_start)
}

fn new_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&language())
        .expect("the bundled grammar's ABI is supported by the linked tree-sitter");
    parser
}

/// The tree-sitter language of Prisma schemas.
pub fn language() -> tree_sitter::Language {
    tree_sitter_prisma::LANGUAGE.into()
}
