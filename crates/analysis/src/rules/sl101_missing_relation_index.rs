use schemalint_syntax::ast::ModelKind;

use super::Ctx;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::items::{IndexKind, ModelItem};
use crate::semantic::ModelId;

declare_rule! {
    /// ## What it does
    /// Reports a relation whose scalar fields (`@relation(fields: [...])`)
    /// are not covered by an index: an `@@index`, `@@unique` or `@@id` whose
    /// first columns are exactly those fields (in any order), or `@id` /
    /// `@unique` on the field when there is only one.
    ///
    /// It is not reported on MySQL unless `relationMode = "prisma"`, because
    /// InnoDB indexes foreign keys itself. It is always reported under
    /// `relationMode = "prisma"`, where no foreign key exists at all.
    ///
    /// ## Why is this bad?
    /// PostgreSQL, SQL Server, SQLite and CockroachDB do not index foreign
    /// key columns. Every join from the parent, every
    /// `include`, and every `ON DELETE` check on the parent scans the whole
    /// child table. It is the most common cause of a Prisma app getting slow
    /// as its data grows.
    ///
    /// ## Example
    /// ```prisma
    /// model Sample {
    ///   id        String  @id
    ///   projectId String
    ///   project   Project @relation(fields: [projectId], references: [id])
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Sample {
    ///   id        String  @id
    ///   projectId String
    ///   project   Project @relation(fields: [projectId], references: [id])
    ///
    ///   @@index([projectId])
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Safe: it adds `@@index([...])` as the model's last block attribute.
    /// Adding an index changes no data (the next migration creates it).
    pub static MISSING_RELATION_INDEX = { code: "SL101", name: "missing-relation-index", severity: Warning, fix: Safe };
}

pub(crate) fn check(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    if ctx.schema.provider() == Some("mysql") && !ctx.schema.relation_mode_prisma() {
        return;
    }
    let model = ctx.schema.model(id);
    if model.kind != ModelKind::Model {
        return;
    }
    // One finding per distinct column set, even if two relations share it.
    let mut seen: Vec<Vec<&str>> = Vec::new();
    for field in &model.fields {
        let Some(cols) = field.relation.as_ref().and_then(|r| r.fields.as_ref()) else {
            continue;
        };
        let cols: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        if cols.is_empty() || is_covered(model, &cols) || seen.contains(&cols) {
            continue;
        }
        seen.push(cols.clone());
        let list = cols.join(", ");
        let target = field.type_name.as_ref().map_or("", |t| t.name.as_str());
        let mut d = Diagnostic::new(
            &MISSING_RELATION_INDEX,
            id.file,
            model.abs(field.name.range),
            format!(
                "relation `{}.{}` to `{target}` has no index on [{list}]: queries and deletes from `{target}` scan the whole `{}` table",
                model.name.name, field.name.name, model.table()
            ),
        );
        if let Some(insert) = &model.block_attr_insert {
            d = d.with_fix(Fix {
                title: format!("Add `@@index([{list}])` to `{}`", model.name.name).into(),
                applicability: Applicability::Safe,
                edits: smallvec::smallvec![Edit::Replace {
                    file: id.file,
                    range: schemalint_syntax::TextRange::empty(model.abs_offset(insert.offset)),
                    content: insert.text(&format!("@@index([{list}])")).into(),
                }],
            });
        }
        out.push(d);
    }
}

/// Whether an index's leading columns are exactly `cols`, in any order.
fn is_covered(model: &ModelItem, cols: &[&str]) -> bool {
    if let [single] = cols {
        if model.field(single).is_some_and(|f| f.is_id || f.is_unique) {
            return true;
        }
    }
    model.indexes.iter().any(|index| {
        index.kind != IndexKind::Fulltext
            && index.fields.len() >= cols.len()
            && index.fields[..cols.len()]
                .iter()
                .all(|c| cols.contains(&c.name.as_str()))
            && cols
                .iter()
                .all(|c| index.fields[..cols.len()].iter().any(|i| i.name == *c))
    })
}
