//! Applying fixes to file texts. Shared by `check --fix` and the language
//! server's code actions, so both produce the same edits.

use std::collections::HashMap;

use schemalint_syntax::TextRange;

use crate::db::SourceFile;
use crate::diagnostic::{Edit, Fix};

/// The result of applying a set of fixes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// New texts of existing files.
    pub changed: Vec<(SourceFile, String)>,
    /// Files to create: workspace-relative path and content.
    pub created: Vec<(String, String)>,
    /// Fixes applied, by index into the input.
    pub applied: Vec<usize>,
    /// Fixes skipped because they overlapped an earlier one.
    pub skipped: Vec<usize>,
}

/// Applies `fixes` to `texts`. A fix applies whole or not at all; one whose
/// edits overlap an earlier fix's is skipped (a second run picks it up).
pub fn apply(fixes: &[&Fix], text_of: impl Fn(SourceFile) -> String) -> Applied {
    let mut out = Applied::default();
    let mut taken: HashMap<SourceFile, Vec<(TextRange, String)>> = HashMap::new();
    let mut order: Vec<SourceFile> = Vec::new();
    let mut creates: Vec<(String, String)> = Vec::new();
    'fixes: for (i, fix) in fixes.iter().enumerate() {
        for edit in &fix.edits {
            let clash = match edit {
                Edit::Replace { file, range, .. } => taken
                    .get(file)
                    .is_some_and(|v| v.iter().any(|(r, _)| overlaps(*r, *range))),
                Edit::Create { path, .. } => creates.iter().any(|(p, _)| p == path),
            };
            if clash {
                out.skipped.push(i);
                continue 'fixes;
            }
        }
        for edit in &fix.edits {
            match edit {
                Edit::Replace {
                    file,
                    range,
                    content,
                } => {
                    if !taken.contains_key(file) {
                        order.push(*file);
                    }
                    taken
                        .entry(*file)
                        .or_default()
                        .push((*range, content.clone()))
                }
                Edit::Create { path, content } => creates.push((path.clone(), content.clone())),
            }
        }
        out.applied.push(i);
    }
    for file in order {
        let mut edits = taken.remove(&file).unwrap_or_default();
        let mut text = text_of(file);
        // Apply from the end so earlier offsets stay valid; insertions at
        // the same offset keep their order.
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        for (range, content) in edits.into_iter().rev() {
            if range.end <= text.len()
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end)
            {
                text.replace_range(range.start..range.end, &content);
            }
        }
        out.changed.push((file, text));
    }
    out.created = creates;
    out
}

/// Whether two edits touch the same text. Two insertions at one offset
/// clash; an insertion at the edge of a replacement does not.
fn overlaps(a: TextRange, b: TextRange) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
}
