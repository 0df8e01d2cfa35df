//! The frames between the client and tower-lsp-server, in both directions.
//!
//! **Input: a guard in front of tower-lsp-server's reader.**
//! Its codec answers a frame it cannot decode (a body that is not JSON, or
//! JSON that is no JSON-RPC message, a bad header) with an error response,
//! and then its input stream ends: `FramedRead` stops after a decoder
//! error, so the whole server exits on one malformed message. [`forward`]
//! reads the frames first and passes on only those the codec accepts; any
//! other frame becomes a request for [`INVALID_MESSAGE`], which answers
//! with the JSON-RPC error the codec would have sent (parse error or
//! invalid request, with the message's id when it has a usable one), and
//! the server keeps serving.
//!
//! **Output: one writer for two sources.** tower-lsp-server turns every
//! message it sends into a `serde_json::Value` tree and then into text. For
//! `publishDiagnostics`, that tree cost more than computing the
//! diagnostics: on cal.com's schema a fifth of the server's time per
//! keystroke went to building, writing and freeing it. The publisher
//! therefore writes those notifications itself ([`encode_publish`]),
//! around diagnostics it keeps as JSON text between rounds. Both sources
//! feed one queue: the server's output is cut into whole frames
//! ([`queue_frames`]), and one task writes the queue ([`write_frames`]), so
//! frames never interleave.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method that turns a rejected frame into its error response.
pub(crate) const INVALID_MESSAGE: &str = "schemalint/invalidMessage";

/// Bodies larger than this are skipped, not read into memory.
const MAX_BODY: usize = 1 << 30;

/// Copies frames from `input` to `output` until `input` ends, replacing
/// the frames the server's codec would reject.
pub(crate) async fn forward<I, W>(input: I, mut output: W) -> std::io::Result<()>
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let Some(header) = read_header(&mut reader).await? else {
            return Ok(());
        };
        let body = match header {
            Header::Length(len) if len <= MAX_BODY => {
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).await.is_err() {
                    return Ok(());
                }
                if is_message(&body) {
                    body
                } else {
                    invalid(&body)
                }
            }
            Header::Length(len) => {
                let skipped =
                    tokio::io::copy(&mut (&mut reader).take(len as u64), &mut tokio::io::sink())
                        .await?;
                if skipped < len as u64 {
                    return Ok(());
                }
                replacement(
                    Value::Null,
                    -32600,
                    format!("message of {len} bytes is larger than the limit of {MAX_BODY}"),
                )
            }
            Header::Bad(why) => replacement(Value::Null, -32700, why),
        };
        output.write_all(&frame_header(body.len())).await?;
        output.write_all(&body).await?;
        output.flush().await?;
    }
}

/// What the writer task receives.
pub(crate) enum Outgoing {
    /// A whole frame: header and body.
    Frame(Frame),
    /// The server's own output ended: the session is over.
    End,
}

/// The queue of [`write_frames`]. It is bounded, so a client that reads
/// slowly slows the senders down instead of letting frames pile up.
pub(crate) type Outbox = mpsc::Sender<Outgoing>;

/// A new queue for [`write_frames`].
pub(crate) fn queue() -> (Outbox, mpsc::Receiver<Outgoing>) {
    mpsc::channel(8)
}

/// One frame, as the pieces it is written from: a frame of the server's
/// own is one piece; a `publishDiagnostics` frame is written around the
/// JSON array the publisher keeps for the file, which on a large schema is
/// megabytes that a single buffer would copy on every keystroke.
pub(crate) struct Frame {
    /// The header and the body, or the body up to `shared`.
    head: Vec<u8>,
    /// A piece kept elsewhere, and the rest of the body after it.
    shared: Option<(std::sync::Arc<str>, Vec<u8>)>,
}

impl Frame {
    fn whole(bytes: Vec<u8>) -> Frame {
        Frame {
            head: bytes,
            shared: None,
        }
    }

    /// The frame's bytes, in pieces that follow each other.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let (shared, tail) = match &self.shared {
            Some((shared, tail)) => (shared.as_bytes(), tail.as_slice()),
            None => (&[][..], &[][..]),
        };
        [self.head.as_slice(), shared, tail].into_iter()
    }

    /// The frame's bytes in one buffer.
    #[cfg(test)]
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        self.pieces().flatten().copied().collect()
    }
}

