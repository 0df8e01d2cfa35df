//! Statement-level analysis of Prisma migration SQL (`migration.sql` and hand-written `down.sql`):
//! what each statement creates, drops, renames or destroys, which objects a down file leaves in
//! place, and a generated rollback.

use std::fmt;
use std::ops::Range;

mod prisma_ddl;

use sqlparser::ast as sp;
use sqlparser::dialect as spd;
use sqlparser::parser::{Parser, ParserError};

/// SQL dialect of a migration, derived from the Prisma datasource provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Postgres,
    MySql,
    Sqlite,
    MsSql,
    Generic,
}

impl Dialect {
    /// Maps a Prisma `provider` string to a dialect.
    pub fn from_provider(provider: &str) -> Dialect {
        match provider.trim().to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" | "cockroachdb" => Dialect::Postgres,
            "mysql" => Dialect::MySql,
            "sqlite" => Dialect::Sqlite,
            "sqlserver" | "mssql" => Dialect::MsSql,
            _ => Dialect::Generic,
        }
    }
}

// ---------------------------------------------------------------------------
// Splitting
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default)]
struct SplitOptions {
    /// `'it\'s'` (MySQL): a backslash escapes the next character in strings.
    backslash_escapes: bool,
    /// `[identifier]` (SQL Server, SQLite).
    brackets: bool,
    /// `# comment` (MySQL).
    hash_comments: bool,
}

impl SplitOptions {
    fn for_dialect(dialect: Dialect) -> SplitOptions {
        SplitOptions {
            backslash_escapes: dialect == Dialect::MySql,
            brackets: matches!(dialect, Dialect::MsSql | Dialect::Sqlite),
            hash_comments: dialect == Dialect::MySql,
        }
    }
}

/// Byte ranges of each statement, in order. Survives: `--` and `/* */` comments, single-quoted strings with '' escapes,
/// double-quoted and backtick identifiers, Postgres dollar-quoted bodies ($$ ... $$ and $tag$ ... $tag$) containing semicolons,
/// explicit BEGIN; ... COMMIT; (those are their own statements). The range excludes leading whitespace/comments and the trailing `;`.
/// Empty statements (only whitespace/comments) are skipped. An unterminated quote runs to end of file (one statement) — never panic.
pub fn split_statements(sql: &str) -> Vec<Range<usize>> {
    split_with(sql, SplitOptions::default())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// End (exclusive) of a quoted token whose body starts at `from`; the end of input when unterminated.
fn scan_quoted(b: &[u8], from: usize, quote: u8, backslash: bool) -> usize {
    let mut j = from;
    while j < b.len() {
        let c = b[j];
        if backslash && c == b'\\' {
            j += 2;
        } else if c == quote {
            if b.get(j + 1) == Some(&quote) {
                j += 2;
            } else {
                return j + 1;
            }
        } else {
            j += 1;
        }
    }
    b.len()
}

/// End of a dollar-quoted body starting at `i` (which holds `$`), or `None` when `i` does not open one.
fn scan_dollar(sql: &str, i: usize) -> Option<usize> {
    let b = sql.as_bytes();
    let mut j = i + 1;
    if j < b.len() && b[j].is_ascii_digit() {
        return None; // `$1` parameter
    }
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        j += 1;
    }
    if b.get(j) != Some(&b'$') {
        return None;
    }
    let tag = &sql[i..=j];
    let body = j + 1;
    Some(match sql[body..].find(tag) {
        Some(p) => body + p + tag.len(),
        None => sql.len(),
    })
}

/// End of a comment starting at `i`, or `None` when there is none.
fn scan_comment(b: &[u8], i: usize, hash_comments: bool) -> Option<usize> {
    let next = b.get(i + 1).copied();
    if (b[i] == b'-' && next == Some(b'-')) || (hash_comments && b[i] == b'#') {
        return Some(
            b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p + 1),
        );
    }
    if b[i] != b'/' || next != Some(b'*') {
        return None;
    }
    // Postgres and SQL Server nest block comments.
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
            depth += 1;
            j += 2;
        } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Some(j);
            }
        } else {
            j += 1;
        }
    }
    Some(b.len())
}

/// Tracks `CREATE TRIGGER|PROCEDURE|FUNCTION ... BEGIN ... END` bodies (SQLite, MySQL, standard SQL bodies),
/// whose inner `;` do not end the statement.
#[derive(Default)]
struct BlockTracker {
    words: usize,
    create: bool,
    routine: bool,
    depth: usize,
    after_end: bool,
}

impl BlockTracker {
    fn word(&mut self, w: &str) {
        let first = self.words == 0;
        self.words += 1;
        let after_end = std::mem::take(&mut self.after_end);
        if first {
            self.create = w.eq_ignore_ascii_case("create");
            return;
        }
        if self.create
            && self.depth == 0
            && self.words <= 8
            && ["trigger", "procedure", "function"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        {
            self.routine = true;
        }
        if !self.routine {
            return;
        }
        if after_end
            && ["if", "loop", "while", "repeat"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        {
            // `END IF` closes an `IF`, which is not counted; undo the decrement.
            self.depth += 1;
            return;
        }
        if w.eq_ignore_ascii_case("begin") || (self.depth > 0 && w.eq_ignore_ascii_case("case")) {
            self.depth += 1;
        } else if self.depth > 0 && w.eq_ignore_ascii_case("end") {
            self.depth -= 1;
            self.after_end = true;
        }
    }

    fn other_token(&mut self, c: u8) {
        self.after_end = false;
        if self.words == 0 {
            self.words = 1;
        }
        if c == b'(' && !self.routine {
            // `CREATE TABLE t (trigger TEXT, ...)`: the header is over
            self.create = false;
        }
    }
}

fn split_with(sql: &str, opts: SplitOptions) -> Vec<Range<usize>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut block = BlockTracker::default();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(end) = scan_comment(b, i, opts.hash_comments) {
            i = end;
            continue;
        }
        if c == b';' && block.depth == 0 {
            if let Some(s) = start.take() {
                out.push(s..last_end);
            }
            block = BlockTracker::default();
            i += 1;
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        let end = match c {
            b'\'' => {
                block.other_token(c);
                scan_quoted(b, i + 1, b'\'', opts.backslash_escapes)
            }
            b'"' | b'`' => {
                block.other_token(c);
                scan_quoted(b, i + 1, c, false)
            }
            b'[' if opts.brackets => {
                block.other_token(c);
                scan_quoted(b, i + 1, b']', false)
            }
            b'$' => {
                block.other_token(c);
                scan_dollar(sql, i).unwrap_or(i + 1)
            }
            _ if is_word_byte(c) => {
                let mut j = i + 1;
                while j < b.len() && is_word_byte(b[j]) {
                    j += 1;
                }
                let word = &sql[i..j];
                if word.eq_ignore_ascii_case("e") && b.get(j) == Some(&b'\'') {
                    // Postgres escape string E'...'
                    block.other_token(c);
                    scan_quoted(b, j + 1, b'\'', true)
                } else {
                    block.word(word);
                    j
                }
            }
            _ => {
                block.other_token(c);
                i + 1
            }
        };
        last_end = end;
        i = end;
    }
    if let Some(s) = start {
        out.push(s..last_end);
    }
    out
}

// ---------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------

/// A possibly schema-qualified name, quotes stripped. Postgres folds unquoted identifiers to lower
/// case; other dialects keep the spelling as written (comparisons in [`unreverted`] ignore case there).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectName {
    pub schema: Option<String>,
    pub name: String,
}

impl ObjectName {
    fn bare(name: impl Into<String>) -> ObjectName {
        ObjectName {
            schema: None,
            name: name.into(),
        }
    }
}

fn dq(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

impl fmt::Display for ObjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(schema) = &self.schema {
            write!(f, "{}.", dq(schema))?;
        }
        f.write_str(&dq(&self.name))
    }
}

/// Kind of a [`DbObject`]; materialized views are views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Table,
    Column,
    Index,
    Type,
    Constraint,
    Schema,
    View,
    Sequence,
    Extension,
    Function,
    Trigger,
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Index => "index",
            ObjectKind::Type => "type",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Schema => "schema",
            ObjectKind::View => "view",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Extension => "extension",
            ObjectKind::Function => "function",
            ObjectKind::Trigger => "trigger",
        })
    }
}

/// A database object. `table` is the owning table for columns, constraints, triggers and (when known) indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DbObject {
    pub kind: ObjectKind,
    pub name: ObjectName,
    pub table: Option<ObjectName>,
}

impl DbObject {
    fn new(kind: ObjectKind, name: ObjectName) -> DbObject {
        DbObject {
            kind,
            name,
            table: None,
        }
    }

    fn of(kind: ObjectKind, name: ObjectName, table: &ObjectName) -> DbObject {
        DbObject {
            kind,
            name,
            table: Some(table.clone()),
        }
    }
}

impl fmt::Display for DbObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.name)?;
        match (&self.table, self.kind) {
            (Some(t), ObjectKind::Column | ObjectKind::Constraint) => write!(f, " of table {t}"),
            (Some(t), ObjectKind::Trigger) => write!(f, " on table {t}"),
            _ => Ok(()),
        }
    }
}

/// What a statement does to the database, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// CREATE TABLE/INDEX/TYPE/..., ADD COLUMN, ADD CONSTRAINT (a table's inline columns and
    /// constraints are part of the table, not separate objects).
    Create(DbObject),
    /// DROP ..., DROP COLUMN, DROP CONSTRAINT, MySQL DROP FOREIGN KEY / DROP INDEX.
    Drop(DbObject),
    /// Postgres `ALTER COLUMN .. [SET DATA] TYPE`, MySQL `MODIFY` / `CHANGE`, SQL Server `ALTER COLUMN c <type>`.
    AlterColumnType {
        table: ObjectName,
        column: String,
    },
    Truncate(ObjectName),
    /// `DELETE FROM t` without a WHERE clause.
    DeleteWithoutWhere(ObjectName),
    RenameTable {
        from: ObjectName,
        to: ObjectName,
    },
    RenameColumn {
        table: ObjectName,
        from: String,
        to: String,
    },
    /// Rename of an index, type, constraint, view, sequence or schema: `from` is the object under its
    /// old name, `to` the new bare name (same schema / table).
    RenameObject {
        from: DbObject,
        to: String,
    },
}

/// One statement of a migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Byte range in the analysed text, as from [`split_statements`] (plus the dialect's own lexical
    /// rules: MySQL backslash escapes and `#` comments, `[identifiers]` in SQL Server and SQLite).
    pub range: Range<usize>,
    /// Short human label, e.g. `ALTER TABLE "Sample" ADD COLUMN "status"`.
    pub summary: String,
    /// Some(message from sqlparser) when the statement could not be parsed; then `effects` is empty.
    pub parse_error: Option<String>,
    pub effects: Vec<Effect>,
    /// The statement (or part of it) does something that `effects` do not describe: INSERT, UPDATE,
    /// SET, `ALTER COLUMN .. SET DEFAULT`, ... Always true when `parse_error` is set; false for
    /// transaction control (BEGIN, COMMIT) and for statements that `effects` describe completely.
    pub unmodelled: bool,
    /// The dialect the statement was analysed with (decides case sensitivity of names in [`unreverted`]).
    pub dialect: Dialect,
}

// ---------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------

const SUMMARY_MAX: usize = 200;

/// The first `max` chars of `text` with whitespace runs collapsed to one space (`…` when cut).
fn collapse(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > max {
            break;
        }
    }
    truncate_chars(out, max)
}

fn truncate_chars(s: String, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", s[..cut].trim_end()),
        None => s,
    }
}

fn short_error(e: &ParserError) -> String {
    let msg = e.to_string();
    let msg = msg.strip_prefix("sql parser error: ").unwrap_or(&msg);
    collapse(msg, 160)
}

fn parse(text: &str, dialect: Dialect) -> Result<Vec<sp::Statement>, ParserError> {
    let run = || match dialect {
        Dialect::Postgres => Parser::parse_sql(&spd::PostgreSqlDialect {}, text),
        Dialect::MySql => Parser::parse_sql(&spd::MySqlDialect {}, text),
        Dialect::Sqlite => Parser::parse_sql(&spd::SQLiteDialect {}, text),
        Dialect::MsSql => Parser::parse_sql(&spd::MsSqlDialect {}, text),
        Dialect::Generic => Parser::parse_sql(&spd::GenericDialect {}, text),
    };
    // sqlparser should not panic, but a linter must survive any input.
    std::panic::catch_unwind(run)
        .unwrap_or_else(|_| Err(ParserError::ParserError("sqlparser panicked".into())))
}

/// A token of the small lexer used for the statements sqlparser does not handle.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Unquoted word (keyword or identifier), as written.
    Word(String),
    /// Quoted identifier, quotes stripped.
    Quoted(String),
    /// String literal, quotes stripped.
    Str(String),
    Punct(char),
}

