//! Runs the rules and applies the configuration to what they find.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::db::{Db, FileKind, SourceFile};
use crate::diagnostic::Diagnostic;
use crate::rules::{self, Rule};
use crate::semantic::ModelId;
use crate::{model_findings, semantic, suppression, workspace_findings};

/// Findings of rules, grouped by the file they are anchored in and in the
/// order [`file_diagnostics`] gives them, so each file finds its own in
/// one lookup and, when nothing filters them, shares them as they are.
type ByFile = FxHashMap<SourceFile, Arc<Vec<Diagnostic>>>;

fn group(mut out: Vec<Diagnostic>) -> Arc<ByFile> {
    // Findings of one file (a schema in one file: the usual case) are
    // sorted where they stand. Moving thousands of them into a list per
    // file copied every one of them on every keystroke.
    if let Some(file) = out.first().map(|d| d.file) {
        if out.iter().all(|d| d.file == file) {
            out.sort_by(in_file_order);
            return Arc::new(std::iter::once((file, Arc::new(out))).collect());
        }
    }
    let mut by_file = FxHashMap::<SourceFile, Vec<Diagnostic>>::default();
    for d in out {
        by_file.entry(d.file).or_default().push(d);
    }
    Arc::new(
        by_file
            .into_iter()
            .map(|(file, mut found)| {
                found.sort_by(in_file_order);
                (file, Arc::new(found))
            })
            .collect(),
    )
}

/// The order of a file's diagnostics: by position, then by code. The sort
/// is stable, so findings of one rule at one place keep the rule's order.
fn in_file_order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.range.start, a.rule.code).cmp(&(b.range.start, b.rule.code))
}

/// From this many models on, the rules run on all cores.
const PARALLEL_RULES_FROM: usize = 500;

/// The model rules take the models in slices of this many, so the slices
/// and the workspace rules spread evenly over the cores.
const MODELS_PER_JOB: usize = 1000;

/// A unit of the rules' work that one thread does.
enum Job<'a> {
    /// Models, the first of them at this position of the schema's.
    Models(usize, &'a [ModelId]),
    Workspace(rules::WorkspaceRule),
}

/// Findings of the rules that read the semantic model of the schema.
#[salsa::tracked(returns(ref))]
pub(crate) fn schema_diagnostics(db: &dyn Db) -> Arc<ByFile> {
    let schema = semantic::schema(db);
    let config = db.workspace().config(db);
    let ctx = rules::Ctx {
        schema,
        config,
        audit_models: &semantic::config_globs(db).audit_models,
    };
    // A one-shot run (`check`) finds no cache and keeps none; an editing
    // session keeps the model rules' findings from its second run on.
    let env = model_findings::Env::of(&ctx, config);
    let previous = db.take_model_findings().map(|cache| cache.under(&env));
    // The workspace rules run only when the edit changed what they read
    // (see `workspace_findings`); otherwise their last findings move.
    let texts: Vec<(SourceFile, Arc<str>)> = schema
        .schema_files
        .iter()
        .map(|&file| (file, file.text(db).clone()))
        .collect();
    let previous_workspace = db.take_workspace_findings();
    let moved = previous_workspace
        .as_ref()
        .and_then(|cache| cache.moved_to(db, config, schema, &texts));
    let mut jobs: Vec<Job<'_>> = schema
        .models
        .chunks(MODELS_PER_JOB)
        .enumerate()
        .map(|(k, models)| Job::Models(k * MODELS_PER_JOB, models))
        .collect();
    if moved.is_none() {
        jobs.extend(
            rules::WORKSPACE_RULES
                .iter()
                .map(|&rule| Job::Workspace(rule)),
        );
    }
    // The jobs are independent, so on a large schema they run on all
    // cores; their findings are joined in job order, as one thread would
    // give them. On a small one the threads cost more than they save: on
    // cal.com (84 models) the editor's p95 was worse with them.
    let per_thread = if schema.models.len() >= PARALLEL_RULES_FROM {
        1
    } else {
        usize::MAX
    };
    let done = crate::parallel_map(&jobs, per_thread, |job| {
        let mut out = Vec::new();
        let kept = match job {
            Job::Models(first, models) => {
                model_findings::run(&ctx, *first, models, previous.as_ref(), &mut out)
            }
            Job::Workspace(rule) => {
                rule(&ctx, &mut out);
                Vec::new()
            }
        };
        (out, kept)
    });
    let mut out = Vec::new();
    let mut kept = Vec::new();
    let mut workspace_found = Vec::new();
    for ((found, entries), job) in done.into_iter().zip(&jobs) {
        match job {
            Job::Models(..) => out.extend(found),
            Job::Workspace(_) => workspace_found.push(found),
        }
        kept.extend(entries);
    }
    let workspace_found = moved.unwrap_or(workspace_found);
    // Like the model rules' cache, this one is kept from a session's
    // second run on: a one-shot run copies nothing.
    let keep = if previous_workspace.is_some() {
        out.extend(workspace_found.iter().flatten().cloned());
        Some(workspace_found)
    } else {
        out.extend(workspace_found.into_iter().flatten());
        None
    };
    drop(previous);
    db.put_model_findings(model_findings::ModelFindingsCache::new(env, kept));
    drop(previous_workspace);
    db.put_workspace_findings(workspace_findings::WorkspaceFindingsCache::new(
        config.clone(),
        schema.clone(),
        texts,
        keep,
    ));
    rules::LOCK_RULE(db, &ctx, &mut out);
    debug_assert!(
        out.iter()
            .all(|d| !matches!(d.file.kind(db), FileKind::Migration | FileKind::Down)),
        "schema rules must not anchor findings in migration SQL; file_diagnostics skips them there"
    );
    group(out)
}

