use std::collections::BTreeSet;

use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::semantic::Decl;

declare_rule! {
    /// ## What it does
    /// Reports a declaration whose database schema is wrong for it:
    /// - its `@@schema("x")` names a db schema that the datasource's
    ///   `schemas` does not list;
    /// - `x` is owned by another module (config `[modules.<m>] db-schemas`,
    ///   or, without config, the module of the same name);
    /// - the datasource lists `schemas` but the declaration has no
    ///   `@@schema`.
    ///
    /// ## Why is this bad?
    /// A module that writes its tables into another module's db schema
    /// breaks ownership, permissions and backups that are set per schema,
    /// and an unlisted schema makes Prisma reject the schema outright.
    ///
    /// ## Example
    /// ```prisma
    /// // src/qms/schema.prisma
    /// model Deviation {
    ///   id String @id
    ///   @@schema("lims")
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Deviation {
    ///   id String @id
    ///   @@schema("qms")
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: moving a table between schemas is a migration.
    pub static FOREIGN_DB_SCHEMA = { code: "SL403", name: "foreign-db-schema", severity: Error, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let listed: Option<BTreeSet<&str>> = ctx
        .schema
        .datasource()
        .filter(|d| !d.schemas.is_empty())
        .map(|d| d.schemas.iter().map(|s| s.name.as_str()).collect());
    let modules: BTreeSet<&str> = ctx
        .schema
        .modules()
        .iter()
        .chain(ctx.config.modules.keys())
        .map(String::as_str)
        .collect();
    let owner = |db_schema: &str| -> Option<String> {
        for (name, module) in &ctx.config.modules {
            if module.db_schemas.iter().any(|s| s == db_schema) {
                return Some(name.clone());
            }
        }
        modules.contains(db_schema).then(|| db_schema.to_string())
    };

    let decls = ctx
        .schema
        .models
        .iter()
        .map(|m| Decl::Model(*m))
        .chain(ctx.schema.enums.iter().map(|e| Decl::Enum(*e)));
    for decl in decls {
        let (file, name_range) = ctx.name_location(decl);
        let (name, schema_attr) = match decl {
            Decl::Model(id) => {
                let m = ctx.schema.model(id);
                if m.kind == schemalint_syntax::ast::ModelKind::CompositeType {
                    continue;
                }
                (
                    m.name.name.as_str(),
                    m.schema.as_ref().map(|(s, r)| (s, m.abs(*r))),
                )
            }
            Decl::Enum(id) => {
                let e = ctx.schema.enum_(id);
                (
                    e.name.name.as_str(),
                    e.schema.as_ref().map(|(s, r)| (s, *r)),
                )
            }
        };
        let module = ctx.schema.module(decl);
        let Some((db_schema, attr_range)) = schema_attr else {
            if let Some(listed) = &listed {
                let list: Vec<&str> = listed.iter().copied().collect();
                out.push(Diagnostic::new(
                    &FOREIGN_DB_SCHEMA,
                    file,
                    name_range,
                    format!(
                        "`{name}` has no `@@schema`, but the datasource lists schemas ({}); say which one it belongs to",
                        list.join(", ")
                    ),
                ));
            }
            continue;
        };
        if let Some(listed) = &listed {
            if !listed.contains(db_schema.as_str()) {
                let ds = ctx
                    .schema
                    .datasource()
                    .expect("listed schemas come from a datasource");
                let ds_file = ctx.schema.datasources[0].0;
                out.push(
                    Diagnostic::new(
                        &FOREIGN_DB_SCHEMA,
                        file,
                        attr_range,
                        format!("`{name}` is in db schema `{db_schema}`, which the datasource's `schemas` does not list"),
                    )
                    .with_related(ds_file, ds.name.range, "the datasource is declared here"),
                );
                continue;
            }
        }
        if let Some(owner) = owner(db_schema) {
            if owner != module {
                out.push(Diagnostic::new(
                    &FOREIGN_DB_SCHEMA,
                    file,
                    attr_range,
                    format!(
                        "`{name}` belongs to module `{module}` but is placed in db schema `{db_schema}`, which module `{owner}` owns"
                    ),
                ));
            }
        }
    }
}