impl Tok {
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }
}

fn lex(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let unquote = |from: usize, end: usize, close: u8| -> String {
        let inner_end = if end > from && b[end - 1] == close {
            end - 1
        } else {
            end
        };
        let c = char::from(close).to_string();
        text[from..inner_end].replace(&c.repeat(2), &c)
    };
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(end) = scan_comment(b, i, false) {
            i = end;
            continue;
        }
        match c {
            b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                let end = scan_quoted(b, i + 1, close, false);
                out.push(Tok::Quoted(unquote(i + 1, end, close)));
                i = end;
            }
            b'\'' => {
                let end = scan_quoted(b, i + 1, b'\'', false);
                out.push(Tok::Str(unquote(i + 1, end, b'\'')));
                i = end;
            }
            _ if is_word_byte(c) => {
                let mut j = i + 1;
                while j < b.len() && is_word_byte(b[j]) {
                    j += 1;
                }
                let word = &text[i..j];
                if word.eq_ignore_ascii_case("n") && b.get(j) == Some(&b'\'') {
                    // N'unicode string'
                    let end = scan_quoted(b, j + 1, b'\'', false);
                    out.push(Tok::Str(unquote(j + 1, end, b'\'')));
                    i = end;
                } else {
                    out.push(Tok::Word(word.to_string()));
                    i = j;
                }
            }
            _ => {
                out.push(Tok::Punct(char::from(c)));
                i += 1;
            }
        }
    }
    out
}

/// Work-arounds for statements that sqlparser 0.64 rejects although migrations use them.
enum Fallback {
    /// Parse this text instead (the statement with a word sqlparser does not know removed).
    Reparse(String),
    /// Analysed without sqlparser.
    Done(Analysis),
}

/// Removes the leading words `from..to` (by index) of `text`.
fn without_words(text: &str, from: usize, to: usize) -> Option<String> {
    let b = text.as_bytes();
    let mut bounds = Vec::new();
    let mut i = 0;
    while bounds.len() < to && i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if let Some(end) = scan_comment(b, i, false) {
            i = end;
        } else if b[i].is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            bounds.push(start..i);
        } else {
            return None;
        }
    }
    let (first, last) = (bounds.get(from)?, bounds.get(to - 1)?);
    Some(format!("{} {}", &text[..first.start], &text[last.end..]))
}

impl Cx {
    fn tok_ident(&self, t: &Tok) -> Option<String> {
        match t {
            Tok::Word(w) if self.dialect == Dialect::Postgres => Some(w.to_ascii_lowercase()),
            Tok::Word(w) | Tok::Quoted(w) => Some(w.clone()),
            _ => None,
        }
    }

    /// A possibly qualified name at the start of `toks`, and the number of tokens it takes.
    fn tok_name(&self, toks: &[Tok]) -> Option<(ObjectName, usize)> {
        let mut parts = vec![self.tok_ident(toks.first()?)?];
        let mut n = 1;
        while toks.get(n) == Some(&Tok::Punct('.')) {
            parts.push(self.tok_ident(toks.get(n + 1)?)?);
            n += 2;
        }
        let name = parts.pop()?;
        Some((
            ObjectName {
                schema: parts.pop(),
                name,
            },
            n,
        ))
    }

    fn fallback(&self, text: &str) -> Option<Fallback> {
        use ObjectKind as K;
        let toks = lex(text);
        let kw = |i: usize, k: &str| toks.get(i).is_some_and(|t| t.is_kw(k));
        let kw_any = |i: usize, ks: &[&str]| ks.iter().any(|k| kw(i, k));
        let done = |a: Analysis| Some(Fallback::Done(a));
        // SQLite `PRAGMA foreign_keys=OFF` (sqlparser wants a literal, not ON/OFF).
        if kw(0, "pragma") {
            return done(Analysis::other(collapse(text, 60)));
        }
        // SQL Server `BEGIN TRY` / `END TRY BEGIN CATCH ... END CATCH` / `THROW` wrappers that Prisma emits.
        if self.dialect == Dialect::MsSql
            && kw_any(0, &["begin", "end", "commit", "rollback", "throw"])
        {
            return done(Analysis::control(collapse(text, 60)));
        }
        // Postgres `ALTER INDEX IF EXISTS a RENAME TO b`.
        if kw(0, "alter") && kw(1, "index") && kw(2, "if") && kw(3, "exists") {
            return without_words(text, 2, 4).map(Fallback::Reparse);
        }
        // Postgres `DROP INDEX CONCURRENTLY [IF EXISTS] x`.
        if kw(0, "drop") && kw(1, "index") && kw(2, "concurrently") {
            return without_words(text, 2, 3).map(Fallback::Reparse);
        }
        // MySQL `CREATE FULLTEXT|SPATIAL INDEX`, SQL Server `CREATE [UNIQUE] [NON]CLUSTERED INDEX`.
        let modifiers = ["fulltext", "spatial", "clustered", "nonclustered"];
        if kw(0, "create") {
            let at = if kw(1, "unique") { 2 } else { 1 };
            if kw_any(at, &modifiers) && kw(at + 1, "index") {
                return without_words(text, at, at + 1).map(Fallback::Reparse);
            }
        }
        // `ALTER SEQUENCE a RENAME TO b`
        if kw(0, "alter") && kw(1, "sequence") {
            let (from, n) = self.tok_name(&toks[2..])?;
            if kw(2 + n, "rename") && kw(3 + n, "to") && toks.len() == 5 + n {
                let to = self.tok_name(&toks[4 + n..])?.0.name;
                return done(Analysis::new(
                    format!("ALTER SEQUENCE {from} RENAME TO {}", dq(&to)),
                    vec![Effect::RenameObject {
                        from: DbObject::new(K::Sequence, from),
                        to,
                    }],
                ));
            }
        }
        if kw(0, "alter") && kw(1, "table") {
            let (table, n) = self.tok_name(&toks[2..])?;
            let rest = &toks[2 + n..];
            let kw = |i: usize, k: &str| rest.get(i).is_some_and(|t| t.is_kw(k));
            // MySQL `ALTER TABLE t RENAME INDEX|KEY a TO b`
            if kw(0, "rename") && (kw(1, "index") || kw(1, "key")) && kw(3, "to") && rest.len() == 5
            {
                let from = self.tok_ident(&rest[2])?;
                let to = self.tok_ident(&rest[4])?;
                return done(Analysis::new(
                    format!(
                        "ALTER TABLE {table} RENAME INDEX {} TO {}",
                        dq(&from),
                        dq(&to)
                    ),
                    vec![Effect::RenameObject {
                        from: DbObject::of(K::Index, ObjectName::bare(from), &table),
                        to,
                    }],
                ));
            }
            // SQL Server `ALTER TABLE t ALTER COLUMN c <type> [NOT NULL]`
            if kw(0, "alter") && kw(1, "column") && !kw(3, "set") && !kw(3, "drop") {
                let column = self.tok_ident(rest.get(2)?)?;
                return done(Analysis::new(
                    format!("ALTER TABLE {table} ALTER COLUMN {} TYPE", dq(&column)),
                    vec![Effect::AlterColumnType { table, column }],
                ));
            }
        }
        None
    }

