//! Editor queries over the semantic model: what is at an offset, where it
//! is declared, and a hover summary. Plain data in, plain data out.

use schemalint_syntax::TextRange;

use crate::db::{Db, SourceFile};
use schemalint_syntax::ast::Arity;

use crate::items::{FieldItem, ModelItem, RelationItem};
use crate::semantic::{self, Decl, ModelId, Schema};

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
        if !m.range().touches(at) {
            continue;
        }
        if m.name_range().touches(at) {
            return Some(Target::Decl(Decl::Model(semantic::ModelId { file, index })));
        }
        for f in &m.fields {
            if let Some(ty) = &f.type_name {
                if m.abs(ty.range).touches(at) {
                    return schema.resolve(&ty.name).map(Target::Decl);
                }
            }
            if m.abs(f.name.range).touches(at) {
                return Some(Target::Field {
                    model: m,
                    field: f,
                    file,
                });
            }
            if let Some(rel) = &f.relation {
                for name in rel.fields.iter().flatten() {
                    if m.abs(name.range).touches(at) {
                        return m.field(&name.name).map(|field| Target::Field {
                            model: m,
                            field,
                            file,
                        });
                    }
                }
                for name in rel.references.iter().flatten() {
                    if m.abs(name.range).touches(at) {
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
                if m.abs(name.range).touches(at) {
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
        Target::Decl(Decl::Model(id)) => (id.file, schema.model(id).name_range()),
        Target::Decl(Decl::Enum(id)) => (id.file, schema.enum_(id).name.range),
        Target::Field { model, field, file } => (file, model.abs(field.name.range)),
    })
}

/// At most this many relations are listed in a hover; the rest are counted.
const HOVER_LIST_LIMIT: usize = 40;

/// A Markdown summary of the name at `at`: for a model, view, type or enum
/// where it is declared, its docs, its table and db schema and its
/// relations both ways; for a field its type, attributes and relation.
pub(crate) fn symbol_info(db: &dyn Db, file: SourceFile, at: usize) -> Option<String> {
    let schema = semantic::schema(db);
    let target = target_at(schema, file, at)?;
    Some(match target {
        Target::Decl(Decl::Model(id)) => model_info(db, schema, id),
        Target::Decl(decl @ Decl::Enum(id)) => {
            let e = schema.enum_(id);
            let mut out = format!("**enum `{}`**", e.name.name);
            if let Some(docs) = &e.docs {
                out += &format!("\n\n{docs}");
            }
            out += &format!(
                "\n\n- declared in `{}` (module `{}`)\n- db enum {}",
                id.file.path(db),
                schema.module(decl),
                db_name(
                    e.map.as_deref(),
                    &e.name.name,
                    e.schema.as_ref().map(|(s, _)| s.as_str()),
                )
            );
            let values: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
            out += &format!("\n- values: {}", values.join(", "));
            let users: Vec<String> = schema
                .models
                .iter()
                .flat_map(|&m| {
                    let model = schema.model(m);
                    model
                        .fields
                        .iter()
                        .filter(|f| {
                            f.type_name.as_ref().is_some_and(|t| t.name == e.name.name)
                                && schema.resolve(&e.name.name) == Some(decl)
                        })
                        .map(move |f| format!("`{}.{}`", model.name.name, f.name.name))
                })
                .collect();
            if !users.is_empty() {
                out += "\n\n**used by**\n";
                out += &bullets(users);
            }
            out
        }
        Target::Field { model, field, file } => field_info(db, schema, model, field, file),
    })
}

/// `table `x` in db schema `y``, saying where each part comes from.
fn db_name(map: Option<&str>, name: &str, db_schema: Option<&str>) -> String {
    let name = match map {
        Some(m) => format!("`{m}` (`@@map`)"),
        None => format!("`{name}`"),
    };
    let db_schema = match db_schema {
        Some(s) => format!("`{s}`"),
        None => "default (no `@@schema`)".to_string(),
    };
    format!("{name} in db schema {db_schema}")
}

/// A Markdown bullet list, cut at [`HOVER_LIST_LIMIT`] entries.
fn bullets(items: Vec<String>) -> String {
    let total = items.len();
    let mut out: Vec<String> = items
        .into_iter()
        .take(HOVER_LIST_LIMIT)
        .map(|i| format!("- {i}"))
        .collect();
    if total > HOVER_LIST_LIMIT {
        out.push(format!("- … and {} more", total - HOVER_LIST_LIMIT));
    }
    out.join("\n")
}

/// `[a, b]`.
fn ident_list<R>(list: &[crate::items::Ident<R>]) -> String {
    let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    format!("[{}]", names.join(", "))
}

/// `fields: [a] → references: [id], onDelete: X`, the parts that are written.
fn relation_args(rel: &RelationItem) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &rel.name {
        parts.push(format!("\"{name}\""));
    }
    match (&rel.fields, &rel.references) {
        (Some(f), Some(r)) => parts.push(format!("`{}` → `{}`", ident_list(f), ident_list(r))),
        (Some(f), None) => parts.push(format!("fields `{}`", ident_list(f))),
        (None, Some(r)) => parts.push(format!("references `{}`", ident_list(r))),
        (None, None) => {}
    }
    if let Some(a) = &rel.on_delete {
        parts.push(format!("onDelete: {}", a.name));
    }
    if let Some(a) = &rel.on_update {
        parts.push(format!("onUpdate: {}", a.name));
    }
    parts.join(", ")
}

/// Whether a relation field holds the foreign key (`fields:` is written).
fn holds_key(field: &FieldItem) -> bool {
    field.relation.as_ref().is_some_and(|r| r.fields.is_some())
}

fn model_info(db: &dyn Db, schema: &Schema, id: ModelId) -> String {
    let m = schema.model(id);
    let decl = Decl::Model(id);
    let mut out = format!("**{} `{}`**", m.kind.keyword(), m.name.name);
    if let Some(docs) = &m.docs {
        out += &format!("\n\n{docs}");
    }
    out += &format!(
        "\n\n- declared in `{}` (module `{}`)",
        id.file.path(db),
        schema.module(decl)
    );
    let place = db_name(
        m.map.as_deref(),
        &m.name.name,
        m.schema.as_ref().map(|(s, _)| s.as_str()),
    );
    out += &match m.kind {
        schemalint_syntax::ast::ModelKind::Model => format!("\n- table {place}"),
        schemalint_syntax::ast::ModelKind::View => format!("\n- view {place}"),
        schemalint_syntax::ast::ModelKind::CompositeType => {
            "\n- composite type: embedded in documents, no table".into()
        }
    };

    // Out: this model's fields whose type is another model.
    let outgoing: Vec<String> = m
        .fields
        .iter()
        .filter_map(|f| {
            let target = schema.relation_target(f)?;
            let tm = schema.model(target);
            let suffix = match f.arity {
                Arity::List => "[]",
                Arity::Optional => "?",
                Arity::Required => "",
            };
            let mut line = format!(
                "`{}` → `{}{suffix}` (module `{}`)",
                f.name.name,
                tm.name.name,
                schema.module(Decl::Model(target))
            );
            match &f.relation {
                Some(rel) if holds_key(f) => line += &format!(": {}", relation_args(rel)),
                _ => line += ": back-relation, the key is on the other side",
            }
            Some(line)
        })
        .collect();
    // In: other models' fields whose type is this model.
    let incoming: Vec<String> = schema
        .relations()
        .filter(|(_, _, target)| *target == id)
        .map(|(from, f, _)| {
            let mut line = format!(
                "`{}.{}` (module `{}`)",
                schema.model(from).name.name,
                f.name.name,
                schema.module(Decl::Model(from))
            );
            match &f.relation {
                Some(rel) if holds_key(f) => line += &format!(": {}", relation_args(rel)),
                _ => line += ": back-relation list",
            }
            line
        })
        .collect();
    if !outgoing.is_empty() {
        out += "\n\n**relations out**\n";
        out += &bullets(outgoing);
    }
    if !incoming.is_empty() {
        out += "\n\n**relations in**\n";
        out += &bullets(incoming);
    }
    out
}

/// The syntax node of a lowered field, for what lowering does not keep
/// (the type and attributes as written, doc comments).
fn field_node<'a>(
    root: schemalint_syntax::ast::SourceFile<'a>,
    field: TextRange,
) -> Option<schemalint_syntax::ast::Field<'a>> {
    root.models()
        .filter(|m| m.range().start <= field.start && field.end <= m.range().end)
        .flat_map(|m| m.fields())
        .find(|f| f.range() == field)
}

