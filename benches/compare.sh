#!/usr/bin/env bash
# CAB: kaoping against the baselines of shared/bench, measured in one run on the same data.
#
#   benches/compare.sh [ROWS] [OUTDIR]        (defaults: 1000000 rows, /tmp/kaoping-cab)
#
# Generates data with shared/bench/gen.py (seed 42), runs pandas float64, Python decimal, the
# hand-written Rust loops (f64, exact integers, rust_decimal) and kaoping, checks every answer
# against the exact one with shared/bench/check.py, and prints records per second and ratios.
# Not part of the test command.
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
echo "== pandas float64"
(cd "$SHARED" && "$PY" pandas_float.py "$DATA" "$OUT/res/pandas_float" --reps 5) > /dev/null
echo "== Python decimal"
(cd "$SHARED" && "$PY" python_decimal.py "$DATA" "$OUT/res/python_decimal" --reps 1) > /dev/null
echo "== hand-written Rust loops"
"$OUT/limit/target/release/cab-limit" "$DATA" "$OUT/res/rust" > /dev/null  # appends to $CAB_RESULTS itself
echo "== kaoping"
./target/release/cab-compare "$DATA" "$OUT/res/kaoping" --reps 5 > /dev/null
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
rate = {}
for r in rows:
    if r["impl"] == "kaoping" and r["phase"].startswith("score"):
        rate["kaoping " + r["phase"].replace("score_", "")] = r["records_per_s"]
    elif r["impl"] != "kaoping" and r.get("phase") == "score" and r.get("records_per_s"):
        rate[r["impl"]] = r["records_per_s"]
base = {k: v for k, v in rate.items() if not k.startswith("kaoping")}
print(f"{'implementation':36s} {'records/s':>14s}   " + "  ".join(f"{'vs ' + k:>18s}" for k in ("pandas_float", "rust_decimal", "rust_int_exact")))
for k, v in sorted(rate.items(), key=lambda kv: -kv[1]):
    ratios = "  ".join(f"{(v / base[b]) if b in base else float('nan'):18.2f}" for b in ("pandas_float", "rust_decimal", "rust_int_exact"))
    print(f"{k:36s} {v:14,.0f}   {ratios}")
PYSUM
