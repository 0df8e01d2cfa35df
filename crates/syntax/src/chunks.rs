//! Large files are parsed in chunks, one tree per chunk, on several threads.
//!
//! Tree-sitter parses about 5 MB/s on one core, so a 10,000-model schema
//! takes a second. A schema is a list of independent top-level blocks, so
//! the text can be cut between blocks and each piece parsed on its own, with
//! tree-sitter's included ranges: each chunk's tree then holds absolute byte
//! offsets and rows, and callers cannot tell the chunks apart except by
//! walking from one root to the next.
//!
//! Where the cuts fall depends on the text alone (never on earlier
//! versions), so `parse` and `reparse` of the same text give the same
//! chunks, and the command line and the editor the same diagnostics. Files
//! under two chunks' worth of text are one chunk, parsed exactly as before.

use std::ops::Range;

use tree_sitter::{InputEdit, Point, Tree};

use crate::{errors, new_parser, parallel_map, point_at, SyntaxError};

/// The size a chunk grows to before the next cut. Small enough to give both
/// cores work on schemas of a few hundred KB, large enough that the cost of
/// a tree and a thread hand-off per chunk stays out of profiles.
pub(crate) const CHUNK_BYTES: usize = 64 * 1024;

/// One parsed piece of a file.
#[derive(Clone)]
pub(crate) struct Chunk {
    /// The bytes of the text this chunk covers; chunks tile the text.
    pub(crate) bytes: Range<usize>,
    pub(crate) tree: Tree,
    /// This chunk's errors, in source order.
    pub(crate) errors: Vec<SyntaxError>,
}

/// Where a chunk of `text` starts: a byte offset at the start of a line,
/// and that line's row.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Cut {
    pub(crate) at: usize,
    pub(crate) row: usize,
}

/// The cuts of `text`, first the one at offset 0. A cut is placed at the
/// start of a line once the chunk before it has at least `target` bytes,
/// when the line before closed a top-level block (`}` back at depth zero)
/// and nothing is left open. Braces inside strings and comments are not
/// counted. A file with an unclosed brace is simply cut less often.
pub(crate) fn cuts(text: &[u8], target: usize) -> Vec<Cut> {
    let mut cuts = vec![Cut { at: 0, row: 0 }];
    if text.len() < 2 * target {
        return cuts;
    }
    let mut depth: usize = 0;
    let mut closed = false;
    let mut row = 0;
    let mut last = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\n' => {
                row += 1;
                let next = i + 1;
                if closed && depth == 0 && next - last >= target && next < text.len() {
                    cuts.push(Cut { at: next, row });
                    last = next;
                }
                closed = false;
            }
            b'{' => depth += 1,
            b'}' if depth > 0 => {
                depth -= 1;
                closed = depth == 0;
            }
            // A string ends at its closing quote or, unterminated, at the
            // end of its line; a backslash escapes any byte, as in the
            // grammar's string token.
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' && text[i] != b'\n' {
                    if text[i] == b'\\' && i + 1 < text.len() {
                        if text[i + 1] == b'\n' {
                            row += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                if i < text.len() && text[i] == b'\n' {
                    // Let the newline arm see it.
                    continue;
                }
            }
            b'/' if text.get(i + 1) == Some(&b'/') => {
                while i + 1 < text.len() && text[i + 1] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    cuts
}

/// What to do for one chunk of the new text.
pub(crate) enum Job {
    /// Parse from scratch.
    Fresh,
    /// Parse again, reusing the old text's tree (already told of `edit`);
    /// `errors` are the old chunk's, at their offsets in the old text.
    Incremental {
        tree: Tree,
        errors: Vec<SyntaxError>,
        edit: InputEdit,
    },
}

/// Parses the chunks between `cuts` that `jobs` names, on up to as many
/// threads as the machine has, and returns them in order. `done` holds the
/// chunks that need no parse (`None` where a job is).
pub(crate) fn run(
    text: &str,
    cuts: &[Cut],
    mut done: Vec<Option<Chunk>>,
    jobs: Vec<(usize, Job)>,
) -> Vec<Chunk> {
    // A file of one chunk is parsed without included ranges, exactly as
    // tree-sitter parses a whole file, so only a cut file needs its end.
    let end = (cuts.len() > 1).then(|| point_at(text.as_bytes(), text.len()));
    let parse_one = |k: usize, job: &Job| -> Chunk {
        let range = cuts[k].at..cuts.get(k + 1).map_or(text.len(), |c| c.at);
        let ranges: Vec<tree_sitter::Range> = end
            .map(|end| tree_sitter::Range {
                start_byte: range.start,
                end_byte: range.end,
                start_point: Point::new(cuts[k].row, 0),
                end_point: cuts.get(k + 1).map_or(end, |c| Point::new(c.row, 0)),
            })
            .into_iter()
            .collect();
        let mut parser = new_parser();
        parser
            .set_included_ranges(&ranges)
            .expect("one range inside the text is always a valid set");
        let old = match job {
            Job::Fresh => None,
            Job::Incremental { tree, .. } => Some(tree),
        };
        let tree = parser
            .parse(text.as_bytes(), old)
            .expect("the parser has a language and no timeout or cancellation flag");
        let errors = match job {
            Job::Fresh => errors::collect(tree.root_node(), text),
            Job::Incremental {
                tree: old,
                errors: old_errors,
                edit,
            } => errors::collect_incremental(&tree, text, old, old_errors, edit),
        };
        Chunk {
            bytes: range,
            tree,
            errors,
        }
    };
    let parsed = parallel_map(&jobs, 1, |(k, job)| (*k, parse_one(*k, job)));
    for (k, chunk) in parsed {
        done[k] = Some(chunk);
    }
    done.into_iter()
        .map(|c| c.expect("every chunk is either reused or parsed"))
        .collect()
}

/// Moves a chunk that lies wholly after `edit` to its new place: its tree is
/// told of the edit (which only shifts it) and its errors move by `delta`.
pub(crate) fn shifted(chunk: &Chunk, edit: &InputEdit) -> Chunk {
    let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;
    let mut tree = chunk.tree.clone();
    tree.edit(edit);
    let move_by = |o: usize| (o as isize + delta) as usize;
    Chunk {
        bytes: move_by(chunk.bytes.start)..move_by(chunk.bytes.end),
        tree,
        errors: chunk
            .errors
            .iter()
            .map(|e| SyntaxError {
                range: crate::TextRange::new(move_by(e.range.start), move_by(e.range.end)),
                message: e.message.clone(),
            })
            .collect(),
    }
}
