#!/usr/bin/env bash
# check: Rust — format, lint, unit/behaviour/property/golden-vector tests and doc examples; long lists and large rulebooks in release
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# The crate's documentation builds without a warning (broken or private links).
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked -p kaoping
# Without its default features (no rayon, no GBK decoder) the core builds and its own tests pass.
cargo test --locked -p kaoping --no-default-features --lib
# The minimum supported Rust version (Cargo.toml's rust-version) still builds the core; the
# toolchain is installed by scripts/setup.d/10-rust.sh.
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
case $msrv in *.*.*) ;; *) msrv=$msrv.0 ;; esac # a toolchain is named 1.88.0, not 1.88
cargo "+$msrv" check --locked -p kaoping --lib --tests
# Work that grows with the input stays linear: timed, so in release and one test at a time.
cargo test --release --locked -p kaoping --test scale -- --test-threads=1
