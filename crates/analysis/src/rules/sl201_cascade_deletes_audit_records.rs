use super::{restrict_fix, Ctx};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports `onDelete: Cascade` on a relation from an audit model to its
    /// parent. A model is an audit model when its name matches `[audit]
    /// models` (default `*Audit*` and `*History`) or its doc comment
    /// contains `@audit`.
    ///
    /// ## Why is this bad?
    /// An audit trail must be append-only. With a cascade, deleting the
    /// parent row silently erases every audit record about it: exactly the
    /// history an investigation or a regulator asks for.
    ///
    /// ## Example
    /// ```prisma
    /// /// @audit
    /// model SampleHistory {
    ///   id       String @id
    ///   sampleId String
    ///   sample   Sample @relation(fields: [sampleId], references: [id], onDelete: Cascade)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model SampleHistory {
    ///   id       String @id
    ///   sampleId String
    ///   sample   Sample @relation(fields: [sampleId], references: [id], onDelete: Restrict)
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: with `Restrict`, deleting a parent that has audit records
    /// fails instead of succeeding, which changes the app's behaviour.
    pub static CASCADE_DELETES_AUDIT_RECORDS = { code: "SL201", name: "cascade-deletes-audit-records", severity: Error, fix: Unsafe };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for &(child_id, field, parent_id) in ctx.schema.cascades() {
        let child = ctx.schema.model(child_id);
        if !ctx.is_audit_model(child) {
            continue;
        }
        let (field, on_delete) = ctx.schema.cascade_field(child_id, field);
        let parent = ctx.schema.model(parent_id);
        out.push(
            Diagnostic::new(
                &CASCADE_DELETES_AUDIT_RECORDS,
                child_id.file,
                child.abs(on_delete.range),
                format!(
                    "deleting a `{}` row deletes its `{}` audit records through `{}.{}` (onDelete: Cascade); audit trails must be append-only",
                    parent.name.name, child.name.name, child.name.name, field.name.name
                ),
            )
            .with_related(parent_id.file, parent.name_range(), format!("`{}` is declared here", parent.name.name))
            .with_fix(restrict_fix(child_id.file, child.abs(on_delete.range))),
        );
    }
}
