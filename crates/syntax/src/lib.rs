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
mod change;
mod chunks;
mod errors;
mod line_index;
mod parallel;
pub mod shape;

use std::sync::Arc;

pub use change::TextChange;
pub use line_index::{LineCol, LineIndex};
pub use parallel::{cores, parallel_map};

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
///
/// Large files are held as several trees, one per chunk of top-level
/// declarations (see `chunks.rs`); the typed API in [`ast`] walks them as
/// one file.
#[derive(Clone)]
pub struct Parse {
    text: Arc<str>,
    chunks: Vec<chunks::Chunk>,
    errors: Vec<SyntaxError>,
    /// The chunk size the cuts were made for: a reparse at the same size
    /// can reuse them.
    chunk_bytes: usize,
    /// For a reparse: the text it was made from and the change from it.
    /// The reference is weak, so nothing reads that text through it, but
    /// it keeps the text's allocation (one text per edited file), so no
    /// later text can take its address and pass for it.
    from: Option<(std::sync::Weak<str>, TextChange)>,
}

impl std::fmt::Debug for Parse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let trees: Vec<String> = self.trees().map(|t| t.root_node().to_sexp()).collect();
        f.debug_struct("Parse")
            .field("trees", &trees)
            .field("errors", &self.errors)
            .finish()
    }
}

impl Parse {
    /// The typed root of the file.
    pub fn source_file(&self) -> ast::SourceFile<'_> {
        ast::SourceFile::new(&self.chunks, &self.text)
    }

    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// The tree of each chunk, in source order: one tree unless the file
    /// is large.
    pub fn trees(&self) -> impl Iterator<Item = &tree_sitter::Tree> + '_ {
        self.chunks.iter().map(|c| &c.tree)
    }

    /// Syntax errors in source order.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The change from `old` to this parse's text, when this parse was
    /// made by [`reparse`] from a parse of `old` (that very allocation):
    /// the reparse found it already, and on a large file comparing the two
    /// texts again costs a scan of megabytes. `None` otherwise.
    pub fn change_from(&self, old: &Arc<str>) -> Option<TextChange> {
        let (from, change) = self.from.as_ref()?;
        std::ptr::addr_eq(from.as_ptr(), Arc::as_ptr(old)).then_some(*change)
    }

    fn new(text: Arc<str>, chunks: Vec<chunks::Chunk>, chunk_bytes: usize) -> Parse {
        let errors = chunks
            .iter()
            .flat_map(|c| c.errors.iter().cloned())
            .collect();
        Parse {
            text,
            chunks,
            errors,
            chunk_bytes,
            from: None,
        }
    }
}

/// Parses a Prisma schema. Never fails: errors are part of the result.
pub fn parse(text: impl Into<Arc<str>>) -> Parse {
    parse_in_chunks(text, chunks::CHUNK_BYTES)
}

/// [`parse`], cutting chunks of `chunk_bytes` instead of the default. Tests
/// use it to cut small files.
#[doc(hidden)]
pub fn parse_in_chunks(text: impl Into<Arc<str>>, chunk_bytes: usize) -> Parse {
    let text: Arc<str> = text.into();
    let cuts = chunks::cuts(text.as_bytes(), chunk_bytes);
    let jobs = (0..cuts.len()).map(|k| (k, chunks::Job::Fresh)).collect();
    let done = vec![None; cuts.len()];
    let parsed = chunks::run(&text, &cuts, done, jobs);
    Parse::new(text, parsed, chunk_bytes)
}

/// Parses `text`, reusing the trees of an earlier version of the same file.
///
/// The edit is found by comparing the two texts (their common prefix and
/// suffix), so callers need not track edits. The result is the same as
/// [`parse`] of `text` (tree-sitter's incremental parsing guarantees it, and
/// a test checks it on every corpus schema), only faster when the change
/// is small: chunks the edit does not touch are kept, and in the chunk it
/// touches unchanged subtrees are reused instead of parsed again.
pub fn reparse(text: impl Into<Arc<str>>, old: &Parse) -> Parse {
    reparse_in_chunks(text, old, chunks::CHUNK_BYTES)
}

