#!/usr/bin/env bash
# Install libkaoping for C projects:
#   PREFIX/include/kaoping.h
#   PREFIX/lib/libkaoping.a, PREFIX/lib/libkaoping.so
#   PREFIX/lib/pkgconfig/kaoping.pc          links the shared library
#   PREFIX/lib/pkgconfig/kaoping-static.pc   links libkaoping.a (and the system libraries it needs)
#
#   scripts/install-c.sh PREFIX              build (cargo, release) and install
#   scripts/install-c.sh PREFIX --no-build   install what target/release already holds
#
# Then, in a C project:
#   export PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
#   cc app.c $(pkg-config --cflags --libs kaoping) -o app          # run with LD_LIBRARY_PATH=PREFIX/lib
#   cc app.c $(pkg-config --cflags --libs kaoping-static) -o app   # nothing to find at run time
set -euo pipefail
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
    sed -n '2,16s/^# \{0,1\}//p' "$0"
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(realpath -m "$1")
if [ "${2:-}" != "--no-build" ]; then
    (cd "$root" && cargo build --release --locked -p kaoping-ffi)
fi
lib="$root/target/release"
version=$(sed -n 's/^#define KAOPING_VERSION "\(.*\)"$/\1/p' "$root/include/kaoping.h")
# What the Rust standard library in libkaoping.a needs from the system on Linux
# (`cargo rustc -p kaoping-ffi --release -- --print native-static-libs`).
system_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 "$root/include/kaoping.h" "$prefix/include/kaoping.h"
install -m 644 "$lib/libkaoping.a" "$prefix/lib/libkaoping.a"
install -m 755 "$lib/libkaoping.so" "$prefix/lib/libkaoping.so"
pc() { # name, libs, private
    sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NAME@|$1|" \
        -e "s|@LIBS@|$2|" -e "s|@PRIVATE@|$3|" "$root/ffi/kaoping.pc.in" >"$prefix/lib/pkgconfig/$1.pc"
}
pc kaoping '-L${libdir} -lkaoping' "$system_libs"
pc kaoping-static "\${libdir}/libkaoping.a $system_libs" ''
echo "installed libkaoping $version in $prefix"
