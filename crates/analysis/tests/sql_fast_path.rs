//! The fast reader of Prisma's own PostgreSQL and SQLite DDL must agree with
//! sqlparser on every statement it reads.
//!
//! Every `.sql` file of the repository's examples and fixtures, and of the
//! shared corpus beside the repository (as in CI), is analysed both ways;
//! the statements, summaries and effects must be identical. The test also
//! asserts that the fast reader takes a large share of the corpus, so it
//! fails if the reader silently stops matching.

mod common;

use common::{files_with_extension, repo};
use schemalint_analysis::migrations::sql::{
    analyze, analyze_with_sqlparser_only, read_as_prisma_ddl, split_statements, Dialect,
};

/// Reads `text` both ways as `dialect` and asserts they agree; returns how
/// many statements it has and how many of them the fast reader reads.
fn compare(path: &std::path::Path, text: &str, dialect: Dialect) -> (usize, usize) {
    assert_eq!(
        analyze(text, dialect),
        analyze_with_sqlparser_only(text, dialect),
        "{}",
        path.display()
    );
    let ranges = split_statements(text);
    let fast = ranges
        .iter()
        .filter(|r| read_as_prisma_ddl(&text[(*r).clone()], dialect))
        .count();
    (ranges.len(), fast)
}

#[test]
fn fast_reader_agrees_with_sqlparser() {
    let repo = repo();
    let mut files = Vec::new();
    files_with_extension(&repo.join("examples"), "sql", &mut files);
    files_with_extension(
        &repo.join("crates/analysis/tests/fixtures"),
        "sql",
        &mut files,
    );
    let corpus = repo.join("../shared/corpus/apps");
    let with_corpus = corpus.is_dir();
    files_with_extension(&corpus, "sql", &mut files);
    let (mut statements, mut fast) = (0, 0);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let (n, read) = compare(path, &text, Dialect::Postgres);
        statements += n;
        fast += read;
    }
    eprintln!("{fast} of {statements} statements read by the fast reader");
    assert!(fast > 0, "the fast reader read nothing");
    if with_corpus {
        assert!(
            fast * 2 > statements,
            "the fast reader read only {fast} of {statements} corpus statements"
        );
    }
}

/// The SQLite migrations of the corpus (those beside a lock file naming
/// `sqlite`), read both ways as SQLite: the same statements, summaries and
/// effects. Prisma's table rebuilds (`PRAGMA`, `INSERT INTO "new_T" ...
/// SELECT ... FROM "T"`) are read by the fast reader there, and only there.
#[test]
fn fast_reader_agrees_with_sqlparser_on_sqlite() {
    let corpus = repo().join("../shared/corpus/apps");
    let mut locks = Vec::new();
    files_with_extension(&corpus, "toml", &mut locks);
    let mut files = Vec::new();
    for lock in locks
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("provider = \"sqlite\"")))
    {
        files_with_extension(lock.parent().unwrap(), "sql", &mut files);
    }
    let (mut statements, mut fast) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let (n, read) = compare(path, &text, Dialect::Sqlite);
        statements += n;
        fast += read;
    }
    for sql in [
        "PRAGMA foreign_keys=OFF",
        r#"INSERT INTO "new_T" ("a", "b") SELECT "a", "b" FROM "T""#,
    ] {
        assert!(read_as_prisma_ddl(sql, Dialect::Sqlite), "{sql}");
        assert!(!read_as_prisma_ddl(sql, Dialect::Postgres), "{sql}");
        assert_eq!(
            analyze(sql, Dialect::Sqlite),
            analyze_with_sqlparser_only(sql, Dialect::Sqlite),
            "{sql}"
        );
    }
    eprintln!("{fast} of {statements} SQLite statements read by the fast reader");
    if corpus.is_dir() {
        assert!(files.len() > 10, "only {} SQLite migrations", files.len());
        assert!(
            fast * 2 > statements,
            "the fast reader read only {fast} of {statements} SQLite statements"
        );
    }
}

