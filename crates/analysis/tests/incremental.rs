//! Salsa incrementality: after one field is edited in one file of a
//! 50-model, 3-file workspace, only that file's parse and the queries that
//! depend on it run again. Executions are counted through salsa's event hook.

use std::sync::{Arc, Mutex};

use schemalint_analysis::{AnalysisHost, FileKind};

fn model(i: usize) -> String {
    let parent = if i == 0 {
        String::new()
    } else {
        format!(
            "  parentId String\n  parent   M{p} @relation(fields: [parentId], references: [id], onDelete: Cascade)\n\n  @@index([parentId])\n",
            p = i - 1
        )
    };
    let child = if i < 49 {
        format!("  children M{}[]\n", i + 1)
    } else {
        String::new()
    };
    format!("model M{i} {{\n  id        String   @id\n  name      String\n  createdAt DateTime @default(now())\n{child}{parent}}}\n\n")
}

fn workspace() -> Vec<String> {
    let mut files = vec![
        String::from("datasource db {\n  provider = \"postgresql\"\n}\n\n"),
        String::new(),
        String::new(),
    ];
    for i in 0..50 {
        files[i * 3 / 50].push_str(&model(i));
    }
    files
}

#[test]
fn one_edit_reruns_only_what_depends_on_it() {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let mut host = AnalysisHost::with_event_callback(Box::new(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            sink.lock().unwrap().push(format!("{database_key:?}"));
        }
    }));
    let texts = workspace();
    let files: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            host.set_file(
                &format!("src/m{i}/schema.prisma"),
                FileKind::Schema,
                Arc::from(t.as_str()),
            )
        })
        .collect();
    let first = host.analysis().all_diagnostics().unwrap();
    assert!(
        first.iter().any(|d| d.rule.code == "SL203"),
        "the chain is deep enough to report"
    );
    let executed_first = std::mem::take(&mut *log.lock().unwrap());
    assert_eq!(
        executed_first
            .iter()
            .filter(|k| k.starts_with("parse("))
            .count(),
        3
    );

    // Rename one field in the middle file.
    let edited = texts[1].replacen("name      String", "title     String", 1);
    host.set_file("src/m1/schema.prisma", FileKind::Schema, Arc::from(edited));
    let second = host.analysis().all_diagnostics().unwrap();
    let executed = std::mem::take(&mut *log.lock().unwrap());

    eprintln!(
        "re-executed after one edit: {executed:?} (first run: {} executions)",
        executed_first.len()
    );
    let count = |prefix: &str| executed.iter().filter(|k| k.starts_with(prefix)).count();
    let edited_id = format!("{:?}", files[1]);
    assert_eq!(
        count("parse("),
        1,
        "only the edited file is parsed again: {executed:?}"
    );
    assert_eq!(
        count("file_items("),
        1,
        "only the edited file is lowered again: {executed:?}"
    );
    assert!(
        executed
            .iter()
            .filter(|k| k.starts_with("parse(") || k.starts_with("file_items("))
            .all(|k| {
                // The key's debug form names the input by id, e.g. `parse(Id(1))`.
                let id = edited_id
                    .split("Id(")
                    .nth(1)
                    .map(|s| s.split(')').next().unwrap_or(""))
                    .unwrap_or("");
                k.contains(&format!("Id({id})"))
            }),
        "per-file queries ran for other files: {executed:?}"
    );
    assert_eq!(
        count("line_index("),
        0,
        "no line index needed again: {executed:?}"
    );
    assert!(
        executed.len() < executed_first.len(),
        "{} of {} queries re-ran",
        executed.len(),
        executed_first.len()
    );
    assert_eq!(first.len(), second.len());

    // A second identical edit runs nothing at all.
    let edited = texts[1].replacen("name      String", "title     String", 1);
    host.set_file("src/m1/schema.prisma", FileKind::Schema, Arc::from(edited));
    host.analysis().all_diagnostics().unwrap();
    assert!(log.lock().unwrap().is_empty(), "{:?}", log.lock().unwrap());
}
