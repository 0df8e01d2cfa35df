use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::semantic::Decl;

declare_rule! {
    /// ## What it does
    /// Reports a model, view, enum or composite type name that is declared
    /// more than once across the workspace's schema files. Every
    /// declaration is reported, with the others as related locations; for
    /// enums the message says whether their values differ.
    ///
    /// ## Why is this bad?
    /// Prisma merges all schema files into one namespace and rejects the
    /// duplicate. In a modular schema it usually means two teams modelled
    /// the same concept separately, and their meanings have drifted.
    ///
    /// ## Example
    /// ```prisma
    /// // src/lims/schema.prisma
    /// enum Status { PENDING DONE }
    /// // src/qms/schema.prisma
    /// enum Status { OPEN CLOSED }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// enum SampleStatus { PENDING DONE }
    /// enum DeviationStatus { OPEN CLOSED }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which declaration to rename is the author's call.
    pub static DUPLICATE_DECLARATION = { code: "SL401", name: "duplicate-declaration", severity: Error, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // Only the few duplicated names are sorted, not every name.
    let mut duplicated: Vec<(&String, &Vec<Decl>)> = ctx
        .schema
        .by_name
        .iter()
        .filter(|(_, decls)| decls.len() >= 2)
        .collect();
    duplicated.sort_unstable_by_key(|(name, _)| *name);
    for (name, decls) in duplicated {
        let enum_values: Vec<Option<Vec<&str>>> = decls
            .iter()
            .map(|d| match d {
                Decl::Enum(e) => {
                    let mut values: Vec<&str> = ctx
                        .schema
                        .enum_(*e)
                        .values
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect();
                    values.sort();
                    Some(values)
                }
                Decl::Model(_) => None,
            })
            .collect();
        let values_note = if enum_values.iter().all(Option::is_some) {
            if enum_values.windows(2).all(|w| w[0] == w[1]) {
                "; the enums have the same values"
            } else {
                "; the enums' values differ"
            }
        } else {
            ""
        };
        for (i, decl) in decls.iter().enumerate() {
            let (file, range) = ctx.name_location(*decl);
            let module = ctx.schema.module(*decl);
            let mut d = Diagnostic::new(
                &DUPLICATE_DECLARATION,
                file,
                range,
                format!(
                    "`{name}` is declared {} times in the workspace (this one in module `{module}`){values_note}",
                    decls.len()
                ),
            );
            for (j, other) in decls.iter().enumerate() {
                if i != j {
                    let (f, r) = ctx.name_location(*other);
                    d = d.with_related(
                        f,
                        r,
                        format!(
                            "also declared here (module `{}`)",
                            ctx.schema.module(*other)
                        ),
                    );
                }
            }
            out.push(d);
        }
    }
}
