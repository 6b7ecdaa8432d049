#!/usr/bin/env python3
"""The HTML report, rendered in headless Chromium and read back from the DOM.

    report_check.py --kaoping target/debug/kaoping --out DIR [--chromium chromium]

For each case (a rulebook and a data file) it runs `kaoping score RULEBOOK DATA --report R.html
--out R.csv`, then loads the report in headless Chromium (`--dump-dom`, the page opened as
`R.html#sort=total` so the sort script runs) and checks, against the results file and the
rulebook:
  - one table row per unit, ordered by total (best first) after the sort;
  - one lost-points bar per leaf indicator;
  - the grade counts equal those of the results file;
  - the Chinese labels (rulebook title, indicator labels, grades) are in the rendered text;
  - nothing is fetched from outside the page, and no script error or console message;
  - a screenshot R.png is saved for a person to look at.
Exits 1 with every failure listed.
"""
import argparse
import csv
import os
import pathlib
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cases():
    """(name, rulebook, data): the example's sample, the benchmark rulebook, and every built-in
    rulebook's bundled sample (core/rulebooks/samples/<id>.csv) when there is one."""
    out = [
        ("example", "builtin:example.county-assessment", ROOT / "cli/tests/data/example.county-assessment.csv"),
        ("counties", "builtin:example.county-assessment", ROOT / "cli/samples/counties.csv"),
        ("cab", str(ROOT / "core/src/syntax/testdata/cab.toml"), ROOT / "cli/tests/data/cab-50.csv"),
    ]
    samples = ROOT / "core/rulebooks/samples"
    if samples.is_dir():
        for f in sorted(samples.glob("*.csv")):
            rid = f.name[: -len(".csv")]
            if (ROOT / "core/rulebooks" / f"{rid}.toml").is_file():
                out.append((rid, f"builtin:{rid}", f))
    return out


class Dom(HTMLParser):
    """What the checks need from the rendered DOM."""

    def __init__(self):
        super().__init__()
        self.html_attrs = {}
        self.unit_rows = []          # (data-row, data-grade) in DOM order
        self.totals = []             # the total cell's data-v of each unit row, in order
        self.lost_bars = []          # data-id
        self.grade_counts = {}       # grade -> count
        self.text = []
        self.urls = []
        self._in_units = False
        self._in_script_or_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if tag == "table" and a.get("id") == "units":
            self._in_units = True
        classes = (a.get("class") or "").split()
        if self._in_units and tag == "tr" and "unit" in classes:
            self.unit_rows.append((a.get("data-row"), a.get("data-grade")))
        if self._in_units and tag == "td" and "total" in classes:
            self.totals.append(float(a.get("data-v")))
        if tag == "rect" and "lost-bar" in classes:
            self.lost_bars.append(a.get("data-id"))
        if "grade-count" in classes:
            self.grade_counts[a.get("data-grade")] = int(a.get("data-count"))
        for k in ("src", "href"):
            if a.get(k) and not a[k].startswith("#"):
                self.urls.append(a[k])
        if tag in ("script", "style"):
            self._in_script_or_style = True

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_units = False
        if tag in ("script", "style"):
            self._in_script_or_style = False

    def handle_data(self, data):
        if not self._in_script_or_style:
            self.text.append(data)


def rulebook_toml(kaoping, rulebook):
    if rulebook.startswith("builtin:"):
        return subprocess.run([kaoping, "show", rulebook], check=True, capture_output=True, text=True).stdout
    return pathlib.Path(rulebook).read_text(encoding="utf-8")


