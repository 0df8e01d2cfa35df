use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::items::RelIdent;
use crate::semantic::ModelId;

declare_rule! {
    /// ## What it does
    /// Reports a name in `@relation(fields: ...)`, `@relation(references: ...)`,
    /// `@@index`, `@@unique` or `@@id` that is not a field of the model it
    /// must belong to (`references` name fields of the related model).
    ///
    /// ## Why is this bad?
    /// Prisma rejects the schema, and the index or relation the author meant
    /// does not exist.
    ///
    /// ## Example
    /// ```prisma
    /// model Sample {
    ///   id        String  @id
    ///   projectId String
    ///   project   Project @relation(fields: [projctId], references: [id])
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Sample {
    ///   id        String  @id
    ///   projectId String
    ///   project   Project @relation(fields: [projectId], references: [id])
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// There is no automatic fix.
    pub static UNKNOWN_FIELD_REFERENCE = { code: "SL003", name: "unknown-field-reference", severity: Error, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    let model = ctx.schema.model(id);
    // `place` is formatted only for a finding: most references are fine.
    let mut report = |name: &RelIdent,
                      owner: &str,
                      place: &dyn std::fmt::Display,
                      has: &dyn Fn(&str) -> bool| {
        if !has(&name.name) {
            out.push(Diagnostic::new(
                &UNKNOWN_FIELD_REFERENCE,
                id.file,
                model.abs(name.range),
                format!(
                    "{place} names `{}`, which is not a field of `{owner}`",
                    name.name
                ),
            ));
        }
    };
    let own = |n: &str| model.field(n).is_some();
    for (i, field) in model.fields.iter().enumerate() {
        let Some(rel) = &field.relation else { continue };
        for name in rel.fields.iter().flatten() {
            report(name, &model.name.name, &"`@relation(fields: ...)`", &own);
        }
        if let Some(target) = ctx.schema.field_target(id, i) {
            let target = ctx.schema.model(target);
            let theirs = |n: &str| target.field(n).is_some();
            for name in rel.references.iter().flatten() {
                report(
                    name,
                    &target.name.name,
                    &"`@relation(references: ...)`",
                    &theirs,
                );
            }
        }
    }
    for index in &model.indexes {
        for name in &index.fields {
            report(
                name,
                &model.name.name,
                &format_args!("`{}`", index.kind.attribute()),
                &own,
            );
        }
    }
}
