#!/usr/bin/env bash
# check: C ABI — header regenerated and unchanged, C tests (static, shared, ASan+UBSan, valgrind), install, example
set -euo pipefail
cd "$(dirname "$0")/../.."

# The committed header is what cbindgen makes of ffi/src today.
git ls-files --error-unmatch include/kaoping.h >/dev/null
cbindgen --quiet --config ffi/cbindgen.toml --crate kaoping-ffi --output include/kaoping.h ffi
git diff --exit-code -- include/kaoping.h

# The test-only export (kp_test_panic) is behind a feature the workspace lint does not turn on.
cargo clippy -p kaoping-ffi --features test-panic --all-targets --locked -- -D warnings
cargo build -p kaoping-ffi --features test-panic --release --locked
tests/c/run.sh target/release

# Install as a C project would get it, build the example with pkg-config (shared and static), run it.
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
scripts/install-c.sh "$prefix" --no-build
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c11 -Wall -Wextra -Werror -pedantic examples/c/score_csv.c $(pkg-config --cflags --libs kaoping) \
    -o "$prefix/score_csv"
cc -std=c11 -Wall -Wextra -Werror -pedantic examples/c/score_csv.c \
    $(pkg-config --cflags --libs kaoping-static) -o "$prefix/score_csv_static"
LD_LIBRARY_PATH="$prefix/lib" "$prefix/score_csv" examples/c/counties.csv >"$prefix/shared.out"
"$prefix/score_csv_static" examples/c/counties.csv >"$prefix/static.out"
cmp "$prefix/shared.out" "$prefix/static.out"
# 示例县 is the specification's running example: 80.13, 较好.
grep -q '^示例县 *80.13  较好' "$prefix/static.out"
echo "C example: $(tail -n1 "$prefix/static.out")"