fn field_info(
    db: &dyn Db,
    schema: &Schema,
    model: &ModelItem,
    field: &FieldItem,
    file: SourceFile,
) -> String {
    let parse = crate::db::parse(db, file);
    let range = model.abs(field.range);
    let node = field_node(parse.source_file(), range);
    let mut out = format!("**field `{}.{}`**", model.name.name, field.name.name);
    if let Some(docs) = node.and_then(|n| n.docs()) {
        out += &format!("\n\n{docs}");
    }
    let text = file.text(db);
    out += &format!(
        "\n\n```prisma\n{}\n```",
        text[range.start..range.end].trim()
    );

    // The type, as written, and what it names.
    let written = node
        .and_then(|n| n.type_ref())
        .map(|t| t.text().to_string())
        .unwrap_or_default();
    let what = match &field.type_name {
        Some(t) if semantic::SCALARS.contains(&t.name.as_str()) => "scalar".to_string(),
        Some(t) => match schema.resolve(&t.name) {
            Some(d @ Decl::Model(m)) => {
                format!(
                    "{} in module `{}`",
                    schema.model(m).kind.keyword(),
                    schema.module(d)
                )
            }
            Some(d @ Decl::Enum(_)) => format!("enum in module `{}`", schema.module(d)),
            None => "unresolved".to_string(),
        },
        None if field.unsupported => "a type Prisma does not support".to_string(),
        None => "missing".to_string(),
    };
    let arity = match field.arity {
        Arity::List => ", a list",
        Arity::Optional => ", optional",
        Arity::Required => ", required",
    };
    if written.is_empty() {
        out += &format!("\n\n- type: {what}");
    } else {
        out += &format!("\n\n- type `{written}`: {what}{arity}");
    }

    let attributes: Vec<String> = node
        .into_iter()
        .flat_map(|n| n.attributes())
        .map(|a| format!("`{}`", a.text()))
        .collect();
    if attributes.is_empty() {
        out += "\n- attributes: none";
    } else {
        out += &format!("\n- attributes: {}", attributes.join(" "));
    }

    // The relation: the key this field holds, or the field that holds it.
    let Some(target) = schema.relation_target(field) else {
        return out;
    };
    let tm = schema.model(target);
    out += &format!(
        "\n- relation to `{}` (module `{}`)",
        tm.name.name,
        schema.module(Decl::Model(target))
    );
    let rel = field.relation.as_ref();
    if let Some(name) = rel.and_then(|r| r.name.as_ref()) {
        out += &format!(", named \"{name}\"");
    }
    if let (Some(rel), true) = (rel, holds_key(field)) {
        if let (Some(f), Some(r)) = (&rel.fields, &rel.references) {
            out += &format!(
                "\n  - fields `{}` → references `{}.{}`",
                ident_list(f),
                tm.name.name,
                ident_list(r)
            );
        }
        // Prisma's defaults when no action is written.
        let optional = field.arity == Arity::Optional;
        let on_delete = rel.on_delete.as_ref().map_or_else(
            || {
                format!(
                    "not set (Prisma's default: {})",
                    if optional { "SetNull" } else { "Restrict" }
                )
            },
            |a| a.name.clone(),
        );
        let on_update = rel.on_update.as_ref().map_or_else(
            || "not set (Prisma's default: Cascade)".to_string(),
            |a| a.name.clone(),
        );
        out += &format!("\n  - onDelete: {on_delete}\n  - onUpdate: {on_update}");
    } else {
        // A back-relation: the other side holds the key.
        let name = rel.and_then(|r| r.name.as_ref());
        let owner = schema
            .items(file)
            .models
            .iter()
            .position(|m| std::ptr::eq(m, model));
        let other = tm.fields.iter().find(|f| {
            holds_key(f)
                && f.relation.as_ref().and_then(|r| r.name.as_ref()) == name
                && owner
                    .is_some_and(|index| schema.relation_target(f) == Some(ModelId { file, index }))
        });
        match other {
            Some(o) => {
                out += &format!(
                    "\n  - back-relation: the key is `{}.{}`",
                    tm.name.name, o.name.name
                );
                if let Some(r) = &o.relation {
                    out += &format!(" ({})", relation_args(r));
                }
            }
            None => out += "\n  - back-relation: no field of the other model holds the key",
        }
    }
    out
}

