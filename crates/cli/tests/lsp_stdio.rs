//! End to end: `schemalint lsp` as a separate process over stdio, a whole
//! session on a copy of the example workspace. Set `SCHEMALINT_BIN` to test
//! another build (CI passes the release binary).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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

fn send(stdin: &mut impl Write, msg: &Value) {
    let body = msg.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn read(stdout: &mut impl BufRead) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "server closed its output"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().unwrap();
        }
    }
    let mut buf = vec![0; len];
    stdout.read_exact(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

fn spawn_server() -> Child {
    let bin = std::env::var("SCHEMALINT_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_schemalint").to_string());
    Command::new(bin)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts")
}

/// Waits for the server to end. The deadline is generous: it only tells a
/// hung server (the failure this guards against) from a slow machine.
fn wait_for_exit(child: &mut Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

/// A server that has answered `initialize` (with no workspace), and its
/// pipes.
fn initialized_server() -> (Child, ChildStdin, BufReader<ChildStdout>) {
    let mut child = spawn_server();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": null, "capabilities": {}}}),
    );
    assert_eq!(read(&mut stdout)["id"], 1);
    (child, stdin, stdout)
}

#[test]
fn exit_ends_the_server_while_the_client_keeps_stdin_open() {
    let (mut child, mut stdin, mut stdout) = initialized_server();
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    while read(&mut stdout)["id"] != 2 {}
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    // `stdin` stays open until the end of the test, as editors keep it.
    let status = wait_for_exit(&mut child).expect("the server ends after `exit`");
    assert!(status.success(), "{status}");
    drop(stdin);
}

/// The server widens its stdout pipe, so that the megabytes a large
/// schema publishes per keystroke pass in a few writes (see
/// `widen_stdout_pipe`). The pipe is shared, so its size shows on the
/// client's end.
#[cfg(target_os = "linux")]
#[test]
fn the_server_widens_its_stdout_pipe() {
    use std::os::fd::AsRawFd;
    let (mut child, stdin, stdout) = initialized_server();
    #[allow(unsafe_code)]
    // SAFETY: `F_GETPIPE_SZ` only reads the capacity of the pipe behind a
    // descriptor this test owns.
    let size = unsafe { libc::fcntl(stdout.get_ref().as_raw_fd(), libc::F_GETPIPE_SZ) };
    // An unprivileged process may not go past the system's limit, and the
    // server then keeps the pipe it was given.
    let limit: i32 = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    if limit >= 1 << 20 {
        assert_eq!(size, 1 << 20);
    } else {
        assert!(size > 0, "the pipe is still usable");
    }
    drop(stdin);
    assert!(wait_for_exit(&mut child).is_some());
}

#[test]
fn closing_stdin_ends_the_server() {
    let (mut child, stdin, _stdout) = initialized_server();
    // A client that dies sends no `exit`; its pipe just closes.
    drop(stdin);
    assert!(
        wait_for_exit(&mut child).is_some(),
        "the server outlived its client"
    );
}

#[test]
fn a_whole_session_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lab-platform"),
        dir.path(),
    );
    let root = dir.path().canonicalize().unwrap();
    let mut child = spawn_server();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let uri = |p: &Path| format!("file://{}", p.display());

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": uri(&root),
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}}),
    );
    let init = read(&mut stdout);
    assert_eq!(init["id"], 1);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    let core = root.join("src/core/schema.prisma");
    let text = std::fs::read_to_string(&core).unwrap();
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri(&core), "languageId": "prisma", "version": 7, "text": text}}}),
    );
    let diagnostics = loop {
        let msg = read(&mut stdout);
        if msg.get("id").is_some() && msg.get("method").is_some() {
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}),
            );
            continue;
        }
        if msg["method"] == "textDocument/publishDiagnostics"
            && msg["params"]["uri"] == uri(&core)
            && msg["params"]["version"] == 7
        {
            break msg["params"]["diagnostics"].clone();
        }
    };
    let codes: Vec<&str> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"SL201") && codes.contains(&"SL101"),
        "{codes:?}"
    );

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    loop {
        let msg = read(&mut stdout);
        if msg["id"] == 2 {
            break;
        }
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}
