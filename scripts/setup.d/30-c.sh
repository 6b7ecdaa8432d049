#!/usr/bin/env bash
# C ABI: cbindgen pinned at the version that generated include/kaoping.h (a different version would
# make the header check fail on formatting alone), and the C toolchain the C tests use.
set -euo pipefail
CBINDGEN_VERSION=0.29.4
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
    # A debug build: it compiles in a third of the time and generates our header in about a second.
    cargo install --locked --debug cbindgen --version "$CBINDGEN_VERSION"
fi
missing=()
command -v cc >/dev/null || missing+=(gcc)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update
    $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