/// What a symbol is, for outlines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SymbolKind {
    Model,
    View,
    CompositeType,
    Enum,
    Field,
    EnumValue,
}

/// One entry of a file's outline.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub range: TextRange,
    /// The name.
    pub name_range: TextRange,
    pub children: Vec<Symbol>,
}

pub(crate) fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    use schemalint_syntax::ast::ModelKind;
    let items = crate::items::file_items(db, file);
    let mut out = Vec::new();
    for m in &items.models {
        let kind = match m.kind {
            ModelKind::Model => SymbolKind::Model,
            schemalint_syntax::ast::ModelKind::View => SymbolKind::View,
            schemalint_syntax::ast::ModelKind::CompositeType => SymbolKind::CompositeType,
        };
        let children = m
            .fields
            .iter()
            .map(|f| Symbol {
                name: f.name.name.clone(),
                kind: SymbolKind::Field,
                range: m.abs(f.range),
                name_range: m.abs(f.name.range),
                children: Vec::new(),
            })
            .collect();
        out.push(Symbol {
            name: m.name.name.clone(),
            kind,
            range: m.range(),
            name_range: m.name_range(),
            children,
        });
    }
    for e in &items.enums {
        let children = e
            .values
            .iter()
            .map(|v| Symbol {
                name: v.name.clone(),
                kind: SymbolKind::EnumValue,
                range: v.range,
                name_range: v.range,
                children: Vec::new(),
            })
            .collect();
        out.push(Symbol {
            name: e.name.name.clone(),
            kind: SymbolKind::Enum,
            range: e.range,
            name_range: e.name.range,
            children,
        });
    }
    out.sort_by_key(|s| s.range.start);
    out
}

