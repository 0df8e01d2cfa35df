//! The schemalint language server.
//!
//! It owns an [`AnalysisHost`] and the open buffers (ropey). Every
//! `didOpen`/`didChange` is applied to the buffer and to the salsa input
//! synchronously, under one lock and before any `.await`, so edits apply in
//! the order the client sent them. Diagnostics are then computed on a
//! snapshot on a blocking thread; a newer edit cancels that work (salsa
//! cancellation), and results are only published if no newer edit arrived,
//! so the client never sees diagnostics for an older text than it holds.
//!
//! Only this crate knows LSP types and JSON-RPC.

mod convert;
mod diagnostics;
mod framing;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ropey::Rope;
use schemalint_analysis::{
    fix, Analysis, AnalysisHost, Applicability, Diagnostic, Edit, FileKind, SourceFile,
};
use schemalint_project::Project;
use schemalint_syntax::{LineIndex, TextRange};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use convert::Encoding;

/// Serves LSP over the given streams until the client exits.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    session(input, |queue| framing::write_frames(queue, output), None).await;
}

/// [`serve`], with `write` writing the queue of outgoing frames (see
/// `framing`) to the client, and `on_idle` called when the server is idle
/// (see [`run_stdio`]).
async fn session<I, W>(
    input: I,
    write: impl FnOnce(mpsc::Receiver<framing::Outgoing>) -> W,
    on_idle: Option<fn()>,
) where
    I: tokio::io::AsyncRead + Unpin,
    W: std::future::Future<Output = std::io::Result<()>>,
{
    // Everything for the client goes through one queue and one writer (see
    // `framing`): the server's own messages and the publisher's.
    let (outbox, queue) = framing::queue();
    let publisher_outbox = outbox.clone();
    let builder =
        LspService::build(move |client| Backend::new(client, publisher_outbox.clone(), on_idle))
            .custom_method(framing::INVALID_MESSAGE, Backend::invalid_message);
    // Unit tests add a request that panics, to check that a panic fails
    // that request only. The server proper has no such request.
    #[cfg(test)]
    let builder = builder.custom_method("schemalint/testPanic", Backend::test_panic);
    let (service, socket) = builder.finish();
    // Frames reach the server through `framing::forward`, which keeps one
    // malformed message from ending the session.
    let (pipe_write, pipe_read) = tokio::io::duplex(1 << 20);
    let (server_output, server_frames) = tokio::io::duplex(1 << 20);
    let server = Server::new(pipe_read, server_output, socket).serve(service);
    let session = async {
        tokio::pin!(server);
        tokio::select! {
            // `exit` ends the server while the client may keep its end open.
            () = &mut server => {}
            result = framing::forward(input, pipe_write) => {
                if let Err(e) = result {
                    eprintln!("schemalint: reading from the client failed: {e}");
                }
                // The input ended and the pipe is closed: let the server
                // finish.
                server.await;
            }
        }
    };
    // The server drops its output when it ends, which ends the queue
    // (`Outgoing::End`) once its last frame is in.
    let (_, _, written) = tokio::join!(
        session,
        framing::queue_frames(server_frames, outbox),
        write(queue),
    );
    if let Err(e) = written {
        eprintln!("schemalint: writing to the client failed: {e}");
    }
}

