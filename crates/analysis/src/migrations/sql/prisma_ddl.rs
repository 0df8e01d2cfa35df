//! A fast reading of the statements Prisma itself writes into PostgreSQL
//! and SQLite migrations.
//!
//! A few shapes make up most of every real migration folder: `CREATE TABLE`,
//! `CREATE [UNIQUE] INDEX`, `CREATE TYPE ... AS ENUM`, `ALTER TABLE` adding,
//! dropping or renaming columns and foreign keys, and plain `DROP`s and
//! renames, and, in SQLite, the `PRAGMA`s and the `INSERT INTO "new_T" ...
//! SELECT ... FROM "T"` of a table rebuild. sqlparser spent most of its
//! time tokenizing their column lists, which the analysis never reads.
//! This reader accepts exactly those
//! shapes as Prisma spells them, token by token, and gives up (returns
//! `None`) on anything else, so sqlparser still reads every statement that is
//! hand-written, unusual or broken. Where it answers, the answer must be the
//! one sqlparser's path gives: `tests/sql_fast_path.rs` compares the two on
//! every migration of the corpus.

use super::{
    dq, truncate_chars, Analysis, DbObject, Dialect, Effect, ObjectKind, ObjectName, SUMMARY_MAX,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok<'a> {
    /// An unquoted word: a keyword or a type name.
    Word(&'a str),
    /// A double-quoted identifier, quotes removed.
    Quoted(&'a str),
    /// A single-quoted string, quotes removed.
    Str,
    Number,
    Punct(u8),
}

/// The tokens of `text`, or `None` when it holds anything this reader does
/// not handle: comments, escaped quotes, dollar quoting, non-ASCII words.
fn tokens(text: &str) -> Option<Vec<Tok<'_>>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 4);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'"' | b'\'' => {
                let end = i + 1 + b[i + 1..].iter().position(|&x| x == c)?;
                // A doubled quote is an escape; sqlparser's reading of it
                // is left to sqlparser.
                if b.get(end + 1) == Some(&c) || b[i + 1..end].contains(&b'\\') {
                    return None;
                }
                out.push(if c == b'"' {
                    Tok::Quoted(&text[i + 1..end])
                } else {
                    Tok::Str
                });
                i = end + 1;
            }
            // `12` or `1.5`; anything longer (`1.2.3`, `1e5`) is left to
            // sqlparser.
            b'0'..=b'9' => {
                let digits = |mut i: usize| {
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    i
                };
                i = digits(i);
                if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i = digits(i + 1);
                }
                if b.get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
                {
                    return None;
                }
                out.push(Tok::Number);
            }
            // `E'usd'`: older Prisma versions wrote string defaults as
            // escape strings. Without a backslash they read as plain ones.
            b'E' | b'e' if b.get(i + 1) == Some(&b'\'') => i += 1,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Word(&text[start..i]));
            }
            b'(' | b')' | b',' | b'.' | b'[' | b']' | b':' | b'=' => {
                out.push(Tok::Punct(c));
                i += 1;
            }
            // `-1` as a default; `--` starts a comment.
            b'-' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                out.push(Tok::Punct(c));
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A cursor over the tokens. Every method consumes on success only.
struct Reader<'t, 'a> {
    toks: &'t [Tok<'a>],
    at: usize,
}

