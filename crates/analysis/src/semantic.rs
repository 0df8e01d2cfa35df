//! The semantic model of a whole workspace: every declaration of every
//! schema file, resolved by name, with its module, db schema and table.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use schemalint_syntax::ast::ModelKind;

use crate::config::Config;
use crate::db::{Db, FileKind, SourceFile};
use crate::items::{self, DatasourceItem, EnumItem, FieldItem, FileItems, ModelItem, RelIdent};

pub const SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

/// A model, view or composite type: the file and its position in that
/// file's items.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ModelId {
    pub file: SourceFile,
    pub index: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct EnumId {
    pub file: SourceFile,
    pub index: usize,
}

/// What a field's type names, for comparing with an earlier build: a model
/// by the address of its shared data.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Target {
    Unresolved,
    Enum,
    Model(usize),
}

/// The address of a model's shared data: equal in two builds exactly when
/// the model is the same allocation, while something holds that
/// allocation.
pub(crate) fn data_addr(data: &Arc<items::ModelData>) -> usize {
    Arc::as_ptr(data) as usize
}

/// What a type name resolves to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Decl {
    Model(ModelId),
    Enum(EnumId),
}

pub struct Schema {
    files: HashMap<SourceFile, FileEntry>,
    /// Schema files in workspace order.
    pub schema_files: Vec<SourceFile>,
    pub models: Vec<ModelId>,
    /// The address of each model's shared data (`ModelItem::data`), by
    /// position in `models`: what a cache of an earlier build compares its
    /// models with, without looking each one up.
    model_addrs: Vec<usize>,
    pub enums: Vec<EnumId>,
    /// Every declaration of each name, in workspace order. Shared with the
    /// previous build when that declared the same names at the same
    /// positions (every keystroke that renames nothing).
    pub by_name: Arc<HashMap<String, Vec<Decl>>>,
    /// Every datasource block, in workspace order.
    pub datasources: Vec<(SourceFile, DatasourceItem)>,
    /// Every module that a declaration belongs to, each once, in the order
    /// of first appearance.
    module_names: Vec<String>,
    /// The module (a position in `module_names`) of the model, and of the
    /// enum, at each position of `models` and `enums`.
    model_modules: Vec<u32>,
    enum_modules: Vec<u32>,
    /// What each field's type names, resolved once per schema because
    /// several rules ask, for every field: the fields of the model at
    /// position `p` of `models` start at `field_types[type_start[p]]`.
    field_types: Vec<TypeRef>,
    type_start: Vec<usize>,
    /// Whether each field (indexed as `field_types`) says `onDelete:
    /// Cascade`; copied with the types of an unchanged model.
    cascading: Vec<bool>,
    /// Every field that points at another model: the model, the field's
    /// index and the target.
    relations: Vec<(ModelId, usize, ModelId)>,
    /// The relations with an explicit `onDelete: Cascade`, which three
    /// rules follow.
    cascades: Vec<(ModelId, usize, ModelId)>,
}

/// A resolved field type in four bytes (a `Decl` takes 24, and a
/// 10,000-model schema has a quarter of a million fields): a position in
/// `Schema::models`, or in `Schema::enums` with the top bit set, or
/// [`TypeRef::NONE`].
#[derive(Clone, Copy, PartialEq, Eq)]
struct TypeRef(u32);

impl TypeRef {
    const NONE: TypeRef = TypeRef(u32::MAX);
    const ENUM: u32 = 1 << 31;
}

struct FileEntry {
    items: Arc<FileItems>,
    /// The positions in `Schema::models` and `Schema::enums` of this
    /// file's first model and enum.
    first_model: usize,
    first_enum: usize,
}

/// How to compare the declarations of two schemas, for
/// [`Schema::same_but_moved`].
pub(crate) struct DeclsAlike<'a> {
    pub(crate) model: &'a dyn Fn(SourceFile, &ModelItem, &ModelItem) -> bool,
    pub(crate) enum_: &'a dyn Fn(SourceFile, &EnumItem, &EnumItem) -> bool,
    pub(crate) datasource: &'a dyn Fn(SourceFile, &DatasourceItem, &DatasourceItem) -> bool,
    pub(crate) generator: &'a dyn Fn(SourceFile, &items::Ident, &items::Ident) -> bool,
}

