//! Findings of the workspace rules, kept between runs of an editing session.
//!
//! The workspace rules ([`rules::WORKSPACE_RULES`]) relate models to each
//! other, so they read the whole schema: on 10,000 models they were half
//! of a keystroke's rule time, although most keystrokes (in a comment, in
//! a default value, in a field's spacing) change nothing they can see. So
//! the last run's findings are kept with the schema and the texts they
//! came from, and reused, moved to their new places, when the new schema
//! is the old one with its positions moved by the edit and nothing else
//! changed.
//!
//! "Moved by the edit" is exact: each file's edit is found by comparing
//! its old and new text ([`TextChange`]), every position of the old schema
//! is carried through it ([`Move`]), and the result must be the position
//! the new schema holds, for every range, offset and name of every model,
//! enum, datasource and generator; every other part (names, types,
//! attributes, documentation, modules, resolved field types, relations)
//! must be equal. A rule's findings are built from those parts and their
//! positions, so carrying each finding's positions through the same edit
//! gives what the rule would find again. `tests/workspace_findings.rs`
//! checks that over thousands of random edits against a fresh run. A
//! position the edit cannot carry (one inside replaced text) voids the
//! reuse, and the rules run.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use schemalint_syntax::{TextChange, TextRange};

use crate::config::Config;
use crate::db::{Db, SourceFile};
use crate::diagnostic::{Diagnostic, Edit};
use crate::items::{
    DatasourceItem, EnumItem, FieldItem, Ident, IndexItem, InsertPoint, ModelData, ModelItem,
    RelIdent, RelOffset, RelRange, RelationItem,
};
use crate::semantic::{DeclsAlike, Schema};

/// What the workspace rules found in the last run, and what from.
pub struct WorkspaceFindingsCache {
    config: Arc<Config>,
    schema: Arc<Schema>,
    /// The texts of the schema files. Held, so that a text compared by
    /// address stays the one it was.
    texts: Vec<(SourceFile, Arc<str>)>,
    /// Each workspace rule's findings, in rule order. `None` after a
    /// session's first run, which keeps nothing, so that a one-shot
    /// `check` does not copy its findings.
    found: Option<Vec<Vec<Diagnostic>>>,
}

impl std::fmt::Debug for WorkspaceFindingsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rules = self.found.as_ref().map_or(0, Vec::len);
        write!(f, "WorkspaceFindingsCache({rules} rules)")
    }
}

impl WorkspaceFindingsCache {
    pub(crate) fn new(
        config: Arc<Config>,
        schema: Arc<Schema>,
        texts: Vec<(SourceFile, Arc<str>)>,
        found: Option<Vec<Vec<Diagnostic>>>,
    ) -> Self {
        WorkspaceFindingsCache {
            config,
            schema,
            texts,
            found,
        }
    }

    /// Each workspace rule's findings in `schema` (over `texts`, its
    /// files' texts in the same order as last time), if they are the last
    /// run's moved by the edit; `None` when the rules must run.
    pub(crate) fn moved_to(
        &self,
        db: &dyn Db,
        config: &Arc<Config>,
        schema: &Schema,
        texts: &[(SourceFile, Arc<str>)],
    ) -> Option<Vec<Vec<Diagnostic>>> {
        let found = self.found.as_ref()?;
        if !(Arc::ptr_eq(&self.config, config) || self.config == *config) {
            return None;
        }
        if texts.len() != self.texts.len() {
            return None;
        }
        let mut moves = FxHashMap::default();
        for ((file, new), (old_file, old)) in texts.iter().zip(&self.texts) {
            if file != old_file {
                return None;
            }
            let change = (!Arc::ptr_eq(new, old)).then(|| crate::db::text_change(db, *file, old));
            moves.insert(*file, Move(change));
        }
        let move_of = |file: SourceFile| moves.get(&file).copied();
        let alike = DeclsAlike {
            model: &|file, old, new| move_of(file).is_some_and(|mv| model_moved(mv, old, new)),
            enum_: &|file, old, new| move_of(file).is_some_and(|mv| enum_moved(mv, old, new)),
            datasource: &|file, old, new| {
                move_of(file).is_some_and(|mv| datasource_moved(mv, old, new))
            },
            generator: &|file, old, new| move_of(file).is_some_and(|mv| ident_moved(mv, old, new)),
        };
        if !schema.same_but_moved(&self.schema, &alike) {
            return None;
        }
        found
            .iter()
            .map(|found| found.iter().map(|d| moved(d, &move_of)).collect())
            .collect()
    }
}

