//! Robustness: malformed requests, edits past the end of a buffer, URIs
//! outside the workspace, a 10 MB file, a file deleted while open. After
//! each, the server must still answer an ordinary request.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

const DATASOURCE: &str = "datasource db {\n  provider = \"postgresql\"\n}\n";

const SMALL: &str = "model A {
  id Int @id
}

model B {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId], references: [id])
}
";

/// Asserts the server still answers: a hover on `A` in `schema`.
async fn still_serving(client: &mut Client, schema: &Path) {
    let text = std::fs::read_to_string(schema).unwrap();
    let r = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(schema)}, "position": pos(&text, "A {")}),
        )
        .await;
    let value = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover after the bad input: {r}"));
    assert!(value.starts_with("**model `A`**"), "{value}");
}

fn small_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    fixture(&[("prisma/schema.prisma", &format!("{DATASOURCE}\n{SMALL}"))])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_unknown_requests_fail_alone() {
    let (_dir, root) = small_workspace();
    let schema = root.join("prisma/schema.prisma");
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    still_serving(&mut client, &schema).await;

    // Hover without a position, and with params of the wrong shape.
    for params in [
        json!({"textDocument": {"uri": uri(&schema)}}),
        json!("not an object"),
        json!({"textDocument": {"uri": 42}, "position": {"line": -1, "character": "x"}}),
    ] {
        let r = client.request("textDocument/hover", params.clone()).await;
        assert_eq!(r["error"]["code"], -32602, "invalid params {params}: {r}");
        still_serving(&mut client, &schema).await;
    }

    // A method nobody implements.
    let r = client
        .request("textDocument/teleport", json!({"to": "mars"}))
        .await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    still_serving(&mut client, &schema).await;

    // Notifications with broken params are dropped; the next ones still work.
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&schema)}}),
        )
        .await;
    client
        .notify("textDocument/didChange", json!([1, 2, 3]))
        .await;
    client.notify("$/unknownNotification", json!({})).await;
    still_serving(&mut client, &schema).await;

    // A frame whose body is not JSON at all gets a parse error (id null),
    // JSON that is not JSON-RPC an invalid request under its id, a header
    // block without a length a parse error; none of them ends the session.
    for (frame, id, code) in [
        (
            frame("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "),
            json!(null),
            -32700,
        ),
        (
            frame("{\"id\": 77, \"method\": \"textDocument/hover\"}"),
            json!(77),
            -32600,
        ),
        (
            "Content-Type: text/plain\r\n\r\n".to_string(),
            json!(null),
            -32700,
        ),
    ] {
        tokio::io::AsyncWriteExt::write_all(&mut client.writer, frame.as_bytes())
            .await
            .unwrap();
        let answer = loop {
            let msg = tokio::time::timeout(Duration::from_secs(20), client.read())
                .await
                .expect("an error response");
            if msg.get("method").is_none() {
                break msg;
            }
        };
        assert_eq!(answer["id"], id, "{frame}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{frame}: {answer}");
        still_serving(&mut client, &schema).await;
    }
    let r = client.request("shutdown", json!(null)).await;
    assert!(r.get("error").is_none(), "{r}");
}

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_past_the_end_clamp_to_the_line_and_the_text() {
    let (_dir, root) = small_workspace();
    let schema = root.join("prisma/schema.prisma");
    let text = std::fs::read_to_string(&schema).unwrap();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    open(&mut client, &uri(&schema), &text, 1).await;

    let range = |l1: u32, c1: u32, l2: u32, c2: u32| json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}});
    let id_line = pos(&text, "  id Int @id")["line"].as_u64().unwrap() as u32;
    let changes = json!([
        // A column far past the end of a line: the end of that line.
        {"range": range(id_line, 1000, id_line, 4000), "text": " @map(\"a_id\")"},
        // A line far past the end of the text: the end of the text.
        {"range": range(5000, 3, 9000, 0), "text": "// tail\n"},
        // A range that starts in the text and ends past it replaces the rest.
        {"range": range(id_line + 8, 0, u32::MAX, u32::MAX), "text": "\n// end\n"},
        // A reversed range inserts at its start.
        {"range": range(0, 4, 0, 0), "text": ""},
    ]);
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&schema), "version": 2}, "contentChanges": changes}),
        )
        .await;

    // What the buffer must hold now.
    let mut expected = text.replacen("  id Int @id\n", "  id Int @id @map(\"a_id\")\n", 1);
    expected.push_str("// tail\n");
    let cut = expected
        .match_indices('\n')
        .nth(id_line as usize + 7)
        .unwrap()
        .0
        + 1;
    expected.truncate(cut);
    expected.push_str("\n// end\n");
    assert!(
        expected.contains("@relation(fields: [aId], references: [id])\n}\n\n// end\n"),
        "{expected}"
    );

    // Diagnostics are still published, for the new version.
    let p = client
        .diagnostics_until(&uri(&schema), |p| p["version"] == 2)
        .await;
    assert_eq!(codes(&p), ["SL101"], "{p}");

    // Fix-all rewrites the whole buffer: it is the expected text plus the index.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri(&schema)},
                "range": range(0, 0, 0, 0),
                "context": {"diagnostics": [], "only": ["source.fixAll"]},
            }),
        )
        .await;
    let fix_all = &actions["result"][0];
    assert_eq!(fix_all["kind"], "source.fixAll.schemalint", "{actions}");
    let new_text = fix_all["edit"]["changes"][uri(&schema)][0]["newText"]
        .as_str()
        .unwrap();
    assert!(new_text.contains("\n  @@index([aId])\n"), "{new_text}");
    assert_eq!(new_text.replacen("\n  @@index([aId])\n", "", 1), expected);

    // And hover sees the attribute that landed at the end of the line.
    let r = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&schema)}, "position": pos(&expected, "id Int @id @map")}),
        )
        .await;
    let value = r["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("attributes: `@id` `@map(\"a_id\")`"),
        "{value}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_uris_get_empty_answers() {
    let (_dir, root) = small_workspace();
    let schema = root.join("prisma/schema.prisma");
    std::fs::write(root.join("notes.txt"), "model A {}\n").unwrap();
    let mut client = Client::start();
    initialize(&mut client, &root).await;

    let outside = "file:///nonexistent-schemalint-dir/schema.prisma".to_string();
    let untitled = "untitled:Untitled-1".to_string();
    let not_schema = uri(&root.join("notes.txt"));
    // Open two of them, as an editor would with a scratch buffer.
    open(&mut client, &untitled, SMALL, 1).await;
    open(&mut client, &outside, SMALL, 1).await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": untitled, "version": 2}, "contentChanges": [{"text": "model X {"}]}),
        )
        .await;

    let at = json!({"line": 0, "character": 7});
    let zero = json!({"start": at, "end": at});
    for doc in [&outside, &untitled, &not_schema] {
        let td = json!({"uri": doc});
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": td, "position": at}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": td, "position": at}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": td, "position": at, "context": {"includeDeclaration": true}}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": td, "position": at}),
            ),
            (
                "textDocument/prepareRename",
                json!({"textDocument": td, "position": at}),
            ),
            (
                "textDocument/rename",
                json!({"textDocument": td, "position": at, "newName": "Z"}),
            ),
            ("textDocument/documentSymbol", json!({"textDocument": td})),
            (
                "textDocument/codeAction",
                json!({"textDocument": td, "range": zero, "context": {"diagnostics": []}}),
            ),
        ] {
            let r = client.request(method, params).await;
            assert!(r.get("error").is_none(), "{method} on {doc}: {r}");
            assert!(
                r["result"].is_null() || r["result"] == json!([]),
                "{method} on {doc}: {r}"
            );
        }
    }
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": untitled}}),
        )
        .await;
    still_serving(&mut client, &schema).await;
    // Nothing was published for documents outside the workspace.
    assert!(
        !client.backlog.iter().any(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && [&outside, &untitled]
                    .contains(&&m["params"]["uri"].as_str().unwrap().to_string())
        }),
        "{:?}",
        client.backlog
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_a_root_answers_null() {
    let mut client = Client::start();
    let init = client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )
        .await;
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    client.notify("initialized", json!({})).await;
    let doc = "file:///tmp/schemalint-no-root/schema.prisma";
    open(&mut client, doc, SMALL, 1).await;
    let r = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": 6}}),
        )
        .await;
    assert!(r["result"].is_null() && r.get("error").is_none(), "{r}");
    let r = client
        .request("workspace/symbol", json!({"query": "A"}))
        .await;
    assert!(r["result"].is_null() && r.get("error").is_none(), "{r}");
    let r = client.request("shutdown", json!(null)).await;
    assert!(r.get("error").is_none(), "{r}");
}