impl Schema {
    /// Whether this schema is `old` but for where its declarations are:
    /// the same files, declarations, names, modules and resolved types, and
    /// declarations that `alike` finds the same. Everything a rule can
    /// read is compared; the fields are listed whole, so that a field added
    /// to `Schema` must be added here.
    pub(crate) fn same_but_moved(&self, old: &Schema, alike: &DeclsAlike<'_>) -> bool {
        let Schema {
            files,
            schema_files,
            models,
            // Which allocations the models are, which a move may change;
            // no rule reads it, and the models are compared below.
            model_addrs: _,
            enums,
            by_name,
            datasources,
            module_names,
            model_modules,
            enum_modules,
            field_types,
            type_start,
            cascading,
            relations,
            cascades,
        } = self;
        let same_lists = *schema_files == old.schema_files
            && *models == old.models
            && *enums == old.enums
            && files.len() == old.files.len()
            && *module_names == old.module_names
            && *model_modules == old.model_modules
            && *enum_modules == old.enum_modules
            && *type_start == old.type_start
            && *field_types == old.field_types
            && *cascading == old.cascading
            && *relations == old.relations
            && *cascades == old.cascades
            && datasources.len() == old.datasources.len()
            && (Arc::ptr_eq(by_name, &old.by_name) || *by_name == old.by_name);
        if !same_lists {
            return false;
        }
        let same_generators = files.iter().all(|(file, entry)| {
            old.files.get(file).is_some_and(|o| {
                o.items.generators.len() == entry.items.generators.len()
                    && o.items
                        .generators
                        .iter()
                        .zip(&entry.items.generators)
                        .all(|(a, b)| (alike.generator)(*file, a, b))
            })
        });
        same_generators
            && datasources
                .iter()
                .zip(&old.datasources)
                .all(|((f, new), (g, old))| f == g && (alike.datasource)(*f, old, new))
            && models
                .iter()
                .all(|&id| (alike.model)(id.file, old.model(id), self.model(id)))
            && enums
                .iter()
                .all(|&id| (alike.enum_)(id.file, old.enum_(id), self.enum_(id)))
    }

    pub fn items(&self, file: SourceFile) -> &FileItems {
        &self.files[&file].items
    }

    pub fn model(&self, id: ModelId) -> &ModelItem {
        &self.files[&id.file].items.models[id.index]
    }

    pub fn enum_(&self, id: EnumId) -> &EnumItem {
        &self.files[&id.file].items.enums[id.index]
    }

    /// The declaration that the type of field number `field` of `id`
    /// names (the first one, as [`Schema::resolve`]).
    pub fn field_type(&self, id: ModelId, field: usize) -> Option<Decl> {
        let position = self.files[&id.file].first_model + id.index;
        self.decl(self.field_types[self.type_start[position] + field])
    }

