use schemalint_syntax::TextRange;

use crate::db::Db;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::migrations::{self, sql};

declare_rule! {
    /// ## What it does
    /// Reports a migration folder with a `migration.sql` and no down file
    /// (any name in `[migrations] down`, by default `down.sql`,
    /// `rollback.sql` or `migration.down.sql`).
    ///
    /// ## Why is this bad?
    /// Prisma Migrate only moves forward. When a deploy goes wrong, the team
    /// writes the rollback under pressure, by hand, against production. A
    /// reviewed down file turns that into a routine step.
    ///
    /// ## Example
    /// ```text
    /// prisma/migrations/20240105093000_init/migration.sql
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// prisma/migrations/20240105093000_init/migration.sql
    /// prisma/migrations/20240105093000_init/down.sql
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe (applied only with `--fix --unsafe-fixes`): it writes a
    /// `down.sql` with the inverse of each invertible statement, in reverse
    /// order, and a `-- TODO` line for each statement it cannot invert.
    /// Running a rollback drops data, so it must be reviewed.
    pub static MIGRATION_WITHOUT_ROLLBACK = { code: "SL501", name: "migration-without-rollback", severity: Warning, fix: Unsafe };
}

pub(crate) fn check(db: &dyn Db, out: &mut Vec<Diagnostic>) {
    let down_name = db
        .workspace()
        .config(db)
        .migrations
        .down
        .first()
        .map_or("down.sql", String::as_str);
    for migration in migrations::migrations(db).iter() {
        if !migration.downs.is_empty() {
            continue;
        }
        let text = migration.up.text(db);
        let statements = migrations::statements(db, migration.up);
        // The first statement's first line, so that a suppression comment
        // above it (after Prisma's `-- CreateTable` header) applies.
        let anchor = match statements.first() {
            Some(st) => {
                let end = text[st.range.start..st.range.end]
                    .find('\n')
                    .map_or(st.range.end, |i| st.range.start + i);
                TextRange::new(st.range.start, end)
            }
            None => TextRange::new(0, text.find('\n').unwrap_or(text.len())),
        };
        let path = if migration.folder.is_empty() {
            down_name.to_string()
        } else {
            format!("{}/{down_name}", migration.folder)
        };
        out.push(
            Diagnostic::new(
                &MIGRATION_WITHOUT_ROLLBACK,
                migration.up,
                anchor,
                format!("migration `{}` has no rollback: add a `{down_name}` beside its `migration.sql`", migration.folder),
            )
            .with_fix(Fix {
                title: format!("Generate `{path}`").into(),
                applicability: Applicability::Unsafe,
                edits: smallvec::smallvec![Edit::Create { path, content: sql::generate_down(statements, migrations::dialect(db)).into() }],
            }),
        );
    }
}
