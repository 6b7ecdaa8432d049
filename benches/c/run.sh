#!/usr/bin/env bash
# Typed-record and JSON scoring from C (libkaoping) against the Rust core scoring the same CAB
# records one by one (Rulebook::score / score_json), in one run, on one core each. Not part of
# the test command.
#
#   benches/c/run.sh [N] [REPS] [ROUNDS]
#       N rows of gen.py N 42 (default 20000); REPS timings per program run (default 5);
#       ROUNDS runs of each program, alternating (default 3)
#
# Needs /work/shared/bench (cab.toml, gen.py) and a Python with numpy for the generator
# (BENCH_PYTHON, default /tmp/bench-venv/bin/python). Data goes to /tmp, never the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20000}
reps=${2:-5}
rounds=${3:-3}
shared=${SHARED_BENCH:-/work/shared/bench}
python=${BENCH_PYTHON:-/tmp/bench-venv/bin/python}
data=/tmp/kaoping-cab-$n.csv
[ -s "$data" ] || "$python" "$shared/gen.py" "$n" 42 >"$data"

# Both sides in the release profile (the same optimisation and LTO settings).
cargo build --release --locked -p kaoping-ffi --example cab-core
out=target/release/bench_cab
cc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude benches/c/bench_cab.c \
    target/release/libkaoping.a -lpthread -ldl -lm -o "$out"

echo "# $(nproc) cores; $n CAB rows from gen.py $n 42; $rounds rounds of C then Rust, each the median"
echo "# of $reps timings; the table gives the median over the rounds. $(date -u +%Y-%m-%dT%H:%MZ)"
results=$(mktemp)
# Alternate the two programs, so that a change in the machine's load (other jobs) falls on both.
for _ in $(seq "$rounds"); do
    "$out" "$shared/cab.toml" "$data" "$reps" | tee -a "$results"
    target/release/examples/cab-core "$shared/cab.toml" "$data" "$reps" | tee -a "$results"
done
python3 - "$results" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def stat(impl):
    mine = [r for r in rows if r["impl"] == impl]
    if len({r["checksum"] for r in mine}) != 1:
        sys.exit(f"{impl}: checksums differ between rounds")
    return statistics.median(r["median_s"] for r in mine), mine[0]["n"], mine[0]["checksum"]
print()
print(f"{'way':<26}{'C records/s':>14}{'Rust records/s':>16}{'C time / Rust':>15}  checksums")
for way in ["typed, score", "typed, build and score", "json"]:
    (cs, n, cc), (rs, _, rc) = stat(f"c {way}"), stat(f"rust {way}")
    same = "equal" if cc == rc else "DIFFER"
    print(f"{way:<26}{n / cs:>14,.0f}{n / rs:>16,.0f}{cs / rs:>14.3f}x  {same}")
    if cc != rc:
        sys.exit(1)
EOF
rm -f "$results"
