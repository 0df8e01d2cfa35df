//! Reads the `schema` and `migrations.path` string literals of Prisma 7's
//! `prisma.config.ts`. This is a scan for `key: "literal"`, not a TypeScript
//! parse: a config that computes its paths cannot be followed, and says so.

use std::path::{Path, PathBuf};

use crate::DiscoverError;

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct PrismaConfig {
    pub(crate) schema: Option<String>,
    pub(crate) migrations: Option<String>,
}

const NAMES: &[&str] = &[
    "prisma.config.ts",
    "prisma.config.mts",
    "prisma.config.js",
    "prisma.config.mjs",
];

pub(crate) fn find(root: &Path) -> Result<Option<(PathBuf, PrismaConfig)>, DiscoverError> {
    let Some(path) = NAMES.iter().map(|n| root.join(n)).find(|p| p.is_file()) else {
        return Ok(None);
    };
    let text = crate::read_text(&path).map_err(|message| DiscoverError::PrismaConfig {
        path: path.clone(),
        message,
    })?;
    Ok(Some((path, scan(&text))))
}

fn scan(text: &str) -> PrismaConfig {
    let schema = string_after_key(text, "schema");
    let migrations = find_key(text, "migrations").and_then(|at| {
        let rest = &text[at..];
        let block = rest
            .find('{')
            .map(|open| &rest[open..rest[open..].find('}').map_or(rest.len(), |c| open + c)]);
        block.and_then(|b| string_after_key(b, "path"))
    });
    PrismaConfig { schema, migrations }
}

/// Byte offset just after `key` followed by optional spaces and `:`.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(key) {
        let start = from + pos;
        let end = start + key.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '.');
        let after = text[end..].trim_start();
        if before_ok && after.starts_with(':') {
            return Some(end + (text[end..].len() - after.len()) + 1);
        }
        from = end;
    }
    None
}

fn string_after_key(text: &str, key: &str) -> Option<String> {
    let at = find_key(text, key)?;
    let rest = text[at..].trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(body[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_literals() {
        let c = scan("export default defineConfig({ schema: \"prisma/schema\", migrations: { seed: 'tsx x', path: 'prisma/m' } })");
        assert_eq!(
            c,
            PrismaConfig {
                schema: Some("prisma/schema".into()),
                migrations: Some("prisma/m".into())
            }
        );
    }

    #[test]
    fn computed_paths_are_absent() {
        let c = scan("export default { schema: path.join(__dirname, 'x') }");
        assert_eq!(c, PrismaConfig::default());
    }
}