/// A `textDocument/publishDiagnostics` notification as a frame, written
/// around `diagnostics`, which is already a JSON array (see
/// `diagnostics`). The fields are those `PublishDiagnosticsParams`
/// serializes, in its order.
pub(crate) fn encode_publish(
    uri: &tower_lsp_server::ls_types::Uri,
    diagnostics: &std::sync::Arc<str>,
    version: Option<i32>,
) -> Frame {
    // A URI serializes as a JSON string; that cannot fail.
    let uri = serde_json::to_string(uri).unwrap_or_default();
    let start = [
        r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
        &uri,
        r#","diagnostics":"#,
    ]
    .concat();
    let end = match version {
        Some(v) => format!(r#","version":{v}}}}}"#),
        None => "}}".to_string(),
    };
    let mut head = frame_header(start.len() + diagnostics.len() + end.len());
    head.extend_from_slice(start.as_bytes());
    Frame {
        head,
        shared: Some((diagnostics.clone(), end.into_bytes())),
    }
}

/// The header of a frame whose body is `len` bytes: the one header every
/// frame in both directions carries.
fn frame_header(len: usize) -> Vec<u8> {
    format!("Content-Length: {len}\r\n\r\n").into_bytes()
}

/// Cuts the server's output into whole frames and queues them, then
/// queues [`Outgoing::End`] when that output ends.
pub(crate) async fn queue_frames<R: AsyncRead + Unpin>(server_output: R, outbox: Outbox) {
    let mut reader = BufReader::new(server_output);
    // The server's codec writes exactly one `Content-Length` header per
    // frame; anything else would be a bug there, and ends the session, with
    // a word on stderr (the editor's log) so that it does not end silently.
    loop {
        let len = match read_header(&mut reader).await {
            Ok(Some(Header::Length(len))) => len,
            Ok(None) => break,
            Ok(Some(Header::Bad(why))) => {
                eprintln!("schemalint: the server wrote a frame with a bad header ({why}); its output ends here");
                break;
            }
            Err(e) => {
                eprintln!(
                    "schemalint: reading the server's output failed ({e}); its output ends here"
                );
                break;
            }
        };
        let mut frame = frame_header(len);
        let head = frame.len();
        frame.resize(head + len, 0);
        if let Err(e) = reader.read_exact(&mut frame[head..]).await {
            eprintln!("schemalint: the server's output ended inside a frame ({e})");
            break;
        }
        if outbox
            .send(Outgoing::Frame(Frame::whole(frame)))
            .await
            .is_err()
        {
            return;
        }
    }
    let _ = outbox.send(Outgoing::End).await;
}

/// Writes each queued frame whole, until [`Outgoing::End`].
pub(crate) async fn write_frames<O: AsyncWrite>(
    mut queue: mpsc::Receiver<Outgoing>,
    output: O,
) -> std::io::Result<()> {
    tokio::pin!(output);
    while let Some(Outgoing::Frame(frame)) = queue.recv().await {
        for piece in frame.pieces() {
            output.write_all(piece).await?;
        }
        output.flush().await?;
    }
    output.flush().await
}

/// [`write_frames`] with blocking writes, for a thread that may block:
/// each frame goes to `output` straight from the queue, with no copy.
pub(crate) fn write_frames_blocking(
    mut queue: mpsc::Receiver<Outgoing>,
    mut output: impl std::io::Write,
) -> std::io::Result<()> {
    while let Some(Outgoing::Frame(frame)) = queue.blocking_recv() {
        for piece in frame.pieces() {
            output.write_all(piece)?;
        }
        output.flush()?;
    }
    output.flush()
}

enum Header {
    Length(usize),
    Bad(String),
}

/// Reads one header block; `None` at the end of the input. Blank lines
/// before a block are skipped; headers other than `Content-Length` are
/// dropped (the body is always UTF-8 JSON here).
async fn read_header<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<Header>> {
    let mut length = None;
    let mut bad = None;
    let mut seen = false;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let mut line = line.trim_end_matches(['\r', '\n']);
        // The rest of a body that was not where its length said: resync on
        // the next header, as the server's codec does.
        if let Some(i) = line.find("Content-Length:").filter(|i| *i > 0) {
            line = &line[i..];
        }
        if line.is_empty() {
            if seen {
                break;
            }
            continue;
        }
        seen = true;
        match line.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad = Some(format!("invalid Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad = Some(format!("invalid header line `{line}`")),
        }
    }
    Ok(Some(match (bad, length) {
        (Some(why), _) => Header::Bad(why),
        (None, Some(n)) => Header::Length(n),
        (None, None) => Header::Bad("missing Content-Length header".into()),
    }))
}

/// Whether the server's codec decodes `body`: a JSON-RPC request,
/// notification or response.
fn is_message(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok()
        && (serde_json::from_slice::<Request>(body).is_ok()
            || serde_json::from_slice::<Response>(body).is_ok())
}

/// The replacement for a body the codec would reject.
fn invalid(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Err(e) => replacement(Value::Null, -32700, format!("not JSON: {e}")),
        Ok(value) => {
            // Answer under the message's own id when it is one.
            let id = match value.get("id") {
                Some(id @ Value::String(_)) => id.clone(),
                Some(id) if id.as_i64().is_some() => id.clone(),
                _ => Value::Null,
            };
            replacement(id, -32600, "not a JSON-RPC 2.0 message".into())
        }
    }
}

