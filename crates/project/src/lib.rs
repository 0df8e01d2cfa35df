//! Workspace discovery and loading: the only place, besides the binaries,
//! that reads the disk.
//!
//! [`discover`] finds the files of a workspace from a root directory (or
//! [`from_files`] from explicit schema files), and [`Project::load`] reads
//! them into an [`AnalysisHost`]. The CLI and the language server share
//! this, so they always see the same workspace.

mod prisma_config;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemalint_analysis::{AnalysisHost, Config, ConfigError, FileKind};

/// Folders to stat and files to read per thread before a second thread
/// pays off: on cal.com's 420 files, reading them one by one was a fifth of
/// `check`, and both cores cut that in half.
const PER_THREAD: usize = 64;

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "schemalint.toml";

/// One file of a workspace.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProjectFile {
    /// The absolute (or as given) path on disk.
    pub path: PathBuf,
    /// The path relative to the workspace root, with `/` separators.
    pub rel: String,
    pub kind: FileKind,
}

/// A discovered workspace: its root, config and files.
#[derive(Clone, Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
    pub config: Config,
    pub files: Vec<ProjectFile>,
    /// The migrations folder, if one was found.
    pub migrations_dir: Option<PathBuf>,
}

/// Why a workspace could not be set up.
#[derive(Debug)]
pub enum DiscoverError {
    /// No schema file was found; `searched` lists what was tried.
    NotFound {
        root: PathBuf,
        searched: Vec<String>,
    },
    /// `schemalint.toml` is invalid.
    Config { path: PathBuf, error: ConfigError },
    /// `prisma.config.ts` could not be read or understood.
    PrismaConfig { path: PathBuf, message: String },
    /// A path could not be read at all.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoverError::NotFound { root, searched } => {
                write!(
                    f,
                    "no Prisma schema found in `{}`; searched for ",
                    root.display()
                )?;
                write!(f, "{}", searched.join(", "))
            }
            DiscoverError::Config { path, error } => {
                write!(f, "invalid config `{}`", path.display())?;
                if let Some(line) = error.line {
                    write!(f, " at line {line}")?;
                }
                write!(f, ": {}", error.message)
            }
            DiscoverError::PrismaConfig { path, message } => {
                write!(f, "cannot read `{}`: {message}", path.display())
            }
            DiscoverError::Io { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for DiscoverError {}

/// A file that could not be loaded. The rest of the workspace still is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LoadProblem {
    pub path: PathBuf,
    pub message: String,
}

/// The default places a schema is looked for, in order.
const DEFAULT_SEARCH: &[&str] = &[
    CONFIG_FILE,
    "prisma.config.ts",
    "prisma/schema.prisma",
    "prisma/schema/*.prisma",
    "schema.prisma",
    "src/*/schema.prisma",
];

/// Finds the workspace rooted at directory `root`.
pub fn discover(root: &Path) -> Result<Project, DiscoverError> {
    let meta = std::fs::metadata(root).map_err(|error| DiscoverError::Io {
        path: root.to_path_buf(),
        error,
    })?;
    if !meta.is_dir() {
        return from_files(&[root.to_path_buf()]);
    }
    let (config, config_path) = read_config(root)?;

    let mut migrations_path = config.migrations.path.as_ref().map(|p| root.join(p));
    let schema_paths: Vec<PathBuf> = if !config.schema.is_empty() {
        expand_globs(root, &config.schema)
    } else if let Some((path, prisma)) = prisma_config::find(root)? {
        if migrations_path.is_none() {
            migrations_path = prisma.migrations.map(|m| root.join(m));
        }
        match prisma.schema {
            Some(schema) => schema_files_at(&root.join(schema)),
            None => {
                return Err(DiscoverError::PrismaConfig {
                    path,
                    message: "it has no `schema` string; schemalint needs the schema path".into(),
                })
            }
        }
    } else {
        default_schema_files(root)
    };

    if schema_paths.is_empty() {
        let mut searched: Vec<String> = DEFAULT_SEARCH.iter().map(|s| format!("`{s}`")).collect();
        if !config.schema.is_empty() {
            searched = config
                .schema
                .iter()
                .map(|s| format!("`{s}` (from {CONFIG_FILE})"))
                .collect();
        }
        return Err(DiscoverError::NotFound {
            root: root.to_path_buf(),
            searched,
        });
    }
    Ok(assemble(
        root,
        config,
        config_path,
        schema_paths,
        migrations_path,
    ))
}

