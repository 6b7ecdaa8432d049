#!/usr/bin/env bash
# The command's CSV → CSV (issue 29): `kaoping score cab.toml DATA.csv --out OUT.csv` on CAB, every
# column written, against another build of the command, in alternating rounds; outputs compared
# byte for byte.
#
#   benches/csv_command.sh [ROWS] [ROUNDS] [BEFORE_BINARY]
#       (defaults: 1000000 rows, 5 rounds; without BEFORE_BINARY only this build is timed)
#
# Builds `target/release/kaoping` (unless KAOPING_BENCH_NO_BUILD is set), generates /tmp/kaoping-cab/cab-ROWS.csv with shared/bench/gen.py
# (seed 42) when missing, and prints each run's wall and CPU seconds (user + system, which a busy
# host inflates far less than wall time) and M rows/s, then the medians and, with a second build,
# the median over rounds of each round's own ratio. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
ROUNDS=${2:-5}
BEFORE=${3:-}
OUT=/tmp/kaoping-cab
# shared/bench beside the repository (or two levels up, from a worktree), or $CAB_BENCH.
SHARED=${CAB_BENCH:-$(cd ../shared/bench 2> /dev/null || cd ../../shared/bench && pwd)}
mkdir -p "$OUT"
DATA="$OUT/cab-$ROWS.csv"
PY=${KAOPING_BENCH_PYTHON:-python3}
[ -s "$DATA" ] || "$PY" "$SHARED/gen.py" "$ROWS" 42 > "$DATA"
[ -n "${KAOPING_BENCH_NO_BUILD:-}" ] || cargo build --release --locked -q -p kaoping-cli
AFTER=./target/release/kaoping

run() { # BINARY OUTFILE → "wall cpu"
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" "$1" score "$SHARED/cab.toml" "$DATA" --out "$2" 2> /dev/null || true
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$OUT/time.txt"
}

echo "round build wall_s cpu_s M_rows_per_s_wall"
for r in $(seq "$ROUNDS"); do
    read -r w c < <(run "$AFTER" "$OUT/after.csv")
    echo "$r after $w $c $(awk -v n="$ROWS" -v t="$w" 'BEGIN { printf "%.2f", n / t / 1e6 }')"
    if [ -n "$BEFORE" ]; then
        read -r bw bc < <(run "$BEFORE" "$OUT/before.csv")
        echo "$r before $bw $bc $(awk -v n="$ROWS" -v t="$bw" 'BEGIN { printf "%.2f", n / t / 1e6 }')"
        cmp -s "$OUT/after.csv" "$OUT/before.csv" || { echo "outputs differ"; exit 1; }
    fi
done | tee "$OUT/csv_command.txt"
[ -n "$BEFORE" ] && echo "outputs identical (cmp) in every round"
"$PY" - "$OUT/csv_command.txt" "$ROWS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
n = int(sys.argv[2])
by = {}
for r, build, w, c, _ in rows:
    by.setdefault(build, {})[int(r)] = (float(w), float(c))
for build, runs in by.items():
    w = statistics.median(v[0] for v in runs.values())
    c = statistics.median(v[1] for v in runs.values())
    print(f"{build}: median wall {w:.2f} s ({n / w / 1e6:.2f} M rows/s), CPU {c:.2f} s")
if len(by) == 2:
    a, b = by["after"], by["before"]
    print("before / after per round, wall: %.2f, CPU: %.2f" % (
        statistics.median(b[r][0] / a[r][0] for r in a), statistics.median(b[r][1] / a[r][1] for r in a)))
PY
