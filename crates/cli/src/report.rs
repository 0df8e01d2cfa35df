//! Diagnostics resolved to display paths and 1-based positions, ready for
//! any output format.

use std::sync::Arc;

use schemalint_analysis::{Analysis, Diagnostic, SourceFile};
use schemalint_syntax::TextRange;

/// A 1-based line and character column.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
pub(crate) struct Position {
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// A range in a displayed file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Location {
    /// Index into [`Report::files`].
    pub(crate) file: usize,
    pub(crate) range: TextRange,
    pub(crate) start: Position,
    pub(crate) end: Position,
}

pub(crate) struct ReportFile {
    pub(crate) display: String,
    pub(crate) text: Arc<str>,
    /// Built once per file; every location in the file uses it.
    index: schemalint_syntax::LineIndex,
}

pub(crate) struct Entry {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) location: Location,
    pub(crate) related: Vec<(Location, String)>,
    /// The fix's edits with display paths and 1-based positions.
    pub(crate) fix_edits: Vec<FixEdit>,
}

/// One edit of a fix, resolved for display.
pub(crate) struct FixEdit {
    pub(crate) file: String,
    pub(crate) start: Position,
    pub(crate) end: Position,
    pub(crate) content: String,
}

/// Everything one `check` run found.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) files: Vec<ReportFile>,
    pub(crate) entries: Vec<Entry>,
    /// Number of files checked.
    pub(crate) checked: usize,
    /// Where each display path is in `files`: a workspace with a thousand
    /// migrations looked each one up a thousand times.
    by_display: std::collections::HashMap<String, usize>,
}

impl Report {
    /// Adds the file behind `file` (once) and returns its index.
    pub(crate) fn file_index(
        &mut self,
        analysis: &Analysis,
        file: SourceFile,
        display: &str,
    ) -> usize {
        if let Some(&i) = self.by_display.get(display) {
            return i;
        }
        let text = analysis.text(file).clone();
        let index = schemalint_syntax::LineIndex::new(&text);
        self.files.push(ReportFile {
            display: display.to_string(),
            text,
            index,
        });
        self.by_display
            .insert(display.to_string(), self.files.len() - 1);
        self.files.len() - 1
    }

    pub(crate) fn locate(&self, file: usize, range: TextRange) -> Location {
        let text = &self.files[file].text;
        let index = &self.files[file].index;
        let pos = |offset| {
            let lc = index.line_col_chars(text, offset);
            Position {
                line: lc.line + 1,
                column: lc.col + 1,
            }
        };
        Location {
            file,
            range,
            start: pos(range.start),
            end: pos(range.end),
        }
    }

    pub(crate) fn count(&self, severity: schemalint_analysis::Severity) -> usize {
        self.entries
            .iter()
            .filter(|e| e.diagnostic.severity == severity)
            .count()
    }
}
