//! `--format sarif`: a SARIF 2.1.0 log with one run, the rule metadata and
//! one result per finding.

use std::io::Write;

use serde_json::json;

use schemalint_analysis::rules::ALL_RULES;
use schemalint_analysis::Severity;

use crate::report::Report;

pub(crate) fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let rules: Vec<_> = ALL_RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.summary()},
                "help": {"text": r.doc(), "markdown": r.doc()},
                "helpUri": r.url(),
                "defaultConfiguration": {"level": level(r.default_severity)},
            })
        })
        .collect();
    let results: Vec<_> = report
        .entries
        .iter()
        .map(|e| {
            let d = &e.diagnostic;
            let rule_index = ALL_RULES
                .iter()
                .position(|r| r.code == d.rule.code)
                .unwrap_or(0);
            let region = |l: &crate::report::Location| {
                json!({
                    "artifactLocation": {"uri": report.files[l.file].display},
                    "region": {
                        "startLine": l.start.line, "startColumn": l.start.column,
                        "endLine": l.end.line, "endColumn": l.end.column,
                    }
                })
            };
            json!({
                "ruleId": d.rule.code,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": {"text": &*d.message},
                "locations": [{"physicalLocation": region(&e.location)}],
                "relatedLocations": e.related.iter().enumerate().map(|(i, (l, m))| json!({
                    "id": i,
                    "physicalLocation": region(l),
                    "message": {"text": m},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "schemalint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
