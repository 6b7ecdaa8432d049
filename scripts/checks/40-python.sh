#!/usr/bin/env bash
# check: Python — build the module into .venv (maturin develop --release), then pytest: golden vectors from native values, every exception, inputs, DataFrames/Arrow/polars, threads, the README example, stubtest
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.d/40-python.sh
export VIRTUAL_ENV="$PWD/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
# Clippy checks the crate in the workspace run (10-rust.sh); here it is built as the extension.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd python && maturin develop --release) >"$log" 2>&1; then
    cat "$log"
    echo "maturin develop failed" >&2
    exit 1
fi
grep -E '^ *(Finished|🛠)' "$log" || true
python -m pytest python/tests -q -p no:cacheprovider
