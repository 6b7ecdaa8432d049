#!/usr/bin/env bash
# Fuzz kaoping's hostile-input surfaces for a bounded time each (NOT part of scripts/test.sh).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default: 300 s, every target
#
# cargo-fuzz (libFuzzer) on the stable toolchain: `--sanitizer none`, since the address sanitizer
# build needs nightly. Coverage instrumentation (SanitizerCoverage), debug assertions and overflow
# checks are on (fuzz/Cargo.toml's release profile), so panics, arithmetic overflows and stack
# overflows are found; memory errors need no sanitizer in this crate (#![forbid(unsafe_code)]).
#
# Seed corpora are made afresh from the built-in rulebooks (TOML, and JSON converted from them),
# the expressions inside them, the golden vectors' rulebooks and records, and the CSV samples,
# into target/fuzz-corpus/<target>/ (never committed). Findings land in fuzz/artifacts/<target>/;
# each one must become a regression test (core/tests/fuzz_regressions.rs).
# The summary (CPU seconds, executions, corpus size, crashes per target) goes to
# target/fuzz-summary.txt and stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rulebook_toml rulebook_json expression record_json record_csv load_score)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# The fuzz crate is outside the workspace, so the workspace lint does not see it.
cargo clippy --manifest-path fuzz/Cargo.toml --locked --all-targets -- -D warnings

corpus=target/fuzz-corpus
python3 - "$corpus" <<'PY'
import glob, json, os, re, sys, tomllib
out = sys.argv[1]
def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
def jsonable(v):
    if isinstance(v, dict): return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list): return [jsonable(x) for x in v]
    if hasattr(v, "isoformat"): return v.isoformat()
    return v
rulebooks = {os.path.basename(p): open(p, encoding="utf-8").read() for p in sorted(glob.glob("core/rulebooks/*.toml"))}
for p in sorted(glob.glob("tests/vectors/*.json")):
    v = json.load(open(p, encoding="utf-8"))
    rulebooks["vec-" + os.path.basename(p)[:-5]] = v["rulebook"]
    for k, c in enumerate(v.get("cases", [])):
        # record_json: the first byte picks the rulebook (0: the county example).
        put("record_json", f"{os.path.basename(p)[:-5]}-{k}", b"\x00" + json.dumps(c["record"], ensure_ascii=False).encode())
    recs = [c["record"] for c in v.get("cases", [])]
    put("record_json", os.path.basename(p)[:-5] + "-batch", b"\x80" + json.dumps(recs, ensure_ascii=False).encode())
exprs = set()
for name, text in rulebooks.items():
    put("rulebook_toml", name, text)
    try:
        put("rulebook_json", name, json.dumps(jsonable(tomllib.loads(text)), ensure_ascii=False, indent=1))
    except Exception:
        pass
    exprs.update(re.findall(r"(?:when|formula|applies|input)\s*=\s*'([^']*)'", text))
    exprs.update(re.findall(r'^\s*\w+\s*=\s*"([^"\n]*[-+*/<>=()][^"\n]*)"\s*$', text, re.M))
for k, e in enumerate(sorted(exprs)):
    put("expression", f"e{k}", e)
for k, p in enumerate(sorted(glob.glob("cli/tests/data/*.csv") + glob.glob("examples/c/*.csv") + glob.glob("core/rulebooks/samples/*.csv"))):
    data = open(p, "rb").read()
    put("record_csv", f"c{k}", b"\x00" + data)
    put("record_csv", f"c{k}-gbk", b"\x04" + data.decode("utf-8", "replace").encode("gb18030", "replace"))
os.makedirs(os.path.join(out, "load_score"), exist_ok=True)
PY

# CPU seconds (user + system) used so far by this shell's finished children: the second line of
# `times`. `times` must run in this shell itself — inside $(...) it would report the
# subshell's children (none) — so it writes to a file that children_cpu then reads.
children_cpu() {
    sed -n 2p target/fuzz-times.txt | awk '{
        n = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); n += p[1] * 60 + p[2] }
        printf "%.3f", n }'
}

summary=target/fuzz-summary.txt
: >"$summary"
for t in "${targets[@]}"; do
    mkdir -p "fuzz/artifacts/$t"
    log="target/fuzz-$t.log"
    # -rss_limit_mb: a rulebook or table that makes the engine use 2 GB is a finding too.
    # Build first, so that the CPU time below is the fuzzing's only.
    (cd fuzz && cargo fuzz build --sanitizer none --release "$t") >"$log" 2>&1 || { cat "$log"; exit 1; }
    set +e
    times >target/fuzz-times.txt
    before=$(children_cpu)
    (cd fuzz && cargo fuzz run --sanitizer none --release "$t" "../$corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1) >"$log" 2>&1
    status=$?
    set -e
    times >target/fuzz-times.txt
    cpu=$(awk -v a="$before" -v b="$(children_cpu)" 'BEGIN { printf "%.0f", b - a }')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
    corp=$(ls "$corpus/$t" | wc -l)
    found=$(ls "fuzz/artifacts/$t" | wc -l)
    line="$t: cpu ${cpu}s, ${execs:-?} executions, coverage ${cov:-?}, corpus $corp, artifacts $found, exit $status"
    echo "$line" | tee -a "$summary"
    if [ "$status" != 0 ]; then
        grep -m3 -E 'panicked|ERROR|SUMMARY' "$log" | sed 's/^/    /' | tee -a "$summary"
    fi
done
