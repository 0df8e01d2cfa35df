//! Migrations as the rules see them: each `migration.sql` with its down
//! files, and every SQL file analysed once per text (a salsa query).

pub mod sql;

use std::sync::Arc;

use crate::db::{Db, FileKind, SourceFile};
use crate::semantic;

/// The statements of one SQL file, analysed in the workspace's dialect.
#[salsa::tracked(returns(ref))]
pub fn statements(db: &dyn Db, file: SourceFile) -> Arc<Vec<sql::Statement>> {
    statements_in(db, file, dialect(db)).clone()
}

/// The statements of one SQL file read in `dialect`.
#[salsa::tracked(returns(ref))]
pub(crate) fn statements_in(
    db: &dyn Db,
    file: SourceFile,
    dialect: sql::Dialect,
) -> Arc<Vec<sql::Statement>> {
    Arc::new(sql::analyze(file.text(db), dialect))
}

/// The dialect [`dialect`] will most likely settle on, known without
/// parsing any schema: the provider in `migration_lock.toml`. `check` reads
/// the migrations in it while the schema is still being parsed; when the
/// datasource turns out to say otherwise (SL504), [`statements`] reads them
/// again in the datasource's dialect.
#[salsa::tracked(returns(copy))]
pub(crate) fn likely_dialect(db: &dyn Db) -> Option<sql::Dialect> {
    let lock = db
        .workspace()
        .files(db)
        .iter()
        .find(|f| f.kind(db) == FileKind::MigrationLock)
        .copied()?;
    lock_provider(lock.text(db)).map(|(p, _)| sql::Dialect::from_provider(&p))
}

/// The SQL dialect: the datasource's provider, else the lock file's, else
/// PostgreSQL.
#[salsa::tracked(returns(copy))]
pub fn dialect(db: &dyn Db) -> sql::Dialect {
    if let Some(provider) = semantic::schema(db).provider() {
        return sql::Dialect::from_provider(provider);
    }
    likely_dialect(db).unwrap_or(sql::Dialect::Postgres)
}

/// The `provider = "..."` value of a `migration_lock.toml` and the byte
/// range of its line.
pub fn lock_provider(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("provider") {
            let value = rest.trim_start().strip_prefix('=')?.trim();
            let value = value
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            let start = offset + (line.len() - line.trim_start().len());
            return Some((value.to_string(), start..start + trimmed.len()));
        }
        offset += line.len();
    }
    None
}

/// A migration folder: its `migration.sql` and the down files beside it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Migration {
    pub up: SourceFile,
    pub downs: Vec<SourceFile>,
    /// The folder, relative to the workspace root.
    pub folder: String,
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Every migration of the workspace, in workspace order. Down files are
/// grouped by folder in one pass: the folder-by-folder search it replaced
/// read every file once per migration.
#[salsa::tracked(returns(ref))]
pub fn migrations(db: &dyn Db) -> Arc<Vec<Migration>> {
    let files = db.workspace().files(db);
    let mut downs: rustc_hash::FxHashMap<&str, Vec<SourceFile>> = Default::default();
    for &f in files {
        if f.kind(db) == FileKind::Down {
            downs.entry(folder_of(f.path(db))).or_default().push(f);
        }
    }
    Arc::new(
        files
            .iter()
            .filter(|f| f.kind(db) == FileKind::Migration)
            .map(|&up| {
                let folder = folder_of(up.path(db));
                Migration {
                    up,
                    downs: downs.get(folder).cloned().unwrap_or_default(),
                    folder: folder.to_string(),
                }
            })
            .collect(),
    )
}