/// Serves LSP over stdin and stdout.
///
/// Stdin is read on a plain thread of its own, not with `tokio::io::stdin`:
/// tokio reads it with a blocking read that cannot be cancelled, so after
/// `exit` the runtime's shutdown would wait for a client that keeps stdin
/// open. The plain thread is left behind and ends with the process.
///
/// `on_idle` runs, on a thread of its own, once everything is published
/// and no change has arrived for five seconds: the binary returns the
/// memory it kept for the next keystrokes to the system there.
pub async fn run_stdio(on_idle: fn()) {
    use std::io::Read;
    use tokio::io::AsyncWriteExt;
    widen_stdout_pipe();
    let (mut pipe, input) = tokio::io::duplex(1 << 16);
    let runtime = tokio::runtime::Handle::current();
    let reader = std::thread::Builder::new()
        .name("schemalint-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0; 1 << 16];
            loop {
                let n = match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                if runtime.block_on(pipe.write_all(&buf[..n])).is_err() {
                    break;
                }
            }
        });
    if let Err(e) = reader {
        eprintln!("schemalint: cannot start the stdin reader: {e}");
        return;
    }
    // Frames are written to stdout with plain blocking writes, on a thread
    // of the blocking pool: tokio's stdout copies every write into a buffer
    // of its own and hands it to such a thread anyway, which for the
    // megabytes a keystroke on a large schema publishes cost a copy and a
    // hand-off per 2 MB (`docs/benchmarks.md`).
    session(
        input,
        |queue| async move {
            tokio::task::spawn_blocking(move || {
                framing::write_frames_blocking(queue, std::io::stdout())
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
        },
        Some(on_idle),
    )
    .await;
}

/// Asks for a pipe of 1 MB on stdout, when stdout is a pipe, instead of
/// Linux's 64 KB. A large schema publishes megabytes per keystroke, and
/// with the default pipe the server and the editor took turns 16 times
/// per megabyte; on a 10,000-model schema this took the write of a
/// keystroke's diagnostics from 3.6 to 2.1 ms (`docs/benchmarks.md`). A
/// refusal (another kind of stdout, or a lower limit set by the system)
/// leaves the pipe as it was.
fn widen_stdout_pipe() {
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    // SAFETY: `fcntl` with `F_SETPIPE_SZ` takes an int and only changes
    // the capacity of the pipe behind descriptor 1; on any other kind of
    // file it fails with EBADF or EINVAL and changes nothing.
    unsafe {
        libc::fcntl(libc::STDOUT_FILENO, libc::F_SETPIPE_SZ, 1 << 20);
    }
}

struct Document {
    rope: Rope,
    version: i32,
}

struct State {
    root: Option<PathBuf>,
    host: AnalysisHost,
    docs: HashMap<String, Document>,
    encoding: Encoding,
    /// The client resolves a code action's edit on demand, so the fix-all
    /// action, whose edit costs two parses of the file, is only computed
    /// when it is chosen.
    resolve_edits: bool,
    /// Bumped on every change; published results must match it.
    generation: u64,
    /// What was last published per workspace-relative path: the document
    /// version it was computed for and the diagnostics. Files missing from
    /// the next round get an empty list.
    /// The diagnostics are a JSON array (see `diagnostics`).
    published: HashMap<String, (Option<i32>, Arc<str>)>,
    /// LSP diagnostics already converted, per file (see `diagnostics`).
    converted: diagnostics::Conversions,
}

struct Backend {
    client: Client,
    /// Where the publisher writes its notifications (see `framing`).
    outbox: framing::Outbox,
    state: Arc<Mutex<State>>,
    /// Wakes the one publisher task. All diagnostics are published from
    /// that task, so rounds never interleave and none is lost when a
    /// handler's future ends early.
    changed: Arc<tokio::sync::Notify>,
    on_idle: Option<fn()>,
}

impl Backend {
    fn new(client: Client, outbox: framing::Outbox, on_idle: Option<fn()>) -> Self {
        Backend {
            client,
            outbox,
            on_idle,
            changed: Arc::new(tokio::sync::Notify::new()),
            state: Arc::new(Mutex::new(State {
                root: None,
                host: AnalysisHost::new(),
                docs: HashMap::new(),
                encoding: Encoding::Utf16,
                resolve_edits: false,
                generation: 0,
                published: HashMap::new(),
                converted: diagnostics::Conversions::default(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Runs request work on a blocking thread. A panic there fails only
    /// this request, as an internal error, is logged to the client
    /// (`window/logMessage`) and the server keeps serving.
    async fn blocking<T: Send + 'static>(
        &self,
        request: &'static str,
        work: impl FnOnce() -> Option<T> + Send + 'static,
    ) -> RpcResult<Option<T>> {
        let result = run_blocking(request, work).await;
        if let Err(e) = &result {
            self.client
                .log_message(lsp::MessageType::ERROR, e.message.to_string())
                .await;
        }
        result
    }

    /// The answer to a frame the client sent that is no JSON-RPC message
    /// (see `framing`): the error the JSON-RPC spec asks for.
    async fn invalid_message(&self, params: serde_json::Value) -> RpcResult<Option<()>> {
        let code = params["code"].as_i64().unwrap_or(-32600);
        let message = params["message"].as_str().unwrap_or("invalid message");
        self.client
            .log_message(
                lsp::MessageType::WARNING,
                format!("schemalint ignored a message it could not read: {message}"),
            )
            .await;
        Err(tower_lsp_server::jsonrpc::Error {
            code: code.into(),
            message: message.to_string().into(),
            data: None,
        })
    }

    /// Asks the publisher task for fresh diagnostics. Never blocks: the
    /// request is a permit that the task picks up after its current round.
    fn schedule(&self) {
        self.changed.notify_one();
    }

    /// A snapshot and the byte offset of a document position, for the
    /// requests that look at one position.
    fn at(&self, params: &lsp::TextDocumentPositionParams) -> Option<At> {
        let state = self.lock();
        let rel = Self::rel(&state, &params.text_document.uri)?;
        let file = state.host.file(&rel)?;
        let root = state.root.clone()?;
        let analysis = state.host.analysis();
        let encoding = state.encoding;
        drop(state);
        let text = analysis.text(file).clone();
        let offset = convert::offset(&LineIndex::new(&text), &text, params.position, encoding);
        Some(At {
            analysis,
            file,
            root,
            encoding,
            offset,
        })
    }

    /// The workspace-relative path of a URI, if it is inside the root.
    fn rel(state: &State, uri: &lsp::Uri) -> Option<String> {
        let path = uri.to_file_path()?;
        let root = state.root.as_ref()?;
        path.strip_prefix(root)
            .ok()
            .map(|p| schemalint_project::relative(Path::new(""), p))
    }
}

/// What a position request needs, taken from the state in one go.
struct At {
    analysis: Analysis,
    file: SourceFile,
    root: PathBuf,
    encoding: Encoding,
    offset: usize,
}

/// How long typing must pause before the files that are not open get their
/// diagnostics again. An edit rarely changes them, but checking that it did
/// not still means asking salsa about every migration; during a burst of
/// keystrokes that work would compete with the next keystroke's analysis
/// (and, on a small machine, with the editor reading the last one's).
const REST_AFTER: std::time::Duration = std::time::Duration::from_millis(50);

/// How long the server must have nothing to do before it calls its idle
/// hook (see [`run_stdio`]). Long enough that a pause between words does
/// not count, so the memory kept for the next keystrokes is returned only
/// when typing has stopped. Shorter in unit tests, which wait for it.
#[cfg(not(test))]
const IDLE_AFTER: std::time::Duration = std::time::Duration::from_secs(5);
#[cfg(test)]
const IDLE_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// The publisher task: for each change, computes and publishes the open
/// documents' diagnostics, then, once no newer change has arrived for
/// [`REST_AFTER`], those of every other file. A newer change cancels a
/// round that is still computing (salsa), and a round whose change has been
/// superseded publishes nothing. When nothing has changed for
/// [`IDLE_AFTER`] after that, it calls `on_idle`.
async fn publisher(
    client: Client,
    outbox: framing::Outbox,
    shared: Arc<Mutex<State>>,
    changed: Arc<tokio::sync::Notify>,
    on_idle: Option<fn()>,
) {
    let out = Out {
        client: &client,
        outbox: &outbox,
    };
    let mut woken = false;
    loop {
        if !woken {
            changed.notified().await;
        }
        woken = false;
        let Some(generation) = publish_some(out, &shared, None, Scope::Open).await else {
            continue;
        };
        if !quiet_for(&changed, REST_AFTER).await {
            woken = true;
            continue;
        }
        publish_some(out, &shared, Some(generation), Scope::Rest).await;
        let Some(on_idle) = on_idle else {
            continue;
        };
        if !quiet_for(&changed, IDLE_AFTER).await {
            woken = true;
            continue;
        }
        // A panic in the hook ends its own thread only.
        let _ = tokio::task::spawn_blocking(on_idle).await;
    }
}

/// Waits `time`, or less when a change arrives; whether none did (the
/// change's permit is taken either way).
async fn quiet_for(changed: &tokio::sync::Notify, time: std::time::Duration) -> bool {
    tokio::select! {
        () = changed.notified() => false,
        () = tokio::time::sleep(time) => true,
    }
}

/// Where [`publish_some`] sends: diagnostics to the outbox, log messages
/// through the client.
#[derive(Clone, Copy)]
struct Out<'a> {
    client: &'a Client,
    outbox: &'a framing::Outbox,
}

/// Which files a round of [`publish_some`] covers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The files open in the editor.
    Open,
    /// Every other file; this round also clears files that left the
    /// workspace.
    Rest,
}

/// One half of a [`publisher`] round: the files of `scope`. Returns the
/// generation it published, or `None` when a newer change superseded it
/// (or, with `after`, superseded the first half).
async fn publish_some(
    out: Out<'_>,
    shared: &Mutex<State>,
    after: Option<u64>,
    scope: Scope,
) -> Option<u64> {
    // Everything is taken under one lock. Once the snapshot exists, this
    // task must not lock the state again until the snapshot is dropped: a
    // `didChange` holding the lock waits in `set_file` for every snapshot
    // to go, so locking here would deadlock (it did, in CI). That is why
    // each round takes its own snapshot.
    let (generation, analysis, root, encoding, versions, mut converted) = {
        let mut state = lock(shared);
        if after.is_some_and(|g| g != state.generation) {
            return None;
        }
        let versions: HashMap<String, i32> = state
            .docs
            .iter()
            .map(|(k, d)| (k.clone(), d.version))
            .collect();
        let converted = std::mem::take(&mut state.converted);
        (
            state.generation,
            state.host.analysis(),
            state.root.clone(),
            state.encoding,
            versions,
            converted,
        )
    };
    let root = root?;
    let root_dir = root.clone();
    let open: HashSet<String> = versions.keys().cloned().collect();
    let computed = tokio::task::spawn_blocking(move || {
        let wanted = |rel: &str| open.contains(rel) == (scope == Scope::Open);
        let result = diagnostics::collect(&analysis, &root, encoding, &mut converted, wanted);
        (result, converted)
    })
    .await;
    let computed = computed.map(|(result, converted)| {
        lock(shared).converted = converted;
        result
    });
    let by_file = match computed {
        Ok(Ok(by_file)) => by_file,
        // A newer change cancelled this round; its own round follows.
        Ok(Err(_cancelled)) => return None,
        Err(e) => {
            let message = format!("schemalint failed computing diagnostics: {}", join_error(e));
            out.client
                .log_message(lsp::MessageType::ERROR, message)
                .await;
            return None;
        }
    };
    let to_publish = {
        let mut state = lock(shared);
        if state.generation != generation {
            return None;
        }
        // Only what changed goes out: a file whose diagnostics differ from
        // the last ones sent, or an open document at a new version (so the
        // client learns its diagnostics are current). Sending every file on
        // every keystroke cost more than the analysis in workspaces with
        // hundreds of migrations.
        let mut send: Vec<(lsp::Uri, Arc<str>, Option<i32>)> = Vec::new();
        let mut seen = HashSet::new();
        for (rel, (uri, diags)) in by_file {
            let version = versions.get(&rel).copied();
            let unchanged = match state.published.get(&rel) {
                Some((v, old)) => *v == version && (Arc::ptr_eq(old, &diags) || *old == diags),
                // Nothing to say about a clean file nobody has open.
                None => &*diags == "[]" && version.is_none(),
            };
            if !unchanged {
                send.push((uri, diags.clone(), version));
            }
            seen.insert(rel.clone());
            state.published.insert(rel, (version, diags));
        }
        if scope == Scope::Rest {
            // A file that this half did not see and that is not open has
            // left the workspace: clear what it showed.
            let gone: Vec<String> = state
                .published
                .keys()
                .filter(|rel| !seen.contains(*rel) && !versions.contains_key(*rel))
                .cloned()
                .collect();
            for rel in gone {
                let Some((_, old)) = state.published.remove(&rel) else {
                    continue;
                };
                if &*old == "[]" {
                    continue;
                }
                if let Some(uri) = lsp::Uri::from_file_path(root_dir.join(&rel)) {
                    send.push((uri, "[]".into(), None));
                }
            }
        }
        send
    };
    for (uri, diagnostics, version) in &to_publish {
        let frame = framing::encode_publish(uri, diagnostics, *version);
        // The writer has gone only when the session is over.
        if out
            .outbox
            .send(framing::Outgoing::Frame(frame))
            .await
            .is_err()
        {
            return None;
        }
    }
    if scope == Scope::Open {
        // Frees what the round before this one replaced, now that this
        // round's diagnostics are on their way (see `Conversions`).
        let released = lock(shared).converted.release();
        drop(released);
    }
    Some(generation)
}

fn lock(shared: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

fn kind_of(rel: &str, down_names: &[String]) -> Option<FileKind> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.ends_with(".prisma") {
        Some(FileKind::Schema)
    } else if name == "migration.sql" {
        Some(FileKind::Migration)
    } else if name == "migration_lock.toml" {
        Some(FileKind::MigrationLock)
    } else if down_names.iter().any(|d| d == name) {
        Some(FileKind::Down)
    } else {
        None
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> RpcResult<lsp::InitializeResult> {
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .or_else(|| {
                params
                    .root_uri
                    .as_ref()
                    .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
            });
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&lsp::PositionEncodingKind::UTF8));
        let resolve_edits = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
        let mut problems = Vec::new();
        {
            let mut state = self.lock();
            state.resolve_edits = resolve_edits;
            state.encoding = if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            };
            if let Some(root) = &root {
                match schemalint_project::discover(root) {
                    Ok(project) => {
                        problems = load(&project, &mut state.host);
                    }
                    Err(e) => problems.push(e.to_string()),
                }
            }
            state.root = root;
        }
        for p in problems {
            self.client.log_message(lsp::MessageType::WARNING, p).await;
        }
        Ok(lsp::InitializeResult {
            server_info: Some(lsp::ServerInfo {
                name: "schemalint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: lsp::ServerCapabilities {
                position_encoding: Some(if offers_utf8 {
                    lsp::PositionEncodingKind::UTF8
                } else {
                    lsp::PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
                    lsp::TextDocumentSyncKind::INCREMENTAL,
                )),
                code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                    lsp::CodeActionOptions {
                        code_action_kinds: Some(vec![
                            lsp::CodeActionKind::QUICKFIX,
                            lsp::CodeActionKind::new("source.fixAll.schemalint"),
                        ]),
                        resolve_provider: Some(true),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(lsp::OneOf::Left(true)),
                references_provider: Some(lsp::OneOf::Left(true)),
                rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
                completion_provider: Some(lsp::CompletionOptions {
                    trigger_characters: Some(vec!["@".into(), " ".into(), ":".into()]),
                    ..Default::default()
                }),
                definition_provider: Some(lsp::OneOf::Left(true)),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let publisher = publisher(
            self.client.clone(),
            self.outbox.clone(),
            self.state.clone(),
            self.changed.clone(),
            self.on_idle,
        );
        tokio::spawn(publisher);
        // Watch the files that change the analysis but may not be open.
        let watchers = [
            "**/*.prisma",
            "**/migrations/**",
            "**/schemalint.toml",
            "**/prisma.config.{ts,mts,js,mjs}",
        ]
        .iter()
        .map(|glob| lsp::FileSystemWatcher {
            glob_pattern: lsp::GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
        let registration = lsp::Registration {
            id: "schemalint-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.schedule();
        // Clients without dynamic registration simply refuse; nothing to do then.
        let _ = self.client.register_capability(vec![registration]).await;
    }

    async fn did_change_watched_files(&self, _: lsp::DidChangeWatchedFilesParams) {
        // Re-discover the workspace: config, schema list and migrations may
        // all have changed. Open buffers win over the disk.
        let problems = resync(&mut self.lock());
        for p in problems {
            self.client.log_message(lsp::MessageType::WARNING, p).await;
        }
        self.schedule();
    }

    async fn references(
        &self,
        params: lsp::ReferenceParams,
    ) -> RpcResult<Option<Vec<lsp::Location>>> {
        let Some(at) = self.at(&params.text_document_position) else {
            return Ok(None);
        };
        self.blocking("textDocument/references", move || {
            let refs = at.analysis.references(at.file, at.offset).ok()??;
            Some(
                refs.into_iter()
                    .filter_map(|(f, r)| location(&at.analysis, &at.root, f, r, at.encoding))
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> RpcResult<Option<lsp::PrepareRenameResponse>> {
        let Some(at) = self.at(&params) else {
            return Ok(None);
        };
        self.blocking("textDocument/prepareRename", move || {
            let range = at.analysis.rename_range(at.file, at.offset).ok()??;
            let loc = location(&at.analysis, &at.root, at.file, range, at.encoding)?;
            Some(lsp::PrepareRenameResponse::Range(loc.range))
        })
        .await
    }

    async fn rename(&self, params: lsp::RenameParams) -> RpcResult<Option<lsp::WorkspaceEdit>> {
        let Some(at) = self.at(&params.text_document_position) else {
            return Ok(None);
        };
        let new_name = params.new_name.clone();
        let result = self
            .blocking("textDocument/rename", move || {
                Some(
                    match at.analysis.rename(at.file, at.offset, &new_name).ok()? {
                        Err(message) => Err(message),
                        Ok(ranges) => {
                            let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
                            for (f, r) in ranges {
                                let loc = location(&at.analysis, &at.root, f, r, at.encoding)?;
                                changes.entry(loc.uri).or_default().push(lsp::TextEdit {
                                    range: loc.range,
                                    new_text: new_name.clone(),
                                });
                            }
                            Ok(lsp::WorkspaceEdit {
                                changes: Some(changes),
                                ..Default::default()
                            })
                        }
                    },
                )
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        }
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> RpcResult<Option<lsp::DocumentSymbolResponse>> {
        let snapshot = {
            let state = self.lock();
            Self::rel(&state, &params.text_document.uri).and_then(|rel| {
                Some((
                    state.host.analysis(),
                    state.host.file(&rel)?,
                    state.encoding,
                ))
            })
        };
        let Some((analysis, file, encoding)) = snapshot else {
            return Ok(None);
        };
        self.blocking("textDocument/documentSymbol", move || {
            let symbols = analysis.document_symbols(file).ok()?;
            let text = analysis.text(file).clone();
            let index = LineIndex::new(&text);
            let list = symbols
                .iter()
                .map(|s| convert::symbol(s, &index, &text, encoding))
                .collect();
            Some(lsp::DocumentSymbolResponse::Nested(list))
        })
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> RpcResult<Option<lsp::WorkspaceSymbolResponse>> {
        let snapshot = {
            let state = self.lock();
            state
                .root
                .clone()
                .map(|root| (state.host.analysis(), root, state.encoding))
        };
        let Some((analysis, root, encoding)) = snapshot else {
            return Ok(None);
        };
        self.blocking("workspace/symbol", move || {
            let symbols = analysis.workspace_symbols(&params.query).ok()?;
            let mut out = Vec::new();
            for (file, s) in symbols {
                let text = analysis.text(file).clone();
                let index = LineIndex::new(&text);
                let uri = lsp::Uri::from_file_path(root.join(analysis.path(file)))?;
                #[allow(deprecated)]
                out.push(lsp::SymbolInformation {
                    name: s.name.clone(),
                    kind: convert::symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: lsp::Location {
                        uri,
                        range: convert::range(&index, &text, s.range, encoding),
                    },
                    container_name: None,
                });
            }
            Some(lsp::WorkspaceSymbolResponse::Flat(out))
        })
        .await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> RpcResult<Option<lsp::CompletionResponse>> {
        let Some(at) = self.at(&params.text_document_position) else {
            return Ok(None);
        };
        self.blocking("textDocument/completion", move || {
            let items = at.analysis.completions(at.file, at.offset).ok()?;
            let items = items
                .into_iter()
                .map(|c| lsp::CompletionItem {
                    label: c.label,
                    kind: Some(match c.kind {
                        schemalint_analysis::CompletionKind::Type => lsp::CompletionItemKind::CLASS,
                        schemalint_analysis::CompletionKind::Attribute => {
                            lsp::CompletionItemKind::PROPERTY
                        }
                        schemalint_analysis::CompletionKind::Value => {
                            lsp::CompletionItemKind::ENUM_MEMBER
                        }
                    }),
                    detail: Some(c.detail),
                    ..Default::default()
                })
                .collect();
            Some(lsp::CompletionResponse::Array(items))
        })
        .await
    }

    async fn shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        {
            let mut state = self.lock();
            let Some(rel) = Self::rel(&state, &params.text_document.uri) else {
                return;
            };
            let down = state.host.config().migrations.down.clone();
            let Some(kind) = kind_of(&rel, &down) else {
                return;
            };
            let text = params.text_document.text;
            state.host.set_file(&rel, kind, Arc::from(text.as_str()));
            state.docs.insert(
                rel,
                Document {
                    rope: Rope::from_str(&text),
                    version: params.text_document.version,
                },
            );
            state.generation += 1;
        }
        self.schedule();
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        {
            let mut state = self.lock();
            let Some(rel) = Self::rel(&state, &params.text_document.uri) else {
                return;
            };
            let encoding = state.encoding;
            let Some(doc) = state.docs.get_mut(&rel) else {
                return;
            };
            for change in params.content_changes {
                apply_change(&mut doc.rope, change, encoding);
            }
            doc.version = params.text_document.version;
            let text = shared_text(&doc.rope);
            let down = state.host.config().migrations.down.clone();
            let kind = kind_of(&rel, &down).unwrap_or(FileKind::Schema);
            state.host.set_file(&rel, kind, text);
            state.generation += 1;
        }
        self.schedule();
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        // The disk wins again: unsaved edits are dropped, and a file that
        // was deleted (or never saved) leaves the workspace, so its
        // diagnostics are cleared.
        let problems = {
            let mut state = self.lock();
            let Some(rel) = Self::rel(&state, &params.text_document.uri) else {
                return;
            };
            if state.docs.remove(&rel).is_none() {
                return;
            }
            resync(&mut state)
        };
        for p in problems {
            self.client.log_message(lsp::MessageType::WARNING, p).await;
        }
        self.schedule();
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> RpcResult<Option<lsp::CodeActionResponse>> {
        let snapshot = {
            let state = self.lock();
            Self::rel(&state, &params.text_document.uri).and_then(|rel| {
                let file = state.host.file(&rel)?;
                let root = state.root.clone()?;
                Some((
                    state.host.analysis(),
                    file,
                    root,
                    state.encoding,
                    state.resolve_edits,
                ))
            })
        };
        let Some((analysis, file, root, encoding, defer)) = snapshot else {
            return Ok(None);
        };
        self.blocking("textDocument/codeAction", move || {
            code_actions(&analysis, file, &root, encoding, &params, defer)
        })
        .await
    }

    async fn code_action_resolve(&self, mut action: lsp::CodeAction) -> RpcResult<lsp::CodeAction> {
        // Only the deferred fix-all action has anything to resolve.
        let uri = action
            .data
            .as_ref()
            .and_then(|d| d.get(FIX_ALL_URI))
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse::<lsp::Uri>().ok());
        let Some(uri) = uri else {
            return Ok(action);
        };
        let snapshot = {
            let state = self.lock();
            Self::rel(&state, &uri).and_then(|rel| {
                let file = state.host.file(&rel)?;
                Some((state.host.analysis(), file, state.encoding))
            })
        };
        let Some((analysis, file, encoding)) = snapshot else {
            return Ok(action);
        };
        let edit = self
            .blocking("codeAction/resolve", move || {
                let diagnostics = analysis.diagnostics(file).ok()?;
                let safe = safe_fixes(&diagnostics, file);
                fix_all_edit(&analysis, file, &safe, &uri, encoding)
            })
            .await?;
        // A file whose safe fixes were all left out resolves to no change.
        action.edit = Some(edit.unwrap_or_default());
        Ok(action)
    }

    async fn hover(&self, params: lsp::HoverParams) -> RpcResult<Option<lsp::Hover>> {
        let Some(at) = self.at(&params.text_document_position_params) else {
            return Ok(None);
        };
        self.blocking("textDocument/hover", move || hover_at(at))
            .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> RpcResult<Option<lsp::GotoDefinitionResponse>> {
        let Some(at) = self.at(&params.text_document_position_params) else {
            return Ok(None);
        };
        self.blocking("textDocument/definition", move || definition_at(at))
            .await
    }
}

/// Loads a project into the host; returns messages for unreadable files.
fn load(project: &Project, host: &mut AnalysisHost) -> Vec<String> {
    project
        .load(host)
        .into_iter()
        .map(|p| format!("cannot read `{}`: {}", p.path.display(), p.message))
        .collect()
}

/// Re-reads the workspace from the disk, keeping open buffers: files that
/// left the project (and are not open) are removed, the others are read
/// again, and the config is reloaded. When no workspace can be discovered
/// any more, files that no longer exist on disk are dropped. Returns
/// messages for the user. Bumps the generation.
fn resync(state: &mut State) -> Vec<String> {
    let Some(root) = state.root.clone() else {
        return Vec::new();
    };
    state.generation += 1;
    let known: Vec<String> = {
        let analysis = state.host.analysis();
        analysis
            .files()
            .iter()
            .map(|f| analysis.path(*f).to_string())
            .collect()
    };
    let project = match schemalint_project::discover(&root) {
        Ok(project) => project,
        Err(e) => {
            for rel in known {
                if !state.docs.contains_key(&rel) && !root.join(&rel).exists() {
                    state.host.remove_file(&rel);
                }
            }
            return vec![e.to_string()];
        }
    };
    for rel in known {
        if project.file_by_rel(&rel).is_none() && !state.docs.contains_key(&rel) {
            state.host.remove_file(&rel);
        }
    }
    state.host.set_config(project.config.clone());
    let mut problems = Vec::new();
    for file in &project.files {
        // Open buffers are not read: reading would replace the buffer's
        // text with the disk's and back, re-analysing it for nothing.
        if state.docs.contains_key(&file.rel) {
            continue;
        }
        match schemalint_project::read_text(&file.path) {
            Ok(text) => {
                state.host.set_file(&file.rel, file.kind, Arc::from(text));
            }
            Err(message) => {
                problems.push(format!("cannot read `{}`: {message}", file.path.display()))
            }
        }
    }
    // The config may have changed what an open file is (its down names).
    let down = state.host.config().migrations.down.clone();
    let open: Vec<(String, Arc<str>)> = state
        .docs
        .iter()
        .map(|(rel, d)| (rel.clone(), shared_text(&d.rope)))
        .collect();
    for (rel, text) in open {
        match kind_of(&rel, &down) {
            Some(kind) => {
                state.host.set_file(&rel, kind, text);
            }
            None => state.host.remove_file(&rel),
        }
    }
    problems
}

/// A buffer's text as the analysis takes it, copied once, straight into
/// the shared allocation. `to_string` grows its string chunk by chunk, and
/// `Arc::from` a string copies it again into an allocation of its own: on
/// a 5 MB schema the two copies and their fresh pages cost a millisecond
/// of every keystroke.
#[allow(unsafe_code)]
fn shared_text(rope: &Rope) -> Arc<str> {
    let len = rope.len_bytes();
    let mut bytes = Arc::<[u8]>::new_uninit_slice(len);
    let buf = Arc::get_mut(&mut bytes).expect("a new Arc has one owner");
    let mut at = 0;
    for chunk in rope.chunks() {
        let chunk = chunk.as_bytes();
        assert!(
            at + chunk.len() <= len,
            "a rope's chunks add up to its length"
        );
        // SAFETY: the destination is `chunk.len()` bytes of `buf` from
        // `at`, in bounds by the assertion above, and cannot overlap the
        // rope's own memory.
        unsafe {
            std::ptr::copy_nonoverlapping(
                chunk.as_ptr(),
                buf[at..].as_mut_ptr().cast::<u8>(),
                chunk.len(),
            );
        }
        at += chunk.len();
    }
    assert_eq!(at, len, "a rope's chunks add up to its length");
    // SAFETY: the chunks tile the rope, so every byte was written above;
    // they are the rope's bytes in order, which is valid UTF-8, so the
    // slice may be read as a `str`, whose layout is that of `[u8]`.
    unsafe {
        let bytes = bytes.assume_init();
        Arc::from_raw(Arc::into_raw(bytes) as *const str)
    }
}

/// Applies one `didChange` content change to a buffer. Out-of-range
/// positions clamp to the end of their line or of the text.
fn apply_change(rope: &mut Rope, change: lsp::TextDocumentContentChangeEvent, encoding: Encoding) {
    let Some(range) = change.range else {
        *rope = Rope::from_str(&change.text);
        return;
    };
    let start_char = convert::rope_char(rope, range.start, encoding);
    let end_char = convert::rope_char(rope, range.end, encoding).max(start_char);
    rope.remove(start_char..end_char);
    rope.insert(start_char, &change.text);
}

fn workspace_edit(
    analysis: &Analysis,
    root: &Path,
    edits: &[Edit],
    encoding: Encoding,
) -> Option<lsp::WorkspaceEdit> {
    let mut ops: Vec<lsp::DocumentChangeOperation> = Vec::new();
    for edit in edits {
        match edit {
            Edit::Replace {
                file,
                range,
                content,
            } => {
                let text = analysis.text(*file);
                let index = LineIndex::new(text);
                let uri = lsp::Uri::from_file_path(root.join(analysis.path(*file)))?;
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri,
                        version: None,
                    },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                        range: convert::range(&index, text, *range, encoding),
                        new_text: content.to_string(),
                    })],
                }));
            }
            Edit::Create { path, content } => {
                let uri = lsp::Uri::from_file_path(root.join(path))?;
                ops.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
                    lsp::CreateFile {
                        uri: uri.clone(),
                        options: Some(lsp::CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
                let start = lsp::Position {
                    line: 0,
                    character: 0,
                };
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri,
                        version: None,
                    },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                        range: lsp::Range { start, end: start },
                        new_text: content.to_string(),
                    })],
                }));
            }
        }
    }
    Some(lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(ops)),
        ..Default::default()
    })
}

/// An edit that appends `// schemalint-ignore CODE` (or `--`/`#`) to the
/// diagnostic's line.
fn ignore_edit(
    analysis: &Analysis,
    root: &Path,
    file: SourceFile,
    d: &Diagnostic,
    index: &LineIndex,
    encoding: Encoding,
) -> Option<lsp::WorkspaceEdit> {
    let text = analysis.text(file);
    let line = index.line_of(d.range.start);
    let line_range = index.line_range(line, text)?;
    let prefix = match analysis.kind(file) {
        FileKind::Schema => "//",
        FileKind::Migration | FileKind::Down => "--",
        FileKind::MigrationLock => "#",
    };
    let at = convert::position(index, text, line_range.end, encoding);
    let uri = lsp::Uri::from_file_path(root.join(analysis.path(file)))?;
    let mut changes = HashMap::new();
    changes.insert(
        uri,
        vec![lsp::TextEdit {
            range: lsp::Range { start: at, end: at },
            new_text: format!(" {prefix} schemalint-ignore {}", d.rule.code),
        }],
    );
    Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

fn code_actions(
    analysis: &Analysis,
    file: SourceFile,
    root: &Path,
    encoding: Encoding,
    params: &lsp::CodeActionParams,
    defer_fix_all: bool,
) -> Option<lsp::CodeActionResponse> {
    let Ok(diagnostics) = analysis.diagnostics(file) else {
        return None;
    };
    let text = analysis.text(file).clone();
    let index = LineIndex::new(&text);
    let start = convert::offset(&index, &text, params.range.start, encoding);
    let end = convert::offset(&index, &text, params.range.end, encoding);
    let only_fix_all = params
        .context
        .only
        .as_ref()
        .is_some_and(|o| o.iter().all(|k| k.as_str().starts_with("source.fixAll")));
    let mut actions = Vec::new();
    if !only_fix_all {
        for d in diagnostics
            .iter()
            .filter(|d| d.range.start <= end && start <= d.range.end)
        {
            let lsp_diag = convert::diagnostic(
                d,
                convert::range(&index, &text, d.range, encoding),
                Vec::new(),
            );
            if let Some(f) = &d.fix {
                if let Some(edit) = workspace_edit(analysis, root, &f.edits, encoding) {
                    actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: format!("{} ({} fix)", f.title, f.applicability.as_str()),
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![lsp_diag.clone()]),
                        edit: Some(edit),
                        is_preferred: Some(f.applicability == Applicability::Safe),
                        ..Default::default()
                    }));
                }
            }
            if let Some(edit) = ignore_edit(analysis, root, file, d, &index, encoding) {
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!("Ignore {} on this line", d.rule.code),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp_diag]),
                    edit: Some(edit),
                    is_preferred: Some(false),
                    ..Default::default()
                }));
            }
        }
    }
    // All safe fixes of this file at once.
    let fix_all = |edit| {
        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: "Fix all safe schemalint findings".into(),
            kind: Some(lsp::CodeActionKind::new("source.fixAll.schemalint")),
            edit,
            data: defer_fix_all
                .then(|| serde_json::json!({ FIX_ALL_URI: params.text_document.uri.as_str() })),
            ..Default::default()
        })
    };
    let safe = safe_fixes(&diagnostics, file);
    if defer_fix_all {
        if !safe.is_empty() {
            actions.push(fix_all(None));
        }
    } else if let Some(edit) =
        fix_all_edit(analysis, file, &safe, &params.text_document.uri, encoding)
    {
        actions.push(fix_all(Some(edit)));
    }
    Some(actions)
}

