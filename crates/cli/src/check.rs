//! `schemalint check`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use schemalint_analysis::rules::is_known_selector;
use schemalint_analysis::{fix, AnalysisHost, Applicability, Diagnostic, Edit, FileKind, Severity};
use schemalint_project::{discover, from_files, Project};

use crate::report::{Entry, FixEdit, Position, Report};
use crate::{format, CheckArgs, OutputFormat};

pub(crate) fn run(args: &CheckArgs) -> ExitCode {
    for selector in args.select.iter().chain(&args.ignore) {
        if !is_known_selector(selector) {
            eprintln!("error: `{selector}` matches no rule; run `schemalint rules` to list them");
            return ExitCode::from(2);
        }
    }

    let mut projects = Vec::new();
    let mut files = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for path in &paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match discover(path) {
                Ok(project) => projects.push(project),
                Err(e) => return fail(&e.to_string()),
            },
            Ok(_) => files.push(path.clone()),
            Err(e) => return fail(&format!("cannot read `{}`: {e}", path.display())),
        }
    }
    if !files.is_empty() {
        match from_files(&files) {
            Ok(project) => projects.push(project),
            Err(e) => return fail(&e.to_string()),
        }
    }

    let mut report = Report::default();
    let mut unreadable = false;
    for project in &projects {
        unreadable |= check_project(project, args, &mut report);
    }

    let stdout = std::io::stdout();
    // Standard output is line-buffered; a large report written line by line
    // cost more than analysing the workspace, so it goes through one buffer.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = match args.format {
        OutputFormat::Human => format::human::write(&report, use_color(&stdout)),
        OutputFormat::Json => format::json::write(&report, &mut out),
        OutputFormat::Sarif => format::sarif::write(&report, &mut out),
        OutputFormat::Github => format::github::write(&report, &mut out),
    }
    .and_then(|()| {
        if args.statistics {
            write_statistics(&report, &mut out)
        } else {
            Ok(())
        }
    })
    .and_then(|()| out.flush());
    if let Err(e) = result {
        // A closed pipe (`schemalint check | head`) is not worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail(&format!("cannot write output: {e}"));
        }
    }

    if unreadable {
        ExitCode::from(2)
    } else if !args.exit_zero
        && report
            .entries
            .iter()
            .any(|e| e.diagnostic.severity >= Severity::Warning)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_statistics(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for e in &report.entries {
        *counts
            .entry((e.diagnostic.rule.code, e.diagnostic.rule.name))
            .or_default() += 1;
    }
    for ((code, name), n) in counts {
        writeln!(out, "{n:>6}  {code}  {name}")?;
    }
    Ok(())
}

/// Loads and checks one workspace. Returns whether some file was unreadable.
fn check_project(project: &Project, args: &CheckArgs, report: &mut Report) -> bool {
    let mut host = AnalysisHost::new();
    let problems = project.load(&mut host);
    for problem in &problems {
        eprintln!(
            "error: cannot read `{}`: {}",
            display(&problem.path),
            problem.message
        );
    }
    if args.fix || args.diff {
        apply_fixes(project, &mut host, args);
    }
    let analysis = host.analysis();
    analysis
        .prime()
        .expect("no edits run concurrently in the CLI");
    let files = analysis.files();
    report.checked += files.len();
    for &file in files {
        let display_path = display(&project.root.join(analysis.path(file)));
        let diagnostics = analysis
            .diagnostics(file)
            .expect("no edits run concurrently in the CLI");
        for diagnostic in diagnostics {
            if !selected(args, diagnostic.rule) {
                continue;
            }
            let index = report.file_index(&analysis, file, &display_path);
            let location = report.locate(index, diagnostic.range);
            let related = diagnostic
                .related
                .iter()
                .map(|r| {
                    let display_path = display(&project.root.join(analysis.path(r.file)));
                    let index = report.file_index(&analysis, r.file, &display_path);
                    (report.locate(index, r.range), r.message.to_string())
                })
                .collect();
            let fix_edits = diagnostic
                .fix
                .iter()
                .flat_map(|f| &f.edits)
                .map(|edit| match edit {
                    Edit::Replace {
                        file,
                        range,
                        content,
                    } => {
                        let display_path = display(&project.root.join(analysis.path(*file)));
                        let index = report.file_index(&analysis, *file, &display_path);
                        let l = report.locate(index, *range);
                        FixEdit {
                            file: display_path,
                            start: l.start,
                            end: l.end,
                            content: content.to_string(),
                        }
                    }
                    Edit::Create { path, content } => {
                        let start = Position { line: 1, column: 1 };
                        FixEdit {
                            file: display(&project.root.join(path)),
                            start,
                            end: start,
                            content: content.to_string(),
                        }
                    }
                })
                .collect();
            report.entries.push(Entry {
                diagnostic,
                location,
                related,
                fix_edits,
            });
        }
    }
    // The process exits next; dropping a database that holds the trees
    // and memos of a large workspace only spends time returning memory.
    drop(analysis);
    std::mem::forget(host);
    !problems.is_empty()
}

