use schemalint_syntax::TextRange;

use crate::db::Db;
use crate::diagnostic::Diagnostic;
use crate::migrations::{self, sql};

declare_rule! {
    /// ## What it does
    /// Reports an object (table, column, index, enum type, constraint or
    /// schema) that `migration.sql` creates and its down file leaves in
    /// place. An index or constraint of a table the down file drops counts
    /// as reverted. An empty down file reverts nothing.
    ///
    /// ## Why is this bad?
    /// After the rollback the database matches neither the old schema nor
    /// the new one. Re-running the migration then fails on the object that
    /// is still there, in the middle of an incident.
    ///
    /// ## Example
    /// ```sql
    /// -- migration.sql
    /// ALTER TABLE "Analysis" ADD COLUMN "priority" INTEGER;
    /// ALTER TABLE "Analysis" ADD COLUMN "dueAt" TIMESTAMP(3);
    /// -- down.sql
    /// ALTER TABLE "Analysis" DROP COLUMN "dueAt";
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- down.sql
    /// ALTER TABLE "Analysis" DROP COLUMN "dueAt";
    /// ALTER TABLE "Analysis" DROP COLUMN "priority";
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the down file is hand-written, and its author
    /// decides what to restore.
    pub static INCOMPLETE_ROLLBACK = { code: "SL502", name: "incomplete-rollback", severity: Warning, fix: None };
}

pub(crate) fn check(db: &dyn Db, out: &mut Vec<Diagnostic>) {
    for migration in migrations::migrations(db).iter() {
        let Some(&down) = migration.downs.first() else {
            continue;
        };
        let up = migrations::statements(db, migration.up);
        let down_statements: Vec<sql::Statement> = migration
            .downs
            .iter()
            .flat_map(|d| migrations::statements(db, *d).iter().cloned())
            .collect();
        for (index, object) in sql::unreverted(up, &down_statements) {
            let statement = &up[index];
            out.push(
                Diagnostic::new(
                    &INCOMPLETE_ROLLBACK,
                    migration.up,
                    TextRange::new(statement.range.start, statement.range.end),
                    format!(
                        "{object} is created here but `{}` does not remove it",
                        down.path(db)
                    ),
                )
                .with_related(down, TextRange::empty(0), "the rollback"),
            );
        }
    }
}
