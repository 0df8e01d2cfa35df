//! Conversions between byte offsets and line/column positions.

use crate::{TextChange, TextRange};

/// A zero-based line and column. The column unit depends on the method
/// that produced it: characters, UTF-16 code units or bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of a text, for fast offset to position conversion.
///
/// Only `\n` ends a line (a `\r` before it belongs to the line), which is
/// what LSP and codespan-reporting agree on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // memchr looks at a word of bytes at a time: the editor builds this
        // for the whole file on every keystroke.
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// The index of `new`, a text that `change` made from this index's
    /// text: the line starts before the change are kept, those in the
    /// replaced span are found again in its replacement, and those after it
    /// are moved by the difference in length. The same as
    /// [`LineIndex::new`] on `new`, without reading all of it: the editor
    /// needs an index after every keystroke that adds a finding, and
    /// finding the quarter million line breaks of a 5 MB schema took
    /// 1.4 ms.
    pub fn edited(&self, new: &str, change: &TextChange) -> LineIndex {
        // A line start `s` follows the break at `s - 1`: kept when that
        // break is before the change, moved when it is at or after the
        // old span's end.
        let before = self.line_starts.partition_point(|&s| s <= change.start);
        let after = self.line_starts.partition_point(|&s| s <= change.old_end);
        let inserted = &new.as_bytes()[change.start..change.new_end];
        let mut line_starts = Vec::with_capacity(
            before + crate::line_breaks(inserted) + self.line_starts.len() - after,
        );
        line_starts.extend_from_slice(&self.line_starts[..before]);
        line_starts.extend(memchr::memchr_iter(b'\n', inserted).map(|i| change.start + i + 1));
        line_starts.extend(
            self.line_starts[after..]
                .iter()
                .map(|&s| s - change.old_end + change.new_end),
        );
        LineIndex {
            line_starts,
            len: new.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The zero-based line that contains `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        (self.line_starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    /// The byte range of a zero-based line, without its line break.
    pub fn line_range(&self, line: u32, text: &str) -> Option<TextRange> {
        let start = *self.line_starts.get(line as usize)?;
        let mut end = self
            .line_starts
            .get(line as usize + 1)
            .map_or(self.len, |s| s - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(TextRange::new(start, end))
    }

    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts.get(line as usize).copied()
    }

    /// Position with the column counted in characters.
    pub fn line_col_chars(&self, text: &str, offset: usize) -> LineCol {
        let (line, start, offset) = self.locate(text, offset);
        LineCol {
            line,
            col: text[start..offset].chars().count() as u32,
        }
    }

    /// Position with the column counted in UTF-16 code units (LSP's default).
    pub fn line_col_utf16(&self, text: &str, offset: usize) -> LineCol {
        let (line, start, offset) = self.locate(text, offset);
        LineCol {
            line,
            col: text[start..offset]
                .chars()
                .map(char::len_utf16)
                .sum::<usize>() as u32,
        }
    }

    /// Position with the column counted in bytes (LSP's `utf-8` encoding).
    pub fn line_col_utf8(&self, text: &str, offset: usize) -> LineCol {
        let (line, start, offset) = self.locate(text, offset);
        LineCol {
            line,
            col: (offset - start) as u32,
        }
    }

    /// The byte offset of a UTF-16 position. Positions past the end of a
    /// line clamp to the line end, and lines past the end clamp to the text
    /// end, as LSP requires.
    pub fn offset_utf16(&self, text: &str, pos: LineCol) -> usize {
        let Some(range) = self.line_range(pos.line, text) else {
            return self.len;
        };
        let mut units = 0u32;
        for (i, c) in text[range.start..range.end].char_indices() {
            if units >= pos.col {
                return range.start + i;
            }
            units += c.len_utf16() as u32;
        }
        range.end
    }

    /// The byte offset of a position whose column counts bytes, clamped to
    /// the line and moved back to a character boundary.
    pub fn offset_utf8(&self, text: &str, pos: LineCol) -> usize {
        let Some(range) = self.line_range(pos.line, text) else {
            return self.len;
        };
        let mut offset = (range.start + pos.col as usize).min(range.end);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// Clamps `offset` into the text and onto a char boundary, then returns
    /// its line, the line start and the adjusted offset.
    fn locate(&self, text: &str, offset: usize) -> (u32, usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        (line, self.line_starts[line as usize], offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An edited index equals a fresh one after random edits that add and
    /// remove line breaks anywhere, at the ends of the text included.
    #[test]
    fn an_edited_index_equals_a_fresh_one() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut below = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        let mut text = String::from("model A {\n  id Int @id\n}\n\nenum E {\n  X\n}\n");
        let mut index = LineIndex::new(&text);
        for step in 0..2000 {
            let boundary = |mut i: usize| {
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let start = boundary(below(text.len() + 1));
            let end = boundary((start + below(6)).min(text.len()));
            const PIECES: [&str; 6] = ["\n", "ab", "\r\n", "\n\nx", "", "é"];
            let piece = PIECES[below(PIECES.len())];
            let mut new = text.clone();
            new.replace_range(start..end, piece);
            if new.len() > 400 {
                new = new.chars().take(100).collect();
            }
            let change = TextChange::between(&text, &new);
            let edited = index.edited(&new, &change);
            assert_eq!(
                edited,
                LineIndex::new(&new),
                "step {step}: {text:?} -> {new:?}"
            );
            (text, index) = (new, edited);
        }
    }

    #[test]
    fn columns_in_each_unit() {
        let text = "ab\n🚀é x\r\nlast";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col_chars(text, x), LineCol { line: 1, col: 3 });
        assert_eq!(index.line_col_utf16(text, x), LineCol { line: 1, col: 4 });
        assert_eq!(index.line_col_utf8(text, x), LineCol { line: 1, col: 7 });
        assert_eq!(index.offset_utf16(text, LineCol { line: 1, col: 4 }), x);
        assert_eq!(index.offset_utf8(text, LineCol { line: 1, col: 7 }), x);
        // Past the end of a line clamps to its end, before `\r`.
        assert_eq!(
            index.offset_utf16(text, LineCol { line: 1, col: 99 }),
            x + 1
        );
        assert_eq!(
            index.offset_utf16(text, LineCol { line: 9, col: 0 }),
            text.len()
        );
        // Inside a multi-byte character moves back to its start.
        assert_eq!(index.offset_utf8(text, LineCol { line: 1, col: 1 }), 3);
        assert_eq!(index.line_col_chars(text, 4), LineCol { line: 1, col: 0 });
    }
}