/// Findings of the rules that read migrations only. Kept apart from
/// [`schema_diagnostics`] so typing in a schema does not analyse every
/// migration again, nor re-run the diagnostics of every SQL file.
#[salsa::tracked(returns(ref))]
pub(crate) fn migration_diagnostics(db: &dyn Db) -> Arc<ByFile> {
    let mut out = Vec::new();
    for rule in rules::MIGRATION_RULES {
        rule(db, &mut out);
    }
    debug_assert!(
        out.iter()
            .all(|d| matches!(d.file.kind(db), FileKind::Migration | FileKind::Down)),
        "migration rules must anchor findings in migration SQL; file_diagnostics of other files skips them"
    );
    group(out)
}

/// The final diagnostics of one file. Backdated when unchanged, so the
/// language server can tell which files need new diagnostics. Shared, so
/// callers that keep them (the language server, between rounds) need not
/// copy them.
#[salsa::tracked(returns(ref))]
pub(crate) fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let mut syntax = Vec::new();
    if file.kind(db) == FileKind::Schema {
        rules::sl001_syntax_error::check(db, file, &mut syntax);
    }
    // Each file reads only the half of the rules that can anchor findings
    // in it. A schema file that read the migration half would, after every
    // keystroke, wait for salsa to check that none of hundreds of
    // migrations changed before its own diagnostics could go out.
    let found = match file.kind(db) {
        FileKind::Migration | FileKind::Down => migration_diagnostics(db).get(&file),
        FileKind::Schema | FileKind::MigrationLock => schema_diagnostics(db).get(&file),
    };
    let config = db.workspace().config(db);
    let suppressions = suppression::suppressions(db, file);
    let untouched = syntax.is_empty()
        && config.rules.select.is_empty()
        && config.rules.ignore.is_empty()
        && config.rules.severity.is_empty()
        && *suppressions == suppression::Suppressions::default();
    if untouched {
        // Nothing to add, drop or change: share the rules' own list. Copying
        // every diagnostic, and freeing the copies after the next keystroke,
        // was 6% of the language server's time on cal.com.
        return found.cloned().unwrap_or_default();
    }
    let mut out = syntax;
    out.extend(found.into_iter().flat_map(|f| f.iter()).cloned());
    out.retain(|d| is_enabled(&config.rules, d.rule));
    if *suppressions != suppression::Suppressions::default() {
        let index = crate::db::line_index(db, file);
        out.retain(|d| !suppressions.is_suppressed(index.line_of(d.range.start), d));
    }
    for d in &mut out {
        if let Some(sev) = config
            .rules
            .severity
            .get(d.rule.code)
            .or_else(|| config.rules.severity.get(d.rule.name))
        {
            d.severity = (*sev).into();
        }
    }
    out.sort_by(in_file_order);
    Arc::new(out)
}

fn is_enabled(rules: &crate::config::RulesConfig, rule: &Rule) -> bool {
    let selected = rules.select.is_empty() || rules.select.iter().any(|s| rule.matches(s));
    selected && !rules.ignore.iter().any(|s| rule.matches(s))
}
