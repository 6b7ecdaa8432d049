#!/usr/bin/env bash
# Typed-record and JSON scoring from C (libkaoping) against the Rust core scoring the same CAB
# records one by one (Rulebook::score / score_json), in one run, on one core each. Not part of
# the test command.
#
#   benches/c/run.sh [N] [REPS]     N rows of gen.py N 42 (default 100000), REPS timings (default 5)
#
# Needs /work/shared/bench (cab.toml, gen.py) and a Python with numpy for the generator
# (BENCH_PYTHON, default /tmp/bench-venv/bin/python). Data goes to /tmp, never the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
reps=${2:-5}
shared=${SHARED_BENCH:-/work/shared/bench}
python=${BENCH_PYTHON:-/tmp/bench-venv/bin/python}
data=/tmp/kaoping-cab-$n.csv
[ -s "$data" ] || "$python" "$shared/gen.py" "$n" 42 >"$data"

# Both sides in the release profile (the same optimisation and LTO settings).
cargo build --release --locked -p kaoping-ffi --example cab-core
out=target/release/bench_cab
cc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude benches/c/bench_cab.c \
    target/release/libkaoping.a -lpthread -ldl -lm -o "$out"

echo "# $(nproc) cores; $n CAB rows from gen.py $n 42; median of $reps; $(date -u +%Y-%m-%dT%H:%MZ)"
results=$(mktemp)
"$out" "$shared/cab.toml" "$data" "$reps" | tee -a "$results"
target/release/examples/cab-core "$shared/cab.toml" "$data" "$reps" | tee -a "$results"
python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["impl"]: r for r in rows}
print()
print(f"{'way':<26}{'C records/s':>14}{'Rust records/s':>16}{'C time / Rust':>15}  checksums")
for way in ["typed, score", "typed, build and score", "json"]:
    c, r = by[f"c {way}"], by[f"rust {way}"]
    same = "equal" if c["checksum"] == r["checksum"] else "DIFFER"
    print(f"{way:<26}{c['records_per_s']:>14,.0f}{r['records_per_s']:>16,.0f}"
          f"{c['median_s'] / r['median_s']:>14.3f}x  {same}")
    if c["checksum"] != r["checksum"]:
        sys.exit(1)
EOF
rm -f "$results"
