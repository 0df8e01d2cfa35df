//! Editor queries over the semantic model: what is at an offset, where it
//! is declared, and a hover summary. Plain data in, plain data out.

use schemalint_syntax::TextRange;

use crate::db::{Db, SourceFile};
use crate::items::{FieldItem, ModelItem};
use crate::semantic::{self, Decl, Schema};

/// What a name at an offset refers to.
enum Target<'a> {
    Decl(Decl),
    Field {
        model: &'a ModelItem,
        field: &'a FieldItem,
        file: SourceFile,
    },
}

fn target_at(schema: &Schema, file: SourceFile, at: usize) -> Option<Target<'_>> {
    if !schema.schema_files.contains(&file) {
        return None;
    }
    let items = schema.items(file);
    for (index, e) in items.enums.iter().enumerate() {
        if e.name.range.touches(at) {
            return Some(Target::Decl(Decl::Enum(semantic::EnumId { file, index })));
        }
    }
    for (index, m) in items.models.iter().enumerate() {
        if !m.range.touches(at) {
            continue;
        }
        if m.name.range.touches(at) {
            return Some(Target::Decl(Decl::Model(semantic::ModelId { file, index })));
        }
        for f in &m.fields {
            if let Some(ty) = &f.type_name {
                if ty.range.touches(at) {
                    return schema.resolve(&ty.name).map(Target::Decl);
                }
            }
            if f.name.range.touches(at) {
                return Some(Target::Field {
                    model: m,
                    field: f,
                    file,
                });
            }
            if let Some(rel) = &f.relation {
                for name in rel.fields.iter().flatten() {
                    if name.range.touches(at) {
                        return m.field(&name.name).map(|field| Target::Field {
                            model: m,
                            field,
                            file,
                        });
                    }
                }
                for name in rel.references.iter().flatten() {
                    if name.range.touches(at) {
                        let target = schema.relation_target(f)?;
                        let tm = schema.model(target);
                        return tm.field(&name.name).map(|field| Target::Field {
                            model: tm,
                            field,
                            file: target.file,
                        });
                    }
                }
            }
        }
        for index in &m.indexes {
            for name in &index.fields {
                if name.range.touches(at) {
                    return m.field(&name.name).map(|field| Target::Field {
                        model: m,
                        field,
                        file,
                    });
                }
            }
        }
    }
    None
}

/// The declaration of the name at `at`.
pub(crate) fn definition(
    db: &dyn Db,
    file: SourceFile,
    at: usize,
) -> Option<(SourceFile, TextRange)> {
    let schema = semantic::schema(db);
    Some(match target_at(schema, file, at)? {
        Target::Decl(Decl::Model(id)) => (id.file, schema.model(id).name.range),
        Target::Decl(Decl::Enum(id)) => (id.file, schema.enum_(id).name.range),
        Target::Field { field, file, .. } => (file, field.name.range),
    })
}

/// A Markdown summary of the name at `at`.
pub(crate) fn symbol_info(db: &dyn Db, file: SourceFile, at: usize) -> Option<String> {
    let schema = semantic::schema(db);
    let target = target_at(schema, file, at)?;
    Some(match target {
        Target::Decl(decl @ Decl::Model(id)) => {
            let m = schema.model(id);
            let mut out = format!(
                "**{} `{}`**\n\ndeclared in `{}` (module `{}`)",
                m.kind.keyword(),
                m.name.name,
                id.file.path(db),
                schema.module(decl)
            );
            if let Some(docs) = &m.docs {
                out += &format!("\n\n{docs}");
            }
            let db_schema = m
                .schema
                .as_ref()
                .map(|(s, _)| format!("{s}."))
                .unwrap_or_default();
            out += &format!("\n\ntable `{db_schema}{}`", m.table());
            let outgoing: Vec<String> = m
                .fields
                .iter()
                .filter(|f| schema.relation_target(f).is_some())
                .map(|f| {
                    format!(
                        "`{}` → `{}`",
                        f.name.name,
                        f.type_name.as_ref().map_or("", |t| t.name.as_str())
                    )
                })
                .collect();
            let incoming: Vec<String> = schema
                .relations()
                .filter(|(_, _, target)| *target == id)
                .map(|(from, f, _)| format!("`{}.{}`", schema.model(from).name.name, f.name.name))
                .collect();
            if !outgoing.is_empty() {
                out += &format!("\n\nrelations out: {}", outgoing.join(", "));
            }
            if !incoming.is_empty() {
                out += &format!("\n\nrelations in: {}", incoming.join(", "));
            }
            out
        }
        Target::Decl(decl @ Decl::Enum(id)) => {
            let e = schema.enum_(id);
            let values: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
            let mut out = format!(
                "**enum `{}`**\n\ndeclared in `{}` (module `{}`)\n\nvalues: {}",
                e.name.name,
                id.file.path(db),
                schema.module(decl),
                values.join(", ")
            );
            if let Some(docs) = &e.docs {
                out += &format!("\n\n{docs}");
            }
            out
        }
        Target::Field { model, field, file } => {
            let text = file.text(db);
            let line = &text[field.range.start..field.range.end];
            let mut out = format!(
                "**field `{}.{}`**\n\n```prisma\n{}\n```",
                model.name.name,
                field.name.name,
                line.trim()
            );
            if let Some(rel) = &field.relation {
                let on_delete = rel
                    .on_delete
                    .as_ref()
                    .map_or("default", |a| a.name.as_str());
                out += &format!(
                    "\n\nrelation to `{}`, onDelete: {on_delete}",
                    field.type_name.as_ref().map_or("", |t| t.name.as_str())
                );
            }
            out
        }
    })
}
