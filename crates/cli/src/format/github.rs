//! `--format github`: one workflow command per finding, which GitHub Actions
//! turns into an annotation on the pull request.

use std::io::Write;

use schemalint_analysis::Severity;

use crate::report::Report;

pub(crate) fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    for e in &report.entries {
        let d = &e.diagnostic;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let l = &e.location;
        writeln!(
            out,
            "::{level} title={},file={},line={},col={},endLine={},endColumn={}::{}",
            escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
            escape_property(&report.files[l.file].display),
            l.start.line,
            l.start.column,
            l.end.line,
            l.end.column,
            escape_data(&d.message)
        )?;
    }
    Ok(())
}

/// Workflow command data escaping, as the Actions toolkit does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
