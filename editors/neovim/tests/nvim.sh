#!/usr/bin/env bash
# Runs a real headless Neovim (Debian's 0.7 in CI) with this plugin against
# the example workspace. Usage: editors/neovim/tests/nvim.sh path/to/schemalint
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$repo/target/release/schemalint}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/lab-platform/." "$work/"
export SCHEMALINT_BIN="$bin" SCHEMALINT_FILE="$work/src/core/schema.prisma"
cd "$work"
timeout 90 nvim --headless -u NONE -i NONE -n \
  --cmd "set runtimepath^=$here" \
  -c "luafile $here/tests/e2e.lua" 2>&1
