use schemalint_syntax::ast::Arity;
use schemalint_syntax::TextRange;

use super::{audit_field_kind, AuditField, Ctx};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::semantic::ModelId;

declare_rule! {
    /// ## What it does
    /// Reports a required `createdAt` without `@default(now())`, and a
    /// required `updatedAt` without `@updatedAt` (both `DateTime`).
    ///
    /// ## Why is this bad?
    /// Every `create` must then pass the timestamp by hand. Code that
    /// forgets fails at run time, and code that passes its own clock writes
    /// times that disagree with the database's.
    ///
    /// ## Example
    /// ```prisma
    /// model Sample {
    ///   id        String   @id
    ///   createdAt DateTime
    ///   updatedAt DateTime
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Sample {
    ///   id        String   @id
    ///   createdAt DateTime @default(now())
    ///   updatedAt DateTime @updatedAt
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Safe: a default only applies when no value is given, and
    /// `@updatedAt` is maintained by Prisma Client; existing rows and
    /// explicit values are untouched.
    pub static AUDIT_FIELD_WITHOUT_DEFAULT = { code: "SL302", name: "audit-field-without-default", severity: Info, fix: Safe };
}

pub(crate) fn check(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    let model = ctx.schema.model(id);
    // Views are read-only and composite types are not tables.
    if model.kind != schemalint_syntax::ast::ModelKind::Model {
        return;
    }
    for field in &model.fields {
        if field.arity != Arity::Required
            || field
                .type_name
                .as_ref()
                .is_none_or(|t| t.name != "DateTime")
        {
            continue;
        }
        let (missing, attribute) =
            match audit_field_kind(&ctx.config.audit.fields, &field.name.name) {
                Some(AuditField::CreatedAt) if field.default.is_none() => {
                    ("`@default(now())`", "@default(now())")
                }
                Some(AuditField::UpdatedAt) if !field.updated_at => ("`@updatedAt`", "@updatedAt"),
                _ => continue,
            };
        out.push(
            Diagnostic::new(
                &AUDIT_FIELD_WITHOUT_DEFAULT,
                id.file,
                model.abs(field.name.range),
                format!(
                    "audit field `{}.{}` has no {missing}",
                    model.name.name, field.name.name
                ),
            )
            .with_fix(Fix {
                title: format!("Add `{attribute}` to `{}`", field.name.name).into(),
                applicability: Applicability::Safe,
                edits: smallvec::smallvec![Edit::Replace {
                    file: id.file,
                    range: TextRange::empty(model.abs_offset(field.attr_insert)),
                    content: format!(" {attribute}").into(),
                }],
            }),
        );
    }
}