    /// SQL Server `EXEC sp_rename 'schema.table.column', 'new', 'COLUMN'` (also INDEX). A rename without
    /// an object type may be of a table or a constraint, so it stays unmodelled.
    fn sp_rename(&self, text: &str) -> Option<Analysis> {
        let toks = lex(text);
        if !(toks.first()?.is_kw("exec") || toks[0].is_kw("execute")) {
            return None;
        }
        let (proc, n) = self.tok_name(&toks[1..])?;
        if !proc.name.eq_ignore_ascii_case("sp_rename") {
            return None;
        }
        let args: Vec<&str> = toks[1 + n..]
            .iter()
            .filter_map(|t| match t {
                Tok::Str(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let (old, new, kind) = match args.as_slice() {
            [old, new, kind] => (lex(old), (*new).to_string(), kind.to_ascii_uppercase()),
            _ => return None,
        };
        // the old name is `[schema.]table.object`
        let (path, used) = self.tok_name(&old)?;
        if used != old.len() {
            return None;
        }
        let table_parts: Vec<&Tok> = old.iter().step_by(2).collect();
        let table = match table_parts.as_slice() {
            [t, _] => ObjectName::bare(self.tok_ident(t)?),
            [s, t, _] => ObjectName {
                schema: self.tok_ident(s),
                name: self.tok_ident(t)?,
            },
            _ => return None,
        };
        let from = path.name;
        let summary = format!(
            "EXEC sp_rename {table}.{} TO {} ({kind})",
            dq(&from),
            dq(&new)
        );
        let effect = match kind.as_str() {
            "COLUMN" => Effect::RenameColumn {
                table,
                from,
                to: new,
            },
            "INDEX" => Effect::RenameObject {
                from: DbObject::of(ObjectKind::Index, ObjectName::bare(from), &table),
                to: new,
            },
            _ => return None,
        };
        Some(Analysis::new(summary, vec![effect]))
    }
}

/// Reads `sql` (a `migration.sql` or `down.sql`) and tells what each statement does.
///
/// Statements are parsed with sqlparser in the given dialect. A few constructs that sqlparser 0.64
/// rejects are handled here instead: SQLite `PRAGMA x=ON|OFF`, Postgres `ALTER INDEX IF EXISTS` and
/// `DROP INDEX CONCURRENTLY`, MySQL `CREATE FULLTEXT|SPATIAL INDEX` and `ALTER TABLE .. RENAME INDEX`,
/// SQL Server `CREATE [NON]CLUSTERED INDEX`, `ALTER TABLE .. ALTER COLUMN c <type>` and the
/// `BEGIN TRY .. END CATCH` wrapper, and `ALTER SEQUENCE .. RENAME TO`. Postgres `DO` blocks remain
/// parse errors (their body is opaque anyway).
pub fn analyze(sql: &str, dialect: Dialect) -> Vec<Statement> {
    analyze_with(sql, dialect, true)
}

/// [`analyze`] with every statement read by sqlparser, for the test that
/// compares the fast reading of Prisma's own DDL with it.
#[doc(hidden)]
pub fn analyze_with_sqlparser_only(sql: &str, dialect: Dialect) -> Vec<Statement> {
    analyze_with(sql, dialect, false)
}

/// Whether the fast reader of Prisma's DDL reads `statement` (one statement
/// without its `;`), for the same test.
#[doc(hidden)]
pub fn read_as_prisma_ddl(statement: &str, dialect: Dialect) -> bool {
    prisma_ddl::analyze(statement, dialect).is_some()
}

fn analyze_with(sql: &str, dialect: Dialect, fast: bool) -> Vec<Statement> {
    let cx = Cx { dialect };
    split_with(sql, SplitOptions::for_dialect(dialect))
        .into_iter()
        .map(|range| {
            let text = &sql[range.clone()];
            // Prisma's PostgreSQL and SQLite DDL has a reader of its own;
            // everything it does not recognise goes to sqlparser.
            let quick = (fast && matches!(dialect, Dialect::Postgres | Dialect::Sqlite))
                .then(|| prisma_ddl::analyze(text, dialect))
                .flatten();
            let result = match quick {
                Some(a) => Ok(a),
                None => match parse(text, dialect) {
                    Ok(stmts) => Ok(cx.statements(&stmts, text)),
                    Err(e) => match cx.fallback(text) {
                        Some(Fallback::Done(a)) => Ok(a),
                        Some(Fallback::Reparse(t)) => match parse(&t, dialect) {
                            Ok(stmts) => Ok(cx.statements(&stmts, text)),
                            Err(_) => Err(e),
                        },
                        None => Err(e),
                    },
                },
            };
            match result {
                Ok(a) => Statement {
                    range,
                    summary: a.summary,
                    parse_error: None,
                    effects: a.effects,
                    unmodelled: a.unmodelled,
                    dialect,
                },
                Err(e) => Statement {
                    range,
                    summary: collapse(text, 60),
                    parse_error: Some(short_error(&e)),
                    effects: Vec::new(),
                    unmodelled: true,
                    dialect,
                },
            }
        })
        .collect()
}

struct Analysis {
    summary: String,
    effects: Vec<Effect>,
    unmodelled: bool,
}

impl Analysis {
    fn new(summary: String, effects: Vec<Effect>) -> Analysis {
        Analysis {
            summary,
            effects,
            unmodelled: false,
        }
    }

    fn other(summary: String) -> Analysis {
        Analysis {
            summary,
            effects: Vec::new(),
            unmodelled: true,
        }
    }

    fn control(summary: String) -> Analysis {
        Analysis::new(summary, Vec::new())
    }
}

struct Cx {
    dialect: Dialect,
}

impl Cx {
    fn ident(&self, id: &sp::Ident) -> String {
        if self.dialect == Dialect::Postgres && id.quote_style.is_none() {
            id.value.to_ascii_lowercase()
        } else {
            id.value.clone()
        }
    }

    fn name(&self, name: &sp::ObjectName) -> ObjectName {
        let mut parts: Vec<String> = name
            .0
            .iter()
            .map(|p| match p.as_ident() {
                Some(id) => self.ident(id),
                None => p.to_string(),
            })
            .collect();
        let last = parts.pop().unwrap_or_default();
        ObjectName {
            schema: parts.pop(),
            name: last,
        }
    }

    /// `name`, taking the schema of `table` when it has none (renames keep the schema).
    fn name_in(&self, name: &sp::ObjectName, table: &ObjectName) -> ObjectName {
        let mut n = self.name(name);
        if n.schema.is_none() {
            n.schema.clone_from(&table.schema);
        }
        n
    }

    fn statements(&self, stmts: &[sp::Statement], text: &str) -> Analysis {
        match stmts {
            [] => Analysis::control(collapse(text, 60)),
            [one] => self.statement(one, text),
            many => {
                let parts: Vec<Analysis> = many.iter().map(|s| self.statement(s, text)).collect();
                Analysis {
                    summary: truncate_chars(
                        parts
                            .iter()
                            .map(|a| a.summary.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                        SUMMARY_MAX,
                    ),
                    unmodelled: parts.iter().any(|a| a.unmodelled),
                    effects: parts.into_iter().flat_map(|a| a.effects).collect(),
                }
            }
        }
    }

    fn statement(&self, st: &sp::Statement, text: &str) -> Analysis {
        use sp::Statement as S;
        use ObjectKind as K;
        let one = |verb: &str, kind: ObjectKind, name: ObjectName, create: bool| {
            let summary = format!("{verb} {name}");
            let obj = DbObject::new(kind, name);
            Analysis::new(
                summary,
                vec![if create {
                    Effect::Create(obj)
                } else {
                    Effect::Drop(obj)
                }],
            )
        };
        match st {
            S::CreateTable(ct) => one("CREATE TABLE", K::Table, self.name(&ct.name), true),
            S::AlterTable(at) => self.alter_table(&self.name(&at.name), &at.operations),
            S::CreateIndex(ci) => {
                let table = self.name(&ci.table_name);
                let verb = if ci.unique {
                    "CREATE UNIQUE INDEX"
                } else {
                    "CREATE INDEX"
                };
                match &ci.name {
                    Some(n) => {
                        let name = if self.dialect == Dialect::Postgres {
                            self.name_in(n, &table)
                        } else {
                            self.name(n)
                        };
                        let summary = format!("{verb} {} ON {table}", dq(&name.name));
                        Analysis::new(
                            summary,
                            vec![Effect::Create(DbObject::of(K::Index, name, &table))],
                        )
                    }
                    None => Analysis::other(format!("{verb} ON {table}")),
                }
            }
            S::Drop {
                object_type,
                names,
                table,
                cascade,
                ..
            } => {
                let kind = match object_type {
                    sp::ObjectType::Table => K::Table,
                    sp::ObjectType::View | sp::ObjectType::MaterializedView => K::View,
                    sp::ObjectType::Index => K::Index,
                    sp::ObjectType::Schema => K::Schema,
                    sp::ObjectType::Sequence => K::Sequence,
                    sp::ObjectType::Type => K::Type,
                    _ => return Analysis::other(collapse(text, 60)),
                };
                let table = table.as_ref().map(|t| self.name(t));
                let objs: Vec<DbObject> = names
                    .iter()
                    .map(|n| DbObject {
                        kind,
                        name: self.name(n),
                        table: table.clone(),
                    })
                    .collect();
                let mut summary = format!("DROP {object_type} {}", join_names(&objs));
                if let Some(t) = &table {
                    summary.push_str(&format!(" ON {t}"));
                }
                if *cascade {
                    summary.push_str(" CASCADE");
                }
                Analysis::new(summary, objs.into_iter().map(Effect::Drop).collect())
            }
            S::DropFunction(df) => {
                let objs: Vec<DbObject> = df
                    .func_desc
                    .iter()
                    .map(|d| DbObject::new(K::Function, self.name(&d.name)))
                    .collect();
                Analysis::new(
                    format!("DROP FUNCTION {}", join_names(&objs)),
                    objs.into_iter().map(Effect::Drop).collect(),
                )
            }
            S::DropTrigger(dt) => {
                let name = self.name(&dt.trigger_name);
                let table = dt.table_name.as_ref().map(|t| self.name(t));
                let mut summary = format!("DROP TRIGGER {name}");
                if let Some(t) = &table {
                    summary.push_str(&format!(" ON {t}"));
                }
                let obj = DbObject {
                    kind: K::Trigger,
                    name,
                    table,
                };
                Analysis::new(summary, vec![Effect::Drop(obj)])
            }
            S::DropExtension(de) => {
                let objs: Vec<DbObject> = de
                    .names
                    .iter()
                    .map(|n| DbObject::new(K::Extension, ObjectName::bare(self.ident(n))))
                    .collect();
                Analysis::new(
                    format!("DROP EXTENSION {}", join_names(&objs)),
                    objs.into_iter().map(Effect::Drop).collect(),
                )
            }
            S::CreateType { name, .. } => one("CREATE TYPE", K::Type, self.name(name), true),
            S::AlterType(at) => {
                let name = self.name(&at.name);
                match &at.operation {
                    sp::AlterTypeOperation::Rename(r) => {
                        let to = self.ident(&r.new_name);
                        Analysis::new(
                            format!("ALTER TYPE {name} RENAME TO {}", dq(&to)),
                            vec![Effect::RenameObject {
                                from: DbObject::new(K::Type, name),
                                to,
                            }],
                        )
                    }
                    sp::AlterTypeOperation::AddValue(v) => {
                        Analysis::other(format!("ALTER TYPE {name} ADD VALUE {}", v.value))
                    }
                    sp::AlterTypeOperation::RenameValue(v) => Analysis::other(format!(
                        "ALTER TYPE {name} RENAME VALUE {} TO {}",
                        v.from, v.to
                    )),
                }
            }
            S::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = match schema_name {
                    sp::SchemaName::Simple(n) | sp::SchemaName::NamedAuthorization(n, _) => {
                        self.name(n)
                    }
                    sp::SchemaName::UnnamedAuthorization(id) => ObjectName::bare(self.ident(id)),
                };
                if *if_not_exists && self.dialect == Dialect::Postgres && name.name == "public" {
                    // Prisma's multi-schema migrations start with this no-op; nothing to revert.
                    return Analysis::control(format!("CREATE SCHEMA IF NOT EXISTS {name}"));
                }
                one("CREATE SCHEMA", K::Schema, name, true)
            }
            S::AlterSchema(a) => {
                let name = self.name(&a.name);
                match a.operations.as_slice() {
                    [sp::AlterSchemaOperation::Rename { name: to }] => {
                        let to = self.name(to).name;
                        Analysis::new(
                            format!("ALTER SCHEMA {name} RENAME TO {}", dq(&to)),
                            vec![Effect::RenameObject {
                                from: DbObject::new(K::Schema, name),
                                to,
                            }],
                        )
                    }
                    _ => Analysis::other(collapse(text, 60)),
                }
            }
            S::CreateView(cv) => {
                let verb = match (cv.or_replace, cv.materialized) {
                    (false, false) => "CREATE VIEW",
                    (true, false) => "CREATE OR REPLACE VIEW",
                    (false, true) => "CREATE MATERIALIZED VIEW",
                    (true, true) => "CREATE OR REPLACE MATERIALIZED VIEW",
                };
                one(verb, K::View, self.name(&cv.name), true)
            }
            S::AlterView(av) => match &av.operation {
                sp::AlterViewOperation::RenameTo { new_name } => {
                    let from = self.name(&av.name);
                    let to = self.name(new_name).name;
                    let verb = if av.materialized {
                        "ALTER MATERIALIZED VIEW"
                    } else {
                        "ALTER VIEW"
                    };
                    Analysis::new(
                        format!("{verb} {from} RENAME TO {}", dq(&to)),
                        vec![Effect::RenameObject {
                            from: DbObject::new(K::View, from),
                            to,
                        }],
                    )
                }
                _ => Analysis::other(collapse(text, 60)),
            },
            S::CreateSequence { name, .. } => {
                one("CREATE SEQUENCE", K::Sequence, self.name(name), true)
            }
            S::CreateExtension(ce) => one(
                "CREATE EXTENSION",
                K::Extension,
                ObjectName::bare(self.ident(&ce.name)),
                true,
            ),
            S::CreateFunction(cf) => {
                let verb = if cf.or_replace {
                    "CREATE OR REPLACE FUNCTION"
                } else {
                    "CREATE FUNCTION"
                };
                one(verb, K::Function, self.name(&cf.name), true)
            }
            S::CreateTrigger(ct) => {
                let name = self.name(&ct.name);
                let table = self.name(&ct.table_name);
                Analysis::new(
                    format!("CREATE TRIGGER {name} ON {table}"),
                    vec![Effect::Create(DbObject::of(K::Trigger, name, &table))],
                )
            }
            S::Truncate(t) => {
                let names: Vec<ObjectName> =
                    t.table_names.iter().map(|t| self.name(&t.name)).collect();
                Analysis::new(
                    format!(
                        "TRUNCATE {}",
                        names
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    names.into_iter().map(Effect::Truncate).collect(),
                )
            }
            S::Delete(d) => {
                let from = match &d.from {
                    sp::FromTable::WithFromKeyword(v) | sp::FromTable::WithoutKeyword(v) => v,
                };
                let table = d.tables.first().map(|n| self.name(n)).or_else(|| {
                    from.first().and_then(|t| match &t.relation {
                        sp::TableFactor::Table { name, .. } => Some(self.name(name)),
                        _ => None,
                    })
                });
                match (table, &d.selection) {
                    (Some(t), None) => Analysis {
                        summary: format!("DELETE FROM {t}"),
                        effects: vec![Effect::DeleteWithoutWhere(t)],
                        unmodelled: false,
                    },
                    (Some(t), Some(_)) => Analysis::other(format!("DELETE FROM {t} WHERE …")),
                    (None, _) => Analysis::other(collapse(text, 60)),
                }
            }
            S::RenameTable(renames) => {
                let effects: Vec<Effect> = renames
                    .iter()
                    .map(|r| {
                        let from = self.name(&r.old_name);
                        let to = self.name_in(&r.new_name, &from);
                        Effect::RenameTable { from, to }
                    })
                    .collect();
                let parts: Vec<String> = effects
                    .iter()
                    .filter_map(|e| match e {
                        Effect::RenameTable { from, to } => Some(format!("{from} TO {to}")),
                        _ => None,
                    })
                    .collect();
                Analysis::new(format!("RENAME TABLE {}", parts.join(", ")), effects)
            }
            S::AlterIndex {
                name,
                operation: sp::AlterIndexOperation::RenameIndex { index_name },
            } => {
                let from = self.name(name);
                let to = self.name(index_name).name;
                Analysis::new(
                    format!("ALTER INDEX {from} RENAME TO {}", dq(&to)),
                    vec![Effect::RenameObject {
                        from: DbObject::new(K::Index, from),
                        to,
                    }],
                )
            }
            S::Execute { .. } => self
                .sp_rename(text)
                .unwrap_or_else(|| Analysis::other(collapse(text, 60))),
            S::StartTransaction { .. } | S::Commit { .. } | S::Rollback { .. } => {
                Analysis::control(collapse(text, 60))
            }
            S::Insert(i) => match &i.table {
                sp::TableObject::TableName(n) => {
                    Analysis::other(format!("INSERT INTO {}", self.name(n)))
                }
                _ => Analysis::other(collapse(text, 60)),
            },
            S::Update(u) => match &u.table.relation {
                sp::TableFactor::Table { name, .. } => {
                    Analysis::other(format!("UPDATE {}", self.name(name)))
                }
                _ => Analysis::other(collapse(text, 60)),
            },
            _ => Analysis::other(collapse(text, 60)),
        }
    }

    fn alter_table(&self, table: &ObjectName, ops: &[sp::AlterTableOperation]) -> Analysis {
        use sp::AlterTableOperation as Op;
        use ObjectKind as K;
        let mut effects = Vec::new();
        let mut labels = Vec::new();
        let mut unmodelled = false;
        let column =
            |id: &sp::Ident| DbObject::of(K::Column, ObjectName::bare(self.ident(id)), table);
        for op in ops {
            match op {
                Op::AddColumn { column_def, .. } => {
                    labels.push(format!("ADD COLUMN {}", dq(&self.ident(&column_def.name))));
                    effects.push(Effect::Create(column(&column_def.name)));
                }
                Op::DropColumn { column_names, .. } => {
                    for c in column_names {
                        labels.push(format!("DROP COLUMN {}", dq(&self.ident(c))));
                        effects.push(Effect::Drop(column(c)));
                    }
                }
                Op::AddConstraint { constraint, .. } => match self.constraint(constraint) {
                    Some((kind, name, what)) => {
                        labels.push(format!("ADD CONSTRAINT {} {what}", dq(&name)));
                        effects.push(Effect::Create(DbObject::of(
                            kind,
                            ObjectName::bare(name),
                            table,
                        )));
                    }
                    None => {
                        labels.push(format!("ADD {}", collapse(&constraint.to_string(), 40)));
                        unmodelled = true;
                    }
                },
                Op::DropConstraint { name, .. } | Op::DropForeignKey { name, .. } => {
                    let name = self.ident(name);
                    labels.push(format!("DROP CONSTRAINT {}", dq(&name)));
                    effects.push(Effect::Drop(DbObject::of(
                        K::Constraint,
                        ObjectName::bare(name),
                        table,
                    )));
                }
                Op::DropIndex { name } => {
                    let name = self.ident(name);
                    labels.push(format!("DROP INDEX {}", dq(&name)));
                    effects.push(Effect::Drop(DbObject::of(
                        K::Index,
                        ObjectName::bare(name),
                        table,
                    )));
                }
                Op::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => {
                    let (from, to) = (self.ident(old_column_name), self.ident(new_column_name));
                    labels.push(format!("RENAME COLUMN {} TO {}", dq(&from), dq(&to)));
                    effects.push(Effect::RenameColumn {
                        table: table.clone(),
                        from,
                        to,
                    });
                }
                Op::RenameTable { table_name } => {
                    let (sp::RenameTableNameKind::As(n) | sp::RenameTableNameKind::To(n)) =
                        table_name;
                    let to = self.name_in(n, table);
                    labels.push(format!("RENAME TO {}", dq(&to.name)));
                    effects.push(Effect::RenameTable {
                        from: table.clone(),
                        to,
                    });
                }
                Op::RenameConstraint { old_name, new_name } => {
                    let (from, to) = (self.ident(old_name), self.ident(new_name));
                    labels.push(format!("RENAME CONSTRAINT {} TO {}", dq(&from), dq(&to)));
                    effects.push(Effect::RenameObject {
                        from: DbObject::of(K::Constraint, ObjectName::bare(from), table),
                        to,
                    });
                }
                Op::ChangeColumn {
                    old_name, new_name, ..
                } => {
                    let (from, to) = (self.ident(old_name), self.ident(new_name));
                    labels.push(format!("CHANGE {} {}", dq(&from), dq(&to)));
                    effects.push(Effect::AlterColumnType {
                        table: table.clone(),
                        column: from.clone(),
                    });
                    if from != to {
                        effects.push(Effect::RenameColumn {
                            table: table.clone(),
                            from,
                            to,
                        });
                    }
                }
                Op::ModifyColumn { col_name, .. } => {
                    let col = self.ident(col_name);
                    labels.push(format!("MODIFY {}", dq(&col)));
                    effects.push(Effect::AlterColumnType {
                        table: table.clone(),
                        column: col,
                    });
                }
                Op::AlterColumn { column_name, op } => {
                    let col = self.ident(column_name);
                    let what = match op {
                        sp::AlterColumnOperation::SetDataType { data_type, .. } => {
                            effects.push(Effect::AlterColumnType {
                                table: table.clone(),
                                column: col.clone(),
                            });
                            format!("TYPE {}", collapse(&data_type.to_string(), 40))
                        }
                        sp::AlterColumnOperation::SetNotNull => {
                            unmodelled = true;
                            "SET NOT NULL".to_string()
                        }
                        sp::AlterColumnOperation::DropNotNull => {
                            unmodelled = true;
                            "DROP NOT NULL".to_string()
                        }
                        sp::AlterColumnOperation::SetDefault { value } => {
                            unmodelled = true;
                            format!("SET DEFAULT {}", collapse(&value.to_string(), 40))
                        }
                        sp::AlterColumnOperation::DropDefault => {
                            unmodelled = true;
                            "DROP DEFAULT".to_string()
                        }
                        other => {
                            unmodelled = true;
                            collapse(&other.to_string(), 30)
                        }
                    };
                    labels.push(format!("ALTER COLUMN {} {what}", dq(&col)));
                }
                other => {
                    unmodelled = true;
                    labels.push(collapse(&other.to_string(), 40));
                }
            }
        }
        Analysis {
            summary: truncate_chars(
                format!("ALTER TABLE {table} {}", labels.join(", ")),
                SUMMARY_MAX,
            ),
            effects,
            unmodelled,
        }
    }

    /// Kind, name and a label of a named table constraint (MySQL `INDEX`/`FULLTEXT` entries are indexes).
    fn constraint(&self, c: &sp::TableConstraint) -> Option<(ObjectKind, String, &'static str)> {
        use sp::TableConstraint as T;
        let (kind, name, what) = match c {
            T::Unique(u) => (
                ObjectKind::Constraint,
                u.name.as_ref().or(u.index_name.as_ref()),
                "UNIQUE",
            ),
            T::PrimaryKey(p) => (
                ObjectKind::Constraint,
                p.name.as_ref().or(p.index_name.as_ref()),
                "PRIMARY KEY",
            ),
            T::ForeignKey(f) => (ObjectKind::Constraint, f.name.as_ref(), "FOREIGN KEY"),
            T::Check(ch) => (ObjectKind::Constraint, ch.name.as_ref(), "CHECK"),
            T::Index(i) => (ObjectKind::Index, i.name.as_ref(), "INDEX"),
            T::FulltextOrSpatial(f) => (ObjectKind::Index, f.opt_index_name.as_ref(), "INDEX"),
            T::PrimaryKeyUsingIndex(u) => (
                ObjectKind::Constraint,
                Some(u.name.as_ref().unwrap_or(&u.index_name)),
                "PRIMARY KEY",
            ),
            T::UniqueUsingIndex(u) => (
                ObjectKind::Constraint,
                Some(u.name.as_ref().unwrap_or(&u.index_name)),
                "UNIQUE",
            ),
            T::Exclude(e) => (ObjectKind::Constraint, e.name.as_ref(), "EXCLUDE"),
        };
        name.map(|n| (kind, self.ident(n), what))
    }
}

fn join_names(objs: &[DbObject]) -> String {
    objs.iter()
        .map(|o| o.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// Down-file checks
// ---------------------------------------------------------------------------

struct Names {
    case_insensitive: bool,
}

impl Names {
    fn eq(&self, a: &str, b: &str) -> bool {
        if self.case_insensitive {
            a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase))
        } else {
            a == b
        }
    }

    /// Same name; schemas must agree only when both are given (an unqualified name is in the default schema).
    fn same(&self, a: &ObjectName, b: &ObjectName) -> bool {
        self.eq(&a.name, &b.name)
            && match (&a.schema, &b.schema) {
                (Some(x), Some(y)) => self.eq(x, y),
                _ => true,
            }
    }

    fn same_object(&self, a: &DbObject, b: &DbObject) -> bool {
        use ObjectKind::{Constraint, Index};
        let kinds = a.kind == b.kind
            || matches!((a.kind, b.kind), (Index, Constraint) | (Constraint, Index));
        let tables = match (&a.table, &b.table) {
            (Some(x), Some(y)) => self.same(x, y),
            _ => true,
        };
        kinds && tables && self.same(&a.name, &b.name)
    }

    /// Whether dropping `dropped` removes `obj`: itself, an object of a dropped table, or an object in a dropped schema.
    fn removes(&self, dropped: &DbObject, obj: &DbObject) -> bool {
        if self.same_object(dropped, obj) {
            return true;
        }
        match dropped.kind {
            ObjectKind::Table => obj
                .table
                .as_ref()
                .is_some_and(|t| self.same(t, &dropped.name)),
            ObjectKind::Schema => obj
                .name
                .schema
                .as_ref()
                .or(obj.table.as_ref().and_then(|t| t.schema.as_ref()))
                .is_some_and(|s| self.eq(s, &dropped.name.name)),
            _ => false,
        }
    }

    /// Applies a drop or a rename to the objects that are still in place.
    fn apply(&self, live: &mut Vec<(usize, DbObject)>, effect: &Effect) {
        match effect {
            Effect::Drop(d) => live.retain(|(_, o)| !self.removes(d, o)),
            Effect::RenameTable { from, to } => {
                for (_, o) in live.iter_mut() {
                    if o.kind == ObjectKind::Table && self.same(&o.name, from) {
                        o.name = to.clone();
                    }
                    if let Some(t) = &mut o.table {
                        if self.same(t, from) {
                            *t = to.clone();
                        }
                    }
                }
            }
            Effect::RenameColumn { table, from, to } => {
                let old = DbObject::of(ObjectKind::Column, ObjectName::bare(from.clone()), table);
                for (_, o) in live.iter_mut() {
                    if self.same_object(&old, o) {
                        o.name.name.clone_from(to);
                    }
                }
            }
            Effect::RenameObject { from, to } => {
                for (_, o) in live.iter_mut() {
                    if self.same_object(from, o) {
                        o.name.name.clone_from(to);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Objects that `up` creates and `down` leaves in place. `down` effects count as reverting an object when they drop it,
/// or drop the table that owns it (a column, an index or a constraint of a dropped table is dropped implicitly),
/// or drop the schema that contains it. Renames in `up` and `down` are followed, and objects that `up` itself
/// drops again are not reported. Returns, for each un-reverted object, the index of the creating statement in `up`
/// and the object under its name after `up` (the name a down file has to drop).
/// Names compare case-sensitively for Postgres and case-insensitively for the other dialects.
pub fn unreverted(up: &[Statement], down: &[Statement]) -> Vec<(usize, DbObject)> {
    let names = Names {
        case_insensitive: up
            .iter()
            .chain(down)
            .any(|s| s.dialect != Dialect::Postgres),
    };
    let mut live: Vec<(usize, DbObject)> = Vec::new();
    for (i, st) in up.iter().enumerate() {
        for effect in &st.effects {
            match effect {
                Effect::Create(o) => live.push((i, o.clone())),
                other => names.apply(&mut live, other),
            }
        }
    }
    for effect in down.iter().flat_map(|s| &s.effects) {
        names.apply(&mut live, effect);
    }
    live
}

// ---------------------------------------------------------------------------
// Rollback generation
// ---------------------------------------------------------------------------

fn quote(dialect: Dialect, ident: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", ident.replace('`', "``")),
        Dialect::MsSql => format!("[{}]", ident.replace(']', "]]")),
        _ => dq(ident),
    }
}

fn qname(dialect: Dialect, name: &ObjectName) -> String {
    match &name.schema {
        Some(s) => format!("{}.{}", quote(dialect, s), quote(dialect, &name.name)),
        None => quote(dialect, &name.name),
    }
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQL that undoes `effect`, when there is one.
fn invert(effect: &Effect, st: &Statement, d: Dialect) -> Option<String> {
    use Dialect::{MsSql, MySql, Postgres, Sqlite};
    use ObjectKind as K;
    let q = |s: &str| quote(d, s);
    let qn = |n: &ObjectName| qname(d, n);
    let table_of = |o: &DbObject| o.table.as_ref().map(qn);
    Some(match effect {
        Effect::Create(o) => match o.kind {
            K::Table => format!("DROP TABLE {}", qn(&o.name)),
            K::Column => format!(
                "ALTER TABLE {} DROP COLUMN {}",
                table_of(o)?,
                q(&o.name.name)
            ),
            K::Constraint => format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                table_of(o)?,
                q(&o.name.name)
            ),
            K::Index => match (d, table_of(o)) {
                (MySql | MsSql, Some(t)) => format!("DROP INDEX {} ON {t}", q(&o.name.name)),
                _ => format!("DROP INDEX {}", qn(&o.name)),
            },
            K::Type => format!("DROP TYPE {}", qn(&o.name)),
            K::Schema => format!("DROP SCHEMA {}", qn(&o.name)),
            K::View if st.summary.contains("MATERIALIZED VIEW") => {
                format!("DROP MATERIALIZED VIEW {}", qn(&o.name))
            }
            K::View => format!("DROP VIEW {}", qn(&o.name)),
            K::Sequence => format!("DROP SEQUENCE {}", qn(&o.name)),
            K::Extension => format!("DROP EXTENSION {}", qn(&o.name)),
            K::Function => format!("DROP FUNCTION {}", qn(&o.name)),
            K::Trigger => match (d, table_of(o)) {
                (Postgres, Some(t)) => format!("DROP TRIGGER {} ON {t}", q(&o.name.name)),
                _ => format!("DROP TRIGGER {}", qn(&o.name)),
            },
        },
        Effect::RenameTable { from, to } => match d {
            MySql => format!("RENAME TABLE {} TO {}", qn(to), qn(from)),
            MsSql => format!(
                "EXEC sp_rename {}, {}",
                sql_string(&qn(to)),
                sql_string(&from.name)
            ),
            _ => format!("ALTER TABLE {} RENAME TO {}", qn(to), q(&from.name)),
        },
        Effect::RenameColumn { table, from, to } => match d {
            MsSql => format!(
                "EXEC sp_rename {}, {}, 'COLUMN'",
                sql_string(&format!("{}.{}", qn(table), q(to))),
                sql_string(from)
            ),
            _ => format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                qn(table),
                q(to),
                q(from)
            ),
        },
        Effect::RenameObject { from, to } => {
            let now = ObjectName {
                schema: from.name.schema.clone(),
                name: to.clone(),
            };
            let old = q(&from.name.name);
            match (from.kind, d) {
                (K::Index, MySql) => format!(
                    "ALTER TABLE {} RENAME INDEX {} TO {old}",
                    table_of(from)?,
                    q(to)
                ),
                (K::Index, MsSql) => format!(
                    "EXEC sp_rename {}, {}, 'INDEX'",
                    sql_string(&format!("{}.{}", table_of(from)?, q(to))),
                    sql_string(&from.name.name)
                ),
                (_, MySql | MsSql | Sqlite) => return None,
                (K::Index, _) => format!("ALTER INDEX {} RENAME TO {old}", qn(&now)),
                (K::Type, _) => format!("ALTER TYPE {} RENAME TO {old}", qn(&now)),
                (K::Schema, _) => format!("ALTER SCHEMA {} RENAME TO {old}", qn(&now)),
                (K::Sequence, _) => format!("ALTER SEQUENCE {} RENAME TO {old}", qn(&now)),
                (K::View, _) if st.summary.contains("MATERIALIZED VIEW") => {
                    format!("ALTER MATERIALIZED VIEW {} RENAME TO {old}", qn(&now))
                }
                (K::View, _) => format!("ALTER VIEW {} RENAME TO {old}", qn(&now)),
                (K::Constraint, _) => format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {old}",
                    table_of(from)?,
                    q(to)
                ),
                _ => return None,
            }
        }
        Effect::Drop(_)
        | Effect::AlterColumnType { .. }
        | Effect::Truncate(_)
        | Effect::DeleteWithoutWhere(_) => return None,
    })
}

/// A down.sql that reverses `up`: the inverse of each invertible statement in reverse order, quoting
/// identifiers in the dialect's style, each followed by `;` on its own line, and one
/// `-- TODO: cannot invert automatically: <summary>` line for each statement it cannot (fully) invert.
/// Transaction control (BEGIN, COMMIT) is skipped.
pub fn generate_down(up: &[Statement], dialect: Dialect) -> String {
    let mut out = String::from("-- Rollback generated by schemalint. Review before applying.\n");
    for st in up.iter().rev() {
        if st.parse_error.is_none() && st.effects.is_empty() && !st.unmodelled {
            continue;
        }
        let mut todo = st.parse_error.is_some() || st.unmodelled;
        let mut lines = Vec::new();
        for effect in st.effects.iter().rev() {
            match invert(effect, st, dialect) {
                Some(sql) => lines.push(sql),
                None => todo = true,
            }
        }
        if todo {
            out.push_str("-- TODO: cannot invert automatically: ");
            out.push_str(&st.summary);
            out.push('\n');
        }
        for line in lines {
            out.push_str(&line);
            out.push_str(";\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|r| &sql[r]).collect()
    }

    fn table(name: &str) -> ObjectName {
        ObjectName::bare(name)
    }

    fn in_schema(schema: &str, name: &str) -> ObjectName {
        ObjectName {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    fn one(sql: &str, dialect: Dialect) -> Statement {
        let mut all = analyze(sql, dialect);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.remove(0)
    }

    fn effects(sql: &str, dialect: Dialect) -> Vec<Effect> {
        let st = one(sql, dialect);
        assert_eq!(st.parse_error, None, "{sql}");
        st.effects
    }

    fn summary(sql: &str, dialect: Dialect) -> String {
        one(sql, dialect).summary
    }

    fn column(table: ObjectName, name: &str) -> DbObject {
        DbObject {
            kind: ObjectKind::Column,
            name: ObjectName::bare(name),
            table: Some(table),
        }
    }

    fn obj(kind: ObjectKind, name: ObjectName) -> DbObject {
        DbObject {
            kind,
            name,
            table: None,
        }
    }

    // -- splitting ---------------------------------------------------------

    #[test]
    fn splits_plain_statements_without_semicolons_and_whitespace() {
        let sql = "CREATE TABLE a (id INT);\n\n  CREATE INDEX i ON a (id);\nSELECT 1";
        assert_eq!(
            texts(sql),
            [
                "CREATE TABLE a (id INT)",
                "CREATE INDEX i ON a (id)",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn comments_are_not_statements_and_hide_semicolons() {
        let sql = "-- first; comment\nSELECT 1; /* block; comment */ SELECT 2 -- trailing; note\n;\n-- only a comment;\n/* and; another */";
        assert_eq!(texts(sql), ["SELECT 1", "SELECT 2"]);
        assert_eq!(texts(";;  ; -- c\n;/* x */;"), Vec::<&str>::new());
        assert_eq!(
            texts("/* outer /* nested; */ still comment; */ SELECT 3;"),
            ["SELECT 3"]
        );
    }

    #[test]
    fn strings_and_identifiers_hide_semicolons_and_dashes() {
        let sql = "INSERT INTO t VALUES ('a;b', 'it''s -- not a comment', '/* nor this');SELECT \"we;ird\"\"\", `back;tick` FROM x;";
        assert_eq!(
            texts(sql),
            [
                "INSERT INTO t VALUES ('a;b', 'it''s -- not a comment', '/* nor this')",
                "SELECT \"we;ird\"\"\", `back;tick` FROM x"
            ]
        );
        // Postgres escape strings
        assert_eq!(
            texts(r"SELECT E'a\';b'; SELECT 2"),
            [r"SELECT E'a\';b'", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quoted_bodies_keep_their_semicolons() {
        let sql = "CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT 2;";
        let got = texts(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("$$ LANGUAGE plpgsql"));
        assert_eq!(got[1], "SELECT 2");

        let tagged = "CREATE FUNCTION g() RETURNS text AS $fn$ SELECT '$$;'; SELECT $$ ; $$; $fn$ LANGUAGE sql; DO $body$ BEGIN PERFORM 1; END $body$;";
        let got = texts(tagged);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("$fn$ LANGUAGE sql"));
        assert_eq!(got[1], "DO $body$ BEGIN PERFORM 1; END $body$");

        // `$1` parameters and `$` inside identifiers are not quotes
        assert_eq!(
            texts("SELECT $1; SELECT a$b$ FROM t; SELECT 3"),
            ["SELECT $1", "SELECT a$b$ FROM t", "SELECT 3"]
        );
    }

    #[test]
    fn explicit_transactions_are_their_own_statements() {
        let sql = "BEGIN;\nALTER TABLE \"a\" ADD COLUMN \"b\" INT;\nCOMMIT;\n";
        assert_eq!(
            texts(sql),
            ["BEGIN", "ALTER TABLE \"a\" ADD COLUMN \"b\" INT", "COMMIT"]
        );
    }

    #[test]
    fn trigger_bodies_with_begin_end_are_one_statement() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET a = CASE WHEN 1 THEN 2 END; DELETE FROM z; END; SELECT 1;";
        assert_eq!(
            texts(sql),
            [
                "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET a = CASE WHEN 1 THEN 2 END; DELETE FROM z; END",
                "SELECT 1"
            ]
        );
        let mysql =
            "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; SELECT 2; END; SELECT 3";
        assert_eq!(texts(mysql).len(), 2);
    }

    #[test]
    fn keywords_as_column_names_do_not_open_blocks() {
        let sql = "CREATE TABLE t (trigger TEXT, begin INT); SELECT 1; CREATE TABLE function (x INT); SELECT 2";
        assert_eq!(texts(sql).len(), 4);
    }

    #[test]
    fn unterminated_quotes_and_comments_run_to_the_end() {
        assert_eq!(
            texts("SELECT 1; SELECT 'abc; DROP TABLE x;"),
            ["SELECT 1", "SELECT 'abc; DROP TABLE x;"]
        );
        assert_eq!(texts("SELECT \"abc; x"), ["SELECT \"abc; x"]);
        assert_eq!(texts("SELECT $$ abc; x"), ["SELECT $$ abc; x"]);
        assert_eq!(texts("SELECT 1 /* abc; x"), ["SELECT 1"]);
        assert_eq!(texts("SELECT `abc; x"), ["SELECT `abc; x"]);
        assert_eq!(texts("SELECT 'é🚀"), ["SELECT 'é🚀"]);
    }

    #[test]
    fn multibyte_text_is_sliced_on_char_boundaries() {
        let sql = "INSERT INTO \"tablé\" VALUES ('é🚀;', 'ü'); -- ça; 🚀\nSELECT é🚀 FROM ñ;🚀;'🚀";
        assert_eq!(
            texts(sql),
            [
                "INSERT INTO \"tablé\" VALUES ('é🚀;', 'ü')",
                "SELECT é🚀 FROM ñ",
                "🚀",
                "'🚀"
            ]
        );
    }

    #[test]
    fn dialect_specific_splitting() {
        // MySQL strings take backslash escapes, and `#` starts a comment
        let sql = "INSERT INTO t VALUES ('it\\'s; fine'); # note; here\nSELECT 1";
        assert_eq!(analyze(sql, Dialect::MySql).len(), 2);
        // SQL Server bracket identifiers
        let sql = "SELECT [a;b] FROM [t]; SELECT 2";
        let got = analyze(sql, Dialect::MsSql);
        assert_eq!(got.len(), 2);
        assert_eq!(&sql[got[0].range.clone()], "SELECT [a;b] FROM [t]");
    }

    /// Awkward inputs: every prefix of a text full of constructs, and pseudo-random garbage.
    #[test]
    fn never_panics_on_awkward_input() {
        let tricky = "BEGIN; CREATE TABLE \"é\" (a TEXT DEFAULT 'x;''y', b INT); -- c;\n/* d /* e */ ; */ DO $t$ BEGIN; END $t$; SELECT E'\\'', $1, `q`, [r] FROM s WHERE c = '🚀'; CREATE TRIGGER x BEGIN SELECT 1; END; # h\n ALTER TABLE t RENAME INDEX a TO b; EXEC sp_rename N'a.b', N'c', 'COLUMN'; PRAGMA foreign_keys=OFF; COMMIT";
        let dialects = [
            Dialect::Postgres,
            Dialect::MySql,
            Dialect::Sqlite,
            Dialect::MsSql,
            Dialect::Generic,
        ];
        let check = |text: &str| {
            let mut last = 0;
            for r in split_statements(text) {
                assert!(r.start >= last && r.start < r.end && r.end <= text.len());
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                last = r.end;
            }
            for d in dialects {
                let analysed = analyze(text, d);
                let _ = unreverted(&analysed, &analysed);
                let _ = generate_down(&analysed, d);
                for st in &analysed {
                    let _ = &text[st.range.clone()];
                }
            }
        };
        for (i, _) in tricky.char_indices() {
            check(&tricky[..i]);
            check(&tricky[i..]);
        }
        let alphabet: Vec<char> =
            "'\"`[]$;-/*\\# \n()é🚀aAbBeE1_.,=ALTERCREATEDROPTABLEINDEXBEGINEND"
                .chars()
                .collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..400 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 60) as usize;
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            check(&text);
        }
        check(&"(".repeat(5000));
        check(&format!("SELECT {}1", "(".repeat(5000)));
        check(&format!("CREATE TRIGGER t {}", "BEGIN ".repeat(2000)));
        for kw in [
            "CREATE",
            "ALTER TABLE",
            "DROP",
            "ALTER INDEX IF EXISTS",
            "EXEC sp_rename",
            "CREATE UNIQUE NONCLUSTERED INDEX",
            "DROP INDEX CONCURRENTLY",
            "ALTER SEQUENCE",
            "ALTER TABLE x RENAME INDEX",
            "ALTER TABLE [a].[b] ALTER COLUMN",
        ] {
            check(kw);
            check(&format!("{kw} \"é🚀"));
        }
    }

    // -- analysis ----------------------------------------------------------

    #[test]
    fn dialect_from_provider() {
        assert_eq!(Dialect::from_provider("postgresql"), Dialect::Postgres);
        assert_eq!(Dialect::from_provider("postgres"), Dialect::Postgres);
        assert_eq!(Dialect::from_provider("cockroachdb"), Dialect::Postgres);
        assert_eq!(Dialect::from_provider("mysql"), Dialect::MySql);
        assert_eq!(Dialect::from_provider("sqlite"), Dialect::Sqlite);
        assert_eq!(Dialect::from_provider("sqlserver"), Dialect::MsSql);
        assert_eq!(Dialect::from_provider("mssql"), Dialect::MsSql);
        assert_eq!(Dialect::from_provider("mongodb"), Dialect::Generic);
    }

    #[test]
    fn db_object_display() {
        let sample = in_schema("lims", "Sample");
        assert_eq!(
            obj(ObjectKind::Table, sample).to_string(),
            "table \"lims\".\"Sample\""
        );
        assert_eq!(
            column(table("Sample"), "status").to_string(),
            "column \"status\" of table \"Sample\""
        );
        let index = DbObject {
            kind: ObjectKind::Index,
            name: table("Sample_projectId_idx"),
            table: Some(table("Sample")),
        };
        assert_eq!(index.to_string(), "index \"Sample_projectId_idx\"");
        let constraint = DbObject {
            kind: ObjectKind::Constraint,
            name: table("Sample_pkey"),
            table: Some(table("Sample")),
        };
        assert_eq!(
            constraint.to_string(),
            "constraint \"Sample_pkey\" of table \"Sample\""
        );
    }

    const PRISMA_UP: &str = r#"-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "lims";

-- CreateEnum
CREATE TYPE "lims"."SampleStatus" AS ENUM ('RECEIVED', 'PROCESSING', 'DONE');

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'AUDITOR';

-- DropIndex
DROP INDEX "Project_code_idx";

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "ownerId" TEXT;

-- CreateTable
CREATE TABLE "lims"."Sample" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "status" "lims"."SampleStatus" NOT NULL DEFAULT 'RECEIVED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Sample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Sample_projectId_idx" ON "lims"."Sample"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_ownerId_key" ON "Project"("ownerId");

-- AddForeignKey
ALTER TABLE "lims"."Sample" ADD CONSTRAINT "Sample_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "Project_slug_key" RENAME TO "Project_handle_key";
"#;

    #[test]
    fn analyzes_a_typical_prisma_migration() {
        let st = analyze(PRISMA_UP, Dialect::Postgres);
        let summaries: Vec<&str> = st.iter().map(|s| s.summary.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "CREATE SCHEMA \"lims\"",
                "CREATE TYPE \"lims\".\"SampleStatus\"",
                "ALTER TYPE \"Role\" ADD VALUE 'AUDITOR'",
                "DROP INDEX \"Project_code_idx\"",
                "ALTER TABLE \"Project\" ADD COLUMN \"archivedAt\", ADD COLUMN \"ownerId\"",
                "CREATE TABLE \"lims\".\"Sample\"",
                "CREATE INDEX \"Sample_projectId_idx\" ON \"lims\".\"Sample\"",
                "CREATE UNIQUE INDEX \"Project_ownerId_key\" ON \"Project\"",
                "ALTER TABLE \"lims\".\"Sample\" ADD CONSTRAINT \"Sample_projectId_fkey\" FOREIGN KEY",
                "ALTER INDEX \"Project_slug_key\" RENAME TO \"Project_handle_key\"",
            ]
        );
        assert!(st.iter().all(|s| s.parse_error.is_none()));
        assert_eq!(
            st.iter().map(|s| s.unmodelled).collect::<Vec<_>>(),
            [false, false, true, false, false, false, false, false, false, false]
        );
        assert_eq!(
            &PRISMA_UP[st[0].range.clone()],
            "CREATE SCHEMA IF NOT EXISTS \"lims\""
        );
        let sample = in_schema("lims", "Sample");
        assert_eq!(
            st[0].effects,
            [Effect::Create(obj(ObjectKind::Schema, table("lims")))]
        );
        assert_eq!(
            st[1].effects,
            [Effect::Create(obj(
                ObjectKind::Type,
                in_schema("lims", "SampleStatus")
            ))]
        );
        assert_eq!(st[2].effects, []);
        assert_eq!(
            st[3].effects,
            [Effect::Drop(obj(
                ObjectKind::Index,
                table("Project_code_idx")
            ))]
        );
        assert_eq!(
            st[4].effects,
            [
                Effect::Create(column(table("Project"), "archivedAt")),
                Effect::Create(column(table("Project"), "ownerId")),
            ]
        );
        assert_eq!(
            st[5].effects,
            [Effect::Create(obj(ObjectKind::Table, sample.clone()))]
        );
        // a Postgres index lives in its table's schema
        assert_eq!(
            st[6].effects,
            [Effect::Create(DbObject {
                kind: ObjectKind::Index,
                name: in_schema("lims", "Sample_projectId_idx"),
                table: Some(sample.clone()),
            })]
        );
        assert_eq!(
            st[8].effects,
            [Effect::Create(DbObject {
                kind: ObjectKind::Constraint,
                name: table("Sample_projectId_fkey"),
                table: Some(sample),
            })]
        );
        assert_eq!(
            st[9].effects,
            [Effect::RenameObject {
                from: obj(ObjectKind::Index, table("Project_slug_key")),
                to: "Project_handle_key".into(),
            }]
        );
    }

    #[test]
    fn multi_operation_alter_table() {
        let sql = r#"ALTER TABLE "T" ADD COLUMN "a" INT, ADD COLUMN "b" TEXT, DROP COLUMN "c";"#;
        let st = one(sql, Dialect::Postgres);
        assert_eq!(
            st.summary,
            r#"ALTER TABLE "T" ADD COLUMN "a", ADD COLUMN "b", DROP COLUMN "c""#
        );
        assert_eq!(
            st.effects,
            [
                Effect::Create(column(table("T"), "a")),
                Effect::Create(column(table("T"), "b")),
                Effect::Drop(column(table("T"), "c")),
            ]
        );
        assert!(!st.unmodelled);
        assert_eq!(
            generate_down(&[st], Dialect::Postgres),
            "-- Rollback generated by schemalint. Review before applying.\n\
             -- TODO: cannot invert automatically: ALTER TABLE \"T\" ADD COLUMN \"a\", ADD COLUMN \"b\", DROP COLUMN \"c\"\n\
             ALTER TABLE \"T\" DROP COLUMN \"b\";\n\
             ALTER TABLE \"T\" DROP COLUMN \"a\";\n"
        );
        // parts without an effect make the statement partly unmodelled
        let st = one(
            r#"ALTER TABLE "T" ADD COLUMN "a" INT, ALTER COLUMN "b" SET NOT NULL, ALTER COLUMN "c" SET DEFAULT 0"#,
            Dialect::Postgres,
        );
        assert!(st.unmodelled);
        assert_eq!(st.effects, [Effect::Create(column(table("T"), "a"))]);
        assert_eq!(
            st.summary,
            r#"ALTER TABLE "T" ADD COLUMN "a", ALTER COLUMN "b" SET NOT NULL, ALTER COLUMN "c" SET DEFAULT 0"#
        );
    }

    #[test]
    fn postgres_folds_unquoted_identifiers() {
        assert_eq!(
            effects("CREATE TABLE Users (id INT)", Dialect::Postgres),
            [Effect::Create(obj(ObjectKind::Table, table("users")))]
        );
        assert_eq!(
            effects("CREATE TABLE \"Users\" (id INT)", Dialect::Postgres),
            [Effect::Create(obj(ObjectKind::Table, table("Users")))]
        );
        assert_eq!(
            effects("CREATE TABLE Public.Users (id INT)", Dialect::Postgres),
            [Effect::Create(obj(
                ObjectKind::Table,
                in_schema("public", "users")
            ))]
        );
        // other dialects keep the spelling
        assert_eq!(
            effects("CREATE TABLE Users (id INT)", Dialect::MySql),
            [Effect::Create(obj(ObjectKind::Table, table("Users")))]
        );
    }

    #[test]
    fn indexes() {
        let idx = |name: ObjectName, t: ObjectName| DbObject {
            kind: ObjectKind::Index,
            name,
            table: Some(t),
        };
        assert_eq!(
            effects(
                r#"CREATE UNIQUE INDEX "T_a_key" ON "T"("a")"#,
                Dialect::Postgres
            ),
            [Effect::Create(idx(table("T_a_key"), table("T")))]
        );
        let st = one(
            r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "T_a_idx" ON "s"."T" USING GIN ("a" jsonb_path_ops)"#,
            Dialect::Postgres,
        );
        assert_eq!(st.summary, r#"CREATE INDEX "T_a_idx" ON "s"."T""#);
        assert_eq!(
            st.effects,
            [Effect::Create(idx(
                in_schema("s", "T_a_idx"),
                in_schema("s", "T")
            ))]
        );
        assert_eq!(
            effects(
                r#"DROP INDEX CONCURRENTLY IF EXISTS "s"."T_a_idx""#,
                Dialect::Postgres
            ),
            [Effect::Drop(obj(
                ObjectKind::Index,
                in_schema("s", "T_a_idx")
            ))]
        );
        assert_eq!(
            effects("DROP INDEX `T_a_idx` ON `T`", Dialect::MySql),
            [Effect::Drop(idx(table("T_a_idx"), table("T")))]
        );
        // unnamed index: no object to track
        let st = one("CREATE INDEX ON t (a)", Dialect::Postgres);
        assert!(st.effects.is_empty() && st.unmodelled && st.parse_error.is_none());
    }

    #[test]
    fn drops() {
        let st = one(r#"DROP TABLE IF EXISTS "a", b CASCADE"#, Dialect::Postgres);
        assert_eq!(st.summary, r#"DROP TABLE "a", "b" CASCADE"#);
        assert_eq!(
            st.effects,
            [
                Effect::Drop(obj(ObjectKind::Table, table("a"))),
                Effect::Drop(obj(ObjectKind::Table, table("b"))),
            ]
        );
        assert_eq!(
            effects(r#"DROP TYPE IF EXISTS "Status""#, Dialect::Postgres),
            [Effect::Drop(obj(ObjectKind::Type, table("Status")))]
        );
        assert_eq!(
            effects("DROP SCHEMA lims CASCADE", Dialect::Postgres),
            [Effect::Drop(obj(ObjectKind::Schema, table("lims")))]
        );
        assert_eq!(
            effects("DROP MATERIALIZED VIEW mv", Dialect::Postgres),
            [Effect::Drop(obj(ObjectKind::View, table("mv")))]
        );
        assert_eq!(
            effects(
                r#"ALTER TABLE "T" DROP CONSTRAINT IF EXISTS "T_fkey""#,
                Dialect::Postgres
            ),
            [Effect::Drop(DbObject {
                kind: ObjectKind::Constraint,
                name: table("T_fkey"),
                table: Some(table("T")),
            })]
        );
        assert_eq!(
            effects("ALTER TABLE `T` DROP FOREIGN KEY `T_fkey`", Dialect::MySql),
            [Effect::Drop(DbObject {
                kind: ObjectKind::Constraint,
                name: table("T_fkey"),
                table: Some(table("T")),
            })]
        );
        assert_eq!(
            effects("DROP FUNCTION IF EXISTS f(int)", Dialect::Postgres),
            [Effect::Drop(obj(ObjectKind::Function, table("f")))]
        );
        assert_eq!(
            effects(r#"DROP TRIGGER IF EXISTS t ON "T""#, Dialect::Postgres),
            [Effect::Drop(DbObject {
                kind: ObjectKind::Trigger,
                name: table("t"),
                table: Some(table("T")),
            })]
        );
        assert_eq!(
            effects(r#"DROP EXTENSION IF EXISTS "pg_trgm""#, Dialect::Postgres),
            [Effect::Drop(obj(ObjectKind::Extension, table("pg_trgm")))]
        );
    }

    #[test]
    fn constraints_renames_and_type_changes() {
        let t = table("T");
        let constraint = |name: &str| DbObject {
            kind: ObjectKind::Constraint,
            name: table(name),
            table: Some(t.clone()),
        };
        for (sql, name) in [
            (
                r#"ALTER TABLE "T" ADD CONSTRAINT "T_pkey" PRIMARY KEY ("id")"#,
                "T_pkey",
            ),
            (
                r#"ALTER TABLE "T" ADD CONSTRAINT "T_a_key" UNIQUE ("a")"#,
                "T_a_key",
            ),
            (
                r#"ALTER TABLE ONLY "T" ADD CONSTRAINT "T_c" CHECK (a > 0) NOT VALID"#,
                "T_c",
            ),
            (
                r#"ALTER TABLE "T" ADD CONSTRAINT "T_b_fkey" FOREIGN KEY ("b") REFERENCES "U"("id") ON DELETE CASCADE ON UPDATE CASCADE"#,
                "T_b_fkey",
            ),
        ] {
            assert_eq!(
                effects(sql, Dialect::Postgres),
                [Effect::Create(constraint(name))],
                "{sql}"
            );
        }
        assert_eq!(
            effects(r#"ALTER TABLE "T" RENAME TO "U""#, Dialect::Postgres),
            [Effect::RenameTable {
                from: t.clone(),
                to: table("U")
            }]
        );
        assert_eq!(
            effects(r#"ALTER TABLE "s"."T" RENAME TO "U""#, Dialect::Postgres),
            [Effect::RenameTable {
                from: in_schema("s", "T"),
                to: in_schema("s", "U")
            }]
        );
        assert_eq!(
            effects("RENAME TABLE `a` TO `b`", Dialect::MySql),
            [Effect::RenameTable {
                from: table("a"),
                to: table("b")
            }]
        );
        assert_eq!(
            effects(
                r#"ALTER TABLE "T" RENAME COLUMN "a" TO "b""#,
                Dialect::Postgres
            ),
            [Effect::RenameColumn {
                table: t.clone(),
                from: "a".into(),
                to: "b".into()
            }]
        );
        assert_eq!(
            effects(
                r#"ALTER TABLE "T" RENAME CONSTRAINT "a" TO "b""#,
                Dialect::Postgres
            ),
            [Effect::RenameObject {
                from: constraint("a"),
                to: "b".into()
            }]
        );
        assert_eq!(
            effects("ALTER TABLE `T` RENAME INDEX `a` TO `b`", Dialect::MySql),
            [Effect::RenameObject {
                from: DbObject {
                    kind: ObjectKind::Index,
                    name: table("a"),
                    table: Some(t.clone())
                },
                to: "b".into(),
            }]
        );
        assert_eq!(
            effects(
                r#"ALTER INDEX IF EXISTS "a" RENAME TO "b""#,
                Dialect::Postgres
            ),
            [Effect::RenameObject {
                from: obj(ObjectKind::Index, table("a")),
                to: "b".into()
            }]
        );
        assert_eq!(
            effects(r#"ALTER TYPE "S" RENAME TO "S_old""#, Dialect::Postgres),
            [Effect::RenameObject {
                from: obj(ObjectKind::Type, table("S")),
                to: "S_old".into()
            }]
        );
        let alter = |c: &str| Effect::AlterColumnType {
            table: t.clone(),
            column: c.into(),
        };
        assert_eq!(
            effects(
                r#"ALTER TABLE "T" ALTER COLUMN "a" SET DATA TYPE VARCHAR(10), ALTER COLUMN b TYPE INT USING b::int"#,
                Dialect::Postgres
            ),
            [alter("a"), alter("b")]
        );
        assert_eq!(
            effects(
                "ALTER TABLE `T` MODIFY `a` VARCHAR(255) NOT NULL",
                Dialect::MySql
            ),
            [alter("a")]
        );
        assert_eq!(
            effects(
                "ALTER TABLE `T` CHANGE `a` `b` VARCHAR(255) NOT NULL",
                Dialect::MySql
            ),
            [
                alter("a"),
                Effect::RenameColumn {
                    table: t.clone(),
                    from: "a".into(),
                    to: "b".into()
                }
            ]
        );
        assert_eq!(
            effects(
                "ALTER TABLE [T] ALTER COLUMN [a] BIGINT NOT NULL",
                Dialect::MsSql
            ),
            [alter("a")]
        );
        assert_eq!(
            effects("EXEC SP_RENAME N'dbo.T.a', N'b', 'COLUMN'", Dialect::MsSql),
            [Effect::RenameColumn {
                table: in_schema("dbo", "T"),
                from: "a".into(),
                to: "b".into()
            }]
        );
    }

    #[test]
    fn other_object_kinds() {
        let created = |sql: &str, kind: ObjectKind, name: &str| {
            assert_eq!(
                effects(sql, Dialect::Postgres),
                [Effect::Create(obj(kind, table(name)))],
                "{sql}"
            );
        };
        created(
            r#"CREATE TYPE "Status" AS ENUM ('A', 'B')"#,
            ObjectKind::Type,
            "Status",
        );
        created(
            r#"CREATE SCHEMA IF NOT EXISTS "lims""#,
            ObjectKind::Schema,
            "lims",
        );
        created("CREATE VIEW v AS SELECT 1", ObjectKind::View, "v");
        // Prisma multi-schema preamble: a no-op, nothing to revert
        let st = one(r#"CREATE SCHEMA IF NOT EXISTS "public""#, Dialect::Postgres);
        assert!(st.effects.is_empty() && !st.unmodelled && st.parse_error.is_none());
        assert_eq!(
            effects(
                "ALTER MATERIALIZED VIEW mv RENAME TO mv2",
                Dialect::Postgres
            ),
            [Effect::RenameObject {
                from: obj(ObjectKind::View, table("mv")),
                to: "mv2".into()
            }]
        );
        created(
            "CREATE MATERIALIZED VIEW mv AS SELECT 1",
            ObjectKind::View,
            "mv",
        );
        created(
            "CREATE SEQUENCE IF NOT EXISTS s START 1",
            ObjectKind::Sequence,
            "s",
        );
        created(
            r#"CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH SCHEMA public"#,
            ObjectKind::Extension,
            "pg_trgm",
        );
        created(
            "CREATE OR REPLACE FUNCTION nanoid(size int DEFAULT 21) RETURNS text AS $$\nDECLARE id text := '';\nBEGIN\n  RETURN id;\nEND;\n$$ LANGUAGE plpgsql VOLATILE",
            ObjectKind::Function,
            "nanoid",
        );
        assert_eq!(
            effects(
                r#"CREATE TRIGGER trg BEFORE DELETE ON "T" FOR EACH ROW EXECUTE FUNCTION prevent()"#,
                Dialect::Postgres
            ),
            [Effect::Create(DbObject {
                kind: ObjectKind::Trigger,
                name: table("trg"),
                table: Some(table("T")),
            })]
        );
        assert_eq!(
            summary(
                "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
                Dialect::Postgres
            ),
            r#"CREATE OR REPLACE FUNCTION "f""#
        );
    }

    #[test]
    fn data_destruction() {
        assert_eq!(
            effects(r#"DELETE FROM "T""#, Dialect::Postgres),
            [Effect::DeleteWithoutWhere(table("T"))]
        );
        let st = one(r#"DELETE FROM "T" WHERE "a" IS NULL"#, Dialect::Postgres);
        assert!(st.effects.is_empty() && st.unmodelled && st.parse_error.is_none());
        assert_eq!(
            effects(r#"TRUNCATE TABLE "a", b CASCADE"#, Dialect::Postgres),
            [Effect::Truncate(table("a")), Effect::Truncate(table("b"))]
        );
    }

    #[test]
    fn unmodelled_statements_are_not_errors() {
        for sql in [
            r#"INSERT INTO "T" ("a") VALUES (1)"#,
            r#"UPDATE "T" SET "a" = 1 WHERE "b" = 2"#,
            "SET search_path TO public",
            r#"COMMENT ON TABLE "T" IS 'x'"#,
            r#"GRANT SELECT ON "T" TO someone"#,
            r#"ALTER TYPE "S" ADD VALUE IF NOT EXISTS 'x' BEFORE 'y'"#,
            r#"ALTER TABLE "T" ALTER COLUMN "a" SET NOT NULL"#,
        ] {
            let st = one(sql, Dialect::Postgres);
            assert_eq!(st.parse_error, None, "{sql}");
            assert!(st.effects.is_empty() && st.unmodelled, "{sql}");
        }
        assert_eq!(
            summary(r#"INSERT INTO "T" ("a") VALUES (1)"#, Dialect::Postgres),
            r#"INSERT INTO "T""#
        );
        assert_eq!(
            summary("SET search_path TO public", Dialect::Postgres),
            "SET search_path TO public"
        );
        for (sql, dialect) in [
            ("BEGIN", Dialect::Postgres),
            ("COMMIT", Dialect::Postgres),
            ("BEGIN TRY BEGIN TRAN", Dialect::MsSql),
        ] {
            let st = one(sql, dialect);
            assert!(
                st.parse_error.is_none() && st.effects.is_empty() && !st.unmodelled,
                "{sql}"
            );
        }
    }

    #[test]
    fn parse_errors_are_reported_briefly() {
        let sql = "CREATE TABLE;\nTHIS IS NOT\n   SQL AT ALL, IS IT? PERHAPS SOMEONE WROTE A LONG SENTENCE HERE;\nDO $$ BEGIN RAISE NOTICE 'x'; END $$;";
        let st = analyze(sql, Dialect::Postgres);
        assert_eq!(st.len(), 3);
        for s in &st {
            let err = s.parse_error.as_deref().expect("a parse error");
            assert!(
                !err.is_empty() && !err.contains('\n') && !err.starts_with("sql parser error"),
                "{err}"
            );
            assert!(s.effects.is_empty() && s.unmodelled);
        }
        assert_eq!(st[0].summary, "CREATE TABLE");
        assert_eq!(
            st[1].summary,
            "THIS IS NOT SQL AT ALL, IS IT? PERHAPS SOMEONE WROTE A LONG…"
        );
    }

    #[test]
    fn prisma_mysql_migration() {
        let sql = "-- CreateTable\nCREATE TABLE `User` (\n    `id` VARCHAR(191) NOT NULL,\n    `email` VARCHAR(191) NOT NULL,\n    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n    `role` ENUM('USER', 'ADMIN') NOT NULL DEFAULT 'USER',\n\n    UNIQUE INDEX `User_email_key`(`email`),\n    INDEX `User_createdAt_idx`(`createdAt`),\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n\n-- CreateIndex\nCREATE FULLTEXT INDEX `Post_title_idx` ON `Post`(`title`);\n\n-- AddForeignKey\nALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;\n";
        let st = analyze(sql, Dialect::MySql);
        assert!(st.iter().all(|s| s.parse_error.is_none()), "{st:#?}");
        assert_eq!(
            st[0].effects,
            [Effect::Create(obj(ObjectKind::Table, table("User")))]
        );
        assert_eq!(
            generate_down(&st, Dialect::MySql),
            "-- Rollback generated by schemalint. Review before applying.\n\
             ALTER TABLE `Post` DROP CONSTRAINT `Post_authorId_fkey`;\n\
             DROP INDEX `Post_title_idx` ON `Post`;\n\
             DROP TABLE `User`;\n"
        );
    }

    #[test]
    fn prisma_sqlserver_migration() {
        let sql = "BEGIN TRY\n\nBEGIN TRAN;\n\n-- CreateTable\nCREATE TABLE [dbo].[User] (\n    [id] INT NOT NULL IDENTITY(1,1),\n    [email] NVARCHAR(1000) NOT NULL,\n    CONSTRAINT [User_pkey] PRIMARY KEY CLUSTERED ([id]),\n    CONSTRAINT [User_email_key] UNIQUE NONCLUSTERED ([email])\n);\n\n-- CreateIndex\nCREATE NONCLUSTERED INDEX [User_email_idx] ON [dbo].[User]([email]);\n\n-- AlterTable\nALTER TABLE [dbo].[Post] ADD [flag] BIT NOT NULL CONSTRAINT [Post_flag_df] DEFAULT 0;\n\nCOMMIT TRAN;\n\nEND TRY\nBEGIN CATCH\n\nIF @@TRANCOUNT > 0\nBEGIN\n    ROLLBACK TRAN;\nEND;\nTHROW\n\nEND CATCH\n";
        let st = analyze(sql, Dialect::MsSql);
        assert!(st.iter().all(|s| s.parse_error.is_none()), "{st:#?}");
        assert_eq!(st.iter().flat_map(|s| &s.effects).count(), 3, "{st:#?}");
        assert_eq!(
            generate_down(&st, Dialect::MsSql),
            "-- Rollback generated by schemalint. Review before applying.\n\
             ALTER TABLE [dbo].[Post] DROP COLUMN [flag];\n\
             DROP INDEX [User_email_idx] ON [dbo].[User];\n\
             DROP TABLE [dbo].[User];\n"
        );
    }

    #[test]
    fn prisma_sqlite_redefine_table() {
        let sql = "-- RedefineTables\nPRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE \"new_Post\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    \"title\" TEXT NOT NULL\n);\nINSERT INTO \"new_Post\" (\"id\", \"title\") SELECT \"id\", \"title\" FROM \"Post\";\nDROP TABLE \"Post\";\nALTER TABLE \"new_Post\" RENAME TO \"Post\";\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\nPRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n";
        let st = analyze(sql, Dialect::Sqlite);
        assert_eq!(st.len(), 9);
        assert!(st.iter().all(|s| s.parse_error.is_none()), "{st:#?}");
        // the new table ends up under the old name
        let left = unreverted(&st, &[]);
        assert_eq!(
            left,
            [
                (2, obj(ObjectKind::Table, table("Post"))),
                (
                    6,
                    DbObject {
                        kind: ObjectKind::Index,
                        name: table("Post_title_key"),
                        table: Some(table("Post")),
                    }
                ),
            ]
        );
        // dropping the table (any case: SQLite names are case-insensitive) reverts both
        assert_eq!(
            unreverted(&st, &analyze("DROP TABLE \"post\";", Dialect::Sqlite)),
            []
        );
    }

    // -- unreverted --------------------------------------------------------

    #[test]
    fn unreverted_follows_explicit_and_implicit_drops() {
        let up = analyze(PRISMA_UP, Dialect::Postgres);
        let down = analyze(
            r#"ALTER INDEX "Project_handle_key" RENAME TO "Project_slug_key";
               DROP TABLE "lims"."Sample";
               DROP INDEX "Project_ownerId_key";
               ALTER TABLE "Project" DROP COLUMN "archivedAt";"#,
            Dialect::Postgres,
        );
        assert_eq!(
            unreverted(&up, &down),
            [
                (0, obj(ObjectKind::Schema, table("lims"))),
                (1, obj(ObjectKind::Type, in_schema("lims", "SampleStatus"))),
                (4, column(table("Project"), "ownerId")),
            ]
        );
        // a dropped schema takes its tables, types, indexes and constraints along
        let down = analyze(
            r#"DROP SCHEMA "lims" CASCADE;
               DROP INDEX "Project_ownerId_key";
               ALTER TABLE "Project" DROP COLUMN "archivedAt", DROP COLUMN "ownerId";"#,
            Dialect::Postgres,
        );
        assert_eq!(unreverted(&up, &down), []);
        // nothing reverted
        assert_eq!(unreverted(&up, &[]).len(), 8);
    }

    #[test]
    fn unreverted_index_drop_without_table_and_mysql_drops() {
        let up = analyze(r#"CREATE INDEX "x" ON "T"("a");"#, Dialect::Postgres);
        assert_eq!(
            unreverted(&up, &analyze(r#"DROP INDEX "x";"#, Dialect::Postgres)),
            []
        );
        assert_eq!(
            unreverted(&up, &analyze(r#"DROP INDEX "y";"#, Dialect::Postgres)).len(),
            1
        );

        let up = analyze(
            "CREATE INDEX `i` ON `Post`(`x`);\nALTER TABLE `Post` ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `User`(`id`);",
            Dialect::MySql,
        );
        let down = analyze(
            "ALTER TABLE `post` DROP FOREIGN KEY `FK`;\nDROP INDEX `i` ON `Post`;",
            Dialect::MySql,
        );
        assert_eq!(unreverted(&up, &down), []);
        let down = analyze("DROP INDEX `i` ON `Other`;", Dialect::MySql);
        assert_eq!(unreverted(&up, &down).len(), 2);
    }

    #[test]
    fn unreverted_name_case_depends_on_dialect() {
        let up = analyze(r#"CREATE TABLE "User" (id INT);"#, Dialect::Postgres);
        // unquoted User is "user" in Postgres: a different table
        assert_eq!(
            unreverted(&up, &analyze("DROP TABLE User;", Dialect::Postgres)).len(),
            1
        );
        assert_eq!(
            unreverted(&up, &analyze(r#"DROP TABLE "User";"#, Dialect::Postgres)),
            []
        );
        let up = analyze("CREATE TABLE `User` (id INT);", Dialect::MySql);
        assert_eq!(
            unreverted(&up, &analyze("DROP TABLE user;", Dialect::MySql)),
            []
        );
    }

    #[test]
    fn unreverted_follows_renames_and_objects_dropped_by_up() {
        let up = analyze(
            r#"CREATE TABLE "tmp" (id INT); DROP TABLE "tmp"; CREATE TABLE "a" (id INT);"#,
            Dialect::Postgres,
        );
        assert_eq!(
            unreverted(&up, &[]),
            [(2, obj(ObjectKind::Table, table("a")))]
        );
        let down = analyze(
            r#"ALTER TABLE "a" RENAME TO "a_old"; DROP TABLE "a_old";"#,
            Dialect::Postgres,
        );
        assert_eq!(unreverted(&up, &down), []);
        let up = analyze(
            r#"CREATE TYPE "S_new" AS ENUM ('a'); ALTER TYPE "S" RENAME TO "S_old"; ALTER TYPE "S_new" RENAME TO "S"; DROP TYPE "S_old";"#,
            Dialect::Postgres,
        );
        assert_eq!(
            unreverted(&up, &[]),
            [(0, obj(ObjectKind::Type, table("S")))]
        );
        assert_eq!(
            unreverted(&up, &analyze(r#"DROP TYPE "S";"#, Dialect::Postgres)),
            []
        );
    }

    // -- generate_down -----------------------------------------------------

    #[test]
    fn generates_down_for_a_prisma_migration() {
        let up = analyze(PRISMA_UP, Dialect::Postgres);
        assert_eq!(
            generate_down(&up, Dialect::Postgres),
            r#"-- Rollback generated by schemalint. Review before applying.
ALTER INDEX "Project_handle_key" RENAME TO "Project_slug_key";
ALTER TABLE "lims"."Sample" DROP CONSTRAINT "Sample_projectId_fkey";
DROP INDEX "Project_ownerId_key";
DROP INDEX "lims"."Sample_projectId_idx";
DROP TABLE "lims"."Sample";
ALTER TABLE "Project" DROP COLUMN "ownerId";
ALTER TABLE "Project" DROP COLUMN "archivedAt";
-- TODO: cannot invert automatically: DROP INDEX "Project_code_idx"
-- TODO: cannot invert automatically: ALTER TYPE "Role" ADD VALUE 'AUDITOR'
DROP TYPE "lims"."SampleStatus";
DROP SCHEMA "lims";
"#
        );
        // and the generated file reverts everything the migration created
        let down = analyze(&generate_down(&up, Dialect::Postgres), Dialect::Postgres);
        assert!(down.iter().all(|s| s.parse_error.is_none()));
        assert_eq!(unreverted(&up, &down), []);
    }

    #[test]
    fn generate_down_skips_transactions_and_marks_the_rest() {
        let up = analyze(
            "BEGIN;\nCREATE TABLE t (id INT);\nUPDATE t SET id = 1;\nALTER TABLE t RENAME COLUMN id TO key;\nALTER TABLE t RENAME TO u;\nCREATE VIEW v AS SELECT 1;\nCREATE MATERIALIZED VIEW m AS SELECT 1;\nCREATE SEQUENCE s;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nCREATE TRIGGER tr AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION f();\nDELETE FROM u;\nALTER TABLE u ALTER COLUMN key TYPE BIGINT;\nDO $$ BEGIN END $$;\nCOMMIT;",
            Dialect::Postgres,
        );
        assert_eq!(
            generate_down(&up, Dialect::Postgres),
            r#"-- Rollback generated by schemalint. Review before applying.
-- TODO: cannot invert automatically: DO $$ BEGIN END $$
-- TODO: cannot invert automatically: ALTER TABLE "u" ALTER COLUMN "key" TYPE BIGINT
-- TODO: cannot invert automatically: DELETE FROM "u"
DROP TRIGGER "tr" ON "u";
DROP FUNCTION "f";
DROP EXTENSION "pgcrypto";
DROP SEQUENCE "s";
DROP MATERIALIZED VIEW "m";
DROP VIEW "v";
ALTER TABLE "u" RENAME TO "t";
ALTER TABLE "t" RENAME COLUMN "key" TO "id";
-- TODO: cannot invert automatically: UPDATE "t"
DROP TABLE "t";
"#
        );
    }

    #[test]
    fn generate_down_renames_back() {
        let up = analyze(
            r#"ALTER TYPE "S" RENAME TO "S_old";
ALTER INDEX "s"."a" RENAME TO "b";
ALTER TABLE "T" RENAME CONSTRAINT "c" TO "d";
ALTER SCHEMA x RENAME TO y;
ALTER SEQUENCE q RENAME TO r;
ALTER VIEW v RENAME TO w;
ALTER MATERIALIZED VIEW m RENAME TO n;"#,
            Dialect::Postgres,
        );
        assert_eq!(
            generate_down(&up, Dialect::Postgres),
            r#"-- Rollback generated by schemalint. Review before applying.
ALTER MATERIALIZED VIEW "n" RENAME TO "m";
ALTER VIEW "w" RENAME TO "v";
ALTER SEQUENCE "r" RENAME TO "q";
ALTER SCHEMA "y" RENAME TO "x";
ALTER TABLE "T" RENAME CONSTRAINT "d" TO "c";
ALTER INDEX "s"."b" RENAME TO "a";
ALTER TYPE "S_old" RENAME TO "S";
"#
        );
        // SQLite cannot rename an index
        let up = analyze(r#"ALTER INDEX "a" RENAME TO "b";"#, Dialect::Sqlite);
        let down = generate_down(&up, Dialect::Sqlite);
        assert!(
            down.ends_with(
                "-- TODO: cannot invert automatically: ALTER INDEX \"a\" RENAME TO \"b\"\n"
            ),
            "{down}"
        );
    }

    #[test]
    fn generate_down_quotes_per_dialect() {
        let up = analyze("ALTER TABLE `Post` ADD COLUMN `views` INT NOT NULL DEFAULT 0, RENAME COLUMN `a` TO `b`;\nALTER TABLE `Post` RENAME INDEX `x` TO `y`;\nALTER TABLE `Post` RENAME TO `Article`;", Dialect::MySql);
        assert_eq!(
            generate_down(&up, Dialect::MySql),
            "-- Rollback generated by schemalint. Review before applying.\n\
             RENAME TABLE `Article` TO `Post`;\n\
             ALTER TABLE `Post` RENAME INDEX `y` TO `x`;\n\
             ALTER TABLE `Post` RENAME COLUMN `b` TO `a`;\n\
             ALTER TABLE `Post` DROP COLUMN `views`;\n"
        );
        let up = analyze(
            "EXEC SP_RENAME N'dbo.Post.a', N'b', 'COLUMN';\nCREATE TABLE [dbo].[T] ([id] INT);",
            Dialect::MsSql,
        );
        assert_eq!(
            generate_down(&up, Dialect::MsSql),
            "-- Rollback generated by schemalint. Review before applying.\n\
             DROP TABLE [dbo].[T];\n\
             EXEC sp_rename '[dbo].[Post].[b]', 'a', 'COLUMN';\n"
        );
    }

    // -- corpus ------------------------------------------------------------

    fn find_migrations(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                find_migrations(&path, out);
            } else if path.file_name().is_some_and(|n| n == "migration.sql") {
                out.push(path);
            }
        }
    }

    fn lock_dialect(migration: &std::path::Path) -> Dialect {
        let lock = migration
            .parent()
            .and_then(|p| p.parent())
            .map(|p| p.join("migration_lock.toml"));
        let text = lock
            .and_then(|l| std::fs::read_to_string(l).ok())
            .unwrap_or_default();
        text.lines()
            .find(|l| l.trim_start().starts_with("provider"))
            .and_then(|l| l.split('"').nth(1))
            .map_or(Dialect::Postgres, Dialect::from_provider)
    }

    #[test]
    fn corpus_analyzes_without_panic() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/apps");
        let root = root.as_path();
        if !root.is_dir() {
            eprintln!("corpus not found at {}; skipping", root.display());
            return;
        }
        let started = std::time::Instant::now();
        let mut files = Vec::new();
        find_migrations(root, &mut files);
        let (mut statements, mut failures) = (0usize, 0usize);
        let mut reasons: Vec<(String, usize, String)> = Vec::new();
        for file in &files {
            let Ok(sql) = std::fs::read_to_string(file) else {
                continue;
            };
            let dialect = lock_dialect(file);
            let analysed = analyze(&sql, dialect);
            // exercise the rest of the API on real input too
            let _ = unreverted(&analysed, &analysed);
            let _ = generate_down(&analysed, dialect);
            statements += analysed.len();
            for st in &analysed {
                if let Some(err) = &st.parse_error {
                    failures += 1;
                    let key: String = err.split(" at Line").next().unwrap_or(err).to_string();
                    match reasons.iter_mut().find(|(k, _, _)| *k == key) {
                        Some(entry) => entry.1 += 1,
                        None => {
                            reasons.push((key, 1, format!("{}: {}", file.display(), st.summary)))
                        }
                    }
                }
            }
        }
        // hand-written rollbacks next to the migrations
        let mut downs = 0;
        for file in &files {
            let down_path = file.with_file_name("down.sql");
            if let (Ok(up), Ok(down)) = (
                std::fs::read_to_string(file),
                std::fs::read_to_string(&down_path),
            ) {
                let dialect = lock_dialect(file);
                let left = unreverted(&analyze(&up, dialect), &analyze(&down, dialect));
                downs += 1;
                println!(
                    "{}: {} object(s) not reverted",
                    down_path.display(),
                    left.len()
                );
            }
        }
        println!("{downs} down.sql file(s) checked");
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        println!(
            "corpus: {} files, {} statements, {} parse failures ({:.2}%), {:?}",
            files.len(),
            statements,
            failures,
            100.0 * failures as f64 / statements.max(1) as f64,
            started.elapsed()
        );
        for (reason, count, example) in reasons.iter().take(20) {
            println!("{count:5}  {reason}\n       e.g. {example}");
        }
    }
}
