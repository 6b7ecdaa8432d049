#!/usr/bin/env bash
# check: Rust — format, lint, unit/behaviour/property/golden-vector tests and doc examples; long lists and large rulebooks in release
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# Work that grows with the input stays linear: timed, so in release and one test at a time.
cargo test --release --locked -p kaoping --test scale -- --test-threads=1
