#!/usr/bin/env bash
# Install libkaoping for C projects:
#   PREFIX/include/kaoping.h
#   PREFIX/lib/libkaoping.a
#   PREFIX/lib/libkaoping.so.VERSION          the shared library (SONAME libkaoping.so.MAJOR)
#   PREFIX/lib/libkaoping.so.MAJOR            -> libkaoping.so.VERSION: what programs load
#   PREFIX/lib/libkaoping.so                  -> libkaoping.so.MAJOR: what -lkaoping links
#   PREFIX/lib/pkgconfig/kaoping.pc           links the shared library
#   PREFIX/lib/pkgconfig/kaoping-static.pc    links libkaoping.a (and the system libraries it needs)
#   PREFIX/share/kaoping/valgrind.supp        for programs that do not call kp_shutdown()
#
#   scripts/install-c.sh PREFIX              build (cargo, release) and install
#   scripts/install-c.sh PREFIX --no-build   install what target/release already holds
#
# Then, in a C project:
#   export PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
#   cc app.c $(pkg-config --cflags --libs kaoping-static) -o app     # nothing to find at run time
#   cc app.c $(pkg-config --cflags --libs kaoping) -Wl,-rpath,"$(pkg-config --variable=libdir kaoping)" -o app
set -euo pipefail
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
    sed -n '2,19s/^# \{0,1\}//p' "$0"
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(realpath -m "$1")
if [ "${2:-}" != "--no-build" ]; then
    (cd "$root" && cargo build --release --locked -p kaoping-ffi)
fi
lib="$root/target/release"
version=$(sed -n 's/^#define KAOPING_VERSION "\(.*\)"$/\1/p' "$root/include/kaoping.h")
major=${version%%.*}
# The shared library must carry the SONAME the links below are named after (ffi/build.rs sets it).
soname=$(readelf -d "$lib/libkaoping.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != "libkaoping.so.$major" ]; then
    echo "install-c.sh: $lib/libkaoping.so has SONAME '${soname:-none}', not libkaoping.so.$major" >&2
    exit 1
fi
# What the Rust standard library in libkaoping.a needs from the system on Linux
# (`cargo rustc -p kaoping-ffi --release -- --print native-static-libs`).
system_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/kaoping"
install -m 644 "$root/include/kaoping.h" "$prefix/include/kaoping.h"
install -m 644 "$lib/libkaoping.a" "$prefix/lib/libkaoping.a"
install -m 755 "$lib/libkaoping.so" "$prefix/lib/libkaoping.so.$version"
ln -sfn "libkaoping.so.$version" "$prefix/lib/libkaoping.so.$major"
ln -sfn "libkaoping.so.$major" "$prefix/lib/libkaoping.so"
install -m 644 "$root/ffi/valgrind.supp" "$prefix/share/kaoping/valgrind.supp"
pc() { # name, description, libs
    sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NAME@|$1|" -e "s|@WHAT@|$2|" \
        -e "s|@LIBS@|$3|" "$root/ffi/kaoping.pc.in" >"$prefix/lib/pkgconfig/$1.pc"
}
# The shared library brings its own dependencies (DT_NEEDED): nothing private to list. `pkg-config
# --static kaoping` would still give -lkaoping, which links the .so: kaoping-static links the .a.
pc kaoping "shared library (libkaoping.so.$major)" '-L${libdir} -lkaoping'
pc kaoping-static 'static library (libkaoping.a)' "\${libdir}/libkaoping.a $system_libs"
echo "installed libkaoping $version in $prefix"
