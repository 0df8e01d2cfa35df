//! The salsa database, its inputs and the per-file base queries.
//!
//! Files come in as inputs; nothing here reads the disk.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use schemalint_syntax::{LineIndex, Parse, TextChange};

use crate::config::Config;
use crate::items::LoweringCache;
use crate::model_findings::ModelFindingsCache;
use crate::semantic::Schema;
use crate::workspace_findings::WorkspaceFindingsCache;

/// What role a file plays in the workspace.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FileKind {
    /// A `.prisma` schema file.
    Schema,
    /// A migration's `migration.sql`.
    Migration,
    /// A hand-written rollback beside a `migration.sql`.
    Down,
    /// The migrations folder's `migration_lock.toml`.
    MigrationLock,
}

/// One file of the workspace.
#[salsa::input(debug)]
pub struct SourceFile {
    /// The path relative to the workspace root, with `/` separators. Module
    /// and migration membership are derived from it.
    #[returns(ref)]
    pub path: String,
    #[returns(copy)]
    pub kind: FileKind,
    #[returns(ref)]
    pub text: Arc<str>,
}

/// The set of files and the configuration. There is one per database.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    #[returns(ref)]
    pub config: Arc<Config>,
}

/// A text and its line index.
pub type IndexedText = (Arc<str>, Arc<LineIndex>);

#[salsa::db]
pub trait Db: salsa::Database {
    /// The workspace input of this database.
    fn workspace(&self) -> Workspace;

    /// The most recent parse of `file`, of whatever text it had then. Only
    /// [`parse`] uses it, as the starting point of an incremental reparse.
    fn last_parse(&self, file: SourceFile) -> Option<Parse>;

    fn set_last_parse(&self, file: SourceFile, parse: &Parse);

    /// The most recent line index of `file` and the text it indexes. Only
    /// [`line_index`] uses it, as the starting point of an edited index.
    fn last_line_index(&self, file: SourceFile) -> Option<IndexedText>;

    fn set_last_line_index(&self, file: SourceFile, text: Arc<str>, index: Arc<LineIndex>);

    /// The models [`crate::items::file_items`] lowered last time for `file`,
    /// taken out; `None` when it never ran for the file.
    fn take_lowering_cache(&self, file: SourceFile) -> Option<LoweringCache>;

    fn put_lowering_cache(&self, file: SourceFile, cache: LoweringCache);

    /// The model rules' findings of the last run, taken out; `None` when
    /// they never ran (see [`crate::model_findings`]).
    fn take_model_findings(&self) -> Option<ModelFindingsCache>;

    fn put_model_findings(&self, cache: ModelFindingsCache);

    /// The workspace rules' findings of the last run, taken out (see
    /// [`crate::workspace_findings`]).
    fn take_workspace_findings(&self) -> Option<WorkspaceFindingsCache>;

    fn put_workspace_findings(&self, cache: WorkspaceFindingsCache);

    /// The semantic model [`crate::semantic::schema`] built last, taken
    /// out; it reuses what an edit left unchanged.
    fn take_last_schema(&self) -> Option<Arc<Schema>>;

    fn put_last_schema(&self, schema: Arc<Schema>);
}

/// The concrete database used by the CLI and the language server.
#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    workspace: Option<Workspace>,
    /// The latest tree of each schema file, shared by all snapshots. It
    /// holds trees the memo tables hold anyway, so it costs no memory of
    /// its own.
    last_parses: Arc<Mutex<FxHashMap<SourceFile, Parse>>>,
    /// The latest line index of each file, with its text. The index is the
    /// memo table's; the text may outlive the file's current one until the
    /// next index of the file is asked for.
    last_line_indexes: Arc<Mutex<FxHashMap<SourceFile, IndexedText>>>,
    /// Lowered models by text, for the same reason.
    lowering_caches: Arc<Mutex<FxHashMap<SourceFile, LoweringCache>>>,
    /// The model rules' findings by model, for the same reason.
    model_findings: Arc<Mutex<Option<ModelFindingsCache>>>,
    /// The workspace rules' findings, for the same reason.
    workspace_findings: Arc<Mutex<Option<WorkspaceFindingsCache>>>,
    /// The latest semantic model, which the memo table holds anyway.
    last_schema: Arc<Mutex<Option<Arc<Schema>>>>,
}

impl RootDatabase {
    /// A database whose salsa events (such as `WillExecute`) go to
    /// `on_event`. Tests use this to count re-executed queries.
    pub fn with_event_callback(
        on_event: Option<Box<dyn Fn(salsa::Event) + Send + Sync + 'static>>,
    ) -> Self {
        let mut db = RootDatabase {
            storage: salsa::Storage::new(on_event),
            workspace: None,
            last_parses: Arc::default(),
            last_line_indexes: Arc::default(),
            lowering_caches: Arc::default(),
            model_findings: Arc::default(),
            workspace_findings: Arc::default(),
            last_schema: Arc::default(),
        };
        let ws = Workspace::new(&db, Vec::new(), Arc::new(Config::default()));
        db.workspace = Some(ws);
        db
    }
}

