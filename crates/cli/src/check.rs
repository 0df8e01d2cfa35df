//! `schemalint check`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use schemalint_analysis::rules::is_known_selector;
use schemalint_analysis::{AnalysisHost, Severity};
use schemalint_project::{discover, from_files, Project};

use crate::report::{Entry, Report};
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
    let result = match args.format {
        OutputFormat::Human => format::human::write(&report, use_color(&stdout)),
        OutputFormat::Json => format::json::write(&report, &mut stdout.lock()),
    };
    if let Err(e) = result {
        // A closed pipe (`schemalint check | head`) is not worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail(&format!("cannot write output: {e}"));
        }
    }

    if unreadable {
        ExitCode::from(2)
    } else if report
        .entries
        .iter()
        .any(|e| e.diagnostic.severity >= Severity::Warning)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
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
    let analysis = host.analysis();
    let files = analysis.files();
    report.checked += files.len();
    for file in files {
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
                    (report.locate(index, r.range), r.message.clone())
                })
                .collect();
            report.entries.push(Entry {
                diagnostic,
                location,
                related,
            });
        }
    }
    !problems.is_empty()
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
