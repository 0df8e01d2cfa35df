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

use crate::{errors, new_parser, parallel_map, SyntaxError};

/// The size a chunk grows to before the next cut. Small enough to give both
/// cores work on schemas of a few hundred KB, large enough that the cost of
/// a tree and a thread hand-off per chunk stays out of profiles.
pub(crate) const CHUNK_BYTES: usize = 64 * 1024;

/// One parsed piece of a file.
#[derive(Clone)]
pub(crate) struct Chunk {
    /// The bytes of the text this chunk covers; chunks tile the text.
    pub(crate) bytes: Range<usize>,
    /// The row its first byte is on.
    pub(crate) row: usize,
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
/// when the line before is a lone `}` (a `\r` may end it). In Prisma such
/// a line always closes a top-level block: blocks do not nest, and strings
/// and comments end at the end of their line, so the line cannot be inside
/// either (a string that goes on past an escaped line break still needs its
/// closing quote on the line where it ends). The rule reads one line, so
/// the text between cuts is found with a substring search instead of a
/// scan of every byte, which on a 5 MB schema ran before any parsing could
/// start. Blocks closed otherwise (`model A { id Int }`) are simply not
/// cut after.
pub(crate) fn cuts(text: &[u8], target: usize) -> Vec<Cut> {
    let start = Cut { at: 0, row: 0 };
    let mut cuts = vec![start];
    if text.len() < 2 * target {
        return cuts;
    }
    scan(text, target, start, &mut cuts, |_| false);
    cuts
}

/// The cuts of `new`, given `old`, the cuts of the text before `edit` made
/// it `new`, at the same `target`; the same as [`cuts`] of `new`, without
/// reading the whole text. The cuts before the edit stay: the scan that
/// placed them read only text the edit left alone. The scan resumes at the
/// last of them, and once it places a cut past the edit where the old text
/// had one, every later cut is the old one moved: where the next cut falls
/// depends only on the last cut and the text after it, which is the same.
pub(crate) fn recut(
    new: &[u8],
    target: usize,
    old: &[Cut],
    old_len: usize,
    edit: &InputEdit,
) -> Vec<Cut> {
    if old_len < 2 * target || new.len() < 2 * target || old.len() < 2 {
        return cuts(new, target);
    }
    // At least the first cut, at 0, stays.
    let keep = old
        .partition_point(|c| c.at <= edit.start_byte && c.at < new.len())
        .max(1);
    let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;
    let rows = edit.new_end_position.row as isize - edit.old_end_position.row as isize;
    let mut out = old[..keep].to_vec();
    let mut rest = None;
    scan(new, target, old[keep - 1], &mut out, |cut| {
        if cut.at < edit.new_end_byte {
            return false;
        }
        let was = (cut.at as isize - delta) as usize;
        rest = old.binary_search_by_key(&was, |c| c.at).ok().map(|j| j + 1);
        rest.is_some()
    });
    if let Some(j) = rest {
        out.extend(old[j..].iter().map(|c| Cut {
            at: (c.at as isize + delta) as usize,
            row: (c.row as isize + rows) as usize,
        }));
    }
    out
}

/// Scans `text` from `from` (offset 0 or a cut), pushing every further cut
/// onto `cuts`, until the end or until `stop` returns true for a cut just
/// pushed.
fn scan(
    text: &[u8],
    target: usize,
    from: Cut,
    cuts: &mut Vec<Cut>,
    mut stop: impl FnMut(Cut) -> bool,
) {
    let lone_brace = memchr::memmem::Finder::new(b"\n}");
    let mut last = from;
    // A line break before a lone `}` at `p` places a cut at `p + 3`, or
    // `p + 4` after `}\r`, so none before `last.at + target - 4` can make a
    // chunk long enough (nor any before the line break that ends the
    // line before the last cut).
    let start = |cut: Cut| {
        (cut.at + target)
            .saturating_sub(4)
            .max(cut.at.saturating_sub(1))
    };
    let mut from_byte = start(last);
    while let Some(found) = text.get(from_byte..).and_then(|rest| lone_brace.find(rest)) {
        let p = from_byte + found;
        from_byte = p + 1;
        let mut end = p + 2;
        if text.get(end) == Some(&b'\r') {
            end += 1;
        }
        if text.get(end) != Some(&b'\n') {
            continue;
        }
        let at = end + 1;
        if at >= text.len() {
            return;
        }
        if at - last.at < target {
            continue;
        }
        let cut = Cut {
            at,
            row: last.row + crate::line_breaks(&text[last.at..at]),
        };
        cuts.push(cut);
        if stop(cut) {
            return;
        }
        last = cut;
        from_byte = start(last);
    }
}

/// What to do for one chunk of the new text.
pub(crate) enum Job<'a> {
    /// Parse from scratch.
    Fresh,
    /// Parse again, reusing the old text's tree (already told of `edit`);
    /// `errors` are the old chunk's, at their offsets in the old text.
    Incremental {
        tree: Tree,
        errors: &'a [SyntaxError],
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
    jobs: Vec<(usize, Job<'_>)>,
) -> Vec<Chunk> {
    // A file of one chunk is parsed without included ranges, exactly as
    // tree-sitter parses a whole file, so only a cut file needs its end.
    let end = match cuts.last() {
        Some(last) if cuts.len() > 1 => Some(crate::point_from(
            text.as_bytes(),
            last.at,
            Point::new(last.row, 0),
            text.len(),
        )),
        _ => None,
    };
    let parse_one = |k: usize, job: &Job<'_>| -> Chunk {
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
            row: cuts[k].row,
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
    let rows = edit.new_end_position.row as isize - edit.old_end_position.row as isize;
    Chunk {
        bytes: move_by(chunk.bytes.start)..move_by(chunk.bytes.end),
        row: (chunk.row as isize + rows) as usize,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::point_at;

    /// Blocks with the things the scanner must not miscount: braces in
    /// strings and comments, an escaped line break in a string, CRLF.
    fn text(blocks: usize) -> String {
        let mut s = String::new();
        for i in 0..blocks {
            match i % 4 {
                0 => s.push_str(&format!(
                    "model M{i} {{\n  id Int @id\n  note String @default(\"{{ }}\")\n}}\n"
                )),
                1 => s.push_str(&format!(
                    "// a comment with a brace {{\nenum E{i} {{\n  A\n  B\n}}\n\n"
                )),
                2 => s.push_str(&format!(
                    "model M{i} {{\r\n  x String @default(\"a\\\nb\")\r\n}}\r\n"
                )),
                _ => s.push_str(&format!("/// Doc.\nmodel M{i} {{ id Int @id }}\n")),
            }
        }
        s
    }

    /// The points a reparse computes from the chunk an offset is in, and
    /// from an earlier point, are those counted from the start of the text.
    #[test]
    fn points_counted_from_a_chunk_equal_points_counted_from_the_start() {
        let text = text(60);
        let parse = crate::parse_in_chunks(text.as_str(), 256);
        assert!(parse.chunks.len() > 3);
        let bytes = text.as_bytes();
        for offset in 0..=bytes.len() {
            let expected = point_at(bytes, offset);
            assert_eq!(crate::point_in(bytes, &parse.chunks, offset), expected);
            let from = offset / 3;
            let at = point_at(bytes, from);
            assert_eq!(crate::point_from(bytes, from, at, offset), expected);
        }
    }

    /// `recut` after an edit gives what `cuts` gives on the new text, for
    /// random edits anywhere, including ones that open or close a block
    /// or a string and so move every cut after them.
    #[test]
    fn recut_equals_cutting_again() {
        const KEYS: &[&str] = &[
            "{",
            "}",
            "\"",
            "\n",
            "//",
            "\\",
            "x",
            "}\n",
            "model A {\n",
            "",
            "}\n\n",
            "}\n}\n{\n",
        ];
        let mut seed: u64 = 7;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n.max(1)
        };
        for target in [64, 256, 1024] {
            let mut current = text(200);
            let mut old_cuts = cuts(current.as_bytes(), target);
            for _ in 0..1000 {
                let at = next(current.len() + 1);
                let removed = if next(3) == 0 {
                    next(40).min(current.len() - at)
                } else {
                    0
                };
                let inserted = KEYS[next(KEYS.len())];
                let mut new = current.clone();
                new.replace_range(at..at + removed, inserted);
                let edit = InputEdit {
                    start_byte: at,
                    old_end_byte: at + removed,
                    new_end_byte: at + inserted.len(),
                    start_position: point_at(current.as_bytes(), at),
                    old_end_position: point_at(current.as_bytes(), at + removed),
                    new_end_position: point_at(new.as_bytes(), at + inserted.len()),
                };
                let fresh = cuts(new.as_bytes(), target);
                let again = recut(new.as_bytes(), target, &old_cuts, current.len(), &edit);
                assert_eq!(again, fresh, "target {target}, edit {edit:?}");
                current = new;
                old_cuts = fresh;
            }
        }
    }
}
