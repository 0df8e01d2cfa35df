use schemalint_syntax::TextRange;

use crate::db::Db;
use crate::diagnostic::Diagnostic;
use crate::migrations::{self, sql};

declare_rule! {
    /// ## What it does
    /// Reports a statement in `migration.sql` that destroys data: it drops a
    /// table, column, type or schema, changes a column's type, truncates a
    /// table, or deletes without `WHERE`.
    ///
    /// ## Why is this bad?
    /// No rollback brings the data back: a down file can recreate the
    /// column, not its contents. Such a step needs a backup, a data
    /// migration or an expand-and-contract plan, decided before deploy.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE "lims"."Instrument" DROP COLUMN "lastCalibratedAt";
    /// ```
    ///
    /// ## Use instead
    /// Copy the data first (here into the new `Calibration` table) in the
    /// same migration, or keep the column until a later release, and
    /// suppress the finding with a reason:
    /// ```sql
    /// -- schemalint-ignore SL503: copied into Calibration above
    /// ALTER TABLE "lims"."Instrument" DROP COLUMN "lastCalibratedAt";
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub static DESTRUCTIVE_MIGRATION = { code: "SL503", name: "destructive-migration", severity: Warning, fix: None };
}

pub(crate) fn check(db: &dyn Db, out: &mut Vec<Diagnostic>) {
    for migration in migrations::migrations(db).iter() {
        for statement in migrations::statements(db, migration.up).iter() {
            let what: Vec<String> = statement
                .effects
                .iter()
                .filter_map(|effect| match effect {
                    sql::Effect::Drop(object)
                        if matches!(
                            object.kind,
                            sql::ObjectKind::Table
                                | sql::ObjectKind::Column
                                | sql::ObjectKind::Type
                                | sql::ObjectKind::Schema
                        ) =>
                    {
                        Some(format!("drops {object}"))
                    }
                    sql::Effect::AlterColumnType { table, column } => Some(format!(
                        "changes the type of column \"{column}\" of table {table}"
                    )),
                    sql::Effect::Truncate(table) => Some(format!("truncates table {table}")),
                    sql::Effect::DeleteWithoutWhere(table) => {
                        Some(format!("deletes every row of table {table}"))
                    }
                    _ => None,
                })
                .collect();
            if what.is_empty() {
                continue;
            }
            out.push(Diagnostic::new(
                &DESTRUCTIVE_MIGRATION,
                migration.up,
                TextRange::new(statement.range.start, statement.range.end),
                format!(
                    "this statement {}: no rollback can restore the data",
                    what.join(" and ")
                ),
            ));
        }
    }
}
