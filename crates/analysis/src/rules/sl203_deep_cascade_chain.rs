use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::semantic::ModelId;

declare_rule! {
    /// ## What it does
    /// Reports a cascading relation at the end of a chain of cascades longer
    /// than `[cascade] max-depth` (default 3). The depth of a relation is 1
    /// plus the deepest cascade above its parent; a cycle counts once.
    ///
    /// ## Why is this bad?
    /// One `DELETE` at the root fans out through every level, locking and
    /// deleting rows in tables far from where the delete was written. Deep
    /// chains turn a routine cleanup into an outage or a data loss nobody
    /// reviewed.
    ///
    /// ## Example
    /// ```prisma
    /// // Organization <- Project <- Sample <- Aliquot <- Result, each with
    /// // onDelete: Cascade: deleting an organization deletes results.
    /// model Result {
    ///   id        String  @id
    ///   aliquotId String
    ///   aliquot   Aliquot @relation(fields: [aliquotId], references: [id], onDelete: Cascade)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Break the chain where data must outlive its parent, with `Restrict`
    /// (or `SetNull` on an optional relation), and delete explicitly.
    /// ```prisma
    /// model Result {
    ///   id        String  @id
    ///   aliquotId String
    ///   aliquot   Aliquot @relation(fields: [aliquotId], references: [id], onDelete: Restrict)
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: where to break the chain is a design decision.
    pub static DEEP_CASCADE_CHAIN = { code: "SL203", name: "deep-cascade-chain", severity: Warning, fix: None };
}

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let max = ctx.config.cascade.max_depth as usize;
    // Cascade parents of each model: the cascades of one model are next to
    // each other in the schema's list, so each model's are a range of it.
    let cascades = ctx.schema.cascades();
    let mut ranges: HashMap<ModelId, (usize, usize)> = HashMap::default();
    for (i, &(child, _, _)) in cascades.iter().enumerate() {
        let range = ranges.entry(child).or_insert((i, i));
        debug_assert_eq!(range.1, i, "the cascades of a model are contiguous");
        range.1 = i + 1;
    }
    let parents = Parents { cascades, ranges };
    let mut chains = Chains {
        parents: &parents,
        memo: HashMap::default(),
        saw_cycle: false,
    };
    for &(child_id, field, parent_id) in ctx.schema.cascades() {
        // The longest chain of cascades from a root down to `parent`.
        let (top, scratch) = chains.longest(parent_id);
        // Only a chain that is too deep is walked, and a cycle is looked
        // for only when the graph has one: the walk is as long as the chain.
        if top.len <= max {
            continue;
        }
        // A cycle counts once: the child closes it instead of repeating.
        // Only a self-relation or a graph with a cycle can close one, and
        // only then is the whole chain walked; otherwise the last links are
        // enough for the message.
        let closes_cycle = chains.saw_cycle || child_id == parent_id;
        let limit = if closes_cycle { usize::MAX } else { SHOWN + 1 };
        let tail = chains.walk(parent_id, top, &scratch, limit);
        if closes_cycle && tail.contains(&child_id) {
            continue;
        }
        let depth = if closes_cycle { tail.len() } else { top.len };
        if depth <= max {
            continue;
        }
        let name = |m: ModelId| ctx.schema.model(m).name.name.as_str();
        // Long chains are shortened in the message: the root, an ellipsis
        // and the last links, so a deep chain cannot make every finding on
        // it as long as the schema.
        let mut names: Vec<&str> = Vec::new();
        if tail.len() < depth || tail.len() > SHOWN + 1 {
            names.push(name(top.root));
            names.push("…");
            names.extend(
                tail[tail.len().saturating_sub(SHOWN)..]
                    .iter()
                    .map(|&m| name(m)),
            );
        } else {
            names.extend(tail.iter().map(|&m| name(m)));
        }
        names.push(name(child_id));
        let child = ctx.schema.model(child_id);
        let (field, on_delete) = ctx.schema.cascade_field(child_id, field);
        out.push(Diagnostic::new(
            &DEEP_CASCADE_CHAIN,
            child_id.file,
            child.abs(on_delete.range),
            format!(
                "`{}.{}` ends a cascade chain of depth {depth} (max {max}): deleting a `{}` row deletes down the chain {}",
                child.name.name,
                field.name.name,
                name(top.root),
                names.join(" → ")
            ),
        ));
    }
}

