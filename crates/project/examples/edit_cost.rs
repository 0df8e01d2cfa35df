//! Counts the salsa query executions (and the time) that one edit costs.
//!
//! cargo run --release -p schemalint-project --example edit_cost -- WORKSPACE
//!
//! Loads the workspace as `check` does, computes every diagnostic once, then
//! makes two edits to the largest schema file and recomputes all
//! diagnostics after each: a new field typed into a model (a semantic edit)
//! and one character typed into a comment. Prints one JSON object with the
//! executions per query for each step. The numbers show whether the work of
//! an edit grows with the size of the edit or with the size of the schema.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use schemalint_analysis::{AnalysisHost, FileKind};

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let project = match schemalint_project::discover(Path::new(&root)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let mut host = AnalysisHost::with_event_callback(Box::new(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            let key = format!("{database_key:?}");
            let name = key.split('(').next().unwrap_or(&key).to_string();
            sink.lock().unwrap().push(name);
        }
    }));
    project.load(&mut host);

    let take = |label: &str, host: &AnalysisHost| {
        log.lock().unwrap().clear();
        let start = Instant::now();
        let n = host
            .analysis()
            .all_diagnostics()
            .map(|d| d.len())
            .unwrap_or(0);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for name in log.lock().unwrap().drain(..) {
            *counts.entry(name).or_default() += 1;
        }
        let total: usize = counts.values().sum();
        format!(
            "\"{label}\": {{\"ms\": {ms:.2}, \"diagnostics\": {n}, \"executions\": {total}, \"by_query\": {}}}",
            serde_like(&counts)
        )
    };

    let files = host.analysis().files().to_vec();
    let schema = files
        .iter()
        .copied()
        .filter(|f| host.analysis().kind(*f) == FileKind::Schema)
        .max_by_key(|f| host.analysis().text(*f).len());
    let Some(schema) = schema else {
        eprintln!("error: no schema file in {root}");
        std::process::exit(2);
    };
    let path = host.analysis().path(schema).to_string();
    let text = host.analysis().text(schema).to_string();

    let cold = take("cold", &host);

    // A new field line after the first model's opening brace.
    let at = text
        .find("model ")
        .and_then(|m| text[m..].find('{').map(|b| m + b + 1));
    let Some(at) = at else {
        eprintln!("error: no model in {path}");
        std::process::exit(2);
    };
    let edited = format!("{}\n  benchNote String?{}", &text[..at], &text[at..]);
    host.set_file(&path, FileKind::Schema, Arc::from(edited.as_str()));
    let field = take("add_field", &host);

    let commented = format!("{}\n  // x{}", &edited[..at], &edited[at..]);
    host.set_file(&path, FileKind::Schema, Arc::from(commented.as_str()));
    let comment = take("type_in_comment", &host);

    // PROFILE_EDITS=N types a character into the comment and deletes it
    // again, in turn, N times, for a profiler to look at: as in an editor,
    // every edit moves the rest of the file.
    let repeats: usize = std::env::var("PROFILE_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let start = Instant::now();
    for i in 0..repeats {
        let typed = if i % 2 == 0 { "y" } else { "" };
        let t = format!("{}\n  // x{typed}{}", &edited[..at], &edited[at..]);
        host.set_file(&path, FileKind::Schema, Arc::from(t.as_str()));
        let _ = host.analysis().all_diagnostics();
    }
    if repeats > 0 {
        let ms = start.elapsed().as_secs_f64() * 1e3 / repeats as f64;
        eprintln!("{repeats} typing edits: {ms:.2} ms each");
    }

    println!(
        "{{\"workspace\": \"{root}\", \"files\": {}, \"schema_bytes\": {}, {cold}, {field}, {comment}}}",
        files.len(),
        text.len()
    );
}

fn serde_like(counts: &BTreeMap<String, usize>) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}
