//! Per-file lowering: the declarations of one schema file as plain data.
//!
//! `file_items` is the firewall between syntax and semantics. It is compared
//! for equality, so an edit that leaves a file's declarations unchanged (a
//! comment, whitespace inside a line) stops there. Ranges are part of the
//! data, so edits that move code do flow through.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use schemalint_syntax::ast::{self, Arity, ModelKind};
use schemalint_syntax::shape;
use schemalint_syntax::{TextChange, TextRange};

use crate::db::{self, Db, SourceFile};

/// A name and where it is written: a [`TextRange`] in the file, or a
/// [`RelRange`] inside a model.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Ident<R = TextRange> {
    pub name: String,
    pub range: R,
}

impl Ident {
    fn from_name(n: ast::Name<'_>) -> Ident {
        Ident {
            name: n.as_str().to_string(),
            range: n.range(),
        }
    }
}

/// A name inside a model, placed relative to the model.
pub type RelIdent = Ident<RelRange>;

/// A range inside a model, counted from the model's [`ModelItem::base`].
/// Models are stored this way so that an edit above a model does not
/// change it: an editing session keeps every model the edit did not touch,
/// shared, instead of copying it to move its offsets. The fields are
/// private on purpose: the only way to a file offset is
/// [`ModelItem::abs`], which adds the base.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RelRange {
    start: usize,
    end: usize,
}

/// An offset inside a model, counted from the model's base.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RelOffset(usize);

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct FileItems {
    pub models: Vec<ModelItem>,
    pub enums: Vec<EnumItem>,
    pub datasources: Vec<DatasourceItem>,
    pub generators: Vec<Ident>,
}

/// A model, view or composite type: where it starts in the file, and what
/// it says with positions relative to that start. Reading a field of the
/// model goes through to [`ModelData`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelItem {
    base: usize,
    data: Arc<ModelData>,
}

impl std::ops::Deref for ModelItem {
    type Target = ModelData;

    fn deref(&self) -> &ModelData {
        &self.data
    }
}

impl ModelItem {
    /// The offset every [`RelRange`] of the model counts from: the start of
    /// the line of its first doc comment, or of its own first line.
    pub fn base(&self) -> usize {
        self.base
    }

    /// A range of the model as a range of the file.
    pub fn abs(&self, r: RelRange) -> TextRange {
        TextRange::new(self.base + r.start, self.base + r.end)
    }

    /// An offset of the model as an offset in the file.
    pub fn abs_offset(&self, o: RelOffset) -> usize {
        self.base + o.0
    }

    /// The whole block, in the file.
    pub fn range(&self) -> TextRange {
        self.abs(self.data.range)
    }

    /// The model's name, in the file.
    pub fn name_range(&self) -> TextRange {
        self.abs(self.data.name.range)
    }

