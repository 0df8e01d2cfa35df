#!/usr/bin/env bash
# Runs `schemalint check` over every app of the shared corpus (real schemas
# that Prisma accepts) and fails on a crash, or on any finding that would be
# wrong on a valid schema: SL001 (syntax), SL002 and SL003 (names).
#
# Usage: tests/corpus.sh [path/to/schemalint] [path/to/corpus/apps]
# With FINDINGS=path, also writes per-rule totals of all findings as Markdown.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/target/release/schemalint}
apps=${2:-$here/../shared/corpus/apps}
if [ ! -d "$apps" ]; then
  echo "corpus not found at $apps: it must sit beside the checkout as ../shared/corpus/apps" >&2
  exit 2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# A "unit" is one logical schema. A folder with a schema.prisma is checked as
# a workspace (discovery adds the .prisma files of its sub-folders, as Prisma
# does); its sub-folders are then not units of their own. A folder of
# .prisma files without a schema.prisma is a multi-file schema, checked by
# passing its files.
units=0
failed=0
for app in "$apps"/*/; do
  app=${app%/}
  name=$(basename "$app")
  mapfile -t dirs < <(find "$app" -name '*.prisma' -not -path '*/node_modules/*' -printf '%h\n' | sort -u)
  for dir in "${dirs[@]}"; do
    covered=no
    for other in "${dirs[@]}"; do
      if [ "$other" != "$dir" ] && [[ "$dir" == "$other"/* ]] && [ -f "$other/schema.prisma" ]; then
        covered=yes
      fi
    done
    [ "$covered" = yes ] && continue
    units=$((units + 1))
    json="$out/$units.json"
    if [ -f "$dir/schema.prisma" ]; then
      args=("$dir")
    else
      mapfile -t args < <(find "$dir" -maxdepth 1 -name '*.prisma' | sort)
    fi
    set +e
    "$bin" check --format json "${args[@]}" >"$json" 2>"$out/$units.err"
    status=$?
    set -e
    if [ $status -gt 1 ]; then
      echo "FAIL $name (${dir#"$apps"/}): exit $status" >&2
      cat "$out/$units.err" >&2
      failed=$((failed + 1))
      continue
    fi
    echo "$name	${dir#"$apps"/}	$json" >>"$out/units.tsv"
  done
done

python3 - "$out/units.tsv" "$failed" "$units" "${FINDINGS:-}" <<'PY'
import collections, json, sys

units_file, failed, units, findings_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
bad = []
totals = collections.Counter()
per_app = collections.defaultdict(collections.Counter)
files = 0
for line in open(units_file):
    app, unit, path = line.rstrip("\n").split("\t")
    doc = json.load(open(path))
    files += doc["summary"]["files"]
    for d in doc["diagnostics"]:
        totals[(d["code"], d["rule"])] += 1
        per_app[app][d["code"]] += 1
        if d["code"] in ("SL001", "SL002", "SL003"):
            bad.append(f'{d["file"]}:{d["start"]["line"]}:{d["start"]["column"]}: {d["code"]} {d["message"]}')
for b in bad[:50]:
    print(b, file=sys.stderr)
print(f"corpus: {units} schemas, {files} files checked, {failed} crashed, "
      f"{len(bad)} SL001/SL002/SL003 findings on valid schemas")
for (code, rule), n in sorted(totals.items()):
    print(f"  {code} {rule}: {n}")
if findings_path:
    with open(findings_path, "w") as f:
        f.write("| code | rule | findings |\n|---|---|---:|\n")
        for (code, rule), n in sorted(totals.items()):
            f.write(f"| {code} | {rule} | {n} |\n")
        f.write("\n| app | " + " | ".join(sorted({c for c, _ in totals})) + " |\n")
        f.write("|---|" + "---:|" * len({c for c, _ in totals}) + "\n")
        for app in sorted(per_app):
            f.write(f"| {app} | " + " | ".join(str(per_app[app][c]) for c in sorted({c for c, _ in totals})) + " |\n")
sys.exit(1 if bad or failed else 0)
PY
