#!/usr/bin/env bash
# Every check the project has, in the order a failure is cheapest to read. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (unit, behaviour, golden vectors, property tests, doc examples)"
cargo test --workspace --locked

step "reference scorer self-test and golden vectors up to date"
python3 tests/reference/test_reference.py
python3 tests/reference/make_vectors.py --check

echo
echo "all checks passed"
