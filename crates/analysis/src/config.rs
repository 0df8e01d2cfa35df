//! `schemalint.toml`: the optional project configuration.
//!
//! Parsing is pure (text in, [`Config`] or [`ConfigError`] out); finding and
//! reading the file is the caller's job. Every key has a default, and unknown
//! keys are errors, so a typo never silently disables a rule.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Severity;

#[derive(Clone, PartialEq, Eq, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Config {
    /// Globs of schema files, relative to the workspace root. Empty means
    /// the default discovery order.
    pub schema: Vec<String>,
    pub modules: BTreeMap<String, ModuleConfig>,
    pub rules: RulesConfig,
    pub audit: AuditConfig,
    pub cascade: CascadeConfig,
    pub migrations: MigrationsConfig,
}

/// `[modules.<name>]`: which files form a module, which db schemas it owns
/// and which modules it may depend on.
#[derive(Clone, PartialEq, Eq, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ModuleConfig {
    pub files: Vec<String>,
    pub db_schemas: Vec<String>,
    pub depends_on: Option<Vec<String>>,
}

/// `[rules]`: which rules run and at which severity.
#[derive(Clone, PartialEq, Eq, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RulesConfig {
    /// Codes, code prefixes (`SL1`) or rule names to run. Empty means all.
    pub select: Vec<String>,
    /// Codes, code prefixes or rule names to skip.
    pub ignore: Vec<String>,
    /// Per-rule severity overrides: `SL101 = "error"`.
    pub severity: BTreeMap<String, SeverityName>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Info,
    Warning,
    Error,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Severity {
        match s {
            SeverityName::Info => Severity::Info,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Error => Severity::Error,
        }
    }
}

/// `[audit]`: what counts as an audit field and an audit model.
#[derive(Clone, PartialEq, Eq, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct AuditConfig {
    pub fields: Vec<String>,
    pub models: Vec<String>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            fields: ["createdAt", "createdBy", "updatedAt", "updatedBy"]
                .map(String::from)
                .to_vec(),
            models: ["*Audit*", "*History"].map(String::from).to_vec(),
        }
    }
}

/// `[cascade]`: limits for cascading deletes.
#[derive(Clone, PartialEq, Eq, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct CascadeConfig {
    pub max_depth: u32,
}

impl Default for CascadeConfig {
    fn default() -> Self {
        CascadeConfig { max_depth: 3 }
    }
}

/// `[migrations]`: where migrations live and which files beside
/// `migration.sql` count as its rollback.
#[derive(Clone, PartialEq, Eq, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct MigrationsConfig {
    /// The migrations folder, relative to the workspace root.
    pub path: Option<String>,
    pub down: Vec<String>,
}

impl Default for MigrationsConfig {
    fn default() -> Self {
        MigrationsConfig {
            path: None,
            down: ["down.sql", "rollback.sql", "migration.down.sql"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// A configuration file that could not be used.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConfigError {
    pub message: String,
    /// 1-based line of the offending key or value, when known.
    pub line: Option<usize>,
    pub range: Option<std::ops::Range<usize>>,
}

impl Config {
    /// Parses `schemalint.toml` text and validates what serde cannot.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let range = e.span();
            let line = range
                .as_ref()
                .map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            ConfigError {
                message: e.message().trim().to_string(),
                line,
                range,
            }
        })?;
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), ConfigError> {
        let at = |needle: &str| {
            let start = text.find(needle)?;
            Some((
                text[..start].matches('\n').count() + 1,
                start..start + needle.len(),
            ))
        };
        let globs = self
            .schema
            .iter()
            .chain(self.audit.models.iter())
            .chain(self.modules.values().flat_map(|m| m.files.iter()));
        for glob in globs {
            if let Err(e) = globset::Glob::new(glob) {
                let (line, range) = at(glob).unzip();
                return Err(ConfigError {
                    message: format!("invalid glob `{glob}`: {}", e.kind()),
                    line,
                    range,
                });
            }
        }
        for (name, module) in &self.modules {
            for dep in module.depends_on.iter().flatten() {
                if !self.modules.contains_key(dep) {
                    let (line, range) = at(&format!("\"{dep}\"")).unzip();
                    return Err(ConfigError {
                        message: format!("module `{name}` depends on `{dep}`, which is not a module in [modules]"),
                        line,
                        range,
                    });
                }
            }
        }
        if self.cascade.max_depth == 0 {
            let (line, range) = at("max-depth").unzip();
            return Err(ConfigError {
                message: "`cascade.max-depth` must be at least 1".into(),
                line,
                range,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_default() {
        assert_eq!(Config::from_toml("").unwrap(), Config::default());
    }

    #[test]
    fn reads_every_section() {
        let c = Config::from_toml(
            r#"
schema = ["src/*/schema.prisma"]

[modules.core]
files = ["src/core/**"]
db-schemas = ["core", "public"]

[modules.lims]
files = ["src/lims/**"]
depends-on = ["core"]

[rules]
select = ["SL1", "SL2"]
ignore = ["SL102"]
severity = { SL101 = "error" }

[audit]
fields = ["createdAt"]
models = ["*Log"]

[cascade]
max-depth = 2

[migrations]
path = "db/migrations"
down = ["down.sql"]
"#,
        )
        .unwrap();
        assert_eq!(
            c.modules["lims"].depends_on.as_deref(),
            Some(&["core".to_string()][..])
        );
        assert_eq!(c.rules.severity["SL101"], SeverityName::Error);
        assert_eq!(c.cascade.max_depth, 2);
        assert_eq!(c.migrations.down, ["down.sql"]);
        assert_eq!(c.migrations.path.as_deref(), Some("db/migrations"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::from_toml("[rules]\nselect = []\nignroe = [\"SL101\"]\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("ignroe"), "{}", err.message);
    }

    #[test]
    fn bad_value_names_line() {
        let err = Config::from_toml("[cascade]\nmax-depth = \"deep\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        let err = Config::from_toml("[rules.severity]\nSL101 = \"fatal\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        let err = Config::from_toml("[modules.a]\ndepends-on = [\"b\"]\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("`b`"));
    }
}
