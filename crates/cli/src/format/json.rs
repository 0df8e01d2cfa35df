//! `--format json`: one document with every diagnostic and a summary.
//! The shape is versioned; fields are only ever added.

use std::io::Write;

use serde::Serialize;

use schemalint_analysis::Severity;

use crate::report::{Location, Position, Report};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
    fix: Option<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    start: Position,
    end: Position,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    start: Position,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub(crate) fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let file = |l: &Location| report.files[l.file].display.as_str();
    let output = Output {
        version: 1,
        diagnostics: report
            .entries
            .iter()
            .map(|e| JsonDiagnostic {
                code: e.diagnostic.rule.code,
                rule: e.diagnostic.rule.name,
                severity: e.diagnostic.severity.as_str(),
                message: &e.diagnostic.message,
                file: file(&e.location),
                start: e.location.start,
                end: e.location.end,
                fix: e.diagnostic.fix.as_ref().map(|f| JsonFix {
                    applicability: f.applicability.as_str(),
                    title: &f.title,
                    edits: e
                        .fix_edits
                        .iter()
                        .map(|x| JsonEdit {
                            file: &x.file,
                            start: x.start,
                            end: x.end,
                            content: &x.content,
                        })
                        .collect(),
                }),
                related: e
                    .related
                    .iter()
                    .map(|(l, m)| JsonRelated {
                        file: file(l),
                        start: l.start,
                        end: l.end,
                        message: m,
                    })
                    .collect(),
            })
            .collect(),
        summary: Summary {
            files: report.checked,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        },
    };
    serde_json::to_writer(&mut *out, &output)?;
    writeln!(out)
}
