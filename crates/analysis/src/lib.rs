//! The analysis engine of schemalint.
//!
//! An [`AnalysisHost`] owns the salsa database. Callers (the CLI and the
//! language server) push file texts and the configuration in as inputs and
//! read diagnostics out of an [`Analysis`] snapshot as plain data. Every
//! query is keyed by file and recomputed only when its inputs changed. This
//! crate does no IO.

pub mod config;
pub mod db;
pub mod diagnostic;
mod diagnostics;
pub mod fix;
mod ide;
pub mod items;
pub mod migrations;
pub mod model_findings;
pub mod rules;
pub mod semantic;
pub mod suppression;
pub mod workspace_findings;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use salsa::Setter;
use schemalint_syntax::{LineIndex, TextRange};

pub use config::{Config, ConfigError};
pub use db::{FileKind, SourceFile};
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity, Tag};
pub use ide::{Completion, CompletionKind, Symbol, SymbolKind};
pub use rules::Rule;
pub use salsa::Cancelled;
/// Re-exported for the project crate's reads, which have no syntax tree.
pub use schemalint_syntax::parallel_map;

use db::{Db, RootDatabase};

/// The result of a query that a newer edit may cancel.
pub type Cancellable<T> = Result<T, Cancelled>;

/// Owns the database and applies changes to it.
#[derive(Default)]
pub struct AnalysisHost {
    db: RootDatabase,
    files: HashMap<String, SourceFile>,
}

impl AnalysisHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// A host whose salsa events go to `on_event`, for incrementality tests
    /// and benchmarks.
    pub fn with_event_callback(
        on_event: Box<dyn Fn(salsa::Event) + Send + Sync + 'static>,
    ) -> Self {
        AnalysisHost {
            db: RootDatabase::with_event_callback(Some(on_event)),
            files: HashMap::new(),
        }
    }

    pub fn set_config(&mut self, config: Config) {
        let ws = self.db.workspace();
        if **ws.config(&self.db) != config {
            ws.set_config(&mut self.db).to(Arc::new(config));
        }
    }

    pub fn config(&self) -> &Config {
        self.db.workspace().config(&self.db)
    }

    /// Adds a file, or updates its text and kind. `path` is relative to the
    /// workspace root, with `/` separators.
    pub fn set_file(&mut self, path: &str, kind: FileKind, text: Arc<str>) -> SourceFile {
        if let Some(&file) = self.files.get(path) {
            if file.kind(&self.db) != kind {
                file.set_kind(&mut self.db).to(kind);
            }
            if **file.text(&self.db) != *text {
                file.set_text(&mut self.db).to(text);
            }
            let ws = self.db.workspace();
            if !ws.files(&self.db).contains(&file) {
                let mut files = ws.files(&self.db).clone();
                files.push(file);
                ws.set_files(&mut self.db).to(files);
            }
            return file;
        }
        let file = SourceFile::new(&self.db, path.to_string(), kind, text);
        self.files.insert(path.to_string(), file);
        let ws = self.db.workspace();
        let mut files = ws.files(&self.db).clone();
        files.push(file);
        ws.set_files(&mut self.db).to(files);
        file
    }

    /// Removes a file from the workspace. Its handle stays valid but no
    /// query sees it any more.
    pub fn remove_file(&mut self, path: &str) {
        let Some(file) = self.files.remove(path) else {
            return;
        };
        self.db.forget_parse(file);
        let ws = self.db.workspace();
        let files: Vec<SourceFile> = ws
            .files(&self.db)
            .iter()
            .copied()
            .filter(|f| *f != file)
            .collect();
        ws.set_files(&mut self.db).to(files);
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.files.get(path).copied()
    }

    /// A snapshot for reading. Queries on it are cancelled (they return
    /// `Err(Cancelled)`) when the host applies a newer change.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
        }
    }
}

/// The workspace size from which [`Analysis::prime`] uses more than one
/// thread. Measured on the corpus, alternating builds: a second thread saves
/// 1 to 2 ms on workspaces of 36 to 70 KB (a schema and a few dozen
/// migrations), is even at 21 KB, and would only add its start-up below.
const PARALLEL_FROM_BYTES: usize = 16 * 1024;