/// How many of the last models of a long chain a message names.
const SHOWN: usize = 6;

/// The best chain ending at a model: its length in models and the parent
/// it continues from.
#[derive(Clone, Copy)]
struct Link {
    len: usize,
    parent: Option<ModelId>,
    /// The first model of the chain.
    root: ModelId,
}

/// The models each model's cascades point at, in field order.
struct Parents<'a> {
    cascades: &'a [(ModelId, usize, ModelId)],
    ranges: HashMap<ModelId, (usize, usize)>,
}

impl Parents<'_> {
    /// The `n`th cascade parent of `model`.
    fn nth(&self, model: ModelId, n: usize) -> Option<ModelId> {
        let &(start, end) = self.ranges.get(&model)?;
        self.cascades[start..end]
            .get(n)
            .map(|&(_, _, parent)| parent)
    }
}

struct Chains<'a> {
    parents: &'a Parents<'a>,
    /// Links of models whose best chain did not depend on a cut cycle.
    memo: HashMap<ModelId, Link>,
    /// Whether some walk met a cycle.
    saw_cycle: bool,
}

/// A model being explored: which parent is next, and the best so far.
struct Frame {
    model: ModelId,
    next: usize,
    best: Link,
    cut: bool,
}

impl Chains<'_> {
    /// The best chain ending at `start`, plus the links of models on it
    /// that were not memoised (their chain depended on where a cycle was
    /// cut, so it is valid for this walk only). Iterative, so a chain of
    /// any depth cannot overflow the stack.
    fn longest(&mut self, start: ModelId) -> (Link, HashMap<ModelId, Link>) {
        let mut scratch = HashMap::default();
        if let Some(link) = self.memo.get(&start) {
            return (*link, scratch);
        }
        let mut on_path: HashSet<ModelId> = HashSet::default();
        on_path.insert(start);
        let mut stack = vec![Frame::new(start)];
        let mut returned: Option<(ModelId, Link, bool)> = None;
        loop {
            let Some(frame) = stack.last_mut() else {
                unreachable!("the loop returns when the first frame is done");
            };
            if let Some((parent, link, cut)) = returned.take() {
                frame.cut |= cut;
                if link.len + 1 > frame.best.len {
                    frame.best = Link {
                        len: link.len + 1,
                        parent: Some(parent),
                        root: link.root,
                    };
                }
            }
            if let Some(parent) = self.parents.nth(frame.model, frame.next) {
                frame.next += 1;
                if parent == frame.model {
                    continue;
                }
                if let Some(link) = self.memo.get(&parent) {
                    returned = Some((parent, *link, false));
                } else if on_path.contains(&parent) {
                    // A cycle: the model counts once, so nothing is added.
                    self.saw_cycle = true;
                    let nothing = Link {
                        len: 0,
                        parent: None,
                        root: parent,
                    };
                    returned = Some((parent, nothing, true));
                } else {
                    on_path.insert(parent);
                    stack.push(Frame::new(parent));
                }
                continue;
            }
            let Some(done) = stack.pop() else {
                unreachable!("a frame was just looked at");
            };
            on_path.remove(&done.model);
            if done.cut {
                scratch.insert(done.model, done.best);
            } else {
                self.memo.insert(done.model, done.best);
            }
            if stack.is_empty() {
                return (done.best, scratch);
            }
            returned = Some((done.model, done.best, done.cut));
        }
    }

    /// The last `limit` models of the chain ending at `end`, in order from
    /// the root down.
    fn walk(
        &self,
        end: ModelId,
        top: Link,
        scratch: &HashMap<ModelId, Link>,
        limit: usize,
    ) -> Vec<ModelId> {
        let mut chain = vec![end];
        let mut seen = HashSet::default();
        seen.insert(end);
        let mut link = top;
        // Links from different cuts of a cycle could point in a circle; a
        // chain is never longer than its recorded length.
        while let Some(parent) = link.parent {
            if chain.len() >= top.len.min(limit) || !seen.insert(parent) {
                break;
            }
            chain.push(parent);
            match scratch.get(&parent).or_else(|| self.memo.get(&parent)) {
                Some(next) => link = *next,
                None => break,
            }
        }
        chain.reverse();
        chain
    }
}

impl Frame {
    fn new(model: ModelId) -> Frame {
        Frame {
            model,
            next: 0,
            best: Link {
                len: 1,
                parent: None,
                root: model,
            },
            cut: false,
        }
    }
}
