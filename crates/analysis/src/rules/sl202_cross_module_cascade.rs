use super::{restrict_fix, Ctx};
use crate::diagnostic::Diagnostic;
use crate::semantic::Decl;

declare_rule! {
    /// ## What it does
    /// Reports `onDelete: Cascade` on a relation whose child and parent
    /// models belong to different modules.
    ///
    /// ## Why is this bad?
    /// Deleting a row in one module silently deletes another module's
    /// records. The team that owns the parent cannot see the blast radius,
    /// and the module boundary stops meaning anything.
    ///
    /// ## Example
    /// ```prisma
    /// // src/lims/schema.prisma
    /// model Sample {
    ///   id        String  @id
    ///   projectId String
    ///   project   Project @relation(fields: [projectId], references: [id], onDelete: Cascade) // Project is in core
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Sample {
    ///   id        String  @id
    ///   projectId String
    ///   project   Project @relation(fields: [projectId], references: [id], onDelete: Restrict)
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: with `Restrict`, deleting the parent fails while children
    /// exist, which changes the app's behaviour.
    pub static CROSS_MODULE_CASCADE = { code: "SL202", name: "cross-module-cascade", severity: Warning, fix: Unsafe };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for &(child_id, field, parent_id) in ctx.schema.cascades() {
        let child_module = ctx.schema.module(Decl::Model(child_id));
        let parent_module = ctx.schema.module(Decl::Model(parent_id));
        if child_module == parent_module {
            continue;
        }
        let (field, on_delete) = ctx.schema.cascade_field(child_id, field);
        let child = ctx.schema.model(child_id);
        let parent = ctx.schema.model(parent_id);
        out.push(
            Diagnostic::new(
                &CROSS_MODULE_CASCADE,
                child_id.file,
                child.abs(on_delete.range),
                format!(
                    "deleting a `{}` row (module `{parent_module}`) deletes `{}` records of module `{child_module}` through `{}.{}`",
                    parent.name.name, child.name.name, child.name.name, field.name.name
                ),
            )
            .with_related(
                parent_id.file,
                parent.name_range(),
                format!("`{}` is declared in module `{parent_module}`", parent.name.name),
            )
            .with_fix(restrict_fix(child_id.file, child.abs(on_delete.range))),
        );
    }
}
