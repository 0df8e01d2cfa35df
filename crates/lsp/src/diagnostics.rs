//! The workspace's diagnostics as LSP JSON, ready to publish.
//!
//! A 10,000-model schema has about seven thousand findings, three
//! megabytes of JSON. Converting all of them to LSP types and serializing
//! them again on every keystroke cost more than the analysis that found
//! them, while a keystroke changes only a few. So each file keeps what it
//! last published: the analysis diagnostics it came from, the texts they
//! point into and each one's span in the JSON.
//!
//! In the next round, each finding is looked up among the last round's
//! by its place. The edit between the two texts ([`TextChange`]) says which
//! offsets kept their line and column: those before the edit, and those
//! after it on later lines when it added or removed no line break. A
//! finding whose offsets (and those of its related information, in its
//! own file or in a file whose text is the same) all kept their position,
//! and whose severity, rule, message, tags and related messages equal an
//! old one's at those old offsets, has the same LSP content, so its JSON
//! is the old text. Only the others are converted and serialized, and the
//! line index is built only when one is. The JSON of a finding is a
//! function of its LSP content, the file's URI and the position encoding
//! (all fixed for a file in a session), which is why the reused text is
//! the text a fresh conversion would write; `tests` checks it over random
//! edits.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use schemalint_analysis::{Analysis, Diagnostic, SourceFile};
use schemalint_syntax::{LineIndex, TextChange, TextRange};
use tower_lsp_server::ls_types as lsp;

use crate::convert::{self, Encoding};

/// Per workspace-relative path: the file's URI and its diagnostics as a
/// JSON array.
pub(crate) type FileDiagnostics = HashMap<String, (lsp::Uri, Arc<str>)>;

/// What was last converted, per file. It lives across rounds.
#[derive(Default)]
pub(crate) struct Conversions {
    by_file: FxHashMap<SourceFile, Converted>,
    /// Conversions replaced since the last [`Conversions::release`], and
    /// those replaced before it. They are kept so that the last copy of
    /// their diagnostics is freed where the server chooses, after a round
    /// has published, and not on a keystroke's path: the analysis keeps a
    /// replaced result until its next revision begins, and then frees it
    /// in `set_file`, before the keystroke's round can start. On a
    /// 10,000-model schema that was seven thousand findings, half a
    /// millisecond per keystroke.
    retired: Vec<Converted>,
    released_next: Vec<Converted>,
}

impl Conversions {
    /// The conversions replaced before the last call, to be dropped by the
    /// caller. Called after each round that published the open documents:
    /// what a round replaced is then held through the next revision's
    /// start, which frees the analysis' own copy.
    pub(crate) fn release(&mut self) -> Vec<Converted> {
        let retired = std::mem::take(&mut self.retired);
        std::mem::replace(&mut self.released_next, retired)
    }
}

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
    /// Per diagnostic of `source`, in order: its text in `json`.
    spans: Vec<Range<u32>>,
    /// How many diagnostics reused the last round's JSON. Only tests read
    /// it, to check that reuse happens.
    #[cfg_attr(not(test), allow(dead_code))]
    reused: usize,
}

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
    let gone: Vec<SourceFile> = converted
        .by_file
        .keys()
        .filter(|file| !current.contains(file))
        .copied()
        .collect();
    for file in gone {
        converted.retired.extend(converted.by_file.remove(&file));
    }
    let mut round = Round::new(analysis, root, encoding);
    for &file in files {
        if !wanted(analysis.path(file)) {
            continue;
        }
        let source = analysis.diagnostics_shared(file)?;
        let texts = texts_read(analysis, file, &source);
        let new = match converted.by_file.remove(&file) {
            Some(old) if old.reads_the_same(&texts, &source) => old,
            old => {
                let new = round.convert_file(file, source, texts, old.as_ref())?;
                converted.retired.extend(old);
                match new {
                    Some(new) => new,
                    None => continue,
                }
            }
        };
        out.insert(new.rel.clone(), (new.uri.clone(), new.json.clone()));
        converted.by_file.insert(file, new);
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

/// One round of conversion: what it reads, and the URI of each file it
/// has met, built once per round (a large schema has thousands of
/// findings, and building a URI from a path for each of them showed in
/// profiles).
struct Round<'a> {
    analysis: &'a Analysis,
    root: &'a Path,
    encoding: Encoding,
    uris: FxHashMap<SourceFile, Option<lsp::Uri>>,
}

impl<'a> Round<'a> {
    fn new(analysis: &'a Analysis, root: &'a Path, encoding: Encoding) -> Self {
        Round {
            analysis,
            root,
            encoding,
            uris: FxHashMap::default(),
        }
    }

    /// The URI of `file`, or `None` when its path has none.
    fn uri(&mut self, file: SourceFile) -> Option<&lsp::Uri> {
        let (analysis, root) = (self.analysis, self.root);
        self.uris
            .entry(file)
            .or_insert_with(|| lsp::Uri::from_file_path(root.join(analysis.path(file))))
            .as_ref()
    }