fn replacement(id: Value, code: i64, message: String) -> Vec<u8> {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_MESSAGE,
        "params": {"code": code, "message": message},
    })
    .to_string()
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        forward(input, &mut out).await.unwrap();
        let mut bodies = Vec::new();
        let mut rest = &out[..];
        while !rest.is_empty() {
            let text = std::str::from_utf8(rest).unwrap();
            let (head, after) = text.split_once("\r\n\r\n").unwrap();
            let len: usize = head
                .strip_prefix("Content-Length: ")
                .unwrap()
                .parse()
                .unwrap();
            bodies.push(serde_json::from_str(&after[..len]).unwrap());
            rest = &after.as_bytes()[len..];
        }
        bodies
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn good_frames_pass_and_bad_ones_become_error_requests() {
        let hover = r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#;
        let response = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        let input = [
            frame(hover),
            frame("{\"jsonrpc\": "),
            format!(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}",
                frame(r#"{"id":7,"method":"x"}"#)
            ),
            frame(response),
            "Content-Type: foo\r\n\r\n".to_string(),
            "Content-Length: lots\r\n\r\n".to_string(),
            frame(hover),
        ]
        .concat();
        let out = run(input.as_bytes()).await;
        assert_eq!(out.len(), 7, "{out:?}");
        assert_eq!(out[0], serde_json::from_str::<Value>(hover).unwrap());
        assert_eq!(out[1]["method"], INVALID_MESSAGE);
        assert_eq!(out[1]["id"], Value::Null);
        assert_eq!(out[1]["params"]["code"], -32700);
        // JSON without `"jsonrpc": "2.0"`: an invalid request, under its id.
        assert_eq!(out[2]["id"], 7);
        assert_eq!(out[2]["params"]["code"], -32600);
        assert_eq!(out[3], serde_json::from_str::<Value>(response).unwrap());
        assert_eq!(out[4]["params"]["message"], "missing Content-Length header");
        assert_eq!(out[5]["params"]["code"], -32700);
        assert_eq!(out[6]["id"], 1);
    }

    #[tokio::test]
    async fn a_truncated_body_ends_the_stream_quietly() {
        let out = run(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"").await;
        assert!(out.is_empty());
    }

    /// A frame with a bad header ends the server's output: the frames
    /// before it go out whole, nothing after it does, and the writer stops.
    #[tokio::test]
    async fn a_bad_header_ends_the_output_after_the_good_frames() {
        let (outbox, queue) = queue();
        let good = r#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        let input = format!(
            "{}X-Broken: yes\r\n\r\n{{}}{}",
            frame(good),
            frame(r#"{"jsonrpc":"2.0","id":2,"result":null}"#)
        );
        let mut client_side = Vec::new();
        let (_, written) = tokio::join!(
            queue_frames(input.as_bytes(), outbox),
            write_frames(queue, &mut client_side),
        );
        written.unwrap();
        assert_eq!(String::from_utf8(client_side).unwrap(), frame(good));
    }

    /// The server's output arrives in pieces smaller than a header while
    /// the publisher queues frames of its own: every frame must still reach
    /// the client whole and in its source's order.
    #[tokio::test]
    async fn frames_from_both_sources_arrive_whole() {
        let (outbox, queue) = queue();
        // A pipe of 5 bytes makes the server's frames arrive in pieces.
        let (mut server_side, server_frames) = tokio::io::duplex(5);
        let mut client_side = Vec::new();
        // The server ends only after the publisher's last frame, as in a
        // session, where nothing is published after `exit`.
        let published_all = tokio::sync::Notify::new();
        let server = async {
            for i in 0..20 {
                let body = format!(
                    r#"{{"jsonrpc":"2.0","id":{i},"result":"{}"}}"#,
                    "x".repeat(i)
                );
                server_side
                    .write_all(frame(&body).as_bytes())
                    .await
                    .unwrap();
            }
            published_all.notified().await;
            drop(server_side);
        };
        let publisher = async {
            for i in 0..20 {
                let uri = format!("file:///{i}.prisma").parse().unwrap();
                let framed = encode_publish(&uri, &"[]".into(), Some(i));
                outbox.send(Outgoing::Frame(framed)).await.unwrap();
                tokio::task::yield_now().await;
            }
            published_all.notify_one();
        };
        let (_, _, _, written) = tokio::join!(
            server,
            publisher,
            queue_frames(server_frames, outbox.clone()),
            write_frames(queue, &mut client_side),
        );
        written.unwrap();
        let out = run(&client_side).await;
        let ids: Vec<_> = out.iter().filter_map(|m| m["id"].as_u64()).collect();
        let published: Vec<_> = out
            .iter()
            .filter_map(|m| m["params"]["version"].as_u64())
            .collect();
        assert_eq!(ids, (0..20).collect::<Vec<_>>());
        assert_eq!(published, (0..20).collect::<Vec<_>>());
        assert_eq!(out.len(), 40);
    }
}
