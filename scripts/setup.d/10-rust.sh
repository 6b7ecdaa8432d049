#!/usr/bin/env bash
# Rust: the toolchain's format and lint components, and the locked crates.
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fetch --locked
