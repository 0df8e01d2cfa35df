use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::semantic::ModelId;
use crate::semantic::SCALARS;

declare_rule! {
    /// ## What it does
    /// Reports a field type that is not a scalar, a model, a view, an enum,
    /// a composite type or `Unsupported("...")`.
    ///
    /// ## Why is this bad?
    /// Prisma rejects the schema. Usually the type was misspelt, or the
    /// file that declares it is not part of the workspace.
    ///
    /// ## Example
    /// ```prisma
    /// model Sample {
    ///   id     String       @id
    ///   status SampleStatsu
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Sample {
    ///   id     String       @id
    ///   status SampleStatus
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// There is no automatic fix.
    pub static UNRESOLVED_TYPE = { code: "SL002", name: "unresolved-type", severity: Error, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    let model = ctx.schema.model(id);
    for (i, field) in model.fields.iter().enumerate() {
        let Some(ty) = &field.type_name else { continue };
        if ctx.schema.field_type(id, i).is_some() || SCALARS.contains(&ty.name.as_str()) {
            continue;
        }
        out.push(Diagnostic::new(
            &UNRESOLVED_TYPE,
            id.file,
            model.abs(ty.range),
            format!(
                "unknown type `{}` in field `{}.{}`: it is not a scalar, and no model, enum or type of that name is declared",
                ty.name, model.name.name, field.name.name
            ),
        ));
    }
}
