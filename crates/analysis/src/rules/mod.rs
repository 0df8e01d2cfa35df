//! The rule registry. One rule, one file: each file declares its rule with
//! [`declare_rule!`], whose doc comment is the rule's manual and is what
//! `schemalint explain CODE` prints.

use crate::diagnostic::Severity;

/// Declares a rule's metadata. The doc comment becomes both the rustdoc of
/// the static and the text of [`Rule::doc`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = { code: $code:literal, name: $name:literal, severity: $sev:ident, fix: $fix:ident $(,)? };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            default_severity: $crate::diagnostic::Severity::$sev,
            fix: $crate::rules::FixAvailability::$fix,
            raw_doc: concat!($($doc, "\n"),*),
        };
    };
}

pub(crate) mod sl001_syntax_error;
pub(crate) mod sl002_unresolved_type;
pub(crate) mod sl003_unknown_field_reference;
pub(crate) mod sl101_missing_relation_index;
pub(crate) mod sl102_redundant_index;
pub(crate) mod sl201_cascade_deletes_audit_records;
pub(crate) mod sl202_cross_module_cascade;
pub(crate) mod sl203_deep_cascade_chain;
pub(crate) mod sl301_nullable_audit_field;
pub(crate) mod sl302_audit_field_without_default;
pub(crate) mod sl401_duplicate_declaration;
pub(crate) mod sl402_table_name_collision;
pub(crate) mod sl403_foreign_db_schema;
pub(crate) mod sl404_undeclared_module_dependency;
pub(crate) mod sl405_conflicting_datasource;
pub(crate) mod sl501_migration_without_rollback;
pub(crate) mod sl502_incomplete_rollback;
pub(crate) mod sl503_destructive_migration;
pub(crate) mod sl504_migration_lock_mismatch;
pub(crate) mod sl505_unparsed_migration_statement;

use schemalint_syntax::TextRange;

use crate::config::Config;
use crate::db::SourceFile;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::items::ModelItem;
use crate::semantic::{Decl, ModelId, Schema};

/// What workspace rules see. It holds no database handle, so the rules can
/// run on several threads at once (see `diagnostics::schema_diagnostics`).
pub(crate) struct Ctx<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) config: &'a Config,
    /// `[audit] models`, compiled once per configuration.
    pub(crate) audit_models: &'a crate::semantic::NamePatterns,
}