/// Statements just outside the shapes the reader knows go to sqlparser,
/// which reads them (or reports them) as before.
#[test]
fn near_misses_fall_back() {
    for sql in [
        r#"CREATE TABLE IF NOT EXISTS "T" ("id" TEXT NOT NULL)"#,
        r#"CREATE TABLE "T" ("id" TEXT NOT NULL, CONSTRAINT "T_pkey" PRIMARY KEY ("id"))  extra"#,
        r#"CREATE TABLE "T" ("id" TEXT NOT NUL)"#,
        r#"CREATE TABLE "T" ("a""b" TEXT)"#,
        r#"CREATE TABLE "T" ("id" TEXT -- a comment
        )"#,
        r#"CREATE INDEX "i" ON "T" USING GIN ("a")"#,
        r#"CREATE INDEX CONCURRENTLY "i" ON "T" ("a")"#,
        r#"ALTER TABLE "T" ADD CONSTRAINT "T_pkey" PRIMARY KEY ("id")"#,
        r#"ALTER TABLE "T" ALTER COLUMN "a" SET DEFAULT 'x'"#,
        r#"ALTER TABLE "T" ALTER COLUMN "a" SET DATA TYPE TEXT"#,
        r#"DROP TABLE IF EXISTS "T""#,
        r#"DROP INDEX "i" CASCADE"#,
        r#"ALTER TYPE "E" ADD VALUE 'X'"#,
        r#"ALTER TABLE "T" ADD COLUMN "a" TEXT DEFAULT E'a\nb'"#,
        r#"ALTER TABLE "T" ADD COLUMN "a" TEXT DEFAULT E 'a'"#,
        r#"ALTER TABLE "T" ADD COLUMN "a" DECIMAL DEFAULT 1.2.3"#,
        r#"ALTER TABLE "T" ADD COLUMN "a" REAL DEFAULT 1e5"#,
        r#"ALTER TABLE "T" ADD COLUMN "a" DECIMAL(10,) DEFAULT 1"#,
        r#"ALTER TABLE "T" DROP COLUMN IF EXISTS "a""#,
        r#"ALTER TABLE t ADD COLUMN "a" TEXT"#,
        r#"CREATE TABLE "T" ("d" TIMESTAMP(3) WITH TIME ZONE)"#,
    ] {
        assert!(!read_as_prisma_ddl(sql, Dialect::Postgres), "read: {sql}");
        assert_eq!(
            analyze(sql, Dialect::Postgres),
            analyze_with_sqlparser_only(sql, Dialect::Postgres),
            "{sql}"
        );
    }
    for sql in [
        r#"CREATE TABLE "s"."T" ("id" TEXT NOT NULL, "n" DECIMAL(65,30), "r" "Role"[] DEFAULT ARRAY[]::"Role"[], "c" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "u" UUID NOT NULL DEFAULT gen_random_uuid(), "j" JSONB DEFAULT '{}', "f" DOUBLE PRECISION DEFAULT -1.5, CONSTRAINT "T_pkey" PRIMARY KEY ("id"))"#,
        r#"CREATE UNIQUE INDEX "T_a_b_key" ON "s"."T"("a", "b" DESC)"#,
        r#"ALTER TABLE "T" ADD CONSTRAINT "T_u_fkey" FOREIGN KEY ("u") REFERENCES "U"("id") ON DELETE SET NULL ON UPDATE CASCADE"#,
        r#"ALTER TABLE "T" ADD COLUMN "a" TEXT, ADD COLUMN "b" INTEGER NOT NULL DEFAULT 0, DROP COLUMN "c", DROP CONSTRAINT "T_x_fkey""#,
        r#"ALTER TABLE "s"."T" ALTER COLUMN "a" SET NOT NULL, ALTER COLUMN "b" DROP NOT NULL, ALTER COLUMN "c" DROP DEFAULT"#,
        r#"ALTER TABLE "s"."T" RENAME TO "U""#,
        r#"ALTER TABLE "T" RENAME COLUMN "a" TO "b""#,
        r#"ALTER INDEX "s"."i" RENAME TO "j""#,
        r#"CREATE TYPE "s"."Role" AS ENUM ('USER', 'ADMIN')"#,
        r#"DROP TABLE "s"."T""#,
        r#"DROP INDEX "i""#,
        r#"DROP TYPE "Role""#,
        r#"ALTER TABLE "users" ADD COLUMN "plan" "UserPlan" NOT NULL DEFAULT E'PRO', ADD COLUMN "p" TEXT DEFAULT E''"#,
    ] {
        assert!(
            read_as_prisma_ddl(sql, Dialect::Postgres),
            "not read: {sql}"
        );
        assert_eq!(
            analyze(sql, Dialect::Postgres),
            analyze_with_sqlparser_only(sql, Dialect::Postgres),
            "{sql}"
        );
    }
}

/// Odd but plausible hand-written variants: whichever path reads them, the
/// result must be the one sqlparser's path gives.
#[test]
fn odd_variants_agree_with_sqlparser() {
    for column in [
        "TEXT(5)",
        "INTEGER(5)",
        "BOOLEAN(1)",
        "JSONB(2)",
        "TIMESTAMPTZ(3)",
        "TIME(3)",
        "VARCHAR(10,2)",
        "DECIMAL(5)",
        "DOUBLE PRECISION(5)",
        "UUID[]",
        "TEXT NOT NULL NOT NULL",
        "TEXT DEFAULT 'x'::text",
        "TEXT DEFAULT 'x'::TEXT[]",
        "INTEGER DEFAULT -0",
        "INTEGER DEFAULT 007",
        "BOOLEAN DEFAULT TRUE",
        "TIMESTAMP(3) DEFAULT now()",
        "TEXT DEFAULT upper()",
        "TEXT DEFAULT ARRAY[]::TEXT",
        "\"Role\"[] DEFAULT ARRAY[]::\"Role\"[]",
        "\"s\".\"Role\"",
    ] {
        for sql in [
            format!(r#"CREATE TABLE "T" ("a" {column})"#),
            format!(r#"ALTER TABLE "T" ADD COLUMN "a" {column}"#),
        ] {
            assert_eq!(
                analyze(&sql, Dialect::Postgres),
                analyze_with_sqlparser_only(&sql, Dialect::Postgres),
                "{sql}"
            );
        }
    }
}
