#!/usr/bin/env python3
"""Measures editor latency of a language server over stdio.

    python3 bench/lsp_latency.py --root WORKSPACE --file SCHEMA [--edits 100] -- SERVER ARGS...

The client opens SCHEMA, times open -> first `textDocument/publishDiagnostics`
for it, then types `--edits` one-character edits and times each edit -> the
next publishDiagnostics for the document, each until the message's last
byte has arrived (decoding the JSON is timed apart). It prints one JSON object with
open_ms, p50/p95/max in ms, and the server's RSS (from /proc) before the
edits, after every tenth of them, and at the end.

The edits are real typing: at the end of the first model's first field line
the client appends ` //` and then letters, one character per
`didChange`, alternating with deleting them again, so the schema stays
valid and the server does the same work on every edit. The same script and
the same files serve schemalint and Prisma's own language server.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import queue


class Client:
    def __init__(self, cmd, cwd):
        # LSP_STDERR=path keeps the server's log for debugging.
        log = os.environ.get("LSP_STDERR")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(log, "w") if log else subprocess.DEVNULL, cwd=cwd)
        self.next_id = 1
        self.events = queue.Queue()
        # (bytes, this client's JSON parse in ms, diagnostics) of each
        # publishDiagnostics of the document waited for.
        self.published = []
        self.responses = {}
        self.lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.events.put(("eof", None, time.perf_counter()))
                    return
                line = line.strip()
                if not line:
                    break
                k, sep, v = line.decode(errors="replace").partition(":")
                if sep:  # anything else on stdout is not part of a frame
                    headers[k.lower()] = v.strip()
            if "content-length" not in headers:
                continue
            body = out.read(int(headers["content-length"]))
            # A message counts as delivered when its last byte has arrived.
            # Decoding it is this client's work, not the server's: Python's
            # json takes 54 ms on the 3 MB a 10,000-model schema publishes,
            # which is more than the budget being measured. The decode time
            # is still reported (client_parse_ms), for both servers alike.
            now = time.perf_counter()
            msg = json.loads(body)
            msg["_bytes"] = len(body)
            msg["_parse_ms"] = (time.perf_counter() - now) * 1000
            if "method" in msg and "id" in msg:
                self._answer(msg)
            elif "method" in msg:
                self.events.put(("notify", msg, now))
            else:
                self.events.put(("response", msg, now))

    def _answer(self, msg):
        # Server-to-client requests: registrations, configuration, progress.
        result = None
        if msg["method"] == "workspace/configuration":
            # Default settings: an empty object per item (Prisma's server
            # crashes on null).
            result = [{} for _ in msg["params"].get("items", [])]
        self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def send(self, msg):
        data = json.dumps(msg).encode()
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
            self.proc.stdin.flush()

    def request(self, method, params, timeout=120):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.time() + timeout
        while time.time() < deadline:
            kind, msg, _ = self.events.get(timeout=deadline - time.time())
            if kind == "response" and msg.get("id") == rid:
                return msg
            if kind == "eof":
                raise SystemExit(f"server exited during {method}")
        raise SystemExit(f"no answer to {method}")

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, timeout=300):
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise SystemExit(f"no publishDiagnostics for {uri} within {timeout} s")
            kind, msg, at = self.events.get(timeout=left)
            if kind == "eof":
                raise SystemExit("server exited")
            if (kind == "notify" and msg["method"] == "textDocument/publishDiagnostics"
                    and msg["params"]["uri"] == uri):
                self.published.append((msg["_bytes"], msg["_parse_ms"], len(msg["params"]["diagnostics"])))
                return at, msg["params"]

    def drain(self):
        while True:
            try:
                self.events.get_nowait()
            except queue.Empty:
                return

    def rss_kb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def hwm_kb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


def edit_point(text):
    """Line and UTF-16 column at the end of the first field line of the first
    model: the place where the benchmark types."""
    lines = text.split("\n")
    in_model = False
    for i, line in enumerate(lines):
        if re.match(r"\s*model\s+\w+\s*\{", line):
            in_model = True
            continue
        if in_model and line.strip() and not line.strip().startswith("//") and not line.strip().startswith("@@"):
            body = line.rstrip("\r")
            return i, len(body.encode("utf-16-le")) // 2
    raise SystemExit("no model field to type into")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--language-id", default="prisma")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if cmd and os.sep in cmd[0]:
        cmd[0] = os.path.abspath(cmd[0])
    root = os.path.abspath(args.root)
    path = os.path.abspath(args.file)
    uri = "file://" + path
    with open(path, encoding="utf-8") as f:
        text = f.read()

    client = Client(cmd, root)
    client.request("initialize", {
        "processId": os.getpid(),
        "rootUri": "file://" + root,
        "workspaceFolders": [{"uri": "file://" + root, "name": "bench"}],
        "capabilities": {
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
            },
            "workspace": {"configuration": True,
                          "didChangeWatchedFiles": {"dynamicRegistration": True}},
            "general": {"positionEncodings": ["utf-16"]},
        },
    })
    client.notify("initialized", {})
    client.drain()

    version = 1
    t0 = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": args.language_id, "version": version, "text": text}})
    at, _ = client.wait_diagnostics(uri)
    open_ms = (at - t0) * 1000
    # Let the server finish any work queued behind the first publish.
    time.sleep(0.5)
    client.drain()
    rss_before = client.rss_kb()

    line, col = edit_point(text)
    typed = " // bench"
    samples = []
    # The server's RSS after every tenth of the edits: memory that grows
    # with the number of edits shows as a rising series, warm-up (the memos
    # of the previous revision, the allocator's free lists) as a step at the
    # start that stays level.
    rss_series = []
    pos = 0  # characters typed so far at the edit point
    for i in range(args.edits):
        version += 1
        if pos < len(typed) and (i // len(typed)) % 2 == 0:
            ch = typed[pos]
            change = {"range": {"start": {"line": line, "character": col + pos},
                                "end": {"line": line, "character": col + pos}}, "text": ch}
            pos += 1
        else:
            change = {"range": {"start": {"line": line, "character": col + pos - 1},
                                "end": {"line": line, "character": col + pos}}, "text": ""}
            pos -= 1
        start = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        at, _ = client.wait_diagnostics(uri)
        samples.append((at - start) * 1000)
        # Other files' diagnostics may follow; they are not part of this edit.
        time.sleep(0.005)
        client.drain()
        if (i + 1) % max(1, args.edits // 10) == 0:
            rss_series.append(client.rss_kb())
    rss_after = client.rss_kb()
    hwm = client.hwm_kb()
    try:
        client.request("shutdown", None, timeout=30)
        client.notify("exit", None)
    except (SystemExit, queue.Empty):
        pass
    try:
        client.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        client.proc.kill()
    print(json.dumps({
        "file": args.file,
        "bytes": len(text.encode()),
        "open_ms": round(open_ms, 2),
        "edits": len(samples),
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_after,
        "rss_series_kb": rss_series,
        "peak_rss_kb": hwm,
        # The notification each edit waits for: its median size, and the
        # median time this client spent decoding it (after the sample's
        # clock stopped, for both servers alike).
        "publish_kb": round(percentile([b for b, _, _ in client.published[1:]], 50) / 1024, 1)
        if len(client.published) > 1 else None,
        "client_parse_ms": round(percentile([t for _, t, _ in client.published[1:]], 50), 2)
        if len(client.published) > 1 else None,
        "diagnostics": client.published[-1][2] if client.published else None,
    }))


if __name__ == "__main__":
    sys.exit(main())
