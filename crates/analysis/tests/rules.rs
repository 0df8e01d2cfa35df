//! Data-driven rule tests: each fixture (a file or a folder) is loaded as a
//! workspace, and its diagnostics are compared with an inline expectation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use expect_test::{expect, Expect};
use schemalint_analysis::{fix, AnalysisHost, Applicability, Config, Diagnostic, FileKind};
use schemalint_syntax::LineIndex;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Loads a fixture file, or every file of a fixture folder, into a host.
fn load(name: &str) -> AnalysisHost {
    let path = fixture(name);
    let (root, files) = if path.is_dir() {
        let mut files = Vec::new();
        walk(&path, &mut files);
        (path, files)
    } else {
        (path.parent().unwrap().to_path_buf(), vec![path])
    };
    let mut host = AnalysisHost::new();
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let kind = match name.as_str() {
            "schemalint.toml" => {
                host.set_config(Config::from_toml(&text).unwrap());
                continue;
            }
            "migration.sql" => FileKind::Migration,
            "migration_lock.toml" => FileKind::MigrationLock,
            n if n.ends_with(".sql") => FileKind::Down,
            n if n.ends_with(".prisma") => FileKind::Schema,
            _ => continue,
        };
        host.set_file(&rel, kind, Arc::from(text));
    }
    host
}

fn render(host: &AnalysisHost, diagnostics: &[Diagnostic]) -> String {
    let analysis = host.analysis();
    let mut out = String::new();
    for d in diagnostics {
        let text = analysis.text(d.file);
        let pos = LineIndex::new(text).line_col_chars(text, d.range.start);
        out += &format!(
            "{}:{}:{} {} {}\n",
            analysis.path(d.file),
            pos.line + 1,
            pos.col + 1,
            d.rule.code,
            d.message
        );
        for r in &d.related {
            let text = analysis.text(r.file);
            let pos = LineIndex::new(text).line_col_chars(text, r.range.start);
            out += &format!(
                "  related {}:{}:{} {}\n",
                analysis.path(r.file),
                pos.line + 1,
                pos.col + 1,
                r.message
            );
        }
        if let Some(f) = &d.fix {
            out += &format!("  fix ({}): {}\n", f.applicability.as_str(), f.title);
        }
    }
    out
}

fn check(name: &str, expect: Expect) {
    let host = load(name);
    let diagnostics = host.analysis().all_diagnostics().unwrap();
    expect.assert_eq(&render(&host, &diagnostics));
    // `check` primes first, which reads migrations in the lock file's
    // dialect before the datasource is known; the findings must not change.
    let primed = load(name);
    primed.analysis().prime().unwrap();
    let diagnostics = primed.analysis().all_diagnostics().unwrap();
    expect.assert_eq(&render(&primed, &diagnostics));
}

/// Applies every fix up to `level`, shows the changed files, and checks
/// that the fixed workspace parses and no longer has the fixed findings.
fn check_fix(name: &str, level: Applicability, expect: Expect) {
    let mut host = load(name);
    let analysis = host.analysis();
    let before = analysis.all_diagnostics().unwrap();
    let fixes: Vec<_> = before
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| level == Applicability::Unsafe || f.applicability == Applicability::Safe)
        .collect();
    let applied = fix::apply(&fixes, |f| analysis.text(f).to_string());
    let mut out = String::new();
    for (file, text) in &applied.changed {
        out += &format!("--- {}\n{}", analysis.path(*file), text);
    }
    let fixed: Vec<(&str, String)> = applied
        .changed
        .iter()
        .map(|(f, t)| (analysis.path(*f), t.clone()))
        .collect();
    let kinds: Vec<FileKind> = applied
        .changed
        .iter()
        .map(|(f, _)| analysis.kind(*f))
        .collect();
    let fixed: Vec<(String, String)> = fixed.into_iter().map(|(p, t)| (p.to_string(), t)).collect();
    // Salsa applies a change only once every snapshot is dropped.
    drop(fixes);
    drop(before);
    drop(analysis);
    for ((path, text), kind) in fixed.iter().zip(kinds) {
        host.set_file(path, kind, Arc::from(text.as_str()));
    }
    for (path, text) in &applied.created {
        out += &format!("--- {path} (new)\n{text}");
        host.set_file(path, FileKind::Down, Arc::from(text.as_str()));
    }
    let after = host.analysis().all_diagnostics().unwrap();
    assert!(
        after.iter().all(|d| d.rule.code != "SL001"),
        "a fix broke the parse:\n{}",
        render(&host, &after)
    );
    let remaining: Vec<_> = after
        .iter()
        .filter(|d| {
            d.fix.as_ref().is_some_and(|f| {
                level == Applicability::Unsafe || f.applicability == Applicability::Safe
            })
        })
        .collect();
    assert!(
        remaining.is_empty(),
        "fixable findings remain:\n{}",
        render(&host, &after)
    );
    expect.assert_eq(&out);
}