/// A model rule: reads one model, appends findings anchored in it.
///
/// Of the rest of the workspace it may read only the configuration, the
/// datasource, and the declarations its own field types resolve to (see
/// `model_findings`, which keeps its findings between runs on exactly
/// those terms), and it must anchor every range, related place and fix
/// inside the model.
pub(crate) type ModelRule = fn(&Ctx<'_>, ModelId, &mut Vec<Diagnostic>);

/// The rules that read one model at a time, in code order.
pub(crate) const MODEL_RULES: &[ModelRule] = &[
    sl002_unresolved_type::check,
    sl003_unknown_field_reference::check,
    sl101_missing_relation_index::check,
    sl102_redundant_index::check,
    sl301_nullable_audit_field::check,
    sl302_audit_field_without_default::check,
];

/// A workspace rule: reads the semantic model, appends findings.
pub(crate) type WorkspaceRule = fn(&Ctx<'_>, &mut Vec<Diagnostic>);

/// The rules that relate models to each other, in code order.
pub(crate) const WORKSPACE_RULES: &[WorkspaceRule] = &[
    sl201_cascade_deletes_audit_records::check,
    sl202_cross_module_cascade::check,
    sl203_deep_cascade_chain::check,
    sl401_duplicate_declaration::check,
    sl402_table_name_collision::check,
    sl403_foreign_db_schema::check,
    sl404_undeclared_module_dependency::check,
    sl405_conflicting_datasource::check,
];

/// The one schema rule that also reads a file the semantic model does not
/// hold (the migration lock), so it takes the database and runs on the
/// query's own thread, after the others.
pub(crate) const LOCK_RULE: fn(&dyn crate::db::Db, &Ctx<'_>, &mut Vec<Diagnostic>) =
    sl504_migration_lock_mismatch::check;

/// A migration rule: reads migration files only, never the schema, so an
/// edit of a schema file does not run it again.
type MigrationRule = fn(&dyn crate::db::Db, &mut Vec<Diagnostic>);

/// The rules that read only migrations, in code order.
pub(crate) const MIGRATION_RULES: &[MigrationRule] = &[
    sl501_migration_without_rollback::check,
    sl502_incomplete_rollback::check,
    sl503_destructive_migration::check,
    sl505_unparsed_migration_statement::check,
];

impl Ctx<'_> {
    /// Whether a model holds audit records: its name matches `[audit]
    /// models` or its doc comment says `@audit`.
    pub(crate) fn is_audit_model(&self, model: &ModelItem) -> bool {
        if model.docs.as_deref().is_some_and(|d| d.contains("@audit")) {
            return true;
        }
        self.audit_models.is_match(&model.name.name)
    }

    /// The file and name range of a declaration.
    pub(crate) fn name_location(&self, decl: Decl) -> (SourceFile, TextRange) {
        match decl {
            Decl::Model(id) => (id.file, self.schema.model(id).name_range()),
            Decl::Enum(id) => (id.file, self.schema.enum_(id).name.range),
        }
    }
}

/// The fix shared by the cascade rules: `onDelete: Restrict`.
pub(crate) fn restrict_fix(file: SourceFile, on_delete: TextRange) -> Fix {
    Fix {
        title: "Change to `onDelete: Restrict`".into(),
        applicability: Applicability::Unsafe,
        edits: smallvec::smallvec![Edit::Replace {
            file,
            range: on_delete,
            content: "Restrict".into(),
        }],
    }
}

/// The audit fields the rules treat specially.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum AuditField {
    CreatedAt,
    UpdatedAt,
    Other,
}

/// Whether `field` is one of the configured audit fields, ignoring case and
/// underscores (`created_at` is `createdAt`).
pub(crate) fn audit_field_kind(configured: &[String], field: &str) -> Option<AuditField> {
    // Compared character by character without building strings: this runs
    // for every field of every model on every keystroke.
    fn same(a: &str, b: &str) -> bool {
        if a.is_ascii() && b.is_ascii() {
            // Names are almost always ASCII: bytes, without Unicode case
            // mapping, and most names differ in length at once.
            fn bytes(s: &str) -> impl Iterator<Item = u8> + '_ {
                s.bytes().filter(|c| *c != b'_')
            }
            return bytes(a).count() == bytes(b).count()
                && bytes(a)
                    .zip(bytes(b))
                    .all(|(x, y)| x.eq_ignore_ascii_case(&y));
        }
        fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
            s.chars().filter(|c| *c != '_').flat_map(char::to_lowercase)
        }
        norm(a).eq(norm(b))
    }
    if !configured.iter().any(|c| same(c, field)) {
        return None;
    }
    Some(if same(field, "createdAt") {
        AuditField::CreatedAt
    } else if same(field, "updatedAt") {
        AuditField::UpdatedAt
    } else {
        AuditField::Other
    })
}

/// Where `docs/rules.md` is published.
const DOCS_URL: &str = "https://github.com/schemalint/schemalint/blob/main/docs/rules.md";

/// A rule's fixed metadata.
#[derive(Debug)]
pub struct Rule {
    /// Stable code such as `SL101`.
    pub code: &'static str,
    /// Kebab-case name that says what the rule flags.
    pub name: &'static str,
    pub default_severity: Severity,
    pub fix: FixAvailability,
    raw_doc: &'static str,
}

/// Whether a rule offers a fix, and of which kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
    /// Safe in some cases, unsafe in others; each fix says which.
    Sometimes,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

impl std::hash::Hash for Rule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code.hash(state);
    }
}

impl Rule {
    /// The rule's manual in Markdown, as written in its doc comment.
    pub fn doc(&self) -> String {
        self.raw_doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first sentence of the manual's "What it does" section.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let mut lines = doc
            .lines()
            .skip_while(|l| !l.starts_with("## What it does"))
            .skip(1);
        let text: Vec<&str> = lines
            .by_ref()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect();
        text.join(" ")
    }

    /// A link to the rule's documentation.
    pub fn url(&self) -> String {
        format!("{DOCS_URL}#{}", self.code.to_lowercase())
    }

    /// Whether a `--select`/`--ignore` entry names this rule: an exact code,
    /// a code prefix such as `SL1`, the rule name, or `ALL`.
    pub fn matches(&self, selector: &str) -> bool {
        let selector = selector.trim();
        selector.eq_ignore_ascii_case("ALL")
            || selector.eq_ignore_ascii_case(self.name)
            || (!selector.is_empty()
                && self.code.len() >= selector.len()
                && self.code[..selector.len()].eq_ignore_ascii_case(selector))
    }
}

