#!/usr/bin/env bash
# Every check the project has. CI runs exactly this (.ci/run). Each part lives in scripts/checks/
# and runs in name order; any failure stops the run with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
for part in scripts/checks/*.sh; do
    printf '\n== %s\n' "$(sed -n 's/^# check: //p' "$part" | head -n1)"
    bash "$part"
done
echo
echo "all checks passed"
