//! The `schemalint` binary.

mod allocator;
mod check;
mod format;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "schemalint",
    version,
    about = "Static analysis for Prisma schemas and their migrations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check schema files, modules and migrations for the mistakes that cost data and speed.
    Check(CheckArgs),
    /// List every rule with its code, name, default severity and fix.
    Rules,
    /// Run the language server over standard input and output.
    Lsp,
    /// Print the manual of one rule, e.g. `schemalint explain SL101`.
    Explain {
        /// A rule code (`SL101`) or name (`missing-relation-index`).
        rule: String,
    },
}

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// Schema files or workspace directories. Defaults to the current directory.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub(crate) format: OutputFormat,
    /// Only report these rules: codes (SL101), prefixes (SL1) or names, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub(crate) select: Vec<String>,
    /// Never report these rules: codes, prefixes or names, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
    /// Apply safe fixes, write them atomically, and re-check.
    #[arg(long)]
    pub(crate) fix: bool,
    /// With --fix or --diff, also apply unsafe fixes (they change data or migration behaviour).
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long)]
    pub(crate) diff: bool,
    /// Print the number of findings per rule after the report.
    #[arg(long)]
    pub(crate) statistics: bool,
    /// Exit with status 0 even when findings are reported.
    #[arg(long)]
    pub(crate) exit_zero: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Source snippets with carets, for people.
    Human,
    /// One JSON document, for tools.
    Json,
    /// SARIF 2.1.0, for code scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands, which become annotations.
    Github,
}

fn main() -> ExitCode {
    allocator::init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules => {
            print_rules();
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => explain(&rule),
        Command::Lsp => {
            allocator::keep_freed_memory();
            match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => {
                    runtime.block_on(schemalint_lsp::run_stdio(allocator::purge));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot start the server's runtime: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn print_rules() {
    use schemalint_analysis::rules::{FixAvailability, ALL_RULES};
    println!(
        "{:<6}  {:<32}  {:<8}  {:<6}  summary",
        "code", "name", "severity", "fix"
    );
    for rule in ALL_RULES {
        let fix = match rule.fix {
            FixAvailability::None => "-",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Sometimes => "mixed",
        };
        println!(
            "{:<6}  {:<32}  {:<8}  {:<6}  {}",
            rule.code,
            rule.name,
            rule.default_severity.as_str(),
            fix,
            rule.summary()
        );
    }
}

fn explain(code: &str) -> ExitCode {
    match schemalint_analysis::rules::find(code) {
        Some(rule) => {
            println!("# {} {}\n", rule.code, rule.name);
            println!("Default severity: {}\n", rule.default_severity.as_str());
            println!("{}", rule.doc().trim_end());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: unknown rule `{code}`; run `schemalint rules` to list them");
            ExitCode::from(2)
        }
    }
}
