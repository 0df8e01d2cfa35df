//! Protocol tests: the server driven through its real JSON-RPC layer over
//! in-memory streams, on a copy of the example workspace.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

struct Client {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
    next_id: i64,
    /// Notifications and requests from the server not yet consumed.
    backlog: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let (client_side, server_side) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server_side);
        tokio::spawn(schemalint_lsp::serve(server_read, server_write));
        let (reader, writer) = tokio::io::split(client_side);
        Client {
            reader: BufReader::new(reader),
            writer,
            next_id: 1,
            backlog: Vec::new(),
        }
    }

    async fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await.unwrap();
    }

    async fn read(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut buf = vec![0; len];
        self.reader.read_exact(&mut buf).await.unwrap();
        let msg: Value = serde_json::from_slice(&buf).unwrap();
        // Answer the server's own requests (such as client/registerCapability)
        // as an editor would.
        if msg.get("id").is_some() && msg.get("method").is_some() {
            self.send(json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}))
                .await;
        }
        msg
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(20), self.read())
                .await
                .expect("response in time");
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.backlog.push(msg);
        }
    }

    /// Waits for `publishDiagnostics` on `uri` that satisfies `pred`.
    async fn diagnostics_until(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && pred(&m["params"])
        };
        if let Some(i) = self.backlog.iter().position(matches) {
            let found = self.backlog.remove(i);
            return found["params"].clone();
        }
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(20), self.read())
                .await
                .unwrap_or_else(|_| panic!("no matching diagnostics for {uri}"));
            if matches(&msg) {
                return msg["params"].clone();
            }
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lab-platform");
    copy_dir(&example, dir.path());
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn has_message(params: &Value, needle: &str) -> bool {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"].as_str().unwrap().contains(needle))
}

