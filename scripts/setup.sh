#!/usr/bin/env bash
# Install what the project needs on a fresh machine of this kind (Rust toolchain components).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fetch --locked