    /// [`Schema::field_type`] of every field of `id`, in order.
    pub fn field_types(&self, id: ModelId) -> impl ExactSizeIterator<Item = Option<Decl>> + '_ {
        self.type_refs(id).iter().map(|&t| self.decl(t))
    }

    /// The resolved types of the fields of `id`, in order.
    fn type_refs(&self, id: ModelId) -> &[TypeRef] {
        let entry = &self.files[&id.file];
        let start = self.type_start[entry.first_model + id.index];
        &self.field_types[start..start + entry.items.models[id.index].fields.len()]
    }

    /// What each field of `id` names, as [`Schema::field_types`], with a
    /// model given by the address of its data (see [`data_addr`]).
    pub(crate) fn field_targets(&self, id: ModelId) -> impl ExactSizeIterator<Item = Target> + '_ {
        self.type_refs(id).iter().map(|&TypeRef(r)| match r {
            r if r == TypeRef::NONE.0 => Target::Unresolved,
            r if r & TypeRef::ENUM != 0 => Target::Enum,
            r => Target::Model(self.model_addrs[r as usize]),
        })
    }

    fn decl(&self, TypeRef(r): TypeRef) -> Option<Decl> {
        match r {
            r if r == TypeRef::NONE.0 => None,
            r if r & TypeRef::ENUM != 0 => {
                Some(Decl::Enum(self.enums[(r & !TypeRef::ENUM) as usize]))
            }
            r => Some(Decl::Model(self.models[r as usize])),
        }
    }

    /// The model (not view or composite type) that field number `field` of
    /// `id` points at: [`Schema::relation_target`], looked up.
    pub fn field_target(&self, id: ModelId, field: usize) -> Option<ModelId> {
        match self.field_type(id, field)? {
            Decl::Model(target) if self.model(target).kind != ModelKind::CompositeType => {
                Some(target)
            }
            _ => None,
        }
    }

    /// The first declaration of `name`.
    pub fn resolve(&self, name: &str) -> Option<Decl> {
        self.by_name.get(name).and_then(|d| d.first().copied())
    }

    /// The model (not view or composite type) that a field's type names.
    pub fn relation_target(&self, field: &FieldItem) -> Option<ModelId> {
        match self.resolve(&field.type_name.as_ref()?.name)? {
            Decl::Model(id) if self.model(id).kind != ModelKind::CompositeType => Some(id),
            _ => None,
        }
    }

    pub fn module(&self, decl: Decl) -> &str {
        let (file, index) = match decl {
            Decl::Model(id) => (id.file, id.index),
            Decl::Enum(id) => (id.file, id.index),
        };
        let Some(entry) = self.files.get(&file) else {
            return "default";
        };
        let module = match decl {
            Decl::Model(_) => self.model_modules.get(entry.first_model + index),
            Decl::Enum(_) => self.enum_modules.get(entry.first_enum + index),
        };
        module.map_or("default", |&m| &self.module_names[m as usize])
    }

    /// Every module that some declaration belongs to.
    pub fn modules(&self) -> &[String] {
        &self.module_names
    }

    /// The datasource that governs the schema: the first one.
    pub fn datasource(&self) -> Option<&DatasourceItem> {
        self.datasources.first().map(|(_, d)| d)
    }

    pub fn provider(&self) -> Option<&str> {
        self.datasource()
            .and_then(|d| d.provider.as_ref())
            .map(|(p, _)| p.as_str())
    }

    /// Whether Prisma, not the database, enforces relations.
    pub fn relation_mode_prisma(&self) -> bool {
        let default_prisma = self.provider() == Some("mongodb");
        self.datasource()
            .and_then(|d| d.relation_mode.as_deref())
            .map_or(default_prisma, |m| m == "prisma")
    }

    /// Every model's fields that point at another model, with the target.
    pub fn relations(&self) -> impl Iterator<Item = (ModelId, &FieldItem, ModelId)> + '_ {
        self.relations
            .iter()
            .map(|&(id, field, target)| (id, &self.model(id).fields[field], target))
    }

    /// The relations with an explicit `onDelete: Cascade`: the model, the
    /// field's index and the target. Prisma's default referential actions
    /// never count.
    pub fn cascades(&self) -> &[(ModelId, usize, ModelId)] {
        &self.cascades
    }

    /// Field number `field` of `id`, one of [`Schema::cascades`], and its
    /// `Cascade`.
    pub fn cascade_field(&self, id: ModelId, field: usize) -> (&FieldItem, &RelIdent) {
        let field = &self.model(id).fields[field];
        let cascade = cascade_of(field).expect("`cascades` holds only cascading relations");
        (field, cascade)
    }
}

/// The `Cascade` of a field's explicit `onDelete: Cascade`.
fn cascade_of(field: &FieldItem) -> Option<&RelIdent> {
    field
        .relation
        .as_ref()?
        .on_delete
        .as_ref()
        .filter(|a| a.name == "Cascade")
}

/// The module a file's declaration belongs to, from the `[modules]` config,
/// then the `src/<m>/` or `modules/<m>/` folder, then its `@@schema`.
pub fn module_of(config: &Config, path: &str, db_schema: Option<&str>) -> String {
    let globs = ModuleGlobs::new(config);
    module_from(globs.module_of_file(path).as_deref(), db_schema)
}

/// The module of a declaration, given its file's module (when the path
/// decides it) and its `@@schema`.
fn module_from(by_path: Option<&str>, db_schema: Option<&str>) -> String {
    module_name(by_path, db_schema).to_string()
}

fn module_name<'a>(by_path: Option<&'a str>, db_schema: Option<&'a str>) -> &'a str {
    by_path.or(db_schema).unwrap_or("default")
}

