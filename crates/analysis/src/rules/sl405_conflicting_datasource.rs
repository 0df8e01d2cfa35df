use std::collections::HashMap;

use super::Ctx;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports more than one `datasource` block in the workspace, and two
    /// `generator` blocks with the same name.
    ///
    /// ## Why is this bad?
    /// A Prisma schema has exactly one datasource. In a multi-file or
    /// multi-module schema a second one is usually a module copied from
    /// another project, and Prisma refuses to load the schema.
    ///
    /// ## Example
    /// ```prisma
    /// // src/core/schema.prisma
    /// datasource db {
    ///   provider = "postgresql"
    /// }
    /// // src/lims/schema.prisma
    /// datasource db {
    ///   provider = "postgresql"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the one datasource in the core module's file.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub static CONFLICTING_DATASOURCE = { code: "SL405", name: "conflicting-datasource", severity: Error, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(((first_file, first), rest)) = ctx.schema.datasources.split_first() {
        for (file, ds) in rest {
            out.push(
                Diagnostic::new(
                    &CONFLICTING_DATASOURCE,
                    *file,
                    ds.name.range,
                    format!(
                        "datasource `{}` is a second datasource; a schema has exactly one (the first is `{}`)",
                        ds.name.name, first.name.name
                    ),
                )
                .with_related(*first_file, first.name.range, "the first datasource is declared here"),
            );
        }
    }
    let mut seen: HashMap<&str, (crate::db::SourceFile, schemalint_syntax::TextRange)> =
        HashMap::new();
    for &file in &ctx.schema.schema_files {
        for generator in &ctx.schema.items(file).generators {
            match seen.get(generator.name.as_str()) {
                Some(&(f, r)) => out.push(
                    Diagnostic::new(
                        &CONFLICTING_DATASOURCE,
                        file,
                        generator.range,
                        format!("generator `{}` is declared twice", generator.name),
                    )
                    .with_related(f, r, "first declared here"),
                ),
                None => {
                    seen.insert(&generator.name, (file, generator.range));
                }
            }
        }
    }
}
