use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

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

/// Whether the declarations are enums (types, not tables), their db
/// schema, and the table or type name.
type Table<'a> = (bool, &'a str, &'a str);

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // Keyed by (is enum, db schema, table); names differ, or SL401 applies.
    // Borrowed keys, and a list only for a table that a second declaration
    // maps to, so grouping allocates little; only the groups that collide
    // are sorted, for a stable order.
    let models = ctx.schema.models.iter().filter_map(|&id| {
        let m = ctx.schema.model(id);
        let schema = m.schema.as_ref().map_or("", |s| s.0.as_str());
        (m.kind == ModelKind::Model).then(|| {
            (
                (false, schema, m.table()),
                Decl::Model(id),
                m.name.name.as_str(),
            )
        })
    });
    let enums = ctx.schema.enums.iter().map(|&id| {
        let e = ctx.schema.enum_(id);
        let schema = e.schema.as_ref().map_or("", |s| s.0.as_str());
        let table = e.map.as_deref().unwrap_or(&e.name.name);
        ((true, schema, table), Decl::Enum(id), e.name.name.as_str())
    });
    let count = ctx.schema.models.len() + ctx.schema.enums.len();
    let mut first: FxHashMap<Table<'_>, (Decl, &str, Option<usize>)> =
        FxHashMap::with_capacity_and_hasher(count, Default::default());
    let mut shared: Vec<(Table<'_>, Vec<(Decl, &str)>)> = Vec::new();
    for (table, decl, name) in models.chain(enums) {
        match first.entry(table) {
            Entry::Vacant(slot) => {
                slot.insert((decl, name, None));
            }
            Entry::Occupied(mut slot) => {
                let (first_decl, first_name, group) = slot.get_mut();
                match group {
                    Some(g) => shared[*g].1.push((decl, name)),
                    None => {
                        *group = Some(shared.len());
                        shared.push((table, vec![(*first_decl, *first_name), (decl, name)]));
                    }
                }
            }
        }
    }
    let mut groups: Vec<_> = shared
        .into_iter()
        .filter(|(_, decls)| decls.iter().any(|(_, n)| *n != decls[0].1))
        .collect();
    groups.sort_unstable_by_key(|(key, _)| *key);
    for ((is_enum, schema, table), decls) in groups {
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
                .map(|(_, n)| *n)
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
