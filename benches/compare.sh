#!/usr/bin/env bash
# CAB: kaoping against the baselines of shared/bench, measured in one run on the same data.
#
#   benches/compare.sh [ROWS] [OUTDIR]        (defaults: 1000000 rows, /tmp/kaoping-cab)
#
# Generates data with shared/bench/gen.py (seed 42), runs pandas float64, Python decimal, the
# hand-written Rust loops (f64, exact integers, rust_decimal) and kaoping, checks every answer
# against the exact one with shared/bench/check.py, and prints records per second and ratios.
# pandas and kaoping run in alternating rounds (KAOPING_BENCH_ROUNDS, default 3) and each ratio
# is the median of the rounds' own ratios: these machines drift too much between minutes for
# ratios of separate runs. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
OUT=${2:-/tmp/kaoping-cab}
SHARED=$(cd ../shared/bench && pwd)
VENV=${KAOPING_BENCH_VENV:-$OUT/venv}
mkdir -p "$OUT/res"
rm -f "$OUT"/res/*.totals "$OUT"/res/*.grades "$OUT/results.jsonl"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$SHARED/requirements.txt"
fi
PY="$VENV/bin/python"
DATA="$OUT/cab-$ROWS.csv"
[ -s "$DATA" ] || "$PY" "$SHARED/gen.py" "$ROWS" 42 > "$DATA"

echo "== building (release)"
cargo build --release --locked -q -p kaoping-bench --bin cab-compare
mkdir -p "$OUT/limit"
cp -r "$SHARED/limit/Cargo.toml" "$SHARED/limit/src" "$OUT/limit/"
(cd "$OUT/limit" && cargo build --release -q)

export CAB_RESULTS="$OUT/results.jsonl"
# This kind of machine drifts by ±30% from one minute to the next: pandas and kaoping run in
# alternating rounds, and the ratios below are the median of each round's own ratio.
ROUNDS=${KAOPING_BENCH_ROUNDS:-3}
echo "== Python decimal"
(cd "$SHARED" && "$PY" python_decimal.py "$DATA" "$OUT/res/python_decimal" --reps 1) > /dev/null
echo "== hand-written Rust loops"
"$OUT/limit/target/release/cab-limit" "$DATA" "$OUT/res/rust" > /dev/null  # appends to $CAB_RESULTS itself
for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS: pandas float64, then kaoping"
    (cd "$SHARED" && "$PY" pandas_float.py "$DATA" "$OUT/res/pandas_float" --reps 5) > /dev/null
    ./target/release/cab-compare "$DATA" "$OUT/res/kaoping" --reps 5 > /dev/null
done
echo "== exactness (shared/bench/check.py)"
(cd "$SHARED" && "$PY" check.py "$OUT/res") | tee "$OUT/check.txt"
"$PY" - "$OUT/res/check.json" <<'PYCHECK'
import json, sys
c = json.load(open(sys.argv[1]))
bad = {k: v for k, v in c["vs_exact"].items() if k.startswith("kaoping") and (v["totals_differ"] or v["grades_differ"])}
if bad:
    sys.exit(f"kaoping differs from the exact answer: {bad}")
print("kaoping: 0 totals and 0 grades differ from the exact answer")
PYCHECK

echo "== records per second (median; ratios measured in this run)"
"$PY" - "$CAB_RESULTS" <<'PYSUM'
import json, sys
# Objects one after another (a writer may leave out the newline between two).
text, dec, rows, at = open(sys.argv[1]).read(), json.JSONDecoder(), [], 0
while (at := text.find("{", at)) >= 0:
    obj, at = dec.raw_decode(text, at)
    rows.append(obj)
from statistics import median
runs = {}  # implementation -> records/s of each run, in order (one per round for the alternating ones)
for r in rows:
    if r["impl"] == "kaoping" and r["phase"].startswith("score"):
        runs.setdefault("kaoping " + r["phase"].replace("score_", ""), []).append(r["records_per_s"])
    elif r["impl"] != "kaoping" and r.get("phase") == "score" and r.get("records_per_s"):
        runs.setdefault(r["impl"], []).append(r["records_per_s"])
rate = {k: median(v) for k, v in runs.items()}
base = {k: v for k, v in rate.items() if not k.startswith("kaoping")}

def vs(k, b):
    # Paired by round where both ran in every round (pandas and kaoping), else the medians.
    a, c = runs.get(k, []), runs.get(b, [])
    if len(a) == len(c) > 1:
        return median(x / y for x, y in zip(a, c))
    return rate[k] / base[b] if b in base else float("nan")

print(f"{'implementation':36s} {'records/s':>14s}   " + "  ".join(f"{'vs ' + k:>18s}" for k in ("pandas_float", "rust_decimal", "rust_int_exact")))
for k, v in sorted(rate.items(), key=lambda kv: -kv[1]):
    ratios = "  ".join(f"{vs(k, b):18.2f}" for b in ("pandas_float", "rust_decimal", "rust_int_exact"))
    print(f"{k:36s} {v:14,.0f}   {ratios}")
one, every = runs.get("kaoping columns_1core", []), runs.get("kaoping columns_allcores", [])
if one and len(one) == len(every):
    print("all cores / one core, by round: " + ", ".join(f"{e / o:.2f}" for o, e in zip(one, every)))
if len(one) == len(runs.get("pandas_float", [])):
    print("kaoping columns one core / pandas, by round: " + ", ".join(f"{o / p:.2f}" for o, p in zip(one, runs["pandas_float"])))
PYSUM