/// A workspace made of explicit schema files. Its root is the directory of
/// the first file (or the nearest ancestor with a `schemalint.toml`).
pub fn from_files(paths: &[PathBuf]) -> Result<Project, DiscoverError> {
    let first = paths.first().cloned().unwrap_or_default();
    let start = first.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .unwrap_or(start);
    let (config, config_path) = read_config(&root)?;
    let migrations = config.migrations.path.as_ref().map(|p| root.join(p));
    Ok(assemble(
        &root,
        config,
        config_path,
        paths.to_vec(),
        migrations,
    ))
}

fn read_config(root: &Path) -> Result<(Config, Option<PathBuf>), DiscoverError> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Ok((Config::default(), None));
    }
    let text = read_text(&path).map_err(|message| DiscoverError::Config {
        path: path.clone(),
        error: ConfigError {
            message,
            line: None,
            range: None,
        },
    })?;
    let config = Config::from_toml(&text).map_err(|error| DiscoverError::Config {
        path: path.clone(),
        error,
    })?;
    Ok((config, Some(path)))
}

fn assemble(
    root: &Path,
    config: Config,
    config_path: Option<PathBuf>,
    schema_paths: Vec<PathBuf>,
    migrations_path: Option<PathBuf>,
) -> Project {
    let mut files: Vec<ProjectFile> = schema_paths
        .into_iter()
        .map(|path| ProjectFile {
            rel: relative(root, &path),
            path,
            kind: FileKind::Schema,
        })
        .collect();

    let migrations_dir = migrations_path.filter(|p| p.is_dir()).or_else(|| {
        let default = root.join("prisma/migrations");
        if default.is_dir() {
            return Some(default);
        }
        // Beside the file that holds the datasource.
        files
            .iter()
            .find(|f| holds_datasource(&f.path))
            .and_then(|f| {
                let dir = f.path.parent()?.join("migrations");
                dir.is_dir().then_some(dir)
            })
    });
    if let Some(dir) = &migrations_dir {
        files.extend(migration_files(root, dir, &config.migrations.down));
    }
    Project {
        root: root.to_path_buf(),
        config_path,
        config,
        files,
        migrations_dir,
    }
}

/// All `.prisma` files of a schema path: the file itself, or every
/// `.prisma` file under a folder (Prisma's multi-file schema).
fn schema_files_at(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    collect_prisma_files(path, &mut out);
    out
}

fn default_schema_files(root: &Path) -> Vec<PathBuf> {
    let prisma = root.join("prisma/schema.prisma");
    if prisma.is_file() {
        return schema_folder_around(&prisma);
    }
    let folder = root.join("prisma/schema");
    if folder.is_dir() {
        let files = schema_files_at(&folder);
        if !files.is_empty() {
            return files;
        }
    }
    let top = root.join("schema.prisma");
    if top.is_file() {
        return schema_folder_around(&top);
    }
    let mut modules = Vec::new();
    for dir in sorted_entries(&root.join("src")) {
        let file = dir.join("schema.prisma");
        if file.is_file() {
            modules.push(file);
        }
    }
    modules
}

/// A `schema.prisma` plus the other `.prisma` files of its folder and its
/// sub-folders, as Prisma reads a schema folder (for example
/// `prisma/models/*.prisma` beside `prisma/schema.prisma`).
fn schema_folder_around(main: &Path) -> Vec<PathBuf> {
    let mut out = vec![main.to_path_buf()];
    let Some(dir) = main.parent() else { return out };
    let mut rest = Vec::new();
    collect_prisma_files(dir, &mut rest);
    out.extend(rest.into_iter().filter(|p| p != main));
    out
}

