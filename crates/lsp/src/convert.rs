//! Conversions between the analysis' plain data and LSP types. Positions
//! use the negotiated encoding: UTF-8 when the client offers it, else UTF-16.

use rustc_hash::FxHashMap;
use schemalint_analysis::rules::ALL_RULES;
use schemalint_analysis::{Diagnostic, Rule, Severity, Tag};
use schemalint_syntax::{LineCol, LineIndex, TextRange};
use tower_lsp_server::ls_types as lsp;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
}

pub(crate) fn position(
    index: &LineIndex,
    text: &str,
    offset: usize,
    enc: Encoding,
) -> lsp::Position {
    let lc = match enc {
        Encoding::Utf8 => index.line_col_utf8(text, offset),
        Encoding::Utf16 => index.line_col_utf16(text, offset),
    };
    lsp::Position {
        line: lc.line,
        character: lc.col,
    }
}

pub(crate) fn range(index: &LineIndex, text: &str, r: TextRange, enc: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(index, text, r.start, enc),
        end: position(index, text, r.end, enc),
    }
}

/// The byte offset of an LSP position, clamped into the text.
pub(crate) fn offset(index: &LineIndex, text: &str, pos: lsp::Position, enc: Encoding) -> usize {
    let lc = LineCol {
        line: pos.line,
        col: pos.character,
    };
    match enc {
        Encoding::Utf8 => index.offset_utf8(text, lc),
        Encoding::Utf16 => index.offset_utf16(text, lc),
    }
}

/// The char index in `rope` of an LSP position, clamped as
/// [`LineIndex`] clamps: a line past the end is the end of the text, and a
/// column past the end of its line is the end of the line (before its line
/// break). A UTF-8 column inside a character moves back to its start.
/// Works on the rope directly, so an edit costs the length of its line,
/// not of the file.
pub(crate) fn rope_char(rope: &ropey::Rope, pos: lsp::Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let mut units = 0u32;
    let mut chars = 0;
    for c in rope.line(line).chars() {
        if c == '\n' || c == '\r' {
            break;
        }
        let width = match enc {
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf8 => c.len_utf8() as u32,
        };
        let stop = match enc {
            Encoding::Utf16 => units >= pos.character,
            Encoding::Utf8 => units + width > pos.character,
        };
        if stop {
            break;
        }
        units += width;
        chars += 1;
    }
    start + chars
}

pub(crate) fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The link to a rule's documentation, formatted and parsed once per rule
/// instead of once per diagnostic.
fn rule_href(rule: &Rule) -> Option<lsp::Uri> {
    static HREFS: std::sync::OnceLock<FxHashMap<&'static str, lsp::Uri>> =
        std::sync::OnceLock::new();
    let hrefs = HREFS.get_or_init(|| {
        ALL_RULES
            .iter()
            .filter_map(|r| Some((r.code, r.url().parse().ok()?)))
            .collect()
    });
    hrefs.get(rule.code).cloned()
}

/// An LSP diagnostic, with `range` and the related information already
/// converted by the caller (which knows the files' texts and line indexes).
pub(crate) fn diagnostic(
    d: &Diagnostic,
    range: lsp::Range,
    related: Vec<lsp::DiagnosticRelatedInformation>,
) -> lsp::Diagnostic {
    let href = rule_href(d.rule);
    let mut tags = Vec::new();
    for tag in &d.tags {
        match tag {
            Tag::Unnecessary => tags.push(lsp::DiagnosticTag::UNNECESSARY),
        }
    }
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.code.to_string())),
        code_description: href.map(|href| lsp::CodeDescription { href }),
        source: Some("schemalint".into()),
        message: format!("{} ({})", d.message, d.rule.name),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: None,
    }
}

pub(crate) fn symbol_kind(kind: schemalint_analysis::SymbolKind) -> lsp::SymbolKind {
    use schemalint_analysis::SymbolKind as K;
    match kind {
        K::Model | K::View => lsp::SymbolKind::CLASS,
        K::CompositeType => lsp::SymbolKind::STRUCT,
        K::Enum => lsp::SymbolKind::ENUM,
        K::Field => lsp::SymbolKind::FIELD,
        K::EnumValue => lsp::SymbolKind::ENUM_MEMBER,
    }
}

#[allow(deprecated)]
pub(crate) fn symbol(
    s: &schemalint_analysis::Symbol,
    index: &LineIndex,
    text: &str,
    enc: Encoding,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: None,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range(index, text, s.range, enc),
        selection_range: range(index, text, s.name_range, enc),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .iter()
                .map(|c| symbol(c, index, text, enc))
                .collect()
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rule_urls_are_valid_uris() {
        for rule in schemalint_analysis::rules::ALL_RULES {
            let parsed = rule.url().parse::<super::lsp::Uri>();
            assert!(parsed.is_ok(), "{}: {:?}", rule.url(), parsed.err());
        }
    }
}

#[cfg(test)]
mod rope_tests {
    use super::*;

    /// `rope_char` must land where `LineIndex` does, for every position on
    /// and past each line, in both encodings.
    #[test]
    fn rope_positions_match_the_line_index() {
        let text = "model A {\r\n  id Int // 🦀 crab\r\n  name String /* é */\n}\n\nlast line without break ü";
        let rope = ropey::Rope::from_str(text);
        let index = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for line in 0..9 {
                for character in 0..40 {
                    let pos = lsp::Position { line, character };
                    let expected = offset(&index, text, pos, enc);
                    let got = rope.char_to_byte(rope_char(&rope, pos, enc));
                    assert_eq!(got, expected, "{enc:?} {line}:{character}");
                }
            }
        }
    }
}