    /// `range` of `file` in LSP positions.
    fn range(
        &self,
        file: SourceFile,
        range: TextRange,
    ) -> Result<lsp::Range, schemalint_analysis::Cancelled> {
        // The line index is a query: built once per text, then looked up.
        let index: &LineIndex = self.analysis.line_index(file)?;
        let text = self.analysis.text(file);
        Ok(convert::range(index, text, range, self.encoding))
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
        let Some(uri) = self.uri(file).cloned() else {
            return Ok(None);
        };
        let mut reuse = match old {
            Some(old) => Some(Reuse::new(
                old,
                &texts,
                self.analysis.text_change(file, &old.texts[0].1)?,
            )),
            None => None,
        };
        // Only positions in the old array: its bytes are read only if it
        // must be written again. Slicing it here, for every finding of every
        // keystroke, read three megabytes of it on a large schema, mostly
        // from memory, to share it whole after all.
        let found: Vec<Option<usize>> = source
            .iter()
            .map(|d| reuse.as_mut().and_then(|r| r.find(d)))
            .collect();
        let reused = found.iter().flatten().count();
        // Every finding reads as the one at its own place last round (a
        // keystroke that changes no finding's LSP content, the usual
        // case): the array is the last one, shared, not built again.
        let in_place = old.filter(|old| {
            found.len() == old.spans.len() && found.iter().enumerate().all(|(i, f)| *f == Some(i))
        });
        let (json, spans) = match in_place {
            Some(old) => (old.json.clone(), old.spans.clone()),
            None => self.write_json(&source, &found, old)?,
        };
        Ok(Some(Converted {
            source,
            texts,
            rel: self.analysis.path(file).to_string(),
            uri,
            json,
            spans,
            reused,
        }))
    }

    /// The JSON array of `source`, each finding's text taken from the one
    /// of `old` that `found` names where it names one and converted
    /// otherwise, with each one's span.
    fn write_json(
        &mut self,
        source: &[Diagnostic],
        found: &[Option<usize>],
        old: Option<&Converted>,
    ) -> Result<(Arc<str>, Vec<Range<u32>>), schemalint_analysis::Cancelled> {
        let mut json = String::with_capacity(old.map_or(2, |o| o.json.len()));
        json.push('[');
        let mut spans = Vec::with_capacity(source.len());
        for (i, (d, found)) in source.iter().zip(found).enumerate() {
            if i > 0 {
                json.push(',');
            }
            let start = json.len();
            match old.zip(*found) {
                Some((old, k)) => json.push_str(old.json_of(k)),
                None => {
                    let lsp = self.diagnostic(d)?;
                    // Serializing LSP types into memory cannot fail: they
                    // have string keys and no serializer that errors.
                    json.push_str(&serde_json::to_string(&lsp).unwrap_or_default());
                }
            }
            spans.push(start as u32..json.len() as u32);
        }
        json.push(']');
        Ok((json.into(), spans))
    }

    /// `d` converted to LSP. Related information in a file without a URI
    /// is left out.
    fn diagnostic(
        &mut self,
        d: &Diagnostic,
    ) -> Result<lsp::Diagnostic, schemalint_analysis::Cancelled> {
        let mut related = Vec::with_capacity(d.related.len());
        for r in &d.related {
            let range = self.range(r.file, r.range)?;
            if let Some(uri) = self.uri(r.file) {
                related.push(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: uri.clone(),
                        range,
                    },
                    message: r.message.to_string(),
                });
            }
        }
        let range = self.range(d.file, d.range)?;
        Ok(convert::diagnostic(d, range, related))
    }
}

impl Converted {
    /// The JSON of the `k`th finding.
    fn json_of(&self, k: usize) -> &str {
        let span = &self.spans[k];
        &self.json[span.start as usize..span.end as usize]
    }

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
}

/// Finds, for the findings of a new round in their order, the old ones
/// whose JSON they may reuse (see the module's documentation).
struct Reuse<'o> {
    old: &'o Converted,
    /// The file, its new text and the change from its old text.
    file: SourceFile,
    text: Arc<str>,
    change: TextChange,
    /// Other files whose text is the same as in the old round.
    same_files: Vec<SourceFile>,
    /// Old findings before this one sort before every finding still to
    /// come (both rounds are in the analysis' file order).
    cursor: usize,
}

impl<'o> Reuse<'o> {
    /// `change` is the change from the old round's text of the file to
    /// its text in `texts`.
    fn new(old: &'o Converted, texts: &[(SourceFile, Arc<str>)], change: TextChange) -> Self {
        let (file, text) = texts[0].clone();
        let same_files = texts[1..]
            .iter()
            .filter(|(f, t)| {
                old.texts[1..]
                    .iter()
                    .any(|(g, u)| f == g && Arc::ptr_eq(t, u))
            })
            .map(|(f, _)| *f)
            .collect();
        Reuse {
            old,
            file,
            text,
            change,
            same_files,
            cursor: 0,
        }
    }

    /// The old range with the same LSP positions as `range` in `file`.
    fn old_range(&self, file: SourceFile, range: TextRange) -> Option<TextRange> {
        if file != self.file {
            return self.same_files.contains(&file).then_some(range);
        }
        let at = |offset| self.change.old_offset_at_same_position(&self.text, offset);
        Some(TextRange {
            start: at(range.start)?,
            end: at(range.end)?,
        })
    }