/// One file's edit, carrying old positions to new ones; `Move(None)` when
/// the text is the same. A position before the edit stays and one after it
/// moves with the text. Where text replaced other text, a position at its
/// start stays and one at its end moves to the end of the new text; one
/// inside it has no new place. Where text was only inserted, a position
/// at that point may have stayed before the insertion or moved after it
/// (a range ending there may or may not have grown), so the schema may
/// hold either, and a finding there has no new place.
#[derive(Clone, Copy)]
struct Move(Option<TextChange>);

impl Move {
    /// Where the old position `offset` is in the new text, when that is
    /// certain.
    fn offset(self, offset: usize) -> Option<usize> {
        let Some(c) = self.0 else {
            return Some(offset);
        };
        let replaced = c.start < c.old_end;
        if offset < c.start || (offset == c.start && replaced) {
            Some(offset)
        } else if offset > c.old_end || (offset == c.old_end && replaced) {
            Some(offset - c.old_end + c.new_end)
        } else {
            None
        }
    }

    /// Whether the old position `old` may be `new` after the edit.
    fn holds(self, old: usize, new: usize) -> bool {
        match (self.offset(old), self.0) {
            (Some(at), _) => at == new,
            (None, Some(c)) => c.start == c.old_end && (new == c.start || new == c.new_end),
            (None, None) => false,
        }
    }

    fn holds_range(self, old: TextRange, new: TextRange) -> bool {
        self.holds(old.start, new.start) && self.holds(old.end, new.end)
    }

    /// `r` in the new text, when both ends are certain.
    fn range(self, r: TextRange) -> Option<TextRange> {
        let (start, end) = (self.offset(r.start)?, self.offset(r.end)?);
        Some(TextRange::new(start, end))
    }
}

/// `d` with every position carried through its file's move; `None` when
/// one has no new place, or lies in a file that is not a schema file.
fn moved(d: &Diagnostic, move_of: &impl Fn(SourceFile) -> Option<Move>) -> Option<Diagnostic> {
    let mut d = d.clone();
    d.range = move_of(d.file)?.range(d.range)?;
    for related in &mut d.related {
        related.range = move_of(related.file)?.range(related.range)?;
    }
    for edit in d.fix.iter_mut().flat_map(|f| &mut f.edits) {
        if let Edit::Replace { file, range, .. } = edit {
            *range = move_of(*file)?.range(*range)?;
        }
    }
    Some(d)
}

/// Whether `new` is `old` moved by `mv`.
fn model_moved(mv: Move, old: &ModelItem, new: &ModelItem) -> bool {
    // The same data, so the same text: the model lies wholly before or
    // wholly after the edit, and moves as a block.
    if Arc::ptr_eq(old.data(), new.data()) {
        return mv.holds(old.base(), new.base()) && mv.holds_range(old.range(), new.range());
    }
    let at = At { mv, old, new };
    old.data().alike(new.data(), &at)
}

fn enum_moved(mv: Move, old: &EnumItem, new: &EnumItem) -> bool {
    let EnumItem {
        name,
        range,
        docs,
        values,
        map,
        schema,
    } = new;
    ident_moved(mv, &old.name, name)
        && mv.holds_range(old.range, *range)
        && old.docs == *docs
        && old.values.len() == values.len()
        && old
            .values
            .iter()
            .zip(values)
            .all(|(a, b)| ident_moved(mv, a, b))
        && old.map == *map
        && match (&old.schema, schema) {
            (None, None) => true,
            (Some((a, r)), Some((b, s))) => a == b && mv.holds_range(*r, *s),
            _ => false,
        }
}

fn datasource_moved(mv: Move, old: &DatasourceItem, new: &DatasourceItem) -> bool {
    let DatasourceItem {
        name,
        range,
        provider,
        relation_mode,
        schemas,
    } = new;
    ident_moved(mv, &old.name, name)
        && mv.holds_range(old.range, *range)
        && match (&old.provider, provider) {
            (None, None) => true,
            (Some((a, r)), Some((b, s))) => a == b && mv.holds_range(*r, *s),
            _ => false,
        }
        && old.relation_mode == *relation_mode
        && old.schemas.len() == schemas.len()
        && old
            .schemas
            .iter()
            .zip(schemas)
            .all(|(a, b)| ident_moved(mv, a, b))
}

