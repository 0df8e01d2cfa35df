//! Runs the rules and applies the configuration to what they find.

use std::sync::Arc;

use crate::db::{Db, FileKind, SourceFile};
use crate::diagnostic::Diagnostic;
use crate::rules::{self, Rule};
use crate::{semantic, suppression};

/// Findings of the rules that look at the whole workspace, for all files.
#[salsa::tracked(returns(ref))]
pub(crate) fn workspace_diagnostics(db: &dyn Db) -> Arc<Vec<Diagnostic>> {
    let schema = semantic::schema(db);
    let config = db.workspace().config(db);
    let ctx = rules::Ctx::new(db, schema, config);
    let mut out = Vec::new();
    for rule in rules::WORKSPACE_RULES {
        rule(&ctx, &mut out);
    }
    Arc::new(out)
}

/// The final diagnostics of one file. Backdated when unchanged, so the
/// language server can tell which files need new diagnostics.
#[salsa::tracked(returns(ref))]
pub(crate) fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if file.kind(db) == FileKind::Schema {
        rules::sl001_syntax_error::check(db, file, &mut out);
    }
    out.extend(
        workspace_diagnostics(db)
            .iter()
            .filter(|d| d.file == file)
            .cloned(),
    );
    let config = db.workspace().config(db).clone();
    out.retain(|d| is_enabled(&config.rules, d.rule));
    let suppressions = suppression::suppressions(db, file);
    if *suppressions != suppression::Suppressions::default() {
        let index = crate::db::line_index(db, file);
        out.retain(|d| !suppressions.is_suppressed(index.line_of(d.range.start), d));
    }
    for d in &mut out {
        if let Some(sev) = config
            .rules
            .severity
            .get(d.rule.code)
            .or_else(|| config.rules.severity.get(d.rule.name))
        {
            d.severity = (*sev).into();
        }
    }
    out.sort_by(|a, b| (a.range.start, a.rule.code).cmp(&(b.range.start, b.rule.code)));
    out
}

fn is_enabled(rules: &crate::config::RulesConfig, rule: &Rule) -> bool {
    let selected = rules.select.is_empty() || rules.select.iter().any(|s| rule.matches(s));
    selected && !rules.ignore.iter().any(|s| rule.matches(s))
}
