use std::collections::BTreeMap;

use schemalint_syntax::ast::ModelKind;

use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::semantic::Decl;

declare_rule! {
    /// ## What it does
    /// Reports two models (or two enums) with different names that resolve
    /// to the same database object: the same db schema (`@@schema`) and the
    /// same table or type name (`@@map`, or the name itself).
    ///
    /// ## Why is this bad?
    /// Both Prisma models read and write one table. Migrations fight over
    /// its columns, and each module sees the other's rows.
    ///
    /// ## Example
    /// ```prisma
    /// model LabUser {
    ///   id String @id
    ///   @@map("users")
    /// }
    /// model QmsUser {
    ///   id String @id
    ///   @@map("users")
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give each model its own table (or its own `@@schema`), or share one
    /// model between the modules.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub static TABLE_NAME_COLLISION = { code: "SL402", name: "table-name-collision", severity: Error, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // Keyed by (is enum, db schema, table); names differ, or SL401 applies.
    let mut groups: BTreeMap<(bool, String, String), Vec<(Decl, String)>> = BTreeMap::new();
    for &id in &ctx.schema.models {
        let m = ctx.schema.model(id);
        if m.kind != ModelKind::Model {
            continue;
        }
        let schema = m.schema.as_ref().map_or(String::new(), |s| s.0.clone());
        groups
            .entry((false, schema, m.table().to_string()))
            .or_default()
            .push((Decl::Model(id), m.name.name.clone()));
    }
    for &id in &ctx.schema.enums {
        let e = ctx.schema.enum_(id);
        let schema = e.schema.as_ref().map_or(String::new(), |s| s.0.clone());
        let table = e.map.clone().unwrap_or_else(|| e.name.name.clone());
        groups
            .entry((true, schema, table))
            .or_default()
            .push((Decl::Enum(id), e.name.name.clone()));
    }
    for ((is_enum, schema, table), decls) in groups {
        let mut distinct: Vec<&str> = decls.iter().map(|(_, n)| n.as_str()).collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            continue;
        }
        let object = if is_enum { "type" } else { "table" };
        let qualified = if schema.is_empty() {
            format!("\"{table}\"")
        } else {
            format!("\"{schema}\".\"{table}\"")
        };
        for (i, (decl, name)) in decls.iter().enumerate() {
            let (file, range) = ctx.name_location(*decl);
            let others: Vec<&str> = decls
                .iter()
                .filter(|(_, n)| n != name)
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>();
            let mut d = Diagnostic::new(
                &TABLE_NAME_COLLISION,
                file,
                range,
                format!(
                    "`{name}` maps to {object} {qualified}, which `{}` also maps to",
                    others.join("`, `")
                ),
            );
            for (j, (other, other_name)) in decls.iter().enumerate() {
                if i != j && other_name != name {
                    let (f, r) = ctx.name_location(*other);
                    d = d.with_related(f, r, format!("`{other_name}` maps to the same {object}"));
                }
            }
            out.push(d);
        }
    }
}
