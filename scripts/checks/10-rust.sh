#!/usr/bin/env bash
# check: Rust — format, lint, unit/behaviour/property/golden-vector tests and doc examples
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