impl<'a> Reader<'_, 'a> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.at).copied()
    }

    fn kw(&mut self, word: &str) -> bool {
        let hit = matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(word));
        self.at += usize::from(hit);
        hit
    }

    fn punct(&mut self, p: u8) -> bool {
        let hit = self.peek() == Some(Tok::Punct(p));
        self.at += usize::from(hit);
        hit
    }

    fn quoted(&mut self) -> Option<&'a str> {
        match self.peek()? {
            Tok::Quoted(q) => {
                self.at += 1;
                Some(q)
            }
            _ => None,
        }
    }

    fn done(&self) -> bool {
        self.at == self.toks.len()
    }

    /// `"name"` or `"schema"."name"`.
    fn name(&mut self) -> Option<ObjectName> {
        let first = self.quoted()?;
        if self.punct(b'.') {
            let second = self.quoted()?;
            return Some(ObjectName {
                schema: Some(first.to_string()),
                name: second.to_string(),
            });
        }
        Some(ObjectName::bare(first))
    }

    /// `("a", "b", ...)`, optionally with `ASC` or `DESC` after each name.
    fn names(&mut self, sorted: bool) -> Option<()> {
        self.punct(b'(').then_some(())?;
        loop {
            self.quoted()?;
            if sorted && !self.kw("ASC") {
                self.kw("DESC");
            }
            if !self.punct(b',') {
                break;
            }
        }
        self.punct(b')').then_some(())
    }

    /// A column type as Prisma writes it: `TEXT`, `VARCHAR(191)`,
    /// `DECIMAL(65,30)`, `DOUBLE PRECISION`, `TIMESTAMP(3)`, an enum
    /// `"Role"`, and any of them as a list with `[]`.
    fn column_type(&mut self) -> Option<()> {
        match self.peek()? {
            Tok::Quoted(_) => {
                self.name()?;
            }
            Tok::Word(w) => {
                const TYPES: &[&str] = &[
                    "TEXT",
                    "INTEGER",
                    "SMALLINT",
                    "BIGINT",
                    "SERIAL",
                    "SMALLSERIAL",
                    "BIGSERIAL",
                    "BOOLEAN",
                    "REAL",
                    "DECIMAL",
                    "TIMESTAMP",
                    "TIMESTAMPTZ",
                    "DATE",
                    "TIME",
                    "TIMETZ",
                    "JSONB",
                    "JSON",
                    "UUID",
                    "BYTEA",
                    "VARCHAR",
                    "CHAR",
                    "CITEXT",
                    "INET",
                    "XML",
                    "MONEY",
                    "OID",
                ];
                self.at += 1;
                if w.eq_ignore_ascii_case("DOUBLE") {
                    self.kw("PRECISION").then_some(())?;
                } else if !TYPES.iter().any(|t| t.eq_ignore_ascii_case(w)) {
                    return None;
                }
                // Only the types that take a length or precision may have
                // one; sqlparser rejects `BOOLEAN(1)` and so must this.
                if self.punct(b'(') {
                    let is = |t: &str| w.eq_ignore_ascii_case(t);
                    (is("VARCHAR")
                        || is("CHAR")
                        || is("DECIMAL")
                        || is("TIMESTAMP")
                        || is("TIME")
                        || is("TIMESTAMPTZ"))
                    .then_some(())?;
                    self.number()?;
                    if self.punct(b',') {
                        is("DECIMAL").then_some(())?;
                        self.number()?;
                    }
                    self.punct(b')').then_some(())?;
                }
            }
            _ => return None,
        }
        if self.punct(b'[') {
            self.punct(b']').then_some(())?;
        }
        Some(())
    }

    fn number(&mut self) -> Option<()> {
        (self.peek()? == Tok::Number).then(|| self.at += 1)
    }

    /// `NOT NULL` and `DEFAULT <value>`, in any order and number.
    fn column_options(&mut self) -> Option<()> {
        loop {
            if self.kw("NOT") {
                self.kw("NULL").then_some(())?;
            } else if self.kw("DEFAULT") {
                self.default_value()?;
            } else {
                return Some(());
            }
        }
    }

    /// `'text'` (with an optional `::type`), a number, `true`, `false`,
    /// `CURRENT_TIMESTAMP`, `ARRAY[]::type`, or a call without arguments
    /// such as `gen_random_uuid()`.
    fn default_value(&mut self) -> Option<()> {
        match self.peek()? {
            Tok::Str => self.at += 1,
            Tok::Number => self.at += 1,
            Tok::Punct(b'-') => {
                self.at += 1;
                self.number()?;
            }
            Tok::Word(w) => {
                self.at += 1;
                if w.eq_ignore_ascii_case("ARRAY") {
                    self.punct(b'[').then_some(())?;
                    self.punct(b']').then_some(())?;
                    return self.cast();
                }
                let constant = ["true", "false", "CURRENT_TIMESTAMP"]
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(w));
                if !constant {
                    // Any other word must be a call: `now()`, `uuid()`.
                    self.punct(b'(').then_some(())?;
                    self.punct(b')').then_some(())?;
                }
                return Some(());
            }
            _ => return None,
        }
        if self.peek() == Some(Tok::Punct(b':')) {
            self.cast()?;
        }
        Some(())
    }

    /// `::type`.
    fn cast(&mut self) -> Option<()> {
        (self.punct(b':') && self.punct(b':')).then_some(())?;
        self.column_type()
    }

    /// `"column" type options`.
    fn column(&mut self) -> Option<&'a str> {
        let name = self.quoted()?;
        self.column_type()?;
        self.column_options()?;
        Some(name)
    }

    /// `CASCADE`, `RESTRICT`, `NO ACTION`, `SET NULL` or `SET DEFAULT`.
    fn action(&mut self) -> Option<()> {
        if self.kw("CASCADE") || self.kw("RESTRICT") {
            return Some(());
        }
        if self.kw("NO") {
            return self.kw("ACTION").then_some(());
        }
        self.kw("SET").then_some(())?;
        (self.kw("NULL") || self.kw("DEFAULT")).then_some(())
    }
}

