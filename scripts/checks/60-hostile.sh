#!/usr/bin/env bash
# check: hostile input — the malformed-input catalogue is up to date with its generator and covers every §17 kind; the fuzz crate (not a workspace member) is formatted. The catalogue itself runs in the Rust (10), C (30) and Python (40) checks; fuzzing, and the fuzz crate's clippy, run in scripts/fuzz.sh, not here (building libFuzzer would add minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 tests/malformed/make_catalogue.py --check
python3 - <<'PY'
import json
cases = json.load(open("tests/malformed/catalogue.json", encoding="utf-8"))["cases"]
surfaces = {}
for c in cases:
    surfaces[c["surface"]] = surfaces.get(c["surface"], 0) + 1
findings = sum(1 for c in cases if "finding" in c)
assert len(cases) >= 300, f"only {len(cases)} malformed inputs"
print(f"malformed catalogue: {len(cases)} cases ({', '.join(f'{k} {v}' for k, v in sorted(surfaces.items()))}), {findings} marked findings")
PY
cargo fmt --manifest-path fuzz/Cargo.toml --check
