#!/usr/bin/env bash
# Build and run the C tests against libkaoping, as C callers build them:
#   -std=c11 -Wall -Wextra -Werror -pedantic, against the committed include/kaoping.h,
# linked with the static library and with the shared one; then the same programs under
# AddressSanitizer + UndefinedBehaviorSanitizer, and under valgrind memcheck (0 errors, 0 leaks,
# no suppressions).
#
#   tests/c/run.sh [LIBDIR]      LIBDIR holds libkaoping.a and libkaoping.so built with
#                                `--features test-panic` (default: target/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
libdir=$(realpath "${1:-target/release}")
build=tests/c/build
mkdir -p "$build"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -g -DKP_TEST_PANIC -Iinclude -Itests/c)
native_libs=(-lpthread -ldl -lm)
# test_boundary: every function with NULL for each pointer, zero lengths, exact-size buffers.
# test_malformed: the malformed-input catalogue (tests/malformed/) through the C API.
# test_records: setters by name or label, types refused at set time, GB18030 strings.
# test_lists: what a rulebook declares and what a result holds, through the counted accessors.
# test_regressions: cases found by trying kaoping as a user would.
# test_compare: a variant compared with its base (JSON and CSV rows), a rulebook's lint.
# test_advise: advice (整改建议) as JSON, the exact threshold, the veto first, refusals.
# test_sub_units: spec §18 — items holding items, the items' own results, aggregates, item paths.
programs=(test_api test_vectors test_threads test_boundary test_malformed test_records test_lists test_regressions test_variants test_sub_units test_compare test_advise)
vectors=tests/vectors

# The arguments each program takes.
args_of() {
    case "$1" in
        test_api | test_regressions) echo "$tmp" ;;
        test_boundary | test_records | test_lists | test_sub_units) ;;
        test_malformed) echo tests/malformed/catalogue.json ;;
        *) echo "$vectors" ;;
    esac
}

# The shared library as installed: its SONAME is libkaoping.so.0, the file the programs look for
# when they start (found through their rpath); -lkaoping finds libkaoping.so.
shared="$build/lib"
mkdir -p "$shared"
ln -sfn "$libdir/libkaoping.so" "$shared/libkaoping.so.0"
ln -sfn libkaoping.so.0 "$shared/libkaoping.so"

build_all() { # variant, extra flags...
    local variant=$1
    shift
    for p in "${programs[@]}"; do
        case "$variant" in
            static*) cc "${cflags[@]}" "$@" -o "$build/$p.$variant" "tests/c/$p.c" tests/c/json.c \
                "$libdir/libkaoping.a" "${native_libs[@]}" ;;
            shared*) cc "${cflags[@]}" "$@" -o "$build/$p.$variant" "tests/c/$p.c" tests/c/json.c \
                -L"$shared" -lkaoping -Wl,-rpath,"$shared" "${native_libs[@]}" ;;
        esac
    done
}

run_all() { # variant, command prefix...
    local variant=$1
    shift
    for p in "${programs[@]}"; do
        # kp_test_panic's panic message goes to stderr by design; keep the log short.
        RUST_BACKTRACE=0 "$@" "$build/$p.$variant" $(args_of "$p") \
            2> >(grep -v "kp_test_panic was called\|^note: run with\|panicked at ffi/src/testing.rs\|^$" >&2)
    done
}

echo "-- static library"
build_all static -O2
run_all static

echo "-- shared library"
build_all shared -O2
run_all shared

echo "-- AddressSanitizer + UndefinedBehaviorSanitizer (static and shared)"
sanitize=(-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
build_all static-asan "${sanitize[@]}"
build_all shared-asan "${sanitize[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_all static-asan
run_all shared-asan
unset ASAN_OPTIONS UBSAN_OPTIONS

echo "-- valgrind memcheck (shared library)"
# The malformed catalogue already ran under ASan+UBSan with LeakSanitizer (static and shared);
# under valgrind it would add half a minute to the test command for no new kind of check.
# No suppressions: each program ends with kp_shutdown(), which releases what kaoping keeps for the
# life of the process, so anything lost (possibly, indirectly or definitely) fails the C tests.
programs=(test_api test_vectors test_threads test_boundary test_records test_lists test_regressions test_variants test_sub_units test_compare)
run_all shared valgrind --quiet --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible
