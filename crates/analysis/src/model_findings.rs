//! Findings of the model rules, kept between runs of an editing session.
//!
//! Most rules read one model at a time ([`rules::MODEL_RULES`]). What they
//! find in a model depends on the model itself, on the configuration and
//! the datasource, and on what each of the model's field types resolves
//! to. A keystroke usually changes one model, and the lowering cache hands
//! every other model back as the same shared [`ModelData`], so their
//! findings are kept as well: stored relative to the model's start, and
//! placed again wherever the model is now.
//!
//! A model's findings are reused only when all of these are what they
//! were: the configuration, the datasource's provider and relation mode
//! ([`Env`]); the model's data (the same allocation, so the same text);
//! and, field by field, whether the type resolves, and to which model's
//! data ([`Dep`]). No text is hashed: allocations are compared, and each
//! entry keeps its allocations alive so that an address cannot be reused
//! by another model while the entry holds it. The entries are kept in the
//! order of the models, and a run reads them in that order, looking for
//! each model where it was: on 10,000 models a hash map lookup per model
//! cost a fifth of this module's time in cache misses.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use schemalint_syntax::TextRange;

use crate::config::Config;
use crate::db::SourceFile;
use crate::diagnostic::{Diagnostic, Edit};
use crate::items::ModelData;
use crate::rules::{self, Ctx};
use crate::semantic::{Decl, ModelId, Target};

/// The findings of the last run, by model. Holds only the models of that
/// run, in their order then.
pub struct ModelFindingsCache {
    env: Env,
    entries: Vec<(Key, Arc<Entry>)>,
    /// Where each key is in `entries`. Models keep their order, so a run
    /// finds almost every model at or near its old position, reading the
    /// entries in order; this map is built only when a run loses track
    /// (many models added or removed at one place).
    index: OnceLock<FxHashMap<Key, usize>>,
}

/// How far from where its model was expected an entry is looked for
/// before the index is.
const NEAR: usize = 8;

impl std::fmt::Debug for ModelFindingsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ModelFindingsCache({} models)", self.entries.len())
    }
}

/// What every model rule may read besides its model and the declarations
/// its field types name.
#[derive(Clone, PartialEq)]
pub(crate) struct Env {
    config: Arc<Config>,
    provider: Option<String>,
    relation_mode_prisma: bool,
}

impl Env {
    pub(crate) fn of(ctx: &Ctx<'_>, config: &Arc<Config>) -> Env {
        Env {
            config: config.clone(),
            provider: ctx.schema.provider().map(str::to_string),
            relation_mode_prisma: ctx.schema.relation_mode_prisma(),
        }
    }
}

/// A model: its file and the address of its data.
type Key = (SourceFile, usize);

fn key(file: SourceFile, data: &Arc<ModelData>) -> Key {
    (file, Arc::as_ptr(data) as usize)
}

/// A model's findings and what they were computed from. Shared between
/// runs, so that keeping it costs one count and not one per part.
pub(crate) struct Entry {
    /// Keeps the data alive, so that its address in the key stays its own.
    data: Arc<ModelData>,
    /// What each field's type resolved to.
    deps: Arc<[Dep]>,
    /// Every range counted from the model's base. `None` when a finding
    /// reached outside the model, which a model rule must not do; such a
    /// model is computed again on every run.
    found: Option<Arc<[Diagnostic]>>,
}

/// What a field's type resolved to, as far as a model rule can tell.
#[derive(Clone)]
enum Dep {
    /// A scalar, or nothing: the same to every model rule.
    Unresolved,
    Enum,
    /// A model, view or composite type, by its data.
    Model(Arc<ModelData>),
}

impl Dep {
    fn of(ctx: &Ctx<'_>, decl: Option<Decl>) -> Dep {
        match decl {
            None => Dep::Unresolved,
            Some(Decl::Enum(_)) => Dep::Enum,
            Some(Decl::Model(id)) => Dep::Model(ctx.schema.model(id).data().clone()),
        }
    }

    /// Whether a field still names what it named: the same model is the
    /// same allocation, which this dependency holds, so no other model can
    /// take its address.
    fn is(&self, target: Target) -> bool {
        match (self, target) {
            (Dep::Unresolved, Target::Unresolved) | (Dep::Enum, Target::Enum) => true,
            (Dep::Model(data), Target::Model(addr)) => crate::semantic::data_addr(data) == addr,
            _ => false,
        }
    }
}

impl ModelFindingsCache {
    pub(crate) fn new(env: Env, entries: Vec<(Key, Arc<Entry>)>) -> Self {
        ModelFindingsCache {
            env,
            entries,
            index: OnceLock::new(),
        }
    }

