#!/usr/bin/env bash
# check: C ABI — header regenerated and unchanged, C tests (static, shared, ASan+UBSan, valgrind), install, the README's program (both link forms, ldd, valgrind), example
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

# Install as a C project would get it: the shared library under its versioned name, with the
# SONAME link and the link -lkaoping finds; pkg-config files; the valgrind suppressions.
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
scripts/install-c.sh "$prefix" --no-build
version=$(sed -n 's/^#define KAOPING_VERSION "\(.*\)"$/\1/p' include/kaoping.h)
test -f "$prefix/lib/libkaoping.so.$version" && test ! -L "$prefix/lib/libkaoping.so.$version"
test "$(readlink "$prefix/lib/libkaoping.so.0")" = "libkaoping.so.$version"
test "$(readlink "$prefix/lib/libkaoping.so")" = libkaoping.so.0
grep -q 'Library soname: \[libkaoping.so.0\]' <<<"$(readelf -d "$prefix/lib/libkaoping.so.$version")"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
test "$(pkg-config --variable=suppressions kaoping)" = "$prefix/share/kaoping/valgrind.supp"
test -f "$prefix/share/kaoping/valgrind.supp"

# The README's C program, exactly as the README shows it, built with the README's two link
# commands, run, checked with ldd, and run under valgrind as the README says.
app="$prefix/app"
mkdir "$app"
awk '/^## C$/{c=1} c && /^```c$/{p=1; next} p && /^```$/{exit} p' README.md >"$app/app.c"
readme_sh=$(awk '/^## C$/{c=1} c && /^```sh$/{p=1; next} p && /^```$/{exit} p' README.md)
grep -q kp_shutdown "$app/app.c"
cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only $(pkg-config --cflags kaoping) "$app/app.c"
links=$(grep '^cc app.c' <<<"$readme_sh")
test "$(wc -l <<<"$links")" -eq 2
(cd "$app" && eval "$links")
test "$("$app/app")" = 80.13
test "$(env -u LD_LIBRARY_PATH "$app/app-shared")" = 80.13
# Static: nothing of kaoping to load. Shared: libkaoping.so.0, found through the rpath.
if grep -q kaoping <<<"$(ldd "$app/app")"; then
    echo "the static program loads a kaoping library" >&2
    exit 1
fi
grep -q "libkaoping.so.0 => $prefix/lib/libkaoping.so.0 " <<<"$(ldd "$app/app-shared")"
# Without an rpath the program does not start, unless LD_LIBRARY_PATH names the directory.
cc "$app/app.c" $(pkg-config --cflags --libs kaoping) -o "$app/app-plain"
if env -u LD_LIBRARY_PATH "$app/app-plain" 2>/dev/null; then
    echo "a program linked without an rpath started without LD_LIBRARY_PATH" >&2
    exit 1
fi
test "$(LD_LIBRARY_PATH="$prefix/lib" "$app/app-plain")" = 80.13
# valgrind, exactly as the README runs it, on the static program; then on the shared one.
valgrind_line=$(grep '^valgrind ' <<<"$readme_sh")
for line in "$valgrind_line" "${valgrind_line/.\/app/./app-shared}"; do
    (cd "$app" && eval "$line" >/dev/null 2>"$app/valgrind.log") || { cat "$app/valgrind.log" >&2; exit 1; }
done

# Without kp_shutdown() valgrind finds kaoping's caches and threads ("possibly lost"), and the
# installed suppressions cover them: the README's program, and the example, which scores a
# batch on every core (kaoping's threads, started by the batch, are then still running).
vg=(valgrind --quiet --leak-check=full --error-exitcode=1)
sed '/kp_shutdown();/d' "$app/app.c" >"$app/noshut.c"
sed '/kp_shutdown();/d' examples/c/score_csv.c >"$app/noshut_csv.c"
cc "$app/noshut.c" $(pkg-config --cflags --libs kaoping-static) -o "$app/noshut"
cc "$app/noshut_csv.c" $(pkg-config --cflags --libs kaoping-static) -o "$app/noshut_csv"
if "${vg[@]}" "$app/noshut" >/dev/null 2>&1; then
    echo "valgrind found nothing without kp_shutdown(): is it still needed?" >&2
    exit 1
fi
"${vg[@]}" --suppressions="$(pkg-config --variable=suppressions kaoping)" "$app/noshut" >/dev/null
"${vg[@]}" --suppressions="$(pkg-config --variable=suppressions kaoping)" "$app/noshut_csv" \
    examples/c/counties.csv >/dev/null

# The example, built with pkg-config (shared and static), run; under valgrind with no flags (it
# calls kp_shutdown() after a parallel batch).
cc -std=c11 -Wall -Wextra -Werror -pedantic examples/c/score_csv.c $(pkg-config --cflags --libs kaoping) \
    -Wl,-rpath,"$(pkg-config --variable=libdir kaoping)" -o "$prefix/score_csv"
cc -std=c11 -Wall -Wextra -Werror -pedantic examples/c/score_csv.c \
    $(pkg-config --cflags --libs kaoping-static) -o "$prefix/score_csv_static"
"$prefix/score_csv" examples/c/counties.csv >"$prefix/shared.out"
"$prefix/score_csv_static" examples/c/counties.csv >"$prefix/static.out"
cmp "$prefix/shared.out" "$prefix/static.out"
# 示例县 is the specification's running example: 80.13, 较好.
grep -q '^示例县 *80.13  较好' "$prefix/static.out"
"${vg[@]}" "$prefix/score_csv_static" examples/c/counties.csv >/dev/null
"${vg[@]}" "$prefix/score_csv" examples/c/counties.csv >/dev/null
echo "C example: $(tail -n1 "$prefix/static.out"); README program: static, shared, valgrind clean"
