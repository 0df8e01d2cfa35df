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

/// Applies `fixes` to the texts that `text_of` gives. A fix applies whole
/// or not at all. It is skipped when one of its edits overlaps an earlier
/// fix's (a second run picks it up) or does not fit the text it edits (a
/// range past the end or inside a character: the text changed after the
/// fix was computed), so `applied` counts only fixes that took effect.
pub fn apply(fixes: &[&Fix], text_of: impl Fn(SourceFile) -> String) -> Applied {
    let mut out = Applied::default();
    let mut texts: HashMap<SourceFile, String> = HashMap::new();
    let mut taken: HashMap<SourceFile, Vec<(TextRange, String)>> = HashMap::new();
    let mut order: Vec<SourceFile> = Vec::new();
    let mut creates: Vec<(String, String)> = Vec::new();
    'fixes: for (i, fix) in fixes.iter().enumerate() {
        for edit in &fix.edits {
            let usable = match edit {
                Edit::Replace { file, range, .. } => {
                    let text = texts.entry(*file).or_insert_with(|| text_of(*file));
                    fits(text, *range)
                        && !taken
                            .get(file)
                            .is_some_and(|v| v.iter().any(|(r, _)| overlaps(*r, *range)))
                }
                Edit::Create { path, .. } => !creates.iter().any(|(p, _)| p == path),
            };
            if !usable {
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
        let mut text = texts.remove(&file).unwrap_or_else(|| text_of(file));
        // Apply from the end so earlier offsets stay valid; insertions at
        // the same offset keep their order.
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        for (range, content) in edits.into_iter().rev() {
            text.replace_range(range.start..range.end, &content);
        }
        out.changed.push((file, text));
    }
    out.created = creates;
    out
}

/// Whether `range` lies within `text` and on character boundaries.
fn fits(text: &str, range: TextRange) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

/// Whether two edits touch the same text. Two insertions at one offset
/// clash; an insertion at the edge of a replacement does not.
fn overlaps(a: TextRange, b: TextRange) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::FileKind;
    use crate::diagnostic::Applicability;
    use crate::AnalysisHost;

    fn replace(file: SourceFile, start: usize, end: usize, content: &str) -> Fix {
        Fix {
            title: format!("replace {start}..{end}"),
            applicability: Applicability::Safe,
            edits: vec![Edit::Replace {
                file,
                range: TextRange::new(start, end),
                content: content.to_string(),
            }],
        }
    }

    #[test]
    fn overlapping_and_misfit_fixes_are_skipped_not_counted() {
        let mut host = AnalysisHost::new();
        let file = host.set_file("a.prisma", FileKind::Schema, "model Ä {}\n".into());
        let analysis = host.analysis();
        let fixes = [
            replace(file, 0, 5, "view"),
            // Overlaps the first.
            replace(file, 3, 7, "x"),
            // Past the end of the text.
            replace(file, 9, 40, "y"),
            // Inside the two bytes of `Ä`.
            replace(file, 7, 7, "z"),
            // Two insertions at one offset clash too.
            replace(file, 11, 11, " // one"),
            replace(file, 11, 11, " // two"),
        ];
        let refs: Vec<&Fix> = fixes.iter().collect();
        let applied = apply(&refs, |f| analysis.text(f).to_string());
        assert_eq!(applied.applied, vec![0, 4]);
        assert_eq!(applied.skipped, vec![1, 2, 3, 5]);
        assert_eq!(
            applied.changed,
            vec![(file, "view Ä {} // one\n".to_string())]
        );
    }
}
