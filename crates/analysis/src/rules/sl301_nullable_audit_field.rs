use schemalint_syntax::ast::Arity;
use schemalint_syntax::TextRange;

use super::{audit_field_kind, AuditField, Ctx};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::semantic::ModelId;

declare_rule! {
    /// ## What it does
    /// Reports an optional (`?`) audit field: a field whose name is in
    /// `[audit] fields` (default `createdAt`, `createdBy`, `updatedAt`,
    /// `updatedBy`). Matching ignores case and accepts snake_case
    /// (`created_at`). `deletedAt` is not an audit field: it is null until
    /// the row is deleted.
    ///
    /// ## Why is this bad?
    /// A row without `createdAt` or `createdBy` cannot be traced: when and
    /// by whom it appeared is unknown forever. A nullable column invites
    /// code paths that forget to set it, and the database will not object.
    ///
    /// ## Example
    /// ```prisma
    /// model Deviation {
    ///   id        String    @id
    ///   createdBy String?
    ///   updatedAt DateTime?
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Deviation {
    ///   id        String   @id
    ///   createdBy String
    ///   updatedAt DateTime @updatedAt
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: making a column required makes the next migration fail on
    /// existing NULLs (or need a backfill). The fix removes the `?`, and adds
    /// `@updatedAt` to an `updatedAt` that lacks it, or `@default(now())` to
    /// another time field without a default.
    pub static NULLABLE_AUDIT_FIELD = { code: "SL301", name: "nullable-audit-field", severity: Warning, fix: Unsafe };
}

pub(crate) fn check(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    let model = ctx.schema.model(id);
    // Views are read-only and composite types are not tables.
    if model.kind != schemalint_syntax::ast::ModelKind::Model {
        return;
    }
    for field in &model.fields {
        if field.arity != Arity::Optional {
            continue;
        }
        let Some(kind) = audit_field_kind(&ctx.config.audit.fields, &field.name.name) else {
            continue;
        };
        let Some(modifier) = field.modifier_range.map(|r| model.abs(r)) else {
            continue;
        };
        let mut edits: smallvec::SmallVec<[Edit; 1]> = smallvec::smallvec![Edit::Replace {
            file: id.file,
            range: modifier,
            content: "".into(),
        }];
        let is_time = field
            .type_name
            .as_ref()
            .is_some_and(|t| t.name == "DateTime");
        let addition = match kind {
            AuditField::UpdatedAt if is_time && !field.updated_at => Some(" @updatedAt"),
            _ if is_time && field.default.is_none() && !field.updated_at => {
                Some(" @default(now())")
            }
            _ => None,
        };
        if let Some(text) = addition {
            edits.push(Edit::Replace {
                file: id.file,
                range: TextRange::empty(model.abs_offset(field.attr_insert)),
                content: text.into(),
            });
        }
        let title = match addition {
            Some(text) => format!(
                "Make `{}` required and add `{}`",
                field.name.name,
                text.trim()
            ),
            None => format!("Make `{}` required", field.name.name),
        };
        out.push(
            Diagnostic::new(
                &NULLABLE_AUDIT_FIELD,
                id.file,
                modifier,
                format!(
                    "audit field `{}.{}` is optional: rows without it cannot be traced",
                    model.name.name, field.name.name
                ),
            )
            .with_fix(Fix {
                title: title.into(),
                applicability: Applicability::Unsafe,
                edits,
            }),
        );
    }
}
