//! Per-file lowering: the declarations of one schema file as plain data.
//!
//! `file_items` is the firewall between syntax and semantics. It is compared
//! for equality, so an edit that leaves a file's declarations unchanged (a
//! comment, whitespace inside a line) stops there. Ranges are part of the
//! data, so edits that move code do flow through.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use schemalint_syntax::ast::{self, Arity, ModelKind};
use schemalint_syntax::TextRange;

use crate::db::{self, Db, SourceFile};

/// A name and where it is written.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Ident {
    pub name: String,
    pub range: TextRange,
}

impl Ident {
    fn from_name(n: ast::Name<'_>) -> Ident {
        Ident {
            name: n.as_str().to_string(),
            range: n.range(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct FileItems {
    pub models: Vec<ModelItem>,
    pub enums: Vec<EnumItem>,
    pub datasources: Vec<DatasourceItem>,
    pub generators: Vec<Ident>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelItem {
    pub name: Ident,
    pub kind: ModelKind,
    /// The whole block.
    pub range: TextRange,
    pub docs: Option<String>,
    pub fields: Vec<FieldItem>,
    /// `@@id`, `@@unique`, `@@index` and `@@fulltext`.
    pub indexes: Vec<IndexItem>,
    /// `@@map("...")`.
    pub map: Option<String>,
    /// `@@schema("...")`: the value and the attribute's range.
    pub schema: Option<(String, TextRange)>,
    /// Where a new block attribute line goes.
    pub block_attr_insert: Option<InsertPoint>,
}

impl ModelItem {
    pub fn field(&self, name: &str) -> Option<&FieldItem> {
        self.fields.iter().find(|f| f.name.name == name)
    }

    /// The table name: `@@map` or the model name.
    pub fn table(&self) -> &str {
        self.map.as_deref().unwrap_or(&self.name.name)
    }
}

/// Where to insert a new line of code: the text to write is
/// `prefix + code + suffix` at `offset`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InsertPoint {
    pub offset: usize,
    pub prefix: String,
    pub suffix: String,
}

impl InsertPoint {
    pub fn text(&self, code: &str) -> String {
        format!("{}{code}{}", self.prefix, self.suffix)
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldItem {
    pub name: Ident,
    /// The whole field line.
    pub range: TextRange,
    /// The base type name; `None` for `Unsupported(...)` or a missing type.
    pub type_name: Option<Ident>,
    pub unsupported: bool,
    pub arity: Arity,
    /// The `?` or `[]`.
    pub modifier_range: Option<TextRange>,
    pub is_id: bool,
    pub is_unique: bool,
    pub updated_at: bool,
    /// The `@default(...)` argument text, e.g. `now()`.
    pub default: Option<String>,
    /// Boxed: most fields have no relation, and an inline `RelationItem`
    /// would double the size of every field of a large schema.
    pub relation: Option<Box<RelationItem>>,
    /// The offset right after the type or the last attribute, where a new
    /// attribute can be appended.
    pub attr_insert: usize,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RelationItem {
    /// The `@relation(...)` attribute.
    pub range: TextRange,
    pub name: Option<String>,
    pub fields: Option<Vec<Ident>>,
    pub references: Option<Vec<Ident>>,
    pub on_delete: Option<Ident>,
    pub on_update: Option<Ident>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum IndexKind {
    Id,
    Unique,
    Index,
    Fulltext,
}

impl IndexKind {
    pub fn attribute(self) -> &'static str {
        match self {
            IndexKind::Id => "@@id",
            IndexKind::Unique => "@@unique",
            IndexKind::Index => "@@index",
            IndexKind::Fulltext => "@@fulltext",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IndexItem {
    pub kind: IndexKind,
    pub fields: Vec<Ident>,
    /// The attribute.
    pub range: TextRange,
    /// The attribute's whole line, line break included, for removal.
    pub line_range: TextRange,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EnumItem {
    pub name: Ident,
    pub range: TextRange,
    pub docs: Option<String>,
    pub values: Vec<Ident>,
    pub map: Option<String>,
    pub schema: Option<(String, TextRange)>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DatasourceItem {
    pub name: Ident,
    pub range: TextRange,
    /// The provider with aliases resolved (`postgres` is `postgresql`).
    pub provider: Option<(String, TextRange)>,
    pub relation_mode: Option<String>,
    pub schemas: Vec<Ident>,
}

/// Prisma's provider aliases.
pub fn normalize_provider(provider: &str) -> &str {
    match provider {
        "postgres" => "postgresql",
        "mssql" => "sqlserver",
        other => other,
    }
}

#[salsa::tracked(returns(ref))]
pub fn file_items(db: &dyn Db, file: SourceFile) -> Arc<FileItems> {
    let parse = db::parse(db, file);
    let text = parse.text();
    // New lines written by fixes follow the file's own line ending.
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // Models whose text is unchanged since the last run are copied from
    // then and moved to their new offset instead of being lowered again
    // from the tree. The first run of a file only leaves an empty cache,
    // so a one-shot `check` pays no memory for it; editing sessions fill it
    // on the first edit.
    let previous = db.take_lowering_cache(file);
    let parts: Vec<ast::SourceFile<'_>> = parse.source_file().parts().collect();
    // A large file comes in several parts (its syntax chunks); they are
    // lowered on both cores and joined in order, which gives the same
    // items as one pass.
    let lowered = crate::parallel_map(&parts, 1, |part| {
        lower_part(*part, text, nl, previous.as_ref())
    });
    let mut items = FileItems::default();
    let mut next = previous.as_ref().map(|_| LoweringCache::default());
    for (part, cache) in lowered {
        items.models.extend(part.models);
        items.enums.extend(part.enums);
        items.datasources.extend(part.datasources);
        items.generators.extend(part.generators);
        if let (Some(next), Some(cache)) = (&mut next, cache) {
            next.models.extend(cache.models);
        }
    }
    db.put_lowering_cache(file, next.unwrap_or_default());
    Arc::new(items)
}

/// The items of one part of a file, and the cache entries of its models
/// when `previous` is kept (an editing session).
fn lower_part(
    root: ast::SourceFile<'_>,
    text: &str,
    nl: &str,
    previous: Option<&LoweringCache>,
) -> (FileItems, Option<LoweringCache>) {
    let mut items = FileItems::default();
    let mut next = previous.map(|_| LoweringCache::default());
    for decl in root.declarations() {
        match decl {
            ast::Declaration::Model(m) => {
                let item = match (previous, &mut next) {
                    (Some(previous), Some(next)) => {
                        let (base, key) = ModelKey::of(&m, text, nl);
                        let cached = match previous.models.get(&key) {
                            Some(cached) => CachedModel {
                                base: cached.base,
                                item: cached.item.clone(),
                            },
                            None => CachedModel {
                                base,
                                item: lower_model(m, text, nl).map(Arc::new),
                            },
                        };
                        let item = cached.item.as_deref().cloned().map(|mut item| {
                            item.shift(base as isize - cached.base as isize);
                            item
                        });
                        next.models.insert(key, cached);
                        item
                    }
                    _ => lower_model(m, text, nl),
                };
                if let Some(item) = item {
                    items.models.push(item);
                }
            }
            ast::Declaration::Enum(e) => {
                let Some(name) = e.name() else { continue };
                let (map, schema) = map_and_schema(e.block_attributes());
                items.enums.push(EnumItem {
                    name: Ident::from_name(name),
                    range: e.range(),
                    docs: e.docs(),
                    values: e
                        .values()
                        .filter_map(|v| v.name())
                        .map(Ident::from_name)
                        .collect(),
                    map,
                    schema,
                });
            }
            ast::Declaration::Config(c) => {
                let Some(name) = c.name() else { continue };
                match c.kind() {
                    ast::ConfigKind::Generator => items.generators.push(Ident::from_name(name)),
                    ast::ConfigKind::Datasource => {
                        let provider = c.get("provider").and_then(|e| {
                            let value = e.as_string()?;
                            Some((normalize_provider(&value).to_string(), e.range()))
                        });
                        let schemas = c
                            .get("schemas")
                            .and_then(|e| e.as_array())
                            .map(|a| {
                                a.elements()
                                    .filter_map(|e| {
                                        Some(Ident {
                                            name: e.as_string()?.into_owned(),
                                            range: e.range(),
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        items.datasources.push(DatasourceItem {
                            name: Ident::from_name(name),
                            range: c.range(),
                            provider,
                            relation_mode: c
                                .get("relationMode")
                                .and_then(|e| e.as_string())
                                .map(|s| s.into_owned()),
                            schemas,
                        });
                    }
                }
            }
        }
    }
    (items, next)
}

/// Lowered models of one file by their text, kept between runs of
/// [`file_items`] (see there). Holds only the models of the latest run.
#[derive(Default)]
pub struct LoweringCache {
    models: FxHashMap<ModelKey, CachedModel>,
}

impl std::fmt::Debug for LoweringCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoweringCache({} models)", self.models.len())
    }
}

/// Everything a model's lowering reads: the text of the lines it spans
/// (whole lines, because insert points and index line ranges look at the
/// rest of their line), its doc comment, and the file's line ending.
#[derive(PartialEq, Eq, Hash)]
struct ModelKey {
    text: Box<str>,
    docs: Option<String>,
    crlf: bool,
}

impl ModelKey {
    /// The key and the offset its text starts at.
    fn of(m: &ast::ModelDecl<'_>, text: &str, nl: &str) -> (usize, ModelKey) {
        let range = m.range();
        let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[range.end..]
            .find('\n')
            .map_or(text.len(), |i| range.end + i);
        let key = ModelKey {
            text: text[start..end].into(),
            docs: m.docs(),
            crlf: nl == "\r\n",
        };
        (start, key)
    }
}

struct CachedModel {
    /// Where the key's text started when `item` was lowered.
    base: usize,
    /// Shared between runs: a hit copies it once, to move it.
    item: Option<Arc<ModelItem>>,
}

/// Moves every offset of a lowered item by `delta` bytes.
trait Shift {
    fn shift(&mut self, delta: isize);
}

impl Shift for usize {
    fn shift(&mut self, delta: isize) {
        *self = self.wrapping_add_signed(delta);
    }
}

impl Shift for TextRange {
    fn shift(&mut self, delta: isize) {
        self.start.shift(delta);
        self.end.shift(delta);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, delta: isize) {
        if let Some(x) = self {
            x.shift(delta);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, delta: isize) {
        for x in self {
            x.shift(delta);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, delta: isize) {
        (**self).shift(delta);
    }
}

impl Shift for Ident {
    fn shift(&mut self, delta: isize) {
        self.range.shift(delta);
    }
}

impl Shift for ModelItem {
    fn shift(&mut self, delta: isize) {
        // Destructured, so a new field cannot be forgotten here.
        let ModelItem {
            name,
            kind: _,
            range,
            docs: _,
            fields,
            indexes,
            map: _,
            schema,
            block_attr_insert,
        } = self;
        name.shift(delta);
        range.shift(delta);
        fields.shift(delta);
        indexes.shift(delta);
        if let Some((_, r)) = schema {
            r.shift(delta);
        }
        if let Some(p) = block_attr_insert {
            p.offset.shift(delta);
        }
    }
}

impl Shift for FieldItem {
    fn shift(&mut self, delta: isize) {
        let FieldItem {
            name,
            range,
            type_name,
            unsupported: _,
            arity: _,
            modifier_range,
            is_id: _,
            is_unique: _,
            updated_at: _,
            default: _,
            relation,
            attr_insert,
        } = self;
        name.shift(delta);
        range.shift(delta);
        type_name.shift(delta);
        modifier_range.shift(delta);
        relation.shift(delta);
        attr_insert.shift(delta);
    }
}

impl Shift for RelationItem {
    fn shift(&mut self, delta: isize) {
        let RelationItem {
            range,
            name: _,
            fields,
            references,
            on_delete,
            on_update,
        } = self;
        range.shift(delta);
        fields.shift(delta);
        references.shift(delta);
        on_delete.shift(delta);
        on_update.shift(delta);
    }
}

impl Shift for IndexItem {
    fn shift(&mut self, delta: isize) {
        let IndexItem {
            kind: _,
            fields,
            range,
            line_range,
        } = self;
        fields.shift(delta);
        range.shift(delta);
        line_range.shift(delta);
    }
}

fn map_and_schema<'a>(
    attrs: impl Iterator<Item = ast::Attribute<'a>>,
) -> (Option<String>, Option<(String, TextRange)>) {
    let mut map = None;
    let mut schema = None;
    for attr in attrs {
        match attr.name_text() {
            Some("map") => {
                map = attr
                    .arg_or_first("name")
                    .and_then(|e| e.as_string())
                    .map(|s| s.into_owned())
            }
            Some("schema") => {
                schema = attr
                    .positional_arg(0)
                    .and_then(|e| e.as_string())
                    .map(|s| (s.into_owned(), attr.range()))
            }
            _ => {}
        }
    }
    (map, schema)
}

fn field_list(expr: Option<ast::Expr<'_>>) -> Option<Vec<Ident>> {
    let array = expr?.as_array()?;
    Some(
        array
            .field_refs()
            .map(|r| Ident::from_name(r.name))
            .collect(),
    )
}

fn lower_model(m: ast::ModelDecl<'_>, text: &str, nl: &str) -> Option<ModelItem> {
    let name = m.name()?;
    let mut fields = Vec::new();
    for f in m.fields() {
        let Some(fname) = f.name() else { continue };
        let ty = f.type_ref();
        let mut item = FieldItem {
            name: Ident::from_name(fname),
            range: f.range(),
            type_name: ty.and_then(|t| t.name()).map(Ident::from_name),
            unsupported: ty.is_some_and(|t| t.is_unsupported()),
            arity: ty.map_or(Arity::Required, |t| t.arity()),
            modifier_range: ty.and_then(|t| t.modifier_range()),
            is_id: false,
            is_unique: false,
            updated_at: false,
            default: None,
            relation: None,
            attr_insert: ty.map_or(fname.range().end, |t| t.range().end),
        };
        for attr in f.attributes() {
            item.attr_insert = attr.range().end;
            match attr.name_text() {
                Some("id") => item.is_id = true,
                Some("unique") => item.is_unique = true,
                Some("updatedAt") => item.updated_at = true,
                Some("default") => {
                    item.default = attr
                        .arg_or_first("value")
                        .map(|e| text[e.range().start..e.range().end].to_string())
                }
                Some("relation") => {
                    // One pass over the arguments; looking each one up
                    // through the tree again was a tenth of lowering time.
                    let mut relation = RelationItem {
                        range: attr.range(),
                        name: None,
                        fields: None,
                        references: None,
                        on_delete: None,
                        on_update: None,
                    };
                    // Only the first positional argument is the name.
                    let mut first_positional = true;
                    for arg in attr.args() {
                        let value = arg.value();
                        let Some(key) = arg.name() else {
                            if first_positional && relation.name.is_none() {
                                relation.name =
                                    value.and_then(|e| e.as_string()).map(|s| s.into_owned());
                            }
                            first_positional = false;
                            continue;
                        };
                        match key.as_str() {
                            "name" => {
                                relation.name =
                                    value.and_then(|e| e.as_string()).map(|s| s.into_owned())
                            }
                            "fields" => relation.fields = field_list(value),
                            "references" => relation.references = field_list(value),
                            "onDelete" => {
                                relation.on_delete =
                                    value.and_then(|e| e.as_ident()).map(Ident::from_name)
                            }
                            "onUpdate" => {
                                relation.on_update =
                                    value.and_then(|e| e.as_ident()).map(Ident::from_name)
                            }
                            _ => {}
                        }
                    }
                    item.relation = Some(Box::new(relation));
                }
                _ => {}
            }
        }
        fields.push(item);
    }
    fields.shrink_to_fit();

    let mut indexes = Vec::new();
    // Each walk over a body visits every field, so the block attributes
    // are collected once and shared by the three uses below.
    let block_attrs: Vec<ast::Attribute<'_>> = m.block_attributes().collect();
    for attr in &block_attrs {
        let kind = match attr.name_text() {
            Some("id") => IndexKind::Id,
            Some("unique") => IndexKind::Unique,
            Some("index") => IndexKind::Index,
            Some("fulltext") => IndexKind::Fulltext,
            _ => continue,
        };
        let Some(cols) = field_list(attr.arg_or_first("fields")) else {
            continue;
        };
        indexes.push(IndexItem {
            kind,
            fields: cols,
            range: attr.range(),
            line_range: full_line(text, attr.range()),
        });
    }
    let (map, schema) = map_and_schema(block_attrs.iter().copied());

    Some(ModelItem {
        name: Ident::from_name(name),
        kind: m.kind(),
        range: m.range(),
        docs: m.docs(),
        block_attr_insert: block_attr_insert(&m, block_attrs.last(), text, nl),
        fields,
        indexes,
        map,
        schema,
    })
}

/// The range of the lines that `range` sits on, including the final line
/// break, if nothing else is on them.
fn full_line(text: &str, range: TextRange) -> TextRange {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i + 1);
    if text[start..range.start].trim().is_empty() && text[range.end..end].trim().is_empty() {
        TextRange::new(start, end)
    } else {
        range
    }
}

/// Where `@@index(...)` is inserted: after the last block attribute if there
/// is one (indented like it), else before the closing brace (indented like
/// the fields, after a blank line).
fn block_attr_insert(
    m: &ast::ModelDecl<'_>,
    last_block_attr: Option<&ast::Attribute<'_>>,
    text: &str,
    nl: &str,
) -> Option<InsertPoint> {
    // The indentation of a line, or two spaces when the code shares its
    // line with the block's opening (`model A { id Int @id`).
    let indent_of = |offset: usize| {
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..offset];
        if !line.trim().is_empty() {
            return "  ".to_string();
        }
        line.to_string()
    };
    if let Some(last) = last_block_attr {
        let end = last.range().end;
        let mut line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        if text[..line_end].ends_with('\r') {
            line_end -= 1;
        }
        return Some(InsertPoint {
            offset: line_end,
            prefix: format!("{nl}{}", indent_of(last.range().start)),
            suffix: String::new(),
        });
    }
    let close = m.body()?.close_brace()?;
    let indent = m
        .fields()
        .next()
        .map(|f| indent_of(f.range().start))
        .unwrap_or_else(|| "  ".to_string());
    let before = &text[..close.start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if before[line_start..].trim().is_empty() && line_start > 0 {
        // Insert at the start of the closing brace's line.
        let blank = if m.fields().next().is_some() { nl } else { "" };
        return Some(InsertPoint {
            offset: line_start,
            prefix: format!("{blank}{indent}"),
            suffix: nl.into(),
        });
    }
    Some(InsertPoint {
        offset: close.start,
        prefix: format!("{nl}{indent}"),
        suffix: nl.into(),
    })
}
