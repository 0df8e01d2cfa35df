//! A schema whose cascades form one very long chain (or a long cycle) must
//! be analysed in linear memory, on a small stack, with short messages.
//! SL203 once kept a full chain per model and recursed once per link, so
//! 20,000 linked models took 7 GB and a deeper chain crashed the server.

use std::sync::Arc;

use schemalint_analysis::{AnalysisHost, FileKind};

fn chain(models: usize, close_cycle: bool) -> String {
    let mut s = String::from("datasource db {\n  provider = \"postgresql\"\n}\n\n");
    for i in 0..models {
        let parent = if i > 0 {
            i - 1
        } else if close_cycle {
            models - 1
        } else {
            usize::MAX
        };
        s.push_str(&format!("model M{i} {{\n  id String @id\n"));
        if parent != usize::MAX {
            s.push_str(&format!(
                "  parentId String\n  parent M{parent} @relation(\"c{i}\", fields: [parentId], references: [id], onDelete: Cascade)\n  @@index([parentId])\n"
            ));
        }
        let child = (i + 1) % models;
        if i + 1 < models || close_cycle {
            s.push_str(&format!("  children M{child}[] @relation(\"c{child}\")\n"));
        }
        s.push_str("}\n\n");
    }
    s
}

/// Runs the analysis on a thread with a 512 KiB stack, far less than a
/// recursion over thousands of links would need.
fn sl203_messages(text: String) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let mut host = AnalysisHost::new();
            host.set_file("schema.prisma", FileKind::Schema, Arc::from(text));
            host.analysis()
                .all_diagnostics()
                .unwrap()
                .into_iter()
                .filter(|d| d.rule.code == "SL203")
                .map(|d| d.message.to_string())
                .collect()
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_long_cascade_chain_is_reported_with_short_messages() {
    let models = 4000;
    let messages = sl203_messages(chain(models, false));
    // Depth 1..=3 is allowed; every deeper link is reported once.
    assert_eq!(messages.len(), models - 4);
    let last = messages
        .iter()
        .find(|m| m.contains(&format!("depth {}", models - 1)))
        .expect("the deepest link is reported");
    assert!(
        last.starts_with(&format!("`M{}.parent` ends a cascade chain", models - 1)),
        "{last}"
    );
    assert!(last.contains("deleting a `M0` row"), "{last}");
    assert!(last.contains("M0 → … → "), "{last}");
    assert!(
        messages.iter().all(|m| m.len() < 400),
        "a message grew with the chain"
    );
}

/// A cycle is walked from every relation on it, since no result that cut
/// it can be memoised: quadratic, but on a plain loop of the stack.
#[test]
fn a_long_cascade_cycle_finishes() {
    let messages = sl203_messages(chain(300, true));
    // FIXME: each relation of a cycle closes it, so a cycle of cascades is
    // not reported however long it is. This asserts today's behaviour.
    assert!(messages.is_empty(), "{messages:?}");
}