/// Every rule, in code order.
pub static ALL_RULES: &[&Rule] = &[
    &sl001_syntax_error::SYNTAX_ERROR,
    &sl002_unresolved_type::UNRESOLVED_TYPE,
    &sl003_unknown_field_reference::UNKNOWN_FIELD_REFERENCE,
    &sl101_missing_relation_index::MISSING_RELATION_INDEX,
    &sl102_redundant_index::REDUNDANT_INDEX,
    &sl201_cascade_deletes_audit_records::CASCADE_DELETES_AUDIT_RECORDS,
    &sl202_cross_module_cascade::CROSS_MODULE_CASCADE,
    &sl203_deep_cascade_chain::DEEP_CASCADE_CHAIN,
    &sl301_nullable_audit_field::NULLABLE_AUDIT_FIELD,
    &sl302_audit_field_without_default::AUDIT_FIELD_WITHOUT_DEFAULT,
    &sl401_duplicate_declaration::DUPLICATE_DECLARATION,
    &sl402_table_name_collision::TABLE_NAME_COLLISION,
    &sl403_foreign_db_schema::FOREIGN_DB_SCHEMA,
    &sl404_undeclared_module_dependency::UNDECLARED_MODULE_DEPENDENCY,
    &sl405_conflicting_datasource::CONFLICTING_DATASOURCE,
    &sl501_migration_without_rollback::MIGRATION_WITHOUT_ROLLBACK,
    &sl502_incomplete_rollback::INCOMPLETE_ROLLBACK,
    &sl503_destructive_migration::DESTRUCTIVE_MIGRATION,
    &sl504_migration_lock_mismatch::MIGRATION_LOCK_MISMATCH,
    &sl505_unparsed_migration_statement::UNPARSED_MIGRATION_STATEMENT,
];

/// Looks a rule up by code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL_RULES.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Whether `s` could ever select a rule, for validating `--select` input.
pub fn is_known_selector(s: &str) -> bool {
    ALL_RULES.iter().any(|r| r.matches(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_fields_match_ignoring_case_and_underscores() {
        let configured: Vec<String> = ["createdAt", "createdBy", "updated_at", "géréPar"]
            .map(String::from)
            .to_vec();
        let kind = |f: &str| audit_field_kind(&configured, f);
        assert_eq!(kind("created_at"), Some(AuditField::CreatedAt));
        assert_eq!(kind("CREATEDAT"), Some(AuditField::CreatedAt));
        assert_eq!(kind("createdBy"), Some(AuditField::Other));
        assert_eq!(kind("updatedAt"), Some(AuditField::UpdatedAt));
        assert_eq!(kind("__updated__at__"), Some(AuditField::UpdatedAt));
        // Non-ASCII names compare with Unicode case mapping.
        assert_eq!(kind("GÉRÉ_PAR"), Some(AuditField::Other));
        assert_eq!(kind("createdAtX"), None);
        assert_eq!(kind("created"), None);
        assert_eq!(kind("geréPar"), None);
    }

    #[test]
    fn every_rule_has_a_complete_manual() {
        for rule in ALL_RULES {
            let doc = rule.doc();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## Fix safety",
            ] {
                assert!(doc.contains(heading), "{} lacks `{heading}`", rule.code);
            }
            assert!(!rule.summary().is_empty(), "{}", rule.code);
        }
    }

    #[test]
    fn codes_and_names_are_unique_and_sorted() {
        let codes: Vec<_> = ALL_RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        let mut names: Vec<_> = ALL_RULES.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL_RULES.len());
    }

    #[test]
    fn selectors() {
        let r = &sl001_syntax_error::SYNTAX_ERROR;
        assert!(
            r.matches("SL001") && r.matches("SL0") && r.matches("sl") && r.matches("syntax-error")
        );
        assert!(r.matches("ALL"));
        assert!(!r.matches("SL1") && !r.matches("") && !r.matches("SL0011"));
    }
}

/// `docs/rules.md`, generated from the rules' manuals.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from the rule doc comments by `UPDATE_EXPECT=1 cargo test -p schemalint-analysis rules_doc`. Do not edit. -->\n\n| code | name | default severity | fix |\n|---|---|---|---|\n",
    );
    for r in ALL_RULES {
        let fix = match r.fix {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Sometimes => "safe or unsafe",
        };
        out += &format!(
            "| [{}](#{}) | `{}` | {} | {fix} |\n",
            r.code,
            r.code.to_lowercase(),
            r.name,
            r.default_severity.as_str()
        );
    }
    for r in ALL_RULES {
        let doc = r.doc().replace("\n## ", "\n### ");
        let doc = doc
            .strip_prefix("## ")
            .map_or(doc.clone(), |d| format!("### {d}"));
        out += &format!(
            "\n## {}\n\n`{}` · default severity: {}\n\n{}\n",
            r.code,
            r.name,
            r.default_severity.as_str(),
            doc.trim_end()
        );
    }
    out
}

#[cfg(test)]
mod docs {
    #[test]
    fn rules_doc_is_current() {
        expect_test::expect_file!["../../../../docs/rules.md"].assert_eq(&super::rules_markdown());
    }
}