/// A read-only snapshot of the database.
#[derive(Clone)]
pub struct Analysis {
    db: RootDatabase,
}

impl Analysis {
    /// The workspace files, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        self.db.workspace().files(&self.db)
    }

    pub fn path(&self, file: SourceFile) -> &str {
        file.path(&self.db)
    }

    pub fn kind(&self, file: SourceFile) -> FileKind {
        file.kind(&self.db)
    }

    pub fn text(&self, file: SourceFile) -> &Arc<str> {
        file.text(&self.db)
    }

    /// The change from `old`, an earlier text of `file`, to its text now:
    /// the one the reparse found when the file was reparsed from `old`,
    /// else found by comparing the texts.
    pub fn text_change(
        &self,
        file: SourceFile,
        old: &Arc<str>,
    ) -> Cancellable<schemalint_syntax::TextChange> {
        Cancelled::catch(|| db::text_change(&self.db, file, old))
    }

    pub fn line_index(&self, file: SourceFile) -> Cancellable<&LineIndex> {
        Cancelled::catch(|| &**db::line_index(&self.db, file))
    }

    /// Runs the per-file work that does not depend on other files (parsing
    /// schemas and lowering their declarations, splitting and parsing
    /// migration SQL), then the rules, then each file's diagnostics, on
    /// every core, largest files first, so a cold check is not bound to one
    /// core. The results are memoized; later queries such as
    /// [`Analysis::diagnostics`] find them ready.
    pub fn prime(&self) -> Cancellable<()> {
        let mut files = self.files().to_vec();
        files.sort_by_key(|f| std::cmp::Reverse(f.text(&self.db).len()));
        // Starting a thread costs about as much as analysing a tiny
        // workspace, so those stay on the calling thread.
        let bytes: usize = files.iter().map(|f| f.text(&self.db).len()).sum();
        let threads = if bytes < PARALLEL_FROM_BYTES {
            1
        } else {
            schemalint_syntax::cores()
        };
        let next = AtomicUsize::new(0);
        let next_file = AtomicUsize::new(0);
        let work = |db: RootDatabase, worker: usize| {
            Cancelled::catch(|| {
                while let Some(&file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match file.kind(&db) {
                        FileKind::Schema => {
                            items::file_items(&db, file);
                        }
                        FileKind::Migration | FileKind::Down => {
                            match migrations::likely_dialect(&db) {
                                Some(dialect) => {
                                    migrations::statements_in(&db, file, dialect);
                                }
                                None => {
                                    migrations::statements(&db, file);
                                }
                            }
                        }
                        FileKind::MigrationLock => {}
                    }
                }
                // The two halves of the rules depend on different files, so
                // the workers take them in opposite orders: whichever half
                // is ready first runs while the other is still being read.
                // (salsa runs each query once; a second caller waits.)
                if worker & 1 == 0 {
                    diagnostics::migration_diagnostics(&db);
                    diagnostics::schema_diagnostics(&db);
                } else {
                    diagnostics::schema_diagnostics(&db);
                    diagnostics::migration_diagnostics(&db);
                }
                // Then each file's share, with its suppressions.
                while let Some(&file) = files.get(next_file.fetch_add(1, Ordering::Relaxed)) {
                    diagnostics::file_diagnostics(&db, file);
                }
            })
        };
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads.min(files.len()).max(1))
                .map(|worker| {
                    let db = self.db.clone();
                    let work = &work;
                    scope.spawn(move || work(db, worker))
                })
                .collect();
            let mut result = work(self.db.clone(), 0);
            for helper in helpers {
                // A helper that panicked left its file unprimed; the query
                // runs again on demand and reports the panic there.
                if let Ok(Err(cancelled)) = helper.join() {
                    result = Err(cancelled);
                }
            }
            result
        })
    }

    /// The declarations of a schema file as plain data.
    pub fn file_items(&self, file: SourceFile) -> Cancellable<Arc<items::FileItems>> {
        Cancelled::catch(|| items::file_items(&self.db, file).clone())
    }

    /// [`Analysis::diagnostics`] without the copy: the same list while the
    /// file's diagnostics do not change.
    pub fn diagnostics_shared(&self, file: SourceFile) -> Cancellable<Arc<Vec<Diagnostic>>> {
        Cancelled::catch(|| diagnostics::file_diagnostics(&self.db, file).clone())
    }

    /// The diagnostics anchored in `file`, after configuration (selection,
    /// severities) and suppression comments, sorted by position.
    pub fn diagnostics(&self, file: SourceFile) -> Cancellable<Vec<Diagnostic>> {
        Cancelled::catch(|| diagnostics::file_diagnostics(&self.db, file).to_vec())
    }

    /// The declaration of the name at byte `offset` of `file`: a model,
    /// enum or type for a type name, a field for a field reference.
    pub fn definition(
        &self,
        file: SourceFile,
        offset: usize,
    ) -> Cancellable<Option<(SourceFile, TextRange)>> {
        Cancelled::catch(|| ide::definition(&self.db, file, offset))
    }

    /// A Markdown summary of the declaration or field at `offset`.
    pub fn symbol_info(&self, file: SourceFile, offset: usize) -> Cancellable<Option<String>> {
        Cancelled::catch(|| ide::symbol_info(&self.db, file, offset))
    }

    /// The outline of a schema file: blocks with their fields or values.
    pub fn document_symbols(&self, file: SourceFile) -> Cancellable<Vec<Symbol>> {
        Cancelled::catch(|| ide::document_symbols(&self.db, file))
    }

    /// Every model, view, type and enum of the workspace whose name
    /// contains `query` (case-insensitive), with its file.
    pub fn workspace_symbols(&self, query: &str) -> Cancellable<Vec<(SourceFile, Symbol)>> {
        let query = query.to_lowercase();
        Cancelled::catch(|| {
            let schema = semantic::schema(&self.db);
            schema
                .schema_files
                .iter()
                .flat_map(|&f| {
                    ide::document_symbols(&self.db, f)
                        .into_iter()
                        .map(move |s| (f, s))
                })
                .filter(|(_, s)| s.name.to_lowercase().contains(&query))
                .map(|(f, mut s)| {
                    s.children.clear();
                    (f, s)
                })
                .collect()
        })
    }

    /// Every place that names the declaration or field at `offset`, its
    /// declaration included.
    pub fn references(
        &self,
        file: SourceFile,
        offset: usize,
    ) -> Cancellable<Option<Vec<(SourceFile, TextRange)>>> {
        Cancelled::catch(|| ide::references(&self.db, file, offset))
    }

    /// The ranges to replace with `new_name` to rename what is at `offset`,
    /// or a message saying why it cannot be renamed (for example a name
    /// that is already taken).
    pub fn rename(
        &self,
        file: SourceFile,
        offset: usize,
        new_name: &str,
    ) -> Cancellable<Result<Vec<(SourceFile, TextRange)>, String>> {
        Cancelled::catch(|| ide::rename(&self.db, file, offset, new_name))
    }

    /// The range of the name that a rename at `offset` would change.
    pub fn rename_range(&self, file: SourceFile, offset: usize) -> Cancellable<Option<TextRange>> {
        Cancelled::catch(|| ide::rename_range(&self.db, file, offset))
    }

    /// Completions at byte `offset` of a schema file.
    pub fn completions(&self, file: SourceFile, offset: usize) -> Cancellable<Vec<Completion>> {
        Cancelled::catch(|| ide::completions(&self.db, file, offset))
    }

    /// Every diagnostic of the workspace, grouped by file in file order.
    pub fn all_diagnostics(&self) -> Cancellable<Vec<Diagnostic>> {
        Cancelled::catch(|| {
            self.files()
                .iter()
                .flat_map(|&f| diagnostics::file_diagnostics(&self.db, f).iter().cloned())
                .collect()
        })
    }
}
