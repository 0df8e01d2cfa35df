//! The salsa database, its inputs and the per-file base queries.
//!
//! Files come in as inputs; nothing here reads the disk.

use std::sync::Arc;

use schemalint_syntax::{LineIndex, Parse};

use crate::config::Config;

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

#[salsa::db]
pub trait Db: salsa::Database {
    /// The workspace input of this database.
    fn workspace(&self) -> Workspace;
}

/// The concrete database used by the CLI and the language server.
#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    workspace: Option<Workspace>,
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
}

/// The syntax tree of a schema file. Not compared for equality: every text
/// change yields a new tree, and the queries below it compare what they
/// extract instead.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse(db: &dyn Db, file: SourceFile) -> Parse {
    schemalint_syntax::parse(file.text(db).clone())
}

#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: SourceFile) -> LineIndex {
    LineIndex::new(file.text(db))
}
