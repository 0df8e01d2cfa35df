use schemalint_syntax::TextRange;

use super::Ctx;
use crate::db::FileKind;
use crate::diagnostic::Diagnostic;
use crate::items::normalize_provider;
use crate::migrations;

declare_rule! {
    /// ## What it does
    /// Reports a `migration_lock.toml` whose provider differs from the
    /// datasource's provider (after aliases: `postgres` is `postgresql`,
    /// `mssql` is `sqlserver`).
    ///
    /// ## Why is this bad?
    /// The migrations were written for another database. Prisma Migrate
    /// refuses to apply them, and their SQL would not run anyway.
    ///
    /// ## Example
    /// ```toml
    /// provider = "mysql"   # but the datasource says "postgresql"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// provider = "postgresql"
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: either the lock or the datasource is wrong.
    pub static MIGRATION_LOCK_MISMATCH = { code: "SL504", name: "migration-lock-mismatch", severity: Error, fix: None };
}

pub(crate) fn check(db: &dyn crate::db::Db, ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(ds) = ctx.schema.datasource() else {
        return;
    };
    let Some((provider, _)) = &ds.provider else {
        return;
    };
    let ds_file = ctx.schema.datasources[0].0;
    for &file in db.workspace().files(db) {
        if file.kind(db) != FileKind::MigrationLock {
            continue;
        }
        let Some((locked, range)) = migrations::lock_provider(file.text(db)) else {
            continue;
        };
        if normalize_provider(&locked) == provider {
            continue;
        }
        out.push(
            Diagnostic::new(
                &MIGRATION_LOCK_MISMATCH,
                file,
                TextRange::new(range.start, range.end),
                format!("the migrations are locked to provider `{locked}`, but the datasource uses `{provider}`"),
            )
            .with_related(ds_file, ds.name.range, "the datasource is declared here"),
        );
    }
}
