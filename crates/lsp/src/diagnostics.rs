//! The workspace's diagnostics as LSP JSON, ready to publish.
//!
//! A 10,000-model schema has about ten thousand findings, three megabytes
//! of JSON. Converting all of them to LSP types and serializing them again
//! on every keystroke cost more than the analysis that found them, while a
//! keystroke changes only a few. So each file keeps what it last published:
//! the analysis diagnostics it came from, each one's converted ranges and
//! its span in the JSON. A finding of the next round whose LSP content
//! (ranges, severity, code, message, tags, related information) equals one
//! of the last round reuses that one's JSON text; only the others are
//! converted and serialized. The JSON of a finding is a function of that
//! content, the file's URI and the position encoding, so the reused text is
//! the text a fresh conversion would write (`tests::reuse_matches_a_fresh_conversion`
//! checks it over random edits).

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use schemalint_analysis::{Analysis, Diagnostic, SourceFile};
use schemalint_syntax::LineIndex;
use tower_lsp_server::ls_types as lsp;

use crate::convert::{self, Encoding};

/// Per workspace-relative path: the file's URI and its diagnostics as a
/// JSON array.
pub(crate) type FileDiagnostics = HashMap<String, (lsp::Uri, Arc<str>)>;

/// What was last converted, per file. It lives across rounds.
pub(crate) type Conversions = FxHashMap<SourceFile, Converted>;

/// One file's diagnostics as last converted.
pub(crate) struct Converted {
    source: Arc<Vec<Diagnostic>>,
    /// The texts of the file and of the files its related information
    /// points into, own file first. Held, not just compared: a held text
    /// cannot be freed, so a new text can never reuse its address. While
    /// these and `source` are the same, so is the whole conversion.
    texts: Vec<(SourceFile, Arc<str>)>,
    rel: String,
    uri: lsp::Uri,
    json: Arc<str>,
    /// Per diagnostic of `source`, in order.
    items: Vec<Item>,
    /// The converted ranges of all related information, in the order of
    /// `source` and of each diagnostic's `related`.
    related: Vec<lsp::Range>,
    /// The index in `items` of the diagnostic with a given range and rule.
    by_key: FxHashMap<Key, u32>,
    /// How many diagnostics reused the last round's JSON. Only tests read
    /// it, to check that reuse happens.
    #[cfg_attr(not(test), allow(dead_code))]
    reused: usize,
}

/// One converted diagnostic.
struct Item {
    /// Its text in [`Converted::json`].
    span: Range<u32>,
    /// Where its related ranges start in [`Converted::related`].
    related: u32,
}

/// What finds the diagnostic of the last round that may equal a new one:
/// its converted range and its rule's code.
type Key = (lsp::Range, &'static str);

/// The LSP diagnostics of the files whose workspace-relative path is
/// `wanted`.
pub(crate) fn collect(
    analysis: &Analysis,
    root: &Path,
    encoding: Encoding,
    converted: &mut Conversions,
    wanted: impl Fn(&str) -> bool,
) -> Result<FileDiagnostics, schemalint_analysis::Cancelled> {
    let mut out = FileDiagnostics::new();
    let files = analysis.files();
    let current: FxHashSet<SourceFile> = files.iter().copied().collect();
    converted.retain(|file, _| current.contains(file));
    let mut round = Round {
        analysis,
        root,
        encoding,
        places: FxHashMap::default(),
    };
    for &file in files {
        if !wanted(analysis.path(file)) {
            continue;
        }
        let source = analysis.diagnostics_shared(file)?;
        let texts = texts_read(analysis, file, &source);
        let new = match converted.remove(&file) {
            Some(old) if old.reads_the_same(&texts, &source) => old,
            old => match round.convert_file(file, source, texts, old.as_ref())? {
                Some(new) => new,
                None => continue,
            },
        };
        out.insert(new.rel.clone(), (new.uri.clone(), new.json.clone()));
        converted.insert(file, new);
    }
    Ok(out)
}

/// The texts a file's conversion reads, own file first, each file once.
fn texts_read(
    analysis: &Analysis,
    file: SourceFile,
    source: &[Diagnostic],
) -> Vec<(SourceFile, Arc<str>)> {
    let mut texts = vec![(file, analysis.text(file).clone())];
    let mut seen = FxHashSet::default();
    seen.insert(file);
    for r in source.iter().flat_map(|d| &d.related) {
        if seen.insert(r.file) {
            texts.push((r.file, analysis.text(r.file).clone()));
        }
    }
    texts
}

/// One round of conversion: what it reads, and the [`Place`] of each file
/// it has met, built once per round (a large schema has thousands of
/// findings, and building a URI from a path for each of them showed in
/// profiles).
struct Round<'a> {
    analysis: &'a Analysis,
    root: &'a Path,
    encoding: Encoding,
    places: FxHashMap<SourceFile, Option<Place<'a>>>,
}