/// What a completion item inserts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CompletionKind {
    Type,
    Attribute,
    Value,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
}

const FIELD_ATTRIBUTES: &[&str] = &[
    "id",
    "unique",
    "default",
    "map",
    "relation",
    "updatedAt",
    "ignore",
    "db",
];
const BLOCK_ATTRIBUTES: &[&str] = &[
    "id", "unique", "index", "map", "schema", "fulltext", "ignore",
];
const REFERENTIAL_ACTIONS: &[&str] = &["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];

/// Completions at `at`, decided from the text before the cursor on its
/// line: a field type after `name `, an attribute after `@` or `@@`, a
/// referential action after `onDelete:` or `onUpdate:`.
pub(crate) fn completions(db: &dyn Db, file: SourceFile, at: usize) -> Vec<Completion> {
    let text = file.text(db);
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '@' || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let head = before[..word_start].trim_end();

    if let Some(rest) = word.strip_prefix("@@") {
        return attribute_items(BLOCK_ATTRIBUTES, rest, "block attribute");
    }
    if let Some(rest) = word.strip_prefix('@') {
        return attribute_items(FIELD_ATTRIBUTES, rest, "field attribute");
    }
    if head.ends_with("onDelete:") || head.ends_with("onUpdate:") {
        return REFERENTIAL_ACTIONS
            .iter()
            .filter(|a| a.starts_with(word))
            .map(|a| Completion {
                label: a.to_string(),
                kind: CompletionKind::Value,
                detail: "referential action".into(),
            })
            .collect();
    }
    // `  name Ty|`: the second word of a field line inside a block.
    let tokens: Vec<&str> = head.split_whitespace().collect();
    if tokens.len() == 1 && before.starts_with(char::is_whitespace) {
        let schema = semantic::schema(db);
        let mut out: Vec<Completion> = semantic::SCALARS
            .iter()
            .map(|s| Completion {
                label: s.to_string(),
                kind: CompletionKind::Type,
                detail: "scalar".into(),
            })
            .collect();
        let mut names: Vec<(&String, &Vec<Decl>)> = schema.by_name.iter().collect();
        names.sort_by_key(|(name, _)| *name);
        for (name, decls) in names {
            let detail = match decls[0] {
                Decl::Model(id) => schema.model(id).kind.keyword().to_string(),
                Decl::Enum(_) => "enum".to_string(),
            };
            out.push(Completion {
                label: name.clone(),
                kind: CompletionKind::Type,
                detail,
            });
        }
        out.retain(|c| c.label.starts_with(word));
        return out;
    }
    Vec::new()
}

fn attribute_items(names: &[&str], prefix: &str, detail: &str) -> Vec<Completion> {
    names
        .iter()
        .filter(|n| n.starts_with(prefix))
        .map(|n| Completion {
            label: n.to_string(),
            kind: CompletionKind::Attribute,
            detail: detail.into(),
        })
        .collect()
}

/// Every place that names the declaration or field at `at`, its own name
/// included: field types for models, views, types and enums; `fields:`,
/// `references:` and index lists for fields.
pub(crate) fn references(
    db: &dyn Db,
    file: SourceFile,
    at: usize,
) -> Option<Vec<(SourceFile, TextRange)>> {
    let schema = semantic::schema(db);
    let mut out = Vec::new();
    match target_at(schema, file, at)? {
        Target::Decl(decl) => {
            let name = match decl {
                Decl::Model(id) => &schema.model(id).name.name,
                Decl::Enum(id) => &schema.enum_(id).name.name,
            };
            // Every declaration of the name, so a rename keeps duplicates in step.
            for d in schema.by_name.get(name).into_iter().flatten() {
                out.push(match *d {
                    Decl::Model(id) => (id.file, schema.model(id).name_range()),
                    Decl::Enum(id) => (id.file, schema.enum_(id).name.range),
                });
            }
            for &id in &schema.models {
                let m = schema.model(id);
                for f in &m.fields {
                    if let Some(ty) = f.type_name.as_ref().filter(|t| &t.name == name) {
                        out.push((id.file, m.abs(ty.range)));
                    }
                }
            }
        }
        Target::Field {
            model,
            field,
            file: owner,
        } => {
            let name = &field.name.name;
            out.push((owner, model.abs(field.name.range)));
            for f in &model.fields {
                for r in f.relation.iter().flat_map(|r| r.fields.iter().flatten()) {
                    if &r.name == name {
                        out.push((owner, model.abs(r.range)));
                    }
                }
            }
            for index in &model.indexes {
                out.extend(
                    index
                        .fields
                        .iter()
                        .filter(|r| &r.name == name)
                        .map(|r| (owner, model.abs(r.range))),
                );
            }
            // `references: [...]` of relations that point at this model.
            for (from, f, target) in schema.relations() {
                // The same model: the same file and the same start in it.
                if target.file != owner || schema.model(target).base() != model.base() {
                    continue;
                }
                let from_model = schema.model(from);
                for r in f
                    .relation
                    .iter()
                    .flat_map(|r| r.references.iter().flatten())
                {
                    if &r.name == name {
                        out.push((from.file, from_model.abs(r.range)));
                    }
                }
            }
        }
    }
    out.sort_by_key(|(f, r)| (format!("{f:?}"), r.start));
    out.dedup();
    Some(out)
}

/// Whether `name` is a valid Prisma identifier.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The edits that rename what is at `at` to `new_name`, or why not.
pub(crate) fn rename(
    db: &dyn Db,
    file: SourceFile,
    at: usize,
    new_name: &str,
) -> Result<Vec<(SourceFile, TextRange)>, String> {
    let schema = semantic::schema(db);
    let Some(target) = target_at(schema, file, at) else {
        return Err("there is no model, enum, type or field here to rename".into());
    };
    if !is_identifier(new_name) {
        return Err(format!("`{new_name}` is not a valid Prisma name"));
    }
    match &target {
        Target::Decl(_) => {
            if semantic::SCALARS.contains(&new_name) || schema.by_name.contains_key(new_name) {
                return Err(format!("`{new_name}` is already declared; renaming would make two declarations collide"));
            }
        }
        Target::Field { model, .. } => {
            if model.field(new_name).is_some() {
                return Err(format!(
                    "`{}` already has a field named `{new_name}`",
                    model.name.name
                ));
            }
        }
    }
    references(db, file, at).ok_or_else(|| "nothing to rename".to_string())
}

/// The range of the renameable name at `at`, for `prepareRename`.
pub(crate) fn rename_range(db: &dyn Db, file: SourceFile, at: usize) -> Option<TextRange> {
    let refs = references(db, file, at)?;
    refs.into_iter()
        .find(|(f, r)| *f == file && r.touches(at))
        .map(|(_, r)| r)
}