    /// The shared data: the same allocation in every run that found the
    /// model's text unchanged (see [`LoweringCache`]).
    pub(crate) fn data(&self) -> &Arc<ModelData> {
        &self.data
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelData {
    pub name: RelIdent,
    pub kind: ModelKind,
    /// The whole block; [`ModelItem::range`] gives it in the file.
    pub range: RelRange,
    pub docs: Option<String>,
    pub fields: Vec<FieldItem>,
    /// `@@id`, `@@unique`, `@@index` and `@@fulltext`.
    pub indexes: Vec<IndexItem>,
    /// `@@map("...")`.
    pub map: Option<String>,
    /// `@@schema("...")`: the value and the attribute's range.
    pub schema: Option<(String, RelRange)>,
    /// Where a new block attribute line goes.
    pub block_attr_insert: Option<InsertPoint>,
}

impl ModelData {
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
    pub offset: RelOffset,
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
    pub name: RelIdent,
    /// The whole field line.
    pub range: RelRange,
    /// The base type name; `None` for `Unsupported(...)` or a missing type.
    pub type_name: Option<RelIdent>,
    pub unsupported: bool,
    pub arity: Arity,
    /// The `?` or `[]`.
    pub modifier_range: Option<RelRange>,
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
    pub attr_insert: RelOffset,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RelationItem {
    /// The `@relation(...)` attribute.
    pub range: RelRange,
    pub name: Option<String>,
    pub fields: Option<Vec<RelIdent>>,
    pub references: Option<Vec<RelIdent>>,
    pub on_delete: Option<RelIdent>,
    pub on_update: Option<RelIdent>,
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
    pub fields: Vec<RelIdent>,
    /// The attribute.
    pub range: RelRange,
    /// The attribute's whole line, line break included, for removal.
    pub line_range: RelRange,
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
    // An editing session keeps what the last run lowered (see
    // `LoweringCache`). The first run of a file only leaves an empty
    // cache, so a one-shot `check` pays no memory for it; editing
    // sessions fill it on the first edit.
    let previous = db.take_lowering_cache(file);
    let change = previous.as_ref().and_then(|p| parse.change_from(&p.text));
    // New lines written by fixes follow the file's own line ending. A
    // text without `\r\n` that an edit made from another without one
    // can only have it where the edit is; only other texts are searched
    // whole (5 MB per keystroke on a large schema).
    let crlf = match (&previous, change) {
        (Some(previous), Some(change)) if !previous.crlf => {
            let around = change.start.saturating_sub(1)..(change.new_end + 1).min(text.len());
            text.as_bytes()[around].windows(2).any(|w| w == b"\r\n")
        }
        _ => text.contains("\r\n"),
    };
    let nl = if crlf { "\r\n" } else { "\n" };
    let previous = previous.map(|cache| {
        if cache.crlf == crlf {
            cache
        } else {
            LoweringCache::empty(crlf)
        }
    });
    // A part whose text the last run lowered, wherever it was then, keeps
    // its items, moved. (An emptied cache keeps nothing, whatever the
    // change.)
    let parts: Vec<ast::SourceFile<'_>> = parse.source_file().parts().collect();
    let kept: Vec<Option<&CachedPart>> = parts
        .iter()
        .map(|part| previous.as_ref()?.part(text, part.span(), change))
        .collect();
    // The other parts are lowered, taking unchanged models from the parts
    // of the last run that nothing kept (the edited part, usually).
    let pool: Option<FxHashMap<u64, CachedModel>> = previous.as_ref().map(|previous| {
        previous
            .parts
            .iter()
            .filter(|old| !kept.iter().flatten().any(|k| std::ptr::eq(*k, *old)))
            .flat_map(|old| old.models.iter().cloned())
            .collect()
    });
    let missed: Vec<ast::SourceFile<'_>> = parts
        .iter()
        .zip(&kept)
        .filter(|(_, kept)| kept.is_none())
        .map(|(part, _)| *part)
        .collect();
    // A large file comes in several parts (its syntax chunks); they are
    // lowered on both cores and joined in order, which gives the same
    // items as one pass.
    let mut lowered = crate::parallel_map(&missed, 1, |part| {
        lower_part(*part, text, nl, pool.as_ref())
    })
    .into_iter();
    let mut items = FileItems::default();
    let mut next = LoweringCache {
        crlf,
        text: text.clone(),
        parts: Vec::with_capacity(parts.len()),
    };
    for (part, kept) in parts.iter().zip(kept) {
        let span = part.span();
        let cached = match kept {
            Some(kept) => {
                items.extend_moved(&kept.items, kept.origin, span.start);
                CachedPart {
                    span,
                    ..kept.clone()
                }
            }
            None => {
                let Some((part_items, models)) = lowered.next() else {
                    unreachable!("one lowering per missed part")
                };
                if previous.is_none() {
                    items.append(part_items);
                    continue;
                }
                items.extend_moved(&part_items, span.start, span.start);
                CachedPart {
                    span,
                    origin: span.start,
                    items: Arc::new(part_items),
                    models: models.into(),
                }
            }
        };
        next.parts.push(cached);
    }
    // After a first run the cache is left empty (`next` holds nothing
    // then), so the next run fills it.
    db.put_lowering_cache(file, next);
    Arc::new(items)
}

/// The items of one part of a file, and the cache entries of its models
/// when `previous` is kept (an editing session).
fn lower_part(
    root: ast::SourceFile<'_>,
    text: &str,
    nl: &str,
    previous: Option<&FxHashMap<u64, CachedModel>>,
) -> (FileItems, Vec<(u64, CachedModel)>) {
    let mut items = FileItems::default();
    let mut next = Vec::new();
    // One buffer for every model body of the part, so reading one costs no
    // allocation once the buffer has grown.
    let mut shape = shape::ModelShape::default();
    for documented in root.documented_declarations() {
        match documented.decl {
            ast::Declaration::Model(m) => {
                let (base, end) = model_span(&m, documented.docs_start(), text);
                let mut lower =
                    || lower_model(m, documented.docs(), base, text, nl, &mut shape).map(Arc::new);
                let data = match previous {
                    // A one-shot run keeps no cache.
                    None => lower(),
                    Some(previous) => {
                        let key = &text[base..end];
                        let hash = key_hash(key);
                        let cached = previous
                            .get(&hash)
                            .filter(|c| &*c.text == key)
                            .cloned()
                            .unwrap_or_else(|| CachedModel {
                                text: Arc::from(key),
                                data: lower(),
                            });
                        let data = cached.data.clone();
                        next.push((hash, cached));
                        data
                    }
                };
                items
                    .models
                    .extend(data.map(|data| ModelItem { base, data }));
            }
            ast::Declaration::Enum(e) => {
                let Some(name) = e.name() else { continue };
                let mut map_and_schema = MapAndSchema::default();
                let mut pieces = Vec::new();
                for attr in e.block_attributes() {
                    map_and_schema.read(&attr.shape(&mut pieces));
                }
                let MapAndSchema { map, schema } = map_and_schema;
                items.enums.push(EnumItem {
                    name: Ident::from_name(name),
                    range: e.range(),
                    docs: documented.docs(),
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

/// What the last run of [`file_items`] lowered, kept for the next run of
/// an editing session: each part of the file (a syntax chunk) with its
/// items, and its models by their text. A keystroke changes one part;
/// every other part has the same text as a part of the last run, at the
/// same place or moved by the edit, and keeps its items, moved, without
/// walking its syntax again. In the edited part, the models whose text is
/// unchanged are taken from the last run, shared.
pub struct LoweringCache {
    /// Whether the file used `\r\n` line endings: fixes write new lines
    /// with the file's ending, so nothing lowered under the other one is
    /// reused.
    crlf: bool,
    /// The text of the last run; the parts' spans point into it.
    text: Arc<str>,
    /// The parts of the last run, in order.
    parts: Vec<CachedPart>,
}

impl LoweringCache {
    fn empty(crlf: bool) -> LoweringCache {
        LoweringCache {
            crlf,
            text: Arc::from(""),
            parts: Vec::new(),
        }
    }

    /// The part of the last run with the text of `span` in `text`. Only two
    /// places can hold it: the same offset (a part before the edit), or
    /// the offset moved by the change in the file's length (a part after
    /// it). A part is kept only when its text is the same: `change`, the
    /// change from the last run's text when the reparse knew it, proves
    /// that for a part wholly before or after the edit; others are
    /// compared byte for byte.
    fn part(&self, text: &str, span: TextRange, change: Option<TextChange>) -> Option<&CachedPart> {
        let wanted = &text[span.start..span.end];
        let grown = text.len() as isize - self.text.len() as isize;
        let at = |start: usize| {
            let k = self
                .parts
                .binary_search_by_key(&start, |p| p.span.start)
                .ok()?;
            let part = &self.parts[k];
            if part.span.len() != span.len() {
                return None;
            }
            let unchanged = change.is_some_and(|c| {
                let kept = part.span.start == span.start && span.end <= c.start;
                kept || (span.start >= c.new_end && part.span.start >= c.old_end)
            });
            (unchanged || self.text.get(part.span.start..part.span.end) == Some(wanted))
                .then_some(part)
        };
        at(span.start).or_else(|| {
            let moved = span.start.checked_add_signed(-grown)?;
            (moved != span.start).then(|| at(moved)).flatten()
        })
    }
}

impl std::fmt::Debug for LoweringCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoweringCache({} parts)", self.parts.len())
    }
}

/// One part of the file as the last run lowered it.
#[derive(Clone)]
struct CachedPart {
    /// Where the part is in the cache's text.
    span: TextRange,
    /// Where the part started when it was lowered: `items` count from
    /// there.
    origin: usize,
    items: Arc<FileItems>,
    /// Its models by the hash of their text.
    models: Arc<[(u64, CachedModel)]>,
}

impl FileItems {
    /// Appends `other`, whose offsets count as if the text started at
    /// `from`, moved to count as if it started at `to`.
    fn extend_moved(&mut self, other: &FileItems, from: usize, to: usize) {
        let at = |o: usize| o - from + to;
        let range = |r: TextRange| TextRange::new(at(r.start), at(r.end));
        let ident = |i: &Ident| Ident {
            name: i.name.clone(),
            range: range(i.range),
        };
        self.models.extend(other.models.iter().map(|m| ModelItem {
            base: at(m.base),
            data: m.data.clone(),
        }));
        self.enums.extend(other.enums.iter().map(|e| EnumItem {
            name: ident(&e.name),
            range: range(e.range),
            docs: e.docs.clone(),
            values: e.values.iter().map(ident).collect(),
            map: e.map.clone(),
            schema: e.schema.as_ref().map(|(s, r)| (s.clone(), range(*r))),
        }));
        self.datasources
            .extend(other.datasources.iter().map(|d| DatasourceItem {
                name: ident(&d.name),
                range: range(d.range),
                provider: d.provider.as_ref().map(|(p, r)| (p.clone(), range(*r))),
                relation_mode: d.relation_mode.clone(),
                schemas: d.schemas.iter().map(ident).collect(),
            }));
        self.generators.extend(other.generators.iter().map(ident));
    }

    fn append(&mut self, mut other: FileItems) {
        self.models.append(&mut other.models);
        self.enums.append(&mut other.enums);
        self.datasources.append(&mut other.datasources);
        self.generators.append(&mut other.generators);
    }
}

/// A model as lowered from `text`: everything its lowering reads, which is
/// the text of the lines it spans from its first doc comment on (whole
/// lines, because insert points and index line ranges look at the rest of
/// their line).
#[derive(Clone)]
struct CachedModel {
    text: Arc<str>,
    data: Option<Arc<ModelData>>,
}

fn key_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// The text a model's lowering reads, as a byte range: from the start of
/// the line its doc comments (or, without any, the model itself) start on,
/// which is where its relative ranges count from, to the end of its last
/// line.
fn model_span(m: &ast::ModelDecl<'_>, docs_start: Option<usize>, text: &str) -> (usize, usize) {
    let range = m.range();
    let start = docs_start.unwrap_or(range.start);
    let base = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    (base, end)
}

/// A block's `@@map` name and `@@schema`, read from its block attributes
/// in order (the last of each counts).
#[derive(Default)]
struct MapAndSchema {
    map: Option<String>,
    schema: Option<(String, TextRange)>,
}

impl MapAndSchema {
    fn read(&mut self, attr: &shape::AttributeShape<'_, '_>) {
        match attr.name {
            Some("map") => {
                self.map = attr
                    .arg_or_first("name")
                    .and_then(|v| v.as_string())
                    .map(|s| s.into_owned())
            }
            Some("schema") => {
                self.schema = attr
                    .positional_arg(0)
                    .and_then(|v| v.as_string())
                    .map(|s| (s.into_owned(), attr.range))
            }
            _ => {}
        }
    }
}

fn shape_field_list(value: Option<shape::ValueShape<'_, '_>>, at: Rel) -> Option<Vec<RelIdent>> {
    Some(value?.field_refs()?.map(|w| at.word(w)).collect())
}

/// Turns file positions into positions relative to a model's base.
#[derive(Clone, Copy)]
struct Rel {
    base: usize,
}

impl Rel {
    fn range(self, r: TextRange) -> RelRange {
        // Every node of a model starts at or after its base.
        RelRange {
            start: r.start.saturating_sub(self.base),
            end: r.end.saturating_sub(self.base),
        }
    }

    fn offset(self, o: usize) -> RelOffset {
        RelOffset(o.saturating_sub(self.base))
    }

    fn word(self, w: shape::Word<'_>) -> RelIdent {
        Ident {
            name: w.text.to_string(),
            range: self.range(w.range),
        }
    }

    fn ident(self, n: ast::Name<'_>) -> RelIdent {
        Ident {
            name: n.as_str().to_string(),
            range: self.range(n.range()),
        }
    }
}

/// A model with its ranges counted from `base` (see [`RelRange`]).
fn lower_model<'a>(
    m: ast::ModelDecl<'a>,
    docs: Option<String>,
    base: usize,
    text: &str,
    nl: &str,
    shape: &mut shape::ModelShape<'a>,
) -> Option<ModelData> {
    let at = Rel { base };
    let name = m.name()?;
    // The body is read as plain data (`ModelDecl::shape`): from its text
    // in one scan when the model has no error, because walking
    // tree-sitter's nodes was most of the time lowering took.
    m.shape(shape);
    // Sized to the fields up front: grown by doubling and then shrunk, the
    // list of a twenty-field model was reallocated four times, a tenth of
    // lowering's time on a large schema.
    let named_fields = shape
        .members()
        .filter(|m| matches!(m, shape::MemberShape::Field(_, Some(_))))
        .count();
    let mut fields = Vec::with_capacity(named_fields);
    let mut indexes = Vec::new();
    let mut map_and_schema = MapAndSchema::default();
    let mut last_block_attr = None;
    let mut first_field_start = None;
    for member in shape.members() {
        let (range, shape) = match member {
            shape::MemberShape::Field(range, shape) => (range, shape),
            shape::MemberShape::Attribute(attr) => {
                last_block_attr = Some(attr.range);
                map_and_schema.read(&attr);
                let kind = match attr.name {
                    Some("id") => IndexKind::Id,
                    Some("unique") => IndexKind::Unique,
                    Some("index") => IndexKind::Index,
                    Some("fulltext") => IndexKind::Fulltext,
                    _ => continue,
                };
                let Some(cols) = shape_field_list(attr.arg_or_first("fields"), at) else {
                    continue;
                };
                indexes.push(IndexItem {
                    kind,
                    fields: cols,
                    range: at.range(attr.range),
                    line_range: at.range(full_line(text, attr.range)),
                });
                continue;
            }
        };
        first_field_start.get_or_insert(range.start);
        let Some(shape) = shape else {
            continue;
        };
        let ty = shape.type_ref;
        let mut item = FieldItem {
            name: at.word(shape.name),
            range: at.range(range),
            type_name: ty.and_then(|t| t.name).map(|n| at.word(n)),
            unsupported: ty.is_some_and(|t| t.unsupported),
            arity: ty.map_or(Arity::Required, |t| t.arity),
            modifier_range: ty.and_then(|t| t.modifier_range).map(|r| at.range(r)),
            is_id: false,
            is_unique: false,
            updated_at: false,
            default: None,
            relation: None,
            attr_insert: at.offset(ty.map_or(shape.name.range.end, |t| t.range.end)),
        };
        for attr in shape.attributes() {
            item.attr_insert = at.offset(attr.range.end);
            match attr.name {
                Some("id") => item.is_id = true,
                Some("unique") => item.is_unique = true,
                Some("updatedAt") => item.updated_at = true,
                Some("default") => {
                    item.default = attr.arg_or_first("value").map(|v| v.text.to_string())
                }
                Some("relation") => {
                    let mut relation = RelationItem {
                        range: at.range(attr.range),
                        name: None,
                        fields: None,
                        references: None,
                        on_delete: None,
                        on_update: None,
                    };
                    // Only the first positional argument is the name.
                    let mut first_positional = true;
                    for arg in attr.args() {
                        let value = arg.value;
                        let Some(key) = arg.name else {
                            if first_positional && relation.name.is_none() {
                                relation.name =
                                    value.and_then(|v| v.as_string()).map(|s| s.into_owned());
                            }
                            first_positional = false;
                            continue;
                        };
                        match key.text {
                            "name" => {
                                relation.name =
                                    value.and_then(|v| v.as_string()).map(|s| s.into_owned())
                            }
                            "fields" => relation.fields = shape_field_list(value, at),
                            "references" => relation.references = shape_field_list(value, at),
                            "onDelete" => {
                                relation.on_delete =
                                    value.and_then(|v| v.as_ident()).map(|n| at.word(n))
                            }
                            "onUpdate" => {
                                relation.on_update =
                                    value.and_then(|v| v.as_ident()).map(|n| at.word(n))
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

    let MapAndSchema { map, schema } = map_and_schema;
    let schema = schema.map(|(name, r)| (name, at.range(r)));

    Some(ModelData {
        name: at.ident(name),
        kind: m.kind(),
        range: at.range(m.range()),
        docs,
        block_attr_insert: block_attr_insert(&m, last_block_attr, first_field_start, text, nl, at),
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
    last_block_attr: Option<TextRange>,
    first_field_start: Option<usize>,
    text: &str,
    nl: &str,
    at: Rel,
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
        let end = last.end;
        let mut line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        if text[..line_end].ends_with('\r') {
            line_end -= 1;
        }
        return Some(InsertPoint {
            offset: at.offset(line_end),
            prefix: format!("{nl}{}", indent_of(last.start)),
            suffix: String::new(),
        });
    }
    let close = m.body()?.close_brace()?;
    let indent = first_field_start.map_or_else(|| "  ".to_string(), indent_of);
    let before = &text[..close.start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if before[line_start..].trim().is_empty() && line_start > 0 {
        // Insert at the start of the closing brace's line.
        let blank = if first_field_start.is_some() { nl } else { "" };
        return Some(InsertPoint {
            offset: at.offset(line_start),
            prefix: format!("{blank}{indent}"),
            suffix: nl.into(),
        });
    }
    Some(InsertPoint {
        offset: at.offset(close.start),
        prefix: format!("{nl}{indent}"),
        suffix: nl.into(),
    })
}
