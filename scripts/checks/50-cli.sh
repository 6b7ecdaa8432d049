#!/usr/bin/env bash
# check: the command line's HTML reports in headless Chromium: every built-in on its sample table — one row per unit, one bar per indicator, grade and criteria counts, Chinese labels, no script errors — the profiles compared, capped grades explained in 说明, `--report-units` limiting only the units explained; the compact report (`--report-compact`) in rank order and printed to PDF by Chromium on a few pages; and `kaoping diff` reports (transition matrix, histogram, profiles, movers against the JSON); screenshots and PDFs in target/report-check/
set -euo pipefail
cd "$(dirname "$0")/../.."
# The cli crate's own tests (end-to-end, golden files) run with the workspace in 10-rust.sh.
if ! command -v chromium >/dev/null 2>&1; then
    bash scripts/setup.d/50-cli.sh || true
fi
if ! command -v chromium >/dev/null 2>&1; then
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    echo "!!! SKIPPED: chromium could not be installed, so the HTML report was NOT checked" >&2
    echo "!!! in a browser. Install Debian's chromium and fonts-noto-cjk and run again.   " >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    exit 0
fi
cargo build -q --locked -p kaoping-cli
python3 cli/tests/report_check.py --kaoping target/debug/kaoping --out target/report-check
