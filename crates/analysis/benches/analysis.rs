//! Micro-benchmarks of the three stages a check goes through: parsing,
//! analysis (cold, and after a one-line edit) and rendering diagnostics.
//!
//! cargo bench -p schemalint-analysis
//!
//! They exist so that a change that slows a stage shows up in review; the
//! whole-process figures against other tools are in bench/run.sh and
//! docs/benchmarks.md. CI builds them (`cargo bench --no-run`) but does not
//! time them.

use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use schemalint_analysis::{AnalysisHost, FileKind, Severity};

fn main() {
    divan::main();
}

/// A schema of `models` models in the shape of bench/gen.py: scalars, a
/// relation to an earlier model (indexed on even models, cascading on every
/// third), back-relations and audit fields.
fn schema(models: usize) -> String {
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); models];
    for i in 1..models {
        back[(i * 7) % i].push(i);
    }
    let mut s = String::from("datasource db {\n  provider = \"postgresql\"\n}\n\n");
    for (i, kids) in back.iter().enumerate() {
        s.push_str(&format!("/// Model {i}.\nmodel M{i} {{\n  id        String   @id @default(cuid())\n  name      String\n  count     Int?\n  active    Boolean  @default(true)\n  note      String?\n"));
        if i > 0 {
            let p = (i * 7) % i;
            let cascade = if i % 3 == 0 {
                ", onDelete: Cascade"
            } else {
                ""
            };
            s.push_str(&format!("  parentId  String\n  parent    M{p} @relation(\"r{i}\", fields: [parentId], references: [id]{cascade})\n"));
        }
        for c in kids {
            s.push_str(&format!("  kids{c}   M{c}[] @relation(\"r{c}\")\n"));
        }
        s.push_str("  createdAt DateTime @default(now())\n  updatedAt DateTime @updatedAt\n");
        if i > 0 && i % 2 == 0 {
            s.push_str("\n  @@index([parentId])\n");
        }
        s.push_str("}\n\n");
    }
    s
}

const SIZES: [usize; 2] = [100, 1000];

#[divan::bench(args = SIZES)]
fn parse(bencher: divan::Bencher<'_, '_>, models: usize) {
    let text: Arc<str> = schema(models).into();
    bencher.bench(|| schemalint_syntax::parse(text.clone()));
}

#[divan::bench(args = SIZES)]
fn reparse_after_typing(bencher: divan::Bencher<'_, '_>, models: usize) {
    let text = schema(models);
    let old = schemalint_syntax::parse(text.as_str());
    let mid = text.len() / 2;
    let at = text[..mid].rfind('\n').map_or(0, |i| i + 1);
    let edited: Arc<str> = format!("{}// x\n{}", &text[..at], &text[at..]).into();
    bencher.bench(|| schemalint_syntax::reparse(edited.clone(), &old));
}

#[divan::bench(args = SIZES)]
fn analyse_cold(bencher: divan::Bencher<'_, '_>, models: usize) {
    let text: Arc<str> = schema(models).into();
    bencher.bench(|| {
        let mut host = AnalysisHost::new();
        host.set_file("schema.prisma", FileKind::Schema, text.clone());
        host.analysis().all_diagnostics().unwrap().len()
    });
}

/// One edit in an editing session: a line typed into the middle of the
/// schema, then every diagnostic again.
#[divan::bench(args = SIZES)]
fn analyse_after_edit(bencher: divan::Bencher<'_, '_>, models: usize) {
    let text = schema(models);
    let mid = text.len() / 2;
    let at = text[..mid].rfind('\n').map_or(0, |i| i + 1);
    let edits: [Arc<str>; 2] = [
        format!("{}// x\n{}", &text[..at], &text[at..]).into(),
        text.as_str().into(),
    ];
    let mut host = AnalysisHost::new();
    host.set_file("schema.prisma", FileKind::Schema, edits[1].clone());
    host.analysis().all_diagnostics().unwrap();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        host.set_file("schema.prisma", FileKind::Schema, edits[n % 2].clone());
        host.analysis().all_diagnostics().unwrap().len()
    });
}

/// Rendering every finding of a schema the way `check` prints them, with
/// codespan-reporting into a buffer.
#[divan::bench(args = SIZES)]
fn render_diagnostics(bencher: divan::Bencher<'_, '_>, models: usize) {
    let text = schema(models);
    let mut host = AnalysisHost::new();
    host.set_file("schema.prisma", FileKind::Schema, text.as_str().into());
    let diagnostics = host.analysis().all_diagnostics().unwrap();
    let mut files = SimpleFiles::new();
    let id = files.add("schema.prisma", text);
    let config = term::Config::default();
    bencher.bench(|| {
        let mut out = term::termcolor::NoColor::new(Vec::new());
        for d in &diagnostics {
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let diagnostic = CsDiagnostic::new(severity)
                .with_code(d.rule.code)
                .with_message(&d.message)
                .with_labels(vec![Label::primary(id, d.range.start..d.range.end)]);
            term::emit_to_write_style(&mut out, &config, &files, &diagnostic).unwrap();
        }
        out.into_inner().len()
    });
}
