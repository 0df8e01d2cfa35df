#!/usr/bin/env python3
"""Runs schemalint and its peers on the same inputs and prints one table.

Called by bench/run.sh, which builds schemalint, installs the peers and
generates the synthetic workspaces. Every figure is the median of --runs
runs (one run when a single run takes over 20 s), and peak RSS is the
child's own maximum resident set (wait4). Results also go to --json.
"""

import argparse
import contextlib
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(cmd, cwd=None, timeout=300):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return None
        time.sleep(0.0005)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode(errors="replace").strip()[-300:]
        return {"error": f"exit {code}: {err}"}
    return elapsed * 1000, usage.ru_maxrss


def peak_rss_kb(cmd, cwd=None, timeout=300):
    """The peak RSS of one more run, taken through GNU time.

    A child's own wait4 figure is no good for small tools: Linux keeps the
    high-water mark across exec, so it starts at the size of this Python
    process (about 16 MB) and every small tool reads the same. GNU time is a
    small process, so the mark it reports is the tool's own.
    """
    gnu_time = "/usr/bin/time"
    if not os.access(gnu_time, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        try:
            subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *cmd], cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        lines = [l for l in out.read().splitlines() if l.strip().isdigit()]
        return int(lines[-1]) if lines else None


def measure(cmd, runs, cwd=None, timeout=300):
    """Median wall time (ms) over the runs, and peak RSS (KB)."""
    samples = []
    for i in range(runs):
        r = run_once(cmd, cwd, timeout)
        if r is None:
            return {"ms": None, "rss_kb": None, "runs": i, "timeout_s": timeout}
        if isinstance(r, dict):
            print(f"  {' '.join(cmd)[:120]}: {r['error']}", file=sys.stderr)
            return {"ms": None, "rss_kb": None, "runs": i, "error": r["error"]}
        samples.append(r)
        if r[0] > 20_000:
            break
    # A tool that takes minutes is not run again just for its memory; its
    # wait4 figure is far above the 16 MB floor anyway.
    rss = peak_rss_kb(cmd, cwd, timeout) if samples[-1][0] <= 20_000 else None
    return {
        "ms": statistics.median(s[0] for s in samples),
        "rss_kb": rss if rss is not None else max(s[1] for s in samples),
        "runs": len(samples),
    }


