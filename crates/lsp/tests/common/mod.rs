//! The test client shared by the protocol tests: the server runs in-process
//! behind its real JSON-RPC layer, over in-memory streams.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

pub struct Client {
    pub reader: BufReader<ReadHalf<DuplexStream>>,
    pub writer: WriteHalf<DuplexStream>,
    pub next_id: i64,
    /// Notifications and requests from the server not yet consumed.
    pub backlog: Vec<Value>,
}

impl Client {
    pub fn start() -> Client {
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

    pub async fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await.unwrap();
    }

    pub async fn read(&mut self) -> Value {
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

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_within(method, params, Duration::from_secs(20))
            .await
    }

    /// Sends a request and waits up to `limit` for each message until its
    /// response arrives.
    pub async fn request_within(&mut self, method: &str, params: Value, limit: Duration) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let msg = tokio::time::timeout(limit, self.read())
                .await
                .unwrap_or_else(|_| panic!("no response to {method} in {limit:?}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.backlog.push(msg);
        }
    }

    /// Waits for `publishDiagnostics` on `uri` that satisfies `pred`.
    pub async fn diagnostics_until(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.diagnostics_until_within(uri, pred, Duration::from_secs(20))
            .await
    }

    /// Waits until the latest diagnostics published for each URI (a map
    /// from URI to the `publishDiagnostics` params) satisfy `pred`, and
    /// returns that map. Starts from what is in the backlog.
    pub async fn published_until(
        &mut self,
        pred: impl Fn(&std::collections::HashMap<String, Value>) -> bool,
    ) -> std::collections::HashMap<String, Value> {
        let mut latest = std::collections::HashMap::new();
        let note = |m: &Value, latest: &mut std::collections::HashMap<String, Value>| {
            if m["method"] == "textDocument/publishDiagnostics" {
                let uri = m["params"]["uri"].as_str().unwrap().to_string();
                latest.insert(uri, m["params"].clone());
            }
        };
        for m in std::mem::take(&mut self.backlog) {
            note(&m, &mut latest);
        }
        while !pred(&latest) {
            let msg = tokio::time::timeout(Duration::from_secs(20), self.read())
                .await
                .unwrap_or_else(|_| panic!("diagnostics never matched: {latest:?}"));
            note(&msg, &mut latest);
        }
        latest
    }

    /// As [`Client::diagnostics_until`], waiting up to `limit` per message.
    pub async fn diagnostics_until_within(
        &mut self,
        uri: &str,
        pred: impl Fn(&Value) -> bool,
        limit: Duration,
    ) -> Value {
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
            let msg = tokio::time::timeout(limit, self.read())
                .await
                .unwrap_or_else(|_| panic!("no matching diagnostics for {uri}"));
            if matches(&msg) {
                return msg["params"].clone();
            }
        }
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
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

pub fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lab-platform");
    copy_dir(&example, dir.path());
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

pub fn has_message(params: &Value, needle: &str) -> bool {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"].as_str().unwrap().contains(needle))
}

/// The zero-based line and UTF-16 column of the first `needle` in `text`.
pub fn pos(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

pub async fn initialize(client: &mut Client, root: &Path) -> Value {
    initialize_with(
        client,
        root,
        json!({"general": {"positionEncodings": ["utf-16"]}}),
    )
    .await
}

/// `initialize` with the client capabilities given, then `initialized`.
pub async fn initialize_with(client: &mut Client, root: &Path, capabilities: Value) -> Value {
    let result = client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
            }),
        )
        .await;
    client.notify("initialized", json!({})).await;
    result
}

/// A workspace in a temporary folder holding `files` (relative path, text).
pub fn fixture(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

/// Sends `didOpen` for `uri` with `text` at `version`.
pub async fn open(client: &mut Client, uri: &str, text: &str, version: i64) {
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "prisma", "version": version, "text": text}}),
        )
        .await;
}