impl Default for RootDatabase {
    fn default() -> Self {
        Self::with_event_callback(None)
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {
    fn workspace(&self) -> Workspace {
        self.workspace
            .expect("RootDatabase constructors create the workspace input")
    }

    fn last_parse(&self, file: SourceFile) -> Option<Parse> {
        lock(&self.last_parses).get(&file).cloned()
    }

    fn set_last_parse(&self, file: SourceFile, parse: &Parse) {
        lock(&self.last_parses).insert(file, parse.clone());
    }

    fn last_line_index(&self, file: SourceFile) -> Option<IndexedText> {
        lock(&self.last_line_indexes).get(&file).cloned()
    }

    fn set_last_line_index(&self, file: SourceFile, text: Arc<str>, index: Arc<LineIndex>) {
        lock(&self.last_line_indexes).insert(file, (text, index));
    }

    fn take_lowering_cache(&self, file: SourceFile) -> Option<LoweringCache> {
        lock(&self.lowering_caches).remove(&file)
    }

    fn put_lowering_cache(&self, file: SourceFile, cache: LoweringCache) {
        lock(&self.lowering_caches).insert(file, cache);
    }

    fn take_model_findings(&self) -> Option<ModelFindingsCache> {
        lock(&self.model_findings).take()
    }

    fn put_model_findings(&self, cache: ModelFindingsCache) {
        *lock(&self.model_findings) = Some(cache);
    }

    fn take_workspace_findings(&self) -> Option<WorkspaceFindingsCache> {
        lock(&self.workspace_findings).take()
    }

    fn put_workspace_findings(&self, cache: WorkspaceFindingsCache) {
        *lock(&self.workspace_findings) = Some(cache);
    }

    fn take_last_schema(&self) -> Option<Arc<Schema>> {
        lock(&self.last_schema).take()
    }

    fn put_last_schema(&self, schema: Arc<Schema>) {
        *lock(&self.last_schema) = Some(schema);
    }
}

impl RootDatabase {
    /// Forgets the tree of a file that left the workspace.
    pub(crate) fn forget_parse(&self, file: SourceFile) {
        lock(&self.last_parses).remove(&file);
        lock(&self.last_line_indexes).remove(&file);
        lock(&self.lowering_caches).remove(&file);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The map holds plain values; a panic elsewhere cannot leave it torn.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The syntax tree of a schema file. Not compared for equality: every text
/// change yields a new tree, and the queries below it compare what they
/// extract instead.
///
/// When the file was parsed before, the new text is parsed incrementally
/// from the old tree. That read of [`Db::last_parse`] is untracked on
/// purpose: the result is the same tree a fresh parse gives (see
/// `crates/syntax/tests/reparse.rs`), so it depends on the text alone.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse(db: &dyn Db, file: SourceFile) -> Parse {
    let text = file.text(db).clone();
    let parse = match db.last_parse(file) {
        Some(old) if Arc::ptr_eq(old.text(), &text) => return old,
        Some(old) => schemalint_syntax::reparse(text, &old),
        None => schemalint_syntax::parse(text),
    };
    db.set_last_parse(file, &parse);
    parse
}

/// The change from `old`, an earlier text of `file`, to its text now: as
/// the reparse found it when the schema file was reparsed from `old` (no
/// second scan of a large file), else by comparing the two. Only schema
/// files are parsed; asking the parse of a migration would parse its SQL
/// as a schema.
pub fn text_change(db: &dyn Db, file: SourceFile, old: &Arc<str>) -> TextChange {
    let new = file.text(db);
    if Arc::ptr_eq(old, new) {
        return TextChange::none(new.len());
    }
    let reparsed = (file.kind(db) == FileKind::Schema)
        .then(|| parse(db, file).change_from(old))
        .flatten();
    reparsed.unwrap_or_else(|| TextChange::between(old, new))
}

/// The line index of `file`. Built from the last one, through the edit
/// between their texts, when there is one: an untracked read, as in
/// [`parse`], because the result is the index of the text alone
/// (`LineIndex::edited` equals `LineIndex::new`, tested in the syntax
/// crate).
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    let text = file.text(db);
    let index = match db.last_line_index(file) {
        Some((old_text, old)) if Arc::ptr_eq(&old_text, text) => old,
        Some((old_text, old)) => Arc::new(old.edited(text, &text_change(db, file, &old_text))),
        None => Arc::new(LineIndex::new(text)),
    };
    db.set_last_line_index(file, text.clone(), index.clone());
    index
}