/// The zero-based line and UTF-16 column of the first `needle` in `text`.
fn pos(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

async fn initialize(client: &mut Client, root: &Path) -> Value {
    let result = client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
            }),
        )
        .await;
    client.notify("initialized", json!({})).await;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_on_the_example_workspace() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    let init = initialize(&mut client, &root).await;
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"], 2,
        "incremental sync"
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");

    // Diagnostics arrive for files that are not open, SQL included.
    let migration =
        root.join("prisma/migrations/20240318110000_instrument_calibrations/migration.sql");
    let p = client
        .diagnostics_until(&uri(&migration), |p| {
            !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(codes(&p).contains(&"SL503".to_string()), "{p}");
    let d = &p["diagnostics"][0];
    assert_eq!(d["source"], "schemalint");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .contains("docs/rules.md#sl"));

    // Open the qms schema and see its findings, with the document version.
    let qms = root.join("src/qms/schema.prisma");
    let text = std::fs::read_to_string(&qms).unwrap();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&qms), "languageId": "prisma", "version": 1, "text": text}}),
        )
        .await;
    let p = client
        .diagnostics_until(&uri(&qms), |p| p["version"] == 1)
        .await;
    assert!(
        has_message(&p, "`CapaAction.owner` to `User` has no index"),
        "{p}"
    );
    let sl401 = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL401")
        .unwrap();
    let related = sl401["relatedInformation"][0]["location"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{sl401}"));
    assert!(related.ends_with("src/lims/schema.prisma"), "{related}");

    // Code actions on the missing index: a preferred safe quick fix and an ignore action.
    let owner = pos(&text, "owner     User");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri(&qms)},
                "range": {"start": owner, "end": owner},
                "context": {"diagnostics": []},
            }),
        )
        .await;
    let actions = actions["result"].as_array().unwrap().clone();
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Add `@@index([ownerId])`")
        })
        .unwrap();
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(edit["newText"], "\n  @@index([ownerId])");
    assert!(actions
        .iter()
        .any(|a| a["title"] == "Ignore SL101 on this line"));
    assert!(actions
        .iter()
        .any(|a| a["kind"] == "source.fixAll.schemalint"));

    // Apply the fix as an incremental edit: the finding goes away.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&qms), "version": 2},
                "contentChanges": [{"range": edit["range"], "text": edit["newText"]}],
            }),
        )
        .await;
    let p = client
        .diagnostics_until(&uri(&qms), |p| p["version"] == 2)
        .await;
    assert!(
        !has_message(&p, "`CapaAction.owner` to `User` has no index"),
        "{p}"
    );

    // Hover on a type name, and go to its definition in another module.
    let user_type = pos(&text, "User      @relation(fields: [ownerId]");
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&qms)}, "position": user_type}),
        )
        .await;
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("**model `User`**") && value.contains("module `core`"),
        "{value}"
    );
    let def = client
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri(&qms)}, "position": user_type}),
        )
        .await;
    assert!(
        def["result"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("src/core/schema.prisma"),
        "{def}"
    );

    client.request("shutdown", json!(null)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emoji_do_not_shift_ranges_and_bursts_end_on_the_final_text() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let qms = root.join("src/qms/schema.prisma");
    let text = std::fs::read_to_string(&qms).unwrap();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&qms), "languageId": "prisma", "version": 1, "text": text}}),
        )
        .await;
    client
        .diagnostics_until(&uri(&qms), |p| p["version"] == 1)
        .await;

    // 200 one-character edits typed into a comment with emoji at the top of
    // the file, sent without waiting.
    let mut current = text.clone();
    let mut version = 1;
    let prefix = "// 🚀🧪 ";
    current.insert_str(0, &format!("{prefix}\n"));
    version += 1;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&qms), "version": version},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": format!("{prefix}\n")}],
            }),
        )
        .await;
    let first_col: usize = prefix.chars().map(char::len_utf16).sum();
    for i in 0..199 {
        let col = first_col + i;
        let ch = if i % 2 == 0 { "é" } else { "x" };
        let at = current.find('\n').unwrap();
        current.insert_str(at, ch);
        version += 1;
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": uri(&qms), "version": version},
                    "contentChanges": [{"range": {"start": {"line": 0, "character": col}, "end": {"line": 0, "character": col}}, "text": ch}],
                }),
            )
            .await;
    }
    let p = client
        .diagnostics_until(&uri(&qms), |p| p["version"] == version)
        .await;

    // The ranges match the final text: the SL403 range covers `@@schema("lims")`.
    let d = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL403")
        .unwrap()
        .clone();
    let start = &d["range"]["start"];
    let line = current
        .lines()
        .nth(start["line"].as_u64().unwrap() as usize)
        .unwrap();
    let units: Vec<u16> = line.encode_utf16().collect();
    let from = start["character"].as_u64().unwrap() as usize;
    let to = d["range"]["end"]["character"].as_u64().unwrap() as usize;
    assert_eq!(
        String::from_utf16(&units[from..to]).unwrap(),
        "@@schema(\"lims\")"
    );
    // The server's buffer equals ours: the first line is exactly what we typed.
    let sl101 = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL101")
        .unwrap();
    let line = sl101["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        current
            .lines()
            .nth(line)
            .unwrap()
            .trim_start()
            .starts_with("owner"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_completion_and_watched_files() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let lims = root.join("src/lims/schema.prisma");
    let text = std::fs::read_to_string(&lims).unwrap();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&lims), "languageId": "prisma", "version": 1, "text": text}}),
        )
        .await;

    // Document symbols: blocks with their fields.
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(&lims)}}),
        )
        .await;
    let symbols = symbols["result"].as_array().unwrap();
    let sample = symbols.iter().find(|s| s["name"] == "Sample").unwrap();
    assert_eq!(sample["kind"], 5, "a class");
    assert!(sample["children"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "projectId"));
    assert!(symbols
        .iter()
        .any(|s| s["name"] == "SampleStatus" && s["kind"] == 10));

    // Workspace symbols across modules.
    let found = client
        .request("workspace/symbol", json!({"query": "devia"}))
        .await;
    let names: Vec<&str> = found["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Deviation") && names.contains(&"DeviationAudit"),
        "{names:?}"
    );

    // Completion of a field type, an attribute and a referential action.
    let edited = text.replacen("  matrix      String\n", "  matrix      String\n  lab Proj\n  x String @uni\n  y Sample @relation(fields: [x], references: [id], onDelete: \n", 1);
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&lims), "version": 2}, "contentChanges": [{"text": edited}]}),
        )
        .await;
    let at = |needle: &str| {
        let mut p = pos(&edited, needle);
        p["character"] = json!(p["character"].as_u64().unwrap() + needle.chars().count() as u64);
        p
    };
    let labels = |v: &Value| -> Vec<String> {
        v["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["label"].as_str().unwrap().to_string())
            .collect()
    };
    let r = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&lims)}, "position": at("  lab Proj")}),
        )
        .await;
    assert_eq!(labels(&r), ["Project"]);
    let r = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&lims)}, "position": at("x String @uni")}),
        )
        .await;
    assert_eq!(labels(&r), ["unique"]);
    let r = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&lims)}, "position": at("onDelete: ")}),
        )
        .await;
    assert_eq!(
        labels(&r),
        ["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"]
    );

    // A down.sql written on disk clears SL501 once the client reports it.
    let migration = root.join("prisma/migrations/20240105093000_init/migration.sql");
    client
        .diagnostics_until(&uri(&migration), |p| {
            codes(p).contains(&"SL501".to_string())
        })
        .await;
    let down = root.join("prisma/migrations/20240105093000_init/down.sql");
    std::fs::write(
        &down,
        "DROP SCHEMA \"core\" CASCADE;\nDROP SCHEMA \"lims\" CASCADE;\n",
    )
    .unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&down), "type": 1}]}),
        )
        .await;
    client
        .diagnostics_until(&uri(&migration), |p| {
            !codes(p).contains(&"SL501".to_string())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_and_rename_across_files() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let core = root.join("src/core/schema.prisma");
    let text = std::fs::read_to_string(&core).unwrap();
    let at = pos(&text, "Project {");

    let refs = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri(&core)}, "position": at, "context": {"includeDeclaration": true}}),
        )
        .await;
    let files: Vec<&str> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|u| u.ends_with("src/lims/schema.prisma")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|u| u.ends_with("src/core/schema.prisma")),
        "{files:?}"
    );

    let prepared = client
        .request(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": uri(&core)}, "position": at}),
        )
        .await;
    assert_eq!(prepared["result"]["start"], at);

    // A name that is taken is refused.
    let refused = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&core)}, "position": at, "newName": "User"}),
        )
        .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already declared"),
        "{refused}"
    );

    // A free name renames the model and every field type that names it.
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&core)}, "position": at, "newName": "Study"}),
        )
        .await;
    let changes = renamed["result"]["changes"].as_object().unwrap();
    let total: usize = changes.values().map(|v| v.as_array().unwrap().len()).sum();
    assert_eq!(total, refs["result"].as_array().unwrap().len());
    assert!(changes
        .values()
        .flat_map(|v| v.as_array().unwrap())
        .all(|e| e["newText"] == "Study"));

    // Renaming a field also renames it in `fields:`, `references:` and index lists.
    let field_at = pos(&text, "organizationId String");
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&core)}, "position": field_at, "newName": "orgId"}),
        )
        .await;
    let edits = renamed["result"]["changes"][uri(&core)]
        .as_array()
        .unwrap()
        .len();
    assert!(
        edits >= 2,
        "the declaration and at least one fields:/@@index use: {renamed}"
    );
}