    /// The old finding with the same LSP content as `d`: its place in the
    /// old round.
    fn find(&mut self, d: &Diagnostic) -> Option<usize> {
        let range = self.old_range(self.file, d.range)?;
        let key = |d: &Diagnostic, start: usize| (start, d.rule.code);
        let source = &self.old.source;
        while source
            .get(self.cursor)
            .is_some_and(|o| key(o, o.range.start) < key(d, range.start))
        {
            self.cursor += 1;
        }
        let candidates = source[self.cursor..]
            .iter()
            .enumerate()
            .take_while(|(_, o)| key(o, o.range.start) == key(d, range.start));
        for (k, old) in candidates {
            // Kept findings share their texts with the last round's, so
            // the pointers usually answer (`Arc<str>` compares bytes).
            let same_text = |a: &Arc<str>, b: &Arc<str>| Arc::ptr_eq(a, b) || a == b;
            let same = old.range == range
                && old.severity == d.severity
                && same_text(&old.message, &d.message)
                && old.tags == d.tags
                && old.related.len() == d.related.len()
                && old.related.iter().zip(&d.related).all(|(a, b)| {
                    a.file == b.file
                        && same_text(&a.message, &b.message)
                        && self.old_range(b.file, b.range) == Some(a.range)
                });
            if same {
                return Some(self.cursor + k);
            }
        }
        None
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

    /// One random edit of `text`: another letter in place of one, a line
    /// break in place of a space, an
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
        } else if rng.below(6) == 0 && text.contains(' ') {
            // A space becomes a line break: every offset stays, and the
            // positions after it move to the next line.
            let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
            let at = spaces[rng.below(spaces.len())];
            out.replace_range(at..at + 1, "\n");
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
                let edited = &kept.by_file[&handle];
                fresh_count += edited.spans.len() - edited.reused;
                reused_count += edited.reused;
            }
            // Most findings of an edited file survive an edit; a test in
            // which none were reused would not test reuse.
            assert!(
                reused_count > 2 * fresh_count,
                "{reused_count} reused, {fresh_count} converted"
            );
        }
    }

    /// A finding reuses the last round's JSON only if everything LSP shows
    /// of it is the same; each of these changes alone must convert afresh.
    #[test]
    fn any_difference_converts_afresh() {
        use schemalint_analysis::{Severity, Tag};
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
        let mut round = Round::new(&analysis, root, Encoding::Utf16);
        let source = Arc::new(vec![base.clone()]);
        let texts = texts_read(&analysis, a, &source);
        let old = round.convert_file(a, source, texts, None).unwrap().unwrap();
        let unchanged = TextChange::none(old.texts[0].1.len());
        let same_as = |d: &Diagnostic| {
            Reuse::new(&old, &old.texts, unchanged)
                .find(d)
                .map(|k| old.json_of(k).to_string())
        };
        assert_eq!(
            same_as(&base).as_deref(),
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
        d.message = format!("{}!", d.message).into();
        changes.push(("message", d));
        let mut d = base.clone();
        d.tags.push(Tag::Unnecessary);
        changes.push(("tags", d));
        let mut d = base.clone();
        d.range = TextRange::new(8, 11);
        changes.push(("range", d));
        let mut d = base.clone();
        d.related[0].message = format!("{}!", d.related[0].message).into();
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
            assert_eq!(same_as(d), None, "a different {what} reused the old JSON");
        }
    }

    /// The last round's array is shared only when every finding is the
    /// one at its own place: the same findings in another order are
    /// written in their new order.
    #[test]
    fn the_old_array_is_shared_only_in_place() {
        let mut host = AnalysisHost::new();
        let a = host.set_file(
            "a.prisma",
            FileKind::Schema,
            "model A {\n  id Int @id\n  b Int\n}\n".into(),
        );
        let analysis = host.analysis();
        // One rule at one place, twice: both are candidates for each other.
        let rule = schemalint_analysis::rules::ALL_RULES[0];
        let first = Diagnostic::new(rule, a, TextRange::new(12, 14), "first");
        let second = Diagnostic::new(rule, a, TextRange::new(12, 14), "second");
        let mut round = Round::new(&analysis, Path::new("/w"), Encoding::Utf16);
        let convert = |round: &mut Round<'_>, list: Vec<Diagnostic>, old: Option<&Converted>| {
            let source = Arc::new(list);
            let texts = texts_read(&analysis, a, &source);
            round.convert_file(a, source, texts, old).unwrap().unwrap()
        };
        let old = convert(&mut round, vec![first.clone(), second.clone()], None);
        let again = convert(&mut round, vec![first.clone(), second.clone()], Some(&old));
        assert!(
            Arc::ptr_eq(&again.json, &old.json),
            "in place, the array is shared"
        );
        let swapped = convert(&mut round, vec![second.clone(), first.clone()], Some(&old));
        let fresh = convert(&mut round, vec![second, first], None);
        assert_eq!(swapped.json, fresh.json);
        assert_eq!(swapped.reused, 2);
    }
}