/// The analysis of `text`, one statement without its `;`, when it is one
/// of the shapes above; `None` hands it to sqlparser.
pub(super) fn analyze(text: &str, dialect: Dialect) -> Option<Analysis> {
    let toks = tokens(text)?;
    let mut r = Reader { toks: &toks, at: 0 };
    let sqlite = dialect == Dialect::Sqlite;
    let analysis = if sqlite && r.kw("INSERT") {
        insert_select(&mut r)?
    } else if sqlite && r.kw("PRAGMA") {
        pragma(&mut r, text)?
    } else if r.kw("CREATE") {
        if r.kw("TABLE") {
            create_table(&mut r)?
        } else if r.kw("TYPE") {
            create_enum(&mut r)?
        } else {
            create_index(&mut r)?
        }
    } else if r.kw("ALTER") {
        if r.kw("TABLE") {
            alter_table(&mut r)?
        } else {
            r.kw("INDEX").then_some(())?;
            rename_index(&mut r)?
        }
    } else if r.kw("DROP") {
        drop_object(&mut r)?
    } else {
        return None;
    };
    r.done().then_some(analysis)
}

/// `INSERT INTO "new_T" ("a", "b") SELECT "a", "b" FROM "T"`: how Prisma
/// copies the rows of a SQLite table it rebuilds. sqlparser's path reads
/// any `INSERT` as a change of data it does not model, named by its table.
fn insert_select(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    r.kw("INTO").then_some(())?;
    let name = r.name()?;
    r.punct(b'(').then_some(())?;
    quoted_list(r)?;
    r.punct(b')').then_some(())?;
    r.kw("SELECT").then_some(())?;
    quoted_list(r)?;
    r.kw("FROM").then_some(())?;
    r.name()?;
    Some(Analysis::other(format!("INSERT INTO {name}")))
}

/// `"a", "b", ...`: one name at least.
fn quoted_list(r: &mut Reader<'_, '_>) -> Option<()> {
    r.quoted()?;
    while r.punct(b',') {
        r.quoted()?;
    }
    Some(())
}

/// `PRAGMA foreign_keys=OFF`, `PRAGMA foreign_key_check`: the switches
/// around Prisma's SQLite table rebuilds. sqlparser's path reads them as
/// statements it does not model, summarized by their text.
fn pragma(r: &mut Reader<'_, '_>, text: &str) -> Option<Analysis> {
    matches!(r.peek(), Some(Tok::Word(_))).then_some(())?;
    r.at += 1;
    if r.punct(b'=') {
        matches!(r.peek(), Some(Tok::Word(_) | Tok::Number)).then_some(())?;
        r.at += 1;
    }
    Some(Analysis::other(super::collapse(text, 60)))
}

fn create_table(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    let name = r.name()?;
    r.punct(b'(').then_some(())?;
    loop {
        if r.kw("CONSTRAINT") {
            r.quoted()?;
            (r.kw("PRIMARY") && r.kw("KEY")).then_some(())?;
            r.names(false)?;
        } else {
            r.column()?;
        }
        if !r.punct(b',') {
            break;
        }
    }
    r.punct(b')').then_some(())?;
    Some(Analysis::new(
        format!("CREATE TABLE {name}"),
        vec![Effect::Create(DbObject::new(ObjectKind::Table, name))],
    ))
}

/// `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN')`.
fn create_enum(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    let name = r.name()?;
    (r.kw("AS") && r.kw("ENUM") && r.punct(b'(')).then_some(())?;
    loop {
        (r.peek()? == Tok::Str).then(|| r.at += 1)?;
        if !r.punct(b',') {
            break;
        }
    }
    r.punct(b')').then_some(())?;
    Some(Analysis::new(
        format!("CREATE TYPE {name}"),
        vec![Effect::Create(DbObject::new(ObjectKind::Type, name))],
    ))
}

/// `DROP TABLE "T"`, `DROP INDEX "i"`, `DROP TYPE "E"`: one name, no
/// `IF EXISTS` and no `CASCADE`.
fn drop_object(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    let (kind, what) = if r.kw("TABLE") {
        (ObjectKind::Table, "TABLE")
    } else if r.kw("INDEX") {
        (ObjectKind::Index, "INDEX")
    } else if r.kw("TYPE") {
        (ObjectKind::Type, "TYPE")
    } else {
        return None;
    };
    let name = r.name()?;
    Some(Analysis::new(
        format!("DROP {what} {name}"),
        vec![Effect::Drop(DbObject::new(kind, name))],
    ))
}