#[test]
fn names() {
    check(
        "names",
        expect![[r#"
        schema.prisma:12:13 SL002 unknown type `SampleStatsu` in field `Sample.status`: it is not a scalar, and no model, enum or type of that name is declared
        schema.prisma:14:3 SL101 relation `Sample.project` to `Project` has no index on [projctId]: queries and deletes from `Project` scan the whole `Sample` table
          fix (safe): Add `@@index([projctId])` to `Sample`
        schema.prisma:14:45 SL003 `@relation(fields: ...)` names `projctId`, which is not a field of `Sample`
        schema.prisma:14:69 SL003 `@relation(references: ...)` names `idd`, which is not a field of `Project`
        schema.prisma:18:23 SL003 `@@index` names `missing`, which is not a field of `Sample`
    "#]],
    );
}

#[test]
fn sl101_postgres() {
    check(
        "sl101/postgres.prisma",
        expect![[r#"
        postgres.prisma:21:3 SL101 relation `Child.parent` to `Parent` has no index on [parentId]: queries and deletes from `Parent` scan the whole `Child` table
          fix (safe): Add `@@index([parentId])` to `Child`
        postgres.prisma:44:3 SL101 relation `NoBlockAttributes.owner` to `Owner` has no index on [ownerId]: queries and deletes from `Owner` scan the whole `NoBlockAttributes` table
          fix (safe): Add `@@index([ownerId])` to `NoBlockAttributes`
    "#]],
    );
}

#[test]
fn sl101_fix() {
    check_fix(
        "sl101/postgres.prisma",
        Applicability::Safe,
        expect![[r#"
        --- postgres.prisma
        datasource db {
          provider = "postgresql"
        }

        model Parent {
          id       String    @id
          a        String
          b        String
          children Child[]   @relation("plain")
          covered  Child[]   @relation("covered")
          pair     Child[]   @relation("pair")
          uniq     Child[]   @relation("uniq")
          own      Profile?

          @@unique([a, b])
        }

        model Child {
          id        String @id
          parentId  String
          parent    Parent @relation("plain", fields: [parentId], references: [id])
          coveredId String
          covered   Parent @relation("covered", fields: [coveredId], references: [id])
          pa        String
          pb        String
          // The index lists the pair in the other order: still covered.
          pair      Parent @relation("pair", fields: [pa, pb], references: [a, b])
          uniqId    String @unique
          uniq      Parent @relation("uniq", fields: [uniqId], references: [id])

          @@index([coveredId, id])
          @@index([pb, pa])
          @@index([parentId])
        }

        model Profile {
          id       String @id
          parentId String @unique
          parent   Parent @relation(fields: [parentId], references: [id])
        }

        model NoBlockAttributes {
          id       String @id
          ownerId  String
          owner    Owner  @relation(fields: [ownerId], references: [id])

          @@index([ownerId])
        }

        model Owner {
          id    String              @id
          items NoBlockAttributes[]
        }
    "#]],
    );
}

#[test]
fn sl101_mysql_has_implicit_indexes() {
    check("sl101/mysql.prisma", expect![""]);
}

#[test]
fn sl101_mysql_in_prisma_relation_mode() {
    check(
        "sl101/mysql-prisma-mode.prisma",
        expect![[r#"
        mysql-prisma-mode.prisma:14:3 SL101 relation `Child.parent` to `Parent` has no index on [parentId]: queries and deletes from `Parent` scan the whole `Child` table
          fix (safe): Add `@@index([parentId])` to `Child`
    "#]],
    );
}

#[test]
fn sl102() {
    check(
        "sl102",
        expect![[r#"
        schema.prisma:11:3 SL102 `@@index([analysisId])` on `Result` is a prefix of `@@unique([analysisId, sampleId])`, which already serves its queries
          related schema.prisma:12:3 covered by @@unique([analysisId, sampleId])
          fix (unsafe): Remove `@@index([analysisId])`
        schema.prisma:14:3 SL102 `@@index([sampleId, analysisId])` on `Result` duplicates `@@index([sampleId, analysisId])`, which already serves its queries
          related schema.prisma:13:3 covered by @@index([sampleId, analysisId])
          fix (unsafe): Remove `@@index([sampleId, analysisId])`
        schema.prisma:15:3 SL102 `@@index([code])` on `Result` duplicates `@unique on `code``, which already serves its queries
          related schema.prisma:9:3 covered by @unique on `code`
          fix (unsafe): Remove `@@index([code])`
        schema.prisma:16:3 SL102 `@@index([sampleId])` on `Result` is a prefix of `@@index([sampleId, analysisId])`, which already serves its queries
          related schema.prisma:13:3 covered by @@index([sampleId, analysisId])
          fix (unsafe): Remove `@@index([sampleId])`
    "#]],
    );
}

#[test]
fn sl102_fix() {
    check_fix(
        "sl102",
        Applicability::Unsafe,
        expect![[r#"
        --- schema.prisma
        datasource db {
          provider = "postgresql"
        }

        model Result {
          id         String @id
          analysisId String
          sampleId   String
          code       String @unique

          @@unique([analysisId, sampleId])
          @@index([sampleId, analysisId])
          @@fulltext([analysisId])
        }
    "#]],
    );
}

#[test]
fn cascades() {
    check(
        "cascade",
        expect![[r#"
            src/core/schema.prisma:25:95 SL201 deleting a `Organization` row deletes its `AuditEvent` audit records through `AuditEvent.organization` (onDelete: Cascade); audit trails must be append-only
              related src/core/schema.prisma:5:7 `Organization` is declared here
              fix (unsafe): Change to `onDelete: Restrict`
            src/lims/schema.prisma:4:88 SL202 deleting a `Project` row (module `core`) deletes `Sample` records of module `lims` through `Sample.project`
              related src/core/schema.prisma:11:7 `Project` is declared in module `core`
              fix (unsafe): Change to `onDelete: Restrict`
            src/lims/schema.prisma:27:80 SL203 `Result.aliquot` ends a cascade chain of depth 4 (max 3): deleting a `Organization` row deletes down the chain Organization → Project → Sample → Aliquot → Result
        "#]],
    );
}

#[test]
fn cascades_with_lower_max_depth() {
    let mut host = load("cascade");
    host.set_config(Config::from_toml("[cascade]\nmax-depth = 2\n[audit]\nmodels = []\n").unwrap());
    let d = host.analysis().all_diagnostics().unwrap();
    expect![[r#"
        src/core/schema.prisma:25:95 SL201 deleting a `Organization` row deletes its `AuditEvent` audit records through `AuditEvent.organization` (onDelete: Cascade); audit trails must be append-only
          related src/core/schema.prisma:5:7 `Organization` is declared here
          fix (unsafe): Change to `onDelete: Restrict`
        src/lims/schema.prisma:4:88 SL202 deleting a `Project` row (module `core`) deletes `Sample` records of module `lims` through `Sample.project`
          related src/core/schema.prisma:11:7 `Project` is declared in module `core`
          fix (unsafe): Change to `onDelete: Restrict`
        src/lims/schema.prisma:14:79 SL203 `Aliquot.sample` ends a cascade chain of depth 3 (max 2): deleting a `Organization` row deletes down the chain Organization → Project → Sample → Aliquot
        src/lims/schema.prisma:27:80 SL203 `Result.aliquot` ends a cascade chain of depth 4 (max 2): deleting a `Organization` row deletes down the chain Organization → Project → Sample → Aliquot → Result
    "#]].assert_eq(&render(&host, &d));
}

#[test]
fn audit_fields() {
    check(
        "audit",
        expect![[r#"
        schema.prisma:7:22 SL301 audit field `Deviation.createdAt` is optional: rows without it cannot be traced
          fix (unsafe): Make `createdAt` required and add `@default(now())`
        schema.prisma:8:20 SL301 audit field `Deviation.created_by` is optional: rows without it cannot be traced
          fix (unsafe): Make `created_by` required
        schema.prisma:9:22 SL301 audit field `Deviation.UPDATEDAT` is optional: rows without it cannot be traced
          fix (unsafe): Make `UPDATEDAT` required and add `@updatedAt`
        schema.prisma:10:20 SL301 audit field `Deviation.updatedBy` is optional: rows without it cannot be traced
          fix (unsafe): Make `updatedBy` required
        schema.prisma:16:3 SL302 audit field `Sample.createdAt` has no `@default(now())`
          fix (safe): Add `@default(now())` to `createdAt`
        schema.prisma:17:3 SL302 audit field `Sample.updatedAt` has no `@updatedAt`
          fix (safe): Add `@updatedAt` to `updatedAt`
    "#]],
    );
}

#[test]
fn audit_fields_fix() {
    check_fix(
        "audit",
        Applicability::Unsafe,
        expect![[r#"
        --- schema.prisma
        datasource db {
          provider = "postgresql"
        }

        model Deviation {
          id         String    @id
          createdAt  DateTime @default(now())
          created_by String
          UPDATEDAT  DateTime @updatedAt
          updatedBy  String   @db.Uuid
          deletedAt  DateTime?
        }

        model Sample {
          id        String   @id
          createdAt DateTime @default(now())
          updatedAt DateTime @updatedAt
          stamped   DateTime
        }

        model Clean {
          id        String   @id
          createdAt DateTime @default(now())
          updatedAt DateTime @updatedAt
        }

        view Report {
          id        String    @unique
          createdAt DateTime?
        }
    "#]],
    );
}

#[test]
fn modules() {
    check(
        "modules",
        expect![[r#"
        src/core/schema.prisma:10:7 SL402 `User` maps to table "core"."users", which `LabUser` also maps to
          related src/lims/schema.prisma:18:7 `LabUser` maps to the same table
        src/lims/schema.prisma:1:11 SL405 generator `client` is declared twice
          related src/core/schema.prisma:6:11 first declared here
        src/lims/schema.prisma:11:6 SL401 `Status` is declared 2 times in the workspace (this one in module `lims`); the enums' values differ
          related src/qms/schema.prisma:5:6 also declared here (module `qms`)
        src/lims/schema.prisma:18:7 SL402 `LabUser` maps to table "core"."users", which `User` also maps to
          related src/core/schema.prisma:10:7 `User` maps to the same table
        src/lims/schema.prisma:22:3 SL403 `LabUser` belongs to module `lims` but is placed in db schema `core`, which module `core` owns
        src/qms/schema.prisma:1:12 SL405 datasource `other` is a second datasource; a schema has exactly one (the first is `db`)
          related src/core/schema.prisma:1:12 the first datasource is declared here
        src/qms/schema.prisma:5:6 SL401 `Status` is declared 2 times in the workspace (this one in module `qms`); the enums' values differ
          related src/lims/schema.prisma:11:6 also declared here (module `lims`)
        src/qms/schema.prisma:15:3 SL403 `Deviation` belongs to module `qms` but is placed in db schema `lims`, which module `lims` owns
        src/qms/schema.prisma:18:7 SL403 `Review` has no `@@schema`, but the datasource lists schemas (core, lims, qms); say which one it belongs to
        src/qms/schema.prisma:25:3 SL403 `Capa` is in db schema `archive`, which the datasource's `schemas` does not list
          related src/core/schema.prisma:1:12 the datasource is declared here
    "#]],
    );
}

#[test]
fn undeclared_module_dependency() {
    let mut host = load("cascade");
    host.set_config(
        Config::from_toml(
            "[modules.core]\nfiles = [\"src/core/**\"]\ndepends-on = []\n[modules.lims]\nfiles = [\"src/lims/**\"]\ndepends-on = []\n",
        )
        .unwrap(),
    );
    let d: Vec<_> = host
        .analysis()
        .all_diagnostics()
        .unwrap()
        .into_iter()
        .filter(|d| d.rule.code == "SL404")
        .collect();
    expect![[r#"
        src/core/schema.prisma:15:18 SL404 `Project.samples` (module `core`) refers to `Sample` in module `lims`, but `core` does not list `lims` in `depends-on`
          related src/lims/schema.prisma:1:7 `Sample` is declared in module `lims`
        src/lims/schema.prisma:4:13 SL404 `Sample.project` (module `lims`) refers to `Project` in module `core`, but `lims` does not list `core` in `depends-on`
          related src/core/schema.prisma:11:7 `Project` is declared in module `core`
    "#]].assert_eq(&render(&host, &d));
}

#[test]
fn suppression_comments() {
    check(
        "suppressions",
        expect![[r#"
            prisma/migrations/1_init/migration.sql:5:1 SL503 this statement drops table "c": no rollback can restore the data
            prisma/schema.prisma:22:3 SL101 relation `Child.c` to `Parent` has no index on [cId]: queries and deletes from `Parent` scan the whole `Child` table
              fix (safe): Add `@@index([cId])` to `Child`
        "#]],
    );
}

#[test]
fn migrations() {
    check(
        "migrations",
        expect![[r#"
            prisma/migrations/1_init/migration.sql:2:1 SL501 migration `prisma/migrations/1_init` has no rollback: add a `down.sql` beside its `migration.sql`
              fix (unsafe): Generate `prisma/migrations/1_init/down.sql`
            prisma/migrations/2_add_priority/migration.sql:2:1 SL502 column "priority" of table "Analysis" is created here but `prisma/migrations/2_add_priority/down.sql` does not remove it
              related prisma/migrations/2_add_priority/down.sql:1:1 the rollback
            prisma/migrations/3_drop_legacy/migration.sql:5:1 SL503 this statement drops column "legacy" of table "Analysis": no rollback can restore the data
            prisma/migrations/3_drop_legacy/migration.sql:6:1 SL503 this statement changes the type of column "id" of table "Analysis": no rollback can restore the data
            prisma/migrations/3_drop_legacy/migration.sql:7:1 SL503 this statement deletes every row of table "Analysis": no rollback can restore the data
            prisma/migrations/3_drop_legacy/migration.sql:9:1 SL503 this statement truncates table "Analysis": no rollback can restore the data
            prisma/migrations/4_empty_down/migration.sql:1:1 SL502 schema "reporting" is created here but `prisma/migrations/4_empty_down/down.sql` does not remove it
              related prisma/migrations/4_empty_down/down.sql:1:1 the rollback
            prisma/migrations/5_hand_written/migration.sql:3:1 SL505 could not parse `DO $$ BEGIN PERFORM 1; END $$`, so it was not analysed: Expected: an SQL statement, found: DO at Line: 1, Column: 1
            prisma/migrations/migration_lock.toml:1:1 SL504 the migrations are locked to provider `mysql`, but the datasource uses `postgresql`
              related prisma/schema.prisma:1:12 the datasource is declared here
        "#]],
    );
}

#[test]
fn generated_rollback_reverts_the_migration() {
    check_fix(
        "migrations",
        Applicability::Unsafe,
        expect![[r#"
            --- prisma/migrations/1_init/down.sql (new)
            -- Rollback generated by schemalint. Review before applying.
            DROP INDEX "Analysis_legacy_idx";
            DROP TABLE "Analysis";
            DROP TYPE "Status";
        "#]],
    );
}

#[test]
fn sl101_fix_keeps_crlf_line_endings() {
    let mut host = load("sl101-crlf");
    let analysis = host.analysis();
    let diagnostics = analysis.all_diagnostics().unwrap();
    let fixes: Vec<_> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    assert_eq!(fixes.len(), 2);
    let applied = fix::apply(&fixes, |f| analysis.text(f).to_string());
    let (file, text) = applied.changed[0].clone();
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "only CRLF line ends:\n{text:?}"
    );
    expect![[r#""  cs C[]\r\n  ds D[]\r\n}\r\n\r\nmodel C {\r\n  id  String @id\r\n  pId String\r\n  p   P      @relation(fields: [pId], references: [id])\r\n\r\n  @@index([pId])\r\n}\r\n\r\nmodel D { id String @id\r\n  pId String\r\n  p   P @relation(fields: [pId], references: [id])\r\n  @@map(\"d\") // trailing\r\n  @@index([pId])\r\n}\r\n""#]]
    .assert_eq(&format!("{:?}", &text[text.find("  cs").unwrap()..]));
    let path = analysis.path(file).to_string();
    drop(fixes);
    drop(diagnostics);
    drop(analysis);
    host.set_file(&path, FileKind::Schema, Arc::from(text));
    assert!(host.analysis().all_diagnostics().unwrap().is_empty());
}

#[test]
fn editor_queries_never_panic_on_multibyte_text() {
    let mut host = AnalysisHost::new();
    let text = "model A {\n  x \u{a0}Str → 🚀\n  y A @relation(fields: [x], references: [id], onDelete: é)\n}\n";
    let file = host.set_file("schema.prisma", FileKind::Schema, Arc::from(text));
    let analysis = host.analysis();
    for offset in 0..=text.len() + 2 {
        analysis.completions(file, offset).unwrap();
        analysis.symbol_info(file, offset).unwrap();
        analysis.definition(file, offset).unwrap();
        analysis.references(file, offset).unwrap();
    }
}