/// What converting a range in a file needs: its URI, its text and its
/// line index.
struct Place<'a> {
    uri: lsp::Uri,
    text: &'a str,
    index: &'a LineIndex,
}

impl<'a> Round<'a> {
    /// The place of `file`, or `None` when its path has no URI.
    fn place(
        &mut self,
        file: SourceFile,
    ) -> Result<Option<&Place<'a>>, schemalint_analysis::Cancelled> {
        if !self.places.contains_key(&file) {
            let index = self.analysis.line_index(file)?;
            let path = self.root.join(self.analysis.path(file));
            let place = lsp::Uri::from_file_path(path).map(|uri| Place {
                uri,
                text: self.analysis.text(file),
                index,
            });
            self.places.insert(file, place);
        }
        Ok(self.places.get(&file).and_then(Option::as_ref))
    }

    /// The range of `range` in `file`, converted; the default range when
    /// the file has no URI (its related information is then left out of
    /// the JSON, and the range only serves comparisons).
    fn range(
        &mut self,
        file: SourceFile,
        range: schemalint_syntax::TextRange,
    ) -> Result<lsp::Range, schemalint_analysis::Cancelled> {
        let encoding = self.encoding;
        Ok(self.place(file)?.map_or_else(lsp::Range::default, |p| {
            convert::range(p.index, p.text, range, encoding)
        }))
    }

    /// Converts one file's diagnostics, reusing the JSON of those that
    /// equal one in `old`. `None` when the file has no URI.
    fn convert_file(
        &mut self,
        file: SourceFile,
        source: Arc<Vec<Diagnostic>>,
        texts: Vec<(SourceFile, Arc<str>)>,
        old: Option<&Converted>,
    ) -> Result<Option<Converted>, schemalint_analysis::Cancelled> {
        let Some(uri) = self.place(file)?.map(|p| p.uri.clone()) else {
            return Ok(None);
        };
        let mut json = String::with_capacity(old.map_or(2, |o| o.json.len()));
        json.push('[');
        let mut items = Vec::with_capacity(source.len());
        let mut related = Vec::new();
        let mut by_key = FxHashMap::default();
        let mut reused = 0;
        for (i, d) in source.iter().enumerate() {
            let range = self.range(file, d.range)?;
            let related_start = related.len();
            for r in &d.related {
                related.push(self.range(r.file, r.range)?);
            }
            let related_ranges = &related[related_start..];
            if i > 0 {
                json.push(',');
            }
            let start = json.len();
            match old.and_then(|o| o.same_as(d, range, related_ranges)) {
                Some(text) => {
                    json.push_str(text);
                    reused += 1;
                }
                None => {
                    let lsp = convert::diagnostic(d, range, self.lsp_related(d, related_ranges)?);
                    // Serializing LSP types into memory cannot fail: they
                    // have string keys and no serializer that errors.
                    json.push_str(&serde_json::to_string(&lsp).unwrap_or_default());
                }
            }
            by_key.entry((range, d.rule.code)).or_insert(i as u32);
            items.push(Item {
                span: start as u32..json.len() as u32,
                related: related_start as u32,
            });
        }
        json.push(']');
        Ok(Some(Converted {
            source,
            texts,
            rel: self.analysis.path(file).to_string(),
            uri,
            json: json.into(),
            items,
            related,
            by_key,
            reused,
        }))
    }

    /// The related information of `d` as LSP types, its ranges already
    /// converted.
    fn lsp_related(
        &mut self,
        d: &Diagnostic,
        ranges: &[lsp::Range],
    ) -> Result<Vec<lsp::DiagnosticRelatedInformation>, schemalint_analysis::Cancelled> {
        let mut related = Vec::with_capacity(d.related.len());
        for (r, range) in d.related.iter().zip(ranges) {
            if let Some(place) = self.place(r.file)? {
                related.push(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: place.uri.clone(),
                        range: *range,
                    },
                    message: r.message.clone(),
                });
            }
        }
        Ok(related)
    }
}

