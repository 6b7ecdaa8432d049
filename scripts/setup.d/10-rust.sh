#!/usr/bin/env bash
# Rust: the toolchain's format and lint components, and the locked crates.
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fetch --locked
# The minimum supported Rust version (rust-version in Cargo.toml), which scripts/checks/10-rust.sh
# builds the core with.
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
case $msrv in *.*.*) ;; *) msrv=$msrv.0 ;; esac # a toolchain is named 1.88.0, not 1.88
rustup toolchain install "$msrv" --profile minimal