/// How many times `--fix` applies fixes and checks again. One pass cannot
/// place two fixes that insert at the same place (two `@@index` lines for
/// one model), so it skips the second; the re-check finds it again and the
/// next pass applies it. The limit stops fixes that would undo each other
/// forever, as Ruff's does.
const MAX_FIX_PASSES: usize = 10;

/// A file that `--fix` changed or created, and its text before the first
/// pass (`None` for a created file).
struct Touched {
    rel: String,
    kind: FileKind,
    original: Option<Arc<str>>,
}

/// Applies the selected fixes, in passes (see [`MAX_FIX_PASSES`]), to the
/// texts in `host`; then writes each changed file once, atomically (or
/// prints a diff), and leaves `host` holding what is on disk, so the
/// report that follows is the re-check. Any fix that would add a syntax
/// error is dropped.
fn apply_fixes(project: &Project, host: &mut AnalysisHost, args: &CheckArgs) {
    let mut touched: Vec<Touched> = Vec::new();
    let mut applied_count = 0;
    let mut passes = 0;
    let mut warned = std::collections::HashSet::new();
    while passes < MAX_FIX_PASSES {
        let analysis = host.analysis();
        let diagnostics: Vec<Diagnostic> = analysis.all_diagnostics().expect("no concurrent edits");
        let fixes: Vec<_> = diagnostics
            .iter()
            .filter(|d| selected(args, d.rule))
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe || args.unsafe_fixes)
            .collect();
        if fixes.is_empty() {
            break;
        }
        let applied = fix::apply_checked(
            &fixes,
            |f| analysis.text(f).to_string(),
            |f| analysis.kind(f) == FileKind::Schema,
        );
        for &i in &applied.dropped {
            // A dropped fix is found again by every later pass.
            if warned.insert(fixes[i].title.clone()) {
                eprintln!(
                    "warning: fix dropped, it would introduce a syntax error: {}",
                    fixes[i].title
                );
            }
        }
        if applied.applied.is_empty() {
            break;
        }
        passes += 1;
        applied_count += applied.applied.len();
        let mut updates = Vec::new();
        for (file, new_text) in applied.changed {
            let rel = analysis.path(file).to_string();
            if !touched.iter().any(|t| t.rel == rel) {
                touched.push(Touched {
                    rel: rel.clone(),
                    kind: analysis.kind(file),
                    original: Some(analysis.text(file).clone()),
                });
            }
            updates.push((rel, analysis.kind(file), new_text));
        }
        for (rel, content) in applied.created {
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let kind = if name == "migration.sql" {
                FileKind::Migration
            } else {
                FileKind::Down
            };
            if !touched.iter().any(|t| t.rel == rel) {
                touched.push(Touched {
                    rel: rel.clone(),
                    kind,
                    original: None,
                });
            }
            updates.push((rel, kind, content));
        }
        let skipped = !applied.skipped.is_empty();
        // Salsa waits for every snapshot to be dropped before it applies a
        // change, so let go of ours first.
        drop(analysis);
        for (rel, kind, text) in updates {
            host.set_file(&rel, kind, Arc::from(text));
        }
        if !skipped {
            break;
        }
    }

    let fixed: Vec<Option<Arc<str>>> = {
        let analysis = host.analysis();
        touched
            .iter()
            .map(|t| host.file(&t.rel).map(|f| analysis.text(f).clone()))
            .collect()
    };
    let mut written = 0;
    for (t, fixed) in touched.iter().zip(fixed) {
        let path = project.root.join(&t.rel);
        let Some(fixed) = fixed else {
            continue;
        };
        let done = if args.diff {
            print_diff(&display(&path), t.original.as_deref().unwrap_or(""), &fixed);
            false
        } else {
            match write_fixed(&path, t.original.is_some(), &fixed) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("error: cannot write `{}`: {e}", display(&path));
                    false
                }
            }
        };
        if done {
            written += 1;
            continue;
        }
        // Not written: the re-check reads what is on disk.
        match &t.original {
            Some(text) => {
                host.set_file(&t.rel, t.kind, text.clone());
            }
            None => host.remove_file(&t.rel),
        }
    }
    if !args.diff {
        eprintln!(
            "Applied {applied_count} fixes in {passes} pass{} ({written} files written); the report below is the re-check.",
            if passes == 1 { "" } else { "es" }
        );
    }
}

/// Writes a fixed file: an existing one atomically, a new one only if it
/// still does not exist.
fn write_fixed(path: &Path, exists: bool, text: &str) -> std::io::Result<()> {
    if exists {
        return write_atomically(path, text);
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

fn print_diff(path: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    let from = if old.is_empty() {
        "/dev/null".to_string()
    } else {
        format!("a/{path}")
    };
    print!(
        "{}",
        diff.unified_diff().header(&from, &format!("b/{path}"))
    );
}

/// Writes through a temporary file in the same folder and renames it over
/// the target, so a crash never leaves a half-written schema.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn selected(args: &CheckArgs, rule: &schemalint_analysis::Rule) -> bool {
    (args.select.is_empty() || args.select.iter().any(|s| rule.matches(s)))
        && !args.ignore.iter().any(|s| rule.matches(s))
}

/// A path as the user gave it, without a leading `./`.
pub(crate) fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace("/./", "/")
}

fn use_color(stdout: &std::io::Stdout) -> bool {
    stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
