//! Diagnostics as plain data, shared by `check` and the language server.

use std::sync::Arc;

use smallvec::SmallVec;

use schemalint_syntax::TextRange;

use crate::db::SourceFile;
use crate::rules::Rule;

/// How serious a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Whether a fix can be applied without review.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Applicability {
    /// Keeps the meaning of the schema and its data; `--fix` applies it.
    Safe,
    /// Changes data or migration behaviour; needs `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One change a fix makes.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Edit {
    /// Replace `range` of an existing file with `content`.
    Replace {
        file: SourceFile,
        range: TextRange,
        content: Arc<str>,
    },
    /// Create a new file at a workspace-relative path.
    Create { path: String, content: Arc<str> },
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Fix {
    pub title: Arc<str>,
    pub applicability: Applicability,
    /// Inline when there is one, as for every fix of a model rule: a large
    /// schema's findings are copied on every keystroke (each placed where
    /// its model now is), and a list on the heap per fix was an
    /// allocation and a free per finding.
    pub edits: SmallVec<[Edit; 1]>,
}

/// Another place that explains a finding.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Related {
    pub file: SourceFile,
    pub range: TextRange,
    pub message: Arc<str>,
}

/// Hints for editors about how to render a finding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Tag {
    /// The flagged code can be removed (rendered faded).
    Unnecessary,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: Arc<str>,
    pub file: SourceFile,
    pub range: TextRange,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    pub tags: Vec<Tag>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static Rule,
        file: SourceFile,
        range: TextRange,
        message: impl Into<Arc<str>>,
    ) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            file,
            range,
            related: Vec::new(),
            fix: None,
            tags: Vec::new(),
        }
    }

    pub fn with_related(
        mut self,
        file: SourceFile,
        range: TextRange,
        message: impl Into<Arc<str>>,
    ) -> Self {
        self.related.push(Related {
            file,
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }
}
