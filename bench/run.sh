#!/usr/bin/env bash
# The benchmark suite: schemalint and its peers on the same inputs, one table.
#
#   bash bench/run.sh            # full run (about 15 minutes on 2 cores)
#   RUNS=3 EDITS=50 bash bench/run.sh
#
# It builds schemalint (release), installs the peers from their registries
# into bench/.peers (prisma-lint, @prisma/prisma-schema-wasm and
# @prisma/language-server from npm, squawk-cli from PyPI), writes synthetic
# workspaces of 100, 1,000 and 10,000 models with bench/gen.py, proves them
# valid with Prisma's own validator, and runs bench/bench.py. The real
# inputs come from ../shared/corpus/apps when it is there.
# Results: the table on stdout and bench/.out/results.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
peers="$here/.peers"
work="${BENCH_WORK:-$here/.out}"
mkdir -p "$peers" "$work"

echo "== building schemalint" >&2
(cd "$repo" && cargo build --release --locked -p schemalint-cli -p schemalint-project --example edit_cost >&2)

echo "== installing peers into $peers" >&2
if [ ! -x "$peers/node_modules/.bin/prisma-lint" ] || [ ! -d "$peers/node_modules/@prisma/language-server" ]; then
  (cd "$peers" && [ -f package.json ] || echo '{"private": true}' > "$peers/package.json"
   cd "$peers" && npm install --no-audit --no-fund --silent \
     prisma-lint@0.13 @prisma/prisma-schema-wasm @prisma/language-server >&2)
fi
if [ ! -x "$peers/venv/bin/squawk" ]; then
  python3 -m venv "$peers/venv" >&2
  "$peers/venv/bin/pip" install --quiet squawk-cli >&2
fi

echo "== generating workspaces in $work" >&2
for n in 100 1000 10000; do
  if [ ! -f "$work/m$n/prisma/schema.prisma" ]; then
    python3 "$here/gen.py" "$work/m$n" --models "$n" >&2
  fi
  (cd "$peers" && node "$here/prisma_wasm.mjs" validate "$work/m$n/prisma/schema.prisma" >&2)
done

echo "== measuring" >&2
python3 "$here/bench.py" --schemalint "$repo/target/release/schemalint" --peers "$peers" \
  --work "$work" --corpus "$repo/../shared/corpus/apps" --runs "${RUNS:-5}" --edits "${EDITS:-100}" \
  --json "$work/results.json"