/// The key of the document's URI in the deferred fix-all action's `data`.
const FIX_ALL_URI: &str = "schemalintFixAll";

/// The safe fixes of `file` that edit only `file`.
fn safe_fixes(diagnostics: &[Diagnostic], file: SourceFile) -> Vec<&schemalint_analysis::Fix> {
    diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| {
            f.applicability == Applicability::Safe
                && f.edits
                    .iter()
                    .all(|e| matches!(e, Edit::Replace { file: f, .. } if *f == file))
        })
        .collect()
}

/// The `safe` fixes of `file` as one edit of the whole document, through
/// the same `fix::apply_checked` as `check --fix`; `None` when none is left.
fn fix_all_edit(
    analysis: &Analysis,
    file: SourceFile,
    safe: &[&schemalint_analysis::Fix],
    uri: &lsp::Uri,
    encoding: Encoding,
) -> Option<lsp::WorkspaceEdit> {
    if safe.is_empty() {
        return None;
    }
    let applied = fix::apply_checked(
        safe,
        |f| analysis.text(f).to_string(),
        |f| analysis.kind(f) == FileKind::Schema,
    );
    let (_, new_text) = applied.changed.into_iter().next()?;
    let text = analysis.text(file);
    let index = analysis.line_index(file).ok()?;
    let whole = convert::range(index, text, TextRange::new(0, text.len()), encoding);
    let mut changes = HashMap::new();
    changes.insert(
        uri.clone(),
        vec![lsp::TextEdit {
            range: whole,
            new_text,
        }],
    );
    Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

fn hover_at(at: At) -> Option<lsp::Hover> {
    let (analysis, file, at) = (at.analysis, at.file, at.offset);
    let mut sections = Vec::new();
    if let Ok(Some(info)) = analysis.symbol_info(file, at) {
        sections.push(info);
    }
    if let Ok(diags) = analysis.diagnostics(file) {
        for d in diags.iter().filter(|d| d.range.touches(at)) {
            sections.push(format!(
                "**{} {}**: {}\n\n{}\n\n[`schemalint explain {}`]({})",
                d.rule.code,
                d.rule.name,
                d.message,
                d.rule.summary(),
                d.rule.code,
                d.rule.url()
            ));
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

fn definition_at(at: At) -> Option<lsp::GotoDefinitionResponse> {
    let (analysis, file, root, encoding) = (at.analysis, at.file, at.root, at.encoding);
    let at = at.offset;
    let Ok(Some((target, range))) = analysis.definition(file, at) else {
        return None;
    };
    let target_text = analysis.text(target).clone();
    let target_index = LineIndex::new(&target_text);
    let uri = lsp::Uri::from_file_path(root.join(analysis.path(target)))?;
    Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
        uri,
        range: convert::range(&target_index, &target_text, range, encoding),
    }))
}

/// An LSP location of a range in a workspace file.
fn location(
    analysis: &Analysis,
    root: &Path,
    file: SourceFile,
    range: TextRange,
    encoding: Encoding,
) -> Option<lsp::Location> {
    let text = analysis.text(file);
    let index = LineIndex::new(text);
    Some(lsp::Location {
        uri: lsp::Uri::from_file_path(root.join(analysis.path(file)))?,
        range: convert::range(&index, text, range, encoding),
    })
}

/// Runs request work on a blocking thread. A panic there fails only this
/// request, as an internal error that names the request and the panic.
async fn run_blocking<T: Send + 'static>(
    request: &'static str,
    work: impl FnOnce() -> Option<T> + Send + 'static,
) -> RpcResult<Option<T>> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        let mut error = tower_lsp_server::jsonrpc::Error::internal_error();
        error.message = format!("schemalint failed on {request}: {}", join_error(e)).into();
        error
    })
}

/// What went wrong in a blocking task: its panic message if it panicked.
fn join_error(e: tokio::task::JoinError) -> String {
    if !e.is_panic() {
        return e.to_string();
    }
    let payload = e.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    format!("panicked: {message}")
}

#[cfg(test)]
mod tests;