/// The `files` globs of `[modules]`, compiled.
pub(crate) struct ModuleGlobs(Vec<(String, globset::GlobMatcher)>);

impl ModuleGlobs {
    fn new(config: &Config) -> Self {
        let mut globs = Vec::new();
        for (name, module) in &config.modules {
            for glob in &module.files {
                // Config loading already reported globs that do not compile.
                if let Ok(g) = globset::GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                {
                    globs.push((name.clone(), g.compile_matcher()));
                }
            }
        }
        ModuleGlobs(globs)
    }

    /// The module of every declaration of the file at `path`, when its
    /// path alone decides it.
    fn module_of_file(&self, path: &str) -> Option<String> {
        if let Some((name, _)) = self.0.iter().find(|(_, g)| g.is_match(path)) {
            return Some(name.clone());
        }
        let parts: Vec<&str> = path.split('/').collect();
        parts
            .windows(3)
            .find(|pair| matches!(pair[0], "src" | "modules"))
            .map(|pair| pair[1].to_string())
    }
}

/// The globs of the configuration, compiled once per configuration: a
/// regex compile on every keystroke cost the editor more than some rules.
pub(crate) struct ConfigGlobs {
    pub(crate) modules: ModuleGlobs,
    /// `[audit] models`.
    pub(crate) audit_models: NamePatterns,
}

#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn config_globs(db: &dyn Db) -> Arc<ConfigGlobs> {
    let config = db.workspace().config(db);
    Arc::new(ConfigGlobs {
        modules: ModuleGlobs::new(config),
        audit_models: NamePatterns::new(&config.audit.models),
    })
}

/// Glob patterns for declaration names, matched as globset matches them.
/// A pattern of plain text and single `*`s, such as the default audit
/// models `*Audit*` and `*History`, is matched here directly; any other
/// goes to globset. Building a globset compiles its patterns into
/// automata: 0.2 ms of every `check`, as much as checking a small schema's
/// models.
pub(crate) struct NamePatterns {
    /// Each pattern's text between its `*`s.
    stars: Vec<Vec<String>>,
    others: globset::GlobSet,
}

impl NamePatterns {
    pub(crate) fn new(patterns: &[String]) -> Self {
        let mut stars = Vec::new();
        let mut others = globset::GlobSetBuilder::new();
        for pattern in patterns {
            // globset gives meaning to these characters (and to `**`);
            // without them a pattern is text and `*`s matching any run.
            let plain =
                !pattern.contains(['?', '[', ']', '{', '}', '\\']) && !pattern.contains("**");
            if plain {
                stars.push(pattern.split('*').map(str::to_string).collect());
            } else if let Ok(glob) = globset::Glob::new(pattern) {
                // Config loading already reported patterns that do not
                // compile.
                others.add(glob);
            }
        }
        NamePatterns {
            stars,
            others: others.build().unwrap_or_else(|_| globset::GlobSet::empty()),
        }
    }

    pub(crate) fn is_match(&self, name: &str) -> bool {
        self.stars.iter().any(|parts| star_match(parts, name)) || self.others.is_match(name)
    }
}