fn is_skipped_dir(dir: &Path) -> bool {
    matches!(
        dir.file_name().and_then(|n| n.to_str()),
        Some("node_modules" | "migrations" | "migration" | ".git" | "target")
    )
}

fn collect_prisma_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in sorted_entries(dir) {
        // Symlinked folders are not followed: a link to an ancestor would
        // load the same schema again and again, or never end.
        let is_link = std::fs::symlink_metadata(&entry).is_ok_and(|m| m.file_type().is_symlink());
        if entry.is_dir() && is_link {
            continue;
        }
        if entry.is_dir() {
            if !is_skipped_dir(&entry) {
                collect_prisma_files(&entry, out);
            }
        } else if entry.extension().is_some_and(|e| e == "prisma") {
            out.push(entry);
        }
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    entries.sort();
    entries
}

fn expand_globs(root: &Path, globs: &[String]) -> Vec<PathBuf> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        // The config was validated, so every glob compiles.
        if let Ok(g) = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
        {
            builder.add(g);
        }
    }
    let Ok(set) = builder.build() else {
        return Vec::new();
    };
    let mut all = Vec::new();
    collect_prisma_files(root, &mut all);
    all.into_iter()
        .filter(|p| set.is_match(relative(root, p)))
        .collect()
}

fn holds_datasource(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .map(|t| t.lines().any(|l| l.trim_start().starts_with("datasource ")))
        .unwrap_or(false)
}

fn migration_files(root: &Path, dir: &Path, down_names: &[String]) -> Vec<ProjectFile> {
    let mut out = Vec::new();
    let lock = dir.join("migration_lock.toml");
    if lock.is_file() {
        out.push(ProjectFile {
            rel: relative(root, &lock),
            path: lock,
            kind: FileKind::MigrationLock,
        });
    }
    let folders = sorted_entries(dir);
    // One stat per migration and per rollback name: on cal.com's 417
    // folders that is 1,700 calls, so they are spread over all cores.
    let found = schemalint_analysis::parallel_map(&folders, PER_THREAD, |sub| {
        let up = sub.join("migration.sql");
        if !up.is_file() {
            return Vec::new();
        }
        let mut found = vec![ProjectFile {
            rel: relative(root, &up),
            path: up,
            kind: FileKind::Migration,
        }];
        for name in down_names {
            let down = sub.join(name);
            if down.is_file() {
                found.push(ProjectFile {
                    rel: relative(root, &down),
                    path: down,
                    kind: FileKind::Down,
                });
            }
        }
        found
    });
    out.extend(found.into_iter().flatten());
    out
}

/// `path` relative to `root` with `/` separators, or the whole path if it
/// lies outside.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Reads a file as UTF-8, with a message that says what is wrong if not.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(
            "not valid UTF-8 (invalid byte 0x{:02x} at line {line}, column {column})",
            bytes[valid]
        )
    })
}

impl Project {
    /// Reads every file into `host`. Unreadable files are skipped and
    /// returned, so the rest can still be checked.
    pub fn load(&self, host: &mut AnalysisHost) -> Vec<LoadProblem> {
        host.set_config(self.config.clone());
        let mut problems = Vec::new();
        let texts =
            schemalint_analysis::parallel_map(&self.files, PER_THREAD, |f| read_text(&f.path));
        for (file, text) in self.files.iter().zip(texts) {
            match text {
                Ok(text) => {
                    host.set_file(&file.rel, file.kind, Arc::from(text));
                }
                Err(message) => problems.push(LoadProblem {
                    path: file.path.clone(),
                    message,
                }),
            }
        }
        problems
    }

