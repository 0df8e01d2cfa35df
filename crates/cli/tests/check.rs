//! End-to-end tests of `check` on the shipped example workspace: every
//! output format, exit codes and fixes, with the binary run as a process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lab-platform")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemalint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    let mut codes: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn example_shows_every_rule_family() {
    let o = run(&example(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found = codes(&json);
    for family in ["SL1", "SL2", "SL3", "SL4", "SL5"] {
        assert!(
            found.iter().any(|c| c.starts_with(family)),
            "no {family}xx finding in {found:?}"
        );
    }
    // A fix is reported with its edits, and related locations with files.
    let sl101 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL101")
        .unwrap();
    assert_eq!(sl101["fix"]["applicability"], "safe");
    assert!(sl101["fix"]["edits"][0]["content"]
        .as_str()
        .unwrap()
        .contains("@@index(["));
    let sl401 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL401")
        .unwrap();
    assert!(sl401["related"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("schema.prisma"));
}

#[test]
fn exit_zero_and_statistics() {
    let o = run(
        &example(),
        &["check", "--exit-zero", "--statistics", "--format", "github"],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("SL101  missing-relation-index"), "{out}");
    let o = run(&example(), &["check", "--select", "SL302"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "infos alone do not fail the check"
    );
}

#[test]
fn github_format_is_workflow_commands() {
    let o = run(
        &example(),
        &["check", "--format", "github", "--select", "SL403"],
    );
    let out = stdout(&o);
    assert_eq!(
        out.trim(),
        "::error title=SL403 foreign-db-schema,file=src/qms/schema.prisma,line=178,col=3,endLine=178,endColumn=19::`OosInvestigation` belongs to module `qms` but is placed in db schema `lims`, which module `lims` owns"
    );
}

#[test]
fn sarif_has_rules_and_results() {
    let o = run(&example(), &["check", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 20);
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn fix_writes_safe_fixes_and_rechecks() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    let before = std::fs::read_to_string(dir.path().join("src/lims/schema.prisma")).unwrap();

    let o = run(dir.path(), &["check", "--fix", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found = codes(&json);
    assert!(
        !found.contains(&"SL101".to_string()),
        "safe fixes applied: {found:?}"
    );
    assert!(
        found.contains(&"SL202".to_string()),
        "unsafe fixes not applied: {found:?}"
    );
    assert!(
        found.contains(&"SL501".to_string()),
        "no down.sql without --unsafe-fixes"
    );
    assert!(!found.contains(&"SL001".to_string()));
    let after = std::fs::read_to_string(dir.path().join("src/lims/schema.prisma")).unwrap();
    assert!(after.contains("@@index([methodId])") && after.len() > before.len());
    // Only the two safe fixes of this file (SL101 and SL302) changed it.
    let undone = after.replace("\n  @@index([methodId])", "").replace(
        "enteredBy  String   @db.Uuid\n  createdAt  DateTime @default(now())",
        "enteredBy  String   @db.Uuid\n  createdAt  DateTime",
    );
    assert_eq!(undone, before);

    let o = run(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found = codes(&json);
    for fixed in ["SL201", "SL202", "SL301", "SL501"] {
        assert!(
            !found.contains(&fixed.to_string()),
            "{fixed} left after --unsafe-fixes: {found:?}"
        );
    }
    let down = std::fs::read_to_string(
        dir.path()
            .join("prisma/migrations/20240105093000_init/down.sql"),
    )
    .unwrap();
    assert!(
        down.contains("DROP TABLE \"core\".\"Organization\""),
        "{down}"
    );
}

/// Two fixes that insert at one place (two `@@index` lines for `Child`):
/// one pass applies the first and skips the second, and the next pass,
/// after the re-check, applies it, so one `--fix` leaves no finding.
#[test]
fn fix_applies_fixes_at_one_place_in_passes() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixes-at-one-place");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture, dir.path());
    let before = std::fs::read_to_string(dir.path().join("schema.prisma")).unwrap();

    let o = run(dir.path(), &["check", "--diff"]);
    let out = stdout(&o);
    assert!(
        out.contains("+  @@index([firstId])\n+  @@index([secondId])"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("schema.prisma")).unwrap(),
        before,
        "--diff writes nothing"
    );
    assert!(
        out.contains("Found 2 findings"),
        "the report is of the file on disk: {out}"
    );

    let o = run(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(codes(&json).is_empty(), "{:?}", codes(&json));
    let after = std::fs::read_to_string(dir.path().join("schema.prisma")).unwrap();
    assert_eq!(
        after,
        before.replace(
            "references: [id])\n}",
            "references: [id])\n\n  @@index([firstId])\n  @@index([secondId])\n}"
        )
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("Applied 2 fixes in 2 passes (1 files written)"),
        "{stderr}"
    );
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    let before = std::fs::read_to_string(dir.path().join("src/qms/schema.prisma")).unwrap();
    let o = run(dir.path(), &["check", "--diff", "--select", "SL101"]);
    let out = stdout(&o);
    assert!(out.contains("+++ b/src/qms/schema.prisma"), "{out}");
    assert!(out.contains("+  @@index([ownerId])"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/qms/schema.prisma")).unwrap(),
        before
    );
}
