use std::collections::HashMap;

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
    // Cascade parents of each model, with the relation field's name.
    let mut parents: HashMap<ModelId, Vec<ModelId>> = HashMap::new();
    for (child, field, parent) in ctx.schema.relations() {
        if ctx.cascade(field).is_some() {
            parents.entry(child).or_default().push(parent);
        }
    }
    let mut memo: HashMap<ModelId, Vec<ModelId>> = HashMap::new();
    for (child_id, field, parent_id) in ctx.schema.relations() {
        let Some(on_delete) = ctx.cascade(field) else {
            continue;
        };
        // The longest chain of cascades from a root down to `parent`.
        let mut chain = longest_chain(parent_id, &parents, &mut memo, &mut Vec::new()).0;
        // A cycle counts once: the child closes it instead of repeating.
        if chain.contains(&child_id) {
            continue;
        }
        chain.push(child_id);
        let depth = chain.len() - 1;
        if depth <= max {
            continue;
        }
        let names: Vec<&str> = chain
            .iter()
            .map(|m| ctx.schema.model(*m).name.name.as_str())
            .collect();
        let child = ctx.schema.model(child_id);
        out.push(Diagnostic::new(
            &DEEP_CASCADE_CHAIN,
            child_id.file,
            on_delete.range,
            format!(
                "`{}.{}` ends a cascade chain of depth {depth} (max {max}): deleting a `{}` row deletes down the chain {}",
                child.name.name,
                field.name.name,
                names[0],
                names.join(" → ")
            ),
        ));
    }
}

/// Models from the root of the deepest cascade chain down to `model`, and
/// whether a cycle was cut on the way (such a result depends on where the
/// walk entered the cycle, so it is not memoised).
fn longest_chain(
    model: ModelId,
    parents: &HashMap<ModelId, Vec<ModelId>>,
    memo: &mut HashMap<ModelId, Vec<ModelId>>,
    visiting: &mut Vec<ModelId>,
) -> (Vec<ModelId>, bool) {
    if let Some(chain) = memo.get(&model) {
        return (chain.clone(), false);
    }
    if visiting.contains(&model) {
        // A cycle: the model counts once, so stop here.
        return (Vec::new(), true);
    }
    visiting.push(model);
    let mut best = Vec::new();
    let mut cut = false;
    for &parent in parents.get(&model).into_iter().flatten() {
        if parent == model {
            continue;
        }
        let (chain, chain_cut) = longest_chain(parent, parents, memo, visiting);
        cut |= chain_cut;
        if chain.len() > best.len() {
            best = chain;
        }
    }
    visiting.pop();
    best.push(model);
    if !cut {
        memo.insert(model, best.clone());
    }
    (best, cut)
}
