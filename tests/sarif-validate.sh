#!/usr/bin/env bash
# Validates `check --format sarif` on the example workspace against the
# official SARIF 2.1.0 JSON schema. The schema comes from the npm package
# @microsoft/jest-sarif (the registry is reachable, GitHub is not), and the
# validator is Python's jsonschema from PyPI.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/target/release/schemalint}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m pip install --quiet --disable-pip-version-check jsonschema >/dev/null 2>&1 \
  || python3 -m pip install --quiet --break-system-packages jsonschema
(cd "$work" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null && tar xzf ./*.tgz)
schema="$work/package/lib/schemas/sarif-2.1.0-rtm.5.json"

set +e
"$bin" check --format sarif "$here/examples/lab-platform" >"$work/out.sarif"
status=$?
set -e
[ "$status" -le 1 ] || { echo "check exited $status" >&2; exit 1; }
python3 - "$schema" "$work/out.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.validate(log, schema)
print(f"SARIF valid: {len(log['runs'][0]['results'])} results, {len(log['runs'][0]['tool']['driver']['rules'])} rules")
PY