/// `ALTER INDEX "a" RENAME TO "b"`.
fn rename_index(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    let from = r.name()?;
    (r.kw("RENAME") && r.kw("TO")).then_some(())?;
    let to = r.quoted()?.to_string();
    Some(Analysis::new(
        format!("ALTER INDEX {from} RENAME TO {}", dq(&to)),
        vec![Effect::RenameObject {
            from: DbObject::new(ObjectKind::Index, from),
            to,
        }],
    ))
}

fn create_index(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    let unique = r.kw("UNIQUE");
    r.kw("INDEX").then_some(())?;
    let index = r.quoted()?;
    r.kw("ON").then_some(())?;
    let table = r.name()?;
    r.names(true)?;
    let verb = if unique {
        "CREATE UNIQUE INDEX"
    } else {
        "CREATE INDEX"
    };
    // An index lives in its table's schema.
    let name = ObjectName {
        schema: table.schema.clone(),
        name: index.to_string(),
    };
    Some(Analysis::new(
        format!("{verb} {} ON {table}", dq(&name.name)),
        vec![Effect::Create(DbObject::of(
            ObjectKind::Index,
            name,
            &table,
        ))],
    ))
}

fn alter_table(r: &mut Reader<'_, '_>) -> Option<Analysis> {
    let table = r.name()?;
    let mut labels = Vec::new();
    let mut effects = Vec::new();
    let mut unmodelled = false;
    loop {
        let bare = |name: &str| ObjectName::bare(name);
        if r.kw("ADD") {
            if r.kw("COLUMN") {
                let column = r.column()?;
                labels.push(format!("ADD COLUMN {}", dq(column)));
                effects.push(Effect::Create(DbObject::of(
                    ObjectKind::Column,
                    bare(column),
                    &table,
                )));
            } else {
                r.kw("CONSTRAINT").then_some(())?;
                let constraint = r.quoted()?;
                (r.kw("FOREIGN") && r.kw("KEY")).then_some(())?;
                r.names(false)?;
                r.kw("REFERENCES").then_some(())?;
                r.name()?;
                r.names(false)?;
                if r.kw("ON") {
                    if r.kw("DELETE") {
                        r.action()?;
                        if r.kw("ON") {
                            r.kw("UPDATE").then_some(())?;
                            r.action()?;
                        }
                    } else {
                        r.kw("UPDATE").then_some(())?;
                        r.action()?;
                    }
                }
                labels.push(format!("ADD CONSTRAINT {} FOREIGN KEY", dq(constraint)));
                effects.push(Effect::Create(DbObject::of(
                    ObjectKind::Constraint,
                    bare(constraint),
                    &table,
                )));
            }
        } else if r.kw("DROP") {
            let (kind, label) = if r.kw("COLUMN") {
                (ObjectKind::Column, "DROP COLUMN")
            } else if r.kw("CONSTRAINT") {
                (ObjectKind::Constraint, "DROP CONSTRAINT")
            } else {
                return None;
            };
            let name = r.quoted()?;
            labels.push(format!("{label} {}", dq(name)));
            effects.push(Effect::Drop(DbObject::of(kind, bare(name), &table)));
        } else if r.kw("ALTER") {
            // Only the forms whose label needs no SQL printed back.
            r.kw("COLUMN");
            let column = r.quoted()?;
            let what = if r.kw("SET") {
                (r.kw("NOT") && r.kw("NULL")).then_some("SET NOT NULL")?
            } else {
                r.kw("DROP").then_some(())?;
                if r.kw("NOT") {
                    r.kw("NULL").then_some("DROP NOT NULL")?
                } else {
                    r.kw("DEFAULT").then_some("DROP DEFAULT")?
                }
            };
            labels.push(format!("ALTER COLUMN {} {what}", dq(column)));
            unmodelled = true;
        } else if r.kw("RENAME") {
            if r.kw("COLUMN") {
                let from = r.quoted()?.to_string();
                r.kw("TO").then_some(())?;
                let to = r.quoted()?.to_string();
                labels.push(format!("RENAME COLUMN {} TO {}", dq(&from), dq(&to)));
                effects.push(Effect::RenameColumn {
                    table: table.clone(),
                    from,
                    to,
                });
            } else {
                r.kw("TO").then_some(())?;
                // The table keeps its schema.
                let to = ObjectName {
                    schema: table.schema.clone(),
                    name: r.quoted()?.to_string(),
                };
                labels.push(format!("RENAME TO {}", dq(&to.name)));
                effects.push(Effect::RenameTable {
                    from: table.clone(),
                    to,
                });
            }
        } else {
            return None;
        }
        if !r.punct(b',') {
            break;
        }
    }
    Some(Analysis {
        summary: truncate_chars(
            format!("ALTER TABLE {table} {}", labels.join(", ")),
            SUMMARY_MAX,
        ),
        effects,
        unmodelled,
    })
}
