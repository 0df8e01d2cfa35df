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
        format!(
            "{}/blob/main/docs/rules.md#{}",
            env!("CARGO_PKG_REPOSITORY"),
            self.code.to_lowercase()
        )
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
pub static ALL_RULES: &[&Rule] = &[&sl001_syntax_error::SYNTAX_ERROR];

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
