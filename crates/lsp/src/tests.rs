//! The server over an in-memory stream.
//!
//! Panic isolation: the server has no request that panics, so these tests
//! add one (`schemalint/testPanic`, only in `cfg(test)` builds) and check
//! that its panic fails that request alone: an internal error naming the
//! request and the panic, a `window/logMessage`, and a server that goes on
//! answering. Also the idle hook, and the frames the publisher writes.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{ErrorCode, Result as RpcResult};

use super::{run_blocking, Backend};

impl Backend {
    /// A request whose work panics on the blocking thread, as a bug in an
    /// analysis query would.
    pub(crate) async fn test_panic(&self) -> RpcResult<Option<()>> {
        self.blocking("schemalint/testPanic", || -> Option<()> {
            panic!("injected by the test")
        })
        .await
    }
}

#[tokio::test]
async fn a_panic_in_blocking_work_is_an_internal_error() {
    let failed = run_blocking("textDocument/hover", || -> Option<u32> {
        panic!("boom at offset {}", 42)
    })
    .await
    .unwrap_err();
    assert_eq!(failed.code, ErrorCode::InternalError);
    assert_eq!(
        failed.message,
        "schemalint failed on textDocument/hover: panicked: boom at offset 42"
    );
    let failed = run_blocking("textDocument/definition", || -> Option<u32> {
        std::panic::panic_any(7_u8)
    })
    .await
    .unwrap_err();
    assert!(
        failed.message.ends_with("a panic without a message"),
        "{}",
        failed.message
    );
    // The pool is still usable.
    assert_eq!(run_blocking("x", || Some(1)).await.unwrap(), Some(1));
}

struct Client {
    reader: BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
    writer: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    /// Everything the server sent that was not a response we waited for.
    other: Vec<Value>,
}

impl Client {
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
        if msg.get("id").is_some() && msg.get("method").is_some() {
            self.send(json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}))
                .await;
        }
        msg
    }

    async fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let deadline = std::time::Duration::from_secs(20);
        loop {
            let msg = tokio::time::timeout(deadline, self.read())
                .await
                .expect("a response in time");
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.other.push(msg);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_request_fails_alone_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let schema = root.join("schema.prisma");
    std::fs::write(&schema, "model A {\n  id Int @id\n}\n").unwrap();
    let uri = format!("file://{}", schema.display());

    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_side);
    tokio::spawn(super::serve(server_read, server_write));
    let (reader, writer) = tokio::io::split(client_side);
    let mut client = Client {
        reader: BufReader::new(reader),
        writer,
        other: Vec::new(),
    };
    let init = client
        .request(
            1,
            "initialize",
            json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
        )
        .await;
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    client
        .send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        .await;

    let hover_a = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 7}});
    for id in [2, 4] {
        let failed = client
            .request(id, "schemalint/testPanic", json!(null))
            .await;
        assert_eq!(failed["error"]["code"], -32603, "{failed}");
        assert_eq!(
            failed["error"]["message"],
            "schemalint failed on schemalint/testPanic: panicked: injected by the test"
        );
        // The next request is answered as usual.
        let hover = client
            .request(id + 1, "textDocument/hover", hover_a.clone())
            .await;
        let value = hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("{hover}"));
        assert!(value.starts_with("**model `A`**"), "{value}");
    }
    // Each panic was logged as an error.
    let logged: Vec<&Value> = client
        .other
        .iter()
        .filter(|m| m["method"] == "window/logMessage" && m["params"]["type"] == 1)
        .collect();
    assert_eq!(logged.len(), 2, "{:?}", client.other);
    assert!(logged[0]["params"]["message"]
        .as_str()
        .unwrap()
        .contains("injected by the test"));
    let down = client.request(6, "shutdown", json!(null)).await;
    assert!(down.get("error").is_none(), "{down}");
}

/// How often the idle hook of [`the_idle_hook_runs_once_after_the_last_change`]
/// ran.
static IDLE_CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Once everything is published and nothing changes for `IDLE_AFTER`, the
/// idle hook runs, once: not again until another change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_hook_runs_once_after_the_last_change() {
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let schema = root.join("schema.prisma");
    let text = "model A {\n  id Int @id\n}\n";
    std::fs::write(&schema, text).unwrap();
    let uri = format!("file://{}", schema.display());

    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_side);
    fn on_idle() {
        IDLE_CALLS.fetch_add(1, Ordering::SeqCst);
    }
    tokio::spawn(super::session(
        server_read,
        |queue| super::framing::write_frames(queue, server_write),
        Some(on_idle),
    ));
    let (reader, writer) = tokio::io::split(client_side);
    let mut client = Client {
        reader: BufReader::new(reader),
        writer,
        other: Vec::new(),
    };
    client
        .request(
            1,
            "initialize",
            json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
        )
        .await;
    client
        .send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        .await;
    client
        .send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "prisma", "version": 1, "text": text}}}),
        )
        .await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while IDLE_CALLS.load(Ordering::SeqCst) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the idle hook never ran"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(super::IDLE_AFTER * 3).await;
    assert_eq!(IDLE_CALLS.load(Ordering::SeqCst), 1, "once per idle spell");
    let down = client.request(2, "shutdown", json!(null)).await;
    assert!(down.get("error").is_none(), "{down}");
}

/// The publisher writes `publishDiagnostics` itself; the frame's body
/// must be what the LSP type serializes to, with and without a version.
#[test]
fn published_frames_serialize_as_the_lsp_type() {
    use tower_lsp_server::ls_types as lsp;
    let uri: lsp::Uri = "file:///w/a%20b/schema.prisma".parse().unwrap();
    let diagnostic = lsp::Diagnostic {
        range: lsp::Range::new(lsp::Position::new(1, 2), lsp::Position::new(1, 5)),
        severity: Some(lsp::DiagnosticSeverity::WARNING),
        code: Some(lsp::NumberOrString::String("SL101".into())),
        source: Some("schemalint".into()),
        message: "m \"quoted\"".into(),
        ..Default::default()
    };
    let diagnostics = serde_json::to_string(&[&diagnostic]).unwrap();
    for version in [Some(3), None] {
        let frame = super::framing::encode_publish(&uri, &diagnostics.clone().into(), version);
        let frame = String::from_utf8(frame.to_vec()).unwrap();
        let (header, body) = frame.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let ours: serde_json::Value = serde_json::from_str(body).unwrap();
        let params =
            lsp::PublishDiagnosticsParams::new(uri.clone(), vec![diagnostic.clone()], version);
        let theirs = serde_json::json!({
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": params,
        });
        assert_eq!(ours, theirs);
    }
}