def wasm_validate(peers, schema_files, runs):
    """Prisma's validator timed in-process in Node: median of the runs after
    one warm-up call."""
    out = subprocess.run(
        ["node", os.path.join(HERE, "prisma_wasm.mjs"), "time", str(runs)] + schema_files,
        cwd=peers, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        return {"ms": None, "error": out.stderr.strip()[-300:] or "failed"}
    return json.loads(out.stdout)


def fmt_ms(r):
    if r is not None and r.get("error"):
        return "not run: " + r["error"].splitlines()[0][:60]
    if r is None or r.get("ms") is None:
        return f"> {r['timeout_s']} s" if r and "timeout_s" in r else "n/a"
    ms = r["ms"]
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"


def fmt_mb(r):
    if r is None or r.get("rss_kb") is None:
        return "n/a"
    return f"{r['rss_kb'] / 1024:.0f} MB"


def ratio(peer, ours):
    if not ours or not ours.get("ms"):
        return "n/a"
    if peer and peer.get("ms") is None and "timeout_s" in peer:
        return f"> {peer['timeout_s'] * 1000 / ours['ms']:.0f}x"
    if not peer or peer.get("ms") is None:
        return "n/a"
    return f"{peer['ms'] / ours['ms']:.1f}x"


def finds_a_schema(sl, root):
    return subprocess.run([sl, "check", root, "--format", "json", "--exit-zero"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


@contextlib.contextmanager
def configured(schemas, migrations_dir):
    """The schema files linked into an empty folder with a `schemalint.toml`
    that names `migrations_dir`, as an app whose layout schemalint does not
    find on its own (formbricks' `packages/database/migration/`) would be
    configured; the corpus itself is read-only."""
    with schema_only(schemas) as links:
        config = os.path.join(os.path.dirname(links[0]), "schemalint.toml")
        with open(config, "w") as f:
            f.write(f"[migrations]\npath = {json.dumps(os.path.abspath(migrations_dir))}\n")
        yield links


@contextlib.contextmanager
def schema_only(schemas):
    """The schema files, linked into an empty folder.

    schemalint given a schema file also reads the migrations beside the
    file that holds the datasource, as `prisma migrate` does. The peers read
    the schema alone, so for the like-for-like column schemalint does too.
    """
    with tempfile.TemporaryDirectory(prefix="schema-only-") as tmp:
        links = []
        for i, path in enumerate(schemas):
            link = os.path.join(tmp, f"{i:03}-{os.path.basename(path)}")
            os.symlink(os.path.abspath(path), link)
            links.append(link)
        yield links


def schema_files_of(root):
    files = sorted(glob.glob(os.path.join(root, "**", "*.prisma"), recursive=True))
    return [f for f in files if "/node_modules/" not in f]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemalint", required=True)
    ap.add_argument("--peers", required=True, help="folder with node_modules and venv")
    ap.add_argument("--work", required=True, help="folder with the generated workspaces")
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus", "apps"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--json", default=None)
    ap.add_argument("--skip-lsp", action="store_true")
    args = ap.parse_args()

    sl = os.path.abspath(args.schemalint)
    # Node runs in the peers folder, so every path it is given is absolute.
    args.work = os.path.abspath(args.work)
    peers = os.path.abspath(args.peers)
    prisma_lint = os.path.join(peers, "node_modules", ".bin", "prisma-lint")
    lint_config = os.path.join(HERE, "prismalint.json")
    squawk = os.path.join(peers, "venv", "bin", "squawk")
    prisma_ls = ["node", os.path.join(peers, "node_modules", "@prisma", "language-server", "dist", "bin.js"), "--stdio"]
    results = {"machine": machine(), "check": [], "squawk": [], "lsp": [], "edit_cost": []}

    # 1. Whole-process check against the peers, synthetic then real inputs.
    inputs = [(f"synthetic {n:,} models", os.path.join(args.work, f"m{n}")) for n in (100, 1000, 10000)]
    corpus = os.path.abspath(args.corpus)
    # The largest schemas of the corpus whose layout schemalint finds on its
    # own (formbricks keeps its migrations in `migration/`, unconfigured).
    real = ["calcom__cal.com/packages/prisma", "elie222__inbox-zero/apps/web/prisma",
            "onehashai__onehash-cal/packages/prisma"]
    for rel in real:
        if os.path.isdir(os.path.join(corpus, rel)):
            inputs.append((rel.split("__")[1].split("/")[0], os.path.join(corpus, rel)))
    for label, root in inputs:
        schemas = schema_files_of(root)
        if not schemas:
            print(f"# {label}: no schema in {root}, skipped", file=sys.stderr)
            continue
        row = {"input": label, "schema_kb": sum(os.path.getsize(f) for f in schemas) // 1024,
               "migrations": len(glob.glob(os.path.join(root, "**", "migration.sql"), recursive=True))}
        print(f"# {label}: schemalint", file=sys.stderr)
        row["schemalint"] = measure([sl, "check", root, "--format", "json"], args.runs)
        print(f"# {label}: schemalint, schema only", file=sys.stderr)
        with schema_only(schemas) as alone:
            row["schemalint_schema_only"] = measure([sl, "check", *alone, "--format", "json"], args.runs)
        print(f"# {label}: prisma-lint", file=sys.stderr)
        row["prisma_lint"] = measure([prisma_lint, "-c", lint_config, "-o", "none", *schemas],
                                     args.runs, timeout=600)
        print(f"# {label}: prisma-schema-wasm validate", file=sys.stderr)
        row["wasm_validate"] = wasm_validate(peers, schemas, args.runs)
        results["check"].append(row)

    # 2. Migration folders: schemalint (schema and migrations) against squawk
    # (the same migration files, no schema).
    for app in sorted(os.listdir(corpus)) if os.path.isdir(corpus) else []:
        sqls = sorted(glob.glob(os.path.join(corpus, app, "**", "migration.sql"), recursive=True))
        if not sqls:
            continue
        row = {"app": app, "migrations": len(sqls),
               "sql_kb": sum(os.path.getsize(f) for f in sqls) // 1024}
        print(f"# {app}: squawk", file=sys.stderr)
        migrations_dir = os.path.dirname(os.path.dirname(sqls[0]))
        # The folder a user would check: the one holding `migrations/` when
        # schemalint finds a schema there (cal.com's `packages/prisma`), else
        # its parent (papermark keeps `prisma/schema/` and
        # `prisma/migrations/`, found from the app root), else the schema
        # with a `schemalint.toml` that names the migrations folder.
        roots = [os.path.dirname(migrations_dir), os.path.dirname(os.path.dirname(migrations_dir))]
        found = [r for r in roots if finds_a_schema(sl, r)]
        schemas = schema_files_of(os.path.join(corpus, app))
        with contextlib.ExitStack() as stack:
            if found:
                paths = [found[0]]
            elif schemas:
                paths = stack.enter_context(configured(schemas, migrations_dir))
            else:
                paths = None
                row["schemalint"] = {"ms": None, "rss_kb": None, "error": "no schema in the app"}
            if paths:
                row["schemalint"] = measure([sl, "check", *paths, "--format", "json"], args.runs)
        row["squawk"] = measure([squawk, "--reporter", "gcc", *sqls], args.runs)
        results["squawk"].append(row)
    gen_sqls = sorted(glob.glob(os.path.join(args.work, "m10000", "prisma", "migrations", "*", "migration.sql")))
    if gen_sqls:
        row = {"app": "synthetic 10,000 models", "migrations": len(gen_sqls),
               "sql_kb": sum(os.path.getsize(f) for f in gen_sqls) // 1024}
        row["schemalint"] = measure([sl, "check", os.path.join(args.work, "m10000"), "--format", "json"], args.runs)
        row["squawk"] = measure([squawk, "--reporter", "gcc", *gen_sqls], args.runs)
        results["squawk"].append(row)

    # 3. Editor latency, same client and files for both servers.
    if not args.skip_lsp:
        example = os.path.join(HERE, "..", "examples", "lab-platform")
        docs = [("examples/lab-platform core", example, os.path.join(example, "src", "core", "schema.prisma")),
                ("cal.com", os.path.join(corpus, real[0]), os.path.join(corpus, real[0], "schema.prisma")),
                ("synthetic 10,000 models", os.path.join(args.work, "m10000"),
                 os.path.join(args.work, "m10000", "prisma", "schema.prisma"))]
        for label, root, doc in docs:
            if not os.path.isfile(doc):
                continue
            for server, cmd, edits in (("schemalint", [sl, "lsp"], args.edits),
                                       ("prisma-language-server", prisma_ls,
                                        args.edits if "10,000" not in label else 10)):
                print(f"# latency {label}: {server}", file=sys.stderr)
                out = subprocess.run(
                    ["python3", os.path.join(HERE, "lsp_latency.py"), "--root", root, "--file", doc,
                     "--edits", str(edits), "--", *cmd],
                    capture_output=True, text=True, timeout=1800)
                if out.returncode != 0:
                    r = {"error": (out.stderr or out.stdout)[-300:]}
                else:
                    r = json.loads(out.stdout.strip().splitlines()[-1])
                r.update({"input": label, "server": server})
                results["lsp"].append(r)
        # Memory over 1,000 edits in schemalint's server.
        print("# memory over 1,000 edits", file=sys.stderr)
        out = subprocess.run(
            ["python3", os.path.join(HERE, "lsp_latency.py"), "--root", os.path.join(corpus, real[0]),
             "--file", os.path.join(corpus, real[0], "schema.prisma"), "--edits", "1000", "--", sl, "lsp"],
            capture_output=True, text=True, timeout=1800)
        if out.returncode == 0:
            r = json.loads(out.stdout.strip().splitlines()[-1])
            r.update({"input": "cal.com, 1,000 edits", "server": "schemalint"})
            results["lsp"].append(r)

    # 4. Salsa executions per edit.
    edit_cost = os.path.join(os.path.dirname(sl), "examples", "edit_cost")
    if os.path.isfile(edit_cost):
        for n in (1000, 10000):
            out = subprocess.run([edit_cost, os.path.join(args.work, f"m{n}")],
                                 capture_output=True, text=True, timeout=600)
            if out.returncode == 0:
                r = json.loads(out.stdout)
                r["input"] = f"synthetic {n:,} models"
                results["edit_cost"].append(r)

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print_tables(results)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB RAM, {os.uname().sysname} {os.uname().release}"


def print_tables(r):
    print(f"Machine: {r['machine']}\n")
    print("| input | schema | migrations | schemalint check | schema only | prisma-lint | ratio | prisma-schema-wasm validate (in-process) | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in r["check"]:
        s = row["schemalint"]
        w = row["wasm_validate"]
        print(f"| {row['input']} | {row['schema_kb']:,} KB | {row['migrations']} | {fmt_ms(s)}, {fmt_mb(s)} "
              f"| {fmt_ms(row['schemalint_schema_only'])}, {fmt_mb(row['schemalint_schema_only'])} "
              f"| {fmt_ms(row['prisma_lint'])}, {fmt_mb(row['prisma_lint'])} | {ratio(row['prisma_lint'], row['schemalint_schema_only'])} "
              f"| {fmt_ms(w)} | {ratio(w, row['schemalint_schema_only'])} |")
    print()
    print("| migrations of | files | SQL | schemalint check (schema + migrations) | squawk (migrations only) | squawk / schemalint |")
    print("|---|---|---|---|---|---|")
    for row in r["squawk"]:
        print(f"| {row['app']} | {row['migrations']} | {row['sql_kb']:,} KB | {fmt_ms(row['schemalint'])}, {fmt_mb(row['schemalint'])} "
              f"| {fmt_ms(row['squawk'])}, {fmt_mb(row['squawk'])} | {ratio(row['squawk'], row['schemalint'])} |")
    if r["lsp"]:
        print()
        print("| document | server | open to first diagnostics | edits | p50 | p95 | max | RSS after open → after 10% of edits → after all | growth over the last 90% |")
        print("|---|---|---|---|---|---|---|---|---|")
        for row in r["lsp"]:
            if "error" in row:
                print(f"| {row['input']} | {row['server']} | error: {row['error'].strip()[:80]} | | | | | |")
                continue
            series = [x for x in row.get("rss_series_kb") or [] if x]
            warm = series[0] if series else None
            after = row["rss_after_kb"] or 0
            growth = f"{(after - warm) / warm * 100:+.0f}%" if warm else "n/a"
            warm_mb = f"{warm / 1024:.0f} → " if warm else ""
            print(f"| {row['input']} | {row['server']} | {row['open_ms']:.1f} ms | {row['edits']} | {row['p50_ms']:.2f} ms "
                  f"| {row['p95_ms']:.2f} ms | {row['max_ms']:.2f} ms "
                  f"| {(row['rss_before_kb'] or 0) / 1024:.0f} → {warm_mb}{after / 1024:.0f} MB | {growth} |")
    if r["edit_cost"]:
        print()
        print("| workspace | cold: executions, time | add a field: executions, time | type in a comment: executions, time |")
        print("|---|---|---|---|")
        for row in r["edit_cost"]:
            c, a, t = row["cold"], row["add_field"], row["type_in_comment"]
            print(f"| {row['input']} | {c['executions']}, {c['ms']:.1f} ms | {a['executions']}, {a['ms']:.1f} ms "
                  f"| {t['executions']}, {t['ms']:.1f} ms |")


if __name__ == "__main__":
    main()