    pub fn file_by_rel(&self, rel: &str) -> Option<&ProjectFile> {
        self.files.iter().find(|f| f.rel == rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn rels(p: &Project) -> Vec<(&str, FileKind)> {
        p.files.iter().map(|f| (f.rel.as_str(), f.kind)).collect()
    }

    #[test]
    fn finds_modules_and_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "src/core/schema.prisma",
            "datasource db {\n provider = \"postgresql\"\n}\n",
        );
        write(
            root,
            "src/lims/schema.prisma",
            "model A {\n id Int @id\n}\n",
        );
        write(
            root,
            "prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        );
        write(
            root,
            "prisma/migrations/1_init/migration.sql",
            "CREATE TABLE a (id int);\n",
        );
        write(root, "prisma/migrations/1_init/down.sql", "DROP TABLE a;\n");
        write(root, "prisma/migrations/2_empty/notes.txt", "");
        let p = discover(root).unwrap();
        assert_eq!(
            rels(&p),
            [
                ("src/core/schema.prisma", FileKind::Schema),
                ("src/lims/schema.prisma", FileKind::Schema),
                (
                    "prisma/migrations/migration_lock.toml",
                    FileKind::MigrationLock
                ),
                (
                    "prisma/migrations/1_init/migration.sql",
                    FileKind::Migration
                ),
                ("prisma/migrations/1_init/down.sql", FileKind::Down),
            ]
        );
    }

    #[test]
    fn symlinked_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "prisma/schema.prisma", "model A {\n id Int @id\n}\n");
        std::os::unix::fs::symlink(root.join("prisma"), root.join("prisma/self")).unwrap();
        std::os::unix::fs::symlink(root.join("prisma"), root.join("prisma/self2")).unwrap();
        let p = discover(root).unwrap();
        assert_eq!(rels(&p), [("prisma/schema.prisma", FileKind::Schema)]);
    }

    #[test]
    fn config_globs_win() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "schema.prisma", "");
        write(root, "db/a.prisma", "");
        write(root, "db/migs/0_init/migration.sql", "");
        write(
            root,
            CONFIG_FILE,
            "schema = [\"db/*.prisma\"]\n[migrations]\npath = \"db/migs\"\n",
        );
        let p = discover(root).unwrap();
        assert_eq!(
            rels(&p),
            [
                ("db/a.prisma", FileKind::Schema),
                ("db/migs/0_init/migration.sql", FileKind::Migration)
            ]
        );
    }

    #[test]
    fn prisma_config_ts_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "db/schema.prisma",
            "datasource db {\n provider = \"sqlite\"\n}\n",
        );
        write(root, "db/migs/0_init/migration.sql", "");
        write(
            root,
            "prisma.config.ts",
            "import { defineConfig } from 'prisma/config'\nexport default defineConfig({\n  schema: 'db/schema.prisma',\n  migrations: { path: \"db/migs\" },\n})\n",
        );
        let p = discover(root).unwrap();
        assert_eq!(
            rels(&p),
            [
                ("db/schema.prisma", FileKind::Schema),
                ("db/migs/0_init/migration.sql", FileKind::Migration)
            ]
        );
    }

    #[test]
    fn migrations_beside_datasource_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "schema.prisma",
            "datasource db {\n provider = \"sqlite\"\n}\n",
        );
        write(root, "migrations/0_init/migration.sql", "");
        let p = discover(root).unwrap();
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.files[1].rel, "migrations/0_init/migration.sql");
    }

    #[test]
    fn nothing_found_says_what_was_searched() {
        let dir = tempfile::tempdir().unwrap();
        let err = discover(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("prisma/schema.prisma") && err.contains("src/*/schema.prisma"),
            "{err}"
        );
    }

    #[test]
    fn bad_config_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "schema.prisma", "");
        write(dir.path(), CONFIG_FILE, "[rules]\nselekt = []\n");
        let err = discover(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("schemalint.toml") && err.contains("line 2") && err.contains("selekt"),
            "{err}"
        );
    }

    #[test]
    fn non_utf8_is_described() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.prisma");
        std::fs::write(&path, b"model A {\n  id Int \xff\n}").unwrap();
        let msg = read_text(&path).unwrap_err();
        assert_eq!(
            msg,
            "not valid UTF-8 (invalid byte 0xff at line 2, column 10)"
        );
    }
}
