//! `--format human`: codespan-reporting snippets, then a summary line.

use std::io::Write;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice, WriteColor};
use codespan_reporting::term::{self, Config};

use schemalint_analysis::Severity;

use crate::report::Report;

pub(crate) fn write(report: &Report, color: bool) -> std::io::Result<()> {
    // Buffered: the terminal stream is flushed per line otherwise.
    let mut out = BufferedStandardStream::stdout(if color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    });
    render(report, &mut out)?;
    out.flush()
}

pub(crate) fn render(report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    for f in &report.files {
        files.add(f.display.clone(), f.text.clone());
    }
    let config = Config::default();
    for entry in &report.entries {
        let d = &entry.diagnostic;
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
            Severity::Info => CsSeverity::Note,
        };
        let mut labels = vec![Label::primary(
            entry.location.file,
            entry.location.range.start..entry.location.range.end,
        )];
        for (location, message) in &entry.related {
            labels.push(
                Label::secondary(location.file, location.range.start..location.range.end)
                    .with_message(message),
            );
        }
        let mut notes = Vec::new();
        if let Some(fix) = &d.fix {
            notes.push(format!(
                "help: {} ({} fix)",
                fix.title,
                fix.applicability.as_str()
            ));
        }
        let diagnostic = CsDiagnostic::new(severity)
            .with_code(format!("{} {}", d.rule.code, d.rule.name))
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(notes);
        term::emit_to_write_style(out, &config, &files, &diagnostic)
            .map_err(std::io::Error::other)?;
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    if report.entries.is_empty() {
        writeln!(
            out,
            "All checks passed: {} files, no findings.",
            report.checked
        )
    } else {
        writeln!(
            out,
            "Found {} in {} files: {errors} errors, {warnings} warnings, {infos} infos.",
            plural(report.entries.len(), "finding"),
            report.checked
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