/// About `target` bytes of valid models, each pointing at the one before
/// (with an index, so no finding), and a last one without the index.
fn big_schema(target: usize) -> (String, usize) {
    let mut out = String::with_capacity(target + 1024);
    let mut i = 0;
    while out.len() < target {
        out.push_str(&format!("/// Generated model {i}.\nmodel M{i} {{\n  id        Int      @id\n  name      String\n  createdAt DateTime @default(now())\n"));
        if i > 0 {
            out.push_str(&format!("  parentId  Int?\n  parent    M{}?  @relation(\"P{i}\", fields: [parentId], references: [id])\n", i - 1));
        }
        out.push_str(&format!(
            "  children  M{}[] @relation(\"P{}\")\n",
            i + 1,
            i + 1
        ));
        if i > 0 {
            out.push_str("\n  @@index([parentId])\n");
        }
        out.push_str("}\n\n");
        i += 1;
    }
    out.push_str(&format!("model M{i} {{\n  id       Int  @id\n  parentId Int\n  parent   M{} @relation(\"P{i}\", fields: [parentId], references: [id])\n}}\n", i - 1));
    (out, i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_megabyte_file() {
    let (_dir, root) = fixture(&[("prisma/schema.prisma", DATASOURCE)]);
    let big = root.join("prisma/big.prisma");
    let (text, last) = big_schema(10 * 1024 * 1024);
    assert!(text.len() >= 10 * 1024 * 1024);
    let mut client = Client::start();
    initialize(&mut client, &root).await;

    let started = Instant::now();
    open(&mut client, &uri(&big), &text, 1).await;
    let limit = Duration::from_secs(600);
    let p = client
        .diagnostics_until_within(&uri(&big), |p| p["version"] == 1, limit)
        .await;
    let published = started.elapsed();
    // One finding: the last model's relation has no index.
    assert_eq!(
        codes(&p),
        ["SL101"],
        "{}",
        &p.to_string()[..p.to_string().len().min(2000)]
    );
    let line = p["diagnostics"][0]["range"]["start"]["line"]
        .as_u64()
        .unwrap();
    assert_eq!(line as usize, text.lines().count() - 2);

    let started = Instant::now();
    let needle = format!("M{} {{", last / 2);
    let r = client
        .request_within(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&big)}, "position": pos(&text, &needle)}),
            limit,
        )
        .await;
    let hovered = started.elapsed();
    let value = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"));
    let model = format!("M{}", last / 2);
    assert!(
        value.starts_with(&format!("**model `{model}`**")),
        "{value}"
    );
    assert!(
        value.contains(&format!("`M{}.parent`", last / 2 + 1)),
        "{value}"
    );
    eprintln!(
        "{} MB, {} models: diagnostics after {published:?}, then a hover in {hovered:?}",
        text.len() / (1024 * 1024),
        last + 1
    );
}