fn ident_moved(mv: Move, old: &Ident, new: &Ident) -> bool {
    old.name == new.name && mv.holds_range(old.range, new.range)
}

/// A model's move: positions inside it count from its base, which may
/// differ between the two.
struct At<'a> {
    mv: Move,
    old: &'a ModelItem,
    new: &'a ModelItem,
}

impl At<'_> {
    fn range(&self, old: RelRange, new: RelRange) -> bool {
        self.mv.holds_range(self.old.abs(old), self.new.abs(new))
    }

    fn offset(&self, old: RelOffset, new: RelOffset) -> bool {
        self.mv
            .holds(self.old.abs_offset(old), self.new.abs_offset(new))
    }
}

/// Equality of a model's parts but for positions, which must be the old
/// ones moved. Each impl lists the type's fields whole, so that a field
/// added to the type must be added here.
trait Alike {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool;
}

impl Alike for RelRange {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        at.range(*self, *new)
    }
}

impl Alike for RelIdent {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        self.name == new.name && at.range(self.range, new.range)
    }
}

impl<T: Alike> Alike for Option<T> {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        match (self, new) {
            (None, None) => true,
            (Some(a), Some(b)) => a.alike(b, at),
            _ => false,
        }
    }
}

impl<T: Alike> Alike for Vec<T> {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        self.len() == new.len() && self.iter().zip(new).all(|(a, b)| a.alike(b, at))
    }
}

impl<T: Alike> Alike for Box<T> {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        (**self).alike(new, at)
    }
}

impl Alike for ModelData {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        let ModelData {
            name,
            kind,
            range,
            docs,
            fields,
            indexes,
            map,
            schema,
            block_attr_insert,
        } = new;
        self.name.alike(name, at)
            && self.kind == *kind
            && self.range.alike(range, at)
            && self.docs == *docs
            && self.fields.alike(fields, at)
            && self.indexes.alike(indexes, at)
            && self.map == *map
            && match (&self.schema, schema) {
                (None, None) => true,
                (Some((a, r)), Some((b, s))) => a == b && r.alike(s, at),
                _ => false,
            }
            && self.block_attr_insert.alike(block_attr_insert, at)
    }
}

impl Alike for FieldItem {
    /// A field's whole range is left out: no workspace rule reads it (it is
    /// where the model rules anchor findings on a field line), and it is
    /// what a half-typed token at the end of a field line changes, which
    /// would otherwise run every workspace rule on the keystroke that
    /// makes the syntax error and on the one that mends it.
    /// `a_stray_token_at_each_line_end_keeps_the_workspace_findings` types
    /// such tokens at every line end of the example workspace; a rule that
    /// came to read the range fails it.
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        let FieldItem {
            name,
            range: _,
            type_name,
            unsupported,
            arity,
            modifier_range,
            is_id,
            is_unique,
            updated_at,
            default,
            relation,
            attr_insert,
        } = new;
        self.name.alike(name, at)
            && self.type_name.alike(type_name, at)
            && self.unsupported == *unsupported
            && self.arity == *arity
            && self.modifier_range.alike(modifier_range, at)
            && self.is_id == *is_id
            && self.is_unique == *is_unique
            && self.updated_at == *updated_at
            && self.default == *default
            && self.relation.alike(relation, at)
            && at.offset(self.attr_insert, *attr_insert)
    }
}

impl Alike for RelationItem {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        let RelationItem {
            range,
            name,
            fields,
            references,
            on_delete,
            on_update,
        } = new;
        self.range.alike(range, at)
            && self.name == *name
            && self.fields.alike(fields, at)
            && self.references.alike(references, at)
            && self.on_delete.alike(on_delete, at)
            && self.on_update.alike(on_update, at)
    }
}

impl Alike for IndexItem {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        let IndexItem {
            kind,
            fields,
            range,
            line_range,
        } = new;
        self.kind == *kind
            && self.fields.alike(fields, at)
            && self.range.alike(range, at)
            && self.line_range.alike(line_range, at)
    }
}

impl Alike for InsertPoint {
    fn alike(&self, new: &Self, at: &At<'_>) -> bool {
        let InsertPoint {
            offset,
            prefix,
            suffix,
        } = new;
        at.offset(self.offset, *offset) && self.prefix == *prefix && self.suffix == *suffix
    }
}