def check_case(name, rulebook, data, kaoping, chromium, out, failures):
    def fail(msg):
        failures.append(f"{name}: {msg}")

    report, results, shot = out / f"{name}.html", out / f"{name}.csv", out / f"{name}.png"
    run = subprocess.run(
        [kaoping, "score", rulebook, str(data), "--report", str(report), "--out", str(results)],
        capture_output=True, text=True,
    )
    if run.returncode not in (0, 1) or not report.is_file():
        fail(f"kaoping score exited {run.returncode}: {run.stderr}")
        return
    book = tomllib.loads(rulebook_toml(kaoping, rulebook))
    ids = [i["id"] for i in book.get("indicator", [])]
    leaves = [i for i in book.get("indicator", []) if not any(o.startswith(i["id"] + ".") for o in ids)]
    grades = [g["label"] for g in book.get("grade", [])]
    with open(results, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    scored = [r for r in rows if not r["error_kind"]]

    base = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-extensions",
            "--no-first-run", "--disable-background-networking", "--enable-logging=stderr", "--v=0"]
    url = report.resolve().as_uri() + "#sort=total"
    dump = subprocess.run([chromium, *base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    if dump.returncode != 0 or "<html" not in dump.stdout:
        fail(f"chromium --dump-dom failed ({dump.returncode}): {dump.stderr[-2000:]}")
        return
    console = [l for l in dump.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        fail("console messages: " + " | ".join(console))
    dom = Dom()
    dom.feed(dump.stdout)
    if "data-errors" in dom.html_attrs:
        fail(f"script errors: {dom.html_attrs['data-errors']}")
    if len(dom.unit_rows) != len(rows):
        fail(f"{len(dom.unit_rows)} table rows, but the results have {len(rows)} units")
    if sorted(int(r) for r, _ in dom.unit_rows) != sorted(int(r["row"]) for r in rows):
        fail("the table's rows are not the results' rows")
    if dom.totals != sorted(dom.totals, reverse=True):
        fail(f"after #sort=total the table is not sorted by total: {dom.totals}")
    want_totals = sorted((float(r["total"]) if r["total"] else -1.0 for r in rows), reverse=True)
    if dom.totals != want_totals:
        fail(f"table totals {dom.totals} differ from the results' {want_totals}")
    if dom.lost_bars != [l["id"] for l in leaves]:
        fail(f"lost-points bars {dom.lost_bars}, expected one per leaf indicator {[l['id'] for l in leaves]}")
    want_counts = {g: sum(1 for r in scored if r["grade"] == g) for g in grades}
    if dom.grade_counts != want_counts:
        fail(f"grade counts {dom.grade_counts}, results say {want_counts}")
    by_row = {r["row"]: r["grade"] for r in rows}
    wrong = [(r, g) for r, g in dom.unit_rows if by_row.get(r) != g]
    if wrong:
        fail(f"table rows whose grade differs from the results: {wrong[:5]}")
    text = "".join(dom.text)
    chinese = [book["rulebook"].get("title", "")] + [l["label"] for l in leaves] + grades
    missing = [c for c in chinese if c and c not in text]
    if missing:
        fail(f"Chinese labels missing from the rendered text: {missing}")
    if not re.search(r"[\u4e00-\u9fff]", text):
        fail("no Chinese text at all in the rendered page")
    if dom.urls:
        fail(f"the report refers outside itself: {dom.urls[:5]}")
    raw = report.read_text(encoding="utf-8")
    if re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|@import|url\(""", raw):
        fail("the report loads something from outside")
    if shot.exists():
        shot.unlink()
    subprocess.run([chromium, *base, f"--screenshot={shot}", "--window-size=1280,2400", url],
                   capture_output=True, text=True, timeout=120)
    if not shot.is_file() or shot.stat().st_size < 20_000:
        fail(f"no screenshot at {shot}")
    print(f"{name}: {len(rows)} units, {len(leaves)} lost-points bars, grades {want_counts}; screenshot {shot}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kaoping", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chromium", default="chromium")
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LANG", "C.UTF-8")
    failures = []
    for name, rulebook, data in cases():
        check_case(name, rulebook, data, args.kaoping, args.chromium, out, failures)
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    print(f"report-check: {len(cases()) - len({f.split(':')[0] for f in failures})} passed, "
          f"{len({f.split(':')[0] for f in failures})} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
