#!/usr/bin/env bash
# The roll-up benchmark (spec §18): kaoping's core on one core against pandas float64 doing the
# same aggregation, in the same run over the same generated tables.
#   benches/rollup.sh [HOUSEHOLDS] [VILLAGES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}; v=${2:-5000}; rounds=${3:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --quiet --release -p kaoping-bench --bin rollup
# Freed memory kept 10 s, as the Python module sets it (mimalloc's 1 s default purges a round's
# records while the next round allocates them again).
MIMALLOC_PURGE_DELAY=10000 ./target/release/rollup "$n" "$v" "$rounds" --write "$dir"
py=.venv/bin/python; [ -x "$py" ] || py=python3
"$py" benches/rollup_pandas.py "$dir" "$rounds"
