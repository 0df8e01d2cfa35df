//! Applying fixes to file texts. Shared by `check --fix` and the language
//! server's code actions, so both produce the same edits.

use std::collections::HashMap;
use std::sync::Arc;

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
    /// Fixes skipped because they overlapped an earlier one or did not fit
    /// the text.
    pub skipped: Vec<usize>,
    /// Fixes left out because they would add a syntax error (see
    /// [`apply_checked`]).
    pub dropped: Vec<usize>,
}

/// Applies `fixes` to the texts that `text_of` gives. A fix applies whole
/// or not at all. It is skipped when one of its edits overlaps an earlier
/// fix's (`check --fix` applies it in its next pass, after checking again)
/// or does not fit the text it edits (a range past the end or inside a
/// character: the text changed after the fix was computed), so `applied`
/// counts only fixes that took effect.
pub fn apply(fixes: &[&Fix], text_of: impl Fn(SourceFile) -> String) -> Applied {
    let mut out = Applied::default();
    let mut texts: HashMap<SourceFile, String> = HashMap::new();
    let mut taken: HashMap<SourceFile, Vec<(TextRange, Arc<str>)>> = HashMap::new();
    let mut order: Vec<SourceFile> = Vec::new();
    let mut creates: Vec<(String, Arc<str>)> = Vec::new();
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
    out.created = creates
        .into_iter()
        .map(|(path, content)| (path, content.to_string()))
        .collect();
    out
}

/// How many candidate fixes [`apply_checked`] tries one by one before it
/// drops the rest of a file's: each try parses the file again.
const MAX_TRIALS: usize = 64;

/// Like [`apply`], except that no fix may add a syntax error to a schema
/// file (`is_schema`). Fixes are meant never to, so this is a safety net:
/// when a schema file's fixed text parses with more errors than before, the
/// fixes that touch it are taken one at a time, in order, and each is kept
/// only if the file still parses with no more errors; the rest go to
/// `dropped`. `check --fix` and the language server's fix-all both apply
/// fixes through here, so they keep the same ones.
pub fn apply_checked(
    fixes: &[&Fix],
    text_of: impl Fn(SourceFile) -> String,
    is_schema: impl Fn(SourceFile) -> bool,
) -> Applied {
    let first = apply(fixes, &text_of);
    let errors = |text: &str| schemalint_syntax::parse(text).errors().len();
    let broken: Vec<(SourceFile, usize)> = first
        .changed
        .iter()
        .filter(|(file, _)| is_schema(*file))
        .filter_map(|(file, new)| {
            let before = errors(&text_of(*file));
            (errors(new) > before).then_some((*file, before))
        })
        .collect();
    if broken.is_empty() {
        return first;
    }
    let touches = |fix: &Fix, file: SourceFile| {
        fix.edits
            .iter()
            .any(|e| matches!(e, Edit::Replace { file: f, .. } if *f == file))
    };
    let mut kept: Vec<usize> = Vec::new();
    let mut dropped = Vec::new();
    let mut trials = 0;
    for &i in &first.applied {
        let at_risk: Vec<&(SourceFile, usize)> = broken
            .iter()
            .filter(|(f, _)| touches(fixes[i], *f))
            .collect();
        if at_risk.is_empty() {
            kept.push(i);
            continue;
        }
        trials += 1;
        if trials > MAX_TRIALS {
            dropped.push(i);
            continue;
        }
        let trial: Vec<&Fix> = kept.iter().chain([&i]).map(|&k| fixes[k]).collect();
        let result = apply(&trial, &text_of);
        let clean = at_risk.iter().all(|(file, before)| {
            result
                .changed
                .iter()
                .find(|(f, _)| f == file)
                .is_none_or(|(_, text)| errors(text) <= *before)
        });
        if clean {
            kept.push(i);
        } else {
            dropped.push(i);
        }
    }
    let chosen: Vec<&Fix> = kept.iter().map(|&k| fixes[k]).collect();
    let mut out = apply(&chosen, &text_of);
    // The kept fixes applied together once already, so none is skipped now.
    out.applied = out.applied.iter().map(|&j| kept[j]).collect();
    out.skipped = first.skipped;
    out.dropped = dropped;
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
            title: format!("replace {start}..{end}").into(),
            applicability: Applicability::Safe,
            edits: smallvec::smallvec![Edit::Replace {
                file,
                range: TextRange::new(start, end),
                content: content.into(),
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

    #[test]
    fn a_fix_that_would_break_the_syntax_is_dropped_and_the_others_kept() {
        let mut host = AnalysisHost::new();
        let text = "model A {\n  id Int @id\n}\n";
        let file = host.set_file("a.prisma", FileKind::Schema, text.into());
        let sql = host.set_file("m/migration.sql", FileKind::Migration, "SELECT 1;\n".into());
        let analysis = host.analysis();
        let fixes = [
            // Adds an index: fine.
            replace(file, 22, 22, "\n  @@index([id])"),
            // Leaves a block open: a syntax error.
            replace(file, 0, 0, "model B {\n"),
            // Renames the field: fine.
            replace(file, 12, 14, "key"),
            // Not a schema: never parsed as one.
            replace(sql, 0, 0, "{"),
        ];
        let refs: Vec<&Fix> = fixes.iter().collect();
        let text_of = |f| analysis.text(f).to_string();
        let is_schema = |f| analysis.kind(f) == FileKind::Schema;
        let applied = apply_checked(&refs, text_of, is_schema);
        assert_eq!(applied.applied, vec![0, 2, 3]);
        assert_eq!(applied.dropped, vec![1]);
        assert_eq!(
            applied.changed,
            vec![
                (
                    file,
                    "model A {\n  key Int @id\n  @@index([id])\n}\n".to_string()
                ),
                (sql, "{SELECT 1;\n".to_string()),
            ]
        );
        // Without the broken fix nothing is parsed again or dropped.
        let fine = [refs[0], refs[2]];
        let applied = apply_checked(&fine, text_of, is_schema);
        assert_eq!((applied.applied, applied.dropped), (vec![0, 1], vec![]));
    }
}