    /// The position of `key`'s entry, looked for around `near` and, with
    /// `far`, anywhere.
    fn find(&self, key: &Key, near: usize, far: bool) -> Option<usize> {
        let around = near.saturating_sub(NEAR)..(near + NEAR + 1).min(self.entries.len());
        if let Some(k) = around.into_iter().find(|&k| self.entries[k].0 == *key) {
            return Some(k);
        }
        if !far {
            return None;
        }
        let index = self.index.get_or_init(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(k, (key, _))| (*key, k))
                .collect()
        });
        index.get(key).copied()
    }

    /// The cache if it was filled under `env`, else an empty one: a
    /// change of the configuration or the datasource voids every entry.
    pub(crate) fn under(self, env: &Env) -> Self {
        if self.env == *env {
            self
        } else {
            ModelFindingsCache::new(env.clone(), Vec::new())
        }
    }
}

/// Runs the model rules over `models`, which start at position `first` of
/// the schema's models. With `previous` (an editing session), reuses what
/// it holds for models and dependencies that did not change, and returns
/// the entries for the next run as well, in order; without it (a one-shot
/// run), keeps nothing.
pub(crate) fn run(
    ctx: &Ctx<'_>,
    first: usize,
    models: &[ModelId],
    previous: Option<&ModelFindingsCache>,
    out: &mut Vec<Diagnostic>,
) -> Vec<(Key, Arc<Entry>)> {
    let mut next = Vec::with_capacity(if previous.is_some() { models.len() } else { 0 });
    // Room for a finding per model, a little more than the 10,000-model
    // benchmark schema has: grown by doubling, the list was copied several
    // times per keystroke.
    out.reserve(models.len());
    // How far the models have moved from their old positions, as of the
    // last one found; and how many in a row were not found near where
    // they were expected. One such model is the edited one; a second in a
    // row means the models moved, and the index finds them again.
    let mut shift = 0isize;
    let mut lost = 0;
    for (i, &id) in models.iter().enumerate() {
        let Some(previous) = previous else {
            check_model(ctx, id, out);
            continue;
        };
        let model = ctx.schema.model(id);
        let key = key(id.file, model.data());
        let at = first + i;
        let near = at.saturating_add_signed(shift);
        let found = previous.find(&key, near, lost >= 1);
        match found {
            Some(k) => {
                shift = k as isize - at as isize;
                lost = 0;
            }
            None => lost += 1,
        }
        let kept = found.map(|k| &previous.entries[k].1).filter(|entry| {
            debug_assert!(Arc::ptr_eq(&entry.data, model.data()));
            let targets = ctx.schema.field_targets(id);
            entry.deps.len() == targets.len()
                && targets
                    .zip(entry.deps.iter())
                    .all(|(target, dep)| dep.is(target))
        });
        if let Some(entry) = kept {
            match &entry.found {
                Some(found) => out.extend(found.iter().map(|d| shifted(d, 0, model.base()))),
                None => check_model(ctx, id, out),
            }
            next.push((key, entry.clone()));
            continue;
        }
        let mut found = Vec::new();
        check_model(ctx, id, &mut found);
        let span = TextRange::new(model.base(), model.range().end);
        let inside = found.iter().all(|d| within(d, id.file, span));
        debug_assert!(
            inside,
            "a model rule reached outside model `{}`",
            model.name.name
        );
        let entry = Arc::new(Entry {
            data: model.data().clone(),
            deps: ctx
                .schema
                .field_types(id)
                .map(|decl| Dep::of(ctx, decl))
                .collect(),
            found: inside.then(|| found.iter().map(|d| shifted(d, model.base(), 0)).collect()),
        });
        // Computed now, so already where the model is.
        out.append(&mut found);
        next.push((key, entry));
    }
    next
}

/// Every model rule's findings in the model `id`.
fn check_model(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    for rule in rules::MODEL_RULES {
        rule(ctx, id, out);
    }
}

/// Whether every place a diagnostic names is in `file`, inside `span`.
fn within(d: &Diagnostic, file: SourceFile, span: TextRange) -> bool {
    let inside =
        |f: SourceFile, r: TextRange| f == file && span.start <= r.start && r.end <= span.end;
    inside(d.file, d.range)
        && d.related.iter().all(|r| inside(r.file, r.range))
        && d.fix.iter().flat_map(|f| &f.edits).all(|e| match e {
            Edit::Replace { file, range, .. } => inside(*file, *range),
            Edit::Create { .. } => false,
        })
}

/// A copy of `d` with every range moved from counting at `from` to
/// counting at `to`. Only for diagnostics that [`within`] accepted.
fn shifted(d: &Diagnostic, from: usize, to: usize) -> Diagnostic {
    let at = |r: TextRange| TextRange::new(r.start - from + to, r.end - from + to);
    let mut d = d.clone();
    d.range = at(d.range);
    for related in &mut d.related {
        related.range = at(related.range);
    }
    for edit in d.fix.iter_mut().flat_map(|f| &mut f.edits) {
        if let Edit::Replace { range, .. } = edit {
            *range = at(*range);
        }
    }
    d
}
