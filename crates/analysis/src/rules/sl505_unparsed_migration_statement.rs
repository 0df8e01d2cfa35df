use schemalint_syntax::TextRange;

use crate::db::Db;
use crate::db::FileKind;
use crate::diagnostic::Diagnostic;
use crate::migrations;

declare_rule! {
    /// ## What it does
    /// Reports a statement in a migration or down file that the SQL parser
    /// could not read, so the migration rules did not analyse it.
    ///
    /// ## Why is this bad?
    /// It is not a mistake in itself: the statement may be valid for the
    /// database (for example a PostgreSQL `DO` block). But whatever it
    /// creates or drops is invisible to the rollback and destructive-change
    /// checks, so review it by hand.
    ///
    /// ## Example
    /// ```sql
    /// DO $$ BEGIN PERFORM 1; END $$;
    /// ```
    ///
    /// ## Use instead
    /// Keep such statements few, and document what they do in a comment.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub static UNPARSED_MIGRATION_STATEMENT = { code: "SL505", name: "unparsed-migration-statement", severity: Info, fix: None };
}

pub(crate) fn check(db: &dyn Db, out: &mut Vec<Diagnostic>) {
    for &file in db.workspace().files(db) {
        if !matches!(file.kind(db), FileKind::Migration | FileKind::Down) {
            continue;
        }
        for statement in migrations::statements(db, file).iter() {
            let Some(error) = &statement.parse_error else {
                continue;
            };
            out.push(Diagnostic::new(
                &UNPARSED_MIGRATION_STATEMENT,
                file,
                TextRange::new(statement.range.start, statement.range.end),
                format!(
                    "could not parse `{}`, so it was not analysed: {error}",
                    statement.summary
                ),
            ));
        }
    }
}