impl Converted {
    /// Whether a conversion of `source` over `texts` is this one: the same
    /// findings over the same texts.
    fn reads_the_same(
        &self,
        texts: &[(SourceFile, Arc<str>)],
        source: &Arc<Vec<Diagnostic>>,
    ) -> bool {
        let same_texts = self.texts.len() == texts.len()
            && self
                .texts
                .iter()
                .zip(texts)
                .all(|(a, b)| a.0 == b.0 && Arc::ptr_eq(&a.1, &b.1));
        same_texts && (Arc::ptr_eq(&self.source, source) || self.source == *source)
    }

    /// The JSON of the last round's diagnostic whose LSP content equals
    /// that of `d` converted to `range` and `related`.
    fn same_as(&self, d: &Diagnostic, range: lsp::Range, related: &[lsp::Range]) -> Option<&str> {
        let &i = self.by_key.get(&(range, d.rule.code))?;
        let item = &self.items[i as usize];
        let old = &self.source[i as usize];
        // The key holds the range and the rule; the rest must be compared.
        let old_related = &self.related[item.related as usize..][..old.related.len()];
        let same = old.severity == d.severity
            && old.message == d.message
            && old.tags == d.tags
            && old_related == related
            && old
                .related
                .iter()
                .zip(&d.related)
                .all(|(a, b)| a.file == b.file && a.message == b.message);
        same.then(|| &self.json[item.span.start as usize..item.span.end as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemalint_analysis::{AnalysisHost, FileKind};

    /// A small deterministic generator (xorshift), so a failure repeats.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// One random edit of `text`: another letter in place of one, an
    /// insertion of a character that matters to the grammar or to positions
    /// (a line break, a brace, a character wider than one UTF-16 unit) or
    /// the deletion of a short span, at character boundaries.
    fn edit(rng: &mut Rng, text: &str) -> String {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let at = boundaries[rng.below(boundaries.len())];
        let mut out = text.to_string();
        let letters: Vec<usize> = boundaries
            .iter()
            .copied()
            .filter(|&i| text.as_bytes().get(i).is_some_and(u8::is_ascii_lowercase))
            .collect();
        if rng.below(4) == 0 && !letters.is_empty() {
            // Another letter in a name: every position stays, and the
            // messages that quote the name change.
            let at = letters[rng.below(letters.len())];
            let letter = (b'a' + rng.below(26) as u8) as char;
            out.replace_range(at..at + 1, letter.encode_utf8(&mut [0; 4]));
        } else if rng.below(3) == 0 {
            let end = boundaries
                .iter()
                .copied()
                .find(|&b| b >= at + 1 + rng.below(12))
                .unwrap_or(text.len());
            out.replace_range(at..end, "");
        } else {
            const INSERTS: [&str; 10] = ["\n", "x", " ", "}", "{", "@", "?", "🦀", "é", "\r\n"];
            out.insert_str(at, INSERTS[rng.below(INSERTS.len())]);
        }
        out
    }

    /// Converting with what the last rounds left must give the JSON a
    /// fresh conversion gives, byte for byte, after each of many random
    /// edits of the example workspace's schemas (whose findings point into
    /// each other's files), in both position encodings, and after changes
    /// of the rules' severities.
    #[test]
    fn reuse_matches_a_fresh_conversion() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lab-platform");
        let project = schemalint_project::discover(&root).unwrap();
        let schemas: Vec<_> = project
            .files
            .iter()
            .filter(|f| f.kind == FileKind::Schema)
            .collect();
        assert!(schemas.len() > 1, "the example has several modules");
        for (seed, encoding) in [(7, Encoding::Utf16), (11, Encoding::Utf8)] {
            let mut host = AnalysisHost::new();
            assert!(project.load(&mut host).is_empty());
            let mut kept = Conversions::default();
            let mut rng = Rng(seed);
            let (mut reused_count, mut fresh_count) = (0, 0);
            for round in 0..150 {
                if round % 30 == 29 {
                    // The severity of every rule changes, and back again,
                    // as when `schemalint.toml` is edited.
                    let mut config = project.config.clone();
                    if round % 60 == 29 {
                        let toml: String = schemalint_analysis::rules::ALL_RULES
                            .iter()
                            .map(|r| format!("{} = \"info\"\n", r.code))
                            .collect();
                        let toml = format!("[rules.severity]\n{toml}");
                        config.rules.severity = schemalint_analysis::Config::from_toml(&toml)
                            .unwrap()
                            .rules
                            .severity;
                    }
                    host.set_config(config);
                }
                let file = schemas[rng.below(schemas.len())];
                let handle = host.file(&file.rel).unwrap();
                let text = edit(&mut rng, host.analysis().text(handle));
                host.set_file(&file.rel, FileKind::Schema, text.into());
                let analysis = host.analysis();
                let reused = collect(&analysis, &root, encoding, &mut kept, |_| true).unwrap();
                let fresh = collect(
                    &analysis,
                    &root,
                    encoding,
                    &mut Conversions::default(),
                    |_| true,
                )
                .unwrap();
                assert_eq!(reused.len(), fresh.len());
                for (rel, (uri, json)) in &fresh {
                    let (reused_uri, reused_json) = &reused[rel];
                    assert_eq!(reused_uri, uri);
                    assert_eq!(reused_json, json, "{rel} after an edit of {}", file.rel);
                }
                let edited = &kept[&handle];
                fresh_count += edited.items.len() - edited.reused;
                reused_count += edited.reused;
            }
            // Most findings of an edited file survive an edit; a test in
            // which none were reused would not test reuse.
            assert!(
                reused_count > 4 * fresh_count,
                "{reused_count} reused, {fresh_count} converted"
            );
        }
    }

    /// A finding reuses the last round's JSON only if everything LSP shows
    /// of it is the same; each of these changes alone must convert afresh.
    #[test]
    fn any_difference_converts_afresh() {
        use schemalint_analysis::{Severity, Tag};
        use schemalint_syntax::TextRange;
        let mut host = AnalysisHost::new();
        let a = host.set_file(
            "a.prisma",
            FileKind::Schema,
            "model A {\n  id Int @id\n}\n".into(),
        );
        let b = host.set_file(
            "b.prisma",
            FileKind::Schema,
            "model B {\n  id Int @id\n}\n".into(),
        );
        let analysis = host.analysis();
        let root = Path::new("/w");
        let rule = schemalint_analysis::rules::ALL_RULES[0];
        let base = Diagnostic::new(rule, a, TextRange::new(8, 10), "a finding").with_related(
            b,
            TextRange::new(6, 7),
            "the other end",
        );
        let mut round = Round {
            analysis: &analysis,
            root,
            encoding: Encoding::Utf16,
            places: FxHashMap::default(),
        };
        let source = Arc::new(vec![base.clone()]);
        let texts = texts_read(&analysis, a, &source);
        let old = round.convert_file(a, source, texts, None).unwrap().unwrap();
        let same_as = |round: &mut Round<'_>, d: &Diagnostic| {
            let range = round.range(a, d.range).unwrap();
            let related: Vec<_> = d
                .related
                .iter()
                .map(|r| round.range(r.file, r.range).unwrap())
                .collect();
            old.same_as(d, range, &related).map(str::to_string)
        };
        assert_eq!(
            same_as(&mut round, &base).as_deref(),
            Some(&old.json[1..old.json.len() - 1])
        );
        let mut changes: Vec<(&str, Diagnostic)> = Vec::new();
        let mut d = base.clone();
        d.rule = schemalint_analysis::rules::ALL_RULES[1];
        changes.push(("rule", d));
        let mut d = base.clone();
        d.severity = if d.severity == Severity::Info {
            Severity::Error
        } else {
            Severity::Info
        };
        changes.push(("severity", d));
        let mut d = base.clone();
        d.message.push('!');
        changes.push(("message", d));
        let mut d = base.clone();
        d.tags.push(Tag::Unnecessary);
        changes.push(("tags", d));
        let mut d = base.clone();
        d.range = TextRange::new(8, 11);
        changes.push(("range", d));
        let mut d = base.clone();
        d.related[0].message.push('!');
        changes.push(("related message", d));
        let mut d = base.clone();
        d.related[0].file = a;
        changes.push(("related file", d));
        let mut d = base.clone();
        d.related[0].range = TextRange::new(6, 8);
        changes.push(("related range", d));
        let mut d = base.clone();
        d.related.clear();
        changes.push(("no related", d));
        let d = base
            .clone()
            .with_related(b, TextRange::new(6, 7), "the other end");
        changes.push(("more related", d));
        for (what, d) in &changes {
            assert_eq!(
                same_as(&mut round, d),
                None,
                "a different {what} reused the old JSON"
            );
        }
    }
}