/// A file with thousands of findings: what arrives must be what the
/// analysis found, in its order, at the same places (in UTF-16, as LSP
/// counts), with the related information of duplicated names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_findings_arrive_whole_and_in_order() {
    let mut text = String::from(DATASOURCE);
    text.push_str("model Root {\n  id Int @id\n}\n\n");
    for i in 0..2300 {
        // An unindexed relation each (SL101), and every hundredth model
        // declared twice (SL401, with related information).
        let model = format!(
            "model M{i} {{\n  id     Int  @id\n  rootId Int\n  root   Root @relation(fields: [rootId], references: [id])\n}}\n\n"
        );
        text.push_str(&model);
        if i % 100 == 0 {
            text.push_str(&model);
        }
    }
    let (_dir, root) = fixture(&[("prisma/schema.prisma", &text)]);
    let schema = root.join("prisma/schema.prisma");

    // What the analysis finds, with positions in UTF-16 as LSP counts them.
    let mut host = schemalint_analysis::AnalysisHost::new();
    let file = host.set_file(
        "prisma/schema.prisma",
        schemalint_analysis::FileKind::Schema,
        std::sync::Arc::from(text.as_str()),
    );
    let index = schemalint_syntax::LineIndex::new(&text);
    let at = |offset: usize| {
        let p = index.line_col_utf16(&text, offset);
        (u64::from(p.line), u64::from(p.col))
    };
    let expected: Vec<_> = host
        .analysis()
        .diagnostics(file)
        .unwrap()
        .iter()
        .map(|d| {
            let related: Vec<_> = d
                .related
                .iter()
                .map(|r| (at(r.range.start), r.message.to_string()))
                .collect();
            (
                d.rule.code.to_string(),
                at(d.range.start),
                at(d.range.end),
                d.message.to_string(),
                related,
            )
        })
        .collect();
    assert!(expected.len() > 2300, "{} findings", expected.len());
    assert!(expected.iter().any(|e| !e.4.is_empty()));

    let mut client = Client::start();
    initialize(&mut client, &root).await;
    open(&mut client, &uri(&schema), &text, 1).await;
    let p = client
        .diagnostics_until_within(
            &uri(&schema),
            |p| p["version"] == 1,
            Duration::from_secs(120),
        )
        .await;
    let point = |v: &serde_json::Value| {
        (
            v["line"].as_u64().unwrap(),
            v["character"].as_u64().unwrap(),
        )
    };
    let published: Vec<_> = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let related: Vec<_> = d["relatedInformation"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .map(|r| {
                            (
                                point(&r["location"]["range"]["start"]),
                                r["message"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let message = d["message"].as_str().unwrap();
            (
                d["code"].as_str().unwrap().to_string(),
                point(&d["range"]["start"]),
                point(&d["range"]["end"]),
                message.to_string(),
                related,
            )
        })
        .collect();
    assert_eq!(published.len(), expected.len());
    for (k, (got, want)) in published.iter().zip(&expected).enumerate() {
        assert!(
            got.0 == want.0
                && got.1 == want.1
                && got.2 == want.2
                && got.3.starts_with(&want.3)
                && got.4 == want.4,
            "finding {k}: published {got:?}, analysed {want:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_deleted_while_open() {
    let extra_text = "model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n}\n";
    let (_dir, root) = fixture(&[
        (
            "prisma/schema.prisma",
            &format!("{DATASOURCE}\nmodel A {{\n  id Int @id\n  bs B[]\n}}\n"),
        ),
        ("prisma/extra.prisma", extra_text),
    ]);
    let schema = root.join("prisma/schema.prisma");
    let extra = root.join("prisma/extra.prisma");
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    client
        .diagnostics_until(&uri(&extra), |p| codes(p) == ["SL101"])
        .await;
    open(&mut client, &uri(&extra), extra_text, 1).await;
    client
        .diagnostics_until(&uri(&extra), |p| p["version"] == 1)
        .await;

    // Deleted on disk: the open buffer still counts.
    std::fs::remove_file(&extra).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&extra), "type": 3}]}),
        )
        .await;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&extra), "version": 2},
                "contentChanges": [{"range": {"start": {"line": 1, "character": 13}, "end": {"line": 1, "character": 13}}, "text": " @map(\"b_id\")"}],
            }),
        )
        .await;
    let p = client
        .diagnostics_until(&uri(&extra), |p| p["version"] == 2)
        .await;
    assert_eq!(codes(&p), ["SL101"], "{p}");
    // `B` still resolves from the other file while the buffer is open.
    let p = client
        .request("workspace/symbol", json!({"query": "B"}))
        .await;
    assert_eq!(p["result"].as_array().unwrap().len(), 1, "{p}");

    // Closed: the file is gone from the workspace, its diagnostics are
    // cleared, and `A.bs` now names an unknown type.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(&extra)}}),
        )
        .await;
    let (extra_uri, schema_uri) = (uri(&extra), uri(&schema));
    client
        .published_until(|latest| {
            latest
                .get(&extra_uri)
                .is_some_and(|p| p["diagnostics"] == json!([]))
                && latest
                    .get(&schema_uri)
                    .is_some_and(|p| codes(p) == ["SL002"])
        })
        .await;
    let p = client
        .request("workspace/symbol", json!({"query": "B"}))
        .await;
    assert_eq!(p["result"], json!([]), "{p}");
    still_serving(&mut client, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_an_unsaved_buffer_returns_to_the_disk() {
    let (_dir, root) = small_workspace();
    let schema = root.join("prisma/schema.prisma");
    let text = std::fs::read_to_string(&schema).unwrap();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    open(&mut client, &uri(&schema), &text, 1).await;
    let broken = text.replace("aId Int\n", "aId Int\n  c   Nope\n");
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&schema), "version": 2}, "contentChanges": [{"text": broken}]}),
        )
        .await;
    let p = client
        .diagnostics_until(&uri(&schema), |p| p["version"] == 2)
        .await;
    assert!(codes(&p).contains(&"SL002".to_string()), "{p}");
    // Closed without saving: the disk's text is analysed again.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(&schema)}}),
        )
        .await;
    client
        .diagnostics_until(&uri(&schema), |p| codes(p) == ["SL101"])
        .await;
    still_serving(&mut client, &schema).await;
}
