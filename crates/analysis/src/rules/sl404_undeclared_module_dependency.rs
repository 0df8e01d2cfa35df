use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::semantic::Decl;

declare_rule! {
    /// ## What it does
    /// Only when the config declares `[modules.<m>] depends-on`: reports a
    /// relation from a model in module A to a model in module B when B is
    /// not in A's `depends-on`.
    ///
    /// ## Why is this bad?
    /// The dependency graph between modules is an architectural decision.
    /// An undeclared relation creates a coupling nobody agreed to, and
    /// makes it impossible to split, deploy or own the modules separately.
    ///
    /// ## Example
    /// ```toml
    /// [modules.core]
    /// files = ["src/core/**"]
    /// depends-on = []
    /// ```
    /// ```prisma
    /// // src/core/schema.prisma
    /// model Project {
    ///   id      String   @id
    ///   samples Sample[] // Sample is in lims
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Point the relation the other way (from lims to core), or declare the
    /// dependency: `depends-on = ["lims"]`.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub static UNDECLARED_MODULE_DEPENDENCY = { code: "SL404", name: "undeclared-module-dependency", severity: Warning, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (from_id, field, to_id) in ctx.schema.relations() {
        let from = ctx.schema.module(Decl::Model(from_id));
        let to = ctx.schema.module(Decl::Model(to_id));
        if from == to {
            continue;
        }
        let Some(deps) = ctx
            .config
            .modules
            .get(from)
            .and_then(|m| m.depends_on.as_ref())
        else {
            continue;
        };
        if deps.iter().any(|d| d == to) {
            continue;
        }
        let model = ctx.schema.model(from_id);
        let target = ctx.schema.model(to_id);
        let range = model.abs(
            field
                .type_name
                .as_ref()
                .map_or(field.name.range, |t| t.range),
        );
        out.push(
            Diagnostic::new(
                &UNDECLARED_MODULE_DEPENDENCY,
                from_id.file,
                range,
                format!(
                    "`{}.{}` (module `{from}`) refers to `{}` in module `{to}`, but `{from}` does not list `{to}` in `depends-on`",
                    model.name.name, field.name.name, target.name.name
                ),
            )
            .with_related(to_id.file, target.name_range(), format!("`{}` is declared in module `{to}`", target.name.name)),
        );
    }
}