/// [`reparse`] with the chunk size of [`parse_in_chunks`].
#[doc(hidden)]
pub fn reparse_in_chunks(text: impl Into<Arc<str>>, old: &Parse, chunk_bytes: usize) -> Parse {
    let text: Arc<str> = text.into();
    let change = TextChange::between(&old.text, &text);
    let (new, before) = (text.as_bytes(), old.text.as_bytes());
    let start = change.start;
    // The text before `start` is the same in both, so both ends count on
    // from its point.
    let start_position = point_in(before, &old.chunks, start);
    let edit = tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: change.old_end,
        new_end_byte: change.new_end,
        start_position,
        old_end_position: point_from(before, start, start_position, change.old_end),
        new_end_position: point_from(new, start, start_position, change.new_end),
    };
    let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;

    // The cuts before the edit stay, and those after it move with it once
    // the new cuts fall in step with the old ones again.
    let cuts = if old.chunk_bytes == chunk_bytes {
        let old_cuts: Vec<chunks::Cut> = old
            .chunks
            .iter()
            .map(|c| chunks::Cut {
                at: c.bytes.start,
                row: c.row,
            })
            .collect();
        chunks::recut(new, chunk_bytes, &old_cuts, before.len(), &edit)
    } else {
        chunks::cuts(new, chunk_bytes)
    };
    let mut done = Vec::with_capacity(cuts.len());
    let mut jobs = Vec::new();
    for (k, cut) in cuts.iter().enumerate() {
        let bytes = cut.at..cuts.get(k + 1).map_or(new.len(), |c| c.at);
        // The old chunk with the same text: at the same place before the
        // edit, moved by the edit's length after it.
        let same_place = |from: usize, to: usize| {
            old.chunks
                .binary_search_by_key(&from, |c| c.bytes.start)
                .ok()
                .map(|i| &old.chunks[i])
                .filter(|c| c.bytes.end == to)
        };
        let back = |o: usize| (o as isize - delta) as usize;
        let reused = if bytes.end <= edit.start_byte {
            same_place(bytes.start, bytes.end).cloned()
        } else if bytes.start >= edit.new_end_byte {
            same_place(back(bytes.start), back(bytes.end)).map(|c| chunks::shifted(c, &edit))
        } else {
            None
        };
        if reused.is_none() {
            // An edit that starts inside this chunk reparses the chunk's
            // old tree, when its bounds only moved by the edit.
            let last = k + 1 == cuts.len();
            let inside = bytes.start <= edit.start_byte && (edit.start_byte < bytes.end || last);
            let job = match same_place(bytes.start, back(bytes.end)) {
                Some(c) if inside => {
                    let mut tree = c.tree.clone();
                    tree.edit(&edit);
                    chunks::Job::Incremental {
                        tree,
                        errors: &c.errors,
                        edit,
                    }
                }
                _ => chunks::Job::Fresh,
            };
            jobs.push((k, job));
        }
        done.push(reused);
    }
    let parsed = chunks::run(&text, &cuts, done, jobs);
    let mut parse = Parse::new(text, parsed, chunk_bytes);
    parse.from = Some((Arc::downgrade(&old.text), change));
    parse
}

/// The tree-sitter point (row, byte column) of a byte offset.
pub(crate) fn point_at(text: &[u8], offset: usize) -> tree_sitter::Point {
    point_from(text, 0, tree_sitter::Point::new(0, 0), offset)
}

/// The point of `offset`, given the point `at` of an earlier offset
/// `from`: reads only the text between them.
pub(crate) fn point_from(
    text: &[u8],
    from: usize,
    at: tree_sitter::Point,
    offset: usize,
) -> tree_sitter::Point {
    let between = &text[from..offset];
    match memchr::memrchr(b'\n', between) {
        Some(last) => {
            tree_sitter::Point::new(at.row + line_breaks(between), between.len() - last - 1)
        }
        None => tree_sitter::Point::new(at.row, at.column + between.len()),
    }
}

/// The number of `\n` in `bytes`, counted in blocks small enough for a
/// byte-sized count, which the compiler turns into vector compares.
pub(crate) fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')) as usize)
        .sum()
}

/// The point of `offset` in the text that `chunks` tile: counted from the
/// start of the chunk it is in, whose row is known, instead of from the
/// start of a file that may be megabytes long.
fn point_in(text: &[u8], chunks: &[chunks::Chunk], offset: usize) -> tree_sitter::Point {
    let k = chunks.partition_point(|c| c.bytes.start <= offset);
    match k.checked_sub(1).map(|k| &chunks[k]) {
        Some(c) => point_from(
            text,
            c.bytes.start,
            tree_sitter::Point::new(c.row, 0),
            offset,
        ),
        None => point_at(text, offset),
    }
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