/// Whether `name` is the texts of `parts` in order, with anything between
/// them: the first at its start, the last at its end.
fn star_match(parts: &[String], name: &str) -> bool {
    let [first, middle @ .., last] = parts else {
        return parts.first().is_some_and(|only| only == name);
    };
    if name.len() < first.len() + last.len()
        || !name.starts_with(first.as_str())
        || !name.ends_with(last.as_str())
    {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in middle {
        match rest.find(part.as_str()) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[salsa::tracked(returns(ref), no_eq)]
pub fn schema(db: &dyn Db) -> Arc<Schema> {
    let ws = db.workspace();
    let globs = config_globs(db);
    let mut schema = Schema {
        files: HashMap::default(),
        schema_files: Vec::new(),
        models: Vec::new(),
        model_addrs: Vec::new(),
        enums: Vec::new(),
        by_name: Arc::default(),
        datasources: Vec::new(),
        module_names: Vec::new(),
        model_modules: Vec::new(),
        enum_modules: Vec::new(),
        field_types: Vec::new(),
        type_start: Vec::new(),
        cascading: Vec::new(),
        relations: Vec::new(),
        cascades: Vec::new(),
    };
    // Interned, so a declaration costs no allocation of its module's name.
    let mut module_ids: HashMap<String, u32> = HashMap::default();
    let mut intern = |names: &mut Vec<String>, name: &str| -> u32 {
        if let Some(&id) = module_ids.get(name) {
            return id;
        }
        names.push(name.to_string());
        let id = names.len() as u32 - 1;
        module_ids.insert(name.to_string(), id);
        id
    };
    // Which models are composite types, by position, noted while each
    // model is at hand (relations never point at them).
    let mut composite = Vec::new();
    for &file in ws.files(db) {
        if file.kind(db) != FileKind::Schema {
            continue;
        }
        let file_items = items::file_items(db, file).clone();
        // The path is matched once per file, not once per declaration.
        let by_path = globs.modules.module_of_file(file.path(db));
        for (index, m) in file_items.models.iter().enumerate() {
            schema.models.push(ModelId { file, index });
            schema.model_addrs.push(data_addr(m.data()));
            composite.push(m.kind == ModelKind::CompositeType);
            let m = intern(
                &mut schema.module_names,
                module_name(by_path.as_deref(), m.schema.as_ref().map(|s| s.0.as_str())),
            );
            schema.model_modules.push(m);
        }
        for (index, e) in file_items.enums.iter().enumerate() {
            schema.enums.push(EnumId { file, index });
            let m = intern(
                &mut schema.module_names,
                module_name(by_path.as_deref(), e.schema.as_ref().map(|s| s.0.as_str())),
            );
            schema.enum_modules.push(m);
        }
        for ds in &file_items.datasources {
            schema.datasources.push((file, ds.clone()));
        }
        schema.schema_files.push(file);
        let first_model = schema.models.len() - file_items.models.len();
        let first_enum = schema.enums.len() - file_items.enums.len();
        schema.files.insert(
            file,
            FileEntry {
                items: file_items,
                first_model,
                first_enum,
            },
        );
    }
    // Every name is declared by now, so the field types resolve.
    let position = |decl: Decl| {
        let (file, index) = match decl {
            Decl::Model(id) => (id.file, id.index),
            Decl::Enum(id) => (id.file, id.index),
        };
        let entry = &schema.files[&file];
        match decl {
            Decl::Model(_) => TypeRef((entry.first_model + index) as u32),
            Decl::Enum(_) => TypeRef((entry.first_enum + index) as u32 | TypeRef::ENUM),
        }
    };
    // A model whose data is the same allocation as in the previous build,
    // in a schema that declares the same names at the same positions,
    // resolves as it did then: its types are copied, not looked up again
    // field by field. On a keystroke that is every model but one.
    let previous = db
        .take_last_schema()
        .filter(|previous| same_declarations(previous, &schema));
    schema.by_name = match &previous {
        Some(previous) => previous.by_name.clone(),
        None => Arc::new(names(&schema)),
    };
    let mut field_types = Vec::new();
    let mut cascading = Vec::new();
    let mut type_start = Vec::with_capacity(schema.models.len());
    for (p, &id) in schema.models.iter().enumerate() {
        type_start.push(field_types.len());
        let model = schema.model(id);
        if let Some(previous) = &previous {
            if Arc::ptr_eq(previous.model(id).data(), model.data()) {
                let start = previous.type_start[p];
                let fields = start..start + model.fields.len();
                field_types.extend_from_slice(&previous.field_types[fields.clone()]);
                cascading.extend_from_slice(&previous.cascading[fields]);
                continue;
            }
        }
        cascading.extend(model.fields.iter().map(|f| cascade_of(f).is_some()));
        field_types.extend(model.fields.iter().map(|f| {
            f.type_name
                .as_ref()
                .and_then(|t| schema.resolve(&t.name))
                .map_or(TypeRef::NONE, position)
        }));
    }
    drop(previous);
    schema.field_types = field_types;
    schema.type_start = type_start;
    schema.cascading = cascading;
    // Read from the arrays above, in order, rather than from every
    // relation field's model data: on 10,000 models the pointer chasing
    // was about a third of the build.
    let mut relations = Vec::new();
    let mut cascades = Vec::new();
    for (p, &id) in schema.models.iter().enumerate() {
        let start = schema.type_start[p];
        let end = schema
            .type_start
            .get(p + 1)
            .copied()
            .unwrap_or(schema.field_types.len());
        for (field, &TypeRef(r)) in schema.field_types[start..end].iter().enumerate() {
            if r == TypeRef::NONE.0 || r & TypeRef::ENUM != 0 || composite[r as usize] {
                continue;
            }
            let target = schema.models[r as usize];
            relations.push((id, field, target));
            if schema.cascading[start + field] {
                cascades.push((id, field, target));
            }
        }
    }
    schema.relations = relations;
    schema.cascades = cascades;
    let schema = Arc::new(schema);
    db.put_last_schema(schema.clone());
    schema
}

/// Every declaration of each name, in workspace order: file by file, a
/// file's models before its enums.
fn names(schema: &Schema) -> HashMap<String, Vec<Decl>> {
    let mut by_name: HashMap<String, Vec<Decl>> = HashMap::default();
    for &file in &schema.schema_files {
        let items = &schema.files[&file].items;
        for (index, m) in items.models.iter().enumerate() {
            let id = Decl::Model(ModelId { file, index });
            by_name.entry(m.name.name.clone()).or_default().push(id);
        }
        for (index, e) in items.enums.iter().enumerate() {
            let id = Decl::Enum(EnumId { file, index });
            by_name.entry(e.name.name.clone()).or_default().push(id);
        }
    }
    by_name
}

/// Whether two schemas declare the same names at the same positions, so
/// that every type name resolves to the same position in both.
fn same_declarations(a: &Schema, b: &Schema) -> bool {
    a.models == b.models
        && a.enums == b.enums
        && b.models.iter().all(|&id| {
            let (x, y) = (a.model(id), b.model(id));
            Arc::ptr_eq(x.data(), y.data()) || x.name.name == y.name.name
        })
        && b.enums
            .iter()
            .all(|&id| a.enum_(id).name.name == b.enum_(id).name.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Name patterns match as globset does, on patterns of text and `*`s
    /// (matched here) and others (handed to globset), against many names.
    #[test]
    fn name_patterns_match_as_globset_does() {
        let patterns = [
            "*Audit*",
            "*History",
            "Audit*",
            "*",
            "",
            "A*B*C",
            "a*",
            "*a*a*",
            "Log",
            "x*y",
            "*Au?it*",
            "[AL]og*",
            "*{Log,History}",
            "Ab*bA",
            "é*",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut names: Vec<String> = [
            "",
            "Audit",
            "AuditLog",
            "UserHistory",
            "History",
            "Log",
            "ABC",
            "AC",
            "AbA",
            "Aba",
            "aa",
            "éA",
        ]
        .map(String::from)
        .to_vec();
        let mut below = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        for _ in 0..2000 {
            let len = below(9);
            let name: String = (0..len)
                .map(|_| b"aAbBCuditHsoryLgx_y"[below(19)] as char)
                .collect();
            names.push(name);
        }
        names.sort();
        names.dedup();
        assert!(names.len() > 1000, "{} distinct names", names.len());
        for pattern in patterns {
            let ours = NamePatterns::new(&[pattern.to_string()]);
            let theirs = globset::Glob::new(pattern).unwrap().compile_matcher();
            for name in &names {
                assert_eq!(
                    ours.is_match(name),
                    theirs.is_match(name),
                    "`{pattern}` on `{name}`"
                );
            }
        }
        let both = NamePatterns::new(&["*Audit*".to_string(), "[AL]og*".to_string()]);
        assert!(both.is_match("UserAudit") && both.is_match("Logs") && !both.is_match("User"));
    }

    #[test]
    fn module_resolution_order() {
        let mut config = Config::default();
        assert_eq!(
            module_of(&config, "src/lims/schema.prisma", Some("qms")),
            "lims"
        );
        assert_eq!(
            module_of(&config, "app/modules/billing/x.prisma", None),
            "billing"
        );
        assert_eq!(
            module_of(&config, "prisma/schema.prisma", Some("audit")),
            "audit"
        );
        assert_eq!(module_of(&config, "prisma/schema.prisma", None), "default");
        config.modules.insert(
            "platform".into(),
            crate::config::ModuleConfig {
                files: vec!["src/lims/**".into()],
                ..Default::default()
            },
        );
        assert_eq!(
            module_of(&config, "src/lims/schema.prisma", None),
            "platform"
        );
    }
}
