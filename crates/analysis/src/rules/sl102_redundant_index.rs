use super::Ctx;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Tag};
use crate::items::IndexKind;
use crate::semantic::ModelId;

declare_rule! {
    /// ## What it does
    /// Reports an `@@index` whose columns are a leading prefix of another
    /// index, unique constraint or primary key of the same model, or that
    /// duplicates one.
    ///
    /// ## Why is this bad?
    /// The database can already use the longer index for every query the
    /// shorter one serves. The extra index costs disk, memory and time on
    /// every write, and buys nothing.
    ///
    /// ## Example
    /// ```prisma
    /// model Result {
    ///   analysisId String
    ///   sampleId   String
    ///
    ///   @@index([analysisId])
    ///   @@unique([analysisId, sampleId])
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Result {
    ///   analysisId String
    ///   sampleId   String
    ///
    ///   @@unique([analysisId, sampleId])
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removing the line drops an index in the next migration. That
    /// changes no data, but it changes the migration, and an index with a
    /// different sort order or operator class may still be wanted.
    pub static REDUNDANT_INDEX = { code: "SL102", name: "redundant-index", severity: Info, fix: Unsafe };
}

pub(crate) fn check(ctx: &Ctx<'_>, id: ModelId, out: &mut Vec<Diagnostic>) {
    let model = ctx.schema.model(id);
    // Every index as (kind, columns, description, position), including
    // single-field `@id` and `@unique`.
    let mut all: Vec<(IndexKind, Vec<&str>, String, usize)> = model
        .indexes
        .iter()
        .map(|i| {
            let cols: Vec<&str> = i.fields.iter().map(|f| f.name.as_str()).collect();
            (
                i.kind,
                cols.clone(),
                format!("{}([{}])", i.kind.attribute(), cols.join(", ")),
                model.abs(i.range).start,
            )
        })
        .collect();
    for f in &model.fields {
        if f.is_id || f.is_unique {
            let attr = if f.is_id { "@id" } else { "@unique" };
            let kind = if f.is_id {
                IndexKind::Id
            } else {
                IndexKind::Unique
            };
            all.push((
                kind,
                vec![f.name.name.as_str()],
                format!("{attr} on `{}`", f.name.name),
                model.abs(f.range).start,
            ));
        }
    }
    for (i, index) in model.indexes.iter().enumerate() {
        if index.kind != IndexKind::Index || index.fields.is_empty() {
            continue;
        }
        let range = model.abs(index.range);
        let cols = &all[i].1;
        let covering = all.iter().enumerate().find(|(j, (kind, other, _, start))| {
            *j != i
                && *kind != IndexKind::Fulltext
                && other.len() >= cols.len()
                && other[..cols.len()] == cols[..]
                // Of two identical @@index lines, report only the later.
                && !(other.len() == cols.len() && *kind == IndexKind::Index && *start > range.start)
        });
        let Some((_, (_, other, what, start))) = covering else {
            continue;
        };
        let why = if other.len() == cols.len() {
            "duplicates"
        } else {
            "is a prefix of"
        };
        let other_range = model
            .indexes
            .iter()
            .map(|x| model.abs(x.range))
            .chain(model.fields.iter().map(|f| model.abs(f.range)))
            .find(|r| r.start == *start)
            .unwrap_or(range);
        out.push(
            Diagnostic::new(
                &REDUNDANT_INDEX,
                id.file,
                range,
                format!(
                    "`@@index([{}])` on `{}` {why} `{what}`, which already serves its queries",
                    cols.join(", "),
                    model.name.name
                ),
            )
            .with_related(id.file, other_range, format!("covered by {what}"))
            .with_tag(Tag::Unnecessary)
            .with_fix(Fix {
                title: format!("Remove `@@index([{}])`", cols.join(", ")).into(),
                applicability: Applicability::Unsafe,
                edits: smallvec::smallvec![Edit::Replace {
                    file: id.file,
                    range: model.abs(index.line_range),
                    content: "".into(),
                }],
            }),
        );
    }
}
