//! How one version of a text became the next: the span that was replaced,
//! found by comparing the two, so callers need not track edits.

/// Where two versions of a text differ: the bytes `start..old_end` of the
/// old text became `start..new_end` of the new one. An offset before
/// `start` is the same in both; an offset at or after `old_end` in the old
/// text is at `offset - old_end + new_end` in the new one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TextChange {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
    /// Whether the replaced span and its replacement hold as many line
    /// breaks, so that a line after the change keeps its number.
    same_line_count: bool,
}

impl TextChange {
    /// No change to a text of `len` bytes: what [`TextChange::between`]
    /// gives for two equal texts, without comparing them.
    pub fn none(len: usize) -> TextChange {
        TextChange {
            start: len,
            old_end: len,
            new_end: len,
            same_line_count: true,
        }
    }

    /// The change from `old` to `new`: their longest common prefix, then
    /// the longest common suffix of what is left. Equal texts give an
    /// empty change at their end.
    pub fn between(old: &str, new: &str) -> TextChange {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let start = common_prefix(old, new);
        let tail = common_suffix(&old[start..], &new[start..]);
        let (old_end, new_end) = (old.len() - tail, new.len() - tail);
        let breaks = crate::line_breaks;
        TextChange {
            start,
            old_end,
            new_end,
            same_line_count: breaks(&old[start..old_end]) == breaks(&new[start..new_end]),
        }
    }

    /// The offset in the old text that has the same line and column as
    /// `offset` in `new` (the text this change ends in), in any column
    /// unit, as [`LineIndex`](crate::LineIndex) counts them; `None` when
    /// the change may have moved it. That holds before the change, and
    /// after it from the first line that starts after it, when the change
    /// adds or removes no line break: the line's number and its text up to
    /// the offset are then the same.
    pub fn old_offset_at_same_position(&self, new: &str, offset: usize) -> Option<usize> {
        if offset <= self.start {
            return Some(offset);
        }
        if offset < self.new_end || !self.same_line_count {
            return None;
        }
        // Only `\n` ends a line, so a line that starts after the change
        // starts right after a `\n` of the unchanged suffix.
        memchr::memrchr(b'\n', new.as_bytes().get(self.new_end..offset)?)?;
        Some(offset - self.new_end + self.old_end)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LineIndex;

    /// Every offset the change claims to keep must have the same UTF-8
    /// and UTF-16 position in both texts, over edits of every kind at
    /// every place of a small text with CRLF, wide characters and a last
    /// line without a break.
    #[test]
    fn kept_positions_are_the_same_in_both_texts() {
        let old = "model A {\r\n  id Int // 🦀\n\n  name String é\n}\nlast";
        let inserts = ["", "x", "\n", "\r", "🦀", "ab\ncd", "\r\n"];
        let old_index = LineIndex::new(old);
        let mut kept = 0;
        for start in (0..=old.len()).filter(|&i| old.is_char_boundary(i)) {
            for end in (start..=old.len().min(start + 4)).filter(|&i| old.is_char_boundary(i)) {
                for insert in inserts {
                    let new = format!("{}{insert}{}", &old[..start], &old[end..]);
                    let change = TextChange::between(old, &new);
                    assert_eq!(&old[..change.start], &new[..change.start]);
                    assert_eq!(&old[change.old_end..], &new[change.new_end..]);
                    let new_index = LineIndex::new(&new);
                    for offset in (0..=new.len()).filter(|&i| new.is_char_boundary(i)) {
                        let Some(at) = change.old_offset_at_same_position(&new, offset) else {
                            continue;
                        };
                        kept += 1;
                        assert_eq!(
                            old_index.line_col_utf16(old, at),
                            new_index.line_col_utf16(&new, offset),
                            "{new:?} at {offset}"
                        );
                        assert_eq!(
                            old_index.line_col_utf8(old, at),
                            new_index.line_col_utf8(&new, offset),
                            "{new:?} at {offset}"
                        );
                    }
                }
            }
        }
        assert!(kept > 10_000, "{kept}");
    }

    #[test]
    fn equal_texts_change_nothing() {
        let change = TextChange::between("abc", "abc");
        assert_eq!(change, TextChange::none(3));
        assert_eq!((change.start, change.old_end, change.new_end), (3, 3, 3));
        assert_eq!(change.old_offset_at_same_position("abc", 2), Some(2));
    }
}
