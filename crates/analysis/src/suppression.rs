//! Suppression comments.
//!
//! `// schemalint-ignore SL101, SL202: reason` silences those codes on its
//! own line when it trails code, or on the next line with code when it
//! stands alone. `// schemalint-ignore-file SL301` silences a code in the
//! whole file. SQL files use `--` and `migration_lock.toml` uses `#`. Codes
//! may also be prefixes (`SL2`) or rule names, as in `--select`.

use crate::db::{self, Db, FileKind, SourceFile};
use crate::diagnostic::Diagnostic;

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Suppressions {
    /// (zero-based line, selectors) pairs.
    lines: Vec<(u32, Vec<String>)>,
    file: Vec<String>,
}

impl Suppressions {
    pub fn is_suppressed(&self, line: u32, diagnostic: &Diagnostic) -> bool {
        let hit = |selectors: &Vec<String>| selectors.iter().any(|s| diagnostic.rule.matches(s));
        hit(&self.file) || self.lines.iter().any(|(l, s)| *l == line && hit(s))
    }
}

const MARKER: &str = "schemalint-ignore";

#[salsa::tracked(returns(ref))]
pub fn suppressions(db: &dyn Db, file: SourceFile) -> Suppressions {
    let text = file.text(db);
    // Most files have no suppression at all; a plain substring search is
    // far cheaper than collecting the comments of a large syntax tree.
    if !text.contains(MARKER) {
        return Suppressions::default();
    }
    let prefix = match file.kind(db) {
        FileKind::Schema => "//",
        FileKind::Migration | FileKind::Down => "--",
        FileKind::MigrationLock => "#",
    };
    // Schema comments come from the syntax tree, so a `//` inside a string
    // is never taken for a comment. Other files are scanned line by line.
    let comments: Vec<(usize, &str)> = if file.kind(db) == FileKind::Schema {
        db::parse(db, file)
            .source_file()
            .comments()
            .into_iter()
            .map(|(r, t)| (r.start, t))
            .collect()
    } else {
        let mut offset = 0;
        let mut out = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(at) = line.find(prefix) {
                out.push((offset + at, &line[at..]));
            }
            offset += line.len();
        }
        out
    };
    if !comments.iter().any(|(_, t)| t.contains(MARKER)) {
        return Suppressions::default();
    }
    let index = db::line_index(db, file);
    let mut result = Suppressions::default();
    for (start, comment) in comments {
        let body = comment
            .trim_start_matches(prefix.chars().next().unwrap_or('/'))
            .trim_start();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let (whole_file, rest) = match rest.strip_prefix("-file") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let codes = rest.split(':').next().unwrap_or("");
        // Selectors end at the first word that names no rule, so a reason
        // written without `:` never silences rules by accident. `ALL` is not
        // accepted here: a blanket suppression must be spelled out.
        let selectors: Vec<String> = codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .take_while(|s| !s.eq_ignore_ascii_case("all") && crate::rules::is_known_selector(s))
            .map(str::to_string)
            .collect();
        if selectors.is_empty() {
            continue;
        }
        if whole_file {
            result.file.extend(selectors);
            continue;
        }
        let line = index.line_of(start);
        let line_start = index.line_start(line).unwrap_or(0);
        let trails_code = !text[line_start..start].trim().is_empty();
        let target = if trails_code {
            Some(line)
        } else {
            next_code_line(text, index, line, prefix)
        };
        if let Some(target) = target {
            result.lines.push((target, selectors));
        }
    }
    result
}

fn next_code_line(
    text: &str,
    index: &schemalint_syntax::LineIndex,
    after: u32,
    prefix: &str,
) -> Option<u32> {
    (after + 1..index.line_count() as u32).find(|&l| {
        index.line_range(l, text).is_some_and(|r| {
            let line = text[r.start..r.end].trim();
            !line.is_empty() && !line.starts_with(prefix)
        })
    })
}
